//! The benchmark's baseline page: the smallest Yew 0.23 app that does what
//! every asyncscope page does at its core (render, join two timers, make a
//! request), built with the app's release profile and wasm-opt -Oz, so that
//! `cargo xtask bench` can put the app's download and start-up beside it.

use std::time::Duration;

use gloo_timers::future::sleep;
use yew::prelude::*;

/// The page: a heading at once, then what the timers and the request gave.
#[function_component(Hello)]
fn hello() -> Html {
    let said = use_state(|| "waiting for two timers".to_string());
    {
        let said = said.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                futures::join!(sleep(Duration::from_millis(10)), sleep(Duration::from_millis(20)));
                let answer = match gloo_net::http::Request::get("/api/health").send().await {
                    Ok(r) => format!("both timers fired; /api/health answered {}", r.status()),
                    Err(e) => format!("both timers fired; /api/health failed: {e}"),
                };
                said.set(answer);
            });
        });
    }
    html! {
        <main>
            <h1>{ "Hello from Yew" }</h1>
            <p id="said">{ (*said).clone() }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<Hello>::new().render();
}
