//! The lab API as one pure function: a request in, a [`Plan`] or a
//! [`Refusal`] out.

use std::collections::HashMap;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use super::{ENDPOINTS, limits};
use crate::params::quoted;

/// One request to the lab API, as it arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabRequest<'a> {
    /// The method, upper case (`GET`, `HEAD`, `POST`, ...).
    pub method: &'a str,
    /// The path, still percent-encoded, from `/api` on (`/api/delay/100`).
    pub path: &'a str,
    /// The query string without its `?`, if there was one.
    pub query: Option<&'a str>,
    /// The body, or why it could not be read (only `POST /api/echo` looks
    /// at it).
    pub body: Result<&'a [u8], BodyError<'a>>,
}

/// Why a request's body could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyError<'a> {
    /// It is larger than the API takes ([`limits::MAX_ECHO_BYTES`]): 413.
    TooLarge,
    /// The connection failed while it was read: 400, with the reason.
    Unreadable(&'a str),
}

impl<'a> LabRequest<'a> {
    /// A `GET` of `path` with `query`.
    pub fn get(path: &'a str, query: Option<&'a str>) -> Self {
        Self {
            method: "GET",
            path,
            query,
            body: Ok(b""),
        }
    }
}

/// What to answer: wait, then send a status and a body.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// How long to wait before the response head (a delay and its jitter).
    pub wait: Duration,
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Body,
    /// The `Allow` header, for a 405.
    pub allow: Option<&'static str>,
}

/// The body of a [`Plan`].
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// No body and no `Content-Type`: statuses 204, 205 and 304.
    None,
    /// A JSON document (`Content-Type: application/json`).
    Json(Value),
    /// `n` bytes of `.` (`Content-Type: application/octet-stream`), sent in
    /// chunks with a pause between two.
    Bytes(Download),
    /// The health document: `{"status": "ok", "name": ..., "version": ...}`
    /// with the answering side's name and version ([`health_body`]).
    Health,
    /// The server's request counters (`/api/stats`), which only the server
    /// keeps.
    Stats,
}

/// A download: `total` bytes in chunks of `chunk`, `interval` apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Download {
    /// The body's length in bytes (`Content-Length`).
    pub total: u64,
    /// The largest chunk, in bytes (at least 1).
    pub chunk: u64,
    /// The pause between two chunks.
    pub interval: Duration,
}

impl Download {
    /// The sizes of the chunks, in order (none for an empty body).
    pub fn chunk_sizes(&self) -> Vec<u64> {
        let chunk = self.chunk.max(1);
        let mut sizes = Vec::with_capacity(self.total.div_ceil(chunk).try_into().unwrap_or(0));
        let mut left = self.total;
        while left > 0 {
            let c = left.min(chunk);
            sizes.push(c);
            left -= c;
        }
        sizes
    }

    /// From the first chunk to the last: one `interval` between two chunks.
    pub fn duration(&self) -> Duration {
        let pauses = self.total.div_ceil(self.chunk.max(1)).saturating_sub(1);
        self.interval.saturating_mul(u32::try_from(pauses).unwrap_or(u32::MAX))
    }
}

/// A refused request: a 4xx status, what was wrong and what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// 400 for a bad parameter or body, 404 for an unknown endpoint, 413
    /// for a body too large.
    pub status: u16,
    /// What was wrong, naming the parameter and the value given.
    pub error: String,
    /// What would have been accepted: a range, a list, a pattern.
    pub allowed: Value,
}

impl Refusal {
    fn bad(error: impl Into<String>, allowed: impl Into<Value>) -> Self {
        Self {
            status: 400,
            error: error.into(),
            allowed: allowed.into(),
        }
    }

    /// `{"error": ..., "allowed": ...}`.
    pub fn body(&self) -> Value {
        json!({ "error": self.error, "allowed": self.allowed })
    }
}

impl From<Refusal> for Plan {
    fn from(r: Refusal) -> Self {
        Plan {
            wait: Duration::ZERO,
            status: r.status,
            body: Body::Json(r.body()),
            allow: None,
        }
    }
}

