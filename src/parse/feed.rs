//! The feed parser: an RSS 2.0, Atom or JSON Feed file -> one [`Issue`] per
//! item, via feed-rs.
//!
//! feed-rs reads the three formats into one model (and RSS's
//! `content:encoded` into the entry's content), so this file only chooses
//! each item's best text, sends its HTML through [`html::parse`] and sets the
//! issue's title, date, author and newsletter from the feed. Pure: no file
//! system, no terminal.

use std::borrow::Cow;

use feed_rs::model::{Entry, Feed, Text};

use super::assemble::{Assembled, assemble};
use super::outline::{Node, Piece, PieceKind};
use super::rules::SplitRules;
use super::{ParseError, html, limits, plain, stable_id};
use crate::model::Issue;
use crate::text::sanitize;

/// Parses one feed file into its items, newest first as the feed lists them.
pub fn parse(bytes: &[u8], source: &str) -> Result<Vec<Issue>, ParseError> {
    Ok(explain(bytes, source, &SplitRules::default())?
        .into_iter()
        .map(|a| a.issue)
        .collect())
}

/// Parses one feed file and says how each item was cut.
pub fn explain(
    bytes: &[u8],
    source: &str,
    rules: &SplitRules,
) -> Result<Vec<Assembled>, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if is_truncated(bytes) {
        return Err(ParseError::Invalid(
            "the feed is cut off before its end (truncated XML)".to_string(),
        ));
    }
    // feed-rs builds every item before we keep MAX_FEED_ITEMS: hand it no more.
    let (kept, cut) = first_items(bytes, limits::MAX_FEED_ITEMS);
    let feed = feed_rs::parser::Builder::new()
        .sanitize_content(false)
        // Ids feed-rs makes up for items without one are marked, so such
        // an item is known by its link instead (see `item_issue`).
        .id_generator(|links, title, uri| {
            format!(
                "{GENERATED}{}",
                feed_rs::parser::generate_id(links, title, uri)
            )
        })
        .build()
        .parse(kept.as_ref())
        .map_err(|err| ParseError::Invalid(format!("not a readable feed: {err}")))?;
    drop(kept);
    if feed.entries.is_empty() {
        return Err(ParseError::Invalid("the feed has no items".to_string()));
    }
    let newsletter = feed
        .title
        .as_ref()
        .map(clean_text)
        .filter(|t| !t.is_empty());
    let feed_key = feed_key(&feed);
    let mut issues: Vec<Assembled> = feed
        .entries
        .iter()
        .take(limits::MAX_FEED_ITEMS)
        .map(|entry| item_issue(entry, &feed_key, newsletter.clone(), source, rules))
        .collect();
    // An item listed twice (same id, same text) is one issue: ids stay unique.
    let mut seen = std::collections::HashSet::new();
    issues.retain(|a| seen.insert(a.issue.id.clone()));
    if (cut || feed.entries.len() > limits::MAX_FEED_ITEMS)
        && let Some(last) = issues.last_mut()
    {
        limits::add_note(&mut last.issue, &limits::feed_note(source));
    }
    Ok(issues)
}

/// Before an id feed-rs made up for an item that has none.
const GENERATED: &str = "\u{1}generated:";

/// An item's web address: its first link to a page (RSS `<link>`, Atom
/// `rel="alternate"` or no rel, JSON Feed `url`), else its first link.
fn item_url(entry: &Entry) -> Option<String> {
    let page = entry
        .links
        .iter()
        .find(|l| {
            l.rel
                .as_deref()
                .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
        })
        .or(entry.links.first())?;
    let url = sanitize(page.href.trim());
    (!url.is_empty()).then_some(url)
}

/// The feed with only its first `max` items (RSS/RDF `<item>`, Atom
/// `<entry>`, JSON Feed `items`), and whether any were left out. A feed
/// within the limit, or one this cannot take apart, is returned as it is.
fn first_items(bytes: &[u8], max: usize) -> (Cow<'_, [u8]>, bool) {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_some_and(|i| bytes[i] == b'{') {
        return first_json_items(bytes, max)
            .map_or((Cow::Borrowed(bytes), false), |cut| (Cow::Owned(cut), true));
    }
    first_xml_items(bytes, max).map_or((Cow::Borrowed(bytes), false), |cut| (Cow::Owned(cut), true))
}

