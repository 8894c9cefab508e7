//! The versioned JSON form of a trace.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::model::{
    Blocker, DEFAULT_CAPACITY, Event, EventKind, FORMAT, FORMAT_VERSION, ResourceMeta, Site, SiteId, TaskMeta, Trace,
    WakeCause,
};

/// Why a JSON trace was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an asyncscope trace: {}", self.0)
    }
}

impl std::error::Error for JsonError {}

/// serde's message, brief and printable: it can echo a value of the input
/// (an unknown kind, say) whole and raw, so control characters are escaped
/// and a message past 600 characters is cut, keeping where it went wrong.
fn brief(e: &serde_json::Error) -> String {
    let mut out = String::new();
    let message = e.to_string();
    let count = message.chars().count();
    for c in message.chars().take(500) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if count > 600 {
        out.push_str(&format!(
            "… ({count} characters) at line {} column {}",
            e.line(),
            e.column()
        ));
    } else {
        for c in message.chars().skip(500) {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
    }
    out
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The JSON form as it is read.
#[derive(Deserialize)]
struct TraceFile {
    format: String,
    version: u32,
    tasks: Vec<TaskMeta>,
    #[serde(default)]
    resources: Vec<ResourceMeta>,
    #[serde(default)]
    sites: Vec<Site>,
    events: Vec<Event>,
    #[serde(default)]
    dropped: u64,
    #[serde(default)]
    refused: u64,
    #[serde(default)]
    clamped: u64,
}

/// The JSON form as it is written: borrowed from the trace, nothing copied.
#[derive(Serialize)]
struct TraceFileRef<'a> {
    format: &'a str,
    version: u32,
    tasks: &'a [TaskMeta],
    resources: &'a [ResourceMeta],
    sites: &'a [Site],
    events: &'a [Event],
    dropped: u64,
    #[serde(skip_serializing_if = "is_zero")]
    refused: u64,
    #[serde(skip_serializing_if = "is_zero")]
    clamped: u64,
}

/// A trace serialises as its JSON form (see [`Trace::write_json`]).
impl Serialize for Trace {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.file().serialize(s)
    }
}

impl Trace {
    fn file(&self) -> TraceFileRef<'_> {
        TraceFileRef {
            format: FORMAT,
            version: FORMAT_VERSION,
            tasks: &self.tasks,
            resources: &self.resources,
            sites: &self.sites,
            events: &self.events,
            dropped: self.dropped,
            refused: self.refused,
            clamped: self.clamped,
        }
    }

    /// The JSON form without its events, and where they go: the bytes
    /// before the index are the form up to its events' opening `[`, and
    /// those from it on, the `]` that closes them and the rest. Written out
    /// with the events between, comma-separated, it is the JSON form.
    pub(super) fn json_around_events(&self) -> serde_json::Result<(Vec<u8>, usize)> {
        let out = serde_json::to_vec(&TraceFileRef {
            events: &[],
            ..self.file()
        })?;
        // The events come after every name (tasks, resources, sites) and
        // before numbers only: their key is the last of its kind.
        const KEY: &[u8] = b"\"events\":[]";
        let at = out
            .windows(KEY.len())
            .rposition(|w| w == KEY)
            .map(|i| i + KEY.len() - 1)
            .ok_or_else(|| serde::ser::Error::custom("no events key"))?;
        Ok((out, at))
    }

    /// Writes the versioned JSON form (see `ARCHITECTURE.md`, "Trace JSON")
    /// to `out` as it goes, without building it in memory first. An error
    /// of `out` (or of serialisation) is returned, never written as JSON.
    pub fn write_json<W: std::io::Write>(&self, out: W) -> serde_json::Result<()> {
        serde_json::to_writer(out, &self.file())
    }

    /// The versioned JSON form as a string.
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(&self.file())
    }

    /// The versioned JSON form as a `serde_json::Value`, for a caller that
    /// embeds it in a larger document.
    pub fn to_json_value(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::to_value(self.file())
    }

    /// Reads the JSON form, refusing other formats and versions and checking
    /// the invariants (time order, known ids, one ending per task).
    pub fn from_json(text: &str) -> Result<Trace, JsonError> {
        let file: TraceFile = serde_json::from_str(text).map_err(|e| JsonError(brief(&e)))?;
        if file.format != FORMAT {
            return Err(JsonError(format!("format is {:?}, expected {FORMAT:?}", file.format)));
        }
        if file.version != FORMAT_VERSION {
            return Err(JsonError(format!(
                "version {} is not supported (this build reads version {FORMAT_VERSION})",
                file.version
            )));
        }
        check_ids(&file)?;
        let mut ended = vec![false; file.tasks.len()];
        let mut last = Duration::ZERO;
        for (i, ev) in file.events.iter().enumerate() {
            if ev.at() < last {
                return Err(JsonError(format!("event {i} goes back in time")));
            }
            last = ev.at();
            let Some(done) = ended.get_mut(ev.task.0 as usize) else {
                return Err(JsonError(format!("event {i} names unknown task {}", ev.task.0)));
            };
            if *done && !matches!(ev.kind, EventKind::Overflow) {
                return Err(JsonError(format!("event {i} comes after its task ended")));
            }
            if let EventKind::Completed { .. } = ev.kind {
                *done = true;
            }
            let overflow = matches!(ev.kind, EventKind::Overflow);
            if overflow && i + 1 != file.events.len() {
                return Err(JsonError(format!(
                    "event {i} is an overflow marker but not the last event"
                )));
            }
        }
        let marked = file
            .events
            .last()
            .is_some_and(|e| matches!(e.kind, EventKind::Overflow));
        if marked != (file.dropped > 0) {
            return Err(JsonError(format!(
                "dropped is {} but the events {} with an overflow marker",
                file.dropped,
                if marked { "end" } else { "do not end" }
            )));
        }
        let kept = if marked {
            file.events.len() - 1
        } else {
            file.events.len()
        };
        Ok(Trace {
            lineage: super::model::Lineage::fresh(),
            day_clock: false,
            capacity: if marked {
                kept.max(1)
            } else {
                kept.max(DEFAULT_CAPACITY)
            },
            refused: file.refused,
            clamped: file.clamped,
            tasks: file.tasks,
            resources: file.resources,
            sites: file.sites,
            events: file.events,
            dropped: file.dropped,
        })
    }
}

