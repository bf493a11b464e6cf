//! Email: one RFC 5322 message (.eml, a Maildir file) -> one [`Issue`], and
//! mbox files -> one issue per message.
//!
//! mail-parser decodes the MIME structure, charsets and transfer encodings;
//! this module picks the body that gives the better structure, hands it to
//! the plain-text or HTML parser, and fills the issue's metadata from the
//! headers. The mbox splitter ([`MboxReader`]) works on any `BufRead`, so the
//! library can stream a mailbox of any size one message at a time.

use std::io::BufRead;

use mail_parser::{Address, HeaderValue, Message, MessageParser, PartType};

use super::{limits, stable_id};
use crate::model::Issue;
use crate::text::sanitize;

/// Why one message gave no issue. Shown to the user after the source's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the message has no text or HTML body")]
    NoBody,
    #[error("the message ends inside its headers; it looks truncated")]
    Truncated,
    #[error("not an email message: no mail headers were found")]
    NotMail,
    #[error("the mailbox holds no messages")]
    EmptyMailbox,
}

/// Parses one email message. `source` is recorded as the issue's origin.
///
/// The body is the text/plain part when it is well structured (see
/// [`well_structured`]), otherwise the HTML part, otherwise whatever text
/// there is. Title, newsletter, author and date then come from the headers.
///
/// What the parsers are given is cut to what the caps can store before they
/// run (text bodies to [`limits::MAX_ISSUE_TEXT`], the message to
/// [`limits::MAX_PARTS`] MIME parts), so a 32 MiB body of short lines costs
/// the memory of 8 MiB; the issue then ends with a note saying so.
pub fn parse(bytes: &[u8], source: &str) -> Result<Issue, EmailError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(EmailError::NotMail);
    }
    if header_end(bytes).is_none() {
        return Err(EmailError::Truncated);
    }
    let (read, parts_cut) = within_parts(bytes, limits::MAX_PARTS);
    let message = MessageParser::default()
        .parse(read)
        .ok_or(EmailError::NotMail)?;
    if message.headers().is_empty() {
        return Err(EmailError::NotMail);
    }
    let (body, text_cut) = choose_body(&message);
    let mut issue = match body {
        Body::Text(text) => super::plain::parse(&text, source),
        Body::Html(html, text) => {
            let issue = html_issue(&html, source);
            match text {
                Some(text) if issue.sections.iter().all(|s| s.words == 0) => {
                    super::plain::parse(&text, source)
                }
                _ => issue,
            }
        }
        Body::None => return Err(EmailError::NoBody),
    };
    if issue.sections.iter().all(|s| s.words == 0) {
        return Err(EmailError::NoBody);
    }
    // A masthead line the text parser took for a heading leaves an empty story.
    issue.sections.retain(|s| s.block_count() > 0);
    apply_headers(&mut issue, &message, bytes);
    // A huge subject or sender can still push the issue over its cap.
    limits::cap(&mut issue, source);
    if parts_cut {
        limits::note_cut(
            &mut issue,
            &format!("{} MIME parts", limits::MAX_PARTS),
            source,
        );
    } else if text_cut {
        limits::note_cut(&mut issue, "8 MiB", source);
    }
    Ok(issue)
}

/// The start of a message holding at most `max` MIME parts: cut before the
/// delimiter line (`--` and a boundary its headers declare) that would open
/// one more; true when something was cut. MIME parsers keep a record per
/// part, so a message of a million tiny parts would cost gigabytes.
fn within_parts(bytes: &[u8], max: usize) -> (&[u8], bool) {
    let boundaries = declared_boundaries(bytes);
    if boundaries.is_empty() {
        return (bytes, false);
    }
    let mut parts = 0;
    let mut at = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"--") {
            let rest = rest.trim_ascii_end();
            let closing = rest.ends_with(b"--");
            let name = if closing {
                &rest[..rest.len() - 2]
            } else {
                rest
            };
            if !closing && boundaries.iter().any(|b| b.as_slice() == name) {
                parts += 1;
                if parts > max {
                    return (&bytes[..at], true);
                }
            }
        }
        at += line.len();
    }
    (bytes, false)
}

