//! [`with_retry`]: try an operation again after failures, waiting longer
//! each time.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::LocalBoxFuture;

use crate::env::Env;
use crate::recorder::Recorder;
use crate::trace::{EventKind, SiteId};

/// How the delay between attempts is randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly the computed delay.
    None,
    /// Anywhere from zero to the computed delay ("full jitter").
    Full,
    /// Half the delay, plus anywhere up to the other half ("equal jitter").
    Equal,
}

/// When and how often to try again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub attempts: u32,
    /// The delay after the first failure.
    pub base: Duration,
    /// Each further delay is the previous one times this (at least 1).
    pub factor: f64,
    /// No delay is longer than this.
    pub max_delay: Duration,
    /// How the delay is randomised, from the environment's seeded source.
    pub jitter: Jitter,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            base: Duration::from_millis(100),
            factor: 2.0,
            max_delay: Duration::from_secs(10),
            jitter: Jitter::None,
        }
    }
}

impl RetryPolicy {
    /// The wait after `failures` failed attempts (1 for the first), with
    /// jitter drawn from `random`.
    pub fn delay(&self, failures: u32, random: u64) -> Duration {
        let exp = failures.saturating_sub(1).min(64) as i32;
        let raw = self.base.as_secs_f64() * self.factor.max(1.0).powi(exp);
        let capped = raw.min(self.max_delay.as_secs_f64()).max(0.0);
        let delay = Duration::from_secs_f64(capped);
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        let mut rng = fastrand::Rng::with_seed(random);
        match self.jitter {
            Jitter::None => delay,
            Jitter::Full => Duration::from_micros(rng.u64(0..=micros)),
            Jitter::Equal => Duration::from_micros(micros / 2 + rng.u64(0..=micros - micros / 2)),
        }
    }
}

/// Future for [`with_retry`].
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct WithRetry<T, Er> {
    inner: LocalBoxFuture<'static, Result<T, Er>>,
    recorder: Recorder,
    site: Option<SiteId>,
}

/// Calls `attempt(n)` (n from 1) until it succeeds, an error does not pass
/// `retry_if`, or `policy.attempts` are used up; between attempts it waits
/// as the policy says. Yields the first success or the last error. Records
/// each attempt and each backoff.
#[track_caller]
pub fn with_retry<E, T, Er, Fut, A, R>(env: &E, policy: RetryPolicy, retry_if: R, mut attempt: A) -> WithRetry<T, Er>
where
    E: Env,
    T: 'static,
    Er: 'static,
    Fut: Future<Output = Result<T, Er>> + 'static,
    A: FnMut(u32) -> Fut + 'static,
    R: Fn(&Er) -> bool + 'static,
{
    let recorder = env.recorder();
    let site = recorder.site(Location::caller());
    let env = env.clone();
    let rec = recorder.clone();
    let inner = Box::pin(async move {
        let attempts = policy.attempts.max(1);
        let mut number = 1;
        loop {
            rec.event(EventKind::Attempt { number });
            match attempt(number).await {
                Ok(value) => return Ok(value),
                Err(error) if number >= attempts || !retry_if(&error) => return Err(error),
                Err(_) => {
                    let delay = policy.delay(number, env.random());
                    rec.event(EventKind::Backoff { delay: delay.into() });
                    let deadline = env.now() + delay;
                    env.sleep_until(deadline).await;
                    number += 1;
                }
            }
        }
    });
    WithRetry { inner, recorder, site }
}

impl<T, Er> Future for WithRetry<T, Er> {
    type Output = Result<T, Er>;

    #[track_caller]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let poll = self.inner.as_mut().poll(cx);
        if poll.is_pending() {
            self.recorder.pending_at(self.site);
            crate::recorder::note_await(Location::caller());
        }
        poll
    }
}

impl<T, Er> std::fmt::Debug for WithRetry<T, Er> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithRetry").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_by_the_factor_up_to_the_cap() {
        let p = RetryPolicy {
            attempts: 6,
            base: Duration::from_millis(100),
            factor: 2.0,
            max_delay: Duration::from_millis(500),
            jitter: Jitter::None,
        };
        let d: Vec<u128> = (1..=5).map(|n| p.delay(n, 0).as_millis()).collect();
        assert_eq!(d, [100, 200, 400, 500, 500]);
    }

    #[test]
    fn jitter_stays_in_its_band_and_repeats_with_the_seed() {
        let full = RetryPolicy {
            jitter: Jitter::Full,
            ..RetryPolicy::default()
        };
        let equal = RetryPolicy {
            jitter: Jitter::Equal,
            ..RetryPolicy::default()
        };
        for seed in 0..200 {
            assert!(full.delay(2, seed) <= Duration::from_millis(200));
            let e = equal.delay(2, seed);
            assert!(
                e >= Duration::from_millis(100) && e <= Duration::from_millis(200),
                "{e:?}"
            );
            assert_eq!(full.delay(2, seed), full.delay(2, seed));
        }
        assert_ne!(full.delay(3, 1), full.delay(3, 2));
    }
}
