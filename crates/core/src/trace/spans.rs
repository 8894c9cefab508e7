//! Each task's life as segments in states, and the makespan.

use std::time::Duration;

use super::model::{Event, EventKind, Outcome, SiteId, TaskId, TaskMeta, Trace, index_u32};

/// The state a task is in during a [`Segment`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SegmentState {
    /// Built but not polled yet.
    Created,
    /// Being polled: the only state that uses the thread.
    Polled,
    /// Pending on a timer of its own.
    Sleeping,
    /// Pending on a permit of a semaphore or limit.
    #[strum(serialize = "permit")]
    WaitingPermit,
    /// Pending on a request.
    #[strum(serialize = "io")]
    AwaitingIo,
    /// Pending on something else (a child task, a queue, a channel).
    Waiting,
}

impl SegmentState {
    /// Every state, in legend order (the order of the variants).
    pub const ALL: &'static [SegmentState] = <SegmentState as strum::VariantArray>::VARIANTS;

    /// The lower-case name used in class names and text.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Its name in Simplified Chinese, for the page in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            SegmentState::Created => "已创建",
            SegmentState::Polled => "轮询中",
            SegmentState::Sleeping => "睡眠",
            SegmentState::WaitingPermit => "等许可",
            SegmentState::AwaitingIo => "等 I/O",
            SegmentState::Waiting => "等待",
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
    /// For a pending state: the await point, if known.
    pub site: Option<SiteId>,
}

/// A task's life as derived from the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSpan {
    /// Its id.
    pub id: TaskId,
    /// Its name.
    pub name: String,
    /// The task that made it, if any.
    pub parent: Option<TaskId>,
    /// When it was built.
    pub created: Duration,
    /// When it was first polled, if it was.
    pub first_poll: Option<Duration>,
    /// When it ended, if it has.
    pub end: Option<Duration>,
    /// How it ended, if it has.
    pub outcome: Option<Outcome>,
    /// How many times it was polled.
    pub polls: u32,
    /// How many times it was woken.
    pub wakes: u32,
    /// Its states, in order, without gaps from `created` on.
    pub segments: Vec<Segment>,
}

impl Trace {
    /// Each task's span, in the order the tasks were registered (a task
    /// with no event yet has an empty one).
    pub fn spans(&self) -> Vec<TaskSpan> {
        let mut shown = Vec::new();
        let mut fold = SpanFold::default();
        fold.feed(&mut shown, &self.tasks, &self.events);
        let mut shown = shown.into_iter().peekable();
        self.tasks
            .iter()
            .enumerate()
            .map(|(i, meta)| match shown.next_if(|s| s.id.0 as usize == i) {
                Some(span) => span,
                None => TaskSpan {
                    wakes: fold.early_wakes.get(i).copied().unwrap_or(0),
                    ..blank(TaskId(index_u32(i)), meta)
                },
            })
            .collect()
    }

    /// The time the last task ended, measured from the origin; `None` until
    /// every task has ended.
    pub fn makespan(&self) -> Option<Duration> {
        if self.tasks.is_empty() {
            return None;
        }
        let mut ended = vec![false; self.tasks.len()];
        let mut last = Duration::ZERO;
        for ev in &self.events {
            if let EventKind::Completed { .. } = ev.kind
                && let Some(e) = ended.get_mut(ev.task.0 as usize)
            {
                *e = true;
                last = last.max(ev.at());
            }
        }
        ended.iter().all(|e| *e).then_some(last)
    }
}

/// [`Trace::spans`] made as a trace grows: fed the trace's events a
/// stretch at a time, it keeps up to date, in the order of their ids, the
/// spans of the tasks that have a lane: a segment or an end (a task's
/// span comes with the first event that opens a segment or ends it; a
/// wake before that is counted in it then). Fed a whole trace at once or
/// in stretches, it makes the same spans.
#[derive(Clone, Debug, Default)]
pub struct SpanFold {
    /// Per task id: what it waits on, from the events seen.
    pending: Vec<Pending>,
    /// Per task id: where its span is in the spans, if it has one.
    at: Vec<Option<u32>>,
    /// Per task id: its wakes before it had a span.
    early_wakes: Vec<u32>,
}

#[derive(Default, Clone, Copy, Debug)]
struct Pending {
    timers: u32,
    permits: u32,
    requests: u32,
}

