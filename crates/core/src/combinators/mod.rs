//! Instrumented combinators, one per file, in the futures-rs style: each
//! function returns a `#[must_use]` future or stream named after it
//! (`with_retry` returns [`WithRetry`]), and each records what it does in
//! the trace of a tracing environment (and nothing otherwise).
//!
//! Underneath: `futures` (`Abortable`, `buffer_unordered`),
//! `async-lock` (the semaphore) and `async-channel` (the queue). Timeouts, retry and intervals are
//! built on [`crate::Env::sleep_until`] so they run the same under the
//! browser's clock and the virtual one.

pub mod abortable;
pub mod interval;
pub mod limit;
pub mod queue;
pub mod retry;
pub mod semaphore;
pub mod timeout;

pub use abortable::{AbortableWithCleanup, abortable_with_cleanup};
pub use interval::{Interval, MissedTicks, Tick, interval};
pub use limit::{Limit, limit};
pub use queue::{Closed, Pop, Push, Queue, QueueOp};
pub use retry::{Jitter, RetryPolicy, WithRetry, with_retry};
pub use semaphore::{Acquire, OverRelease, Permit, Semaphore};
pub use timeout::{Elapsed, Timeout, timeout};
