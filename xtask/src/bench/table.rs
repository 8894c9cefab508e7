//! The bench's table: its rows (what each measures, against what, and the
//! goal from issue 15), the figures gathered for them, and how they print.

/// How a row's figures read.
#[derive(Clone, Copy, PartialEq)]
pub enum Unit {
    /// Bytes, shown in KB (1,000 bytes).
    Kb,
    Ms,
    Seconds,
    /// Nanoseconds.
    Ns,
    Count,
    Fps,
    Percent,
    /// A ratio of two figures.
    Times,
    /// The longest main-thread task, where 0 means none over 50 ms (the
    /// Long Tasks API reports only those).
    LongestTask,
}

impl Unit {
    pub fn show(self, v: f64) -> String {
        match self {
            Unit::Kb => format!("{:.1} KB", v / 1000.0),
            Unit::Ms if v >= 100.0 => format!("{v:.0} ms"),
            Unit::Ms => format!("{v:.1} ms"),
            Unit::Seconds if v >= 10.0 => format!("{v:.1} s"),
            Unit::Seconds => format!("{v:.2} s"),
            Unit::Ns => format!("{v:.0} ns"),
            Unit::Count => format!("{v:.0}"),
            Unit::Fps => format!("{v:.0} fps"),
            Unit::Percent => format!("{v:.1}%"),
            Unit::Times => format!("{v:.1}×"),
            Unit::LongestTask if v == 0.0 => "none > 50 ms".to_string(),
            Unit::LongestTask => format!("{v:.0} ms"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Unit::Kb => "bytes",
            Unit::Ms | Unit::LongestTask => "ms",
            Unit::Seconds => "s",
            Unit::Ns => "ns",
            Unit::Count => "count",
            Unit::Fps => "fps",
            Unit::Percent => "percent",
            Unit::Times => "ratio",
        }
    }
}

/// One row of the table: what it measures, against what, and the goal
/// (issue 15).
pub struct RowDef {
    pub key: &'static str,
    pub metric: &'static str,
    pub unit: Unit,
    /// What the baseline is (the heading of the rows that share it); empty
    /// when the row has none.
    pub baseline: &'static str,
    pub goal: &'static str,
    /// Whether asyncscope / baseline means something for this row.
    pub ratio: bool,
}

const fn row(
    key: &'static str,
    metric: &'static str,
    unit: Unit,
    baseline: &'static str,
    goal: &'static str,
) -> RowDef {
    RowDef {
        key,
        metric,
        unit,
        baseline,
        goal,
        ratio: true,
    }
}

const fn no_ratio(r: RowDef) -> RowDef {
    RowDef { ratio: false, ..r }
}

const HELLO: &str = "a Yew 0.23 hello-world built as the app is: same release profile, wasm-opt -Oz (benches/hello)";
const JS_COUNTDOWN: &str = "JavaScript in the app's page: a setTimeout chain on absolute deadlines, writing each count";
const JS_TASKS: &str =
    "JavaScript in the app's page: async functions, a semaphore of 16, setTimeout(0) each, Promise.all";
const NATIVE: &str = "the native core, the same run (the core bench's, traced)";
const CPYTHON: &str = "CPython's asyncio on a virtual clock, the same scenario (benches/semaphore.py)";
const NATIVE_ANALYSES: &str =
    "the native core: the same trace's warnings, a waits pass and its wake edges (the core bench)";
const UNTRACED: &str = "the same run untraced (the core bench)";

pub const ROWS: &[RowDef] = &[
    row(
        "first_visit_br",
        "first visit: wasm + JS, brotli 11",
        Unit::Kb,
        HELLO,
        "≤ 200 KB (then 120)",
    ),
    row("wasm_raw", "  wasm, raw", Unit::Kb, HELLO, ""),
    row("nav_first_dom", "navigation → first app DOM", Unit::Ms, HELLO, "≤ 1.7×"),
    row(
        "inst_first_dom",
        "wasm instantiated → first DOM",
        Unit::Ms,
        HELLO,
        "≤ 3×",
    ),
    row(
        "tick_p95",
        "countdown 60 ticks × 100 ms, real: tick lateness p95",
        Unit::Ms,
        JS_COUNTDOWN,
        "≤ 2 ms",
    ),
    row(
        "tick_worst",
        "  same, worst tick",
        Unit::Ms,
        JS_COUNTDOWN,
        "≤ 16.7 ms (a frame)",
    ),
    row(
        "idle_busy",
        "  same, main thread busy (idle countdown)",
        Unit::Percent,
        JS_COUNTDOWN,
        "≤ 5%",
    ),
    row(
        "idle_cpu",
        "  same, main thread CPU time (idle countdown)",
        Unit::Percent,
        JS_COUNTDOWN,
        "",
    ),
    row(
        "tasks10k_ms",
        "10,000 tasks, limit 16, 0 ms work, real: time",
        Unit::Seconds,
        JS_TASKS,
        "≤ 2×",
    ),
    no_ratio(row(
        "tasks10k_long",
        "  same: long tasks (> 50 ms)",
        Unit::Count,
        JS_TASKS,
        "0",
    )),
    row(
        "tasks10k_fps",
        "  same: frames per second",
        Unit::Fps,
        JS_TASKS,
        "60 fps",
    ),
    row(
        "tasks1k_ms",
        "1,000 tasks, same: time",
        Unit::Seconds,
        JS_TASKS,
        "≤ 1.5×",
    ),
    no_ratio(row(
        "tasks1k_long",
        "  same: long tasks (> 50 ms)",
        Unit::Count,
        JS_TASKS,
        "0",
    )),
    row(
        "tasks1k_fps",
        "  same: frames per second",
        Unit::Fps,
        JS_TASKS,
        "60 fps",
    ),
    no_ratio(row(
        "scaling",
        "scaling: 10,000 / 1,000 tasks' time",
        Unit::Times,
        JS_TASKS,
        "≤ 11× (linear)",
    )),
    no_ratio(row(
        "virtual10k_longest",
        "10,000 tasks (limit 100), Run in virtual time: longest task",
        Unit::LongestTask,
        NATIVE,
        "no task > 50 ms",
    )),
    row("virtual10k_drawn", "  same: pressed → drawn", Unit::Ms, NATIVE, ""),
    row(
        "analyses_page",
        "  same: its wake edges, waits and warnings, in the page",
        Unit::Ms,
        NATIVE_ANALYSES,
        "≤ 100 ms",
    ),
    no_ratio(row(
        "catalog_long",
        "every catalog demo, real and in virtual time: long tasks (> 50 ms)",
        Unit::Count,
        "",
        "0",
    )),
    row(
        "cli_json",
        "command line: 10,000 tasks, limit 100, 1 s each, --format json",
        Unit::Seconds,
        CPYTHON,
        "≥ 3× faster (≤ 0.33×)",
    ),
    row(
        "trace_traced",
        "tracing cost: 10,000 tasks through a semaphore of 100",
        Unit::Ms,
        UNTRACED,
        "≈ 1.3×",
    ),
    row("trace_ns", "  per recorded event", Unit::Ns, "", "≤ 30 ns"),
];

/// What a row ended with.
#[derive(Default)]
pub struct Figures {
    pub ours: Vec<f64>,
    pub base: Vec<f64>,
    /// Why the row has no figures: `(true, why)` when that is expected
    /// (a baseline's tool is absent), `(false, why)` when a measurement failed.
    pub missing: Option<(bool, String)>,
    /// A remark printed under the table.
    pub note: Option<String>,
}

pub struct Table {
    pub rows: Vec<Figures>,
    /// Extra facts for the JSON (sizes per file, commands), as JSON values.
    pub extra: Vec<(String, super::json::Json)>,
}

impl Table {
    pub fn new() -> Table {
        Table {
            rows: ROWS.iter().map(|_| Figures::default()).collect(),
            extra: Vec::new(),
        }
    }

