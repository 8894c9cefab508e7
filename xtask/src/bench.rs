//! `cargo xtask bench`: the project's benchmarks, with their figures.
//! Speed goals live here, not in pass/fail tests.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::run::{cargo, root, stream};

/// Runs the core's benchmark (trace recording rate, the virtual executor on
/// big scenarios, tracing on versus off), then loads the lab server with
/// 1,000 keep-alive connections against `/api/delay/0` and
/// `/api/delay/1000`. Everything is built with the `native` profile.
pub fn bench(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("bench takes no arguments; got {extra:?}"));
    }
    let out = stream(cargo().current_dir(root()).args([
        "run",
        "--quiet",
        "--profile",
        "native",
        "-p",
        "asyncscope-core",
        "--example",
        "bench",
    ]));
    if !out.ok {
        return Err("the core benchmark failed".to_string());
    }
    lab_load()?;
    crate::test::page_scale()
}

fn lab_load() -> Result<(), String> {
    let built = stream(cargo().current_dir(root()).args([
        "build",
        "--quiet",
        "--profile",
        "native",
        "-p",
        "asyncscope-lab",
        "--bin",
        "asyncscope-lab",
        "--example",
        "load",
    ]));
    if !built.ok {
        return Err("building the lab server and its load generator failed".to_string());
    }
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))?;
    let target = root().join("target/native");
    let mut lab = Command::new(target.join("asyncscope-lab"))
        .args(["--port", &port.to_string(), "--dist", "target/no-dist"])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the lab server: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        if Instant::now() > deadline {
            let _ = lab.kill();
            return Err("the lab server did not listen within 10 s".to_string());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let addr = format!("127.0.0.1:{port}");
    let mut ok = true;
    for path in ["/api/delay/0", "/api/delay/1000"] {
        let out = stream(Command::new(target.join("examples/load")).args([addr.as_str(), path, "1000", "10"]));
        ok &= out.ok;
    }
    let _ = lab.kill();
    let _ = lab.wait();
    if ok {
        Ok(())
    } else {
        Err("the load generator failed".to_string())
    }
}
