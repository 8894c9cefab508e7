//! Starting, watching and cancelling a run: on the browser's clock (frames
//! and an ending, each tagged with the run's generation, so a stale run
//! cannot overwrite a new one) or in virtual time (at once).

use std::cell::{Cell, RefCell};
use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::trace::Liveness;
use asyncscope_core::virtual_time::Step;
use asyncscope_core::{Bilingual, DynEnv, Env, Traced, VirtualRuntime};
use asyncscope_view::TraceCopies;
use asyncscope_view::state::{Action, Ending, FinalRuns, Form, LOOK_MS, Pacer, RunSnapshot, Sizes, asks_first};
use futures::channel::oneshot;
use futures::future::{AbortHandle, Either, abortable, select};
use yew::prelude::*;

use crate::browser::env::BrowserEnv;
use crate::browser::location::replace_hash;
use crate::browser::{self, clock};
use crate::state::PageState;
use crate::subject::Subject;

/// How long the final snapshot of a cancelled run waits for the ends of
/// its tasks (detached ones too) to be recorded.
const SETTLE_LIMIT: Duration = Duration::from_millis(250);

/// The page's buttons for runs.
#[derive(Clone, PartialEq)]
pub struct RunControls {
    /// Run: starts the demo on the browser's clock (unless a run is going
    /// or the form is invalid).
    pub start: Callback<()>,
    /// Run in virtual time: runs the demo to its end at once (same
    /// conditions).
    pub start_virtual: Callback<()>,
    /// Cancel: drops the run's futures and every task its environment
    /// spawned (or stops a virtual run still being computed).
    pub cancel: Callback<()>,
    /// A preset: the form takes its parameters and runs in virtual time.
    pub preset: Callback<Vec<(String, String)>>,
    /// Run for real after all, though it takes long.
    pub confirm: Callback<()>,
    /// Run asked first: the real run would take this long (over
    /// [`asyncscope_view::state::LONG_RUN`]), so it waits for
    /// [`RunControls::confirm`] or Run in virtual time.
    pub asking: Option<Duration>,
    /// A virtual run is being computed (in slices, between which the page
    /// stays responsive).
    pub busy: bool,
    /// How far that run has gone, as of its last slice.
    pub progress: Option<Progress>,
}

/// How far a run in virtual time has gone, as of its last slice: what the
/// status line shows while it is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Its virtual clock.
    pub at: Duration,
    /// The events its traces have recorded so far.
    pub events: u64,
    /// How long it runs, when a run of the same form (the same address)
    /// in virtual time has ended by itself before.
    pub of: Option<Duration>,
}

/// The most virtual time a program's run in the page may take: a program
/// that would go on (a loop that sleeps forever) stops there, with what it
/// recorded. A demo's parameters bound its own time.
#[cfg(feature = "composer")]
const VIRTUAL_BOUND: Duration = asyncscope_core::py::DEFAULT_VIRTUAL_BOUND;

/// The longest a slice of a virtual run keeps the page's thread, in
/// milliseconds, before it yields to the browser.
const SLICE_MS: f64 = 30.0;

