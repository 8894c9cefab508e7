//! The event log's filter, and what it is chosen from: tasks named by
//! [`TaskRef`] (a name need not be unique) and event [`Kind`]s.

use std::collections::HashMap;

use asyncscope_core::Trace;
use asyncscope_core::trace::{EventKind, TaskId};

use super::RunSnapshot;

/// A task of one of the runs shown: the run's index and the task's id.
/// Names are not unique (`countdown --set counts=3,3` makes two tasks
/// named `countdown3`), so selection, filters and picks use this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskRef {
    /// The run (an index into the finished runs).
    pub run: usize,
    /// The task, in that run's trace.
    pub task: TaskId,
}

/// The kind of an event without its data, as the log filters on it. Its
/// names are the core's ([`EventKind::NAMES`], [`EventKind::name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // Each is the `EventKind` variant of the same name.
pub enum Kind {
    Created,
    PollStart,
    PollEnd,
    Woken,
    TimerArmed,
    TimerFired,
    TimerCancelled,
    PermitWaiting,
    PermitAcquired,
    PermitReleased,
    PermitGaveUp,
    PermitRefused,
    QueuePush,
    QueuePop,
    RequestSent,
    RequestAnswered,
    RequestFailed,
    RequestAborted,
    RequestTiming,
    Progress,
    Attempt,
    Backoff,
    DeadlinePassed,
    Completed,
    Log,
    Overflow,
}

impl Kind {
    /// Every kind, in the order of [`EventKind::NAMES`].
    pub const ALL: [Kind; 26] = [
        Kind::Created,
        Kind::PollStart,
        Kind::PollEnd,
        Kind::Woken,
        Kind::TimerArmed,
        Kind::TimerFired,
        Kind::TimerCancelled,
        Kind::PermitWaiting,
        Kind::PermitAcquired,
        Kind::PermitReleased,
        Kind::PermitGaveUp,
        Kind::PermitRefused,
        Kind::QueuePush,
        Kind::QueuePop,
        Kind::RequestSent,
        Kind::RequestAnswered,
        Kind::RequestFailed,
        Kind::RequestAborted,
        Kind::RequestTiming,
        Kind::Progress,
        Kind::Attempt,
        Kind::Backoff,
        Kind::DeadlinePassed,
        Kind::Completed,
        Kind::Log,
        Kind::Overflow,
    ];

    /// Its name, as in the trace's JSON (`poll_start`, ...).
    pub fn name(self) -> &'static str {
        EventKind::NAMES[self as usize]
    }

    /// The kind named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Kind> {
        let i = EventKind::NAMES.iter().position(|n| *n == name)?;
        Kind::ALL.get(i).copied()
    }

    /// The kind of `event`.
    pub fn of(event: &EventKind) -> Option<Kind> {
        Kind::from_name(event.name())
    }

    /// True if `event` is of this kind.
    pub fn matches(self, event: &EventKind) -> bool {
        event.name() == self.name()
    }
}

/// The event log's filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only this task's events.
    pub task: Option<TaskRef>,
    /// Only events of this kind.
    pub kind: Option<Kind>,
}

impl LogFilter {
    /// True if event `index` of `trace`, the trace of run `run`, passes.
    pub fn passes(&self, run: usize, trace: &Trace, index: usize) -> bool {
        let Some(ev) = trace.events().get(index) else {
            return false;
        };
        self.task.is_none_or(|t| t.run == run && t.task == ev.task) && self.kind.is_none_or(|k| k.matches(&ev.kind))
    }
}

/// An entry of the log's task menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskChoice {
    /// The task.
    pub task: TaskRef,
    /// What the menu shows: the task's name, with the run's label when
    /// several runs have a task of that name, and with its id when one run
    /// has several.
    pub label: String,
}

/// The log's task menu: every task of `runs`, by name, then run, then id.
/// Labels are unique, so the menu's choice names one task.
pub fn task_menu(runs: &[RunSnapshot]) -> Vec<TaskChoice> {
    let mut all: Vec<(&str, TaskRef)> = runs
        .iter()
        .enumerate()
        .flat_map(|(run, snap)| {
            snap.trace.tasks().iter().enumerate().map(move |(i, meta)| {
                let task = TaskId(u32::try_from(i).unwrap_or(u32::MAX));
                (meta.name.as_str(), TaskRef { run, task })
            })
        })
        .collect();
    all.sort();
    let mut per_name: HashMap<&str, usize> = HashMap::new();
    let mut per_run: HashMap<(&str, usize), usize> = HashMap::new();
    for (name, task) in &all {
        *per_name.entry(name).or_default() += 1;
        *per_run.entry((name, task.run)).or_default() += 1;
    }
    all.iter()
        .map(|&(name, task)| {
            let mut label = name.to_string();
            let in_run = per_run.get(&(name, task.run)).copied().unwrap_or(0);
            if per_name.get(name).copied().unwrap_or(0) > in_run {
                let run = runs.get(task.run).map_or("", |r| r.label.as_str());
                label.push_str(&format!(" ({run})"));
            }
            if in_run > 1 {
                label.push_str(&format!(" #{}", task.task.0));
            }
            TaskChoice { task, label }
        })
        .collect()
}

/// The log's kind menu: the kinds of event `runs` have, by name.
pub fn kind_menu(runs: &[RunSnapshot]) -> Vec<Kind> {
    let mut names: Vec<&'static str> = runs
        .iter()
        .flat_map(|r| r.trace.events().iter().map(|e| e.kind.name()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().filter_map(Kind::from_name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_the_cores_names() {
        assert_eq!(Kind::ALL.len(), EventKind::NAMES.len());
        for (i, name) in EventKind::NAMES.iter().enumerate() {
            assert_eq!(Kind::from_name(name), Some(Kind::ALL[i]));
            assert_eq!(Kind::ALL[i].name(), *name);
        }
        assert_eq!(Kind::of(&EventKind::PollStart), Some(Kind::PollStart));
        assert_eq!(
            Kind::of(&EventKind::Attempt { number: 2 }),
            Some(Kind::Attempt),
            "a kind with data"
        );
        assert!(Kind::Woken.matches(&EventKind::Woken {
            by: asyncscope_core::trace::WakeCause::Timer
        }));
        assert_eq!(Kind::from_name("poll"), None);
    }

    #[test]
    fn the_task_menu_names_the_run_when_runs_share_a_name() {
        use std::rc::Rc;
        let run = |label: &str, names: &[&str]| {
            let mut t = Trace::new();
            for n in names {
                t.add_task(*n);
            }
            RunSnapshot {
                label: label.to_string(),
                trace: Rc::new(t),
            }
        };
        let runs = [
            run("sequential", &["job0", "main"]),
            run("concurrent", &["job0", "job0"]),
        ];
        let menu: Vec<(String, usize, u32)> = task_menu(&runs)
            .into_iter()
            .map(|c| (c.label, c.task.run, c.task.task.0))
            .collect();
        assert_eq!(
            menu,
            [
                ("job0 (sequential)".to_string(), 0, 0),
                ("job0 (concurrent) #0".to_string(), 1, 0),
                ("job0 (concurrent) #1".to_string(), 1, 1),
                ("main".to_string(), 0, 1),
            ]
        );
    }
}
