//! What the run's state says: the page's `data-state`, its status line,
//! and what the timeline draws at which instant.

use std::time::Duration;

use asyncscope_view::state::{Clock, Ending, RunSnapshot, RunState};

use crate::i18n::Lang;

/// The run's state as the page shows it.
pub(crate) struct RunStatus {
    /// `data-state` of the page: idle, running, cancelling, done or
    /// cancelled.
    pub name: &'static str,
    /// The status line.
    pub text: String,
    /// The live runs to draw (empty unless running).
    pub live: Vec<RunSnapshot>,
    /// The instant drawn: the time run so far, or the playhead.
    pub now: Duration,
    /// How long a live run should take, if known.
    pub expected: Option<Duration>,
    /// True once the run is over.
    pub finished: bool,
}

/// [`RunStatus`] of `run`, all from the one enum; `idle` is what it says
/// before a run (English, translated).
pub(crate) fn run_status(run: &RunState, idle: &'static str, lang: Lang) -> RunStatus {
    let status = |name, text: &str, live, now, finished| RunStatus {
        name,
        text: text.to_string(),
        live,
        now,
        expected: match run {
            RunState::Running { expected, .. } => *expected,
            _ => None,
        },
        finished,
    };
    match run {
        RunState::Idle => status("idle", lang.t(idle), Vec::new(), Duration::ZERO, false),
        RunState::Running {
            runs,
            elapsed,
            cancelling: true,
            ..
        } => status(
            "cancelling",
            lang.t("Cancelling: dropping every future…"),
            runs.clone(),
            *elapsed,
            false,
        ),
        RunState::Running {
            runs, elapsed, held, ..
        } => {
            // (The number and its unit kept on one line.)
            let mut text = format!(
                "{} {}\u{a0}ms",
                lang.t("Running on the browser's clock:"),
                elapsed.as_millis()
            );
            if *held {
                text.push_str(lang.t(" (too big to draw as it goes: its lanes are drawn when it ends)"));
            }
            status("running", &text, runs.clone(), *elapsed, false)
        }
        RunState::Ended { finished, .. } => {
            let (name, opening) = match (finished.how, finished.clock) {
                (Ending::Completed, Clock::Virtual) => ("done", lang.t("Ran in virtual time (exact, and at once):")),
                (Ending::Completed, Clock::Real) => ("done", lang.t("Done:")),
                (Ending::Cancelled, _) => ("cancelled", lang.t("Cancelled, every unfinished future dropped:")),
            };
            // What happened, not a blanket "every future completed".
            let counts: Vec<String> = finished
                .outcomes()
                .parts()
                .into_iter()
                .map(|(n, word)| format!("{n} {}", lang.t(word)))
                .collect();
            let text = format!("{opening} {}{}", counts.join(lang.t(", ")), lang.t("."));
            status(name, &text, Vec::new(), finished.playhead, true)
        }
    }
}
