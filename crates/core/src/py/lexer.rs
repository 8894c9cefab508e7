//! The composer's lexer: source text to tokens, with Python's rules for
//! indentation (`Indent` and `Dedent` tokens), implicit line joining
//! inside brackets, backslash continuation, comments, numbers and string
//! literals (f-strings are split into literal text and fields here; the
//! parser parses each field's expression from its text).
//!
//! The lexer never stops the parser early: when it finds an error it emits
//! a [`Tok::Error`] token and ends, so the parser reports whichever error
//! comes first in the program.

use std::rc::Rc;

use super::ast::{Pos, SyntaxError};

/// How deep brackets, indented blocks and expressions may nest.
pub(crate) const MAX_DEPTH: usize = 100;

/// The message for input nested deeper than [`MAX_DEPTH`], in English and
/// in Chinese.
pub(crate) fn too_deep() -> (String, String) {
    (
        format!("too deeply nested (the limit is {MAX_DEPTH})"),
        format!("嵌套太深（上限是 {MAX_DEPTH} 层）"),
    )
}

/// Python's keywords (the soft keywords `match`, `case` and `type` are
/// names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
}

impl Kw {
    fn from_word(word: &str) -> Option<Kw> {
        Some(match word {
            "False" => Kw::False,
            "None" => Kw::None,
            "True" => Kw::True,
            "and" => Kw::And,
            "as" => Kw::As,
            "assert" => Kw::Assert,
            "async" => Kw::Async,
            "await" => Kw::Await,
            "break" => Kw::Break,
            "class" => Kw::Class,
            "continue" => Kw::Continue,
            "def" => Kw::Def,
            "del" => Kw::Del,
            "elif" => Kw::Elif,
            "else" => Kw::Else,
            "except" => Kw::Except,
            "finally" => Kw::Finally,
            "for" => Kw::For,
            "from" => Kw::From,
            "global" => Kw::Global,
            "if" => Kw::If,
            "import" => Kw::Import,
            "in" => Kw::In,
            "is" => Kw::Is,
            "lambda" => Kw::Lambda,
            "nonlocal" => Kw::Nonlocal,
            "not" => Kw::Not,
            "or" => Kw::Or,
            "pass" => Kw::Pass,
            "raise" => Kw::Raise,
            "return" => Kw::Return,
            "try" => Kw::Try,
            "while" => Kw::While,
            "with" => Kw::With,
            "yield" => Kw::Yield,
            _ => return None,
        })
    }

    /// The keyword as written.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kw::False => "False",
            Kw::None => "None",
            Kw::True => "True",
            Kw::And => "and",
            Kw::As => "as",
            Kw::Assert => "assert",
            Kw::Async => "async",
            Kw::Await => "await",
            Kw::Break => "break",
            Kw::Class => "class",
            Kw::Continue => "continue",
            Kw::Def => "def",
            Kw::Del => "del",
            Kw::Elif => "elif",
            Kw::Else => "else",
            Kw::Except => "except",
            Kw::Finally => "finally",
            Kw::For => "for",
            Kw::From => "from",
            Kw::Global => "global",
            Kw::If => "if",
            Kw::Import => "import",
            Kw::In => "in",
            Kw::Is => "is",
            Kw::Lambda => "lambda",
            Kw::Nonlocal => "nonlocal",
            Kw::Not => "not",
            Kw::Or => "or",
            Kw::Pass => "pass",
            Kw::Raise => "raise",
            Kw::Return => "return",
            Kw::Try => "try",
            Kw::While => "while",
            Kw::With => "with",
            Kw::Yield => "yield",
        }
    }
}

/// One `{expr!conv:spec}` field of an f-string, its expression still text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Field {
    /// Where the expression's text starts (an index into the characters).
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
    /// `!r`, `!s` or `!a` (`r` for a `{x=}` without conversion or spec).
    pub conv: Option<char>,
    /// The format spec.
    pub spec: Option<String>,
    /// `{x=}`: the expression's text up to and including `=` and the
    /// spaces after it.
    pub debug: Option<String>,
}

/// A piece of a string literal.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StrPart {
    /// Text, escapes resolved.
    Lit(String),
    /// An f-string field.
    Field(Field),
}

