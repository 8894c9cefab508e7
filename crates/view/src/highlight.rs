//! Syntax highlighting for the code view: a small tokenizer for Rust and
//! Python that tells keywords, strings, comments and numbers from the rest,
//! line by line (a block comment or a triple-quoted string carries over to
//! the next line). Joined back, a line's tokens are the line itself.

/// The language of a piece of code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Rust.
    Rust,
    /// Python.
    Python,
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Anything else: names, punctuation, spaces.
    Plain,
    /// A keyword of the language.
    Keyword,
    /// A string or character literal.
    String,
    /// A comment.
    Comment,
    /// A number.
    Number,
}

impl TokenKind {
    /// The lower-case name used in class names (`tok-keyword`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Plain => "plain",
            TokenKind::Keyword => "keyword",
            TokenKind::String => "string",
            TokenKind::Comment => "comment",
            TokenKind::Number => "number",
        }
    }
}

/// A run of text of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its kind.
    pub kind: TokenKind,
    /// Its text.
    pub text: String,
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "Some", "None", "Ok",
    "Err",
];

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// What carries over from one line to the next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Carry {
    None,
    /// Inside a Rust block comment.
    Block,
    /// Inside a Python triple-quoted string with this quote.
    Triple(char),
}

/// The tokens of each line of `code` (split as [`str::lines`] does).
pub fn highlight(code: &str, lang: Lang) -> Vec<Vec<Token>> {
    let mut carry = Carry::None;
    code.lines()
        .map(|line| {
            let (tokens, next) = line_tokens(line, lang, carry);
            carry = next;
            tokens
        })
        .collect()
}

fn push(out: &mut Vec<Token>, kind: TokenKind, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => out.push(Token {
            kind,
            text: text.to_string(),
        }),
    }
}

fn line_tokens(line: &str, lang: Lang, mut carry: Carry) -> (Vec<Token>, Carry) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let byte = |i: usize| chars.get(i).map_or(line.len(), |(b, _)| *b);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        match carry {
            Carry::Block => {
                while i < chars.len() && !(at(i) == Some('*') && at(i + 1) == Some('/')) {
                    i += 1;
                }
                if i < chars.len() {
                    i += 2;
                    carry = Carry::None;
                }
                push(&mut out, TokenKind::Comment, &line[byte(start)..byte(i)]);
                continue;
            }
            Carry::Triple(q) => {
                while i < chars.len() && !(at(i) == Some(q) && at(i + 1) == Some(q) && at(i + 2) == Some(q)) {
                    i += if at(i) == Some('\\') { 2 } else { 1 };
                }
                if i < chars.len() {
                    i += 3;
                    carry = Carry::None;
                }
                let i2 = i.min(chars.len());
                push(&mut out, TokenKind::String, &line[byte(start)..byte(i2)]);
                i = i2;
                continue;
            }
            Carry::None => {}
        }
        let c = chars[i].1;
        let kind = match (lang, c) {
            (Lang::Rust, '/') if at(i + 1) == Some('/') => {
                i = chars.len();
                TokenKind::Comment
            }
            (Lang::Rust, '/') if at(i + 1) == Some('*') => {
                carry = Carry::Block;
                i += 2;
                while i < chars.len() && !(at(i) == Some('*') && at(i + 1) == Some('/')) {
                    i += 1;
                }
                if i < chars.len() {
                    i += 2;
                    carry = Carry::None;
                }
                TokenKind::Comment
            }
            (Lang::Python, '#') => {
                i = chars.len();
                TokenKind::Comment
            }
            (Lang::Python, '"' | '\'') if at(i + 1) == Some(c) && at(i + 2) == Some(c) => {
                carry = Carry::Triple(c);
                i += 3;
                while i < chars.len() && !(at(i) == Some(c) && at(i + 1) == Some(c) && at(i + 2) == Some(c)) {
                    i += if at(i) == Some('\\') { 2 } else { 1 };
                }
                if i < chars.len() {
                    i += 3;
                    carry = Carry::None;
                }
                i = i.min(chars.len());
                TokenKind::String
            }
            (_, '"') | (Lang::Python, '\'') => {
                i = end_of_string(&chars, i + 1, c);
                TokenKind::String
            }
            (Lang::Rust, '\'') => {
                // A character literal ('a', '\n', '\u{1F600}'), or a lifetime.
                let close = if at(i + 1) == Some('\\') {
                    (i + 2..chars.len().min(i + 12)).find(|j| at(*j) == Some('\''))
                } else {
                    (at(i + 2) == Some('\'')).then_some(i + 2)
                };
                match close {
                    Some(j) => {
                        i = j + 1;
                        TokenKind::String
                    }
                    None => {
                        i += 1;
                        TokenKind::Plain
                    }
                }
            }
            (_, c) if c.is_ascii_digit() => {
                i += 1;
                while let Some(d) = at(i) {
                    let decimal_point = d == '.' && at(i + 1).is_some_and(|n| n.is_ascii_digit());
                    if d.is_ascii_alphanumeric() || d == '_' || decimal_point {
                        i += 1;
                    } else {
                        break;
                    }
                }
                TokenKind::Number
            }
            (_, c) if c.is_alphabetic() || c == '_' => {
                while at(i).is_some_and(|d| d.is_alphanumeric() || d == '_') {
                    i += 1;
                }
                let word = &line[byte(start)..byte(i)];
                // A Rust raw or byte string: r"..", r#".."#, b"..".
                if lang == Lang::Rust && matches!(word, "r" | "b" | "br") && matches!(at(i), Some('"' | '#')) {
                    let hashes = (i..chars.len()).take_while(|j| at(*j) == Some('#')).count();
                    if at(i + hashes) == Some('"') {
                        let mut j = i + hashes + 1;
                        while j < chars.len() && !(at(j) == Some('"') && (1..=hashes).all(|h| at(j + h) == Some('#'))) {
                            j += 1;
                        }
                        i = (j + 1 + hashes).min(chars.len());
                        push(&mut out, TokenKind::String, &line[byte(start)..byte(i)]);
                        continue;
                    }
                }
                // A Python string prefix: f"..", r'..', b"..".
                if lang == Lang::Python
                    && word.len() <= 2
                    && word.chars().all(|ch| "fFrRbBuU".contains(ch))
                    && let Some(q @ ('"' | '\'')) = at(i)
                {
                    i = end_of_string(&chars, i + 1, q);
                    push(&mut out, TokenKind::String, &line[byte(start)..byte(i)]);
                    continue;
                }
                let keywords = match lang {
                    Lang::Rust => RUST_KEYWORDS,
                    Lang::Python => PYTHON_KEYWORDS,
                };
                if keywords.contains(&word) {
                    TokenKind::Keyword
                } else {
                    TokenKind::Plain
                }
            }
            _ => {
                i += 1;
                TokenKind::Plain
            }
        };
        push(&mut out, kind, &line[byte(start)..byte(i)]);
    }
    (out, carry)
}

