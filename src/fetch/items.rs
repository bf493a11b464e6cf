//! A fetched feed cut into one document per item, each the feed's own
//! head (XML prolog, namespaces, channel title and links; a JSON Feed's
//! other fields) around that one item, byte for byte. Parsed, such a
//! document gives exactly the issue the item gives inside the whole feed
//! (same `guid`, same content id), so the library's one-issue-per-GUID
//! rule and the reading state's marks hold for the stored files as for a
//! feed file kept by hand. Pure: bytes in, documents out.

use std::borrow::Cow;

/// One item of a feed, as a document of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDocument<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// `xml` or `json`: the extension its file gets.
    pub extension: &'static str,
}

/// The feed's items as documents of their own, in the feed's order; None
/// when the feed cannot be taken apart this way (an item tag this does not
/// know, an unclosed item), and Some(empty) for a feed without items.
pub fn split(bytes: &[u8]) -> Option<Vec<ItemDocument<'_>>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes[first] == b'{' {
        return split_json(bytes);
    }
    split_xml(bytes)
}

/// Where each item element starts and ends (end exclusive); None for an
/// item inside an item, one left open or a tag cut off.
fn xml_items(bytes: &[u8]) -> Option<Vec<(usize, usize)>> {
    use crate::parse::feed::{ItemTagKind, item_tags};
    let mut items = Vec::new();
    let mut open: Option<usize> = None;
    for tag in item_tags(bytes) {
        match tag.kind {
            ItemTagKind::Cut => return None,
            ItemTagKind::Close => items.push((open.take()?, tag.end)),
            // An item inside an item: not a feed this can cut.
            _ if open.is_some() => return None,
            ItemTagKind::Empty => items.push((tag.start, tag.end)),
            ItemTagKind::Open => open = Some(tag.start),
        }
    }
    open.is_none().then_some(items)
}

fn split_xml(bytes: &[u8]) -> Option<Vec<ItemDocument<'_>>> {
    let items = xml_items(bytes)?;
    let (Some(&(first, _)), Some(&(_, last))) = (items.first(), items.last()) else {
        return Some(Vec::new());
    };
    let (head, tail) = (&bytes[..first], &bytes[last..]);
    Some(
        items
            .iter()
            .map(|&(start, end)| {
                let item = &bytes[start..end];
                let mut doc = Vec::with_capacity(head.len() + item.len() + tail.len() + 1);
                doc.extend_from_slice(head);
                doc.extend_from_slice(item);
                doc.extend_from_slice(tail);
                ItemDocument {
                    bytes: Cow::Owned(doc),
                    extension: "xml",
                }
            })
            .collect(),
    )
}

