//! The `asyncscope` command line, as a library so that it can be tested
//! without a process: [`run`] takes the arguments and returns what to
//! print and the exit status. The arguments are parsed by clap.
//!
//! ```text
//! asyncscope list
//! asyncscope run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg] [--out FILE]
//! asyncscope run-py FILE.py [--seed N] [--format text|json|chrome] [--out FILE]
//! ```

use std::fmt::Write as _;
use std::io;
use std::str::FromStr;

use asyncscope_core::catalog::ENTRIES;
use asyncscope_core::params::{ParamSpec, quoted, unique_pairs};
use asyncscope_core::{VirtualRuntime, demos, export, report};
use asyncscope_view::state::View;
use asyncscope_view::svg_document;
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};
use strum::{EnumString, IntoStaticStr, VariantNames};

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "asyncscope",
    about = "asyncscope: list the demos, or run one natively under virtual time.",
    override_usage = "asyncscope list\n       \
                      asyncscope run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg] [--out FILE]\n       \
                      asyncscope run-py FILE.py [--seed N] [--format text|json|chrome] [--out FILE]",
    flatten_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every demo, with its parameters, defaults and allowed values.
    List,
    /// Runs a demo natively under virtual time (exact and deterministic).
    Run(RunArgs),
    /// Runs an asyncio program (the composer's Python subset) under
    /// virtual time.
    #[command(name = "run-py")]
    RunPy(RunPyArgs),
    /// Writes the home page's small pictures: every demo's default run in
    /// virtual time, a line each (slug, tab, SVG); the release build puts
    /// them in `dist/pictures.txt`.
    Pictures(PicturesArgs),
    /// Writes each demo's texts (the code its page shows, its asyncio
    /// twin, where the two differ, which lines go together) as JSON, one
    /// file each, named by their hash (`texts-<slug>-<hash>.json`): the
    /// demo page loads a demo's when it opens. The release build writes
    /// them into `dist/`.
    Texts(TextsArgs),
}

#[derive(Debug, Args)]
struct TextsArgs {
    /// The directory to write the files into (it must exist).
    #[arg(long, value_name = "DIR", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    out_dir: String,
}

#[derive(Debug, Args)]
struct PicturesArgs {
    /// Write the pictures to FILE instead of standard output.
    #[arg(long, value_name = "FILE", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    out: Option<String>,
}

#[derive(Debug, Args)]
#[command(override_usage = "asyncscope run-py FILE.py [--seed N] [--format text|json|chrome] [--out FILE]")]
struct RunPyArgs {
    /// The program: a file of Python using asyncio (see the README for
    /// the subset).
    #[arg(value_name = "FILE.py", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    file: String,
    /// The seed of the run's random source.
    #[arg(long, value_name = "N", default_value = "0", allow_hyphen_values = true, value_parser = seed)]
    seed: u64,
    /// text, json or chrome (trace-event JSON for Perfetto).
    #[arg(long, value_name = "F", default_value = "text", value_parser = format)]
    format: Format,
    /// Write the result to FILE instead of standard output.
    #[arg(long, value_name = "FILE", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    out: Option<String>,
    /// Stop the run after this many seconds of virtual time (1 to
    /// 31622400; default a day).
    #[arg(long, value_name = "S", default_value = "86400", value_parser = bound_secs)]
    bound: u64,
    /// Keep at most this many events (1000 to 1048576).
    #[arg(long = "max-events", value_name = "N", default_value = "1048576", value_parser = max_events)]
    max_events: usize,
}

fn bound_secs(raw: &str) -> Result<u64, String> {
    raw.trim()
        .parse()
        .ok()
        .filter(|s| (1..=31_622_400).contains(s))
        .ok_or_else(|| {
            format!(
                "--bound must be a whole number of seconds from 1 to 31622400; got {}",
                asyncscope_core::params::quoted(raw)
            )
        })
}

fn max_events(raw: &str) -> Result<usize, String> {
    raw.trim()
        .parse()
        .ok()
        .filter(|s| (1000..=1 << 20).contains(s))
        .ok_or_else(|| {
            format!(
                "--max-events must be a whole number from 1000 to 1048576; got {}",
                asyncscope_core::params::quoted(raw)
            )
        })
}

