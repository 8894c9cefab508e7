//! `asyncscope`: list the demos, or run one natively under virtual time.
//! See [`asyncscope::usage`].

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = asyncscope::run(&args);
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::from(u8::try_from(outcome.status).unwrap_or(1)),
        // A reader that stopped early (`asyncscope run ... | head`) wanted
        // no more: that is not an error.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::from(u8::try_from(outcome.status).unwrap_or(1)),
        // Lost output (a full disk, say) is a failure, said as such.
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}
