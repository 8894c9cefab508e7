//! The page's words. In Chinese no English is left: every demo page, after
//! a run in virtual time, is read as a visitor sees it (its visible text
//! and its tooltips), and no run of three or more ASCII letters may remain
//! outside what is not English prose: code, task names, units and
//! identifiers, each allowed by an explicit, narrow list below. And the
//! counts say what they count: the demo's tasks, with what the harness
//! adds named apart.

use std::collections::BTreeSet;
use std::time::Duration;

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::params::ParamKind;
use asyncscope_core::{VirtualRuntime, demos};
use asyncscope_e2e::Harness;

const WAIT: Duration = Duration::from_secs(60);

/// Elements whose text is not prose: code (the source panes, `<code>`),
/// lane names (task names), the log's task menu and task column (task
/// names), and the language menu (each language named in itself).
const NOT_PROSE: &str = "pre, code, .lane-name, #log-task, .event-log td.task, #lang";

/// Units, in the page's one time style and for sizes.
const UNITS: &[&str] = &["ms", "min", "KiB", "MiB", "KB", "MB"];

/// Names that stay as they are in Chinese text: the languages and tools
/// the page is about, the API's methods and terms Chinese writing about
/// async code keeps in English, and the page's own name.
const TERMS: &[&str] = &[
    "Rust",
    "Python",
    "asyncio",
    "future",
    "futures",
    "tick",
    "worker",
    "Perfetto",
    "SVG",
    "HTTP",
    "API",
    "CPU",
    "GET",
    "POST",
    "api",
    "Shift",
    "Ctrl",
    "asyncscope",
    "Resource",
    "Timing",
    // Terms the Chinese explanations keep on purpose, most as a gloss in
    // parentheses after the Chinese word: "聚合（gather）".
    "Future",
    "async",
    "gather",
    "spawn",
    "detach",
    "join",
    "hedged",
    "guard",
    "interval",
    "put",
    "base",
    "factor",
    "CORS",
    "AbortController",
    "AbortHandle",
];

/// Every run of three or more ASCII letters (and `_`, so `join_all` is one
/// word) in `text`, leaving out the lab's paths (`GET /api/delay/100`: an
/// identifier).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let prose: String = text
        .split(' ')
        .filter(|w| !w.starts_with("/api/"))
        .collect::<Vec<_>>()
        .join(" ");
    for c in prose.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            if word.chars().filter(char::is_ascii_alphabetic).count() >= 3 {
                out.push(std::mem::take(&mut word));
            }
            word.clear();
        }
    }
    out
}

/// Identifiers a page may show in Chinese text: every parameter's name
/// and choice values (as in a pinned run's settings or a preset), and
/// the items the demos' code and the event words name (`join_all`).
fn identifiers() -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = [
        "join_all",
        "try_join_all",
        "select_all",
        "select_ok",
        "buffer_unordered",
        "notify_one",
        "notify_all",
        "next",
        "await",
        "Semaphore",
        "Queue",
        "Mutex",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for entry in ENTRIES {
        for spec in demos::specs(entry.slug).unwrap_or(&[]) {
            ids.extend(words(spec.name));
            match spec.kind {
                ParamKind::Choice(choices) | ParamKind::ChoiceList { choices, .. } => {
                    for c in choices {
                        ids.extend(words(c));
                    }
                }
                _ => {}
            }
        }
    }
    ids
}

