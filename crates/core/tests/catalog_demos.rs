//! Every demo of the catalog, and every named variant, under virtual time:
//! each task's start, end and outcome, the makespan, the most in flight,
//! and the logs where the catalog names them, asserted exactly against
//! `shared/catalog.md`. Then bad input for every parameter of every demo.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::time::Duration;

use asyncscope_core::catalog::{ENTRIES, Metric, figures};
use asyncscope_core::params::ParamKind;
use asyncscope_core::report::{log_rows, task_rows};
use asyncscope_core::trace::{EventKind, Outcome};
use asyncscope_core::{Trace, VirtualRuntime, demos};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Runs `slug` with `items` to the end and returns each run's trace.
fn run(slug: &str, items: &[(&str, &str)]) -> Vec<(&'static str, Trace)> {
    let rt = VirtualRuntime::new();
    let started = demos::start(slug, rt.env(), &pairs(items))
        .expect("valid parameters")
        .expect("a demo");
    rt.block_on(started.work).expect("does not stall");
    started.runs.iter().map(|(l, t)| (*l, t.snapshot())).collect()
}

fn ms(d: Option<Duration>) -> String {
    d.map_or("-".to_string(), |d| d.as_millis().to_string())
}

/// One line per task: `name spawned first_poll end outcome`.
fn tasks(trace: &Trace) -> Vec<String> {
    task_rows(trace)
        .into_iter()
        .map(|r| {
            format!(
                "{} {} {} {} {}",
                r.name,
                r.spawned.as_millis(),
                ms(r.first_poll),
                ms(r.end),
                r.outcome
            )
        })
        .collect()
}

/// One line per log entry: `t task: text`.
fn logs(trace: &Trace) -> Vec<String> {
    log_rows(trace)
        .into_iter()
        .map(|l| format!("{} {}: {}", l.at.as_millis(), l.task, l.text))
        .collect()
}

fn single(slug: &str, items: &[(&str, &str)]) -> Trace {
    let mut runs = run(slug, items);
    assert_eq!(runs.len(), 1, "{slug} makes one run");
    runs.remove(0).1
}

/// A figure of the catalog, measured on a trace.
fn measure(trace: &Trace, metric: Metric) -> Option<u64> {
    let count = |o: Outcome| trace.spans().iter().filter(|s| s.outcome == Some(o)).count() as u64;
    Some(match metric {
        Metric::MakespanMs => trace.makespan()?.as_millis() as u64,
        Metric::MaxInFlight => trace.max_in_flight() as u64,
        Metric::TasksOk => count(Outcome::Ok),
        Metric::TasksFailed => count(Outcome::Error),
        Metric::TasksCancelled => count(Outcome::Cancelled),
        Metric::TasksTimeout => count(Outcome::Timeout),
        Metric::ProgressPct => {
            let (done, total) = trace.requests().last()?.progress?;
            done * 100 / total?
        }
    })
}

/// Every figure of the table the three suites share, from the trace.
#[test]
fn every_expected_figure_of_the_catalog() {
    let figures = figures().expect("the table reads");
    assert!(figures.len() > 40);
    for f in figures {
        let runs = run(
            f.slug(),
            &f.pairs()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        );
        let (_, trace) = f.pick(&runs, |(label, _)| label).expect("the run");
        assert_eq!(
            measure(trace, f.metric),
            Some(f.value),
            "{} {:?} {}",
            f.route,
            f.run,
            f.metric.name()
        );
    }
}

#[test]
fn sequential_vs_concurrent_adds_up_then_overlaps() {
    // The makespans of both runs are figures of the shared table.
    for (jobs, duration) in [("2", "3000"), ("10", "1000")] {
        let runs = run("sequential-vs-concurrent", &[("jobs", jobs), ("duration_ms", duration)]);
        let labels: Vec<_> = runs.iter().map(|(l, _)| *l).collect();
        assert_eq!(labels, ["sequential", "concurrent"]);
    }
    let only = run("sequential-vs-concurrent", &[("mode", "concurrent")]);
    assert_eq!(only.len(), 1);
    assert_eq!(tasks(&only[0].1), ["job0 0 0 3000 ok", "job1 0 0 3000 ok"]);
    let only = run("sequential-vs-concurrent", &[("mode", "sequential")]);
    assert_eq!(tasks(&only[0].1), ["job0 0 0 3000 ok", "job1 3000 3000 6000 ok"]);
}

#[test]
fn lazy_futures_never_run_and_spawned_ones_start_at_once() {
    let trace = single("lazy-and-spawn", &[]);
    assert_eq!(
        tasks(&trace),
        [
            "caller 0 0 1000 ok",
            // Created at 0, never polled; dropped unpolled when the caller returns.
            "lazy 0 - 1000 cancelled",
            "task0 0 0 1000 ok",
            "task1 0 0 1000 ok",
            "task2 0 0 1000 ok",
            // It outlives its caller.
            "detached 0 0 2000 ok",
        ]
    );
    let lazy_events: Vec<_> = trace
        .events()
        .iter()
        .filter(|e| trace.task_name(e.task) == "lazy")
        .map(|e| trace.describe(&e.kind))
        .collect();
    assert_eq!(lazy_events, ["created", "completed: cancelled"], "no poll, no timer");
}

#[test]
fn gather_three_ways() {
    let trace = single("gather", &[]);
    assert_eq!(
        tasks(&trace),
        ["main 0 0 3000 ok", "A 0 0 2000 ok", "B 0 0 1000 error", "C 0 0 3000 ok"]
    );
    assert_eq!(logs(&trace), ["3000 main: results [A, Err(B failed), C]"]);

    let trace = single("gather", &[("mode", "join_all")]);
    assert_eq!(logs(&trace), ["3000 main: outputs [A, (B failed), C]"], "input order");
    assert_eq!(trace.makespan(), Some(Duration::from_millis(3000)));

    let trace = single("gather", &[("mode", "try_join_all")]);
    assert_eq!(
        tasks(&trace),
        [
            "main 0 0 1000 ok",
            "A 0 0 1000 cancelled",
            "B 0 0 1000 error",
            "C 0 0 1000 cancelled"
        ]
    );
    assert_eq!(logs(&trace), ["1000 main: first error: B failed; the rest are dropped"]);

    let trace = single("gather", &[("mode", "try_join_all"), ("fail", "none")]);
    assert_eq!(logs(&trace), ["3000 main: all ok [A, B, C]"]);
}

