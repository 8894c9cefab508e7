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

/// The page is driven with scripts only, never through WebDriver's element
/// references: chromedriver keeps every element it hands out for the life
/// of the document, and one kept element of a demo page that has since
/// been replaced keeps that page's whole detached tree alive, which would
/// be measured as the page's own leak.
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
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Clicks the first element matching `css`, if there is one.
async fn click(h: &Harness, css: &str) {
    let _ = h
        .client
        .execute(
            "const e = document.querySelector(arguments[0]); if (e) { e.click(); }",
            vec![css.into()],
        )
        .await;
}

/// The text and `data-open-*` attributes of the status line.
async fn status(h: &Harness) -> serde_json::Value {
    h.client
        .execute(
            "const p = document.querySelector('p.status'); if (!p) { return null; } \
             return { text: p.textContent, timers: p.dataset.openTimers, permits: p.dataset.openPermits, \
                      requests: p.dataset.openRequests };",
            vec![],
        )
        .await
        .unwrap_or_default()
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
    let every = setting("ASYNCSCOPE_SOAK_EVERY", 100).max(1) as usize;
    let mut rng = Rng(setting("ASYNCSCOPE_SOAK_SEED", 1).max(1));
    let h = Harness::start_with_flags(true, &["--js-flags=--expose-gc", "--enable-precise-memory-info"]).await;
    // trunk hands the wasm instance's exports (its memory among them) to
    // this event; keep them.
    h.on_new_document("addEventListener('TrunkApplicationStarted', e => { window.__wasm = e.detail.wasm; });")
        .await;
    h.open("/#/").await;
    let slugs: Vec<&str> = ENTRIES.iter().map(|e| e.slug).collect();
    let started = Instant::now();
    let (mut cancelled, mut finished_first, mut asked_first) = (0, 0, 0);
    let mut failures: Vec<String> = Vec::new();
    let mut first: Option<(f64, f64)> = None;
    for i in 0..cycles {
        let slug = slugs[i % slugs.len()];
        let with_requests =
            (i / slugs.len()) % 2 == 1 && demos::specs(slug).is_some_and(|s| s.iter().any(|p| p.name == "work"));
        let route = if with_requests {
            format!("{slug}?work=request")
        } else {
            slug.to_string()
        };
        let fail = |why: String| format!("cycle {i} ({route}): {why}");
        h.open(&format!("/#/{route}")).await;
        // A link with parameters runs in virtual time as it opens.
        let ready = if with_requests {
            ".runner[data-state=done] #run:not([disabled])"
        } else {
            ".runner[data-state=idle] #run:not([disabled])"
        };
        if !shows(&h, ready, Duration::from_secs(30)).await {
            failures.push(fail("Run never offered".into()));
            continue;
        }
        click(&h, "#run:not([disabled])").await;
        // A long real run asks first.
        let running = ".runner[data-state=running], .runner[data-state=done], [data-notice=long-run]";
        if !shows(&h, running, Duration::from_secs(10)).await {
            failures.push(fail("the run never started".into()));
            continue;
        }
        if exists(&h, "[data-notice=long-run]").await {
            asked_first += 1;
            click(&h, "#confirm-real").await;
            shows(&h, ".runner[data-state=running]", Duration::from_secs(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.below(301))).await;
        // The run may have ended by now: then there is nothing to click.
        click(&h, "#cancel:not([disabled])").await;
        let ended = ".runner[data-state=cancelled], .runner[data-state=done]";
        if !shows(&h, ended, Duration::from_secs(15)).await {
            failures.push(fail("never ended after Cancel".into()));
            continue;
        }
        if exists(&h, ".runner[data-state=cancelled]").await {
            cancelled += 1;
        } else {
            finished_first += 1;
        }
        let status = status(&h).await;
        let text = status["text"].as_str().unwrap_or_default();
        if text.contains("running") {
            failures.push(fail(format!("a task still running: {text}")));
        }
        for what in ["timers", "permits", "requests"] {
            if status[what] != "0" {
                failures.push(fail(format!("{what} left open: {}", status[what])));
            }
        }
        // An aborted request reaches the server a moment later.
        let mut in_flight = h.lab_stats().await["in_flight"].as_u64();
        for _ in 0..60 {
            if in_flight == Some(0) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            in_flight = h.lab_stats().await["in_flight"].as_u64();
        }
        if in_flight != Some(0) {
            failures.push(fail(format!("{in_flight:?} requests in flight on the lab")));
        }
        // The start is the end of the first two passes: every demo has run
        // both with timers and with requests, so the page's code has been
        // through each path once (V8's compiled code and feedback count in
        // its heap).
        if i + 1 == (2 * slugs.len()).min(cycles) {
            first = Some(memory(&h).await);
        }
        if (i + 1) % every == 0 {
            let (heap, wasm) = memory(&h).await;
            let held = h
                .client
                .execute(
                    "return [performance.getEntries().length, document.getElementsByTagName('*').length, history.length];",
                    vec![],
                )
                .await
                .unwrap_or_default();
            println!(
                "churn: {} cycles in {:.0} s, heap {:.2} MB, wasm {:.1} MB, [performance entries, DOM elements, history] {held}, {} failures",
                i + 1,
                started.elapsed().as_secs_f64(),
                heap / 1e6,
                wasm / 1e6,
                failures.len()
            );
        }
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
