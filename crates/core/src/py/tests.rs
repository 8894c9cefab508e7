//! The composer's behaviour at its boundary: a program's text in, a trace
//! and what it printed out.

use std::time::Duration;

use super::{DEFAULT_VIRTUAL_BOUND, FILE, Finished, Limits, run_virtual};
use crate::report::task_rows;
use crate::trace::{EventKind, Trace};

/// Runs `source` on a thread with the stack a debug build needs for the
/// deepest recursion allowed (release builds need half of it).
fn run(source: &str) -> (Trace, Finished) {
    run_with(source, Limits::default(), DEFAULT_VIRTUAL_BOUND)
}

fn run_with(source: &str, limits: Limits, bound: Duration) -> (Trace, Finished) {
    let source = source.to_owned();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || run_virtual(&source, 0, limits, bound, 1 << 20).expect("parses"))
        .expect("a thread")
        .join()
        .expect("no panic")
}

fn printed(f: &Finished) -> Vec<String> {
    f.printed
        .iter()
        .map(|p| format!("{} {} {}", p.at.as_millis(), p.task.as_deref().unwrap_or("-"), p.text))
        .collect()
}

/// `name:outcome@spawned-end` for every lane.
fn lanes(t: &Trace) -> Vec<String> {
    task_rows(t)
        .into_iter()
        .map(|r| {
            format!(
                "{}:{}@{}-{}",
                r.name,
                r.outcome,
                r.spawned.as_millis(),
                r.end.map_or("?".into(), |e| e.as_millis().to_string())
            )
        })
        .collect()
}

/// The lines each task was pending at, in order.
fn pending_lines(t: &Trace, task: &str) -> Vec<u32> {
    let id = t.spans().iter().position(|s| s.name == task).expect("the task");
    t.events()
        .iter()
        .filter(|e| e.task.0 as usize == id)
        .filter_map(|e| match e.kind {
            EventKind::PollEnd { ready: false, site } => site.and_then(|s| t.site(s)).map(|s| {
                assert_eq!(s.file, FILE);
                s.line
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn tasks_are_lanes_named_as_cpython_names_them() {
    let (t, f) = run("import asyncio\n\
         async def w(d):\n    await asyncio.sleep(d)\n    print('woke', d)\n\
         async def main():\n    a = asyncio.create_task(w(1))\n    b = asyncio.create_task(w(2), name='second')\n    await a\n    await b\n\
         asyncio.run(main())\n");
    assert_eq!(lanes(&t), ["Task-1:ok@0-2000", "Task-2:ok@0-1000", "second:ok@0-2000"]);
    assert_eq!(printed(&f), ["1000 Task-2 woke 1", "2000 second woke 2"]);
    assert!(f.error.is_none() && f.stopped.is_none() && f.warnings.is_empty());
}

#[test]
fn a_pending_task_is_lit_at_the_line_of_its_await() {
    let src = "import asyncio\n\
               async def worker():\n\
               \x20   await asyncio.sleep(1)\n\
               \x20   await asyncio.sleep(2)\n\
               async def main():\n\
               \x20   t = asyncio.create_task(worker())\n\
               \x20   await asyncio.sleep(0.5)\n\
               \x20   await t\n\
               asyncio.run(main())\n";
    let (t, _) = run(src);
    assert_eq!(pending_lines(&t, "Task-2"), [3, 4]);
    assert_eq!(pending_lines(&t, "Task-1"), [7, 8]);
}

#[test]
fn wait_for_ends_its_task_as_a_timeout_and_the_caller_sees_timeout_error() {
    let (t, f) = run("import asyncio\n\
         async def slow():\n    await asyncio.sleep(10)\n\
         async def main():\n    try:\n        await asyncio.wait_for(slow(), 2)\n    except TimeoutError:\n        print('timeout')\n\
         asyncio.run(main())\n");
    assert_eq!(lanes(&t), ["Task-1:ok@0-2000", "Task-2:timeout@0-2000"]);
    assert_eq!(printed(&f), ["2000 Task-1 timeout"]);
}

#[test]
fn a_semaphore_is_a_resource_named_after_its_variable() {
    let (t, _) = run("import asyncio\n\
         async def job(sem):\n    async with sem:\n        await asyncio.sleep(1)\n\
         async def main():\n    limit = asyncio.Semaphore(2)\n    await asyncio.gather(*[job(limit) for _ in range(4)])\n\
         asyncio.run(main())\n");
    assert_eq!(t.resources()[0].name, "limit");
    let acquired: Vec<u64> = t
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PermitAcquired { .. }))
        .map(|e| e.at().as_millis() as u64)
        .collect();
    assert_eq!(acquired, [0, 0, 1000, 1000]);
    let waited = t
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PermitWaiting { .. }))
        .count();
    assert_eq!(waited, 2);
    assert_eq!(t.makespan(), Some(Duration::from_secs(2)));
}

#[test]
fn an_uncaught_exception_ends_the_run_with_a_traceback() {
    let (t, f) = run("import asyncio\n\
         async def inner():\n    await asyncio.sleep(1)\n    raise ValueError('bad value')\n\
         async def main():\n    await inner()\n\
         asyncio.run(main())\n");
    let tb = f.error.expect("a traceback");
    assert_eq!(
        tb,
        "Traceback (most recent call last):\n  \
         File \"main.py\", line 7, in <module>\n    asyncio.run(main())\n  \
         File \"main.py\", line 6, in main\n    await inner()\n  \
         File \"main.py\", line 4, in inner\n    raise ValueError('bad value')\nValueError: bad value"
    );
    assert_eq!(lanes(&t), ["Task-1:error@0-1000"]);
    // The failed task's lane carries its traceback too.
    assert!(
        t.events()
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Log { text } if text.ends_with("ValueError: bad value")))
    );
}

