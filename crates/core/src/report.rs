//! What a finished run comes to, as the command line prints it: figures,
//! a row per task, the log lines, and the full trace.
//!
//! Times are milliseconds since the run's origin: whole numbers when they
//! are whole, decimals otherwise.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::trace::{EventKind, Trace, hash_hex, runs_hash, runs_hashes};

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
                at: e.at(),
                task: trace.task_name(e.task).to_string(),
                text: text.to_string(),
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

/// A task row as JSON: `run` only when the report has several runs.
#[derive(Serialize)]
struct TaskJson<'a> {
    name: &'a str,
    spawned_ms: Value,
    first_poll_ms: Value,
    end_ms: Value,
    outcome: &'static str,
    polls: u32,
    wakes: u32,
    self_wakes: u32,
    busy_ms: Value,
    idle_ms: Value,
    scheduled_ms: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<&'a str>,
}

/// A log row as JSON.
#[derive(Serialize)]
struct LogJson<'a> {
    t_ms: Value,
    task: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<&'a str>,
}

/// A warning as JSON.
#[derive(Serialize)]
struct WarningJson<'a> {
    rule: &'static str,
    task: &'a str,
    t_ms: Value,
    line: Option<u32>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<&'a str>,
}

/// What the report says of one run, computed once.
struct RunRows<'a> {
    label: &'a str,
    trace: &'a Trace,
    /// Its [`Trace::hash`].
    hash: u64,
    tasks: Vec<TaskRow>,
    stats: Vec<crate::trace::TaskStats>,
    logs: Vec<LogRow>,
    warnings: Vec<crate::trace::Warning>,
    makespan: Option<Duration>,
    max_in_flight: usize,
}

impl RunRows<'_> {
    fn tasks<'s>(&'s self, run: Option<&'s str>) -> impl Iterator<Item = TaskJson<'s>> {
        let none = crate::trace::TaskStats::default();
        self.tasks.iter().enumerate().map(move |(i, t)| {
            let s = self.stats.get(i).unwrap_or(&none);
            TaskJson {
                name: &t.name,
                spawned_ms: ms_value(t.spawned),
                first_poll_ms: opt_ms(t.first_poll),
                end_ms: opt_ms(t.end),
                outcome: t.outcome,
                polls: s.polls,
                wakes: s.wakes,
                self_wakes: s.self_wakes,
                busy_ms: ms_value(s.busy),
                idle_ms: ms_value(s.idle),
                scheduled_ms: ms_value(s.scheduled),
                run,
            }
        })
    }

    fn warnings<'s>(&'s self, run: Option<&'s str>) -> impl Iterator<Item = WarningJson<'s>> {
        self.warnings.iter().map(move |w| WarningJson {
            rule: w.rule.as_str(),
            task: self.trace.task_name(w.task),
            t_ms: ms_value(w.at),
            line: w.site.and_then(|s| self.trace.site(s)).map(|s| s.line),
            message: &w.message,
            run,
        })
    }

    fn logs<'s>(&'s self, run: Option<&'s str>) -> impl Iterator<Item = LogJson<'s>> {
        self.logs.iter().map(move |l| LogJson {
            t_ms: ms_value(l.at),
            task: &l.task,
            text: &l.text,
            run,
        })
    }
}

/// A sequence serialised as it is made: nothing is collected first.
struct Stream<F>(F);

impl<I, F> Serialize for Stream<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// The JSON report, borrowed from the runs and written as it goes.
struct Report<'a> {
    slug: &'a str,
    params: &'a [(&'a str, String)],
    seed: u64,
    /// The runs' [`runs_hash`].
    hash: u64,
    runs: Vec<RunRows<'a>>,
}

