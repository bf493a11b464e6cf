//! Issue 11, finding 2: memory stays near the input at every format's caps.
//! What nlread hands a parser is cut to what the caps can store before the
//! parser runs: an email's text body to 8 MiB, a message to 1,000 MIME
//! parts, a feed to its first 10,000 items, a mailbox to its newest 10,000
//! messages. Each test measures the heap this thread held at its peak while
//! parsing (see `heap`), against what the old code needed. The memory table
//! for every format is `cargo run --release --example memory_table`
//! (BENCHMARKS.md).

use std::path::PathBuf;

use nlread::parse::{email, feed, limits};

use crate::heap::{MIB, peak_during};

fn mail(content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Letters <news@letters.example>\nSubject: A big one\nMIME-Version: 1.0\n\
         Content-Type: {content_type}\n\n{body}"
    )
    .into_bytes()
}

/// The last block of the issue's last story.
fn last_block(issue: &nlread::model::Issue) -> String {
    let section = issue.sections.last().expect("a story");
    section
        .blocks()
        .next_back()
        .expect("a block")
        .text()
        .to_string()
}

#[test]
fn an_email_body_over_the_text_cap_is_cut_before_it_is_parsed() {
    // 24 MiB of text: three times what an issue can store.
    let line = format!("{}\n", "word ".repeat(200));
    let body = line.repeat(24 * MIB / line.len());
    let bytes = mail("text/plain; charset=utf-8", &body);
    drop(body);
    let (issue, peak) = peak_during(|| email::parse(&bytes, "big.eml").expect("parses"));
    println!(
        "email of {} MiB: peak heap {} MiB",
        bytes.len() / MIB,
        peak / MIB
    );
    assert!(
        last_block(&issue).contains("big.eml"),
        "{}",
        last_block(&issue)
    );
    assert!(limits::text_bytes(&issue) <= limits::MAX_ISSUE_TEXT);
    // The old code parsed all 24 MiB: 180 MiB at its peak; now 66 MiB, of
    // which 24 are the decoded body that mail-parser holds.
    assert!(peak < 100 * MIB, "peak heap {} MiB", peak / MIB);
}

#[test]
fn a_message_of_many_tiny_parts_is_read_to_the_parts_cap() {
    let mut body = String::from("preamble\n");
    for i in 0..20_000 {
        body.push_str(&format!("--b\nContent-Type: text/plain\n\nPart {i}.\n"));
    }
    body.push_str("--b--\n");
    let bytes = mail("multipart/mixed; boundary=\"b\"", &body);
    let (issue, peak) = peak_during(|| email::parse(&bytes, "parts.eml").expect("parses"));
    println!(
        "{} KiB of parts: peak heap {} MiB",
        bytes.len() / 1024,
        peak / MIB
    );
    assert!(
        last_block(&issue).contains("cut at 1000 MIME parts"),
        "{}",
        last_block(&issue)
    );
    assert!(peak < 8 * MIB, "peak heap {} MiB", peak / MIB);
}

fn json_feed(items: usize) -> String {
    let mut json = String::from(
        "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Many\", \"items\": [",
    );
    for i in 0..items {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "\n{{\"id\": \"{i}\", \"content_text\": \"Item {i}.\"}}"
        ));
    }
    json.push_str("]}\n");
    json
}

