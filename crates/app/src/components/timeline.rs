//! The timeline: per run, its figures, one lane per task on a time axis
//! shared by all runs, step charts of what is in flight and of each
//! resource, marks for wakes, retries, deadlines and cancels, and the
//! playhead. Long runs draw only the lanes in view (virtualized); the axis
//! zooms and pans with the wheel, a drag, touch, or the keyboard.

use std::fmt::Write as _;
use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::Trace;
use asyncscope_core::demos::is_harness_task;
use asyncscope_core::trace::{Outcome, RequestSpan, SegmentState, TaskId, human, on_wire_peak};
use asyncscope_view::state::{Action, RunSnapshot, TaskRef, View};
use asyncscope_view::{
    Analyses, ArrowVm, Fed, LaneVm, MarkVm, ModelFold, RunModel, Scale, SegmentVm, TRACK_COLUMNS, axis, deadlines,
    lane_in, legend, name_column, overview, run_model, track_column, tracks, wake_arrows, with_waits,
};
use yew::prelude::*;

use crate::browser::{self, clock, dom};
use crate::components::common::use_lang;
use crate::hooks::{self, IN_STEPS_ABOVE};
use crate::i18n::Lang;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The runs to draw, as they are at `now`.
    pub runs: Vec<RunSnapshot>,
    /// The instant drawn (open segments end here).
    pub now: Duration,
    /// The length of the whole axis (it does not move while scrubbing).
    pub span: Duration,
    /// True once the runs are over.
    pub finished: bool,
    /// The part of the axis in view.
    #[prop_or_default]
    pub view: View,
    /// The playhead, when scrubbing a finished run.
    #[prop_or_default]
    pub playhead: Option<Duration>,
    /// The task to highlight: the selected event's.
    #[prop_or_default]
    pub selected: Option<TaskRef>,
    /// Where the timeline's gestures go, as the page's actions: a lane
    /// clicked (`Pick`: its task, and the instant under the pointer), a
    /// pan (`Pan`, by a fraction of the span in view), a zoom (`Zoom`, by
    /// a factor; below 1 zooms in). One callback the page makes once, not
    /// one made at each of its drawings: so a drawing of the page that
    /// changes none of the timeline's props leaves its lanes alone.
    #[prop_or_default]
    pub on_action: Callback<Action>,
}

/// The states, in legend order, with their explanation.
pub const STATES: [(SegmentState, &str); 6] = [
    (SegmentState::Created, "created: built, not polled yet"),
    (SegmentState::Polled, "polled: the future's code is running"),
    (SegmentState::Sleeping, "sleeping: pending on its timer"),
    (SegmentState::WaitingPermit, "permit: waiting for a semaphore permit"),
    (SegmentState::AwaitingIo, "io: awaiting a request"),
    (SegmentState::Waiting, "waiting: pending on something else"),
];

/// The Resource Timing phases, as the strip under a request's lane shows them.
const PHASES: [(&str, &str); 4] = [
    (
        "queued",
        "queued: waiting for a connection (the browser allows 6 per origin)",
    ),
    ("connecting", "connecting: opening a connection"),
    ("waiting", "waiting: request sent, no byte back yet"),
    ("receiving", "receiving: the response arriving"),
];

const MARKS: [(&str, &str); 7] = [
    ("wake", "wake: something woke the task"),
    ("retry", "retry: another attempt starts"),
    ("deadline", "deadline: a timeout's time limit passed"),
    ("cancel", "cancel: the task was dropped here"),
    ("timeout", "timeout: its time limit dropped it here"),
    ("error", "error: it failed here"),
    ("warning", "warning: a rule of the Warnings panel fired here"),
];

thread_local! {
    /// How the timelines' models were fed since the page loaded, by
    /// [`Fed`] (grown, copied, again): shown as `data-models`, so that a
    /// test in the browser sees that a live frame takes in only what is
    /// new.
    static FEEDS: std::cell::Cell<[u32; 3]> = const { std::cell::Cell::new([0; 3]) };
}

/// The model of `trace` from the one of `pair` not held elsewhere (the
/// further on, if both are free), brought up to date.
fn fed<'a>(pair: &'a mut [ModelFold; 2], trace: &Trace) -> (Fed, &'a Rc<RunModel>) {
    let free = |f: &ModelFold| Rc::strong_count(f.model()) == 1;
    let [a, b] = pair;
    let fold = match (free(a), free(b)) {
        (true, true) if b.events_seen() > a.events_seen() => b,
        (true, _) | (false, false) => a,
        (false, true) => b,
    };
    let how = fold.feed(trace);
    (how, fold.model())
}

