//! The overview of a large run: every task at once, as a density strip of
//! bands of tasks (in the order they were made) by columns of time, each
//! cell coloured by the state most of its tasks' time is in. Drawn as one
//! SVG path per state and one band per group of tasks, so its size does
//! not grow with the run.

use std::time::Duration;

use asyncscope_core::trace::SegmentState;

use crate::model::RunModel;

/// A band of the overview: the lanes it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    /// Its first lane (an index into the run's spans).
    pub first: usize,
    /// One past its last lane.
    pub end: usize,
}

/// The overview of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    /// Columns of time across the axis.
    pub columns: usize,
    /// Its bands, top to bottom.
    pub bands: Vec<Band>,
    /// Per state that fills some cell: an SVG path of unit cells in a
    /// `columns` × `bands.len()` box (a row of cells in one state is one
    /// rectangle).
    pub paths: Vec<(SegmentState, String)>,
}

/// The overview of `model`'s lanes on an axis ending at `end`, in at most
/// `rows` bands and `columns` columns of time.
pub fn overview(model: &RunModel, end: Duration, rows: usize, columns: usize) -> Overview {
    let columns = columns.max(1);
    let bands = bands(model.spans.len(), rows);
    let states = SegmentState::ALL;
    let k = states.len();
    let end_ms = (end.as_secs_f64() * 1000.0).max(1e-9);
    let col_ms = end_ms / columns as f64;
    // Time spent in each state, per cell (row, column, state). A segment
    // adds its share of its first and last columns here; the columns it
    // covers wholly in between are counted in `whole` (a difference array
    // along each row, summed once at the end), so that a long segment
    // costs as little as a short one: a live run's overview is made again
    // at each drawing, and 10,000 tasks waiting since the start each
    // cover every column.
    let mut cells = vec![0.0f64; bands.len() * columns * k];
    let mut whole = vec![0i64; bands.len() * (columns + 1) * k];
    let part = |c: usize, from: f64, to: f64| {
        let (a, b) = (c as f64 * col_ms, (c + 1) as f64 * col_ms);
        // A poll takes no virtual time: it still counts, a little.
        (to.min(b) - from.max(a))
            .max(0.0)
            .max(if to == from { 1e-6 } else { 0.0 })
    };
    for (row, band) in bands.iter().enumerate() {
        for span in &model.spans[band.first..band.end] {
            let stop = span.end.unwrap_or(end);
            for seg in &span.segments {
                let from = seg.start.as_secs_f64() * 1000.0;
                let to = (seg.end.unwrap_or(stop).as_secs_f64() * 1000.0).max(from);
                let Some(s) = states.iter().position(|x| *x == seg.state) else {
                    continue;
                };
                let first = ((from / col_ms) as usize).min(columns - 1);
                let last = ((to / col_ms) as usize).min(columns - 1);
                cells[(row * columns + first) * k + s] += part(first, from, to);
                if last > first {
                    cells[(row * columns + last) * k + s] += part(last, from, to);
                }
                if last > first + 1 {
                    whole[(row * (columns + 1) + first + 1) * k + s] += 1;
                    whole[(row * (columns + 1) + last) * k + s] -= 1;
                }
            }
        }
    }
    for row in 0..bands.len() {
        for s in 0..k {
            let mut covering = 0i64;
            for c in 0..columns {
                covering += whole[(row * (columns + 1) + c) * k + s];
                if covering > 0 {
                    cells[(row * columns + c) * k + s] += covering as f64 * part(c, f64::MIN, f64::MAX);
                }
            }
        }
    }
    let paths = paths(&cells, bands.len(), columns);
    Overview { columns, bands, paths }
}

/// `n` lanes in at most `rows` bands (at least one), none empty.
fn bands(n: usize, rows: usize) -> Vec<Band> {
    let rows = rows.clamp(1, n.max(1));
    (0..rows)
        .map(|b| Band {
            first: b * n / rows,
            end: (b + 1) * n / rows,
        })
        .filter(|b| b.end > b.first)
        .collect()
}

