//! The lab server on an ephemeral loopback port: static files with the
//! right MIME types and headers, and the health endpoint.

use std::net::SocketAddr;

use asyncscope_lab::{Config, Running};

mod common;

/// One GET: (status, head lower-cased, body).
async fn get(addr: SocketAddr, path: &str) -> (u16, String, Vec<u8>) {
    let r = common::get(addr, path).await;
    (r.status, r.head, r.body)
}

fn dist() -> tempdir::Dir {
    let d = tempdir::Dir::new();
    std::fs::write(d.path().join("index.html"), "<!doctype html><title>t</title>").expect("write");
    std::fs::write(d.path().join("app_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(d.path().join("app.js"), "export {}").expect("write");
    d
}

mod tempdir {
    use std::path::{Path, PathBuf};

    /// A directory removed on drop.
    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Self {
            let unique = format!(
                "asyncscope-lab-test-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            );
            let p = std::env::temp_dir().join(unique.replace(['(', ')'], ""));
            std::fs::create_dir_all(&p).expect("mkdir");
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

async fn start(d: &tempdir::Dir) -> Running {
    let config = Config::new(d.path());
    Running::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("starts")
}

/// The value of header `name` in a lower-cased response head.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::trim))
}

#[tokio::test]
async fn serves_app_files_with_exact_mime_types() {
    let d = dist();
    let server = start(&d).await;
    let (status, head, body) = get(server.addr, "/app_bg.wasm").await;
    assert_eq!(status, 200);
    assert_eq!(header(&head, "content-type"), Some("application/wasm"));
    assert_eq!(header(&head, "x-content-type-options"), Some("nosniff"));
    assert_eq!(body, b"\0asm\x01\0\0\0");
    let (status, head, _) = get(server.addr, "/").await;
    assert_eq!(status, 200);
    assert_eq!(header(&head, "content-type"), Some("text/html"));
    let (_, head, _) = get(server.addr, "/app.js").await;
    assert_eq!(header(&head, "content-type"), Some("text/javascript"));
    let (status, _, _) = get(server.addr, "/missing.css").await;
    assert_eq!(status, 404);
    server.stop().await.expect("stops cleanly");
}

#[tokio::test]
async fn health_and_unknown_api_answer_json() {
    let d = dist();
    let server = start(&d).await;
    let (status, head, body) = get(server.addr, "/api/health").await;
    assert_eq!(status, 200);
    assert_eq!(header(&head, "content-type"), Some("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["status"], "ok");
    let (status, _, body) = get(server.addr, "/api/nope").await;
    assert_eq!(status, 404);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["allowed"][0], "GET /api/health");
    server.stop().await.expect("stops cleanly");
}
