//! Every lab API endpoint and every kind of bad input, sent to the server's
//! `Router` in process; and what the server does with connections
//! (requests abandoned, the cap, stalled headers, compression) on an
//! ephemeral loopback port.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use asyncscope_lab::{Config, Running};
use axum::Router;
use common::{get, send_with};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;

async fn start(config: Config) -> Running {
    Running::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("starts")
}

fn config() -> Config {
    Config::new(std::env::temp_dir().join("asyncscope-lab-api-no-dist"))
}

/// The server's routes, to call in process.
fn api() -> Router {
    asyncscope_lab::router(&config()).0
}

async fn call(router: &Router, path: &str) -> common::Reply {
    common::oneshot(router, "GET", path, b"").await
}

async fn stats(addr: SocketAddr) -> Value {
    get(addr, "/api/stats").await.json()
}

/// The stats once `done` holds of them, or after two seconds, whichever
/// comes first (the server counts a closed connection a moment later).
async fn stats_once(addr: SocketAddr, done: impl Fn(&Value) -> bool) -> Value {
    let mut now = stats(addr).await;
    for _ in 0..100 {
        if done(&now) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        now = stats(addr).await;
    }
    now
}

#[tokio::test]
async fn delay_waits_and_answers_with_the_status_asked() {
    let server = api();
    let t = Instant::now();
    let r = call(&server, "/api/delay/150").await;
    let took = t.elapsed();
    assert_eq!((r.status, r.json()["delay_ms"].as_u64()), (200, Some(150)));
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(3),
        "{took:?}"
    );
    let r = call(&server, "/api/delay/0?status=503").await;
    assert_eq!((r.status, r.json()["status"].as_u64()), (503, Some(503)));
    let a = call(&server, "/api/delay/10?jitter_ms=40&seed=7").await.json();
    let b = call(&server, "/api/delay/10?jitter_ms=40&seed=7").await.json();
    assert_eq!(a["delay_ms"], b["delay_ms"], "the same seed, the same jitter");
    let d = a["delay_ms"].as_u64().expect("number");
    assert!((10..=50).contains(&d), "{d}");
    assert_eq!(call(&server, "/api/delay/0?fail_rate=1").await.status, 500);
    assert_eq!(call(&server, "/api/delay/0?fail_rate=0").await.status, 200);
}

#[tokio::test]
async fn every_bad_parameter_is_a_400_that_names_what_is_allowed() {
    let server = api();
    let cases = [
        ("/api/delay/30001", "delay must be a whole number from 0 to 30000"),
        ("/api/delay/abc", "delay must be a whole number from 0 to 30000"),
        ("/api/delay/-1", "delay must be a whole number"),
        (
            "/api/delay/10?status=99",
            "status must be a whole number from 200 to 599",
        ),
        ("/api/delay/10?status=600", "status must be"),
        (
            "/api/delay/10?jitter_ms=30001",
            "jitter_ms must be a whole number from 0 to 30000",
        ),
        ("/api/delay/10?fail_rate=1.5", "fail_rate must be a number from 0 to 1"),
        ("/api/delay/10?fail_rate=x", "fail_rate must be a number from 0 to 1"),
        ("/api/delay/10?seed=-4", "seed must be a whole number"),
        ("/api/delay/10?color=red", "unknown parameter \"color\""),
        ("/api/delay/10?status=200&status=201", "given twice"),
        ("/api/status/199", "status must be a whole number from 200 to 599"),
        ("/api/status/600", "status must be a whole number from 200 to 599"),
        ("/api/bytes/67108865", "bytes must be a whole number from 0 to 67108864"),
        (
            "/api/bytes/10?chunk=0",
            "chunk must be a whole number from 1 to 1048576",
        ),
        (
            "/api/bytes/10?interval_ms=10001",
            "interval_ms must be a whole number from 0 to 10000",
        ),
        (
            "/api/flaky/a?fail_first=101",
            "fail_first must be a whole number from 0 to 100",
        ),
        ("/api/flaky/bad%20key", "key must be 1 to 64 characters"),
    ];
    for (path, says) in cases {
        let r = call(&server, path).await;
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.header("content-type"), Some("application/json"), "{path}");
        let v = r.json();
        let error = v["error"].as_str().unwrap_or_default();
        assert!(error.contains(says), "{path}: {error}");
        assert!(!v["allowed"].is_null(), "{path}: no allowed");
    }
}

