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
/// beside it, then the home page's pictures ([`pictures`]) and the
/// demos' texts ([`texts`]), then
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
    texts(tools)?;
    precompress(tools)
}

/// Writes each demo's texts into `dist/` (`asyncscope texts`,
/// `texts-<slug>-<hash>.json`): the demo pages' build loads a demo's when
/// it opens, rather than carrying them all.
pub fn texts(tools: &Tools) -> Result<(), String> {
    let dist = root().join("dist");
    run_native(
        tools,
        "asyncscope",
        &["texts".as_ref(), "--out-dir".as_ref(), dist.as_os_str()],
    )
    .map_err(|e| format!("writing the demos' texts failed ({e})"))
}

/// Writes `dist/pictures.txt`, the home page's pictures of every demo's
/// default run (`asyncscope pictures`, natively: the home page's build has
/// no demo to run).
pub fn pictures(tools: &Tools) -> Result<(), String> {
    let out = root().join("dist").join("pictures.txt");
    run_native(
        tools,
        "asyncscope",
        &["pictures".as_ref(), "--out".as_ref(), out.as_os_str()],
    )
    .map_err(|e| format!("drawing the home page's pictures failed ({e})"))
}

/// Runs the workspace's binary `package` with `args`, built with the
/// optimized `native` profile, and says how it failed if it did.
fn run_native(tools: &Tools, package: &str, args: &[&std::ffi::OsStr]) -> Result<(), String> {
    let status = cargo()
        .args(["run", "--quiet", "--profile", "native", "-p", package, "--"])
        .args(args)
        .env("PATH", &tools.path)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(status.to_string())
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
    let dist = root().join("dist");
    run_native(
        tools,
        "asyncscope-lab",
        &["--precompress".as_ref(), "--dist".as_ref(), dist.as_os_str()],
    )
    .map_err(|e| format!("precompressing dist/ failed ({e})"))
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
    let (addr, port) = (addr.to_string(), port.to_string());
    let args = [
        "--addr".as_ref(),
        addr.as_ref(),
        "--port".as_ref(),
        port.as_ref(),
        "--dist".as_ref(),
        dist.as_os_str(),
    ];
    run_native(&tools, "asyncscope-lab", &args).map_err(|e| format!("the lab server exited with {e}"))
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
