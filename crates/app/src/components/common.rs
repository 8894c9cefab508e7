//! What every page and the frame share, one floor below them: the language
//! context ([`LangCtx`], [`use_lang`]) and the demo texts in a language
//! ([`title`], [`summary`], [`rich`]). It imports no page and no frame, so
//! `app` can import the pages and the pages this without a circle.

use asyncscope_core::catalog::Entry;
use asyncscope_core::demos;
use yew::prelude::*;

use crate::i18n::Lang;

/// The page's language, and a way to change it.
#[derive(Clone, PartialEq)]
pub struct LangCtx {
    /// The language in use.
    pub lang: Lang,
    /// Switches (and remembers) the language.
    pub set: Callback<Lang>,
}

/// The language of the page, for components under the app's
/// [`ContextProvider`] of [`LangCtx`] (English outside it, as in component
/// tests).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<LangCtx>().map_or(Lang::En, |c| c.lang)
}

/// A demo's title in `lang`.
pub fn title(entry: &Entry, lang: Lang) -> &'static str {
    match (lang, demos::words_zh(entry.slug)) {
        (Lang::Zh, Some((title, _))) => title,
        _ => entry.title,
    }
}

/// A demo's one line in `lang` (in Chinese: the first sentence of its
/// explanation).
pub fn summary(entry: &Entry, lang: Lang) -> String {
    match (lang, demos::words_zh(entry.slug)) {
        (Lang::Zh, Some((_, text))) => match text.find('。') {
            Some(i) => text[..i + '。'.len_utf8()].to_string(),
            None => text.to_string(),
        },
        _ => entry.summary.to_string(),
    }
}

/// `text` with `&`, `<`, `>` and `"` written as HTML entities.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// [`rich`] as markup: for a part of the page written as one string (the
/// home page's cards), which the browser parses at once.
pub fn rich_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escape_html(part));
            out.push_str("</code>");
        } else {
            out.push_str(&escape_html(part));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rich_markup_codes_the_backticks_and_escapes_the_rest() {
        assert_eq!(
            rich_markup("a `Vec<u8>` & \"b\" `x`"),
            "a <code>Vec&lt;u8&gt;</code> &amp; &quot;b&quot; <code>x</code>"
        );
        assert_eq!(rich_markup("plain"), "plain");
    }
}
