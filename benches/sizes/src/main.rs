//! Prints, for each file named on the command line, one line
//! `size<TAB>raw<TAB>brotli<TAB>gzip<TAB>path`: its length, at brotli
//! quality 11 (window 2^22, as a static host precompresses) and at gzip
//! level 9, in bytes. `cargo xtask bench` reads these lines.

use std::io::Write;
use std::process::ExitCode;

fn brotli_len(data: &[u8]) -> std::io::Result<usize> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out.len())
}

fn gzip_len(data: &[u8]) -> std::io::Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data)?;
    Ok(enc.finish()?.len())
}

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: bench-sizes FILE...");
        return ExitCode::from(2);
    }
    for path in paths {
        let sizes = std::fs::read(&path).and_then(|data| Ok((data.len(), brotli_len(&data)?, gzip_len(&data)?)));
        match sizes {
            Ok((raw, br, gz)) => println!("size\t{raw}\t{br}\t{gz}\t{path}"),
            Err(e) => {
                eprintln!("bench-sizes: {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
