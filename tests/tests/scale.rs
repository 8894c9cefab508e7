//! Scale figures for the page (a benchmark, not a pass/fail test: run by
//! `cargo xtask bench`, or `cargo test -p asyncscope-e2e --test scale --
//! --ignored --nocapture`). It prints:
//! - a live run of 1,000 tasks on real timers: the main thread's long tasks
//!   (the Long Tasks API: any task over 50 ms) and the frame intervals;
//! - a virtual run of 10,000 tasks: how long the run and first drawing
//!   take; "Run in virtual time" of the same, watched for long tasks (its
//!   slices, final snapshot and first drawing); then frame intervals while
//!   panning and while scrolling lanes.

use std::time::{Duration, Instant};

use asyncscope_e2e::Harness;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(120);

fn stats(label: &str, intervals: &[f64]) {
    if intervals.is_empty() {
        println!("{label}: no frames");
        return;
    }
    let mut sorted = intervals.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    let p95 = sorted[(sorted.len() * 95 / 100).min(sorted.len() - 1)];
    let max = sorted[sorted.len() - 1];
    println!(
        "{label}: {} frames, mean {mean:.1} ms ({:.0} fps), p95 {p95:.1} ms, worst {max:.1} ms",
        sorted.len(),
        1000.0 / mean
    );
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

const OBSERVE: &str = "window.__long = []; window.__frames = []; \
    new PerformanceObserver(l => window.__long.push(...l.getEntries().map(e => e.duration))) \
        .observe({ type: 'longtask', buffered: false }); \
    (function tick(t) { window.__frames.push(t); if (!window.__stop) requestAnimationFrame(tick); })(performance.now());";

const DRIVE: &str = "const done = arguments[arguments.length - 1]; \
    const what = arguments[0]; const target = document.querySelector(arguments[1]); \
    const times = []; let i = 0; \
    function step(t) { times.push(t); if (i++ >= 150) { done(times); return; } \
      if (what === 'pan') target.dispatchEvent(new WheelEvent('wheel', { deltaX: 25, bubbles: true, cancelable: true })); \
      else target.scrollTop = (i * 97) % (target.scrollHeight - target.clientHeight); \
      requestAnimationFrame(step); } \
    requestAnimationFrame(step);";

/// Presses "Run in virtual time" and returns once the runner has been busy
/// and is done again with lanes drawn (a run may be over between two looks
/// of a WebDriver wait, so the states are watched as they change).
const RERUN: &str = "const done = arguments[arguments.length - 1]; \
    const runner = document.querySelector('.runner'); let busy = false; \
    const look = () => { if (runner.dataset.state === 'running') busy = true; \
      if (busy && runner.dataset.state === 'done' && runner.querySelector('.lane')) { seen.disconnect(); done(true); } }; \
    const seen = new MutationObserver(look); \
    seen.observe(runner, { attributes: true, attributeFilter: ['data-state'], subtree: true, childList: true }); \
    document.querySelector('#run-virtual').click();";

fn intervals(times: &[f64]) -> Vec<f64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run by cargo xtask bench"]
async fn page_scale_figures() {
    let h = Harness::start().await;

    // 1,000 tasks live, on real timers: 10 waves of 100, 300 ms each.
    // (The link runs in virtual time as it opens; then Run runs it live.)
    h.open_link("/#/semaphore?tasks=1000&limit=100&duration_ms=300").await;
    h.client.execute(OBSERVE, vec![]).await.expect("observe");
    let started = Instant::now();
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    let took = started.elapsed();
    let v = h
        .client
        .execute("window.__stop = true; return [window.__long, window.__frames];", vec![])
        .await
        .expect("figures");
    let long = numbers(&v[0]);
    let frames = intervals(&numbers(&v[1]));
    println!(
        "live, 1,000 tasks (semaphore of 100, 10 waves of 300 ms): done in {:.2} s; long tasks (> 50 ms): {}{}",
        took.as_secs_f64(),
        long.len(),
        long.iter()
            .copied()
            .reduce(f64::max)
            .map_or(String::new(), |m| format!(", the longest {m:.0} ms"))
    );
    stats("live, 1,000 tasks: frame intervals", &frames);

    // 10,000 tasks in virtual time (the link runs as it opens), then pan
    // and scroll.
    let started = Instant::now();
    h.open("/#/semaphore?tasks=10000&limit=100&duration_ms=1000").await;
    h.wait_for(".runner[data-state=done] .lane", WAIT).await;
    let lanes = h
        .client
        .execute("return Number(document.querySelector('.lanes').dataset.lanes)", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    println!(
        "virtual, 10,000 tasks: run and first drawing in {:.2} s ({lanes} lanes, {} events)",
        started.elapsed().as_secs_f64(),
        h.number("[data-metric=log_rows]").await
    );
    // The same run again through "Run in virtual time", watched: its
    // slices, its final snapshot and its first drawing, each a task of the
    // main thread; none should pass 50 ms.
    h.client.execute(OBSERVE, vec![]).await.expect("observe");
    let started = Instant::now();
    h.client
        .execute_async(RERUN, vec![])
        .await
        .expect("Run in virtual time, until drawn");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let long = h
        .client
        .execute("window.__stop = true; return window.__long;", vec![])
        .await
        .expect("long");
    let mut long = numbers(&long);
    long.sort_by(|a, b| b.total_cmp(a));
    println!(
        "virtual, 10,000 tasks, Run in virtual time: drawn in {:.2} s; long tasks (> 50 ms): {}{}",
        started.elapsed().as_secs_f64(),
        long.len(),
        if long.is_empty() {
            String::new()
        } else {
            format!(
                ", {} ms",
                long.iter().map(|d| format!("{d:.0}")).collect::<Vec<_>>().join(", ")
            )
        }
    );
    h.click("#zoom-in").await;
    h.click("#zoom-in").await;
    h.client.execute(OBSERVE, vec![]).await.expect("observe");
    let times = h
        .client
        .execute_async(DRIVE, vec!["pan".into(), ".timeline".into()])
        .await
        .expect("pan");
    stats(
        "virtual, 10,000 tasks: frame intervals while panning",
        &intervals(&numbers(&times)),
    );
    let times = h
        .client
        .execute_async(DRIVE, vec!["scroll".into(), ".lanes.scroll".into()])
        .await
        .expect("scroll");
    stats(
        "virtual, 10,000 tasks: frame intervals while scrolling lanes",
        &intervals(&numbers(&times)),
    );
    let long = h
        .client
        .execute("window.__stop = true; return window.__long;", vec![])
        .await
        .expect("long");
    let long = numbers(&long);
    println!(
        "virtual, 10,000 tasks, panning and scrolling: long tasks (> 50 ms): {}{}",
        long.len(),
        long.iter()
            .copied()
            .reduce(f64::max)
            .map_or(String::new(), |m| format!(", the longest {m:.0} ms"))
    );
    h.finish().await;
}
