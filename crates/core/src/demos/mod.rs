//! The demos, one module each, generic over [`crate::Env`], and a single
//! entry point to start any demo by its slug.
//!
//! Every module has the same shape: `SLUG`, its parameters declared once
//! each in `declare_params!` (which makes the typed `Params`, its
//! `from_pairs` and `SPECS`), `SOURCE` (its own text, through
//! `include_str!`), `ABOUT` (the words around it), the demo code itself
//! between two marker comments, and `start`, which prepares a run.

pub mod as_completed;
pub mod blocking;
pub mod cancellation;
pub mod countdown;
pub mod download;
pub mod fetch;
pub mod first_completed;
pub mod gather;
pub mod lazy_and_spawn;
pub mod periodic;
pub mod queue;
pub mod retry;
pub mod semaphore;
pub mod sequential_vs_concurrent;
pub mod setup_teardown;
pub mod streams;
pub mod sync_primitives;
pub mod task_manager;
pub mod timeout;
pub mod work;

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::future::LocalBoxFuture;

use crate::demos::work::Work;
use crate::env::Env;
use crate::params::{CrossRule, Param, ParamError, ParamSpec, Preset, Randomness, choice};
use crate::traced::Traced;

/// The words around a demo: its title and explanation in English and in
/// Simplified Chinese, the same idea in Python's asyncio (written for this
/// project), and where Rust and asyncio differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct About {
    /// The title in Simplified Chinese (the English one is in the catalog).
    pub title_zh: &'static str,
    /// What the demo shows, in English.
    pub explain_en: &'static str,
    /// What the demo shows, in Simplified Chinese.
    pub explain_zh: &'static str,
    /// The equivalent asyncio code.
    pub asyncio: &'static str,
    /// One sentence on where Rust and asyncio differ here.
    pub differs: &'static str,
    /// Which line of the asyncio twin each await line of the shown Rust code
    /// matches: `(a part of the Rust line, a part of the asyncio line)`. A
    /// part found on several lines names them in order: the k-th pair with
    /// the same Rust part is its k-th line, the k-th pair with the same
    /// asyncio part its k-th line (see [`twin_line`]).
    pub twins: &'static [(&'static str, &'static str)],
}

/// A demo ready to go: its runs, each recorded in its own trace, and the
/// future that performs them. Nothing happens until `work` is polled;
/// dropping it cancels everything.
pub struct Started<E: Env> {
    /// `(label, traced environment)` per run, in display order.
    pub runs: Vec<(&'static str, Traced<E>)>,
    /// The work itself.
    pub work: LocalBoxFuture<'static, ()>,
    /// What the run has to say once it has ended (a program's uncaught
    /// exception, a budget it ran out of, CPython's warnings), in English
    /// and in Chinese, filled in by the work as it ends. Demos say nothing.
    pub notes: Rc<RefCell<Vec<crate::Bilingual>>>,
}

/// The demos whose asyncio twin, run in the composer in virtual time,
/// gives the same makespan and the same task outcomes as the Rust demo
/// with its defaults (the page says so on the twin's tab; a test holds
/// it to that). The others tell the same story with fewer or other
/// tasks.
pub const TWIN_AGREES: &[&str] = &[
    "as-completed",
    "timeout",
    "periodic",
    "semaphore",
    "fetch",
    "sync-primitives",
    "streams",
];

/// True if `slug`'s asyncio twin agrees with the demo (see [`TWIN_AGREES`]).
pub fn twin_agrees(slug: &str) -> bool {
    TWIN_AGREES.contains(&slug)
}

/// Validates a demo's `name=value` pairs, as its `Params::from_pairs` does.
type Check = fn(&[(String, String)]) -> Result<(), Vec<ParamError>>;

/// One demo module's entry points, by slug.
struct Module {
    slug: &'static str,
    /// The module's file, as it ends the paths the compiler records.
    file: &'static str,
    specs: &'static [ParamSpec],
    rules: &'static [CrossRule],
    random: Randomness,
    presets: &'static [Preset],
    check: Check,
    /// The file line on which the part of the module's file the page shows
    /// starts, and how many lines it has: worked out at compile time, so
    /// that a build without the texts still lights the right line.
    shown_at: (u32, u32),
    /// The part of the module's file the page shows: cut out at compile
    /// time, so that only this part, not the whole file, is in the app.
    #[cfg(feature = "texts")]
    shown: &'static str,
    #[cfg(all(test, feature = "texts"))]
    source: &'static str,
    /// What the demo shows, in English (the page's lead).
    explain_en: &'static str,
    /// The hash of the demo's [`Texts`], worked out at compile time: it
    /// names their file ([`texts_file`]).
    texts_hash: u64,
    #[cfg(feature = "texts")]
    about: &'static About,
}

/// The part of demo module `$m`'s file between the markers, as a constant
/// `&'static str`.
macro_rules! shown_text {
    ($m:ident) => {{
        const RANGE: (usize, usize, u32) = shown_range($m::SOURCE);
        const BYTES: [u8; RANGE.1 - RANGE.0] = copy_out::<{ RANGE.1 - RANGE.0 }>($m::SOURCE, RANGE.0);
        const TEXT: &str = match core::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("the shown code is not UTF-8"),
        };
        TEXT
    }};
}

