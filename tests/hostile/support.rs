//! What the hostile modules share: the table of control sequences, the
//! reader's pane states, drawing into a TestBackend or a real crossterm
//! backend writing into memory, the check of the bytes that reach a
//! terminal, and a tmux server of the test's own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use nlread::app::{Action, App, Focus, update_now};
use nlread::model::Library;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// Every kind of control sequence a newsletter could smuggle in, by name.
pub fn kinds() -> Vec<(&'static str, String)> {
    let c0_all: String = (0u8..0x20)
        .filter(|b| !matches!(b, b'\t' | b'\n' | 0x1b))
        .map(char::from)
        .collect();
    let c1_all: String = ('\u{80}'..='\u{9f}').collect();
    vec![
        ("CSI cursor up", "\x1b[5A".into()),
        ("CSI cursor position", "\x1b[10;20H".into()),
        ("CSI erase display", "\x1b[2J".into()),
        ("CSI erase line", "\x1b[K".into()),
        ("CSI leave alternate screen", "\x1b[?1049l".into()),
        ("CSI scroll region", "\x1b[1;3r".into()),
        ("SGR colours", "\x1b[1;5;31;48;5;200m".into()),
        ("OSC 0 title, BEL", "\x1b]0;you were here\x07".into()),
        ("OSC 2 title, ST", "\x1b]2;you were here\x1b\\".into()),
        (
            "OSC 52 clipboard write",
            "\x1b]52;c;cm0gLXJmIH4K\x07".into(),
        ),
        (
            "OSC 8 hyperlink, ST",
            "\x1b]8;;https://evil.test/\x1b\\click\x1b]8;;\x1b\\".into(),
        ),
        (
            "OSC 8 hyperlink, BEL",
            "\x1b]8;;https://evil.test/\x07click\x1b]8;;\x07".into(),
        ),
        ("DCS", "\x1bP$q\"p\x1b\\".into()),
        ("APC", "\x1b_Ga=T,f=100;AAAA\x1b\\".into()),
        ("PM", "\x1b^private message\x1b\\".into()),
        ("SOS", "\x1bXstart of string\x1b\\".into()),
        ("ESC single (reset)", "\x1bc".into()),
        ("C1 CSI U+009B", "\u{9b}2J".into()),
        ("C1 OSC U+009D", "\u{9d}0;title\u{9c}".into()),
        ("C1 DCS U+0090", "\u{90}q\u{9c}".into()),
        ("every C1 control", c1_all),
        ("NUL", "\0".into()),
        ("BEL", "\x07".into()),
        ("BS", "x\x08\x08".into()),
        ("CR alone", "\roverwrite".into()),
        ("VT", "\x0b".into()),
        ("FF", "\x0c".into()),
        ("DEL", "\x7f".into()),
        ("every C0 control but tab, newline and ESC", c0_all),
        (
            "bidi embeddings and overrides",
            "\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}".into(),
        ),
        ("bidi isolates", "\u{2066}\u{2067}\u{2068}\u{2069}".into()),
        ("bidi marks", "\u{200e}\u{200f}\u{61c}".into()),
        ("lone ESC", "\x1b".into()),
    ]
}

/// A character that must never reach a terminal cell or its byte stream.
pub fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
        )
}

/// The first forbidden character in `text`, for a failure message.
pub fn first_forbidden(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| forbidden(c))
}

/// Every string a user can see in a library: the issues' fields, section
/// titles, block texts, links and the errors.
pub fn visible_strings(library: &Library) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for issue in &library.issues {
        out.push(("source".into(), issue.source.clone()));
        out.push(("title".into(), issue.title.clone()));
        for (name, field) in [
            ("newsletter", &issue.newsletter),
            ("date", &issue.date),
            ("author", &issue.author),
        ] {
            if let Some(v) = field {
                out.push((name.into(), v.clone()));
            }
        }
        for section in &issue.sections {
            out.push(("section title".into(), section.title.clone()));
            for block in section.blocks() {
                out.push(("block".into(), block.plain_text()));
            }
            for link in &section.links {
                out.push(("link text".into(), link.text.clone()));
                out.push(("link url".into(), link.url.clone()));
            }
        }
    }
    for error in &library.errors {
        out.push(("error source".into(), error.source.clone()));
        out.push(("error message".into(), error.message.clone()));
    }
    out
}

/// A reader on `library`, in colour so the backend writes its SGR too.
pub fn app(library: Library, origin: &str) -> App {
    let mut app = App::new(library, origin);
    app.no_color = false;
    app
}

/// Applies `actions` (searches run inline).
pub fn apply(app: &mut App, actions: &[Action]) {
    for a in actions {
        update_now(app, a.clone());
    }
}

/// Types `text` into the filter bar (opening it first).
pub fn filter_actions(text: &str) -> Vec<Action> {
    let mut out = vec![Action::FocusFilter];
    out.extend(text.chars().map(Action::FilterInput));
    out
}

