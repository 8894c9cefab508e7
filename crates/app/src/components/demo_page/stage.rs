//! What the timeline draws.

use std::rc::Rc;
use std::time::Duration;

use asyncscope_view::state::{DemoState, RunSnapshot};

use crate::components::timeline::span_of;

/// The runs the timeline draws and the length of its axis: `live` runs as
/// they are at `now`, or the finished ones cut at the playhead, with any
/// pinned runs on the same axis.
pub(crate) fn drawn(state: &DemoState, live: Vec<RunSnapshot>, now: Duration) -> (Vec<RunSnapshot>, Duration) {
    let fin = state.finished();
    let mut drawn: Vec<RunSnapshot> = match fin {
        Some(f) => f
            .runs
            .iter()
            .map(|r| RunSnapshot {
                label: r.label.clone(),
                trace: if f.playhead >= f.end {
                    r.trace.clone()
                } else {
                    Rc::new(r.trace.until(f.playhead))
                },
            })
            .collect(),
        None => live,
    };
    let mut span = match fin {
        // A makespan never passes the last event: the end is the span.
        Some(f) => f.end,
        None => span_of(&drawn, now),
    };
    if let Some(pinned) = &state.pinned {
        for r in &pinned.runs {
            span = span.max(r.trace.makespan().unwrap_or_default());
            drawn.push(RunSnapshot {
                label: r.label.clone(),
                // Scrubbing cuts the pinned runs at the same instant; at
                // the end of the current run they are shown whole.
                trace: match fin {
                    Some(f) if f.playhead < f.end => Rc::new(r.trace.until(f.playhead)),
                    _ => r.trace.clone(),
                },
            });
        }
    }
    (drawn, span)
}
