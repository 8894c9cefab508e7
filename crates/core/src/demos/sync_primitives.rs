//! Demo 15, `sync-primitives`: an async mutex held by one task at a time,
//! an event that wakes every waiter at once, and a condition whose
//! `notify_one` wakes one waiter and `notify_all` the rest.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use crate::awaits::{At, Mutex, MutexGuard, join_all};
use crate::recorder::Recorder;
use crate::trace::{Blocker, ResourceKind};

use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{choice, declare_params, int, ms};
use crate::traced::Traced;
use futures::FutureExt;
use futures::future::LocalBoxFuture;
use strum::{EnumString, IntoStaticStr, VariantNames};

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("sync_primitives.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "sync-primitives";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "锁、事件与条件变量",
    explain_en: "The lock is held by one task at a time: the second holder waits until the first drops its guard. \
                 The event, once set, releases every waiter at the same instant. The condition pairs a lock with a notification: `notify_one` lets one consumer take an item, `notify_all` wakes the others a second later.",
    explain_zh: "锁一次只被一个任务持有：第二个持有者要等第一个丢弃它的守卫。\
                 事件一旦被设置，所有等待者在同一时刻被释放。条件变量把锁和通知配在一起：`notify_one` 让一个消费者取走一个条目，一秒后 `notify_all` 唤醒其余的。",
    asyncio: r#"async def holder(lock):
    async with lock:
        await asyncio.sleep(1)

async def waiter(event):
    await event.wait()

async def consumer(cond, stock):
    async with cond:
        await cond.wait_for(lambda: stock[0] > 0)
        stock[0] -= 1

async def notifier(cond, stock, n):
    await asyncio.sleep(3)
    async with cond:
        stock[0] += 1
        cond.notify(1)
    await asyncio.sleep(1)
    async with cond:
        stock[0] += n - 1
        cond.notify_all()

async def main():
    lock, event, cond, stock = asyncio.Lock(), asyncio.Event(), asyncio.Condition(), [0]
    async def set_later():
        await asyncio.sleep(2)
        event.set()
    await asyncio.gather(holder(lock), holder(lock), waiter(event), waiter(event),
                         set_later(), *(consumer(cond, stock) for _ in range(3)),
                         notifier(cond, stock, 3))
"#,
    differs: "asyncio's lock is released when the `async with` block exits; an async Rust mutex guard is released when it is dropped, and the data it protects can only be reached through the guard.",
    twins: &[
        ("lock.lock().await", "async with lock:"),
        ("env.sleep(hold).await", "await asyncio.sleep(1)"),
        ("event.wait().await", "await event.wait()"),
        ("stock.lock().await", "async with cond:"),
        ("ready.wait(", "await cond.wait_for("),
        ("env.sleep_until(at).await", "await asyncio.sleep(3)"),
        ("stock.lock().await", "async with cond:"),
        ("sleep(Duration::from_secs(1)).await", "await asyncio.sleep(1)"),
        ("stock.lock().await", "async with cond:"),
    ],
};

