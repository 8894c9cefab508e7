//! What every pending task is waiting on, at any instant of a run: a
//! derived view of the trace, like the spans.
//!
//! A [`WaitTracker`] reads the events in order and keeps, per task, what
//! its last poll left it waiting on: its timers, a permit it asked for, a
//! request in flight or a body being read, a resource it is blocked on
//! ([`EventKind::Blocked`]: a queue, a lock, an event, a condition, a task
//! it joins), and the futures it polls itself (child tasks whose last poll
//! ran inside one of its polls). [`Trace::waits_at`] runs one to an
//! instant; the page and the command line render the result as chains
//! (`main → gather → [A, C]`, `A → timer (fires at 300 ms)`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use super::model::{Blocker, EventKind, ResourceId, ResourceKind, TaskId, Trace};

/// One thing a pending task waits on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitOn {
    /// Its own timer, due at `deadline`.
    Timer {
        /// When it fires, on the trace's clock.
        deadline: Duration,
    },
    /// A permit of a semaphore or limit.
    Permit {
        /// The semaphore.
        resource: ResourceId,
        /// Its place in the line of waiters (1 is next).
        place: usize,
        /// How many wait in all.
        waiting: usize,
        /// The tasks holding permits now (one entry per permit).
        holders: Vec<TaskId>,
    },
    /// A request in flight, before its response.
    Request {
        /// `GET /api/delay/300`.
        what: String,
        /// When it was sent.
        sent: Duration,
        /// True while the browser still queues it for a connection (known
        /// from the request's timing, recorded when it was answered).
        queued: bool,
        /// While it is queued, how many of the run's requests are on the
        /// wire (they hold the connections it waits for).
        ahead: usize,
    },
    /// The body of a response, arriving.
    Body {
        /// Bytes so far.
        done: u64,
        /// Bytes in all, if known.
        total: Option<u64>,
    },
    /// A queue it wants to take from (empty) or put into (full).
    Queue {
        /// The queue.
        resource: ResourceId,
        /// Items in it now.
        depth: u32,
        /// Its bound, if any.
        capacity: Option<u32>,
    },
    /// A lock someone else holds.
    Lock {
        /// The lock.
        resource: ResourceId,
        /// Who holds it, if known.
        holder: Option<TaskId>,
    },
    /// An event that is not set yet, or a condition not notified yet.
    Signal {
        /// The event or condition.
        resource: ResourceId,
    },
    /// A task it polls itself (a future of a `join_all`, a `select`, a
    /// `timeout`), or one it joins: see that task's own wait.
    Task(TaskId),
}

/// A pending task and what it waits on. `on` is empty when nothing in the
/// trace says (an unknown wait: the table test keeps their number at 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    /// The task.
    pub task: TaskId,
    /// Woken already, waiting for its turn to be polled.
    pub woken: bool,
    /// What it waits on.
    pub on: Vec<WaitOn>,
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Phase {
    #[default]
    Created,
    Polling,
    Pending,
    /// Being dropped: what it held is let go (timers cancelled, requests
    /// aborted, permits given back) before its end is recorded.
    Dropping,
    Ended,
}

#[derive(Default)]
struct TaskState {
    phase: Phase,
    woken: bool,
    timers: Vec<Duration>,
    permits: Vec<ResourceId>,
    requests: Vec<(String, Duration, Option<Duration>)>,
    body: Option<(u64, Option<u64>)>,
    blocked: Vec<Blocker>,
    /// The task whose poll its last poll ran inside.
    poller: Option<TaskId>,
}

/// Reads a trace's events in order and knows, after each, what every
/// pending task waits on.
pub struct WaitTracker<'a> {
    trace: &'a Trace,
    next: usize,
    tasks: Vec<TaskState>,
    stack: Vec<TaskId>,
    /// Permit waiters in line, per semaphore.
    lines: HashMap<ResourceId, Line>,
    holders: HashMap<ResourceId, Vec<TaskId>>,
    depths: HashMap<ResourceId, u32>,
    /// When each request's task got its connection, by the index of its
    /// `RequestSent` (from the timing recorded when it was answered).
    started: HashMap<usize, Duration>,
    /// Per task, the tasks whose last poll ran inside one of its polls and
    /// which have not ended.
    children: HashMap<TaskId, BTreeSet<TaskId>>,
    /// When each open request got (or will get) its connection, if known.
    wire: Vec<Duration>,
}

