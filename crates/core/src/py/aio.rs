//! asyncio (and aiohttp) for the interpreter: coroutines, tasks with
//! CPython's cancellation, gather, wait, wait_for, timeout, as_completed,
//! shield, TaskGroup, the synchronization primitives and queues, each an
//! instrumented Rust future on the environment.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::future::{AbortHandle, LocalBoxFuture, abortable, poll_fn};

use super::builtins::{Items, want_int};
use super::interp::{Frame, GenSlot, Raise, Res, Rt, Scope, call, raise, run_body};
use super::value::{Builtin, Closure, ExcClass, ExcObj, Value};
use crate::net::{FetchError, Request};
use crate::recorder::WakeTag;
use crate::trace::{Blocker, EventKind, Outcome, ResourceId, ResourceKind, TaskId, WakeCause};

type Kwargs = Vec<(Rc<str>, Value)>;

/// The asyncio objects.
pub(crate) enum AioObj {
    Coro(CoroObj),
    Op(OpObj),
    Task(TaskObj),
    Gather(GatherObj),
    Shield(ShieldObj),
    Prim(PrimObj),
    Queue(QueueObj),
    TaskGroup(TgObj),
    Timeout(TimeoutObj),
    AsCompleted(Vec<Rc<AioObj>>),
    Loop,
    Session(Option<f64>),
    ClientTimeout(Option<f64>),
    Request(ReqObj),
    Response(RespObj),
    Gen(GenObj),
    /// `@asynccontextmanager` around an async generator function.
    AcmFactory(Value),
    /// What calling one gives: a context manager over the generator.
    Acm(Rc<AioObj>),
    /// `resp.content`: the body as a stream.
    Content(Rc<AioObj>),
    /// `resp.content.iter_chunked(n)`: the body's chunks.
    Chunks(Vec<Value>),
}

/// A coroutine object: a call of an `async def`, not yet run.
pub(crate) struct CoroObj {
    closure: Rc<Closure>,
    scope: Scope,
    started: Cell<bool>,
    warnings: Rc<RefCell<Vec<String>>>,
}

impl Drop for CoroObj {
    fn drop(&mut self) {
        if !self.started.get() {
            self.warnings.borrow_mut().push(format!(
                "RuntimeWarning: coroutine '{}' was never awaited",
                self.closure.def.name
            ));
        }
    }
}

/// A built-in awaitable (what `asyncio.sleep(1)` or `lock.acquire()`
/// returns), done when awaited.
pub(crate) struct OpObj {
    op: Op,
    started: Cell<bool>,
    warnings: Rc<RefCell<Vec<String>>>,
}

impl Drop for OpObj {
    fn drop(&mut self) {
        if !self.started.get() && !matches!(self.op, Op::Ready(_)) {
            self.warnings.borrow_mut().push(format!(
                "RuntimeWarning: coroutine '{}' was never awaited",
                self.op.name()
            ));
        }
    }
}

enum Op {
    Sleep(f64, Value),
    Acquire(Rc<AioObj>),
    EventWait(Rc<AioObj>),
    CondWait(Rc<AioObj>),
    CondWaitFor(Rc<AioObj>, Value),
    QueueGet(Rc<AioObj>),
    QueuePut(Rc<AioObj>, Value),
    QueueJoin(Rc<AioObj>),
    WaitFor(Value, Option<f64>),
    Wait(Vec<Rc<AioObj>>, Option<f64>, Rc<str>),
    NextCompleted(Rc<AioObj>),
    Ready(Value),
}

impl Op {
    fn name(&self) -> &'static str {
        match self {
            Op::Sleep(..) => "sleep",
            Op::Acquire(_) => "acquire",
            Op::EventWait(_) | Op::CondWait(_) | Op::Wait(..) => "wait",
            Op::CondWaitFor(..) | Op::WaitFor(..) => "wait_for",
            Op::QueueGet(_) => "get",
            Op::QueuePut(..) => "put",
            Op::QueueJoin(_) => "join",
            Op::NextCompleted(_) => "_wait_for_one",
            Op::Ready(_) => "coroutine",
        }
    }
}

/// How a task ended.
#[derive(Clone)]
enum TaskState {
    Pending,
    Done(Value),
    Failed(Rc<ExcObj>),
    Cancelled(Rc<ExcObj>),
}

/// What a suspended task waits on: a cancel goes to it when it is a
/// future that can be cancelled.
#[derive(Clone)]
enum Waiting {
    Nothing,
    Leaf,
    Future(Rc<AioObj>),
}

type Callback = Box<dyn FnOnce(&Rc<AioObj>)>;

/// A task: a coroutine running on its own, as a lane.
pub(crate) struct TaskObj {
    name: RefCell<Rc<str>>,
    state: RefCell<TaskState>,
    must_cancel: Cell<bool>,
    cancel_msg: RefCell<Option<Value>>,
    num_cancels: Cell<i64>,
    waiting: RefCell<Waiting>,
    /// Its lane in the trace, when traced: a task awaiting it is recorded
    /// as waiting on it.
    trace_id: Cell<Option<TaskId>>,
    waker: RefCell<Option<Waker>>,
    waiters: RefCell<Vec<Waker>>,
    callbacks: RefCell<Vec<Callback>>,
    retrieved: Cell<bool>,
    done_seq: Cell<u64>,
    timed_out: Cell<bool>,
    pub depth: Rc<Cell<u32>>,
    handling: RefCell<Option<Rc<ExcObj>>>,
}

/// `asyncio.gather(...)`: a future over its children. Each child tells
/// it when it ends (a callback), so knowing whether it is done costs the
/// same with 10,000 children as with two.
pub(crate) struct GatherObj {
    children: Vec<Rc<AioObj>>,
    return_exceptions: bool,
    cancel_requested: Cell<bool>,
    /// Children not ended yet.
    pending: Cell<usize>,
    /// The first child to end failed or cancelled.
    first_failure: RefCell<Option<Rc<ExcObj>>>,
    /// The first child to end with an exception (not a cancel).
    first_error: Cell<bool>,
    /// Children in the order they ended, not yet handed out by
    /// `as_completed`.
    done_order: RefCell<VecDeque<Rc<AioObj>>>,
    waiters: RefCell<Vec<Waker>>,
    callbacks: RefCell<Vec<Callback>>,
}

/// A gather over `children`, told by each as it ends.
fn new_gather(children: Vec<Rc<AioObj>>, return_exceptions: bool) -> Rc<AioObj> {
    let g = Rc::new(AioObj::Gather(GatherObj {
        pending: Cell::new(children.len()),
        children: children.clone(),
        return_exceptions,
        cancel_requested: Cell::new(false),
        first_failure: RefCell::new(None),
        first_error: Cell::new(false),
        done_order: RefCell::new(VecDeque::new()),
        waiters: RefCell::new(Vec::new()),
        callbacks: RefCell::new(Vec::new()),
    }));
    for child in children {
        let weak = Rc::downgrade(&g);
        on_done(
            &child,
            Box::new(move |done: &Rc<AioObj>| {
                if let Some(g) = weak.upgrade() {
                    child_ended(&g, done);
                }
            }),
        );
    }
    g
}

/// Runs `cb` once `f` has ended (at once if it has).
fn on_done(f: &Rc<AioObj>, cb: Callback) {
    match &**f {
        AioObj::Task(t) if matches!(*t.state.borrow(), TaskState::Pending) => t.callbacks.borrow_mut().push(cb),
        AioObj::Gather(g) if !fut_done(f) => g.callbacks.borrow_mut().push(cb),
        AioObj::Shield(sh) if !fut_done(f) => on_done(&sh.inner, cb),
        _ => cb(f),
    }
}

fn child_ended(g_rc: &Rc<AioObj>, child: &Rc<AioObj>) {
    let AioObj::Gather(g) = &**g_rc else { return };
    let was_done = fut_done(g_rc);
    g.pending.set(g.pending.get().saturating_sub(1));
    if let Some((_, e)) = fut_failed(child) {
        if e.class != ExcClass::CancelledError {
            g.first_error.set(true);
        }
        g.first_failure.borrow_mut().get_or_insert(e);
    }
    g.done_order.borrow_mut().push_back(Rc::clone(child));
    for w in g.waiters.borrow_mut().drain(..) {
        w.wake();
    }
    if !was_done && fut_done(g_rc) {
        let callbacks: Vec<Callback> = g.callbacks.borrow_mut().drain(..).collect();
        for cb in callbacks {
            cb(g_rc);
        }
    }
}

/// `asyncio.shield(aw)`: a future of its own over `inner`; cancelling
/// it leaves `inner` running.
pub(crate) struct ShieldObj {
    inner: Rc<AioObj>,
    cancelled: Cell<bool>,
    waiters: RefCell<Vec<Waker>>,
}

/// A semaphore, bounded semaphore, lock, event or condition.
pub(crate) struct PrimObj {
    kind: PrimKind,
    /// Permits (semaphore, lock) or the flag (event, as 0 or 1).
    value: Cell<i64>,
    initial: i64,
    waiters: RefCell<VecDeque<Rc<Slot>>>,
    name: RefCell<Option<Rc<str>>>,
    resource: Cell<Option<Option<ResourceId>>>,
    /// A condition's lock.
    lock: Option<Rc<AioObj>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PrimKind {
    Semaphore,
    Bounded,
    Lock,
    Event,
    Condition,
}

/// One waiter's future: done once it was handed what it waits for.
#[derive(Default)]
struct Slot {
    done: Cell<bool>,
    cancelled: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Slot {
    fn set(&self) {
        self.done.set(true);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }
}

/// `asyncio.Queue`.
pub(crate) struct QueueObj {
    items: RefCell<VecDeque<Value>>,
    maxsize: i64,
    getters: RefCell<VecDeque<Rc<Slot>>>,
    putters: RefCell<VecDeque<Rc<Slot>>>,
    unfinished: Cell<i64>,
    finished: Rc<AioObj>,
    name: RefCell<Option<Rc<str>>>,
    resource: Cell<Option<Option<ResourceId>>>,
}

/// `asyncio.TaskGroup()`.
pub(crate) struct TgObj {
    tasks: RefCell<Vec<Rc<AioObj>>>,
    /// Tasks not ended yet, and who waits for none to be left.
    pending: Cell<usize>,
    waiters: RefCell<Vec<Waker>>,
    parent: RefCell<Option<Rc<AioObj>>>,
    errors: RefCell<Vec<Rc<ExcObj>>>,
    entered: Cell<bool>,
    exiting: Cell<bool>,
    aborting: Cell<bool>,
    parent_cancel_requested: Cell<bool>,
}

/// `asyncio.timeout(delay)`.
pub(crate) struct TimeoutObj {
    delay: Option<f64>,
    state: Cell<TimeoutState>,
    task: RefCell<Option<Rc<AioObj>>>,
    timer: RefCell<Option<AbortHandle>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TimeoutState {
    Created,
    Entered,
    Expiring,
    Expired,
    Exited,
}

/// `session.get(url)`: a request not yet sent.
pub(crate) struct ReqObj {
    method: &'static str,
    url: String,
    body: Option<String>,
    timeout: Option<f64>,
    response: RefCell<Option<Rc<AioObj>>>,
}

/// An aiohttp response.
pub(crate) struct RespObj {
    status: u16,
    body: String,
    url: String,
    content_type: Option<String>,
}

/// A generator or async generator: its body, run a step at a time.
pub(crate) struct GenObj {
    body: RefCell<Option<LocalBoxFuture<'static, Res<Value>>>>,
    slot: Rc<GenSlot>,
    running: Cell<bool>,
    is_async: bool,
    name: Rc<str>,
}

// ------------------------------------------------------------ objects

impl AioObj {
    pub fn coroutine(rt: &Rc<Rt>, closure: Rc<Closure>, scope: Scope) -> AioObj {
        AioObj::Coro(CoroObj {
            closure,
            scope,
            started: Cell::new(false),
            warnings: Rc::clone(&rt.warnings),
        })
    }

