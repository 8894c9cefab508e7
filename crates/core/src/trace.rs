//! The trace model: an append-only log of what every task and timer did,
//! and the views derived from it (spans, segments, makespan, in flight).

use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Identifies a task (a named future) within one [`Trace`]: its index in
/// [`Trace::tasks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TaskId(pub u32);

/// How a task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It completed with its value.
    Ok,
    /// It completed with an error.
    Error,
    /// It was dropped before it completed.
    Cancelled,
    /// It was dropped because a deadline passed.
    Timeout,
}

impl Outcome {
    /// The lower-case name used in text renderings and the JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Cancelled => "cancelled",
            Outcome::Timeout => "timeout",
        }
    }
}

/// What happened, in one [`Event`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The future was built (it does nothing until polled).
    Created,
    /// A poll began.
    PollStart,
    /// A poll ended; `ready` says whether the future completed in it.
    PollEnd {
        /// True if this poll returned `Poll::Ready`.
        ready: bool,
    },
    /// The task armed a timer due at `deadline` (trace time).
    TimerArmed {
        /// When the timer is due, on the trace's clock.
        deadline: Duration,
    },
    /// A timer of the task fired.
    TimerFired,
    /// A timer of the task was dropped before it fired.
    TimerCancelled,
    /// The task ended.
    Completed {
        /// How it ended.
        outcome: Outcome,
    },
    /// A line of text the task logged.
    Log {
        /// The text.
        text: String,
    },
}

/// One entry of the log: at `at` (since the trace's origin), `task` did `kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Time since the trace's origin.
    pub at: Duration,
    /// The task it concerns.
    pub task: TaskId,
    /// What happened.
    pub kind: EventKind,
}

/// What is known of a task besides its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMeta {
    /// The name the demo gave it (`job0`, `A`, ...).
    pub name: String,
}

/// An append-only record of one run.
///
/// Invariants: events are in non-decreasing time order; every event names a
/// task in `tasks`; a task has at most one `Completed` event, and none after it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    tasks: Vec<TaskMeta>,
    events: Vec<Event>,
}

/// The state a task is in during a [`Segment`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentState {
    /// Built but not polled yet.
    Created,
    /// Being polled: the only state that uses the thread.
    Polled,
    /// Pending on a timer of its own.
    Sleeping,
    /// Pending on something else.
    Waiting,
}

impl SegmentState {
    /// The lower-case name used in class names and text.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentState::Created => "created",
            SegmentState::Polled => "polled",
            SegmentState::Sleeping => "sleeping",
            SegmentState::Waiting => "waiting",
        }
    }
}

/// A stretch of a task's life in one state. `end` is `None` while it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// When it began.
    pub start: Duration,
    /// When it ended, if it has.
    pub end: Option<Duration>,
    /// The state.
    pub state: SegmentState,
}

