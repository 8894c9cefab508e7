//! Awaiting through these names records the line of the `.await`, so the
//! page lights the line a task is waiting at.
//!
//! The core's own futures (timers, requests, named tasks, join handles)
//! learn the line of the `.await` that polls them: their `poll` is
//! `#[track_caller]`, and the `.await` of an `async fn` calls `poll`
//! directly. A future of another crate (`futures`' `join_all`, a stream's
//! `next`) is polled by that `.await` instead, and the core's futures
//! inside it are polled from the other crate's code, which says nothing
//! about the demo's line. The functions here are `futures`' own, returned
//! inside [`At`], whose `poll` is `#[track_caller]`: written the usual way
//! (`join_all(tasks).await`, `ticks.next().await`), the demo's code reads
//! the same and its task is seen waiting at that line.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{self, JoinAll, Select, SelectAll, SelectOk, TryFuture, TryJoinAll};
use futures::stream::{Next, Stream, Take};

use crate::env::Env;
use crate::recorder::{Recorder, note_await};
use crate::trace::{EventKind, ResourceId, ResourceKind, TaskId};

/// A future of another crate, awaited at a line the trace can name: the
/// line of the `.await` that polls it.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct At<F> {
    inner: Pin<Box<F>>,
}

impl<F> At<F> {
    /// Wraps `inner`.
    pub fn new(inner: F) -> Self {
        At { inner: Box::pin(inner) }
    }
}

// The inner future is boxed, so no field is structurally pinned.
impl<F> Unpin for At<F> {}

impl<F: Future> Future for At<F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let caller = Location::caller();
        let poll = self.inner.as_mut().poll(cx);
        if poll.is_pending() {
            note_await(caller);
        }
        poll
    }
}

impl<F> std::fmt::Debug for At<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("At").finish_non_exhaustive()
    }
}

/// `futures::future::join_all`, awaited at a line the trace names.
pub fn join_all<I>(futures: I) -> At<JoinAll<I::Item>>
where
    I: IntoIterator,
    I::Item: Future,
{
    At::new(future::join_all(futures))
}

/// `futures::future::try_join_all`, awaited at a line the trace names.
pub fn try_join_all<I>(futures: I) -> At<TryJoinAll<I::Item>>
where
    I: IntoIterator,
    I::Item: TryFuture,
{
    At::new(future::try_join_all(futures))
}

/// `futures::future::select_all`, awaited at a line the trace names.
pub fn select_all<I>(futures: I) -> At<SelectAll<I::Item>>
where
    I: IntoIterator,
    I::Item: Future + Unpin,
{
    At::new(future::select_all(futures))
}

/// `futures::future::select_ok`, awaited at a line the trace names.
pub fn select_ok<I>(futures: I) -> At<SelectOk<I::Item>>
where
    I: IntoIterator,
    I::Item: TryFuture + Unpin,
{
    At::new(future::select_ok(futures))
}

/// `futures::future::select`, awaited at a line the trace names.
pub fn select<A, B>(a: A, b: B) -> At<Select<A, B>>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    At::new(future::select(a, b))
}

/// Both futures at once (`futures::join!` for two), awaited at a line the
/// trace names.
pub fn join<A: Future, B: Future>(a: A, b: B) -> At<future::Join<A, B>> {
    At::new(future::join(a, b))
}

/// Three futures at once (`futures::join!` for three), awaited at a line
/// the trace names.
pub fn join3<A: Future, B: Future, C: Future>(a: A, b: B, c: C) -> At<future::Join3<A, B, C>> {
    At::new(future::join3(a, b, c))
}

/// `futures::future::Abortable`, awaited at a line the trace names.
pub type Abortable<F> = At<future::Abortable<F>>;

/// `futures::future::abortable`: the future, stopped by the handle,
/// awaited at a line the trace names.
pub fn abortable<F: Future>(fut: F) -> (Abortable<F>, future::AbortHandle) {
    let (fut, handle) = future::abortable(fut);
    (At::new(fut), handle)
}

