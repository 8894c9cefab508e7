//! `asyncscope`: list the demos, or run one natively under virtual time.
//! See [`asyncscope::usage`].

use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let written = asyncscope::run_to(&args, &mut stdout).and_then(|outcome| {
        stdout.flush()?;
        Ok(outcome)
    });
    match written {
        Ok(outcome) => {
            let _ = io::stderr().write_all(outcome.stderr.as_bytes());
            ExitCode::from(u8::try_from(outcome.status).unwrap_or(1))
        }
        // A reader that stopped early (`asyncscope run ... | head`) wanted
        // no more: that is not an error.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        // Lost output (a full disk, say) is a failure, said as such.
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}