#[test]
fn first_completed_returns_the_first_and_drops_the_losers() {
    let trace = single("first-completed", &[("fail", "none")]);
    assert_eq!(
        tasks(&trace),
        [
            "main 0 0 1000 ok",
            "A 0 0 1000 cancelled",
            "B 0 0 1000 ok",
            "C 0 0 1000 cancelled"
        ]
    );
    assert_eq!(logs(&trace), ["1000 main: B finished first"]);

    let trace = single("first-completed", &[("fail", "none"), ("keep_losers", "true")]);
    assert_eq!(
        tasks(&trace),
        ["main 0 0 3000 ok", "A 0 0 3000 ok", "B 0 0 1000 ok", "C 0 0 2000 ok"]
    );

    // select_ok skips B's failure: C wins at 2000 and A is dropped then.
    let trace = single("first-completed", &[("mode", "select_ok")]);
    assert_eq!(
        tasks(&trace),
        [
            "main 0 0 2000 ok",
            "A 0 0 2000 cancelled",
            "B 0 0 1000 error",
            "C 0 0 2000 ok"
        ]
    );
    assert_eq!(logs(&trace), ["2000 main: first success: C"]);

    // select_all takes whatever finishes first, a failure included.
    let trace = single("first-completed", &[("mode", "select_all")]);
    assert_eq!(logs(&trace), ["1000 main: B finished first, with an error: B failed"]);
}

#[test]
fn as_completed_hands_results_over_in_finishing_order() {
    let trace = single("as-completed", &[]);
    assert_eq!(
        logs(&trace),
        ["1000 main: handled B", "2000 main: handled C", "3000 main: handled A"]
    );
}

#[test]
fn timeout_drops_the_operation_at_the_deadline() {
    let trace = single("timeout", &[]);
    assert_eq!(tasks(&trace), ["main 0 0 3000 ok", "operation 0 0 3000 timeout"]);
    assert_eq!(
        logs(&trace),
        [
            "1000 operation: 1000 ms done",
            "2000 operation: 2000 ms done",
            "3000 main: Err: timed out after 3000 ms"
        ]
    );
    let operation = trace.spans().into_iter().find(|s| s.name == "operation").expect("lane");
    let end = operation.end.expect("ended");
    let after: Vec<_> = trace
        .events()
        .iter()
        .filter(|e| e.task == operation.id && matches!(e.kind, EventKind::PollStart) && e.at() > end)
        .collect();
    assert!(after.is_empty(), "never polled after the deadline");
    let cancelled_timer = trace
        .events()
        .iter()
        .any(|e| e.task == operation.id && e.at() == end && matches!(e.kind, EventKind::TimerCancelled));
    assert!(cancelled_timer, "its pending timer is cleared");

    let trace = single("timeout", &[("operation_ms", "2500")]);
    assert_eq!(
        logs(&trace).last().map(String::as_str),
        Some("2500 main: finished in time")
    );
}

#[test]
fn cancellation_drops_the_worker_its_guard_and_its_child() {
    // By dropping the JoinHandle, and through an AbortHandle: the same
    // ticks, the same cleanup, the same end.
    let cases: [(&str, &[&str]); 2] = [
        (
            "drop",
            &[
                "0 worker: tick 0",
                "1000 worker: tick 1",
                "2000 worker: tick 2",
                "3000 main: cancelled the worker",
                "3000 worker: cleanup ran",
            ],
        ),
        (
            "abort",
            &[
                "0 worker: tick 0",
                "1000 worker: tick 1",
                "2000 worker: tick 2",
                "3000 main: aborted the worker",
                "3000 worker: cleanup ran",
                "3000 main: the worker was aborted",
            ],
        ),
    ];
    for (how, want) in cases {
        let trace = single("cancellation", &[("how", how)]);
        assert_eq!(
            tasks(&trace),
            [
                "main 0 0 3000 ok",
                "worker 0 0 3000 cancelled",
                "child 0 0 3000 cancelled"
            ],
            "{how}"
        );
        assert_eq!(logs(&trace), want, "{how}");
        let requests = trace.requests();
        assert_eq!(requests.len(), 1, "{how}");
        assert!(requests[0].aborted, "{how}: the child's request is aborted");
        assert_eq!(requests[0].end, Some(Duration::from_millis(3000)), "{how}");
    }
}

#[test]
fn countdowns_keep_absolute_time() {
    let trace = single("countdown", &[]);
    assert_eq!(
        tasks(&trace),
        [
            "countdown5 0 0 5000 ok",
            "countdown3 0 0 3000 ok",
            "countdown2 0 0 2000 ok"
        ]
    );
    let five: Vec<String> = logs(&trace).into_iter().filter(|l| l.contains("countdown5")).collect();
    assert_eq!(
        five,
        [
            "0 countdown5: 5",
            "1000 countdown5: 4",
            "2000 countdown5: 3",
            "3000 countdown5: 2",
            "4000 countdown5: 1",
            "5000 countdown5: done"
        ]
    );
}

#[test]
fn periodic_work_backs_off_after_an_error() {
    let ticks = |trace: &Trace| -> Vec<u128> {
        log_rows(trace)
            .into_iter()
            .filter(|l| l.text.starts_with("tick"))
            .map(|l| l.at.as_millis())
            .collect()
    };
    let trace = single("periodic", &[]);
    let want: Vec<u128> = (1..=12).map(|k| k * 300_000).collect();
    assert_eq!(ticks(&trace), want, "12 in the hour");

    let trace = single("periodic", &[("fail_on", "3")]);
    let mut want: Vec<u128> = (1..=3).map(|k| k * 300_000).collect();
    want.extend((4..=11).map(|k| k * 300_000 + 60_000));
    assert_eq!(ticks(&trace), want, "11 in the hour, later ticks 60000 late");
    assert_eq!(logs(&trace)[2], "900000 worker: tick 3 failed; backing off");
}

