//! How many tasks are in flight over time.

use std::time::Duration;

use super::model::{Event, EventKind, Trace};

impl Trace {
    /// How many tasks are in flight, as a step function: `(instant, count
    /// from then on)`, one entry per change. A task is in flight from its
    /// first poll to its end, except while it waits for a permit: a task
    /// queued at a semaphore has not been let in yet. A task that ends at the
    /// instant another starts does not overlap it.
    pub fn in_flight(&self) -> Vec<(Duration, u32)> {
        let mut out = Vec::new();
        InFlightFold::default().feed(&mut out, self.tasks.len(), &self.events);
        out
    }

    /// The most tasks in flight at any one instant (see [`Trace::in_flight`];
    /// changes at one instant are netted, so back-to-back tasks count once).
    pub fn max_in_flight(&self) -> usize {
        self.in_flight().iter().map(|(_, n)| *n as usize).max().unwrap_or(0)
    }
}

/// [`Trace::in_flight`] made as a trace grows: fed the trace's events a
/// stretch at a time, it keeps the steps up to date. Fed a whole trace at
/// once or in stretches, it makes the same steps.
#[derive(Clone, Debug, Default)]
pub struct InFlightFold {
    /// Per task id: where it is in its life.
    life: Vec<Life>,
    /// How many are in flight after the events seen.
    now: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Life {
    #[default]
    New,
    /// In its first poll, which began at this instant.
    FirstPoll(Duration),
    Running,
    Queued,
    Ended,
}

impl InFlightFold {
    /// Takes `events` into `out`, which holds the steps this fold made from
    /// the events before them (and nothing else); the trace has `tasks`
    /// tasks.
    pub fn feed(&mut self, out: &mut Vec<(Duration, u32)>, tasks: usize, events: &[Event]) {
        if self.life.len() < tasks {
            self.life.resize(tasks, Life::New);
        }
        for ev in events {
            let Some(state) = self.life.get_mut(ev.task.0 as usize) else {
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
                    self.now = self.now.saturating_sub(1);
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
            self.now = self.now.saturating_add_signed(delta);
            match out.last_mut() {
                Some(last) if last.0 == ev.at() => last.1 = self.now,
                _ => out.push((ev.at(), self.now)),
            }
        }
    }
}
