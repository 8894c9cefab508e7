//! What the interpreter needs of its environment, as one object-safe
//! trait: the interpreter is compiled once, whatever the environment.

use std::future::Future;
use std::time::Duration;

use futures::FutureExt;
use futures::future::LocalBoxFuture;

use crate::env::Env;
use crate::net::{FetchError, Request, Response};
use crate::recorder::Recorder;
use crate::trace::{Outcome, SiteId};

/// An [`Env`] as the interpreter sees it.
pub(crate) trait Host {
    fn now(&self) -> Duration;
    fn sleep(&self, d: Duration) -> LocalBoxFuture<'static, ()>;
    /// Spawns a named task (a lane) made at `site`, whose output says how
    /// it ended.
    fn spawn_task(&self, name: String, site: Option<SiteId>, fut: LocalBoxFuture<'static, Outcome>);
    /// Spawns helper work that is not a lane (a timeout's timer).
    fn spawn_raw(&self, fut: LocalBoxFuture<'static, ()>);
    fn fetch(&self, req: Request) -> LocalBoxFuture<'static, Result<Response, FetchError>>;
    fn block_for(&self, d: Duration);
    fn random(&self) -> u64;
    fn recorder(&self) -> Recorder;
}

/// The [`Host`] of any [`Env`].
pub(crate) struct EnvHost<E>(pub E);

impl<E: Env> Host for EnvHost<E> {
    fn now(&self) -> Duration {
        self.0.now()
    }

    fn sleep(&self, d: Duration) -> LocalBoxFuture<'static, ()> {
        self.0.sleep(d).boxed_local()
    }

    fn spawn_task(&self, name: String, site: Option<SiteId>, fut: LocalBoxFuture<'static, Outcome>) {
        let task = self.0.script_task(name, site, fut, |o| *o);
        self.0.spawn_boxed(task.map(|_| ()).boxed_local());
    }

    fn spawn_raw(&self, fut: LocalBoxFuture<'static, ()>) {
        self.0.spawn_boxed(fut);
    }

    fn fetch(&self, req: Request) -> LocalBoxFuture<'static, Result<Response, FetchError>> {
        self.0.fetch(req).boxed_local()
    }

    fn block_for(&self, d: Duration) {
        self.0.block_for(d);
    }

    fn random(&self) -> u64 {
        self.0.random()
    }

    fn recorder(&self) -> Recorder {
        self.0.recorder()
    }
}

/// Polls `fut` to its end or until `stop` resolves, whichever is first.
pub(crate) async fn until<T>(fut: impl Future<Output = T>, stop: impl Future<Output = ()>) -> Option<T> {
    let fut = std::pin::pin!(fut);
    let stop = std::pin::pin!(stop);
    match futures::future::select(fut, stop).await {
        futures::future::Either::Left((out, _)) => Some(out),
        futures::future::Either::Right(((), _)) => None,
    }
}
