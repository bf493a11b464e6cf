//! Caps on what one issue may hold, whatever its source.
//!
//! A newsletter is text from strangers: a 100 MB single line, a base64 body
//! that decodes to many megabytes, a feed of a million items. Rather than
//! refuse such a source or let it exhaust memory, every parser ends by
//! passing its issue through [`cap`], which cuts it at these limits and adds
//! a visible note as its last paragraph. The library reads only as much of
//! a file as these caps need ([`MAX_READ_BYTES`]).

use crate::model::{Block, Issue, Section};

/// Stored text per issue (titles, block text, links): 8 MiB, some 1.3
/// million words, a hundred times the longest newsletter we have seen.
pub const MAX_ISSUE_TEXT: usize = 8 * 1024 * 1024;

/// Stories per issue.
pub const MAX_SECTIONS: usize = 2_000;

/// Blocks (paragraphs, list items ...) per story.
pub const MAX_BLOCKS: usize = 10_000;

/// Issues (feed items) taken from one feed file.
pub const MAX_FEED_ITEMS: usize = 10_000;

/// Issues (messages) kept from one mbox: the newest, its last ones. A
/// message costs its text plus about a kilobyte, so a mailbox of a million
/// two-line messages would hold a hundred times its size.
pub const MAX_MESSAGES: usize = 10_000;

/// MIME parts of one email read before the rest of it is cut: a newsletter
/// has a handful, and each costs the MIME parser about a kilobyte.
pub const MAX_PARTS: usize = 1_000;

/// Lines of plain text or Markdown one issue is parsed from. Each line
/// costs a parser a few hundred bytes until the issue is built, so a file
/// of millions of one-letter lines would cost gigabytes; 60,000 lines is
/// some sixty times the longest newsletter we have seen.
pub const MAX_ISSUE_LINES: usize = 60_000;

/// Tags of one HTML document that are parsed: each element costs the HTML
/// parser a few hundred bytes; a long newsletter has a few thousand.
pub const MAX_MARKUP_TAGS: usize = 100_000;

/// Bytes of one file (or one message of an mbox) that are read and parsed;
/// the rest is not read. Markup (HTML, MIME, base64) can take four times
/// the space of its text, so this is four times [`MAX_ISSUE_TEXT`].
pub const MAX_READ_BYTES: usize = 4 * MAX_ISSUE_TEXT;

/// The paragraph that ends a cut issue, naming what was cut and the file.
pub fn cut_note(limit: &str, source: &str) -> String {
    format!(
        "[nlread: this issue was cut at {limit}; the rest of {} was not read]",
        file_name(source)
    )
}

/// The paragraph that ends the last issue taken from a feed of too many items.
pub fn feed_note(source: &str) -> String {
    format!(
        "[nlread: this feed was cut at {MAX_FEED_ITEMS} items; the rest of {} was not read]",
        file_name(source)
    )
}

/// The paragraph that ends the oldest issue kept from a mailbox of more than
/// [`MAX_MESSAGES`] messages, `dropped` of them older.
pub fn mailbox_note(dropped: usize, source: &str) -> String {
    format!(
        "[nlread: this mailbox holds more than {MAX_MESSAGES} messages; its newest \
         {MAX_MESSAGES} are shown and the {dropped} older ones in {} are not]",
        file_name(source)
    )
}

fn file_name(source: &str) -> String {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    crate::text::sanitize(name).replace('\n', " ")
}

/// Bytes of text an issue stores: what [`MAX_ISSUE_TEXT`] limits.
pub fn text_bytes(issue: &Issue) -> usize {
    let fields = [&issue.newsletter, &issue.author, &issue.date]
        .iter()
        .map(|f| f.as_ref().map_or(0, String::len))
        .sum::<usize>();
    let sections: usize = issue
        .sections
        .iter()
        .map(|s| {
            s.title.len()
                + s.body().len()
                + s.links
                    .iter()
                    .map(|l| l.text.len() + l.url.len())
                    .sum::<usize>()
        })
        .sum();
    issue.title.len() + fields + sections
}

