//! Control sequences in every field a user sees, in every format: parsed,
//! put in a reader and drawn in every pane state, they never reach a
//! terminal cell nor the bytes a real crossterm backend writes; the export
//! JSON and the CLI's error lines are clean too.

use crate::support::{self, Tmux};
use nlread::app::{Action, messages};
use nlread::model::{Library, SourceError};
use nlread::parse::parse_bytes;
use std::process::Command;

/// A field's text with `seq` inside it and at its very end.
fn field(seq: &str) -> String {
    format!("Alpha {seq} Omega{seq}")
}

fn json(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// (file name, bytes) of one source per format, `seq` in every field.
fn sources(seq: &str) -> Vec<(String, Vec<u8>)> {
    let p = field(seq);
    let plain = format!(
        "The {p} Letter\nMarch 4, 2024\nBy Ann {p}\n\n# Rates {p}\n\nThe bank {p} held.\n\n\
         - a bullet {p}\n- another\n\n# Second {p}\n\n1. numbered {p}\n\nSee https://example.com/{p}\n"
    );
    let markdown = format!(
        "# Weekly {p}\n\n## Story {p}\n\nText {p} with [the link {p}](https://example.com/a{seq}b) \
         and <https://example.com/{seq}>.\n\n- bullet {p}\n\n> quote {p}\n\n## Two {p}\n\nMore {p}.\n"
    );
    let html = format!(
        "<html><head><title>Title {p} &#27;]0;x&#7;</title></head><body>\
         <h1>Letter {p} &#x9b;2J &#x1b;[31m</h1>\
         <h2>Section {p} &#27;]52;c;AAAA&#7; &#x202e;rev</h2>\
         <p>Para {p} &#27;[2J &#155;2J &#x9d;0;t&#x9c; &#127;</p>\
         <ul><li>bullet {p}</li></ul>\
         <p><a href=\"https://example.com/&#27;[2J{seq}\">link {p} &#x1b;]8;;x&#x1b;\\</a></p>\
         <h2>Other {p}</h2><p>Body {p}.</p></body></html>"
    );
    let encoded = support::base64(p.as_bytes());
    let email = format!(
        "From: =?utf-8?b?{encoded}?= <ed@example.com>\r\nTo: you@example.com\r\n\
         Subject: Subject {p} =?utf-8?q?x=1B]0;t=07y=C2=9B2J?=\r\n\
         Date: Mon, 4 Mar 2024 10:00:00 +0000\r\nList-Id: Letter {p} <l.example.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Hello {p}\r\n\r\n# Story {p}\r\n\r\nBody {p} https://example.com/{seq}\r\n"
    );
    let feed = format!(
        "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":{t},\
         \"items\":[{{\"id\":\"1\",\"title\":{t},\"url\":{u},\"date_published\":\"2024-03-04T10:00:00Z\",\
         \"authors\":[{{\"name\":{t}}}],\"content_html\":{c}}}]}}",
        t = json(&p),
        u = json(&format!("https://example.com/{seq}")),
        c = json(&format!(
            "<h2>Story {p}</h2><p>Text {p} <a href=\"https://e.com/{seq}\">l {p}</a></p>"
        )),
    );
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {p}</title>\
         <item><title>Item {p}</title><link>https://example.com/{seq}</link>\
         <description>&lt;p&gt;x {p}&lt;/p&gt;</description></item></channel></rss>"
    );
    vec![
        (format!("plain{seq}.txt"), plain.into_bytes()),
        (format!("md{seq}.md"), markdown.into_bytes()),
        (format!("page{seq}.html"), html.into_bytes()),
        (format!("mail{seq}.eml"), email.into_bytes()),
        (format!("feed{seq}.json"), feed.into_bytes()),
        (format!("feed{seq}.xml"), rss.into_bytes()),
    ]
}

/// Every format parsed, plus an error naming a hostile file.
fn hostile_library(seq: &str) -> Library {
    let mut library = Library::default();
    for (name, bytes) in sources(seq) {
        match parse_bytes(&bytes, &name) {
            Ok(issues) => library.issues.extend(issues),
            Err(err) => library.errors.push(SourceError {
                source: name,
                message: err.to_string(),
            }),
        }
    }
    library.errors.push(SourceError {
        source: format!("news/{}.txt", field(seq)),
        message: format!("could not be read: {}", field(seq)),
    });
    library
}

