//! The composer: a subset of Python's asyncio, interpreted so that every
//! coroutine is a real Rust future on an [`crate::Env`].
//!
//! [`ast`] is the syntax tree.

pub mod ast;
