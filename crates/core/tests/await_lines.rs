//! The line a pending task is lit at is the `.await` it is suspended in:
//! for every demo of the catalog, at several instants, each pending task's
//! await site is a line of the shown code that awaits. (It reads the
//! shown code: the core's feature `texts`, a default.)
#![cfg(feature = "texts")]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::BTreeMap;
use std::time::Duration;

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::trace::{EventKind, SiteId};
use asyncscope_core::{TaskId, Trace, VirtualRuntime, demos};

/// Runs `slug` with its defaults and returns each run's trace.
fn run(slug: &str) -> Vec<(&'static str, Trace)> {
    let rt = VirtualRuntime::new();
    let started = demos::start(slug, rt.env(), &[]).expect("valid").expect("a demo");
    rt.block_on(started.work).expect("does not stall");
    started.runs.iter().map(|(l, t)| (*l, t.snapshot())).collect()
}

/// The tasks pending at `at` (after every event of that instant), each
/// with the site of its last pending poll.
fn pending(trace: &Trace, at: Duration) -> BTreeMap<TaskId, Option<SiteId>> {
    let mut pending = BTreeMap::new();
    for ev in trace.events().iter().take_while(|e| e.at() <= at) {
        match ev.kind {
            EventKind::PollEnd { ready: false, site } => {
                pending.insert(ev.task, site);
            }
            EventKind::PollStart | EventKind::Completed { .. } => {
                pending.remove(&ev.task);
            }
            _ => {}
        }
    }
    pending
}

/// The shown line (trimmed) a site lights in `slug`'s code, if any.
fn shown_text(slug: &str, trace: &Trace, site: Option<SiteId>) -> Option<String> {
    let site = trace.site(site?)?;
    let line = demos::shown_line(slug, &site.file, site.line)?;
    let code = demos::shown_source(slug)?;
    Some(code.lines().nth(line as usize - 1)?.trim().to_string())
}

/// `(demo, task, instant in ms, the shown line it is lit at)`.
const TABLE: &[(&str, &str, u64, &str)] = &[
    ("sequential-vs-concurrent", "job0", 1000, "env.sleep(duration).await;"),
    ("lazy-and-spawn", "caller", 500, "let _ = handle.await;"),
    ("lazy-and-spawn", "task0", 500, "env.sleep(duration).await;"),
    (
        "gather",
        "main",
        500,
        "let results: Vec<Result<String, JobError>> = join_all(all).await;",
    ),
    (
        "first-completed",
        "main",
        500,
        "let (first, index, losers) = select_all(racers).await;",
    ),
    (
        "as-completed",
        "main",
        500,
        "while let Some(result) = pending.next().await {",
    ),
    (
        "as-completed",
        "main",
        1500,
        "while let Some(result) = pending.next().await {",
    ),
    (
        "timeout",
        "main",
        1000,
        "timeout(&env, p.limit, op).await.map_err(|e| e.to_string())",
    ),
    ("timeout", "operation", 1000, "env.sleep(next).await;"),
    ("cancellation", "main", 1500, "env.sleep(p.cancel_at).await;"),
    (
        "cancellation",
        "worker",
        1500,
        "while let Some(tick) = schedule.next().await {",
    ),
    (
        "cancellation",
        "child",
        1500,
        "let _ = e.fetch(Request::get(\"/api/delay/30000\")).await;",
    ),
    ("countdown", "countdown5", 500, "ticks.next().await;"),
    ("countdown", "countdown2", 1500, "ticks.next().await;"),
    (
        "periodic",
        "worker",
        1000,
        "Sleeps::Absolute => env.sleep_until(next).await,",
    ),
    (
        "retry",
        "main",
        100,
        "match with_retry(&env, policy, |_error| true, make_attempt).await {",
    ),
    (
        "retry",
        "main",
        1100,
        "match with_retry(&env, policy, |_error| true, make_attempt).await {",
    ),
    (
        "semaphore",
        "task0",
        500,
        "let _ = job(&env, p.work, &name, p.duration, false).await;",
    ),
    ("semaphore", "task3", 500, "let _permit = semaphore.acquire().await;"),
    ("fetch", "main", 100, "let results = join_all(requests).await;"),
    ("fetch", "request0", 100, ".await"),
    (
        "download",
        "main",
        400,
        "let (_result, ()) = join(work, canceller).await;",
    ),
    (
        "download",
        "download",
        400,
        "while let Some(chunk) = chunks.next().await {",
    ),
    ("queue", "producer0", 50, "env.sleep(every).await;"),
    ("queue", "consumer0", 50, "while let Ok(item) = queue.pop().await {"),
    ("sync-primitives", "notifier", 500, "env.sleep_until(at).await;"),
    ("streams", "consumer", 250, "env.sleep(every).await;"),
    ("sync-primitives", "holder1", 500, "let _guard = lock.lock().await;"),
    ("sync-primitives", "waiter0", 500, "event.wait().await;"),
    (
        "sync-primitives",
        "consumer2",
        3600,
        "items = ready.wait(&stock, items).await;",
    ),
    ("setup-teardown", "session", 100, ".await;"),
    (
        "task-manager",
        "manager",
        100,
        "join(join_all(workers), canceller).await;",
    ),
    ("task-manager", "w1", 100, "None => Some(job.await),"),
    ("task-manager", "job1", 100, "env.sleep(unit).await;"),
    ("blocking", "timer0", 50, "env.sleep_until(due).await;"),
];

