//! Demo 19, `blocking`: CPU-bound work on the event loop's only thread
//! stalls every timer until it is done; the same work in slices, yielding
//! between them, lets the timers keep time.

use std::future::Future;
use std::time::Duration;

use crate::awaits::{join, join_all};
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::demos::About;
use crate::env::Env;
use crate::params::{choice, declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("blocking.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "blocking";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "阻塞事件循环",
    explain_en: "The event loop runs one thing at a time. A busy loop that never yields holds the thread: every timer due meanwhile fires late, all at once when it ends, and the page cannot repaint. \
                 The same work cut into slices, with a yield after each, lets the timers keep time.",
    explain_zh: "事件循环一次只运行一件事。一个从不让出的忙循环会占住线程：期间到期的所有定时器都会迟到，在它结束时一起触发，页面也无法重绘。\
                 同样的工作切成小片、每片之后让出一次，定时器就能准时。",
    asyncio: r#"async def ticker():
    for _ in range(10):
        await asyncio.sleep(0.1)

async def block():
    await asyncio.sleep(0.15)
    time.sleep(0.5)             # blocks the loop: every ticker is late

async def sliced():
    await asyncio.sleep(0.15)
    for _ in range(50):
        busy(0.01)
        await asyncio.sleep(0)  # yield to the loop

def busy(seconds):
    time.sleep(seconds)         # stands for CPU-bound work

async def main():
    await asyncio.gather(ticker(), ticker(), ticker(), block())
"#,
    differs: "Python can move blocking work to a thread with `asyncio.to_thread`; the browser's main thread has no such escape within the page, so the work is sliced or moved to a Web Worker.",
    twins: &[
        ("env.sleep_until(due).await", "await asyncio.sleep(0.1)"),
        ("env.sleep_until(at).await", "await asyncio.sleep(0.15)"),
        ("env.sleep_until(at).await", "await asyncio.sleep(0.15)"),
        ("env.sleep(Duration::ZERO).await", "await asyncio.sleep(0)"),
    ],
};

/// How the work is done: the `mode` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    /// In one go, holding the thread.
    Block,
    /// In slices, yielding between them.
    Yield,
    /// In slices, "yielding" by waking itself between them: polled again
    /// at once, ahead of every timer.
    Spin,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// In one go, or in slices with a yield between them.
        pub mode: Mode = choice("mode", "Mode", "block"),
        /// How much CPU time the work takes.
        pub work: Duration = ms("block_ms", "Work (ms of CPU)", 1..=5000, "500"),
        /// When it starts.
        pub at: Duration = ms("block_at_ms", "Work starts at (ms)", 0..=10_000, "150"),
        /// The slice, when yielding.
        pub slice: Duration = ms("slice_ms", "Slice when yielding (ms)", 1..=100, "10").when("mode", &["yield", "spin"]),
        /// How many timers tick meanwhile.
        pub timers: u32 = int("timers", "Timers", 1..=10, "3"),
        /// Their period.
        pub tick: Duration = ms("tick_ms", "Tick every (ms)", 10..=1000, "100"),
        /// Ticks per timer.
        pub ticks: u32 = int("ticks", "Ticks per timer", 1..=50, "10"),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Yield",
        name_zh: "让出",
        why_en: "the work yields every 10 ms: the timers stay on time",
        why_zh: "工作每 10 毫秒让出一次：定时器保持准时",
        pairs: &[("mode", "yield")],
    },
    crate::params::Preset {
        name_en: "Waking itself",
        name_zh: "自己唤醒自己",
        why_en: "slices with a self-wake between them: polled again at once, before any timer, so the timers wait as if it blocked (the Warnings panel flags the busy-yield)",
        why_zh: "每片之间自己唤醒自己：立刻又被轮询，排在所有定时器之前，定时器就像遇到阻塞一样等着（警告面板会指出这种忙等）",
        pairs: &[("mode", "spin")],
    },
    crate::params::Preset {
        name_en: "A long block",
        name_zh: "长时间阻塞",
        why_en: "a 2000 ms block: every tick due during it fires late, all at once when it ends",
        why_zh: "阻塞 2000 毫秒：期间到期的每次滴答都迟到，在阻塞结束时一起触发",
        pairs: &[("block_ms", "2000")],
    },
];

// --- the code the page shows -------------------------------------------

/// A timer that wants to tick every `tick`, on absolute deadlines, and
/// logs how late each tick is.
pub async fn ticker<E: Env>(env: E, tick: Duration, ticks: u32) {
    let start = env.now();
    for k in 1..=ticks {
        let due = start + tick * k;
        env.sleep_until(due).await;
        let late = env.now().saturating_sub(due);
        env.log(format!("tick {k} late by {} ms", late.as_millis()));
    }
}

/// CPU-bound work done in one go: no timer fires until it is over.
pub async fn block<E: Env>(env: E, at: Duration, work: Duration) {
    env.sleep_until(at).await;
    env.block_for(work);
}

/// The same work in slices, yielding to the event loop after each one, so
/// that the timers due meanwhile get their turn.
pub async fn sliced<E: Env>(env: E, at: Duration, work: Duration, slice: Duration) {
    env.sleep_until(at).await;
    let mut left = work;
    while !left.is_zero() {
        let now = left.min(slice);
        env.block_for(now);
        left -= now;
        env.sleep(Duration::ZERO).await; // yield
    }
}

/// The same slices, but between them the task wakes itself instead of
/// waiting on a timer: the executor polls it again at once, ahead of every
/// timer, so the timers wait as long as if it had blocked.
pub async fn spun<E: Env>(env: E, at: Duration, work: Duration, slice: Duration) {
    env.sleep_until(at).await;
    let mut left = work;
    while !left.is_zero() {
        let now = left.min(slice);
        env.block_for(now);
        left -= now;
        wake_myself().await; // not a yield to the timers
    }
}

/// Wakes its own task and is pending once: back in the ready queue, which
/// runs before any timer does.
fn wake_myself() -> impl Future<Output = ()> {
    let mut woke = false;
    std::future::poll_fn(move |cx| {
        if woke {
            return std::task::Poll::Ready(());
        }
        woke = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let traced = Traced::new(env);
    let (t, p) = (traced.clone(), *params);
    let work = async move {
        let timers = (0..p.timers).map(|i| t.task(format!("timer{i}"), ticker(t.clone(), p.tick, p.ticks)));
        let worker = async {
            match p.mode {
                Mode::Yield => {
                    t.task("worker".to_string(), sliced(t.clone(), p.at, p.work, p.slice))
                        .await;
                }
                Mode::Spin => {
                    t.task("worker".to_string(), spun(t.clone(), p.at, p.work, p.slice))
                        .await;
                }
                Mode::Block => t.task("worker".to_string(), block(t.clone(), p.at, p.work)).await,
            }
        };
        join(join_all(timers), worker).await;
    };
    let label = match p.mode {
        Mode::Yield => "yielding",
        Mode::Spin => "waking itself",
        Mode::Block => "blocking",
    };
    (vec![(label, traced)], work)
}
