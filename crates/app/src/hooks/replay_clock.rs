//! The replay's clock.

use std::cell::Cell;
use std::rc::Rc;

use asyncscope_view::state::Action;
use yew::prelude::*;

use crate::browser::{self, clock};
use crate::state::PageState;

/// While `playing`, moves the playhead on at each animation frame by the
/// real time since the last one (`Action::Advance`; the state applies the
/// speed). Stops when `playing` turns false or the page goes.
#[hook]
pub fn use_replay_clock(playing: bool, dispatcher: UseReducerDispatcher<PageState>) {
    use_effect_with(playing, move |playing| {
        let alive = Rc::new(Cell::new(*playing));
        if *playing {
            let alive = alive.clone();
            browser::spawn(async move {
                let mut last = clock::now_ms();
                while alive.get() {
                    clock::next_frame().await;
                    let t = clock::now_ms();
                    dispatcher.dispatch(Action::Advance(clock::ms_to_duration(t - last)));
                    last = t;
                }
            });
        }
        move || alive.set(false)
    });
}
