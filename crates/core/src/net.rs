//! The network seam: requests, responses, errors, and the simulated lab
//! that answers them under virtual time.
//!
//! The simulated lab speaks the same paths as the lab server
//! (`/api/delay/{ms}`, `/api/status/{code}`, `/api/flaky/{key}`), so one
//! demo runs against the real server in the browser and against this model
//! in tests and virtual-time runs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use crate::env::Env;

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

/// The simulated lab: how long a request takes and what it answers.
/// Deterministic: randomness comes from the request's `seed` or the
/// caller's random source.
#[derive(Debug, Default)]
pub struct SimLab {
    flaky_calls: HashMap<String, u32>,
}

/// The lab API's bounds, shared by the lab server and [`SimLab`].
pub mod limits {
    /// `GET /api/delay/{ms}`: the largest delay, in milliseconds.
    pub const MAX_DELAY_MS: u64 = 30_000;
    /// `jitter_ms`: the most extra delay, in milliseconds.
    pub const MAX_JITTER_MS: u64 = 30_000;
    /// `GET /api/bytes/{n}`: the most bytes (64 MiB).
    pub const MAX_BYTES: u64 = 64 * 1024 * 1024;
    /// `chunk`: the largest chunk, in bytes (1 MiB).
    pub const MAX_CHUNK: u64 = 1024 * 1024;
    /// `chunk`: the default chunk, in bytes (64 KiB).
    pub const DEFAULT_CHUNK: u64 = 64 * 1024;
    /// `interval_ms`: the longest pause between chunks.
    pub const MAX_INTERVAL_MS: u64 = 10_000;
    /// `POST /api/echo`: the largest body (1 MiB).
    pub const MAX_ECHO_BYTES: usize = 1024 * 1024;
    /// `fail_first`: the most failures a flaky key can be asked for.
    pub const MAX_FAIL_FIRST: u32 = 100;
    /// A flaky key: at most this many characters of `A-Z a-z 0-9 _ -`.
    pub const MAX_KEY_LEN: usize = 64;
}

pub use limits::MAX_DELAY_MS;

