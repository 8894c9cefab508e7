//! The browser's environment: `performance.now()`, `setTimeout` timers
//! through gloo-timers, and `spawn_local`, on the page's own event loop.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::Env;
use asyncscope_core::net::{self, BodyStream, FetchError, Request, Response, SimLab};
use futures::future::{AbortHandle, LocalBoxFuture, abortable};
use gloo_timers::future::TimeoutFuture;

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
    /// virtual runtime with the same seed.
    pub fn with_seed(seed: u64) -> Self {
        crate::browser_net::enlarge_timing_buffer();
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
        ms_to_duration(web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now()))
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static + use<> {
        TimeoutFuture::new(timeout_ms(duration))
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
            Some(lab) => Box::pin(net::simulated_fetch(self, lab, request)),
            None => Box::pin(crate::browser_net::fetch(request)),
        };
        fut
    }

    fn fetch_stream(&self, request: Request) -> impl Future<Output = Result<BodyStream, FetchError>> + 'static + use<> {
        let fut: LocalBoxFuture<'static, _> = match &self.simulated {
            Some(lab) => Box::pin(net::simulated_fetch_stream(self, lab, request)),
            None => Box::pin(crate::browser_net::fetch_stream(request)),
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

/// A `performance.now()`-style millisecond count as a `Duration`.
pub fn ms_to_duration(ms: f64) -> Duration {
    Duration::from_secs_f64(ms.max(0.0) / 1000.0)
}

/// Whole milliseconds for `setTimeout`, rounded up so that a sleep never ends
/// early, and capped at what `setTimeout` accepts.
pub fn timeout_ms(duration: Duration) -> u32 {
    let micros = duration.as_micros();
    let ms = micros.div_ceil(1000);
    u32::try_from(ms).unwrap_or(i32::MAX as u32).min(i32::MAX as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_and_cap() {
        assert_eq!(timeout_ms(Duration::ZERO), 0);
        assert_eq!(timeout_ms(Duration::from_micros(1)), 1);
        assert_eq!(timeout_ms(Duration::from_millis(3000)), 3000);
        assert_eq!(timeout_ms(Duration::from_secs(10_000_000)), i32::MAX as u32);
    }
}
