//! The tree-walking interpreter: statements and expressions, scopes,
//! calls, generators. Every statement runs inside a Rust future, so a
//! Python `await` is a Rust `.await` on the environment's timers, tasks
//! and network.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::future::LocalBoxFuture;

use super::aio::{self, AioObj};
use super::ast::Expr;
use super::ast::{
    Arg, BinOp, CmpOp, CompKind, Comprehension, Const, ExprKind, FPart, FuncDef, Handler, Stmt, StmtKind, Target,
    UnaryOp,
};
use super::builtins;
use super::host::Host;
use super::value::{Builtin, Closure, Dict, ExcClass, ExcObj, Module, Num, Value};

/// What stops a statement: an exception, or the run itself ending (a
/// budget exhausted), which no `except` catches.
#[derive(Clone)]
pub(crate) enum Raise {
    Exc(Rc<ExcObj>),
    Fatal(Rc<str>),
}

pub(crate) type Res<T> = Result<T, Raise>;

/// Raises a new exception of `class`.
pub(crate) fn raise<T>(class: ExcClass, message: impl Into<Rc<str>>) -> Res<T> {
    Err(Raise::Exc(ExcObj::new(class, message)))
}

/// How a block ended, when it did not raise.
pub(crate) enum Flow {
    Normal,
    Return(Value),
    Break,
    Continue,
}

/// Variables of one function call (or the module), and the scope the
/// function was defined in.
pub(crate) struct ScopeData {
    pub vars: RefCell<HashMap<Rc<str>, Value>>,
    pub parent: Option<Scope>,
}

pub(crate) type Scope = Rc<ScopeData>;

pub(crate) fn new_scope(parent: Option<Scope>) -> Scope {
    Rc::new(ScopeData {
        vars: RefCell::new(HashMap::new()),
        parent,
    })
}

/// One running function (or the module, or a comprehension).
pub(crate) struct Frame {
    pub scope: Scope,
    pub is_module: bool,
    pub globals_decl: RefCell<Vec<Rc<str>>>,
    pub nonlocal_decl: RefCell<Vec<Rc<str>>>,
    pub func: Rc<str>,
    pub line: Cell<u32>,
    /// Where a generator's `yield` puts its value.
    pub yield_slot: Option<Rc<GenSlot>>,
}

impl Frame {
    pub fn new(scope: Scope, func: Rc<str>, yield_slot: Option<Rc<GenSlot>>) -> Rc<Frame> {
        Rc::new(Frame {
            scope,
            is_module: false,
            globals_decl: RefCell::new(Vec::new()),
            nonlocal_decl: RefCell::new(Vec::new()),
            func,
            line: Cell::new(0),
            yield_slot,
        })
    }
}

/// Where a generator's `yield` hands out its value, and where an
/// exception thrown into it (by an async context manager's exit) waits.
#[derive(Default)]
pub(crate) struct GenSlot {
    pub value: RefCell<Option<Value>>,
    pub thrown: RefCell<Option<Rc<ExcObj>>>,
}

/// Bounds that keep a program from freezing the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Statements a task may run without awaiting anything.
    pub steps_without_await: u64,
    /// Nested calls in one task.
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            steps_without_await: 2_000_000,
            // A debug build in a browser has the engine's stack (about
            // 1 MB, not ours to set) for frames several times larger than
            // a release build's: it allows fewer calls.
            max_depth: if cfg!(all(target_arch = "wasm32", debug_assertions)) {
                10
            } else {
                100
            },
        }
    }
}

/// A line printed by the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Printed {
    /// When, on the run's clock.
    pub at: std::time::Duration,
    /// The task that printed it (`None` at module level).
    pub task: Option<String>,
    /// The text, without its final newline.
    pub text: String,
}

/// The state of one run of a program.
pub(crate) struct Rt {
    pub host: Rc<dyn Host>,
    pub globals: Scope,
    pub source: Rc<str>,
    pub file: Rc<str>,
    pub limits: Limits,
    pub steps: Cell<u64>,
    pub task_counter: Cell<u64>,
    pub current: RefCell<Option<Rc<AioObj>>>,
    pub tasks: RefCell<Vec<Rc<AioObj>>>,
    pub warnings: Rc<RefCell<Vec<String>>>,
    pub printed: RefCell<Vec<Printed>>,
    /// Why the run ended early (a budget ran out), in English and in
    /// Chinese, once it has.
    pub fatal: RefCell<Option<(Rc<str>, Rc<str>)>>,
    pub fatal_waker: RefCell<Option<std::task::Waker>>,
    pub done_seq: Cell<u64>,
    pub module_depth: Rc<Cell<u32>>,
    pub module_handling: RefCell<Option<Rc<ExcObj>>>,
}

impl Rt {
    /// The task being run now.
    pub fn current_task(&self) -> Option<Rc<AioObj>> {
        self.current.borrow().clone()
    }

    pub fn warn(&self, text: String) {
        self.warnings.borrow_mut().push(text);
    }

    /// Ends the run: a budget was exhausted (`message`, `message_zh` in
    /// Chinese).
    pub fn fail(&self, message: Rc<str>, message_zh: Rc<str>) {
        if self.fatal.borrow().is_none() {
            *self.fatal.borrow_mut() = Some((message, message_zh));
        }
        if let Some(w) = self.fatal_waker.borrow_mut().take() {
            w.wake();
        }
    }

    /// One more statement without an await.
    fn tick(&self) -> Res<()> {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if n > self.limits.steps_without_await {
            let msg: Rc<str> = format!(
                "stopped: the program ran {} steps without awaiting anything (a loop that never awaits freezes the event loop); add an `await` in the loop",
                self.limits.steps_without_await
            )
            .into();
            let zh = format!(
                "已停止：程序连续执行了 {} 步而没有 await 任何东西（从不 await 的循环会冻结事件循环）；请在循环里加一个 `await`",
                self.limits.steps_without_await
            );
            self.fail(Rc::clone(&msg), zh.into());
            return Err(Raise::Fatal(msg));
        }
        Ok(())
    }

    /// The line of the program, for tracebacks.
    pub fn source_line(&self, line: u32) -> Option<&str> {
        self.source.lines().nth(line.checked_sub(1)? as usize)
    }

