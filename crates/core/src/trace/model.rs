//! Ids, kinds and events, and the `Trace` that stores them in order.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Name;
use super::micros;

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
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    /// The lower-case name used in text renderings and the JSON form
    /// (derived from the variant's name by the same rule as serde's).
    pub fn as_str(self) -> &'static str {
        self.into()
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

/// What a task can be blocked on (see [`EventKind::Blocked`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    /// A resource: a queue, a lock, an event, a condition.
    Resource(ResourceId),
    /// Another task, joined through its handle.
    Task(TaskId),
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
    /// A lock (a mutex): held by one task at a time, recorded as a
    /// semaphore of one permit.
    Lock,
    /// An event: a flag that, once set, releases every waiter.
    Event,
    /// A condition: waiters wait for a notification.
    Condition,
}

/// The browser's Resource Timing figures for one request, as
/// [`EventKind::RequestTiming`] records them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestTimes {
    /// When the request went out on its connection (`requestStart`),
    /// on the trace's clock.
    #[serde(with = "micros")]
    pub request_start: Duration,
    /// Before it had a connection (the browser's queue included).
    #[serde(with = "micros")]
    pub queued: Duration,
    /// Opening a new connection (zero when one was reused).
    #[serde(with = "micros")]
    pub connecting: Duration,
    /// From sending the request to the first byte of the response.
    #[serde(with = "micros")]
    pub waiting: Duration,
    /// From the first byte to the last.
    #[serde(with = "micros")]
    pub receiving: Duration,
}

/// A time or a duration of a trace in whole nanoseconds: 8 bytes where a
/// `Duration` takes 16, so that an [`Event`] fits in 32. Anything longer
/// than 584 years saturates, and reads back as `Duration::MAX` (a sleep
/// for ever), so that it is written to JSON as it was before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nanos(u64);

impl Nanos {
    /// `self - earlier`, or zero if `earlier` is later.
    #[inline]
    pub(crate) fn saturating_sub(self, earlier: Nanos) -> Nanos {
        Nanos(self.0.saturating_sub(earlier.0))
    }

    /// As a `Duration` (`Duration::MAX` once saturated).
    pub fn get(self) -> Duration {
        if self.0 == u64::MAX {
            Duration::MAX
        } else {
            Duration::from_nanos(self.0)
        }
    }
}

impl From<Duration> for Nanos {
    #[inline]
    fn from(d: Duration) -> Self {
        // Seconds and nanoseconds in 64 bits: the same as `as_nanos` made
        // to fit, without its 128-bit arithmetic (a trace asks at every
        // event).
        Nanos(
            d.as_secs()
                .checked_mul(1_000_000_000)
                .and_then(|n| n.checked_add(u64::from(d.subsec_nanos())))
                .unwrap_or(u64::MAX),
        )
    }
}

/// The text of an event (a request's method and URL, an error, a log
/// line), behind one thin pointer, so that an [`Event`] fits in 32
/// bytes. Reads as a `&str`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[expect(
    clippy::box_collection,
    reason = "one pointer, not a String's three words: an event stays 32 bytes"
)]
pub struct Text(Box<String>);

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Box::new(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Box::new(s.to_owned()))
    }
}

