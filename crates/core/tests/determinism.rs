//! Determinism, natively: every demo and every named variant (the routes
//! of the catalog's figures, every preset, every value of every menu) run
//! twice with the same seed gives byte-identical JSON and the same trace
//! hash; where a run draws random numbers, another seed gives another
//! trace.
#![cfg(not(target_arch = "wasm32"))]

use asyncscope_core::catalog::{ENTRIES, figures};
use asyncscope_core::params::{ParamKind, pairs_from_query};
use asyncscope_core::trace::runs_hash;
use asyncscope_core::{Trace, VirtualRuntime, demos, report};

/// Runs `slug` with `pairs` and `seed` to the end: the JSON report's
/// bytes and the runs' trace hash.
fn run(slug: &str, pairs: &[(String, String)], seed: u64) -> (Vec<u8>, u64) {
    let rt = VirtualRuntime::with_seed(seed);
    let started = demos::start(slug, rt.env(), pairs)
        .unwrap_or_else(|e| panic!("{slug} {pairs:?}: {e:?}"))
        .expect("a demo");
    // The deadlock stalls, the same way each time; nothing else does.
    let stalled = rt.run_to_end(started.work, || false).is_err();
    let deadlock = pairs.iter().any(|(k, v)| k == "pattern" && v == "crossed");
    assert_eq!(stalled, deadlock, "{slug} {pairs:?}: stalled {stalled}");
    let traces: Vec<Trace> = started.runs.iter().map(|(_, t)| t.snapshot()).collect();
    let runs: Vec<(&str, &Trace)> = started
        .runs
        .iter()
        .zip(&traces)
        .map(|((label, _), t)| (*label, t))
        .collect();
    let params: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut json = Vec::new();
    report::write_json_report(&mut json, slug, &params, seed, &runs).expect("the report is written");
    (json, runs_hash(&traces))
}

/// Every variant worth a name: `(slug, pairs)`.
fn variants() -> Vec<(&'static str, Vec<(String, String)>)> {
    let mut all: Vec<(&'static str, Vec<(String, String)>)> = Vec::new();
    let mut add = |slug: &'static str, pairs: Vec<(String, String)>| {
        if !all.iter().any(|(s, p)| *s == slug && *p == pairs) {
            all.push((slug, pairs));
        }
    };
    for entry in ENTRIES {
        add(entry.slug, Vec::new());
        for preset in demos::presets(entry.slug) {
            add(entry.slug, preset.owned_pairs());
        }
        for spec in demos::specs(entry.slug).expect("a demo") {
            if let ParamKind::Choice(choices) = spec.kind {
                for choice in choices {
                    let pairs = vec![(spec.name.to_string(), (*choice).to_string())];
                    // A value some rule refuses alone is not a variant.
                    if demos::check(entry.slug, &pairs).is_ok() {
                        add(entry.slug, pairs);
                    }
                }
            }
        }
    }
    for figure in figures().expect("the figures table reads") {
        let (slug, query) = figure.route.split_once('?').unwrap_or((figure.route, ""));
        let slug = ENTRIES.iter().find(|e| e.slug == slug).expect("a demo").slug;
        add(slug, pairs_from_query(query));
    }
    all
}

/// Whether a run of `slug` with `pairs` draws random numbers.
fn random(slug: &str, pairs: &[(String, String)]) -> bool {
    let specs = demos::specs(slug).expect("a demo");
    let values = asyncscope_core::params::parse(specs, pairs).expect("valid");
    let values: Vec<_> = values.into_iter().map(Some).collect();
    demos::randomness(slug).used(specs, &values)
}

#[test]
fn every_demo_and_variant_twice_with_one_seed_gives_identical_json() {
    let variants = variants();
    let (mut runs, mut random_runs) = (0, 0);
    for (slug, pairs) in &variants {
        let (a, hash_a) = run(slug, pairs, 7);
        let (b, hash_b) = run(slug, pairs, 7);
        assert!(a == b, "{slug} {pairs:?}: two runs with seed 7 differ");
        assert_eq!(hash_a, hash_b, "{slug} {pairs:?}");
        runs += 2;
        if random(slug, pairs) {
            let (c, hash_c) = run(slug, pairs, 8);
            assert_ne!(a, c, "{slug} {pairs:?}: seeds 7 and 8 give one trace");
            assert_ne!(hash_a, hash_c, "{slug} {pairs:?}: seeds 7 and 8 give one hash");
            random_runs += 1;
        } else {
            // Nothing random: the seed changes nothing but the report's
            // own `seed` field.
            let (_, hash_c) = run(slug, pairs, 8);
            assert_eq!(
                hash_a, hash_c,
                "{slug} {pairs:?}: the seed changed a run that draws nothing"
            );
        }
    }
    println!(
        "determinism: {} variants of {} demos, {runs} runs identical in pairs, {random_runs} random variants differ by seed",
        variants.len(),
        ENTRIES.len()
    );
    assert!(variants.len() >= 60, "{} variants", variants.len());
    assert!(random_runs >= 3, "{random_runs} random variants");
}

/// The JSON report's `trace_hash` is the hash of its runs' traces, so a
/// reader of the report can check it.
#[test]
fn the_reports_trace_hash_is_the_hash_of_its_traces() {
    let pairs = vec![("jitter".to_string(), "full".to_string())];
    let (json, hash) = run("retry", &pairs, 3);
    let v: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(v["trace_hash"], format!("{hash:016x}"));
    let trace = Trace::from_json(&v["runs"][0]["trace"].to_string()).expect("reads back");
    assert_eq!(v["runs"][0]["trace_hash"], format!("{:016x}", trace.hash()));
    assert_eq!(trace.hash(), hash, "one run: the runs' hash is its trace's");
}
