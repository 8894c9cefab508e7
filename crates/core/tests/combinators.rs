//! The instrumented combinators under virtual time: exact instants, and the
//! trace each one leaves, rendered to text. Runs natively and, through
//! `wasm-pack test`, in headless browsers.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::combinators::{
    Jitter, MissedTicks, OverRelease, RetryPolicy, Semaphore, abortable_with_cleanup, interval, limit, timeout,
    with_retry,
};
use asyncscope_core::net::{FetchError, Request};
use asyncscope_core::trace::{EventKind, Outcome};
use asyncscope_core::virtual_time::VirtualEnv;
use asyncscope_core::{Env, Trace, Traced, VirtualRuntime};
use futures::StreamExt;
use futures::future::{Aborted, join_all};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs `scenario` on a traced virtual environment and returns its output,
/// the virtual time it ended at, and the trace.
fn run<T, F: Future<Output = T>>(scenario: impl FnOnce(Traced<VirtualEnv>) -> F) -> (T, Duration, Trace) {
    let rt = VirtualRuntime::with_seed(1);
    let env = Traced::new(rt.env());
    let out = rt.block_on(scenario(env.clone())).expect("does not stall");
    rt.run().expect("spawned tasks finish");
    (out, rt.now(), env.snapshot())
}

fn tidy(text: &str) -> String {
    text.lines().map(|l| format!("{}\n", l.trim_start())).collect()
}

