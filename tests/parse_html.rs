//! The HTML parser on the fixtures in tests/fixtures/html: golden outlines
//! (insta) of every fixture, and explicit checks for each trap an HTML
//! newsletter sets (preheaders, pixels, layout tables, charsets, breakage).
//!
//! A changed snapshot is a changed parse: review it with `cargo insta review`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/outline.rs"]
mod support;

use nlread::model::{Block, Issue};
use nlread::parse::{Format, html, parse_bytes, sniff};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    out.sort();
    out
}

fn fixture(name: &str) -> Issue {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/html")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let mut issues = parse_bytes(&bytes, name).unwrap();
    assert_eq!(issues.len(), 1, "{name}");
    issues.remove(0)
}

use support::outline;

fn all_text(issue: &Issue) -> String {
    let mut out = format!("{}\n", issue.title);
    for s in &issue.sections {
        out.push_str(&s.title);
        out.push('\n');
        out.push_str(s.group.as_deref().unwrap_or(""));
        out.push('\n');
        out.push_str(&s.text());
        out.push('\n');
    }
    out
}

fn titles(issue: &Issue) -> Vec<&str> {
    issue.sections.iter().map(|s| s.title.as_str()).collect()
}

#[test]
fn fixtures_match_their_snapshots() {
    let paths = fixtures();
    // A lost fixture must fail, not silently shrink the suite.
    assert_eq!(paths.len(), 6, "{paths:#?}");
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(sniff(&bytes, &name), Format::Html, "{name}");
        let issue = fixture(&name);
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(stem, outline(&issue));
    }
}

#[test]
fn crlf_and_bom_copies_parse_the_same() {
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let want = parse_bytes(&bytes, &name).unwrap();
        let mut crlf = Vec::new();
        for &b in &bytes {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        assert_eq!(parse_bytes(&crlf, &name).unwrap(), want, "{name} CRLF");
        if std::str::from_utf8(&bytes).is_ok() {
            let bom = [b"\xEF\xBB\xBF".as_slice(), &bytes].concat();
            assert_eq!(parse_bytes(&bom, &name).unwrap(), want, "{name} BOM");
        }
    }
}

#[test]
fn saved_page_has_one_section_per_story() {
    let issue = fixture("web_newsletter.html");
    assert_eq!(issue.title, "Harbour Ledger — Issue 42");
    assert_eq!(issue.newsletter.as_deref(), Some("Harbour Ledger"));
    assert_eq!(issue.author.as_deref(), Some("Mara Quint"));
    assert_eq!(issue.date.as_deref(), Some("2024-10-01"));
    // The masthead (the og:site_name in an <h1>) names the newsletter and is
    // no story; the <h4> inside the ferry's <article> is a sub-heading.
    assert_eq!(
        titles(&issue),
        [
            "Intro",
            "The ferry fare freeze ends",
            "Dock workers sign a new deal",
            "Chart of the week"
        ]
    );
    assert!(issue.sections[0].body().contains("Good morning."));
    let ferry = &issue.sections[1];
    let blocks: Vec<Block> = ferry.blocks().collect();
    assert_eq!(
        blocks[1],
        Block::Labelled {
            label: "Why it matters",
            text: "commuters on the north route pay the most."
        }
    );
    assert!(blocks.contains(&Block::Caption {
        text: "The 7:10 ferry. Photo: J. Ortiz"
    }));
    assert!(blocks.contains(&Block::SubHeading {
        text: "What comes next"
    }));
    assert!(blocks.contains(&Block::Numbered {
        number: 2,
        text: "A final vote in December."
    }));
    // The figure's caption wins over its image's alt text.
    assert!(!all_text(&issue).contains("morning ferry leaving"));
    // Entities decoded, the URL's &amp; too.
    assert!(blocks[0].text().contains("voted 7–2"));
    assert_eq!(ferry.links[0].url, "https://example.org/ferry?a=1&b=2");
    assert_eq!(ferry.links[0].text, "Read the minutes");
    let dock = &issue.sections[2];
    assert_eq!(dock.links[0].url, "https://example.org/dock");
    assert!(matches!(dock.block(1), Some(Block::Quote { .. })));
    let chart = &issue.sections[3];
    assert_eq!(
        chart.block(0),
        Some(Block::Caption {
            text: "Container volumes by month, 2023 and 2024"
        })
    );
    let text = all_text(&issue);
    assert!(!text.contains("never shown") && !text.contains("font-family"));
    assert!(
        !text.contains("Skip to content"),
        "in-page links are not links"
    );
}

#[test]
fn email_template_hides_preheader_and_pixels_and_reads_headline_cells() {
    let issue = fixture("email_table.html");
    assert_eq!(issue.title, "Morning Brief: Rates hold, chips rally");
    assert_eq!(
        titles(&issue),
        [
            "Intro",
            "Rates hold steady",
            "Chip makers rally",
            "One more thing"
        ]
    );
    let text = all_text(&issue);
    for hidden in [
        "one more thing you will love",
        "hidden spacer text",
        "tracked",
        "tracking pixel",
        "logo",
    ] {
        assert!(!text.contains(hidden), "{hidden:?} leaked:\n{text}");
    }
    let rates = &issue.sections[1];
    assert_eq!(
        rates.block(0),
        Some(Block::Paragraph {
            text: "The central bank kept its key rate at 4.25% on Wednesday."
        })
    );
    assert!(matches!(
        rates.block(1),
        Some(Block::Labelled {
            label: "The big picture",
            ..
        })
    ));
    assert_eq!(rates.links[0].text, "Full story");
    // The two cells of one row are two paragraphs of one story.
    let chips = &issue.sections[2];
    assert_eq!(chips.block_count(), 2);
    assert_eq!(chips.links[0].url, "https://example.com/chips");
    let intro_links: Vec<&str> = issue.sections[0]
        .links
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(intro_links, ["View in browser"]);
}