/// How much of a body has arrived (see [`EventKind::Progress`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyProgress {
    /// Bytes so far.
    pub done: u64,
    /// Bytes in all, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// What happened, in one [`Event`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[strum_discriminants(
    name(Kind),
    doc = "An [`EventKind`] without its fields: what a filter or a legend names.",
    derive(Hash, PartialOrd, Ord, strum::IntoStaticStr, strum::EnumString, strum::VariantArray),
    strum(serialize_all = "snake_case")
)]
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
        /// The task being polled when its waker was called, if any: the
        /// task that released the permit, put or took the item, set the
        /// event, ended, or (itself) yielded. `None` for a timer's or a
        /// request's wake, which comes from the event loop.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<TaskId>,
    },
    /// The task armed a timer due at `deadline` (trace time).
    TimerArmed {
        /// When the timer is due, on the trace's clock.
        #[serde(with = "micros::nanos")]
        deadline: Nanos,
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
        what: Text,
    },
    /// The request got a response with this HTTP status.
    RequestAnswered {
        /// The HTTP status code.
        status: u16,
    },
    /// The request failed without a response.
    RequestFailed {
        /// Why, in words.
        error: Text,
    },
    /// The request was dropped before it ended (the browser aborts it).
    RequestAborted,
    /// The browser's Resource Timing figures for the request just answered
    /// (boxed: they are rare, and every other event would carry their
    /// size).
    RequestTiming(Box<RequestTimes>),
    /// Part of a body has arrived (boxed, as [`EventKind::RequestTiming`]
    /// is).
    Progress(Box<BodyProgress>),
    /// A retry loop starts attempt `number` (1 is the first try).
    Attempt {
        /// The attempt's number, from 1.
        number: u32,
    },
    /// A retry loop waits `delay` before the next attempt.
    Backoff {
        /// The delay, jitter included.
        #[serde(with = "micros::nanos")]
        delay: Nanos,
    },
    /// A timeout's deadline passed; the work it guarded is dropped.
    DeadlinePassed,
    /// The task ended.
    Completed {
        /// How it ended.
        outcome: Outcome,
    },
    /// The task waits on `on`, which records no waiting event of its own
    /// (a queue, a lock, an event, a condition, a task it joins), until an
    /// [`EventKind::Unblocked`] for the same thing.
    Blocked {
        /// What it waits on.
        on: Blocker,
    },
    /// The task no longer waits on `on` (it got it, or gave up).
    Unblocked {
        /// What it waited on.
        on: Blocker,
    },
    /// A line of text the task logged.
    Log {
        /// The text.
        text: Text,
    },
    /// The trace reached its capacity: the events after this one were not
    /// kept (their number is [`Trace::dropped`]).
    Overflow,
}

impl EventKind {
    /// This kind's name, as in the JSON form (`poll_start`, ...).
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// A wake by `by`, from no task.
    pub fn woken(by: WakeCause) -> Self {
        EventKind::Woken { by, from: None }
    }

    /// A poll that ended pending, at `site` if known.
    pub fn pending(site: Option<SiteId>) -> Self {
        EventKind::PollEnd { ready: false, site }
    }

    /// A poll that ended ready.
    pub fn ready() -> Self {
        EventKind::PollEnd {
            ready: true,
            site: None,
        }
    }

    /// This kind without its fields.
    pub fn kind(&self) -> Kind {
        self.into()
    }
}

/// The kinds fit in a `u64`, a bit each (the log's kind menu marks them so).
const _: () = assert!(<Kind as strum::VariantArray>::VARIANTS.len() <= 64);

impl Kind {
    /// Every kind, in declaration order (fewer than 64).
    pub fn all() -> &'static [Kind] {
        <Kind as strum::VariantArray>::VARIANTS
    }

    /// Its name, as in the trace's JSON (`poll_start`, ...).
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The kind named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Kind> {
        name.parse().ok()
    }

    /// Its name in words, for a menu: `poll end`, or in Simplified
    /// Chinese (`zh`) `轮询结束`, in the words the trace's text uses.
    pub fn label(self, zh: bool) -> &'static str {
        let (en, cn) = match self {
            Kind::Created => ("created", "已创建"),
            Kind::PollStart => ("poll start", "轮询开始"),
            Kind::PollEnd => ("poll end", "轮询结束"),
            Kind::Woken => ("woken", "被唤醒"),
            Kind::TimerArmed => ("timer armed", "设定定时器"),
            Kind::TimerFired => ("timer fired", "定时器触发"),
            Kind::TimerCancelled => ("timer cancelled", "定时器已取消"),
            Kind::PermitWaiting => ("permit waiting", "等待许可"),
            Kind::PermitAcquired => ("permit acquired", "获得许可"),
            Kind::PermitReleased => ("permit released", "归还许可"),
            Kind::PermitGaveUp => ("permit gave up", "放弃等待许可"),
            Kind::PermitRefused => ("permit refused", "拒绝超出上限的释放"),
            Kind::QueuePush => ("queue push", "放入队列"),
            Kind::QueuePop => ("queue pop", "从队列取出"),
            Kind::RequestSent => ("request sent", "发出请求"),
            Kind::RequestAnswered => ("request answered", "请求已响应"),
            Kind::RequestFailed => ("request failed", "请求失败"),
            Kind::RequestAborted => ("request aborted", "请求已中止"),
            Kind::RequestTiming => ("request timing", "请求计时"),
            Kind::Progress => ("progress", "接收进度"),
            Kind::Attempt => ("attempt", "尝试"),
            Kind::Backoff => ("backoff", "退避"),
            Kind::DeadlinePassed => ("deadline passed", "已过截止时间"),
            Kind::Completed => ("completed", "结束"),
            Kind::Blocked => ("blocked", "开始等待"),
            Kind::Unblocked => ("unblocked", "不再等待"),
            Kind::Log => ("log", "日志"),
            Kind::Overflow => ("overflow", "轨迹已满"),
        };
        if zh { cn } else { en }
    }
}

