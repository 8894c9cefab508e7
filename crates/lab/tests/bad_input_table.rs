//! The bad-input table for the lab server: every endpoint and parameter
//! with bad values (from the API's bounds: past each end, 2^64, signs,
//! letters, floats, unicode, encoded NUL, very long), unknown and repeated
//! parameters, path traversal against the static files, huge headers and
//! bodies, bad methods and host names. Each row is sent as raw bytes over
//! a loopback connection to a server on an ephemeral port, in process, and
//! expects a status and a JSON body `{"error", "allowed"}` whose words
//! name what is allowed (a quoted value at most 40 characters, escaped);
//! no file outside `dist/` is ever in a body. The only answers without
//! JSON are the HTTP parser's own, for requests it cannot read at all
//! (headers past its buffer, a raw NUL in the request line): a status and
//! a closed connection. It prints its counts: tried, passed, panics (the
//! server stopped answering), hangs (no answer within 10 s), unclear.

use std::net::SocketAddr;
use std::time::Duration;

use asyncscope_lab::{Config, Running};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "not for the web: the lab served a file outside dist";

/// What a row expects.
struct Row {
    /// The request's method, target and extra header lines, and body.
    method: String,
    target: String,
    headers: Vec<String>,
    body: Vec<u8>,
    /// The statuses allowed (usually one).
    status: Vec<u16>,
    /// Whether the answer must be a JSON error naming what is allowed,
    /// and words it must contain (in `error` or `allowed`).
    json: Option<Vec<String>>,
}

fn get(target: &str, status: u16, says: &[&str]) -> Row {
    Row {
        method: "GET".into(),
        target: target.into(),
        headers: Vec::new(),
        body: Vec::new(),
        status: vec![status],
        json: Some(says.iter().map(|s| s.to_string()).collect()),
    }
}

/// An answer, as read off the socket.
struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

/// Sends `row` on a connection of its own and reads the answer to the end.
async fn send(addr: SocketAddr, row: &Row) -> Result<Answer, String> {
    let mut s = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let mut head = format!("{} {} HTTP/1.1\r\nConnection: close\r\n", row.method, row.target);
    // A row's own `Host` replaces the default.
    if !row.headers.iter().any(|h| h.to_ascii_lowercase().starts_with("host:")) {
        head.push_str("Host: 127.0.0.1\r\n");
    }
    for h in &row.headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    if !row.body.is_empty() {
        head.push_str(&format!(
            "Content-Length: {}\r\nContent-Type: application/json\r\n",
            row.body.len()
        ));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&row.body);
    // The server may answer (and close) before it has read everything.
    let (mut rd, mut wr) = s.split();
    let write = async {
        let _ = wr.write_all(&bytes).await;
    };
    let mut answer = Vec::new();
    let read = rd.read_to_end(&mut answer);
    let (_, read) = tokio::join!(write, read);
    if let Err(e) = read
        && answer.is_empty()
    {
        return Err(format!("no answer: {e}"));
    }
    parse(&answer)
}

fn parse(raw: &[u8]) -> Result<Answer, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no head in {} bytes", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let mut body = raw[end + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Ok(Answer {
        status,
        headers: head,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&raw[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = &raw[(start + size + 2).min(raw.len())..];
    }
    out
}

/// Bad whole numbers for a bound `min..=max`, as they would be written in
/// a URL (percent-encoded where needed).
fn bad_numbers(min: u64, max: u64) -> Vec<String> {
    let mut bad: Vec<String> = vec![
        (u128::from(max) + 1).to_string(),
        "18446744073709551616".into(),
        "340282366920938463463374607431768211456".into(),
        "-1".into(),
        "1.5".into(),
        "1e3".into(),
        "0x10".into(),
        "abc".into(),
        "%00".into(),
        "1%00".into(),
        "%F0%9F%92%A5".into(),
        "%EF%BC%91".into(),
        "%1B%5B31m".into(),
        "%FF".into(),
        "%".into(),
        "%2".into(),
        "+1".replace('+', "%2B") + "x",
        "9".repeat(10_000),
    ];
    if min > 0 {
        bad.push((min - 1).to_string());
    }
    bad
}

