//! A sentence for a person in both of the page's languages.

use std::fmt;

/// A message in English (the command line's words, and the page's in
/// English) and in Simplified Chinese (the page's in Chinese), made
/// together where the message is made, so the two cannot drift apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bilingual {
    /// In English.
    pub en: String,
    /// In Simplified Chinese.
    pub zh: String,
}

impl Bilingual {
    /// A message from its English and its Chinese.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// Text that reads the same in both languages (a link, a traceback).
    pub fn same(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            en: text.clone(),
            zh: text,
        }
    }

    /// The message in Chinese when `zh`, else in English.
    pub fn get(&self, zh: bool) -> &str {
        if zh { &self.zh } else { &self.en }
    }

    /// Messages joined by `en_sep` in English and `zh_sep` in Chinese.
    pub fn join<'a>(items: impl IntoIterator<Item = &'a Bilingual>, en_sep: &str, zh_sep: &str) -> Self {
        let (en, zh): (Vec<&str>, Vec<&str>) = items.into_iter().map(|b| (b.en.as_str(), b.zh.as_str())).unzip();
        Self {
            en: en.join(en_sep),
            zh: zh.join(zh_sep),
        }
    }
}

/// The English: what the command line prints.
impl fmt::Display for Bilingual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}