macro_rules! modules {
    ($($m:ident),* $(,)?) => {
        const MODULES: &[Module] = &[
            $( Module {
                slug: $m::SLUG,
                file: concat!("demos/", stringify!($m), ".rs"),
                specs: $m::SPECS,
                rules: $m::RULES,
                random: $m::RANDOM,
                presets: $m::PRESETS,
                check: |pairs| $m::Params::from_pairs(pairs).map(|_| ()),
                shown_at: {
                    const AT: (u32, u32) = (shown_range($m::SOURCE).2, line_count(shown_text!($m)));
                    AT
                },
                #[cfg(feature = "texts")]
                shown: shown_text!($m),
                #[cfg(all(test, feature = "texts"))]
                source: $m::SOURCE,
                explain_en: $m::ABOUT.explain_en,
                texts_hash: {
                    const HASH: u64 = texts_hash($m::SLUG, shown_text!($m), &$m::ABOUT);
                    HASH
                },
                #[cfg(feature = "texts")]
                about: &$m::ABOUT,
            }, )*
        ];

        /// Each demo's slug, Chinese title and Chinese explanation: a table
        /// apart from [`MODULES`], so that a build that only lists the demos
        /// (the home page's) keeps these words, not the demos' code, shown
        /// sources and asyncio twins, which [`MODULES`] holds.
        const WORDS_ZH: &[(&str, &str, &str)] = &[
            $( ($m::SLUG, $m::ABOUT.title_zh, $m::ABOUT.explain_zh), )*
        ];

        /// Validates `pairs` for the demo `slug` and prepares it on `env`.
        /// `Ok(None)` for a slug that is not a demo.
        pub fn start<E: Env>(
            slug: &str,
            env: E,
            pairs: &[(String, String)],
        ) -> Result<Option<Started<E>>, Vec<ParamError>> {
            $(
                if slug == $m::SLUG {
                    let (runs, work) = $m::start(env, &$m::Params::from_pairs(pairs)?);
                    let runs = runs.into_iter().map(|(label, traced)| (label.into(), traced)).collect();
                    return Ok(Some(Started::new(runs, work)));
                }
            )*
            Ok(None)
        }
    };
}

modules!(
    sequential_vs_concurrent,
    lazy_and_spawn,
    gather,
    first_completed,
    as_completed,
    timeout,
    cancellation,
    countdown,
    periodic,
    retry,
    semaphore,
    fetch,
    download,
    queue,
    sync_primitives,
    streams,
    setup_teardown,
    task_manager,
    blocking,
);

fn module(slug: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.slug == slug)
}

/// The parameters of a demo; `None` for an unknown slug.
pub fn specs(slug: &str) -> Option<&'static [ParamSpec]> {
    module(slug).map(|m| m.specs)
}

/// The rules across a demo's parameters (none for an unknown slug).
pub fn rules(slug: &str) -> &'static [CrossRule] {
    module(slug).map_or(&[], |m| m.rules)
}

/// Whether a demo's runs draw random numbers, so whether its seed matters
/// (`Never` for an unknown slug).
pub fn randomness(slug: &str) -> Randomness {
    module(slug).map_or(Randomness::Never, |m| m.random)
}

/// A demo's presets, "Try this" (none for an unknown slug).
pub fn presets(slug: &str) -> &'static [Preset] {
    module(slug).map_or(&[], |m| m.presets)
}

