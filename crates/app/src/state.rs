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
            .filter(|(k, _)| !names.contains(&k.as_str()))
            .map(|(k, _)| format!("The link names a parameter this demo does not take, {k}; it was ignored."))
            .collect();
        Self { specs, values, unknown }
    }

    /// The error of field `index`, if its text is not allowed.
    pub fn field_error(&self, index: usize) -> Option<String> {
        let spec = self.specs.get(index)?;
        spec.check(self.values.get(index).map_or("", String::as_str))
            .err()
            .map(|e| e.message)
    }

    /// True when every field is allowed.
    pub fn is_valid(&self) -> bool {
        (0..self.specs.len()).all(|i| self.field_error(i).is_none())
    }

    /// The fields as `name=value` pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.specs
            .iter()
            .zip(&self.values)
            .map(|(s, v)| (s.name.to_string(), v.trim().to_string()))
            .collect()
    }

    /// The fields as a URL query, to mirror in the address bar.
    pub fn query(&self) -> String {
        let pairs: Vec<(&str, String)> = self
            .specs
            .iter()
            .zip(&self.values)
            .map(|(s, v)| (s.name, v.trim().to_string()))
            .collect();
        to_query(&pairs)
    }
}

/// One run's trace, with the label it is shown under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSnapshot {
    /// `sequential`, `concurrent`, ...
    pub label: &'static str,
    /// What it recorded so far.
    pub trace: Trace,
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
    /// Over.
    Ended {
        /// Which run this was.
        generation: u32,
        /// The final traces.
        runs: Vec<RunSnapshot>,
        /// How it ended.
        how: Ending,
    },
}

/// The demo page's whole state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoState {
    /// The parameter form.
    pub form: Form,
    /// The run.
    pub run: RunState,
    /// Runs started so far (the next run's generation).
    pub started: u32,
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
}

impl DemoState {
    /// A fresh page for this form.
    pub fn new(form: Form) -> Self {
        Self {
            form,
            run: RunState::Idle,
            started: 0,
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
                    next.run = RunState::Ended { generation, runs, how };
                }
                _ => return None,
            },
        }
        Some(next)
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
        assert!(matches!(
            s.run,
            RunState::Ended {
                how: Ending::Cancelled,
                ..
            }
        ));
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
    }
}
