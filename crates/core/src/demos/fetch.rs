//! Demo 12, `fetch`: concurrent requests to the lab server, each with a
//! time limit, with their errors told apart (timeout, HTTP status, network,
//! body).
//!
//! In the browser the requests are real `fetch`es (and the page shows the
//! browser's own limit of six connections per HTTP/1.1 origin); under
//! virtual time the simulated lab answers them.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::awaits::join_all;
use serde_json::Value as Json;
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::Bilingual;
use crate::combinators::timeout;
use crate::demos::About;
use crate::env::Env;
use crate::net::{FetchError, Request};
use crate::params::{CrossRule, Param, Value, choice, declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("fetch.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "fetch";

/// Where requests go: the `network` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Network {
    /// The lab server.
    Real,
    /// The simulated lab, on the page's real clock.
    Simulated,
}

/// The `network` parameter of the demos that send requests: the lab server
/// (`real`), or the simulated lab on the page's real clock. Virtual-time
/// runs always use the simulated lab.
pub const NETWORK: Param<Network> = choice("network", "Network", "real");

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "并发请求",
    explain_en: "Every request goes out at once, each under its own time limit, and the results come back in the order asked. \
                 Errors are told apart: a timeout, an HTTP status, a network or CORS failure, a body that does not parse. \
                 In the browser, the timing strip under each request shows the browser's own limit of six connections per HTTP/1.1 origin.",
    explain_zh: "所有请求同时发出，每个都有自己的时间限制，结果按请求的顺序返回。\
                 错误被区分开：超时、HTTP 状态码、网络或 CORS 失败、无法解析的响应体。\
                 在浏览器中，每个请求下方的时间条显示出浏览器自身的限制：每个 HTTP/1.1 源最多 6 个连接。",
    asyncio: r#"async def get_one(session, url):
    async with asyncio.timeout(5):
        async with session.get(url) as r:
            r.raise_for_status()
            if r.content_type == "application/json":
                return await r.json()
            return await r.text()

async def main(urls):
    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(
            *(get_one(session, u) for u in urls), return_exceptions=True)
    ok = sum(not isinstance(r, Exception) for r in results)
    print(f"{ok}/{len(results)} succeeded")

URLS = ["/api/delay/200", "/api/delay/400", "/api/delay/600",
        "/api/delay/800", "/api/delay/1000?status=500"]

asyncio.run(main(URLS))
"#,
    differs: "aiohttp raises on an error status only when asked, as `error_for_status` does here; but a Rust request is aborted by dropping its future, with no cancellation exception to handle.",
    twins: &[
        ("join_all(requests).await", "results = await asyncio.gather("),
        (".await", "async with session.get(url) as r:"),
    ],
};

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How many requests.
        pub requests: u32 = int("requests", "Requests", 1..=50, "5"),
        /// The server's delay for the first request, in ms.
        pub min_delay_ms: u64 = int("min_delay_ms", "Shortest server delay (ms)", 0..=30_000, "200"),
        /// The server's delay for the last request, in ms.
        pub max_delay_ms: u64 = int("max_delay_ms", "Longest server delay (ms)", 0..=30_000, "1000"),
        /// Which request fails (counting from 1), if any.
        pub fail_index: Option<u32> = int("fail_index", "Which request fails (0: none)", 0..=50, "3"),
        /// The HTTP status it fails with.
        pub fail_status: u16 = int("fail_status", "Its HTTP status", 400..=599, "500").unless("fail_index", &["0"]),
        /// The time limit of each request.
        pub limit: Duration = ms("timeout_ms", "Time limit per request (ms)", 1..=60_000, "5000"),
        /// Where the requests go.
        pub network: Network = NETWORK,
    }
    rules = CHECKS;
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "10 requests",
        name_zh: "10 个请求",
        why_en: "10 requests: see the browser's 6-connection limit (run it for real)",
        why_zh: "10 个请求：看浏览器的 6 个连接限制（用真实时间运行）",
        pairs: &[("requests", "10")],
    },
    crate::params::Preset {
        name_en: "Tight time limit",
        name_zh: "严格的时间限制",
        why_en: "a 500 ms limit: the slower requests time out and are aborted",
        why_zh: "500 毫秒的限制：较慢的请求超时并被中止",
        pairs: &[("timeout_ms", "500")],
    },
    crate::params::Preset {
        name_en: "All succeed",
        name_zh: "全部成功",
        why_en: "no failing request: 5/5 succeeded",
        why_zh: "没有失败的请求：5/5 成功",
        pairs: &[("fail_index", "0")],
    },
];

