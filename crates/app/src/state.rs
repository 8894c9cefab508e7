//! The demo page's state as a reducer: the parameter form and the run.
//! Pure data; the component performs the effects (spawning, aborting).

use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::Trace;
use asyncscope_core::params::{ParamSpec, to_query};
use yew::Reducible;

/// The parameter form: one raw text per spec, validated as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The demo's parameters.
    pub specs: &'static [ParamSpec],
    /// The text of each field, in spec order.
    pub values: Vec<String>,
    /// Messages for URL parameters this demo does not take.
    pub unknown: Vec<String>,
    /// The seed of the run's random source, as typed (`seed` in the URL).
    pub seed: String,
}

impl Form {
    /// Fills the form from a URL query: given values as they are (a bad
    /// one shows as an error on its field), the rest with defaults.
    pub fn from_query(specs: &'static [ParamSpec], query: &[(String, String)]) -> Self {
        let values = specs
            .iter()
            .map(|s| {
                query
                    .iter()
                    .rev()
                    .find(|(k, _)| k == s.name)
                    .map_or_else(|| s.default.to_string(), |(_, v)| v.clone())
            })
            .collect();
        let names: Vec<_> = specs.iter().map(|s| s.name).collect();
        let unknown = query
            .iter()
            .filter(|(k, _)| !names.contains(&k.as_str()) && k != SEED)
            .map(|(k, _)| format!("The link names a parameter this demo does not take, {k}; it was ignored."))
            .collect();
        let seed = query
            .iter()
            .rev()
            .find(|(k, _)| k == SEED)
            .map_or_else(|| "0".to_string(), |(_, v)| v.clone());
        Self {
            specs,
            values,
            unknown,
            seed,
        }
    }

    /// The seed, if its text is a whole number.
    pub fn seed(&self) -> Result<u64, String> {
        let raw = self.seed.trim();
        raw.parse::<u64>()
            .map_err(|_| format!("seed must be a whole number from 0 to {}; got \"{raw}\"", u64::MAX))
    }

    /// The error of field `index`, if its text is not allowed.
    pub fn field_error(&self, index: usize) -> Option<String> {
        let spec = self.specs.get(index)?;
        spec.check(self.values.get(index).map_or("", String::as_str))
            .err()
            .map(|e| e.message)
    }

    /// True when every field (and the seed) is allowed.
    pub fn is_valid(&self) -> bool {
        (0..self.specs.len()).all(|i| self.field_error(i).is_none()) && self.seed().is_ok()
    }

    /// The fields as `name=value` pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.specs
            .iter()
            .zip(&self.values)
            .map(|(s, v)| (s.name.to_string(), v.trim().to_string()))
            .collect()
    }

    /// The fields as a URL query, to mirror in the address bar; the seed
    /// is added when it is not 0.
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .specs
            .iter()
            .zip(&self.values)
            .map(|(s, v)| (s.name, v.trim().to_string()))
            .collect();
        if self.seed.trim() != "0" {
            pairs.push((SEED, self.seed.trim().to_string()));
        }
        to_query(&pairs)
    }

    /// The fields that differ from their defaults, as `name=value` words:
    /// how a pinned run is labelled.
    pub fn summary(&self) -> String {
        let changed: Vec<String> = self
            .specs
            .iter()
            .zip(&self.values)
            .filter(|(s, v)| v.trim() != s.default)
            .map(|(s, v)| format!("{}={}", s.name, v.trim()))
            .collect();
        if changed.is_empty() {
            "defaults".to_string()
        } else {
            changed.join(" ")
        }
    }
}

/// The URL parameter that carries the seed.
pub const SEED: &str = "seed";

/// Playback speeds, for replaying a finished run.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// One run's trace, with the label it is shown under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSnapshot {
    /// `sequential`, `concurrent`, ...; a pinned run's label starts `pinned`.
    pub label: String,
    /// What it recorded so far. Shared: cloning a snapshot or comparing
    /// two copies of one is cheap, however long the trace.
    pub trace: Rc<Trace>,
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
}

