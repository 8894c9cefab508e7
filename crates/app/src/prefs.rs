//! Preferences kept in `localStorage` (through [`crate::browser::storage`]):
//! the language and the theme. Reading or writing fails quietly (private
//! windows may refuse storage); the page then uses the browser's language
//! and the system theme.

use crate::browser::{dom, storage};
use crate::i18n::Lang;

const LANG_KEY: &str = "asyncscope.lang";
const THEME_KEY: &str = "asyncscope.theme";

/// The stored language, else the browser's.
pub fn lang() -> Lang {
    if let Some(tag) = storage::get(LANG_KEY) {
        return Lang::from_tag(&tag);
    }
    Lang::from_tag(&dom::language())
}

/// Remembers the language the visitor chose and applies it.
pub fn set_lang(lang: Lang) {
    storage::set(LANG_KEY, lang.tag());
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
    storage::get(THEME_KEY).map_or(Theme::System, |t| Theme::parse(&t))
}

/// Remembers the theme the visitor chose and applies it.
pub fn set_theme(theme: Theme) {
    storage::set(THEME_KEY, theme.as_str());
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
