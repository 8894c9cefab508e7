//! Preferences kept in `localStorage` (through [`crate::browser::storage`]):
//! the language and the theme. Reading or writing fails quietly (private
//! windows may refuse storage); the page then uses the browser's language
//! and the system theme.
//!
//! Each page's `<head>` reads both while the app downloads (a first
//! reading of `localStorage` can take several milliseconds) and leaves
//! them on `<html>`: `data-prefs="read"`, `data-stored-lang` and
//! `data-stored-theme` (empty when nothing is stored), and `data-theme`
//! already applied, so a dark page is dark from its first paint. The app
//! takes them from there and goes to storage itself only when that script
//! did not run (storage refused, or a page without it).

use crate::browser::{dom, storage};
use crate::i18n::Lang;

const LANG_KEY: &str = "asyncscope.lang";
const THEME_KEY: &str = "asyncscope.theme";

/// The `<html>` attribute the head script sets once it has read storage.
pub const READ_MARK: &str = "data-prefs";
/// The `<html>` attribute holding the stored language (empty: none).
pub const STORED_LANG: &str = "data-stored-lang";
/// The `<html>` attribute holding the stored theme (empty: none).
pub const STORED_THEME: &str = "data-stored-theme";

/// The value stored under `key`: as the head script left it in `attr` when
/// it ran, else from storage.
fn stored(key: &str, attr: &str) -> Option<String> {
    if dom::root_attribute(READ_MARK).as_deref() == Some("read") {
        return dom::root_attribute(attr).filter(|v| !v.is_empty());
    }
    storage::get(key)
}

/// Stores `value` under `key`, and in `attr` too, so that what the page
/// holds stays what storage holds.
fn store(key: &str, attr: &str, value: &str) {
    storage::set(key, value);
    if dom::root_attribute(READ_MARK).is_some() {
        dom::set_root_attribute(attr, Some(value));
    }
}

/// The stored language, else the browser's.
pub fn lang() -> Lang {
    if let Some(tag) = stored(LANG_KEY, STORED_LANG) {
        return Lang::from_tag(&tag);
    }
    Lang::from_tag(&dom::language())
}

/// Remembers the language the visitor chose and applies it.
pub fn set_lang(lang: Lang) {
    store(LANG_KEY, STORED_LANG, lang.tag());
    apply_lang(lang);
}

/// Sets `<html lang>`, remembering nothing: at start-up, where a visitor
/// who never chose keeps following the browser's language.
pub fn apply_lang(lang: Lang) {
    dom::set_root_attribute("lang", Some(lang.tag()));
}

/// A colour theme: the system's, or forced light or dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// Every theme, in menu order.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// Its name, as stored and as the menu's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Parses a stored name; anything else is the system's.
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// The stored theme.
pub fn theme() -> Theme {
    stored(THEME_KEY, STORED_THEME).map_or(Theme::System, |t| Theme::parse(&t))
}

/// Remembers the theme the visitor chose and applies it.
pub fn set_theme(theme: Theme) {
    store(THEME_KEY, STORED_THEME, theme.as_str());
    apply_theme(theme);
}

/// Applies the theme (`<html data-theme>`), remembering nothing: at
/// start-up, where a visitor who never chose keeps the system's.
pub fn apply_theme(theme: Theme) {
    let value = match theme {
        Theme::System => None,
        other => Some(other.as_str()),
    };
    dom::set_root_attribute("data-theme", value);
}
