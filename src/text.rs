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
    if !needs_work(input.as_bytes()) {
        return input.to_string();
    }
    sanitize_all(input)
}

/// The full pass of [`sanitize`], character by character.
fn sanitize_all(input: &str) -> String {
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

/// A byte scan for anything [`sanitize`] changes: C0 controls but newline,
/// DEL, C1 controls (UTF-8 `C2 80..9F`), the bidi marks and overrides
/// (`E2 80 8E..8F`, `E2 80 AA..AE`, `E2 81 A6..A9`) and U+061C (`D8 9C`).
/// Newsletter text almost never has any, and this is several times faster
/// than decoding every character.
fn needs_work(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {}
            0..=0x1f | 0x7f => return true,
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => return true,
            0xd8 if bytes.get(i + 1) == Some(&0x9c) => return true,
            0xe2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(0x80), Some(0x8e | 0x8f | 0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9)) => {
                    return true;
                }
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    false
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

/// The text's user-perceived characters as the terminal draws them, with
/// their byte offsets: a character with the zero-width ones after it
/// (combining marks, variation selectors, skin tones, zero-width joiners and
/// the character a joiner joins), and regional-indicator pairs (flags). An
/// approximation of Unicode grapheme clusters that agrees with ratatui's
/// cells for the scripts and emoji a newsletter holds; see [`width`].
pub fn clusters(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = rest.next()?;
        let mut end = start + first.len_utf8();
        let mut joined = first == '\u{200d}';
        let mut flag = is_regional_indicator(first);
        while let Some(&(i, c)) = rest.peek() {
            let glue = joined || is_extend(c) || (flag && is_regional_indicator(c));
            if !glue {
                break;
            }
            flag = false;
            joined = c == '\u{200d}';
            rest.next();
            end = i + c.len_utf8();
        }
        Some((start, &text[start..end]))
    })
}

/// Characters that extend the one before them instead of taking a cell.
fn is_extend(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    matches!(c, '\u{1f3fb}'..='\u{1f3ff}' | '\u{200d}' | '\u{fe00}'..='\u{fe0f}')
        || (c.width() == Some(0) && !c.is_control())
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
}

/// Display width in terminal cells, cluster by cluster as ratatui measures
/// them: "❤️" (a heart and a variation selector) is 2, a family joined by
/// zero-width joiners is 2, not the sum of its people.
pub fn width(text: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    if text.is_ascii() {
        return text.len();
    }
    clusters(text).map(|(_, c)| c.width()).sum()
}

/// A writer for JSON text that escapes what `serde_json` writes raw but a
/// terminal may act on: DEL, the C1 controls (U+0080..U+009F, U+009B is a
/// CSI) and the bidi controls [`sanitize`] drops, each as a `\uXXXX` escape.
/// They can only occur inside JSON strings, so the JSON means the same; a
/// file name holding them reaches `nlread export` unsanitized.
pub struct JsonEscaper<W: std::io::Write> {
    inner: W,
    /// The start of a character cut by the end of the last write.
    pending: Vec<u8>,
}

impl<W: std::io::Write> JsonEscaper<W> {
    pub fn new(inner: W) -> Self {
        JsonEscaper {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_escaped(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        // Invalid UTF-8 cannot come from serde_json: pass it on untouched.
        let Ok(text) = std::str::from_utf8(bytes) else {
            return self.inner.write_all(bytes);
        };
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_control(c) {
                self.inner.write_all(&bytes[start..i])?;
                write!(self.inner, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        self.inner.write_all(&bytes[start..])
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Where a complete character ends in `bytes`: before a trailing, cut one.
fn complete_prefix(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=3.min(n) {
        let b = bytes[n - back];
        if b & 0xc0 != 0x80 {
            // A lead byte: complete if its sequence fits.
            let len = match b {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            };
            return if back >= len { n } else { n - back };
        }
    }
    n
}

impl<W: std::io::Write> std::io::Write for JsonEscaper<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Fast path: none of the lead bytes of what is escaped.
        if self.pending.is_empty() && !buf.iter().any(|b| matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2)) {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let end = complete_prefix(&bytes);
        self.write_escaped(&bytes[..end])?;
        self.pending = bytes[end..].to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner.write_all(&pending)?;
        self.inner.flush()
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
    fn the_fast_scan_agrees_with_the_full_pass() {
        for c in [
            '\u{0}', '\t', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{9f}', '\u{200e}',
            '\u{200f}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{061c}',
        ] {
            let text = format!("a{c}b");
            assert!(super::needs_work(text.as_bytes()), "{:?}", c);
            assert_ne!(sanitize(&text), text, "{:?}", c);
        }
        for text in [
            "plain",
            "é — “quotes” 世界 👋 \u{200d}\u{2014}\u{2067}x",
            "\u{a0}\u{c0}\u{2028}",
        ] {
            assert!(
                !super::needs_work(text.as_bytes()) || sanitize(text) != text,
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_scan_never_skips_work(text in "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{200e}\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{61c}])*") {
            proptest::prop_assert_eq!(sanitize(&text), super::sanitize_all(&text));
        }
    }

    #[test]
    fn json_escaper_escapes_what_serde_leaves_raw() {
        use std::io::Write;
        let name = "a\u{7f}b\u{9b}2J\u{202e}c — é\u{2069}";
        let json = serde_json::to_string(name).expect("serialize");
        let mut out = Vec::new();
        let mut w = super::JsonEscaper::new(&mut out);
        // Cut inside the characters: the escaper carries the halves over.
        for chunk in json.as_bytes().chunks(1) {
            w.write_all(chunk).expect("write");
        }
        w.flush().expect("flush");
        let text = String::from_utf8(out).expect("UTF-8");
        assert_eq!(text, "\"a\\u007fb\\u009b2J\\u202ec — é\\u2069\"");
        let back: String = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, name);
    }

    #[test]
    fn clusters_and_widths_follow_the_cells() {
        let parts = |t: &str| {
            super::clusters(t)
                .map(|(_, c)| c.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(parts("ab"), ["a", "b"]);
        assert_eq!(parts("e\u{301}x"), ["e\u{301}", "x"]);
        assert_eq!(parts("❤️!"), ["❤️", "!"]);
        assert_eq!(parts("👨‍👩‍👧x"), ["👨‍👩‍👧", "x"]);
        assert_eq!(parts("🇺🇦🇯🇵"), ["🇺🇦", "🇯🇵"]);
        assert_eq!(parts("🧑🏽‍🍳"), ["🧑🏽‍🍳"]);
        assert_eq!(super::width("❤️❤️"), 4);
        assert_eq!(super::width("👨‍👩‍👧"), 2);
        assert_eq!(super::width("日本"), 4);
        assert_eq!(super::width("Cafe\u{301}"), 4);
        assert_eq!(super::width("plain"), 5);
    }

    #[test]
    fn tabs_expand_to_four_columns() {
        assert_eq!(sanitize("a\tb\n\tc"), "a   b\n    c");
    }
}
