//! A demo's page: its parameter form, Run and Cancel, the live timeline and
//! the code it runs.

use std::pin::pin;
use std::rc::Rc;

use asyncscope_core::catalog::Entry;
use asyncscope_core::demos;
use asyncscope_core::params::{ParamKind, ParamSpec};
use asyncscope_core::{Env, Traced};
use futures::channel::oneshot;
use futures::future::{AbortHandle, Either, abortable, select};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::browser_env::BrowserEnv;
use crate::components::timeline::Timeline;
use crate::route::Route;
use crate::state::{Action, DemoState, Ending, Form, RunSnapshot, RunState};

/// Props of [`DemoPage`].
#[derive(Properties, PartialEq)]
pub struct DemoPageProps {
    /// The catalog entry.
    pub entry: &'static Entry,
    /// The parameters from the URL.
    pub query: Vec<(String, String)>,
}

/// The page of one demo.
#[component]
pub fn DemoPage(props: &DemoPageProps) -> Html {
    let entry = props.entry;
    let body = match demos::specs(entry.slug) {
        Some(specs) => {
            // A new address (another link, say) is a new form: keyed by it.
            let pairs: Vec<(&str, String)> = props.query.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            let key = Route::demo_hash(entry.slug, &asyncscope_core::params::to_query(&pairs));
            html! { <Runner key={key} entry={entry} specs={specs} query={props.query.clone()} /> }
        }
        // Every catalog entry is a demo (a core test says so); this is the
        // page's last line of defence, not a state users reach.
        None => html! {
            <p class="planned-note" data-view="missing">{ "This demo cannot be shown." }</p>
        },
    };
    html! {
        <article class="demo" data-view="demo" data-slug={entry.slug}>
            <h1><span class="num">{ format!("{:02}", entry.number) }</span>{ entry.title }</h1>
            <p class="lead">{ entry.summary }</p>
            { body }
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct RunnerProps {
    entry: &'static Entry,
    specs: &'static [ParamSpec],
    query: Vec<(String, String)>,
}

/// Whether the lab server answers on this page's origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lab {
    /// Not known yet (or not asked: the demo sends no requests).
    Unknown,
    /// `/api/health` answered.
    Reachable,
    /// It did not, within the limit.
    Unreachable,
}

type LiveRuns = Rc<Vec<(&'static str, Traced<BrowserEnv>)>>;

fn snapshot(runs: &LiveRuns) -> Vec<RunSnapshot> {
    runs.iter()
        .map(|(label, traced)| RunSnapshot {
            label,
            trace: traced.snapshot(),
        })
        .collect()
}

/// Resolves at the browser's next animation frame.
async fn next_frame() {
    let (tx, rx) = oneshot::channel();
    let _frame = gloo_render::request_animation_frame(move |_| {
        let _ = tx.send(());
    });
    let _ = rx.await;
}

fn replace_hash(hash: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

#[component]
fn Runner(props: &RunnerProps) -> Html {
    let specs = props.specs;
    let query = props.query.clone();
    let explicit_network = query.iter().any(|(k, _)| k == "network");
    let state = use_reducer(move || DemoState::new(Form::from_query(specs, &query)));
    let abort = use_mut_ref(|| None::<AbortHandle>);
    // For demos that send requests: is the lab server there? Asked once per
    // page; without it the page says so once and uses the simulated lab.
    let lab = use_state(|| Lab::Unknown);
    {
        let (lab, state) = (lab.clone(), state.clone());
        let network = specs.iter().position(|s| s.name == "network");
        use_effect_with((), move |_| {
            if let Some(index) = network {
                wasm_bindgen_futures::spawn_local(async move {
                    let reachable = crate::browser_net::lab_reachable(3000).await;
                    lab.set(if reachable { Lab::Reachable } else { Lab::Unreachable });
                    if !reachable && !explicit_network {
                        state.dispatch(Action::Edit {
                            index,
                            value: "simulated".to_string(),
                        });
                    }
                });
            }
        });
    }
    {
        // Leaving the page cancels its run: the futures are dropped.
        let abort = abort.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(handle) = abort.borrow_mut().take() {
                    handle.abort();
                }
            }
        });
    }

    let on_run = {
        let state = state.clone();
        let abort = abort.clone();
        let slug = props.entry.slug;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.is_running() || !state.form.is_valid() {
                return;
            }
            let pairs = state.form.pairs();
            let env = if pairs.iter().any(|(k, v)| k == "network" && v == "simulated") {
                BrowserEnv::default().with_simulated_network()
            } else {
                BrowserEnv::default()
            };
            let Ok(Some(started)) = demos::start(slug, env, &pairs) else {
                return;
            };
            replace_hash(&Route::demo_hash(slug, &state.form.query()));
            let generation = state.next_generation();
            state.dispatch(Action::Started);
            let (work, handle) = abortable(started.work);
            *abort.borrow_mut() = Some(handle);
            let runs: LiveRuns = Rc::new(started.runs);
            let dispatcher = state.dispatcher();
            let abort = abort.clone();
            // The work runs as its own task, polled only when it is woken;
            // the frame loop below only takes snapshots. (Polling the work
            // from the frame loop would add a poll to every lane each frame.)
            let (done_tx, done_rx) = oneshot::channel();
            wasm_bindgen_futures::spawn_local(async move {
                // `work` is consumed by the await, so every future in it is
                // dropped (recording any cancellation) before the send.
                let result = work.await;
                let _ = done_tx.send(result.is_ok());
            });
            wasm_bindgen_futures::spawn_local(async move {
                let mut done_rx = done_rx;
                let result = loop {
                    match select(&mut done_rx, pin!(next_frame())).await {
                        Either::Left((completed, _)) => break completed.unwrap_or(false),
                        Either::Right(((), _)) => {
                            let elapsed = runs.first().map(|(_, t)| t.now()).unwrap_or_default();
                            dispatcher.dispatch(Action::Frame {
                                generation,
                                runs: snapshot(&runs),
                                elapsed,
                            });
                        }
                    }
                };
                abort.borrow_mut().take();
                let how = if result { Ending::Completed } else { Ending::Cancelled };
                dispatcher.dispatch(Action::Ended {
                    generation,
                    runs: snapshot(&runs),
                    how,
                });
            });
        })
    };

    let on_cancel = {
        let state = state.clone();
        let abort = abort.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(handle) = abort.borrow().as_ref() {
                handle.abort();
            }
            state.dispatch(Action::Cancel);
        })
    };

    // (data-state, status line, traces, time, finished), all from the one enum.
    let (run_state, status, runs, now, finished) = match &state.run {
        RunState::Idle => (
            "idle",
            "Set the parameters and press Run.".to_string(),
            Vec::new(),
            Default::default(),
            false,
        ),
        RunState::Running {
            runs,
            elapsed,
            cancelling: true,
            ..
        } => (
            "cancelling",
            "Cancelling: dropping every future…".to_string(),
            runs.clone(),
            *elapsed,
            false,
        ),
        RunState::Running { runs, elapsed, .. } => {
            let status = format!("Running on the browser's clock: {} ms", elapsed.as_millis());
            ("running", status, runs.clone(), *elapsed, false)
        }
        RunState::Ended { runs, how, .. } => {
            let end = runs
                .iter()
                .filter_map(|r| r.trace.events().last().map(|e| e.at))
                .max()
                .unwrap_or_default();
            let (name, status) = match how {
                Ending::Completed => ("done", "Done. Every future completed."),
                Ending::Cancelled => ("cancelled", "Cancelled: every unfinished future was dropped."),
            };
            (name, status.to_string(), runs.clone(), end, true)
        }
    };
    let running = state.is_running();
    let code = demos::shown_source(props.entry.slug).unwrap_or_default();

    html! {
        <div class="runner" data-state={run_state}>
            <form class="params" onsubmit={on_run} novalidate=true>
                { for specs.iter().enumerate().map(|(i, spec)| field(&state, i, spec)) }
                { for state.form.unknown.iter().map(|m| html! { <p class="note">{ m.clone() }</p> }) }
                <div class="buttons">
                    <button type="submit" class="primary" disabled={running || !state.form.is_valid()}>{ "Run" }</button>
                    <button type="button" onclick={on_cancel} disabled={!running}>{ "Cancel" }</button>
                </div>
            </form>
            if *lab == Lab::Unreachable && demos::sends_requests(props.entry.slug, &state.form.pairs()) {
                <p class="notice" data-notice="no-lab" role="note">
                    <strong>{ "No lab server answers here." }</strong>
                    { " Requests go to the simulated lab instead: the same API, with its delays on this page's real clock. To send real requests, serve the page with " }
                    <code>{ "cargo xtask serve" }</code>{ " and choose the real network." }
                </p>
            }
            <p class="status" role="status" aria-live="polite">{ status }</p>
            if !runs.is_empty() {
                <Timeline runs={runs} now={now} finished={finished} />
            }
            <details class="code" open=true>
                <summary>{ "The Rust code this demo runs" }</summary>
                <pre><code>{ code }</code></pre>
            </details>
        </div>
    }
}

