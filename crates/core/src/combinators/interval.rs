//! [`interval`]: ticks on a fixed period, on absolute deadlines, so that
//! time spent between ticks does not make the schedule drift.

use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::LocalBoxFuture;
use futures::stream::Stream;

use crate::env::Env;
use crate::recorder::Recorder;
use crate::trace::SiteId;

/// What to do when ticks were missed because the consumer was late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissedTicks {
    /// Fire the missed ticks at once, one after another, then keep the
    /// schedule.
    Burst,
    /// Deliver one tick for the most recent deadline that passed and drop
    /// the ones before it; the schedule itself does not move.
    Skip,
}

/// One tick of an [`Interval`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// Its number on the schedule: `start + index × period`.
    pub index: u64,
    /// When it was due.
    pub deadline: Duration,
    /// When it was delivered.
    pub at: Duration,
}

/// Stream for [`interval`].
#[must_use = "streams do nothing unless polled"]
pub struct Interval<E: Env> {
    env: E,
    start: Duration,
    period: Duration,
    missed: MissedTicks,
    next: u64,
    sleep: Option<LocalBoxFuture<'static, ()>>,
    recorder: Recorder,
    site: Option<SiteId>,
}

/// Ticks at `now + k × period` for k = 0, 1, 2, ... (the first at once).
/// A zero period is raised to one microsecond.
#[track_caller]
pub fn interval<E: Env>(env: &E, period: Duration, missed: MissedTicks) -> Interval<E> {
    let recorder = env.recorder();
    Interval {
        start: env.now(),
        env: env.clone(),
        period: period.max(Duration::from_micros(1)),
        missed,
        next: 0,
        sleep: None,
        site: recorder.site(Location::caller()),
        recorder,
    }
}

impl<E: Env> Interval<E> {
    fn deadline(&self, index: u64) -> Duration {
        let period = self.period.as_nanos();
        let offset = period.saturating_mul(u128::from(index));
        self.start + Duration::from_nanos(u64::try_from(offset).unwrap_or(u64::MAX))
    }
}

impl<E: Env> Unpin for Interval<E> {}

impl<E: Env> Stream for Interval<E> {
    type Item = Tick;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Tick>> {
        let this = self.get_mut();
        let deadline = this.deadline(this.next);
        // A timer already made is waited for even once its deadline has
        // passed: the tick is its firing, which the trace records as fired
        // (dropped unobserved, it would read as cancelled).
        if this.sleep.is_some() || this.env.now() < deadline {
            let sleep = this
                .sleep
                .get_or_insert_with(|| Box::pin(this.env.sleep_until(deadline)));
            if sleep.as_mut().poll(cx).is_pending() {
                this.recorder.pending_at(this.site);
                return Poll::Pending;
            }
        }
        this.sleep = None;
        let now = this.env.now();
        if this.missed == MissedTicks::Skip {
            // Late: deliver the most recent deadline that passed, drop the
            // ones before it.
            let period = this.period.as_nanos().max(1);
            let latest = u64::try_from(now.saturating_sub(this.start).as_nanos() / period).unwrap_or(u64::MAX);
            this.next = this.next.max(latest);
        }
        let tick = Tick {
            index: this.next,
            deadline: this.deadline(this.next),
            at: now,
        };
        this.next += 1;
        Poll::Ready(Some(tick))
    }
}

impl<E: Env> std::fmt::Debug for Interval<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interval").finish_non_exhaustive()
    }
}
