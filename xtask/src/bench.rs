//! `cargo xtask bench`: the project's benchmarks, with their figures.
//! Speed goals live here, not in pass/fail tests: the bench reports them
//! and fails only when a figure cannot be measured.
//!
//! Its table (issue 15) puts each figure of asyncscope beside a baseline
//! measured in the same run: a Yew hello-world built as the app is
//! (`benches/hello`), plain JavaScript in the app's own page
//! (`benches/page/bench.js`), CPython's asyncio on a virtual clock, the
//! native core. Timed rows alternate asyncscope and its baseline `--reps`
//! times (5 by default) and show the median and the minimum. The
//! same figures, with every sample and the machine's load, go to
//! `target/bench/bench-<time>.json` and `target/bench/latest.json`.

mod json;
mod table;

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use json::{Json, to_json, write_json};
use table::{ROWS, Table, Unit, loadavg, print_table, show_load};

use crate::run::{capture, cargo, root, stream};
use crate::serve::build_release;
use crate::tools::{self, Needs, Tools};

/// Repetitions of each timed row unless `--reps` says otherwise.
const REPS: usize = 5;

/// The fewest and the most repetitions `--reps` takes: a row's minimum and
/// median mean something from 5 alternating repetitions on.
const REPS_RANGE: std::ops::RangeInclusive<usize> = 5..=100;

/// `cargo xtask bench [--reps N] [--table]`.
struct Options {
    reps: usize,
    table_only: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        reps: REPS,
        table_only: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reps" => {
                let v = it.next().ok_or("--reps needs a value")?;
                o.reps = v
                    .parse()
                    .ok()
                    .filter(|n| REPS_RANGE.contains(n))
                    .ok_or_else(|| {
                        format!(
                            "--reps must be a whole number from {} to {} (a minimum and a median need at least {} alternating repetitions); got {v:?}",
                            REPS_RANGE.start(),
                            REPS_RANGE.end(),
                            REPS_RANGE.start()
                        )
                    })?;
            }
            "--table" => o.table_only = true,
            other => {
                return Err(format!(
                    "unknown argument {other:?}; bench takes --reps N (default {REPS}) and --table (the table only)"
                ));
            }
        }
    }
    Ok(o)
}

