//! Keys from the terminal: a thread that reads them and hands each to the
//! event loop's channel, so the loop sleeps until there is something to do.
//!
//! On Unix the terminal's bytes are decoded here rather than by crossterm's
//! event reader: that one reads a fast double Esc (two escape bytes in one
//! read) as a single Esc key, and spins on a terminal that has gone away
//! (crossterm issue #793), where a plain read ends. The decoder knows the
//! sequences terminals send for the keys nlread uses (xterm, VT220, tmux,
//! the Linux console) and produces crossterm's key events, so the keymap
//! is the same everywhere. Elsewhere crossterm reads the events.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Turns a terminal's bytes into key events. Bytes of a sequence cut
/// between two reads wait for the rest, except a lone Esc at the end of a
/// read: terminals write a sequence at once, so that is the Esc key.
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
}

/// A sequence longer than this is garbage, not a key: it is dropped.
const MAX_SEQUENCE: usize = 64;

/// What the start of the bytes holds.
enum Step {
    /// A key, and how many bytes it took.
    Key(KeyEvent, usize),
    /// Bytes that mean nothing to nlread (a mouse report, a paste marker).
    Skip(usize),
    /// The start of a sequence whose rest has not arrived.
    Incomplete,
}

impl Decoder {
    /// The keys in `bytes` (with any held back from the last call).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<KeyEvent> {
        self.pending.extend_from_slice(bytes);
        let mut keys = Vec::new();
        let mut at = 0;
        while at < self.pending.len() {
            match step(&self.pending[at..]) {
                Step::Key(key, used) => {
                    keys.push(key);
                    at += used;
                }
                Step::Skip(used) => at += used,
                Step::Incomplete if self.pending.len() - at > MAX_SEQUENCE => {
                    at = self.pending.len();
                }
                Step::Incomplete => break,
            }
        }
        self.pending.drain(..at);
        keys
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn with(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn step(bytes: &[u8]) -> Step {
    let Some(&first) = bytes.first() else {
        return Step::Incomplete;
    };
    match first {
        0x1b => escape(bytes),
        b'\r' => Step::Key(key(KeyCode::Enter), 1),
        b'\t' => Step::Key(key(KeyCode::Tab), 1),
        0x7f | 0x08 => Step::Key(key(KeyCode::Backspace), 1),
        0x00 => Step::Key(with(KeyCode::Char(' '), KeyModifiers::CONTROL), 1),
        c @ 0x01..=0x1a => Step::Key(
            with(
                KeyCode::Char(char::from(c - 1 + b'a')),
                KeyModifiers::CONTROL,
            ),
            1,
        ),
        c @ 0x1c..=0x1f => Step::Key(
            with(
                KeyCode::Char(char::from(c - 0x1c + b'4')),
                KeyModifiers::CONTROL,
            ),
            1,
        ),
        _ => text(bytes),
    }
}

/// One UTF-8 character (upper case carries Shift, as crossterm has it).
fn text(bytes: &[u8]) -> Step {
    let len = match bytes[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Skip(1),
    };
    if bytes.len() < len {
        return Step::Incomplete;
    }
    match std::str::from_utf8(&bytes[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) if c.is_uppercase() => Step::Key(with(KeyCode::Char(c), KeyModifiers::SHIFT), len),
        Some(c) => Step::Key(key(KeyCode::Char(c)), len),
        None => Step::Skip(1),
    }
}

fn escape(bytes: &[u8]) -> Step {
    match bytes.get(1) {
        // Alone at the end of a read: the Esc key.
        None => Step::Key(key(KeyCode::Esc), 1),
        // Esc Esc (a fast double press): two keys, the second read next.
        Some(0x1b) => Step::Key(key(KeyCode::Esc), 1),
        Some(b'[') => csi(bytes),
        Some(b'O') => ss3(bytes),
        Some(_) => match step(&bytes[1..]) {
            Step::Key(mut k, used) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Key(k, used + 1)
            }
            Step::Skip(used) => Step::Skip(used + 1),
            Step::Incomplete => Step::Incomplete,
        },
    }
}

/// `ESC O x`: the cursor and F1-F4 keys in application mode.
fn ss3(bytes: &[u8]) -> Step {
    let Some(&c) = bytes.get(2) else {
        return Step::Incomplete;
    };
    match final_key(c, KeyModifiers::NONE) {
        Some(k) => Step::Key(k, 3),
        None => Step::Skip(3),
    }
}

/// The keys a sequence's final byte names (`A` up ... `S` F4).
fn final_key(c: u8, modifiers: KeyModifiers) -> Option<KeyEvent> {
    let code = match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'Z' => KeyCode::BackTab,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        _ => return None,
    };
    let modifiers = if code == KeyCode::BackTab {
        modifiers | KeyModifiers::SHIFT
    } else {
        modifiers
    };
    Some(with(code, modifiers))
}