/// Every pane state worth drawing, as (name, actions from a fresh app).
/// `query` is typed in the filter states; `status` goes to the status line.
pub fn pane_states(query: &str, status: &str) -> Vec<(String, Vec<Action>)> {
    let mut states: Vec<(String, Vec<Action>)> = vec![
        ("issue list".into(), vec![]),
        ("issue list, last issue".into(), vec![Action::Bottom]),
        ("sections".into(), vec![Action::Open]),
        ("sections, last".into(), vec![Action::Open, Action::Bottom]),
        ("story".into(), vec![Action::Open, Action::Open]),
        (
            "story, last section, paged".into(),
            vec![Action::Open, Action::Bottom, Action::Open, Action::PageDown],
        ),
        (
            "story, end".into(),
            vec![Action::Open, Action::Open, Action::Bottom],
        ),
        ("help".into(), vec![Action::ToggleHelp]),
        (
            "status message".into(),
            vec![
                Action::Open,
                Action::Status(nlread::app::Status::Said(status.to_string())),
            ],
        ),
        (
            "link refused".into(),
            vec![Action::Open, Action::Open, Action::OpenLink],
        ),
        (
            "count pending".into(),
            vec![Action::Open, Action::Open, Action::Count(7)],
        ),
    ];
    let typed = filter_actions(query);
    states.push(("filter typing".into(), typed.clone()));
    let mut submitted = typed.clone();
    submitted.push(Action::FilterSubmit);
    states.push(("filter results".into(), submitted.clone()));
    let mut reading = submitted;
    reading.extend([Action::Down, Action::Right, Action::PageDown]);
    states.push(("filter result story".into(), reading));
    let mut nothing = filter_actions("zzqqxxjj");
    nothing.push(Action::FilterSubmit);
    states.push(("filter no results".into(), nothing));
    states
}

/// The sizes the control and width checks draw at.
pub const SIZES: &[(u16, u16)] = &[(120, 35), (100, 24), (80, 24), (59, 20), (30, 12), (12, 4)];

/// Draws `app` at `width` x `height` into a TestBackend.
pub fn draw_test(app: &mut App, width: u16, height: u16) -> Buffer {
    update_now(app, Action::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// Draws `app` twice (once, then after `then`) through a real crossterm
/// backend writing into memory, and returns every byte written.
pub fn draw_crossterm(app: &mut App, width: u16, height: u16, then: &[Action]) -> Vec<u8> {
    update_now(app, Action::Resize { width, height });
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
    };
    let sink = Sink::default();
    let mut terminal =
        Terminal::with_options(CrosstermBackend::new(sink.clone()), options).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
    apply(app, then);
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
    drop(terminal);
    sink.0.borrow().clone()
}

/// A writer whose bytes the test keeps after the backend is gone.
#[derive(Clone, Default)]
struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every cell whose symbol holds a forbidden character, as "(x,y) symbol".
pub fn bad_cells(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    let mut bad = Vec::new();
    for y in 0..area.height {
        for x in 0..area.width {
            let symbol = buffer[(x, y)].symbol();
            if symbol.chars().any(forbidden) {
                bad.push(format!("({x},{y}) {symbol:?}"));
            }
        }
    }
    bad
}

/// The buffer's rows as text.
pub fn rows(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

/// Checks the bytes a backend wrote: every ESC starts a sequence the
/// backend itself emits (CSI ... m for styles, CSI row;col H to move,
/// CSI ?25 h/l for the cursor, CSI 2J / K to clear), and no other control
/// byte, C1 control or bidi character appears. Returns what is wrong.
pub fn check_terminal_bytes(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\x1b' {
            if chars.get(i + 1) != Some(&'[') {
                return Err(format!(
                    "ESC not followed by '[' at char {i}: {:?}",
                    around(&chars, i)
                ));
            }
            let mut j = i + 2;
            while j < chars.len() && matches!(chars[j], '0'..='9' | ';' | ':' | '?') {
                j += 1;
            }
            let Some(&last) = chars.get(j) else {
                return Err(format!("unfinished CSI at char {i}"));
            };
            let params: String = chars[i + 2..j].iter().collect();
            let allowed = match last {
                'm' | 'H' => !params.starts_with('?'),
                'J' | 'K' => matches!(params.as_str(), "" | "0" | "1" | "2"),
                'h' | 'l' => params == "?25",
                _ => false,
            };
            if !allowed {
                return Err(format!(
                    "a CSI the backend does not emit: {:?}",
                    around(&chars, i)
                ));
            }
            i = j + 1;
            continue;
        }
        if forbidden(c) {
            return Err(format!(
                "control {c:?} at char {i}: {:?}",
                around(&chars, i)
            ));
        }
        i += 1;
    }
    Ok(())
}

fn around(chars: &[char], i: usize) -> String {
    let from = i.saturating_sub(12);
    let to = (i + 24).min(chars.len());
    chars[from..to].iter().collect()
}

/// Standard base64 on one line, for RFC 2047 encoded words and OSC 52 payloads.
pub fn base64(bytes: &[u8]) -> String {
    crate::base64::base64_lines(bytes, "")
}

