//! Precompressed assets: `asyncscope-lab --precompress` writes `X.br` and
//! `X.gz` beside each hashed file of `dist/`, and the server sends them as
//! they are to a browser that accepts them (with `Content-Encoding`,
//! `Content-Length` and `Vary: Accept-Encoding`), compresses on the fly
//! where there is no variant, and marks hashed files immutable and every
//! other file `no-cache`. Each body is decoded and compared with the file.

use std::path::Path;

use asyncscope_lab::precompress::{self, IMMUTABLE, NO_CACHE};
use asyncscope_lab::{Config, Running};
use common::{Reply, send_with};

mod common;

const WASM: &str = "asyncscope-app-fa1bc9e5b1808c80_bg.wasm";
const JS: &str = "asyncscope-app-fa1bc9e5b1808c80.js";
const CSS: &str = "style-f04fa207b5e788e0.css";
/// Hashed, but with no variants (as if precompression had not run).
const BARE: &str = "extra-0123456789abcdef.css";
/// Not hashed: never precompressed, never immutable.
const PLAIN: &str = "plain.css";

/// Text-like content that compresses, different per file.
fn content(seed: u32, len: usize) -> Vec<u8> {
    let words = [
        "task", "poll", "wake", "sleep", "timer", "permit", "join", "select", "spawn",
    ];
    let mut out = Vec::with_capacity(len + 16);
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.extend_from_slice(words[(x % words.len() as u32) as usize].as_bytes());
        out.push(if x.is_multiple_of(7) { b'\n' } else { b' ' });
    }
    out.truncate(len);
    out
}

/// A `dist/` like trunk's, precompressed by the binary, as `cargo xtask`
/// does after the release build.
fn dist() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("a temporary directory");
    let files: [(&str, Vec<u8>); 6] = [
        ("index.html", b"<!doctype html><title>asyncscope</title>".repeat(20)),
        (WASM, content(1, 40_000)),
        (JS, content(2, 20_000)),
        (CSS, content(3, 8_000)),
        (BARE, content(4, 5_000)),
        (PLAIN, content(5, 5_000)),
    ];
    for (name, data) in files {
        std::fs::write(d.path().join(name), data).expect("write");
    }
    // A tiny hashed file that no encoding makes smaller.
    std::fs::write(d.path().join("tiny-0123456789abcdef.svg"), b"<svg/>").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asyncscope-lab"))
        .arg("--dist")
        .arg(d.path())
        .arg("--precompress")
        .output()
        .expect("the lab binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("precompressed 5 hashed files"), "{text}");
    assert!(text.contains(&format!("{WASM}: 40.0 KB, brotli 11 ")), "{text}");
    assert!(
        text.contains("tiny-0123456789abcdef.svg: 0.0 KB, brotli 11 not smaller"),
        "{text}"
    );
    std::fs::remove_file(d.path().join(format!("{BARE}.br"))).expect("remove");
    std::fs::remove_file(d.path().join(format!("{BARE}.gz"))).expect("remove");
    d
}

async fn start(d: &Path) -> Running {
    Running::start("127.0.0.1:0".parse().expect("addr"), Config::new(d))
        .await
        .expect("starts")
}

async fn fetch(server: &Running, method: &str, path: &str, accept: Option<&str>) -> Reply {
    let mut headers = vec![];
    if let Some(accept) = accept {
        headers.push(("accept-encoding", accept));
    }
    send_with(server.addr, method, path, &headers, b"").await
}

/// The body as the browser reads it: decoded by its `Content-Encoding`.
fn decoded(r: &Reply) -> Vec<u8> {
    match r.header("content-encoding") {
        None => r.body.clone(),
        Some(encoding) => precompress::decode(encoding, &r.body).expect("decodes"),
    }
}

#[test]
fn the_precompress_flag_writes_variants_beside_hashed_files_only() {
    let d = dist();
    let name = |n: &str| d.path().join(n).exists();
    for file in [WASM, JS, CSS] {
        for suffix in [".br", ".gz"] {
            let variant = d.path().join(format!("{file}{suffix}"));
            let packed = std::fs::read(&variant).expect("a variant");
            let original = std::fs::read(d.path().join(file)).expect("the file");
            let encoding = if suffix == ".br" { "br" } else { "gzip" };
            assert_eq!(
                precompress::decode(encoding, &packed).expect("decodes"),
                original,
                "{file}{suffix}"
            );
            assert!(packed.len() < original.len() / 2, "{file}{suffix}: {}", packed.len());
        }
    }
    assert!(!name("index.html.br") && !name("index.html.gz"), "not hashed");
    assert!(!name("plain.css.br") && !name("plain.css.gz"), "not hashed");
    assert!(!name("tiny-0123456789abcdef.svg.br"), "not smaller");
    assert!(
        !d.path()
            .read_dir()
            .expect("dist")
            .any(|e| { e.expect("an entry").file_name().to_string_lossy().ends_with(".partial") })
    );
}