/// One string literal (adjacent literals are joined by the parser).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StrLit {
    /// It had an `f` prefix.
    pub fstring: bool,
    /// Its pieces, in order.
    pub parts: Vec<StrPart>,
}

/// A token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Name(Rc<str>),
    Kw(Kw),
    Int(i64),
    Float(f64),
    Str(StrLit),
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
    /// Lexing stopped here with this error.
    Error(Box<SyntaxError>),
}

/// A token, where it starts and where it ends (just past its last
/// character).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: Pos,
    pub end: Pos,
}

/// The source as characters, with the index each line starts at.
#[derive(Debug)]
pub(crate) struct Source {
    pub chars: Vec<char>,
    line_starts: Vec<usize>,
}

impl Source {
    /// The characters of `text` (a `\r` before `\n` dropped).
    pub(crate) fn new(text: &str) -> Source {
        let mut chars = Vec::with_capacity(text.len());
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\r' && it.peek() == Some(&'\n') {
                continue;
            }
            chars.push(c);
        }
        let mut line_starts = vec![0];
        line_starts.extend(
            chars
                .iter()
                .enumerate()
                .filter(|(_, c)| **c == '\n')
                .map(|(i, _)| i + 1),
        );
        Source { chars, line_starts }
    }

    /// The position of the character at `index` (or of the end).
    pub(crate) fn pos(&self, index: usize) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= index);
        let start = self.line_starts[line.saturating_sub(1)];
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(index - start + 1).unwrap_or(u32::MAX),
        }
    }
}

/// Operators, longest first within each first character.
const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "@=", ":=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]",
    "{", "}", ",", ":", ".", ";", "=",
];

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Turns a source (or the text of one f-string field) into tokens.
pub(crate) struct Lexer<'a> {
    src: &'a Source,
    i: usize,
    end: usize,
    toks: Vec<Token>,
    /// Open brackets and where they are.
    brackets: Vec<(char, usize)>,
    /// The indentation stack: columns with tabs to multiples of 8, and
    /// with tabs as one column (the two must agree on every comparison).
    indents: Vec<(usize, usize)>,
    at_line_start: bool,
    /// The text of an f-string field: no lines, no indentation.
    field: bool,
}

type LexResult<T> = Result<T, SyntaxError>;

impl<'a> Lexer<'a> {
    /// The tokens of the whole source.
    pub(crate) fn tokens(src: &'a Source) -> Vec<Token> {
        Lexer::run(src, 0, src.chars.len(), false)
    }

    /// The tokens of the f-string field text `start..end`.
    pub(crate) fn field_tokens(src: &'a Source, start: usize, end: usize) -> Vec<Token> {
        Lexer::run(src, start, end, true)
    }

    fn run(src: &'a Source, start: usize, end: usize, field: bool) -> Vec<Token> {
        let mut lexer = Lexer {
            src,
            i: start,
            end,
            toks: Vec::new(),
            brackets: Vec::new(),
            indents: vec![(0, 0)],
            at_line_start: !field,
            field,
        };
        if let Err(e) = lexer.lex_all() {
            let pos = e.pos;
            lexer.toks.push(Token {
                tok: Tok::Error(Box::new(e)),
                pos,
                end: pos,
            });
        }
        lexer.toks
    }

    fn pos(&self, index: usize) -> Pos {
        self.src.pos(index)
    }

    /// An error at `index`, in English and in Chinese.
    fn err<T>(&self, index: usize, message: impl Into<String>, message_zh: impl Into<String>) -> LexResult<T> {
        Err(SyntaxError::new(self.pos(index), message, message_zh))
    }

    /// The error for input nested too deep, at `index`.
    fn too_deep<T>(&self, index: usize) -> LexResult<T> {
        let (en, zh) = too_deep();
        self.err(index, en, zh)
    }

    fn ch(&self, index: usize) -> Option<char> {
        if index < self.end {
            Some(self.src.chars[index])
        } else {
            None
        }
    }

    fn push(&mut self, tok: Tok, start: usize, end: usize) {
        let (pos, end) = (self.pos(start), self.pos(end));
        self.toks.push(Token { tok, pos, end });
    }

    fn line_has_tokens(&self) -> bool {
        !matches!(
            self.toks.last().map(|t| &t.tok),
            None | Some(Tok::Newline | Tok::Indent | Tok::Dedent)
        )
    }

