//! Two clients for the lab server's tests: [`oneshot`] sends a request to
//! the `Router` in process (for what the API answers), [`send`] over a
//! real loopback socket with hyper's HTTP/1.1 client, one request per
//! connection (for what the server does with connections).
#![allow(dead_code)] // each test file uses part of it

use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tower::ServiceExt;

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// `method path` with `body` (as JSON) to `router`, in process.
pub async fn oneshot(router: &Router, method: &str, path: &str, body: &[u8]) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_vec()))
        .expect("a request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.expect("the body");
    Reply {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: body.to_vec(),
    }
}

/// `method path` with `headers` and `body` to the server at `addr`, on a
/// connection of its own.
pub async fn send_with(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, addr.to_string())
        .header(header::CONNECTION, "close")
        .body(Full::new(Bytes::copy_from_slice(body)))
        .expect("a request");
    // A header given here replaces the default (the `Host`, say).
    for (name, value) in headers {
        let name = header::HeaderName::from_bytes(name.as_bytes()).expect("a header name");
        request
            .headers_mut()
            .insert(name, header::HeaderValue::from_str(value).expect("a header value"));
    }
    let response = sender.send_request(request).await.expect("a response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the body").to_bytes();
    Reply {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: body.to_vec(),
    }
}

/// `method path` with a JSON `body` to the server at `addr`.
pub async fn send(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Reply {
    send_with(addr, method, path, &[("content-type", "application/json")], body).await
}

/// `GET path` from the server at `addr`.
pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    send(addr, "GET", path, b"").await
}
