//! The stage every runs page shares (the demo page and the composer):
//! what the timeline draws, what the page watches over time, and the
//! stage, status line and log it renders from that.

use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::trace::human;
use asyncscope_core::{Bilingual, Trace};
use asyncscope_view::state::{Action, Clock, DemoState, EventRef, RunSnapshot, RunState, TaskRef};
use asyncscope_view::{TraceCopies, await_site, live_span};
use yew::prelude::*;

use super::playback::Playback;
use super::status::{RunStatus, run_status};
use super::times::TimesTable;
use crate::browser::dom;
use crate::components::event_log::EventLog;
use crate::components::timeline::{Timeline, span_of};
use crate::components::waits::WaitsPanel;
use crate::components::warnings::WarningsPanel;
use crate::hooks::{Progress, ended_generation, use_log_events, use_panels_ready, use_replay_clock, use_shortcuts};
use crate::i18n::Lang;
use crate::state::PageState;
use crate::subject::Subject;

/// The runs the timeline draws and the length of its axis: `live` runs as
/// they are at `now`, or the finished ones cut at the playhead, with any
/// pinned runs on the same axis.
pub(crate) fn drawn(
    state: &DemoState,
    live: Vec<RunSnapshot>,
    now: Duration,
    expected: Option<Duration>,
    cuts: &mut Cuts,
) -> (Vec<RunSnapshot>, Duration) {
    let fin = state.finished();
    let mut drawn: Vec<RunSnapshot> = match fin {
        Some(f) => f
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| RunSnapshot {
                label: r.label.clone(),
                trace: if f.playhead >= f.end {
                    r.trace.clone()
                } else {
                    cuts.cut(i, &r.trace, f.playhead)
                },
            })
            .collect(),
        None => live,
    };
    let mut span = match fin {
        // A makespan never passes the last event: the end is the span.
        Some(f) => f.end,
        // A live run's axis holds still (see `live_span`).
        None => live_span(span_of(&drawn, now), expected),
    };
    if let Some(pinned) = &state.pinned {
        let first = fin.map_or(0, |f| f.runs.len());
        for (i, r) in pinned.runs.iter().enumerate() {
            span = span.max(r.trace.makespan().unwrap_or_default());
            drawn.push(RunSnapshot {
                label: r.label.clone(),
                // Scrubbing cuts the pinned runs at the same instant; at
                // the end of the current run they are shown whole.
                trace: match fin {
                    Some(f) if f.playhead < f.end => cuts.cut(first + i, &r.trace, f.playhead),
                    _ => r.trace.clone(),
                },
            });
        }
    }
    (drawn, span)
}

/// Per run drawn at a playhead, two cuts of its trace kept up to date in
/// turn ([`TraceCopies`]): a replay's frame copies only the events the
/// playhead passed since, not the run up to it.
#[derive(Default)]
pub(crate) struct Cuts(Vec<TraceCopies>);

impl Cuts {
    /// Run `i`'s `trace` cut at `at`.
    fn cut(&mut self, i: usize, trace: &Trace, at: Duration) -> Rc<Trace> {
        if self.0.len() <= i {
            self.0.resize_with(i + 1, Default::default);
        }
        let n = trace.events().partition_point(|e| e.at() <= at);
        self.0[i].to(trace, n).0
    }
}

/// What every page that runs a subject watches, from its state: the
/// hooks they share (the replay clock, the keyboard, the log's events,
/// the lanes brought into view as a run starts) and what they derive.
pub(crate) struct Watch {
    /// What the run's state shows.
    pub status: RunStatus,
    /// The log's events, filtered.
    pub events: Rc<Vec<EventRef>>,
    /// The runs the timeline draws.
    pub drawn: Vec<RunSnapshot>,
    /// The axis's length.
    pub span: Duration,
    /// The ended run's generation.
    pub generation: u32,
    /// The task of the current event.
    pub selected: Option<TaskRef>,
    /// The line of the shown code the current event's task waits at.
    pub lit: Option<u32>,
    /// The finished run's panels (waits, warnings, times, log) may be
    /// drawn (a big run's come a task after its timeline).
    pub panels: bool,
}

/// [`Watch`] of `state`'s runs of `subject`.
#[hook]
pub(crate) fn use_watch(state: &UseReducerHandle<PageState>, subject: &Subject, lang: Lang) -> Watch {
    use_replay_clock(state.finished().is_some_and(|f| f.playing), state.dispatcher());
    use_shortcuts(state);
    let panels = use_panels_ready(state);
    let events: Rc<Vec<EventRef>> = use_log_events(state, panels);
    let status = run_status(&state.run, subject.idle_hint(), lang);
    let fin = state.finished();
    let cuts = use_mut_ref(Cuts::default);
    let (drawn, span) = drawn(
        state,
        status.live.clone(),
        status.now,
        status.expected,
        &mut cuts.borrow_mut(),
    );
    let current = fin.and_then(|f| events.get(f.current(&events)?).copied());
    let lit = current.and_then(|r| {
        let trace = &fin?.runs.get(r.run)?.trace;
        let site = await_site(trace, r.index)?;
        subject.shown_line(&site.file, site.line)
    });
    // Once a run (a new one) has lanes to show, they come into view, with
    // the status line where it sits above them (stacked layouts: a phone,
    // or the controls across the top).
    {
        let shown = !drawn.is_empty();
        use_effect_with((state.next_generation(), shown), move |(_, shown)| {
            if *shown {
                dom::bring_into_view(".runner .stage .lane", &[".runner .status", ".runner .stage"]);
                // Keys now go to the run (space plays, not runs again).
                if matches!(dom::focused_id().as_deref(), Some("run" | "run-virtual")) {
                    dom::focus_in_place("stage");
                }
            }
        });
    }
    Watch {
        selected: fin.and_then(|f| f.selected_task(&events)),
        generation: ended_generation(&state.run),
        status,
        events,
        drawn,
        span,
        lit,
        panels,
    }
}

