//! Cancel under churn (an ignored test: `cargo xtask soak` runs it, on
//! 127.0.0.1 only). `ASYNCSCOPE_SOAK_CYCLES` (default 1,000) run → cancel
//! cycles in headless Chromium, over every demo in turn (every other pass
//! with `work=request` where a demo takes it, so that requests reach the
//! lab), each cancelled after a random 0–300 ms (`ASYNCSCOPE_SOAK_SEED`
//! picks the delays). After each: the run has ended (cancelled, or done if
//! it finished first), no task is still running, nothing is left open
//! (the status line's `data-open-timers`, `data-open-permits`,
//! `data-open-requests` are 0), and the lab has no request in flight
//! (`/api/stats`). At the end the JS heap (after a forced GC, on the home
//! page) and the wasm
//! memory are within 1.2× of what they were after the first two passes
//! (every demo once with timers, once with requests).

use std::time::{Duration, Instant};

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::demos;
use asyncscope_e2e::Harness;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// xorshift64*: the delays, repeatable from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// A batch of cycles, in the page, as one script. For each cycle (a
/// route and a delay): open the route (`location.hash`), press Run once it
/// is offered, confirm a long run, wait the delay, press Cancel if the run
/// is still going, wait for its end, read the status line, then ask the
/// lab (`/api/stats`) until nothing is in flight (at most 3 s). It returns
/// one result a cycle.
///
/// The page is driven by one script per batch, not by WebDriver calls per
/// step: chromedriver keeps every element it hands out for the document's
/// life (one kept element of a replaced demo page keeps that page's whole
/// detached tree alive), and each script it runs leaves some 100 bytes in
/// the page's heap (an async one, some 20 KB). A cycle of many WebDriver
/// calls would measure the driver, not the page.
const BATCH: &str = "
    const [cycles] = arguments; const done = arguments[arguments.length - 1];
    const q = (css) => document.querySelector(css);
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const until = async (cond, ms) => {
        const t0 = performance.now();
        while (performance.now() - t0 <= ms) { if (await cond()) { return true; } await sleep(20); }
        return false;
    };
    const inFlight = async () => {
        try { return (await (await fetch('/api/stats', { cache: 'no-store' })).json()).in_flight; } catch (e) { return -1; }
    };
    (async () => {
        const out = [];
        for (const [route, delay, ready] of cycles) {
            const r = { route };
            out.push(r);
            location.hash = '#/' + route;
            if (!await until(() => q(ready), 30000)) { r.error = 'Run never offered'; continue; }
            q('#run:not([disabled])').click();
            const started = '.runner[data-state=running], .runner[data-state=done], [data-notice=long-run]';
            if (!await until(() => q(started), 10000)) { r.error = 'the run never started'; continue; }
            r.asked = !!q('[data-notice=long-run]');
            if (r.asked) { q('#confirm-real').click(); await until(() => q('.runner[data-state=running]'), 10000); }
            await sleep(delay);
            const cancel = q('#cancel:not([disabled])');
            if (cancel) { cancel.click(); }
            const ended = '.runner[data-state=cancelled], .runner[data-state=done]';
            if (!await until(() => q(ended), 15000)) { r.error = 'never ended after Cancel'; continue; }
            r.cancelled = !!q('.runner[data-state=cancelled]');
            const p = q('p.status');
            r.text = p && p.textContent;
            r.timers = p && p.dataset.openTimers;
            r.permits = p && p.dataset.openPermits;
            r.requests = p && p.dataset.openRequests;
            await until(async () => (await inFlight()) === 0, 3000);
            r.in_flight = await inFlight();
        }
        done(out);
    })();
";

/// True if `css` matches now (a script, not an element reference).
async fn exists(h: &Harness, css: &str) -> bool {
    h.client
        .execute("return !!document.querySelector(arguments[0]);", vec![css.into()])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        == Some(true)
}

