//! What every pending task of a composer program waits on is named, as
//! for the demos: across the corpus of programs, after every event, each
//! pending task waits on a timer, a request, a permit or lock, a queue, an
//! event or condition, a task it awaits, or its turn once woken.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use asyncscope_core::py;
use asyncscope_core::trace::WaitTracker;

/// The corpus's programs, in order.
fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/composer/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_pending_task_of_a_program_waits_on_something_named() {
    let files = corpus();
    assert!(files.len() >= 40, "{} programs", files.len());
    let mut unknown = Vec::new();
    let mut checked = 0usize;
    for file in &files {
        let source = std::fs::read_to_string(file).expect("readable");
        let (trace, _) = py::run_virtual(&source, 0, py::Limits::default(), py::DEFAULT_VIRTUAL_BOUND, 1 << 20)
            .expect("the corpus parses");
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let mut tracker = WaitTracker::new(&trace);
        let mut seen = 0;
        while tracker.step() {
            let i = tracker.position();
            let events = trace.events();
            // At the end of each instant, every pending task.
            if events.get(i).is_some_and(|e| e.at() == events[i - 1].at()) {
                continue;
            }
            for w in tracker.waits() {
                checked += 1;
                if w.on.is_empty() && !w.woken && seen < 3 {
                    seen += 1;
                    let at = events[i - 1].at();
                    unknown.push(format!("{name}: {} at {} ms", trace.task_name(w.task), at.as_millis()));
                }
            }
        }
    }
    assert!(checked > 200, "{checked} waits checked");
    assert!(unknown.is_empty(), "{} unknown:\n{}", unknown.len(), unknown.join("\n"));
}

/// The warnings read a program's trace as a demo's: two tasks taking two
/// locks in opposite orders are a deadlock named as its cycle, with the
/// program's own names; a waiter on an event nobody sets is stuck; the
/// tasks are shown still waiting, not cancelled.
#[test]
fn a_program_that_deadlocks_is_named_as_its_cycle() {
    let deadlock = r#"import asyncio

async def worker(name, first, second):
    async with first:
        await asyncio.sleep(1)
        async with second:
            print(name, "has both")

async def main():
    a = asyncio.Lock()
    b = asyncio.Lock()
    await asyncio.gather(worker("w1", a, b), worker("w2", b, a))

asyncio.run(main())
"#;
    let (trace, finished) =
        py::run_virtual(deadlock, 0, py::Limits::default(), py::DEFAULT_VIRTUAL_BOUND, 1 << 20).expect("parses");
    assert!(finished.stopped.is_some_and(|s| s.contains("nothing can wake")));
    let warnings = trace.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert_eq!((w.rule.as_str(), trace.task_name(w.task)), ("stuck", "Task-2"));
    assert!(
        w.message
            .contains("Task-2 waits for lock \"b\", held by Task-3, Task-3 waits for lock \"a\", held by Task-2"),
        "{}",
        w.message
    );
    assert_eq!(trace.site(w.site.expect("a line")).map(|s| s.line), Some(6));
    // In one order, no warning and no stop.
    let fixed = deadlock.replace("worker(\"w2\", b, a)", "worker(\"w2\", a, b)");
    let (trace, finished) =
        py::run_virtual(&fixed, 0, py::Limits::default(), py::DEFAULT_VIRTUAL_BOUND, 1 << 20).expect("parses");
    assert!(finished.stopped.is_none());
    assert!(trace.warnings().is_empty(), "{:?}", trace.warnings());

    let lost = r#"import asyncio

async def waiter(ready):
    await ready.wait()
    print("set")

async def main():
    ready = asyncio.Event()
    await asyncio.gather(waiter(ready))

asyncio.run(main())
"#;
    let (trace, _) =
        py::run_virtual(lost, 0, py::Limits::default(), py::DEFAULT_VIRTUAL_BOUND, 1 << 20).expect("parses");
    let found: Vec<String> = trace
        .warnings()
        .iter()
        .map(|w| format!("{} {}: {}", w.rule.as_str(), trace.task_name(w.task), w.message))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("stuck Task-2: Task-2 waits on event \"ready\" (not set) from 0 to the end"),
        "{found:?}"
    );
}

/// Across the corpus, the tasks the `error_unseen` rule names are exactly
/// those CPython reports as "Task exception was never retrieved": the
/// trace's joins (an await while pending, or taking a done task's outcome)
/// are the program's retrievals.
#[test]
fn errors_nobody_looked_at_are_the_ones_cpython_reports() {
    let files = corpus();
    let mut wrong = Vec::new();
    let mut flagged = 0;
    for file in &files {
        let source = std::fs::read_to_string(file).expect("readable");
        let (trace, finished) = py::run_virtual(&source, 0, py::Limits::default(), py::DEFAULT_VIRTUAL_BOUND, 1 << 20)
            .expect("the corpus parses");
        let mut rule: Vec<String> = trace
            .warnings()
            .iter()
            .filter(|w| w.rule.as_str() == "error_unseen")
            .map(|w| trace.task_name(w.task).to_owned())
            .collect();
        let mut cpython: Vec<String> = finished
            .warnings
            .iter()
            .filter_map(|w| w.strip_prefix("Task exception was never retrieved: task "))
            .filter_map(|rest| rest.split(' ').next().map(str::to_owned))
            .collect();
        rule.sort();
        cpython.sort();
        flagged += rule.len();
        if rule != cpython {
            let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
            wrong.push(format!("{name}: the rule names {rule:?}, CPython {cpython:?}"));
        }
    }
    assert!(flagged >= 1, "some program leaves an error unseen");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
