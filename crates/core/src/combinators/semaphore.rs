//! [`Semaphore`]: an async counting semaphore with RAII permits, and its
//! bounded form that refuses a release above its limit.
//!
//! Built on `async_lock::Semaphore`; this wrapper adds the trace events
//! (waiting, acquired, released, with the permits left) and the bound.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use async_lock::SemaphoreGuardArc;
use async_lock::futures::AcquireArc;

use crate::env::Env;
use crate::recorder::{Recorder, WakeTag};
use crate::trace::{EventKind, ResourceId, ResourceKind, SiteId, TaskId, WakeCause};

struct State {
    permits: Arc<async_lock::Semaphore>,
    limit: u32,
    bounded: bool,
    /// Permits held through [`Permit`]s that have not been dropped.
    held: Cell<u32>,
    recorder: Recorder,
    resource: Option<ResourceId>,
}

impl State {
    fn available(&self) -> u32 {
        u32::try_from(self.permits.available_permits()).unwrap_or(u32::MAX)
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
                permits: Arc::new(async_lock::Semaphore::new(permits as usize)),
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
            inner: Box::pin(self.state.permits.acquire_arc()),
            site: self.state.recorder.site(Location::caller()),
            waiting: None,
            tag: WakeTag::default(),
        }
    }

    /// A permit if one is free now.
    pub fn try_acquire(&self) -> Option<Permit> {
        let guard = self.state.permits.try_acquire_arc()?;
        Some(Permit::granted(&self.state, guard))
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
        s.permits.add_permits(n as usize);
        if let Some(resource) = s.resource {
            s.recorder.event(EventKind::PermitReleased {
                resource,
                available: s.available(),
            });
        }
        Ok(())
    }
}

/// Future for [`Semaphore::acquire`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Acquire {
    state: Rc<State>,
    inner: Pin<Box<AcquireArc>>,
    site: Option<SiteId>,
    /// The task that is waiting, once it had to.
    waiting: Option<TaskId>,
    tag: WakeTag,
}

impl Future for Acquire {
    type Output = Permit;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit> {
        let this = self.get_mut();
        let cause = this.state.resource.map_or(WakeCause::Unknown, WakeCause::Resource);
        match this
            .tag
            .poll(&this.state.recorder, cause, this.site, this.inner.as_mut(), cx)
        {
            Poll::Ready(guard) => {
                this.waiting = None;
                Poll::Ready(Permit::granted(&this.state, guard))
            }
            Poll::Pending => {
                if this.waiting.is_none()
                    && let (Some(task), Some(resource)) = (this.state.recorder.current_task(), this.state.resource)
                {
                    this.state
                        .recorder
                        .event_for(task, EventKind::PermitWaiting { resource });
                    this.waiting = Some(task);
                }
                Poll::Pending
            }
        }
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        self.tag.disarm();
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
    guard: Option<SemaphoreGuardArc>,
    task: Option<TaskId>,
}

impl Permit {
    fn granted(state: &Rc<State>, guard: SemaphoreGuardArc) -> Self {
        state.held.set(state.held.get() + 1);
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
            guard: Some(guard),
            task,
        }
    }

    /// Keeps the permit taken for good: the semaphore has one permit fewer
    /// until [`Semaphore::release`] adds one back.
    pub fn forget(mut self) {
        self.state.held.set(self.state.held.get().saturating_sub(1));
        if let Some(guard) = self.guard.take() {
            guard.forget();
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(guard) = self.guard.take() {
            self.state.held.set(self.state.held.get().saturating_sub(1));
            // Recorded before the guard goes, so that the release comes
            // before the wake it causes.
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
            drop(guard);
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
