//! [`Recorder`]: the handle through which instrumented futures and
//! combinators write to a trace. A recorder that is off records nothing,
//! so the same combinator runs traced or untraced.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use crate::trace::{Blocker, EventKind, Nanos, Outcome, ResourceId, ResourceKind, SiteId, TaskId, Trace, WakeCause};

/// A wake as the log keeps it: the task woken, what woke it, and the task
/// being polled when its waker was called (see [`EventKind::Woken`]).
type LoggedWake = (TaskId, WakeCause, Option<TaskId>);

thread_local! {
    /// Wakes made on the thread that records them (with the executors
    /// here, every wake): appended without a lock, each with the address
    /// of the [`WakeLog`] it is for. The thread's own list: its address is
    /// how a log knows its thread ([`WakeLog::owner`]).
    static LOCAL_WAKES: RefCell<Vec<(usize, LoggedWake)>> = const { RefCell::new(Vec::new()) };
}

/// The address of this thread's [`LOCAL_WAKES`] (0 once the thread is
/// being torn down).
fn this_thread() -> usize {
    LOCAL_WAKES.try_with(|l| std::ptr::from_ref(l) as usize).unwrap_or(0)
}

/// Wakes that happened since the last recorded event. Wakers may be called
/// from anywhere, so they only append here; the next recorded event first
/// turns these into `Woken` events. A wake on the recording thread (all of
/// them, with a single-threaded executor) takes no lock: it goes to that
/// thread's list; one from another thread goes to `remote`, under a lock.
pub(crate) struct WakeLog {
    any: AtomicBool,
    /// The task being polled now, as its id plus one (0: none): kept here
    /// beside [`Shared::current`] so that a waker can read it.
    polling: AtomicU32,
    /// While a child task's waker passes its wake on to its parent's: the
    /// child, as its id plus one (0: none). The parent was woken by it.
    relay: AtomicU32,
    /// The recording thread, as [`this_thread`] there.
    owner: usize,
    /// True while `remote` may hold wakes.
    any_remote: AtomicBool,
    /// Set when its recording is dropped: a waker that outlives it (a copy
    /// a leaf still holds) then logs nothing.
    closed: AtomicBool,
    /// Wakes from other threads.
    remote: Mutex<Vec<LoggedWake>>,
}

