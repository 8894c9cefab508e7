//! A run: its snapshots while it runs, and once it is over, the finished
//! runs with their playhead and selected event.

use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::Trace;

use super::{LogFilter, TaskRef};

/// A finished run's traces and their hash ([`Finished::trace_hash`]),
/// worked out as this is made: the page hashes a stretch of events per
/// task ([`FinalRuns::hashing`]), before the task that draws the finished
/// run, since hashing a trace writes it out (about 60 ms in the page at
/// 150,000 events).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalRuns {
    runs: Vec<RunSnapshot>,
    hash: u64,
}

impl FinalRuns {
    /// `runs`, hashed.
    pub fn new(runs: Vec<RunSnapshot>) -> Self {
        let hash = asyncscope_core::trace::runs_hash(runs.iter().map(|r| &*r.trace));
        Self { runs, hash }
    }

    /// `runs`, to be hashed a stretch at a time ([`Hashing::step`]), for a
    /// page that must not hold its main thread for the whole hash of a big
    /// run (about 60 ms at 150,000 events).
    pub fn hashing(runs: Vec<RunSnapshot>) -> Hashing {
        Hashing {
            runs,
            hash: asyncscope_core::trace::RunsHash::default(),
        }
    }

    /// The traces.
    pub fn runs(&self) -> &[RunSnapshot] {
        &self.runs
    }

    /// These runs holding `drawn`'s snapshots when they are the same runs
    /// (the same hash `drawn_hash`, then the same labels and events): a
    /// form run again the same way in virtual time makes equal traces, and
    /// what compares the runs drawn (the timeline's memos) then finds the
    /// same `Rc`s at once, where equal traces are compared event by event
    /// at every drawing (about 5 ms natively at 900,000 events).
    pub fn sharing(self, drawn: &[RunSnapshot], drawn_hash: u64) -> Self {
        if self.hash == drawn_hash && self.runs == drawn {
            Self {
                runs: drawn.to_vec(),
                hash: self.hash,
            }
        } else {
            self
        }
    }
}

/// [`FinalRuns`] being hashed (see [`FinalRuns::hashing`]).
#[derive(Debug)]
pub struct Hashing {
    runs: Vec<RunSnapshot>,
    hash: asyncscope_core::trace::RunsHash,
}

impl Hashing {
    /// Hashes at most `events` more events: the runs with their hash once
    /// all are hashed (the same as [`FinalRuns::new`] gives), else what is
    /// left to do.
    pub fn step(mut self, events: usize) -> Result<FinalRuns, Hashing> {
        let traces: Vec<&asyncscope_core::Trace> = self.runs.iter().map(|r| &*r.trace).collect();
        match self.hash.step(&traces, events) {
            Some(hash) => Ok(FinalRuns { runs: self.runs, hash }),
            None => Err(self),
        }
    }
}

/// One run's trace, with the label it is shown under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSnapshot {
    /// `sequential`, `concurrent`, ...; a pinned run's label starts `pinned`.
    pub label: String,
    /// What it recorded so far. Shared: cloning a snapshot or comparing
    /// two copies of one is cheap, however long the trace.
    pub trace: Rc<Trace>,
}

impl RunSnapshot {
    /// The title the run is shown under: its label, in Simplified Chinese
    /// when `zh` (see [`run_title`]).
    pub fn title(&self, zh: bool) -> String {
        run_title(&self.label, zh)
    }
}

/// The title of a run labelled `label`: the label itself in English; in
/// Simplified Chinese the demo's name for it, and a pinned run's
/// `pinned race (limit=3)` as `已固定：竞速（limit=3）` (and its
/// `defaults` as `默认参数`). A label no demo
/// gives is shown as it is.
pub fn run_title(label: &str, zh: bool) -> String {
    if !zh {
        return label.to_string();
    }
    let zh_of = |l: &str| asyncscope_core::demos::run_label_zh(l).map_or_else(|| l.to_string(), str::to_string);
    match label.strip_prefix("pinned ") {
        Some(rest) => match rest.split_once(" (") {
            Some((run, settings)) => {
                let settings = match settings.strip_suffix(')').unwrap_or(settings) {
                    "defaults" => "默认参数",
                    other => other,
                };
                format!("已固定：{}（{settings}）", zh_of(run))
            }
            None => format!("已固定：{}", zh_of(rest)),
        },
        None => zh_of(label),
    }
}

