//! Demo 9, `periodic`: work every period, with a backoff after an error,
//! and a daily job scheduled by computing its next occurrence.

use std::future::Future;
use std::time::Duration;

use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{choice, declare_params, int, ms, time_of_day};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("periodic.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "periodic";

/// One virtual day.
pub const DAY: Duration = Duration::from_secs(86_400);

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "周期性与定时任务",
    explain_en: "The periodic worker sleeps until its next deadline, works, and schedules the next one a period later; after an error it adds a backoff, so every later tick moves by that much. \
                 The daily job does not poll the clock every minute: it computes the next 09:00 and sleeps until then, once per day. The run starts at midnight of day 1.",
    explain_zh: "周期任务睡到下一个截止时间，执行工作，再把下一次安排在一个周期之后；出错后额外等待一段退避时间，之后的每次 tick 都随之推后。\
                 每日任务不会每分钟查看一次时钟：它算出下一个 09:00，然后一直睡到那时，每天一次。运行从第 1 天的午夜开始。",
    asyncio: r#"async def every(period, backoff, work):
    while True:
        await asyncio.sleep(period)
        try:
            await work()
        except Exception:
            await asyncio.sleep(backoff)

async def daily(hour, minute, job):
    while True:
        now = datetime.now()
        nxt = now.replace(hour=hour, minute=minute, second=0)
        if nxt <= now:
            nxt += timedelta(days=1)
        await asyncio.sleep((nxt - now).total_seconds())
        await job()

async def main():
    async def work():
        print("tick at", asyncio.get_running_loop().time())
    try:
        async with asyncio.timeout(3600):   # an hour of ticks
            await every(300, 60, work)
    except TimeoutError:
        print("an hour has passed")
"#,
    differs: "Both languages only offer relative and absolute sleeps on a monotonic clock; a Rust future holds no thread while it waits a day, and dropping it cancels the schedule where an asyncio task would need `cancel()`.",
    twins: &[
        ("env.sleep_until(next).await", "await asyncio.sleep(period)"),
        ("env.sleep_until(next).await", "await asyncio.sleep((nxt - now)"),
    ],
};

/// How the periodic worker waits for its next tick: the `sleeps`
/// parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Sleeps {
    /// Until the next deadline, a whole period after the last one.
    Absolute,
    /// For a period after the work: every delay and every piece of work
    /// adds up (drift).
    Relative,
}

