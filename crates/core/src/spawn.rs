//! [`JoinHandle`]: the handle of a spawned task. Dropping it cancels the
//! task; [`JoinHandle::detach`] lets the task run on its own.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::{AbortHandle, Abortable, LocalBoxFuture, abortable};
use pin_project_lite::pin_project;

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
    let boxed = Box::pin(Deliver { fut, tx: Some(tx) });
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

pin_project! {
    /// A spawned task as its executor holds it: runs `fut` and sends its
    /// output to the handle. Written out rather than an `async` block,
    /// which would keep `fut` twice (as captured and as awaited) and copy
    /// it from one to the other at the first poll: a task is polled
    /// thousands of times in a big run, and its size is what the
    /// executor's cache holds.
    #[must_use = "futures do nothing unless polled"]
    struct Deliver<F: Future> {
        #[pin]
        fut: Abortable<F>,
        tx: Option<oneshot::Sender<F::Output>>,
    }
}

impl<F: Future> Future for Deliver<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        // Done (its sender is gone): the work is not polled again.
        if this.tx.is_none() {
            return Poll::Ready(());
        }
        let Poll::Ready(result) = this.fut.poll(cx) else {
            return Poll::Pending;
        };
        // The sender is taken either way: aborted, it is dropped, and the
        // handle says the task was cancelled. (One instance of this per
        // spawned future's type: kept short, it is most of the task's code
        // in the WebAssembly.)
        if let (Ok(out), Some(tx)) = (result, this.tx.take()) {
            let _ = tx.send(out);
        }
        Poll::Ready(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A task's future as its executor keeps it holds the work once: not
    /// as captured and again as awaited, which an `async` block around
    /// the work would (twice the size, and a copy at the first poll).
    #[test]
    fn a_spawned_task_holds_its_work_once() {
        let work = async {
            let block = [7u8; 4096];
            futures::future::ready(()).await;
            block.iter().map(|b| u32::from(*b)).sum::<u32>()
        };
        let work_size = std::mem::size_of_val(&work);
        assert!(work_size >= 4096, "the work holds its block: {work_size}");
        let (boxed, handle) = wrap(work);
        let task_size = std::mem::size_of_val(&*boxed);
        assert!(
            task_size < work_size + 256,
            "the task is {task_size} bytes for {work_size} bytes of work"
        );
        // And it still runs the work and hands its output over.
        let (mut boxed, mut handle) = (boxed, handle);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert_eq!(boxed.as_mut().poll(&mut cx), Poll::Ready(()));
        // Polled again after it ended, it stays ended and leaves the work
        // alone (an `async` block would panic: resumed after completion).
        assert_eq!(boxed.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(Pin::new(&mut handle).poll(&mut cx), Poll::Ready(Ok(7 * 4096)));
    }
}
