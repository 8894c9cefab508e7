//! [`JoinHandle`]: the handle of a spawned task. Dropping it cancels the
//! task; [`JoinHandle::detach`] lets the task run on its own.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::{AbortHandle, LocalBoxFuture, abortable};

use crate::recorder::{Blocking, Recorder};
use crate::trace::{Blocker, TaskId};

/// The handle of a task started with [`crate::Env::spawn`]. Awaiting it
/// yields the task's output, or [`JoinError`] if the task was cancelled.
#[must_use = "dropping a JoinHandle cancels its task; call .detach() to let it run"]
pub struct JoinHandle<T> {
    output: oneshot::Receiver<T>,
    abort: Option<AbortHandle>,
    /// The task's id and the recorder of its trace, when traced: a task
    /// awaiting the handle is recorded as blocked on it.
    watch: Option<(Recorder, TaskId)>,
    blocked: Option<Blocking>,
}

/// The task ended without an output: it was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinError;

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the task was cancelled before it finished")
    }
}

impl std::error::Error for JoinError {}

/// Wraps `fut` for an executor: the boxed future to spawn, and its handle.
pub(crate) fn wrap<F>(fut: F) -> (LocalBoxFuture<'static, ()>, JoinHandle<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let (tx, rx) = oneshot::channel();
    let (fut, abort) = abortable(fut);
    let boxed = async move {
        if let Ok(out) = fut.await {
            let _ = tx.send(out);
        }
    }
    .boxed_local();
    (
        boxed,
        JoinHandle {
            output: rx,
            abort: Some(abort),
            watch: None,
            blocked: None,
        },
    )
}

impl<T> JoinHandle<T> {
    /// Says which task of which trace this handle joins.
    pub(crate) fn watch(&mut self, recorder: Recorder, task: TaskId) {
        self.watch = Some((recorder, task));
    }

    /// Lets the task run to its end even though nobody awaits it.
    pub fn detach(mut self) {
        self.abort = None;
    }

    /// Cancels the task: its future is dropped the next time the executor
    /// gets to it. Awaiting the handle then yields [`JoinError`].
    pub fn abort(&self) {
        if let Some(abort) = &self.abort {
            abort.abort();
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    /// Pending until the task ends; the line of the `.await` is the line
    /// the awaiting task waits at.
    #[track_caller]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let poll = self.output.poll_unpin(cx).map(|r| r.map_err(|_| JoinError));
        if poll.is_pending() {
            crate::recorder::note_await(std::panic::Location::caller());
            if self.blocked.is_none()
                && let Some((recorder, task)) = &self.watch
            {
                let blocked = recorder.blocked_on(Some(Blocker::Task(*task)));
                self.blocked = Some(blocked);
            }
        } else if let (None, Some((recorder, task))) = (self.blocked.take(), &self.watch) {
            // Ready at the first look: joined all the same (its output,
            // an error too, was taken), for no time.
            drop(recorder.blocked_on(Some(Blocker::Task(*task))));
        }
        poll
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if let Some(abort) = self.abort.take() {
            abort.abort();
        }
    }
}

impl<T> std::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}