#[test]
fn a_loop_that_never_awaits_is_stopped_by_the_step_budget() {
    let limits = Limits {
        steps_without_await: 10_000,
        ..Limits::default()
    };
    let (_, f) = run_virtual(
        "import asyncio\nasync def main():\n    n = 0\n    while True:\n        n += 1\nasyncio.run(main())\n",
        0,
        limits,
        DEFAULT_VIRTUAL_BOUND,
        1 << 20,
    )
    .expect("parses");
    let stopped = f.stopped.expect("stopped");
    assert!(stopped.contains("10000 steps without awaiting"), "{stopped}");
    // The page says it in Chinese, with the same number.
    let zh = f.stopped_zh.expect("in Chinese too");
    assert!(zh.starts_with("已停止：程序连续执行了 10000 步而没有 await"), "{zh}");
}

#[test]
fn what_a_program_run_says_as_it_ends_is_said_in_both_languages() {
    let limits = Limits {
        steps_without_await: 1_000,
        ..Limits::default()
    };
    let rt = crate::VirtualRuntime::new();
    let looping = "import asyncio\nasync def main():\n    while True:\n        pass\nasyncio.run(main())\n";
    let started = super::start(rt.env(), looping, limits).expect("parses");
    let _ = rt.block_on(started.work);
    let notes = started.notes.borrow();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].en.contains("1000 steps without awaiting"), "{:?}", notes[0]);
    assert!(notes[0].zh.contains("连续执行了 1000 步"), "{:?}", notes[0]);
    // A traceback is Python's, in either language.
    let rt = crate::VirtualRuntime::new();
    let failing = "import asyncio\nasync def main():\n    raise ValueError('boom')\nasyncio.run(main())\n";
    let started = super::start(rt.env(), failing, Limits::default()).expect("parses");
    let _ = rt.block_on(started.work);
    let notes = started.notes.borrow();
    assert!(
        notes.iter().any(|n| n.en.contains("ValueError: boom") && n.zh == n.en),
        "{notes:?}"
    );
}

#[test]
fn deep_recursion_is_a_recursion_error_not_a_crash() {
    let (_, f) = run("import asyncio\n\
         def down(n):\n    return down(n + 1)\n\
         async def main():\n    try:\n        down(0)\n    except RecursionError as e:\n        print('caught', e)\n    await asyncio.sleep(0)\n\
         asyncio.run(main())\n");
    assert_eq!(
        printed(&f),
        ["0 Task-1 caught maximum recursion depth exceeded (the composer allows 100 nested calls)"]
    );
}

#[test]
fn a_wait_nobody_ends_is_reported_as_a_stall() {
    let (t, f) = run("import asyncio\n\
         async def main():\n    ev = asyncio.Event()\n    await ev.wait()\n\
         asyncio.run(main())\n");
    let stopped = f.stopped.expect("stopped");
    assert!(stopped.contains("every task is waiting"), "{stopped}");
    assert_eq!(pending_lines(&t, "Task-1"), [4]);
}

#[test]
fn a_virtual_run_stops_at_its_bound() {
    let (_, f) = run_virtual(
        "import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(60)\nasyncio.run(main())\n",
        0,
        Limits::default(),
        Duration::from_secs(3600),
        1 << 20,
    )
    .expect("parses");
    assert_eq!(
        f.stopped.as_deref(),
        Some("stopped: the run passed its bound of 1 h of virtual time")
    );
}

