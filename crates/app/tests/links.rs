//! Fuzzing the share-link parser natively, with proptest: 10,000
//! generated or mutated `location.hash` values per run go through what
//! the page does with a link (`Route::from_hash`, then the demo's form
//! from its query, its errors, whether it runs, the address it writes
//! back). None may panic or take long; every message the page would show
//! is brief and printable; a form that runs is one the core accepts, and
//! its own link opens as the same form.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use asyncscope_app::route::Route;
use asyncscope_core::Bilingual;
use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::demos;
use asyncscope_view::state::Form;
use proptest::prelude::*;

fn form(slug: &'static str, query: &[(String, String)]) -> Form {
    let specs = demos::specs(slug).expect("a demo");
    Form::from_query(specs, query).with_rules(demos::rules(slug), demos::randomness(slug))
}

/// A message the page shows, in either language: brief (a quoted value
/// is at most 40 characters, escaped) and printable.
fn shown(message: &Bilingual) -> Result<(), TestCaseError> {
    for text in [&message.en, &message.zh] {
        prop_assert!(text.len() <= 1200, "{} bytes: {text:?}", text.len());
        prop_assert!(!text.chars().any(char::is_control), "{text:?}");
    }
    Ok(())
}

/// Links: real ones (every preset, every default) mutated, and anything.
fn link() -> impl Strategy<Value = String> {
    let mut real: Vec<String> = vec![
        format!(
            "#/compose?code={}",
            asyncscope_core::py::link::encode(
                "import asyncio\n\nasync def main():\n    await asyncio.sleep(1)\n\nasyncio.run(main())\n"
            )
        ),
        "#/compose?code=".to_string(),
    ];
    for e in ENTRIES {
        real.push(format!("#/{}", e.slug));
        for p in demos::presets(e.slug) {
            let pairs = p.owned_pairs();
            let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            real.push(format!("#/{}?{}&seed=7", e.slug, query.join("&")));
        }
    }
    let piece = prop_oneof![
        3 => "[a-z_]{1,12}=[0-9a-z,:]{0,12}",
        1 => "seed=[0-9]{0,25}",
        1 => "%[0-9A-Fa-f]{0,2}",
        1 => "[&=?#/+%]",
        1 => "\\PC{0,8}",
        1 => ".{0,8}",
    ];
    prop_oneof![
        6 => (prop::sample::select(real), prop::collection::vec((0.0..1.0f64, piece), 0..5)).prop_map(|(base, edits)| {
            let mut link = base;
            for (at, piece) in edits {
                let mut i = ((link.len() as f64) * at) as usize;
                while !link.is_char_boundary(i) {
                    i -= 1;
                }
                if piece.len() % 3 == 0 && i < link.len() {
                    // Replace what follows, as far as the piece is long.
                    let mut end = (i + piece.len()).min(link.len());
                    while !link.is_char_boundary(end) {
                        end -= 1;
                    }
                    link.replace_range(i..end, &piece);
                } else {
                    link.insert_str(i, &piece);
                }
            }
            link
        }),
        1 => ".{0,80}",
        1 => "#/[a-z\\-]{0,24}\\?[a-z_=&0-9%]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn a_share_link_opens_as_a_form_that_says_what_is_wrong(hash in link()) {
        let t = Instant::now();
        match Route::from_hash(&hash) {
            Route::Home => {}
            Route::Compose { program, .. } => {
                // A program link that cannot be read says why, briefly.
                if let Err(why) = program {
                    shown(&why)?;
                }
            }
            Route::NotFound { path } => {
                prop_assert!(path.starts_with('/'), "{path:?}");
                prop_assert!(path.len() <= hash.len() + 1);
            }
            Route::Demo { entry, query } => {
                let form = form(entry.slug, &query);
                for i in 0..form.specs.len() {
                    if let Some(error) = form.field_error(i) {
                        shown(&error)?;
                    }
                    let _ = form.shows(i);
                }
                for note in &form.unknown {
                    shown(note)?;
                }
                if let Err(error) = form.seed() {
                    shown(&error)?;
                }
                let _ = form.shows_seed();
                if form.is_valid() {
                    prop_assert!(demos::check(entry.slug, &form.pairs()).is_ok(), "{:?}", form.pairs());
                    let back = Route::from_hash(&Route::demo_hash(entry.slug, &form.query()));
                    match back {
                        Route::Demo { entry: again, query } => {
                            prop_assert_eq!(again.slug, entry.slug);
                            let reopened = self::form(entry.slug, &query);
                            prop_assert!(reopened.is_valid());
                            prop_assert_eq!(reopened.pairs(), form.pairs());
                            prop_assert_eq!(reopened.seed(), form.seed());
                        }
                        other => prop_assert!(false, "its own link opens {other:?}"),
                    }
                } else {
                    let refused = (0..form.specs.len()).any(|i| form.field_error(i).is_some()) || form.seed().is_err();
                    prop_assert!(refused, "a form that does not run says why");
                }
            }
        }
        prop_assert!(t.elapsed() < Duration::from_millis(500), "took {:?}", t.elapsed());
    }
}