/// Validates `pairs` for the demo `slug`, as [`start`] does, without
/// preparing a run. `Ok` for a slug that is not a demo.
pub fn check(slug: &str, pairs: &[(String, String)]) -> Result<(), Vec<ParamError>> {
    module(slug).map_or(Ok(()), |m| (m.check)(pairs))
}

/// How long a run of `slug` with these parameters and this seed takes on
/// a real clock, measured by running it in virtual time (cheap: the clock
/// jumps): the moment its last task ends. `None` for parameters that are
/// not allowed, an unknown slug, or a run that stalls. Requests are
/// answered by the simulated lab, whose delays are the server's.
pub fn estimate(slug: &str, pairs: &[(String, String)], seed: u64) -> Option<std::time::Duration> {
    let rt = crate::VirtualRuntime::with_seed(seed);
    let started = start(slug, crate::DynEnv::new(rt.env()), pairs).ok()??;
    rt.block_on(started.work).ok()?;
    Some(rt.now())
}

/// The trace of `slug`'s default run in virtual time (its last run, if it
/// makes several): what the home page draws small. `None` for an unknown
/// slug or a run that stalls.
pub fn default_trace(slug: &str) -> Option<crate::Trace> {
    let rt = crate::VirtualRuntime::new();
    let started = start(slug, crate::DynEnv::new(rt.env()), &[]).ok()??;
    rt.block_on(started.work).ok()?;
    started.runs.last().map(|(_, t)| t.snapshot())
}

/// The words around a demo; `None` for an unknown slug. Only in a build
/// with the `texts` feature: the demo page's build loads a demo's
/// [`Texts`] when it opens ([`texts_file`]).
#[cfg(feature = "texts")]
pub fn about(slug: &str) -> Option<&'static About> {
    module(slug).map(|m| m.about)
}

/// What a demo shows, in English (its [`About::explain_en`], the page's
/// lead), in every build. `None` for an unknown slug.
pub fn explain_en(slug: &str) -> Option<&'static str> {
    module(slug).map(|m| m.explain_en)
}

/// A demo's title and explanation in Simplified Chinese (its [`About`]'s),
/// without the rest of the demo: what a list of the demos needs. `None`
/// for an unknown slug.
pub fn words_zh(slug: &str) -> Option<(&'static str, &'static str)> {
    WORDS_ZH
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map(|&(_, title, explain)| (title, explain))
}

/// True for demos that can send requests (they take the `network`
/// parameter: the lab server, or the simulated lab).
pub fn uses_network(slug: &str) -> bool {
    specs(slug).is_some_and(|specs| specs.iter().any(|s| s.name == fetch::NETWORK.spec.name))
}

/// True if a run of `slug` with these parameters sends requests: the demo
/// always does, or its `work` parameter says `request`.
pub fn sends_requests(slug: &str, pairs: &[(String, String)]) -> bool {
    let Some(specs) = specs(slug) else {
        return false;
    };
    if !uses_network(slug) {
        return false;
    }
    if !specs.iter().any(|s| s.name == WORK.spec.name) {
        return true;
    }
    WORK.given(pairs) == Some(Work::Request)
}

/// The `work` parameter of the demos whose jobs can be either timers or
/// requests to the lab server (`/api/delay/{ms}`): the same schedule, with
/// a real network under it when the page runs on real time.
pub const WORK: Param<Work> = choice("work", "Each job is", "timer");

/// The demo's code as the page shows it: the part of its module between the
/// markers, exactly as compiled. Only in a build with the `texts` feature.
#[cfg(feature = "texts")]
pub fn shown_source(slug: &str) -> Option<&'static str> {
    module(slug).map(|m| m.shown)
}

/// The line of the module file on which [`shown_source`] starts (from 1):
/// a trace's await sites name lines of the file, and the page lights
/// `site.line - first_line + 1` of the shown text.
pub fn shown_first_line(slug: &str) -> Option<u32> {
    module(slug).map(|m| m.shown_at.0)
}

/// The line of [`shown_source`] (from 1) that a trace's await site names,
/// if the site is in that part of the demo's file. In every build: the
/// line is found without the text.
pub fn shown_line(slug: &str, file: &str, line: u32) -> Option<u32> {
    let m = module(slug)?;
    let normalized = file.replace('\\', "/");
    if !normalized.ends_with(m.file) {
        return None;
    }
    let (first, n) = m.shown_at;
    (first..first + n).contains(&line).then(|| line - first + 1)
}