/// The overview's paths from its cells' time per state (`rows` ×
/// `columns` cells of [`SegmentState::ALL`]'s length each): per state, a
/// rectangle for each run of cells along a row whose most time is in it.
fn paths(cells: &[f64], rows: usize, columns: usize) -> Vec<(SegmentState, String)> {
    let states = SegmentState::ALL;
    let k = states.len();
    let mut paths: Vec<(SegmentState, String)> = states.iter().map(|s| (*s, String::new())).collect();
    for row in 0..rows {
        let mut run: Option<(usize, usize)> = None; // (state, first column)
        for c in 0..=columns {
            let top = (c < columns)
                .then(|| {
                    let cell = &cells[(row * columns + c) * k..(row * columns + c + 1) * k];
                    cell.iter()
                        .enumerate()
                        .filter(|(_, v)| **v > 0.0)
                        .max_by(|a, b| a.1.total_cmp(b.1))
                        .map(|(i, _)| i)
                })
                .flatten();
            if let Some((s, from)) = run
                && top != Some(s)
            {
                paths[s]
                    .1
                    .push_str(&format!("M{from},{row}h{}v1h-{}z", c - from, c - from));
                run = None;
            }
            if run.is_none()
                && let Some(s) = top
            {
                run = Some((s, c));
            }
        }
    }
    paths.retain(|(_, p)| !p.is_empty());
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::run_model;
    use asyncscope_core::trace::{EventKind, Outcome, TaskSpan, Trace};

    /// The overview's cells as they were made before, cell by cell: every
    /// column a segment covers is visited. The reference the counting of
    /// whole columns is held to (both draw their paths with [`paths`]).
    fn overview_cell_by_cell(model: &RunModel, end: Duration, rows: usize, columns: usize) -> Overview {
        let columns = columns.max(1);
        let bands = bands(model.spans.len(), rows);
        let states = SegmentState::ALL;
        let k = states.len();
        let end_ms = (end.as_secs_f64() * 1000.0).max(1e-9);
        let col_ms = end_ms / columns as f64;
        let mut cells = vec![0.0f64; bands.len() * columns * k];
        let mut add = |row: usize, span: &TaskSpan| {
            let stop = span.end.unwrap_or(end);
            for seg in &span.segments {
                let from = seg.start.as_secs_f64() * 1000.0;
                let to = (seg.end.unwrap_or(stop).as_secs_f64() * 1000.0).max(from);
                let Some(s) = states.iter().position(|x| *x == seg.state) else {
                    continue;
                };
                let first = ((from / col_ms) as usize).min(columns - 1);
                let last = ((to / col_ms) as usize).min(columns - 1);
                for c in first..=last {
                    let (a, b) = (c as f64 * col_ms, (c + 1) as f64 * col_ms);
                    let overlap = (to.min(b) - from.max(a))
                        .max(0.0)
                        .max(if to == from { 1e-6 } else { 0.0 });
                    cells[(row * columns + c) * k + s] += overlap;
                }
            }
        };
        for (row, band) in bands.iter().enumerate() {
            for span in &model.spans[band.first..band.end] {
                add(row, span);
            }
        }
        let paths = paths(&cells, bands.len(), columns);
        Overview { columns, bands, paths }
    }

    /// Counting the columns a segment covers wholly, rather than visiting
    /// them, draws the same overview: every run of the catalog and the
    /// odd traces, cut at every fifth, live (the axis a little past the
    /// cut) and finished, in the page's grid and in odd ones.
    #[test]
    fn the_overview_is_the_overview_made_cell_by_cell() {
        for (name, trace) in crate::model::tests::every_run() {
            let len = trace.events().len();
            for k in 0..=5 {
                let cut = trace.prefix(len * k / 5);
                let model = run_model(&cut);
                let last = cut.events().last().map_or(Duration::ZERO, |e| e.at());
                for end in [last, last + last / 3 + Duration::from_millis(1)] {
                    for (rows, columns) in [(24, 120), (5, 7), (1, 1), (300, 33)] {
                        assert_eq!(
                            overview(&model, end, rows, columns),
                            overview_cell_by_cell(&model, end, rows, columns),
                            "{name}, {k} fifths, to {end:?}, {rows} × {columns}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_overview_has_few_bands_and_one_path_per_state() {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        for i in 0..1000u64 {
            let a = t.add_task(format!("task{i}"));
            t.push(ms(0), a, EventKind::Created);
            t.push(ms(i), a, EventKind::PollStart);
            t.push(
                ms(i),
                a,
                EventKind::TimerArmed {
                    deadline: ms(i + 100).into(),
                },
            );
            t.push(ms(i), a, EventKind::pending(None));
        }
        // The events must be in time order: end them all afterwards.
        for i in 0..1000u32 {
            let a = asyncscope_core::trace::TaskId(i);
            t.push(ms(1100), a, EventKind::PollStart);
            t.push(ms(1100), a, EventKind::Completed { outcome: Outcome::Ok });
        }
        let model = run_model(&t);
        let o = overview(&model, ms(1100), 20, 100);
        assert_eq!(o.bands.len(), 20);
        assert_eq!(o.bands[0], Band { first: 0, end: 50 });
        assert_eq!(o.bands[19].end, 1000);
        assert!(o.paths.len() <= SegmentState::ALL.len());
        let states: Vec<_> = o.paths.iter().map(|(s, _)| *s).collect();
        assert!(states.contains(&SegmentState::Sleeping), "{states:?}");
        assert!(states.contains(&SegmentState::Created), "{states:?}");
        // Every band is drawn: each row has some cell.
        for row in 0..20 {
            assert!(
                o.paths.iter().any(|(_, p)| p.contains(&format!(",{row}h"))),
                "row {row} is empty"
            );
        }
        // Fewer tasks than rows: a band per task.
        let small = overview(&model, ms(1100), 5000, 10);
        assert_eq!(small.bands.len(), 1000);
    }
}
