//! A demo's texts (the code the page shows, its asyncio twin, where the two
//! differ, which lines go together): at hand in a build that carries them
//! (the feature `texts`), else loaded from the file beside the page
//! ([`demos::texts_file`], written by the release build) when the demo
//! opens, and kept for the rest of the visit.

use std::rc::Rc;

use asyncscope_core::demos::{self, Texts};
use yew::prelude::*;

use crate::i18n::Lang;

/// Where a demo's texts are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemoTexts {
    /// Asked for, not here yet.
    Loading,
    /// Here.
    Ready(Rc<Texts>),
    /// They could not be had: why.
    Failed(TextsFailure),
}

/// Why a demo's texts could not be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextsFailure {
    /// No demo has this slug.
    NoDemo(&'static str),
    /// The file could not be fetched.
    Fetch {
        /// The file asked for.
        file: String,
        /// Why.
        why: crate::browser::net::FileError,
    },
    /// The file came but does not hold this demo's texts: the parser's
    /// words, as they are (in English).
    Invalid {
        /// The file asked for.
        file: String,
        /// What is wrong with it.
        why: String,
    },
}

impl TextsFailure {
    /// What went wrong in `lang` (English for the console): the file, then
    /// the reason (a server's status, such as `HTTP 404`, and a parser's
    /// words stay as they are).
    pub fn text(&self, lang: Lang) -> String {
        use crate::browser::net::FileError;
        let sep = lang.colon();
        let (file, why) = match self {
            TextsFailure::NoDemo(slug) => return format!("{}{sep}{slug}", lang.t("no demo has this name")),
            TextsFailure::Fetch { file, why } => (
                file,
                match why {
                    FileError::NoWindow => lang.t("there is no window").to_string(),
                    FileError::Network => lang.t("the network failed").to_string(),
                    FileError::NotAResponse => lang.t("the answer is not a response").to_string(),
                    FileError::Status(status) => format!("HTTP {status}"),
                    FileError::Body => lang.t("the body could not be read").to_string(),
                },
            ),
            TextsFailure::Invalid { file, why } => (file, why.clone()),
        };
        format!("{file}{sep}{why}")
    }
}

/// The texts of the demo `slug`, and a callback that asks for them again
/// after a failure. A build with the feature `texts` has them at once.
#[cfg(feature = "texts")]
#[hook]
pub fn use_demo_texts(slug: &'static str) -> (DemoTexts, Callback<()>) {
    let texts = use_memo(slug, |slug| {
        demos::texts(slug).map_or_else(
            || DemoTexts::Failed(TextsFailure::NoDemo(slug)),
            |t| DemoTexts::Ready(Rc::new(t)),
        )
    });
    ((*texts).clone(), Callback::noop())
}

/// The texts of the demo `slug`, and a callback that asks for them again
/// after a failure: loaded when the demo opens (or found among those
/// loaded before on this visit).
#[cfg(not(feature = "texts"))]
#[hook]
pub fn use_demo_texts(slug: &'static str) -> (DemoTexts, Callback<()>) {
    use crate::browser;

    let texts = use_state(|| loaded::get(slug).map_or(DemoTexts::Loading, DemoTexts::Ready));
    let attempt = use_state(|| 0_u32);
    // What the page asks for now: a load that ends after the page asked
    // for another demo, or again, is not shown.
    let asked = use_mut_ref(|| (slug, 0_u32));
    {
        let (texts, asked) = (texts.clone(), asked.clone());
        use_effect_with((slug, *attempt), move |&(slug, attempt)| {
            *asked.borrow_mut() = (slug, attempt);
            if let Some(found) = loaded::get(slug) {
                texts.set(DemoTexts::Ready(found));
                return;
            }
            let Some(file) = demos::texts_file(slug) else {
                texts.set(DemoTexts::Failed(TextsFailure::NoDemo(slug)));
                return;
            };
            texts.set(DemoTexts::Loading);
            browser::spawn(async move {
                let got = match browser::net::fetch_text(&file).await {
                    Ok(json) => Texts::from_json(slug, &json).map_err(|why| TextsFailure::Invalid { file, why }),
                    Err(why) => Err(TextsFailure::Fetch { file, why }),
                };
                if *asked.borrow() != (slug, attempt) {
                    return;
                }
                texts.set(match got {
                    Ok(found) => DemoTexts::Ready(loaded::keep(found)),
                    Err(why) => {
                        browser::warn(&format!("asyncscope: the demo's texts: {}", why.text(Lang::En)));
                        DemoTexts::Failed(why)
                    }
                });
            });
        });
    }
    let retry = Callback::from(move |()| attempt.set(*attempt + 1));
    ((*texts).clone(), retry)
}

/// The texts loaded on this visit, by slug.
#[cfg(not(feature = "texts"))]
mod loaded {
    use std::cell::RefCell;
    use std::rc::Rc;

    use asyncscope_core::demos::Texts;

    thread_local! {
        static LOADED: RefCell<Vec<Rc<Texts>>> = const { RefCell::new(Vec::new()) };
    }

    /// The texts of `slug`, if loaded before.
    pub(super) fn get(slug: &str) -> Option<Rc<Texts>> {
        LOADED.with_borrow(|all| all.iter().find(|t| t.slug == slug).cloned())
    }

    /// Keeps `texts` for the rest of the visit.
    pub(super) fn keep(texts: Texts) -> Rc<Texts> {
        let texts = Rc::new(texts);
        LOADED.with_borrow_mut(|all| all.push(texts.clone()));
        texts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::net::FileError;

    #[test]
    fn a_failed_load_says_why_in_the_pages_language() {
        let file = "texts-countdown-0123456789abcdef.json".to_string();
        let fetch = |why| TextsFailure::Fetch {
            file: file.clone(),
            why,
        };
        let offline = fetch(FileError::Network);
        assert_eq!(offline.text(Lang::En), format!("{file}: the network failed"));
        assert_eq!(offline.text(Lang::Zh), format!("{file}：网络请求失败"));
        // A server's status is the same in both.
        assert_eq!(
            fetch(FileError::Status(404)).text(Lang::Zh),
            format!("{file}：HTTP 404")
        );
        // Every other reason has its Chinese.
        for why in [
            FileError::NoWindow,
            FileError::Network,
            FileError::NotAResponse,
            FileError::Body,
        ] {
            let (en, zh) = (fetch(why).text(Lang::En), fetch(why).text(Lang::Zh));
            let reason = en.trim_start_matches(&format!("{file}: "));
            assert!(!zh.contains(reason), "{why:?} is not translated: {zh}");
        }
        assert_eq!(TextsFailure::NoDemo("nope").text(Lang::Zh), "没有这个名字的示例：nope");
    }
}