/// A task's life as derived from the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSpan {
    /// Its id.
    pub id: TaskId,
    /// Its name.
    pub name: String,
    /// When it was built.
    pub created: Duration,
    /// When it was first polled, if it was.
    pub first_poll: Option<Duration>,
    /// When it ended, if it has.
    pub end: Option<Duration>,
    /// How it ended, if it has.
    pub outcome: Option<Outcome>,
    /// Its states, in order, without gaps from `created` on.
    pub segments: Vec<Segment>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a task and returns its id.
    pub fn add_task(&mut self, name: impl Into<String>) -> TaskId {
        let id = TaskId(u32::try_from(self.tasks.len()).unwrap_or(u32::MAX));
        self.tasks.push(TaskMeta { name: name.into() });
        id
    }

    /// Appends an event. A time earlier than the last event's is raised to
    /// it, so the log stays ordered even if a clock misbehaves.
    pub fn push(&mut self, at: Duration, task: TaskId, kind: EventKind) {
        let at = self.events.last().map_or(at, |last| at.max(last.at));
        self.events.push(Event { at, task, kind });
    }

    /// The tasks, indexed by [`TaskId`].
    pub fn tasks(&self) -> &[TaskMeta] {
        &self.tasks
    }

    /// The events, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The name of a task, or `?` for an unknown id.
    pub fn task_name(&self, id: TaskId) -> &str {
        self.tasks.get(id.0 as usize).map_or("?", |t| t.name.as_str())
    }

    /// Each task's span, in the order the tasks were registered.
    pub fn spans(&self) -> Vec<TaskSpan> {
        let mut spans: Vec<TaskSpan> = self
            .tasks
            .iter()
            .enumerate()
            .map(|(i, meta)| TaskSpan {
                id: TaskId(i as u32),
                name: meta.name.clone(),
                created: Duration::ZERO,
                first_poll: None,
                end: None,
                outcome: None,
                segments: Vec::new(),
            })
            .collect();
        let mut timers = vec![0u32; spans.len()];
        for ev in &self.events {
            let Some(span) = spans.get_mut(ev.task.0 as usize) else {
                continue;
            };
            let idx = ev.task.0 as usize;
            match &ev.kind {
                EventKind::Created => {
                    span.created = ev.at;
                    open(span, ev.at, SegmentState::Created);
                }
                EventKind::PollStart => {
                    span.first_poll.get_or_insert(ev.at);
                    open(span, ev.at, SegmentState::Polled);
                }
                EventKind::PollEnd { ready: false } => {
                    let state = if timers[idx] > 0 {
                        SegmentState::Sleeping
                    } else {
                        SegmentState::Waiting
                    };
                    open(span, ev.at, state);
                }
                EventKind::PollEnd { ready: true } => close(span, ev.at),
                EventKind::TimerArmed { .. } => timers[idx] = timers[idx].saturating_add(1),
                EventKind::TimerFired | EventKind::TimerCancelled => {
                    timers[idx] = timers[idx].saturating_sub(1);
                }
                EventKind::Completed { outcome } => {
                    close(span, ev.at);
                    span.end = Some(ev.at);
                    span.outcome = Some(*outcome);
                }
                EventKind::Log { .. } => {}
            }
        }
        spans
    }

    /// The time the last task ended, measured from the origin; `None` until
    /// every task has ended.
    pub fn makespan(&self) -> Option<Duration> {
        let spans = self.spans();
        if spans.is_empty() {
            return None;
        }
        spans
            .iter()
            .map(|s| s.end)
            .try_fold(Duration::ZERO, |acc, end| end.map(|e| acc.max(e)))
    }

    /// The most tasks that were started (first polled) and not yet ended at
    /// any one instant. A task that ends at the instant another starts does
    /// not overlap it.
    pub fn max_in_flight(&self) -> usize {
        let mut edges: Vec<(Duration, i32)> = Vec::new();
        for span in self.spans() {
            if let Some(start) = span.first_poll {
                edges.push((start, 1));
                if let Some(end) = span.end {
                    edges.push((end, -1));
                }
            }
        }
        // Ends sort before starts at the same instant.
        edges.sort();
        let (mut now, mut max) = (0i32, 0i32);
        for (_, delta) in edges {
            now += delta;
            max = max.max(now);
        }
        max as usize
    }

    /// A plain-text rendering, one event a line, for tests and the terminal:
    /// `   1000ms job0 poll end: pending`.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for ev in &self.events {
            let what = match &ev.kind {
                EventKind::Created => "created".to_string(),
                EventKind::PollStart => "poll".to_string(),
                EventKind::PollEnd { ready: true } => "poll end: ready".to_string(),
                EventKind::PollEnd { ready: false } => "poll end: pending".to_string(),
                EventKind::TimerArmed { deadline } => {
                    format!("timer armed for {}ms", deadline.as_millis())
                }
                EventKind::TimerFired => "timer fired".to_string(),
                EventKind::TimerCancelled => "timer cancelled".to_string(),
                EventKind::Completed { outcome } => format!("completed: {}", outcome.as_str()),
                EventKind::Log { text } => format!("log: {text}"),
            };
            let _ = writeln!(out, "{:>7}ms {} {}", ev.at.as_millis(), self.task_name(ev.task), what);
        }
        out
    }
}

fn close(span: &mut TaskSpan, at: Duration) {
    if let Some(last) = span.segments.last_mut()
        && last.end.is_none()
    {
        last.end = Some(at);
    }
}

fn open(span: &mut TaskSpan, at: Duration, state: SegmentState) {
    close(span, at);
    span.segments.push(Segment {
        start: at,
        end: None,
        state,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn spans_follow_polls_and_timers() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(5), a, EventKind::PollStart);
        t.push(ms(5), a, EventKind::TimerArmed { deadline: ms(100) });
        t.push(ms(6), a, EventKind::PollEnd { ready: false });
        t.push(ms(100), a, EventKind::TimerFired);
        t.push(ms(101), a, EventKind::PollStart);
        t.push(ms(102), a, EventKind::PollEnd { ready: true });
        t.push(ms(102), a, EventKind::Completed { outcome: Outcome::Ok });
        let spans = t.spans();
        assert_eq!(spans.len(), 1);
        let s = &spans[0];
        assert_eq!(
            (s.first_poll, s.end, s.outcome),
            (Some(ms(5)), Some(ms(102)), Some(Outcome::Ok))
        );
        let states: Vec<_> = s
            .segments
            .iter()
            .map(|g| (g.state, g.start.as_millis(), g.end.map(|e| e.as_millis())))
            .collect();
        assert_eq!(
            states,
            vec![
                (SegmentState::Created, 0, Some(5)),
                (SegmentState::Polled, 5, Some(6)),
                (SegmentState::Sleeping, 6, Some(101)),
                (SegmentState::Polled, 101, Some(102)),
            ]
        );
    }

    #[test]
    fn makespan_waits_for_every_task() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        let b = t.add_task("b");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), b, EventKind::Created);
        t.push(ms(30), a, EventKind::Completed { outcome: Outcome::Ok });
        assert_eq!(t.makespan(), None);
        t.push(
            ms(40),
            b,
            EventKind::Completed {
                outcome: Outcome::Cancelled,
            },
        );
        assert_eq!(t.makespan(), Some(ms(40)));
        assert_eq!(Trace::new().makespan(), None);
    }

    #[test]
    fn back_to_back_tasks_do_not_overlap() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        let b = t.add_task("b");
        t.push(ms(0), a, EventKind::PollStart);
        t.push(ms(10), a, EventKind::Completed { outcome: Outcome::Ok });
        t.push(ms(10), b, EventKind::PollStart);
        assert_eq!(t.max_in_flight(), 1);
    }

    #[test]
    fn push_keeps_time_order() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(10), a, EventKind::Created);
        t.push(ms(3), a, EventKind::PollStart);
        assert_eq!(t.events()[1].at, ms(10));
    }
}
