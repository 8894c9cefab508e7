//! [`limit`]: run the futures of a stream at most `n` at a time, yielding
//! their outputs as they finish (`StreamExt::buffer_unordered`, recorded).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::stream::{BufferUnordered, Map, Stream, StreamExt};

use crate::env::Env;
use crate::recorder::Recorder;
use crate::trace::{EventKind, ResourceId, ResourceKind};

struct Slots {
    limit: u32,
    running: Cell<u32>,
    recorder: Recorder,
    resource: Option<ResourceId>,
}

/// Future of one item of [`Limit`]: takes a slot on its first poll and
/// gives it back when it finishes or is dropped.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Slotted<F> {
    fut: Pin<Box<F>>,
    slots: Rc<Slots>,
    taken: bool,
}

impl<F> Unpin for Slotted<F> {}

impl<F: Future> Future for Slotted<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        if !this.taken {
            this.taken = true;
            let s = &this.slots;
            s.running.set(s.running.get() + 1);
            if let Some(resource) = s.resource {
                let available = s.limit.saturating_sub(s.running.get());
                s.recorder.event(EventKind::PermitAcquired { resource, available });
            }
        }
        let poll = this.fut.as_mut().poll(cx);
        if poll.is_ready() {
            this.give_back();
        }
        poll
    }
}

impl<F> Slotted<F> {
    fn give_back(&mut self) {
        if std::mem::take(&mut self.taken) {
            let s = &self.slots;
            s.running.set(s.running.get().saturating_sub(1));
            if let Some(resource) = s.resource {
                let available = s.limit.saturating_sub(s.running.get());
                s.recorder.event(EventKind::PermitReleased { resource, available });
            }
        }
    }
}

impl<F> Drop for Slotted<F> {
    fn drop(&mut self) {
        self.give_back();
    }
}

type Wrap<F> = Box<dyn FnMut(F) -> Slotted<F>>;

/// Stream for [`limit`].
#[must_use = "streams do nothing unless polled"]
pub struct Limit<St: Stream>
where
    St::Item: Future,
{
    inner: BufferUnordered<Map<St, Wrap<St::Item>>>,
}

/// Runs the futures that `stream` yields, at most `n` (at least 1) at a
/// time, and yields their outputs in the order they finish. The slots are
/// recorded as resource `name`, so the trace shows that no more than `n`
/// ran at once.
pub fn limit<E: Env, St>(env: &E, name: &str, n: u32, stream: St) -> Limit<St>
where
    St: Stream,
    St::Item: Future + 'static,
{
    let n = n.max(1);
    let recorder = env.recorder();
    let resource = recorder.resource(name, ResourceKind::Limit { limit: n });
    let slots = Rc::new(Slots {
        limit: n,
        running: Cell::new(0),
        recorder,
        resource,
    });
    let wrap: Wrap<St::Item> = Box::new(move |fut| Slotted {
        fut: Box::pin(fut),
        slots: Rc::clone(&slots),
        taken: false,
    });
    Limit {
        inner: stream.map(wrap).buffer_unordered(n as usize),
    }
}

impl<St: Stream> Stream for Limit<St>
where
    St::Item: Future,
    St: Unpin,
{
    type Item = <St::Item as Future>::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<F> std::fmt::Debug for Slotted<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slotted").finish_non_exhaustive()
    }
}

impl<St: Stream> std::fmt::Debug for Limit<St>
where
    St::Item: Future,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limit").finish_non_exhaustive()
    }
}