/// Calls so far per flaky key: the only state the lab API has. The server
/// shares one behind a lock; each simulated lab owns one. It remembers at
/// most [`limits::MAX_FLAKY_KEYS`] keys: a new key past that forgets the
/// key used longest ago, so a client inventing keys cannot grow it
/// without bound.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlakyCounter {
    /// Per key: its calls so far, and when it was last called (a tick).
    calls: HashMap<String, (u32, u64)>,
    /// A clock that ticks once per call.
    tick: u64,
}

impl FlakyCounter {
    /// Counts one more call of `key`; returns its number (1 for the first,
    /// and for a key forgotten since).
    pub fn next_call(&mut self, key: &str) -> u32 {
        self.tick += 1;
        if !self.calls.contains_key(key) && self.calls.len() >= limits::MAX_FLAKY_KEYS {
            let oldest = self
                .calls
                .iter()
                .min_by_key(|(_, (_, last))| *last)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.calls.remove(&oldest);
            }
        }
        let (calls, last) = self.calls.entry(key.to_string()).or_insert((0, 0));
        *calls = calls.saturating_add(1);
        *last = self.tick;
        *calls
    }

    /// How many keys it remembers.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// True if it remembers no key.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }
}

/// `{"status": "ok", "name": name, "version": version}`.
pub fn health_body(name: &str, version: &str) -> Value {
    json!({ "status": "ok", "name": name, "version": version })
}

/// What the lab answers to `request`.
///
/// `random` seeds the delay's jitter and failure draw when the request has
/// no `seed` (the server passes a fresh random number, the simulation one
/// from its environment): `rng.u64(0..=jitter_ms)`, then
/// `rng.f64() < fail_rate`, on a `fastrand::Rng` seeded with it. `count`
/// counts a call of a flaky key and returns its number (see
/// [`FlakyCounter::next_call`]); it is called once for a valid
/// `/api/flaky/{key}` and never otherwise, which is this function's only
/// effect.
///
/// Routing comes first: an unknown path is a 404 whatever the method, a
/// known one with the wrong method a 405 (`Allow`, and the JSON error naming
/// the allowed methods); then the query
/// (unknown or repeated parameters are refused), then each value in turn.
pub fn plan(request: &LabRequest<'_>, random: u64, count: &mut dyn FnMut(&str) -> u32) -> Result<Plan, Refusal> {
    let segments: Vec<&str> = match request.path.strip_prefix("/api") {
        Some("") => Vec::new(),
        Some(rest) => match rest.strip_prefix('/') {
            Some(rest) => rest.split('/').collect(),
            None => return Err(not_found()),
        },
        None => return Err(not_found()),
    };
    let route = match segments.as_slice() {
        ["health"] => Route::Health,
        ["stats"] => Route::Stats,
        ["echo"] => Route::Echo,
        ["delay", ms] if !ms.is_empty() => Route::Delay(decode(ms)),
        ["status", code] if !code.is_empty() => Route::Status(decode(code)),
        ["bytes", n] if !n.is_empty() => Route::Bytes(decode(n)),
        ["flaky", key] if !key.is_empty() => Route::Flaky(decode(key)),
        _ => return Err(not_found()),
    };
    let allow = if matches!(route, Route::Echo) {
        "POST"
    } else {
        "GET,HEAD"
    };
    if !allow.split(',').any(|m| m == request.method) {
        let methods: Vec<&str> = allow.split(',').collect();
        return Ok(Plan {
            wait: Duration::ZERO,
            status: 405,
            body: Body::Json(json!({
                "error": format!("{} is not allowed here", quoted(request.method)),
                "allowed": methods,
            })),
            allow: Some(allow),
        });
    }
    match route {
        Route::Health => Ok(answer(200, Body::Health)),
        Route::Stats => Ok(answer(200, Body::Stats)),
        Route::Delay(ms) => delay(&ms, request.query, random),
        Route::Status(code) => {
            query(request.query, &[])?;
            let code = int("status", &code, 200, 599)? as u16;
            let mut plan = reply(code, json!({ "status": code }));
            // A 405 names the methods allowed (RFC 9110), asked for or not.
            if code == 405 {
                plan.allow = Some(allow);
            }
            Ok(plan)
        }
        Route::Bytes(n) => {
            let q = query(request.query, &["chunk", "interval_ms"])?;
            let total = int("bytes", &n, 0, limits::MAX_BYTES)?;
            let chunk = opt_int(&q, "chunk", 1, limits::MAX_CHUNK, limits::DEFAULT_CHUNK)?;
            let interval = opt_int(&q, "interval_ms", 0, limits::MAX_INTERVAL_MS, 0)?;
            // Each bound alone can make a download that takes years.
            let pauses = total.div_ceil(chunk).saturating_sub(1);
            let takes = pauses.saturating_mul(interval);
            if takes > limits::MAX_DOWNLOAD_MS {
                return Err(Refusal::bad(
                    format!(
                        "this download would take {} s ({pauses} pauses of {interval} ms); at most {} s",
                        takes / 1000,
                        limits::MAX_DOWNLOAD_MS / 1000
                    ),
                    json!({ "max_ms": limits::MAX_DOWNLOAD_MS, "rule": "(ceil(n / chunk) - 1) * interval_ms" }),
                ));
            }
            Ok(answer(
                200,
                Body::Bytes(Download {
                    total,
                    chunk,
                    interval: Duration::from_millis(interval),
                }),
            ))
        }
        Route::Echo => echo(request.body),
        Route::Flaky(key) => {
            let q = query(request.query, &["fail_first"])?;
            let valid = !key.is_empty()
                && key.len() <= limits::MAX_KEY_LEN
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                return Err(Refusal::bad(
                    format!(
                        "key must be 1 to {} characters of A-Z a-z 0-9 _ -; got {}",
                        limits::MAX_KEY_LEN,
                        quoted(&key)
                    ),
                    json!("[A-Za-z0-9_-]{1,64}"),
                ));
            }
            let fail_first = opt_int(&q, "fail_first", 0, u64::from(limits::MAX_FAIL_FIRST), 0)?;
            let call = count(&key);
            let ok = u64::from(call) > fail_first;
            Ok(reply(
                if ok { 200 } else { 503 },
                json!({ "key": key, "call": call, "ok": ok }),
            ))
        }
    }
}

