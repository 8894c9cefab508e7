//! The runs as a standalone SVG picture: [`svg_document`] is what the
//! page's "Download SVG" and `asyncscope run <slug> --format svg` give.

use std::time::Duration;

use asyncscope_core::trace::{Outcome, SegmentState, Trace};

use crate::lanes::lanes;
use crate::scale::{Scale, axis};
use crate::state::View;

/// The picture of finished `runs` (labelled traces) as the page downloads
/// it: on the round axis past the last event of any run, the part of it
/// that `view` shows.
pub fn svg_document(runs: &[(&str, &Trace)], view: View) -> String {
    let end = runs
        .iter()
        .filter_map(|(_, t)| t.events().last().map(|e| e.at()))
        .max()
        .unwrap_or_default();
    svg(runs, &Scale::of(axis(end).end, view))
}

/// The runs as a standalone SVG picture: per run a title, then a lane per
/// task with its segments coloured and labelled by state, on one axis.
pub fn svg(runs: &[(&str, &Trace)], scale: &Scale) -> String {
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
        let now = trace.events().last().map_or(Duration::ZERO, |e| e.at());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picture_has_a_labelled_lane_coloured_by_state() {
        let t = crate::times::tests::one_sleep();
        let svg = svg(&[("run", &t)], &Scale::whole(Duration::from_millis(1000)));
        assert!(
            svg.starts_with("<svg") && svg.contains(">a</text>") && svg.contains("#2f7d8c"),
            "{svg}"
        );
        assert_eq!(
            svg_document(&[("run", &t)], View::default()),
            svg,
            "a run ending at 1 s is drawn on an axis of 1 s"
        );
    }
}