impl WakeLog {
    /// The log of the thread calling this.
    fn new() -> Self {
        WakeLog {
            any: AtomicBool::new(false),
            polling: AtomicU32::new(0),
            relay: AtomicU32::new(0),
            owner: this_thread(),
            any_remote: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            remote: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<LoggedWake>> {
        self.remote.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// This log's address, which tags its wakes in [`LOCAL_WAKES`].
    fn addr(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    pub(crate) fn push(&self, task: TaskId, cause: WakeCause) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        let relay = self.relay.load(Ordering::Acquire);
        let id = if relay > 0 {
            relay
        } else {
            self.polling.load(Ordering::Acquire)
        };
        let from = id.checked_sub(1).map(TaskId);
        // A timer's or a request's wake comes from the event loop, even
        // when the executor happens to be inside a poll.
        let from = match cause {
            WakeCause::Timer | WakeCause::Request => None,
            _ => from,
        };
        let wake = (task, cause, from);
        let local = LOCAL_WAKES
            .try_with(|l| {
                std::ptr::from_ref(l) as usize == self.owner
                    && l.try_borrow_mut().map(|mut l| l.push((self.addr(), wake))).is_ok()
            })
            .unwrap_or(false);
        if !local {
            self.lock().push(wake);
            self.any_remote.store(true, Ordering::Release);
        }
        self.any.store(true, Ordering::Release);
    }

    /// Calls `each` on the wakes logged since the last call, in the order
    /// they came (those from other threads last).
    fn drain(&self, mut each: impl FnMut(LoggedWake)) {
        // A read-modify-write: a wake from another thread either set `any`
        // before it (and its `any_remote`, set first, is seen below) or
        // sets it after (and the next event drains it).
        self.any.swap(false, Ordering::AcqRel);
        let addr = self.addr();
        // Nothing `each` does wakes a task, so the list is not asked for
        // again while it is borrowed; were it borrowed, the next event
        // would drain it.
        let drained = LOCAL_WAKES
            .try_with(|l| {
                l.try_borrow_mut()
                    .map(|mut l| {
                        l.retain(|&(log, wake)| {
                            if log == addr {
                                each(wake);
                            }
                            log != addr
                        });
                    })
                    .is_ok()
            })
            .unwrap_or(true);
        if !drained {
            self.any.store(true, Ordering::Release);
        }
        if self.any_remote.load(Ordering::Relaxed) && self.any_remote.swap(false, Ordering::Acquire) {
            // Drained in place, so the list keeps its room.
            for wake in self.lock().drain(..) {
                each(wake);
            }
        }
    }

    /// Forgets the wakes this thread's list holds for this log: before it
    /// is used (a log that ended may have had the same address) and once it
    /// is done with.
    fn forget_local(&self) {
        let addr = self.addr();
        let _ = LOCAL_WAKES.try_with(|l| {
            if let Ok(mut l) = l.try_borrow_mut() {
                l.retain(|&(log, _)| log != addr);
            }
        });
    }
}

thread_local! {
    /// The line of the innermost `.await` in the task being polled that is
    /// pending right now (see [`note_await`]); each task's poll saves,
    /// clears and restores it around itself.
    static AWAITED_AT: Cell<Option<&'static Location<'static>>> = const { Cell::new(None) };
}

/// Says that a future polled from `loc` is pending: if `loc` is a line of
/// the code that awaits (not the core's machinery, a dependency or the
/// standard library) and no `.await` inside it said so first, it is the
/// line the task being polled is waiting at. Futures whose `poll` is
/// `#[track_caller]` call this with `Location::caller()`, which for a
/// future awaited in an `async fn` is the line of its `.await`.
pub(crate) fn note_await(loc: &'static Location<'static>) {
    if file_kind(loc.file()).await_line {
        AWAITED_AT.with(|slot| {
            if slot.get().is_none() {
                slot.set(Some(loc));
            }
        });
    }
}

/// Takes the `.await` line noted so far, leaving the slot empty.
fn take_awaited() -> Option<&'static Location<'static>> {
    AWAITED_AT.with(Cell::take)
}

/// Puts `loc` back as the `.await` line noted so far.
fn restore_awaited(loc: Option<&'static Location<'static>>) {
    AWAITED_AT.with(|slot| slot.set(loc));
}

/// What [`note_await`] and [`Shared::await_site`] need to know of a source
/// file, worked out once per file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileKind {
    /// [`is_await_line`] of the file.
    await_line: bool,
    /// A file of the combinators or the composer, whose callers' lines (or
    /// the program's) are the ones worth lighting.
    internal: bool,
}

thread_local! {
    /// [`FileKind`]s of the files seen so far, by the address of their
    /// name (a `Location`'s file is a `&'static str`): a few dozen files at
    /// most, so a list beats hashing on the hot path of every poll.
    static FILE_KINDS: RefCell<Vec<(usize, usize, FileKind)>> = const { RefCell::new(Vec::new()) };
}

/// How many files [`RECENT_FILE_KINDS`] keeps.
const RECENT_FILES: usize = 4;

thread_local! {
    /// Files asked for lately and their [`FileKind`]s, a slot per file (by
    /// its key): a task's polls ask for the same few files again and
    /// again, taking turns (the code that awaits, the combinators').
    static RECENT_FILE_KINDS: [Cell<(usize, usize, FileKind)>; RECENT_FILES] = const {
        [const { Cell::new((0, 0, FileKind { await_line: false, internal: false })) }; RECENT_FILES]
    };
}

/// [`FileKind`] of `file`, from the cache when seen lately. Inlined: the
/// path of every pending poll.
#[inline]
fn file_kind(file: &'static str) -> FileKind {
    let key = (file.as_ptr() as usize, file.len());
    let slot = (key.0 ^ key.1) % RECENT_FILES;
    RECENT_FILE_KINDS.with(|recent| {
        let (p, l, kind) = recent[slot].get();
        if (p, l) == key {
            kind
        } else {
            file_kind_missed(file, key, &recent[slot])
        }
    })
}

/// [`file_kind`] of a file not seen lately: kept in `slot` for the next
/// time.
#[cold]
#[inline(never)]
fn file_kind_missed(file: &'static str, key: (usize, usize), slot: &Cell<(usize, usize, FileKind)>) -> FileKind {
    let kind = file_kind_listed(file, key);
    slot.set((key.0, key.1, kind));
    kind
}

/// [`FileKind`] of `file` (whose key is `key`), from the list of files
/// seen so far or worked out and listed.
fn file_kind_listed(file: &'static str, key: (usize, usize)) -> FileKind {
    FILE_KINDS.with(|kinds| {
        if let Some((_, _, kind)) = kinds.borrow().iter().find(|(p, l, _)| (*p, *l) == key) {
            return *kind;
        }
        let kind = FileKind {
            await_line: is_await_line(file),
            internal: ["src/combinators/", "src\\combinators\\", "src/py/", "src\\py\\"]
                .iter()
                .any(|dir| file.contains(dir)),
        };
        kinds.borrow_mut().push((key.0, key.1, kind));
        kind
    })
}

/// The core's source directory as the compiler names its files.
fn core_src() -> &'static str {
    file!().trim_end_matches("recorder.rs")
}

/// True if a line of `file` can be an await point a visitor reads: the
/// core's demos (but not `work.rs`, the shared job whose callers' lines are
/// the ones shown) and code outside the core, but not a dependency's or the
/// standard library's.
fn is_await_line(file: &str) -> bool {
    let file = file.replace('\\', "/");
    let core = core_src().replace('\\', "/");
    if let Some(rest) = file.strip_prefix(core.as_str()) {
        return rest.starts_with("demos/") && rest != "demos/work.rs";
    }
    !(file.starts_with("/rustc/")
        || file.contains("/.cargo/")
        || file.contains("/.rustup/")
        || file.contains("/rustlib/"))
}

/// What a task's poll is pending at, strongest first: the `.await` lines
/// noted through [`note_await`], then the lines that made the leaves it
/// polled ([`Recorder::pending_at`]), then the lines that made the child
/// tasks it polled.
pub(crate) struct PollSites {
    awaited: Option<&'static Location<'static>>,
    made: Option<SiteId>,
    child: Option<SiteId>,
}

/// A hasher for small keys of addresses and numbers (a site's file and
/// line): a multiply and a rotate per word, where the default hasher's
/// resistance to chosen keys is not needed (the keys are the program's own
/// source locations).
#[derive(Default)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A source line as [`Shared::site`] knows it: the address of its file's
/// name, and the line.
type SiteKey = (usize, u32);

/// Slots of [`Shared::site`]'s cache of recent lines.
const RECENT_SITES: usize = 8;

/// Per task, between two polls: nothing recorded yet, woken recorded, or
/// ended (no event may follow).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Clear,
    Woken,
    Ended,
}

