//! The composer (`#/compose`): write a program in a subset of Python's
//! asyncio and watch it run as Rust futures, on the browser's timers or
//! the virtual clock, drawn as the demos are: the timeline, playback, the
//! program with the waiting line lit, the event log, and a share link
//! that carries the program.

use std::rc::Rc;

use asyncscope_core::Bilingual;
use asyncscope_core::params::Randomness;
use asyncscope_core::py;
use asyncscope_view::editor::{EditKey, edit};
use asyncscope_view::state::{Action, DemoState, Form};
use asyncscope_view::{CodeLang, highlight};
use yew::prelude::*;

use crate::browser::dom;
use crate::components::code_view::tokens_html;
use crate::components::common::{rich, use_lang};
use crate::components::demo_page::params::ParamsForm;
use crate::components::demo_page::stage::{
    clock_name, log_view, stage_view, state_name, status_line, use_run_on_open, use_watch,
};
use crate::hooks::{use_form_in_address, use_run};
use crate::i18n::Lang;
use crate::state::PageState;
use crate::subject::Subject;

/// Props of [`Composer`].
#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    /// The program a link carried (empty for none), or why it could not be
    /// read (in English and in Chinese).
    pub program: Result<String, Bilingual>,
    /// The link's other parameters (the seed).
    pub query: Vec<(String, String)>,
}

/// The composer's page.
#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let lang = use_lang();
    let from_link = matches!(&props.program, Ok(p) if !p.is_empty());
    let text = use_state(|| match &props.program {
        Ok(p) if !p.is_empty() => p.clone(),
        _ => py::EXAMPLES[0].source.to_owned(),
    });
    let query = props.query.clone();
    let state = use_reducer(move || {
        let form = Form::from_query(&[], &query).with_rules(&[], Randomness::Always);
        PageState(DemoState::new(form))
    });
    let notice = use_state(|| props.program.clone().err());
    let on_notice = {
        let notice = notice.clone();
        Callback::from(move |t: Option<Bilingual>| notice.set(t))
    };
    let subject = Subject::Program(Rc::from(text.as_str()));
    let error = use_memo((*text).clone(), |t| py::parse(t).err());
    let run = use_run(&state, &subject, on_notice.clone());
    use_form_in_address(&subject, state.form.query());
    let w = use_watch(&state, &subject, lang);
    // A shared link shows its run at once, in virtual time.
    let auto = use_run_on_open(&run.start_virtual, from_link);
    // The same callback at every drawing (a dispatcher needs no state).
    let on_action = {
        let dispatcher = state.dispatcher();
        use_callback((), move |a: Action, ()| dispatcher.dispatch(a))
    };
    let running = state.is_running();
    let busy = run.busy || auto;
    let fin = state.finished();
    let on_text = {
        let text = text.clone();
        Callback::from(move |t: String| text.set(t))
    };
    let on_example = {
        let text = text.clone();
        Callback::from(move |e: Event| {
            if let Some(ex) = dom::select_value(&e)
                .parse::<usize>()
                .ok()
                .and_then(|i| py::EXAMPLES.get(i))
            {
                text.set(ex.source.to_owned());
            }
        })
    };
    html! {
        <article class="demo composer" data-view="compose">
            <h1>{ lang.t("Composer") }</h1>
            <p class="lead">{ lang.t("Write asyncio code and watch it run as real Rust futures: asyncio.sleep is a browser timer, create_task a spawned future, and every task a lane. Run it on the browser's clock, or in virtual time for the exact schedule.") }</p>
            <div class="runner composing" data-state={state_name(&w, busy)} data-clock={clock_name(&state)}
                 aria-busy={busy.then_some("true")}>
                <div class="controls">
                    <div class="compose-row">
                        <Editor value={(*text).clone()} error={(*error).clone()} on_change={on_text} on_run={run.start.clone()} />
                        <div class="compose-side">
                            <label class="field">
                                <span>{ lang.t("Examples") }</span>
                                <select id="example" onchange={on_example} disabled={running || busy}>
                                    <option value="" selected=true disabled=true>{ lang.t("Open an example…") }</option>
                                    { for py::EXAMPLES.iter().enumerate().map(|(i, ex)| html! {
                                        <option value={i.to_string()}>{ if lang == Lang::Zh { ex.title_zh } else { ex.title } }</option>
                                    }) }
                                </select>
                            </label>
                            <ParamsForm form={state.form.clone()} running={running || busy} finished={fin.is_some()}
                                        on_action={on_action.clone()} on_run={run.start.clone()} on_virtual={run.start_virtual.clone()}
                                        on_cancel={run.cancel.clone()} asking={run.asking} on_confirm={run.confirm.clone()} />
                            { status_line(&state, &w, busy, run.progress, lang) }
                            if let Some(text) = &*notice {
                                <pre class="notice run-notes" data-notice="page" role="note">{ lang.pick(text) }</pre>
                            }
                            <details class="differences">
                                <summary>{ lang.t("Where the composer differs from CPython") }</summary>
                                <ul>{ for (if lang == Lang::Zh { py::DIFFERENCES_ZH } else { py::DIFFERENCES }).iter().map(|d| html! { <li>{ *d }</li> }) }</ul>
                            </details>
                        </div>
                    </div>
                </div>
                { stage_view(&state, &subject, &w, &on_action, &on_notice) }
                <div class="panes">
                    <ProgramView source={subject_text(&subject)} lit={w.lit} />
                    { log_view(&state, &subject, &w, &on_action) }
                </div>
            </div>
        </article>
    }
}