/// Builds everything first, so that no measurement shares the machine with
/// a compiler; then measures the table's rows, then (unless `--table`) the
/// figures already at goal: the lab server under load and the page at
/// scale. Prints the table last and writes it as JSON.
pub fn bench(args: &[String]) -> Result<(), String> {
    let opts = parse(args)?;
    let tools = tools::setup(Needs::All)?;
    let started = SystemTime::now();
    let load_start = loadavg();
    println!("\nxtask bench: load at start {}", show_load(load_start));
    let mut table = Table::new();

    println!("\nxtask bench: building the app, the baseline page and the native tools");
    build_release(&tools)?;
    let hello = build_hello(&tools);
    if let Err(e) = &hello {
        for key in ["first_visit_br", "wasm_raw", "nav_first_dom", "inst_first_dom"] {
            table.fail(key, e);
        }
    }
    let built = stream(cargo().env("PATH", &tools.path).args([
        "build",
        "--quiet",
        "--profile",
        CORE_PROFILE,
        "-p",
        "asyncscope-core",
        "--example",
        "bench",
    ]))
    .ok && stream(cargo().env("PATH", &tools.path).args([
        "build",
        "--quiet",
        "--profile",
        "native",
        "-p",
        "asyncscope",
        "--bin",
        "asyncscope",
    ]))
    .ok;
    if !built {
        return Err("building the core benchmark and the command line failed".into());
    }
    let sizes_built = stream(
        cargo()
            .env("PATH", &tools.path)
            .args(["build", "--quiet", "--profile", "native", "--manifest-path"])
            .arg(root().join("benches/Cargo.toml"))
            .args(["-p", "bench-sizes", "--target-dir"])
            .arg(target_dir()),
    )
    .ok;
    let page_built = stream(scale_test(&tools).arg("--no-run")).ok;

    println!("\nxtask bench: sizes");
    if sizes_built {
        sizes(&mut table, hello.as_deref().ok());
    } else {
        table.fail("first_visit_br", "the brotli helper (benches/sizes) did not build");
        table.fail("wasm_raw", "the brotli helper (benches/sizes) did not build");
    }
    println!("\nxtask bench: the core benchmark, {} times", opts.reps);
    core_bench(&mut table, opts.reps);
    println!(
        "\nxtask bench: the command line against CPython, {} times each",
        opts.reps
    );
    cli_vs_cpython(&mut table, opts.reps);
    println!("\nxtask bench: the page in headless Chromium, {} times each", opts.reps);
    if page_built {
        page(&mut table, &tools, opts.reps, hello.as_deref().ok());
    } else {
        page_failed(&mut table, "the page benchmark (tests/tests/scale.rs) did not build");
    }

    let mut extras = Ok(());
    if !opts.table_only {
        println!("\nxtask bench: figures already at goal (not in the table)");
        let out = stream(cargo().current_dir(root()).env("GLIBC_TUNABLES", STEADY_HEAP).args([
            "run",
            "--quiet",
            "--profile",
            CORE_PROFILE,
            "-p",
            "asyncscope-core",
            "--example",
            "bench",
        ]));
        if !out.ok {
            extras = Err("the core benchmark failed".to_string());
        }
        extras = extras.and(lab_load()).and(crate::test::page_scale());
    }

    let load_end = loadavg();
    print_table(&table, opts.reps, load_start, load_end);
    let json = to_json(&table, opts.reps, started, load_start, load_end);
    match write_json(&json, started) {
        Ok(path) => println!("xtask bench: written to {}", path.display()),
        Err(e) => return Err(format!("cannot write the bench's JSON: {e}")),
    }
    let failed: Vec<&str> = ROWS
        .iter()
        .zip(&table.rows)
        .filter(|(_, f)| matches!(f.missing, Some((false, _))))
        .map(|(r, _)| r.key)
        .collect();
    extras?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("not measured: {} (see the table)", failed.join(", ")))
    }
}

/// Where cargo builds: `$CARGO_TARGET_DIR`, or `target/` at the root.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn bench_dir() -> PathBuf {
    target_dir().join("bench")
}

/// The `[profile.release]` settings of the workspace, as the
/// `CARGO_PROFILE_RELEASE_*` variables that impose them on another build.
fn release_profile_env() -> Result<Vec<(String, String)>, String> {
    let manifest = root().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let vars: Vec<(String, String)> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .skip_while(|l| *l != "[profile.release]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let key = k.trim().to_uppercase().replace('-', "_");
            (
                format!("CARGO_PROFILE_RELEASE_{key}"),
                v.trim().trim_matches('"').to_string(),
            )
        })
        .collect();
    if vars.is_empty() {
        Err("the workspace's Cargo.toml has no [profile.release]".into())
    } else {
        Ok(vars)
    }
}

/// The `data-wasm-opt` level of an `index.html` (trunk's wasm-opt flag).
fn wasm_opt_level(html: &Path) -> Option<String> {
    let text = std::fs::read_to_string(html).ok()?;
    let at = text.find("data-wasm-opt=\"")? + "data-wasm-opt=\"".len();
    text[at..].split('"').next().map(str::to_string)
}

