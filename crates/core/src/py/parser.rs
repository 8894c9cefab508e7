//! The composer's parser: tokens to an [`ast::Program`], by recursive
//! descent for statements and precedence climbing for expressions, with
//! Python's precedence (lowest first): `lambda`, `if`-`else`, `or`, `and`,
//! `not`, comparisons (chained), `|`, `^`, `&`, shifts, `+ -`,
//! `* / // %`, unary `- + ~`, `**` (right-associative; it binds tighter
//! than a unary operator on its left), `await`, and calls, attributes and
//! subscripts.
//!
//! Positions: a statement starts at its first token (a decorated function
//! at its first decorator's `@`); an expression at its first token, except
//! that a binary operation, a comparison, a boolean operation, a
//! conditional expression, a call, an attribute and a subscript take the
//! position of their left operand (the callee, the object), so
//! `(a + b) * c` is at `a`.
//!
//! Beyond syntax, the parser checks what Python's compiler checks before a
//! program runs: `await` only in an `async def`, `yield` and `return` only
//! in a function, `break` and `continue` only in a loop, and it rejects
//! constructs outside the subset with a message naming what to write
//! instead. Nesting (brackets, blocks, operators, chains) is bounded by
//! [`MAX_DEPTH`] so that no input overflows the stack.

use std::rc::Rc;

use super::ast::{
    Arg, BinOp, CmpOp, CompKind, Comprehension, Const, Expr, ExprKind, FPart, FuncDef, Handler, Param, Pos, Program,
    Stmt, StmtKind, SyntaxError, Target, UnaryOp, WithItem,
};
use super::lexer::{Field, Kw, Lexer, MAX_DEPTH, Source, StrPart, Tok, Token, too_deep};

type PResult<T> = Result<T, SyntaxError>;

/// Named parameters, `*args` and `**kwargs`.
type Params = (Vec<Param>, Option<Rc<str>>, Option<Rc<str>>);

/// Parses a whole program.
pub(crate) fn parse_program(source: &str) -> PResult<Program> {
    let src = Source::new(source);
    let toks = Lexer::tokens(&src);
    // The lexer's error for a bracket never closed, if it ended with one.
    let unclosed = match toks.last().map(|t| &t.tok) {
        Some(Tok::Error(e)) if e.message.ends_with("was never closed") => Some((**e).clone()),
        _ => None,
    };
    let mut parser = Parser {
        src: &src,
        toks,
        i: 0,
        depth: 0,
        scopes: vec![Scope::new(ScopeKind::Module)],
    };
    parser.program().map_err(|e| match unclosed {
        // A bracket left open swallows the lines after it; the error it
        // causes on a later line is less helpful than naming the bracket.
        Some(u) if e.pos.line > u.pos.line => u,
        _ => e,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Func { is_async: bool },
    Lambda,
}

/// What the parser tracks for each function (and the module) it is in.
#[derive(Debug)]
struct Scope {
    kind: ScopeKind,
    /// Loops enclosing the current statement (in this function).
    loops: u32,
    /// `yield`s seen (outside nested functions).
    yields: u32,
    /// Where the first `return value` is.
    return_value: Option<Pos>,
}

impl Scope {
    fn new(kind: ScopeKind) -> Scope {
        Scope {
            kind,
            loops: 0,
            yields: 0,
            return_value: None,
        }
    }
}

/// Which binary-level operator follows, and its precedence.
#[derive(Clone, Copy, Debug)]
enum Infix {
    Or,
    And,
    Cmp,
    Bin(BinOp),
}

/// Precedence levels of [`Parser::binary`].
const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_NOT: u8 = 3;
const P_CMP: u8 = 4;
const P_BITOR: u8 = 5;
const P_UNARY: u8 = 11;
const P_POW: u8 = 12;

struct Parser<'a> {
    src: &'a Source,
    toks: Vec<Token>,
    i: usize,
    depth: usize,
    scopes: Vec<Scope>,
}

/// `text` as it follows Chinese: a space before code or a number, none
/// before Chinese.
fn sp(text: &str) -> String {
    if text.starts_with(|c: char| c.is_ascii()) {
        format!(" {text}")
    } else {
        text.to_string()
    }
}

/// [`describe`] in Chinese.
fn describe_zh(tok: &Tok) -> String {
    match tok {
        Tok::Name(n) => format!("名字 `{n}`"),
        Tok::Kw(k) => format!("`{}`", k.as_str()),
        Tok::Int(_) | Tok::Float(_) => "一个数字".into(),
        Tok::Str(_) => "一个字符串".into(),
        Tok::Op(op) => format!("`{op}`"),
        Tok::Newline => "行尾".into(),
        Tok::Indent => "缩进".into(),
        Tok::Dedent => "代码块的结尾".into(),
        Tok::Eof | Tok::Error(_) => "程序的结尾".into(),
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Name(n) => format!("name '{n}'"),
        Tok::Kw(k) => format!("'{}'", k.as_str()),
        Tok::Int(_) | Tok::Float(_) => "a number".into(),
        Tok::Str(_) => "a string".into(),
        Tok::Op(op) => format!("'{op}'"),
        Tok::Newline => "the end of the line".into(),
        Tok::Indent => "an indent".into(),
        Tok::Dedent => "the end of the block".into(),
        Tok::Eof | Tok::Error(_) => "the end of the program".into(),
    }
}

fn expr(pos: Pos, kind: ExprKind) -> Expr {
    Expr { pos, kind }
}

fn aug_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+=" => BinOp::Add,
        "-=" => BinOp::Sub,
        "*=" => BinOp::Mul,
        "/=" => BinOp::Div,
        "//=" => BinOp::FloorDiv,
        "%=" => BinOp::Mod,
        "**=" => BinOp::Pow,
        "&=" => BinOp::BitAnd,
        "|=" => BinOp::BitOr,
        "^=" => BinOp::BitXor,
        "<<=" => BinOp::LShift,
        ">>=" => BinOp::RShift,
        _ => return None,
    })
}

/// What an expression is, for "cannot assign to ..." messages.
/// [`kind_name`] in Chinese.
fn kind_name_zh(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Name(_) => "名字",
        ExprKind::Const(Const::None) => "`None`",
        ExprKind::Const(Const::Bool(true)) => "`True`",
        ExprKind::Const(Const::Bool(false)) => "`False`",
        ExprKind::Const(_) | ExprKind::FString(_) => "字面量",
        ExprKind::List(_) => "列表",
        ExprKind::Tuple(_) => "元组",
        ExprKind::Dict(_) => "字典字面量",
        ExprKind::Set(_) => "集合字面量",
        ExprKind::Starred(_) => "带星号的表达式",
        ExprKind::BinOp(..) | ExprKind::UnaryOp(..) => "表达式",
        ExprKind::BoolOp { .. } => "布尔表达式",
        ExprKind::Compare(..) => "比较",
        ExprKind::Call(..) => "函数调用",
        ExprKind::Attribute(..) => "属性",
        ExprKind::Subscript(..) => "下标",
        ExprKind::Slice(..) => "切片",
        ExprKind::IfExp { .. } => "条件表达式",
        ExprKind::Lambda(_) => "`lambda`",
        ExprKind::Await(_) => "`await` 表达式",
        ExprKind::Yield(_) => "`yield` 表达式",
        ExprKind::Comp { .. } => "推导式",
    }
}

fn kind_name(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Name(_) => "a name",
        ExprKind::Const(Const::None) => "None",
        ExprKind::Const(Const::Bool(true)) => "True",
        ExprKind::Const(Const::Bool(false)) => "False",
        ExprKind::Const(_) | ExprKind::FString(_) => "a literal",
        ExprKind::List(_) => "a list",
        ExprKind::Tuple(_) => "a tuple",
        ExprKind::Dict(_) => "a dict display",
        ExprKind::Set(_) => "a set display",
        ExprKind::Starred(_) => "a starred expression",
        ExprKind::BinOp(..) | ExprKind::UnaryOp(..) => "an expression",
        ExprKind::BoolOp { .. } => "a boolean expression",
        ExprKind::Compare(..) => "a comparison",
        ExprKind::Call(..) => "a function call",
        ExprKind::Attribute(..) => "an attribute",
        ExprKind::Subscript(..) => "a subscript",
        ExprKind::Slice(..) => "a slice",
        ExprKind::IfExp { .. } => "a conditional expression",
        ExprKind::Lambda(_) => "a lambda",
        ExprKind::Await(_) => "an await expression",
        ExprKind::Yield(_) => "a yield expression",
        ExprKind::Comp { .. } => "a comprehension",
    }
}