/// Every `boundary=` parameter in the message (quoted or not), at most a
/// few dozen: the top-level one and those of nested multiparts.
fn declared_boundaries(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut found: Vec<Vec<u8>> = Vec::new();
    let finder = memchr::memmem::Finder::new(b"oundary=");
    for at in finder.find_iter(bytes) {
        if at == 0 || !matches!(bytes[at - 1], b'b' | b'B') {
            continue;
        }
        let value = &bytes[at + b"oundary=".len()..];
        let name: &[u8] = match value.strip_prefix(b"\"") {
            Some(quoted) => quoted
                .split(|&b| b == b'"' || b == b'\n')
                .next()
                .unwrap_or(b""),
            None => value
                .split(|b| b.is_ascii_whitespace() || *b == b';')
                .next()
                .unwrap_or(b""),
        };
        if !name.is_empty() && !found.iter().any(|f| f.as_slice() == name) {
            found.push(name.to_vec());
            if found.len() >= 64 {
                break;
            }
        }
    }
    found
}

/// The HTML path: sections, blocks and links from the HTML parser (which
/// drops hidden preheaders, tracking pixels, style and script).
fn html_issue(html: &str, source: &str) -> Issue {
    super::html::parse(html, source)
}

enum Body {
    Text(String),
    /// The HTML, and the text part to fall back on if the HTML shows nothing.
    Html(String, Option<String>),
    None,
}

/// Prefers a well-structured text/plain body, then HTML, then any text;
/// and whether the text was cut to [`limits::MAX_ISSUE_TEXT`] (all an issue
/// can store of it) before it is parsed.
fn choose_body(message: &Message<'_>) -> (Body, bool) {
    let texts: Vec<&str> = message
        .text_bodies()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect();
    let htmls: Vec<&str> = message
        .html_bodies()
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    let (text, cut) = join_within(&texts, "\n\n", limits::MAX_ISSUE_TEXT);
    let (html, _) = join_within(&htmls, "\n", limits::MAX_READ_BYTES);
    let has_text = text.split_whitespace().next().is_some();
    let has_html = !html.trim().is_empty();
    if has_text && (!has_html || well_structured(&text)) {
        (Body::Text(text), cut)
    } else if has_html {
        (Body::Html(html, has_text.then_some(text)), false)
    } else {
        (Body::None, false)
    }
}

/// `parts` joined by `separator`, cut at a line end to at most `max` bytes
/// without ever holding more; true when something was cut.
fn join_within(parts: &[&str], separator: &str, max: usize) -> (String, bool) {
    let total = parts
        .iter()
        .map(|p| p.len() + separator.len())
        .sum::<usize>();
    let mut out = String::with_capacity(total.min(max + separator.len()));
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        let room = (max + 1).saturating_sub(out.len());
        if part.len() > room {
            // One byte over the limit, then cut back to a line end.
            let mut end = room;
            while !part.is_char_boundary(end) {
                end -= 1;
            }
            out.push_str(&part[..end]);
            out.push('x');
            limits::cut_text(&mut out, max);
            return (out, true);
        }
        out.push_str(part);
    }
    let cut = limits::cut_text(&mut out, max);
    (out, cut)
}

/// The rule for "a well-structured text/plain": at least three paragraphs
/// (blank-line separated) and 40 words that are not a "view this email in
/// your browser" / "your client does not support HTML" notice. Senders whose
/// text part is only such a notice or one unbroken blob are read from HTML.
pub fn well_structured(text: &str) -> bool {
    let text = text.replace("\r\n", "\n");
    let mut paragraphs = 0;
    let mut words = 0;
    for para in text.split("\n\n") {
        let n = para.split_whitespace().count();
        if n == 0 || is_browser_notice(para) {
            continue;
        }
        paragraphs += 1;
        words += n;
    }
    paragraphs >= 3 && words >= 40
}