/// Builds the hello-world baseline with trunk as the app is built: the
/// workspace's release profile (imposed through cargo's environment, so
/// the two cannot drift apart) and the app's wasm-opt level (checked),
/// into `target/bench/hello`, precompressed as `dist/` is.
fn build_hello(tools: &Tools) -> Result<PathBuf, String> {
    let profile = release_profile_env()?;
    let (ours, theirs) = (
        wasm_opt_level(&root().join("index.html")),
        wasm_opt_level(&root().join("benches/hello/index.html")),
    );
    if ours != theirs {
        return Err(format!(
            "benches/hello/index.html's data-wasm-opt ({theirs:?}) differs from the app's ({ours:?}): \
             the hello-world would not be built as the app is"
        ));
    }
    let dist = bench_dir().join("hello");
    let ok = stream(
        Command::new("trunk")
            .args(["build", "--release", "--offline", "--dist"])
            .arg(&dist)
            .current_dir(root().join("benches/hello"))
            .env("PATH", &tools.path)
            .env("CARGO_TARGET_DIR", target_dir())
            .envs(profile),
    )
    .ok;
    if !ok || !dist.join("index.html").is_file() {
        return Err("building the hello-world (benches/hello) with trunk failed".into());
    }
    // Served as the app's dist/ is: precompressed by the lab server itself.
    let precompressed = stream(
        cargo()
            .args(["run", "--quiet", "--profile", "native", "-p", "asyncscope-lab", "--"])
            .args(["--precompress", "--dist"])
            .arg(&dist)
            .env("PATH", &tools.path),
    )
    .ok;
    if precompressed {
        Ok(dist)
    } else {
        Err("precompressing the hello-world's dist with asyncscope-lab --precompress failed".into())
    }
}

/// The `.wasm` and `.js` files a first visit of a trunk `dist/` downloads:
/// those its `index.html` loads (the composer's page, `compose.html`, loads
/// its own, which a first visit does not).
fn shipped(dist: &Path) -> Vec<PathBuf> {
    let html = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let mut files: Vec<PathBuf> = crate::test::loaded_by(&html)
        .into_iter()
        .map(|name| dist.join(name))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Raw, brotli 11 and gzip 9 sizes of the app's and the hello-world's wasm
/// and JS (what a first visit downloads besides HTML and CSS).
fn sizes(table: &mut Table, hello: Option<&Path>) {
    let helper = target_dir().join("native/bench-sizes");
    let mut extra = Vec::new();
    for (side, dist) in [
        ("asyncscope", Some(root().join("dist"))),
        ("baseline", hello.map(Path::to_path_buf)),
    ] {
        let Some(dist) = dist else { continue };
        let files = shipped(&dist);
        if files.is_empty() {
            table.fail("first_visit_br", &format!("{} has no wasm or JS", dist.display()));
            table.fail("wasm_raw", &format!("{} has no wasm or JS", dist.display()));
            continue;
        }
        let Some(out) = capture(Command::new(&helper).args(&files)) else {
            table.fail("first_visit_br", "the brotli helper failed");
            table.fail("wasm_raw", "the brotli helper failed");
            continue;
        };
        let (mut br, mut wasm_raw) = (0.0, 0.0);
        for line in out.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let ["size", raw, b, gz, path] = f[..] {
                let (raw, b, gz): (f64, f64, f64) = (
                    raw.parse().unwrap_or(f64::NAN),
                    b.parse().unwrap_or(f64::NAN),
                    gz.parse().unwrap_or(f64::NAN),
                );
                br += b;
                if path.ends_with(".wasm") {
                    wasm_raw += raw;
                }
                let name = Path::new(path).file_name().map_or(path.into(), |n| n.to_string_lossy());
                println!(
                    "  {side:<10} {name:<48} raw {:>10}  brotli 11 {:>10}  gzip 9 {:>10}",
                    Unit::Kb.show(raw),
                    Unit::Kb.show(b),
                    Unit::Kb.show(gz)
                );
                extra.push(Json::obj([
                    ("side", Json::str(side)),
                    ("file", Json::str(&name)),
                    ("raw", Json::Num(raw)),
                    ("brotli11", Json::Num(b)),
                    ("gzip9", Json::Num(gz)),
                ]));
            }
        }
        if side == "asyncscope" {
            table.ours("first_visit_br", br);
            table.ours("wasm_raw", wasm_raw);
        } else {
            table.base("first_visit_br", br);
            table.base("wasm_raw", wasm_raw);
        }
    }
    table.note("first_visit_br", "sizes are exact: measured once, not repeated");
    table.extra.push(("sizes".into(), Json::Arr(extra)));
}

