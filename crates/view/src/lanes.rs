//! One lane per task: its segments, request phases and marks, placed as
//! percentages of the [`Scale`] in view.

use std::time::Duration;

use asyncscope_core::trace::{Outcome, RequestSpan, SegmentState, TaskId, Trace};

use crate::model::{RunModel, run_model};
use crate::scale::{Scale, format_ms, ms};

/// A mark on a lane: a wake, a retry, the deadline of a timeout, a cancel.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkVm {
    /// Position, 0–100.
    pub left: f64,
    /// `wake`, `retry`, `deadline`, `cancel`, `timeout` or `error`.
    pub kind: &'static str,
    /// The tooltip.
    pub title: String,
    /// How many marks of its kind it stands for: 1, or more where marks
    /// closer than [`BUNDLE_PCT`] of the view are drawn as one (zooming in
    /// parts them).
    pub bundled: u32,
}

/// A stretch of one lane.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentVm {
    /// Left edge, 0–100.
    pub left: f64,
    /// Width, 0–100.
    pub width: f64,
    /// The state it shows: its own, or for a bundle the state that holds
    /// most of its time.
    pub state: SegmentState,
    /// The tooltip: state and times.
    pub title: String,
    /// How many segments it stands for: 1, or more for a bundle of
    /// segments each narrower than [`FINE_PCT`] of the view, drawn as one
    /// up to [`BUNDLE_PCT`] wide (zooming in parts them).
    pub bundled: u32,
}

/// A segment narrower than this share of the view (in %, about a pixel of
/// a lane a thousand pixels wide) is drawn on its own only when its
/// neighbours are wider: a run of such segments is drawn as bundles. A wait
/// still going (open at the instant drawn) is not drawn until it is this
/// wide, and then alone.
pub const FINE_PCT: f64 = 0.1;

/// The widest a bundle of fine segments (or of marks of one kind) grows,
/// in % of the view: a lane draws at most a few hundred bundles however
/// many segments it has, so a task that polled 150,000 times draws in
/// milliseconds, and zooming in shows each segment again.
pub const BUNDLE_PCT: f64 = 0.5;

/// A segment of a lane within the view, before it is drawn alone or in a
/// bundle: its place, its times and its state.
#[derive(Clone, Copy)]
struct Placed {
    left: f64,
    right: f64,
    /// Its whole width in % of the view, uncut by the view's edges.
    whole: f64,
    start: Duration,
    stop: Duration,
    open: bool,
    state: SegmentState,
}

/// A run of fine segments being drawn as one, taken in as they come (a
/// lane may have hundreds of thousands): its first segment (drawn alone if
/// the run stays one), where it ends, and per state (in
/// [`SegmentState::ALL`]'s order) how many and how much of the view.
struct Bundle {
    first: Placed,
    right: f64,
    stop: Duration,
    n: usize,
    count: [usize; STATES],
    share: [f64; STATES],
}

/// How many segment states there are.
const STATES: usize = SegmentState::ALL.len();

impl Bundle {
    fn new(p: Placed) -> Bundle {
        let mut b = Bundle {
            first: p,
            right: p.right,
            stop: p.stop,
            n: 0,
            count: [0; STATES],
            share: [0.0; STATES],
        };
        b.add(&p);
        b
    }

    fn add(&mut self, p: &Placed) {
        let k = SegmentState::ALL.iter().position(|s| *s == p.state).unwrap_or(0);
        self.count[k] += 1;
        // Polls take no time: each counts as a moment.
        self.share[k] += (p.right - p.left).max(1e-9);
        self.right = p.right;
        self.stop = p.stop;
        self.n += 1;
    }

    /// The state that holds most of its time (the first in legend order
    /// on a tie).
    fn dominant(&self) -> SegmentState {
        let mut best = 0;
        for k in 1..STATES {
            if self.share[k] > self.share[best] {
                best = k;
            }
        }
        SegmentState::ALL[best]
    }

    /// Its tooltip: `name`, how many segments from `from` to `to`, and how
    /// many were in each state.
    fn title(&self, name: &str, from: &str, to: &str, zh: bool) -> String {
        let counts: Vec<String> = SegmentState::ALL
            .iter()
            .zip(self.count)
            .filter(|(_, n)| *n > 0)
            .map(|(state, n)| {
                if zh {
                    format!("{} {n}", state.zh())
                } else {
                    format!("{} {n}", state.as_str())
                }
            })
            .collect();
        let n = self.n;
        if zh {
            format!("{name}：{n} 段，{from} 到 {to}（{}）", counts.join("，"))
        } else {
            format!("{name}: {n} segments from {from} to {to} ({})", counts.join(", "))
        }
    }
}