/// Rows of [`TABLE`] whose line the asyncio twin has no counterpart for:
/// the twin of `cancellation` has no child request, that of `download` no
/// canceller.
const NO_TWIN: &[(&str, &str)] = &[("cancellation", "child"), ("download", "main")];

#[test]
fn each_task_is_lit_at_the_await_it_waits_at() {
    let mut failures = Vec::new();
    for &(slug, task, at, expected) in TABLE {
        let runs = run(slug);
        let found: Vec<String> = runs
            .iter()
            .flat_map(|(_, trace)| {
                pending(trace, Duration::from_millis(at))
                    .into_iter()
                    .filter(|(id, _)| trace.task_name(*id) == task)
                    .map(|(_, site)| shown_text(slug, trace, site).unwrap_or_else(|| "(none)".to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        if found.first().map(String::as_str) != Some(expected) {
            failures.push(format!("{slug} {task} at {at} ms: {found:?}, expected {expected:?}"));
        }
        // The asyncio tab lights the twin of every line of the table.
        let code = demos::shown_source(slug).expect("code");
        let line = code.lines().position(|l| l.trim() == expected).expect(expected) as u32 + 1;
        if demos::twin_line(slug, line).is_none() && !NO_TWIN.contains(&(slug, task)) {
            failures.push(format!("{slug}: no asyncio twin for {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Every pending task of every demo, at a tenth, half and nine tenths of
/// its run and at each instant of the table, is lit at a shown line that
/// awaits: the one exception is a job of the shared helper (`job(..)`,
/// not shown), lit at the line that made it.
#[test]
fn every_pending_task_is_lit_at_an_await() {
    let mut failures = Vec::new();
    for entry in ENTRIES {
        for (label, trace) in run(entry.slug) {
            let end = trace.makespan().unwrap_or_default();
            let mut instants = vec![end / 10, end / 2, end * 9 / 10];
            instants.extend(
                TABLE
                    .iter()
                    .filter(|row| row.0 == entry.slug)
                    .map(|row| Duration::from_millis(row.2)),
            );
            for at in instants {
                for (id, site) in pending(&trace, at) {
                    let text = shown_text(entry.slug, &trace, site);
                    let ok = text
                        .as_deref()
                        .is_some_and(|t| t.contains(".await") || t.contains("job("));
                    if !ok {
                        failures.push(format!(
                            "{} {label} {} at {} ms: {text:?}",
                            entry.slug,
                            trace.task_name(id),
                            at.as_millis()
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