fn is_browser_notice(para: &str) -> bool {
    let lower = para.to_lowercase();
    let notice = [
        "in your browser",
        "in a browser",
        "web version",
        "online version",
    ]
    .iter()
    .any(|p| lower.contains(p))
        || (lower.contains("html") && lower.contains("support"));
    notice && para.split_whitespace().count() <= 30
}

/// Title, newsletter, author, date and ids from the headers.
fn apply_headers(issue: &mut Issue, message: &Message<'_>, raw: &[u8]) {
    let clean = |s: &str| {
        let s = sanitize(s);
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        (!s.is_empty()).then_some(s)
    };
    if let Some(subject) = message.subject().and_then(clean) {
        // Story titles stay as the body's parser gave them: one equal to
        // the body's title may be a real heading, not a stand-in.
        issue.title = subject;
    }
    let from = message.from().and_then(Address::first);
    let from_name = from.and_then(|a| a.name()).and_then(clean);
    let from_addr = from.and_then(|a| a.address()).and_then(clean);
    let list_name = list_id_phrase(message.list_id()).and_then(|s| clean(&s));
    if let Some(newsletter) = from_name.clone().or(list_name) {
        issue.newsletter = Some(newsletter);
    }
    if let Some(author) = from_name.or(from_addr) {
        issue.author = Some(author);
    }
    if let Some(d) = message.date()
        && (1..=12).contains(&d.month)
        && (1..=31).contains(&d.day)
        && d.year > 0
    {
        issue.date = Some(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
    }
    // The same body under another subject is another issue: hash the message.
    issue.id = stable_id(&[raw]);
    for (i, section) in issue.sections.iter_mut().enumerate() {
        section.id = stable_id(&[
            issue.id.as_bytes(),
            &i.to_le_bytes(),
            section.title.as_bytes(),
        ]);
    }
}

/// "Weekly News <weekly.example.com>" -> "Weekly News".
fn list_id_phrase(value: &HeaderValue<'_>) -> Option<String> {
    match value {
        HeaderValue::Address(addr) => addr.first()?.name().map(str::to_string),
        HeaderValue::Text(text) => {
            let phrase = text.split('<').next()?.trim().trim_matches('"').trim();
            (!phrase.is_empty()).then(|| phrase.to_string())
        }
        _ => None,
    }
}

/// Where the header block ends (just after the blank line), if it does.
fn header_end(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        at += line.len();
        if line == b"\n" || line == b"\r\n" {
            return Some(at);
        }
    }
    None
}

/// Parses a whole mbox in memory: the issues (the newest
/// [`limits::MAX_MESSAGES`], see [`Mailbox`]), and one `(number, error)` per
/// message that failed (numbered from 1 in file order).
pub fn parse_mbox(bytes: &[u8], source: &str) -> (Vec<Issue>, Vec<(usize, EmailError)>) {
    let mut mailbox = Mailbox::default();
    let mut errors = Vec::new();
    for (i, message) in MboxReader::new(bytes).enumerate() {
        match message
            .map_err(|_| EmailError::NotMail)
            .and_then(|m| parse(&m, source))
        {
            Ok(issue) => mailbox.push(issue),
            Err(err) => errors.push((i + 1, err)),
        }
    }
    (mailbox.finish(source), errors)
}

/// The issues of a mailbox as its messages are parsed in file order: the
/// last (newest) [`limits::MAX_MESSAGES`] of them, so memory stays bounded
/// however many messages the file holds.
#[derive(Default)]
pub struct Mailbox {
    issues: std::collections::VecDeque<Issue>,
    dropped: usize,
}

impl Mailbox {
    pub fn push(&mut self, issue: Issue) {
        if self.issues.len() >= limits::MAX_MESSAGES {
            self.issues.pop_front();
            self.dropped += 1;
        }
        self.issues.push_back(issue);
    }

    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    /// The issues kept, in file order; the oldest says how many older ones
    /// were left out, if any were.
    pub fn finish(self, source: &str) -> Vec<Issue> {
        let mut issues: Vec<Issue> = self.issues.into();
        if self.dropped > 0
            && let Some(oldest) = issues.first_mut()
        {
            limits::add_note(oldest, &limits::mailbox_note(self.dropped, source));
        }
        issues
    }
}

