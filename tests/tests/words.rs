//! The page's words. In Chinese no English is left: every demo page, after
//! a run in virtual time, is read as a visitor sees it (its visible text,
//! its tooltips, what a screen reader says, its tab's title), and no run of
//! three or more ASCII letters may remain outside what is not English
//! prose: code, task names, units and identifiers, each allowed by an
//! explicit, narrow list below. So is a
//! page that refuses its link (a rule across fields broken, a value out of
//! range, a bad choice, a bad seed, a name the demo does not take) and the
//! composer with a syntax error: what they say is Chinese, and names what
//! is allowed with the same numbers. And the counts say what they count:
//! the demo's tasks, with what the harness adds named apart.

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
    // Python's own interpreter, which the composer is compared with.
    "CPython",
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
        // asyncio's functions, as the composer's lead names them
        // (`asyncio.sleep`, `create_task`).
        "sleep",
        "create_task",
        // asyncio's `shield`, as the timeout's preset names it.
        "shield",
        // asyncio's name for what `try_join_all` does, as a warning says.
        "TaskGroup",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // The Warnings rules' names (`kept_going`), which a warning's mark
    // names as the panel does.
    ids.extend(asyncscope_core::trace::Rule::ALL.iter().map(|r| r.as_str().to_string()));
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

/// The page's visible text outside [`NOT_PROSE`], every `title`
/// (tooltip) and `aria-label` (what a screen reader says) outside it, every
/// choice of the log's kind menu, and the document's title (the tab's),
/// one string per text node or attribute.
const READ: &str = "const skip = arguments[0]; const out = [document.title]; \
    for (const el of document.querySelectorAll('[aria-label]')) { \
      if (!el.closest(skip)) out.push(el.getAttribute('aria-label')); } \
    for (const o of document.querySelectorAll('#log-kind option')) out.push(o.textContent); \
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

