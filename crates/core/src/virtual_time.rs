//! A deterministic, single-threaded runtime whose clock jumps to the next
//! timer whenever nothing is runnable.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use crate::env::Env;

#[derive(Default)]
struct Clock {
    now: Cell<Duration>,
    next_seq: Cell<u64>,
    /// Armed timers by (deadline, registration order): the first entry is the
    /// next to fire, and equal deadlines fire in the order they were armed.
    timers: RefCell<BTreeMap<(Duration, u64), Waker>>,
}

/// The virtual runtime. Build one, take its [`VirtualEnv`], and drive a
/// future with [`VirtualRuntime::block_on`].
#[derive(Default)]
pub struct VirtualRuntime {
    clock: Rc<Clock>,
}

/// The environment of a [`VirtualRuntime`]: its clock and timers.
#[derive(Clone)]
pub struct VirtualEnv {
    clock: Rc<Clock>,
}

/// `block_on` found the future pending with no timer left to fire: it can
/// never complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stalled {
    /// Virtual time when it stalled.
    pub at: Duration,
}

impl fmt::Display for Stalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the run stalled at {} ms: nothing is runnable and no timer is armed",
            self.at.as_millis()
        )
    }
}

impl std::error::Error for Stalled {}

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl VirtualRuntime {
    /// A runtime at virtual time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The environment whose clock this runtime drives.
    pub fn env(&self) -> VirtualEnv {
        VirtualEnv {
            clock: Rc::clone(&self.clock),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> Duration {
        self.clock.now.get()
    }

    /// Polls `fut` until it completes, firing timers one at a time in
    /// (deadline, registration) order whenever it is pending. Returns
    /// [`Stalled`] if it is pending with no timer left.
    pub fn block_on<F: Future>(&self, fut: F) -> Result<F::Output, Stalled> {
        let mut fut = pin!(fut);
        let flag = Arc::new(Flag(AtomicBool::new(true)));
        let waker = Waker::from(Arc::clone(&flag));
        let mut cx = Context::from_waker(&waker);
        loop {
            if flag.0.swap(false, Ordering::SeqCst) {
                if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                    return Ok(out);
                }
                continue;
            }
            let next = self.clock.timers.borrow_mut().pop_first();
            match next {
                Some(((deadline, _), timer_waker)) => {
                    if deadline > self.clock.now.get() {
                        self.clock.now.set(deadline);
                    }
                    timer_waker.wake();
                }
                None => return Err(Stalled { at: self.now() }),
            }
        }
    }
}

impl Env for VirtualEnv {
    fn now(&self) -> Duration {
        self.clock.now.get()
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static {
        VirtualSleep {
            clock: Rc::clone(&self.clock),
            deadline: self.now() + duration,
            key: None,
        }
    }
}

/// A virtual timer. Dropping it disarms it.
#[must_use = "futures do nothing unless you .await or poll them"]
struct VirtualSleep {
    clock: Rc<Clock>,
    deadline: Duration,
    key: Option<(Duration, u64)>,
}

impl Future for VirtualSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.clock.now.get() >= self.deadline {
            if let Some(key) = self.key.take() {
                self.clock.timers.borrow_mut().remove(&key);
            }
            return Poll::Ready(());
        }
        let key = match self.key {
            Some(key) => key,
            None => {
                let seq = self.clock.next_seq.get();
                self.clock.next_seq.set(seq + 1);
                let key = (self.deadline, seq);
                self.key = Some(key);
                key
            }
        };
        self.clock.timers.borrow_mut().insert(key, cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for VirtualSleep {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.clock.timers.borrow_mut().remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::{Either, join, select};

    #[test]
    fn clock_jumps_to_each_deadline() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let seen = rt
            .block_on(async {
                env.sleep(Duration::from_millis(250)).await;
                let a = env.now();
                env.sleep(Duration::from_secs(3600)).await;
                (a, env.now())
            })
            .expect("runs");
        assert_eq!(seen, (Duration::from_millis(250), Duration::from_millis(3_600_250)));
    }

    #[test]
    fn dropped_timer_is_disarmed() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let out = rt.block_on(async {
            match select(
                pin!(env.sleep(Duration::from_millis(10))),
                pin!(env.sleep(Duration::from_millis(99))),
            )
            .await
            {
                Either::Left(_) => "short",
                Either::Right(_) => "long",
            }
        });
        assert_eq!(out, Ok("short"));
        assert!(rt.clock.timers.borrow().is_empty(), "the loser's timer stays armed");
        assert_eq!(rt.now(), Duration::from_millis(10));
    }

    #[test]
    fn pending_forever_is_reported_not_hung() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let out = rt.block_on(async {
            env.sleep(Duration::from_millis(5)).await;
            futures::future::pending::<()>().await
        });
        assert_eq!(
            out,
            Err(Stalled {
                at: Duration::from_millis(5)
            })
        );
    }

    #[test]
    fn concurrent_sleeps_overlap() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        rt.block_on(join(
            env.sleep(Duration::from_millis(300)),
            env.sleep(Duration::from_millis(200)),
        ))
        .expect("runs");
        assert_eq!(rt.now(), Duration::from_millis(300));
    }
}
