//! Demo 4, `first-completed`: race three jobs. `select_all` returns the
//! first to finish, success or not; `select_ok` returns the first success
//! and skips failures. The losers are dropped, unless kept to finish.

use std::future::Future;
use std::time::Duration;

use futures::future::{join_all, select_all, select_ok};

use crate::demos::work::{Work, abc, job};
use crate::demos::{About, flag_param, ms_param, single_run};
use crate::env::Env;
use crate::params::{ParamError, ParamKind, ParamSpec, Parsed};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("first_completed.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "first-completed";

/// The parameters, in form order.
pub const SPECS: [ParamSpec; 6] = [
    ParamSpec {
        name: "mode",
        label: "Race with",
        kind: ParamKind::Choice(&["select_all", "select_ok"]),
        default: "select_all",
    },
    ms_param("a_ms", "A takes (ms)", 0, 60_000, "3000"),
    ms_param("b_ms", "B takes (ms)", 0, 60_000, "1000"),
    ms_param("c_ms", "C takes (ms)", 0, 60_000, "2000"),
    ParamSpec {
        name: "fail",
        label: "Which job fails",
        kind: ParamKind::Choice(&["none", "A", "B", "C"]),
        default: "B",
    },
    flag_param("keep_losers", "Let the losers finish", "false"),
];

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
"#,
    differs: "In asyncio the pending tasks of `wait(FIRST_COMPLETED)` keep running until you cancel them; in Rust the losers handed back by `select_all` stop as soon as they are dropped.",
};

/// Validated parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// `select_ok` (true) or `select_all`.
    pub select_ok: bool,
    /// `(name, duration, fails)` per job.
    pub jobs: Vec<(&'static str, Duration, bool)>,
    /// Await the losers instead of dropping them.
    pub keep_losers: bool,
}

impl Params {
    /// Validates `name=value` pairs; missing names take their defaults.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, Vec<ParamError>> {
        let p = Parsed::new(&SPECS, pairs)?;
        let jobs = abc(&p);
        Ok(Params {
            select_ok: p.choice("mode") == "select_ok",
            jobs,
            keep_losers: p.flag("keep_losers"),
        })
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
    let p = params.clone();
    single_run(env, "race", move |t| async move {
        let main = async {
            if p.select_ok {
                first_ok(t.clone(), &p.jobs, p.keep_losers).await;
            } else {
                first_done(t.clone(), &p.jobs, p.keep_losers).await;
            }
        };
        t.task("main".to_string(), main).await;
    })
}
