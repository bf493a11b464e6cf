//! Golden snapshots of the Markdown fixtures, parsed, plus the rules the
//! snapshots stand for spelled out as asserts, and a never-panics property.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/outline.rs"]
mod support;

use nlread::model::{Block, Issue};
use nlread::parse::{Format, parse_bytes, sniff};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    out.sort();
    out
}

fn parse_file(path: &Path) -> Issue {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(sniff(&bytes, &name), Format::Markdown, "{name}");
    let mut issues = parse_bytes(&bytes, &name).unwrap();
    assert_eq!(issues.len(), 1, "{name}");
    issues.remove(0)
}

use support::outline;

#[test]
fn fixtures_match_their_snapshots() {
    let files = fixtures();
    assert_eq!(files.len(), 1, "fixtures: {files:#?}");
    for path in &files {
        let issue = parse_file(path);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, outline(&issue));
    }
}

#[test]
fn digest_sections_blocks_and_links() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown");
    let issue = parse_file(&dir.join("weekly-digest.md"));
    assert_eq!(issue.title, "The Tinkerer's Digest #42");
    assert_eq!(issue.date.as_deref(), Some("2025-03-14"));
    assert_eq!(issue.author.as_deref(), Some("Mara Quill"));
    assert_eq!(issue.newsletter.as_deref(), Some("The Tinkerer's Digest"));
    let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Intro",
            "Cheap sensors are getting good",
            "How they were tested",
            "Soldering, step by step",
            "Reader question"
        ]
    );
    // Front matter is never shown as text.
    for s in &issue.sections {
        assert!(!s.body().contains("tags:"), "{}", s.body());
    }
    let sensors = &issue.sections[1];
    assert_eq!(
        sensors.block(0),
        Some(Block::Labelled {
            label: "Why it matters",
            text: "a $4 air-quality sensor now tracks a lab instrument within 10%."
        })
    );
    assert_eq!(
        sensors.block(1),
        Some(Block::Caption {
            text: "A bar chart comparing sensor readings"
        })
    );
    // "### How they were tested" owns text: the innermost heading that owns
    // text is a story of its own.
    assert_eq!(
        issue.sections[2].body(),
        "Each sensor logged every minute to a small server."
    );
    assert_eq!(
        sensors
            .blocks()
            .filter(|b| matches!(b, Block::Bullet { .. }))
            .count(),
        3
    );
    // Each link is marked right after its text.
    for s in &issue.sections {
        for l in &s.links {
            let text = s.block(l.block as usize).unwrap().text();
            assert!(
                text[..l.at as usize].ends_with(&l.text),
                "{:?} not before {} in {text:?}",
                l.text,
                l.at
            );
        }
    }
    let steps = &issue.sections[3];
    assert_eq!(
        steps.block(2),
        Some(Block::Numbered {
            number: 3,
            text: "Heat the pad, not the solder"
        })
    );
    assert!(steps.blocks().any(|b| matches!(b, Block::Quote { .. })));
    assert!(steps.body().contains("flux --apply --thin"));
}

#[test]
fn crlf_and_bom_copies_parse_the_same() {
    for path in fixtures() {
        let want = parse_file(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        let got = parse_bytes(&bytes, &want.source).unwrap().remove(0);
        assert_eq!(got, want, "{}", path.display());
    }
}

#[test]
fn headings_of_one_level_are_all_stories() {
    let issue = nlread::parse::markdown::parse("# A\n\none\n\n# B\n\ntwo\n", "x.md");
    let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["A", "B"]);
    assert_eq!(issue.title, "A");
}

#[test]
fn control_sequences_never_reach_the_model() {
    let issue = nlread::parse::markdown::parse(
        "## Ti\u{1b}]0;x\u{7}tle\n\nBody &#27;[31m red [link](https://e.x/\u{1b}[2J)\n",
        "x.md",
    );
    let json = serde_json::to_string(&issue).unwrap();
    assert!(!json.contains("\\u001b"), "{json}");
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_bytes(&bytes, "any.md");
    }

    #[test]
    fn keeps_every_word_of_prose_under_headings(
        paras in proptest::collection::vec(("[a-z]{1,8}( [a-z]{1,8}){0,6}", 0u8..4), 1..12)
    ) {
        let mut text = String::new();
        for (words, heading) in &paras {
            let marks = "#".repeat(usize::from(*heading));
            let sep = if marks.is_empty() { "" } else { " " };
            text.push_str(&format!("{marks}{sep}{words}\n\n"));
        }
        let issue = nlread::parse::markdown::parse(&text, "p.md");
        // A "by X" line at the top is read as the author, not lost (its
        // "by" is the marker, not a word of the text).
        let mut seen = match &issue.author {
            Some(author) => format!("{} by {author}", issue.title),
            None => issue.title.clone(),
        };
        for s in &issue.sections {
            seen.push(' ');
            seen.push_str(&s.title);
            seen.push(' ');
            seen.push_str(s.group.as_deref().unwrap_or(""));
            seen.push(' ');
            seen.push_str(s.body());
        }
        let seen: std::collections::HashSet<&str> = seen.split_whitespace().collect();
        for word in text.split_whitespace().filter(|w| !w.starts_with('#')) {
            prop_assert!(seen.contains(word), "{word} lost from {text:?}");
        }
    }

    #[test]
    fn never_panics_on_markdown_like_text(text in "[-#*_>`!\\[\\]()0-9. a-z:\n]{0,400}") {
        let issue = nlread::parse::markdown::parse(&text, "any.md");
        prop_assert!(!issue.sections.is_empty());
        for s in &issue.sections {
            for l in &s.links {
                prop_assert!(s.block(l.block as usize).is_some() || s.block_count() == 0);
            }
        }
    }
}