/// The line of the asyncio twin (from 1) that matches line `rust_line` of
/// [`shown_source`], if the demo's `About::twins` pair it with one. Only in
/// a build with the `texts` feature; [`Texts::twin_line`] in any.
#[cfg(feature = "texts")]
pub fn twin_line(slug: &str, rust_line: u32) -> Option<u32> {
    let m = module(slug)?;
    twin_line_in(m.shown, m.about.twins, m.about.asyncio, rust_line)
}

/// What [`twin_line`] and [`Texts::twin_line`] find: the line of `asyncio`
/// that line `rust_line` of `code` goes with, by `twins`.
fn twin_line_in<S: AsRef<str>>(code: &str, twins: &[(S, S)], asyncio: &str, rust_line: u32) -> Option<u32> {
    let code: Vec<&str> = code.lines().collect();
    let index = usize::try_from(rust_line).ok()?.checked_sub(1)?;
    let line = *code.get(index)?;
    let rust = twins.iter().map(|(r, _)| r.as_ref()).find(|rust| line.contains(rust))?;
    // The k-th line holding this part of the Rust code goes with the k-th
    // pair naming it (or the last such pair).
    let nth = code[..index].iter().filter(|l| l.contains(rust)).count();
    let same: Vec<usize> = (0..twins.len()).filter(|&i| twins[i].0.as_ref() == rust).collect();
    let pair = same[nth.min(same.len() - 1)];
    let python = twins[pair].1.as_ref();
    let occurrence = twins[..pair].iter().filter(|(_, p)| p.as_ref() == python).count();
    let found = asyncio
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(python))
        .nth(occurrence)?;
    u32::try_from(found.0 + 1).ok()
}

/// The texts of a demo that its page loads when it opens, rather than
/// carrying them in its build: the code it shows, its asyncio twin, where
/// the two differ, and which lines of the two go together. The release
/// build writes each demo's as JSON to the file [`texts_file`] names
/// (`asyncscope texts`); a build with the `texts` feature has them at
/// hand ([`texts`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Texts {
    /// The demo's slug.
    pub slug: String,
    /// The code the page shows, as [`shown_source`].
    pub source: String,
    /// The equivalent asyncio code ([`About::asyncio`]).
    pub asyncio: String,
    /// Where Rust and asyncio differ ([`About::differs`]).
    pub differs: String,
    /// The lines that go together ([`About::twins`]).
    pub twins: Vec<(String, String)>,
}

impl Texts {
    /// The line of the asyncio twin (from 1) that matches line `rust_line`
    /// of the shown code, as [`twin_line`].
    pub fn twin_line(&self, rust_line: u32) -> Option<u32> {
        twin_line_in(&self.source, &self.twins, &self.asyncio, rust_line)
    }

    /// Reads the JSON of [`texts_file`] for `slug`, and says what is wrong
    /// if it is not that demo's texts.
    pub fn from_json(slug: &str, json: &str) -> Result<Self, String> {
        let texts: Self = serde_json::from_str(json).map_err(|e| format!("not a demo's texts ({e})"))?;
        if texts.slug == slug {
            Ok(texts)
        } else {
            Err(format!("the texts of {:?}, not of {slug:?}", texts.slug))
        }
    }
}

/// A demo's [`Texts`], from what this build carries; `None` for an unknown
/// slug. Only in a build with the `texts` feature.
#[cfg(feature = "texts")]
pub fn texts(slug: &str) -> Option<Texts> {
    let m = module(slug)?;
    // Every part here is one `texts_hash` hashes: a part it left out would
    // change the file and not its name, and browsers keep the old one.
    Some(Texts {
        slug: m.slug.to_owned(),
        source: m.shown.to_owned(),
        asyncio: m.about.asyncio.to_owned(),
        differs: m.about.differs.to_owned(),
        twins: m
            .about
            .twins
            .iter()
            .map(|&(r, p)| (r.to_owned(), p.to_owned()))
            .collect(),
    })
}

/// The name of the file that holds a demo's [`Texts`] as JSON, beside the
/// page: `texts-<slug>-<hash>.json`, the hash of their content worked out
/// at compile time, so that the name changes whenever they do and a
/// browser may keep the file for good. `None` for an unknown slug.
pub fn texts_file(slug: &str) -> Option<String> {
    module(slug).map(|m| format!("texts-{}-{:016x}.json", m.slug, m.texts_hash))
}

