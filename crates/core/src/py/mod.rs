//! The composer: a subset of Python's asyncio, interpreted so that every
//! coroutine is a real Rust future on an [`crate::Env`].
//!
//! [`ast`] is the syntax tree. [`run`] runs a parsed program on any
//! environment: `asyncio.sleep` is the environment's timer,
//! `create_task` its spawner (each task a lane, named as CPython names
//! it), the primitives record permits and queue depths, `print` writes
//! to the task's lane, and `aiohttp` goes through the network seam. The
//! semantics are CPython 3.11's; where they differ, [`DIFFERENCES`] says
//! how.

mod aio;
pub mod ast;
mod builtins;
mod host;
mod interp;
mod lexer;
pub mod link;
#[cfg(test)]
mod parse_tests;
mod parser;
mod value;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

pub use interp::{Limits, Printed};

use crate::Bilingual;
use crate::env::Env;
use crate::trace::Trace;
use crate::traced::Traced;
use crate::virtual_time::VirtualRuntime;
use interp::{Frame, Raise, Rt, ScopeData};

/// The file name programs go by in tracebacks and traces.
pub const FILE: &str = "main.py";

/// Where the composer's Python differs from CPython 3.11, one line each
/// (shown on the page and in the README).
pub const DIFFERENCES: &[&str] = &[
    "Integers are 64-bit: a result beyond ±9.2e18 raises OverflowError.",
    "asyncio.wait returns (done, pending) as lists in creation order, not sets; sets are not in the subset.",
    "Generator expressions, zip, map, filter, enumerate and reversed build lists at once rather than lazily.",
    "Lines printed at the same instant by different tasks may come in another order than CPython's: a timer that fires lets its task run before the next timer due at that instant fires.",
    "random draws from the run's seed with another generator than CPython's, so the numbers differ.",
    "Recursion stops at 100 nested calls (CPython: 1000), or sooner when the calls nested use 5 MB of stack (a call that awaits inside loops and try blocks takes more than a plain one).",
    "Warnings (never awaited, never retrieved) are listed when the run ends, not when the object is collected.",
    "HTTP goes to the lab server only; URLs are paths such as /api/delay/300.",
    "as_completed starts its awaitables as tasks in the order given; CPython 3.11 starts them in the order of a set, which follows memory addresses, so which Task-N is which may differ.",
    "Comparing containers nested over 200 deep, or holding themselves, gives False where CPython raises RecursionError.",
];

/// [`DIFFERENCES`] in Simplified Chinese, line for line.
pub const DIFFERENCES_ZH: &[&str] = &[
    "整数是 64 位的：超出 ±9.2e18 的结果会引发 OverflowError。",
    "asyncio.wait 以列表（按创建顺序）而不是集合返回 (done, pending)；子集中没有集合。",
    "生成器表达式、zip、map、filter、enumerate 和 reversed 会立即构建列表，而不是惰性求值。",
    "不同任务在同一时刻打印的行，顺序可能与 CPython 不同：一个定时器触发后，它的任务会先运行，然后同一时刻到期的下一个定时器才触发。",
    "random 用本次运行的种子，但生成器与 CPython 不同，所以数值不同。",
    "递归在 100 层嵌套调用处停止（CPython 为 1000）；若嵌套的调用用掉 5 MB 栈则更早停止（在循环和 try 块里 await 的调用比普通调用占用更多栈）。",
    "警告（从未 await、异常从未被取回）在运行结束时列出，而不是在对象被回收时。",
    "HTTP 只访问实验室服务器；URL 是 /api/delay/300 这样的路径。",
    "as_completed 按给定顺序把可等待对象作为任务启动；CPython 3.11 按集合的顺序启动（取决于内存地址），因此哪个是 Task-N 可能不同。",
    "比较嵌套超过 200 层或包含自身的容器时得到 False，而 CPython 会引发 RecursionError。",
];

/// A program of the composer's examples menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// Its name in the menu, in English.
    pub title: &'static str,
    /// Its name in the menu, in Chinese.
    pub title_zh: &'static str,
    /// The program.
    pub source: &'static str,
}