fn api_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let number = |name: &str, min: u64, max: u64| format!("{name} must be a whole number from {min} to {max}");
    // Path parameters.
    for (path, name, min, max) in [
        ("/api/delay/", "delay", 0, 30_000),
        ("/api/status/", "status", 200, 599),
        ("/api/bytes/", "bytes", 0, 64 * 1024 * 1024),
    ] {
        for bad in bad_numbers(min, max) {
            rows.push(get(&format!("{path}{bad}"), 400, &[&number(name, min, max)]));
        }
        // No value: not an endpoint.
        rows.push(get(path, 404, &["GET /api/health", "GET /api/delay/{ms}"]));
        rows.push(get(&format!("{path}1/2"), 404, &["GET /api/health"]));
    }
    // Query parameters.
    for (path, name, min, max) in [
        ("/api/delay/0", "status", 200, 599),
        ("/api/delay/0", "jitter_ms", 0, 30_000),
        ("/api/delay/0", "seed", 0, u64::MAX),
        ("/api/bytes/10", "chunk", 1, 1_048_576),
        ("/api/bytes/10", "interval_ms", 0, 10_000),
        ("/api/flaky/k", "fail_first", 0, 100),
    ] {
        for bad in bad_numbers(min, max) {
            if max == u64::MAX && bad.starts_with("18446744073709551616") {
                rows.push(get(&format!("{path}?{name}={bad}"), 400, &[&number(name, min, max)]));
                continue;
            }
            rows.push(get(&format!("{path}?{name}={bad}"), 400, &[&number(name, min, max)]));
        }
        rows.push(get(&format!("{path}?{name}="), 400, &[&number(name, min, max)]));
        rows.push(get(&format!("{path}?{name}"), 400, &[&number(name, min, max)]));
        rows.push(get(&format!("{path}?{name}=1&{name}=1"), 400, &["given twice", name]));
    }
    for bad in [
        "-0.1",
        "1.5",
        "NaN",
        "inf",
        "x",
        "",
        "%00",
        "1e400",
        "9".repeat(5000).as_str(),
    ] {
        rows.push(get(
            &format!("/api/delay/0?fail_rate={bad}"),
            400,
            &["fail_rate must be a number from 0 to 1"],
        ));
    }
    // Unknown parameters, for every endpoint that takes a query.
    for (path, known) in [
        ("/api/delay/0", "jitter_ms"),
        ("/api/status/200", ""),
        ("/api/bytes/1", "interval_ms"),
        ("/api/flaky/k", "fail_first"),
    ] {
        for name in ["color", "%00", "%F0%9F%92%A5", "STATUS", &"n".repeat(5000), ""] {
            rows.push(get(&format!("{path}?{name}=1"), 400, &["unknown parameter", known]));
        }
    }
    // A download that would take too long.
    rows.push(get(
        "/api/bytes/1000?chunk=1&interval_ms=10000",
        400,
        &["this download would take", "max_ms"],
    ));
    // Flaky keys.
    for key in [
        "a%20b",
        "%00",
        "a.b",
        "%F0%9F%92%A5",
        "..",
        &"k".repeat(65),
        &"k".repeat(10_000),
    ] {
        rows.push(get(
            &format!("/api/flaky/{key}"),
            400,
            &["key must be 1 to 64 characters of A-Z a-z 0-9 _ -"],
        ));
    }
    // Unknown endpoints and path traversal under /api.
    for path in [
        "/api/nope",
        "/api/",
        "/api/health/x",
        "/api/delay",
        "/api/%00",
        "/api/..%2f..%2fCargo.toml",
        "/api/%2e%2e/%2e%2e/secret.txt",
    ] {
        rows.push(get(path, 404, &["GET /api/health"]));
    }
    rows.push(get("/apix", 404, &["no such file", "/api/"]));
    rows.push(get(
        "/api/delay/..%2f1",
        400,
        &["delay must be a whole number from 0 to 30000"],
    ));
    // Bad methods on every endpoint: 405 with `Allow` and the JSON error.
    for path in [
        "/api/health",
        "/api/delay/0",
        "/api/status/200",
        "/api/bytes/1",
        "/api/flaky/k",
        "/api/stats",
        "/api/echo",
    ] {
        let allowed = if path == "/api/echo" { "POST" } else { "GET" };
        for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "POST", "GET"] {
            if method == allowed || (allowed == "GET" && method == "GET") {
                continue;
            }
            if allowed == "POST" && method == "POST" {
                continue;
            }
            rows.push(Row {
                method: method.into(),
                ..get(path, 405, &[allowed, "is not allowed here"])
            });
        }
    }
    // Bodies.
    let echo = |body: Vec<u8>, status: u16, says: &[&str]| Row {
        method: "POST".into(),
        body,
        ..get("/api/echo", status, says)
    };
    rows.push(echo(b"{not json".to_vec(), 400, &["not JSON", "1048576"]));
    rows.push(echo(b"\0".to_vec(), 400, &["not JSON", "1048576"]));
    rows.push(echo(vec![b'['; 100_000], 400, &["not JSON", "1048576"]));
    rows.push(echo(vec![b' '; 1024 * 1024 + 1], 413, &["larger than", "1048576"]));
    rows.push(echo(vec![b' '; 8 * 1024 * 1024], 413, &["larger than", "1048576"]));
    rows.push(Row {
        headers: vec!["Content-Length: 99999999999".into()],
        ..echo(Vec::new(), 413, &["larger than", "1048576"])
    });
    // Host names other than localhost or an address (DNS rebinding).
    for host in ["evil.example", "localhost.evil.example", "127.0.0.1.nip.io"] {
        rows.push(Row {
            headers: vec![format!("Host: {host}")],
            ..get("/api/health", 421, &["localhost", "an IP address"])
        });
    }
    rows
}

