//! `asyncscope-lab`: serves the built app and the lab API on loopback.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use asyncscope_lab::{Config, serve};

const USAGE: &str = "\
usage: asyncscope-lab [--addr IP] [--port N] [--dist DIR] [--max-in-flight N] [--no-api]

Serves the built asyncscope app and its lab API.
  --addr IP            address to bind (default 127.0.0.1)
  --port N             port, 0-65535; 0 picks a free one (default 8080)
  --dist DIR           the built app, trunk's output (default dist)
  --max-in-flight N    API requests at once, 1-100000; more get 503 (default 4096)
  --no-api             serve only the files, as a static host would";

fn parse(args: &[String]) -> Result<(SocketAddr, Config), String> {
    let mut ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port: u16 = 8080;
    let mut config = Config::new(PathBuf::from("dist"));
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--addr" => {
                let v = value("--addr")?;
                ip = v
                    .parse()
                    .map_err(|_| format!("--addr must be an IP address such as 127.0.0.1; got {v:?}"))?;
            }
            "--port" => {
                let v = value("--port")?;
                port = v
                    .parse()
                    .map_err(|_| format!("--port must be a whole number from 0 to 65535; got {v:?}"))?;
            }
            "--dist" => config.dist = PathBuf::from(value("--dist")?),
            "--max-in-flight" => {
                let v = value("--max-in-flight")?;
                config.max_in_flight = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or_else(|| format!("--max-in-flight must be a whole number from 1 to 100000; got {v:?}"))?;
            }
            "--no-api" => config.api = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((SocketAddr::new(ip, port), config))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (addr, config) = match parse(&args) {
        Ok(ok) => ok,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("asyncscope-lab: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !config.dist.join("index.html").is_file() {
        eprintln!(
            "asyncscope-lab: warning: {} has no index.html; build the app first (cargo xtask serve does)",
            config.dist.display()
        );
    }
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("asyncscope-lab: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = listener
        .local_addr()
        .map_or_else(|_| addr.to_string(), |a| a.to_string());
    println!("asyncscope is served at http://{url}/  (Ctrl-C stops it)");
    match serve(listener, &config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("asyncscope-lab: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    println!("asyncscope-lab: shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_parse_with_clear_errors() {
        let (addr, cfg) = parse(&args("--port 9000 --dist out")).expect("valid");
        assert_eq!(addr.to_string(), "127.0.0.1:9000");
        assert_eq!(cfg.dist, PathBuf::from("out"));
        assert_eq!(
            parse(&args("--port 70000")).err().as_deref(),
            Some("--port must be a whole number from 0 to 65535; got \"70000\"")
        );
        assert_eq!(parse(&args("--port")).err().as_deref(), Some("--port needs a value"));
        assert_eq!(
            parse(&args("--bogus")).err().as_deref(),
            Some("unknown argument \"--bogus\"")
        );
    }
}
