//! `asyncscope`: list the demos, or run one natively under virtual time.
//! See [`asyncscope::usage`].

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = asyncscope::run(&args);
    // A closed pipe (`asyncscope run ... | head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(u8::try_from(outcome.status).unwrap_or(1))
}
