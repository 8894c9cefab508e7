//! The real app in headless Chromium, served by the lab server.

use std::time::Duration;

use asyncscope_e2e::Harness;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_vs_concurrent_runs_on_real_timers() {
    let h = Harness::start().await;
    h.open("/#/sequential-vs-concurrent").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    h.type_into("#param-jobs", "3").await;
    h.type_into("#param-duration_ms", "200").await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;

    // Real timers: the sequential run takes at least the sum of the waits,
    // the concurrent one at least the longest; both within a loose bound.
    let seq = h.number("[data-run=sequential] [data-metric=makespan_ms]").await;
    let conc = h.number("[data-run=concurrent] [data-metric=makespan_ms]").await;
    assert!(
        (600..1600).contains(&seq),
        "sequential makespan {seq} ms, expected about 600"
    );
    assert!(
        (200..1200).contains(&conc),
        "concurrent makespan {conc} ms, expected about 200"
    );
    assert!(
        conc < seq,
        "concurrent {conc} ms is not shorter than sequential {seq} ms"
    );
    assert_eq!(h.all("[data-run=sequential] .lane").await.len(), 3);
    assert_eq!(h.all("[data-run=concurrent] .lane").await.len(), 3);
    assert_eq!(h.all(".lane[data-outcome=ok]").await.len(), 6);
    assert_eq!(h.number("[data-run=concurrent] [data-metric=max_in_flight]").await, 3);
    assert_eq!(h.number("[data-run=sequential] [data-metric=max_in_flight]").await, 1);
    let url = h.client.current_url().await.expect("url");
    assert_eq!(
        url.fragment(),
        Some("/sequential-vs-concurrent?mode=both&jobs=3&duration_ms=200")
    );
    h.screenshot("sequential-vs-concurrent").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_drops_every_unfinished_job() {
    let h = Harness::start().await;
    h.open_link("/#/sequential-vs-concurrent?jobs=4&duration_ms=5000").await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=running] .lane", WAIT).await;
    h.click("#cancel:not([disabled])").await;
    h.wait_for(".runner[data-state=cancelled]", WAIT).await;
    // Sequential had built only job0; concurrent had all four in flight.
    assert_eq!(
        h.all("[data-run=sequential] .lane[data-outcome=cancelled]").await.len(),
        1
    );
    assert_eq!(
        h.all("[data-run=concurrent] .lane[data-outcome=cancelled]").await.len(),
        4
    );
    assert_eq!(h.all(".lane[data-outcome=running]").await.len(), 0);
    assert_eq!(h.number("[data-run=concurrent] [data-metric=tasks_cancelled]").await, 4);

    // Leaving a page mid-run drops its run too, and nothing breaks.
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=running] .lane", WAIT).await;
    h.client
        .execute("location.hash = '#/gather'", vec![])
        .await
        .expect("navigate");
    h.wait_for("[data-slug=gather] .runner[data-state=idle]", WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.all("#panic-banner").await.len(),
        0,
        "no panic after leaving a running page"
    );
    h.client.back().await.expect("back");
    h.wait_for(".runner:is([data-state=idle], [data-state=done])", WAIT)
        .await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_the_range() {
    let h = Harness::start().await;
    h.open("/#/sequential-vs-concurrent?duration_ms=99999999").await;
    let err = h
        .wait_for("#param-duration_ms-error", WAIT)
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(err, "duration_ms must be a whole number from 1 to 60000; got 99999999");
    h.type_into("#param-jobs", "abc").await;
    let err = h.text("#param-jobs-error").await;
    assert_eq!(
        err,
        "jobs must be a whole number from 1 to 50; got \"abc\", which is not a whole number"
    );
    assert_eq!(
        h.all("button[type=submit][disabled]").await.len(),
        1,
        "Run stays disabled"
    );
    // The status line says why Run is off, not "press Run".
    let status = h.text(".runner .status").await;
    assert_eq!(
        status,
        "Run waits for the fields marked in red: each says what it takes."
    );
    h.type_into("#param-duration_ms", "100").await;
    h.type_into("#param-jobs", "2").await;
    h.wait_for("button[type=submit]:not([disabled])", WAIT).await;
    assert_eq!(h.text("#param-jobs-error").await, "");
    assert_eq!(h.text(".runner .status").await, "Set the parameters and press Run.");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_lists_every_demo_and_unknown_routes_say_not_found() {
    let h = Harness::start().await;
    h.open("/").await;
    h.wait_for("[data-view=home]", WAIT).await;
    assert_eq!(h.all(".card").await.len(), 19);
    assert_eq!(h.all(".demo-nav li").await.len(), 19);
    h.screenshot("home").await;
    // A filter that matches nothing says so, and gives the list back.
    h.type_into("#filter", "zzz").await;
    assert_eq!(
        h.text(".home .no-match").await,
        "No demo matches “zzz”. Show every demo"
    );
    assert!(h.all(".card").await.is_empty());
    h.click("#filter-clear").await;
    h.wait_for(".card", WAIT).await;
    assert_eq!(h.all(".card").await.len(), 19);
    assert!(h.all(".home .no-match").await.is_empty());
    assert_eq!(h.value("#filter").await, "");

    h.open("/#/no-such-demo").await;
    let view = h
        .wait_for("[data-view=not-found]", WAIT)
        .await
        .text()
        .await
        .expect("text");
    assert!(view.contains("There is no page at /no-such-demo."), "{view}");

    h.open("/#/semaphore").await;
    h.wait_for("[data-slug=semaphore] .runner[data-state=idle]", WAIT).await;
    assert_eq!(h.all("[data-slug=semaphore] form #param-limit").await.len(), 1);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_shows_four_of_five_and_the_500_as_an_http_error() {
    let h = Harness::start().await;
    h.open_link("/#/fetch?network=real").await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    assert_eq!(h.number("[data-metric=requests_ok]").await, 4);
    assert_eq!(h.text("[data-metric=http_errors]").await, "500");
    assert_eq!(h.number("[data-metric=tasks_failed]").await, 1);
    assert_eq!(h.all(".lane[data-task=request2][data-outcome=error]").await.len(), 1);
    let makespan = h.number("[data-metric=makespan_ms]").await;
    assert!(
        (1000..4000).contains(&makespan),
        "makespan {makespan} ms, expected about 1000"
    );
    assert!(h.all("[data-notice=no-lab]").await.is_empty(), "the lab is there");
    let stats = h.lab_stats().await;
    assert_eq!(stats["completed"].as_u64(), Some(5), "{stats}");
    h.screenshot("fetch").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_four_requests_are_at_most_six_on_the_wire() {
    let h = Harness::start().await;
    h.open_link("/#/fetch?requests=24&min_delay_ms=500&max_delay_ms=500&fail_index=0&timeout_ms=60000&network=real")
        .await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", Duration::from_secs(40))
        .await;
    assert_eq!(h.number("[data-metric=requests_ok]").await, 24);
    let on_wire = h.number("[data-metric=max_on_wire]").await;
    assert!((2..=6).contains(&on_wire), "{on_wire} requests on the wire at once");
    // Six at a time: four waves of 500 ms.
    let makespan = h.number("[data-metric=makespan_ms]").await;
    assert!(makespan >= 1900, "makespan {makespan} ms: the browser did not queue");
    h.screenshot("fetch-24").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_reaches_100_percent_and_a_cancel_reaches_the_server() {
    let h = Harness::start().await;
    h.open_link("/#/download?size_kib=256&chunk_kib=64&interval_ms=20&network=real")
        .await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    assert_eq!(h.number("[data-metric=progress_pct]").await, 100);
    assert_eq!(h.all(".lane[data-task=download][data-outcome=ok]").await.len(), 1);

    h.open_link("/#/download?size_kib=8192&chunk_kib=64&interval_ms=40&network=real")
        .await;
    h.wait_for(".runner:is([data-state=idle], [data-state=done])", WAIT)
        .await;
    h.click("button[type=submit]:not([disabled])").await;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let pct = h.all("[data-metric=progress_pct]").await;
        if let Some(el) = pct.first()
            && el.text().await.ok().and_then(|t| t.parse::<u64>().ok()).unwrap_or(0) >= 10
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the download made no progress");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.click("#cancel:not([disabled])").await;
    h.wait_for(".runner[data-state=cancelled]", WAIT).await;
    let pct = h.number("[data-metric=progress_pct]").await;
    assert!(pct < 100, "cancelled at {pct}%");
    assert_eq!(
        h.all(".lane[data-task=download][data-outcome=cancelled]").await.len(),
        1
    );
    let mut stats = h.lab_stats().await;
    for _ in 0..100 {
        if stats["client_gone"].as_u64() >= Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        stats = h.lab_stats().await;
    }
    assert_eq!(
        stats["client_gone"].as_u64(),
        Some(1),
        "the server did not see the abort: {stats}"
    );
    assert_eq!(stats["in_flight"].as_u64(), Some(0), "{stats}");
    h.screenshot("download-cancelled").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_lab_server_the_page_says_so_once_and_simulates() {
    let h = Harness::start_with(false).await;
    h.open("/#/fetch").await;
    h.wait_for("[data-notice=no-lab]", WAIT).await;
    assert_eq!(h.value("#param-network").await, "simulated");
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.number("[data-metric=requests_ok]").await, 4);
    assert_eq!(h.text("[data-metric=http_errors]").await, "500");
    assert_eq!(
        h.all("[data-notice=no-lab]").await.len(),
        1,
        "one notice, not one per request"
    );
    h.screenshot("fetch-simulated").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_the_thread_shows_as_one_long_poll() {
    let h = Harness::start().await;
    h.open_link("/#/blocking?block_ms=400&block_at_ms=100").await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    assert_eq!(h.all(".lane").await.len(), 4, "three timers and the worker");
    assert_eq!(h.all(".lane[data-outcome=ok]").await.len(), 4);
    // The worker's one long poll: a polled segment wide enough to be labelled.
    let labels = h.all(".lane[data-task=worker] .seg-polled .seg-label").await;
    assert_eq!(labels.len(), 1, "the 400 ms busy loop is one poll");
    h.screenshot("blocking").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn semaphore_jobs_can_be_real_requests() {
    let h = Harness::start().await;
    h.open_link("/#/semaphore?tasks=6&limit=2&duration_ms=300&work=request&network=real")
        .await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    assert_eq!(h.number("[data-metric=requests_ok]").await, 6);
    assert_eq!(
        h.number("[data-metric=max_in_flight]").await,
        2,
        "the semaphore lets two in"
    );
    // Three waves of two 300 ms requests.
    let makespan = h.number("[data-metric=makespan_ms]").await;
    assert!((900..5000).contains(&makespan), "makespan {makespan} ms");
    let stats = h.lab_stats().await;
    assert!(stats["completed"].as_u64() >= Some(6), "the lab served them: {stats}");
    assert_eq!(h.all("[data-notice=no-lab]").await.len(), 0);
    h.screenshot("semaphore-requests").await;
    h.finish().await;
}

/// A live run's axis spans the run's expected length from its start: its
/// ticks and its lanes' bars hold still while the run fills them in, and
/// the finished run keeps that axis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_runs_lanes_hold_still_as_they_fill_in() {
    let h = Harness::start().await;
    // Three counts a second apart: 3 s, expected as the virtual run says.
    // A link with parameters runs in virtual time as it opens; then Run.
    h.open("/#/countdown?counts=3&tick_ms=1000").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner[data-state=running] .lane .seg", WAIT).await;
    let look = || async {
        let last_tick = h.text(".runner .stage .axis .tick:last-child").await;
        let first_bar = h
            .js_number(
                "const s = document.querySelector('.runner .stage .lane .seg'); \
                 return s ? s.getBoundingClientRect().left : NaN;",
            )
            .await;
        (last_tick, first_bar)
    };
    let early = look().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        h.all(".runner[data-state=running]").await.len(),
        1,
        "the run is still going 1.5 s in"
    );
    let later = look().await;
    h.screenshot("live-countdown").await;
    assert_eq!(early.0.trim(), "3 s", "the axis spans the expected 3 s from the start");
    assert_eq!(
        early, later,
        "the axis and the first bar did not move while the run went on"
    );
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.text(".runner .stage .axis .tick:last-child").await.trim(), "3 s");
    h.finish().await;
}

/// A live frame takes in only what the run recorded since the last: past
/// the first use of each of its two copies of the trace and two models,
/// they are caught up and fed in place, never copied whole or made again
/// (the timeline counts them as `data-copies` and `data-models`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_frame_takes_in_only_what_is_new() {
    let h = Harness::start().await;
    // Twenty counts 100 ms apart: a frame for each.
    h.open("/#/countdown?counts=20&tick_ms=100").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    let page = &h;
    let counts = move |attr: &'static str| async move {
        let text = page.attr(".runner .stage .timeline", attr).await.unwrap_or_default();
        text.split(' ')
            .map(|n| n.parse::<u32>().unwrap_or(u32::MAX))
            .collect::<Vec<u32>>()
    };
    let (models_before, copies_before) = (counts("data-models").await, counts("data-copies").await);
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    let (models, copies) = (counts("data-models").await, counts("data-copies").await);
    let diff = |after: &[u32], before: &[u32]| -> Vec<u32> {
        after.iter().zip(before).map(|(a, b)| a.saturating_sub(*b)).collect()
    };
    let (models, copies) = (diff(&models, &models_before), diff(&copies, &copies_before));
    eprintln!("trace copies (caught up, whole) {copies:?}; models (fed in place, copied, made again) {models:?}");
    assert!(
        copies.len() == 2 && copies[0] >= 5 && copies[1] <= 2,
        "trace copies (caught up, whole) in the live run: {copies:?}"
    );
    assert!(
        models.len() == 3 && models[0] >= 5 && models[1] == 0 && models[2] <= 2,
        "models (fed in place, copied, made again) in the live run: {models:?}"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_drawing_touches_only_the_ends_of_the_lanes() {
    let h = Harness::start().await;
    // Forty counts of 100 ms, on an axis fixed at the expected 4 s: past
    // 8 segments the lane is drawn in runs of 8, each a component of its
    // own; counted from the 34th segment (about 1.7 s in) on.
    h.open("/#/countdown?counts=40&tick_ms=100").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    h.click("#run:not([disabled])").await;
    h.wait_for(
        // The 34th segment: the second of the fifth run.
        ".runner[data-state=running] .lane .lane-track > .chunk:nth-child(5) > .seg:nth-child(2)",
        WAIT,
    )
    .await;
    // From now on, at each drawing (a batch of mutations): the segments
    // added, and each segment written behind the last of its lane: how
    // many drawings touched it.
    h.client
        .execute(
            "window.__segWrites = { added: 0, last: 0, behind: 0, most: 0 }; \
             window.__firstSegs = [...document.querySelectorAll('.runner .lane-track .seg')].slice(0, 32); \
             const touched = new WeakMap(); \
             new MutationObserver((records) => { \
               const seen = new Set(); \
               for (const r of records) { \
                 for (const n of r.addedNodes) if (n.classList && n.classList.contains('seg')) window.__segWrites.added++; \
                 const seg = r.target; \
                 if (r.type === 'attributes' && seg.classList && seg.classList.contains('seg') && seg.isConnected) seen.add(seg); \
               } \
               for (const seg of seen) { \
                 const all = [...seg.closest('.lane-track').querySelectorAll('.seg')]; \
                 if (all.indexOf(seg) === all.length - 1) { window.__segWrites.last++; continue; } \
                 window.__segWrites.behind++; \
                 const n = (touched.get(seg) || 0) + 1; \
                 touched.set(seg, n); \
                 window.__segWrites.most = Math.max(window.__segWrites.most, n); \
               } \
             }).observe(document.querySelector('.runner .stage'), { attributes: true, childList: true, subtree: true });",
            vec![],
        )
        .await
        .expect("an observer");
    // Counted while the run goes on (the finished run's drawing adds what
    // each segment waited on to every one of them).
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let count = |k: &str| format!("return window.__segWrites.{k};");
    let (added, last, behind, most) = (
        h.js_number(&count("added")).await,
        h.js_number(&count("last")).await,
        h.js_number(&count("behind")).await,
        h.js_number(&count("most")).await,
    );
    assert_eq!(
        h.all(".runner[data-state=running]").await.len(),
        1,
        "the run was still going when counted"
    );
    // A lane grows at its end: a drawing adds the tick's poll and the
    // sleep before it (a sleep just begun is drawn once it is a pixel
    // wide, and then closed by the drawing after). Each segment behind the
    // last is written by one drawing at most, so a drawing costs the same
    // at a lane's 40th segment as at its 2nd (an unkeyed list rewrote every
    // segment at every drawing).
    assert!(
        added >= 10.0,
        "the lanes were drawn as they grew: {added} segments added in 1.2 s of 100 ms ticks"
    );
    // The first four runs (32 segments) are the same elements, in the
    // lane, in order.
    let kept = h
        .js_number(
            "const now = [...document.querySelectorAll('.runner .lane-track .seg')]; \
             return window.__firstSegs.length === 32 && window.__firstSegs.every((s, i) => now[i] === s) ? 1 : 0;",
        )
        .await;
    assert_eq!(kept, 1.0, "the lane's first 32 segments were made again");
    assert!(
        h.all(".runner .lane-track .seg").await.len() > 40,
        "the lane had grown on when counted"
    );
    assert!(
        most <= 1.0,
        "a segment behind the end was rewritten by {most} drawings ({behind} writes behind, {last} at the ends, {added} added)"
    );
    h.finish().await;
}

/// While a run is drawn as it goes, its status line (a polite live region,
/// which a screen reader reads out at each change) says once that it runs
/// and then holds still; the time so far counts in the makespan, beside
/// the lanes. Its clock used to change at every drawing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_run_says_it_runs_once_and_counts_its_time_in_the_makespan() {
    let h = Harness::start().await;
    h.open("/#/countdown?counts=30&tick_ms=100").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner[data-state=running] .lane .seg", WAIT).await;
    let status = ".runner .status[role=status][aria-live=polite]";
    assert_eq!(h.text(status).await, "Running on the browser's clock…");
    let first = h.text(".runner .metrics dd").await;
    h.client
        .execute(
            "window.__changes = { status: 0, makespan: new Set() }; \
             const status = document.querySelector('.runner .status'); \
             const makespan = document.querySelector('.runner .metrics dd'); \
             new MutationObserver(() => window.__changes.status++) \
               .observe(status, { characterData: true, childList: true, subtree: true }); \
             new MutationObserver(() => window.__changes.makespan.add(makespan.textContent)) \
               .observe(makespan, { characterData: true, childList: true, subtree: true });",
            vec![],
        )
        .await
        .expect("observers");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        h.all(".runner[data-state=running]").await.len(),
        1,
        "the run was still going when counted"
    );
    let (changes, counts) = (
        h.js_number("return window.__changes.status;").await,
        h.js_number("return window.__changes.makespan.size;").await,
    );
    assert_eq!(
        changes, 0.0,
        "the status line changed {changes} times in 1 s of a live run"
    );
    assert_eq!(h.text(status).await, "Running on the browser's clock…");
    let last = h.text(".runner .metrics dd").await;
    assert!(
        counts >= 5.0 && first.ends_with("s so far") && last.ends_with("s so far") && first != last,
        "the makespan counts the time so far: {first:?}, then {counts} values in 1 s, now {last:?}"
    );
    h.click("#cancel:not([disabled])").await;
    h.wait_for(".runner[data-state=cancelled]", WAIT).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_lanes_segments_and_marks_answer_the_pointer_through_their_runs() {
    let h = Harness::start().await;
    // Forty counts: 80 segments and 40 wake marks, drawn in runs of 8,
    // each run a box over the whole track.
    h.open("/#/countdown?counts=40&tick_ms=100").await;
    h.wait_for(".runner[data-state=done] .lane .chunk-marks", WAIT).await;
    // What the pointer finds at the middle of each segment of the first
    // three runs and at each wake mark of the first two (boxes of later
    // runs lie over them): the element itself, or what it finds instead.
    let missed = h
        .client
        .execute(
            "const lane = document.querySelector('.runner .lane'); \
             const runs = lane.querySelectorAll('.lane-track > .chunk'); \
             const segs = [...runs].slice(0, 3).flatMap(r => [...r.querySelectorAll(':scope > .seg')]); \
             const marks = [...lane.querySelectorAll('.chunk-marks')].slice(0, 2).flatMap(r => [...r.querySelectorAll(':scope > .mark-wake')]); \
             const at = (el, x) => { const r = el.getBoundingClientRect(); \
               const hit = document.elementFromPoint(x(r), r.top + r.height / 2); \
               return hit === el ? null : `${el.className} at ${Math.round(x(r))}: ${hit ? hit.className : 'nothing'}`; }; \
             const wide = segs.filter(s => s.getBoundingClientRect().width >= 3); \
             return { runs: runs.length, segs: wide.length, marks: marks.length, \
               missed: [...wide.map(s => at(s, r => r.left + r.width / 2)), \
                        ...marks.map(m => at(m, r => r.left + 0.5))].filter(x => x) };",
            vec![],
        )
        .await
        .expect("the pointer's finds");
    assert!(
        missed["runs"].as_u64().unwrap_or(0) >= 3,
        "the segments and marks came in runs: {missed}"
    );
    assert!(
        missed["segs"].as_u64().unwrap_or(0) >= 10 && missed["marks"].as_u64().unwrap_or(0) >= 10,
        "enough segments and marks to point at: {missed}"
    );
    assert_eq!(
        missed["missed"].as_array().map(Vec::len),
        Some(0),
        "the pointer did not reach every segment and mark of the first runs: {missed}"
    );
    h.finish().await;
}

/// A finished run of 360,000 events (60,000 sleeps of a millisecond) has
/// its analyses (warnings, every sleep's wait) made after its timeline is
/// drawn, in stretches with the page let go between them: more than one
/// measure after their mark, and then the timeline says it is analysed. A
/// small run is analysed as it is drawn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_runs_analyses_are_made_in_stretches_after_its_timeline() {
    /// Opens `route` (of the demo `slug`: the next address changes only
    /// the fragment, and the page keeps its document), waits until its run
    /// is analysed, and counts the measures of the analyses after their
    /// last mark.
    async fn stretches(h: &Harness, slug: &str, route: &str) -> u64 {
        h.open(&format!("/#/{slug}?{route}")).await;
        h.wait_for(
            &format!("[data-slug={slug}] .runner[data-state=done] .timeline[data-analysed]"),
            WAIT,
        )
        .await;
        let n = h
            .client
            .execute(
                "const b = performance.getEntriesByName('asyncscope:analyses:begin'); \
                 const from = b.length ? b[b.length - 1].startTime : 0; \
                 return performance.getEntriesByName('asyncscope:analyses').filter(x => x.startTime >= from).length;",
                vec![],
            )
            .await
            .expect("the measures");
        n.as_u64().unwrap_or(0)
    }
    let h = Harness::start().await;
    let n = stretches(&h, "periodic", "period_ms=1&run_for_ms=60000").await;
    assert!(n >= 2, "the analyses of 360,000 events were made in {n} stretch(es)");
    let n = stretches(&h, "countdown", "counts=3&tick_ms=100").await;
    assert_eq!(n, 1, "a small run's analyses, at once");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_finished_run_shows_its_timeline_a_task_before_its_panels_a_small_one_at_once() {
    let h = Harness::start().await;
    // 1,000 tasks make about 13,000 events (over `IN_STEPS_ABOVE`); three
    // counts, a few dozen.
    for (route, big) in [
        ("semaphore?tasks=1000&limit=16&duration_ms=0", true),
        ("countdown?counts=3&tick_ms=100", false),
    ] {
        h.open(&format!("/#/{route}")).await;
        h.wait_for(".runner[data-state=done] .event-log tbody tr[data-event]", WAIT)
            .await;
        // What the page shows after each task (a mutation observer's call
        // comes once a task's changes are made), from the press on.
        h.client
            .execute(
                "window.__shown = []; \
                 const runner = document.querySelector('.runner'); \
                 new MutationObserver(() => window.__shown.push({ \
                   state: runner.dataset.state, lanes: !!runner.querySelector('.stage .lane'), \
                   rows: !!runner.querySelector('.event-log tbody tr[data-event]') \
                 })).observe(runner, { attributes: true, childList: true, subtree: true });",
                vec![],
            )
            .await
            .expect("an observer");
        h.click("#run-virtual:not([disabled])").await;
        h.wait_for(".runner[data-state=done] .event-log tbody tr[data-event]", WAIT)
            .await;
        let shown = h
            .client
            .execute("return window.__shown;", vec![])
            .await
            .expect("what was shown");
        let shown = shown.as_array().cloned().unwrap_or_default();
        let is = |v: &serde_json::Value, k: &str| v[k].as_bool() == Some(true);
        let first = shown
            .iter()
            .position(|v| v["state"] == "done" && is(v, "lanes"))
            .unwrap_or_else(|| panic!("{route}: the finished run's lanes never showed: {shown:?}"));
        let running = shown[..first].iter().any(|v| v["state"] == "running");
        assert!(running, "{route}: the run was seen running first: {shown:?}");
        if big {
            assert!(
                !is(&shown[first], "rows") && shown[first..].iter().any(|v| is(v, "rows")),
                "{route}: the timeline was not drawn a task before the panels: {:?}",
                &shown[first.saturating_sub(1)..]
            );
        } else {
            assert!(
                is(&shown[first], "rows"),
                "{route}: a small run's panels did not come with its timeline: {:?}",
                &shown[first.saturating_sub(1)..]
            );
        }
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_run_made_again_the_same_way_is_shown_analysed_again() {
    let h = Harness::start().await;
    // 1,000 tasks through a limit of 16 make about 16,000 events (over
    // `IN_STEPS_ABOVE`): analysed after the timeline, in stretches. The page
    // opens on the form's run in virtual time; pressing "Run in virtual
    // time" with the same form makes the same trace again, in new
    // snapshots, each time (a timeline that matched its analyses to its
    // traces by pointer never showed them analysed: no waits in the
    // tooltips, no warnings, no `data-analysed`).
    h.open("/#/semaphore?tasks=1000&limit=16&duration_ms=10").await;
    let analysed = ".runner[data-state=done][data-clock=virtual] .timeline[data-analysed]";
    for run in 1..=2 {
        // From the press on, the states the runner went through.
        h.client
            .execute(
                "window.__states = []; \
                 const runner = document.querySelector('.runner'); \
                 new MutationObserver(() => window.__states.push(runner.dataset.state)) \
                   .observe(runner, { attributes: true, attributeFilter: ['data-state'] });",
                vec![],
            )
            .await
            .expect("an observer");
        h.click("#run-virtual:not([disabled])").await;
        h.wait_for(".runner[data-state=done][data-clock=virtual]", WAIT).await;
        let states = h
            .client
            .execute("return window.__states;", vec![])
            .await
            .expect("the states");
        assert!(
            states.as_array().is_some_and(|s| s.iter().any(|v| v == "running")),
            "run {run} was not seen running: {states}"
        );
        h.wait_for(analysed, WAIT).await;
        // What the analyses add, as the visitor reads it: a segment waiting
        // for a permit says what it waits on.
        let waits = h
            .js_number(
                "return [...document.querySelectorAll('.runner .lane .seg[data-state=permit]')] \
                   .filter(s => s.title.includes(': waiting on semaphore')).length;",
            )
            .await;
        assert!(waits > 0.0, "run {run}: no permit wait's tooltip says what it waits on");
    }
    h.finish().await;
}

/// The numbers of an SVG path's `d`, and whether each was a whole number.
fn path_numbers(d: &str) -> Vec<(f64, bool)> {
    d.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| !s.is_empty())
        .map(|s| (s.parse().unwrap_or(f64::NAN), !s.contains('.')))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_runs_step_chart_is_whole_columns_reaching_its_peak() {
    let h = Harness::start().await;
    // 4,000 tasks through 16 permits: 8,000 changes of the tasks in flight.
    h.run_virtual("semaphore?tasks=4000&limit=16&duration_ms=10").await;
    let chart = ".runner .track-in-flight";
    h.wait_for(&format!("{chart} path"), WAIT).await;
    let d = h
        .attr(&format!("{chart} path"), "d")
        .await
        .expect("the chart has a path");
    let numbers = path_numbers(&d);
    assert!(numbers.len() > 100, "a chart of {} numbers: {d:.200}", numbers.len());
    assert!(
        numbers.iter().all(|&(n, whole)| whole && (0.0..=1000.0).contains(&n)),
        "every coordinate a whole number within the 1000 × 1000 box: {d:.300}"
    );
    // At most three steps a column of 1,000, each drawn as two lines.
    let lines = d.matches('L').count();
    assert!(lines <= 2 * 3 * 1001 + 2, "{lines} lines for 1,000 columns");
    // The in-flight chart's scale is its peak: its highest point is the
    // box's top, and the caption says that peak is the limit.
    let ys: Vec<f64> = numbers.iter().skip(1).step_by(2).map(|(n, _)| *n).collect();
    assert_eq!(
        ys.iter().copied().fold(f64::MAX, f64::min),
        0.0,
        "the chart reaches its top"
    );
    assert_eq!(h.text(&format!("{chart} .track-peak")).await.trim(), "(peak 16)");
    // What a visitor sees: the chart is as wide as the lanes, inside the window.
    let plot = h.rect(&format!("{chart} .track-plot")).await;
    let lanes = h.rect(".runner .lanes").await;
    let (width, _) = h.viewport().await;
    // Boxes are [left, top, right, bottom].
    assert!(
        plot[2] - plot[0] > 0.5 * (lanes[2] - lanes[0]),
        "the chart {plot:?} spans the lanes {lanes:?}"
    );
    assert!(
        plot[0] >= 0.0 && plot[2] <= width,
        "the chart {plot:?} is inside the window ({width} px)"
    );
    h.screenshot("big-run-step-chart").await;
    h.finish().await;
}

/// Whether a live process's command line holds `marker` (read from
/// `/proc`, as the end-to-end tests run on Linux).
fn a_process_holds(marker: &str) -> bool {
    std::fs::read_dir("/proc").into_iter().flatten().flatten().any(|entry| {
        std::fs::read(entry.path().join("cmdline")).is_ok_and(|line| String::from_utf8_lossy(&line).contains(marker))
    })
}

/// A harness dropped without `finish`, as a test that panics drops it,
/// takes its browser with it: a Chromium left running would load the
/// machine for every test and benchmark after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_harness_leaves_no_browser_running() {
    let marker = std::env::temp_dir().join(format!("asyncscope-e2e-dropped-{}", std::process::id()));
    let flag = format!("--user-data-dir={}", marker.display());
    let h = Harness::start_with_flags(true, &[flag.as_str()]).await;
    h.open("/#/").await;
    let marker = marker.display().to_string();
    assert!(a_process_holds(&marker), "the browser runs with {flag}");
    drop(h);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while a_process_holds(&marker) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!a_process_holds(&marker), "a dropped harness left its browser running");
    let _ = std::fs::remove_dir_all(&marker);
}

/// A demo's code and asyncio twin come from its texts file when the demo
/// opens. Served without that file, the code pane says which file could
/// not be loaded and offers to try again, and the rest of the page works;
/// once the file is there, trying again shows the code and the twin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demos_code_is_loaded_when_it_opens_and_a_failed_load_is_tried_again() {
    let dist = asyncscope_e2e::dist_dir();
    let file = asyncscope_core::demos::texts_file("countdown").expect("a demo");
    assert!(dist.join(&file).is_file(), "the release build wrote {file}");
    // The built app without the countdown's texts (nor their compressed
    // variants), served by the lab server as it is.
    let copy = std::env::temp_dir().join(format!("asyncscope-dist-without-texts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).expect("a directory");
    for entry in std::fs::read_dir(&dist).expect("dist/") {
        let entry = entry.expect("an entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && !name.starts_with(&file) {
            std::fs::copy(entry.path(), copy.join(&name)).expect("copied");
        }
    }
    let h = Harness::start_serving(copy.clone(), true, &[]).await;
    h.open("/#/countdown").await;
    h.wait_for("#code-panel[data-texts=failed]", WAIT).await;
    let alert = h.text(".texts-failed").await;
    assert!(
        alert.contains("could not be loaded") && alert.contains(&format!("{file}: HTTP 404")),
        "the pane names the file and the server's answer: {alert}"
    );
    assert!(h.all(".code .source").await.is_empty(), "no code is shown");
    // The rest of the page does not depend on the texts: a run is drawn.
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=virtual] .lane", WAIT)
        .await;

    for entry in std::fs::read_dir(&dist).expect("dist/") {
        let entry = entry.expect("an entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&file) {
            std::fs::copy(entry.path(), copy.join(&name)).expect("copied");
        }
    }
    h.click("#texts-retry").await;
    h.wait_for("#code-panel[data-texts=ready] .source[data-lang=rust]", WAIT)
        .await;
    let code = h.text(".code .source").await;
    assert!(code.contains("pub async fn countdown<E: Env>"), "{code}");
    assert!(h.all(".texts-failed").await.is_empty(), "the error is gone");
    // The button went with the error: the focus is on the open tab, not lost.
    let focused = h
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .expect("runs");
    assert_eq!(focused.as_str(), Some("tab-rust"), "the focus after Try again");
    // Loaded texts are kept for the visit: another demo and back asks for
    // the countdown's file no more.
    let asked =
        format!("return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/{file}')).length");
    let before = h.client.execute(&asked, vec![]).await.expect("runs");
    // (The same document: the address's hash changes, as the page's own
    // links change it.)
    h.client
        .execute("location.hash = '#/gather'", vec![])
        .await
        .expect("runs");
    h.wait_for("[data-slug=gather] #code-panel[data-texts=ready]", WAIT)
        .await;
    h.client
        .execute("location.hash = '#/countdown'", vec![])
        .await
        .expect("runs");
    h.wait_for(
        "[data-slug=countdown] #code-panel[data-texts=ready] .source[data-lang=rust]",
        WAIT,
    )
    .await;
    let after = h.client.execute(&asked, vec![]).await.expect("runs");
    assert!(
        before.as_u64() >= Some(2),
        "the failed load and the one tried again: {before}"
    );
    assert_eq!(after, before, "the countdown's texts asked for again");
    h.click("#tab-asyncio").await;
    h.wait_for(".code .source[data-lang=python]", WAIT).await;
    let twin = h.text(".code .source").await;
    assert!(twin.contains("async def countdown(n):"), "{twin}");
    h.finish().await;
    let _ = std::fs::remove_dir_all(&copy);
}
