//! # asyncscope-e2e
//!
//! A harness for end-to-end tests: the built app (`dist/`) served by the
//! lab server on a free loopback port, and headless Chromium driven through
//! chromedriver over WebDriver. `cargo xtask test` builds `dist/` and sets
//! the paths; run alone, the harness says what is missing.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use asyncscope_lab::{Config, Running};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use tokio::process::{Child, Command};

/// Chromium's flags for running headless as root in a closed network.
pub const CHROME_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",
];

/// The app, its server and a browser, for one test.
pub struct Harness {
    /// The lab server serving `dist/`.
    pub server: Running,
    /// The browser.
    pub client: Client,
    driver: Child,
    /// Kills chromedriver's process group, the browser included, when the
    /// harness goes (see [`DriverGroup`]).
    _group: DriverGroup,
}

/// The process group chromedriver runs in, with the browser it starts:
/// killed whole when the harness is dropped, finished or not. A test that
/// panics never reaches [`Harness::finish`], and killing chromedriver
/// alone (`kill_on_drop`) left its Chromium running, loading the machine
/// for the tests and benchmarks after it.
struct DriverGroup(Option<u32>);

impl Drop for DriverGroup {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        }
    }
}

fn env_path(var: &str, default: impl FnOnce() -> PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(default)
}

/// Where the built app is: `$ASYNCSCOPE_DIST`, or `dist/` at the workspace root.
pub fn dist_dir() -> PathBuf {
    env_path("ASYNCSCOPE_DIST", || {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist")
    })
}