#[derive(Debug, Args)]
#[command(
    override_usage = "asyncscope run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg] [--out FILE] [--at MS]"
)]
struct RunArgs {
    /// The demo, by its slug (see `asyncscope list`).
    #[arg(value_name = "slug", value_parser = slug)]
    slug: &'static str,
    /// A parameter (repeatable); see `asyncscope list`.
    #[arg(long = "set", value_name = "name=value", value_parser = name_value)]
    set: Vec<(String, String)>,
    /// The seed of the run's random source.
    #[arg(long, value_name = "N", default_value = "0", allow_hyphen_values = true, value_parser = seed)]
    seed: u64,
    /// text, json, chrome (trace-event JSON for Perfetto) or svg (the
    /// page's Download SVG).
    #[arg(long, value_name = "F", default_value = "text", value_parser = format)]
    format: Format,
    /// Write the result to FILE instead of standard output.
    #[arg(long, value_name = "FILE", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    out: Option<String>,
    /// Instead of the report: what every task pending at MS milliseconds
    /// waits on, as a chain down to a timer, a permit, a request, a queue,
    /// a lock, an event or a task (text or json).
    #[arg(long, value_name = "MS", value_parser = at_ms)]
    at: Option<u64>,
}

/// `--at`: a whole number of milliseconds.
fn at_ms(raw: &str) -> Result<u64, String> {
    raw.parse::<u64>()
        .map_err(|_| format!("{} is not a whole number of milliseconds (0 or more)", quoted(raw)))
}

/// The output format of `run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumString, IntoStaticStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
enum Format {
    Text,
    Json,
    Chrome,
    Svg,
}

fn slug(raw: &str) -> Result<&'static str, String> {
    let slugs: Vec<&str> = ENTRIES.iter().map(|e| e.slug).collect();
    ENTRIES
        .iter()
        .map(|e| e.slug)
        .find(|s| *s == raw && demos::specs(s).is_some())
        .ok_or_else(|| format!("unknown demo {}; the demos are {}", quoted(raw), slugs.join(", ")))
}

fn name_value(raw: &str) -> Result<(String, String), String> {
    raw.split_once('=')
        .map(|(name, value)| (name.trim().to_string(), value.to_string()))
        .ok_or_else(|| format!("--set needs name=value; got {}", quoted(raw)))
}

fn seed(raw: &str) -> Result<u64, String> {
    raw.trim().parse().map_err(|_| {
        format!(
            "--seed must be a whole number from 0 to {}; got {}",
            u64::MAX,
            quoted(raw)
        )
    })
}

fn format(raw: &str) -> Result<Format, String> {
    Format::from_str(raw).map_err(|_| {
        format!(
            "--format must be one of {}; got {}",
            Format::VARIANTS.join(", "),
            quoted(raw)
        )
    })
}

/// The synopsis, as an error without one ends.
const USAGE: &str = "usage: asyncscope list\n       \
                     asyncscope run <slug> [--set name=value]... [--seed N] [--format text|json|chrome|svg] [--out FILE]\n       \
                     asyncscope run-py FILE.py [--seed N] [--format text|json|chrome] [--out FILE]";