/// Where a string that opened before `from` with `quote` ends (past its
/// closing quote, or at the end of the line).
fn end_of_string(chars: &[(usize, char)], from: usize, quote: char) -> usize {
    let mut i = from;
    while let Some((_, c)) = chars.get(i) {
        if *c == '\\' {
            i += 2;
        } else if *c == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str, lang: Lang) -> Vec<(TokenKind, String)> {
        highlight(line, lang)
            .into_iter()
            .flatten()
            .filter(|t| !t.text.trim().is_empty())
            .map(|t| (t.kind, t.text))
            .collect()
    }

    fn of(kind: TokenKind, list: &[(TokenKind, String)]) -> Vec<String> {
        list.iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, t)| t.clone())
            .collect()
    }

    #[test]
    fn rust_keywords_strings_comments_and_numbers() {
        let line = r#"    let name = format!("task{i}: \"x\""); // 3 tasks"#;
        let k = kinds(line, Lang::Rust);
        assert_eq!(of(TokenKind::Keyword, &k), ["let"]);
        assert_eq!(of(TokenKind::String, &k), [r#""task{i}: \"x\"""#]);
        assert_eq!(of(TokenKind::Comment, &k), ["// 3 tasks"]);
        let k = kinds(
            "for i in 0..3 { env.sleep(Duration::from_millis(1_500)).await; }",
            Lang::Rust,
        );
        assert_eq!(of(TokenKind::Keyword, &k), ["for", "in", "await"]);
        assert_eq!(of(TokenKind::Number, &k), ["0", "3", "1_500"]);
        let k = kinds(
            "fn f<'a>(c: char) -> &'a str { if c == 'x' { r#\"raw\"# } else { \"\" } }",
            Lang::Rust,
        );
        assert_eq!(of(TokenKind::String, &k), ["'x'", "r#\"raw\"#", "\"\""]);
        let k = kinds("let x = 2.5; /* a\nblock */ let y = 1;", Lang::Rust);
        assert_eq!(of(TokenKind::Comment, &k), ["/* a", "block */"]);
        assert_eq!(of(TokenKind::Number, &k), ["2.5", "1"]);
    }

    #[test]
    fn python_keywords_strings_comments_and_numbers() {
        let code = "async def main():\n    \"\"\"Doc\n    string.\"\"\"\n    await asyncio.sleep(0.5)  # half\n    print(f'{x} done', \"it's\")";
        let k = kinds(code, Lang::Python);
        assert_eq!(of(TokenKind::Keyword, &k), ["async", "def", "await"]);
        assert_eq!(
            of(TokenKind::String, &k),
            ["\"\"\"Doc", "    string.\"\"\"", "f'{x} done'", "\"it's\""]
        );
        assert_eq!(of(TokenKind::Comment, &k), ["# half"]);
        assert_eq!(of(TokenKind::Number, &k), ["0.5"]);
    }

    #[test]
    fn the_tokens_are_the_lines() {
        for (code, lang) in [
            (
                asyncscope_core::demos::shown_source("semaphore").unwrap_or_default(),
                Lang::Rust,
            ),
            (
                asyncscope_core::demos::about("retry").map_or("", |a| a.asyncio),
                Lang::Python,
            ),
        ] {
            assert!(!code.is_empty());
            let lines = highlight(code, lang);
            let joined: Vec<String> = lines
                .iter()
                .map(|l| l.iter().map(|t| t.text.as_str()).collect())
                .collect();
            assert_eq!(joined, code.lines().collect::<Vec<_>>());
            assert!(lines.iter().flatten().any(|t| t.kind == TokenKind::Keyword));
        }
    }
}