/// The page's visible text outside [`NOT_PROSE`], and every `title`
/// (tooltip) outside it, one string per text node or attribute.
const READ: &str = "const skip = arguments[0]; const out = []; \
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); \
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { \
      const el = n.parentElement; if (!el || el.closest(skip)) continue; \
      if (el.closest('option') && !el.closest('option').selected) continue; \
      if (el.closest('script, style, title')) continue; \
      if (!el.checkVisibility({ visibilityProperty: true })) continue; \
      if (n.textContent.trim()) out.push(n.textContent); } \
    for (const el of document.querySelectorAll('[title]')) { \
      if (el.closest(skip) && !el.matches('.lane-track *')) continue; out.push(el.getAttribute('title')); } \
    for (const el of document.querySelectorAll('svg title')) { \
      if (!el.closest(skip)) out.push(el.textContent); } \
    return out;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_page_in_chinese_has_no_english_left() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.open("/#/gather").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    h.choose("#lang", "zh").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    let ids = identifiers();
    let mut found = Vec::new();
    for entry in ENTRIES {
        h.run_virtual(entry.slug).await;
        // The names the demo's code gives its resources (`queue`), from
        // the same run on the virtual clock here.
        let rt = VirtualRuntime::new();
        let started = demos::start(entry.slug, rt.env(), &[])
            .expect("defaults")
            .expect("a demo");
        rt.block_on(started.work).expect("runs");
        let resources: BTreeSet<String> = started
            .runs
            .iter()
            .flat_map(|(_, t)| {
                t.snapshot()
                    .resources()
                    .iter()
                    .flat_map(|r| words(&r.name))
                    .collect::<Vec<_>>()
            })
            .collect();
        // The task names of this run, from the log's task menu (the lanes
        // of a large run exist only in view).
        let tasks: BTreeSet<String> = h
            .client
            .execute(
                "return [...document.querySelectorAll('#log-task option')].map(o => o.value);",
                vec![],
            )
            .await
            .expect("the task menu")
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .flat_map(|name| words(&name))
            .collect();
        let texts = h
            .client
            .execute(READ, vec![serde_json::json!(NOT_PROSE)])
            .await
            .expect("the page's text");
        for text in texts.as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
            for word in words(text) {
                let allowed = UNITS.contains(&word.as_str())
                    || TERMS.contains(&word.as_str())
                    || ids.contains(&word)
                    || tasks.contains(&word)
                    || resources.contains(&word);
                if !allowed {
                    found.push(format!("{}: {word:?} in {text:?}", entry.slug));
                }
            }
        }
        if ["semaphore", "fetch", "periodic"].contains(&entry.slug) {
            h.screenshot(&format!("chinese-{}", entry.slug)).await;
        }
    }
    assert!(
        found.is_empty(),
        "English on the Chinese page ({}):\n{}",
        found.len(),
        found.join("\n")
    );
    h.finish().await;
}

/// "OK 11" for 10 semaphore tasks was the helper `release` counted with
/// them: the page shows the demo's 10 and names `release` apart, while
/// `data-metric` keeps the whole count for scripts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ok_count_is_the_demos_tasks_with_the_harness_named_apart() {
    let h = Harness::start().await;
    h.run_virtual("semaphore").await;
    assert_eq!(h.number("[data-metric=tasks_ok]").await, 11, "every task, for scripts");
    assert_eq!(h.text("[data-demo-tasks=tasks_ok]").await, "10");
    assert_eq!(h.text("[data-harness=tasks_ok]").await, "+ release");
    let shown = h.text(".run-head .metrics").await;
    assert!(
        !shown.contains("11"),
        "the whole count is not what a visitor reads: {shown}"
    );
    // gather: A and C ok, and main; B failed.
    h.run_virtual("gather").await;
    assert_eq!(h.text("[data-demo-tasks=tasks_ok]").await, "2");
    assert_eq!(h.text("[data-harness=tasks_ok]").await, "+ main");
    assert_eq!(h.text("[data-demo-tasks=tasks_failed]").await, "1");
    assert!(
        h.all("[data-harness=tasks_failed]").await.is_empty(),
        "nothing of the harness failed"
    );
    // In Chinese too.
    h.choose("#lang", "zh").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    assert_eq!(h.text("[data-harness=tasks_ok]").await, "另加 main");
    h.finish().await;
}

/// The daily schedule starts at midnight of day 1: its log and playhead
/// read days and clock times, never 33 h or 205200000 ms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_schedule_reads_as_days_and_clock_times() {
    let h = Harness::start().await;
    h.open_link("/#/periodic?schedule=daily").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    let log = h.text(".event-log").await;
    assert!(log.contains("day 2, 09:00"), "{log}");
    assert!(!log.contains("33 h"), "{log}");
    let armed = h.text(".event-log tr[data-kind=timer_armed]").await;
    assert!(armed.contains("fires at day 1, 09:00 (in 9 h)"), "{armed}");
    // The playhead, at the end of the run, on the same clock.
    assert_eq!(h.text(".playhead-time").await.trim(), "day 3, 09:00");
    assert_eq!(h.number("[data-metric=playhead_ms]").await, 57 * 3_600_000);
    // Its makespan is a duration, in human units.
    let metrics = h.text(".run-head .metrics").await;
    assert!(metrics.contains("57 h") && !metrics.contains("205200000"), "{metrics}");
    h.choose("#lang", "zh").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    let log = h.text(".event-log").await;
    assert!(log.contains("第 2 天 09:00"), "{log}");
    h.finish().await;
}
