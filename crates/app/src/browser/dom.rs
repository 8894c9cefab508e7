//! The document: elements by id, focus, the root element's attributes, the
//! browser's language, and what Yew's events do not say themselves (the
//! value of the control an event came from, an element's size and scroll).

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement, MouseEvent};
use yew::{NodeRef, TargetCast};

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Moves the focus to the element with this id, if there is one.
pub fn focus(id: &str) {
    if let Some(el) = document().and_then(|d| d.get_element_by_id(id)) {
        let _ = el.unchecked_into::<HtmlElement>().focus();
    }
}

/// Sets the document's title (the tab's and the history's name for the
/// page).
pub fn set_title(title: &str) {
    if let Some(d) = document() {
        d.set_title(title);
    }
}

/// The tag name of the focused element (`INPUT`, `BUTTON`...), if any.
pub fn focused_tag() -> Option<String> {
    document()?.active_element().map(|el| el.tag_name())
}

/// The id of the focused element, if it has one.
pub fn focused_id() -> Option<String> {
    document()?
        .active_element()
        .map(|el| el.id())
        .filter(|id| !id.is_empty())
}

/// Moves the focus to the element with this id without scrolling to it.
pub fn focus_in_place(id: &str) {
    if let Some(el) = document().and_then(|d| d.get_element_by_id(id)) {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = el.unchecked_into::<HtmlElement>().focus_with_options(&options);
    }
}

/// Sets (`Some`) or removes (`None`) an attribute of `<html>`.
pub fn set_root_attribute(name: &str, value: Option<&str>) {
    let Some(root) = document().and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match value {
        Some(v) => root.set_attribute(name, v),
        None => root.remove_attribute(name),
    };
}

/// The value of the attribute `name` of `<html>`, if it has one.
pub fn root_attribute(name: &str) -> Option<String> {
    document()?.document_element()?.get_attribute(name)
}

/// The browser's language (`navigator.language`; empty if unknown).
pub fn language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// The value of the `<input>` an event came from.
pub fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The value of the `<input>` an event came from, as a number (NaN when it
/// is none).
pub fn input_number(e: &Event) -> f64 {
    e.target_unchecked_into::<HtmlInputElement>().value_as_number()
}

/// The value of the `<select>` an event came from.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// How far the element an event came from is scrolled down, in pixels.
pub fn scroll_top(e: &Event) -> f64 {
    f64::from(e.target_unchecked_into::<Element>().scroll_top())
}

/// The width in pixels of the element whose handler runs (at least 1;
/// 1 if it is no element).
pub fn current_target_width(e: &Event) -> f64 {
    e.current_target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .map_or(1.0, |el| el.get_bounding_client_rect().width().max(1.0))
}

/// Where the pointer is across the element whose handler runs, from 0 (its
/// left edge) to 1 (its right edge); `None` if it is no element.
pub fn pointer_share(e: &MouseEvent) -> Option<f64> {
    let el = e.current_target().and_then(|t| t.dyn_into::<Element>().ok())?;
    let rect = el.get_bounding_client_rect();
    Some(((f64::from(e.client_x()) - rect.left()) / rect.width().max(1.0)).clamp(0.0, 1.0))
}

/// Scrolls the element behind `scroller` (and only it, never the page) so
/// that its first descendant matching `selector` sits in its middle.
pub fn center_in(scroller: &NodeRef, selector: &str) {
    if let Some(div) = scroller.cast::<HtmlElement>()
        && let Ok(Some(row)) = div.query_selector(selector)
        && let Ok(row) = row.dyn_into::<HtmlElement>()
    {
        div.set_scroll_top(row.offset_top() - div.client_height() / 2);
    }
}

/// Scrolls the element behind `scroller` to `top` pixels from its start.
pub fn set_scroll_top(scroller: &NodeRef, top: f64) {
    if let Some(el) = scroller.cast::<Element>() {
        el.set_scroll_top(top.round() as i32);
    }
}

/// Scrolls the element behind `scroller` (and only it) so that its first
/// descendant matching `selector` is in its view, in its middle if it was
/// not.
pub fn reveal_in(scroller: &NodeRef, selector: &str) {
    reveal_now(scroller, selector);
    // The pane may still change its width (a scrollbar appears, the
    // columns settle), rewrapping its lines: look again once it has.
    let (scroller, selector) = (scroller.clone(), selector.to_string());
    super::spawn(async move {
        super::clock::sleep(std::time::Duration::from_millis(120)).await;
        reveal_now(&scroller, &selector);
    });
}

/// Calls `resized` whenever the window changes size, while the listener is
/// kept.
pub fn on_resize(mut resized: impl FnMut() + 'static) -> Option<super::Listener> {
    let window = web_sys::window()?;
    Some(super::Listener::new(gloo_events::EventListener::new(
        &window,
        "resize",
        move |_| resized(),
    )))
}

fn reveal_now(scroller: &NodeRef, selector: &str) {
    if let Some(el) = scroller.cast::<Element>()
        && let Ok(Some(item)) = el.query_selector(selector)
    {
        let (outer, inner) = (el.get_bounding_client_rect(), item.get_bounding_client_rect());
        if inner.top() < outer.top() || inner.bottom() > outer.bottom() {
            let offset = inner.top() - outer.top() - (outer.height() - inner.height()) / 2.0;
            el.set_scroll_top(el.scroll_top() + offset.round() as i32);
        }
    }
}

/// Scrolls the page so that the highest of the first elements matching
/// `anchors` starts at the top of the window, unless it already starts in
/// the top quarter of the window and the first element matching `target`
/// is wholly in view. Nothing happens when there is no `target`.
pub fn bring_into_view(target: &str, anchors: &[&str]) {
    let Some(window) = web_sys::window() else { return };
    let Some(doc) = document() else { return };
    let Some(target) = doc.query_selector(target).ok().flatten() else {
        return;
    };
    let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    let rect = target.get_bounding_client_rect();
    let top = anchors
        .iter()
        .filter_map(|a| doc.query_selector(a).ok().flatten())
        .map(|a| a.get_bounding_client_rect().top())
        .fold(rect.top(), f64::min);
    let in_view = rect.top() >= 0.0 && rect.bottom() <= height;
    if in_view && (0.0..=height / 4.0).contains(&top) {
        return;
    }
    window.scroll_by_with_x_and_y(0.0, top - 8.0);
}

/// The text of the `<textarea>` an event came from, and its selection
/// (start and end, in UTF-16 units).
pub fn textarea_state(e: &Event) -> (String, u32, u32) {
    let area = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>();
    let start = area.selection_start().ok().flatten().unwrap_or(0);
    let end = area.selection_end().ok().flatten().unwrap_or(start);
    (area.value(), start, end)
}

/// Sets the text of the `<textarea>` an event came from, and its
/// selection.
pub fn textarea_set(e: &Event, value: &str, start: u32, end: u32) {
    let area = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>();
    area.set_value(value);
    let _ = area.set_selection_range(start, end);
}
