//! A deterministic, single-threaded executor whose clock jumps to the next
//! timer whenever nothing is runnable.
//!
//! Rules, relied on by tests and stated in `ARCHITECTURE.md`:
//! - woken tasks run in the order they were woken (FIFO);
//! - only when no task is runnable does the clock move, straight to the
//!   earliest armed timer, and it fires that one timer alone; timers with
//!   equal deadlines fire in the order they were armed;
//! - the clock never goes backwards;
//! - the random source is seeded: the same seed and the same demo give the
//!   same trace.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures::future::LocalBoxFuture;

use crate::env::Env;
use crate::lab::sim::{self, SimLab};
use crate::net::{BodyStream, FetchError, Request, Response};

/// The id the future given to `block_on` goes by in the ready queue.
const MAIN: usize = usize::MAX;

#[derive(Default)]
struct ReadyQueue(Mutex<VecDeque<usize>>);

impl ReadyQueue {
    fn push(&self, id: usize) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push_back(id);
    }

    fn pop(&self) -> Option<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
    }
}

struct TaskWaker {
    id: usize,
    queue: Arc<ReadyQueue>,
    scheduled: AtomicBool,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.scheduled.swap(true, Ordering::AcqRel) {
            self.queue.push(self.id);
        }
    }
}

struct Slot {
    fut: Option<LocalBoxFuture<'static, ()>>,
    waker: Arc<TaskWaker>,
}

struct Core {
    now: Cell<Duration>,
    next_seq: Cell<u64>,
    /// Armed timers by (deadline, registration order): the first entry is
    /// the next to fire.
    timers: RefCell<BTreeMap<(Duration, u64), Waker>>,
    tasks: RefCell<Vec<Slot>>,
    ready: Arc<ReadyQueue>,
    live: Cell<usize>,
    rng: RefCell<fastrand::Rng>,
    lab: Rc<RefCell<SimLab>>,
}

/// The virtual runtime. Build one, take its [`VirtualEnv`], spawn tasks or
/// drive a future with [`VirtualRuntime::block_on`], or advance it step by
/// step with [`VirtualRuntime::step`] and [`VirtualRuntime::run_until`].
pub struct VirtualRuntime {
    core: Rc<Core>,
}

impl Default for VirtualRuntime {
    fn default() -> Self {
        Self::with_seed(0)
    }
}

/// The environment of a [`VirtualRuntime`]: its clock, timers, spawner,
/// seeded random source and simulated lab network.
#[derive(Clone)]
pub struct VirtualEnv {
    core: Rc<Core>,
}

/// Nothing is runnable and no timer is armed, yet work is unfinished: it
/// can never complete.
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

/// What one [`VirtualRuntime::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Polled one runnable task.
    Polled,
    /// Nothing was runnable: moved the clock to this instant and fired the
    /// earliest timer.
    Fired(Duration),
    /// Nothing runnable and no timer armed.
    Idle,
}

