//! The event log's rows.

use std::rc::Rc;

use asyncscope_view::state::{EventRef, RunState};
use yew::prelude::*;

use crate::browser::{self, clock};
use crate::state::PageState;

/// Above this many events in all, a finished run is drawn in steps: its
/// timeline first, then its panels (waits, warnings, times, log) in a task
/// of their own and its timeline's analyses in stretches; drawn together, a
/// big run's would make one long task. (A run of 1,000 tasks through a
/// semaphore makes about 13,000: drawn in steps, its timeline shows about
/// 20 ms sooner.)
pub const IN_STEPS_ABOVE: usize = 10_000;

/// Whether the finished run's panels may be drawn: at once for a small
/// run, a task after the run is first drawn for a big one.
#[hook]
pub fn use_panels_ready(state: &UseReducerHandle<PageState>) -> bool {
    let generation = ended_generation(&state.run);
    let big = state
        .finished()
        .is_some_and(|f| f.runs.iter().map(|r| r.trace.events().len()).sum::<usize>() > IN_STEPS_ABOVE);
    let ready_for = use_state_eq(|| 0u32);
    {
        let ready_for = ready_for.clone();
        use_effect_with((generation, big), move |(generation, big)| {
            if *big {
                let generation = *generation;
                browser::spawn(async move {
                    clock::next_task().await;
                    ready_for.set(generation);
                });
            }
        });
    }
    !big || *ready_for == generation
}

/// The events of the finished run that pass the log's filter, in time
/// order: sorted once per run (its generation) and filter, not per frame.
/// Empty while nothing is finished, or while its panels wait (`ready`).
#[hook]
pub fn use_log_events(state: &UseReducerHandle<PageState>, ready: bool) -> Rc<Vec<EventRef>> {
    let generation = ended_generation(&state.run);
    let events = {
        let state = state.clone();
        use_memo(
            (ready.then_some(generation), state.filter.clone()),
            move |(ready, filter)| {
                Rc::new(match ready {
                    Some(_) => state.finished().map(|f| f.events(filter)).unwrap_or_default(),
                    None => Vec::new(),
                })
            },
        )
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
