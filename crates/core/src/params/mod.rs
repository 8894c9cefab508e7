//! Demo parameters: their specs, validation that names the allowed range
//! instead of clamping or panicking, and typed declarations: a demo
//! declares each parameter once (`declare_params!`, with the `const`
//! constructors [`int`], [`ms`], [`choice`], [`flag`], [`ints`],
//! [`choices`] and [`time_of_day`]), and gets its `SPECS`, its typed
//! `Params` and their parser from that one declaration.
//!
//! A demo's parameters are fields, and a choice is an enum:
//!
//! ```
//! use asyncscope_core::demos::retry::{JitterChoice, Params};
//!
//! let p = Params::from_pairs(&[("jitter".into(), "full".into())]).expect("allowed");
//! assert_eq!(p.jitter, JitterChoice::Full);
//! assert_eq!(p.attempts, 5);
//! ```
//!
//! so a misspelt name does not compile, where a string-keyed lookup would
//! have quietly given 0:
//!
//! ```compile_fail
//! # use asyncscope_core::demos::retry::Params;
//! let p = Params::from_pairs(&[]).expect("the defaults");
//! let _ = p.atempts;
//! ```

mod declare;
mod pairs;
mod param;
mod rules;

use std::fmt;

use crate::Bilingual;

pub(crate) use declare::declare_params;
pub use pairs::{pairs_from_query, parse, to_query, unique_pairs};
pub use param::{Choice, Millis, Param, Whole, choice, choices, flag, int, ints, ms, time_of_day};
pub use rules::{CrossRule, Preset, Randomness, When, applies, broken_rules};

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A whole number in `min..=max`.
    Int {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// One of a fixed set of names.
    Choice(&'static [&'static str]),
    /// A comma-separated list of whole numbers, each in `min..=max`, with
    /// from 1 to `max_len` items.
    IntList {
        /// Smallest allowed item.
        min: u64,
        /// Largest allowed item.
        max: u64,
        /// Most items allowed.
        max_len: usize,
    },
    /// A comma-separated list of names from a fixed set, with from 1 to
    /// `max_len` items.
    ChoiceList {
        /// The names allowed for each item.
        choices: &'static [&'static str],
        /// Most items allowed.
        max_len: usize,
    },
    /// A time of day, `HH:MM` on a 24-hour clock; its value is minutes
    /// since midnight.
    TimeOfDay,
}

/// A parameter of a demo: its name in URLs and on the command line, a label
/// for forms, what it accepts, and its default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name in URLs and `--set name=value`.
    pub name: &'static str,
    /// A short label for forms.
    pub label: &'static str,
    /// The values it accepts.
    pub kind: ParamKind,
    /// The default, as text.
    pub default: &'static str,
    /// When it matters: `None` always; otherwise only while another
    /// parameter has (or has not) one of some values (`network` only when
    /// `work=request`). A form hides it the rest of the time.
    pub when: Option<When>,
}

/// A validated value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A whole number within its range (for a time of day: minutes since
    /// midnight).
    Int(u64),
    /// One of the allowed names.
    Choice(&'static str),
    /// A list of whole numbers, each within its range.
    Ints(Vec<u64>),
    /// A list of allowed names.
    Choices(Vec<&'static str>),
}

impl Value {
    /// The value as text, as a link writes it (a time of day as its
    /// minutes): what a [`When`] compares.
    pub fn text(&self) -> String {
        match self {
            Value::Int(n) => n.to_string(),
            Value::Choice(name) => (*name).to_string(),
            Value::Ints(items) => items.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
            Value::Choices(names) => names.join(","),
        }
    }
}

/// Why a parameter's value was refused. The message names the allowed values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter's name.
    pub name: String,
    /// A sentence for the user, naming what is allowed: the command line's
    /// words, and the page's in English.
    pub message: String,
    /// The same in Simplified Chinese, with the same names and numbers, for
    /// the page in Chinese.
    pub message_zh: String,
}

impl ParamError {
    /// An error about `name` from its message in both languages.
    pub fn new(name: impl Into<String>, message: Bilingual) -> Self {
        Self {
            name: name.into(),
            message: message.en,
            message_zh: message.zh,
        }
    }

