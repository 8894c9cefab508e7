//! Per task figures and the code line an event concerns.

use std::time::Duration;

use asyncscope_core::trace::{EventKind, SegmentState, Trace};

/// Per task: time spent polled (running), pending (waiting), and built but
/// not yet polled, up to `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskTimes {
    /// The task.
    pub name: String,
    /// Time inside polls.
    pub running: Duration,
    /// Time pending on something.
    pub waiting: Duration,
    /// Time between its creation and its first poll.
    pub not_started: Duration,
    /// Polls.
    pub polls: u32,
    /// Wakes.
    pub wakes: u32,
    /// Wakes during its own poll.
    pub self_wakes: u32,
    /// Time woken and waiting for its turn to be polled (part of
    /// `waiting`).
    pub scheduled: Duration,
}

/// [`TaskTimes`] of every task.
pub fn task_times(trace: &Trace, now: Duration) -> Vec<TaskTimes> {
    let stats = trace.task_stats();
    trace
        .spans()
        .into_iter()
        .map(|span| {
            let s = stats.get(span.id.0 as usize).cloned().unwrap_or_default();
            let mut t = TaskTimes {
                name: span.name,
                running: Duration::ZERO,
                waiting: Duration::ZERO,
                not_started: Duration::ZERO,
                polls: s.polls,
                wakes: s.wakes,
                self_wakes: s.self_wakes,
                scheduled: s.scheduled,
            };
            for seg in &span.segments {
                let len = seg.end.unwrap_or(now).saturating_sub(seg.start);
                match seg.state {
                    SegmentState::Polled => t.running += len,
                    SegmentState::Created => t.not_started += len,
                    _ => t.waiting += len,
                }
            }
            t
        })
        .collect()
}

/// The await point that event `index` of `trace` concerns: for its task,
/// the site of the last pending poll at or before it (where the task was
/// waiting), else where the task was made.
pub fn await_site(trace: &Trace, index: usize) -> Option<&asyncscope_core::trace::Site> {
    let events = trace.events();
    let task = events.get(index)?.task;
    let pending = events[..=index]
        .iter()
        .rev()
        .filter(|e| e.task == task)
        .find_map(|e| match e.kind {
            EventKind::PollEnd {
                ready: false,
                site: Some(site),
            } => Some(site),
            _ => None,
        });
    let site = pending.or_else(|| trace.tasks().get(task.0 as usize).and_then(|m| m.site))?;
    trace.site(site)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use asyncscope_core::trace::{Outcome, WakeCause};

    /// Task `a`: polled at 0, asleep on a timer until 1000, then done.
    pub(crate) fn one_sleep() -> Trace {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("a");
        let site = t.add_site("src/demo.rs", 7);
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(
            ms(0),
            a,
            EventKind::TimerArmed {
                deadline: ms(1000).into(),
            },
        );
        t.push(ms(0), a, EventKind::pending(Some(site)));
        t.push(ms(1000), a, EventKind::woken(WakeCause::Timer));
        t.push(ms(1000), a, EventKind::PollStart);
        t.push(ms(1000), a, EventKind::Completed { outcome: Outcome::Ok });
        t
    }

    #[test]
    fn time_is_split_into_running_and_waiting() {
        let ms = Duration::from_millis;
        let t = one_sleep();
        let times = task_times(&t, ms(1000));
        assert_eq!((times[0].running, times[0].waiting), (Duration::ZERO, ms(1000)));
        assert_eq!(times[0].name, "a");
    }

    #[test]
    fn the_await_site_is_where_the_task_last_waited() {
        let t = one_sleep();
        assert_eq!(await_site(&t, 4).map(|s| s.line), Some(7), "woken: it waited at line 7");
        assert_eq!(await_site(&t, 0), None, "created, with no site of its making");
        assert_eq!(await_site(&t, 99), None);
    }
}