/// Reads a `Duration` as `{:?}` prints it (`35.1ms`, `1.2s`, `900µs`) in ms.
fn debug_ms(s: &str) -> Option<f64> {
    let units = [("ns", 1e-6), ("µs", 1e-3), ("us", 1e-3), ("ms", 1.0), ("s", 1000.0)];
    units
        .iter()
        .find_map(|(u, f)| s.strip_suffix(u).and_then(|n| n.parse::<f64>().ok()).map(|n| n * f))
}

/// The 10,000-task semaphore run of the core bench: traced and untraced
/// times (ms) and the events recorded.
fn parse_core_bench(out: &str) -> Option<(f64, f64, f64)> {
    let mut traced = None;
    let mut untraced = None;
    for line in out.lines().filter(|l| l.starts_with("semaphore 10000 tasks / 100")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let after = |w: &str| words.iter().position(|x| *x == w).and_then(|i| words.get(i + 1));
        if let Some(t) = after("traced").and_then(|t| debug_ms(t)) {
            let events = line
                .split_once('(')
                .and_then(|(_, r)| r.split_whitespace().next())
                .and_then(|n| n.parse::<f64>().ok())?;
            traced = Some((t, events));
        } else if let Some(t) = after("untraced").and_then(|t| debug_ms(t)) {
            untraced = Some(t);
        }
    }
    let ((t, events), u) = (traced?, untraced?);
    Some((t, u, events))
}

/// The core bench's analyses of the 10,000-task trace: its warnings, one
/// waits pass and its wake edges, summed (ms).
fn parse_core_analyses(out: &str) -> Option<f64> {
    let heads = [
        "warnings of that trace",
        "waits, one pass over that trace",
        "wake edges of that trace",
    ];
    let mut sum = 0.0;
    for head in heads {
        let line = out.lines().find(|l| l.starts_with(head))?;
        sum += debug_ms(line[head.len()..].split_whitespace().next()?)?;
    }
    Some(sum)
}

/// glibc's heap kept as the wasm app's memory is, for the core's
/// benchmark: never given back to the system (no trimming), and its big
/// buffers taken from the heap rather than mapped afresh. Otherwise a
/// run's time depends on whether the run before happened to give its pages
/// back (the next then faults them in again): with the trace's buffer
/// freed at the top of the heap or not, the same code measured 30 or
/// 80 ns per event.
const STEADY_HEAP: &str = "glibc.malloc.trim_threshold=4000000000:glibc.malloc.mmap_threshold=33554432";

/// The profile the core's benchmark is built with: the native one with
/// whole-program LTO and one codegen unit, as the wasm app is built.
const CORE_PROFILE: &str = "native-lto";

/// Runs the core's benchmark `reps` times: tracing on versus off (each run
/// of it is already the median of 7), and the native time of the run the
/// page makes in virtual time.
fn core_bench(table: &mut Table, reps: usize) {
    let bin = target_dir().join(CORE_PROFILE).join("examples/bench");
    for rep in 0..reps {
        let out = capture(Command::new(&bin).env("GLIBC_TUNABLES", STEADY_HEAP));
        let Some((traced, untraced, events)) = out.as_deref().and_then(parse_core_bench) else {
            let why = if out.is_none() {
                "the core benchmark failed"
            } else {
                "the core benchmark printed no 'semaphore 10000 tasks / 100' traced and untraced lines"
            };
            for key in ["trace_traced", "trace_ns", "virtual10k_longest", "virtual10k_drawn"] {
                table.fail(key, why);
            }
            return;
        };
        println!(
            "  {}/{reps}: traced {traced:.1} ms, untraced {untraced:.1} ms, {events} events",
            rep + 1
        );
        table.ours("trace_traced", traced);
        table.base("trace_traced", untraced);
        table.ours("trace_ns", (traced - untraced) * 1e6 / events.max(1.0));
        table.base("virtual10k_longest", traced);
        table.base("virtual10k_drawn", traced);
        match out.as_deref().and_then(parse_core_analyses) {
            Some(ms) => table.base("analyses_page", ms),
            None => table.fail("analyses_page", "the core benchmark printed no analyses lines"),
        }
    }
    table.note(
        "trace_traced",
        "each run of the core bench is itself the median of 7 traced and 7 untraced runs, taken in turn; per event = (traced − untraced) / events; built with the app's whole-program LTO (profile native-lto), glibc's heap never trimmed, as wasm memory is never given back",
    );
}

