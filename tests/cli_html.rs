//! `nlread export` on an HTML newsletter: the built binary, run from outside.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn export_of_an_email_template_page() {
    let home = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html/email_table.html");
    let empty = home.path().join("empty.html");
    std::fs::write(&empty, "<html><body><style>p{}</style></body></html>").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_nlread"))
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .arg("export")
        .arg(&fixture)
        .arg(&empty)
        .output()
        .expect("nlread runs");
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    // The blank page is an error; the newsletter still exports.
    assert_eq!(output.status.code(), Some(1));
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["source"], empty.display().to_string());
    let issues = json["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue["title"], "Morning Brief: Rates hold, chips rally");
    let sections = issue["sections"].as_array().unwrap();
    let titles: Vec<&str> = sections
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Intro",
            "Rates hold steady",
            "Chip makers rally",
            "One more thing"
        ]
    );
    let rates = sections[1]["text"].as_str().unwrap();
    assert!(
        rates.contains("The big picture: inflation has cooled"),
        "{rates}"
    );
    assert!(
        !rates.contains("you will love"),
        "preheader leaked: {rates}"
    );
    assert_eq!(
        sections[1]["links"],
        serde_json::json!([{
            "text": "Full story",
            "url": "https://click.example.com/ls/click?upn=abc123"
        }])
    );
}
