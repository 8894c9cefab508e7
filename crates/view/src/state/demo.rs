//! The demo page's whole state, and every change to it as an [`Action`]
//! through [`DemoState::apply`].

use std::time::Duration;

use super::{Clock, Ending, EventRef, FinalRuns, Finished, Form, LogFilter, RunSnapshot, RunState, TaskRef, View};

/// Playback speeds, for replaying a finished run.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// Runs kept aside to compare with the next ones, on one shared axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pinned {
    /// The parameters they ran with, in words.
    pub label: String,
    /// Their traces.
    pub runs: Vec<RunSnapshot>,
}

/// The demo page's whole state.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoState {
    /// The parameter form.
    pub form: Form,
    /// The run.
    pub run: RunState,
    /// Runs started so far (the next run's generation).
    pub started: u32,
    /// The replay speed, an index into [`SPEEDS`].
    pub speed: usize,
    /// The event log's filter.
    pub filter: LogFilter,
    /// The part of the time axis in view.
    pub view: View,
    /// Runs pinned for comparison.
    pub pinned: Option<Pinned>,
}

/// What can happen to a [`DemoState`].
#[derive(Clone, Debug)]
pub enum Action {
    /// The user typed `value` into field `index`.
    Edit {
        /// The field.
        index: usize,
        /// Its new text.
        value: String,
    },
    /// A preset was chosen: the form takes these parameters (the others
    /// their defaults) and keeps its seed. Ignored while a run is going.
    Load(Vec<(String, String)>),
    /// A run started; it is the `started`-th.
    Started {
        /// How long it should take, if known (see [`RunState::Running`]).
        expected: Option<Duration>,
    },
    /// A frame of the run `generation`.
    Frame {
        /// Which run.
        generation: u32,
        /// Its traces so far.
        runs: Vec<RunSnapshot>,
        /// Time since it started.
        elapsed: Duration,
        /// The runs are too big to draw as they grow: `runs` stays as it
        /// was drawn last until the run ends.
        held: bool,
    },
    /// The user asked to cancel the current run.
    Cancel,
    /// The run `generation` is over.
    Ended {
        /// Which run.
        generation: u32,
        /// Its final traces.
        runs: FinalRuns,
        /// How it ended.
        how: Ending,
    },
    /// A run in virtual time finished (it runs to the end at once).
    RanVirtual {
        /// Its traces.
        runs: FinalRuns,
    },
    /// The user typed a seed.
    EditSeed(String),
    /// Move the playhead to this instant (and stop playing).
    Seek(Duration),
    /// Select the next (`true`) or previous event of the log, and move the
    /// playhead to it.
    Step(bool),
    /// Select this event and move the playhead to it.
    Select(EventRef),
    /// A lane was clicked: select the event of its task nearest to the
    /// instant under the pointer, and move the playhead to it.
    Pick {
        /// The lane's task.
        task: TaskRef,
        /// The instant under the pointer.
        at: Duration,
    },
    /// Start the replay from the beginning.
    Replay,
    /// Play or pause the replay.
    TogglePlay,
    /// Set the replay speed (an index into [`SPEEDS`]).
    Speed(usize),
    /// A frame of the replay: this much real time went by.
    Advance(Duration),
    /// Filter the event log.
    Filter(LogFilter),
    /// Zoom by this factor (below 1 zooms in) around the playhead.
    Zoom(f64),
    /// Pan by this fraction of the span in view.
    Pan(f64),
    /// Show the whole axis.
    ResetView,
    /// Keep the finished runs to compare with the next ones.
    Pin,
    /// Drop the pinned runs.
    Unpin,
}

impl DemoState {
    /// A fresh page for this form.
    pub fn new(form: Form) -> Self {
        Self {
            form,
            run: RunState::Idle,
            started: 0,
            speed: 2,
            filter: LogFilter::default(),
            view: View::default(),
            pinned: None,
        }
    }

    /// The finished run, if there is one.
    pub fn finished(&self) -> Option<&Finished> {
        match &self.run {
            RunState::Ended { finished, .. } => Some(finished),
            _ => None,
        }
    }

    fn finished_mut(&mut self) -> Option<&mut Finished> {
        match &mut self.run {
            RunState::Ended { finished, .. } => Some(finished),
            _ => None,
        }
    }

    /// The generation the next `Started` gives its run.
    pub fn next_generation(&self) -> u32 {
        self.started + 1
    }

    /// True while a run is under way.
    pub fn is_running(&self) -> bool {
        matches!(self.run, RunState::Running { .. })
    }

