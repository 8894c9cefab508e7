//! The event log: every event of a finished run, filterable by task and
//! kind, with the current one selected. Clicking a row moves the playhead
//! there; moving the playhead moves the selection. Long logs show a window
//! of rows around the current one.

use std::rc::Rc;

use asyncscope_core::trace::EventKind;
use asyncscope_view::state::{
    Action, EventRef, Finished, Kind, LogFilter, RunSnapshot, TaskChoice, TaskRef, kind_menu, task_menu,
};
use yew::prelude::*;

use crate::browser::dom;
use crate::components::common::use_lang;
use crate::i18n::Lang;
use crate::subject::Subject;

/// An event in words (in `lang`), with await lines given as lines of the
/// shown code.
fn describe(subject: &Subject, trace: &asyncscope_core::Trace, index: usize, lang: Lang) -> String {
    let Some(kind) = trace.events().get(index).map(|e| &e.kind) else {
        return String::new();
    };
    if let EventKind::PollEnd {
        ready: false,
        site: Some(site),
    } = kind
        && let Some(s) = trace.site(*site)
    {
        return match subject.shown_line(&s.file, s.line) {
            Some(line) if lang == Lang::Zh => format!("轮询结束：挂起于代码第 {line} 行"),
            Some(line) => format!("poll end: pending at line {line} of the code"),
            None => format!(
                "poll end: pending at {}:{}",
                s.file.rsplit('/').next().unwrap_or(&s.file),
                s.line
            ),
        };
    }
    match lang {
        Lang::Zh => trace.describe_event_zh(index),
        Lang::En => trace.describe_event(index),
    }
}

/// Props of [`EventLog`].
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// The demo or program (for line numbers of its code).
    pub subject: Subject,
    /// The finished runs and the playhead.
    pub finished: Finished,
    /// The run's generation (the task and kind menus are computed once per run).
    pub generation: u32,
    /// The events that pass the filter, in time order.
    pub events: Rc<Vec<EventRef>>,
    /// The filter in use.
    pub filter: LogFilter,
    /// Where a new filter (`Filter`) and a chosen row (`Select`) go, as
    /// the page's actions: one callback the page makes once, so that a
    /// drawing of the page that changes none of these props leaves the log
    /// alone.
    pub on_action: Callback<Action>,
}

/// Rows drawn around the current one.
pub const WINDOW: usize = 120;

/// Above this many tasks the log's task filter is a field for a task's
/// name, not a menu: a menu of 10,000 options takes longer to make (and to
/// take down) than a frame lasts, and nobody scrolls through it.
const MENU_AT_MOST: usize = 500;

#[derive(Properties, PartialEq)]
struct TaskMenuProps {
    /// The finished runs (their traces shared, so compared cheaply).
    runs: Vec<RunSnapshot>,
    /// Their generation: the menu is made once per run.
    generation: u32,
    /// The task the filter holds.
    selected: Option<TaskRef>,
    /// A task was chosen (`None`: all). Stable across renders.
    on_change: Callback<Option<TaskRef>>,
}

/// The log's task filter: its own component, so that it is made again only
/// when its run or its selection change, not on every frame of a replay.
/// A menu of every task, or for a large run a field where a task's name
/// (as the menu would label it) is typed.
#[component]
fn TaskMenu(props: &TaskMenuProps) -> Html {
    let lang = use_lang();
    let tasks: usize = props.runs.iter().map(|r| r.trace.tasks().len()).sum();
    let large = tasks > MENU_AT_MOST;
    let menu = {
        let runs = props.runs.clone();
        use_memo(props.generation, move |_| {
            if large {
                Rc::new(Vec::new())
            } else {
                Rc::new(task_menu(&runs))
            }
        })
    };
    if large {
        let on_change = {
            let (runs, on_change) = (props.runs.clone(), props.on_change.clone());
            Callback::from(move |e: Event| {
                let v = dom::input_value(&e);
                let v = v.trim();
                // The labels are made only when a name is typed; a name
                // several tasks share picks the first of them.
                let task = (!v.is_empty())
                    .then(|| {
                        let menu = task_menu(&runs);
                        let named = |c: &&TaskChoice| c.label.split(' ').next() == Some(v);
                        menu.iter()
                            .find(|c| c.label == v)
                            .or_else(|| menu.iter().find(named))
                            .map(|c| c.task)
                    })
                    .flatten();
                on_change.emit(task);
            })
        };
        let value = props
            .selected
            .and_then(|t| props.runs.get(t.run).map(|r| r.trace.task_name(t.task).to_string()))
            .unwrap_or_default();
        return html! {
            <input id="log-task" type="search" aria-label={lang.t("task")} value={value} onchange={on_change}
                   placeholder={lang.t("All tasks: type a task's name")} data-tasks={tasks.to_string()} />
        };
    }
    let on_change = {
        let (menu, on_change) = (menu.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let v = dom::select_value(&e);
            on_change.emit(menu.iter().find(|c| c.label == v).map(|c| c.task));
        })
    };
    html! {
        <select id="log-task" aria-label={lang.t("task")} onchange={on_change}>
            <option value="" selected={props.selected.is_none()}>{ lang.t("All tasks") }</option>
            { for menu.iter().map(|c| html! {
                <option value={c.label.clone()} selected={props.selected == Some(c.task)}>{ c.label.clone() }</option>
            }) }
        </select>
    }
}