/// Whether the issue already ends with a cut note.
pub fn is_cut(issue: &Issue) -> bool {
    issue
        .sections
        .last()
        .and_then(|s| s.blocks().next_back())
        .is_some_and(|b| {
            b.text().starts_with("[nlread: this ") && b.text().ends_with(" was not read]")
        })
}

/// Cuts `issue` to the caps, ending it with a note when anything was cut.
/// Returns true when it did.
pub fn cap(issue: &mut Issue, source: &str) -> bool {
    // Room for the note itself (the file name is part of it).
    let budget = MAX_ISSUE_TEXT.saturating_sub(512 + source.len());
    let meta = issue.title.len()
        + [&issue.newsletter, &issue.author, &issue.date]
            .iter()
            .map(|f| f.as_ref().map_or(0, String::len))
            .sum::<usize>();
    if meta > budget / 2 {
        // A 1 MB subject: keep the start of it.
        issue.title = cut_str(&issue.title, 1024).to_string();
        for f in [&mut issue.newsletter, &mut issue.author]
            .into_iter()
            .flatten()
        {
            *f = cut_str(f, 1024).to_string();
        }
    }
    let mut used = text_bytes_of_fields(issue);
    let mut limit: Option<String> = None;
    if issue.sections.len() > MAX_SECTIONS {
        issue.sections.truncate(MAX_SECTIONS);
        limit = Some(format!("{MAX_SECTIONS} stories"));
    }
    let mut keep = issue.sections.len();
    for (i, section) in issue.sections.iter_mut().enumerate() {
        let title = section.title.len();
        if used + title > budget {
            keep = i;
            limit = Some(mib(MAX_ISSUE_TEXT));
            break;
        }
        used += title;
        let links: usize = section
            .links
            .iter()
            .map(|l| l.text.len() + l.url.len())
            .sum();
        let whole = section.body().len() + links;
        if section.block_count() <= MAX_BLOCKS && used + whole <= budget {
            used += whole;
            continue;
        }
        // This story is cut: keep its blocks while they fit.
        let (cut, fitted) = cut_section(section, budget - used);
        used += fitted;
        limit = Some(if section.block_count() > MAX_BLOCKS && used < budget {
            format!("{MAX_BLOCKS} paragraphs in a story")
        } else {
            mib(MAX_ISSUE_TEXT)
        });
        *section = cut;
        keep = i + 1;
        break;
    }
    issue.sections.truncate(keep);
    // A parser that found a million stories leaves their room behind.
    if issue.sections.capacity() > issue.sections.len() * 2 {
        issue.sections.shrink_to_fit();
    }
    match limit {
        Some(limit) => {
            add_note(issue, &cut_note(&limit, source));
            true
        }
        None => false,
    }
}

/// Ends an issue whose source was read only to byte `read` (a file over
/// the read limit, or an mbox message cut short) with the note saying so,
/// unless it has one already.
pub fn note_unread_rest(issue: &mut Issue, source: &str, read: usize) {
    note_cut(issue, &mib(read), source);
}

/// The start of `text` holding at most `max` lines, and whether anything
/// was left out.
pub fn within_lines(text: &str, max: usize) -> (&str, bool) {
    let (bytes, cut) = within_line_bytes(text.as_bytes(), max);
    // A cut falls just after a newline: always a character boundary.
    (text.get(..bytes.len()).unwrap_or(text), cut)
}

/// [`within_lines`] on bytes not yet decoded (UTF-16 has no byte `\n` on
/// its own, so it is left whole).
pub fn within_line_bytes(bytes: &[u8], max: usize) -> (&[u8], bool) {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return (bytes, false);
    }
    match memchr::memchr_iter(b'\n', bytes).nth(max.saturating_sub(1)) {
        Some(at) if at + 1 < bytes.len() && max > 0 => (&bytes[..=at], true),
        _ => (bytes, false),
    }
}

