//! `nlread feed add | list | remove | import | export`: the subscriptions
//! in `feeds.toml` (see [`crate::fetch::feeds`]).
//!
//! Exit status: 0 when done (or nothing needed doing), 1 when the feed
//! could not be added, found or imported, 2 when the subscriptions file
//! cannot be read or written.

use std::io::{self, Write};
use std::path::Path;

use super::{EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, count, line, write_failed};
use crate::fetch::feeds::{self, Feed};
use crate::fetch::http::Client;
use crate::fetch::store::NotAFeed;
use crate::fetch::{Paths, opml, state};

/// An OPML file larger than this is not read (ten thousand feeds take 2 MB).
const MAX_OPML_BYTES: u64 = 8 << 20;

/// The subscriptions file's text, or says why it cannot be read.
fn read_feeds(paths: &Paths, err: &mut impl Write) -> Option<String> {
    match feeds::read(&paths.feeds) {
        Ok(text) => Some(text),
        Err(e) => {
            let _ = writeln!(
                err,
                "nlread: {}: could not be read ({}); fix or move it, then try again",
                line(&paths.feeds.display().to_string()),
                crate::store::own::describe(&e)
            );
            None
        }
    }
}

fn write_feeds(paths: &Paths, text: &str, err: &mut impl Write) -> bool {
    match feeds::write(&paths.feeds, text) {
        Ok(()) => true,
        Err(e) => {
            let _ = writeln!(
                err,
                "nlread: {}: could not be written ({})",
                line(&paths.feeds.display().to_string()),
                crate::store::own::describe(&e)
            );
            false
        }
    }
}

/// What checking an address found: the feed's address (a page's feed in
/// its place), its title and how many items it has.
struct Checked {
    url: String,
    title: Option<String>,
    items: usize,
    /// The address given was a web page naming this feed.
    from_page: bool,
}

/// Fetches `url` once to see it is a feed (a web page's own feed is taken
/// in its place).
fn check(client: &Client, url: &str) -> Result<Checked, String> {
    let mut at = url.to_string();
    for from_page in [false, true] {
        let answer = client.get(&at, None, None).map_err(|e| e.to_string())?;
        let at_now = answer.moved_to.clone().unwrap_or(at.clone());
        let body = answer.body.unwrap_or_default();
        match crate::fetch::store::read_items(&body, answer.content_type.as_deref(), &at_now) {
            Ok(items) => {
                let title = items.iter().find_map(|i| i.newsletter.clone()).or_else(|| {
                    feed_rs::parser::parse(body.as_slice())
                        .ok()
                        .and_then(|f| f.title)
                        .map(|t| line(&t.content))
                        .filter(|t| !t.trim().is_empty())
                });
                return Ok(Checked {
                    url: at_now,
                    title,
                    items: items.len(),
                    from_page,
                });
            }
            Err(NotAFeed::PageNaming(feed)) if !from_page => at = feed,
            Err(e) => return Err(e.to_string()),
        }
    }
    Err(NotAFeed::Page.to_string())
}