/// Decodes standard base64 (panics on anything else: test input only).
pub fn unbase64(text: &str) -> Vec<u8> {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for b in text.bytes().filter(|&b| b != b'=') {
        let v = A.iter().position(|&a| a == b).expect("base64 alphabet") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Which pane a focus names, for callers that only need the enum.
pub fn focus_name(focus: Focus) -> &'static str {
    match focus {
        Focus::Issues => "issues",
        Focus::Sections => "sections",
        Focus::Story => "story",
        Focus::Filter => "filter",
    }
}

// ---- tmux -------------------------------------------------------------

pub use crate::tmux::Tmux;

/// Single-quoted for sh.
pub fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// `env HOME=.. XDG_*=.. [extra] nlread ARGS; echo EXIT=$? > status`, with
/// every home and XDG folder inside `dir`. Returns the command and the file
/// the exit status lands in.
pub fn reader_command(dir: &Path, extra_env: &str, args: &str) -> (String, PathBuf) {
    let status = dir.join("status");
    let d = quote(dir);
    let command = format!(
        "env HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config XDG_CACHE_HOME={d}/cache \
         XDG_STATE_HOME={d}/state {extra_env} {bin} {args}; echo EXIT=$? > {status}",
        bin = quote(Path::new(env!("CARGO_BIN_EXE_nlread"))),
        status = quote(&status),
    );
    (command, status)
}

pub use crate::tmux::wait_for_exit;

// ---- a library of wide, narrow and odd text --------------------------

/// Text that trips width arithmetic: CJK, emoji (with ZWJ sequences and
/// variation selectors), combining marks, zero-width characters,
/// right-to-left scripts, tabs, a 5,000-char URL and a 20,000-char word.
pub fn wide_texts() -> Vec<(&'static str, String)> {
    vec![
        ("cjk", "日本語の文章と中文的句子，한국어 문장도 있습니다。".repeat(3)),
        ("emoji", "Rockets 🚀 and flags 🇺🇦🇯🇵 and hearts ❤️❤️❤️ then ✔️ ok".into()),
        (
            "zwj",
            "Family 👨‍👩‍👧‍👦 and cook 🧑🏽‍🍳 and rainbow 🏳️‍🌈 all here".into(),
        ),
        (
            "combining",
            "Cafe\u{301} nai\u{308}ve Z\u{336}a\u{337}l\u{338}g\u{335}o e\u{301}\u{302}\u{303}\u{304}".into(),
        ),
        (
            "zero width",
            "zero\u{200b}width\u{200b}space \u{feff}bom word\u{2060}joiner".into(),
        ),
        (
            "zero width first",
            "\u{200b}\u{301}starts with nothing visible".into(),
        ),
        ("hebrew", "שלום עולם, זהו טקסט בעברית עם מילים רבות".into()),
        ("arabic", "مرحبا بالعالم، هذا نص عربي طويل بعض الشيء".into()),
        ("tabs", "col1\tcol2\t\tcol3".into()),
        (
            "long url",
            format!("https://example.com/{}", "a1b2c3d4e5".repeat(500)),
        ),
        ("long word", "x".repeat(20_000)),
        ("long cjk word", "漢".repeat(3_000)),
    ]
}

/// Issues whose every field holds wide text.
pub fn wide_library() -> Library {
    use nlread::model::{Block, Issue, Link, Section};
    let texts = wide_texts();
    let mut issues = Vec::new();
    for (i, (name, text)) in texts.iter().enumerate() {
        let short: String = text.chars().take(60).collect();
        let sections = (0..3)
            .map(|k| {
                let title = format!("{short} {k}");
                Section::new(
                    format!("{i}-{k}"),
                    title,
                    [
                        Block::Paragraph { text },
                        Block::Bullet { text: &short },
                        Block::Numbered {
                            number: 12,
                            text: &short,
                        },
                        Block::Quote { text },
                        Block::Labelled {
                            label: "Why it matters",
                            text: &short,
                        },
                    ],
                )
                .with_links(vec![Link {
                    text: short.clone(),
                    url: format!("https://example.com/{name}/{}", "p".repeat(k * 200)),
                    block: 0,
                    at: 0,
                }])
            })
            .collect();
        issues.push(Issue {
            id: format!("i{i}"),
            source: format!("{name}.txt"),
            newsletter: Some(format!("{short} Letter")),
            title: text.chars().take(500).collect(),
            date: Some("2024-03-04".into()),
            author: Some(short.clone()),
            sections,
            url: None,
            guid: None,
        });
    }
    Library {
        issues,
        errors: vec![nlread::model::SourceError {
            source: format!("{}.txt", "漢字".repeat(40)),
            message: "the file is empty 👨‍👩‍👧‍👦".into(),
        }],
    }
}

/// What the reading-state database at `db` holds, read without changing
/// it; a fresh state when there is none yet.
pub fn saved_state(db: &std::path::Path) -> nlread::model::ReadingState {
    if !db.exists() {
        return nlread::model::ReadingState::new();
    }
    nlread::db::state::StateDb::peek(db)
        .unwrap_or_else(|e| panic!("the reading-state database reads: {e}"))
}
