//! # asyncscope-lab
//!
//! The lab server: serves the built app from `dist/` and the HTTP API the
//! demos call (for now `GET /api/health`; the rest of the API arrives with
//! the network demos). It binds to loopback by default.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// What the server serves.
#[derive(Clone, Debug)]
pub struct Config {
    /// The built app (trunk's `dist/`). Its `index.html` is served at `/`.
    pub dist: PathBuf,
}

/// The server's routes: `/api/*` and the static app.
pub fn router(config: &Config) -> Router {
    let api = Router::new().route("/health", get(health)).fallback(api_not_found);
    let files = ServeDir::new(&config.dist).append_index_html_on_directories(true);
    Router::new()
        .nest("/api", api)
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

async fn health() -> impl IntoResponse {
    axum::Json(serde_json::json!({ "status": "ok", "name": "asyncscope-lab", "version": env!("CARGO_PKG_VERSION") }))
}

async fn api_not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({ "error": "no such API endpoint", "allowed": ["/api/health"] })),
    )
}

/// Serves `config` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(config))
        .with_graceful_shutdown(shutdown)
        .await
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
