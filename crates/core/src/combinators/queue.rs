//! [`Queue`]: an async FIFO queue, bounded or not, whose pushes and pops
//! are recorded with the depth they leave (Python's `asyncio.Queue`).
//!
//! Built on `async_channel`; this wrapper adds the trace events and the
//! wake cause.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::future::LocalBoxFuture;

use crate::env::Env;
use crate::recorder::{Recorder, WakeTag};
use crate::trace::{EventKind, ResourceId, ResourceKind, SiteId, WakeCause};

struct State<T> {
    tx: async_channel::Sender<T>,
    rx: async_channel::Receiver<T>,
    recorder: Recorder,
    resource: Option<ResourceId>,
}

impl<T> State<T> {
    fn depth(&self) -> u32 {
        u32::try_from(self.rx.len()).unwrap_or(u32::MAX)
    }

    fn record(&self, kind: impl FnOnce(ResourceId, u32) -> EventKind) {
        if let Some(resource) = self.resource {
            self.recorder.event(kind(resource, self.depth()));
        }
    }
}

/// A FIFO queue shared by its clones. Pushing waits while a bounded queue
/// is full; popping waits while it is empty.
pub struct Queue<T> {
    state: Rc<State<T>>,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Self {
            state: Rc::clone(&self.state),
        }
    }
}

/// The queue was closed: nothing more can be pushed, and it is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is closed")
    }
}

impl std::error::Error for Closed {}

impl<T: 'static> Queue<T> {
    /// A queue holding at most `capacity` items (at least 1), or any number
    /// if `None`, recorded as resource `name`.
    pub fn new<E: Env>(env: &E, name: &str, capacity: Option<u32>) -> Self {
        let (tx, rx) = match capacity {
            Some(n) => async_channel::bounded(n.max(1) as usize),
            None => async_channel::unbounded(),
        };
        let recorder = env.recorder();
        let resource = recorder.resource(
            name,
            ResourceKind::Queue {
                capacity: capacity.map(|n| n.max(1)),
            },
        );
        Self {
            state: Rc::new(State {
                tx,
                rx,
                recorder,
                resource,
            }),
        }
    }

    /// Items in the queue now.
    pub fn len(&self) -> usize {
        self.state.rx.len()
    }

    /// True if the queue holds nothing.
    pub fn is_empty(&self) -> bool {
        self.state.rx.is_empty()
    }

    /// Closes the queue: pushes fail from now on; pops drain what is left,
    /// then fail.
    pub fn close(&self) {
        self.state.tx.close();
    }

    /// Puts `item` at the back, waiting while a bounded queue is full.
    #[track_caller]
    pub fn push(&self, item: T) -> Push<T> {
        let tx = self.state.tx.clone();
        Push {
            state: Rc::clone(&self.state),
            inner: Box::pin(async move { tx.send(item).await.map_err(|_| Closed) }),
            site: self.state.recorder.site(Location::caller()),
            tag: WakeTag::default(),
        }
    }

    /// Takes the item at the front, waiting while the queue is empty.
    #[track_caller]
    pub fn pop(&self) -> Pop<T> {
        let rx = self.state.rx.clone();
        Pop {
            state: Rc::clone(&self.state),
            inner: Box::pin(async move { rx.recv().await.map_err(|_| Closed) }),
            site: self.state.recorder.site(Location::caller()),
            tag: WakeTag::default(),
        }
    }
}

/// Future for [`Queue::push`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Push<T> {
    state: Rc<State<T>>,
    inner: LocalBoxFuture<'static, Result<(), Closed>>,
    site: Option<SiteId>,
    tag: WakeTag,
}

impl<T> Future for Push<T> {
    type Output = Result<(), Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let cause = this.state.resource.map_or(WakeCause::Unknown, WakeCause::Resource);
        let waker = this.tag.waker(&this.state.recorder, cause, cx.waker());
        let poll = this.inner.as_mut().poll(&mut Context::from_waker(&waker));
        match &poll {
            Poll::Ready(Ok(())) => this
                .state
                .record(|resource, depth| EventKind::QueuePush { resource, depth }),
            Poll::Ready(Err(Closed)) => {}
            Poll::Pending => this.state.recorder.pending_at(this.site),
        }
        poll
    }
}

impl<T> Drop for Push<T> {
    fn drop(&mut self) {
        self.tag.disarm();
    }
}

/// Future for [`Queue::pop`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Pop<T> {
    state: Rc<State<T>>,
    inner: LocalBoxFuture<'static, Result<T, Closed>>,
    site: Option<SiteId>,
    tag: WakeTag,
}

impl<T> Future for Pop<T> {
    type Output = Result<T, Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let cause = this.state.resource.map_or(WakeCause::Unknown, WakeCause::Resource);
        let waker = this.tag.waker(&this.state.recorder, cause, cx.waker());
        let poll = this.inner.as_mut().poll(&mut Context::from_waker(&waker));
        match &poll {
            Poll::Ready(Ok(_)) => this
                .state
                .record(|resource, depth| EventKind::QueuePop { resource, depth }),
            Poll::Ready(Err(Closed)) => {}
            Poll::Pending => this.state.recorder.pending_at(this.site),
        }
        poll
    }
}

impl<T> Drop for Pop<T> {
    fn drop(&mut self) {
        self.tag.disarm();
    }
}
