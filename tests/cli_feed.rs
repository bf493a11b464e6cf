//! `nlread export` on feed and Markdown fixtures through the built binary:
//! one issue per feed item with its sections in order, and a broken feed
//! beside a good one reported in "errors" with exit status 1.

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