/// How the holders use the lock: the `pattern` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Pattern {
    /// Each holds the lock across its wait.
    Held,
    /// Each takes the lock briefly and waits with it released.
    Released,
    /// Two locks, taken in opposite orders by alternate holders: a
    /// deadlock.
    Crossed,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// Tasks taking the lock.
        pub holders: u32 = int("holders", "Tasks taking the lock", 1..=20, "2"),
        /// How long each holds it.
        pub hold: Duration = ms("hold_ms", "Each holds it for (ms)", 0..=60_000, "1000"),
        /// How the holders use the lock.
        pub pattern: Pattern = choice("pattern", "The holders", "held"),
        /// Tasks waiting on the event, and on the condition.
        pub waiters: u32 = int("waiters", "Tasks waiting (event and condition)", 1..=20, "3"),
        /// How long each waiter works once the event is set.
        pub react: Duration = ms("react_ms", "Each waiter then works (ms of CPU)", 0..=1000, "0"),
        /// When the event is set.
        pub set_at: Duration = ms("set_at_ms", "The event is set at (ms)", 0..=600_000, "2000"),
        /// When the first notification comes.
        pub notify_at: Duration = ms(
            "notify_at_ms",
            "notify_one at (ms), notify_all a second later",
            0..=600_000,
            "3000"
        ),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Five holders",
        name_zh: "五个持有者",
        why_en: "five tasks take the lock one after another",
        why_zh: "五个任务依次获得锁",
        pairs: &[("holders", "5")],
    },
    crate::params::Preset {
        name_en: "Slow work in the lock",
        name_zh: "在锁内做慢活",
        why_en: "three holders each sleep 2 s holding the lock: the others wait as long (the Warnings panel flags it)",
        why_zh: "三个持有者各自持锁睡 2 秒：其他任务也跟着等同样久（警告面板会指出）",
        pairs: &[("holders", "3"), ("hold_ms", "2000")],
    },
    crate::params::Preset {
        name_en: "Deadlock",
        name_zh: "死锁",
        why_en: "two holders take two locks in opposite orders and wait for each other forever: the run stalls, and the Warnings panel names the cycle",
        why_zh: "两个持有者以相反顺序获取两把锁，永远互相等待：运行停住，警告面板指出这个循环",
        pairs: &[("pattern", "crossed")],
    },
    crate::params::Preset {
        name_en: "Busy waiters",
        name_zh: "忙碌的等待者",
        why_en: "five waiters each work 30 ms when the event wakes them all: the later ones wait their turn, the last 120 ms (the Warnings panel flags the starved)",
        why_zh: "事件同时唤醒五个等待者，每个都要工作 30 毫秒：后面的只能等着轮到自己，最后一个等了 120 毫秒（警告面板会指出挨饿的任务）",
        pairs: &[("waiters", "5"), ("react_ms", "30")],
    },
];

/// A flag that, once set, releases every waiter.
#[derive(Default, Debug)]
pub struct Event {
    is_set: Cell<bool>,
    changed: event_listener::Event,
    recorder: Recorder,
    resource: Option<Blocker>,
}

impl Event {
    /// An event not set yet, recorded in `env`'s trace as `name`.
    pub fn named<E: Env>(env: &E, name: &str) -> Self {
        let recorder = env.recorder();
        let resource = recorder.resource(name, ResourceKind::Event).map(Blocker::Resource);
        Self {
            recorder,
            resource,
            ..Self::default()
        }
    }

    /// Sets the flag and wakes every waiter.
    pub fn set(&self) {
        self.is_set.set(true);
        self.changed.notify(usize::MAX);
    }

    /// Waits until the flag is set.
    pub fn wait(&self) -> At<impl Future<Output = ()> + '_> {
        At::new(async move {
            while !self.is_set.get() {
                let listener = self.changed.listen();
                if self.is_set.get() {
                    break;
                }
                let _waiting = self.recorder.blocked_on(self.resource);
                listener.await;
            }
        })
    }
}

/// A condition variable for an async mutex.
#[derive(Default, Debug)]
pub struct Condition {
    changed: event_listener::Event,
    recorder: Recorder,
    resource: Option<Blocker>,
}

impl Condition {
    /// A condition, recorded in `env`'s trace as `name`.
    pub fn named<E: Env>(env: &E, name: &str) -> Self {
        let recorder = env.recorder();
        let resource = recorder.resource(name, ResourceKind::Condition).map(Blocker::Resource);
        Self {
            recorder,
            resource,
            ..Self::default()
        }
    }

    /// Gives up `guard`, waits for a notification, and locks again.
    pub fn wait<'a, T>(
        &self,
        lock: &'a Mutex<T>,
        guard: MutexGuard<'a, T>,
    ) -> At<impl Future<Output = MutexGuard<'a, T>> + use<'a, '_, T>> {
        let listener = self.changed.listen();
        drop(guard);
        let waiting = self.recorder.blocked_on(self.resource);
        At::new(async move {
            listener.await;
            drop(waiting);
            lock.lock().await
        })
    }

    /// Wakes one waiter.
    pub fn notify_one(&self) {
        self.changed.notify(1);
    }

    /// Wakes every waiter.
    pub fn notify_all(&self) {
        self.changed.notify(usize::MAX);
    }
}

// --- the code the page shows -------------------------------------------