/// Where screenshots go: `target/screenshots/` at the workspace root.
pub fn screenshot_dir() -> PathBuf {
    env_path("ASYNCSCOPE_SCREENSHOTS", || {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots")
    })
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Harness {
    /// Serves `dist/` and opens a headless Chromium. Panics with what to do
    /// when the app is not built or the browser is missing.
    pub async fn start() -> Harness {
        Self::start_with(true).await
    }

    /// Like [`Harness::start`], with the lab API on or off (off: the page
    /// is served as a plain static host would serve it).
    pub async fn start_with(api: bool) -> Harness {
        Self::start_with_flags(api, &[]).await
    }

    /// Like [`Harness::start_with`], with more Chromium flags (the soak's
    /// `--js-flags=--expose-gc`, say).
    pub async fn start_with_flags(api: bool, flags: &[&str]) -> Harness {
        Self::start_serving(dist_dir(), api, flags).await
    }

    /// Like [`Harness::start_with_flags`], serving the built app in `dist`
    /// (a copy of [`dist_dir`] with a file missing, say).
    pub async fn start_serving(dist: PathBuf, api: bool, flags: &[&str]) -> Harness {
        assert!(
            dist.join("index.html").is_file(),
            "{} has no index.html: build the app first (`cargo xtask test` does it)",
            dist.display()
        );
        let mut config = Config::new(dist);
        config.api = api;
        let server = Running::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
            .await
            .expect("lab server starts");

        let chromedriver = env_path("CHROMEDRIVER", || PathBuf::from("/usr/bin/chromedriver"));
        let chrome = env_path("CHROME", || PathBuf::from("/usr/bin/chromium"));
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e} (`cargo xtask test` installs it)",
                    chromedriver.display()
                )
            });
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "args": CHROME_ARGS.iter().chain(flags).collect::<Vec<_>>(),
                "binary": chrome.to_string_lossy(),
            }),
        );
        let client = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with headless Chromium");
        Harness {
            server,
            client,
            _group: DriverGroup(driver.id()),
            driver,
        }
    }

    /// The lab server's `/api/stats`, over HTTP with hyper's client.
    pub async fn lab_stats(&self) -> serde_json::Value {
        use http_body_util::{BodyExt, Empty};
        let stream = tokio::net::TcpStream::connect(self.server.addr)
            .await
            .expect("connect to the lab");
        let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("an HTTP/1.1 connection");
        tokio::spawn(conn);
        let request = hyper::Request::get("/api/stats")
            .header(hyper::header::HOST, "localhost")
            .body(Empty::<hyper::body::Bytes>::new())
            .expect("a request");
        let response = sender.send_request(request).await.expect("stats answered");
        let body = response.into_body().collect().await.expect("the body").to_bytes();
        serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("stats are not JSON ({e}): {}", String::from_utf8_lossy(&body)))
    }

    /// Opens `route` (`semaphore?limit=2`), presses "Run in virtual time"
    /// and waits until the run is done.
    pub async fn run_virtual(&self, route: &str) {
        self.open(&format!("/#/{route}")).await;
        self.click("#run-virtual:not([disabled])").await;
        self.wait_for(".runner[data-state=done]", Duration::from_secs(30)).await;
    }

    /// The value of the form control `css`.
    pub async fn value(&self, css: &str) -> String {
        let el = self.wait_for(css, Duration::from_secs(10)).await;
        el.prop("value").await.ok().flatten().unwrap_or_default()
    }

    /// Opens `path` (such as `/#/gather`) on the lab server, and waits
    /// until the app shows a view there: a demo's address on the home
    /// page's build goes on to `demo.html`, and the composer's to
    /// `compose.html` (`ToPage`), so the page that answers may be another.
    /// On a demo's page, it also waits until the code pane has its texts
    /// (or says they failed).
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.server.url()))
            .await
            .expect("page loads");
        // A demo's code pane settles too: its texts loaded (or failed).
        let settled = "const v = document.querySelector('[data-view]');                        const c = document.querySelector('#code-panel');                        return document.readyState === 'complete' && v !== null && v.dataset.view !== 'to-page'                            && (c === null || c.dataset.texts !== 'loading');";
        let started = std::time::Instant::now();
        loop {
            // A script run while the page goes on to another is aborted:
            // that is not settled either.
            if let Ok(serde_json::Value::Bool(true)) = self.client.execute(settled, vec![]).await {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{path} shows no view within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits up to `timeout` for an element matching `css`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        self.client
            .wait()
            .at_most(timeout)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} within {timeout:?}: {e}"))
    }

    /// Waits for an element matching `css`, then clicks it.
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css, Duration::from_secs(20)).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Every element matching `css` now.
    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.expect("query runs")
    }

    /// The text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    /// The markup inside the first element matching `css`.
    pub async fn inner_html(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .prop("innerHTML")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// The attribute `name` of the first element matching `css`, as
    /// written (`None` if it has none).
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .attr(name)
            .await
            .expect("an attribute read")
    }

    /// The number in the element matching `css` (its text content, so a
    /// figure kept for scripts in a hidden element reads too).
    pub async fn number(&self, css: &str) -> u64 {
        let text = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .prop("textContent")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{css} shows {text:?}, not a number"))
    }

    /// Replaces the text of the input `css` with `value`, as a user would.
    pub async fn type_into(&self, css: &str, value: &str) {
        let input = self.client.find(Locator::Css(css)).await.expect("input exists");
        input.click().await.expect("focus");
        let current = input.prop("value").await.expect("value").unwrap_or_default();
        let erase: String = std::iter::repeat_n('\u{E003}', current.chars().count() + 2).collect();
        input.send_keys(&erase).await.expect("erase");
        input.send_keys(value).await.expect("type");
    }

    /// Chooses `value` in the `<select>` `css`, as a user would (the page
    /// sees a `change` event).
    pub async fn choose(&self, css: &str, value: &str) {
        self.wait_for(css, Duration::from_secs(10)).await;
        let script = "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
                      el.dispatchEvent(new Event('change', { bubbles: true }));";
        self.client
            .execute(script, vec![css.into(), value.into()])
            .await
            .unwrap_or_else(|e| panic!("cannot choose {value} in {css}: {e}"));
    }

    /// Presses `key` (a WebDriver key string) on the page itself.
    pub async fn press(&self, key: &str) {
        let body = self.client.find(Locator::Css("body")).await.expect("body");
        body.send_keys(key).await.expect("key");
    }

    /// Presses and releases `key` where the focus is, as the keyboard
    /// would (WebDriver actions; nothing is focused or scrolled first).
    pub async fn key(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let actions = KeyActions::new("keyboard".to_string())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(actions).await.expect("key actions");
    }

    /// Saves a PNG of the page under [`screenshot_dir`] and returns its
    /// size in pixels, read from the PNG's header.
    pub async fn screenshot(&self, name: &str) -> (u32, u32) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), &png).expect("write screenshot");
        assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]), "{name}: not a PNG");
        let be = |at: usize| {
            png.get(at..at + 4)
                .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        (be(16), be(20))
    }

    /// The bounding box of the first element matching `css`, in CSS pixels
    /// of the viewport: `[left, top, right, bottom]`.
    pub async fn rect(&self, css: &str) -> [f64; 4] {
        self.wait_for(css, Duration::from_secs(10)).await;
        let script = "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];";
        let v = self.client.execute(script, vec![css.into()]).await.expect("a box");
        let n = |i: usize| v.get(i).and_then(serde_json::Value::as_f64).unwrap_or(f64::NAN);
        [n(0), n(1), n(2), n(3)]
    }

    /// The page's viewport size in CSS pixels.
    pub async fn viewport(&self) -> (f64, f64) {
        let v = self
            .client
            .execute("return [window.innerWidth, window.innerHeight]", vec![])
            .await
            .expect("viewport");
        let n = |i: usize| v.get(i).and_then(serde_json::Value::as_f64).unwrap_or(f64::NAN);
        (n(0), n(1))
    }

    /// Saves a PNG of the whole page (the window is made as tall as the
    /// page for the shot, then restored).
    pub async fn screenshot_full(&self, name: &str) -> (u32, u32) {
        let (w, h) = self.client.get_window_size().await.expect("window size");
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(h)
            .clamp(h, 6000);
        let _ = self
            .client
            .set_window_size(u32::try_from(w).unwrap_or(1280), u32::try_from(height).unwrap_or(2000))
            .await;
        // Wait until the page has laid itself out at the new size.
        let target = f64::from(u32::try_from(height).unwrap_or(2000));
        for _ in 0..60 {
            let (_, inner) = self.viewport().await;
            if (inner - target).abs() < target * 0.2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let size = self.screenshot(name).await;
        let _ = self
            .client
            .set_window_size(u32::try_from(w).unwrap_or(1280), u32::try_from(h).unwrap_or(900))
            .await;
        size
    }

    /// Sizes the window so that its viewport is `width` × `height` CSS
    /// pixels (the window's frame, if any, is added).
    pub async fn set_viewport(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.expect("window size");
        let (w, h) = self.viewport().await;
        let (dw, dh) = (f64::from(width) - w, f64::from(height) - h);
        let mut asked = (width, height);
        if dw.abs() >= 1.0 || dh.abs() >= 1.0 {
            let grow = |base: u32, by: f64| u32::try_from((f64::from(base) + by).round() as i64).unwrap_or(base);
            asked = (grow(width, dw), grow(height, dh));
            self.client
                .set_window_size(asked.0, asked.1)
                .await
                .expect("window size");
        }
        // On a loaded machine a resize can take seconds to reach the page; a
        // test that went on at another size would measure the wrong page,
        // so this waits up to 10 s (asking again every 2 s), then stops the
        // test, saying so.
        let mut seen = (w, h);
        for attempt in 1..=200 {
            let (w, h) = self.viewport().await;
            seen = (w, h);
            if (w - f64::from(width)).abs() < 1.0 && (h - f64::from(height)).abs() < 1.0 {
                return;
            }
            if attempt % 40 == 0 {
                self.client
                    .set_window_size(asked.0, asked.1)
                    .await
                    .expect("window size");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the viewport is {}×{} after 10 s, not {width}×{height}", seen.0, seen.1);
    }

    /// A number a script returns (NaN if it returns none).
    pub async fn js_number(&self, script: &str) -> f64 {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
            .as_f64()
            .unwrap_or(f64::NAN)
    }

    /// True if the first element matching `css` lies wholly inside the
    /// viewport (no scrolling needed to see it).
    pub async fn in_view(&self, css: &str) -> bool {
        let [left, top, right, bottom] = self.rect(css).await;
        let (w, h) = self.viewport().await;
        left >= -0.5 && top >= -0.5 && right <= w + 0.5 && bottom <= h + 0.5 && bottom > top
    }

    /// Opens a link that carries parameters or a seed (which runs in
    /// virtual time as the page opens) and waits until that run is done.
    pub async fn open_link(&self, path: &str) {
        self.open(path).await;
        self.wait_for(
            ".runner[data-state=done], .runner[data-state=idle]",
            Duration::from_secs(60),
        )
        .await;
    }

    /// Runs `source` in every document the browser opens from now on,
    /// before the page's own scripts (a Chrome DevTools command, so the
    /// page's Content-Security-Policy does not apply to it).
    pub async fn on_new_document(&self, source: &str) {
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": source }),
        )
        .await;
    }

    /// Sends a Chrome DevTools Protocol command (`Runtime.evaluate`, say)
    /// and returns its result.
    pub async fn cdp(&self, cmd: &'static str, params: serde_json::Value) -> serde_json::Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// Closes the browser, the driver and the server.
    pub async fn finish(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
        self.server.stop().await.expect("server stops");
    }
}

/// A Chrome DevTools Protocol command, sent through chromedriver's
/// `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
