//! Demo 1 under virtual time: exact schedules. Runs natively, and in a
//! headless browser through `wasm-pack test` (the same code, proven there).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::time::Duration;

use asyncscope_core::demos::sequential_vs_concurrent::{self as demo, Params, Run, SOURCE};
use asyncscope_core::trace::Outcome;
use asyncscope_core::{Trace, VirtualRuntime};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn run(items: &[(&str, &str)]) -> Vec<(Run, Trace)> {
    let params = Params::from_pairs(&pairs(items)).expect("valid parameters");
    let rt = VirtualRuntime::new();
    let (runs, all) = demo::start(rt.env(), &params);
    rt.block_on(all).expect("the demo completes");
    runs.into_iter().map(|(r, t)| (r, t.snapshot())).collect()
}

/// `name start-end outcome` per task, in ms.
fn schedule(trace: &Trace) -> Vec<String> {
    trace
        .spans()
        .iter()
        .map(|s| {
            let ms = |d: Option<Duration>| d.map_or("-".to_string(), |d| d.as_millis().to_string());
            format!(
                "{} {}-{} {}",
                s.name,
                ms(s.first_poll),
                ms(s.end),
                s.outcome.map_or("-", Outcome::as_str)
            )
        })
        .collect()
}

#[test]
fn defaults_take_6000_then_3000() {
    let runs = run(&[]);
    assert_eq!(runs.len(), 2);
    let (seq, conc) = (&runs[0], &runs[1]);
    assert_eq!(seq.0, Run::Sequential);
    assert_eq!(schedule(&seq.1), ["job0 0-3000 ok", "job1 3000-6000 ok"]);
    assert_eq!(seq.1.makespan(), Some(Duration::from_millis(6000)));
    assert_eq!(seq.1.max_in_flight(), 1);
    assert_eq!(conc.0, Run::Concurrent);
    assert_eq!(schedule(&conc.1), ["job0 0-3000 ok", "job1 0-3000 ok"]);
    assert_eq!(conc.1.makespan(), Some(Duration::from_millis(3000)));
    assert_eq!(conc.1.max_in_flight(), 2);
}

#[test]
fn ten_jobs_of_1000_take_10000_then_1000() {
    let runs = run(&[("jobs", "10"), ("duration_ms", "1000")]);
    let seq = &runs[0].1;
    let conc = &runs[1].1;
    assert_eq!(seq.makespan(), Some(Duration::from_millis(10_000)));
    assert_eq!(conc.makespan(), Some(Duration::from_millis(1000)));
    assert_eq!(conc.max_in_flight(), 10);
    let want: Vec<String> = (0..10)
        .map(|i| format!("job{i} {}-{} ok", i * 1000, (i + 1) * 1000))
        .collect();
    assert_eq!(schedule(seq), want);
}

#[test]
fn one_mode_makes_one_run() {
    let runs = run(&[("mode", "concurrent"), ("jobs", "50"), ("duration_ms", "60000")]);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].0, Run::Concurrent);
    assert_eq!(runs[0].1.tasks().len(), 50);
    assert_eq!(runs[0].1.makespan(), Some(Duration::from_millis(60_000)));
}

#[test]
fn sequential_trace_reads_as_expected() {
    let runs = run(&[("mode", "sequential"), ("duration_ms", "250")]);
    // A timer's firing is observed by the poll that the wake caused, so
    // "timer fired" sits inside that poll; the pending line is the
    // `env.sleep(duration).await` of `job`.
    // The await point is named by its line in the demo's source.
    let line = SOURCE
        .lines()
        .position(|l| l.trim() == "env.sleep(duration).await;")
        .expect("job sleeps")
        + 1;
    let text = tidy(&runs[0].1.render_text()).replace(&format!("at line {line}"), "at job's sleep");
    expect_test::expect![[r#"
        0ms job0 created
        0ms job0 poll
        0ms job0 timer armed: fires at 250 ms (in 250 ms)
        0ms job0 poll end: pending at job's sleep
        250ms job0 woken by its timer
        250ms job0 poll
        250ms job0 timer fired
        250ms job0 poll end: ready
        250ms job0 completed: ok
        250ms job1 created
        250ms job1 poll
        250ms job1 timer armed: fires at 500 ms (in 250 ms)
        250ms job1 poll end: pending at job's sleep
        500ms job1 woken by its timer
        500ms job1 poll
        500ms job1 timer fired
        500ms job1 poll end: ready
        500ms job1 completed: ok
    "#]]
    .assert_eq(&text);
}

#[test]
fn dropping_the_run_cancels_every_job_and_timer() {
    let params = Params::from_pairs(&pairs(&[("mode", "concurrent"), ("jobs", "3")])).expect("valid");
    let rt = VirtualRuntime::new();
    let env = rt.env();
    let (runs, all) = demo::start(env.clone(), &params);
    let cut = async {
        let all = std::pin::pin!(all);
        let stop = std::pin::pin!(asyncscope_core::Env::sleep(&env, Duration::from_millis(1000)));
        futures::future::select(all, stop).await;
    };
    rt.block_on(cut).expect("completes");
    let trace = runs[0].1.snapshot();
    assert_eq!(
        schedule(&trace),
        [
            "job0 0-1000 cancelled",
            "job1 0-1000 cancelled",
            "job2 0-1000 cancelled"
        ]
    );
    let cancelled_timers = trace.render_text().matches("timer cancelled").count();
    assert_eq!(cancelled_timers, 3);
}

#[test]
fn bad_parameters_are_refused_with_the_range() {
    let err = Params::from_pairs(&pairs(&[("jobs", "0"), ("duration_ms", "60001")])).expect_err("refused");
    let msgs: Vec<_> = err.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "jobs must be a whole number from 1 to 50; got 0",
            "duration_ms must be a whole number from 1 to 60000; got 60001"
        ]
    );
    let err = Params::from_pairs(&pairs(&[("mode", "parallel")])).expect_err("refused");
    assert_eq!(
        err[0].message,
        "mode must be one of both, sequential, concurrent; got \"parallel\""
    );
}

#[test]
fn params_round_trip_through_pairs() {
    let p = Params::from_pairs(&pairs(&[("mode", "sequential"), ("jobs", "7"), ("duration_ms", "15")])).expect("valid");
    let back: Vec<(String, String)> = p.to_pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    assert_eq!(Params::from_pairs(&back), Ok(p));
}

#[test]
fn polls_show_how_join_all_drives_its_children() {
    // Sequential: each job is polled twice, once to arm its timer and once
    // when it fires. Concurrent: the four timers fire one at a time (as
    // separate `setTimeout`s do in the browser), and with 30 children or
    // fewer `join_all` polls every pending child whenever one of them wakes:
    // 4 first polls, then 4 + 3 + 2 + 1, of which 3 + 2 + 1 are children
    // polled again without a wake, which the log says.
    let runs = run(&[("jobs", "4"), ("duration_ms", "100")]);
    let polls: Vec<(Run, usize)> = runs
        .iter()
        .map(|(run, trace)| {
            (
                *run,
                trace
                    .render_text()
                    .lines()
                    .filter(|l| l.ends_with(" poll") || l.contains(" polled again"))
                    .count(),
            )
        })
        .collect();
    assert_eq!(polls, [(Run::Sequential, 8), (Run::Concurrent, 14)]);
}

/// The trace as text with each line's alignment padding removed, so that
/// expectations read the same however wide the time column is.
fn tidy(text: &str) -> String {
    text.lines().map(|l| format!("{}\n", l.trim_start())).collect()
}