    fn depth_cell(&self) -> Rc<Cell<u32>> {
        match self.current_task() {
            Some(t) => match &*t {
                AioObj::Task(t) => Rc::clone(&t.depth),
                _ => Rc::clone(&self.module_depth),
            },
            None => Rc::clone(&self.module_depth),
        }
    }

    /// Enters a call: a RecursionError beyond the limit of nested calls,
    /// or when the calls nested so far use more than [`STACK_BUDGET`]
    /// below the poll that began them (a call that awaits inside loops and
    /// `try` blocks takes far more stack than a plain one).
    pub fn enter_call(&self) -> Res<DepthGuard> {
        let cell = self.depth_cell();
        if cell.get() >= self.limits.max_depth {
            return raise(
                ExcClass::RecursionError,
                format!(
                    "maximum recursion depth exceeded (the composer allows {} nested calls)",
                    self.limits.max_depth
                ),
            );
        }
        if stack_used() > STACK_BUDGET {
            return raise(
                ExcClass::RecursionError,
                format!(
                    "maximum recursion depth exceeded ({} nested calls use all the {} MB of stack the composer allows)",
                    cell.get(),
                    STACK_BUDGET >> 20
                ),
            );
        }
        cell.set(cell.get() + 1);
        Ok(DepthGuard(cell))
    }
}

/// The most stack the calls nested in one poll of the interpreter may
/// use. Every stack it runs on has more: a test thread's and the command
/// line's 8 MB, and the 8 MB the wasm build links with.
pub(crate) const STACK_BUDGET: usize = 5 << 20;

thread_local! {
    /// Where the outermost poll of the interpreter on this thread began
    /// (0: none is under way).
    static STACK_BASE: Cell<usize> = const { Cell::new(0) };
}

/// The address of a local of the caller's frame: how deep the stack is.
#[inline(never)]
fn stack_here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The stack used since the outermost poll of the interpreter began
/// (stacks grow down on every target we build for).
fn stack_used() -> usize {
    match STACK_BASE.with(Cell::get) {
        0 => 0,
        base => base.saturating_sub(stack_here()),
    }
}

/// Marks where a poll of the interpreter begins, unless an outer one is
/// under way; [`Rt::enter_call`] measures the stack from there.
pub(crate) struct StackBase(usize);

impl StackBase {
    pub fn mark() -> Self {
        let previous = STACK_BASE.with(Cell::get);
        if previous == 0 {
            STACK_BASE.with(|b| b.set(stack_here()));
        }
        StackBase(previous)
    }
}

/// `fut`, each poll of it marked as a [`StackBase`].
pub(crate) fn with_stack_base<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    let mut fut = Box::pin(fut);
    futures::future::poll_fn(move |cx| {
        let _base = StackBase::mark();
        fut.as_mut().poll(cx)
    })
}

impl Drop for StackBase {
    fn drop(&mut self) {
        STACK_BASE.with(|b| b.set(self.0));
    }
}

/// Leaves a call when dropped.
pub(crate) struct DepthGuard(Rc<Cell<u32>>);

impl Drop for DepthGuard {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

/// Adds `(line, func)` to the traceback of an exception leaving `f`.
fn note_frame(f: &Frame, r: Raise) -> Raise {
    if let Raise::Exc(e) = &r {
        let mut tb = e.traceback.borrow_mut();
        let entry = (f.line.get(), Rc::clone(&f.func));
        if tb.last() != Some(&entry) {
            tb.push(entry);
        }
    }
    r
}

// ---------------------------------------------------------------- names

pub(crate) fn lookup(rt: &Rt, f: &Frame, name: &str) -> Option<Value> {
    let mut scope = Some(&f.scope);
    while let Some(s) = scope {
        if let Some(v) = s.vars.borrow().get(name) {
            return Some(v.clone());
        }
        scope = s.parent.as_ref();
    }
    if let Some(v) = rt.globals.vars.borrow().get(name) {
        return Some(v.clone());
    }
    if name == "__name__" {
        return Some(Value::str("__main__"));
    }
    Builtin::global(name)
}

fn store(rt: &Rt, f: &Frame, name: &Rc<str>, v: Value) {
    if !f.is_module {
        if f.globals_decl.borrow().iter().any(|n| n == name) {
            rt.globals.vars.borrow_mut().insert(Rc::clone(name), v);
            return;
        }
        if f.nonlocal_decl.borrow().iter().any(|n| n == name) {
            let mut scope = f.scope.parent.as_ref();
            while let Some(s) = scope {
                if s.vars.borrow().contains_key(name) {
                    s.vars.borrow_mut().insert(Rc::clone(name), v);
                    return;
                }
                scope = s.parent.as_ref();
            }
        }
    }
    aio::name_object(&v, name);
    f.scope.vars.borrow_mut().insert(Rc::clone(name), v);
}

fn delete(rt: &Rt, f: &Frame, name: &Rc<str>) -> Res<()> {
    let target = if f.globals_decl.borrow().iter().any(|n| n == name) {
        &rt.globals
    } else {
        &f.scope
    };
    if target.vars.borrow_mut().remove(name).is_none() {
        return raise(ExcClass::NameError, format!("name '{name}' is not defined"));
    }
    Ok(())
}

// ----------------------------------------------------------- statements

pub(crate) fn exec_block<'a>(rt: &'a Rc<Rt>, f: &'a Rc<Frame>, body: &'a [Stmt]) -> LocalBoxFuture<'a, Res<Flow>> {
    Box::pin(async move {
        for s in body {
            match exec_stmt(rt, f, s).await? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    })
}

async fn exec_stmt(rt: &Rc<Rt>, f: &Rc<Frame>, s: &Stmt) -> Res<Flow> {
    rt.tick()?;
    f.line.set(s.pos.line);
    let out = exec_stmt_inner(rt, f, s).await;
    out.map_err(|r| note_frame(f, r))
}

