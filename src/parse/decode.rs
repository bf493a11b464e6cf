//! Bytes to text: BOMs, UTF-8, UTF-16 and the Windows-1252 that older mail
//! and text files still use; binary input is refused rather than shown as noise.

use super::ParseError;
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decodes a whole source to a String with `\n` line endings.
///
/// Order: a BOM decides; otherwise valid UTF-8 is UTF-8; otherwise the bytes
/// are Windows-1252 (a superset of Latin-1 for printable text, which is what
/// mislabelled "ISO-8859-1" files really are).
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
            Err(_) => WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        }
    };
    Ok(normalize_newlines(&text))
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

/// CRLF and lone CR become LF.
fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
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
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Hé\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), "Hé\n");
    }
}
