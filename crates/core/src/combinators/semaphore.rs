//! [`Semaphore`]: a fair async counting semaphore with RAII permits, and
//! its bounded form that refuses a release above its limit.
//!
//! First come, first served, as asyncio's: waiters queue in the order they
//! first asked, and a permit given back goes straight to the head of the
//! queue (the pool only grows when nobody waits), so a newcomer cannot take
//! it before a waiter. Every change is recorded (waiting, acquired,
//! released with the permits left, gave up, refused).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::env::Env;
use crate::recorder::Recorder;
use crate::trace::{EventKind, ResourceId, ResourceKind, SiteId, TaskId, WakeCause};

/// A task in the queue: whether a permit was handed to it, and how to wake
/// it.
#[derive(Default)]
struct Waiter {
    granted: Cell<bool>,
    waker: RefCell<Option<Waker>>,
    /// The traced task that registered `waker`: its wake is recorded as
    /// this semaphore's (see [`Recorder::wake_as`]).
    task: Cell<Option<TaskId>>,
}

struct State {
    /// Permits in the pool, free for whoever asks while nobody waits.
    available: Cell<u32>,
    /// Waiters in the order they asked.
    waiters: RefCell<VecDeque<Rc<Waiter>>>,
    limit: u32,
    bounded: bool,
    /// Permits out of the pool: held through [`Permit`]s, or handed to a
    /// waiter that has not yet taken it.
    held: Cell<u32>,
    recorder: Recorder,
    resource: Option<ResourceId>,
}

impl State {
    fn available(&self) -> u32 {
        self.available.get()
    }

    /// A permit from the pool, if one is free and nobody waits for it.
    fn take_now(&self) -> bool {
        let free = self.available.get();
        if free == 0 || !self.waiters.borrow().is_empty() {
            return false;
        }
        self.available.set(free - 1);
        self.held.set(self.held.get() + 1);
        true
    }

    /// Gives `n` permits back: each to the head of the queue (woken), and
    /// to the pool once nobody waits.
    fn give(&self, mut n: u32) {
        while n > 0 {
            let head = self.waiters.borrow_mut().pop_front();
            let Some(waiter) = head else {
                break;
            };
            waiter.granted.set(true);
            self.held.set(self.held.get() + 1);
            n -= 1;
            let waker = waiter.waker.borrow_mut().take();
            if let Some(waker) = waker {
                let cause = self.resource.map_or(WakeCause::Unknown, WakeCause::Resource);
                self.recorder.wake_as(waiter.task.get(), cause, waker);
            }
        }
        self.available.set(self.available.get().saturating_add(n));
    }
}

/// A counting semaphore. Clones share the same permits.
#[derive(Clone)]
pub struct Semaphore {
    state: Rc<State>,
}

/// A bounded semaphore refused a release: it would have had more permits
/// than it started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverRelease {
    /// The semaphore's limit.
    pub limit: u32,
}

impl fmt::Display for OverRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "released more permits than the limit of {}", self.limit)
    }
}

impl std::error::Error for OverRelease {}

impl Semaphore {
    /// A semaphore with `permits` permits, recorded as resource `name`.
    pub fn new<E: Env>(env: &E, name: &str, permits: u32) -> Self {
        Self::build(env, name, permits, false)
    }

    /// Like [`Semaphore::new`], but [`Semaphore::release`] refuses to go
    /// above `permits` (Python's `BoundedSemaphore`).
    pub fn bounded<E: Env>(env: &E, name: &str, permits: u32) -> Self {
        Self::build(env, name, permits, true)
    }

    fn build<E: Env>(env: &E, name: &str, permits: u32, bounded: bool) -> Self {
        let recorder = env.recorder();
        let resource = recorder.resource(name, ResourceKind::Semaphore { permits });
        Self {
            state: Rc::new(State {
                available: Cell::new(permits),
                waiters: RefCell::new(VecDeque::new()),
                limit: permits,
                bounded,
                held: Cell::new(0),
                recorder,
                resource,
            }),
        }
    }

    /// Waits for a permit. The permit goes back when it is dropped.
    #[track_caller]
    pub fn acquire(&self) -> Acquire {
        Acquire {
            state: Rc::clone(&self.state),
            site: self.state.recorder.site(Location::caller()),
            queued: None,
            waiting: None,
        }
    }

    /// A permit if one is free now and nobody waits for it.
    pub fn try_acquire(&self) -> Option<Permit> {
        self.state.take_now().then(|| Permit::granted(&self.state))
    }

    /// Permits free now.
    pub fn available(&self) -> u32 {
        self.state.available()
    }

    /// The permits it started with.
    pub fn limit(&self) -> u32 {
        self.state.limit
    }

