//! Demo 13, `download`: a response body read as a stream of chunks, with
//! progress, and a cancel that stops reading and aborts the request.

use std::future::Future;
use std::time::Duration;

use crate::awaits::{StreamExt, join};

use crate::combinators::abortable_with_cleanup;
use crate::demos::About;
use crate::demos::fetch::{NETWORK, Network};
use crate::env::Env;
use crate::net::Request;
use crate::params::{declare_params, int, ms};
use crate::traced::Traced;

pub use super::fetch::Failure;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("download.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "download";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "带进度的流式下载",
    explain_en: "The response body arrives as a stream of chunks; each chunk moves the progress bar. \
                 Cancelling drops the stream, which stops reading and aborts the request, and the server sees the client go away.",
    explain_zh: "响应体以数据块流的形式到达；每个块推动进度条前进。\
                 取消会丢弃这个流，从而停止读取并中止请求，服务器会看到客户端离开。",
    asyncio: r#"async def download(session, url):
    done = 0
    async with session.get(url) as r:
        total = r.content_length
        async for chunk in r.content.iter_chunked(64 * 1024):
            done += len(chunk)
            print(f"{100 * done // total}%")

async def main():
    async with aiohttp.ClientSession() as session:
        await download(session, "/api/bytes/1048576?chunk=65536&interval_ms=100")
"#,
    differs: "In aiohttp a cancelled download unwinds through `async with`, which closes the connection; in Rust dropping the body stream is the whole of the cancel, and the browser's AbortController is triggered from `Drop`.",
    twins: &[
        ("env.fetch_stream(", "async with session.get(url) as r:"),
        ("chunks.next().await", "async for chunk in"),
    ],
};

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// The size of the body, in KiB.
        pub size_kib: u64 = int("size_kib", "Size (KiB)", 1..=65_536, "1024"),
        /// The size of each chunk, in KiB.
        pub chunk_kib: u64 = int("chunk_kib", "Chunk (KiB)", 1..=1024, "64"),
        /// The server's pause between chunks, in ms.
        pub interval_ms: u64 = int("interval_ms", "Pause between chunks (ms)", 0..=10_000, "50"),
        /// When to cancel, if at all.
        pub cancel_at: Option<Duration> = ms("cancel_at_ms", "Cancel at (ms; 0: never)", 0..=600_000, "0"),
        /// Where the request goes.
        pub network: Network = NETWORK,
    }
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Slow",
        name_zh: "慢速",
        why_en: "slow: watch the progress bar, a chunk every 500 ms",
        why_zh: "慢速：每 500 毫秒一块，看进度条",
        pairs: &[("interval_ms", "500")],
    },
    crate::params::Preset {
        name_en: "Cancel mid-way",
        name_zh: "中途取消",
        why_en: "cancelled at 400 ms: reading stops and the request is aborted",
        why_zh: "在 400 毫秒取消：停止读取，请求被中止",
        pairs: &[("cancel_at_ms", "400")],
    },
];

impl Params {
    /// What to download.
    pub fn url(&self) -> String {
        format!(
            "/api/bytes/{}?chunk={}&interval_ms={}",
            self.size_kib * 1024,
            self.chunk_kib * 1024,
            self.interval_ms
        )
    }
}

// --- the code the page shows -------------------------------------------

/// Reads the body chunk by chunk as it arrives; returns the bytes read.
/// Every chunk is recorded, so the page draws the progress.
pub async fn download<E: Env>(env: E, url: String) -> Result<u64, Failure> {
    let body = env.fetch_stream(Request::get(url)).await?;
    if !(200..300).contains(&body.status) {
        return Err(Failure::Http(body.status));
    }
    let mut chunks = body.chunks;
    let mut done = 0;
    while let Some(chunk) = chunks.next().await {
        done += chunk?;
    }
    Ok(done)
}

/// The download as a task, which a second task cancels at `cancel_at`:
/// the download is dropped, its cleanup runs, and the browser aborts the
/// request.
pub async fn download_or_cancel<E: Env>(env: E, url: String, cancel_at: Option<Duration>) {
    let e = env.clone();
    let task = env.try_task("download".to_string(), async move {
        let result = download(e.clone(), url).await;
        e.log(match &result {
            Ok(bytes) => format!("downloaded {bytes} bytes"),
            Err(failure) => format!("download failed: {failure}"),
        });
        result
    });
    let (work, handle) = abortable_with_cleanup(&env, task, || {});
    let canceller = async {
        if let Some(at) = cancel_at {
            env.task("canceller".to_string(), async {
                env.sleep_until(at).await;
                handle.abort();
            })
            .await;
        }
    };
    let (_result, ()) = join(work, canceller).await;
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it. Dropping the future aborts the download.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let traced = Traced::new(env);
    let (t, url, cancel_at) = (traced.clone(), params.url(), params.cancel_at);
    let work = async move {
        let e = t.clone();
        t.task("main".to_string(), download_or_cancel(e, url, cancel_at)).await;
    };
    (vec![("download", traced)], work)
}
