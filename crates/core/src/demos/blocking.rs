//! Demo 19, `blocking`: CPU-bound work on the event loop's only thread
//! stalls every timer until it is done; the same work in slices, yielding
//! between them, lets the timers keep time.

use std::future::Future;
use std::time::Duration;

use futures::future::join_all;

use crate::demos::About;
use crate::env::Env;
use crate::params::{ParamError, ParamKind, ParamSpec, Parsed};
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
"#,
    differs: "Python can move blocking work to a thread with `asyncio.to_thread`; the browser's main thread has no such escape within the page, so the work is sliced or moved to a Web Worker.",
};

/// The parameters, in form order.
pub const SPECS: [ParamSpec; 7] = [
    ParamSpec {
        name: "mode",
        label: "Mode",
        kind: ParamKind::Choice(&["block", "yield"]),
        default: "block",
    },
    ParamSpec {
        name: "block_ms",
        label: "Work (ms of CPU)",
        kind: ParamKind::Int { min: 1, max: 5000 },
        default: "500",
    },
    ParamSpec {
        name: "block_at_ms",
        label: "Work starts at (ms)",
        kind: ParamKind::Int { min: 0, max: 10_000 },
        default: "150",
    },
    ParamSpec {
        name: "slice_ms",
        label: "Slice when yielding (ms)",
        kind: ParamKind::Int { min: 1, max: 100 },
        default: "10",
    },
    ParamSpec {
        name: "timers",
        label: "Timers",
        kind: ParamKind::Int { min: 1, max: 10 },
        default: "3",
    },
    ParamSpec {
        name: "tick_ms",
        label: "Tick every (ms)",
        kind: ParamKind::Int { min: 10, max: 1000 },
        default: "100",
    },
    ParamSpec {
        name: "ticks",
        label: "Ticks per timer",
        kind: ParamKind::Int { min: 1, max: 50 },
        default: "10",
    },
];

/// Validated parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Yield between slices of the work (`true`) or do it in one go.
    pub yielding: bool,
    /// How much CPU time the work takes.
    pub work: Duration,
    /// When it starts.
    pub at: Duration,
    /// The slice, when yielding.
    pub slice: Duration,
    /// How many timers tick meanwhile.
    pub timers: u32,
    /// Their period.
    pub tick: Duration,
    /// Ticks per timer.
    pub ticks: u32,
}

impl Params {
    /// Validates `name=value` pairs; missing names take their defaults.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, Vec<ParamError>> {
        let p = Parsed::new(&SPECS, pairs)?;
        Ok(Params {
            yielding: p.choice("mode") == "yield",
            work: Duration::from_millis(p.int("block_ms")),
            at: Duration::from_millis(p.int("block_at_ms")),
            slice: Duration::from_millis(p.int("slice_ms")),
            timers: p.int("timers") as u32,
            tick: Duration::from_millis(p.int("tick_ms")),
            ticks: p.int("ticks") as u32,
        })
    }
}

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

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let traced = Traced::new(env);
    let (t, p) = (traced.clone(), *params);
    let work = async move {
        let timers = (0..p.timers).map(|i| t.task(format!("timer{i}"), ticker(t.clone(), p.tick, p.ticks)));
        let worker = async {
            if p.yielding {
                t.task("worker".to_string(), sliced(t.clone(), p.at, p.work, p.slice))
                    .await;
            } else {
                t.task("worker".to_string(), block(t.clone(), p.at, p.work)).await;
            }
        };
        futures::join!(join_all(timers), worker);
    };
    (vec![(if p.yielding { "yielding" } else { "blocking" }, traced)], work)
}
