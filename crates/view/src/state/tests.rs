//! Selection, filter and pick across the state, the lanes and the log's
//! menu: tasks are told apart by id, not by name.

use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::VirtualRuntime;
use asyncscope_core::demos::countdown;
use asyncscope_core::trace::TaskId;

use super::{Action, DemoState, FinalRuns, Form, Kind, LogFilter, RunSnapshot, TaskRef, task_menu};
use crate::{Scale, lanes};

/// The runs of demo `slug` with `pairs`, run to the end in virtual time.
fn virtual_runs(slug: &str, pairs: &[(String, String)]) -> Vec<RunSnapshot> {
    let rt = VirtualRuntime::new();
    let started = asyncscope_core::demos::start(slug, rt.env(), pairs)
        .expect("valid")
        .expect("demo");
    rt.block_on(started.work).expect("runs");
    started
        .runs
        .iter()
        .map(|(label, t)| RunSnapshot {
            label: label.to_string(),
            trace: Rc::new(t.snapshot()),
        })
        .collect()
}

#[test]
fn two_tasks_with_the_same_name_are_selected_separately() {
    let runs = virtual_runs(countdown::SLUG, &[("counts".to_string(), "3,3,2".to_string())]);
    let trace = runs[0].trace.clone();
    let twins: Vec<TaskId> = (0..trace.tasks().len())
        .map(|i| TaskId(i as u32))
        .filter(|id| trace.task_name(*id) == "countdown3")
        .collect();
    assert_eq!(twins.len(), 2, "two tasks named countdown3");
    let (first, second) = (TaskRef { run: 0, task: twins[0] }, TaskRef { run: 0, task: twins[1] });

    // Two lanes, told apart by their task.
    let end = trace.makespan().expect("ends");
    let lane_tasks: Vec<TaskId> = lanes(&trace, end, &Scale::whole(end))
        .into_iter()
        .filter(|l| l.name == "countdown3")
        .map(|l| l.task)
        .collect();
    assert_eq!(lane_tasks, twins);

    // Picking the second lane selects an event of the second task only.
    let s = DemoState::new(Form::from_query(countdown::SPECS, &[]))
        .apply(Action::RanVirtual {
            runs: FinalRuns::new(runs),
        })
        .expect("finished");
    let at = Duration::from_millis(1000);
    for task in [first, second] {
        let s = s.apply(Action::Pick { task, at }).expect("picked");
        let f = s.finished().expect("finished");
        let events = f.events(&s.filter);
        assert_eq!(f.selected_task(&events), Some(task), "only {task:?} is lit");
        assert_eq!(f.playhead, at, "a tick of each at 1 s");
    }

    // Filtering on one keeps its events and none of its twin's.
    let s = s
        .apply(Action::Filter(LogFilter {
            task: Some(second),
            kind: Some(Kind::PollStart),
        }))
        .expect("filter");
    let f = s.finished().expect("finished");
    let events = f.events(&s.filter);
    assert!(!events.is_empty());
    assert!(events.iter().all(|r| f.task_of(*r) == Some(second)));
    let polls = trace
        .events()
        .iter()
        .filter(|e| e.task == second.task && e.kind.kind() == Kind::PollStart)
        .count();
    assert_eq!(events.len(), polls);

    // The log's menu names each once, with its id.
    let menu = task_menu(&f.runs);
    let labels: Vec<(&str, TaskRef)> = menu
        .iter()
        .filter(|c| c.label.starts_with("countdown3"))
        .map(|c| (c.label.as_str(), c.task))
        .collect();
    let want = [
        (format!("countdown3 #{}", first.task.0), first),
        (format!("countdown3 #{}", second.task.0), second),
    ];
    assert_eq!(labels, want.iter().map(|(l, t)| (l.as_str(), *t)).collect::<Vec<_>>());
    assert!(menu.iter().any(|c| c.label == "countdown2"), "unique names stay bare");
}

/// Playback needs a finished run: on an idle page and during a run, every
/// playback action changes nothing (`apply` says so with `None`), so no
/// playhead, selection or replay can appear without one.
#[test]
fn playback_actions_without_a_finished_run_change_nothing() {
    let idle = DemoState::new(Form::from_query(countdown::SPECS, &[]));
    let running = idle.apply(Action::Started { expected: None }).expect("a run starts");
    let at = Duration::from_millis(500);
    let task = TaskRef {
        run: 0,
        task: TaskId(0),
    };
    for (name, state) in [("idle", &idle), ("running", &running)] {
        let actions = [
            Action::Seek(at),
            Action::Step(true),
            Action::Step(false),
            Action::Pick { task, at },
            Action::Replay,
            Action::TogglePlay,
            Action::Advance(at),
        ];
        for action in actions {
            let what = format!("{action:?}");
            assert!(state.apply(action).is_none(), "{name}: {what} changed the state");
        }
        assert!(state.finished().is_none(), "{name}: no finished run");
    }
}