/// One entry of the log: at [`Event::at`] (since the trace's origin),
/// `task` did `kind`. 32 bytes (`an_event_stays_small`): a trace holds up
/// to a million of them, and recording one is mostly writing it out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Time since the trace's origin.
    #[serde(rename = "at_us", with = "micros::nanos")]
    at: Nanos,
    /// The task it concerns.
    pub task: TaskId,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// `task` did `kind` at `at`.
    pub fn new(at: Duration, task: TaskId, kind: EventKind) -> Self {
        Event {
            at: at.into(),
            task,
            kind,
        }
    }

    /// Time since the trace's origin.
    pub fn at(&self) -> Duration {
        self.at.get()
    }
}

/// What is known of a task besides its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMeta {
    /// The name the demo gave it (`job0`, `A`, ...).
    pub name: Name,
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
///
/// Two traces compare equal when their contents are (their lineages
/// aside); the fields are compared counts first, then events, so that two
/// copies of one run taken at different lengths differ at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// Which recording it is a copy of: not part of its value.
    pub(super) lineage: Lineage,
    pub(super) dropped: u64,
    pub(super) refused: u64,
    pub(super) clamped: u64,
    pub(super) capacity: usize,
    pub(super) events: Vec<Event>,
    pub(super) tasks: Vec<TaskMeta>,
    pub(super) resources: Vec<ResourceMeta>,
    pub(super) sites: Vec<Site>,
    /// Its instants read as a day and a clock time (the run starts at
    /// midnight of day 1), not as time since the start: the periodic
    /// demo's daily schedule. Kept in memory for the views; the JSON keeps
    /// plain times.
    pub(super) day_clock: bool,
}

/// Which recording a [`Trace`] is a copy of. A new trace (made, read from
/// JSON) starts a lineage of its own; its copies and its cuts
/// ([`Trace::until`]) share it, so a trace of a lineage holds, as a
/// prefix, the events of every shorter trace of that lineage (a trace
/// only grows). Not part of a trace's value: two traces with the same
/// contents are equal whatever their lineages.
#[derive(Clone, Copy, Debug)]
pub struct Lineage(u64);

impl Lineage {
    /// A lineage no other trace has.
    pub(super) fn fresh() -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// Whether `self` and `other` are the same lineage.
    pub fn is(self, other: Lineage) -> bool {
        self.0 == other.0
    }
}

impl PartialEq for Lineage {
    /// Always: a trace's lineage is not part of its value.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Lineage {}

impl Default for Trace {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

pub(super) fn index_u32(len: usize) -> u32 {
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
            lineage: Lineage::fresh(),
            tasks: Vec::new(),
            resources: Vec::new(),
            sites: Vec::new(),
            events: Vec::new(),
            capacity: capacity.max(1),
            dropped: 0,
            refused: 0,
            clamped: 0,
            day_clock: false,
        }
    }

    /// Makes its instants read as a day and a clock time (see
    /// [`Trace::at_label`]).
    pub fn set_day_clock(&mut self) {
        self.day_clock = true;
    }

    /// Whether its instants read as a day and a clock time.
    pub fn day_clock(&self) -> bool {
        self.day_clock
    }