/// A known endpoint, with its path parameter decoded.
enum Route {
    Health,
    Stats,
    Echo,
    Delay(String),
    Status(String),
    Bytes(String),
    Flaky(String),
}

fn not_found() -> Refusal {
    Refusal {
        status: 404,
        error: "no such API endpoint".to_string(),
        allowed: json!(ENDPOINTS),
    }
}

/// A path segment, percent-decoded (invalid UTF-8 becomes U+FFFD, which no
/// parameter accepts).
fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn answer(status: u16, body: Body) -> Plan {
    Plan {
        wait: Duration::ZERO,
        status,
        body,
        allow: None,
    }
}

/// `body` with `status`, except that 204, 205 and 304 carry no body.
fn reply(status: u16, body: Value) -> Plan {
    if matches!(status, 204 | 205 | 304) {
        answer(status, Body::None)
    } else {
        answer(status, Body::Json(body))
    }
}

fn delay(ms: &str, raw: Option<&str>, random: u64) -> Result<Plan, Refusal> {
    let q = query(raw, &["status", "jitter_ms", "fail_rate", "seed"])?;
    let ms = int("delay", ms, 0, limits::MAX_DELAY_MS)?;
    let status = opt_int(&q, "status", 200, 599, 200)? as u16;
    let jitter = opt_int(&q, "jitter_ms", 0, limits::MAX_JITTER_MS, 0)?;
    let fail_rate = match q.get("fail_rate") {
        None => 0.0,
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| {
                Refusal::bad(
                    format!("fail_rate must be a number from 0 to 1; got {}", quoted(v)),
                    json!({ "min": 0, "max": 1 }),
                )
            })?,
    };
    let seed = match q.get("seed") {
        None => random,
        Some(v) => int("seed", v, 0, u64::MAX)?,
    };
    let mut rng = fastrand::Rng::with_seed(seed);
    let extra = if jitter > 0 { rng.u64(0..=jitter) } else { 0 };
    let status = if fail_rate > 0.0 && rng.f64() < fail_rate {
        500
    } else {
        status
    };
    let mut plan = reply(status, json!({ "delay_ms": ms + extra, "status": status }));
    plan.wait = Duration::from_millis(ms + extra);
    Ok(plan)
}