#[test]
fn every_format_parses_to_clean_text() {
    for (kind, seq) in support::kinds() {
        let library = hostile_library(&seq);
        // C0 controls (NUL, BS...) make text files look binary, and they are
        // refused as such; the email and feeds still parse.
        let c0 = seq.chars().any(|c| c < ' ' && c != '\x1b');
        let min = if c0 { 2 } else { 5 };
        assert!(library.issues.len() >= min, "{kind}: {:?}", library.errors);
        for (what, text) in support::visible_strings(&library) {
            // The source (a file name) and the error added by hand above
            // are not parser output: the UI cleans them.
            if what.contains("source") || text.starts_with("could not be read: Alpha") {
                continue;
            }
            if let Some((at, c)) = support::first_forbidden(&text) {
                panic!("{kind}: {what} holds {c:?} at byte {at}: {text:?}");
            }
        }
    }
}

#[test]
fn no_cell_holds_a_control_in_any_pane_state() {
    let status = field("\x1b]0;t\x07\u{9b}2J\u{202e}");
    for (kind, seq) in support::kinds() {
        let mut states = support::pane_states("omega", &format!("{status}{seq}"));
        states.push((
            "filter typed with bidi".into(),
            support::filter_actions("om\u{202e}\u{2066}ega\u{200f}"),
        ));
        let mut drawn = 0;
        for (state, actions) in &states {
            let mut app = support::app(hostile_library(&seq), &field(&seq));
            support::apply(&mut app, actions);
            for &(w, h) in &[(120, 35), (80, 24), (40, 12)] {
                let buffer = support::draw_test(&mut app, w, h);
                let bad = support::bad_cells(&buffer);
                assert!(
                    bad.is_empty(),
                    "{kind}, {state} at {w}x{h}: {bad:?}\n{}",
                    support::rows(&buffer).join("\n")
                );
                drawn += 1;
            }
        }
        assert_eq!(drawn, states.len() * 3);
    }
}

#[test]
fn filter_results_show_highlighted_hostile_titles() {
    // A sanity check that the states above really reach the results list.
    let mut app = support::app(hostile_library("\x1b[31m"), "here");
    support::apply(&mut app, &support::filter_actions("omega"));
    assert!(!app.results().is_empty());
    let buffer = support::draw_test(&mut app, 120, 35);
    let screen = support::rows(&buffer).join("\n");
    assert!(screen.contains(messages::RESULTS_TITLE), "{screen}");
}

#[test]
fn a_real_backend_writes_only_its_own_sequences() {
    for (kind, seq) in support::kinds() {
        let status = format!("failed: {}", field(&seq));
        for (state, actions) in support::pane_states("omega", &status) {
            for &(w, h) in &[(120, 35), (60, 20), (15, 4)] {
                let mut app = support::app(hostile_library(&seq), &field(&seq));
                support::apply(&mut app, &actions);
                // The second frame is a diff: the story scrolled, a key pressed.
                let then = [
                    Action::PageDown,
                    Action::Status(nlread::app::Status::Said(status.clone())),
                ];
                let bytes = support::draw_crossterm(&mut app, w, h, &then);
                assert!(bytes.len() > 10, "{kind}, {state}: nothing written");
                if let Err(why) = support::check_terminal_bytes(&bytes) {
                    panic!("{kind}, {state} at {w}x{h}: {why}");
                }
            }
        }
    }
}

#[test]
fn the_byte_check_catches_leaks() {
    // The check must be able to fail, or the test above proves nothing.
    // Four kinds are byte for byte what the backend itself writes: for those
    // the cell check (no ESC in any cell) is the proof.
    let own = [
        "CSI cursor position",
        "CSI erase display",
        "CSI erase line",
        "SGR colours",
    ];
    for (kind, seq) in support::kinds() {
        let bytes = format!("\x1b[1;1Hok{seq}\x1b[0m");
        let caught = support::check_terminal_bytes(bytes.as_bytes()).is_err();
        assert_eq!(caught, !own.contains(&kind), "{kind}");
    }
    assert!(
        support::check_terminal_bytes(b"\x1b[?25l\x1b[3;4H\x1b[38;5;6mhi\x1b[0m\x1b[?25h").is_ok()
    );
}

#[test]
fn export_json_is_clean() {
    for (kind, seq) in support::kinds() {
        let library = hostile_library(&seq);
        let mut out = Vec::new();
        nlread::library::export::write_json(&library, &Default::default(), &mut out)
            .expect("export");
        let text = String::from_utf8(out).expect("UTF-8");
        if let Some((at, c)) = support::first_forbidden(&text) {
            panic!(
                "{kind}: export holds {c:?} at {at}: {}",
                &text[at.saturating_sub(40)..]
            );
        }
        // It still parses, and names the hostile source (escaped, not lost).
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert!(value["errors"].as_array().is_some_and(|e| !e.is_empty()));
    }
}