impl Finished {
    fn new(runs: Vec<RunSnapshot>, how: Ending, clock: Clock) -> Self {
        let end = runs
            .iter()
            .filter_map(|r| r.trace.events().last().map(|e| e.at))
            .max()
            .unwrap_or_default();
        Self {
            runs,
            how,
            clock,
            end,
            playhead: end,
            playing: false,
            selected: None,
        }
    }

    /// Every event that passes `filter`, in time order (ties: run, then
    /// index).
    pub fn events(&self, filter: &LogFilter) -> Vec<EventRef> {
        let mut all: Vec<(Duration, EventRef)> = Vec::new();
        for (run, snap) in self.runs.iter().enumerate() {
            for (index, ev) in snap.trace.events().iter().enumerate() {
                if filter.passes(&snap.trace, index) {
                    all.push((ev.at, EventRef { run, index }));
                }
            }
        }
        all.sort();
        all.into_iter().map(|(_, r)| r).collect()
    }

    /// The time of an event.
    pub fn at(&self, r: EventRef) -> Option<Duration> {
        self.runs.get(r.run)?.trace.events().get(r.index).map(|e| e.at)
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

/// The part of the time axis in view, as fractions of its length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The left edge, 0–1.
    pub from: f64,
    /// The right edge, `from`–1.
    pub to: f64,
}

impl Default for View {
    fn default() -> Self {
        Self { from: 0.0, to: 1.0 }
    }
}

impl View {
    /// The narrowest view: a thousandth of the axis.
    pub const MIN_SPAN: f64 = 0.001;

    /// The span in view.
    pub fn span(&self) -> f64 {
        self.to - self.from
    }

    /// Zoomed by `factor` (below 1 zooms in) around the fraction `around`.
    pub fn zoomed(self, factor: f64, around: f64) -> View {
        let span = (self.span() * factor).clamp(Self::MIN_SPAN, 1.0);
        let around = around.clamp(self.from, self.to);
        let left_share = if self.span() > 0.0 {
            (around - self.from) / self.span()
        } else {
            0.5
        };
        View {
            from: around - span * left_share,
            to: around - span * left_share + span,
        }
        .clamped()
    }

    /// Moved by `delta` (a fraction of the span in view; negative is left).
    pub fn panned(self, delta: f64) -> View {
        let shift = delta * self.span();
        View {
            from: self.from + shift,
            to: self.to + shift,
        }
        .clamped()
    }

