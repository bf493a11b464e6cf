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

/// Appends the fold of `text` to a byte buffer: ASCII text is copied and
/// lowercased in place (the common case, and much faster than char by char).
pub(crate) fn push_folded_bytes(out: &mut Vec<u8>, text: &str) {
    let start = out.len();
    if text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
        out[start..].make_ascii_lowercase();
        return;
    }
    let mut scratch = String::new();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase() as u8);
        } else {
            scratch.clear();
            push_folded_char(&mut scratch, c);
            out.extend_from_slice(scratch.as_bytes());
        }
    }
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
        ] {
            let mut bytes = b"keep ".to_vec();
            push_folded_bytes(&mut bytes, text);
            assert_eq!(bytes, format!("keep {}", fold(text)).into_bytes(), "{text}");
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
