//! The bad-input table for parameters: rows generated from every
//! parameter of every demo (its declared kind and bounds): empty,
//! negative, zero, one past each bound, 2^64 and 2^128, letters, floats,
//! unicode digits and letters, control characters, very long values, bad
//! list items, too many items; plus unknown and repeated names and broken
//! rules across fields. Each row says what must come of it: refused, with
//! one message that names the parameter and what is allowed (quoted
//! values at most 40 characters, nothing unescaped), in English and in
//! Chinese with the same names and numbers (and no English left in the
//! Chinese but names and the value quoted), and nothing started;
//! or, for the bounds themselves, accepted. It prints its counts: tried,
//! passed, panics, hangs (a row that takes over a second), unclear (a
//! message that does not name what is allowed).
#![cfg(not(target_arch = "wasm32"))]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::params::{ParamKind, ParamSpec, quoted_zh};
use asyncscope_core::{VirtualRuntime, demos};

/// What a row expects.
#[derive(Clone, Debug)]
enum Expect {
    /// Accepted: no error about the value itself (a rule across fields
    /// may still refuse it beside the other fields' defaults, as the
    /// largest `min_delay_ms` is above the default `max_delay_ms`). `own`
    /// is how the parameter's own refusal starts.
    Ok { own: String },
    /// Refused with one error for `name` whose message contains each of
    /// these words (what is allowed), and whose Chinese message contains
    /// each of `says_zh`.
    Refused {
        name: String,
        says: Vec<String>,
        says_zh: Vec<String>,
    },
}

/// One row: a demo, the pairs given, what must come of them.
#[derive(Clone, Debug)]
struct Row {
    slug: &'static str,
    pairs: Vec<(String, String)>,
    expect: Expect,
}

/// The counts the suite prints.
#[derive(Debug, Default)]
struct Tally {
    tried: usize,
    passed: usize,
    panics: usize,
    hangs: usize,
    unclear: usize,
    failures: Vec<String>,
}

impl Tally {
    fn print(&self, what: &str) {
        println!(
            "bad-input table ({what}): tried {}, passed {}, panics {}, hangs {}, unclear messages {}",
            self.tried, self.passed, self.panics, self.hangs, self.unclear
        );
        for f in self.failures.iter().take(20) {
            println!("  FAILED {f}");
        }
    }
}

const LONG: usize = 100_000;

/// English left in a Chinese message: runs of three or more ASCII letters
/// that are not a parameter's name or a choice of the demo, once the value
/// quoted back (`"..."`) is taken out.
fn english_left(zh: &str, slug: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in zh.chars() {
        if quoted {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => quoted = false,
                _ => escaped = false,
            }
        } else if c == '"' {
            quoted = true;
            prose.push(' ');
        } else {
            prose.push(c);
        }
    }
    let mut known: Vec<&str> = Vec::new();
    for spec in demos::specs(slug).unwrap_or(&[]) {
        known.push(spec.name);
        if let ParamKind::Choice(c) | ParamKind::ChoiceList { choices: c, .. } = spec.kind {
            known.extend(c.iter().copied());
        }
    }
    prose
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .filter(|w| !known.contains(w))
        .map(str::to_string)
        .collect()
}

/// A message is clear if it says what is allowed (the row's words), is
/// short (a quoted value is cut at 40 characters), and has no control
/// character (a value's escape codes are escaped).
fn clear(message: &str, says: &[String]) -> Result<(), String> {
    if let Some(word) = says.iter().find(|w| !message.contains(w.as_str())) {
        return Err(format!("does not say {word:?}"));
    }
    let allowed: usize = says.iter().map(String::len).sum();
    if message.len() > allowed + 300 {
        return Err(format!("{} bytes long", message.len()));
    }
    if message.chars().any(char::is_control) {
        return Err("has a control character".into());
    }
    Ok(())
}

fn pair(name: &str, value: impl Into<String>) -> Vec<(String, String)> {
    vec![(name.to_string(), value.into())]
}

