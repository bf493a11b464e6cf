//! Bytes to text: BOMs, UTF-8, UTF-16 and the Windows-1252 that older mail
//! and text files still use; binary input is refused rather than shown as noise.

use super::ParseError;
use encoding_rs::{UTF_16BE, UTF_16LE};

/// Decodes a whole source to a String with `\n` line endings.
///
/// Order: a BOM decides; otherwise valid UTF-8 is UTF-8; otherwise the
/// encoding is decided run by run ([`utf8_or_windows_1252`]): a file edited
/// by two programs can hold UTF-8 quotes and one Latin-1 `é`, and reading it
/// all as Windows-1252 would turn each quote into three wrong characters.
pub fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError::Empty);
    }
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        UTF_16LE.decode_without_bom_handling(rest).0.into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        UTF_16BE.decode_without_bom_handling(rest).0.into_owned()
    } else if looks_binary(bytes) {
        return Err(ParseError::Binary);
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => utf8_or_windows_1252(bytes),
        }
    };
    Ok(normalize_newlines(text))
}

/// Bytes that are not all UTF-8: every run that is valid UTF-8 stays UTF-8,
/// and every byte that is not is read as Windows-1252 (a superset of
/// Latin-1 for printable text, which is what mislabelled "ISO-8859-1" files
/// really are). The five bytes Windows-1252 leaves undefined become U+FFFD:
/// read as C1 controls (0x9D is an OSC introducer) they would start a
/// terminal sequence where the writer meant a character.
pub fn utf8_or_windows_1252(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 4);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| windows_1252(b)));
    }
    out
}

/// One byte as Windows-1252 (WHATWG's table, undefined bytes as U+FFFD).
pub fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
        '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{fffd}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Text files hold no NUL bytes and few other C0 controls; binaries hold many.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    controls * 10 > sample.len()
}

/// CRLF and lone CR become LF (without a copy when there are none).
fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b""), Err(ParseError::Empty));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(ParseError::Binary)
        );
    }

    #[test]
    fn utf8_with_bom_and_crlf() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb\rc").unwrap(), "a\nb\nc");
    }

    #[test]
    fn windows_1252_is_decoded_not_replaced() {
        // "café — “quoted”" in Windows-1252
        let bytes = b"caf\xe9 \x97 \x93quoted\x94";
        assert_eq!(decode(bytes).unwrap(), "café — “quoted”");
    }

    #[test]
    fn a_stray_latin1_byte_leaves_the_utf8_around_it_alone() {
        // Issue 11, finding 1: UTF-8 curly quotes (the closing one ends in
        // 0x9D) and one Latin-1 byte in the same line.
        let bytes = b"He said \xe2\x80\x9chello\xe2\x80\x9d and left. Caf\xe9.\n";
        assert_eq!(
            decode(bytes).unwrap(),
            "He said \u{201c}hello\u{201d} and left. Café.\n"
        );
    }

    #[test]
    fn bytes_windows_1252_leaves_undefined_are_replacement_characters() {
        let text = decode(b"a\x81b\x8dc\x8fd\x90e\x9df\x80").unwrap();
        assert_eq!(text, "a\u{fffd}b\u{fffd}c\u{fffd}d\u{fffd}e\u{fffd}f€");
        assert!(!text.chars().any(char::is_control));
        // A cut UTF-8 sequence is its bytes in Windows-1252, not a lost line.
        assert_eq!(decode(b"x\xe2\x80 y\xe9").unwrap(), "xâ€ yé");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Hé\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), "Hé\n");
    }
}
