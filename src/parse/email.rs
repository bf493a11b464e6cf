//! Email: one RFC 5322 message (.eml, a Maildir file) -> one [`Issue`], and
//! mbox files -> one issue per message.
//!
//! mail-parser decodes the MIME structure, charsets and transfer encodings;
//! this module picks the body that gives the better structure, takes its
//! outline from the plain-text or HTML parser (a digest gives one story per
//! message), and fills the issue's metadata from the headers. The mbox splitter ([`MboxReader`]) works on any `BufRead`, so the
//! library can stream a mailbox of any size one message at a time.

use std::io::BufRead;

use mail_parser::{Address, HeaderValue, Message, MessageParser, PartType};

use super::assemble::{Assembled, assemble};
use super::outline::{Cue, Heading, Hints, Node, Outline};
use super::rules::SplitRules;
use super::{html, limits, plain, sectioner, stable_id};
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
pub fn parse(bytes: &[u8], source: &str) -> Result<Issue, EmailError> {
    explain(bytes, source, &SplitRules::default()).map(|a| a.issue)
}

/// Parses one email message and says how it was cut.
///
/// The body is the part that carries the structure: the text/plain part
/// when it has at least as many stories as the HTML part and is well
/// structured (see [`well_structured`]), otherwise the HTML part. A digest
/// (messages inside the message) gives one story per message. Title,
/// newsletter, author and date come from the headers.
pub fn explain(bytes: &[u8], source: &str, rules: &SplitRules) -> Result<Assembled, EmailError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(EmailError::NotMail);
    }
    if header_end(bytes).is_none() {
        return Err(EmailError::Truncated);
    }
    // What the parsers are given is cut to what the caps can store before
    // they run (text bodies to [`limits::MAX_ISSUE_TEXT`], the message to
    // [`limits::MAX_PARTS`] MIME parts), so a 32 MiB body of short lines
    // costs the memory of 8 MiB; the issue then ends with a note saying so.
    let (read, parts_cut) = within_parts(bytes, limits::MAX_PARTS);
    let message = MessageParser::default()
        .parse(read)
        .ok_or(EmailError::NotMail)?;
    if message.headers().is_empty() {
        return Err(EmailError::NotMail);
    }
    let (mut outline, text_cut) = match digest_outline(&message) {
        Some(outline) => (outline, false),
        None => body_outline(&message).ok_or(EmailError::NoBody)?,
    };
    if !outline.has_words() {
        return Err(EmailError::NoBody);
    }
    apply_headers(&mut outline.hints, &message);
    // The same body under another subject is another issue: hash the message.
    let id = stable_id(&[bytes]);
    let mut built = assemble(outline, source, id, rules);
    if built.issue.sections.iter().all(|s| s.words == 0) {
        return Err(EmailError::NoBody);
    }
    built.issue.url = web_address(&message);
    built.issue.guid = message
        .message_id()
        .map(|id| sanitize(id.trim()))
        .filter(|id| !id.is_empty());
    if parts_cut {
        let limit = format!("{} MIME parts", limits::MAX_PARTS);
        limits::note_cut(&mut built.issue, &limit, source);
    } else if text_cut {
        limits::note_cut(&mut built.issue, "8 MiB", source);
    }
    Ok(built)
}

