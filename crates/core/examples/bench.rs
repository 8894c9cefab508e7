//! The core's benchmark (run it with `cargo xtask bench`): how fast the
//! trace records and how fast the virtual executor gets through big
//! scenarios, with tracing on and off. Prints one line per figure.
//!
//! Not a test: figures depend on the machine. Goals (2 cores): at least a
//! million events a second; 10,000 tasks through a semaphore of 100 in
//! under 100 ms; one virtual hour of a one-second interval in under 50 ms.
//! A traced run and the same run untraced are taken in turn, so that both
//! medians see the same spells of load.

mod scenarios;

use std::time::{Duration, Instant};

use asyncscope_core::combinators::{MissedTicks, interval};
use asyncscope_core::trace::{EventKind, Trace};
use asyncscope_core::virtual_time::VirtualEnv;
use asyncscope_core::{Env, Traced, VirtualRuntime};
use futures::StreamExt;
use scenarios::through_semaphore;

const RUNS: usize = 7;

/// Runs `f` RUNS times; returns the median wall time and the last result.
fn measure<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (times[RUNS / 2], last.expect("RUNS > 0"))
}

/// Runs `a` and `b` RUNS times each, one after the other in turn, and
/// returns each one's median wall time and last result. A traced run is
/// compared with the untraced one beside it, not with one measured a
/// second later: on a shared machine, a spell of load then falls on both.
fn measure_pair<A, B>(mut a: impl FnMut() -> A, mut b: impl FnMut() -> B) -> ((Duration, A), (Duration, B)) {
    let (mut times_a, mut times_b) = (Vec::with_capacity(RUNS), Vec::with_capacity(RUNS));
    let (mut last_a, mut last_b) = (None, None);
    for _ in 0..RUNS {
        let start = Instant::now();
        last_a = Some(a());
        times_a.push(start.elapsed());
        let start = Instant::now();
        last_b = Some(b());
        times_b.push(start.elapsed());
    }
    times_a.sort();
    times_b.sort();
    (
        (times_a[RUNS / 2], last_a.expect("RUNS > 0")),
        (times_b[RUNS / 2], last_b.expect("RUNS > 0")),
    )
}

async fn periodic<E: Env>(env: E, ticks: usize) {
    let e = env.clone();
    env.task("ticker".into(), async move {
        let mut every = interval(&e, Duration::from_secs(1), MissedTicks::Skip);
        for _ in 0..ticks {
            every.next().await;
        }
    })
    .await;
}

fn semaphore_run(traced: bool) -> (Duration, usize) {
    let rt = VirtualRuntime::new();
    if traced {
        let env = Traced::new(rt.env());
        rt.block_on(through_semaphore(env.clone(), 10_000, 100)).expect("runs");
        assert_eq!(rt.now(), Duration::from_secs(100));
        (rt.now(), env.trace().events().len())
    } else {
        let env: VirtualEnv = rt.env();
        rt.block_on(through_semaphore(env, 10_000, 100)).expect("runs");
        (rt.now(), 0)
    }
}

fn hour_run(traced: bool) -> (Duration, usize) {
    let rt = VirtualRuntime::new();
    if traced {
        let env = Traced::new(rt.env());
        rt.block_on(periodic(env.clone(), 3601)).expect("runs");
        (rt.now(), env.trace().events().len())
    } else {
        rt.block_on(periodic(rt.env(), 3601)).expect("runs");
        (rt.now(), 0)
    }
}

fn per_sec(n: usize, d: Duration) -> String {
    format!("{:.2} M/s", n as f64 / d.as_secs_f64() / 1e6)
}

fn main() {
    println!("asyncscope-core benchmark: median of {RUNS} runs each");

    let n = 1_000_000;
    let (push, _) = measure(|| {
        let mut t = Trace::with_capacity(n);
        let a = t.add_task("a");
        for i in 0..n as u64 {
            t.push(Duration::from_micros(i), a, EventKind::PollStart);
        }
        t
    });
    println!(
        "trace push                      {n} events in {push:?}  ({})",
        per_sec(n, push)
    );

    let ((sem_on, (end, events)), (sem_off, _)) = measure_pair(|| semaphore_run(true), || semaphore_run(false));
    println!(
        "semaphore 10000 tasks / 100     traced   {sem_on:?}  ({events} events, {} recorded; virtual end {end:?})",
        per_sec(events, sem_on)
    );
    println!("semaphore 10000 tasks / 100     untraced {sem_off:?}");
    println!(
        "tracing cost (semaphore)        {:.2}x",
        sem_on.as_secs_f64() / sem_off.as_secs_f64()
    );

    let trace = {
        let rt = VirtualRuntime::new();
        let env = Traced::new(rt.env());
        rt.block_on(through_semaphore(env.clone(), 10_000, 100)).expect("runs");
        env.snapshot()
    };
    let (warn, found) = measure(|| trace.warnings().len());
    println!(
        "warnings of that trace          {warn:?}  ({} events, {found} warnings)",
        trace.events().len()
    );
    // What every task waits on: one pass over the whole trace (what the
    // table test and the segments' tooltips do), the waits at the middle
    // of the run (the page's panel, the command line's --at), and who
    // woke whom (the wakes with a waker).
    let (pass, waiting) = measure(|| {
        let mut tracker = asyncscope_core::trace::WaitTracker::new(&trace);
        while tracker.step() {}
        tracker.waits().len()
    });
    let middle = trace.makespan().unwrap_or_default() / 2;
    let (at, chains) = measure(|| trace.waits_text_at(middle, false).len());
    let (edges, woken_by) = measure(|| {
        trace
            .events()
            .iter()
            .filter(|e| matches!(e.kind, asyncscope_core::trace::EventKind::Woken { from: Some(_), .. }))
            .count()
    });
    println!("waits, one pass over that trace  {pass:?}  ({waiting} pending at the end)");
    println!("waits at its middle, as chains   {at:?}  ({chains} pending tasks)");
    println!("wake edges of that trace         {edges:?}  ({woken_by} wakes by another task)");

    let program = "import asyncio\n\
        async def job(sem):\n    async with sem:\n        await asyncio.sleep(1)\n\
        async def main():\n    sem = asyncio.Semaphore(100)\n    await asyncio.gather(*(job(sem) for _ in range(10000)))\n\
        asyncio.run(main())\n";
    let (py_run, events) = measure(|| {
        let (trace, _) = asyncscope_core::py::run_virtual(
            program,
            0,
            asyncscope_core::py::Limits::default(),
            asyncscope_core::py::DEFAULT_VIRTUAL_BOUND,
            1 << 20,
        )
        .expect("parses");
        trace.events().len()
    });
    println!("composer: the same in asyncio   traced   {py_run:?}  ({events} events)");

    let ((hour_on, (end, events)), (hour_off, _)) = measure_pair(|| hour_run(true), || hour_run(false));
    println!("one virtual hour, 1 s interval  traced   {hour_on:?}  ({events} events; virtual end {end:?})");
    println!("one virtual hour, 1 s interval  untraced {hour_off:?}");
    println!(
        "tracing cost (interval)         {:.2}x",
        hour_on.as_secs_f64() / hour_off.as_secs_f64()
    );
}