async fn exec_stmt_inner(rt: &Rc<Rt>, f: &Rc<Frame>, s: &Stmt) -> Res<Flow> {
    match &s.kind {
        StmtKind::Expr(e) => {
            eval(rt, f, e).await?;
            Ok(Flow::Normal)
        }
        StmtKind::Assign { targets, value } => {
            let v = eval(rt, f, value).await?;
            for t in targets {
                assign(rt, f, t, v.clone()).await?;
            }
            Ok(Flow::Normal)
        }
        StmtKind::AugAssign { target, op, value } => {
            match target {
                Target::Name(n) => {
                    let old = lookup(rt, f, n).ok_or_else(|| name_error(n))?;
                    let v = eval(rt, f, value).await?;
                    let new = binop_inplace(*op, old, v)?;
                    store(rt, f, n, new);
                }
                Target::Subscript(obj, idx) => {
                    let o = eval(rt, f, obj).await?;
                    let i = eval(rt, f, idx).await?;
                    let old = builtins::getitem(&o, &i)?;
                    let v = eval(rt, f, value).await?;
                    let new = binop_inplace(*op, old, v)?;
                    builtins::setitem(&o, i, new)?;
                }
                Target::Attribute(obj, name) => {
                    let o = eval(rt, f, obj).await?;
                    let old = getattr(rt, &o, name)?;
                    let v = eval(rt, f, value).await?;
                    let new = binop_inplace(*op, old, v)?;
                    setattr(&o, name, new)?;
                }
                Target::Tuple(_) | Target::Starred(_) => {
                    return raise(ExcClass::TypeError, "illegal expression for augmented assignment");
                }
            }
            Ok(Flow::Normal)
        }
        StmtKind::Pass => Ok(Flow::Normal),
        StmtKind::Break => Ok(Flow::Break),
        StmtKind::Continue => Ok(Flow::Continue),
        StmtKind::Return(v) => {
            let v = match v {
                Some(e) => eval(rt, f, e).await?,
                None => Value::None,
            };
            Ok(Flow::Return(v))
        }
        StmtKind::Raise { exc, cause } => {
            let Some(exc) = exc else {
                return match aio::handling(rt) {
                    Some(e) => Err(Raise::Exc(e)),
                    None => raise(ExcClass::RuntimeError, "No active exception to reraise"),
                };
            };
            let v = eval(rt, f, exc).await?;
            let e = to_exception(v)?;
            if let Some(c) = cause {
                let c = eval(rt, f, c).await?;
                if !matches!(c, Value::None) {
                    *e.cause.borrow_mut() = Some(to_exception(c)?);
                }
            }
            Err(Raise::Exc(e))
        }
        StmtKind::Global(names) => {
            f.globals_decl.borrow_mut().extend(names.iter().cloned());
            Ok(Flow::Normal)
        }
        StmtKind::Nonlocal(names) => {
            f.nonlocal_decl.borrow_mut().extend(names.iter().cloned());
            Ok(Flow::Normal)
        }
        StmtKind::If { test, body, orelse } => {
            if eval(rt, f, test).await?.truthy() {
                exec_block(rt, f, body).await
            } else {
                exec_block(rt, f, orelse).await
            }
        }
        StmtKind::While { test, body, orelse } => {
            while eval(rt, f, test).await?.truthy() {
                rt.tick()?;
                match exec_block(rt, f, body).await? {
                    Flow::Break => return Ok(Flow::Normal),
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            }
            exec_block(rt, f, orelse).await
        }
        StmtKind::For {
            is_async,
            target,
            iter,
            body,
            orelse,
        } => {
            let it = eval(rt, f, iter).await?;
            let mut items = if *is_async {
                aio::aiter(&it)?
            } else {
                builtins::iterate(&it)?
            };
            loop {
                rt.tick()?;
                let next = if *is_async {
                    aio::anext(rt, &mut items, s.pos.line).await?
                } else {
                    builtins::next_item(rt, &mut items).await?
                };
                let Some(item) = next else { break };
                assign(rt, f, target, item).await?;
                match exec_block(rt, f, body).await? {
                    Flow::Break => return Ok(Flow::Normal),
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            }
            exec_block(rt, f, orelse).await
        }
        StmtKind::With { is_async, items, body } => exec_with(rt, f, *is_async, items, body, s.pos.line).await,
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
            star: _,
        } => exec_try(rt, f, body, handlers, orelse, finalbody).await,
        StmtKind::FunctionDef(def) => {
            let mut v = make_function(rt, f, def).await?;
            for d in def.decorators.iter().rev() {
                let dec = eval(rt, f, d).await?;
                v = call(rt, dec, vec![v], Vec::new(), d.pos.line).await?;
            }
            store(rt, f, &def.name, v);
            Ok(Flow::Normal)
        }
        StmtKind::Import(names) => {
            for (dotted, alias) in names {
                let first = dotted.split('.').next().unwrap_or(dotted);
                let module = import(first)?;
                let name: Rc<str> = alias.clone().unwrap_or_else(|| first.into());
                store(rt, f, &name, Value::Module(module));
            }
            Ok(Flow::Normal)
        }
        StmtKind::ImportFrom { module, names } => {
            let m = import(module)?;
            for (name, alias) in names {
                let Some(v) = Builtin::of_module(m, name) else {
                    return raise(
                        ExcClass::NameError,
                        format!("cannot import name '{name}' from '{module}' (the composer does not provide it)"),
                    );
                };
                store(rt, f, alias.as_ref().unwrap_or(name), v);
            }
            Ok(Flow::Normal)
        }
        StmtKind::Assert { test, msg } => {
            if !eval(rt, f, test).await?.truthy() {
                let m = match msg {
                    Some(m) => eval(rt, f, m).await?.to_str(),
                    None => String::new(),
                };
                return raise(ExcClass::AssertionError, m);
            }
            Ok(Flow::Normal)
        }
        StmtKind::Del(targets) => {
            for t in targets {
                match t {
                    Target::Name(n) => delete(rt, f, n)?,
                    Target::Subscript(o, i) => {
                        let o = eval(rt, f, o).await?;
                        let i = eval(rt, f, i).await?;
                        builtins::delitem(&o, &i)?;
                    }
                    _ => return raise(ExcClass::TypeError, "the composer can delete names and items only"),
                }
            }
            Ok(Flow::Normal)
        }
    }
}

fn import(name: &str) -> Res<Module> {
    Ok(match name {
        "asyncio" => Module::Asyncio,
        "random" => Module::Random,
        "time" => Module::Time,
        "aiohttp" => Module::Aiohttp,
        "math" => Module::Math,
        "contextlib" => Module::Contextlib,
        other => {
            return raise(
                ExcClass::NameError,
                format!(
                    "no module named '{other}' in the composer: it provides asyncio, aiohttp, random, time and math"
                ),
            );
        }
    })
}

fn name_error(n: &str) -> Raise {
    Raise::Exc(ExcObj::new(ExcClass::NameError, format!("name '{n}' is not defined")))
}

fn to_exception(v: Value) -> Res<Rc<ExcObj>> {
    match v {
        Value::Exc(e) => Ok(e),
        Value::Class(c) => Ok(ExcObj::with_args(c, Vec::new())),
        other => raise(
            ExcClass::TypeError,
            format!("exceptions must derive from BaseException, not {}", other.type_name()),
        ),
    }
}

async fn exec_with(
    rt: &Rc<Rt>,
    f: &Rc<Frame>,
    is_async: bool,
    items: &[super::ast::WithItem],
    body: &[Stmt],
    line: u32,
) -> Res<Flow> {
    let Some((first, rest)) = items.split_first() else {
        return exec_block(rt, f, body).await;
    };
    let cm = eval(rt, f, &first.ctx).await?;
    let entered = aio::enter(rt, &cm, is_async, line).await?;
    if let Some(t) = &first.var {
        assign(rt, f, t, entered).await?;
    }
    let out = if rest.is_empty() {
        exec_block(rt, f, body).await
    } else {
        Box::pin(exec_with(rt, f, is_async, rest, body, line)).await
    };
    match out {
        Ok(flow) => {
            aio::exit(rt, &cm, None, is_async, line).await?;
            Ok(flow)
        }
        Err(Raise::Exc(e)) => {
            if aio::exit(rt, &cm, Some(Rc::clone(&e)), is_async, line).await? {
                Ok(Flow::Normal)
            } else {
                Err(Raise::Exc(e))
            }
        }
        Err(fatal) => Err(fatal),
    }
}

async fn exec_try(
    rt: &Rc<Rt>,
    f: &Rc<Frame>,
    body: &[Stmt],
    handlers: &[Handler],
    orelse: &[Stmt],
    finalbody: &[Stmt],
) -> Res<Flow> {
    let mut out = exec_block(rt, f, body).await;
    if let Err(Raise::Exc(e)) = &out {
        let e = Rc::clone(e);
        for h in handlers {
            let matches = match &h.types {
                None => true,
                Some(t) => {
                    let t = eval(rt, f, t).await?;
                    exc_matches(&e, &t)?
                }
            };
            if matches {
                if let Some(n) = &h.name {
                    store(rt, f, n, Value::Exc(Rc::clone(&e)));
                }
                let saved = aio::set_handling(rt, Some(Rc::clone(&e)));
                out = exec_block(rt, f, &h.body).await;
                aio::set_handling(rt, saved);
                if let Some(n) = &h.name {
                    let _ = f.scope.vars.borrow_mut().remove(n);
                }
                break;
            }
        }
    } else if let Ok(Flow::Normal) = out {
        out = exec_block(rt, f, orelse).await;
    }
    if finalbody.is_empty() {
        return out;
    }
    match exec_block(rt, f, finalbody).await? {
        Flow::Normal => out,
        other => Ok(other),
    }
}

/// True if exception `e` is caught by `except t`.
fn exc_matches(e: &ExcObj, t: &Value) -> Res<bool> {
    match t {
        Value::Class(c) => Ok(e.is(*c)),
        Value::Tuple(items) => {
            for i in items.iter() {
                if exc_matches(e, i)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        other => raise(
            ExcClass::TypeError,
            format!(
                "catching classes that do not inherit from BaseException is not allowed (got {})",
                other.type_name()
            ),
        ),
    }
}

async fn make_function(rt: &Rc<Rt>, f: &Rc<Frame>, def: &Rc<FuncDef>) -> Res<Value> {
    let mut defaults = Vec::with_capacity(def.params.len());
    for p in &def.params {
        defaults.push(match &p.default {
            Some(e) => Some(eval(rt, f, e).await?),
            None => None,
        });
    }
    Ok(Value::Func(Rc::new(Closure {
        def: Rc::clone(def),
        defaults,
        scope: (!f.is_module).then(|| Rc::clone(&f.scope)),
    })))
}

// ---------------------------------------------------------- assignment

pub(crate) fn assign<'a>(rt: &'a Rc<Rt>, f: &'a Rc<Frame>, t: &'a Target, v: Value) -> LocalBoxFuture<'a, Res<()>> {
    Box::pin(async move {
        match t {
            Target::Name(n) => {
                store(rt, f, n, v);
                Ok(())
            }
            Target::Tuple(targets) => {
                let items = builtins::collect(rt, &v).await?;
                let star = targets.iter().position(|t| matches!(t, Target::Starred(_)));
                match star {
                    None => {
                        if items.len() != targets.len() {
                            return raise(
                                ExcClass::ValueError,
                                if items.len() > targets.len() {
                                    format!("too many values to unpack (expected {})", targets.len())
                                } else {
                                    format!(
                                        "not enough values to unpack (expected {}, got {})",
                                        targets.len(),
                                        items.len()
                                    )
                                },
                            );
                        }
                        for (t, v) in targets.iter().zip(items) {
                            assign(rt, f, t, v).await?;
                        }
                    }
                    Some(k) => {
                        let after = targets.len() - k - 1;
                        if items.len() < k + after {
                            return raise(
                                ExcClass::ValueError,
                                format!(
                                    "not enough values to unpack (expected at least {}, got {})",
                                    k + after,
                                    items.len()
                                ),
                            );
                        }
                        let mut items = items;
                        let tail = items.split_off(items.len() - after);
                        let middle = items.split_off(k);
                        for (t, v) in targets[..k].iter().zip(items) {
                            assign(rt, f, t, v).await?;
                        }
                        if let Target::Starred(inner) = &targets[k] {
                            assign(rt, f, inner, Value::list(middle)).await?;
                        }
                        for (t, v) in targets[k + 1..].iter().zip(tail) {
                            assign(rt, f, t, v).await?;
                        }
                    }
                }
                Ok(())
            }
            Target::Starred(_) => raise(
                ExcClass::TypeError,
                "starred assignment target must be in a list or tuple",
            ),
            Target::Subscript(o, i) => {
                let o = eval(rt, f, o).await?;
                let i = eval(rt, f, i).await?;
                builtins::setitem(&o, i, v)
            }
            Target::Attribute(o, name) => {
                let o = eval(rt, f, o).await?;
                setattr(&o, name, v)
            }
        }
    })
}

fn setattr(o: &Value, name: &str, v: Value) -> Res<()> {
    match o {
        Value::Aio(a) => aio::setattr(a, name, v),
        other => raise(
            ExcClass::AttributeError,
            format!("'{}' object attribute '{name}' is read-only", other.type_name()),
        ),
    }
}

pub(crate) fn getattr(rt: &Rc<Rt>, o: &Value, name: &str) -> Res<Value> {
    let found = match o {
        Value::Module(m) => Builtin::of_module(*m, name),
        Value::Aio(a) => aio::getattr(rt, a, name)?,
        Value::Exc(e) => match name {
            "args" => Some(Value::tuple(e.args.clone())),
            "exceptions" => Some(Value::tuple(e.group.iter().map(|x| Value::Exc(Rc::clone(x))).collect())),
            "status" => e.status.map(Value::Int),
            "message" if e.class == ExcClass::ClientResponseError => {
                Some(e.args.first().cloned().unwrap_or(Value::None))
            }
            "__cause__" => Some(e.cause.borrow().clone().map_or(Value::None, Value::Exc)),
            "__class__" => Some(Value::Class(e.class)),
            _ => None,
        },
        Value::Class(c) if name == "__name__" => Some(Value::str(c.name())),
        Value::Builtin(b) if name == "__name__" => Some(Value::str(b.name())),
        Value::Func(c) if name == "__name__" => Some(Value::Str(Rc::clone(&c.def.name))),
        _ => builtins::method(o, name),
    };
    found.ok_or_else(|| {
        Raise::Exc(ExcObj::new(
            ExcClass::AttributeError,
            match o {
                Value::Module(m) => format!(
                    "module '{}' has no attribute '{name}' in the composer (see the list of what is supported)",
                    m.name()
                ),
                _ => format!("'{}' object has no attribute '{name}'", o.type_name()),
            },
        ))
    })
}

// --------------------------------------------------------- expressions

pub(crate) fn eval<'a>(rt: &'a Rc<Rt>, f: &'a Rc<Frame>, e: &'a Expr) -> LocalBoxFuture<'a, Res<Value>> {
    Box::pin(async move {
        match &e.kind {
            ExprKind::Name(n) => lookup(rt, f, n).ok_or_else(|| name_error(n)),
            ExprKind::Const(c) => Ok(match c {
                Const::None => Value::None,
                Const::Bool(b) => Value::Bool(*b),
                Const::Int(i) => Value::Int(*i),
                Const::Float(x) => Value::Float(*x),
                Const::Str(s) => Value::Str(Rc::clone(s)),
            }),
            ExprKind::FString(parts) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        FPart::Lit(s) => out.push_str(s),
                        FPart::Expr {
                            expr,
                            conv,
                            spec,
                            debug,
                        } => {
                            let v = eval(rt, f, expr).await?;
                            if let Some(d) = debug {
                                out.push_str(d);
                            }
                            let conv = conv.or(if debug.is_some() && spec.is_none() {
                                Some('r')
                            } else {
                                None
                            });
                            let v = match conv {
                                Some('r' | 'a') => Value::str(v.repr()),
                                Some('s') => Value::str(v.to_str()),
                                _ => v,
                            };
                            out.push_str(&builtins::format_value(&v, spec.as_deref().unwrap_or(""))?);
                        }
                    }
                }
                Ok(Value::str(out))
            }
            ExprKind::List(items) | ExprKind::Set(items) => Ok(Value::list(eval_items(rt, f, items).await?)),
            ExprKind::Tuple(items) => Ok(Value::tuple(eval_items(rt, f, items).await?)),
            ExprKind::Dict(pairs) => {
                let mut d = Dict::default();
                for (k, v) in pairs {
                    let value = eval(rt, f, v).await?;
                    match k {
                        Some(k) => {
                            let key = eval(rt, f, k).await?;
                            builtins::check_hashable(&key)?;
                            d.insert(key, value);
                        }
                        None => match value {
                            Value::Dict(other) => {
                                for (k, v) in other.borrow().pairs.iter() {
                                    d.insert(k.clone(), v.clone());
                                }
                            }
                            other => {
                                return raise(
                                    ExcClass::TypeError,
                                    format!("'{}' object is not a mapping", other.type_name()),
                                );
                            }
                        },
                    }
                }
                Ok(Value::dict(d))
            }
            ExprKind::Starred(_) => raise(ExcClass::TypeError, "can't use starred expression here"),
            ExprKind::BinOp(op, l, r) => {
                let a = eval(rt, f, l).await?;
                let b = eval(rt, f, r).await?;
                binop(*op, a, b)
            }
            ExprKind::UnaryOp(op, x) => {
                let v = eval(rt, f, x).await?;
                unary(*op, v)
            }
            ExprKind::BoolOp { and, values } => {
                let mut last = Value::None;
                for v in values {
                    last = eval(rt, f, v).await?;
                    if last.truthy() != *and {
                        return Ok(last);
                    }
                }
                Ok(last)
            }
            ExprKind::Compare(first, rest) => {
                let mut left = eval(rt, f, first).await?;
                for (op, r) in rest {
                    let right = eval(rt, f, r).await?;
                    if !compare(*op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Ok(Value::Bool(true))
            }
            ExprKind::Call(func, args) => {
                let (callee, line) = (eval(rt, f, func).await?, e.pos.line);
                let (pos, kw) = eval_args(rt, f, args).await?;
                call(rt, callee, pos, kw, line).await
            }
            ExprKind::Attribute(o, name) => {
                let o = eval(rt, f, o).await?;
                getattr(rt, &o, name)
            }
            ExprKind::Subscript(o, idx) => {
                let o = eval(rt, f, o).await?;
                if let ExprKind::Slice(lo, hi, step) = &idx.kind {
                    let mut b = [Value::None, Value::None, Value::None];
                    for (slot, part) in b.iter_mut().zip([lo, hi, step]) {
                        if let Some(p) = part {
                            *slot = eval(rt, f, p).await?;
                        }
                    }
                    let [lo, hi, step] = b;
                    return builtins::slice(&o, &lo, &hi, &step);
                }
                let i = eval(rt, f, idx).await?;
                builtins::getitem(&o, &i)
            }
            ExprKind::Slice(..) => raise(ExcClass::TypeError, "a slice is only allowed inside []"),
            ExprKind::IfExp { test, body, orelse } => {
                if eval(rt, f, test).await?.truthy() {
                    eval(rt, f, body).await
                } else {
                    eval(rt, f, orelse).await
                }
            }
            ExprKind::Lambda(def) => make_function(rt, f, def).await,
            ExprKind::Await(x) => {
                let v = eval(rt, f, x).await?;
                aio::await_value(rt, v, e.pos.line).await
            }
            ExprKind::Yield(x) => {
                let v = match x {
                    Some(x) => eval(rt, f, x).await?,
                    None => Value::None,
                };
                let Some(slot) = &f.yield_slot else {
                    return raise(ExcClass::RuntimeError, "'yield' outside a generator");
                };
                *slot.value.borrow_mut() = Some(v);
                YieldPoint(false).await;
                match slot.thrown.borrow_mut().take() {
                    Some(e) => Err(Raise::Exc(e)),
                    None => Ok(Value::None),
                }
            }
            ExprKind::Comp {
                kind,
                elt,
                value,
                generators,
            } => {
                let inner = Rc::new(Frame {
                    scope: new_scope(Some(Rc::clone(&f.scope))),
                    is_module: false,
                    globals_decl: RefCell::new(Vec::new()),
                    nonlocal_decl: RefCell::new(Vec::new()),
                    func: Rc::clone(&f.func),
                    line: Cell::new(f.line.get()),
                    yield_slot: None,
                });
                let mut out = Vec::new();
                let mut dict = Dict::default();
                comprehend(rt, &inner, generators, elt, value.as_deref(), &mut out, &mut dict).await?;
                Ok(match kind {
                    CompKind::Dict => Value::dict(dict),
                    CompKind::List | CompKind::Set | CompKind::Generator => Value::list(out),
                })
            }
        }
    })
}

