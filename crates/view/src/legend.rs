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

/// The [`Legend`] of the runs `models`: one pass over their segments and
/// one over their marks (a live run's legend is made again at each
/// drawing, and a state no segment is in would otherwise cost a pass of
/// its own over every task).
pub fn legend(models: &[&RunModel]) -> Legend {
    let all = SegmentState::ALL;
    let mut in_use = vec![false; all.len()];
    let mut found = 0;
    'spans: for m in models {
        for s in &m.spans {
            for seg in &s.segments {
                if (seg.state == SegmentState::Polled || seg.end.is_none_or(|end| end > seg.start))
                    && let Some(i) = all.iter().position(|x| *x == seg.state)
                    && !in_use[i]
                {
                    in_use[i] = true;
                    found += 1;
                    if found == all.len() {
                        break 'spans;
                    }
                }
            }
        }
    }
    let states = all.iter().zip(&in_use).filter(|(_, u)| **u).map(|(s, _)| *s).collect();
    let mut marked = [false; MARK_KINDS.len()];
    for m in models {
        for (_, kind, _) in m.marks.values().flatten() {
            if let Some(i) = MARK_KINDS.iter().position(|k| k == kind) {
                marked[i] = true;
            }
        }
        if m.warnings.values().any(|w| !w.is_empty()) {
            marked[MARK_KINDS.len() - 1] = true;
        }
    }
    let marks = MARK_KINDS
        .into_iter()
        .zip(marked)
        .filter(|(_, m)| *m)
        .map(|(kind, _)| kind)
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

    /// The states and marks of the legend as they were found before: a
    /// pass over every task per state and per kind of mark. The
    /// reference the one-pass legend is held to.
    fn states_and_marks_kind_by_kind(models: &[&RunModel]) -> (Vec<SegmentState>, Vec<&'static str>) {
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
        (states, marks)
    }

    /// Every run of the catalog and the odd traces, cut at every fifth,
    /// alone and beside the run before it: the one-pass legend lists what
    /// the pass per state and per mark listed.
    #[test]
    fn the_legend_in_one_pass_is_the_legend_kind_by_kind() {
        let models: Vec<RunModel> = crate::model::tests::every_run()
            .iter()
            .flat_map(|(_, trace)| {
                let len = trace.events().len();
                (0..=5).map(move |k| crate::model::with_waits(run_model(&trace.prefix(len * k / 5)), trace))
            })
            .collect();
        for (i, m) in models.iter().enumerate() {
            let runs: Vec<&RunModel> = match i.checked_sub(1) {
                Some(before) => vec![&models[before], m],
                None => vec![m],
            };
            let l = legend(&runs);
            assert_eq!((l.states, l.marks), states_and_marks_kind_by_kind(&runs), "model {i}");
        }
    }

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
