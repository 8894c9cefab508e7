//! Demo 16, `streams`: an async stream built with `unfold`, consumed item
//! by item with `next().await`. A stream is pulled: it makes the next item
//! only when asked.

use std::future::Future;
use std::time::Duration;

use futures::stream::{self, Stream};

use crate::awaits::StreamExt;

use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("streams.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "streams";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "异步流",
    explain_en: "`unfold` turns a state and an async step into a `Stream`; `next().await` asks for one item at a time. \
                 Nothing is made ahead: with a handling time the next item only starts once the consumer asks again, so the times add up.",
    explain_zh: "`unfold` 把一个状态和一个异步步骤变成 `Stream`；`next().await` 每次请求一个条目。\
                 流不会提前生产：设置了处理时间时，下一个条目要等消费者再次请求才开始，所以时间会累加。",
    asyncio: r#"async def numbers(count, every):
    for n in range(1, count + 1):
        await asyncio.sleep(every)
        yield n

async def main():
    async for n in numbers(5, 0.5):
        print("item", n)
"#,
    differs: "An async generator and an `unfold` stream are both pulled one item at a time; Rust has no `yield` in async functions yet, so the state is passed explicitly from one step to the next.",
    twins: &[
        ("env.sleep(every).await", "await asyncio.sleep(every)"),
        ("items.next().await", "async for n in"),
    ],
};

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How many items.
        pub items: u32 = int("items", "Items", 1..=1000, "5"),
        /// How long making one takes.
        pub every: Duration = ms("every_ms", "Each item takes (ms) to make", 0..=60_000, "500"),
        /// How long handling one takes.
        pub handle: Duration = ms("handle_ms", "Handling an item takes (ms)", 0..=60_000, "0"),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Handling time",
        name_zh: "处理时间",
        why_en: "handling time: the times add up, each item waits for the last",
        why_zh: "处理时间：时间相加，每一项都要等上一项处理完",
        pairs: &[("handle_ms", "300")],
    },
    crate::params::Preset {
        name_en: "Many items",
        name_zh: "很多项",
        why_en: "20 items every 100 ms",
        why_zh: "每 100 毫秒一项，共 20 项",
        pairs: &[("items", "20"), ("every_ms", "100")],
    },
];

// --- the code the page shows -------------------------------------------

/// The numbers 1 to `count`, each after `every`.
pub fn numbers<E: Env>(env: E, count: u32, every: Duration) -> impl Stream<Item = u32> {
    stream::unfold(0, move |made| {
        let env = env.clone();
        async move {
            if made == count {
                return None;
            }
            env.sleep(every).await;
            Some((made + 1, made + 1))
        }
    })
}

/// Pulls every item and handles it.
pub async fn consume<E: Env>(env: E, p: Params) {
    let mut items = Box::pin(numbers(env.clone(), p.items, p.every));
    while let Some(n) = items.next().await {
        env.log(format!("item {n}"));
        if !p.handle.is_zero() {
            env.sleep(p.handle).await;
        }
    }
    env.log("the stream has ended");
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "stream", move |t| async move {
        t.task("consumer".to_string(), consume(t.clone(), p)).await;
    })
}
