//! Warnings: exact rules over a trace, each naming the task, the instant
//! and the line to look at. A derived view like the others: a pure
//! function of the events, so a replayed or scrubbed run gives the same
//! warnings for the same prefix.

use std::time::Duration;

use super::model::{EventKind, Outcome, SiteId, TaskId, Trace};
use super::text::human_ms;

/// A poll longer than this blocks the event loop (the browser's long
/// task).
pub const LONG_POLL: Duration = Duration::from_millis(50);

/// A task woken and not polled for longer than this was starved.
pub const STARVED: Duration = Duration::from_millis(50);

/// A task needs at least this many polls before its self-wakes count as a
/// busy-yield loop.
pub const BUSY_MIN_POLLS: u32 = 10;

/// Which rule a warning comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Rule {
    /// A future made and dropped without ever being polled.
    NeverAwaited,
    /// A poll that ran longer than [`LONG_POLL`].
    LongPoll,
    /// Woken, then not polled for longer than [`STARVED`].
    Starved,
    /// A task that woke itself in more than half of its polls.
    BusyYield,
    /// A task that outlived the task that made it, which never joined it.
    Detached,
    /// One of several tasks running together failed, and the others ran
    /// on to their ends anyway (`join_all` over results, or `gather`):
    /// informational.
    KeptGoing,
    /// A retry loop that tried again at once after a failure (no backoff,
    /// or a backoff of zero), twice in a row: retries then hammer whatever
    /// is failing. (One immediate retry, as the task manager's, is not.)
    RetryNoBackoff,
    /// A queue whose depth only grew while items were put in, to at least
    /// [`QUEUE_GROWS`] items: its consumers fall behind its producers.
    QueueGrows,
    /// A lock held across a sleep or a request longer than
    /// [`super::HELD_ACROSS`] while another task waited for it.
    LockAcrossAwait,
    /// At the end of the run, a task pending with nothing left that could
    /// wake it: a deadlock (named as its cycle) or a lost wake-up.
    Stuck,
    /// A loop of relative sleeps whose lateness accumulates.
    Drift,
    /// At least [`super::SPAWN_FLOOD`] tasks started running at once with
    /// no limit.
    UnboundedSpawn,
    /// Work that went on after its caller gave up on it (its time limit
    /// passed, or it was cancelled): detached or shielded.
    KeptRunning,
    /// Several clients retrying at the same instants: a backoff without
    /// jitter.
    RetryInStep,
    /// A task made by another that failed, ran on its own and was never
    /// joined: nobody looked at its error.
    ErrorUnseen,
}

/// How deep a queue must have grown, never shrinking between two pushes,
/// for [`Rule::QueueGrows`].
pub const QUEUE_GROWS: u32 = 10;

impl Rule {
    /// Every rule.
    pub const ALL: &'static [Rule] = <Rule as strum::VariantArray>::VARIANTS;

    /// The rule's name in the JSON (`never_awaited`, ...).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The rule.
    pub rule: Rule,
    /// The task it is about.
    pub task: TaskId,
    /// When it happened (for a poll, when the poll began).
    pub at: Duration,
    /// The line to look at: where the task was made, or where it waited.
    pub site: Option<SiteId>,
    /// What happened and what to do instead, in words.
    pub message: String,
    /// The same in Simplified Chinese.
    pub message_zh: String,
}

#[derive(Clone, Default)]
struct TaskState {
    polls: u32,
    self_wakes: u32,
    first_self_wake: Option<Duration>,
    in_poll: Option<Duration>,
    woken: Option<Duration>,
    end: Option<(Duration, Outcome)>,
    last_site: Option<SiteId>,
    /// A retry loop's: an attempt started, a real wait since, warned.
    attempted: bool,
    waited: bool,
    at_once: u32,
    warned_retry: bool,
}

pub(super) fn ms(d: Duration) -> String {
    human_ms(d.as_secs_f64() * 1000.0)
}

/// [`Trace::warnings`] a pass over the trace at a time, for a caller that
/// must not hold its thread for the whole (the page, after a run of a
/// million events): [`WarningPasses::step`] runs the next pass,
/// [`WarningPasses::finish`] the rest and gives the warnings, the same as
/// [`Trace::warnings`] in the same order.
pub struct WarningPasses<'a> {
    trace: &'a Trace,
    state: Vec<TaskState>,
    out: Vec<Warning>,
    next: usize,
}

