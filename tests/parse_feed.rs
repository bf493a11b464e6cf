//! Golden snapshots of the feed fixtures (RSS with content:encoded, Atom
//! with HTML content, JSON Feed), parsed one issue per item; broken feeds
//! give clear errors; a never-panics property.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/outline.rs"]
mod support;

use nlread::model::Issue;
use nlread::parse::{Format, ParseError, parse_bytes, sniff};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed")
}

/// The good fixtures: every file whose name does not start with "broken-".
fn good_fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("broken-")
        })
        .collect();
    out.sort();
    out
}

fn parse_file(path: &Path) -> Result<Vec<Issue>, ParseError> {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(sniff(&bytes, &name), Format::Feed, "{name}");
    parse_bytes(&bytes, &name)
}

fn outline(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|issue| format!("=== item\n{}", support::outline(issue)))
        .collect()
}

#[test]
fn fixtures_match_their_snapshots() {
    let files = good_fixtures();
    assert_eq!(files.len(), 3, "fixtures: {files:#?}");
    for path in &files {
        let issues = parse_file(path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, outline(&issues));
    }
}

fn all_text(issue: &Issue) -> String {
    issue
        .sections
        .iter()
        .map(|s| s.body())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn rss_prefers_content_encoded_and_reads_item_fields() {
    let issues = parse_file(&dir().join("rss-content-encoded.xml")).unwrap();
    assert_eq!(issues.len(), 2);
    let first = &issues[0];
    assert_eq!(first.title, "Ferry timetable changes");
    assert_eq!(first.newsletter.as_deref(), Some("Harbor Notes"));
    assert_eq!(first.date.as_deref(), Some("2025-10-07"));
    assert_eq!(first.author.as_deref(), Some("Ines Porto"));
    let text = all_text(first);
    assert!(text.contains("early ferry leaves at 6:40"), "{text}");
    assert!(!text.contains("teaser"), "description used: {text}");
    assert!(text.contains("North pier closed"), "{text}");
    // Links in the item's HTML are kept, marked after their text.
    let link = &first.sections[0].links[0];
    assert_eq!(link.text, "timetable page");
    assert_eq!(link.url, "https://harbor.example/timetable");
    let block = first.sections[0].block(link.block as usize).unwrap();
    assert!(block.text()[..link.at as usize].ends_with("timetable page"));
    // Without content:encoded, the description is the text.
    assert_eq!(issues[1].title, "Market day & music");
    assert!(all_text(&issues[1]).contains("brass band from noon"));
    assert_ne!(issues[0].id, issues[1].id);
}

#[test]
fn atom_reads_html_content_then_summary() {
    let issues = parse_file(&dir().join("atom-html.xml")).unwrap();
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0].title, "Launch window opens");
    assert_eq!(issues[0].author.as_deref(), Some("Dana Kerr"));
    assert_eq!(issues[0].date.as_deref(), Some("2025-06-02"));
    assert_eq!(issues[0].newsletter.as_deref(), Some("Orbit Weekly"));
    let text = all_text(&issues[0]);
    assert!(text.contains("ninety minutes"), "{text}");
    assert!(!text.contains("<p>"), "markup leaked: {text}");
    assert!(!text.contains("summary is shorter"), "{text}");
    // Only <updated>: the date comes from it.
    assert_eq!(issues[1].date.as_deref(), Some("2025-05-26"));
    assert!(all_text(&issues[1]).contains("three-day drive"));
}

#[test]
fn json_feed_reads_html_and_text_items() {
    let issues = parse_file(&dir().join("json-feed.json")).unwrap();
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0].title, "Planting garlic in autumn");
    assert_eq!(issues[0].author.as_deref(), Some("Rosa Linde"));
    assert_eq!(issues[0].newsletter.as_deref(), Some("Garden Letters"));
    assert_eq!(issues[0].date.as_deref(), Some("2025-10-12"));
    assert!(all_text(&issues[0]).contains("Two inches, pointed end up"));
    assert!(all_text(&issues[1]).contains("ferment for three days"));
}

#[test]
fn ids_are_stable_and_depend_on_content() {
    let path = dir().join("rss-content-encoded.xml");
    let a = parse_file(&path).unwrap();
    let b = parse_file(&path).unwrap();
    assert_eq!(a, b);
    let bytes = std::fs::read_to_string(&path)
        .unwrap()
        .replace("6:40", "6:45");
    let changed = parse_bytes(bytes.as_bytes(), "x.xml").unwrap();
    assert_ne!(changed[0].id, a[0].id);
    assert_eq!(changed[1].id, a[1].id);
    let mut section_ids: Vec<&str> = a
        .iter()
        .flat_map(|i| &i.sections)
        .map(|s| s.id.as_str())
        .collect();
    let n = section_ids.len();
    section_ids.dedup();
    assert_eq!(section_ids.len(), n);
}

#[test]
fn broken_feeds_give_clear_errors() {
    let err = |name: &str| match parse_file(&dir().join(name)) {
        Err(err) => err.to_string(),
        Ok(issues) => panic!("{name} parsed into {} issues", issues.len()),
    };
    let truncated = err("broken-truncated.xml");
    assert!(truncated.contains("truncated"), "{truncated}");
    let invalid = err("broken-invalid.xml");
    assert!(invalid.contains("not a readable feed"), "{invalid}");
    let empty = err("broken-empty.xml");
    assert!(empty.contains("no items"), "{empty}");
}

#[test]
fn a_feed_cut_anywhere_is_an_error_or_fewer_items_never_a_panic() {
    let bytes = std::fs::read(dir().join("atom-html.xml")).unwrap();
    for cut in (0..bytes.len()).step_by(7) {
        assert!(
            nlread::parse::feed::parse(&bytes[..cut], "cut.xml").is_err(),
            "cut at {cut} parsed"
        );
    }
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = nlread::parse::feed::parse(&bytes, "any.xml");
    }

    #[test]
    fn never_panics_on_feed_like_text(body in "[<>/a-z&;#:\" =\n0-9]{0,300}") {
        let rss = format!("<rss version=\"2.0\"><channel><title>T</title><item><title>I</title><description>{body}</description></item></channel></rss>");
        let _ = nlread::parse::feed::parse(rss.as_bytes(), "any.xml");
        let atom = format!("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><id>1</id><content type=\"html\">{body}</content></entry></feed>");
        let _ = nlread::parse::feed::parse(atom.as_bytes(), "any.xml");
    }
}
