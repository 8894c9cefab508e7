//! Installing what the commands need, once: a second run installs nothing.
//!
//! Versions are pinned where the toolchain requires it (see README):
//! trunk 0.21.14 (0.22 needs a newer rustc), wasm-bindgen-cli at exactly the
//! `wasm-bindgen` version in Cargo.lock, wasm-pack 0.15.1, wasm-opt from npm
//! `binaryen@132` (Debian's binaryen cannot read what rustc 1.95 emits).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use crate::run::{capture, root, stream};

const TRUNK: &str = "0.21.14";
const WASM_PACK: &str = "0.15.1";
const GECKODRIVER: &str = "0.37.1";
const BINARYEN: &str = "132";

/// What a command needs installed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing beyond cargo: the stages that only format, lint natively,
    /// read the dependency tree or run native tests.
    Nothing,
    /// Building the app: target, trunk, wasm-bindgen-cli, wasm-opt.
    Build,
    /// Everything, tests included: also wasm-pack, browsers and drivers.
    All,
}

/// Where the installed tools are.
pub struct Tools {
    /// `PATH` for child processes: wasm-opt and cargo's bin first.
    pub path: OsString,
    /// chromedriver, when tests need it.
    pub chromedriver: PathBuf,
    /// geckodriver, when tests need it.
    pub geckodriver: PathBuf,
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from)
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map_or_else(|| home().join(".cargo"), PathBuf::from)
        .join("bin")
}

/// Where npm-installed tools live, outside the clone so that they outlast it.
fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map_or_else(|| home().join(".cache"), PathBuf::from)
        .join("asyncscope")
}

fn wasm_opt_dir() -> PathBuf {
    cache_dir().join("npm/node_modules/.bin")
}

/// The PATH every child gets: wasm-opt (npm binaryen) and cargo's bin first.
pub fn path_env() -> OsString {
    let mut dirs = vec![wasm_opt_dir(), cargo_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

fn version_of(program: &str) -> Option<String> {
    capture(Command::new(program).arg("--version").env("PATH", path_env()))
}

/// The `wasm-bindgen` version pinned in Cargo.lock.
pub fn locked_wasm_bindgen() -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    Err("Cargo.lock names no wasm-bindgen version".into())
}

fn step(what: &str) {
    println!("\nxtask: {what}");
}

fn ensure_target() -> Result<(), String> {
    let installed = capture(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target (seconds)");
    if stream(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"])).ok {
        Ok(())
    } else {
        Err("`rustup target add wasm32-unknown-unknown` failed".into())
    }
}

/// Installs `krate` at `version` with cargo unless `bin --version` already says so.
fn ensure_cargo_tool(bin: &str, krate: &str, version: &str, locked: bool, minutes: &str) -> Result<(), String> {
    if version_of(bin).is_some_and(|v| v.split_whitespace().any(|w| w == version)) {
        return Ok(());
    }
    step(&format!(
        "installing {krate} {version} with cargo (about {minutes} on 2 cores; once)"
    ));
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(["install", krate, "--version", version]);
    if locked {
        cmd.arg("--locked");
    }
    if stream(&mut cmd).ok {
        Ok(())
    } else {
        Err(format!("`cargo install {krate} --version {version}` failed"))
    }
}

fn ensure_wasm_opt() -> Result<(), String> {
    let bin = wasm_opt_dir().join("wasm-opt");
    if capture(Command::new(&bin).arg("--version")).is_some_and(|v| v.contains(&format!("version {BINARYEN}"))) {
        return Ok(());
    }
    step(&format!("installing wasm-opt from npm binaryen@{BINARYEN} (seconds)"));
    let prefix = cache_dir().join("npm");
    std::fs::create_dir_all(&prefix).map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let ok = stream(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("binaryen@{BINARYEN}")),
    )
    .ok;
    if ok && bin.is_file() {
        Ok(())
    } else {
        Err(format!(
            "`npm install binaryen@{BINARYEN}` did not provide {}",
            bin.display()
        ))
    }
}

fn is_root() -> bool {
    capture(Command::new("id").arg("-u")).is_some_and(|u| u == "0")
}

fn ensure_browsers() -> Result<(), String> {
    let wanted = [
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
        ("/usr/bin/firefox-esr", "firefox-esr"),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(p, _)| !PathBuf::from(p).exists())
        .map(|(_, pkg)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let command = format!("apt-get install -y {}", missing.join(" "));
    if !is_root() {
        return Err(format!(
            "the tests need {}; install them with:\n    sudo apt-get update && sudo {command}",
            missing.join(", ")
        ));
    }
    step(&format!(
        "installing {} with apt-get (about 2-3 minutes)",
        missing.join(", ")
    ));
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    if !stream(Command::new("apt-get").arg("update").envs(env)).ok {
        return Err("`apt-get update` failed".into());
    }
    let mut install = Command::new("apt-get");
    install.args(["install", "-y"]).args(&missing).envs(env);
    if stream(&mut install).ok {
        Ok(())
    } else {
        Err(format!("`{command}` failed"))
    }
}

/// Installs what is missing for `needs`, and says where things are.
pub fn setup(needs: Needs) -> Result<Tools, String> {
    if needs == Needs::Nothing {
        return Ok(Tools {
            path: path_env(),
            chromedriver: PathBuf::from("/usr/bin/chromedriver"),
            geckodriver: cargo_bin().join("geckodriver"),
        });
    }
    ensure_target()?;
    let bindgen = locked_wasm_bindgen()?;
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &bindgen, false, "6 minutes")?;
    ensure_wasm_opt()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK, true, "12 minutes")?;
    if needs == Needs::All {
        ensure_cargo_tool("wasm-pack", "wasm-pack", WASM_PACK, true, "3 minutes")?;
        ensure_browsers()?;
        ensure_cargo_tool("geckodriver", "geckodriver", GECKODRIVER, false, "2 minutes")?;
    }
    Ok(Tools {
        path: path_env(),
        chromedriver: PathBuf::from("/usr/bin/chromedriver"),
        geckodriver: cargo_bin().join("geckodriver"),
    })
}