    fn lex_all(&mut self) -> LexResult<()> {
        loop {
            if self.at_line_start && self.brackets.is_empty() {
                if !self.indentation()? {
                    continue;
                }
                if self.i >= self.end {
                    break;
                }
            }
            while let Some(' ' | '\t' | '\x0c' | '\r') = self.ch(self.i) {
                self.i += 1;
            }
            let Some(c) = self.ch(self.i) else { break };
            let start = self.i;
            match c {
                '\n' => {
                    self.i += 1;
                    if self.brackets.is_empty() && !self.field {
                        if self.line_has_tokens() {
                            self.push(Tok::Newline, start, start);
                        }
                        self.at_line_start = true;
                    }
                }
                '#' => {
                    if self.field {
                        return self.err(
                            start,
                            "'#' is not allowed inside an f-string expression",
                            "f 字符串的表达式里不能有 `#`",
                        );
                    }
                    while let Some(c) = self.ch(self.i) {
                        if c == '\n' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                '\\' => match self.ch(self.i + 1) {
                    Some('\n') => self.i += 2,
                    None => {
                        return self.err(
                            start,
                            "unexpected end of file after a line continuation character '\\'",
                            "续行符 `\\` 之后程序意外结束",
                        );
                    }
                    Some(_) => {
                        return self.err(
                            start,
                            "unexpected character after the line continuation character '\\'; \
                             a backslash continues a line only as its last character",
                            "续行符 `\\` 之后有意外的字符；反斜杠只有作为一行的最后一个字符才能续行",
                        );
                    }
                },
                '"' | '\'' => self.string(start, "")?,
                c if c.is_ascii_digit() => self.number()?,
                '.' if self.ch(self.i + 1).is_some_and(|c| c.is_ascii_digit()) => self.number()?,
                c if is_ident_start(c) => {
                    while self.ch(self.i).is_some_and(is_ident_continue) {
                        self.i += 1;
                    }
                    let word: String = self.src.chars[start..self.i].iter().collect();
                    let is_prefix = self.i - start <= 2
                        && matches!(self.ch(self.i), Some('"' | '\''))
                        && matches!(
                            word.to_ascii_lowercase().as_str(),
                            "r" | "u" | "b" | "br" | "rb" | "f" | "fr" | "rf"
                        );
                    if is_prefix {
                        self.string(start, &word.to_ascii_lowercase())?;
                    } else if let Some(kw) = Kw::from_word(&word) {
                        self.push(Tok::Kw(kw), start, self.i);
                    } else {
                        self.push(Tok::Name(word.into()), start, self.i);
                    }
                }
                '\0' => {
                    return self.err(
                        start,
                        "the program cannot contain NUL characters",
                        "程序里不能有空字符（U+0000）",
                    );
                }
                _ => self.op(start, c)?,
            }
        }
        if let Some(&(b, at)) = self.brackets.last() {
            return self.err(at, format!("'{b}' was never closed"), format!("`{b}` 没有闭合"));
        }
        let end = self.end;
        if !self.field {
            if self.line_has_tokens() {
                self.push(Tok::Newline, end, end);
            }
            for _ in 1..self.indents.len() {
                self.push(Tok::Dedent, end, end);
            }
        }
        self.push(Tok::Eof, end, end);
        Ok(())
    }

    /// At the start of a line: measures its indentation and emits `Indent`
    /// or `Dedent` tokens. Returns false for a blank or comment-only line
    /// (skipped).
    fn indentation(&mut self) -> LexResult<bool> {
        let (mut col, mut alt) = (0usize, 0usize);
        let mut j = self.i;
        while let Some(c) = self.ch(j) {
            match c {
                ' ' => {
                    col += 1;
                    alt += 1;
                }
                '\t' => {
                    col = (col / 8 + 1) * 8;
                    alt += 1;
                }
                '\x0c' => {
                    col = 0;
                    alt = 0;
                }
                '\r' => {}
                _ => break,
            }
            j += 1;
        }
        match self.ch(j) {
            None => {
                self.i = j;
                self.at_line_start = false;
                return Ok(true);
            }
            Some('\n') => {
                self.i = j + 1;
                return Ok(false);
            }
            Some('#') => {
                while self.ch(j).is_some_and(|c| c != '\n') {
                    j += 1;
                }
                self.i = j;
                return Ok(false);
            }
            Some(_) => {}
        }
        self.i = j;
        self.at_line_start = false;
        let inconsistent = "inconsistent use of tabs and spaces in indentation; indent with spaces only";
        let inconsistent_zh = "缩进里混用了制表符和空格；请只用空格缩进";
        let &(top, top_alt) = self.indents.last().unwrap_or(&(0, 0));
        if col == top {
            if alt != top_alt {
                return self.err(j, inconsistent, inconsistent_zh);
            }
        } else if col > top {
            if alt <= top_alt {
                return self.err(j, inconsistent, inconsistent_zh);
            }
            if self.indents.len() > MAX_DEPTH {
                return self.too_deep(j);
            }
            self.indents.push((col, alt));
            self.push(Tok::Indent, j, j);
        } else {
            while self.indents.last().is_some_and(|&(c, _)| col < c) {
                self.indents.pop();
                self.push(Tok::Dedent, j, j);
            }
            match self.indents.last() {
                Some(&(c, a)) if c == col => {
                    if a != alt {
                        return self.err(j, inconsistent, inconsistent_zh);
                    }
                }
                _ => {
                    return self.err(
                        j,
                        "unindent does not match any outer indentation level",
                        "减少缩进后的位置与外层的任何缩进级别都对不上",
                    );
                }
            }
        }
        Ok(true)
    }

    fn op(&mut self, start: usize, c: char) -> LexResult<()> {
        let Some(op) = OPS
            .iter()
            .copied()
            .find(|op| op.chars().enumerate().all(|(k, oc)| self.ch(start + k) == Some(oc)))
        else {
            return match c {
                '!' => self.err(
                    start,
                    "'!' is not an operator in Python; write `not x`, or `!=` to compare",
                    "`!` 在 Python 里不是运算符；请写 `not x`，比较时写 `!=`",
                ),
                '$' | '?' | '`' => self.err(start, format!("invalid character '{c}'"), format!("无效的字符 '{c}'")),
                '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' => self.err(
                    start,
                    format!(
                        "invalid character '{c}' (U+{:04X}); write strings with plain ' or \" quotes",
                        c as u32
                    ),
                    format!("无效的字符 '{c}'（U+{:04X}）；字符串请用普通的 ' 或 \" 引号", c as u32),
                ),
                c if c.is_control() || c.is_whitespace() => self.err(
                    start,
                    format!("invalid non-printable character U+{:04X}", c as u32),
                    format!("无效的不可打印字符 U+{:04X}", c as u32),
                ),
                c => self.err(
                    start,
                    format!("invalid character '{c}' (U+{:04X})", c as u32),
                    format!("无效的字符 '{c}'（U+{:04X}）", c as u32),
                ),
            };
        };
        let len = op.chars().count();
        match op {
            "(" | "[" | "{" => {
                if self.brackets.len() >= MAX_DEPTH {
                    return self.too_deep(start);
                }
                self.brackets.push((c, start));
            }
            ")" | "]" | "}" => {
                let Some((open, at)) = self.brackets.pop() else {
                    return self.err(
                        start,
                        format!("unmatched '{c}'"),
                        format!("多余的 `{c}`：前面没有与它配对的括号"),
                    );
                };
                let expected = match open {
                    '(' => ')',
                    '[' => ']',
                    _ => '}',
                };
                if c != expected {
                    let (p, here) = (self.pos(at), self.pos(start));
                    let (on, on_zh) = if p.line == here.line {
                        (String::new(), String::new())
                    } else {
                        (format!(" on line {}", p.line), format!("第 {} 行的", p.line))
                    };
                    return self.err(
                        start,
                        format!("closing bracket '{c}' does not match the opening bracket '{open}'{on}"),
                        format!("右括号 `{c}` 与{on_zh}左括号 `{open}` 不配对"),
                    );
                }
            }
            _ => {}
        }
        self.i = start + len;
        self.push(Tok::Op(op), start, self.i);
        Ok(())
    }

    /// A number: decimal, hexadecimal, octal or binary integers, floats.
    fn number(&mut self) -> LexResult<()> {
        let start = self.i;
        let invalid = |lexer: &Self, what: &str| {
            let zh = match what {
                "hexadecimal" => "十六进制",
                "octal" => "八进制",
                "binary" => "二进制",
                _ => "十进制",
            };
            lexer.err(start, format!("invalid {what} literal"), format!("无效的{zh}数字"))
        };
        let radix = match (self.ch(start), self.ch(start + 1)) {
            (Some('0'), Some('x' | 'X')) => 16,
            (Some('0'), Some('o' | 'O')) => 8,
            (Some('0'), Some('b' | 'B')) => 2,
            _ => 10,
        };
        let mut digits = String::new();
        if radix != 10 {
            let what = match radix {
                16 => "hexadecimal",
                8 => "octal",
                _ => "binary",
            };
            self.i += 2;
            // One underscore may follow the prefix; otherwise underscores
            // go only between digits.
            let mut prev_underscore = false;
            let mut first = true;
            while let Some(c) = self.ch(self.i) {
                if c == '_' {
                    if prev_underscore || (digits.is_empty() && !first) {
                        return invalid(self, what);
                    }
                    prev_underscore = true;
                } else if c.is_digit(radix) {
                    digits.push(c);
                    prev_underscore = false;
                } else if c.is_ascii_alphanumeric() {
                    return invalid(self, what);
                } else {
                    break;
                }
                first = false;
                self.i += 1;
            }
            if digits.is_empty() || prev_underscore {
                return invalid(self, what);
            }
            let value = u128::from_str_radix(&digits, radix).ok();
            return self.int_token(start, value);
        }
        let mut is_float = false;
        self.decimal_digits(&mut digits)?;
        if self.ch(self.i) == Some('.') {
            is_float = true;
            digits.push('.');
            self.i += 1;
            if self.ch(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.decimal_digits(&mut digits)?;
            }
        }
        if let Some('e' | 'E') = self.ch(self.i) {
            let sign = matches!(self.ch(self.i + 1), Some('+' | '-'));
            let digit_at = self.i + 1 + usize::from(sign);
            if self.ch(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                digits.push('e');
                if sign {
                    digits.extend(self.ch(self.i + 1));
                }
                self.i = digit_at;
                self.decimal_digits(&mut digits)?;
            }
        }
        if let Some('j' | 'J') = self.ch(self.i) {
            return self.err(
                start,
                "complex numbers are not supported in the composer",
                "编写器不支持复数",
            );
        }
        if self.ch(self.i).is_some_and(is_ident_continue) {
            // `1if x else 2` is Python; `1abc` is not.
            let mut j = self.i;
            while self.ch(j).is_some_and(is_ident_continue) {
                j += 1;
            }
            let word: String = self.src.chars[self.i..j].iter().collect();
            if Kw::from_word(&word).is_none() {
                return invalid(self, "decimal");
            }
        }
        if is_float {
            let value: f64 = digits
                .parse()
                .map_err(|_| SyntaxError::new(self.pos(start), "invalid float literal", "无效的浮点数"))?;
            self.push(Tok::Float(value), start, self.i);
            return Ok(());
        }
        if digits.len() > 1 && digits.starts_with('0') && digits.chars().any(|c| c != '0') {
            return self.err(
                start,
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                "十进制整数不能以 0 开头；八进制整数请加 `0o` 前缀",
            );
        }
        let value = digits.parse::<u128>().ok();
        self.int_token(start, value)
    }

    fn int_token(&mut self, start: usize, value: Option<u128>) -> LexResult<()> {
        match value.and_then(|v| i64::try_from(v).ok()) {
            Some(v) => {
                self.push(Tok::Int(v), start, self.i);
                Ok(())
            }
            None => self.err(
                start,
                "integer literal too large: the composer's integers are 64-bit (at most 9223372036854775807)",
                "整数太大：编写器的整数是 64 位的（最大 9223372036854775807）",
            ),
        }
    }

    /// Decimal digits with underscores between them.
    fn decimal_digits(&mut self, out: &mut String) -> LexResult<()> {
        let mut prev_underscore = false;
        let mut any = false;
        while let Some(c) = self.ch(self.i) {
            if c == '_' {
                if prev_underscore || !any {
                    return self.err(self.i, "invalid decimal literal", "无效的十进制数字");
                }
                prev_underscore = true;
            } else if c.is_ascii_digit() {
                out.push(c);
                prev_underscore = false;
                any = true;
            } else {
                break;
            }
            self.i += 1;
        }
        if prev_underscore {
            return self.err(self.i - 1, "invalid decimal literal", "无效的十进制数字");
        }
        Ok(())
    }

    /// A string literal; `start` is where its prefix (`prefix`, lowercase)
    /// starts, `self.i` is at the opening quote.
    fn string(&mut self, start: usize, prefix: &str) -> LexResult<()> {
        let raw = prefix.contains('r');
        let fstring = prefix.contains('f');
        let Some(quote) = self.ch(self.i) else {
            return self.err(start, "unterminated string literal", "字符串没有结束");
        };
        let triple = self.ch(self.i + 1) == Some(quote) && self.ch(self.i + 2) == Some(quote);
        let body_start = self.i + if triple { 3 } else { 1 };
        let fstring_end = if fstring {
            self.fstring_end(body_start, quote, triple)
        } else {
            None
        };
        let body_end = match fstring_end {
            Some(end) => end,
            None => self.string_end(start, body_start, quote, triple)?,
        };
        self.i = body_end + if triple { 3 } else { 1 };
        let parts = if fstring {
            self.fstring_parts(body_start, body_end, raw)?
        } else {
            let mut text = String::new();
            let mut k = body_start;
            while k < body_end {
                k = self.literal_char(k, body_end, raw, &mut text)?;
            }
            vec![StrPart::Lit(text)]
        };
        self.push(Tok::Str(StrLit { fstring, parts }), start, self.i);
        Ok(())
    }

    /// Where a string's body (from `body_start`) ends: the first closing
    /// quote not escaped by a backslash.
    fn string_end(&self, start: usize, body_start: usize, quote: char, triple: bool) -> LexResult<usize> {
        let unterminated = "unterminated string literal; a string in ' or \" ends on its line \
                            (use triple quotes for several lines)";
        let unterminated_zh = "字符串没有结束；用 ' 或 \" 括起的字符串必须在同一行结束（多行请用三引号）";
        let mut j = body_start;
        loop {
            let Some(c) = self.ch(j) else {
                let (what, what_zh) = if triple {
                    ("unterminated triple-quoted string literal", "三引号字符串没有结束")
                } else {
                    (unterminated, unterminated_zh)
                };
                return self.err(start, what, what_zh);
            };
            match c {
                '\\' => j += 2,
                '\n' if !triple => return self.err(start, unterminated, unterminated_zh),
                c if c == quote => {
                    if !triple || (self.ch(j + 1) == Some(quote) && self.ch(j + 2) == Some(quote)) {
                        return Ok(j);
                    }
                    j += 1;
                }
                _ => j += 1,
            }
        }
    }

    /// Where an f-string's body ends when its fields may hold strings in
    /// the same quote, as Python 3.12 allows (`f"{d["k"]}"`); `None` when
    /// that reading fails, and [`Lexer::string_end`]'s reading (the first
    /// closing quote) then reports the error. For every f-string older
    /// Pythons accept, both readings agree.
    fn fstring_end(&self, body_start: usize, quote: char, triple: bool) -> Option<usize> {
        let closes = |j: usize, q: char, t: bool| {
            self.ch(j) == Some(q) && (!t || (self.ch(j + 1) == Some(q) && self.ch(j + 2) == Some(q)))
        };
        let mut j = body_start;
        // Bracket depth inside a field; 0 outside fields.
        let mut depth = 0usize;
        let mut in_spec = false;
        loop {
            let c = self.ch(j)?;
            if c == '\n' && !triple {
                return None;
            }
            if depth == 0 {
                match c {
                    '\\' => j += 2,
                    '{' | '}' if self.ch(j + 1) == Some(c) => j += 2,
                    '{' => {
                        depth = 1;
                        j += 1;
                    }
                    '}' => return None,
                    _ if closes(j, quote, triple) => return Some(j),
                    _ => j += 1,
                }
                continue;
            }
            match c {
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => {
                    depth -= 1;
                    if depth == 0 {
                        in_spec = false;
                    }
                }
                ':' if depth == 1 => in_spec = true,
                '\'' | '"' if !in_spec => {
                    let t = self.ch(j + 1) == Some(c) && self.ch(j + 2) == Some(c);
                    j += if t { 3 } else { 1 };
                    loop {
                        match self.ch(j)? {
                            '\\' => j += 2,
                            '\n' if !t => return None,
                            _ if closes(j, c, t) => break,
                            _ => j += 1,
                        }
                    }
                    j += if t { 3 } else { 1 };
                    continue;
                }
                _ => {}
            }
            j += 1;
        }
    }

    /// Appends the character at `k` (or the escape starting there) to
    /// `out`; returns the index after it.
    fn literal_char(&self, k: usize, end: usize, raw: bool, out: &mut String) -> LexResult<usize> {
        let c = self.src.chars[k];
        if c != '\\' || raw || k + 1 >= end {
            out.push(c);
            // In a raw string a backslash still keeps the next character
            // (a quote) from ending the string; both stay.
            if c == '\\' && raw && k + 1 < end {
                out.push(self.src.chars[k + 1]);
                return Ok(k + 2);
            }
            return Ok(k + 1);
        }
        let e = self.src.chars[k + 1];
        let simple = match e {
            '\n' => return Ok(k + 2),
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            return Ok(k + 2);
        }
        match e {
            '0'..='7' => {
                let mut value = 0u32;
                let mut j = k + 1;
                while j < end && j < k + 4 && self.src.chars[j].is_digit(8) {
                    value = value * 8 + self.src.chars[j].to_digit(8).unwrap_or(0);
                    j += 1;
                }
                out.extend(char::from_u32(value));
                Ok(j)
            }
            'x' | 'u' | 'U' => {
                let (n, what, what_zh) = match e {
                    'x' => (
                        2,
                        "a \\x escape needs exactly 2 hex digits, as in \\x41",
                        "`\\x` 转义需要正好 2 个十六进制数字，如 `\\x41`",
                    ),
                    'u' => (
                        4,
                        "a \\u escape needs exactly 4 hex digits, as in \\u00e9",
                        "`\\u` 转义需要正好 4 个十六进制数字，如 `\\u00e9`",
                    ),
                    _ => (
                        8,
                        "a \\U escape needs exactly 8 hex digits, as in \\U0001F600",
                        "`\\U` 转义需要正好 8 个十六进制数字，如 `\\U0001F600`",
                    ),
                };
                let digits: String = (k + 2..k + 2 + n)
                    .map_while(|j| if j < end { Some(self.src.chars[j]) } else { None })
                    .collect();
                if digits.chars().count() != n || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                    return self.err(k, what, what_zh);
                }
                let value = u32::from_str_radix(&digits, 16).unwrap_or(u32::MAX);
                match char::from_u32(value) {
                    Some(ch) => out.push(ch),
                    None => {
                        return self.err(
                            k,
                            format!("invalid unicode escape: U+{value:X} is not a character"),
                            format!("无效的转义：U+{value:X} 不是一个字符"),
                        );
                    }
                }
                Ok(k + 2 + n)
            }
            'N' => self.err(
                k,
                "\\N{...} escapes are not supported in the composer; write the character itself",
                "编写器不支持 `\\N{...}` 转义；请直接写出这个字符",
            ),
            _ => {
                // Python keeps an unknown escape as it is.
                out.push('\\');
                out.push(e);
                Ok(k + 2)
            }
        }
    }

    /// Splits an f-string's body `start..end` into text and fields.
    fn fstring_parts(&self, start: usize, end: usize, raw: bool) -> LexResult<Vec<StrPart>> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut k = start;
        while k < end {
            match self.src.chars[k] {
                '{' if k + 1 < end && self.src.chars[k + 1] == '{' => {
                    text.push('{');
                    k += 2;
                }
                '{' => {
                    if !text.is_empty() {
                        parts.push(StrPart::Lit(std::mem::take(&mut text)));
                    }
                    let (field, next) = self.fstring_field(k, end)?;
                    parts.push(StrPart::Field(field));
                    k = next;
                }
                '}' if k + 1 < end && self.src.chars[k + 1] == '}' => {
                    text.push('}');
                    k += 2;
                }
                '}' => {
                    return self.err(
                        k,
                        "single '}' is not allowed in an f-string; write '}}' for a literal brace",
                        "f 字符串里不能有单独的 `}`；要写花括号本身请用 `}}`",
                    );
                }
                _ => k = self.literal_char(k, end, raw, &mut text)?,
            }
        }
        if !text.is_empty() {
            parts.push(StrPart::Lit(text));
        }
        Ok(parts)
    }

