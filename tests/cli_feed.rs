//! `nlread export` on feed and Markdown fixtures through the built binary:
//! one issue per feed item with its sections in order, and a broken feed
//! beside a good one reported in "errors" with exit status 1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// `nlread export PATHS` with its home, data, config and cache inside `home`.
fn export(home: &Path, paths: &[PathBuf]) -> (Value, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_nlread"))
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .arg("export")
        .args(paths)
        .output()
        .expect("nlread runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "no JSON ({err}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (json, output.status.code())
}

fn titles(sections: &Value) -> Vec<String> {
    sections
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_good_feed_beside_a_broken_one_exports_with_status_1() {
    let home = tempfile::tempdir().unwrap();
    let good = fixture("feed/rss-content-encoded.xml");
    let broken = fixture("feed/broken-truncated.xml");
    let (json, code) = export(home.path(), &[good.clone(), broken.clone()]);
    assert_eq!(code, Some(1));

    let issues = json["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 2, "{issues:#?}");
    assert_eq!(issues[0]["title"], "Ferry timetable changes");
    assert_eq!(issues[0]["newsletter"], "Harbor Notes");
    assert_eq!(issues[0]["date"], "2025-10-07");
    assert_eq!(
        titles(&issues[0]["sections"]),
        ["New winter schedule", "Pier repairs"]
    );
    let first = issues[0]["sections"][0]["text"].as_str().unwrap();
    assert!(first.contains("early ferry leaves at 6:40"), "{first}");
    let second = issues[0]["sections"][1]["text"].as_str().unwrap();
    assert!(second.contains("North pier closed"), "{second}");
    assert_eq!(issues[1]["title"], "Market day & music");

    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["source"], broken.display().to_string());
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn markdown_exports_its_stories_and_links() {
    let home = tempfile::tempdir().unwrap();
    let md = fixture("markdown/weekly-digest.md");
    let (json, code) = export(home.path(), &[md]);
    assert_eq!(code, Some(0));
    let issues = json["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        titles(&issues[0]["sections"]),
        [
            "Intro",
            "Cheap sensors are getting good",
            "How they were tested",
            "Soldering, step by step",
            "Reader question"
        ]
    );
    let links = &issues[0]["sections"][2]["links"];
    assert_eq!(links[0]["text"], "small server");
    assert_eq!(links[0]["url"], "https://example.org/logger");
}

/// `nlread ARGS` with its home, data, config and cache inside `home`.
fn nlread(home: &Path, args: &[&str], paths: &[PathBuf]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nlread"))
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .args(args)
        .args(paths)
        .output()
        .expect("nlread runs")
}

#[test]
fn every_feed_item_keeps_its_web_address_as_url() {
    let home = tempfile::tempdir().unwrap();
    let feeds = [
        fixture("feed/rss-content-encoded.xml"),
        fixture("feed/atom-html.xml"),
        fixture("feed/json-feed.json"),
    ];
    let (json, code) = export(home.path(), &feeds);
    assert_eq!(code, Some(0));
    let urls: Vec<(&str, &str)> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap(),
                i["url"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // RSS <link>, Atom's alternate link, JSON Feed's url; none when the
    // item has none.
    for expected in [
        (
            "Ferry timetable changes",
            "https://harbor.example/2025/ferry",
        ),
        ("Launch window opens", "https://orbit.example/launch"),
        ("Planting garlic in autumn", "https://garden.example/17"),
        ("Telescope mirror arrives", ""),
    ] {
        assert!(urls.contains(&expected), "{expected:?} in {urls:?}");
    }
}

/// A feed as it was on `day`: the ferry item (same GUID) with that day's
/// text, and a second item only the newer copy has.
fn snapshot(day: u32, newer_item: bool) -> String {
    let extra = if newer_item {
        "<item><title>Harbour lights</title><link>https://harbor.example/lights</link>\
         <pubDate>Wed, 08 Oct 2025 07:30:00 +0000</pubDate>\
         <description>&lt;p&gt;The lights are back on the quay.&lt;/p&gt;</description></item>"
    } else {
        ""
    };
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbor Notes</title>\
         <link>https://harbor.example/</link>{extra}\
         <item><title>Ferry timetable changes</title><link>https://harbor.example/2025/ferry</link>\
         <guid isPermaLink=\"false\">harbor-2025-10</guid><pubDate>Tue, 07 Oct 2025 07:30:00 +0000</pubDate>\
         <description>&lt;p&gt;The early ferry leaves at 6:{day:02}, edition {day}.&lt;/p&gt;</description></item>\
         </channel></rss>\n"
    )
}

#[test]
fn one_item_in_two_snapshots_of_a_feed_is_listed_once_from_the_newer() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("feeds");
    std::fs::create_dir_all(&dir).unwrap();
    let old = dir.join("harbor-monday.xml");
    let new = dir.join("harbor-tuesday.xml");
    std::fs::write(&old, snapshot(40, false)).unwrap();
    std::fs::write(&new, snapshot(45, true)).unwrap();
    // The newer copy is the file changed last.
    let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(earlier)
        .unwrap();

    let (json, code) = export(home.path(), std::slice::from_ref(&dir));
    assert_eq!(code, Some(0));
    let issues = json["issues"].as_array().unwrap();
    let ferries: Vec<&Value> = issues
        .iter()
        .filter(|i| i["title"] == "Ferry timetable changes")
        .collect();
    assert_eq!(ferries.len(), 1, "{issues:#?}");
    let text = ferries[0]["sections"][0]["text"].as_str().unwrap();
    assert!(text.contains("edition 45"), "the newer copy wins: {text}");
    assert_eq!(issues.len(), 2, "the newer item too: {issues:#?}");

    // search and list see one copy too.
    let out = nlread(
        home.path(),
        &["search", "--json", "ferry"],
        std::slice::from_ref(&dir),
    );
    let hits: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits:#?}");
    let out = nlread(home.path(), &["list", "--json"], std::slice::from_ref(&dir));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["issues"].as_array().unwrap().len(), 2, "{listed:#?}");
}

#[test]
fn one_email_in_an_mbox_and_as_a_file_is_listed_once() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("mail");
    std::fs::create_dir_all(&dir).unwrap();
    let message = "From: Harbor Notes <notes@harbor.example>\nSubject: Ferry news\n\
                   Message-ID: <ferry-1@harbor.example>\nDate: Tue, 07 Oct 2025 07:30:00 +0000\n\n\
                   The early ferry leaves at 6:40 from November onwards, twenty minutes later.\n";
    std::fs::write(dir.join("ferry.eml"), message).unwrap();
    std::fs::write(
        dir.join("box.mbox"),
        format!("From notes@harbor.example Tue Oct  7 07:30:00 2025\n{message}\n"),
    )
    .unwrap();
    let (json, _) = export(home.path(), std::slice::from_ref(&dir));
    let issues = json["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{issues:#?}");
}
