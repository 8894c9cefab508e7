//! The Content-Security-Policy the app runs under. Trunk's pages
//! (`index.html`, and `compose.html` for the composer's build) start the
//! app with an inline module script; rather than allow inline scripts, the
//! policy names each such script by its SHA-256 hash, computed from the
//! pages being served.

use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy for pages whose HTML is `pages` (none, one or several).
pub fn policy(pages: &[String]) -> String {
    let mut script = String::from("'self' 'wasm-unsafe-eval'");
    for body in pages.iter().flat_map(|html| inline_scripts(html)) {
        let digest = Sha256::digest(body.as_bytes());
        script.push_str(&format!(
            " 'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        ));
    }
    format!(
        "default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The text of every `<script>` element without a `src`, exactly as written.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else { break };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") && !tag.contains(" src =") {
            out.push(&body_start[..close]);
        }
        rest = &body_start[close + "</script>".len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<script src="/a.js"></script><script type="module">
import init from '/app.js';
</script>"#;
        assert_eq!(inline_scripts(html), ["\nimport init from '/app.js';\n"]);
        let p = policy(&[html.to_string()]);
        assert!(p.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{p}");
        assert_eq!(p.matches("'sha256-").count(), 1);
        assert!(!policy(&[]).contains("sha256"));
        // Two pages: both their scripts are allowed.
        let other = r#"<script type="module">import init from '/other.js';</script>"#;
        let both = policy(&[html.to_string(), other.to_string()]);
        assert_eq!(both.matches("'sha256-").count(), 2, "{both}");
    }
}