fn subject_text(subject: &Subject) -> Rc<str> {
    match subject {
        Subject::Program(s) => Rc::clone(s),
        Subject::Demo(_) => Rc::from(""),
    }
}

/// Props of [`Editor`].
#[derive(Properties, PartialEq)]
struct EditorProps {
    value: String,
    error: Option<py::ast::SyntaxError>,
    on_change: Callback<String>,
    on_run: Callback<()>,
}

/// The program's editor: line numbers, highlighting under a transparent
/// textarea, the syntax error marked at its line and column, Tab and
/// Enter that indent, Ctrl+Enter to run.
#[component]
fn Editor(props: &EditorProps) -> Html {
    let lang = use_lang();
    let lines = use_memo(props.value.clone(), |v| highlight(v, CodeLang::Python));
    let count = props.value.split('\n').count();
    let bad_line = props.error.as_ref().map(|e| e.pos.line);
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| on_change.emit(dom::textarea_state(&e).0))
    };
    let onkeydown = {
        let (on_change, on_run) = (props.on_change.clone(), props.on_run.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_run.emit(());
                return;
            }
            let key = match e.key().as_str() {
                "Tab" if e.shift_key() => EditKey::ShiftTab,
                "Tab" => EditKey::Tab,
                "Enter" if !e.alt_key() => EditKey::Enter,
                _ => return,
            };
            e.prevent_default();
            let (value, start, end) = dom::textarea_state(&e);
            let (value, a, b) = edit(&value, start, end, key);
            dom::textarea_set(&e, &value, a, b);
            on_change.emit(value);
        })
    };
    html! {
        <div class="editor-wrap">
            <div class={classes!("editor", bad_line.map(|_| "has-error"))}>
                <div class="gutter" aria-hidden="true">
                    { for (1..=count).map(|n| html! {
                        <span class={classes!("ln", (bad_line == Some(n as u32)).then_some("bad"))}>{ n }</span>
                    }) }
                </div>
                <div class="editor-body">
                    <pre class="editor-hl" aria-hidden="true"><code>
                        { for lines.iter().map(|l| html! { <span class="line">{ tokens_html(l) }{ "\n" }</span> }) }
                    </code></pre>
                    <textarea id="program" aria-label={lang.t("Program")} spellcheck="false" autocomplete="off"
                              autocapitalize="off" wrap="off" rows={count.to_string()} value={props.value.clone()}
                              oninput={oninput} onkeydown={onkeydown}
                              aria-invalid={bad_line.map(|_| "true")} aria-describedby="program-error" />
                </div>
            </div>
            if let Some(err) = &props.error {
                <div id="program-error" class="syntax-error" role="alert"
                     data-line={err.pos.line.to_string()} data-col={err.pos.col.to_string()}>
                    <p>{ match lang {
                        Lang::Zh => html! { <>{ format!("第 {} 行第 {} 列：", err.pos.line, err.pos.col) }{ code_in(&err.message_zh) }</> },
                        Lang::En => html! { <>{ format!("Line {}, column {}: ", err.pos.line, err.pos.col) }{ code_in(&err.message) }</> },
                    } }</p>
                    <pre>{ caret_lines(&props.value, err) }</pre>
                </div>
            } else {
                <p id="program-error" class="hint">{ lang.t("Tab indents, Enter keeps the indentation, Ctrl+Enter runs.") }</p>
            }
        </div>
    }
}

/// A message with its code in backticks shown as code (a message with an
/// odd number of backticks, which quotes a backtick itself, as it is).
fn code_in(message: &str) -> Html {
    if message.matches('`').count().is_multiple_of(2) {
        rich(message)
    } else {
        Html::from(message.to_string())
    }
}

/// The line of a syntax error and a caret under its column.
fn caret_lines(source: &str, err: &py::ast::SyntaxError) -> String {
    let line = source
        .lines()
        .nth(err.pos.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let pad: String = line
        .chars()
        .take(err.pos.col.saturating_sub(1) as usize)
        .map(|_| ' ')
        .collect();
    format!("{line}\n{pad}^")
}

/// Props of [`ProgramView`].
#[derive(Properties, PartialEq)]
struct ProgramViewProps {
    source: Rc<str>,
    lit: Option<u32>,
}

/// The program as it ran, highlighted, the waiting line lit.
#[component]
fn ProgramView(props: &ProgramViewProps) -> Html {
    let lang = use_lang();
    let lines = use_memo(props.source.clone(), |s| highlight(s, CodeLang::Python));
    let pane = use_node_ref();
    {
        let pane = pane.clone();
        use_effect_with(props.lit, move |_| dom::reveal_in(&pane, ".line.lit"));
    }
    html! {
        <section class="code" aria-label={lang.t("Code")}>
            <p class="code-caption">{ lang.t("The program, with the line each task waits at") }</p>
            <pre class="source" data-lang="python" ref={pane}><code>
                { for lines.iter().enumerate().map(|(i, line)| {
                    let n = i as u32 + 1;
                    let lit = props.lit == Some(n);
                    html! {
                        <span class={classes!("line", lit.then_some("lit"))} data-line={n.to_string()} aria-current={lit.then_some("true")}>
                            <span class="ln" aria-hidden="true">{ n }</span>{ tokens_html(line) }{ "\n" }
                        </span>
                    }
                }) }
            </code></pre>
        </section>
    }
}