/// The number of lines of `text` (as `str::lines` counts them), at compile
/// time.
const fn line_count(text: &str) -> u32 {
    let b = text.as_bytes();
    if b.is_empty() {
        return 0;
    }
    let mut n = 1;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' && i + 1 < b.len() {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The version of [`Texts`]' JSON, in [`texts_hash`]: a change of the
/// format renames every file.
const TEXTS_FORMAT: u8 = 1;

/// FNV-1a over `bytes`, from `hash`, then a zero byte (so that the parts
/// hashed one after another cannot run into each other).
const fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i <= bytes.len() {
        let byte = if i < bytes.len() { bytes[i] } else { 0 };
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The hash of a demo's [`Texts`], at compile time.
const fn texts_hash(slug: &str, shown: &str, about: &About) -> u64 {
    let mut hash = fnv(0xcbf2_9ce4_8422_2325, &[TEXTS_FORMAT]);
    hash = fnv(hash, slug.as_bytes());
    hash = fnv(hash, shown.as_bytes());
    hash = fnv(hash, about.asyncio.as_bytes());
    hash = fnv(hash, about.differs.as_bytes());
    let mut i = 0;
    while i < about.twins.len() {
        hash = fnv(hash, about.twins[i].0.as_bytes());
        hash = fnv(hash, about.twins[i].1.as_bytes());
        i += 1;
    }
    hash
}

/// Where the shown part of `source` lies, at compile time: its byte range
/// between the markers (blank lines at both ends left out) and the file
/// line it starts on. As [`shown`], which the tests hold it to.
const fn shown_range(source: &str) -> (usize, usize, u32) {
    let b = source.as_bytes();
    let start = match find(b, SHOWN_START.as_bytes(), 0) {
        Some(i) => i + SHOWN_START.len(),
        None => panic!("a demo's file has no start marker"),
    };
    let end = match find(b, SHOWN_END.as_bytes(), start) {
        Some(i) => i,
        None => panic!("a demo's file has no end marker"),
    };
    let mut s = start;
    while s < end && b[s] == b'\n' {
        s += 1;
    }
    let mut e = end;
    while e > s && b[e - 1] == b'\n' {
        e -= 1;
    }
    let mut line = 1;
    let mut i = 0;
    while i < s {
        if b[i] == b'\n' {
            line += 1;
        }
        i += 1;
    }
    (s, e, line)
}

/// The first place of `needle` in `hay` at or after `from`.
const fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let mut j = 0;
        while j < needle.len() && hay[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `N` bytes of `source` from `start`, as an array of their own.
const fn copy_out<const N: usize>(source: &str, start: usize) -> [u8; N] {
    let b = source.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = b[start + i];
        i += 1;
    }
    out
}

#[cfg(all(test, feature = "texts"))]
fn shown(source: &'static str) -> Option<(&'static str, u32)> {
    let start = source.find(SHOWN_START)? + SHOWN_START.len();
    let end = start + source[start..].find(SHOWN_END)?;
    let body = &source[start..end];
    let trimmed = body.trim_start_matches('\n');
    let skipped = body.len() - trimmed.len();
    let line = source[..start + skipped].matches('\n').count() + 1;
    Some((trimmed.trim_end_matches('\n'), u32::try_from(line).unwrap_or(u32::MAX)))
}

/// Tasks a demo's run has besides the ones its lesson is about: `main`,
/// the parent that starts and awaits them, and the semaphore's `release`,
/// which tries one permit too many after the work. The page counts the
/// demo's tasks and names these apart.
pub const HARNESS_TASKS: &[&str] = &["main", "release"];

/// Whether a task named `name` is one of [`HARNESS_TASKS`].
pub fn is_harness_task(name: &str) -> bool {
    HARNESS_TASKS.contains(&name)
}

/// The runs' labels in Simplified Chinese: what the page titles a run
/// with (the label itself stays the run's name in links, JSON and tests).
pub const RUN_LABELS_ZH: &[(&str, &str)] = &[
    ("as completed", "按完成顺序"),
    ("program", "程序"),
    ("cancellation", "取消"),
    ("countdown", "倒计时"),
    ("race", "竞速"),
    ("gather", "聚合"),
    ("spawn", "派生"),
    ("periodic", "周期任务"),
    ("queue", "队列"),
    ("retry", "重试"),
    ("semaphore", "信号量"),
    ("session", "会话"),
    ("stream", "流"),
    ("primitives", "同步原语"),
    ("manager", "任务管理器"),
    ("timeout", "超时"),
    ("download", "下载"),
    ("requests", "请求"),
    ("sequential", "逐个执行"),
    ("concurrent", "并发执行"),
    ("yielding", "让出"),
    ("waking itself", "自己唤醒自己"),
    ("blocking", "阻塞"),
];

/// A run's label in Simplified Chinese (`None` for a label of no demo).
pub fn run_label_zh(label: &str) -> Option<&'static str> {
    RUN_LABELS_ZH.iter().find(|(en, _)| *en == label).map(|(_, zh)| *zh)
}

const SHOWN_START: &str = "// --- the code the page shows -------------------------------------------\n";
const SHOWN_END: &str = "// -------------------------------------------------------------------------\n";

impl<E: Env> Started<E> {
    pub(crate) fn new(runs: Vec<(&'static str, Traced<E>)>, work: impl Future<Output = ()> + 'static) -> Self {
        Self {
            runs,
            work: Box::pin(work),
            notes: Rc::default(),
        }
    }
}

/// Runs `main` as the task `name` on a fresh trace of `env`, then waits
/// until every task it made has ended (detached ones too): the shape of
/// most single-run demos.
pub(crate) fn single_run<E, F, Fut>(
    env: E,
    label: &'static str,
    main: F,
) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static)
where
    E: Env,
    F: FnOnce(Traced<E>) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let traced = Traced::new(env);
    let t = traced.clone();
    let work = async move {
        main(t.clone()).await;
        t.settled().await;
    };
    (vec![(label, traced)], work)
}

