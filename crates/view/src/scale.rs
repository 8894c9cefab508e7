//! The time axis: the [`Scale`] in view, its [`Tick`]s, and the round
//! [`axis`] a run is drawn on.

use std::time::Duration;

use crate::state::View;

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
    pub fn of(end: Duration, view: View) -> Scale {
        Scale {
            from: end.mul_f64(view.from.clamp(0.0, 1.0)),
            to: end.mul_f64(view.to.clamp(0.0, 1.0)),
        }
    }

    /// The view's width in milliseconds (never zero).
    pub fn width_ms(&self) -> f64 {
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

/// An axis that fits `span`: its end is `span` rounded up to two
/// significant digits of milliseconds (6018 ms ends at 6.1 s; at least
/// 10 ms), so no more than a tenth of it is empty, with round ticks from 0
/// (four to eight of them).
pub fn axis(span: Duration) -> Axis {
    let want = (span.as_secs_f64() * 1000.0).max(10.0);
    let unit = 10f64.powf(want.log10().floor() - 1.0);
    // Round away float noise first (6000 is 6000, not 6000.000001).
    let end_ms = ((want / unit * 1e6).round() / 1e6).ceil() * unit;
    let step = axis_step(end_ms / 7.0);
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

/// The axis of a live run, which ends at `span` (its last instant so far,
/// or now): `expected` (how long the run should take) while the run is
/// within it, so that the lanes hold still and fill in from the left; past
/// it (or with no expectation), `span` rounded up to the next of 1, 1.25,
/// 1.5, 2, 2.5, 3, 4, 5, 6 and 8 times a power of ten, so the axis grows
/// in steps of a third at most rather than with every frame.
pub fn live_span(span: Duration, expected: Option<Duration>) -> Duration {
    if let Some(e) = expected
        && span <= e
    {
        return e;
    }
    let ms = (span.as_secs_f64() * 1000.0).max(10.0);
    let base = 10f64.powf(ms.log10().floor());
    let end = [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|end| *end >= ms - 1e-9)
        .unwrap_or(10.0 * base);
    Duration::from_secs_f64(end / 1000.0)
}

/// The axis' tick step: the smallest of 1, 2, 2.5 and 5 times a power of
/// ten at or above `raw` (so seven steps or fewer, and at least three and a
/// half, fit the axis).
fn axis_step(raw: f64) -> f64 {
    let base = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|s| *s >= raw - 1e-9)
        .unwrap_or(10.0 * base)
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
    asyncscope_core::trace::human_ms(ms)
}

/// A duration in milliseconds, rounded to the microsecond.
pub(crate) fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_axis_holds_still_until_the_expected_end_then_grows_in_steps() {
        let ms = Duration::from_millis;
        let expected = Some(ms(6000));
        // Within the expected time, the axis is that time.
        for now in [0, 1, 2500, 5999, 6000] {
            assert_eq!(live_span(ms(now), expected), ms(6000), "at {now} ms");
        }
        // Past it, or with no expectation: coarse steps.
        assert_eq!(live_span(ms(6001), expected), ms(8000));
        assert_eq!(live_span(ms(8001), expected), ms(10_000));
        assert_eq!(live_span(ms(1100), None), ms(1250));
        assert_eq!(live_span(ms(0), None), ms(10));
        // Over a growing run of 0..20 s, the axis changes 29 times (ten a
        // decade), not at each of 1,200 frames; past the first frames every
        // change is by at most a third, and the axis always holds the run.
        let mut ends = Vec::new();
        for frame in 0..1200u64 {
            let now = ms(frame * 1000 / 60);
            let end = live_span(now, None);
            assert!(end >= now);
            if ends.last() != Some(&end) {
                ends.push(end);
            }
        }
        assert_eq!(ends.len(), 29, "{ends:?}");
        for w in ends.windows(2).filter(|w| w[0] >= ms(100)) {
            let growth = w[1].as_secs_f64() / w[0].as_secs_f64();
            assert!(growth <= 4.0 / 3.0 + 1e-9, "{w:?}");
        }
    }

    #[test]
    fn the_axis_fits_the_run() {
        let ms = Duration::from_millis;
        let a = axis(ms(6000));
        assert_eq!(a.end, ms(6000));
        let labels: Vec<_> = a.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "1 s", "2 s", "3 s", "4 s", "5 s", "6 s"]);
        // A 6018 ms run ends near 6.1 s, not at 8 s.
        assert_eq!(axis(ms(6018)).end, ms(6100));
        assert_eq!(axis(ms(6001)).end, ms(6100));
        assert_eq!(axis(Duration::ZERO).end, ms(10));
        let small = axis(ms(340));
        assert_eq!(small.end, ms(340));
        assert_eq!(small.ticks.last().map(|t| t.label.as_str()), Some("300 ms"));
        // Never more than a tenth empty, and four to eight ticks, over a
        // wide range of spans.
        for span in (1..20_000).step_by(7).chain([99_999, 100_001, 3_600_000]) {
            let a = axis(ms(span));
            let end = a.end.as_secs_f64() * 1000.0;
            let span = span.max(10) as f64;
            assert!(
                end >= span && end <= span * 1.1 + 1e-6,
                "{span} ms gets an axis of {end} ms"
            );
            assert!((4..=8).contains(&a.ticks.len()), "{span} ms: {} ticks", a.ticks.len());
        }
    }

    #[test]
    fn a_zoomed_scale_ticks_inside_it() {
        let ms = Duration::from_millis;
        let scale = Scale {
            from: ms(500),
            to: ms(1500),
        };
        let labels: Vec<_> = scale.ticks().into_iter().map(|t| t.label).collect();
        assert_eq!(labels.first().map(String::as_str), Some("600 ms"));
        assert_eq!(labels.last().map(String::as_str), Some("1.4 s"));
        assert_eq!(Scale::of(ms(2000), View { from: 0.25, to: 0.75 }), scale);
    }
}