    pub fn row(&mut self, key: &str) -> &mut Figures {
        let i = ROWS.iter().position(|r| r.key == key).unwrap_or_else(|| {
            // A typo in a key is a bug of this file; fail loudly in debug.
            debug_assert!(false, "unknown row {key}");
            ROWS.len() - 1
        });
        &mut self.rows[i]
    }

    pub fn ours(&mut self, key: &str, v: f64) {
        self.row(key).ours.push(v);
    }

    pub fn base(&mut self, key: &str, v: f64) {
        self.row(key).base.push(v);
    }

    /// Marks `key` as not measured because of `why` (the first reason stays).
    pub fn fail(&mut self, key: &str, why: &str) {
        let row = self.row(key);
        if row.missing.is_none() {
            row.missing = Some((false, why.to_string()));
        }
    }

    pub fn skip(&mut self, key: &str, why: &str) {
        let row = self.row(key);
        if row.missing.is_none() {
            row.missing = Some((true, why.to_string()));
        }
    }

    pub fn note(&mut self, key: &str, note: &str) {
        self.row(key).note = Some(note.to_string());
    }
}

pub fn median(xs: &[f64]) -> Option<f64> {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(s[n / 2]),
        _ => Some(f64::midpoint(s[n / 2 - 1], s[n / 2])),
    }
}

pub fn min(xs: &[f64]) -> Option<f64> {
    xs.iter().copied().reduce(f64::min)
}

/// `median (min …)`, or one figure when the minimum reads the same.
pub fn cell(unit: Unit, xs: &[f64]) -> String {
    match (median(xs), min(xs)) {
        (Some(m), Some(lo)) if unit.show(m) != unit.show(lo) => format!("{} (min {})", unit.show(m), unit.show(lo)),
        (Some(m), _) => unit.show(m),
        _ => "—".to_string(),
    }
}

