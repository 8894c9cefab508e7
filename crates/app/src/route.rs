//! Hash routes: `#/` is home, `#/<slug>?<params>` a demo, anything else not
//! found. Parsing is pure and tested natively.

#[cfg(feature = "composer")]
use asyncscope_core::Bilingual;
use asyncscope_core::catalog::{self, Entry};
use asyncscope_core::params::pairs_from_query;

/// Where the page is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The list of demos.
    Home,
    /// A demo of the catalog, with the parameters in the URL (undecoded
    /// validation happens on the page, so a bad value shows on its field).
    Demo {
        /// The catalog entry.
        entry: &'static Entry,
        /// `name=value` pairs from the query, decoded, as given (a name
        /// given twice is refused on the page's form).
        query: Vec<(String, String)>,
    },
    /// The composer, with the program and seed from the link.
    #[cfg(feature = "composer")]
    Compose {
        /// The program the link carries (empty for none), or why it
        /// cannot be read (in English and in Chinese).
        program: Result<String, Bilingual>,
        /// The other `name=value` pairs (the seed).
        query: Vec<(String, String)>,
    },
    /// The composer, which this build goes without: the page goes to
    /// [`COMPOSER_PAGE`] with the same hash.
    #[cfg(not(feature = "composer"))]
    Compose {
        /// The hash, as given (`#/compose?…`).
        hash: String,
    },
    /// No such page.
    NotFound {
        /// The path that was asked for.
        path: String,
    },
}

/// The page of the build with the composer (the others go without it),
/// beside `index.html`.
pub const COMPOSER_PAGE: &str = "compose.html";

/// The page of the build with the demos but not the composer (the home
/// page's goes without both), beside `index.html`.
pub const DEMO_PAGE: &str = "demo.html";