/// The state behind a tracing environment.
pub(crate) struct Shared {
    clock: Box<dyn Fn() -> Duration>,
    origin: Duration,
    /// `origin` in nanoseconds.
    origin_nanos: Nanos,
    pub(crate) trace: RefCell<Trace>,
    /// The task being polled right now.
    pub(crate) current: Cell<Option<TaskId>>,
    /// The line that made the first leaf the current poll is pending at.
    pub(crate) pending_site: Cell<Option<SiteId>>,
    /// The line that made the first child task the current poll is
    /// pending on.
    pub(crate) child_site: Cell<Option<SiteId>>,
    /// How tasks dropped right now end (`Timeout` inside a timeout).
    pub(crate) drop_as: Cell<Option<Outcome>>,
    sites: RefCell<HashMap<SiteKey, SiteId, BuildHasherDefault<AddrHasher>>>,
    /// The sites asked for last, a slot each (see [`Shared::site`]).
    recent_sites: [Cell<Option<(SiteKey, SiteId)>>; RECENT_SITES],
    /// Sites of interpreted programs, by file and line.
    script_sites: RefCell<HashMap<(String, u32), SiteId>>,
    pub(crate) wakes: Arc<WakeLog>,
    marks: RefCell<Vec<Mark>>,
    /// How many tasks have ended.
    ended: Cell<usize>,
    /// Woken whenever the last live task ends (see [`Shared::settled`]).
    settle_wakers: RefCell<Vec<Waker>>,
    /// Woken at the next event recorded (see [`Shared::poll_grown`]).
    grown: RefCell<Option<Waker>>,
    /// True while [`Shared::grown`] holds a waker (checked at each event,
    /// cheaper than the cell).
    watched: Cell<bool>,
}

impl Drop for Shared {
    /// Its wakes not yet recorded leave this thread's list with it, and
    /// its wakers log no more.
    fn drop(&mut self) {
        self.wakes.closed.store(true, Ordering::Release);
        self.wakes.forget_local();
    }
}

impl Shared {
    pub(crate) fn new(clock: Box<dyn Fn() -> Duration>, capacity: usize) -> Self {
        let origin = clock();
        let wakes = Arc::new(WakeLog::new());
        wakes.forget_local();
        Self {
            clock,
            origin,
            origin_nanos: Nanos::from(origin),
            trace: RefCell::new(Trace::with_capacity(capacity)),
            current: Cell::new(None),
            pending_site: Cell::new(None),
            child_site: Cell::new(None),
            drop_as: Cell::new(None),
            sites: RefCell::new(HashMap::default()),
            recent_sites: Default::default(),
            script_sites: RefCell::new(HashMap::new()),
            wakes,
            marks: RefCell::new(Vec::new()),
            ended: Cell::new(0),
            settle_wakers: RefCell::new(Vec::new()),
            grown: RefCell::new(None),
            watched: Cell::new(false),
        }
    }

    /// Makes `task` the task being polled (or none), returning the one
    /// before.
    pub(crate) fn set_current(&self, task: Option<TaskId>) -> Option<TaskId> {
        self.wakes
            .polling
            .store(task.map_or(0, |t| t.0.saturating_add(1)), Ordering::Release);
        self.current.replace(task)
    }

    /// Time since the origin.
    pub(crate) fn now(&self) -> Duration {
        (self.clock)().saturating_sub(self.origin)
    }