#[tokio::test]
async fn status_answers_any_code_from_200_to_599() {
    let server = api();
    for code in [200u16, 201, 404, 418, 500, 599] {
        let r = call(&server, &format!("/api/status/{code}")).await;
        assert_eq!((r.status, r.json()["status"].as_u64()), (code, Some(u64::from(code))));
    }
    let r = call(&server, "/api/status/204").await;
    assert_eq!((r.status, r.body.len()), (204, 0), "204 has no body");
}

#[tokio::test]
async fn bytes_streams_exactly_n_bytes_in_paced_chunks() {
    let server = api();
    let r = call(&server, "/api/bytes/100000?chunk=30000").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("100000"));
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert_eq!(r.body.len(), 100_000);
    let t = Instant::now();
    let r = call(&server, "/api/bytes/4000?chunk=1000&interval_ms=50").await;
    assert_eq!(r.body.len(), 4000);
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "3 pauses of 50 ms: {:?}",
        t.elapsed()
    );
    assert_eq!(call(&server, "/api/bytes/0").await.body.len(), 0);
}

#[tokio::test]
async fn echo_returns_json_and_refuses_bad_or_huge_bodies() {
    let server = api();
    let r = common::oneshot(&server, "POST", "/api/echo", br#"{"a":[1,2,3]}"#).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["json"]["a"][2], 3);
    let r = common::oneshot(&server, "POST", "/api/echo", b"{not json").await;
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap_or_default().contains("not JSON"));
    let huge = vec![b' '; 1024 * 1024 + 1];
    let r = common::oneshot(&server, "POST", "/api/echo", &huge).await;
    assert_eq!(r.status, 413, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["allowed"].as_str().unwrap_or_default().contains("1048576"));
    // Far larger than the limit: still a JSON 413, not the reader's plain text.
    let larger = vec![b' '; 4 * 1024 * 1024];
    let r = common::oneshot(&server, "POST", "/api/echo", &larger).await;
    assert_eq!(r.status, 413, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["error"].as_str().unwrap_or_default().contains("larger than"));
    let r = call(&server, "/api/echo").await;
    assert_eq!((r.status, r.header("allow")), (405, Some("POST")));
    assert_eq!(
        r.json()["allowed"],
        serde_json::json!(["POST"]),
        "a JSON error like every other"
    );
}

#[tokio::test]
async fn flaky_fails_the_first_n_calls_per_key() {
    let server = api();
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(call(&server, "/api/flaky/k1?fail_first=2").await.status);
    }
    assert_eq!(seen, [503, 503, 200, 200]);
    assert_eq!(
        call(&server, "/api/flaky/k2?fail_first=2").await.status,
        503,
        "keys are separate"
    );
    assert_eq!(call(&server, "/api/flaky/k3").await.status, 200);
}