fn rss_feed(items: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Many</title>\n",
    );
    for i in 0..items {
        xml.push_str(&format!(
            "<item><title>T{i}</title><guid>g{i}</guid><description>Item {i}.</description></item>\n"
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

#[test]
fn a_feed_of_many_items_builds_only_the_ones_it_keeps() {
    for (name, text) in [
        ("many.json", json_feed(60_000)),
        ("many.xml", rss_feed(60_000)),
    ] {
        let (issues, peak) = peak_during(|| feed::parse(text.as_bytes(), name).expect("parses"));
        println!(
            "{name} of {} KiB: peak heap {} MiB",
            text.len() / 1024,
            peak / MIB
        );
        assert_eq!(issues.len(), limits::MAX_FEED_ITEMS, "{name}");
        assert!(last_block(&issues[issues.len() - 1]).contains("cut at 10000 items"));
        // feed-rs held all 60,000 items before 10,000 were kept.
        assert!(peak < 48 * MIB, "{name}: peak heap {} MiB", peak / MIB);
    }
}

#[test]
fn a_mailbox_of_many_messages_keeps_its_newest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("many.mbox");
    let mut mbox = String::new();
    let n = limits::MAX_MESSAGES + 2_000;
    for i in 0..n {
        mbox.push_str(&format!(
            "From a@b.example Tue Oct  1 08:00:00 2024\nFrom: A <a@b.example>\n\
             Subject: Number {i}\n\nMessage {i}.\n\n"
        ));
    }
    std::fs::write(&path, &mbox).expect("write");
    let (library, peak) = peak_during(|| nlread::library::load_paths(std::slice::from_ref(&path)));
    println!(
        "mbox of {} KiB: peak heap {} MiB",
        mbox.len() / 1024,
        peak / MIB
    );
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    assert_eq!(library.issues.len(), limits::MAX_MESSAGES);
    let titles: Vec<&str> = library.issues.iter().map(|i| i.title.as_str()).collect();
    assert!(
        titles.contains(&format!("Number {}", n - 1).as_str()),
        "the newest is kept"
    );
    assert!(!titles.contains(&"Number 1999"), "the oldest are not");
    let oldest = library
        .issues
        .iter()
        .find(|i| i.title == "Number 2000")
        .expect("the oldest kept");
    assert!(
        last_block(oldest).contains("the 2000 older ones in many.mbox"),
        "{}",
        last_block(oldest)
    );
}

/// Issue 11, finding 2, inside the parsers: an 8 MiB file of one-letter
/// lines (or paragraphs, or list items) held 200-300 times its size while
/// it was parsed. Now only the lines an issue can hold are read (cut with
/// a note), and each paragraph's text moves into its block.
#[test]
fn text_of_millions_of_tiny_lines_parses_within_five_times_its_size() {
    let cases: [(&str, String); 4] = [
        ("lines.txt", "a\n".repeat(4 << 20)),
        ("paragraphs.txt", "a\n\n".repeat((8 << 20) / 3)),
        ("items.md", "- x\n".repeat(2 << 20)),
        ("one-line.txt", "word ".repeat((8 << 20) / 5)),
    ];
    for (name, text) in cases {
        let size = text.len();
        let (issues, peak) =
            peak_during(|| nlread::parse::parse_bytes(text.as_bytes(), name).expect("parses"));
        eprintln!("{name} of {} MiB: peak heap {} MiB", size / MIB, peak / MIB);
        assert!(peak < 5 * size, "{name}: peak heap {} MiB", peak / MIB);
        let many_lines = text.matches('\n').count() > nlread::parse::limits::MAX_ISSUE_LINES;
        if many_lines {
            let note = last_block(&issues[0]);
            assert!(nlread::parse::limits::is_cut(&issues[0]), "{name}: {note}");
        }
    }
}

/// The same for markup: 32 MiB of `<p>x</p>` held 73 times its size.
#[test]
fn markup_of_millions_of_tiny_elements_parses_within_five_times_its_size() {
    let html = format!("<html><body>{}</body></html>", "<p>x</p>\n".repeat(3 << 20));
    let size = html.len();
    let (issues, peak) =
        peak_during(|| nlread::parse::parse_bytes(html.as_bytes(), "p.html").expect("parses"));
    eprintln!("html of {} MiB: peak heap {} MiB", size / MIB, peak / MIB);
    assert!(peak < 5 * size, "peak heap {} MiB", peak / MIB);
    assert!(
        nlread::parse::limits::is_cut(&issues[0]),
        "{}",
        last_block(&issues[0])
    );
}
