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

/// A duration in milliseconds, rounded to the microsecond.
pub(crate) fn ms(d: Duration) -> f64 {
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
