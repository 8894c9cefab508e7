//! Demo 8, `countdown`: several countdowns at once, each on absolute
//! deadlines, so that a late tick never pushes the later ones back.

use std::future::Future;
use std::time::Duration;

use crate::awaits::{StreamExt, join_all};

use crate::combinators::{MissedTicks, interval};
use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{declare_params, ints, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("countdown.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "countdown";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "倒计时",
    explain_en: "Each countdown shows n, n−1, … 1 and then done, one count per tick. The ticks come from an interval on absolute deadlines (start + k × period), \
                 so a tick that fires late does not delay the next one: lateness never adds up.",
    explain_zh: "每个倒计时依次显示 n、n−1、…、1，然后结束，每个 tick 一次。tick 来自基于绝对截止时间（起点 + k × 周期）的 interval，\
                 所以某个 tick 迟到不会推迟下一个：延迟不会累积。",
    asyncio: r#"async def countdown(n):
    loop = asyncio.get_running_loop()
    start = loop.time()
    for k in range(n):
        print(n - k)
        await asyncio.sleep(start + k + 1 - loop.time())  # absolute
    print("done")

async def main():
    await asyncio.gather(countdown(5), countdown(3), countdown(2))
"#,
    differs: "`asyncio.sleep(1)` in a loop drifts by the time each iteration takes, in both languages; the fix is the same (sleep until an absolute deadline), and in Rust an interval stream packages it.",
    twins: &[
        ("ticks.next().await", "await asyncio.sleep(start"),
        ("join_all(all).await", "await asyncio.gather(countdown"),
    ],
};

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Params {
        /// The countdowns, in counts.
        pub counts: Vec<u64> = ints("counts", "Countdowns (in counts)", 1..=3600, 20, "5,3,2"),
        /// How long one count lasts.
        pub tick: Duration = ms("tick_ms", "One count lasts (ms)", 10..=60_000, "1000"),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "A minute",
        name_zh: "一分钟",
        why_en: "sixty counts and none late: the deadlines are absolute",
        why_zh: "六十次计数没有一次迟到：截止时间是绝对的",
        pairs: &[("counts", "60")],
    },
    crate::params::Preset {
        name_en: "Fast counts",
        name_zh: "快速计数",
        why_en: "a count every 100 ms, three countdowns at once",
        why_zh: "每 100 毫秒计一次，三个倒计时同时进行",
        pairs: &[("tick_ms", "100")],
    },
];

// --- the code the page shows -------------------------------------------

/// Counts down from `n`, one count per `tick`, then says done.
pub async fn countdown<E: Env>(env: E, n: u64, tick: Duration) {
    let mut ticks = interval(&env, tick, MissedTicks::Burst);
    for left in (1..=n).rev() {
        ticks.next().await;
        env.log(left.to_string());
    }
    ticks.next().await;
    env.log("done");
}

/// Runs every countdown at once.
pub async fn countdowns<E: Env>(env: E, counts: &[u64], tick: Duration) {
    let all = counts
        .iter()
        .map(|&n| env.task(format!("countdown{n}"), countdown(env.clone(), n, tick)));
    join_all(all).await;
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = params.clone();
    single_run(env, "countdown", move |t| async move {
        countdowns(t.clone(), &p.counts, p.tick).await;
    })
}
