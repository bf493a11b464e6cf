//! `nlread add`, `nlread list` and `nlread search` run as the built binary,
//! with HOME and the XDG folders in a temporary directory so the user's real
//! library and reading state are never touched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/library")
        .join(name)
}

/// The binary with a home, data, config and cache folder inside `home`.
fn nlread(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nlread"));
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("NO_COLOR")
        .env_remove("RUST_BACKTRACE");
    cmd
}

fn run(home: &Path, args: &[&str], paths: &[&Path]) -> Output {
    nlread(home)
        .args(args)
        .args(paths)
        .output()
        .expect("nlread runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn library(home: &Path) -> PathBuf {
    home.join("data/nlread/library")
}

/// The names in the library folder, sorted.
fn library_files(home: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(library(home))
        .expect("library folder exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {}\nstderr: {}",
            stdout(output),
            stderr(output)
        )
    })
}

#[test]
fn add_copies_once_and_never_overwrites_a_different_file() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let src = home.join("src");
    fs::create_dir_all(&src).unwrap();
    let renamed = src.join("renamed-copy.txt");
    fs::copy(fixture("tidepool.txt"), &renamed).unwrap();

    let first = run(home, &["add"], &[&fixture("tidepool.txt")]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let text = stdout(&first);
    assert!(text.contains(": added as tidepool.txt (1 issue)"), "{text}");
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("1 added, 0 already in the library, 0 skipped")
    );
    assert_eq!(library_files(home), ["tidepool.txt"]);
    assert_eq!(
        fs::read(library(home).join("tidepool.txt")).unwrap(),
        fs::read(fixture("tidepool.txt")).unwrap()
    );

    let again = run(home, &["add"], &[&fixture("tidepool.txt"), &renamed]);
    assert_eq!(again.status.code(), Some(0));
    let text = stdout(&again);
    assert_eq!(
        text.matches("already in the library (as tidepool.txt)")
            .count(),
        2,
        "{text}"
    );
    assert_eq!(library_files(home), ["tidepool.txt"]);

    let other = run(home, &["add"], &[&fixture("other/tidepool.txt")]);
    assert_eq!(other.status.code(), Some(0));
    assert!(
        stdout(&other).contains("added as tidepool-2.txt"),
        "{}",
        stdout(&other)
    );
    assert_eq!(library_files(home), ["tidepool-2.txt", "tidepool.txt"]);
    assert_eq!(
        fs::read(library(home).join("tidepool.txt")).unwrap(),
        fs::read(fixture("tidepool.txt")).unwrap(),
        "the first file is untouched"
    );
    assert_eq!(
        fs::read(library(home).join("tidepool-2.txt")).unwrap(),
        fs::read(fixture("other/tidepool.txt")).unwrap()
    );
}

#[test]
fn add_takes_an_mbox_whole_and_a_maildir_message_by_message() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let out = run(
        home,
        &["add"],
        &[&fixture("lantern.mbox"), &fixture("maildir")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("added as lantern.mbox (2 issues)"), "{text}");
    assert_eq!(
        text.lines().count(),
        4,
        "three sources and a summary: {text}"
    );
    assert_eq!(
        library_files(home),
        [
            "1744700000.M1P7.host_2,S.eml",
            "1745300000.M2P7.host.eml",
            "lantern.mbox"
        ]
    );
    assert_eq!(
        fs::read(library(home).join("lantern.mbox")).unwrap(),
        fs::read(fixture("lantern.mbox")).unwrap()
    );
    // The library now opens with all four issues, not the samples.
    let list = json(&run(home, &["list", "--json"], &[]));
    let titles: Vec<&str> = list["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert!(titles.contains(&"Orchard Post: grafting"), "{titles:?}");
    assert!(titles.contains(&"Lantern Notes: kite day"), "{titles:?}");
}

#[test]
fn add_skips_what_it_cannot_read_and_says_why() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let empty = home.join("empty.txt");
    let binary = home.join("photo.txt");
    fs::write(&empty, "").unwrap();
    fs::write(
        &binary,
        [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0, 0xff, 0xfe],
    )
    .unwrap();
    let out = run(home, &["add"], &[&empty, &fixture("lantern.md"), &binary]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("{}: skipped: the file is empty", empty.display())
    );
    assert!(
        lines[1].ends_with("added as lantern.md (1 issue)"),
        "{text}"
    );
    assert_eq!(
        lines[2],
        format!(
            "{}: skipped: this looks like a binary file, not a newsletter",
            binary.display()
        )
    );
    assert!(lines[3].starts_with("1 added, 0 already in the library, 2 skipped"));
    assert_eq!(library_files(home), ["lantern.md"]);
}

