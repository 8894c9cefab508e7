//! The browser's network for [`super::env::BrowserEnv`]: `fetch`
//! through gloo-net, an `AbortController` per request that is aborted when
//! the request's future (or body stream) is dropped, error classes, and
//! the Resource Timing API's figures for each request.

use std::time::Duration;

use asyncscope_core::net::{BodyStream, FetchError, Method, Request, Response, Timing};
use futures::StreamExt;
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, PerformanceResourceTiming, ReadableStreamDefaultReader, ReadableStreamReadResult};

use super::clock::{self, ms_to_duration, now_ms};

/// Aborts its controller when dropped, unless the request has ended.
struct AbortOnDrop {
    controller: AbortController,
    armed: bool,
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.controller.abort();
        }
    }
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The absolute URL of `url` on this page's origin (how Resource Timing
/// names entries).
fn absolute(url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        return url.to_string();
    }
    let origin = window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    format!("{origin}{url}")
}

fn js_text(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{v:?}"))
}

fn network_error(e: gloo_net::Error) -> FetchError {
    match e {
        gloo_net::Error::JsError(js) => FetchError::Network(format!(
            "{} (the server is unreachable, or the browser refused the request: CORS, mixed content, or an abort)",
            js.message
        )),
        other => FetchError::Network(other.to_string()),
    }
}

async fn send(request: &Request, guard: &AbortOnDrop) -> Result<gloo_net::http::Response, FetchError> {
    let url = absolute(&request.url);
    let signal = guard.controller.signal();
    let builder = match request.method {
        Method::Get => gloo_net::http::Request::get(&url),
        Method::Post => gloo_net::http::Request::post(&url).header("Content-Type", "application/json"),
    }
    .abort_signal(Some(&signal));
    let built = match &request.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    }
    .map_err(network_error)?;
    built.send().await.map_err(network_error)
}

fn new_guard() -> Result<AbortOnDrop, FetchError> {
    let controller = AbortController::new().map_err(|e| FetchError::Network(js_text(&e)))?;
    Ok(AbortOnDrop {
        controller,
        armed: true,
    })
}

/// Sends `request`; reads the whole body as text. Dropping the future aborts.
pub async fn fetch(request: Request) -> Result<Response, FetchError> {
    let sent_at = now_ms();
    let mut guard = new_guard()?;
    let response = send(&request, &guard).await?;
    let status = response.status();
    let content_type = response.headers().get("content-type");
    let body = response.text().await.map_err(|e| FetchError::Body(e.to_string()))?;
    guard.armed = false;
    Ok(Response {
        status,
        body,
        content_type,
        timing: resource_timing(&absolute(&request.url), sent_at),
    })
}

/// Sends `request`; yields at the response head, then the body's chunks as
/// they arrive. Dropping the future or the stream aborts the request.
pub async fn fetch_stream(request: Request) -> Result<BodyStream, FetchError> {
    let guard = new_guard()?;
    let response = send(&request, &guard).await?;
    let status = response.status();
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let Some(body) = response.body() else {
        return Ok(BodyStream {
            status,
            total: Some(0),
            chunks: Box::pin(futures::stream::empty()),
        });
    };
    let reader: ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|e| FetchError::Body(format!("no reader for the body: {}", js_text(&e))))?;
    let chunks = futures::stream::unfold(Some((reader, guard)), |state| async move {
        let (reader, mut guard) = state?;
        let read = match JsFuture::from(reader.read()).await {
            Ok(v) => v.unchecked_into::<ReadableStreamReadResult>(),
            Err(e) => return Some((Err(FetchError::Body(js_text(&e))), None)),
        };
        if read.get_done().unwrap_or(true) {
            guard.armed = false;
            return None;
        }
        let size = u64::from(Uint8Array::new(&read.get_value()).length());
        Some((Ok(size), Some((reader, guard))))
    });
    Ok(BodyStream {
        status,
        total,
        chunks: chunks.boxed_local(),
    })
}

/// Readies the Resource Timing buffer for a new run: the entries of the
/// runs before it (each read when its request ended) are cleared, and the
/// buffer holds 20,000 entries (the default is 250, and a full buffer
/// silently stops recording). So run after run keeps its timing, and the
/// page does not grow by an entry per request for ever.
pub fn fresh_timing_buffer() {
    if let Some(p) = window().and_then(|w| w.performance()) {
        p.clear_resource_timings();
        p.set_resource_timing_buffer_size(20_000);
    }
}

/// The Resource Timing entry for `url` that began at or after `sent_at`
/// (ms on the page's clock), as a [`Timing`].
fn resource_timing(url: &str, sent_at: f64) -> Option<Timing> {
    let performance = window()?.performance()?;
    let entries = performance.get_entries_by_name_with_entry_type(url, "resource");
    let entry = entries
        .iter()
        .filter_map(|e| e.dyn_into::<PerformanceResourceTiming>().ok())
        .rfind(|e| e.start_time() + 1.0 >= sent_at)?;
    let (cs, ce) = (entry.connect_start(), entry.connect_end());
    Some(Timing {
        start: ms_to_duration(entry.start_time()),
        connect: (ce > cs).then(|| (ms_to_duration(cs), ms_to_duration(ce))),
        request_start: ms_to_duration(entry.request_start()),
        response_start: ms_to_duration(entry.response_start()),
        end: ms_to_duration(entry.response_end()),
    })
}

/// True if the lab server answers `GET /api/health` on this page's origin
/// within `limit_ms`.
pub async fn lab_reachable(limit_ms: u32) -> bool {
    let check = async {
        match fetch(Request::get("/api/health")).await {
            Ok(r) => r.status == 200 && r.body.contains("asyncscope-lab"),
            Err(_) => false,
        }
    };
    let limit = clock::sleep(Duration::from_millis(u64::from(limit_ms)));
    match futures::future::select(Box::pin(check), limit).await {
        futures::future::Either::Left((ok, _)) => ok,
        futures::future::Either::Right(_) => false,
    }
}

/// Why [`fetch_text`] could not get a file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileError {
    /// The page has no `window` (not in a browser tab).
    NoWindow,
    /// The request never got an answer (offline, refused, blocked).
    Network,
    /// `fetch` answered with something that is not a `Response`.
    NotAResponse,
    /// The server answered with this error status (`HTTP 404`).
    Status(u16),
    /// The answer came, but its body could not be read as text.
    Body,
}

/// The text of the file at `url` (relative to the page), or why it could
/// not be had ([`FileError`]: the network failed, or the server answered
/// with an error, `HTTP 404`). `window.fetch` itself, with no more code
/// than the home page's build needs.
pub async fn fetch_text(url: &str) -> Result<String, FileError> {
    let window = window().ok_or(FileError::NoWindow)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| FileError::Network)?
        .dyn_into()
        .map_err(|_| FileError::NotAResponse)?;
    if !response.ok() {
        return Err(FileError::Status(response.status()));
    }
    let body = response.text().map_err(|_| FileError::Body)?;
    JsFuture::from(body)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or(FileError::Body)
}
