//! The keyboard: `keydown` on the document, as plain [`KeyPress`] values.

use wasm_bindgen::JsCast;

use super::{Listener, dom};

/// A key pressed on the page, and where the focus was.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPress {
    /// `KeyboardEvent.key` (`" "`, `"ArrowLeft"`, `"+"`...).
    pub key: String,
    /// Shift was held.
    pub shift: bool,
    /// Control was held.
    pub ctrl: bool,
    /// Meta (⌘) was held.
    pub meta: bool,
    /// Alt (⌥) was held.
    pub alt: bool,
    /// The focused element's tag name (`INPUT`, `BUTTON`...), if any.
    pub focused: Option<String>,
}

/// Calls `handle` at every `keydown` on the document while the listener is
/// kept; when it returns true the key's default action is prevented.
pub fn on_keydown(handle: impl Fn(&KeyPress) -> bool + 'static) -> Option<Listener> {
    let document = web_sys::window()?.document()?;
    // Not passive (gloo's default), or `prevent_default` would be ignored
    // and space would scroll the page as well as play.
    Some(Listener::new(gloo_events::EventListener::new_with_options(
        &document,
        "keydown",
        gloo_events::EventListenerOptions::enable_prevent_default(),
        move |e| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            let press = KeyPress {
                key: e.key(),
                shift: e.shift_key(),
                ctrl: e.ctrl_key(),
                meta: e.meta_key(),
                alt: e.alt_key(),
                focused: dom::focused_tag(),
            };
            if handle(&press) {
                e.prevent_default();
            }
        },
    )))
}
