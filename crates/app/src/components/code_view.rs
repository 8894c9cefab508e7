//! The code view: the demo's real Rust source, highlighted, with the line
//! of the current await point lit (and scrolled into the pane's view), and
//! the same idea in Python's asyncio, with the twin of that line lit. The
//! texts come through [`use_demo_texts`]: in the demo page's build they
//! are loaded when the demo opens, and the pane says so meanwhile, or says
//! what went wrong, with a button that tries again.

use asyncscope_core::demos;
use asyncscope_view::{CodeLang, Token, highlight};
use yew::prelude::*;

use crate::browser::dom;
use crate::components::common::{rich, use_lang};
use crate::hooks::{DemoTexts, use_demo_texts};
use crate::route::Route;

/// A line's tokens as spans (plain text bare).
pub(crate) fn tokens_html(tokens: &[Token]) -> Html {
    html! {
        { for tokens.iter().map(|t| match t.kind {
            asyncscope_view::TokenKind::Plain => html! { { t.text.clone() } },
            kind => html! { <span class={format!("tok-{}", kind.as_str())}>{ t.text.clone() }</span> },
        }) }
    }
}

/// Props of [`CodeView`].
#[derive(Properties, PartialEq)]
pub struct CodeViewProps {
    /// The demo.
    pub slug: &'static str,
    /// The line of the shown Rust code to light (from 1).
    #[prop_or_default]
    pub lit: Option<u32>,
}

/// Which tab is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Rust,
    Asyncio,
}

/// Tabs for the Rust code and its asyncio twin.
#[component]
pub fn CodeView(props: &CodeViewProps) -> Html {
    let lang = use_lang();
    let tab = use_state(|| Tab::Rust);
    let (texts, retry) = use_demo_texts(props.slug);
    let ready = match &texts {
        DemoTexts::Ready(t) => Some(t.clone()),
        DemoTexts::Loading | DemoTexts::Failed(_) => None,
    };
    // The asyncio line that does what the lit Rust line does.
    let twin = props.lit.zip(ready.as_ref()).and_then(|(line, t)| t.twin_line(line));
    let rust = use_memo(ready.clone(), |t| {
        t.as_ref()
            .map_or_else(Vec::new, |t| highlight(&t.source, CodeLang::Rust))
    });
    let python = use_memo(ready.clone(), |t| {
        t.as_ref()
            .map_or_else(Vec::new, |t| highlight(&t.asyncio, CodeLang::Python))
    });
    // The lit line stays in the pane's view (the pane scrolls, never the page).
    let pane = use_node_ref();
    {
        let pane = pane.clone();
        use_effect_with((props.lit, twin, *tab == Tab::Rust, ready.is_some()), move |_| {
            dom::reveal_in(&pane, ".line.lit");
        });
    }
    {
        // A narrower window rewraps the lines: the lit one is sought again.
        let pane = pane.clone();
        use_effect_with((), move |_| {
            let listener = dom::on_resize(move || dom::reveal_in(&pane, ".line.lit"));
            move || drop(listener)
        });
    }
    let select = |t: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(t))
    };
    let onkeydown = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowLeft" | "ArrowRight" => {
                e.prevent_default();
                e.stop_propagation();
                tab.set(if *tab == Tab::Rust { Tab::Asyncio } else { Tab::Rust });
            }
            _ => {}
        })
    };
    // Trying again takes the button away: the focus goes to the open tab.
    let retry_click = {
        let open = if *tab == Tab::Rust { "tab-rust" } else { "tab-asyncio" };
        retry.reform(move |_: MouseEvent| dom::focus(open))
    };
    let tab_button = |t: Tab, id: &'static str, label: &'static str| {
        let on = *tab == t;
        html! {
            <button type="button" role="tab" id={id} aria-selected={on.to_string()} tabindex={if on { "0" } else { "-1" }}
                    aria-controls="code-panel" onclick={select(t)}>{ label }</button>
        }
    };
    html! {
        <section class="code" aria-label={lang.t("Code")}>
            <div class="tabs" role="tablist" aria-label={lang.t("Code")} onkeydown={onkeydown}>
                { tab_button(Tab::Rust, "tab-rust", "Rust") }
                { tab_button(Tab::Asyncio, "tab-asyncio", "asyncio") }
            </div>
            <div id="code-panel" role="tabpanel" aria-labelledby={if *tab == Tab::Rust { "tab-rust" } else { "tab-asyncio" }}
                 data-texts={match &texts { DemoTexts::Loading => "loading", DemoTexts::Ready(_) => "ready", DemoTexts::Failed(_) => "failed" }}>
                if let DemoTexts::Failed(why) = &texts {
                    <div class="notice texts-failed" role="alert">
                        <p>{ lang.t("The code of this demo could not be loaded") }{ lang.colon() }<code>{ why.text(lang) }</code></p>
                        <button type="button" id="texts-retry" onclick={retry_click}>{ lang.t("Try again") }</button>
                    </div>
                } else if ready.is_none() {
                    <p class="code-caption texts-loading" role="status">{ lang.t("Loading the code…") }</p>
                } else if *tab == Tab::Rust {
                    <p class="code-caption">{ lang.t("The Rust code this demo runs") }</p>
                    <pre class="source" data-lang="rust" ref={pane.clone()}><code>
                        { for rust.iter().enumerate().map(|(i, line)| {
                            let n = i as u32 + 1;
                            let lit = props.lit == Some(n);
                            html! {
                                <span class={classes!("line", lit.then_some("lit"))} data-line={n.to_string()}
                                      aria-current={lit.then_some("true")}>
                                    <span class="ln" aria-hidden="true">{ n }</span>{ tokens_html(line) }{ "\n" }
                                </span>
                            }
                        }) }
                    </code></pre>
                } else {
                    <p class="code-caption">{ lang.t("The same idea in Python's asyncio") }</p>
                    <pre class="source" data-lang="python" ref={pane.clone()}><code>
                        { for python.iter().enumerate().map(|(i, line)| {
                            let n = i as u32 + 1;
                            let lit = twin == Some(n);
                            html! {
                                <span class={classes!("line", lit.then_some("lit"))} data-line={n.to_string()}
                                      aria-current={lit.then_some("true")}>{ tokens_html(line) }{ "\n" }</span>
                            }
                        }) }
                    </code></pre>
                    <p class="differs"><strong>{ lang.t("Where Rust and asyncio differ") }{ ": " }</strong>{ rich(ready.as_ref().map_or("", |t| t.differs.as_str())) }</p>
                    if demos::twin_agrees(props.slug) {
                        <p class="twin-agrees" data-twin="agrees">{ lang.t("Run in the composer, this program gives the same makespan and the same task outcomes as the Rust demo with its defaults.") }</p>
                    }
                    <p class="to-composer">
                        <a id="open-in-composer" class="button" href={Route::twin_link(props.slug)}>
                            { "✎ " }{ lang.t("Open in the composer") }
                        </a>
                    </p>
                }
            </div>
        </section>
    }
}
