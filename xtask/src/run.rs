//! Running commands: streamed to the terminal, and captured for counting.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(Path::to_path_buf).unwrap_or(here)
}

/// What a finished command printed, and whether it succeeded.
pub struct Output {
    pub ok: bool,
    pub lines: Vec<String>,
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `cmd`, echoing its output line by line while keeping a copy.
pub fn stream(cmd: &mut Command) -> Output {
    println!("$ {}", describe(cmd));
    let _ = std::io::stdout().flush();
    let mut child = match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            let line = format!("cannot run {}: {e}", describe(cmd));
            eprintln!("{line}");
            return Output {
                ok: false,
                lines: vec![line],
            };
        }
    };
    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut pumps = Vec::new();
    if let Some(out) = child.stdout.take() {
        let lines = Arc::clone(&lines);
        pumps.push(thread::spawn(move || pump(out, &lines, false)));
    }
    if let Some(err) = child.stderr.take() {
        let lines = Arc::clone(&lines);
        pumps.push(thread::spawn(move || pump(err, &lines, true)));
    }
    for p in pumps {
        let _ = p.join();
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    let lines = lines.lock().map(|l| l.clone()).unwrap_or_default();
    Output { ok, lines }
}

fn pump(from: impl std::io::Read, into: &Mutex<Vec<String>>, is_err: bool) {
    for line in BufReader::new(from).lines().map_while(Result::ok) {
        if is_err {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        if let Ok(mut l) = into.lock() {
            l.push(line);
        }
    }
}

/// Runs `cmd` quietly and returns its trimmed stdout if it succeeded.
pub fn capture(cmd: &mut Command) -> Option<String> {
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `cargo` with the workspace root as its directory.
pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

/// Sums `test result: ... N passed; M failed` lines (cargo test, wasm-pack test).
pub fn count_tests(lines: &[String]) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    for line in lines {
        let Some(rest) = line.trim().strip_prefix("test result:") else {
            continue;
        };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(n), Some(what)) = (words.next(), words.next()) {
                match (n.parse::<u64>(), what) {
                    (Ok(n), "passed") => passed += n,
                    (Ok(n), "failed") => failed += n,
                    _ => {}
                }
            }
        }
    }
    (passed, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_wasm_pack_results() {
        let lines: Vec<String> = [
            "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            "test result: FAILED. 6 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.06s",
            "test result: ok. 4 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.35s",
            "running 4 tests",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(count_tests(&lines), (22, 1));
    }
}
