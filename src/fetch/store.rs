//! Items into the library: a feed's answer read as items (each a document
//! of its own, see [`super::items`], known by the GUID the library knows
//! it by), and one item written as a file. Files are written whole: a
//! hidden temporary file in the same folder (the library skips hidden
//! names), flushed, then renamed into place, so the watcher and any
//! reader or indexer only ever see a complete file.

use std::io;
use std::path::Path;

use super::discover;
use super::items;

/// One item of a fetched feed, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the library knows it by: its GUID, its link when it has none,
    /// else its content.
    pub guid: String,
    pub title: String,
    pub date: Option<String>,
    /// The feed's own title.
    pub newsletter: Option<String>,
    pub bytes: Vec<u8>,
    pub extension: &'static str,
    /// Of `bytes`: a change means the item changed.
    pub hash: String,
}

/// Why an answer gave no items.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAFeed {
    #[error("not a feed but a web page; its feed seems to be at {0}")]
    PageNaming(String),
    #[error("not a feed but a web page (it names no feed of its own)")]
    Page,
    #[error("not a feed: {0}")]
    Unreadable(String),
    #[error("its items could not be told apart (a feed nlread cannot store item by item)")]
    Uncut,
}

/// The items of a feed's answer, in the feed's order (an item listed
/// twice, once). `url` is where it came from, to resolve a page's links.
pub fn read_items(
    body: &[u8],
    content_type: Option<&str>,
    url: &str,
) -> Result<Vec<Item>, NotAFeed> {
    if discover::is_html(body, content_type) {
        return Err(match discover::feed_links(body, url).into_iter().next() {
            Some(feed) => NotAFeed::PageNaming(feed),
            None => NotAFeed::Page,
        });
    }
    let whole = feed_rs::parser::parse(body)
        .map_err(|e| NotAFeed::Unreadable(crate::text::sanitize(&e.to_string())))?;
    let docs = items::split(body).ok_or(NotAFeed::Uncut)?;
    if docs.len() != whole.entries.len() {
        return Err(NotAFeed::Uncut);
    }
    let mut out: Vec<Item> = Vec::with_capacity(docs.len());
    for doc in docs.into_iter().take(crate::parse::limits::MAX_FEED_ITEMS) {
        let issues = crate::parse::feed::parse(&doc.bytes, "feed")
            .map_err(|e| NotAFeed::Unreadable(e.to_string()))?;
        let [issue] = issues.as_slice() else {
            return Err(NotAFeed::Uncut);
        };
        let guid = issue
            .guid
            .clone()
            .unwrap_or_else(|| format!("content:{}", issue.id));
        if out.iter().any(|i| i.guid == guid) {
            continue;
        }
        out.push(Item {
            guid,
            title: issue.title.clone(),
            date: issue.date.clone(),
            newsletter: issue.newsletter.clone(),
            hash: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&doc.bytes)),
            bytes: doc.bytes.into_owned(),
            extension: doc.extension,
        });
    }
    Ok(out)
}

/// A file or folder name made of `text`: lower-case letters and digits,
/// dashes between words, at most `max` characters; `fallback` when
/// nothing is left.
pub fn slug(text: &str, max: usize, fallback: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            let dash_first = dash && !out.is_empty();
            if out.chars().count() + usize::from(dash_first) >= max {
                break;
            }
            if dash_first {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// The file name of a new item: its date, its title and a few digits of
/// its GUID's hash, so the same item always gets the same name (stored
/// again after the state was lost, it replaces its own file).
pub fn file_name(item: &Item) -> String {
    let mut name = String::new();
    if let Some(date) = &item.date {
        name.push_str(date);
        name.push('-');
    }
    name.push_str(&slug(&item.title, 60, "item"));
    let hash = xxhash_rust::xxh3::xxh3_64(item.guid.as_bytes());
    name.push_str(&format!("-{:06x}.{}", hash & 0xff_ffff, item.extension));
    name
}

/// Writes `bytes` as `path`, whole: a hidden temporary file beside it,
/// flushed, renamed over whatever was there (see [`crate::store::write_whole`]).
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::store::write_whole(path, bytes, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const RSS: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Lantern Notes</title><link>https://l.example/</link>\
        <item><title>Kite day!</title><guid>k1</guid><pubDate>Wed, 16 Apr 2025 08:00:00 GMT</pubDate><description>Kites flew.</description></item>\
        <item><title>Kite day!</title><guid>k1</guid><description>Kites flew.</description></item>\
        <item><title>Lost</title><link>https://l.example/lost</link><description>An umbrella.</description></item>\
        </channel></rss>";

    #[test]
    fn items_are_known_by_guid_then_link_and_named_by_date_and_title() {
        let items = read_items(
            RSS.as_bytes(),
            Some("application/rss+xml"),
            "https://l.example/feed",
        )
        .expect("items");
        assert_eq!(items.len(), 2, "the item listed twice is one");
        assert!(items[0].guid.ends_with("#k1"), "{}", items[0].guid);
        assert_eq!(items[1].guid, "https://l.example/lost");
        assert_eq!(items[0].newsletter.as_deref(), Some("Lantern Notes"));
        let name = file_name(&items[0]);
        assert!(
            name.starts_with("2025-04-16-kite-day-") && name.ends_with(".xml"),
            "{name}"
        );
        assert_eq!(
            name,
            file_name(&items[0].clone()),
            "the same item, the same name"
        );
        assert!(file_name(&items[1]).starts_with("lost-"));
    }

    #[test]
    fn pages_and_other_answers_are_no_feed() {
        let page = b"<!doctype html><html><head><link rel=alternate type=application/rss+xml href=/rss></head></html>";
        assert_eq!(
            read_items(page, Some("text/html"), "https://l.example/"),
            Err(NotAFeed::PageNaming("https://l.example/rss".into()))
        );
        assert_eq!(
            read_items(b"<html></html>", None, "https://l.example/"),
            Err(NotAFeed::Page)
        );
        assert!(matches!(
            read_items(b"just some words", Some("text/plain"), "https://l.example/"),
            Err(NotAFeed::Unreadable(_))
        ));
        let empty = "<rss version=\"2.0\"><channel><title>E</title></channel></rss>";
        assert_eq!(
            read_items(empty.as_bytes(), None, "https://e.example/"),
            Ok(Vec::new())
        );
    }

    #[test]
    fn slugs_keep_letters_and_digits() {
        assert_eq!(
            slug("The Harbour Gazette: No. 12!", 60, "x"),
            "the-harbour-gazette-no-12"
        );
        assert_eq!(slug("Ünïcode Café", 60, "x"), "ünïcode-café");
        assert_eq!(slug("!!!", 60, "fallback"), "fallback");
        assert_eq!(slug("abcdef ghij", 4, "x"), "abcd");
    }

    #[test]
    fn a_whole_file_replaces_the_old_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feeds/a/item.xml");
        write_whole(&path, b"one").expect("write");
        write_whole(&path, b"two").expect("replace");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let names: Vec<_> = fs::read_dir(path.parent().expect("dir"))
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("item.xml")]);
    }
}