/// Runs `cmd` with its standard output in `out`; the wall time in seconds.
fn timed(cmd: &mut Command, out: &Path) -> Result<f64, String> {
    let file = File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let t = Instant::now();
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    let secs = t.elapsed().as_secs_f64();
    if status.success() {
        Ok(secs)
    } else {
        Err(format!("{:?} exited with {status}", cmd.get_program()))
    }
}

/// The command line's JSON of 10,000 tasks through a semaphore of 100
/// against CPython's asyncio running the same scenario on a virtual clock
/// (`crates/core/tests/composer/cpython_virtual.py`, which also records
/// every task and prints them as JSON), whole processes, alternating.
fn cli_vs_cpython(table: &mut Table, reps: usize) {
    let dir = bench_dir();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        table.fail("cli_json", &format!("cannot create {}: {e}", dir.display()));
        return;
    }
    let cli = target_dir().join("native/asyncscope");
    let cli_args = [
        "run",
        "semaphore",
        "--set",
        "tasks=10000",
        "--set",
        "limit=100",
        "--set",
        "duration_ms=1000",
        "--format",
        "json",
    ];
    let cli_out = dir.join("cli-semaphore.json");
    let py_out = dir.join("cpython-semaphore.json");
    let runner = root().join("crates/core/tests/composer/cpython_virtual.py");
    let program = root().join("benches/semaphore.py");
    let python = capture(Command::new("python3").arg("--version"));
    let mut py = Command::new("python3");
    py.arg(&runner).arg(&program);
    let has_python = python.is_some() && runner.is_file();
    // One untimed run of each first: both read their files from the page
    // cache from then on.
    if let Err(e) = timed(Command::new(&cli).args(cli_args), &cli_out) {
        table.fail("cli_json", &e);
        return;
    }
    if has_python && let Err(e) = timed(&mut py, &py_out) {
        table.fail("cli_json", &format!("CPython: {e}"));
        return;
    }
    for rep in 0..reps {
        match timed(Command::new(&cli).args(cli_args), &cli_out) {
            Ok(s) => table.ours("cli_json", s),
            Err(e) => return table.fail("cli_json", &e),
        }
        if has_python {
            match timed(&mut py, &py_out) {
                Ok(s) => table.base("cli_json", s),
                Err(e) => return table.fail("cli_json", &format!("CPython: {e}")),
            }
            let printed = std::fs::read_to_string(&py_out).unwrap_or_default();
            if !printed.ends_with("\"error\": null}") {
                return table.fail("cli_json", "CPython's run of benches/semaphore.py did not end cleanly");
            }
        }
        let f = &table.row("cli_json");
        println!(
            "  {}/{reps}: command line {}, CPython {}",
            rep + 1,
            f.ours.last().map_or("—".into(), |s| Unit::Seconds.show(*s)),
            f.base.last().map_or("—".into(), |s| Unit::Seconds.show(*s))
        );
    }
    let bytes = std::fs::metadata(&cli_out).map_or(0, |m| m.len());
    let note = match (&python, runner.is_file()) {
        (Some(v), true) => format!(
            "whole processes, output to a file ({} of JSON); {v}",
            Unit::Kb.show(bytes as f64)
        ),
        (None, _) => {
            table.skip("cli_json", "python3 is not installed: no CPython baseline");
            "python3 is not installed: no CPython baseline".to_string()
        }
        (_, false) => {
            table.skip("cli_json", "crates/core/tests/composer/cpython_virtual.py is missing");
            "no CPython baseline".to_string()
        }
    };
    table.note("cli_json", &note);
}

