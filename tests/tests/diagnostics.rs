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
    h.click(".warnings li[data-rule=long_poll] .warning-at").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(h.number("[data-metric=playhead_ms]").await, 150);
    h.screenshot("warnings-blocking").await;

    h.run_virtual("blocking?mode=yield").await;
    assert_eq!(h.number(".warnings [data-metric=warnings]").await, 0);
    assert!(h.all(".warnings li").await.is_empty());
    h.finish().await;
}
