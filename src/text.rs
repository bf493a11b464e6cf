//! Small pure helpers for untrusted newsletter text.
//!
//! Newsletter text comes from strangers: before it is stored or drawn, any
//! terminal control sequence in it is removed so it can never move the
//! cursor, retitle the window or write the clipboard.

/// Removes terminal control sequences and control characters.
///
/// ESC-introduced sequences (CSI, OSC, DCS, single-character escapes) are
/// dropped whole; C0 and C1 controls and DEL are dropped, except that a tab
/// becomes spaces up to the next multiple of four columns, and newlines are kept;
/// bidirectional overrides and isolates, which can make text read differently
/// from how it is stored, are dropped too.
///
/// ```
/// // A window-title change and a colour hidden in a headline.
/// let headline = "Rates \u{1b}]0;pwned\u{7}hold \u{1b}[31msteady\u{1b}[0m";
/// assert_eq!(nlread::text::sanitize(headline), "Rates hold steady");
/// ```
pub fn sanitize(input: &str) -> String {
    if !input.chars().any(needs_work) {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    let mut column = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\t' => {
                let spaces = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI/OSC/DCS/APC/PM/SOS introduce a sequence like ESC does.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_dropped(c) => {}
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

fn needs_work(c: char) -> bool {
    c == '\t' || c == '\u{1b}' || is_dropped(c)
}

fn is_dropped(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // ESC followed by intermediates then a final byte (e.g. ESC ( B).
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        _ => {}
    }
}

/// CSI: parameters and intermediates, then one final byte in @..~.
fn skip_until_final(chars: &mut Chars) {
    while let Some(&c) = chars.peek() {
        if c == '\n' || c == '\u{1b}' {
            return;
        }
        chars.next();
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
    }
}

/// OSC/DCS/APC/PM/SOS: everything up to BEL or ST (ESC \ or U+009C).
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(sanitize("Héllo — 世界 👋\nnext"), "Héllo — 世界 👋\nnext");
    }

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;pwned title\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]52;c;aGVsbG8=\u{1b}\\y"), "xy");
        assert_eq!(
            sanitize("\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "link"
        );
        assert_eq!(sanitize("a\u{9b}2Jb"), "ab");
        assert_eq!(sanitize("a\u{1b}(Bb"), "ab");
    }

    #[test]
    fn controls_and_bidi_overrides_are_removed() {
        assert_eq!(sanitize("a\u{7}b\u{8}c\rd\u{202e}e\u{85}f"), "abcdef");
    }

    #[test]
    fn tabs_expand_to_four_columns() {
        assert_eq!(sanitize("a\tb\n\tc"), "a   b\n    c");
    }
}
