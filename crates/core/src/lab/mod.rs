//! The lab API, once: what every request to `/api/...` is answered with.
//!
//! [`plan`] is a pure function from a request (method, path, query, body)
//! to a [`Plan`] (how long to wait, the status, the body) or a [`Refusal`]
//! (a 4xx status with `{"error": ..., "allowed": ...}`). The lab server
//! (`asyncscope-lab`) turns a plan into an HTTP response; the simulated lab
//! ([`sim`]) turns it into a [`crate::net::Response`] paced on an `Env`'s
//! clock. Both therefore speak the same paths with the same bounds
//! ([`limits`]) and the same answers; the lab crate's `tests/contract.rs`
//! sends one table of requests through both and compares them.

mod contract;
pub mod sim;

pub use contract::{Body, BodyError, Download, FlakyCounter, LabRequest, Plan, Refusal, health_body, plan};

/// The endpoints, in the order a 404 lists them.
pub const ENDPOINTS: [&str; 7] = [
    "GET /api/health",
    "GET /api/delay/{ms}?status=&jitter_ms=&fail_rate=&seed=",
    "GET /api/status/{code}",
    "GET /api/bytes/{n}?chunk=&interval_ms=",
    "POST /api/echo",
    "GET /api/flaky/{key}?fail_first=",
    "GET /api/stats",
];

/// The lab API's bounds, shared by the lab server and the simulated lab.
pub mod limits {
    /// `GET /api/delay/{ms}`: the largest delay, in milliseconds.
    pub const MAX_DELAY_MS: u64 = 30_000;
    /// `jitter_ms`: the most extra delay, in milliseconds.
    pub const MAX_JITTER_MS: u64 = 30_000;
    /// `GET /api/bytes/{n}`: the most bytes (64 MiB).
    pub const MAX_BYTES: u64 = 64 * 1024 * 1024;
    /// `chunk`: the largest chunk, in bytes (1 MiB).
    pub const MAX_CHUNK: u64 = 1024 * 1024;
    /// `chunk`: the default chunk, in bytes (64 KiB).
    pub const DEFAULT_CHUNK: u64 = 64 * 1024;
    /// `interval_ms`: the longest pause between chunks.
    pub const MAX_INTERVAL_MS: u64 = 10_000;
    /// `POST /api/echo`: the largest body (1 MiB).
    pub const MAX_ECHO_BYTES: usize = 1024 * 1024;
    /// `fail_first`: the most failures a flaky key can be asked for.
    pub const MAX_FAIL_FIRST: u32 = 100;
    /// The longest a download may take by its own pauses, in ms (10 min).
    pub const MAX_DOWNLOAD_MS: u64 = 600_000;
    /// The most flaky keys the lab remembers (the least recently called
    /// is forgotten first).
    pub const MAX_FLAKY_KEYS: usize = 10_000;
    /// A flaky key: at most this many characters of `A-Z a-z 0-9 _ -`.
    pub const MAX_KEY_LEN: usize = 64;
}