    /// [`Shared::now`] in whole nanoseconds, as an event's time.
    fn now_nanos(&self) -> Nanos {
        Nanos::from((self.clock)()).saturating_sub(self.origin_nanos)
    }

    pub(crate) fn add_task(&self, name: String, site: Option<SiteId>) -> TaskId {
        let id = self.trace.borrow_mut().add_task_with(name, self.current.get(), site);
        self.marks.borrow_mut().push(Mark::Clear);
        id
    }

    /// Records `kind` for `task` now, after any wakes that came first.
    /// Events for a task that has ended are not recorded (the trace's
    /// invariant: nothing follows a task's end) but counted
    /// ([`Trace::refused`]).
    ///
    /// The path of every event: the wakes, an end and a watcher are each
    /// worked out away from it, since most events have none of them.
    pub(crate) fn record(&self, task: TaskId, kind: EventKind) {
        let at = self.now_nanos();
        if self.wakes.any.load(Ordering::Relaxed) {
            self.record_wakes(at);
        }
        let mut marks = self.marks.borrow_mut();
        let mark = match marks.get_mut(task.0 as usize) {
            Some(mark) if *mark != Mark::Ended => mark,
            _ => {
                drop(marks);
                self.trace.borrow_mut().refuse();
                return;
            }
        };
        match kind {
            EventKind::PollStart => *mark = Mark::Clear,
            EventKind::Completed { .. } => {
                *mark = Mark::Ended;
                let tasks = marks.len();
                drop(marks);
                self.task_ended(tasks);
            }
            _ => {}
        }
        self.trace.borrow_mut().push_at(at, task, kind);
        if self.watched.get() {
            self.wake_watcher();
        }
    }

    /// Turns the wakes logged since the last event into `Woken` events at
    /// `at`, once per task between two polls.
    #[cold]
    #[inline(never)]
    fn record_wakes(&self, at: Nanos) {
        let mut trace = self.trace.borrow_mut();
        let mut marks = self.marks.borrow_mut();
        self.wakes.drain(|(woken, by, from)| {
            if let Some(mark) = marks.get_mut(woken.0 as usize)
                && *mark == Mark::Clear
            {
                *mark = Mark::Woken;
                trace.push_at(at, woken, EventKind::Woken { by, from });
            }
        });
    }

    /// Counts a task's end; when it was the last of `tasks`, wakes those
    /// waiting for the run to settle.
    #[cold]
    #[inline(never)]
    fn task_ended(&self, tasks: usize) {
        self.ended.set(self.ended.get() + 1);
        if self.ended.get() == tasks {
            for waker in self.settle_wakers.borrow_mut().drain(..) {
                waker.wake();
            }
        }
    }

    /// Wakes the one watching for the trace to grow (see
    /// [`Shared::poll_grown`]).
    #[cold]
    #[inline(never)]
    fn wake_watcher(&self) {
        self.watched.set(false);
        let watcher = self.grown.borrow_mut().take();
        if let Some(waker) = watcher {
            waker.wake();
        }
    }

    /// Ready once the trace's events, kept and dropped, are no longer
    /// `seen` in number; otherwise remembers the waker (one: the last to
    /// ask), to be woken at the next event recorded.
    pub(crate) fn poll_grown(&self, seen: u64, cx: &mut Context<'_>) -> Poll<()> {
        let trace = self.trace.borrow();
        if trace.events().len() as u64 + trace.dropped() != seen {
            return Poll::Ready(());
        }
        *self.grown.borrow_mut() = Some(cx.waker().clone());
        self.watched.set(true);
        Poll::Pending
    }

    /// Ready once every task made so far has ended; otherwise remembers the
    /// waker, to be woken when the last live task ends.
    pub(crate) fn settled(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.ended.get() == self.marks.borrow().len() {
            return Poll::Ready(());
        }
        let mut wakers = self.settle_wakers.borrow_mut();
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }

    /// Starts a task's poll: what the poll around it noted so far is set
    /// aside, to be given back by [`Shared::end_poll`].
    pub(crate) fn start_poll(&self) -> PollSites {
        PollSites {
            awaited: take_awaited(),
            made: self.pending_site.take(),
            child: self.child_site.take(),
        }
    }

    /// Ends a task's poll: the site it is pending at (the strongest noted),
    /// and the sites of the poll around it, as set aside by
    /// [`Shared::start_poll`], put back.
    pub(crate) fn end_poll(&self, outer: PollSites) -> Option<SiteId> {
        let awaited = take_awaited().map(|loc| self.site(loc));
        let site = awaited.or(self.pending_site.get()).or(self.child_site.get());
        restore_awaited(outer.awaited);
        self.pending_site.set(outer.made);
        self.child_site.set(outer.child);
        site
    }