/// Pending once, then ready: where a generator hands its value out.
struct YieldPoint(bool);

impl Future for YieldPoint {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

fn comprehend<'a>(
    rt: &'a Rc<Rt>,
    f: &'a Rc<Frame>,
    gens: &'a [Comprehension],
    elt: &'a Expr,
    value: Option<&'a Expr>,
    out: &'a mut Vec<Value>,
    dict: &'a mut Dict,
) -> LocalBoxFuture<'a, Res<()>> {
    Box::pin(async move {
        let Some((g, rest)) = gens.split_first() else {
            let k = eval(rt, f, elt).await?;
            match value {
                Some(v) => {
                    let v = eval(rt, f, v).await?;
                    builtins::check_hashable(&k)?;
                    dict.insert(k, v);
                }
                None => out.push(k),
            }
            return Ok(());
        };
        let it = eval(rt, f, &g.iter).await?;
        let mut items = if g.is_async {
            aio::aiter(&it)?
        } else {
            builtins::iterate(&it)?
        };
        'items: loop {
            rt.tick()?;
            let next = if g.is_async {
                aio::anext(rt, &mut items, f.line.get()).await?
            } else {
                builtins::next_item(rt, &mut items).await?
            };
            let Some(item) = next else { break };
            assign(rt, f, &g.target, item).await?;
            for cond in &g.ifs {
                if !eval(rt, f, cond).await?.truthy() {
                    continue 'items;
                }
            }
            comprehend(rt, f, rest, elt, value, out, dict).await?;
        }
        Ok(())
    })
}

