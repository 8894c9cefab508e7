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

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::time::Duration;

use strum::VariantNames;

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

/// Why a parameter's value was refused. The message names the allowed values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter's name.
    pub name: String,
    /// A sentence for the user, naming what is allowed.
    pub message: String,
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

    /// Validates `raw` (surrounding spaces ignored).
    pub fn check(&self, raw: &str) -> Result<Value, ParamError> {
        let raw = raw.trim();
        let refuse = |why: &str| ParamError {
            name: self.name.to_string(),
            message: format!("{} must be {}; {why}", self.name, self.allowed()),
        };
        if raw.is_empty() {
            return Err(refuse("it is empty"));
        }
        match self.kind {
            ParamKind::Int { min, max } => match raw.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Value::Int(n)),
                Ok(_) => Err(refuse(&format!("got {raw}"))),
                Err(_) if raw.parse::<i128>().is_ok() => Err(refuse(&format!("got {raw}"))),
                Err(_) => Err(refuse(&format!("got \"{raw}\", which is not a whole number"))),
            },
            ParamKind::Choice(choices) => choices
                .iter()
                .find(|c| **c == raw)
                .map(|c| Value::Choice(c))
                .ok_or_else(|| refuse(&format!("got \"{raw}\""))),
            ParamKind::IntList { min, max, max_len } => {
                let items = list_items(raw, max_len).map_err(|why| refuse(&why))?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.parse::<u64>() {
                        Ok(n) if (min..=max).contains(&n) => out.push(n),
                        _ => return Err(refuse(&format!("item {} is \"{item}\"", i + 1))),
                    }
                }
                Ok(Value::Ints(out))
            }
            ParamKind::ChoiceList { choices, max_len } => {
                let items = list_items(raw, max_len).map_err(|why| refuse(&why))?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match choices.iter().find(|c| *c == item) {
                        Some(c) => out.push(*c),
                        None => return Err(refuse(&format!("item {} is \"{item}\"", i + 1))),
                    }
                }
                Ok(Value::Choices(out))
            }
            ParamKind::TimeOfDay => {
                let parsed = raw.split_once(':').and_then(|(h, m)| {
                    let ok = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
                    if !ok(h) || !ok(m) {
                        return None;
                    }
                    let (h, m) = (h.parse::<u64>().ok()?, m.parse::<u64>().ok()?);
                    (h < 24 && m < 60).then_some(h * 60 + m)
                });
                parsed.map(Value::Int).ok_or_else(|| refuse(&format!("got \"{raw}\"")))
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

/// The items of a comma-separated list (spaces around items ignored), or
/// why the list as a whole is refused.
fn list_items(raw: &str, max_len: usize) -> Result<Vec<&str>, String> {
    let items: Vec<&str> = raw.split(',').map(str::trim).collect();
    if let Some(i) = items.iter().position(|s| s.is_empty()) {
        return Err(format!("item {} is empty", i + 1));
    }
    if items.len() > max_len {
        return Err(format!("got {} items", items.len()));
    }
    Ok(items)
}

/// The one rule for `name=value` pairs, wherever they come from (a link's
/// query, the command line's `--set`s, a caller of [`parse`]): each name
/// is given at most once. A repeat is refused, naming it, rather than one
/// of its values picked. `Ok` with the pairs in order; otherwise one
/// error per repeated name, in the order first given.
pub fn unique_pairs<K, V>(items: impl IntoIterator<Item = (K, V)>) -> Result<Vec<(String, String)>, Vec<ParamError>>
where
    K: Into<String>,
    V: Into<String>,
{
    let pairs: Vec<(String, String)> = items.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    let mut errors: Vec<ParamError> = Vec::new();
    for (i, (name, _)) in pairs.iter().enumerate() {
        let first = !pairs[..i].iter().any(|(k, _)| k == name);
        if first && pairs[i + 1..].iter().any(|(k, _)| k == name) {
            errors.push(ParamError {
                name: name.clone(),
                message: format!("{name} is given more than once"),
            });
        }
    }
    if errors.is_empty() { Ok(pairs) } else { Err(errors) }
}

/// Validates `name=value` pairs against `specs`: every spec gets its value or
/// its default, in spec order. Repeated names (refused by [`unique_pairs`]),
/// unknown names and bad values are all reported, not just the first.
pub fn parse(specs: &[ParamSpec], pairs: &[(String, String)]) -> Result<Vec<Value>, Vec<ParamError>> {
    let mut errors = unique_pairs(pairs.iter().cloned()).err().unwrap_or_default();
    let repeated: Vec<String> = errors.iter().map(|e| e.name.clone()).collect();
    let mut values: Vec<Option<Value>> = vec![None; specs.len()];
    for (name, raw) in pairs.iter().filter(|(k, _)| !repeated.contains(k)) {
        let Some(i) = specs.iter().position(|s| s.name == name) else {
            let names: Vec<_> = specs.iter().map(|s| s.name).collect();
            errors.push(ParamError {
                name: name.clone(),
                message: format!("unknown parameter {name}; this demo takes {}", names.join(", ")),
            });
            continue;
        };
        match specs[i].check(raw) {
            Ok(v) => values[i] = Some(v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(values
            .into_iter()
            .zip(specs)
            .map(|(v, s)| v.unwrap_or_else(|| s.default_value()))
            .collect())
    } else {
        Err(errors)
    }
}

/// Decodes a URL query (`jobs=2&duration_ms=300`, no leading `?`) into
/// `name=value` pairs, in order, with `form_urlencoded` (`+` is a space,
/// `%XX` is decoded, a malformed escape is kept as it stands). Repeats are
/// kept, for [`unique_pairs`] to refuse where the caller shows its errors.
pub fn pairs_from_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// Encodes pairs as a URL query (no leading `?`), with `form_urlencoded`.
pub fn to_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
        .finish()
}

/// A parameter declared with the type of its field: its spec, and how a
/// validated [`Value`] reads as that type and writes back as text. The
/// constructors ([`int`], [`ms`], [`choice`], [`flag`], [`ints`],
/// [`choices`], [`time_of_day`]) are `const`, so a demo declares each
/// parameter once, in [`declare_params!`], and its `SPECS` come from the
/// same declarations.
pub struct Param<T> {
    /// Name, label, kind and default: what forms, links and the command
    /// line see.
    pub spec: ParamSpec,
    read: fn(&Value) -> Option<T>,
    write: fn(&T) -> String,
}

impl<T> Param<T> {
    /// A parameter of this kind, read and written by these functions.
    const fn new(
        spec: (&'static str, &'static str, ParamKind, &'static str),
        read: fn(&Value) -> Option<T>,
        write: fn(&T) -> String,
    ) -> Self {
        let (name, label, kind, default) = spec;
        Param {
            spec: ParamSpec {
                name,
                label,
                kind,
                default,
            },
            read,
            write,
        }
    }

    /// The field's value from the validated value of this parameter.
    /// Refused only if the value is of another kind than the spec's, which
    /// the declarations rule out (a test per demo reads every default).
    pub fn read(&self, value: Option<&Value>) -> Result<T, Vec<ParamError>> {
        value.and_then(self.read).ok_or_else(|| {
            vec![ParamError {
                name: self.spec.name.to_string(),
                message: format!(
                    "{} must be {}; its value cannot be read",
                    self.spec.name,
                    self.spec.allowed()
                ),
            }]
        })
    }

    /// The field's value as text, as a link or `--set` would give it.
    pub fn write(&self, value: &T) -> String {
        (self.write)(value)
    }

    /// The value `pairs` give this parameter, or its default; `None` if the
    /// given value is not allowed (or given twice).
    pub fn given(&self, pairs: &[(String, String)]) -> Option<T> {
        let mut given = pairs.iter().filter(|(k, _)| k == self.spec.name);
        let raw = match (given.next(), given.next()) {
            (None, _) => self.spec.default,
            (Some((_, v)), None) => v.as_str(),
            (Some(_), Some(_)) => return None,
        };
        self.spec.check(raw).ok().as_ref().and_then(self.read)
    }
}

/// A field type for a whole-number parameter ([`int`]).
pub trait Whole: Sized {
    /// The largest value the type holds; a declaration whose bounds exceed
    /// it does not compile.
    const MAX: u64;
    /// The field from a number within the declared bounds.
    fn from_whole(n: u64) -> Option<Self>;
    /// The field as the number.
    fn to_whole(&self) -> u64;
}

macro_rules! whole {
    ($($t:ty),*) => {$(
        impl Whole for $t {
            const MAX: u64 = <$t>::MAX as u64;
            fn from_whole(n: u64) -> Option<Self> {
                <$t>::try_from(n).ok()
            }
            fn to_whole(&self) -> u64 {
                u64::from(*self)
            }
        }
    )*};
}
whole!(u16, u32, u64);

/// `0` is none: "Which request fails (0: none)".
impl<T: Whole> Whole for Option<T> {
    const MAX: u64 = T::MAX;
    fn from_whole(n: u64) -> Option<Self> {
        if n == 0 { Some(None) } else { T::from_whole(n).map(Some) }
    }
    fn to_whole(&self) -> u64 {
        self.as_ref().map_or(0, T::to_whole)
    }
}

/// A field type for a parameter in milliseconds ([`ms`]).
pub trait Millis: Sized {
    /// The field from a number of milliseconds.
    fn from_ms(ms: u64) -> Self;
    /// The field as a number of milliseconds.
    fn to_ms(&self) -> u64;
}

impl Millis for Duration {
    fn from_ms(ms: u64) -> Self {
        Duration::from_millis(ms)
    }
    fn to_ms(&self) -> u64 {
        u64::try_from(self.as_millis()).unwrap_or(u64::MAX)
    }
}

/// `0` is none: "Time limit per job (ms, 0: none)".
impl Millis for Option<Duration> {
    fn from_ms(ms: u64) -> Self {
        (ms > 0).then(|| Duration::from_millis(ms))
    }
    fn to_ms(&self) -> u64 {
        self.as_ref().map_or(0, Millis::to_ms)
    }
}

/// A field type for a parameter that is one of a fixed set of names
/// ([`choice`], [`choices`]): an enum deriving strum's `EnumString`,
/// `IntoStaticStr` and `VariantNames`, so its names are written once.
pub trait Choice: Copy + FromStr + Into<&'static str> + VariantNames {}

impl<T: Copy + FromStr + Into<&'static str> + VariantNames> Choice for T {}

fn read_whole<T: Whole>(v: &Value) -> Option<T> {
    match v {
        Value::Int(n) => T::from_whole(*n),
        _ => None,
    }
}

fn write_whole<T: Whole>(v: &T) -> String {
    v.to_whole().to_string()
}

fn read_ms<T: Millis>(v: &Value) -> Option<T> {
    match v {
        Value::Int(n) => Some(T::from_ms(*n)),
        _ => None,
    }
}

fn write_ms<T: Millis>(v: &T) -> String {
    v.to_ms().to_string()
}

fn read_choice<T: Choice>(v: &Value) -> Option<T> {
    match v {
        Value::Choice(name) => name.parse().ok(),
        _ => None,
    }
}

fn write_choice<T: Choice>(v: &T) -> String {
    let name: &'static str = (*v).into();
    name.to_string()
}

fn read_flag(v: &Value) -> Option<bool> {
    match v {
        Value::Choice(name) => name.parse().ok(),
        _ => None,
    }
}

fn write_flag(v: &bool) -> String {
    v.to_string()
}

fn read_ints(v: &Value) -> Option<Vec<u64>> {
    match v {
        Value::Ints(items) => Some(items.clone()),
        _ => None,
    }
}

#[allow(clippy::ptr_arg)] // a `Param<Vec<u64>>`'s writer takes `&Vec<u64>`
fn write_ints(v: &Vec<u64>) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

fn read_choices<T: Choice>(v: &Value) -> Option<Vec<T>> {
    match v {
        Value::Choices(names) => names.iter().map(|name| name.parse().ok()).collect(),
        _ => None,
    }
}

#[allow(clippy::ptr_arg)] // a `Param<Vec<T>>`'s writer takes `&Vec<T>`
fn write_choices<T: Choice>(v: &Vec<T>) -> String {
    v.iter()
        .map(|c| -> &'static str { (*c).into() })
        .collect::<Vec<_>>()
        .join(",")
}

fn read_time_of_day(v: &Value) -> Option<Duration> {
    match v {
        Value::Int(minutes) => Some(Duration::from_secs(minutes * 60)),
        _ => None,
    }
}

fn write_time_of_day(v: &Duration) -> String {
    let minutes = v.as_secs() / 60;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A whole number in `range`, read as `T` (`u16`, `u32`, `u64`, or an
/// `Option` of one, where `0` is none). Bounds beyond `T` do not compile.
pub const fn int<T: Whole>(
    name: &'static str,
    label: &'static str,
    range: RangeInclusive<u64>,
    default: &'static str,
) -> Param<T> {
    let (min, max) = (*range.start(), *range.end());
    assert!(min <= max && max <= T::MAX, "the bounds do not fit the field's type");
    Param::new(
        (name, label, ParamKind::Int { min, max }, default),
        read_whole::<T>,
        write_whole::<T>,
    )
}

/// A duration in whole milliseconds in `range`, read as a `Duration` (or
/// an `Option<Duration>`, where `0` is none).
pub const fn ms<T: Millis>(
    name: &'static str,
    label: &'static str,
    range: RangeInclusive<u64>,
    default: &'static str,
) -> Param<T> {
    let (min, max) = (*range.start(), *range.end());
    assert!(min <= max, "the bounds are the wrong way round");
    Param::new(
        (name, label, ParamKind::Int { min, max }, default),
        read_ms::<T>,
        write_ms::<T>,
    )
}

/// One of the names of the enum `T`, in its order.
pub const fn choice<T: Choice>(name: &'static str, label: &'static str, default: &'static str) -> Param<T> {
    Param::new(
        (name, label, ParamKind::Choice(T::VARIANTS), default),
        read_choice::<T>,
        write_choice::<T>,
    )
}

/// A yes/no: `false` or `true`.
pub const fn flag(name: &'static str, label: &'static str, default: &'static str) -> Param<bool> {
    Param::new(
        (name, label, ParamKind::Choice(&["false", "true"]), default),
        read_flag,
        write_flag,
    )
}

/// A comma-separated list of 1 to `max_len` whole numbers, each in `range`.
pub const fn ints(
    name: &'static str,
    label: &'static str,
    range: RangeInclusive<u64>,
    max_len: usize,
    default: &'static str,
) -> Param<Vec<u64>> {
    Param::new(
        (
            name,
            label,
            ParamKind::IntList {
                min: *range.start(),
                max: *range.end(),
                max_len,
            },
            default,
        ),
        read_ints,
        write_ints,
    )
}

/// A comma-separated list of 1 to `max_len` names of the enum `T`.
pub const fn choices<T: Choice>(
    name: &'static str,
    label: &'static str,
    max_len: usize,
    default: &'static str,
) -> Param<Vec<T>> {
    Param::new(
        (
            name,
            label,
            ParamKind::ChoiceList {
                choices: T::VARIANTS,
                max_len,
            },
            default,
        ),
        read_choices::<T>,
        write_choices::<T>,
    )
}

/// A time of day, `HH:MM`, read as the time since midnight.
pub const fn time_of_day(name: &'static str, label: &'static str, default: &'static str) -> Param<Duration> {
    Param::new(
        (name, label, ParamKind::TimeOfDay, default),
        read_time_of_day,
        write_time_of_day,
    )
}

/// Declares a demo's parameters once each: from
///
/// ```ignore
/// declare_params! {
///     /// Validated parameters.
///     #[derive(Clone, Copy, Debug, PartialEq, Eq)]
///     pub struct Params {
///         /// How many jobs.
///         pub jobs: u32 = int("jobs", "Jobs", 1..=50, "2"),
///         /// How long each takes.
///         pub duration: Duration = ms("duration_ms", "Duration of each job (ms)", 1..=60_000, "3000"),
///     }
///     // Optional: rules across fields, `fn(&Params) -> Result<(), ParamError>`.
///     check = Params::check;
/// }
/// ```
///
/// it makes the struct with its typed fields, `SPECS` (the specs in field
/// order, for the page's form and the command line), `Params::from_pairs`
/// (validates `name=value` pairs with [`parse`], reads each field, then the
/// check), `Params::to_pairs` (the fields back as text), and tests that the
/// defaults parse and read back as the declared text and that every
/// choice reads and writes back. A field's type must match its
/// parameter's (`ms` gives a `Duration`, `choice` the enum named in the
/// field), or it does not compile.
macro_rules! declare_params {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_attr:meta])*
                pub $field:ident: $ty:ty = $param:expr
            ),* $(,)?
        }
        $(check = $check:expr;)?
    ) => {
        $(#[$attr])*
        pub struct $name {
            $( $(#[$field_attr])* pub $field: $ty, )*
        }

        /// The parameters, in form order.
        pub const SPECS: &[$crate::params::ParamSpec] = &[
            $( {
                let param: $crate::params::Param<$ty> = $param;
                param.spec
            } ),*
        ];

        impl $name {
            /// Validates `name=value` pairs; missing names take their
            /// defaults. Every unknown name, repeated name and bad value is
            /// reported, each naming what is allowed.
            pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, Vec<$crate::params::ParamError>> {
                let values = $crate::params::parse(SPECS, pairs)?;
                let mut values = values.iter();
                let params = Self {
                    $( $field: {
                        let param: $crate::params::Param<$ty> = $param;
                        param.read(values.next())?
                    }, )*
                };
                $( ($check)(&params).map_err(|e| vec![e])?; )?
                Ok(params)
            }

            /// The parameters as `name=value` pairs, in form order.
            pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
                vec![ $( {
                    let param: $crate::params::Param<$ty> = $param;
                    (param.spec.name, param.write(&self.$field))
                } ),* ]
            }
        }

        #[cfg(test)]
        mod declared_params {
            use super::*;

            #[test]
            fn every_default_parses_and_reads_back_as_declared() {
                for spec in SPECS {
                    assert!(spec.check(spec.default).is_ok(), "the default of {}", spec.name);
                }
                let defaults = $name::from_pairs(&[]).expect("the defaults are allowed");
                let declared: Vec<(&str, String)> = SPECS.iter().map(|s| (s.name, s.default.to_string())).collect();
                assert_eq!(defaults.to_pairs(), declared);
                let given: Vec<(String, String)> = declared.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                assert_eq!($name::from_pairs(&given), Ok(defaults));
            }

            #[test]
            fn every_choice_reads_and_writes_back() {
                for spec in SPECS {
                    let $crate::params::ParamKind::Choice(names) = spec.kind else {
                        continue;
                    };
                    for choice in names {
                        let params = $name::from_pairs(&[(spec.name.to_string(), choice.to_string())])
                            .unwrap_or_else(|e| panic!("{}={choice}: {e:?}", spec.name));
                        let written = params.to_pairs().into_iter().find(|(k, _)| *k == spec.name);
                        assert_eq!(written, Some((spec.name, choice.to_string())));
                    }
                }
            }
        }
    };
}
pub(crate) use declare_params;

impl<T> fmt::Debug for Param<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Param")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOBS: ParamSpec = ParamSpec {
        name: "jobs",
        label: "Jobs",
        kind: ParamKind::Int { min: 1, max: 50 },
        default: "2",
    };
    const MODE: ParamSpec = ParamSpec {
        name: "mode",
        label: "Mode",
        kind: ParamKind::Choice(&["a", "b"]),
        default: "b",
    };

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn bad_values_name_the_range() {
        let cases = [
            ("0", "jobs must be a whole number from 1 to 50; got 0"),
            ("51", "jobs must be a whole number from 1 to 50; got 51"),
            ("-3", "jobs must be a whole number from 1 to 50; got -3"),
            (
                "99999999999999999999999",
                "jobs must be a whole number from 1 to 50; got 99999999999999999999999",
            ),
            (
                "two",
                "jobs must be a whole number from 1 to 50; got \"two\", which is not a whole number",
            ),
            (
                "1.5",
                "jobs must be a whole number from 1 to 50; got \"1.5\", which is not a whole number",
            ),
            ("", "jobs must be a whole number from 1 to 50; it is empty"),
        ];
        for (raw, want) in cases {
            assert_eq!(
                JOBS.check(raw).map_err(|e| e.message),
                Err(want.to_string()),
                "input {raw:?}"
            );
        }
        assert_eq!(JOBS.check(" 50 "), Ok(Value::Int(50)));
        assert_eq!(
            MODE.check("c").map_err(|e| e.message),
            Err("mode must be one of a, b; got \"c\"".to_string())
        );
    }

    #[test]
    fn parse_fills_defaults_and_reports_every_error() {
        assert_eq!(
            parse(&[JOBS, MODE], &pairs(&[("mode", "a")])),
            Ok(vec![Value::Int(2), Value::Choice("a")])
        );
        let errs = parse(&[JOBS, MODE], &pairs(&[("jobs", "0"), ("speed", "1"), ("mode", "x")])).expect_err("refused");
        let names: Vec<_> = errs.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["jobs", "speed", "mode"]);
        assert_eq!(errs[1].message, "unknown parameter speed; this demo takes jobs, mode");
        let dup = parse(&[JOBS], &pairs(&[("jobs", "1"), ("jobs", "2")])).expect_err("refused");
        assert_eq!(dup[0].message, "jobs is given more than once");
    }

    #[test]
    fn lists_and_times_of_day() {
        let counts = ParamSpec {
            name: "counts",
            label: "Counts",
            kind: ParamKind::IntList {
                min: 1,
                max: 10,
                max_len: 3,
            },
            default: "5,3",
        };
        assert_eq!(counts.check(" 5, 3 ,2 "), Ok(Value::Ints(vec![5, 3, 2])));
        assert_eq!(
            counts.check("1,2,3,4").map_err(|e| e.message),
            Err("counts must be a comma-separated list of 1 to 3 whole numbers, each from 1 to 10; got 4 items".into())
        );
        assert_eq!(
            counts.check("1,,2").map_err(|e| e.message),
            Err(
                "counts must be a comma-separated list of 1 to 3 whole numbers, each from 1 to 10; item 2 is empty"
                    .into()
            )
        );
        let outcomes = ParamSpec {
            name: "outcomes",
            label: "Outcomes",
            kind: ParamKind::ChoiceList {
                choices: &["ok", "fail"],
                max_len: 5,
            },
            default: "ok",
        };
        assert_eq!(outcomes.check("fail,ok"), Ok(Value::Choices(vec!["fail", "ok"])));
        assert!(outcomes.check("fail,maybe").is_err());
        let at = ParamSpec {
            name: "at",
            label: "At",
            kind: ParamKind::TimeOfDay,
            default: "09:00",
        };
        assert_eq!(at.check("09:30"), Ok(Value::Int(570)));
        assert_eq!(at.check("23:59"), Ok(Value::Int(1439)));
        assert_eq!(
            at.check("24:00").map_err(|e| e.message),
            Err("at must be a time of day from 00:00 to 23:59; got \"24:00\"".into())
        );
    }

    #[test]
    fn typed_params_read_and_write_back() {
        let fail: Param<Option<u32>> = int("fail", "Fail", 0..=9, "0");
        let at: Param<Duration> = time_of_day("at", "At", "09:00");
        let limit: Param<Option<Duration>> = ms("limit_ms", "Limit", 0..=100, "0");
        let read = |p: &ParamSpec, raw: &str| p.check(raw).expect("allowed");
        assert_eq!(fail.read(Some(&read(&fail.spec, "0"))), Ok(None));
        assert_eq!(fail.read(Some(&read(&fail.spec, "4"))), Ok(Some(4)));
        assert_eq!(fail.write(&Some(4)), "4");
        assert_eq!(fail.write(&None), "0");
        assert_eq!(
            at.read(Some(&read(&at.spec, "23:59"))),
            Ok(Duration::from_secs(1439 * 60))
        );
        assert_eq!(at.write(&Duration::from_secs(570 * 60)), "09:30");
        assert_eq!(limit.read(Some(&read(&limit.spec, "0"))), Ok(None));
        assert_eq!(limit.write(&Some(Duration::from_millis(70))), "70");
        let wrong = fail.read(Some(&Value::Choice("x"))).expect_err("another kind");
        assert_eq!(wrong[0].name, "fail");
        assert_eq!(fail.given(&pairs(&[("fail", "3")])), Some(Some(3)));
        assert_eq!(fail.given(&[]), Some(None));
        assert_eq!(fail.given(&pairs(&[("fail", "10")])), None);
    }

    #[test]
    fn a_repeated_name_is_refused_by_name() {
        let refused =
            unique_pairs(pairs(&[("jobs", "1"), ("mode", "a"), ("jobs", "2"), ("jobs", "3")])).expect_err("refused");
        assert_eq!(
            refused,
            [ParamError {
                name: "jobs".into(),
                message: "jobs is given more than once".into()
            }]
        );
        assert_eq!(
            unique_pairs([("jobs", "1"), ("mode", "a")]),
            Ok(pairs(&[("jobs", "1"), ("mode", "a")]))
        );
        let errs = parse(&[JOBS, MODE], &pairs(&[("mode", "x"), ("jobs", "1"), ("jobs", "0")])).expect_err("refused");
        let messages: Vec<_> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            ["jobs is given more than once", "mode must be one of a, b; got \"x\""]
        );
    }

    #[test]
    fn unknown_names_are_refused() {
        let errs = parse(&[JOBS], &pairs(&[("jobs", "1"), ("colour", "red")])).expect_err("refused");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].name, "colour");
        assert_eq!(errs[0].message, "unknown parameter colour; this demo takes jobs");
    }

    #[test]
    fn query_round_trips() {
        let q = to_query(&[("jobs", "3"), ("name", "a b&c=%")]);
        assert_eq!(q, "jobs=3&name=a+b%26c%3D%25");
        assert_eq!(pairs_from_query(&q), pairs(&[("jobs", "3"), ("name", "a b&c=%")]));
        assert_eq!(
            pairs_from_query("a=1+2&&b&c=%zz&d=%4&e=5%2C3,2&a=9"),
            pairs(&[
                ("a", "1 2"),
                ("b", ""),
                ("c", "%zz"),
                ("d", "%4"),
                ("e", "5,3,2"),
                ("a", "9")
            ])
        );
    }
}
