//! The `asyncscope` binary, run as a process: every expected figure of the
//! catalog (the table the core and end-to-end suites read too) out of its
//! JSON report, the other formats, and the exit codes.

use std::process::{Command, Output};

use asyncscope_core::catalog::{Metric, figures};
use asyncscope_core::demos;
use serde_json::Value;

fn asyncscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = asyncscope(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("one JSON object")
}

const SLUGS: [&str; 19] = [
    "sequential-vs-concurrent",
    "lazy-and-spawn",
    "gather",
    "first-completed",
    "as-completed",
    "timeout",
    "cancellation",
    "countdown",
    "periodic",
    "retry",
    "semaphore",
    "fetch",
    "download",
    "queue",
    "sync-primitives",
    "streams",
    "setup-teardown",
    "task-manager",
    "blocking",
];

#[test]
fn list_names_every_demo_with_its_parameters() {
    let out = asyncscope(&["list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for slug in SLUGS {
        assert!(text.contains(&format!(". {slug}  ")), "{slug} missing");
    }
    assert!(
        text.contains("--set limit=3   (At most at once; a whole number from 1 to 1000)"),
        "{text}"
    );
    assert!(text.contains("--set counts=5,3,2"));
}

#[test]
fn every_demo_runs_with_its_defaults_and_keeps_the_json_contract() {
    for slug in SLUGS {
        let v = json(&[slug]);
        assert_eq!(v["demo"], slug);
        assert!(v["makespan_ms"].is_u64(), "{slug}: {}", v["makespan_ms"]);
        assert!(v["max_in_flight"].as_u64().is_some_and(|n| n >= 1), "{slug}");
        let tasks = v["tasks"].as_array().expect("tasks");
        assert!(!tasks.is_empty(), "{slug}");
        for t in tasks {
            assert!(t["name"].is_string(), "{slug}: {t}");
            assert!(t["spawned_ms"].is_number(), "{slug}: {t}");
            assert!(
                t["first_poll_ms"].is_number() || t["first_poll_ms"].is_null(),
                "{slug}: {t}"
            );
            assert!(t["end_ms"].is_number(), "{slug}: every task ends: {t}");
            let outcome = t["outcome"].as_str().expect("outcome");
            assert!(
                ["ok", "error", "cancelled", "timeout"].contains(&outcome),
                "{slug}: {t}"
            );
        }
        for l in v["logs"].as_array().expect("logs") {
            assert!(
                l["t_ms"].is_number() && l["task"].is_string() && l["text"].is_string(),
                "{l}"
            );
        }
        // Every event once: in its run's trace, not again beside it.
        assert!(v.get("events").is_none(), "{slug}: events written twice");
        for run in v["runs"].as_array().expect("runs") {
            let trace = &run["trace"];
            assert_eq!(trace["format"], "asyncscope-trace");
            assert_eq!(trace["version"], 1);
            let events = trace["events"].as_array().expect("events");
            assert!(!events.is_empty(), "{slug}");
            assert!(
                events.iter().all(|e| e["at_us"].is_u64() && e["kind"].is_string()),
                "{slug}"
            );
        }
    }
}

/// A figure of the catalog, read off one run of the JSON report.
fn measure(run: &Value, metric: Metric) -> Option<u64> {
    let count = |outcome: &str| {
        run["tasks"]
            .as_array()
            .map_or(0, |ts| ts.iter().filter(|t| t["outcome"] == outcome).count() as u64)
    };
    match metric {
        Metric::MakespanMs => run["makespan_ms"].as_u64(),
        Metric::MaxInFlight => run["max_in_flight"].as_u64(),
        Metric::TasksOk => Some(count("ok")),
        Metric::TasksFailed => Some(count("error")),
        Metric::TasksCancelled => Some(count("cancelled")),
        Metric::TasksTimeout => Some(count("timeout")),
        Metric::ProgressPct => {
            let events = run["trace"]["events"].as_array()?;
            let last = events.iter().rev().find(|e| e["kind"] == "progress")?;
            Some(last["done"].as_u64()? * 100 / last["total"].as_u64()?)
        }
    }
}

#[test]
fn every_expected_figure_of_the_catalog() {
    let figures = figures().expect("the table reads");
    for f in figures {
        let mut args = vec![f.slug().to_string()];
        for (k, v) in f.pairs() {
            args.push("--set".to_string());
            args.push(format!("{k}={v}"));
        }
        let v = json(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let runs = v["runs"].as_array().expect("runs");
        let run = f.pick(runs, |r| r["label"].as_str().unwrap_or("")).expect("the run");
        assert_eq!(
            measure(run, f.metric),
            Some(f.value),
            "{} {:?} {}",
            f.route,
            f.run,
            f.metric.name()
        );
    }
}

#[test]
fn catalog_figures_come_out_of_the_json() {
    let v = json(&["semaphore"]);
    assert_eq!(v["makespan_ms"], 4000);
    assert_eq!(v["max_in_flight"], 3);
    assert_eq!(v["params"]["limit"], "3");

    let v = json(&["retry", "--set", "outcomes=fail,fail,ok"]);
    let starts: Vec<u64> = v["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| t["name"].as_str().is_some_and(|n| n.starts_with("attempt")))
        .map(|t| t["spawned_ms"].as_u64().expect("ms"))
        .collect();
    assert_eq!(starts, [0, 1200, 3400]);
    assert_eq!(v["makespan_ms"], 3600);

    let v = json(&["as-completed"]);
    let handled: Vec<(u64, &str)> = v["logs"]
        .as_array()
        .expect("logs")
        .iter()
        .map(|l| (l["t_ms"].as_u64().expect("t"), l["text"].as_str().expect("text")))
        .collect();
    assert_eq!(handled, [(1000, "handled B"), (2000, "handled C"), (3000, "handled A")]);

    let v = json(&["timeout"]);
    let op = v["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["name"] == "operation")
        .cloned()
        .expect("operation");
    assert_eq!(
        (op["end_ms"].as_u64(), op["outcome"].as_str()),
        (Some(3000), Some("timeout"))
    );

    // Two runs: each task names its run, and the figures are per run too.
    let v = json(&[
        "sequential-vs-concurrent",
        "--set",
        "jobs=10",
        "--set",
        "duration_ms=1000",
    ]);
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs[0]["label"], "sequential");
    assert_eq!(runs[0]["makespan_ms"], 10000);
    assert_eq!(runs[1]["makespan_ms"], 1000);
    assert_eq!(v["makespan_ms"], 10000);
    assert_eq!(v["tasks"][0]["run"], "sequential");
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_may_not() {
    let args = ["retry", "--set", "jitter=full", "--seed", "7"];
    let a = json(&args);
    let b = json(&args);
    assert_eq!(a, b);
    assert_eq!(a["seed"], 7);
    let c = json(&["retry", "--set", "jitter=full", "--seed", "8"]);
    assert_ne!(a["tasks"], c["tasks"]);
}

#[test]
fn chrome_and_text_formats_and_out_file() {
    let out = asyncscope(&["run", "queue", "--format", "chrome"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let events = v["traceEvents"].as_array().expect("traceEvents");
    assert!(events.iter().any(|e| e["ph"] == "X" && e["name"] == "poll"));
    assert!(events.iter().any(|e| e["args"]["name"] == "producer0"));

    let out = asyncscope(&["run", "countdown"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("makespan 5000 ms, max in flight 3"), "{text}");
    assert!(text.contains("5000 ms  countdown5: done"), "{text}");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("gather.json");
    let path = file.to_str().expect("utf-8");
    let out = asyncscope(&["run", "gather", "--format=json", "--out", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("JSON");
    assert_eq!(v["makespan_ms"], 3000);
}

#[test]
fn bad_input_exits_2_and_names_what_is_allowed() {
    let cases: [(&[&str], &str); 10] = [
        (
            &["run", "nope"],
            "unknown demo \"nope\"; the demos are sequential-vs-concurrent, lazy-and-spawn,",
        ),
        (
            &["run", "semaphore", "--set", "limit=0"],
            "limit must be a whole number from 1 to 1000; got 0",
        ),
        (
            &["run", "semaphore", "--set", "limit=three"],
            "which is not a whole number",
        ),
        (
            &["run", "semaphore", "--set", "speed=1"],
            "unknown parameter speed; this demo takes form, tasks, limit,",
        ),
        (
            &["run", "semaphore", "--set", "limit"],
            "--set needs name=value; got \"limit\"",
        ),
        (
            &["run", "gather", "--set", "mode=all"],
            "mode must be one of join_all, join_all_results, try_join_all; got \"all\"",
        ),
        (
            &["run", "gather", "--seed", "-1"],
            "--seed must be a whole number from 0 to 18446744073709551615",
        ),
        (
            &["run", "gather", "--format", "xml"],
            "--format must be one of text, json, chrome, svg; got \"xml\"",
        ),
        (
            &["run", "semaphore", "--set", "limit=2", "--set", "limit=3"],
            "limit is given more than once",
        ),
        (
            &["run", "countdown", "--set", "counts=5,0"],
            "counts must be a comma-separated list of 1 to 20 whole numbers, each from 1 to 3600; item 2 is \"0\"",
        ),
    ];
    for (args, want) in cases {
        let out = asyncscope(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    for args in [
        &["frobnicate"][..],
        &["run"],
        &["run", "gather", "--verbose"],
        &["list", "x"],
    ] {
        let out = asyncscope(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("usage:"), "{args:?}");
    }
    let out = asyncscope(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("asyncscope run <slug>"));
}

/// The README's section on the command line.
fn readme_section() -> &'static str {
    let readme = include_str!("../../../README.md");
    let start = readme.find("### The command line").expect("the section");
    let rest = &readme[start + 4..];
    &rest[..rest.find("\n### ").unwrap_or(rest.len())]
}

#[test]
fn help_names_every_subcommand_and_flag_the_readme_lists() {
    let section = readme_section();
    let words: Vec<&str> = section
        .split(|c: char| c.is_whitespace() || "`[]().,".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let flags: Vec<&str> = words
        .iter()
        .map(|w| w.split('=').next().unwrap_or(w))
        .filter(|w| w.len() > 2 && w.starts_with("--"))
        .collect();
    let subcommands: Vec<&str> = words
        .windows(2)
        .filter(|w| (w[0] == "--" || w[0] == "asyncscope") && !w[1].starts_with('-'))
        .map(|w| w[1])
        .collect();
    assert!(flags.contains(&"--format") && flags.contains(&"--set"), "{flags:?}");
    assert!(
        subcommands.contains(&"list") && subcommands.contains(&"run"),
        "{subcommands:?}"
    );

    let out = asyncscope(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for flag in &flags {
        assert!(help.contains(flag), "the help does not name {flag}:\n{help}");
    }
    for sub in &subcommands {
        assert!(
            help.contains(&format!("asyncscope {sub}")),
            "the help does not name {sub}:\n{help}"
        );
    }
    for format in ["text", "json", "chrome", "svg"] {
        assert!(help.contains(format), "{format}");
    }
    assert!(section.contains("run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg]"));
    assert!(help.contains(
        "asyncscope run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg] [--out FILE]"
    ));
}

/// Checks that `doc` is one well-formed XML element: every tag closed in
/// order, attributes quoted, and only the five predefined entities.
fn well_formed(doc: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = doc;
    let mut roots = 0;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt])?;
        let gt = rest[lt..].find('>').ok_or("a tag is not closed")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(o) if o == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        if open.is_empty() {
            roots += 1;
        }
        let (body, empty) = match tag.strip_suffix('/') {
            Some(b) => (b, true),
            None => (tag, false),
        };
        let name = body.split_whitespace().next().ok_or("a tag without a name")?;
        if body[name.len()..].matches('"').count() % 2 != 0 {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        check_text(&body[name.len()..].replace('"', ""))?;
        if !empty {
            open.push(name);
        }
    }
    check_text(rest)?;
    match (open.as_slice(), roots) {
        ([], 1) => Ok(()),
        ([], n) => Err(format!("{n} root elements")),
        (left, _) => Err(format!("left open: {left:?}")),
    }
}

fn check_text(text: &str) -> Result<(), String> {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
            .iter()
            .any(|e| entity.starts_with(e))
        {
            return Err(format!("a bare & in {text:?}"));
        }
    }
    if text.contains('<') || text.contains('>') {
        return Err(format!("a bare < or > in {text:?}"));
    }
    Ok(())
}

/// The lane labels of an SVG picture, in order.
fn lane_labels(svg: &str) -> Vec<String> {
    let marker = r##"font-family="monospace" fill="#1d2027">"##;
    svg.match_indices(marker)
        .filter_map(|(i, m)| {
            let text = &svg[i + m.len()..];
            text.find("</text>").map(|end| text[..end].to_string())
        })
        .collect()
}

#[test]
fn svg_format_draws_one_labelled_lane_per_task_of_every_demo() {
    assert!(well_formed("<a><b x=\"1\"/>x &amp; y</a>").is_ok());
    assert!(well_formed("<a><b></a>").is_err());
    assert!(well_formed("<a>&</a>").is_err());
    for slug in SLUGS {
        let out = asyncscope(&["run", slug, "--format", "svg"]);
        assert_eq!(out.status.code(), Some(0), "{slug}: {}", stderr(&out));
        let svg = stdout(&out);
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{slug}: {svg}"
        );
        assert!(svg.ends_with("</svg>\n"), "{slug}: one document, one line");
        well_formed(svg.trim_end()).unwrap_or_else(|e| panic!("{slug}: {e}"));
        let tasks: Vec<String> = json(&[slug])["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .map(|t| t["name"].as_str().expect("name").to_string())
            .collect();
        assert_eq!(lane_labels(&svg), tasks, "{slug}: one lane per task, in order");
    }
    // Two tasks of one name are two lanes.
    let out = asyncscope(&["run", "countdown", "--set", "counts=3,3", "--format", "svg"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lane_labels(&stdout(&out)), ["countdown3", "countdown3"]);
}

/// Output that cannot be written is a failure; a reader that stops early
/// is not.
#[cfg(unix)]
#[test]
fn lost_output_fails_and_a_closed_pipe_is_quiet() {
    use std::process::Stdio;
    if let Ok(full) = std::fs::File::options().write(true).open("/dev/full") {
        let out = Command::new(env!("CARGO_BIN_EXE_asyncscope"))
            .args(["run", "retry"])
            .stdout(full)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "a full disk is not success");
        assert!(stderr(&out).contains("cannot write the output"), "{}", stderr(&out));
    }
    // Far more than a pipe holds, to a reader that has gone.
    let mut child = Command::new(env!("CARGO_BIN_EXE_asyncscope"))
        .args(["run", "semaphore", "--set", "tasks=2000", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// A valid run that would take minutes stops once its trace is full, says
/// so, and still reports what it recorded, the overflow marked.
#[test]
fn a_run_stops_when_its_trace_is_full_and_says_so() {
    let out = asyncscope(&[
        "run",
        "periodic",
        "--set",
        "period_ms=1",
        "--set",
        "run_for_ms=604800000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the run was stopped") && stderr(&out).contains("trace is full"),
        "{}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("trace full: later events not kept"),
        "the overflow marker"
    );
    assert!(text.contains("events not kept: capacity 1048576"), "the count");
}

/// Writes `source` to a fresh file and runs `run-py` on it.
fn run_py(source: &str, extra: &[&str]) -> (Output, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("prog.py");
    std::fs::write(&path, source).expect("written");
    let path = path.to_string_lossy().into_owned();
    let mut args = vec!["run-py", path.as_str()];
    args.extend_from_slice(extra);
    (asyncscope(&args), path)
}

const GATHER_PY: &str = "import asyncio\n\
async def job(name, d):\n    await asyncio.sleep(d)\n    print('done', name)\n    return name\n\
async def main():\n    print(await asyncio.gather(job('a', 0.2), job('b', 0.1)))\n\
asyncio.run(main())\n";

#[test]
fn run_py_writes_the_run_json_contract_with_every_print() {
    let (out, _) = run_py(GATHER_PY, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["makespan_ms"], 200);
    assert_eq!(v["max_in_flight"], 3);
    let tasks: Vec<(String, u64, String)> = v["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default().to_owned(),
                t["end_ms"].as_u64().unwrap_or(0),
                t["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        tasks,
        [
            ("Task-1".to_owned(), 200, "ok".to_owned()),
            ("Task-2".to_owned(), 200, "ok".to_owned()),
            ("Task-3".to_owned(), 100, "ok".to_owned())
        ]
    );
    let logs: Vec<String> = v["logs"]
        .as_array()
        .expect("logs")
        .iter()
        .map(|l| {
            format!(
                "{} {} {}",
                l["t_ms"],
                l["task"].as_str().unwrap_or_default(),
                l["text"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        logs,
        ["100 Task-3 done b", "200 Task-2 done a", "200 Task-1 ['a', 'b']"]
    );
    assert!(
        v["runs"][0]["trace"]["events"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
}

#[test]
fn run_py_syntax_error_exits_2_at_its_line_and_column() {
    let (out, path) = run_py("import asyncio\nasync def main():\n    await asyncio.sleep(1\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with(&format!("{path}:3:")), "{err}");
    assert!(err.contains('^'), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn run_py_uncaught_exception_exits_1_after_the_trace() {
    let (out, _) = run_py(
        "import asyncio\nasync def main():\n    await asyncio.sleep(1)\n    raise KeyError('gone')\nasyncio.run(main())\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("Task-1"),
        "the trace is printed: {}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("File \"main.py\", line 4, in main"), "{err}");
    assert!(err.trim_end().ends_with("KeyError: 'gone'"), "{err}");
}

#[test]
fn run_py_bad_options_exit_2_with_the_range() {
    for (args, says) in [
        (vec!["--bound", "0"], "from 1 to 31622400"),
        (vec!["--max-events", "5"], "from 1000 to 1048576"),
        (vec!["--format", "svg"], "text, json or chrome"),
    ] {
        let (out, _) = run_py(GATHER_PY, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let out = asyncscope(&["run-py", "/nonexistent/prog.py"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read /nonexistent/prog.py"));
}

#[test]
fn warnings_name_the_rule_the_task_and_the_line() {
    let v = json(&["blocking"]);
    let warnings = v["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["rule"], "long_poll");
    assert_eq!(warnings[0]["task"], "worker");
    assert_eq!(warnings[0]["t_ms"], 150);
    assert!(warnings[0]["line"].as_u64().is_some());
    assert!(
        warnings[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("500 ms without yielding"))
    );
    let fixed = json(&["blocking", "--set", "mode=yield"]);
    assert_eq!(fixed["warnings"].as_array().map(Vec::len), Some(0));
    let out = asyncscope(&["run", "lazy-and-spawn"]);
    let text = stdout(&out);
    assert!(
        text.contains("\nwarnings\n") && text.contains("never_awaited") && text.contains("detached"),
        "{text}"
    );
}

#[test]
fn a_deadlock_prints_its_trace_names_the_cycle_and_exits_1() {
    let out = asyncscope(&["run", "sync-primitives", "--set", "pattern=crossed", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("stalled at 4000 ms"), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("the report, all the same");
    let warnings = v["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["rule"], "stuck");
    assert_eq!(warnings[0]["task"], "holder0");
    assert_eq!(warnings[0]["t_ms"], 1000, "when the cycle closed");
    let message = warnings[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("holder0 waits for lock \"other\", held by holder1")
            && message.contains("holder1 waits for lock \"lock\", held by holder0"),
        "{message}"
    );
    // The holders are still waiting at the end, not cancelled.
    let tasks = v["runs"][0]["tasks"]
        .as_array()
        .or(v["tasks"].as_array())
        .expect("tasks");
    let holder0 = tasks.iter().find(|t| t["name"] == "holder0").expect("holder0");
    assert!(holder0["end_ms"].is_null(), "{holder0}");
    // Taken in one order, the same holders finish.
    let fixed = asyncscope(&["run", "sync-primitives", "--set", "pattern=held"]);
    assert_eq!(fixed.status.code(), Some(0));
}

#[test]
fn the_chrome_trace_says_what_each_waiting_slice_waits_on() {
    let out = asyncscope(&["run", "semaphore", "--format", "chrome"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let events = v["traceEvents"].as_array().expect("events");
    let tid = events
        .iter()
        .find(|e| e["name"] == "thread_name" && e["args"]["name"] == "task9")
        .and_then(|e| e["tid"].as_u64())
        .expect("task9's thread");
    let waits: Vec<&str> = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["tid"].as_u64() == Some(tid) && e["name"] == "permit")
        .filter_map(|e| e["args"]["waiting_on"].as_str())
        .collect();
    assert_eq!(
        waits.first().copied(),
        Some("semaphore \"semaphore\" (permit, 7th of 7 in line, 3 held by task0, task1, task2)"),
        "{waits:?}"
    );
}

#[test]
fn the_chrome_trace_marks_each_warning() {
    let out = asyncscope(&["run", "blocking", "--format", "chrome"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let marks: Vec<&Value> = v["traceEvents"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["cat"] == "warning")
        .collect();
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert_eq!(marks[0]["name"], "warning: long_poll");
    assert_eq!(marks[0]["ts"], 150_000);
}

#[test]
fn each_task_counts_its_polls_wakes_and_times() {
    let v = json(&["blocking"]);
    let worker = v["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["name"] == "worker")
        .expect("the worker")
        .clone();
    assert_eq!(worker["busy_ms"], 500, "{worker}");
    assert!(worker["polls"].as_u64().is_some_and(|p| p >= 2), "{worker}");
    for key in ["wakes", "self_wakes", "idle_ms", "scheduled_ms"] {
        assert!(worker[key].is_number(), "{key}: {worker}");
    }
}

#[test]
fn at_prints_what_every_pending_task_waits_on() {
    let out = asyncscope(&["run", "semaphore", "--at", "1500"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("semaphore (semaphore), seed 0: at 1500 ms, 7 tasks pending\n"),
        "{text}"
    );
    assert!(
        text.contains("  task9 → semaphore \"semaphore\" (permit, 4th of 4 in line, 3 held by task3, task4, task5)\n"),
        "{text}"
    );
    let v = json(&["sync-primitives", "--at", "500"]);
    assert_eq!(v["at_ms"], 500);
    let waits = v["runs"][0]["waits"].as_array().expect("waits");
    let holder1 = waits.iter().find(|w| w["task"] == "holder1").expect("holder1 waits");
    assert_eq!(holder1["on"][0]["kind"], "lock");
    assert_eq!(holder1["on"][0]["held_by"], "holder0");
    assert_eq!(holder1["text"], "holder1 → lock \"lock\" held by holder0");
    // Before anything runs and after everything ended, nobody waits.
    let end = stdout(&asyncscope(&["run", "semaphore", "--at", "999999"]));
    assert!(end.contains("0 tasks pending"), "{end}");
    for (args, says) in [
        (&["run", "semaphore", "--at", "x"][..], "whole number of milliseconds"),
        (
            &["run", "semaphore", "--at", "100", "--format", "chrome"][..],
            "--at works with --format text or json",
        ),
    ] {
        let out = asyncscope(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn pictures_draw_every_demos_default_run_a_line_each() {
    let out = asyncscope(&["pictures"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let pictures = asyncscope_view::parse_pictures(&text);
    let slugs: Vec<&str> = pictures.iter().map(|(s, _)| *s).collect();
    assert_eq!(slugs, SLUGS, "every demo, in the catalog's order");
    assert_eq!(text.lines().count(), SLUGS.len(), "no other line");
    let picture = |slug: &str| pictures.iter().find(|(s, _)| *s == slug).map_or("", |(_, p)| p);
    // The semaphore demo's tasks wait for permits; the countdown's sleep.
    assert!(picture("semaphore").contains("seg-permit"), "{}", picture("semaphore"));
    assert!(
        picture("countdown").contains("seg-sleeping"),
        "{}",
        picture("countdown")
    );
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("pictures.txt");
    let out = asyncscope(&["pictures", "--out", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).expect("written"), text);
    let out = asyncscope(&["pictures", "--out", "/nonexistent/dir/pictures.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot write /nonexistent/dir/pictures.txt"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn texts_writes_each_demos_texts_to_the_file_its_page_asks_for() {
    let dir = tempfile::tempdir().expect("a directory");
    let out = asyncscope(&["texts", "--out-dir", &dir.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(names.len(), SLUGS.len(), "a file per demo: {names:?}");
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("listed")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(files, sorted, "the files written are the ones named");
    for (slug, name) in SLUGS.iter().zip(&names) {
        // The name the page asks for, hashed as the server's long-cached
        // files are: `texts-<slug>-<16 hex digits>.json`.
        assert_eq!(Some(name.clone()), demos::texts_file(slug));
        let hash = name
            .strip_prefix(&format!("texts-{slug}-"))
            .and_then(|rest| rest.strip_suffix(".json"))
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
        let json = std::fs::read_to_string(dir.path().join(name)).expect("written");
        let texts = demos::Texts::from_json(slug, &json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Some(&texts), demos::texts(slug).as_ref(), "{slug}");
        assert_eq!(texts.source, demos::shown_source(slug).expect("code"), "{slug}");
        assert!(
            demos::Texts::from_json("not-this-one", &json).is_err(),
            "another demo's texts are refused"
        );
    }
    // From the file alone, the countdown's await on its ticks lights the
    // twin's sleep until the next deadline.
    let name = demos::texts_file("countdown").expect("a demo");
    let json = std::fs::read_to_string(dir.path().join(name)).expect("written");
    let texts = demos::Texts::from_json("countdown", &json).expect("the countdown's");
    let rust = texts
        .source
        .lines()
        .position(|l| l.contains("ticks.next().await"))
        .expect("the await");
    let twin = texts.twin_line(rust as u32 + 1).expect("a twin") as usize;
    let python = texts.asyncio.lines().nth(twin - 1).expect("a line");
    assert!(python.contains("await asyncio.sleep(start + k + 1"), "{python}");
    let hashes: std::collections::BTreeSet<&str> = names.iter().filter_map(|n| n.rsplit('-').next()).collect();
    assert_eq!(
        hashes.len(),
        names.len(),
        "each demo's texts hash to their own name: {names:?}"
    );
    let out = asyncscope(&["texts", "--out-dir", "/nonexistent/dir"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot write /nonexistent/dir/texts-"),
        "{}",
        stderr(&out)
    );
}
