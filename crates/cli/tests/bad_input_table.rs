//! The bad-input table for the command line: the real `asyncscope`
//! binary, run as a process, over every option (the slug, `--set` in both
//! forms, `--seed`, `--format`, `--out`, unknown flags and subcommands,
//! missing values) and over every parameter of every demo (values from
//! its declared kind and bounds). Each row expects an exit status and a
//! message on standard error that names what is allowed, with nothing on
//! standard output; a quoted value is at most 40 characters and escaped.
//! It prints its counts: tried, passed, panics, hangs (no exit within 20
//! s), unclear messages.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::demos;
use asyncscope_core::params::{ParamKind, ParamSpec};

/// One row: the arguments, the exit status, and what standard error must
/// say (each of these).
struct Row {
    args: Vec<String>,
    status: i32,
    says: Vec<String>,
}

fn row(args: &[&str], status: i32, says: &[&str]) -> Row {
    Row {
        args: args.iter().map(|a| a.to_string()).collect(),
        status,
        says: says.iter().map(|s| s.to_string()).collect(),
    }
}

/// What a process came to, or that it hung.
enum Ran {
    Exited {
        code: Option<i32>,
        stdout: Vec<u8>,
        stderr: String,
    },
    Hung,
}

fn asyncscope(args: &[String], dir: &std::path::Path) -> Ran {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Both pipes are read at once: a child that fills one while the other
    // is read would wait for ever.
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = read(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = read(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let stdout = out.join().unwrap_or_default();
                let stderr = err.join().unwrap_or_default();
                return Ran::Exited {
                    code: status.code(),
                    stdout,
                    stderr: String::from_utf8_lossy(&stderr).into_owned(),
                };
            }
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Ran::Hung;
            }
        }
    }
}

const LONG: usize = 100_000;

/// The demos' slugs, as the message for an unknown one lists them.
fn slugs() -> String {
    let all: Vec<&str> = ENTRIES.iter().map(|e| e.slug).collect();
    all.join(", ")
}

