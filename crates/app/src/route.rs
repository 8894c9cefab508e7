//! Hash routes: `#/` is home, `#/<slug>?<params>` a demo, anything else not
//! found. Parsing is pure and tested natively.

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
    Compose {
        /// The program the link carries (empty for none), or why it
        /// cannot be read (in English and in Chinese).
        program: Result<String, Bilingual>,
        /// The other `name=value` pairs (the seed).
        query: Vec<(String, String)>,
    },
    /// No such page.
    NotFound {
        /// The path that was asked for.
        path: String,
    },
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`).
    pub fn from_hash(hash: &str) -> Route {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let slug = path.trim_start_matches('/').trim_end_matches('/');
        if slug.is_empty() {
            return Route::Home;
        }
        if slug == "compose" {
            let mut pairs = pairs_from_query(query);
            let program = match pairs.iter().position(|(k, _)| k == "code") {
                Some(i) => asyncscope_core::py::link::decode(&pairs.remove(i).1),
                None => Ok(String::new()),
            };
            return Route::Compose { program, query: pairs };
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

    /// The hash for the composer with `source` and the form's `query`
    /// (`#/compose?seed=7&code=…`).
    pub fn compose_hash(source: &str, query: &str) -> String {
        let code = asyncscope_core::py::link::encode(source);
        if query.is_empty() {
            format!("#/compose?code={code}")
        } else {
            format!("#/compose?{query}&code={code}")
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
        assert_eq!(Route::from_hash(""), Route::Home);
        assert_eq!(Route::from_hash("#/"), Route::Home);
        assert_eq!(Route::from_hash("#"), Route::Home);
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

    #[test]
    fn demo_hash_has_query_only_when_given() {
        assert_eq!(Route::demo_hash("gather", ""), "#/gather");
        assert_eq!(
            Route::demo_hash("gather", "mode=try_join_all"),
            "#/gather?mode=try_join_all"
        );
    }
}
