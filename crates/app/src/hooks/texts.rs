//! A demo's texts (the code the page shows, its asyncio twin, where the two
//! differ, which lines go together): at hand in a build that carries them
//! (the feature `texts`), else loaded from the file beside the page
//! ([`demos::texts_file`], written by the release build) when the demo
//! opens, and kept for the rest of the visit.

use std::rc::Rc;

use asyncscope_core::demos::{self, Texts};
use yew::prelude::*;

/// Where a demo's texts are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemoTexts {
    /// Asked for, not here yet.
    Loading,
    /// Here.
    Ready(Rc<Texts>),
    /// They could not be had: what went wrong (naming the file), in
    /// English, for the page's error and the console.
    Failed(String),
}

/// The texts of the demo `slug`, and a callback that asks for them again
/// after a failure. A build with the feature `texts` has them at once.
#[cfg(feature = "texts")]
#[hook]
pub fn use_demo_texts(slug: &'static str) -> (DemoTexts, Callback<()>) {
    let texts = use_memo(slug, |slug| {
        demos::texts(slug).map_or_else(
            || DemoTexts::Failed(format!("no demo is called {slug:?}")),
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
                texts.set(DemoTexts::Failed(format!("no demo is called {slug:?}")));
                return;
            };
            texts.set(DemoTexts::Loading);
            browser::spawn(async move {
                let got = browser::net::fetch_text(&file)
                    .await
                    .and_then(|json| Texts::from_json(slug, &json))
                    .map_err(|why| format!("{file}: {why}"));
                if *asked.borrow() != (slug, attempt) {
                    return;
                }
                texts.set(match got {
                    Ok(found) => DemoTexts::Ready(loaded::keep(found)),
                    Err(why) => {
                        browser::warn(&format!("asyncscope: the demo's texts: {why}"));
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