/// [`Route::Compose`] of the query `query`: the program in `code`
/// (deflated), or a demo's asyncio twin by its slug in `twin`; the other
/// pairs (the seed) kept.
#[cfg(feature = "composer")]
fn compose_route(query: &str) -> Route {
    let mut pairs = pairs_from_query(query);
    let program = if let Some(i) = pairs.iter().position(|(k, _)| k == "code") {
        asyncscope_core::py::link::decode(&pairs.remove(i).1)
    } else if let Some(i) = pairs.iter().position(|(k, _)| k == "twin") {
        let slug = pairs.remove(i).1;
        match asyncscope_core::demos::about(&slug) {
            Some(about) => Ok(asyncscope_core::py::program_from_twin(about.asyncio)),
            None => Err(Bilingual::new(
                format!("the link names no demo called {slug:?}, so it carries no program"),
                format!("链接中没有名为 {slug:?} 的示例，因此不带程序"),
            )),
        }
    } else {
        Ok(String::new())
    };
    Route::Compose { program, query: pairs }
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`).
    ///
    /// An address with no route at all (no hash, or a bare `#`) is the
    /// page's own: the home page's and the demos' show the list of demos,
    /// the composer's (`compose.html`, typed or bookmarked) the composer.
    /// `#/` is the list of demos on every page.
    pub fn from_hash(hash: &str) -> Route {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        #[cfg(feature = "composer")]
        if hash.is_empty() {
            return compose_route("");
        }
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let slug = path.trim_start_matches('/').trim_end_matches('/');
        if slug.is_empty() {
            return Route::Home;
        }
        if slug == "compose" {
            #[cfg(not(feature = "composer"))]
            return Route::Compose {
                hash: format!("#{hash}"),
            };
            #[cfg(feature = "composer")]
            return compose_route(query);
        }
        match catalog::find(slug) {
            Some(entry) => Route::Demo {
                entry,
                query: pairs_from_query(query),
            },
            None => Route::NotFound {
                path: format!("/{slug}"),
            },
        }
    }

    /// The link to the composer with a demo's asyncio twin:
    /// `compose.html#/compose?twin=slug`, which either build can follow.
    pub fn twin_link(slug: &str) -> String {
        format!("{COMPOSER_PAGE}#/compose?twin={slug}")
    }

    /// The hash for the composer with `source` and the form's `query`
    /// (`#/compose?seed=7&code=…`).
    #[cfg(feature = "composer")]
    pub fn compose_hash(source: &str, query: &str) -> String {
        let code = asyncscope_core::py::link::encode(source);
        if query.is_empty() {
            format!("#/compose?code={code}")
        } else {
            format!("#/compose?{query}&code={code}")
        }
    }

    /// The link to a demo's page: its hash in a build with the demos,
    /// [`DEMO_PAGE`] with the hash in the home page's.
    pub fn demo_link(slug: &str) -> String {
        if cfg!(feature = "demos") {
            format!("#/{slug}")
        } else {
            format!("{DEMO_PAGE}#/{slug}")
        }
    }

    /// The hash for a demo with these parameters (`#/slug?a=1`).
    pub fn demo_hash(slug: &str, query: &str) -> String {
        if query.is_empty() {
            format!("#/{slug}")
        } else {
            format!("#/{slug}?{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_home_demo_and_not_found() {
        assert_eq!(Route::from_hash("#/"), Route::Home);
        assert_eq!(Route::from_hash("/"), Route::Home);
        match Route::from_hash("#/sequential-vs-concurrent?jobs=3&duration_ms=20") {
            Route::Demo { entry, query } => {
                assert_eq!(entry.number, 1);
                assert_eq!(
                    query,
                    vec![("jobs".into(), "3".into()), ("duration_ms".into(), "20".into())]
                );
            }
            other => panic!("not a demo: {other:?}"),
        }
        assert!(matches!(Route::from_hash("#/semaphore/"), Route::Demo { entry, .. } if entry.slug == "semaphore"));
        assert_eq!(
            Route::from_hash("#/no-such-demo?x=1"),
            Route::NotFound {
                path: "/no-such-demo".into()
            }
        );
    }

    #[cfg(feature = "composer")]
    #[test]
    fn a_twin_link_opens_that_demos_program_with_the_seed_kept() {
        let link = Route::twin_link("gather");
        assert_eq!(link, "compose.html#/compose?twin=gather");
        let hash = link.split_once('#').map_or("", |(_, h)| h);
        match Route::from_hash(&format!("{hash}&seed=7")) {
            Route::Compose { program: Ok(p), query } => {
                assert!(p.contains("asyncio.gather"), "{p}");
                assert_eq!(query, vec![("seed".into(), "7".into())]);
            }
            other => panic!("not the composer with a program: {other:?}"),
        }
        match Route::from_hash("#/compose?twin=nope") {
            Route::Compose { program: Err(why), .. } => assert!(why.en.contains("\"nope\""), "{why:?}"),
            other => panic!("an unknown twin is not refused: {other:?}"),
        }
    }

    /// With the composer: its page (typed or bookmarked) opens it.
    #[cfg(feature = "composer")]
    #[test]
    fn a_page_without_a_route_is_the_pages_own() {
        for bare in ["", "#"] {
            let route = Route::from_hash(bare);
            assert!(
                matches!(&route, Route::Compose { program: Ok(p), query } if p.is_empty() && query.is_empty()),
                "compose.html opens the composer: {route:?}"
            );
        }
    }

    /// Without: the home page's and the demos' show the list of demos.
    #[cfg(not(feature = "composer"))]
    #[test]
    fn a_page_without_a_route_is_the_pages_own() {
        for bare in ["", "#"] {
            assert_eq!(Route::from_hash(bare), Route::Home, "the list of demos");
        }
    }

    #[cfg(not(feature = "composer"))]
    #[test]
    fn without_the_composer_its_links_keep_their_hash_for_the_composer_page() {
        assert_eq!(
            Route::from_hash("#/compose?seed=7&code=abc"),
            Route::Compose {
                hash: "#/compose?seed=7&code=abc".into()
            }
        );
    }

    #[test]
    fn a_demo_link_stays_in_a_build_with_the_demos_and_goes_to_their_page_without() {
        let expected = if cfg!(feature = "demos") {
            "#/gather"
        } else {
            "demo.html#/gather"
        };
        assert_eq!(Route::demo_link("gather"), expected);
    }

    #[test]
    fn demo_hash_has_query_only_when_given() {
        assert_eq!(Route::demo_hash("gather", ""), "#/gather");
        assert_eq!(
            Route::demo_hash("gather", "mode=try_join_all"),
            "#/gather?mode=try_join_all"
        );
    }
}
