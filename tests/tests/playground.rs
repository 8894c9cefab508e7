//! The playground page end to end, in headless Chromium against the lab
//! server: every demo run in virtual time shows the catalog's figures;
//! scrubbing moves the code line and the log row; a share link reproduces
//! a run; pinned runs compare on one axis; the language switch; the home
//! filter.

use std::time::Duration;

use asyncscope_core::catalog::figures;
use asyncscope_e2e::Harness;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_in_virtual_time_shows_the_catalog_figures() {
    let h = Harness::start().await;
    let mut last_route = "";
    // The catalog's figures: the table the core and command-line suites read.
    for f in figures().expect("the table reads") {
        if f.route != last_route {
            // (A route with parameters runs as it opens; this runs it again.)
            h.open_link(&format!("/#/{}", f.route)).await;
            h.click("#run-virtual:not([disabled])").await;
            h.wait_for(".runner[data-state=done]", WAIT).await;
            last_route = f.route;
        }
        let scope = f.run.map_or(String::new(), |run| format!("[data-run={run}] "));
        let got = h.number(&format!("{scope}[data-metric={}]", f.metric.name())).await;
        assert_eq!(got, f.value, "{}: {:?} {}", f.route, f.run, f.metric.name());
    }
    // Every lane ended, in every demo run above (the last one checked here).
    assert_eq!(h.all(".lane[data-outcome=running]").await.len(), 0);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lit_line_is_the_await_the_parent_waits_at() {
    let h = Harness::start().await;
    h.run_virtual("first-completed").await;
    // The parent, at 500 ms: its racers run, and it waits in `select_all`,
    // not on the line that made them.
    h.choose("#log-task", "main").await;
    let script = "const el = document.querySelector('#playhead'); el.value = '500'; \
                  el.dispatchEvent(new Event('input', { bubbles: true }));";
    h.client.execute(script, vec![]).await.expect("scrub");
    assert_eq!(h.number("[data-metric=playhead_ms]").await, 500);
    let lit = h.text(".code .source .line.lit").await;
    assert!(lit.contains("select_all(racers).await"), "lit: {lit}");
    // Its asyncio twin is lit in the other tab.
    h.click("#tab-asyncio").await;
    let twin = h.text(".code .source .line.lit").await;
    assert!(twin.contains("await asyncio.wait("), "twin: {twin}");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrubbing_moves_the_code_line_and_the_log_row() {
    let h = Harness::start().await;
    h.run_virtual("semaphore").await;
    assert_eq!(
        h.number("[data-metric=playhead_ms]").await,
        4000,
        "the playhead starts at the end"
    );
    // Filter the log to task3 and step back to its first event: its
    // creation, so the lit line is where it was made.
    h.choose("#log-task", "task3").await;
    for _ in 0..40 {
        h.click("#step-back").await;
    }
    let row = h.text(".event-log tr.current td.task").await;
    assert_eq!(row, "task3");
    assert_eq!(h.text(".event-log tr.current td:last-child").await, "created");
    let lit = h.text(".source .line.lit").await;
    assert!(lit.contains(".task(name.clone(), async move {"), "lit: {lit}");
    // Three steps on (polled, asks for a permit, pending): it waits for a
    // permit, so the lit line is the acquire.
    for _ in 0..3 {
        h.click("#step-forward").await;
    }
    let lit = h.text(".source .line.lit").await;
    assert!(lit.contains("semaphore.acquire().await"), "lit: {lit}");
    assert_eq!(
        h.all(".lane.selected[data-task=task3]").await.len(),
        1,
        "the lane is highlighted"
    );
    // Step forward until task3 holds its permit and sleeps in its job.
    for _ in 0..4 {
        h.click("#step-forward").await;
    }
    let at = h.number("[data-metric=playhead_ms]").await;
    assert!(at >= 1000, "task3 gets its permit at 1000, playhead {at}");
    // The timeline is cut at the playhead: some lanes are still running.
    assert!(!h.all(".lane[data-outcome=running]").await.is_empty());
    h.screenshot_full("semaphore-scrubbed").await;
    // Keyboard: the right arrow selects the next event.
    let current = || async {
        let row = h.wait_for(".event-log tr.current", WAIT).await;
        row.attr("data-event").await.ok().flatten()
    };
    let before = current().await;
    h.press("\u{E014}").await;
    let after = current().await;
    assert_ne!(before, after, "the key moved the selection");
    assert!(h.number("[data-metric=playhead_ms]").await >= at);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_link_reproduces_the_run_and_pinned_runs_compare() {
    let h = Harness::start().await;
    h.run_virtual("retry?jitter=full&seed=7").await;
    let makespan = h.number("[data-metric=makespan_ms]").await;
    let link = h.value("#share-link").await;
    assert!(link.ends_with("seed=7"), "{link}");
    assert!(link.contains("jitter=full"), "{link}");
    let path = link
        .split_once("127.0.0.1")
        .map(|(_, rest)| rest.split_once('/').map_or("", |(_, p)| p))
        .unwrap_or("");
    // A new visitor: a fresh page load of the link shows the run at once.
    h.client.goto("about:blank").await.expect("blank");
    h.open(&format!("/{path}")).await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.value("#param-seed").await, "7");
    assert_eq!(h.value("#param-jitter").await, "full");
    assert_eq!(
        h.number("[data-metric=makespan_ms]").await,
        makespan,
        "same seed, same run"
    );

    // Compare: limit 3 pinned, then limit 6, on one axis.
    h.run_virtual("semaphore").await;
    h.click("#pin").await;
    h.type_into("#param-limit", "6").await;
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for("#unpin", WAIT).await;
    let runs = h.all(".run").await;
    assert_eq!(runs.len(), 2);
    assert_eq!(h.number("[data-run=semaphore] [data-metric=makespan_ms]").await, 2000);
    assert_eq!(
        h.number("[data-run='pinned semaphore (defaults)'] [data-metric=makespan_ms]")
            .await,
        4000
    );
    h.screenshot_full("semaphore-compare").await;
    // The downloads are built in the page; pressing them breaks nothing.
    h.click("#download-trace").await;
    h.click("#download-svg").await;
    assert_eq!(h.all("#panic-banner").await.len(), 0);
    h.finish().await;
}

/// The stored language and theme are read by each page's head while the
/// app downloads (under the lab's content security policy, which must
/// allow that script), not by the app on its way to its first drawing:
/// once the wasm is being instantiated nothing reads storage, and a stored
/// dark theme is on `<html>` before then, so the page is dark from its
/// first paint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_choices_are_read_before_the_app_starts() {
    let h = Harness::start().await;
    h.open("/#/gather").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    h.choose("#theme", "dark").await;
    h.choose("#lang", "zh").await;
    h.wait_for("html[data-theme=dark][lang=zh-Hans]", WAIT).await;
    h.on_new_document(
        "window.__reads = { early: 0, late: 0, themeAtStart: 'none' }; let started = false; \
         for (const name of ['instantiateStreaming', 'instantiate']) { const original = WebAssembly[name]; \
           WebAssembly[name] = function (...args) { if (!started) { started = true; \
             window.__reads.themeAtStart = document.documentElement.getAttribute('data-theme'); } \
             return original.apply(this, args); }; } \
         const get = Storage.prototype.getItem; \
         Storage.prototype.getItem = function (key) { if (started) window.__reads.late++; else window.__reads.early++; \
           return get.call(this, key); };",
    )
    .await;
    // Another page: a new document, read from the start.
    h.open("/").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    let reads = |what: &str| format!("return window.__reads.{what};");
    assert_eq!(h.js_number(&reads("early")).await, 2.0, "the head reads both choices");
    assert_eq!(h.js_number(&reads("late")).await, 0.0, "the app reads storage again");
    let theme = h
        .client
        .execute("return window.__reads.themeAtStart;", vec![])
        .await
        .expect("a value");
    assert_eq!(
        theme.as_str(),
        Some("dark"),
        "the theme is applied before the app starts"
    );
    assert_eq!(h.value("#theme").await, "dark", "the menu shows the stored theme");
    assert_eq!(h.value("#lang").await, "zh", "the menu shows the stored language");
    // What the visitor changes now is what the next page reads.
    h.choose("#theme", "light").await;
    h.choose("#lang", "en").await;
    h.open("/demo.html#/gather").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    assert_eq!(h.attr("html", "data-theme").await.as_deref(), Some("light"));
    assert_eq!(h.text("#run").await, "Run");
    h.choose("#theme", "system").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_changes_the_labels_and_is_remembered() {
    let h = Harness::start().await;
    h.open("/#/gather").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    assert_eq!(h.text("#run").await, "Run");
    // Nothing is remembered before the visitor chooses: one who never
    // chose keeps following the browser's language and the system's theme.
    let stored = |key: &str| format!("return localStorage.getItem('asyncscope.{key}') === null ? 0 : 1;");
    assert_eq!(h.js_number(&stored("lang")).await, 0.0, "a language stored unasked");
    assert_eq!(h.js_number(&stored("theme")).await, 0.0, "a theme stored unasked");
    h.choose("#lang", "zh").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    assert_eq!(h.js_number(&stored("lang")).await, 1.0, "the choice is remembered");
    assert_eq!(h.text("#run").await, "运行");
    assert!(h.text("h1").await.contains("聚合"), "the title is translated");
    h.open("/#/semaphore").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    assert_eq!(
        h.text("#run-virtual").await,
        "以虚拟时间运行",
        "remembered across pages"
    );
    // The form's hints and the event log read in Chinese too.
    let form = h.text(".params").await;
    assert!(form.contains("的整数") && !form.contains("a whole number"), "{form}");
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    let log = h.text(".event-log").await;
    assert!(log.contains("完成：成功") && !log.contains("completed: ok"), "{log}");
    let charts = h.text(".runner .stage").await;
    assert!(
        charts.contains("剩余许可") && charts.contains("并发任务数") && !charts.contains("tasks in flight"),
        "the charts' names are Chinese: {charts}"
    );
    assert_eq!(h.text(".log-count-unit").await.trim(), "个事件");
    h.choose("#lang", "en").await;
    h.wait_for("html[lang=en]", WAIT).await;
    assert_eq!(h.text("#run").await, "Run");

    // Home: the filter narrows the cards, and every card has its picture.
    h.open("/#/").await;
    h.wait_for("[data-view=home]", WAIT).await;
    // The pictures come after the first paint: wait for the last.
    h.wait_for(".card:last-child .mini:not(.pending) rect", WAIT).await;
    assert_eq!(h.all(".card .mini:not(.pending)").await.len(), 19);
    assert!(h.all(".card .mini rect").await.len() >= 19, "the pictures have bars");
    // The home page's build has no demo to run: its pictures were drawn
    // at build time. The demo pages' build draws them itself, and the two
    // are the same pictures.
    let prebuilt = h.inner_html(".card[data-slug=semaphore] .mini").await;
    assert!(prebuilt.contains("seg-permit"), "{prebuilt}");
    h.type_into("#filter", "retry").await;
    assert_eq!(h.all(".card").await.len(), 1);
    assert_eq!(h.number("[data-metric=cards_shown]").await, 1);
    // A card goes to the demo's page, which is the demo pages' build.
    assert_eq!(
        h.attr(".card[data-slug=retry] a", "href").await.as_deref(),
        Some("demo.html#/retry")
    );
    h.click(".card[data-slug=retry] a").await;
    h.wait_for("[data-view=demo] #run", WAIT).await;
    assert!(
        h.client
            .current_url()
            .await
            .expect("url")
            .as_str()
            .contains("/demo.html#/retry"),
        "the demo opens on demo.html: {}",
        h.client.current_url().await.expect("url")
    );
    h.open("/demo.html#/").await;
    h.wait_for(".card:last-child .mini:not(.pending) rect", WAIT).await;
    assert_eq!(h.all(".card .mini:not(.pending)").await.len(), 19);
    assert_eq!(h.inner_html(".card[data-slug=semaphore] .mini").await, prebuilt);
    assert_eq!(
        h.attr(".card[data-slug=retry] a", "href").await.as_deref(),
        Some("#/retry"),
        "within the demos' build a card stays on its page"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_the_pages() {
    let h = Harness::start().await;
    h.open("/#/").await;
    h.wait_for(".card:last-child .mini:not(.pending) rect", WAIT).await;
    assert_eq!(h.all(".card").await.len(), 19, "a card per demo");
    let (vw, _) = h.viewport().await;
    let (w, _) = h.screenshot_full("home").await;
    assert!(
        (f64::from(w) - vw).abs() <= vw * 0.5 + 20.0,
        "the shot is the page: {w} px for {vw}"
    );
    for route in ["retry", "queue", "task-manager", "timeout"] {
        h.run_virtual(route).await;
        assert!(!h.all(".lane").await.is_empty(), "{route}: lanes drawn");
        assert!(
            h.all(".lane[data-outcome=running]").await.is_empty(),
            "{route}: every lane ended"
        );
        assert!(h.all("#panic-banner").await.is_empty(), "{route}");
        h.screenshot_full(&format!("{route}-virtual")).await;
    }
    // A wide screen: controls, timeline, and code with the log, side by side.
    let (w, hgt) = h.client.get_window_size().await.expect("size");
    h.client.set_window_size(1920, 1100).await.expect("wide");
    h.run_virtual("retry").await;
    h.client.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll");
    let controls = h.rect(".runner .controls").await;
    let stage = h.rect(".runner .stage").await;
    let panes = h.rect(".runner .panes").await;
    assert!(
        controls[2] <= stage[0] + 1.0,
        "controls left of the timeline: {controls:?} {stage:?}"
    );
    assert!(
        stage[2] <= panes[0] + 1.0,
        "code and log right of the timeline: {stage:?} {panes:?}"
    );
    let (_, vh) = h.viewport().await;
    assert!(
        [controls[1], stage[1], panes[1]].iter().all(|top| *top < vh),
        "all three columns start in view"
    );
    h.screenshot("retry-wide").await;
    h.client
        .set_window_size(u32::try_from(w).unwrap_or(1280), u32::try_from(hgt).unwrap_or(900))
        .await
        .expect("restore");
    h.choose("#theme", "dark").await;
    h.choose("#lang", "zh").await;
    h.wait_for("html[data-theme=dark]", WAIT).await;
    assert_eq!(h.text("#run").await, "运行", "the labels are Chinese");
    let dark = h
        .client
        .execute(
            "const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return (c[0] + c[1] + c[2]) / 3;",
            vec![],
        )
        .await
        .expect("a colour")
        .as_f64()
        .unwrap_or(255.0);
    assert!(dark < 80.0, "the dark theme's background is dark: mean channel {dark}");
    h.screenshot_full("timeout-dark-zh").await;
    h.choose("#theme", "system").await;
    h.choose("#lang", "en").await;
    h.finish().await;
}

/// Every demo run for real and cancelled part way: each default run lasts
/// at least the 750 ms of the quickest (the download), so Cancel always
/// finds work to drop. The run ends as cancelled, at least one lane ends
/// cancelled (something was dropped), and no lane is left running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_any_real_run_ends_every_lane() {
    let h = Harness::start().await;
    for entry in asyncscope_core::catalog::ENTRIES {
        // The quickest defaults end in about a second: made longer here, so
        // that Cancel, however slow the machine, finds work to drop.
        let longer = match entry.slug {
            "first-completed" => "?a_ms=6000&b_ms=5000&c_ms=6000",
            "fetch" => "?min_delay_ms=5000&max_delay_ms=6000",
            "download" => "?interval_ms=500",
            "blocking" => "?ticks=50",
            "lazy-and-spawn" => "?duration_ms=6000",
            _ => "",
        };
        eprintln!("cancelling a real run of {}{longer}", entry.slug);
        // A link with parameters runs in virtual time as it opens: then
        // Run is pressed for a real run.
        h.open_link(&format!("/#/{}{longer}", entry.slug)).await;
        h.click("#run:not([disabled])").await;
        // A run longer than 30 s (periodic's hour) asks first.
        if !h.all("#confirm-real").await.is_empty() {
            h.click("#confirm-real").await;
        }
        // Cancel once the run is under way and has drawn a lane.
        h.wait_for(".runner[data-state=running] .lane", WAIT).await;
        h.click("#cancel:not([disabled])").await;
        h.wait_for(".runner[data-state=cancelled]", WAIT).await;
        assert!(
            !h.all(".lane[data-outcome=cancelled]").await.is_empty(),
            "{}: cancelling dropped nothing",
            entry.slug
        );
        assert_eq!(
            h.all(".lane[data-outcome=running]").await.len(),
            0,
            "{}: a lane is still running",
            entry.slug
        );
        assert_eq!(h.all("#panic-banner").await.len(), 0, "{}", entry.slug);
    }
    h.finish().await;
}

/// The status line says what happened to the tasks, not that every future
/// completed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_line_counts_how_the_tasks_ended() {
    let h = Harness::start().await;
    h.run_virtual("first-completed").await;
    let status = h.text(".runner .status").await;
    assert!(
        status.contains("1 failed") && status.contains("2 cancelled") && !status.contains("Every future"),
        "{status}"
    );
    h.finish().await;
}