impl std::fmt::Debug for WaitTracker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitTracker")
            .field("position", &self.next)
            .finish_non_exhaustive()
    }
}

/// The waiters of one semaphore, in the order they came: each takes the
/// next ticket, and a waiter's place is how many tickets up to its own are
/// still waiting (a Fenwick tree over the tickets), so that a place is
/// found in `log n` even with thousands in line.
#[derive(Default)]
struct Line {
    /// Ticket counts, 1-based.
    tree: Vec<i32>,
    /// Before the walk: how many waiting events the trace has for it.
    size: usize,
    next: usize,
    count: usize,
    ticket: HashMap<TaskId, usize>,
}

impl Line {
    fn with_room(size: usize) -> Self {
        Line {
            tree: vec![0; size + 1],
            ..Line::default()
        }
    }

    fn add(&mut self, mut i: usize, delta: i32) {
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += i & i.wrapping_neg();
        }
    }

    fn join(&mut self, t: TaskId) {
        self.next += 1;
        if self.next >= self.tree.len() {
            // More waits than the look-ahead counted (not for a trace's
            // own events): grow, keeping the counts.
            let tickets: Vec<usize> = self.ticket.values().copied().collect();
            self.tree = vec![0; (self.next + 1) * 2];
            for k in tickets {
                self.add(k, 1);
            }
        }
        self.add(self.next, 1);
        self.count += 1;
        if let Some(old) = self.ticket.insert(t, self.next) {
            self.add(old, -1);
            self.count -= 1;
        }
    }

    fn leave(&mut self, t: TaskId) {
        if let Some(k) = self.ticket.remove(&t) {
            self.add(k, -1);
            self.count -= 1;
        }
    }

    fn place(&self, t: TaskId) -> Option<usize> {
        let mut i = *self.ticket.get(&t)?;
        let mut sum = 0i32;
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        usize::try_from(sum).ok()
    }
}

impl<'a> WaitTracker<'a> {
    /// A tracker before the first event of `trace`.
    pub fn new(trace: &'a Trace) -> Self {
        // The timing of a request comes with its answer; look ahead once
        // so that a wait before it can say "queued".
        let mut started = HashMap::new();
        let mut open: HashMap<TaskId, Vec<usize>> = HashMap::new();
        // Each semaphore's line holds at most as many waiters as it has
        // waiting events.
        let mut lines: HashMap<ResourceId, Line> = HashMap::new();
        for (i, e) in trace.events().iter().enumerate() {
            match &e.kind {
                EventKind::PermitWaiting { resource } => lines.entry(*resource).or_default().size += 1,
                EventKind::RequestSent { .. } => open.entry(e.task).or_default().push(i),
                EventKind::RequestTiming(t) => {
                    if let Some(i) = open
                        .get_mut(&e.task)
                        .and_then(|v| if v.is_empty() { None } else { Some(v.remove(0)) })
                    {
                        started.insert(i, t.request_start);
                    }
                }
                EventKind::RequestAnswered { .. } | EventKind::RequestFailed { .. } | EventKind::RequestAborted => {
                    // Answered without timing: nothing to look ahead to.
                }
                _ => {}
            }
        }
        Self {
            trace,
            next: 0,
            tasks: (0..trace.tasks().len()).map(|_| TaskState::default()).collect(),
            stack: Vec::new(),
            lines: lines.into_iter().map(|(r, l)| (r, Line::with_room(l.size))).collect(),
            holders: HashMap::new(),
            depths: HashMap::new(),
            started,
            children: HashMap::new(),
            wire: Vec::new(),
        }
    }

    /// How many events have been read.
    pub fn position(&self) -> usize {
        self.next
    }

    /// Reads events up to and including the last one at or before `at`.
    pub fn advance_to(&mut self, at: Duration) {
        while self.trace.events().get(self.next).is_some_and(|e| e.at() <= at) {
            self.step();
        }
    }

