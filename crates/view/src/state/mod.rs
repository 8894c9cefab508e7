//! The demo page's state as a reducer: the parameter form, the run, its
//! playback, the event log's filter and the view. Pure data; the page
//! performs the effects (spawning, aborting) and wraps
//! [`DemoState::apply`] in its own reducer.

mod demo;
mod filter;
mod form;
mod run;
mod view;

pub use demo::{Action, DemoState, Pinned, SPEEDS};
pub use filter::LogFilter;
pub use form::{Form, SEED};
pub use run::{Clock, Ending, EventRef, Finished, RunSnapshot, RunState};
pub use view::View;
