//! [`Traced`]: an environment that records a [`Trace`] of the futures it runs.

use std::cell::{Cell, Ref, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::env::Env;
use crate::trace::{EventKind, Outcome, TaskId, Trace};

struct Shared {
    origin: Duration,
    trace: RefCell<Trace>,
    /// The task being polled right now, so that timers know whose they are.
    current: Cell<Option<TaskId>>,
}

/// Wraps an environment and records what the futures that use it do.
///
/// Time in the trace starts at the moment `Traced::new` was called. Clones
/// share one trace. Several `Traced` over one inner environment record
/// separate runs on the same clock.
pub struct Traced<E> {
    inner: E,
    shared: Rc<Shared>,
}

impl<E: Clone> Clone for Traced<E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            shared: Rc::clone(&self.shared),
        }
    }
}

impl<E: Env> Traced<E> {
    /// Starts a new, empty trace whose origin is `inner.now()`.
    pub fn new(inner: E) -> Self {
        let origin = inner.now();
        Self {
            inner,
            shared: Rc::new(Shared {
                origin,
                trace: RefCell::new(Trace::new()),
                current: Cell::new(None),
            }),
        }
    }

    /// The trace so far. Do not hold the borrow across an `.await`.
    pub fn trace(&self) -> Ref<'_, Trace> {
        self.shared.trace.borrow()
    }

    /// A copy of the trace so far.
    pub fn snapshot(&self) -> Trace {
        self.shared.trace.borrow().clone()
    }

    /// Records a log line for the task being polled (dropped outside a task).
    pub fn log(&self, text: impl Into<String>) {
        if let Some(task) = self.shared.current.get() {
            self.record(task, EventKind::Log { text: text.into() });
        }
    }

    fn record(&self, task: TaskId, kind: EventKind) {
        record(&self.shared, self.inner.now(), task, kind);
    }
}

fn record(shared: &Shared, now: Duration, task: TaskId, kind: EventKind) {
    let at = now.saturating_sub(shared.origin);
    shared.trace.borrow_mut().push(at, task, kind);
}

impl<E: Env> Env for Traced<E> {
    fn now(&self) -> Duration {
        self.inner.now().saturating_sub(self.shared.origin)
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static {
        TracedSleep {
            env: self.clone(),
            inner: Box::pin(self.inner.sleep(duration)),
            duration,
            armed: None,
        }
    }

    fn task<F: Future>(&self, name: impl Into<String>, fut: F) -> impl Future<Output = F::Output> {
        Instrumented::new(self.clone(), name.into(), fut)
    }
}

/// A timer of a [`Traced`] environment: records armed, fired and cancelled
/// for the task that polls it.
#[must_use = "futures do nothing unless you .await or poll them"]
struct TracedSleep<E: Env, S> {
    env: Traced<E>,
    inner: Pin<Box<S>>,
    duration: Duration,
    /// The task that armed it, while it is armed and has not fired.
    armed: Option<TaskId>,
}

// The inner future is boxed, so no field is structurally pinned.
impl<E: Env, S> Unpin for TracedSleep<E, S> {}

impl<E: Env, S: Future<Output = ()>> Future for TracedSleep<E, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.armed.is_none()
            && let Some(task) = this.env.shared.current.get()
        {
            let deadline = this.env.now() + this.duration;
            this.env.record(task, EventKind::TimerArmed { deadline });
            this.armed = Some(task);
        }
        let poll = this.inner.as_mut().poll(cx);
        if poll.is_ready()
            && let Some(task) = this.armed.take()
        {
            this.env.record(task, EventKind::TimerFired);
        }
        poll
    }
}

impl<E: Env, S> Drop for TracedSleep<E, S> {
    fn drop(&mut self) {
        if let Some(task) = self.armed.take() {
            self.env.record(task, EventKind::TimerCancelled);
        }
    }
}

/// A named future whose every poll is recorded; dropping it before it
/// completes records it as cancelled.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Instrumented<E: Env, F> {
    env: Traced<E>,
    id: TaskId,
    fut: Pin<Box<F>>,
    done: bool,
}

impl<E: Env, F: Future> Instrumented<E, F> {
    fn new(env: Traced<E>, name: String, fut: F) -> Self {
        let id = env.shared.trace.borrow_mut().add_task(name);
        env.record(id, EventKind::Created);
        Self {
            env,
            id,
            fut: Box::pin(fut),
            done: false,
        }
    }
}

// The inner future is boxed, so no field is structurally pinned.
impl<E: Env, F> Unpin for Instrumented<E, F> {}

impl<E: Env, F: Future> Future for Instrumented<E, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        if this.done {
            // Polled after completion: a caller's bug; stay pending rather than
            // re-poll a finished future.
            return Poll::Pending;
        }
        let previous = this.env.shared.current.replace(Some(this.id));
        this.env.record(this.id, EventKind::PollStart);
        let poll = this.fut.as_mut().poll(cx);
        this.env.record(this.id, EventKind::PollEnd { ready: poll.is_ready() });
        this.env.shared.current.set(previous);
        if poll.is_ready() {
            this.done = true;
            this.env.record(this.id, EventKind::Completed { outcome: Outcome::Ok });
        }
        poll
    }
}

impl<E: Env, F> Drop for Instrumented<E, F> {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            self.env.record(
                self.id,
                EventKind::Completed {
                    outcome: Outcome::Cancelled,
                },
            );
        }
    }
}