/// Values every kind refuses.
fn common_bad() -> Vec<String> {
    vec![
        String::new(),
        "   ".into(),
        "\t".into(),
        "\0".into(),
        "\u{1b}[31mred\u{1b}[0m".into(),
        "💥".into(),
        "é".into(),
        "e\u{301}".into(),
        "x".repeat(LONG),
        "null".into(),
        "undefined".into(),
        "NaN".into(),
        "inf".into(),
        "-inf".into(),
        "%41".into(),
        "<script>".into(),
        "a=b".into(),
        "a&b".into(),
    ]
}

/// Whole numbers (items) a range refuses: below, above, 2^64 and more,
/// signs, letters, floats, other digits, very long.
fn bad_numbers(min: u64, max: u64) -> Vec<String> {
    let mut bad = vec![
        (u128::from(max) + 1).to_string(),
        "18446744073709551616".into(),
        "340282366920938463463374607431768211456".into(),
        "9".repeat(LONG),
        "-1".into(),
        "-0".into(),
        "--1".into(),
        format!("-{max}"),
        "1.5".into(),
        "1.0".into(),
        "1e3".into(),
        "0x10".into(),
        "1_000".into(),
        "1 000".into(),
        "abc".into(),
        "１２".into(),
        "٣".into(),
        "½".into(),
        "+".into(),
        "-".into(),
    ];
    if min > 0 {
        bad.push((min - 1).to_string());
        bad.push("0".into());
    }
    if max < 1_000_000 {
        bad.push(format!("{max}0"));
    }
    bad
}

/// The rows for one parameter of one demo.
fn rows_for(slug: &'static str, spec: &ParamSpec) -> Vec<Row> {
    let refused = |value: String| Row {
        slug,
        pairs: pair(spec.name, value),
        expect: Expect::Refused {
            name: spec.name.to_string(),
            says: vec![format!("{} must be {}", spec.name, spec.allowed())],
            says_zh: vec![format!("{} 必须是", spec.name), spec.allowed_zh()],
        },
    };
    let accepted = |value: String| Row {
        slug,
        pairs: pair(spec.name, value),
        expect: Expect::Ok {
            own: format!("{} must be {}", spec.name, spec.allowed()),
        },
    };
    let mut rows: Vec<Row> = common_bad().into_iter().map(refused).collect();
    match spec.kind {
        ParamKind::Int { min, max } => {
            rows.extend(bad_numbers(min, max).into_iter().map(refused));
            rows.extend(
                [min.to_string(), max.to_string(), format!(" {max} ")]
                    .into_iter()
                    .map(accepted),
            );
        }
        ParamKind::Choice(choices) => {
            rows.extend(
                [
                    "nope".to_string(),
                    "1".into(),
                    format!("{},{}", choices[0], choices[0]),
                    format!("{}x", choices[0]),
                    format!("{}\u{0}", choices[0]),
                    choices[0].repeat(1000),
                    choices.join(""),
                ]
                .into_iter()
                .map(refused),
            );
            for c in choices {
                rows.push(accepted((*c).to_string()));
                rows.push(accepted(c.to_uppercase()));
            }
        }
        ParamKind::IntList { min, max, max_len } => {
            let item = min.max(1).min(max).to_string();
            let mut bad: Vec<String> = bad_numbers(min, max);
            bad.extend(bad_numbers(min, max).into_iter().map(|b| format!("{item},{b}")));
            bad.extend([
                ",".to_string(),
                format!("{item},"),
                format!(",{item}"),
                format!("{item},,{item}"),
                format!("{item};{item}"),
                vec![item.as_str(); max_len + 1].join(","),
                vec![item.as_str(); 100_000].join(","),
            ]);
            rows.extend(bad.into_iter().map(refused));
            rows.push(accepted(vec![item.as_str(); max_len].join(",")));
            rows.push(accepted(format!("{min}")));
            rows.push(accepted(format!("{max}")));
        }
        ParamKind::ChoiceList { choices, max_len } => {
            let c = choices[0];
            rows.extend(
                [
                    "nope".to_string(),
                    ",".into(),
                    format!("{c},"),
                    format!("{c},,{c}"),
                    format!("{c},nope"),
                    format!("{c};{c}"),
                    vec![c; max_len + 1].join(","),
                    vec![c; 100_000].join(","),
                    "1".into(),
                ]
                .into_iter()
                .map(refused),
            );
            rows.push(accepted(vec![c; max_len].join(",")));
            let some: Vec<&str> = choices.iter().copied().take(max_len).collect();
            rows.push(accepted(some.join(",").to_uppercase()));
        }
        ParamKind::TimeOfDay => {
            rows.extend(
                [
                    "24:00",
                    "9:0",
                    "09:60",
                    "0900",
                    "ab:cd",
                    "-1:00",
                    "09:-1",
                    "٠٩:٠٠",
                    "09:00:00",
                    "9",
                    ":",
                    "09:",
                    ":00",
                    "9.5",
                    "99999999999999999999:00",
                ]
                .into_iter()
                .map(String::from)
                .map(refused),
            );
            rows.extend(
                ["00:00", "23:59", "9:00", " 09:30 "]
                    .into_iter()
                    .map(String::from)
                    .map(accepted),
            );
        }
    }
    // A list of allowed items that is too long only when the rule counts
    // items: the rows above say so where it matters.
    rows
}

