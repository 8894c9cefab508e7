//! The demos, one module each, generic over [`crate::Env`], and a single
//! entry point to start any built demo by its slug.

pub mod blocking;
pub mod download;
pub mod fetch;
pub mod sequential_vs_concurrent;

use std::future::Future;

use futures::future::LocalBoxFuture;

use crate::env::Env;
use crate::params::{ParamError, ParamSpec};
use crate::traced::Traced;

/// A demo ready to go: its runs, each recorded in its own trace, and the
/// future that performs them. Nothing happens until `work` is polled;
/// dropping it cancels everything.
pub struct Started<E: Env> {
    /// `(label, traced environment)` per run, in display order.
    pub runs: Vec<(&'static str, Traced<E>)>,
    /// The work itself.
    pub work: LocalBoxFuture<'static, ()>,
}

/// The parameters of a built demo; `None` for a slug that is not built.
pub fn specs(slug: &str) -> Option<&'static [ParamSpec]> {
    match slug {
        sequential_vs_concurrent::SLUG => Some(&sequential_vs_concurrent::SPECS),
        fetch::SLUG => Some(&fetch::SPECS),
        download::SLUG => Some(&download::SPECS),
        blocking::SLUG => Some(&blocking::SPECS),
        _ => None,
    }
}

/// True for demos that send requests (they take the `network` parameter:
/// the lab server, or the simulated lab).
pub fn uses_network(slug: &str) -> bool {
    specs(slug).is_some_and(|specs| specs.iter().any(|s| s.name == fetch::NETWORK.name))
}

/// The demo's code as the page shows it: the part of its module between the
/// markers, exactly as compiled.
pub fn shown_source(slug: &str) -> Option<&'static str> {
    let source = match slug {
        sequential_vs_concurrent::SLUG => sequential_vs_concurrent::SOURCE,
        fetch::SLUG => fetch::SOURCE,
        download::SLUG => download::SOURCE,
        blocking::SLUG => blocking::SOURCE,
        _ => return None,
    };
    let start = source.find(SHOWN_START)? + SHOWN_START.len();
    let end = start + source[start..].find(SHOWN_END)?;
    Some(source[start..end].trim_matches('\n'))
}

const SHOWN_START: &str = "// --- the code the page shows -------------------------------------------\n";
const SHOWN_END: &str = "// -------------------------------------------------------------------------\n";

/// Validates `pairs` for the demo `slug` and prepares it on `env`.
/// `Ok(None)` for a slug that is not built.
pub fn start<E: Env>(slug: &str, env: E, pairs: &[(String, String)]) -> Result<Option<Started<E>>, Vec<ParamError>> {
    let started = match slug {
        sequential_vs_concurrent::SLUG => {
            let (runs, work) =
                sequential_vs_concurrent::start(env, &sequential_vs_concurrent::Params::from_pairs(pairs)?);
            let runs = runs.into_iter().map(|(run, traced)| (run.as_str(), traced)).collect();
            Started::new(runs, work)
        }
        fetch::SLUG => {
            let (runs, work) = fetch::start(env, &fetch::Params::from_pairs(pairs)?);
            Started::new(runs, work)
        }
        download::SLUG => {
            let (runs, work) = download::start(env, &download::Params::from_pairs(pairs)?);
            Started::new(runs, work)
        }
        blocking::SLUG => {
            let (runs, work) = blocking::start(env, &blocking::Params::from_pairs(pairs)?);
            Started::new(runs, work)
        }
        _ => return Ok(None),
    };
    Ok(Some(started))
}

impl<E: Env> Started<E> {
    fn new(runs: Vec<(&'static str, Traced<E>)>, work: impl Future<Output = ()> + 'static) -> Self {
        Self {
            runs,
            work: Box::pin(work),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ENTRIES, Status};

    #[test]
    fn built_demos_and_catalog_agree() {
        for e in ENTRIES {
            assert_eq!(specs(e.slug).is_some(), e.status == Status::Built, "{}", e.slug);
            assert_eq!(shown_source(e.slug).is_some(), e.status == Status::Built, "{}", e.slug);
        }
    }

    #[test]
    fn shown_source_is_the_demo_code() {
        let code = shown_source(sequential_vs_concurrent::SLUG).expect("built");
        assert!(code.starts_with("/// One job"), "{code}");
        assert!(code.contains("join_all(all).await;"));
        assert!(!code.contains("// ---"));
    }
}