/// `ESC [ params final`: cursor, editing and function keys, with xterm's
/// modifier parameter (`ESC [ 1 ; 5 A` is Ctrl-Up).
fn csi(bytes: &[u8]) -> Step {
    let body = &bytes[2..];
    let Some(end) = body.iter().position(|b| (0x40..=0x7e).contains(b)) else {
        return Step::Incomplete;
    };
    let used = 2 + end + 1;
    let params: Vec<u16> = body[..end]
        .split(|&b| b == b';')
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0)
        })
        .collect();
    if body
        .first()
        .is_some_and(|b| matches!(b, b'<' | b'?' | b'>'))
    {
        // Mouse reports and terminal answers: nothing nlread asked for.
        return Step::Skip(used);
    }
    let modifiers = modifiers(params.get(1).copied().unwrap_or(1));
    let found = match body[end] {
        b'~' => {
            let code = match params.first().copied().unwrap_or(0) {
                1 | 7 => Some(KeyCode::Home),
                2 => Some(KeyCode::Insert),
                3 => Some(KeyCode::Delete),
                4 | 8 => Some(KeyCode::End),
                5 => Some(KeyCode::PageUp),
                6 => Some(KeyCode::PageDown),
                n @ 11..=15 => u8::try_from(n - 10).ok().map(KeyCode::F),
                n @ 17..=21 => u8::try_from(n - 11).ok().map(KeyCode::F),
                n @ 23..=24 => u8::try_from(n - 12).ok().map(KeyCode::F),
                _ => None,
            };
            code.map(|c| with(c, modifiers))
        }
        c => final_key(c, modifiers),
    };
    match found {
        Some(k) => Step::Key(k, used),
        None => Step::Skip(used),
    }
}

/// xterm's modifier parameter: 1 + (1 Shift, 2 Alt, 4 Ctrl).
fn modifiers(param: u16) -> KeyModifiers {
    let bits = param.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        Decoder::default()
            .feed(bytes)
            .into_iter()
            .map(|k| (k.code, k.modifiers))
            .collect()
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;

    #[test]
    fn a_double_esc_in_one_read_is_two_escapes() {
        assert_eq!(
            codes(b"\x1b\x1b"),
            [(KeyCode::Esc, NONE), (KeyCode::Esc, NONE)]
        );
        assert_eq!(
            codes(b"\x1b\x1b\x1b[A"),
            [
                (KeyCode::Esc, NONE),
                (KeyCode::Esc, NONE),
                (KeyCode::Up, NONE)
            ]
        );
        assert_eq!(codes(b"\x1b"), [(KeyCode::Esc, NONE)]);
    }

    #[test]
    fn letters_controls_and_utf8() {
        assert_eq!(
            codes("jK\r\t\x7fé/".as_bytes()),
            [
                (KeyCode::Char('j'), NONE),
                (KeyCode::Char('K'), KeyModifiers::SHIFT),
                (KeyCode::Enter, NONE),
                (KeyCode::Tab, NONE),
                (KeyCode::Backspace, NONE),
                (KeyCode::Char('é'), NONE),
                (KeyCode::Char('/'), NONE),
            ]
        );
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            codes(b"\x03\x04\x15\x17\x1a"),
            [
                (KeyCode::Char('c'), ctrl),
                (KeyCode::Char('d'), ctrl),
                (KeyCode::Char('u'), ctrl),
                (KeyCode::Char('w'), ctrl),
                (KeyCode::Char('z'), ctrl),
            ]
        );
        assert_eq!(codes(b"\x1bx"), [(KeyCode::Char('x'), KeyModifiers::ALT)]);
    }

    #[test]
    fn cursor_editing_and_function_keys() {
        let cases: [(&[u8], KeyCode); 14] = [
            (b"\x1b[A", KeyCode::Up),
            (b"\x1bOB", KeyCode::Down),
            (b"\x1b[C", KeyCode::Right),
            (b"\x1b[D", KeyCode::Left),
            (b"\x1b[H", KeyCode::Home),
            (b"\x1b[4~", KeyCode::End),
            (b"\x1b[1~", KeyCode::Home),
            (b"\x1b[3~", KeyCode::Delete),
            (b"\x1b[5~", KeyCode::PageUp),
            (b"\x1b[6~", KeyCode::PageDown),
            (b"\x1bOP", KeyCode::F(1)),
            (b"\x1b[15~", KeyCode::F(5)),
            (b"\x1b[24~", KeyCode::F(12)),
            (b"\x1b[2~", KeyCode::Insert),
        ];
        for (bytes, code) in cases {
            assert_eq!(codes(bytes), [(code, NONE)], "{bytes:?}");
        }
        assert_eq!(codes(b"\x1b[Z"), [(KeyCode::BackTab, KeyModifiers::SHIFT)]);
        assert_eq!(codes(b"\x1b[1;5A"), [(KeyCode::Up, KeyModifiers::CONTROL)]);
    }

    #[test]
    fn a_sequence_cut_between_reads_waits_for_its_rest() {
        let mut d = Decoder::default();
        assert!(d.feed(b"\x1b[").is_empty());
        assert!(d.feed(b"6").is_empty());
        let keys: Vec<KeyCode> = d.feed(b"~q").into_iter().map(|k| k.code).collect();
        assert_eq!(keys, [KeyCode::PageDown, KeyCode::Char('q')]);
        assert!(d.feed(&[0xc3]).is_empty(), "half of é");
        let keys: Vec<KeyCode> = d.feed(&[0xa9]).into_iter().map(|k| k.code).collect();
        assert_eq!(keys, [KeyCode::Char('é')]);
    }

    #[test]
    fn mouse_reports_and_garbage_are_dropped() {
        assert_eq!(codes(b"\x1b[<0;3;4Mq"), [(KeyCode::Char('q'), NONE)]);
        assert_eq!(codes(&[0xff, b'j']), [(KeyCode::Char('j'), NONE)]);
        let mut d = Decoder::default();
        let mut long = b"\x1b[".to_vec();
        long.extend(std::iter::repeat_n(b'1', 100));
        assert!(d.feed(&long).is_empty());
        let keys: Vec<KeyCode> = d.feed(b"j").into_iter().map(|k| k.code).collect();
        assert_eq!(keys, [KeyCode::Char('j')], "the garbage is gone");
    }
}
