//! The syntax tree of the composer's Python subset.
//!
//! Every statement and expression carries the position it starts at, so
//! that a runtime error, a traceback and the lit line of a waiting task
//! all name the line of the program the visitor wrote.

use std::rc::Rc;

/// A position in the program: line and column, both from 1. The column
/// counts characters (not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1, in characters.
    pub col: u32,
}

/// A whole program: the statements of its module, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The module's statements.
    pub body: Vec<Stmt>,
}

/// A statement and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// Where the statement starts.
    pub pos: Pos,
    /// What it is.
    pub kind: StmtKind,
}

/// The statements of the subset.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An expression whose value is dropped (a call, an `await`).
    Expr(Expr),
    /// `a = b = value`: every target gets the value, left to right.
    Assign {
        /// The targets, in order.
        targets: Vec<Target>,
        /// The value.
        value: Expr,
    },
    /// `target op= value`.
    AugAssign {
        /// The target.
        target: Target,
        /// The operator (`+` for `+=`).
        op: BinOp,
        /// The value.
        value: Expr,
    },
    /// `pass`.
    Pass,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return` with an optional value.
    Return(Option<Expr>),
    /// `raise`, `raise exc` or `raise exc from cause`.
    Raise {
        /// The exception (an instance or a class); `None` re-raises.
        exc: Option<Expr>,
        /// The `from` part.
        cause: Option<Expr>,
    },
    /// `global a, b`.
    Global(Vec<Rc<str>>),
    /// `nonlocal a, b`.
    Nonlocal(Vec<Rc<str>>),
    /// `if` (an `elif` is an `If` alone in `orelse`).
    If {
        /// The condition.
        test: Expr,
        /// Runs when it is true.
        body: Vec<Stmt>,
        /// Runs when it is false (may be empty).
        orelse: Vec<Stmt>,
    },
    /// `while test: body else: orelse`.
    While {
        /// The condition.
        test: Expr,
        /// The loop's body.
        body: Vec<Stmt>,
        /// Runs when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `for` and `async for`.
    For {
        /// `async for`.
        is_async: bool,
        /// What each item is bound to.
        target: Target,
        /// What is iterated.
        iter: Expr,
        /// The loop's body.
        body: Vec<Stmt>,
        /// Runs when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `with` and `async with`.
    With {
        /// `async with`.
        is_async: bool,
        /// The context managers, entered left to right.
        items: Vec<WithItem>,
        /// The body.
        body: Vec<Stmt>,
    },
    /// `try` with handlers, `else` and `finally`.
    Try {
        /// The guarded body.
        body: Vec<Stmt>,
        /// The `except` clauses, in order.
        handlers: Vec<Handler>,
        /// Runs when the body raised nothing.
        orelse: Vec<Stmt>,
        /// Runs always.
        finalbody: Vec<Stmt>,
        /// The handlers are `except*` clauses.
        star: bool,
    },
    /// `def` and `async def`.
    FunctionDef(Rc<FuncDef>),
    /// `import a.b as c, d`: `(dotted name, alias)`.
    Import(Vec<(Rc<str>, Option<Rc<str>>)>),
    /// `from module import a as b, c`.
    ImportFrom {
        /// The module.
        module: Rc<str>,
        /// `(name, alias)` pairs.
        names: Vec<(Rc<str>, Option<Rc<str>>)>,
    },
    /// `assert test, msg`.
    Assert {
        /// The condition.
        test: Expr,
        /// The message.
        msg: Option<Expr>,
    },
    /// `del a[i], b`.
    Del(Vec<Target>),
}

/// A function: `def` or `async def`, or a `lambda`.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    /// Where `def` (or the first decorator, or `lambda`) is.
    pub pos: Pos,
    /// The name (`<lambda>` for a lambda).
    pub name: Rc<str>,
    /// `async def`.
    pub is_async: bool,
    /// The named parameters, in order (keyword-only ones after `*` too).
    pub params: Vec<Param>,
    /// `*args`, if any.
    pub vararg: Option<Rc<str>>,
    /// `**kwargs`, if any.
    pub kwarg: Option<Rc<str>>,
    /// The body (a lambda's is one `return`).
    pub body: Vec<Stmt>,
    /// The decorators, outermost first.
    pub decorators: Vec<Expr>,
    /// The body contains `yield` (outside nested functions): calling it
    /// makes a generator (an async generator for `async def`).
    pub is_generator: bool,
}

/// A named parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: Rc<str>,
    /// Its default value, evaluated when the `def` runs.
    pub default: Option<Expr>,
    /// Declared after `*` or `*args`: it can only be passed by keyword.
    pub kw_only: bool,
}

/// One `except` clause.
#[derive(Clone, Debug, PartialEq)]
pub struct Handler {
    /// Where `except` is.
    pub pos: Pos,
    /// The exception class or a tuple of classes; `None` for a bare
    /// `except:`.
    pub types: Option<Expr>,
    /// `as name`.
    pub name: Option<Rc<str>>,
    /// The handler's body.
    pub body: Vec<Stmt>,
}

/// One `ctx as var` of a `with`.
#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    /// The context manager.
    pub ctx: Expr,
    /// What the entered value is bound to.
    pub var: Option<Target>,
}

/// Something a value can be bound to.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A name.
    Name(Rc<str>),
    /// `a, b` or `[a, b]`: unpacking.
    Tuple(Vec<Target>),
    /// `*rest` inside an unpacking.
    Starred(Box<Target>),
    /// `obj[index]`.
    Subscript(Box<Expr>, Box<Expr>),
    /// `obj.name`.
    Attribute(Box<Expr>, Rc<str>),
}

/// An expression and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// Where the expression starts (for a binary operation, a comparison,
    /// a boolean operation, a conditional, a call, an attribute or a
    /// subscript: where its left operand, callee or object starts).
    pub pos: Pos,
    /// What it is.
    pub kind: ExprKind,
}

/// A literal constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (escapes resolved; adjacent literals joined).
    Str(Rc<str>),
}

/// A piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    /// Literal text (`{{` and `}}` resolved).
    Lit(Rc<str>),
    /// `{expr!conv:spec}`.
    Expr {
        /// The expression.
        expr: Box<Expr>,
        /// `!r`, `!s` or `!a`.
        conv: Option<char>,
        /// The format spec after `:` (literal; nested fields are not
        /// supported).
        spec: Option<Rc<str>>,
        /// `{expr=}`: the text of the expression and `=` come first.
        debug: Option<Rc<str>>,
    },
}

/// A call's argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// A positional argument.
    Pos(Expr),
    /// `*iterable`.
    Star(Expr),
    /// `name=value`.
    Kw(Rc<str>, Expr),
    /// `**mapping`.
    StarStar(Expr),
}

/// One `for ... in ... if ...` of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    /// What each item is bound to.
    pub target: Target,
    /// What is iterated.
    pub iter: Expr,
    /// The `if` filters.
    pub ifs: Vec<Expr>,
    /// `async for`.
    pub is_async: bool,
}

/// Which comprehension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    /// `[x for ...]`.
    List,
    /// `{k: v for ...}`.
    Dict,
    /// `{x for ...}` (built as a list: sets are not in the subset).
    Set,
    /// `(x for ...)` (built eagerly as a list).
    Generator,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
    /// `+`
    Plus,
    /// `~`
    Invert,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtE,
    /// `>`
    Gt,
    /// `>=`
    GtE,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `is`
    Is,
    /// `is not`
    IsNot,
}

/// The expressions of the subset.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A name.
    Name(Rc<str>),
    /// A literal.
    Const(Const),
    /// An f-string.
    FString(Vec<FPart>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)` or `a, b`.
    Tuple(Vec<Expr>),
    /// `{k: v, **other}`: `None` as key means `**value`.
    Dict(Vec<(Option<Expr>, Expr)>),
    /// `{a, b}` (built as a list: sets are not in the subset).
    Set(Vec<Expr>),
    /// `*value` inside a list, tuple or set display.
    Starred(Box<Expr>),
    /// `left op right`.
    BinOp(BinOp, Box<Expr>, Box<Expr>),
    /// `op operand`.
    UnaryOp(UnaryOp, Box<Expr>),
    /// `a and b and c` (`true`) or `a or b` (`false`).
    BoolOp {
        /// `and` if true, `or` if false.
        and: bool,
        /// The operands, at least two.
        values: Vec<Expr>,
    },
    /// `a < b <= c`.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `func(args)`.
    Call(Box<Expr>, Vec<Arg>),
    /// `value.name`.
    Attribute(Box<Expr>, Rc<str>),
    /// `value[index]`.
    Subscript(Box<Expr>, Box<Expr>),
    /// `lo:hi:step` inside a subscript.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `body if test else orelse`.
    IfExp {
        /// The condition.
        test: Box<Expr>,
        /// The value when true.
        body: Box<Expr>,
        /// The value when false.
        orelse: Box<Expr>,
    },
    /// `lambda params: body`.
    Lambda(Rc<FuncDef>),
    /// `await value`.
    Await(Box<Expr>),
    /// `yield value`.
    Yield(Option<Box<Expr>>),
    /// A comprehension.
    Comp {
        /// List, dict, set or generator.
        kind: CompKind,
        /// The element (the key, for a dict).
        elt: Box<Expr>,
        /// The value, for a dict.
        value: Option<Box<Expr>>,
        /// The `for` clauses, outermost first.
        generators: Vec<Comprehension>,
    },
}

/// A syntax error, or a construct outside the subset, found before the
/// program runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where it is.
    pub pos: Pos,
    /// What is wrong, and what is supported instead: the command line's
    /// words, and the page's in English.
    pub message: String,
    /// The same in Simplified Chinese, for the page in Chinese (code in
    /// backticks, as in the English).
    pub message_zh: String,
}

impl SyntaxError {
    /// An error at `pos`, said in English and in Chinese.
    pub fn new(pos: Pos, message: impl Into<String>, message_zh: impl Into<String>) -> Self {
        Self {
            pos,
            message: message.into(),
            message_zh: message_zh.into(),
        }
    }

    /// `line:col: message`, then the line and a caret under the column.
    pub fn render(&self, source: &str, file: &str) -> String {
        let line = source
            .lines()
            .nth(self.pos.line.saturating_sub(1) as usize)
            .unwrap_or("");
        let caret: String = line
            .chars()
            .take(self.pos.col.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "{file}:{}:{}: {}\n    {line}\n    {caret}^",
            self.pos.line, self.pos.col, self.message
        )
    }
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.col, self.message)
    }
}

impl std::error::Error for SyntaxError {}