/// `nlread feed add URL [--name NAME] [--no-check]`.
pub fn add(
    paths: &Paths,
    url: &str,
    name: Option<&str>,
    client: Option<&Client>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> u8 {
    let url = match feeds::check_url(url) {
        Ok(_) => url.trim().to_string(),
        Err(why) => {
            let _ = writeln!(err, "nlread: {}", line(&why));
            return EXIT_PARTIAL;
        }
    };
    let Some(text) = read_feeds(paths, err) else {
        return EXIT_FATAL;
    };
    let (subscribed, _) = feeds::parse(&text);
    let (url, title, said) = match client {
        None => (url, None, "not checked".to_string()),
        Some(client) => match check(client, &url) {
            Ok(checked) => {
                let mut said = count(checked.items, "item", "items");
                if checked.from_page {
                    said = format!("{said}; {url} is a web page, this is its feed");
                }
                (checked.url, checked.title, said)
            }
            Err(why) => {
                let _ = writeln!(
                    err,
                    "nlread: {}: {}; not subscribed (--no-check subscribes all the same)",
                    line(&url),
                    line(&why)
                );
                return EXIT_PARTIAL;
            }
        },
    };
    if let Some(known) = subscribed.iter().find(|f| f.url == url) {
        let shown = line(&known.shown_name(title.as_deref()));
        return match writeln!(out, "Already subscribed to {shown} ({})", line(&url)) {
            Ok(()) => EXIT_OK,
            Err(e) => write_failed(e, EXIT_OK),
        };
    }
    let feed = Feed {
        url: url.clone(),
        name: name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(crate::text::sanitize)
            .or(title),
    };
    if !write_feeds(paths, &feeds::add(&text, &feed), err) {
        return EXIT_FATAL;
    }
    let shown = line(&feed.shown_name(None));
    match writeln!(
        out,
        "Subscribed to {shown} ({}, {said}); `nlread fetch` or `r` in the reader brings its issues in",
        line(&url)
    ) {
        Ok(()) => EXIT_OK,
        Err(e) => write_failed(e, EXIT_OK),
    }
}

/// One row of `feed list`.
#[derive(Debug, serde::Serialize)]
struct Row {
    name: String,
    url: String,
    /// Items stored in the library from it.
    issues: usize,
    /// When it last answered, `YYYY-MM-DD HH:MM` UTC.
    checked: Option<String>,
    error: Option<String>,
}

/// `nlread feed list [--json]`.
pub fn list(paths: &Paths, json: bool, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let Some(text) = read_feeds(paths, err) else {
        return EXIT_FATAL;
    };
    let (subscribed, problems) = feeds::parse(&text);
    let shown = paths.feeds.display().to_string();
    for problem in &problems {
        let _ = writeln!(err, "nlread: {}", line(&problem.render(&shown)));
    }
    let known = state::load(&paths.state)
        .map(|(s, _)| s)
        .unwrap_or_default();
    let rows: Vec<Row> = subscribed
        .iter()
        .map(|feed| {
            let st = known.feeds.get(&feed.url);
            Row {
                name: line(&feed.shown_name(st.and_then(|s| s.title.as_deref()))),
                url: line(&feed.url),
                issues: st.map_or(0, |s| s.items.len()),
                checked: st.and_then(|s| s.checked).map(minute),
                error: st.and_then(|s| s.error.clone()).map(|e| line(&e)),
            }
        })
        .collect();
    let written = if json {
        super::write_json(out, &rows)
    } else if rows.is_empty() {
        writeln!(
            out,
            "No subscriptions yet: `nlread feed add URL` subscribes to a feed ({})",
            line(&shown)
        )
    } else {
        (|| {
            for row in &rows {
                let status = match (&row.error, &row.checked) {
                    (Some(error), _) => format!("last fetch failed: {error}"),
                    (None, Some(at)) => format!("checked {at}"),
                    (None, None) => "not fetched yet".to_string(),
                };
                writeln!(
                    out,
                    "{}  {}\n    {}, {}",
                    row.name,
                    row.url,
                    count(row.issues, "issue", "issues"),
                    status
                )?;
            }
            writeln!(out, "{}", count(rows.len(), "feed", "feeds"))
        })()
    };
    match written {
        Ok(()) => EXIT_OK,
        Err(e) => write_failed(e, EXIT_OK),
    }
}

/// "2025-04-16 08:00 UTC".
fn minute(millis: crate::model::Millis) -> String {
    let secs = millis / 1000;
    let (y, m, d) = opml::civil(secs / 86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        (secs % 86_400) / 3600,
        (secs % 3600) / 60
    )
}

/// `nlread feed remove URL|NAME`.
pub fn remove(paths: &Paths, which: &str, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let Some(text) = read_feeds(paths, err) else {
        return EXIT_FATAL;
    };
    let Some((changed, gone)) = feeds::remove(&text, which) else {
        let _ = writeln!(
            err,
            "nlread: no subscription has the address or name {:?} (nlread feed list shows them)",
            line(which)
        );
        return EXIT_PARTIAL;
    };
    if !write_feeds(paths, &changed, err) {
        return EXIT_FATAL;
    }
    match writeln!(
        out,
        "Unsubscribed from {} ({}); its issues stay in your library",
        line(&gone.shown_name(None)),
        line(&gone.url)
    ) {
        Ok(()) => EXIT_OK,
        Err(e) => write_failed(e, EXIT_OK),
    }
}

/// `nlread feed import FILE.opml`: every feed of the file not subscribed
/// yet, named as the file names it. Nothing is fetched.
pub fn import(paths: &Paths, file: &Path, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let shown_file = line(&file.display().to_string());
    let text = match crate::store::own::read_capped(file, MAX_OPML_BYTES) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            let why = match e.kind() {
                io::ErrorKind::NotFound => "not found: check the path is spelled right".into(),
                _ => crate::store::own::describe(&e),
            };
            let _ = writeln!(err, "nlread: {shown_file}: {why}");
            return EXIT_PARTIAL;
        }
    };
    let outlines = match opml::parse(&text) {
        Ok(outlines) => outlines,
        Err(e) => {
            let _ = writeln!(err, "nlread: {shown_file}: {e}");
            return EXIT_PARTIAL;
        }
    };
    let Some(mut feeds_text) = read_feeds(paths, err) else {
        return EXIT_FATAL;
    };
    let (mut subscribed, _) = feeds::parse(&feeds_text);
    let (mut added, mut known, mut skipped) = (0, 0, 0);
    for outline in outlines {
        let url = outline.url.trim().to_string();
        if let Err(why) = feeds::check_url(&url) {
            let _ = writeln!(err, "nlread: {shown_file}: skipped: {}", line(&why));
            skipped += 1;
            continue;
        }
        if subscribed.iter().any(|f| f.url == url) {
            known += 1;
            continue;
        }
        let feed = Feed {
            url,
            name: outline.title,
        };
        feeds_text = feeds::add(&feeds_text, &feed);
        subscribed.push(feed);
        added += 1;
    }
    if added > 0 && !write_feeds(paths, &feeds_text, err) {
        return EXIT_FATAL;
    }
    let mut said = format!("{} added", count(added, "feed", "feeds"));
    if known > 0 {
        said.push_str(&format!(", {known} already subscribed"));
    }
    if skipped > 0 {
        said.push_str(&format!(", {skipped} skipped"));
    }
    if added > 0 {
        said.push_str("; `nlread fetch` brings their issues in");
    }
    let code = if skipped > 0 { EXIT_PARTIAL } else { EXIT_OK };
    match writeln!(out, "{said}") {
        Ok(()) => code,
        Err(e) => write_failed(e, code),
    }
}

/// `nlread feed export`: OPML 2.0 on `out`.
pub fn export(paths: &Paths, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let Some(text) = read_feeds(paths, err) else {
        return EXIT_FATAL;
    };
    let (subscribed, _) = feeds::parse(&text);
    let known = state::load(&paths.state)
        .map(|(s, _)| s)
        .unwrap_or_default();
    let with_titles: Vec<(Feed, Option<String>)> = subscribed
        .into_iter()
        .map(|f| {
            let title = known.feeds.get(&f.url).and_then(|s| s.title.clone());
            (f, title)
        })
        .collect();
    let document = opml::write(&with_titles, &opml::rfc822(crate::store::now_millis()));
    match out
        .write_all(document.as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => EXIT_OK,
        Err(e) => write_failed(e, EXIT_OK),
    }
}