/// The start of an HTML document holding at most `max` tags (cut before
/// the tag after), and whether anything was left out. html5ever closes
/// what the cut leaves open, as a browser does with a truncated page.
pub fn within_tags(html: &str, max: usize) -> (&str, bool) {
    match memchr::memchr_iter(b'<', html.as_bytes()).nth(max) {
        Some(at) => (&html[..at], true),
        None => (html, false),
    }
}

/// Caps `issue` and ends it with the note that it was cut at `limit` (what
/// its parser was given was cut before parsing), unless it has a note.
pub fn note_cut(issue: &mut Issue, limit: &str, source: &str) {
    if !is_cut(issue) {
        cap(issue, source);
    }
    if !is_cut(issue) {
        add_note(issue, &cut_note(limit, source));
    }
}

/// The longest start of `text` within `max` bytes that ends at a line end
/// (or, with no line end in its last 64 KiB, at a character boundary): what
/// a parser is given of a text longer than the caps can store. Nothing is
/// cut when the text fits; true when something was.
pub fn cut_text(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let end = cut_str(text, max).len();
    let tail = end.saturating_sub(64 * 1024);
    let end = memchr::memrchr(b'\n', &text.as_bytes()[tail..end]).map_or(end, |nl| tail + nl + 1);
    text.truncate(end);
    text.shrink_to_fit();
    true
}

fn mib(bytes: usize) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

fn text_bytes_of_fields(issue: &Issue) -> usize {
    issue.title.len()
        + [&issue.newsletter, &issue.author, &issue.date]
            .iter()
            .map(|f| f.as_ref().map_or(0, String::len))
            .sum::<usize>()
}

