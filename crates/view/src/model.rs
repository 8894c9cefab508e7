//! What drawing a run needs that does not depend on the view or the
//! instant: the [`RunModel`] of a trace, computed once per trace.

use std::collections::HashMap;
use std::time::Duration;

use asyncscope_core::trace::{EventKind, Outcome, RequestSpan, ResourceKind, SegmentState, TaskId, TaskSpan, Trace};

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
    /// segments, `[English, Chinese]`, by `(task, start)`: filled in by
    /// [`with_waits`] for a finished run, empty otherwise.
    pub waits: HashMap<(TaskId, Duration), [String; 2]>,
    /// Per task, what the trace's rules found, as `(instant, rule,
    /// [English, Chinese])`: filled in by [`with_waits`] for a finished
    /// run (the lanes mark them), empty otherwise.
    pub warnings: HashMap<TaskId, Vec<WarningMark>>,
}

/// A warning on a lane: `(instant, rule, [English, Chinese])`.
pub type WarningMark = (Duration, &'static str, [String; 2]);

/// The most tasks a run may have for [`with_waits`] to fill in its
/// segments' waits (one pass over the trace, a line per segment).
pub const WAITS_MAX_TASKS: usize = 2000;

/// `model` with [`RunModel::warnings`] and [`RunModel::waits`] filled in
/// from `trace` (the waits left empty above [`WAITS_MAX_TASKS`] tasks).
pub fn with_waits(mut model: RunModel, trace: &Trace) -> RunModel {
    for w in trace.warnings() {
        model
            .warnings
            .entry(w.task)
            .or_default()
            .push((w.at, w.rule.as_str(), [w.message, w.message_zh]));
    }
    if trace.tasks().len() > WAITS_MAX_TASKS {
        return model;
    }
    let asked: Vec<(TaskId, Duration)> = model
        .spans
        .iter()
        .flat_map(|span| {
            span.segments
                .iter()
                .filter(|s| !matches!(s.state, SegmentState::Polled | SegmentState::Created))
                .map(move |s| (span.id, s.start))
        })
        .collect();
    let lines = trace.waits_at_each(&asked);
    model.waits = asked
        .into_iter()
        .zip(lines)
        .filter_map(|(key, line)| Some((key, line?)))
        .collect();
    model
}

/// One step chart's data: `([label in English, in Chinese], kind, top of
/// scale, (instant, value) changes)`.
pub type Series = ([String; 2], &'static str, u32, Vec<(Duration, u32)>);

/// The [`RunModel`] of `trace`.
pub fn run_model(trace: &Trace) -> RunModel {
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
        let (label, kind, cap, start) = match meta.kind {
            ResourceKind::Semaphore { permits } => (
                [
                    format!("{}: permits left, of {permits}", meta.name),
                    format!("{}：剩余许可，共 {permits}", meta.name),
                ],
                "permits",
                permits,
                permits,
            ),
            ResourceKind::Limit { limit } => (
                [
                    format!("{}: slots left, of {limit}", meta.name),
                    format!("{}：剩余名额，共 {limit}", meta.name),
                ],
                "permits",
                limit,
                limit,
            ),
            ResourceKind::Queue { capacity } => (
                match capacity {
                    Some(c) => [
                        format!("{}: depth, capacity {c}", meta.name),
                        format!("{}：深度，容量 {c}", meta.name),
                    ],
                    None => [format!("{}: depth", meta.name), format!("{}：深度", meta.name)],
                },
                "queue",
                capacity.unwrap_or(0),
                0,
            ),
            // A lock is a semaphore of one: 1 while free, 0 while held.
            ResourceKind::Lock => (
                [
                    format!("{}: free (1) or held (0)", meta.name),
                    format!("{}：空闲 1，被持有 0", meta.name),
                ],
                "permits",
                1,
                1,
            ),
            // Events and conditions have no level to chart: their waits
            // show on the lanes.
            ResourceKind::Event | ResourceKind::Condition => continue,
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
