//! Home: every demo of the catalog as a card.

use asyncscope_core::catalog::ENTRIES;
use yew::prelude::*;

/// The list of demos.
#[component]
pub fn Home() -> Html {
    html! {
        <section class="home" data-view="home">
            <h1>{ "Async Rust, drawn as it runs" }</h1>
            <p class="lead">
                { "Each demo is real Rust async code running on this page's event loop. \
                   Press Run and watch every task's lane: when it is polled, when it sleeps, when it ends." }
            </p>
            <ul class="cards">
                { for ENTRIES.iter().map(|e| html! {
                    <li class="card" data-slug={e.slug}>
                        <a href={format!("#/{}", e.slug)}>
                            <span class="card-num">{ format!("{:02}", e.number) }</span>
                            <h2>{ e.title }</h2>
                            <p>{ e.summary }</p>
                        </a>
                    </li>
                }) }
            </ul>
        </section>
    }
}
