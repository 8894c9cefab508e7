//! Demo 2, `lazy-and-spawn`: a future does nothing until it is polled;
//! spawning starts it at once; a detached task runs on after its caller.

use std::future::Future;
use std::time::Duration;

use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{declare_params, flag, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("lazy_and_spawn.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "lazy-and-spawn";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "Future 是惰性的；派生任务",
    explain_en: "Calling an async function only builds a future: the lane `lazy` is created and never polled, so its timer never starts. \
                 Spawning hands a future to the executor, which starts it at once: `task0`… begin at 0 whether or not anyone awaits them yet. \
                 A detached task keeps running after its caller returns.",
    explain_zh: "调用 async 函数只会构造一个 future：`lazy` 这条泳道被创建，却从未被轮询，它的定时器也从未开始。\
                 派生（spawn）把 future 交给执行器，立即开始运行：`task0`… 在 0 时刻就开始，不论是否有人等待它们。\
                 分离（detach）的任务在调用者返回之后仍继续运行。",
    asyncio: r#"async def job(seconds):
    await asyncio.sleep(seconds)

async def main():
    lazy = job(1)                      # a coroutine object: nothing runs
    tasks = [asyncio.create_task(job(1)) for _ in range(3)]  # start now
    background = asyncio.create_task(job(2))  # fire and forget
    await asyncio.gather(*tasks)
    lazy.close()                       # never awaited: no warning this way
"#,
    differs: "An asyncio coroutine that is never awaited triggers a RuntimeWarning, and `create_task` needs a running loop; a Rust future that is never polled is simply dropped, and a spawned task is cancelled when its JoinHandle is dropped unless it is detached.",
    twins: &[
        ("env.sleep(duration).await", "await asyncio.sleep(seconds)"),
        ("handle.await", "await asyncio.gather(*tasks)"),
    ],
};

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How many tasks to spawn.
        pub tasks: u32 = int("tasks", "Spawned tasks", 1..=20, "3"),
        /// How long each waits.
        pub duration: Duration = ms("duration_ms", "Duration of each task (ms)", 1..=60_000, "1000"),
        /// Whether the detached task fails at its end.
        pub detached_fails: bool = flag("detached_fails", "The detached task fails", "false"),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Ten spawned",
        name_zh: "生成十个",
        why_en: "ten spawned tasks all start at 0 and end together",
        why_zh: "十个生成的任务都在 0 开始，一起结束",
        pairs: &[("tasks", "10")],
    },
    crate::params::Preset {
        name_en: "A failure nobody sees",
        name_zh: "没人看见的失败",
        why_en: "the detached task fails at its end, and nobody holds its handle to see the error (the Warnings panel flags it)",
        why_zh: "被分离的任务在结束时失败了，却没有谁拿着它的句柄去看这个错误（警告面板会指出）",
        pairs: &[("detached_fails", "true")],
    },
    crate::params::Preset {
        name_en: "Long tasks",
        name_zh: "长任务",
        why_en: "however long the others run, the unawaited future is never polled",
        why_zh: "不管其他任务运行多久，未被 await 的 future 从不被轮询",
        pairs: &[("duration_ms", "5000")],
    },
];

// --- the code the page shows -------------------------------------------

/// A job: wait for `duration`.
pub async fn job<E: Env>(env: E, duration: Duration) {
    env.sleep(duration).await;
}

/// Builds one future and never polls it, spawns `tasks` others, and
/// detaches one that takes twice as long (and fails at its end if `fails`).
pub async fn caller<E: Env>(env: E, tasks: u32, duration: Duration, fails: bool) {
    // Built, never awaited: nothing in it runs, not even its timer.
    let lazy = env.task("lazy".to_string(), job(env.clone(), duration));

    // Spawned: each starts now, before anyone awaits its handle.
    let handles: Vec<_> = (0..tasks)
        .map(|i| env.spawn(format!("task{i}"), job(env.clone(), duration)))
        .collect();

    // Detached: nobody waits for it; it outlives this function, and if it
    // fails, nobody sees the error.
    let e = env.clone();
    let detached = async move {
        job(e, duration * 2).await;
        if fails { Err("the detached job failed") } else { Ok(()) }
    };
    env.try_spawn("detached", detached).detach();

    for handle in handles {
        let _ = handle.await;
    }
    env.log("caller returns; detached runs on");
    drop(lazy); // dropped without ever being polled
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it; the run ends when its last task (the detached one) does.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "spawn", move |t| async move {
        t.task(
            "caller".to_string(),
            caller(t.clone(), p.tasks, p.duration, p.detached_fails),
        )
        .await;
    })
}
