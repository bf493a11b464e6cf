//! Memory caps: whatever the input (a 100 MB single line, a huge mbox
//! message, a base64 body that decodes big, a feed of a million items,
//! thousands of stories), an issue stores at most `limits::MAX_ISSUE_TEXT`
//! bytes of text, `MAX_SECTIONS` stories and `MAX_BLOCKS` blocks a story,
//! and a cut issue ends with a note saying so instead of being refused.
//!
//! `memory_peaks` (ignored: it writes ~2.5 GB to a temp dir) loads each
//! case in a child process and prints its peak RSS; the figures are in
//! BENCHMARKS.md.

use std::io::Write;
use std::path::{Path, PathBuf};

use nlread::library::load_paths;
use nlread::model::{Issue, Library};
use nlread::parse::{email, feed, limits, markdown, plain};

/// The issue ends with the cut note naming `file`, and stays under the caps.
fn assert_cut(issue: &Issue, file: &str) {
    let stored = limits::text_bytes(issue);
    assert!(
        stored <= limits::MAX_ISSUE_TEXT,
        "{stored} bytes stored, over the cap"
    );
    assert!(issue.sections.len() <= limits::MAX_SECTIONS);
    assert!(
        issue
            .sections
            .iter()
            .all(|s| s.block_count() <= limits::MAX_BLOCKS)
    );
    let last = issue
        .sections
        .last()
        .and_then(|s| s.blocks().next_back())
        .expect("a cut issue has a last block");
    assert!(
        last.text().starts_with("[nlread: this ") && last.text().ends_with(" was not read]"),
        "{:?}",
        last.text()
    );
    assert!(last.text().contains(file), "{:?}", last.text());
}

fn write_repeated(path: &Path, head: &[u8], unit: &[u8], total: usize, tail: &[u8]) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(head).unwrap();
    let chunk: Vec<u8> = unit.repeat((1 << 20) / unit.len().max(1) + 1);
    let mut written = 0;
    while written < total {
        let n = chunk.len().min(total - written);
        file.write_all(&chunk[..n]).unwrap();
        written += n;
    }
    file.write_all(tail).unwrap();
}

fn only_issue(library: &Library) -> &Issue {
    assert_eq!(library.errors, vec![], "no errors");
    assert_eq!(library.issues.len(), 1);
    &library.issues[0]
}

#[test]
fn a_100_mb_single_line_is_read_to_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("line.txt");
    write_repeated(&path, b"", "word é ".as_bytes(), 100 << 20, b"");
    let library = load_paths(std::slice::from_ref(&path));
    let issue = only_issue(&library);
    assert_cut(issue, "line.txt");
    // Most of the cap is used: the cut is at the cap, not far before it.
    assert!(limits::text_bytes(issue) > limits::MAX_ISSUE_TEXT / 2);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "a minute in a debug build; runs with --release"
)]
fn a_long_html_file_is_read_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.html");
    let unit = b"<div><p>A paragraph of the page, <b>bold</b> and <a href=\"https://e.example\">linked</a>.</p></div>\n";
    write_repeated(
        &path,
        b"<!DOCTYPE html><html><body><h1>Long</h1>",
        unit,
        (limits::MAX_READ_BYTES) + (4 << 20),
        b"</body></html>",
    );
    let library = load_paths(std::slice::from_ref(&path));
    assert_cut(only_issue(&library), "page.html");
}

#[test]
fn an_mbox_message_past_the_limit_is_cut_and_the_next_one_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("box");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(b"From a@b Tue Oct  1 08:00:00 2024\nFrom: A <a@b.example>\nSubject: huge\n\n")
        .unwrap();
    // One line longer than a whole message may be: never held in memory.
    let line = b"words without end ".repeat(1 << 16);
    let mut written = 0;
    while written < limits::MAX_READ_BYTES + (8 << 20) {
        file.write_all(&line).unwrap();
        written += line.len();
    }
    file.write_all(b"\n\nFrom b@c Wed Oct  2 08:00:00 2024\nFrom: B <b@c.example>\nSubject: small\n\nA small message after it.\n")
        .unwrap();
    drop(file);
    let library = load_paths(std::slice::from_ref(&path));
    assert_eq!(library.errors, vec![]);
    assert_eq!(library.issues.len(), 2);
    let huge = library.issues.iter().find(|i| i.title == "huge").unwrap();
    // Cut at 8 MiB of text by the parser, within the 32 MiB read of it.
    assert_cut(huge, "box");
    let small = library.issues.iter().find(|i| i.title == "small").unwrap();
    assert!(!limits::is_cut(small));
    assert_eq!(small.sections[0].body(), "A small message after it.");
}