/// XML: everything before the item after the `max`-th, then everything
/// after the last item's end tag (the closing `</channel></rss>` or
/// `</feed>`). Tags inside comments and CDATA do not count. None when the
/// feed has no more than `max` items.
fn first_xml_items(bytes: &[u8], max: usize) -> Option<Vec<u8>> {
    let mut count = 0;
    let mut cut = None;
    let mut last_end = None;
    for tag in item_tags(bytes) {
        if matches!(
            tag.kind,
            ItemTagKind::Open | ItemTagKind::Empty | ItemTagKind::Cut
        ) {
            count += 1;
            if count == max + 1 {
                cut = Some(tag.start);
            }
        }
        if matches!(tag.kind, ItemTagKind::Close | ItemTagKind::Empty) {
            last_end = Some(tag.end);
        }
    }
    let (cut, tail) = (cut?, last_end?);
    if tail < cut {
        return None;
    }
    let mut kept = Vec::with_capacity(cut + bytes.len() - tail);
    kept.extend_from_slice(&bytes[..cut]);
    kept.extend_from_slice(&bytes[tail..]);
    Some(kept)
}

/// One tag of a feed's item element (RSS/RDF `item`, Atom `entry`, with or
/// without a namespace prefix such as `atom:entry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ItemTag {
    /// Where the tag's `<` is.
    pub(crate) start: usize,
    /// Just past its `>`.
    pub(crate) end: usize,
    pub(crate) kind: ItemTagKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemTagKind {
    /// `<item ...>`
    Open,
    /// `</item>`
    Close,
    /// `<item/>`: a whole (empty) item.
    Empty,
    /// A tag the bytes end inside (`end` is their end): the last one.
    Cut,
}

/// The item tags of an XML feed, in order, without parsing it: what is in
/// comments, CDATA and processing instructions does not count.
pub(crate) fn item_tags(bytes: &[u8]) -> impl Iterator<Item = ItemTag> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(i) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) {
            let rest = &bytes[i..];
            let skip_to = |close: &[u8]| {
                memchr::memmem::find(&rest[1..], close)
                    .map_or(bytes.len(), |j| i + 1 + j + close.len())
            };
            if rest.starts_with(b"<![CDATA[") {
                at = skip_to(b"]]>");
                continue;
            }
            if rest.starts_with(b"<!--") {
                at = skip_to(b"-->");
                continue;
            }
            if rest.starts_with(b"<?") {
                at = skip_to(b"?>");
                continue;
            }
            let closing = rest.get(1) == Some(&b'/');
            let name_start = if closing { 2 } else { 1 };
            let name_len = rest[name_start..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                .unwrap_or(rest.len() - name_start);
            let name = &rest[name_start..name_start + name_len];
            let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
            if local == b"item" || local == b"entry" {
                let Some(end) = memchr::memchr(b'>', rest).map(|j| i + j + 1) else {
                    at = bytes.len();
                    return Some(ItemTag {
                        start: i,
                        end: bytes.len(),
                        kind: ItemTagKind::Cut,
                    });
                };
                at = end;
                let kind = if closing {
                    ItemTagKind::Close
                } else if bytes[end - 2] == b'/' {
                    ItemTagKind::Empty
                } else {
                    ItemTagKind::Open
                };
                return Some(ItemTag {
                    start: i,
                    end,
                    kind,
                });
            }
            at = i + 1;
        }
        None
    })
}

