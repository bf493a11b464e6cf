//! Issue 11, finding 1: one stray byte or introducer must not lose text.
//! A plain-text issue with UTF-8 curly quotes and one Latin-1 byte used to
//! be decoded whole as Windows-1252: the closing quote's last byte 0x9D
//! became U+009D (an OSC introducer) and `sanitize` dropped everything to
//! the end of the file looking for its terminator. A literal `ESC ]` or
//! U+0090 did the same to the rest of a Markdown or HTML paragraph.

use std::path::PathBuf;
use std::process::Command;

use nlread::library::load_paths;
use nlread::model::Library;

use crate::support::first_forbidden;

/// The issue's repro, byte for byte.
const MIXED: &[u8] = b"The Letter\nMarch 4, 2025\n\n1. First story\n\nHe said \xe2\x80\x9chello\xe2\x80\x9d and left. Caf\xe9.\n\n2. Second story\n\nText.\n\n3. Third story\n\nMore.\n";

fn load(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf, Library) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let library = load_paths(std::slice::from_ref(&path));
    (dir, path, library)
}

/// Every story title and block of the library, as one text.
fn all_text(library: &Library) -> String {
    let mut out = String::new();
    for issue in &library.issues {
        for section in &issue.sections {
            out.push_str(&section.title);
            out.push('\n');
            for block in section.blocks() {
                out.push_str(&block.plain_text());
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn a_stray_latin1_byte_among_utf8_quotes_loses_no_story() {
    let (_dir, path, library) = load("mixed.txt", MIXED);
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    let issue = &library.issues[0];
    let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        ["First story", "Second story", "Third story"],
        "{issue:#?}"
    );
    let text = all_text(&library);
    assert!(
        text.contains("He said \u{201c}hello\u{201d} and left. Café."),
        "{text}"
    );
    assert!(text.contains("More."), "{text}");
    assert_eq!(first_forbidden(&text), None, "{text:?}");

    // What the issue ran: `nlread list mixed.txt` names all three.
    let out = Command::new(env!("CARGO_BIN_EXE_nlread"))
        .arg("list")
        .arg(&path)
        .env("HOME", _dir.path())
        .env("XDG_DATA_HOME", _dir.path().join("data"))
        .env("XDG_CONFIG_HOME", _dir.path().join("config"))
        .env("XDG_CACHE_HOME", _dir.path().join("cache"))
        .output()
        .expect("nlread list");
    let listed = String::from_utf8_lossy(&out.stdout);
    for title in ["First story", "Second story", "Third story"] {
        assert!(listed.contains(title), "{title} missing from:\n{listed}");
    }
}

#[test]
fn a_literal_osc_or_dcs_introducer_costs_a_few_characters_not_the_rest() {
    let paragraph = "The rest of this paragraph is ordinary text that a reader must still see, \
                     long enough to be a real paragraph of a real newsletter issue, with words \
                     after words after words until it finally ends here.";
    for introducer in ["\u{1b}]", "\u{90}", "\u{9d}", "\u{1b}P", "\u{1b}_"] {
        let markdown = format!(
            "# Letter\n\n## One\n\nBefore {introducer}0;x {paragraph}\n\n## Two\n\nSecond story text.\n"
        );
        let html = format!(
            "<!DOCTYPE html><html><body><h1>Letter</h1><h2>One</h2><p>Before {introducer}0;x \
             {paragraph}</p><h2>Two</h2><p>Second story text.</p></body></html>"
        );
        let plain = format!(
            "The Letter\nMarch 4, 2025\n\n1. One\n\nBefore {introducer}0;x\n{paragraph}\n\n\
             2. Two\n\nSecond story text.\n"
        );
        for (name, text) in [("a.md", markdown), ("a.html", html), ("a.txt", plain)] {
            let (_dir, _, library) = load(name, text.as_bytes());
            let all = all_text(&library);
            let what = format!("{name} with {introducer:?}");
            assert!(all.contains("Second story text."), "{what}: {all}");
            assert!(all.contains("until it finally ends here."), "{what}: {all}");
            assert_eq!(first_forbidden(&all), None, "{what}: {all:?}");
        }
    }
}
