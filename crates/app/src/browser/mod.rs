//! Every call the app makes to a web API lives under this module; the rest
//! of the app (components, hooks, prefs, routes) calls these functions and
//! names no web-sys, js-sys, wasm-bindgen or gloo item (`cargo xtask test
//! architecture` checks it). Components still read the events Yew hands
//! their handlers (a key, a pointer's position, `prevent_default`); what an
//! event's target is, and everything else, is asked here.
//!
//! Floors, from the bottom: [`clock`] (`performance.now()`, timers,
//! animation frames), [`dom`], [`location`], [`storage`], [`export`] and
//! [`panic_banner`] import no sibling; [`keys`] imports `dom`; [`net`]
//! (fetch, Resource Timing, the lab health check) imports `clock`; [`env`](mod@env)
//! ([`env::BrowserEnv`], the browser's `Env`) imports `clock` and `net`.

use std::future::Future;

pub mod clock;
pub mod dom;
pub mod env;
pub mod export;
pub mod keys;
pub mod location;
pub mod net;
pub mod panic_banner;
pub mod storage;

/// Runs `fut` on the page's event loop (`spawn_local`), as its own task.
pub fn spawn<F: Future<Output = ()> + 'static>(fut: F) {
    wasm_bindgen_futures::spawn_local(fut);
}

/// Writes `text` on the browser's console as a warning.
pub fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

/// An event listener on the window or the document; dropping it removes
/// the listener.
#[must_use = "dropping a Listener removes it at once"]
pub struct Listener {
    _listener: gloo_events::EventListener,
}

impl Listener {
    fn new(listener: gloo_events::EventListener) -> Self {
        Listener { _listener: listener }
    }
}