#[test]
fn a_dry_run_copies_nothing() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let out = run(
        home,
        &["add", "--dry-run"],
        &[&fixture("tidepool.txt"), &fixture("other/tidepool.txt")],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("would be added as tidepool.txt"), "{text}");
    assert!(text.contains("would be added as tidepool-2.txt"), "{text}");
    assert!(!library(home).exists());
}

#[test]
fn a_library_folder_that_cannot_be_made_is_fatal() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // A file where the data folder should be.
    fs::write(home.join("data"), "not a folder").unwrap();
    let out = run(home, &["add"], &[&fixture("tidepool.txt")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("could not be created"),
        "{}",
        stderr(&out)
    );
}

/// Adds the tidepool issue and the mbox, and returns the stories' ids by title.
fn small_library(home: &Path) -> Vec<(String, String)> {
    let out = run(
        home,
        &["add"],
        &[&fixture("tidepool.txt"), &fixture("lantern.mbox")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let list = json(&run(home, &["list", "--json"], &[]));
    list["issues"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["sections"].as_array().unwrap())
        .map(|s| {
            (
                s["title"].as_str().unwrap().to_string(),
                s["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Marks as the reader saves them: (section id, read, starred, when), in
/// the reading-state database.
fn save_marks(home: &Path, marks: &[(&str, bool, bool, u64)]) {
    use nlread::store::StateStore;
    let mut db = nlread::db::state::StateDb::new(home.join("data/nlread/nlread-state.db"), None);
    let (mut state, _) = db.load();
    let mut changed = std::collections::HashSet::new();
    for (id, read, starred, at) in marks {
        state.stories.insert(
            id.to_string(),
            nlread::model::Mark {
                read: *read,
                starred: *starred,
                at: *at,
            },
        );
        changed.insert(id.to_string());
    }
    db.save(&mut state, &changed).expect("saved");
}

fn id_of<'a>(ids: &'a [(String, String)], title: &str) -> &'a str {
    &ids.iter()
        .find(|(t, _)| t == title)
        .unwrap_or_else(|| panic!("no story {title:?} in {ids:?}"))
        .1
}

#[test]
fn list_shows_the_tree_and_follows_the_reading_state() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let ids = small_library(home);
    let before = run(home, &["list"], &[]);
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    assert_eq!(
        stdout(&before),
        "2025-04-16  Lantern Notes: kite day  (2 unread)\n\
         \x20 ├─ N  Kite day\n\
         \x20 └─ N  Lost and found\n\
         2025-04-09  Lantern Notes: bridge repairs  (2 unread)\n\
         \x20 ├─ N  Bridge repairs\n\
         \x20 └─ N  Choir practice\n\
         2025-03-04  The Tidepool Letter: Kelp forests return  (3 unread)\n\
         \x20 ├─ N  Kelp forests return\n\
         \x20 ├─ N  A quiet harbour\n\
         \x20 └─ N  Crab census\n\
         3 issues, 7 stories: 7 unread, 0 starred  (N unread, * starred)\n"
    );

    // What the reader saves: one story read, another starred.
    save_marks(
        home,
        &[
            (id_of(&ids, "A quiet harbour"), true, false, 10),
            (id_of(&ids, "Kite day"), false, true, 11),
        ],
    );
    let after = stdout(&run(home, &["list"], &[]));
    assert!(after.contains("Kelp forests return  (2 unread)"), "{after}");
    assert!(after.contains("  ├─    A quiet harbour\n"), "{after}");
    assert!(after.contains("  ├─ N* Kite day\n"), "{after}");
    assert!(
        after.contains("Lantern Notes: kite day  (2 unread)"),
        "{after}"
    );
    assert!(after.contains("7 stories: 6 unread, 1 starred"), "{after}");

    let list = json(&run(home, &["list", "--json"], &[]));
    let tide = &list["issues"][2];
    assert_eq!(tide["title"], "Kelp forests return");
    assert_eq!(tide["unread"], 2);
    assert_eq!(tide["sections"][1]["read"], true);
    assert_eq!(tide["sections"][1]["starred"], false);
    assert_eq!(list["issues"][0]["sections"][0]["starred"], true);
}

#[test]
fn a_damaged_state_file_is_reported_and_list_still_works() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    small_library(home);
    // The database the reading state moved into, damaged.
    fs::write(
        home.join("data/nlread/nlread-state.db"),
        "{\"version\": 1, \"sto",
    )
    .unwrap();
    let out = run(home, &["list"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
    assert!(stdout(&out).contains("(3 unread)"));
}

#[test]
fn search_prints_the_story_and_its_matching_line() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let ids = small_library(home);
    let out = run(home, &["search", "ferry"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Both stories that mention a ferry, the reader's order, no marks in a pipe.
    assert_eq!(
        stdout(&out),
        "2025-04-16  Lantern Notes: kite day › Lost and found\n\
         \x20   A blue umbrella waits at the ferry office for its owner.\n\
         2025-03-04  Kelp forests return › A quiet harbour\n\
         \x20   The ferry timetable changed on Monday and nobody on the island noticed for a week.\n"
    );

    let limited = stdout(&run(home, &["search", "--limit", "1", "ferry"], &[]));
    assert_eq!(limited.lines().count(), 2, "{limited}");

    save_marks(home, &[(id_of(&ids, "A quiet harbour"), true, true, 5)]);
    let hits = json(&run(home, &["search", "--json", "timetable"], &[]));
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    let source = library(home).join("tidepool.txt");
    assert_eq!(hit["source"], source.display().to_string());
    assert_eq!(hit["newsletter"], "The Tidepool Letter");
    assert_eq!(hit["date"], "2025-03-04");
    assert_eq!(hit["issue_title"], "Kelp forests return");
    assert_eq!(hit["section_id"], id_of(&ids, "A quiet harbour"));
    assert_eq!(hit["section_title"], "A quiet harbour");
    assert_eq!(
        hit["line"],
        "The ferry timetable changed on Monday and nobody on the island noticed for a week."
    );
    assert_eq!(hit["read"], true);
    assert_eq!(hit["starred"], true);
    let list = json(&run(home, &["list", "--json"], &[]));
    assert_eq!(hit["issue_id"], list["issues"][2]["id"]);
    assert_eq!(hit.as_object().unwrap().len(), 10, "{hit}");
}

#[test]
fn search_with_no_match_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let out = run(home, &["search", "zeppelin"], &[&fixture("tidepool.txt")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let out = run(
        home,
        &["search", "--json", "zeppelin"],
        &[&fixture("tidepool.txt")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out), serde_json::json!([]));
    let blank = run(home, &["search", "  "], &[&fixture("tidepool.txt")]);
    assert_eq!(blank.status.code(), Some(2));
}

/// Bytes that must never reach a terminal from a newsletter: C0 controls
/// but the newline, DEL, C1 controls and the bidi marks.
fn hostile_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c < ' ' && c != '\n')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

#[test]
fn hostile_text_never_reaches_stdout() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // Hostile file names too: they are shown as sources.
    let src = home.join("src");
    fs::create_dir_all(&src).unwrap();
    let named = src.join("herald \u{1b}]0;pwned\u{7}\u{202e}txt.\u{9b}2J.txt");
    fs::copy(fixture("hostile.txt"), &named).unwrap();
    fs::copy(fixture("hostile.html"), src.join("page.html")).unwrap();

    let add = run(home, &["add"], &[&src]);
    assert_eq!(add.status.code(), Some(0), "{}", stdout(&add));
    let runs = [
        add,
        run(home, &["add", "--dry-run"], &[&named]),
        run(home, &["list"], &[]),
        run(home, &["list", "--json"], &[]),
        run(home, &["list"], &[&src]),
        run(home, &["list", "--json"], &[&src]),
        run(home, &["search", "herald"], &[]),
        run(home, &["search", "--json", "herald"], &[&src]),
        run(home, &["search", "herald"], &[&src]),
    ];
    for out in &runs {
        let text = stdout(out);
        assert!(text.contains("erald"), "ran and found the issue: {text}");
        let bad = hostile_chars(&text);
        assert!(bad.is_empty(), "{bad:?} in {text:?}");
        assert!(!text.contains("\\u001b"), "no escaped ESC in JSON: {text}");
    }
    // The hostile sources listed show their (cleaned) names, and the copy
    // in the library is named without the controls.
    let listed = stdout(&runs[5]);
    assert!(
        listed.contains("herald ") && listed.contains("txt.."),
        "{listed}"
    );
    assert_eq!(library_files(home), ["herald txt..txt", "page.html"]);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let dir = home.join("many");
    fs::create_dir_all(&dir).unwrap();
    // Enough output to fill a pipe many times over.
    for n in 0..400 {
        let text = format!(
            "The Pipe Gazette\nMay {}, 2025\n\n1. Story one of issue {n}\n\nWords about valves.\n\n2. Story two of issue {n}\n\nWords about pipes.\n\n3. Story three of issue {n}\n\nWords about taps.\n",
            n % 28 + 1
        );
        fs::write(dir.join(format!("issue-{n:03}.txt")), text).unwrap();
    }
    for args in [&["list"][..], &["search", "words"], &["list", "--json"]] {
        let mut child = nlread(home)
            .args(args)
            .arg(&dir)
            .args(["--limit", "0"].iter().filter(|_| args[0] == "search"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        // The reader goes away, as `| head -1` does.
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("could not write"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn an_empty_library_lists_the_samples_and_says_so() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let out = run(home, &["list"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("(bundled)"), "{}", stderr(&out));
    assert!(stdout(&out).contains("Orbit Desk"), "{}", stdout(&out));
    // Named paths are never mistaken for the samples.
    let named = run(home, &["list"], &[&fixture("tidepool.txt")]);
    assert!(stderr(&named).is_empty(), "{}", stderr(&named));
}

/// A library of `n` small plain-text issues, each with a story holding a
/// word of its own (`wordNNNNN`).
fn many_issues(dir: &Path, n: usize) {
    fs::create_dir_all(dir).expect("library");
    for i in 0..n {
        let text = format!(
            "The Test Post\nMay {day}, 2024\n\n# Story {i}\n\nA line about word{i:05} and the harbour.\n\n\
             # Another story\n\nMore about the tides on day {i}.\n",
            day = 1 + i % 28
        );
        fs::write(dir.join(format!("{i:05}.txt")), text).expect("issue");
    }
}

/// The row ids of the sources in the library index, by path.
fn source_rows(home: &Path) -> std::collections::HashMap<String, i64> {
    let db = home.join("data/nlread/nlread-index.db");
    let Ok(conn) = rusqlite::Connection::open(db) else {
        return Default::default();
    };
    let Ok(mut stmt) = conn.prepare("SELECT path, id FROM sources") else {
        return Default::default();
    };
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

#[test]
fn a_first_index_killed_half_way_is_resumed_by_the_next_run() {
    const ISSUES: usize = 3000;
    let home = tempfile::tempdir().expect("home");
    many_issues(&library(home.path()), ISSUES);
    let mut child = nlread(home.path())
        .arg("list")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nlread list");
    // Killed once some files are committed and before all are: the index
    // commits every few hundred files.
    let start = std::time::Instant::now();
    let kept = loop {
        let rows = source_rows(home.path());
        if !rows.is_empty() {
            break rows;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "nothing was committed"
        );
        if child.try_wait().expect("wait").is_some() {
            panic!("the first index ended before it could be killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let kept_now = source_rows(home.path());
    assert!(
        kept_now.len() < ISSUES,
        "killed after every file was in ({} of {ISSUES}): nothing to resume",
        kept_now.len()
    );
    // The next run finishes the index; what was committed stays (same rows:
    // not parsed again).
    let out = run(home.path(), &["search", "word02999"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Story 2999"), "{}", stdout(&out));
    let after = source_rows(home.path());
    assert_eq!(after.len(), ISSUES);
    for (path, row) in &kept {
        assert_eq!(after.get(path), Some(row), "{path} was parsed again");
    }
    // And the index holds what reading the files gives.
    let listed = run(home.path(), &["list", "--json"], &[]);
    let named = run(home.path(), &["list", "--json"], &[&library(home.path())]);
    let titles = |o: &Output| -> Vec<String> {
        json(o)["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .map(|i| i["title"].as_str().expect("title").to_string())
            .collect()
    };
    assert_eq!(titles(&listed).len(), ISSUES);
    // Every story's words were indexed once: the killed transaction's with
    // its stories gone, none twice (a story counted twice would rank above
    // the rest, so the order would differ from an index built in one go).
    let harbour = run(home.path(), &["search", "--limit", "0", "harbour"], &[]);
    let found = stdout(&harbour)
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains("Story "))
        .count();
    assert_eq!(found, ISSUES, "{}", stderr(&harbour));
    let fresh = tempfile::tempdir().expect("home");
    many_issues(&library(fresh.path()), ISSUES);
    let in_one_go = run(fresh.path(), &["search", "--limit", "0", "harbour"], &[]);
    assert!(stdout(&harbour) == stdout(&in_one_go), "the order differs");
    let mut a = titles(&listed);
    let mut b = titles(&named);
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn a_new_file_is_found_by_the_next_search() {
    let home = tempfile::tempdir().expect("home");
    many_issues(&library(home.path()), 50);
    let out = run(home.path(), &["search", "zephyrine"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Written the way a fetch or `nlread add` writes: a hidden temporary
    // file renamed into place.
    let dir = library(home.path());
    fs::write(
        dir.join(".incoming.tmp"),
        "The Test Post\nJune 1, 2024\n\n# Winds\n\nThe zephyrine breeze came back.\n",
    )
    .expect("write");
    fs::rename(dir.join(".incoming.tmp"), dir.join("new.txt")).expect("rename");
    let out = run(home.path(), &["search", "zephyrine"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Winds"), "{}", stdout(&out));
    // Gone again: gone from the next search.
    fs::remove_file(dir.join("new.txt")).expect("rm");
    let out = run(home.path(), &["search", "zephyrine"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}
