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

/// A deadlock: two holders take two locks in opposite orders. The run
/// stalls and says so; the holders' lanes stay running (waiting, not
/// cancelled); the Warnings panel names the cycle, and each holder's
/// chain names the lock it waits for and who holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadlock_stalls_and_the_warnings_panel_names_the_cycle() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.run_virtual("sync-primitives?pattern=crossed").await;
    let notice = h.text("[data-notice=page]").await;
    assert!(notice.contains("stalled at 4000 ms"), "{notice}");
    assert_eq!(h.number(".warnings [data-metric=warnings]").await, 1);
    let item = h
        .wait_for(".warnings li[data-rule=stuck][data-task=holder0]", WAIT)
        .await;
    let text = item.text().await.unwrap_or_default();
    assert!(
        text.contains("holder0 waits for lock \"other\", held by holder1")
            && text.contains("holder1 waits for lock \"lock\", held by holder0"),
        "{text}"
    );
    for holder in ["holder0", "holder1"] {
        let lane = h.wait_for(&format!(".lane[data-task={holder}]"), WAIT).await;
        assert_eq!(
            lane.attr("data-outcome").await.ok().flatten().as_deref(),
            Some("running")
        );
    }
    // The line it points at is the second lock's await.
    let line: String = h.text(".warnings li[data-rule=stuck] .line-ref").await;
    let n = line.trim_start_matches("line ").trim().to_owned();
    let code = h.text(&format!(".source .line[data-line='{n}']")).await;
    assert!(code.contains("second.lock().await"), "line {n}: {code}");
    // Clicked in its last wait, holder1 waits for the lock holder0 holds.
    h.click(".lane[data-task=holder1] .seg-permit").await;
    let chain = h.wait_for("#waits .wait-chain[data-task=holder1]", WAIT).await;
    let text = chain.text().await.unwrap_or_default();
    assert!(text.starts_with("holder1 → lock \"lock\" held by holder0"), "{text}");
    h.screenshot("deadlock").await;
    // The same holders taking the lock in one order finish.
    h.run_virtual("sync-primitives?pattern=held").await;
    assert_eq!(h.number(".warnings [data-metric=warnings]").await, 0);
    h.finish().await;
}

/// Who woke whom: with few wakes, every wake of a task by another is an
/// arrow in the woken task's lane, from the waker's lane to its own, at
/// the instant of the wake; selecting a lane marks its own arrows (with
/// many wakes only those are drawn: `lanes::tests`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wake_arrows_run_from_the_waker_lane_to_the_woken_lane() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    h.run_virtual("semaphore").await;
    // task0 releases its permit at 1 s and wakes task3, three lanes down.
    let css = ".lane[data-task=task3] .wake-arrow[data-from=task0]";
    let tip = h
        .wait_for(css, WAIT)
        .await
        .attr("title")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(tip.contains("task0"), "{tip}");
    let [left, top, right, bottom] = h.rect(css).await;
    let center = |r: [f64; 4]| (r[1] + r[3]) / 2.0;
    let from = h.rect(".lane[data-task=task0] .lane-track").await;
    let to = h.rect(".lane[data-task=task3] .lane-track").await;
    assert!(
        (top - center(from)).abs() <= 2.0,
        "starts at task0's lane: {top} vs {}",
        center(from)
    );
    assert!(
        (bottom - center(to)).abs() <= 2.0,
        "ends at task3's lane: {bottom} vs {}",
        center(to)
    );
    // At 1 s of the 4 s axis, in both lanes' coordinates.
    let x = (left + right) / 2.0;
    let share = (x - to[0]) / (to[2] - to[0]);
    assert!((share - 0.25).abs() < 0.01, "at 1 s of 4 s: {share}");
    let arrows = h.all(".wake-arrow").await.len();
    assert!(arrows >= 7, "every wake by another task: {arrows}");
    assert!(h.all("[data-legend=wake-arrow]").await.len() == 1);
    h.screenshot("wake-arrows").await;
    // Selecting task5 marks its own: the one that woke it, and the one it
    // woke (the others fade).
    h.click(".lane[data-task=task5] .seg-permit").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut pairs = Vec::new();
    for a in h.all(".wake-arrow.selected").await {
        let from = a.attr("data-from").await.ok().flatten().unwrap_or_default();
        let to = a.attr("data-to").await.ok().flatten().unwrap_or_default();
        pairs.push(format!("{from}>{to}"));
    }
    assert!(
        !pairs.is_empty() && pairs.iter().all(|p| p.contains("task5")),
        "{pairs:?}"
    );
    assert!(
        h.all(".wake-arrow:not(.selected)").await.len() >= 2,
        "the others stay, faded"
    );
    h.finish().await;
}

/// A real run that deadlocks ends by itself: once its traces stop growing
/// with nothing left to wake its tasks, the page says it stalled, shows
/// the holders still waiting and names the cycle, as a virtual run does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_run_that_deadlocks_ends_as_stalled_and_names_the_cycle() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    let route = "/#/sync-primitives?pattern=crossed&hold_ms=200&set_at_ms=100&notify_at_ms=100";
    h.open(route).await;
    // The link ran in virtual time as it opened; now run it for real.
    h.wait_for(".runner[data-state=done]", WAIT).await;
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner[data-state=running]", WAIT).await;
    let started = std::time::Instant::now();
    h.wait_for(".runner[data-state=done]", Duration::from_secs(20)).await;
    // The last event is the notifier's, at 1.1 s; the watcher waits 0.5 s.
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    let notice = h.text("[data-notice=page]").await;
    assert!(notice.contains("stalled at"), "{notice}");
    for holder in ["holder0", "holder1"] {
        let lane = h.wait_for(&format!(".lane[data-task={holder}]"), WAIT).await;
        assert_eq!(
            lane.attr("data-outcome").await.ok().flatten().as_deref(),
            Some("running")
        );
    }
    assert_eq!(h.number(".warnings [data-metric=warnings]").await, 1);
    let text = h
        .wait_for(".warnings li[data-rule=stuck][data-task=holder0]", WAIT)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        text.contains("holder0 waits for lock \"other\", held by holder1"),
        "{text}"
    );
    h.screenshot("deadlock-real").await;
    h.finish().await;
}
