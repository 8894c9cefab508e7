//! One table of requests, good and bad, sent to the lab server (its axum
//! `Router`, in process, no socket) and to the simulated lab: the status,
//! the `Content-Type` and the body must agree, and so must the time taken
//! (on tokio's paused clock). This is what keeps "the simulated lab speaks
//! the server's paths with the same bounds" true.

use std::time::Duration;

use asyncscope_core::lab::limits;
use asyncscope_core::lab::sim::SIM_NAME;
use asyncscope_core::lab::sim::SimLab;
use asyncscope_core::net::{Request as SimRequest, Response as SimResponse};
use asyncscope_lab::Config;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use tower::ServiceExt;

/// What either side answered.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Seen,
    took: Duration,
}

/// A body: JSON compared as a value, anything else as bytes.
#[derive(Debug, PartialEq)]
enum Seen {
    Json(Value),
    Raw(Vec<u8>),
}

fn seen(content_type: Option<&str>, body: &[u8]) -> Seen {
    if content_type == Some("application/json") {
        Seen::Json(
            serde_json::from_slice(body)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body))),
        )
    } else {
        Seen::Raw(body.to_vec())
    }
}

fn router() -> Router {
    asyncscope_lab::router(&Config::new(
        std::env::temp_dir().join("asyncscope-lab-contract-no-dist"),
    ))
    .0
}

async fn server(router: &Router, method: &str, path: &str, body: Option<&[u8]>) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let request = request
        .body(Body::from(body.unwrap_or_default().to_vec()))
        .expect("a request");
    let start = tokio::time::Instant::now();
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().expect("ascii").to_string());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body");
    Answer {
        status,
        body: seen(content_type.as_deref(), &bytes),
        content_type,
        took: start.elapsed(),
    }
}

fn simulated(lab: &mut SimLab, method: &str, path: &str, body: Option<&[u8]>) -> Answer {
    let request = match method {
        "GET" => SimRequest::get(path),
        "POST" => SimRequest::post_json(
            path,
            String::from_utf8(body.unwrap_or_default().to_vec()).expect("utf-8"),
        ),
        other => panic!("the simulated lab sends GET and POST, not {other}"),
    };
    let (took, response) = lab.answer(&request, 0);
    let SimResponse {
        status,
        body,
        content_type,
        ..
    } = response.expect("on the lab");
    Answer {
        status,
        body: seen(content_type.as_deref(), body.as_bytes()),
        content_type,
        took,
    }
}

