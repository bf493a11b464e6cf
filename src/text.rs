//! Small pure helpers for untrusted newsletter text.
//!
//! Newsletter text comes from strangers: before it is stored or drawn, any
//! terminal control sequence in it is removed so it can never move the
//! cursor, retitle the window or write the clipboard.

/// Removes terminal control sequences and control characters.
///
/// ESC-introduced sequences (CSI, OSC, DCS, single-character escapes) are
/// dropped whole. A string sequence (OSC, DCS, APC, PM, SOS) counts only
/// when its terminator (BEL, ST or another ESC) is on the same line within
/// [`MAX_STRING`] bytes; otherwise only its introducer is dropped, so a
/// stray `ESC ]` or a mis-decoded U+009D never takes the rest of the text
/// with it. A CSI ends at its final byte, at the first character no CSI
/// holds, or after [`MAX_CSI`] characters. C0 and C1 controls and DEL are
/// dropped, except that a tab becomes spaces up to the next multiple of
/// four columns, and newlines are kept; bidirectional overrides and
/// isolates, which can make text read differently from how it is stored,
/// are dropped too.
///
/// ```
/// // A window-title change and a colour hidden in a headline.
/// let headline = "Rates \u{1b}]0;pwned\u{7}hold \u{1b}[31msteady\u{1b}[0m";
/// assert_eq!(nlread::text::sanitize(headline), "Rates hold steady");
/// // An introducer with no terminator costs itself, not the story.
/// assert_eq!(nlread::text::sanitize("Caf\u{9d} news\nMore"), "Caf news\nMore");
/// ```
pub fn sanitize(input: &str) -> String {
    sanitized(input).into_owned()
}

/// [`sanitize`] without a copy when there is nothing to remove, which is
/// nearly always.
pub fn sanitized(input: &str) -> std::borrow::Cow<'_, str> {
    if !needs_work(input.as_bytes()) {
        return std::borrow::Cow::Borrowed(input);
    }
    std::borrow::Cow::Owned(sanitize_all(input))
}

/// Bytes a string sequence may span before its terminator: titles and
/// links are shorter. A terminator further away does not count.
pub const MAX_STRING: usize = 1024;

/// Characters a CSI sequence may take before its final byte; real ones
/// (colours with many parameters) are a few dozen.
pub const MAX_CSI: usize = 64;