    /// The field whose `{` is at `open`; returns it and the index after
    /// its `}`.
    fn fstring_field(&self, open: usize, end: usize) -> LexResult<(Field, usize)> {
        let never_closed = || {
            self.err(
                open,
                "'{' in an f-string was never closed; write '{{' for a literal brace",
                "f 字符串里的 `{` 没有闭合；要写花括号本身请用 `{{`",
            )
        };
        let at = |k: usize| if k < end { Some(self.src.chars[k]) } else { None };
        let start = open + 1;
        let mut k = start;
        let mut depth = 0usize;
        // Find where the expression ends.
        loop {
            let Some(c) = at(k) else { return never_closed() };
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    if depth == 0 {
                        if c == '}' {
                            break;
                        }
                        return self.err(
                            k,
                            format!("unmatched '{c}' in an f-string expression"),
                            format!("f 字符串的表达式里有多余的 `{c}`"),
                        );
                    }
                    depth -= 1;
                }
                '\'' | '"' => {
                    let mut j = k + 1;
                    loop {
                        match at(j) {
                            None => {
                                return self.err(
                                    k,
                                    "unterminated string in an f-string expression",
                                    "f 字符串表达式里的字符串没有结束",
                                );
                            }
                            Some('\\') => j += 2,
                            Some(q) if q == c => break,
                            Some(_) => j += 1,
                        }
                    }
                    k = j;
                }
                '#' => {
                    return self.err(
                        k,
                        "'#' is not allowed inside an f-string expression",
                        "f 字符串的表达式里不能有 `#`",
                    );
                }
                '!' if depth == 0 && at(k + 1) != Some('=') => break,
                ':' if depth == 0 => break,
                '=' if depth == 0
                    && at(k + 1) != Some('=')
                    && !matches!(self.src.chars.get(k.wrapping_sub(1)), Some('=' | '!' | '<' | '>')) =>
                {
                    break;
                }
                _ => {}
            }
            k += 1;
        }
        let expr_end = k;
        if self.src.chars[start..expr_end].iter().all(|c| c.is_whitespace()) {
            return self.err(
                open,
                "empty expression in an f-string; put a name or an expression between the braces",
                "f 字符串里的表达式是空的；请在花括号之间写一个名字或表达式",
            );
        }
        let mut debug = None;
        if at(k) == Some('=') {
            k += 1;
            while at(k).is_some_and(|c| c == ' ' || c == '\t' || c == '\n') {
                k += 1;
            }
            debug = Some(self.src.chars[start..k].iter().collect::<String>());
        }
        let mut conv = None;
        if at(k) == Some('!') {
            match at(k + 1) {
                Some(c @ ('r' | 's' | 'a')) if matches!(at(k + 2), Some(':' | '}')) => {
                    conv = Some(c);
                    k += 2;
                }
                _ => {
                    return self.err(
                        k,
                        "an f-string conversion must be '!r', '!s' or '!a'",
                        "f 字符串的转换只能是 `!r`、`!s` 或 `!a`",
                    );
                }
            }
        }
        let mut spec = None;
        if at(k) == Some(':') {
            k += 1;
            let mut text = String::new();
            loop {
                match at(k) {
                    None => return never_closed(),
                    Some('}') => break,
                    Some('{') => {
                        return self.err(
                            k,
                            "nested fields in an f-string format spec (like {x:{width}}) are not supported; \
                             write the spec out, as in {x:10}",
                            "不支持 f 字符串格式说明里的嵌套字段（如 `{x:{width}}`）；请把格式直接写出来，如 `{x:10}`",
                        );
                    }
                    Some(c) => text.push(c),
                }
                k += 1;
            }
            spec = Some(text);
        }
        match at(k) {
            Some('}') => {}
            None => return never_closed(),
            Some(_) => {
                return self.err(
                    k,
                    "expected '}' to end the f-string field",
                    "f 字符串的字段应以 `}` 结束",
                );
            }
        }
        if debug.is_some() && conv.is_none() && spec.is_none() {
            conv = Some('r');
        }
        Ok((
            Field {
                start,
                end: expr_end,
                conv,
                spec,
                debug,
            },
            k + 1,
        ))
    }
}
