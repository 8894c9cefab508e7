//! The parameter form: a field per parameter that applies, the seed where
//! something is random, notes on URL parameters the demo does not take,
//! the Run, Run in virtual time, Cancel and Replay buttons and the question
//! a long real run asks first; and apart, the demo's presets ("Try
//! this"), which the runner places after the lanes or in the controls'
//! column, so that the status line stays right under the buttons.

use std::time::Duration;

use asyncscope_core::params::{ParamKind, ParamSpec, Preset};
use asyncscope_view::state::{Action, Form, in_words};
use yew::prelude::*;

use crate::browser::dom;
use crate::components::common::use_lang;
use crate::i18n::Lang;

/// Props of [`ParamsForm`].
#[derive(Properties, PartialEq)]
pub(crate) struct ParamsFormProps {
    /// The form as typed.
    pub form: Form,
    /// A run is going (Run and Run in virtual time are off, Cancel on).
    pub running: bool,
    /// A finished run is on the page (Replay is on).
    pub finished: bool,
    /// An edit of a field or of the seed, or Replay.
    pub on_action: Callback<Action>,
    /// Run (the form was submitted).
    pub on_run: Callback<()>,
    /// Run in virtual time.
    pub on_virtual: Callback<()>,
    /// Cancel.
    pub on_cancel: Callback<()>,
    /// Run asked first: the real run would take this long.
    pub asking: Option<Duration>,
    /// Run for real after all.
    pub on_confirm: Callback<()>,
}

/// The form and its buttons.
#[component]
pub(crate) fn ParamsForm(props: &ParamsFormProps) -> Html {
    let lang = use_lang();
    let form = &props.form;
    let on_submit = {
        let on_run = props.on_run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_run.emit(());
        })
    };
    let on_seed = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: InputEvent| on_action.emit(Action::EditSeed(dom::input_value(&e))))
    };
    let on_virtual = props.on_virtual.reform(|_: MouseEvent| ());
    let on_confirm = props.on_confirm.reform(|_: MouseEvent| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let on_replay = props.on_action.reform(|_: MouseEvent| Action::Replay);
    let seed_error = form.seed().err();
    let valid = form.is_valid();
    let running = props.running;
    html! {
        <form class="params" onsubmit={on_submit} novalidate=true>
            { for form.specs.iter().enumerate().filter(|(i, _)| form.shows(*i)).map(|(i, spec)| field(form, i, spec, lang, &props.on_action)) }
            if form.shows_seed() {
                <div class={classes!("field", "seed", seed_error.is_some().then_some("invalid"))}>
                    <label for="param-seed">{ lang.t("Seed") }<span class="range">{ "0 – 18446744073709551615" }</span></label>
                    <input id="param-seed" name="seed" type="text" inputmode="numeric" value={form.seed.clone()}
                           aria-invalid={seed_error.is_some().then_some("true")} aria-describedby="param-seed-error" oninput={on_seed} />
                    <p class="error" id="param-seed-error" aria-live="polite">{ seed_error.as_ref().map(|e| lang.pick(e).to_string()).unwrap_or_default() }</p>
                </div>
            }
            { for form.unknown.iter().map(|m| html! { <p class="note">{ lang.pick(m).to_string() }</p> }) }
            <div class="buttons">
                <button type="submit" id="run" class="primary" disabled={running || !valid}>{ lang.t("Run") }</button>
                <button type="button" id="run-virtual" onclick={on_virtual.clone()} disabled={running || !valid}>{ lang.t("Run in virtual time") }</button>
                <button type="button" id="cancel" onclick={on_cancel} disabled={!running}>{ lang.t("Cancel") }</button>
                <button type="button" id="replay" onclick={on_replay} disabled={!props.finished}>{ lang.t("Replay") }</button>
            </div>
            if let Some(estimate) = props.asking {
                <div class="notice long-run" data-notice="long-run" role="alert">
                    <p>{ long_run(lang, estimate) }</p>
                    <button type="button" id="confirm-real" onclick={on_confirm}>{ run_for_real(lang, estimate) }</button>
                    <button type="button" id="confirm-virtual" class="primary" onclick={on_virtual}>{ lang.t("Run in virtual time") }</button>
                </div>
            }
        </form>
    }
}

