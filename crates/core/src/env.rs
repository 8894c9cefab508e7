//! The environment seam: everything a demo needs from the outside world.

use std::future::Future;
use std::time::Duration;

use futures::future::LocalBoxFuture;

use crate::net::{BodyStream, FetchError, Request, Response};
use crate::recorder::Recorder;
use crate::spawn::{self, JoinHandle};
use crate::trace::Outcome;

/// What a demo may use of the world: a monotonic clock and timers, a
/// spawner, a network, a seeded random source, and a way to give a future a
/// name so that it shows as a lane.
///
/// Implementations: the browser's (in the app crate: `performance.now()`,
/// gloo-timers, `spawn_local`), [`crate::virtual_time::VirtualEnv`] (a
/// deterministic clock that jumps to the next timer, and a simulated lab
/// network) and [`crate::Traced`], which wraps either one and records a
/// [`crate::Trace`].
///
/// Environments are cheap handles: cloning one shares the same clock.
/// Methods that make futures are `#[track_caller]`: a tracing environment
/// remembers the line that made each one, so the page can light the line a
/// task is pending at.
pub trait Env: Clone + 'static {
    /// Time elapsed since this environment's origin.
    fn now(&self) -> Duration;

    /// A future that completes once `duration` has passed. Dropping it
    /// cancels the timer.
    #[track_caller]
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static + use<Self>;

    /// Completes at the instant `deadline` (on this environment's clock), or
    /// at once if it has passed. Loops that sleep until absolute deadlines
    /// do not drift.
    #[track_caller]
    fn sleep_until(&self, deadline: Duration) -> impl Future<Output = ()> + 'static + use<Self> {
        self.sleep(deadline.saturating_sub(self.now()))
    }

    /// Runs `fut` to completion alongside the caller, on this environment's
    /// executor. The primitive under [`Env::spawn`].
    fn spawn_boxed(&self, fut: LocalBoxFuture<'static, ()>);

    /// Spawns `fut` as a task named `name`. The handle yields its output;
    /// dropping the handle cancels the task (drops its future); call
    /// [`JoinHandle::detach`] to let it run on its own.
    #[track_caller]
    fn spawn<F>(&self, name: impl Into<String>, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let task = self.task(name.into(), fut);
        let (boxed, handle) = spawn::wrap(task);
        self.spawn_boxed(boxed);
        handle
    }

    /// Like [`Env::spawn`], for a future whose `Err` output means the task
    /// failed (as [`Env::try_task`]).
    #[track_caller]
    fn try_spawn<T, Er, F>(&self, name: impl Into<String>, fut: F) -> JoinHandle<Result<T, Er>>
    where
        F: Future<Output = Result<T, Er>> + 'static,
        T: 'static,
        Er: 'static,
    {
        let task = self.try_task(name.into(), fut);
        let (boxed, handle) = spawn::wrap(task);
        self.spawn_boxed(boxed);
        handle
    }

    /// Sends a request. Dropping the future aborts it.
    #[track_caller]
    fn fetch(&self, request: Request) -> impl Future<Output = Result<Response, FetchError>> + 'static + use<Self>;

    /// Sends a request and yields once the response head has arrived; the
    /// body then comes as a stream of chunks (for progress). Dropping the
    /// future or the stream stops reading and aborts the request.
    #[track_caller]
    fn fetch_stream(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<BodyStream, FetchError>> + 'static + use<Self>;

    /// Runs the thread flat out for `duration`, as CPU-bound code or a
    /// blocking call in async code would: nothing else runs meanwhile, no
    /// timer fires, and (in the browser) the page does not repaint.
    fn block_for(&self, duration: Duration);

    /// The next number of this environment's seeded random source. The same
    /// seed yields the same sequence, in the browser and under virtual time.
    fn random(&self) -> u64;

    /// Gives `fut` a name, so that a tracing environment draws it as its own
    /// lane. An untraced environment returns the future unchanged.
    #[track_caller]
    fn task<F: Future>(&self, name: String, fut: F) -> impl Future<Output = F::Output> + use<Self, F> {
        let _ = name;
        fut
    }

    /// Like [`Env::task`], for a future whose `Err` output means the task
    /// failed: a tracing environment records it as ended with an error.
    #[track_caller]
    fn try_task<T, E, F>(&self, name: String, fut: F) -> impl Future<Output = Result<T, E>> + use<Self, T, E, F>
    where
        F: Future<Output = Result<T, E>>,
    {
        let _ = name;
        fut
    }

    /// Like [`Env::task`], for a task of an interpreted program (the
    /// composer's): `site` is the line that made it (see
    /// [`Recorder::script_site`]) and `classify` judges how it ended.
    fn script_task<F: Future>(
        &self,
        name: String,
        site: Option<crate::trace::SiteId>,
        fut: F,
        classify: fn(&F::Output) -> Outcome,
    ) -> impl Future<Output = F::Output> + use<Self, F> {
        let _ = (name, site, classify);
        fut
    }

    /// Records a line of text for the task being polled (a tracing
    /// environment shows it on the task's lane; others drop it).
    fn log(&self, text: impl Into<String>) {
        self.recorder().event(crate::trace::EventKind::Log {
            text: Into::<String>::into(text).into(),
        });
    }

    /// Where instrumented combinators record resource events. Untraced
    /// environments return a recorder that records nothing.
    fn recorder(&self) -> Recorder {
        Recorder::off()
    }
}

/// How a finished task's output is judged.
pub(crate) fn outcome_of<T, E>(out: &Result<T, E>) -> Outcome {
    if out.is_ok() { Outcome::Ok } else { Outcome::Error }
}

/// The object-safe part of [`Env`], which [`DynEnv`] dispatches to: the
/// same operations, with their futures boxed.
trait ErasedEnv {
    fn now(&self) -> Duration;
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'static, ()>;
    fn spawn_boxed(&self, fut: LocalBoxFuture<'static, ()>);
    fn fetch(&self, request: Request) -> LocalBoxFuture<'static, Result<Response, FetchError>>;
    fn fetch_stream(&self, request: Request) -> LocalBoxFuture<'static, Result<BodyStream, FetchError>>;
    fn block_for(&self, duration: Duration);
    fn random(&self) -> u64;
    fn recorder(&self) -> Recorder;
}

impl<E: Env> ErasedEnv for E {
    fn now(&self) -> Duration {
        Env::now(self)
    }
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'static, ()> {
        Box::pin(Env::sleep(self, duration))
    }
    fn spawn_boxed(&self, fut: LocalBoxFuture<'static, ()>) {
        Env::spawn_boxed(self, fut);
    }
    fn fetch(&self, request: Request) -> LocalBoxFuture<'static, Result<Response, FetchError>> {
        Box::pin(Env::fetch(self, request))
    }
    fn fetch_stream(&self, request: Request) -> LocalBoxFuture<'static, Result<BodyStream, FetchError>> {
        Box::pin(Env::fetch_stream(self, request))
    }
    fn block_for(&self, duration: Duration) {
        Env::block_for(self, duration);
    }
    fn random(&self) -> u64 {
        Env::random(self)
    }
    fn recorder(&self) -> Recorder {
        Env::recorder(self)
    }
}