impl Serialize for Report<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let several = self.runs.len() > 1;
        fn tag<'s>(several: bool, r: &'s RunRows<'_>) -> Option<&'s str> {
            several.then_some(r.label)
        }
        let makespan = self
            .runs
            .iter()
            .try_fold(Duration::ZERO, |end, r| r.makespan.map(|m| end.max(m)));
        let params: std::collections::BTreeMap<&str, &str> =
            self.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("demo", self.slug)?;
        m.serialize_entry("params", &params)?;
        m.serialize_entry("seed", &self.seed)?;
        m.serialize_entry("trace_hash", &hash_hex(self.hash))?;
        m.serialize_entry("makespan_ms", &opt_ms(makespan))?;
        m.serialize_entry(
            "max_in_flight",
            &self.runs.iter().map(|r| r.max_in_flight).max().unwrap_or(0),
        )?;
        m.serialize_entry(
            "tasks",
            &Stream(|| self.runs.iter().flat_map(|r| r.tasks(tag(several, r)))),
        )?;
        m.serialize_entry(
            "logs",
            &Stream(|| self.runs.iter().flat_map(|r| r.logs(tag(several, r)))),
        )?;
        m.serialize_entry(
            "warnings",
            &Stream(|| self.runs.iter().flat_map(|r| r.warnings(tag(several, r)))),
        )?;
        m.serialize_entry("runs", &Stream(|| self.runs.iter().map(RunJson)))?;
        m.end()
    }
}

/// One run's own figures, rows and full trace.
struct RunJson<'a>(&'a RunRows<'a>);

impl Serialize for RunJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("label", r.label)?;
        m.serialize_entry("trace_hash", &hash_hex(r.hash))?;
        m.serialize_entry("makespan_ms", &opt_ms(r.makespan))?;
        m.serialize_entry("max_in_flight", &r.max_in_flight)?;
        m.serialize_entry("tasks", &Stream(|| r.tasks(None)))?;
        m.serialize_entry("logs", &Stream(|| r.logs(None)))?;
        m.serialize_entry("trace", r.trace)?;
        m.end()
    }
}

fn report<'a>(slug: &'a str, params: &'a [(&'a str, String)], seed: u64, runs: &[(&'a str, &'a Trace)]) -> Report<'a> {
    let traces: Vec<&Trace> = runs.iter().map(|&(_, t)| t).collect();
    let (hash, hashes) = runs_hashes(&traces);
    let runs = runs
        .iter()
        .zip(hashes)
        .map(|(&(label, trace), hash)| RunRows {
            label,
            trace,
            hash,
            tasks: task_rows(trace),
            stats: trace.task_stats(),
            logs: log_rows(trace),
            warnings: trace.warnings(),
            makespan: trace.makespan(),
            max_in_flight: trace.max_in_flight(),
        })
        .collect();
    Report {
        slug,
        params,
        seed,
        hash,
        runs,
    }
}

/// Writes the report of a demo's runs to `out` as one JSON object, as it
/// goes (the events are not gathered in memory first): `demo`, `params`,
/// `seed`, `trace_hash` (the runs' [`runs_hash`] as 16 hex digits: the
/// page shows the same for the same demo, parameters and seed),
/// `makespan_ms` (the last end of any run; `null` if a task never
/// ended), `max_in_flight` (the most of any run), `tasks`, `logs`,
/// `warnings` (`rule`, `task`, `t_ms`, `line`, `message`: see
/// [`Trace::warnings`]; with several runs, every task, log and warning also names its `run`),
/// and `runs` (per run: `label`, its own `trace_hash`, the same figures,
/// and its `trace`, the full trace in its own JSON form, which
/// [`Trace::from_json`] reads back). Each event is written once, in its
/// run's `trace`, and each trace is written out once more for both
/// hashes ([`runs_hashes`]). An error of `out` is returned.
pub fn write_json_report<W: std::io::Write>(
    out: W,
    slug: &str,
    params: &[(&str, String)],
    seed: u64,
    runs: &[(&str, &Trace)],
) -> serde_json::Result<()> {
    serde_json::to_writer(out, &report(slug, params, seed, runs))
}

/// [`write_json_report`] as a `serde_json::Value`, for a caller that wants
/// to look into it.
pub fn json_report(
    slug: &str,
    params: &[(&str, String)],
    seed: u64,
    runs: &[(&str, &Trace)],
) -> serde_json::Result<Value> {
    serde_json::to_value(report(slug, params, seed, runs))
}

fn fmt_ms(d: Option<Duration>) -> String {
    match d {
        None => "-".to_string(),
        Some(d) if d.as_micros().is_multiple_of(1000) => d.as_millis().to_string(),
        Some(d) => format!("{:.3}", d.as_secs_f64() * 1000.0),
    }
}