    /// Applies an action; `None` when nothing changes.
    pub fn apply(&self, action: Action) -> Option<Self> {
        let mut next = self.clone();
        match action {
            Action::Edit { index, value } => {
                if !next.form.edit(index, value) {
                    return None;
                }
            }
            Action::Load(pairs) => {
                if self.is_running() {
                    return None;
                }
                next.form = self.form.load(&pairs);
                if next.form == self.form {
                    return None;
                }
            }
            Action::Started { expected } => {
                if self.is_running() || !self.form.is_valid() {
                    return None;
                }
                next.started += 1;
                next.run = RunState::Running {
                    generation: next.started,
                    runs: Vec::new(),
                    elapsed: Duration::ZERO,
                    expected,
                    held: false,
                    cancelling: false,
                };
            }
            Action::Frame {
                generation,
                runs,
                elapsed,
                held,
            } => match &mut next.run {
                RunState::Running {
                    generation: g,
                    runs: r,
                    elapsed: e,
                    held: h,
                    ..
                } if *g == generation => {
                    *r = runs;
                    *e = elapsed;
                    *h = held;
                }
                _ => return None,
            },
            Action::Cancel => match &mut next.run {
                RunState::Running { cancelling, .. } if !*cancelling => *cancelling = true,
                _ => return None,
            },
            Action::Ended { generation, runs, how } => match &next.run {
                RunState::Running { generation: g, .. } if *g == generation => {
                    next.run = RunState::Ended {
                        generation,
                        finished: Finished::new(runs, how, Clock::Real),
                    };
                    next.view = View::default();
                }
                _ => return None,
            },
            Action::RanVirtual { runs } => {
                if self.is_running() {
                    return None;
                }
                let runs = match self.finished() {
                    Some(f) => runs.sharing(&f.runs, f.trace_hash),
                    None => runs,
                };
                next.started += 1;
                next.run = RunState::Ended {
                    generation: next.started,
                    finished: Finished::new(runs, Ending::Completed, Clock::Virtual),
                };
                next.view = View::default();
            }
            Action::EditSeed(seed) => {
                if !next.form.edit_seed(seed) {
                    return None;
                }
            }
            Action::Seek(at) => {
                let f = next.finished_mut()?;
                f.playhead = at.min(f.end);
                f.playing = false;
                f.selected = None;
            }
            Action::Step(forward) => {
                let filter = next.filter.clone();
                let f = next.finished_mut()?;
                let events = f.events(&filter);
                let target = match (f.current(&events), forward) {
                    (None, true) => events.first().copied(),
                    (None, false) => None,
                    (Some(i), true) => events.get(i + 1).copied(),
                    (Some(i), false) => i.checked_sub(1).and_then(|j| events.get(j).copied()),
                }?;
                f.playhead = f.at(target)?;
                f.selected = Some(target);
                f.playing = false;
            }
            Action::Pick { task, at } => {
                let f = next.finished_mut()?;
                let r = f.pick(task, at)?;
                f.playhead = f.at(r)?;
                f.selected = Some(r);
                f.playing = false;
            }
            Action::Select(r) => {
                let f = next.finished_mut()?;
                f.playhead = f.at(r)?;
                f.selected = Some(r);
                f.playing = false;
            }
            Action::Replay => {
                let f = next.finished_mut()?;
                f.playhead = Duration::ZERO;
                f.selected = None;
                f.playing = true;
            }
            Action::TogglePlay => {
                let f = next.finished_mut()?;
                if !f.playing && f.playhead >= f.end {
                    f.playhead = Duration::ZERO;
                }
                f.playing = !f.playing;
                f.selected = None;
            }
            Action::Speed(i) => {
                if i >= SPEEDS.len() || i == self.speed {
                    return None;
                }
                next.speed = i;
            }
            Action::Advance(real) => {
                let speed = SPEEDS[next.speed.min(SPEEDS.len() - 1)];
                let f = next.finished_mut()?;
                if !f.playing {
                    return None;
                }
                f.playhead = (f.playhead + real.mul_f64(speed)).min(f.end);
                if f.playhead >= f.end {
                    f.playing = false;
                }
            }
            Action::Filter(filter) => {
                if filter == self.filter {
                    return None;
                }
                next.filter = filter;
                if let Some(f) = next.finished_mut() {
                    f.selected = None;
                }
            }
            Action::Zoom(factor) => {
                let around = match self.finished() {
                    Some(f) if f.end > Duration::ZERO => f.playhead.as_secs_f64() / f.end.as_secs_f64(),
                    _ => 0.5,
                };
                next.view = self.view.zoomed(factor, around);
            }
            Action::Pan(delta) => next.view = self.view.panned(delta),
            Action::ResetView => next.view = View::default(),
            Action::Pin => {
                let f = self.finished()?;
                let label = self.form.summary();
                let runs = f
                    .runs
                    .iter()
                    .filter(|r| !r.label.starts_with("pinned"))
                    .map(|r| RunSnapshot {
                        label: format!("pinned {} ({label})", r.label),
                        trace: r.trace.clone(),
                    })
                    .collect();
                next.pinned = Some(Pinned { label, runs });
            }
            Action::Unpin => {
                self.pinned.as_ref()?;
                next.pinned = None;
            }
        }
        if next == *self { None } else { Some(next) }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use asyncscope_core::Trace;
    use asyncscope_core::demos::sequential_vs_concurrent::SPECS;

    #[test]
    fn a_run_goes_idle_running_ended_and_ignores_stale_frames() {
        let s = DemoState::new(Form::from_query(SPECS, &[]));
        let s = s.apply(Action::Started { expected: None }).expect("starts");
        assert!(s.is_running());
        assert!(
            s.apply(Action::Started { expected: None }).is_none(),
            "a second start while running is ignored"
        );
        let frame = |generation| Action::Frame {
            generation,
            runs: Vec::new(),
            elapsed: Duration::from_millis(5),
            held: false,
        };
        assert!(s.apply(frame(7)).is_none(), "a frame of another run is ignored");
        let s = s.apply(frame(1)).expect("own frame");
        let s = s.apply(Action::Cancel).expect("cancel");
        assert!(s.apply(Action::Cancel).is_none(), "cancel twice is once");
        let s = s
            .apply(Action::Ended {
                generation: 1,
                runs: FinalRuns::new(Vec::new()),
                how: Ending::Cancelled,
            })
            .expect("ends");
        assert_eq!(s.finished().map(|f| f.how), Some(Ending::Cancelled));
        assert!(s.apply(frame(1)).is_none(), "no frames after the end");
        assert_eq!(s.next_generation(), 2);
    }

    /// A finished virtual run of two tasks: a at 0 and 100, b at 50.
    fn finished_state() -> DemoState {
        use asyncscope_core::trace::EventKind;
        let ms = Duration::from_millis;
        let mut t = Trace::new();
        let a = t.add_task("a");
        let b = t.add_task("b");
        t.push(ms(0), a, EventKind::Created);
        t.push(ms(50), b, EventKind::Created);
        t.push(
            ms(100),
            a,
            EventKind::Completed {
                outcome: asyncscope_core::Outcome::Ok,
            },
        );
        let runs = vec![RunSnapshot {
            label: "run".into(),
            trace: Rc::new(t),
        }];
        DemoState::new(Form::from_query(SPECS, &[]))
            .apply(Action::RanVirtual {
                runs: FinalRuns::new(runs),
            })
            .expect("finished")
    }

    #[test]
    fn the_same_runs_made_again_keep_the_snapshots_drawn() {
        let s = finished_state();
        let drawn = Rc::clone(&s.finished().expect("finished").runs[0].trace);
        // The same trace in a new `Rc`, as a second run of the form makes.
        let again = |t: Trace| {
            FinalRuns::new(vec![RunSnapshot {
                label: "run".into(),
                trace: Rc::new(t),
            }])
        };
        let same = s
            .apply(Action::RanVirtual {
                runs: again((*drawn).clone()),
            })
            .expect("finished again");
        let kept = &same.finished().expect("finished").runs[0].trace;
        assert!(Rc::ptr_eq(kept, &drawn), "the equal trace came in a new Rc");
        assert_eq!(
            same.next_generation(),
            s.next_generation() + 1,
            "a new run all the same"
        );
        // Another trace is taken as it comes.
        let mut other = (*drawn).clone();
        let c = other.add_task("c");
        other.push(
            Duration::from_millis(120),
            c,
            asyncscope_core::trace::EventKind::Created,
        );
        let changed = same
            .apply(Action::RanVirtual { runs: again(other) })
            .expect("finished otherwise");
        let taken = &changed.finished().expect("finished").runs[0].trace;
        assert!(
            !Rc::ptr_eq(taken, &drawn) && taken.tasks().len() == 3,
            "a different run kept the old snapshot"
        );
    }

    #[test]
    fn a_virtual_run_ends_at_once_with_the_playhead_at_the_end() {
        let s = finished_state();
        let f = s.finished().expect("finished");
        assert_eq!(
            (f.clock, f.end, f.playhead, f.playing),
            (
                Clock::Virtual,
                Duration::from_millis(100),
                Duration::from_millis(100),
                false
            )
        );
        assert_eq!(s.started, 1);
    }

    #[test]
    fn stepping_walks_the_events_and_moves_the_playhead() {
        let s = finished_state().apply(Action::Seek(Duration::ZERO)).expect("seek");
        let f = s.finished().expect("f");
        let events = f.events(&s.filter);
        assert_eq!(f.current(&events), Some(0), "the event at the playhead");
        let s = s.apply(Action::Step(true)).expect("next");
        let f = s.finished().expect("f");
        assert_eq!(
            (f.playhead, f.selected),
            (Duration::from_millis(50), Some(EventRef { run: 0, index: 1 }))
        );
        let s = s.apply(Action::Step(true)).expect("next");
        assert_eq!(s.finished().map(|f| f.playhead), Some(Duration::from_millis(100)));
        assert!(s.apply(Action::Step(true)).is_none(), "nothing after the last event");
        let s = s.apply(Action::Step(false)).expect("back");
        assert_eq!(s.finished().map(|f| f.playhead), Some(Duration::from_millis(50)));
        // With a filter, steps skip what it hides.
        let s = s
            .apply(Action::Filter(LogFilter {
                task: Some(TaskRef {
                    run: 0,
                    task: asyncscope_core::trace::TaskId(0),
                }),
                kind: None,
            }))
            .expect("filter");
        let s = s.apply(Action::Seek(Duration::ZERO)).expect("seek");
        let s = s.apply(Action::Step(true)).expect("next");
        assert_eq!(
            s.finished().map(|f| f.playhead),
            Some(Duration::from_millis(100)),
            "b's event skipped"
        );
        // Seeking past the end stops at the end.
        let s = s.apply(Action::Seek(Duration::from_secs(9))).expect("seek");
        assert_eq!(s.finished().map(|f| f.playhead), Some(Duration::from_millis(100)));
    }

    #[test]
    fn replay_plays_at_the_chosen_speed_and_stops_at_the_end() {
        let s = finished_state().apply(Action::Speed(5)).expect("8x");
        let s = s.apply(Action::Replay).expect("replay");
        assert_eq!(
            s.finished().map(|f| (f.playhead, f.playing)),
            Some((Duration::ZERO, true))
        );
        let s = s.apply(Action::Advance(Duration::from_millis(5))).expect("frame");
        assert_eq!(
            s.finished().map(|f| f.playhead),
            Some(Duration::from_millis(40)),
            "5 ms at 8x"
        );
        let s = s.apply(Action::Advance(Duration::from_secs(1))).expect("frame");
        assert_eq!(
            s.finished().map(|f| (f.playhead, f.playing)),
            Some((Duration::from_millis(100), false))
        );
        assert!(
            s.apply(Action::Advance(Duration::from_millis(5))).is_none(),
            "paused: frames change nothing"
        );
        assert!(s.apply(Action::Speed(99)).is_none(), "no such speed");
        let s = s.apply(Action::TogglePlay).expect("play again");
        assert_eq!(
            s.finished().map(|f| (f.playhead, f.playing)),
            Some((Duration::ZERO, true)),
            "from the start"
        );
    }

    #[test]
    fn pinned_runs_are_kept_for_comparison() {
        let s = finished_state();
        assert!(s.apply(Action::Unpin).is_none());
        let s = s.apply(Action::Pin).expect("pin");
        let pinned = s.pinned.as_ref().expect("pinned");
        assert_eq!(pinned.label, "defaults");
        assert_eq!(pinned.runs[0].label, "pinned run (defaults)");
        let s = s.apply(Action::Unpin).expect("unpin");
        assert!(s.pinned.is_none());
        assert!(
            DemoState::new(Form::from_query(SPECS, &[]))
                .apply(Action::Pin)
                .is_none(),
            "nothing to pin"
        );
    }

    #[test]
    fn an_invalid_form_does_not_start() {
        let s = DemoState::new(Form::from_query(SPECS, &[]));
        let s = s
            .apply(Action::Edit {
                index: 1,
                value: "500".into(),
            })
            .expect("edit");
        assert!(s.apply(Action::Started { expected: None }).is_none());
        assert_eq!(s.form.query(), "mode=both&jobs=500&duration_ms=3000");
        let s = s.apply(Action::EditSeed("x".into())).expect("edit");
        assert_eq!(
            s.form.seed().map_err(|e| e.en),
            Err("seed must be a whole number from 0 to 18446744073709551615; got \"x\"".into())
        );
    }
}