/// Any untraced environment behind one type: a demo started on a `DynEnv`
/// is compiled once, whichever clock runs it. The app starts every run on
/// one (the browser's clock or the virtual one), so the WebAssembly holds
/// one copy of each demo instead of one per environment; the price is a
/// box per timer and request, which no run can see.
///
/// Wrap the base environment, not a [`crate::Traced`] one: naming tasks
/// goes through [`Env::task`], which a `DynEnv` leaves to its wrapper.
#[derive(Clone)]
pub struct DynEnv(std::rc::Rc<dyn ErasedEnv>);

impl DynEnv {
    /// Wraps `env`.
    pub fn new<E: Env>(env: E) -> Self {
        Self(std::rc::Rc::new(env))
    }
}

impl std::fmt::Debug for DynEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynEnv")
            .field("now", &self.0.now())
            .finish_non_exhaustive()
    }
}

impl Env for DynEnv {
    fn now(&self) -> Duration {
        self.0.now()
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static + use<> {
        self.0.sleep(duration)
    }

    fn spawn_boxed(&self, fut: LocalBoxFuture<'static, ()>) {
        self.0.spawn_boxed(fut);
    }

    fn fetch(&self, request: Request) -> impl Future<Output = Result<Response, FetchError>> + 'static + use<> {
        self.0.fetch(request)
    }

    fn fetch_stream(&self, request: Request) -> impl Future<Output = Result<BodyStream, FetchError>> + 'static + use<> {
        self.0.fetch_stream(request)
    }

    fn block_for(&self, duration: Duration) {
        self.0.block_for(duration);
    }

    fn random(&self) -> u64 {
        self.0.random()
    }

    fn recorder(&self) -> Recorder {
        self.0.recorder()
    }
}
