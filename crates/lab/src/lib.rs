//! # asyncscope-lab
//!
//! The lab server: serves the built app from `dist/` (gzip or brotli as the
//! browser asks, precompressed at build time where [`precompress`] made a
//! variant, on the fly otherwise; hashed files cached for a year, the rest
//! checked again each time; under a Content-Security-Policy) and the JSON API the
//! demos call (see [`api::ENDPOINTS`]). It binds to loopback by default,
//! speaks HTTP/1.1 only (so a browser opens at most 6 connections to it, as
//! the fetch demo shows), and keeps itself alive with a cap on requests in
//! flight, header and request timeouts, and a body size limit.

pub mod api;
pub mod csp;
pub mod memory;
pub mod precompress;
pub mod stall;
pub mod stats;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::ApiState;
use crate::stats::{Stats, Tracking, track};

/// What the server serves, and its limits.
#[derive(Clone, Debug)]
pub struct Config {
    /// The built app (trunk's `dist/`). Its `index.html` is served at `/`.
    pub dist: PathBuf,
    /// API requests in flight at once; more are refused with 503.
    pub max_in_flight: usize,
    /// How long a request may take to produce its response head.
    pub request_timeout: Duration,
    /// How long a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// How long a response may wait for a client that reads nothing: a
    /// client that stops reading a long download is cut off after this, so
    /// it cannot hold a slot of `max_in_flight` for ever.
    pub write_stall_timeout: Duration,
    /// Serve the API (`true`), or only the files, as a plain static host
    /// would (for trying the page without a lab server).
    pub api: bool,
}

impl Config {
    /// The defaults, serving `dist`.
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        Self {
            dist: dist.into(),
            max_in_flight: 4096,
            request_timeout: Duration::from_secs(90),
            header_timeout: Duration::from_secs(10),
            write_stall_timeout: Duration::from_secs(30),
            api: true,
        }
    }
}

/// The server's routes: `/api/*` and the static app. Returns the router and
/// the counters behind `/api/stats`.
pub fn router(config: &Config) -> (Router, Arc<Stats>) {
    let state = ApiState::default();
    let stats = Arc::clone(&state.stats);
    let tracking = Tracking {
        stats: Arc::clone(&stats),
        slots: Arc::new(tokio::sync::Semaphore::new(config.max_in_flight)),
        cap: config.max_in_flight,
    };
    let api = api::routes(state)
        .layer(axum::middleware::from_fn_with_state(config.request_timeout, deadline))
        .layer(axum::middleware::from_fn_with_state(tracking, track));
    let dist = config.dist.clone();
    let api_on = config.api;
    let files = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let refused = through_symlink(&dist, request.uri().path());
                async move {
                    let (method, path) = (request.method().clone(), request.uri().path().to_string());
                    // `/api` and `/api/` are the API's, even where its
                    // router does not reach: its 404, listing the endpoints.
                    if api_on && (path == "/api" || path.starts_with("/api/")) {
                        return api::not_found();
                    }
                    let response = if refused {
                        use axum::response::IntoResponse;
                        StatusCode::NOT_FOUND.into_response()
                    } else {
                        let mut response = next.run(request).await;
                        let status = response.status();
                        if status.is_success() || status == StatusCode::NOT_MODIFIED {
                            response.headers_mut().insert(
                                header::CACHE_CONTROL,
                                HeaderValue::from_static(precompress::cache_control(&path)),
                            );
                        }
                        response
                    };
                    file_error_as_json(response, &method, &path)
                }
            },
        ))
        // A file without a precompressed variant the browser accepts is
        // compressed on the fly; one with is sent as it is (with its
        // `Content-Encoding`, `Content-Length` and `Vary`), and passes
        // through this layer untouched.
        .layer(CompressionLayer::new())
        .service(
            ServeDir::new(&config.dist)
                .append_index_html_on_directories(true)
                .precompressed_br()
                .precompressed_gzip(),
        );
    // Every page of the built app: the home page's build and the composer's.
    let pages: Vec<String> = std::fs::read_dir(&config.dist)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    let policy =
        HeaderValue::from_str(&csp::policy(&pages)).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let router = if config.api {
        Router::new().nest("/api", api)
    } else {
        Router::new()
    };
    let router = router
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(axum::middleware::from_fn(host_guard));
    (router, stats)
}

/// Gives a handler `limit` to produce its response head; past it, a JSON
/// 408 that says so, like every other error of the API.
async fn deadline(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let body = serde_json::json!({
                "error": format!("no answer within {} s", limit.as_secs()),
                "allowed": format!("requests that are answered within {} s", limit.as_secs()),
            });
            (StatusCode::REQUEST_TIMEOUT, axum::Json(body)).into_response()
        }
    }
}

