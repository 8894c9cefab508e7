//! Demo 7, `cancellation`: cancelling is dropping. A worker that ticks,
//! with a child request, is dropped part way: a guard's `Drop` runs its
//! cleanup, the child is dropped with its parent, and the request is
//! aborted.

use std::future::Future;
use std::time::Duration;

use crate::awaits::{StreamExt, abortable, join};
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::combinators::{MissedTicks, interval};
use crate::demos::fetch::{NETWORK, Network};
use crate::demos::{About, single_run};
use crate::env::Env;
use crate::net::Request;
use crate::params::{choice, declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("cancellation.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "cancellation";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "取消与清理",
    explain_en: "There is no cancel method: dropping a future is cancelling it. The worker is dropped at the cancel time, between two ticks. \
                 Its guard's `Drop` records the cleanup; its child, a long request, is dropped with it, and the request is aborted (in the browser, through an AbortController).",
    explain_zh: "Rust 没有 cancel 方法：丢弃一个 future 就是取消它。worker 在取消时刻、两次 tick 之间被丢弃。\
                 它的守卫（guard）在 `Drop` 中记录清理；它的子任务（一个很长的请求）随之被丢弃，请求被中止（在浏览器中通过 AbortController）。",
    asyncio: r#"async def worker():
    child = asyncio.create_task(fetch_slowly())
    try:
        for tick in range(10):
            print("tick", tick)
            await asyncio.sleep(1)
    finally:
        child.cancel()          # children are not cancelled for you
        print("cleanup")

async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(3)
    task.cancel()
"#,
    differs: "asyncio delivers `CancelledError` at an await point and runs `finally` blocks, which may await; Rust just drops the future, so cleanup is synchronous `Drop` code, and children owned by the future go with it.",
    twins: &[
        ("schedule.next().await", "await asyncio.sleep(1)"),
        ("sleep(p.cancel_at).await", "await asyncio.sleep(3)"),
    ],
};

/// How the worker is cancelled: the `how` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum How {
    /// By dropping its handle.
    Drop,
    /// Through an `AbortHandle`.
    Abort,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How the worker is cancelled.
        pub how: How = choice("how", "Cancel by", "drop"),
        /// How many ticks the worker would make.
        pub ticks: u32 = int("ticks", "Ticks", 1..=100, "10"),
        /// The tick period.
        pub tick: Duration = ms("tick_ms", "Tick every (ms)", 1..=60_000, "1000"),
        /// When the worker is cancelled.
        pub cancel_at: Duration = ms("cancel_at_ms", "Cancel at (ms)", 0..=600_000, "3000"),
        /// Where the child's request goes.
        pub network: Network = NETWORK,
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "AbortHandle",
        name_zh: "AbortHandle",
        why_en: "cancel through an abort handle instead of a drop",
        why_zh: "通过中止句柄取消，而不是丢弃",
        pairs: &[("how", "abort")],
    },
    crate::params::Preset {
        name_en: "Cancel early",
        name_zh: "提前取消",
        why_en: "cancelled at 500, after tick 0 alone: the cleanup still runs",
        why_zh: "在 500 取消，只完成了第 0 次滴答：清理照样运行",
        pairs: &[("cancel_at_ms", "500")],
    },
];

// --- the code the page shows -------------------------------------------

/// Records its cleanup when dropped, however the owner ends.
pub struct Cleanup<E: Env>(pub E);

impl<E: Env> Drop for Cleanup<E> {
    fn drop(&mut self) {
        self.0.log("cleanup ran");
    }
}

/// Ticks on a fixed schedule while a child request runs.
pub async fn worker<E: Env>(env: E, ticks: u32, period: Duration) {
    let _cleanup = Cleanup(env.clone());
    let e = env.clone();
    let _child = env.spawn("child", async move {
        let _ = e.fetch(Request::get("/api/delay/30000")).await;
    });
    let mut schedule = interval(&env, period, MissedTicks::Skip).take(ticks as usize);
    while let Some(tick) = schedule.next().await {
        env.log(format!("tick {}", tick.index));
    }
}

/// Starts the worker, then cancels it by dropping its handle.
pub async fn cancel_later<E: Env>(env: E, p: Params) {
    let worker = env.spawn("worker", worker(env.clone(), p.ticks, p.tick));
    env.sleep(p.cancel_at).await;
    drop(worker); // cancel: the worker, its guard and its child all go
    env.log("cancelled the worker");
}

/// The same through an `AbortHandle`: whoever holds the handle can stop
/// the work, which then ends at its next poll and is dropped.
pub async fn abort_later<E: Env>(env: E, p: Params) {
    let (work, handle) = abortable(env.task("worker".to_string(), worker(env.clone(), p.ticks, p.tick)));
    let e = env.clone();
    let canceller = async move {
        e.sleep(p.cancel_at).await;
        handle.abort();
        e.log("aborted the worker");
    };
    // The canceller is polled first: at the cancel instant it aborts before
    // the worker could take another step.
    let ((), outcome) = join(canceller, work).await;
    if outcome.is_err() {
        env.log("the worker was aborted");
    }
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "cancellation", move |t| async move {
        match p.how {
            How::Abort => t.task("main".to_string(), abort_later(t.clone(), p)).await,
            How::Drop => t.task("main".to_string(), cancel_later(t.clone(), p)).await,
        }
    })
}

impl<E: Env> std::fmt::Debug for Cleanup<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleanup").finish_non_exhaustive()
    }
}
