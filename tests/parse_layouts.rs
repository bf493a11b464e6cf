//! The layout fixtures in tests/fixtures/layouts: for each layout of real
//! newsletters (see `layout` in EXPECTED.json), an issue of an invented
//! newsletter that reproduces its structure and traps with our own words.
//!
//! Every entry of EXPECTED.json is scored the way the real-corpus scorer
//! (`../shared/corpus/real/check.py`) scores a real issue: the expected story
//! titles found in order, at most one extra section with text (a preamble),
//! every phrase in the text of its story, the issue count, and the
//! newsletter, date and author where the layout gives them. An entry marked
//! `known_gap` is a layout the parser still splits wrong: it is reported by
//! name and does not fail the run, but fails once it passes, so the marker
//! goes when the fix lands. Every fixture's outline is also snapshotted, and
//! a CRLF copy of each must parse the same.
//!
//! `python3 ../shared/corpus/real/check.py target/release/nlread --manifest
//! tests/fixtures/layouts/EXPECTED.json` scores the same entries through the
//! binary's `export`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/outline.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use nlread::library::load_paths;
use nlread::model::{Issue, Section};
use nlread::parse::parse_bytes;
use regex::Regex;
use serde::Deserialize;

/// Fixtures in the folder: a lost one must fail, not shrink the suite.
const FIXTURES: usize = 38;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layouts")
}

/// The fixtures: every file and folder but EXPECTED.json, in name order.
fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "EXPECTED.json"))
        .collect();
    out.sort();
    out
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// One expected title, or a list of acceptable ones.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Title {
    One(String),
    Any(Vec<String>),
}

impl Title {
    fn alternatives(&self) -> Vec<&str> {
        match self {
            Title::One(t) => vec![t.as_str()],
            Title::Any(ts) => ts.iter().map(String::as_str).collect(),
        }
    }

    fn canonical(&self) -> &str {
        self.alternatives().first().copied().unwrap_or("")
    }
}

/// One scored issue; the fields follow the real corpus's manifest.json.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    /// The real-world layout the fixture reproduces.
    layout: String,
    newsletter: Option<String>,
    date: Option<String>,
    author: Option<String>,
    /// Scores the issue whose title contains this, in a file of many.
    issue_title: Option<String>,
    issue_count: Option<usize>,
    sections: Vec<Title>,
    /// Phrases, by index of the expected title, that its story must hold.
    #[serde(default)]
    must_contain: BTreeMap<String, Vec<String>>,
    /// Why the parser still gets this entry wrong (the lead removes it).
    known_gap: Option<String>,
    /// Why a CRLF copy of the file still gets other ids (on any entry of it).
    crlf_known_gap: Option<String>,
}

fn entries() -> Vec<Entry> {
    let text = std::fs::read_to_string(dir().join("EXPECTED.json")).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("EXPECTED.json: {e}"))
}

/// Parses a fixture as nlread does: a Maildir through the library loader,
/// anything else through `parse_bytes`.
fn parse(path: &Path) -> Result<Vec<Issue>, String> {
    if path.is_dir() {
        let library = load_paths(&[path.to_path_buf()]);
        return match library.errors.first() {
            Some(err) => Err(format!("{}: {}", err.source, err.message)),
            None => Ok(library.issues),
        };
    }
    let bytes = std::fs::read(path).unwrap();
    parse_bytes(&bytes, &name(path)).map_err(|e| e.to_string())
}

// Normalisation as in check.py: NFKC (approximated: the fixtures only need
// the ellipsis and non-breaking spaces folded), one kind of quote, collapsed
// whitespace, case folded.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{b4}' | '`' => {
                out.push('\'')
            }
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}'
            | '\u{bb}' => out.push('"'),
            '\u{2026}' => out.push_str("..."),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A title for comparing: folded, without a leading "1.", "2)", "#3", "1、".
fn norm_title(s: &str) -> String {
    static NUMBER: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^(?:#\s*\d{1,4}\s*|\d{1,4}\s*[.):、]\s*|\d{1,4}\s+)").unwrap()
    });
    NUMBER.replace(&fold(s), "").trim().to_string()
}

/// Text for finding phrases: folded, without '*' and '`'.
fn norm_text(s: &str) -> String {
    fold(&s.replace(['*', '`'], ""))
}

