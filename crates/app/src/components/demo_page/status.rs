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
            // A run drawn as it goes says so once: its time so far is the
            // makespan's ("1.1 s so far", under the status line), which
            // moves with its lanes. The status line is a polite live
            // region, which a screen reader reads at each change: a clock
            // in it was read out at every drawing, and the browser laid
            // the page out again for it. Only a run too big to draw as it
            // goes, whose lanes and makespan wait for its end, keeps a
            // clock there, its one sign that it runs. (The number and its
            // unit kept on one line.)
            let text = if *held {
                format!(
                    "{} {}\u{a0}ms{}",
                    lang.t("Running on the browser's clock:"),
                    elapsed.as_millis(),
                    lang.t(" (too big to draw as it goes: its lanes are drawn when it ends)")
                )
            } else {
                lang.t("Running on the browser's clock…").to_string()
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn running(elapsed_ms: u64, held: bool) -> RunState {
        RunState::Running {
            generation: 1,
            runs: Vec::new(),
            elapsed: Duration::from_millis(elapsed_ms),
            expected: None,
            held,
            cancelling: false,
        }
    }

    /// The status line is a polite live region: while a run is drawn as
    /// it goes, what it says does not move with the clock (a screen reader
    /// would read it out at every drawing); the time so far is drawn, as
    /// `now`, where the lanes and the makespan are.
    #[test]
    fn a_run_drawn_as_it_goes_keeps_its_status_line_still() {
        for lang in [Lang::En, Lang::Zh] {
            let (early, late) = (
                run_status(&running(1_106, false), "idle", lang),
                run_status(&running(2_206, false), "idle", lang),
            );
            assert_eq!(early.text, late.text, "{lang:?}");
            assert!(
                !early.text.contains("ms") && !early.text.contains("1106"),
                "{}",
                early.text
            );
            assert_eq!(
                (early.now, late.now),
                (Duration::from_millis(1_106), Duration::from_millis(2_206))
            );
            assert_eq!(early.name, "running");
        }
        assert_eq!(
            run_status(&running(1_106, false), "idle", Lang::En).text,
            "Running on the browser's clock…"
        );
    }

    /// A run too big to draw as it goes shows nothing else moving until
    /// its end: its status line keeps the clock, in milliseconds.
    #[test]
    fn a_run_held_back_from_drawing_keeps_its_clock_in_the_status_line() {
        let text = run_status(&running(2_206, true), "idle", Lang::En).text;
        assert!(
            text.starts_with("Running on the browser's clock: 2206\u{a0}ms (too big to draw as it goes"),
            "{text}"
        );
        let zh = run_status(&running(2_206, true), "idle", Lang::Zh).text;
        assert!(
            zh.contains("2206\u{a0}ms") && zh.starts_with("正在浏览器时钟上运行："),
            "{zh}"
        );
    }
}
