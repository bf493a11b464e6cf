//! Golden snapshots of the email fixtures (.eml, mbox, Maildir), parsed,
//! with explicit checks of what matters most: decoded subjects, metadata
//! from the headers, mbox unescaping, and clear errors for broken messages.
//!
//! A changed snapshot is a changed parse: review it with `cargo insta review`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/outline.rs"]
mod support;

use nlread::library::load_paths;
use nlread::model::{Block, Issue};
use nlread::parse::email::{self, EmailError, MboxReader};
use nlread::parse::{ParseError, parse_bytes};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/email")
        .join(name)
}

fn parse_file(name: &str) -> Result<Vec<Issue>, ParseError> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    parse_bytes(&bytes, name)
}

fn one(name: &str) -> Issue {
    let mut issues = parse_file(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(issues.len(), 1, "{name}");
    issues.remove(0)
}

use support::outline;

fn titles(issue: &Issue) -> Vec<&str> {
    issue.sections.iter().map(|s| s.title.as_str()).collect()
}

#[test]
fn fixtures_match_their_snapshots() {
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml") || n.ends_with(".mbox"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    for name in &names {
        let out = match parse_file(name) {
            Ok(issues) => issues
                .iter()
                .map(outline)
                .collect::<Vec<_>>()
                .join("\n----\n"),
            Err(err) => format!("error: {err}"),
        };
        insta::assert_snapshot!(name.replace('.', "_"), out);
    }
}

#[test]
fn multipart_alternative_reads_the_quoted_printable_text_part() {
    let issue = one("alternative_qp.eml");
    // An encoded-word subject with an em dash.
    assert_eq!(issue.title, "Cranes, ferries and cod — week 44");
    assert_eq!(issue.newsletter.as_deref(), Some("The Harbour Ledger"));
    assert_eq!(issue.author.as_deref(), Some("The Harbour Ledger"));
    assert_eq!(issue.date.as_deref(), Some("2024-11-01"));
    assert_eq!(
        titles(&issue),
        [
            "Cranes return to the north quay",
            "Ferry timetable changes",
            "Fish prices at the auction"
        ]
    );
    let text = issue.sections[0].text();
    // Soft line breaks and =E2=80=94 undone; the HTML's preheader never shows.
    assert!(
        text.contains("a relief for shippers who had been routing"),
        "{text}"
    );
    assert!(text.contains('—'), "{text}");
    let all: String = issue.sections.iter().map(|s| s.text()).collect();
    assert!(!all.contains("Preheader"), "{all}");
    assert!(!all.contains('='), "{all}");
}

#[test]
fn html_only_windows_1252_base64_is_decoded() {
    let issue = one("html_only_cp1252.eml");
    assert_eq!(issue.title, "Café prices – issue 12");
    // No display name in From: the newsletter comes from List-Id, the author is the address.
    assert_eq!(issue.newsletter.as_deref(), Some("Pantry Markets"));
    assert_eq!(
        issue.author.as_deref(),
        Some("digest@pantrymarkets.example")
    );
    assert_eq!(issue.date.as_deref(), Some("2024-10-15"));
    // The bold "headline" paragraphs of the HTML become stories.
    assert_eq!(
        titles(&issue)[1..],
        ["Coffee beans climb again", "Olive oil finally eases"]
    );
    let all: String = issue.sections.iter().map(|s| s.text()).collect();
    assert!(all.contains("naïve hopes"), "{all}");
    assert!(all.contains("last year’s"), "{all}");
    assert!(!all.contains("font-weight"), "style leaked: {all}");
    assert!(!all.contains("track()"), "script leaked: {all}");
}

#[test]
fn a_text_part_that_only_points_to_the_browser_loses_to_the_html() {
    let issue = one("notice_text_part.eml");
    assert_eq!(issue.title, "Rinks and the cup");
    assert_eq!(
        titles(&issue),
        ["Ice time at the north rink", "Junior cup draw"]
    );
    let all: String = issue.sections.iter().map(|s| s.text()).collect();
    assert!(!all.contains("Hidden preheader"), "{all}");
    assert!(!all.contains("View this email"), "{all}");
    let link = &issue.sections[0].links[0];
    assert_eq!(
        (link.text.as_str(), link.url.as_str()),
        ("Read the schedule", "https://rinkreport.example/north")
    );
    assert!(
        issue
            .sections
            .iter()
            .all(|s| s.links.iter().all(|l| !l.url.contains("track.")))
    );
}

