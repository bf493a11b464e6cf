//! Parsers: pure functions from the bytes of one source to model issues.
//!
//! One module per input format (plain, email, feed, html, markdown), each
//! producing the same [`outline::Outline`]; one [`sectioner`] decides the
//! stories for all of them and [`assemble`] builds the model issue. Nothing
//! here touches the file system or the terminal; `library` reads files and
//! hands their bytes to [`parse_bytes`].

pub mod assemble;
pub mod date;
pub mod decode;
pub mod email;
pub mod feed;
pub mod forward;
pub mod html;
pub mod limits;
pub mod markdown;
pub mod outline;
pub mod plain;
pub mod rules;
pub mod sectioner;

/// Which parsers this build carries: a hash of their source made by
/// `build.rs`. What was parsed under another one is parsed again.
pub const BUILD: &str = env!("NLREAD_PARSER_HASH");

pub use assemble::Assembled;
pub use rules::{SplitRule, SplitRules};

use crate::model::Issue;

/// Why a source gave no issues. Messages are shown to the user as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("this looks like a binary file, not a newsletter")]
    Binary,
    #[error("the file holds only blank lines")]
    Blank,
    /// A page whose markup holds no text to read (headings at most).
    #[error("the page holds no text to read, only markup or a heading")]
    NoText,
    #[error(transparent)]
    Email(#[from] email::EmailError),
    /// The source is of a known format but broken (invalid XML, a truncated
    /// or empty feed); the message says what is wrong.
    #[error("{0}")]
    Invalid(String),
}

/// Parses one source (a whole file's bytes) into the issues it holds.
pub fn parse_bytes(bytes: &[u8], source: &str) -> Result<Vec<Issue>, ParseError> {
    parse_bytes_with(bytes, source, &SplitRules::default())
}

/// [`parse_bytes`] with the user's per-newsletter split rules.
pub fn parse_bytes_with(
    bytes: &[u8],
    source: &str,
    rules: &SplitRules,
) -> Result<Vec<Issue>, ParseError> {
    Ok(explain(bytes, source, rules)?
        .into_iter()
        .map(|a| a.issue)
        .collect())
}

/// Parses one source and says how each issue was cut: what opened each
/// story, and what became of the headings that opened none.
pub fn explain(
    bytes: &[u8],
    source: &str,
    rules: &SplitRules,
) -> Result<Vec<Assembled>, ParseError> {
    match sniff(bytes, source) {
        // A page whose stories hold no words is refused: a heading alone
        // is no newsletter.
        Format::Html => {
            let text = html::decode_bytes(bytes)?;
            let (outline, id) = html::outline(&text);
            drop(text);
            let has_text = outline
                .nodes
                .iter()
                .any(|n| matches!(n, outline::Node::Block(p) if p.has_words()));
            if !has_text {
                return Err(ParseError::NoText);
            }
            let built = assemble::assemble(outline, source, id, rules);
            if built.issue.words() == 0 {
                return Err(ParseError::NoText);
            }
            Ok(vec![built])
        }
        Format::Markdown => {
            let (bytes, cut) = limits::within_line_bytes(bytes, limits::MAX_ISSUE_LINES);
            let text = decode::decode(bytes)?;
            if text.trim().is_empty() {
                return Err(ParseError::Blank);
            }
            let (mut outline, id) = markdown::outline(&text, source);
            drop(text);
            if cut {
                outline.cut = Some(format!("{} lines", limits::MAX_ISSUE_LINES));
            }
            Ok(vec![assemble::assemble(outline, source, id, rules)])
        }
        Format::Feed => feed::explain(bytes, source, rules),
        // Text that merely starts like mail headers is read as plain text.
        Format::Email => match email::explain(bytes, source, rules) {
            Err(email::EmailError::NotMail) => plain_issue(bytes, source, rules),
            other => Ok(vec![other?]),
        },
        // Messages that fail are dropped here; the library, which streams
        // mbox files, reports each of them.
        Format::Mbox => {
            let mut built = Vec::new();
            let mut first_error = None;
            for message in email::MboxReader::new(bytes) {
                match message
                    .map_err(|_| email::EmailError::NotMail)
                    .and_then(|m| email::explain(&m, source, rules))
                {
                    Ok(a) => built.push(a),
                    Err(err) => {
                        first_error.get_or_insert(err);
                    }
                }
            }
            match first_error {
                Some(err) if built.is_empty() => Err(err.into()),
                _ if built.is_empty() => Err(email::EmailError::EmptyMailbox.into()),
                _ => Ok(built),
            }
        }
        Format::Plain => plain_issue(bytes, source, rules),
    }
}

fn plain_issue(
    bytes: &[u8],
    source: &str,
    rules: &SplitRules,
) -> Result<Vec<Assembled>, ParseError> {
    // Only the lines an issue can hold are decoded (see MAX_ISSUE_LINES).
    let (bytes, cut) = limits::within_line_bytes(bytes, limits::MAX_ISSUE_LINES);
    let text = decode::decode(bytes)?;
    if text.trim().is_empty() {
        return Err(ParseError::Blank);
    }
    let (mut outline, id) = plain::outline(&text);
    if cut {
        outline.cut = Some(format!("{} lines", limits::MAX_ISSUE_LINES));
    }
    drop(text);
    Ok(vec![assemble::assemble(outline, source, id, rules)])
}