/// clap's message with every value it quotes (`'...'`) cut to at most 40
/// characters and every control character but a newline escaped, so a
/// long or hostile argument is never echoed whole or raw.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut quoted: Option<String> = None;
    for c in text.chars() {
        match (&mut quoted, c) {
            (None, '\'') => quoted = Some(String::new()),
            (None, c) => push_escaped(&mut out, c),
            (Some(inner), '\'') => {
                out.push('\'');
                let count = inner.chars().count();
                for c in inner.chars().take(40) {
                    push_escaped(&mut out, c);
                }
                if count > 40 {
                    let _ = write!(out, "…({count} characters)");
                }
                out.push('\'');
                quoted = None;
            }
            (Some(inner), c) => inner.push(c),
        }
    }
    if let Some(inner) = quoted {
        out.push('\'');
        for c in inner.chars().take(40) {
            push_escaped(&mut out, c);
        }
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    if c.is_control() && c != '\n' {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

/// The help text: `asyncscope --help`.
pub fn usage() -> String {
    lower_usage(&Cli::command().render_help().to_string())
}

/// clap heads the usage `Usage:`; the tool has always written `usage:`,
/// in its help and after an error alike.
fn lower_usage(text: &str) -> String {
    text.replace("Usage: ", "usage: ")
}

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

    fn bad_input(message: impl Into<String>) -> Self {
        Self {
            stdout: String::new(),
            stderr: format!("error: {}\n", message.into()),
            status: 2,
        }
    }

    /// Bad input whose message is complete as it is (a syntax error with
    /// its caret).
    fn bad_input_raw(message: String) -> Self {
        Self {
            stdout: String::new(),
            stderr: message,
            status: 2,
        }
    }

    /// What clap says about the arguments: help on standard output, a
    /// usage error on standard error with status 2. A value one of our
    /// parsers refused is said in the parser's own words (which quote it
    /// at most 40 characters long, escaped); clap's other errors get their
    /// quoted values cut and escaped the same way, and the usage line if
    /// they lack it.
    fn from_clap(e: &clap::Error) -> Self {
        let text = lower_usage(&e.render().to_string());
        let stderr = match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return Self::ok(text),
            // Asked for nothing: the help, as for `--help`.
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return Self::ok(text),
            ErrorKind::ValueValidation => match std::error::Error::source(e) {
                Some(why) => format!("error: {why}\n\nFor more information, try '--help'.\n"),
                None => tidy(&text),
            },
            _ if text.contains("usage:") => tidy(&text),
            _ => format!("{}\n{USAGE}\n", tidy(&text).trim_end()),
        };
        Self {
            stdout: String::new(),
            stderr,
            status: 2,
        }
    }
}

/// Runs the command line `args` (without the program name), with what it
/// prints gathered in [`Outcome::stdout`].
pub fn run(args: &[String]) -> Outcome {
    let mut out = Vec::new();
    match run_to(args, &mut out) {
        Ok(mut outcome) => {
            outcome.stdout.insert_str(0, &String::from_utf8_lossy(&out));
            outcome
        }
        // Writing to memory does not fail; said rather than unwrapped.
        Err(e) => Outcome {
            stdout: String::new(),
            stderr: format!("error: cannot write the output: {e}\n"),
            status: 1,
        },
    }
}

/// Runs the command line `args`, writing what it prints to `out` as it
/// goes (a report is not built in memory first). An error of `out` is
/// returned as is: the caller tells a closed pipe from lost output.
pub fn run_to(args: &[String], out: &mut dyn io::Write) -> io::Result<Outcome> {
    let all = std::iter::once("asyncscope").chain(args.iter().map(String::as_str));
    let outcome = match Cli::try_parse_from(all) {
        Ok(Cli { command: Command::List }) => Outcome::ok(list()),
        Ok(Cli {
            command: Command::Run(run),
        }) => return run_demo(&run, out),
        Ok(Cli {
            command: Command::RunPy(run),
        }) => return run_py(&run, out),
        Ok(Cli {
            command: Command::Pictures(args),
        }) => pictures(&args),
        Ok(Cli {
            command: Command::Texts(args),
        }) => texts(&args),
        Err(e) => Outcome::from_clap(&e),
    };
    out.write_all(outcome.stdout.as_bytes())?;
    Ok(Outcome {
        stdout: String::new(),
        ..outcome
    })
}

fn pictures(args: &PicturesArgs) -> Outcome {
    let mut made = Vec::with_capacity(ENTRIES.len());
    for e in ENTRIES {
        match demos::default_trace(e.slug) {
            Some(trace) => made.push((e.slug, asyncscope_view::mini_svg(&trace))),
            None => {
                return Outcome {
                    stdout: String::new(),
                    stderr: format!("error: the default run of {} did not end\n", e.slug),
                    status: 1,
                };
            }
        }
    }
    let file = asyncscope_view::pictures_file(made);
    match &args.out {
        None => Outcome::ok(file),
        Some(path) => match std::fs::write(path, file) {
            Ok(()) => Outcome::ok(String::new()),
            Err(e) => Outcome {
                stdout: String::new(),
                stderr: format!("error: cannot write {path}: {e}\n"),
                status: 1,
            },
        },
    }
}