/// Rows the page benchmark fills.
const PAGE_ROWS: &[&str] = &[
    "nav_first_dom",
    "inst_first_dom",
    "tick_p95",
    "tick_worst",
    "tasks10k_ms",
    "tasks10k_long",
    "tasks10k_fps",
    "tasks1k_ms",
    "tasks1k_long",
    "tasks1k_fps",
    "scaling",
    "idle_busy",
    "idle_cpu",
    "virtual10k_longest",
    "virtual10k_drawn",
    "analyses_page",
    "catalog_long",
];

fn page_failed(table: &mut Table, why: &str) {
    for key in PAGE_ROWS {
        table.fail(key, why);
    }
}

/// `cargo test` of the end-to-end `scale` tests, built with the native
/// profile (so the lab server that serves the pages is optimised): what
/// the benchmark builds first and runs later.
fn scale_test(tools: &Tools) -> Command {
    let mut cmd = cargo();
    cmd.env("PATH", &tools.path).args([
        "test",
        "--quiet",
        "--profile",
        "native",
        "-p",
        "asyncscope-e2e",
        "--test",
        "scale",
    ]);
    cmd
}

/// The page's rows: `tests/tests/scale.rs`'s `table::bench_table_samples`
/// in headless Chromium, which prints one line per sample.
fn page(table: &mut Table, tools: &Tools, reps: usize, hello: Option<&Path>) {
    let mut cmd = scale_test(tools);
    cmd.args([
        "--",
        "--ignored",
        "--nocapture",
        "--exact",
        "table::bench_table_samples",
    ])
    .env("ASYNCSCOPE_DIST", root().join("dist"))
    .env("CHROMEDRIVER", &tools.chromedriver)
    .env("ASYNCSCOPE_BENCH_TABLE", "1")
    .env("ASYNCSCOPE_BENCH_REPS", reps.to_string());
    if let Some(h) = hello {
        cmd.env("ASYNCSCOPE_BENCH_HELLO", h);
    }
    let out = stream(&mut cmd);
    let mut seen = false;
    for line in &out.lines {
        match line.split('\t').collect::<Vec<_>>()[..] {
            ["bench-sample", row, side, value] => {
                let Ok(v) = value.parse::<f64>() else { continue };
                seen = true;
                if side == "asyncscope" {
                    table.ours(row, v);
                } else {
                    table.base(row, v);
                }
            }
            ["bench-skip", row, why] => table.fail(row, why),
            _ => {}
        }
    }
    if !seen {
        page_failed(table, "the page benchmark failed (see its output above)");
    }
    // A row short of its repetitions (the run stopped half way) is not
    // measured; the baselines of the virtual run come from the core bench.
    let why = if out.ok {
        "fewer samples than repetitions"
    } else {
        "the page benchmark stopped before this row was done (see its output above)"
    };
    for key in PAGE_ROWS.iter().filter(|k| **k != "scaling") {
        let row = table.row(key);
        // The catalog is gone through once (38 runs): one sample, no baseline.
        let (wanted, baseline) = if *key == "catalog_long" {
            (1, false)
        } else {
            (reps, true)
        };
        let short = row.ours.len() < wanted || (baseline && !key.starts_with("virtual") && row.base.len() < reps);
        if short {
            table.fail(key, why);
        }
    }
    // Scaling, repetition by repetition: 10,000 tasks' time over 1,000's.
    let per_rep = |big: &[f64], small: &[f64]| -> Vec<f64> {
        big.iter()
            .zip(small)
            .filter(|(_, s)| **s > 0.0)
            .map(|(b, s)| b / s)
            .collect()
    };
    let (big, small) = (
        &table.row("tasks10k_ms").ours.clone(),
        &table.row("tasks1k_ms").ours.clone(),
    );
    table.row("scaling").ours = per_rep(big, small);
    let (big, small) = (
        &table.row("tasks10k_ms").base.clone(),
        &table.row("tasks1k_ms").base.clone(),
    );
    table.row("scaling").base = per_rep(big, small);
    for key in ["tasks10k_ms", "tasks1k_ms"] {
        if let Some((false, why)) = &table.row(key).missing {
            let why = why.clone();
            table.fail("scaling", &why);
        }
    }
    // The page reports milliseconds; the table shows the task rows in seconds.
    for key in ["tasks10k_ms", "tasks1k_ms"] {
        let row = table.row(key);
        row.ours
            .iter_mut()
            .chain(row.base.iter_mut())
            .for_each(|v| *v /= 1000.0);
    }
    table.note(
        "nav_first_dom",
        "first visits (the browser's cache off), each page served by a lab server on loopback",
    );
    table.note(
        "tick_p95",
        "each tick against start + k × 100 ms: the app's from its own trace, JavaScript's from performance.now()",
    );
    table.note(
        "idle_busy",
        "renderer main thread's task time / wall time, 1 s to 5 s into the countdown (DevTools Performance metrics)",
    );
    table.note(
        "idle_cpu",
        "the same window's CPU time of that thread (ThreadTime): what the page cost, without the time other processes had the core",
    );
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
    let target = target_dir().join("native");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_core_analyses() {
        let out = "warnings of that trace          3.5ms  (149600 events, 0 warnings)\n\
            waits, one pass over that trace  2.7ms  (0 pending at the end)\n\
            waits at its middle, as chains   6.3ms  (9900 pending tasks)\n\
            wake edges of that trace         18.5µs  (9900 wakes by another task)\n";
        let ms = parse_core_analyses(out).expect("parsed");
        assert!((ms - 6.2185).abs() < 1e-9, "{ms}");
        assert_eq!(parse_core_analyses("warnings of that trace 1ms\n"), None);
    }

    #[test]
    fn reads_the_core_bench() {
        let out = "asyncscope-core benchmark: median of 7 runs each\n\
            semaphore 10000 tasks / 100     traced   35.123ms  (180000 events, 5.12 M/s recorded; virtual end 100s)\n\
            semaphore 10000 tasks / 100     untraced 17.7ms\n";
        let (t, u, e) = parse_core_bench(out).expect("parsed");
        assert!((t - 35.123).abs() < 1e-9 && (u - 17.7).abs() < 1e-9 && (e - 180_000.0).abs() < 1e-9);
        assert_eq!(debug_ms("900µs"), Some(0.9));
        assert_eq!(debug_ms("1.5s"), Some(1500.0));
        assert!(parse_core_bench("nothing").is_none());
    }

    #[test]
    fn bench_flags() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert!(parse(&[]).is_ok_and(|o| o.reps == REPS && !o.table_only));
        assert!(parse(&args("--reps 7 --table")).is_ok_and(|o| o.reps == 7 && o.table_only));
        assert!(parse(&args("--reps 0")).is_err());
        assert!(parse(&args("--reps 5")).is_ok_and(|o| o.reps == 5));
        let four = parse(&args("--reps 4")).err().unwrap_or_default();
        assert!(four.contains("from 5 to 100") && four.contains("\"4\""), "{four}");
        assert!(parse(&args("--reps 101")).is_err());
        assert!(parse(&args("--fast")).is_err());
    }

    #[test]
    fn imposes_the_release_profile() {
        let vars = release_profile_env().expect("the workspace has a release profile");
        assert!(
            vars.iter().any(|(k, _)| k == "CARGO_PROFILE_RELEASE_OPT_LEVEL"),
            "{vars:?}"
        );
        assert!(vars.iter().all(|(_, v)| !v.contains('"')), "{vars:?}");
    }
}