/// Which schedule runs: the `schedule` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Schedule {
    /// Work every period.
    Period,
    /// A job once a day.
    Daily,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// Which schedule runs.
        pub schedule: Schedule = choice("schedule", "Schedule", "period"),
        /// The period.
        pub period: Duration = ms("period_ms", "Period (ms)", 1..=86_400_000, "300000").when("schedule", &["period"]),
        /// The extra wait after an error.
        pub backoff: Duration = ms("backoff_ms", "Extra wait after an error (ms)", 0..=86_400_000, "60000").when("schedule", &["period"]),
        /// How long the periodic worker runs.
        pub run_for: Duration = ms("run_for_ms", "Run for (ms)", 1..=604_800_000, "3600000").when("schedule", &["period"]),
        /// How the worker waits for its next tick.
        pub sleeps: Sleeps = choice("sleeps", "Wait for the next tick", "absolute").when("schedule", &["period"]),
        /// How long each tick's work takes (CPU on the thread).
        pub work: Duration = ms("work_ms", "Each tick works (ms)", 0..=10_000, "0").when("schedule", &["period"]),
        /// The tick that fails, if any.
        pub fail_on: Option<u64> = int("fail_on", "Tick that fails (0: none)", 0..=100_000, "0").when("schedule", &["period"]),
        /// The daily job's time, since midnight.
        pub daily_at: Duration = time_of_day("daily_at", "Daily job at", "09:00").when("schedule", &["daily"]),
        /// How many days the daily schedule runs.
        pub days: u32 = int("days", "Days (daily schedule)", 1..=30, "3").when("schedule", &["daily"]),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "A failing tick",
        name_zh: "失败的一次",
        why_en: "a failing tick: the backoff shows, later ticks move by 60 s",
        why_zh: "一次失败：退避出现，之后的每次都推迟 60 秒",
        pairs: &[("fail_on", "3")],
    },
    crate::params::Preset {
        name_en: "Relative sleeps drift",
        name_zh: "相对睡眠会漂移",
        why_en: "every second, 20 ms of work, then a sleep of a period: each tick is 20 ms later than the last (the Warnings panel flags it)",
        why_zh: "每秒一次，工作 20 毫秒再睡一个周期：每次都比上一次晚 20 毫秒（警告面板会指出）",
        pairs: &[
            ("period_ms", "1000"),
            ("run_for_ms", "10000"),
            ("work_ms", "20"),
            ("sleeps", "relative"),
        ],
    },
    crate::params::Preset {
        name_en: "Daily at 09:00",
        name_zh: "每天 09:00",
        why_en: "the daily job fires once a day, 3 days",
        why_zh: "每日任务每天触发一次，共 3 天",
        pairs: &[("schedule", "daily")],
    },
    crate::params::Preset {
        name_en: "Every second",
        name_zh: "每秒一次",
        why_en: "every second for 10 s, tick 4 fails with a 500 ms backoff",
        why_zh: "10 秒内每秒一次，第 4 次失败并退避 500 毫秒",
        pairs: &[
            ("period_ms", "1000"),
            ("backoff_ms", "500"),
            ("run_for_ms", "10000"),
            ("fail_on", "4"),
        ],
    },
];

// --- the code the page shows -------------------------------------------

/// Works every `period` until `run_for` has passed; after a failed tick
/// the next one waits `backoff` longer. Each tick's work takes `work`.
pub async fn every<E: Env>(env: E, p: Params) {
    let end = env.now() + p.run_for;
    let mut next = env.now() + p.period;
    let mut tick = 1;
    while next <= end {
        match p.sleeps {
            Sleeps::Absolute => env.sleep_until(next).await,
            // A period from now: the work and every late wake-up push
            // every later tick (drift).
            Sleeps::Relative => env.sleep(p.period).await,
        }
        if !p.work.is_zero() {
            env.block_for(p.work); // the tick's work
        }
        if Some(tick) == p.fail_on {
            env.log(format!("tick {tick} failed; backing off"));
            match p.sleeps {
                Sleeps::Absolute => next += p.backoff,
                Sleeps::Relative => env.sleep(p.backoff).await,
            }
        } else {
            env.log(format!("tick {tick}"));
        }
        next = match p.sleeps {
            Sleeps::Absolute => next + p.period,
            Sleeps::Relative => env.now() + p.period,
        };
        tick += 1;
    }
}

/// Fires once a day at `at` (time since midnight), for `days` days, by
/// sleeping until the next occurrence.
pub async fn daily<E: Env>(env: E, at: Duration, days: u32) {
    let start = env.now();
    let end = start + DAY * days;
    let midnight = DAY * (start.as_secs() / DAY.as_secs()) as u32;
    let mut next = midnight + at;
    if next < start {
        next += DAY;
    }
    while next < end {
        env.sleep_until(next).await;
        let day = next.as_secs() / DAY.as_secs() + 1;
        env.log(format!("daily job, day {day}"));
        next += DAY;
    }
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    let (runs, work) = single_run(env, "periodic", move |t| async move {
        match p.schedule {
            Schedule::Daily => t.task("daily".to_string(), daily(t.clone(), p.daily_at, p.days)).await,
            Schedule::Period => {
                let worker = every(t.clone(), p);
                t.task("worker".to_string(), worker).await;
            }
        }
    });
    // The daily schedule starts at midnight of day 1: its instants read
    // as a day and a clock time.
    if p.schedule == Schedule::Daily {
        for (_, traced) in &runs {
            traced.use_day_clock();
        }
    }
    (runs, work)
}