#[test]
fn windows_1252_bytes_are_decoded() {
    let issue = fixture("windows1252.html");
    assert_eq!(issue.title, "Café Notes");
    assert_eq!(titles(&issue), ["The “best” croissant", "Prêt à manger"]);
    assert!(all_text(&issue).contains("naïve review — £5"));
    assert!(all_text(&issue).contains("Crème brûlée for €4."));
}

#[test]
fn broken_documents_keep_their_text() {
    let cut = fixture("truncated.html");
    assert_eq!(titles(&cut), ["First story", "Second story"]);
    assert!(all_text(&cut).contains("cut off in the mid"));
    let soup = fixture("tag_soup.html");
    let text = all_text(&soup);
    for word in [
        "Unclosed paragraph one",
        "Unclosed paragraph two",
        "& more",
        "“quoted”",
        "cell without row",
        "second cell",
        "🌻",
    ] {
        assert!(text.contains(word), "{word:?} lost:\n{text}");
    }
}

#[test]
fn a_page_without_headings_is_one_section() {
    let issue = fixture("no_headings.html");
    assert_eq!(issue.sections.len(), 1);
    assert_eq!(issue.sections[0].title, issue.title);
    assert!(all_text(&issue).contains("Forty trees went in before the rain."));
}

#[test]
fn empty_and_blank_documents_are_errors() {
    assert!(parse_bytes(b"", "a.html").is_err());
    assert!(parse_bytes(b"<html><body><script>x()</script></body></html>", "a.html").is_err());
}

// ---------------------------------------------------------------- properties

/// Simple generated HTML: words in paragraphs, list items, headings, bold
/// and links.
fn simple_html() -> impl Strategy<Value = (String, Vec<String>)> {
    let word = "[a-zA-Z][a-z0-9]{0,8}";
    let piece = (0..7usize, prop::collection::vec(word, 1..6));
    prop::collection::vec(piece, 1..12).prop_map(|pieces| {
        let mut html = String::from("<html><body>");
        let mut words = Vec::new();
        for (kind, ws) in pieces {
            let text = ws.join(" ");
            words.extend(ws);
            let n = words.len();
            html.push_str(&match kind {
                0 => format!("<p>{text}</p>"),
                1 => format!("<h2>{text}</h2>"),
                2 => format!("<ul><li>{text}</li></ul>"),
                3 => format!("<p><b>{text}</b></p>"),
                4 => format!("<p>see <a href=\"https://x.y/{n}\">{text}</a></p>"),
                5 => format!("<table><tr><td>{text}</td><td>x{n}</td></tr></table>"),
                _ => format!("<div>{text}<br>{text}</div>"),
            });
            match kind {
                4 => words.push("see".into()),
                5 => words.push(format!("x{n}")),
                _ => {}
            }
        }
        (html, words)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_on_any_string(s in "\\PC*") {
        let _ = html::parse(&s, "p.html");
    }

    #[test]
    fn never_panics_on_tag_soup(s in "(<[a-z/!]{0,4}[ a-z=\"'>]{0,6}|[a-z &;#<>]{0,6}){0,40}") {
        let issue = html::parse(&s, "p.html");
        for section in &issue.sections {
            for link in &section.links {
                prop_assert!(section.block(link.block as usize).is_some() || section.block_count() == 0);
            }
        }
    }

    #[test]
    fn never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_bytes(&bytes, "p.html");
        let _ = html::parse_bytes(&bytes, "p.html");
    }

    #[test]
    fn every_visible_word_is_kept((html, words) in simple_html()) {
        let issue = html::parse(&html, "p.html");
        let text = all_text(&issue);
        let seen: std::collections::HashSet<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        for word in &words {
            prop_assert!(seen.contains(word.as_str()), "{word:?} lost from {html}\n{text}");
        }
    }
}

/// Found by `every_visible_word_is_kept`: headings with nothing under them
/// were dropped with their words. They are labels now: the group of the
/// stories under them.
#[test]
fn fuzz_input_1_empty_headings_keep_their_words() {
    let issue = html::parse("<html><body><h2>A</h2><h2>a</h2><ul><li>A0</li></ul>", "p");
    assert_eq!(titles(&issue), ["a"]);
    assert_eq!(issue.sections[0].group.as_deref(), Some("A"));
    let issue = html::parse("<h2>Markets</h2><h3>Oil</h3><p>Up.</p>", "p");
    assert_eq!(issue.title, "Oil");
    let issue = html::parse(
        "<title>T</title><h2>Markets</h2><h3>Oil</h3><p>Up.</p>",
        "p",
    );
    assert_eq!(titles(&issue), ["Oil"]);
    assert_eq!(issue.sections[0].group.as_deref(), Some("Markets"));
    // A label with no story under it keeps its words where it stands.
    let issue = html::parse("<p>Intro words.</p><h2>Later</h2><h3></h3>", "p");
    assert!(all_text(&issue).contains("Later"));
}
