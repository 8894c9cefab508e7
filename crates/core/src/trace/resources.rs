//! What each resource (semaphore, limit, queue) saw over a run.

use std::time::Duration;

use super::model::{EventKind, ResourceId, TaskId, Trace, index_u32};

/// What a resource saw over a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceStats {
    /// Its id.
    pub id: ResourceId,
    /// Permits handed out.
    pub acquired: u32,
    /// Permits given back.
    pub released: u32,
    /// Releases a bounded semaphore refused.
    pub refused: u32,
    /// The most permits in use at once.
    pub max_in_use: u32,
    /// The most tasks waiting for a permit at once.
    pub max_waiting: u32,
    /// The longest a task waited for a permit.
    pub max_wait: Duration,
    /// All waits for a permit added up.
    pub total_wait: Duration,
    /// Items pushed.
    pub pushed: u32,
    /// Items popped.
    pub popped: u32,
    /// The deepest the queue was.
    pub max_depth: u32,
}

impl Trace {
    /// What each resource saw, indexed by [`ResourceId`].
    pub fn resource_stats(&self) -> Vec<ResourceStats> {
        let mut stats: Vec<ResourceStats> = (0..self.resources.len())
            .map(|i| ResourceStats {
                id: ResourceId(index_u32(i)),
                ..ResourceStats::default()
            })
            .collect();
        let mut in_use = vec![0u32; stats.len()];
        let mut waiting = vec![0u32; stats.len()];
        let mut waits: std::collections::HashMap<(TaskId, ResourceId), Duration> = Default::default();
        for ev in &self.events {
            match ev.kind {
                EventKind::PermitWaiting { resource } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        let w = &mut waiting[resource.0 as usize];
                        *w += 1;
                        s.max_waiting = s.max_waiting.max(*w);
                        waits.insert((ev.task, resource), ev.at());
                    }
                }
                EventKind::PermitAcquired { resource, .. } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.acquired += 1;
                        let u = &mut in_use[resource.0 as usize];
                        *u += 1;
                        s.max_in_use = s.max_in_use.max(*u);
                        if let Some(since) = waits.remove(&(ev.task, resource)) {
                            waiting[resource.0 as usize] = waiting[resource.0 as usize].saturating_sub(1);
                            let waited = ev.at().saturating_sub(since);
                            s.max_wait = s.max_wait.max(waited);
                            s.total_wait += waited;
                        }
                    }
                }
                EventKind::PermitReleased { resource, .. } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.released += 1;
                        in_use[resource.0 as usize] = in_use[resource.0 as usize].saturating_sub(1);
                    }
                }
                EventKind::PermitRefused { resource } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.refused += 1;
                    }
                }
                EventKind::PermitGaveUp { resource } if waits.remove(&(ev.task, resource)).is_some() => {
                    waiting[resource.0 as usize] = waiting[resource.0 as usize].saturating_sub(1);
                }
                EventKind::QueuePush { resource, depth } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.pushed += 1;
                        s.max_depth = s.max_depth.max(depth);
                    }
                }
                EventKind::QueuePop { resource, .. } => {
                    if let Some(s) = stats.get_mut(resource.0 as usize) {
                        s.popped += 1;
                    }
                }
                EventKind::Completed { .. } => {
                    // A task dropped while waiting stops waiting.
                    let gone: Vec<_> = waits.keys().filter(|(t, _)| *t == ev.task).copied().collect();
                    for key in gone {
                        waits.remove(&key);
                        waiting[key.1.0 as usize] = waiting[key.1.0 as usize].saturating_sub(1);
                    }
                }
                _ => {}
            }
        }
        stats
    }
}
