//! The page frame: header (language and theme), the list of demos, and the
//! routed view. The language is shared with every component as a context
//! ([`LangCtx`], from [`crate::components::common`]).

use asyncscope_core::catalog::ENTRIES;
use yew::prelude::*;

use crate::browser::{dom, location};
use crate::components::common::{LangCtx, escape_html, title};
#[cfg(feature = "composer")]
use crate::components::composer::Composer;
#[cfg(feature = "demos")]
use crate::components::demo_page::DemoPage;
use crate::components::home::Home;
use crate::i18n::Lang;
use crate::prefs::{self, Theme};
use crate::route::Route;

/// The link to the composer at `hash`: in this page with the composer, on
/// the composer's page without.
pub(crate) fn composer_link(hash: &str) -> String {
    if cfg!(feature = "composer") {
        hash.to_string()
    } else {
        format!("{}{hash}", crate::route::COMPOSER_PAGE)
    }
}

/// Props of [`ToPage`].
#[cfg(not(feature = "composer"))]
#[derive(Properties, PartialEq)]
struct ToPageProps {
    /// Where to: the other page, with the hash.
    to: String,
    /// What the visitor reads meanwhile (English, translated).
    what: &'static str,
}

/// An address of a page this build goes without (the composer, or a
/// demo): the page goes on to the build that has it, the hash (program,
/// seed, parameters) kept, without a history entry.
#[cfg(not(feature = "composer"))]
#[component]
fn ToPage(props: &ToPageProps) -> Html {
    let l = crate::components::common::use_lang();
    use_effect_with(props.to.clone(), |to| location::go(to));
    html! {
        <section class="not-found" data-view="to-page">
            <p>{ l.t(props.what) }</p>
        </section>
    }
}

/// The list of demos in the side bar, the current one marked, as one
/// piece of markup (parsed by the browser at once, like the home page's
/// cards).
fn nav_markup(current: Option<&str>, lang: Lang) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("<ol>");
    for e in ENTRIES {
        let (class, aria) = if current == Some(e.slug) {
            (r#" class="current""#, r#" aria-current="page""#)
        } else {
            ("", "")
        };
        let _ = write!(
            out,
            r#"<li{class}><a href="{href}"{aria}><span class="num">{num}</span>{title}</a></li>"#,
            href = escape_html(&Route::demo_link(e.slug)),
            num = e.number,
            title = escape_html(title(e, lang)),
        );
    }
    out.push_str("</ol>");
    out
}

fn current_route() -> Route {
    Route::from_hash(&location::hash())
}

/// The document's title for `route` in `lang`: what the page shows, then
/// the product's name (the list of demos: the product's line).
pub(crate) fn page_title(route: &Route, lang: Lang) -> String {
    let what = match route {
        Route::Home => return lang.t("asyncscope: watch Rust futures run").to_string(),
        Route::Demo { entry, .. } => title(entry, lang),
        Route::Compose { .. } => lang.t("Composer"),
        Route::NotFound { .. } => lang.t("Page not found"),
    };
    format!("{what} · asyncscope")
}

/// The whole app: follows `location.hash`.
#[component]
pub fn App() -> Html {
    let route = use_state(current_route);
    let lang = use_state(|| {
        let lang = prefs::lang();
        prefs::apply_lang(lang);
        lang
    });
    let theme = use_state(|| {
        let theme = prefs::theme();
        prefs::apply_theme(theme);
        theme
    });
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = location::on_hash_change(move || route.set(current_route()));
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
    use_effect_with(page_title(&route, l), |title| dom::set_title(title));
    let current_slug = match &*route {
        Route::Demo { entry, .. } => Some(entry.slug),
        _ => None,
    };
    let main = match &*route {
        Route::Home => html! { <Home /> },
        #[cfg(feature = "demos")]
        Route::Demo { entry, query } => {
            // Keyed by slug: another demo gets a fresh page and state.
            html! { <DemoPage key={entry.slug} entry={*entry} query={query.clone()} /> }
        }
        #[cfg(not(feature = "demos"))]
        Route::Demo { .. } => html! {
            <ToPage to={format!("{}{}", crate::route::DEMO_PAGE, location::hash())} what="Opening the demo…" />
        },
        #[cfg(feature = "composer")]
        Route::Compose { program, query } => html! {
            <Composer program={program.clone()} query={query.clone()} />
        },
        #[cfg(not(feature = "composer"))]
        Route::Compose { hash } => html! {
            <ToPage to={format!("{}{hash}", crate::route::COMPOSER_PAGE)} what="Opening the composer…" />
        },
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
            set.emit(Lang::from_tag(&dom::select_value(&e)));
        })
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let t = Theme::parse(&dom::select_value(&e));
            prefs::set_theme(t);
            theme.set(t);
        })
    };
    html! {
        <ContextProvider<LangCtx> context={ctx}>
            <div class="frame">
                <a class="skip" href="#main" onclick={Callback::from(|e: MouseEvent| {
                    e.prevent_default();
                    dom::focus("main");
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
                    <p class={classes!("compose-link", matches!(&*route, Route::Compose { .. }).then_some("current"))}>
                        <a href={composer_link("#/compose")}>{ "✎ " }{ l.t("Write your own") }</a>
                    </p>
                    { Html::from_html_unchecked(AttrValue::from(nav_markup(current_slug, l))) }
                </nav>
                <main id="main" tabindex="-1">{ main }</main>
            </div>
        </ContextProvider<LangCtx>>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_is_titled_with_what_it_shows_in_the_pages_language() {
        let countdown = Route::from_hash("#/countdown?counts=3");
        assert_eq!(page_title(&countdown, Lang::En), "Countdown timers · asyncscope");
        let zh = page_title(&countdown, Lang::Zh);
        assert!(zh.ends_with(" · asyncscope") && !zh.contains("Countdown"), "{zh}");
        assert_eq!(page_title(&Route::Home, Lang::En), "asyncscope: watch Rust futures run");
        assert_eq!(
            page_title(&Route::Home, Lang::Zh),
            "asyncscope：观看真实的 Rust future 运行"
        );
        let missing = Route::from_hash("#/nope");
        assert_eq!(page_title(&missing, Lang::Zh), "页面不存在 · asyncscope");
        let composer = Route::from_hash("#/compose");
        assert_eq!(page_title(&composer, Lang::En), "Composer · asyncscope");
        assert_eq!(page_title(&composer, Lang::Zh), "编写器 · asyncscope");
    }
}
