//! A demo's page: its explanation, the parameter form, Run (real browser
//! time), Run in virtual time, Cancel and Replay; the timeline with its
//! playhead; the code view; the event log; and sharing and export.

use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::catalog::Entry;
use asyncscope_core::params::{ParamKind, ParamSpec};
use asyncscope_core::{Env, Traced, VirtualRuntime, demos, export};
use asyncscope_view::state::{
    Action, Clock, DemoState, Ending, EventRef, Finished, Form, LogFilter, RunSnapshot, RunState, SPEEDS, TaskRef,
};
use asyncscope_view::{await_site, format_ms, svg_document, task_times};
use futures::channel::oneshot;
use futures::future::{AbortHandle, Either, abortable, select};
use yew::prelude::*;

use crate::browser::clock::{self, next_frame, now_ms};
use crate::browser::env::BrowserEnv;
use crate::browser::keys::{self, KeyPress};
use crate::browser::location::replace_hash;
use crate::browser::{self, dom};
use crate::components::code_view::CodeView;
use crate::components::common::{rich, title, use_lang};
use crate::components::event_log::EventLog;
use crate::components::timeline::{Timeline, span_of};
use crate::i18n::Lang;
use crate::route::Route;
use crate::state::PageState;

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
    let lang = use_lang();
    let entry = props.entry;
    let about = demos::about(entry.slug);
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
    let explain = match (lang, about) {
        (Lang::Zh, Some(a)) => a.explain_zh.to_string(),
        (Lang::En, Some(a)) => a.explain_en.to_string(),
        (_, None) => entry.summary.to_string(),
    };
    html! {
        <article class="demo" data-view="demo" data-slug={entry.slug}>
            <h1><span class="num">{ format!("{:02}", entry.number) }</span>{ title(entry, lang) }</h1>
            <p class="lead">{ rich(&explain) }</p>
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

fn snapshot<E: Env>(runs: &[(&'static str, Traced<E>)]) -> Vec<RunSnapshot> {
    runs.iter()
        .map(|(label, traced)| RunSnapshot {
            label: label.to_string(),
            trace: Rc::new(traced.snapshot()),
        })
        .collect()
}

/// The page's shortcut for a key pressed while `finished` (a finished run
/// is on the page) or not: space plays or pauses, arrows step (with Shift:
/// pan), + and - zoom, 0 shows the whole run. Keys typed into a form
/// control, with Ctrl, ⌘ or Alt, and space on a focused button (which
/// presses it) are left alone.
fn shortcut(press: &KeyPress, finished: bool) -> Option<Action> {
    let typing = matches!(press.focused.as_deref(), Some("INPUT" | "SELECT" | "TEXTAREA"));
    if typing || press.ctrl || press.meta || press.alt {
        return None;
    }
    let action = match press.key.as_str() {
        " " if finished => Action::TogglePlay,
        "ArrowRight" if press.shift => Action::Pan(0.2),
        "ArrowLeft" if press.shift => Action::Pan(-0.2),
        "ArrowRight" if finished => Action::Step(true),
        "ArrowLeft" if finished => Action::Step(false),
        "+" | "=" => Action::Zoom(0.5),
        "-" | "_" => Action::Zoom(2.0),
        "0" => Action::ResetView,
        _ => return None,
    };
    if press.key == " " && press.focused.as_deref() == Some("BUTTON") {
        return None;
    }
    Some(action)
}

#[component]
fn Runner(props: &RunnerProps) -> Html {
    let lang = use_lang();
    let specs = props.specs;
    let slug = props.entry.slug;
    let query = props.query.clone();
    let explicit_network = query.iter().any(|(k, _)| k == "network");
    let state = use_reducer(move || PageState(DemoState::new(Form::from_query(specs, &query))));
    let abort = use_mut_ref(|| None::<AbortHandle>);
    // The running run's environment: cancelling drops its spawned tasks too.
    let scope = use_mut_ref(|| None::<BrowserEnv>);
    let notice = use_state(|| None::<String>);
    // For demos that send requests: is the lab server there? Asked once per
    // page; without it the page says so once and uses the simulated lab.
    let lab = use_state(|| Lab::Unknown);
    {
        let (lab, state) = (lab.clone(), state.clone());
        let network = specs.iter().position(|s| s.name == "network");
        use_effect_with((), move |_| {
            if let Some(index) = network {
                browser::spawn(async move {
                    let reachable = browser::net::lab_reachable(3000).await;
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
        let (abort, scope) = (abort.clone(), scope.clone());
        use_effect_with((), move |_| {
            move || {
                if let Some(handle) = abort.borrow_mut().take() {
                    handle.abort();
                }
                if let Some(env) = scope.borrow_mut().take() {
                    env.cancel_all();
                }
            }
        });
    }
    {
        // Every value is mirrored in the address as it is typed, so the
        // address is always a link to what is on the form.
        let query = state.form.query();
        use_effect_with(query, move |query| {
            replace_hash(&Route::demo_hash(slug, query));
        });
    }
    let playing = state.finished().is_some_and(|f| f.playing);
    {
        // The replay: the playhead moves on with each animation frame.
        let state = state.clone();
        use_effect_with(playing, move |playing| {
            let alive = Rc::new(std::cell::Cell::new(*playing));
            if *playing {
                let alive = alive.clone();
                browser::spawn(async move {
                    let mut last = now_ms();
                    while alive.get() {
                        next_frame().await;
                        let t = now_ms();
                        state.dispatch(Action::Advance(clock::ms_to_duration(t - last)));
                        last = t;
                    }
                });
            }
            move || alive.set(false)
        });
    }
    {
        // Keyboard: space plays or pauses, arrows step, + and - zoom.
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = keys::on_keydown(move |press| {
                // A fresh handle per key: one kept for the page's life would
                // hold on to every state it ever read.
                let state = state.clone();
                match shortcut(press, state.finished().is_some()) {
                    Some(action) => {
                        state.dispatch(action);
                        true
                    }
                    None => false,
                }
            });
            move || drop(listener)
        });
    }

    let on_run = {
        let state = state.clone();
        let abort = abort.clone();
        let scope = scope.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.is_running() || !state.form.is_valid() {
                return;
            }
            let pairs = state.form.pairs();
            let seed = state.form.seed().unwrap_or(0);
            let env = if pairs.iter().any(|(k, v)| k == "network" && v == "simulated") {
                BrowserEnv::with_seed(seed).with_simulated_network()
            } else {
                BrowserEnv::with_seed(seed)
            };
            *scope.borrow_mut() = Some(env.clone());
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
            browser::spawn(async move {
                // `work` is consumed by the await, so every future in it is
                // dropped (recording any cancellation) before the send.
                let result = work.await;
                let _ = done_tx.send(result.is_ok());
            });
            browser::spawn(async move {
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
                if !result {
                    // Tasks the work spawned (detached ones too) are dropped
                    // at their next turn; wait for their ends to be recorded.
                    for (_, traced) in runs.iter() {
                        let wait = pin!(traced.settled());
                        let limit = pin!(clock::sleep(Duration::from_millis(250)));
                        let _ = select(wait, limit).await;
                    }
                }
                let how = if result { Ending::Completed } else { Ending::Cancelled };
                dispatcher.dispatch(Action::Ended {
                    generation,
                    runs: snapshot(&runs),
                    how,
                });
            });
        })
    };

    let on_virtual = {
        let (state, notice) = (state.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            if state.is_running() || !state.form.is_valid() {
                return;
            }
            let pairs = state.form.pairs();
            let rt = VirtualRuntime::with_seed(state.form.seed().unwrap_or(0));
            let Ok(Some(started)) = demos::start(slug, rt.env(), &pairs) else {
                return;
            };
            replace_hash(&Route::demo_hash(slug, &state.form.query()));
            let (runs, work) = (started.runs, started.work);
            match rt.block_on(work) {
                Ok(()) => notice.set(None),
                Err(stalled) => notice.set(Some(format!(
                    "The run stalled at {} ms: a task waits for something that never comes.",
                    stalled.at.as_millis()
                ))),
            }
            state.dispatch(Action::RanVirtual { runs: snapshot(&runs) });
        })
    };

    let on_cancel = {
        let state = state.clone();
        let abort = abort.clone();
        let scope = scope.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(handle) = abort.borrow().as_ref() {
                handle.abort();
            }
            if let Some(env) = scope.borrow().as_ref() {
                env.cancel_all();
            }
            state.dispatch(Action::Cancel);
        })
    };
    let dispatch = |action: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(action()))
    };

    // (data-state, status line, live runs to draw, time, finished), all from the one enum.
    let (run_state, status, live, now, finished) = match &state.run {
        RunState::Idle => (
            "idle",
            lang.t("Set the parameters and press Run.").to_string(),
            Vec::new(),
            Duration::ZERO,
            false,
        ),
        RunState::Running {
            runs,
            elapsed,
            cancelling: true,
            ..
        } => (
            "cancelling",
            lang.t("Cancelling: dropping every future…").to_string(),
            runs.clone(),
            *elapsed,
            false,
        ),
        RunState::Running { runs, elapsed, .. } => {
            let status = format!(
                "{} {} ms",
                lang.t("Running on the browser's clock:"),
                elapsed.as_millis()
            );
            ("running", status, runs.clone(), *elapsed, false)
        }
        RunState::Ended { finished, .. } => {
            let (name, status) = match (finished.how, finished.clock) {
                (Ending::Completed, Clock::Virtual) => ("done", lang.t("Ran in virtual time: exact, and at once.")),
                (Ending::Completed, Clock::Real) => ("done", lang.t("Done. Every future completed.")),
                (Ending::Cancelled, _) => ("cancelled", lang.t("Cancelled: every unfinished future was dropped.")),
            };
            (name, status.to_string(), Vec::new(), finished.playhead, true)
        }
    };
    let running = state.is_running();
    let fin = state.finished();

    // What the timeline draws: live runs as they are, or the finished ones
    // cut at the playhead, with any pinned runs on the same axis.
    let mut drawn: Vec<RunSnapshot> = match fin {
        Some(f) => f
            .runs
            .iter()
            .map(|r| RunSnapshot {
                label: r.label.clone(),
                trace: if f.playhead >= f.end {
                    r.trace.clone()
                } else {
                    Rc::new(r.trace.until(f.playhead))
                },
            })
            .collect(),
        None => live,
    };
    let mut span = match fin {
        // A makespan never passes the last event: the end is the span.
        Some(f) => f.end,
        None => span_of(&drawn, now),
    };
    if let Some(pinned) = &state.pinned {
        for r in &pinned.runs {
            span = span.max(r.trace.makespan().unwrap_or_default());
            drawn.push(RunSnapshot {
                label: r.label.clone(),
                // Scrubbing cuts the pinned runs at the same instant; at
                // the end of the current run they are shown whole.
                trace: match fin {
                    Some(f) if f.playhead < f.end => Rc::new(r.trace.until(f.playhead)),
                    _ => r.trace.clone(),
                },
            });
        }
    }
    // The log's events, sorted once per run and filter (not per frame).
    let generation = match &state.run {
        RunState::Ended { generation, .. } => *generation,
        _ => 0,
    };
    let events = {
        let state = state.clone();
        use_memo((generation, state.filter.clone()), move |(_, filter)| {
            Rc::new(state.finished().map(|f| f.events(filter)).unwrap_or_default())
        })
    };
    let events: Rc<Vec<EventRef>> = (*events).clone();
    let current = fin.and_then(|f| events.get(f.current(&events)?).copied());
    let selected_task = fin.and_then(|f| f.selected_task(&events));
    let lit = current.and_then(|r| {
        let trace = &fin?.runs.get(r.run)?.trace;
        let site = await_site(trace, r.index)?;
        demos::shown_line(slug, &site.file, site.line)
    });
    let on_pick = {
        let state = state.clone();
        Callback::from(move |(task, at): (TaskRef, Duration)| state.dispatch(Action::Pick { task, at }))
    };
    let on_pan = {
        let state = state.clone();
        Callback::from(move |d: f64| state.dispatch(Action::Pan(d)))
    };
    let on_zoom = {
        let state = state.clone();
        Callback::from(move |f: f64| state.dispatch(Action::Zoom(f)))
    };
    let on_seek = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let v = dom::input_number(&e);
            if v.is_finite() {
                state.dispatch(Action::Seek(clock::ms_to_duration(v)));
            }
        })
    };
    let on_speed = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = dom::select_value(&e);
            if let Ok(i) = v.parse::<usize>() {
                state.dispatch(Action::Speed(i));
            }
        })
    };
    let on_seed = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(Action::EditSeed(dom::input_value(&e))))
    };
    let share_link = {
        let base = browser::location::address_without_hash();
        format!("{base}{}", Route::demo_hash(slug, &state.form.query()))
    };
    let on_copy = {
        let (link, notice) = (share_link.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.set(Some(if browser::export::copy_text(&link) {
                lang.t("Link copied").to_string()
            } else {
                link.clone()
            }));
        })
    };
    let on_chrome = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(f) = state.finished() {
                let runs: Vec<(&str, &asyncscope_core::Trace)> =
                    f.runs.iter().map(|r| (r.label.as_str(), &*r.trace)).collect();
                browser::export::download(
                    &format!("asyncscope-{slug}.json"),
                    "application/json",
                    &export::chrome_demo(slug, &runs),
                );
            }
        })
    };
    let on_svg = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(f) = state.finished() {
                let runs: Vec<(&str, &asyncscope_core::Trace)> =
                    f.runs.iter().map(|r| (r.label.as_str(), &*r.trace)).collect();
                let svg = svg_document(&runs, state.view);
                browser::export::download(&format!("asyncscope-{slug}.svg"), "image/svg+xml", &svg);
            }
        })
    };
    let on_filter = {
        let state = state.clone();
        Callback::from(move |f: LogFilter| state.dispatch(Action::Filter(f)))
    };
    let on_select = {
        let state = state.clone();
        Callback::from(move |r: EventRef| state.dispatch(Action::Select(r)))
    };
    let seed_error = state.form.seed().err();
    let valid = state.form.is_valid();

    html! {
        <div class="runner" data-state={run_state}>
          <div class="controls">
            <form class="params" onsubmit={on_run} novalidate=true>
                { for specs.iter().enumerate().map(|(i, spec)| field(&state, i, spec, lang)) }
                <div class={classes!("field", "seed", seed_error.is_some().then_some("invalid"))}>
                    <label for="param-seed">{ lang.t("Seed") }<span class="range">{ "0 – 18446744073709551615" }</span></label>
                    <input id="param-seed" name="seed" type="text" inputmode="numeric" value={state.form.seed.clone()}
                           aria-invalid={seed_error.is_some().then_some("true")} aria-describedby="param-seed-error" oninput={on_seed} />
                    <p class="error" id="param-seed-error" aria-live="polite">{ seed_error.unwrap_or_default() }</p>
                </div>
                { for state.form.unknown.iter().map(|m| html! { <p class="note">{ m.clone() }</p> }) }
                <div class="buttons">
                    <button type="submit" id="run" class="primary" disabled={running || !valid}>{ lang.t("Run") }</button>
                    <button type="button" id="run-virtual" onclick={on_virtual} disabled={running || !valid}>{ lang.t("Run in virtual time") }</button>
                    <button type="button" id="cancel" onclick={on_cancel} disabled={!running}>{ lang.t("Cancel") }</button>
                    <button type="button" id="replay" onclick={dispatch(|| Action::Replay)} disabled={fin.is_none()}>{ lang.t("Replay") }</button>
                </div>
            </form>
            if *lab == Lab::Unreachable && demos::sends_requests(slug, &state.form.pairs()) {
                <p class="notice" data-notice="no-lab" role="note">
                    <strong>{ lang.t("No lab server answers here.") }</strong>
                    { " " }{ lang.t("Requests go to the simulated lab instead: the same API, with its delays on this page's real clock. To send real requests, serve the page with") }{ " " }
                    <code>{ "cargo xtask serve" }</code>{ " " }{ lang.t("and choose the real network.") }
                </p>
            }
            <p class="status" role="status" aria-live="polite">{ status }</p>
            if let Some(text) = (*notice).clone() {
                <p class="notice" data-notice="page" role="note">{ text }</p>
            }
          </div>
          <div class="stage">
            if let Some(f) = fin {
                <div class="toolbar" role="toolbar" aria-label="Playback">
                    <button type="button" id="step-back" onclick={dispatch(|| Action::Step(false))} aria-label={lang.t("Previous event")} title={lang.t("Previous event")}>{ "◀" }</button>
                    <button type="button" id="play" onclick={dispatch(|| Action::TogglePlay)} aria-label={if f.playing { lang.t("Pause") } else { lang.t("Play") }}>
                        { if f.playing { "❚❚" } else { "▶" } }
                    </button>
                    <button type="button" id="step-forward" onclick={dispatch(|| Action::Step(true))} aria-label={lang.t("Next event")} title={lang.t("Next event")}>{ "▶|" }</button>
                    <label class="scrub">
                        <span class="visually-hidden">{ lang.t("Playhead") }</span>
                        <input id="playhead" type="range" min="0" max={format!("{:.3}", f.end.as_secs_f64() * 1000.0)} step="any"
                               value={format!("{:.3}", f.playhead.as_secs_f64() * 1000.0)} oninput={on_seek}
                               aria-valuetext={format_ms(f.playhead.as_secs_f64() * 1000.0)} />
                    </label>
                    <output class="playhead-time" for="playhead" data-metric="playhead_ms">{ f.playhead.as_millis() }</output>
                    <label>
                        <span class="visually-hidden">{ lang.t("Speed") }</span>
                        <select id="speed" aria-label={lang.t("Speed")} onchange={on_speed}>
                            { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                                <option value={i.to_string()} selected={i == state.speed}>{ format!("{s}×") }</option>
                            }) }
                        </select>
                    </label>
                    <span class="sep" aria-hidden="true"></span>
                    <button type="button" id="zoom-in" onclick={dispatch(|| Action::Zoom(0.5))} aria-label={lang.t("Zoom in")} title={lang.t("Zoom in")}>{ "+" }</button>
                    <button type="button" id="zoom-out" onclick={dispatch(|| Action::Zoom(2.0))} aria-label={lang.t("Zoom out")} title={lang.t("Zoom out")}>{ "−" }</button>
                    <button type="button" id="zoom-reset" onclick={dispatch(|| Action::ResetView)}>{ lang.t("Whole run") }</button>
                    <span class="sep" aria-hidden="true"></span>
                    if state.pinned.is_some() {
                        <button type="button" id="unpin" onclick={dispatch(|| Action::Unpin)}>{ lang.t("Unpin") }</button>
                    } else {
                        <button type="button" id="pin" onclick={dispatch(|| Action::Pin)}>{ lang.t("Pin for comparison") }</button>
                    }
                    <button type="button" id="copy-link" onclick={on_copy}>{ lang.t("Copy link") }</button>
                    <button type="button" id="download-trace" onclick={on_chrome}>{ lang.t("Download trace (Perfetto)") }</button>
                    <button type="button" id="download-svg" onclick={on_svg}>{ lang.t("Download SVG") }</button>
                </div>
                <p class="share"><label for="share-link">{ lang.t("Copy link") }</label>
                    <input id="share-link" type="text" readonly=true value={share_link.clone()} /></p>
                <p class="hint">{ lang.t("Keyboard: space plays or pauses, ← → step through events, Shift+← → pan, + and − zoom, 0 shows the whole run.") }</p>
            }
            if !drawn.is_empty() {
                <Timeline runs={drawn} now={now} span={span} finished={finished} view={state.view}
                          playhead={fin.map(|f| f.playhead)}
                          selected={selected_task}
                          on_pick={on_pick} on_pan={on_pan} on_zoom={on_zoom} />
            }
            if let Some(f) = fin {
                { times_table(f, lang) }
            }
          </div>
          <div class="panes">
            <CodeView slug={slug} lit={lit} />
            if let Some(f) = fin {
                <EventLog slug={slug} finished={f.clone()} generation={generation} events={events.clone()} filter={state.filter.clone()} on_filter={on_filter} on_select={on_select} />
            }
          </div>
        </div>
    }
}

