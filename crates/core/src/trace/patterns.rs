//! The warnings about patterns that span a run: a lock held across a slow
//! await while others wait, a run stuck with nothing left to wake it (a
//! deadlock names its cycle), a periodic loop that drifts, tasks started
//! with no limit, work that went on after its caller gave up on it, and
//! clients whose retries stay in step. Each is a pure function of the
//! events, as the rules of [`super::warnings`] are.

use std::time::Duration;

use super::model::{Blocker, EventKind, Outcome, ResourceId, ResourceKind, SiteId, TaskId, Trace};
use super::waits::{Wait, WaitOn, WaitTracker};
use super::warnings::{Rule, Warning, ms};

/// A lock held across a sleep or a request longer than this, while
/// another task waits for it, is [`Rule::LockAcrossAwait`]. (A
/// semaphore's permit is meant to be held across the work it limits, so
/// only locks count.)
pub const HELD_ACROSS: Duration = Duration::from_secs(1);

/// A loop of equal relative sleeps is [`Rule::Drift`] once it is this far
/// behind its schedule...
pub const DRIFT: Duration = Duration::from_millis(10);

/// ...and its lateness has grown at each of this many sleeps in a row.
pub const DRIFT_SLEEPS: u32 = 5;

/// Tasks made by one task (or at the run's top) running at once, with no
/// limit: [`Rule::UnboundedSpawn`].
pub const SPAWN_FLOOD: usize = 100;

/// Tasks retrying at the same instant, twice: [`Rule::RetryInStep`].
pub const IN_STEP: usize = 3;

/// Whether a trace, read to its last event, can still go on by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// No task is pending.
    Settled,
    /// Something can still wake a pending task: a timer, a request, a
    /// body arriving, or a task already woken.
    Alive,
    /// Tasks are pending and nothing left can wake any of them.
    Stuck,
}

impl Trace {
    /// Whether this trace can still go on by itself ([`Liveness`]): what a
    /// real run's watcher asks once its trace has stopped growing, to end a
    /// run that stalled as a virtual run ends.
    pub fn liveness(&self) -> Liveness {
        let mut tracker = WaitTracker::new(self);
        while tracker.step() {}
        let waits = tracker.waits();
        if waits.is_empty() {
            Liveness::Settled
        } else if waits.iter().any(alive) {
            Liveness::Alive
        } else {
            Liveness::Stuck
        }
    }

    /// The last line each task waited at, and when its last wait began:
    /// the first poll that went pending after its last wake (a poll with
    /// no wake, as `join_all` gives its futures, waits on as before).
    fn last_waits(&self) -> Vec<(Option<SiteId>, Duration)> {
        let n = self.tasks().len();
        let mut waits = vec![(None, Duration::ZERO); n];
        let mut woken = vec![true; n];
        for e in self.events() {
            let i = e.task.0 as usize;
            if i >= n {
                continue;
            }
            match e.kind {
                EventKind::Woken { .. } => woken[i] = true,
                EventKind::PollEnd { site, ready: false } if woken[i] => {
                    woken[i] = false;
                    waits[i] = (site.or(waits[i].0), e.at());
                }
                _ => {}
            }
        }
        waits
    }