    /// Says that the poll being made is pending on a child task: at the
    /// line of its `.await` when it is awaited directly (`caller`), else at
    /// `made`, the line that made the child.
    pub(crate) fn pending_on_child(&self, caller: &'static Location<'static>, made: Option<SiteId>) {
        note_await(caller);
        if self.child_site.get().is_none() {
            self.child_site.set(made);
        }
    }

    /// The site of `loc` as an await point a task can be pending at:
    /// `None` for code inside the combinators, whose own callers' lines
    /// are the ones worth lighting.
    pub(crate) fn await_site(&self, loc: &'static Location<'static>) -> Option<SiteId> {
        // The combinators' and the composer's own lines: their callers'
        // lines (or the program's) are the ones worth lighting.
        (!file_kind(loc.file()).internal).then(|| self.site(loc))
    }

    pub(crate) fn site(&self, loc: &'static Location<'static>) -> SiteId {
        let key = (loc.file().as_ptr() as usize, loc.line());
        // A task's polls ask for the same few lines again and again: a
        // slot per recent line answers most of them without hashing.
        let slot = (key.0 ^ key.1 as usize) % RECENT_SITES;
        match self.recent_sites[slot].get() {
            Some((k, id)) if k == key => id,
            _ => self.site_missed(loc, key, slot),
        }
    }

    /// [`Shared::site`] of a line not asked for lately: found or listed,
    /// and kept in `slot` for the next time. Out of line, so that the
    /// common path is short.
    #[cold]
    #[inline(never)]
    fn site_missed(&self, loc: &'static Location<'static>, key: SiteKey, slot: usize) -> SiteId {
        let known = self.sites.borrow().get(&key).copied();
        let id = known.unwrap_or_else(|| {
            let id = self.trace.borrow_mut().add_site(loc.file(), loc.line());
            self.sites.borrow_mut().insert(key, id);
            id
        });
        self.recent_sites[slot].set(Some((key, id)));
        id
    }
}

/// Where instrumentation writes. Cheap to clone; [`Recorder::off`] records
/// nothing and costs next to nothing.
#[derive(Clone, Default)]
pub struct Recorder(pub(crate) Option<Rc<Shared>>);

impl Recorder {
    /// A recorder that records nothing.
    pub fn off() -> Self {
        Recorder(None)
    }

    /// True if events go somewhere.
    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// The task made last, if any: right after a spawn, the spawned task.
    pub fn newest_task(&self) -> Option<TaskId> {
        let s = self.0.as_ref()?;
        let n = s.trace.borrow().tasks().len();
        n.checked_sub(1).map(|i| TaskId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    /// The task being polled now, if any.
    pub fn current_task(&self) -> Option<TaskId> {
        self.0.as_ref().and_then(|s| s.current.get())
    }

    /// Records `kind` for the task being polled. Outside any task (or when
    /// off) nothing is recorded.
    pub fn event(&self, kind: EventKind) {
        if let Some(s) = &self.0
            && let Some(task) = s.current.get()
        {
            s.record(task, kind);
        }
    }

    /// Records `kind` for `task`.
    pub fn event_for(&self, task: TaskId, kind: EventKind) {
        if let Some(s) = &self.0 {
            s.record(task, kind);
        }
    }

    /// An instant of the environment's clock on the trace's clock (time
    /// since the trace's origin); unchanged when off.
    pub fn trace_time(&self, env_instant: Duration) -> Duration {
        match &self.0 {
            Some(s) => env_instant.saturating_sub(s.origin),
            None => env_instant,
        }
    }

    /// Registers a resource (`None` when off).
    pub fn resource(&self, name: impl Into<String>, kind: ResourceKind) -> Option<ResourceId> {
        self.0.as_ref().map(|s| s.trace.borrow_mut().add_resource(name, kind))
    }

    /// The id of a source location (`None` when off).
    pub fn site(&self, loc: &'static Location<'static>) -> Option<SiteId> {
        self.0.as_ref().map(|s| s.site(loc))
    }

    /// The id of line `line` of an interpreted program's `file` (the
    /// composer's), as a site like any other (`None` when off).
    pub fn script_site(&self, file: &str, line: u32) -> Option<SiteId> {
        let s = self.0.as_ref()?;
        let key = (file.to_owned(), line);
        if let Some(id) = s.script_sites.borrow().get(&key) {
            return Some(*id);
        }
        let id = s.trace.borrow_mut().add_site(file, line);
        s.script_sites.borrow_mut().insert(key, id);
        Some(id)
    }

    /// Wakes `waker`, which `task` registered with a leaf that keeps and
    /// wakes it itself (the semaphore's queue), so that the wake is
    /// recorded with `cause`, as a [`WakeTag`]'s would be.
    pub fn wake_as(&self, task: Option<TaskId>, cause: WakeCause, waker: Waker) {
        match (&self.0, task) {
            (Some(shared), Some(task)) => waking(Arc::as_ptr(&shared.wakes) as usize, task, cause, || waker.wake()),
            _ => waker.wake(),
        }
    }

    /// Says that the current poll is pending at `site`, unless another
    /// await point of this poll said so first.
    pub fn pending_at(&self, site: Option<SiteId>) {
        if let Some(s) = &self.0
            && s.pending_site.get().is_none()
        {
            s.pending_site.set(site);
        }
    }

    /// Records that the task being polled waits on `on` (a resource or a
    /// task with no waiting event of its own) until the returned guard is
    /// dropped. Nothing is recorded when off, outside a task, or for `None`.
    pub fn blocked_on(&self, on: Option<Blocker>) -> Blocking {
        let task = on.and(self.current_task());
        if let (Some(task), Some(on)) = (task, on) {
            self.event_for(task, EventKind::Blocked { on });
        }
        Blocking {
            recorder: self.clone(),
            task: task.zip(on),
        }
    }

    /// Runs `f` (which drops some work) so that tasks dropped in it end as
    /// `outcome` rather than `cancelled`.
    pub fn dropping_as<R>(&self, outcome: Outcome, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(s) => {
                let previous = s.drop_as.replace(Some(outcome));
                let r = f();
                s.drop_as.set(previous);
                r
            }
            None => f(),
        }
    }
}

/// What [`Recorder::blocked_on`] returns: while it lives, its task is
/// recorded as waiting on it; dropping it records the end of the wait.
#[must_use = "the wait ends when this is dropped"]
pub struct Blocking {
    recorder: Recorder,
    task: Option<(TaskId, Blocker)>,
}

impl Drop for Blocking {
    fn drop(&mut self) {
        if let Some((task, on)) = self.task.take() {
            self.recorder.event_for(task, EventKind::Unblocked { on });
        }
    }
}

impl std::fmt::Debug for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blocking")
            .field("on", &self.task.map(|(_, on)| on))
            .finish()
    }
}

