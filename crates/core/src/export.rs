//! Trace export: Chrome trace-event JSON, which Perfetto
//! (<https://ui.perfetto.dev>) and `chrome://tracing` open.
//!
//! Layout: one process for the run; one thread track per task (named after
//! it, in creation order) carrying a complete ("X") slice per state segment
//! (`poll`, `sleeping`, `permit`, ...), so that slices on one track never
//! overlap; an async begin/end pair per task for its whole life; instant
//! events for wakes, timers, requests, retries and logs; and a counter
//! track of the tasks in flight. Times are microseconds since the origin.

use serde_json::{Value, json};

use crate::trace::{EventKind, Trace};

/// The trace as Chrome trace-event JSON (the object form, with
/// `traceEvents`), labelled with `title`.
pub fn chrome_trace(trace: &Trace, title: &str) -> String {
    chrome_traces(&[(title, trace)])
}

/// Several runs on one clock as Chrome trace-event JSON: one process per
/// run, in order, each labelled with its title.
pub fn chrome_traces(runs: &[(&str, &Trace)]) -> String {
    let mut events: Vec<Value> = Vec::new();
    let mut dropped = 0;
    for (i, (title, trace)) in runs.iter().enumerate() {
        let pid = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        push_run(&mut events, pid, title, trace);
        dropped += trace.dropped();
    }
    let doc = json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {"producer": "asyncscope", "dropped_events": dropped},
    });
    doc.to_string()
}

/// A demo's runs as Chrome trace-event JSON, each process titled
/// `<slug>: <run label>`: what the command line and the page export.
pub fn chrome_demo(slug: &str, runs: &[(&str, &Trace)]) -> String {
    let titles: Vec<String> = runs.iter().map(|(label, _)| format!("{slug}: {label}")).collect();
    let titled: Vec<(&str, &Trace)> = titles
        .iter()
        .zip(runs)
        .map(|(t, (_, trace))| (t.as_str(), *trace))
        .collect();
    chrome_traces(&titled)
}

fn push_run(events: &mut Vec<Value>, pid: u32, title: &str, trace: &Trace) {
    events.push(json!({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": title}}));
    let last = trace.events().last().map_or(0, |e| micros(e.at));
    for span in trace.spans() {
        let tid = span.id.0 + 1;
        events.push(json!({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": span.name}}));
        events
            .push(json!({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid, "args": {"sort_index": tid}}));
        let id = format!("task{}", span.id.0);
        events.push(json!({"ph": "b", "cat": "task", "name": span.name, "id": id, "pid": pid, "tid": tid, "ts": micros(span.created)}));
        for seg in &span.segments {
            let start = micros(seg.start);
            let end = seg.end.map_or(last, micros);
            let name = match seg.state.as_str() {
                "polled" => "poll",
                other => other,
            };
            let mut slice = json!({"ph": "X", "cat": "state", "name": name, "pid": pid, "tid": tid, "ts": start, "dur": end.saturating_sub(start)});
            if let Some(site) = seg.site.and_then(|s| trace.site(s)) {
                slice["args"] = json!({"await": format!("{}:{}", site.file, site.line)});
            }
            events.push(slice);
        }
        let outcome = span.outcome.map_or("running", |o| o.as_str());
        let end = span.end.map_or(last, micros);
        events.push(json!({"ph": "e", "cat": "task", "name": span.name, "id": id, "pid": pid, "tid": tid, "ts": end, "args": {"outcome": outcome}}));
    }
    for (i, ev) in trace.events().iter().enumerate() {
        let instant = match &ev.kind {
            EventKind::Created
            | EventKind::PollStart
            | EventKind::PollEnd { .. }
            | EventKind::Completed { .. }
            | EventKind::TimerArmed { .. } => None,
            _ => Some(trace.describe_event(i)),
        };
        if let Some(name) = instant {
            events.push(json!({"ph": "i", "s": "t", "cat": "event", "name": name, "pid": pid, "tid": ev.task.0 + 1, "ts": micros(ev.at)}));
        }
    }
    for (at, n) in trace.in_flight() {
        events.push(
            json!({"ph": "C", "name": "in flight", "pid": pid, "tid": 0, "ts": micros(at), "args": {"tasks": n}}),
        );
    }
}

fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