    /// The message in both languages.
    pub fn said(&self) -> Bilingual {
        Bilingual::new(self.message.clone(), self.message_zh.clone())
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParamError {}

impl ParamSpec {
    /// What is allowed, in words: `a whole number from 1 to 50`.
    pub fn allowed(&self) -> String {
        match self.kind {
            ParamKind::Int { min, max } => format!("a whole number from {min} to {max}"),
            ParamKind::Choice(choices) => format!("one of {}", choices.join(", ")),
            ParamKind::IntList { min, max, max_len } => {
                format!("a comma-separated list of 1 to {max_len} whole numbers, each from {min} to {max}")
            }
            ParamKind::ChoiceList { choices, max_len } => {
                format!(
                    "a comma-separated list of 1 to {max_len} items, each one of {}",
                    choices.join(", ")
                )
            }
            ParamKind::TimeOfDay => "a time of day from 00:00 to 23:59".to_string(),
        }
    }

    /// [`ParamSpec::allowed`] in Simplified Chinese, for the page's form.
    pub fn allowed_zh(&self) -> String {
        match self.kind {
            ParamKind::Int { min, max } => format!("{min} 到 {max} 的整数"),
            ParamKind::Choice(choices) => format!("以下之一：{}", choices.join("、")),
            ParamKind::IntList { min, max, max_len } => {
                format!("逗号分隔的 1 到 {max_len} 个整数，每个在 {min} 到 {max} 之间")
            }
            ParamKind::ChoiceList { choices, max_len } => {
                format!("逗号分隔的 1 到 {max_len} 项，每项为以下之一：{}", choices.join("、"))
            }
            ParamKind::TimeOfDay => "00:00 到 23:59 之间的时刻".to_string(),
        }
    }

    /// `jobs 必须是 1 到 50 的整数`: how a refusal in Chinese begins (a
    /// space between Chinese and a number, none before Chinese).
    pub fn must_be_zh(&self) -> String {
        let allowed = self.allowed_zh();
        let space = if allowed.starts_with(|c: char| c.is_ascii()) {
            " "
        } else {
            ""
        };
        format!("{} 必须是{space}{allowed}", self.name)
    }

    /// Validates `raw` (surrounding spaces ignored). Names are matched
    /// without regard to case (`OK` is `ok`) and come back as declared; a
    /// time of day may have a one-digit hour (`9:00`). A refusal says what
    /// is allowed in English and in Chinese, with the same numbers.
    pub fn check(&self, raw: &str) -> Result<Value, ParamError> {
        let raw = raw.trim();
        let refuse = |en: &str, zh: &str| ParamError {
            name: self.name.to_string(),
            message: format!("{} must be {}; {en}", self.name, self.allowed()),
            message_zh: format!("{}；{zh}", self.must_be_zh()),
        };
        let got = |raw: &str| refuse(&format!("got {}", quoted(raw)), &format!("收到 {}", quoted_zh(raw)));
        if raw.is_empty() {
            return Err(refuse("it is empty", "值为空"));
        }
        match self.kind {
            ParamKind::Int { min, max } => match raw.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Value::Int(n)),
                Ok(_) => Err(refuse(&format!("got {raw}"), &format!("收到 {raw}"))),
                Err(_) if raw.parse::<i128>().is_ok() => Err(refuse(&format!("got {raw}"), &format!("收到 {raw}"))),
                // All digits, but past what a u64 holds.
                Err(_) if raw.bytes().all(|b| b.is_ascii_digit()) => Err(refuse(
                    &format!("got {}, which is too large: the maximum is {max}", quoted(raw)),
                    &format!("收到 {}，太大了：最大是 {max}", quoted_zh(raw)),
                )),
                Err(_) => Err(refuse(
                    &format!("got {}, which is not a whole number", quoted(raw)),
                    &format!("收到 {}，不是整数", quoted_zh(raw)),
                )),
            },
            ParamKind::Choice(choices) => choices
                .iter()
                .find(|c| c.eq_ignore_ascii_case(raw))
                .map(|c| Value::Choice(c))
                .ok_or_else(|| got(raw)),
            ParamKind::IntList { min, max, max_len } => {
                let items = list_items(raw, max_len).map_err(|why| refuse(&why.en, &why.zh))?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.parse::<u64>() {
                        Ok(n) if (min..=max).contains(&n) => out.push(n),
                        _ => return Err(bad_item(i, item, refuse)),
                    }
                }
                Ok(Value::Ints(out))
            }
            ParamKind::ChoiceList { choices, max_len } => {
                let items = list_items(raw, max_len).map_err(|why| refuse(&why.en, &why.zh))?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match choices.iter().find(|c| c.eq_ignore_ascii_case(item)) {
                        Some(c) => out.push(*c),
                        None => return Err(bad_item(i, item, refuse)),
                    }
                }
                Ok(Value::Choices(out))
            }
            ParamKind::TimeOfDay => {
                let parsed = raw.split_once(':').and_then(|(h, m)| {
                    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                    if !(1..=2).contains(&h.len()) || m.len() != 2 || !digits(h) || !digits(m) {
                        return None;
                    }
                    let (h, m) = (h.parse::<u64>().ok()?, m.parse::<u64>().ok()?);
                    (h < 24 && m < 60).then_some(h * 60 + m)
                });
                parsed.map(Value::Int).ok_or_else(|| got(raw))
            }
        }
    }

    /// The default, validated. Specs are constants checked by tests, so a
    /// bad default is a bug; it still falls back to the smallest value
    /// rather than panic.
    pub fn default_value(&self) -> Value {
        self.check(self.default).unwrap_or(match self.kind {
            ParamKind::Int { min, .. } => Value::Int(min),
            ParamKind::Choice(choices) => Value::Choice(choices.first().copied().unwrap_or("")),
            ParamKind::IntList { min, .. } => Value::Ints(vec![min]),
            ParamKind::ChoiceList { choices, .. } => Value::Choices(choices.first().copied().into_iter().collect()),
            ParamKind::TimeOfDay => Value::Int(0),
        })
    }
}