#[test]
fn mbox_gives_three_issues_with_from_unescaped() {
    let issues = parse_file("three.mbox").unwrap();
    let subjects: Vec<&str> = issues.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "Orbit Desk #41: a quiet week",
            "Orbit Desk #42: the booster lands",
            "Orbit Desk #43: panels"
        ]
    );
    let letters = &issues[0].sections[1];
    assert_eq!(letters.title, "Letters");
    let blocks: Vec<&str> = letters.blocks().map(|b| b.text()).collect();
    // ">>From" lost one '>' (a quote of "From the archive"), ">From" lost its only one.
    assert_eq!(
        blocks[0],
        "From the archive: a reader asks why launches are always at dawn."
    );
    assert!(matches!(letters.block(0), Some(Block::Quote { .. })));
    assert!(blocks[1].starts_with("From our side"), "{blocks:?}");
    let ids: std::collections::HashSet<&str> = issues.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids.len(), 3);
}

#[test]
fn broken_messages_give_clear_errors() {
    assert_eq!(
        parse_file("truncated.eml"),
        Err(ParseError::Email(EmailError::Truncated))
    );
    assert_eq!(
        parse_file("no_body.eml"),
        Err(ParseError::Email(EmailError::NoBody))
    );
    assert_eq!(
        parse_file("no_body.eml").unwrap_err().to_string(),
        "the message has no text or HTML body"
    );
}

#[test]
fn maildir_reads_cur_and_new_and_ignores_tmp() {
    let library = load_paths(&[fixture("maildir")]);
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    let mut subjects: Vec<&str> = library.issues.iter().map(|i| i.title.as_str()).collect();
    subjects.sort();
    assert_eq!(
        subjects,
        ["Metro Wire: budget day", "Metro Wire: the new tram line"]
    );
    // Only the part inside the Maildir: the clone itself may live under /tmp.
    let root = fixture("maildir").display().to_string();
    assert!(library.issues.iter().all(|i| {
        let inside = i.source.strip_prefix(&root).unwrap_or(&i.source);
        !inside.contains("/tmp/")
    }));
}

#[test]
fn a_failing_mbox_message_is_named_and_the_rest_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("box.mbox");
    let good =
        "From: A <a@b.example>\nSubject: fine\nDate: Mon, 7 Oct 2024 08:00:00 +0000\n\nA body.\n";
    let bad = "From: A <a@b.example>\nSubject: empty\n\n\n";
    let mbox = format!(
        "From x Mon Oct  7 08:00:00 2024\n{good}\nFrom x Mon Oct  7 08:00:00 2024\n{bad}\n\
         From x Mon Oct  7 08:00:00 2024\n{good}"
    );
    std::fs::write(&path, mbox).unwrap();
    let library = load_paths(std::slice::from_ref(&path));
    assert_eq!(library.issues.len(), 2);
    assert_eq!(library.errors.len(), 1, "{:?}", library.errors);
    assert_eq!(library.errors[0].source, format!("{}#2", path.display()));
    assert_eq!(
        library.errors[0].message,
        "the message has no text or HTML body"
    );
}

#[test]
fn a_large_mbox_is_streamed_past_the_file_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    let body = "A line of newsletter text that repeats.\n\n".repeat(20_000);
    let mut file = std::fs::File::create(&path).unwrap();
    let limit = nlread::library::MAX_FILE_BYTES as usize;
    let mut written = 0;
    let mut count = 0;
    use std::io::Write;
    while written <= limit {
        let msg = format!(
            "From x Mon Oct  7 08:00:00 2024\nFrom: A <a@b.example>\nSubject: n{count}\n\n{body}\n"
        );
        file.write_all(msg.as_bytes()).unwrap();
        written += msg.len();
        count += 1;
    }
    drop(file);
    let library = load_paths(&[path]);
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    assert_eq!(library.issues.len(), count);
}

#[test]
fn crlf_mbox_splits_the_same() {
    let text = std::fs::read_to_string(fixture("three.mbox")).unwrap();
    let crlf = text.replace('\n', "\r\n");
    let lf: Vec<Vec<u8>> = MboxReader::new(text.as_bytes())
        .map(Result::unwrap)
        .collect();
    let cr: Vec<Vec<u8>> = MboxReader::new(crlf.as_bytes())
        .map(Result::unwrap)
        .collect();
    assert_eq!(lf.len(), 3);
    assert_eq!(cr.len(), 3);
    for (a, b) in lf.iter().zip(&cr) {
        assert_eq!(
            String::from_utf8_lossy(a).replace('\n', "\r\n"),
            String::from_utf8_lossy(b)
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    #[test]
    fn email_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let _ = email::parse(&bytes, "x");
        let _ = email::parse_mbox(&bytes, "x");
    }

    #[test]
    fn email_never_panics_on_header_like_input(
        headers in proptest::collection::vec("[A-Za-z-]{1,12}: [ -~]{0,40}", 0..8),
        body in "[ -~\n]{0,400}",
    ) {
        let text = format!("{}\n\n{body}", headers.join("\n"));
        let _ = email::parse(text.as_bytes(), "x");
        let mbox = format!("From x Mon Oct  7 08:00:00 2024\n{text}\n");
        let _ = email::parse_mbox(mbox.as_bytes(), "x");
    }
}