/// Starts `start_virtual` once, as the page opens, if `on_open`: a link
/// that is a picture to show. True until that run has been asked for.
#[hook]
pub(crate) fn use_run_on_open(start_virtual: &Callback<()>, on_open: bool) -> bool {
    let auto = use_state_eq(|| on_open);
    {
        let (start_virtual, auto) = (start_virtual.clone(), auto.clone());
        use_effect_with((), move |_| {
            if *auto {
                start_virtual.emit(());
                auto.set(false);
            }
        });
    }
    *auto
}

/// The status line: what the run's state says (or that a virtual run is
/// being computed, and how far it has gone), with what a finished run
/// left open.
pub(crate) fn status_line(state: &DemoState, w: &Watch, busy: bool, progress: Option<Progress>, lang: Lang) -> Html {
    let fin = state.finished();
    let text = if busy {
        lang.t("Running in virtual time…").to_string()
    } else if matches!(state.run, RunState::Idle) && !state.form.is_valid() {
        // Run is off until then: the status line says why, not "press Run".
        lang.t("Run waits for the fields marked in red: each says what it takes.")
            .to_string()
    } else {
        w.status.text.clone()
    };
    // How far a virtual run has gone: its clock and its events, and a bar
    // when its length is known (the same form ran to its end before).
    let progress = progress.filter(|_| busy).map(|p| {
        html! {
            <>
                { " " }
                <span class="progress" data-virtual-ms={p.at.as_millis().to_string()} data-events={p.events.to_string()}>
                    { format!("{} {}{}{} {}", lang.t("virtual clock at"), human(p.at), lang.t(", "), p.events, lang.t("events recorded")) }
                    if let Some(of) = p.of.filter(|of| !of.is_zero()) {
                        <progress max={of.as_millis().to_string()} value={p.at.min(of).as_millis().to_string()}></progress>
                    }
                </span>
            </>
        }
    });
    html! {
        <p class={classes!("status", busy.then_some("busy"))} role="status" aria-live="polite"
           data-open-timers={fin.map(|f| f.leftovers.timers.to_string())}
           data-open-permits={fin.map(|f| f.leftovers.permits.to_string())}
           data-open-requests={fin.map(|f| f.leftovers.requests.to_string())}>{ text }{ for progress }</p>
    }
}

/// `data-state` of the page's runner.
pub(crate) fn state_name(w: &Watch, busy: bool) -> &'static str {
    if busy { "running" } else { w.status.name }
}

/// `data-clock` of the page's runner, once a run has ended.
pub(crate) fn clock_name(state: &DemoState) -> Option<&'static str> {
    state
        .finished()
        .map(|f| if f.clock == Clock::Virtual { "virtual" } else { "real" })
}

/// The stage: the playback toolbar, the timeline, the warnings and the
/// time per task.
pub(crate) fn stage_view(
    state: &DemoState,
    subject: &Subject,
    w: &Watch,
    on_action: &Callback<Action>,
    on_notice: &Callback<Option<Bilingual>>,
) -> Html {
    let fin = state.finished();
    html! {
        <div class="stage" id="stage" tabindex="-1">
            if let Some(f) = fin {
                <Playback subject={subject.clone()} query={state.form.query()} finished={f.clone()} speed={state.speed}
                          view={state.view} pinned={state.pinned.is_some()} on_action={on_action.clone()} on_notice={on_notice.clone()} />
            }
            if !w.drawn.is_empty() {
                <Timeline runs={w.drawn.clone()} now={w.status.now} span={w.span} finished={w.status.finished} view={state.view}
                          playhead={fin.map(|f| f.playhead)} selected={w.selected}
                          on_action={on_action.clone()} />
            }
            if let Some(f) = fin.filter(|_| w.panels) {
                <WaitsPanel finished={f.clone()} selected={w.selected} />
                <WarningsPanel finished={f.clone()} generation={w.generation} on_action={on_action.clone()} subject={subject.clone()} />
                <TimesTable finished={f.clone()} />
            }
        </div>
    }
}

/// The event log of the finished run, if there is one.
pub(crate) fn log_view(state: &DemoState, subject: &Subject, w: &Watch, on_action: &Callback<Action>) -> Html {
    match state.finished().filter(|_| w.panels) {
        Some(f) => html! {
            <EventLog subject={subject.clone()} finished={f.clone()} generation={w.generation} events={w.events.clone()}
                      filter={state.filter.clone()} on_action={on_action.clone()} />
        },
        None => Html::default(),
    }
}
