//! The lab soak (an ignored test: `cargo xtask soak` runs it, on 127.0.0.1
//! only): the lab server as its own process, `ASYNCSCOPE_SOAK_CLIENTS`
//! (default 1,000) well-behaved clients each sending slow requests
//! (`/api/delay/1000`, keep-alive) one after another, while
//! `ASYNCSCOPE_SOAK_STALLERS` (default 100) misbehaving clients stall: a
//! POST whose body stops half way, a download never read, headers never
//! finished; for `ASYNCSCOPE_SOAK_SECONDS` (default 60). Then: no error for
//! a well-behaved client, every slot released (`/api/stats` shows nothing
//! in flight once the stallers are gone), and the server's resident memory
//! within 2× of what it was after a warm-up of the same load.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The lab server, started as a process on a free loopback port.
struct Lab {
    child: Child,
    addr: SocketAddr,
}

impl Lab {
    fn start() -> Lab {
        let bin =
            std::env::var("ASYNCSCOPE_LAB_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_asyncscope-lab").to_string());
        let mut child = Command::new(&bin)
            .args(["--port", "0", "--dist", "target/no-dist"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        std::io::BufRead::read_line(&mut out, &mut line).expect("the server says where it listens");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Lab { child, addr }
    }

    /// Resident memory, in KiB (`VmRSS`).
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn stats(addr: SocketAddr) -> serde_json::Value {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(body).unwrap_or_default()
}

/// A well-behaved client: slow requests, one after another on one
/// keep-alive connection (reconnecting if the server closes it), until
/// `until`. Counts answers and errors.
async fn client(addr: SocketAddr, until: Instant, ok: Arc<AtomicU64>, errors: Arc<AtomicU64>) {
    'connect: while Instant::now() < until {
        let Ok(stream) = TcpStream::connect(addr).await else {
            errors.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
            errors.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        tokio::spawn(conn);
        while Instant::now() < until {
            let request = hyper::Request::get("/api/delay/1000")
                .header(hyper::header::HOST, "localhost")
                .body(Empty::<Bytes>::new())
                .expect("a request");
            let Ok(response) = sender.send_request(request).await else {
                errors.fetch_add(1, Ordering::Relaxed);
                continue 'connect;
            };
            let status = response.status();
            if response.into_body().collect().await.is_err() || status != hyper::StatusCode::OK {
                errors.fetch_add(1, Ordering::Relaxed);
                continue 'connect;
            }
            ok.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A misbehaving client, of one of three kinds, that holds its connection
/// until `until` and then goes away.
async fn staller(addr: SocketAddr, kind: u64, until: Instant) {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return;
    };
    let request: &[u8] = match kind % 3 {
        // A body that stops half way.
        0 => b"POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[1,2,3,",
        // A download never read.
        1 => b"GET /api/bytes/67108864 HTTP/1.1\r\nHost: localhost\r\n\r\n",
        // Headers never finished.
        _ => b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1",
    };
    let _ = s.write_all(request).await;
    tokio::time::sleep_until(until.into()).await;
}

/// Runs the load for `seconds`; returns (ok, errors).
async fn load(addr: SocketAddr, clients: u64, stallers: u64, seconds: u64) -> (u64, u64) {
    let until = Instant::now() + Duration::from_secs(seconds);
    let (ok, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut tasks = Vec::new();
    for i in 0..stallers {
        tasks.push(tokio::spawn(staller(addr, i, until)));
    }
    for _ in 0..clients {
        tasks.push(tokio::spawn(client(addr, until, Arc::clone(&ok), Arc::clone(&errors))));
    }
    for t in tasks {
        let _ = t.await;
    }
    (ok.load(Ordering::Relaxed), errors.load(Ordering::Relaxed))
}

/// Waits up to 10 s for nothing to be in flight on the server.
async fn drained(addr: SocketAddr) -> serde_json::Value {
    let mut now = stats(addr).await;
    for _ in 0..100 {
        if now["in_flight"].as_u64() == Some(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        now = stats(addr).await;
    }
    now
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak: run by cargo xtask soak"]
async fn lab_soak_slow_clients_and_stallers() {
    let clients = setting("ASYNCSCOPE_SOAK_CLIENTS", 1000);
    let stallers = setting("ASYNCSCOPE_SOAK_STALLERS", 100);
    let seconds = setting("ASYNCSCOPE_SOAK_SECONDS", 60);
    let lab = Lab::start();
    let fresh = lab.rss_kib();
    // A warm-up of the same load, briefly: the server's pools, buffers and
    // runtime threads reach their working size.
    let (warm_ok, warm_errors) = load(lab.addr, clients, stallers, 5).await;
    let warm_stats = drained(lab.addr).await;
    let warm = lab.rss_kib();
    let started = Instant::now();
    let peak = Arc::new(AtomicU64::new(warm));
    let sampler = {
        let (peak, pid) = (Arc::clone(&peak), lab.child.id());
        tokio::spawn(async move {
            loop {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                if let Some(kib) = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|n| n.parse::<u64>().ok())
                {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let (ok, errors) = load(lab.addr, clients, stallers, seconds).await;
    let took = started.elapsed();
    sampler.abort();
    let after_stats = drained(lab.addr).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = lab.rss_kib();
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "lab soak: {clients} slow clients and {stallers} stallers for {:.0} s: {ok} answered, {errors} errors \
         (warm-up: {warm_ok} answered, {warm_errors} errors); in flight afterwards {} (warm-up {}), \
         client_gone {}, rejected {}; RSS fresh {:.1} MiB, after warm-up {:.1} MiB, peak {:.1} MiB, afterwards {:.1} MiB ({:.2}× the warm-up)",
        took.as_secs_f64(),
        after_stats["in_flight"],
        warm_stats["in_flight"],
        after_stats["client_gone"],
        after_stats["rejected"],
        mib(fresh),
        mib(warm),
        mib(peak.load(Ordering::Relaxed)),
        mib(after),
        after as f64 / warm.max(1) as f64,
    );
    assert_eq!(errors, 0, "well-behaved clients got errors");
    assert!(ok >= clients * seconds.saturating_sub(2) / 2, "too few answers: {ok}");
    assert_eq!(after_stats["in_flight"], 0, "slots still held: {after_stats}");
    assert!(after <= warm * 2, "RSS {after} KiB after, {warm} KiB after the warm-up");
}
