//! Home: every demo of the catalog as a card with a small picture of its
//! default run, and a filter. The pictures come after the page's first
//! paint: in a build with the demos, drawn from their runs in virtual time
//! (a few demos a task); in the home page's build, which has no demo, read
//! from `pictures.txt`, which the release build makes natively
//! (`asyncscope pictures`).

use std::fmt::Write as _;
use std::rc::Rc;

use asyncscope_core::catalog::{ENTRIES, Entry};
use asyncscope_core::demos;
use yew::prelude::*;

use crate::browser::{self, clock, dom};
use crate::components::common::{escape_html, rich_markup, summary, title, use_lang};
use crate::i18n::Lang;
use crate::route::Route;

/// How many demos' pictures are made in one task after the first paint.
#[cfg(feature = "demos")]
const PICTURES_PER_TASK: usize = 4;

/// The prebuilt pictures, beside the page.
#[cfg(not(feature = "demos"))]
const PICTURES_FILE: &str = "pictures.txt";

/// Makes the cards' pictures, in [`ENTRIES`]' order, handing each batch
/// to `show` as it is made.
#[cfg(feature = "demos")]
async fn make_pictures(show: impl Fn(Vec<Option<String>>)) {
    let mut made = Vec::with_capacity(ENTRIES.len());
    for slice in ENTRIES.chunks(PICTURES_PER_TASK) {
        clock::next_frame().await;
        made.extend(
            slice
                .iter()
                .map(|e| demos::default_trace(e.slug).map(|t| asyncscope_view::mini_svg(&t))),
        );
        show(made.clone());
    }
}

/// Reads the cards' pictures from [`PICTURES_FILE`]; a card whose picture
/// is missing keeps its placeholder.
#[cfg(not(feature = "demos"))]
async fn make_pictures(show: impl Fn(Vec<Option<String>>)) {
    clock::next_frame().await;
    let Ok(text) = browser::net::fetch_text(PICTURES_FILE).await else {
        return;
    };
    let found = asyncscope_view::parse_pictures(&text);
    show(
        ENTRIES
            .iter()
            .map(|e| {
                found
                    .iter()
                    .find(|(slug, _)| *slug == e.slug)
                    .map(|(_, svg)| (*svg).to_string())
            })
            .collect(),
    );
}

/// A card's picture before it is made.
const PENDING: &str = r#"<svg class="mini pending" aria-hidden="true"></svg>"#;

/// The list of cards, `shown` (by their index in [`ENTRIES`]) with their
/// pictures, as one piece of markup: the browser parses it at once, where
/// building its few hundred elements one by one from wasm would delay the
/// page's first drawing.
fn cards_markup(shown: &[(usize, &Entry)], pictures: &[Option<String>], lang: Lang) -> String {
    let mut out = String::from(r#"<ul class="cards">"#);
    for (i, e) in shown {
        let picture = pictures.get(*i).and_then(Option::as_deref).unwrap_or(PENDING);
        let _ = write!(
            out,
            r#"<li class="card" data-slug="{slug}"><a href="{href}"><span class="card-num">{num:02}</span><h2>{title}</h2><p>{summary}</p>{picture}</a></li>"#,
            slug = escape_html(e.slug),
            href = escape_html(&Route::demo_link(e.slug)),
            num = e.number,
            title = escape_html(title(e, lang)),
            summary = rich_markup(&summary(e, lang)),
        );
    }
    out.push_str("</ul>");
    out
}

fn matches(entry: &Entry, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let (title_zh, explain_zh) = demos::words_zh(entry.slug).unwrap_or_default();
    let hay = [entry.slug, entry.title, entry.summary, title_zh, explain_zh];
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
    let pictures = use_state(|| Rc::new(Vec::<Option<String>>::new()));
    {
        let pictures = pictures.clone();
        use_effect_with((), move |_| {
            browser::spawn(make_pictures(move |made| pictures.set(Rc::new(made))));
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
    let clear = {
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| {
            filter.set(String::new());
            dom::focus("filter");
        })
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
            { Html::from_html_unchecked(AttrValue::from(cards_markup(&shown, &pictures, lang))) }
            if shown.is_empty() {
                // A filter that matches nothing says so, with the way back.
                <p class="no-match">
                    { match lang {
                        Lang::Zh => format!("没有与“{}”相符的示例。", filter.trim()),
                        Lang::En => format!("No demo matches “{}”.", filter.trim()),
                    } }
                    { " " }
                    <button type="button" id="filter-clear" onclick={clear}>{ lang.t("Show every demo") }</button>
                </p>
            }
        </section>
    }
}
