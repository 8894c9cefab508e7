//! Values of the composer's Python: numbers, strings, containers,
//! functions, exceptions, and the asyncio objects (tasks, locks, queues).

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use super::aio::{self, AioObj};
use super::ast::FuncDef;
use super::interp::Scope;

/// A value.
#[derive(Clone)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(Rc<ListCell>),
    Tuple(Rc<TupleData>),
    Dict(Rc<DictCell>),
    Range(i64, i64, i64),
    /// A user function and the scope it was defined in.
    Func(Rc<Closure>),
    /// A built-in function or type.
    Builtin(Builtin),
    /// A method of a built-in value: the receiver and the name.
    Method(Rc<(Value, &'static str)>),
    /// An exception instance.
    Exc(Rc<ExcObj>),
    /// An exception class.
    Class(ExcClass),
    /// An imported module.
    Module(Module),
    /// The asyncio objects: coroutines, tasks, primitives, sessions.
    Aio(Rc<AioObj>),
}

/// A list's items. Dropped, they go to [`bury`], so that a list nested a
/// million deep is freed without a million nested drops.
pub(crate) struct ListCell(pub RefCell<Vec<Value>>);

/// A tuple's items (freed as a list's are).
pub(crate) struct TupleData(pub Vec<Value>);

/// A dict's pairs (freed as a list's are).
pub(crate) struct DictCell(pub RefCell<Dict>);

impl std::ops::Deref for ListCell {
    type Target = RefCell<Vec<Value>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::Deref for TupleData {
    type Target = Vec<Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::Deref for DictCell {
    type Target = RefCell<Dict>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for ListCell {
    fn drop(&mut self) {
        bury(std::mem::take(self.0.get_mut()));
    }
}

impl Drop for TupleData {
    fn drop(&mut self) {
        bury(std::mem::take(&mut self.0));
    }
}

impl Drop for DictCell {
    fn drop(&mut self) {
        let pairs = std::mem::take(&mut self.0.get_mut().pairs);
        bury(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect());
    }
}

thread_local! {
    /// Values waiting to be dropped, and whether a drop loop is running.
    static GRAVEYARD: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
    static DRAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Drops `items` one at a time in a loop: a container dropped inside adds
/// its own items to the queue instead of dropping them in a nested call,
/// so nesting depth never becomes stack depth.
fn bury(items: Vec<Value>) {
    if items.is_empty() {
        return;
    }
    GRAVEYARD.with(|g| g.borrow_mut().extend(items));
    if DRAINING.with(|d| d.replace(true)) {
        return;
    }
    while let Some(v) = GRAVEYARD.with(|g| g.borrow_mut().pop()) {
        drop(v);
    }
    DRAINING.with(|d| d.set(false));
}

/// How deep comparisons and hashing checks look into nested containers:
/// deeper (or a container holding itself) compares unequal.
pub(crate) const MAX_COMPARE_DEPTH: u32 = 200;

/// A user function: its definition and the scope it closes over.
pub(crate) struct Closure {
    pub def: Rc<FuncDef>,
    pub defaults: Vec<Option<Value>>,
    pub scope: Option<Scope>,
}

/// The modules a program may import.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Module {
    Asyncio,
    Random,
    Time,
    Aiohttp,
    Math,
    Contextlib,
}

impl Module {
    pub fn name(self) -> &'static str {
        match self {
            Module::Asyncio => "asyncio",
            Module::Random => "random",
            Module::Time => "time",
            Module::Aiohttp => "aiohttp",
            Module::Math => "math",
            Module::Contextlib => "contextlib",
        }
    }
}

/// Built-in functions, types and module functions.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Builtin {
    Print,
    Len,
    Range,
    Min,
    Max,
    Sum,
    Abs,
    Round,
    Str,
    Int,
    Float,
    Bool,
    List,
    Tuple,
    Dict,
    Enumerate,
    Zip,
    Sorted,
    Reversed,
    Isinstance,
    Repr,
    Any,
    All,
    Type,
    Map,
    Filter,
    Hasattr,
    Getattr,
    Id,
    // asyncio
    Run,
    Sleep,
    CreateTask,
    EnsureFuture,
    Gather,
    Wait,
    WaitFor,
    Timeout,
    AsCompleted,
    Shield,
    TaskGroup,
    CurrentTask,
    AllTasks,
    GetRunningLoop,
    Semaphore,
    BoundedSemaphore,
    Lock,
    Event,
    Condition,
    Queue,
    // random
    Random,
    Uniform,
    Randint,
    Choice,
    Seed,
    Shuffle,
    // time
    Monotonic,
    TimeTime,
    TimeSleep,
    Perf,
    // aiohttp
    ClientSession,
    ClientTimeout,
    // math
    Floor,
    Ceil,
    Sqrt,
    // contextlib
    AsyncContextManager,
}

impl Builtin {
    pub fn name(self) -> &'static str {
        use Builtin::*;
        match self {
            Print => "print",
            Len => "len",
            Range => "range",
            Min => "min",
            Max => "max",
            Sum => "sum",
            Abs => "abs",
            Round => "round",
            Str => "str",
            Int => "int",
            Float => "float",
            Bool => "bool",
            List => "list",
            Tuple => "tuple",
            Dict => "dict",
            Enumerate => "enumerate",
            Zip => "zip",
            Sorted => "sorted",
            Reversed => "reversed",
            Isinstance => "isinstance",
            Repr => "repr",
            Any => "any",
            All => "all",
            Type => "type",
            Map => "map",
            Filter => "filter",
            Hasattr => "hasattr",
            Getattr => "getattr",
            Id => "id",
            Run => "run",
            Sleep => "sleep",
            CreateTask => "create_task",
            EnsureFuture => "ensure_future",
            Gather => "gather",
            Wait => "wait",
            WaitFor => "wait_for",
            Timeout => "timeout",
            AsCompleted => "as_completed",
            Shield => "shield",
            TaskGroup => "TaskGroup",
            CurrentTask => "current_task",
            AllTasks => "all_tasks",
            GetRunningLoop => "get_running_loop",
            Semaphore => "Semaphore",
            BoundedSemaphore => "BoundedSemaphore",
            Lock => "Lock",
            Event => "Event",
            Condition => "Condition",
            Queue => "Queue",
            Random => "random",
            Uniform => "uniform",
            Randint => "randint",
            Choice => "choice",
            Seed => "seed",
            Shuffle => "shuffle",
            Monotonic => "monotonic",
            TimeTime => "time",
            TimeSleep => "sleep",
            Perf => "perf_counter",
            ClientSession => "ClientSession",
            ClientTimeout => "ClientTimeout",
            Floor => "floor",
            Ceil => "ceil",
            Sqrt => "sqrt",
            AsyncContextManager => "asynccontextmanager",
        }
    }

    /// The builtins every program sees without an import.
    pub fn global(name: &str) -> Option<Value> {
        use Builtin::*;
        let b = match name {
            "print" => Print,
            "len" => Len,
            "range" => Range,
            "min" => Min,
            "max" => Max,
            "sum" => Sum,
            "abs" => Abs,
            "round" => Round,
            "str" => Str,
            "int" => Int,
            "float" => Float,
            "bool" => Bool,
            "list" => List,
            "tuple" => Tuple,
            "dict" => Dict,
            "enumerate" => Enumerate,
            "zip" => Zip,
            "sorted" => Sorted,
            "reversed" => Reversed,
            "isinstance" => Isinstance,
            "repr" => Repr,
            "any" => Any,
            "all" => All,
            "type" => Type,
            "map" => Map,
            "filter" => Filter,
            "hasattr" => Hasattr,
            "getattr" => Getattr,
            "id" => Id,
            _ => return ExcClass::by_name(name).map(Value::Class),
        };
        Some(Value::Builtin(b))
    }

    /// `module.name`.
    pub fn of_module(module: Module, name: &str) -> Option<Value> {
        use Builtin::*;
        let b = match (module, name) {
            (Module::Asyncio, "run") => Run,
            (Module::Asyncio, "sleep") => Sleep,
            (Module::Asyncio, "create_task") => CreateTask,
            (Module::Asyncio, "ensure_future") => EnsureFuture,
            (Module::Asyncio, "gather") => Gather,
            (Module::Asyncio, "wait") => Wait,
            (Module::Asyncio, "wait_for") => WaitFor,
            (Module::Asyncio, "timeout") => Timeout,
            (Module::Asyncio, "as_completed") => AsCompleted,
            (Module::Asyncio, "shield") => Shield,
            (Module::Asyncio, "TaskGroup") => TaskGroup,
            (Module::Asyncio, "current_task") => CurrentTask,
            (Module::Asyncio, "all_tasks") => AllTasks,
            (Module::Asyncio, "get_running_loop" | "get_event_loop") => GetRunningLoop,
            (Module::Asyncio, "Semaphore") => Semaphore,
            (Module::Asyncio, "BoundedSemaphore") => BoundedSemaphore,
            (Module::Asyncio, "Lock") => Lock,
            (Module::Asyncio, "Event") => Event,
            (Module::Asyncio, "Condition") => Condition,
            (Module::Asyncio, "Queue") => Queue,
            (Module::Asyncio, "FIRST_COMPLETED") => return Some(Value::Str("FIRST_COMPLETED".into())),
            (Module::Asyncio, "FIRST_EXCEPTION") => return Some(Value::Str("FIRST_EXCEPTION".into())),
            (Module::Asyncio, "ALL_COMPLETED") => return Some(Value::Str("ALL_COMPLETED".into())),
            (Module::Asyncio, "TimeoutError") => return Some(Value::Class(ExcClass::TimeoutError)),
            (Module::Asyncio, "CancelledError") => return Some(Value::Class(ExcClass::CancelledError)),
            (Module::Asyncio, "InvalidStateError") => return Some(Value::Class(ExcClass::InvalidStateError)),
            (Module::Asyncio, "QueueEmpty") => return Some(Value::Class(ExcClass::QueueEmpty)),
            (Module::Asyncio, "QueueFull") => return Some(Value::Class(ExcClass::QueueFull)),
            (Module::Random, "random") => Random,
            (Module::Random, "uniform") => Uniform,
            (Module::Random, "randint") => Randint,
            (Module::Random, "choice") => Choice,
            (Module::Random, "seed") => Seed,
            (Module::Random, "shuffle") => Shuffle,
            (Module::Time, "monotonic") => Monotonic,
            (Module::Time, "time") => TimeTime,
            (Module::Time, "sleep") => TimeSleep,
            (Module::Time, "perf_counter") => Perf,
            (Module::Aiohttp, "ClientSession") => ClientSession,
            (Module::Aiohttp, "ClientTimeout") => ClientTimeout,
            (Module::Aiohttp, "ClientError") => return Some(Value::Class(ExcClass::ClientError)),
            (Module::Aiohttp, "ClientConnectionError") => return Some(Value::Class(ExcClass::ClientConnectionError)),
            (Module::Aiohttp, "ClientResponseError") => return Some(Value::Class(ExcClass::ClientResponseError)),
            (Module::Contextlib, "asynccontextmanager") => AsyncContextManager,
            (Module::Math, "floor") => Floor,
            (Module::Math, "ceil") => Ceil,
            (Module::Math, "sqrt") => Sqrt,
            (Module::Math, "inf") => return Some(Value::Float(f64::INFINITY)),
            (Module::Math, "pi") => return Some(Value::Float(std::f64::consts::PI)),
            _ => return None,
        };
        Some(Value::Builtin(b))
    }
}

/// A dict: insertion-ordered pairs (programs here hold few keys).
#[derive(Clone, Default)]
pub(crate) struct Dict {
    pub pairs: Vec<(Value, Value)>,
}

impl Dict {
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.pairs.iter().find(|(k, _)| k.eq_value(key)).map(|(_, v)| v)
    }

    pub fn insert(&mut self, key: Value, value: Value) {
        match self.pairs.iter_mut().find(|(k, _)| k.eq_value(&key)) {
            Some(slot) => slot.1 = value,
            None => self.pairs.push((key, value)),
        }
    }

    pub fn remove(&mut self, key: &Value) -> Option<Value> {
        let i = self.pairs.iter().position(|(k, _)| k.eq_value(key))?;
        Some(self.pairs.remove(i).1)
    }
}

