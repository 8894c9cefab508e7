//! Fuzzing on stable Rust, with proptest: the parameter parser, the trace
//! reader (`Trace::from_json`) and the lab's request planner (`lab::plan`),
//! each fed 10,000 generated or mutated inputs per run (the case count is
//! set here, not left to the default). Every input must come back without
//! a panic, within a time bound, and either accepted (and within bounds)
//! or refused with a clear message: one that names what is allowed, is
//! short, and carries no control character. Native only.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::lab::{self, BodyError, FlakyCounter, LabRequest};
use asyncscope_core::params::{ParamKind, ParamSpec, Value};
use asyncscope_core::{Trace, VirtualRuntime, demos};
use proptest::prelude::*;

/// Inputs per test and run.
const CASES: u32 = 10_000;

/// How long one input may take (debug build, a loaded machine).
const BOUND: Duration = Duration::from_millis(500);

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        // Inputs are cheap; a failure is shrunk, but not for ever.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// Every parameter of every demo.
fn all_specs() -> &'static [(&'static str, ParamSpec)] {
    static SPECS: OnceLock<Vec<(&'static str, ParamSpec)>> = OnceLock::new();
    SPECS.get_or_init(|| {
        ENTRIES
            .iter()
            .flat_map(|e| demos::specs(e.slug).unwrap_or(&[]).iter().map(move |s| (e.slug, *s)))
            .collect()
    })
}

/// Values a spec accepts, to mutate.
fn seeds(spec: &ParamSpec) -> Vec<String> {
    let mut out = vec![spec.default.to_string()];
    match spec.kind {
        ParamKind::Int { min, max } => out.extend([min.to_string(), max.to_string()]),
        ParamKind::Choice(choices) => out.extend(choices.iter().map(|c| c.to_string())),
        ParamKind::IntList { min, max, .. } => out.push(format!("{min},{max}")),
        ParamKind::ChoiceList { choices, .. } => out.push(choices.join(",")),
        ParamKind::TimeOfDay => out.extend(["00:00".to_string(), "23:59".into()]),
    }
    out
}

/// One edit of a string: where (a share of its length), what, with which
/// character.
type Edit = (f64, u8, char);

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let ch = prop_oneof![
        4 => prop::char::range('0', '9'),
        2 => Just(','),
        1 => Just(':'),
        1 => Just('-'),
        1 => Just('.'),
        1 => Just(' '),
        2 => any::<char>(),
    ];
    prop::collection::vec((0.0..1.0f64, 0u8..6, ch), 0..8)
}

/// `base` with `edits` applied: insert, delete, replace, duplicate the
/// whole, cut, or append many digits.
fn mutate(base: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for &(at, what, c) in edits {
        let i = ((chars.len() as f64) * at) as usize;
        let i = i.min(chars.len());
        match what {
            0 => chars.insert(i, c),
            1 if i < chars.len() => {
                chars.remove(i);
            }
            2 if i < chars.len() => chars[i] = c,
            3 => {
                let copy = chars.clone();
                chars.push(',');
                chars.extend(copy);
            }
            4 => chars.truncate(i),
            _ => chars.extend(std::iter::repeat_n('9', 25)),
        }
    }
    chars.into_iter().collect()
}

/// A raw value: a mutation of one the spec accepts, or anything at all.
fn raw_value(spec: ParamSpec) -> impl Strategy<Value = String> {
    let seeds = seeds(&spec);
    prop_oneof![
        6 => (prop::sample::select(seeds), edits()).prop_map(|(base, e)| mutate(&base, &e)),
        2 => ".{0,48}",
        1 => "[0-9,: -]{0,40}",
        1 => "\\PC{0,20}",
    ]
}

/// Whether a refusal's message is clear: it says `must`, is short, and has
/// no control character.
fn clear(message: &str, must: &str) -> Result<(), TestCaseError> {
    prop_assert!(message.contains(must), "{message:?} does not say {must:?}");
    prop_assert!(
        // A quoted value is at most 40 characters, each escaped in at
        // most 10 bytes (`\u{10ffff}`).
        message.len() <= must.len() + 600,
        "{} bytes: {message:?}",
        message.len()
    );
    prop_assert!(!message.chars().any(char::is_control), "{message:?}");
    Ok(())
}

