//! Playback of a finished run: the toolbar (step, play, the playhead,
//! speed, zoom, pin, copy link, downloads), the share link and the
//! keyboard hint.

use asyncscope_core::trace::hash_hex;
use asyncscope_core::{Bilingual, Trace, export};
use asyncscope_view::state::{Action, Finished, SPEEDS, View};
use asyncscope_view::{format_ms, svg_document};
use yew::prelude::*;

use crate::browser::{self, clock, dom};
use crate::components::common::use_lang;
use crate::i18n::Lang;
use crate::subject::Subject;

/// Props of [`Playback`].
#[derive(Properties, PartialEq)]
pub(crate) struct PlaybackProps {
    /// The demo or program.
    pub subject: Subject,
    /// The form's query (for the share link).
    pub query: String,
    /// The finished runs and the playhead.
    pub finished: Finished,
    /// The replay speed, an index into [`SPEEDS`].
    pub speed: usize,
    /// The part of the axis in view (for the SVG picture).
    pub view: View,
    /// Runs are pinned for comparison.
    pub pinned: bool,
    /// A playback, view or pin action.
    pub on_action: Callback<Action>,
    /// A notice for the page (the link was copied, or here it is).
    pub on_notice: Callback<Option<Bilingual>>,
}

/// The runs with their titles in the page's language (as the exports
/// name them), and their traces.
fn titled(f: &Finished, lang: Lang) -> Vec<(String, &Trace)> {
    f.runs.iter().map(|r| (r.title(lang == Lang::Zh), &*r.trace)).collect()
}

fn traces<'a>(titled: &'a [(String, &'a Trace)]) -> Vec<(&'a str, &'a Trace)> {
    titled.iter().map(|(title, trace)| (title.as_str(), *trace)).collect()
}

/// The toolbar, the share link and the keyboard hint.
#[component]
pub(crate) fn Playback(props: &PlaybackProps) -> Html {
    let lang = use_lang();
    let f = &props.finished;
    let slug = props.subject.name().to_owned();
    let act = |action: fn() -> Action| props.on_action.reform(move |_: MouseEvent| action());
    let on_seek = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let v = dom::input_number(&e);
            if v.is_finite() {
                on_action.emit(Action::Seek(clock::ms_to_duration(v)));
            }
        })
    };
    let on_speed = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            if let Ok(i) = dom::select_value(&e).parse::<usize>() {
                on_action.emit(Action::Speed(i));
            }
        })
    };
    let share_link = format!(
        "{}{}",
        browser::location::address_without_hash(),
        props.subject.hash(&props.query)
    );
    let on_copy = {
        let (link, on_notice) = (share_link.clone(), props.on_notice.clone());
        Callback::from(move |_: MouseEvent| {
            on_notice.emit(Some(if browser::export::copy_text(&link) {
                Bilingual::new("Link copied", Lang::Zh.t("Link copied"))
            } else {
                Bilingual::same(link.clone())
            }));
        })
    };
    let on_chrome = {
        let (f, slug) = (f.clone(), slug.clone());
        Callback::from(move |_: MouseEvent| {
            let json = export::chrome_demo(&slug, &traces(&titled(&f, lang)));
            browser::export::download(&format!("asyncscope-{slug}.json"), "application/json", &json);
        })
    };
    let on_svg = {
        let (f, view) = (f.clone(), props.view);
        Callback::from(move |_: MouseEvent| {
            let svg = svg_document(&traces(&titled(&f, lang)), view);
            browser::export::download(&format!("asyncscope-{slug}.svg"), "image/svg+xml", &svg);
        })
    };
    html! {
        <>
            <div class="toolbar" role="toolbar" aria-label={lang.t("Playback")}>
                <button type="button" id="step-back" onclick={act(|| Action::Step(false))} aria-label={lang.t("Previous event")} title={lang.t("Previous event")}>{ "◀" }</button>
                <button type="button" id="play" onclick={act(|| Action::TogglePlay)} aria-label={if f.playing { lang.t("Pause") } else { lang.t("Play") }}>
                    { if f.playing { "❚❚" } else { "▶" } }
                </button>
                <button type="button" id="step-forward" onclick={act(|| Action::Step(true))} aria-label={lang.t("Next event")} title={lang.t("Next event")}>{ "▶|" }</button>
                <label class="scrub">
                    <span class="visually-hidden">{ lang.t("Playhead") }</span>
                    <input id="playhead" type="range" min="0" max={format!("{:.3}", f.end.as_secs_f64() * 1000.0)} step="any"
                           value={format!("{:.3}", f.playhead.as_secs_f64() * 1000.0)} oninput={on_seek}
                           aria-valuetext={f.runs.first().map_or_else(|| format_ms(f.playhead.as_secs_f64() * 1000.0), |r| r.trace.at_label(f.playhead, lang == Lang::Zh))} />
                </label>
                // In the run's own time units (a day and a clock time for the
                // daily schedule), the exact milliseconds kept for scripts.
                <output class="playhead-time" for="playhead">
                    { f.runs.first().map_or_else(|| format_ms(f.playhead.as_secs_f64() * 1000.0), |r| r.trace.at_label(f.playhead, lang == Lang::Zh)) }
                    <span data-metric="playhead_ms" hidden=true>{ f.playhead.as_millis() }</span>
                </output>
                <label>
                    <span class="visually-hidden">{ lang.t("Speed") }</span>
                    <select id="speed" aria-label={lang.t("Speed")} onchange={on_speed}>
                        { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == props.speed}>{ format!("{s}×") }</option>
                        }) }
                    </select>
                </label>
                <span class="sep" aria-hidden="true"></span>
                // The zoom's three buttons wrap to the next row together.
                <span class="zoom" role="group" aria-label={lang.t("Zoom")}>
                    <button type="button" id="zoom-in" onclick={act(|| Action::Zoom(0.5))} aria-label={lang.t("Zoom in")} title={lang.t("Zoom in")}>{ "+" }</button>
                    <button type="button" id="zoom-out" onclick={act(|| Action::Zoom(2.0))} aria-label={lang.t("Zoom out")} title={lang.t("Zoom out")}>{ "−" }</button>
                    <button type="button" id="zoom-reset" onclick={act(|| Action::ResetView)}>{ lang.t("Whole run") }</button>
                </span>
                <span class="sep" aria-hidden="true"></span>
                if props.pinned {
                    <button type="button" id="unpin" onclick={act(|| Action::Unpin)}>{ lang.t("Unpin") }</button>
                } else {
                    <button type="button" id="pin" onclick={act(|| Action::Pin)}>{ lang.t("Pin for comparison") }</button>
                }
                <button type="button" id="copy-link" onclick={on_copy}>{ lang.t("Copy link") }</button>
                <button type="button" id="download-trace" onclick={on_chrome}>{ lang.t("Download trace (Perfetto)") }</button>
                <button type="button" id="download-svg" onclick={on_svg}>{ lang.t("Download SVG") }</button>
            </div>
            <p class="share"><label for="share-link">{ lang.t("Copy link") }</label>
                <input id="share-link" type="text" readonly=true value={share_link} />
                <span class="trace-hash" title={lang.t("The same demo, parameters and seed give the same hash here and on the command line.")}>
                    { lang.t("Trace hash") }{ " " }<code data-metric="trace_hash">{ hash_hex(f.trace_hash) }</code>
                </span></p>
            <p class="hint keys">{ lang.t("Keyboard: space plays or pauses, ← → step through events, Shift+← → pan, + and − zoom, 0 shows the whole run.") }</p>
        </>
    }
}
