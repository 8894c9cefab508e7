//! The app's hashed files, compressed once at build time: `X.br` (brotli,
//! quality 11) and `X.gz` (gzip, level 9) beside each hashed file `X` of
//! `dist/`, which the server sends as they are to a browser that accepts
//! them (and sends `X` itself, compressed on the fly, where there is no
//! such file). `cargo xtask` writes them after trunk's release build,
//! through `asyncscope-lab --precompress`.
//!
//! A hashed file is trunk's `name-<hash>.ext` (also `name-<hash>_bg.wasm`)
//! or a demo's texts, `texts-<slug>-<hash>.json`:
//! its name changes whenever its content does, so a browser may keep it for
//! a year without asking again ([`cache_control`]). `index.html` and any
//! file without a hash in its name must be asked for again each time.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The extensions worth compressing: text, and wasm.
pub const COMPRESSIBLE: &[&str] = &["wasm", "js", "mjs", "css", "svg", "html", "json", "map", "txt", "xml"];

/// The precompressed variants, as (encoding, extension added to the file's
/// name), in the server's order of preference.
pub const VARIANTS: [(&str, &str); 2] = [("br", ".br"), ("gzip", ".gz")];

/// `Cache-Control` for a hashed file: a year, never asked for again.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` for any other file: kept, but checked again before use.
pub const NO_CACHE: &str = "no-cache";

/// True if `file_name` is a hashed name, `stem-<hash>` and an extension
/// (trunk's names: the hash is 64 bits in lowercase hex without leading
/// zeros, so 12 to 16 digits are taken), possibly `_bg` or `_loader` after
/// the hash, as trunk writes wasm and its loader, and possibly a
/// precompressed variant's extension after all.
pub fn is_hashed(file_name: &str) -> bool {
    let Some((base, _extensions)) = file_name.split_once('.') else {
        return false;
    };
    let base = base
        .strip_suffix("_bg")
        .or_else(|| base.strip_suffix("_loader"))
        .unwrap_or(base);
    match base.rsplit_once('-') {
        Some((stem, hash)) => {
            !stem.is_empty()
                && (12..=16).contains(&hash.len())
                && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }
        None => false,
    }
}

/// The `Cache-Control` of the file at `uri_path` (the last segment names
/// it; a directory's is its `index.html`'s).
pub fn cache_control(uri_path: &str) -> &'static str {
    let name = uri_path.rsplit('/').next().unwrap_or("");
    if is_hashed(name) { IMMUTABLE } else { NO_CACHE }
}

/// `data` as brotli at quality 11, the largest window (16 MiB).
pub fn brotli(data: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(data.len() / 3);
    // Reading a slice and writing a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &data[..], &mut out, &params);
    out
}

/// `data` as gzip at level 9.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::new(9));
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// `data` decoded from `encoding` (`br` or `gzip`), for checking.
pub fn decode(encoding: &str, data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match encoding {
        "br" => {
            brotli::Decompressor::new(data, 4096).read_to_end(&mut out)?;
        }
        "gzip" => {
            flate2::read::GzDecoder::new(data).read_to_end(&mut out)?;
        }
        other => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unknown encoding {other:?}"),
            ));
        }
    }
    Ok(out)
}

/// What [`precompress_dir`] did with one file: its size, and the size of
/// each variant written (`None`: the variant would not have been smaller,
/// so none is kept and the file is served as it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Precompressed {
    /// The file, under `dist`.
    pub path: PathBuf,
    /// Its size in bytes.
    pub raw: u64,
    /// The size of `X.br`.
    pub br: Option<u64>,
    /// The size of `X.gz`.
    pub gz: Option<u64>,
}

/// Writes `X.br` and `X.gz` beside every hashed, compressible file `X` in
/// `dist` and its folders (never through a symbolic link), replacing any
/// there were; a variant that would not be smaller than `X` is not kept.
/// Returns what it did, in the order of the paths.
pub fn precompress_dir(dist: &Path) -> io::Result<Vec<Precompressed>> {
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    let mut done = Vec::new();
    for path in files {
        let data = std::fs::read(&path)?;
        let raw = data.len() as u64;
        let mut sizes = [None, None];
        for ((_, extension), size) in VARIANTS.iter().zip(&mut sizes) {
            let packed = if *extension == ".br" {
                brotli(&data)
            } else {
                gzip(&data)
            };
            let target = with_suffix(&path, extension);
            if (packed.len() as u64) < raw {
                write_whole(&target, &packed)?;
                *size = Some(packed.len() as u64);
            } else {
                match std::fs::remove_file(&target) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
        }
        let [br, gz] = sizes;
        done.push(Precompressed { path, raw, br, gz });
    }
    Ok(done)
}

/// `path` with `suffix` added to its file name (`a.wasm` → `a.wasm.br`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// The hashed, compressible regular files under `dir`.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            collect(&path, files)?;
        } else if kind.is_file() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if is_hashed(&name) && COMPRESSIBLE.contains(&extension) {
                files.push(path);
            }
        }
    }
    Ok(())
}

/// Writes `data` to `target` through a temporary file and a rename, so the
/// server never sends half a file.
fn write_whole(target: &Path, data: &[u8]) -> io::Result<()> {
    let partial = with_suffix(target, ".partial");
    std::fs::write(&partial, data)?;
    std::fs::rename(&partial, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_trunks() {
        for name in [
            "asyncscope-app-fa1bc9e5b1808c80.js",
            "asyncscope-app-fa1bc9e5b1808c80_bg.wasm",
            "asyncscope-app-fa1bc9e5b1808c80_bg.wasm.br",
            "style-f04fa207b5e788e0.css",
            "favicon-a265f7f94ed80a13.svg",
            // No leading zeros: 15 digits.
            "style-4fa207b5e788e01.css",
            "app-0123456789ab_loader.js",
            // A demo's texts (`demos::texts_file`): 16 digits, zeros kept.
            "texts-sequential-vs-concurrent-00f1e2d3c4b5a697.json",
        ] {
            assert!(is_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "style.css",
            "report-2024.css",
            "app-deadbeef.js",
            "app-0123456789abcdef0.js",
            "app-0123456789ABCDEF.js",
            "app-0123456789abcdeg.js",
            "-0123456789abcdef.js",
            "app-0123456789abcdef",
            "",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
        assert_eq!(cache_control("/style-f04fa207b5e788e0.css"), IMMUTABLE);
        assert_eq!(cache_control("/assets/app-fa1bc9e5b1808c80_bg.wasm"), IMMUTABLE);
        for path in ["/", "/index.html", "/web/style.css", "/favicon.svg"] {
            assert_eq!(cache_control(path), NO_CACHE, "{path}");
        }
    }

    #[test]
    fn both_encodings_round_trip() {
        let data: Vec<u8> = (0..100_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        for (encoding, packed) in [("br", brotli(&data)), ("gzip", gzip(&data))] {
            assert!(packed.len() < data.len() / 4, "{encoding}: {}", packed.len());
            assert_eq!(decode(encoding, &packed).expect("decodes"), data, "{encoding}");
        }
        assert!(decode("zstd", b"").is_err());
    }
}
