//! Request counters for `/api/stats`, kept by a middleware so that a test
//! can prove that cancelling in the page reached the server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Poll;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Serialize;
use serde_json::json;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The counters.
#[derive(Default)]
pub struct Stats {
    in_flight: AtomicU64,
    completed: AtomicU64,
    client_gone: AtomicU64,
    rejected: AtomicU64,
}

/// What `/api/stats` answers.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// Requests being answered now (their bodies included).
    pub in_flight: u64,
    /// Requests answered to the end.
    pub completed: u64,
    /// Requests that ended early because the client went away.
    pub client_gone: u64,
    /// Requests refused with 503 because too many were in flight.
    pub rejected: u64,
}

impl Stats {
    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            in_flight: self.in_flight.load(Ordering::SeqCst),
            completed: self.completed.load(Ordering::SeqCst),
            client_gone: self.client_gone.load(Ordering::SeqCst),
            rejected: self.rejected.load(Ordering::SeqCst),
        }
    }
}

/// One request in flight: counted on creation, and on drop as completed
/// (if its body was sent to the end) or as ended by the client.
struct InFlight {
    stats: Arc<Stats>,
    finished: bool,
    _permit: OwnedSemaphorePermit,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        let counter = if self.finished {
            &self.stats.completed
        } else {
            &self.stats.client_gone
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

/// The middleware's state: the counters and the cap on requests in flight.
#[derive(Clone)]
pub struct Tracking {
    /// The counters.
    pub stats: Arc<Stats>,
    /// Permits for requests in flight.
    pub slots: Arc<Semaphore>,
    /// The cap, for the 503 message.
    pub cap: usize,
}

/// Counts the request until its body is sent or dropped; refuses it with
/// 503 when `cap` requests are already in flight.
pub async fn track(State(t): State<Tracking>, request: Request, next: Next) -> Response {
    // Nested under `/api`, this layer sees paths without the prefix.
    let path = request.uri().path().trim_start_matches("/api");
    if path == "/stats" || path == "/health" {
        return next.run(request).await;
    }
    let Ok(permit) = Arc::clone(&t.slots).try_acquire_owned() else {
        t.stats.rejected.fetch_add(1, Ordering::SeqCst);
        let body = json!({
            "error": format!("the lab server is busy: {} requests are in flight", t.cap),
            "allowed": format!("at most {} requests at once", t.cap),
        });
        // Retry-After, so that a client waits a moment instead of retrying
        // in a hot loop.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "1")],
            axum::Json(body),
        )
            .into_response();
    };
    t.stats.in_flight.fetch_add(1, Ordering::SeqCst);
    let mut guard = InFlight {
        stats: Arc::clone(&t.stats),
        finished: false,
        _permit: permit,
    };
    // If the client goes away now, this future is dropped, and so is the
    // guard, unfinished.
    let response = next.run(request).await;
    if response.body().size_hint().exact().is_some() {
        // A body of known size is written in one go: done.
        guard.finished = true;
        return response;
    }
    let (parts, body) = response.into_parts();
    // With a Content-Length, hyper stops polling the body once it has sent
    // that many bytes: reaching it is the end.
    let length = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let mut sent = 0u64;
    let mut data = body.into_data_stream();
    let stream = futures::stream::poll_fn(move |cx| {
        // The whole guard moves into the closure (not just its field), so
        // it lives as long as the body does.
        let guard: &mut InFlight = &mut guard;
        let next = data.poll_next_unpin(cx);
        match &next {
            Poll::Ready(Some(Ok(bytes))) => {
                sent += bytes.len() as u64;
                if length.is_some_and(|n| sent >= n) {
                    guard.finished = true;
                }
            }
            Poll::Ready(None) => guard.finished = true,
            _ => {}
        }
        next
    });
    Response::from_parts(parts, Body::from_stream(stream))
}
