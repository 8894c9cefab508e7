//! The trace model: an append-only log of what every task, timer and
//! resource did, and the views derived from it (spans with state segments,
//! in flight over time, makespan, per-resource statistics).
//!
//! The log is the only truth: every view is a pure function of it, so a
//! view at any instant of a finished run is the view of a prefix of its
//! events (what the playhead needs).
//!
//! One concern a file: `model` (ids, kinds, events, storage), `spans`,
//! `flight` (in flight), `requests`, `resources`, `json`, `hash` (the
//! trace hash), `name` (a task's name, inline when short), `text`, `warnings` (exact rules: never awaited, long poll,
//! starved, busy-yield, detached).

mod flight;
mod hash;
mod json;
mod micros;
mod model;
mod name;
mod patterns;
mod requests;
mod resources;
mod spans;
mod stats;
mod text;
mod waits;
mod warnings;

pub use flight::InFlightFold;
pub use hash::{Fnv1a64, RunsHash, hash_hex, runs_hash, runs_hashes};
pub use json::JsonError;
pub use model::{
    Blocker, BodyProgress, DEFAULT_CAPACITY, Event, EventKind, FORMAT, FORMAT_VERSION, Kind, Lineage, Nanos, Outcome,
    RequestTimes, ResourceId, ResourceKind, ResourceMeta, Site, SiteId, TaskId, TaskMeta, Text, Trace, WakeCause,
};
pub use name::Name;
pub use patterns::{DRIFT, DRIFT_SLEEPS, HELD_ACROSS, IN_STEP, Liveness, SPAWN_FLOOD};
pub use requests::{RequestFold, RequestSpan, on_wire_peak};
pub use resources::ResourceStats;
pub use spans::{Segment, SegmentState, SpanFold, TaskSpan};
pub use stats::TaskStats;
pub use text::{human, human_ms};
pub use waits::{Wait, WaitOn, WaitTracker, WaitsOfEach};
pub use warnings::{BUSY_MIN_POLLS, LONG_POLL, QUEUE_GROWS, Rule, STARVED, Warning, WarningPasses};

#[cfg(test)]
mod tests;