/// The exception classes of the subset, with CPython's hierarchy.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ExcClass {
    BaseException,
    Exception,
    ArithmeticError,
    ZeroDivisionError,
    OverflowError,
    LookupError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    NameError,
    AttributeError,
    RuntimeError,
    RecursionError,
    NotImplementedError,
    AssertionError,
    StopIteration,
    StopAsyncIteration,
    OSError,
    ConnectionError,
    TimeoutError,
    CancelledError,
    InvalidStateError,
    QueueEmpty,
    QueueFull,
    ClientError,
    ClientConnectionError,
    ClientResponseError,
    BaseExceptionGroup,
    ExceptionGroup,
    KeyboardInterrupt,
}

impl ExcClass {
    const ALL: [ExcClass; 31] = [
        ExcClass::BaseException,
        ExcClass::Exception,
        ExcClass::ArithmeticError,
        ExcClass::ZeroDivisionError,
        ExcClass::OverflowError,
        ExcClass::LookupError,
        ExcClass::KeyError,
        ExcClass::IndexError,
        ExcClass::ValueError,
        ExcClass::TypeError,
        ExcClass::NameError,
        ExcClass::AttributeError,
        ExcClass::RuntimeError,
        ExcClass::RecursionError,
        ExcClass::NotImplementedError,
        ExcClass::AssertionError,
        ExcClass::StopIteration,
        ExcClass::StopAsyncIteration,
        ExcClass::OSError,
        ExcClass::ConnectionError,
        ExcClass::TimeoutError,
        ExcClass::CancelledError,
        ExcClass::InvalidStateError,
        ExcClass::QueueEmpty,
        ExcClass::QueueFull,
        ExcClass::ClientError,
        ExcClass::ClientConnectionError,
        ExcClass::ClientResponseError,
        ExcClass::BaseExceptionGroup,
        ExcClass::ExceptionGroup,
        ExcClass::KeyboardInterrupt,
    ];

