//! The app's browser-facing modules in a real headless browser: the browser
//! environment's timers, the demo on them, the panic banner, and the app
//! rendering its routes.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use asyncscope_app::browser::env::BrowserEnv;
use asyncscope_app::browser::panic_banner;
use asyncscope_app::components::app::App;
use asyncscope_core::demos;
use asyncscope_core::trace::EventKind;
use asyncscope_core::{Env, Traced, VirtualRuntime};
use common::{has, until};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod common;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

#[wasm_bindgen_test]
async fn browser_sleep_waits_at_least_its_duration() {
    let env = BrowserEnv::default();
    let before = env.now();
    env.sleep(Duration::from_millis(30)).await;
    let waited = env.now() - before;
    assert!(waited >= Duration::from_millis(28), "woke after {waited:?}");
    assert!(waited < Duration::from_millis(1000), "woke after {waited:?}");
}

#[wasm_bindgen_test]
async fn demo_runs_on_real_timers_sequential_sums_concurrent_overlaps() {
    let pairs = vec![
        ("jobs".to_string(), "3".to_string()),
        ("duration_ms".to_string(), "40".to_string()),
    ];
    let started = demos::start("sequential-vs-concurrent", BrowserEnv::default(), &pairs)
        .expect("valid")
        .expect("built");
    started.work.await;
    let makespans: Vec<(&str, Duration)> = started
        .runs
        .iter()
        .map(|(label, t)| (*label, t.trace().makespan().expect("every job ended")))
        .collect();
    assert_eq!(makespans[0].0, "sequential");
    assert_eq!(makespans[1].0, "concurrent");
    let (seq, conc) = (makespans[0].1, makespans[1].1);
    // Real timers are late by a little, never early; the lower bounds allow
    // for browsers that coarsen performance.now() to a millisecond.
    assert!(
        seq >= Duration::from_millis(117) && seq < Duration::from_millis(1000),
        "sequential {seq:?}"
    );
    assert!(
        conc >= Duration::from_millis(38) && conc < Duration::from_millis(500),
        "concurrent {conc:?}"
    );
    assert!(conc < seq, "concurrent {conc:?} not shorter than sequential {seq:?}");
    assert_eq!(started.runs[1].1.trace().max_in_flight(), 3);
    // Real timers fire in separate macrotasks; the concurrent run's wake-ups
    // must not poll the sequential run's jobs: two polls each, no more.
    let seq_text = started.runs[0].1.trace().render_text();
    for job in ["job0", "job1", "job2"] {
        let polls = seq_text
            .lines()
            .filter(|l| l.ends_with(&format!(" {job} poll")))
            .count();
        assert_eq!(polls, 2, "{job}:\n{seq_text}");
    }
}

/// One instrumented scenario, generic over the environment: four workers
/// through a semaphore of two, and one task cut short by a timeout. The
/// deadlines are 20 ms or more apart, so real timers cannot reorder them.
async fn scenario<E: Env>(env: E) {
    use asyncscope_core::combinators::{Semaphore, timeout};
    let sem = Semaphore::new(&env, "sem", 2);
    let workers: Vec<_> = [120u64, 40, 120, 20]
        .into_iter()
        .enumerate()
        .map(|(i, ms)| {
            let (env, sem) = (env.clone(), sem.clone());
            env.clone().spawn(format!("worker{i}"), async move {
                let _permit = sem.acquire().await;
                env.sleep(Duration::from_millis(ms)).await;
            })
        })
        .collect();
    let e = env.clone();
    let late = env.task("late".into(), async move { e.sleep(Duration::from_millis(200)).await });
    let guarded = env.task("guard".into(), timeout(&env, Duration::from_millis(70), late));
    let (_, _) = futures::join!(futures::future::join_all(workers), guarded);
}

/// Per task: its events in words, in order, without times or poll marks.
fn per_task(trace: &asyncscope_core::Trace) -> Vec<(String, Vec<String>)> {
    trace
        .tasks()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let words = trace
                .events()
                .iter()
                .filter(|e| e.task.0 as usize == i)
                .filter(|e| !matches!(e.kind, EventKind::PollStart | EventKind::PollEnd { .. }))
                .map(|e| trace.describe(&e.kind))
                .map(|w| match w.find("timer armed: ") {
                    Some(_) => "timer armed".to_string(),
                    None => w,
                })
                .collect();
            (t.name.to_string(), words)
        })
        .collect()
}

#[wasm_bindgen_test]
async fn real_timers_give_the_virtual_trace_within_a_tolerance() {
    let rt = VirtualRuntime::new();
    let virtual_env = Traced::new(rt.env());
    rt.block_on(scenario(virtual_env.clone())).expect("virtual run ends");
    rt.run().expect("workers end");
    let expected = virtual_env.snapshot();

    let real_env = Traced::new(BrowserEnv::default());
    scenario(real_env.clone()).await;
    let real = real_env.snapshot();

    assert_eq!(per_task(&real), per_task(&expected), "\nreal:\n{}", real.render_text());
    let (want, got) = (expected.spans(), real.spans());
    for (w, g) in want.iter().zip(&got) {
        let (w_end, g_end) = (w.end.expect("virtual ended"), g.end.expect("real ended"));
        // Never early (allowing a coarse clock), late by at most 150 ms.
        assert!(
            g_end + Duration::from_millis(2) >= w_end && g_end <= w_end + Duration::from_millis(150),
            "{}: real end {g_end:?}, virtual end {w_end:?}",
            g.name
        );
        assert_eq!(g.outcome, w.outcome, "{}", g.name);
    }
    assert_eq!(expected.makespan(), Some(Duration::from_millis(160)));
    assert_eq!(real.resource_stats()[0].max_in_use, 2);
}