impl std::fmt::Debug for WarningPasses<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WarningPasses")
            .field("next", &self.next)
            .field("found", &self.out.len())
            .finish_non_exhaustive()
    }
}

impl<'a> WarningPasses<'a> {
    /// Before the first pass over `trace`.
    pub fn new(trace: &'a Trace) -> Self {
        WarningPasses {
            trace,
            state: Vec::new(),
            out: Vec::new(),
            next: 0,
        }
    }

    /// Runs the next pass; false (and nothing run) once all have. Not
    /// inlined: its callers are two, and its passes weigh on the page.
    #[inline(never)]
    pub fn step(&mut self) -> bool {
        let (trace, out) = (self.trace, &mut self.out);
        match self.next {
            0 => self.state = trace.task_rules(out),
            1 => trace.kept_going(&self.state, out),
            2 => trace.queue_grows(out),
            3 => trace.lock_across_await(out),
            4 => trace.stuck(out),
            5 => trace.drift(out),
            6 => trace.unbounded_spawn(out),
            7 => trace.kept_running(out),
            8 => trace.retry_in_step(out),
            9 => trace.error_unseen(out),
            _ => return false,
        }
        self.next += 1;
        true
    }

    /// The passes left, then every warning found, in time order.
    pub fn finish(mut self) -> Vec<Warning> {
        while self.step() {}
        let mut out = self.out;
        out.sort_by_key(|w| (w.at, w.task, w.rule));
        out
    }
}

impl Trace {
    /// Every warning the rules find in this trace, in time order.
    pub fn warnings(&self) -> Vec<Warning> {
        WarningPasses::new(self).finish()
    }

