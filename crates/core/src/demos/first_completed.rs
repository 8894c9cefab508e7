//! Demo 4, `first-completed`: race three jobs. `select_all` returns the
//! first to finish, success or not; `select_ok` returns the first success
//! and skips failures. The losers are dropped, unless kept to finish.

use std::future::Future;
use std::time::Duration;

use crate::awaits::{join_all, select_all, select_ok};
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::demos::work::{WhichFails, Work, abc, job};
use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{choice, declare_params, flag, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("first_completed.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "first-completed";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "最先完成",
    explain_en: "`select_all` resolves as soon as any job finishes, whether it succeeded or failed, and hands back the others; dropping them cancels them on the spot. \
                 `select_ok` waits for the first success and skips failures, which is how a hedged request picks the fastest good answer.",
    explain_zh: "`select_all` 在任意一个任务完成时（无论成功或失败）立即返回，并交还其余任务；丢弃它们就当场取消了它们。\
                 `select_ok` 等待第一个成功的任务并跳过失败的，对冲请求（hedged request）正是这样挑出最快的正确答案。",
    asyncio: r#"async def main():
    tasks = {asyncio.create_task(job(n, s)) for n, s in
             [("A", 3), ("B", 1), ("C", 2)]}
    done, pending = await asyncio.wait(
        tasks, return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()        # the losers keep running unless cancelled
    print([t.result() for t in done if not t.exception()])

async def job(name, seconds):
    await asyncio.sleep(seconds)
    return name
"#,
    differs: "In asyncio the pending tasks of `wait(FIRST_COMPLETED)` keep running until you cancel them; in Rust the losers handed back by `select_all` stop as soon as they are dropped.",
    twins: &[
        ("select_all(racers).await", "await asyncio.wait("),
        ("select_ok(racers).await", "asyncio.wait("),
    ],
};

/// How the jobs race: the `mode` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    /// The first to finish wins, failed or not.
    SelectAll,
    /// The first to succeed wins.
    SelectOk,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How the jobs race.
        pub mode: Mode = choice("mode", "Race with", "select_all"),
        /// How long A takes.
        pub a: Duration = ms("a_ms", "A takes (ms)", 0..=60_000, "3000"),
        /// How long B takes.
        pub b: Duration = ms("b_ms", "B takes (ms)", 0..=60_000, "1000"),
        /// How long C takes.
        pub c: Duration = ms("c_ms", "C takes (ms)", 0..=60_000, "2000"),
        /// Which job fails.
        pub fail: WhichFails = choice("fail", "Which job fails", "B"),
        /// Await the losers instead of dropping them.
        pub keep_losers: bool = flag("keep_losers", "Let the losers finish", "false"),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "select_ok",
        name_zh: "select_ok",
        why_en: "select_ok skips B's failure: the first success wins",
        why_zh: "select_ok 跳过 B 的失败：第一个成功者获胜",
        pairs: &[("mode", "select_ok")],
    },
    crate::params::Preset {
        name_en: "Keep the losers",
        name_zh: "保留落败者",
        why_en: "the losers run to their end instead of being dropped",
        why_zh: "落败者运行到结束，而不是被丢弃",
        pairs: &[("keep_losers", "true")],
    },
];

impl Params {
    /// `(name, duration, fails)` per job.
    pub fn jobs(&self) -> Vec<(&'static str, Duration, bool)> {
        abc(self.a, self.b, self.c, self.fail)
    }
}

// --- the code the page shows -------------------------------------------

/// The first job to finish wins, failed or not.
pub async fn first_done<E: Env>(env: E, jobs: &[(&str, Duration, bool)], keep_losers: bool) {
    let racers = jobs.iter().map(|&(name, duration, fails)| {
        let job = job(&env, Work::Timer, name, duration, fails);
        Box::pin(env.try_task(name.to_string(), job))
    });
    let (first, index, losers) = select_all(racers).await;
    let first = match first {
        Ok(name) => format!("{name} finished first"),
        Err(e) => format!("{} finished first, with an error: {e}", jobs[index].0),
    };
    env.log(first);
    if keep_losers {
        join_all(losers).await;
    } else {
        drop(losers); // cancels them now
    }
}

/// The first job to succeed wins; failures are skipped.
pub async fn first_ok<E: Env>(env: E, jobs: &[(&str, Duration, bool)], keep_losers: bool) {
    let racers = jobs.iter().map(|&(name, duration, fails)| {
        let job = job(&env, Work::Timer, name, duration, fails);
        Box::pin(env.try_task(name.to_string(), job))
    });
    match select_ok(racers).await {
        Ok((winner, losers)) => {
            env.log(format!("first success: {winner}"));
            if keep_losers {
                join_all(losers).await;
            }
        }
        Err(last) => env.log(format!("every job failed; the last error: {last}")),
    }
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let (mode, jobs, keep_losers) = (params.mode, params.jobs(), params.keep_losers);
    single_run(env, "race", move |t| async move {
        let main = async {
            match mode {
                Mode::SelectOk => first_ok(t.clone(), &jobs, keep_losers).await,
                Mode::SelectAll => first_done(t.clone(), &jobs, keep_losers).await,
            }
        };
        t.task("main".to_string(), main).await;
    })
}
