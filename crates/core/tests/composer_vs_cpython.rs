//! The composer against CPython itself: every program of
//! `tests/composer/corpus` runs under CPython 3 on a virtual clock
//! (`tests/composer/cpython_virtual.py`) and in the composer under the
//! virtual runtime, and the two must agree on every task (name, when it
//! was made, when it ended, how), every printed line (time, task, text)
//! and the exception that ended the program.
//!
//! Lines printed by different tasks at the same instant are compared as
//! groups per task: their interleaving is a listed difference
//! (`py::DIFFERENCES`). Any other difference fails the test.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use asyncscope_core::py;
use asyncscope_core::report::task_rows;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/composer")
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// What both sides are compared on.
#[derive(Debug, PartialEq)]
struct Observed {
    /// `(name, spawned_ms, end_ms, outcome)`, by name.
    tasks: Vec<(String, f64, Option<f64>, String)>,
    /// Printed lines grouped by instant and task, in order within a group.
    logs: BTreeMap<(u64, String), Vec<String>>,
    /// The class of the exception that ended the program.
    error: Option<String>,
}

/// For a program whose task numbers CPython leaves to chance (as_completed
/// starts its tasks in a set's order: a listed difference), the tasks
/// without their generated names.
fn comparable(mut o: Observed, source: &str) -> Observed {
    if source.contains("as_completed(") {
        for t in &mut o.tasks {
            if t.0.starts_with("Task-") && t.0 != "Task-1" {
                t.0 = "Task-n".into();
            }
        }
        o.tasks.sort_by(|a, b| {
            (&a.0, a.1, a.2, &a.3)
                .partial_cmp(&(&b.0, b.1, b.2, &b.3))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        o.logs = o
            .logs
            .into_iter()
            .map(|((t, task), lines)| {
                let task = if task.starts_with("Task-") && task != "Task-1" {
                    "Task-n".into()
                } else {
                    task
                };
                ((t, task), lines)
            })
            .collect();
    }
    o
}

fn group(rows: impl Iterator<Item = (f64, String, String)>) -> BTreeMap<(u64, String), Vec<String>> {
    let mut out: BTreeMap<(u64, String), Vec<String>> = BTreeMap::new();
    for (t, task, text) in rows {
        out.entry(((t * 1000.0).round() as u64, task)).or_default().push(text);
    }
    out
}

fn cpython(file: &Path) -> Option<Observed> {
    let out = Command::new("python3")
        .arg(dir().join("cpython_virtual.py"))
        .arg(file)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}: CPython failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("the harness writes JSON");
    let mut tasks: Vec<_> = v["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default().to_owned(),
                t["spawned_ms"].as_f64().unwrap_or(-1.0),
                t["end_ms"].as_f64(),
                t["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    tasks.sort_by(|a, b| a.0.cmp(&b.0));
    let logs = group(v["logs"].as_array().expect("logs").iter().map(|l| {
        (
            l["t_ms"].as_f64().unwrap_or(-1.0),
            l["task"].as_str().unwrap_or("<module>").to_owned(),
            l["text"].as_str().unwrap_or_default().to_owned(),
        )
    }));
    let error = v["error"].as_str().map(|e| e.split(':').next().unwrap_or(e).to_owned());
    Some(Observed { tasks, logs, error })
}

fn composer(source: &str) -> Observed {
    let (trace, finished) = py::run_virtual(source, 0, py::Limits::default(), py::DEFAULT_VIRTUAL_BOUND, 1 << 20)
        .expect("the corpus parses");
    assert!(finished.stopped.is_none(), "stopped: {:?}", finished.stopped);
    let mut tasks: Vec<_> = task_rows(&trace)
        .into_iter()
        .map(|r| {
            let outcome = if r.outcome == "timeout" { "cancelled" } else { r.outcome };
            (r.name, ms(r.spawned), r.end.map(ms), outcome.to_owned())
        })
        .collect();
    tasks.sort_by(|a, b| a.0.cmp(&b.0));
    let logs = group(finished.printed.iter().map(|p| {
        (
            ms(p.at),
            p.task.clone().unwrap_or_else(|| "<module>".into()),
            p.text.clone(),
        )
    }));
    let error = finished.error.as_deref().map(|tb| {
        let last = tb.lines().last().unwrap_or_default();
        let class = last.split(':').next().unwrap_or(last);
        class.rsplit('.').next().unwrap_or(class).to_owned()
    });
    Observed { tasks, logs, error }
}

/// True if python3 runs here. Every machine the project supports has it,
/// so under CI its absence fails the test rather than skipping it.
fn python_here() -> bool {
    let here = Command::new("python3").arg("--version").output().is_ok();
    assert!(
        here || std::env::var_os("CI").is_none(),
        "python3 is missing: the comparison with CPython cannot run"
    );
    if !here {
        eprintln!("python3 is not on this machine: the differential test cannot run");
    }
    here
}

#[test]
fn every_corpus_program_agrees_with_cpython() {
    if !python_here() {
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir().join("corpus"))
        .expect("the corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus has {} programs", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("readable");
        let Some(expected) = cpython(file) else { continue };
        let (expected, got) = (comparable(expected, &source), comparable(composer(&source), &source));
        if got != expected {
            failures.push(format!(
                "{}:\n  CPython:  {expected:?}\n  composer: {got:?}",
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
        }
    }
    eprintln!("{} programs compared, {} differ", files.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_lists_every_difference() {
    let readme = include_str!("../../../README.md");
    for d in py::DIFFERENCES {
        assert!(readme.contains(&format!("- {d}")), "the README does not list: {d}");
    }
}

/// Every demo's asyncio twin (as the page's "Open in the composer" makes
/// it a whole program) agrees with CPython too, except those that need
/// aiohttp (not installed with CPython here) or draw random numbers.
#[cfg(feature = "texts")]
#[test]
fn every_demo_twin_agrees_with_cpython() {
    if !python_here() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (mut compared, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
    for entry in asyncscope_core::catalog::ENTRIES {
        let about = asyncscope_core::demos::about(entry.slug).expect("words");
        let program = py::program_from_twin(about.asyncio);
        if program.contains("aiohttp") || program.contains("random") {
            skipped.push(entry.slug);
            continue;
        }
        let file = dir.path().join(format!("{}.py", entry.slug));
        std::fs::write(&file, &program).expect("written");
        let Some(expected) = cpython(&file) else { continue };
        compared += 1;
        let (expected, got) = (comparable(expected, &program), comparable(composer(&program), &program));
        if got != expected {
            failures.push(format!(
                "{}:\n  CPython:  {expected:?}\n  composer: {got:?}",
                entry.slug
            ));
        }
    }
    eprintln!("{compared} twins compared; skipped (aiohttp or random): {skipped:?}");
    assert!(compared >= 10, "only {compared} twins compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
