//! Demo 11, `semaphore`: many tasks, at most N at once, through a
//! semaphore whose permits are returned when dropped; a bounded semaphore
//! refuses a release above its limit.

use std::future::Future;
use std::time::Duration;

use crate::awaits::join_all;
use futures::stream::{self, StreamExt};
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::combinators::{Semaphore, limit};
use crate::demos::fetch::{NETWORK, Network};
use crate::demos::work::{Work, job};
use crate::demos::{About, WORK, single_run};
use crate::env::Env;
use crate::params::{choice, declare_params, flag, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("semaphore.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "semaphore";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "信号量限流",
    explain_en: "Every task is started at once and asks the semaphore for a permit; only `limit` get one, the rest wait in the permit state. \
                 A permit is a value: dropping it, however the task ends, hands it to the next waiter. At the end one release too many is attempted: a bounded semaphore refuses it. \
                 The stream form, `buffer_unordered(limit)`, does not even build a task until a slot is free: its lanes start late instead of waiting.",
    explain_zh: "所有任务同时启动并向信号量申请许可；只有 `limit` 个能拿到，其余处于等待许可状态。\
                 许可是一个值：无论任务如何结束，丢弃它就把它交给下一个等待者。最后尝试多释放一次：有界信号量会拒绝。\
                 流的形式 `buffer_unordered(limit)` 在有空位之前根本不会构造任务：它的泳道晚开始，而不是等待。",
    asyncio: r#"async def task(sem, i):
    async with sem:                 # waits for a permit
        await asyncio.sleep(1)

async def main():
    sem = asyncio.BoundedSemaphore(3)
    await asyncio.gather(*(task(sem, i) for i in range(10)))
    try:
        sem.release()
    except ValueError as e:
        print("refused:", e)
"#,
    differs: "In asyncio the permit goes back when the `async with` block exits; in Rust it goes back when the permit value is dropped, which also happens when the task is cancelled, with no `finally` needed.",
    twins: &[
        ("semaphore.acquire().await", "async with sem:"),
        ("p.duration, false).await", "await asyncio.sleep(1)"),
        ("join_all(tasks).await", "await asyncio.gather("),
    ],
};

/// What limits the tasks: the `form` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Limiter {
    /// A semaphore's permits.
    Semaphore,
    /// A stream's `buffer_unordered`.
    BufferUnordered,
    /// Nothing: every task runs at once.
    None,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// What limits the tasks.
        pub form: Limiter = choice("form", "Limit with", "semaphore"),
        /// How many tasks.
        pub tasks: u32 = int("tasks", "Tasks", 1..=10_000, "10"),
        /// How many at once.
        pub limit: u32 = int("limit", "At most at once", 1..=1000, "3").when("form", &["semaphore", "buffer_unordered"]),
        /// How long each takes.
        pub duration: Duration = ms("duration_ms", "Each task takes (ms)", 0..=60_000, "1000"),
        /// A bounded semaphore.
        pub bounded: bool = flag("bounded", "Bounded semaphore", "false").when("form", &["semaphore"]),
        /// Timers or requests.
        pub work: Work = WORK,
        /// Where requests go.
        pub network: Network = NETWORK.when("work", &["request"]),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Bounded",
        name_zh: "有界",
        why_en: "bounded: the refused release happens",
        why_zh: "有界：多余的释放被拒绝",
        pairs: &[("bounded", "true")],
    },
    crate::params::Preset {
        name_en: "buffer_unordered",
        name_zh: "buffer_unordered",
        why_en: "the stream form: lanes start late instead of waiting",
        why_zh: "流的形式：泳道晚开始，而不是等待",
        pairs: &[("form", "buffer_unordered")],
    },
    crate::params::Preset {
        name_en: "No limit",
        name_zh: "不限制",
        why_en: "1,000 tasks and no limit: all of them run at once (the Warnings panel flags it)",
        why_zh: "一千个任务且不加限制：全部同时运行（警告面板会指出）",
        pairs: &[("form", "none"), ("tasks", "1000")],
    },
    crate::params::Preset {
        name_en: "10,000 tasks",
        name_zh: "一万个任务",
        why_en: "10,000 tasks, 100 at once: each permit goes to the next waiter, in order",
        why_zh: "一万个任务，每次 100 个：每个许可按顺序交给下一个等待者",
        pairs: &[("tasks", "10000"), ("limit", "100")],
    },
];

// --- the code the page shows -------------------------------------------

/// Starts every task at once; each works only while it holds a permit.
pub async fn limited<E: Env>(env: E, p: Params) {
    let semaphore = if p.bounded {
        Semaphore::bounded(&env, "semaphore", p.limit)
    } else {
        Semaphore::new(&env, "semaphore", p.limit)
    };
    let tasks = (0..p.tasks).map(|i| {
        let (env, semaphore, name) = (env.clone(), semaphore.clone(), format!("task{i}"));
        env.clone().task(name.clone(), async move {
            let _permit = semaphore.acquire().await;
            let _ = job(&env, p.work, &name, p.duration, false).await;
        }) // the permit is dropped here, and goes to the next waiter
    });
    join_all(tasks).await;

    let e = env.clone();
    env.task("release".to_string(), async move {
        match semaphore.release(1) {
            Ok(()) => e.log(format!(
                "an extra release was accepted: {} permits now",
                semaphore.available()
            )),
            Err(refused) => e.log(format!("an extra release was refused: {refused}")),
        }
    })
    .await;
}

/// No limit at all: every task starts at once.
pub async fn unlimited<E: Env>(env: E, p: Params) {
    let tasks = (0..p.tasks).map(|i| {
        let (env, name) = (env.clone(), format!("task{i}"));
        env.clone().task(name.clone(), async move {
            let _ = job(&env, p.work, &name, p.duration, false).await;
        })
    });
    join_all(tasks).await;
}

/// The stream form: at most `limit` tasks exist at once; the next is
/// built when one finishes.
pub async fn buffered<E: Env>(env: E, p: Params) {
    let tasks = stream::iter(0..p.tasks).map(|i| {
        let (env, name) = (env.clone(), format!("task{i}"));
        env.clone().task(name.clone(), async move {
            let _ = job(&env, p.work, &name, p.duration, false).await;
        })
    });
    limit(&env, "buffer_unordered", p.limit, tasks)
        .collect::<Vec<()>>()
        .await;
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "semaphore", move |t| async move {
        match p.form {
            Limiter::BufferUnordered => buffered(t, p).await,
            Limiter::Semaphore => limited(t, p).await,
            Limiter::None => unlimited(t, p).await,
        }
    })
}