/// Splits an mbox into messages as it reads: a message starts at a line
/// beginning "From " at the start of the input or after a blank line. The
/// "From " envelope line is dropped and one `>` is removed from lines that
/// match `^>+From ` (undoing both mboxo and mboxrd escaping). Only one
/// message is held in memory at a time, and at most `limit` bytes of it.
pub struct MboxReader<R> {
    input: R,
    line: Vec<u8>,
    /// The envelope line of the next message was read already.
    started: bool,
    done: bool,
    limit: usize,
    cut: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(input: R) -> Self {
        MboxReader {
            input,
            line: Vec::new(),
            started: false,
            done: false,
            limit: usize::MAX,
            cut: false,
        }
    }

    /// Keeps only the first `limit` bytes of each message: the rest streams
    /// past without being stored (even a single line of gigabytes), and
    /// [`MboxReader::was_cut`] says the message was cut.
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Whether the message returned last was cut at the limit.
    pub fn was_cut(&self) -> bool {
        self.cut
    }

    /// Reads one line (up to and with its newline), storing at most `keep`
    /// bytes of it in `self.line`; returns the bytes consumed.
    fn read_line(&mut self, keep: usize) -> std::io::Result<usize> {
        self.line.clear();
        let mut consumed = 0;
        loop {
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if buf.is_empty() {
                return Ok(consumed);
            }
            let (chunk, ends) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let room = keep.saturating_sub(self.line.len());
            self.line.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let n = chunk.len();
            self.input.consume(n);
            consumed += n;
            if ends {
                return Ok(consumed);
            }
        }
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = std::io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut message = Vec::new();
        self.cut = false;
        let mut previous_blank = true;
        loop {
            // Enough of a line to tell a "From " line, even past the limit.
            let keep = self.limit.saturating_sub(message.len()).max(16);
            let consumed = match self.read_line(keep) {
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(n) => n,
            };
            let line = &self.line;
            if previous_blank && line.starts_with(b"From ") {
                if self.started || !message.iter().all(u8::is_ascii_whitespace) {
                    self.started = true;
                    trim_separator(&mut message);
                    return Some(Ok(message));
                }
                self.started = true;
                message.clear();
                continue;
            }
            previous_blank = line == b"\n" || line == b"\r\n";
            if self.cut {
                continue;
            }
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            let line = if quotes > 0 && line[quotes..].starts_with(b"From ") {
                &line[1..]
            } else {
                &line[..]
            };
            let room = self.limit.saturating_sub(message.len());
            if line.len() > room || consumed > self.line.len() {
                self.cut = true;
            }
            message.extend_from_slice(&line[..line.len().min(room)]);
        }
        trim_separator(&mut message);
        if message.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(Ok(message))
    }
}

