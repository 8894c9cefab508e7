//! Demo 1, `sequential-vs-concurrent`: the same jobs awaited one after
//! another, then all at once with `join_all`.
//!
//! A job here is a wait (a timer), the way a request or a file read is a
//! wait: awaited one by one, the waits add up; joined, they overlap and the
//! whole takes as long as the longest.

use std::future::Future;
use std::time::Duration;

use crate::awaits::join_all;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::demos::About;
use crate::env::Env;
use crate::params::{choice, declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("sequential_vs_concurrent.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "sequential-vs-concurrent";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "顺序与并发",
    explain_en: "Each job is a wait, the way a request or a file read is. Awaited one after another, the waits add up: the makespan is the sum. \
                 Built first and joined, they overlap on one thread, and the whole takes as long as the longest. Both runs share one clock here.",
    explain_zh: "每个作业都是一次等待，就像一次请求或一次读文件。逐个 await 时，等待时间相加：总耗时是总和。\
                 先全部构造再一起 join，它们在同一个线程上重叠，总耗时等于最长的那个。这里两次运行共用一个时钟。",
    asyncio: r#"async def job(seconds):
    await asyncio.sleep(seconds)

async def sequential():
    for _ in range(2):
        await job(3)                  # 6 s in all

async def concurrent():
    await asyncio.gather(job(3), job(3))  # 3 s in all

async def main():
    await sequential()
    await concurrent()
"#,
    differs: "`asyncio.gather` wraps each coroutine in a task that starts at once; `join_all` keeps the futures inside itself and polls them itself, so nothing runs until the join is awaited.",
    twins: &[
        ("env.sleep(duration).await", "await asyncio.sleep(seconds)"),
        ("job(env.clone(), duration)).await", "await job(3)"),
        ("join_all(all).await", "await asyncio.gather(job(3)"),
    ],
};

/// One of the two ways to run the jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// `a.await; b.await; ...`
    Sequential,
    /// `join_all([a, b, ...]).await`
    Concurrent,
}

impl Run {
    /// `sequential` or `concurrent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Run::Sequential => "sequential",
            Run::Concurrent => "concurrent",
        }
    }
}

impl From<Run> for &'static str {
    fn from(run: Run) -> Self {
        run.as_str()
    }
}

/// Which runs to make: the `mode` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    /// Both, side by side on one clock.
    Both,
    /// Only the sequential run.
    Sequential,
    /// Only the concurrent run.
    Concurrent,
}

impl Mode {
    /// The runs this mode makes, in display order.
    pub fn runs(self) -> &'static [Run] {
        match self {
            Mode::Sequential => &[Run::Sequential],
            Mode::Concurrent => &[Run::Concurrent],
            Mode::Both => &[Run::Sequential, Run::Concurrent],
        }
    }
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// Which runs to make.
        pub mode: Mode = choice("mode", "Mode", "both"),
        /// How many jobs.
        pub jobs: u32 = int("jobs", "Jobs", 1..=50, "2"),
        /// How long each job waits.
        pub duration: Duration = ms("duration_ms", "Duration of each job (ms)", 1..=60_000, "3000"),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Ten URLs",
        name_zh: "十个网址",
        why_en: "10 jobs of 1 s: 10 s one after another, 1 s at once",
        why_zh: "10 个 1 秒的任务：依次 10 秒，同时 1 秒",
        pairs: &[("jobs", "10"), ("duration_ms", "1000")],
    },
    crate::params::Preset {
        name_en: "One job",
        name_zh: "一个任务",
        why_en: "with one job, concurrency gains nothing",
        why_zh: "只有一个任务时，并发没有收益",
        pairs: &[("jobs", "1")],
    },
];

// --- the code the page shows -------------------------------------------

/// One job: it waits for `duration`, as a request or a file read would.
pub async fn job<E: Env>(env: E, duration: Duration) {
    env.sleep(duration).await;
}

/// Awaits each job before building the next: the waits add up.
pub async fn sequential<E: Env>(env: E, jobs: u32, duration: Duration) {
    for i in 0..jobs {
        env.task(format!("job{i}"), job(env.clone(), duration)).await;
    }
}

/// Builds every job, then awaits them together: the waits overlap.
pub async fn concurrent<E: Env>(env: E, jobs: u32, duration: Duration) {
    let all = (0..jobs).map(|i| env.task(format!("job{i}"), job(env.clone(), duration)));
    join_all(all).await;
}

// -------------------------------------------------------------------------

/// Prepares the runs that `params` asks for, each recorded in its own trace
/// over `env`'s clock, and returns them with the future that performs them
/// all at once. Nothing happens until that future is polled; dropping it
/// cancels every job.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(Run, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let runs: Vec<(Run, Traced<E>)> = params
        .mode
        .runs()
        .iter()
        .map(|r| (*r, Traced::new(env.clone())))
        .collect();
    let (jobs, duration) = (params.jobs, params.duration);
    // FuturesUnordered, not join_all: it polls only the run whose waker
    // fired, so one run's wake-ups never show as polls in the other's lanes.
    let futures: FuturesUnordered<_> = runs
        .iter()
        .map(|(run, traced)| {
            let (run, traced) = (*run, traced.clone());
            async move {
                match run {
                    Run::Sequential => sequential(traced, jobs, duration).await,
                    Run::Concurrent => concurrent(traced, jobs, duration).await,
                }
            }
        })
        .collect();
    (runs, async move {
        futures.collect::<Vec<()>>().await;
    })
}
