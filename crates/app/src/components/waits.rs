//! The Waiting-on panel: what the selected task waits on at the playhead,
//! as a chain down to a timer, a permit, a request, a queue, a lock, an
//! event or another task ([`asyncscope_core::Trace::wait_text`]), and who
//! woke it last; updated while scrubbing.

use asyncscope_core::trace::EventKind;
use asyncscope_view::state::{Finished, TaskRef};
use yew::prelude::*;

use crate::components::common::use_lang;
use crate::i18n::Lang;

/// Props of [`WaitsPanel`].
#[derive(Properties, PartialEq)]
pub struct WaitsPanelProps {
    /// The finished runs.
    pub finished: Finished,
    /// The selected task (the current event's), if any.
    pub selected: Option<TaskRef>,
}

/// What the selected task waits on at the playhead.
#[function_component(WaitsPanel)]
pub fn waits_panel(props: &WaitsPanelProps) -> Html {
    let lang = use_lang();
    let zh = lang == Lang::Zh;
    let f = &props.finished;
    let at = f.playhead;
    let line = props.selected.and_then(|sel| {
        let trace = &f.runs.get(sel.run)?.trace;
        let name = trace.task_name(sel.task).to_owned();
        let text = trace.wait_text(sel.task, at, zh).unwrap_or_else(|| {
            if zh {
                format!("{name} 此刻没有在等待（未开始、正在运行或已结束）")
            } else {
                format!("{name} is not waiting now (not started, running or ended)")
            }
        });
        // Who woke it last, before the playhead.
        let woken = trace
            .events()
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, e)| e.at() <= at && e.task == sel.task)
            .find(|(_, e)| matches!(e.kind, EventKind::Woken { .. }))
            .map(|(i, e)| {
                let what = if zh {
                    trace.describe_event_zh(i)
                } else {
                    trace.describe_event(i)
                };
                let when = trace.at_label(e.at(), zh);
                if zh {
                    format!("上次唤醒（{when}）：{what}")
                } else {
                    format!("Last wake ({when}): {what}")
                }
            });
        Some((name, text, woken))
    });
    html! {
        <section class="waits" id="waits" aria-live="polite">
            <h3>{ lang.t("Waiting on") }<span class="waits-at">{ format!(" · {}", f.runs.first().map_or_else(String::new, |r| r.trace.at_label(at, zh))) }</span></h3>
            { match line {
                Some((name, text, woken)) => html! {
                    <>
                        <p class="wait-chain" data-task={name}>{ text }</p>
                        if let Some(w) = woken { <p class="last-wake">{ w }</p> }
                    </>
                },
                None => html! { <p class="hint">{ lang.t("Click a lane or an event to see what its task waits on at the playhead.") }</p> },
            } }
        </section>
    }
}