/// The trace as text, without poll boundaries (they are tested elsewhere)
/// and without line numbers, which move when code is edited.
fn story(trace: &Trace) -> String {
    tidy(&trace.render_text())
        .lines()
        .filter(|l| !l.ends_with(" poll") && !l.contains("poll end"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn outcomes(trace: &Trace) -> Vec<(String, Option<Outcome>)> {
    trace.spans().into_iter().map(|s| (s.name, s.outcome)).collect()
}

async fn nap<E: Env>(env: E, d: Duration) -> Duration {
    env.sleep(d).await;
    env.now()
}

#[test]
fn timeout_drops_slow_work_as_timed_out() {
    let (out, end, trace) = run(|env| async move {
        let slow = env.task("slow".into(), nap(env.clone(), ms(500)));
        env.task("caller".into(), timeout(&env, ms(200), slow)).await
    });
    assert_eq!(
        out.map_err(|e| e.to_string()),
        Err("timed out after 200 ms".to_string())
    );
    assert_eq!(end, ms(200));
    expect_test::expect![[r#"
        0ms slow created
        0ms caller created
        0ms slow timer armed: fires at 500 ms (in 500 ms)
        0ms caller timer armed: fires at 200 ms (in 200 ms)
        200ms caller woken by its timer
        200ms slow polled again, not woken
        200ms caller timer fired
        200ms caller deadline passed
        200ms slow timer cancelled
        200ms slow completed: timeout
        200ms caller completed: ok
    "#]]
    .assert_eq(&story(&trace));
}

#[test]
fn timeout_passes_fast_work_through_and_disarms_its_deadline() {
    let (out, end, trace) = run(|env| async move {
        let fast = env.task("fast".into(), nap(env.clone(), ms(100)));
        env.task("caller".into(), timeout(&env, ms(200), fast)).await
    });
    assert_eq!((out, end), (Ok(ms(100)), ms(100)));
    let text = trace.render_text();
    assert!(text.contains("caller timer cancelled"), "{text}");
    assert_eq!(outcomes(&trace)[0].1, Some(Outcome::Ok));
}

#[test]
fn retry_backs_off_exponentially_until_the_lab_lets_it_through() {
    let policy = RetryPolicy {
        attempts: 5,
        base: ms(100),
        factor: 2.0,
        max_delay: ms(10_000),
        jitter: Jitter::None,
    };
    let (out, end, trace) = run(|env| async move {
        let e = env.clone();
        let call = with_retry(
            &env,
            policy,
            |_: &FetchError| true,
            move |_| {
                let e = e.clone();
                async move {
                    e.fetch(Request::get("/api/flaky/a?fail_first=2"))
                        .await?
                        .error_for_status()
                }
            },
        );
        env.try_task("fetch".into(), call).await
    });
    assert_eq!(out.map(|r| r.status), Ok(200));
    assert_eq!(end, ms(300), "100 ms then 200 ms of backoff");
    expect_test::expect![[r#"
        0ms fetch created
        0ms fetch attempt 1
        0ms fetch request GET /api/flaky/a?fail_first=2
        0ms fetch woken by its request
        0ms fetch response 503
        0ms fetch backoff 100 ms
        0ms fetch timer armed: fires at 100 ms (in 100 ms)
        100ms fetch woken by its timer
        100ms fetch timer fired
        100ms fetch attempt 2
        100ms fetch request GET /api/flaky/a?fail_first=2
        100ms fetch woken by its request
        100ms fetch response 503
        100ms fetch backoff 200 ms
        100ms fetch timer armed: fires at 300 ms (in 200 ms)
        300ms fetch woken by its timer
        300ms fetch timer fired
        300ms fetch attempt 3
        300ms fetch request GET /api/flaky/a?fail_first=2
        300ms fetch woken by its request
        300ms fetch response 200
        300ms fetch completed: ok
    "#]]
    .assert_eq(&story(&trace));
}

#[test]
fn retry_gives_up_with_the_last_error_or_at_once_when_told() {
    let policy = RetryPolicy {
        attempts: 3,
        base: ms(10),
        ..RetryPolicy::default()
    };
    let calls = Rc::new(Cell::new(0));
    let c = Rc::clone(&calls);
    let (out, end, trace) = run(|env| async move {
        let call = with_retry(
            &env,
            policy,
            |_: &u32| true,
            move |n| {
                c.set(c.get() + 1);
                async move { Err::<(), u32>(n) }
            },
        );
        env.try_task("doomed".into(), call).await
    });
    assert_eq!((out, calls.get(), end), (Err(3), 3, ms(30)));
    assert_eq!(outcomes(&trace)[0].1, Some(Outcome::Error));

    let calls = Rc::new(Cell::new(0));
    let c = Rc::clone(&calls);
    let (out, _, _) = run(|env| async move {
        with_retry(
            &env,
            policy,
            |e: &u32| *e != 404,
            move |_| {
                c.set(c.get() + 1);
                async { Err::<(), u32>(404) }
            },
        )
        .await
    });
    assert_eq!((out, calls.get()), (Err(404), 1), "a 404 is not worth retrying");
}

#[test]
fn semaphore_queues_the_third_task_until_a_permit_is_free() {
    let (ends, end, trace) = run(|env| async move {
        let sem = Semaphore::new(&env, "sem", 2);
        // Spawned, so that each task is polled only when it is woken
        // (join_all would poll every child whenever one wakes).
        let jobs: Vec<_> = (0..3)
            .map(|i| {
                let (env, sem) = (env.clone(), sem.clone());
                env.clone().spawn(format!("t{i}"), async move {
                    let _permit = sem.acquire().await;
                    env.sleep(ms(100)).await;
                    env.now()
                })
            })
            .collect();
        join_all(jobs)
            .await
            .into_iter()
            .map(|r| r.expect("not cancelled"))
            .collect::<Vec<_>>()
    });
    assert_eq!((ends, end), (vec![ms(100), ms(100), ms(200)], ms(200)));
    expect_test::expect![[r#"
        0ms t0 created
        0ms t1 created
        0ms t2 created
        0ms t0 acquired sem (1 left)
        0ms t0 timer armed: fires at 100 ms (in 100 ms)
        0ms t1 acquired sem (0 left)
        0ms t1 timer armed: fires at 100 ms (in 100 ms)
        0ms t2 waits for sem
        100ms t0 woken by its timer
        100ms t0 timer fired
        100ms t0 released sem (1 free)
        100ms t2 woken by t0 through sem
        100ms t0 completed: ok
        100ms t2 acquired sem (0 left)
        100ms t2 timer armed: fires at 200 ms (in 100 ms)
        100ms t1 woken by its timer
        100ms t1 timer fired
        100ms t1 released sem (1 free)
        100ms t1 completed: ok
        200ms t2 woken by its timer
        200ms t2 timer fired
        200ms t2 released sem (2 free)
        200ms t2 completed: ok
    "#]]
    .assert_eq(&story(&trace));
    let stats = &trace.resource_stats()[0];
    assert_eq!((stats.max_in_use, stats.max_waiting, stats.max_wait), (2, 1, ms(100)));
    let states: Vec<_> = trace.spans()[2].segments.iter().map(|s| s.state.as_str()).collect();
    assert_eq!(states, ["created", "polled", "permit", "polled", "sleeping", "polled"]);
}

#[test]
fn bounded_semaphore_refuses_a_release_above_its_limit() {
    let (results, _, trace) = run(|env| async move {
        env.task("t".into(), async {
            let sem = Semaphore::bounded(&env, "bounded", 2);
            let over = sem.release(1);
            let permit = sem.acquire().await;
            permit.forget();
            let after_forget = sem.available();
            let back = sem.release(1);
            let again = sem.release(1);
            (over, after_forget, back, again, sem.available())
        })
        .await
    });
    let limit = OverRelease { limit: 2 };
    assert_eq!(results, (Err(limit), 1, Ok(()), Err(limit), 2));
    assert_eq!(trace.resource_stats()[0].refused, 2);
    assert!(
        trace
            .render_text()
            .contains("release refused by bounded: above its limit"),
        "{}",
        trace.render_text()
    );
    // A plain semaphore may grow.
    let (grown, _, _) = run(|env| async move {
        let sem = Semaphore::new(&env, "plain", 1);
        sem.release(2).map(|()| sem.available())
    });
    assert_eq!(grown, Ok(3));
}

#[test]
fn cancelling_a_parent_cancels_its_children_and_frees_their_permits() {
    let (available, end, trace) = run(|env| async move {
        let sem = Semaphore::new(&env, "sem", 2);
        let (e, s) = (env.clone(), sem.clone());
        let parent = env.spawn("parent", async move {
            let children: Vec<_> = (0..4)
                .map(|i| {
                    let (e2, s2) = (e.clone(), s.clone());
                    e.spawn(format!("child{i}"), async move {
                        let _p = s2.acquire().await;
                        e2.sleep(ms(1000)).await;
                    })
                })
                .collect();
            join_all(children).await;
        });
        env.sleep(ms(100)).await;
        drop(parent);
        env.sleep(ms(1)).await;
        sem.available()
    });
    assert_eq!((available, end), (2, ms(101)));
    let ended: Vec<_> = outcomes(&trace);
    assert_eq!(ended.len(), 5);
    assert!(ended.iter().all(|(_, o)| *o == Some(Outcome::Cancelled)), "{ended:?}");
    let released = trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PermitReleased { .. }))
        .count();
    assert_eq!(released, 2);
    assert_eq!(trace.resource_stats()[0].max_in_use, 2);
}

#[test]
fn limit_runs_at_most_n_at_once() {
    let (order, end, trace) = run(|env| async move {
        let e = env.clone();
        let work = futures::stream::iter([300u64, 100, 100, 200, 100, 100]).map(move |d| {
            let e = e.clone();
            async move {
                e.sleep(ms(d)).await;
                d
            }
        });
        env.task(
            "driver".into(),
            limit(&env, "two at a time", 2, work).collect::<Vec<u64>>(),
        )
        .await
    });
    assert_eq!(order, vec![100, 100, 300, 200, 100, 100]);
    assert_eq!(end, ms(500));
    let s = &trace.resource_stats()[0];
    assert_eq!((s.acquired, s.released, s.max_in_use), (6, 6, 2));
}

#[test]
fn abort_runs_the_cleanup_once_and_completion_skips_it() {
    let (out, end, trace) = run(|env| async move {
        let cleaned = Rc::new(Cell::new(0));
        let c = Rc::clone(&cleaned);
        let (work, handle) = abortable_with_cleanup(&env, nap(env.clone(), ms(1000)), move || c.set(c.get() + 1));
        let e = env.clone();
        let aborter = env.task("aborter".into(), async move {
            e.sleep(ms(250)).await;
            handle.abort();
        });
        let (res, ()) = futures::join!(env.task("worker".into(), work), aborter);
        let c2 = Rc::clone(&cleaned);
        let (done, _h) = abortable_with_cleanup(&env, nap(env.clone(), ms(10)), move || c2.set(c2.get() + 100));
        let finished = done.await;
        let c3 = Rc::clone(&cleaned);
        let (dropped, _h) = abortable_with_cleanup(&env, nap(env.clone(), ms(10)), move || c3.set(c3.get() + 10));
        drop(dropped);
        (res, finished.is_ok(), cleaned.get())
    });
    assert_eq!(out, (Err(Aborted), true, 11));
    assert_eq!(end, ms(260));
    assert!(
        trace.render_text().contains("250ms worker log: cleanup ran"),
        "{}",
        trace.render_text()
    );
}

#[test]
fn interval_keeps_its_schedule_however_long_the_work_takes() {
    let (ticks, _, _) = run(|env| async move {
        let mut ticks = interval(&env, ms(1000), MissedTicks::Burst);
        let mut seen = Vec::new();
        for _ in 0..4 {
            let tick = ticks.next().await.expect("endless");
            seen.push((tick.index, tick.deadline.as_millis(), tick.at.as_millis()));
            env.sleep(ms(300)).await; // the work
        }
        seen
    });
    assert_eq!(ticks, [(0, 0, 0), (1, 1000, 1000), (2, 2000, 2000), (3, 3000, 3000)]);

    let (late, _, _) = run(|env| async move {
        let mut skip = interval(&env, ms(1000), MissedTicks::Skip);
        let mut seen = Vec::new();
        for _ in 0..3 {
            let tick = skip.next().await.expect("endless");
            seen.push((tick.index, tick.at.as_millis()));
            env.sleep(ms(1500)).await; // slower than the period
        }
        seen
    });
    assert_eq!(
        late,
        [(0, 0), (1, 1500), (3, 3000)],
        "missed ticks are skipped, not delayed"
    );

    let (burst, _, _) = run(|env| async move {
        let mut ticks = interval(&env, ms(1000), MissedTicks::Burst);
        let mut seen = Vec::new();
        for _ in 0..4 {
            let tick = ticks.next().await.expect("endless");
            seen.push((tick.index, tick.at.as_millis()));
            env.sleep(ms(1500)).await;
        }
        seen
    });
    assert_eq!(burst, [(0, 0), (1, 1500), (2, 3000), (3, 4500)]);
}

#[test]
fn a_bounded_queue_makes_the_producer_wait_and_records_depth() {
    let (got, end, trace) = run(|env| async move {
        let q = asyncscope_core::combinators::Queue::new(&env, "jobs", Some(2));
        let (e, qp) = (env.clone(), q.clone());
        let producer = env.spawn("producer", async move {
            for i in 0..4u32 {
                qp.push(i).await.expect("open");
            }
            qp.close();
            e.now()
        });
        let (e, qc) = (env.clone(), q.clone());
        let consumer = env.spawn("consumer", async move {
            let mut got = Vec::new();
            while let Ok(item) = qc.pop().await {
                e.sleep(ms(100)).await;
                got.push((item, e.now().as_millis()));
            }
            got
        });
        let produced_at = producer.await.expect("runs");
        (produced_at, consumer.await.expect("runs"))
    });
    assert_eq!(got.0, ms(100), "the fourth push waits for the first pop to make room");
    assert_eq!(got.1, [(0, 100), (1, 200), (2, 300), (3, 400)]);
    assert_eq!(end, ms(400));
    let s = &trace.resource_stats()[0];
    assert_eq!((s.pushed, s.popped, s.max_depth), (4, 4, 2));
    let text = story(&trace);
    assert!(text.contains("0ms producer pushed to jobs (depth 2)"), "{text}");
    // The wake names who made room (the consumer, popping) and through
    // what; the wait itself is recorded on the producer's lane.
    assert!(text.contains("0ms producer waits on jobs"), "{text}");
    assert!(text.contains("0ms producer woken by consumer through jobs"), "{text}");
    assert!(text.contains("0ms producer done waiting on jobs"), "{text}");
}
