//! The parameter form end to end: what a visitor sees when a link's
//! parameters break a rule across fields or name no choice, the presets,
//! the fields that do not apply, and the question a long real run asks.

use std::time::Duration;

use asyncscope_e2e::Harness;

const WAIT: Duration = Duration::from_secs(30);

/// The error under field `name`, once it shows, and whether it is drawn
/// (visible, with a height).
async fn shown_error(h: &Harness, name: &str) -> String {
    let css = format!("#param-{name}-error");
    let el = h.wait_for(&css, WAIT).await;
    // The element is always there; wait for its text (a rule's error comes
    // with the form's first render, but the page may still be arriving).
    for _ in 0..100 {
        if !h.text(&css).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(el.is_displayed().await.expect("displayed"), "{css} is hidden");
    let [_, top, _, bottom] = h.rect(&css).await;
    assert!(bottom - top > 0.0, "{css} has no height");
    h.text(&css).await
}

async fn disabled(h: &Harness, css: &str) -> bool {
    let el = h.wait_for(css, WAIT).await;
    el.attr("disabled").await.expect("attribute").is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_rule_across_fields_shows_under_each_field_and_disables_run() {
    let h = Harness::start().await;
    h.open_link("/#/fetch?min_delay_ms=2000&max_delay_ms=1000").await;
    let message = "max_delay_ms must be at least min_delay_ms (2000); got 1000";
    assert_eq!(shown_error(&h, "min_delay_ms").await, message);
    assert_eq!(shown_error(&h, "max_delay_ms").await, message);
    assert_eq!(h.text("#param-requests-error").await, "");
    assert!(disabled(&h, "#run").await, "Run is off");
    assert!(disabled(&h, "#run-virtual").await, "Run in virtual time is off");
    h.type_into("#param-max_delay_ms", "3000").await;
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.text("#param-min_delay_ms-error").await, "");

    h.open_link("/#/fetch?requests=5&fail_index=9").await;
    let message = "fail_index must be from 0 to the number of requests (5); got 9";
    assert_eq!(shown_error(&h, "requests").await, message);
    assert_eq!(shown_error(&h, "fail_index").await, message);
    assert!(disabled(&h, "#run").await);

    h.open_link("/#/task-manager?jobs=5&fail_job=50").await;
    let message = "fail_job must be from 0 to the number of jobs (5); got 50";
    assert_eq!(shown_error(&h, "jobs").await, message);
    assert_eq!(shown_error(&h, "fail_job").await, message);
    assert!(disabled(&h, "#run").await);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_choice_in_the_link_shows_the_default_and_its_error() {
    let h = Harness::start().await;
    h.open_link("/#/semaphore?form=zzz").await;
    assert_eq!(
        h.value("#param-form").await,
        "semaphore",
        "the default, never a third value"
    );
    assert_eq!(h.text("#param-form option:checked").await, "semaphore");
    let error = shown_error(&h, "form").await;
    assert!(
        error.contains("one of semaphore, buffer_unordered") && error.contains("zzz"),
        "{error}"
    );

    // What people type: names in any case, a one-digit hour.
    h.open_link("/#/retry?outcomes=FAIL,OK&jitter=Full").await;
    assert_eq!(h.value("#param-jitter").await, "full");
    assert_eq!(h.text("#param-outcomes-error").await, "");
    assert!(!disabled(&h, "#run").await);
    h.open_link("/#/periodic?schedule=daily&daily_at=9:00").await;
    assert_eq!(h.text("#param-daily_at-error").await, "");
    assert!(!disabled(&h, "#run").await);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preset_fills_the_form_changes_the_address_and_runs() {
    let h = Harness::start().await;
    h.open("/#/semaphore").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    assert_eq!(h.value("#param-bounded").await, "false");
    let presets = h.all(".presets button.preset").await;
    assert!((2..=4).contains(&presets.len()), "{} presets", presets.len());
    h.click(".presets button[data-preset='0']").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.value("#param-bounded").await, "true");
    let address = h.client.current_url().await.expect("url").to_string();
    assert!(address.contains("bounded=true"), "{address}");

    h.click(".presets button[data-preset='1']").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.value("#param-form").await, "buffer_unordered");
    let address = h.client.current_url().await.expect("url").to_string();
    assert!(
        address.contains("form=buffer_unordered") && address.contains("bounded=false"),
        "{address}"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_that_do_not_apply_and_the_seed_are_hidden() {
    let h = Harness::start().await;
    h.open("/#/gather").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    assert!(h.all("#param-network").await.is_empty(), "network with work=timer");
    assert!(h.all("#param-seed").await.is_empty(), "nothing random in gather");
    h.choose("#param-work", "request").await;
    h.wait_for("#param-network", WAIT).await;

    h.open("/#/retry").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    assert!(h.all("#param-seed").await.is_empty(), "no jitter, nothing random");
    h.choose("#param-jitter", "full").await;
    h.wait_for("#param-seed", WAIT).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_real_run_says_how_long_before_it_starts() {
    let h = Harness::start().await;
    h.open("/#/periodic").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    h.click("#run:not([disabled])").await;
    h.wait_for("[data-notice=long-run]", WAIT).await;
    assert_eq!(h.text("#confirm-real").await, "Run for real (takes 1 h)");
    assert!(h.text("[data-notice=long-run]").await.contains("1 h"));
    assert_eq!(h.all(".runner[data-state=idle]").await.len(), 1, "nothing started");
    h.click("#confirm-virtual").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert!(h.all("[data-notice=long-run]").await.is_empty());

    // A short run starts at once.
    h.open("/#/semaphore").await;
    h.wait_for(".runner[data-state=idle]", WAIT).await;
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner[data-state=running]", WAIT).await;
    assert!(h.all("[data-notice=long-run]").await.is_empty());
    h.click("#cancel:not([disabled])").await;
    h.finish().await;
}