/// A name for comparing: letters and digits only.
fn norm_meta(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `needle` in `hay` as whole words: "c" is not in "contents".
fn contains_words(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(at, _)| {
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// 2 = exact, 1 = containment (check.py's `match_kind`), 0 = no match.
fn match_kind(produced: &str, expected: &Title) -> u32 {
    let p = norm_title(produced);
    let mut best = 0;
    for alt in expected.alternatives() {
        let e = norm_title(alt);
        if e.is_empty() || p.is_empty() {
            continue;
        }
        if p == e {
            return 2;
        }
        if contains_words(&p, &e) || (e.contains(&p) && p.split_whitespace().count() >= 4) {
            best = 1;
        }
    }
    best
}

/// The order-preserving alignment with the most matches (exact ones
/// preferred): expected index -> produced index.
fn align(produced: &[Section], expected: &[Title]) -> BTreeMap<usize, usize> {
    let (n, m) = (expected.len(), produced.len());
    let kinds: Vec<Vec<u32>> = expected
        .iter()
        .map(|e| produced.iter().map(|p| match_kind(&p.title, e)).collect())
        .collect();
    let mut best = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut b = best[i + 1][j].max(best[i][j + 1]);
            if kinds[i][j] > 0 {
                b = b.max(1000 + kinds[i][j] + best[i + 1][j + 1]);
            }
            best[i][j] = b;
        }
    }
    let mut out = BTreeMap::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let k = kinds[i][j];
        if k > 0 && best[i][j] == 1000 + k + best[i + 1][j + 1] {
            out.insert(i, j);
            i += 1;
            j += 1;
        } else if best[i][j] == best[i + 1][j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn has_text(s: &Section) -> bool {
    s.text().chars().any(char::is_alphanumeric)
}

#[derive(Default)]
struct Score {
    found: usize,
    extra: Vec<String>,
    placed: usize,
    phrases: usize,
    problems: Vec<String>,
}

fn score(issue: &Issue, entry: &Entry) -> Score {
    let mapping = align(&issue.sections, &entry.sections);
    let matched: BTreeSet<usize> = mapping.values().copied().collect();
    let mut sc = Score {
        found: mapping.len(),
        ..Score::default()
    };
    for (j, s) in issue.sections.iter().enumerate() {
        if !matched.contains(&j) && has_text(s) {
            sc.extra.push(s.title.clone());
        }
    }
    let missing: Vec<&str> = (0..entry.sections.len())
        .filter(|i| !mapping.contains_key(i))
        .map(|i| entry.sections[i].canonical())
        .collect();
    if !missing.is_empty() {
        sc.problems.push(format!("missing stories {missing:?}"));
    }
    if sc.extra.len() > 1 {
        sc.problems.push(format!(
            "{} extra sections with text {:?}",
            sc.extra.len(),
            sc.extra
        ));
    }
    for (key, phrases) in &entry.must_contain {
        let idx: usize = key
            .parse()
            .unwrap_or_else(|_| panic!("must_contain key {key:?}"));
        assert!(
            idx < entry.sections.len(),
            "{}: must_contain index {idx} out of range",
            entry.file
        );
        let want = entry.sections[idx].canonical();
        for phrase in phrases {
            sc.phrases += 1;
            let needle = norm_text(phrase);
            match mapping.get(&idx).map(|&j| &issue.sections[j]) {
                Some(s) if norm_text(&s.text()).contains(&needle) => sc.placed += 1,
                Some(_) => {
                    let found_in = issue
                        .sections
                        .iter()
                        .find(|s| norm_text(&s.text()).contains(&needle))
                        .map(|s| s.title.as_str());
                    sc.problems.push(format!(
                        "phrase {phrase:?} of {want:?} found in {}",
                        found_in.map_or("no section".to_string(), |t| format!("{t:?}"))
                    ));
                }
                None => {}
            }
        }
    }
    sc
}

fn loose_match(want: &str, got: Option<&str>) -> bool {
    let (w, g) = (norm_meta(want), norm_meta(got.unwrap_or("")));
    !g.is_empty() && (w.contains(&g) || g.contains(&w))
}

fn outline_of(issue: &Issue) -> String {
    let titles: Vec<String> = issue
        .sections
        .iter()
        .map(|s| match &s.group {
            Some(g) => format!("{g} › {}", s.title),
            None => s.title.clone(),
        })
        .collect();
    format!(
        "newsletter={:?} date={:?} author={:?} sections={titles:?}",
        issue.newsletter, issue.date, issue.author
    )
}

/// What is wrong with one entry (empty when it passes), and its score.
fn check(entry: &Entry, issues: &[Issue]) -> (Vec<String>, Score) {
    let mut problems = Vec::new();
    match entry.issue_count {
        Some(n) if issues.len() != n => {
            problems.push(format!("{} issues (want {n})", issues.len()))
        }
        None if entry.issue_title.is_none() && issues.len() != 1 => {
            problems.push(format!("{} issues (want 1)", issues.len()));
        }
        _ => {}
    }
    let candidates: Vec<&Issue> = match &entry.issue_title {
        Some(t) => {
            let want = norm_title(t);
            issues
                .iter()
                .filter(|i| norm_title(&i.title).contains(&want))
                .collect()
        }
        None => issues.iter().collect(),
    };
    let best = candidates
        .into_iter()
        .map(|i| (score(i, entry), i))
        .max_by_key(|(s, _)| (s.found, s.placed, std::cmp::Reverse(s.extra.len())));
    let Some((mut sc, issue)) = best else {
        problems.push(format!("no issue titled like {:?}", entry.issue_title));
        return (problems, Score::default());
    };
    problems.append(&mut sc.problems);
    let metas = [
        ("newsletter", &entry.newsletter, issue.newsletter.as_deref()),
        ("author", &entry.author, issue.author.as_deref()),
    ];
    for (what, want, got) in metas {
        if let Some(want) = want
            && !loose_match(want, got)
        {
            problems.push(format!("{what} {got:?} (want {want:?})"));
        }
    }
    if let Some(want) = &entry.date
        && issue.date.as_deref() != Some(want.as_str())
    {
        problems.push(format!("date {:?} (want {want:?})", issue.date));
    }
    if !problems.is_empty() {
        problems.push(format!("got {}", outline_of(issue)));
    }
    (problems, sc)
}

#[test]
fn layouts_split_as_a_reader_would() {
    let entries = entries();
    let on_disk: BTreeSet<String> = fixtures().iter().map(|p| name(p)).collect();
    let listed: BTreeSet<String> = entries.iter().map(|e| e.file.clone()).collect();
    assert_eq!(
        on_disk, listed,
        "every fixture needs an entry in EXPECTED.json, and every entry a fixture"
    );

    let (mut passed, mut gaps, mut failures) = (0, Vec::new(), Vec::new());
    let (mut found, mut expected, mut placed, mut phrases) = (0, 0, 0, 0);
    for entry in &entries {
        assert!(
            !entry.layout.trim().is_empty(),
            "{}: say which layout it reproduces",
            entry.file
        );
        let label = match &entry.issue_title {
            Some(t) => format!("{} [{t}]", entry.file),
            None => entry.file.clone(),
        };
        let (problems, sc) = match parse(&dir().join(&entry.file)) {
            Ok(issues) => check(entry, &issues),
            Err(err) => (vec![format!("parse error: {err}")], Score::default()),
        };
        expected += entry.sections.len();
        found += sc.found;
        phrases += entry.must_contain.values().map(Vec::len).sum::<usize>();
        placed += sc.placed;
        match (&entry.known_gap, problems.is_empty()) {
            (None, true) => passed += 1,
            (None, false) => {
                failures.push(format!("FAIL {label}:\n    {}", problems.join("\n    ")))
            }
            (Some(gap), false) => gaps.push(format!(
                "KNOWN GAP {label}: {gap}\n    {}",
                problems.join("\n    ")
            )),
            (Some(_), true) => failures.push(format!(
                "FIXED {label}: it passes now; remove its known_gap marker from EXPECTED.json"
            )),
        }
    }
    for line in gaps.iter().chain(&failures) {
        eprintln!("{line}");
    }
    eprintln!(
        "layouts: {} entries, {passed} passed, {} known gaps, {} failed; stories found {found} of {expected}, phrases placed {placed} of {phrases}",
        entries.len(),
        gaps.len(),
        failures.len(),
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn fixtures_match_their_snapshots() {
    let paths = fixtures();
    assert_eq!(paths.len(), FIXTURES, "{paths:#?}");
    for path in &paths {
        let issues = parse(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!issues.is_empty(), "{}", path.display());
        let text = if issues.len() == 1 {
            support::outline(&issues[0])
        } else {
            let n = issues.len();
            issues
                .iter()
                .enumerate()
                .map(|(i, issue)| {
                    format!(
                        "=== issue {} of {n} ===\n{}",
                        i + 1,
                        support::outline(issue)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        insta::assert_snapshot!(name(path).replace('.', "_"), text);
    }
}

/// The same bytes with LF and with CRLF line ends.
fn line_ends(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut lf = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            lf.push(b);
        }
    }
    let mut crlf = Vec::with_capacity(lf.len() + lf.len() / 20);
    for &b in &lf {
        if b == b'\n' {
            crlf.push(b'\r');
        }
        crlf.push(b);
    }
    (lf, crlf)
}

/// A copy of a Maildir with its messages rewritten by `convert`, loaded.
fn load_maildir_copy(src: &Path, convert: impl Fn(&[u8]) -> Vec<u8>) -> Vec<Issue> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(name(src));
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        for file in std::fs::read_dir(src.join(sub)).unwrap() {
            let file = file.unwrap().path();
            let bytes = std::fs::read(&file).unwrap();
            std::fs::write(root.join(sub).join(name(&file)), convert(&bytes)).unwrap();
        }
    }
    let mut issues = parse(&root).unwrap();
    for issue in &mut issues {
        issue.source = issue.source.replace(&tmp.path().display().to_string(), "");
    }
    issues
}

/// The issues with every id blanked: what a reader sees.
fn without_ids(issues: &[Issue]) -> Vec<Issue> {
    let mut issues = issues.to_vec();
    for issue in &mut issues {
        issue.id.clear();
        for s in &mut issue.sections {
            s.id.clear();
        }
    }
    issues
}

#[test]
fn crlf_copies_parse_the_same() {
    let gaps: BTreeMap<String, String> = entries()
        .into_iter()
        .filter_map(|e| Some((e.file, e.crlf_known_gap?)))
        .collect();
    let mut failures = Vec::new();
    for path in fixtures() {
        let file = name(&path);
        let (lf, crlf) = if path.is_dir() {
            (
                load_maildir_copy(&path, |b| line_ends(b).0),
                load_maildir_copy(&path, |b| line_ends(b).1),
            )
        } else {
            let (lf, crlf) = line_ends(&std::fs::read(&path).unwrap());
            (
                parse_bytes(&lf, &file).unwrap(),
                parse_bytes(&crlf, &file).unwrap(),
            )
        };
        // What a reader sees must not depend on line ends at all.
        let (a, b) = (without_ids(&lf), without_ids(&crlf));
        assert_eq!(
            a.len(),
            b.len(),
            "{file}: the CRLF copy has another number of issues"
        );
        for (a, b) in a.iter().zip(&b) {
            assert_eq!(a, b, "{file}: the CRLF copy parses differently");
        }
        // Nor may the ids that reading marks are kept under.
        match (gaps.get(&file), lf == crlf) {
            (None, true) => {}
            (None, false) => failures.push(format!(
                "{file}: the CRLF copy gets other issue and story ids"
            )),
            (Some(gap), false) => eprintln!("KNOWN GAP {file} (CRLF): {gap}"),
            (Some(_), true) => failures.push(format!(
                "FIXED {file}: a CRLF copy keeps its ids now; remove its crlf_known_gap marker"
            )),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_scoring_rules_match_check_py() {
    // Leading numbers go from both sides; containment is by whole words.
    let one = |t: &str| Title::One(t.to_string());
    assert_eq!(
        norm_title("4. A court says… not..."),
        "a court says... not..."
    );
    assert_eq!(norm_title("#3 Kettle"), "kettle");
    assert_eq!(norm_title("12) Hello"), "hello");
    assert_eq!(norm_title("1、活动"), "活动");
    assert_eq!(norm_title("2024 review"), "review");
    assert_eq!(
        match_kind("1 big thing: The tide flats", &one("The tide flats")),
        1
    );
    assert_eq!(match_kind("Contents", &one("C")), 0);
    assert_eq!(match_kind("Cargo", &one("cargo")), 2);
    // A short produced title inside a long expected one is not a match.
    assert_eq!(match_kind("Jobs", &one("Jobs at Harbourline")), 0);
    assert_eq!(
        match_kind(
            "Jobs at the harbour today",
            &one("Jobs at the harbour today and tomorrow")
        ),
        1
    );
    assert_eq!(
        norm_text("**Bold** `code` \u{201c}quoted\u{201d}"),
        "bold code \"quoted\""
    );
    assert!(loose_match(
        "The Relay",
        Some("The Relay @ Northwind Robotics")
    ));
    assert!(!loose_match("Lattice", Some("Freight Lines")));
    assert!(!loose_match("Lattice", None));
    let (lf, crlf) = line_ends(b"a\r\nb\nc");
    assert_eq!(
        (lf.as_slice(), crlf.as_slice()),
        (&b"a\nb\nc"[..], &b"a\r\nb\r\nc"[..])
    );
}
