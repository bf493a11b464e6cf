//! The subscriptions: `feeds.toml` beside the config file, one `[[feed]]`
//! table per feed, for a person to read and edit as much as for nlread.
//!
//! ```toml
//! [[feed]]
//! url = "https://lantern.example/feed.xml"
//! name = "Lantern Notes"      # optional: the feed's own title otherwise
//! ```
//!
//! [`parse`] is pure and never fails: each problem is a diagnostic with
//! its line and column (as the config's are) and the feed it concerns is
//! skipped. nlread changes the file only by editing its text ([`add`],
//! [`remove`], [`move_url`]): comments, order and spacing stay as written.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::config::Diagnostic;

/// The subscriptions file's name, in the config folder.
pub const FILE_NAME: &str = "feeds.toml";

/// A file larger than this is not read (a thousand feeds take 100 KB).
pub const MAX_BYTES: u64 = 1024 * 1024;

/// What a new file starts with.
const PREAMBLE: &str = "\
# nlread's subscriptions: `nlread feed add URL` adds one, `nlread fetch`
# (or `r` in the reader) brings their new issues into your library.
# Edit by hand as you like: each [[feed]] has a url (http or https) and,
# optionally, a name; nlread keeps your comments.
";

/// One subscription.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Feed {
    pub url: String,
    /// What the user calls it; None: the feed's own title.
    pub name: Option<String>,
}

impl Feed {
    /// The name to show: the user's, else `title` (the feed's own, if
    /// known), else the address's host.
    pub fn shown_name(&self, title: Option<&str>) -> String {
        self.name
            .clone()
            .or_else(|| title.map(str::to_string))
            .unwrap_or_else(|| host(&self.url).unwrap_or_else(|| self.url.clone()))
    }
}

/// The host of an address (with its port when it has one).
pub fn host(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Why an address cannot be a subscription, in words.
pub fn check_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let url =
        url::Url::parse(trimmed).map_err(|e| format!("{trimmed:?} is not a web address ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{trimmed:?} is not an http or https address; nlread fetches only those"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{trimmed:?} names no host"));
    }
    Ok(url.to_string())
}

/// Reads the file's text. Never fails: every problem is a diagnostic, and a
/// feed with one is skipped (an unknown setting only warns).
pub fn parse(text: &str) -> (Vec<Feed>, Vec<Diagnostic>) {
    let mut feeds = Vec::new();
    let mut found: Vec<(usize, String, String)> = Vec::new();
    match DeTable::parse(text) {
        Ok(root) => {
            for (k, v) in root.get_ref().iter() {
                let name = k.get_ref().as_ref();
                if name != "feed" {
                    found.push((
                        k.span().start,
                        name.to_string(),
                        "unknown setting, ignored; this file holds only [[feed]] tables \
                         (url, name)"
                            .to_string(),
                    ));
                    continue;
                }
                let tables: Vec<&toml::Spanned<DeValue<'_>>> = match v.get_ref() {
                    DeValue::Array(a) => a.iter().collect(),
                    DeValue::Table(_) => vec![v],
                    _ => {
                        found.push((
                            v.span().start,
                            "feed".into(),
                            "expected [[feed]] tables; ignored".into(),
                        ));
                        continue;
                    }
                };
                for table in tables {
                    if let Some(feed) = feed(table, &mut found)
                        && !feeds.iter().any(|f: &Feed| f.url == feed.url)
                    {
                        feeds.push(feed);
                    } else if let DeValue::Table(t) = table.get_ref()
                        && let Some(url) = t.get("url")
                        && let DeValue::String(s) = url.get_ref()
                        && feeds.iter().any(|f| f.url == s.as_ref())
                    {
                        found.push((
                            url.span().start,
                            "feed.url".into(),
                            format!("{s:?} is listed twice; it is fetched once"),
                        ));
                    }
                }
            }
        }
        Err(err) => {
            let at = err.span().map_or(0, |s| s.start);
            let what = err.message().trim().replace('\n', "; ");
            found.push((
                at,
                String::new(),
                format!("this is not valid TOML ({what}); no feed is fetched until it is fixed"),
            ));
        }
    }
    found.sort_by_key(|(at, ..)| *at);
    let diagnostics = found
        .into_iter()
        .map(|(at, key, message)| {
            let (line, column) = crate::config::line_column(text, at);
            Diagnostic {
                line,
                column,
                key,
                message,
            }
        })
        .collect();
    (feeds, diagnostics)
}