fn texts(args: &TextsArgs) -> Outcome {
    let dir = std::path::Path::new(&args.out_dir);
    let mut written = String::new();
    for e in ENTRIES {
        let (Some(texts), Some(name)) = (demos::texts(e.slug), demos::texts_file(e.slug)) else {
            return Outcome {
                stdout: String::new(),
                stderr: format!("error: the demo {} has no texts\n", e.slug),
                status: 1,
            };
        };
        let path = dir.join(&name);
        let json = match serde_json::to_string(&texts) {
            Ok(json) => json,
            Err(e) => {
                return Outcome {
                    stdout: String::new(),
                    stderr: format!("error: cannot write {name} as JSON: {e}\n"),
                    status: 1,
                };
            }
        };
        if let Err(e) = std::fs::write(&path, json) {
            return Outcome {
                stdout: String::new(),
                stderr: format!("error: cannot write {}: {e}\n", path.display()),
                status: 1,
            };
        }
        let _ = writeln!(written, "{name}");
    }
    Outcome::ok(written)
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

fn run_demo(args: &RunArgs, out: &mut dyn io::Write) -> io::Result<Outcome> {
    let (slug, seed) = (args.slug, args.seed);
    let Some(specs) = demos::specs(slug) else {
        return Ok(Outcome::bad_input(format!("unknown demo \"{slug}\"")));
    };
    // The core's one rule: a name given twice is refused, by name.
    let pairs = match unique_pairs(args.set.iter().cloned()) {
        Ok(pairs) => pairs,
        Err(errors) => return Ok(Outcome::bad_input(messages(&errors))),
    };
    let rt = VirtualRuntime::with_seed(seed);
    let started = match demos::start(slug, rt.env(), &pairs) {
        Ok(Some(started)) => started,
        Ok(None) => return Ok(Outcome::bad_input(format!("unknown demo \"{slug}\""))),
        Err(errors) => return Ok(Outcome::bad_input(messages(&errors))),
    };
    // The run's bound: once a trace is full (its capacity, 2^20 events by
    // default), nothing more would be recorded, so the run stops there.
    let traced: Vec<_> = started.runs.iter().map(|(_, t)| t.clone()).collect();
    let full = || traced.iter().any(|t| t.trace().dropped() > 0);
    let mut warning = String::new();
    let mut stall = None;
    match rt.run_to_end(started.work, full) {
        Ok(Some(())) => {}
        Ok(None) => {
            let events: usize = traced.iter().map(|t| t.trace().events().len()).sum();
            warning = format!(
                "warning: the run was stopped at {} ms of virtual time: its trace is full ({events} events kept); \
                 the tasks still running are shown as running. Fewer tasks or a shorter run fit.\n",
                rt.now().as_millis()
            );
        }
        // What was recorded is printed all the same (its warnings say who
        // waits on what), and the run fails.
        Err(stalled) => {
            stall = Some(format!(
                "error: the run stalled at {} ms: a task waits for something that never comes (its warnings say what)\n",
                stalled.at.as_millis()
            ));
        }
    }
    // The traces are borrowed, not copied, and written as they are read.
    let borrowed: Vec<_> = started.runs.iter().map(|(l, t)| (*l, t.trace())).collect();
    let runs: Vec<(&str, &asyncscope_core::Trace)> = borrowed.iter().map(|(l, t)| (*l, &**t)).collect();
    let params = effective(specs, &pairs);
    if let Some(at) = args.at
        && !matches!(args.format, Format::Text | Format::Json)
    {
        let _ = at;
        return Ok(Outcome::bad_input("--at works with --format text or json".to_string()));
    }
    let write = |w: &mut dyn io::Write| -> io::Result<()> {
        if let Some(at) = args.at {
            let at = std::time::Duration::from_millis(at);
            return match args.format {
                Format::Json => {
                    report::write_waits_json(&mut *w, slug, seed, at, &runs)?;
                    w.write_all(b"\n")
                }
                _ => w.write_all(report::waits_text(slug, seed, at, &runs).as_bytes()),
            };
        }
        match args.format {
            Format::Text => w.write_all(report::text_report(slug, seed, &runs).as_bytes())?,
            Format::Json => report::write_json_report(&mut *w, slug, &params, seed, &runs)?,
            Format::Chrome => export::write_chrome_demo(&mut *w, slug, &runs)?,
            Format::Svg => w.write_all(svg_document(&runs, View::default()).as_bytes())?,
        }
        if args.format != Format::Text {
            w.write_all(b"\n")?;
        }
        Ok(())
    };
    let mut outcome = match &args.out {
        None => {
            write(out)?;
            Outcome::ok(String::new())
        }
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|file| {
                let mut file = Counted(io::BufWriter::new(file), 0);
                write(&mut file)?;
                io::Write::flush(&mut file)?;
                Ok(file.1)
            });
            match written {
                Ok(bytes) => Outcome {
                    stdout: String::new(),
                    stderr: format!("wrote {bytes} bytes to {path}\n"),
                    status: 0,
                },
                Err(e) => Outcome {
                    stdout: String::new(),
                    stderr: format!("error: cannot write {path}: {e}\n"),
                    status: 1,
                },
            }
        }
    };
    outcome.stderr.insert_str(0, &warning);
    if let Some(stall) = stall {
        outcome.stderr.push_str(&stall);
        outcome.status = 1;
    }
    Ok(outcome)
}