    pub fn generator(rt: &Rc<Rt>, closure: Rc<Closure>, scope: Scope) -> AioObj {
        let slot = Rc::new(GenSlot::default());
        let name = Rc::clone(&closure.def.name);
        let frame = Frame::new(scope, Rc::clone(&name), Some(Rc::clone(&slot)));
        let rt2 = Rc::clone(rt);
        let def = Rc::clone(&closure.def);
        let body: LocalBoxFuture<'static, Res<Value>> = Box::pin(async move { run_body(&rt2, &frame, &def).await });
        AioObj::Gen(GenObj {
            body: RefCell::new(Some(body)),
            slot,
            running: Cell::new(false),
            is_async: closure.def.is_async,
            name,
        })
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            AioObj::Coro(_) | AioObj::Op(_) => "coroutine",
            AioObj::Task(_) => "Task",
            AioObj::Gather(_) | AioObj::Shield(_) => "Future",
            AioObj::Prim(p) => match p.kind {
                PrimKind::Semaphore => "Semaphore",
                PrimKind::Bounded => "BoundedSemaphore",
                PrimKind::Lock => "Lock",
                PrimKind::Event => "Event",
                PrimKind::Condition => "Condition",
            },
            AioObj::Queue(_) => "Queue",
            AioObj::TaskGroup(_) => "TaskGroup",
            AioObj::Timeout(_) => "Timeout",
            AioObj::AsCompleted(_) => "generator",
            AioObj::Loop => "_UnixSelectorEventLoop",
            AioObj::Session(_) => "ClientSession",
            AioObj::ClientTimeout(_) => "ClientTimeout",
            AioObj::Request(_) => "_RequestContextManager",
            AioObj::Response(_) => "ClientResponse",
            AioObj::Gen(g) => {
                if g.is_async {
                    "async_generator"
                } else {
                    "generator"
                }
            }
            AioObj::AcmFactory(_) => "function",
            AioObj::Acm(_) => "_AsyncGeneratorContextManager",
            AioObj::Content(_) => "StreamReader",
            AioObj::Chunks(_) => "AsyncStreamIterator",
        }
    }

