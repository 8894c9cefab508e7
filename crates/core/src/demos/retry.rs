//! Demo 10, `retry`: an operation tried again after failures, with
//! exponential backoff and optional seeded jitter.

use std::future::Future;
use std::time::Duration;

use crate::combinators::{Jitter, RetryPolicy, with_retry};
use crate::demos::fetch::NETWORK;
use crate::demos::work::{Work, job};
use crate::demos::{About, WORK, ms_param, single_run};
use crate::env::Env;
use crate::params::{ParamError, ParamKind, ParamSpec, Parsed};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("retry.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "retry";

/// The parameters, in form order.
pub const SPECS: [ParamSpec; 9] = [
    ParamSpec {
        name: "outcomes",
        label: "Outcome of each attempt (the last repeats)",
        kind: ParamKind::ChoiceList {
            choices: &["ok", "fail"],
            max_len: 20,
        },
        default: "fail,fail,ok",
    },
    ParamSpec {
        name: "attempts",
        label: "Attempts at most",
        kind: ParamKind::Int { min: 1, max: 20 },
        default: "5",
    },
    ms_param("base_ms", "First backoff (ms)", 0, 60_000, "1000"),
    ParamSpec {
        name: "factor",
        label: "Backoff factor",
        kind: ParamKind::Int { min: 1, max: 10 },
        default: "2",
    },
    ms_param("max_delay_ms", "Longest backoff (ms)", 0, 600_000, "60000"),
    ParamSpec {
        name: "jitter",
        label: "Jitter",
        kind: ParamKind::Choice(&["none", "full", "equal"]),
        default: "none",
    },
    ms_param("attempt_ms", "Each attempt takes (ms)", 0, 60_000, "200"),
    WORK,
    NETWORK,
];

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "带退避的重试",
    explain_en: "`with_retry` makes a fresh attempt each time (a future can only run once), and after a failure sleeps base × factor^(n−1), capped, before the next. \
                 With jitter the delay is drawn from the run's seeded random source, so the same seed gives the same schedule.",
    explain_zh: "`with_retry` 每次都构造一个新的尝试（future 只能运行一次），失败后先睡眠 base × factor^(n−1)（有上限）再进行下一次。\
                 启用抖动时，延迟取自本次运行的带种子随机源，同一个种子得到同样的时间表。",
    asyncio: r#"async def with_retry(make_attempt, attempts=5, base=1.0, factor=2):
    for n in range(1, attempts + 1):
        try:
            return await make_attempt(n)
        except Exception:
            if n == attempts:
                raise
            await asyncio.sleep(base * factor ** (n - 1))
"#,
    differs: "A Python coroutine object can be awaited only once, just like a Rust future, so both retry by calling a factory; the difference is that Rust makes you say which errors retry through the type of the error, not an `except` clause.",
};

/// Validated parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Whether each attempt fails; the last entry repeats.
    pub outcomes: Vec<bool>,
    /// The retry policy.
    pub policy: RetryPolicy,
    /// How long each attempt takes.
    pub attempt: Duration,
    /// Timers or requests.
    pub work: Work,
}

impl Params {
    /// Validates `name=value` pairs; missing names take their defaults.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, Vec<ParamError>> {
        let p = Parsed::new(&SPECS, pairs)?;
        let jitter = match p.choice("jitter") {
            "full" => Jitter::Full,
            "equal" => Jitter::Equal,
            _ => Jitter::None,
        };
        Ok(Params {
            outcomes: p.choices("outcomes").iter().map(|o| *o == "fail").collect(),
            policy: RetryPolicy {
                attempts: p.int("attempts") as u32,
                base: p.ms("base_ms"),
                factor: p.int("factor") as f64,
                max_delay: p.ms("max_delay_ms"),
                jitter,
            },
            attempt: p.ms("attempt_ms"),
            work: Work::from_parsed(&p),
        })
    }
}

// --- the code the page shows -------------------------------------------

/// Tries until an attempt succeeds or the policy gives up. Attempt `n`
/// fails if `fails[n - 1]` says so (the last entry repeats).
pub async fn retry_until_ok<E: Env>(env: E, policy: RetryPolicy, fails: Vec<bool>, attempt: Duration, work: Work) {
    let e = env.clone();
    let make_attempt = move |n: u32| {
        let fail = fails.get(n as usize - 1).or(fails.last()).copied().unwrap_or(false);
        let name = format!("attempt{n}");
        e.try_task(name.clone(), job(&e, work, &name, attempt, fail))
    };
    match with_retry(&env, policy, |_error| true, make_attempt).await {
        Ok(name) => env.log(format!("succeeded on {name}")),
        Err(e) => env.log(format!("gave up: {e}")),
    }
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = params.clone();
    single_run(env, "retry", move |t| async move {
        let main = retry_until_ok(t.clone(), p.policy, p.outcomes, p.attempt, p.work);
        t.task("main".to_string(), main).await;
    })
}