fn run_py(args: &RunPyArgs, out: &mut dyn io::Write) -> io::Result<Outcome> {
    use asyncscope_core::py;
    if args.format == Format::Svg {
        return Ok(Outcome::bad_input("run-py writes text, json or chrome"));
    }
    let source = match std::fs::read(&args.file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(_) => return Ok(Outcome::bad_input(format!("{} is not UTF-8 text", args.file))),
        },
        Err(e) => return Ok(Outcome::bad_input(format!("cannot read {}: {e}", args.file))),
    };
    let bound = std::time::Duration::from_secs(args.bound);
    let (trace, finished) = match py::run_virtual(&source, args.seed, py::Limits::default(), bound, args.max_events) {
        Ok(done) => done,
        Err(e) => return Ok(Outcome::bad_input_raw(format!("{}\n", e.render(&source, &args.file)))),
    };
    let runs = [(args.file.as_str(), &trace)];
    let write = |w: &mut dyn io::Write| -> io::Result<()> {
        match args.format {
            Format::Json => report::write_json_report(&mut *w, &args.file, &[], args.seed, &runs)?,
            Format::Chrome => export::write_chrome_demo(&mut *w, &args.file, &runs)?,
            _ => w.write_all(report::text_report(&args.file, args.seed, &runs).as_bytes())?,
        }
        if args.format != Format::Text {
            w.write_all(b"\n")?;
        }
        Ok(())
    };
    let mut stderr = String::new();
    for w in &finished.warnings {
        let _ = writeln!(stderr, "warning: {w}");
    }
    let mut status = 0;
    if let Some(stopped) = &finished.stopped {
        let _ = writeln!(stderr, "error: {stopped}");
        status = 1;
    }
    if let Some(tb) = &finished.error {
        let _ = writeln!(stderr, "{tb}");
        status = 1;
    }
    let mut outcome = match &args.out {
        None => {
            write(out)?;
            Outcome::ok(String::new())
        }
        Some(path) => match std::fs::File::create(path).and_then(|file| {
            let mut file = Counted(io::BufWriter::new(file), 0);
            write(&mut file)?;
            io::Write::flush(&mut file)?;
            Ok(file.1)
        }) {
            Ok(bytes) => Outcome {
                stdout: String::new(),
                stderr: format!("wrote {bytes} bytes to {path}\n"),
                status: 0,
            },
            Err(e) => {
                return Ok(Outcome {
                    stdout: String::new(),
                    stderr: format!("error: cannot write {path}: {e}\n"),
                    status: 1,
                });
            }
        },
    };
    outcome.stderr.insert_str(0, &stderr);
    outcome.status = status;
    Ok(outcome)
}

/// A writer that counts the bytes it passes on.
struct Counted<W>(W, u64);

impl<W: io::Write> io::Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1 += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

fn messages(errors: &[asyncscope_core::params::ParamError]) -> String {
    let lines: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    lines.join("\nerror: ")
}

/// Every parameter's value for the run: as given (trimmed), or its default.
/// Each name is given at most once: [`unique_pairs`] refused a repeat.
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