/// A finished trace's `model` with its analyses (edges, every task's waits
/// and the warnings) added, timed as the User Timing measure
/// `asyncscope:analyses` after the mark `asyncscope:analyses:begin`.
fn analysed(model: RunModel, trace: &Trace) -> RunModel {
    clock::mark(ANALYSES_BEGIN);
    clock::measured(ANALYSES, || with_waits(model, trace))
}

/// The User Timing names of a run's analyses: a mark where they begin,
/// then a measure per stretch of them (one, unless made in steps).
const ANALYSES_BEGIN: &str = "asyncscope:analyses:begin";
const ANALYSES: &str = "asyncscope:analyses";

/// How long (ms) the analyses made in steps hold the page's thread before
/// they let it go ([`analysed_in_steps`]).
const ANALYSES_SLICE_MS: f64 = 20.0;

/// [`analysed`] for a big trace, in stretches of about
/// [`ANALYSES_SLICE_MS`] with a yield to the browser between them, so that
/// no task is long (a run of 150,000 sleeps held the page 184–234 ms in
/// one); each stretch is a measure `asyncscope:analyses` (the caller marks
/// where the runs' analyses begin). `None` if `stale` says, between two
/// stretches, that the page no longer wants them.
async fn analysed_in_steps(model: RunModel, trace: &Trace, stale: impl Fn() -> bool) -> Option<RunModel> {
    let mut steps = Analyses::new(model, trace);
    loop {
        let start = clock::now_ms();
        let more = clock::measured(ANALYSES, || {
            while steps.step() {
                if clock::now_ms() - start > ANALYSES_SLICE_MS {
                    return true;
                }
            }
            false
        });
        if !more {
            return Some(steps.finish());
        }
        clock::next_task().await;
        if stale() {
            return None;
        }
    }
}

/// Rows and columns of a large run's overview.
const OVERVIEW_ROWS: usize = 24;
const OVERVIEW_COLUMNS: usize = 120;

/// Lane height in pixels (fixed, so long runs can draw only what is in view).
pub const ROW_PX: f64 = 26.0;
/// Above this many lanes a run's lanes scroll and only those in view exist.
pub const VIRTUAL_ABOVE: usize = 40;

/// The axis end for runs drawn until `now`: the last end of any run.
pub fn span_of(runs: &[RunSnapshot], now: Duration) -> Duration {
    runs.iter()
        .map(|r| r.trace.makespan().unwrap_or(now))
        .fold(now, Duration::max)
}