fn echo(body: Result<&[u8], BodyError<'_>>) -> Result<Plan, Refusal> {
    let allowed = json!(format!("a JSON document of at most {} bytes", limits::MAX_ECHO_BYTES));
    let body = match body {
        Ok(body) if body.len() > limits::MAX_ECHO_BYTES => return Err(too_large(allowed)),
        Err(BodyError::TooLarge) => return Err(too_large(allowed)),
        Ok(body) => body,
        Err(BodyError::Unreadable(why)) => {
            return Err(Refusal::bad(format!("the body cannot be read: {why}"), allowed));
        }
    };
    let value: Value =
        serde_json::from_slice(body).map_err(|e| Refusal::bad(format!("the body is not JSON: {e}"), allowed))?;
    Ok(answer(200, Body::Json(json!({ "json": value, "bytes": body.len() }))))
}

/// 413: a body larger than the API takes.
fn too_large(allowed: Value) -> Refusal {
    Refusal {
        status: 413,
        error: format!("the body is larger than {} bytes", limits::MAX_ECHO_BYTES),
        allowed,
    }
}

type Query = HashMap<String, String>;

/// Parses a query string (`application/x-www-form-urlencoded`), refusing
/// names not in `known` and repeats.
fn query(raw: Option<&str>, known: &[&str]) -> Result<Query, Refusal> {
    let mut out = Query::new();
    for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if !known.contains(&name.as_ref()) {
            return Err(Refusal::bad(
                format!("unknown parameter {}", quoted(&name)),
                json!(known),
            ));
        }
        if out.insert(name.to_string(), value.into_owned()).is_some() {
            return Err(Refusal::bad(
                format!("parameter {} given twice", quoted(&name)),
                json!(known),
            ));
        }
    }
    Ok(out)
}

/// A whole number from `min` to `max`, from a path segment or a parameter.
fn int(name: &str, value: &str, min: u64, max: u64) -> Result<u64, Refusal> {
    value
        .parse::<u64>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            Refusal::bad(
                format!(
                    "{name} must be a whole number from {min} to {max}; got {}",
                    quoted(value)
                ),
                json!({ "min": min, "max": max }),
            )
        })
}

