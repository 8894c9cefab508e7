//! The job several demos share: wait a given time, as a timer or as a
//! request to the lab server (`GET /api/delay/{ms}`), and succeed or fail
//! as the demo planned. Either way the schedule is the same; with
//! requests, the page's real-time runs go over a real network.

use std::fmt;
use std::time::Duration;

use futures::future::LocalBoxFuture;
use strum::{EnumString, IntoStaticStr, VariantNames};

use crate::env::Env;
use crate::net::{FetchError, Request};
/// What a job waits on: the `work` parameter ([`super::WORK`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Work {
    /// A timer of the environment.
    Timer,
    /// A request to the lab server that answers after the same delay.
    Request,
}

/// Which of the jobs A, B and C of the race and join demos fails: the
/// `fail` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
pub enum WhichFails {
    /// None of them.
    #[strum(serialize = "none")]
    None,
    /// A.
    A,
    /// B.
    B,
    /// C.
    C,
}

/// The three jobs A, B and C of the race and join demos, taking `a`, `b`
/// and `c`, and the one that fails: `(name, duration, fails)` each.
pub fn abc(a: Duration, b: Duration, c: Duration, fails: WhichFails) -> Vec<(&'static str, Duration, bool)> {
    [
        ("A", a, WhichFails::A),
        ("B", b, WhichFails::B),
        ("C", c, WhichFails::C),
    ]
    .into_iter()
    .map(|(name, duration, which)| (name, duration, fails == which))
    .collect()
}

/// Why a job failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobError {
    /// It failed as the demo planned (a timer job that is set to fail).
    Failed(String),
    /// The server answered with an error status.
    Http(u16),
    /// No usable answer.
    Network(String),
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Failed(name) => write!(f, "{name} failed"),
            JobError::Http(code) => write!(f, "HTTP {code}"),
            JobError::Network(why) => write!(f, "network error: {why}"),
        }
    }
}

impl From<FetchError> for JobError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Status(code) => JobError::Http(code),
            other => JobError::Network(other.to_string()),
        }
    }
}

/// A job named `name` that takes `duration` and then yields its name, or
/// fails if `fails`. The timer or request is made now, so the trace points
/// at the caller's line.
#[track_caller]
pub fn job<E: Env>(
    env: &E,
    work: Work,
    name: &str,
    duration: Duration,
    fails: bool,
) -> LocalBoxFuture<'static, Result<String, JobError>> {
    let name = name.to_string();
    match work {
        Work::Timer => {
            let wait = env.sleep(duration);
            Box::pin(async move {
                wait.await;
                if fails { Err(JobError::Failed(name)) } else { Ok(name) }
            })
        }
        Work::Request => {
            let status = if fails { "&status=500" } else { "" };
            let url = format!("/api/delay/{}?seed={}{status}", duration.as_millis(), seed_of(&name));
            let request = env.fetch(Request::get(url));
            Box::pin(async move {
                request.await?.error_for_status()?;
                Ok(name)
            })
        }
    }
}

/// A distinct seed per job name, so that the browser's timing entries for
/// requests of equal delay tell them apart.
fn seed_of(name: &str) -> u64 {
    name.bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 1_000_000
}
