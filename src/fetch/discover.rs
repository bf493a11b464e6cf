//! What a fetched answer is: a feed, or a web page (and then the feed it
//! names in its `<link rel="alternate">`, as browsers and feed readers
//! find it). Pure.

/// True when the answer is an HTML page rather than a feed: said so by its
/// Content-Type, or it starts like one.
pub fn is_html(body: &[u8], content_type: Option<&str>) -> bool {
    let said = content_type
        .map(|t| t.to_ascii_lowercase())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/xhtml"));
    let head: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    let looks = head.starts_with(b"<!doctype html")
        || head.starts_with(b"<html")
        || (head.starts_with(b"<!--") && memchr::memmem::find(&head, b"<html").is_some());
    // A feed served as text/html happens: the body decides when it is XML.
    let feed_like = head.starts_with(b"<?xml")
        || head.starts_with(b"<rss")
        || head.starts_with(b"<feed")
        || head.starts_with(b"{");
    looks || (said && !feed_like)
}

/// The feeds a web page names (`<link rel="alternate" type="application/
/// rss+xml" href="...">`, Atom and JSON Feed too), as absolute addresses.
pub fn feed_links(page: &[u8], base: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(&page[..page.len().min(1 << 20)]);
    let html = scraper::Html::parse_document(&text);
    let Ok(selector) = scraper::Selector::parse("link[rel][type][href]") else {
        return Vec::new();
    };
    let base = url::Url::parse(base).ok();
    let mut found = Vec::new();
    for link in html.select(&selector) {
        let attr = |name: &str| {
            link.value()
                .attr(name)
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        };
        let rel = attr("rel");
        let kind = attr("type");
        let is_feed = matches!(
            kind.as_str(),
            "application/rss+xml" | "application/atom+xml" | "application/feed+json"
        );
        if !rel.split_whitespace().any(|r| r == "alternate") || !is_feed {
            continue;
        }
        let href = link.value().attr("href").unwrap_or("").trim();
        let absolute = match &base {
            Some(base) => base.join(href).ok(),
            None => url::Url::parse(href).ok(),
        };
        if let Some(url) = absolute.filter(|u| matches!(u.scheme(), "http" | "https")) {
            let url = url.to_string();
            if !found.contains(&url) {
                found.push(url);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_told_from_feeds() {
        assert!(is_html(b"<!DOCTYPE html><html></html>", None));
        assert!(is_html(b"\n  <html lang=en>", Some("text/plain")));
        assert!(is_html(b"hello", Some("text/html; charset=utf-8")));
        assert!(!is_html(
            b"<?xml version=\"1.0\"?><rss/>",
            Some("text/html")
        ));
        assert!(!is_html(b"<rss version=\"2.0\">", None));
        assert!(!is_html(
            b"{\"version\": \"https://jsonfeed.org/version/1.1\"}",
            None
        ));
    }

    #[test]
    fn a_page_names_its_feeds() {
        let page = br#"<html><head>
            <link rel="stylesheet" type="text/css" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed">
            <link rel="Alternate" type="application/atom+xml" href="https://a.example/atom.xml">
            <link rel="alternate" type="application/rss+xml" href="/feed">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body>Hi</body></html>"#;
        assert_eq!(
            feed_links(page, "https://a.example/blog/"),
            vec!["https://a.example/feed", "https://a.example/atom.xml"]
        );
        assert!(feed_links(b"<html></html>", "https://a.example/").is_empty());
    }
}
