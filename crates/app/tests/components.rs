//! Components rendered in a real headless browser from known traces: the
//! timeline's lanes, segments, labels, marks and metrics, the code
//! view's lit line, and the run's buttons from `use_run`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use asyncscope_app::components::code_view::{CodeView, CodeViewProps};
use asyncscope_app::components::timeline::{Timeline, TimelineProps};
use asyncscope_app::hooks::{RunControls, use_run};
use asyncscope_app::state::PageState;
use asyncscope_app::subject::Subject;
use asyncscope_core::trace::{EventKind, Outcome, TaskId, Trace, WakeCause};
use asyncscope_core::{VirtualRuntime, demos};
use asyncscope_view::state::{Action, DemoState, Form, RunSnapshot, TaskRef, View};
use common::{has, until};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::UseReducerHandle;

mod common;

wasm_bindgen_test_configure!(run_in_browser);

fn root() -> web_sys::Element {
    let doc = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root = doc.create_element("div").expect("div");
    doc.body().expect("body").append_child(&root).expect("append");
    root
}

fn texts(root: &web_sys::Element, css: &str) -> Vec<String> {
    let list = root.query_selector_all(css).expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

fn attrs(root: &web_sys::Element, css: &str, attr: &str) -> Vec<String> {
    let list = root.query_selector_all(css).expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        .map(|e| e.get_attribute(attr).unwrap_or_default())
        .collect()
}

/// Two tasks: `a` sleeps 0–300 ms and ends ok; `b` is made at 100 ms,
/// polled, and cancelled at 200 ms.
fn known_trace() -> Trace {
    let ms = Duration::from_millis;
    let mut t = Trace::new();
    let a = t.add_task("a");
    let b = t.add_task("b");
    t.push(ms(0), a, EventKind::Created);
    t.push(ms(0), a, EventKind::PollStart);
    t.push(
        ms(0),
        a,
        EventKind::TimerArmed {
            deadline: ms(300).into(),
        },
    );
    t.push(ms(0), a, EventKind::pending(None));
    t.push(ms(100), b, EventKind::Created);
    t.push(ms(100), b, EventKind::PollStart);
    t.push(ms(100), b, EventKind::pending(None));
    t.push(
        ms(200),
        b,
        EventKind::Completed {
            outcome: Outcome::Cancelled,
        },
    );
    t.push(ms(300), a, EventKind::woken(WakeCause::Timer));
    t.push(ms(300), a, EventKind::PollStart);
    t.push(ms(300), a, EventKind::TimerFired);
    t.push(ms(300), a, EventKind::Completed { outcome: Outcome::Ok });
    t
}

#[wasm_bindgen_test]
async fn the_timeline_draws_lanes_segments_marks_and_metrics() {
    let root = root();
    let props = TimelineProps {
        runs: vec![RunSnapshot {
            label: "run".into(),
            trace: std::rc::Rc::new(known_trace()),
        }],
        now: Duration::from_millis(300),
        span: Duration::from_millis(300),
        finished: true,
        view: View::default(),
        playhead: None,
        // b is the trace's second task.
        selected: Some(TaskRef {
            run: 0,
            task: TaskId(1),
        }),
        on_action: Default::default(),
    };
    let app = yew::Renderer::<Timeline>::with_root_and_props(root.clone(), props).render();
    until("both lanes", || has(&root, ".lane[data-task=b]")).await;
    assert_eq!(attrs(&root, ".lane", "data-task"), ["a", "b"]);
    assert_eq!(attrs(&root, ".lane", "data-outcome"), ["ok", "cancelled"]);
    assert_eq!(texts(&root, ".lane-outcome"), ["ok", "cancelledat 200 ms"]);
    assert_eq!(
        texts(&root, ".lane[data-task=b] .ended-at"),
        ["at 200 ms"],
        "when it was cancelled"
    );
    assert_eq!(
        attrs(&root, ".lane[data-task=a] .seg", "data-state"),
        ["polled", "sleeping", "polled"]
    );
    assert_eq!(
        texts(&root, ".lane[data-task=a] .seg-label"),
        ["sleeping"],
        "wide segments say their state"
    );
    let title = attrs(&root, ".lane[data-task=a] .seg-sleeping", "title");
    assert_eq!(
        title,
        ["a: sleeping from 0 to 300 ms: waiting on timer (fires at 300 ms)"]
    );
    assert_eq!(attrs(&root, ".lane[data-task=a] .mark", "data-mark"), ["wake"]);
    assert_eq!(attrs(&root, ".lane[data-task=b] .mark", "data-mark"), ["cancel"]);
    assert_eq!(texts(&root, "[data-metric=makespan_ms]"), ["300"]);
    assert_eq!(texts(&root, "[data-metric=max_in_flight]"), ["2"]);
    assert_eq!(texts(&root, "[data-metric=tasks_ok]"), ["1"]);
    assert_eq!(texts(&root, "[data-metric=tasks_cancelled]"), ["1"]);
    assert_eq!(texts(&root, "[data-metric=tasks_failed]"), ["0"]);
    assert_eq!(texts(&root, "[data-metric=tasks_timeout]"), ["0"]);
    assert_eq!(attrs(&root, ".lane.selected", "data-task"), ["b"]);
    assert_eq!(attrs(&root, ".track", "data-track"), ["in-flight"]);
    let legend = texts(&root, ".legend li");
    assert!(legend.iter().any(|t| t.starts_with("sleeping")), "a legend: {legend:?}");
    assert!(
        !legend.iter().any(|t| t.starts_with("permit")),
        "only what the run uses: {legend:?}"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn many_lanes_are_virtualized() {
    let rt = VirtualRuntime::new();
    let pairs = vec![
        ("tasks".to_string(), "500".to_string()),
        ("limit".to_string(), "50".to_string()),
    ];
    let started = demos::start("semaphore", rt.env(), &pairs)
        .expect("valid")
        .expect("demo");
    rt.block_on(started.work).expect("runs");
    let trace = started.runs[0].1.snapshot();
    let end = trace.makespan().expect("ends");
    let root = root();
    let props = TimelineProps {
        runs: vec![RunSnapshot {
            label: "semaphore".into(),
            trace: std::rc::Rc::new(trace),
        }],
        now: end,
        span: end,
        finished: true,
        view: View::default(),
        playhead: None,
        selected: None,
        on_action: Default::default(),
    };
    let app = yew::Renderer::<Timeline>::with_root_and_props(root.clone(), props).render();
    until("the lanes", || has(&root, ".lanes[data-lanes='501'] .lane")).await;
    assert_eq!(attrs(&root, ".lanes", "data-lanes"), ["501"]);
    let drawn = root.query_selector_all(".lane").expect("query").length();
    assert!((1..=40).contains(&drawn), "{drawn} of 501 lanes in the DOM");
    assert_eq!(texts(&root, "[data-metric=max_in_flight]"), ["50"]);
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_code_view_lights_a_line_and_offers_asyncio() {
    let root = root();
    let props = CodeViewProps {
        slug: "semaphore",
        lit: Some(11),
    };
    let app = yew::Renderer::<CodeView>::with_root_and_props(root.clone(), props).render();
    until("the lit line", || has(&root, ".line.lit")).await;
    let lit = texts(&root, ".line.lit");
    assert_eq!(lit.len(), 1);
    assert!(lit[0].contains("semaphore.acquire().await"), "{lit:?}");
    let asyncio = root.query_selector("#tab-asyncio").expect("query").expect("tab");
    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(asyncio)
        .expect("button")
        .click();
    until("the asyncio tab", || has(&root, "pre[data-lang=python]")).await;
    let python = texts(&root, "pre[data-lang=python]");
    assert!(python[0].contains("asyncio.BoundedSemaphore(3)"), "{python:?}");
    assert_eq!(texts(&root, ".differs").len(), 1);
    app.destroy();
    root.remove();
}

thread_local! {
    /// What each drawing of [`RunProbe`] got from `use_run`, and its state.
    #[allow(clippy::type_complexity)]
    static PROBED: std::cell::RefCell<Vec<(RunControls, UseReducerHandle<PageState>, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A page with `use_run` for the sequential-vs-concurrent demo and nothing
/// else: each drawing records the run's buttons, the state (a handle that
/// reads the state as it is now) and the form's query as drawn.
#[yew::component]
fn RunProbe() -> yew::Html {
    let slug = "sequential-vs-concurrent";
    let state = yew::use_reducer(move || {
        let specs = demos::specs(slug).expect("a demo");
        PageState(DemoState::new(
            Form::from_query(specs, &[]).with_rules(demos::rules(slug), demos::randomness(slug)),
        ))
    });
    let run = use_run(&state, &Subject::Demo(slug), yew::Callback::noop());
    PROBED.with(|p| p.borrow_mut().push((run, state.clone(), state.form.query())));
    yew::html! { <p>{ state.form.query().len() }</p> }
}

/// The run's buttons are the same callbacks at every drawing (so that the
/// form, whose props they are, is not drawn again at each frame of a live
/// run), and a button taken from an earlier drawing still runs the form
/// as it is now: it reads the page as last drawn, not as it was when the
/// button was made.
#[wasm_bindgen_test]
async fn the_run_buttons_stay_the_same_and_run_the_form_as_it_is_now() {
    PROBED.with(|p| p.borrow_mut().clear());
    let root = root();
    let app = yew::Renderer::<RunProbe>::with_root(root.clone()).render();
    until("the probe drawn", || PROBED.with(|p| !p.borrow().is_empty())).await;
    let (first, state, drawn) = PROBED.with(|p| p.borrow()[0].clone());
    let jobs = state
        .form
        .specs
        .iter()
        .position(|s| s.name == "jobs")
        .expect("a jobs field");
    state.dispatch(Action::Edit {
        index: jobs,
        value: "4".into(),
    });
    until("drawn again after the edit", || {
        PROBED.with(|p| p.borrow().last().is_some_and(|(_, _, q)| *q != drawn))
    })
    .await;
    let (second, _, _) = PROBED.with(|p| p.borrow().last().cloned().expect("drawn"));
    assert!(
        first.start == second.start
            && first.start_virtual == second.start_virtual
            && first.cancel == second.cancel
            && first.preset == second.preset
            && first.confirm == second.confirm,
        "the run's buttons were made again at a drawing"
    );
    // The button of the first drawing, pressed after the edit.
    first.start_virtual.emit(());
    let lanes = || {
        PROBED.with(|p| {
            let (_, state, _) = p.borrow().last().cloned().expect("drawn");
            state
                .finished()
                .map(|f| f.runs.iter().map(|r| r.trace.tasks().len()).collect::<Vec<_>>())
        })
    };
    until("the run in virtual time finished", || lanes().is_some()).await;
    assert_eq!(
        lanes(),
        Some(vec![4, 4]),
        "each run has the four jobs typed after the button was made (the default is 2)"
    );
    app.destroy();
    root.remove();
}

#[cfg(feature = "composer")]
thread_local! {
    /// What each drawing of [`ProgramProbe`] got from `use_run`, its
    /// state, its program's text (a handle, which reads the text as it is
    /// now) and the text as drawn.
    #[allow(clippy::type_complexity)]
    static PROGRAM_PROBED: std::cell::RefCell<Vec<(RunControls, UseReducerHandle<PageState>, yew::UseStateHandle<String>, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A program of the composer whose one task is named `name`.
#[cfg(feature = "composer")]
fn program(name: &str) -> String {
    format!(
        "import asyncio\n\nasync def work():\n    await asyncio.sleep(0.1)\n\nasync def main():\n    await asyncio.create_task(work(), name=\"{name}\")\n\nasyncio.run(main())\n"
    )
}

/// The composer's page reduced to `use_run` over a program's text (what
/// the editor changes), recording each drawing.
#[cfg(feature = "composer")]
#[yew::component]
fn ProgramProbe() -> yew::Html {
    let text = yew::use_state(|| program("alpha"));
    let state = yew::use_reducer(|| {
        PageState(DemoState::new(
            Form::from_query(&[], &[]).with_rules(&[], asyncscope_core::params::Randomness::Always),
        ))
    });
    let subject = Subject::Program(std::rc::Rc::from(text.as_str()));
    let run = use_run(&state, &subject, yew::Callback::noop());
    PROGRAM_PROBED.with(|p| p.borrow_mut().push((run, state.clone(), text.clone(), (*text).clone())));
    yew::html! { <p>{ text.len() }</p> }
}

/// On the composer's page the subject itself changes as the program is
/// edited: a Run button made before an edit runs the program as it is
/// now (its buttons read the subject of the last drawing, not the one
/// they were made with).
#[cfg(feature = "composer")]
#[wasm_bindgen_test]
async fn a_run_button_runs_the_program_as_it_is_now() {
    PROGRAM_PROBED.with(|p| p.borrow_mut().clear());
    let root = root();
    let app = yew::Renderer::<ProgramProbe>::with_root(root.clone()).render();
    until("the probe drawn", || PROGRAM_PROBED.with(|p| !p.borrow().is_empty())).await;
    let (first, _, text, _) = PROGRAM_PROBED.with(|p| p.borrow()[0].clone());
    text.set(program("beta"));
    until("drawn again with the edited program", || {
        PROGRAM_PROBED.with(|p| p.borrow().last().is_some_and(|(_, _, _, t)| t.contains("beta")))
    })
    .await;
    first.start_virtual.emit(());
    let names = || {
        PROGRAM_PROBED.with(|p| {
            let (_, state, _, _) = p.borrow().last().cloned().expect("drawn");
            state.finished().map(|f| {
                f.runs
                    .iter()
                    .flat_map(|r| r.trace.tasks().iter().map(|t| t.name.clone()))
                    .collect::<Vec<_>>()
            })
        })
    };
    until("the program's run finished", || names().is_some()).await;
    let names = names().unwrap_or_default();
    assert!(
        names.iter().any(|n| n == "beta") && !names.iter().any(|n| n == "alpha"),
        "the run ran the program as it was when the button was made: tasks {names:?}"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_big_trace_equal_to_the_one_analysed_is_shown_analysed() {
    // 1,000 tasks through a limit of 16: over `IN_STEPS_ABOVE` events, so
    // analysed after the first drawing, in stretches.
    let rt = VirtualRuntime::new();
    let pairs = vec![
        ("tasks".to_string(), "1000".to_string()),
        ("limit".to_string(), "16".to_string()),
        ("duration_ms".to_string(), "10".to_string()),
    ];
    let started = demos::start("semaphore", rt.env(), &pairs)
        .expect("valid")
        .expect("demo");
    rt.block_on(started.work).expect("runs");
    let trace = started.runs[0].1.snapshot();
    assert!(trace.events().len() > asyncscope_app::hooks::IN_STEPS_ABOVE);
    let end = trace.makespan().expect("ends");
    let props = |trace: Trace, selected: Option<TaskRef>| TimelineProps {
        runs: vec![RunSnapshot {
            label: "semaphore".into(),
            trace: std::rc::Rc::new(trace),
        }],
        now: end,
        span: end,
        finished: true,
        view: View::default(),
        playhead: None,
        selected,
        on_action: Default::default(),
    };
    let root = root();
    let mut app = yew::Renderer::<Timeline>::with_root_and_props(root.clone(), props(trace.clone(), None)).render();
    until("the analyses", || has(&root, ".timeline[data-analysed]")).await;
    // The same trace in a new `Rc` (as a run made again the same way
    // brings), and a lane selected, which shows that this drawing is done.
    app.update(props(
        trace,
        Some(TaskRef {
            run: 0,
            task: TaskId(20),
        }),
    ));
    until("the new drawing", || has(&root, ".lane.selected")).await;
    assert!(
        has(&root, ".timeline[data-analysed]"),
        "an equal trace in a new Rc was drawn without its analyses"
    );
    let waits = attrs(&root, ".lane .seg[data-state=permit]", "title");
    assert!(
        waits.iter().any(|t| t.contains(": waiting on semaphore")),
        "no permit wait says what it waits on: {waits:?}"
    );
    app.destroy();
    root.remove();
}