/// The longest start of `text` that is at most `max` bytes, on a character boundary.
fn cut_str(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The section's first blocks that fit in `room` bytes (and under
/// [`MAX_BLOCKS`]), the last one cut short if need be, with the links that
/// point into them; and the bytes it keeps.
fn cut_section(section: &Section, room: usize) -> (Section, usize) {
    let mut used = 0;
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for block in section.blocks().take(MAX_BLOCKS) {
        let (label, text) = match block {
            Block::Labelled { label, text } => (label, text),
            other => ("", other.text()),
        };
        let size = label.len() + 2 + text.len() + 1;
        if used + size <= room {
            used += size;
            blocks.push(block);
            continue;
        }
        let left = room.saturating_sub(used + label.len() + 3);
        if left > 0 {
            let text = cut_str(text, left);
            used += label.len() + 3 + text.len();
            blocks.push(match block {
                Block::Labelled { label, .. } => Block::Labelled { label, text },
                _ => Block::Paragraph { text },
            });
        }
        break;
    }
    let kept = blocks.len() as u32;
    let last_len = blocks.last().map_or(0, |b| b.text().len() as u32);
    let links: Vec<_> = section
        .links
        .iter()
        .filter(|l| l.block < kept && (l.block + 1 < kept || l.at <= last_len))
        .cloned()
        .collect();
    let links_size: usize = links.iter().map(|l| l.text.len() + l.url.len()).sum();
    let links = if used + links_size <= room {
        used += links_size;
        links
    } else {
        Vec::new()
    };
    let cut = Section::new(section.id.clone(), section.title.clone(), blocks).with_links(links);
    (cut, used)
}

/// Appends `note` as the last paragraph of the last story (a story of its
/// own when the issue has none).
pub fn add_note(issue: &mut Issue, note: &str) {
    let Some(last) = issue.sections.last_mut() else {
        let id = super::stable_id(&[issue.id.as_bytes(), b"cut"]);
        let title = issue.title.clone();
        issue
            .sections
            .push(Section::new(id, title, [Block::Paragraph { text: note }]));
        return;
    };
    let mut blocks: Vec<Block<'_>> = last.blocks().collect();
    if blocks.len() >= MAX_BLOCKS {
        blocks.truncate(MAX_BLOCKS - 1);
    }
    blocks.push(Block::Paragraph { text: note });
    let count = blocks.len() as u32;
    let links: Vec<_> = last
        .links
        .iter()
        .filter(|l| l.block + 1 < count)
        .cloned()
        .collect();
    let section = Section::new(last.id.clone(), last.title.clone(), blocks).with_links(links);
    *last = section;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_lines_and_tags() {
        assert_eq!(within_lines("a\nb\nc\n", 2), ("a\nb\n", true));
        assert_eq!(within_lines("a\nb\n", 2), ("a\nb\n", false));
        assert_eq!(within_lines("a\nb", 5), ("a\nb", false));
        assert_eq!(within_tags("<p>a</p><p>b</p>", 2), ("<p>a</p>", true));
        assert_eq!(within_tags("<p>a</p>", 2), ("<p>a</p>", false));
    }

    fn issue_of(sections: Vec<Section>) -> Issue {
        Issue {
            id: "i".into(),
            source: "dir/big.txt".into(),
            newsletter: None,
            title: "T".into(),
            date: None,
            author: None,
            sections,
            url: None,
            guid: None,
        }
    }

    #[test]
    fn a_small_issue_is_untouched() {
        let mut issue = issue_of(vec![Section::new(
            "s".into(),
            "S".into(),
            [Block::Paragraph { text: "words" }],
        )]);
        let before = issue.clone();
        assert!(!cap(&mut issue, "dir/big.txt"));
        assert_eq!(issue, before);
    }

    #[test]
    fn a_huge_block_is_cut_with_a_note() {
        let text = "é".repeat(MAX_ISSUE_TEXT);
        let mut issue = issue_of(vec![Section::new(
            "s".into(),
            "S".into(),
            [Block::Paragraph { text: &text }],
        )]);
        assert!(cap(&mut issue, "dir/big.txt"));
        assert!(text_bytes(&issue) <= MAX_ISSUE_TEXT);
        assert!(is_cut(&issue));
        let last = issue.sections[0].blocks().next_back().unwrap();
        assert_eq!(
            last.text(),
            "[nlread: this issue was cut at 8 MiB; the rest of big.txt was not read]"
        );
    }

    #[test]
    fn a_long_text_is_cut_at_a_line_end_within_the_limit() {
        let mut text = "a line\n".repeat(1000);
        assert!(!cut_text(&mut text, 7000));
        assert!(cut_text(&mut text, 100));
        assert_eq!(text, "a line\n".repeat(14));
        let mut one_line = "é".repeat(100);
        assert!(cut_text(&mut one_line, 51));
        assert_eq!(one_line, "é".repeat(25));
    }

    #[test]
    fn a_cut_issue_keeps_no_room_for_the_stories_it_dropped() {
        let sections: Vec<Section> = (0..MAX_SECTIONS * 50)
            .map(|i| Section::new(format!("s{i}"), "S".into(), [Block::Bullet { text: "x" }]))
            .collect();
        let mut issue = issue_of(sections);
        assert!(cap(&mut issue, "f"));
        assert!(issue.sections.capacity() <= MAX_SECTIONS * 2);
    }

    #[test]
    fn too_many_stories_and_blocks() {
        let sections: Vec<Section> = (0..MAX_SECTIONS + 5)
            .map(|i| Section::new(format!("s{i}"), "S".into(), [Block::Bullet { text: "x" }]))
            .collect();
        let mut issue = issue_of(sections);
        assert!(cap(&mut issue, "f"));
        assert_eq!(issue.sections.len(), MAX_SECTIONS);
        assert!(is_cut(&issue));

        let many = vec![Block::Bullet { text: "x" }; MAX_BLOCKS * 2];
        let mut issue = issue_of(vec![Section::new("s".into(), "S".into(), many)]);
        assert!(cap(&mut issue, "f"));
        assert_eq!(issue.sections[0].block_count(), MAX_BLOCKS);
        assert!(is_cut(&issue));
    }
}