/// Every endpoint, every bound on both sides, the quirks of paths and
/// queries, and each bug the simulation used to have.
const GETS: &[&str] = &[
    // delay: good
    "/api/delay/0",
    "/api/delay/20",
    "/api/delay/30000",
    "/api/delay/%31%30",
    "/api/delay/+5",
    "/api/delay/10?status=201",
    "/api/delay/10?status=599",
    "/api/delay/0?status=204",
    "/api/delay/0?status=205",
    "/api/delay/0?status=304",
    "/api/delay/10?jitter_ms=20&seed=7",
    "/api/delay/10?jitter_ms=30000&seed=7",
    "/api/delay/10?jitter_ms=20&fail_rate=0.5&seed=3",
    "/api/delay/10?jitter_ms=20&fail_rate=0.5&seed=4",
    "/api/delay/0?fail_rate=1",
    "/api/delay/0?fail_rate=0",
    "/api/delay/0?fail_rate=1&status=503",
    "/api/delay/0?seed=18446744073709551615",
    "/api/delay/0?&&",
    "/api/delay/0?status=2%30%31",
    "/api/delay/0?status=201&seed=1&jitter_ms=0&fail_rate=0",
    // delay: bad
    "/api/delay/30001",
    "/api/delay/abc",
    "/api/delay/-1",
    "/api/delay/1.5",
    "/api/delay/100?jitter_ms=999999",
    "/api/delay/100?jitter_ms=30001",
    "/api/delay/10?status=700",
    "/api/delay/10?status=99",
    "/api/delay/10?status=",
    "/api/delay/10?status",
    "/api/delay/10?fail_rate=7",
    "/api/delay/10?fail_rate=1.5",
    "/api/delay/10?fail_rate=-0.1",
    "/api/delay/10?fail_rate=x",
    "/api/delay/10?fail_rate=NaN",
    "/api/delay/10?seed=-4",
    "/api/delay/10?seed=18446744073709551616",
    "/api/delay/10?color=red",
    "/api/delay/10?Status=200",
    "/api/delay/10?status=200&status=201",
    "/api/delay/10?seed=1&seed=1",
    "/api/delay/abc?color=red",
    // status
    "/api/status/200",
    "/api/status/201",
    "/api/status/204",
    "/api/status/205",
    "/api/status/304",
    "/api/status/404",
    "/api/status/418",
    "/api/status/500",
    "/api/status/599",
    "/api/status/199",
    "/api/status/600",
    "/api/status/abc",
    "/api/status/200?x=1",
    // bytes
    "/api/bytes/10",
    "/api/bytes/0",
    "/api/bytes/100000",
    "/api/bytes/10?chunk=3&interval_ms=5",
    "/api/bytes/10?chunk=1048576",
    "/api/bytes/2000?chunk=1000&interval_ms=10000",
    "/api/bytes/67108865",
    "/api/bytes/-1",
    "/api/bytes/10?chunk=0",
    "/api/bytes/10?chunk=1048577",
    "/api/bytes/10?interval_ms=10001",
    "/api/bytes/10?chunk=1&chunk=2",
    "/api/bytes/10?seed=1",
    // flaky: the two sides count calls per key alike
    "/api/flaky/k1?fail_first=2",
    "/api/flaky/k1?fail_first=2",
    "/api/flaky/k1?fail_first=2",
    "/api/flaky/k2",
    "/api/flaky/k1?fail_first=100",
    "/api/flaky/k3?fail_first=101",
    "/api/flaky/k3?fail_first=1",
    "/api/flaky/k3?fail_first=x",
    "/api/flaky/bad%20key",
    "/api/flaky/a%2Fb",
    "/api/flaky/a\"b",
    "/api/flaky/Aa0_-",
    "/api/flaky/k?color=red",
    // unknown endpoints and odd paths (not `/api/`: the server's `nest`
    // hands it to the static files, a bare 404, where the simulation
    // answers the JSON 404)
    "/api",
    "/api/nope",
    "/api/nope\"x",
    "/api/nope%22x",
    "/api/delay",
    "/api/delay/",
    "/api/delay/1/2",
    "/api//delay/1",
    "/api/health/",
    "/api/DELAY/1",
    "/api/%64elay/1",
    "/api/echo/more",
    // the wrong method
    "/api/echo",
];

