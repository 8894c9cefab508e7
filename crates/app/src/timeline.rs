//! The timeline's view model: lanes and segments placed as percentages of
//! a shared time axis. Pure, so it is tested natively; the component only
//! turns it into elements.

use std::time::Duration;

use std::collections::HashMap;

use asyncscope_core::trace::{EventKind, Outcome, RequestSpan, ResourceKind, SegmentState, TaskSpan, Trace};

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

/// The stretch of time in view: `from` at the left edge, `to` at the right.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The time at the left edge.
    pub from: Duration,
    /// The time at the right edge.
    pub to: Duration,
}

impl Scale {
    /// The whole axis up to `end`.
    pub fn whole(end: Duration) -> Scale {
        Scale {
            from: Duration::ZERO,
            to: end,
        }
    }

    /// The part of an axis ending at `end` that `view` shows.
    pub fn of(end: Duration, view: crate::state::View) -> Scale {
        Scale {
            from: end.mul_f64(view.from.clamp(0.0, 1.0)),
            to: end.mul_f64(view.to.clamp(0.0, 1.0)),
        }
    }

    fn width_ms(&self) -> f64 {
        (self.to.saturating_sub(self.from).as_secs_f64() * 1000.0).max(1e-9)
    }

    /// Where `t` falls, 0–100 (outside the view: clamped to its edge).
    pub fn pct(&self, t: Duration) -> f64 {
        let off = t.as_secs_f64() * 1000.0 - self.from.as_secs_f64() * 1000.0;
        (off / self.width_ms() * 100.0).clamp(0.0, 100.0)
    }

    /// True if `[a, b]` shows in the view.
    pub fn shows(&self, a: Duration, b: Duration) -> bool {
        b >= self.from && a <= self.to
    }

    /// The ticks of the view: round steps, four to eight of them.
    pub fn ticks(&self) -> Vec<Tick> {
        let width = self.width_ms();
        let step = nice_step(width / 6.0);
        let from = self.from.as_secs_f64() * 1000.0;
        let mut t = (from / step).ceil() * step;
        let mut out = Vec::new();
        while t <= from + width + 1e-9 {
            out.push(Tick {
                pct: (t - from) / width * 100.0,
                label: format_ms(t),
            });
            t += step;
        }
        out
    }
}

/// A mark on a lane: a wake, a retry, the deadline of a timeout, a cancel.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkVm {
    /// Position, 0–100.
    pub left: f64,
    /// `wake`, `retry`, `deadline`, `cancel`, `timeout` or `error`.
    pub kind: &'static str,
    /// The tooltip.
    pub title: String,
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
    /// Its marks.
    pub marks: Vec<MarkVm>,
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