thread_local! {
    /// While a leaf's tagged waker passes its wake on (see [`CauseWake`]),
    /// or a leaf wakes a task through [`Recorder::wake_as`]: the address of
    /// its trace's wake log, its task and the cause. The task's own waker,
    /// reached through it, logs its wake with that cause.
    static WAKING: Cell<Option<(usize, TaskId, WakeCause)>> = const { Cell::new(None) };
}

/// Runs `wake` with [`WAKING`] naming `task` of the wake log at `log` and
/// `cause`, as it was before afterwards.
fn waking(log: usize, task: TaskId, cause: WakeCause, wake: impl FnOnce()) {
    let before = WAKING.replace(Some((log, task, cause)));
    wake();
    WAKING.set(before);
}

/// What identifies a waker for [`Waker::will_wake`]: its data and its
/// vtable. Kept instead of a clone where a clone of that waker is held
/// anyway (which keeps the address from being reused), so that checking
/// whether the waker changed costs no reference count.
pub(crate) type WakerId = (usize, usize);

pub(crate) fn waker_id(waker: &Waker) -> WakerId {
    (waker.data() as usize, std::ptr::from_ref(waker.vtable()) as usize)
}

/// A waker wrapper for leaf futures (timers, requests, queue operations):
/// when it is called, the task it belongs to is recorded as woken by
/// `cause`. (The semaphore, which keeps its waiters' wakers itself, wakes
/// them through [`Recorder::wake_as`] instead.)
#[derive(Default)]
pub struct WakeTag {
    slot: Option<TagSlot>,
}

/// What an armed [`WakeTag`] holds.
struct TagSlot {
    state: Arc<CauseWake>,
    /// The waker made of `state`.
    waker: Waker,
    /// Which waker `state` passes wakes on to (the one it holds a clone
    /// of).
    held: WakerId,
}

/// The state behind a tagged waker. It holds no reference to its trace's
/// log: when called it names its task and cause ([`WAKING`]) and wakes the
/// waker it wraps, and the task's own waker ([`TaskWake`]), reached
/// through it, logs the wake with that cause.
struct CauseWake {
    task: TaskId,
    cause: WakeCause,
    /// The address of the trace's wake log (compared, never followed).
    log: usize,
    /// The waker it passes wakes on to. Fixed: a leaf polled with another
    /// waker gets a new `CauseWake` (see [`WakeTag::tagged`]), so a wake
    /// takes no lock.
    inner: Waker,
    /// Set while the leaf is being dropped: wakes then are for nobody.
    dead: AtomicBool,
}

impl Wake for CauseWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.dead.load(Ordering::Acquire) {
            return;
        }
        waking(self.log, self.task, self.cause, || self.inner.wake_by_ref());
    }
}