/// The report as text for a terminal: the runs' trace hash, then per run
/// its figures, a table of tasks, the log, and the trace rendered line by
/// line.
pub fn text_report(slug: &str, seed: u64, runs: &[(&str, &Trace)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "trace hash {} (FNV-1a 64 of the trace JSON; the page shows the same)\n",
        hash_hex(runs_hash(runs.iter().map(|(_, t)| *t)))
    );
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
        let warnings = trace.warnings();
        if !warnings.is_empty() {
            let _ = writeln!(out, "\nwarnings");
            for w in warnings {
                let line = w
                    .site
                    .and_then(|s| trace.site(s))
                    .map_or(String::new(), |s| format!(" (line {})", s.line));
                let _ = writeln!(
                    out,
                    "{:>9} ms  {}{line}: {}",
                    fmt_ms(Some(w.at)),
                    w.rule.as_str(),
                    w.message
                );
            }
        }
        let _ = writeln!(out, "\nevents\n{}", trace.render_text());
    }
    out
}

/// What every task pending at `at` waits on, per run, as text: a line per
/// pending task with its chain (see [`Trace::waits_text_at`]).
pub fn waits_text(slug: &str, seed: u64, at: Duration, runs: &[(&str, &Trace)]) -> String {
    let mut out = String::new();
    for (label, trace) in runs {
        let waits = trace.waits_text_at(at, false);
        let _ = writeln!(
            out,
            "{slug} ({label}), seed {seed}: at {} ms, {} task{} pending",
            at.as_millis(),
            waits.len(),
            if waits.len() == 1 { "" } else { "s" }
        );
        for (_, text) in waits {
            let _ = writeln!(out, "  {text}");
        }
    }
    out
}

/// [`waits_text`] as JSON: `{demo, seed, at_ms, runs: [{label, waits:
/// [{task, woken, on: [..], text}]}]}`, each `on` entry naming its kind
/// (`timer`, `permit`, `request`, `body`, `queue`, `lock`, `signal`,
/// `task`) and its figures.
pub fn write_waits_json<W: std::io::Write>(
    out: W,
    slug: &str,
    seed: u64,
    at: Duration,
    runs: &[(&str, &Trace)],
) -> serde_json::Result<()> {
    use crate::trace::WaitOn;
    let runs: Vec<Value> = runs
        .iter()
        .map(|(label, trace)| {
            let all = trace.waits_at(at);
            let texts = trace.chains(&all, false);
            let waits: Vec<Value> =
                all.iter()
                    .zip(texts)
                    .map(|(w, text)| {
                        let on: Vec<Value> = w
                        .on
                        .iter()
                        .map(|o| match o {
                            WaitOn::Timer { deadline } => json!({"kind": "timer", "fires_ms": ms_value(*deadline)}),
                            WaitOn::Permit { resource, place, waiting, holders } => json!({
                                "kind": "permit",
                                "resource": trace.resource_name(*resource),
                                "place": place,
                                "waiting": waiting,
                                "held_by": holders.iter().map(|t| trace.task_name(*t)).collect::<Vec<_>>(),
                            }),
                            WaitOn::Request {
                                what,
                                sent,
                                queued,
                                ahead,
                            } => {
                                json!({"kind": "request", "what": what, "sent_ms": ms_value(*sent), "queued": queued, "behind": ahead})
                            }
                            WaitOn::Body { done, total } => json!({"kind": "body", "done": done, "total": total}),
                            WaitOn::Queue { resource, depth, capacity } => json!({
                                "kind": "queue",
                                "resource": trace.resource_name(*resource),
                                "depth": depth,
                                "capacity": capacity,
                            }),
                            WaitOn::Lock { resource, holder } => json!({
                                "kind": "lock",
                                "resource": trace.resource_name(*resource),
                                "held_by": holder.map(|t| trace.task_name(t)),
                            }),
                            WaitOn::Signal { resource } => {
                                json!({"kind": "signal", "resource": trace.resource_name(*resource)})
                            }
                            WaitOn::Task(t) => json!({"kind": "task", "task": trace.task_name(*t)}),
                        })
                        .collect();
                        json!({
                            "task": trace.task_name(w.task),
                            "woken": w.woken,
                            "on": on,
                            "text": text,
                        })
                    })
                    .collect();
            json!({"label": label, "waits": waits})
        })
        .collect();
    serde_json::to_writer(
        out,
        &json!({"demo": slug, "seed": seed, "at_ms": ms_value(at), "runs": runs}),
    )
}
