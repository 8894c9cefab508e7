//! Demo 17, `setup-teardown`: a resource opened, used and closed by an
//! explicit async close that runs however the use ends; and what `Drop`
//! can do when the whole session is dropped.

use std::future::Future;
use std::time::Duration;

use futures::future::Either;

use crate::awaits::select;
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{choice, declare_params, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("setup_teardown.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "setup-teardown";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "异步的建立与清理",
    explain_en: "Closing a connection is async work, and `Drop` cannot await. So the session awaits the use inside a `select` with its cancel signal, and then awaits `close` whatever happened: ok, failed or cancelled. \
                 If the whole session is dropped instead, only the synchronous `Drop` of the connection runs; it records that the close was skipped.",
    explain_zh: "关闭连接是异步工作，而 `Drop` 不能 await。所以会话把“使用”和取消信号放进 `select` 中等待，之后无论结果如何（成功、失败或取消）都 await `close`。\
                 如果整个会话被丢弃，只有连接的同步 `Drop` 会运行；它记录下关闭被跳过了。",
    asyncio: r#"from contextlib import asynccontextmanager

@asynccontextmanager
async def connection():
    await asyncio.sleep(1.0)          # open
    try:
        yield "conn"
    finally:
        await asyncio.sleep(1.0)      # close, even on error or cancel

async def main():
    async with connection() as conn:
        await asyncio.sleep(0.5)      # use
"#,
    differs: "The `finally` after `yield` (the context manager's exit) may await even while a `CancelledError` unwinds; Rust has no async `Drop`, so an async close must be awaited explicitly, and a future dropped mid-way gets only its synchronous `Drop`.",
    twins: &[
        ("env.sleep(took).await", "# open"),
        ("env.sleep(took).await", "# use"),
        ("env.sleep(took).await", "# close"),
        ("used.await", "sleep(0.5)"),
        ("select(Box::pin(used)", "asyncio.sleep(0.5)"),
        (".await;", "async with connection() as conn:"),
        ("conn.close(p.close)).await", "close, even on error"),
    ],
};

/// How the use ends: the `use_outcome` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum UseOutcome {
    /// It succeeds.
    Ok,
    /// It fails.
    Fail,
    /// It is cancelled part way; the session goes on to close.
    Cancel,
    /// The whole session is dropped part way through the use.
    DropSession,
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How the use ends.
        pub outcome: UseOutcome = choice("use_outcome", "The use", "ok"),
        /// How long opening takes.
        pub open: Duration = ms("open_ms", "Opening takes (ms)", 0..=60_000, "1000"),
        /// How long using takes.
        pub use_for: Duration = ms("use_ms", "Using takes (ms)", 0..=60_000, "500"),
        /// How long closing takes.
        pub close: Duration = ms("close_ms", "Closing takes (ms)", 0..=60_000, "1000"),
        /// When, into the use, the cancel comes.
        pub cancel_after: Duration = ms("cancel_after_ms", "Cancel this long into the use (ms)", 0..=60_000, "250").when("use_outcome", &["cancel"]),
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "The use fails",
        name_zh: "使用失败",
        why_en: "the use fails: close runs anyway",
        why_zh: "使用失败：关闭照样运行",
        pairs: &[("use_outcome", "fail")],
    },
    crate::params::Preset {
        name_en: "Cancelled",
        name_zh: "被取消",
        why_en: "cancelled during the use: close still runs",
        why_zh: "在使用中被取消：关闭仍然运行",
        pairs: &[("use_outcome", "cancel")],
    },
];

// --- the code the page shows -------------------------------------------

/// A connection that must be closed with an async call.
pub struct Connection<E: Env> {
    env: E,
    closed: bool,
}

impl<E: Env> Connection<E> {
    /// Opens a connection; takes `took`.
    pub async fn open(env: E, took: Duration) -> Self {
        env.sleep(took).await;
        Connection { env, closed: false }
    }

    /// Uses it for `took`; fails at the end if `fails`.
    pub async fn use_it(&self, took: Duration, fails: bool) -> Result<(), String> {
        self.env.sleep(took).await;
        if fails {
            Err("the use failed".to_string())
        } else {
            Ok(())
        }
    }

    /// Closes it: async work that `Drop` could not do.
    pub async fn close(mut self, took: Duration) {
        self.env.sleep(took).await;
        self.closed = true;
    }
}

impl<E: Env> Drop for Connection<E> {
    fn drop(&mut self) {
        if !self.closed {
            self.env.log("dropped without close: Drop cannot await");
        }
    }
}

/// Opens, uses (racing a cancel signal when asked), and always closes.
pub async fn session<E: Env>(env: E, p: Params) {
    let conn = env
        .task("open".to_string(), Connection::open(env.clone(), p.open))
        .await;
    let used = env.try_task("use".to_string(), conn.use_it(p.use_for, p.outcome == UseOutcome::Fail));
    let result = if p.outcome == UseOutcome::Cancel {
        let cancel = env.sleep(p.cancel_after);
        match select(Box::pin(used), Box::pin(cancel)).await {
            Either::Left((result, _)) => result,
            Either::Right(((), _)) => Err("cancelled".to_string()), // `used` is dropped here
        }
    } else {
        used.await
    };
    env.log(format!("use ended: {result:?}; closing"));
    env.task("close".to_string(), conn.close(p.close)).await;
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "session", move |t| async move {
        let session = t.task("session".to_string(), session(t.clone(), p));
        if p.outcome == UseOutcome::DropSession {
            let at = p.open + p.cancel_after;
            let _ = select(Box::pin(session), Box::pin(t.sleep(at))).await;
        } else {
            session.await;
        }
    })
}

impl<E: Env> std::fmt::Debug for Connection<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}
