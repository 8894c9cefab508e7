//! The page's components. Each takes its data and `on<verb>` callbacks
//! through props; state lives in [`asyncscope_view::state`], behind the
//! page's reducer ([`crate::state::PageState`]).
//!
//! Imports go one way: `app` (the frame) imports the pages (`home`,
//! `demo_page`, `composer`); the pages import the parts below them; everything imports
//! `common` (the language context and the demo texts), and nothing imports
//! `app`.

pub mod app;
pub mod code_view;
pub mod common;
#[cfg(feature = "composer")]
pub mod composer;
pub mod demo_page;
pub mod event_log;
pub mod home;
pub mod timeline;
pub mod waits;
pub mod warnings;
