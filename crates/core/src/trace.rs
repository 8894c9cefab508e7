//! The trace model: an append-only log of what every task, timer and
//! resource did, and the views derived from it (spans with state segments,
//! in flight over time, makespan, per-resource statistics).
//!
//! The log is the only truth: every view is a pure function of it, so a
//! view at any instant of a finished run is the view of a prefix of its
//! events (what the playhead needs).

use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The `format` field of the JSON form.
pub const FORMAT: &str = "asyncscope-trace";

/// The version of the JSON form. It changes whenever a field changes
/// meaning; readers refuse versions they do not know.
pub const FORMAT_VERSION: u32 = 1;

/// How many events a trace keeps unless told otherwise. One more event
/// than this is kept: the [`EventKind::Overflow`] marker.
pub const DEFAULT_CAPACITY: usize = 1 << 20;

/// Identifies a task (a named future) within one [`Trace`]: its index in
/// [`Trace::tasks`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub u32);

/// Identifies a resource (a semaphore, a queue, a limit): its index in
/// [`Trace::resources`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceId(pub u32);

/// Identifies a source location (an await point): its index in
/// [`Trace::sites`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SiteId(pub u32);

/// How a task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// What woke a task, when it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WakeCause {
    /// One of its timers fired.
    Timer,
    /// A resource (a permit freed, an item queued) woke it.
    Resource(ResourceId),
    /// A request it awaits made progress.
    Request,
    /// Something else: a channel, a join handle, a combinator's inner waker.
    Unknown,
}

/// What kind of thing a resource is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResourceKind {
    /// A counting semaphore with this many permits.
    Semaphore {
        /// Permits it starts with.
        permits: u32,
    },
    /// A limit on how many futures of a stream run at once.
    Limit {
        /// The most at once.
        limit: u32,
    },
    /// A queue, bounded or not.
    Queue {
        /// The most items it holds, if bounded.
        capacity: Option<u32>,
    },
}

/// What happened, in one [`Event`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The future was built (it does nothing until polled).
    Created,
    /// A poll began.
    PollStart,
    /// A poll ended.
    PollEnd {
        /// True if this poll returned `Poll::Ready`.
        ready: bool,
        /// When pending: the await point it is pending at, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<SiteId>,
    },
    /// The task's waker was called (recorded once between two polls).
    Woken {
        /// What woke it.
        by: WakeCause,
    },
    /// The task armed a timer due at `deadline` (trace time).
    TimerArmed {
        /// When the timer is due, on the trace's clock.
        #[serde(with = "micros")]
        deadline: Duration,
    },
    /// A timer of the task fired.
    TimerFired,
    /// A timer of the task was dropped before it fired.
    TimerCancelled,
    /// The task asked a semaphore or limit for a permit and has to wait.
    PermitWaiting {
        /// The semaphore.
        resource: ResourceId,
    },
    /// The task got a permit; `available` are left.
    PermitAcquired {
        /// The semaphore.
        resource: ResourceId,
        /// Permits left after this one was taken.
        available: u32,
    },
    /// The task gave a permit back; `available` are free now.
    PermitReleased {
        /// The semaphore.
        resource: ResourceId,
        /// Permits free after the release.
        available: u32,
    },
    /// The task stopped waiting for a permit without getting one (the
    /// wait was dropped, by a timeout for example).
    PermitGaveUp {
        /// The semaphore.
        resource: ResourceId,
    },
    /// A bounded semaphore refused a release above its limit.
    PermitRefused {
        /// The semaphore.
        resource: ResourceId,
    },
    /// The task put an item in a queue, leaving `depth` items in it.
    QueuePush {
        /// The queue.
        resource: ResourceId,
        /// Items in the queue after the push.
        depth: u32,
    },
    /// The task took an item from a queue, leaving `depth` items in it.
    QueuePop {
        /// The queue.
        resource: ResourceId,
        /// Items in the queue after the pop.
        depth: u32,
    },
    /// The task sent a request.
    RequestSent {
        /// The method and URL, as `GET /api/delay/100`.
        what: String,
    },
    /// The request got a response with this HTTP status.
    RequestAnswered {
        /// The HTTP status code.
        status: u16,
    },
    /// The request failed without a response.
    RequestFailed {
        /// Why, in words.
        error: String,
    },
    /// The request was dropped before it ended (the browser aborts it).
    RequestAborted,
    /// The browser's Resource Timing figures for the request just answered.
    RequestTiming {
        /// When the request went out on its connection (`requestStart`),
        /// on the trace's clock.
        #[serde(with = "micros")]
        request_start: Duration,
        /// Before it had a connection (the browser's queue included).
        #[serde(with = "micros")]
        queued: Duration,
        /// Opening a new connection (zero when one was reused).
        #[serde(with = "micros")]
        connecting: Duration,
        /// From sending the request to the first byte of the response.
        #[serde(with = "micros")]
        waiting: Duration,
        /// From the first byte to the last.
        #[serde(with = "micros")]
        receiving: Duration,
    },
    /// Part of a body has arrived: `done` bytes of `total`.
    Progress {
        /// Bytes so far.
        done: u64,
        /// Bytes in all, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<u64>,
    },
    /// A retry loop starts attempt `number` (1 is the first try).
    Attempt {
        /// The attempt's number, from 1.
        number: u32,
    },
    /// A retry loop waits `delay` before the next attempt.
    Backoff {
        /// The delay, jitter included.
        #[serde(with = "micros")]
        delay: Duration,
    },
    /// A timeout's deadline passed; the work it guarded is dropped.
    DeadlinePassed,
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
    /// The trace reached its capacity: the events after this one were not
    /// kept (their number is [`Trace::dropped`]).
    Overflow,
}

