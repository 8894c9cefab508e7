//! Demo parameters: their specs, and validation that names the allowed
//! range instead of clamping or panicking.

use std::fmt;

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

/// Validates `name=value` pairs against `specs`: every spec gets its value or
/// its default, in spec order. Unknown names, repeated names and bad values
/// are all reported, not just the first.
pub fn parse(specs: &[ParamSpec], pairs: &[(String, String)]) -> Result<Vec<Value>, Vec<ParamError>> {
    let mut values: Vec<Option<Value>> = vec![None; specs.len()];
    let mut errors = Vec::new();
    for (name, raw) in pairs {
        let Some(i) = specs.iter().position(|s| s.name == name) else {
            let names: Vec<_> = specs.iter().map(|s| s.name).collect();
            errors.push(ParamError {
                name: name.clone(),
                message: format!("unknown parameter {name}; this demo takes {}", names.join(", ")),
            });
            continue;
        };
        if values[i].is_some() {
            errors.push(ParamError {
                name: name.clone(),
                message: format!("{name} is given more than once"),
            });
            continue;
        }
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

/// Splits a URL query (`jobs=2&duration_ms=300`, no leading `?`) into
/// decoded pairs. `+` is a space; `%XX` escapes are decoded; a malformed
/// escape is kept as it stands.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Encodes pairs as a URL query (no leading `?`).
pub fn to_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Validated values by name, for a demo's `Params::from_pairs`.
pub struct Parsed {
    specs: &'static [ParamSpec],
    values: Vec<Value>,
}

impl Parsed {
    /// Validates `pairs` against `specs` (see [`parse`]).
    pub fn new(specs: &'static [ParamSpec], pairs: &[(String, String)]) -> Result<Self, Vec<ParamError>> {
        Ok(Self {
            specs,
            values: parse(specs, pairs)?,
        })
    }

    fn get(&self, name: &str) -> Option<&Value> {
        let i = self.specs.iter().position(|s| s.name == name)?;
        self.values.get(i)
    }

    /// The whole number `name` (0 if it is not an integer parameter).
    pub fn int(&self, name: &str) -> u64 {
        match self.get(name) {
            Some(Value::Int(n)) => *n,
            _ => 0,
        }
    }

    /// The choice `name` (empty if it is not a choice parameter).
    pub fn choice(&self, name: &str) -> &'static str {
        match self.get(name) {
            Some(Value::Choice(c)) => c,
            _ => "",
        }
    }

    /// The choice `name` read as a yes/no (`true`).
    pub fn flag(&self, name: &str) -> bool {
        self.choice(name) == "true"
    }

    /// The list of whole numbers `name` (empty if it is not one).
    pub fn ints(&self, name: &str) -> Vec<u64> {
        match self.get(name) {
            Some(Value::Ints(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    /// The list of names `name` (empty if it is not one).
    pub fn choices(&self, name: &str) -> Vec<&'static str> {
        match self.get(name) {
            Some(Value::Choices(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    /// The whole number `name` as milliseconds.
    pub fn ms(&self, name: &str) -> std::time::Duration {
        std::time::Duration::from_millis(self.int(name))
    }

    /// A refusal of `name` that involves another parameter.
    pub fn refuse(name: &str, message: String) -> Vec<ParamError> {
        vec![ParamError {
            name: name.to_string(),
            message,
        }]
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
    fn query_round_trips() {
        let q = to_query(&[("jobs", "3".into()), ("name", "a b&c=%".into())]);
        assert_eq!(q, "jobs=3&name=a%20b%26c%3D%25");
        assert_eq!(parse_query(&q), pairs(&[("jobs", "3"), ("name", "a b&c=%")]));
        assert_eq!(
            parse_query("a=1+2&&b&c=%zz&d=%4"),
            pairs(&[("a", "1 2"), ("b", ""), ("c", "%zz"), ("d", "%4")])
        );
    }
}
