//! # asyncscope-app
//!
//! The Yew app: routes, pages and components, plus [`browser::env::BrowserEnv`],
//! the browser's implementation of [`asyncscope_core::Env`]. The app never
//! computes a schedule: it runs demos from the core and renders the view
//! models and state of `asyncscope-view`.

pub mod browser;
pub mod components;
pub mod hooks;
pub mod i18n;
pub mod prefs;
pub mod route;
pub mod state;
pub mod subject;

/// Installs the panic banner and mounts the app on `<body>`.
pub fn start() {
    browser::panic_banner::install();
    yew::Renderer::<components::app::App>::new().render();
}