fn option_rows() -> Vec<Row> {
    let slugs = slugs();
    let demos = format!("the demos are {slugs}");
    let seed = format!("--seed must be a whole number from 0 to {}", u64::MAX);
    let format = "--format must be one of text, json, chrome, svg";
    let long = "x".repeat(LONG);
    let escape = "\u{1b}[31mred";
    let mut rows = vec![
        // The subcommand.
        row(&["frobnicate"], 2, &["usage:", "asyncscope run <slug>"]),
        row(&["list", "x"], 2, &["usage:"]),
        row(&["run"], 2, &["usage:", "<slug>"]),
        row(&[&long], 2, &["usage:"]),
        row(&[""], 2, &["usage:"]),
        // The slug.
        row(&["run", "nope"], 2, &[&demos]),
        row(&["run", ""], 2, &[&demos]),
        row(&["run", "Semaphore"], 2, &[&demos]),
        row(&["run", "semaphore "], 2, &[&demos]),
        row(&["run", "../semaphore"], 2, &[&demos]),
        row(&["run", "💥"], 2, &[&demos]),
        row(&["run", escape], 2, &[&demos]),
        row(&["run", &long], 2, &[&demos]),
        row(&["run", "semaphore", "gather"], 2, &["usage:"]),
        // --set, in both forms.
        row(&["run", "semaphore", "--set"], 2, &["--set <name=value>", "usage:"]),
        row(&["run", "semaphore", "--set", "limit"], 2, &["--set needs name=value"]),
        row(&["run", "semaphore", "--set=limit"], 2, &["--set needs name=value"]),
        row(&["run", "semaphore", "--set", ""], 2, &["--set needs name=value"]),
        row(&["run", "semaphore", "--set="], 2, &["--set needs name=value"]),
        row(&["run", "semaphore", "--set", &long], 2, &["--set needs name=value"]),
        row(&["run", "semaphore", "--set", escape], 2, &["--set needs name=value"]),
        row(
            &["run", "semaphore", "--set", "=3"],
            2,
            &["unknown parameter", "this demo takes"],
        ),
        row(
            &["run", "semaphore", "--set", "speed=1"],
            2,
            &["unknown parameter speed", "this demo takes"],
        ),
        row(
            &["run", "semaphore", "--set=speed=1"],
            2,
            &["unknown parameter speed", "this demo takes"],
        ),
        row(
            &["run", "semaphore", "--set", "limit="],
            2,
            &["limit must be a whole number from 1 to 1000"],
        ),
        row(
            &["run", "semaphore", "--set", "limit==3"],
            2,
            &["limit must be a whole number from 1 to 1000"],
        ),
        row(
            &["run", "semaphore", "--set", "limit=2", "--set=limit=3"],
            2,
            &["limit is given more than once"],
        ),
        row(
            &["run", "semaphore", "--set", "limit=2", "--set", " limit =3"],
            2,
            &["limit is given more than once"],
        ),
        // --seed, in both forms.
        row(&["run", "retry", "--seed"], 2, &["--seed <N>", "usage:"]),
        row(&["run", "retry", "--seed", "-1"], 2, &[&seed]),
        row(&["run", "retry", "--seed=-1"], 2, &[&seed]),
        row(&["run", "retry", "--seed", "18446744073709551616"], 2, &[&seed]),
        row(&["run", "retry", "--seed", "1.5"], 2, &[&seed]),
        row(&["run", "retry", "--seed", "abc"], 2, &[&seed]),
        row(&["run", "retry", "--seed", ""], 2, &[&seed]),
        row(&["run", "retry", "--seed="], 2, &[&seed]),
        row(&["run", "retry", "--seed", "0x10"], 2, &[&seed]),
        row(&["run", "retry", "--seed", "７"], 2, &[&seed]),
        row(&["run", "retry", "--seed", &long], 2, &[&seed]),
        row(&["run", "retry", "--seed", escape], 2, &[&seed]),
        row(
            &["run", "retry", "--seed", "1", "--seed", "2"],
            2,
            &["--seed", "usage:"],
        ),
        // --format, in both forms.
        row(&["run", "gather", "--format"], 2, &["--format <F>", "usage:"]),
        row(&["run", "gather", "--format", "xml"], 2, &[format]),
        row(&["run", "gather", "--format=xml"], 2, &[format]),
        row(&["run", "gather", "--format", "JSON"], 2, &[format]),
        row(&["run", "gather", "--format", ""], 2, &[format]),
        row(&["run", "gather", "--format", &long], 2, &[format]),
        row(&["run", "gather", "--format", escape], 2, &[format]),
        row(
            &["run", "gather", "--format", "json", "--format", "text"],
            2,
            &["--format", "usage:"],
        ),
        // --out: an empty name is bad input; a path that cannot be written
        // is a failed run (1), said with the path.
        row(&["run", "gather", "--out"], 2, &["--out <FILE>", "usage:"]),
        row(&["run", "gather", "--out", ""], 2, &["--out", "usage:"]),
        row(&["run", "gather", "--out="], 2, &["--out", "usage:"]),
        row(
            &["run", "gather", "--out", "/nonexistent-dir/x.json"],
            1,
            &["cannot write /nonexistent-dir/x.json"],
        ),
        row(&["run", "gather", "--out", "."], 1, &["cannot write ."]),
        // Flags that do not exist.
        row(&["run", "gather", "--verbose"], 2, &["usage:"]),
        row(&["run", "gather", "-x"], 2, &["usage:"]),
        row(&["run", "gather", "--sett", "mode=all"], 2, &["usage:", "--set"]),
        row(&["list", "--seed", "1"], 2, &["usage:"]),
    ];
    for e in ENTRIES {
        rows.push(row(&["run", &e.slug.to_uppercase()], 2, &[&demos]));
    }
    rows
}