/// The outline of the body that carries the structure, and whether its
/// text was cut to [`limits::MAX_ISSUE_TEXT`] (all an issue can store of
/// it) before it was parsed.
fn body_outline(message: &Message<'_>) -> Option<(Outline, bool)> {
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
    let (text, text_cut) = join_within(&texts, "\n\n", limits::MAX_ISSUE_TEXT);
    let (html, _) = join_within(&htmls, "\n", limits::MAX_READ_BYTES);
    let text_outline = (text.split_whitespace().next().is_some()).then(|| plain::outline(&text).0);
    let html_outline = (!html.trim().is_empty())
        .then(|| html::outline(&html).0)
        .filter(Outline::has_words);
    match (text_outline, html_outline) {
        (Some(text_outline), Some(html_outline)) => {
            let text_stories = story_count(&text_outline);
            let html_stories = story_count(&html_outline);
            if text_stories > html_stories
                || (text_stories == html_stories && well_structured(&text))
            {
                Some((text_outline, text_cut))
            } else {
                Some((html_outline, false))
            }
        }
        (Some(one), None) => Some((one, text_cut)),
        (None, Some(one)) => Some((one, false)),
        (None, None) => None,
    }
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

/// How many stories an outline would give: how much structure a body has.
fn story_count(outline: &Outline) -> usize {
    sectioner::cut(outline.clone(), None)
        .stories
        .iter()
        .filter(|s| s.title.is_some())
        .count()
}

/// A digest (MIME `multipart/digest`, or any message holding two messages
/// or more): one story per message, titled by its Subject; the digest's
/// own text parts (masthead, table of contents, footer) stay around them.
fn digest_outline(message: &Message<'_>) -> Option<Outline> {
    let inner = message
        .parts
        .iter()
        .filter(|p| matches!(p.body, PartType::Message(_)))
        .count();
    if inner < 2 {
        return None;
    }
    let mut outline = Outline::default();
    for (i, part) in message.parts.iter().enumerate() {
        match &part.body {
            PartType::Message(m) => {
                let subject = m
                    .subject()
                    .map(clean)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "(no subject)".to_string());
                outline
                    .nodes
                    .push(Node::Heading(Heading::new(1, subject, Cue::Message)));
                if let Some((body, _)) = body_outline(m) {
                    outline.nodes.extend(body.nodes);
                }
            }
            // The root's own text parts (not those inside the messages,
            // which mail-parser lists among the root's parts too).
            PartType::Text(text) if is_own_part(message, i) => {
                let (body, _) = plain::outline(text);
                if outline.hints.newsletter.is_none() {
                    outline.hints.newsletter = body.hints.newsletter;
                }
                outline.nodes.extend(body.nodes);
            }
            _ => {}
        }
    }
    Some(outline)
}

/// Whether part `i` belongs to the root message, not to a message inside it.
fn is_own_part(message: &Message<'_>, i: usize) -> bool {
    let i = u32::try_from(i).unwrap_or(u32::MAX);
    message.text_body.contains(&i)
        || message.attachments.contains(&i)
        || message
            .parts
            .iter()
            .any(|p| matches!(&p.body, PartType::Multipart(children) if children.contains(&i)))
}

