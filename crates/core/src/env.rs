//! The environment seam: everything a demo needs from the outside world.

use std::future::Future;
use std::time::Duration;

/// What a demo may use of the world: a monotonic clock, timers, and a way to
/// give a future a name so that it shows as a lane.
///
/// Implementations: the browser's (in the app crate: `performance.now()` and
/// gloo-timers), [`crate::virtual_time::VirtualEnv`] (a deterministic clock
/// that jumps to the next timer) and [`crate::Traced`], which wraps either one
/// and records a [`crate::Trace`].
///
/// Environments are cheap handles: cloning one shares the same clock.
pub trait Env: Clone + 'static {
    /// Time elapsed since this environment's origin.
    fn now(&self) -> Duration;

    /// A future that completes once `duration` has passed. Dropping it
    /// cancels the timer.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static;

    /// Completes at the instant `deadline` (on this environment's clock), or
    /// at once if it has passed. Loops that sleep until absolute deadlines
    /// do not drift.
    fn sleep_until(&self, deadline: Duration) -> impl Future<Output = ()> + 'static {
        self.sleep(deadline.saturating_sub(self.now()))
    }

    /// Gives `fut` a name, so that a tracing environment draws it as its own
    /// lane. An untraced environment returns the future unchanged.
    fn task<F: Future>(&self, name: impl Into<String>, fut: F) -> impl Future<Output = F::Output> {
        let _ = name;
        fut
    }
}
