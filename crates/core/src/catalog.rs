//! The catalog: every demo the product has or will have, in the order of
//! the spec, with its route slug, title and one-line summary.

/// One demo of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its number in the spec, from 1.
    pub number: u8,
    /// Its route (`#/<slug>`) and its name on the command line.
    pub slug: &'static str,
    /// Its title.
    pub title: &'static str,
    /// One line on what it shows.
    pub summary: &'static str,
}

macro_rules! entries {
    ($( $n:literal $slug:literal $title:literal $summary:literal; )*) => {
        /// Every demo, in spec order.
        pub const ENTRIES: &[Entry] = &[
            $( Entry { number: $n, slug: $slug, title: $title, summary: $summary }, )*
        ];
    };
}

entries! {
    1 "sequential-vs-concurrent" "Sequential vs concurrent"
        "The same jobs awaited one after another, then joined: the makespan is the sum, then the longest.";
    2 "lazy-and-spawn" "Futures are lazy; spawning"
        "A future that is never polled does nothing; a spawned task starts at once and can outlive its caller.";
    3 "gather" "Gather"
        "join_all keeps every result in input order; try_join_all stops at the first error and drops the rest.";
    4 "first-completed" "First completed"
        "select and select_all return the first to finish and drop the losers; select_ok skips failures.";
    5 "as-completed" "As completed"
        "FuturesUnordered hands results over in the order they finish, not the order they started.";
    6 "timeout" "Timeout"
        "A deadline raced against the work: on timeout the work is dropped and never polled again.";
    7 "cancellation" "Cancellation and cleanup"
        "Cancelling is dropping: Abortable, guards whose Drop cleans up, and parents that take their children with them.";
    8 "countdown" "Countdown timers"
        "Several countdowns on absolute deadlines, so that lateness never accumulates.";
    9 "periodic" "Periodic and scheduled work"
        "Work every period with a backoff after errors, and a daily job scheduled by its next occurrence.";
    10 "retry" "Retry with backoff"
        "A retry combinator with attempts, exponential backoff, seeded jitter and a choice of which errors retry.";
    11 "semaphore" "Semaphore limiting"
        "At most N at once with RAII permits; buffer_unordered as the stream form; a bounded semaphore.";
    12 "fetch" "Concurrent fetches"
        "Real requests to the lab server, each with a timeout and a class of error; the browser's own connection limit.";
    13 "download" "Streaming download with progress"
        "A response body read as a stream of chunks, with a progress bar and a cancel that aborts the request.";
    14 "queue" "Producer and consumer queue"
        "A bounded channel between producers and consumers: backpressure when it is full.";
    15 "sync-primitives" "Lock, event, condition"
        "An async mutex, an event that wakes every waiter, and a condition with notify_one and notify_all.";
    16 "streams" "Async streams"
        "A Stream built with unfold and consumed with next().await, item by item.";
    17 "setup-teardown" "Async setup and teardown"
        "Guards and an explicit async close that runs even when the work fails or is cancelled.";
    18 "task-manager" "Task manager"
        "Spawned jobs with ids, states, progress, retries and timeouts, run by a pool of workers.";
    19 "blocking" "Blocking the event loop"
        "A busy loop on the main thread stalls every timer and the page; yielding or a worker fixes it.";
}

/// The demo with this slug, if there is one.
pub fn find(slug: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.slug == slug)
}

/// A figure the spec expects of a demo: after a run of `route` in virtual
/// time, `metric` of run `run` (or of the only run) is `value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figure {
    /// The demo and its parameters: `slug` or `slug?name=value&...`.
    pub route: &'static str,
    /// The run's label when a demo makes several runs, else `None`.
    pub run: Option<&'static str>,
    /// What is measured.
    pub metric: Metric,
    /// Its expected value.
    pub value: u64,
}

impl Figure {
    /// The demo's slug: the route before any `?`.
    pub fn slug(&self) -> &'static str {
        self.route.split_once('?').map_or(self.route, |(slug, _)| slug)
    }

    /// Which of a demo's `runs` this figure is about: the one labelled
    /// [`Figure::run`], or the only one. An error says which is missing.
    pub fn pick<'a, T>(&self, runs: &'a [T], label: impl Fn(&T) -> &str) -> Result<&'a T, String> {
        match (self.run, runs) {
            (Some(want), _) => runs
                .iter()
                .find(|r| label(r) == want)
                .ok_or_else(|| format!("{}: no run labelled {want}", self.route)),
            (None, [only]) => Ok(only),
            (None, _) => Err(format!(
                "{}: {} runs, but the figure names none",
                self.route,
                runs.len()
            )),
        }
    }

    /// The route's parameters as `(name, value)` pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let query = self.route.split_once('?').map_or("", |(_, q)| q);
        form_urlencoded::parse(query.as_bytes()).into_owned().collect()
    }
}

/// A figure's measure; its name is the page's `data-metric` and the
/// report's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Metric {
    /// When the last task ended, in milliseconds.
    MakespanMs,
    /// The most tasks in flight at once.
    MaxInFlight,
    /// Tasks that ended ok.
    TasksOk,
    /// Tasks that ended with an error.
    TasksFailed,
    /// Tasks that were cancelled.
    TasksCancelled,
    /// Tasks dropped by a timeout.
    TasksTimeout,
    /// How much of a streamed body arrived, in percent.
    ProgressPct,
}

impl Metric {
    /// Its name (`makespan_ms`, ...).
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The table of expected figures, as written in `catalog_data/figures.tsv`.
pub const FIGURES_TSV: &str = include_str!("catalog_data/figures.tsv");

/// The expected figures, parsed from [`FIGURES_TSV`]. A malformed line is
/// an error that names it.
pub fn figures() -> Result<Vec<Figure>, String> {
    FIGURES_TSV
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, line)| {
            let bad = || format!("figures.tsv line {}: {line:?}", i + 1);
            let [route, run, metric, value] = line.split('\t').collect::<Vec<_>>()[..] else {
                return Err(bad());
            };
            Ok(Figure {
                route,
                run: (run != "-").then_some(run),
                metric: metric.parse().map_err(|_| bad())?,
                value: value.parse().map_err(|_| bad())?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nineteen_unique_slugs_in_order() {
        assert_eq!(ENTRIES.len(), 19);
        for (i, e) in ENTRIES.iter().enumerate() {
            assert_eq!(e.number as usize, i + 1);
            assert!(
                e.slug.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                e.slug
            );
        }
        let mut slugs: Vec<_> = ENTRIES.iter().map(|e| e.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 19);
        assert_eq!(find("semaphore").map(|e| e.number), Some(11));
        assert_eq!(find("nope"), None);
    }

    #[test]
    fn the_figures_table_reads_and_covers_every_demo() {
        let figures = figures().expect("well-formed");
        for f in &figures {
            assert!(find(f.slug()).is_some(), "{} is not a demo", f.route);
        }
        for e in ENTRIES {
            assert!(
                figures.iter().any(|f| f.slug() == e.slug),
                "{} has no expected figure",
                e.slug
            );
        }
        let f = figures
            .iter()
            .find(|f| f.route.contains("jobs=10"))
            .expect("a route with parameters");
        assert_eq!(f.slug(), "sequential-vs-concurrent");
        assert_eq!(f.pairs()[0], ("jobs".to_string(), "10".to_string()));
    }
}
