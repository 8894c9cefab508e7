//! Demo 6, `timeout`: an operation raced against a deadline. When the
//! deadline passes first, the operation is dropped there and then and is
//! never polled again.

use std::future::Future;
use std::time::Duration;

use crate::combinators::timeout;
use crate::demos::fetch::{NETWORK, Network};
use crate::demos::work::{Work, job};
use crate::demos::{About, WORK, single_run};
use crate::env::Env;
use crate::params::{choice, declare_params, ms};
use crate::traced::Traced;
use strum::{EnumString, IntoStaticStr, VariantNames};

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("timeout.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "timeout";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "超时",
    explain_en: "`timeout` polls the operation and a timer side by side. If the timer fires first, it drops the operation: its timers are cleared, its requests aborted, and it is never polled again. \
                 The trace marks it as ended by the timeout.",
    explain_zh: "`timeout` 同时轮询操作和一个定时器。若定时器先触发，就丢弃该操作：它的定时器被清除、请求被中止，并且再也不会被轮询。\
                 轨迹中把它标记为因超时而结束。",
    asyncio: r#"async def operation():
    for step in range(10):
        await asyncio.sleep(1)
        print(f"{step + 1} s done")

async def main():
    try:
        await asyncio.wait_for(operation(), timeout=3)
    except TimeoutError:
        print("timed out")  # operation() got CancelledError
"#,
    differs: "`wait_for` cancels by throwing `CancelledError` into the operation, which may catch it and keep going; a Rust future that is dropped cannot refuse, and its only last word is its `Drop`.",
    twins: &[
        ("env.sleep(next).await", "await asyncio.sleep(1)"),
        ("timeout(&env, p.limit, op).await", "await asyncio.wait_for("),
    ],
};

/// What happens to the work when time runs out: the `on_timeout`
/// parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum OnTimeout {
    /// Dropped: it stops there.
    Drop,
    /// Spawned and let go: it runs on with nobody waiting (asyncio's
    /// `shield`).
    Detach,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How long the operation takes.
        pub operation: Duration = ms("operation_ms", "The operation takes (ms)", 1..=600_000, "10000"),
        /// The time limit.
        pub limit: Duration = ms("timeout_ms", "Time limit (ms)", 1..=600_000, "3000"),
        /// How often the operation reports progress (timer work only).
        pub step: Duration = ms("step_ms", "It reports progress every (ms)", 1..=600_000, "1000"),
        /// What happens to the work when time runs out.
        pub on_timeout: OnTimeout = choice("on_timeout", "When time runs out, the work is", "drop").when("work", &["timer"]),
        /// Timers or one request.
        pub work: Work = WORK,
        /// Where the request goes.
        pub network: Network = NETWORK.when("work", &["request"]),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "In time",
        name_zh: "及时完成",
        why_en: "a 2000 ms operation beats the 3000 ms limit",
        why_zh: "2000 毫秒的操作赶在 3000 毫秒的限制之前完成",
        pairs: &[("operation_ms", "2000")],
    },
    crate::params::Preset {
        name_en: "Detached: it runs on",
        name_zh: "分离：继续运行",
        why_en: "the work is spawned and let go at the timeout, as asyncio.shield does: it runs to 10 s with nobody waiting (the Warnings panel flags it)",
        why_zh: "工作被派生，超时时放手不管，就像 asyncio.shield：它一直运行到 10 秒，却没人在等（警告面板会指出）",
        pairs: &[("on_timeout", "detach")],
    },
    crate::params::Preset {
        name_en: "A request",
        name_zh: "一个请求",
        why_en: "a timed-out request is aborted, not left running",
        why_zh: "超时的请求被中止，而不是继续运行",
        pairs: &[("work", "request")],
    },
];

// --- the code the page shows -------------------------------------------

/// Work that takes `total`, reporting after each `step`.
pub async fn operation<E: Env>(env: E, total: Duration, step: Duration) {
    let mut done = Duration::ZERO;
    while done < total {
        let next = step.min(total - done);
        env.sleep(next).await;
        done += next;
        env.log(format!("{} ms done", done.as_millis()));
    }
}

/// Gives the operation `limit` to finish.
pub async fn with_deadline<E: Env>(env: E, p: Params) {
    let result = match p.work {
        Work::Timer if p.on_timeout == OnTimeout::Detach => {
            let mut op = env.spawn("operation", operation(env.clone(), p.operation, p.step));
            match timeout(&env, p.limit, &mut op).await {
                Ok(_) => Ok(()),
                Err(e) => {
                    op.detach(); // let go, not cancelled: it runs on
                    Err(e.to_string())
                }
            }
        }
        Work::Timer => {
            let op = env.task("operation".to_string(), operation(env.clone(), p.operation, p.step));
            timeout(&env, p.limit, op).await.map_err(|e| e.to_string())
        }
        Work::Request => {
            let op = env.try_task(
                "operation".to_string(),
                job(&env, p.work, "operation", p.operation, false),
            );
            match timeout(&env, p.limit, op).await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    match result {
        Ok(()) => env.log("finished in time"),
        Err(e) => env.log(format!("Err: {e}")),
    }
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "timeout", move |t| async move {
        t.task("main".to_string(), with_deadline(t.clone(), p)).await;
    })
}