impl<E: Env> std::fmt::Debug for Started<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let labels: Vec<&str> = self.runs.iter().map(|(label, _)| *label).collect();
        f.debug_struct("Started").field("runs", &labels).finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "texts"))]
mod tests {
    use super::*;
    use crate::catalog::ENTRIES;

    #[test]
    fn every_catalog_entry_is_a_module_in_order() {
        let slugs: Vec<_> = MODULES.iter().map(|m| m.slug).collect();
        let catalog: Vec<_> = ENTRIES.iter().map(|e| e.slug).collect();
        assert_eq!(slugs, catalog);
        for m in MODULES {
            let (code, line) = shown(m.source).expect(m.slug);
            assert_eq!(
                (m.shown, m.shown_at),
                (code, (line, line_count(code))),
                "{}: the compile-time cut",
                m.slug
            );
            assert_eq!(line_count(code) as usize, code.lines().count(), "{}", m.slug);
            assert!(!code.contains("// ---"), "{}", m.slug);
            assert!(code.contains(".await"), "{} shows no await", m.slug);
            let first = m.source.lines().nth(line as usize - 1).expect("line");
            assert_eq!(first, code.lines().next().expect("first"), "{}", m.slug);
            for spec in m.specs {
                assert!(spec.check(spec.default).is_ok(), "{}: default of {}", m.slug, spec.name);
            }
            let names: Vec<_> = m.specs.iter().map(|s| s.name).collect();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{}: a name declared twice", m.slug);
            let a = m.about;
            for text in [a.title_zh, a.explain_en, a.explain_zh, a.asyncio, a.differs] {
                assert!(!text.trim().is_empty(), "{}", m.slug);
            }
            assert!(a.asyncio.contains("async def"), "{}", m.slug);
            for (k, &(rust, python)) in a.twins.iter().enumerate() {
                let nth = a.twins[..k].iter().filter(|(r, _)| *r == rust).count();
                assert!(
                    code.lines().filter(|l| l.contains(rust)).nth(nth).is_some(),
                    "{}: {rust}",
                    m.slug
                );
                let nth = a.twins[..k].iter().filter(|(_, p)| *p == python).count();
                assert!(
                    a.asyncio.lines().filter(|l| l.contains(python)).nth(nth).is_some(),
                    "{}: {python}",
                    m.slug
                );
            }
        }
    }

