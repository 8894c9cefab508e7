//! The browser's environment: `performance.now()`, `setTimeout` timers
//! through gloo-timers, and `spawn_local`, on the page's own event loop.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::Env;
use asyncscope_core::lab::sim::{self, SimLab};
use asyncscope_core::net::{BodyStream, FetchError, Request, Response};
use futures::future::{AbortHandle, LocalBoxFuture, abortable};

use super::{clock, net as browser_net};

/// [`Env`] on the browser's event loop. Timers are real `setTimeout`s;
/// dropping a sleep clears its timeout. Spawned tasks run through
/// `wasm_bindgen_futures::spawn_local`, each inside the environment's
/// scope: [`BrowserEnv::cancel_all`] drops every one still running, detached
/// ones included, which is what cancelling a whole run means.
#[derive(Clone)]
pub struct BrowserEnv {
    rng: Rc<RefCell<fastrand::Rng>>,
    /// The abort handles of the tasks spawned in this environment.
    scope: Rc<RefCell<Vec<AbortHandle>>>,
    /// `None`: requests go to the lab server. `Some`: the simulated lab
    /// answers them, after its simulated latency on real timers.
    simulated: Option<Rc<RefCell<SimLab>>>,
}

impl Default for BrowserEnv {
    fn default() -> Self {
        Self::with_seed(0)
    }
}

impl BrowserEnv {
    /// An environment whose random source starts from `seed`, like a
    /// virtual runtime with the same seed. A page makes one per run, so
    /// this is where the Resource Timing buffer is made fresh.
    pub fn with_seed(seed: u64) -> Self {
        browser_net::fresh_timing_buffer();
        Self {
            rng: Rc::new(RefCell::new(fastrand::Rng::with_seed(seed))),
            scope: Rc::new(RefCell::new(Vec::new())),
            simulated: None,
        }
    }

    /// Drops every task spawned in this environment (and its clones) that
    /// is still running, at its executor's next turn.
    pub fn cancel_all(&self) {
        for handle in self.scope.borrow_mut().drain(..) {
            handle.abort();
        }
    }

    /// The same environment with the simulated lab for a network: for a
    /// page served without a lab server.
    pub fn with_simulated_network(mut self) -> Self {
        self.simulated = Some(Rc::new(RefCell::new(SimLab::default())));
        self
    }
}

impl Env for BrowserEnv {
    fn now(&self) -> Duration {
        clock::now()
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static + use<> {
        clock::sleep(duration)
    }

    fn spawn_boxed(&self, fut: LocalBoxFuture<'static, ()>) {
        let (fut, handle) = abortable(fut);
        self.scope.borrow_mut().push(handle);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = fut.await;
        });
    }

    fn fetch(&self, request: Request) -> impl Future<Output = Result<Response, FetchError>> + 'static + use<> {
        let fut: LocalBoxFuture<'static, _> = match &self.simulated {
            Some(lab) => Box::pin(sim::simulated_fetch(self, lab, request)),
            None => Box::pin(browser_net::fetch(request)),
        };
        fut
    }

    fn fetch_stream(&self, request: Request) -> impl Future<Output = Result<BodyStream, FetchError>> + 'static + use<> {
        let fut: LocalBoxFuture<'static, _> = match &self.simulated {
            Some(lab) => Box::pin(sim::simulated_fetch_stream(self, lab, request)),
            None => Box::pin(browser_net::fetch_stream(request)),
        };
        fut
    }

    fn block_for(&self, duration: Duration) {
        // A real busy loop on the page's only thread: nothing else runs.
        let end = self.now() + duration;
        while self.now() < end {
            std::hint::spin_loop();
        }
    }

    fn random(&self) -> u64 {
        self.rng.borrow_mut().u64(..)
    }
}