    /// The rules read task by task in one pass over the events (never
    /// awaited, long poll, starved, busy-yield, detached, retry without a
    /// backoff): their warnings added to `out`, and each task's state for
    /// the rules after.
    fn task_rules(&self, out: &mut Vec<Warning>) -> Vec<TaskState> {
        let tasks = self.tasks();
        let mut state = vec![TaskState::default(); tasks.len()];
        for e in self.events() {
            let Some(s) = state.get_mut(e.task.0 as usize) else {
                continue;
            };
            let name = &tasks[e.task.0 as usize].name;
            match &e.kind {
                EventKind::PollStart => {
                    s.polls += 1;
                    s.in_poll = Some(e.at());
                    if let Some(woken) = s.woken.take()
                        && e.at().saturating_sub(woken) > STARVED
                    {
                        out.push(Warning {
                            rule: Rule::Starved,
                            task: e.task,
                            at: woken,
                            site: s.last_site,
                            message: format!(
                                "{name} was woken at {} but not polled until {} ({} later): something else held the thread",
                                ms(woken),
                                ms(e.at()),
                                ms(e.at() - woken)
                            ),
                            message_zh: format!(
                                "{name} 在 {} 被唤醒，却直到 {} 才被轮询（晚了 {}）：别的代码占住了线程",
                                ms(woken),
                                ms(e.at()),
                                ms(e.at() - woken)
                            ),
                        });
                    }
                }
                EventKind::Backoff { delay } => s.waited = !delay.get().is_zero(),
                EventKind::Attempt { number } => {
                    if *number > 1 && s.attempted && !s.waited {
                        s.at_once += 1;
                    } else {
                        s.at_once = 0;
                    }
                    // One quick retry is a choice; a loop of them is not.
                    if s.at_once >= 2 && !s.warned_retry {
                        s.warned_retry = true;
                        out.push(Warning {
                            rule: Rule::RetryNoBackoff,
                            task: e.task,
                            at: e.at(),
                            site: s.last_site,
                            message: format!(
                                "{name} started attempt {number} at once after another failure, at {}: retries without a backoff hammer what is failing; wait longer after each failure (exponential backoff), with jitter when many clients retry",
                                ms(e.at())
                            ),
                            message_zh: format!(
                                "{name} 在 {} 又一次失败后立刻开始第 {number} 次尝试：没有退避的重试会不停冲击正在出错的服务；每次失败后等得更久（指数退避），多个客户端同时重试时再加上抖动",
                                ms(e.at())
                            ),
                        });
                    }
                    s.attempted = true;
                    s.waited = false;
                }
                EventKind::PollEnd { site, .. } => {
                    if let Some(start) = s.in_poll.take()
                        && e.at().saturating_sub(start) > LONG_POLL
                    {
                        out.push(Warning {
                            rule: Rule::LongPoll,
                            task: e.task,
                            at: start,
                            site: site.or(s.last_site),
                            message: format!(
                                "{name} ran for {} without yielding (from {}): every other task and timer waited; await inside the work, or move it off this thread",
                                ms(e.at() - start),
                                ms(start)
                            ),
                            message_zh: format!(
                                "{name} 从 {} 起连续运行了 {} 没有让出：其他任务和定时器都在等；在工作中 `await`，或把它移出这个线程",
                                ms(start),
                                ms(e.at() - start)
                            ),
                        });
                    }
                    if site.is_some() {
                        s.last_site = *site;
                    }
                }
                EventKind::Woken { .. } => {
                    if s.in_poll.is_some() {
                        s.self_wakes += 1;
                        s.first_self_wake.get_or_insert(e.at());
                    } else if s.woken.is_none() {
                        s.woken = Some(e.at());
                    }
                }
                EventKind::Completed { outcome } => s.end = Some((e.at(), *outcome)),
                _ => {}
            }
        }
        for (i, (meta, s)) in tasks.iter().zip(&state).enumerate() {
            let task = TaskId(i as u32);
            let name = &meta.name;
            if s.polls == 0
                && let Some((at, Outcome::Cancelled)) = s.end
            {
                out.push(Warning {
                    rule: Rule::NeverAwaited,
                    task,
                    at,
                    site: meta.site,
                    message: format!(
                        "{name} was made but never polled, and dropped at {}: it never ran; await it, or spawn it, if it was meant to",
                        ms(at)
                    ),
                    message_zh: format!(
                        "{name} 创建后从未被轮询，并在 {} 被丢弃：它一行也没有运行；若本该运行，请 `await` 它或把它派生为任务",
                        ms(at)
                    ),
                });
            }
            if s.polls >= BUSY_MIN_POLLS && s.self_wakes * 2 > s.polls {
                out.push(Warning {
                    rule: Rule::BusyYield,
                    task,
                    at: s.first_self_wake.unwrap_or_default(),
                    site: s.last_site,
                    message: format!(
                        "{name} woke itself in {} of its {} polls: a busy-yield loop that keeps the thread; wait on a timer, an event or a channel instead",
                        s.self_wakes, s.polls
                    ),
                    message_zh: format!(
                        "{name} 在 {} 次轮询中有 {} 次唤醒了自己：这是占着线程的忙等循环；请改为等待定时器、事件或通道",
                        s.polls, s.self_wakes
                    ),
                });
            }
            if let Some(parent) = meta.parent
                && let Some(p) = state.get(parent.0 as usize)
                && let Some((parent_end, _)) = p.end
                && s.polls > 0
                && s.end.is_none_or(|(end, _)| end > parent_end)
            {
                let parent_name = &tasks[parent.0 as usize].name;
                out.push(Warning {
                    rule: Rule::Detached,
                    task,
                    at: parent_end,
                    site: meta.site,
                    message_zh: match s.end {
                        Some((end, _)) => format!(
                            "{parent_name} 在 {} 结束时，它创建的 {name} 还在运行（{} 才结束）：没有谁等待它；请保留句柄并 `await`，或取消它",
                            ms(parent_end),
                            ms(end)
                        ),
                        None => format!(
                            "{parent_name} 在 {} 结束时，它创建的 {name} 还在运行，直到运行结束仍未结束：没有谁等待它；请保留句柄并 `await`，或取消它",
                            ms(parent_end)
                        ),
                    },
                    message: match s.end {
                        Some((end, _)) => format!(
                            "{name} was still running when {parent_name}, which made it, ended at {} (it ended at {}): nobody joined it; keep its handle and await it, or cancel it",
                            ms(parent_end),
                            ms(end)
                        ),
                        None => format!(
                            "{name} was still running when {parent_name}, which made it, ended at {}, and at the end of the run: nobody joined it; keep its handle and await it, or cancel it",
                            ms(parent_end)
                        ),
                    },
                });
            }
        }
        state
    }

