//! The page frame: header, the list of demos, and the routed view.

use asyncscope_core::catalog::ENTRIES;
use gloo_events::EventListener;
use yew::prelude::*;

use crate::components::demo_page::DemoPage;
use crate::components::home::Home;
use crate::route::Route;

fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::from_hash(&hash)
}

/// The whole app: follows `location.hash`.
#[component]
pub fn App() -> Html {
    let route = use_state(current_route);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener =
                web_sys::window().map(|w| EventListener::new(&w, "hashchange", move |_| route.set(current_route())));
            move || drop(listener)
        });
    }
    let current_slug = match &*route {
        Route::Demo { entry, .. } => Some(entry.slug),
        _ => None,
    };
    let main = match &*route {
        Route::Home => html! { <Home /> },
        Route::Demo { entry, query } => {
            // Keyed by slug: another demo gets a fresh page and state.
            html! { <DemoPage key={entry.slug} entry={*entry} query={query.clone()} /> }
        }
        Route::NotFound { path } => html! {
            <section class="not-found" data-view="not-found">
                <h1>{ "Page not found" }</h1>
                <p>{ format!("There is no page at {path}.") }</p>
                <p><a href="#/">{ "See every demo" }</a></p>
            </section>
        },
    };
    html! {
        <div class="frame">
            <header class="site-header">
                <a class="brand" href="#/">{ "asyncscope" }</a>
                <span class="tagline">{ "Watch real Rust futures run, in your browser" }</span>
            </header>
            <nav class="demo-nav" aria-label="Demos">
                <ol>
                    { for ENTRIES.iter().map(|e| {
                        let current = current_slug == Some(e.slug);
                        html! {
                            <li class={classes!(current.then_some("current"))}>
                                <a href={format!("#/{}", e.slug)} aria-current={current.then_some("page")}>
                                    <span class="num">{ e.number }</span>{ e.title }
                                </a>
                            </li>
                        }
                    }) }
                </ol>
            </nav>
            <main id="main">{ main }</main>
        </div>
    }
}
