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
    h.open_link("/demo.html#/semaphore?tasks=1000&limit=100&duration_ms=300")
        .await;
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
    h.open("/demo.html#/semaphore?tasks=10000&limit=100&duration_ms=1000")
        .await;
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

/// The samples behind `cargo xtask bench`'s table: each measurement of the
/// app beside its baseline in the same browser, alternating, printed as
/// `bench-sample<TAB>row<TAB>side<TAB>value` lines (or `bench-skip<TAB>row<TAB>why`)
/// for xtask to gather. The JavaScript baselines (`benches/page/bench.js`)
/// run in the app's own page; the hello-world baseline is served by a
/// second lab server from `$ASYNCSCOPE_BENCH_HELLO`. Runs only when
/// `ASYNCSCOPE_BENCH_TABLE` is set (so that `--ignored` alone does not).
mod table {
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use asyncscope_e2e::Harness;
    use asyncscope_lab::{Config, Running};
    use fantoccini::wd::TimeoutConfiguration;
    use serde_json::{Value, json};

    const BENCH_JS: &str = include_str!("../../benches/page/bench.js");

    /// The countdown of the table: 60 ticks of 100 ms, one countdown.
    const COUNTDOWN: &str = "/demo.html#/countdown?counts=60&tick_ms=100";
    const TICKS: usize = 60;
    const PERIOD_MS: f64 = 100.0;
    /// Where the main thread's busy share is taken during a countdown:
    /// from 1 s to 5 s after its start (its steady state).
    const BUSY_FROM: Duration = Duration::from_secs(1);
    const BUSY_FOR: Duration = Duration::from_secs(4);
    const LIMIT: u32 = 16;

    fn sample(row: &str, side: &str, value: f64) {
        println!("bench-sample\t{row}\t{side}\t{value}");
    }

    fn skip(rows: &[&str], why: &str) {
        let why = why.replace(['\t', '\n'], " ");
        for row in rows {
            println!("bench-skip\t{row}\t{why}");
        }
    }