#[test]
fn the_mbox_reader_cuts_a_message_and_says_so() {
    let mbox = format!(
        "From a\nSubject: one\n\n{}\n\nFrom b\nSubject: two\n\nshort\n",
        "x".repeat(5000)
    );
    let mut reader = email::MboxReader::new(mbox.as_bytes()).with_limit(1000);
    let first = reader.next().unwrap().unwrap();
    assert_eq!(first.len(), 1000);
    assert!(reader.was_cut());
    let second = reader.next().unwrap().unwrap();
    assert_eq!(second, b"Subject: two\n\nshort\n");
    assert!(!reader.was_cut());
    assert!(reader.next().is_none());
}

/// Base64 that decodes to 20 MiB of text, in a message under the read limit.
#[test]
fn a_base64_body_that_decodes_big_is_cut() {
    let text = "Many words of newsletter text repeat here.\n".repeat((20 << 20) / 43);
    let mut message = String::from(
        "From: A <a@b.example>\nSubject: bomb\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
    );
    message.push_str(&crate::base64::base64_lines(text.as_bytes(), "\n"));
    assert!(message.len() < limits::MAX_READ_BYTES);
    let issue = email::parse(message.as_bytes(), "bomb.eml").unwrap();
    assert_cut(&issue, "bomb.eml");
}

/// Multiparts nested thousands deep, each with a text part.
#[test]
fn nested_multiparts_stay_under_the_cap() {
    let depth = 2000;
    let mut message = String::from("From: A <a@b.example>\nSubject: nest\nMIME-Version: 1.0\n");
    for i in 0..depth {
        message.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n\
             Content-Type: text/plain\n\nLevel {i} text.\n--b{i}\n"
        ));
    }
    message.push_str("Content-Type: text/plain\n\nThe bottom.\n");
    let issue = email::parse(message.as_bytes(), "nest.eml");
    if let Ok(issue) = issue {
        assert!(limits::text_bytes(&issue) <= limits::MAX_ISSUE_TEXT);
    }
}

#[test]
fn thousands_of_stories_and_blocks_are_cut() {
    let many_sections: String = (0..limits::MAX_SECTIONS * 3)
        .map(|i| format!("## Story {i}\n\nText of story {i}.\n\n"))
        .collect();
    let issue = markdown::parse(&many_sections, "many.md");
    assert_eq!(issue.sections.len(), limits::MAX_SECTIONS);
    assert_cut(&issue, "many.md");

    let plain_sections = many_sections.replace("## ", "# ");
    let issue = plain::parse(&plain_sections, "many.txt");
    assert_eq!(issue.sections.len(), limits::MAX_SECTIONS);
    assert_cut(&issue, "many.txt");

    let bullets = "- an item\n".repeat(limits::MAX_BLOCKS * 2);
    let issue = plain::parse(&bullets, "list.txt");
    assert_eq!(issue.sections[0].block_count(), limits::MAX_BLOCKS);
    assert_cut(&issue, "list.txt");
}

fn json_feed(items: usize) -> String {
    let mut out = String::from(
        "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"F\", \"items\": [",
    );
    for i in 0..items {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{{\"id\":\"{i}\",\"summary\":\"s\"}}"));
    }
    out.push_str("]}");
    out
}

#[test]
fn a_feed_of_too_many_items_keeps_the_first_ones() {
    let json = json_feed(limits::MAX_FEED_ITEMS + 500);
    let issues = feed::parse(json.as_bytes(), "many.json").unwrap();
    assert_eq!(issues.len(), limits::MAX_FEED_ITEMS);
    assert!(!limits::is_cut(&issues[0]));
    assert_cut(issues.last().unwrap(), "many.json");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow in a debug build; runs with --release"
)]
fn a_feed_of_a_million_items() {
    let json = json_feed(1_000_000);
    let issues = feed::parse(json.as_bytes(), "million.json").unwrap();
    assert_eq!(issues.len(), limits::MAX_FEED_ITEMS);
    assert_cut(issues.last().unwrap(), "million.json");
}