/// Names a file system takes: no NUL, no '/'.
fn hostile_names() -> Vec<String> {
    vec![
        "title\x1b]0;owned\x07.txt".into(),
        "clip\x1b]52;c;cm0gLXJmIH4K\x1b\\.txt".into(),
        "c1\u{9b}2J\u{9d}0;t\u{9c}.txt".into(),
        "bidi\u{202e}txt.exe".into(),
        "bell\x07\x08\r\x7f.txt".into(),
        "lone\x1b".into(),
    ]
}

/// Writes each hostile name twice: once empty (an error) and once with a
/// newsletter in it (an issue whose source is the name).
fn hostile_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in hostile_names() {
        std::fs::write(dir.path().join(format!("empty-{name}")), "").expect("write");
        std::fs::write(
            dir.path().join(format!("issue-{name}")),
            "The Letter\nMarch 4, 2024\n\n# Rates\n\nThe bank held.\n",
        )
        .expect("write");
    }
    dir
}

#[test]
fn hostile_file_names_are_drawn_clean() {
    let dir = hostile_folder();
    let opened = nlread::library::open_paths(&[dir.path().to_path_buf()]);
    let mut library = opened.library;
    library.errors.extend(opened.warnings);
    assert_eq!(
        library.errors.len(),
        hostile_names().len(),
        "{:?}",
        library.errors
    );
    let mut app = support::app(library, &opened.origin);
    for &(w, h) in support::SIZES {
        let buffer = support::draw_test(&mut app, w, h);
        let bad = support::bad_cells(&buffer);
        assert!(bad.is_empty(), "{w}x{h}: {bad:?}");
        let bytes = support::draw_crossterm(&mut app, w, h, &[Action::Down]);
        support::check_terminal_bytes(&bytes).unwrap_or_else(|why| panic!("{w}x{h}: {why}"));
    }
}

/// The CLI with HOME and XDG folders in `home`.
fn cli(home: &std::path::Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nlread"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("NLREAD_TEST_PANIC")
        .output()
        .expect("nlread runs")
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some((at, c)) = support::first_forbidden(&text) {
        panic!("{what} holds {c:?} at {at}: {text:?}");
    }
}

#[test]
fn cli_output_for_hostile_file_names_is_clean() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = hostile_folder();
    let out = cli(home.path(), &["export".as_ref(), dir.path().as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean("export stdout", &out.stdout);
    assert_clean("export stderr", &out.stderr);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        value["issues"].as_array().map(Vec::len),
        Some(hostile_names().len())
    );

    // Named one by one: the empty ones are errors on stderr.
    let paths: Vec<std::path::PathBuf> = hostile_names()
        .iter()
        .map(|n| dir.path().join(format!("empty-{n}")))
        .collect();
    let args: Vec<&std::ffi::OsStr> = std::iter::once("export".as_ref())
        .chain(paths.iter().map(|p| p.as_os_str()))
        .collect();
    let out = cli(home.path(), &args);
    assert!(!out.stderr.is_empty());
    assert_clean("export stderr, named files", &out.stderr);
    assert_clean("export stdout, named files", &out.stdout);

    // Missing files: the reader says so before it takes the terminal.
    let missing: Vec<std::path::PathBuf> = hostile_names()
        .iter()
        .map(|n| dir.path().join(format!("missing-{n}")))
        .collect();
    let args: Vec<&std::ffi::OsStr> = missing.iter().map(|p| p.as_os_str()).collect();
    let out = cli(home.path(), &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
    assert_clean("reader stderr, missing files", &out.stderr);
}

#[test]
fn a_hostile_library_in_a_real_terminal_leaves_the_title_alone() {
    // End to end in tmux: the pane title stays what tmux set, whatever the
    // issue says (an OSC 0/2 that got through would change it).
    let Some(mut tmux) = Tmux::start("controls") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let issue = dir.path().join("hostile.txt");
    let p = field("\x1b]2;PWNED\x07\x1b]0;PWNED\x1b\\\u{9d}2;PWNED\u{9c}\x1b[2J");
    std::fs::write(
        &issue,
        format!("Letter {p}\nMarch 4, 2024\n\n# Rates {p}\n\nThe bank {p} held.\n"),
    )
    .expect("write");
    let (command, status) = support::reader_command(dir.path(), "", &support::quote(&issue));
    tmux.new_session(100, 30, &command);
    tmux.wait_for("Rates");
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("held");
    let title = tmux.run(&["display-message", "-p", "-t", "main", "#{pane_title}"]);
    assert!(
        !String::from_utf8_lossy(&title.stdout).contains("PWNED"),
        "the pane title changed"
    );
    tmux.keys(&["q"]);
    assert_eq!(support::wait_for_exit(&status), "EXIT=0");
}