/// A mark's kind ([`MarkVm::kind`]) in Simplified Chinese.
fn mark_kind_zh(kind: &str) -> &'static str {
    match kind {
        "wake" => "唤醒",
        "retry" => "重试",
        "deadline" => "截止",
        "cancel" => "取消",
        "timeout" => "超时",
        "error" => "错误",
        _ => "警告",
    }
}

/// A mark of a lane before it is drawn: its place, kind, instant and event.
type Plain = (f64, &'static str, Duration, usize);

/// Marks of one kind being drawn as one: the first and the last instant,
/// and how many.
struct MarkBundle {
    first: Plain,
    last: Duration,
    n: usize,
}

/// `marks` (in time order) with those of one kind closer than
/// [`BUNDLE_PCT`] to the first of their bundle drawn as one (each kind in
/// time order; kinds interleave as their bundles close). `title` makes a
/// lone mark's tooltip; `many` a bundle's, from its kind, its count and
/// its first and last instants.
fn bundle_marks(
    marks: Vec<Plain>,
    title: impl Fn(Duration, usize) -> String,
    many: impl Fn(&'static str, usize, Duration, Duration) -> String,
) -> Vec<MarkVm> {
    let mut out: Vec<MarkVm> = Vec::new();
    let mut open: Vec<MarkBundle> = Vec::new();
    let close = |out: &mut Vec<MarkVm>, b: MarkBundle| {
        let (left, kind, at, i) = b.first;
        out.push(MarkVm {
            left,
            kind,
            title: if b.n == 1 {
                title(at, i)
            } else {
                many(kind, b.n, at, b.last)
            },
            bundled: u32::try_from(b.n).unwrap_or(u32::MAX),
        });
    };
    for mark in marks {
        let (left, kind, at, _) = mark;
        let fresh = MarkBundle {
            first: mark,
            last: at,
            n: 1,
        };
        match open.iter_mut().find(|b| b.first.1 == kind) {
            Some(b) if left - b.first.0 < BUNDLE_PCT => {
                b.last = at;
                b.n += 1;
            }
            Some(b) => {
                let done = std::mem::replace(b, fresh);
                close(&mut out, done);
            }
            None => open.push(fresh),
        }
    }
    for done in open {
        close(&mut out, done);
    }
    out
}

/// One task's lane.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneVm {
    /// The task: what selects and picks it (names need not be unique).
    pub task: TaskId,
    /// The task's name.
    pub name: String,
    /// The name as the lane shows it: whole up to [`NAME_MAX`] characters,
    /// else cut in the middle (`producer…-2`), so that names differing at
    /// their end still read differently.
    pub short_name: String,
    /// How it ended, if it has.
    pub outcome: Option<Outcome>,
    /// When it ended, if it has.
    pub ended_at: Option<Duration>,
    /// Its segments, in time order.
    pub segments: Vec<SegmentVm>,
    /// The phases of its requests, as the browser timed them.
    pub phases: Vec<PhaseVm>,
    /// Its marks.
    pub marks: Vec<MarkVm>,
}

/// An arrow from a task to a task it woke, at the instant of the wake:
/// drawn in the woken task's lane, reaching `rows` lanes up (negative) or
/// down (positive) to the waker's.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowVm {
    /// Position, 0–100.
    pub left: f64,
    /// The task that woke the other.
    pub from: TaskId,
    /// The task woken, in whose lane the arrow is drawn.
    pub to: TaskId,
    /// Lanes from the woken task's to the waker's: negative above.
    pub rows: i64,
    /// The tooltip: the wake in words.
    pub title: String,
    /// It leaves or reaches the selected task.
    pub selected: bool,
    /// Its place among the arrows of the same instant (0 for the first),
    /// so that wakes at one instant stand side by side, not on one line.
    pub nudge: u32,
}

/// A run with at most this many wakes of one task by another draws them
/// all; a larger one only those of the selected task.
pub const ARROWS_ALL: usize = 30;

