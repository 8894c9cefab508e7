//! [`Param`]: a parameter with the type of its field, and its `const`
//! constructors.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::time::Duration;

use strum::VariantNames;

use super::{ParamError, ParamKind, ParamSpec, Value, When};

/// A parameter declared with the type of its field: its spec, and how a
/// validated [`Value`] reads as that type and writes back as text. The
/// constructors ([`int`], [`ms`], [`choice`], [`flag`], [`ints`],
/// [`choices`], [`time_of_day`]) are `const`, so a demo declares each
/// parameter once, in `declare_params!`, and its `SPECS` come from the
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
                when: None,
            },
            read,
            write,
        }
    }

    /// The parameter matters only while `name` has one of `values` (a form
    /// hides it otherwise): `NETWORK.when("work", &["request"])`.
    pub const fn when(self, name: &'static str, values: &'static [&'static str]) -> Self {
        self.with_when(When { name, values, is: true })
    }

    /// The parameter matters only while `name` has none of `values`:
    /// `cancel_at_ms` unless `cancel_job=0`.
    pub const fn unless(self, name: &'static str, values: &'static [&'static str]) -> Self {
        self.with_when(When {
            name,
            values,
            is: false,
        })
    }

    const fn with_when(self, when: When) -> Self {
        let Param { spec, read, write } = self;
        Param {
            spec: ParamSpec {
                when: Some(when),
                ..spec
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
                message_zh: format!("{}；它的值无法读取", self.spec.must_be_zh()),
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

impl<T> fmt::Debug for Param<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Param")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}
