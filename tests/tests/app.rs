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
    h.open("/#/sequential-vs-concurrent?jobs=4&duration_ms=5000").await;
    h.click("button[type=submit]:not([disabled])").await;
    h.wait_for(".runner[data-state=running] .lane", WAIT).await;
    h.click("button[type=button]:not([disabled])").await;
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
    h.wait_for("[data-view=planned]", WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.all("#panic-banner").await.len(),
        0,
        "no panic after leaving a running page"
    );
    h.client.back().await.expect("back");
    h.wait_for(".runner[data-state=idle]", WAIT).await;
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
    h.type_into("#param-duration_ms", "100").await;
    h.type_into("#param-jobs", "2").await;
    h.wait_for("button[type=submit]:not([disabled])", WAIT).await;
    assert_eq!(h.text("#param-jobs-error").await, "");
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

    h.open("/#/no-such-demo").await;
    let view = h
        .wait_for("[data-view=not-found]", WAIT)
        .await
        .text()
        .await
        .expect("text");
    assert!(view.contains("There is no page at /no-such-demo."), "{view}");

    h.open("/#/semaphore").await;
    let planned = h
        .wait_for("[data-view=planned]", WAIT)
        .await
        .text()
        .await
        .expect("text");
    assert!(planned.contains("not built yet"), "{planned}");
    assert_eq!(
        h.all("[data-slug=semaphore] form").await.len(),
        0,
        "a planned demo has no fake controls"
    );
    h.finish().await;
}