/// The wake arrows to draw within `scale`: every one if the run has at
/// most [`ARROWS_ALL`], else those into and out of `selected` (marked
/// [`ArrowVm::selected`] either way). Tooltips in Simplified Chinese when
/// `zh`.
pub fn wake_arrows(trace: &Trace, model: &RunModel, selected: Option<TaskId>, scale: &Scale, zh: bool) -> Vec<ArrowVm> {
    let all = model.wakes.len() <= ARROWS_ALL;
    if selected.is_none() && !all {
        return Vec::new();
    }
    let row: std::collections::HashMap<TaskId, i64> = model
        .spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i64::try_from(i).unwrap_or(i64::MAX)))
        .collect();
    let mut last: Option<(Duration, u32)> = None;
    model
        .wakes
        .iter()
        .filter(|(at, from, to, _)| (all || selected == Some(*from) || selected == Some(*to)) && scale.shows(*at, *at))
        .filter_map(|&(at, from, to, i)| {
            let rows = row.get(&from)? - row.get(&to)?;
            let nudge = match last {
                Some((t, n)) if t == at => n + 1,
                _ => 0,
            };
            last = Some((at, nudge));
            Some(ArrowVm {
                nudge,
                left: scale.pct(at),
                from,
                to,
                rows,
                title: if zh {
                    trace.describe_event_zh(i)
                } else {
                    trace.describe_event(i)
                },
                selected: selected == Some(from) || selected == Some(to),
            })
        })
        .collect()
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

/// A request phase's name (`queued`, `connecting`, `waiting`,
/// `receiving`) in Simplified Chinese.
pub fn phase_zh(name: &str) -> &'static str {
    match name {
        "queued" => "排队等连接",
        "connecting" => "建立连接",
        "waiting" => "等待首字节",
        "receiving" => "接收响应",
        _ => "请求",
    }
}

/// The phases of `requests` (Resource Timing) within `scale`: queued and
/// connecting end where the request went out, then waiting for the first
/// byte, then receiving.
fn phases<'a>(requests: impl Iterator<Item = &'a RequestSpan>, scale: &Scale, zh: bool) -> Vec<PhaseVm> {
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
                title: if zh {
                    format!(
                        "{}：{} {}（Resource Timing）",
                        r.what,
                        phase_zh(name),
                        format_ms(ms(len))
                    )
                } else {
                    format!("{}: {name} {} (Resource Timing)", r.what, format_ms(ms(len)))
                },
            });
        }
    }
    out
}

/// The lane of `model.spans[index]` at time `now` (open segments end there)
/// within `scale`. Zero-length waits are left out, and so is a wait still
/// going at `now` that is narrower than [`FINE_PCT`]; polls are kept (the
/// stylesheet gives them a minimum width so that each one shows); segments
/// outside the view are left out and those across its edges are cut there.
pub fn lane(trace: &Trace, model: &RunModel, index: usize, now: Duration, scale: &Scale) -> Option<LaneVm> {
    lane_in(trace, model, index, now, scale, false)
}

