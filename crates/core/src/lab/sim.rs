//! The simulated lab: the lab API answered in-process from the same
//! [`plan`] the server uses, its latency taken on an [`Env`]'s clock
//! (virtual timers under virtual time, real ones in a page with no server).
//!
//! Where it differs, by design: `/api/health` names itself
//! `asyncscope-lab (simulated)` ([`SIM_NAME`]) with this crate's version,
//! and `/api/stats` answers 501, since it keeps no request counters.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use serde_json::json;

use super::{Body, FlakyCounter, LabRequest, Plan, health_body, plan};
use crate::env::Env;
use crate::net::{BodyStream, FetchError, Request, Response};

/// The name the simulated lab gives in `/api/health`.
pub const SIM_NAME: &str = "asyncscope-lab (simulated)";

/// The simulated lab: what a request answers and how long it takes.
/// Deterministic: randomness comes from the request's `seed` or the
/// caller's random source; the only state is the calls per flaky key.
#[derive(Debug, Default)]
pub struct SimLab {
    flaky: FlakyCounter,
}

impl SimLab {
    /// The lab's [`Plan`] for `request` (a refusal becomes its 4xx plan),
    /// or [`FetchError::Network`] for a URL that is not on the lab server.
    /// `random` is a fresh random number, used when a delay has no `seed`.
    pub fn plan(&mut self, request: &Request, random: u64) -> Result<Plan, FetchError> {
        let (path, query) = lab_path(&request.url)
            .ok_or_else(|| FetchError::Network(format!("{} is not on the lab server", request.url)))?;
        let lab_request = LabRequest {
            method: request.method.as_str(),
            path,
            query,
            body: Ok(request.body.as_deref().unwrap_or("").as_bytes()),
        };
        let flaky = &mut self.flaky;
        Ok(plan(&lab_request, random, &mut |key| flaky.next_call(key)).unwrap_or_else(Plan::from))
    }

    /// Answers `request` whole: `(latency, result)`. A download's latency
    /// runs to its last chunk. `random` is as for [`SimLab::plan`].
    pub fn answer(&mut self, request: &Request, random: u64) -> (Duration, Result<Response, FetchError>) {
        match self.plan(request, random) {
            Ok(plan) => {
                let (latency, response) = respond(plan);
                (latency, Ok(response))
            }
            Err(e) => (Duration::ZERO, Err(e)),
        }
    }
}

/// The path and query of `url` if it is on the lab (`/api...`, with or
/// without a scheme and host).
fn lab_path(url: &str) -> Option<(&str, Option<&str>)> {
    let url = url.split('#').next().unwrap_or(url);
    let path = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            &after[after.find('/')?..]
        }
        None => url,
    };
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    (path == "/api" || path.starts_with("/api/")).then_some((path, query))
}

/// A plan as one whole response: the time until its last byte, and the
/// response as the server would send it (status, body, content type).
fn respond(plan: Plan) -> (Duration, Response) {
    let json = |status, value: serde_json::Value| Response::new(status, value.to_string());
    match plan.body {
        Body::None => (
            plan.wait,
            Response {
                status: plan.status,
                ..Response::default()
            },
        ),
        Body::Json(value) => (plan.wait, json(plan.status, value)),
        Body::Bytes(download) => (
            plan.wait + download.duration(),
            Response {
                status: plan.status,
                body: ".".repeat(usize::try_from(download.total).unwrap_or(0)),
                content_type: Some("application/octet-stream".to_string()),
                timing: None,
            },
        ),
        Body::Health => (
            plan.wait,
            json(plan.status, health_body(SIM_NAME, env!("CARGO_PKG_VERSION"))),
        ),
        Body::Stats => (
            plan.wait,
            json(
                501,
                json!({
                    "error": "the simulated lab keeps no request counters",
                    "allowed": "GET /api/stats on the lab server",
                }),
            ),
        ),
    }
}

/// How the simulated lab sends `GET /api/bytes/{n}?chunk=&interval_ms=`:
/// `(status, total, chunk sizes, pause between chunks)`, or `None` for a
/// request that is not a valid download (fetch it with [`SimLab::answer`]
/// to see why).
pub fn sim_download(request: &Request) -> Option<(u64, Vec<u64>, Duration)> {
    let (path, query) = lab_path(&request.url)?;
    if !path.starts_with("/api/bytes/") {
        return None;
    }
    let lab_request = LabRequest {
        method: request.method.as_str(),
        path,
        query,
        body: Ok(b""),
    };
    // A download draws no random number and counts no flaky call.
    match plan(&lab_request, 0, &mut |_| 0).ok()?.body {
        Body::Bytes(d) => Some((d.total, d.chunk_sizes(), d.interval)),
        _ => None,
    }
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

    #[test]
    fn bytes_through_a_plain_fetch_is_the_whole_body_after_the_last_chunk() {
        let mut lab = SimLab::default();
        let (latency, r) = lab.answer(&Request::get("/api/bytes/10?chunk=4&interval_ms=20"), 0);
        let r = r.expect("answered");
        assert_eq!((r.status, r.body.as_str()), (200, ".........."));
        assert_eq!(r.content_type.as_deref(), Some("application/octet-stream"));
        assert_eq!(latency, Duration::from_millis(40), "3 chunks, 2 pauses");
        assert_eq!(
            sim_download(&Request::get("/api/bytes/10?chunk=4&interval_ms=20")),
            Some((10, vec![4, 4, 2], Duration::from_millis(20)))
        );
        assert_eq!(sim_download(&Request::get("/api/bytes/10?chunk=0")), None);
    }

    #[test]
    fn answers_are_what_the_server_sends() {
        let mut lab = SimLab::default();
        let (_, r) = lab.answer(&Request::get("/api/status/204"), 0);
        let r = r.expect("answered");
        assert_eq!((r.status, r.body.as_str(), r.content_type), (204, "", None));
        let (_, r) = lab.answer(&Request::get("/api/nope\"x"), 0);
        let v = r.expect("answered").json().expect("valid JSON");
        assert_eq!(v["error"], "no such API endpoint");
        let (_, r) = lab.answer(&Request::post_json("/api/echo", r#"{"a":1}"#), 0);
        assert_eq!(
            r.expect("answered").json().expect("json"),
            json!({ "json": { "a": 1 }, "bytes": 7 })
        );
        let (_, r) = lab.answer(&Request::get("/api/health"), 0);
        assert_eq!(r.expect("answered").json().expect("json")["name"], SIM_NAME);
    }
}