/// Bad values for a parameter, from its kind and bounds (a few per kind:
/// the parameter table in the core tries many more without a process).
fn bad_values(spec: &ParamSpec) -> Vec<String> {
    let mut bad = vec![
        String::new(),
        "💥".to_string(),
        "\u{1b}[2J".to_string(),
        "9".repeat(LONG),
    ];
    match spec.kind {
        ParamKind::Int { min, max } => {
            bad.extend([
                (u128::from(max) + 1).to_string(),
                "18446744073709551616".into(),
                "-1".into(),
                "1.5".into(),
                "abc".into(),
            ]);
            if min > 0 {
                bad.push((min - 1).to_string());
            }
        }
        ParamKind::Choice(_) => bad.extend(["nope".to_string(), "1".into()]),
        ParamKind::IntList { max, max_len, .. } => {
            bad.extend([
                (max + 1).to_string(),
                "1,,2".into(),
                "a".into(),
                vec!["1"; max_len + 1].join(","),
            ]);
        }
        ParamKind::ChoiceList { choices, max_len } => {
            bad.extend(["nope".to_string(), format!("{},", choices[0])]);
            bad.push(vec![choices[0]; max_len + 1].join(","));
        }
        ParamKind::TimeOfDay => bad.extend(["24:00", "9:0", "ab:cd"].map(String::from)),
    }
    bad
}

fn parameter_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for e in ENTRIES {
        for spec in demos::specs(e.slug).expect("a demo") {
            let says = format!("{} must be {}", spec.name, spec.allowed());
            for value in bad_values(spec) {
                let set = format!("{}={value}", spec.name);
                rows.push(row(&["run", e.slug, "--set", &set], 2, &[&says]));
            }
            // The other form, once per parameter.
            let set = format!("--set={}=", spec.name);
            rows.push(row(&["run", e.slug, &set], 2, &[&says]));
        }
    }
    rows
}

#[derive(Default)]
struct Tally {
    tried: usize,
    passed: usize,
    panics: usize,
    hangs: usize,
    unclear: usize,
    failures: Vec<String>,
}

/// Whether a message is clear: it says each of `says`, is short (a quoted
/// value is cut at 40 characters) and carries no control character but
/// newlines.
fn unclear(stderr: &str, says: &[String]) -> Option<String> {
    if let Some(word) = says.iter().find(|w| !stderr.contains(w.as_str())) {
        return Some(format!("does not say {word:?}"));
    }
    // clap's usage and the slugs' list are long; a value echoed whole is
    // longer still.
    let allowed: usize = says.iter().map(String::len).sum();
    if stderr.len() > allowed + 1500 {
        return Some(format!("{} bytes long", stderr.len()));
    }
    if stderr.chars().any(|c| c.is_control() && c != '\n') {
        return Some("has a control character".into());
    }
    None
}

#[test]
fn every_bad_option_and_value_exits_with_a_message_naming_what_is_allowed() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut rows = option_rows();
    rows.extend(parameter_rows());
    let mut t = Tally::default();
    for r in &rows {
        t.tried += 1;
        let shown: Vec<String> = r
            .args
            .iter()
            .map(|a| format!("{:?}", a.chars().take(30).collect::<String>()))
            .collect();
        let shown = shown.join(" ");
        match asyncscope(&r.args, dir.path()) {
            Ran::Hung => {
                t.hangs += 1;
                t.failures.push(format!("{shown}: no exit within 20 s"));
            }
            Ran::Exited { code, stdout, stderr } => {
                if code == Some(101) || stderr.contains("panicked") {
                    t.panics += 1;
                    t.failures.push(format!("{shown}: panicked: {stderr}"));
                } else if code != Some(r.status) {
                    t.failures
                        .push(format!("{shown}: exit {code:?}, not {}: {stderr}", r.status));
                } else if !stdout.is_empty() {
                    t.failures.push(format!("{shown}: wrote to standard output"));
                } else if let Some(why) = unclear(&stderr, &r.says) {
                    t.unclear += 1;
                    let cut: String = stderr.chars().take(300).collect();
                    t.failures.push(format!("{shown}: unclear, {why}: {cut:?}"));
                } else {
                    t.passed += 1;
                }
            }
        }
    }
    println!(
        "bad-input table (command line): tried {}, passed {}, panics {}, hangs {}, unclear messages {}",
        t.tried, t.passed, t.panics, t.hangs, t.unclear
    );
    for f in t.failures.iter().take(30) {
        println!("  FAILED {f}");
    }
    assert!(t.tried > 600, "{} rows", t.tried);
    assert_eq!(
        (t.passed, t.panics, t.hangs, t.unclear),
        (t.tried, 0, 0, 0),
        "see the rows above"
    );
}