    #[test]
    fn a_demos_texts_file_is_named_by_what_it_holds() {
        let about = countdown::ABOUT;
        let shown = shown_source(countdown::SLUG).expect("code");
        let hash = texts_hash(countdown::SLUG, shown, &about);
        assert_eq!(
            texts_file(countdown::SLUG),
            Some(format!("texts-countdown-{hash:016x}.json"))
        );
        let edited = format!("{shown} ");
        for (what, other) in [
            ("the code", texts_hash(countdown::SLUG, &edited, &about)),
            (
                "the twin",
                texts_hash(countdown::SLUG, shown, &About { asyncio: "x", ..about }),
            ),
            (
                "the difference",
                texts_hash(countdown::SLUG, shown, &About { differs: "x", ..about }),
            ),
            (
                "a pair of lines",
                texts_hash(
                    countdown::SLUG,
                    shown,
                    &About {
                        twins: &about.twins[1..],
                        ..about
                    },
                ),
            ),
            ("the demo", texts_hash(timeout::SLUG, shown, &about)),
        ] {
            assert_ne!(other, hash, "a change of {what} renames the file");
        }
        // The words every build carries are not in the file.
        let words = About {
            title_zh: "x",
            explain_en: "y",
            explain_zh: "z",
            ..about
        };
        assert_eq!(texts_hash(countdown::SLUG, shown, &words), hash);
    }

    #[test]
    fn every_preset_is_allowed_and_changes_something() {
        for m in MODULES {
            assert!(
                (2..=4).contains(&m.presets.len()),
                "{}: {} presets",
                m.slug,
                m.presets.len()
            );
            for p in m.presets {
                let pairs = p.owned_pairs();
                crate::params::parse(m.specs, &pairs).unwrap_or_else(|e| panic!("{} {}: {e:?}", m.slug, p.name_en));
                (m.check)(&pairs).unwrap_or_else(|e| panic!("{} {}: {e:?}", m.slug, p.name_en));
                let changed = p
                    .pairs
                    .iter()
                    .any(|(k, v)| m.specs.iter().any(|s| s.name == *k && s.default != *v));
                assert!(changed, "{} {}: only defaults", m.slug, p.name_en);
                for text in [p.name_en, p.name_zh, p.why_en, p.why_zh] {
                    assert!(!text.trim().is_empty(), "{} {}", m.slug, p.name_en);
                }
            }
        }
    }

    #[test]
    fn only_retry_with_jitter_draws_random_numbers() {
        use crate::params::Value;
        for m in MODULES {
            let defaults: Vec<Option<Value>> = m.specs.iter().map(|s| Some(s.default_value())).collect();
            assert!(!m.random.used(m.specs, &defaults), "{}", m.slug);
        }
        let specs = retry::SPECS;
        let mut values: Vec<Option<Value>> = specs.iter().map(|s| Some(s.default_value())).collect();
        let jitter = specs.iter().position(|s| s.name == "jitter").expect("jitter");
        values[jitter] = Some(Value::Choice("full"));
        assert!(randomness("retry").used(specs, &values));
    }

    #[test]
    fn cross_rules_are_checked_by_start_and_check() {
        let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
            items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let bad = pairs(&[("min_delay_ms", "2000"), ("max_delay_ms", "1000")]);
        let errors = check("fetch", &bad).expect_err("refused");
        assert_eq!(
            errors[0].message,
            "max_delay_ms must be at least min_delay_ms (2000); got 1000"
        );
        assert!(start("fetch", crate::VirtualRuntime::new().env(), &bad).is_err());
        let rule = rules("fetch")
            .iter()
            .find(|r| r.concerns("max_delay_ms"))
            .expect("a rule");
        assert_eq!(rule.fields, ["min_delay_ms", "max_delay_ms"]);
        assert!(check("task-manager", &pairs(&[("jobs", "5"), ("fail_job", "50")])).is_err());
        assert!(check("task-manager", &pairs(&[("jobs", "5"), ("fail_job", "5")])).is_ok());
    }

    #[test]
    fn a_run_is_estimated_in_virtual_time() {
        use std::time::Duration;
        let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
            items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        assert_eq!(estimate("periodic", &[], 0), Some(Duration::from_secs(3600)));
        let daily = estimate("periodic", &pairs(&[("schedule", "daily")]), 0).expect("runs");
        assert!(daily > Duration::from_secs(48 * 3600), "{daily:?}");
        assert_eq!(estimate("semaphore", &[], 0), Some(Duration::from_secs(4)));
        assert_eq!(estimate("fetch", &pairs(&[("requests", "0")]), 0), None);
        assert_eq!(estimate("no-such-demo", &[], 0), None);
    }