impl EventKind {
    /// Every kind's name, as in the JSON form (`poll_start`, ...).
    pub const NAMES: [&'static str; 26] = [
        "created",
        "poll_start",
        "poll_end",
        "woken",
        "timer_armed",
        "timer_fired",
        "timer_cancelled",
        "permit_waiting",
        "permit_acquired",
        "permit_released",
        "permit_gave_up",
        "permit_refused",
        "queue_push",
        "queue_pop",
        "request_sent",
        "request_answered",
        "request_failed",
        "request_aborted",
        "request_timing",
        "progress",
        "attempt",
        "backoff",
        "deadline_passed",
        "completed",
        "log",
        "overflow",
    ];

    /// This kind's name, as in the JSON form.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::PollStart => "poll_start",
            EventKind::PollEnd { .. } => "poll_end",
            EventKind::Woken { .. } => "woken",
            EventKind::TimerArmed { .. } => "timer_armed",
            EventKind::TimerFired => "timer_fired",
            EventKind::TimerCancelled => "timer_cancelled",
            EventKind::PermitWaiting { .. } => "permit_waiting",
            EventKind::PermitAcquired { .. } => "permit_acquired",
            EventKind::PermitReleased { .. } => "permit_released",
            EventKind::PermitGaveUp { .. } => "permit_gave_up",
            EventKind::PermitRefused { .. } => "permit_refused",
            EventKind::QueuePush { .. } => "queue_push",
            EventKind::QueuePop { .. } => "queue_pop",
            EventKind::RequestSent { .. } => "request_sent",
            EventKind::RequestAnswered { .. } => "request_answered",
            EventKind::RequestFailed { .. } => "request_failed",
            EventKind::RequestAborted => "request_aborted",
            EventKind::RequestTiming { .. } => "request_timing",
            EventKind::Progress { .. } => "progress",
            EventKind::Attempt { .. } => "attempt",
            EventKind::Backoff { .. } => "backoff",
            EventKind::DeadlinePassed => "deadline_passed",
            EventKind::Completed { .. } => "completed",
            EventKind::Log { .. } => "log",
            EventKind::Overflow => "overflow",
        }
    }
}

/// One entry of the log: at `at` (since the trace's origin), `task` did `kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Time since the trace's origin.
    #[serde(rename = "at_us", with = "micros")]
    pub at: Duration,
    /// The task it concerns.
    pub task: TaskId,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What is known of a task besides its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMeta {
    /// The name the demo gave it (`job0`, `A`, ...).
    pub name: String,
    /// The task that was being polled when it was made, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<TaskId>,
    /// Where it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteId>,
}

/// A named resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceMeta {
    /// Its name (`semaphore`, `downloads`, ...).
    pub name: String,
    /// What it is.
    #[serde(flatten)]
    pub kind: ResourceKind,
}

/// A source location.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Site {
    /// The file, as the compiler names it (`crates/core/src/demos/x.rs`).
    pub file: String,
    /// The line, from 1.
    pub line: u32,
}

/// An append-only record of one run.
///
/// Invariants: events are in non-decreasing time order; every event names a
/// task in `tasks`; a task has at most one `Completed` event, and none after
/// it; at most `capacity` events are kept, and if more came, the last kept
/// event is an [`EventKind::Overflow`] marker and `dropped` counts the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    tasks: Vec<TaskMeta>,
    resources: Vec<ResourceMeta>,
    sites: Vec<Site>,
    events: Vec<Event>,
    capacity: usize,
    dropped: u64,
}

impl Default for Trace {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

/// The state a task is in during a [`Segment`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentState {
    /// Built but not polled yet.
    Created,
    /// Being polled: the only state that uses the thread.
    Polled,
    /// Pending on a timer of its own.
    Sleeping,
    /// Pending on a permit of a semaphore or limit.
    WaitingPermit,
    /// Pending on a request.
    AwaitingIo,
    /// Pending on something else (a child task, a queue, a channel).
    Waiting,
}

impl SegmentState {
    /// Every state, in legend order.
    pub const ALL: [SegmentState; 6] = [
        SegmentState::Created,
        SegmentState::Polled,
        SegmentState::Sleeping,
        SegmentState::WaitingPermit,
        SegmentState::AwaitingIo,
        SegmentState::Waiting,
    ];

