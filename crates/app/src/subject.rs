//! What a page runs: a demo of the catalog, or a program typed into the
//! composer. The run hook, the event log and the share link ask the
//! subject, never a slug.

#[cfg(feature = "composer")]
use std::rc::Rc;
use std::time::Duration;

use asyncscope_core::demos::{self, Started};
#[cfg(feature = "composer")]
use asyncscope_core::py;
use asyncscope_core::{Bilingual, DynEnv};

use crate::route::Route;

/// A demo by its slug, or a program's text.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// A demo of the catalog.
    Demo(&'static str),
    /// A program of the composer.
    #[cfg(feature = "composer")]
    Program(Rc<str>),
}

impl Subject {
    /// What the status line says before a run (English, translated): a
    /// demo has parameters, a program is written.
    pub fn idle_hint(&self) -> &'static str {
        match self {
            Subject::Demo(_) => "Set the parameters and press Run.",
            #[cfg(feature = "composer")]
            Subject::Program(_) => "Write a program and press Run.",
        }
    }

    /// A name for downloads: the slug, or `program`.
    pub fn name(&self) -> &str {
        match self {
            Subject::Demo(slug) => slug,
            #[cfg(feature = "composer")]
            Subject::Program(_) => "program",
        }
    }

    /// The address of this subject with the form's `query`.
    pub fn hash(&self, query: &str) -> String {
        match self {
            Subject::Demo(slug) => Route::demo_hash(slug, query),
            #[cfg(feature = "composer")]
            Subject::Program(source) => Route::compose_hash(source, query),
        }
    }

    /// Prepares a run on `env` with the form's `pairs`: `Ok(None)` for a
    /// slug that is no demo; `Err` says why it cannot start, in English
    /// and in Chinese. Every run starts on a [`DynEnv`], so each demo is
    /// compiled once.
    pub fn start(&self, env: DynEnv, pairs: &[(String, String)]) -> Result<Option<Started<DynEnv>>, Bilingual> {
        match self {
            Subject::Demo(slug) => demos::start(slug, env, pairs).map_err(|errors| {
                let said: Vec<Bilingual> = errors.iter().map(|e| e.said()).collect();
                Bilingual::join(&said, "; ", "；")
            }),
            #[cfg(feature = "composer")]
            Subject::Program(source) => py::start(env, source, py::Limits::default()).map(Some).map_err(|e| {
                Bilingual::new(
                    e.to_string(),
                    format!("第 {} 行第 {} 列：{}", e.pos.line, e.pos.col, e.message_zh),
                )
            }),
        }
    }

    /// How long a real run would take, if it can be told beforehand.
    pub fn estimate(&self, pairs: &[(String, String)], seed: u64) -> Option<Duration> {
        match self {
            Subject::Demo(slug) => demos::estimate(slug, pairs, seed),
            #[cfg(feature = "composer")]
            Subject::Program(_) => None,
        }
    }

    /// The line of the shown code that a trace's site (`file`, `line`) is.
    pub fn shown_line(&self, file: &str, line: u32) -> Option<u32> {
        match self {
            Subject::Demo(slug) => demos::shown_line(slug, file, line),
            #[cfg(feature = "composer")]
            Subject::Program(_) => (file == py::FILE).then_some(line),
        }
    }
}
