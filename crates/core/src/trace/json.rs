//! The versioned JSON form of a trace.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::model::{DEFAULT_CAPACITY, Event, EventKind, FORMAT, FORMAT_VERSION, ResourceMeta, Site, TaskMeta, Trace};

/// Why a JSON trace was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an asyncscope trace: {}", self.0)
    }
}

impl std::error::Error for JsonError {}

#[derive(Serialize, Deserialize)]
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
}

impl Trace {
    /// The versioned JSON form (see `ARCHITECTURE.md`, "Trace JSON").
    pub fn to_json(&self) -> String {
        let file = TraceFile {
            format: FORMAT.to_string(),
            version: FORMAT_VERSION,
            tasks: self.tasks.clone(),
            resources: self.resources.clone(),
            sites: self.sites.clone(),
            events: self.events.clone(),
            dropped: self.dropped,
        };
        serde_json::to_string(&file).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Reads the JSON form, refusing other formats and versions and checking
    /// the invariants (time order, known ids, one ending per task).
    pub fn from_json(text: &str) -> Result<Trace, JsonError> {
        let file: TraceFile = serde_json::from_str(text).map_err(|e| JsonError(e.to_string()))?;
        if file.format != FORMAT {
            return Err(JsonError(format!("format is {:?}, expected {FORMAT:?}", file.format)));
        }
        if file.version != FORMAT_VERSION {
            return Err(JsonError(format!(
                "version {} is not supported (this build reads version {FORMAT_VERSION})",
                file.version
            )));
        }
        let mut ended = vec![false; file.tasks.len()];
        let mut last = Duration::ZERO;
        for (i, ev) in file.events.iter().enumerate() {
            if ev.at < last {
                return Err(JsonError(format!("event {i} goes back in time")));
            }
            last = ev.at;
            let Some(done) = ended.get_mut(ev.task.0 as usize) else {
                return Err(JsonError(format!("event {i} names unknown task {}", ev.task.0)));
            };
            if *done && !matches!(ev.kind, EventKind::Overflow) {
                return Err(JsonError(format!("event {i} comes after its task ended")));
            }
            if let EventKind::Completed { .. } = ev.kind {
                *done = true;
            }
        }
        Ok(Trace {
            capacity: file.events.len().max(DEFAULT_CAPACITY),
            tasks: file.tasks,
            resources: file.resources,
            sites: file.sites,
            events: file.events,
            dropped: file.dropped,
        })
    }
}

/// `Duration` as whole microseconds in JSON.
pub(super) mod micros {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_micros)
    }
}
