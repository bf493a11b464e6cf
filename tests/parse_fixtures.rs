//! Golden snapshots of every plain-text fixture and bundled seed, parsed.
//!
//! A changed snapshot is a changed parse: review it with `cargo insta review`
//! (or INSTA_UPDATE=always and a diff) before accepting.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/outline.rs"]
mod support;

use nlread::model::Issue;
use nlread::parse::parse_bytes;
use std::path::{Path, PathBuf};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    out.sort();
    out
}

fn parse_file(path: &Path) -> Issue {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut issues = parse_bytes(&bytes, &name).unwrap();
    assert_eq!(issues.len(), 1, "{name}");
    issues.remove(0)
}

use support::outline;

#[test]
fn fixtures_and_seeds_match_their_snapshots() {
    let fixtures = files("tests/fixtures/plain");
    let seeds = files("seeds");
    // A lost fixture must fail, not silently shrink the suite.
    assert_eq!(fixtures.len(), 16, "fixtures: {fixtures:#?}");
    assert_eq!(seeds.len(), 3, "seeds: {seeds:#?}");
    for path in fixtures.iter().chain(&seeds) {
        let issue = parse_file(path);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, outline(&issue));
    }
}

#[test]
fn crlf_latin1_and_bom_copies_parse_the_same() {
    for path in files("tests/fixtures/plain").iter().chain(&files("seeds")) {
        let original = std::fs::read_to_string(path).unwrap();
        let want = parse_file(path);
        let crlf = original.replace('\n', "\r\n");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(crlf.as_bytes());
        let got = parse_bytes(&bom, &want.source).unwrap().remove(0);
        assert_eq!(got, want, "{}", path.display());
        // Text that fits Windows-1252 decodes back to the same characters.
        let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(&original);
        if !lossy {
            let got = parse_bytes(&cp1252, &want.source).unwrap().remove(0);
            assert_eq!(got, want, "windows-1252 copy of {}", path.display());
        }
    }
}