impl WakeTag {
    /// Polls a leaf future `fut` with a waker tagged `cause`, and names
    /// `site` as the await point if it is pending: what an instrumented
    /// leaf (timer, request, queue operation) does in its `poll`.
    pub fn poll<F: Future + ?Sized>(
        &mut self,
        recorder: &Recorder,
        cause: WakeCause,
        site: Option<SiteId>,
        fut: Pin<&mut F>,
        cx: &mut Context<'_>,
    ) -> Poll<F::Output> {
        self.poll_with(recorder, cause, site, cx, |cx| fut.poll(cx))
    }

    /// [`WakeTag::poll`] for a leaf that is not a future (a stream's
    /// `poll_next`, say): `poll` is called with the tagged context.
    pub fn poll_with<T>(
        &mut self,
        recorder: &Recorder,
        cause: WakeCause,
        site: Option<SiteId>,
        cx: &mut Context<'_>,
        poll: impl FnOnce(&mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        let out = poll(&mut Context::from_waker(self.tagged(recorder, cause, cx.waker())));
        if out.is_pending() {
            recorder.pending_at(site);
        }
        out
    }

    /// Call when the leaf is dropped: wakes its inner future makes while it
    /// is torn down (a dropped channel waking its receiver, for example)
    /// reach nobody and are not recorded.
    pub fn disarm(&self) {
        if let Some(slot) = &self.slot {
            slot.state.dead.store(true, Ordering::Release);
        }
    }

    /// The waker to poll the leaf with: `outer` itself when the recorder is
    /// off or no task is being polled, else a wrapper that records the
    /// cause before waking `outer`.
    pub fn waker(&mut self, recorder: &Recorder, cause: WakeCause, outer: &Waker) -> Waker {
        self.tagged(recorder, cause, outer).clone()
    }

    /// [`WakeTag::waker`], borrowed: made once per task, and made again
    /// only when `outer` changed (the executor's waker seldom does).
    fn tagged<'a>(&'a mut self, recorder: &Recorder, cause: WakeCause, outer: &'a Waker) -> &'a Waker {
        let (Some(shared), Some(task)) = (&recorder.0, recorder.current_task()) else {
            return outer;
        };
        let id = waker_id(outer);
        if self
            .slot
            .as_ref()
            .is_some_and(|slot| slot.state.task != task || slot.held != id)
        {
            self.slot = None;
        }
        let slot = self.slot.get_or_insert_with(|| {
            let state = Arc::new(CauseWake {
                task,
                cause,
                log: Arc::as_ptr(&shared.wakes) as usize,
                inner: outer.clone(),
                dead: AtomicBool::new(false),
            });
            let waker = Waker::from(Arc::clone(&state));
            TagSlot { state, waker, held: id }
        });
        &slot.waker
    }
}

/// The waker an instrumented task gives its future: records the task as
/// woken (once between two polls), with the cause a leaf's tagged waker
/// names if the wake came through one, and wakes the executor's waker.
pub(crate) struct TaskWake {
    pub(crate) task: TaskId,
    pub(crate) log: Arc<WakeLog>,
    /// The executor's waker. Fixed: a task polled with another waker gets
    /// a new `TaskWake`, so a wake takes no lock.
    pub(crate) inner: Waker,
    pub(crate) woken: AtomicBool,
    /// Set once the task's future is being dropped.
    pub(crate) dead: AtomicBool,
}

impl TaskWake {
    /// The waker of `task`, passing wakes on to `outer`, and its state.
    pub(crate) fn waker(task: TaskId, log: &Arc<WakeLog>, outer: &Waker) -> (Arc<TaskWake>, Waker) {
        let state = Arc::new(TaskWake {
            task,
            log: Arc::clone(log),
            inner: outer.clone(),
            woken: AtomicBool::new(false),
            dead: AtomicBool::new(false),
        });
        let waker = Waker::from(Arc::clone(&state));
        (state, waker)
    }
}

impl Wake for TaskWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.dead.load(Ordering::Acquire) {
            return;
        }
        // Loads and stores rather than read-modify-writes: these flags only
        // mean something on the thread that polls, where nothing races
        // them, and a wake from elsewhere at worst logs a wake twice, which
        // the trace records once.
        if !self.woken.load(Ordering::Acquire) {
            self.woken.store(true, Ordering::Release);
            let log = Arc::as_ptr(&self.log) as usize;
            let cause = match WAKING.get() {
                Some((l, task, cause)) if l == log && task == self.task => cause,
                _ => WakeCause::Unknown,
            };
            self.log.push(self.task, cause);
        }
        // A parent polling this task is woken through it.
        let before = self.log.relay.load(Ordering::Acquire);
        self.log.relay.store(self.task.0.saturating_add(1), Ordering::Release);
        self.inner.wake_by_ref();
        self.log.relay.store(before, Ordering::Release);
    }
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("on", &self.is_on())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WakeTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WakeTag")
            .field("armed", &self.slot.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_kind_from_the_cache_is_its_kind_whatever_the_order_asked() {
        // More files than the cache has slots, so that some share one:
        // the core's demos, its shared job, the combinators, the composer's
        // interpreter, code outside the core, a dependency.
        let core = core_src();
        let files: Vec<&'static str> = [
            format!("{core}demos/semaphore.rs"),
            format!("{core}demos/work.rs"),
            format!("{core}combinators/semaphore.rs"),
            format!("{core}py/interp.rs"),
            "crates/app/src/lib.rs".to_string(),
            "/root/.cargo/registry/src/futures-util/src/lib.rs".to_string(),
            format!("{core}demos/race.rs"),
            format!("{core}combinators/queue.rs"),
            "examples/scenarios/mod.rs".to_string(),
        ]
        .into_iter()
        .map(|f| &*Box::leak(f.into_boxed_str()))
        .collect();
        let kinds: Vec<FileKind> = files
            .iter()
            .map(|f| file_kind_listed(f, (f.as_ptr() as usize, f.len())))
            .collect();
        assert_eq!(
            kinds.iter().map(|k| (k.await_line, k.internal)).collect::<Vec<_>>(),
            [
                (true, false),
                (false, false),
                (false, true),
                (false, true),
                (true, false),
                (false, false),
                (true, false),
                (false, true),
                (true, false),
            ],
            "the kinds as worked out"
        );
        // Asked in turns, in runs and at random: always the kind worked out.
        let mut seed = 7_u64;
        for round in 0..2_000 {
            let i = match round % 3 {
                0 => round % files.len(),
                1 => (round / 5) % files.len(),
                _ => {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    (seed >> 33) as usize % files.len()
                }
            };
            assert_eq!(file_kind(files[i]), kinds[i], "{} at round {round}", files[i]);
        }
    }

    /// This thread's wakes not yet recorded, for the log at `addr`.
    fn local_for(addr: usize) -> Vec<LoggedWake> {
        LOCAL_WAKES.with(|l| {
            l.borrow()
                .iter()
                .filter(|(log, _)| *log == addr)
                .map(|(_, w)| *w)
                .collect()
        })
    }

    fn drained(log: &WakeLog) -> Vec<LoggedWake> {
        let mut out = Vec::new();
        log.drain(|w| out.push(w));
        out
    }

    /// A wake on the recording thread goes to that thread's list, without
    /// the lock; one from another thread goes under the lock. Both come
    /// out of the drain, once, this thread's first.
    // Not on wasm: it needs a second thread.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn wakes_on_the_recording_thread_take_no_lock() {
        let log = Arc::new(WakeLog::new());
        log.push(TaskId(3), WakeCause::Timer);
        assert_eq!(local_for(log.addr()), [(TaskId(3), WakeCause::Timer, None)]);
        assert!(log.lock().is_empty(), "nothing under the lock");
        assert!(!log.any_remote.load(Ordering::Acquire));
        let theirs = Arc::clone(&log);
        std::thread::spawn(move || theirs.push(TaskId(5), WakeCause::Unknown))
            .join()
            .expect("the other thread ran");
        log.push(TaskId(4), WakeCause::Request);
        assert!(log.any.load(Ordering::Acquire));
        assert_eq!(
            drained(&log),
            [
                (TaskId(3), WakeCause::Timer, None),
                (TaskId(4), WakeCause::Request, None),
                (TaskId(5), WakeCause::Unknown, None),
            ]
        );
        assert!(!log.any.load(Ordering::Acquire));
        assert_eq!(drained(&log), [], "each wake comes out once");
        assert!(local_for(log.addr()).is_empty());
    }

    /// A recording dropped with wakes not yet recorded takes them out of
    /// the thread's list: they would grow it, and a later log at the same
    /// address would take them for its own.
    #[test]
    fn a_recording_dropped_leaves_no_wakes_behind() {
        let shared = Shared::new(Box::new(|| Duration::ZERO), 16);
        let other = WakeLog::new();
        shared.wakes.push(TaskId(0), WakeCause::Timer);
        other.push(TaskId(1), WakeCause::Timer);
        let addr = shared.wakes.addr();
        assert_eq!(local_for(addr).len(), 1);
        drop(shared);
        assert!(local_for(addr).is_empty(), "its wakes left with it");
        assert_eq!(
            drained(&other),
            [(TaskId(1), WakeCause::Timer, None)],
            "another log's stay"
        );
    }

    /// A waker that outlives its recording (a copy a leaf still holds)
    /// logs nothing once the recording is dropped.
    #[test]
    fn a_waker_of_a_dropped_recording_logs_nothing() {
        let shared = Shared::new(Box::new(|| Duration::ZERO), 16);
        let log = Arc::clone(&shared.wakes);
        drop(shared);
        log.push(TaskId(0), WakeCause::Timer);
        assert!(local_for(log.addr()).is_empty(), "nothing appended");
        assert!(!log.any.load(Ordering::Acquire));
    }
}
