//! `nlread export` on the email fixtures: a Maildir, an mbox, and a folder
//! holding broken messages beside good ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/email")
        .join(name)
}

/// The binary with every folder it may touch inside `home`.
fn export(paths: &[PathBuf]) -> (Value, Option<i32>) {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_nlread"))
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .arg("export")
        .args(paths)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    (json, output.status.code())
}

fn issue_titles(json: &Value) -> Vec<String> {
    json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

fn section_titles(issue: &Value) -> Vec<&str> {
    issue["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect()
}

#[test]
fn export_of_a_maildir_has_its_cur_and_new_messages() {
    let (json, code) = export(&[fixture("maildir")]);
    assert_eq!(code, Some(0));
    // Newest first.
    assert_eq!(
        issue_titles(&json),
        ["Metro Wire: the new tram line", "Metro Wire: budget day"]
    );
    let first = &json["issues"][0];
    assert_eq!(first["newsletter"], "Metro Wire");
    assert_eq!(first["date"], "2024-11-01");
    assert_eq!(section_titles(first), ["Tram line opens", "Bike lanes"]);
    assert_eq!(json["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn export_of_an_mbox_has_one_issue_per_message() {
    let (json, code) = export(&[fixture("three.mbox")]);
    assert_eq!(code, Some(0));
    assert_eq!(
        issue_titles(&json),
        [
            "Orbit Desk #43: panels",
            "Orbit Desk #42: the booster lands",
            "Orbit Desk #41: a quiet week"
        ]
    );
    assert_eq!(
        section_titles(&json["issues"][2]),
        ["A quiet launch week", "Letters", "Next week"]
    );
}

#[test]
fn broken_messages_are_errors_and_the_rest_exports() {
    let (json, code) = export(&[fixture("")]);
    assert_eq!(code, Some(1));
    assert_eq!(issue_titles(&json).len(), 8);
    let errors: Vec<(String, String)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let source = e["source"].as_str().unwrap();
            let name = Path::new(source).file_name().unwrap().to_string_lossy();
            (
                name.into_owned(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "no_body.eml".to_string(),
                "the message has no text or HTML body".to_string()
            ),
            (
                "truncated.eml".to_string(),
                "the message ends inside its headers; it looks truncated".to_string()
            ),
        ]
    );
}