/// What a long real run says before it starts.
fn long_run(lang: Lang, estimate: Duration) -> String {
    let words = in_words(estimate);
    match lang {
        Lang::En => format!(
            "A real run of these parameters takes {words}: its timers wait on the real clock. In virtual time it is drawn at once."
        ),
        Lang::Zh => format!("按这些参数真实运行需要 {words}：定时器按真实时钟等待。用虚拟时间运行则立刻画出。"),
    }
}

/// The button that runs it for real anyway.
fn run_for_real(lang: Lang, estimate: Duration) -> String {
    let words = in_words(estimate);
    match lang {
        Lang::En => format!("Run for real (takes {words})"),
        Lang::Zh => format!("真实运行（需要 {words}）"),
    }
}

/// Props of [`Presets`].
#[derive(Properties, PartialEq)]
pub(crate) struct PresetsProps {
    /// The demo's presets.
    pub presets: &'static [Preset],
    /// A run is going (the presets are off).
    pub running: bool,
    /// A preset was chosen: its parameters.
    pub on_preset: Callback<Vec<(String, String)>>,
}

/// "Try this": a button per preset, with what it shows; a click fills the
/// form (and the address) and runs it in virtual time. A component of its
/// own: drawn again only when a run starts or ends, not at each drawing of
/// the status line above it.
#[component]
pub(crate) fn Presets(props: &PresetsProps) -> Html {
    let lang = use_lang();
    let (presets, running, on_preset) = (props.presets, props.running, &props.on_preset);
    if presets.is_empty() {
        return Html::default();
    }
    html! {
        <section class="presets" aria-label={lang.t("Try this")}>
            <h3>{ lang.t("Try this") }</h3>
            <ul>
                { for presets.iter().enumerate().map(|(i, preset)| {
                    let onclick = on_preset.reform(move |_: MouseEvent| preset.owned_pairs());
                    let (name, why) = match lang {
                        Lang::En => (preset.name_en, preset.why_en),
                        Lang::Zh => (preset.name_zh, preset.why_zh),
                    };
                    html! {
                        <li>
                            <button type="button" class="preset" data-preset={i.to_string()} onclick={onclick} disabled={running}>{ name }</button>
                            <span class="why">{ why }</span>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// The field of parameter `index`: its label with the allowed values, a
/// text box or a menu, and its error.
fn field(form: &Form, index: usize, spec: &ParamSpec, lang: Lang, on_action: &Callback<Action>) -> Html {
    let id = format!("param-{}", spec.name);
    let error_id = format!("{id}-error");
    let value = form.values.get(index).cloned().unwrap_or_default();
    let error = form.field_error(index);
    let edit = on_action.reform(move |value: String| Action::Edit { index, value });
    let text_input = |placeholder: String| {
        let edit = edit.clone();
        let oninput = Callback::from(move |e: InputEvent| edit.emit(dom::input_value(&e)));
        let numeric = matches!(spec.kind, ParamKind::Int { .. }).then_some("numeric");
        html! {
            <input id={id.clone()} name={spec.name} type="text" inputmode={numeric} value={value.clone()}
                   aria-invalid={error.is_some().then_some("true")} aria-describedby={error_id.clone()}
                   placeholder={placeholder} oninput={oninput} />
        }
    };
    let control = match spec.kind {
        ParamKind::Int { min, max } => text_input(format!("{min}–{max}")),
        ParamKind::IntList { .. } | ParamKind::ChoiceList { .. } | ParamKind::TimeOfDay => {
            text_input(spec.default.to_string())
        }
        ParamKind::Choice(choices) => {
            let onchange = Callback::from(move |e: Event| edit.emit(dom::select_value(&e)));
            html! {
                <select id={id.clone()} name={spec.name} onchange={onchange}>
                    { for choices.iter().map(|c| html! { <option value={*c} selected={*c == value}>{ *c }</option> }) }
                </select>
            }
        }
    };
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={id}>{ lang.t(spec.label) }<span class="range">{ if lang == Lang::Zh { spec.allowed_zh() } else { spec.allowed() } }</span></label>
            { control }
            <p class="error" id={error_id} aria-live="polite">{ error.as_ref().map(|e| lang.pick(e).to_string()).unwrap_or_default() }</p>
        </div>
    }
}
