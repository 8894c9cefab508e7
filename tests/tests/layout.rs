//! What a visitor sees at a glance, measured at the viewports people use
//! (1280×800, 1400×1000, 1920×1080 and a 390×844 phone): the timeline in
//! view after Run, beside the lit code line; the widest column for the
//! timeline; a shared link drawn at once; labels and names that are never
//! cut; a legend of what the run uses; the overview of a large run; the
//! favicon.

use std::time::Duration;

use asyncscope_e2e::Harness;

const WAIT: Duration = Duration::from_secs(60);

/// Steps back from the end until the code view lights a line.
async fn step_to_a_lit_line(h: &Harness) {
    for _ in 0..60 {
        if !h.all(".source .line.lit").await.is_empty() {
            return;
        }
        h.click("#step-back").await;
    }
    panic!("no step lit a line of the code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_run_the_timeline_is_in_view_beside_the_lit_line() {
    let h = Harness::start().await;
    for (w, hgt) in [(1400, 1000), (1280, 800)] {
        h.set_viewport(w, hgt).await;
        // A real run: its first lane comes into view by itself.
        h.open("/#/").await;
        h.open("/#/task-manager").await;
        h.wait_for(".runner[data-state=idle]", WAIT).await;
        h.click("#run:not([disabled])").await;
        h.wait_for(".runner .stage .lane", WAIT).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            h.in_view(".runner .stage .lane").await,
            "{w}×{hgt}: the first lane after Run"
        );
        h.click("#cancel:not([disabled])").await;
        h.wait_for(".runner[data-state=cancelled]", WAIT).await;
        // A virtual run, then a step: the lane and the lit line together.
        for route in ["task-manager", "semaphore", "setup-teardown"] {
            h.open("/#/").await;
            h.open(&format!("/#/{route}")).await;
            h.wait_for(".runner[data-state=idle]", WAIT).await;
            h.click("#run-virtual:not([disabled])").await;
            h.wait_for(".runner[data-state=done]", WAIT).await;
            assert!(
                h.in_view(".runner .stage .lane").await,
                "{route} {w}×{hgt}: the first lane"
            );
            step_to_a_lit_line(&h).await;
            assert!(
                h.in_view(".runner .stage .lane").await,
                "{route} {w}×{hgt}: the lane after a step"
            );
            if !h.in_view(".source .line.lit").await {
                h.screenshot(&format!("failed-{route}-{w}x{hgt}")).await;
                let pane = h.rect(".source[data-lang=rust]").await;
                let lit = h.rect(".source .line.lit").await;
                panic!("{route} {w}×{hgt}: the lit line {lit:?} is out of view (its pane {pane:?})");
            }
        }
        h.screenshot(&format!("layout-{w}x{hgt}")).await;
    }
    h.finish().await;
}

