//! The page's components. Each takes its data and `on<verb>` callbacks
//! through props; state lives in [`crate::state`].

pub mod app;
pub mod demo_page;
pub mod home;
pub mod timeline;
