//! # asyncscope-view
//!
//! Every view of a trace, as plain data and pure functions: the timeline's
//! view model ([`Scale`], [`RunModel`], [`lane`], [`tracks`], ...), the SVG
//! picture of runs ([`svg`], [`svg_document`]), and the demo page's state
//! with its reducer ([`state::DemoState::apply`]). Nothing here knows of
//! the DOM, Yew, gloo or tokio (`cargo xtask test` checks it): the web app
//! turns these values into elements, and the command line prints the SVG.
//! Tasks are named by their [`TaskId`](asyncscope_core::trace::TaskId)
//! (and, where several runs are shown, the run: [`state::TaskRef`]), never
//! by their name, which need not be unique.

pub mod editor;
pub mod highlight;
pub mod lanes;
pub mod legend;
pub mod model;
pub mod overview;
pub mod pictures;
pub mod scale;
pub mod state;
pub mod svg;
pub mod times;
pub mod tracks;

pub use highlight::{Lang as CodeLang, Token, TokenKind, highlight};
pub use lanes::{
    ARROWS_ALL, ArrowVm, LaneVm, MarkVm, NAME_MAX, PhaseVm, SegmentVm, lane, lane_in, lanes, name_column, phase_zh,
    short_name, wake_arrows,
};
pub use legend::{Legend, legend};
pub use model::{
    Analyses, Fed, ModelFold, RunModel, Series, TraceCopies, WAITS_MAX_TASKS, WAITS_PER_STEP, run_model, with_waits,
};
pub use overview::{Band, Overview, overview};
pub use pictures::{mini_svg, parse_pictures, pictures_file};
pub use scale::{Axis, Scale, Tick, axis, format_ms, live_span};
pub use svg::{svg, svg_document};
pub use times::{TaskTimes, await_site, task_times};
pub use tracks::{TRACK_COLUMNS, TrackVm, deadlines, track_column, tracks};