/// The examples menu: programs in the spirit of the tutorials our
/// visitors come from. Each is also a program of the CPython comparison.
pub const EXAMPLES: &[Example] = &[
    Example {
        title: "Countdown plugin commands",
        title_zh: "倒计时插件命令",
        source: include_str!("../../tests/composer/corpus/30_countdown_plugin.py"),
    },
    Example {
        title: "Job manager with retry and timeout",
        title_zh: "带重试与超时的任务管理器",
        source: include_str!("../../tests/composer/corpus/31_job_manager.py"),
    },
    Example {
        title: "A retry decorator",
        title_zh: "重试装饰器",
        source: include_str!("../../tests/composer/corpus/29_retry_decorator.py"),
    },
    Example {
        title: "Hedged requests",
        title_zh: "对冲请求",
        source: include_str!("../../tests/composer/corpus/32_hedged_requests.py"),
    },
    Example {
        title: "Semaphore: at most two at once",
        title_zh: "信号量：最多同时两个",
        source: include_str!("../../tests/composer/corpus/19_semaphore.py"),
    },
    Example {
        title: "Producer and consumers on a queue",
        title_zh: "队列上的生产者与消费者",
        source: include_str!("../../tests/composer/corpus/24_queue_join.py"),
    },
    Example {
        title: "Cancel: except and finally still run",
        title_zh: "取消：except 与 finally 仍会执行",
        source: include_str!("../../tests/composer/corpus/16_cancel_finally.py"),
    },
    Example {
        title: "gather with return_exceptions",
        title_zh: "gather 与 return_exceptions",
        source: include_str!("../../tests/composer/corpus/03_gather_return_exceptions.py"),
    },
    Example {
        title: "TaskGroup: one fails, the rest are cancelled",
        title_zh: "TaskGroup：一个失败，其余被取消",
        source: include_str!("../../tests/composer/corpus/15_taskgroup_error.py"),
    },
    Example {
        title: "A blocking call freezes every task",
        title_zh: "阻塞调用冻结所有任务",
        source: include_str!("../../tests/composer/corpus/39_time_module.py"),
    },
];