/// A refusal of the static files, as JSON like every other error: a 405
/// names the methods allowed (`Allow` is kept); anything else that found
/// no file (a 404, a path the file system cannot even look up) is a 404
/// that names the path, quoted at most 40 characters.
fn file_error_as_json(
    response: axum::response::Response,
    method: &axum::http::Method,
    path: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = response.status();
    if status.is_success() || status.is_redirection() || status == StatusCode::NOT_MODIFIED {
        return response;
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allow = response.headers().get(header::ALLOW).cloned();
        let body = serde_json::json!({
            "error": format!("{} is not allowed here", asyncscope_core::params::quoted(method.as_str())),
            "allowed": ["GET", "HEAD"],
        });
        let mut json = (status, axum::Json(body)).into_response();
        json.headers_mut().insert(
            header::ALLOW,
            allow.unwrap_or_else(|| HeaderValue::from_static("GET,HEAD")),
        );
        return json;
    }
    if status == StatusCode::RANGE_NOT_SATISFIABLE || status == StatusCode::PRECONDITION_FAILED {
        return response;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let body = serde_json::json!({
        "error": format!("no such file: {}", asyncscope_core::params::quoted(&decoded)),
        "allowed": "the app's files under / (GET or HEAD), and the API under /api/",
    });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

/// True if serving `uri_path` from `dist` would pass through a symbolic
/// link: such files are not served, so a link inside `dist/` cannot expose
/// a file outside it. The file served may also be a directory's
/// `index.html` or a precompressed variant (`X.br`, `X.gz`): a link there
/// refuses the file too.
pub fn through_symlink(dist: &std::path::Path, uri_path: &str) -> bool {
    let is_link = |path: &std::path::Path| std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let decoded = percent_encoding::percent_decode_str(uri_path).decode_utf8_lossy();
    let mut at = dist.to_path_buf();
    for part in decoded.split('/').filter(|p| !p.is_empty() && *p != ".") {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return true,
            Ok(_) => {}
            // Nothing there: ServeDir answers 404 by itself.
            Err(_) => return false,
        }
    }
    if at.is_dir() {
        at.push("index.html");
        if is_link(&at) {
            return true;
        }
    }
    precompress::VARIANTS
        .iter()
        .any(|(_, suffix)| is_link(&precompress::with_suffix(&at, suffix)))
}

/// True for a `Host` the server answers: `localhost` or an IP address, with
/// any port. A name (`evil.example`) is refused: a page on another site
/// that points its name at 127.0.0.1 (DNS rebinding) cannot read the lab.
pub fn host_allowed(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]:8080`
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// Refuses a request whose `Host` is not [`host_allowed`], with 421 and the
/// usual JSON error. A request with no `Host` (in process) passes.
async fn host_guard(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let host = request.headers().get(header::HOST).map(|h| h.to_str().unwrap_or(""));
    match host {
        Some(host) if !host_allowed(host) => {
            let body = serde_json::json!({
                "error": format!("this server answers only for localhost or an IP address; the request was for {:?}", host.chars().take(40).collect::<String>()),
                "allowed": ["localhost", "127.0.0.1", "[::1]", "an IP address"],
            });
            (StatusCode::MISDIRECTED_REQUEST, axum::Json(body)).into_response()
        }
        _ => next.run(request).await,
    }
}

/// Serves `config` on `listener` until `shutdown` resolves, then lets the
/// requests under way finish (for at most 5 seconds).
pub async fn serve(
    listener: TcpListener,
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (router, _) = router(config);
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    // Memory freed when a burst of connections ends goes back to the system.
    let load = Arc::new(memory::Load::default());
    let trimmer = tokio::spawn(memory::trim_when_load_drops(Arc::clone(&load), memory::CHECK_EVERY));
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors or a reset before accept: keep serving.
                    eprintln!("asyncscope-lab: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let stream = stall::StallGuard::new(stream, config.write_stall_timeout);
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let open = load.open();
        tokio::spawn(async move {
            let _ = conn.await;
            drop(open);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
    trimmer.abort();
    Ok(())
}

/// A server running in the background of a tokio runtime, for tests.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Binds `addr` (port 0 picks a free one) and serves in the background.
    pub async fn start(addr: SocketAddr, config: Config) -> std::io::Result<Running> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve(listener, &config, async move {
                let _ = stopped.await;
            })
            .await
        });
        Ok(Running {
            addr,
            stop: Some(stop),
            task,
        })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops it and waits until it has.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}