impl VirtualRuntime {
    /// A runtime at virtual time zero whose random source has seed 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// A runtime at virtual time zero whose random source has this seed.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            core: Rc::new(Core {
                now: Cell::new(Duration::ZERO),
                next_seq: Cell::new(0),
                timers: RefCell::new(BTreeMap::new()),
                tasks: RefCell::new(Vec::new()),
                ready: Arc::new(ReadyQueue::default()),
                live: Cell::new(0),
                rng: RefCell::new(fastrand::Rng::with_seed(seed)),
                lab: Rc::new(RefCell::new(SimLab::default())),
            }),
        }
    }

    /// The environment whose clock this runtime drives.
    pub fn env(&self) -> VirtualEnv {
        VirtualEnv {
            core: Rc::clone(&self.core),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> Duration {
        self.core.now.get()
    }

    /// Spawned tasks that have not finished.
    pub fn live_tasks(&self) -> usize {
        self.core.live.get()
    }

    /// The deadline of the earliest armed timer.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.core.timers.borrow().first_key_value().map(|((d, _), _)| *d)
    }

    /// Polls `fut`, and every task spawned meanwhile, until `fut` completes.
    /// Returns [`Stalled`] if it is pending with nothing runnable and no
    /// timer left. Spawned tasks still running are left for later steps.
    pub fn block_on<F: Future>(&self, fut: F) -> Result<F::Output, Stalled> {
        match self.block_on_bounded(fut, || false)? {
            Some(out) => Ok(out),
            // `stop` never says so: unreachable, but said as a stall rather
            // than a panic.
            None => Err(Stalled { at: self.now() }),
        }
    }

    /// Runs `work` as a task of its own to its end, as a page runs a demo:
    /// if it stalls, [`Stalled`] comes back and `work` stays in the
    /// runtime, pending, instead of being dropped, so a snapshot of its
    /// traces shows who waits on what (a deadlock's tasks are still
    /// waiting, not cancelled). `stop` bounds the run as in
    /// [`VirtualRuntime::block_on_bounded`].
    pub fn run_to_end(
        &self,
        work: impl Future<Output = ()> + 'static,
        stop: impl FnMut() -> bool,
    ) -> Result<Option<()>, Stalled> {
        let (done, finished) = futures::channel::oneshot::channel::<()>();
        self.env().spawn_boxed(Box::pin(async move {
            work.await;
            let _ = done.send(());
        }));
        self.block_on_bounded(
            async move {
                let _ = finished.await;
            },
            stop,
        )
    }

    /// [`VirtualRuntime::block_on`] with a bound: every few hundred steps
    /// it asks `stop`, and if that says so it gives up, leaving `fut` and
    /// the tasks unfinished, and returns `Ok(None)`. A run whose trace has
    /// filled up (say) ends there, at once, instead of running on for
    /// minutes with nothing recorded.
    pub fn block_on_bounded<F: Future>(
        &self,
        fut: F,
        mut stop: impl FnMut() -> bool,
    ) -> Result<Option<F::Output>, Stalled> {
        let mut fut = pin!(fut);
        let main = Arc::new(TaskWaker {
            id: MAIN,
            queue: Arc::clone(&self.core.ready),
            scheduled: AtomicBool::new(true),
        });
        let waker = Waker::from(Arc::clone(&main));
        self.core.ready.push(MAIN);
        for turn in 0u64.. {
            if turn % 256 == 255 && stop() {
                return Ok(None);
            }
            match self.core.ready.pop() {
                Some(MAIN) => {
                    main.scheduled.store(false, Ordering::Release);
                    if let Poll::Ready(out) = fut.as_mut().poll(&mut Context::from_waker(&waker)) {
                        return Ok(Some(out));
                    }
                }
                Some(id) => self.poll_task(id),
                None => {
                    if self.fire_next(None).is_none() {
                        return Err(Stalled { at: self.now() });
                    }
                }
            }
        }
        Ok(None)
    }

    /// Does one thing: polls the next runnable task, or, if none is
    /// runnable, moves the clock to the earliest timer and fires it.
    pub fn step(&self) -> Step {
        loop {
            match self.core.ready.pop() {
                // A stale wake of a finished block_on: nothing to poll.
                Some(MAIN) => continue,
                Some(id) => {
                    self.poll_task(id);
                    return Step::Polled;
                }
                None => return self.fire_next(None).map_or(Step::Idle, Step::Fired),
            }
        }
    }

    /// Runs everything that is due up to and including the instant
    /// `deadline`, then sets the clock to it (if it is later than now).
    pub fn run_until(&self, deadline: Duration) {
        loop {
            match self.core.ready.pop() {
                Some(MAIN) => {}
                Some(id) => self.poll_task(id),
                None => {
                    if self.fire_next(Some(deadline)).is_none() {
                        break;
                    }
                }
            }
        }
        if deadline > self.now() {
            self.core.now.set(deadline);
        }
    }

    /// Runs until every spawned task has finished. [`Stalled`] if some
    /// cannot: pending with nothing runnable and no timer armed.
    pub fn run(&self) -> Result<(), Stalled> {
        loop {
            if self.step() == Step::Idle {
                return if self.core.live.get() == 0 {
                    Ok(())
                } else {
                    Err(Stalled { at: self.now() })
                };
            }
        }
    }

    fn poll_task(&self, id: usize) {
        let taken = {
            let tasks = self.core.tasks.borrow();
            tasks.get(id).map(|slot| (slot.fut.is_some(), Arc::clone(&slot.waker)))
        };
        let Some((true, task_waker)) = taken else {
            return;
        };
        let Some(mut fut) = self.core.tasks.borrow_mut().get_mut(id).and_then(|s| s.fut.take()) else {
            return;
        };
        task_waker.scheduled.store(false, Ordering::Release);
        let waker = Waker::from(task_waker);
        match fut.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(()) => {
                self.core.live.set(self.core.live.get() - 1);
                // Dropped outside any borrow: its drop may wake or spawn.
                drop(fut);
            }
            Poll::Pending => {
                if let Some(slot) = self.core.tasks.borrow_mut().get_mut(id) {
                    slot.fut = Some(fut);
                }
            }
        }
    }

    /// Fires the earliest timer if there is one (due by `limit`, if given).
    fn fire_next(&self, limit: Option<Duration>) -> Option<Duration> {
        let next = {
            let mut timers = self.core.timers.borrow_mut();
            match timers.first_key_value() {
                Some(((deadline, _), _)) if limit.is_none_or(|l| *deadline <= l) => timers.pop_first(),
                _ => None,
            }
        };
        let ((deadline, _), waker) = next?;
        if deadline > self.core.now.get() {
            self.core.now.set(deadline);
        }
        waker.wake();
        Some(self.core.now.get())
    }
}

