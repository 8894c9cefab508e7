//! Every call the app makes to a web API lives under this module; the rest
//! of the app (components, hooks, prefs, routes) calls these functions and
//! names no web-sys, js-sys, wasm-bindgen or gloo item (`cargo xtask test
//! architecture` checks it).
//!
//! Floors, from the bottom: [`clock`] (`performance.now()`, timers,
//! animation frames) imports no sibling; [`net`] (fetch, Resource Timing,
//! the lab health check) imports `clock`; [`env`] ([`env::BrowserEnv`], the
//! browser's `Env`) imports `clock` and `net`.

pub mod clock;
pub mod env;
pub mod net;