/// A JSON Feed: the same object with `items` holding one item, the other
/// fields as they were written.
fn split_json(bytes: &[u8]) -> Option<Vec<ItemDocument<'_>>> {
    use serde_json::value::RawValue;
    let text = std::str::from_utf8(bytes).ok()?;
    let fields: Vec<(String, &RawValue)> =
        serde_json::from_str::<std::collections::BTreeMap<String, &RawValue>>(text)
            .ok()?
            .into_iter()
            .collect();
    let items = fields
        .iter()
        .find(|(k, _)| k == "items")
        .map(|(_, v)| serde_json::from_str::<Vec<&RawValue>>(v.get()))
        .transpose()
        .ok()?
        .unwrap_or_default();
    let mut head = Vec::from(&b"{"[..]);
    for (key, value) in fields.iter().filter(|(k, _)| k != "items") {
        serde_json::to_writer(&mut head, key).ok()?;
        head.push(b':');
        head.extend_from_slice(value.get().as_bytes());
        head.push(b',');
    }
    head.extend_from_slice(b"\"items\":[");
    Some(
        items
            .iter()
            .map(|item| {
                let mut doc = head.clone();
                doc.extend_from_slice(item.get().as_bytes());
                doc.extend_from_slice(b"]}\n");
                ItemDocument {
                    bytes: Cow::Owned(doc),
                    extension: "json",
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::feed;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Lantern Notes</title>
<link>https://lantern.example/</link>
<!-- <item> in a comment is no item -->
<item><title>Kite day</title><guid isPermaLink="false">k1</guid>
<content:encoded><![CDATA[<p>The kites flew. </item> in CDATA is no end.</p>]]></content:encoded></item>
<item><title>Lost and found</title><link>https://lantern.example/lost</link>
<description>An umbrella waits at the ferry office.</description></item>
</channel>
</rss>
"#;

    fn text(doc: &ItemDocument) -> String {
        String::from_utf8(doc.bytes.to_vec()).expect("utf-8")
    }

    #[test]
    fn each_item_parses_as_it_does_inside_the_whole_feed() {
        let whole = feed::parse(RSS.as_bytes(), "f.xml").expect("feed");
        let docs = split(RSS.as_bytes()).expect("split");
        assert_eq!(docs.len(), 2);
        for (doc, issue) in docs.iter().zip(&whole) {
            let alone = feed::parse(&doc.bytes, "f.xml").expect("item feed");
            assert_eq!(alone.len(), 1, "{}", text(doc));
            assert_eq!(alone[0].guid, issue.guid);
            assert_eq!(alone[0].id, issue.id);
            assert_eq!(alone[0].newsletter.as_deref(), Some("Lantern Notes"));
            assert_eq!(doc.extension, "xml");
        }
        assert!(text(&docs[0]).contains("in CDATA is no end"));
        assert!(!text(&docs[0]).contains("Lost and found"));
        assert!(text(&docs[1]).ends_with("</channel>\n</rss>\n"));
    }

    #[test]
    fn atom_with_a_prefix_and_json_feeds_split_too() {
        let atom = r#"<?xml version="1.0"?><a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>A</a:title><a:id>urn:a</a:id><a:entry><a:id>urn:a:1</a:id><a:title>One</a:title><a:content type="html">&lt;p&gt;First&lt;/p&gt;</a:content></a:entry><a:entry><a:id>urn:a:2</a:id><a:title>Two</a:title><a:content type="html">&lt;p&gt;Second&lt;/p&gt;</a:content></a:entry></a:feed>"#;
        let docs = split(atom.as_bytes()).expect("split");
        assert_eq!(docs.len(), 2);
        let whole = feed::parse(atom.as_bytes(), "a.xml").expect("feed");
        for (doc, issue) in docs.iter().zip(&whole) {
            let alone = feed::parse(&doc.bytes, "a.xml").expect("entry feed");
            assert_eq!((&alone[0].guid, &alone[0].id), (&issue.guid, &issue.id));
        }
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example/", "items": [{"id": "1", "content_text": "one"}, {"id": "2", "content_text": "two"}]}"#;
        let docs = split(json.as_bytes()).expect("split");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].extension, "json");
        let whole = feed::parse(json.as_bytes(), "j.json").expect("feed");
        for (doc, issue) in docs.iter().zip(&whole) {
            let alone = feed::parse(&doc.bytes, "j.json").expect("item feed");
            assert_eq!((&alone[0].guid, &alone[0].id), (&issue.guid, &issue.id));
        }
    }

    #[test]
    fn feeds_without_items_and_broken_ones() {
        let empty = "<rss version=\"2.0\"><channel><title>E</title></channel></rss>";
        assert_eq!(split(empty.as_bytes()), Some(Vec::new()));
        let unclosed = "<rss><channel><item><title>x</title></channel></rss>";
        assert_eq!(split(unclosed.as_bytes()), None);
        let nested = "<rss><channel><item><item></item></item></channel></rss>";
        assert_eq!(split(nested.as_bytes()), None);
        assert_eq!(split(b"   "), None);
        assert_eq!(split(b"{\"items\": 3}"), None);
        // `<itemize>` and `<entryway>` are no items.
        let other = "<rss><channel><itemize/><entryway>x</entryway></channel></rss>";
        assert_eq!(split(other.as_bytes()), Some(Vec::new()));
    }
}
