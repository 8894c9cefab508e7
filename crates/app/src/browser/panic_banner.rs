//! A Rust panic must not leave a frozen page: the hook logs it and puts a
//! banner with a reload button on the page, built with plain DOM calls since
//! the app itself can no longer render.

use wasm_bindgen::JsCast;

/// The banner's element id.
pub const BANNER_ID: &str = "panic-banner";

/// Installs the panic hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&format!("asyncscope panicked: {text}").into());
        show(&text);
    }));
}

/// Shows the banner (once) with `detail` as the technical detail.
pub fn show(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let Some(body) = document.body() else {
        return;
    };
    let build = || -> Option<web_sys::Element> {
        let banner = document.create_element("div").ok()?;
        banner.set_id(BANNER_ID);
        banner.set_attribute("role", "alert").ok()?;
        let title = document.create_element("strong").ok()?;
        title.set_text_content(Some(
            "Something went wrong inside asyncscope, and the page has stopped.",
        ));
        let hint = document.create_element("p").ok()?;
        hint.set_text_content(Some("Reload to start again. The details below help us fix it."));
        let pre = document.create_element("pre").ok()?;
        pre.set_text_content(Some(detail));
        let button = document.create_element("button").ok()?;
        button.set_text_content(Some("Reload"));
        button.set_attribute("type", "button").ok()?;
        gloo_events::EventListener::new(&button, "click", |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        })
        .forget();
        for child in [&title, &hint, &pre, &button] {
            banner.append_child(child).ok()?;
        }
        Some(banner)
    };
    if let Some(banner) = build() {
        let _ = body.insert_before(&banner, body.first_child().as_ref());
        if let Ok(Some(button)) = banner.query_selector("button")
            && let Ok(button) = button.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = button.focus();
        }
    }
}