/// A demo's asyncio twin as a whole program: the import and the
/// `asyncio.run(main())` the page's snippet leaves out, when it does.
pub fn program_from_twin(twin: &str) -> String {
    let mut out = String::new();
    for module in ["asyncio", "aiohttp", "random", "time"] {
        let import = format!("import {module}");
        let used = twin.contains(&format!("{module}.")) || (module == "asyncio" && twin.contains("async def"));
        if used && !twin.contains(&import) {
            out.push_str(&import);
            out.push('\n');
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(twin.trim_end());
    out.push('\n');
    if twin.contains("async def main(") && !twin.contains("asyncio.run(") {
        out.push_str("\nasyncio.run(main())\n");
    }
    out
}

/// How a run of a program ended.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Finished {
    /// The traceback of an exception nobody caught, if one ended the run.
    pub error: Option<String>,
    /// Why the run was stopped before its end (a budget), if it was.
    pub stopped: Option<String>,
    /// [`Finished::stopped`] in Chinese, for the page, where the page
    /// stopped it (a budget of steps without an await); `None` where only
    /// the command line stops a run (a bound of time or events).
    pub stopped_zh: Option<String>,
    /// CPython's warnings: coroutines never awaited, task exceptions
    /// never retrieved.
    pub warnings: Vec<String>,
    /// Every line printed, with its time and task.
    pub printed: Vec<Printed>,
}

/// Parses a program of the composer's Python subset into its syntax tree.
///
/// A syntax error, or a construct outside the subset (a class, `match`,
/// `yield from`, `:=`, ...), is a [`ast::SyntaxError`] at its line and
/// column, saying what to write instead. Every statement and expression
/// carries the position it starts at; a binary operation, comparison,
/// boolean operation, conditional expression, call, attribute or subscript
/// takes the position of its left operand (the callee, the object). Never
/// panics, whatever the input: nesting deeper than 100 levels is an error.
pub fn parse(source: &str) -> Result<ast::Program, ast::SyntaxError> {
    parser::parse_program(source)
}

/// Runs `program` on `env` to its end: module code first, `asyncio.run`
/// where the program calls it. `random` draws from `env`'s seeded source.
pub async fn run<E: Env>(env: E, program: Rc<ast::Program>, source: Rc<str>, limits: Limits) -> Finished {
    let host: Rc<dyn host::Host> = Rc::new(host::EnvHost(env));
    let rt = Rc::new(Rt {
        host,
        globals: Rc::new(ScopeData {
            vars: RefCell::new(HashMap::new()),
            parent: None,
        }),
        source,
        file: FILE.into(),
        limits,
        steps: Cell::new(0),
        task_counter: Cell::new(0),
        current: RefCell::new(None),
        tasks: RefCell::new(Vec::new()),
        warnings: Rc::new(RefCell::new(Vec::new())),
        printed: RefCell::new(Vec::new()),
        fatal: RefCell::new(None),
        fatal_waker: RefCell::new(None),
        done_seq: Cell::new(0),
        module_depth: Rc::new(Cell::new(0)),
        module_handling: RefCell::new(None),
    });
    let frame = Rc::new(Frame {
        scope: Rc::clone(&rt.globals),
        is_module: true,
        globals_decl: RefCell::new(Vec::new()),
        nonlocal_decl: RefCell::new(Vec::new()),
        func: "<module>".into(),
        line: Cell::new(0),
        yield_slot: None,
    });
    let fatal = {
        let rt = Rc::clone(&rt);
        futures::future::poll_fn(move |cx| {
            if rt.fatal.borrow().is_some() {
                std::task::Poll::Ready(())
            } else {
                *rt.fatal_waker.borrow_mut() = Some(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
    };
    let out = host::until(
        interp::with_stack_base(interp::exec_block(&rt, &frame, &program.body)),
        fatal,
    )
    .await;
    let mut finished = Finished::default();
    match out {
        Some(Ok(_)) => {}
        Some(Err(Raise::Exc(e))) => finished.error = Some(aio::traceback(&rt, &e)),
        Some(Err(Raise::Fatal(msg))) => finished.stopped = Some(msg.to_string()),
        None => {}
    }
    // A budget ran out: that, not the error it became, is what ended the run.
    if let Some((msg, zh)) = rt.fatal.borrow().as_ref() {
        finished.stopped = Some(msg.to_string());
        finished.stopped_zh = Some(zh.to_string());
        finished.error = None;
    }
    let mut warnings = rt.warnings.borrow().clone();
    warnings.extend(aio::unretrieved(&rt));
    finished.warnings = warnings;
    finished.printed = rt.printed.borrow().clone();
    finished
}

/// Prepares `source` as a run on `env`, the way the page starts a demo:
/// one traced run labelled "program", and its work, which fills in
/// `notes` as it ends (why it was stopped, in English and in Chinese;
/// an uncaught exception's traceback and CPython's warnings, as CPython
/// writes them, in either language). A syntax error comes back at once.
pub fn start<E: Env>(env: E, source: &str, limits: Limits) -> Result<crate::demos::Started<E>, ast::SyntaxError> {
    let program = Rc::new(parse(source)?);
    let traced = Traced::new(env);
    let notes: Rc<RefCell<Vec<Bilingual>>> = Rc::default();
    let work = {
        let (traced, notes, source) = (traced.clone(), Rc::clone(&notes), Rc::<str>::from(source));
        async move {
            let finished = run(traced.clone(), program, source, limits).await;
            let mut out = notes.borrow_mut();
            if let Some(stopped) = finished.stopped {
                let zh = finished.stopped_zh.unwrap_or_else(|| stopped.clone());
                out.push(Bilingual::new(stopped, zh));
            }
            out.extend(finished.error.map(Bilingual::same));
            out.extend(finished.warnings.into_iter().map(Bilingual::same));
        }
    };
    let mut started = crate::demos::Started::new(vec![("program", traced)], work);
    started.notes = notes;
    Ok(started)
}

/// The most virtual time a run may take unless told otherwise: a day.
pub const DEFAULT_VIRTUAL_BOUND: Duration = Duration::from_secs(86_400);

/// Runs `source` under virtual time with `seed`, recording a trace of at
/// most `max_events` events and stopping at `bound` of virtual time.
/// A syntax error comes back before anything runs.
pub fn run_virtual(
    source: &str,
    seed: u64,
    limits: Limits,
    bound: Duration,
    max_events: usize,
) -> Result<(Trace, Finished), ast::SyntaxError> {
    let program = Rc::new(parse(source)?);
    let runtime = VirtualRuntime::with_seed(seed);
    let traced = Traced::with_capacity(runtime.env(), max_events);
    let clock = runtime.env();
    let done = Rc::new(RefCell::new(None));
    let fut = {
        let (traced, done) = (traced.clone(), Rc::clone(&done));
        let source: Rc<str> = source.into();
        async move {
            let finished = run(traced.clone(), program, source, limits).await;
            *done.borrow_mut() = Some(finished);
        }
    };
    let full = || traced.trace().dropped() > 0;
    let out = runtime.block_on_bounded(fut, || full() || clock.now() > bound);
    let mut finished = done.borrow_mut().take().unwrap_or_default();
    // A run cut short is shown as it was: its tasks still waiting (so that
    // a deadlock's warning names who waits on what), not cancelled by the
    // runtime's end.
    let cut = (!matches!(out, Ok(Some(())))).then(|| traced.snapshot());
    match out {
        Ok(Some(())) => {}
        Ok(None) => {
            finished.stopped = Some(if full() {
                format!("stopped: the trace is full ({max_events} events); the run was cut there")
            } else {
                format!(
                    "stopped: the run passed its bound of {} of virtual time",
                    crate::trace::human_ms(bound.as_secs_f64() * 1000.0)
                )
            });
        }
        Err(stalled) => {
            finished.stopped = Some(format!(
                "stopped at {}: every task is waiting and nothing can wake one (a deadlock, or a wait nobody ends)",
                crate::trace::human_ms(stalled.at.as_secs_f64() * 1000.0)
            ));
        }
    }
    drop(runtime);
    let trace = cut.unwrap_or_else(|| traced.snapshot());
    Ok((trace, finished))
}

#[cfg(test)]
mod tests;