/// A value as a message quotes it: in double quotes, escaped (no terminal
/// escape or control character passes through), and at most 40 characters
/// of it, with an ellipsis and the full length when there were more.
pub fn quoted(raw: &str) -> String {
    quote(raw, |count| format!(" ({count} characters)"))
}

/// [`quoted`], with the full length of a long value said in Chinese.
pub fn quoted_zh(raw: &str) -> String {
    quote(raw, |count| format!("（共 {count} 个字符）"))
}

fn quote(raw: &str, length: impl Fn(usize) -> String) -> String {
    const MOST: usize = 40;
    let count = raw.chars().count();
    let head: String = raw.chars().take(MOST).collect();
    let escaped = format!("{head:?}");
    if count > MOST {
        format!("{}…\"{}", &escaped[..escaped.len() - 1], length(count))
    } else {
        escaped
    }
}

/// The refusal of a list whose item `i` (from 0) is not allowed.
fn bad_item(i: usize, item: &str, refuse: impl Fn(&str, &str) -> ParamError) -> ParamError {
    refuse(
        &format!("item {} is {}", i + 1, quoted(item)),
        &format!("第 {} 项是 {}", i + 1, quoted_zh(item)),
    )
}

/// The items of a comma-separated list (spaces around items ignored), or
/// why the list as a whole is refused.
fn list_items(raw: &str, max_len: usize) -> Result<Vec<&str>, Bilingual> {
    let items: Vec<&str> = raw.split(',').map(str::trim).collect();
    if let Some(i) = items.iter().position(|s| s.is_empty()) {
        return Err(Bilingual::new(
            format!("item {} is empty", i + 1),
            format!("第 {} 项为空", i + 1),
        ));
    }
    if items.len() > max_len {
        return Err(Bilingual::new(
            format!("got {} items", items.len()),
            format!("收到 {} 项", items.len()),
        ));
    }
    Ok(items)
}

#[cfg(test)]
mod tests;
