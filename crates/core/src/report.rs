//! What a finished run comes to, as the command line prints it: figures,
//! a row per task, the log lines, and the full trace.
//!
//! Times are milliseconds since the run's origin: whole numbers when they
//! are whole, decimals otherwise.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::trace::{EventKind, Trace};

/// One task of a run, as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskRow {
    /// Its name.
    pub name: String,
    /// When it was made.
    pub spawned: Duration,
    /// When it was first polled, if it was.
    pub first_poll: Option<Duration>,
    /// When it ended, if it did.
    pub end: Option<Duration>,
    /// `ok`, `error`, `cancelled`, `timeout`, or `running`.
    pub outcome: &'static str,
}

/// One log line of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// When it was written.
    pub at: Duration,
    /// The task that wrote it.
    pub task: String,
    /// What it says.
    pub text: String,
}

/// Every task of `trace`, in the order they were made.
pub fn task_rows(trace: &Trace) -> Vec<TaskRow> {
    trace
        .spans()
        .into_iter()
        .map(|s| TaskRow {
            name: s.name,
            spawned: s.created,
            first_poll: s.first_poll,
            end: s.end,
            outcome: s.outcome.map_or("running", |o| o.as_str()),
        })
        .collect()
}

/// Every log line of `trace`, in time order.
pub fn log_rows(trace: &Trace) -> Vec<LogRow> {
    trace
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Log { text } => Some(LogRow {
                at: e.at,
                task: trace.task_name(e.task).to_string(),
                text: text.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Milliseconds as JSON: a whole number when whole.
pub fn ms_value(d: Duration) -> Value {
    let micros = d.as_micros();
    if micros.is_multiple_of(1000) {
        json!(u64::try_from(micros / 1000).unwrap_or(u64::MAX))
    } else {
        json!(micros as f64 / 1000.0)
    }
}

fn opt_ms(d: Option<Duration>) -> Value {
    d.map_or(Value::Null, ms_value)
}

fn run_figures(trace: &Trace) -> Map<String, Value> {
    let tasks: Vec<Value> = task_rows(trace)
        .into_iter()
        .map(|t| {
            json!({
                "name": t.name,
                "spawned_ms": ms_value(t.spawned),
                "first_poll_ms": opt_ms(t.first_poll),
                "end_ms": opt_ms(t.end),
                "outcome": t.outcome,
            })
        })
        .collect();
    let logs: Vec<Value> = log_rows(trace)
        .into_iter()
        .map(|l| json!({"t_ms": ms_value(l.at), "task": l.task, "text": l.text}))
        .collect();
    let mut m = Map::new();
    m.insert("makespan_ms".into(), opt_ms(trace.makespan()));
    m.insert("max_in_flight".into(), json!(trace.max_in_flight()));
    m.insert("tasks".into(), Value::Array(tasks));
    m.insert("logs".into(), Value::Array(logs));
    m
}

/// The report of a demo's runs as one JSON object: `demo`, `params`,
/// `seed`, `makespan_ms` (the last end of any run; `null` if a task never
/// ended), `max_in_flight` (the most of any run), `tasks`, `logs`,
/// `events` (each run's full trace: with several runs, every task, log
/// and event also names its `run`), and `runs` (the same figures per run).
pub fn json_report(
    slug: &str,
    params: &[(&str, String)],
    seed: u64,
    runs: &[(&str, &Trace)],
) -> serde_json::Result<Value> {
    let several = runs.len() > 1;
    let mut tasks = Vec::new();
    let mut logs = Vec::new();
    let mut events = Vec::new();
    let mut per_run = Vec::new();
    let mut makespan = Some(Duration::ZERO);
    let mut max_in_flight = 0;
    for (label, trace) in runs {
        let mut figures = run_figures(trace);
        let tag = |v: &Value| {
            let mut v = v.clone();
            if several && let Some(o) = v.as_object_mut() {
                o.insert("run".into(), json!(label));
            }
            v
        };
        for key in ["tasks", "logs"] {
            if let Some(Value::Array(items)) = figures.get(key) {
                let target = if key == "tasks" { &mut tasks } else { &mut logs };
                target.extend(items.iter().map(tag));
            }
        }
        let full = trace.to_json_value()?;
        if let Some(Value::Array(evs)) = full.get("events") {
            events.extend(evs.iter().map(tag));
        }
        makespan = match (makespan, trace.makespan()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        max_in_flight = max_in_flight.max(trace.max_in_flight());
        figures.insert("label".into(), json!(label));
        figures.insert("trace".into(), full);
        per_run.push(Value::Object(figures));
    }
    let params: Map<String, Value> = params.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    Ok(json!({
        "demo": slug,
        "params": params,
        "seed": seed,
        "makespan_ms": opt_ms(makespan),
        "max_in_flight": max_in_flight,
        "tasks": tasks,
        "logs": logs,
        "events": events,
        "runs": per_run,
    }))
}

fn fmt_ms(d: Option<Duration>) -> String {
    match d {
        None => "-".to_string(),
        Some(d) if d.as_micros().is_multiple_of(1000) => d.as_millis().to_string(),
        Some(d) => format!("{:.3}", d.as_secs_f64() * 1000.0),
    }
}

/// The report as text for a terminal: per run, its figures, a table of
/// tasks, the log, and the trace rendered line by line.
pub fn text_report(slug: &str, seed: u64, runs: &[(&str, &Trace)]) -> String {
    let mut out = String::new();
    for (label, trace) in runs {
        let _ = writeln!(out, "{slug} ({label}), seed {seed}");
        let _ = writeln!(
            out,
            "makespan {} ms, max in flight {}",
            fmt_ms(trace.makespan()),
            trace.max_in_flight()
        );
        let rows = task_rows(trace);
        let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            out,
            "\n{:<width$}  {:>9}  {:>10}  {:>9}  outcome",
            "task", "spawned", "first poll", "end"
        );
        for r in &rows {
            let _ = writeln!(
                out,
                "{:<width$}  {:>9}  {:>10}  {:>9}  {}",
                r.name,
                fmt_ms(Some(r.spawned)),
                fmt_ms(r.first_poll),
                fmt_ms(r.end),
                r.outcome
            );
        }
        let logs = log_rows(trace);
        if !logs.is_empty() {
            let _ = writeln!(out, "\nlog");
            for l in logs {
                let _ = writeln!(out, "{:>9} ms  {}: {}", fmt_ms(Some(l.at)), l.task, l.text);
            }
        }
        let _ = writeln!(out, "\nevents\n{}", trace.render_text());
    }
    out
}
