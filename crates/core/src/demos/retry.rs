//! Demo 10, `retry`: an operation tried again after failures, with
//! exponential backoff and optional seeded jitter.

use std::future::Future;
use std::time::Duration;

use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::combinators::{Jitter, RetryPolicy, with_retry};
use crate::demos::fetch::{NETWORK, Network};
use crate::demos::work::{Work, job};
use crate::demos::{About, WORK, single_run};
use crate::env::Env;
use crate::params::{Randomness, When, choice, choices, declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("retry.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "retry";

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

async def main():
    async def attempt(n):
        await asyncio.sleep(0.2)
        if n < 3:
            raise ConnectionError(f"attempt {n} failed")
        return f"attempt {n} succeeded"
    print(await with_retry(attempt))
"#,
    differs: "A Python coroutine object can be awaited only once, just like a Rust future, so both retry by calling a factory; the difference is that Rust makes you say which errors retry through the type of the error, not an `except` clause.",
    twins: &[("with_retry(&env", "return await make_attempt(n)")],
};

/// How one attempt ends: the items of the `outcomes` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    /// It succeeds.
    Ok,
    /// It fails.
    Fail,
}

/// The `jitter` parameter: a [`Jitter`] by name (the retry combinator
/// knows nothing of names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum JitterChoice {
    /// [`Jitter::None`].
    None,
    /// [`Jitter::Full`].
    Full,
    /// [`Jitter::Equal`].
    Equal,
}

impl From<JitterChoice> for Jitter {
    fn from(choice: JitterChoice) -> Self {
        match choice {
            JitterChoice::None => Jitter::None,
            JitterChoice::Full => Jitter::Full,
            JitterChoice::Equal => Jitter::Equal,
        }
    }
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How each attempt ends; the last entry repeats.
        pub outcomes: Vec<Outcome> = choices(
            "outcomes",
            "Outcome of each attempt (the last repeats)",
            20,
            "fail,fail,ok"
        ),
        /// Attempts in all, the first included.
        pub attempts: u32 = int("attempts", "Attempts at most", 1..=20, "5"),
        /// The delay after the first failure.
        pub base: Duration = ms("base_ms", "First backoff (ms)", 0..=60_000, "1000"),
        /// Each further delay is the previous one times this.
        pub factor: u32 = int("factor", "Backoff factor", 1..=10, "2"),
        /// No delay is longer than this.
        pub max_delay: Duration = ms("max_delay_ms", "Longest backoff (ms)", 0..=600_000, "60000"),
        /// How the delay is randomised.
        pub jitter: JitterChoice = choice("jitter", "Jitter", "none"),
        /// Clients retrying the same failing work at once.
        pub clients: u32 = int("clients", "Clients retrying at once", 1..=20, "1"),
        /// How long each attempt takes.
        pub attempt: Duration = ms("attempt_ms", "Each attempt takes (ms)", 0..=60_000, "200"),
        /// Timers or requests.
        pub work: Work = WORK,
        /// Where requests go.
        pub network: Network = NETWORK.when("work", &["request"]),
    }
    random = Randomness::When(When { name: "jitter", values: &["none"], is: false });
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Always fails",
        name_zh: "总是失败",
        why_en: "5 attempts with growing backoff, then the last error",
        why_zh: "5 次尝试，退避越来越长，然后返回最后的错误",
        pairs: &[("outcomes", "fail")],
    },
    crate::params::Preset {
        name_en: "Full jitter",
        name_zh: "完全抖动",
        why_en: "the backoff is drawn at random: change the seed, the schedule changes",
        why_zh: "退避时间随机抽取：换一个种子，时间表就变",
        pairs: &[("jitter", "full"), ("outcomes", "fail")],
    },
    crate::params::Preset {
        name_en: "No backoff",
        name_zh: "不退避",
        why_en: "each retry starts the moment the last one failed: the Warnings panel flags it",
        why_zh: "每次重试都在上一次失败的瞬间开始：警告面板会指出来",
        pairs: &[("base_ms", "0")],
    },
    crate::params::Preset {
        name_en: "Five clients in step",
        name_zh: "五个客户端同步重试",
        why_en: "five clients back off without jitter: their retries land at the same instants (the Warnings panel flags it)",
        why_zh: "五个客户端退避但不加抖动：重试落在同一瞬间（警告面板会指出）",
        pairs: &[("clients", "5"), ("outcomes", "fail")],
    },
];

impl Params {
    /// The retry policy.
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            attempts: self.attempts,
            base: self.base,
            factor: f64::from(self.factor),
            max_delay: self.max_delay,
            jitter: self.jitter.into(),
        }
    }

    /// Whether each attempt fails; the last entry repeats.
    pub fn fails(&self) -> Vec<bool> {
        self.outcomes.iter().map(|o| *o == Outcome::Fail).collect()
    }
}

// --- the code the page shows -------------------------------------------

/// Tries until an attempt succeeds or the policy gives up. Attempt `n`
/// fails if `fails[n - 1]` says so (the last entry repeats); its task is
/// named `{client}attempt{n}`.
pub async fn retry_until_ok<E: Env>(
    env: E,
    policy: RetryPolicy,
    fails: Vec<bool>,
    attempt: Duration,
    work: Work,
    client: String,
) {
    let e = env.clone();
    let make_attempt = move |n: u32| {
        let fail = fails.get(n as usize - 1).or(fails.last()).copied().unwrap_or(false);
        let name = format!("{client}attempt{n}");
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
    let (policy, fails, attempt, work) = (params.policy(), params.fails(), params.attempt, params.work);
    let clients = params.clients;
    single_run(env, "retry", move |t| async move {
        if clients == 1 {
            let main = retry_until_ok(t.clone(), policy, fails, attempt, work, String::new());
            t.task("main".to_string(), main).await;
            return;
        }
        // Several clients, each with its own retries of the same work.
        let all = (1..=clients).map(|c| {
            let client = retry_until_ok(t.clone(), policy, fails.clone(), attempt, work, format!("client{c}."));
            t.task(format!("client{c}"), client)
        });
        futures::future::join_all(all).await;
    })
}
