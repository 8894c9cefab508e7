//! The composer: a subset of Python's asyncio, interpreted so that every
//! coroutine is a real Rust future on an [`crate::Env`].
//!
//! [`ast`] is the syntax tree.

pub mod ast;
mod lexer;
#[cfg(test)]
mod parse_tests;
mod parser;

/// Parses a program of the composer's Python subset into its syntax tree.
///
/// A syntax error, or a construct outside the subset (a class, `match`,
/// `yield from`, `:=`, ...), is a [`ast::SyntaxError`] at its line and
/// column, saying what to write instead. Every statement and expression
/// carries the position it starts at; a binary operation, comparison,
/// boolean operation, conditional expression, call, attribute or subscript
/// takes the position of its left operand (the callee, the object). Never
/// panics, whatever the input: nesting deeper than 100 levels is an error.
pub fn parse(source: &str) -> Result<ast::Program, ast::SyntaxError> {
    parser::parse_program(source)
}