impl Params {
    /// The URLs to get, in order: delays spread evenly from the shortest
    /// to the longest; the seed makes each URL distinct, so the browser's
    /// timing entries tell them apart.
    pub fn urls(&self) -> Vec<String> {
        let (n, min, max) = (u64::from(self.requests), self.min_delay_ms, self.max_delay_ms);
        let fail = self.fail_index.map_or(0, u64::from);
        (0..n)
            .map(|i| {
                let delay = if n > 1 { min + (max - min) * i / (n - 1) } else { min };
                let status = if i + 1 == fail {
                    format!("&status={}", self.fail_status)
                } else {
                    String::new()
                };
                format!("/api/delay/{delay}?seed={i}{status}")
            })
            .collect()
    }
}

/// The delays are in order, and the failing request is one of them.
pub const CHECKS: &[CrossRule] = &[
    CrossRule {
        fields: &["min_delay_ms", "max_delay_ms"],
        check: |v| match v {
            [Value::Int(min), Value::Int(max)] if max < min => Err(Bilingual::new(
                format!("max_delay_ms must be at least min_delay_ms ({min}); got {max}"),
                format!("max_delay_ms 必须不小于 min_delay_ms（{min}）；收到 {max}"),
            )),
            _ => Ok(()),
        },
    },
    CrossRule {
        fields: &["requests", "fail_index"],
        check: |v| match v {
            [Value::Int(n), Value::Int(fail)] if fail > n => Err(Bilingual::new(
                format!("fail_index must be from 0 to the number of requests ({n}); got {fail}"),
                format!("fail_index 必须在 0 到请求数（{n}）之间；收到 {fail}"),
            )),
            _ => Ok(()),
        },
    },
];

/// Why one request gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the time limit (the request was aborted).
    Timeout(Duration),
    /// The server answered with an error status.
    Http(u16),
    /// No answer at all: unreachable, refused, or blocked (CORS).
    Network(String),
    /// An answer whose body could not be read or parsed.
    Body(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Timeout(after) => write!(f, "timed out after {} ms", after.as_millis()),
            Failure::Http(code) => write!(f, "HTTP {code}"),
            Failure::Network(why) => write!(f, "network error: {why}"),
            Failure::Body(why) => write!(f, "bad body: {why}"),
        }
    }
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Status(code) => Failure::Http(code),
            FetchError::Body(why) => Failure::Body(why),
            FetchError::Network(why) | FetchError::Unavailable(why) => Failure::Network(why),
        }
    }
}

// --- the code the page shows -------------------------------------------

/// One GET with a time limit. The body is parsed as JSON when the server
/// says it is JSON, and kept as text otherwise.
pub async fn get_one<E: Env>(env: E, url: String, limit: Duration) -> Result<Json, Failure> {
    let response = timeout(&env, limit, env.fetch(Request::get(url)))
        .await
        .map_err(|_| Failure::Timeout(limit))??;
    let response = response.error_for_status()?;
    if response.is_json() {
        Ok(response.json()?)
    } else {
        Ok(Json::String(response.body))
    }
}

/// Every request at once; the results come back in the order asked.
pub async fn fetch_all<E: Env>(env: E, urls: Vec<String>, limit: Duration) -> Vec<Result<Json, Failure>> {
    let requests = urls
        .into_iter()
        .enumerate()
        .map(|(i, url)| env.try_task(format!("request{i}"), get_one(env.clone(), url, limit)));
    let results = join_all(requests).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    env.log(format!("{ok}/{} succeeded", results.len()));
    results
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it. Nothing happens until that future is polled; dropping it aborts
/// every request.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let traced = Traced::new(env);
    let (t, urls, limit) = (traced.clone(), params.urls(), params.limit);
    let work = async move {
        let e = t.clone();
        t.task("main".to_string(), async move {
            fetch_all(e, urls, limit).await;
        })
        .await;
    };
    (vec![("requests", traced)], work)
}