/// The bad-input table for share links: every parameter of every demo,
/// with bad values from its kind and bounds, percent-encoded in a link as
/// *Copy link* would write it, plus a repeated name and a bad seed. The
/// page must open the demo and show, under the field, a message naming
/// what is allowed, in English and in Chinese with the same numbers (a
/// menu shows its default, with the note); a field that is not allowed
/// keeps the form from running. Prints its counts.
#[test]
fn every_bad_link_value_shows_what_is_allowed_under_its_field() {
    use asyncscope_core::params::{ParamKind, to_query};
    let (mut tried, mut passed, mut panics, mut hangs, mut unclear) = (0, 0, 0, 0, 0);
    let mut failures: Vec<String> = Vec::new();
    for e in ENTRIES {
        let specs = demos::specs(e.slug).expect("a demo");
        for (i, spec) in specs.iter().enumerate() {
            let mut bad: Vec<String> = vec![
                String::new(),
                "💥".into(),
                "\u{1b}[31m".into(),
                "\0".into(),
                "x".repeat(10_000),
                "18446744073709551616".into(),
                "-1".into(),
                "1.5".into(),
            ];
            match spec.kind {
                ParamKind::Int { min, max } => {
                    bad.push((u128::from(max) + 1).to_string());
                    if min > 0 {
                        bad.push((min - 1).to_string());
                    }
                }
                ParamKind::IntList { max_len, .. } => {
                    bad.extend(["1,,2".to_string(), vec!["1"; max_len + 1].join(",")]);
                }
                ParamKind::ChoiceList { choices, max_len } => {
                    bad.extend([format!("{},", choices[0]), vec![choices[0]; max_len + 1].join(",")]);
                }
                ParamKind::Choice(_) | ParamKind::TimeOfDay => bad.push("24:00".into()),
            }
            let twice = format!(
                "{}&{}",
                to_query(&[(spec.name, spec.default)]),
                to_query(&[(spec.name, spec.default)])
            );
            let links = bad
                .iter()
                .map(|v| (format!("#/{}?{}", e.slug, to_query(&[(spec.name, v.as_str())])), false))
                .chain(std::iter::once((format!("#/{}?{twice}", e.slug), true)));
            for (link, repeated) in links {
                tried += 1;
                let t = Instant::now();
                let result = std::panic::catch_unwind(|| {
                    let Route::Demo { entry, query } = Route::from_hash(&link) else {
                        return Err("not opened as the demo".to_string());
                    };
                    let form = form(entry.slug, &query);
                    let error = form.field_error(i).ok_or("no error under the field")?;
                    let says = if repeated {
                        Bilingual::new(
                            format!("{} is given more than once", spec.name),
                            format!("{} 给出了不止一次", spec.name),
                        )
                    } else {
                        Bilingual::new(
                            format!("{} must be {}", spec.name, spec.allowed()),
                            format!("{} 必须是", spec.name),
                        )
                    };
                    // A menu shows its default (and runs); any other bad
                    // field keeps the form from running.
                    let menu = matches!(spec.kind, ParamKind::Choice(_)) && !repeated;
                    if menu != form.is_valid() {
                        return Err(format!("runs: {}", form.is_valid()));
                    }
                    Ok((error, says))
                });
                if t.elapsed() > Duration::from_secs(1) {
                    hangs += 1;
                    failures.push(format!("{link:.60}: took {:?}", t.elapsed()));
                    continue;
                }
                match result {
                    Err(_) => {
                        panics += 1;
                        failures.push(format!("{link:.60}: panicked"));
                    }
                    Ok(Err(why)) => failures.push(format!("{link:.60}: {why}")),
                    Ok(Ok((error, says))) => {
                        let brief = |text: &str, says: &str| {
                            text.len() <= says.len() + 600 && !text.chars().any(char::is_control)
                        };
                        let en = error.en.contains(&says.en) && brief(&error.en, &says.en);
                        // The Chinese names the parameter and, for a value
                        // not allowed, what is allowed with its numbers.
                        let zh = error.zh.contains(&says.zh)
                            && (repeated || error.zh.contains(&spec.allowed_zh()))
                            && brief(&error.zh, &says.zh);
                        if en && zh {
                            passed += 1;
                        } else {
                            unclear += 1;
                            failures.push(format!("{link:.60}: {error:.200}"));
                        }
                    }
                }
            }
        }
    }
    println!(
        "bad-input table (share links): tried {tried}, passed {passed}, panics {panics}, hangs {hangs}, unclear messages {unclear}"
    );
    for f in failures.iter().take(20) {
        println!("  FAILED {f}");
    }
    assert!(tried > 900, "{tried} links");
    assert_eq!((passed, panics, hangs, unclear), (tried, 0, 0, 0), "{failures:#?}");
}