    /// The lower-case name used in class names and text.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentState::Created => "created",
            SegmentState::Polled => "polled",
            SegmentState::Sleeping => "sleeping",
            SegmentState::WaitingPermit => "permit",
            SegmentState::AwaitingIo => "io",
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

/// What a resource saw over a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceStats {
    /// Its id.
    pub id: ResourceId,
    /// Permits handed out.
    pub acquired: u32,
    /// Permits given back.
    pub released: u32,
    /// Releases a bounded semaphore refused.
    pub refused: u32,
    /// The most permits in use at once.
    pub max_in_use: u32,
    /// The most tasks waiting for a permit at once.
    pub max_waiting: u32,
    /// The longest a task waited for a permit.
    pub max_wait: Duration,
    /// All waits for a permit added up.
    pub total_wait: Duration,
    /// Items pushed.
    pub pushed: u32,
    /// Items popped.
    pub popped: u32,
    /// The deepest the queue was.
    pub max_depth: u32,
}

/// One request as the trace saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSpan {
    /// The task that sent it.
    pub task: TaskId,
    /// `GET /api/delay/100`.
    pub what: String,
    /// When it was sent.
    pub sent: Duration,
    /// When it ended (answered, failed or aborted), if it has.
    pub end: Option<Duration>,
    /// The HTTP status, if it was answered.
    pub status: Option<u16>,
    /// Why it failed, if it did.
    pub failed: Option<String>,
    /// True if it was dropped before it ended.
    pub aborted: bool,
    /// Resource Timing phases: queued, connecting, waiting, receiving.
    pub phases: Option<[Duration; 4]>,
    /// When it was on the wire (from the request going out to the last
    /// byte), where the browser reported it.
    pub on_wire: Option<(Duration, Duration)>,
    /// Bytes received so far, and of how many, for streamed bodies.
    pub progress: Option<(u64, Option<u64>)>,
}

/// Why a JSON trace was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an asyncscope trace: {}", self.0)
    }
}

impl std::error::Error for JsonError {}

#[derive(Serialize, Deserialize)]
struct TraceFile {
    format: String,
    version: u32,
    tasks: Vec<TaskMeta>,
    #[serde(default)]
    resources: Vec<ResourceMeta>,
    #[serde(default)]
    sites: Vec<Site>,
    events: Vec<Event>,
    #[serde(default)]
    dropped: u64,
}