#[test]
fn cpython_warnings_are_reported() {
    let (_, f) = run("import asyncio\n\
         async def helper():\n    await asyncio.sleep(1)\n\
         async def boom():\n    raise KeyError('k')\n\
         async def main():\n    helper()\n    asyncio.create_task(boom())\n    await asyncio.sleep(1)\n\
         asyncio.run(main())\n");
    assert_eq!(
        f.warnings,
        [
            "RuntimeWarning: coroutine 'helper' was never awaited",
            "Task exception was never retrieved: task Task-2 raised KeyError: 'k'"
        ]
    );
}

#[test]
fn a_syntax_error_comes_back_before_anything_runs() {
    let err = run_virtual(
        "import asyncio\nasync def main(:\n    pass\n",
        0,
        Limits::default(),
        DEFAULT_VIRTUAL_BOUND,
        1000,
    )
    .expect_err("a syntax error");
    assert_eq!(err.pos.line, 2);
    assert!(
        err.render("import asyncio\nasync def main(:\n    pass\n", "x.py")
            .starts_with("x.py:2:")
    );
}

#[test]
fn time_sleep_blocks_the_loop_and_moves_the_clock() {
    let (_, f) = run("import asyncio, time\n\
         async def tick():\n    await asyncio.sleep(0.1)\n    print('tick', time.monotonic())\n\
         async def main():\n    t = asyncio.create_task(tick())\n    await asyncio.sleep(0)\n    time.sleep(0.5)\n    await t\n\
         asyncio.run(main())\n");
    assert_eq!(printed(&f), ["500 Task-2 tick 0.5"]);
}

#[test]
#[ignore = "a measurement: stack needed per nested call"]
fn measure_stack_per_call() {
    for mb in [64usize, 32, 16, 8, 4] {
        let ok = std::thread::Builder::new()
            .stack_size(mb << 20)
            .spawn(|| {
                let (_, f) = run("import asyncio\ndef down(n):\n    return down(n + 1)\nasync def main():\n    try:\n        down(0)\n    except RecursionError:\n        print('ok')\nasyncio.run(main())\n");
                f.printed.len()
            })
            .expect("thread")
            .join()
            .is_ok();
        eprintln!("{mb} MB: {ok}");
    }
}

#[cfg(feature = "texts")]
#[test]
fn every_example_and_every_demo_twin_is_a_program_that_parses() {
    for e in super::EXAMPLES {
        let (_, f) = run(e.source);
        assert!(f.error.is_none() && f.stopped.is_none(), "{}: {f:?}", e.title);
    }
    for entry in crate::catalog::ENTRIES {
        let about = crate::demos::about(entry.slug).expect("every demo has its words");
        let program = super::program_from_twin(about.asyncio);
        if let Err(e) = super::parse(&program) {
            panic!("{}: {}\n{program}", entry.slug, e.render(&program, "twin.py"));
        }
    }
}

#[test]
fn aiohttp_goes_through_the_network_seam_to_the_lab() {
    let (t, f) = run("import asyncio, aiohttp\n\
         async def get(session, ms):\n    async with session.get(f'/api/delay/{ms}') as resp:\n        data = await resp.json()\n        return resp.status, sorted(data)\n\
         async def main():\n    async with aiohttp.ClientSession() as session:\n        print(await asyncio.gather(get(session, 300), get(session, 100)))\n        try:\n            await session.get('/api/delay/5000', timeout=aiohttp.ClientTimeout(total=1))\n        except asyncio.TimeoutError:\n            print('timed out')\n        r = await session.get('/api/status/503')\n        try:\n            r.raise_for_status()\n        except aiohttp.ClientResponseError as e:\n            print('status', e.status)\n        try:\n            await session.get('https://example.com/')\n        except aiohttp.ClientError as e:\n            print('refused')\n\
         asyncio.run(main())\n");
    let lines = printed(&f);
    assert_eq!(lines.len(), 4, "{lines:?} {f:?}");
    assert!(lines[0].starts_with("300 Task-1 [(200, ["), "{lines:?}");
    assert_eq!(
        &lines[1..],
        ["1300 Task-1 timed out", "1300 Task-1 status 503", "1300 Task-1 refused"]
    );
    let sent = t
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RequestSent { .. }))
        .count();
    assert_eq!(sent, 4);
}