/// Takes the lock and holds it for `hold`.
pub async fn holder<E: Env>(env: E, lock: Rc<Mutex<()>>, hold: Duration) {
    let _guard = lock.lock().await;
    env.log("has the lock");
    env.sleep(hold).await;
} // the guard is dropped here: the next holder gets the lock

/// Takes the lock only for its turn, and waits with it released.
pub async fn brief_holder<E: Env>(env: E, lock: Rc<Mutex<()>>, hold: Duration) {
    {
        let _guard = lock.lock().await;
        env.log("has the lock");
    } // released before the slow part: nobody waits behind it
    env.sleep(hold).await;
}

/// Takes `first`, waits, then takes `second` too. Two holders taking the
/// same two locks in opposite orders wait for each other forever.
pub async fn crossed_holder<E: Env>(env: E, first: Rc<Mutex<()>>, second: Rc<Mutex<()>>, hold: Duration) {
    let _first = first.lock().await;
    env.log("has its first lock");
    env.sleep(hold).await;
    let _second = second.lock().await; // held by the other one: a deadlock
    env.log("has both locks");
}

/// Waits for the event, then works for `react` on the thread.
pub async fn waiter<E: Env>(env: E, event: Rc<Event>, react: Duration) {
    event.wait().await;
    env.log("the event is set");
    if !react.is_zero() {
        env.block_for(react); // the waiters woken with it wait their turn
    }
}

/// Waits until the stock has an item, then takes it.
pub async fn consumer<E: Env>(env: E, stock: Rc<Mutex<u32>>, ready: Rc<Condition>) {
    let mut items = stock.lock().await;
    while *items == 0 {
        items = ready.wait(&stock, items).await;
    }
    *items -= 1;
    env.log("took an item");
}

/// Adds one item and notifies one consumer; a second later adds the rest
/// and notifies them all.
pub async fn notifier<E: Env>(env: E, stock: Rc<Mutex<u32>>, ready: Rc<Condition>, at: Duration, n: u32) {
    env.sleep_until(at).await;
    *stock.lock().await += 1;
    ready.notify_one();
    env.sleep(Duration::from_secs(1)).await;
    *stock.lock().await += n - 1;
    ready.notify_all();
}

/// All three side by side.
pub async fn primitives<E: Env>(env: E, p: Params) {
    let lock = Rc::new(Mutex::named(&env, "lock", ()));
    let other = (p.pattern == Pattern::Crossed).then(|| Rc::new(Mutex::named(&env, "other", ())));
    let holders: Vec<_> = (0..p.holders)
        .map(|i| {
            let (e, lock) = (env.clone(), lock.clone());
            let work: LocalBoxFuture<'_, ()> = match (p.pattern, &other) {
                (Pattern::Crossed, Some(other)) if i % 2 == 1 => {
                    crossed_holder(e, other.clone(), lock, p.hold).boxed_local()
                }
                (Pattern::Crossed, Some(other)) => crossed_holder(e, lock, other.clone(), p.hold).boxed_local(),
                (Pattern::Released, _) => brief_holder(e, lock, p.hold).boxed_local(),
                _ => holder(e, lock, p.hold).boxed_local(),
            };
            env.task(format!("holder{i}"), work)
        })
        .collect();

    let event = Rc::new(Event::named(&env, "event"));
    let waiters: Vec<_> = (0..p.waiters)
        .map(|i| env.task(format!("waiter{i}"), waiter(env.clone(), event.clone(), p.react)))
        .collect();
    let (e, ev) = (env.clone(), event.clone());
    let setter = env.task("setter".to_string(), async move {
        e.sleep_until(p.set_at).await;
        ev.set();
    });

    let (stock, ready) = (
        Rc::new(Mutex::named(&env, "stock", 0)),
        Rc::new(Condition::named(&env, "ready")),
    );
    let consumers: Vec<_> = (0..p.waiters)
        .map(|i| {
            env.task(
                format!("consumer{i}"),
                consumer(env.clone(), stock.clone(), ready.clone()),
            )
        })
        .collect();
    let notify = notifier(env.clone(), stock.clone(), ready.clone(), p.notify_at, p.waiters);
    let notifier = env.task("notifier".to_string(), notify);

    futures::join!(
        join_all(holders),
        join_all(waiters),
        setter,
        join_all(consumers),
        notifier
    );
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "primitives", move |t| primitives(t, p))
}