    /// Reads one more event; false at the end.
    pub fn step(&mut self) -> bool {
        let Some(e) = self.trace.events().get(self.next) else {
            return false;
        };
        let index = self.next;
        self.next += 1;
        let t = e.task;
        let Some(state) = self.tasks.get_mut(t.0 as usize) else {
            return true;
        };
        // A pending task that lets go of something outside its own poll is
        // being dropped (cancelled), not waiting.
        let letting_go = matches!(
            e.kind,
            EventKind::TimerCancelled
                | EventKind::RequestAborted
                | EventKind::PermitGaveUp { .. }
                | EventKind::PermitReleased { .. }
                | EventKind::Unblocked { .. }
        );
        if letting_go && state.phase == Phase::Pending && self.stack.last() != Some(&t) {
            state.phase = Phase::Dropping;
        }
        match &e.kind {
            EventKind::PollStart => {
                state.phase = Phase::Polling;
                state.woken = false;
                let poller = self.stack.last().copied();
                if state.poller != poller {
                    if let Some(old) = state.poller
                        && let Some(set) = self.children.get_mut(&old)
                    {
                        set.remove(&t);
                    }
                    if let Some(new) = poller {
                        self.children.entry(new).or_default().insert(t);
                    }
                    state.poller = poller;
                }
                self.stack.push(t);
            }
            EventKind::PollEnd { ready, .. } => {
                if !ready {
                    state.phase = Phase::Pending;
                }
                if self.stack.last() == Some(&t) {
                    self.stack.pop();
                }
            }
            EventKind::Woken { .. } => state.woken = true,
            EventKind::TimerArmed { deadline } => state.timers.push(deadline.get()),
            EventKind::TimerFired => {
                if let Some(i) = (0..state.timers.len()).min_by_key(|&i| state.timers[i]) {
                    state.timers.remove(i);
                }
            }
            EventKind::TimerCancelled => {
                state.timers.pop();
            }
            EventKind::PermitWaiting { resource } => {
                state.permits.push(*resource);
                self.lines
                    .entry(*resource)
                    .or_insert_with(|| Line::with_room(0))
                    .join(t);
            }
            EventKind::PermitAcquired { resource, .. } | EventKind::PermitGaveUp { resource } => {
                state.permits.retain(|r| r != resource);
                if let Some(line) = self.lines.get_mut(resource) {
                    line.leave(t);
                }
                if matches!(e.kind, EventKind::PermitAcquired { .. }) {
                    self.holders.entry(*resource).or_default().push(t);
                }
            }
            EventKind::PermitReleased { resource, .. } => {
                let holders = self.holders.entry(*resource).or_default();
                match holders.iter().position(|h| *h == t) {
                    Some(i) => {
                        holders.remove(i);
                    }
                    None if !holders.is_empty() => {
                        holders.remove(0);
                    }
                    None => {}
                }
            }
            EventKind::QueuePush { resource, depth } | EventKind::QueuePop { resource, depth } => {
                self.depths.insert(*resource, *depth);
            }
            EventKind::RequestSent { what } => {
                let start = self.started.get(&index).copied();
                state.requests.push((what.to_string(), e.at(), start));
                if let Some(start) = start {
                    self.wire.push(start);
                }
            }
            EventKind::RequestAnswered { .. } | EventKind::RequestFailed { .. } | EventKind::RequestAborted
                if !state.requests.is_empty() =>
            {
                if let (_, _, Some(start)) = state.requests.remove(0)
                    && let Some(i) = self.wire.iter().position(|w| *w == start)
                {
                    self.wire.swap_remove(i);
                }
            }
            EventKind::Progress(p) => {
                state.body = match p.total {
                    Some(total) if p.done >= total => None,
                    _ => Some((p.done, p.total)),
                };
            }
            EventKind::Blocked { on } => state.blocked.push(*on),
            EventKind::Unblocked { on } => state.blocked.retain(|b| b != on),
            EventKind::Completed { .. } => {
                let poller = state.poller;
                for r in std::mem::take(&mut state.permits) {
                    if let Some(line) = self.lines.get_mut(&r) {
                        line.leave(t);
                    }
                }
                *state = TaskState {
                    phase: Phase::Ended,
                    ..TaskState::default()
                };
                if let Some(p) = poller {
                    if let Some(set) = self.children.get_mut(&p) {
                        set.remove(&t);
                    }
                    // Only its poller drops a future it polls: outside the
                    // poller's poll, the poller is being dropped too.
                    if !self.stack.contains(&p)
                        && let Some(ps) = self.tasks.get_mut(p.0 as usize)
                        && ps.phase == Phase::Pending
                    {
                        ps.phase = Phase::Dropping;
                    }
                }
                if self.stack.last() == Some(&t) {
                    self.stack.pop();
                }
            }
            _ => {}
        }
        true
    }