/// Per task, time running versus waiting.
fn times_table(f: &Finished, lang: Lang) -> Html {
    html! {
        <details class="times">
            <summary>{ lang.t("Time per task") }</summary>
            { for f.runs.iter().map(|run| {
                let rows = task_times(&run.trace, f.end);
                html! {
                    <table data-run={run.label.clone()}>
                        <caption>{ run.label.clone() }</caption>
                        <thead><tr>
                            <th scope="col">{ lang.t("task") }</th>
                            <th scope="col">{ lang.t("running") }</th>
                            <th scope="col">{ lang.t("waiting") }</th>
                            <th scope="col">{ lang.t("not started") }</th>
                        </tr></thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr data-task={r.name.clone()}>
                                    <th scope="row">{ r.name.clone() }</th>
                                    <td>{ format_ms(r.running.as_secs_f64() * 1000.0) }</td>
                                    <td>{ format_ms(r.waiting.as_secs_f64() * 1000.0) }</td>
                                    <td>{ format_ms(r.not_started.as_secs_f64() * 1000.0) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }) }
        </details>
    }
}

fn field(state: &UseReducerHandle<PageState>, index: usize, spec: &ParamSpec, lang: Lang) -> Html {
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
        let oninput = Callback::from(move |e: InputEvent| dispatch(dom::input_value(&e)));
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
            let onchange = Callback::from(move |e: Event| dispatch(dom::select_value(&e)));
            html! {
                <select id={id.clone()} name={spec.name} onchange={onchange}>
                    { for choices.iter().map(|c| html! { <option value={*c} selected={*c == value}>{ *c }</option> }) }
                </select>
            }
        }
    };
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={id}>{ lang.t(spec.label) }<span class="range">{ spec.allowed() }</span></label>
            { control }
            <p class="error" id={error_id} aria-live="polite">{ error.unwrap_or_default() }</p>
        </div>
    }
}