    /// The instant `at` of this run as a person reads it: time since the
    /// start in human units ([`crate::trace::human`]: `2.5 s`), or, for a
    /// run on a day clock, the day and the clock time (`day 2, 09:00`, in
    /// Chinese `第 2 天 09:00`; seconds only when there are some).
    pub fn at_label(&self, at: Duration, zh: bool) -> String {
        if !self.day_clock {
            return super::human(at);
        }
        let secs = at.as_secs();
        let (day, rest) = (secs / 86_400 + 1, secs % 86_400);
        let (h, m, s) = (rest / 3600, rest / 60 % 60, rest % 60);
        let clock = if s == 0 {
            format!("{h:02}:{m:02}")
        } else {
            format!("{h:02}:{m:02}:{s:02}")
        };
        if zh {
            format!("第 {day} 天 {clock}")
        } else {
            format!("day {day}, {clock}")
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
            name: Name::from(name.into()),
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
    /// it, so the log stays ordered, and counted in [`Trace::clamped`]: a
    /// clock that went back is reported, not hidden. Past the capacity, the
    /// first extra event becomes the overflow marker and the rest are
    /// counted in [`Trace::dropped`].
    #[inline(always)]
    pub fn push(&mut self, at: Duration, task: TaskId, kind: EventKind) {
        self.push_at(Nanos::from(at), task, kind);
    }

    /// [`Trace::push`] at a time already in nanoseconds.
    #[inline(always)]
    pub(crate) fn push_at(&mut self, at: Nanos, task: TaskId, kind: EventKind) {
        let at = match self.events.last() {
            Some(last) if at < last.at => {
                self.clamped += 1;
                last.at
            }
            _ => at,
        };
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

    /// Counts an event that was refused because its task had already ended
    /// (or was never registered): nothing follows a task's end, and what
    /// was refused is counted in [`Trace::refused`], not lost silently.
    pub fn refuse(&mut self) {
        self.refused += 1;
    }

    /// Events refused because their task had ended (see [`Trace::refuse`]).
    pub fn refused(&self) -> u64 {
        self.refused
    }

    /// Events that came with a time earlier than the event before them (a
    /// clock that went back) and were recorded at that event's time.
    pub fn clamped(&self) -> u64 {
        self.clamped
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

    /// Which recording it is a copy of (see [`Lineage`]).
    pub fn lineage(&self) -> Lineage {
        self.lineage
    }

    /// Makes this trace equal to `source`: by appending what `source`
    /// recorded since, when `source` is this trace grown (see
    /// [`Trace::catch_up_to`]); otherwise by copying it. For a live view
    /// that keeps its copy of a run up to date at the cost of what is new.
    /// True when it took in only the difference.
    pub fn catch_up(&mut self, source: &Trace) -> bool {
        self.catch_up_to(source, source.events.len())
    }

    /// Makes this trace `source.prefix(n)`: when both are copies of one
    /// recording (the same [`Lineage`], this one's tables no longer, its
    /// last event where `source` has it), by appending the events it lacks
    /// or dropping those past `n`, at the cost of the difference; otherwise
    /// by copying. For a replay's playhead, which mostly moves a little at
    /// a time. True when it took in only the difference.
    ///
    /// A lineage assumes its copies are only read or caught up, never
    /// pushed to: two copies each pushed a different event would pass
    /// for one recording but for the check of the last event.
    pub fn catch_up_to(&mut self, source: &Trace, n: usize) -> bool {
        let n = n.min(source.events.len());
        let last = self.events.len().checked_sub(1);
        let related = self.lineage.is(source.lineage)
            && self.tasks.len() <= source.tasks.len()
            && self.resources.len() <= source.resources.len()
            && self.sites.len() <= source.sites.len()
            && (self.dropped == 0 || self.events.len() == source.events.len())
            && last.is_none_or(|i| source.events.get(i) == self.events.get(i));
        if !related {
            *self = source.prefix(n);
            return false;
        }
        if self.events.len() > n {
            self.events.truncate(n);
        } else {
            self.events.extend_from_slice(&source.events[self.events.len()..n]);
        }
        self.tasks.extend_from_slice(&source.tasks[self.tasks.len()..]);
        self.resources
            .extend_from_slice(&source.resources[self.resources.len()..]);
        self.sites.extend_from_slice(&source.sites[self.sites.len()..]);
        self.capacity = source.capacity;
        self.dropped = if n == source.events.len() { source.dropped } else { 0 };
        self.refused = source.refused;
        self.clamped = source.clamped;
        self.day_clock = source.day_clock;
        true
    }

    /// The trace cut at `at`: the events up to and including that instant,
    /// as the run looked then.
    pub fn until(&self, at: Duration) -> Trace {
        let at = Nanos::from(at);
        self.prefix(self.events.partition_point(|e| e.at <= at))
    }

    /// The trace after its first `n` events (all of them if it has fewer):
    /// what a live copy of the run held then, tasks and resources
    /// registered later aside.
    pub fn prefix(&self, n: usize) -> Trace {
        let end = n.min(self.events.len());
        Trace {
            lineage: self.lineage,
            tasks: self.tasks.clone(),
            resources: self.resources.clone(),
            sites: self.sites.clone(),
            events: self.events[..end].to_vec(),
            capacity: self.capacity,
            dropped: if end == self.events.len() { self.dropped } else { 0 },
            refused: self.refused,
            clamped: self.clamped,
            day_clock: self.day_clock,
        }
    }
}