/// One `[[feed]]` table, or None (with its problems said).
fn feed(
    table: &toml::Spanned<DeValue<'_>>,
    found: &mut Vec<(usize, String, String)>,
) -> Option<Feed> {
    let DeValue::Table(t) = table.get_ref() else {
        found.push((
            table.span().start,
            "feed".into(),
            "expected a table with a url; ignored".into(),
        ));
        return None;
    };
    let mut url = None;
    let mut name = None;
    let mut broken = false;
    for (k, v) in t.iter() {
        let key = k.get_ref().as_ref();
        let at = v.span().start;
        match (key, v.get_ref()) {
            ("url", DeValue::String(s)) => match check_url(s) {
                // Kept as written: it is how the file names the feed.
                Ok(_) => url = Some(s.trim().to_string()),
                Err(why) => {
                    found.push((
                        at,
                        "feed.url".into(),
                        format!("{why}; this feed is skipped"),
                    ));
                    broken = true;
                }
            },
            ("name", DeValue::String(s)) if !s.trim().is_empty() => {
                name = Some(crate::text::sanitize(s.trim()));
            }
            ("url" | "name", other) => {
                let what = if key == "url" {
                    "an address such as \"https://example.com/feed.xml\""
                } else {
                    "a name"
                };
                found.push((
                    at,
                    format!("feed.{key}"),
                    format!(
                        "expected {what}, found {}; this feed is skipped",
                        crate::config::found(other)
                    ),
                ));
                broken = true;
            }
            (other, _) => found.push((
                k.span().start,
                format!("feed.{other}"),
                "unknown setting, ignored (known: url, name)".into(),
            )),
        }
    }
    if broken {
        return None;
    }
    let Some(url) = url else {
        found.push((
            table.span().start,
            "feed".into(),
            "this [[feed]] has no url; it is skipped".into(),
        ));
        return None;
    };
    Some(Feed { url, name })
}