/// The log.
#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let lang = use_lang();
    let f = &props.finished;
    let events = &props.events;
    let current = f.current(events);
    let several = f.runs.len() > 1;
    let kinds = {
        let runs = f.runs.clone();
        use_memo(props.generation, move |_| kind_menu(&runs))
    };
    // The task menu's handler stays the same callback across renders (so
    // the menu is not rebuilt for nothing) and reads the latest filter.
    let latest = use_mut_ref(|| (props.on_action.clone(), props.filter.clone()));
    *latest.borrow_mut() = (props.on_action.clone(), props.filter.clone());
    let on_task = {
        let latest = latest.clone();
        use_callback((), move |task: Option<TaskRef>, ()| {
            let (on_action, filter) = latest.borrow().clone();
            on_action.emit(Action::Filter(LogFilter { task, ..filter }));
        })
    };
    // Keep the current row in view inside the log (never scrolling the page).
    let scroller = use_node_ref();
    {
        let scroller = scroller.clone();
        use_effect_with(current, move |_| {
            dom::center_in(&scroller, "tr.current");
        });
    }
    let (from, to) = match current {
        Some(c) => {
            let from = c.saturating_sub(WINDOW / 2);
            (from, (from + WINDOW).min(events.len()))
        }
        None => (0, WINDOW.min(events.len())),
    };
    let on_kind = {
        let (on_action, filter) = (props.on_action.clone(), props.filter.clone());
        Callback::from(move |e: Event| {
            let v = dom::select_value(&e);
            on_action.emit(Action::Filter(LogFilter {
                kind: Kind::from_name(&v),
                ..filter.clone()
            }));
        })
    };
    html! {
        <section class="event-log" aria-label={lang.t("Event log")}>
            <h2>{ lang.t("Event log") }</h2>
            <div class="log-filters">
                // The menu's values are labels (unique, and a task's bare name
                // where that names one task); the filter holds the task.
                <TaskMenu runs={f.runs.clone()} generation={props.generation} selected={props.filter.task} on_change={on_task} />
                <select id="log-kind" aria-label={lang.t("event")} onchange={on_kind}>
                    <option value="" selected={props.filter.kind.is_none()}>{ lang.t("All kinds") }</option>
                    { for kinds.iter().map(|k| html! {
                        <option value={k.name()} selected={props.filter.kind == Some(*k)}>{ k.label(lang == Lang::Zh) }</option>
                    }) }
                </select>
                <span class="log-count" data-metric="log_rows">{ events.len() }</span>
                <span class="log-count-unit">{ " " }{ lang.t("events") }</span>
                if events.len() > WINDOW {
                    <span class="log-window">{ match lang {
                        Lang::Zh => format!("显示第 {}–{} 行", from + 1, to),
                        Lang::En => format!("rows {}–{} shown", from + 1, to),
                    } }</span>
                }
            </div>
            if events.is_empty() {
                <p>{ lang.t("No event yet.") }</p>
            } else {
                <div class="log-scroll" ref={scroller}>
                    <table>
                        <thead><tr>
                            <th scope="col">{ lang.t("time") }</th>
                            if several { <th scope="col">{ lang.t("run") }</th> }
                            <th scope="col">{ lang.t("task") }</th>
                            <th scope="col">{ lang.t("event") }</th>
                        </tr></thead>
                        <tbody>
                            { for events[from..to].iter().enumerate().filter_map(|(i, r)| {
                                // Refs come from these very runs; a stale one is skipped, not a panic.
                                let run = f.runs.get(r.run)?;
                                let ev = run.trace.events().get(r.index)?;
                                let is_current = current == Some(from + i);
                                let onclick = {
                                    let (on_action, r) = (props.on_action.clone(), *r);
                                    Callback::from(move |_: MouseEvent| on_action.emit(Action::Select(r)))
                                };
                                Some(html! {
                                    <tr key={format!("{}:{}", r.run, r.index)} class={classes!(is_current.then_some("current"))} aria-selected={is_current.to_string()}
                                        data-event={format!("{}:{}", r.run, r.index)} data-kind={ev.kind.name()} onclick={onclick}>
                                        <td class="t"><button type="button" class="row-button">
                                            { run.trace.at_label(ev.at(), lang == Lang::Zh) }
                                        </button></td>
                                        if several { <td>{ run.title(lang == Lang::Zh) }</td> }
                                        <td class="task">{ run.trace.task_name(ev.task).to_string() }</td>
                                        if let EventKind::Log { text } = &ev.kind {
                                            // What the demo's code logs is its own text, as in the code pane.
                                            <td>{ lang.t("log:") }{ if lang == Lang::Zh { "" } else { " " } }<code class="logged">{ text.as_str() }</code></td>
                                        } else {
                                            <td>{ describe(&props.subject, &run.trace, r.index, lang) }</td>
                                        }
                                    </tr>
                                })
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
