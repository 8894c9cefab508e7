//! A demo's page: its explanation, the parameter form, Run (real browser
//! time), Run in virtual time, Cancel and Replay; the timeline with its
//! playhead; the code view; the event log; and sharing and export.
//!
//! [`DemoPage`] is the article; `runner` holds the page's state and hooks
//! ([`crate::hooks`]) and lays out the parts: `params` (the form and its
//! buttons), `playback` (the toolbar, the share link), `times` (time per
//! task), with `status` and `stage` saying what the run's state shows.

pub(crate) mod params;
pub(crate) mod playback;
mod runner;
pub(crate) mod stage;
pub(crate) mod status;
pub(crate) mod times;

use asyncscope_core::catalog::Entry;
use asyncscope_core::demos;
use yew::prelude::*;

use crate::components::common::{rich, title, use_lang};
use crate::i18n::Lang;
use crate::route::Route;
use runner::Runner;

/// Props of [`DemoPage`].
#[derive(Properties, PartialEq)]
pub struct DemoPageProps {
    /// The catalog entry.
    pub entry: &'static Entry,
    /// The parameters from the URL.
    pub query: Vec<(String, String)>,
}

/// The page of one demo.
#[component]
pub fn DemoPage(props: &DemoPageProps) -> Html {
    let lang = use_lang();
    let entry = props.entry;
    let body = match demos::specs(entry.slug) {
        Some(specs) => {
            // A new address (another link, say) is a new form: keyed by it.
            let key = Route::demo_hash(entry.slug, &asyncscope_core::params::to_query(&props.query));
            html! { <Runner key={key} entry={entry} specs={specs} query={props.query.clone()} /> }
        }
        // Every catalog entry is a demo (a core test says so); this is the
        // page's last line of defence, not a state users reach.
        None => html! {
            <p class="planned-note" data-view="missing">{ "This demo cannot be shown." }</p>
        },
    };
    let explain = match lang {
        Lang::Zh => demos::words_zh(entry.slug).map(|(_, explain)| explain),
        Lang::En => demos::explain_en(entry.slug),
    }
    .unwrap_or(entry.summary);
    html! {
        <article class="demo" data-view="demo" data-slug={entry.slug}>
            <h1><span class="num">{ format!("{:02}", entry.number) }</span>{ title(entry, lang) }</h1>
            <p class="lead">{ rich(explain) }</p>
            { body }
        </article>
    }
}
