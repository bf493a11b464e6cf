//! Copying to the clipboard through the terminal: OSC 52, which works over
//! ssh and needs no clipboard daemon. The text travels base64-encoded, so
//! whatever a newsletter put in a link (escape sequences, BEL, newlines)
//! reaches the terminal only as letters, digits, `+`, `/` and `=`.

use std::io::{self, Write};

/// `ESC ] 52 ; c ; <base64 of text> BEL`: set the clipboard ("c") to `text`,
/// sanitized and on one line first: what lands in the clipboard gets pasted
/// into shells, where an escape sequence or a newline would act.
pub fn osc52(text: &str) -> String {
    let clean = crate::text::sanitize(text).replace('\n', "");
    format!("\x1b]52;c;{}\x07", base64(clean.as_bytes()))
}

/// Writes the OSC 52 sequence for `text` to the terminal and flushes it.
pub fn copy(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648, with padding): twelve lines instead of a crate.
fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn osc52_sequence_is_exact() {
        assert_eq!(
            osc52("https://example.com/"),
            "\x1b]52;c;aHR0cHM6Ly9leGFtcGxlLmNvbS8=\x07"
        );
        let mut out = Vec::new();
        copy(&mut out, "hi").expect("write to a Vec");
        assert_eq!(out, b"\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn control_characters_in_a_url_cannot_escape() {
        let hostile = "https://x.test/\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]0;pwned\x07\n\r\u{9b}31m";
        let seq = osc52(hostile);
        let payload = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix('\x07'))
            .expect("framed");
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            "{payload:?}"
        );
        // The control characters are gone from the clipboard text itself.
        assert_eq!(payload, base64(b"https://x.test/"));
        // Exactly one ESC and one BEL: the frame's own.
        assert_eq!(seq.matches('\x1b').count(), 1);
        assert_eq!(seq.matches('\x07').count(), 1);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_one_clean_frame(text in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}]*") {
            let seq = osc52(&text);
            let payload = &seq[7..seq.len() - 1];
            proptest::prop_assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
            proptest::prop_assert!(payload.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
            let clean = crate::text::sanitize(&text).replace('\n', "");
            proptest::prop_assert_eq!(payload, base64(clean.as_bytes()));
        }
    }
}
