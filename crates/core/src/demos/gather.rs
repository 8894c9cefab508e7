//! Demo 3, `gather`: three jobs joined three ways. `join_all` runs them
//! all and keeps their results in input order; over `Result`s it keeps the
//! errors too; `try_join_all` stops at the first error and drops the rest.

use std::future::Future;
use std::time::Duration;

use crate::awaits::{join_all, try_join_all};
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::demos::fetch::{NETWORK, Network};
use crate::demos::work::{JobError, WhichFails, Work, abc, job};
use crate::demos::{About, WORK, single_run};
use crate::env::Env;
use crate::params::{choice, declare_params, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("gather.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "gather";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "聚合（gather）",
    explain_en: "`join_all` polls every job until all are done and returns their outputs in the order given, not the order they finished. \
                 Joined as `Result`s, a failure is just one of the outputs. `try_join_all` returns at the first error and drops the other jobs there and then: they end as cancelled.",
    explain_zh: "`join_all` 轮询所有任务直到全部完成，结果按传入的顺序返回，而不是完成的顺序。\
                 以 `Result` 汇集时，失败只是结果之一。`try_join_all` 在第一个错误处立即返回，并当场丢弃其余任务：它们以“已取消”结束。",
    asyncio: r#"async def job(name, seconds, fails=False):
    await asyncio.sleep(seconds)
    if fails:
        raise RuntimeError(f"{name} failed")
    return name

async def main():
    jobs = [job("A", 2), job("B", 1, fails=True), job("C", 3)]
    # like join_all over Results: errors are kept in place
    print(await asyncio.gather(*jobs, return_exceptions=True))
    # like try_join_all: the first error cancels the rest
    async with asyncio.TaskGroup() as tg:
        for j in [job("A", 2), job("B", 1, fails=True), job("C", 3)]:
            tg.create_task(j)
"#,
    differs: "`asyncio.gather` without `return_exceptions` raises the first error but leaves the other tasks running; `try_join_all` drops them, which is what `TaskGroup` does by cancelling.",
    twins: &[
        ("job(&env, work", "await asyncio.sleep(seconds)"),
        ("job.await", "asyncio.sleep(seconds)"),
        ("join_all(all).await", "await asyncio.gather"),
        ("try_join_all(all).await", "async with asyncio.TaskGroup"),
    ],
};

/// How the jobs are joined: the `mode` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    /// `join_all` over plain outputs: a planned failure is not an error.
    JoinAll,
    /// `join_all` over `Result`s.
    JoinAllResults,
    /// `try_join_all`.
    TryJoinAll,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How the jobs are joined.
        pub mode: Mode = choice("mode", "Join with", "join_all_results"),
        /// How long A takes.
        pub a: Duration = ms("a_ms", "A takes (ms)", 0..=60_000, "2000"),
        /// How long B takes.
        pub b: Duration = ms("b_ms", "B takes (ms)", 0..=60_000, "1000"),
        /// How long C takes.
        pub c: Duration = ms("c_ms", "C takes (ms)", 0..=60_000, "3000"),
        /// Which job fails.
        pub fail: WhichFails = choice("fail", "Which job fails", "B"),
        /// Timers or requests.
        pub work: Work = WORK,
        /// Where requests go.
        pub network: Network = NETWORK.when("work", &["request"]),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "try_join_all",
        name_zh: "try_join_all",
        why_en: "the first error drops the rest: A and C cancelled at 1000",
        why_zh: "第一个错误丢弃其余的：A 和 C 在 1000 被取消",
        pairs: &[("mode", "try_join_all")],
    },
    crate::params::Preset {
        name_en: "join_all, no error",
        name_zh: "join_all，无错误",
        why_en: "every result, in the order asked, at the slowest one's end",
        why_zh: "所有结果按请求顺序，在最慢的结束时返回",
        pairs: &[("mode", "join_all"), ("fail", "none")],
    },
    crate::params::Preset {
        name_en: "Requests",
        name_zh: "请求",
        why_en: "the same join over requests to the lab",
        why_zh: "同样的 join，作用于发往实验服务器的请求",
        pairs: &[("work", "request")],
    },
];

impl Params {
    /// `(name, duration, fails)` per job.
    pub fn jobs(&self) -> Vec<(&'static str, Duration, bool)> {
        abc(self.a, self.b, self.c, self.fail)
    }
}

// --- the code the page shows -------------------------------------------

/// Every job runs; the outputs come back in input order once all are done.
/// Here a job's failure is only a value.
pub async fn gather<E: Env>(env: E, work: Work, jobs: &[(&str, Duration, bool)]) {
    let all = jobs.iter().map(|&(name, duration, fails)| {
        let job = job(&env, work, name, duration, fails);
        env.task(name.to_string(), async move {
            match job.await {
                Ok(name) => name,
                Err(e) => format!("({e})"),
            }
        })
    });
    let outputs: Vec<String> = join_all(all).await;
    env.log(format!("outputs [{}]", outputs.join(", ")));
}

/// Every job runs to its end, errors included, like `gather(...,
/// return_exceptions=True)`.
pub async fn gather_results<E: Env>(env: E, work: Work, jobs: &[(&str, Duration, bool)]) {
    let all = jobs
        .iter()
        .map(|&(name, duration, fails)| env.try_task(name.to_string(), job(&env, work, name, duration, fails)));
    let results: Vec<Result<String, JobError>> = join_all(all).await;
    let shown: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(v) => v.clone(),
            Err(e) => format!("Err({e})"),
        })
        .collect();
    env.log(format!("results [{}]", shown.join(", ")));
}

/// Stops at the first error: the jobs still running are dropped, that is,
/// cancelled.
pub async fn gather_or_fail<E: Env>(env: E, work: Work, jobs: &[(&str, Duration, bool)]) {
    let all = jobs
        .iter()
        .map(|&(name, duration, fails)| env.try_task(name.to_string(), job(&env, work, name, duration, fails)));
    match try_join_all(all).await {
        Ok(values) => env.log(format!("all ok [{}]", values.join(", "))),
        Err(e) => env.log(format!("first error: {e}; the rest are dropped")),
    }
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let (mode, work, jobs) = (params.mode, params.work, params.jobs());
    single_run(env, "gather", move |t| async move {
        let main = async {
            match mode {
                Mode::JoinAll => gather(t.clone(), work, &jobs).await,
                Mode::JoinAllResults => gather_results(t.clone(), work, &jobs).await,
                Mode::TryJoinAll => gather_or_fail(t.clone(), work, &jobs).await,
            }
        };
        t.task("main".to_string(), main).await;
    })
}