/// Which clock a run ran on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The browser's: real timers, real requests.
    Real,
    /// The virtual clock, run to the end at once in the page.
    Virtual,
}

/// An event of a finished run: the run's index, and the event's index in
/// its trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventRef {
    /// The run.
    pub run: usize,
    /// The event.
    pub index: usize,
}

/// A finished run and where its playhead is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finished {
    /// The final traces.
    pub runs: Vec<RunSnapshot>,
    /// How it ended.
    pub how: Ending,
    /// The clock it ran on.
    pub clock: Clock,
    /// The last event's time, over every run.
    pub end: Duration,
    /// The playhead: the timeline shows the runs as they were then.
    pub playhead: Duration,
    /// True while the playhead moves on by itself.
    pub playing: bool,
    /// The selected event (the event log's current row).
    pub selected: Option<EventRef>,
    /// How the tasks ended, counted once when the run ended (the status
    /// line reads it on every frame of a replay).
    pub outcomes: Outcomes,
    /// The runs' trace hash ([`asyncscope_core::trace::runs_hash`]),
    /// computed once when the run ended: the page shows it as
    /// `data-metric="trace_hash"`, and the command line prints the same for
    /// the same demo, parameters and seed.
    pub trace_hash: u64,
    /// What the run left open (timers, permits, requests), counted once
    /// when it ended: all zero once every task has ended.
    pub leftovers: Leftovers,
}

/// What a finished run left open, over all its runs: timers armed that
/// neither fired nor were cancelled, permits acquired and not given back,
/// requests that never ended (answered, failed or aborted). A cancel that
/// drops every future leaves none; the page shows these as `data-open-*`
/// attributes, which the soak (`cargo xtask soak`) checks after each cancel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Leftovers {
    /// Timers still armed.
    pub timers: u64,
    /// Permits still held.
    pub permits: u64,
    /// Requests still in flight.
    pub requests: u64,
}

impl Leftovers {
    /// The counts of `runs`, from their events.
    pub fn of(runs: &[RunSnapshot]) -> Self {
        use asyncscope_core::trace::EventKind;
        let mut n = Leftovers::default();
        for run in runs {
            let (mut timers, mut permits) = (0i64, 0i64);
            for ev in run.trace.events() {
                match ev.kind {
                    EventKind::TimerArmed { .. } => timers += 1,
                    EventKind::TimerFired | EventKind::TimerCancelled => timers -= 1,
                    EventKind::PermitAcquired { .. } => permits += 1,
                    EventKind::PermitReleased { .. } => permits -= 1,
                    _ => {}
                }
            }
            // A release above the start (an unbounded semaphore) is no
            // permit held.
            n.timers += u64::try_from(timers).unwrap_or(0);
            n.permits += u64::try_from(permits).unwrap_or(0);
            n.requests += run.trace.requests().iter().filter(|r| r.end.is_none()).count() as u64;
        }
        n
    }
}

/// How the tasks of a finished run ended, counted over all its runs: what
/// the status line says ("3 ok, 1 failed, 2 cancelled").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Ended with their value.
    pub ok: usize,
    /// Ended with an error.
    pub failed: usize,
    /// Dropped before they completed.
    pub cancelled: usize,
    /// Dropped by a timeout.
    pub timed_out: usize,
    /// Not ended (a run cut short).
    pub running: usize,
}

impl Outcomes {
    /// The counts of `runs`' tasks, from their `completed` events (no
    /// spans are built).
    pub fn of(runs: &[RunSnapshot]) -> Self {
        use asyncscope_core::Outcome;
        use asyncscope_core::trace::EventKind;
        let mut n = Outcomes::default();
        for run in runs {
            let mut ended = 0;
            for ev in run.trace.events() {
                if let EventKind::Completed { outcome } = ev.kind {
                    ended += 1;
                    match outcome {
                        Outcome::Ok => n.ok += 1,
                        Outcome::Error => n.failed += 1,
                        Outcome::Cancelled => n.cancelled += 1,
                        Outcome::Timeout => n.timed_out += 1,
                    }
                }
            }
            n.running += run.trace.tasks().len().saturating_sub(ended);
        }
        n
    }