fn opt_int(q: &Query, name: &str, min: u64, max: u64, default: u64) -> Result<u64, Refusal> {
    q.get(name).map_or(Ok(default), |v| int(name, v, min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path_and_query: &str) -> Result<Plan, Refusal> {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        plan(&LabRequest::get(path, query), 0, &mut |_| 1)
    }

    fn refused(path_and_query: &str) -> Refusal {
        get(path_and_query).expect_err(path_and_query)
    }

    /// A 405 asked for through `/api/status/405` names the allowed methods
    /// as a refused method's 405 does (the fuzz test found it without).
    #[test]
    fn an_asked_for_405_names_the_allowed_methods() {
        let plan = get("/api/status/405").expect("answered");
        assert_eq!((plan.status, plan.allow), (405, Some("GET,HEAD")));
        assert_eq!(get("/api/status/404").expect("answered").allow, None);
    }

    #[test]
    fn out_of_range_jitter_is_refused_not_waited_for() {
        let r = refused("/api/delay/100?jitter_ms=999999");
        assert_eq!(r.status, 400);
        assert_eq!(r.allowed, json!({ "min": 0, "max": 30000 }));
        assert!(
            r.error.starts_with("jitter_ms must be a whole number from 0 to 30000"),
            "{}",
            r.error
        );
        let ok = get("/api/delay/100?jitter_ms=30000&seed=1").expect("in range");
        assert!(ok.wait <= Duration::from_millis(30_100));
    }

    #[test]
    fn status_and_fail_rate_out_of_range_are_refused() {
        assert_eq!(
            refused("/api/delay/0?status=700").allowed,
            json!({ "min": 200, "max": 599 })
        );
        assert_eq!(refused("/api/delay/0?status=199").status, 400);
        let r = refused("/api/delay/0?fail_rate=7");
        assert_eq!(
            (r.status, r.error.as_str()),
            (400, "fail_rate must be a number from 0 to 1; got \"7\"")
        );
        assert_eq!(refused("/api/delay/0?fail_rate=NaN").status, 400);
        assert_eq!(get("/api/delay/0?fail_rate=1").map(|p| p.status), Ok(500));
        assert_eq!(get("/api/delay/0?fail_rate=0").map(|p| p.status), Ok(200));
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused_naming_the_known_ones() {
        let r = refused("/api/delay/10?color=red");
        assert_eq!(r.error, "unknown parameter \"color\"");
        assert_eq!(r.allowed, json!(["status", "jitter_ms", "fail_rate", "seed"]));
        let r = refused("/api/delay/10?status=200&status=201");
        assert_eq!(r.error, "parameter \"status\" given twice");
        assert_eq!(refused("/api/status/200?x=1").allowed, json!([]));
        assert_eq!(refused("/api/bytes/1?chunk=1&chunk=2").status, 400);
        assert_eq!(refused("/api/flaky/k?fail_first=1&x=").status, 400);
        // Empty pairs are skipped; values are percent-decoded.
        assert_eq!(get("/api/delay/0?&&").map(|p| p.status), Ok(200));
        assert_eq!(get("/api/delay/0?status=2%30%31").map(|p| p.status), Ok(201));
    }

    #[test]
    fn bytes_is_a_download_whatever_the_caller_does_with_it() {
        let plan = get("/api/bytes/10").expect("a download");
        assert_eq!(
            plan.body,
            Body::Bytes(Download {
                total: 10,
                chunk: limits::DEFAULT_CHUNK,
                interval: Duration::ZERO
            })
        );
        let Body::Bytes(d) = get("/api/bytes/10?chunk=3&interval_ms=5").expect("ok").body else {
            panic!("not a download");
        };
        assert_eq!(
            (d.chunk_sizes(), d.duration()),
            (vec![3, 3, 3, 1], Duration::from_millis(15))
        );
        let empty = Download {
            total: 0,
            chunk: 3,
            interval: Duration::from_millis(5),
        };
        assert_eq!((empty.chunk_sizes(), empty.duration()), (vec![], Duration::ZERO));
        assert_eq!(refused("/api/bytes/67108865").status, 400);
    }

    #[test]
    fn statuses_without_a_body_have_none() {
        for code in ["204", "205", "304"] {
            let plan = get(&format!("/api/status/{code}")).expect(code);
            assert_eq!((plan.status.to_string(), plan.body), (code.to_string(), Body::None));
            let plan = get(&format!("/api/delay/0?status={code}")).expect(code);
            assert_eq!(plan.body, Body::None);
        }
        assert_eq!(
            get("/api/status/418").map(|p| p.body),
            Ok(Body::Json(json!({ "status": 418 })))
        );
    }

    #[test]
    fn any_path_gives_a_json_value_quotes_included() {
        let r = refused("/api/nope\"x");
        assert_eq!(
            (r.status, r.body()["allowed"][0].as_str()),
            (404, Some("GET /api/health"))
        );
        let r = refused("/api/flaky/a\"b");
        assert_eq!(
            r.error,
            "key must be 1 to 64 characters of A-Z a-z 0-9 _ -; got \"a\\\"b\""
        );
        assert_eq!(
            refused("/api/flaky/a%2Fb").status,
            400,
            "an encoded slash stays in the key"
        );
        for path in [
            "/api",
            "/api/",
            "/api/delay",
            "/api/delay/",
            "/api/delay/1/2",
            "/api//delay/1",
            "/apix",
            "/",
        ] {
            assert_eq!(refused(path).status, 404, "{path}");
        }
    }

    #[test]
    fn refusals_have_the_servers_shape() {
        let r = refused("/api/delay/abc");
        assert_eq!(
            r.body(),
            json!({
                "error": "delay must be a whole number from 0 to 30000; got \"abc\"",
                "allowed": { "min": 0, "max": 30000 },
            })
        );
        assert_eq!(Plan::from(r.clone()).body, Body::Json(r.body()));
    }

    #[test]
    fn methods_are_checked_after_the_path() {
        let post = |path| {
            plan(
                &LabRequest {
                    method: "POST",
                    path,
                    query: None,
                    body: Ok(b"{}"),
                },
                0,
                &mut |_| 1,
            )
        };
        let p = post("/api/delay/1").expect("a 405 plan");
        assert_eq!(
            (p.status, p.body, p.allow),
            (
                405,
                Body::Json(json!({ "error": "\"POST\" is not allowed here", "allowed": ["GET", "HEAD"] })),
                Some("GET,HEAD")
            )
        );
        assert_eq!(get("/api/echo").map(|p| (p.status, p.allow)), Ok((405, Some("POST"))));
        assert_eq!(post("/api/nope").map_err(|r| r.status), Err(404));
        assert_eq!(
            post("/api/echo").map(|p| p.body),
            Ok(Body::Json(json!({ "json": {}, "bytes": 2 })))
        );
    }

    #[test]
    fn echo_refuses_bodies_that_are_not_json_or_too_big() {
        let echo = |body| {
            plan(
                &LabRequest {
                    method: "POST",
                    path: "/api/echo",
                    query: None,
                    body,
                },
                0,
                &mut |_| 1,
            )
        };
        let r = echo(Ok(b"{nope")).expect_err("not JSON");
        assert!(r.error.starts_with("the body is not JSON: "), "{}", r.error);
        let huge = vec![b' '; limits::MAX_ECHO_BYTES + 1];
        let r = echo(Ok(&huge)).expect_err("too big");
        assert_eq!(r.status, 413);
        assert_eq!(r.allowed, json!("a JSON document of at most 1048576 bytes"));
        assert_eq!(echo(Err(BodyError::TooLarge)).map_err(|r| r.status), Err(413));
        assert_eq!(
            echo(Err(BodyError::Unreadable("reset"))).map_err(|r| (r.status, r.error)),
            Err((400, "the body cannot be read: reset".into()))
        );
    }

    #[test]
    fn seeded_delays_draw_like_the_server_and_flaky_counts_only_valid_calls() {
        let a = get("/api/delay/10?jitter_ms=40&seed=7").expect("ok");
        let mut rng = fastrand::Rng::with_seed(7);
        let extra = rng.u64(0..=40);
        assert_eq!(a.wait, Duration::from_millis(10 + extra));
        assert_eq!(a.body, Body::Json(json!({ "delay_ms": 10 + extra, "status": 200 })));
        let mut flaky = FlakyCounter::default();
        let mut call = |path: &str| {
            let (path, query) = path.split_once('?').unwrap_or((path, ""));
            plan(&LabRequest::get(path, Some(query)), 0, &mut |k| flaky.next_call(k)).map(|p| p.status)
        };
        assert_eq!(call("/api/flaky/k?fail_first=101").map_err(|r| r.status), Err(400));
        let seen: Vec<_> = (0..3).map(|_| call("/api/flaky/k?fail_first=2")).collect();
        assert_eq!(seen, [Ok(503), Ok(503), Ok(200)], "the refused call did not count");
    }

    #[test]
    fn flaky_keys_are_capped_and_the_least_recent_is_forgotten() {
        let mut counter = FlakyCounter::default();
        assert_eq!(counter.next_call("keep"), 1);
        for i in 0..limits::MAX_FLAKY_KEYS - 1 {
            counter.next_call(&format!("k{i}"));
        }
        assert_eq!(counter.len(), limits::MAX_FLAKY_KEYS);
        assert_eq!(counter.next_call("keep"), 2, "a key in use is kept");
        counter.next_call("one more");
        assert_eq!(counter.len(), limits::MAX_FLAKY_KEYS, "the cap holds");
        assert_eq!(counter.next_call("keep"), 3, "the least recent key went, not this one");
        assert_eq!(counter.next_call("k0"), 1, "k0 was the least recent: forgotten");
    }

    #[test]
    fn a_download_that_would_take_too_long_is_refused() {
        let get = |q: &str| plan(&LabRequest::get("/api/bytes/1000", Some(q)), 0, &mut |_| 1);
        let r = get("chunk=1&interval_ms=10000").expect_err("999 pauses of 10 s");
        assert_eq!(r.status, 400);
        assert!(r.error.contains("at most 600 s"), "{}", r.error);
        assert!(get("chunk=10&interval_ms=6000").is_ok(), "99 pauses of 6 s: 594 s");
    }
}