impl SimLab {
    /// Answers `request`: `(latency, result)`. `random` is a fresh random
    /// number for endpoints that draw one.
    pub fn answer(&mut self, request: &Request, random: u64) -> (Duration, Result<Response, FetchError>) {
        let path_and_query = match request.url.find("/api/") {
            Some(i) => &request.url[i..],
            None => {
                return (
                    Duration::ZERO,
                    Err(FetchError::Network(format!("{} is not on the lab server", request.url))),
                );
            }
        };
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v)
        };
        let segments: Vec<&str> = path.trim_start_matches("/api/").split('/').collect();
        let bad = |error: String, allowed: &str| {
            let body = format!(r#"{{"error":{error:?},"allowed":{allowed:?}}}"#);
            (Duration::ZERO, Ok(Response::new(400, body)))
        };
        match segments.as_slice() {
            ["health"] => ok(Duration::ZERO, 200, r#"{"status":"ok"}"#.to_string()),
            ["delay", ms] => {
                let Some(ms) = ms.parse::<u64>().ok().filter(|m| *m <= MAX_DELAY_MS) else {
                    return bad(format!("delay {ms} is out of range"), "0..=30000");
                };
                let status = param("status").and_then(|s| s.parse::<u16>().ok()).unwrap_or(200);
                let jitter = param("jitter_ms").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
                let fail_rate = param("fail_rate").and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
                let mut rng = match param("seed").and_then(|s| s.parse::<u64>().ok()) {
                    Some(seed) => fastrand::Rng::with_seed(seed),
                    None => fastrand::Rng::with_seed(random),
                };
                let extra = if jitter > 0 { rng.u64(0..=jitter) } else { 0 };
                let status = if fail_rate > 0.0 && rng.f64() < fail_rate {
                    500
                } else {
                    status
                };
                let latency = Duration::from_millis(ms + extra);
                ok(
                    latency,
                    status,
                    format!(r#"{{"delay_ms":{},"status":{status}}}"#, ms + extra),
                )
            }
            ["status", code] => match code.parse::<u16>().ok().filter(|c| (200..=599).contains(c)) {
                Some(code) => ok(Duration::ZERO, code, format!(r#"{{"status":{code}}}"#)),
                None => bad(format!("status {code} is out of range"), "200..=599"),
            },
            ["flaky", key] => {
                let fail_first = param("fail_first").and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
                let calls = self.flaky_calls.entry((*key).to_string()).or_insert(0);
                *calls += 1;
                let status = if *calls <= fail_first { 503 } else { 200 };
                ok(
                    Duration::ZERO,
                    status,
                    format!(r#"{{"call":{calls},"status":{status}}}"#),
                )
            }
            _ => ok(
                Duration::ZERO,
                404,
                format!(r#"{{"error":"no such endpoint: {path}"}}"#),
            ),
        }
    }
}

fn ok(latency: Duration, status: u16, body: String) -> (Duration, Result<Response, FetchError>) {
    (latency, Ok(Response::new(status, body)))
}

/// How the simulated lab sends `GET /api/bytes/{n}?chunk=&interval_ms=`:
/// `(status, total, chunk sizes, pause between chunks)`, or `None` for a
/// path that is not a valid download (fetch it with [`SimLab::answer`] to
/// see why).
pub fn sim_download(request: &Request) -> Option<(u64, Vec<u64>, Duration)> {
    let at = request.url.find("/api/bytes/")?;
    let rest = &request.url[at + "/api/bytes/".len()..];
    let (n, query) = rest.split_once('?').unwrap_or((rest, ""));
    let n = n.parse::<u64>().ok().filter(|n| *n <= limits::MAX_BYTES)?;
    let mut chunk = limits::DEFAULT_CHUNK;
    let mut interval = 0;
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        match k {
            "chunk" => chunk = v.parse::<u64>().ok().filter(|c| (1..=limits::MAX_CHUNK).contains(c))?,
            "interval_ms" => interval = v.parse::<u64>().ok().filter(|i| *i <= limits::MAX_INTERVAL_MS)?,
            _ => return None,
        }
    }
    let mut sizes = Vec::new();
    let mut left = n;
    while left > 0 {
        let c = left.min(chunk);
        sizes.push(c);
        left -= c;
    }
    Some((n, sizes, Duration::from_millis(interval)))
}

/// A request answered by the simulated lab `lab`, taking its simulated
/// latency on `env`'s clock (real timers in the browser, virtual ones under
/// virtual time). Dropping the future abandons it.
pub fn simulated_fetch<E: Env>(
    env: &E,
    lab: &Rc<RefCell<SimLab>>,
    request: Request,
) -> impl Future<Output = Result<Response, FetchError>> + 'static + use<E> {
    let random = env.random();
    let (latency, result) = lab.borrow_mut().answer(&request, random);
    let sleep = env.sleep(latency);
    async move {
        sleep.await;
        result
    }
}

/// A streamed download from the simulated lab (`/api/bytes/{n}` with
/// `chunk` and `interval_ms`), paced on `env`'s clock. Other paths answer
/// as [`simulated_fetch`] does, in one chunk.
pub fn simulated_fetch_stream<E: Env>(
    env: &E,
    lab: &Rc<RefCell<SimLab>>,
    request: Request,
) -> impl Future<Output = Result<BodyStream, FetchError>> + 'static + use<E> {
    let env = env.clone();
    let download = sim_download(&request);
    let other = download.is_none().then(|| simulated_fetch(&env, lab, request));
    async move {
        if let Some(other) = other {
            let response = other.await?;
            let len = response.body.len() as u64;
            return Ok(BodyStream {
                status: response.status,
                total: Some(len),
                chunks: Box::pin(futures::stream::iter([Ok(len)])),
            });
        }
        let Some((total, sizes, pause)) = download else {
            return Err(FetchError::Unavailable("nothing to download".to_string()));
        };
        // The head arrives after a turn of the event loop, as on a network.
        env.sleep(Duration::ZERO).await;
        let chunks = futures::stream::unfold((0usize, env), move |(i, env)| {
            let size = sizes.get(i).copied();
            async move {
                let size = size?;
                if i > 0 {
                    env.sleep(pause).await;
                }
                Some((Ok(size), (i + 1, env)))
            }
        });
        Ok(BodyStream {
            status: 200,
            total: Some(total),
            chunks: Box::pin(chunks),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_paths_answer_like_the_server() {
        let mut lab = SimLab::default();
        let (latency, r) = lab.answer(&Request::get("/api/delay/250?status=500"), 0);
        assert_eq!((latency, r.map(|r| r.status)), (Duration::from_millis(250), Ok(500)));
        let (_, r) = lab.answer(&Request::get("http://127.0.0.1:8081/api/status/404"), 0);
        assert_eq!(r.map(|r| r.status), Ok(404));
        let (_, r) = lab.answer(&Request::get("/api/delay/99999"), 0);
        assert_eq!(r.map(|r| r.status), Ok(400));
        let flaky: Vec<u16> = (0..3)
            .map(|_| {
                lab.answer(&Request::get("/api/flaky/k?fail_first=2"), 0)
                    .1
                    .map_or(0, |r| r.status)
            })
            .collect();
        assert_eq!(flaky, [503, 503, 200]);
        let (_, r) = lab.answer(&Request::get("https://example.com/"), 0);
        assert!(matches!(r, Err(FetchError::Network(_))));
    }

    #[test]
    fn seeded_jitter_repeats() {
        let mut lab = SimLab::default();
        let a = lab.answer(&Request::get("/api/delay/100?jitter_ms=50&seed=7"), 1).0;
        let b = lab.answer(&Request::get("/api/delay/100?jitter_ms=50&seed=7"), 2).0;
        assert_eq!(a, b);
        assert!(a >= Duration::from_millis(100) && a <= Duration::from_millis(150));
    }
}
