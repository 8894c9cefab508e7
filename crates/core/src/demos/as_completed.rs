//! Demo 5, `as-completed`: results handled in the order the jobs finish,
//! through `FuturesUnordered`.

use std::future::Future;
use std::time::Duration;

use crate::awaits::StreamExt;
use futures::stream::FuturesUnordered;

use crate::demos::fetch::{NETWORK, Network};
use crate::demos::work::{Work, job};
use crate::demos::{About, WORK, single_run};
use crate::env::Env;
use crate::params::{declare_params, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("as_completed.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "as-completed";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "按完成顺序处理",
    explain_en: "A `FuturesUnordered` polls only the jobs that were woken and yields each output as soon as it is ready, so results are handled in the order they finish: B, then C, then A.",
    explain_zh: "`FuturesUnordered` 只轮询被唤醒的任务，每个结果一就绪就交出，因此按完成的顺序处理：先 B，再 C，最后 A。",
    asyncio: r#"async def main():
    jobs = [job("A", 3), job("B", 1), job("C", 2)]
    for next_done in asyncio.as_completed(jobs):
        name = await next_done
        print("handled", name)

async def job(name, seconds):
    await asyncio.sleep(seconds)
    return name
"#,
    differs: "`asyncio.as_completed` wraps each job in a task of its own; `FuturesUnordered` is a plain stream that owns the futures, so dropping it part way cancels those not yet done.",
    twins: &[("pending.next().await", "await next_done")],
};

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How long A takes.
        pub a: Duration = ms("a_ms", "A takes (ms)", 0..=60_000, "3000"),
        /// How long B takes.
        pub b: Duration = ms("b_ms", "B takes (ms)", 0..=60_000, "1000"),
        /// How long C takes.
        pub c: Duration = ms("c_ms", "C takes (ms)", 0..=60_000, "2000"),
        /// Timers or requests.
        pub work: Work = WORK,
        /// Where requests go.
        pub network: Network = NETWORK.when("work", &["request"]),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "In order",
        name_zh: "按顺序",
        why_en: "A 1000, B 2000, C 3000: handled as they finish, A first",
        why_zh: "A 1000、B 2000、C 3000：按完成顺序处理，A 在先",
        pairs: &[("a_ms", "1000"), ("b_ms", "2000"), ("c_ms", "3000")],
    },
    crate::params::Preset {
        name_en: "Requests",
        name_zh: "请求",
        why_en: "the same order with requests to the lab",
        why_zh: "向实验服务器发请求时顺序相同",
        pairs: &[("work", "request")],
    },
];

impl Params {
    /// `(name, duration)` per job.
    pub fn jobs(&self) -> Vec<(&'static str, Duration)> {
        vec![("A", self.a), ("B", self.b), ("C", self.c)]
    }
}

// --- the code the page shows -------------------------------------------

/// Handles each result as soon as its job is done.
pub async fn as_completed<E: Env>(env: E, work: Work, jobs: &[(&str, Duration)]) {
    let mut pending: FuturesUnordered<_> = jobs
        .iter()
        .map(|&(name, duration)| env.try_task(name.to_string(), job(&env, work, name, duration, false)))
        .collect();
    while let Some(result) = pending.next().await {
        match result {
            Ok(name) => env.log(format!("handled {name}")),
            Err(e) => env.log(format!("handled an error: {e}")),
        }
    }
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let (work, jobs) = (params.work, params.jobs());
    single_run(env, "as completed", move |t| async move {
        t.task("main".to_string(), as_completed(t.clone(), work, &jobs)).await;
    })
}