fn spec_and_value() -> impl Strategy<Value = (usize, String)> {
    (0..all_specs().len()).prop_flat_map(|i| (Just(i), raw_value(all_specs()[i].1)))
}

proptest! {
    #![proptest_config(config())]

    /// The parameter parser: a spec's `check`, then the whole demo's
    /// `check` with the value and a second, random name.
    #[test]
    fn the_parameter_parser_accepts_in_bounds_or_names_what_is_allowed(
        (i, raw) in spec_and_value(),
        other in prop_oneof![Just(None), "[a-z_]{1,12}".prop_map(Some)],
        other_value in ".{0,12}",
    ) {
        let (slug, spec) = all_specs()[i];
        let t = Instant::now();
        let checked = spec.check(&raw);
        match &checked {
            Ok(Value::Int(n)) => match spec.kind {
                ParamKind::Int { min, max } => prop_assert!((min..=max).contains(n), "{n}"),
                ParamKind::TimeOfDay => prop_assert!(*n < 24 * 60, "{n}"),
                _ => prop_assert!(false, "a whole number for {:?}", spec.kind),
            },
            Ok(Value::Choice(c)) => match spec.kind {
                ParamKind::Choice(choices) => prop_assert!(choices.contains(c)),
                _ => prop_assert!(false, "a choice for {:?}", spec.kind),
            },
            Ok(Value::Ints(items)) => match spec.kind {
                ParamKind::IntList { min, max, max_len } => {
                    prop_assert!(!items.is_empty() && items.len() <= max_len);
                    prop_assert!(items.iter().all(|n| (min..=max).contains(n)));
                }
                _ => prop_assert!(false, "a list for {:?}", spec.kind),
            },
            Ok(Value::Choices(items)) => match spec.kind {
                ParamKind::ChoiceList { choices, max_len } => {
                    prop_assert!(!items.is_empty() && items.len() <= max_len);
                    prop_assert!(items.iter().all(|c| choices.contains(c)));
                }
                _ => prop_assert!(false, "a list for {:?}", spec.kind),
            },
            Err(e) => {
                prop_assert_eq!(&e.name, spec.name);
                clear(&e.message, &format!("{} must be {}", spec.name, spec.allowed()))?;
            }
        }
        let mut pairs = vec![(spec.name.to_string(), raw.clone())];
        if let Some(name) = other {
            pairs.push((name, other_value));
        }
        if let Err(errors) = demos::check(slug, &pairs) {
            prop_assert!(!errors.is_empty());
            for e in &errors {
                let message = &e.message;
                prop_assert!(
                    message.contains(" must ") || message.contains("this demo takes")
                        || message.ends_with("is given more than once"),
                    "{message:?}"
                );
                prop_assert!(message.len() <= 1200 && !message.chars().any(char::is_control), "{message:?}");
            }
        } else {
            prop_assert!(checked.is_ok(), "the demo took what its spec refused");
        }
        prop_assert!(t.elapsed() < BOUND, "took {:?}", t.elapsed());
    }
}

/// A few real traces, as JSON, to mutate: small ones, so that 10,000
/// readings stay quick in a debug build.
fn base_traces() -> &'static [String] {
    static BASES: OnceLock<Vec<String>> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut out = Vec::new();
        for (slug, pairs) in [
            ("first-completed", vec![]),
            ("retry", vec![("jitter", "full"), ("attempts", "3")]),
            ("semaphore", vec![("tasks", "3"), ("limit", "2")]),
            ("fetch", vec![("requests", "3")]),
        ] {
            let rt = VirtualRuntime::with_seed(1);
            let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let started = demos::start(slug, rt.env(), &pairs)
                .ok()
                .flatten()
                .expect("a demo with valid parameters");
            let _ = rt.block_on(started.work);
            for (_, traced) in &started.runs {
                out.push(traced.snapshot().to_json().expect("serialises"));
            }
        }
        // The smallest trace there is.
        out.push(Trace::new().to_json().expect("serialises"));
        out
    })
}

