//! Case folding for matching: Unicode lowercasing applied one character at a time.
//!
//! Folding per character (rather than `str::to_lowercase`, which looks at context
//! for a final sigma) makes the fold of a string the concatenation of the folds of
//! its characters, so a match in folded text can always be traced back to whole
//! characters of the original. A character's fold may be longer or shorter in
//! bytes ('Ⱥ' 2 bytes -> 'ⱥ' 3, Kelvin sign 'K' 3 -> 'k' 1), so byte and char
//! positions shift; the maps below undo that.

/// Appends the fold of one character: its lowercase form, with two changes so
/// that what people type finds what is printed: the final sigma 'ς' reads as
/// 'σ' ("ΟΔΟΣ" finds "οδος"), and 'İ' folds to a plain 'i' rather than 'i' plus
/// a combining dot, so "istanbul" finds "İstanbul".
pub(crate) fn push_folded_char(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if c == 'İ' {
        out.push('i');
        return;
    }
    for l in c.to_lowercase() {
        out.push(if l == 'ς' { 'σ' } else { l });
    }
}

/// Appends the fold of `text` to `out`.
pub(crate) fn push_folded(out: &mut String, text: &str) {
    if text.is_ascii() {
        out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in text.chars() {
        push_folded_char(out, c);
    }
}

/// Appends the fold of `text` to a byte buffer: runs of ASCII are copied and
/// lowercased in bulk, and characters without case (punctuation such as
/// dashes and curly quotes, CJK) copied as they are, so only letters with
/// case go through `push_folded_char`.
pub(crate) fn push_folded_bytes(out: &mut Vec<u8>, text: &str) {
    let mut rest = text;
    let mut scratch = String::new();
    while !rest.is_empty() {
        let ascii = ascii_prefix_len(rest.as_bytes());
        let start = out.len();
        out.extend_from_slice(&rest.as_bytes()[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        if is_caseless(c) {
            out.extend_from_slice(&rest.as_bytes()[..c.len_utf8()]);
        } else {
            scratch.clear();
            push_folded_char(&mut scratch, c);
            out.extend_from_slice(scratch.as_bytes());
        }
        rest = chars.as_str();
    }
}

/// How many bytes at the start of `bytes` are ASCII; eight at a time.
fn ascii_prefix_len(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut len = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if u64::from_le_bytes(word) & HIGH_BITS != 0 {
            break;
        }
        len += 8;
    }
    len + bytes[len..]
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(bytes.len() - len)
}

/// Blocks of characters that have no lowercase form other than themselves:
/// General Punctuation, CJK symbols, kana and ideographs, Hangul syllables.
fn is_caseless(c: char) -> bool {
    matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}')
}

/// The fold of `text`.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_folded(&mut out, text);
    out
}

/// Folded text that remembers, for each of its characters, which character
/// of the original it came from.
pub(crate) struct CharMapped {
    pub(crate) folded: String,
    /// `origin[i]` is the original char index of folded char `i`.
    pub(crate) origin: Vec<usize>,
}

impl CharMapped {
    pub(crate) fn new(text: &str) -> Self {
        let mut folded = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut before = 0;
        for (i, c) in text.chars().enumerate() {
            push_folded_char(&mut folded, c);
            let added = folded[before..].chars().count();
            origin.extend(std::iter::repeat_n(i, added));
            before = folded.len();
        }
        CharMapped { folded, origin }
    }
}

/// Folded text that remembers, for each of its bytes, the byte range of the
/// original character it came from.
pub(crate) struct ByteMapped {
    pub(crate) folded: String,
    /// `origin[b]` is the start of the original char that folded byte `b` came from.
    origin: Vec<usize>,
    /// `ends[b]` is the end (exclusive) of that original char.
    ends: Vec<usize>,
}

impl ByteMapped {
    pub(crate) fn new(text: &str) -> Self {
        let mut folded = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut ends = Vec::with_capacity(text.len());
        for (start, c) in text.char_indices() {
            let before = folded.len();
            push_folded_char(&mut folded, c);
            let added = folded.len() - before;
            origin.extend(std::iter::repeat_n(start, added));
            ends.extend(std::iter::repeat_n(start + c.len_utf8(), added));
        }
        ByteMapped {
            folded,
            origin,
            ends,
        }
    }

    /// The smallest range of whole original characters that produced the
    /// folded bytes `range`; `None` if it is empty or out of bounds.
    pub(crate) fn original(&self, range: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
        if range.is_empty() {
            return None;
        }
        let start = *self.origin.get(range.start)?;
        let end = *self.ends.get(range.end.checked_sub(1)?)?;
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_ascii_and_unicode_case() {
        assert_eq!(fold("Hello WORLD"), "hello world");
        assert_eq!(fold("ÉCOLE Straße"), "école straße");
        assert_eq!(fold("ΟΔΟΣ οδος"), "οδοσ οδοσ");
        assert_eq!(fold("東京"), "東京");
    }

    #[test]
    fn byte_fold_equals_string_fold() {
        for text in [
            "Hello WORLD",
            "ÉCOLE Straße ΟΔΟΣ",
            "İSTANBUL xȺy\u{212A}z",
            "東京",
            "",
            "“Quoted” — DASHED’S",
            "ȺȺ",
            "x\u{2126}Ω",
        ] {
            let mut bytes = b"keep ".to_vec();
            push_folded_bytes(&mut bytes, text);
            assert_eq!(bytes, format!("keep {}", fold(text)).into_bytes(), "{text}");
        }
    }

    #[test]
    fn ascii_prefix_lengths() {
        assert_eq!(ascii_prefix_len(b""), 0);
        assert_eq!(ascii_prefix_len(b"abc"), 3);
        assert_eq!(ascii_prefix_len(b"abcdefghijk"), 11);
        assert_eq!(ascii_prefix_len("abcdefghé".as_bytes()), 8);
        assert_eq!(ascii_prefix_len("abcdeéfghijk".as_bytes()), 5);
        assert_eq!(ascii_prefix_len("é".as_bytes()), 0);
    }

    #[test]
    fn caseless_blocks_really_have_no_case() {
        for block in [0x2000..=0x206F, 0x3000..=0x9FFF, 0xAC00..=0xD7A3] {
            for c in block.filter_map(char::from_u32) {
                assert!(is_caseless(c));
                assert_eq!(fold(&c.to_string()), c.to_string(), "{c:?}");
            }
        }
    }

    #[test]
    fn dotted_capital_i_folds_to_plain_i() {
        assert_eq!(fold("İSTANBUL"), "istanbul");
        assert_eq!(fold("DİYARBAKIR"), "diyarbakir");
    }

    #[test]
    fn growing_and_shrinking_folds_map_back() {
        // 'Ⱥ' (2 bytes) folds to 'ⱥ' (3 bytes); the Kelvin sign (3 bytes) to 'k'.
        let text = "xȺy\u{212A}z";
        let chars = CharMapped::new(text);
        assert_eq!(chars.folded, "xⱥykz");
        assert_eq!(chars.origin, vec![0, 1, 2, 3, 4]);

        let bytes = ByteMapped::new(text);
        assert_eq!(bytes.folded.len(), 7);
        assert_eq!(bytes.original(1..4), Some(1..3));
        assert_eq!(bytes.original(0..7), Some(0..8));
        assert_eq!(bytes.original(5..6), Some(4..7));
        assert_eq!(bytes.original(6..7), Some(7..8));
        assert_eq!(bytes.original(3..3), None);
        assert_eq!(bytes.original(6..8), None);
    }
}
