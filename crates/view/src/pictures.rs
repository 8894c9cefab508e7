//! The home page's small pictures of each demo's default run: [`mini_svg`]
//! draws one, and [`pictures_file`] / [`parse_pictures`] carry them all in
//! one text file (`pictures.txt`), made natively at build time
//! (`asyncscope pictures`) so that the home page's own build need not run
//! any demo.

use std::fmt::Write as _;
use std::time::Duration;

use asyncscope_core::trace::{SegmentState, Trace};

use crate::lanes::lanes;
use crate::scale::Scale;

/// The most lanes a picture shows.
pub const MINI_LANES: usize = 8;

/// A small picture of a trace, drawn by the page's stylesheet (`.mini`,
/// `.seg-<state>`): at most [`MINI_LANES`] lanes, a bar per state, on a
/// box 100 wide and 6 per lane, stretched to the card.
pub fn mini_svg(trace: &Trace) -> String {
    let end = trace.makespan().unwrap_or_default();
    let scale = Scale::whole(end.max(Duration::from_millis(1)));
    let lanes = lanes(trace, end, &scale);
    let shown = lanes.len().min(MINI_LANES);
    let mut out = format!(
        r#"<svg class="mini" viewBox="0 0 100 {}" preserveAspectRatio="none" aria-hidden="true" role="img">"#,
        shown * 6
    );
    for (i, lane) in lanes.iter().take(shown).enumerate() {
        out.push_str("<g>");
        for s in lane
            .segments
            .iter()
            .filter(|s| s.state != SegmentState::Polled && s.width > 0.0)
        {
            let _ = write!(
                out,
                r#"<rect class="seg-{}" x="{:.2}" y="{}" width="{:.2}" height="4"/>"#,
                s.state.as_str(),
                s.left,
                i * 6 + 1,
                s.width
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// The file of pictures: a line per demo, its slug, a tab, its picture.
pub fn pictures_file<'a>(pictures: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut out = String::new();
    for (slug, svg) in pictures {
        let _ = writeln!(out, "{slug}\t{}", svg.replace(['\n', '\t'], " "));
    }
    out
}

/// The pictures of [`pictures_file`]'s text, by slug, in its order; a line
/// that is not `slug<TAB><svg…</svg>` is skipped.
pub fn parse_pictures(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter_map(|line| line.split_once('\t'))
        .filter(|(slug, svg)| !slug.is_empty() && svg.starts_with("<svg") && svg.ends_with("</svg>"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_draws_each_lane_with_its_waits_and_not_its_polls() {
        let t = crate::times::tests::one_sleep();
        let svg = mini_svg(&t);
        assert!(svg.starts_with(r#"<svg class="mini" viewBox="0 0 100 6""#), "{svg}");
        assert!(svg.contains(r#"<rect class="seg-sleeping" "#), "{svg}");
        assert!(!svg.contains("seg-polled"), "{svg}");
        assert!(svg.ends_with("</g></svg>"), "{svg}");
    }

    #[test]
    fn the_file_gives_back_every_picture_by_slug_and_skips_a_broken_line() {
        let t = crate::times::tests::one_sleep();
        let file = pictures_file([("gather", mini_svg(&t)), ("retry", "<svg>\n</svg>".to_string())]);
        assert_eq!(file.lines().count(), 2, "{file}");
        let back = parse_pictures(&file);
        assert_eq!(back, [("gather", mini_svg(&t).as_str()), ("retry", "<svg> </svg>")]);
        let broken = format!("{file}no tab here\n\t<svg></svg>\nslug\tnot a picture\n");
        assert_eq!(parse_pictures(&broken), back);
    }
}