/// The status line counts how the tasks ended, not "every future
/// completed": first-completed's winner B fails (its default) and the two
/// losers are dropped.
#[test]
fn a_finished_run_counts_its_outcomes() {
    let runs = virtual_runs("first-completed", &[]);
    let s = DemoState::new(Form::from_query(countdown::SPECS, &[]))
        .apply(Action::RanVirtual {
            runs: FinalRuns::new(runs),
        })
        .expect("finished");
    let outcomes = s.finished().expect("finished").outcomes();
    assert_eq!((outcomes.cancelled, outcomes.failed, outcomes.running), (2, 1, 0));
    let words: Vec<&str> = outcomes.parts().into_iter().map(|(_, w)| w).collect();
    assert_eq!(
        words,
        ["ok", "failed", "cancelled"],
        "only the counts that are not zero"
    );
}

/// A finished run carries its runs' trace hash, computed once: the hash
/// the page shows and the command line prints (both runs of a side-by-side
/// demo in it).
#[test]
fn a_finished_run_carries_the_hash_of_all_its_runs() {
    let runs = virtual_runs("sequential-vs-concurrent", &[]);
    let want = asyncscope_core::trace::runs_hash(runs.iter().map(|r| &*r.trace));
    assert_ne!(want, runs[0].trace.hash(), "both runs count");
    let s = DemoState::new(Form::from_query(countdown::SPECS, &[]))
        .apply(Action::RanVirtual {
            runs: FinalRuns::new(runs),
        })
        .expect("finished");
    assert_eq!(s.finished().expect("finished").trace_hash, want);
}

/// Runs hashed a few events at a time, as the page hashes a finished run,
/// carry the hash they would have hashed at once.
#[test]
fn runs_hashed_in_steps_carry_the_same_hash() {
    let runs = virtual_runs("sequential-vs-concurrent", &[]);
    let want = FinalRuns::new(runs.clone());
    let mut hashing = FinalRuns::hashing(runs);
    let mut steps = 0;
    let got = loop {
        steps += 1;
        match hashing.step(3) {
            Ok(done) => break done,
            Err(more) => hashing = more,
        }
    };
    assert!(steps > 2, "{steps} steps");
    assert_eq!(got, want);
}

/// A finished run counts what it left open: nothing, for a run to the end
/// (and the soak checks the same after each cancel in the page).
#[test]
fn a_finished_run_counts_what_it_left_open() {
    use super::Leftovers;
    for slug in ["semaphore", "fetch", "timeout", "download"] {
        let runs = virtual_runs(slug, &[]);
        assert_eq!(Leftovers::of(&runs), Leftovers::default(), "{slug}");
    }
    // Cut mid-way, a semaphore run holds permits, timers and nothing else.
    let runs = virtual_runs("semaphore", &[]);
    let cut: Vec<RunSnapshot> = runs
        .iter()
        .map(|r| RunSnapshot {
            label: r.label.clone(),
            trace: Rc::new(r.trace.until(Duration::from_millis(500))),
        })
        .collect();
    let open = Leftovers::of(&cut);
    assert_eq!((open.timers, open.permits, open.requests), (3, 3, 0), "{open:?}");
}

/// A run's title reads in the page's language; its label (in links,
/// `data-run`, JSON) stays as it is.
#[test]
fn run_titles_read_in_chinese() {
    use super::run_title;
    assert_eq!(run_title("race", false), "race");
    assert_eq!(run_title("race", true), "竞速");
    assert_eq!(
        run_title("pinned semaphore (limit=3)", true),
        "已固定：信号量（limit=3）"
    );
    assert_eq!(
        run_title("pinned concurrent (defaults)", true),
        "已固定：并发执行（默认参数）"
    );
    assert_eq!(
        run_title("pinned concurrent (defaults)", false),
        "pinned concurrent (defaults)"
    );
    assert_eq!(run_title("no such run", true), "no such run", "shown as it is");
}
