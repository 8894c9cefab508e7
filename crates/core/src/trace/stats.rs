//! Per task: how often it was polled and woken, how often it woke itself,
//! and how its life divides into running, idle and scheduled (woken,
//! waiting for its turn to be polled).

use std::time::Duration;

use super::model::{EventKind, Trace};

/// One task's counts and times.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskStats {
    /// Polls.
    pub polls: u32,
    /// Wakes (at most one between two polls).
    pub wakes: u32,
    /// Wakes that came during its own poll (it woke itself).
    pub self_wakes: u32,
    /// Time inside polls.
    pub busy: Duration,
    /// Time woken and waiting to be polled.
    pub scheduled: Duration,
    /// Time between polls not scheduled: waiting on something.
    pub idle: Duration,
}

impl Trace {
    /// Every task's [`TaskStats`], by task id. A task still running counts
    /// up to the trace's last event.
    pub fn task_stats(&self) -> Vec<TaskStats> {
        #[derive(Clone, Default)]
        struct At {
            first_poll: Option<Duration>,
            in_poll: Option<Duration>,
            woken: Option<Duration>,
            end: Option<Duration>,
        }
        let n = self.tasks().len();
        let mut out = vec![TaskStats::default(); n];
        let mut at = vec![At::default(); n];
        for e in self.events() {
            let i = e.task.0 as usize;
            let (Some(s), Some(a)) = (out.get_mut(i), at.get_mut(i)) else {
                continue;
            };
            match e.kind {
                EventKind::PollStart => {
                    s.polls += 1;
                    a.first_poll.get_or_insert(e.at());
                    a.in_poll = Some(e.at());
                    if let Some(w) = a.woken.take() {
                        s.scheduled += e.at().saturating_sub(w);
                    }
                }
                EventKind::PollEnd { .. } => {
                    if let Some(start) = a.in_poll.take() {
                        s.busy += e.at().saturating_sub(start);
                    }
                }
                EventKind::Woken { .. } => {
                    s.wakes += 1;
                    if a.in_poll.is_some() {
                        s.self_wakes += 1;
                    } else if a.woken.is_none() {
                        a.woken = Some(e.at());
                    }
                }
                EventKind::Completed { .. } => a.end = Some(e.at()),
                _ => {}
            }
        }
        let last = self.events().last().map_or(Duration::ZERO, |e| e.at());
        for (s, a) in out.iter_mut().zip(&at) {
            if let Some(first) = a.first_poll {
                let life = a.end.unwrap_or(last).saturating_sub(first);
                s.idle = life.saturating_sub(s.busy + s.scheduled);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Outcome, WakeCause};

    #[test]
    fn polls_wakes_and_the_three_times_add_up() {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task_with("a", None, None);
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(ms(0), a, EventKind::woken(WakeCause::Unknown));
        t.push(
            ms(5),
            a,
            EventKind::PollEnd {
                ready: false,
                site: None,
            },
        );
        t.push(ms(5), a, EventKind::PollStart);
        t.push(
            ms(6),
            a,
            EventKind::PollEnd {
                ready: false,
                site: None,
            },
        );
        t.push(ms(100), a, EventKind::woken(WakeCause::Timer));
        t.push(ms(130), a, EventKind::PollStart);
        t.push(ms(134), a, EventKind::ready());
        t.push(ms(134), a, EventKind::Completed { outcome: Outcome::Ok });
        let s = &t.task_stats()[0];
        assert_eq!((s.polls, s.wakes, s.self_wakes), (3, 2, 1));
        assert_eq!(s.busy, ms(10));
        assert_eq!(s.scheduled, ms(30));
        assert_eq!(s.idle, ms(94));
    }
}
