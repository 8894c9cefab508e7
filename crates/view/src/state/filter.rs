//! The event log's filter, and what it is chosen from: tasks named by
//! [`TaskRef`] (a name need not be unique) and event [`Kind`]s.

use std::collections::HashMap;

use asyncscope_core::Trace;
pub use asyncscope_core::trace::Kind;
use asyncscope_core::trace::TaskId;

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
        self.task.is_none_or(|t| t.run == run && t.task == ev.task) && self.kind.is_none_or(|k| ev.kind.kind() == k)
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
    // One bit per kind: a big run has hundreds of thousands of events and
    // a few dozen kinds, so they are marked, not gathered and sorted.
    let mut seen: u64 = 0;
    for r in runs {
        for e in r.trace.events() {
            seen |= 1 << (e.kind.kind() as u32);
        }
    }
    let mut kinds: Vec<Kind> = Kind::all()
        .iter()
        .copied()
        .filter(|k| seen & (1 << (*k as u32)) != 0)
        .collect();
    kinds.sort_unstable_by_key(|k| k.name());
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_kind_menu_lists_each_kind_the_runs_have_once_by_name() {
        use asyncscope_core::trace::{EventKind, Outcome};
        use std::rc::Rc;
        use std::time::Duration;
        let run = |kinds: &[EventKind]| {
            let mut t = Trace::new();
            let a = t.add_task("a");
            for (i, k) in kinds.iter().enumerate() {
                t.push(Duration::from_millis(i as u64), a, k.clone());
            }
            RunSnapshot {
                label: String::new(),
                trace: Rc::new(t),
            }
        };
        let runs = [
            run(&[EventKind::PollStart, EventKind::pending(None), EventKind::PollStart]),
            run(&[EventKind::TimerFired, EventKind::Completed { outcome: Outcome::Ok }]),
        ];
        let names: Vec<&str> = kind_menu(&runs).into_iter().map(Kind::name).collect();
        assert_eq!(names, ["completed", "poll_end", "poll_start", "timer_fired"]);
        assert!(kind_menu(&[]).is_empty());
    }
}
