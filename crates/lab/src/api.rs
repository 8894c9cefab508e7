//! The lab API: JSON endpoints with bounded parameters, for the demos.
//!
//! Every parameter is checked; a violation is answered with 400 and
//! `{"error": ..., "allowed": ...}`. Unknown query parameters are refused
//! too, so that a typo does not silently do nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asyncscope_core::net::limits;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::stats::Stats;

/// What the API handlers share.
#[derive(Clone, Default)]
pub struct ApiState {
    /// Request counters, for `/api/stats`.
    pub stats: Arc<Stats>,
    /// Calls so far per flaky key.
    pub flaky: Arc<Mutex<HashMap<String, u32>>>,
}

/// The endpoints, in the order `/api` lists them.
pub const ENDPOINTS: [&str; 7] = [
    "GET /api/health",
    "GET /api/delay/{ms}?status=&jitter_ms=&fail_rate=&seed=",
    "GET /api/status/{code}",
    "GET /api/bytes/{n}?chunk=&interval_ms=",
    "POST /api/echo",
    "GET /api/flaky/{key}?fail_first=",
    "GET /api/stats",
];

/// The `/api` router (to be nested under `/api`).
pub fn routes(state: ApiState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/delay/{ms}", get(delay))
        .route("/status/{code}", get(status))
        .route("/bytes/{n}", get(bytes))
        .route(
            "/echo",
            post(echo).layer(axum::extract::DefaultBodyLimit::max(limits::MAX_ECHO_BYTES)),
        )
        .route("/flaky/{key}", get(flaky))
        .route("/stats", get(stats))
        .fallback(not_found)
        .with_state(state)
}

/// A refused request: status, what was wrong, and what is allowed.
pub struct ApiError {
    status: StatusCode,
    error: String,
    allowed: Value,
}

impl ApiError {
    fn bad(error: impl Into<String>, allowed: impl Into<Value>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: error.into(),
            allowed: allowed.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(json!({ "error": self.error, "allowed": self.allowed })),
        )
            .into_response()
    }
}

type Query = HashMap<String, String>;

/// Parses a query string, refusing names not in `known` and repeats.
fn query(raw: Option<String>, known: &[&str]) -> Result<Query, ApiError> {
    let mut out = Query::new();
    for pair in raw.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !known.contains(&name) {
            return Err(ApiError::bad(format!("unknown parameter {name:?}"), json!(known)));
        }
        if out.insert(name.to_string(), value.to_string()).is_some() {
            return Err(ApiError::bad(format!("parameter {name:?} given twice"), json!(known)));
        }
    }
    Ok(out)
}

/// A whole number from `min` to `max`, from a path segment or a parameter.
fn int(name: &str, value: &str, min: u64, max: u64) -> Result<u64, ApiError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            ApiError::bad(
                format!("{name} must be a whole number from {min} to {max}; got {value:?}"),
                json!({ "min": min, "max": max }),
            )
        })
}

fn opt_int(q: &Query, name: &str, min: u64, max: u64, default: u64) -> Result<u64, ApiError> {
    q.get(name).map_or(Ok(default), |v| int(name, v, min, max))
}

async fn health() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok", "name": "asyncscope-lab", "version": env!("CARGO_PKG_VERSION") }))
}

async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        error: "no such API endpoint".to_string(),
        allowed: json!(ENDPOINTS),
    }
}

/// A status code the server may answer with, and whether it has a body.
fn reply(code: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if matches!(code, 204 | 205 | 304) {
        status.into_response()
    } else {
        (status, axum::Json(body)).into_response()
    }
}

async fn delay(Path(ms): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let q = query(raw, &["status", "jitter_ms", "fail_rate", "seed"])?;
    let ms = int("delay", &ms, 0, limits::MAX_DELAY_MS)?;
    let status = opt_int(&q, "status", 200, 599, 200)? as u16;
    let jitter = opt_int(&q, "jitter_ms", 0, limits::MAX_JITTER_MS, 0)?;
    let fail_rate = match q.get("fail_rate") {
        None => 0.0,
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| {
                ApiError::bad(
                    format!("fail_rate must be a number from 0 to 1; got {v:?}"),
                    json!({ "min": 0, "max": 1 }),
                )
            })?,
    };
    let seed = match q.get("seed") {
        None => None,
        Some(v) => Some(int("seed", v, 0, u64::MAX)?),
    };
    let mut rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
    let extra = if jitter > 0 { rng.u64(0..=jitter) } else { 0 };
    let status = if fail_rate > 0.0 && rng.f64() < fail_rate {
        500
    } else {
        status
    };
    tokio::time::sleep(Duration::from_millis(ms + extra)).await;
    Ok(reply(status, json!({ "delay_ms": ms + extra, "status": status })))
}

async fn status(Path(code): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    query(raw, &[])?;
    let code = int("status", &code, 200, 599)? as u16;
    Ok(reply(code, json!({ "status": code })))
}

async fn bytes(Path(n): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let q = query(raw, &["chunk", "interval_ms"])?;
    let n = int("bytes", &n, 0, limits::MAX_BYTES)?;
    let chunk = opt_int(&q, "chunk", 1, limits::MAX_CHUNK, limits::DEFAULT_CHUNK)?;
    let interval = Duration::from_millis(opt_int(&q, "interval_ms", 0, limits::MAX_INTERVAL_MS, 0)?);
    let block = Bytes::from(vec![b'.'; chunk.min(n.max(1)) as usize]);
    let stream = futures::stream::unfold(0u64, move |sent| {
        let block = block.clone();
        async move {
            if sent >= n {
                return None;
            }
            if sent > 0 && !interval.is_zero() {
                tokio::time::sleep(interval).await;
            }
            let len = (n - sent).min(block.len() as u64);
            Some((Ok::<_, std::io::Error>(block.slice(..len as usize)), sent + len))
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, n)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(stream))
        .map_err(|e| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: e.to_string(),
            allowed: Value::Null,
        })
}

async fn echo(body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let allowed = json!(format!("a JSON document of at most {} bytes", limits::MAX_ECHO_BYTES));
    let body =
        body.map_err(|e| ApiError::bad(format!("the body cannot be read: {}", e.body_text()), allowed.clone()))?;
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad(format!("the body is not JSON: {e}"), allowed))?;
    Ok(axum::Json(json!({ "json": value, "bytes": body.len() })).into_response())
}

async fn flaky(
    State(state): State<ApiState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = query(raw, &["fail_first"])?;
    let valid = !key.is_empty()
        && key.len() <= limits::MAX_KEY_LEN
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(ApiError::bad(
            format!(
                "key must be 1 to {} characters of A-Z a-z 0-9 _ -; got {key:?}",
                limits::MAX_KEY_LEN
            ),
            json!("[A-Za-z0-9_-]{1,64}"),
        ));
    }
    let fail_first = opt_int(&q, "fail_first", 0, u64::from(limits::MAX_FAIL_FIRST), 0)? as u32;
    let call = {
        let mut calls = state.flaky.lock().unwrap_or_else(|e| e.into_inner());
        let call = calls.entry(key.clone()).or_insert(0);
        *call += 1;
        *call
    };
    let ok = call > fail_first;
    Ok(reply(
        if ok { 200 } else { 503 },
        json!({ "key": key, "call": call, "ok": ok }),
    ))
}

async fn stats(State(state): State<ApiState>) -> impl IntoResponse {
    axum::Json(state.stats.snapshot())
}