fn index_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Trace {
    /// An empty trace with the default capacity.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty trace that keeps at most `capacity` events (at least one)
    /// plus the overflow marker.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            tasks: Vec::new(),
            resources: Vec::new(),
            sites: Vec::new(),
            events: Vec::new(),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    /// Registers a task and returns its id.
    pub fn add_task(&mut self, name: impl Into<String>) -> TaskId {
        self.add_task_with(name, None, None)
    }

    /// Registers a task made by `parent` at `site`.
    pub fn add_task_with(&mut self, name: impl Into<String>, parent: Option<TaskId>, site: Option<SiteId>) -> TaskId {
        let id = TaskId(index_u32(self.tasks.len()));
        self.tasks.push(TaskMeta {
            name: name.into(),
            parent,
            site,
        });
        id
    }

    /// Registers a resource and returns its id.
    pub fn add_resource(&mut self, name: impl Into<String>, kind: ResourceKind) -> ResourceId {
        let id = ResourceId(index_u32(self.resources.len()));
        self.resources.push(ResourceMeta {
            name: name.into(),
            kind,
        });
        id
    }

    /// Registers a source location and returns its id.
    pub fn add_site(&mut self, file: impl Into<String>, line: u32) -> SiteId {
        let id = SiteId(index_u32(self.sites.len()));
        self.sites.push(Site {
            file: file.into(),
            line,
        });
        id
    }

    /// Appends an event. A time earlier than the last event's is raised to
    /// it, so the log stays ordered even if a clock misbehaves. Past the
    /// capacity, the first extra event becomes the overflow marker and the
    /// rest are counted in [`Trace::dropped`].
    pub fn push(&mut self, at: Duration, task: TaskId, kind: EventKind) {
        let at = self.events.last().map_or(at, |last| at.max(last.at));
        if self.events.len() < self.capacity {
            self.events.push(Event { at, task, kind });
        } else if self.dropped == 0 && self.events.len() == self.capacity {
            self.events.push(Event {
                at,
                task,
                kind: EventKind::Overflow,
            });
            self.dropped = 1;
        } else {
            self.dropped += 1;
        }
    }

    /// The tasks, indexed by [`TaskId`].
    pub fn tasks(&self) -> &[TaskMeta] {
        &self.tasks
    }

    /// The resources, indexed by [`ResourceId`].
    pub fn resources(&self) -> &[ResourceMeta] {
        &self.resources
    }

    /// The source locations, indexed by [`SiteId`].
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// The events, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events that came after the capacity was reached and were not kept
    /// (0 if none were lost).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The name of a task, or `?` for an unknown id.
    pub fn task_name(&self, id: TaskId) -> &str {
        self.tasks.get(id.0 as usize).map_or("?", |t| t.name.as_str())
    }

    /// The name of a resource, or `?` for an unknown id.
    pub fn resource_name(&self, id: ResourceId) -> &str {
        self.resources.get(id.0 as usize).map_or("?", |r| r.name.as_str())
    }

    /// A source location, if the id is known.
    pub fn site(&self, id: SiteId) -> Option<&Site> {
        self.sites.get(id.0 as usize)
    }

    /// The trace cut at `at`: the events up to and including that instant,
    /// as the run looked then.
    pub fn until(&self, at: Duration) -> Trace {
        let end = self.events.partition_point(|e| e.at <= at);
        Trace {
            tasks: self.tasks.clone(),
            resources: self.resources.clone(),
            sites: self.sites.clone(),
            events: self.events[..end].to_vec(),
            capacity: self.capacity,
            dropped: if end == self.events.len() { self.dropped } else { 0 },
        }
    }

    /// Each task's span, in the order the tasks were registered.
    pub fn spans(&self) -> Vec<TaskSpan> {
        #[derive(Default, Clone, Copy)]
        struct Pending {
            timers: u32,
            permits: u32,
            requests: u32,
        }
        let mut spans: Vec<TaskSpan> = self
            .tasks
            .iter()
            .enumerate()
            .map(|(i, meta)| TaskSpan {
                id: TaskId(index_u32(i)),
                name: meta.name.clone(),
                parent: meta.parent,
                created: Duration::ZERO,
                first_poll: None,
                end: None,
                outcome: None,
                polls: 0,
                wakes: 0,
                segments: Vec::new(),
            })
            .collect();
        let mut pending = vec![Pending::default(); spans.len()];
        for ev in &self.events {
            let idx = ev.task.0 as usize;
            let (Some(span), Some(p)) = (spans.get_mut(idx), pending.get_mut(idx)) else {
                continue;
            };
            match &ev.kind {
                EventKind::Created => {
                    span.created = ev.at;
                    open(span, ev.at, SegmentState::Created, None);
                }
                EventKind::PollStart => {
                    span.first_poll.get_or_insert(ev.at);
                    span.polls += 1;
                    open(span, ev.at, SegmentState::Polled, None);
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
                    open(span, ev.at, state, *site);
                }
                EventKind::PollEnd { ready: true, .. } => close(span, ev.at),
                EventKind::Woken { .. } => span.wakes += 1,
                EventKind::TimerArmed { .. } => p.timers = p.timers.saturating_add(1),
                EventKind::TimerFired | EventKind::TimerCancelled => p.timers = p.timers.saturating_sub(1),
                EventKind::PermitWaiting { .. } => p.permits = p.permits.saturating_add(1),
                EventKind::PermitAcquired { .. } | EventKind::PermitGaveUp { .. } => {
                    p.permits = p.permits.saturating_sub(1);
                }
                EventKind::RequestSent { .. } => p.requests = p.requests.saturating_add(1),
                EventKind::RequestAnswered { .. } | EventKind::RequestFailed { .. } | EventKind::RequestAborted => {
                    p.requests = p.requests.saturating_sub(1);
                }
                EventKind::Completed { outcome } => {
                    close(span, ev.at);
                    span.end = Some(ev.at);
                    span.outcome = Some(*outcome);
                    *p = Pending::default();
                }
                EventKind::PermitReleased { .. }
                | EventKind::RequestTiming { .. }
                | EventKind::Progress { .. }
                | EventKind::PermitRefused { .. }
                | EventKind::QueuePush { .. }
                | EventKind::QueuePop { .. }
                | EventKind::Attempt { .. }
                | EventKind::Backoff { .. }
                | EventKind::DeadlinePassed
                | EventKind::Log { .. }
                | EventKind::Overflow => {}
            }
        }
        spans
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
                last = last.max(ev.at);
            }
        }
        ended.iter().all(|e| *e).then_some(last)
    }

    /// How many tasks are in flight, as a step function: `(instant, count
    /// from then on)`, one entry per change. A task is in flight from its
    /// first poll to its end, except while it waits for a permit: a task
    /// queued at a semaphore has not been let in yet. A task that ends at the
    /// instant another starts does not overlap it.
    pub fn in_flight(&self) -> Vec<(Duration, u32)> {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum Life {
            New,
            /// In its first poll, which began at this instant.
            FirstPoll(Duration),
            Running,
            Queued,
            Ended,
        }
        let mut life = vec![Life::New; self.tasks.len()];
        let mut out: Vec<(Duration, u32)> = Vec::new();
        let mut now = 0u32;
        for ev in &self.events {
            let Some(state) = life.get_mut(ev.task.0 as usize) else {
                continue;
            };
            let (next, delta): (Life, i32) = match (&ev.kind, *state) {
                (EventKind::PollStart, Life::New) => (Life::FirstPoll(ev.at), 1),
                (EventKind::PollEnd { .. }, Life::FirstPoll(_)) => (Life::Running, 0),
                // Queued in its very first poll: it was never let in, so its
                // count is taken back from the instant that poll began (on a
                // real clock, the poll takes a few microseconds).
                (EventKind::PermitWaiting { .. }, Life::FirstPoll(since)) => {
                    for entry in out.iter_mut().rev().take_while(|(t, _)| *t >= since) {
                        entry.1 = entry.1.saturating_sub(1);
                    }
                    now = now.saturating_sub(1);
                    *state = Life::Queued;
                    continue;
                }
                (EventKind::PermitWaiting { .. }, Life::Running) => (Life::Queued, -1),
                (EventKind::PermitAcquired { .. } | EventKind::PermitGaveUp { .. }, Life::Queued) => (Life::Running, 1),
                (EventKind::Completed { .. }, Life::Running | Life::FirstPoll(_)) => (Life::Ended, -1),
                (EventKind::Completed { .. }, Life::New | Life::Queued) => (Life::Ended, 0),
                _ => continue,
            };
            *state = next;
            if delta == 0 {
                continue;
            }
            now = now.saturating_add_signed(delta);
            match out.last_mut() {
                Some(last) if last.0 == ev.at => last.1 = now,
                _ => out.push((ev.at, now)),
            }
        }
        out
    }

    /// The most tasks in flight at any one instant (see [`Trace::in_flight`];
    /// changes at one instant are netted, so back-to-back tasks count once).
    pub fn max_in_flight(&self) -> usize {
        self.in_flight().iter().map(|(_, n)| *n as usize).max().unwrap_or(0)
    }

    /// Every request, in the order they were sent.
    pub fn requests(&self) -> Vec<RequestSpan> {
        let mut out: Vec<RequestSpan> = Vec::new();
        // Per task, the requests it has in flight, oldest first.
        let mut open: std::collections::HashMap<TaskId, Vec<usize>> = Default::default();
        for ev in &self.events {
            let oldest = |open: &std::collections::HashMap<TaskId, Vec<usize>>| {
                open.get(&ev.task).and_then(|v| v.first().copied())
            };
            match &ev.kind {
                EventKind::RequestSent { what } => {
                    open.entry(ev.task).or_default().push(out.len());
                    out.push(RequestSpan {
                        task: ev.task,
                        what: what.clone(),
                        sent: ev.at,
                        ..RequestSpan::default()
                    });
                }
                EventKind::RequestTiming {
                    request_start,
                    queued,
                    connecting,
                    waiting,
                    receiving,
                } => {
                    if let Some(i) = oldest(&open) {
                        out[i].phases = Some([*queued, *connecting, *waiting, *receiving]);
                        out[i].on_wire = Some((*request_start, *request_start + *waiting + *receiving));
                    }
                }
                EventKind::Progress { done, total } => {
                    if let Some(i) = oldest(&open) {
                        out[i].progress = Some((*done, *total));
                    }
                }
                EventKind::RequestAnswered { .. } | EventKind::RequestFailed { .. } | EventKind::RequestAborted => {
                    if let Some(list) = open.get_mut(&ev.task)
                        && !list.is_empty()
                    {
                        let i = list.remove(0);
                        out[i].end = Some(ev.at);
                        match &ev.kind {
                            EventKind::RequestAnswered { status } => out[i].status = Some(*status),
                            EventKind::RequestFailed { error } => out[i].failed = Some(error.clone()),
                            _ => out[i].aborted = true,
                        }
                    }
                }
                EventKind::Completed { .. } => {
                    open.remove(&ev.task);
                }
                _ => {}
            }
        }
        out
    }

    /// The most requests on the wire at once, where the browser reported
    /// when each was (see [`RequestSpan::on_wire`]); 0 if none was.
    pub fn max_on_wire(&self) -> usize {
        on_wire_peak(&self.requests())
    }

    /// What each resource saw, indexed by [`ResourceId`].
    pub fn resource_stats(&self) -> Vec<ResourceStats> {
        let mut stats: Vec<ResourceStats> = (0..self.resources.len())
            .map(|i| ResourceStats {
                id: ResourceId(index_u32(i)),
                ..ResourceStats::default()
            })
            .collect();
        let mut in_use = vec![0u32; stats.len()];
        let mut waiting = vec![0u32; stats.len()];
        let mut waits: std::collections::HashMap<(TaskId, ResourceId), Duration> = Default::default();
        for ev in &self.events {
            match ev.kind {
                EventKind::PermitWaiting { resource } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        let w = &mut waiting[resource.0 as usize];
                        *w += 1;
                        s.max_waiting = s.max_waiting.max(*w);
                        waits.insert((ev.task, resource), ev.at);
                    }
                }
                EventKind::PermitAcquired { resource, .. } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.acquired += 1;
                        let u = &mut in_use[resource.0 as usize];
                        *u += 1;
                        s.max_in_use = s.max_in_use.max(*u);
                        if let Some(since) = waits.remove(&(ev.task, resource)) {
                            waiting[resource.0 as usize] = waiting[resource.0 as usize].saturating_sub(1);
                            let waited = ev.at.saturating_sub(since);
                            s.max_wait = s.max_wait.max(waited);
                            s.total_wait += waited;
                        }
                    }
                }
                EventKind::PermitReleased { resource, .. } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.released += 1;
                        in_use[resource.0 as usize] = in_use[resource.0 as usize].saturating_sub(1);
                    }
                }
                EventKind::PermitRefused { resource } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.refused += 1;
                    }
                }
                EventKind::PermitGaveUp { resource } if waits.remove(&(ev.task, resource)).is_some() => {
                    waiting[resource.0 as usize] = waiting[resource.0 as usize].saturating_sub(1);
                }
                EventKind::QueuePush { resource, depth } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.pushed += 1;
                        s.max_depth = s.max_depth.max(depth);
                    }
                }
                EventKind::QueuePop { resource, .. } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.popped += 1;
                    }
                }
                EventKind::Completed { .. } => {
                    // A task dropped while waiting stops waiting.
                    let gone: Vec<_> = waits.keys().filter(|(t, _)| *t == ev.task).copied().collect();
                    for key in gone {
                        waits.remove(&key);
                        waiting[key.1.0 as usize] = waiting[key.1.0 as usize].saturating_sub(1);
                    }
                }
                _ => {}
            }
        }
        stats
    }

    /// The versioned JSON form (see `ARCHITECTURE.md`, "Trace JSON").
    pub fn to_json(&self) -> String {
        let file = TraceFile {
            format: FORMAT.to_string(),
            version: FORMAT_VERSION,
            tasks: self.tasks.clone(),
            resources: self.resources.clone(),
            sites: self.sites.clone(),
            events: self.events.clone(),
            dropped: self.dropped,
        };
        serde_json::to_string(&file).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Reads the JSON form, refusing other formats and versions and checking
    /// the invariants (time order, known ids, one ending per task).
    pub fn from_json(text: &str) -> Result<Trace, JsonError> {
        let file: TraceFile = serde_json::from_str(text).map_err(|e| JsonError(e.to_string()))?;
        if file.format != FORMAT {
            return Err(JsonError(format!("format is {:?}, expected {FORMAT:?}", file.format)));
        }
        if file.version != FORMAT_VERSION {
            return Err(JsonError(format!(
                "version {} is not supported (this build reads version {FORMAT_VERSION})",
                file.version
            )));
        }
        let mut ended = vec![false; file.tasks.len()];
        let mut last = Duration::ZERO;
        for (i, ev) in file.events.iter().enumerate() {
            if ev.at < last {
                return Err(JsonError(format!("event {i} goes back in time")));
            }
            last = ev.at;
            let Some(done) = ended.get_mut(ev.task.0 as usize) else {
                return Err(JsonError(format!("event {i} names unknown task {}", ev.task.0)));
            };
            if *done && !matches!(ev.kind, EventKind::Overflow) {
                return Err(JsonError(format!("event {i} comes after its task ended")));
            }
            if let EventKind::Completed { .. } = ev.kind {
                *done = true;
            }
        }
        Ok(Trace {
            capacity: file.events.len().max(DEFAULT_CAPACITY),
            tasks: file.tasks,
            resources: file.resources,
            sites: file.sites,
            events: file.events,
            dropped: file.dropped,
        })
    }

    /// A plain-text rendering, one event a line, for tests and the terminal:
    /// `   1000ms job0 poll end: pending at line 12`.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for ev in &self.events {
            let _ = writeln!(
                out,
                "{:>7}ms {} {}",
                ev.at.as_millis(),
                self.task_name(ev.task),
                self.describe(&ev.kind)
            );
        }
        if self.dropped > 0 {
            let _ = writeln!(out, "({} events not kept: capacity {})", self.dropped, self.capacity);
        }
        out
    }

    /// One event's kind in words, as [`Trace::render_text`] prints it.
    pub fn describe(&self, kind: &EventKind) -> String {
        let at_site = |site: &Option<SiteId>| match site.and_then(|s| self.site(s)) {
            Some(s) => format!(" at line {}", s.line),
            None => String::new(),
        };
        match kind {
            EventKind::Created => "created".to_string(),
            EventKind::PollStart => "poll".to_string(),
            EventKind::PollEnd { ready: true, .. } => "poll end: ready".to_string(),
            EventKind::PollEnd { ready: false, site } => format!("poll end: pending{}", at_site(site)),
            EventKind::Woken { by } => match by {
                WakeCause::Timer => "woken by its timer".to_string(),
                WakeCause::Resource(r) => format!("woken by {}", self.resource_name(*r)),
                WakeCause::Request => "woken by its request".to_string(),
                WakeCause::Unknown => "woken".to_string(),
            },
            EventKind::TimerArmed { deadline } => format!("timer armed for {}ms", deadline.as_millis()),
            EventKind::TimerFired => "timer fired".to_string(),
            EventKind::TimerCancelled => "timer cancelled".to_string(),
            EventKind::PermitWaiting { resource } => format!("waits for {}", self.resource_name(*resource)),
            EventKind::PermitAcquired { resource, available } => {
                format!("acquired {} ({available} left)", self.resource_name(*resource))
            }
            EventKind::PermitReleased { resource, available } => {
                format!("released {} ({available} free)", self.resource_name(*resource))
            }
            EventKind::PermitGaveUp { resource } => format!("gave up waiting for {}", self.resource_name(*resource)),
            EventKind::PermitRefused { resource } => {
                format!("release refused by {}: above its limit", self.resource_name(*resource))
            }
            EventKind::QueuePush { resource, depth } => {
                format!("pushed to {} (depth {depth})", self.resource_name(*resource))
            }
            EventKind::QueuePop { resource, depth } => {
                format!("popped from {} (depth {depth})", self.resource_name(*resource))
            }
            EventKind::RequestSent { what } => format!("request {what}"),
            EventKind::RequestAnswered { status } => format!("response {status}"),
            EventKind::RequestFailed { error } => format!("request failed: {error}"),
            EventKind::RequestAborted => "request aborted".to_string(),
            EventKind::RequestTiming {
                queued,
                connecting,
                waiting,
                receiving,
                ..
            } => format!(
                "timing: queued {}ms, connecting {}ms, waiting {}ms, receiving {}ms",
                queued.as_millis(),
                connecting.as_millis(),
                waiting.as_millis(),
                receiving.as_millis()
            ),
            EventKind::Progress { done, total } => match total {
                Some(total) => format!("received {done} of {total} bytes"),
                None => format!("received {done} bytes"),
            },
            EventKind::Attempt { number } => format!("attempt {number}"),
            EventKind::Backoff { delay } => format!("backoff {}ms", delay.as_millis()),
            EventKind::DeadlinePassed => "deadline passed".to_string(),
            EventKind::Completed { outcome } => format!("completed: {}", outcome.as_str()),
            EventKind::Log { text } => format!("log: {text}"),
            EventKind::Overflow => "trace full: later events not kept".to_string(),
        }
    }
}