/// After a run at 1400×1000, the window narrows to 1280×800: the code
/// rewraps, and the lit line is sought again, wholly inside its pane.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_resize_the_lit_line_is_wholly_in_its_pane() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.run_virtual("retry").await;
    h.set_viewport(1280, 800).await;
    let mut last = ([0.0; 4], [0.0; 4]);
    for _ in 0..40 {
        let pane = h.rect(".source[data-lang=rust]").await;
        let lit = h.rect(".source .line.lit").await;
        if lit[1] >= pane[1] - 0.5 && lit[3] <= pane[3] + 0.5 {
            let text = h.text(".source .line.lit").await;
            assert!(text.contains(".await"), "the lit line is an await: {text}");
            h.finish().await;
            return;
        }
        last = (pane, lit);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the lit line {:?} is cut by its pane {:?}", last.1, last.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_pane_scrolls_to_its_lit_line_and_highlights() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    for route in ["setup-teardown", "task-manager", "periodic", "semaphore"] {
        h.run_virtual(route).await;
        step_to_a_lit_line(&h).await;
        let pane = h.rect(".source[data-lang=rust]").await;
        let lit = h.rect(".source .line.lit").await;
        assert!(
            lit[1] >= pane[1] - 0.5 && lit[3] <= pane[3] + 0.5,
            "{route}: the lit line {lit:?} inside its pane {pane:?}"
        );
        // No line of the code is cut: each wraps inside the pane.
        let cut = h
            .js_number(
                "const pre = document.querySelector('.source[data-lang=rust]'); \
                 return pre.scrollWidth - pre.clientWidth;",
            )
            .await;
        assert!(cut <= 1.0, "{route}: the code is {cut} px wider than its pane");
        assert!(!h.all(".source .tok-keyword").await.is_empty(), "{route}: keywords");
        assert!(!h.all(".source .tok-comment").await.is_empty(), "{route}: comments");
    }
    h.click("#tab-asyncio").await;
    assert!(!h.all(".source[data-lang=python] .tok-keyword").await.is_empty());
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_is_the_widest_column_everywhere() {
    let h = Harness::start().await;
    for (w, hgt) in [(1920, 1080), (1400, 1000), (1280, 800)] {
        h.set_viewport(w, hgt).await;
        h.run_virtual("retry").await;
        let stage = h.rect(".runner .stage").await;
        let width = |r: [f64; 4]| r[2] - r[0];
        let panes = h.rect(".runner .panes").await;
        assert!(width(stage) > width(panes), "{w}: timeline {stage:?}, code {panes:?}");
        assert!(stage[2] <= panes[0] + 1.0, "{w}: the code beside the timeline");
        if w >= 1800 {
            let controls = h.rect(".runner .controls").await;
            assert!(
                width(stage) > width(controls),
                "{w}: timeline {stage:?}, controls {controls:?}"
            );
        }
        assert!(h.in_view(".runner .stage .lane").await, "{w}: the first lane");
        // The axis fits the run: the last segment ends near its end.
        let reach = h
            .js_number(
                "return Math.max(...[...document.querySelectorAll('.run .seg')].map(s => \
                 parseFloat(s.style.left) + parseFloat(s.style.width)));",
            )
            .await;
        assert!(reach >= 90.0, "{w}: the run reaches {reach}% of its axis");
        h.screenshot(&format!("retry-{w}x{hgt}")).await;
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_link_shows_its_picture_at_once() {
    let h = Harness::start().await;
    h.open("/#/retry?jitter=full&seed=7").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert!(!h.all(".lane").await.is_empty(), "lanes drawn without a click");
    assert_eq!(h.value("#param-seed").await, "7");
    // A bare address waits for Run.
    h.open("/#/gather").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    assert!(h.all(".lane").await.is_empty());
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn space_plays_without_scrolling_and_a_log_row_moves_the_playhead() {
    let h = Harness::start().await;
    h.set_viewport(1280, 800).await;
    h.run_virtual("semaphore").await;
    h.click("h1").await;
    let before = h.js_number("return window.scrollY").await;
    h.key(' ').await;
    h.wait_for("#play[aria-label=Pause]", WAIT).await;
    assert_eq!(
        h.js_number("return window.scrollY").await,
        before,
        "space scrolled the page"
    );
    h.key(' ').await;
    h.wait_for("#play[aria-label=Play]", WAIT).await;
    // Space on the focused Run button would press it: after a run the
    // focus is not left there.
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    h.key(' ').await;
    h.wait_for("#play[aria-label=Pause]", WAIT).await;
    h.key(' ').await;
    // A click on a row's text (not its time) selects it.
    let above = ".event-log tbody tr:has(+ tr + tr.current)";
    let row = h.wait_for(above, WAIT).await;
    let clicked = row.attr("data-event").await.ok().flatten();
    h.click(&format!("{above} td:last-child")).await;
    let current = h.wait_for(".event-log tr.current", WAIT).await;
    assert_eq!(
        current.attr("data-event").await.ok().flatten(),
        clicked,
        "the clicked row is the current one"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_shows_the_page_without_overflow_or_cut_labels() {
    let h = Harness::start().await;
    h.set_viewport(390, 844).await;
    for route in ["semaphore", "countdown", "retry", "setup-teardown?use_outcome=cancel"] {
        h.run_virtual(route).await;
        let width = h.js_number("return document.documentElement.scrollWidth").await;
        assert!(width <= 390.0, "{route}: the page is {width} px wide");
        // A lane's outcome reads whole ("✕ cancelled", then "at 1 s").
        let outcomes = h
            .client
            .execute(
                "return [...document.querySelectorAll('.lane-outcome')] \
                   .filter(o => o.scrollWidth > o.clientWidth + 0.5).map(o => o.textContent);",
                vec![],
            )
            .await
            .expect("the outcomes");
        assert_eq!(outcomes, serde_json::json!([]), "{route}: outcomes cut on a phone");
        // No keyboard to speak of: its shortcuts are not offered.
        let keys = h
            .js_number(
                "return [...document.querySelectorAll('.hint.keys')] \
                   .filter(k => k.checkVisibility()).length;",
            )
            .await;
        assert_eq!(keys, 0.0, "{route}: keyboard shortcuts shown on a phone");
        let cut = h
            .js_number(
                "return [...document.querySelectorAll('.seg-label')].filter(l => \
                 getComputedStyle(l).visibility !== 'hidden' && \
                 l.getBoundingClientRect().right > l.parentElement.getBoundingClientRect().right + 0.5).length;",
            )
            .await;
        assert_eq!(cut, 0.0, "{route}: labels cut at their segment's edge");
    }
    h.client
        .execute("document.querySelector('.run').scrollIntoView()", vec![])
        .await
        .expect("scroll");
    h.screenshot("retry-390x844").await;
    // The axis labels that show do not run into each other (first-completed's
    // axis has five labels of "200 ms" and the like).
    h.run_virtual("first-completed").await;
    let overlaps = h
        .js_number(
            "const r = [...document.querySelectorAll('.run .axis .tick')] \
               .filter(t => getComputedStyle(t).visibility !== 'hidden') \
               .map(t => t.getBoundingClientRect()); \
             let n = 0; for (let i = 1; i < r.length; i++) { if (r[i].left < r[i - 1].right) n++; } return n;",
        )
        .await;
    assert_eq!(overlaps, 0.0, "axis labels overlap on a phone");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_legend_and_colours_say_what_the_run_did() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    // Lane names read whole (and distinct).
    h.run_virtual("countdown").await;
    let names = h
        .client
        .execute(
            "return [...document.querySelectorAll('.lane-name')].map(n => [n.textContent, n.scrollWidth <= n.clientWidth]);",
            vec![],
        )
        .await
        .expect("names");
    let names = names.as_array().cloned().unwrap_or_default();
    assert!(!names.is_empty());
    for n in &names {
        assert_eq!(n.get(1).and_then(serde_json::Value::as_bool), Some(true), "cut: {n}");
    }
    let texts: std::collections::HashSet<String> = names
        .iter()
        .filter_map(|n| n.get(0)?.as_str().map(String::from))
        .collect();
    assert_eq!(texts.len(), names.len(), "two lanes read the same: {names:?}");
    // The legend lists only what the run uses: a semaphore run has no I/O.
    h.run_virtual("semaphore").await;
    assert_eq!(h.all(".legend [data-legend=permit]").await.len(), 1);
    assert!(h.all(".legend [data-legend=io]").await.is_empty(), "io is not used");
    assert!(h.all(".legend [data-legend=cancelled]").await.is_empty());
    // A cancelled lane says when.
    h.run_virtual("setup-teardown?use_outcome=cancel").await;
    let at = h.text(".lane[data-outcome=cancelled] .ended-at").await;
    assert!(at.starts_with("at "), "{at}");
    assert_eq!(h.all(".legend [data-legend=cancelled]").await.len(), 1);
    // Colours: io against the strip's wait for the first byte; polled
    // against permit in the dark theme.
    let distance = |a: &str, b: &str| {
        format!(
            "const c = cls => {{ const e = document.createElement('span'); e.className = cls; \
             document.body.append(e); const v = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).map(Number); \
             e.remove(); return v; }}; const a = c('{a}'), b = c('{b}'); \
             return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);"
        )
    };
    let d = h.js_number(&distance("seg-io", "phase phase-waiting")).await;
    assert!(d > 120.0, "io and waiting for the first byte are {d} apart");
    h.choose("#theme", "dark").await;
    h.wait_for("html[data-theme=dark]", WAIT).await;
    let d = h.js_number(&distance("seg-polled", "seg-permit")).await;
    assert!(d > 90.0, "polled and permit are {d} apart in the dark");
    h.choose("#theme", "system").await;
    h.finish().await;
}

/// Each drawn label of a lane's segment and the contrast of its colour on
/// its bar, as `[state, ratio]` (WCAG's relative luminance).
const LABEL_CONTRASTS: &str = "const lum = c => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number) \
      .map(x => x / 255).map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4); \
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }; \
    return [...document.querySelectorAll('.seg-label')] \
      .filter(l => getComputedStyle(l).visibility !== 'hidden' && l.getBoundingClientRect().width > 0) \
      .map(l => { const a = lum(getComputedStyle(l).color), b = lum(getComputedStyle(l.parentElement).backgroundColor); \
        return [l.parentElement.dataset.state, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; });";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segment_labels_read_on_their_bars_in_both_themes() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    let mut states = std::collections::BTreeSet::new();
    for theme in ["light", "dark"] {
        h.open("/#/").await;
        h.choose("#theme", theme).await;
        h.wait_for(&format!("html[data-theme={theme}]"), WAIT).await;
        for route in ["semaphore", "fetch", "countdown", "sync-primitives"] {
            h.run_virtual(route).await;
            let labels = h.client.execute(LABEL_CONTRASTS, vec![]).await.expect("the labels");
            for label in labels.as_array().into_iter().flatten() {
                let state = label[0].as_str().unwrap_or_default().to_string();
                let ratio = label[1].as_f64().unwrap_or_default();
                assert!(ratio >= 4.5, "{theme}, {route}: a {state} label reads at {ratio:.2}:1");
                states.insert(state);
            }
        }
    }
    h.choose("#theme", "system").await;
    for state in ["sleeping", "permit", "io", "waiting"] {
        assert!(states.contains(state), "no {state} label was checked: {states:?}");
    }
    h.finish().await;
}

/// The fields of the form side by side whose inputs are not at one
/// height, as `label: top` pairs per row.
const FIELDS_OUT_OF_LINE: &str = "const rows = new Map(); \
    for (const f of document.querySelectorAll('.params .field')) { \
      const c = f.querySelector('input, select'); if (!c) continue; \
      const row = Math.round(f.getBoundingClientRect().top); \
      rows.set(row, [...(rows.get(row) || []), [f.querySelector('label').textContent, Math.round(c.getBoundingClientRect().top)]]); } \
    return [...rows.values()].filter(r => new Set(r.map(([, t]) => t)).size > 1);";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_zoom_buttons_wrap_together_and_the_fields_line_up() {
    let h = Harness::start().await;
    for (w, ht) in [(1280, 800), (1400, 1000), (1920, 1080), (390, 844)] {
        h.set_viewport(w, ht).await;
        // The countdown's two fields: one label's range takes three lines
        // at 1280, the other's two.
        for slug in ["countdown", "semaphore", "retry"] {
            h.open(&format!("/#/{slug}")).await;
            let out = h.client.execute(FIELDS_OUT_OF_LINE, vec![]).await.expect("the fields");
            assert_eq!(out, serde_json::json!([]), "{w}×{ht}, {slug}: inputs out of line");
        }
        // A field's error, however many lines it takes, does not push the
        // inputs beside it away from their labels' text.
        h.open("/#/sequential-vs-concurrent?duration_ms=99999999").await;
        h.wait_for(".field.invalid", WAIT).await;
        let gaps = h
            .client
            .execute(
                "return [...document.querySelectorAll('.params .field')].map(f => { \
                   const l = f.querySelector('label .range').getBoundingClientRect(); \
                   const c = f.querySelector('input, select').getBoundingClientRect(); \
                   return c.top - l.bottom; }).filter(g => g > 8);",
                vec![],
            )
            .await
            .expect("the gaps");
        assert_eq!(gaps, serde_json::json!([]), "{w}×{ht}: inputs pushed from their labels");
        h.run_virtual("countdown").await;
        let rows = h
            .js_number(
                "return new Set(['#zoom-in', '#zoom-out', '#zoom-reset'] \
                   .map(s => Math.round(document.querySelector(s).getBoundingClientRect().top))).size;",
            )
            .await;
        assert_eq!(rows, 1.0, "{w}×{ht}: the zoom's buttons are on {rows} rows");
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_run_has_an_overview_that_scrolls_the_lanes() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.open("/#/semaphore?tasks=2000&limit=100&duration_ms=300").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    let parts = h.all(".overview-plot *").await.len();
    assert!(parts > 0 && parts < 300, "the overview has {parts} elements");
    let bands = h.all(".overview-plot .band").await;
    assert!(bands.len() > 10);
    h.click(".overview-plot .band:last-of-type").await;
    let top = h
        .js_number("return document.querySelector('.lanes.scroll').scrollTop")
        .await;
    assert!(top > 20_000.0, "the lanes scrolled to the last band: {top}");
    h.screenshot("semaphore-overview").await;
    h.finish().await;
}

/// Presses "Run in virtual time" (brought into view first, as a visitor
/// would scroll to it: a run on opening brings the lanes into view) and
/// returns, once the run is done and drawn (the run may be over between
/// two looks of a WebDriver wait), what its status line said of its
/// progress meanwhile, each time the page changed: `ms` and `events` (its
/// figures), `text`, the bar's `value` and `max` (-1 without a bar),
/// whether it was in view, and how often the last run had been drawn
/// (`draws`, and `before` the press).
async fn progress_of_a_virtual_run(h: &Harness) -> Vec<serde_json::Value> {
    let script = "const done = arguments[arguments.length - 1]; \
        const runner = document.querySelector('.runner'); let busy = false; const shown = []; \
        const before = Number(runner.querySelector('.run').dataset.draws); \
        const look = () => { const p = runner.querySelector('.status .progress'); \
          if (p) { const bar = runner.querySelector('.status progress'); const r = p.getBoundingClientRect(); \
            shown.push({ ms: Number(p.dataset.virtualMs), events: Number(p.dataset.events), text: p.textContent, \
              value: bar ? Number(bar.value) : -1, max: bar ? Number(bar.max) : -1, \
              inView: r.width > 0 && r.top >= 0 && r.bottom <= innerHeight, \
              draws: Number(runner.querySelector('.run').dataset.draws), before }); } \
          if (runner.dataset.state === 'running') busy = true; \
          if (busy && runner.dataset.state === 'done' && !runner.hasAttribute('aria-busy') && runner.querySelector('.lane')) { seen.disconnect(); done(shown); } }; \
        const seen = new MutationObserver(look); \
        seen.observe(runner, { attributes: true, subtree: true, childList: true, characterData: true }); \
        const button = document.querySelector('#run-virtual'); button.scrollIntoView({ block: 'center' }); button.click();";
    let shown = h.client.execute_async(script, vec![]).await.expect("run, then drawn");
    shown.as_array().expect("what the status line showed").clone()
}

/// Checks what [`progress_of_a_virtual_run`] saw of a run of `of_ms` that
/// ran to its end as the page opened: its clock and its events, in words
/// and figures that agree, never going back, within the run; a bar of the
/// run's length (known from the run on opening); in view; and the last
/// run's lanes left as they were (not drawn again at each slice: a
/// drawing of the lanes in view is the costly part). Returns the last
/// figures shown.
fn check_progress(shown: &[serde_json::Value], of_ms: u64) -> (u64, u64) {
    assert!(!shown.is_empty(), "no progress was shown");
    let (mut last_ms, mut last_events) = (0, 0);
    for p in shown {
        let (ms, events) = (p["ms"].as_u64().expect("ms"), p["events"].as_u64().expect("events"));
        assert_eq!(
            p["text"].as_str().expect("text"),
            format!(
                "virtual clock at {}, {events} events recorded",
                asyncscope_core::trace::human(Duration::from_millis(ms))
            )
        );
        assert!(ms >= last_ms && events >= last_events && ms <= of_ms, "{shown:?}");
        assert_eq!((p["max"].as_u64(), p["value"].as_u64()), (Some(of_ms), Some(ms)), "{p}");
        assert_eq!(p["inView"], true, "the progress is out of view: {p}");
        assert_eq!(p["draws"], p["before"], "the last run's lanes were drawn again: {p}");
        (last_ms, last_events) = (ms, events);
    }
    (last_ms, last_events)
}

/// "Run in virtual time" of 10,000 tasks draws its result (its slices,
/// snapshot and drawing each a task of their own; the page benchmark
/// measures them), showing meanwhile how far it has gone, and the log
/// filters by a task typed by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_in_virtual_time_of_10000_tasks_draws_the_result() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    // The link runs in virtual time as it opens: 100 s of virtual time.
    h.open_link("/#/semaphore?tasks=10000&limit=100").await;
    check_progress(&progress_of_a_virtual_run(&h).await, 100_000);
    let lanes = h
        .js_number("return Number(document.querySelector('.lanes').dataset.lanes)")
        .await;
    assert_eq!(lanes, 10_001.0);
    assert!(h.all(".overview-plot .band").await.len() > 10, "the overview is drawn");
    assert_eq!(h.text("[data-demo-tasks=tasks_ok]").await, "10000");
    assert!(h.number("[data-metric=log_rows]").await > 100_000);
    // So many tasks are filtered by name, not picked from a menu.
    assert_eq!(h.all("#log-task option").await.len(), 0, "no menu of 10,001 options");
    h.choose("#log-task", "task7692").await;
    let rows = h.number("[data-metric=log_rows]").await;
    assert!((5..60).contains(&rows), "task7692's events: {rows}");
    for cell in h.all(".event-log td.task").await {
        assert_eq!(cell.text().await.expect("text"), "task7692");
    }
    h.finish().await;
}

/// What the elements matching `css` stand for: one each, or for a bundle
/// its `data-bundled` count.
async fn bundled(h: &Harness, css: &str) -> f64 {
    h.js_number(&format!(
        "return [...document.querySelectorAll('{css}')].reduce((n, e) => n + Number(e.dataset.bundled || 1), 0);"
    ))
    .await
}

/// A run in virtual time long enough for more than one slice (about
/// 900,000 events) shows its progress advance from one slice to the next,
/// and its lane draws its 300,000 segments in bundles.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_run_in_virtual_time_shows_its_progress_advance() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    // A tick every millisecond for 150 s of virtual time: 900,000 events,
    // several slices of 30 ms however fast the machine (a slice took
    // 315,000 events in CI).
    h.open_link("/#/periodic?period_ms=1&run_for_ms=150000").await;
    let makespan = h.number("[data-metric=makespan_ms]").await;
    assert!(
        (150_000..151_000).contains(&makespan),
        "the run on opening: {makespan} ms"
    );
    let shown = progress_of_a_virtual_run(&h).await;
    let (ms, events) = check_progress(&shown, makespan);
    let figures: std::collections::BTreeSet<u64> = shown.iter().filter_map(|p| p["events"].as_u64()).collect();
    // At least one figure between the start and the end: how many slices
    // a run takes depends on the machine's speed.
    assert!(
        figures.len() >= 2 && ms > 0 && events > 100_000,
        "the progress did not advance slice by slice: {shown:?}"
    );
    // The ticker's 300,000 segments under a pixel each are drawn in a few
    // hundred bundles, every segment counted in one; its wakes likewise.
    let elements = h
        .js_number("return document.querySelectorAll('.run .lane .seg').length;")
        .await;
    assert!(elements <= 1_000.0, "{elements} segment elements");
    let drawn = bundled(&h, ".run .lane .seg").await;
    assert!(drawn >= 300_000.0, "the bundles hold {drawn} segments");
    let wakes = bundled(&h, ".run .lane .mark-wake").await;
    assert!(wakes >= 149_000.0, "the wake marks hold {wakes} wakes");
    let note = h.text(".run .bundle-note").await;
    assert!(note.contains("zoom in"), "the page says what the bundles are: {note:?}");
    h.finish().await;
}

/// On a phone, what a press of a button did shows beside it: the status
/// line sits right under the buttons (the presets come after the lanes),
/// so a run in virtual time shows its progress in view; and when a real
/// run's lanes come into view, the status line right above them comes
/// too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_status_line_shows_what_a_press_did() {
    let h = Harness::start().await;
    h.set_viewport(390, 844).await;
    h.open_link("/#/periodic?period_ms=1&run_for_ms=30000").await;
    let makespan = h.number("[data-metric=makespan_ms]").await;
    let shown = progress_of_a_virtual_run(&h).await;
    check_progress(&shown, makespan);
    let status = h.rect(".runner .status").await;
    let stage = h.rect(".runner .stage").await;
    let presets = h.rect(".runner .presets").await;
    assert!(
        status[3] <= stage[1] && stage[3] <= presets[1],
        "the status line {status:?}, then the lanes {stage:?}, then the presets {presets:?}"
    );
    h.open("/#/").await;
    h.open("/#/countdown").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    h.client
        .execute(
            "document.querySelector('#run').scrollIntoView({ block: 'center' });",
            vec![],
        )
        .await
        .expect("scrolled");
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner .stage .lane", WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(h.in_view(".runner .stage .lane").await, "the first lane after Run");
    assert!(h.in_view(".runner .status").await, "the status line above the lanes");
    let text = h.text(".runner .status").await;
    assert!(
        text.starts_with("Running"),
        "the status line says the run goes on: {text:?}"
    );
    assert!(
        h.all(".run .bundle-note").await.is_empty(),
        "a countdown's segments are wide: no bundle, no note"
    );
    h.screenshot("countdown-running-390x844").await;
    h.click("#cancel:not([disabled])").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_favicon_answers() {
    let h = Harness::start().await;
    h.open("/#/").await;
    h.wait_for("[data-view=home]", WAIT).await;
    let status = h
        .client
        .execute_async(
            "const done = arguments[0]; const link = document.querySelector('link[rel=icon]'); \
             if (!link) { done(0); return; } fetch(link.href).then(r => done(r.status), () => done(-1));",
            vec![],
        )
        .await
        .expect("a status")
        .as_f64()
        .unwrap_or(0.0);
    assert_eq!(status, 200.0, "the linked icon answers");
    h.finish().await;
}