/// Names a demo does not take, and a name given twice.
fn name_rows(slug: &'static str, specs: &[ParamSpec]) -> Vec<Row> {
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    let takes = format!("this demo takes {}", names.join(", "));
    let takes_zh = format!("本演示接受的参数是 {}", names.join("、"));
    let unknown = |name: String| Row {
        slug,
        pairs: pair(&name, "1"),
        expect: Expect::Refused {
            name: name.clone(),
            says: vec!["unknown parameter".into(), takes.clone()],
            says_zh: vec![format!("未知参数 {}", quoted_zh(&name)), takes_zh.clone()],
        },
    };
    let mut rows: Vec<Row> = [
        "speed".to_string(),
        String::new(),
        " ".into(),
        "seed".into(),
        names[0].to_uppercase(),
        format!("{} ", names[0]),
        "💥".into(),
    ]
    .into_iter()
    .filter(|n| !names.contains(&n.as_str()))
    .map(unknown)
    .collect();
    let first = &specs[0];
    rows.push(Row {
        slug,
        pairs: vec![
            (first.name.into(), first.default.into()),
            (first.name.into(), first.default.into()),
        ],
        expect: Expect::Refused {
            name: first.name.into(),
            says: vec![format!("{} is given more than once", first.name)],
            says_zh: vec![format!("{} 给出了不止一次", first.name)],
        },
    });
    rows
}

/// Rules across fields, broken: one error, under the rule's first field
/// (the page shows it under each field it names).
fn rule_rows() -> Vec<Row> {
    let row = |slug, pairs: &[(&str, &str)], name: &str, says: &str, says_zh: &str| Row {
        slug,
        pairs: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        expect: Expect::Refused {
            name: name.into(),
            says: vec![says.into()],
            says_zh: vec![says_zh.into()],
        },
    };
    vec![
        row(
            "fetch",
            &[("min_delay_ms", "2000"), ("max_delay_ms", "100")],
            "min_delay_ms",
            "max_delay_ms must be at least min_delay_ms (2000); got 100",
            "max_delay_ms 必须不小于 min_delay_ms（2000）；收到 100",
        ),
        row(
            "fetch",
            &[("requests", "5"), ("fail_index", "9")],
            "requests",
            "fail_index must be from 0 to the number of requests (5); got 9",
            "fail_index 必须在 0 到请求数（5）之间；收到 9",
        ),
        row(
            "task-manager",
            &[("jobs", "3"), ("fail_job", "4")],
            "jobs",
            "fail_job must be from 0 to the number of jobs (3); got 4",
            "fail_job 必须在 0 到作业数（3）之间；收到 4",
        ),
        row(
            "task-manager",
            &[("jobs", "3"), ("cancel_job", "4")],
            "jobs",
            "cancel_job must be from 0 to the number of jobs (3); got 4",
            "cancel_job 必须在 0 到作业数（3）之间；收到 4",
        ),
    ]
}

