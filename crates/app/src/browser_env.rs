//! The browser's environment: `performance.now()` and `setTimeout` timers
//! through gloo-timers, on the page's own event loop.

use std::future::Future;
use std::time::Duration;

use asyncscope_core::Env;
use gloo_timers::future::TimeoutFuture;

/// [`Env`] on the browser's event loop. Timers are real `setTimeout`s;
/// dropping a sleep clears its timeout.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserEnv;

impl Env for BrowserEnv {
    fn now(&self) -> Duration {
        let ms = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
        Duration::from_secs_f64(ms.max(0.0) / 1000.0)
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static {
        TimeoutFuture::new(timeout_ms(duration))
    }
}

/// Whole milliseconds for `setTimeout`, rounded up so that a sleep never ends
/// early, and capped at what `setTimeout` accepts.
pub fn timeout_ms(duration: Duration) -> u32 {
    let micros = duration.as_micros();
    let ms = micros.div_ceil(1000);
    u32::try_from(ms).unwrap_or(i32::MAX as u32).min(i32::MAX as u32)
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
}