    /// The class named `name` among the builtins (asyncio's and aiohttp's
    /// are reached through their module).
    pub fn by_name(name: &str) -> Option<ExcClass> {
        Self::ALL.into_iter().find(|c| {
            c.name() == name
                && !matches!(
                    c,
                    ExcClass::CancelledError
                        | ExcClass::InvalidStateError
                        | ExcClass::QueueEmpty
                        | ExcClass::QueueFull
                        | ExcClass::ClientError
                        | ExcClass::ClientConnectionError
                        | ExcClass::ClientResponseError
                )
        })
    }

    pub fn name(self) -> &'static str {
        use ExcClass::*;
        match self {
            BaseException => "BaseException",
            Exception => "Exception",
            ArithmeticError => "ArithmeticError",
            ZeroDivisionError => "ZeroDivisionError",
            OverflowError => "OverflowError",
            LookupError => "LookupError",
            KeyError => "KeyError",
            IndexError => "IndexError",
            ValueError => "ValueError",
            TypeError => "TypeError",
            NameError => "NameError",
            AttributeError => "AttributeError",
            RuntimeError => "RuntimeError",
            RecursionError => "RecursionError",
            NotImplementedError => "NotImplementedError",
            AssertionError => "AssertionError",
            StopIteration => "StopIteration",
            StopAsyncIteration => "StopAsyncIteration",
            OSError => "OSError",
            ConnectionError => "ConnectionError",
            TimeoutError => "TimeoutError",
            CancelledError => "CancelledError",
            InvalidStateError => "InvalidStateError",
            QueueEmpty => "QueueEmpty",
            QueueFull => "QueueFull",
            ClientError => "ClientError",
            ClientConnectionError => "ClientConnectionError",
            ClientResponseError => "ClientResponseError",
            BaseExceptionGroup => "BaseExceptionGroup",
            ExceptionGroup => "ExceptionGroup",
            KeyboardInterrupt => "KeyboardInterrupt",
        }
    }

    /// The name CPython prints in a traceback's last line.
    pub fn qualified(self) -> &'static str {
        use ExcClass::*;
        match self {
            CancelledError => "asyncio.exceptions.CancelledError",
            InvalidStateError => "asyncio.exceptions.InvalidStateError",
            QueueEmpty => "asyncio.queues.QueueEmpty",
            QueueFull => "asyncio.queues.QueueFull",
            ClientError => "aiohttp.ClientError",
            ClientConnectionError => "aiohttp.ClientConnectionError",
            ClientResponseError => "aiohttp.ClientResponseError",
            c => c.name(),
        }
    }

    fn parent(self) -> Option<ExcClass> {
        use ExcClass::*;
        Some(match self {
            BaseException => return None,
            Exception | CancelledError | KeyboardInterrupt | BaseExceptionGroup => BaseException,
            ArithmeticError | LookupError | ValueError | TypeError | NameError | AttributeError | RuntimeError
            | AssertionError | StopIteration | StopAsyncIteration | OSError | InvalidStateError | QueueEmpty
            | QueueFull | ClientError => Exception,
            ExceptionGroup => BaseExceptionGroup,
            ZeroDivisionError | OverflowError => ArithmeticError,
            KeyError | IndexError => LookupError,
            RecursionError | NotImplementedError => RuntimeError,
            ConnectionError | TimeoutError => OSError,
            ClientConnectionError | ClientResponseError => ClientError,
        })
    }

    /// True if `self` is `other` or derives from it.
    pub fn is_sub(self, other: ExcClass) -> bool {
        let mut c = Some(self);
        while let Some(k) = c {
            if k == other {
                return true;
            }
            c = k.parent();
        }
        // ExceptionGroup derives from Exception as well.
        self == ExcClass::ExceptionGroup && other == ExcClass::Exception
    }
}

