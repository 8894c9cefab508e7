//! The page frame: header (language and theme), the list of demos, and the
//! routed view. The language is shared with every component as a context.

use asyncscope_core::catalog::{ENTRIES, Entry};
use asyncscope_core::demos;
use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::demo_page::DemoPage;
use crate::components::home::Home;
use crate::i18n::Lang;
use crate::prefs::{self, Theme};
use crate::route::Route;

/// The page's language, and a way to change it.
#[derive(Clone, PartialEq)]
pub struct LangCtx {
    /// The language in use.
    pub lang: Lang,
    /// Switches (and remembers) the language.
    pub set: Callback<Lang>,
}

/// The language of the page, for components under [`App`] (English
/// outside it, as in component tests).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<LangCtx>().map_or(Lang::En, |c| c.lang)
}

/// A demo's title in `lang`.
pub fn title(entry: &Entry, lang: Lang) -> &'static str {
    match (lang, demos::about(entry.slug)) {
        (Lang::Zh, Some(about)) => about.title_zh,
        _ => entry.title,
    }
}

/// A demo's one line in `lang` (in Chinese: the first sentence of its
/// explanation).
pub fn summary(entry: &Entry, lang: Lang) -> String {
    match (lang, demos::about(entry.slug)) {
        (Lang::Zh, Some(about)) => {
            let text = about.explain_zh;
            match text.find('。') {
                Some(i) => text[..i + '。'.len_utf8()].to_string(),
                None => text.to_string(),
            }
        }
        _ => entry.summary.to_string(),
    }
}

/// Prose with `code` in backticks, as HTML with `<code>` spans.
pub fn rich(text: &str) -> Html {
    html! {
        <>
            { for text.split('`').enumerate().map(|(i, part)| {
                if i % 2 == 1 { html! { <code>{ part.to_string() }</code> } } else { html! { { part.to_string() } } }
            }) }
        </>
    }
}

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
    let lang = use_state(|| {
        let lang = prefs::lang();
        prefs::set_lang(lang);
        lang
    });
    let theme = use_state(|| {
        let theme = prefs::theme();
        prefs::set_theme(theme);
        theme
    });
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener =
                web_sys::window().map(|w| EventListener::new(&w, "hashchange", move |_| route.set(current_route())));
            move || drop(listener)
        });
    }
    let ctx = LangCtx {
        lang: *lang,
        set: {
            let lang = lang.clone();
            Callback::from(move |l: Lang| {
                prefs::set_lang(l);
                lang.set(l);
            })
        },
    };
    let l = *lang;
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
                <h1>{ l.t("Page not found") }</h1>
                <p>{ l.t("There is no page at") }{ format!(" {path}.") }</p>
                <p><a href="#/">{ l.t("See every demo") }</a></p>
            </section>
        },
    };
    let on_lang = {
        let set = ctx.set.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            set.emit(Lang::from_tag(&value));
        })
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let t = Theme::parse(&e.target_unchecked_into::<HtmlSelectElement>().value());
            prefs::set_theme(t);
            theme.set(t);
        })
    };
    html! {
        <ContextProvider<LangCtx> context={ctx}>
            <div class="frame">
                <a class="skip" href="#main" onclick={Callback::from(|e: MouseEvent| {
                    e.prevent_default();
                    if let Some(main) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main")) {
                        let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
                    }
                })}>{ l.t("Skip to content") }</a>
                <header class="site-header">
                    <a class="brand" href="#/">{ "asyncscope" }</a>
                    <span class="tagline">{ l.t("Watch real Rust futures run, in your browser") }</span>
                    <span class="prefs">
                        <label>
                            <span class="visually-hidden">{ l.t("Language") }</span>
                            <select id="lang" aria-label={l.t("Language")} onchange={on_lang}>
                                <option value="en" selected={l == Lang::En}>{ "English" }</option>
                                <option value="zh" selected={l == Lang::Zh}>{ "简体中文" }</option>
                            </select>
                        </label>
                        <label>
                            <span class="visually-hidden">{ l.t("Theme") }</span>
                            <select id="theme" aria-label={l.t("Theme")} onchange={on_theme}>
                                { for Theme::ALL.iter().map(|t| html! {
                                    <option value={t.as_str()} selected={*theme == *t}>{ l.t(t.as_str()) }</option>
                                }) }
                            </select>
                        </label>
                    </span>
                </header>
                <nav class="demo-nav" aria-label={l.t("Demos")}>
                    <ol>
                        { for ENTRIES.iter().map(|e| {
                            let current = current_slug == Some(e.slug);
                            html! {
                                <li class={classes!(current.then_some("current"))}>
                                    <a href={format!("#/{}", e.slug)} aria-current={current.then_some("page")}>
                                        <span class="num">{ e.number }</span>{ title(e, l) }
                                    </a>
                                </li>
                            }
                        }) }
                    </ol>
                </nav>
                <main id="main" tabindex="-1">{ main }</main>
            </div>
        </ContextProvider<LangCtx>>
    }
}