#[test]
fn the_daily_job_fires_once_a_day() {
    let trace = single("periodic", &[("schedule", "daily")]);
    let hour = 3_600_000u128;
    assert_eq!(
        logs(&trace),
        [
            format!("{} daily: daily job, day 1", 9 * hour),
            format!("{} daily: daily job, day 2", 33 * hour),
            format!("{} daily: daily job, day 3", 57 * hour),
        ]
    );
    let trace = single(
        "periodic",
        &[("schedule", "daily"), ("daily_at", "00:00"), ("days", "2")],
    );
    assert_eq!(logs(&trace).len(), 2, "midnight of day 1 counts");
}

#[test]
fn the_daily_schedule_reads_as_days_and_clock_times() {
    let trace = single("periodic", &[("schedule", "daily")]);
    assert!(trace.day_clock());
    let hour = Duration::from_secs(3600);
    assert_eq!(trace.at_label(hour * 33, false), "day 2, 09:00");
    assert_eq!(trace.at_label(hour * 33, true), "第 2 天 09:00");
    assert_eq!(
        trace.at_label(hour * 9 + Duration::from_secs(30), false),
        "day 1, 09:00:30"
    );
    // The timer's words say when it fires on the same clock.
    let armed = (0..trace.events().len())
        .map(|i| trace.describe_event(i))
        .find(|w| w.starts_with("timer armed"))
        .expect("a timer");
    assert_eq!(armed, "timer armed: fires at day 1, 09:00 (in 9 h)");
    // The periodic schedule keeps time since the start.
    let trace = single("periodic", &[]);
    assert!(!trace.day_clock());
    assert_eq!(trace.at_label(hour * 33, false), "33 h");
}

#[test]
fn retry_backs_off_exponentially() {
    let trace = single("retry", &[]);
    assert_eq!(
        tasks(&trace),
        [
            "main 0 0 3600 ok",
            "attempt1 0 0 200 error",
            "attempt2 1200 1200 1400 error",
            "attempt3 3400 3400 3600 ok"
        ]
    );
    assert_eq!(logs(&trace), ["3600 main: succeeded on attempt3"]);

    let trace = single("retry", &[("outcomes", "fail")]);
    let starts: Vec<u128> = task_rows(&trace)[1..].iter().map(|r| r.spawned.as_millis()).collect();
    assert_eq!(starts, [0, 1200, 3400, 7600, 15800], "5 attempts");
    assert_eq!(logs(&trace), ["16000 main: gave up: attempt5 failed"]);

    // Jitter is drawn from the seeded source: the same seed, the same run.
    let a = single("retry", &[("jitter", "full")]);
    let b = single("retry", &[("jitter", "full")]);
    assert_eq!(tasks(&a), tasks(&b));
    assert_ne!(tasks(&a), tasks(&single("retry", &[])), "jitter moves the attempts");
}

#[test]
fn a_semaphore_lets_three_in_at_a_time() {
    let trace = single("semaphore", &[]);
    let acquired: Vec<u128> = trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PermitAcquired { .. }))
        .map(|e| e.at().as_millis())
        .collect();
    assert_eq!(
        acquired,
        [0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000],
        "work starts"
    );
    let stats = trace.resource_stats();
    assert_eq!(stats[0].max_in_use, 3, "never above the limit");
    assert_eq!(
        logs(&trace),
        ["4000 release: an extra release was accepted: 4 permits now"]
    );

    // The stream form builds each task only when a slot is free.
    let trace = single("semaphore", &[("form", "buffer_unordered")]);
    let spawned: Vec<u128> = task_rows(&trace).iter().map(|r| r.spawned.as_millis()).collect();
    assert_eq!(spawned, [0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]);

    let trace = single("semaphore", &[("bounded", "true")]);
    assert_eq!(
        logs(&trace),
        ["4000 release: an extra release was refused: released more permits than the limit of 3"]
    );
    assert_eq!(trace.resource_stats()[0].refused, 1);
}

/// The semaphore is first come, first served, as asyncio's: a permit given
/// back goes to the waiter at the head of the queue, never to a newcomer.
/// With 10,000 tasks and 100 permits, task i acquires in wave i / 100, at
/// (i / 100) × 1000 ms, and the permits go out in index order.
#[test]
fn a_semaphore_hands_each_permit_to_the_next_waiter_in_order() {
    let trace = single("semaphore", &[("tasks", "10000"), ("limit", "100")]);
    let acquired: Vec<(String, u128)> = trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PermitAcquired { .. }))
        .map(|e| (trace.task_name(e.task).to_string(), e.at().as_millis()))
        .collect();
    let expected: Vec<(String, u128)> = (0..10_000u128).map(|i| (format!("task{i}"), i / 100 * 1000)).collect();
    assert_eq!(acquired.len(), expected.len());
    for (i, (got, want)) in acquired.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "the {i}th permit");
    }
    assert_eq!(trace.resource_stats()[0].max_in_use, 100);
}

