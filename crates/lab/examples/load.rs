//! A small HTTP/1.1 load generator for the lab server (used by
//! `cargo xtask bench`): `load ADDR PATH CONNECTIONS SECONDS`.
//!
//! Each connection is kept alive and sends its next request as soon as the
//! previous answer is read. Prints requests per second, latency
//! percentiles and errors (any status but 200, or a broken connection).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
}

/// Reads one response; returns its status.
async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    buf.clear();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}

async fn connection(addr: SocketAddr, path: Arc<String>, until: Instant, tally: Arc<Mutex<Tally>>) {
    let mut local = Tally::default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: lab\r\n\r\n");
    let mut buf = Vec::with_capacity(8192);
    'outer: while Instant::now() < until {
        let Ok(mut s) = TcpStream::connect(addr).await else {
            local.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = s.set_nodelay(true);
        while Instant::now() < until {
            let t = Instant::now();
            if s.write_all(request.as_bytes()).await.is_err() {
                local.errors += 1;
                continue 'outer;
            }
            match read_response(&mut s, &mut buf).await {
                Ok(200) => local.latencies.push(t.elapsed()),
                Ok(_) => local.errors += 1,
                Err(_) => {
                    local.errors += 1;
                    continue 'outer;
                }
            }
        }
    }
    let mut all = tally.lock().await;
    all.latencies.extend(local.latencies);
    all.errors += local.errors;
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, path, conns, secs] = args.as_slice() else {
        eprintln!("usage: load ADDR PATH CONNECTIONS SECONDS");
        std::process::exit(2);
    };
    let (Ok(addr), Ok(conns), Ok(secs)) = (addr.parse::<SocketAddr>(), conns.parse::<usize>(), secs.parse::<u64>())
    else {
        eprintln!("usage: load ADDR PATH CONNECTIONS SECONDS");
        std::process::exit(2);
    };
    let path = Arc::new(path.clone());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..conns)
        .map(|_| tokio::spawn(connection(addr, Arc::clone(&path), until, Arc::clone(&tally))))
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed();
    let mut tally = tally.lock().await;
    tally.latencies.sort();
    let n = tally.latencies.len();
    println!(
        "GET {path}: {conns} connections, {:.1} s: {n} ok, {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {} errors",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        percentile(&tally.latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&tally.latencies, 0.99).as_secs_f64() * 1000.0,
        tally.latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        tally.errors
    );
}
