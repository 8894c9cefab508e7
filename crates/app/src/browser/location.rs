//! The address: `location.hash` (the route), `history.replaceState` (the
//! form mirrored in the address) and `hashchange`.

use wasm_bindgen::JsValue;

use super::Listener;

/// `location.hash`, with its `#` (empty where there is none).
pub fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the address's hash with `hash` (`#/slug?a=1`) without a new
/// history entry and without a `hashchange`. An address that already
/// reads so is left alone (`replaceState` costs the browser milliseconds,
/// and a run's button calls this with the same address again).
pub fn replace_hash(hash: &str) {
    if self::hash() == hash {
        return;
    }
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(hash));
    }
}

/// The page's address without its hash (`https://host/path`), the base of
/// a shared link.
pub fn address_without_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Goes to `url` (relative to the page), replacing the current entry of
/// the history.
pub fn go(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().replace(url);
    }
}

/// Calls `changed` at every `hashchange` while the listener is kept.
pub fn on_hash_change(mut changed: impl FnMut() + 'static) -> Option<Listener> {
    let window = web_sys::window()?;
    Some(Listener::new(gloo_events::EventListener::new(
        &window,
        "hashchange",
        move |_| changed(),
    )))
}
