//! The step charts under the lanes (tasks in flight, each resource's use,
//! the retry attempt) and the lines where timeouts' deadlines passed.

use std::time::Duration;

use crate::model::RunModel;
use crate::scale::Scale;

/// A step chart under the lanes: x (0–100) and the value from there on.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackVm {
    /// What it counts (`tasks in flight`, `permits in use of 3`, ...).
    pub label: String,
    /// `in-flight`, `permits`, `queue` or `attempt`: for styling and tests.
    pub kind: &'static str,
    /// The top of its scale.
    pub max: u32,
    /// `(x, value)` steps, from the left edge of the view.
    pub points: Vec<(f64, u32)>,
    /// The highest value it reached over the whole run.
    pub peak: u32,
}

/// Turns `(instant, value)` changes into steps within `scale`, up to `now`.
fn steps(changes: &[(Duration, u32)], scale: &Scale, now: Duration) -> Vec<(f64, u32)> {
    let mut out = Vec::new();
    let before = changes
        .iter()
        .take_while(|(t, _)| *t <= scale.from)
        .last()
        .map_or(0, |(_, v)| *v);
    out.push((0.0, before));
    for (t, v) in changes {
        if *t > scale.from && *t <= scale.to.min(now) {
            out.push((scale.pct(*t), *v));
        }
    }
    out
}

/// The step charts of a run: tasks in flight, and per resource its use
/// (permits in use, queue depth), and the retry attempt number.
pub fn tracks(model: &RunModel, scale: &Scale, now: Duration) -> Vec<TrackVm> {
    model
        .series
        .iter()
        .map(|(label, kind, max, changes)| TrackVm {
            label: label.clone(),
            kind,
            max: *max,
            points: steps(changes, scale, now),
            peak: changes.iter().map(|(_, v)| *v).max().unwrap_or(0),
        })
        .collect()
}

/// The instants a timeout's deadline passed, within `scale`, as x (0–100).
pub fn deadlines(model: &RunModel, scale: &Scale) -> Vec<f64> {
    model
        .deadlines
        .iter()
        .filter(|t| scale.shows(**t, **t))
        .map(|t| scale.pct(*t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::run_model;
    use crate::scale::Scale;

    #[test]
    fn tracks_follow_permits_and_in_flight() {
        use asyncscope_core::VirtualRuntime;
        let rt = VirtualRuntime::new();
        let pairs = vec![
            ("tasks".to_string(), "5".to_string()),
            ("limit".to_string(), "2".to_string()),
        ];
        let started = asyncscope_core::demos::start("semaphore", rt.env(), &pairs)
            .expect("ok")
            .expect("demo");
        rt.block_on(started.work).expect("runs");
        let trace = started.runs[0].1.snapshot();
        let end = trace.makespan().expect("ends");
        let tracks = tracks(&run_model(&trace), &Scale::whole(end), end);
        let kinds: Vec<_> = tracks.iter().map(|t| (t.kind, t.peak)).collect();
        assert_eq!(
            kinds,
            [("in-flight", 2), ("permits", 3)],
            "an extra release: 3 left at the end"
        );
        assert_eq!(tracks[1].label, "semaphore: permits left, of 2");
        let left: Vec<u32> = tracks[1].points.iter().map(|p| p.1).collect();
        assert_eq!(left.first(), Some(&0), "both taken at once at 0");
        assert!(left.contains(&1), "one left between a release and the next acquire");
        assert_eq!(left.last(), Some(&3), "all given back, and one more");
    }
}
