//! The composer's editor, as pure text edits: what Tab, Shift+Tab and
//! Enter do to a text and its selection. Offsets are UTF-16 code units,
//! as a `<textarea>` counts them.

/// A key the editor handles itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditKey {
    /// Indents the selected lines, or inserts four spaces at the caret.
    Tab,
    /// Removes up to four spaces of indentation from the selected lines.
    ShiftTab,
    /// A new line, indented as the current one (one level more after `:`).
    Enter,
}

/// The indentation unit.
pub const INDENT: &str = "    ";

/// The byte offset of the UTF-16 offset `u16_at` in `text` (clamped).
pub fn byte_at(text: &str, u16_at: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= u16_at {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 offset of the byte offset `at` in `text`.
pub fn utf16_at(text: &str, at: usize) -> u32 {
    text[..at.min(text.len())].chars().map(|c| c.len_utf16() as u32).sum()
}

/// `text` after `key` with the selection `start..end` (UTF-16): the new
/// text, and the new selection.
pub fn edit(text: &str, start: u32, end: u32, key: EditKey) -> (String, u32, u32) {
    let (s, e) = (byte_at(text, start.min(end)), byte_at(text, start.max(end)));
    let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
    match key {
        EditKey::Enter => {
            let line = &text[line_start..s];
            let indent: String = line.chars().take_while(|c| *c == ' ').collect();
            let extra = if line.trim_end().ends_with(':') { INDENT } else { "" };
            let insert = format!("\n{indent}{extra}");
            let out = format!("{}{insert}{}", &text[..s], &text[e..]);
            let caret = utf16_at(&out, s + insert.len());
            (out, caret, caret)
        }
        EditKey::Tab if !text[s..e].contains('\n') => {
            let out = format!("{}{INDENT}{}", &text[..s], &text[e..]);
            let caret = utf16_at(&out, s + INDENT.len());
            (out, caret, caret)
        }
        EditKey::Tab | EditKey::ShiftTab => {
            let block_end = text[e..].find('\n').map_or(text.len(), |i| e + i);
            let block = &text[line_start..block_end];
            let lines: Vec<String> = block
                .split('\n')
                .map(|l| match key {
                    EditKey::Tab => format!("{INDENT}{l}"),
                    _ => {
                        let n = l.chars().take(4).take_while(|c| *c == ' ').count();
                        l[n..].to_owned()
                    }
                })
                .collect();
            let replaced = lines.join("\n");
            let out = format!("{}{replaced}{}", &text[..line_start], &text[block_end..]);
            let (a, b) = (utf16_at(&out, line_start), utf16_at(&out, line_start + replaced.len()));
            (out, a, b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_keeps_the_indentation_and_adds_a_level_after_a_colon() {
        let text = "async def main():";
        let n = utf16_at(text, text.len());
        assert_eq!(
            edit(text, n, n, EditKey::Enter),
            ("async def main():\n    ".into(), 22, 22)
        );
        let text = "    x = 1";
        let n = utf16_at(text, text.len());
        assert_eq!(edit(text, n, n, EditKey::Enter).0, "    x = 1\n    ");
    }

    #[test]
    fn tab_inserts_at_the_caret_or_indents_the_selected_lines() {
        assert_eq!(edit("ab", 1, 1, EditKey::Tab), ("a    b".into(), 5, 5));
        assert_eq!(edit("a\nb\nc", 0, 3, EditKey::Tab), ("    a\n    b\nc".into(), 0, 11));
        assert_eq!(edit("    a\n  b", 0, 9, EditKey::ShiftTab), ("a\nb".into(), 0, 3));
    }

    #[test]
    fn offsets_are_utf16_units() {
        let text = "é中😀x";
        assert_eq!(utf16_at(text, text.len()), 5);
        assert_eq!(byte_at(text, 4), text.len() - 1);
        let (out, a, _) = edit(text, 4, 4, EditKey::Tab);
        assert_eq!(out, "é中😀    x");
        assert_eq!(a, 8);
    }
}