/// An exception instance.
pub(crate) struct ExcObj {
    pub class: ExcClass,
    pub args: Vec<Value>,
    /// `(line, function)` from the innermost frame outwards.
    pub traceback: RefCell<Vec<(u32, Rc<str>)>>,
    pub cause: RefCell<Option<Rc<ExcObj>>>,
    /// The exceptions of an exception group.
    pub group: Vec<Rc<ExcObj>>,
    /// `status` of a `ClientResponseError`.
    pub status: Option<i64>,
}

impl Drop for ExcObj {
    fn drop(&mut self) {
        // A long chain of causes (`raise ... from e` in a loop) is freed
        // as nested containers are: one at a time.
        let mut rest: Vec<Value> = std::mem::take(&mut self.args);
        rest.extend(self.cause.get_mut().take().map(Value::Exc));
        rest.extend(std::mem::take(&mut self.group).into_iter().map(Value::Exc));
        bury(rest);
    }
}

impl ExcObj {
    pub fn new(class: ExcClass, message: impl Into<Rc<str>>) -> Rc<ExcObj> {
        let message: Rc<str> = message.into();
        let args = if message.is_empty() {
            Vec::new()
        } else {
            vec![Value::Str(message)]
        };
        Self::with_args(class, args)
    }

    pub fn with_args(class: ExcClass, args: Vec<Value>) -> Rc<ExcObj> {
        Rc::new(ExcObj {
            class,
            args,
            traceback: RefCell::new(Vec::new()),
            cause: RefCell::new(None),
            group: Vec::new(),
            status: None,
        })
    }

