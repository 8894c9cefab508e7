//! Trace export: Chrome trace-event JSON, which Perfetto
//! (<https://ui.perfetto.dev>) and `chrome://tracing` open.
//!
//! Layout: one process for the run; one thread track per task (named after
//! it, in creation order) carrying a complete ("X") slice per state segment
//! (`poll`, `sleeping`, `permit`, ...), so that slices on one track never
//! overlap; an async begin/end pair per task for its whole life; instant
//! events for wakes, timers, requests, retries and logs; and a counter
//! track of the tasks in flight. Times are microseconds since the origin.

use serde::Serialize;
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
    let mut out = Vec::new();
    // Writing to memory fails only if serialising does, which these
    // values cannot; an empty string would say so rather than a panic.
    if write_chrome_traces(&mut out, runs).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// [`chrome_traces`], written to `out` as it goes: each trace event is
/// made and written in turn, none gathered in memory first.
pub fn write_chrome_traces<W: std::io::Write>(out: W, runs: &[(&str, &Trace)]) -> serde_json::Result<()> {
    serde_json::to_writer(out, &ChromeDoc(runs))
}

struct ChromeDoc<'a>(&'a [(&'a str, &'a Trace)]);

impl Serialize for ChromeDoc<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let dropped: u64 = self.0.iter().map(|(_, t)| t.dropped()).sum();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("traceEvents", &ChromeEvents(self.0))?;
        m.serialize_entry("displayTimeUnit", "ms")?;
        m.serialize_entry(
            "otherData",
            &json!({"producer": "asyncscope", "dropped_events": dropped}),
        )?;
        m.end()
    }
}

struct ChromeEvents<'a>(&'a [(&'a str, &'a Trace)]);

impl Serialize for ChromeEvents<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        for (i, (title, trace)) in self.0.iter().enumerate() {
            let pid = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
            push_run(&mut |event: Value| seq.serialize_element(&event), pid, title, trace)?;
        }
        seq.end()
    }
}

/// A demo's runs as Chrome trace-event JSON, each process titled
/// `<slug>: <run label>`: what the command line and the page export.
pub fn chrome_demo(slug: &str, runs: &[(&str, &Trace)]) -> String {
    let titles = titles(slug, runs);
    chrome_traces(&titled(&titles, runs))
}

/// [`chrome_demo`], written to `out` as it goes.
pub fn write_chrome_demo<W: std::io::Write>(out: W, slug: &str, runs: &[(&str, &Trace)]) -> serde_json::Result<()> {
    let titles = titles(slug, runs);
    write_chrome_traces(out, &titled(&titles, runs))
}

fn titles(slug: &str, runs: &[(&str, &Trace)]) -> Vec<String> {
    runs.iter().map(|(label, _)| format!("{slug}: {label}")).collect()
}

fn titled<'a>(titles: &'a [String], runs: &[(&str, &'a Trace)]) -> Vec<(&'a str, &'a Trace)> {
    titles
        .iter()
        .zip(runs)
        .map(|(t, (_, trace))| (t.as_str(), *trace))
        .collect()
}

fn push_run<E>(emit: &mut dyn FnMut(Value) -> Result<(), E>, pid: u32, title: &str, trace: &Trace) -> Result<(), E> {
    emit(json!({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": title}}))?;
    let last = trace.events().last().map_or(0, |e| micros(e.at()));
    let spans = trace.spans();
    // What each waiting slice waits on, found in one pass.
    let asked: Vec<(crate::trace::TaskId, std::time::Duration)> = spans
        .iter()
        .flat_map(|span| {
            span.segments
                .iter()
                .filter(|s| !matches!(s.state.as_str(), "polled" | "created"))
                .map(move |s| (span.id, s.start))
        })
        .collect();
    let waits: std::collections::HashMap<_, _> = asked
        .iter()
        .copied()
        .zip(trace.waits_at_each(&asked))
        .filter_map(|(key, line)| Some((key, line?)))
        .collect();
    for span in spans {
        let tid = span.id.0 + 1;
        emit(json!({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": span.name}}))?;
        emit(json!({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid, "args": {"sort_index": tid}}))?;
        let id = format!("task{}", span.id.0);
        emit(
            json!({"ph": "b", "cat": "task", "name": span.name, "id": id, "pid": pid, "tid": tid, "ts": micros(span.created)}),
        )?;
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
            if let Some([en, _]) = waits.get(&(span.id, seg.start)) {
                slice["args"]["waiting_on"] = json!(en);
            }
            emit(slice)?;
        }
        let outcome = span.outcome.map_or("running", |o| o.as_str());
        let end = span.end.map_or(last, micros);
        emit(
            json!({"ph": "e", "cat": "task", "name": span.name, "id": id, "pid": pid, "tid": tid, "ts": end, "args": {"outcome": outcome}}),
        )?;
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
            emit(
                json!({"ph": "i", "s": "t", "cat": "event", "name": name, "pid": pid, "tid": ev.task.0 + 1, "ts": micros(ev.at())}),
            )?;
        }
    }
    // Who woke whom, as flow arrows: from the waker's poll to the woken
    // task's next poll (Perfetto draws them).
    let mut next_poll: Vec<Option<u64>> = vec![None; trace.tasks().len()];
    let mut flows = Vec::new();
    for (i, ev) in trace.events().iter().enumerate().rev() {
        match &ev.kind {
            EventKind::PollStart => {
                if let Some(slot) = next_poll.get_mut(ev.task.0 as usize) {
                    *slot = Some(micros(ev.at()));
                }
            }
            EventKind::Woken { from: Some(from), .. } if *from != ev.task => {
                let to = next_poll
                    .get(ev.task.0 as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(micros(ev.at()));
                flows.push((i, *from, ev.task, micros(ev.at()), to));
            }
            _ => {}
        }
    }
    for (i, from, to, at, polled) in flows.into_iter().rev() {
        let name = format!("wakes {}", trace.task_name(to));
        emit(json!({"ph": "s", "cat": "wake", "name": name, "id": i, "pid": pid, "tid": from.0 + 1, "ts": at}))?;
        emit(
            json!({"ph": "f", "bp": "e", "cat": "wake", "name": name, "id": i, "pid": pid, "tid": to.0 + 1, "ts": polled}),
        )?;
    }
    for w in trace.warnings() {
        let mut args = json!({"rule": w.rule.as_str(), "message": w.message});
        if let Some(site) = w.site.and_then(|s| trace.site(s)) {
            args["line"] = json!(format!("{}:{}", site.file, site.line));
        }
        emit(
            json!({"ph": "i", "s": "t", "cat": "warning", "name": format!("warning: {}", w.rule.as_str()), "pid": pid, "tid": w.task.0 + 1, "ts": micros(w.at), "args": args}),
        )?;
    }
    for (at, n) in trace.in_flight() {
        emit(json!({"ph": "C", "name": "in flight", "pid": pid, "tid": 0, "ts": micros(at), "args": {"tasks": n}}))?;
    }
    Ok(())
}

fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
