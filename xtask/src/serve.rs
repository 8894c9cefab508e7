//! `cargo xtask serve`: build the app in release mode, then serve it and the
//! lab API on loopback.

use std::net::IpAddr;
use std::process::Command;

use crate::run::{cargo, root};
use crate::tools::{self, Needs, Tools};

/// The pages besides `index.html` (the home page's build, without the
/// demos and the composer), each built apart and copied into `dist/`:
/// `demo.html` (the demos) and `compose.html` (the demos and the composer).
pub const OTHER_PAGES: &[&str] = &["demo.html", "compose.html"];

/// Builds `dist/` with trunk in release mode (wasm-opt from npm binaryen):
/// the home page's build (`index.html`), then each of [`OTHER_PAGES`]
/// beside it, then the home page's pictures ([`pictures`]), then
/// [`precompress`]es it. A first visit downloads only the home page's
/// build; a visitor who never opens the composer never downloads it.
pub fn build_release(tools: &Tools) -> Result<(), String> {
    trunk(tools, &["build", "--release", "--offline"])?;
    let dist = root().join("dist");
    for page in OTHER_PAGES {
        // Trunk empties the directory it builds into: each page is built
        // apart, then copied in (its hashed names are its own).
        let stem = page.trim_end_matches(".html");
        let staged = root().join("target").join(format!("{stem}-dist"));
        let staged_arg = staged.to_string_lossy().into_owned();
        trunk(
            tools,
            &[
                "build",
                page,
                "--release",
                "--offline",
                "--dist",
                &staged_arg,
                "--html-output",
                page,
            ],
        )?;
        for entry in std::fs::read_dir(&staged).map_err(|e| format!("cannot read {}: {e}", staged.display()))? {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", staged.display()))?;
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dist.join(entry.file_name()))
                    .map_err(|e| format!("cannot copy {} into dist/: {e}", entry.path().display()))?;
            }
        }
    }
    pictures(tools)?;
    precompress(tools)
}

/// Writes `dist/pictures.txt`, the home page's pictures of every demo's
/// default run (`asyncscope pictures`, natively: the home page's build has
/// no demo to run).
pub fn pictures(tools: &Tools) -> Result<(), String> {
    let status = cargo()
        .args([
            "run",
            "--quiet",
            "--profile",
            "native",
            "-p",
            "asyncscope",
            "--",
            "pictures",
            "--out",
        ])
        .arg(root().join("dist").join("pictures.txt"))
        .env("PATH", &tools.path)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("drawing the home page's pictures failed ({status})"))
    }
}

fn trunk(tools: &Tools, args: &[&str]) -> Result<(), String> {
    let status = Command::new("trunk")
        .args(args)
        .current_dir(root())
        .env("PATH", &tools.path)
        .status()
        .map_err(|e| format!("cannot run trunk: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`trunk {}` failed", args.join(" ")))
    }
}

/// Writes `X.br` (brotli 11) and `X.gz` (gzip 9) beside each hashed file
/// `X` of `dist/`, which the lab server sends as they are to a browser that
/// accepts them: `asyncscope-lab --precompress`, built with the `native`
/// profile as the server is.
pub fn precompress(tools: &Tools) -> Result<(), String> {
    let status = cargo()
        .args(["run", "--quiet", "--profile", "native", "-p", "asyncscope-lab", "--"])
        .args(["--precompress", "--dist"])
        .arg(root().join("dist"))
        .env("PATH", &tools.path)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("precompressing dist/ failed ({status})"))
    }
}

fn parse(args: &[String]) -> Result<(IpAddr, u16), String> {
    let mut addr: IpAddr = [127, 0, 0, 1].into();
    let mut port: u16 = 8080;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                let v = value?;
                port = v
                    .parse()
                    .map_err(|_| format!("--port must be a whole number from 0 to 65535; got {v:?}"))?;
            }
            "--addr" => {
                let v = value?;
                addr = v
                    .parse()
                    .map_err(|_| format!("--addr must be an IP address such as 127.0.0.1; got {v:?}"))?;
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?}; serve takes --port N and --addr IP"
                ));
            }
        }
    }
    Ok((addr, port))
}

/// Installs what is missing, builds, and serves until Ctrl-C.
pub fn serve(args: &[String]) -> Result<(), String> {
    let (addr, port) = parse(args)?;
    let tools = tools::setup(Needs::Build)?;
    build_release(&tools)?;
    let dist = root().join("dist");
    println!("\nxtask: starting the lab server; the app will be at http://{addr}:{port}/");
    let status = cargo()
        .args(["run", "--quiet", "--profile", "native", "-p", "asyncscope-lab", "--"])
        .args(["--addr", &addr.to_string(), "--port", &port.to_string(), "--dist"])
        .arg(&dist)
        .env("PATH", &tools.path)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the lab server exited with {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn serve_flags() {
        assert_eq!(parse(&[]), Ok(([127, 0, 0, 1].into(), 8080)));
        assert_eq!(parse(&args("--port 9000")), Ok(([127, 0, 0, 1].into(), 9000)));
        assert_eq!(
            parse(&args("--port x")),
            Err("--port must be a whole number from 0 to 65535; got \"x\"".into())
        );
        assert!(parse(&args("--verbose")).is_err());
    }
}