    /// Every pending task and what it waits on, in task order.
    pub fn waits(&self) -> Vec<Wait> {
        (0..self.tasks.len())
            .filter_map(|i| self.wait(TaskId(i as u32)))
            .collect()
    }

    /// What `task` waits on now, if it is pending.
    pub fn wait(&self, task: TaskId) -> Option<Wait> {
        let s = self.tasks.get(task.0 as usize)?;
        if s.phase != Phase::Pending {
            return None;
        }
        let children: Vec<TaskId> = self
            .children
            .get(&task)
            .map_or_else(Vec::new, |c| c.iter().copied().collect());
        Some(Wait {
            task,
            woken: s.woken,
            on: self.wait_of(task, s, &children),
        })
    }

    /// The task whose poll `task`'s last poll ran inside, if any.
    pub fn poller(&self, task: TaskId) -> Option<TaskId> {
        self.tasks.get(task.0 as usize)?.poller
    }

    fn wait_of(&self, task: TaskId, s: &TaskState, children: &[TaskId]) -> Vec<WaitOn> {
        let now = self
            .trace
            .events()
            .get(self.next.saturating_sub(1))
            .map_or(Duration::ZERO, |e| e.at());
        let mut on = Vec::new();
        if let Some(&deadline) = s.timers.iter().min() {
            on.push(WaitOn::Timer { deadline });
        }
        for r in &s.permits {
            if matches!(
                self.trace.resources().get(r.0 as usize).map(|m| m.kind),
                Some(ResourceKind::Lock)
            ) {
                on.push(WaitOn::Lock {
                    resource: *r,
                    holder: self.holders.get(r).and_then(|h| h.first().copied()),
                });
                continue;
            }
            let line = self.lines.get(r);
            on.push(WaitOn::Permit {
                resource: *r,
                place: line.and_then(|l| l.place(task)).unwrap_or(0),
                waiting: line.map_or(0, |l| l.count),
                holders: self.holders.get(r).cloned().unwrap_or_default(),
            });
        }
        for (what, sent, start) in &s.requests {
            let queued = start.is_some_and(|st| now < st);
            on.push(WaitOn::Request {
                what: what.clone(),
                sent: *sent,
                queued,
                // The open requests that already have their connection.
                ahead: if queued {
                    self.wire.iter().filter(|w| **w <= now).count()
                } else {
                    0
                },
            });
        }
        if s.requests.is_empty()
            && let Some((done, total)) = s.body
        {
            on.push(WaitOn::Body { done, total });
        }
        for b in &s.blocked {
            on.push(match *b {
                Blocker::Task(t) => WaitOn::Task(t),
                Blocker::Resource(r) => match self.trace.resources().get(r.0 as usize).map(|m| m.kind) {
                    Some(ResourceKind::Queue { capacity }) => WaitOn::Queue {
                        resource: r,
                        depth: self.depths.get(&r).copied().unwrap_or(0),
                        capacity,
                    },
                    Some(ResourceKind::Lock) => WaitOn::Lock {
                        resource: r,
                        holder: self.holders.get(&r).and_then(|h| h.first().copied()),
                    },
                    _ => WaitOn::Signal { resource: r },
                },
            });
        }
        let joined: HashSet<TaskId> = on
            .iter()
            .filter_map(|w| if let WaitOn::Task(t) = w { Some(*t) } else { None })
            .collect();
        on.extend(
            children
                .iter()
                .filter(|c| !joined.contains(c))
                .map(|c| WaitOn::Task(*c)),
        );
        on
    }
}

impl Trace {
    /// What every task pending at `at` waits on (see [`WaitTracker`]).
    pub fn waits_at(&self, at: Duration) -> Vec<Wait> {
        let mut tracker = WaitTracker::new(self);
        tracker.advance_to(at);
        tracker.waits()
    }