fn field(state: &UseReducerHandle<DemoState>, index: usize, spec: &ParamSpec) -> Html {
    let id = format!("param-{}", spec.name);
    let error_id = format!("{id}-error");
    let value = state.form.values.get(index).cloned().unwrap_or_default();
    let error = state.form.field_error(index);
    let dispatch = {
        let state = state.clone();
        move |value: String| state.dispatch(Action::Edit { index, value })
    };
    let text_input = |placeholder: String| {
        let dispatch = dispatch.clone();
        let oninput =
            Callback::from(move |e: InputEvent| dispatch(e.target_unchecked_into::<HtmlInputElement>().value()));
        let numeric = matches!(spec.kind, ParamKind::Int { .. }).then_some("numeric");
        html! {
            <input id={id.clone()} name={spec.name} type="text" inputmode={numeric} value={value.clone()}
                   aria-invalid={error.is_some().then_some("true")} aria-describedby={error_id.clone()}
                   placeholder={placeholder} oninput={oninput} />
        }
    };
    let control = match spec.kind {
        ParamKind::Int { min, max } => text_input(format!("{min}–{max}")),
        ParamKind::IntList { .. } | ParamKind::ChoiceList { .. } | ParamKind::TimeOfDay => {
            text_input(spec.default.to_string())
        }
        ParamKind::Choice(choices) => {
            let onchange =
                Callback::from(move |e: Event| dispatch(e.target_unchecked_into::<HtmlSelectElement>().value()));
            html! {
                <select id={id.clone()} name={spec.name} onchange={onchange}>
                    { for choices.iter().map(|c| html! { <option value={*c} selected={*c == value}>{ *c }</option> }) }
                </select>
            }
        }
    };
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={id}>{ spec.label }<span class="range">{ spec.allowed() }</span></label>
            { control }
            <p class="error" id={error_id} aria-live="polite">{ error.unwrap_or_default() }</p>
        </div>
    }
}
