//! The legend: only the states, marks and request phases the runs drawn
//! use, in a fixed order.

use asyncscope_core::trace::{Outcome, SegmentState};

use crate::model::RunModel;

/// What the legend lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Legend {
    /// The states some segment is in, in [`SegmentState::ALL`]'s order.
    pub states: Vec<SegmentState>,
    /// The kinds of marks drawn (`wake`, `retry`, `deadline`, `cancel`,
    /// `timeout`, `error`), in that order.
    pub marks: Vec<&'static str>,
    /// Some task was cancelled (its lane is hatched).
    pub cancelled: bool,
    /// The Resource Timing phases drawn (`queued`, `connecting`, `waiting`,
    /// `receiving`), in that order.
    pub phases: Vec<&'static str>,
}

/// Mark kinds in legend order.
pub const MARK_KINDS: [&str; 7] = ["wake", "retry", "deadline", "cancel", "timeout", "error", "warning"];

/// The [`Legend`] of the runs `models`.
pub fn legend(models: &[&RunModel]) -> Legend {
    let states = SegmentState::ALL
        .iter()
        .copied()
        .filter(|state| {
            models.iter().any(|m| {
                m.spans.iter().any(|s| {
                    s.segments.iter().any(|seg| {
                        seg.state == *state
                            && (*state == SegmentState::Polled || seg.end.is_none_or(|end| end > seg.start))
                    })
                })
            })
        })
        .collect();
    let marks = MARK_KINDS
        .into_iter()
        .filter(|kind| {
            models.iter().any(|m| {
                m.marks.values().flatten().any(|(_, k, _)| k == kind)
                    || (*kind == "warning" && m.warnings.values().any(|w| !w.is_empty()))
            })
        })
        .collect();
    let cancelled = models
        .iter()
        .any(|m| m.spans.iter().any(|s| s.outcome == Some(Outcome::Cancelled)));
    let phases = ["queued", "connecting", "waiting", "receiving"]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| {
            models.iter().any(|m| {
                m.requests
                    .iter()
                    .any(|r| r.phases.is_some_and(|p| !p[*i].is_zero()) && r.on_wire.is_some())
            })
        })
        .map(|(_, name)| name)
        .collect();
    Legend {
        states,
        marks,
        cancelled,
        phases,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use asyncscope_core::trace::{EventKind, Trace};

    use super::*;
    use crate::model::run_model;

    #[test]
    fn the_legend_lists_only_what_the_run_uses() {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(
            ms(0),
            a,
            EventKind::TimerArmed {
                deadline: ms(100).into(),
            },
        );
        t.push(ms(0), a, EventKind::pending(None));
        t.push(
            ms(50),
            a,
            EventKind::Completed {
                outcome: Outcome::Cancelled,
            },
        );
        let model = run_model(&t);
        let l = legend(&[&model]);
        assert_eq!(l.states, [SegmentState::Polled, SegmentState::Sleeping]);
        assert_eq!(l.marks, ["cancel"]);
        assert!(l.cancelled);
        assert!(l.phases.is_empty());
        assert_eq!(legend(&[]), Legend::default());
    }
}
