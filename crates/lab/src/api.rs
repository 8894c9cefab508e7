//! The lab API over HTTP: each request goes through the core's lab contract
//! ([`asyncscope_core::lab::plan`]), and its plan becomes the response.
//!
//! Every parameter is checked there; a violation is answered with 400 and
//! `{"error": ..., "allowed": ...}`. Unknown query parameters are refused
//! too, so that a typo does not silently do nothing. This module only
//! waits (tokio's timer), streams downloads, keeps the flaky keys' calls
//! and fills in `/api/health` and `/api/stats`.

use std::sync::{Arc, Mutex};

use asyncscope_core::lab::{self, BodyError, Download, FlakyCounter, LabRequest, Plan, limits};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use asyncscope_core::lab::ENDPOINTS;

use crate::stats::Stats;

/// What the API handlers share.
#[derive(Clone, Default)]
pub struct ApiState {
    /// Request counters, for `/api/stats`.
    pub stats: Arc<Stats>,
    /// Calls so far per flaky key.
    pub flaky: Arc<Mutex<FlakyCounter>>,
}

/// The `/api` router (to be nested under `/api`): one handler for every
/// path, which the contract routes.
pub fn routes(state: ApiState) -> Router {
    Router::new()
        .fallback(api)
        .layer(axum::extract::DefaultBodyLimit::max(limits::MAX_ECHO_BYTES))
        .layer(axum::middleware::from_fn(declared_size))
        .with_state(state)
}

/// A request whose `Content-Length` is past what the API takes: its body
/// is not read at all.
#[derive(Clone, Copy, Debug)]
struct DeclaredTooLarge;

/// Marks a request that declares a body larger than the API takes, and
/// drops that body unread: it is refused (413) at once, rather than after
/// the client has sent (or, stalling, never sent) all of it.
async fn declared_size(mut request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits::MAX_ECHO_BYTES as u64) {
        request.extensions_mut().insert(DeclaredTooLarge);
        request.headers_mut().remove(header::CONTENT_LENGTH);
        *request.body_mut() = Body::empty();
    }
    next.run(request).await
}

/// Any request under `/api`.
async fn api(
    State(state): State<ApiState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    declared: Option<axum::Extension<DeclaredTooLarge>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let unreadable = body.as_ref().err().map(BytesRejection::body_text);
    let request = LabRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query(),
        body: match (&body, &unreadable) {
            _ if declared.is_some() => Err(BodyError::TooLarge),
            (Ok(bytes), _) => Ok(bytes),
            (Err(e), _) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(BodyError::TooLarge),
            (Err(_), why) => Err(BodyError::Unreadable(why.as_deref().unwrap_or_default())),
        },
    };
    let count = &mut |key: &str| state.flaky.lock().unwrap_or_else(|e| e.into_inner()).next_call(key);
    let plan = lab::plan(&request, fastrand::u64(..), count).unwrap_or_else(Plan::from);
    if !plan.wait.is_zero() {
        tokio::time::sleep(plan.wait).await;
    }
    respond(plan, &state)
}

/// A plan as an HTTP response.
fn respond(plan: Plan, state: &ApiState) -> Response {
    let status = StatusCode::from_u16(plan.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match plan.body {
        lab::Body::None => status.into_response(),
        lab::Body::Json(value) => (status, axum::Json(value)).into_response(),
        lab::Body::Bytes(download) => bytes(download),
        lab::Body::Health => (
            status,
            axum::Json(lab::health_body("asyncscope-lab", env!("CARGO_PKG_VERSION"))),
        )
            .into_response(),
        lab::Body::Stats => (status, axum::Json(state.stats.snapshot())).into_response(),
    };
    if let Some(allow) = plan.allow {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    response
}

/// `total` bytes of `.`, in chunks, paced by tokio's timer.
fn bytes(Download { total, chunk, interval }: Download) -> Response {
    let block = Bytes::from(vec![b'.'; chunk.min(total.max(1)) as usize]);
    let stream = futures::stream::unfold(0u64, move |sent| {
        let block = block.clone();
        async move {
            if sent >= total {
                return None;
            }
            if sent > 0 && !interval.is_zero() {
                tokio::time::sleep(interval).await;
            }
            let len = (total - sent).min(block.len() as u64);
            Some((Ok::<_, std::io::Error>(block.slice(..len as usize)), sent + len))
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, total)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|e| {
            let body = serde_json::json!({ "error": e.to_string(), "allowed": null });
            (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
        })
}

/// The API's 404 (`{"error", "allowed"}` listing [`ENDPOINTS`]), for a path
/// under `/api` that the API's router does not see (`/api/` itself).
pub fn not_found() -> Response {
    let plan = lab::plan(&LabRequest::get("/api/", None), 0, &mut |_| 0).unwrap_or_else(Plan::from);
    respond(plan, &ApiState::default())
}