#[test]
fn the_queue_applies_backpressure_and_loses_nothing() {
    let trace = single("queue", &[]);
    let lines = logs(&trace);
    let mut put: Vec<&str> = lines.iter().filter_map(|l| l.split("put ").nth(1)).collect();
    let mut handled: Vec<&str> = lines.iter().filter_map(|l| l.split("handled ").nth(1)).collect();
    put.sort_unstable();
    handled.sort_unstable();
    let want: Vec<String> = (0..2).flat_map(|p| (0..5).map(move |k| format!("p{p}-{k}"))).collect();
    assert_eq!(put, want);
    assert_eq!(handled, want, "every item consumed exactly once");
    let stats = &trace.resource_stats()[0];
    assert_eq!((stats.pushed, stats.popped), (10, 10));
    assert!(stats.max_depth <= 3, "depth {} above capacity", stats.max_depth);
    assert_eq!(stats.max_depth, 3, "the queue does fill up");
    // Producers block while it is full: producer1's third item was due at
    // 300 but only went in at 350, when a consumer made room.
    assert!(lines.contains(&"350 producer1: put p1-2".to_string()), "{lines:#?}");
    assert!(
        trace
            .spans()
            .iter()
            .any(|s| s.name.starts_with("producer") && s.segments.iter().any(|g| g.state.as_str() == "waiting"))
    );
    assert_eq!(
        tasks(&trace),
        [
            "producer0 0 0 600 ok",
            "producer1 0 0 850 ok",
            "consumer0 0 0 1350 ok",
            "consumer1 0 0 1350 ok"
        ]
    );
}

#[test]
fn lock_event_and_condition() {
    let trace = single("sync-primitives", &[]);
    let rows = tasks(&trace);
    assert_eq!(&rows[..2], ["holder0 0 0 1000 ok", "holder1 0 0 2000 ok"]);
    assert!(
        logs(&trace).contains(&"1000 holder1: has the lock".to_string()),
        "second holder starts at 1000"
    );
    for i in 0..3 {
        assert!(rows.contains(&format!("waiter{i} 0 0 2000 ok")), "{rows:?}");
    }
    assert!(
        rows.contains(&"consumer0 0 0 3000 ok".to_string()),
        "notify_one wakes one"
    );
    assert!(
        rows.contains(&"consumer1 0 0 4000 ok".to_string()),
        "notify_all the rest"
    );
    assert!(rows.contains(&"consumer2 0 0 4000 ok".to_string()));
    assert_eq!(trace.makespan(), Some(Duration::from_millis(4000)));
}

#[test]
fn a_stream_yields_items_when_pulled() {
    let trace = single("streams", &[]);
    assert_eq!(
        logs(&trace),
        [
            "500 consumer: item 1",
            "1000 consumer: item 2",
            "1500 consumer: item 3",
            "2000 consumer: item 4",
            "2500 consumer: item 5",
            "2500 consumer: the stream has ended"
        ]
    );
    // Pulled, not pushed: handling time delays the making of the next item.
    let trace = single("streams", &[("handle_ms", "300")]);
    let at: Vec<String> = logs(&trace).into_iter().take(3).collect();
    assert_eq!(
        at,
        ["500 consumer: item 1", "1300 consumer: item 2", "2100 consumer: item 3"]
    );
}

#[test]
fn close_runs_however_the_use_ends() {
    let cases = [
        ("ok", ["use 1000 1000 1500 ok", "close 1500 1500 2500 ok"]),
        ("fail", ["use 1000 1000 1500 error", "close 1500 1500 2500 ok"]),
        ("cancel", ["use 1000 1000 1250 cancelled", "close 1250 1250 2250 ok"]),
    ];
    for (outcome, want) in cases {
        let trace = single("setup-teardown", &[("use_outcome", outcome)]);
        let rows = tasks(&trace);
        assert_eq!(rows[1], "open 0 0 1000 ok", "{outcome}");
        assert_eq!(&rows[2..], want, "{outcome}");
    }
    // Dropping the whole session: Drop runs, but it cannot await the close.
    let trace = single("setup-teardown", &[("use_outcome", "drop_session")]);
    assert_eq!(
        tasks(&trace),
        [
            "session 0 0 1250 cancelled",
            "open 0 0 1000 ok",
            "use 1000 1000 1250 cancelled"
        ]
    );
    assert_eq!(logs(&trace), ["1250 session: dropped without close: Drop cannot await"]);
}

#[test]
fn the_task_manager_runs_jobs_on_two_workers() {
    let trace = single("task-manager", &[]);
    assert_eq!(
        tasks(&trace),
        [
            "manager 0 0 4500 ok",
            "job1 0 0 500 ok",
            "job2 0 0 1000 ok",
            "job3 0 500 2000 ok",
            "job4 0 1000 3000 ok",
            "job5 0 2000 4500 ok",
            "w1 0 0 4500 ok",
            "w2 0 0 3000 ok"
        ]
    );
    let runs: Vec<String> = logs(&trace).into_iter().filter(|l| l.contains(" runs ")).collect();
    assert_eq!(
        runs,
        [
            "0 w1: w1 runs job1",
            "0 w2: w2 runs job2",
            "500 w1: w1 runs job3",
            "1000 w2: w2 runs job4",
            "2000 w1: w1 runs job5"
        ]
    );
    assert_eq!(
        logs(&trace).last().map(String::as_str),
        Some("4500 manager: 5 completed, 0 failed, 0 cancelled, 0 timed out, 0 pending, 0 running")
    );
    assert_eq!(trace.makespan(), Some(Duration::from_millis(4500)));

    // A time limit, a failed first attempt retried, and a cancel while running.
    let trace = single(
        "task-manager",
        &[
            ("job_timeout_ms", "1200"),
            ("fail_job", "1"),
            ("cancel_job", "4"),
            ("cancel_at_ms", "1500"),
        ],
    );
    let rows = tasks(&trace);
    assert_eq!(rows[1], "job1 0 0 1000 ok", "retried once, at once");
    assert_eq!(rows[3], "job3 0 1000 2200 timeout");
    assert_eq!(rows[4], "job4 0 1000 1500 cancelled");
    assert_eq!(
        logs(&trace).last().map(String::as_str),
        Some("2700 manager: 2 completed, 0 failed, 1 cancelled, 2 timed out, 0 pending, 0 running")
    );
    // Cancelled while pending: dropped by its worker without a poll; with
    // no retries, a failure is final.
    let trace = single(
        "task-manager",
        &[
            ("cancel_job", "5"),
            ("cancel_at_ms", "100"),
            ("fail_job", "2"),
            ("retries", "0"),
        ],
    );
    let rows = tasks(&trace);
    assert_eq!(rows[2], "job2 0 0 1000 error");
    assert_eq!(rows[5], "job5 0 - 2000 cancelled");
    assert_eq!(
        logs(&trace).last().map(String::as_str),
        Some("3000 manager: 3 completed, 1 failed, 1 cancelled, 0 timed out, 0 pending, 0 running")
    );
}