/// Draws the runs on one shared axis.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = use_lang();
    let axis = axis(props.span);
    let scale = Scale::of(axis.end, props.view);
    let drag = use_mut_ref(|| None::<f64>);
    let onpointerdown = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() == 0 && e.pointer_type() != "mouse" || e.shift_key() {
                *drag.borrow_mut() = Some(f64::from(e.client_x()));
            }
        })
    };
    let onpointermove = {
        let (drag, on_action) = (drag.clone(), props.on_action.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(last) = *drag.borrow() else { return };
            let width = dom::current_target_width(&e);
            let x = f64::from(e.client_x());
            on_action.emit(Action::Pan(-(x - last) / width));
            *drag.borrow_mut() = Some(x);
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| *drag.borrow_mut() = None)
    };
    let onwheel = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: WheelEvent| {
            if e.ctrl_key() || e.meta_key() {
                e.prevent_default();
                on_action.emit(Action::Zoom(if e.delta_y() > 0.0 { 1.25 } else { 0.8 }));
            } else if e.shift_key() || e.delta_x().abs() > e.delta_y().abs() {
                let delta = if e.delta_x().abs() > e.delta_y().abs() {
                    e.delta_x()
                } else {
                    e.delta_y()
                };
                on_action.emit(Action::Pan(delta / 800.0));
            }
        })
    };
    // Everything that does not depend on the view, once per trace; the
    // legend lists what these runs use.
    // A finished run's segments also say what their task waited on: those
    // analyses are made at once for a small trace, and for a big one after
    // the run is drawn, in stretches with the page let go between them
    // (together they would make one long task).
    let traces: Vec<Rc<Trace>> = props.runs.iter().map(|r| r.trace.clone()).collect();
    // Per run, two models kept up to date as its trace grows, fed in turn:
    // the one fed is not the one drawn (not held elsewhere), so taking in
    // a frame's new events does not copy the rest.
    let folds = use_mut_ref(Vec::<[ModelFold; 2]>::new);
    let models = use_memo((traces.clone(), props.finished), move |(traces, finished)| {
        let mut folds = folds.borrow_mut();
        folds.resize_with(traces.len(), Default::default);
        traces
            .iter()
            .zip(folds.iter_mut())
            .map(|(t, pair)| {
                let (how, model) = fed(pair, t);
                let model = Rc::clone(model);
                FEEDS.with(|f| {
                    let mut counts = f.get();
                    counts[how as usize] += 1;
                    f.set(counts);
                });
                if !*finished || t.events().len() > IN_STEPS_ABOVE {
                    return ModelRef(model);
                }
                ModelRef(Rc::new(analysed(Rc::unwrap_or_clone(model), t)))
            })
            .collect::<Vec<_>>()
    });
    let later = use_state(|| None::<(Vec<Rc<Trace>>, Vec<ModelRef>)>);
    // The traces the deferred analyses are for: a newer set (scrubbing)
    // makes an older one's task give up before it starts.
    let asked = use_mut_ref(|| 0u64);
    {
        let (later, asked, plain) = (later.clone(), asked.clone(), models.clone());
        use_effect_with((traces.clone(), props.finished), move |(traces, finished)| {
            *asked.borrow_mut() += 1;
            if *finished && traces.iter().any(|t| t.events().len() > IN_STEPS_ABOVE) {
                let (traces, plain, mine) = (traces.clone(), plain.clone(), *asked.borrow());
                browser::spawn(async move {
                    clock::next_task().await;
                    let stale = || *asked.borrow() != mine;
                    if stale() {
                        return;
                    }
                    // The models drawn first, with the analyses added (not
                    // made again from the trace), in steps; a small run's
                    // were analysed as they were drawn.
                    clock::mark(ANALYSES_BEGIN);
                    let mut models = Vec::with_capacity(traces.len());
                    for (i, (t, m)) in traces.iter().zip(plain.iter()).enumerate() {
                        if t.events().len() <= IN_STEPS_ABOVE {
                            models.push(m.clone());
                            continue;
                        }
                        if i > 0 {
                            clock::next_task().await;
                            if stale() {
                                return;
                            }
                        }
                        let Some(model) = analysed_in_steps((*m.0).clone(), t, stale).await else {
                            return;
                        };
                        models.push(ModelRef(Rc::new(model)));
                    }
                    later.set(Some((traces, models)));
                });
            }
        });
    }
    // The analyses made are those of these traces when they are equal as
    // the effect above compares them (the same `Rc`, or the same events):
    // a run made again the same way (the same form, in virtual time) comes
    // in new `Rc`s of equal traces, which the effect does not analyse again,
    // and compared by pointer it was never shown analysed.
    let (models, analysed): (Rc<Vec<ModelRef>>, bool) = match &*later {
        Some((for_traces, analysed)) if props.finished && *for_traces == traces => (Rc::new(analysed.clone()), true),
        _ => (
            models,
            props.finished && traces.iter().all(|t| t.events().len() <= IN_STEPS_ABOVE),
        ),
    };
    let models_fed = {
        let [grown, copied, again] = FEEDS.with(std::cell::Cell::get);
        format!("{grown} {copied} {again}")
    };
    let copies = {
        let (up, whole) = hooks::live_copies();
        format!("{up} {whole}")
    };
    let used = use_memo(models.clone(), |models| {
        let refs: Vec<&RunModel> = models.iter().map(|m| m.0.as_ref()).collect();
        legend(&refs)
    });
    html! {
        <div class="timeline" data-models={models_fed} data-copies={copies} data-analysed={analysed.then_some("")} onwheel={onwheel} onpointerdown={onpointerdown} onpointermove={onpointermove}
             onpointerup={onpointerup.clone()} onpointerleave={onpointerup}>
            { for props.runs.iter().enumerate().map(|(i, run)| html! {
                <RunView run={run.clone()} model={models.get(i).cloned().unwrap_or_else(|| ModelRef(Rc::new(run_model(&run.trace))))} index={i} scale={scale} axis_end={axis.end} now={props.now} finished={props.finished}
                         playhead={props.playhead}
                         selected={props.selected.filter(|t| t.run == i).map(|t| t.task)}
                         on_action={props.on_action.clone()} />
            }) }
            <ul class="legend" aria-label={lang.t("Legend")}>
                { for STATES.iter().filter(|(state, _)| used.states.contains(state)).map(|(state, text)| html! {
                    <li data-legend={state.as_str()}><span class={classes!("swatch", format!("seg-{}", state.as_str()))} aria-hidden="true"></span>{ lang.t(text) }</li>
                }) }
                if used.cancelled {
                    <li data-legend="cancelled"><span class="swatch outcome-cancelled" aria-hidden="true"></span>{ lang.t("cancelled: dropped before it completed") }</li>
                }
                { for MARKS.iter().filter(|(kind, _)| used.marks.contains(kind)).map(|(kind, text)| html! {
                    <li data-legend={format!("mark-{kind}")}><span class="mark-swatch" aria-hidden="true"><span class={classes!("mark", format!("mark-{kind}"))}></span></span>{ lang.t(text) }</li>
                }) }
                if models.iter().any(|m| !m.0.wakes.is_empty()) {
                    <li data-legend="wake-arrow"><span class="arrow-swatch" aria-hidden="true"></span>{ lang.t("arrow: a task woke another (all of them when few; else click a lane for its own)") }</li>
                }
                { for PHASES.iter().filter(|(name, _)| used.phases.contains(name)).map(|(name, text)| html! {
                    <li data-legend={format!("phase-{name}")}><span class={classes!("swatch", "phase-swatch", format!("phase-{name}"))} aria-hidden="true"></span>{ lang.t(text) }</li>
                }) }
            </ul>
        </div>
    }
}

