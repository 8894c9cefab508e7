//! The event log's filter.

use asyncscope_core::Trace;

/// The event log's filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only this task's events.
    pub task: Option<String>,
    /// Only events of this kind (`poll_start`, `woken`, ...).
    pub kind: Option<String>,
}

impl LogFilter {
    /// True if `event` of `trace` passes.
    pub fn passes(&self, trace: &Trace, index: usize) -> bool {
        let Some(ev) = trace.events().get(index) else {
            return false;
        };
        self.task.as_ref().is_none_or(|t| trace.task_name(ev.task) == t)
            && self.kind.as_ref().is_none_or(|k| ev.kind.name() == k)
    }
}
