//! Demo 14, `queue`: producers and consumers joined by a bounded queue;
//! a full queue makes the producers wait (backpressure).

use std::future::Future;
use std::time::Duration;

use crate::awaits::{join, join_all};

use crate::combinators::Queue;
use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("queue.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "queue";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "生产者与消费者队列",
    explain_en: "Producers put items into a queue of fixed capacity and consumers take them out. Consumers are slower here, so the queue fills up; \
                 then a producer's put waits until a consumer makes room: backpressure, with no item lost or handled twice. Closing the queue lets the consumers drain it and stop.",
    explain_zh: "生产者把条目放入固定容量的队列，消费者取出。这里消费者更慢，所以队列会被填满；\
                 这时生产者的 put 会等待，直到消费者腾出空间：这就是背压，没有条目丢失，也没有条目被处理两次。关闭队列后，消费者取完剩余条目便停止。",
    asyncio: r#"async def producer(q, p):
    for k in range(5):
        await asyncio.sleep(0.1)
        await q.put(f"p{p}-{k}")      # waits while the queue is full

async def consumer(q):
    while True:
        item = await q.get()
        await asyncio.sleep(0.25)
        q.task_done()

async def main():
    q = asyncio.Queue(maxsize=3)
    consumers = [asyncio.create_task(consumer(q)) for _ in range(2)]
    await asyncio.gather(*(producer(q, p) for p in range(2)))
    await q.join()
    for c in consumers:
        c.cancel()
"#,
    differs: "asyncio consumers usually loop forever and are cancelled after `q.join()`; here the queue is closed when the producers are done, and a consumer's `pop` then fails once the queue is empty, so consumers end on their own.",
    twins: &[
        ("env.sleep(every).await", "await asyncio.sleep(0.1)"),
        ("queue.push(", "await q.put("),
        ("queue.pop().await", "item = await q.get()"),
        ("env.sleep(takes).await", "await asyncio.sleep(0.25)"),
        ("join_all(producers).await", "await asyncio.gather("),
    ],
};

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How many producers.
        pub producers: u32 = int("producers", "Producers", 1..=20, "2"),
        /// Items per producer.
        pub items: u32 = int("items", "Items per producer", 1..=100, "5"),
        /// A producer makes one item every this long.
        pub produce: Duration = ms("produce_ms", "One item every (ms)", 0..=60_000, "100"),
        /// How many consumers.
        pub consumers: u32 = int("consumers", "Consumers", 1..=20, "2"),
        /// A consumer handles an item in this long.
        pub consume: Duration = ms("consume_ms", "Handling an item takes (ms)", 0..=60_000, "250"),
        /// The queue's capacity.
        pub capacity: u32 = int("capacity", "Queue capacity", 1..=1000, "3"),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Slow consumer",
        name_zh: "慢消费者",
        why_en: "one slow consumer: the queue fills and the producers block",
        why_zh: "一个慢消费者：队列填满，生产者阻塞",
        pairs: &[("consumers", "1"), ("consume_ms", "500")],
    },
    crate::params::Preset {
        name_en: "Fast consumers",
        name_zh: "快消费者",
        why_en: "four fast consumers: the queue stays almost empty",
        why_zh: "四个快消费者：队列几乎一直是空的",
        pairs: &[("consumers", "4"), ("consume_ms", "50")],
    },
    crate::params::Preset {
        name_en: "Big buffer",
        name_zh: "大缓冲",
        why_en: "a slow consumer behind a queue of 1000: nobody waits, the queue only grows (the Warnings panel flags it)",
        why_zh: "一个慢消费者，队列容量 1000：没人等待，队列只增不减（警告面板会指出来）",
        pairs: &[
            ("consumers", "1"),
            ("consume_ms", "500"),
            ("capacity", "1000"),
            ("items", "10"),
        ],
    },
];

// --- the code the page shows -------------------------------------------

/// Makes `items` items, one every `every`; each push waits while the queue
/// is full.
pub async fn producer<E: Env>(env: E, queue: Queue<String>, id: u32, items: u32, every: Duration) {
    for k in 0..items {
        env.sleep(every).await;
        let item = format!("p{id}-{k}");
        if queue.push(item.clone()).await.is_err() {
            return; // closed
        }
        env.log(format!("put {item}"));
    }
}

/// Takes items until the queue is closed and empty.
pub async fn consumer<E: Env>(env: E, queue: Queue<String>, takes: Duration) {
    while let Ok(item) = queue.pop().await {
        env.sleep(takes).await;
        env.log(format!("handled {item}"));
    }
}

/// Runs the producers and consumers; closes the queue once every producer
/// is done.
pub async fn pipeline<E: Env>(env: E, p: Params) {
    let queue = Queue::new(&env, "queue", Some(p.capacity));
    let producers: Vec<_> = (0..p.producers)
        .map(|i| {
            let work = producer(env.clone(), queue.clone(), i, p.items, p.produce);
            env.task(format!("producer{i}"), work)
        })
        .collect();
    let consumers: Vec<_> = (0..p.consumers)
        .map(|i| {
            let work = consumer(env.clone(), queue.clone(), p.consume);
            env.task(format!("consumer{i}"), work)
        })
        .collect();
    let produce_then_close = async {
        join_all(producers).await;
        queue.close();
    };
    join(produce_then_close, join_all(consumers)).await;
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "queue", move |t| pipeline(t, p))
}
