//! Time per task: running versus waiting.

use asyncscope_view::state::Finished;
use asyncscope_view::{format_ms, task_times};
use yew::prelude::*;

use crate::components::common::use_lang;
use crate::i18n::Lang;

/// Props of [`TimesTable`].
#[derive(Properties, PartialEq)]
pub(crate) struct TimesTableProps {
    /// The finished runs.
    pub finished: Finished,
}

/// Per run, a table of each task's time running, waiting and not started,
/// made only while it is open (10,000 rows are not built for nothing).
#[component]
pub(crate) fn TimesTable(props: &TimesTableProps) -> Html {
    let lang = use_lang();
    let f = &props.finished;
    let open = use_state_eq(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |_: Event| open.set(!*open))
    };
    html! {
        <details class="times" ontoggle={ontoggle}>
            <summary>{ lang.t("Time per task") }</summary>
            { for f.runs.iter().filter(|_| *open).map(|run| {
                let rows = task_times(&run.trace, f.end);
                html! {
                    <table data-run={run.label.clone()}>
                        <caption>{ run.title(lang == Lang::Zh) }</caption>
                        <thead><tr>
                            <th scope="col">{ lang.t("task") }</th>
                            <th scope="col">{ lang.t("running") }</th>
                            <th scope="col">{ lang.t("waiting") }</th>
                            <th scope="col">{ lang.t("not started") }</th>
                        </tr></thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr data-task={r.name.clone()}>
                                    <th scope="row">{ r.name.clone() }</th>
                                    <td>{ format_ms(r.running.as_secs_f64() * 1000.0) }</td>
                                    <td>{ format_ms(r.waiting.as_secs_f64() * 1000.0) }</td>
                                    <td>{ format_ms(r.not_started.as_secs_f64() * 1000.0) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }) }
        </details>
    }
}
