//! A program in a share link: deflated, then base64url without padding,
//! so that a 2 kB program makes a link under 2,000 characters.

/// The largest program a link may carry, in bytes once inflated.
pub const MAX_PROGRAM: usize = 64 * 1024;

use crate::Bilingual;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The link form of `source`.
pub fn encode(source: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(source.as_bytes(), 9);
    let mut out = String::with_capacity(packed.len() * 4 / 3 + 4);
    for chunk in packed.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
        }
    }
    out
}

/// The program a link carries, or why it cannot be read (in English and
/// in Chinese).
pub fn decode(link: &str) -> Result<String, Bilingual> {
    let bad = || {
        Bilingual::new(
            "the program in this link is damaged (it may have been cut short); ask for the link again",
            "这个链接里的程序已损坏（可能被截断了）；请重新索取链接",
        )
    };
    let mut bits = 0u32;
    let mut count = 0;
    let mut packed = Vec::with_capacity(link.len() * 3 / 4);
    for c in link.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c).ok_or_else(bad)? as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            packed.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_PROGRAM).map_err(|e| {
        if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
            Bilingual::new(
                format!("the program in this link is larger than {} KB", MAX_PROGRAM / 1024),
                format!("这个链接里的程序超过了 {} KB", MAX_PROGRAM / 1024),
            )
        } else {
            bad()
        }
    })?;
    String::from_utf8(bytes).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_goes_through_a_link_unchanged_and_small() {
        let corpus = include_str!("../../tests/composer/corpus/31_job_manager.py");
        let mut program = String::new();
        while program.len() < 2048 {
            program.push_str(corpus);
        }
        program.truncate(2048);
        let link = encode(&program);
        assert!(link.len() < 2000, "{} characters", link.len());
        assert_eq!(decode(&link).as_deref(), Ok(program.as_str()));
        for s in ["", "a", "ab", "abc", "é 中文 ✓"] {
            assert_eq!(decode(&encode(s)).as_deref(), Ok(s));
        }
    }

    #[test]
    fn a_damaged_link_is_an_error_not_a_panic() {
        let link = encode("import asyncio\nprint('hi')\n");
        assert!(decode(&link[..link.len() / 2]).is_err());
        assert!(decode("not base64!").unwrap_err().en.contains("damaged"));
        assert!(decode("not base64!").unwrap_err().zh.contains("已损坏"));
        let bomb = encode(&"x".repeat(MAX_PROGRAM + 1));
        assert!(decode(&bomb).unwrap_err().en.contains("larger than 64 KB"));
        assert!(decode(&bomb).unwrap_err().zh.contains("超过了 64 KB"));
    }
}
