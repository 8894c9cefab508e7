//! # asyncscope-core
//!
//! The part of asyncscope that knows nothing of browsers: the [`env::Env`]
//! seam that every demo is generic over, the [`trace`] model that records
//! what futures did, the [`traced::Traced`] environment that records it,
//! a deterministic [`virtual_time`] executor, instrumented
//! [`combinators`], trace [`export`], and the [`catalog`] of demos.
//!
//! The same demo code runs on the browser's event loop (the app supplies a
//! browser `Env`) and under the virtual clock (tests and the command line).

#![warn(missing_debug_implementations)]

pub mod awaits;
pub mod bilingual;
pub mod catalog;
pub mod combinators;
pub mod demos;
pub mod env;
pub mod export;
pub mod lab;
pub mod net;
pub mod params;
pub mod py;
pub mod recorder;
pub mod report;
pub mod spawn;
pub mod trace;
pub mod traced;
pub mod virtual_time;

pub use bilingual::Bilingual;
pub use env::{DynEnv, Env};
pub use recorder::{Recorder, WakeTag};
pub use spawn::{JoinError, JoinHandle};
pub use trace::{Outcome, TaskId, Trace};
pub use traced::Traced;
pub use virtual_time::VirtualRuntime;