async fn eval_items(rt: &Rc<Rt>, f: &Rc<Frame>, items: &[Expr]) -> Res<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        if let ExprKind::Starred(inner) = &i.kind {
            let v = eval(rt, f, inner).await?;
            out.extend(builtins::collect(rt, &v).await?);
        } else {
            out.push(eval(rt, f, i).await?);
        }
    }
    Ok(out)
}

type Kwargs = Vec<(Rc<str>, Value)>;

async fn eval_args(rt: &Rc<Rt>, f: &Rc<Frame>, args: &[Arg]) -> Res<(Vec<Value>, Kwargs)> {
    let mut pos = Vec::with_capacity(args.len());
    let mut kw = Vec::new();
    for a in args {
        match a {
            Arg::Pos(e) => pos.push(eval(rt, f, e).await?),
            Arg::Star(e) => {
                let v = eval(rt, f, e).await?;
                pos.extend(builtins::collect(rt, &v).await?);
            }
            Arg::Kw(n, e) => kw.push((Rc::clone(n), eval(rt, f, e).await?)),
            Arg::StarStar(e) => match eval(rt, f, e).await? {
                Value::Dict(d) => {
                    for (k, v) in d.borrow().pairs.iter() {
                        match k {
                            Value::Str(s) => kw.push((Rc::clone(s), v.clone())),
                            _ => return raise(ExcClass::TypeError, "keywords must be strings"),
                        }
                    }
                }
                other => {
                    return raise(
                        ExcClass::TypeError,
                        format!("argument after ** must be a mapping, not {}", other.type_name()),
                    );
                }
            },
        }
    }
    Ok((pos, kw))
}