/// `async_lock::Mutex`, whose `lock` is awaited at a line the trace names.
/// Made with [`Mutex::named`], it is also a resource of the trace (a lock:
/// a semaphore of one permit), so a task waiting for it is seen waiting on
/// the lock, held by whom.
#[derive(Default)]
pub struct Mutex<T> {
    inner: async_lock::Mutex<T>,
    recorder: Recorder,
    resource: Option<ResourceId>,
}

impl<T> Mutex<T> {
    /// A mutex holding `value`, not recorded.
    pub fn new(value: T) -> Self {
        Mutex {
            inner: async_lock::Mutex::new(value),
            recorder: Recorder::off(),
            resource: None,
        }
    }

    /// A mutex holding `value`, recorded in `env`'s trace as the lock `name`.
    pub fn named<E: Env>(env: &E, name: &str, value: T) -> Self {
        let recorder = env.recorder();
        let resource = recorder.resource(name, ResourceKind::Lock);
        Mutex {
            inner: async_lock::Mutex::new(value),
            recorder,
            resource,
        }
    }

    /// The guard, once no one else holds it.
    pub fn lock(&self) -> At<impl Future<Output = MutexGuard<'_, T>> + '_> {
        At::new(async move {
            let guard = match self.inner.try_lock() {
                Some(guard) => guard,
                None => {
                    let waiting = self.resource.map(|resource| {
                        self.recorder.event(EventKind::PermitWaiting { resource });
                        GaveUp {
                            mutex: self,
                            task: self.recorder.current_task(),
                        }
                    });
                    let guard = self.inner.lock().await;
                    std::mem::forget(waiting);
                    guard
                }
            };
            if let Some(resource) = self.resource {
                self.recorder
                    .event(EventKind::PermitAcquired { resource, available: 0 });
            }
            MutexGuard { guard, mutex: self }
        })
    }
}

/// Records that a wait for a lock was dropped before it got the lock.
struct GaveUp<'a, T> {
    mutex: &'a Mutex<T>,
    task: Option<TaskId>,
}

impl<T> Drop for GaveUp<'_, T> {
    fn drop(&mut self) {
        if let (Some(resource), Some(task)) = (self.mutex.resource, self.task) {
            self.mutex
                .recorder
                .event_for(task, EventKind::PermitGaveUp { resource });
        }
    }
}

impl<T> std::fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mutex")
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

/// A held [`Mutex`]: the value, until dropped (which records the release).
pub struct MutexGuard<'a, T> {
    guard: async_lock::MutexGuard<'a, T>,
    mutex: &'a Mutex<T>,
}

impl<T> std::ops::Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(resource) = self.mutex.resource {
            self.mutex
                .recorder
                .event(EventKind::PermitReleased { resource, available: 1 });
        }
    }
}

impl<T> std::fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MutexGuard").finish_non_exhaustive()
    }
}

/// The parts of `futures::StreamExt` the demos use, with `next` awaited at
/// a line the trace names. Import this one instead of `futures::StreamExt`
/// (both in scope would make `next` ambiguous).
pub trait StreamExt: Stream {
    /// The next item, as `futures::StreamExt::next`.
    fn next(&mut self) -> At<Next<'_, Self>>
    where
        Self: Unpin,
    {
        At::new(futures::StreamExt::next(self))
    }

    /// At most `n` items, as `futures::StreamExt::take`.
    fn take(self, n: usize) -> Take<Self>
    where
        Self: Sized,
    {
        futures::StreamExt::take(self, n)
    }

    /// Every item in a collection, as `futures::StreamExt::collect`,
    /// awaited at a line the trace names.
    fn collect<C: Default + Extend<Self::Item>>(self) -> At<futures::stream::Collect<Self, C>>
    where
        Self: Sized,
    {
        At::new(futures::StreamExt::collect(self))
    }
}

impl<S: Stream + ?Sized> StreamExt for S {}
