//! `asyncscope-lab`: serves the built app and the lab API on loopback.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use asyncscope_lab::{Config, serve};
use clap::Parser;

/// Serves the built asyncscope app and its lab API.
#[derive(Debug, Parser)]
#[command(name = "asyncscope-lab", version)]
struct Args {
    /// Address to bind.
    #[arg(long, value_name = "IP", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    addr: IpAddr,
    /// Port, 0-65535; 0 picks a free one.
    #[arg(long, value_name = "N", default_value_t = 8080)]
    port: u16,
    /// The built app, trunk's output.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    dist: PathBuf,
    /// API requests at once, 1-100000; more get 503.
    #[arg(long, value_name = "N", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_in_flight: u32,
    /// Serve only the files, as a static host would.
    #[arg(long)]
    no_api: bool,
    /// Do not serve: write X.br (brotli 11) and X.gz (gzip 9) beside each
    /// hashed file X of --dist, print their sizes, and exit.
    #[arg(long)]
    precompress: bool,
}

impl Args {
    fn into_parts(self) -> (SocketAddr, Config) {
        let mut config = Config::new(self.dist);
        config.max_in_flight = self.max_in_flight as usize;
        config.api = !self.no_api;
        (SocketAddr::new(self.addr, self.port), config)
    }
}

/// `--precompress`: the variants of `dist`'s hashed files, and a line each.
fn precompress(dist: &std::path::Path) -> ExitCode {
    match asyncscope_lab::precompress::precompress_dir(dist) {
        Ok(done) => {
            let kb = |n: Option<u64>| n.map_or("not smaller".to_string(), |n| format!("{:.1} KB", n as f64 / 1000.0));
            for file in &done {
                println!(
                    "{}: {:.1} KB, brotli 11 {}, gzip 9 {}",
                    file.path.strip_prefix(dist).unwrap_or(&file.path).display(),
                    file.raw as f64 / 1000.0,
                    kb(file.br),
                    kb(file.gz),
                );
            }
            println!(
                "asyncscope-lab: precompressed {} hashed files in {}",
                done.len(),
                dist.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("asyncscope-lab: cannot precompress {}: {e}", dist.display());
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.precompress {
        return precompress(&args.dist);
    }
    let (addr, config) = args.into_parts();
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

    fn parse(s: &str) -> Result<(SocketAddr, Config), String> {
        Args::try_parse_from(std::iter::once("asyncscope-lab").chain(s.split_whitespace()))
            .map(Args::into_parts)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn flags_parse_with_clear_errors() {
        let (addr, cfg) = parse("--port 9000 --dist out --max-in-flight 5 --no-api").expect("valid");
        assert_eq!(addr.to_string(), "127.0.0.1:9000");
        assert_eq!((cfg.dist, cfg.max_in_flight, cfg.api), (PathBuf::from("out"), 5, false));
        let err = parse("--port 70000").expect_err("out of range");
        assert!(err.contains("70000") && err.contains("0..=65535"), "{err}");
        let err = parse("--max-in-flight 0").expect_err("out of range");
        assert!(err.contains("1..=100000"), "{err}");
        assert!(parse("--port").expect_err("no value").contains("--port"));
        assert!(parse("--bogus").expect_err("unknown").contains("--bogus"));
    }

    #[test]
    fn the_help_names_every_flag() {
        let help = <Args as clap::CommandFactory>::command().render_long_help().to_string();
        for flag in [
            "--addr",
            "--port",
            "--dist",
            "--max-in-flight",
            "--no-api",
            "--precompress",
        ] {
            assert!(help.contains(flag), "{flag} missing from:\n{help}");
        }
    }
}
