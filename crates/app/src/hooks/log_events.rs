//! The event log's rows.

use std::rc::Rc;

use asyncscope_view::state::{EventRef, RunState};
use yew::prelude::*;

use crate::state::PageState;

/// The events of the finished run that pass the log's filter, in time
/// order: sorted once per run (its generation) and filter, not per frame.
/// Empty while nothing is finished.
#[hook]
pub fn use_log_events(state: &UseReducerHandle<PageState>) -> Rc<Vec<EventRef>> {
    let generation = ended_generation(&state.run);
    let events = {
        let state = state.clone();
        use_memo((generation, state.filter.clone()), move |(_, filter)| {
            Rc::new(state.finished().map(|f| f.events(filter)).unwrap_or_default())
        })
    };
    (*events).clone()
}

/// The generation of the finished run (0 while nothing is finished): what
/// the log's rows and menus are computed once for.
pub fn ended_generation(run: &RunState) -> u32 {
    match run {
        RunState::Ended { generation, .. } => *generation,
        _ => 0,
    }
}