/// Request figures, for runs that sent requests: answered with a success,
/// with an HTTP error, and (in the browser) the most on the wire at once.
fn requests_metrics(requests: &[RequestSpan], lang: Lang) -> Html {
    if requests.is_empty() {
        return Html::default();
    }
    let ok = requests
        .iter()
        .filter(|r| r.status.is_some_and(|s| (200..300).contains(&s)))
        .count();
    let http_errors: Vec<String> = requests
        .iter()
        .filter_map(|r| r.status.filter(|s| !(200..300).contains(s)).map(|s| s.to_string()))
        .collect();
    let on_wire = on_wire_peak(requests);
    html! {
        <>
            <div><dt>{ lang.t("requests ok") }</dt><dd><span data-metric="requests_ok">{ ok }</span>{ format!("/{}", requests.len()) }</dd></div>
            if !http_errors.is_empty() {
                <div><dt>{ lang.t("HTTP errors") }</dt><dd><span data-metric="http_errors">{ http_errors.join(", ") }</span></dd></div>
            }
            if on_wire > 0 {
                <div title={lang.t("Measured with the Resource Timing API: from the request going out to the last byte. Browsers open at most 6 connections per HTTP/1.1 origin.")}>
                    <dt>{ lang.t("on the wire at once") }</dt><dd><span data-metric="max_on_wire">{ on_wire }</span></dd>
                </div>
            }
        </>
    }
}

/// The outcomes [`outcome_metric`] shows, in the header's order.
const OUTCOMES: [(Outcome, &str, &str); 4] = [
    (Outcome::Ok, "tasks_ok", "ok"),
    (Outcome::Error, "tasks_failed", "failed"),
    (Outcome::Cancelled, "tasks_cancelled", "cancelled"),
    (Outcome::Timeout, "tasks_timeout", "timed out"),
];

/// How many tasks ended with one outcome: all of them, and the harness's
/// among them (`main`, semaphore's `release`) with their names (a name
/// repeated in a row said once).
#[derive(Default)]
struct Tally<'a> {
    total: usize,
    harness: usize,
    names: Vec<&'a str>,
}