/// Path traversal and odd paths against the static files: never a file
/// from outside `dist/`; a JSON 404 (or 400 for a path no file can have).
fn static_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "/./../secret.txt",
        "/app/../../secret.txt",
        "//secret.txt",
        "/link.txt",
        "/linked/secret.txt",
        "/index.html%00.txt",
        "/%00",
        "/missing.css",
        "/%F0%9F%92%A5",
        &format!("/{}", "a".repeat(10_000)),
    ] {
        rows.push(Row {
            status: vec![400, 404],
            ..get(path, 404, &["no such file"])
        });
    }
    for method in ["PUT", "DELETE", "POST", "FOO"] {
        rows.push(Row {
            method: method.into(),
            status: vec![405],
            ..get("/index.html", 405, &["GET", "HEAD"])
        });
    }
    rows
}

/// Requests the HTTP parser refuses before any handler sees them: its own
/// status, no JSON (there is no request to answer in JSON).
fn transport_rows() -> Vec<Row> {
    let bare = |target: &str, headers: Vec<String>, status: &[u16]| Row {
        method: "GET".into(),
        target: target.into(),
        headers,
        body: Vec::new(),
        status: status.to_vec(),
        json: None,
    };
    vec![
        bare(
            "/api/health",
            vec![format!("X-Big: {}", "a".repeat(1024 * 1024))],
            &[431],
        ),
        bare(
            "/api/health",
            (0..1000).map(|i| format!("X-Many-{i}: 1")).collect(),
            &[431],
        ),
        bare("/api/health\0", Vec::new(), &[400]),
        bare("/api/health", vec!["X-Bad\0: 1".into()], &[400]),
    ]
}

/// Huge but readable headers reach the API: answered as usual, in JSON.
fn readable_header_rows() -> Vec<Row> {
    vec![
        Row {
            headers: vec![format!("X-Big: {}", "a".repeat(64 * 1024))],
            ..get("/api/delay/x", 400, &["delay must be a whole number from 0 to 30000"])
        },
        Row {
            headers: (0..50).map(|i| format!("X-Many-{i}: 1")).collect(),
            ..get("/api/delay/x", 400, &["delay must be a whole number from 0 to 30000"])
        },
    ]
}

#[derive(Default)]
struct Tally {
    tried: usize,
    passed: usize,
    panics: usize,
    hangs: usize,
    unclear: usize,
    failures: Vec<String>,
}

