//! The lab server on an ephemeral loopback port, through hyper's client:
//! static files with the right MIME types and headers, and the health
//! endpoint.

use asyncscope_lab::{Config, Running};
use common::get;

mod common;

fn dist() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(d.path().join("index.html"), "<!doctype html><title>t</title>").expect("write");
    std::fs::write(d.path().join("app_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(d.path().join("app.js"), "export {}").expect("write");
    d
}

async fn start(d: &tempfile::TempDir) -> Running {
    let config = Config::new(d.path());
    Running::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("starts")
}

#[tokio::test]
async fn serves_app_files_with_exact_mime_types() {
    let d = dist();
    let server = start(&d).await;
    let r = get(server.addr, "/app_bg.wasm").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.body, b"\0asm\x01\0\0\0");
    let r = get(server.addr, "/").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html"));
    let r = get(server.addr, "/app.js").await;
    assert_eq!(r.header("content-type"), Some("text/javascript"));
    assert_eq!(get(server.addr, "/missing.css").await.status, 404);
    server.stop().await.expect("stops cleanly");
}

#[tokio::test]
async fn health_and_unknown_api_answer_json() {
    let d = dist();
    let server = start(&d).await;
    let r = get(server.addr, "/api/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json()["status"], "ok");
    let r = get(server.addr, "/api/nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["allowed"][0], "GET /api/health");
    server.stop().await.expect("stops cleanly");
}

/// A symbolic link inside `dist/` is not followed: it cannot expose a file
/// outside it.
#[cfg(unix)]
#[tokio::test]
async fn symbolic_links_inside_dist_are_not_served() {
    let d = dist();
    let outside = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(outside.path().join("secret.txt"), "not for the web").expect("write");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), d.path().join("link.txt")).expect("a file link");
    std::os::unix::fs::symlink(outside.path(), d.path().join("dir")).expect("a directory link");
    let server = start(&d).await;
    for path in ["/link.txt", "/dir/secret.txt", "/dir%2Fsecret.txt", "/./link.txt"] {
        let r = get(server.addr, path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&r.body).contains("not for the web"), "{path}");
    }
    assert_eq!(get(server.addr, "/app.js").await.status, 200, "plain files still are");
    server.stop().await.expect("stops");
}
