//! The page and the native core agree: a link run in virtual time shows
//! the trace hash (`data-metric="trace_hash"`) that the core computes in
//! this process for the same demo, parameters and seed (and that the
//! command line prints); and where a demo is random, another seed shows
//! another hash.

use std::time::Duration;

use asyncscope_core::params::pairs_from_query;
use asyncscope_core::trace::{hash_hex, runs_hash};
use asyncscope_core::{Trace, VirtualRuntime, demos};
use asyncscope_e2e::Harness;

/// The hash of `slug` run natively with the link's `query` and `seed`.
fn native_hash(slug: &str, query: &str, seed: u64) -> String {
    let rt = VirtualRuntime::with_seed(seed);
    let pairs = pairs_from_query(query);
    let started = demos::start(slug, rt.env(), &pairs)
        .expect("valid parameters")
        .expect("a demo");
    rt.block_on(started.work).expect("does not stall");
    let traces: Vec<Trace> = started.runs.iter().map(|(_, t)| t.snapshot()).collect();
    hash_hex(runs_hash(&traces))
}

/// The hash the page shows after the link `#/slug?query&seed=N` has run.
async fn page_hash(h: &Harness, slug: &str, query: &str, seed: u64) -> String {
    let mut link = format!("/#/{slug}?");
    if !query.is_empty() {
        link.push_str(query);
        link.push('&');
    }
    link.push_str(&format!("seed={seed}"));
    h.open_link(&link).await;
    h.wait_for(
        ".runner[data-state=done] [data-metric=trace_hash]",
        Duration::from_secs(30),
    )
    .await;
    h.text("[data-metric=trace_hash]").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_native_trace_hash_for_the_same_link() {
    let h = Harness::start().await;
    let cases: [(&str, &str, u64); 6] = [
        ("retry", "jitter=full", 7),
        ("retry", "jitter=full", 8),
        ("semaphore", "tasks=30&limit=4", 0),
        ("sequential-vs-concurrent", "jobs=4", 0),
        ("fetch", "requests=8", 3),
        ("task-manager", "", 1),
    ];
    let mut shown = Vec::new();
    for (slug, query, seed) in cases {
        let page = page_hash(&h, slug, query, seed).await;
        let native = native_hash(slug, query, seed);
        assert_eq!(page.len(), 16, "{slug}?{query}: {page:?}");
        assert_eq!(page, native, "{slug}?{query} seed {seed}: the page and the core differ");
        shown.push(page);
    }
    assert_ne!(
        shown[0], shown[1],
        "retry's jitter: seeds 7 and 8 give one hash in the page"
    );
    h.finish().await;
}