/// The text with `feed` added at its end (a new file starts with a word on
/// what it is for).
pub fn add(text: &str, feed: &Feed) -> String {
    let mut out = if text.trim().is_empty() {
        PREAMBLE.to_string()
    } else {
        text.to_string()
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("\n[[feed]]\n");
    out.push_str(&format!("url = {}\n", quoted(&feed.url)));
    if let Some(name) = &feed.name {
        out.push_str(&format!("name = {}\n", quoted(name)));
    }
    out
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Where each feed's `[[feed]]` table is in `text`: the byte range from its
/// header line to its last line of settings, and where its url's value is.
fn tables(text: &str) -> Vec<(std::ops::Range<usize>, Option<std::ops::Range<usize>>)> {
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let Some(feeds) = root.get_ref().get("feed") else {
        return Vec::new();
    };
    let DeValue::Array(array) = feeds.get_ref() else {
        return Vec::new();
    };
    // Header lines, in order: the n-th `[[feed]]` header opens the n-th table.
    let mut headers = Vec::new();
    let mut all_headers = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim();
        if bare.starts_with('[') {
            all_headers.push(at);
            let inner = bare
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .strip_prefix("[[")
                .and_then(|s| s.strip_suffix("]]"));
            if inner.is_some_and(|s| s.trim() == "feed") {
                headers.push(at);
            }
        }
        at += line.len();
    }
    if headers.len() != array.len() {
        return Vec::new();
    }
    headers
        .iter()
        .zip(array.iter())
        .map(|(&header, table)| {
            let start = with_comment_above(text, header);
            let next = all_headers
                .iter()
                .find(|&&h| h > header)
                .copied()
                .unwrap_or(text.len());
            // The table ends with its last setting: comments and blank
            // lines before the next header belong to what follows.
            let mut end = start;
            let mut at = start;
            for line in text[start..next].split_inclusive('\n') {
                let bare = line.trim();
                if at <= header || !(bare.is_empty() || bare.starts_with('#')) {
                    end = at + line.len();
                }
                at += line.len();
            }
            let url = match table.get_ref() {
                DeValue::Table(t) => t.get("url").map(|v| v.span()),
                _ => None,
            };
            (start..end, url)
        })
        .collect()
}

/// Where the comment lines right above the line at `at` start (no blank
/// line between): they speak of what follows them.
fn with_comment_above(text: &str, at: usize) -> usize {
    let mut start = at;
    while start > 0 {
        let line_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        if !text[line_start..start].trim_start().starts_with('#') {
            break;
        }
        start = line_start;
    }
    start
}

/// The text without the feed whose url or name is `which` (names match
/// without regard to case), and that feed; None when no feed is so called.
pub fn remove(text: &str, which: &str) -> Option<(String, Feed)> {
    let (feeds, _) = parse(text);
    let wanted = which.trim();
    let feed = feeds
        .iter()
        .find(|f| f.url == wanted)
        .or_else(|| {
            feeds.iter().find(|f| {
                f.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            })
        })?
        .clone();
    let ranges = tables(text);
    let (range, _) = ranges.iter().find(|(_, url)| {
        url.as_ref()
            .and_then(|u| text.get(u.clone()))
            .is_some_and(|v| v.trim_matches(['"', '\'']).trim() == feed.url)
    })?;
    let mut out = String::with_capacity(text.len());
    let before = &text[..range.start];
    let after = &text[range.end..];
    out.push_str(before);
    // One blank line where there were two, none at the end.
    if after.trim().is_empty() {
        out.truncate(out.trim_end().len());
        if !out.is_empty() {
            out.push('\n');
        }
    } else if (before.is_empty() || before.ends_with("\n\n")) && after.starts_with('\n') {
        out.push_str(&after[1..]);
    } else {
        out.push_str(after);
    }
    Some((out, feed))
}

/// The text with the feed at `old` now at `new` (a permanent redirect);
/// None when no feed has that address.
pub fn move_url(text: &str, old: &str, new: &str) -> Option<String> {
    let ranges = tables(text);
    let (_, url) = ranges.iter().find(|(_, url)| {
        url.as_ref()
            .and_then(|u| text.get(u.clone()))
            .is_some_and(|v| v.trim_matches(['"', '\'']).trim() == old)
    })?;
    let url = url.clone()?;
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..url.start]);
    out.push_str(&quoted(new));
    out.push_str(&text[url.end..]);
    Some(out)
}

/// The file's text: empty when there is none; an error when it cannot be
/// read (not a regular file, too large, not UTF-8).
pub fn read(path: &Path) -> std::io::Result<String> {
    match crate::store::own::read_capped(path, MAX_BYTES) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "it is not UTF-8 text, as TOML must be",
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e),
    }
}

/// Replaces the file with `text`, atomically (its folder created first).
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::store::write_atomically(path, text.as_bytes())
}

