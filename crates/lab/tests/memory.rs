//! Memory that a burst of connections used goes back to the system once
//! the burst is over (`asyncscope_lab::memory`): glibc alone keeps most of
//! it resident, which is what made the lab soak's RSS end at 2.1× its
//! start. A file of its own, so that the process's resident memory is this
//! test's alone.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use asyncscope_lab::{Config, Running};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

static BURST_OVER: AtomicBool = AtomicBool::new(false);

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// `GET path` on a connection of its own, kept open until the answer is read.
async fn slow_request(addr: std::net::SocketAddr, path: &'static str) -> u16 {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    let conn = tokio::spawn(conn);
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, "localhost")
        .body(Empty::<Bytes>::new())
        .expect("a request");
    let response = sender.send_request(request).await.expect("a response");
    let status = response.status().as_u16();
    let _ = response.into_body().collect().await;
    drop(sender);
    let _ = conn.await;
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_goes_back_to_the_system_after_a_burst() {
    const CONNECTIONS: usize = 400;
    let dist = tempfile::tempdir().expect("a temporary directory");
    let server = Running::start("127.0.0.1:0".parse().expect("addr"), Config::new(dist.path()))
        .await
        .expect("starts");
    let addr = server.addr;
    // One request first: the runtime's and the server's lasting parts exist.
    assert_eq!(slow_request(addr, "/api/delay/1").await, 200);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib();

    // The peak, sampled every 20 ms until the burst is over.
    let sampler = tokio::spawn(async {
        let mut peak = 0;
        while !BURST_OVER.load(Ordering::SeqCst) {
            peak = peak.max(rss_kib());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        peak
    });
    let burst: Vec<_> = (0..CONNECTIONS)
        .map(|_| tokio::spawn(slow_request(addr, "/api/delay/1500")))
        .collect();
    for request in burst {
        assert_eq!(request.await.expect("the request's task"), 200);
    }
    BURST_OVER.store(true, Ordering::SeqCst);
    let during = sampler.await.expect("the sampler");
    assert!(
        during >= before + 6 * 1024,
        "the burst should use memory enough to see: {before} KiB before, a peak of {during} KiB during"
    );

    // Within a few seconds, at most a quarter of what the burst added is
    // still resident.
    let bound = before + (during - before) / 4;
    let ended = Instant::now();
    let mut after = rss_kib();
    while after > bound && ended.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = rss_kib();
    }
    println!(
        "RSS before the burst {before} KiB, a peak of {during} KiB during, after {after} KiB ({:.1} s after it ended)",
        ended.elapsed().as_secs_f64()
    );
    assert!(
        after <= bound,
        "{after} KiB resident after the burst: more than {bound} KiB ({before} before, {during} during)"
    );
    server.stop().await.expect("stops");
}
