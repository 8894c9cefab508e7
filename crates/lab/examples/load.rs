//! A small HTTP/1.1 load generator for the lab server (used by
//! `cargo xtask bench`): `load ADDR PATH CONNECTIONS SECONDS`.
//!
//! Each connection (hyper's HTTP/1.1 client) is kept alive and sends its
//! next request as soon as the previous answer, body included, is read. Prints requests per second, latency
//! percentiles and errors (any status but 200, or a broken connection).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Mutex;

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
}

async fn connection(addr: SocketAddr, path: Arc<String>, until: Instant, tally: Arc<Mutex<Tally>>) {
    let mut local = Tally::default();
    'outer: while Instant::now() < until {
        let Ok(stream) = TcpStream::connect(addr).await else {
            local.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
            local.errors += 1;
            continue;
        };
        tokio::spawn(conn);
        while Instant::now() < until {
            let t = Instant::now();
            let Ok(request) = hyper::Request::get(path.as_str())
                .header(hyper::header::HOST, "localhost")
                .body(Empty::<Bytes>::new())
            else {
                local.errors += 1;
                break 'outer;
            };
            let Ok(response) = sender.send_request(request).await else {
                local.errors += 1;
                continue 'outer;
            };
            let status = response.status();
            // The whole body, chunked or not, before the next request.
            if response.into_body().collect().await.is_err() {
                local.errors += 1;
                continue 'outer;
            }
            if status == hyper::StatusCode::OK {
                local.latencies.push(t.elapsed());
            } else {
                local.errors += 1;
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