/// The subscriptions in the file at `path`, with its problems written out
/// in full (`~/.config/nlread/feeds.toml:3:7: feed.url: ...`).
pub fn load(path: &Path, home: Option<&Path>) -> (Vec<Feed>, Vec<String>) {
    let shown = crate::config::file::tilde(path, home);
    match read(path) {
        Ok(text) => {
            let (feeds, diagnostics) = parse(&text);
            let problems = diagnostics.iter().map(|d| d.render(&shown)).collect();
            (feeds, problems)
        }
        Err(e) => (
            Vec::new(),
            vec![format!(
                "{shown}: could not be read ({}); no feed is fetched",
                crate::store::own::describe(&e)
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# my feeds

[[feed]]
url = \"https://lantern.example/feed.xml\"
name = \"Lantern Notes\"

# work
[[feed]]   # the tide one
url = \"https://tide.example/rss\"

[[feed]]
url = \"https://orbit.example/atom\"
";

    fn feed(url: &str, name: Option<&str>) -> Feed {
        Feed {
            url: url.into(),
            name: name.map(str::to_string),
        }
    }

    #[test]
    fn feeds_are_read_in_order() {
        let (feeds, problems) = parse(FILE);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            feeds,
            vec![
                feed("https://lantern.example/feed.xml", Some("Lantern Notes")),
                feed("https://tide.example/rss", None),
                feed("https://orbit.example/atom", None),
            ]
        );
    }

    #[test]
    fn problems_have_a_place_and_skip_only_their_feed() {
        let text = "\
[[feed]]
url = \"ftp://files.example/feed\"

[[feed]]
name = \"No address\"

[[feed]]
url = 3

[[feed]]
url = \"https://ok.example/feed\"
colour = \"red\"

[[feed]]
url = \"https://ok.example/feed\"

[other]
";
        let (feeds, problems) = parse(text);
        assert_eq!(feeds, vec![feed("https://ok.example/feed", None)]);
        let said: Vec<String> = problems.iter().map(|d| d.render("feeds.toml")).collect();
        assert_eq!(said.len(), 6, "{said:#?}");
        assert!(
            said[0].starts_with("feeds.toml:2:7: feed.url: \"ftp://"),
            "{said:#?}"
        );
        assert!(said[0].contains("not an http or https address"));
        assert!(said[1].contains("has no url"), "{said:#?}");
        assert!(said[2].starts_with("feeds.toml:8:7: feed.url: expected an address"));
        assert!(said[3].starts_with("feeds.toml:12:1: feed.colour: unknown setting"));
        assert!(said[4].starts_with("feeds.toml:15:7: feed.url:") && said[4].contains("twice"));
        assert!(said[5].starts_with("feeds.toml:17:2: other: unknown setting"));
        let (feeds, problems) = parse("[[feed]\nurl=");
        assert!(feeds.is_empty());
        assert!(problems[0].message.contains("not valid TOML"));
    }

    #[test]
    fn adding_keeps_the_text_and_starts_a_new_file_with_a_word() {
        let added = add(FILE, &feed("https://new.example/f", Some("Say \"hi\"")));
        assert!(added.starts_with(FILE));
        assert!(
            added.ends_with(
                "\n[[feed]]\nurl = \"https://new.example/f\"\nname = \"Say \\\"hi\\\"\"\n"
            )
        );
        let (feeds, problems) = parse(&added);
        assert!(problems.is_empty());
        assert_eq!(feeds[3].name.as_deref(), Some("Say \"hi\""));
        let fresh = add("", &feed("https://a.example/f", None));
        assert!(fresh.starts_with("# nlread's subscriptions"));
        assert_eq!(parse(&fresh).0, vec![feed("https://a.example/f", None)]);
    }

    #[test]
    fn removing_by_url_or_name_keeps_the_other_tables_and_comments() {
        let (text, gone) = remove(FILE, "lantern notes").expect("by name");
        assert_eq!(gone.url, "https://lantern.example/feed.xml");
        assert_eq!(
            text,
            "# my feeds\n\n# work\n[[feed]]   # the tide one\nurl = \"https://tide.example/rss\"\n\n[[feed]]\nurl = \"https://orbit.example/atom\"\n"
        );
        // The comment right above a table goes with it.
        let (text, _) = remove(&text, "https://tide.example/rss").expect("by url");
        assert_eq!(
            text,
            "# my feeds\n\n[[feed]]\nurl = \"https://orbit.example/atom\"\n"
        );
        let (text, _) = remove(&text, "https://orbit.example/atom").expect("last");
        assert_eq!(text, "# my feeds\n");
        assert!(remove(FILE, "nothing").is_none());
    }

    #[test]
    fn a_moved_feed_keeps_its_place_and_name() {
        let moved = move_url(
            FILE,
            "https://tide.example/rss",
            "https://tide.example/feed",
        )
        .expect("moved");
        assert_eq!(moved, FILE.replace("tide.example/rss", "tide.example/feed"));
        assert!(move_url(FILE, "https://gone.example/", "https://x.example/").is_none());
    }

    #[test]
    fn names_fall_back_to_the_title_then_the_host() {
        let f = feed("https://news.example:8443/feed", None);
        assert_eq!(f.shown_name(Some("News")), "News");
        assert_eq!(f.shown_name(None), "news.example:8443");
        assert_eq!(
            check_url(" https://a.example "),
            Ok("https://a.example/".into())
        );
        assert!(check_url("file:///etc/passwd").is_err());
        assert!(check_url("not a url").is_err());
    }
}