/// A byte-level mutation of a trace's JSON: edits anywhere, a number
/// changed, a cut, or two parts swapped.
fn mutated_trace() -> impl Strategy<Value = String> {
    let n = base_traces().len();
    let number = prop_oneof![
        Just("-1".to_string()),
        Just("18446744073709551616".to_string()),
        Just("1e999".to_string()),
        Just("0.5".to_string()),
        Just("null".to_string()),
        Just("\"x\"".to_string()),
        (0u64..5000).prop_map(|n| n.to_string()),
    ];
    prop_oneof![
        4 => (0..n, edits()).prop_map(|(i, e)| mutate(&base_traces()[i], &e)),
        3 => (0..n, 0.0..1.0f64, number).prop_map(|(i, at, num)| {
            // Replace the number at (or after) a place with another value.
            let text = &base_traces()[i];
            let start = ((text.len() as f64) * at) as usize;
            let from = text[start.min(text.len())..]
                .find(|c: char| c.is_ascii_digit())
                .map(|p| p + start);
            match from {
                Some(from) => {
                    let len = text[from..].find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len() - from);
                    format!("{}{}{}", &text[..from], num, &text[from + len..])
                }
                None => text.clone(),
            }
        }),
        1 => (0..n, 0.0..1.0f64).prop_map(|(i, at)| {
            let text = &base_traces()[i];
            let mut cut = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }),
        1 => (0..n, 0.0..1.0f64, 0.0..1.0f64).prop_map(|(i, a, b)| {
            let text = &base_traces()[i];
            let (mut a, mut b) = (((text.len() as f64) * a) as usize, ((text.len() as f64) * b) as usize);
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            format!("{}{}{}", &text[b..], &text[a..b], &text[..a])
        }),
        1 => ".{0,200}",
    ]
}

proptest! {
    #![proptest_config(config())]

    /// `Trace::from_json` on mutated traces: a trace that reads is whole
    /// (it writes back and reads again as the same trace); anything else
    /// is refused as "not an asyncscope trace", briefly.
    #[test]
    fn the_trace_reader_reads_a_whole_trace_or_says_why_not(text in mutated_trace()) {
        let t = Instant::now();
        match Trace::from_json(&text) {
            Ok(trace) => {
                let again = trace.to_json().expect("a trace that was read writes back");
                let back = Trace::from_json(&again).expect("and reads again");
                prop_assert_eq!(back, trace);
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("not an asyncscope trace: "), "{message}");
                prop_assert!(message.len() > "not an asyncscope trace: ".len());
                prop_assert!(message.chars().count() <= 700, "{} bytes: {message}", message.len());
                prop_assert!(!message.chars().any(char::is_control), "{message:?}");
            }
        }
        prop_assert!(t.elapsed() < BOUND, "took {:?}", t.elapsed());
    }
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["GET", "HEAD", "POST"]).prop_map(String::from),
        1 => prop::sample::select(vec!["PUT", "DELETE", "PATCH", "OPTIONS", "get", ""]).prop_map(String::from),
        1 => ".{0,60}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    let endpoint = prop::sample::select(vec![
        "health", "stats", "echo", "delay", "status", "bytes", "flaky", "nope", "",
    ]);
    let segment = prop_oneof![
        3 => (0u64..100_000).prop_map(|n| n.to_string()),
        1 => Just("67108864".to_string()),
        1 => Just("18446744073709551616".to_string()),
        2 => "[A-Za-z0-9_%.\\-]{0,70}",
        1 => "\\PC{0,10}",
    ];
    prop_oneof![
        6 => (endpoint, prop::option::of(segment), prop::option::of("[a-z0-9]{0,4}"))
            .prop_map(|(e, s, extra)| {
                let mut p = format!("/api/{e}");
                if let Some(s) = s {
                    p.push('/');
                    p.push_str(&s);
                }
                if let Some(x) = extra {
                    p.push('/');
                    p.push_str(&x);
                }
                p
            }),
        1 => "/api[/a-z%0-9.]{0,30}",
        1 => ".{0,50}",
    ]
}