/// Per outcome of [`OUTCOMES`], its [`Tally`]: one pass over the spans
/// that keeps no list of them (a live run of 10,000 tasks is counted at
/// each drawing).
fn outcome_tally(model: &RunModel) -> [Tally<'_>; 4] {
    let mut tally: [Tally<'_>; 4] = Default::default();
    for span in &model.spans {
        let Some(i) = span.outcome.and_then(|o| OUTCOMES.iter().position(|(x, _, _)| *x == o)) else {
            continue;
        };
        let t = &mut tally[i];
        t.total += 1;
        if is_harness_task(&span.name) {
            t.harness += 1;
            if t.names.last() != Some(&span.name.as_str()) {
                t.names.push(&span.name);
            }
        }
    }
    tally
}

/// How many tasks ended with an outcome: the demo's own tasks, and apart
/// from them the harness's, by name. The whole count stays in
/// `data-metric` for scripts.
fn outcome_metric(tally: &Tally<'_>, metric: &'static str, word: &'static str, lang: Lang) -> Html {
    let (total, harness) = (tally.total, &tally.names);
    let demo = total - tally.harness;
    let (plus, title) = match lang {
        Lang::En => (
            format!("+ {}", harness.join(" and ")),
            format!("{demo} of the demo's tasks; the harness adds {}", harness.join(" and ")),
        ),
        Lang::Zh => (
            format!("另加 {}", harness.join("、")),
            format!("演示的任务 {demo} 个；另外 {} 是外围任务", harness.join("、")),
        ),
    };
    html! {
        <div>
            <dt>{ lang.t(word) }</dt>
            <dd title={(!harness.is_empty()).then_some(title)}>
                <span data-demo-tasks={metric}>{ demo }</span>
                if !harness.is_empty() { <span class="harness-tasks" data-harness={metric}>{ plus }</span> }
                <span data-metric={metric} hidden=true>{ total }</span>
            </dd>
        </div>
    }
}

/// A progress bar for the run's streamed download, if it has one.
fn progress(requests: &[RequestSpan], lang: Lang) -> Html {
    let Some((done, total)) = requests.iter().rev().find_map(|r| r.progress) else {
        return Html::default();
    };
    let total = total.unwrap_or(done).max(1);
    let pct = (done.min(total) * 100 / total) as u32;
    html! {
        <div class="progress">
            <progress max={total.to_string()} value={done.to_string()} aria-label={lang.t("Download progress")}></progress>
            <span><span data-metric="progress_pct">{ pct }</span>{
                match lang {
                    Lang::En => format!("% ({done} of {total} bytes)"),
                    Lang::Zh => format!("%（{done} / {total} 字节）"),
                }
            }</span>
        </div>
    }
}

/// A run's model, compared by identity (it is made once per trace).
#[derive(Clone)]
struct ModelRef(Rc<RunModel>);

impl PartialEq for ModelRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
struct RunViewProps {
    run: RunSnapshot,
    model: ModelRef,
    index: usize,
    scale: Scale,
    axis_end: Duration,
    now: Duration,
    finished: bool,
    playhead: Option<Duration>,
    selected: Option<TaskId>,
    on_action: Callback<Action>,
}

/// How many of a lane's segments (or marks) one component draws, once
/// the lane has more than that. A live lane only grows at its end and its
/// axis holds still, so every run of `CHUNK` but the last is the same from
/// one drawing to the next: Yew compares its props and leaves its
/// elements alone, where a flat list was gone through element by element
/// at every drawing (a countdown of 60 has 120 segments and 60 marks by
/// its end). Each run is also a box the browser lays out apart (`.chunk`),
/// so that a drawing lays out the run it adds to, not the whole lane. A
/// lane with `CHUNK` or fewer is drawn element by element. The last run is
/// drawn again whole at each drawing, so runs are short: at 8 rather than
/// 32, a live countdown's page was busy 4.95% of the time rather than 5.10%
/// (medians of 8 alternating runs).
const CHUNK: usize = 8;

/// A lane's items: one by one, or in runs of [`CHUNK`].
#[derive(Debug, PartialEq)]
enum Part<T> {
    /// A run of [`CHUNK`] (the last one may be shorter).
    Run(Vec<T>),
    /// One item of a short lane.
    One(T),
}

/// `items` as [`Part`]s, each with the index of its first item: one by
/// one up to [`CHUNK`] items, else all in runs (a run keeps its index, so
/// its component, as the lane grows). The items are moved, not copied: a
/// drawing makes them anew anyway.
fn chunked<T>(items: Vec<T>) -> Vec<(usize, Part<T>)> {
    if items.len() <= CHUNK {
        return items
            .into_iter()
            .enumerate()
            .map(|(i, one)| (i, Part::One(one)))
            .collect();
    }
    let mut parts = Vec::with_capacity(items.len().div_ceil(CHUNK));
    let mut rest = items.into_iter();
    loop {
        let run: Vec<T> = rest.by_ref().take(CHUNK).collect();
        if run.is_empty() {
            return parts;
        }
        parts.push((parts.len() * CHUNK, Part::Run(run)));
    }
}

fn segment_html(i: usize, s: &SegmentVm, lang: Lang) -> Html {
    html! {
        <span key={format!("s{i}")} class={classes!("seg", format!("seg-{}", s.state.as_str()), (s.bundled > 1).then_some("bundle"))}
              style={format!("left:{:.3}%;width:{:.3}%", s.left, s.width)}
              title={s.title.clone()} data-state={s.state.as_str()}
              data-bundled={(s.bundled > 1).then(|| s.bundled.to_string())}>
            if s.width > 2.0 { <span class="seg-label">{ if lang == Lang::Zh { s.state.zh() } else { s.state.as_str() } }</span> }
        </span>
    }
}

fn mark_html(i: usize, m: &MarkVm) -> Html {
    html! {
        <span key={format!("m{i}")} class={classes!("mark", format!("mark-{}", m.kind), (m.bundled > 1).then_some("bundle"))}
              style={format!("left:{:.3}%", m.left)} title={m.title.clone()} data-mark={m.kind}
              data-bundled={(m.bundled > 1).then(|| m.bundled.to_string())}></span>
    }
}

#[derive(Properties, PartialEq)]
struct LaneRunProps {
    /// Segments (and no marks), or marks (and no segments).
    #[prop_or_default]
    segs: Vec<SegmentVm>,
    #[prop_or_default]
    marks: Vec<MarkVm>,
    lang: Lang,
}

/// [`CHUNK`] segments or marks of a lane, in a box of their own over the
/// whole track (`.chunk`): a box the browser lays out on its own, so that
/// a segment added to the last run lays out that run, not every segment
/// of the lane. The box lets the pointer through to what it holds.
#[component]
fn LaneRun(props: &LaneRunProps) -> Html {
    let marks = !props.marks.is_empty();
    html! {
        <span class={classes!("chunk", marks.then_some("chunk-marks"))}>
            { for props.segs.iter().enumerate().map(|(i, s)| segment_html(i, s, props.lang)) }
            { for props.marks.iter().enumerate().map(|(i, m)| mark_html(i, m)) }
        </span>
    }
}

fn lane_html(
    lane: LaneVm,
    arrows: &[ArrowVm],
    trace: &Trace,
    selected: bool,
    onclick: Callback<MouseEvent>,
    lang: Lang,
) -> Html {
    let outcome = lane.outcome.map_or("running", Outcome::as_str);
    html! {
        <li key={lane.task.0} class={classes!("lane", format!("outcome-{outcome}"), selected.then_some("selected"))}
            data-task={lane.name.clone()} data-outcome={outcome}>
            <span class="lane-name" title={lane.name.clone()}>{ lane.short_name.clone() }</span>
            <span class="lane-track" onclick={onclick}>
                // Keyed by kind and place (one list to Yew, so the keys of
                // segments, phases, marks and arrows must differ): a live
                // lane only grows at its end, so a drawing changes its last
                // segments and adds new ones, where an unkeyed list (which
                // Yew matches from its end) would rewrite every one it has.
                // A long lane's segments and marks come in runs of CHUNK,
                // each a component of its own (see `CHUNK`).
                { for chunked(lane.segments).into_iter().map(|(i, part)| match part {
                    Part::Run(segs) => html! { <LaneRun key={format!("S{i}")} {segs} {lang} /> },
                    Part::One(s) => segment_html(i, &s, lang),
                }) }
                { for lane.phases.iter().enumerate().map(|(i, p)| html! {
                    <span key={format!("p{i}")} class={classes!("phase", format!("phase-{}", p.name))}
                          style={format!("left:{:.3}%;width:{:.3}%", p.left, p.width)}
                          title={p.title.clone()}></span>
                }) }
                { for chunked(lane.marks).into_iter().map(|(i, part)| match part {
                    Part::Run(marks) => html! { <LaneRun key={format!("M{i}")} {marks} {lang} /> },
                    Part::One(m) => mark_html(i, &m),
                }) }
                // Wake arrows end here, reaching up or down to the waker's lane.
                { for arrows.iter().filter(|a| a.to == lane.task && a.rows != 0).enumerate().map(|(i, a)| html! {
                    <span key={format!("a{i}")} class={classes!("wake-arrow", if a.rows < 0 { "from-above" } else { "from-below" }, a.selected.then_some("selected"))}
                          style={format!("left:{:.3}%;height:{}px;--k:{}", a.left, a.rows.unsigned_abs() as f64 * ROW_PX, a.nudge)}
                          title={a.title.clone()} data-from={trace.task_name(a.from).to_owned()}
                          data-to={trace.task_name(a.to).to_owned()}></span>
                }) }
            </span>
            <span class="lane-outcome">
                { lang.t(outcome) }
                if let (Some(Outcome::Cancelled | Outcome::Timeout), Some(at)) = (lane.outcome, lane.ended_at) {
                    <span class="ended-at" data-ended-at={at.as_millis().to_string()}>{ format!("{} {}", lang.t("at"), trace.at_label(at, lang == Lang::Zh)) }</span>
                }
            </span>
        </li>
    }
}

#[component]
fn RunView(props: &RunViewProps) -> Html {
    let lang = use_lang();
    // How often this run was drawn, as `data-draws`: a test sees that a
    // drawing of the page that changes nothing here does not draw it.
    let draws = use_mut_ref(|| 0u32);
    *draws.borrow_mut() += 1;
    let trace = &props.run.trace;
    let scroll = use_state(|| 0.0f64);
    let model = &props.model.0;
    let makespan = if props.finished { model.makespan } else { None };
    let requests = &model.requests;
    let tracks = tracks(model, &props.scale, props.now);
    let lines = deadlines(model, &props.scale);
    let total = model.spans.len();
    let virtual_lanes = total > VIRTUAL_ABOVE;
    let (first, last) = if virtual_lanes {
        let first = ((*scroll / ROW_PX) as usize).saturating_sub(5);
        (first, (first + 30).min(total))
    } else {
        (0, total)
    };
    let arrows = wake_arrows(trace, model, props.selected, &props.scale, lang == Lang::Zh);
    // Lanes are placed only for the rows in view.
    let lanes: Vec<LaneVm> = (first..last)
        .filter_map(|i| lane_in(trace, model, i, props.now, &props.scale, lang == Lang::Zh))
        .collect();
    // Some lane drew segments under a pixel in bundles wide enough to see
    // (a few polls within a pixel make a bundle that looks like one poll):
    // a note says what the hatching is.
    let bundles = lanes.iter().any(|l| {
        l.segments
            .iter()
            .any(|s| s.bundled > 1 && s.width >= asyncscope_view::lanes::FINE_PCT)
    });
    let onscroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| scroll.set(dom::scroll_top(&e)))
    };
    let lanes_ref = use_node_ref();
    // A large run's overview: every task, by bands, over the whole axis.
    let map = use_memo((props.model.clone(), props.axis_end, virtual_lanes), |(m, end, on)| {
        on.then(|| overview(&m.0, *end, OVERVIEW_ROWS, OVERVIEW_COLUMNS))
    });
    let overview_html = (*map).as_ref().map(|o| {
        let rows = o.bands.len();
        let in_view = |i: usize| o.bands.iter().position(|b| b.end > i).unwrap_or(rows.saturating_sub(1));
        let top = in_view((*scroll / ROW_PX) as usize);
        let bottom = in_view(((*scroll / ROW_PX) as usize + 17).min(total.saturating_sub(1)));
        // The overview spans the whole axis; the lanes below, the view.
        html! {
            <div class="overview" data-bands={rows.to_string()}>
                <span class="track-name">{ lang.t("all tasks, by state (click to scroll the lanes there)") }</span>
                <svg class="overview-plot" viewBox={format!("0 0 {} {rows}", o.columns)} preserveAspectRatio="none"
                     role="img" aria-label={if lang == Lang::Zh { format!("{total} 个任务各状态随时间的分布") } else { format!("{total} tasks by state over time") }}>
                    { for o.paths.iter().map(|(state, d)| html! {
                        <path class={format!("seg-{}", state.as_str())} d={d.clone()} />
                    }) }
                    <rect class="overview-view" x="0" y={top.to_string()} width={o.columns.to_string()}
                          height={(bottom + 1 - top).to_string()} vector-effect="non-scaling-stroke" />
                    { for o.bands.iter().enumerate().map(|(row, band)| {
                        let onclick = {
                            let (lanes_ref, first) = (lanes_ref.clone(), band.first);
                            Callback::from(move |_: MouseEvent| dom::set_scroll_top(&lanes_ref, first as f64 * ROW_PX))
                        };
                        html! {
                            <rect class="band" x="0" y={row.to_string()} width={o.columns.to_string()} height="1"
                                  data-first={band.first.to_string()} onclick={onclick}>
                                <title>{ format!("{} {}–{}", lang.t("tasks"), band.first + 1, band.end) }</title>
                            </rect>
                        }
                    }) }
                </svg>
            </div>
        }
    });
    // The name column fits the longest name (up to a limit).
    let name_style = format!("--name-w:{}ch", name_column(model) + 1);
    let pick = |task: TaskId| {
        let (on_action, index, scale) = (props.on_action.clone(), props.index, props.scale);
        Callback::from(move |e: MouseEvent| {
            let Some(share) = dom::pointer_share(&e) else {
                return;
            };
            let at = scale.from + scale.to.saturating_sub(scale.from).mul_f64(share);
            on_action.emit(Action::Pick {
                task: TaskRef { run: index, task },
                at,
            });
        })
    };
    let playhead = props
        .playhead
        .filter(|p| props.scale.shows(*p, *p))
        .map(|p| props.scale.pct(p));
    html! {
        <section class="run" data-run={props.run.label.clone()} data-draws={draws.borrow().to_string()} aria-label={props.run.title(lang == Lang::Zh)} style={name_style}>
            <header class="run-head">
                <h3>{ props.run.title(lang == Lang::Zh) }</h3>
                <dl class="metrics">
                    <div>
                        <dt>{ lang.t("makespan") }</dt>
                        <dd>
                            // In human units (1 h, not 3600000 ms); the exact
                            // milliseconds stay in data-metric for scripts.
                            if let Some(m) = makespan {
                                { human(m) }<span data-metric="makespan_ms" hidden=true>{ m.as_millis() }</span>
                            } else if props.finished {
                                { "—" }
                            } else {
                                { format!("{} {}", human(props.now), lang.t("so far")) }
                            }
                        </dd>
                    </div>
                    <div><dt>{ lang.t("max in flight") }</dt><dd><span data-metric="max_in_flight">{ model.max_in_flight }</span></dd></div>
                    { for outcome_tally(model).iter().zip(OUTCOMES).map(|(tally, (_, metric, word))| outcome_metric(tally, metric, word, lang)) }
                    { requests_metrics(requests, lang) }
                </dl>
            </header>
            { progress(requests, lang) }
            { overview_html.unwrap_or_default() }
            <div class="plot">
                <div class="axis" aria-hidden="true">
                    { for props.scale.ticks().iter().map(|t| html! {
                        <span class="tick" style={format!("left:{:.3}%", t.pct)}>{ t.label.clone() }</span>
                    }) }
                </div>
                <ol class={classes!("lanes", virtual_lanes.then_some("scroll"))} onscroll={onscroll} ref={lanes_ref}
                    aria-label={if lang == Lang::Zh { format!("{total} 条泳道") } else { format!("{total} lanes") }} data-lanes={total.to_string()}>
                    if virtual_lanes {
                        <li key="top" class="spacer" aria-hidden="true" style={format!("height:{}px", first as f64 * ROW_PX)}></li>
                    }
                    { for lanes.into_iter().map(|lane| {
                        let (selected, onclick) = (props.selected == Some(lane.task), pick(lane.task));
                        lane_html(lane, &arrows, trace, selected, onclick, lang)
                    }) }
                    if virtual_lanes {
                        <li key="bottom" class="spacer" aria-hidden="true" style={format!("height:{}px", (total - last) as f64 * ROW_PX)}></li>
                    }
                </ol>
                <div class="tracks">
                    { for tracks.iter().map(|t| {
                        // Whole numbers in a 1000 × 1000 box: a column
                        // across, a thousandth of the top value up.
                        let y = |v: u32| 1000 - (u64::from(v) * 1000 / u64::from(t.max.max(1))).min(1000);
                        let end_x = track_column(props.scale.pct(props.now));
                        let mut path = String::with_capacity(16 * t.points.len() + 32);
                        path.push_str("M0,1000 ");
                        let mut prev: Option<u32> = None;
                        for &(x, v) in &t.points {
                            if let Some(p) = prev {
                                let _ = write!(path, "L{x},{} ", y(p));
                            }
                            let _ = write!(path, "L{x},{} ", y(v));
                            prev = Some(v);
                        }
                        if let Some(p) = prev {
                            let _ = write!(path, "L{end_x},{} L{end_x},1000 Z", y(p));
                        }
                        html! {
                            <div class={classes!("track", format!("track-{}", t.kind))} data-track={t.kind}>
                                <span class="track-name">{ if lang == Lang::Zh { t.label_zh.clone() } else { t.label.clone() } }<span class="track-peak">{ if lang == Lang::Zh { t.caption_zh.clone() } else { t.caption.clone() } }</span></span>
                                <svg class="track-plot" viewBox={format!("0 0 {TRACK_COLUMNS} 1000")} preserveAspectRatio="none" role="img"
                                     aria-label={if lang == Lang::Zh { format!("{}：峰值 {}", t.label_zh, t.peak) } else { format!("{}: peak {}", t.label, t.peak) }}>
                                    <path d={path} vector-effect="non-scaling-stroke" />
                                </svg>
                            </div>
                        }
                    }) }
                </div>
                <div class="overlay" aria-hidden="true">
                    { for lines.iter().map(|x| html! {
                        <span class="deadline-line" style={format!("left:{x:.3}%")} title={lang.t("a timeout's deadline passed")}></span>
                    }) }
                    if let Some(x) = playhead {
                        <span class="playhead" style={format!("left:{x:.3}%")} title={format!("{} {}", lang.t("Playhead"), trace.at_label(props.now, lang == Lang::Zh))}></span>
                    }
                </div>
            </div>
            if bundles {
                <p class="bundle-note" data-bundles="true">{ lang.t("Hatched bars bundle segments narrower than a pixel (their tooltip counts them): zoom in (+) to see each.") }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_lane_is_drawn_in_runs_that_keep_their_place_as_it_grows() {
        let short: Vec<u32> = (0..CHUNK as u32).collect();
        let parts = chunked(short.clone());
        assert_eq!(parts.len(), CHUNK, "a short lane is drawn item by item");
        assert!(
            parts
                .iter()
                .enumerate()
                .all(|(k, (i, part))| *i == k && *part == Part::One(short[k]))
        );
        let firsts = |n: u32| -> Vec<(usize, usize)> {
            let items: Vec<u32> = (0..n).collect();
            chunked(items)
                .into_iter()
                .map(|(i, part)| match part {
                    Part::Run(run) => (i, run.len()),
                    Part::One(_) => panic!("item {i} of {n} drawn alone"),
                })
                .collect()
        };
        let n = 2 * CHUNK as u32 + 3;
        assert_eq!(firsts(n), [(0, CHUNK), (CHUNK, CHUNK), (2 * CHUNK, 3)]);
        // One more item extends the last run; the runs before stay as they were.
        assert_eq!(firsts(n + 1)[..2], firsts(n)[..2]);
        assert_eq!(firsts(CHUNK as u32 + 1), [(0, CHUNK), (CHUNK, 1)]);
    }
}