type LiveRuns = Rc<Vec<(&'static str, Traced<DynEnv>)>>;

/// How far each run's trace has grown: its events kept and dropped. A
/// trace is append-only, so the same sizes mean the same trace.
fn sizes<E: Env>(runs: &[(&'static str, Traced<E>)]) -> Sizes {
    runs.iter()
        .map(|(_, traced)| {
            let trace = traced.trace();
            (trace.events().len(), trace.dropped())
        })
        .collect()
}

thread_local! {
    /// Live frames' copies of a trace since the page loaded: `(caught up,
    /// copied whole)`. The timeline shows them (`data-copies`), so that
    /// a test in the browser sees that frames copy only what is new.
    static COPIES: std::cell::Cell<(u32, u32)> = const { std::cell::Cell::new((0, 0)) };
}

/// Live frames' copies of a trace since the page loaded: `(caught up,
/// copied whole)`.
pub fn live_copies() -> (u32, u32) {
    COPIES.with(std::cell::Cell::get)
}

/// Per live run, two copies of its trace kept up to date in turn
/// ([`TraceCopies`]): the copy brought up to date is one the page no
/// longer holds (it holds the other, drawn last), so a frame copies only
/// the events recorded since that copy was last brought up to date.
#[derive(Default)]
struct Copies(Vec<TraceCopies>);

impl Copies {
    /// The runs' traces as they are now.
    fn take<E: Env>(&mut self, runs: &[(&'static str, Traced<E>)]) -> Vec<RunSnapshot> {
        self.0.resize_with(runs.len(), Default::default);
        runs.iter()
            .zip(self.0.iter_mut())
            .map(|((label, traced), copies)| {
                let source = traced.trace();
                let (trace, caught_up) = copies.to(&source, source.events().len());
                COPIES.with(|c| {
                    let (up, whole) = c.get();
                    c.set(if caught_up { (up + 1, whole) } else { (up, whole + 1) });
                });
                RunSnapshot {
                    label: label.to_string(),
                    trace,
                }
            })
            .collect()
    }
}

/// Events hashed per task when a run ends (about 15 ms in the page): a big
/// run's hash is worked out over several tasks, none of them long.
const HASH_SLICE: usize = 40_000;

/// `runs` with their hash, worked out `HASH_SLICE` events at a time with
/// the browser let in between.
async fn hashed(runs: Vec<RunSnapshot>) -> FinalRuns {
    let mut hashing = FinalRuns::hashing(runs);
    loop {
        match hashing.step(HASH_SLICE) {
            Ok(done) => return done,
            Err(more) => hashing = more,
        }
        clock::next_task().await;
    }
}

/// A finished run's snapshot, then its hash ([`hashed`]), each in a task
/// of its own and with the browser let in after them: what comes next (the
/// drawing of the finished run) starts a task of its own too. Together, a
/// big run's would make one long task.
async fn snapshot_hashed<E: Env>(runs: &[(&'static str, Traced<E>)]) -> FinalRuns {
    let runs = snapshot(runs);
    clock::next_task().await;
    let runs = hashed(runs).await;
    clock::next_task().await;
    runs
}

fn snapshot<E: Env>(runs: &[(&'static str, Traced<E>)]) -> Vec<RunSnapshot> {
    runs.iter()
        .map(|(label, traced)| RunSnapshot {
            label: label.to_string(),
            trace: Rc::new(traced.snapshot()),
        })
        .collect()
}

/// Runs of `subject` with the form of `state`. A virtual run that stalls says
/// so through `on_notice`, in both languages for the page to show in its
/// own (and a finished one clears it). Leaving the page cancels a run
/// still going: its futures are dropped.
#[hook]
pub fn use_run(
    state: &UseReducerHandle<PageState>,
    subject: &Subject,
    on_notice: Callback<Option<Bilingual>>,
) -> RunControls {
    let abort = use_mut_ref(|| None::<AbortHandle>);
    // The running run's environment: cancelling drops its spawned tasks too.
    let scope = use_mut_ref(|| None::<BrowserEnv>);
    {
        // Leaving the page cancels its run: the futures are dropped.
        let (abort, scope) = (abort.clone(), scope.clone());
        use_effect_with((), move |_| {
            move || {
                if let Some(handle) = abort.borrow_mut().take() {
                    handle.abort();
                }
                if let Some(env) = scope.borrow_mut().take() {
                    env.cancel_all();
                }
            }
        });
    }
    // A real run that would take long waits for a second word; any edit of
    // the form withdraws the question.
    let asking = use_state(|| None::<Duration>);
    {
        let asking = asking.clone();
        use_effect_with(state.form.query(), move |_| asking.set(None));
    }
    // The length of the last run in virtual time that ended by itself, by
    // the address it ran at (subject and form, seed included): a real run
    // of the same form is expected to take as long, without running it
    // again (at 10,000 tasks, that estimate would be a long task at Run).
    let known = use_mut_ref(|| None::<(String, Duration)>);
    // A virtual run being computed, with how far it has gone.
    let busy = use_state_eq(|| None::<Progress>);
    // The buttons' callbacks are made once, and read the page as it was
    // last drawn: the same callbacks at every drawing, so that the form
    // (whose props they are) is not drawn again at each frame of a run.
    let latest = use_mut_ref(|| None::<Latest>);
    *latest.borrow_mut() = Some(Latest {
        state: state.clone(),
        asking: asking.clone(),
        busy: busy.clone(),
        on_notice,
        subject: subject.clone(),
    });
    let buttons = use_memo((), move |()| Buttons::new(&latest, &abort, &scope, &known));
    RunControls {
        start: buttons.start.clone(),
        start_virtual: buttons.start_virtual.clone(),
        cancel: buttons.cancel.clone(),
        preset: buttons.preset.clone(),
        confirm: buttons.confirm.clone(),
        asking: *asking,
        busy: busy.is_some(),
        progress: *busy,
    }
}

/// What the run's buttons read when pressed: the page as it was last
/// drawn (set at every drawing of the component that uses [`use_run`]).
#[derive(Clone)]
struct Latest {
    state: UseReducerHandle<PageState>,
    asking: UseStateHandle<Option<Duration>>,
    busy: UseStateHandle<Option<Progress>>,
    on_notice: Callback<Option<Bilingual>>,
    subject: Subject,
}

/// The run's buttons, made once per page ([`use_run`]).
struct Buttons {
    start: Callback<()>,
    start_virtual: Callback<()>,
    cancel: Callback<()>,
    preset: Callback<Vec<(String, String)>>,
    confirm: Callback<()>,
}

type Shared<T> = Rc<RefCell<T>>;

impl Buttons {
    fn new(
        latest: &Shared<Option<Latest>>,
        abort: &Shared<Option<AbortHandle>>,
        scope: &Shared<Option<BrowserEnv>>,
        known: &Shared<Option<(String, Duration)>>,
    ) -> Self {
        let now = {
            let latest = latest.clone();
            move || latest.borrow().clone()
        };
        let start_with = {
            let (now, abort, scope, known) = (now.clone(), abort.clone(), scope.clone(), known.clone());
            move |sure: bool| {
                let Some(l) = now() else { return };
                // Confirmed, the question's estimate stands; else the length
                // of a virtual run of this very form, or one is made.
                let address = l.subject.hash(&l.state.form.query());
                let seen = known
                    .borrow()
                    .as_ref()
                    .filter(|(at, _)| *at == address)
                    .map(|(_, d)| *d);
                let expected = match (sure, *l.asking) {
                    (true, Some(asked)) => Some(asked),
                    _ => seen.or_else(|| estimate(&l.state, &l.subject)),
                };
                if !sure && expected.is_some_and(asks_first) {
                    l.asking.set(expected);
                    return;
                }
                l.asking.set(None);
                start_real(&l.state, &l.subject, &abort, &scope, &l.on_notice, expected);
            }
        };
        let start = {
            let start_with = start_with.clone();
            Callback::from(move |()| start_with(false))
        };
        let confirm = Callback::from(move |()| start_with(true));
        let start_virtual = {
            let (now, abort, known) = (now.clone(), abort.clone(), known.clone());
            Callback::from(move |()| {
                let Some(l) = now() else { return };
                if l.busy.is_some() {
                    return;
                }
                l.asking.set(None);
                run_virtual(
                    &l.state,
                    &l.state.form,
                    &l.subject,
                    &l.on_notice,
                    &abort,
                    &l.busy,
                    &known,
                );
            })
        };
        let preset = {
            let (now, abort, known) = (now.clone(), abort.clone(), known.clone());
            Callback::from(move |pairs: Vec<(String, String)>| {
                let Some(l) = now() else { return };
                if l.state.is_running() || l.busy.is_some() {
                    return;
                }
                l.asking.set(None);
                let form = l.state.form.load(&pairs);
                l.state.dispatch(Action::Load(pairs));
                run_virtual(&l.state, &form, &l.subject, &l.on_notice, &abort, &l.busy, &known);
            })
        };
        let cancel = {
            let (abort, scope) = (abort.clone(), scope.clone());
            Callback::from(move |()| {
                let Some(l) = now() else { return };
                if let Some(handle) = abort.borrow().as_ref() {
                    handle.abort();
                }
                l.busy.set(None);
                if let Some(env) = scope.borrow().as_ref() {
                    env.cancel_all();
                }
                l.state.dispatch(Action::Cancel);
            })
        };
        Self {
            start,
            start_virtual,
            cancel,
            preset,
            confirm,
        }
    }
}

/// How long a real run of the form would take, from a run of the same
/// parameters and seed in virtual time; `None` if it cannot be told.
fn estimate(state: &UseReducerHandle<PageState>, subject: &Subject) -> Option<Duration> {
    if state.is_running() || !state.form.is_valid() {
        return None;
    }
    subject.estimate(&state.form.pairs(), state.form.seed().unwrap_or(0))
}

/// What a refused start says on the page. The form's own checks should
/// have kept Run off; this is the net under them, so that a refusal is
/// never silent.
fn refused(why: &Bilingual) -> Bilingual {
    Bilingual::new(
        format!("The run did not start: {}.", why.en),
        format!("运行没有开始：{}。", why.zh),
    )
}

/// What a virtual run that passed its bound says.
fn bounded_notice(at: Duration) -> Bilingual {
    let at = asyncscope_core::trace::human_ms(at.as_secs_f64() * 1000.0);
    let events = asyncscope_core::trace::DEFAULT_CAPACITY;
    Bilingual::new(
        format!(
            "The run was stopped at {at} of virtual time: it passed its bound (a day of virtual time, or {events} events recorded). What it did until then is drawn."
        ),
        format!(
            "运行在虚拟时间 {at} 处被停止：它超出了上限（一天的虚拟时间，或记录 {events} 个事件）。画出的是停止之前的部分。"
        ),
    )
}

/// What a virtual run that stalled says.
fn stalled_notice(at: Duration) -> Bilingual {
    let ms = at.as_millis();
    Bilingual::new(
        format!("The run stalled at {ms} ms: a task waits for something that never comes."),
        format!("运行在 {ms} ms 处停滞：有任务在等待一件永远不会发生的事。"),
    )
}

/// What a finished run had to say (a program's traceback, say), as the
/// page's notice.
fn notes_notice(notes: &RefCell<Vec<Bilingual>>) -> Option<Bilingual> {
    let notes = notes.borrow();
    (!notes.is_empty()).then(|| Bilingual::join(notes.iter(), "\n", "\n"))
}

/// Starts a run on the browser's clock: the demo's work as its own task,
/// and a second task that snapshots the runs for the page (see [`watch`])
/// and reports the ending. `expected` is how long it should take, from a
/// run of the same form in virtual time.
fn start_real(
    state: &UseReducerHandle<PageState>,
    subject: &Subject,
    abort: &Rc<RefCell<Option<AbortHandle>>>,
    scope: &Rc<RefCell<Option<BrowserEnv>>>,
    on_notice: &Callback<Option<Bilingual>>,
    expected: Option<Duration>,
) {
    if state.is_running() || !state.form.is_valid() {
        return;
    }
    let pairs = state.form.pairs();
    let seed = state.form.seed().unwrap_or(0);
    let env = if pairs.iter().any(|(k, v)| k == "network" && v == "simulated") {
        BrowserEnv::with_seed(seed).with_simulated_network()
    } else {
        BrowserEnv::with_seed(seed)
    };
    *scope.borrow_mut() = Some(env.clone());
    let started = match subject.start(DynEnv::new(env), &pairs) {
        Ok(Some(started)) => started,
        Ok(None) => return,
        Err(why) => return on_notice.emit(Some(refused(&why))),
    };
    on_notice.emit(None);
    replace_hash(&subject.hash(&state.form.query()));
    let notes = started.notes.clone();
    let generation = state.next_generation();
    state.dispatch(Action::Started { expected });
    let (work, handle) = abortable(started.work);
    *abort.borrow_mut() = Some(handle);
    let runs: LiveRuns = Rc::new(started.runs);
    let (dispatcher, abort) = (state.dispatcher(), abort.clone());
    // The work runs as its own task, polled only when it is woken; the
    // frame loop only takes snapshots. (Polling the work from the frame
    // loop would add a poll to every lane each frame.)
    let (done_tx, done_rx) = oneshot::channel();
    browser::spawn(async move {
        // `work` is consumed by the await, so every future in it is
        // dropped (recording any cancellation) before the send.
        let result = work.await;
        let _ = done_tx.send(result.is_ok());
    });
    let on_end = {
        let on_notice = on_notice.clone();
        move || on_notice.emit(notes_notice(&notes))
    };
    let on_stall = on_notice.clone();
    browser::spawn(async move {
        match watch(runs, generation, done_rx, dispatcher, abort).await {
            Some(at) => on_stall.emit(Some(stalled_notice(at))),
            None => on_end(),
        }
    });
}

/// How often a real run's traces are looked at while they grow faster
/// than that (`Pacer::polls`).
const LOOK: Duration = Duration::from_millis(LOOK_MS as u64);

/// True when the runs' traces are stuck: tasks pending in one of them, and
/// nothing in any that could wake one (a deadlock, a wait nobody ends).
fn stalled(runs: &LiveRuns) -> bool {
    let mut stuck = false;
    for (_, traced) in runs.iter() {
        match traced.trace().liveness() {
            Liveness::Alive => return false,
            Liveness::Stuck => stuck = true,
            Liveness::Settled => {}
        }
    }
    stuck
}

/// A real run's frames, then its ending: `Frame` at animation frames, as
/// [`Pacer`] paces them, until the work is done (`done` says whether it completed), then, once a
/// cancelled run's tasks have recorded their ends, `Ended`. A run whose
/// traces stop growing for [`asyncscope_view::state::QUIET_MS`] with nothing left to wake its
/// tasks has stalled: it ends there, its tasks shown still waiting (as a
/// virtual run that stalls), and the work is dropped after; the instant
/// it stalled comes back.
async fn watch(
    runs: LiveRuns,
    generation: u32,
    mut done: oneshot::Receiver<bool>,
    dispatcher: UseReducerDispatcher<PageState>,
    abort: Rc<RefCell<Option<AbortHandle>>>,
) -> Option<Duration> {
    // The runs are drawn when their traces grew, paced by what drawing
    // costs (see `Redraw`), and a few times a second when only the clock
    // moved: a frame whose traces did not grow shows the same snapshots
    // (the same `Rc`s: compared by pointer, their lanes and charts are not
    // made again).
    // Growth, quiet spells and drawings: `Pacer` (tested natively).
    let mut pacer = Pacer::new(clock::now_ms());
    // The snapshots drawn last, and the sizes they were taken at.
    let mut last: Option<(Sizes, Vec<RunSnapshot>)> = None;
    let mut copies = Copies::default();
    let completed = loop {
        // The traces are looked at on a timer, not at every animation
        // frame: a page that asks for every frame is drawn at every frame,
        // which costs the browser work even when nothing changed. While
        // they grow faster than a frame, every `LOOK`; else (`Pacer::polls`)
        // the next look waits for their next event or for what is due (a
        // drawing, the quiet spell's question), whichever comes first: a
        // run with an event every 100 ms is looked at when it grows, and
        // not sixty times a second.
        pacer.waits(clock::now_ms());
        let next: futures::future::LocalBoxFuture<'static, ()> = if pacer.polls() {
            Box::pin(clock::sleep(LOOK))
        } else {
            let watched = Rc::clone(&runs);
            let seen: Vec<u64> = runs.iter().map(|(_, t)| t.size()).collect();
            let grown = futures::future::poll_fn(move |cx| {
                if watched
                    .iter()
                    .zip(&seen)
                    .any(|((_, t), s)| t.poll_grown(*s, cx).is_ready())
                {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            });
            let due = clock::sleep(Duration::from_secs_f64(pacer.until_due(clock::now_ms()) / 1000.0));
            Box::pin(async move {
                let _ = select(pin!(grown), pin!(due)).await;
            })
        };
        match select(&mut done, next).await {
            Either::Left((completed, _)) => break completed.unwrap_or(false),
            Either::Right(((), _)) => {
                let look = pacer.look(clock::now_ms(), sizes(&runs));
                if look.ask_stalled && stalled(&runs) {
                    let at = runs
                        .iter()
                        .filter_map(|(_, t)| t.trace().events().last().map(|e| e.at()))
                        .max()
                        .unwrap_or_default();
                    // The runs as they stalled, then the work dropped.
                    dispatcher.dispatch(Action::Ended {
                        generation,
                        runs: hashed(snapshot(&runs)).await,
                        how: Ending::Completed,
                    });
                    if let Some(handle) = abort.borrow_mut().take() {
                        handle.abort();
                    }
                    return Some(at);
                }
                if !look.draw {
                    continue;
                }
                // Drawn at the next frame, with what the traces hold then.
                if let Either::Left((completed, _)) = select(&mut done, pin!(clock::next_frame())).await {
                    break completed.unwrap_or(false);
                }
                let at = clock::now_ms();
                let sizes = sizes(&runs);
                let shown = match &last {
                    Some((seen, shown)) if *seen == sizes || !pacer.redraw.fresh() => shown.clone(),
                    _ => {
                        let fresh = copies.take(&runs);
                        last = Some((sizes, fresh.clone()));
                        fresh
                    }
                };
                let elapsed = runs.first().map(|(_, t)| t.now()).unwrap_or_default();
                dispatcher.dispatch(Action::Frame {
                    generation,
                    runs: shown,
                    elapsed,
                    held: pacer.redraw.capped(),
                });
                // Yew draws in a microtask: once it has, the drawing's cost
                // paces the next.
                clock::after_microtasks().await;
                pacer.redraw.drawn(at, clock::now_ms() - at);
                // The browser lays the page out and paints it after this
                // frame's callbacks: the first task after them sees what
                // the whole drawing cost, which paces the next one. Only
                // for a run that grows faster than a frame, whose drawings
                // hold it back: one that grows now and then (a countdown)
                // is spared the extra task.
                if pacer.measures_rendering() {
                    clock::next_task().await;
                    pacer.redraw.rendered(clock::now_ms() - at);
                }
            }
        }
    };
    abort.borrow_mut().take();
    if !completed {
        // Tasks the work spawned (detached ones too) are dropped at their
        // next turn; wait for their ends to be recorded.
        for (_, traced) in runs.iter() {
            let wait = pin!(traced.settled());
            let limit = pin!(clock::sleep(SETTLE_LIMIT));
            let _ = select(wait, limit).await;
        }
    }
    let how = if completed {
        Ending::Completed
    } else {
        Ending::Cancelled
    };
    // The snapshot, its hash (`HASH_SLICE` events per task), then the
    // drawing of the finished run, each in a task of its own.
    let runs = snapshot_hashed(&runs).await;
    dispatcher.dispatch(Action::Ended { generation, runs, how });
    None
}

/// Runs the demo with `form` (the page's, or a preset's not yet in the
/// state) to its end in virtual time, in the page: the virtual runtime
/// steps in slices of at most [`SLICE_MS`], yielding to the browser between
/// them (so a run of 10,000 tasks does not freeze the page), with `busy`
/// set meanwhile. Cancel (through `abort`) or leaving the page stops it.
/// The work runs as the runtime's first task, so it is scheduled as
/// `block_on` would: every runnable task in wake order, then the next timer.
fn run_virtual(
    state: &UseReducerHandle<PageState>,
    form: &Form,
    subject: &Subject,
    on_notice: &Callback<Option<Bilingual>>,
    abort: &Rc<RefCell<Option<AbortHandle>>>,
    busy: &UseStateHandle<Option<Progress>>,
    known: &Rc<RefCell<Option<(String, Duration)>>>,
) {
    if state.is_running() || !form.is_valid() {
        return;
    }
    let pairs = form.pairs();
    let rt = VirtualRuntime::with_seed(form.seed().unwrap_or(0));
    let started = match subject.start(DynEnv::new(rt.env()), &pairs) {
        Ok(Some(started)) => started,
        Ok(None) => return,
        Err(why) => return on_notice.emit(Some(refused(&why))),
    };
    let address = subject.hash(&form.query());
    replace_hash(&address);
    // How long it runs, if this very form ran to its end before.
    let of = known
        .borrow()
        .as_ref()
        .filter(|(at, _)| *at == address)
        .map(|(_, d)| *d);
    let known = known.clone();
    let (runs, work, notes) = (started.runs, started.work, started.notes);
    #[cfg(feature = "composer")]
    let time_bound = matches!(subject, Subject::Program(_)).then_some(VIRTUAL_BOUND);
    #[cfg(not(feature = "composer"))]
    let time_bound: Option<Duration> = None;
    let done = Rc::new(Cell::new(false));
    {
        let done = done.clone();
        rt.env().spawn_boxed(Box::pin(async move {
            work.await;
            done.set(true);
        }));
    }
    let (dispatcher, on_notice, busy_flag) = (state.dispatcher(), on_notice.clone(), busy.clone());
    let progress = busy.clone();
    let slices = async move {
        // The first slice in a task of its own, after the page has drawn
        // itself busy (a task over 50 ms is a long task).
        clock::next_task().await;
        let mut bounded = false;
        let stalled = loop {
            let began = clock::now_ms();
            let mut stalled = None;
            while !done.get() && !bounded && clock::now_ms() - began < SLICE_MS {
                // A few dozen steps between looks at the clock, so a slice
                // ends close to its time even on a busy machine.
                for _ in 0..64 {
                    if done.get() {
                        break;
                    }
                    if rt.step() == Step::Idle {
                        stalled = Some(rt.now());
                        break;
                    }
                    // The run's bound: a trace that is full, or for a program
                    // a day of virtual time (a demo's parameters bound its
                    // time: the daily schedule runs for up to 30 days). What
                    // was recorded is shown, and why it ends.
                    if time_bound.is_some_and(|b| rt.now() > b) || runs.iter().any(|(_, t)| t.trace().dropped() > 0) {
                        bounded = true;
                        break;
                    }
                }
                if stalled.is_some() || bounded {
                    break;
                }
            }
            if done.get() || stalled.is_some() || bounded {
                break stalled;
            }
            progress.set(Some(Progress {
                at: rt.now(),
                events: runs.iter().map(|(_, t)| t.size()).sum(),
                of,
            }));
            clock::next_task().await;
        };
        // The snapshot, then the drawing of the result, each in a task of
        // its own, not after the last slice.
        clock::next_task().await;
        match stalled {
            None if bounded => on_notice.emit(Some(bounded_notice(rt.now()))),
            None => {
                *known.borrow_mut() = Some((address, rt.now()));
                on_notice.emit(notes_notice(&notes))
            }
            Some(at) => on_notice.emit(Some(stalled_notice(at))),
        }
        let runs = snapshot_hashed(&runs).await;
        dispatcher.dispatch(Action::RanVirtual { runs });
    };
    let (slices, handle) = abortable(slices);
    *abort.borrow_mut() = Some(handle);
    busy.set(Some(Progress {
        at: Duration::ZERO,
        events: 0,
        of,
    }));
    let abort = abort.clone();
    browser::spawn(async move {
        let _ = slices.await;
        abort.borrow_mut().take();
        busy_flag.set(None);
    });
}
