//! The Warnings panel: what the trace's exact rules found in a finished
//! run (see [`asyncscope_core::trace::Rule`]), each with its task, time
//! and line; a click moves the playhead there.

use std::rc::Rc;

use asyncscope_core::trace::Warning;
use asyncscope_view::format_ms;
use asyncscope_view::state::{Action, Finished};
use yew::prelude::*;

use crate::components::common::{rich, use_lang};
use crate::i18n::Lang;
use crate::subject::Subject;

/// Props of [`WarningsPanel`].
#[derive(Properties, PartialEq)]
pub struct WarningsPanelProps {
    /// The finished runs.
    pub finished: Finished,
    /// The run's generation (the warnings are found once per run).
    pub generation: u32,
    /// Moves the playhead.
    pub on_action: Callback<Action>,
    /// The demo or program (for lines of its shown code).
    pub subject: Subject,
}

/// One warning as the panel shows it.
#[derive(Clone, PartialEq)]
struct Row {
    rule: &'static str,
    task: String,
    at: std::time::Duration,
    line: Option<u32>,
    en: String,
    zh: String,
}

fn rows(f: &Finished, subject: &Subject) -> Vec<Row> {
    let mut out = Vec::new();
    for run in &f.runs {
        for w in run.trace.warnings() {
            let Warning {
                rule,
                task,
                at,
                site,
                message,
                message_zh,
            } = w;
            out.push(Row {
                rule: rule.as_str(),
                task: run.trace.task_name(task).to_owned(),
                at,
                line: site
                    .and_then(|s| run.trace.site(s))
                    .and_then(|s| subject.shown_line(&s.file, s.line)),
                en: message,
                zh: message_zh,
            });
        }
    }
    out
}

/// The panel; nothing when the run has no warning.
#[component]
pub fn WarningsPanel(props: &WarningsPanelProps) -> Html {
    let lang = use_lang();
    let (finished, subject) = (props.finished.clone(), props.subject.clone());
    let found: Rc<Vec<Row>> = use_memo(props.generation, move |_| rows(&finished, &subject));
    html! {
        <section class="warnings" aria-label={lang.t("Warnings")}>
            <h3>{ lang.t("Warnings") }{ " " }<span class="count" data-metric="warnings">{ found.len() }</span></h3>
            if found.is_empty() {
                <p class="hint">{ lang.t("None: nothing was left unpolled, stuck or running unjoined; no poll held the thread over 50 ms; no task was starved or busy-yielding; no lock was held across a slow await; no loop drifted; no queue only grew; nothing ran without a limit; no retry came at once or in step with others.") }</p>
            } else {
                <ul>
                    { for found.iter().map(|w| {
                        let at = w.at;
                        let onclick = props.on_action.reform(move |_: MouseEvent| Action::Seek(at));
                        html! {
                            <li data-rule={w.rule} data-task={w.task.clone()}>
                                <button type="button" class="warning-at" onclick={onclick}>{ format_ms(w.at.as_secs_f64() * 1000.0) }</button>
                                <code class="rule">{ w.rule }</code>
                                if let Some(line) = w.line {
                                    <span class="line-ref">{ match lang { Lang::Zh => format!("第 {line} 行"), Lang::En => format!("line {line}") } }</span>
                                }
                                <span class="message">{ rich(if lang == Lang::Zh { &w.zh } else { &w.en }) }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