/// The names the demo's code gives its resources (`queue`), from a run of
/// `route` (a slug, with its parameters after `?` if any) on the virtual
/// clock here.
fn resource_words(route: &str) -> BTreeSet<String> {
    let (slug, query) = route.split_once('?').unwrap_or((route, ""));
    let pairs = asyncscope_core::params::pairs_from_query(query);
    let rt = VirtualRuntime::new();
    let Ok(Some(started)) = demos::start(slug, rt.env(), &pairs) else {
        return BTreeSet::new();
    };
    // (The deadlock stalls; its resources are named all the same.)
    let _ = rt.run_to_end(started.work, || false);
    started
        .runs
        .iter()
        .flat_map(|(_, t)| {
            t.snapshot()
                .resources()
                .iter()
                .flat_map(|r| words(&r.name))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `text` without the values it quotes back (`"zzz"`, `"bogus"`): what a
/// visitor typed is theirs, in whatever letters.
fn without_quoted(text: &str) -> String {
    let mut out = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in text.chars() {
        if quoted {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => quoted = false,
                _ => escaped = false,
            }
        } else if c == '"' {
            quoted = true;
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The English words the page shows now (on `page`, a demo's slug or
/// `compose`), each as `page: word in text`, outside what the lists above
/// allow and the page's task and resource names; with `quotes`, values
/// quoted back in double quotes are the visitor's and are let through.
async fn english_left(h: &Harness, page: &str, ids: &BTreeSet<String>, quotes: bool) -> Vec<String> {
    let resources = resource_words(page);
    // The task names of this run, from the log's task menu (the lanes of
    // a large run exist only in view).
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
    let mut found = Vec::new();
    for text in texts.as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
        let prose = if quotes { without_quoted(text) } else { text.to_string() };
        for word in words(&prose) {
            let allowed = UNITS.contains(&word.as_str())
                || TERMS.contains(&word.as_str())
                || ids.contains(&word)
                || tasks.contains(&word)
                || resources.contains(&word);
            if !allowed {
                found.push(format!("{page}: {word:?} in {text:?}"));
            }
        }
    }
    found
}

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
        found.extend(english_left(&h, entry.slug, &ids, false).await);
        if ["semaphore", "fetch", "periodic"].contains(&entry.slug) {
            h.screenshot(&format!("chinese-{}", entry.slug)).await;
        }
    }
    // The runs where the rules over whole runs fire: their warnings (the
    // panel, the lanes' marks) read in Chinese too.
    for route in [
        "periodic?period_ms=1000&run_for_ms=10000&work_ms=20&sleeps=relative",
        "retry?clients=5&outcomes=fail",
        // (Above 500 tasks the log names a task in a field, not a menu.)
        "semaphore?form=none&tasks=200",
        "timeout?on_timeout=detach",
        "sync-primitives?holders=3&hold_ms=2000",
        "sync-primitives?pattern=crossed",
        "sync-primitives?waiters=5&react_ms=30",
        "blocking?mode=spin",
        "lazy-and-spawn?detached_fails=true",
    ] {
        h.run_virtual(route).await;
        assert!(h.number(".warnings [data-metric=warnings]").await >= 1, "{route}");
        found.extend(english_left(&h, route, &ids, false).await);
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

/// Whether Run is off.
async fn run_is_off(h: &Harness) -> bool {
    let run = h.wait_for("#run", WAIT).await;
    run.attr("disabled").await.expect("attribute").is_some()
}

/// The text of `css` once it has some (a link's errors come with the
/// form's first render, but the page may still be arriving).
async fn text_of(h: &Harness, css: &str) -> String {
    h.wait_for(css, WAIT).await;
    for _ in 0..100 {
        let text = h.text(css).await;
        if !text.is_empty() {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    String::new()
}

/// A link the page refuses, read in Chinese: under each field it names,
/// the page says why in Chinese, naming what is allowed with the link's
/// own numbers, and nothing else on the page is English. The language is
/// the visitor's, not the link's: chosen once in the menu, it holds for
/// every link opened after (a link has no language parameter; `lang=zh`
/// would be a name the demo does not take).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_link_in_chinese_says_why_in_chinese_with_the_range() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.open("/#/gather").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    h.choose("#lang", "zh").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    let ids = identifiers();
    // (link, the fields with an error, what each says, whether Run is off)
    let seq_jobs = demos::specs("sequential-vs-concurrent")
        .and_then(|s| s.iter().find(|s| s.name == "jobs"))
        .expect("jobs");
    let jobs_says = format!("jobs 必须是 {}；收到 0", seq_jobs.allowed_zh());
    let cases: Vec<(&str, &str, Vec<&str>, String, bool)> = vec![
        (
            "/#/fetch?min_delay_ms=2000&max_delay_ms=1000",
            "fetch",
            vec!["min_delay_ms", "max_delay_ms"],
            "max_delay_ms 必须不小于 min_delay_ms（2000）；收到 1000".into(),
            true,
        ),
        (
            "/#/fetch?requests=5&fail_index=9",
            "fetch",
            vec!["requests", "fail_index"],
            "fail_index 必须在 0 到请求数（5）之间；收到 9".into(),
            true,
        ),
        (
            "/#/task-manager?jobs=5&fail_job=50",
            "task-manager",
            vec!["jobs", "fail_job"],
            "fail_job 必须在 0 到作业数（5）之间；收到 50".into(),
            true,
        ),
        (
            "/#/semaphore?form=zzz",
            "semaphore",
            vec!["form"],
            "form 必须是以下之一：semaphore、buffer_unordered、none；收到 \"zzz\"".into(),
            false,
        ),
        (
            "/#/sequential-vs-concurrent?jobs=0",
            "sequential-vs-concurrent",
            vec!["jobs"],
            jobs_says.clone(),
            true,
        ),
        (
            "/#/retry?jitter=full&seed=abc",
            "retry",
            vec!["seed"],
            "种子必须是 0 到 18446744073709551615 的整数；收到 \"abc\"".into(),
            true,
        ),
    ];
    let mut found = Vec::new();
    for (link, slug, fields, says, off) in cases {
        h.open_link(link).await;
        for field in fields {
            let shown = text_of(&h, &format!("#param-{field}-error")).await;
            assert_eq!(shown, says, "{link}: under {field}");
        }
        assert_eq!(
            run_is_off(&h).await,
            off,
            "{link}: Run is off only while the link is refused"
        );
        found.extend(english_left(&h, slug, &ids, true).await);
        if link.contains("min_delay_ms") {
            h.screenshot("chinese-refused-fetch").await;
        }
    }
    // A name the demo does not take: a note, in Chinese; the run goes on.
    h.open_link("/#/gather?bogus=1").await;
    assert_eq!(
        text_of(&h, ".params .note").await,
        "链接里有本演示不接受的参数 \"bogus\"，已忽略。"
    );
    found.extend(english_left(&h, "gather", &ids, true).await);

    // The composer with a syntax error: where, and what to write instead.
    h.open("/#/compose").await;
    h.wait_for("#program", WAIT).await;
    let script = "const t = document.querySelector('#program'); t.focus(); \
                  t.value = 'import asyncio\\n\\nasync def main(:\\n    await asyncio.sleep(1)\\n'; \
                  t.dispatchEvent(new InputEvent('input', { bubbles: true }));";
    h.client.execute(script, vec![]).await.expect("the program is pasted");
    h.wait_for(".syntax-error[data-line='3']", WAIT).await;
    assert_eq!(
        text_of(&h, ".syntax-error p").await,
        "第 3 行第 16 列：这里应是参数名，却是 :",
        "the code (`:`) is shown as code"
    );
    assert_eq!(h.all(".syntax-error p code").await.len(), 1);
    h.screenshot("chinese-composer-syntax-error").await;
    found.extend(english_left(&h, "compose", &ids, true).await);
    assert!(
        found.is_empty(),
        "English on a refusing Chinese page ({}):\n{}",
        found.len(),
        found.join("\n")
    );
    h.finish().await;
}