/// JSON Feed: the same object with only the first `max` of its `items`
/// (kept as the bytes they were, not parsed). None when it has no more
/// than `max` items or is not a JSON object (feed-rs then says why).
fn first_json_items(bytes: &[u8], max: usize) -> Option<Vec<u8>> {
    use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
    use serde_json::value::RawValue;

    struct Items<'a> {
        kept: Vec<&'a RawValue>,
        more: bool,
    }
    struct Take(usize);
    impl<'de> Visitor<'de> for Take {
        type Value = Items<'de>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of items")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items<'de>, A::Error> {
            let mut kept = Vec::new();
            while kept.len() < self.0 {
                match seq.next_element::<&RawValue>()? {
                    Some(item) => kept.push(item),
                    None => return Ok(Items { kept, more: false }),
                }
            }
            let more = seq.next_element::<IgnoredAny>()?.is_some();
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Items { kept, more })
        }
    }

    let text = std::str::from_utf8(bytes).ok()?;
    let fields: Vec<(String, &RawValue)> =
        serde_json::from_str::<std::collections::BTreeMap<String, &RawValue>>(text)
            .ok()?
            .into_iter()
            .collect();
    let (_, items) = fields.iter().find(|(k, _)| k == "items")?;
    let items = serde_json::Deserializer::from_str(items.get())
        .deserialize_seq(Take(max))
        .ok()?;
    if !items.more {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len().min(1 << 20));
    out.push(b'{');
    for (key, value) in fields.iter().filter(|(k, _)| k != "items") {
        serde_json::to_writer(&mut out, key).ok()?;
        out.push(b':');
        out.extend_from_slice(value.get().as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"\"items\":[");
    for (i, item) in items.kept.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.get().as_bytes());
    }
    out.extend_from_slice(b"]}");
    Some(out)
}

/// What identifies the feed for item ids: its id, else its first link.
fn feed_key(feed: &Feed) -> String {
    if !feed.id.is_empty() {
        return feed.id.clone();
    }
    feed.links
        .first()
        .map(|l| l.href.clone())
        .unwrap_or_default()
}

fn item_issue(
    entry: &Entry,
    feed_key: &str,
    newsletter: Option<String>,
    source: &str,
    rules: &SplitRules,
) -> Assembled {
    // The fullest text first: content (RSS content:encoded, Atom content,
    // JSON content_html/content_text), then the summary/description.
    let (body, is_html) = match (&entry.content, &entry.summary) {
        (Some(content), _)
            if content
                .body
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty()) =>
        {
            (
                content.body.clone().unwrap_or_default(),
                content.content_type.subty() != "plain",
            )
        }
        (_, Some(summary)) => (
            summary.content.clone(),
            summary.content_type.subty() != "plain",
        ),
        _ => (String::new(), false),
    };
    let (mut outline, _) = if is_html {
        html::outline(&body)
    } else {
        plain::outline(&body)
    };
    if !outline.has_words() {
        // An item with no text still shows where to read it.
        outline.nodes = entry
            .links
            .first()
            .map(|l| Node::Block(Piece::new(PieceKind::Paragraph, sanitize(&l.href))))
            .into_iter()
            .collect();
    }
    let hints = &mut outline.hints;
    if let Some(title) = entry
        .title
        .as_ref()
        .map(clean_text)
        .filter(|t| !t.is_empty())
    {
        hints.title = Some(title);
    }
    if newsletter.is_some() {
        hints.newsletter = newsletter;
    }
    hints.date = entry
        .published
        .or(entry.updated)
        .map(|d| d.format("%Y-%m-%d").to_string());
    if let Some(author) = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref().or(p.email.as_deref()))
        .map(clean_line)
        .find(|n| !n.is_empty())
    {
        hints.author = Some(author);
    }
    // The id as the feed gave it; one feed-rs made up is no GUID.
    let (entry_id, generated) = match entry.id.strip_prefix(GENERATED) {
        Some(made_up) => (made_up, true),
        None => (entry.id.as_str(), false),
    };
    let id = stable_id(&[feed_key.as_bytes(), entry_id.as_bytes(), body.as_bytes()]);
    let mut built = assemble(outline, source, id, rules);
    let issue = &mut built.issue;
    let url = item_url(entry);
    // The same item in another copy of the feed: its GUID (within this
    // feed: GUIDs like "1" are common), else its link.
    issue.guid = if !generated && !entry_id.trim().is_empty() {
        Some(format!("{feed_key}#{}", entry_id.trim()))
    } else {
        url.clone()
    };
    issue.url = url;
    if let [only] = issue.sections.as_mut_slice() {
        // A story without headings is the item itself: name it so.
        only.title = issue.title.clone();
        only.id = stable_id(&[
            issue.id.as_bytes(),
            &0usize.to_le_bytes(),
            only.title.as_bytes(),
        ]);
    }
    limits::cap(issue, source);
    built
}

