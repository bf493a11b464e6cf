//! OPML import of the shape feed readers export (nested folders, xmlUrl,
//! titles, entities) and an export that imports back to the same
//! subscriptions.

use std::fs;

use crate::{Home, text};

/// The shape of a real reader's export: folders within folders, `text`
/// and `title`, `htmlUrl`, an entity, a folder with no feed, a feed at the
/// top level and one this cannot fetch.
const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head>
    <title>Feeds exported from a reader</title>
    <dateCreated>Mon, 14 Apr 2025 09:12:00 GMT</dateCreated>
  </head>
  <body>
    <outline text="Newsletters" title="Newsletters">
      <outline type="rss" text="Orbit Desk" title="Orbit Desk" xmlUrl="https://orbit.example/feed" htmlUrl="https://orbit.example/"/>
      <outline text="Weekly">
        <outline type="rss" text="Tides &amp; Currents" title="Tides &amp; Currents" xmlUrl="https://tide.example/rss?format=xml&amp;full=1"/>
        <outline type="rss" text="Lantern Notes" xmlUrl="https://lantern.example/feed.xml"></outline>
      </outline>
      <outline text="Empty folder"/>
    </outline>
    <outline type="rss" text="Loose feed" xmlUrl="https://loose.example/atom.xml"/>
    <outline type="rss" text="Old gopher" xmlUrl="gopher://old.example/feed"/>
  </body>
</opml>
"#;

#[test]
fn a_readers_export_is_imported_and_exported_back() {
    let home = Home::new();
    let file = home.dir.path().join("export.opml");
    fs::write(&file, EXPORT).expect("opml");
    home.subscribe("https://lantern.example/feed.xml", "My lantern");

    let out = home.nlread(&["feed", "import", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1), "one skipped");
    assert_eq!(
        text(&out.stdout),
        "3 feeds added, 1 already subscribed, 1 skipped; `nlread fetch` brings their issues in\n"
    );
    assert!(
        text(&out.stderr)
            .contains("skipped: \"gopher://old.example/feed\" is not an http or https address")
    );

    let out = home.nlread(&["feed", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let pairs: Vec<(String, String)> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().into(),
                r["url"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (
                "My lantern".to_string(),
                "https://lantern.example/feed.xml".to_string()
            ),
            ("Orbit Desk".into(), "https://orbit.example/feed".into()),
            (
                "Tides & Currents".into(),
                "https://tide.example/rss?format=xml&full=1".into()
            ),
            ("Loose feed".into(), "https://loose.example/atom.xml".into()),
        ]
    );

    // Export, then import into an empty home: the same subscriptions.
    let out = home.nlread(&["feed", "export"]);
    assert!(out.status.success());
    let exported = text(&out.stdout);
    assert!(exported.contains("<opml version=\"2.0\">"), "{exported}");
    assert!(exported.contains("xmlUrl=\"https://tide.example/rss?format=xml&amp;full=1\""));
    let other = Home::new();
    let file = other.dir.path().join("back.opml");
    fs::write(&file, &exported).expect("write");
    let out = other.nlread(&["feed", "import", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&other.nlread(&["feed", "list", "--json"]).stdout),
        text(&home.nlread(&["feed", "list", "--json"]).stdout)
    );

    for (content, said) in [
        (
            "<rss><channel/></rss>",
            "not an OPML file (its root is <rss>, not <opml>)",
        ),
        ("<opml><body><outline></body>", "not readable XML"),
    ] {
        fs::write(&file, content).expect("write");
        let out = other.nlread(&["feed", "import", file.to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(said), "{}", text(&out.stderr));
    }
}
