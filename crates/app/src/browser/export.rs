//! Getting text out of the page: a file download (a `Blob` and a link
//! clicked for the user) and the clipboard.

use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` as a file download named `name`, of type `mime`.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document())
        && let Ok(a) = doc.create_element("a")
    {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Asks the clipboard to hold `text`; false if there is no window to ask
/// (the write itself finishes later, and its failure is not reported).
pub fn copy_text(text: &str) -> bool {
    web_sys::window()
        .map(|w| w.navigator().clipboard().write_text(text))
        .is_some()
}
