//! The demo page's hooks: what the page does over time, apart from what it
//! draws. Each owns its effects and calls [`crate::browser`] for anything
//! the browser does; none renders.
//!
//! - [`use_run`]: Run, Run in virtual time and Cancel; a real run's frames
//!   and its ending, each tagged with the run's generation.
//! - [`use_replay_clock`]: the replay, moving the playhead on at each
//!   animation frame.
//! - [`use_shortcuts`]: the page's keyboard shortcuts.
//! - [`use_lab_health`]: whether the lab server answers (asked once).
//! - [`use_form_in_address`]: the form mirrored in the address.
//! - [`use_log_events`]: the event log's rows, sorted once per run and
//!   filter; [`use_panels_ready`]: a big finished run's panels wait a task.
//! - [`use_demo_texts`]: a demo's code, asyncio twin and the rest of its
//!   [`asyncscope_core::demos::Texts`], loaded when the demo opens in the
//!   build that does not carry them.

mod address;
mod lab_health;
mod log_events;
mod replay_clock;
mod run;
mod shortcuts;
mod texts;

pub use address::use_form_in_address;
pub use lab_health::{Lab, use_lab_health};
pub use log_events::{IN_STEPS_ABOVE, ended_generation, use_log_events, use_panels_ready};
pub use replay_clock::use_replay_clock;
pub use run::{Progress, RunControls, live_copies, use_run};
pub use shortcuts::{shortcut, use_shortcuts};
pub use texts::{DemoTexts, TextsFailure, use_demo_texts};