// --------------------------------------------------------------- calls

/// Calls `callee`.
pub(crate) fn call(
    rt: &Rc<Rt>,
    callee: Value,
    args: Vec<Value>,
    kw: Kwargs,
    line: u32,
) -> LocalBoxFuture<'_, Res<Value>> {
    Box::pin(async move {
        match callee {
            Value::Func(c) => call_function(rt, &c, args, kw).await,
            Value::Builtin(b) => builtins::call_builtin(rt, b, args, kw, line).await,
            Value::Method(m) => builtins::call_method(rt, &m.0, m.1, args, kw, line).await,
            Value::Aio(a) if aio::is_acm_factory(&a) => aio::call_acm_factory(rt, &a, args, kw, line).await,
            Value::Class(c) => {
                if !kw.is_empty() {
                    return raise(
                        ExcClass::TypeError,
                        format!("{}() takes no keyword arguments", c.name()),
                    );
                }
                if matches!(c, ExcClass::ExceptionGroup | ExcClass::BaseExceptionGroup) {
                    return aio::exception_group(c, args);
                }
                Ok(Value::Exc(ExcObj::with_args(c, args)))
            }
            other => raise(
                ExcClass::TypeError,
                format!("'{}' object is not callable", other.type_name()),
            ),
        }
    })
}