#[tokio::test]
async fn stats_count_completed_and_requests_the_client_abandoned() {
    let server = start(config()).await;
    let before = stats(server.addr).await;
    assert_eq!(before["in_flight"], 0);
    get(server.addr, "/api/delay/0").await;
    // A client that gives up half way: the server sees it go.
    let mut s = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    s.write_all(b"GET /api/delay/5000 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let during = stats_once(server.addr, |s| s["in_flight"] == 1).await;
    assert_eq!(during["in_flight"], 1, "{during}");
    drop(s);
    let after = stats_once(server.addr, |s| s["client_gone"] == 1).await;
    assert_eq!(
        (after["completed"].as_u64(), after["client_gone"].as_u64()),
        (Some(1), Some(1)),
        "{after}"
    );
    assert_eq!(after["in_flight"], 0);

    // A download abandoned mid-body counts as ended by the client too.
    let mut s = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    s.write_all(b"GET /api/bytes/1000000?chunk=1000&interval_ms=20 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut first = [0u8; 2048];
    let _ = s.read(&mut first).await.expect("some bytes");
    drop(s);
    let end = stats_once(server.addr, |s| s["client_gone"] == 2).await;
    assert_eq!(end["client_gone"], 2, "{end}");
    // A download read to the end is completed, not abandoned.
    let done = get(server.addr, "/api/bytes/300000?chunk=65536").await;
    assert_eq!(done.body.len(), 300_000);
    let last = stats_once(server.addr, |s| s["completed"] == 2).await;
    assert_eq!(
        (last["completed"].as_u64(), last["client_gone"].as_u64()),
        (Some(2), Some(2)),
        "{last}"
    );
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn beyond_the_cap_requests_get_503_and_the_server_lives_on() {
    let mut cfg = config();
    cfg.max_in_flight = 2;
    let server = start(cfg).await;
    let addr = server.addr;
    let slow: Vec<_> = (0..2)
        .map(|_| tokio::spawn(async move { get(addr, "/api/delay/400").await.status }))
        .collect();
    let full = stats_once(addr, |s| s["in_flight"] == 2).await;
    assert_eq!(full["in_flight"], 2, "{full}");
    let r = get(addr, "/api/delay/0").await;
    assert_eq!(r.status, 503);
    assert_eq!(
        r.header("retry-after"),
        Some("1"),
        "a refused client is told when to come back"
    );
    assert!(r.json()["error"].as_str().unwrap_or_default().contains("busy"));
    for s in slow {
        assert_eq!(s.await.expect("joins"), 200);
    }
    assert_eq!(get(addr, "/api/delay/0").await.status, 200);
    assert_eq!(stats(addr).await["rejected"], 1);
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let mut cfg = config();
    cfg.header_timeout = Duration::from_millis(300);
    let server = start(cfg).await;
    let mut s = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    s.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server did not close the stalled connection");
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn static_files_are_compressed_and_carry_a_policy() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path();
    let page = format!(
        "<!doctype html><script type=\"module\">import init from '/app.js'; init();</script>{}",
        "<p>filler</p>".repeat(200)
    );
    std::fs::write(dir.join("index.html"), &page).expect("write");
    let server = start(Config::new(dir)).await;
    for encoding in ["gzip", "br"] {
        let r = send_with(server.addr, "GET", "/", &[("accept-encoding", encoding)], b"").await;
        assert_eq!(r.header("content-encoding"), Some(encoding), "{encoding}");
    }
    let r = get(server.addr, "/").await;
    let csp = r.header("content-security-policy").expect("a policy").to_string();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{csp}");
    assert!(csp.contains("style-src 'self' 'unsafe-inline';"), "{csp}");
    assert!(
        !csp.contains("script-src 'self' 'unsafe-inline'"),
        "no inline script: {csp}"
    );
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    server.stop().await.expect("stops");
}

/// Only `localhost` and IP addresses are answered: a page elsewhere that
/// points its own name at 127.0.0.1 (DNS rebinding) gets a 421.
#[tokio::test]
async fn a_request_for_another_host_name_is_refused() {
    let server = start(config()).await;
    for host in ["evil.example", "evil.example:8080", "localhost.evil.example"] {
        let r = send_with(server.addr, "GET", "/api/health", &[("host", host)], b"").await;
        assert_eq!(r.status, 421, "{host}");
        assert!(
            r.json()["error"].as_str().unwrap_or_default().contains("localhost"),
            "{host}"
        );
    }
    for host in ["localhost:9", "127.0.0.1", "[::1]:8080", "LOCALHOST"] {
        let r = send_with(server.addr, "GET", "/api/health", &[("host", host)], b"").await;
        assert_eq!(r.status, 200, "{host}");
    }
    server.stop().await.expect("stops");
}

/// A client that asks for a long download and then reads nothing is cut
/// off once the server has been unable to write for `write_stall_timeout`:
/// its slot comes back.
#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off_and_frees_its_slot() {
    let mut cfg = config();
    cfg.write_stall_timeout = Duration::from_millis(300);
    let server = start(cfg).await;
    let mut s = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    s.write_all(b"GET /api/bytes/67108864 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let during = stats_once(server.addr, |s| s["in_flight"] == 1).await;
    assert_eq!(during["in_flight"], 1, "{during}");
    // Never read: the socket's buffers fill, the server's writes stall.
    let after = stats_once(server.addr, |s| s["in_flight"] == 0).await;
    assert_eq!(
        (after["in_flight"].as_u64(), after["client_gone"].as_u64()),
        (Some(0), Some(1)),
        "{after}"
    );
    drop(s);
    server.stop().await.expect("stops");
}

/// A handler that takes longer than `request_timeout` is answered with a
/// JSON 408, like every other error.
#[tokio::test]
async fn a_request_past_its_deadline_is_a_json_408() {
    let mut cfg = config();
    cfg.request_timeout = Duration::from_millis(100);
    let server = start(cfg).await;
    let r = get(server.addr, "/api/delay/2000").await;
    assert_eq!(r.status, 408);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("no answer within")
    );
    server.stop().await.expect("stops");
}