impl SpanFold {
    /// Takes `events` into `spans`, which holds what this fold made from
    /// the events before them (and nothing else); `tasks` are the trace's
    /// tasks, every one the events name among them.
    pub fn feed(&mut self, spans: &mut Vec<TaskSpan>, tasks: &[TaskMeta], events: &[Event]) {
        if self.pending.len() < tasks.len() {
            self.pending.resize(tasks.len(), Pending::default());
            self.at.resize(tasks.len(), None);
            self.early_wakes.resize(tasks.len(), 0);
        }
        for ev in events {
            let idx = ev.task.0 as usize;
            let (Some(meta), Some(p)) = (tasks.get(idx), self.pending.get_mut(idx)) else {
                continue;
            };
            let place = match self.at[idx] {
                Some(place) => place as usize,
                // Only an event that opens a segment or ends the task gives
                // it a span (a lane); the others only count.
                None if !matches!(
                    ev.kind,
                    EventKind::Created
                        | EventKind::PollStart
                        | EventKind::PollEnd { ready: false, .. }
                        | EventKind::Completed { .. }
                ) =>
                {
                    match &ev.kind {
                        EventKind::Woken { .. } => self.early_wakes[idx] += 1,
                        kind => p.count(kind),
                    }
                    continue;
                }
                None => {
                    // Tasks are met in the order of their ids but for a
                    // few: one met out of order moves those after it.
                    let place = spans.partition_point(|s| s.id < ev.task);
                    spans.insert(
                        place,
                        TaskSpan {
                            wakes: self.early_wakes[idx],
                            ..blank(ev.task, meta)
                        },
                    );
                    if place + 1 == spans.len() {
                        self.at[idx] = Some(index_u32(place));
                    } else {
                        for (i, s) in spans.iter().enumerate().skip(place) {
                            self.at[s.id.0 as usize] = Some(index_u32(i));
                        }
                    }
                    place
                }
            };
            let span = &mut spans[place];
            match &ev.kind {
                EventKind::Created => {
                    span.created = ev.at();
                    open(span, ev.at(), SegmentState::Created, None);
                }
                EventKind::PollStart => {
                    span.first_poll.get_or_insert(ev.at());
                    span.polls += 1;
                    open(span, ev.at(), SegmentState::Polled, None);
                }
                EventKind::PollEnd { ready: false, site } => {
                    let state = if p.permits > 0 {
                        SegmentState::WaitingPermit
                    } else if p.requests > 0 {
                        SegmentState::AwaitingIo
                    } else if p.timers > 0 {
                        SegmentState::Sleeping
                    } else {
                        SegmentState::Waiting
                    };
                    open(span, ev.at(), state, *site);
                }
                EventKind::PollEnd { ready: true, .. } => close(span, ev.at()),
                EventKind::Woken { .. } => span.wakes += 1,
                EventKind::Completed { outcome } => {
                    close(span, ev.at());
                    span.end = Some(ev.at());
                    span.outcome = Some(*outcome);
                    *p = Pending::default();
                }
                kind => p.count(kind),
            }
        }
    }
}

impl Pending {
    /// Counts what `kind` starts or ends waiting on.
    fn count(&mut self, kind: &EventKind) {
        match kind {
            EventKind::TimerArmed { .. } => self.timers = self.timers.saturating_add(1),
            EventKind::TimerFired | EventKind::TimerCancelled => self.timers = self.timers.saturating_sub(1),
            EventKind::PermitWaiting { .. } => self.permits = self.permits.saturating_add(1),
            EventKind::PermitAcquired { .. } | EventKind::PermitGaveUp { .. } => {
                self.permits = self.permits.saturating_sub(1);
            }
            EventKind::RequestSent { .. } => self.requests = self.requests.saturating_add(1),
            EventKind::RequestAnswered { .. } | EventKind::RequestFailed { .. } | EventKind::RequestAborted => {
                self.requests = self.requests.saturating_sub(1);
            }
            EventKind::Created
            | EventKind::PollStart
            | EventKind::PollEnd { .. }
            | EventKind::Woken { .. }
            | EventKind::Completed { .. }
            | EventKind::PermitReleased { .. }
            | EventKind::RequestTiming { .. }
            | EventKind::Progress { .. }
            | EventKind::PermitRefused { .. }
            | EventKind::QueuePush { .. }
            | EventKind::QueuePop { .. }
            | EventKind::Attempt { .. }
            | EventKind::Backoff { .. }
            | EventKind::DeadlinePassed
            | EventKind::Blocked { .. }
            | EventKind::Unblocked { .. }
            | EventKind::Log { .. }
            | EventKind::Overflow => {}
        }
    }
}

/// The span of a task before any of its events.
fn blank(id: TaskId, meta: &TaskMeta) -> TaskSpan {
    TaskSpan {
        id,
        name: meta.name.to_string(),
        parent: meta.parent,
        created: Duration::ZERO,
        first_poll: None,
        end: None,
        outcome: None,
        polls: 0,
        wakes: 0,
        segments: Vec::new(),
    }
}

fn close(span: &mut TaskSpan, at: Duration) {
    if let Some(last) = span.segments.last_mut()
        && last.end.is_none()
    {
        last.end = Some(at);
    }
}

fn open(span: &mut TaskSpan, at: Duration, state: SegmentState, site: Option<SiteId>) {
    close(span, at);
    span.segments.push(Segment {
        start: at,
        end: None,
        state,
        site,
    });
}