/// The full pass of [`sanitize`], character by character.
fn sanitize_all(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut ends = StringEnds::default();
    let mut column = 0usize;
    let mut at = 0;
    while let Some(c) = input[at..].chars().next() {
        at += c.len_utf8();
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
            '\u{1b}' => at = skip_escape(input, at, &mut ends),
            // C1 CSI/OSC/DCS/APC/PM/SOS introduce a sequence like ESC does.
            '\u{9b}' => at = skip_csi(input, at),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => {
                at = skip_string(input, at, &mut ends);
            }
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

/// After an ESC at `at`: where the sequence it starts ends.
fn skip_escape(input: &str, at: usize, ends: &mut StringEnds) -> usize {
    let bytes = input.as_bytes();
    match bytes.get(at) {
        Some(b'[') => skip_csi(input, at + 1),
        Some(b']' | b'P' | b'X' | b'^' | b'_') => skip_string(input, at + 1, ends),
        // ESC followed by intermediates then a final byte (e.g. ESC ( B).
        Some(0x20..=0x2f) => {
            let mut end = at;
            while end - at < MAX_CSI && matches!(bytes.get(end), Some(0x20..=0x2f)) {
                end += 1;
            }
            if matches!(bytes.get(end), Some(0x30..=0x7e)) {
                end += 1;
            }
            end
        }
        // A two-character escape (ESC c, ESC 7 ...); a line end or a
        // character beyond ASCII is text again.
        Some(0x30..=0x7e) => at + 1,
        _ => at,
    }
}

/// CSI after its introducer at `at`: parameters and intermediates, then
/// one final byte in @..~. A character no CSI holds (a line end, ESC,
/// anything beyond ASCII) ends it unconsumed, and so does [`MAX_CSI`].
fn skip_csi(input: &str, at: usize) -> usize {
    let bytes = input.as_bytes();
    let mut end = at;
    while end < bytes.len() && end - at < MAX_CSI {
        let b = bytes[end];
        if !(b' '..=b'~').contains(&b) {
            return end;
        }
        end += 1;
        if (0x40..=0x7e).contains(&b) {
            return end;
        }
    }
    end
}

/// An OSC/DCS/APC/PM/SOS string after its introducer at `at`: through its
/// terminator (BEL, or ST as ESC \ or U+009C; any other ESC ends it too and
/// starts a sequence of its own) when that is on the same line within
/// [`MAX_STRING`] bytes. Otherwise it is no sequence: nothing after the
/// introducer is dropped.
fn skip_string(input: &str, at: usize, ends: &mut StringEnds) -> usize {
    let bytes = input.as_bytes();
    let Some(stop) = ends.next(bytes, at) else {
        return at;
    };
    if stop - at > MAX_STRING {
        return at;
    }
    match bytes[stop] {
        0x07 => stop + 1,
        0xc2 => stop + 2,
        0x1b if bytes.get(stop + 1) == Some(&b'\\') => stop + 2,
        0x1b => stop,
        _ => at,
    }
}

/// Where the next byte that can end a string sequence is (BEL, ESC, a
/// newline, or U+009C), remembered so that a text of many introducers is
/// still scanned once, not once per introducer.
#[derive(Default)]
struct StringEnds {
    /// The next BEL, ESC or newline at or after `c0_from`, if any.
    c0: Option<usize>,
    c0_from: usize,
    /// The next U+009C (`C2 9C`) at or after `st_from`, if any.
    st: Option<usize>,
    st_from: usize,
    started: bool,
}

impl StringEnds {
    fn next(&mut self, bytes: &[u8], at: usize) -> Option<usize> {
        let stale = |found: Option<usize>, from: usize| {
            !self.started || at < from || found.is_some_and(|i| i < at)
        };
        if stale(self.c0, self.c0_from) {
            self.c0 = memchr::memchr3(0x07, 0x1b, b'\n', &bytes[at..]).map(|i| at + i);
            self.c0_from = at;
        }
        if stale(self.st, self.st_from) {
            self.st = memchr::memmem::find(&bytes[at..], b"\xc2\x9c").map(|i| at + i);
            self.st_from = at;
        }
        self.started = true;
        match (self.c0, self.st) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
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
        // Only characters starting with one of the lead bytes are looked at
        // (found with memchr: curly quotes and dashes make 0xe2 common, and
        // decoding every character of a 300 MB export took a third of it).
        let mut start = 0;
        let mut at = 0;
        while let Some(found) = next_lead(&bytes[at..]) {
            let i = at + found;
            let len = match bytes[i] {
                0x7f => 1,
                0xc2 | 0xd8 => 2,
                _ => 3,
            };
            let escaped = bytes
                .get(i..i + len)
                .and_then(|c| std::str::from_utf8(c).ok())
                .and_then(|c| c.chars().next())
                .filter(|&c| {
                    c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_control(c)
                });
            match escaped {
                Some(c) => {
                    self.inner.write_all(&bytes[start..i])?;
                    write!(self.inner, "\\u{:04x}", u32::from(c))?;
                    start = i + len;
                    at = start;
                }
                None => at = i + 1,
            }
        }
        self.inner.write_all(&bytes[start..])
    }
}

/// Where the next byte that may start an escaped character is.
fn next_lead(bytes: &[u8]) -> Option<usize> {
    let three = memchr::memchr3(0xc2, 0xd8, 0xe2, bytes);
    let del = memchr::memchr(0x7f, &bytes[..three.unwrap_or(bytes.len())]);
    del.or(three)
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
        if self.pending.is_empty() && next_lead(buf).is_none() {
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
    fn an_unterminated_string_sequence_costs_only_its_introducer() {
        // Issue 11, finding 1: a lone OSC/DCS introducer used to drop every
        // character to the end of the text, looking for its terminator.
        for introducer in [
            "\u{9d}", "\u{90}", "\u{98}", "\u{9e}", "\u{9f}", "\u{1b}]", "\u{1b}P", "\u{1b}_",
        ] {
            let text = format!("One{introducer}0;junk\nTwo\n\nThree");
            assert_eq!(sanitize(&text), "One0;junk\nTwo\n\nThree", "{introducer:?}");
            // On one long line (a Markdown or HTML paragraph) too.
            let words = "word ".repeat(400);
            let text = format!("Start {introducer}{words}end.");
            assert_eq!(
                sanitize(&text),
                format!("Start {words}end."),
                "{introducer:?}"
            );
        }
        // A terminator beyond MAX_STRING does not count.
        let far = format!("a\u{1b}]{}\u{7}b", "x".repeat(super::MAX_STRING + 1));
        assert_eq!(
            sanitize(&far),
            format!("a{}b", "x".repeat(super::MAX_STRING + 1))
        );
        // An ESC inside ends the string and starts its own sequence.
        assert_eq!(sanitize("a\u{1b}]0;t\u{1b}[31mb"), "ab");
        // A newline after an ESC is kept.
        assert_eq!(sanitize("a\u{1b}\nb"), "a\nb");
    }

    #[test]
    fn many_introducers_are_still_one_linear_pass() {
        // Each introducer looks for its terminator; the search is shared.
        let text = "\u{9d}x".repeat(200_000);
        let start = std::time::Instant::now();
        assert_eq!(sanitize(&text), "x".repeat(200_000));
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn an_unterminated_csi_ends_at_the_first_character_no_csi_holds() {
        assert_eq!(sanitize("a\u{9b}2 — b"), "a— b");
        assert_eq!(sanitize("a\u{9b}1;2\nb"), "a\nb");
        let digits = "1;".repeat(100);
        let clean = sanitize(&format!("a\u{1b}[{digits}mb"));
        assert!(clean.ends_with("mb") && clean.len() > 100, "{clean:?}");
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
        // Whole, many in one write, beside quotes and dashes that are kept.
        let mut whole = Vec::new();
        let mut w = super::JsonEscaper::new(&mut whole);
        let many = format!("{json}“{json}”\u{7f}");
        w.write_all(many.as_bytes()).expect("write");
        w.flush().expect("flush");
        assert_eq!(
            String::from_utf8(whole).expect("UTF-8"),
            format!("{text}“{text}”\\u007f")
        );
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
