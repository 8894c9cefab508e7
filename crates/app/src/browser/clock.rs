//! The page's clocks and timers: `performance.now()`, `setTimeout` (through
//! gloo-timers), `requestAnimationFrame` (through gloo-render) and a yield
//! to the next task (a message to the page itself), and the conversions
//! between their milliseconds and `Duration`. The floor under
//! [`super::env`] and [`super::net`]: it imports neither.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use futures::channel::oneshot;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

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

/// Puts the User Timing mark `name` on the page's performance timeline,
/// now.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
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

/// Resolves in a task of its own, once the browser has run what was due
/// before it: a message the page posts to itself. Where the page yields to
/// the browser between slices of work. `setTimeout(0)` would do the same
/// but, nested five deep (a timer's callback setting a timer, as a live
/// run's does), waits at least 4 ms each time.
pub async fn next_task() {
    let (tx, rx) = oneshot::channel();
    if TASKS.with(|t| t.as_ref().and_then(|t| t.post(tx))).is_none() {
        // No channel (no window), or it refused the message: a timer.
        return sleep(Duration::ZERO).await;
    }
    let _ = rx.await;
}

/// The channel [`next_task`] posts to: each message answers the oldest
/// waiter (a waiter gone, its future dropped, is skipped by its message).
struct Tasks {
    port: web_sys::MessagePort,
    waiting: Rc<RefCell<VecDeque<oneshot::Sender<()>>>>,
    _channel: web_sys::MessageChannel,
    _on_message: Closure<dyn FnMut()>,
}

impl Tasks {
    fn new() -> Option<Tasks> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let waiting: Rc<RefCell<VecDeque<oneshot::Sender<()>>>> = Rc::default();
        let on_message = {
            let waiting = Rc::clone(&waiting);
            Closure::<dyn FnMut()>::new(move || {
                if let Some(tx) = waiting.borrow_mut().pop_front() {
                    let _ = tx.send(());
                }
            })
        };
        channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Tasks {
            port: channel.port2(),
            waiting,
            _channel: channel,
            _on_message: on_message,
        })
    }

    fn post(&self, tx: oneshot::Sender<()>) -> Option<()> {
        self.waiting.borrow_mut().push_back(tx);
        if self.port.post_message(&wasm_bindgen::JsValue::NULL).is_err() {
            self.waiting.borrow_mut().pop_back();
            return None;
        }
        Some(())
    }
}

thread_local! {
    static TASKS: Option<Tasks> = Tasks::new();
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
