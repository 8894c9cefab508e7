//! The demo page's state and its parts: the form and the status on the
//! left, the playback toolbar, the timeline and the time per task in the
//! middle, the code and the event log on the right. What happens over time
//! is in the hooks ([`crate::hooks`]); what is drawn, in the parts.

use std::rc::Rc;

use asyncscope_core::catalog::Entry;
use asyncscope_core::demos;
use asyncscope_core::params::ParamSpec;
use asyncscope_view::await_site;
use asyncscope_view::state::{Action, Clock, DemoState, EventRef, Form, TaskRef};
use yew::prelude::*;

use super::params::ParamsForm;
use super::playback::Playback;
use super::stage::drawn;
use super::status::run_status;
use super::times::TimesTable;
use crate::browser::dom;
use crate::components::code_view::CodeView;
use crate::components::common::use_lang;
use crate::components::event_log::EventLog;
use crate::components::timeline::Timeline;
use crate::components::warnings::WarningsPanel;
use crate::hooks::{
    Lab, ended_generation, use_form_in_address, use_lab_health, use_log_events, use_replay_clock, use_run,
    use_shortcuts,
};
use crate::state::PageState;
use crate::subject::Subject;

/// Props of [`Runner`].
#[derive(Properties, PartialEq)]
pub(super) struct RunnerProps {
    /// The catalog entry.
    pub entry: &'static Entry,
    /// Its parameters.
    pub specs: &'static [ParamSpec],
    /// The parameters from the URL.
    pub query: Vec<(String, String)>,
}

/// The demo's runs: one per address (the page keys it by the address).
#[component]
pub(super) fn Runner(props: &RunnerProps) -> Html {
    let lang = use_lang();
    let specs = props.specs;
    let slug = props.entry.slug;
    let query = props.query.clone();
    // A link that carries parameters or a seed is a picture to show: it
    // runs in virtual time as the page opens.
    let from_link = !query.is_empty();
    let explicit_network = query.iter().any(|(k, _)| k == "network");
    let state = use_reducer(move || {
        let form = Form::from_query(specs, &query).with_rules(demos::rules(slug), demos::randomness(slug));
        PageState(DemoState::new(form))
    });
    let notice = use_state(|| None::<String>);
    let on_notice = {
        let notice = notice.clone();
        Callback::from(move |text: Option<String>| notice.set(text))
    };
    // For demos that send requests: without a lab server the page says so
    // once and uses the simulated lab.
    let lab = use_lab_health(specs, explicit_network, &state);
    let subject = Subject::Demo(slug);
    let run = use_run(&state, &subject, on_notice.clone());
    use_form_in_address(&subject, state.form.query());
    use_replay_clock(state.finished().is_some_and(|f| f.playing), state.dispatcher());
    use_shortcuts(&state);
    let events: Rc<Vec<EventRef>> = use_log_events(&state);
    // Until that run starts, the page says it is running (never idle).
    let auto = use_state_eq(|| from_link && state.form.is_valid());
    {
        let (start_virtual, auto) = (run.start_virtual.clone(), auto.clone());
        use_effect_with((), move |_| {
            if *auto {
                start_virtual.emit(());
                auto.set(false);
            }
        });
    }

    let on_action = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let status = run_status(&state.run, lang);
    let running = state.is_running();
    let fin = state.finished();
    let (drawn, span) = drawn(&state, status.live, status.now);
    let generation = ended_generation(&state.run);
    let current = fin.and_then(|f| events.get(f.current(&events)?).copied());
    let selected_task = fin.and_then(|f| f.selected_task(&events));
    let lit = current.and_then(|r| {
        let trace = &fin?.runs.get(r.run)?.trace;
        let site = await_site(trace, r.index)?;
        demos::shown_line(slug, &site.file, site.line)
    });
    let on_pick = on_action.reform(|(task, at): (TaskRef, _)| Action::Pick { task, at });
    let on_pan = on_action.reform(Action::Pan);
    let on_zoom = on_action.reform(Action::Zoom);
    let on_filter = on_action.reform(Action::Filter);
    let on_select = on_action.reform(|r: EventRef| Action::Select(r));
    // Once a run (a new one) has lanes to show, they come into view.
    {
        let shown = !drawn.is_empty();
        use_effect_with((state.next_generation(), shown), move |(_, shown)| {
            if *shown {
                dom::bring_into_view(".runner .stage .lane", ".runner .stage");
                // Keys now go to the run (space plays, not runs again).
                if matches!(dom::focused_id().as_deref(), Some("run" | "run-virtual")) {
                    dom::focus_in_place("stage");
                }
            }
        });
    }
    let busy = run.busy || *auto;
    let (state_name, status_text) = if busy {
        ("running", lang.t("Running in virtual time…").to_string())
    } else {
        (status.name, status.text.clone())
    };

    html! {
        <div class="runner" data-state={state_name} data-clock={fin.map(|f| if f.clock == Clock::Virtual { "virtual" } else { "real" })}
             aria-busy={busy.then_some("true")}>
          <div class="controls">
            <ParamsForm form={state.form.clone()} running={running || busy} finished={fin.is_some()}
                        on_action={on_action.clone()} on_run={run.start} on_virtual={run.start_virtual} on_cancel={run.cancel}
                        presets={demos::presets(slug)} on_preset={run.preset} asking={run.asking} on_confirm={run.confirm} />
            if lab == Lab::Unreachable && demos::sends_requests(slug, &state.form.pairs()) {
                <p class="notice" data-notice="no-lab" role="note">
                    <strong>{ lang.t("No lab server answers here.") }</strong>
                    { " " }{ lang.t("Requests go to the simulated lab instead: the same API, with its delays on this page's real clock. To send real requests, serve the page with") }{ " " }
                    <code>{ "cargo xtask serve" }</code>{ " " }{ lang.t("and choose the real network.") }
                </p>
            }
            <p class={classes!("status", busy.then_some("busy"))} role="status" aria-live="polite"
               data-open-timers={fin.map(|f| f.leftovers.timers.to_string())}
               data-open-permits={fin.map(|f| f.leftovers.permits.to_string())}
               data-open-requests={fin.map(|f| f.leftovers.requests.to_string())}>{ status_text }</p>
            if let Some(text) = (*notice).clone() {
                <p class="notice" data-notice="page" role="note">{ text }</p>
            }
          </div>
          <div class="stage" id="stage" tabindex="-1">
            if let Some(f) = fin {
                <Playback subject={subject.clone()} query={state.form.query()} finished={f.clone()} speed={state.speed} view={state.view}
                          pinned={state.pinned.is_some()} on_action={on_action.clone()} on_notice={on_notice} />
            }
            if !drawn.is_empty() {
                <Timeline runs={drawn} now={status.now} span={span} finished={status.finished} view={state.view}
                          playhead={fin.map(|f| f.playhead)}
                          selected={selected_task}
                          on_pick={on_pick} on_pan={on_pan} on_zoom={on_zoom} />
            }
            if let Some(f) = fin {
                <WarningsPanel finished={f.clone()} generation={generation} on_action={on_action.clone()} subject={subject.clone()} />
                <TimesTable finished={f.clone()} />
            }
          </div>
          <div class="panes">
            <CodeView slug={slug} lit={lit} />
            if let Some(f) = fin {
                <EventLog subject={subject.clone()} finished={f.clone()} generation={generation} events={events.clone()} filter={state.filter.clone()} on_filter={on_filter} on_select={on_select} />
            }
          </div>
        </div>
    }
}
