//! The network seam: requests, responses and errors.
//!
//! The simulated lab that answers them under virtual time, and the lab
//! API's bounds, live in [`crate::lab`]; they are re-exported here.

use std::fmt;
use std::time::Duration;

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// A path on the lab server (`/api/delay/100`) or a full URL.
    pub url: String,
    /// A JSON body, for `POST`.
    pub body: Option<String>,
}

impl Request {
    /// A `GET` of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: Method::Get,
            url: url.into(),
            body: None,
        }
    }

    /// A `POST` of a JSON `body` to `url`.
    pub fn post_json(url: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            method: Method::Post,
            url: url.into(),
            body: Some(body.into()),
        }
    }

    /// `GET /api/delay/100`: how traces name it.
    pub fn describe(&self) -> String {
        format!("{} {}", self.method.as_str(), self.url)
    }
}

/// A response: status and body.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// The body, as text.
    pub body: String,
    /// The `Content-Type`, if the server sent one.
    pub content_type: Option<String>,
    /// The browser's Resource Timing figures, where there are some.
    pub timing: Option<Timing>,
}

/// The phases of one request as the browser's Resource Timing API reports
/// them, as instants on the environment's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The request was issued (`startTime`).
    pub start: Duration,
    /// A new connection: from when it began to when it was ready. `None`
    /// when an open connection was reused.
    pub connect: Option<(Duration, Duration)>,
    /// The request went out on the connection (`requestStart`).
    pub request_start: Duration,
    /// The first byte of the response arrived (`responseStart`).
    pub response_start: Duration,
    /// The last byte arrived (`responseEnd`).
    pub end: Duration,
}

impl Timing {
    /// `(queued, connecting, waiting, receiving)`: queued is the time before
    /// the request had a connection, the browser's own queue included.
    pub fn phases(&self) -> (Duration, Duration, Duration, Duration) {
        let (connecting, before_request) = match self.connect {
            Some((a, b)) => (b.saturating_sub(a), a),
            None => (Duration::ZERO, self.request_start),
        };
        (
            before_request.saturating_sub(self.start),
            connecting,
            self.response_start.saturating_sub(self.request_start),
            self.end.saturating_sub(self.response_start),
        )
    }
}

/// A response whose body arrives as a stream of chunks (their sizes).
/// Dropping it stops reading and aborts the request.
pub struct BodyStream {
    /// The HTTP status code.
    pub status: u16,
    /// The body's length, if the server said.
    pub total: Option<u64>,
    /// The sizes of the chunks, as they arrive.
    pub chunks: futures::stream::LocalBoxStream<'static, Result<u64, FetchError>>,
}

impl Response {
    /// A response with this status and body and nothing else.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            content_type: Some("application/json".to_string()),
            timing: None,
        }
    }

    /// True if the server said the body is JSON.
    pub fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().ends_with("json")))
    }

    /// The body parsed as JSON, or [`FetchError::Body`].
    pub fn json(&self) -> Result<serde_json::Value, FetchError> {
        serde_json::from_str(&self.body).map_err(|e| FetchError::Body(e.to_string()))
    }

    /// The response itself if its status is 2xx, else [`FetchError::Status`].
    pub fn error_for_status(self) -> Result<Response, FetchError> {
        if (200..300).contains(&self.status) {
            Ok(self)
        } else {
            Err(FetchError::Status(self.status))
        }
    }
}

/// Why a request gave no usable response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered with a status that is not a success.
    Status(u16),
    /// No response: the connection failed, or the browser refused (CORS).
    Network(String),
    /// The body could not be read or parsed.
    Body(String),
    /// This environment has no network.
    Unavailable(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status(code) => write!(f, "HTTP {code}"),
            FetchError::Network(why) => write!(f, "network error: {why}"),
            FetchError::Body(why) => write!(f, "could not read the body: {why}"),
            FetchError::Unavailable(why) => write!(f, "no network: {why}"),
        }
    }
}

impl std::error::Error for FetchError {}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyStream")
            .field("status", &self.status)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}
