//! The page's components. Each takes its data and `on<verb>` callbacks
//! through props; state lives in [`asyncscope_view::state`], behind the
//! page's reducer ([`crate::state::PageState`]).

pub mod app;
pub mod code_view;
pub mod demo_page;
pub mod event_log;
pub mod home;
pub mod timeline;