/// Waits up to `timeout` for `css`; false if it never shows.
async fn shows(h: &Harness, css: &str, timeout: Duration) -> bool {
    let until = Instant::now() + timeout;
    while Instant::now() < until {
        if exists(h, css).await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// How many objects of some kinds the page's heap holds (DevTools'
/// `queryObjects`): what would grow if the page leaked JS objects, DOM
/// nodes, closures or requests.
async fn live_objects(h: &Harness) -> String {
    let mut out = Vec::new();
    for kind in [
        "Object",
        "Function",
        "Array",
        "Promise",
        "Node",
        "Response",
        "AbortController",
    ] {
        let group = serde_json::json!("soak");
        let proto = h
            .cdp(
                "Runtime.evaluate",
                serde_json::json!({ "expression": format!("{kind}.prototype"), "objectGroup": group }),
            )
            .await;
        let found = h
            .cdp(
                "Runtime.queryObjects",
                serde_json::json!({ "prototypeObjectId": proto["result"]["objectId"], "objectGroup": group }),
            )
            .await;
        let n = h
            .cdp(
                "Runtime.callFunctionOn",
                serde_json::json!({
                    "functionDeclaration": "function () { return this.length; }",
                    "objectId": found["objects"]["objectId"],
                    "returnByValue": true,
                    "objectGroup": group,
                }),
            )
            .await;
        // What DevTools holds for the query is let go at once.
        h.cdp(
            "Runtime.releaseObjectGroup",
            serde_json::json!({ "objectGroup": group }),
        )
        .await;
        out.push(format!("{kind} {}", n["result"]["value"]));
    }
    out.join(", ")
}

/// The JS heap after a forced collection, and the wasm memory, in bytes,
/// measured on the home page (a demo page's own size, which differs from
/// demo to demo, would swamp what the cycles leave behind).
async fn memory(h: &Harness) -> (f64, f64) {
    h.open("/#/").await;
    shows(h, "[data-metric=cards_shown]", Duration::from_secs(10)).await;
    let heap = h
        .js_number("if (window.gc) { window.gc(); } return performance.memory.usedJSHeapSize;")
        .await;
    let wasm = h
        .js_number("return window.__wasm ? window.__wasm.memory.buffer.byteLength : NaN;")
        .await;
    (heap, wasm)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak: run by cargo xtask soak"]
async fn cancel_under_churn() {
    let cycles = setting("ASYNCSCOPE_SOAK_CYCLES", 1000) as usize;
    // How often it says how it is going.
    // Cycles per batch (one script in the page), and how often it says
    // how it is going.
    let every = setting("ASYNCSCOPE_SOAK_EVERY", 100).max(1) as usize;
    let mut rng = Rng(setting("ASYNCSCOPE_SOAK_SEED", 1).max(1));
    let h = Harness::start_with_flags(true, &["--js-flags=--expose-gc", "--enable-precise-memory-info"]).await;
    // trunk hands the wasm instance's exports (its memory among them) to
    // this event; keep them.
    h.on_new_document("addEventListener('TrunkApplicationStarted', e => { window.__wasm = e.detail.wasm; });")
        .await;
    h.client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            // A batch's cycles take under a minute each, even the slowest.
            Some(Duration::from_secs(60 * every.max(2 * ENTRIES.len()) as u64)),
            None,
            None,
        ))
        .await
        .expect("timeouts");
    h.open("/#/").await;
    let slugs: Vec<&str> = ENTRIES.iter().map(|e| e.slug).collect();
    let started = Instant::now();
    let (mut cancelled, mut finished_first, mut asked_first) = (0, 0, 0);
    let mut failures: Vec<String> = Vec::new();
    let mut first: Option<(f64, f64)> = None;
    // Every cycle, decided here (the delays from the seed).
    let plan: Vec<serde_json::Value> = (0..cycles)
        .map(|i| {
            let slug = slugs[i % slugs.len()];
            let with_requests =
                (i / slugs.len()) % 2 == 1 && demos::specs(slug).is_some_and(|s| s.iter().any(|p| p.name == "work"));
            // A link with parameters runs in virtual time as it opens.
            let (route, ready) = if with_requests {
                (
                    format!("{slug}?work=request"),
                    ".runner[data-state=done] #run:not([disabled])",
                )
            } else {
                (slug.to_string(), ".runner[data-state=idle] #run:not([disabled])")
            };
            serde_json::json!([route, rng.below(301), ready])
        })
        .collect();
    // The first batch is the first two passes (every demo with timers,
    // then with requests): the memory's start is taken after it, once the
    // page's code has been through each path.
    let mut bounds = vec![0, (2 * slugs.len()).min(cycles)];
    while bounds[bounds.len() - 1] < cycles {
        let next = (bounds[bounds.len() - 1] + every).min(cycles);
        bounds.push(next);
    }
    h.open(&format!("/#/{}", slugs[0])).await;
    for w in bounds.windows(2) {
        let (from, to) = (w[0], w[1]);
        if from == to {
            continue;
        }
        let ran = h
            .client
            .execute_async(BATCH, vec![serde_json::Value::Array(plan[from..to].to_vec())])
            .await
            .unwrap_or_else(|e| panic!("cycles {from}..{to}: {e}"));
        for (k, r) in ran.as_array().cloned().unwrap_or_default().iter().enumerate() {
            let fail = |why: String| format!("cycle {} ({}): {why}", from + k, r["route"].as_str().unwrap_or("?"));
            if let Some(error) = r["error"].as_str() {
                failures.push(fail(error.to_string()));
                continue;
            }
            if r["asked"] == true {
                asked_first += 1;
            }
            if r["cancelled"] == true {
                cancelled += 1;
            } else {
                finished_first += 1;
            }
            let text = r["text"].as_str().unwrap_or_default();
            if text.contains("running") {
                failures.push(fail(format!("a task still running: {text}")));
            }
            for what in ["timers", "permits", "requests"] {
                if r[what] != "0" {
                    failures.push(fail(format!("{what} left open: {}", r[what])));
                }
            }
            if r["in_flight"] != 0 {
                failures.push(fail(format!("{} requests in flight on the lab", r["in_flight"])));
            }
        }
        let (heap, wasm) = memory(&h).await;
        if first.is_none() {
            first = Some((heap, wasm));
        }
        let held = h
            .client
            .execute(
                "return [performance.getEntries().length, document.getElementsByTagName('*').length, history.length];",
                vec![],
            )
            .await
            .unwrap_or_default();
        println!(
            "churn: {to} cycles in {:.0} s, heap {:.2} MB, wasm {:.1} MB, [performance entries, DOM elements, history] {held}, \
             live objects: {}; {} failures",
            started.elapsed().as_secs_f64(),
            heap / 1e6,
            wasm / 1e6,
            live_objects(&h).await,
            failures.len()
        );
        // Back on a demo page for the next batch.
        h.open(&format!("/#/{}", slugs[0])).await;
    }
    let (heap, wasm) = memory(&h).await;
    let (heap0, wasm0) = first.unwrap_or((heap, wasm));
    let stats = h.lab_stats().await;
    let entries = h
        .client
        .execute(
            "const m = {}; for (const e of performance.getEntries()) { m[e.entryType] = (m[e.entryType] || 0) + 1; } return m;",
            vec![],
        )
        .await
        .unwrap_or_default();
    println!(
        "cancel under churn: {cycles} cycles over {} demos in {:.0} s: {cancelled} cancelled, {finished_first} ended before \
         the cancel, {asked_first} asked first (long runs); {} failures; JS heap {:.1} → {:.1} MB ({:.2}×), wasm memory \
         {:.1} → {:.1} MB ({:.2}×) from the end of the first two passes; performance entries {entries}; lab: {stats}",
        slugs.len(),
        started.elapsed().as_secs_f64(),
        failures.len(),
        heap0 / 1e6,
        heap / 1e6,
        heap / heap0,
        wasm0 / 1e6,
        wasm / 1e6,
        wasm / wasm0,
    );
    for f in failures.iter().take(30) {
        println!("  FAILED {f}");
    }
    h.finish().await;
    assert!(failures.is_empty(), "{} cycles failed (above)", failures.len());
    assert!(heap.is_finite() && wasm.is_finite(), "memory not measured");
    assert!(heap <= heap0 * 1.2, "JS heap {heap0} → {heap}");
    assert!(wasm <= wasm0 * 1.2, "wasm memory {wasm0} → {wasm}");
}
