//! Chrome trace-event export: well-formed, one track per task, slices on a
//! track never overlap, every async begin has its end.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::HashMap;
use std::time::Duration;

use asyncscope_core::combinators::{Semaphore, timeout};
use asyncscope_core::export::chrome_trace;
use asyncscope_core::{Env, Traced, VirtualRuntime};
use futures::future::join_all;
use serde_json::Value;

fn sample() -> asyncscope_core::Trace {
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    let e = env.clone();
    rt.block_on(async move {
        let sem = Semaphore::new(&e, "sem", 2);
        let jobs = (0..4u64).map(|i| {
            let (e, sem) = (e.clone(), sem.clone());
            e.clone().task(format!("job{i}"), async move {
                let _p = sem.acquire().await;
                let inner = e.task(format!("inner{i}"), {
                    let e = e.clone();
                    async move { e.sleep(Duration::from_millis(100 * (i + 1))).await }
                });
                let _ = timeout(&e, Duration::from_millis(250), inner).await;
            })
        });
        join_all(jobs).await;
    })
    .expect("runs");
    env.snapshot()
}

#[test]
fn chrome_trace_is_well_formed_and_tracks_never_overlap() {
    let trace = sample();
    let doc: Value = serde_json::from_str(&chrome_trace(&trace, "sample")).expect("valid JSON");
    let events = doc["traceEvents"].as_array().expect("traceEvents array");
    let mut names: HashMap<u64, String> = HashMap::new();
    let mut slices: HashMap<u64, Vec<(u64, u64)>> = HashMap::new();
    let mut open: HashMap<String, u64> = HashMap::new();
    let mut ended = 0;
    for ev in events {
        let tid = ev["tid"].as_u64().expect("every event has a tid");
        match ev["ph"].as_str().expect("ph") {
            "M" if ev["name"] == "thread_name" => {
                names.insert(tid, ev["args"]["name"].as_str().expect("name").to_string());
            }
            "X" => {
                let ts = ev["ts"].as_u64().expect("ts");
                slices
                    .entry(tid)
                    .or_default()
                    .push((ts, ts + ev["dur"].as_u64().expect("dur")));
            }
            "b" => {
                open.insert(
                    ev["id"].as_str().expect("id").to_string(),
                    ev["ts"].as_u64().expect("ts"),
                );
            }
            "e" => {
                let begin = open.remove(ev["id"].as_str().expect("id")).expect("begin before end");
                assert!(ev["ts"].as_u64().expect("ts") >= begin);
                ended += 1;
            }
            _ => {}
        }
    }
    assert_eq!(names.len(), trace.tasks().len());
    assert_eq!(names.get(&1).map(String::as_str), Some("job0"));
    assert!(open.is_empty(), "unmatched begins: {open:?}");
    assert_eq!(ended, trace.tasks().len());
    for (tid, mut list) in slices {
        list.sort();
        for pair in list.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "track {tid} overlaps: {pair:?}");
        }
    }
    let timed_out = events
        .iter()
        .filter(|e| e["ph"] == "e" && e["args"]["outcome"] == "timeout")
        .count();
    assert_eq!(
        timed_out, 2,
        "inner2 (300 ms) and inner3 (400 ms) pass the 250 ms limit"
    );
    assert!(events.iter().any(|e| e["ph"] == "C" && e["name"] == "in flight"));
}

/// Who woke whom, as flow arrows: each wake by another task is a flow
/// from the waker's track to the woken task's track, start and finish
/// with one id; a permit released by job0 wakes job2.
#[test]
fn wakes_by_another_task_are_flow_arrows() {
    let trace = sample();
    let v: Value = serde_json::from_str(&chrome_trace(&trace, "sample")).expect("json");
    let events = v["traceEvents"].as_array().expect("events");
    let name_of: HashMap<u64, String> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .map(|e| {
            (
                e["tid"].as_u64().expect("tid"),
                e["args"]["name"].as_str().expect("name").to_owned(),
            )
        })
        .collect();
    let starts: Vec<&Value> = events.iter().filter(|e| e["cat"] == "wake" && e["ph"] == "s").collect();
    let finishes: Vec<&Value> = events.iter().filter(|e| e["cat"] == "wake" && e["ph"] == "f").collect();
    assert!(!starts.is_empty());
    assert_eq!(starts.len(), finishes.len());
    let mut pairs = Vec::new();
    for s in &starts {
        let f = finishes
            .iter()
            .find(|f| f["id"] == s["id"])
            .expect("a finish per start");
        assert!(f["ts"].as_u64() >= s["ts"].as_u64(), "{s} {f}");
        assert_ne!(s["tid"], f["tid"], "not a self-wake");
        pairs.push(format!(
            "{} -> {}",
            name_of[&s["tid"].as_u64().expect("tid")],
            name_of[&f["tid"].as_u64().expect("tid")]
        ));
    }
    assert!(pairs.contains(&"job0 -> job2".to_string()), "{pairs:?}");
}
