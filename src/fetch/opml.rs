//! OPML, the file feed readers trade subscriptions in: reading one (every
//! outline with an `xmlUrl`, however deeply nested in folders) and writing
//! OPML 2.0. Pure: text in, feeds out, and back.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::feeds::Feed;

/// Why a file is no OPML nlread can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpmlError {
    #[error("not readable XML: {0}")]
    Xml(String),
    #[error("not an OPML file (its root is <{0}>, not <opml>)")]
    NotOpml(String),
}

/// One subscription of an OPML file: its address, its title and the
/// folders it sits in (outer first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub url: String,
    pub title: Option<String>,
    pub folders: Vec<String>,
}

/// Every outline with an `xmlUrl`, in document order. Outlines without
/// one are folders: their `text` (or `title`) is kept as the folder of
/// what they hold.
pub fn parse(text: &str) -> Result<Vec<Outline>, OpmlError> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    // The open outlines: Some(folder name) for a folder, None for a feed
    // outline written with children.
    let mut open: Vec<Option<String>> = Vec::new();
    let mut root_seen = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| OpmlError::Xml(format!("{e} (at byte {})", reader.error_position())))?;
        let (start, empty) = match &event {
            Event::Start(s) => (Some(s.clone()), false),
            Event::Empty(s) => (Some(s.clone()), true),
            Event::End(e) => {
                if e.local_name().as_ref() == "outline" {
                    open.pop();
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(start) = start else { continue };
        let name = start.local_name();
        if !root_seen {
            root_seen = true;
            if name.as_ref() != "opml" {
                return Err(OpmlError::NotOpml(name.as_ref().to_string()));
            }
            continue;
        }
        if name.as_ref() != "outline" {
            continue;
        }
        let mut url = None;
        let mut text_attr = None;
        let mut title_attr = None;
        for attr in start.attributes().flatten() {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.trim().to_string())
                .unwrap_or_default();
            if value.is_empty() {
                continue;
            }
            // OPML files in the wild spell it xmlUrl, xmlurl and XMLURL.
            match attr.key.local_name().as_ref().to_ascii_lowercase().as_str() {
                "xmlurl" => url = Some(value),
                "text" => text_attr = Some(value),
                "title" => title_attr = Some(value),
                _ => {}
            }
        }
        let title = title_attr.or(text_attr).map(|t| crate::text::sanitize(&t));
        match url {
            Some(url) => {
                out.push(Outline {
                    url,
                    title,
                    folders: open.iter().flatten().cloned().collect(),
                });
                if !empty {
                    open.push(None);
                }
            }
            None if !empty => open.push(title),
            None => {}
        }
    }
    if !root_seen {
        return Err(OpmlError::Xml("the file holds no XML element".into()));
    }
    Ok(out)
}

/// The subscriptions as an OPML 2.0 document, one outline per feed.
pub fn write(feeds: &[(Feed, Option<String>)], created: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>nlread subscriptions</title>\n",
    );
    out.push_str(&format!(
        "    <dateCreated>{}</dateCreated>\n  </head>\n  <body>\n",
        escape(created)
    ));
    for (feed, title) in feeds {
        let name = feed.shown_name(title.as_deref());
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{url}\"/>\n",
            name = escape(&name),
            url = escape(&feed.url),
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// Text for an XML attribute or element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' | '\t' => out.push(' '),
            // Not allowed in XML 1.0 at all.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An RFC 822 date for `dateCreated`, from milliseconds since the epoch.
pub fn rfc822(millis: u64) -> String {
    let secs = millis / 1000;
    let days = secs / 86_400;
    let (h, m, s) = ((secs % 86_400) / 3600, (secs % 3600) / 60, secs % 60);
    // 1970-01-01 was a Thursday.
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d) = civil(days);
    format!(
        "{}, {d:02} {} {y} {h:02}:{m:02}:{s:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(mo - 1) as usize]
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's
/// civil-from-days).
pub(crate) fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape feed readers export: a head, folders of outlines (text
    /// and title, type, htmlUrl), an entity in a title, a feed at the top.
    const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions from a reader</title></head>
  <body>
    <outline text="Tech" title="Tech">
      <outline type="rss" text="Orbit Desk" title="Orbit Desk" xmlUrl="https://orbit.example/feed" htmlUrl="https://orbit.example/"/>
      <outline text="Deep">
        <outline type="rss" text="Tides &amp; Currents" xmlUrl="https://tide.example/rss"/>
      </outline>
    </outline>
    <outline type="rss" text="Lantern" xmlurl="https://lantern.example/feed.xml"/>
    <outline text="Empty folder"/>
  </body>
</opml>
"#;

    #[test]
    fn nested_folders_titles_and_spellings_are_read() {
        let outlines = parse(EXPORT).expect("opml");
        assert_eq!(
            outlines,
            vec![
                Outline {
                    url: "https://orbit.example/feed".into(),
                    title: Some("Orbit Desk".into()),
                    folders: vec!["Tech".into()],
                },
                Outline {
                    url: "https://tide.example/rss".into(),
                    title: Some("Tides & Currents".into()),
                    folders: vec!["Tech".into(), "Deep".into()],
                },
                Outline {
                    url: "https://lantern.example/feed.xml".into(),
                    title: Some("Lantern".into()),
                    folders: vec![],
                },
            ]
        );
    }

    #[test]
    fn what_is_written_reads_back() {
        let feeds = vec![
            (
                Feed {
                    url: "https://a.example/feed?x=1&y=2".into(),
                    name: Some("A <&> \"B\"".into()),
                },
                None,
            ),
            (
                Feed {
                    url: "https://b.example/rss".into(),
                    name: None,
                },
                Some("B's own title".to_string()),
            ),
        ];
        let text = write(&feeds, &rfc822(0));
        assert!(text.contains("<opml version=\"2.0\">"), "{text}");
        assert!(text.contains("<dateCreated>Thu, 01 Jan 1970 00:00:00 GMT</dateCreated>"));
        let back = parse(&text).expect("reads back");
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].url, "https://a.example/feed?x=1&y=2");
        assert_eq!(back[0].title.as_deref(), Some("A <&> \"B\""));
        assert_eq!(back[1].title.as_deref(), Some("B's own title"));
    }

    #[test]
    fn other_files_are_refused() {
        assert!(matches!(parse("<rss><channel/></rss>"), Err(OpmlError::NotOpml(r)) if r == "rss"));
        assert!(matches!(
            parse("<opml><body><outline></body>"),
            Err(OpmlError::Xml(_))
        ));
        assert!(parse("just text").is_err());
        assert_eq!(rfc822(1_713_268_800_000), "Tue, 16 Apr 2024 12:00:00 GMT");
    }
}