/// The phases of `requests` (Resource Timing) within `scale`: queued and
/// connecting end where the request went out, then waiting for the first
/// byte, then receiving.
fn phases<'a>(requests: impl Iterator<Item = &'a RequestSpan>, scale: &Scale) -> Vec<PhaseVm> {
    let pct = |d: Duration| scale.pct(d);
    let mut out = Vec::new();
    for r in requests {
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
            out.push(PhaseVm {
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

/// What drawing a run needs that does not depend on the view or the
/// instant: computed once per trace (the page memoizes it), so that
/// panning and zooming only place what is in view.
#[derive(Clone, Debug, PartialEq)]
pub struct RunModel {
    /// The lanes' spans: tasks made so far, in the order they were made.
    pub spans: Vec<TaskSpan>,
    /// Per task id: its marks as `(instant, kind, event index)`.
    pub marks: HashMap<u32, Vec<(Duration, &'static str, usize)>>,
    /// Every request.
    pub requests: Vec<RequestSpan>,
    /// The step charts' changes.
    pub series: Vec<Series>,
    /// When timeouts' deadlines passed.
    pub deadlines: Vec<Duration>,
    /// The most tasks in flight at once.
    pub max_in_flight: usize,
    /// When the last task ended, once all have.
    pub makespan: Option<Duration>,
}

/// One step chart's data: `(label, kind, top of scale, (instant, value)
/// changes)`.
pub type Series = (String, &'static str, u32, Vec<(Duration, u32)>);

/// The [`RunModel`] of `trace`.
pub fn run_model(trace: &Trace) -> RunModel {
    let mut marks: HashMap<u32, Vec<(Duration, &'static str, usize)>> = HashMap::new();
    let mut deadlines = Vec::new();
    let mut attempts: Vec<(Duration, u32)> = Vec::new();
    for (i, ev) in trace.events().iter().enumerate() {
        let kind = match &ev.kind {
            EventKind::Woken { .. } => "wake",
            EventKind::Attempt { number } => {
                attempts.push((ev.at, *number));
                if *number > 1 { "retry" } else { continue }
            }
            EventKind::DeadlinePassed => {
                deadlines.push(ev.at);
                "deadline"
            }
            EventKind::Completed {
                outcome: Outcome::Cancelled,
            } => "cancel",
            EventKind::Completed {
                outcome: Outcome::Timeout,
            } => "timeout",
            EventKind::Completed {
                outcome: Outcome::Error,
            } => "error",
            _ => continue,
        };
        marks.entry(ev.task.0).or_default().push((ev.at, kind, i));
    }
    let flight = trace.in_flight();
    let peak = flight.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut series = vec![("tasks in flight".to_string(), "in-flight", peak.max(1), flight)];
    for (i, meta) in trace.resources().iter().enumerate() {
        let id = asyncscope_core::trace::ResourceId(u32::try_from(i).unwrap_or(u32::MAX));
        // Semaphores and limits: permits left (from each event's count of
        // what is free); queues: depth.
        let (label, kind, cap, start) = match meta.kind {
            ResourceKind::Semaphore { permits } => (
                format!("{}: permits left, of {permits}", meta.name),
                "permits",
                permits,
                permits,
            ),
            ResourceKind::Limit { limit } => (
                format!("{}: slots left, of {limit}", meta.name),
                "permits",
                limit,
                limit,
            ),
            ResourceKind::Queue { capacity } => (
                match capacity {
                    Some(c) => format!("{}: depth, capacity {c}", meta.name),
                    None => format!("{}: depth", meta.name),
                },
                "queue",
                capacity.unwrap_or(0),
                0,
            ),
        };
        let mut changes: Vec<(Duration, u32)> = vec![(Duration::ZERO, start)];
        for ev in trace.events() {
            let value = match &ev.kind {
                EventKind::PermitAcquired { resource, available }
                | EventKind::PermitReleased { resource, available }
                    if *resource == id =>
                {
                    *available
                }
                EventKind::QueuePush { resource, depth } | EventKind::QueuePop { resource, depth }
                    if *resource == id =>
                {
                    *depth
                }
                _ => continue,
            };
            changes.push((ev.at, value));
        }
        let peak = changes.iter().map(|(_, v)| *v).max().unwrap_or(0);
        series.push((label, kind, cap.max(peak).max(1), changes));
    }
    // The attempt number is worth a chart only once something was retried.
    if attempts.iter().any(|(_, n)| *n > 1) {
        let peak = attempts.iter().map(|(_, n)| *n).max().unwrap_or(1);
        series.push(("retry: attempt number".to_string(), "attempt", peak.max(1), attempts));
    }
    RunModel {
        spans: trace
            .spans()
            .into_iter()
            // A task the trace knows of but that was not made yet (a trace
            // cut at a playhead) has no lane yet.
            .filter(|span| !span.segments.is_empty() || span.outcome.is_some())
            .collect(),
        marks,
        requests: trace.requests(),
        series,
        deadlines,
        max_in_flight: usize::try_from(peak).unwrap_or(usize::MAX),
        makespan: trace.makespan(),
    }
}

/// The lane of `model.spans[index]` at time `now` (open segments end there)
/// within `scale`. Zero-length waits are left out; polls are kept (the
/// stylesheet gives them a minimum width so that each one shows); segments
/// outside the view are left out and those across its edges are cut there.
pub fn lane(trace: &Trace, model: &RunModel, index: usize, now: Duration, scale: &Scale) -> Option<LaneVm> {
    let span = model.spans.get(index)?;
    let pct = |d: Duration| scale.pct(d);
    let segments = span
        .segments
        .iter()
        .filter_map(|seg| {
            let stop = seg.end.unwrap_or(now).max(seg.start);
            if stop == seg.start && seg.state != SegmentState::Polled {
                return None;
            }
            if !scale.shows(seg.start, stop) {
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
    let marks = model
        .marks
        .get(&span.id.0)
        .into_iter()
        .flatten()
        .filter(|(at, _, _)| scale.shows(*at, *at))
        .map(|(at, kind, i)| MarkVm {
            left: pct(*at),
            kind,
            title: format!(
                "{} at {}: {}",
                span.name,
                format_ms(ms(*at)),
                trace
                    .events()
                    .get(*i)
                    .map(|e| trace.describe(&e.kind))
                    .unwrap_or_default()
            ),
        })
        .collect();
    Some(LaneVm {
        phases: phases(model.requests.iter().filter(|r| r.task == span.id), scale),
        marks,
        name: span.name.clone(),
        outcome: span.outcome,
        segments,
    })
}

/// Every lane of `trace` at `now` within `scale` (see [`lane`]).
pub fn lanes(trace: &Trace, now: Duration, scale: &Scale) -> Vec<LaneVm> {
    let model = run_model(trace);
    (0..model.spans.len())
        .filter_map(|i| lane(trace, &model, i, now, scale))
        .collect()
}

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

/// Per task: time spent polled (running), pending (waiting), and built but
/// not yet polled, up to `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskTimes {
    /// The task.
    pub name: String,
    /// Time inside polls.
    pub running: Duration,
    /// Time pending on something.
    pub waiting: Duration,
    /// Time between its creation and its first poll.
    pub not_started: Duration,
}

/// [`TaskTimes`] of every task.
pub fn task_times(trace: &Trace, now: Duration) -> Vec<TaskTimes> {
    trace
        .spans()
        .into_iter()
        .map(|span| {
            let mut t = TaskTimes {
                name: span.name,
                running: Duration::ZERO,
                waiting: Duration::ZERO,
                not_started: Duration::ZERO,
            };
            for seg in &span.segments {
                let len = seg.end.unwrap_or(now).saturating_sub(seg.start);
                match seg.state {
                    SegmentState::Polled => t.running += len,
                    SegmentState::Created => t.not_started += len,
                    _ => t.waiting += len,
                }
            }
            t
        })
        .collect()
}

/// The await point that event `index` of `trace` concerns: for its task,
/// the site of the last pending poll at or before it (where the task was
/// waiting), else where the task was made.
pub fn await_site(trace: &Trace, index: usize) -> Option<&asyncscope_core::trace::Site> {
    let events = trace.events();
    let task = events.get(index)?.task;
    let pending = events[..=index]
        .iter()
        .rev()
        .filter(|e| e.task == task)
        .find_map(|e| match e.kind {
            EventKind::PollEnd {
                ready: false,
                site: Some(site),
            } => Some(site),
            _ => None,
        });
    let site = pending.or_else(|| trace.tasks().get(task.0 as usize).and_then(|m| m.site))?;
    trace.site(site)
}

/// The runs as a standalone SVG picture: per run a title, then a lane per
/// task with its segments coloured and labelled by state, on one axis.
pub fn svg(runs: &[(String, Trace)], scale: &Scale) -> String {
    use std::fmt::Write as _;
    const W: f64 = 960.0;
    const LABEL: f64 = 130.0;
    const ROW: f64 = 18.0;
    let colour = |s: SegmentState| match s {
        SegmentState::Created => "#9aa0aa",
        SegmentState::Polled => "#b7410e",
        SegmentState::Sleeping => "#2f7d8c",
        SegmentState::WaitingPermit => "#c2772b",
        SegmentState::AwaitingIo => "#3f7fd0",
        SegmentState::Waiting => "#8a6bbf",
    };
    let track = W - LABEL - 80.0;
    let x = |pct: f64| LABEL + pct / 100.0 * track;
    let mut body = String::new();
    let mut y = 24.0;
    for tick in scale.ticks() {
        let _ = write!(
            body,
            r##"<text x="{:.1}" y="14" font-size="10" text-anchor="middle" fill="#5d6472">{}</text>"##,
            x(tick.pct),
            esc(&tick.label)
        );
    }
    for (label, trace) in runs {
        let now = trace.events().last().map_or(Duration::ZERO, |e| e.at);
        let _ = write!(
            body,
            r##"<text x="4" y="{:.1}" font-size="12" font-weight="bold" fill="#1d2027">{}</text>"##,
            y + 12.0,
            esc(label)
        );
        y += ROW;
        for lane in lanes(trace, now, scale) {
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" font-family="monospace" fill="#1d2027">{}</text>"##,
                LABEL - 6.0,
                y + 12.0,
                esc(&lane.name)
            );
            for seg in &lane.segments {
                let _ = write!(
                    body,
                    r##"<rect x="{:.2}" y="{:.1}" width="{:.2}" height="{:.1}" fill="{}"><title>{}</title></rect>"##,
                    x(seg.left),
                    y + 2.0,
                    (seg.width / 100.0 * track).max(1.0),
                    ROW - 4.0,
                    colour(seg.state),
                    esc(&seg.title)
                );
            }
            let outcome = lane.outcome.map_or("running", Outcome::as_str);
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#5d6472">{outcome}</text>"##,
                LABEL + track + 6.0,
                y + 12.0
            );
            y += ROW;
        }
        y += 8.0;
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{:.0}" viewBox="0 0 {W} {:.0}" font-family="sans-serif"><rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>"##,
        y + 8.0,
        y + 8.0
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let live = lanes(&t, ms(100), &Scale::whole(ms(400)));
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
    fn a_zoomed_view_cuts_segments_at_its_edges_and_ticks_inside_it() {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(ms(0), a, EventKind::TimerArmed { deadline: ms(1000) });
        t.push(
            ms(0),
            a,
            EventKind::PollEnd {
                ready: false,
                site: None,
            },
        );
        t.push(
            ms(1000),
            a,
            EventKind::Woken {
                by: asyncscope_core::trace::WakeCause::Timer,
            },
        );
        t.push(ms(1000), a, EventKind::PollStart);
        t.push(ms(1000), a, EventKind::Completed { outcome: Outcome::Ok });
        let scale = Scale {
            from: ms(500),
            to: ms(1500),
        };
        let lane = &lanes(&t, ms(1000), &scale)[0];
        let segs: Vec<_> = lane.segments.iter().map(|s| (s.state, s.left, s.width)).collect();
        assert_eq!(
            segs,
            [(SegmentState::Sleeping, 0.0, 50.0), (SegmentState::Polled, 50.0, 0.0)]
        );
        assert_eq!(
            lane.marks.iter().map(|m| (m.kind, m.left)).collect::<Vec<_>>(),
            [("wake", 50.0)]
        );
        let labels: Vec<_> = scale.ticks().into_iter().map(|t| t.label).collect();
        assert_eq!(labels.first().map(String::as_str), Some("600 ms"));
        assert_eq!(labels.last().map(String::as_str), Some("1.4 s"));
        let times = task_times(&t, ms(1000));
        assert_eq!((times[0].running, times[0].waiting), (Duration::ZERO, ms(1000)));
        let svg = svg(&[("run".to_string(), t.clone())], &Scale::whole(ms(1000)));
        assert!(
            svg.starts_with("<svg") && svg.contains(">a</text>") && svg.contains("#2f7d8c"),
            "{svg}"
        );
    }

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
        let lanes = lanes(&t, d(600), &Scale::whole(d(1000)));
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
