//! `cargo xtask bench`: the project's benchmarks, with their figures.
//! Speed goals live here, not in pass/fail tests.

use crate::run::{cargo, root, stream};

/// Runs the core's benchmark (trace recording rate, the virtual executor on
/// big scenarios, tracing on versus off), built with the `native` profile.
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
    if out.ok {
        Ok(())
    } else {
        Err("the core benchmark failed".to_string())
    }
}
