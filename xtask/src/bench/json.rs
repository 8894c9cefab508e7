//! The bench's figures as JSON (xtask has no dependencies, so a small
//! writer of its own): every row with its samples, the commit, the load.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use super::bench_dir;
use super::table::{ROWS, Table, Unit, cell, cores, median, min, ratio};
use crate::run::{capture, root};

/// Just enough JSON to write the figures (xtask has no dependencies).
#[derive(Clone)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub fn str(s: &str) -> Json {
        Json::Str(s.to_string())
    }

    pub fn obj<const N: usize>(fields: [(&str, Json); N]) -> Json {
        Json::Obj(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    pub fn nums(xs: &[f64]) -> Json {
        Json::Arr(xs.iter().map(|x| Json::Num(*x)).collect())
    }

    pub fn opt(x: Option<f64>) -> Json {
        x.map_or(Json::Null, Json::Num)
    }

    pub fn write(&self, out: &mut String, indent: usize) {
        let pad = "  ".repeat(indent + 1);
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(x) if x.is_finite() => {
                let _ = write!(out, "{x}");
            }
            Json::Num(_) => out.push_str("null"),
            Json::Str(s) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        c if (c as u32) < 0x20 => {
                            let _ = write!(out, "\\u{:04x}", c as u32);
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            Json::Arr(xs) if xs.iter().all(|x| matches!(x, Json::Num(_) | Json::Null)) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    x.write(out, indent);
                }
                out.push(']');
            }
            Json::Arr(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    out.push_str(if i > 0 { ",\n" } else { "\n" });
                    out.push_str(&pad);
                    x.write(out, indent + 1);
                }
                let _ = write!(out, "\n{}]", "  ".repeat(indent));
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    out.push_str(if i > 0 { ",\n" } else { "\n" });
                    out.push_str(&pad);
                    Json::Str(k.clone()).write(out, indent + 1);
                    out.push_str(": ");
                    v.write(out, indent + 1);
                }
                let _ = write!(out, "\n{}}}", "  ".repeat(indent));
            }
        }
    }
}

pub fn side_json(unit: Unit, xs: &[f64]) -> Json {
    if xs.is_empty() {
        return Json::Null;
    }
    Json::obj([
        ("median", Json::opt(median(xs))),
        ("min", Json::opt(min(xs))),
        ("samples", Json::nums(xs)),
        ("shown", Json::Str(cell(unit, xs))),
    ])
}

pub fn to_json(
    table: &Table,
    reps: usize,
    started: SystemTime,
    load_start: Option<[f64; 3]>,
    load_end: Option<[f64; 3]>,
) -> Json {
    let load = |l: Option<[f64; 3]>| l.map_or(Json::Null, |l| Json::nums(&l));
    let commit = capture(Command::new("git").arg("-C").arg(root()).args(["rev-parse", "HEAD"]));
    let dirty = capture(
        Command::new("git")
            .arg("-C")
            .arg(root())
            .args(["status", "--porcelain"]),
    )
    .map(|s| !s.is_empty());
    let rows = ROWS
        .iter()
        .zip(&table.rows)
        .map(|(def, f)| {
            let status = match &f.missing {
                None => "measured",
                Some((true, _)) => "skipped",
                Some((false, _)) => "not measured",
            };
            let measured = f.missing.is_none();
            Json::obj([
                ("key", Json::str(def.key)),
                ("metric", Json::str(def.metric.trim())),
                ("unit", Json::str(def.unit.name())),
                ("status", Json::str(status)),
                (
                    "asyncscope",
                    if measured || f.missing.as_ref().is_some_and(|m| m.0) {
                        side_json(def.unit, &f.ours)
                    } else {
                        Json::Null
                    },
                ),
                ("baseline_is", Json::str(def.baseline)),
                (
                    "baseline",
                    if measured {
                        side_json(def.unit, &f.base)
                    } else {
                        Json::Null
                    },
                ),
                ("ratio", if measured { Json::opt(ratio(def, f)) } else { Json::Null }),
                ("goal", Json::str(def.goal)),
                ("why", f.missing.as_ref().map_or(Json::Null, |(_, w)| Json::str(w))),
                ("note", f.note.as_deref().map_or(Json::Null, Json::str)),
            ])
        })
        .collect();
    let mut fields = vec![
        ("format".to_string(), Json::str("asyncscope-bench")),
        ("version".to_string(), Json::Num(1.0)),
        ("started".to_string(), Json::Str(utc(started))),
        ("finished".to_string(), Json::Str(utc(SystemTime::now()))),
        ("commit".to_string(), commit.map_or(Json::Null, Json::Str)),
        ("dirty".to_string(), dirty.map_or(Json::Null, Json::Bool)),
        ("cores".to_string(), Json::Num(cores() as f64)),
        ("load_start".to_string(), load(load_start)),
        ("load_end".to_string(), load(load_end)),
        ("reps".to_string(), Json::Num(reps as f64)),
        ("rows".to_string(), Json::Arr(rows)),
    ];
    fields.extend(table.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    Json::Obj(fields)
}

/// Writes `bench-<time>.json` and `latest.json` under `target/bench/`.
pub fn write_json(json: &Json, started: SystemTime) -> std::io::Result<PathBuf> {
    let dir = bench_dir();
    std::fs::create_dir_all(&dir)?;
    let mut text = String::new();
    json.write(&mut text, 0);
    text.push('\n');
    let stamp: String = utc(started).chars().filter(|c| *c != '-' && *c != ':').collect();
    let path = dir.join(format!("bench-{stamp}.json"));
    std::fs::write(&path, &text)?;
    std::fs::write(dir.join("latest.json"), &text)?;
    Ok(path)
}

/// `2026-11-29T14:40:05Z`.
pub fn utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates() {
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            utc(UNIX_EPOCH + Duration::from_secs(1_709_210_096)),
            "2024-02-29T12:34:56Z"
        );
    }

    #[test]
    fn writes_json() {
        let mut s = String::new();
        Json::obj([("a", Json::str("x\"y\n")), ("b", Json::nums(&[1.0, 2.5, f64::NAN]))]).write(&mut s, 0);
        assert_eq!(s, "{\n  \"a\": \"x\\\"y\\n\",\n  \"b\": [1, 2.5, null]\n}");
    }
}