/// The table above breaks every rule across fields that a demo declares.
#[test]
fn every_rule_across_fields_is_in_the_table() {
    let rows = rule_rows();
    for entry in ENTRIES {
        for rule in demos::rules(entry.slug) {
            let broken = rows
                .iter()
                .any(|row| row.slug == entry.slug && rule.fields.iter().all(|f| row.pairs.iter().any(|(k, _)| k == f)));
            assert!(
                broken,
                "{}: the rule over {:?} is never broken",
                entry.slug, rule.fields
            );
        }
    }
}

fn all_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for entry in ENTRIES {
        let specs = demos::specs(entry.slug).expect("a demo");
        for spec in specs {
            rows.extend(rows_for(entry.slug, spec));
        }
        rows.extend(name_rows(entry.slug, specs));
    }
    rows.extend(rule_rows());
    rows
}

/// Tries a row: through `demos::check`, and for a refusal through
/// `demos::start` too (which must start nothing).
fn try_row(row: &Row) -> Result<(), (bool, String)> {
    let checked = demos::check(row.slug, &row.pairs);
    match (&row.expect, checked) {
        (Expect::Ok { .. }, Ok(())) => Ok(()),
        (Expect::Ok { own }, Err(e)) => match e.iter().find(|e| e.message.starts_with(own.as_str())) {
            Some(e) => Err((false, format!("refused: {}", e.message))),
            None => Ok(()),
        },
        (Expect::Refused { .. }, Ok(())) => Err((false, "accepted".into())),
        (Expect::Refused { name, says, says_zh }, Err(errors)) => {
            let rt = VirtualRuntime::new();
            match demos::start(row.slug, rt.env(), &row.pairs) {
                Ok(_) => return Err((false, "start accepted what check refused".into())),
                Err(again) if again != errors => return Err((false, "start and check disagree".into())),
                Err(_) => {}
            }
            if rt.now() != Duration::ZERO {
                return Err((false, "a refused start moved the clock".into()));
            }
            if errors.len() != 1 || &errors[0].name != name {
                let names: Vec<&str> = errors.iter().map(|e| e.name.as_str()).collect();
                return Err((false, format!("errors for {names:?}, not one for {name:?}")));
            }
            clear(&errors[0].message, says).map_err(|why| (true, format!("{why}: {:?}", errors[0].message)))?;
            let zh = &errors[0].message_zh;
            clear(zh, says_zh).map_err(|why| (true, format!("in Chinese, {why}: {zh:?}")))?;
            let left = english_left(zh, row.slug);
            if left.is_empty() {
                Ok(())
            } else {
                Err((true, format!("English left in Chinese, {left:?}: {zh:?}")))
            }
        }
    }
}

#[test]
fn every_bad_parameter_value_is_refused_with_what_is_allowed() {
    let rows = all_rows();
    let mut tally = Tally::default();
    for row in &rows {
        tally.tried += 1;
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| try_row(row)));
        let took = t.elapsed();
        let shown = |pairs: &[(String, String)]| {
            let short: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{k}={:?}", v.chars().take(30).collect::<String>()))
                .collect();
            format!("{} {}", row.slug, short.join("&"))
        };
        match result {
            Err(_) => {
                tally.panics += 1;
                tally.failures.push(format!("{}: panicked", shown(&row.pairs)));
            }
            Ok(_) if took > Duration::from_secs(1) => {
                tally.hangs += 1;
                tally.failures.push(format!("{}: took {took:?}", shown(&row.pairs)));
            }
            Ok(Ok(())) => tally.passed += 1,
            Ok(Err((unclear, why))) => {
                if unclear {
                    tally.unclear += 1;
                }
                tally.failures.push(format!("{}: {why}", shown(&row.pairs)));
            }
        }
    }
    tally.print("parameters of every demo");
    assert!(tally.tried > 3000, "{} rows", tally.tried);
    assert_eq!(
        (tally.passed, tally.panics, tally.hangs, tally.unclear),
        (tally.tried, 0, 0, 0),
        "{:#?}",
        tally.failures
    );
}
