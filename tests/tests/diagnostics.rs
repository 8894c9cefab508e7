//! The Warnings panel in headless Chromium: the blocking demo's long poll
//! is listed with its task and line, a click moves the playhead to it,
//! and the fixed twin (`mode=yield`) has none.

use std::time::Duration;

use asyncscope_e2e::Harness;

const WAIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_warnings_panel_lists_the_long_poll_and_moves_the_playhead() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.run_virtual("blocking").await;
    assert_eq!(h.number(".warnings [data-metric=warnings]").await, 1);
    let item = h
        .wait_for(".warnings li[data-rule=long_poll][data-task=worker]", WAIT)
        .await;
    let text = item.text().await.unwrap_or_default();
    assert!(text.contains("500 ms without yielding"), "{text}");
    // The line is one of the shown code, and it holds what blocked.
    let line: String = h.text(".warnings li[data-rule=long_poll] .line-ref").await;
    let n = line.trim_start_matches("line ").trim().to_owned();
    let code = h.text(&format!(".source .line[data-line='{n}']")).await;
    assert!(
        code.contains("block_for") || code.contains(".await"),
        "line {n}: {code}"
    );
    // The lane carries the warning as a mark, its tooltip the message.
    let mark = h.wait_for(".lane[data-task=worker] .mark-warning", WAIT).await;
    let tip = mark.attr("title").await.ok().flatten().unwrap_or_default();
    assert!(
        tip.contains("warning long_poll: worker ran for 500 ms without yielding"),
        "{tip}"
    );
    assert!(h.all(".lane:not([data-task=worker]) .mark-warning").await.is_empty());
    h.click(".warnings li[data-rule=long_poll] .warning-at").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(h.number("[data-metric=playhead_ms]").await, 150);
    h.screenshot("warnings-blocking").await;

    h.run_virtual("blocking?mode=yield").await;
    assert_eq!(h.number(".warnings [data-metric=warnings]").await, 0);
    assert!(h.all(".mark-warning").await.is_empty());
    assert!(h.all(".warnings li").await.is_empty());
    h.finish().await;
}

/// The Waiting-on panel: a click on a lane selects its task at that
/// instant, and the panel names what it waits on there, down to the
/// semaphore, its place in line and the holders; a waiting segment's
/// tooltip says the same. In Chinese too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_waiting_on_panel_names_the_semaphore_and_its_holders() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.run_virtual("semaphore").await;
    h.click(".lane[data-task=task9] .seg-permit").await;
    let chain = h.wait_for("#waits .wait-chain[data-task=task9]", WAIT).await;
    let text = chain.text().await.unwrap_or_default();
    assert!(
        text.starts_with("task9 → semaphore \"semaphore\" (permit, ") && text.contains(" held by task"),
        "{text}"
    );
    assert!(h.in_view("#waits .wait-chain").await, "the panel is in view");
    let tip = h
        .wait_for(".lane[data-task=task9] .seg-permit", WAIT)
        .await
        .attr("title")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(
        tip.ends_with("waiting on semaphore \"semaphore\" (permit, 7th of 7 in line, 3 held by task0, task1, task2)"),
        "{tip}"
    );
    h.screenshot("waits-semaphore").await;

    h.choose("#lang", "zh").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    h.run_virtual("semaphore").await;
    h.click(".lane[data-task=task9] .seg-permit").await;
    let zh = h.wait_for("#waits .wait-chain[data-task=task9]", WAIT).await;
    let text = zh.text().await.unwrap_or_default();
    assert!(text.starts_with("task9 → 信号量「semaphore」（等许可，排第 "), "{text}");
    assert!(h.text("#waits h3").await.starts_with("在等什么"));
    h.finish().await;
}
