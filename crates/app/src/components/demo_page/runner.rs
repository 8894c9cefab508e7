//! The demo page's state and its parts: the form and the status on the
//! left, the playback toolbar, the timeline and the time per task in the
//! middle, the code and the event log on the right. What happens over time
//! is in the hooks ([`crate::hooks`]); what is drawn, in the parts.

use asyncscope_core::Bilingual;
use asyncscope_core::catalog::Entry;
use asyncscope_core::demos;
use asyncscope_core::params::ParamSpec;
use asyncscope_view::state::{Action, DemoState, Form};
use yew::prelude::*;

use super::params::{ParamsForm, Presets};
use super::stage::{clock_name, log_view, stage_view, state_name, status_line, use_run_on_open, use_watch};
use crate::components::code_view::CodeView;
use crate::components::common::use_lang;
use crate::hooks::{Lab, use_form_in_address, use_lab_health, use_run};
use crate::state::PageState;
use crate::subject::Subject;

/// Props of [`Runner`].
#[derive(Properties, PartialEq)]
pub(super) struct RunnerProps {
    /// The catalog entry.
    pub entry: &'static Entry,
    /// Its parameters.
    pub specs: &'static [ParamSpec],
    /// The parameters from the URL.
    pub query: Vec<(String, String)>,
}

/// The demo's runs: one per address (the page keys it by the address).
#[component]
pub(super) fn Runner(props: &RunnerProps) -> Html {
    let lang = use_lang();
    let specs = props.specs;
    let slug = props.entry.slug;
    let query = props.query.clone();
    let from_link = !query.is_empty();
    let explicit_network = query.iter().any(|(k, _)| k == "network");
    let state = use_reducer(move || {
        let form = Form::from_query(specs, &query).with_rules(demos::rules(slug), demos::randomness(slug));
        PageState(DemoState::new(form))
    });
    let notice = use_state(|| None::<Bilingual>);
    let on_notice = {
        let notice = notice.clone();
        Callback::from(move |text: Option<Bilingual>| notice.set(text))
    };
    // For demos that send requests: without a lab server the page says so
    // once and uses the simulated lab.
    let lab = use_lab_health(specs, explicit_network, &state);
    let subject = Subject::Demo(slug);
    let run = use_run(&state, &subject, on_notice.clone());
    use_form_in_address(&subject, state.form.query());
    let w = use_watch(&state, &subject, lang);
    // A link that carries parameters or a seed is a picture to show: it
    // runs in virtual time as the page opens (until then the page says it
    // is running, never idle).
    let auto = use_run_on_open(&run.start_virtual, from_link && state.form.is_valid());
    // The same callback at every drawing (a dispatcher needs no state).
    let on_action = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action: Action, ()| dispatcher.dispatch(action))
    };
    let running = state.is_running();
    let fin = state.finished();
    let busy = run.busy || auto;

    html! {
        <div class="runner" data-state={state_name(&w, busy)} data-clock={clock_name(&state)}
             aria-busy={busy.then_some("true")}>
          <div class="controls">
            <ParamsForm form={state.form.clone()} running={running || busy} finished={fin.is_some()}
                        on_action={on_action.clone()} on_run={run.start} on_virtual={run.start_virtual} on_cancel={run.cancel}
                        asking={run.asking} on_confirm={run.confirm} />
            if lab == Lab::Unreachable && demos::sends_requests(slug, &state.form.pairs()) {
                <p class="notice" data-notice="no-lab" role="note">
                    <strong>{ lang.t("No lab server answers here.") }</strong>
                    { " " }{ lang.t("Requests go to the simulated lab instead: the same API, with its delays on this page's real clock. To send real requests, serve the page with") }{ " " }
                    <code>{ "cargo xtask serve" }</code>{ " " }{ lang.t("and choose the real network.") }
                </p>
            }
            { status_line(&state, &w, busy, run.progress, lang) }
            if let Some(text) = &*notice {
                <p class="notice" data-notice="page" role="note">{ lang.pick(text) }</p>
            }
          </div>
          { stage_view(&state, &subject, &w, &on_action, &on_notice) }
          // After the lanes where the page is one column (a phone: the
          // status line then sits right above the lanes a run brings into
          // view), under the controls where they have a column.
          <Presets presets={demos::presets(slug)} running={running || busy} on_preset={run.preset} />
          <div class="panes">
            <CodeView slug={slug} lit={w.lit} />
            { log_view(&state, &subject, &w, &on_action) }
          </div>
        </div>
    }
}