    async fn js(h: &Harness, script: &str) -> Result<Value, String> {
        h.client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("a script failed: {e}"))
    }

    /// Runs `body`, an expression of a promise, and returns what it resolves
    /// to; a rejection is an error.
    async fn awaited(h: &Harness, body: &str) -> Result<Value, String> {
        let script = format!(
            "const done = arguments[arguments.length - 1]; \
             Promise.resolve().then(() => {body}).then(v => done({{ ok: v }}), e => done({{ err: String(e) }}));"
        );
        let v = h
            .client
            .execute_async(&script, vec![])
            .await
            .map_err(|e| format!("a script failed: {e}"))?;
        match (v.get("ok"), v.get("err")) {
            (Some(ok), _) => Ok(ok.clone()),
            (_, Some(err)) => Err(err.as_str().unwrap_or("the page's script failed").to_string()),
            _ => Err(format!("the page's script answered {v}")),
        }
    }

    fn num(v: &Value, key: &str) -> Result<f64, String> {
        v.get(key)
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("no number {key:?} in {v}"))
    }

    fn numbers(v: &Value) -> Vec<f64> {
        v.as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    }

    /// Nearest-rank percentile of `xs` (not empty).
    fn percentile(xs: &[f64], p: f64) -> f64 {
        let mut s = xs.to_vec();
        s.sort_by(f64::total_cmp);
        let rank = ((p * s.len() as f64).ceil() as usize).clamp(1, s.len());
        s[rank - 1]
    }

    /// Opens `url` in a fresh document (a blank page first, so that a URL
    /// differing only in its fragment still loads anew).
    async fn fresh(h: &Harness, url: &str) -> Result<(), String> {
        h.client
            .goto("about:blank")
            .await
            .map_err(|e| format!("cannot open about:blank: {e}"))?;
        h.client.goto(url).await.map_err(|e| format!("cannot open {url}: {e}"))
    }

    /// Opens a demo's route in a fresh document and waits until the run it
    /// starts as it opens (in virtual time) is done and drawn.
    async fn open_demo(h: &Harness, route: &str) -> Result<(), String> {
        fresh(h, &format!("{}{route}", h.server.url())).await?;
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let state = js(
                h,
                "const r = document.querySelector('.runner'); \
                 return r ? (r.dataset.state === 'done' && !r.querySelector('.lane') ? 'drawing' : r.dataset.state) : null;",
            )
            .await?;
            if matches!(state.as_str(), Some("done" | "idle")) {
                // Let the tail of that run's drawing pass.
                tokio::time::sleep(Duration::from_millis(500)).await;
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("{route} was not ready within 120 s (state {state})"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Navigation start → wasm instantiated and → first element of the page
    /// in <body>, in ms, for a fresh load of `url`.
    async fn startup(h: &Harness, url: &str) -> Result<(f64, f64), String> {
        fresh(h, url).await?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = js(
                h,
                "const s = window.__bench && window.__bench.startup; \
                 return s && s.firstDom !== null && s.instantiated !== null ? [s.instantiated, s.firstDom] : null;",
            )
            .await?;
            if let [inst, dom] = numbers(&v)[..] {
                return Ok((inst, dom));
            }
            if Instant::now() > deadline {
                return Err(format!("{url}: no first DOM within 60 s"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `ASYNCSCOPE_BENCH_PROFILE=FILE`: starts a CPU profile of the page,
    /// sampled every `interval_us`, for DevTools (a build that keeps its
    /// names shows Rust functions); `None` when the variable is not set.
    async fn profile_start(h: &Harness, interval_us: u32) -> Option<std::ffi::OsString> {
        let path = std::env::var_os("ASYNCSCOPE_BENCH_PROFILE")?;
        h.cdp("Profiler.enable", json!({})).await;
        h.cdp("Profiler.setSamplingInterval", json!({ "interval": interval_us }))
            .await;
        h.cdp("Profiler.start", json!({})).await;
        Some(path)
    }

    /// Stops the profile [`profile_start`] started and writes it to its
    /// FILE with `suffix` added.
    async fn profile_stop(h: &Harness, path: Option<std::ffi::OsString>, suffix: &str) {
        if let Some(mut path) = path {
            path.push(suffix);
            let p = h.cdp("Profiler.stop", json!({})).await;
            let _ = std::fs::write(&path, p.get("profile").map(Value::to_string).unwrap_or_default());
        }
    }

    /// The renderer's main thread: seconds busy with tasks, seconds of CPU
    /// time, and the clock.
    async fn busy_clock(h: &Harness) -> Result<(f64, f64, f64), String> {
        let v = h.cdp("Performance.getMetrics", json!({})).await;
        let metric = |name: &str| {
            v.get("metrics")
                .and_then(Value::as_array)
                .and_then(|m| m.iter().find(|x| x.get("name").and_then(Value::as_str) == Some(name)))
                .and_then(|x| x.get("value"))
                .and_then(Value::as_f64)
                .ok_or_else(|| format!("Performance.getMetrics gave no {name}: {v}"))
        };
        // Where the busy time went, for whoever reads the output.
        if std::env::var_os("ASYNCSCOPE_BENCH_DETAIL").is_some() {
            let parts: Vec<String> = [
                "TaskDuration",
                "ScriptDuration",
                "LayoutDuration",
                "RecalcStyleDuration",
                "TaskOtherDuration",
                "DevToolsCommandDuration",
                "V8CompileDuration",
                "LayoutCount",
                "RecalcStyleCount",
                "Nodes",
            ]
            .iter()
            .filter_map(|k| metric(k).ok().map(|v| format!("{k}={v:.4}")))
            .collect();
            println!("bench-detail\t{}", parts.join(" "));
        }
        // CPU time: NaN (its row then left out) where the browser keeps none.
        let cpu = metric("ThreadTime").unwrap_or(f64::NAN);
        Ok((metric("TaskDuration")?, cpu, metric("Timestamp")?))
    }

    /// Starts `start` (an expression of a promise) in the page, measures the
    /// main thread's busy share over [`BUSY_FROM`]..+[`BUSY_FOR`], then
    /// waits for the promise. Returns its value and the percentages of the
    /// window the main thread was busy with tasks (wall time, which on a
    /// loaded machine counts the time others had the core too) and used
    /// the CPU.
    async fn with_busy(h: &Harness, start: &str) -> Result<(Value, f64, f64), String> {
        h.cdp("Performance.enable", json!({})).await;
        js(
            h,
            &format!(
                "window.__benchPending = Promise.resolve().then(() => {start})\
                 .then(v => ({{ ok: v }}), e => ({{ err: String(e) }})); return true;"
            ),
        )
        .await?;
        tokio::time::sleep(BUSY_FROM).await;
        let profile = profile_start(h, 200).await;
        let (task0, cpu0, at0) = busy_clock(h).await?;
        tokio::time::sleep(BUSY_FOR).await;
        let (task1, cpu1, at1) = busy_clock(h).await?;
        // One file per window: FILE.1, FILE.2, … (the app's, then
        // JavaScript's, in each repetition).
        static WINDOWS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = WINDOWS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        profile_stop(h, profile, &format!(".{n}")).await;
        let (busy, cpu) = if at1 > at0 {
            (
                100.0 * (task1 - task0) / (at1 - at0),
                100.0 * (cpu1 - cpu0) / (at1 - at0),
            )
        } else {
            return Err("the metrics' clock did not advance".into());
        };
        let v = awaited(h, "window.__benchPending").await?;
        match (v.get("ok"), v.get("err")) {
            (Some(ok), _) => Ok((ok.clone(), busy, cpu)),
            (_, Some(err)) => Err(err.as_str().unwrap_or("the run failed").to_string()),
            _ => Err(format!("the run answered {v}")),
        }
    }

    fn lateness_figures(side: &str, late: &[f64]) -> Result<(), String> {
        if late.len() != TICKS {
            return Err(format!("{side}: {} ticks measured, not {TICKS}", late.len()));
        }
        sample("tick_p95", side, percentile(late, 0.95));
        sample("tick_worst", side, late.iter().copied().fold(f64::MIN, f64::max));
        Ok(())
    }

    async fn countdown_rep(h: &Harness) -> Result<(), String> {
        // The app: its real run, then its own record of when each count was
        // logged (the trace it offers for download), against start + k × 100 ms.
        open_demo(h, COUNTDOWN).await?;
        // No frame counting here: its animation frame at every vsync would
        // be charged to the app's busy share (JavaScript's side has none).
        let (_, busy, cpu) = with_busy(h, "window.__bench.appRun('#run', { frames: false })").await?;
        let times = numbers(&awaited(h, "window.__bench.appTrace().then(t => window.__bench.logTimes(t))").await?);
        let Some((&first, rest)) = times.split_first() else {
            return Err("the app's trace has no log events".into());
        };
        let late: Vec<f64> = rest
            .iter()
            .enumerate()
            .map(|(k, t)| t - first - (k + 1) as f64 * PERIOD_MS)
            .collect();
        lateness_figures("asyncscope", &late)?;
        sample("idle_busy", "asyncscope", busy);
        if cpu.is_finite() {
            sample("idle_cpu", "asyncscope", cpu);
        }
        // JavaScript in the same page, freshly opened the same way.
        open_demo(h, COUNTDOWN).await?;
        let (late, busy, cpu) = with_busy(h, &format!("window.__bench.countdown({TICKS}, {PERIOD_MS})")).await?;
        lateness_figures("baseline", &numbers(&late))?;
        sample("idle_busy", "baseline", busy);
        if cpu.is_finite() {
            sample("idle_cpu", "baseline", cpu);
        }
        Ok(())
    }

    async fn tasks_rep(h: &Harness, n: u32, row: &str) -> Result<(), String> {
        let route = format!("/demo.html#/semaphore?tasks={n}&limit={LIMIT}&duration_ms=0");
        open_demo(h, &route).await?;
        // A profile of the app's run as well, in FILE.tasks1000 and
        // FILE.tasks10000 (the last repetition's).
        let profile = profile_start(h, 500).await;
        let app = awaited(h, "window.__bench.appRun('#run')").await?;
        profile_stop(h, profile, &format!(".tasks{n}")).await;
        if std::env::var_os("ASYNCSCOPE_BENCH_DETAIL").is_some() {
            // How often the run was drawn as it grew: the timeline's models
            // fed in place, copied and made again (`data-models`).
            let models = js(
                h,
                "const t = document.querySelector('.timeline'); return t && t.dataset.models;",
            )
            .await?;
            println!("bench-detail\t{row} models fed (grown copied again): {models}");
        }
        open_demo(h, &route).await?;
        let js_run = awaited(h, &format!("window.__bench.tasks({n}, {LIMIT})")).await?;
        if std::env::var_os("ASYNCSCOPE_BENCH_DETAIL").is_some() {
            println!(
                "bench-detail\t{row} long tasks [start ms, duration ms]: {}",
                app["longAt"]
            );
        }
        for (side, v) in [("asyncscope", &app), ("baseline", &js_run)] {
            sample(&format!("{row}_ms"), side, num(v, "ms")?);
            sample(&format!("{row}_long"), side, numbers(&v["long"]).len() as f64);
            sample(&format!("{row}_fps"), side, num(v, "fps")?);
        }
        Ok(())
    }

    async fn virtual_rep(h: &Harness) -> Result<(), String> {
        open_demo(h, "/demo.html#/semaphore?tasks=10000&limit=100&duration_ms=1000").await?;
        // A profile of the run and its drawing as well, in FILE.virtual
        // (the last repetition's).
        let profile = profile_start(h, 500).await;
        let v = awaited(h, "window.__bench.appRun('#run-virtual')").await?;
        profile_stop(h, profile, ".virtual").await;
        let longest = numbers(&v["long"]).into_iter().fold(0.0, f64::max);
        sample("virtual10k_longest", "asyncscope", longest);
        sample("virtual10k_drawn", "asyncscope", num(&v, "ms")?);
        // The page times its analyses of a finished run as User Timing
        // measures, one per stretch, after a mark where they begin: the
        // last run's are those after the last mark, once the timeline says
        // they are all made.
        awaited(
            h,
            "new Promise((ok, no) => { const t0 = performance.now(); \
               const look = () => document.querySelector('.timeline[data-analysed]') ? ok(true) \
                 : performance.now() - t0 > 30000 ? no('the timeline was not analysed within 30 s') \
                 : setTimeout(look, 20); look(); })",
        )
        .await?;
        let took = js(
            h,
            "const b = performance.getEntriesByName('asyncscope:analyses:begin'); \
             const from = b.length ? b[b.length - 1].startTime : 0; \
             const e = performance.getEntriesByName('asyncscope:analyses').filter(x => x.startTime >= from); \
             return e.length ? e.reduce((s, x) => s + x.duration, 0) : null;",
        )
        .await?;
        let took = took
            .as_f64()
            .ok_or("the page recorded no asyncscope:analyses measure")?;
        sample("analyses_page", "asyncscope", took);
        Ok(())
    }

    /// How long a catalog demo's real run may go on before it is cancelled
    /// (the periodic demo's runs for an hour; the others end within 7 s).
    const CATALOG_CAP_MS: u32 = 8_000;

    /// Every catalog demo once, with its default parameters: a real run
    /// (cancelled after [`CATALOG_CAP_MS`]), then a run in virtual time,
    /// each watched for long tasks. The blocking demo runs in its yielding
    /// mode: by default it blocks the thread for 500 ms on purpose, which
    /// is what it shows.
    async fn catalog_pass(h: &Harness) -> Result<(), String> {
        let routes: Vec<String> = asyncscope_core::catalog::ENTRIES
            .iter()
            .map(|e| match e.slug {
                "blocking" => "blocking?mode=yield".to_string(),
                slug => slug.to_string(),
            })
            .collect();
        open_demo(h, &format!("/demo.html#/{}", routes[0])).await?;
        let runs = awaited(
            h,
            &format!("window.__bench.catalog({}, {CATALOG_CAP_MS})", json!(routes)),
        )
        .await?;
        let runs = runs.as_array().ok_or(format!("the catalog pass answered {runs}"))?;
        if runs.len() != 2 * routes.len() {
            return Err(format!("{} runs of the catalog's {} demos", runs.len(), routes.len()));
        }
        let mut long = 0;
        for r in runs {
            let (route, clock, state) = (&r["route"], &r["clock"], r["state"].as_str().unwrap_or("?"));
            // A real run cut short at the cap ends cancelled; any other end
            // (an error, a run that never ended) is a failure of the pass.
            if !matches!(state, "done" | "cancelled") {
                return Err(format!("{route} ({clock}) ended {state}"));
            }
            let found = r["long"].as_array().map_or(0, Vec::len);
            if found > 0 {
                println!(
                    "bench-detail\tcatalog_long {route} ({clock}) [start ms, duration ms]: {}",
                    r["long"]
                );
            }
            long += found;
        }
        sample("catalog_long", "asyncscope", long as f64);
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: run by cargo xtask bench"]
    async fn bench_table_samples() {
        if std::env::var_os("ASYNCSCOPE_BENCH_TABLE").is_none() {
            println!("bench_table_samples: ASYNCSCOPE_BENCH_TABLE is not set; `cargo xtask bench` sets it");
            return;
        }
        let reps: usize = std::env::var("ASYNCSCOPE_BENCH_REPS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(5);
        // ASYNCSCOPE_BENCH_ONLY=countdown,tasks (of startup, countdown, tasks,
        // virtual, catalog) measures only those groups, to look at one figure.
        let only = std::env::var("ASYNCSCOPE_BENCH_ONLY").ok();
        let wanted = |group: &str| only.as_deref().is_none_or(|o| o.split(',').any(|g| g.trim() == group));
        let h = Harness::start().await;
        h.client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(900)),
                Some(Duration::from_secs(120)),
                Some(Duration::ZERO),
            ))
            .await
            .expect("timeouts");
        h.on_new_document(BENCH_JS).await;

        // Start-up: the app's home page and the hello-world, first visits
        // (the cache off), alternating.
        let hello_dist = std::env::var_os("ASYNCSCOPE_BENCH_HELLO").map(PathBuf::from);
        let hello = match hello_dist {
            Some(d) if d.join("index.html").is_file() => Running::start(([127, 0, 0, 1], 0).into(), Config::new(d))
                .await
                .map_err(|e| format!("cannot serve the hello-world: {e}")),
            Some(d) => Err(format!("{} has no index.html", d.display())),
            None => Err("ASYNCSCOPE_BENCH_HELLO is not set".to_string()),
        };
        let startup_rows = ["nav_first_dom", "inst_first_dom"];
        match &hello {
            Ok(_) if !wanted("startup") => {}
            Ok(hello) => {
                h.cdp("Network.enable", json!({})).await;
                h.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
                    .await;
                for rep in 0..reps {
                    // A profile of the app's load as well, in FILE.startupN
                    // (sampled finely: the load takes tens of ms).
                    let profile = profile_start(&h, 50).await;
                    let app = startup(&h, &format!("{}/", h.server.url())).await;
                    profile_stop(&h, profile, &format!(".startup{rep}")).await;
                    let base = startup(&h, &format!("{}/", hello.url())).await;
                    match (app, base) {
                        (Ok((ai, ad)), Ok((bi, bd))) => {
                            sample("nav_first_dom", "asyncscope", ad);
                            sample("nav_first_dom", "baseline", bd);
                            sample("inst_first_dom", "asyncscope", ad - ai);
                            sample("inst_first_dom", "baseline", bd - bi);
                        }
                        (Err(e), _) | (_, Err(e)) => {
                            skip(&startup_rows, &e);
                            break;
                        }
                    }
                    println!("bench: start-up {}/{reps}", rep + 1);
                }
                h.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": false }))
                    .await;
            }
            Err(e) => skip(&startup_rows, e),
        }

        for rep in (0..reps).filter(|_| wanted("countdown")) {
            if let Err(e) = countdown_rep(&h).await {
                skip(&["tick_p95", "tick_worst", "idle_busy", "idle_cpu"], &e);
                break;
            }
            println!("bench: countdown {}/{reps}", rep + 1);
        }
        for (n, row) in [(1_000, "tasks1k"), (10_000, "tasks10k")] {
            for rep in (0..reps).filter(|_| wanted("tasks")) {
                if let Err(e) = tasks_rep(&h, n, row).await {
                    skip(
                        &[&format!("{row}_ms"), &format!("{row}_long"), &format!("{row}_fps")],
                        &e,
                    );
                    break;
                }
                println!("bench: {n} tasks {}/{reps}", rep + 1);
            }
        }
        for rep in (0..reps).filter(|_| wanted("virtual")) {
            if let Err(e) = virtual_rep(&h).await {
                skip(&["virtual10k_longest", "virtual10k_drawn"], &e);
                break;
            }
            println!("bench: virtual 10,000 tasks {}/{reps}", rep + 1);
        }
        if wanted("catalog") {
            match catalog_pass(&h).await {
                Ok(()) => println!("bench: the catalog, real and in virtual time"),
                Err(e) => skip(&["catalog_long"], &e),
            }
        }
        if let Ok(hello) = hello {
            let _ = hello.stop().await;
        }
        h.finish().await;
    }
}