    /// `str(e)`.
    pub fn message(&self) -> String {
        if !self.group.is_empty() {
            let first = self.args.first().map(Value::to_str).unwrap_or_default();
            let n = self.group.len();
            return format!("{first} ({n} sub-exception{})", if n == 1 { "" } else { "s" });
        }
        match self.args.as_slice() {
            [] => String::new(),
            [one] if self.class == ExcClass::KeyError => one.repr(),
            [one] => one.to_str(),
            many => Value::tuple(many.to_vec()).repr(),
        }
    }

    /// `Class: message` (or just `Class`), as the last line of a traceback.
    pub fn headline(&self) -> String {
        let msg = self.message();
        if msg.is_empty() {
            self.class.qualified().to_owned()
        } else {
            format!("{}: {msg}", self.class.qualified())
        }
    }

    pub fn is(&self, class: ExcClass) -> bool {
        self.class.is_sub(class)
    }
}

/// A value as a number, for arithmetic.
#[derive(Clone, Copy)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

impl Value {
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(ListCell(RefCell::new(items))))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(TupleData(items)))
    }

    pub fn dict(d: Dict) -> Value {
        Value::Dict(Rc::new(DictCell(RefCell::new(d))))
    }

    pub fn num(&self) -> Option<Num> {
        match self {
            Value::Bool(b) => Some(Num::Int(i64::from(*b))),
            Value::Int(i) => Some(Num::Int(*i)),
            Value::Float(f) => Some(Num::Float(*f)),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.num()? {
            Num::Int(i) => Some(i as f64),
            Num::Float(f) => Some(f),
        }
    }

    /// The type's name, as `type(x).__name__`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Range(..) => "range",
            Value::Func(_) => "function",
            Value::Builtin(_) => "builtin_function_or_method",
            Value::Method(_) => "method",
            Value::Exc(e) => e.class.name(),
            Value::Class(_) => "type",
            Value::Module(_) => "module",
            Value::Aio(a) => a.type_name(),
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.borrow().pairs.is_empty(),
            Value::Range(..) => self.range_len() > 0,
            Value::Aio(a) => a.truthy(),
            _ => true,
        }
    }

    pub fn range_len(&self) -> i64 {
        match *self {
            Value::Range(start, stop, step) => {
                if step > 0 && stop > start {
                    (stop - start - 1) / step + 1
                } else if step < 0 && stop < start {
                    (start - stop - 1) / (-step) + 1
                } else {
                    0
                }
            }
            _ => 0,
        }
    }

    /// `==`.
    pub fn eq_value(&self, other: &Value) -> bool {
        self.eq_at(other, 0)
    }

    fn eq_at(&self, other: &Value, depth: u32) -> bool {
        if depth > MAX_COMPARE_DEPTH {
            return false;
        }
        let d = depth + 1;
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                Rc::ptr_eq(a, b) || {
                    let (a, b) = (a.borrow(), b.borrow());
                    a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.eq_at(y, d))
                }
            }
            (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.eq_at(y, d))
            }
            (Value::Dict(a), Value::Dict(b)) => {
                Rc::ptr_eq(a, b) || {
                    let (a, b) = (a.borrow(), b.borrow());
                    a.pairs.len() == b.pairs.len()
                        && a.pairs.iter().all(|(k, v)| b.get(k).is_some_and(|w| w.eq_at(v, d)))
                }
            }
            (Value::Range(a, b, c), Value::Range(d, e, f)) => (a, b, c) == (d, e, f),
            (Value::Func(a), Value::Func(b)) => Rc::ptr_eq(a, b),
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            (Value::Exc(a), Value::Exc(b)) => Rc::ptr_eq(a, b),
            (Value::Class(a), Value::Class(b)) => a == b,
            (Value::Module(a), Value::Module(b)) => a == b,
            (Value::Aio(a), Value::Aio(b)) => Rc::ptr_eq(a, b),
            (Value::Method(a), Value::Method(b)) => a.1 == b.1 && a.0.is(&b.0),
            (a, b) => match (a.num(), b.num()) {
                (Some(Num::Int(x)), Some(Num::Int(y))) => x == y,
                (Some(x), Some(y)) => num_f64(x) == num_f64(y),
                _ => false,
            },
        }
    }

    /// `is`.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || a == b,
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Dict(a), Value::Dict(b)) => Rc::ptr_eq(a, b),
            (Value::Tuple(a), Value::Tuple(b)) => Rc::ptr_eq(a, b),
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            _ => self.eq_value(other),
        }
    }

    /// `str(x)`.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Exc(e) => e.message(),
            _ => self.repr(),
        }
    }

    /// `repr(x)`.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out, 0);
        out
    }

    fn write_repr(&self, out: &mut String, depth: u32) {
        if depth > 20 {
            out.push_str("...");
            return;
        }
        match self {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => out.push_str(&float_repr(*f)),
            Value::Str(s) => out.push_str(&str_repr(s)),
            Value::List(l) => {
                out.push('[');
                for (i, v) in l.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_repr(out, depth + 1);
                }
                out.push(']');
            }
            Value::Tuple(t) => {
                out.push('(');
                for (i, v) in t.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_repr(out, depth + 1);
                }
                if t.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Value::Dict(d) => {
                out.push('{');
                for (i, (k, v)) in d.borrow().pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_repr(out, depth + 1);
                    out.push_str(": ");
                    v.write_repr(out, depth + 1);
                }
                out.push('}');
            }
            Value::Range(a, b, c) => {
                if *c == 1 {
                    let _ = write!(out, "range({a}, {b})");
                } else {
                    let _ = write!(out, "range({a}, {b}, {c})");
                }
            }
            Value::Func(f) => {
                let _ = write!(out, "<function {}>", f.def.name);
            }
            Value::Builtin(b) => {
                let _ = write!(out, "<built-in function {}>", b.name());
            }
            Value::Method(m) => {
                let _ = write!(out, "<built-in method {} of {} object>", m.1, m.0.type_name());
            }
            Value::Exc(e) => {
                let _ = write!(out, "{}(", e.class.name());
                for (i, a) in e.args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.write_repr(out, depth + 1);
                }
                out.push(')');
            }
            Value::Class(c) => {
                let _ = write!(out, "<class '{}'>", c.qualified());
            }
            Value::Module(m) => {
                let _ = write!(out, "<module '{}'>", m.name());
            }
            Value::Aio(a) => out.push_str(&aio::repr(a)),
        }
    }
}

fn num_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

/// A float as CPython's `repr` writes it.
pub(crate) fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let a = f.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        let s = format!("{f:e}");
        // Rust: 1e16, 1.5e-5; CPython: 1e+16, 1.5e-05.
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        return format!("{mant}e{sign}{digits:0>2}");
    }
    let s = format!("{f}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// A string as CPython's `repr` writes it.
pub(crate) fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