/// The latest tick lateness that the blocking demo logged, in ms.
async fn worst_lateness(mode: &str) -> u64 {
    let pairs: Vec<(String, String)> = [
        ("mode", mode),
        ("block_ms", "300"),
        ("block_at_ms", "50"),
        ("timers", "1"),
        ("tick_ms", "50"),
        ("ticks", "10"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let started = demos::start("blocking", BrowserEnv::default(), &pairs)
        .expect("valid")
        .expect("built");
    started.work.await;
    let trace = started.runs[0].1.snapshot();
    trace
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Log { text } => text.split_once(" late by ")?.1.strip_suffix(" ms")?.parse::<u64>().ok(),
            _ => None,
        })
        .max()
        .expect("ticks were logged")
}

#[wasm_bindgen_test]
async fn a_real_busy_loop_makes_real_timers_late_and_yielding_does_not() {
    // Blocking 300 ms from t=50: the tick due at 100 cannot fire before 350.
    let blocked = worst_lateness("block").await;
    assert!(
        blocked >= 230,
        "worst lateness {blocked} ms while the thread was blocked"
    );
    // In 10 ms slices with a yield between: a tick waits at most a slice
    // plus a timer turn.
    let yielded = worst_lateness("yield").await;
    assert!(yielded < 150, "worst lateness {yielded} ms while yielding");
    assert!(yielded < blocked);
}

#[wasm_bindgen_test]
fn panic_banner_offers_a_reload() {
    panic_banner::show("boom at demo.rs:1");
    panic_banner::show("a second panic adds no second banner");
    let banners = document()
        .query_selector_all(&format!("#{}", panic_banner::BANNER_ID))
        .expect("query");
    assert_eq!(banners.length(), 1);
    let banner = document().get_element_by_id(panic_banner::BANNER_ID).expect("banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("boom at demo.rs:1"), "{text}");
    assert!(banner.query_selector("button").expect("query").is_some());
    banner.remove();
}

#[wasm_bindgen_test]
async fn app_renders_home_then_a_demo_route() {
    let root = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&root).expect("append");
    let _ = web_sys::window().expect("window").location().set_hash("#/");
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    until("the home page's cards", || has(&root, ".card")).await;
    assert_eq!(root.query_selector_all(".card").expect("query").length(), 19);

    let _ = web_sys::window()
        .expect("window")
        .location()
        .set_hash("#/sequential-vs-concurrent?jobs=7");
    until("the demo page's form", || has(&root, "#param-jobs")).await;
    let jobs = root.query_selector("#param-jobs").expect("query").expect("jobs field");
    let input: web_sys::HtmlInputElement = wasm_bindgen::JsCast::dyn_into(jobs).expect("an input");
    assert_eq!(input.value(), "7");
    // A link with parameters shows its picture at once: it runs in virtual
    // time as it opens, and ends with seven lanes a run.
    until("the linked run, done", || has(&root, ".runner[data-state=done]")).await;
    assert_eq!(
        root.query_selector_all("[data-run=concurrent] .lane")
            .expect("query")
            .length(),
        7
    );
    app.destroy();
    root.remove();
    let _ = web_sys::window().expect("window").location().set_hash("");
}

/// Each run starts with a fresh Resource Timing buffer: the entries of the
/// run before are gone, so timing never runs out however many runs the
/// page makes, and the page does not grow by an entry per request.
#[wasm_bindgen_test]
async fn each_run_starts_with_a_fresh_timing_buffer() {
    let resource_entries = || {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0, |p| p.get_entries_by_type("resource").length())
    };
    let env = BrowserEnv::with_seed(1);
    for i in 0..3 {
        // Any answer will do (a 404 included): each request leaves an entry.
        let _ = env
            .fetch(asyncscope_core::net::Request::get(format!("/no-such-file-{i}")))
            .await;
    }
    until("three timing entries", || resource_entries() >= 3).await;
    let _next_run = BrowserEnv::with_seed(2);
    assert_eq!(resource_entries(), 0, "the previous run's entries are cleared");
}

/// The composer's deepest allowed recursion stays inside the wasm stack:
/// a `RecursionError`, never an overflow (which in wasm would write
/// below the stack, over the program's data).
#[wasm_bindgen_test]
fn deep_recursion_is_an_error_in_the_page() {
    let (_, finished) = asyncscope_core::py::run_virtual(
        "import asyncio\n\
         def down(n):\n    return down(n + 1)\n\
         async def main():\n    try:\n        down(0)\n    except RecursionError:\n        print('caught')\n\
         asyncio.run(main())\n",
        0,
        asyncscope_core::py::Limits::default(),
        asyncscope_core::py::DEFAULT_VIRTUAL_BOUND,
        10_000,
    )
    .expect("parses");
    let printed: Vec<&str> = finished.printed.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(printed, ["caught"]);
}