    #[test]
    fn every_demo_runs_the_same_behind_a_dyn_env() {
        // The app runs every demo on a `DynEnv` (one compiled copy); the
        // command line on the virtual environment itself. Same traces.
        use crate::{DynEnv, VirtualRuntime};
        // Every demo with its defaults, and one that draws random numbers.
        let random = [("jitter".to_string(), "full".to_string())];
        let cases = ENTRIES
            .iter()
            .map(|e| (e.slug, &[][..]))
            .chain([("retry", &random[..])]);
        for (slug, pairs) in cases {
            let direct = VirtualRuntime::with_seed(7);
            let a = start(slug, direct.env(), pairs).expect("valid").expect("demo");
            direct.block_on(a.work).expect("runs");
            let erased = VirtualRuntime::with_seed(7);
            let b = start(slug, DynEnv::new(erased.env()), pairs)
                .expect("valid")
                .expect("demo");
            erased.block_on(b.work).expect("runs");
            assert_eq!(a.runs.len(), b.runs.len(), "{slug}");
            for ((_, x), (_, y)) in a.runs.iter().zip(&b.runs) {
                let (x, y) = (x.snapshot(), y.snapshot());
                assert!(!x.events().is_empty(), "{slug}");
                assert_eq!(x.hash(), y.hash(), "{slug} {pairs:?}");
            }
        }
    }

    #[test]
    fn await_sites_map_to_lines_of_the_shown_code() {
        use crate::VirtualRuntime;
        let rt = VirtualRuntime::new();
        let started = start("semaphore", rt.env(), &[]).expect("valid").expect("demo");
        rt.block_on(started.work).expect("runs");
        let trace = started.runs[0].1.snapshot();
        let code: Vec<&str> = shown_source("semaphore").expect("code").lines().collect();
        let lit: Vec<&str> = trace
            .sites()
            .iter()
            .filter_map(|s| shown_line("semaphore", &s.file, s.line))
            .map(|l| code[l as usize - 1].trim())
            .collect();
        assert!(lit.contains(&"let _permit = semaphore.acquire().await;"), "{lit:?}");
        assert_eq!(shown_line("semaphore", "crates/core/src/demos/gather.rs", 150), None);
    }

    #[test]
    fn an_await_line_lights_its_asyncio_twin() {
        let line = |slug: &str, text: &str| {
            let code = shown_source(slug).expect("code");
            code.lines()
                .position(|l| l.contains(text))
                .map(|i| i as u32 + 1)
                .expect(text)
        };
        let twin = |slug: &str, text: &str| {
            let n = twin_line(slug, line(slug, text)).expect(text);
            about(slug)
                .expect("about")
                .asyncio
                .lines()
                .nth(n as usize - 1)
                .expect("a line")
                .trim()
        };
        assert_eq!(
            twin("first-completed", "select_all(racers).await"),
            "done, pending = await asyncio.wait("
        );
        assert_eq!(
            twin("countdown", "ticks.next().await"),
            "await asyncio.sleep(start + k + 1 - loop.time())  # absolute"
        );
        assert_eq!(
            twin("sync-primitives", "sleep(Duration::from_secs(1)).await"),
            "await asyncio.sleep(1)"
        );
        assert_eq!(
            twin("setup-teardown", "self.env.sleep(took).await"),
            "await asyncio.sleep(0.5)      # use"
        );
        assert_eq!(twin_line("first-completed", 1), None);
    }

    #[test]
    fn shown_source_is_the_demo_code() {
        let code = shown_source(sequential_vs_concurrent::SLUG).expect("built");
        assert!(code.starts_with("/// One job"), "{code}");
        assert!(code.contains("join_all(all).await;"));
    }

    #[test]
    fn sends_requests_follows_the_work_parameter() {
        let pairs = |w: &str| vec![("work".to_string(), w.to_string())];
        assert!(sends_requests("fetch", &[]));
        assert!(!sends_requests("sequential-vs-concurrent", &[]));
        assert!(!sends_requests("gather", &[]));
        assert!(sends_requests("gather", &pairs("request")));
        assert!(!sends_requests("gather", &pairs("timer")));
    }

    #[test]
    fn a_demos_chinese_words_are_its_abouts() {
        for entry in crate::catalog::ENTRIES {
            let about = about(entry.slug).expect("every entry has words");
            assert_eq!(
                words_zh(entry.slug),
                Some((about.title_zh, about.explain_zh)),
                "{}",
                entry.slug
            );
        }
        assert_eq!(words_zh("no-such-demo"), None);
    }
}