/// The most of `requests` on the wire at once (see [`Trace::max_on_wire`]),
/// for a caller that already has them.
pub fn on_wire_peak(requests: &[RequestSpan]) -> usize {
    let mut edges: Vec<(Duration, i32)> = Vec::new();
    for (a, b) in requests.iter().filter_map(|r| r.on_wire) {
        edges.push((a, 1));
        edges.push((b, -1));
    }
    // Ends sort before starts at the same instant.
    edges.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        max = max.max(now);
    }
    max as usize
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

/// `Duration` as whole microseconds in JSON.
mod micros {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_micros)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_task_queued_in_its_first_poll_never_counts_in_flight() {
        // On a real clock the events of one poll are microseconds apart.
        let us = Duration::from_micros;
        let mut t = Trace::new();
        let sem = t.add_resource("s", ResourceKind::Semaphore { permits: 1 });
        let (a, b) = (t.add_task("a"), t.add_task("b"));
        t.push(us(0), a, EventKind::Created);
        t.push(us(0), b, EventKind::Created);
        t.push(us(1), a, EventKind::PollStart);
        t.push(
            us(2),
            a,
            EventKind::PermitAcquired {
                resource: sem,
                available: 0,
            },
        );
        t.push(
            us(3),
            a,
            EventKind::PollEnd {
                ready: false,
                site: None,
            },
        );
        t.push(us(4), b, EventKind::PollStart);
        t.push(us(5), b, EventKind::PermitWaiting { resource: sem });
        t.push(
            us(6),
            b,
            EventKind::PollEnd {
                ready: false,
                site: None,
            },
        );
        t.push(
            us(100),
            a,
            EventKind::PermitReleased {
                resource: sem,
                available: 1,
            },
        );
        t.push(us(100), a, EventKind::Completed { outcome: Outcome::Ok });
        t.push(
            us(101),
            b,
            EventKind::PermitAcquired {
                resource: sem,
                available: 0,
            },
        );
        t.push(us(102), b, EventKind::Completed { outcome: Outcome::Ok });
        assert_eq!(t.max_in_flight(), 1, "{:?}", t.in_flight());
        assert_eq!(t.in_flight().last(), Some(&(us(102), 0)));
    }

    #[test]
    fn kind_names_are_the_json_tags() {
        let kinds = [
            EventKind::PollStart,
            EventKind::TimerFired,
            EventKind::Completed { outcome: Outcome::Ok },
            EventKind::Log { text: "x".into() },
        ];
        for kind in kinds {
            let json = serde_json::to_value(Event {
                at: Duration::ZERO,
                task: TaskId(0),
                kind: kind.clone(),
            })
            .expect("json");
            assert_eq!(json["kind"], kind.name());
            assert!(EventKind::NAMES.contains(&kind.name()));
        }
    }

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn pending() -> EventKind {
        EventKind::PollEnd {
            ready: false,
            site: None,
        }
    }

    fn ready() -> EventKind {
        EventKind::PollEnd {
            ready: true,
            site: None,
        }
    }

    #[test]
    fn spans_follow_polls_and_timers() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(5), a, EventKind::PollStart);
        t.push(ms(5), a, EventKind::TimerArmed { deadline: ms(100) });
        t.push(ms(6), a, pending());
        t.push(ms(100), a, EventKind::TimerFired);
        t.push(ms(101), a, EventKind::PollStart);
        t.push(ms(102), a, ready());
        t.push(ms(102), a, EventKind::Completed { outcome: Outcome::Ok });
        let spans = t.spans();
        assert_eq!(spans.len(), 1);
        let s = &spans[0];
        assert_eq!(
            (s.first_poll, s.end, s.outcome, s.polls),
            (Some(ms(5)), Some(ms(102)), Some(Outcome::Ok), 2)
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
    fn pending_states_name_what_is_awaited() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        let sem = t.add_resource("sem", ResourceKind::Semaphore { permits: 1 });
        t.push(ms(0), a, EventKind::PollStart);
        t.push(ms(0), a, EventKind::PermitWaiting { resource: sem });
        t.push(ms(0), a, pending());
        t.push(ms(10), a, EventKind::PollStart);
        t.push(
            ms(10),
            a,
            EventKind::PermitAcquired {
                resource: sem,
                available: 0,
            },
        );
        t.push(
            ms(10),
            a,
            EventKind::RequestSent {
                what: "GET /".to_string(),
            },
        );
        t.push(ms(10), a, pending());
        let states: Vec<_> = t.spans()[0].segments.iter().map(|s| s.state).collect();
        assert_eq!(
            states,
            [
                SegmentState::Polled,
                SegmentState::WaitingPermit,
                SegmentState::Polled,
                SegmentState::AwaitingIo
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
        assert_eq!(t.in_flight(), vec![(ms(0), 1), (ms(10), 1)]);
    }

    #[test]
    fn push_keeps_time_order() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(10), a, EventKind::Created);
        t.push(ms(3), a, EventKind::PollStart);
        assert_eq!(t.events()[1].at, ms(10));
    }

    #[test]
    fn until_is_the_run_as_it_was_then() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(0), a, EventKind::PollStart);
        t.push(ms(5), a, pending());
        t.push(ms(40), a, EventKind::PollStart);
        t.push(ms(41), a, EventKind::Completed { outcome: Outcome::Ok });
        let then = t.until(ms(5));
        assert_eq!(then.events().len(), 2, "events at the instant are included");
        assert_eq!(then.spans()[0].end, None, "not ended yet at 5 ms");
        assert_eq!(t.until(ms(41)).makespan(), Some(ms(41)));
    }

    #[test]
    fn overflow_is_marked_and_counted() {
        let mut t = Trace::with_capacity(3);
        let a = t.add_task("a");
        for i in 0..10 {
            t.push(ms(i), a, EventKind::PollStart);
        }
        assert_eq!(t.events().len(), 4);
        assert_eq!(t.events()[3].kind, EventKind::Overflow);
        assert_eq!(t.dropped(), 7);
        assert!(
            t.render_text().ends_with("(7 events not kept: capacity 3)\n"),
            "{}",
            t.render_text()
        );
    }

    #[test]
    fn json_round_trips_and_refuses_other_versions() {
        let mut t = Trace::new();
        let a = t.add_task("a");
        let site = t.add_site("demo.rs", 12);
        let sem = t.add_resource("sem", ResourceKind::Semaphore { permits: 2 });
        t.push(ms(0), a, EventKind::Created);
        t.push(
            ms(1),
            a,
            EventKind::PermitAcquired {
                resource: sem,
                available: 1,
            },
        );
        t.push(
            ms(1),
            a,
            EventKind::PollEnd {
                ready: false,
                site: Some(site),
            },
        );
        t.push(Duration::from_micros(1500), a, EventKind::Backoff { delay: ms(250) });
        let json = t.to_json();
        assert!(
            json.starts_with(r#"{"format":"asyncscope-trace","version":1,"#),
            "{json}"
        );
        assert!(
            json.contains(r#"{"at_us":1500,"task":0,"kind":"backoff","delay":250000}"#),
            "{json}"
        );
        let back = Trace::from_json(&json).expect("reads its own JSON");
        assert_eq!(back.events(), t.events());
        assert_eq!(back.sites(), t.sites());
        let newer = json.replace(r#""version":1"#, r#""version":2"#);
        let err = Trace::from_json(&newer).expect_err("refuses version 2");
        assert!(err.to_string().contains("version 2 is not supported"), "{err}");
        let unordered = json.replace(r#""at_us":1500"#, r#""at_us":0"#);
        assert!(Trace::from_json(&unordered).is_err());
    }

    #[test]
    fn resource_stats_count_waits_and_peaks() {
        let mut t = Trace::new();
        let (a, b) = (t.add_task("a"), t.add_task("b"));
        let sem = t.add_resource("sem", ResourceKind::Semaphore { permits: 1 });
        t.push(
            ms(0),
            a,
            EventKind::PermitAcquired {
                resource: sem,
                available: 0,
            },
        );
        t.push(ms(0), b, EventKind::PermitWaiting { resource: sem });
        t.push(
            ms(40),
            a,
            EventKind::PermitReleased {
                resource: sem,
                available: 1,
            },
        );
        t.push(
            ms(40),
            b,
            EventKind::PermitAcquired {
                resource: sem,
                available: 0,
            },
        );
        let s = &t.resource_stats()[0];
        assert_eq!((s.acquired, s.released, s.max_in_use, s.max_waiting), (2, 1, 1, 1));
        assert_eq!((s.max_wait, s.total_wait), (ms(40), ms(40)));
    }
}
