//! The fetch, download and blocking demos under virtual time, against the
//! simulated lab: exact instants and outcomes.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::time::Duration;

use asyncscope_core::demos;
use asyncscope_core::trace::{EventKind, Outcome, WakeCause};
use asyncscope_core::{Trace, VirtualRuntime};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn run(slug: &str, pairs: &[(&str, &str)]) -> Trace {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let rt = VirtualRuntime::new();
    let started = demos::start(slug, rt.env(), &pairs).expect("valid").expect("built");
    rt.block_on(started.work).expect("does not stall");
    started.runs[0].1.snapshot()
}

fn outcome(trace: &Trace, name: &str) -> (Option<Duration>, Option<Outcome>) {
    let span = trace.spans().into_iter().find(|s| s.name == name).expect(name);
    (span.end, span.outcome)
}

fn logs(trace: &Trace) -> Vec<(u128, String, String)> {
    trace
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Log { text } => Some((
                e.at().as_millis(),
                trace.task_name(e.task).to_string(),
                text.to_string(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn fetch_defaults_succeed_four_of_five_and_show_the_500() {
    let trace = run("fetch", &[]);
    for (i, end) in [200u64, 400, 600, 800, 1000].into_iter().enumerate() {
        let want = if i == 2 { Outcome::Error } else { Outcome::Ok };
        assert_eq!(
            outcome(&trace, &format!("request{i}")),
            (Some(ms(end)), Some(want)),
            "request{i}"
        );
    }
    assert_eq!(trace.makespan(), Some(ms(1000)));
    assert_eq!(logs(&trace), [(1000, "main".to_string(), "4/5 succeeded".to_string())]);
    let requests = trace.requests();
    assert_eq!(requests.len(), 5);
    assert_eq!(requests[2].what, "GET /api/delay/600?seed=2&status=500");
    assert_eq!(requests[2].status, Some(500));
    assert_eq!(trace.max_in_flight(), 6, "main and the five requests");
}

#[test]
fn fetch_time_limit_aborts_the_slow_requests() {
    let trace = run("fetch", &[("timeout_ms", "500"), ("fail_index", "0")]);
    let requests = trace.requests();
    let aborted: Vec<bool> = requests.iter().map(|r| r.aborted).collect();
    assert_eq!(aborted, [false, false, true, true, true]);
    assert!(requests[2..].iter().all(|r| r.end == Some(ms(500))));
    assert_eq!(outcome(&trace, "request4"), (Some(ms(500)), Some(Outcome::Error)));
    assert_eq!(logs(&trace)[0].2, "2/5 succeeded");
}

#[test]
fn fetch_refuses_crossed_bounds_with_a_clear_message() {
    let pairs = vec![
        ("min_delay_ms".to_string(), "900".to_string()),
        ("max_delay_ms".to_string(), "100".to_string()),
    ];
    let rt = VirtualRuntime::new();
    let errors = demos::start("fetch", rt.env(), &pairs).expect_err("refused");
    assert_eq!(
        errors[0].message,
        "max_delay_ms must be at least min_delay_ms (900); got 100"
    );
    let pairs = vec![("fail_index".to_string(), "9".to_string())];
    let errors = demos::start("fetch", rt.env(), &pairs).expect_err("refused");
    assert_eq!(
        errors[0].message,
        "fail_index must be from 0 to the number of requests (5); got 9"
    );
}

#[test]
fn download_reaches_the_whole_body_chunk_by_chunk() {
    let trace = run("download", &[]);
    let r = &trace.requests()[0];
    assert_eq!(r.what, "GET /api/bytes/1048576?chunk=65536&interval_ms=50");
    assert_eq!(r.progress, Some((1_048_576, Some(1_048_576))));
    assert_eq!(
        (r.status, r.end),
        (Some(200), Some(ms(750))),
        "16 chunks, 15 pauses of 50 ms"
    );
    let progress = trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Progress { .. }))
        .count();
    assert_eq!(progress, 16);
    assert_eq!(outcome(&trace, "download"), (Some(ms(750)), Some(Outcome::Ok)));
    // The head and every chunk are polled through the request's wake tag:
    // each wake of the downloading task is the request's, none unknown.
    let download = trace.tasks().iter().position(|t| t.name == "download").expect("lane");
    let wakes: Vec<WakeCause> = trace
        .events()
        .iter()
        .filter(|e| e.task.0 as usize == download)
        .filter_map(|e| match e.kind {
            EventKind::Woken { by, .. } => Some(by),
            _ => None,
        })
        .collect();
    assert_eq!(wakes.len(), 16, "the head, then 15 pauses between chunks: {wakes:?}");
    // The answer is logged when its head arrives, before the first chunk.
    let kinds: Vec<&str> = trace
        .events()
        .iter()
        .filter(|e| e.task.0 as usize == download)
        .filter(|e| matches!(e.kind, EventKind::RequestAnswered { .. } | EventKind::Progress { .. }))
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(kinds.first(), Some(&"request_answered"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "request_answered").count(), 1);
    assert!(wakes.iter().all(|w| *w == WakeCause::Request), "{wakes:?}");
}

#[test]
fn cancelling_a_download_mid_way_aborts_the_request() {
    let trace = run("download", &[("cancel_at_ms", "400")]);
    let r = &trace.requests()[0];
    assert!(r.aborted, "{r:?}");
    assert_eq!(r.end, Some(ms(400)));
    assert_eq!(
        r.progress,
        Some((8 * 65_536, Some(1_048_576))),
        "chunks at 0, 50, ..., 350"
    );
    assert_eq!(outcome(&trace, "download"), (Some(ms(400)), Some(Outcome::Cancelled)));
    assert!(
        logs(&trace)
            .iter()
            .any(|(t, _, text)| *t == 400 && text == "cleanup ran")
    );
}

#[test]
fn blocking_the_thread_makes_every_due_tick_late() {
    let trace = run("blocking", &[("timers", "1")]);
    let late: Vec<String> = logs(&trace)
        .into_iter()
        .filter(|(_, task, _)| task == "timer0")
        .map(|(t, _, text)| format!("{t}: {text}"))
        .collect();
    assert_eq!(
        late,
        [
            "100: tick 1 late by 0 ms",
            "650: tick 2 late by 450 ms",
            "650: tick 3 late by 350 ms",
            "650: tick 4 late by 250 ms",
            "650: tick 5 late by 150 ms",
            "650: tick 6 late by 50 ms",
            "700: tick 7 late by 0 ms",
            "800: tick 8 late by 0 ms",
            "900: tick 9 late by 0 ms",
            "1000: tick 10 late by 0 ms",
        ]
    );
    let worker = trace.spans().into_iter().find(|s| s.name == "worker").expect("worker");
    let longest = worker
        .segments
        .iter()
        .filter(|s| s.state.as_str() == "polled")
        .map(|s| s.end.unwrap_or_default().saturating_sub(s.start))
        .max();
    assert_eq!(longest, Some(ms(500)), "one poll holds the thread for the whole work");
}

#[test]
fn yielding_between_slices_keeps_the_ticks_on_time() {
    let trace = run("blocking", &[("mode", "yield")]);
    let worst = logs(&trace)
        .into_iter()
        .filter_map(|(_, _, text)| text.split_once(" late by ")?.1.strip_suffix(" ms")?.parse::<u64>().ok())
        .max();
    assert_eq!(worst, Some(0), "with 10 ms slices every tick lands between two slices");
    assert_eq!(outcome(&trace, "worker").0, Some(ms(650)));
}
