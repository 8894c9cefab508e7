//! `cargo xtask soak`: the long reliability checks, not part of `cargo
//! xtask test`. Both run on 127.0.0.1 only and are bounded in time:
//!
//! - cancel under churn (`tests/tests/soak.rs`): run → cancel cycles in
//!   headless Chromium over every demo, each cancelled after a random 0–300
//!   ms; after each, nothing left running or open in the page and nothing
//!   in flight on the lab; the JS heap and the wasm memory at the end
//!   within 1.2× of the start;
//! - the lab soak (`crates/lab/tests/soak.rs`): slow keep-alive clients and
//!   clients that stall mid-request against the lab server as a process;
//!   no error for the well-behaved clients, every slot released, RSS within
//!   2× of the warmed-up server.

use crate::run::{cargo, root, stream};
use crate::serve::build_release;
use crate::tools::{self, Needs};

/// What the soak runs, and how hard.
struct Settings {
    cycles: u64,
    seconds: u64,
    clients: u64,
    stallers: u64,
    seed: u64,
    churn: bool,
    lab: bool,
}

const USAGE: &str =
    "cargo xtask soak [--cycles N] [--seconds S] [--clients N] [--stallers N] [--seed N] [--only churn|lab]";

fn parse(args: &[String]) -> Result<Settings, String> {
    let mut s = Settings {
        cycles: 1000,
        seconds: 60,
        clients: 1000,
        stallers: 100,
        seed: 1,
        churn: true,
        lab: true,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // `--name value` or `--name=value`.
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value\nusage: {USAGE}"))
        };
        let number = |v: String, min: u64, max: u64| {
            v.parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| format!("{name} must be a whole number from {min} to {max}; got {v:?}\nusage: {USAGE}"))
        };
        match name {
            "--cycles" => s.cycles = number(value()?, 1, 1_000_000)?,
            "--seconds" => s.seconds = number(value()?, 1, 86_400)?,
            "--clients" => s.clients = number(value()?, 1, 4000)?,
            "--stallers" => s.stallers = number(value()?, 0, 4000)?,
            "--seed" => s.seed = number(value()?, 1, u64::MAX)?,
            "--only" => match value()?.as_str() {
                "churn" => s.lab = false,
                "lab" => s.churn = false,
                other => return Err(format!("--only must be churn or lab; got {other:?}\nusage: {USAGE}")),
            },
            other => return Err(format!("unknown option {other:?}\nusage: {USAGE}")),
        }
    }
    Ok(s)
}

/// Runs the soaks asked for, then one line per soak with its figures.
pub fn soak(args: &[String]) -> Result<(), String> {
    let s = parse(args)?;
    let tools = tools::setup(if s.churn { Needs::All } else { Needs::Nothing })?;
    let mut lines = Vec::new();
    let mut ok = true;
    if s.churn {
        build_release(&tools)?;
        let o = stream(
            cargo()
                .current_dir(root())
                .args([
                    "test",
                    "-p",
                    "asyncscope-e2e",
                    "--test",
                    "soak",
                    "--",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("PATH", &tools.path)
                .env("ASYNCSCOPE_DIST", root().join("dist"))
                .env("CHROMEDRIVER", &tools.chromedriver)
                .env("ASYNCSCOPE_SOAK_CYCLES", s.cycles.to_string())
                .env("ASYNCSCOPE_SOAK_SEED", s.seed.to_string()),
        );
        ok &= o.ok;
        lines.extend(o.lines.into_iter().filter(|l| l.starts_with("cancel under churn:")));
    }
    if s.lab {
        // The server as it is served: the `native` profile, as the bench.
        let o = stream(
            cargo()
                .current_dir(root())
                .args([
                    "test",
                    "--profile",
                    "native",
                    "-p",
                    "asyncscope-lab",
                    "--test",
                    "soak",
                    "--",
                    "--ignored",
                    "--nocapture",
                ])
                .env("PATH", &tools.path)
                .env("ASYNCSCOPE_SOAK_SECONDS", s.seconds.to_string())
                .env("ASYNCSCOPE_SOAK_CLIENTS", s.clients.to_string())
                .env("ASYNCSCOPE_SOAK_STALLERS", s.stallers.to_string()),
        );
        ok &= o.ok;
        lines.extend(o.lines.into_iter().filter(|l| l.starts_with("lab soak:")));
    }
    lines.dedup();
    println!("\n==== xtask soak: summary ====");
    for l in &lines {
        println!("  {l}");
    }
    if ok {
        Ok(())
    } else {
        Err("the soak failed (see above)".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_in_both_forms_with_their_bounds() {
        let s = parse(&args("--cycles 100 --seconds=15 --only churn")).expect("valid");
        assert_eq!((s.cycles, s.seconds, s.churn, s.lab), (100, 15, true, false));
        let d = parse(&[]).expect("the defaults");
        assert_eq!((d.cycles, d.seconds, d.clients, d.stallers), (1000, 60, 1000, 100));
        for bad in ["--cycles 0", "--cycles x", "--only both", "--verbose", "--seconds"] {
            let e = parse(&args(bad)).err().unwrap_or_default();
            assert!(e.contains("usage: cargo xtask soak"), "{bad}: {e}");
        }
    }
}
