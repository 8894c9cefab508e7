//! [`timeout`]: a future that gives up on its inner future at a deadline.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::LocalBoxFuture;

use crate::env::Env;
use crate::recorder::Recorder;
use crate::trace::{EventKind, Outcome, SiteId};

/// The deadline passed before the inner future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// The time limit that passed.
    pub after: Duration,
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {} ms", self.after.as_millis())
    }
}

impl std::error::Error for Elapsed {}

/// Future for [`timeout`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Timeout<F> {
    fut: Option<Pin<Box<F>>>,
    deadline: LocalBoxFuture<'static, ()>,
    after: Duration,
    recorder: Recorder,
    site: Option<SiteId>,
}

/// Runs `fut` for at most `after`. If the deadline comes first, `fut` is
/// dropped (tasks inside it end as `timeout`, not `cancelled`) and the
/// result is [`Elapsed`]. Like `asyncio.wait_for`.
#[track_caller]
pub fn timeout<E: Env, F: Future>(env: &E, after: Duration, fut: F) -> Timeout<F> {
    let recorder = env.recorder();
    Timeout {
        site: recorder.site(Location::caller()),
        fut: Some(Box::pin(fut)),
        deadline: Box::pin(env.sleep(after)),
        after,
        recorder,
    }
}

impl<F> Unpin for Timeout<F> {}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let caller = Location::caller();
        let this = self.get_mut();
        let Some(fut) = this.fut.as_mut() else {
            return Poll::Pending;
        };
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            this.fut = None;
            return Poll::Ready(Ok(out));
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            this.recorder.event(EventKind::DeadlinePassed);
            let fut = this.fut.take();
            this.recorder.dropping_as(Outcome::Timeout, || drop(fut));
            return Poll::Ready(Err(Elapsed { after: this.after }));
        }
        this.recorder.pending_at(this.site);
        crate::recorder::note_await(caller);
        Poll::Pending
    }
}

impl<F> std::fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timeout")
            .field("done", &self.fut.is_none())
            .finish_non_exhaustive()
    }
}