fn query() -> impl Strategy<Value = Option<String>> {
    let name = prop::sample::select(vec![
        "status",
        "jitter_ms",
        "fail_rate",
        "seed",
        "chunk",
        "interval_ms",
        "fail_first",
        "x",
        "",
    ]);
    let value = prop_oneof![
        3 => (0u64..40_000).prop_map(|n| n.to_string()),
        1 => Just("18446744073709551616".to_string()),
        1 => (0.0..2.0f64).prop_map(|f| f.to_string()),
        1 => "[a-z0-9%.+\\-]{0,20}",
        1 => "\\PC{0,10}",
    ];
    prop_oneof![
        1 => Just(None),
        4 => prop::collection::vec((name, value), 0..4).prop_map(|pairs| {
            Some(pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
        }),
        1 => ".{0,60}".prop_map(Some),
    ]
}

fn body() -> impl Strategy<Value = Result<Vec<u8>, bool>> {
    prop_oneof![
        4 => Just(Ok(Vec::new())),
        2 => "\\{\"a\":[0-9]{0,5}\\}|\\[[0-9, ]{0,20}\\]|[{}\\[\\]\":, a-z0-9]{0,40}".prop_map(|s| Ok(s.into_bytes())),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(Ok),
        1 => any::<bool>().prop_map(Err),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// The lab's planner on any request: a plan within the API's bounds
    /// (a wait of at most a minute, a download of at most 64 MiB and 10
    /// min, `Allow` on a 405), or a 4xx refusal with a brief error and
    /// what is allowed.
    #[test]
    fn the_lab_planner_answers_within_bounds_or_refuses_clearly(
        method in method(),
        path in path(),
        query in query(),
        body in body(),
        random in any::<u64>(),
    ) {
        let body = match &body {
            Ok(bytes) => Ok(bytes.as_slice()),
            Err(true) => Err(BodyError::TooLarge),
            Err(false) => Err(BodyError::Unreadable("connection reset")),
        };
        let request = LabRequest { method: &method, path: &path, query: query.as_deref(), body };
        let mut flaky = FlakyCounter::default();
        let t = Instant::now();
        match lab::plan(&request, random, &mut |key| flaky.next_call(key)) {
            Ok(plan) => {
                prop_assert!((200..=599).contains(&plan.status), "{}", plan.status);
                prop_assert!(plan.wait <= Duration::from_secs(60), "{:?}", plan.wait);
                if plan.status == 405 {
                    prop_assert!(plan.allow.is_some());
                    if let lab::Body::Json(v) = &plan.body {
                        let error = v["error"].as_str().unwrap_or_default();
                        prop_assert!(!error.chars().any(char::is_control), "{error:?}");
                        prop_assert!(error.len() <= 600, "{error:?}");
                        prop_assert!(v["allowed"].is_array(), "{v}");
                    } else {
                        prop_assert!(false, "a 405 without its JSON error");
                    }
                }
                if let lab::Body::Bytes(d) = &plan.body {
                    prop_assert!(d.total <= lab::limits::MAX_BYTES && d.chunk >= 1);
                    prop_assert!(d.duration() <= Duration::from_millis(lab::limits::MAX_DOWNLOAD_MS));
                }
            }
            Err(r) => {
                prop_assert!([400, 404, 413].contains(&r.status), "{}", r.status);
                prop_assert!(!r.error.is_empty() && r.error.len() <= 700, "{:?}", r.error);
                prop_assert!(!r.error.chars().any(char::is_control), "{:?}", r.error);
                prop_assert!(!r.allowed.is_null(), "{}", r.error);
            }
        }
        prop_assert!(flaky.len() <= 1);
        prop_assert!(t.elapsed() < BOUND, "took {:?}", t.elapsed());
    }
}
