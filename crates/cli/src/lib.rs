//! The `asyncscope` command line, as a library so that it can be tested
//! without a process: [`run`] takes the arguments and returns what to
//! print and the exit status.
//!
//! ```text
//! asyncscope list
//! asyncscope run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg] [--out FILE]
//! ```

use std::fmt::Write as _;

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::params::ParamSpec;
use asyncscope_core::{VirtualRuntime, demos, export, report};
use asyncscope_view::state::View;
use asyncscope_view::svg_document;

/// The usage text.
pub const USAGE: &str = "\
usage:
  asyncscope list
      every demo, with its parameters, defaults and allowed values
  asyncscope run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg] [--out FILE]
      runs a demo natively under virtual time (exact and deterministic)
        --set name=value   a parameter (repeatable); see `asyncscope list`
        --seed N           the seed of the run's random source (default 0)
        --format F         text (default), json, chrome (Chrome trace-event JSON for Perfetto),
                           or svg (the timeline as a picture, as the page's Download SVG)
        --out FILE         write the result to FILE instead of standard output
";

/// What a command comes to: text for standard output, text for standard
/// error, and the exit status (0 ok, 1 the run failed, 2 bad input).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// For standard output.
    pub stdout: String,
    /// For standard error.
    pub stderr: String,
    /// The exit status.
    pub status: i32,
}

impl Outcome {
    fn ok(stdout: String) -> Self {
        Self {
            stdout,
            stderr: String::new(),
            status: 0,
        }
    }

    fn usage_error(message: impl Into<String>) -> Self {
        Self {
            stdout: String::new(),
            stderr: format!("error: {}\n\n{USAGE}", message.into()),
            status: 2,
        }
    }

    fn bad_input(message: impl Into<String>) -> Self {
        Self {
            stdout: String::new(),
            stderr: format!("error: {}\n", message.into()),
            status: 2,
        }
    }
}

/// The output format of `run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Chrome,
    Svg,
}

/// Runs the command line `args` (without the program name).
pub fn run(args: &[String]) -> Outcome {
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => Outcome::ok(USAGE.to_string()),
        Some("list") if args.len() == 1 => Outcome::ok(list()),
        Some("list") => Outcome::usage_error(format!("list takes no arguments; got {}", args[1..].join(" "))),
        Some("run") => run_demo(&args[1..]),
        Some(other) => Outcome::usage_error(format!("unknown command \"{other}\"; the commands are list and run")),
    }
}

fn list() -> String {
    let mut out = String::new();
    for e in ENTRIES {
        let _ = writeln!(out, "{:>2}. {}  {}", e.number, e.slug, e.title);
        let _ = writeln!(out, "    {}", e.summary);
        for spec in demos::specs(e.slug).unwrap_or(&[]) {
            let _ = writeln!(
                out,
                "    --set {}={}   ({}; {})",
                spec.name,
                spec.default,
                spec.label,
                spec.allowed()
            );
        }
        out.push('\n');
    }
    out
}

fn slugs() -> String {
    ENTRIES.iter().map(|e| e.slug).collect::<Vec<_>>().join(", ")
}

fn run_demo(args: &[String]) -> Outcome {
    let Some(slug) = args.first() else {
        return Outcome::usage_error(format!("run needs a demo; one of {}", slugs()));
    };
    let Some(specs) = demos::specs(slug) else {
        return Outcome::bad_input(format!("unknown demo \"{slug}\"; the demos are {}", slugs()));
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut seed: Option<u64> = None;
    let mut format: Option<Format> = None;
    let mut out_file: Option<String> = None;
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") && f != "--set" => (f, Some(v.to_string())),
            _ => (flag.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| rest.next().cloned());
        match flag {
            "--set" => {
                let Some(pair) = value() else {
                    return Outcome::usage_error("--set needs name=value");
                };
                let Some((name, raw)) = pair.split_once('=') else {
                    return Outcome::bad_input(format!("--set needs name=value; got \"{pair}\""));
                };
                pairs.push((name.trim().to_string(), raw.to_string()));
            }
            "--seed" => {
                let raw = value().unwrap_or_default();
                match raw.trim().parse::<u64>() {
                    Ok(n) if seed.is_none() => seed = Some(n),
                    Ok(_) => return Outcome::bad_input("--seed is given more than once"),
                    Err(_) => {
                        return Outcome::bad_input(format!(
                            "--seed must be a whole number from 0 to {}; got \"{raw}\"",
                            u64::MAX
                        ));
                    }
                }
            }
            "--format" => {
                let raw = value().unwrap_or_default();
                format = Some(match raw.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "chrome" => Format::Chrome,
                    "svg" => Format::Svg,
                    _ => {
                        return Outcome::bad_input(format!(
                            "--format must be one of text, json, chrome, svg; got \"{raw}\""
                        ));
                    }
                });
            }
            "--out" => match value() {
                Some(path) if !path.is_empty() => out_file = Some(path),
                _ => return Outcome::usage_error("--out needs a file name"),
            },
            other => {
                return Outcome::usage_error(format!(
                    "unknown option \"{other}\"; the options are --set, --seed, --format, --out"
                ));
            }
        }
    }
    let seed = seed.unwrap_or(0);
    let rt = VirtualRuntime::with_seed(seed);
    let started = match demos::start(slug, rt.env(), &pairs) {
        Ok(Some(started)) => started,
        Ok(None) => return Outcome::bad_input(format!("unknown demo \"{slug}\"")),
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
            return Outcome::bad_input(lines.join("\nerror: "));
        }
    };
    if let Err(stalled) = rt.block_on(started.work) {
        return Outcome {
            stdout: String::new(),
            stderr: format!(
                "error: the run stalled at {} ms: a task waits for something that never comes\n",
                stalled.at.as_millis()
            ),
            status: 1,
        };
    }
    let traces: Vec<(&str, asyncscope_core::Trace)> = started.runs.iter().map(|(l, t)| (*l, t.snapshot())).collect();
    let runs: Vec<(&str, &asyncscope_core::Trace)> = traces.iter().map(|(l, t)| (*l, t)).collect();
    let text = match format.unwrap_or(Format::Text) {
        Format::Text => report::text_report(slug, seed, &runs),
        Format::Json => {
            let params = effective(specs, &pairs);
            let mut s = report::json_report(slug, &params, seed, &runs).to_string();
            s.push('\n');
            s
        }
        Format::Chrome => {
            let mut s = export::chrome_demo(slug, &runs);
            s.push('\n');
            s
        }
        Format::Svg => {
            let mut s = svg_document(&runs, View::default());
            s.push('\n');
            s
        }
    };
    match out_file {
        None => Outcome::ok(text),
        Some(path) => match std::fs::write(&path, &text) {
            Ok(()) => Outcome {
                stdout: String::new(),
                stderr: format!("wrote {} bytes to {path}\n", text.len()),
                status: 0,
            },
            Err(e) => Outcome {
                stdout: String::new(),
                stderr: format!("error: cannot write {path}: {e}\n"),
                status: 1,
            },
        },
    }
}

/// Every parameter's value for the run: as given (trimmed), or its default.
/// Each name is given at most once: the core refused a repeat before the run.
fn effective(specs: &[ParamSpec], pairs: &[(String, String)]) -> Vec<(&'static str, String)> {
    specs
        .iter()
        .map(|s| {
            let given = pairs
                .iter()
                .find(|(k, _)| k == s.name)
                .map(|(_, v)| v.trim().to_string());
            (s.name, given.unwrap_or_else(|| s.default.to_string()))
        })
        .collect()
}