pub fn ratio(def: &RowDef, f: &Figures) -> Option<f64> {
    if !def.ratio {
        return None;
    }
    let (o, b) = (median(&f.ours)?, median(&f.base)?);
    (b > 0.0).then(|| o / b)
}

// --- the machine's load ---------------------------------------------------

/// The 1, 5 and 15 minute load averages (`/proc/loadavg`), if known.
pub fn loadavg() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut n = text.split_whitespace().map(|w| w.parse::<f64>().ok());
    Some([n.next()??, n.next()??, n.next()??])
}

pub fn show_load(l: Option<[f64; 3]>) -> String {
    l.map_or("unknown".into(), |[a, b, c]| {
        format!("{a:.2} {b:.2} {c:.2} (1, 5, 15 min)")
    })
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(0, usize::from)
}

// --- printing -------------------------------------------------------------

/// The three cells of a row after its metric: asyncscope, baseline, ratio;
/// and what to say under the table about it.
fn cells(def: &RowDef, f: &Figures) -> ([String; 3], Vec<String>) {
    let dash = || "—".to_string();
    let mut notes = Vec::new();
    let cells = match &f.missing {
        // A baseline that could not run (its tool is absent): asyncscope's
        // figure stands alone.
        Some((true, why)) if !f.ours.is_empty() => {
            notes.push(format!("{}: {why}", def.metric.trim()));
            [cell(def.unit, &f.ours), dash(), dash()]
        }
        Some((_, why)) => {
            notes.push(format!("{}: not measured: {why}", def.metric.trim()));
            ["not measured".to_string(), dash(), dash()]
        }
        None => [
            cell(def.unit, &f.ours),
            if def.baseline.is_empty() {
                dash()
            } else {
                cell(def.unit, &f.base)
            },
            ratio(def, f).map_or_else(dash, |r| format!("{r:.2}×")),
        ],
    };
    if let Some(n) = &f.note {
        notes.push(format!("{}: {n}", def.metric.trim()));
    }
    (cells, notes)
}

/// Prints the table: a heading per baseline over the rows measured against
/// it, then the notes and the machine's load.
pub fn print_table(table: &Table, reps: usize, load_start: Option<[f64; 3]>, load_end: Option<[f64; 3]>) {
    let header = ["metric", "asyncscope", "baseline", "ratio", "goal"].map(String::from);
    let mut lines: Vec<(Option<&str>, [String; 5])> = vec![(None, header)];
    let mut notes = Vec::new();
    let mut group = "";
    for (def, f) in ROWS.iter().zip(&table.rows) {
        let ([ours, base, r], mut said) = cells(def, f);
        notes.append(&mut said);
        let heading = (!def.baseline.is_empty() && def.baseline != group).then_some(def.baseline);
        if let Some(h) = heading {
            group = h;
        }
        let goal = if def.goal.is_empty() { "—" } else { def.goal };
        lines.push((heading, [def.metric.to_string(), ours, base, r, goal.to_string()]));
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| lines.iter().map(|(_, l)| l[i].chars().count()).max().unwrap_or(0))
        .collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    println!("\n==== xtask bench: asyncscope beside its baselines ====");
    println!(
        "median (min) of {reps} alternating repetitions; ratio = asyncscope's median / the baseline's; {} cores",
        cores()
    );
    for (i, (heading, l)) in lines.iter().enumerate() {
        if let Some(h) = heading {
            println!("  against {h}:");
        }
        let row: Vec<String> = l.iter().zip(&widths).map(|(s, w)| pad(s, *w)).collect();
        println!("  {}", row.join("  ").trim_end());
        if i == 0 {
            println!("  {}", "-".repeat(widths.iter().sum::<usize>() + 2 * 4));
        }
    }
    if !notes.is_empty() {
        println!("notes:");
        for n in notes {
            println!("  {n}");
        }
    }
    println!(
        "load: {} at start, {} at end",
        show_load(load_start),
        show_load(load_end)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_cells() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(cell(Unit::Ms, &[12.0, 10.0, 11.0]), "11.0 ms (min 10.0 ms)");
        assert_eq!(cell(Unit::Kb, &[46_700.0]), "46.7 KB");
        assert_eq!(cell(Unit::Count, &[]), "—");
        assert_eq!(cell(Unit::Count, &[0.0, 0.0]), "0");
        assert_eq!(cell(Unit::LongestTask, &[0.0, 0.0]), "none > 50 ms");
        assert_eq!(cell(Unit::LongestTask, &[0.0, 60.0, 70.0]), "60 ms (min none > 50 ms)");
    }

    #[test]
    fn row_keys_are_unique() {
        for (i, r) in ROWS.iter().enumerate() {
            assert!(ROWS[..i].iter().all(|o| o.key != r.key), "{} twice", r.key);
        }
    }
}