/// [`lane`], its tooltips in Simplified Chinese when `zh`.
pub fn lane_in(
    trace: &Trace,
    model: &RunModel,
    index: usize,
    now: Duration,
    scale: &Scale,
    zh: bool,
) -> Option<LaneVm> {
    let span = model.spans.get(index)?;
    let pct = |d: Duration| scale.pct(d);
    // `Scale::pct` worked out once for the view rather than per segment (a
    // lane may have hundreds of thousands).
    let (from_ms, per_ms) = (scale.from.as_secs_f64() * 1000.0, 100.0 / scale.width_ms());
    let at = |ms: f64| ((ms - from_ms) * per_ms).clamp(0.0, 100.0);
    let placed = span.segments.iter().filter_map(|seg| {
        let stop = seg.end.unwrap_or(now).max(seg.start);
        if stop == seg.start && seg.state != SegmentState::Polled {
            return None;
        }
        if !scale.shows(seg.start, stop) {
            return None;
        }
        let (a, b) = (seg.start.as_secs_f64() * 1000.0, stop.as_secs_f64() * 1000.0);
        // A wait still going at `now` (a live lane's last segment, or a
        // task's that never ended, at the end of a stalled run or at a
        // playhead) is drawn once it is a fine segment wide, and then
        // alone: never in a bundle with those before it. The poll before a fresh sleep then shows at
        // once, not inside a bundle narrower than a pixel, and a live lane
        // whose events are far apart only grows at its end: what was drawn
        // at one event is drawn the same at the next.
        if seg.end.is_none() && seg.state != SegmentState::Polled && (b - a) * per_ms < FINE_PCT {
            return None;
        }
        Some(Placed {
            left: at(a),
            right: at(b),
            whole: (b - a) * per_ms,
            start: seg.start,
            stop,
            open: seg.end.is_none(),
            state: seg.state,
        })
    });
    let one = |p: &Placed| {
        let (from, to) = (trace.at_label(p.start, zh), trace.at_label(p.stop, zh));
        // A poll waits on nothing: the wait kept at its instant is the
        // sleep's that starts as the poll (which took no time) ends.
        let on = crate::model::may_wait(p.state)
            .then(|| model.waits.get(&(span.id, p.start)))
            .flatten()
            .map(|w| trace.wait_line(w, zh));
        let title = if zh {
            let so_far = if p.open { "（至今）" } else { "" };
            let on = on.map_or(String::new(), |w| format!("：在等 {w}"));
            format!("{}：{}，{from} 到 {to}{so_far}{on}", span.name, p.state.zh())
        } else {
            let so_far = if p.open { " (so far)" } else { "" };
            let on = on.map_or(String::new(), |w| format!(": waiting on {w}"));
            format!("{}: {} from {from} to {to}{so_far}{on}", span.name, p.state.as_str())
        };
        SegmentVm {
            left: p.left,
            width: p.right - p.left,
            state: p.state,
            title,
            bundled: 1,
        }
    };
    let finish = |b: Bundle| -> SegmentVm {
        if b.n == 1 {
            return one(&b.first);
        }
        let (from, to) = (trace.at_label(b.first.start, zh), trace.at_label(b.stop, zh));
        SegmentVm {
            left: b.first.left,
            width: b.right - b.first.left,
            state: b.dominant(),
            title: b.title(&span.name, &from, &to, zh),
            bundled: u32::try_from(b.n).unwrap_or(u32::MAX),
        }
    };
    // Segments wide enough are drawn alone; runs of fine ones in bundles
    // up to BUNDLE_PCT wide (a lone fine one, such as a poll between two
    // sleeps, alone all the same). Fine by their whole width: a wide
    // segment cut to a sliver by the view's edge is drawn alone. One pass,
    // keeping only the bundle being made.
    let mut segments = Vec::new();
    let mut bundle: Option<Bundle> = None;
    for p in placed {
        if p.whole >= FINE_PCT {
            segments.extend(bundle.take().map(finish));
            segments.push(one(&p));
            continue;
        }
        match &mut bundle {
            Some(b) if p.right - b.first.left <= BUNDLE_PCT => b.add(&p),
            _ => {
                segments.extend(bundle.take().map(finish));
                bundle = Some(Bundle::new(p));
            }
        }
    }
    segments.extend(bundle.take().map(finish));
    let describe = |at: Duration, i: usize| {
        if zh {
            format!(
                "{} 于 {}：{}",
                span.name,
                trace.at_label(at, true),
                trace.describe_event_zh(i)
            )
        } else {
            format!(
                "{} at {}: {}",
                span.name,
                trace.at_label(at, false),
                trace.describe_event(i)
            )
        }
    };
    let many = |kind: &'static str, n: usize, first: Duration, last: Duration| {
        let (from, to) = (trace.at_label(first, zh), trace.at_label(last, zh));
        if zh {
            format!("{}：{n} 个{}标记，{from} 到 {to}", span.name, mark_kind_zh(kind))
        } else {
            format!("{}: {n} {kind} marks from {from} to {to}", span.name)
        }
    };
    let plain: Vec<Plain> = model
        .marks
        .get(&span.id)
        .into_iter()
        .flatten()
        .filter(|(at, _, _)| scale.shows(*at, *at))
        .map(|(at, kind, i)| (pct(*at), *kind, *at, *i))
        .collect();
    let mut marks = bundle_marks(plain, describe, many);
    let warned = model
        .warnings
        .get(&span.id)
        .into_iter()
        .flatten()
        .filter(|(at, _, _)| scale.shows(*at, *at))
        .map(|(at, rule, text)| MarkVm {
            left: pct(*at),
            kind: "warning",
            // A tooltip has no code font: the message's backticks go.
            title: if zh {
                format!(
                    "{} 于 {}：警告 {rule}：{}",
                    span.name,
                    trace.at_label(*at, true),
                    text[1].replace('`', "")
                )
            } else {
                format!(
                    "{} at {}: warning {rule}: {}",
                    span.name,
                    trace.at_label(*at, false),
                    text[0].replace('`', "")
                )
            },
            bundled: 1,
        });
    marks.extend(warned);
    Some(LaneVm {
        phases: phases(model.requests.iter().filter(|r| r.task == span.id), scale, zh),
        marks,
        task: span.id,
        name: span.name.clone(),
        short_name: short_name(&span.name, NAME_MAX),
        outcome: span.outcome,
        ended_at: span.end.filter(|_| span.outcome.is_some()),
        segments,
    })
}