fn clean(s: &str) -> String {
    sanitize(s).split_whitespace().collect::<Vec<_>>().join(" ")
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

/// Title, newsletter, author, date and sender from the headers: what the
/// message says beats what its body guessed.
fn apply_headers(hints: &mut Hints, message: &Message<'_>) {
    let clean = |s: &str| {
        let s = clean(s);
        (!s.is_empty()).then_some(s)
    };
    if let Some(subject) = message.subject().and_then(clean) {
        hints.title = Some(subject);
    }
    let from = message.from().and_then(Address::first);
    let from_name = from.and_then(|a| a.name()).and_then(clean);
    let from_addr = from.and_then(|a| a.address()).and_then(clean);
    let list_id = list_id_phrase(message.list_id()).and_then(|s| clean(&s));
    // Substack and others send as "Author from Newsletter".
    let (author, publication) = match from_name.as_deref().and_then(|n| n.split_once(" from ")) {
        Some((author, publication))
            if !author.trim().is_empty() && !publication.trim().is_empty() =>
        {
            (
                Some(author.trim().to_string()),
                Some(publication.trim().to_string()),
            )
        }
        _ => (from_name.clone(), from_name.clone()),
    };
    if let Some(newsletter) = publication.or(list_id).or(hints.newsletter.take()) {
        hints.newsletter = Some(newsletter);
    }
    if let Some(author) = author.or(from_addr.clone()) {
        hints.author = Some(author);
    }
    let list = match message.list_id() {
        HeaderValue::Text(t) => Some(t.to_string()),
        _ => None,
    };
    hints.sender = [from_addr, list]
        .into_iter()
        .flatten()
        .reduce(|a, b| format!("{a} {b}"))
        .or(hints.sender.take());
    if let Some(d) = message.date()
        && (1..=12).contains(&d.month)
        && (1..=31).contains(&d.day)
        && d.year > 0
    {
        hints.date = Some(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
    }
}

/// Where the issue can be read on the web: the HTML's "view in browser"
/// link, else the List-Archive header's address.
fn web_address(message: &Message<'_>) -> Option<String> {
    let from_html = message.html_bodies().find_map(|part| match &part.body {
        PartType::Html(html) => browser_link(html),
        _ => None,
    });
    from_html.or_else(|| {
        let archive = message.header_raw("List-Archive")?;
        // `<https://lists.example.com/archive>`, maybe several, maybe bare.
        let inside = archive
            .split('<')
            .filter_map(|p| p.split('>').next())
            .chain(std::iter::once(archive))
            .map(str::trim)
            .find(|u| is_web(u))?;
        Some(sanitize(inside))
    })
}

fn is_web(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.contains(char::is_whitespace)
}

/// The address of an `<a href>` whose text says "view in browser",
/// "view online", "web version" and the like.
pub fn browser_link(html: &str) -> Option<String> {
    const SAYS: [&str; 7] = [
        "in your browser",
        "in a browser",
        "in browser",
        "view online",
        "view it online",
        "read online",
        "web version",
    ];
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<a") {
        let start = from + at;
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</a").map(|i| tag_end + i) else {
            break;
        };
        from = close;
        let text = super::strip_tags(&lower[tag_end + 1..close]);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !SAYS.iter().any(|s| text.contains(s)) {
            continue;
        }
        if let Some(href) = attribute(&html[start..tag_end], "href")
            && is_web(&href)
        {
            return Some(sanitize(&href.replace("&amp;", "&")));
        }
    }
    None
}

/// The value of attribute `name` in a start tag (quoted either way or not).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let i = from + at;
        from = i + name.len();
        let before = lower[..i].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[i + name.len()..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quoted = value.chars().next().filter(|c| *c == '"' || *c == '\'');
        return Some(match quoted {
            Some(q) => value[1..].split(q).next().unwrap_or("").trim().to_string(),
            None => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .to_string(),
        });
    }
    None
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
    fn the_web_address_is_the_view_in_browser_link_or_the_list_archive() {
        let html = r#"<p><a href="https://t.example/track">Unsubscribe</a> ·
            <A class=x HREF='https://news.example/issue/12?a=1&amp;b=2'>View this
            email <b>in your browser</b></A></p>"#;
        assert_eq!(
            browser_link(html).as_deref(),
            Some("https://news.example/issue/12?a=1&b=2")
        );
        assert_eq!(
            browser_link("<a href=\"javascript:x\">View online</a>"),
            None
        );
        assert_eq!(browser_link("<a href=x>nothing here</a>"), None);
        let body = "Hello there, this is the body of the message with words.";
        let with_archive = format!(
            "From: A <a@example.com>\r\nSubject: S\r\nMessage-ID: <m1@example.com>\r\n\
             List-Archive: <https://lists.example.com/archive>\r\n\r\n{body}\r\n"
        );
        let issue = parse(with_archive.as_bytes(), "a.eml").unwrap();
        assert_eq!(
            issue.url.as_deref(),
            Some("https://lists.example.com/archive")
        );
        assert_eq!(issue.guid.as_deref(), Some("m1@example.com"));
        let html_mail = format!(
            "From: A <a@example.com>\r\nSubject: S\r\nList-Archive: <https://lists.example.com/a>\r\n\
             Content-Type: text/html\r\n\r\n<p><a href=\"https://news.example/web\">View online</a></p><p>{body}</p>\r\n"
        );
        let issue = parse(html_mail.as_bytes(), "b.eml").unwrap();
        assert_eq!(issue.url.as_deref(), Some("https://news.example/web"));
        assert_eq!(issue.guid, None);
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
