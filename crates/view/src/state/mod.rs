//! The demo page's state as a reducer: the parameter form, the run, its
//! playback, the event log's filter and the view. Pure data; the page
//! performs the effects (spawning, aborting) and wraps
//! [`DemoState::apply`] in its own reducer.

mod demo;
mod estimate;
mod filter;
mod form;
mod redraw;
mod run;
mod view;

#[cfg(test)]
mod tests;

pub use demo::{Action, DemoState, Pinned, SPEEDS};
pub use estimate::{LONG_RUN, asks_first, in_words};
pub use filter::{Kind, LogFilter, TaskChoice, TaskRef, kind_menu, task_menu};
pub use form::{Form, SEED};
pub use redraw::{COST_FACTOR, GROWTH_CAP_MS, IDLE_MS, LONG_TASK_MS, LOOK_MS, Look, Pacer, QUIET_MS, Redraw, Sizes};
pub use run::{
    Clock, Ending, EventRef, FinalRuns, Finished, Hashing, Leftovers, Outcomes, RunSnapshot, RunState, run_title,
};
pub use view::View;
