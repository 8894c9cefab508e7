//! Demo 11, `semaphore`: many tasks, at most N at once, through a
//! semaphore whose permits are returned when dropped; a bounded semaphore
//! refuses a release above its limit.

use std::future::Future;
use std::time::Duration;

use futures::future::join_all;
use futures::stream::{self, StreamExt};

use crate::combinators::{Semaphore, limit};
use crate::demos::fetch::NETWORK;
use crate::demos::work::{Work, job};
use crate::demos::{About, WORK, flag_param, ms_param, single_run};
use crate::env::Env;
use crate::params::{ParamError, ParamKind, ParamSpec, Parsed};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("semaphore.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "semaphore";

/// The parameters, in form order.
pub const SPECS: [ParamSpec; 7] = [
    ParamSpec {
        name: "form",
        label: "Limit with",
        kind: ParamKind::Choice(&["semaphore", "buffer_unordered"]),
        default: "semaphore",
    },
    ParamSpec {
        name: "tasks",
        label: "Tasks",
        kind: ParamKind::Int { min: 1, max: 10_000 },
        default: "10",
    },
    ParamSpec {
        name: "limit",
        label: "At most at once",
        kind: ParamKind::Int { min: 1, max: 1000 },
        default: "3",
    },
    ms_param("duration_ms", "Each task takes (ms)", 0, 60_000, "1000"),
    flag_param("bounded", "Bounded semaphore", "false"),
    WORK,
    NETWORK,
];

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
};

/// Validated parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// `buffer_unordered` (true) or a semaphore.
    pub stream_form: bool,
    /// How many tasks.
    pub tasks: u32,
    /// How many at once.
    pub limit: u32,
    /// How long each takes.
    pub duration: Duration,
    /// A bounded semaphore.
    pub bounded: bool,
    /// Timers or requests.
    pub work: Work,
}

impl Params {
    /// Validates `name=value` pairs; missing names take their defaults.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, Vec<ParamError>> {
        let p = Parsed::new(&SPECS, pairs)?;
        Ok(Params {
            stream_form: p.choice("form") == "buffer_unordered",
            tasks: p.int("tasks") as u32,
            limit: p.int("limit") as u32,
            duration: p.ms("duration_ms"),
            bounded: p.flag("bounded"),
            work: Work::from_parsed(&p),
        })
    }
}

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
        if p.stream_form {
            buffered(t, p).await;
        } else {
            limited(t, p).await;
        }
    })
}
