//! The timeline's view model: lanes and segments placed as percentages of
//! a shared time axis. Pure, so it is tested natively; the component only
//! turns it into elements.

use std::time::Duration;

use asyncscope_core::trace::{Outcome, SegmentState, Trace};

/// A tick on the time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Position, 0–100.
    pub pct: f64,
    /// `0`, `500 ms`, `2 s`.
    pub label: String,
}

/// The shared time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The time at the right edge.
    pub end: Duration,
    /// Its ticks, from 0.
    pub ticks: Vec<Tick>,
}

/// A stretch of one lane.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentVm {
    /// Left edge, 0–100.
    pub left: f64,
    /// Width, 0–100.
    pub width: f64,
    /// The state it shows.
    pub state: SegmentState,
    /// The tooltip: state and times.
    pub title: String,
}

/// One task's lane.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneVm {
    /// The task's name.
    pub name: String,
    /// How it ended, if it has.
    pub outcome: Option<Outcome>,
    /// Its segments, in time order.
    pub segments: Vec<SegmentVm>,
    /// The phases of its requests, as the browser timed them.
    pub phases: Vec<PhaseVm>,
}

/// One phase of a request on its task's lane (Resource Timing).
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseVm {
    /// Left edge, 0–100.
    pub left: f64,
    /// Width, 0–100.
    pub width: f64,
    /// `queued`, `connecting`, `waiting` or `receiving`.
    pub name: &'static str,
    /// The tooltip.
    pub title: String,
}

/// The request phases of `trace` by task, on an axis ending at `end_ms`:
/// queued and connecting end where the request went out, then waiting for
/// the first byte, then receiving.
fn phases(trace: &Trace, end_ms: f64) -> std::collections::HashMap<u32, Vec<PhaseVm>> {
    let pct = |d: Duration| (d.as_secs_f64() * 1000.0 / end_ms * 100.0).clamp(0.0, 100.0);
    let mut out: std::collections::HashMap<u32, Vec<PhaseVm>> = Default::default();
    for r in trace.requests() {
        let (Some([queued, connecting, waiting, receiving]), Some((start, _))) = (r.phases, r.on_wire) else {
            continue;
        };
        let connect_start = start.saturating_sub(connecting);
        let queue_start = connect_start.saturating_sub(queued);
        let parts = [
            ("queued", queue_start, queued),
            ("connecting", connect_start, connecting),
            ("waiting", start, waiting),
            ("receiving", start + waiting, receiving),
        ];
        for (name, from, len) in parts {
            if len.is_zero() {
                continue;
            }
            let (left, right) = (pct(from), pct(from + len));
            out.entry(r.task.0).or_default().push(PhaseVm {
                left,
                width: right - left,
                name,
                title: format!("{}: {name} {} ({})", r.what, format_ms(ms(len)), "Resource Timing"),
            });
        }
    }
    out
}

/// A round axis end at or above `span`: 1, 1.5, 2, 3, 4, 5, 6 or 8 times a
/// power of ten milliseconds (at least 10 ms), with four to eight ticks.
pub fn axis(span: Duration) -> Axis {
    let want = span.as_secs_f64() * 1000.0;
    let mut end_ms = 10.0;
    'outer: for exp in 1..12 {
        let base = 10f64.powi(exp);
        for m in [1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0] {
            if m * base >= want {
                end_ms = m * base;
                break 'outer;
            }
        }
    }
    let step = nice_step(end_ms / 6.0);
    let mut ticks = Vec::new();
    let mut t = 0.0;
    while t <= end_ms + 1e-9 {
        ticks.push(Tick {
            pct: t / end_ms * 100.0,
            label: format_ms(t),
        });
        t += step;
    }
    Axis {
        end: Duration::from_secs_f64(end_ms / 1000.0),
        ticks,
    }
}

fn nice_step(raw: f64) -> f64 {
    let base = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * base)
}

/// `0`, `250 ms`, `1.5 s`, `12 s`.
pub fn format_ms(ms: f64) -> String {
    if ms == 0.0 {
        "0".to_string()
    } else if ms >= 1000.0 {
        let s = ms / 1000.0;
        if (s - s.round()).abs() < 1e-9 {
            format!("{} s", s.round())
        } else {
            format!("{s:.1} s")
        }
    } else {
        format!("{} ms", ms.round())
    }
}