impl Parser<'_> {
    // ----- tokens -----

    fn peek(&self) -> &Tok {
        self.toks.get(self.i).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        self.toks.get(self.i + n).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn pos(&self) -> Pos {
        self.toks
            .get(self.i)
            .or(self.toks.last())
            .map_or(Pos { line: 1, col: 1 }, |t| t.pos)
    }

    /// Consumes the current token and returns it (never past the end).
    fn bump(&mut self) -> Token {
        match self.toks.get_mut(self.i) {
            Some(t) if !matches!(t.tok, Tok::Eof | Tok::Error(_)) => {
                self.i += 1;
                let placeholder = Tok::Newline;
                Token {
                    tok: std::mem::replace(&mut t.tok, placeholder),
                    pos: t.pos,
                    end: t.end,
                }
            }
            Some(t) => t.clone(),
            None => Token {
                tok: Tok::Eof,
                pos: self.pos(),
                end: self.pos(),
            },
        }
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn at_kw(&self, kw: Kw) -> bool {
        matches!(self.peek(), Tok::Kw(k) if *k == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let at = self.at_op(op);
        if at {
            self.i += 1;
        }
        at
    }

    fn eat_kw(&mut self, kw: Kw) -> bool {
        let at = self.at_kw(kw);
        if at {
            self.i += 1;
        }
        at
    }

    /// Where an error about the current token goes: the token, or just
    /// after the previous one when the current one is the end of a line.
    fn err_pos(&self) -> Pos {
        match self.peek() {
            Tok::Newline | Tok::Eof | Tok::Dedent | Tok::Indent if self.i > 0 => {
                self.toks.get(self.i - 1).map_or(self.pos(), |t| t.end)
            }
            _ => self.pos(),
        }
    }

    /// An error at `pos`, in English and in Chinese.
    fn err_at(&self, pos: Pos, message: impl Into<String>, message_zh: impl Into<String>) -> SyntaxError {
        SyntaxError::new(pos, message, message_zh)
    }

    /// An error at the current token: the lexer's own error if lexing
    /// stopped here, a specific message for a construct outside the
    /// subset, or `message` (`message_zh` in Chinese).
    fn fail(&self, message: impl Into<String>, message_zh: impl Into<String>) -> SyntaxError {
        let pos = self.pos();
        match self.peek() {
            Tok::Error(e) => (**e).clone(),
            Tok::Op(":=") => self.err_at(
                pos,
                "the walrus operator ':=' is not supported in the composer; assign the value on a line before", "编写器不支持海象运算符 `:=`；请在前一行先赋值",
            ),
            Tok::Op("@") | Tok::Op("@=") => self.err_at(
                pos,
                "the '@' operator (matrix multiplication) is not supported; a decorator goes on its own line before `def`", "不支持 `@` 运算符（矩阵乘法）；装饰器要单独写在 `def` 的前一行",
            ),
            Tok::Op("...") => {
                self.err_at(pos, "'...' (Ellipsis) is not supported in the composer; write `pass` for an empty body", "编写器不支持 `...`（省略号）；空的代码块请写 `pass`")
            }
            Tok::Indent => self.err_at(pos, "unexpected indent", "意外的缩进"),
            _ => self.err_at(self.err_pos(), message, message_zh),
        }
    }

    /// The operator `op`, or the error `message` gives (in English and in
    /// Chinese).
    fn expect_op(&mut self, op: &str, message: impl FnOnce() -> (String, String)) -> PResult<Token> {
        if self.at_op(op) {
            Ok(self.bump())
        } else {
            let (en, zh) = message();
            Err(self.fail(en, zh))
        }
    }

    /// A name; `what` (`what_zh` in Chinese) says what it is for.
    fn expect_name(&mut self, what: &str, what_zh: &str) -> PResult<Rc<str>> {
        if let Tok::Name(n) = self.peek() {
            let n = n.clone();
            self.i += 1;
            return Ok(n);
        }
        if let Tok::Kw(k) = self.peek() {
            return Err(self.err_at(
                self.pos(),
                format!(
                    "expected {what}, found the keyword '{}', which cannot be a name",
                    k.as_str()
                ),
                format!("这里应是{what_zh}，却是关键字 `{}`：关键字不能用作名字", k.as_str()),
            ));
        }
        Err(self.fail(
            format!("expected {what}, found {}", describe(self.peek())),
            format!("这里应是{what_zh}，却是{}", sp(&describe_zh(self.peek()))),
        ))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let (en, zh) = too_deep();
            return Err(self.err_at(self.pos(), en, zh));
        }
        Ok(())
    }

    fn leave(&mut self, n: usize) {
        self.depth -= n;
    }

    fn scope(&mut self) -> &mut Scope {
        // The module's scope is never popped.
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }

    fn kind(&self) -> ScopeKind {
        self.scopes.last().map_or(ScopeKind::Module, |s| s.kind)
    }

    /// Whether the current token can start an expression.
    fn starts_expr(&self) -> bool {
        match self.peek() {
            Tok::Name(_) | Tok::Int(_) | Tok::Float(_) | Tok::Str(_) => true,
            Tok::Kw(k) => matches!(
                k,
                Kw::True | Kw::False | Kw::None | Kw::Not | Kw::Lambda | Kw::Await | Kw::Yield
            ),
            Tok::Op(op) => matches!(*op, "(" | "[" | "{" | "-" | "+" | "~" | "*" | "..."),
            _ => false,
        }
    }

    // ----- statements -----

    fn program(&mut self) -> PResult<Program> {
        let mut body = Vec::new();
        loop {
            match self.peek() {
                Tok::Eof => break,
                Tok::Newline | Tok::Dedent => {
                    self.i += 1;
                }
                _ => self.statement(&mut body)?,
            }
        }
        Ok(Program { body })
    }

    /// One statement line (or compound statement), appended to `out`.
    fn statement(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Kw(Kw::If) => self.if_stmt()?,
            Tok::Kw(Kw::While) => self.while_stmt()?,
            Tok::Kw(Kw::For) => self.for_stmt(false, pos)?,
            Tok::Kw(Kw::Try) => self.try_stmt()?,
            Tok::Kw(Kw::With) => self.with_stmt(false, pos)?,
            Tok::Kw(Kw::Def) => self.funcdef(Vec::new(), false, pos)?,
            Tok::Op("@") => self.decorated()?,
            Tok::Kw(Kw::Async) => self.async_stmt(pos)?,
            Tok::Kw(Kw::Class | Kw::Elif | Kw::Else | Kw::Except | Kw::Finally) | Tok::Indent => {
                return Err(self.statement_error());
            }
            _ => return self.simple_stmts(out),
        };
        out.push(Stmt { pos, kind });
        Ok(())
    }

    /// Why the current token cannot start a statement (kept out of
    /// [`Parser::statement`] so that its frame, on every level of nesting,
    /// stays small).
    #[cold]
    #[inline(never)]
    fn statement_error(&self) -> SyntaxError {
        let pos = self.pos();
        match self.peek() {
            Tok::Kw(Kw::Class) => self.err_at(
                pos,
                "classes are not supported in the composer; use functions and dicts",
                "编写器不支持类；请用函数和字典",
            ),
            Tok::Kw(k @ (Kw::Elif | Kw::Else | Kw::Except | Kw::Finally)) => {
                let k = k.as_str();
                let (after, after_zh) = match k {
                    "elif" => ("an 'if' block", "`if` 代码块"),
                    "else" => (
                        "an 'if', 'for', 'while' or 'try' block",
                        "`if`、`for`、`while` 或 `try` 代码块",
                    ),
                    _ => ("a 'try' block", "`try` 代码块"),
                };
                self.err_at(
                    pos,
                    format!("'{k}' must follow {after} at the same indentation"),
                    format!("`{k}` 必须跟在同一缩进的{}后面", sp(after_zh)),
                )
            }
            _ => self.err_at(pos, "unexpected indent", "意外的缩进"),
        }
    }

    /// Simple statements separated by `;`, up to the end of the line.
    fn simple_stmts(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        loop {
            if self.is_match_stmt() {
                return Err(self.err_at(
                    self.pos(),
                    "`match` statements are not supported in the composer; use `if`/`elif` chains",
                    "编写器不支持 `match` 语句；请用 `if`/`elif` 链",
                ));
            }
            let pos = self.pos();
            let kind = self.simple_stmt()?;
            out.push(Stmt { pos, kind });
            if self.eat_op(";") {
                if matches!(self.peek(), Tok::Newline | Tok::Eof) {
                    break;
                }
                if matches!(
                    self.peek(),
                    Tok::Kw(Kw::If | Kw::While | Kw::For | Kw::Try | Kw::With | Kw::Def | Kw::Async | Kw::Class)
                ) {
                    return Err(self.err_at(
                        self.pos(),
                        "a compound statement cannot follow ';' on the same line; start it on its own line",
                        "复合语句不能在同一行跟在 `;` 后面；请另起一行",
                    ));
                }
                continue;
            }
            break;
        }
        match self.peek() {
            Tok::Newline => {
                self.i += 1;
                Ok(())
            }
            Tok::Eof => Ok(()),
            tok => {
                if matches!(tok, Tok::Str(_) | Tok::Name(_) | Tok::Int(_) | Tok::Float(_))
                    && out.last().is_some_and(
                        |s| matches!(&s.kind, StmtKind::Expr(Expr { kind: ExprKind::Name(n), .. }) if &**n == "print"),
                    )
                {
                    return Err(self.err_at(
                        self.pos(),
                        "missing parentheses in call to 'print'; write print(...)",
                        "调用 `print` 缺少括号；请写 `print(...)`",
                    ));
                }
                Err(self.fail(
                    format!(
                        "expected the end of the line, found {}; put each statement on its own line or separate them with ';'",
                        describe(tok)
                    ),
                    format!(
                        "这里应是行尾，却是{}；每条语句请单独写一行，或用 `;` 隔开",
                        sp(&describe_zh(tok))
                    ),
                ))
            }
        }
    }

    /// `match subject:` at the start of a statement (`match` is a soft
    /// keyword: `match = 1` and `match(x)` are ordinary code).
    fn is_match_stmt(&self) -> bool {
        if !matches!(self.peek(), Tok::Name(n) if &**n == "match") {
            return false;
        }
        if !matches!(
            self.peek_at(1),
            Tok::Name(_) | Tok::Int(_) | Tok::Str(_) | Tok::Kw(_) | Tok::Op("(" | "[" | "{" | "-")
        ) {
            return false;
        }
        let mut j = self.i + 1;
        while let Some(t) = self.toks.get(j) {
            match t.tok {
                Tok::Newline | Tok::Eof | Tok::Error(_) => break,
                _ => j += 1,
            }
        }
        j > self.i + 2 && matches!(self.toks.get(j - 1).map(|t| &t.tok), Some(Tok::Op(":")))
    }

    fn simple_stmt(&mut self) -> PResult<StmtKind> {
        let pos = self.pos();
        Ok(match self.peek() {
            Tok::Kw(Kw::Pass) => {
                self.i += 1;
                StmtKind::Pass
            }
            Tok::Kw(Kw::Break) => {
                if self.scope().loops == 0 {
                    return Err(self.err_at(pos, "'break' outside a loop", "`break` 在循环之外"));
                }
                self.i += 1;
                StmtKind::Break
            }
            Tok::Kw(Kw::Continue) => {
                if self.scope().loops == 0 {
                    return Err(self.err_at(pos, "'continue' outside a loop", "`continue` 在循环之外"));
                }
                self.i += 1;
                StmtKind::Continue
            }
            Tok::Kw(Kw::Return) => {
                if self.kind() == ScopeKind::Module {
                    return Err(self.err_at(pos, "'return' outside a function", "`return` 在函数之外"));
                }
                self.i += 1;
                let value = if self.starts_expr() {
                    Some(self.star_expressions()?)
                } else {
                    None
                };
                if value.is_some() && self.scope().return_value.is_none() {
                    self.scope().return_value = Some(pos);
                }
                StmtKind::Return(value)
            }
            Tok::Kw(Kw::Raise) => {
                self.i += 1;
                let mut exc = None;
                let mut cause = None;
                if self.starts_expr() {
                    exc = Some(self.expression()?);
                    if self.eat_kw(Kw::From) {
                        cause = Some(self.expression()?);
                    }
                }
                StmtKind::Raise { exc, cause }
            }
            Tok::Kw(k @ (Kw::Global | Kw::Nonlocal)) => {
                let k = *k;
                if k == Kw::Nonlocal && self.kind() == ScopeKind::Module {
                    return Err(self.err_at(
                        pos,
                        "nonlocal declaration not allowed at module level; use `global`",
                        "模块层级不能用 `nonlocal` 声明；请用 `global`",
                    ));
                }
                self.i += 1;
                let mut names = vec![self.expect_name("a name", "名字")?];
                while self.eat_op(",") {
                    names.push(self.expect_name("a name", "名字")?);
                }
                if k == Kw::Global {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            Tok::Kw(Kw::Import) => {
                self.i += 1;
                let mut names = Vec::new();
                loop {
                    let name = self.dotted_name()?;
                    let alias = if self.eat_kw(Kw::As) {
                        Some(self.expect_name("a name after 'as'", "`as` 后面的名字")?)
                    } else {
                        None
                    };
                    names.push((name, alias));
                    if !self.eat_op(",") {
                        break;
                    }
                }
                StmtKind::Import(names)
            }
            Tok::Kw(Kw::From) => self.import_from()?,
            Tok::Kw(Kw::Assert) => {
                self.i += 1;
                let test = self.expression()?;
                let msg = if self.eat_op(",") {
                    Some(self.expression()?)
                } else {
                    None
                };
                StmtKind::Assert { test, msg }
            }
            Tok::Kw(Kw::Del) => {
                self.i += 1;
                let mut targets = Vec::new();
                loop {
                    let e = self.binary(P_BITOR)?;
                    targets.push(self.del_target(e)?);
                    if !self.eat_op(",") || !self.starts_expr() {
                        break;
                    }
                }
                StmtKind::Del(targets)
            }
            _ => self.expr_or_assign()?,
        })
    }

    fn dotted_name(&mut self) -> PResult<Rc<str>> {
        if self.at_op(".") || self.at_op("...") {
            return Err(self.err_at(
                self.pos(),
                "relative imports are not supported in the composer",
                "编写器不支持相对导入",
            ));
        }
        let mut name = self.expect_name("a module name", "模块名")?.to_string();
        while self.eat_op(".") {
            name.push('.');
            name.push_str(&self.expect_name("a name after '.'", "`.` 后面的名字")?);
        }
        Ok(name.into())
    }

    fn import_from(&mut self) -> PResult<StmtKind> {
        self.i += 1;
        let module = self.dotted_name()?;
        if !self.eat_kw(Kw::Import) {
            return Err(self.fail(
                format!("expected 'import' after `from {module}`"),
                format!("`from {module}` 后面应有 `import`"),
            ));
        }
        if self.at_op("*") {
            return Err(self.err_at(
                self.pos(),
                "`from ... import *` is not supported in the composer; import the names you use",
                "编写器不支持 `from ... import *`；请导入你用到的名字",
            ));
        }
        let parens = self.eat_op("(");
        let mut names = Vec::new();
        loop {
            let name = self.expect_name("a name to import", "要导入的名字")?;
            let alias = if self.eat_kw(Kw::As) {
                Some(self.expect_name("a name after 'as'", "`as` 后面的名字")?)
            } else {
                None
            };
            names.push((name, alias));
            if !self.eat_op(",") {
                break;
            }
            if parens && self.at_op(")") {
                break;
            }
        }
        if parens {
            self.expect_op(")", || {
                (
                    "expected ',' or ')' after the imported names".into(),
                    "导入的名字后面应有 `,` 或 `)`".into(),
                )
            })?;
        }
        Ok(StmtKind::ImportFrom { module, names })
    }

    /// An expression statement, an assignment (chained), an augmented
    /// assignment or an annotated assignment.
    fn expr_or_assign(&mut self) -> PResult<StmtKind> {
        let first = self.star_expressions_or_yield()?;
        if self.at_op("=") {
            let mut targets = vec![first];
            let value = loop {
                self.i += 1;
                let rhs = self.star_expressions_or_yield()?;
                if !self.at_op("=") {
                    break rhs;
                }
                targets.push(rhs);
            };
            let targets = targets
                .into_iter()
                .map(|t| self.target(t))
                .collect::<PResult<Vec<_>>>()?;
            return Ok(StmtKind::Assign { targets, value });
        }
        if let Tok::Op(op) = self.peek() {
            if let Some(op) = aug_op(op) {
                let target = self.aug_target(first)?;
                self.i += 1;
                let value = self.star_expressions_or_yield()?;
                return Ok(StmtKind::AugAssign { target, op, value });
            }
            if *op == ":" {
                let target = match &first.kind {
                    ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => self.target(first)?,
                    ExprKind::Tuple(_) => {
                        return Err(self.err_at(
                            first.pos,
                            "only a single target (not a tuple) can be annotated",
                            "只有单个目标（不是元组）才能加注解",
                        ));
                    }
                    k => {
                        return Err(self.err_at(
                            first.pos,
                            format!("cannot annotate {}", kind_name(k)),
                            format!("不能给{}加注解", sp(kind_name_zh(k))),
                        ));
                    }
                };
                self.i += 1;
                self.expression()?;
                if self.eat_op("=") {
                    let value = self.star_expressions_or_yield()?;
                    return Ok(StmtKind::Assign {
                        targets: vec![target],
                        value,
                    });
                }
                return Ok(StmtKind::Pass);
            }
        }
        if let ExprKind::Starred(_) = first.kind {
            return Err(self.err_at(
                first.pos,
                "a starred expression cannot be used here",
                "这里不能用带星号的表达式",
            ));
        }
        Ok(StmtKind::Expr(first))
    }

    fn star_expressions_or_yield(&mut self) -> PResult<Expr> {
        if self.at_kw(Kw::Yield) {
            self.yield_expr()
        } else {
            self.star_expressions()
        }
    }

    // ----- targets -----

    /// An assignment target from an expression.
    fn target(&self, e: Expr) -> PResult<Target> {
        match e.kind {
            ExprKind::Starred(_) => Err(self.err_at(
                e.pos,
                "a starred assignment target must be in a list or tuple, as in `first, *rest = items`",
                "带星号的赋值目标必须在列表或元组里，如 `first, *rest = items`",
            )),
            _ => self.target_inner(e),
        }
    }

    fn target_inner(&self, e: Expr) -> PResult<Target> {
        match e.kind {
            ExprKind::Name(n) => Ok(Target::Name(n)),
            ExprKind::Attribute(v, n) => Ok(Target::Attribute(v, n)),
            ExprKind::Subscript(v, i) => Ok(Target::Subscript(v, i)),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut starred = false;
                for item in items {
                    if let ExprKind::Starred(inner) = item.kind {
                        if starred {
                            return Err(self.err_at(
                                item.pos,
                                "multiple starred expressions in an assignment",
                                "一个赋值里有多个带星号的表达式",
                            ));
                        }
                        starred = true;
                        out.push(Target::Starred(Box::new(self.target_inner(*inner)?)));
                    } else {
                        out.push(self.target_inner(item)?);
                    }
                }
                Ok(Target::Tuple(out))
            }
            ExprKind::Starred(_) => Err(self.err_at(
                e.pos,
                "a starred target cannot be nested in a starred target",
                "带星号的目标不能嵌套在另一个带星号的目标里",
            )),
            ref k => Err(self.err_at(
                e.pos,
                format!(
                    "cannot assign to {}; a target is a name, an attribute, a subscript, or a tuple or list of them",
                    kind_name(k)
                ),
                format!(
                    "不能给{}赋值；赋值的目标是名字、属性、下标，或由它们组成的元组或列表",
                    sp(kind_name_zh(k))
                ),
            )),
        }
    }

    fn aug_target(&self, e: Expr) -> PResult<Target> {
        match e.kind {
            ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => self.target_inner(e),
            ref k => Err(self.err_at(
                e.pos,
                format!(
                    "cannot use {} with an augmented assignment; its target is a name, an attribute or a subscript",
                    kind_name(k)
                ),
                format!("{}不能用于增量赋值；增量赋值的目标是名字、属性或下标", kind_name_zh(k)),
            )),
        }
    }

    fn del_target(&self, e: Expr) -> PResult<Target> {
        match e.kind {
            ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => self.target_inner(e),
            ExprKind::Tuple(items) | ExprKind::List(items) => Ok(Target::Tuple(
                items.into_iter().map(|i| self.del_target(i)).collect::<PResult<_>>()?,
            )),
            ref k => Err(self.err_at(
                e.pos,
                format!("cannot delete {}", kind_name(k)),
                format!("不能删除{}", sp(kind_name_zh(k))),
            )),
        }
    }

    /// The targets of a `for` (up to `in`).
    fn for_targets(&mut self) -> PResult<Target> {
        let pos = self.pos();
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            let item = if self.at_op("*") {
                let p = self.pos();
                self.i += 1;
                expr(p, ExprKind::Starred(Box::new(self.binary(P_BITOR)?)))
            } else {
                self.binary(P_BITOR)?
            };
            items.push(item);
            if !self.eat_op(",") {
                break;
            }
            comma = true;
            if self.at_kw(Kw::In) {
                break;
            }
        }
        let e = if comma || items.len() > 1 {
            expr(pos, ExprKind::Tuple(items))
        } else {
            items.pop().unwrap_or_else(|| expr(pos, ExprKind::Tuple(Vec::new())))
        };
        self.target(e)
    }

    // ----- compound statements -----

    /// A block after `:`: an indented suite or simple statements on the
    /// same line. `what` names the statement for "expected an indented
    /// block after ...".
    fn block(&mut self, what: &str, what_zh: &str, line: u32) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if !matches!(self.peek(), Tok::Newline) {
            self.block_on_one_line(what, what_zh, line, &mut body)?;
            return Ok(body);
        }
        self.i += 1;
        if !matches!(self.peek(), Tok::Indent) {
            return Err(self.no_indented_block(what, what_zh, line));
        }
        self.i += 1;
        self.enter()?;
        loop {
            match self.peek() {
                Tok::Dedent => {
                    self.i += 1;
                    break;
                }
                Tok::Eof => break,
                _ => self.statement(&mut body)?,
            }
        }
        self.leave(1);
        Ok(body)
    }

    #[cold]
    #[inline(never)]
    fn no_indented_block(&self, what: &str, what_zh: &str, line: u32) -> SyntaxError {
        if let Tok::Error(e) = self.peek() {
            return (**e).clone();
        }
        self.err_at(
            self.pos(),
            format!("expected an indented block after {what} on line {line}"),
            format!("第 {line} 行的{}后面应有缩进的代码块", sp(what_zh)),
        )
    }

    /// Simple statements on the line of the `:` that starts a block.
    fn block_on_one_line(&mut self, what: &str, what_zh: &str, line: u32, body: &mut Vec<Stmt>) -> PResult<()> {
        if matches!(self.peek(), Tok::Eof) {
            return Err(self.fail(
                format!("expected an indented block after {what} on line {line}"),
                format!("第 {line} 行的{}后面应有缩进的代码块", sp(what_zh)),
            ));
        }
        if matches!(
            self.peek(),
            Tok::Kw(Kw::If | Kw::While | Kw::For | Kw::Try | Kw::With | Kw::Def | Kw::Class) | Tok::Op("@")
        ) {
            return Err(self.err_at(
                self.pos(),
                "a compound statement cannot follow ':' on the same line; put it on the next line, indented",
                "复合语句不能在同一行跟在 `:` 后面；请写在下一行并缩进",
            ));
        }
        self.simple_stmts(body)
    }

    /// `:`; `after` (`after_zh` in Chinese) says after what.
    fn colon(&mut self, after: &str, after_zh: &str) -> PResult<()> {
        if self.eat_op(":") {
            return Ok(());
        }
        if self.at_op("=") {
            return Err(self.err_at(
                self.pos(),
                format!("expected ':' {after}; '=' assigns, write '==' to compare"),
                format!("{after_zh}应有 `:`；`=` 是赋值，比较请写 `==`"),
            ));
        }
        let after_else = after == "after `else`";
        if after_else && self.at_kw(Kw::If) {
            return Err(self.err_at(
                self.pos(),
                "expected ':' after `else`; Python writes `else if` as `elif`",
                "`else` 后面应有 `:`；Python 把 `else if` 写作 `elif`",
            ));
        }
        Err(self.fail(format!("expected ':' {after}"), format!("{after_zh}应有 `:`")))
    }

    fn if_stmt(&mut self) -> PResult<StmtKind> {
        // `elif` chains are collected, then folded, so a long chain does
        // not recurse.
        let mut branches = Vec::new();
        let mut orelse = Vec::new();
        loop {
            let tok = self.bump();
            let word = if matches!(tok.tok, Tok::Kw(Kw::If)) {
                "if"
            } else {
                "elif"
            };
            let test = self.named_expression()?;
            self.colon(
                &format!("after the condition of `{word}`"),
                &format!("`{word}` 的条件后面"),
            )?;
            let body = self.block(&format!("'{word}' statement"), &format!("`{word}` 语句"), tok.pos.line)?;
            branches.push((tok.pos, test, body));
            if self.at_kw(Kw::Elif) {
                // The branches fold into nested `If`s, one level each.
                if self.depth + branches.len() >= MAX_DEPTH {
                    return Err(self.err_at(
                        self.pos(),
                        format!(
                            "too many `elif` branches here: each nests one level and nesting is limited to \
                             {MAX_DEPTH}; use a dict or a loop"
                        ),
                        format!(
                            "这里的 `elif` 分支太多：每个分支嵌套一层，而嵌套最多 {MAX_DEPTH} 层；请改用字典或循环"
                        ),
                    ));
                }
                continue;
            }
            if self.at_kw(Kw::Else) {
                let line = self.bump().pos.line;
                self.colon("after `else`", "`else` 后面")?;
                orelse = self.block("'else'", "`else`", line)?;
            }
            break;
        }
        let mut folded: Option<Stmt> = None;
        while let Some((pos, test, body)) = branches.pop() {
            let orelse = match folded.take() {
                Some(inner) => vec![inner],
                None => std::mem::take(&mut orelse),
            };
            folded = Some(Stmt {
                pos,
                kind: StmtKind::If { test, body, orelse },
            });
        }
        folded
            .map(|s| s.kind)
            .ok_or_else(|| self.err_at(self.pos(), "expected `if`", "这里应有 `if`"))
    }

    fn while_stmt(&mut self) -> PResult<StmtKind> {
        let line = self.bump().pos.line;
        let test = self.named_expression()?;
        self.colon("after the condition of `while`", "`while` 的条件后面")?;
        self.scope().loops += 1;
        let body = self.block("'while' statement", "`while` 语句", line)?;
        self.scope().loops -= 1;
        let orelse = self.loop_else()?;
        Ok(StmtKind::While { test, body, orelse })
    }

    fn loop_else(&mut self) -> PResult<Vec<Stmt>> {
        if self.at_kw(Kw::Else) {
            let line = self.bump().pos.line;
            self.colon("after `else`", "`else` 后面")?;
            return self.block("'else'", "`else`", line);
        }
        Ok(Vec::new())
    }

    fn for_stmt(&mut self, is_async: bool, pos: Pos) -> PResult<StmtKind> {
        self.i += 1; // `for`
        let target = self.for_targets()?;
        if !self.eat_kw(Kw::In) {
            return Err(self.fail(
                "expected 'in' after the loop variables of `for`",
                "`for` 的循环变量后面应有 `in`",
            ));
        }
        let iter = self.star_expressions()?;
        self.colon("after the iterable of `for`", "`for` 的可迭代对象后面")?;
        self.scope().loops += 1;
        let (what, what_zh) = if is_async {
            ("'async for' statement", "`async for` 语句")
        } else {
            ("'for' statement", "`for` 语句")
        };
        let body = self.block(what, what_zh, pos.line)?;
        self.scope().loops -= 1;
        let orelse = self.loop_else()?;
        Ok(StmtKind::For {
            is_async,
            target,
            iter,
            body,
            orelse,
        })
    }

    fn async_stmt(&mut self, pos: Pos) -> PResult<StmtKind> {
        let next = self.peek_at(1).clone();
        match next {
            Tok::Kw(Kw::Def) => {
                self.i += 1;
                self.funcdef(Vec::new(), true, pos)
            }
            Tok::Kw(k @ (Kw::For | Kw::With)) => {
                if self.kind() != (ScopeKind::Func { is_async: true }) {
                    return Err(self.err_at(
                        pos,
                        format!("'async {}' outside an async function (`async def`)", k.as_str()),
                        format!("`async {}` 在异步函数（`async def`）之外", k.as_str()),
                    ));
                }
                self.i += 1;
                if k == Kw::For {
                    self.for_stmt(true, pos)
                } else {
                    self.with_stmt(true, pos)
                }
            }
            _ => {
                self.i += 1;
                Err(self.fail(
                    "expected 'def', 'for' or 'with' after 'async'",
                    "`async` 后面应是 `def`、`for` 或 `with`",
                ))
            }
        }
    }

    fn with_stmt(&mut self, is_async: bool, pos: Pos) -> PResult<StmtKind> {
        self.i += 1; // `with`
        if self.at_op(":") {
            return Err(self.err_at(
                self.pos(),
                "`with` needs a context manager, as in `with lock:`",
                "`with` 需要一个上下文管理器，如 `with lock:`",
            ));
        }
        let mut items = Vec::new();
        if self.at_op("(") && self.parenthesized_with_items() {
            self.enter()?;
            self.i += 1;
            loop {
                if self.at_op(")") && !items.is_empty() {
                    break;
                }
                items.push(self.with_item()?);
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")", || {
                (
                    "expected ',' or ')' after the context managers of `with`".into(),
                    "`with` 的上下文管理器后面应有 `,` 或 `)`".into(),
                )
            })?;
            self.leave(1);
        } else {
            loop {
                items.push(self.with_item()?);
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        self.colon("after the context managers of `with`", "`with` 的上下文管理器后面")?;
        let (what, what_zh) = if is_async {
            ("'async with' statement", "`async with` 语句")
        } else {
            ("'with' statement", "`with` 语句")
        };
        let body = self.block(what, what_zh, pos.line)?;
        Ok(StmtKind::With { is_async, items, body })
    }

    /// At `(` after `with`: whether the parenthesis holds the items
    /// (`with (a as b, c):`) rather than starting the first expression.
    fn parenthesized_with_items(&self) -> bool {
        let mut depth = 0usize;
        let mut j = self.i;
        while let Some(t) = self.toks.get(j) {
            match &t.tok {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(self.toks.get(j + 1).map(|t| &t.tok), Some(Tok::Op(":")));
                    }
                }
                Tok::Newline | Tok::Eof | Tok::Error(_) => return false,
                _ => {}
            }
            j += 1;
        }
        false
    }

    fn with_item(&mut self) -> PResult<WithItem> {
        if !self.starts_expr() {
            return Err(self.fail(
                "`with` needs a context manager, as in `with lock:`",
                "`with` 需要一个上下文管理器，如 `with lock:`",
            ));
        }
        let ctx = self.expression()?;
        let var = if self.eat_kw(Kw::As) {
            let e = self.binary(P_BITOR)?;
            Some(self.target(e)?)
        } else {
            None
        };
        Ok(WithItem { ctx, var })
    }

    fn try_stmt(&mut self) -> PResult<StmtKind> {
        let line = self.bump().pos.line;
        self.colon("after `try`", "`try` 后面")?;
        let body = self.block("'try' statement", "`try` 语句", line)?;
        let mut handlers: Vec<Handler> = Vec::new();
        let mut star = None;
        let mut bare_at: Option<Pos> = None;
        while self.at_kw(Kw::Except) {
            let hpos = self.bump().pos;
            if let Some(p) = bare_at {
                return Err(self.err_at(
                    p,
                    "a bare 'except:' must be the last handler",
                    "不带类型的 `except:` 必须是最后一个处理块",
                ));
            }
            let is_star = self.eat_op("*");
            match star {
                Some(s) if s != is_star => {
                    return Err(self.err_at(
                        hpos,
                        "cannot mix 'except' and 'except*' in one `try`",
                        "同一个 `try` 里不能混用 `except` 和 `except*`",
                    ));
                }
                _ => star = Some(is_star),
            }
            let mut types = None;
            let mut name = None;
            if self.at_op(":") {
                if is_star {
                    return Err(self.err_at(
                        self.pos(),
                        "'except*' needs an exception type, as in `except* ValueError:`",
                        "`except*` 需要一个异常类型，如 `except* ValueError:`",
                    ));
                }
                bare_at = Some(hpos);
            } else {
                let first = self.expression()?;
                if self.at_op(",") {
                    let tpos = first.pos;
                    let mut items = vec![first];
                    while self.eat_op(",") {
                        if self.at_op(":") {
                            break;
                        }
                        items.push(self.expression()?);
                    }
                    if self.at_kw(Kw::As) {
                        return Err(self.err_at(
                            tpos,
                            "several exception types must be in parentheses when using 'as': except (A, B) as e",
                            "用 `as` 时，多个异常类型必须放在括号里：`except (A, B) as e`",
                        ));
                    }
                    types = Some(expr(tpos, ExprKind::Tuple(items)));
                } else {
                    types = Some(first);
                }
                if self.eat_kw(Kw::As) {
                    name = Some(self.expect_name("a name after 'as'", "`as` 后面的名字")?);
                }
            }
            self.colon("after the `except` clause", "`except` 子句后面")?;
            let hbody = self.block("'except' statement", "`except` 语句", hpos.line)?;
            handlers.push(Handler {
                pos: hpos,
                types,
                name,
                body: hbody,
            });
        }
        let mut orelse = Vec::new();
        if self.at_kw(Kw::Else) {
            if handlers.is_empty() {
                return Err(self.err_at(
                    self.pos(),
                    "an 'else' after `try` needs an 'except' before it",
                    "`try` 后面的 `else` 之前必须有 `except`",
                ));
            }
            let line = self.bump().pos.line;
            self.colon("after `else`", "`else` 后面")?;
            orelse = self.block("'else'", "`else`", line)?;
        }
        let mut finalbody = Vec::new();
        if self.at_kw(Kw::Finally) {
            let line = self.bump().pos.line;
            self.colon("after `finally`", "`finally` 后面")?;
            finalbody = self.block("'finally' statement", "`finally` 语句", line)?;
        } else if handlers.is_empty() {
            return Err(self.fail(
                "expected 'except' or 'finally' after the body of `try`",
                "`try` 的代码块后面应有 `except` 或 `finally`",
            ));
        }
        Ok(StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
            star: star.unwrap_or(false),
        })
    }

    fn decorated(&mut self) -> PResult<StmtKind> {
        let pos = self.pos();
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.named_expression()?);
            if !matches!(self.peek(), Tok::Newline) {
                return Err(self.fail("expected the end of the line after the decorator", "装饰器后面应是行尾"));
            }
            self.i += 1;
        }
        match self.peek() {
            Tok::Kw(Kw::Def) => self.funcdef(decorators, false, pos),
            Tok::Kw(Kw::Async) if matches!(self.peek_at(1), Tok::Kw(Kw::Def)) => {
                self.i += 1;
                self.funcdef(decorators, true, pos)
            }
            Tok::Kw(Kw::Class) => Err(self.err_at(
                self.pos(),
                "classes are not supported in the composer; use functions and dicts",
                "编写器不支持类；请用函数和字典",
            )),
            _ => Err(self.fail(
                "expected `def` or `async def` after the decorators",
                "装饰器后面应是 `def` 或 `async def`",
            )),
        }
    }

    /// `def name(params) -> ann: body`, at `def`; `pos` is where the
    /// statement starts (`async`, or the first decorator).
    fn funcdef(&mut self, decorators: Vec<Expr>, is_async: bool, pos: Pos) -> PResult<StmtKind> {
        let line = self.bump().pos.line;
        let name = self.expect_name("the function's name after 'def'", "`def` 后面的函数名")?;
        self.expect_op("(", || {
            (
                format!("expected '(' after the function name '{name}'"),
                format!("函数名 `{name}` 后面应有 `(`"),
            )
        })?;
        let (params, vararg, kwarg) = self.params(true)?;
        self.expect_op(")", || {
            (
                "expected ',' or ')' in the parameter list".into(),
                "参数列表里应有 `,` 或 `)`".into(),
            )
        })?;
        if self.eat_op("->") {
            self.expression()?;
        }
        self.colon("after the parameters of `def`", "`def` 的参数后面")?;
        self.scopes.push(Scope::new(ScopeKind::Func { is_async }));
        let body = self.block("function definition", "函数定义", line);
        let scope = self.scopes.pop();
        let body = body?;
        let (yields, return_value) = scope.map_or((0, None), |s| (s.yields, s.return_value));
        if is_async
            && yields > 0
            && let Some(p) = return_value
        {
            return Err(self.err_at(
                p,
                "'return' with a value is not allowed in an async generator",
                "异步生成器里不能用带值的 `return`",
            ));
        }
        Ok(StmtKind::FunctionDef(Rc::new(FuncDef {
            pos,
            name,
            is_async,
            params,
            vararg,
            kwarg,
            body,
            decorators,
            is_generator: yields > 0,
        })))
    }

    /// Parameters up to `)` (a `def`, with annotations) or `:` (a
    /// lambda).
    fn params(&mut self, def: bool) -> PResult<Params> {
        let close = if def { ")" } else { ":" };
        let mut params: Vec<Param> = Vec::new();
        let mut vararg = None;
        let mut kwarg = None;
        let mut star_at: Option<Pos> = None;
        let mut seen_default = false;
        let mut slash = false;
        let mut names: Vec<Rc<str>> = Vec::new();
        let mut add_name = |parser: &Self, name: &Rc<str>, pos: Pos| {
            if !names.contains(name) {
                names.push(name.clone());
                Ok(())
            } else {
                Err(parser.err_at(
                    pos,
                    format!("duplicate parameter '{name}' in the function definition"),
                    format!("函数定义里的参数 `{name}` 重复了"),
                ))
            }
        };
        loop {
            if self.at_op(close) {
                break;
            }
            let pos = self.pos();
            if kwarg.is_some() {
                return Err(self.err_at(pos, "no parameter can follow '**kwargs'", "`**kwargs` 后面不能再有参数"));
            }
            if self.eat_op("/") {
                if slash || star_at.is_some() || params.is_empty() {
                    return Err(self.err_at(
                        pos,
                        "'/' must come after at least one parameter, before '*'",
                        "`/` 必须在至少一个参数之后、`*` 之前",
                    ));
                }
                slash = true;
            } else if self.eat_op("**") {
                let p = self.pos();
                let name = self.expect_name("a name after '**'", "`**` 后面的名字")?;
                add_name(self, &name, p)?;
                self.annotation(def)?;
                kwarg = Some(name);
            } else if self.eat_op("*") {
                if star_at.is_some() {
                    return Err(self.err_at(
                        pos,
                        "'*' can appear only once in the parameters",
                        "参数里只能有一个 `*`",
                    ));
                }
                star_at = Some(pos);
                if let Tok::Name(_) = self.peek() {
                    let p = self.pos();
                    let name = self.expect_name("a name", "名字")?;
                    add_name(self, &name, p)?;
                    self.annotation(def)?;
                    vararg = Some(name);
                }
            } else if let Tok::Name(_) = self.peek() {
                let name = self.expect_name("a parameter name", "参数名")?;
                add_name(self, &name, pos)?;
                self.annotation(def)?;
                let default = if self.eat_op("=") {
                    Some(self.expression()?)
                } else {
                    None
                };
                if star_at.is_none() {
                    if default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        return Err(self.err_at(
                            pos,
                            "a parameter without a default follows a parameter with a default",
                            "没有默认值的参数跟在了有默认值的参数后面",
                        ));
                    }
                }
                params.push(Param {
                    name,
                    default,
                    kw_only: star_at.is_some(),
                });
            } else {
                return Err(self.fail(
                    format!("expected a parameter name, found {}", describe(self.peek())),
                    format!("这里应是参数名，却是{}", sp(&describe_zh(self.peek()))),
                ));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        if let Some(p) = star_at
            && vararg.is_none()
            && !params.iter().any(|p| p.kw_only)
        {
            return Err(self.err_at(
                p,
                "a bare '*' must be followed by keyword-only parameters",
                "单独的 `*` 后面必须有仅限关键字的参数",
            ));
        }
        Ok((params, vararg, kwarg))
    }

    fn annotation(&mut self, def: bool) -> PResult<()> {
        if def && self.eat_op(":") {
            self.expression()?;
        }
        Ok(())
    }

    // ----- expressions -----

    /// `a, *b, c` (a tuple when there is a comma) or one expression.
    fn star_expressions(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        let first = self.star_or_named()?;
        if !self.at_op(",") {
            if let ExprKind::Starred(_) = first.kind {
                return Err(self.err_at(
                    first.pos,
                    "a starred expression must be in a tuple, list or call here (add a comma: `*a,`)",
                    "这里带星号的表达式必须在元组、列表或调用里（加一个逗号：`*a,`）",
                ));
            }
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if !self.starts_expr() {
                break;
            }
            items.push(self.star_or_named()?);
        }
        Ok(expr(pos, ExprKind::Tuple(items)))
    }

    fn star_or_named(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            let pos = self.bump().pos;
            let value = self.binary(P_BITOR)?;
            return Ok(expr(pos, ExprKind::Starred(Box::new(value))));
        }
        self.named_expression()
    }

    /// An expression where Python would allow `:=` (not in the subset).
    fn named_expression(&mut self) -> PResult<Expr> {
        let e = self.expression()?;
        if self.at_op(":=") {
            return Err(self.fail("", ""));
        }
        Ok(e)
    }

    /// `lambda`, or `body if test else orelse`, or an `or` expression.
    fn expression(&mut self) -> PResult<Expr> {
        if self.at_kw(Kw::Lambda) {
            return self.lambda();
        }
        let body = self.binary(P_OR)?;
        if !self.at_kw(Kw::If) {
            return Ok(body);
        }
        self.if_exp(body)
    }

    /// `body if test else orelse`, at `if`.
    fn if_exp(&mut self, body: Expr) -> PResult<Expr> {
        self.i += 1;
        let test = self.binary(P_OR)?;
        if !self.at_kw(Kw::Else) {
            return Err(self.fail(
                "expected 'else' in the conditional expression `a if condition else b`",
                "条件表达式 `a if condition else b` 里应有 `else`",
            ));
        }
        self.enter()?;
        self.i += 1;
        let orelse = self.expression()?;
        self.leave(1);
        Ok(expr(
            body.pos,
            ExprKind::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
        ))
    }

    fn lambda(&mut self) -> PResult<Expr> {
        self.enter()?;
        let pos = self.bump().pos;
        let (params, vararg, kwarg) = self.params(false)?;
        self.colon("after the parameters of `lambda`", "`lambda` 的参数后面")?;
        self.scopes.push(Scope::new(ScopeKind::Lambda));
        let body = self.expression();
        let scope = self.scopes.pop();
        let body = body?;
        self.leave(1);
        let yields = scope.map_or(0, |s| s.yields);
        Ok(expr(
            pos,
            ExprKind::Lambda(Rc::new(FuncDef {
                pos,
                name: "<lambda>".into(),
                is_async: false,
                params,
                vararg,
                kwarg,
                body: vec![Stmt {
                    pos: body.pos,
                    kind: StmtKind::Return(Some(body)),
                }],
                decorators: Vec::new(),
                is_generator: yields > 0,
            })),
        ))
    }

    fn infix(&self) -> Option<(u8, Infix)> {
        Some(match self.peek() {
            Tok::Kw(Kw::Or) => (P_OR, Infix::Or),
            Tok::Kw(Kw::And) => (P_AND, Infix::And),
            Tok::Kw(Kw::In | Kw::Is) => (P_CMP, Infix::Cmp),
            Tok::Kw(Kw::Not) if matches!(self.peek_at(1), Tok::Kw(Kw::In)) => (P_CMP, Infix::Cmp),
            Tok::Op(op) => match *op {
                "<" | ">" | "==" | ">=" | "<=" | "!=" => (P_CMP, Infix::Cmp),
                "|" => (5, Infix::Bin(BinOp::BitOr)),
                "^" => (6, Infix::Bin(BinOp::BitXor)),
                "&" => (7, Infix::Bin(BinOp::BitAnd)),
                "<<" => (8, Infix::Bin(BinOp::LShift)),
                ">>" => (8, Infix::Bin(BinOp::RShift)),
                "+" => (9, Infix::Bin(BinOp::Add)),
                "-" => (9, Infix::Bin(BinOp::Sub)),
                "*" => (10, Infix::Bin(BinOp::Mul)),
                "/" => (10, Infix::Bin(BinOp::Div)),
                "//" => (10, Infix::Bin(BinOp::FloorDiv)),
                "%" => (10, Infix::Bin(BinOp::Mod)),
                "**" => (P_POW, Infix::Bin(BinOp::Pow)),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The comparison operator at the current token, consumed.
    fn cmp_op(&mut self) -> Option<CmpOp> {
        let op = match self.peek() {
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op(">=") => CmpOp::GtE,
            Tok::Op("<=") => CmpOp::LtE,
            Tok::Op("!=") => CmpOp::NotEq,
            Tok::Kw(Kw::In) => CmpOp::In,
            Tok::Kw(Kw::Not) if matches!(self.peek_at(1), Tok::Kw(Kw::In)) => {
                self.i += 2;
                return Some(CmpOp::NotIn);
            }
            Tok::Kw(Kw::Is) => {
                if matches!(self.peek_at(1), Tok::Kw(Kw::Not)) {
                    self.i += 2;
                    return Some(CmpOp::IsNot);
                }
                CmpOp::Is
            }
            _ => return None,
        };
        self.i += 1;
        Some(op)
    }

    /// Precedence climbing over everything from `or` to `**`: operators
    /// binding at least as tightly as `min`.
    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut left = self.prefix(min)?;
        let mut chain = 0;
        while let Some((prec, op)) = self.infix() {
            if prec < min {
                break;
            }
            left = self.infix_rest(left, prec, op)?;
            // Each operation nests the tree built so far one level deeper.
            self.enter()?;
            chain += 1;
        }
        self.leave(chain);
        Ok(left)
    }

    /// The operation `left op ...` at the infix operator `op` (kept out of
    /// [`Parser::binary`] so that its frame, on every level of nesting,
    /// stays small).
    fn infix_rest(&mut self, left: Expr, prec: u8, op: Infix) -> PResult<Expr> {
        let pos = left.pos;
        Ok(match op {
            Infix::Or | Infix::And => {
                let (kw, and, next) = if let Infix::And = op {
                    (Kw::And, true, P_NOT)
                } else {
                    (Kw::Or, false, P_AND)
                };
                let mut values = vec![left];
                while self.eat_kw(kw) {
                    values.push(self.binary(next)?);
                }
                expr(pos, ExprKind::BoolOp { and, values })
            }
            Infix::Cmp => {
                let mut ops = Vec::new();
                while let Some(cmp) = self.cmp_op() {
                    ops.push((cmp, self.binary(P_BITOR)?));
                }
                expr(pos, ExprKind::Compare(Box::new(left), ops))
            }
            Infix::Bin(BinOp::Pow) => {
                self.enter()?;
                self.i += 1;
                let right = self.binary(P_UNARY)?;
                self.leave(1);
                expr(pos, ExprKind::BinOp(BinOp::Pow, Box::new(left), Box::new(right)))
            }
            Infix::Bin(b) => {
                self.i += 1;
                let right = self.binary(prec + 1)?;
                expr(pos, ExprKind::BinOp(b, Box::new(left), Box::new(right)))
            }
        })
    }

    /// A unary operation (`not` only when `min` allows it), an `await`,
    /// or a primary.
    fn prefix(&mut self, min: u8) -> PResult<Expr> {
        let pos = self.pos();
        let (op, operand_min) = match self.peek() {
            Tok::Kw(Kw::Not) if min <= P_NOT => (UnaryOp::Not, P_NOT),
            Tok::Op("-") if min <= P_UNARY => (UnaryOp::Neg, P_UNARY),
            Tok::Op("+") if min <= P_UNARY => (UnaryOp::Plus, P_UNARY),
            Tok::Op("~") if min <= P_UNARY => (UnaryOp::Invert, P_UNARY),
            Tok::Kw(Kw::Await) => return self.await_expr(),
            _ => return self.primary(),
        };
        self.enter()?;
        self.i += 1;
        let operand = self.binary(operand_min)?;
        self.leave(1);
        Ok(expr(pos, ExprKind::UnaryOp(op, Box::new(operand))))
    }

    fn await_expr(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        match self.kind() {
            ScopeKind::Func { is_async: true } => {}
            ScopeKind::Module => {
                return Err(self.err_at(
                    pos,
                    "'await' outside an async function; top-level await is not supported, \
                     so put the code in `async def main()` and run `asyncio.run(main())`",
                    "`await` 在异步函数之外；不支持在顶层 `await`，\
                     请把代码放进 `async def main()`，再运行 `asyncio.run(main())`",
                ));
            }
            _ => {
                return Err(self.err_at(
                    pos,
                    "'await' outside an async function (`async def`)",
                    "`await` 在异步函数（`async def`）之外",
                ));
            }
        }
        self.i += 1;
        if self.at_kw(Kw::Await) {
            return Err(self.err_at(
                self.pos(),
                "`await await` is not valid; await one thing at a time",
                "`await await` 无效；一次只能 `await` 一个对象",
            ));
        }
        let value = self.primary()?;
        Ok(expr(pos, ExprKind::Await(Box::new(value))))
    }

    fn yield_expr(&mut self) -> PResult<Expr> {
        let pos = self.bump().pos;
        if self.at_kw(Kw::From) {
            return Err(self.err_at(
                pos,
                "`yield from` is not supported; use a for loop with yield",
                "不支持 `yield from`；请用 `for` 循环加 `yield`",
            ));
        }
        if self.kind() == ScopeKind::Module {
            return Err(self.err_at(pos, "'yield' outside a function", "`yield` 在函数之外"));
        }
        self.scope().yields += 1;
        let value = if self.starts_expr() && !self.at_kw(Kw::Yield) {
            Some(Box::new(self.star_expressions()?))
        } else {
            None
        };
        Ok(expr(pos, ExprKind::Yield(value)))
    }

    /// An atom followed by calls, attributes and subscripts.
    fn primary(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        let mut chain = 0;
        loop {
            let pos = e.pos;
            if self.eat_op(".") {
                let name = self.expect_name("an attribute name after '.'", "`.` 后面的属性名")?;
                e = expr(pos, ExprKind::Attribute(Box::new(e), name));
            } else if self.at_op("(") {
                self.enter()?;
                let open = self.bump().pos;
                let args = self.call_args(open)?;
                self.leave(1);
                e = expr(pos, ExprKind::Call(Box::new(e), args));
            } else if self.at_op("[") {
                self.enter()?;
                self.i += 1;
                let index = self.subscript()?;
                self.expect_op("]", || {
                    ("expected ']' to close the subscript".into(), "下标应以 `]` 结束".into())
                })?;
                self.leave(1);
                e = expr(pos, ExprKind::Subscript(Box::new(e), Box::new(index)));
            } else {
                break;
            }
            self.enter()?;
            chain += 1;
        }
        self.leave(chain);
        Ok(e)
    }

    fn call_args(&mut self, open: Pos) -> PResult<Vec<Arg>> {
        let mut args = Vec::new();
        let mut seen_kw = false;
        let mut seen_starstar = false;
        let mut kw_names: Vec<Rc<str>> = Vec::new();
        loop {
            if self.at_op(")") {
                break;
            }
            let pos = self.pos();
            if self.eat_op("*") {
                if seen_starstar {
                    return Err(self.err_at(
                        pos,
                        "iterable argument unpacking ('*') follows keyword argument unpacking ('**')",
                        "可迭代对象解包（`*`）跟在了关键字参数解包（`**`）后面",
                    ));
                }
                args.push(Arg::Star(self.expression()?));
            } else if self.eat_op("**") {
                seen_starstar = true;
                args.push(Arg::StarStar(self.expression()?));
            } else if matches!(self.peek(), Tok::Name(_)) && matches!(self.peek_at(1), Tok::Op("=")) {
                let name = self.expect_name("a keyword", "关键字参数名")?;
                self.i += 1;
                if kw_names.contains(&name) {
                    return Err(self.err_at(
                        pos,
                        format!("keyword argument repeated: {name}"),
                        format!("关键字参数重复了：`{name}`"),
                    ));
                }
                kw_names.push(name.clone());
                seen_kw = true;
                args.push(Arg::Kw(name, self.expression()?));
            } else {
                let e = self.named_expression()?;
                if self.at_op("=") {
                    return Err(self.err_at(
                        self.pos(),
                        "a keyword argument must be a plain name, as in f(x=1); write '==' to compare",
                        "关键字参数必须是一个简单的名字，如 `f(x=1)`；比较请写 `==`",
                    ));
                }
                if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
                    let generators = self.comp_for()?;
                    let g = expr(
                        open,
                        ExprKind::Comp {
                            kind: CompKind::Generator,
                            elt: Box::new(e),
                            value: None,
                            generators,
                        },
                    );
                    if !args.is_empty() || !self.at_op(")") {
                        return Err(self.err_at(
                            g.pos,
                            "a generator expression must be in parentheses unless it is the only argument",
                            "生成器表达式除非是唯一的参数，否则必须放在括号里",
                        ));
                    }
                    args.push(Arg::Pos(g));
                    break;
                }
                if seen_starstar {
                    return Err(self.err_at(
                        pos,
                        "a positional argument follows keyword argument unpacking ('**')",
                        "位置参数跟在了关键字参数解包（`**`）后面",
                    ));
                }
                if seen_kw {
                    return Err(self.err_at(
                        pos,
                        "a positional argument follows a keyword argument",
                        "位置参数跟在了关键字参数后面",
                    ));
                }
                args.push(Arg::Pos(e));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")", || {
            (
                "expected ',' or ')' in the call's arguments (is a comma missing?)".into(),
                "调用的参数里应有 `,` 或 `)`（是不是少了逗号？）".into(),
            )
        })?;
        Ok(args)
    }

    /// What is between `[` and `]` after a value: an index, a slice, or a
    /// tuple of them.
    fn subscript(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            items.push(self.slice_item()?);
            if !self.eat_op(",") {
                break;
            }
            comma = true;
            if self.at_op("]") {
                break;
            }
        }
        if items.len() == 1
            && !comma
            && let Some(item) = items.pop()
        {
            return Ok(item);
        }
        Ok(expr(pos, ExprKind::Tuple(items)))
    }

    fn slice_item(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        let part = |p: &mut Self| -> PResult<Option<Box<Expr>>> {
            if p.at_op(":") || p.at_op(",") || p.at_op("]") {
                Ok(None)
            } else {
                Ok(Some(Box::new(p.expression()?)))
            }
        };
        let lo = if self.at_op(":") {
            None
        } else {
            Some(Box::new(self.named_expression()?))
        };
        if !self.eat_op(":") {
            return lo
                .map(|b| *b)
                .ok_or_else(|| self.fail("expected an index", "这里应有下标"));
        }
        let hi = part(self)?;
        let step = if self.eat_op(":") { part(self)? } else { None };
        Ok(expr(pos, ExprKind::Slice(lo, hi, step)))
    }

    fn atom(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Name(n) => ExprKind::Name(n.clone()),
            Tok::Int(v) => ExprKind::Const(Const::Int(*v)),
            Tok::Float(v) => ExprKind::Const(Const::Float(*v)),
            Tok::Kw(Kw::True) => ExprKind::Const(Const::Bool(true)),
            Tok::Kw(Kw::False) => ExprKind::Const(Const::Bool(false)),
            Tok::Kw(Kw::None) => ExprKind::Const(Const::None),
            Tok::Str(_) => return self.strings(),
            Tok::Op("(") => return self.paren(),
            Tok::Op("[") => return self.list(),
            Tok::Op("{") => return self.brace(),
            _ => return Err(self.atom_error()),
        };
        self.i += 1;
        Ok(expr(pos, kind))
    }

    /// Why the current token cannot start an expression (kept out of
    /// [`Parser::atom`] so that its frame, on every level of nesting,
    /// stays small).
    #[cold]
    #[inline(never)]
    fn atom_error(&self) -> SyntaxError {
        let pos = self.pos();
        match self.peek() {
            Tok::Kw(Kw::Yield) => self.err_at(
                pos,
                "a `yield` expression must be in parentheses here, as in `(yield x)`",
                "这里的 `yield` 表达式必须放在括号里，如 `(yield x)`",
            ),
            Tok::Kw(Kw::Lambda) => self.err_at(
                pos,
                "a lambda must be in parentheses here",
                "这里的 `lambda` 必须放在括号里",
            ),
            Tok::Kw(Kw::Await) => self.err_at(
                pos,
                "an `await` must be in parentheses here, as in `(await x)`",
                "这里的 `await` 必须放在括号里，如 `(await x)`",
            ),
            Tok::Op("*") => self.err_at(
                pos,
                "a starred expression ('*x') cannot be used here",
                "这里不能用带星号的表达式（`*x`）",
            ),
            // `a && b` and `a || b` reach here at the second `&` or `|`.
            Tok::Op(op @ ("&" | "|")) if self.i > 0 && self.toks[self.i - 1].end == pos => {
                let word = if *op == "&" { "and" } else { "or" };
                self.err_at(
                    self.toks[self.i - 1].pos,
                    format!("'{op}{op}' is not an operator in Python; write `{word}`"),
                    format!("`{op}{op}` 在 Python 里不是运算符；请写 `{word}`"),
                )
            }
            tok => self.fail(
                format!("expected an expression, found {}", describe(tok)),
                format!("这里应是表达式，却是{}", sp(&describe_zh(tok))),
            ),
        }
    }

    /// Adjacent string literals, joined; an f-string among them makes the
    /// whole an f-string.
    fn strings(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        let mut fstring = false;
        let mut parts: Vec<FPart> = Vec::new();
        let mut text = String::new();
        while matches!(self.peek(), Tok::Str(_)) {
            let Tok::Str(lit) = self.bump().tok else { break };
            fstring |= lit.fstring;
            for part in lit.parts {
                match part {
                    StrPart::Lit(s) => text.push_str(&s),
                    StrPart::Field(field) => {
                        if !text.is_empty() {
                            parts.push(FPart::Lit(std::mem::take(&mut text).into()));
                        }
                        parts.push(self.fstring_field(field)?);
                    }
                }
            }
        }
        if !fstring {
            return Ok(expr(pos, ExprKind::Const(Const::Str(text.into()))));
        }
        if !text.is_empty() {
            parts.push(FPart::Lit(text.into()));
        }
        Ok(expr(pos, ExprKind::FString(parts)))
    }

    /// Parses an f-string field's expression from its text.
    fn fstring_field(&mut self, field: Field) -> PResult<FPart> {
        let toks = Lexer::field_tokens(self.src, field.start, field.end);
        let saved_toks = std::mem::replace(&mut self.toks, toks);
        let saved_i = std::mem::replace(&mut self.i, 0);
        let result = self.fstring_expr();
        self.toks = saved_toks;
        self.i = saved_i;
        let e = result?;
        Ok(FPart::Expr {
            expr: Box::new(e),
            conv: field.conv,
            spec: field.spec.map(Rc::from),
            debug: field.debug.map(Rc::from),
        })
    }

    fn fstring_expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.star_expressions_or_yield()?;
        if !matches!(self.peek(), Tok::Eof) {
            return Err(self.fail(
                format!(
                    "unexpected {} in the f-string field; a field holds one expression",
                    describe(self.peek())
                ),
                format!(
                    "f 字符串的字段里出现了意外的{}；一个字段只能有一个表达式",
                    sp(&describe_zh(self.peek()))
                ),
            ));
        }
        self.leave(1);
        Ok(e)
    }

    /// `(...)`: a parenthesized expression, a tuple, a generator
    /// expression or a `yield`.
    fn paren(&mut self) -> PResult<Expr> {
        self.enter()?;
        let pos = self.bump().pos;
        if self.at_op(")") || self.at_kw(Kw::Yield) {
            return self.paren_empty_or_yield(pos);
        }
        let yields_before = self.scopes.last().map_or(0, |s| s.yields);
        let first = self.star_or_named()?;
        self.paren_rest(pos, first, yields_before)
    }

    /// `()` or `(yield ...)`, after `(`.
    fn paren_empty_or_yield(&mut self, pos: Pos) -> PResult<Expr> {
        let result = if self.eat_op(")") {
            expr(pos, ExprKind::Tuple(Vec::new()))
        } else {
            let y = self.yield_expr()?;
            self.expect_op(")", || {
                (
                    "expected ')' after the `yield` expression".into(),
                    "`yield` 表达式后面应有 `)`".into(),
                )
            })?;
            y
        };
        self.leave(1);
        Ok(result)
    }

    /// What follows the first item in parentheses: a generator
    /// expression, a tuple, or `)`.
    fn paren_rest(&mut self, pos: Pos, first: Expr, yields_before: u32) -> PResult<Expr> {
        let result = if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            self.comprehension(pos, CompKind::Generator, first, None, yields_before)?
        } else if self.at_op(",") {
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.at_op(")") {
                    break;
                }
                items.push(self.star_or_named()?);
            }
            expr(pos, ExprKind::Tuple(items))
        } else {
            if let ExprKind::Starred(_) = first.kind {
                return Err(self.err_at(
                    first.pos,
                    "a starred expression cannot be used here",
                    "这里不能用带星号的表达式",
                ));
            }
            first
        };
        self.expect_op(")", || {
            (
                "expected ',' or ')' (is a comma missing?)".to_string(),
                "这里应有 `,` 或 `)`（是不是少了逗号？）".to_string(),
            )
        })?;
        self.leave(1);
        Ok(result)
    }

    fn list(&mut self) -> PResult<Expr> {
        self.enter()?;
        let pos = self.bump().pos;
        if self.at_op("]") {
            return self.close(expr(pos, ExprKind::List(Vec::new())), "]");
        }
        let yields_before = self.scopes.last().map_or(0, |s| s.yields);
        let first = self.star_or_named()?;
        self.list_rest(pos, first, yields_before)
    }

    /// A list display or comprehension after its first item.
    fn list_rest(&mut self, pos: Pos, first: Expr, yields_before: u32) -> PResult<Expr> {
        let result = if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            self.comprehension(pos, CompKind::List, first, None, yields_before)?
        } else {
            let items = self.more_items(first, "]")?;
            expr(pos, ExprKind::List(items))
        };
        self.close(result, "]")
    }

    /// The items after `first` in a display, up to (not past) `close`.
    fn more_items(&mut self, first: Expr, close: &str) -> PResult<Vec<Expr>> {
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_op(close) {
                break;
            }
            items.push(self.star_or_named()?);
        }
        Ok(items)
    }

    /// Expects the closing bracket of a display and returns `e`.
    fn close(&mut self, e: Expr, close: &str) -> PResult<Expr> {
        if !self.eat_op(close) {
            return Err(self.fail(
                format!("expected ',' or '{close}' (is a comma missing?)"),
                format!("这里应有 `,` 或 `{close}`（是不是少了逗号？）"),
            ));
        }
        self.leave(1);
        Ok(e)
    }

    /// `{...}`: a dict or set display or comprehension.
    fn brace(&mut self) -> PResult<Expr> {
        self.enter()?;
        let pos = self.bump().pos;
        if self.at_op("}") || self.at_op("**") {
            let items = if self.at_op("**") {
                self.dict_items(pos, Vec::new())?
            } else {
                expr(pos, ExprKind::Dict(Vec::new()))
            };
            return self.close(items, "}");
        }
        let yields_before = self.scopes.last().map_or(0, |s| s.yields);
        let first = self.star_or_named()?;
        let result = if self.at_op(":") {
            self.dict_rest(pos, first, yields_before)?
        } else if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            self.comprehension(pos, CompKind::Set, first, None, yields_before)?
        } else {
            let items = self.more_items(first, "}")?;
            expr(pos, ExprKind::Set(items))
        };
        self.close(result, "}")
    }

    /// A dict display or comprehension after its first key, at `:`.
    fn dict_rest(&mut self, pos: Pos, key: Expr, yields_before: u32) -> PResult<Expr> {
        self.i += 1;
        if let ExprKind::Starred(_) = key.kind {
            return Err(self.err_at(
                key.pos,
                "a starred expression cannot be a dict key; use '**' to merge",
                "带星号的表达式不能作字典的键；合并字典请用 `**`",
            ));
        }
        let value = self.expression()?;
        if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            self.comprehension(pos, CompKind::Dict, key, Some(value), yields_before)
        } else {
            self.dict_items(pos, vec![(Some(key), value)])
        }
    }

    /// The rest of a dict display after `items` (at `,`, `}` or, when
    /// `items` is empty, at `**`).
    fn dict_items(&mut self, pos: Pos, mut items: Vec<(Option<Expr>, Expr)>) -> PResult<Expr> {
        loop {
            if !items.is_empty() && (!self.eat_op(",") || self.at_op("}")) {
                break;
            }
            if self.eat_op("**") {
                items.push((None, self.binary(P_BITOR)?));
            } else {
                let key = self.expression()?;
                if !self.eat_op(":") {
                    return Err(self.fail("expected ':' after the dict key", "字典的键后面应有 `:`"));
                }
                items.push((Some(key), self.expression()?));
            }
        }
        Ok(expr(pos, ExprKind::Dict(items)))
    }

    /// The `for` clauses after a comprehension's element.
    fn comprehension(
        &mut self,
        pos: Pos,
        kind: CompKind,
        elt: Expr,
        value: Option<Expr>,
        yields_before: u32,
    ) -> PResult<Expr> {
        if self.scopes.last().map_or(0, |s| s.yields) != yields_before {
            return Err(self.err_at(
                elt.pos,
                "'yield' cannot be used inside a comprehension",
                "推导式里不能用 `yield`",
            ));
        }
        if let ExprKind::Starred(_) = elt.kind {
            return Err(self.err_at(
                elt.pos,
                "a starred expression cannot be a comprehension's element",
                "带星号的表达式不能作推导式的元素",
            ));
        }
        let generators = self.comp_for()?;
        Ok(expr(
            pos,
            ExprKind::Comp {
                kind,
                elt: Box::new(elt),
                value: value.map(Box::new),
                generators,
            },
        ))
    }

    fn comp_for(&mut self) -> PResult<Vec<Comprehension>> {
        let mut generators = Vec::new();
        loop {
            let is_async = self.at_kw(Kw::Async);
            if is_async {
                if self.kind() != (ScopeKind::Func { is_async: true }) {
                    return Err(self.err_at(
                        self.pos(),
                        "an asynchronous comprehension ('async for') outside an async function",
                        "异步推导式（`async for`）在异步函数之外",
                    ));
                }
                self.i += 1;
            }
            if !self.eat_kw(Kw::For) {
                if is_async {
                    return Err(self.fail("expected 'for' after 'async'", "`async` 后面应有 `for`"));
                }
                break;
            }
            let target = self.for_targets()?;
            if !self.eat_kw(Kw::In) {
                return Err(self.fail(
                    "expected 'in' after the loop variables of the comprehension",
                    "推导式的循环变量后面应有 `in`",
                ));
            }
            let yields_before = self.scopes.last().map_or(0, |s| s.yields);
            let iter = self.binary(P_OR)?;
            let mut ifs = Vec::new();
            while self.eat_kw(Kw::If) {
                ifs.push(self.binary(P_OR)?);
            }
            if self.scopes.last().map_or(0, |s| s.yields) != yields_before {
                return Err(self.err_at(
                    iter.pos,
                    "'yield' cannot be used inside a comprehension",
                    "推导式里不能用 `yield`",
                ));
            }
            generators.push(Comprehension {
                target,
                iter,
                ifs,
                is_async,
            });
        }
        Ok(generators)
    }
}
