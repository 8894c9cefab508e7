//! What drawing a run needs that does not depend on the view or the
//! instant: the [`RunModel`] of a trace, computed once per trace.

use std::collections::HashMap;
use std::time::Duration;

use std::rc::Rc;

use asyncscope_core::trace::{
    EventKind, InFlightFold, Lineage, Outcome, RequestFold, RequestSpan, ResourceId, ResourceKind, SegmentState,
    SpanFold, TaskId, TaskSpan, Trace, Wait, WaitsOfEach, WarningPasses,
};

/// What drawing a run needs that does not depend on the view or the
/// instant: computed once per trace (the page memoizes it), so that
/// panning and zooming only place what is in view.
#[derive(Clone, Debug, PartialEq)]
pub struct RunModel {
    /// The lanes' spans: tasks made so far, in the order they were made.
    pub spans: Vec<TaskSpan>,
    /// Per task: its marks as `(instant, kind, event index)`.
    pub marks: HashMap<TaskId, Vec<(Duration, &'static str, usize)>>,
    /// Every request.
    pub requests: Vec<RequestSpan>,
    /// The step charts' changes.
    pub series: Vec<Series>,
    /// When timeouts' deadlines passed.
    pub deadlines: Vec<Duration>,
    /// The most tasks in flight at once.
    pub max_in_flight: usize,
    /// When the last task ended, once all have.
    pub makespan: Option<Duration>,
    /// Every wake of a task by another, as `(instant, waker, woken, event
    /// index)`: the timeline's arrows.
    pub wakes: Vec<(Duration, TaskId, TaskId, usize)>,
    /// What each task waited on at the start of each of its waiting
    /// segments, by `(task, start)`: filled in by [`with_waits`] for a
    /// finished run, empty otherwise. Put in words only for the segments
    /// drawn ([`Trace::wait_line`]), not for every segment of the run.
    pub waits: HashMap<(TaskId, Duration), Wait>,
    /// Per task, what the trace's rules found, as `(instant, rule,
    /// [English, Chinese])`: filled in by [`with_waits`] for a finished
    /// run (the lanes mark them), empty otherwise.
    pub warnings: HashMap<TaskId, Vec<WarningMark>>,
}

impl RunModel {
    /// Each segment whose task may be waiting through it (not a poll, not
    /// the time before its first poll), as `(task, start)`: the keys of
    /// [`RunModel::waits`].
    pub fn waiting_segments(&self) -> Vec<(TaskId, Duration)> {
        self.spans
            .iter()
            .flat_map(|span| {
                span.segments
                    .iter()
                    .filter(|s| may_wait(s.state))
                    .map(move |s| (span.id, s.start))
            })
            .collect()
    }
}

/// True if a segment in `state` may be a wait (its tooltip then says on
/// what): not a poll, which runs, nor the time before the first poll.
pub(crate) fn may_wait(state: SegmentState) -> bool {
    !matches!(state, SegmentState::Polled | SegmentState::Created)
}

/// A warning on a lane: `(instant, rule, [English, Chinese])`.
pub type WarningMark = (Duration, &'static str, [String; 2]);

/// The most tasks a run may have for [`with_waits`] to fill in its
/// segments' waits (one pass over the trace, a line per segment).
pub const WAITS_MAX_TASKS: usize = 2000;

/// `model` with [`RunModel::warnings`] and [`RunModel::waits`] filled in
/// from `trace` (the waits left empty above [`WAITS_MAX_TASKS`] tasks).
pub fn with_waits(model: RunModel, trace: &Trace) -> RunModel {
    Analyses::new(model, trace).finish()
}

/// [`with_waits`] a step at a time, for a caller that must not hold its
/// thread for the whole (the page, after a run of a million events): each
/// [`Analyses::step`] is one pass of the warnings' rules, the tracker of
/// waits made, or [`WAITS_PER_STEP`] segments' waits; [`Analyses::finish`]
/// makes the rest and gives the model, the same as [`with_waits`].
#[derive(Debug)]
pub struct Analyses<'a> {
    model: RunModel,
    trace: &'a Trace,
    stage: Stage<'a>,
}

/// Where [`Analyses`] is.
#[derive(Debug)]
enum Stage<'a> {
    Warnings(WarningPasses<'a>),
    Waits(Box<WaitsOfEach<'a>>),
    Done,
}

/// How many segments' waits one [`Analyses::step`] works out: about 10 ms
/// in the page (a run of 150,000 sleeps held it 184–234 ms in one task
/// with its warnings).
pub const WAITS_PER_STEP: usize = 8_192;

impl<'a> Analyses<'a> {
    /// Before the first step over `trace`, whose model is `model`.
    pub fn new(model: RunModel, trace: &'a Trace) -> Self {
        Analyses {
            model,
            trace,
            stage: Stage::Warnings(WarningPasses::new(trace)),
        }
    }

    /// Makes the next step (the last gathers the waits found into the
    /// model); false (and nothing made) once all are made.
    pub fn step(&mut self) -> bool {
        match &mut self.stage {
            Stage::Warnings(passes) => {
                if passes.step() {
                    return true;
                }
                let Stage::Warnings(passes) = std::mem::replace(&mut self.stage, Stage::Done) else {
                    return false;
                };
                for w in passes.finish() {
                    self.model.warnings.entry(w.task).or_default().push((
                        w.at,
                        w.rule.as_str(),
                        [w.message, w.message_zh],
                    ));
                }
                if self.trace.tasks().len() <= WAITS_MAX_TASKS {
                    let asked = self.model.waiting_segments();
                    self.stage = Stage::Waits(Box::new(WaitsOfEach::new(self.trace, asked)));
                }
                true
            }
            Stage::Waits(each) => {
                if each.step(WAITS_PER_STEP) {
                    return true;
                }
                let Stage::Waits(each) = std::mem::replace(&mut self.stage, Stage::Done) else {
                    return false;
                };
                let (asked, waits) = each.finish();
                self.model.waits = asked
                    .into_iter()
                    .zip(waits)
                    .filter_map(|(key, wait)| Some((key, wait?)))
                    .collect();
                true
            }
            Stage::Done => false,
        }
    }

    /// The steps left, then the model with its analyses.
    pub fn finish(mut self) -> RunModel {
        while self.step() {}
        self.model
    }
}

/// One step chart's data: `([label in English, in Chinese], kind, top of
/// scale, (instant, value) changes)`.
pub type Series = ([String; 2], &'static str, u32, Vec<(Duration, u32)>);

/// The [`RunModel`] of `trace`.
pub fn run_model(trace: &Trace) -> RunModel {
    let mut fold = ModelFold::default();
    fold.feed(trace);
    fold.into_model()
}

/// A [`RunModel`] kept up to date as its trace grows: fed a trace, then
/// the same trace grown (the same [`Lineage`], longer), it takes in only
/// what is new; fed any other trace, it starts again. Either way its model
/// is [`run_model`] of the trace fed last. The model is shared ([`Rc`]):
/// while a copy is held elsewhere, the next feed copies it first.
#[derive(Clone, Debug, Default)]
pub struct ModelFold {
    /// The trace fed last: its lineage, and how far it went.
    seen: Option<Seen>,
    spans: SpanFold,
    flight: InFlightFold,
    requests: RequestFold,
    /// Per resource id: where its step chart is in the model's series
    /// (none for kinds without a level).
    charts: Vec<Option<usize>>,
    /// The attempts' step chart, kept apart until something is retried.
    attempts: Vec<(Duration, u32)>,
    /// Per task id: whether it has ended; how many have, and the last end.
    ended: Vec<bool>,
    ends: (usize, Duration),
    model: Rc<RunModel>,
}

#[derive(Clone, Copy, Debug)]
struct Seen {
    lineage: Lineage,
    events: usize,
    tasks: usize,
    resources: usize,
}

impl Default for RunModel {
    fn default() -> Self {
        RunModel {
            spans: Vec::new(),
            marks: HashMap::new(),
            requests: Vec::new(),
            series: vec![(
                ["tasks in flight".to_string(), "并发任务数".to_string()],
                "in-flight",
                1,
                Vec::new(),
            )],
            deadlines: Vec::new(),
            max_in_flight: 0,
            makespan: None,
            wakes: Vec::new(),
            waits: HashMap::new(),
            warnings: HashMap::new(),
        }
    }
}

impl ModelFold {
    /// The model of the trace fed last.
    pub fn model(&self) -> &Rc<RunModel> {
        &self.model
    }

    /// How many events of the trace fed last it has taken in.
    pub fn events_seen(&self) -> usize {
        self.seen.map_or(0, |s| s.events)
    }

    /// The model of the trace fed last, for keeps.
    pub fn into_model(self) -> RunModel {
        Rc::unwrap_or_clone(self.model)
    }

    /// Brings the model up to date with `trace`: by taking in what is new
    /// when `trace` is the trace fed last grown, else from the start; says
    /// which it did.
    pub fn feed(&mut self, trace: &Trace) -> Fed {
        let grown = self.seen.is_some_and(|seen| {
            seen.lineage.is(trace.lineage())
                && seen.events <= trace.events().len()
                && seen.tasks <= trace.tasks().len()
                && seen.resources <= trace.resources().len()
        });
        let fed = if !grown {
            *self = ModelFold::default();
            Fed::Again
        } else if Rc::strong_count(&self.model) > 1 {
            Fed::Copied
        } else {
            Fed::Grown
        };
        let from = self.seen.map_or(0, |s| s.events);
        let Self {
            spans,
            flight,
            requests,
            charts,
            attempts,
            ended,
            ends,
            model,
            ..
        } = self;
        let model = Rc::make_mut(model);
        let (tasks, events) = (trace.tasks(), &trace.events()[from..]);
        spans.feed(&mut model.spans, tasks, events);
        requests.feed(&mut model.requests, events);
        flight.feed(&mut model.series[0].3, tasks.len(), events);
        // A scan of the steps (a step taken back, for a task queued in its
        // first poll, can lower an earlier one).
        let peak = model.series[0].3.iter().map(|(_, n)| *n).max().unwrap_or(0);
        for meta in trace.resources().iter().skip(charts.len()) {
            let chart = chart_of(&meta.name, meta.kind).map(|(label, kind, cap, start)| {
                // Before the attempts' chart, if it is there already.
                let at = model.series.len() - usize::from(attempts.iter().any(|(_, n)| *n > 1));
                model
                    .series
                    .insert(at, (label, kind, cap.max(start).max(1), vec![(Duration::ZERO, start)]));
                at
            });
            charts.push(chart);
        }
        if ended.len() < tasks.len() {
            ended.resize(tasks.len(), false);
        }
        let retried_before = attempts.iter().any(|(_, n)| *n > 1);
        for (i, ev) in events.iter().enumerate() {
            let i = from + i;
            let kind = match &ev.kind {
                EventKind::Woken { from, .. } => {
                    if let Some(from) = from.filter(|f| *f != ev.task) {
                        model.wakes.push((ev.at(), from, ev.task, i));
                    }
                    "wake"
                }
                EventKind::Attempt { number } => {
                    attempts.push((ev.at(), *number));
                    if *number > 1 { "retry" } else { continue }
                }
                EventKind::DeadlinePassed => {
                    model.deadlines.push(ev.at());
                    "deadline"
                }
                EventKind::Completed { outcome } => {
                    if let Some(e) = ended.get_mut(ev.task.0 as usize)
                        && !*e
                    {
                        *e = true;
                        ends.0 += 1;
                        ends.1 = ends.1.max(ev.at());
                    }
                    match outcome {
                        Outcome::Cancelled => "cancel",
                        Outcome::Timeout => "timeout",
                        Outcome::Error => "error",
                        _ => continue,
                    }
                }
                EventKind::PermitAcquired { resource, available }
                | EventKind::PermitReleased { resource, available } => {
                    step(model, charts, *resource, ev.at(), *available);
                    continue;
                }
                EventKind::QueuePush { resource, depth } | EventKind::QueuePop { resource, depth } => {
                    step(model, charts, *resource, ev.at(), *depth);
                    continue;
                }
                _ => continue,
            };
            model.marks.entry(ev.task).or_default().push((ev.at(), kind, i));
        }
        // The attempt number is worth a chart only once something was
        // retried.
        let retried = attempts.iter().any(|(_, n)| *n > 1);
        if retried {
            let top = attempts.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
            let chart = (
                ["retry: attempt number".to_string(), "重试：第几次尝试".to_string()],
                "attempt",
                top,
                attempts.clone(),
            );
            if retried_before {
                if let Some(last) = model.series.last_mut() {
                    *last = chart;
                }
            } else {
                model.series.push(chart);
            }
        }
        model.series[0].2 = peak.max(1);
        model.max_in_flight = usize::try_from(peak).unwrap_or(usize::MAX);
        model.makespan = (!tasks.is_empty() && ends.0 == tasks.len()).then_some(ends.1);
        self.seen = Some(Seen {
            lineage: trace.lineage(),
            events: trace.events().len(),
            tasks: tasks.len(),
            resources: trace.resources().len(),
        });
        fed
    }
}

/// What [`ModelFold::feed`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fed {
    /// It took in what was new, in place.
    Grown,
    /// It took in what was new, into a copy of its model (the model was
    /// held elsewhere).
    Copied,
    /// It made the model from the start (another trace, or the first).
    Again,
}

/// Two copies of a recording's trace, brought up to date in turn, for a
/// page that draws one while the recording goes on: the copy changed is
/// never the one handed out last, and only when nothing else holds it
/// (`Rc::get_mut`; else it is copied whole), so a drawn copy never changes.
/// The live loop keeps one per run, and so does a replay's playhead.
#[derive(Debug, Default)]
pub struct TraceCopies {
    /// Which of `pair` was handed out last.
    last: usize,
    pair: [Rc<Trace>; 2],
}

impl TraceCopies {
    /// `source.prefix(n)` as a copy to hold: the one handed out last if it
    /// is that already, else the other brought to it. True when only the
    /// difference was copied (see [`Trace::catch_up_to`]).
    pub fn to(&mut self, source: &Trace, n: usize) -> (Rc<Trace>, bool) {
        let n = n.min(source.events().len());
        let shown = &self.pair[self.last];
        if shown.lineage().is(source.lineage())
            && shown.events().len() == n
            && shown.tasks().len() == source.tasks().len()
            && shown.dropped()
                == if n == source.events().len() {
                    source.dropped()
                } else {
                    0
                }
        {
            return (Rc::clone(shown), true);
        }
        self.last = 1 - self.last;
        let copy = &mut self.pair[self.last];
        let caught_up = match Rc::get_mut(copy) {
            Some(trace) => trace.catch_up_to(source, n),
            None => {
                *copy = Rc::new(source.prefix(n));
                false
            }
        };
        (Rc::clone(copy), caught_up)
    }
}

/// A new value of the step chart of `resource`, if it has one.
fn step(model: &mut RunModel, charts: &[Option<usize>], resource: ResourceId, at: Duration, value: u32) {
    if let Some(Some(i)) = charts.get(resource.0 as usize)
        && let Some(chart) = model.series.get_mut(*i)
    {
        chart.3.push((at, value));
        chart.2 = chart.2.max(value);
    }
}

/// The step chart of a resource named `name` of `kind`: `(labels, kind,
/// top, value at the start)`, if it has a level to chart.
fn chart_of(name: &str, kind: ResourceKind) -> Option<([String; 2], &'static str, u32, u32)> {
    Some(match kind {
        // Semaphores and limits: permits left (from each event's count of
        // what is free); queues: depth.
        ResourceKind::Semaphore { permits } => (
            [
                format!("{name}: permits left, of {permits}"),
                format!("{name}：剩余许可，共 {permits}"),
            ],
            "permits",
            permits,
            permits,
        ),
        ResourceKind::Limit { limit } => (
            [
                format!("{name}: slots left, of {limit}"),
                format!("{name}：剩余名额，共 {limit}"),
            ],
            "permits",
            limit,
            limit,
        ),
        ResourceKind::Queue { capacity } => (
            match capacity {
                Some(c) => [
                    format!("{name}: depth, capacity {c}"),
                    format!("{name}：深度，容量 {c}"),
                ],
                None => [format!("{name}: depth"), format!("{name}：深度")],
            },
            "queue",
            capacity.unwrap_or(0),
            0,
        ),
        // A lock is a semaphore of one: 1 while free, 0 while held.
        ResourceKind::Lock => (
            [
                format!("{name}: free (1) or held (0)"),
                format!("{name}：空闲 1，被持有 0"),
            ],
            "permits",
            1,
            1,
        ),
        // Events and conditions have no level to chart: their waits show
        // on the lanes.
        ResourceKind::Event | ResourceKind::Condition => return None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use asyncscope_core::catalog::ENTRIES;
    use asyncscope_core::{VirtualRuntime, demos};

    use super::*;

    /// The model as it was made before folds, in one pass per part over
    /// the whole trace: the reference the folds are held to.
    fn batch_model(trace: &Trace) -> RunModel {
        let mut marks: HashMap<TaskId, Vec<(Duration, &'static str, usize)>> = HashMap::new();
        let mut deadlines = Vec::new();
        let mut attempts: Vec<(Duration, u32)> = Vec::new();
        let mut wakes = Vec::new();
        for (i, ev) in trace.events().iter().enumerate() {
            let kind = match &ev.kind {
                EventKind::Woken { from, .. } => {
                    if let Some(from) = from.filter(|f| *f != ev.task) {
                        wakes.push((ev.at(), from, ev.task, i));
                    }
                    "wake"
                }
                EventKind::Attempt { number } => {
                    attempts.push((ev.at(), *number));
                    if *number > 1 { "retry" } else { continue }
                }
                EventKind::DeadlinePassed => {
                    deadlines.push(ev.at());
                    "deadline"
                }
                EventKind::Completed {
                    outcome: Outcome::Cancelled,
                } => "cancel",
                EventKind::Completed {
                    outcome: Outcome::Timeout,
                } => "timeout",
                EventKind::Completed {
                    outcome: Outcome::Error,
                } => "error",
                _ => continue,
            };
            marks.entry(ev.task).or_default().push((ev.at(), kind, i));
        }
        let flight = trace.in_flight();
        let peak = flight.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let mut series = vec![(
            ["tasks in flight".to_string(), "并发任务数".to_string()],
            "in-flight",
            peak.max(1),
            flight,
        )];
        for (i, meta) in trace.resources().iter().enumerate() {
            let id = asyncscope_core::trace::ResourceId(u32::try_from(i).unwrap_or(u32::MAX));
            // Semaphores and limits: permits left (from each event's count of
            // what is free); queues: depth.
            let Some((label, kind, cap, start)) = chart_of(&meta.name, meta.kind) else {
                continue;
            };
            let mut changes: Vec<(Duration, u32)> = vec![(Duration::ZERO, start)];
            for ev in trace.events() {
                let value = match &ev.kind {
                    EventKind::PermitAcquired { resource, available }
                    | EventKind::PermitReleased { resource, available }
                        if *resource == id =>
                    {
                        *available
                    }
                    EventKind::QueuePush { resource, depth } | EventKind::QueuePop { resource, depth }
                        if *resource == id =>
                    {
                        *depth
                    }
                    _ => continue,
                };
                changes.push((ev.at(), value));
            }
            let peak = changes.iter().map(|(_, v)| *v).max().unwrap_or(0);
            series.push((label, kind, cap.max(peak).max(1), changes));
        }
        // The attempt number is worth a chart only once something was retried.
        if attempts.iter().any(|(_, n)| *n > 1) {
            let peak = attempts.iter().map(|(_, n)| *n).max().unwrap_or(1);
            series.push((
                ["retry: attempt number".to_string(), "重试：第几次尝试".to_string()],
                "attempt",
                peak.max(1),
                attempts,
            ));
        }
        RunModel {
            spans: trace
                .spans()
                .into_iter()
                // A task the trace knows of but that was not made yet (a trace
                // cut at a playhead) has no lane yet.
                .filter(|span| !span.segments.is_empty() || span.outcome.is_some())
                .collect(),
            marks,
            requests: trace.requests(),
            series,
            deadlines,
            max_in_flight: usize::try_from(peak).unwrap_or(usize::MAX),
            waits: HashMap::new(),
            warnings: HashMap::new(),
            makespan: trace.makespan(),
            wakes,
        }
    }

    /// Traces made by hand for what the catalog's runs do not hold: a
    /// trace past its capacity (a task whose first event was the overflow
    /// marker), tasks whose first events open no segment (a log, a wake, a
    /// timer), a task made but not yet polled, a resource registered
    /// late, and retries.
    fn odd_traces() -> Vec<(String, Trace)> {
        use asyncscope_core::trace::ResourceKind;
        let ms = Duration::from_millis;
        let mut full = Trace::with_capacity(3);
        let a = full.add_task("a");
        full.push(ms(0), a, EventKind::Created);
        full.push(ms(1), a, EventKind::PollStart);
        full.push(ms(2), a, EventKind::pending(None));
        let b = full.add_task("b");
        full.push(ms(3), b, EventKind::Created);
        full.push(ms(4), b, EventKind::PollStart);
        let mut odd = Trace::new();
        let (a, b, c) = (odd.add_task("a"), odd.add_task("b"), odd.add_task("c"));
        odd.push(ms(0), b, EventKind::Log { text: "first".into() });
        odd.push(
            ms(0),
            c,
            EventKind::Woken {
                by: asyncscope_core::trace::WakeCause::Unknown,
                from: Some(a),
            },
        );
        odd.push(ms(1), a, EventKind::Created);
        odd.push(ms(1), a, EventKind::PollStart);
        odd.push(ms(1), a, EventKind::Attempt { number: 1 });
        odd.push(ms(2), a, EventKind::pending(None));
        let sem = odd.add_resource("late", ResourceKind::Semaphore { permits: 2 });
        odd.push(ms(3), c, EventKind::Created);
        odd.push(ms(3), a, EventKind::PollStart);
        odd.push(
            ms(3),
            a,
            EventKind::PermitAcquired {
                resource: sem,
                available: 1,
            },
        );
        odd.push(ms(4), a, EventKind::Attempt { number: 2 });
        odd.push(
            ms(5),
            a,
            EventKind::Completed {
                outcome: Outcome::Error,
            },
        );
        odd.push(ms(6), c, EventKind::PollStart);
        odd.push(ms(7), c, EventKind::Completed { outcome: Outcome::Ok });
        vec![("overflowed".to_string(), full), ("odd".to_string(), odd)]
    }

    /// Every run of every demo of the catalog, to the end in virtual time,
    /// and the odd traces.
    pub(crate) fn every_run() -> Vec<(String, Trace)> {
        let mut out = Vec::new();
        for entry in ENTRIES {
            let rt = VirtualRuntime::new();
            let started = demos::start(entry.slug, rt.env(), &[]).expect("valid").expect("a demo");
            rt.block_on(started.work).expect("does not stall");
            for (label, traced) in started.runs.iter() {
                out.push((format!("{} {label}", entry.slug), traced.snapshot()));
            }
        }
        out.extend(odd_traces());
        out
    }

    /// The analyses made a step at a time are those of the trace: every
    /// warning on its task's lane, and each waiting segment's wait as a
    /// tracker read up to the segment's start alone says (one tracker per
    /// segment, for every run of every demo and the odd traces); a run of
    /// 20,000 sleeps takes its waits in several steps.
    #[test]
    fn analyses_made_in_steps_are_the_traces() {
        use asyncscope_core::trace::WaitTracker;
        for (name, trace) in every_run() {
            let mut steps = Analyses::new(run_model(&trace), &trace);
            let mut n = 0;
            while steps.step() {
                n += 1;
            }
            assert!(!steps.step(), "{name}: done stays done");
            let model = steps.finish();
            assert!(n >= 10, "{name}: a step per pass of the rules at least, made {n}");
            // Each lane's warnings in the trace's order.
            let warnings = trace.warnings();
            let warned: usize = model.warnings.values().map(Vec::len).sum();
            assert_eq!(warned, warnings.len(), "{name}");
            for (task, marks) in &model.warnings {
                let theirs: Vec<(Duration, &str)> = warnings
                    .iter()
                    .filter(|w| w.task == *task)
                    .map(|w| (w.at, w.rule.as_str()))
                    .collect();
                let ours: Vec<(Duration, &str)> = marks.iter().map(|(at, rule, _)| (*at, *rule)).collect();
                assert_eq!(ours, theirs, "{name}: {task:?}");
            }
            if trace.tasks().len() > WAITS_MAX_TASKS {
                assert!(model.waits.is_empty(), "{name}");
                continue;
            }
            let asked = model.waiting_segments();
            let every = asked.len() / 300 + 1;
            for &(task, at) in asked.iter().step_by(every) {
                let mut alone = WaitTracker::new(&trace);
                alone.advance_to(at);
                assert_eq!(
                    model.waits.get(&(task, at)),
                    alone.wait(task).as_ref(),
                    "{name}: {task:?} at {at:?}"
                );
            }
        }
        let rt = VirtualRuntime::new();
        let params = [("period_ms", "1"), ("run_for_ms", "20000")].map(|(k, v)| (k.to_string(), v.to_string()));
        let started = demos::start("periodic", rt.env(), &params)
            .expect("valid")
            .expect("a demo");
        rt.block_on(started.work).expect("does not stall");
        let trace = started.runs.first().map(|(_, t)| t.snapshot()).expect("a run");
        let mut steps = Analyses::new(run_model(&trace), &trace);
        let mut n = 0;
        while steps.step() {
            n += 1;
        }
        let model = steps.finish();
        assert!(model.waits.len() >= 19_000, "{} waits", model.waits.len());
        assert!(n >= 10 + 2 + model.waits.len() / WAITS_PER_STEP, "{n} steps");
        // Waits from every stretch, as a tracker read alone says.
        let mut keys: Vec<&(TaskId, Duration)> = model.waits.keys().collect();
        keys.sort_by_key(|(_, at)| *at);
        for &&(task, at) in keys.iter().step_by(1_999) {
            let mut alone = WaitTracker::new(&trace);
            alone.advance_to(at);
            assert_eq!(
                model.waits.get(&(task, at)),
                alone.wait(task).as_ref(),
                "{task:?} at {at:?}"
            );
        }
    }

    /// The model made by folds is the model made in one pass over the
    /// whole trace, for every run of every demo and the odd traces, cut at
    /// every ninth of the run (a cut holds tasks not yet made).
    #[test]
    fn the_folded_model_is_the_batch_model() {
        for (name, trace) in every_run() {
            let len = trace.events().len();
            for k in 0..=9 {
                let cut = trace.prefix(len * k / 9);
                assert_eq!(run_model(&cut), batch_model(&cut), "{name}, {k} ninths");
            }
        }
    }

    /// A model kept up as the trace grows, a stretch of events at a time
    /// (one event at a time for the smaller runs, so that a stretch ends
    /// between any two events: inside a poll, between a first poll and its
    /// queueing at a semaphore), is at each step the model of the trace
    /// as it was then, made at once.
    #[test]
    fn a_model_fed_as_its_trace_grows_is_the_model_made_at_once() {
        for (name, trace) in every_run() {
            let len = trace.events().len();
            let strides = if len <= 1500 {
                vec![1, 7, len / 3 + 1]
            } else {
                vec![97, len / 3 + 1]
            };
            for stride in strides {
                let mut fold = ModelFold::default();
                let mut n = 0;
                loop {
                    n = (n + stride).min(len);
                    let seen = trace.prefix(n);
                    let fed = fold.feed(&seen);
                    assert_eq!(fed, if n == stride.min(len) { Fed::Again } else { Fed::Grown });
                    assert_eq!(
                        **fold.model(),
                        run_model(&seen),
                        "{name}: {n} of {len} events, by {stride}"
                    );
                    if n == len {
                        break;
                    }
                }
            }
        }
    }

    /// Fed a trace of another run, or the same run cut earlier, a model
    /// starts again: it is that trace's model, not a mix.
    #[test]
    fn a_model_fed_another_trace_starts_again() {
        let runs = every_run();
        let (_, a) = &runs[0];
        let (_, b) = runs.iter().find(|(_, t)| t.events().len() > 40).expect("a run");
        let mut fold = ModelFold::default();
        fold.feed(a);
        assert_eq!(fold.feed(b), Fed::Again);
        assert_eq!(**fold.model(), run_model(b));
        let earlier = b.prefix(b.events().len() / 2);
        assert_eq!(fold.feed(&earlier), Fed::Again);
        assert_eq!(**fold.model(), run_model(&earlier));
        // A copy made from JSON is of another lineage, with the same
        // events: its model is the same.
        let read = Trace::from_json(&b.to_json().expect("writes")).expect("reads");
        fold.feed(&read);
        assert_eq!(**fold.model(), run_model(b));
    }

    /// Copies kept up to date in turn are the source's prefix each time,
    /// by the difference once both are in use, and one handed out and
    /// still held never changes.
    #[test]
    fn trace_copies_follow_their_source_and_leave_a_held_one_alone() {
        let runs = every_run();
        let (_, t) = runs.iter().find(|(_, t)| t.events().len() > 40).expect("a run");
        let len = t.events().len();
        let mut copies = TraceCopies::default();
        let mut held = Vec::new();
        for (step, n) in [3, 10, 10, 20, 5, len].into_iter().enumerate() {
            let (copy, caught_up) = copies.to(t, n);
            assert_eq!(*copy, t.prefix(n), "to {n}");
            assert_eq!(caught_up, step >= 2, "to {n}, step {step}");
            held.push((n, Rc::clone(&copy)));
            // The page drops all but the last copy it was handed.
            held.retain(|(_, c)| Rc::ptr_eq(c, &copy));
        }
        // One held elsewhere is copied, not changed.
        let (kept, _) = copies.to(t, 7);
        let other = Rc::clone(&copies.pair[1 - copies.last]);
        let (next, caught_up) = copies.to(t, 9);
        assert!(!caught_up, "the other copy was held");
        assert_eq!((*kept).clone(), t.prefix(7));
        assert_eq!(*other, t.prefix(len));
        assert_eq!(*next, t.prefix(9));
    }

    /// A model held elsewhere (drawn by the page) is not changed by the
    /// next feed: that feed works on a copy.
    #[test]
    fn a_model_held_elsewhere_is_left_as_it_was() {
        let runs = every_run();
        let (_, t) = runs.iter().find(|(_, t)| t.events().len() > 40).expect("a run");
        let half = t.prefix(t.events().len() / 2);
        let mut fold = ModelFold::default();
        assert_eq!(fold.feed(&half), Fed::Again);
        let drawn = Rc::clone(fold.model());
        assert_eq!(fold.feed(t), Fed::Copied);
        assert_eq!(*drawn, run_model(&half));
        assert_eq!(**fold.model(), run_model(t));
    }
}