    /// What `task` waits on at `at`, as a chain down to the leaves, in
    /// English or (with `zh`) Chinese; `None` if it is not pending then.
    ///
    /// `task7 → semaphore "semaphore" (permit, 4th in line, 3 held by
    /// task0, task1, task2)`; a task that polls others lists them, each
    /// with its own wait, one level down per ` → `.
    pub fn wait_text(&self, task: TaskId, at: Duration, zh: bool) -> Option<String> {
        let waits = self.waits_at(at);
        let by_task: HashMap<TaskId, &Wait> = waits.iter().map(|w| (w.task, w)).collect();
        let root = by_task.get(&task)?;
        let mut out = String::new();
        self.chain(root, &by_task, zh, 0, &mut out);
        Some(out)
    }

    /// [`Trace::wait_text`] of every task pending at `at`, in task order:
    /// what `asyncscope run … --at MS` prints.
    pub fn waits_text_at(&self, at: Duration, zh: bool) -> Vec<(TaskId, String)> {
        let waits = self.waits_at(at);
        waits.iter().map(|w| w.task).zip(self.chains(&waits, zh)).collect()
    }

    /// The chain of each of `waits` (all the waits of one instant, as
    /// [`Trace::waits_at`] gives them), in their order.
    pub fn chains(&self, waits: &[Wait], zh: bool) -> Vec<String> {
        let by_task: HashMap<TaskId, &Wait> = waits.iter().map(|w| (w.task, w)).collect();
        waits
            .iter()
            .map(|w| {
                let mut out = String::new();
                self.chain(w, &by_task, zh, 0, &mut out);
                out
            })
            .collect()
    }

    /// For each `(task, instant)` asked, what the task waits on then, in
    /// one line naming its leaves and the tasks it polls or joins (one
    /// level, no chain), `[English, Chinese]`; `None` where it is not
    /// pending. One pass over the events: the timeline's tooltip of each
    /// waiting segment.
    pub fn waits_at_each(&self, asked: &[(TaskId, Duration)]) -> Vec<Option<[String; 2]>> {
        self.waits_of_each(asked)
            .into_iter()
            .map(|w| w.map(|w| [self.wait_line(&w, false), self.wait_line(&w, true)]))
            .collect()
    }

    /// For each `(task, instant)` asked, what the task waits on then
    /// (`None` where it is not pending), in one pass over the events: the
    /// [`Wait`]s behind [`Trace::waits_at_each`]'s lines, for a caller that
    /// words only the few it shows ([`Trace::wait_line`]).
    pub fn waits_of_each(&self, asked: &[(TaskId, Duration)]) -> Vec<Option<Wait>> {
        let mut each = WaitsOfEach::new(self, asked.to_vec());
        while each.step(usize::MAX) {}
        each.finish().1
    }
}

/// [`Trace::waits_of_each`] a stretch at a time, for a caller that must
/// not hold its thread for the whole (the page, after a run of a million
/// events): [`WaitsOfEach::step`] answers the next instants asked, in time
/// order, [`WaitsOfEach::finish`] the rest.
pub struct WaitsOfEach<'a> {
    asked: Vec<(TaskId, Duration)>,
    /// Indices of `asked` in time order, and how many are answered.
    order: Vec<usize>,
    done: usize,
    out: Vec<Option<Wait>>,
    /// Made at the first step: making it reads the whole trace once.
    tracker: Option<WaitTracker<'a>>,
    trace: &'a Trace,
}

