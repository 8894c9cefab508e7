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
    /// [`TrackVm::label`] in Chinese.
    pub label_zh: String,
    /// `in-flight`, `permits`, `queue` or `attempt`: for styling and tests.
    pub kind: &'static str,
    /// The top of its scale.
    pub max: u32,
    /// `(column, value)` steps, from the left edge of the view: a column
    /// of [`TRACK_COLUMNS`] across it, and at most three steps in one (see
    /// [`TRACK_COLUMNS`]).
    pub points: Vec<(u32, u32)>,
    /// The highest value it reached over the whole run.
    pub peak: u32,
    /// What the chart's name adds in brackets: its peak (` (peak 3)`); for
    /// permits left, the fewest left, and, if a release ever took it above
    /// what it started with, that too, so that "of 3 (peak 4)" never reads
    /// as a contradiction.
    pub caption: String,
    /// [`TrackVm::caption`] in Chinese.
    pub caption_zh: String,
}

/// The caption of a chart of `kind` whose values were `changes`, in
/// English and in Chinese.
fn caption(kind: &str, changes: &[(Duration, u32)]) -> [String; 2] {
    let values = || changes.iter().map(|(_, v)| *v);
    let (low, high) = (values().min().unwrap_or(0), values().max().unwrap_or(0));
    match (kind, changes.first()) {
        ("permits", Some(&(_, start))) if high > start => [
            format!(" (fewest left {low}; up to {high} after a release above the {start} it started with)"),
            format!("（最少剩 {low}；超出起始 {start} 的释放后多达 {high}）"),
        ],
        ("permits", _) => [format!(" (fewest left {low})"), format!("（最少剩 {low}）")],
        _ => [format!(" (peak {high})"), format!("（峰值 {high}）")],
    }
}

/// The columns a step chart is drawn in, across the view: the changes that
/// fall in one column are kept as at most three steps (the highest value
/// there, the lowest, and the last), so that a chart wider than this many
/// pixels would look no different, and a run of 10,000 tasks draws a few
/// thousand steps rather than one per change (20,000), each at a whole
/// column.
pub const TRACK_COLUMNS: u32 = 1000;

/// The column of [`TRACK_COLUMNS`] that `pct` (0–100) falls in.
pub fn track_column(pct: f64) -> u32 {
    ((pct / 100.0 * f64::from(TRACK_COLUMNS)).floor().max(0.0) as u32).min(TRACK_COLUMNS)
}

/// Turns `(instant, value)` changes into steps within `scale`, up to `now`,
/// at most three per column ([`TRACK_COLUMNS`]).
fn steps(changes: &[(Duration, u32)], scale: &Scale, now: Duration) -> Vec<(u32, u32)> {
    let before = changes
        .iter()
        .take_while(|(t, _)| *t <= scale.from)
        .last()
        .map_or(0, |(_, v)| *v);
    let mut out = vec![(0, before)];
    // The column being gathered: its changes' highest, lowest and last.
    let mut open: Option<(u32, u32, u32, u32)> = None;
    let close = |out: &mut Vec<(u32, u32)>, (c, high, low, last): (u32, u32, u32, u32)| {
        let from = out.last().map_or(0, |p| p.1);
        // Up to the highest and down to the lowest, in the order that
        // draws the fewest lines from where the chart was, then the last.
        let (a, b) = if from.abs_diff(high) <= from.abs_diff(low) {
            (high, low)
        } else {
            (low, high)
        };
        for v in [a, b, last] {
            if out.last() != Some(&(c, v)) {
                out.push((c, v));
            }
        }
    };
    for (t, v) in changes {
        if *t > scale.from && *t <= scale.to.min(now) {
            let c = track_column(scale.pct(*t));
            open = match open {
                Some((oc, high, low, _)) if oc == c => Some((c, high.max(*v), low.min(*v), *v)),
                Some(done) => {
                    close(&mut out, done);
                    Some((c, *v, *v, *v))
                }
                None => Some((c, *v, *v, *v)),
            };
        }
    }
    if let Some(done) = open {
        close(&mut out, done);
    }
    out
}

/// The step charts of a run: tasks in flight, and per resource its use
/// (permits in use, queue depth), and the retry attempt number.
pub fn tracks(model: &RunModel, scale: &Scale, now: Duration) -> Vec<TrackVm> {
    model
        .series
        .iter()
        .map(|([label, label_zh], kind, max, changes)| {
            let [caption, caption_zh] = caption(kind, changes);
            TrackVm {
                label: label.clone(),
                label_zh: label_zh.clone(),
                kind,
                max: *max,
                points: steps(changes, scale, now),
                peak: changes.iter().map(|(_, v)| *v).max().unwrap_or(0),
                caption,
                caption_zh,
            }
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

    #[test]
    fn a_busy_chart_keeps_per_column_its_highest_lowest_and_last_value() {
        // 20,000 changes over 2 s: 20 a column, zig-zagging with a trend.
        let changes: Vec<(Duration, u32)> = (1..=20_000u32)
            .map(|i| (Duration::from_micros(u64::from(i) * 100), (i * 7919) % 50 + i / 400))
            .collect();
        let end = Duration::from_secs(2);
        let scale = Scale::whole(end);
        let out = steps(&changes, &scale, end);
        assert!(
            out.len() <= 3 * TRACK_COLUMNS as usize + 1,
            "{} steps for {} columns",
            out.len(),
            TRACK_COLUMNS
        );
        assert!(out.windows(2).all(|w| w[0].0 <= w[1].0), "columns in order");
        for c in 0..=TRACK_COLUMNS {
            let raw: Vec<u32> = changes
                .iter()
                .filter(|(t, _)| track_column(scale.pct(*t)) == c)
                .map(|(_, v)| *v)
                .collect();
            let drawn: Vec<u32> = out.iter().skip(1).filter(|p| p.0 == c).map(|p| p.1).collect();
            assert_eq!(raw.is_empty(), drawn.is_empty(), "column {c}");
            if let (Some(last), Some(drawn_last)) = (raw.last(), drawn.last()) {
                assert_eq!(drawn_last, last, "column {c} ends at its last value");
                assert_eq!(drawn.iter().max(), raw.iter().max(), "column {c}'s highest");
                assert_eq!(drawn.iter().min(), raw.iter().min(), "column {c}'s lowest");
            }
        }
    }

    #[test]
    fn a_sparse_chart_keeps_every_change() {
        let ms = Duration::from_millis;
        let changes = [(ms(0), 1), (ms(250), 2), (ms(500), 0), (ms(750), 3)];
        let scale = Scale::whole(ms(1000));
        assert_eq!(
            steps(&changes, &scale, ms(1000)),
            [(0, 1), (250, 2), (500, 0), (750, 3)]
        );
        assert_eq!(
            steps(&changes, &scale, ms(600)),
            [(0, 1), (250, 2), (500, 0)],
            "only up to now"
        );
    }

    #[test]
    fn a_permits_chart_says_fewest_left_and_an_over_release() {
        let ms = Duration::from_millis;
        let normal = [(ms(0), 3), (ms(1), 0), (ms(2), 3)];
        assert_eq!(caption("permits", &normal)[0], " (fewest left 0)");
        assert_eq!(caption("permits", &normal)[1], "（最少剩 0）");
        let over = [(ms(0), 3), (ms(1), 2), (ms(2), 4)];
        assert_eq!(
            caption("permits", &over)[0],
            " (fewest left 2; up to 4 after a release above the 3 it started with)"
        );
        assert_eq!(caption("in-flight", &normal)[0], " (peak 3)");
    }
}