    pub fn truthy(&self) -> bool {
        true
    }
}

fn task(a: &AioObj) -> Option<&TaskObj> {
    match a {
        AioObj::Task(t) => Some(t),
        _ => None,
    }
}

/// The name of a task (for lanes and prints).
pub(crate) fn task_name(a: &Rc<AioObj>) -> Option<String> {
    task(a).map(|t| t.name.borrow().to_string())
}

pub(crate) fn repr(a: &Rc<AioObj>) -> String {
    match &**a {
        AioObj::Task(t) => {
            let name = t.name.borrow();
            match &*t.state.borrow() {
                TaskState::Pending => format!("<Task pending name='{name}'>"),
                TaskState::Done(v) => format!("<Task finished name='{name}' result={}>", v.repr()),
                TaskState::Failed(e) => format!(
                    "<Task finished name='{name}' exception={}>",
                    Value::Exc(Rc::clone(e)).repr()
                ),
                TaskState::Cancelled(_) => format!("<Task cancelled name='{name}'>"),
            }
        }
        AioObj::Coro(c) => format!("<coroutine object {}>", c.closure.def.name),
        AioObj::Op(o) => format!("<coroutine object {}>", o.op.name()),
        AioObj::Response(r) => format!("<ClientResponse({}) [{}]>", r.url, r.status),
        other => format!("<{} object>", other.type_name()),
    }
}

pub(crate) fn len(a: &AioObj) -> Option<i64> {
    match a {
        AioObj::AsCompleted(items) => Some(items.len() as i64),
        _ => None,
    }
}

pub(crate) fn contains(_a: &AioObj, _item: &Value) -> bool {
    false
}

/// Names a primitive after the variable it is first assigned to.
pub(crate) fn name_object(v: &Value, name: &Rc<str>) {
    if let Value::Aio(a) = v {
        let slot = match &**a {
            AioObj::Prim(p) => &p.name,
            AioObj::Queue(q) => &q.name,
            _ => return,
        };
        if slot.borrow().is_none() {
            *slot.borrow_mut() = Some(Rc::clone(name));
        }
    }
}

fn resource_of(rt: &Rt, a: &AioObj) -> Option<ResourceId> {
    let (cell, name, kind) = match a {
        AioObj::Prim(p) => (
            &p.resource,
            &p.name,
            match p.kind {
                PrimKind::Semaphore | PrimKind::Bounded => ResourceKind::Semaphore {
                    permits: u32::try_from(p.initial).unwrap_or(u32::MAX),
                },
                PrimKind::Lock => ResourceKind::Lock,
                PrimKind::Event => ResourceKind::Event,
                PrimKind::Condition => ResourceKind::Condition,
            },
        ),
        AioObj::Queue(q) => (
            &q.resource,
            &q.name,
            ResourceKind::Queue {
                capacity: (q.maxsize > 0).then(|| u32::try_from(q.maxsize).unwrap_or(u32::MAX)),
            },
        ),
        _ => return None,
    };
    if let Some(id) = cell.get() {
        return id;
    }
    let default = match a {
        AioObj::Queue(_) => "queue",
        AioObj::Prim(p) if p.kind == PrimKind::Lock => "lock",
        AioObj::Prim(p) if p.kind == PrimKind::Event => "event",
        AioObj::Prim(p) if p.kind == PrimKind::Condition => "condition",
        _ => "semaphore",
    };
    let label = name.borrow().as_deref().unwrap_or(default).to_owned();
    let id = rt.host.recorder().resource(label, kind);
    cell.set(Some(id));
    id
}

fn record(rt: &Rt, kind: EventKind) {
    rt.host.recorder().event(kind);
}

// ------------------------------------------------------------ suspension

fn cancelled_error(t: &TaskObj) -> Rc<ExcObj> {
    let msg = t.cancel_msg.borrow_mut().take();
    ExcObj::with_args(ExcClass::CancelledError, msg.into_iter().collect())
}

/// Waits until `poll` is ready, in the current task at `line`: a cancel
/// of the task drops the wait and raises `CancelledError` here. Every
/// await that really waits goes through this. One function for every
/// wait (`poll` behind `dyn`, its outcome kept by the caller), so that
/// the machinery is compiled once.
async fn suspend(
    rt: &Rc<Rt>,
    line: u32,
    waiting: Waiting,
    cause: WakeCause,
    blocked: &[Blocker],
    poll: &mut dyn FnMut(&mut Context<'_>) -> Poll<()>,
) -> Res<()> {
    let current = rt.current_task();
    let site = rt.host.recorder().script_site(&rt.file, line);
    let recorder = rt.host.recorder();
    let mut tag = WakeTag::default();
    let mut first = true;
    // What it waits on with no waiting event of its own (a task, an
    // event, a queue), recorded from its first pending poll to its end.
    let mut blocking = Vec::new();
    let out = poll_fn(|cx| {
        let t = current.as_deref().and_then(task);
        if !first
            && let Some(t) = t
            && t.must_cancel.replace(false)
        {
            return Poll::Ready(Err(Raise::Exc(cancelled_error(t))));
        }
        match tag.poll_with(&recorder, cause, site, cx, &mut *poll) {
            Poll::Ready(v) => Poll::Ready(Ok(v)),
            Poll::Pending => {
                if let Some(t) = t {
                    if first && t.must_cancel.replace(false) {
                        return Poll::Ready(Err(Raise::Exc(cancelled_error(t))));
                    }
                    *t.waiting.borrow_mut() = waiting.clone();
                    *t.waker.borrow_mut() = Some(cx.waker().clone());
                }
                if first {
                    blocking.extend(blocked.iter().map(|b| recorder.blocked_on(Some(*b))));
                }
                first = false;
                Poll::Pending
            }
        }
    })
    .await;
    drop(blocking);
    tag.disarm();
    if let Some(t) = current.as_deref().and_then(task) {
        *t.waiting.borrow_mut() = Waiting::Nothing;
    }
    out
}

/// Yields once to every other ready task (`asyncio.sleep(0)`).
async fn yield_now(rt: &Rc<Rt>, line: u32) -> Res<()> {
    let mut yielded = false;
    suspend(rt, line, Waiting::Leaf, WakeCause::Unknown, &[], &mut |cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

/// Sleeps `secs` on the environment's clock.
async fn sleep(rt: &Rc<Rt>, secs: f64, line: u32) -> Res<()> {
    if secs <= 0.0 {
        return yield_now(rt, line).await;
    }
    let mut timer = rt.host.sleep(secs_duration(secs));
    suspend(rt, line, Waiting::Leaf, WakeCause::Unknown, &[], &mut |cx| {
        timer.as_mut().poll(cx)
    })
    .await
}

fn secs_duration(secs: f64) -> Duration {
    if secs.is_nan() || secs <= 0.0 {
        Duration::ZERO
    } else {
        Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
    }
}

fn want_secs(v: &Value, what: &str) -> Res<f64> {
    match v.as_f64() {
        Some(s) if s.is_nan() => raise(
            ExcClass::ValueError,
            format!("{what}: the delay is NaN; give seconds as a number"),
        ),
        Some(s) if s > 366.0 * 86_400.0 => raise(
            ExcClass::ValueError,
            format!("{what}: {s} s is more than the composer allows (at most a year, 31622400 s)"),
        ),
        Some(s) => Ok(s),
        None => raise(
            ExcClass::TypeError,
            format!("{what}: the delay must be a number of seconds, not {}", v.type_name()),
        ),
    }
}

// ------------------------------------------------------------ futures

fn fut_done(a: &AioObj) -> bool {
    match a {
        AioObj::Task(t) => !matches!(*t.state.borrow(), TaskState::Pending),
        AioObj::Gather(g) => {
            g.pending.get() == 0
                || (!g.cancel_requested.get() && !g.return_exceptions && g.first_failure.borrow().is_some())
        }
        AioObj::Shield(sh) => sh.cancelled.get() || fut_done(&sh.inner),
        _ => true,
    }
}

fn fut_add_waiter(a: &AioObj, w: &Waker) {
    match a {
        AioObj::Task(t) => {
            let mut ws = t.waiters.borrow_mut();
            if !ws.iter().any(|x| x.will_wake(w)) {
                ws.push(w.clone());
            }
        }
        AioObj::Gather(g) => {
            let mut ws = g.waiters.borrow_mut();
            if !ws.iter().any(|x| x.will_wake(w)) {
                ws.push(w.clone());
            }
        }
        AioObj::Shield(sh) => {
            fut_add_waiter(&sh.inner, w);
            let mut ws = sh.waiters.borrow_mut();
            if !ws.iter().any(|x| x.will_wake(w)) {
                ws.push(w.clone());
            }
        }
        _ => {}
    }
}

/// `fut.cancel()`: true if the cancel was taken.
fn fut_cancel(a: &Rc<AioObj>, msg: Option<Value>) -> bool {
    match &**a {
        AioObj::Task(t) => {
            if !matches!(*t.state.borrow(), TaskState::Pending) {
                return false;
            }
            t.num_cancels.set(t.num_cancels.get() + 1);
            let waiting = t.waiting.borrow().clone();
            if let Waiting::Future(f) = waiting
                && fut_cancel(&f, msg.clone())
            {
                return true;
            }
            t.must_cancel.set(true);
            *t.cancel_msg.borrow_mut() = msg;
            if let Some(w) = t.waker.borrow().as_ref() {
                w.wake_by_ref();
            }
            true
        }
        AioObj::Gather(g) => {
            if fut_done(a) {
                return false;
            }
            let mut any = false;
            for c in &g.children {
                any |= fut_cancel(c, msg.clone());
            }
            if any {
                g.cancel_requested.set(true);
            }
            any
        }
        AioObj::Shield(sh) => {
            if fut_done(a) {
                return false;
            }
            sh.cancelled.set(true);
            for w in sh.waiters.borrow_mut().drain(..) {
                w.wake();
            }
            true
        }
        _ => false,
    }
}

/// The result of a done future: its value, or what it raised.
fn fut_result(a: &AioObj) -> Res<Value> {
    match a {
        AioObj::Task(t) => {
            t.retrieved.set(true);
            match &*t.state.borrow() {
                TaskState::Done(v) => Ok(v.clone()),
                TaskState::Failed(e) => Err(Raise::Exc(Rc::clone(e))),
                TaskState::Cancelled(e) => Err(Raise::Exc(Rc::clone(e))),
                TaskState::Pending => raise(ExcClass::InvalidStateError, "Result is not set."),
            }
        }
        AioObj::Gather(_) => {
            gather_outcome(a).unwrap_or_else(|| raise(ExcClass::InvalidStateError, "Result is not set."))
        }
        AioObj::Shield(sh) => {
            if sh.cancelled.get() {
                raise(ExcClass::CancelledError, "")
            } else {
                fut_result(&sh.inner)
            }
        }
        _ => Ok(Value::None),
    }
}

fn fut_failed(a: &AioObj) -> Option<(u64, Rc<ExcObj>)> {
    match a {
        AioObj::Task(t) => match &*t.state.borrow() {
            TaskState::Failed(e) | TaskState::Cancelled(e) => Some((t.done_seq.get(), Rc::clone(e))),
            _ => None,
        },
        AioObj::Gather(_) => match gather_outcome(a) {
            Some(Err(Raise::Exc(e))) => Some((0, e)),
            _ => None,
        },
        _ => None,
    }
}

/// A gather's outcome once it has one.
fn gather_outcome(a: &AioObj) -> Option<Res<Value>> {
    let AioObj::Gather(g) = a else { return None };
    if !fut_done(a) {
        return None;
    }
    if g.cancel_requested.get() {
        return Some(raise(ExcClass::CancelledError, ""));
    }
    if !g.return_exceptions
        && let Some(e) = g.first_failure.borrow().clone()
    {
        for c in &g.children {
            if let AioObj::Task(t) = &**c {
                t.retrieved.set(true);
            }
        }
        return Some(Err(Raise::Exc(e)));
    }
    let mut out = Vec::with_capacity(g.children.len());
    for c in &g.children {
        match fut_result(c) {
            Ok(v) => out.push(v),
            Err(Raise::Exc(e)) => out.push(Value::Exc(e)),
            Err(fatal) => return Some(Err(fatal)),
        }
    }
    Some(Ok(Value::list(out)))
}

/// The tasks a wait for `f` waits on, by their lanes: a task itself, the
/// children of a gather not done yet, what a shield protects.
fn blockers_of(f: &AioObj) -> Vec<Blocker> {
    tasks_of(f, false)
}

/// The lanes of the tasks in `f` (with `done`, those already done too).
fn tasks_of(f: &AioObj, done: bool) -> Vec<Blocker> {
    match f {
        AioObj::Task(t) => t.trace_id.get().map(Blocker::Task).into_iter().collect(),
        AioObj::Gather(g) => g
            .children
            .iter()
            .filter(|c| done || !fut_done(c))
            .flat_map(|c| tasks_of(c, done))
            .collect(),
        AioObj::Shield(s) => tasks_of(&s.inner, done),
        _ => Vec::new(),
    }
}

/// Records that the current task joined `f`'s tasks, for no time: it
/// took their outcomes (an error too) without waiting, as awaiting a done
/// task does.
fn joined_at_once(rt: &Rt, f: &AioObj) {
    let recorder = rt.host.recorder();
    for b in tasks_of(f, true) {
        drop(recorder.blocked_on(Some(b)));
    }
}

/// Waits for a future to be done, as the current task. `cancel_it`: a
/// cancel of the waiting task is passed on to the future (as `await
/// task` does); otherwise only the wait is cancelled (as `shield` and
/// `wait` do).
async fn wait_done(rt: &Rc<Rt>, f: &Rc<AioObj>, line: u32, cancel_it: bool) -> Res<()> {
    if fut_done(f) {
        joined_at_once(rt, f);
        return Ok(());
    }
    let waiting = if cancel_it {
        Waiting::Future(Rc::clone(f))
    } else {
        Waiting::Leaf
    };
    let blocked = blockers_of(f);
    suspend(rt, line, waiting, WakeCause::Unknown, &blocked, &mut |cx| {
        if fut_done(f) {
            Poll::Ready(())
        } else {
            fut_add_waiter(f, cx.waker());
            Poll::Pending
        }
    })
    .await
}

// ------------------------------------------------------------ tasks

/// Runs a task's body with the task as the current one.
struct AsTask<F> {
    rt: Rc<Rt>,
    task: Rc<AioObj>,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for AsTask<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let _base = super::interp::StackBase::mark();
        let previous = this.rt.current.replace(Some(Rc::clone(&this.task)));
        this.rt.steps.set(0);
        let out = this.fut.as_mut().poll(cx);
        *this.rt.current.borrow_mut() = previous;
        out
    }
}

/// Starts `aw` (a coroutine or a built-in awaitable) as a task.
fn create_task(rt: &Rc<Rt>, aw: Rc<AioObj>, name: Option<String>, line: u32) -> Res<Rc<AioObj>> {
    match &*aw {
        AioObj::Coro(c) => {
            if c.started.replace(true) {
                return raise(ExcClass::RuntimeError, "cannot reuse already awaited coroutine");
            }
        }
        AioObj::Op(o) => {
            if o.started.replace(true) {
                return raise(ExcClass::RuntimeError, "cannot reuse already awaited coroutine");
            }
        }
        other => {
            return raise(
                ExcClass::TypeError,
                format!("a coroutine was expected, got {}", other.type_name()),
            );
        }
    }
    // CPython 3.11 numbers every task, named or not: asyncio.create_task
    // makes the task first and names it after.
    let n = rt.task_counter.get() + 1;
    rt.task_counter.set(n);
    let name: Rc<str> = match name {
        Some(n) => n.into(),
        None => format!("Task-{n}").into(),
    };
    let t = Rc::new(AioObj::Task(TaskObj {
        name: RefCell::new(Rc::clone(&name)),
        state: RefCell::new(TaskState::Pending),
        must_cancel: Cell::new(false),
        cancel_msg: RefCell::new(None),
        num_cancels: Cell::new(0),
        waiting: RefCell::new(Waiting::Nothing),
        trace_id: Cell::new(None),
        waker: RefCell::new(None),
        waiters: RefCell::new(Vec::new()),
        callbacks: RefCell::new(Vec::new()),
        retrieved: Cell::new(false),
        done_seq: Cell::new(0),
        timed_out: Cell::new(false),
        depth: Rc::new(Cell::new(0)),
        handling: RefCell::new(None),
    }));
    rt.tasks.borrow_mut().push(Rc::clone(&t));
    let site = rt.host.recorder().script_site(&rt.file, line);
    let body = {
        let (rt, t, aw) = (Rc::clone(rt), Rc::clone(&t), Rc::clone(&aw));
        async move {
            let Some(tobj) = task(&t) else { return Outcome::Error };
            let out = if tobj.must_cancel.replace(false) {
                Err(Raise::Exc(cancelled_error(tobj)))
            } else {
                run_awaitable(&rt, &aw, line).await
            };
            finish_task(&rt, &t, out)
        }
    };
    let fut = AsTask {
        rt: Rc::clone(rt),
        task: Rc::clone(&t),
        fut: Box::pin(body),
    };
    rt.host.spawn_task(name.to_string(), site, Box::pin(fut));
    if let Some(tobj) = task(&t) {
        tobj.trace_id.set(rt.host.recorder().newest_task());
    }
    Ok(t)
}

/// Runs a coroutine or built-in awaitable inline, in the current task.
fn run_awaitable<'a>(rt: &'a Rc<Rt>, aw: &'a Rc<AioObj>, line: u32) -> LocalBoxFuture<'a, Res<Value>> {
    Box::pin(run_awaitable_inner(rt, aw, line))
}

async fn run_awaitable_inner(rt: &Rc<Rt>, aw: &Rc<AioObj>, line: u32) -> Res<Value> {
    match &**aw {
        AioObj::Coro(c) => {
            c.started.set(true);
            let _depth = rt.enter_call()?;
            let frame = Frame::new(Rc::clone(&c.scope), Rc::clone(&c.closure.def.name), None);
            run_body(rt, &frame, &c.closure.def).await
        }
        AioObj::Op(o) => {
            o.started.set(true);
            run_op(rt, &o.op, line).await
        }
        _ => Ok(Value::None),
    }
}

fn finish_task(rt: &Rc<Rt>, t: &Rc<AioObj>, out: Res<Value>) -> Outcome {
    let Some(tobj) = task(t) else { return Outcome::Error };
    let (state, outcome) = match out {
        Ok(v) => (TaskState::Done(v), Outcome::Ok),
        Err(Raise::Exc(e)) if e.class == ExcClass::CancelledError => (
            TaskState::Cancelled(e),
            if tobj.timed_out.get() {
                Outcome::Timeout
            } else {
                Outcome::Cancelled
            },
        ),
        Err(Raise::Exc(e)) => {
            let tb = traceback(rt, &e);
            record(rt, EventKind::Log { text: tb.into() });
            (TaskState::Failed(e), Outcome::Error)
        }
        Err(Raise::Fatal(msg)) => (
            TaskState::Failed(ExcObj::new(ExcClass::RuntimeError, msg)),
            Outcome::Error,
        ),
    };
    *tobj.state.borrow_mut() = state;
    let seq = rt.done_seq.get() + 1;
    rt.done_seq.set(seq);
    tobj.done_seq.set(seq);
    for w in tobj.waiters.borrow_mut().drain(..) {
        w.wake();
    }
    let callbacks: Vec<Callback> = tobj.callbacks.borrow_mut().drain(..).collect();
    for cb in callbacks {
        cb(t);
    }
    outcome
}

/// A Python-style traceback of `e`.
pub(crate) fn traceback(rt: &Rt, e: &ExcObj) -> String {
    let mut out = String::from("Traceback (most recent call last):\n");
    for (line, func) in e.traceback.borrow().iter().rev() {
        out.push_str(&format!("  File \"{}\", line {line}, in {func}\n", rt.file));
        if let Some(src) = rt.source_line(*line) {
            out.push_str(&format!("    {}\n", src.trim()));
        }
    }
    out.push_str(&e.headline());
    out
}

/// Tasks whose failure nobody looked at, as CPython reports them.
pub(crate) fn unretrieved(rt: &Rt) -> Vec<String> {
    rt.tasks
        .borrow()
        .iter()
        .filter_map(|t| {
            let tobj = task(t)?;
            match &*tobj.state.borrow() {
                TaskState::Failed(e) if !tobj.retrieved.get() => Some(format!(
                    "Task exception was never retrieved: task {} raised {}",
                    tobj.name.borrow(),
                    e.headline()
                )),
                _ => None,
            }
        })
        .collect()
}

/// The exception being handled by the current task (for a bare `raise`).
pub(crate) fn handling(rt: &Rt) -> Option<Rc<ExcObj>> {
    match rt.current_task() {
        Some(t) => task(&t).and_then(|t| t.handling.borrow().clone()),
        None => rt.module_handling.borrow().clone(),
    }
}

pub(crate) fn set_handling(rt: &Rt, e: Option<Rc<ExcObj>>) -> Option<Rc<ExcObj>> {
    match rt.current_task() {
        Some(t) => match task(&t) {
            Some(t) => t.handling.replace(e),
            None => None,
        },
        None => rt.module_handling.replace(e),
    }
}

/// `asyncio.run(main())`: the main task, then every task left is
/// cancelled and awaited.
async fn asyncio_run(rt: &Rc<Rt>, aw: Rc<AioObj>, line: u32) -> Res<Value> {
    if rt.current_task().is_some() {
        return raise(
            ExcClass::RuntimeError,
            "asyncio.run() cannot be called from a running event loop",
        );
    }
    let main = create_task(rt, aw, None, line)?;
    wait_done(rt, &main, line, true).await?;
    let left: Vec<Rc<AioObj>> = rt.tasks.borrow().iter().filter(|t| !fut_done(t)).cloned().collect();
    for t in &left {
        fut_cancel(t, None);
    }
    for t in &left {
        wait_done(rt, t, line, false).await?;
    }
    fut_result(&main)
}

// ------------------------------------------------------------ await

/// `await v`.
pub(crate) async fn await_value(rt: &Rc<Rt>, v: Value, line: u32) -> Res<Value> {
    let Value::Aio(a) = &v else {
        return raise(
            ExcClass::TypeError,
            format!("object {} can't be used in 'await' expression", v.type_name()),
        );
    };
    match &**a {
        AioObj::Coro(c) => {
            if c.started.get() {
                return raise(ExcClass::RuntimeError, "cannot reuse already awaited coroutine");
            }
            run_awaitable(rt, a, line).await
        }
        AioObj::Op(o) => {
            if o.started.get() {
                return raise(ExcClass::RuntimeError, "cannot reuse already awaited coroutine");
            }
            run_awaitable(rt, a, line).await
        }
        AioObj::Task(_) | AioObj::Gather(_) => {
            if rt.current_task().as_ref().is_some_and(|c| Rc::ptr_eq(c, a)) {
                return raise(ExcClass::RuntimeError, "a task cannot await itself");
            }
            wait_done(rt, a, line, true).await?;
            fut_result(a)
        }
        AioObj::Shield(_) => {
            wait_done(rt, a, line, true).await?;
            fut_result(a)
        }
        AioObj::Request(_) => {
            let resp = send(rt, a, line).await?;
            Ok(Value::Aio(resp))
        }
        other => raise(
            ExcClass::TypeError,
            format!("object {} can't be used in 'await' expression", other.type_name()),
        ),
    }
}

fn op(rt: &Rt, op: Op) -> Value {
    Value::Aio(Rc::new(AioObj::Op(OpObj {
        op,
        started: Cell::new(false),
        warnings: Rc::clone(&rt.warnings),
    })))
}

/// What an awaitable becomes as a future: a task or gather as it is,
/// a coroutine as a new task.
fn ensure_future(rt: &Rc<Rt>, v: &Value, line: u32) -> Res<Rc<AioObj>> {
    match v {
        Value::Aio(a) => match &**a {
            AioObj::Task(_) | AioObj::Gather(_) | AioObj::Shield(_) => Ok(Rc::clone(a)),
            AioObj::Coro(_) | AioObj::Op(_) => create_task(rt, Rc::clone(a), None, line),
            other => raise(
                ExcClass::TypeError,
                format!(
                    "An asyncio.Future, a coroutine or an awaitable is required, not {}",
                    other.type_name()
                ),
            ),
        },
        other => raise(
            ExcClass::TypeError,
            format!(
                "An asyncio.Future, a coroutine or an awaitable is required, not {}",
                other.type_name()
            ),
        ),
    }
}

async fn run_op(rt: &Rc<Rt>, op: &Op, line: u32) -> Res<Value> {
    match op {
        Op::Ready(v) => Ok(v.clone()),
        Op::Sleep(secs, result) => {
            sleep(rt, *secs, line).await?;
            Ok(result.clone())
        }
        Op::Acquire(p) => {
            acquire(rt, p, line).await?;
            Ok(Value::Bool(true))
        }
        Op::EventWait(e) => {
            event_wait(rt, e, line).await?;
            Ok(Value::Bool(true))
        }
        Op::CondWait(c) => {
            cond_wait(rt, c, line).await?;
            Ok(Value::Bool(true))
        }
        Op::CondWaitFor(c, pred) => loop {
            let v = call(rt, pred.clone(), Vec::new(), Vec::new(), line).await?;
            if v.truthy() {
                return Ok(v);
            }
            cond_wait(rt, c, line).await?;
        },
        Op::QueueGet(q) => queue_get(rt, q, line).await,
        Op::QueuePut(q, v) => {
            queue_put(rt, q, v.clone(), line).await?;
            Ok(Value::None)
        }
        Op::QueueJoin(q) => {
            let AioObj::Queue(qo) = &**q else {
                return Ok(Value::None);
            };
            if qo.unfinished.get() > 0 {
                event_wait(rt, &qo.finished, line).await?;
            }
            Ok(Value::None)
        }
        Op::WaitFor(aw, timeout) => wait_for(rt, aw, *timeout, line).await,
        Op::Wait(futs, timeout, when) => wait(rt, futs, *timeout, when, line).await,
        Op::NextCompleted(ac) => next_completed(rt, ac, line).await,
    }
}

// ------------------------------------------------------------ combinators

async fn wait_for(rt: &Rc<Rt>, aw: &Value, timeout: Option<f64>, line: u32) -> Res<Value> {
    let Some(timeout) = timeout else {
        return await_value(rt, aw.clone(), line).await;
    };
    let fut = ensure_future(rt, aw, line)?;
    if timeout <= 0.0 {
        if fut_done(&fut) {
            return fut_result(&fut);
        }
        mark_timed_out(&fut);
        fut_cancel(&fut, None);
        wait_done(rt, &fut, line, false).await?;
        return match fut_result(&fut) {
            Err(Raise::Exc(e)) if e.class == ExcClass::CancelledError => raise(ExcClass::TimeoutError, ""),
            other => other,
        };
    }
    let mut timer = rt.host.sleep(secs_duration(timeout));
    let mut fired = false;
    let blocked = blockers_of(&fut);
    let waited = suspend(rt, line, Waiting::Leaf, WakeCause::Unknown, &blocked, &mut |cx| {
        if fut_done(&fut) {
            return Poll::Ready(());
        }
        fut_add_waiter(&fut, cx.waker());
        if timer.as_mut().poll(cx).is_ready() {
            fired = true;
            return Poll::Ready(());
        }
        Poll::Pending
    })
    .await;
    drop(timer);
    if let Err(e) = waited {
        if fut_done(&fut) {
            return fut_result(&fut);
        }
        fut_cancel(&fut, None);
        let _ = wait_done(rt, &fut, line, false).await;
        return Err(e);
    }
    if fut_done(&fut) {
        return fut_result(&fut);
    }
    let _ = fired;
    mark_timed_out(&fut);
    fut_cancel(&fut, None);
    wait_done(rt, &fut, line, false).await?;
    match fut_result(&fut) {
        Err(Raise::Exc(e)) if e.class == ExcClass::CancelledError => {
            let te = ExcObj::new(ExcClass::TimeoutError, "");
            *te.cause.borrow_mut() = Some(e);
            Err(Raise::Exc(te))
        }
        other => other,
    }
}

fn mark_timed_out(f: &AioObj) {
    if let AioObj::Task(t) = f {
        t.timed_out.set(true);
    }
}

async fn wait(rt: &Rc<Rt>, futs: &[Rc<AioObj>], timeout: Option<f64>, when: &str, line: u32) -> Res<Value> {
    // A gather of the same futures counts them as they end.
    let counter = new_gather(futs.to_vec(), true);
    let ready = || -> bool {
        let AioObj::Gather(g) = &*counter else { return true };
        let done = futs.len() - g.pending.get();
        match when {
            "FIRST_COMPLETED" => done > 0,
            "FIRST_EXCEPTION" => done == futs.len() || g.first_error.get(),
            _ => done == futs.len(),
        }
    };
    if !futs.is_empty() && !ready() {
        let mut timer = timeout.map(|t| rt.host.sleep(secs_duration(t)));
        let blocked: Vec<Blocker> = futs.iter().flat_map(|f| blockers_of(f)).collect();
        suspend(rt, line, Waiting::Leaf, WakeCause::Unknown, &blocked, &mut |cx| {
            if ready() {
                return Poll::Ready(());
            }
            fut_add_waiter(&counter, cx.waker());
            match timer.as_mut() {
                Some(t) => {
                    if t.as_mut().poll(cx).is_ready() {
                        Poll::Ready(())
                    } else {
                        Poll::Pending
                    }
                }
                None => Poll::Pending,
            }
        })
        .await?;
    }
    let (done, pending): (Vec<_>, Vec<_>) = futs.iter().cloned().partition(|f| fut_done(f));
    let as_list = |v: Vec<Rc<AioObj>>| Value::list(v.into_iter().map(Value::Aio).collect());
    Ok(Value::tuple(vec![as_list(done), as_list(pending)]))
}

async fn next_completed(rt: &Rc<Rt>, ac: &Rc<AioObj>, line: u32) -> Res<Value> {
    let AioObj::Gather(g) = &**ac else {
        return Ok(Value::None);
    };
    let pick = || g.done_order.borrow_mut().pop_front();
    let next = match pick() {
        Some(c) => c,
        None => {
            let mut next = None;
            let blocked = blockers_of(ac);
            suspend(
                rt,
                line,
                Waiting::Leaf,
                WakeCause::Unknown,
                &blocked,
                &mut |cx| match pick() {
                    Some(c) => {
                        next = Some(c);
                        Poll::Ready(())
                    }
                    None => {
                        fut_add_waiter(ac, cx.waker());
                        Poll::Pending
                    }
                },
            )
            .await?;
            match next {
                Some(c) => c,
                None => return Ok(Value::None),
            }
        }
    };
    joined_at_once(rt, &next);
    fut_result(&next)
}

// ------------------------------------------------------------ primitives

fn new_prim(kind: PrimKind, value: i64, lock: Option<Rc<AioObj>>) -> Value {
    Value::Aio(Rc::new(AioObj::Prim(PrimObj {
        kind,
        value: Cell::new(value),
        initial: value,
        waiters: RefCell::new(VecDeque::new()),
        name: RefCell::new(None),
        resource: Cell::new(None),
        lock,
    })))
}

fn prim(a: &AioObj) -> Option<&PrimObj> {
    match a {
        AioObj::Prim(p) => Some(p),
        _ => None,
    }
}

fn locked(p: &PrimObj) -> bool {
    p.value.get() <= 0 || p.waiters.borrow().iter().any(|w| !w.cancelled.get())
}

/// Hands a permit to the first waiter still waiting.
fn wake_up_next(p: &PrimObj) -> bool {
    for w in p.waiters.borrow().iter() {
        if !w.done.get() && !w.cancelled.get() {
            p.value.set(p.value.get() - 1);
            w.set();
            return true;
        }
    }
    false
}

/// Removes a waiter's slot when its wait ends, however it ends.
struct SlotGuard<'a> {
    list: &'a RefCell<VecDeque<Rc<Slot>>>,
    slot: Rc<Slot>,
    on_cancel: Option<Box<dyn FnOnce() + 'a>>,
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        let mut list = self.list.borrow_mut();
        if let Some(i) = list.iter().position(|s| Rc::ptr_eq(s, &self.slot)) {
            list.remove(i);
        }
        drop(list);
        if let Some(f) = self.on_cancel.take() {
            f();
        }
    }
}

async fn wait_slot(rt: &Rc<Rt>, slot: &Rc<Slot>, line: u32, cause: WakeCause, blocked: Option<Blocker>) -> Res<()> {
    suspend(rt, line, Waiting::Leaf, cause, blocked.as_slice(), &mut |cx| {
        if slot.done.get() {
            Poll::Ready(())
        } else {
            *slot.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    })
    .await
}

async fn acquire(rt: &Rc<Rt>, a: &Rc<AioObj>, line: u32) -> Res<()> {
    let Some(p) = prim(a) else { return Ok(()) };
    let res = resource_of(rt, a);
    if !locked(p) {
        p.value.set(p.value.get() - 1);
        if let Some(r) = res {
            record(
                rt,
                EventKind::PermitAcquired {
                    resource: r,
                    available: avail(p),
                },
            );
        }
        return Ok(());
    }
    if let Some(r) = res {
        record(rt, EventKind::PermitWaiting { resource: r });
    }
    let slot = Rc::new(Slot::default());
    p.waiters.borrow_mut().push_back(Rc::clone(&slot));
    let mut guard = SlotGuard {
        list: &p.waiters,
        slot: Rc::clone(&slot),
        on_cancel: None,
    };
    let cause = res.map_or(WakeCause::Unknown, WakeCause::Resource);
    let out = wait_slot(rt, &slot, line, cause, None).await;
    if out.is_err() {
        slot.cancelled.set(true);
        let s2 = Rc::clone(&slot);
        guard.on_cancel = Some(Box::new(move || {
            if s2.done.get() {
                p.value.set(p.value.get() + 1);
                wake_up_next(p);
            }
        }));
        if let Some(r) = res {
            record(rt, EventKind::PermitGaveUp { resource: r });
        }
        drop(guard);
        return out;
    }
    drop(guard);
    if let Some(r) = res {
        record(
            rt,
            EventKind::PermitAcquired {
                resource: r,
                available: avail(p),
            },
        );
    }
    if p.value.get() > 0 {
        wake_up_next(p);
    }
    Ok(())
}

fn avail(p: &PrimObj) -> u32 {
    u32::try_from(p.value.get().max(0)).unwrap_or(u32::MAX)
}

fn release(rt: &Rt, a: &AioObj) -> Res<()> {
    let Some(p) = prim(a) else { return Ok(()) };
    let res = resource_of(rt, a);
    match p.kind {
        PrimKind::Lock if p.value.get() > 0 => return raise(ExcClass::RuntimeError, "Lock is not acquired."),
        PrimKind::Bounded if p.value.get() >= p.initial => {
            if let Some(r) = res {
                record(rt, EventKind::PermitRefused { resource: r });
            }
            return raise(ExcClass::ValueError, "BoundedSemaphore released too many times");
        }
        _ => {}
    }
    p.value.set(p.value.get() + 1);
    if let Some(r) = res {
        record(
            rt,
            EventKind::PermitReleased {
                resource: r,
                available: avail(p),
            },
        );
    }
    wake_up_next(p);
    Ok(())
}

async fn event_wait(rt: &Rc<Rt>, a: &Rc<AioObj>, line: u32) -> Res<()> {
    let Some(p) = prim(a) else { return Ok(()) };
    if p.value.get() > 0 {
        return Ok(());
    }
    let slot = Rc::new(Slot::default());
    p.waiters.borrow_mut().push_back(Rc::clone(&slot));
    let _guard = SlotGuard {
        list: &p.waiters,
        slot: Rc::clone(&slot),
        on_cancel: None,
    };
    let on = resource_of(rt, a).map(Blocker::Resource);
    wait_slot(rt, &slot, line, WakeCause::Unknown, on).await
}

fn event_set(a: &AioObj) {
    if let Some(p) = prim(a)
        && p.value.get() == 0
    {
        p.value.set(1);
        for w in p.waiters.borrow().iter() {
            if !w.done.get() {
                w.set();
            }
        }
    }
}

async fn cond_wait(rt: &Rc<Rt>, c: &Rc<AioObj>, line: u32) -> Res<()> {
    let Some(p) = prim(c) else { return Ok(()) };
    let Some(lock) = &p.lock else { return Ok(()) };
    if prim(lock).is_some_and(|l| l.value.get() > 0) {
        return raise(ExcClass::RuntimeError, "cannot wait on un-acquired lock");
    }
    release(rt, lock)?;
    let slot = Rc::new(Slot::default());
    p.waiters.borrow_mut().push_back(Rc::clone(&slot));
    let out = {
        let _guard = SlotGuard {
            list: &p.waiters,
            slot: Rc::clone(&slot),
            on_cancel: None,
        };
        let on = resource_of(rt, c).map(Blocker::Resource);
        wait_slot(rt, &slot, line, WakeCause::Unknown, on).await
    };
    // The lock is taken back before anything propagates, as in CPython.
    let mut cancelled = None;
    loop {
        match acquire(rt, lock, line).await {
            Ok(()) => break,
            Err(e) => cancelled = Some(e),
        }
    }
    match (out, cancelled) {
        (Err(e), _) | (Ok(()), Some(e)) => Err(e),
        (Ok(()), None) => Ok(()),
    }
}

fn cond_notify(c: &AioObj, n: usize) -> Res<()> {
    let Some(p) = prim(c) else { return Ok(()) };
    if let Some(lock) = &p.lock
        && prim(lock).is_some_and(|l| l.value.get() > 0)
    {
        return raise(ExcClass::RuntimeError, "cannot notify on un-acquired lock");
    }
    let mut k = 0;
    for w in p.waiters.borrow().iter() {
        if k >= n {
            break;
        }
        if !w.done.get() {
            w.set();
            k += 1;
        }
    }
    Ok(())
}

// ------------------------------------------------------------ queues

fn queue(a: &AioObj) -> Option<&QueueObj> {
    match a {
        AioObj::Queue(q) => Some(q),
        _ => None,
    }
}

fn qfull(q: &QueueObj) -> bool {
    q.maxsize > 0 && q.items.borrow().len() as i64 >= q.maxsize
}

fn wakeup_next(list: &RefCell<VecDeque<Rc<Slot>>>) {
    let next = {
        let mut l = list.borrow_mut();
        loop {
            match l.pop_front() {
                Some(w) if !w.done.get() && !w.cancelled.get() => break Some(w),
                Some(_) => {}
                None => break None,
            }
        }
    };
    if let Some(w) = next {
        w.set();
    }
}

fn depth(q: &QueueObj) -> u32 {
    u32::try_from(q.items.borrow().len()).unwrap_or(u32::MAX)
}

fn put_nowait(rt: &Rt, a: &AioObj, v: Value) -> Res<()> {
    let Some(q) = queue(a) else { return Ok(()) };
    if qfull(q) {
        return raise(ExcClass::QueueFull, "");
    }
    if q.items.borrow().len() >= 1_000_000 {
        return raise(
            ExcClass::OverflowError,
            "queue too long: the composer keeps values under a million items",
        );
    }
    q.items.borrow_mut().push_back(v);
    q.unfinished.set(q.unfinished.get() + 1);
    if let Some(p) = prim(&q.finished) {
        p.value.set(0);
    }
    if let Some(r) = resource_of(rt, a) {
        record(
            rt,
            EventKind::QueuePush {
                resource: r,
                depth: depth(q),
            },
        );
    }
    wakeup_next(&q.getters);
    Ok(())
}

fn get_nowait(rt: &Rt, a: &AioObj) -> Res<Value> {
    let Some(q) = queue(a) else { return Ok(Value::None) };
    let Some(v) = q.items.borrow_mut().pop_front() else {
        return raise(ExcClass::QueueEmpty, "");
    };
    if let Some(r) = resource_of(rt, a) {
        record(
            rt,
            EventKind::QueuePop {
                resource: r,
                depth: depth(q),
            },
        );
    }
    wakeup_next(&q.putters);
    Ok(v)
}

/// Waits in `list` (a queue's getters or putters) while `blocked` holds,
/// CPython's way: a woken waiter looks again; one cancelled after it was
/// handed its turn passes the turn on.
async fn wait_turn(
    rt: &Rc<Rt>,
    a: &Rc<AioObj>,
    list: &RefCell<VecDeque<Rc<Slot>>>,
    blocked: &dyn Fn() -> bool,
    line: u32,
) -> Res<()> {
    while blocked() {
        let slot = Rc::new(Slot::default());
        list.borrow_mut().push_back(Rc::clone(&slot));
        let guard = SlotGuard {
            list,
            slot: Rc::clone(&slot),
            on_cancel: None,
        };
        let r = resource_of(rt, a);
        let cause = r.map_or(WakeCause::Unknown, WakeCause::Resource);
        let out = wait_slot(rt, &slot, line, cause, r.map(Blocker::Resource)).await;
        drop(guard);
        if let Err(e) = out {
            slot.cancelled.set(true);
            if !blocked() && slot.done.get() {
                wakeup_next(list);
            }
            return Err(e);
        }
    }
    Ok(())
}

async fn queue_get(rt: &Rc<Rt>, a: &Rc<AioObj>, line: u32) -> Res<Value> {
    let Some(q) = queue(a) else { return Ok(Value::None) };
    wait_turn(rt, a, &q.getters, &|| q.items.borrow().is_empty(), line).await?;
    get_nowait(rt, a)
}

async fn queue_put(rt: &Rc<Rt>, a: &Rc<AioObj>, v: Value, line: u32) -> Res<()> {
    let Some(q) = queue(a) else { return Ok(()) };
    wait_turn(rt, a, &q.putters, &|| qfull(q), line).await?;
    put_nowait(rt, a, v)
}

// ------------------------------------------------------------ aiohttp

fn lab_path(url: &str) -> Option<String> {
    if url.starts_with('/') {
        return Some(url.to_owned());
    }
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.split(':').next().unwrap_or(host);
    matches!(host, "127.0.0.1" | "localhost").then(|| format!("/{path}"))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Sends a request (once) and gives its response.
async fn send(rt: &Rc<Rt>, r: &Rc<AioObj>, line: u32) -> Res<Rc<AioObj>> {
    let AioObj::Request(req) = &**r else {
        return raise(ExcClass::TypeError, "not a request");
    };
    if let Some(resp) = req.response.borrow().as_ref() {
        return Ok(Rc::clone(resp));
    }
    let Some(path) = lab_path(&req.url) else {
        return raise(
            ExcClass::ClientConnectionError,
            format!(
                "cannot reach {}: the composer talks to the lab server only; use a path such as /api/delay/300",
                req.url
            ),
        );
    };
    let request = match (req.method, &req.body) {
        ("POST", Some(body)) => Request::post_json(path, body.clone()),
        ("POST", None) => Request::post_json(path, "null"),
        _ => Request::get(path),
    };
    let mut fetch = rt.host.fetch(request);
    let mut timer = req.timeout.map(|t| rt.host.sleep(secs_duration(t)));
    let mut out = None;
    suspend(rt, line, Waiting::Leaf, WakeCause::Request, &[], &mut |cx| {
        if let Poll::Ready(r) = fetch.as_mut().poll(cx) {
            out = Some(r);
            return Poll::Ready(());
        }
        match timer.as_mut() {
            Some(t) => t.as_mut().poll(cx),
            None => Poll::Pending,
        }
    })
    .await?;
    let resp = match out {
        None => return raise(ExcClass::TimeoutError, ""),
        Some(Ok(r)) => RespObj {
            status: r.status,
            body: r.body,
            url: req.url.clone(),
            content_type: r.content_type,
        },
        Some(Err(FetchError::Status(status))) => RespObj {
            status,
            body: String::new(),
            url: req.url.clone(),
            content_type: None,
        },
        Some(Err(e)) => return raise(ExcClass::ClientConnectionError, e.to_string()),
    };
    let resp = Rc::new(AioObj::Response(resp));
    *req.response.borrow_mut() = Some(Rc::clone(&resp));
    Ok(resp)
}

fn json_to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => {
            let mut d = super::value::Dict::default();
            for (k, v) in o {
                d.insert(Value::str(k.as_str()), json_to_value(v));
            }
            Value::dict(d)
        }
    }
}

fn value_to_json(v: &Value, depth: u32) -> Res<serde_json::Value> {
    if depth > 50 {
        return raise(ExcClass::ValueError, "the JSON body is nested too deeply");
    }
    Ok(match v {
        Value::None => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(l) => serde_json::Value::Array(
            l.borrow()
                .iter()
                .map(|x| value_to_json(x, depth + 1))
                .collect::<Res<_>>()?,
        ),
        Value::Tuple(t) => serde_json::Value::Array(t.iter().map(|x| value_to_json(x, depth + 1)).collect::<Res<_>>()?),
        Value::Dict(d) => {
            let mut m = serde_json::Map::new();
            for (k, x) in d.borrow().pairs.iter() {
                m.insert(k.to_str(), value_to_json(x, depth + 1)?);
            }
            serde_json::Value::Object(m)
        }
        other => {
            return raise(
                ExcClass::TypeError,
                format!("Object of type {} is not JSON serializable", other.type_name()),
            );
        }
    })
}

fn timeout_of(v: Option<Value>) -> Res<Option<f64>> {
    Ok(match v {
        None | Some(Value::None) => None,
        Some(Value::Aio(a)) => match &*a {
            AioObj::ClientTimeout(t) => *t,
            _ => return raise(ExcClass::TypeError, "timeout must be an aiohttp.ClientTimeout"),
        },
        Some(v) => Some(want_secs(&v, "timeout")?),
    })
}

// ------------------------------------------------------------ generators

/// Runs a generator to its next `yield`: the value, or `None` at its end.
pub(crate) async fn resume(rt: &Rc<Rt>, g: &Rc<AioObj>, _is_async: bool) -> Res<Option<Value>> {
    resume_with(rt, g, None).await
}

/// Resumes a generator, raising `thrown` at its `yield` if given.
async fn resume_with(rt: &Rc<Rt>, g: &Rc<AioObj>, thrown: Option<Rc<ExcObj>>) -> Res<Option<Value>> {
    let AioObj::Gen(state) = &**g else { return Ok(None) };
    *state.slot.thrown.borrow_mut() = thrown;
    poll_fn(|cx| {
        // A generator's body runs nested in its consumer's poll: it counts
        // as a call, so generators resuming generators stop at the limit.
        let _depth = match rt.enter_call() {
            Ok(guard) => guard,
            Err(e) => return Poll::Ready(Err(e)),
        };
        if state.running.get() {
            return Poll::Ready(raise(
                ExcClass::ValueError,
                format!("generator '{}' already executing", state.name),
            ));
        }
        let Some(mut body) = state.body.borrow_mut().take() else {
            return Poll::Ready(Ok(None));
        };
        state.running.set(true);
        let r = body.as_mut().poll(cx);
        state.running.set(false);
        match r {
            Poll::Ready(Ok(_)) => Poll::Ready(Ok(None)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let v = state.slot.value.borrow_mut().take();
                *state.body.borrow_mut() = Some(body);
                match v {
                    Some(v) => Poll::Ready(Ok(Some(v))),
                    None => Poll::Pending,
                }
            }
        }
    })
    .await
}

pub(crate) fn iter_items(a: &Rc<AioObj>) -> Option<Items> {
    match &**a {
        AioObj::Gen(g) if !g.is_async => Some(Items::Gen(Rc::clone(a))),
        AioObj::AsCompleted(items) => Some(Items::Vec(
            items.iter().cloned().map(Value::Aio).collect::<Vec<_>>().into_iter(),
        )),
        _ => None,
    }
}

pub(crate) fn aiter(v: &Value) -> Res<Items> {
    match v {
        Value::Aio(a) if matches!(&**a, AioObj::Gen(g) if g.is_async) => Ok(Items::Gen(Rc::clone(a))),
        Value::Aio(a) if matches!(&**a, AioObj::Chunks(_)) => match &**a {
            AioObj::Chunks(c) => Ok(Items::Vec(c.clone().into_iter())),
            _ => Ok(Items::Vec(Vec::new().into_iter())),
        },
        other => raise(
            ExcClass::TypeError,
            format!(
                "'async for' requires an object with __aiter__ method, got {}",
                other.type_name()
            ),
        ),
    }
}

pub(crate) async fn anext(rt: &Rc<Rt>, items: &mut Items, _line: u32) -> Res<Option<Value>> {
    match items {
        Items::Gen(g) => resume(rt, g, true).await,
        Items::Vec(it) => Ok(it.next()),
        _ => Ok(None),
    }
}

// ------------------------------------------------------------ with

/// `async with cm` / `with cm`: enters, giving what `as` binds.
pub(crate) async fn enter(rt: &Rc<Rt>, cm: &Value, is_async: bool, line: u32) -> Res<Value> {
    let Value::Aio(a) = cm else {
        return raise(
            ExcClass::TypeError,
            format!(
                "'{}' object does not support the {}context manager protocol",
                cm.type_name(),
                if is_async { "asynchronous " } else { "" }
            ),
        );
    };
    if !is_async {
        return raise(
            ExcClass::TypeError,
            format!(
                "'{}' object does not support the context manager protocol; use `async with`",
                a.type_name()
            ),
        );
    }
    match &**a {
        AioObj::Prim(p) => {
            let target = match p.kind {
                PrimKind::Condition => p.lock.clone().unwrap_or_else(|| Rc::clone(a)),
                PrimKind::Event => {
                    return raise(
                        ExcClass::TypeError,
                        "'Event' object does not support the asynchronous context manager protocol",
                    );
                }
                _ => Rc::clone(a),
            };
            acquire(rt, &target, line).await?;
            Ok(Value::None)
        }
        AioObj::TaskGroup(tg) => {
            if tg.entered.replace(true) {
                return raise(ExcClass::RuntimeError, "TaskGroup has already been entered");
            }
            let Some(parent) = rt.current_task() else {
                return raise(ExcClass::RuntimeError, "TaskGroup cannot determine the parent task");
            };
            *tg.parent.borrow_mut() = Some(parent);
            Ok(cm.clone())
        }
        AioObj::Timeout(t) => {
            let Some(current) = rt.current_task() else {
                return raise(ExcClass::RuntimeError, "Timeout should be used inside a task");
            };
            t.state.set(TimeoutState::Entered);
            *t.task.borrow_mut() = Some(Rc::clone(&current));
            if let Some(delay) = t.delay {
                let timer = rt.host.sleep(secs_duration(delay));
                let tm = Rc::clone(a);
                let (fut, handle) = abortable(async move {
                    timer.await;
                    if let AioObj::Timeout(t) = &*tm
                        && t.state.get() == TimeoutState::Entered
                    {
                        t.state.set(TimeoutState::Expiring);
                        if let Some(task) = t.task.borrow().as_ref() {
                            fut_cancel(task, None);
                        }
                    }
                });
                *t.timer.borrow_mut() = Some(handle);
                rt.host.spawn_raw(Box::pin(async move {
                    let _ = fut.await;
                }));
            }
            Ok(cm.clone())
        }
        AioObj::Session(_) | AioObj::Response(_) => Ok(cm.clone()),
        AioObj::Request(_) => Ok(Value::Aio(send(rt, a, line).await?)),
        AioObj::Acm(g) => match resume(rt, g, true).await? {
            Some(v) => Ok(v),
            None => raise(ExcClass::RuntimeError, "generator didn't yield"),
        },
        other => raise(
            ExcClass::TypeError,
            format!(
                "'{}' object does not support the asynchronous context manager protocol",
                other.type_name()
            ),
        ),
    }
}

/// Leaves a context manager; true if the exception is suppressed.
pub(crate) async fn exit(rt: &Rc<Rt>, cm: &Value, exc: Option<Rc<ExcObj>>, _is_async: bool, line: u32) -> Res<bool> {
    let Value::Aio(a) = cm else { return Ok(false) };
    match &**a {
        AioObj::Prim(p) => {
            let target = match p.kind {
                PrimKind::Condition => p.lock.clone().unwrap_or_else(|| Rc::clone(a)),
                _ => Rc::clone(a),
            };
            release(rt, &target)?;
            Ok(false)
        }
        AioObj::Timeout(t) => {
            if let Some(h) = t.timer.borrow_mut().take() {
                h.abort();
            }
            let expiring = t.state.get() == TimeoutState::Expiring;
            t.state.set(TimeoutState::Exited);
            if expiring
                && let Some(e) = &exc
                && e.class == ExcClass::CancelledError
            {
                t.state.set(TimeoutState::Expired);
                if let Some(task_rc) = t.task.borrow().as_ref()
                    && let Some(tobj) = task(task_rc)
                {
                    tobj.num_cancels.set((tobj.num_cancels.get() - 1).max(0));
                }
                let te = ExcObj::new(ExcClass::TimeoutError, "");
                *te.cause.borrow_mut() = Some(Rc::clone(e));
                return Err(Raise::Exc(te));
            }
            Ok(false)
        }
        AioObj::TaskGroup(tg) => tg_exit(rt, a, tg, exc, line).await,
        AioObj::Acm(g) => match exc {
            None => match resume(rt, g, true).await? {
                None => Ok(false),
                Some(_) => raise(ExcClass::RuntimeError, "generator didn't stop"),
            },
            Some(e) => match resume_with(rt, g, Some(Rc::clone(&e))).await {
                // The generator swallowed the exception and ended.
                Ok(None) => Ok(true),
                Ok(Some(_)) => raise(ExcClass::RuntimeError, "generator didn't stop after athrow()"),
                Err(Raise::Exc(again)) if Rc::ptr_eq(&again, &e) => Ok(false),
                Err(other) => Err(other),
            },
        },
        _ => Ok(false),
    }
}

fn tg_abort(tg: &TgObj) {
    tg.aborting.set(true);
    for t in tg.tasks.borrow().iter() {
        if !fut_done(t) {
            fut_cancel(t, None);
        }
    }
}

async fn tg_exit(rt: &Rc<Rt>, a: &Rc<AioObj>, tg: &TgObj, exc: Option<Rc<ExcObj>>, line: u32) -> Res<bool> {
    tg.exiting.set(true);
    let mut propagate_cancel = None;
    if let Some(e) = &exc {
        if e.class == ExcClass::CancelledError {
            let swallowed = tg.parent_cancel_requested.get()
                && tg.parent.borrow().as_ref().and_then(|p| {
                    task(p).map(|t| {
                        t.num_cancels.set((t.num_cancels.get() - 1).max(0));
                        t.num_cancels.get() == 0
                    })
                }) == Some(true);
            if !swallowed {
                propagate_cancel = Some(Rc::clone(e));
            }
        }
        if !tg.aborting.get() {
            tg_abort(tg);
        }
    }
    // Its tasks done already are joined here, for no time.
    for t in tg.tasks.borrow().iter().filter(|t| fut_done(t)) {
        joined_at_once(rt, t);
    }
    while tg.pending.get() > 0 {
        let blocked: Vec<Blocker> = tg
            .tasks
            .borrow()
            .iter()
            .filter(|t| !fut_done(t))
            .flat_map(|t| blockers_of(t))
            .collect();
        let out = suspend(rt, line, Waiting::Leaf, WakeCause::Unknown, &blocked, &mut |cx| {
            if tg.pending.get() == 0 {
                Poll::Ready(())
            } else {
                tg.waiters.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        if let Err(Raise::Exc(e)) = out
            && !tg.aborting.get()
        {
            propagate_cancel = Some(e);
            tg_abort(tg);
        }
    }
    let _ = a;
    let errors: Vec<Rc<ExcObj>> = tg.errors.borrow().clone();
    if let Some(e) = propagate_cancel
        && errors.is_empty()
    {
        return Err(Raise::Exc(e));
    }
    let mut errors = errors;
    if let Some(e) = exc
        && e.class != ExcClass::CancelledError
    {
        errors.push(e);
    }
    if errors.is_empty() {
        return Ok(false);
    }
    let all_exc = errors.iter().all(|e| e.is(ExcClass::Exception));
    Err(Raise::Exc(Rc::new(ExcObj {
        class: if all_exc {
            ExcClass::ExceptionGroup
        } else {
            ExcClass::BaseExceptionGroup
        },
        args: vec![Value::str("unhandled errors in a TaskGroup")],
        traceback: RefCell::new(Vec::new()),
        cause: RefCell::new(None),
        group: errors,
        status: None,
    })))
}

/// `ExceptionGroup(message, [errors])`.
pub(crate) fn exception_group(class: ExcClass, args: Vec<Value>) -> Res<Value> {
    let [msg, errs] = <[Value; 2]>::try_from(args).map_err(|_| {
        Raise::Exc(ExcObj::new(
            ExcClass::TypeError,
            "ExceptionGroup takes a message and a list of exceptions",
        ))
    })?;
    let items = match &errs {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        _ => return raise(ExcClass::TypeError, "second argument (exceptions) must be a sequence"),
    };
    let mut group = Vec::new();
    for i in items {
        match i {
            Value::Exc(e) => group.push(e),
            _ => {
                return raise(
                    ExcClass::ValueError,
                    "Item 0 of second argument (exceptions) is not an exception",
                );
            }
        }
    }
    Ok(Value::Exc(Rc::new(ExcObj {
        class,
        args: vec![msg],
        traceback: RefCell::new(Vec::new()),
        cause: RefCell::new(None),
        group,
        status: None,
    })))
}

// ------------------------------------------------------------ attributes

const TASK_METHODS: &[&str] = &[
    "cancel",
    "cancelled",
    "done",
    "result",
    "exception",
    "get_name",
    "set_name",
    "add_done_callback",
    "uncancel",
    "cancelling",
];
const PRIM_METHODS: &[&str] = &[
    "acquire",
    "release",
    "locked",
    "set",
    "clear",
    "is_set",
    "wait",
    "notify",
    "notify_all",
    "wait_for",
];
const QUEUE_METHODS: &[&str] = &[
    "put",
    "get",
    "put_nowait",
    "get_nowait",
    "task_done",
    "join",
    "qsize",
    "empty",
    "full",
];

pub(crate) fn getattr(rt: &Rc<Rt>, a: &Rc<AioObj>, name: &str) -> Res<Option<Value>> {
    let _ = rt;
    let methods: &[&str] = match &**a {
        AioObj::Task(_) => TASK_METHODS,
        AioObj::Gather(_) | AioObj::Shield(_) => &["cancel", "cancelled", "done", "result", "exception"],
        AioObj::Prim(_) => PRIM_METHODS,
        AioObj::Queue(q) => {
            if name == "maxsize" {
                return Ok(Some(Value::Int(q.maxsize)));
            }
            QUEUE_METHODS
        }
        AioObj::TaskGroup(_) => &["create_task"],
        AioObj::Loop => &["time", "create_task"],
        AioObj::Session(_) => &["get", "post", "close"],
        AioObj::Response(r) => {
            match name {
                "status" => return Ok(Some(Value::Int(i64::from(r.status)))),
                "ok" => return Ok(Some(Value::Bool(r.status < 400))),
                "reason" => return Ok(Some(Value::str(reason(r.status)))),
                "url" => return Ok(Some(Value::str(r.url.as_str()))),
                "content_type" => {
                    let ct = r.content_type.as_deref().unwrap_or("application/octet-stream");
                    return Ok(Some(Value::str(ct.split(';').next().unwrap_or(ct).trim())));
                }
                "content_length" => return Ok(Some(Value::Int(r.body.chars().count() as i64))),
                "content" => return Ok(Some(Value::Aio(Rc::new(AioObj::Content(Rc::clone(a)))))),
                _ => {}
            }
            &["json", "text", "read", "raise_for_status", "release"]
        }
        AioObj::Timeout(_) => &["expired"],
        AioObj::Content(_) => &["iter_chunked", "read"],
        AioObj::Coro(_) | AioObj::Op(_) => &["close"],
        AioObj::ClientTimeout(t) => {
            return Ok((name == "total").then(|| t.map_or(Value::None, Value::Float)));
        }
        _ => &[],
    };
    Ok(methods
        .iter()
        .find(|m| **m == name)
        .map(|m| Value::Method(Rc::new((Value::Aio(Rc::clone(a)), *m)))))
}

pub(crate) fn setattr(a: &AioObj, name: &str, _v: Value) -> Res<()> {
    raise(
        ExcClass::AttributeError,
        format!("'{}' object attribute '{name}' is read-only", a.type_name()),
    )
}

fn kwarg(kw: &Kwargs, name: &str) -> Option<Value> {
    kw.iter().find(|(k, _)| &**k == name).map(|(_, v)| v.clone())
}

fn want_aio<'a>(v: &'a Value, what: &str) -> Res<&'a Rc<AioObj>> {
    match v {
        Value::Aio(a) => Ok(a),
        other => raise(
            ExcClass::TypeError,
            format!("{what}: a coroutine was expected, got {}", other.type_name()),
        ),
    }
}

fn name_arg(kw: &Kwargs) -> Option<String> {
    kwarg(kw, "name")
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.to_str())
}

pub(crate) fn call_method(
    rt: &Rc<Rt>,
    a: &Rc<AioObj>,
    name: &'static str,
    args: Vec<Value>,
    kw: Kwargs,
    line: u32,
) -> Res<Value> {
    let first = args.first().cloned();
    match (&**a, name) {
        (AioObj::Task(_) | AioObj::Gather(_) | AioObj::Shield(_), "cancel") => {
            let msg = first
                .or_else(|| kwarg(&kw, "msg"))
                .filter(|m| !matches!(m, Value::None));
            Ok(Value::Bool(fut_cancel(a, msg)))
        }
        (AioObj::Task(_) | AioObj::Gather(_) | AioObj::Shield(_), "done") => Ok(Value::Bool(fut_done(a))),
        (AioObj::Task(t), "cancelled") => Ok(Value::Bool(matches!(*t.state.borrow(), TaskState::Cancelled(_)))),
        (AioObj::Gather(g), "cancelled") => Ok(Value::Bool(g.cancel_requested.get() && fut_done(a))),
        (AioObj::Task(_) | AioObj::Gather(_) | AioObj::Shield(_), "result") => {
            if !fut_done(a) {
                return raise(ExcClass::InvalidStateError, "Result is not set.");
            }
            joined_at_once(rt, a);
            fut_result(a)
        }
        (AioObj::Task(_) | AioObj::Gather(_) | AioObj::Shield(_), "exception") => {
            if !fut_done(a) {
                return raise(ExcClass::InvalidStateError, "Exception is not set.");
            }
            joined_at_once(rt, a);
            match fut_result(a) {
                Ok(_) => Ok(Value::None),
                Err(Raise::Exc(e)) if e.class == ExcClass::CancelledError => Err(Raise::Exc(e)),
                Err(Raise::Exc(e)) => Ok(Value::Exc(e)),
                Err(fatal) => Err(fatal),
            }
        }
        (AioObj::Task(t), "get_name") => Ok(Value::Str(Rc::clone(&t.name.borrow()))),
        (AioObj::Task(t), "set_name") => {
            *t.name.borrow_mut() = first.map_or_else(|| "".into(), |v| v.to_str()).into();
            Ok(Value::None)
        }
        (AioObj::Task(t), "uncancel") => {
            t.num_cancels.set((t.num_cancels.get() - 1).max(0));
            Ok(Value::Int(t.num_cancels.get()))
        }
        (AioObj::Task(t), "cancelling") => Ok(Value::Int(t.num_cancels.get())),
        (AioObj::Task(t), "add_done_callback") => {
            let Some(f) = first else {
                return raise(ExcClass::TypeError, "add_done_callback() missing the callback");
            };
            let rt2 = Rc::clone(rt);
            let cb: Callback = Box::new(move |task_rc: &Rc<AioObj>| {
                let task_rc = Rc::clone(task_rc);
                let rt3 = Rc::clone(&rt2);
                rt2.host.spawn_raw(Box::pin(async move {
                    if let Err(Raise::Exc(e)) = call(&rt3, f, vec![Value::Aio(task_rc)], Vec::new(), line).await {
                        rt3.warn(format!("Exception in callback: {}", e.headline()));
                    }
                }));
            });
            if fut_done(a) {
                cb(a);
            } else {
                t.callbacks.borrow_mut().push(cb);
            }
            Ok(Value::None)
        }
        (AioObj::Prim(_), "acquire") => Ok(op(rt, Op::Acquire(Rc::clone(a)))),
        (AioObj::Prim(p), "release") => {
            let target = match p.kind {
                PrimKind::Condition => p.lock.clone().unwrap_or_else(|| Rc::clone(a)),
                _ => Rc::clone(a),
            };
            release(rt, &target)?;
            Ok(Value::None)
        }
        (AioObj::Prim(p), "locked") => Ok(Value::Bool(match p.kind {
            PrimKind::Condition => p.lock.as_deref().and_then(prim).is_some_and(locked),
            PrimKind::Lock => p.value.get() <= 0,
            _ => locked(p),
        })),
        (AioObj::Prim(p), "set") if p.kind == PrimKind::Event => {
            event_set(a);
            Ok(Value::None)
        }
        (AioObj::Prim(p), "clear") if p.kind == PrimKind::Event => {
            p.value.set(0);
            Ok(Value::None)
        }
        (AioObj::Prim(p), "is_set") if p.kind == PrimKind::Event => Ok(Value::Bool(p.value.get() > 0)),
        (AioObj::Prim(p), "wait") if p.kind == PrimKind::Event => Ok(op(rt, Op::EventWait(Rc::clone(a)))),
        (AioObj::Prim(p), "wait") if p.kind == PrimKind::Condition => Ok(op(rt, Op::CondWait(Rc::clone(a)))),
        (AioObj::Prim(p), "wait_for") if p.kind == PrimKind::Condition => {
            let Some(pred) = first else {
                return raise(ExcClass::TypeError, "wait_for() missing the predicate");
            };
            Ok(op(rt, Op::CondWaitFor(Rc::clone(a), pred)))
        }
        (AioObj::Prim(p), "notify") if p.kind == PrimKind::Condition => {
            let n = match first.or_else(|| kwarg(&kw, "n")) {
                Some(v) => usize::try_from(want_int(&v, "notify")?).unwrap_or(0),
                None => 1,
            };
            cond_notify(a, n)?;
            Ok(Value::None)
        }
        (AioObj::Prim(p), "notify_all") if p.kind == PrimKind::Condition => {
            cond_notify(a, usize::MAX)?;
            Ok(Value::None)
        }
        (AioObj::Queue(_), "put") => Ok(op(rt, Op::QueuePut(Rc::clone(a), first.unwrap_or(Value::None)))),
        (AioObj::Queue(_), "get") => Ok(op(rt, Op::QueueGet(Rc::clone(a)))),
        (AioObj::Queue(_), "join") => Ok(op(rt, Op::QueueJoin(Rc::clone(a)))),
        (AioObj::Queue(_), "put_nowait") => {
            put_nowait(rt, a, first.unwrap_or(Value::None))?;
            Ok(Value::None)
        }
        (AioObj::Queue(_), "get_nowait") => get_nowait(rt, a),
        (AioObj::Queue(q), "task_done") => {
            if q.unfinished.get() <= 0 {
                return raise(ExcClass::ValueError, "task_done() called too many times");
            }
            q.unfinished.set(q.unfinished.get() - 1);
            if q.unfinished.get() == 0 {
                event_set(&q.finished);
            }
            Ok(Value::None)
        }
        (AioObj::Queue(q), "qsize") => Ok(Value::Int(q.items.borrow().len() as i64)),
        (AioObj::Queue(q), "empty") => Ok(Value::Bool(q.items.borrow().is_empty())),
        (AioObj::Queue(q), "full") => Ok(Value::Bool(qfull(q))),
        (AioObj::TaskGroup(tg), "create_task") => {
            if !tg.entered.get() {
                return raise(ExcClass::RuntimeError, "TaskGroup has not been entered");
            }
            if tg.exiting.get() && tg.tasks.borrow().iter().all(|t| fut_done(t)) {
                return raise(ExcClass::RuntimeError, "TaskGroup is finished");
            }
            let aw = want_aio(first.as_ref().unwrap_or(&Value::None), "create_task")?;
            let t = create_task(rt, Rc::clone(aw), name_arg(&kw), line)?;
            tg.tasks.borrow_mut().push(Rc::clone(&t));
            let tg_rc = Rc::clone(a);
            if let Some(tobj) = task(&t) {
                tg.pending.set(tg.pending.get() + 1);
                tobj.callbacks.borrow_mut().push(Box::new(move |done: &Rc<AioObj>| {
                    let AioObj::TaskGroup(tg) = &*tg_rc else { return };
                    tg.pending.set(tg.pending.get().saturating_sub(1));
                    for w in tg.waiters.borrow_mut().drain(..) {
                        w.wake();
                    }
                    let Some(d) = task(done) else { return };
                    let TaskState::Failed(e) = &*d.state.borrow() else {
                        return;
                    };
                    d.retrieved.set(true);
                    tg.errors.borrow_mut().push(Rc::clone(e));
                    if !tg.aborting.get() && !tg.parent_cancel_requested.get() {
                        tg_abort(tg);
                        tg.parent_cancel_requested.set(true);
                        if let Some(p) = tg.parent.borrow().as_ref() {
                            fut_cancel(p, None);
                        }
                    }
                }));
            }
            Ok(Value::Aio(t))
        }
        (AioObj::Content(resp), "iter_chunked" | "read") => {
            let AioObj::Response(r) = &**resp else {
                return Ok(Value::None);
            };
            if name == "read" {
                return Ok(op(rt, Op::Ready(Value::str(r.body.as_str()))));
            }
            let n = match first {
                Some(v) => usize::try_from(want_int(&v, "iter_chunked")?).unwrap_or(0),
                None => 65_536,
            };
            if n == 0 {
                return raise(ExcClass::ValueError, "iter_chunked() needs a chunk size above 0");
            }
            let chars: Vec<char> = r.body.chars().collect();
            let chunks = chars
                .chunks(n)
                .map(|c| Value::str(c.iter().collect::<String>()))
                .collect();
            Ok(Value::Aio(Rc::new(AioObj::Chunks(chunks))))
        }
        (AioObj::Coro(c), "close") => {
            // Closed before it ran: nothing runs, and no warning.
            c.started.set(true);
            Ok(Value::None)
        }
        (AioObj::Op(o), "close") => {
            o.started.set(true);
            Ok(Value::None)
        }
        (AioObj::Timeout(t), "expired") => Ok(Value::Bool(matches!(
            t.state.get(),
            TimeoutState::Expiring | TimeoutState::Expired
        ))),
        (AioObj::Loop, "time") => Ok(Value::Float(rt.host.now().as_secs_f64())),
        (AioObj::Loop, "create_task") => {
            let aw = want_aio(first.as_ref().unwrap_or(&Value::None), "create_task")?;
            Ok(Value::Aio(create_task(rt, Rc::clone(aw), name_arg(&kw), line)?))
        }
        (AioObj::Session(default_timeout), "get" | "post") => {
            let Some(url) = first else {
                return raise(ExcClass::TypeError, format!("{name}() missing the url"));
            };
            let body = match kwarg(&kw, "json") {
                Some(v) => Some(value_to_json(&v, 0)?.to_string()),
                None => kwarg(&kw, "data").map(|v| v.to_str()),
            };
            let timeout = match kwarg(&kw, "timeout") {
                Some(t) => timeout_of(Some(t))?,
                None => *default_timeout,
            };
            Ok(Value::Aio(Rc::new(AioObj::Request(ReqObj {
                method: if name == "get" { "GET" } else { "POST" },
                url: url.to_str(),
                body,
                timeout,
                response: RefCell::new(None),
            }))))
        }
        (AioObj::Session(_), "close") => Ok(op(rt, Op::Ready(Value::None))),
        (AioObj::Response(r), "json") => {
            let v = serde_json::from_str::<serde_json::Value>(&r.body).map_err(|e| {
                Raise::Exc(ExcObj::new(
                    ExcClass::ValueError,
                    format!("the response from {} is not JSON: {e}", r.url),
                ))
            })?;
            Ok(op(rt, Op::Ready(json_to_value(&v))))
        }
        (AioObj::Response(r), "text" | "read") => Ok(op(rt, Op::Ready(Value::str(r.body.as_str())))),
        (AioObj::Response(_), "release") => Ok(Value::None),
        (AioObj::Response(r), "raise_for_status") => {
            if r.status >= 400 {
                let msg = format!("{}, message='{}', url='{}'", r.status, reason(r.status), r.url);
                return Err(Raise::Exc(Rc::new(ExcObj {
                    class: ExcClass::ClientResponseError,
                    args: vec![Value::str(msg)],
                    traceback: RefCell::new(Vec::new()),
                    cause: RefCell::new(None),
                    group: Vec::new(),
                    status: Some(i64::from(r.status)),
                })));
            }
            Ok(Value::None)
        }
        _ => raise(
            ExcClass::AttributeError,
            format!("'{}' object has no attribute '{name}'", a.type_name()),
        ),
    }
}

pub(crate) fn is_acm_factory(a: &AioObj) -> bool {
    matches!(a, AioObj::AcmFactory(_))
}

/// Calls a function decorated with `@asynccontextmanager`.
pub(crate) async fn call_acm_factory(rt: &Rc<Rt>, a: &AioObj, args: Vec<Value>, kw: Kwargs, line: u32) -> Res<Value> {
    let AioObj::AcmFactory(f) = a else {
        return Ok(Value::None);
    };
    match call(rt, f.clone(), args, kw, line).await? {
        Value::Aio(g) if matches!(&*g, AioObj::Gen(state) if state.is_async) => Ok(Value::Aio(Rc::new(AioObj::Acm(g)))),
        other => raise(
            ExcClass::TypeError,
            format!(
                "@asynccontextmanager needs an async generator function, not one returning {}",
                other.type_name()
            ),
        ),
    }
}

/// `asyncio.run(coro)`.
pub(crate) async fn call_run(rt: &Rc<Rt>, args: &[Value], line: u32) -> Res<Value> {
    let aw = want_aio(args.first().unwrap_or(&Value::None), "asyncio.run()")?;
    if !matches!(&**aw, AioObj::Coro(_)) {
        return raise(ExcClass::ValueError, "a coroutine was expected");
    }
    asyncio_run(rt, Rc::clone(aw), line).await
}

/// The asyncio, aiohttp and primitive constructors (all but `run`): none
/// of them waits.
pub(crate) fn call_asyncio(rt: &Rc<Rt>, b: Builtin, args: Vec<Value>, kw: Kwargs, line: u32) -> Res<Value> {
    let first = args.first().cloned();
    match b {
        Builtin::Sleep => {
            let secs = want_secs(first.as_ref().unwrap_or(&Value::Int(0)), "asyncio.sleep()")?;
            let result = args
                .get(1)
                .cloned()
                .or_else(|| kwarg(&kw, "result"))
                .unwrap_or(Value::None);
            Ok(op(rt, Op::Sleep(secs, result)))
        }
        Builtin::CreateTask => {
            let aw = want_aio(first.as_ref().unwrap_or(&Value::None), "create_task()")?;
            Ok(Value::Aio(create_task(rt, Rc::clone(aw), name_arg(&kw), line)?))
        }
        Builtin::EnsureFuture => Ok(Value::Aio(ensure_future(
            rt,
            first.as_ref().unwrap_or(&Value::None),
            line,
        )?)),
        Builtin::Gather => {
            let mut children = Vec::with_capacity(args.len());
            for a in &args {
                children.push(ensure_future(rt, a, line)?);
            }
            Ok(Value::Aio(new_gather(
                children,
                kwarg(&kw, "return_exceptions").is_some_and(|v| v.truthy()),
            )))
        }
        Builtin::Wait => {
            let items = match first {
                Some(Value::List(l)) => l.borrow().clone(),
                Some(Value::Tuple(t)) => t.to_vec(),
                _ => return raise(ExcClass::TypeError, "asyncio.wait() takes a list of tasks"),
            };
            if items.is_empty() {
                return raise(ExcClass::ValueError, "Set of Tasks/Futures is empty.");
            }
            let mut futs = Vec::with_capacity(items.len());
            for i in &items {
                futs.push(ensure_future(rt, i, line)?);
            }
            let timeout = match kwarg(&kw, "timeout") {
                None | Some(Value::None) => None,
                Some(t) => Some(want_secs(&t, "asyncio.wait()")?),
            };
            let when: Rc<str> = match kwarg(&kw, "return_when") {
                None => "ALL_COMPLETED".into(),
                Some(Value::Str(s)) if matches!(&*s, "ALL_COMPLETED" | "FIRST_COMPLETED" | "FIRST_EXCEPTION") => s,
                Some(other) => {
                    return raise(
                        ExcClass::ValueError,
                        format!(
                            "Invalid return_when value: {}; use asyncio.FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED",
                            other.repr()
                        ),
                    );
                }
            };
            Ok(op(rt, Op::Wait(futs, timeout, when)))
        }
        Builtin::WaitFor => {
            let aw = first.unwrap_or(Value::None);
            let timeout = match args.get(1).cloned().or_else(|| kwarg(&kw, "timeout")) {
                None | Some(Value::None) => None,
                Some(t) => Some(want_secs(&t, "asyncio.wait_for()")?),
            };
            Ok(op(rt, Op::WaitFor(aw, timeout)))
        }
        Builtin::Timeout => {
            let delay = match first.or_else(|| kwarg(&kw, "delay")) {
                None | Some(Value::None) => None,
                Some(t) => Some(want_secs(&t, "asyncio.timeout()")?),
            };
            Ok(Value::Aio(Rc::new(AioObj::Timeout(TimeoutObj {
                delay,
                state: Cell::new(TimeoutState::Created),
                task: RefCell::new(None),
                timer: RefCell::new(None),
            }))))
        }
        Builtin::AsCompleted => {
            let items = match first {
                Some(Value::List(l)) => l.borrow().clone(),
                Some(Value::Tuple(t)) => t.to_vec(),
                _ => return raise(ExcClass::TypeError, "as_completed() takes a list of awaitables"),
            };
            let mut children = Vec::with_capacity(items.len());
            for i in &items {
                children.push(ensure_future(rt, i, line)?);
            }
            let group = new_gather(children, true);
            let waits = items
                .iter()
                .map(|_| match op(rt, Op::NextCompleted(Rc::clone(&group))) {
                    Value::Aio(a) => a,
                    _ => Rc::clone(&group),
                })
                .collect();
            Ok(Value::Aio(Rc::new(AioObj::AsCompleted(waits))))
        }
        Builtin::Shield => {
            let inner = ensure_future(rt, first.as_ref().unwrap_or(&Value::None), line)?;
            Ok(Value::Aio(Rc::new(AioObj::Shield(ShieldObj {
                inner,
                cancelled: Cell::new(false),
                waiters: RefCell::new(Vec::new()),
            }))))
        }
        Builtin::TaskGroup => Ok(Value::Aio(Rc::new(AioObj::TaskGroup(TgObj {
            tasks: RefCell::new(Vec::new()),
            pending: Cell::new(0),
            waiters: RefCell::new(Vec::new()),
            parent: RefCell::new(None),
            errors: RefCell::new(Vec::new()),
            entered: Cell::new(false),
            exiting: Cell::new(false),
            aborting: Cell::new(false),
            parent_cancel_requested: Cell::new(false),
        })))),
        Builtin::CurrentTask => Ok(rt.current_task().map_or(Value::None, Value::Aio)),
        Builtin::AllTasks => Ok(Value::list(
            rt.tasks
                .borrow()
                .iter()
                .filter(|t| !fut_done(t))
                .cloned()
                .map(Value::Aio)
                .collect(),
        )),
        Builtin::GetRunningLoop => {
            if rt.current_task().is_none() {
                return raise(ExcClass::RuntimeError, "no running event loop");
            }
            Ok(Value::Aio(Rc::new(AioObj::Loop)))
        }
        Builtin::Semaphore | Builtin::BoundedSemaphore => {
            let n = match first.or_else(|| kwarg(&kw, "value")) {
                Some(v) => want_int(&v, "Semaphore")?,
                None => 1,
            };
            if n < 0 {
                return raise(ExcClass::ValueError, "Semaphore initial value must be >= 0");
            }
            let kind = if b == Builtin::Semaphore {
                PrimKind::Semaphore
            } else {
                PrimKind::Bounded
            };
            Ok(new_prim(kind, n, None))
        }
        Builtin::Lock => Ok(new_prim(PrimKind::Lock, 1, None)),
        Builtin::Event => Ok(new_prim(PrimKind::Event, 0, None)),
        Builtin::Condition => {
            let lock = match first {
                Some(Value::Aio(l)) if matches!(&*l, AioObj::Prim(p) if p.kind == PrimKind::Lock) => l,
                Some(_) => return raise(ExcClass::TypeError, "Condition() takes an asyncio.Lock"),
                None => match new_prim(PrimKind::Lock, 1, None) {
                    Value::Aio(l) => l,
                    _ => return raise(ExcClass::RuntimeError, "no lock"),
                },
            };
            Ok(new_prim(PrimKind::Condition, 0, Some(lock)))
        }
        Builtin::Queue => {
            let maxsize = match first.or_else(|| kwarg(&kw, "maxsize")) {
                Some(v) => want_int(&v, "Queue")?,
                None => 0,
            };
            let finished = match new_prim(PrimKind::Event, 1, None) {
                Value::Aio(e) => e,
                _ => return raise(ExcClass::RuntimeError, "no event"),
            };
            Ok(Value::Aio(Rc::new(AioObj::Queue(QueueObj {
                items: RefCell::new(VecDeque::new()),
                maxsize,
                getters: RefCell::new(VecDeque::new()),
                putters: RefCell::new(VecDeque::new()),
                unfinished: Cell::new(0),
                finished,
                name: RefCell::new(None),
                resource: Cell::new(None),
            }))))
        }
        Builtin::ClientSession => Ok(Value::Aio(Rc::new(AioObj::Session(timeout_of(kwarg(&kw, "timeout"))?)))),
        Builtin::ClientTimeout => {
            let total = match first.or_else(|| kwarg(&kw, "total")) {
                None | Some(Value::None) => None,
                Some(t) => Some(want_secs(&t, "ClientTimeout")?),
            };
            Ok(Value::Aio(Rc::new(AioObj::ClientTimeout(total))))
        }
        Builtin::AsyncContextManager => match first {
            Some(f @ Value::Func(_)) => Ok(Value::Aio(Rc::new(AioObj::AcmFactory(f)))),
            _ => raise(
                ExcClass::TypeError,
                "@asynccontextmanager decorates an async generator function",
            ),
        },
        other => raise(ExcClass::TypeError, format!("{}() is not available here", other.name())),
    }
}
