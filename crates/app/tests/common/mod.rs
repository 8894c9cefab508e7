//! What the browser tests share: waiting for what the page shows instead
//! of sleeping for a guessed time.

use std::time::Duration;

/// Waits until `ready()` holds, checking every few milliseconds; fails with
/// `what` after three seconds.
pub async fn until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..600 {
        if ready() {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(5)).await;
    }
    panic!("waited 3 s for {what}");
}

/// True once `root` holds an element matching `css`.
pub fn has(root: &web_sys::Element, css: &str) -> bool {
    root.query_selector(css).ok().flatten().is_some()
}