#[test]
fn request_work_keeps_the_timer_schedule() {
    // The same demos with `work=request` go through the (simulated) lab:
    // the schedule is the same, and the requests show.
    for (slug, extra) in [
        ("gather", vec![]),
        ("as-completed", vec![]),
        ("timeout", vec![]),
        ("retry", vec![]),
        ("semaphore", vec![("tasks", "4"), ("limit", "2")]),
    ] {
        let mut timer = extra.clone();
        timer.push(("work", "timer"));
        let mut request = extra.clone();
        request.push(("work", "request"));
        let (a, b) = (single(slug, &timer), single(slug, &request));
        assert_eq!(
            task_rows(&a).iter().map(|r| (r.end, r.outcome)).collect::<Vec<_>>(),
            task_rows(&b).iter().map(|r| (r.end, r.outcome)).collect::<Vec<_>>(),
            "{slug}"
        );
        assert!(a.requests().is_empty(), "{slug}");
        assert!(!b.requests().is_empty(), "{slug}");
    }
    let trace = single("gather", &[("work", "request")]);
    assert_eq!(trace.requests()[1].status, Some(500), "B's failure is an HTTP 500");
    assert_eq!(logs(&trace), ["3000 main: results [A, Err(HTTP 500), C]"]);
}

/// Every parameter of every demo refuses values below and above its
/// range, of the wrong type, and empty, with a message that names what is
/// allowed; and a refusal never starts anything.
#[test]
fn every_parameter_refuses_bad_input_with_the_allowed_range() {
    let mut checked = 0;
    for entry in ENTRIES {
        let specs = demos::specs(entry.slug).expect("a demo");
        for spec in specs {
            let mut bad: Vec<String> = vec![String::new(), "   ".to_string()];
            match spec.kind {
                ParamKind::Int { min, max } => {
                    if min > 0 {
                        bad.push((min - 1).to_string());
                    }
                    bad.extend([
                        (u128::from(max) + 1).to_string(),
                        "-1".into(),
                        "abc".into(),
                        "1.5".into(),
                    ]);
                }
                ParamKind::Choice(_) => bad.extend(["nope".to_string(), "1".to_string()]),
                ParamKind::IntList { min, max, max_len } => {
                    if min > 0 {
                        bad.push((min - 1).to_string());
                    }
                    bad.push((max + 1).to_string());
                    bad.extend(["1,,2".to_string(), "a".to_string(), vec!["1"; max_len + 1].join(",")]);
                }
                ParamKind::ChoiceList { choices, max_len } => {
                    bad.extend(["nope".to_string(), format!("{},", choices[0])]);
                    bad.push(vec![choices[0]; max_len + 1].join(","));
                }
                ParamKind::TimeOfDay => bad.extend(["24:00", "9:0", "09:60", "0900", "ab:cd"].map(String::from)),
            }
            for raw in bad {
                let rt = VirtualRuntime::new();
                let errors = demos::start(entry.slug, rt.env(), &pairs(&[(spec.name, &raw)]))
                    .err()
                    .unwrap_or_else(|| panic!("{} accepted {}={raw:?}", entry.slug, spec.name));
                assert_eq!(errors.len(), 1, "{}: {}={raw:?}", entry.slug, spec.name);
                assert_eq!(errors[0].name, spec.name);
                assert!(
                    errors[0]
                        .message
                        .starts_with(&format!("{} must be {}", spec.name, spec.allowed())),
                    "{}: {}",
                    entry.slug,
                    errors[0].message
                );
                assert_eq!(rt.now(), Duration::ZERO);
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{checked} cases");
}

/// Every demo refuses a name it does not take, naming the ones it does,
/// and a name given twice, naming it; neither starts anything.
#[test]
fn every_demo_refuses_unknown_and_repeated_names() {
    for entry in ENTRIES {
        let specs = demos::specs(entry.slug).expect("a demo");
        let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
        let rt = VirtualRuntime::new();
        let errors = demos::start(entry.slug, rt.env(), &pairs(&[("speed", "1")]))
            .err()
            .unwrap_or_else(|| panic!("{} took speed", entry.slug));
        assert_eq!(errors.len(), 1, "{}", entry.slug);
        assert_eq!(errors[0].name, "speed");
        assert_eq!(
            errors[0].message,
            format!("unknown parameter speed; this demo takes {}", names.join(", "))
        );
        let first = &specs[0];
        let twice = [(first.name, first.default), (first.name, first.default)];
        let errors = demos::start(entry.slug, rt.env(), &pairs(&twice))
            .err()
            .unwrap_or_else(|| panic!("{} took {} twice", entry.slug, first.name));
        assert_eq!(errors.len(), 1, "{}", entry.slug);
        assert_eq!(errors[0].message, format!("{} is given more than once", first.name));
        assert_eq!(rt.now(), Duration::ZERO);
    }
}

#[test]
fn cross_parameter_bounds_name_the_other_parameter() {
    let rt = VirtualRuntime::new();
    let errors =
        demos::start("task-manager", rt.env(), &pairs(&[("jobs", "3"), ("cancel_job", "4")])).expect_err("refused");
    assert_eq!(
        errors[0].message,
        "cancel_job must be from 0 to the number of jobs (3); got 4"
    );
}

#[test]
fn every_demo_runs_with_its_defaults_and_ends_every_task() {
    for entry in ENTRIES {
        for (label, trace) in run(entry.slug, &[]) {
            assert!(
                trace.makespan().is_some(),
                "{} ({label}): a task never ended",
                entry.slug
            );
            assert!(!trace.tasks().is_empty(), "{}", entry.slug);
        }
    }
}

/// Every await point a task is shown pending at is a line of demo code:
/// lines inside the combinators (a retry's backoff sleep, a timeout's
/// deadline) are skipped in favour of the demo line that called them.
#[test]
fn every_pending_line_is_a_line_of_demo_code() {
    for entry in ENTRIES {
        for (label, trace) in run(entry.slug, &[]) {
            for ev in trace.events() {
                if let EventKind::PollEnd { site: Some(site), .. } = ev.kind {
                    let file = &trace.site(site).expect("a known site").file;
                    assert!(
                        file.contains("src/demos/") || file.contains("src\\demos\\"),
                        "{} {label}: {} pending at {file}",
                        entry.slug,
                        trace.task_name(ev.task)
                    );
                }
            }
        }
    }
}

/// Nothing is lost silently in any demo: no event was refused for a task
/// that had ended, no clock went back, nothing overflowed.
#[test]
fn no_demo_loses_or_reorders_an_event() {
    for entry in ENTRIES {
        for (label, trace) in run(entry.slug, &[]) {
            assert_eq!(
                (trace.refused(), trace.clamped(), trace.dropped()),
                (0, 0, 0),
                "{} {label}",
                entry.slug
            );
        }
    }
}

#[test]
fn every_run_label_has_its_chinese() {
    // Every demo with its defaults, and every variant the figures name.
    let mut routes: Vec<String> = ENTRIES.iter().map(|e| e.slug.to_string()).collect();
    routes.extend(figures().expect("the table reads").iter().map(|f| f.route.to_string()));
    routes.push("blocking?mode=yield".to_string());
    for route in routes {
        let (slug, query) = route.split_once('?').unwrap_or((&route, ""));
        let items: Vec<(&str, &str)> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
        for (label, _) in run(slug, &items) {
            assert!(
                demos::run_label_zh(label).is_some(),
                "{route}: run {label:?} has no Chinese"
            );
        }
    }
}

/// A countdown never loses a count: a stall longer than a period (a
/// blocked thread) is caught up at once, so every count is shown and
/// `done` still comes at n × period.
#[test]
fn a_countdown_never_loses_a_count_after_a_stall() {
    use asyncscope_core::Env;
    use asyncscope_core::demos::countdown::countdown;
    let rt = VirtualRuntime::new();
    let traced = asyncscope_core::Traced::new(rt.env());
    let (t1, t2) = (traced.clone(), traced.clone());
    rt.env().spawn_boxed(Box::pin(async move {
        t1.task(
            "countdown5".into(),
            countdown(t1.clone(), 5, Duration::from_millis(100)),
        )
        .await;
    }));
    rt.env().spawn_boxed(Box::pin(async move {
        t2.task("blocker".into(), async {
            t2.sleep(Duration::from_millis(150)).await;
            t2.block_for(Duration::from_millis(250));
        })
        .await;
    }));
    rt.run().expect("ends");
    let trace = traced.snapshot();
    let shown: Vec<String> = log_rows(&trace)
        .into_iter()
        .filter(|l| l.task == "countdown5")
        .map(|l| format!("{} {}", l.text, l.at.as_millis()))
        .collect();
    assert_eq!(shown, ["5 0", "4 100", "3 400", "2 400", "1 400", "done 500"]);
}

/// Every run the warnings table covers: each demo with its defaults, with
/// each value of each choice parameter, and with each preset.
fn warning_cases() -> Vec<(String, Vec<(String, String)>)> {
    let mut cases = Vec::new();
    for e in ENTRIES {
        cases.push((e.slug.to_owned(), Vec::new()));
        for spec in demos::specs(e.slug).unwrap_or(&[]) {
            if let ParamKind::Choice(values) = spec.kind {
                for v in values.iter().filter(|v| **v != spec.default) {
                    let pairs = vec![(spec.name.to_owned(), (*v).to_owned())];
                    if demos::check(e.slug, &pairs).is_ok() {
                        cases.push((format!("{}?{}={v}", e.slug, spec.name), pairs));
                    }
                }
            }
        }
        for preset in demos::presets(e.slug) {
            let pairs: Vec<(String, String)> = preset
                .pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            cases.push((format!("{}?{}", e.slug, query.join("&")), pairs));
        }
    }
    // The fixed twins of the presets that fire a rule, where no preset
    // or menu value is one already.
    for twin in TWINS {
        let (slug, query) = twin.split_once('?').unwrap_or((twin, ""));
        cases.push(((*twin).to_owned(), asyncscope_core::params::pairs_from_query(query)));
        assert!(ENTRIES.iter().any(|e| e.slug == slug), "{twin}");
    }
    cases
}

/// Runs that must stay quiet, each the fix of a row of [`FIRING`]: the
/// same 20 ms of work on absolute deadlines; the five clients with full
/// jitter; the slow work done with the lock released; waiters whose work
/// is short enough for the last to get its turn within 50 ms.
const TWINS: &[&str] = &[
    "periodic?period_ms=1000&run_for_ms=10000&work_ms=20",
    "retry?clients=5&outcomes=fail&jitter=full",
    "sync-primitives?holders=3&hold_ms=2000&pattern=released",
    "sync-primitives?waiters=5&react_ms=10",
];

/// The warnings of one case, as `rule task` lines.
fn warnings_of(slug: &str, pairs: &[(String, String)]) -> Vec<String> {
    let rt = VirtualRuntime::new();
    let started = demos::start(slug, rt.env(), pairs).expect("valid").expect("a demo");
    let stalled = rt.run_to_end(started.work, || false).is_err();
    let deadlock = pairs.iter().any(|(k, v)| k == "pattern" && v == "crossed");
    assert_eq!(stalled, deadlock, "{slug} {pairs:?}: only the deadlock stalls");
    let mut out = Vec::new();
    for (_, traced) in &started.runs {
        let trace = traced.snapshot();
        for w in trace.warnings() {
            out.push(format!("{} {}", w.rule.as_str(), trace.task_name(w.task)));
        }
    }
    out
}

/// The runs where a rule fires, and what it fires on; every other case of
/// [`warning_cases`] has no warning at all. Each row is the lesson of its
/// demo: the lazy future that never runs, the fire-and-forget task that
/// outlives its maker, the blocking call, the join that let the others run
/// on after a failure; `blocking?mode=yield` and `gather?mode=try_join_all`
/// are the fixed twins that must stay quiet.
const FIRING: &[(&str, &[&str])] = &[
    ("lazy-and-spawn", &["never_awaited lazy", "detached detached"]),
    // The detached task fails, and nobody holds its handle.
    (
        "lazy-and-spawn?detached_fails=true",
        &["never_awaited lazy", "detached detached", "error_unseen detached"],
    ),
    ("lazy-and-spawn?tasks=10", &["never_awaited lazy", "detached detached"]),
    (
        "lazy-and-spawn?duration_ms=5000",
        &["never_awaited lazy", "detached detached"],
    ),
    ("blocking", &["long_poll worker"]),
    // Slices with a self-wake between them: no poll is long, but the
    // worker keeps the thread as surely (and the timers wait as long);
    // the timer of mode=yield lets them run.
    ("blocking?mode=spin", &["busy_yield worker"]),
    ("blocking?block_ms=2000", &["long_poll worker"]),
    // join_all over results: B fails, A and C run on (try_join_all, the
    // fixed twin, stops them; fail=C fails last, so nothing runs on).
    ("gather", &["kept_going B"]),
    ("gather?fail=A", &["kept_going A"]),
    ("gather?work=request", &["kept_going B"]),
    ("gather?network=simulated", &["kept_going B"]),
    // Keeping the losers of a race whose first finisher failed.
    ("first-completed?keep_losers=true", &["kept_going B"]),
    // Four of five requests succeed after the 500: the page counts them.
    ("fetch", &["kept_going request2"]),
    ("fetch?network=simulated", &["kept_going request2"]),
    ("fetch?requests=10", &["kept_going request2"]),
    // Retrying the moment an attempt failed; every other retry preset
    // backs off.
    ("retry?base_ms=0", &["retry_no_backoff main"]),
    // A slow consumer behind a queue of 1000: nobody waits, the depth only
    // grows; the bounded queue of the other cases makes producers wait.
    (
        "queue?consumers=1&consume_ms=500&capacity=1000&items=10",
        &["queue_grows producer1"],
    ),
    // Relative sleeps after 20 ms of work: each tick later than the last;
    // the same work on absolute deadlines stays on time.
    (
        "periodic?period_ms=1000&run_for_ms=10000&work_ms=20&sleeps=relative",
        &["drift worker"],
    ),
    // Five clients backing off without jitter retry together; with full
    // jitter they spread out.
    ("retry?clients=5&outcomes=fail", &["retry_in_step client1"]),
    // A thousand tasks and nothing limiting them; every limited form is
    // quiet, even with 10,000 tasks.
    ("semaphore?form=none&tasks=1000", &["unbounded_spawn task0"]),
    // Let go at the timeout: the work runs on, and outlives main.
    (
        "timeout?on_timeout=detach",
        &["kept_running operation", "detached operation"],
    ),
    // Holding the lock across a 2 s sleep while the next holder waits
    // (holder2 has nobody behind it); taking it briefly is quiet.
    (
        "sync-primitives?holders=3&hold_ms=2000",
        &["lock_across_await holder0", "lock_across_await holder1"],
    ),
    // One event wakes five waiters that each work 30 ms: the third waits
    // 60 ms for its turn, the last 120 (10 ms each keeps them within 50).
    (
        "sync-primitives?waiters=5&react_ms=30",
        &["starved waiter2", "starved waiter3", "starved waiter4"],
    ),
    // Two locks in opposite orders: the run stalls, the cycle is named.
    ("sync-primitives?pattern=crossed", &["stuck holder0"]),
];

#[test]
fn warnings_fire_exactly_where_the_table_says() {
    let cases = warning_cases();
    assert!(cases.len() > 80, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for (case, pairs) in &cases {
        let slug = case.split('?').next().unwrap_or(case);
        let mut got = warnings_of(slug, pairs);
        got.sort();
        let mut want: Vec<String> = FIRING
            .iter()
            .find(|(c, _)| c == case)
            .map_or(Vec::new(), |(_, w)| w.iter().map(|s| (*s).to_owned()).collect());
        want.sort();
        if got != want {
            wrong.push(format!("{case}: got {got:?}, want {want:?}"));
        }
        // Replayed, the same run gives the same warnings.
        let mut again = warnings_of(slug, pairs);
        again.sort();
        assert_eq!(got, again, "{case}: not stable");
    }
    assert!(
        FIRING.iter().all(|(c, _)| cases.iter().any(|(k, _)| k == c)),
        "a row names no case"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Across every case of [`warning_cases`], after every event of every run,
/// every pending task's wait is known: a timer, a permit, a request, a
/// queue, a lock, an event, a condition, a task it polls or joins, or its
/// turn in the ready queue once woken. (After
/// each event, the tasks whose wait it can change are checked: its own and
/// the one polling it; a final sweep checks every task at each instant.)
#[test]
fn every_pending_task_waits_on_something_named() {
    use asyncscope_core::trace::WaitTracker;
    let mut unknown = Vec::new();
    let mut checked = 0usize;
    for (case, pairs) in warning_cases() {
        let slug = case.split('?').next().unwrap_or(&case).to_owned();
        let rt = VirtualRuntime::new();
        let started = demos::start(&slug, rt.env(), &pairs).expect("valid").expect("a demo");
        // The deadlock stalls; what its tasks wait on is known all the same.
        let _ = rt.run_to_end(started.work, || false);
        for (_, traced) in &started.runs {
            let trace = traced.snapshot();
            let mut tracker = WaitTracker::new(&trace);
            let mut seen = 0;
            while tracker.step() {
                // The event changed what its task waits on, and maybe what
                // the task polling it waits on; nothing else.
                let i = tracker.position();
                let events = trace.events();
                let task = events[i - 1].task;
                let mut changed = vec![tracker.wait(task)];
                if let Some(p) = tracker.poller(task) {
                    changed.push(tracker.wait(p));
                }
                if events.get(i).is_none_or(|e| e.at() != events[i - 1].at()) {
                    changed.extend(tracker.waits().into_iter().map(Some));
                }
                for w in changed.into_iter().flatten() {
                    checked += 1;
                    // Woken (by itself or another) and nothing else: it
                    // waits for its turn in the ready queue, a named wait.
                    if w.on.is_empty() && !w.woken && seen < 3 {
                        seen += 1;
                        let at = events[i - 1].at();
                        unknown.push(format!(
                            "{case}: {} at {} ms: {}",
                            trace.task_name(w.task),
                            at.as_millis(),
                            trace.wait_text(w.task, at, false).unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} waits checked");
    assert!(unknown.is_empty(), "{} unknown:\n{}", unknown.len(), unknown.join("\n"));
}

/// What every pending task waits on at chosen instants, as the command
/// line's `--at` prints it: each leaf kind (timer, permit with its place
/// and holders, request, body, queue empty and full, lock with its holder,
/// event, condition) and chains through polled and joined tasks.
/// A row of the waits table: a demo, its pairs, an instant in ms and the
/// lines that must be printed.
type WaitsRow<'a> = (&'a str, &'a [(&'a str, &'a str)], u64, &'a [&'a str]);

#[test]
fn what_each_task_waits_on_at_an_instant() {
    use asyncscope_core::report::waits_text;
    let table: &[WaitsRow] = &[
        (
            "semaphore",
            &[],
            1500,
            &[
                "task3 → timer (fires at 2 s)",
                "task4 → timer (fires at 2 s)",
                "task5 → timer (fires at 2 s)",
                "task6 → semaphore \"semaphore\" (permit, 1st of 4 in line, 3 held by task3, task4, task5)",
                "task7 → semaphore \"semaphore\" (permit, 2nd of 4 in line, 3 held by task3, task4, task5)",
                "task8 → semaphore \"semaphore\" (permit, 3rd of 4 in line, 3 held by task3, task4, task5)",
                "task9 → semaphore \"semaphore\" (permit, 4th of 4 in line, 3 held by task3, task4, task5)",
            ],
        ),
        (
            "queue",
            &[],
            0,
            &[
                "producer0 → timer (fires at 100 ms)",
                "producer1 → timer (fires at 100 ms)",
                "consumer0 → queue \"queue\" (empty)",
                "consumer1 → queue \"queue\" (empty)",
            ],
        ),
        (
            "queue",
            &[("consumers", "1"), ("consume_ms", "500")],
            1200,
            &[
                "producer0 → queue \"queue\" (full, 3/3)",
                "producer1 → queue \"queue\" (full, 3/3)",
                "consumer0 → timer (fires at 1.6 s)",
            ],
        ),
        (
            "sync-primitives",
            &[],
            500,
            &[
                "holder0 → timer (fires at 1 s)",
                "holder1 → lock \"lock\" held by holder0",
                "waiter0 → event \"event\" (not set)",
                "waiter1 → event \"event\" (not set)",
                "waiter2 → event \"event\" (not set)",
                "setter → timer (fires at 2 s)",
                "consumer0 → condition \"ready\" (not notified yet)",
                "consumer1 → condition \"ready\" (not notified yet)",
                "consumer2 → condition \"ready\" (not notified yet)",
                "notifier → timer (fires at 3 s)",
            ],
        ),
        (
            "gather",
            &[],
            500,
            &[
                "main → [A, B, C]; A → timer (fires at 2 s); B → timer (fires at 1 s); C → timer (fires at 3 s)",
                "A → timer (fires at 2 s)",
                "B → timer (fires at 1 s)",
                "C → timer (fires at 3 s)",
            ],
        ),
        (
            "timeout",
            &[],
            1000,
            &[
                "main → timer (fires at 3 s), and operation → timer (fires at 2 s)",
                "operation → timer (fires at 2 s)",
            ],
        ),
        (
            "lazy-and-spawn",
            &[],
            100,
            &[
                "caller → task0 → timer (fires at 1 s)",
                "task0 → timer (fires at 1 s)",
                "task1 → timer (fires at 1 s)",
                "task2 → timer (fires at 1 s)",
                "detached → timer (fires at 2 s)",
            ],
        ),
        (
            "task-manager",
            &[],
            700,
            &[
                "manager → [w1, w2]; w1 → job3 → timer (fires at 1 s); w2 → job2 → timer (fires at 1 s)",
                "job2 → timer (fires at 1 s)",
                "job3 → timer (fires at 1 s)",
                "w1 → job3 → timer (fires at 1 s)",
                "w2 → job2 → timer (fires at 1 s)",
            ],
        ),
        (
            "download",
            &[("cancel_at_ms", "400")],
            200,
            &[
                "main → [download, canceller]; download → response body (327680 of 1048576 bytes); canceller → timer (fires at 400 ms)",
                "download → response body (327680 of 1048576 bytes)",
                "canceller → timer (fires at 400 ms)",
            ],
        ),
        (
            "fetch",
            &[("requests", "1"), ("fail_index", "1")],
            100,
            &[
                "main → request0 → timer (fires at 5 s), and GET /api/delay/200?seed=0&status=500 (waiting for the first byte)",
                "request0 → timer (fires at 5 s), and GET /api/delay/200?seed=0&status=500 (waiting for the first byte)",
            ],
        ),
    ];
    for (slug, items, at, want) in table {
        let runs = run(slug, items);
        let refs: Vec<(&str, &Trace)> = runs.iter().map(|(l, t)| (*l, t)).collect();
        let text = waits_text(slug, 0, Duration::from_millis(*at), &refs);
        let got: Vec<&str> = text.lines().skip(1).map(str::trim).collect();
        assert_eq!(got, *want, "{slug} {items:?} at {at} ms");
    }
}
