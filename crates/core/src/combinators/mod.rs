//! Instrumented combinators, one per file, in the futures-rs style.