/// Refuses a file whose tasks, events or sites name a task, resource or
/// site that is not in its tables.
fn check_ids(file: &TraceFile) -> Result<(), JsonError> {
    let (tasks, resources, sites) = (file.tasks.len(), file.resources.len(), file.sites.len());
    let site_ok = |s: Option<SiteId>| s.is_none_or(|s| (s.0 as usize) < sites);
    for (i, task) in file.tasks.iter().enumerate() {
        if task.parent.is_some_and(|p| p.0 as usize >= tasks) || !site_ok(task.site) {
            return Err(JsonError(format!("task {i} names an unknown parent or site")));
        }
    }
    for (i, ev) in file.events.iter().enumerate() {
        let resource = match &ev.kind {
            EventKind::Woken {
                by: WakeCause::Resource(r),
                ..
            }
            | EventKind::Blocked {
                on: Blocker::Resource(r),
            }
            | EventKind::Unblocked {
                on: Blocker::Resource(r),
            }
            | EventKind::PermitWaiting { resource: r }
            | EventKind::PermitAcquired { resource: r, .. }
            | EventKind::PermitReleased { resource: r, .. }
            | EventKind::PermitGaveUp { resource: r }
            | EventKind::PermitRefused { resource: r }
            | EventKind::QueuePush { resource: r, .. }
            | EventKind::QueuePop { resource: r, .. } => Some(*r),
            _ => None,
        };
        if resource.is_some_and(|r| r.0 as usize >= resources) {
            return Err(JsonError(format!("event {i} names an unknown resource")));
        }
        if let EventKind::PollEnd { site, .. } = ev.kind
            && !site_ok(site)
        {
            return Err(JsonError(format!("event {i} names an unknown site")));
        }
        let other_task = match ev.kind {
            EventKind::Woken { from, .. } => from,
            EventKind::Blocked { on: Blocker::Task(t) } | EventKind::Unblocked { on: Blocker::Task(t) } => Some(t),
            _ => None,
        };
        if other_task.is_some_and(|t| t.0 as usize >= tasks) {
            return Err(JsonError(format!("event {i} names an unknown task")));
        }
    }
    Ok(())
}