    /// Per queue, the depth at each push: if it never fell from one push to
    /// the next and reached [`QUEUE_GROWS`], one warning at the last push.
    fn queue_grows(&self, out: &mut Vec<Warning>) {
        let mut pushes: Vec<Vec<(u32, &crate::trace::Event)>> = vec![Vec::new(); self.resources().len()];
        for e in self.events() {
            if let EventKind::QueuePush { resource, depth } = e.kind
                && let Some(p) = pushes.get_mut(resource.0 as usize)
            {
                p.push((depth, e));
            }
        }
        for (r, p) in pushes.iter().enumerate() {
            let Some(&(last, e)) = p.last() else { continue };
            if last < QUEUE_GROWS || p.windows(2).any(|w| w[1].0 < w[0].0) {
                continue;
            }
            let name = &self.resources()[r].name;
            out.push(Warning {
                rule: Rule::QueueGrows,
                task: e.task,
                at: e.at(),
                site: None,
                message: format!(
                    "queue \"{name}\" only grew: {last} items were waiting at its last push ({}); its consumers fall behind its producers. Bound it, so that producers wait (backpressure), or add consumers",
                    ms(e.at())
                ),
                message_zh: format!(
                    "队列「{name}」只增不减：最后一次放入时（{}）有 {last} 项在等；消费者跟不上生产者。给它设上限，让生产者等待（背压），或增加消费者",
                    ms(e.at())
                ),
            });
        }
    }