impl Drop for VirtualRuntime {
    fn drop(&mut self) {
        // Tasks hold environments that hold the core: drop them now, so the
        // cycle breaks and each records its cancellation.
        let tasks: Vec<Slot> = std::mem::take(&mut *self.core.tasks.borrow_mut());
        for mut slot in tasks {
            drop(slot.fut.take());
        }
        self.core.timers.borrow_mut().clear();
    }
}

impl Env for VirtualEnv {
    fn now(&self) -> Duration {
        self.core.now.get()
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static + use<> {
        VirtualSleep {
            core: Rc::clone(&self.core),
            deadline: self.now().saturating_add(duration),
            key: None,
        }
    }

    fn spawn_boxed(&self, fut: LocalBoxFuture<'static, ()>) {
        let mut tasks = self.core.tasks.borrow_mut();
        let id = tasks.len();
        let waker = Arc::new(TaskWaker {
            id,
            queue: Arc::clone(&self.core.ready),
            scheduled: AtomicBool::new(true),
        });
        tasks.push(Slot { fut: Some(fut), waker });
        self.core.live.set(self.core.live.get() + 1);
        self.core.ready.push(id);
    }

    fn fetch(&self, request: Request) -> impl Future<Output = Result<Response, FetchError>> + 'static + use<> {
        sim::simulated_fetch(self, &self.core.lab, request)
    }

    fn fetch_stream(&self, request: Request) -> impl Future<Output = Result<BodyStream, FetchError>> + 'static + use<> {
        sim::simulated_fetch_stream(self, &self.core.lab, request)
    }

    fn block_for(&self, duration: Duration) {
        // The thread is busy: time passes, and nothing else happens.
        self.core.now.set(self.core.now.get().saturating_add(duration));
    }

    fn random(&self) -> u64 {
        self.core.rng.borrow_mut().u64(..)
    }
}

/// A virtual timer. Dropping it disarms it.
#[must_use = "futures do nothing unless you .await or poll them"]
struct VirtualSleep {
    core: Rc<Core>,
    deadline: Duration,
    key: Option<(Duration, u64)>,
}

impl Future for VirtualSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let key = match self.key {
            // Registered: done once the executor has fired it (taken it
            // out of the timers), not merely once the clock has passed its
            // deadline, so that timers due together fire in the order
            // they were armed, each in its own turn, as in a browser.
            Some(key) if !self.core.timers.borrow().contains_key(&key) => {
                self.key = None;
                self.deadline = Duration::MAX;
                return Poll::Ready(());
            }
            Some(key) => key,
            // Fired and done: stays done.
            None if self.deadline == Duration::MAX => return Poll::Ready(()),
            // First poll: always arm, even when already due, so that a
            // sleep yields to every runnable task first (a zero sleep is
            // a yield, as `setTimeout(0)` and `asyncio.sleep(0)` are).
            None => {
                let seq = self.core.next_seq.get();
                self.core.next_seq.set(seq + 1);
                let key = (self.deadline.max(self.core.now.get()), seq);
                self.key = Some(key);
                key
            }
        };
        self.core.timers.borrow_mut().insert(key, cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for VirtualSleep {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.core.timers.borrow_mut().remove(&key);
        }
    }
}