/// Where the page says a demo's asyncio twin agrees with it, the twin run
/// in the composer gives the demo's makespan and task outcomes.
#[cfg(feature = "texts")]
#[test]
fn twins_that_agree_give_the_demos_makespan_and_outcomes() {
    let outcomes = |tr: &Trace| {
        let mut o: Vec<&str> = task_rows(tr).iter().map(|r| r.outcome).collect();
        o.sort_unstable();
        o
    };
    for slug in crate::demos::TWIN_AGREES {
        let about = crate::demos::about(slug).expect("words");
        let (twin, f) = run(&super::program_from_twin(about.asyncio));
        assert!(f.error.is_none(), "{slug}: {f:?}");
        let rt = crate::VirtualRuntime::new();
        let started = crate::demos::start(slug, rt.env(), &[])
            .expect("valid")
            .expect("a demo");
        rt.block_on(started.work).expect("ends");
        let demo = started.runs[0].1.snapshot();
        assert_eq!(twin.makespan(), demo.makespan(), "{slug}: makespan");
        assert_eq!(outcomes(&twin), outcomes(&demo), "{slug}: outcomes");
    }
}

#[test]
fn every_difference_is_said_in_both_languages() {
    assert_eq!(super::DIFFERENCES.len(), super::DIFFERENCES_ZH.len());
}

#[test]
fn deep_nesting_and_cycles_end_without_overflowing_the_stack() {
    let (_, f) = run("import asyncio\n\
         async def main():\n    a = []\n    t = ()\n    d = {}\n    for i in range(300000):\n        a = [a]\n        t = (t,)\n        d = {'k': d}\n        if i % 1000 == 0:\n            await asyncio.sleep(0)\n    b = []\n    b.append(b)\n    c = []\n    c.append(c)\n    e = None\n    for i in range(200000):\n        try:\n            raise ValueError(i) from e\n        except ValueError as x:\n            e = x\n    print(len(a), b == c, len(str(a)) < 200)\n\
         asyncio.run(main())\n");
    assert!(f.error.is_none() && f.stopped.is_none(), "{f:?}");
    assert_eq!(f.printed.len(), 1, "{f:?}");
}

#[test]
fn generators_resuming_generators_stop_at_the_call_limit() {
    // Found by the fuzz test: each generator, after its loop, iterates a
    // new one of itself; the nesting is in the consumer's poll.
    let (_, f) = run("import asyncio\n\
         async def ticks(n):\n    for i in range(n):\n        yield i\n    inner = [x async for x in ticks(3)]\n\
         async def main():\n    async for t in ticks(2):\n        pass\n\
         asyncio.run(main())\n");
    let tb = f.error.expect("a traceback");
    assert!(
        tb.ends_with("RecursionError: maximum recursion depth exceeded (the composer allows 100 nested calls)"),
        "{tb}"
    );
}

#[test]
fn the_composers_run_has_a_chinese_title() {
    let started = super::start(crate::VirtualRuntime::new().env(), "pass\n", Limits::default()).expect("parses");
    for (label, _) in &started.runs {
        assert!(
            crate::demos::run_label_zh(label).is_some(),
            "{label} has no Chinese title"
        );
    }
}

#[test]
fn a_recursion_error_leaves_nested_try_finally_once_per_level() {
    // Each level awaits itself inside a loop with except, else and
    // finally: the RecursionError at the limit must climb out through
    // every `finally` once, not restart the loops below it.
    let (_, f) = run("import asyncio\n\
         async def main():\n    for x in range(4):\n        try:\n            v = await main()\n        except ValueError as e:\n            print('except', e)\n        except (KeyError, IndexError):\n            print('not this one')\n        else:\n            print('else', v)\n        finally:\n            print('finally', x)\n\
         asyncio.run(main())\n");
    let tb = f.error.clone().expect("a traceback");
    let levels = tb.matches("v = await main()").count();
    // A debug build's frames are several times a release build's: the
    // stack runs out before the count of calls does.
    let last = tb.lines().last().unwrap_or_default();
    assert!(
        last == "RecursionError: maximum recursion depth exceeded (the composer allows 100 nested calls)"
            || last
                == format!(
                    "RecursionError: maximum recursion depth exceeded ({levels} nested calls use all the 5 MB of stack the composer allows)"
                ),
        "{tb}"
    );
    assert!((10..=100).contains(&levels), "{levels} levels");
    assert!(f.printed.iter().all(|p| p.text == "finally 0"), "{:?}", printed(&f));
    assert_eq!(f.printed.len(), levels, "one `finally` per level");
}