// ------------------------------------------------------------ peak memory

/// Child side of `memory_peaks`: loads the file named by NLREAD_CAPS_LOAD
/// and prints the issues, stored bytes and this process's peak RSS.
#[test]
#[ignore = "run by memory_peaks in a child process"]
fn memory_child() {
    let Some(path) = std::env::var_os("NLREAD_CAPS_LOAD") else {
        return;
    };
    let library = load_paths(&[PathBuf::from(path)]);
    let stored: usize = library.issues.iter().map(limits::text_bytes).sum();
    let max_issue = library
        .issues
        .iter()
        .map(limits::text_bytes)
        .max()
        .unwrap_or(0);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or("VmHWM: ?");
    println!(
        "CAPS issues={} errors={} stored={} max_issue={} cut={} {hwm}",
        library.issues.len(),
        library.errors.len(),
        stored,
        max_issue,
        library.issues.iter().filter(|i| limits::is_cut(i)).count()
    );
}

/// Peak RSS of loading each hostile file in a fresh process. Writes about
/// 2.5 GB to a temp dir (check `df -h` first); run with
/// `cargo test --release --test hostile memory_peaks -- --ignored --nocapture`.
#[test]
#[ignore = "writes a 2 GB mbox; run by hand for BENCHMARKS.md"]
fn memory_peaks() {
    let dir = tempfile::tempdir().unwrap();
    let gib = 1usize << 30;
    type Make = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Make)> = vec![
        (
            "100 MB single line (.txt)",
            Box::new(|p| write_repeated(p, b"", b"word ", 100 << 20, b"")),
        ),
        (
            "2 GB mbox: one 2 GB message of one line",
            Box::new(move |p| {
                write_repeated(
                    p,
                    b"From a@b Tue Oct  1 08:00:00 2024\nFrom: A <a@b.c>\nSubject: x\n\n",
                    b"word ",
                    2 * gib,
                    b"\n",
                )
            }),
        ),
        (
            "2 GB mbox: 64 messages of 32 MiB + 1 (each cut)",
            Box::new(move |p| {
                let mut f = std::io::BufWriter::new(std::fs::File::create(p).unwrap());
                let body = b"Words of a long message.\n".repeat((1 << 20) / 25 + 1);
                for i in 0..64 {
                    write!(
                        f,
                        "From a@b Tue Oct  1 08:00:00 2024\nFrom: A <a@b.c>\nSubject: m{i}\n\n"
                    )
                    .unwrap();
                    let mut n = 0;
                    while n <= limits::MAX_READ_BYTES {
                        f.write_all(&body).unwrap();
                        n += body.len();
                    }
                    f.write_all(b"\n").unwrap();
                }
            }),
        ),
        (
            "base64 body decoding to 20 MiB (.eml)",
            Box::new(|p| {
                let text = "Many words of newsletter text repeat here.\n".repeat((20 << 20) / 43);
                let mut m = String::from(
                    "From: A <a@b.c>\nSubject: b\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n",
                );
                m.push_str(&crate::base64::base64_lines(text.as_bytes(), "\n"));
                std::fs::write(p, m).unwrap();
            }),
        ),
        (
            "feed of 1,000,000 items (JSON)",
            Box::new(|p| std::fs::write(p, json_feed(1_000_000)).unwrap()),
        ),
    ];
    let exe = std::env::current_exe().unwrap();
    for (i, (name, make)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("case{i}"));
        make(&path);
        let size = std::fs::metadata(&path).unwrap().len();
        let start = std::time::Instant::now();
        let out = std::process::Command::new(&exe)
            .args(["--exact", "caps::memory_child", "--ignored", "--nocapture"])
            .env("NLREAD_CAPS_LOAD", &path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with("CAPS"))
            .unwrap_or("no report");
        println!(
            "| {name} | {:.0} MB | {:.1} s | {line} |",
            size as f64 / 1e6,
            start.elapsed().as_secs_f64()
        );
        std::fs::remove_file(&path).unwrap();
    }
}