impl std::fmt::Debug for VirtualRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualRuntime")
            .field("now", &self.core.now.get())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for VirtualEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualEnv")
            .field("now", &self.core.now.get())
            .finish_non_exhaustive()
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
        assert_eq!(rt.next_deadline(), None, "the loser's timer stays armed");
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

    #[test]
    fn spawned_tasks_run_in_wake_order_and_steps_are_single() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let log = Rc::new(RefCell::new(Vec::new()));
        for (name, ms) in [("a", 20u64), ("b", 10), ("c", 20)] {
            let (env2, log) = (env.clone(), Rc::clone(&log));
            env.spawn(name, async move {
                env2.sleep(Duration::from_millis(ms)).await;
                log.borrow_mut().push((name, env2.now().as_millis()));
            })
            .detach();
        }
        assert_eq!(rt.live_tasks(), 3);
        // Three first polls, then the clock moves one timer at a time.
        assert_eq!([rt.step(), rt.step(), rt.step()], [Step::Polled; 3]);
        assert_eq!(rt.step(), Step::Fired(Duration::from_millis(10)));
        assert_eq!(rt.step(), Step::Polled);
        assert_eq!(rt.step(), Step::Fired(Duration::from_millis(20)));
        rt.run().expect("finishes");
        assert_eq!(*log.borrow(), [("b", 10), ("a", 20), ("c", 20)]);
        assert_eq!(rt.step(), Step::Idle);
    }

    #[test]
    fn run_until_stops_at_the_instant() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let hits = Rc::new(Cell::new(0));
        let (env2, hits2) = (env.clone(), Rc::clone(&hits));
        env.spawn("ticker", async move {
            for _ in 0..10 {
                env2.sleep(Duration::from_millis(100)).await;
                hits2.set(hits2.get() + 1);
            }
        })
        .detach();
        rt.run_until(Duration::from_millis(350));
        assert_eq!((hits.get(), rt.now()), (3, Duration::from_millis(350)));
        rt.run_until(Duration::from_millis(400));
        assert_eq!(hits.get(), 4, "a timer due exactly at the instant fires");
    }

    #[test]
    fn dropping_a_handle_cancels_and_detach_does_not() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let done = Rc::new(Cell::new(0));
        let make = |done: Rc<Cell<u32>>| {
            let env = env.clone();
            async move {
                env.sleep(Duration::from_millis(5)).await;
                done.set(done.get() + 1);
                7
            }
        };
        let out = rt
            .block_on(async {
                drop(env.spawn("dropped", make(Rc::clone(&done))));
                env.spawn("detached", make(Rc::clone(&done))).detach();
                env.spawn("joined", make(Rc::clone(&done))).await
            })
            .expect("runs");
        rt.run().expect("finishes");
        assert_eq!((out, done.get()), (Ok(7), 2));
    }

    #[test]
    fn a_bounded_run_stops_when_told_and_an_unbounded_one_ends() {
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let ticks = Rc::new(Cell::new(0u64));
        let t = Rc::clone(&ticks);
        let endless = async move {
            loop {
                env.sleep(Duration::from_millis(1)).await;
                t.set(t.get() + 1);
            }
        };
        let out = rt.block_on_bounded(endless, || ticks.get() >= 1000);
        assert!(matches!(out, Ok(None)), "stopped, not finished");
        assert!((1000..1300).contains(&ticks.get()), "{} ticks", ticks.get());
        let rt = VirtualRuntime::new();
        let env = rt.env();
        let done = rt.block_on_bounded(async move { env.sleep(Duration::from_millis(5)).await }, || false);
        assert_eq!(done, Ok(Some(())));
    }

    #[test]
    fn same_seed_same_numbers() {
        let draws = |seed: u64| {
            let env = VirtualRuntime::with_seed(seed).env();
            (0..3).map(|_| env.random()).collect::<Vec<u64>>()
        };
        assert_eq!(draws(9), draws(9), "the same seed, the same numbers");
        assert_ne!(draws(9), draws(10), "another seed, other numbers");
        assert_ne!(draws(9)[0], draws(10)[0], "from the first draw on");
    }
}