/// The blank line before the next "From " belongs to the mbox, not the message.
fn trim_separator(message: &mut Vec<u8>) {
    if message.ends_with(b"\r\n\r\n") {
        message.truncate(message.len() - 2);
    } else if message.ends_with(b"\n\n") {
        message.truncate(message.len() - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(mbox: &str) -> Vec<String> {
        MboxReader::new(mbox.as_bytes())
            .map(|m| String::from_utf8(m.unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn mbox_splits_only_at_from_lines_after_blank_lines() {
        let mbox = "From a@b Tue Oct  1 08:00:00 2024\nSubject: one\n\nHi\nFrom here on\n\n\
                    >From the top\n>>From deeper\n\nFrom b@c Wed Oct  2 08:00:00 2024\n\
                    Subject: two\n\nBye\n";
        let got = messages(mbox);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            got[0],
            "Subject: one\n\nHi\nFrom here on\n\nFrom the top\n>From deeper\n"
        );
        assert_eq!(got[1], "Subject: two\n\nBye\n");
    }

    #[test]
    fn empty_and_blank_mboxes_have_no_messages() {
        assert!(messages("").is_empty());
        assert!(messages("\n\n").is_empty());
        assert!(messages("From x Tue Oct  1 08:00:00 2024\n").is_empty());
    }

    #[test]
    fn the_structure_rule() {
        let notice = "View this email in your browser.\n\nhttps://example.com/view\n";
        assert!(!well_structured(notice));
        let blob = "word ".repeat(200);
        assert!(!well_structured(&blob));
        let good = format!(
            "View this email in your browser\n\n{}\n\n{}\n\n{}\n",
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        );
        assert!(well_structured(&good));
    }

    fn mail(content_type: &str, body: &str) -> Vec<u8> {
        format!(
            "From: A <a@b.example>\nSubject: Big\nMIME-Version: 1.0\n\
             Content-Type: {content_type}\n\n{body}"
        )
        .into_bytes()
    }

    #[test]
    fn a_text_body_over_the_cap_is_cut_before_it_is_parsed() {
        let body = "a line of text\n".repeat(limits::MAX_ISSUE_TEXT / 15 + 1000);
        let issue = parse(&mail("text/plain", &body), "dir/big.eml").unwrap();
        assert!(limits::is_cut(&issue), "{:?}", issue.sections.last());
        assert!(limits::text_bytes(&issue) <= limits::MAX_ISSUE_TEXT);
        let last = issue.sections.last().unwrap().blocks().next_back().unwrap();
        assert!(last.text().contains("big.eml"), "{last:?}");
    }

    #[test]
    fn a_message_of_many_parts_is_read_to_the_parts_cap() {
        let mut body = String::from("preamble\n");
        for i in 0..limits::MAX_PARTS + 50 {
            body.push_str(&format!(
                "--b\nContent-Type: text/plain\n\nPart {i} says hello.\n"
            ));
        }
        body.push_str("--b--\n");
        let bytes = mail("multipart/mixed; boundary=\"b\"", &body);
        let (read, cut) = within_parts(&bytes, limits::MAX_PARTS);
        assert!(cut);
        let text = String::from_utf8_lossy(read);
        assert!(text.contains(&format!("Part {} says", limits::MAX_PARTS - 1)));
        assert!(!text.contains(&format!("Part {} says", limits::MAX_PARTS)));
        let issue = parse(&bytes, "parts.eml").unwrap();
        assert!(limits::is_cut(&issue));
        let last = issue.sections.last().unwrap().blocks().next_back().unwrap();
        assert!(last.text().contains("1000 MIME parts"), "{last:?}");
        // Lines that merely start with "--" are not parts.
        let plain = mail("text/plain", &"-- \n--x\n".repeat(5000));
        assert_eq!(within_parts(&plain, 10), (plain.as_slice(), false));
    }

    #[test]
    fn a_mailbox_keeps_its_newest_messages() {
        let mut mbox = String::new();
        for i in 0..limits::MAX_MESSAGES + 3 {
            mbox.push_str(&format!(
                "From a@b Tue Oct  1 08:00:00 2024\nFrom: A <a@b.example>\nSubject: Number {i}\n\nBody {i}.\n\n"
            ));
        }
        let (issues, errors) = parse_mbox(mbox.as_bytes(), "box.mbox");
        assert!(errors.is_empty());
        assert_eq!(issues.len(), limits::MAX_MESSAGES);
        assert_eq!(issues[0].title, "Number 3");
        assert_eq!(
            issues.last().unwrap().title,
            format!("Number {}", limits::MAX_MESSAGES + 2)
        );
        let note = issues[0]
            .sections
            .last()
            .unwrap()
            .blocks()
            .next_back()
            .unwrap();
        assert!(
            note.text().contains("the 3 older ones in box.mbox"),
            "{note:?}"
        );
    }

    #[test]
    fn headers_only_is_truncated_and_headers_without_body_have_none() {
        let cut = b"From: A <a@b.c>\nSubject: Hi\nContent-Type: text/pl";
        assert_eq!(parse(cut, "x"), Err(EmailError::Truncated));
        let empty = b"From: A <a@b.c>\nSubject: Hi\n\n\n";
        assert_eq!(parse(empty, "x"), Err(EmailError::NoBody));
    }
}
