//! Home: every demo of the catalog as a card with a small picture of its
//! default run (run in virtual time after the page's first paint, a few
//! demos a task), and a filter.

use std::rc::Rc;

use asyncscope_core::catalog::{ENTRIES, Entry};
use asyncscope_core::trace::{SegmentState, Trace};
use asyncscope_core::{DynEnv, VirtualRuntime, demos};
use asyncscope_view::{Scale, lanes};
use yew::prelude::*;

use crate::browser::{self, clock, dom};
use crate::components::common::{rich, summary, title, use_lang};

/// How many demos' pictures are made in one task after the first paint.
const PICTURES_PER_TASK: usize = 4;

/// The default run of `slug` in virtual time (its first run, if several).
pub fn default_trace(slug: &str) -> Option<Trace> {
    let rt = VirtualRuntime::new();
    let started = demos::start(slug, DynEnv::new(rt.env()), &[]).ok()??;
    rt.block_on(started.work).ok()?;
    started.runs.last().map(|(_, t)| t.snapshot())
}

/// A small picture of a trace: at most 8 lanes, each a bar per state.
fn mini(trace: &Trace) -> Html {
    let end = trace.makespan().unwrap_or_default();
    let scale = Scale::whole(end.max(std::time::Duration::from_millis(1)));
    let lanes = lanes(trace, end, &scale);
    let shown = lanes.len().min(8);
    let h = shown as f64 * 6.0;
    html! {
        <svg class="mini" viewBox={format!("0 0 100 {h}")} preserveAspectRatio="none" aria-hidden="true" role="img">
            { for lanes.iter().take(shown).enumerate().map(|(i, lane)| html! {
                <g>
                    { for lane.segments.iter().filter(|s| s.state != SegmentState::Polled && s.width > 0.0).map(|s| html! {
                        <rect class={format!("seg-{}", s.state.as_str())} x={format!("{:.2}", s.left)} y={format!("{:.1}", i as f64 * 6.0 + 1.0)}
                              width={format!("{:.2}", s.width)} height="4" />
                    }) }
                </g>
            }) }
        </svg>
    }
}

fn matches(entry: &Entry, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let about = demos::about(entry.slug);
    let hay = [
        entry.slug,
        entry.title,
        entry.summary,
        about.map_or("", |a| a.title_zh),
        about.map_or("", |a| a.explain_zh),
    ];
    hay.iter().any(|h| h.to_lowercase().contains(needle))
}

/// The list of demos.
#[component]
pub fn Home() -> Html {
    let lang = use_lang();
    let filter = use_state(String::new);
    // The cards come first; their pictures after the first paint, a few
    // at a time, each slice a task of its own (so the page is drawn and
    // answers at once, and no task is long).
    let pictures = use_state(|| Rc::new(Vec::<Html>::new()));
    {
        let pictures = pictures.clone();
        use_effect_with((), move |_| {
            browser::spawn(async move {
                let mut made = Vec::with_capacity(ENTRIES.len());
                for slice in ENTRIES.chunks(PICTURES_PER_TASK) {
                    clock::next_frame().await;
                    made.extend(
                        slice
                            .iter()
                            .map(|e| default_trace(e.slug).map(|t| mini(&t)).unwrap_or_default()),
                    );
                    pictures.set(Rc::new(made.clone()));
                }
            });
        });
    }
    let needle = filter.trim().to_lowercase();
    let shown: Vec<(usize, &Entry)> = ENTRIES
        .iter()
        .enumerate()
        .filter(|(_, e)| matches(e, &needle))
        .collect();
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| filter.set(dom::input_value(&e)))
    };
    html! {
        <section class="home" data-view="home">
            <h1>{ lang.t("Async Rust, drawn as it runs") }</h1>
            <p class="lead">
                { lang.t("Each demo is real Rust async code running on this page's event loop. Press Run and watch every task's lane: when it is polled, when it sleeps, when it ends.") }
            </p>
            <p class="compose-invite">
                <a id="home-compose" href={crate::components::app::composer_link("#/compose")}>{ "✎ " }{ lang.t("Write your own") }</a>
                { " — " }{ lang.t("paste asyncio code and watch it run as real Rust futures.") }
            </p>
            <p class="filter">
                <label for="filter">{ lang.t("Filter the demos") }</label>
                <input id="filter" type="search" value={(*filter).clone()} oninput={oninput} placeholder="semaphore, retry, timeout…" />
                <span class="count" aria-live="polite"><span data-metric="cards_shown">{ shown.len() }</span>{ format!(" / {} ", ENTRIES.len()) }{ lang.t("demos shown") }</span>
            </p>
            <ul class="cards">
                { for shown.iter().map(|(i, e)| html! {
                    <li class="card" data-slug={e.slug}>
                        <a href={format!("#/{}", e.slug)}>
                            <span class="card-num">{ format!("{:02}", e.number) }</span>
                            <h2>{ title(e, lang) }</h2>
                            <p>{ rich(&summary(e, lang)) }</p>
                            { pictures.get(*i).cloned().unwrap_or_else(|| html! {
                                <svg class="mini pending" aria-hidden="true"></svg>
                            }) }
                        </a>
                    </li>
                }) }
            </ul>
        </section>
    }
}