    fn names(&self, tasks: impl IntoIterator<Item = TaskId>) -> String {
        tasks
            .into_iter()
            .map(|t| self.task_name(t))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Rule 4: a lock held across a sleep or a request longer than
    /// [`HELD_ACROSS`] while another task waited for it; once per holder
    /// and lock.
    pub(super) fn lock_across_await(&self, out: &mut Vec<Warning>) {
        #[derive(Default, Clone)]
        struct Lock {
            holder: Option<(TaskId, Duration)>,
            waiting: Vec<TaskId>,
            /// Who waited during the current hold, and when the last wait
            /// given up during it ended.
            waited: Vec<TaskId>,
            wait_ended: Option<Duration>,
            /// Holders already warned about.
            warned: Vec<TaskId>,
        }
        let n = self.tasks().len();
        let mut locks: Vec<Option<Lock>> = self
            .resources()
            .iter()
            .map(|m| matches!(m.kind, ResourceKind::Lock).then(Lock::default))
            .collect();
        let mut timers: Vec<Vec<Duration>> = vec![Vec::new(); n];
        let mut requests: Vec<Vec<Duration>> = vec![Vec::new(); n];
        let mut sites: Vec<Option<SiteId>> = vec![None; n];
        for e in self.events() {
            let i = e.task.0 as usize;
            if i >= n {
                continue;
            }
            let lock = |r: &ResourceId| r.0 as usize;
            let ended = match &e.kind {
                EventKind::PermitWaiting { resource } => {
                    if let Some(Some(l)) = locks.get_mut(lock(resource)) {
                        l.waiting.push(e.task);
                        if !l.waited.contains(&e.task) {
                            l.waited.push(e.task);
                        }
                    }
                    None
                }
                EventKind::PermitAcquired { resource, .. } | EventKind::PermitGaveUp { resource } => {
                    if let Some(Some(l)) = locks.get_mut(lock(resource)) {
                        l.waiting.retain(|t| *t != e.task);
                        if matches!(e.kind, EventKind::PermitAcquired { .. }) {
                            // A new hold: who waits behind it from now on.
                            l.holder = Some((e.task, e.at()));
                            l.waited.clone_from(&l.waiting);
                            l.wait_ended = None;
                        } else {
                            // Someone gave up waiting during the hold.
                            l.wait_ended = Some(e.at());
                        }
                    }
                    None
                }
                EventKind::PermitReleased { resource, .. } => {
                    if let Some(Some(l)) = locks.get_mut(lock(resource)) {
                        l.holder = None;
                    }
                    None
                }
                EventKind::PollEnd { site: Some(site), .. } => {
                    sites[i] = Some(*site);
                    None
                }
                EventKind::TimerArmed { .. } => {
                    timers[i].push(e.at());
                    None
                }
                EventKind::RequestSent { .. } => {
                    requests[i].push(e.at());
                    None
                }
                EventKind::TimerFired | EventKind::TimerCancelled if !timers[i].is_empty() => {
                    Some((timers[i].remove(0), false))
                }
                EventKind::RequestAnswered { .. } | EventKind::RequestFailed { .. } | EventKind::RequestAborted
                    if !requests[i].is_empty() =>
                {
                    Some((requests[i].remove(0), true))
                }
                _ => None,
            };
            let Some((start, request)) = ended else { continue };
            let len = e.at().saturating_sub(start);
            if len <= HELD_ACROSS {
                continue;
            }
            for (r, l) in locks.iter_mut().enumerate() {
                let Some(l) = l else { continue };
                let held = l.holder.is_some_and(|(h, since)| h == e.task && since <= start);
                let contended = !l.waiting.is_empty() || l.wait_ended.is_some_and(|end| end >= start);
                if !held || !contended || l.warned.contains(&e.task) {
                    continue;
                }
                l.warned.push(e.task);
                let (name, lock) = (self.task_name(e.task), &self.resources()[r].name);
                let others = self.names(l.waited.iter().copied().filter(|t| *t != e.task));
                let (what, what_zh) = if request {
                    ("a request", "一个请求")
                } else {
                    ("a sleep", "一次睡眠")
                };
                out.push(Warning {
                    rule: Rule::LockAcrossAwait,
                    task: e.task,
                    at: start,
                    site: sites[i],
                    message: format!(
                        "{name} held lock \"{lock}\" across {what} of {} (from {}) while {others} waited for it: a lock held across a slow await makes everyone behind it wait as long; take the lock only around the shared state, and await outside it",
                        ms(len),
                        ms(start)
                    ),
                    message_zh: format!(
                        "{name} 持有锁「{lock}」期间等待了{what_zh}，历时 {}（从 {} 起），而 {others} 一直在等这把锁：跨越慢速 `await` 持锁，会让排在后面的任务等得同样久；只在访问共享状态时持锁，在锁外 `await`",
                        ms(len),
                        ms(start)
                    ),
                });
            }
        }
    }

    /// Rule 6: at the end of the trace, tasks pending with nothing left
    /// that could wake them (no timer, no request, no task woken): each
    /// cycle of tasks waiting on each other's locks once (a deadlock), and
    /// each other task stuck on an event, a condition, a queue, a permit or
    /// nothing known (a lost wake-up). A task stuck behind a deadlock, or
    /// only joining a stuck task, is not named again.
    pub(super) fn stuck(&self, out: &mut Vec<Warning>) {
        let Some(end) = self.events().last().map(|e| e.at()) else {
            return;
        };
        let mut tracker = WaitTracker::new(self);
        while tracker.step() {}
        let waits = tracker.waits();
        if waits.is_empty() || waits.iter().any(alive) {
            return;
        }
        let last = self.last_waits();
        let since = |t: TaskId| last.get(t.0 as usize).map_or(end, |w| w.1);
        let mut by_task: Vec<Option<&Wait>> = vec![None; self.tasks().len()];
        for w in &waits {
            if let Some(slot) = by_task.get_mut(w.task.0 as usize) {
                *slot = Some(w);
            }
        }
        let lock_of = |t: TaskId| {
            by_task.get(t.0 as usize).copied().flatten().and_then(|w| {
                w.on.iter().find_map(|o| match o {
                    WaitOn::Lock {
                        resource,
                        holder: Some(h),
                    } => Some((*resource, *h)),
                    _ => None,
                })
            })
        };
        let mut behind = vec![false; self.tasks().len()];
        for w in &waits {
            if behind[w.task.0 as usize] {
                continue;
            }
            let mut path = vec![w.task];
            let mut cur = w.task;
            let cycle = loop {
                let Some((_, h)) = lock_of(cur) else { break None };
                if let Some(pos) = path.iter().position(|t| *t == h) {
                    break Some(pos);
                }
                path.push(h);
                cur = h;
            };
            let Some(pos) = cycle else { continue };
            for t in &path {
                behind[t.0 as usize] = true;
            }
            let cycle = &path[pos..];
            let first = *cycle.iter().min().unwrap_or(&w.task);
            let links = |zh: bool| -> Vec<String> {
                cycle
                    .iter()
                    .filter_map(|t| {
                        let (r, h) = lock_of(*t)?;
                        let lock = &self.resources()[r.0 as usize].name;
                        let (t, h) = (self.task_name(*t), self.task_name(h));
                        Some(if zh {
                            format!("{t} 在等 {h} 持有的锁「{lock}」")
                        } else {
                            format!("{t} waits for lock \"{lock}\", held by {h}")
                        })
                    })
                    .collect()
            };
            let names = self.names(cycle.iter().copied());
            // The cycle closed when the last of them began to wait.
            let closed = cycle.iter().map(|t| since(*t)).max().unwrap_or(end);
            out.push(Warning {
                rule: Rule::Stuck,
                task: first,
                at: closed,
                site: last.get(first.0 as usize).and_then(|w| w.0),
                message: format!(
                    "a deadlock: {names} wait on each other from {} to the end of the run ({}): {}; nothing can wake them. Take locks in one order everywhere, or hold one lock at a time",
                    ms(closed),
                    ms(end),
                    links(false).join(", ")
                ),
                message_zh: format!(
                    "死锁：从 {} 直到运行结束（{}），{names} 一直互相等待：{}；没有什么能唤醒它们。请在所有地方按同一顺序加锁，或一次只持有一把锁",
                    ms(closed),
                    ms(end),
                    links(true).join("，")
                ),
            });
        }
        for w in &waits {
            let leaves: Vec<&WaitOn> = w.on.iter().filter(|o| !matches!(o, WaitOn::Task(_))).collect();
            if behind[w.task.0 as usize] || (leaves.is_empty() && !w.on.is_empty()) {
                continue;
            }
            let what = |zh: bool| -> String {
                if leaves.is_empty() {
                    return if zh { "不明之物" } else { "nothing known" }.to_owned();
                }
                let texts: Vec<String> = leaves.iter().map(|o| self.leaf_text(o, zh)).collect();
                texts.join(if zh { "、" } else { ", " })
            };
            let name = self.task_name(w.task);
            let from = since(w.task);
            out.push(Warning {
                rule: Rule::Stuck,
                task: w.task,
                at: from,
                site: last.get(w.task.0 as usize).and_then(|w| w.0),
                message: format!(
                    "{name} waits on {} from {} to the end of the run ({}), and nothing left can wake it: no timer, no request, no task that can still run. A wake-up was lost: a set, notify, put or release that never came",
                    what(false),
                    ms(from),
                    ms(end)
                ),
                message_zh: format!(
                    "从 {} 直到运行结束（{}），{name} 一直在等待{}，而已经没有什么能唤醒它：没有定时器、没有请求、也没有还能运行的任务。某次唤醒丢失了：该来的设置事件、通知、放入或释放始终没有来",
                    ms(from),
                    ms(end),
                    what(true)
                ),
            });
        }
    }

    /// Rule 9: a task that does nothing but sleep in a loop (nothing else
    /// awaited in between), whose first sleep sets the period, each later
    /// sleep no longer, and whose wake-ups fall later and later behind the
    /// grid of whole periods from its first: [`DRIFT_SLEEPS`] growths in a
    /// row, at least [`DRIFT`] behind. Sleeping until absolute deadlines
    /// keeps to the grid (its sleeps shorten to make up for the work); a
    /// relative sleep of the period after the work does not. Once per task.
    pub(super) fn drift(&self, out: &mut Vec<Warning>) {
        #[derive(Clone, Copy)]
        struct Run {
            first: Duration,
            period: Duration,
            sleeps: u32,
            late: Duration,
            growths: u32,
        }
        let n = self.tasks().len();
        let mut runs: Vec<Option<Run>> = vec![None; n];
        let mut warned = vec![false; n];
        let mut sites: Vec<Option<SiteId>> = vec![None; n];
        for e in self.events() {
            let i = e.task.0 as usize;
            if i >= n {
                continue;
            }
            match e.kind {
                EventKind::PollEnd { site: Some(site), .. } => sites[i] = Some(site),
                EventKind::TimerArmed { deadline } => {
                    let deadline = deadline.get();
                    let sleep = deadline.saturating_sub(e.at());
                    let fresh = Run {
                        first: deadline,
                        period: sleep,
                        sleeps: 0,
                        late: Duration::ZERO,
                        growths: 0,
                    };
                    runs[i] = match runs[i] {
                        // A zero sleep is a yield, not a period.
                        _ if sleep.is_zero() => None,
                        Some(mut r) if sleep <= r.period => {
                            r.sleeps += 1;
                            let due = r.period.checked_mul(r.sleeps).and_then(|p| r.first.checked_add(p));
                            let late = due.map_or(Duration::ZERO, |due| deadline.saturating_sub(due));
                            // On the grid or back towards it: the count
                            // of growths in a row starts again.
                            r.growths = if late > r.late { r.growths + 1 } else { 0 };
                            r.late = late;
                            Some(r)
                        }
                        _ => Some(fresh),
                    };
                    if let Some(r) = runs[i]
                        && r.growths >= DRIFT_SLEEPS
                        && r.late >= DRIFT
                        && !warned[i]
                    {
                        warned[i] = true;
                        let name = self.task_name(e.task);
                        out.push(Warning {
                            rule: Rule::Drift,
                            task: e.task,
                            at: e.at(),
                            site: sites[i],
                            message: format!(
                                "{name} sleeps {} at a time in a loop, and its lateness accumulates: by {} its wake-up is {} behind a schedule of one period per sleep, and later at every sleep. A relative sleep adds up every delay and every piece of work; sleep until absolute deadlines (`next += period`, then sleep until `next`)",
                                ms(r.period),
                                ms(e.at()),
                                ms(r.late)
                            ),
                            message_zh: format!(
                                "{name} 在循环里每次睡 {}，延迟不断累积：到 {} 它的唤醒已比「每次一个周期」的时间表晚了 {}，而且每次都更晚。相对睡眠会把每次的延迟和工作时间都累加起来；请睡到绝对截止时间（`next += period`，再睡到 `next`）",
                                ms(r.period),
                                ms(e.at()),
                                ms(r.late)
                            ),
                        });
                    }
                }
                // Awaiting something else: not a loop of sleeps.
                EventKind::Blocked { .. } | EventKind::PermitWaiting { .. } | EventKind::RequestSent { .. } => {
                    runs[i] = None;
                }
                _ => {}
            }
        }
    }

    /// Rule 10, its spawning half: at least [`SPAWN_FLOOD`] tasks made by
    /// one task (or at the run's top) running at once, none of them, nor
    /// their maker, ever waiting for a permit. Once per maker.
    pub(super) fn unbounded_spawn(&self, out: &mut Vec<Warning>) {
        #[derive(Default, Clone, Copy)]
        struct Maker {
            live: usize,
            peak: usize,
            peak_at: Duration,
            limited: bool,
        }
        let tasks = self.tasks();
        // Makers by index: 0 is the run's top, 1 + i task i.
        let slot = |parent: Option<TaskId>| parent.map_or(0, |p| p.0 as usize + 1);
        let mut makers = vec![Maker::default(); tasks.len() + 1];
        let mut counted = vec![false; tasks.len()];
        let mut polled = vec![false; tasks.len()];
        for e in self.events() {
            let i = e.task.0 as usize;
            let Some(meta) = tasks.get(i) else { continue };
            let Some(m) = makers.get_mut(slot(meta.parent)) else {
                continue;
            };
            match e.kind {
                EventKind::PollStart if !polled[i] => {
                    polled[i] = true;
                    counted[i] = true;
                    m.live += 1;
                    if m.live > m.peak {
                        m.peak = m.live;
                        m.peak_at = e.at();
                    }
                }
                EventKind::Completed { .. } if counted[i] => {
                    counted[i] = false;
                    m.live = m.live.saturating_sub(1);
                }
                EventKind::PermitWaiting { .. } | EventKind::PermitAcquired { .. } => {
                    m.limited = true;
                    makers[i + 1].limited = true;
                }
                _ => {}
            }
        }
        for (k, m) in makers.into_iter().enumerate() {
            if m.peak < SPAWN_FLOOD || m.limited {
                continue;
            }
            let parent = k.checked_sub(1).map(|p| TaskId(p as u32));
            let (who, who_zh) = match parent {
                Some(p) => (self.task_name(p).to_owned(), self.task_name(p).to_owned()),
                None => ("the run".to_owned(), "这次运行".to_owned()),
            };
            let task = parent.unwrap_or_else(|| {
                tasks
                    .iter()
                    .position(|t| t.parent.is_none())
                    .map_or(TaskId(0), |i| TaskId(i as u32))
            });
            out.push(Warning {
                rule: Rule::UnboundedSpawn,
                task,
                at: m.peak_at,
                site: parent.and_then(|p| tasks[p.0 as usize].site),
                message: format!(
                    "{who} had {} tasks it started running at once (at {}), with no limit: each holds its memory, and its connection if it makes a request, all at the same time; limit them (a semaphore, buffer_unordered, a pool of workers)",
                    m.peak,
                    ms(m.peak_at)
                ),
                message_zh: format!(
                    "{who_zh} 启动的任务中有 {} 个同时在运行（{}），没有任何限制：每个都同时占着内存，发请求的还各占一个连接；请限制并发（信号量、buffer_unordered 或一组固定数量的工作任务）",
                    m.peak,
                    ms(m.peak_at)
                ),
            });
        }
    }

    /// Rule 11: a task its caller was joining when the caller's time limit
    /// passed, or when the caller was cancelled, polled again afterwards:
    /// the work went on, detached or shielded. Once per task.
    pub(super) fn kept_running(&self, out: &mut Vec<Warning>) {
        let n = self.tasks().len();
        let mut joining: Vec<Vec<TaskId>> = vec![Vec::new(); n];
        let mut ended = vec![false; n];
        let mut left: Vec<Option<(Duration, TaskId, bool)>> = vec![None; n];
        let mut warned = vec![false; n];
        for e in self.events() {
            let i = e.task.0 as usize;
            if i >= n {
                continue;
            }
            let gave_up = match e.kind {
                EventKind::Blocked { on: Blocker::Task(t) } => {
                    joining[i].push(t);
                    None
                }
                EventKind::Unblocked { on: Blocker::Task(t) } => {
                    joining[i].retain(|j| *j != t);
                    None
                }
                EventKind::DeadlinePassed => Some(true),
                EventKind::Completed { outcome } => {
                    ended[i] = true;
                    matches!(outcome, Outcome::Cancelled | Outcome::Timeout).then_some(false)
                }
                EventKind::PollStart => {
                    if let Some((at, by, timed_out)) = left[i]
                        && !warned[i]
                    {
                        warned[i] = true;
                        let (name, by) = (self.task_name(e.task), self.task_name(by));
                        let (why, why_zh) = if timed_out {
                            ("its time limit passed", "时限已到")
                        } else {
                            ("it was cancelled", "它被取消")
                        };
                        out.push(Warning {
                            rule: Rule::KeptRunning,
                            task: e.task,
                            at: e.at(),
                            site: self.tasks()[i].site,
                            message: format!(
                                "{name} kept running after {by} gave up on it at {} ({why}): it was detached or shielded, so its work goes on with nobody to use the result. Cancel it as well (drop or abort it), unless it must finish",
                                ms(at)
                            ),
                            message_zh: format!(
                                "{by} 在 {} 放弃等待之后（{why_zh}），{name} 仍在运行：它被分离了，或被 `shield` 保护，工作继续进行，却没有谁会用到结果。除非它必须完成，否则也取消它（丢弃它，或对句柄调用 `abort`）",
                                ms(at)
                            ),
                        });
                    }
                    None
                }
                _ => None,
            };
            if let Some(timed_out) = gave_up {
                for t in std::mem::take(&mut joining[i]) {
                    if let Some(slot) = left.get_mut(t.0 as usize)
                        && !ended[t.0 as usize]
                        && slot.is_none()
                    {
                        *slot = Some((e.at(), e.task, timed_out));
                    }
                }
            }
        }
    }

    /// Rule 7, its second half: a task that a task made, that ran on its
    /// own (no poll of it inside another task's poll: spawned, not joined
    /// inline), that failed, and that no task ever joined (waited on, or
    /// took the outcome of once it was done): nobody looked at its error.
    pub(super) fn error_unseen(&self, out: &mut Vec<Warning>) {
        let tasks = self.tasks();
        let n = tasks.len();
        let mut polled = vec![false; n];
        let mut inline = vec![false; n];
        let mut joined = vec![false; n];
        let mut failed: Vec<Option<Duration>> = vec![None; n];
        let mut stack: Vec<TaskId> = Vec::new();
        for e in self.events() {
            let i = e.task.0 as usize;
            if i >= n {
                continue;
            }
            match e.kind {
                EventKind::PollStart => {
                    if !polled[i] {
                        polled[i] = true;
                        inline[i] = !stack.is_empty();
                    }
                    stack.push(e.task);
                }
                EventKind::PollEnd { .. } => {
                    if let Some(p) = stack.iter().rposition(|t| *t == e.task) {
                        stack.truncate(p);
                    }
                }
                EventKind::Blocked { on: Blocker::Task(t) } => {
                    if let Some(j) = joined.get_mut(t.0 as usize) {
                        *j = true;
                    }
                }
                EventKind::Completed {
                    outcome: Outcome::Error,
                } => failed[i] = Some(e.at()),
                _ => {}
            }
        }
        for (i, meta) in tasks.iter().enumerate() {
            let Some(at) = failed[i] else { continue };
            if inline[i] || joined[i] || meta.parent.is_none() {
                continue;
            }
            let name = &meta.name;
            out.push(Warning {
                rule: Rule::ErrorUnseen,
                task: TaskId(i as u32),
                at,
                site: meta.site,
                message: format!(
                    "{name} failed at {}, and nobody looked at its error: it ran on its own and no task ever joined it; keep its handle and await it (asyncio: await the task), or handle the error inside it",
                    ms(at)
                ),
                message_zh: format!(
                    "{name} 在 {} 失败了，却没有谁看过它的错误：它独自运行，从没有任务等待过它；请保留句柄并 `await` 它（`asyncio` 中 `await` 这个任务），或在任务内部处理错误",
                    ms(at)
                ),
            });
        }
    }

    /// Rule 12, its jitter half: at least [`IN_STEP`] tasks starting a
    /// retry at the same instant, at two instants or more. Once per run.
    pub(super) fn retry_in_step(&self, out: &mut Vec<Warning>) {
        // Events come in time order: the retries of one instant are
        // consecutive among the attempts.
        fn close(group: Option<(Duration, Vec<TaskId>)>, together: &mut Vec<(Duration, Vec<TaskId>)>) {
            if let Some((at, tasks)) = group
                && tasks.len() >= IN_STEP
            {
                together.push((at, tasks));
            }
        }
        let mut together = Vec::new();
        let mut group: Option<(Duration, Vec<TaskId>)> = None;
        for e in self.events() {
            match (&e.kind, &mut group) {
                (EventKind::Attempt { number }, _) if *number <= 1 => {}
                (EventKind::Attempt { .. }, Some((at, tasks))) if *at == e.at() && tasks.contains(&e.task) => {}
                (EventKind::Attempt { .. }, Some((at, tasks))) if *at == e.at() => tasks.push(e.task),
                (EventKind::Attempt { .. }, _) => close(group.replace((e.at(), vec![e.task])), &mut together),
                _ => {}
            }
        }
        close(group, &mut together);
        let [(first, _), (second, tasks), ..] = together.as_slice() else {
            return;
        };
        let names = self.names(tasks.iter().copied());
        out.push(Warning {
            rule: Rule::RetryInStep,
            task: tasks[0],
            at: *second,
            site: self.tasks().get(tasks[0].0 as usize).and_then(|m| m.site),
            message: format!(
                "{names} retried at the same instant again and again ({} times, first at {} and {}): a backoff without jitter keeps clients in step, so their retries hit the failing service together; add jitter (full or equal) to spread them",
                together.len(),
                ms(*first),
                ms(*second)
            ),
            message_zh: format!(
                "{names} 一次又一次在同一瞬间重试（共 {} 次，最早在 {} 和 {}）：没有抖动的退避让客户端步调一致，重试一齐冲向出错的服务；加上抖动（full 或 equal）把它们错开",
                together.len(),
                ms(*first),
                ms(*second)
            ),
        });
    }
}

/// Something can still wake this pending task by itself.
fn alive(w: &Wait) -> bool {
    w.woken
        || w.on
            .iter()
            .any(|o| matches!(o, WaitOn::Timer { .. } | WaitOn::Request { .. } | WaitOn::Body { .. }))
}