    /// The counts that are not zero, with a word for each, in order: ok,
    /// failed, cancelled, timed out, running.
    pub fn parts(&self) -> Vec<(usize, &'static str)> {
        [
            (self.ok, "ok"),
            (self.failed, "failed"),
            (self.cancelled, "cancelled"),
            (self.timed_out, "timed out"),
            (self.running, "running"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .collect()
    }
}

impl Finished {
    /// How its tasks ended.
    pub fn outcomes(&self) -> Outcomes {
        self.outcomes
    }

    pub(crate) fn new(runs: FinalRuns, how: Ending, clock: Clock) -> Self {
        let FinalRuns { runs, hash: trace_hash } = runs;
        let end = runs
            .iter()
            .filter_map(|r| r.trace.events().last().map(|e| e.at()))
            .max()
            .unwrap_or_default();
        let outcomes = Outcomes::of(&runs);
        let leftovers = Leftovers::of(&runs);
        Self {
            runs,
            how,
            clock,
            end,
            playhead: end,
            playing: false,
            selected: None,
            outcomes,
            trace_hash,
            leftovers,
        }
    }

    /// Every event that passes `filter`, in time order (ties: run, then
    /// index).
    pub fn events(&self, filter: &LogFilter) -> Vec<EventRef> {
        let mut all: Vec<(Duration, EventRef)> = Vec::new();
        for (run, snap) in self.runs.iter().enumerate() {
            for (index, ev) in snap.trace.events().iter().enumerate() {
                if filter.passes(run, &snap.trace, index) {
                    all.push((ev.at(), EventRef { run, index }));
                }
            }
        }
        all.sort();
        all.into_iter().map(|(_, r)| r).collect()
    }

    /// The time of an event.
    pub fn at(&self, r: EventRef) -> Option<Duration> {
        self.runs.get(r.run)?.trace.events().get(r.index).map(|e| e.at())
    }

    /// The task an event concerns.
    pub fn task_of(&self, r: EventRef) -> Option<TaskRef> {
        let task = self.runs.get(r.run)?.trace.events().get(r.index)?.task;
        Some(TaskRef { run: r.run, task })
    }

    /// The task of the current event among `events`: the lane to highlight.
    pub fn selected_task(&self, events: &[EventRef]) -> Option<TaskRef> {
        self.task_of(*events.get(self.current(events)?)?)
    }

    /// The event of `task` nearest to `at` (the earliest of a tie): what
    /// clicking its lane at `at` selects.
    pub fn pick(&self, task: TaskRef, at: Duration) -> Option<EventRef> {
        let trace = &self.runs.get(task.run)?.trace;
        let index = trace
            .events()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.task == task.task)
            .min_by_key(|(_, e)| e.at().abs_diff(at))
            .map(|(i, _)| i)?;
        Some(EventRef { run: task.run, index })
    }

    /// The current event: the selected one, or the last at or before the
    /// playhead among `events`.
    pub fn current(&self, events: &[EventRef]) -> Option<usize> {
        if let Some(sel) = self.selected
            && let Some(i) = events.iter().position(|r| *r == sel)
        {
            return Some(i);
        }
        let i = events.partition_point(|r| self.at(*r).is_some_and(|t| t <= self.playhead));
        i.checked_sub(1)
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every future completed.
    Completed,
    /// The user cancelled it; its futures were dropped.
    Cancelled,
}

/// The run, in one of its possible states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Nothing has run yet.
    Idle,
    /// Under way: `generation` tells its frames from a previous run's.
    Running {
        /// Which run this is.
        generation: u32,
        /// The traces so far.
        runs: Vec<RunSnapshot>,
        /// Time since it started.
        elapsed: Duration,
        /// How long it should take (a run of the same form in virtual
        /// time), if known: the live timeline's axis spans this from the
        /// start, so its lanes hold still as they fill in.
        expected: Option<Duration>,
        /// Too big to draw as it grows: the lanes wait for the end.
        held: bool,
        /// The user asked to cancel; the drop is under way.
        cancelling: bool,
    },
    /// Over: its traces and the playhead.
    Ended {
        /// Which run this was.
        generation: u32,
        /// The traces and the playback.
        finished: Finished,
    },
}