/// Binds the arguments of a call to `def`'s parameters, in a new scope.
pub(crate) fn bind(c: &Closure, args: Vec<Value>, kw: Kwargs) -> Res<Scope> {
    let def = &c.def;
    let scope = new_scope(c.scope.clone());
    let mut vars = scope.vars.borrow_mut();
    let positional: Vec<usize> = (0..def.params.len()).filter(|&i| !def.params[i].kw_only).collect();
    let mut extra = Vec::new();
    for (k, v) in args.into_iter().enumerate() {
        match positional.get(k) {
            Some(&i) => {
                vars.insert(Rc::clone(&def.params[i].name), v);
            }
            None => extra.push(v),
        }
    }
    if !extra.is_empty() {
        match &def.vararg {
            Some(_) => {}
            None => {
                return raise(
                    ExcClass::TypeError,
                    format!(
                        "{}() takes {} positional argument{} but {} were given",
                        def.name,
                        positional.len(),
                        if positional.len() == 1 { "" } else { "s" },
                        positional.len() + extra.len()
                    ),
                );
            }
        }
    }
    if let Some(va) = &def.vararg {
        vars.insert(Rc::clone(va), Value::tuple(extra));
    }
    let mut kwargs = Dict::default();
    for (k, v) in kw {
        if def.params.iter().any(|p| p.name == k) {
            if vars.contains_key(&k) {
                return raise(
                    ExcClass::TypeError,
                    format!("{}() got multiple values for argument '{k}'", def.name),
                );
            }
            vars.insert(k, v);
        } else if def.kwarg.is_some() {
            kwargs.insert(Value::Str(k), v);
        } else {
            return raise(
                ExcClass::TypeError,
                format!("{}() got an unexpected keyword argument '{k}'", def.name),
            );
        }
    }
    if let Some(kwn) = &def.kwarg {
        vars.insert(Rc::clone(kwn), Value::dict(kwargs));
    }
    for (p, d) in def.params.iter().zip(&c.defaults) {
        if !vars.contains_key(&p.name) {
            match d {
                Some(d) => {
                    vars.insert(Rc::clone(&p.name), d.clone());
                }
                None => {
                    return raise(
                        ExcClass::TypeError,
                        format!("{}() missing required argument: '{}'", def.name, p.name),
                    );
                }
            }
        }
    }
    drop(vars);
    Ok(scope)
}

async fn call_function(rt: &Rc<Rt>, c: &Rc<Closure>, args: Vec<Value>, kw: Kwargs) -> Res<Value> {
    let scope = bind(c, args, kw)?;
    if c.def.is_async && !c.def.is_generator {
        return Ok(Value::Aio(Rc::new(AioObj::coroutine(rt, Rc::clone(c), scope))));
    }
    if c.def.is_generator {
        return Ok(Value::Aio(Rc::new(AioObj::generator(rt, Rc::clone(c), scope))));
    }
    let _depth = rt.enter_call()?;
    let frame = Frame::new(scope, Rc::clone(&c.def.name), None);
    run_body(rt, &frame, &c.def).await
}

/// Runs a function's body in `frame`: its return value.
pub(crate) async fn run_body(rt: &Rc<Rt>, frame: &Rc<Frame>, def: &FuncDef) -> Res<Value> {
    match exec_block(rt, frame, &def.body).await? {
        Flow::Return(v) => Ok(v),
        _ => Ok(Value::None),
    }
}

// ------------------------------------------------------------ operators

fn type_error_op(op: &str, a: &Value, b: &Value) -> Raise {
    Raise::Exc(ExcObj::new(
        ExcClass::TypeError,
        format!(
            "unsupported operand type(s) for {op}: '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ),
    ))
}

fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "**",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
    }
}

fn overflow() -> Raise {
    Raise::Exc(ExcObj::new(
        ExcClass::OverflowError,
        "integer result too large: the composer's integers are 64-bit",
    ))
}

fn zero_div(what: &str) -> Raise {
    Raise::Exc(ExcObj::new(ExcClass::ZeroDivisionError, what.to_owned()))
}

/// `a op= b`: lists extend in place, everything else as `a op b`.
fn binop_inplace(op: BinOp, a: Value, b: Value) -> Res<Value> {
    if let (BinOp::Add, Value::List(l)) = (op, &a) {
        let items = match &b {
            Value::List(o) => o.borrow().clone(),
            Value::Tuple(t) => t.to_vec(),
            other => {
                return raise(
                    ExcClass::TypeError,
                    format!("can only concatenate list (not \"{}\") to list", other.type_name()),
                );
            }
        };
        l.borrow_mut().extend(items);
        return Ok(a);
    }
    binop(op, a, b)
}

