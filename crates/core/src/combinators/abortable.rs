//! [`abortable_with_cleanup`]: work that can be aborted from outside, with
//! a hook that runs if it does not finish (Python's `try: ... finally:` on
//! `CancelledError`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{AbortHandle, Abortable, Aborted, abortable};

use crate::env::Env;
use crate::recorder::Recorder;
use crate::trace::EventKind;

/// Future for [`abortable_with_cleanup`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct AbortableWithCleanup<F, C: FnOnce()> {
    fut: Pin<Box<Abortable<F>>>,
    cleanup: Option<C>,
    recorder: Recorder,
}

/// Wraps `fut` so that the returned [`AbortHandle`] can stop it. If it is
/// aborted, or dropped before it finishes, `cleanup` runs once (and a log
/// line records it); if it finishes, `cleanup` never runs. Yields
/// `Err(Aborted)` when aborted.
pub fn abortable_with_cleanup<E: Env, F: Future, C: FnOnce()>(
    env: &E,
    fut: F,
    cleanup: C,
) -> (AbortableWithCleanup<F, C>, AbortHandle) {
    let (fut, handle) = abortable(fut);
    (
        AbortableWithCleanup {
            fut: Box::pin(fut),
            cleanup: Some(cleanup),
            recorder: env.recorder(),
        },
        handle,
    )
}

impl<F, C: FnOnce()> AbortableWithCleanup<F, C> {
    fn clean_up(&mut self) {
        if let Some(cleanup) = self.cleanup.take() {
            self.recorder.event(EventKind::Log {
                text: "cleanup ran".into(),
            });
            cleanup();
        }
    }
}

impl<F, C: FnOnce()> Unpin for AbortableWithCleanup<F, C> {}

impl<F: Future, C: FnOnce()> Future for AbortableWithCleanup<F, C> {
    type Output = Result<F::Output, Aborted>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let poll = this.fut.as_mut().poll(cx);
        match &poll {
            Poll::Ready(Ok(_)) => this.cleanup = None,
            Poll::Ready(Err(Aborted)) => this.clean_up(),
            Poll::Pending => {}
        }
        poll
    }
}

impl<F, C: FnOnce()> Drop for AbortableWithCleanup<F, C> {
    fn drop(&mut self) {
        self.clean_up();
    }
}

impl<F, C: FnOnce()> std::fmt::Debug for AbortableWithCleanup<F, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AbortableWithCleanup").finish_non_exhaustive()
    }
}