/// The most characters a lane's name shows.
pub const NAME_MAX: usize = 18;

/// `name` in at most `max` characters (at least 3): whole if it fits, else
/// its start and its end around an ellipsis, the end kept as long as the
/// start (where names that share a prefix differ).
pub fn short_name(name: &str, max: usize) -> String {
    let max = max.max(3);
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= max {
        return name.to_string();
    }
    let keep = max - 1;
    let tail = keep / 2;
    let head = keep - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// The width of the lanes' name column, in characters: the longest name
/// shown among `model`'s tasks (at least 4, at most [`NAME_MAX`]).
pub fn name_column(model: &RunModel) -> usize {
    model
        .spans
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, NAME_MAX)
}

/// Every lane of `trace` at `now` within `scale` (see [`lane`]).
pub fn lanes(trace: &Trace, now: Duration, scale: &Scale) -> Vec<LaneVm> {
    let model = run_model(trace);
    (0..model.spans.len())
        .filter_map(|i| lane(trace, &model, i, now, scale))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncscope_core::trace::{EventKind, RequestTimes, WakeCause};

    /// Three tasks: `holder` (row 0) releases a permit that wakes `waiter`
    /// (row 2) at 1 s; `other` (row 1) only sleeps.
    fn woken_by_another() -> Trace {
        use asyncscope_core::trace::ResourceKind;
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let sem = t.add_resource("semaphore", ResourceKind::Semaphore { permits: 1 });
        let (holder, other, waiter) = (t.add_task("holder"), t.add_task("other"), t.add_task("waiter"));
        for task in [holder, other, waiter] {
            t.push(ms(0), task, EventKind::Created);
        }
        t.push(ms(0), waiter, EventKind::PollStart);
        t.push(ms(0), waiter, EventKind::PermitWaiting { resource: sem });
        t.push(ms(0), waiter, EventKind::pending(None));
        t.push(ms(1000), holder, EventKind::PollStart);
        t.push(
            ms(1000),
            holder,
            EventKind::PermitReleased {
                resource: sem,
                available: 1,
            },
        );
        t.push(
            ms(1000),
            waiter,
            EventKind::Woken {
                by: WakeCause::Resource(sem),
                from: Some(holder),
            },
        );
        t.push(ms(1000), holder, EventKind::ready());
        t
    }

    /// Tick `k` of `a`, every `period`: a wake by its timer (after the
    /// first tick), a poll (no time) and a sleep until the next tick.
    fn tick(t: &mut Trace, a: TaskId, k: u64, period: Duration) {
        let at = period * k as u32;
        if k > 0 {
            t.push(at, a, EventKind::TimerFired);
            t.push(at, a, EventKind::woken(WakeCause::Timer));
        }
        t.push(at, a, EventKind::PollStart);
        t.push(
            at,
            a,
            EventKind::TimerArmed {
                deadline: (at + period).into(),
            },
        );
        t.push(at, a, EventKind::pending(None));
    }

    /// One task that ticks every millisecond `ticks` times: at each tick
    /// a wake (after the first), a poll (no time) and a sleep of 1 ms.
    fn ticker(ticks: u64) -> Trace {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("ticker");
        t.push(ms(0), a, EventKind::Created);
        for k in 0..ticks {
            tick(&mut t, a, k, ms(1));
        }
        t.push(ms(ticks), a, EventKind::PollStart);
        t.push(ms(ticks), a, EventKind::ready());
        t.push(ms(ticks), a, EventKind::Completed { outcome: Outcome::Ok });
        t
    }

    #[test]
    fn a_lane_of_many_fine_segments_is_drawn_in_bundles_that_zooming_parts() {
        let t = ticker(10_000);
        let model = run_model(&t);
        let end = Duration::from_millis(10_000);
        let whole = lane_in(&t, &model, 0, end, &Scale::whole(end), false).expect("the lane");
        // 10,000 polls and 10,000 sleeps (and the last poll), each under a
        // pixel: bundles of at most BUNDLE_PCT, all of them accounted for.
        let drawn: u32 = whole.segments.iter().map(|s| s.bundled).sum();
        assert_eq!(drawn, 20_001, "every segment is in one bundle");
        assert!(
            whole.segments.len() <= (100.0 / BUNDLE_PCT) as usize + 2,
            "{} bundles",
            whole.segments.len()
        );
        for pair in whole.segments.windows(2) {
            assert!(
                pair[1].left >= pair[0].left + pair[0].width - 1e-9,
                "in order, apart: {pair:?}"
            );
        }
        for s in &whole.segments {
            assert!(s.width <= BUNDLE_PCT + FINE_PCT, "a bundle of {} wide", s.width);
        }
        let first = &whole.segments[0];
        assert_eq!(
            first.state,
            SegmentState::Sleeping,
            "a bundle shows the state that holds its time"
        );
        assert!(
            first.title.starts_with("ticker: ")
                && first.title.contains(" segments from 0 to ")
                && first.title.contains("(polled ")
                && first.title.ends_with("(polled 51, sleeping 50)"),
            "{}",
            first.title
        );
        let zh = lane_in(&t, &model, 0, end, &Scale::whole(end), true).expect("the lane");
        assert!(
            zh.segments[0].title.contains("段，0 到 ") && zh.segments[0].title.ends_with("（轮询中 51，睡眠 50）"),
            "{}",
            zh.segments[0].title
        );
        // The wakes bundle the same way, each counted once.
        let wakes: u32 = whole.marks.iter().filter(|m| m.kind == "wake").map(|m| m.bundled).sum();
        assert_eq!(wakes, 9_999);
        assert!(
            whole.marks.len() <= (100.0 / BUNDLE_PCT) as usize + 2,
            "{} marks",
            whole.marks.len()
        );
        assert!(
            whole.marks[0].title.contains(" wake marks from "),
            "{}",
            whole.marks[0].title
        );
        // Zoomed in to 20 ms, each segment and each wake is drawn alone.
        let near = Scale {
            from: Duration::from_millis(5_000),
            to: Duration::from_millis(5_020),
        };
        let zoomed = lane_in(&t, &model, 0, end, &near, false).expect("the lane");
        assert!(zoomed.segments.iter().all(|s| s.bundled == 1), "{:?}", zoomed.segments);
        assert!(zoomed.marks.iter().all(|m| m.bundled == 1));
        assert!(
            (40..=44).contains(&zoomed.segments.len()),
            "{} segments",
            zoomed.segments.len()
        );
        assert!(zoomed.segments[1].title.starts_with("ticker: "));
    }

    #[test]
    fn a_lone_poll_between_wide_sleeps_is_drawn_alone() {
        // 20 ticks over 20 ms, seen whole: each sleep is 5% of the view.
        let t = ticker(20);
        let end = Duration::from_millis(20);
        let model = crate::with_waits(run_model(&t), &t);
        assert!(!model.waits.is_empty(), "the sleeps know their timers");
        for zh in [false, true] {
            let lane = lane_in(&t, &model, 0, end, &Scale::whole(end), zh).expect("the lane");
            assert!(lane.segments.iter().all(|s| s.bundled == 1));
            let polls: Vec<&SegmentVm> = lane
                .segments
                .iter()
                .filter(|s| s.state == SegmentState::Polled)
                .collect();
            assert_eq!(polls.len(), 21, "every poll shows, though it takes no time");
            // A poll at the instant its task goes to sleep waits on nothing;
            // the sleep that follows waits on its timer.
            let waiting = if zh { "在等" } else { "waiting on" };
            assert!(polls.iter().all(|s| !s.title.contains(waiting)), "{:?}", polls[1].title);
            assert!(
                lane.segments
                    .iter()
                    .filter(|s| s.state == SegmentState::Sleeping)
                    .all(|s| s.title.contains(waiting)),
                "{:?}",
                lane.segments.iter().map(|s| &s.title).collect::<Vec<_>>()
            );
            assert!(lane.marks.iter().all(|m| m.bundled == 1) && lane.marks.len() == 19);
        }
    }

    #[test]
    fn a_wake_by_another_task_is_an_arrow_from_its_lane_to_the_woken_lane() {
        let t = woken_by_another();
        let model = run_model(&t);
        let scale = Scale::whole(Duration::from_secs(2));
        let all = wake_arrows(&t, &model, None, &scale, false);
        assert_eq!(all.len(), 1);
        let a = &all[0];
        assert_eq!(
            (t.task_name(a.from), t.task_name(a.to), a.rows),
            ("holder", "waiter", -2)
        );
        assert!((a.left - 50.0).abs() < 1e-9, "{}", a.left);
        assert!(a.title.contains("holder"), "{}", a.title);
        // Few wakes: all drawn, those of the selected task marked.
        assert!(!a.selected);
        let other = TaskId(1);
        assert!(!wake_arrows(&t, &model, Some(other), &scale, false)[0].selected);
        assert!(wake_arrows(&t, &model, Some(a.from), &scale, false)[0].selected);
        // Many: only the selected task's.
        let mut many = model.clone();
        many.wakes = vec![many.wakes[0]; ARROWS_ALL + 1];
        assert!(wake_arrows(&t, &many, None, &scale, false).is_empty());
        assert!(wake_arrows(&t, &many, Some(other), &scale, false).is_empty());
        assert_eq!(wake_arrows(&t, &many, Some(a.to), &scale, false).len(), ARROWS_ALL + 1);
        // Out of view, no arrow.
        let later = Scale {
            from: Duration::from_millis(1500),
            to: Duration::from_secs(2),
        };
        assert!(wake_arrows(&t, &model, None, &later, false).is_empty());
    }

    #[test]
    fn a_run_on_a_day_clock_says_days_and_clock_times() {
        let h = |n: u64| Duration::from_secs(n * 3600);
        let mut t = Trace::new();
        t.set_day_clock();
        let a = t.add_task("daily");
        t.push(h(0), a, EventKind::Created);
        t.push(h(0), a, EventKind::PollStart);
        t.push(h(0), a, EventKind::TimerArmed { deadline: h(33).into() });
        t.push(h(0), a, EventKind::pending(None));
        t.push(h(33), a, EventKind::woken(WakeCause::Timer));
        let model = run_model(&t);
        let en = lane_in(&t, &model, 0, h(33), &Scale::whole(h(40)), false).expect("the lane");
        assert_eq!(
            en.segments[1].title,
            "daily: sleeping from day 1, 00:00 to day 2, 09:00 (so far)"
        );
        assert!(
            en.marks[0].title.starts_with("daily at day 2, 09:00: "),
            "{}",
            en.marks[0].title
        );
        let zh = lane_in(&t, &model, 0, h(33), &Scale::whole(h(40)), true).expect("the lane");
        assert_eq!(
            zh.segments[1].title,
            "daily：睡眠，第 1 天 00:00 到 第 2 天 09:00（至今）"
        );
    }

    /// A lane's segments in words: state, place and how many it bundles.
    fn drawn(lane: &LaneVm) -> Vec<String> {
        lane.segments
            .iter()
            .map(|s| format!("{} {:.3}+{:.3} x{}", s.state.as_str(), s.left, s.width, s.bundled))
            .collect()
    }

    #[test]
    fn a_live_lane_drawn_at_each_event_only_grows_at_its_end() {
        // A countdown as the page draws it live: 60 ticks of 100 ms in a
        // view of the 6 s it should take, drawn at the frame after each
        // tick's events (2 ms later), when its sleep has only just begun.
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("countdown");
        t.push(ms(0), a, EventKind::Created);
        let scale = Scale::whole(ms(6000));
        let mut before: Vec<String> = Vec::new();
        for k in 0..60u64 {
            tick(&mut t, a, k, ms(100));
            let frame = ms(100 * k + 2);
            let lane = lane_in(&t, &run_model(&t), 0, frame, &scale, false).expect("the lane");
            let now = drawn(&lane);
            assert!(now.iter().all(|s| s.ends_with(" x1")), "nothing bundled: {now:?}");
            // The sleep just begun is not drawn yet; the poll before it is,
            // alone (2 px wide on the page).
            assert!(now.last().is_some_and(|s| s.starts_with("polled ")), "{now:?}");
            assert_eq!(
                now[..before.len()],
                before[..],
                "tick {k}: what was drawn stays as it was"
            );
            before = now;
        }
        assert_eq!(before.len(), 1 + 2 * 59, "a poll per tick and a sleep between two");
        // Later in the same sleep, it is drawn, alone, going on.
        let later = lane_in(&t, &run_model(&t), 0, ms(6000), &scale, false).expect("the lane");
        assert_eq!(drawn(&later)[..before.len()], before[..]);
        let last = later.segments.last().expect("segments");
        assert_eq!(
            (last.state, last.bundled, last.title.as_str()),
            (
                SegmentState::Sleeping,
                1,
                "countdown: sleeping from 5.9 s to 6 s (so far)"
            )
        );
    }

    #[test]
    fn lanes_place_segments_and_keep_open_ones_growing() {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("job0");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(
            ms(0),
            a,
            EventKind::TimerArmed {
                deadline: ms(300).into(),
            },
        );
        t.push(ms(0), a, EventKind::pending(None));
        let live = lanes(&t, ms(100), &Scale::whole(ms(400)));
        assert_eq!(live.len(), 1);
        let segs: Vec<_> = live[0].segments.iter().map(|s| (s.state, s.left, s.width)).collect();
        assert_eq!(
            segs,
            [(SegmentState::Polled, 0.0, 0.0), (SegmentState::Sleeping, 0.0, 25.0)]
        );
        assert_eq!(live[0].segments[1].title, "job0: sleeping from 0 to 100 ms (so far)");
        let zh = lane_in(&t, &run_model(&t), 0, ms(100), &Scale::whole(ms(300)), true).expect("the lane");
        assert_eq!(zh.segments[1].title, "job0：睡眠，0 到 100 ms（至今）", "in Chinese");
        assert_eq!(live[0].outcome, None);
    }

    #[test]
    fn a_zoomed_view_cuts_segments_at_its_edges() {
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("a");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(0), a, EventKind::PollStart);
        t.push(
            ms(0),
            a,
            EventKind::TimerArmed {
                deadline: ms(1000).into(),
            },
        );
        t.push(ms(0), a, EventKind::pending(None));
        t.push(ms(1000), a, EventKind::woken(WakeCause::Timer));
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
    }

    #[test]
    fn long_names_are_cut_in_the_middle_and_stay_distinct() {
        assert_eq!(short_name("countdown3", NAME_MAX), "countdown3");
        assert_eq!(short_name("producer-with-a-long-name-1", 12), "produc…ame-1");
        assert_ne!(
            short_name("producer-with-a-long-name-1", 12),
            short_name("producer-with-a-long-name-2", 12)
        );
        assert_eq!(short_name("abcdef", 3), "a…f");
        assert_eq!(short_name("été-ünïcode-name", 7), "été…ame");
        let mut t = Trace::new();
        for name in ["a", "countdown10", "x"] {
            let id = t.add_task(name);
            t.push(Duration::ZERO, id, EventKind::Created);
        }
        assert_eq!(name_column(&run_model(&t)), 11);
        let mut t = Trace::new();
        let id = t.add_task("an-extremely-long-task-name-indeed");
        t.push(Duration::ZERO, id, EventKind::Created);
        assert_eq!(name_column(&run_model(&t)), NAME_MAX);
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
                what: "GET /api/delay/500".into(),
            },
        );
        t.push(
            d(600),
            a,
            EventKind::RequestTiming(Box::new(RequestTimes {
                request_start: d(100),
                queued: d(100),
                connecting: Duration::ZERO,
                waiting: d(450),
                receiving: d(50),
            })),
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
        assert_eq!(
            lanes[0].phases[1].title,
            "GET /api/delay/500: waiting 450 ms (Resource Timing)"
        );
        let zh = lane_in(&t, &run_model(&t), 0, d(600), &Scale::whole(d(1000)), true).expect("the lane");
        assert_eq!(
            zh.phases[1].title, "GET /api/delay/500：等待首字节 450 ms（Resource Timing）",
            "the phase's tooltip in Chinese"
        );
    }
}