/// The lanes of `trace` at time `now` (open segments end there) on an axis
/// ending at `end`. Zero-length waits are left out; polls are kept (the
/// stylesheet gives them a minimum width so that each one shows).
pub fn lanes(trace: &Trace, now: Duration, end: Duration) -> Vec<LaneVm> {
    let end_ms = end.as_secs_f64().max(1e-9) * 1000.0;
    let pct = |d: Duration| (d.as_secs_f64() * 1000.0 / end_ms * 100.0).clamp(0.0, 100.0);
    let mut phases = phases(trace, end_ms);
    trace
        .spans()
        .into_iter()
        .map(|span| {
            let segments = span
                .segments
                .iter()
                .filter_map(|seg| {
                    let stop = seg.end.unwrap_or(now).max(seg.start);
                    if stop == seg.start && seg.state != SegmentState::Polled {
                        return None;
                    }
                    let (left, right) = (pct(seg.start), pct(stop));
                    let title = format!(
                        "{}: {} from {} to {}{}",
                        span.name,
                        seg.state.as_str(),
                        format_ms(ms(seg.start)),
                        format_ms(ms(stop)),
                        if seg.end.is_none() { " (so far)" } else { "" }
                    );
                    Some(SegmentVm {
                        left,
                        width: right - left,
                        state: seg.state,
                        title,
                    })
                })
                .collect();
            LaneVm {
                phases: phases.remove(&span.id.0).unwrap_or_default(),
                name: span.name,
                outcome: span.outcome,
                segments,
            }
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncscope_core::trace::EventKind;

    #[test]
    fn axis_ends_round_with_even_ticks() {
        let a = axis(Duration::from_millis(6000));
        assert_eq!(a.end, Duration::from_millis(6000));
        let labels: Vec<_> = a.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "1 s", "2 s", "3 s", "4 s", "5 s", "6 s"]);
        assert_eq!(axis(Duration::from_millis(6001)).end, Duration::from_millis(8000));
        assert_eq!(axis(Duration::ZERO).end, Duration::from_millis(10));
        let small = axis(Duration::from_millis(340));
        assert_eq!(small.end, Duration::from_millis(400));
        assert_eq!(small.ticks.last().map(|t| t.label.as_str()), Some("400 ms"));
    }

    #[test]
    fn lanes_place_segments_and_keep_open_ones_growing() {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("job0");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(ms(0), a, EventKind::TimerArmed { deadline: ms(300) });
        t.push(
            ms(0),
            a,
            EventKind::PollEnd {
                ready: false,
                site: None,
            },
        );
        let live = lanes(&t, ms(100), ms(400));
        assert_eq!(live.len(), 1);
        let segs: Vec<_> = live[0].segments.iter().map(|s| (s.state, s.left, s.width)).collect();
        assert_eq!(
            segs,
            [(SegmentState::Polled, 0.0, 0.0), (SegmentState::Sleeping, 0.0, 25.0)]
        );
        assert_eq!(live[0].segments[1].title, "job0: sleeping from 0 to 100 ms (so far)");
        assert_eq!(live[0].outcome, None);
    }

    #[test]
    fn request_phases_sit_on_the_lane_of_their_task() {
        let d = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("request0");
        t.push(d(0), a, EventKind::Created);
        t.push(
            d(0),
            a,
            EventKind::RequestSent {
                what: "GET /api/delay/500".to_string(),
            },
        );
        t.push(
            d(600),
            a,
            EventKind::RequestTiming {
                request_start: d(100),
                queued: d(100),
                connecting: Duration::ZERO,
                waiting: d(450),
                receiving: d(50),
            },
        );
        t.push(d(600), a, EventKind::RequestAnswered { status: 200 });
        let lanes = lanes(&t, d(600), d(1000));
        let phases: Vec<_> = lanes[0]
            .phases
            .iter()
            .map(|p| (p.name, p.left.round(), p.width.round()))
            .collect();
        assert_eq!(
            phases,
            [("queued", 0.0, 10.0), ("waiting", 10.0, 45.0), ("receiving", 55.0, 5.0)]
        );
    }
}