pub(crate) fn binop(op: BinOp, a: Value, b: Value) -> Res<Value> {
    match (op, &a, &b) {
        (BinOp::Add, Value::Str(x), Value::Str(y)) => return Ok(Value::str(format!("{x}{y}"))),
        (BinOp::Add, Value::List(x), Value::List(y)) => {
            let mut v = x.borrow().clone();
            v.extend(y.borrow().iter().cloned());
            return Ok(Value::list(v));
        }
        (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
            let mut v = x.to_vec();
            v.extend(y.iter().cloned());
            return Ok(Value::tuple(v));
        }
        (BinOp::Mul, Value::Str(s), n) | (BinOp::Mul, n, Value::Str(s)) if n.num().is_some() => {
            let Some(Num::Int(k)) = n.num() else {
                return Err(type_error_op("*", &a, &b));
            };
            let k = usize::try_from(k).unwrap_or(0);
            if s.len().saturating_mul(k) > 1_000_000 {
                return Err(memory());
            }
            return Ok(Value::str(s.repeat(k)));
        }
        (BinOp::Mul, Value::List(l), n) | (BinOp::Mul, n, Value::List(l)) if n.num().is_some() => {
            let Some(Num::Int(k)) = n.num() else {
                return Err(type_error_op("*", &a, &b));
            };
            let k = usize::try_from(k).unwrap_or(0);
            let l = l.borrow();
            if l.len().saturating_mul(k) > 1_000_000 {
                return Err(memory());
            }
            let mut v = Vec::with_capacity(l.len() * k);
            for _ in 0..k {
                v.extend(l.iter().cloned());
            }
            return Ok(Value::list(v));
        }
        (BinOp::Mod, Value::Str(s), args) => return builtins::percent_format(s, args),
        _ => {}
    }
    let (Some(x), Some(y)) = (a.num(), b.num()) else {
        return Err(type_error_op(op_symbol(op), &a, &b));
    };
    match (x, y) {
        (Num::Int(x), Num::Int(y)) => int_op(op, x, y),
        (x, y) => {
            let (x, y) = (num_f(x), num_f(y));
            float_op(op, x, y)
        }
    }
}

fn memory() -> Raise {
    Raise::Exc(ExcObj::new(
        ExcClass::OverflowError,
        "result too large: the composer keeps values under a million items",
    ))
}

fn num_f(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

fn int_op(op: BinOp, x: i64, y: i64) -> Res<Value> {
    let v = match op {
        BinOp::Add => x.checked_add(y).ok_or_else(overflow)?,
        BinOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
        BinOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
        BinOp::Div => {
            if y == 0 {
                return Err(zero_div("division by zero"));
            }
            return Ok(Value::Float(x as f64 / y as f64));
        }
        BinOp::FloorDiv => {
            if y == 0 {
                return Err(zero_div("integer division or modulo by zero"));
            }
            let q = x.checked_div(y).ok_or_else(overflow)?;
            if (x % y != 0) && ((x < 0) != (y < 0)) { q - 1 } else { q }
        }
        BinOp::Mod => {
            if y == 0 {
                return Err(zero_div("integer division or modulo by zero"));
            }
            let r = x.checked_rem(y).unwrap_or(0);
            if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }
        }
        BinOp::Pow => {
            if y < 0 {
                return Ok(Value::Float((x as f64).powf(y as f64)));
            }
            let e = u32::try_from(y).map_err(|_| overflow())?;
            x.checked_pow(e).ok_or_else(overflow)?
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::LShift => {
            if y < 0 {
                return raise(ExcClass::ValueError, "negative shift count");
            }
            let s = u32::try_from(y).map_err(|_| overflow())?;
            let v = x.checked_shl(s).ok_or_else(overflow)?;
            if v >> s != x {
                return Err(overflow());
            }
            v
        }
        BinOp::RShift => {
            if y < 0 {
                return raise(ExcClass::ValueError, "negative shift count");
            }
            x >> y.min(63)
        }
    };
    Ok(Value::Int(v))
}

fn float_op(op: BinOp, x: f64, y: f64) -> Res<Value> {
    let v = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(zero_div("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(zero_div("float floor division by zero"));
            }
            (x / y).floor()
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(zero_div("float modulo"));
            }
            let r = x % y;
            if r != 0.0 && ((r < 0.0) != (y < 0.0)) { r + y } else { r }
        }
        BinOp::Pow => x.powf(y),
        _ => {
            return raise(
                ExcClass::TypeError,
                format!("unsupported operand type(s) for {}: 'float'", op_symbol(op)),
            );
        }
    };
    Ok(Value::Float(v))
}

fn unary(op: UnaryOp, v: Value) -> Res<Value> {
    match op {
        UnaryOp::Not => Ok(Value::Bool(!v.truthy())),
        UnaryOp::Neg => match v.num() {
            Some(Num::Int(i)) => Ok(Value::Int(i.checked_neg().ok_or_else(overflow)?)),
            Some(Num::Float(f)) => Ok(Value::Float(-f)),
            None => raise(
                ExcClass::TypeError,
                format!("bad operand type for unary -: '{}'", v.type_name()),
            ),
        },
        UnaryOp::Plus => match v.num() {
            Some(Num::Int(i)) => Ok(Value::Int(i)),
            Some(Num::Float(f)) => Ok(Value::Float(f)),
            None => raise(
                ExcClass::TypeError,
                format!("bad operand type for unary +: '{}'", v.type_name()),
            ),
        },
        UnaryOp::Invert => match v.num() {
            Some(Num::Int(i)) => Ok(Value::Int(!i)),
            _ => raise(
                ExcClass::TypeError,
                format!("bad operand type for unary ~: '{}'", v.type_name()),
            ),
        },
    }
}

pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Res<bool> {
    use std::cmp::Ordering;
    Ok(match op {
        CmpOp::Eq => a.eq_value(b),
        CmpOp::NotEq => !a.eq_value(b),
        CmpOp::Is => a.is(b),
        CmpOp::IsNot => !a.is(b),
        CmpOp::In => builtins::contains(b, a)?,
        CmpOp::NotIn => !builtins::contains(b, a)?,
        CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => {
            let Some(ord) = builtins::order(a, b) else {
                let sym = match op {
                    CmpOp::Lt => "<",
                    CmpOp::LtE => "<=",
                    CmpOp::Gt => ">",
                    _ => ">=",
                };
                return raise(
                    ExcClass::TypeError,
                    format!(
                        "'{sym}' not supported between instances of '{}' and '{}'",
                        a.type_name(),
                        b.type_name()
                    ),
                );
            };
            match op {
                CmpOp::Lt => ord == Ordering::Less,
                CmpOp::LtE => ord != Ordering::Greater,
                CmpOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }
        }
    })
}