impl std::fmt::Debug for WaitsOfEach<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitsOfEach")
            .field("asked", &self.asked.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<'a> WaitsOfEach<'a> {
    /// Before answering `asked`, `(task, instant)` pairs of `trace`.
    pub fn new(trace: &'a Trace, asked: Vec<(TaskId, Duration)>) -> Self {
        let mut order: Vec<usize> = (0..asked.len()).collect();
        order.sort_by_key(|&i| asked[i].1);
        let out = vec![None; asked.len()];
        WaitsOfEach {
            asked,
            order,
            done: 0,
            out,
            tracker: None,
            trace,
        }
    }

    /// The first step makes the tracker (a pass over the trace); each
    /// after answers up to `n` more instants (at least one). False (and nothing done) once
    /// every instant is answered. Not inlined, as
    /// [`WarningPasses::step`](super::WarningPasses::step).
    #[inline(never)]
    pub fn step(&mut self, n: usize) -> bool {
        let Some(tracker) = &mut self.tracker else {
            self.tracker = Some(WaitTracker::new(self.trace));
            return true;
        };
        if self.done == self.order.len() {
            return false;
        }
        let end = self.done.saturating_add(n.max(1)).min(self.order.len());
        for &i in &self.order[self.done..end] {
            let (task, at) = self.asked[i];
            tracker.advance_to(at);
            self.out[i] = tracker.wait(task);
        }
        self.done = end;
        true
    }

    /// The instants left answered, then what was asked and, for each, what
    /// its task waits on then (`None` where it is not pending).
    pub fn finish(mut self) -> (Vec<(TaskId, Duration)>, Vec<Option<Wait>>) {
        while self.step(usize::MAX) {}
        (self.asked, self.out)
    }
}

impl Trace {
    /// One level of `w` (a wait of this trace) in one line, in Simplified
    /// Chinese when `zh`: its leaves, then the tasks it waits on, by name.
    pub fn wait_line(&self, w: &Wait, zh: bool) -> String {
        let mut parts: Vec<String> =
            w.on.iter()
                .filter(|o| !matches!(o, WaitOn::Task(_)))
                .map(|o| self.leaf_text(o, zh))
                .collect();
        let tasks: Vec<&str> =
            w.on.iter()
                .filter_map(|o| {
                    if let WaitOn::Task(t) = o {
                        Some(self.task_name(*t))
                    } else {
                        None
                    }
                })
                .collect();
        match tasks.len() {
            0 => {}
            1..=6 => parts.push(tasks.join(", ")),
            n => parts.push(if zh {
                format!("{} … 共 {n} 个任务", tasks[..3].join(", "))
            } else {
                format!("{} … {n} tasks", tasks[..3].join(", "))
            }),
        }
        if parts.is_empty() && w.woken {
            // It woke itself (or was woken): its next poll is all it needs.
            return (if zh {
                "轮到它被轮询（已唤醒）"
            } else {
                "its turn to be polled (woken)"
            })
            .to_string();
        }
        if parts.is_empty() {
            return (if zh { "未知" } else { "unknown" }).to_string();
        }
        parts.join(if zh { "，以及 " } else { ", and " })
    }

    fn chain(&self, w: &Wait, by_task: &HashMap<TaskId, &Wait>, zh: bool, depth: usize, out: &mut String) {
        out.push_str(self.task_name(w.task));
        if w.woken {
            out.push_str(if zh {
                "（已唤醒，等待轮到它）"
            } else {
                " (woken, waiting for its turn)"
            });
        }
        if w.on.is_empty() && w.woken {
            return;
        }
        out.push_str(" → ");
        if w.on.is_empty() {
            out.push_str(if zh { "未知" } else { "unknown" });
            return;
        }
        let tasks: Vec<TaskId> =
            w.on.iter()
                .filter_map(|o| if let WaitOn::Task(t) = o { Some(*t) } else { None })
                .collect();
        let leaves: Vec<String> =
            w.on.iter()
                .filter(|o| !matches!(o, WaitOn::Task(_)))
                .map(|o| self.leaf_text(o, zh))
                .collect();
        out.push_str(&leaves.join(if zh { "，以及 " } else { ", and " }));
        if tasks.is_empty() {
            return;
        }
        if !leaves.is_empty() {
            out.push_str(if zh { "，以及 " } else { ", and " });
        }
        const SHOWN: usize = 6;
        if tasks.len() > 1 || depth > 2 {
            let names: Vec<&str> = tasks.iter().take(SHOWN).map(|t| self.task_name(*t)).collect();
            out.push('[');
            out.push_str(&names.join(", "));
            if tasks.len() > SHOWN {
                out.push_str(&if zh {
                    format!(" … 共 {} 个", tasks.len())
                } else {
                    format!(" … {} in all", tasks.len())
                });
            }
            out.push(']');
            // One level down for the first, when it is the only one shown
            // in full: enough to reach a leaf in most runs.
            if tasks.len() <= SHOWN && depth < 2 {
                for t in &tasks {
                    if let Some(c) = by_task.get(t) {
                        out.push_str("; ");
                        self.chain(c, by_task, zh, depth + 1, out);
                    }
                }
            }
            return;
        }
        match by_task.get(&tasks[0]) {
            Some(c) => self.chain(c, by_task, zh, depth + 1, out),
            None => out.push_str(self.task_name(tasks[0])),
        }
    }

    pub(super) fn leaf_text(&self, o: &WaitOn, zh: bool) -> String {
        let names = |ts: &[TaskId]| -> String {
            let mut v: Vec<&str> = ts.iter().take(4).map(|t| self.task_name(*t)).collect();
            if ts.len() > 4 {
                v.push("…");
            }
            v.join(", ")
        };
        match (o, zh) {
            (WaitOn::Timer { deadline }, false) => format!("timer (fires at {})", self.at_label(*deadline, false)),
            (WaitOn::Timer { deadline }, true) => format!("定时器（{} 触发）", self.at_label(*deadline, true)),
            (
                WaitOn::Permit {
                    resource,
                    place,
                    waiting,
                    holders,
                },
                false,
            ) => format!(
                "semaphore \"{}\" (permit, {} of {waiting} in line, {} held by {})",
                self.resource_name(*resource),
                ordinal(*place),
                holders.len(),
                names(holders)
            ),
            (
                WaitOn::Permit {
                    resource,
                    place,
                    waiting,
                    holders,
                },
                true,
            ) => format!(
                "信号量「{}」（等许可，排第 {place} / {waiting}，{} 个被 {} 持有）",
                self.resource_name(*resource),
                holders.len(),
                names(holders)
            ),
            (
                WaitOn::Request {
                    what, queued, ahead, ..
                },
                false,
            ) => {
                if *queued && *ahead > 0 {
                    let s = if *ahead == 1 { "" } else { "s" };
                    format!("{what} (queued for a connection, behind {ahead} request{s} on the wire)")
                } else if *queued {
                    format!("{what} (queued for a connection)")
                } else {
                    format!("{what} (waiting for the first byte)")
                }
            }
            (
                WaitOn::Request {
                    what, queued, ahead, ..
                },
                true,
            ) => {
                if *queued && *ahead > 0 {
                    format!("{what}（排队等连接，前面有 {ahead} 个请求占着连接）")
                } else if *queued {
                    format!("{what}（排队等连接）")
                } else {
                    format!("{what}（等首字节）")
                }
            }
            (WaitOn::Body { done, total }, false) => match total {
                Some(t) => format!("response body ({done} of {t} bytes)"),
                None => format!("response body ({done} bytes so far)"),
            },
            (WaitOn::Body { done, total }, true) => match total {
                Some(t) => format!("响应体（{done} / {t} 字节）"),
                None => format!("响应体（已收 {done} 字节）"),
            },
            (
                WaitOn::Queue {
                    resource,
                    depth,
                    capacity,
                },
                false,
            ) => {
                let name = self.resource_name(*resource);
                match capacity {
                    Some(c) if depth >= c => format!("queue \"{name}\" (full, {depth}/{c})"),
                    _ => format!("queue \"{name}\" (empty)"),
                }
            }
            (
                WaitOn::Queue {
                    resource,
                    depth,
                    capacity,
                },
                true,
            ) => {
                let name = self.resource_name(*resource);
                match capacity {
                    Some(c) if depth >= c => format!("队列「{name}」（已满，{depth}/{c}）"),
                    _ => format!("队列「{name}」（空）"),
                }
            }
            (WaitOn::Lock { resource, holder }, false) => match holder {
                Some(h) => format!(
                    "lock \"{}\" held by {}",
                    self.resource_name(*resource),
                    self.task_name(*h)
                ),
                None => format!("lock \"{}\"", self.resource_name(*resource)),
            },
            (WaitOn::Lock { resource, holder }, true) => match holder {
                Some(h) => format!(
                    "锁「{}」（被 {} 持有）",
                    self.resource_name(*resource),
                    self.task_name(*h)
                ),
                None => format!("锁「{}」", self.resource_name(*resource)),
            },
            (WaitOn::Signal { resource }, false) => {
                let name = self.resource_name(*resource);
                match self.resources().get(resource.0 as usize).map(|m| m.kind) {
                    Some(ResourceKind::Condition) => format!("condition \"{name}\" (not notified yet)"),
                    _ => format!("event \"{name}\" (not set)"),
                }
            }
            (WaitOn::Signal { resource }, true) => {
                let name = self.resource_name(*resource);
                match self.resources().get(resource.0 as usize).map(|m| m.kind) {
                    Some(ResourceKind::Condition) => format!("条件「{name}」（尚未通知）"),
                    _ => format!("事件「{name}」（未设置）"),
                }
            }
            (WaitOn::Task(t), _) => self.task_name(*t).to_string(),
        }
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
