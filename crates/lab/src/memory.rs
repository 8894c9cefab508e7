//! Giving freed memory back to the system once the load drops.
//!
//! glibc's `malloc` hands memory back to the system only from the top of
//! its heap. After a burst of connections (the lab soak: 1,100 at once,
//! about 57 MiB live), a few small blocks allocated late in the burst sit
//! near the top, and every freed page below them stays resident: measured
//! after the soak, 61 KiB live and 64 MiB resident (63 MiB of it free in
//! the arena). `malloc_trim(0)` returns the free pages of every arena,
//! wherever they are.
//!
//! [`Load`] counts the server's connections; [`trim_when_load_drops`]
//! looks at it periodically and trims when connections have closed since
//! the last trim and those open have fallen to half their peak since then
//! (or to none): once per drop, never under a steady load. On anything
//! but Linux with glibc there is nothing to do, and nothing is done.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// How often [`trim_when_load_drops`] looks at the load.
pub const CHECK_EVERY: Duration = Duration::from_millis(500);

/// The server's connections: open now, the most open at once since the
/// last trim, and closed so far.
#[derive(Debug, Default)]
pub struct Load {
    open: AtomicUsize,
    peak: AtomicUsize,
    closed: AtomicU64,
}

/// One open connection of a [`Load`], counted as closed when dropped.
#[derive(Debug)]
pub struct Connection(Arc<Load>);

impl Load {
    /// Counts a connection as open until the returned guard is dropped.
    pub fn open(self: &Arc<Self>) -> Connection {
        let now = self.open.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Connection(Arc::clone(self))
    }

    /// Connections open now.
    pub fn open_now(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
        self.0.closed.fetch_add(1, Ordering::SeqCst);
    }
}

/// When to trim: what the last trim saw.
#[derive(Debug, Default)]
pub struct Policy {
    closed_at_last_trim: u64,
}

impl Policy {
    /// True when `load` has dropped since the last trim that this policy
    /// allowed: some connection closed, and at most half the peak is still
    /// open. Allowing a trim starts a new period (its peak is what is open
    /// now).
    pub fn due(&mut self, load: &Load) -> bool {
        let closed = load.closed.load(Ordering::SeqCst);
        let open = load.open.load(Ordering::SeqCst);
        if closed == self.closed_at_last_trim || open > load.peak.load(Ordering::SeqCst) / 2 {
            return false;
        }
        self.closed_at_last_trim = closed;
        // A connection accepted meanwhile may be missed in the new peak:
        // the next trim then comes a little early, which is harmless.
        load.peak.store(open, Ordering::SeqCst);
        true
    }
}

/// Checks `load` every `every`, and gives free memory back (see
/// [`give_back_free_memory`]) when [`Policy::due`]. Runs until dropped.
pub async fn trim_when_load_drops(load: Arc<Load>, every: Duration) {
    let mut policy = Policy::default();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if policy.due(&load) {
            give_back_free_memory();
        }
    }
}

/// Returns the allocator's free pages to the system. True if some memory
/// was returned; always false where there is no way to ask (anything but
/// Linux with glibc, whose allocators need no asking or offer none).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn give_back_free_memory() -> bool {
    // SAFETY: `malloc_trim` takes and returns plain integers, touches only
    // glibc's own arenas (under their locks) and may be called from any
    // thread at any time; it frees no block that is in use.
    unsafe { libc::malloc_trim(0) == 1 }
}

/// Returns the allocator's free pages to the system. True if some memory
/// was returned; always false where there is no way to ask (anything but
/// Linux with glibc, whose allocators need no asking or offer none).
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back_free_memory() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_once_when_the_load_drops_and_never_under_a_steady_one() {
        let load = Arc::new(Load::default());
        let mut policy = Policy::default();
        assert!(!policy.due(&load), "nothing happened yet");
        let mut burst: Vec<Connection> = (0..100).map(|_| load.open()).collect();
        assert!(!policy.due(&load), "a load that only grew");
        // Connections come and go at a steady level: no trim.
        for _ in 0..10 {
            burst.pop();
            burst.push(load.open());
            assert!(!policy.due(&load), "steady at {}", load.open_now());
        }
        burst.truncate(51);
        assert!(!policy.due(&load), "51 of a peak of 100 still open");
        burst.truncate(50);
        assert!(policy.due(&load), "half the peak");
        assert!(!policy.due(&load), "once per drop");
        // The new period's peak is 50: the next trim at 25.
        burst.truncate(26);
        assert!(!policy.due(&load));
        burst.clear();
        assert!(policy.due(&load), "all gone");
        assert!(!policy.due(&load));
        assert_eq!(load.open_now(), 0);
        // A lone request from a browser, once it ends.
        let one = load.open();
        assert!(!policy.due(&load));
        drop(one);
        assert!(policy.due(&load));
    }

    #[test]
    fn giving_back_is_safe_to_call_at_any_time() {
        let kept: Vec<Vec<u8>> = (0..1000).map(|i| vec![1; 100 + i]).collect();
        let _ = give_back_free_memory();
        assert!(
            kept.iter()
                .enumerate()
                .all(|(i, v)| v.len() == 100 + i && v.iter().all(|&b| b == 1))
        );
    }
}
