//! `cargo xtask`: the project's automation, with no dependencies so that it
//! compiles in seconds on a fresh machine.
//!
//! ```text
//! cargo xtask setup            install the wasm target, pinned tools, browsers and drivers
//! cargo xtask serve [--port N] [--addr IP]
//!                              build the app (release) and serve it with the lab API
//! cargo xtask test [stage]... every check (or those named), in order, with a summary
//! cargo xtask bench [--reps N] [--table]
//!                              asyncscope beside its baselines, as a table (and JSON)
//! cargo xtask soak [--cycles N] [--seconds S] [--clients N] [--stallers N] [--seed N] [--only churn|lab]
//!                              the long reliability checks (not part of test)
//! ```

mod bench;
mod run;
mod serve;
mod soak;
mod test;
mod tools;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

Commands:
  setup               Install what the other commands need and is missing: the
                      wasm32 target, trunk, wasm-bindgen-cli (the version in
                      Cargo.lock), wasm-pack, wasm-opt (npm binaryen), and for
                      tests Chromium, chromedriver, Firefox ESR and geckodriver.
  serve [--port N] [--addr IP]
                      Build the app in release mode and serve it with the lab
                      server's API (default http://127.0.0.1:8080).
  test                Run every check: formatting, architecture, clippy (native
                      and wasm32), native tests, wasm tests in headless Chromium
                      and Firefox, the release build, end-to-end tests. Ends with
                      one summary line per stage; exits non-zero if any failed.
                      `test <stage>...` runs only those stages; format,
                      architecture, clippy-native and native-tests alone
                      install nothing.
  bench [--reps N] [--table]
                      Print asyncscope beside its baselines, measured in the
                      same run (a Yew hello-world built as the app is, plain
                      JavaScript in the app's page in headless Chromium,
                      CPython's asyncio on a virtual clock, the native core):
                      size, start-up, tick lateness, tasks through a limit,
                      main-thread load, the command line, tracing cost; the
                      median and minimum of N alternating repetitions
                      (default 5) and the machine's load, also written to
                      target/bench/latest.json. Then, unless --table, the
                      core's figures, the lab server under 1,000 keep-alive
                      connections and the page at scale. Figures, not
                      pass/fail: it fails only if a figure cannot be measured.
  soak [--cycles N] [--seconds S] [--clients N] [--stallers N] [--seed N] [--only churn|lab]
                      The long reliability checks, on 127.0.0.1 only and
                      bounded in time (not part of `test`): N run -> cancel
                      cycles in headless Chromium over every demo (default
                      1000), cancelled after a random 0-300 ms, checking that
                      nothing is left running, open or in flight and that the
                      JS heap and wasm memory stay within 1.2x; then the lab
                      server under N slow clients (default 1000) and
                      N stalling ones (default 100) for S seconds (default
                      60): no errors, every slot released, RSS within 2x.
  help                This text.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => tools::setup(tools::Needs::All).map(|_| ()),
        Some("serve") => serve::serve(&args[1..]),
        Some("test") => test::test(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("soak") => soak::soak(&args[1..]),
        None | Some("help" | "-h" | "--help") => {
            println!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}
