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
use crate::recorder::{Blocking, Recorder, WakeTag};
use crate::trace::{Blocker, EventKind, ResourceId, ResourceKind, SiteId, WakeCause};

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

    fn record(&self, kind: fn(ResourceId, u32) -> EventKind) {
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
        QueueOp {
            state: Rc::clone(&self.state),
            inner: Box::pin(async move { tx.send(item).await.map_err(|_| Closed) }),
            site: self.state.recorder.site(Location::caller()),
            tag: WakeTag::default(),
            blocked: None,
            done: |resource, depth| EventKind::QueuePush { resource, depth },
        }
    }

    /// Takes the item at the front, waiting while the queue is empty.
    #[track_caller]
    pub fn pop(&self) -> Pop<T> {
        let rx = self.state.rx.clone();
        QueueOp {
            state: Rc::clone(&self.state),
            inner: Box::pin(async move { rx.recv().await.map_err(|_| Closed) }),
            site: self.state.recorder.site(Location::caller()),
            tag: WakeTag::default(),
            blocked: None,
            done: |resource, depth| EventKind::QueuePop { resource, depth },
        }
    }
}

/// Future of a queue operation: [`Push`] or [`Pop`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct QueueOp<T, O> {
    state: Rc<State<T>>,
    inner: LocalBoxFuture<'static, Result<O, Closed>>,
    site: Option<SiteId>,
    tag: WakeTag,
    /// Set while it waits (the queue full or empty).
    blocked: Option<Blocking>,
    /// The event it records when it succeeds, given the depth it leaves.
    done: fn(ResourceId, u32) -> EventKind,
}

/// Future for [`Queue::push`].
pub type Push<T> = QueueOp<T, ()>;

/// Future for [`Queue::pop`].
pub type Pop<T> = QueueOp<T, T>;

impl<T, O> Future for QueueOp<T, O> {
    type Output = Result<O, Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let cause = this.state.resource.map_or(WakeCause::Unknown, WakeCause::Resource);
        let poll = this
            .tag
            .poll(&this.state.recorder, cause, this.site, this.inner.as_mut(), cx);
        match &poll {
            Poll::Pending if this.blocked.is_none() => {
                let on = this.state.resource.map(Blocker::Resource);
                this.blocked = Some(this.state.recorder.blocked_on(on));
            }
            Poll::Pending => {}
            Poll::Ready(out) => {
                this.blocked = None;
                if out.is_ok() {
                    this.state.record(this.done);
                }
            }
        }
        poll
    }
}

impl<T, O> Drop for QueueOp<T, O> {
    fn drop(&mut self) {
        self.tag.disarm();
    }
}

impl<T, O> std::fmt::Debug for QueueOp<T, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueOp").finish_non_exhaustive()
    }
}

impl<T> std::fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").finish_non_exhaustive()
    }
}