    /// Adds `n` permits, as a manual `release()` does after
    /// [`Permit::forget`]. A bounded semaphore refuses to exceed its limit.
    pub fn release(&self, n: u32) -> Result<(), OverRelease> {
        let s = &self.state;
        if s.bounded && u64::from(s.available()) + u64::from(s.held.get()) + u64::from(n) > u64::from(s.limit) {
            if let Some(resource) = s.resource {
                s.recorder.event(EventKind::PermitRefused { resource });
            }
            return Err(OverRelease { limit: s.limit });
        }
        // Recorded before the hand-over, so that the release comes before
        // the wake it causes.
        if let Some(resource) = s.resource {
            s.recorder.event(EventKind::PermitReleased {
                resource,
                available: s.available().saturating_add(n),
            });
        }
        s.give(n);
        Ok(())
    }
}

/// Future for [`Semaphore::acquire`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Acquire {
    state: Rc<State>,
    site: Option<SiteId>,
    /// Its place in the queue, once it had to wait.
    queued: Option<Rc<Waiter>>,
    /// The task that is waiting, once it had to.
    waiting: Option<TaskId>,
}

impl Future for Acquire {
    type Output = Permit;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit> {
        // The waker is kept in the queue and woken only by `give`, which
        // names the cause itself: no tagged waker is needed.
        let this = self.get_mut();
        let state = &this.state;
        let task = state.recorder.current_task();
        let polled = match &this.queued {
            Some(waiter) if waiter.granted.get() => {
                this.queued = None;
                Poll::Ready(())
            }
            Some(waiter) => {
                *waiter.waker.borrow_mut() = Some(cx.waker().clone());
                waiter.task.set(task);
                Poll::Pending
            }
            None if state.take_now() => Poll::Ready(()),
            None => {
                let waiter = Rc::new(Waiter::default());
                *waiter.waker.borrow_mut() = Some(cx.waker().clone());
                waiter.task.set(task);
                state.waiters.borrow_mut().push_back(Rc::clone(&waiter));
                this.queued = Some(waiter);
                Poll::Pending
            }
        };
        match polled {
            Poll::Ready(()) => {
                this.waiting = None;
                Poll::Ready(Permit::granted(state))
            }
            Poll::Pending => {
                state.recorder.pending_at(this.site);
                if this.waiting.is_none()
                    && let (Some(task), Some(resource)) = (task, state.resource)
                {
                    state.recorder.event_for(task, EventKind::PermitWaiting { resource });
                    this.waiting = Some(task);
                }
                Poll::Pending
            }
        }
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        if let Some(waiter) = self.queued.take() {
            if waiter.granted.get() {
                // Handed a permit it never took: it goes to the next waiter.
                self.state.held.set(self.state.held.get().saturating_sub(1));
                self.state.give(1);
            } else {
                self.state.waiters.borrow_mut().retain(|w| !Rc::ptr_eq(w, &waiter));
            }
        }
        if let (Some(task), Some(resource)) = (self.waiting.take(), self.state.resource) {
            self.state
                .recorder
                .event_for(task, EventKind::PermitGaveUp { resource });
        }
    }
}

/// A permit of a [`Semaphore`]; dropping it gives the permit back.
#[must_use = "a permit is given back as soon as it is dropped"]
pub struct Permit {
    state: Rc<State>,
    /// False once given back or forgotten.
    live: bool,
    task: Option<TaskId>,
}

impl Permit {
    /// A permit already counted in `held`, now taken by the current task.
    fn granted(state: &Rc<State>) -> Self {
        let task = state.recorder.current_task();
        if let (Some(task), Some(resource)) = (task, state.resource) {
            state.recorder.event_for(
                task,
                EventKind::PermitAcquired {
                    resource,
                    available: state.available(),
                },
            );
        }
        Permit {
            state: Rc::clone(state),
            live: true,
            task,
        }
    }

    /// Keeps the permit taken for good: the semaphore has one permit fewer
    /// until [`Semaphore::release`] adds one back.
    pub fn forget(mut self) {
        if std::mem::take(&mut self.live) {
            self.state.held.set(self.state.held.get().saturating_sub(1));
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if std::mem::take(&mut self.live) {
            self.state.held.set(self.state.held.get().saturating_sub(1));
            // Recorded before the permit is handed on, so that the release
            // comes before the wake it causes.
            if let Some(resource) = self.state.resource {
                let kind = EventKind::PermitReleased {
                    resource,
                    available: self.state.available().saturating_add(1),
                };
                // Given back by whoever drops it; attributed to its holder
                // when dropped outside any task.
                match (self.state.recorder.current_task(), self.task) {
                    (Some(_), _) => self.state.recorder.event(kind),
                    (None, Some(holder)) => self.state.recorder.event_for(holder, kind),
                    (None, None) => {}
                }
            }
            self.state.give(1);
        }
    }
}

impl std::fmt::Debug for Acquire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acquire").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Permit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semaphore")
            .field("available", &self.available())
            .finish_non_exhaustive()
    }
}
