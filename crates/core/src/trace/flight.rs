//! How many tasks are in flight over time.

use std::time::Duration;

use super::model::{EventKind, Trace};

impl Trace {
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
                (EventKind::PollStart, Life::New) => (Life::FirstPoll(ev.at()), 1),
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
                Some(last) if last.0 == ev.at() => last.1 = now,
                _ => out.push((ev.at(), now)),
            }
        }
        out
    }

    /// The most tasks in flight at any one instant (see [`Trace::in_flight`];
    /// changes at one instant are netted, so back-to-back tasks count once).
    pub fn max_in_flight(&self) -> usize {
        self.in_flight().iter().map(|(_, n)| *n as usize).max().unwrap_or(0)
    }
}