const POSTS: &[(&str, &[u8])] = &[
    ("/api/echo", br#"{"a":[1,2,3]}"#),
    ("/api/echo", b"[]"),
    ("/api/echo", b"\"text\""),
    ("/api/echo", b"  42  "),
    ("/api/echo?x=1", b"null"),
    ("/api/echo", b"{not json"),
    ("/api/echo", b""),
    ("/api/echo", b"caf\xc3\xa9"),
    ("/api/delay/1", b"{}"),
    ("/api/status/200", b"{}"),
    ("/api/nope", b"{}"),
    ("/api/stats", b"{}"),
];

#[tokio::test(start_paused = true)]
async fn server_and_simulation_answer_every_request_alike() {
    let router = router();
    let mut lab = SimLab::default();
    let gets = GETS.iter().map(|p| ("GET", *p, None));
    let posts = POSTS.iter().map(|(p, b)| ("POST", *p, Some(*b)));
    let mut checked = 0;
    for (method, path, body) in gets.chain(posts) {
        let real = server(&router, method, path, body).await;
        let sim = simulated(&mut lab, method, path, body);
        assert_eq!(real, sim, "{method} {path}");
        // A 400 or 404 that the request did not ask for is a refusal.
        if matches!(real.status, 400 | 404) && !path.starts_with("/api/status/") {
            let Seen::Json(v) = &real.body else {
                panic!("{method} {path}: a refusal without JSON")
            };
            assert!(
                v["error"].is_string() && !v["allowed"].is_null(),
                "{method} {path}: {v}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, GETS.len() + POSTS.len());
}

#[tokio::test(start_paused = true)]
async fn the_known_bugs_are_gone_on_both_sides() {
    let router = router();
    let mut lab = SimLab::default();
    let cases: [(&str, u16); 8] = [
        ("/api/delay/100?jitter_ms=999999", 400),
        ("/api/delay/100?status=700", 400),
        ("/api/delay/100?fail_rate=7", 400),
        ("/api/delay/100?colour=red", 400),
        ("/api/delay/100?status=201&status=201", 400),
        ("/api/bytes/10", 200),
        ("/api/status/204", 204),
        ("/api/nope\"x", 404),
    ];
    for (path, status) in cases {
        let real = server(&router, "GET", path, None).await;
        let sim = simulated(&mut lab, "GET", path, None);
        assert_eq!((real.status, sim.status), (status, status), "{path}");
        assert_eq!(real, sim, "{path}");
    }
    let sim = simulated(&mut lab, "GET", "/api/bytes/10", None);
    assert_eq!(sim.body, Seen::Raw(b"..........".to_vec()));
    assert_eq!(sim.content_type.as_deref(), Some("application/octet-stream"));
    let sim = simulated(&mut lab, "GET", "/api/status/204", None);
    assert_eq!((sim.body, sim.content_type), (Seen::Raw(Vec::new()), None));
}

#[tokio::test(start_paused = true)]
async fn a_body_over_the_limit_is_refused_alike() {
    let router = router();
    let mut lab = SimLab::default();
    let huge = vec![b' '; limits::MAX_ECHO_BYTES + 1];
    let real = server(&router, "POST", "/api/echo", Some(&huge)).await;
    let sim = simulated(&mut lab, "POST", "/api/echo", Some(&huge));
    assert_eq!(real, sim);
    assert_eq!(real.status, 413);
    let fits = vec![b' '; limits::MAX_ECHO_BYTES - 1];
    let mut doc = fits;
    doc.push(b'1');
    let real = server(&router, "POST", "/api/echo", Some(&doc)).await;
    assert_eq!(real, simulated(&mut lab, "POST", "/api/echo", Some(&doc)));
    assert_eq!(real.status, 200);
}

/// The two answers that differ, on purpose: health names who answers, and
/// only the server keeps request counters.
#[tokio::test(start_paused = true)]
async fn health_and_stats_differ_only_as_documented() {
    let router = router();
    let mut lab = SimLab::default();
    for path in ["/api/health", "/api/health?x=1"] {
        let real = server(&router, "GET", path, None).await;
        let sim = simulated(&mut lab, "GET", path, None);
        let (Seen::Json(mut r), Seen::Json(mut s)) = (real.body, sim.body) else {
            panic!("{path}: not JSON")
        };
        assert_eq!((real.status, real.content_type), (sim.status, sim.content_type));
        assert_eq!(r["name"], "asyncscope-lab");
        assert_eq!(s["name"], SIM_NAME);
        r["name"] = Value::Null;
        s["name"] = Value::Null;
        assert_eq!(r, s, "the same status and version");
    }
    let real = server(&router, "GET", "/api/stats", None).await;
    assert_eq!(real.status, 200);
    let Seen::Json(counters) = real.body else {
        panic!("stats: not JSON")
    };
    assert!(counters["completed"].is_u64(), "{counters}");
    let sim = simulated(&mut lab, "GET", "/api/stats", None);
    assert_eq!(sim.status, 501);
    assert_eq!(
        sim.body,
        Seen::Json(json!({
            "error": "the simulated lab keeps no request counters",
            "allowed": "GET /api/stats on the lab server",
        }))
    );
}