    /// A child that failed while siblings made before its failure ran on
    /// and completed after it: once per failed child.
    fn kept_going(&self, state: &[TaskState], out: &mut Vec<Warning>) {
        let tasks = self.tasks();
        let created: Vec<Duration> = {
            let mut c = vec![Duration::MAX; tasks.len()];
            for e in self.events() {
                if matches!(e.kind, EventKind::Created)
                    && let Some(slot) = c.get_mut(e.task.0 as usize)
                {
                    *slot = (*slot).min(e.at());
                }
            }
            c
        };
        for (i, meta) in tasks.iter().enumerate() {
            let (Some(parent), Some((failed_at, Outcome::Error))) = (meta.parent, state[i].end) else {
                continue;
            };
            let went_on: Vec<&str> = tasks
                .iter()
                .enumerate()
                .filter(|(j, m)| {
                    *j != i
                        && m.parent == Some(parent)
                        && created[*j] < failed_at
                        && matches!(state[*j].end, Some((end, Outcome::Ok)) if end > failed_at)
                })
                .map(|(_, m)| m.name.as_str())
                .collect();
            // A join: the maker waited for them all, and dropped none (a
            // race that keeps its first success, as select_ok does, drops
            // the rest or leaves them behind).
            let siblings = || {
                tasks
                    .iter()
                    .enumerate()
                    .filter(|(j, m)| *j != i && m.parent == Some(parent) && created[*j] < failed_at)
            };
            let dropped =
                siblings().any(|(j, _)| matches!(state[j].end, Some((_, Outcome::Cancelled | Outcome::Timeout))));
            let last = siblings().filter_map(|(j, _)| state[j].end.map(|(end, _)| end)).max();
            let waited = match (state.get(parent.0 as usize).and_then(|p| p.end), last) {
                (Some((parent_end, _)), Some(last)) => parent_end >= last,
                _ => false,
            };
            if went_on.is_empty() || dropped || !waited {
                continue;
            }
            let name = &meta.name;
            let others = went_on.join(", ");
            out.push(Warning {
                rule: Rule::KeptGoing,
                task: TaskId(i as u32),
                at: failed_at,
                site: meta.site,
                message: format!(
                    "{name} failed at {}, and {others} ran on to the end anyway: if one failure makes the rest useless, `try_join_all` (asyncio: `TaskGroup`) stops them",
                    ms(failed_at)
                ),
                message_zh: format!(
                    "{name} 在 {} 失败，而 {others} 仍一直运行到结束：若一个失败让其余的都没有意义，`try_join_all`（`asyncio` 中为 `TaskGroup`）会停下它们",
                    ms(failed_at)
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::WakeCause;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn rules(t: &Trace) -> Vec<(&'static str, String)> {
        t.warnings()
            .iter()
            .map(|w| (w.rule.as_str(), t.task_name(w.task).to_owned()))
            .collect()
    }

    #[test]
    fn a_task_woken_and_left_waiting_is_starved() {
        let mut t = Trace::new();
        let a = t.add_task_with("a", None, None);
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(
            ms(0),
            a,
            EventKind::PollEnd {
                ready: false,
                site: None,
            },
        );
        t.push(ms(10), a, EventKind::woken(WakeCause::Timer));
        t.push(ms(100), a, EventKind::PollStart);
        t.push(ms(100), a, EventKind::ready());
        t.push(ms(100), a, EventKind::Completed { outcome: Outcome::Ok });
        assert_eq!(rules(&t), [("starved", "a".to_owned())]);
        let w = &t.warnings()[0];
        assert_eq!(w.at, ms(10));
        assert!(w.message.contains("90 ms later"), "{}", w.message);
        // Polled 50 ms after its wake: within the bound.
        let mut t = Trace::new();
        let a = t.add_task_with("a", None, None);
        t.push(ms(0), a, EventKind::woken(WakeCause::Timer));
        t.push(ms(50), a, EventKind::PollStart);
        assert!(t.warnings().is_empty());
    }

    #[test]
    fn a_task_that_wakes_itself_in_most_polls_busy_yields() {
        let busy = |self_wakes: u32| {
            let mut t = Trace::new();
            let a = t.add_task_with("spinner", None, None);
            for i in 0..10u64 {
                t.push(ms(i), a, EventKind::PollStart);
                if (i as u32) < self_wakes {
                    t.push(ms(i), a, EventKind::woken(WakeCause::Unknown));
                }
                t.push(
                    ms(i),
                    a,
                    EventKind::PollEnd {
                        ready: i == 9,
                        site: None,
                    },
                );
            }
            t.push(ms(9), a, EventKind::Completed { outcome: Outcome::Ok });
            rules(&t)
        };
        assert_eq!(busy(6), [("busy_yield", "spinner".to_owned())]);
        assert!(busy(5).is_empty(), "half is not more than half");
    }

    #[test]
    fn a_task_left_waiting_on_an_event_nobody_sets_is_stuck_unless_a_timer_is_left() {
        use crate::trace::{Blocker, ResourceKind};
        let run = |timer_left: bool| {
            let mut t = Trace::new();
            let event = t.add_resource("ready", ResourceKind::Event);
            let w = t.add_task_with("waiter", None, None);
            let s = t.add_task_with("sleeper", None, None);
            t.push(ms(0), w, EventKind::PollStart);
            t.push(
                ms(0),
                w,
                EventKind::Blocked {
                    on: Blocker::Resource(event),
                },
            );
            t.push(ms(0), w, EventKind::pending(None));
            t.push(ms(0), s, EventKind::PollStart);
            t.push(
                ms(0),
                s,
                EventKind::TimerArmed {
                    deadline: ms(500).into(),
                },
            );
            t.push(ms(0), s, EventKind::pending(None));
            if !timer_left {
                t.push(ms(500), s, EventKind::TimerFired);
                t.push(ms(500), s, EventKind::woken(WakeCause::Timer));
                t.push(ms(500), s, EventKind::PollStart);
                t.push(ms(500), s, EventKind::ready());
                t.push(ms(500), s, EventKind::Completed { outcome: Outcome::Ok });
            }
            t.warnings()
        };
        let stuck = run(false);
        assert_eq!(stuck.len(), 1, "{stuck:?}");
        assert_eq!((stuck[0].rule, stuck[0].at), (Rule::Stuck, ms(0)));
        assert!(
            stuck[0]
                .message
                .starts_with("waiter waits on event \"ready\" (not set) from 0 to the end of the run (500 ms)"),
            "{}",
            stuck[0].message
        );
        // A timer is still armed: the sleeper could yet set the event.
        assert!(run(true).is_empty());
    }

    #[test]
    fn a_poll_over_fifty_ms_is_a_long_poll_and_fifty_is_not() {
        for (len, fires) in [(50, false), (51, true)] {
            let mut t = Trace::new();
            let a = t.add_task_with("w", None, None);
            t.push(ms(0), a, EventKind::PollStart);
            t.push(ms(len), a, EventKind::ready());
            assert_eq!(!t.warnings().is_empty(), fires, "{len} ms");
        }
    }
}