/// A program runs on the browser's own timers: `asyncio.sleep` is a real
/// `setTimeout`, and the lanes and prints come out as under virtual time.
#[wasm_bindgen_test]
async fn a_program_runs_on_real_browser_timers() {
    use asyncscope_app::browser::env::BrowserEnv;
    let source = "import asyncio\n\
        async def w(d):\n    await asyncio.sleep(d)\n    print('woke', d)\n\
        async def main():\n    await asyncio.gather(w(0.05), w(0.02))\n\
        asyncio.run(main())\n";
    let started = asyncscope_core::py::start(BrowserEnv::with_seed(0), source, asyncscope_core::py::Limits::default())
        .expect("parses");
    let traced = started.runs[0].1.clone();
    started.work.await;
    assert!(started.notes.borrow().is_empty(), "{:?}", started.notes.borrow());
    let trace = traced.snapshot();
    let names: Vec<String> = trace.spans().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Task-1", "Task-2", "Task-3"]);
    let logs: Vec<(String, String)> = asyncscope_core::report::log_rows(&trace)
        .into_iter()
        .map(|l| (l.task, l.text))
        .collect();
    assert_eq!(
        logs,
        [
            ("Task-3".to_owned(), "woke 0.02".to_owned()),
            ("Task-2".to_owned(), "woke 0.05".to_owned())
        ]
    );
    let end = trace.makespan().expect("ended").as_secs_f64();
    assert!((0.045..1.0).contains(&end), "a 50 ms run took {end} s");
}

/// `clock::next_task` is a task of its own (a message posted before it is
/// handled first), and is not held back as a nested `setTimeout(0)` is
/// (at least 4 ms each, five deep or more: 50 would take 200 ms or more).
#[wasm_bindgen_test]
async fn a_yield_to_the_next_task_lets_earlier_tasks_in_and_is_never_clamped() {
    use asyncscope_app::browser::clock;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    // A message posted on another channel first: its task comes first.
    let seen = Rc::new(Cell::new(false));
    let channel = web_sys::MessageChannel::new().expect("a channel");
    let on_message = {
        let seen = Rc::clone(&seen);
        Closure::<dyn FnMut()>::new(move || seen.set(true))
    };
    channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    channel
        .port2()
        .post_message(&wasm_bindgen::JsValue::NULL)
        .expect("posted");
    assert!(!seen.get(), "the message waits for its task");
    clock::next_task().await;
    assert!(seen.get(), "the task queued before the yield ran before it resumed");

    // Nested timers first (a live run's callbacks are), then 50 yields.
    for _ in 0..6 {
        clock::sleep(Duration::ZERO).await;
    }
    let began = clock::now_ms();
    for _ in 0..50 {
        clock::next_task().await;
    }
    let took = clock::now_ms() - began;
    assert!(
        took < 100.0,
        "50 yields took {took:.1} ms: held back like nested timers"
    );
    drop(on_message);
}

/// The stored language and theme come from `<html>` when each page's head
/// script has read them there (`data-prefs`), else from storage; a choice
/// made is written to both, so that they agree.
#[wasm_bindgen_test]
fn prefs_come_from_the_head_script_when_it_ran_else_from_storage() {
    use asyncscope_app::i18n::Lang;
    use asyncscope_app::prefs::{self, READ_MARK, STORED_LANG, STORED_THEME, Theme};
    let root = document().document_element().expect("a root");
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("storage");
    let clear = || {
        for attr in [READ_MARK, STORED_LANG, STORED_THEME, "data-theme"] {
            root.remove_attribute(attr).expect("removed");
        }
        for key in ["asyncscope.lang", "asyncscope.theme"] {
            storage.remove_item(key).expect("removed");
        }
    };
    clear();
    storage.set_item("asyncscope.lang", "en").expect("stored");
    storage.set_item("asyncscope.theme", "light").expect("stored");
    // No head script: storage answers.
    assert_eq!(prefs::lang(), Lang::En);
    assert_eq!(prefs::theme(), Theme::Light);
    // The head script ran: what it left on <html> answers, not storage.
    root.set_attribute(READ_MARK, "read").expect("set");
    root.set_attribute(STORED_LANG, "zh-Hans").expect("set");
    root.set_attribute(STORED_THEME, "").expect("set");
    assert_eq!(prefs::lang(), Lang::Zh);
    assert_eq!(prefs::theme(), Theme::System, "an empty value is nothing stored");
    // A choice goes to both.
    prefs::set_theme(Theme::Dark);
    assert_eq!(root.get_attribute(STORED_THEME).as_deref(), Some("dark"));
    assert_eq!(
        storage.get_item("asyncscope.theme").ok().flatten().as_deref(),
        Some("dark")
    );
    assert_eq!(prefs::theme(), Theme::Dark);
    clear();
}