#[tokio::test]
async fn hashed_files_are_sent_precompressed_and_immutable() {
    let d = dist();
    let server = start(d.path()).await;
    for (file, mime) in [(WASM, "application/wasm"), (JS, "text/javascript"), (CSS, "text/css")] {
        let original = std::fs::read(d.path().join(file)).expect("the file");
        let path = format!("/{file}");
        // What a browser sends, and each encoding alone.
        for (accept, encoding) in [
            ("gzip, deflate, br, zstd", "br"),
            ("br", "br"),
            ("gzip", "gzip"),
            ("br;q=0.5, gzip;q=0.9", "gzip"),
            ("br;q=0, gzip", "gzip"),
        ] {
            let r = fetch(&server, "GET", &path, Some(accept)).await;
            let context = format!("{file} with {accept:?}");
            assert_eq!(r.status, 200, "{context}");
            assert_eq!(r.header("content-encoding"), Some(encoding), "{context}");
            assert_eq!(r.header("content-type"), Some(mime), "{context}");
            assert_eq!(r.header("vary"), Some("accept-encoding"), "{context}");
            assert_eq!(r.headers.get_all("vary").iter().count(), 1, "{context}");
            assert_eq!(r.header("cache-control"), Some(IMMUTABLE), "{context}");
            let suffix = if encoding == "br" { ".br" } else { ".gz" };
            let variant = std::fs::read(d.path().join(format!("{file}{suffix}"))).expect("the variant");
            assert_eq!(r.body, variant, "{context}: the file written at build time, as it is");
            assert_eq!(
                r.header("content-length"),
                Some(variant.len().to_string().as_str()),
                "{context}"
            );
            assert_eq!(decoded(&r), original, "{context}");
        }
        // No encoding accepted: the file itself.
        for accept in [None, Some("identity")] {
            let r = fetch(&server, "GET", &path, accept).await;
            assert_eq!(r.header("content-encoding"), None, "{file} with {accept:?}");
            assert_eq!(r.header("vary"), Some("accept-encoding"), "{file} with {accept:?}");
            assert_eq!(r.header("cache-control"), Some(IMMUTABLE));
            assert_eq!(r.header("content-length"), Some(original.len().to_string().as_str()));
            assert_eq!(r.body, original);
        }
        // HEAD: the variant's length, no body.
        let r = fetch(&server, "HEAD", &path, Some("br")).await;
        let br = std::fs::metadata(d.path().join(format!("{file}.br")))
            .expect("the variant")
            .len();
        assert_eq!((r.status, r.header("content-encoding")), (200, Some("br")));
        assert_eq!(r.header("content-length"), Some(br.to_string().as_str()));
        assert!(r.body.is_empty());
    }
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn files_without_variants_are_compressed_on_the_fly() {
    let d = dist();
    let server = start(d.path()).await;
    for (path, file, cache) in [
        (format!("/{BARE}"), BARE, IMMUTABLE),
        (format!("/{PLAIN}"), PLAIN, NO_CACHE),
        ("/index.html".to_string(), "index.html", NO_CACHE),
        ("/".to_string(), "index.html", NO_CACHE),
    ] {
        let original = std::fs::read(d.path().join(file)).expect("the file");
        for (accept, encoding) in [("br", Some("br")), ("gzip", Some("gzip")), ("identity", None)] {
            let r = fetch(&server, "GET", &path, Some(accept)).await;
            let context = format!("{path} with {accept:?}");
            assert_eq!(r.status, 200, "{context}");
            assert_eq!(r.header("content-encoding"), encoding, "{context}");
            assert_eq!(r.header("vary"), Some("accept-encoding"), "{context}");
            assert_eq!(r.headers.get_all("vary").iter().count(), 1, "{context}");
            assert_eq!(r.header("cache-control"), Some(cache), "{context}");
            assert_eq!(decoded(&r), original, "{context}");
            if encoding.is_some() {
                assert!(r.body.len() < original.len(), "{context}: compressed");
            }
        }
    }
    // Too small to be worth a variant: sent as it is when asked as it is.
    let r = fetch(&server, "GET", "/tiny-0123456789abcdef.svg", Some("identity")).await;
    assert_eq!((r.status, r.body.as_slice()), (200, &b"<svg/>"[..]));
    assert_eq!(r.header("cache-control"), Some(IMMUTABLE));
    // Errors carry no caching instructions.
    let r = fetch(&server, "GET", "/missing-0123456789abcdef.js", Some("br")).await;
    assert_eq!((r.status, r.header("cache-control")), (404, None));
    server.stop().await.expect("stops");
}

/// A precompressed variant that is a symbolic link is not followed: the
/// file is refused, as a link in its own place would be.
#[cfg(unix)]
#[tokio::test]
async fn a_variant_that_is_a_symbolic_link_is_not_served() {
    let d = dist();
    let outside = tempfile::tempdir().expect("a temporary directory");
    let secret = outside.path().join("secret.br");
    std::fs::write(&secret, precompress::brotli(b"not for the web")).expect("write");
    std::os::unix::fs::symlink(&secret, d.path().join(format!("{BARE}.br"))).expect("a link");
    std::os::unix::fs::symlink(&secret, d.path().join("index.html.br")).expect("a link");
    let server = start(d.path()).await;
    for path in [format!("/{BARE}"), "/index.html".to_string(), "/".to_string()] {
        let r = fetch(&server, "GET", &path, Some("br")).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&decoded(&r)).contains("not for the web"),
            "{path}"
        );
    }
    let r = fetch(&server, "GET", &format!("/{WASM}"), Some("br")).await;
    assert_eq!(r.status, 200, "the other files still are");
    server.stop().await.expect("stops");
}