/// Why a JSON error is unclear, if it is: not `{"error", "allowed"}`, a
/// word missing, too long, or an unescaped control character.
fn unclear(body: &[u8], says: &[String]) -> Option<String> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Some(format!(
            "not JSON: {:?}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ));
    };
    let (Some(error), Some(allowed)) = (v["error"].as_str(), v.get("allowed")) else {
        return Some(format!("not {{error, allowed}}: {v}"));
    };
    if allowed.is_null() {
        return Some("allowed is null".into());
    }
    let both = format!("{error} {allowed}");
    if let Some(word) = says.iter().find(|w| !both.contains(w.as_str())) {
        return Some(format!("does not say {word:?}: {both}"));
    }
    if error.len() > 300 {
        return Some(format!("an error of {} bytes", error.len()));
    }
    if error.chars().any(char::is_control) {
        return Some("a control character in the error".into());
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_request_gets_its_status_and_a_json_error_naming_what_is_allowed() {
    let root = tempfile::tempdir().expect("a temporary directory");
    let dist = root.path().join("dist");
    std::fs::create_dir(&dist).expect("dist");
    std::fs::write(dist.join("index.html"), "<!doctype html><title>t</title>").expect("write");
    std::fs::write(root.path().join("secret.txt"), SECRET).expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.path().join("secret.txt"), dist.join("link.txt")).expect("a file link");
        std::os::unix::fs::symlink(root.path(), dist.join("linked")).expect("a directory link");
    }
    let server = Running::start("127.0.0.1:0".parse().expect("addr"), Config::new(&dist))
        .await
        .expect("starts");
    let mut rows = api_rows();
    rows.extend(static_rows());
    rows.extend(readable_header_rows());
    rows.extend(transport_rows());
    let mut t = Tally::default();
    for row in &rows {
        t.tried += 1;
        let shown = format!(
            "{} {}{}",
            row.method,
            row.target.chars().take(60).collect::<String>(),
            if row.headers.is_empty() { "" } else { " (+headers)" }
        );
        let answer = match tokio::time::timeout(Duration::from_secs(10), send(server.addr, row)).await {
            Err(_) => {
                t.hangs += 1;
                t.failures.push(format!("{shown}: no answer within 10 s"));
                continue;
            }
            Ok(Err(e)) => {
                t.failures.push(format!("{shown}: {e}"));
                continue;
            }
            Ok(Ok(a)) => a,
        };
        if String::from_utf8_lossy(&answer.body).contains(SECRET) {
            t.failures.push(format!("{shown}: served the file outside dist/"));
            continue;
        }
        if !row.status.contains(&answer.status) {
            let body: String = String::from_utf8_lossy(&answer.body).chars().take(200).collect();
            t.failures
                .push(format!("{shown}: {} not {:?}: {body}", answer.status, row.status));
            continue;
        }
        if answer.status == 405 && !answer.headers.to_ascii_lowercase().contains("\r\nallow: ") {
            t.failures.push(format!("{shown}: a 405 without Allow"));
            continue;
        }
        match &row.json {
            Some(says) => match unclear(&answer.body, says) {
                Some(why) => {
                    t.unclear += 1;
                    t.failures.push(format!("{shown}: {why}"));
                }
                None => t.passed += 1,
            },
            None => t.passed += 1,
        }
    }
    // The server lives on, and every slot came back.
    let alive = send(server.addr, &get("/api/stats", 200, &[])).await;
    match alive {
        Ok(a) if a.status == 200 => {
            let v: Value = serde_json::from_slice(&a.body).unwrap_or_default();
            // The stats request itself is the one in flight.
            if v["in_flight"].as_u64() > Some(1) {
                t.failures.push(format!("slots held after the table: {v}"));
            }
        }
        _ => {
            t.panics += 1;
            t.failures.push("the server stopped answering".into());
        }
    }
    println!(
        "bad-input table (lab server): tried {}, passed {}, panics {}, hangs {}, unclear messages {}",
        t.tried, t.passed, t.panics, t.hangs, t.unclear
    );
    for f in t.failures.iter().take(40) {
        println!("  FAILED {f}");
    }
    server.stop().await.expect("stops");
    assert!(t.tried > 300, "{} rows", t.tried);
    assert!(t.failures.is_empty(), "{} rows failed (above)", t.failures.len());
    assert_eq!((t.passed, t.panics, t.hangs, t.unclear), (t.tried, 0, 0, 0));
}