/// The kind of source, as recognised from its content (the file name's
/// extension is only a hint, for Markdown, which looks like plain text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    Markdown,
    Html,
    /// One email message (.eml, or a file of a Maildir).
    Email,
    /// Many messages, each starting with a "From " line.
    Mbox,
    /// RSS, Atom or JSON Feed.
    Feed,
}

/// Recognises a source's format from its first few kilobytes.
pub fn sniff(bytes: &[u8], source: &str) -> Format {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let start = text.trim_start();
    let lower = start.to_ascii_lowercase();
    if start.starts_with("From ")
        && email_headers(start.split_once('\n').map_or("", |(_, r)| r)) >= 1
    {
        return Format::Mbox;
    }
    if email_headers(start) >= 2 {
        return Format::Email;
    }
    let xml_body = lower
        .strip_prefix("<?xml")
        .and_then(|r| r.split_once("?>").map(|(_, rest)| rest.trim_start()))
        .unwrap_or(&lower);
    let xml_body = skip_comments(xml_body);
    if xml_body.starts_with("<rss")
        || xml_body.starts_with("<feed")
        || xml_body.starts_with("<rdf:rdf")
        || (lower.starts_with('{') && lower.contains("jsonfeed.org/version"))
    {
        return Format::Feed;
    }
    if xml_body.starts_with("<!doctype html")
        || xml_body.starts_with("<html")
        || (xml_body.starts_with('<')
            && ["<body", "<div", "<p>", "<p ", "<table", "<h1", "<h2"]
                .iter()
                .any(|tag| lower.contains(tag)))
    {
        return Format::Html;
    }
    let ext = source.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if matches!(
        ext.as_deref(),
        Some("md" | "markdown" | "mdown" | "mkd" | "mdx")
    ) {
        return Format::Markdown;
    }
    Format::Plain
}

/// How many of the first lines are mail headers ("Subject: ..."), stopping
/// at the first line that is not one (or a folded continuation).
fn email_headers(text: &str) -> usize {
    const KNOWN: [&str; 12] = [
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "received",
        "return-path",
        "delivered-to",
        "content-type",
        "list-id",
        "reply-to",
    ];
    let mut known = 0;
    for line in text.lines().take(60) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return 0;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return 0;
        }
        if KNOWN.contains(&name.to_ascii_lowercase().as_str()) {
            known += 1;
        }
    }
    known
}

fn skip_comments(mut text: &str) -> &str {
    while let Some(rest) = text.strip_prefix("<!--") {
        text = rest.split_once("-->").map_or("", |(_, r)| r).trim_start();
    }
    text
}

/// A stable short id: the first 16 hex digits of xxh3 over the given parts.
pub(crate) fn stable_id(parts: &[&[u8]]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    format!("{:016x}", hasher.digest())
}

/// A title for an issue that names none: its file name without extension.
pub(crate) fn file_stem(source: &str) -> String {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    if stem.is_empty() {
        "Untitled".to_string()
    } else {
        stem.to_string()
    }
}

/// Text without its tags ("<b>Hi</b>" -> "Hi"), for a title or a link's
/// words written in HTML.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The text up to its first sentence end ('.', '!' or '?' before a space).
pub(crate) fn first_sentence(text: &str) -> &str {
    text.char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && text[i + 1..].starts_with(' '))
        .map_or(text, |(i, c)| &text[..i + c.len_utf8()])
}

#[cfg(test)]
mod error_tests {
    use super::{ParseError, parse_bytes};

    #[test]
    fn a_page_of_only_a_heading_is_not_called_blank_lines() {
        // Issue 11, finding 14: it "holds only blank lines".
        let page = b"<!DOCTYPE html><html><body><h1>Just a heading</h1></body></html>";
        let err = parse_bytes(page, "page.html").unwrap_err();
        assert_eq!(err, ParseError::NoText);
        assert!(!err.to_string().contains("blank lines"), "{err}");
        assert_eq!(
            parse_bytes(b"\n\n  \n", "a.txt").unwrap_err(),
            ParseError::Blank,
            "blank text is still blank"
        );
    }
}

#[cfg(test)]
mod sniff_tests {
    use super::{Format, sniff};

    #[test]
    fn formats_are_recognised_by_content() {
        let cases: [(&str, &str, Format); 10] = [
            ("Sep 15, 2020\n\nThe Letter\n", "a.txt", Format::Plain),
            ("# Title\n\nText\n", "a.md", Format::Markdown),
            ("<!DOCTYPE html><html><body><p>x</p>", "a.txt", Format::Html),
            ("\u{feff}  <html lang=en>", "page", Format::Html),
            (
                "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">",
                "feed.xml",
                Format::Feed,
            ),
            (
                "<?xml version=\"1.0\"?><!-- hi --><feed xmlns=\"http://www.w3.org/2005/Atom\">",
                "x",
                Format::Feed,
            ),
            (
                "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}",
                "f.json",
                Format::Feed,
            ),
            (
                "From: Letters <a@b.c>\nSubject: Hi\nDate: Tue, 1 Oct 2024 08:00:00 +0000\n\nBody",
                "1",
                Format::Email,
            ),
            (
                "From a@b.c Tue Oct  1 08:00:00 2024\nFrom: x@y.z\nSubject: Hi\n\nBody\n",
                "box",
                Format::Mbox,
            ),
            (
                "Subject: our plans\nThe meeting is moved.\n",
                "note.txt",
                Format::Plain,
            ),
        ];
        for (text, source, want) in cases {
            assert_eq!(sniff(text.as_bytes(), source), want, "{text:?}");
        }
    }
}