/// A feed or item title as one line: Atom's `type="html"` titles lose their
/// markup and entities.
fn clean_text(text: &Text) -> String {
    if text.content_type.subty() == "html" {
        clean_line(&decode_entities(&super::strip_tags(&text.content)))
    } else {
        clean_line(&text.content)
    }
}

/// One line of metadata (a title, a name): sanitized, white space runs joined.
fn clean_line(text: &str) -> String {
    sanitize(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when an XML feed stops before its root element is closed.
fn is_truncated(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let tail_start = bytes.len().saturating_sub(512);
    let tail = String::from_utf8_lossy(&bytes[tail_start..]).to_ascii_lowercase();
    let tail = tail.trim_end();
    // The root is the first of these elements to open ("<feedburner:info>"
    // inside an RSS channel is no Atom root).
    let root = ["rss", "feed", "rdf:rdf"]
        .into_iter()
        .filter_map(|root| {
            let open = format!("<{root}");
            head.match_indices(&open)
                .find(|(i, _)| {
                    head[i + open.len()..].starts_with(|c: char| c.is_whitespace() || c == '>')
                })
                .map(|(i, _)| (i, root))
        })
        .min()
        .map(|(_, root)| root);
    match root {
        Some(root) if !head.trim_start().starts_with('{') => {
            // The last thing in the file must be the root's end tag
            // (comments may follow it).
            let mut end = tail;
            while let Some(before) = end
                .strip_suffix("-->")
                .and_then(|e| e.rfind("<!--").map(|i| e[..i].trim_end()))
            {
                end = before;
            }
            !end.ends_with(&format!("</{root}>"))
        }
        _ => false,
    }
}

// ------------------------------------------------------ titles

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&i| i <= 10);
        let decoded = end.and_then(|i| entity(&after[1..i]));
        match (end, decoded) {
            (Some(i), Some(c)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            _ => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let named = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "hellip" => '…',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            return char::from_u32(code);
        }
    };
    Some(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:feedburner=\"x\"><channel><title>T</title><feedburner:info uri=\"t\"/><item><title>One</title><description>&lt;p&gt;Body text.&lt;/p&gt;</description></item></channel></rss>\n";

    #[test]
    fn trailing_comments_and_feedburner_elements_are_not_truncation() {
        let with_comment = format!("{RSS}<!-- served from cache -->\n");
        let issues = parse(with_comment.as_bytes(), "f.xml").unwrap();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].sections[0].body(), "Body text.");
        assert!(is_truncated(&RSS.as_bytes()[..RSS.len() - 8]));
    }

    #[test]
    fn truncated_json_feed_is_an_error() {
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "content_text": "hi"}"#;
        let err = parse(json.as_bytes(), "f.json").unwrap_err();
        assert!(matches!(err, ParseError::Invalid(_)), "{err:?}");
    }

    #[test]
    fn an_item_without_text_keeps_its_title_and_link() {
        let rss = RSS.replace(
            "<description>&lt;p&gt;Body text.&lt;/p&gt;</description>",
            "<link>https://e.example/1</link>",
        );
        let issues = parse(rss.as_bytes(), "f.xml").unwrap();
        assert_eq!(issues[0].sections.len(), 1);
        assert_eq!(issues[0].sections[0].title, "One");
        assert_eq!(issues[0].sections[0].body(), "https://e.example/1");
    }

    #[test]
    fn items_keep_their_web_address_and_are_known_by_guid_or_link() {
        let rss = RSS.replace(
            "<title>One</title>",
            "<title>One</title><link>https://e.example/one</link><guid isPermaLink=\"false\">7</guid>",
        );
        let issues = parse(rss.as_bytes(), "f.xml").unwrap();
        assert_eq!(issues[0].url.as_deref(), Some("https://e.example/one"));
        assert!(issues[0].guid.as_deref().is_some_and(|g| g.ends_with("#7")));
        // No GUID: the link is the item's identity, and the id is as before.
        let no_guid = RSS.replace(
            "<title>One</title>",
            "<title>One</title><link>https://e.example/one</link>",
        );
        let issues = parse(no_guid.as_bytes(), "f.xml").unwrap();
        assert_eq!(issues[0].guid.as_deref(), Some("https://e.example/one"));
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><entry><id>urn:a:1</id><title>E</title><link rel="enclosure" href="https://e.example/a.mp3"/><link rel="alternate" href="https://e.example/e"/><content type="html">&lt;p&gt;Hi&lt;/p&gt;</content></entry></feed>"#;
        let issues = parse(atom.as_bytes(), "a.xml").unwrap();
        assert_eq!(issues[0].url.as_deref(), Some("https://e.example/e"));
        assert_eq!(issues[0].guid.as_deref(), Some("urn:a#urn:a:1"));
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "url": "https://e.example/j", "content_text": "hi"}]}"#;
        let issues = parse(json.as_bytes(), "j.json").unwrap();
        assert_eq!(issues[0].url.as_deref(), Some("https://e.example/j"));
    }

    #[test]
    fn item_tags_skip_comments_cdata_and_instructions_and_know_prefixes() {
        use super::{ItemTagKind::*, item_tags};
        let feed = "<?xml version=\"1.0\"?><?item x?><feed><!-- <entry> --><title><![CDATA[<item>]]></title>\
                    <atom:entry a=\"1\"><items/></atom:entry><item/><entry>";
        let kinds: Vec<_> = item_tags(feed.as_bytes())
            .map(|t| (t.kind, &feed[t.start..t.end]))
            .collect();
        assert_eq!(
            kinds,
            [
                (Open, "<atom:entry a=\"1\">"),
                (Close, "</atom:entry>"),
                (Empty, "<item/>"),
                (Open, "<entry>"),
            ]
        );
        let cut: Vec<_> = item_tags(b"<item>x</item><item a=")
            .map(|t| t.kind)
            .collect();
        assert_eq!(cut, [Open, Close, Cut]);
    }

    #[test]
    fn only_the_first_items_reach_the_feed_parser() {
        let item =
            |i: usize| format!("<item><title>T{i}</title><description>d{i}</description></item>\n");
        let mut rss = String::from(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>F</title>\n",
        );
        rss.push_str("<!-- <item> in a comment --><description><![CDATA[<item>]]></description>\n");
        for i in 0..25 {
            rss.push_str(&item(i));
        }
        rss.push_str("</channel></rss>\n");
        let kept = first_xml_items(rss.as_bytes(), 10).expect("cut");
        let kept = String::from_utf8(kept).unwrap();
        assert!(kept.contains("<title>T9</title>") && !kept.contains("<title>T10</title>"));
        assert!(kept.ends_with("</channel></rss>\n"), "{kept}");
        assert!(first_xml_items(rss.as_bytes(), 25).is_none());

        let mut json = String::from(
            "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"F\", \"items\": [",
        );
        for i in 0..25 {
            json.push_str(&format!(
                "{}{{\"id\": \"{i}\", \"content_text\": \"x{i}\"}}",
                if i > 0 { "," } else { "" }
            ));
        }
        json.push_str("], \"home_page_url\": \"https://e.example/\"}");
        let kept = String::from_utf8(first_json_items(json.as_bytes(), 10).expect("cut")).unwrap();
        let value: serde_json::Value = serde_json::from_str(&kept).expect("still JSON");
        assert_eq!(value["items"].as_array().map(Vec::len), Some(10));
        assert_eq!(value["home_page_url"], "https://e.example/");
        assert!(first_json_items(json.as_bytes(), 25).is_none());

        let issues = parse(json.replace("\"F\"", "\"Feed\"").as_bytes(), "f.json").unwrap();
        assert_eq!(issues.len(), 25, "within the cap nothing is cut");
    }

    #[test]
    fn control_sequences_in_titles_are_removed() {
        let rss = RSS.replace("<title>One</title>", "<title>O\u{1b}[2Jne</title>");
        let issues = parse(rss.as_bytes(), "f.xml").unwrap();
        assert_eq!(issues[0].title, "One");
    }
}
