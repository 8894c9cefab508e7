//! The page's clocks and timers: `performance.now()`, `setTimeout` (through
//! gloo-timers) and `requestAnimationFrame` (through gloo-render), and the
//! conversions between their milliseconds and `Duration`. The floor under
//! [`super::env`] and [`super::net`]: it imports neither.

use std::time::Duration;

use futures::channel::oneshot;
use gloo_timers::future::TimeoutFuture;

thread_local! {
    /// The page's `performance`, looked up once (a live run reads the
    /// clock many times a second).
    static PERFORMANCE: Option<web_sys::Performance> = web_sys::window().and_then(|w| w.performance());
}

/// `performance.now()`: milliseconds since the page's time origin (0 where
/// there is no window or no `performance`).
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, web_sys::Performance::now))
}

/// Runs `f` between two User Timing marks, so that the browser's
/// performance timeline (DevTools, and the benchmark through
/// `performance.getEntriesByName(name)`) holds how long it took as the
/// measure `name`.
pub fn measured<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let perf = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &perf {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &perf {
        let _ = p.measure_with_start_mark(name, &start);
    }
    out
}

/// [`now_ms`] as a `Duration`.
pub fn now() -> Duration {
    ms_to_duration(now_ms())
}

/// A `performance.now()`-style millisecond count as a `Duration`.
pub fn ms_to_duration(ms: f64) -> Duration {
    Duration::from_secs_f64(ms.max(0.0) / 1000.0)
}

/// Whole milliseconds for `setTimeout`, rounded up so that a sleep never ends
/// early, and capped at what `setTimeout` accepts.
pub fn timeout_ms(duration: Duration) -> u32 {
    let micros = duration.as_micros();
    let ms = micros.div_ceil(1000);
    u32::try_from(ms).unwrap_or(i32::MAX as u32).min(i32::MAX as u32)
}

/// A `setTimeout` of `duration` (rounded up to whole milliseconds) as a
/// future; dropping it clears the timeout.
pub fn sleep(duration: Duration) -> TimeoutFuture {
    TimeoutFuture::new(timeout_ms(duration))
}

/// Resolves at the browser's next animation frame (`requestAnimationFrame`;
/// dropping it cancels the request).
pub async fn next_frame() {
    let (tx, rx) = oneshot::channel();
    let _frame = gloo_render::request_animation_frame(move |_| {
        let _ = tx.send(());
    });
    let _ = rx.await;
}

/// Resolves once the microtasks queued before it have run: after a state
/// change, once Yew (which renders in a microtask) has drawn it.
pub async fn after_microtasks() {
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::UNDEFINED)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_and_cap() {
        assert_eq!(timeout_ms(Duration::ZERO), 0);
        assert_eq!(timeout_ms(Duration::from_micros(1)), 1);
        assert_eq!(timeout_ms(Duration::from_millis(3000)), 3000);
        assert_eq!(timeout_ms(Duration::from_secs(10_000_000)), i32::MAX as u32);
    }

    #[test]
    fn milliseconds_become_durations_never_negative() {
        assert_eq!(ms_to_duration(1500.0), Duration::from_millis(1500));
        assert_eq!(ms_to_duration(-3.0), Duration::ZERO);
    }
}