    fn clamped(self) -> View {
        let span = self.span().clamp(Self::MIN_SPAN, 1.0);
        let from = self.from.clamp(0.0, 1.0 - span);
        View { from, to: from + span }
    }
}

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
    /// A run started; it is the `started`-th.
    Started,
    /// A frame of the run `generation`.
    Frame {
        /// Which run.
        generation: u32,
        /// Its traces so far.
        runs: Vec<RunSnapshot>,
        /// Time since it started.
        elapsed: Duration,
    },
    /// The user asked to cancel the current run.
    Cancel,
    /// The run `generation` is over.
    Ended {
        /// Which run.
        generation: u32,
        /// Its final traces.
        runs: Vec<RunSnapshot>,
        /// How it ended.
        how: Ending,
    },
    /// A run in virtual time finished (it runs to the end at once).
    RanVirtual {
        /// Its traces.
        runs: Vec<RunSnapshot>,
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
                let slot = next.form.values.get_mut(index)?;
                if *slot == value {
                    return None;
                }
                *slot = value;
            }
            Action::Started => {
                if self.is_running() || !self.form.is_valid() {
                    return None;
                }
                next.started += 1;
                next.run = RunState::Running {
                    generation: next.started,
                    runs: Vec::new(),
                    elapsed: Duration::ZERO,
                    cancelling: false,
                };
            }
            Action::Frame {
                generation,
                runs,
                elapsed,
            } => match &mut next.run {
                RunState::Running {
                    generation: g,
                    runs: r,
                    elapsed: e,
                    ..
                } if *g == generation => {
                    *r = runs;
                    *e = elapsed;
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
                next.started += 1;
                next.run = RunState::Ended {
                    generation: next.started,
                    finished: Finished::new(runs, Ending::Completed, Clock::Virtual),
                };
                next.view = View::default();
            }
            Action::EditSeed(seed) => {
                if self.form.seed == seed {
                    return None;
                }
                next.form.seed = seed;
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

impl Reducible for DemoState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match self.apply(action) {
            Some(next) => Rc::new(next),
            None => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncscope_core::demos::sequential_vs_concurrent::SPECS;

    fn q(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn form_keeps_bad_url_values_on_their_field() {
        let form = Form::from_query(&SPECS, &q(&[("jobs", "0"), ("duration_ms", "25"), ("colour", "red")]));
        assert_eq!(form.values, ["both", "0", "25"]);
        assert_eq!(
            form.field_error(1).as_deref(),
            Some("jobs must be a whole number from 1 to 50; got 0")
        );
        assert_eq!(form.field_error(2), None);
        assert!(!form.is_valid());
        assert_eq!(form.unknown.len(), 1);
        assert!(form.unknown[0].contains("colour"));
    }

    #[test]
    fn a_run_goes_idle_running_ended_and_ignores_stale_frames() {
        let s = DemoState::new(Form::from_query(&SPECS, &[]));
        let s = s.apply(Action::Started).expect("starts");
        assert!(s.is_running());
        assert!(
            s.apply(Action::Started).is_none(),
            "a second start while running is ignored"
        );
        let frame = |generation| Action::Frame {
            generation,
            runs: Vec::new(),
            elapsed: Duration::from_millis(5),
        };
        assert!(s.apply(frame(7)).is_none(), "a frame of another run is ignored");
        let s = s.apply(frame(1)).expect("own frame");
        let s = s.apply(Action::Cancel).expect("cancel");
        assert!(s.apply(Action::Cancel).is_none(), "cancel twice is once");
        let s = s
            .apply(Action::Ended {
                generation: 1,
                runs: Vec::new(),
                how: Ending::Cancelled,
            })
            .expect("ends");
        assert_eq!(s.finished().map(|f| f.how), Some(Ending::Cancelled));
        assert!(s.apply(frame(1)).is_none(), "no frames after the end");
        assert_eq!(s.next_generation(), 2);
    }

    #[test]
    fn an_invalid_form_does_not_start() {
        let s = DemoState::new(Form::from_query(&SPECS, &[]));
        let s = s
            .apply(Action::Edit {
                index: 1,
                value: "500".into(),
            })
            .expect("edit");
        assert!(s.apply(Action::Started).is_none());
        assert_eq!(s.form.query(), "mode=both&jobs=500&duration_ms=3000");
        let s = s.apply(Action::EditSeed("x".into())).expect("edit");
        assert_eq!(
            s.form.seed(),
            Err("seed must be a whole number from 0 to 18446744073709551615; got \"x\"".into())
        );
    }

    #[test]
    fn the_seed_rides_in_the_link() {
        let form = Form::from_query(&SPECS, &q(&[("seed", "42"), ("jobs", "3")]));
        assert!(form.unknown.is_empty(), "seed is the page's, not unknown");
        assert_eq!(form.seed(), Ok(42));
        assert_eq!(form.query(), "mode=both&jobs=3&duration_ms=3000&seed=42");
        assert_eq!(form.summary(), "jobs=3");
        assert_eq!(
            Form::from_query(&SPECS, &[]).query(),
            "mode=both&jobs=2&duration_ms=3000"
        );
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
        DemoState::new(Form::from_query(&SPECS, &[]))
            .apply(Action::RanVirtual { runs })
            .expect("finished")
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
                task: Some("a".into()),
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
    fn zoom_and_pan_stay_inside_the_axis() {
        let v = View::default().zoomed(0.5, 0.5);
        assert_eq!((v.from, v.to), (0.25, 0.75));
        let v = v.panned(-10.0);
        assert_eq!((v.from, v.to), (0.0, 0.5));
        let v = v.zoomed(1e-9, 0.0);
        assert!((v.span() - View::MIN_SPAN).abs() < 1e-12);
        let v = v.zoomed(1e9, 0.0);
        assert_eq!((v.from, v.to), (0.0, 1.0));
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
            DemoState::new(Form::from_query(&SPECS, &[]))
                .apply(Action::Pin)
                .is_none(),
            "nothing to pin"
        );
    }
}
