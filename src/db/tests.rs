//! The databases on real files in a temporary folder: incremental sync,
//! the same library as reading the files, search ranked as the filter,
//! the plan of every hot query, damaged files, and the reading state's
//! rules (migration, one row per mark, two writers, backup, deletion, lock).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::index::LibraryIndex;
use super::state::StateDb;
use crate::library::Progress;
use crate::model::{Mark, ReadingState};
use crate::parse::SplitRules;
use crate::search::StoryCounts;
use crate::store::StateStore;

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// A library folder holding the bundled samples and the test fixtures'
/// plain, Markdown and feed issues.
fn library(root: &Path) -> PathBuf {
    let lib = root.join("library");
    fs::create_dir_all(&lib).expect("library");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for dir in [seeds_dir(), fixtures.join("plain"), fixtures.join("feed")] {
        for entry in fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            if path.is_file() && path.file_name().is_none_or(|n| n != "EXPECTED.md") {
                let name = format!(
                    "{}-{}",
                    dir.file_name().and_then(|n| n.to_str()).unwrap_or("x"),
                    entry.file_name().to_string_lossy()
                );
                fs::copy(&path, lib.join(name)).expect("copy");
            }
        }
    }
    lib
}

fn sync(index: &mut LibraryIndex, lib: &Path) -> super::index::Synced {
    index
        .sync(
            &[lib.to_path_buf()],
            &SplitRules::default(),
            &Progress::default(),
        )
        .expect("sync")
}

fn from_files(lib: &Path) -> crate::model::Library {
    crate::library::load_folders_cached(
        &[lib.to_path_buf()],
        None,
        &SplitRules::default(),
        &Progress::default(),
    )
}

#[test]
fn a_sync_parses_only_new_and_changed_files_and_drops_gone_ones() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let files = fs::read_dir(&lib).expect("lib").count();
    let (mut index, said) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    assert!(said.is_empty());
    let first = sync(&mut index, &lib);
    assert_eq!(
        (first.files, first.parsed, first.removed),
        (files, files, 0)
    );
    let again = sync(&mut index, &lib);
    assert_eq!((again.parsed, again.removed), (0, 0), "nothing changed");

    let orbit = lib.join("seeds-01_orbit-desk.txt");
    let mut text = fs::read_to_string(&orbit).expect("read");
    text.push_str("\nOne more line about the ferry timetable.\n");
    fs::write(&orbit, text).expect("change");
    fs::remove_file(lib.join("seeds-02_harbour-ledger.txt")).expect("remove");
    fs::copy(
        seeds_dir().join("02_harbour-ledger.txt"),
        lib.join("new-ledger.txt"),
    )
    .expect("add");
    let changed = sync(&mut index, &lib);
    assert_eq!((changed.parsed, changed.removed), (2, 1), "{changed:?}");
    assert_eq!(index.library(true).expect("library"), from_files(&lib));
}

#[test]
fn the_index_gives_the_same_library_as_reading_the_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let files = from_files(&lib);
    assert!(files.issues.len() > 10, "{} issues", files.issues.len());
    assert_eq!(index.library(true).expect("library"), files);
    // Without text: the same issues and stories, titles and groups kept.
    let names = index.library(false).expect("names");
    assert_eq!(names.issues.len(), files.issues.len());
    for (a, b) in names.issues.iter().zip(&files.issues) {
        let titles = |i: &crate::model::Issue| -> Vec<(String, Option<String>, usize)> {
            i.sections
                .iter()
                .map(|s| (s.title.clone(), s.group.clone(), s.words))
                .collect()
        };
        assert_eq!((&a.id, titles(a)), (&b.id, titles(b)));
        assert!(a.sections.iter().all(|s| s.block_count() == 0));
    }
    // One story's text on its own, as the reader loads the story it shows.
    let story = &files.issues[0].sections[0];
    assert_eq!(index.story(&story.id).expect("story").as_ref(), Some(story));
}

#[test]
fn another_parser_reads_every_file_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    let first = sync(&mut index, &lib);
    index
        .conn
        .execute("UPDATE sources SET parser = 'an older nlread'", [])
        .expect("age");
    let again = sync(&mut index, &lib);
    assert_eq!(again.parsed, first.parsed);
}

#[test]
fn a_touched_file_with_the_same_bytes_is_not_parsed_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let orbit = lib.join("seeds-01_orbit-desk.txt");
    let ids = |index: &LibraryIndex| -> Vec<i64> {
        let mut stmt = index
            .conn
            .prepare("SELECT id FROM issues ORDER BY id")
            .expect("q");
        let rows = stmt.query_map([], |r| r.get(0)).expect("rows");
        rows.map(|r| r.expect("row")).collect()
    };
    let before = ids(&index);
    let bytes = fs::read(&orbit).expect("read");
    fs::remove_file(&orbit).expect("rm");
    fs::write(&orbit, bytes).expect("same bytes, new time");
    sync(&mut index, &lib);
    assert_eq!(ids(&index), before, "rows kept: the content hash matched");
}

/// Section ids of hits, in order.
fn hit_ids(library: &crate::model::Library, hits: &[crate::search::Hit]) -> Vec<String> {
    hits.iter()
        .map(|h| library.issues[h.issue].sections[h.section].id.clone())
        .collect()
}

#[test]
fn search_through_the_index_ranks_as_the_filter() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let files = from_files(&lib);
    let filter = crate::search::Index::new(&files);
    let snapshot = index.snapshot().expect("snapshot");
    let names = index.library(false).expect("names");
    // Whole words and word starts: the index finds what the filter finds.
    let queries = [
        "launch",
        "harbour",
        "stage reu",
        "kelp",
        "ferry",
        "tencent",
        "quiet harb",
    ];
    let mut found = 0;
    for q in queries {
        let ours = index.search(&snapshot, q);
        let theirs = filter.query(q);
        assert_eq!(hit_ids(&names, &ours), hit_ids(&files, &theirs), "{q}");
        assert_eq!(
            ours.iter().map(|h| h.score).collect::<Vec<_>>(),
            theirs.iter().map(|h| h.score).collect::<Vec<_>>(),
            "{q}"
        );
        found += ours.len();
    }
    assert!(found > 20, "the queries find something: {found}");
    // Inside a word ("supermarket" for "market") only the filter looks:
    // the index finds a subset, in the same order.
    let ours = hit_ids(&names, &index.search(&snapshot, "market"));
    let theirs = hit_ids(&files, &filter.query("market"));
    let kept: Vec<&String> = theirs.iter().filter(|id| ours.contains(id)).collect();
    assert_eq!(kept, ours.iter().collect::<Vec<_>>());
    assert!(ours.len() + 2 >= theirs.len() && !ours.is_empty());
    // The stored snapshot is used while the index is unchanged, and
    // rebuilt once it changes.
    let stored = index.snapshot().expect("again");
    assert_eq!(stored.generation, snapshot.generation);
    fs::copy(seeds_dir().join("01_orbit-desk.txt"), lib.join("copy.txt")).expect("copy");
    sync(&mut index, &lib);
    let fresh = index.snapshot().expect("fresh");
    assert!(fresh.generation > snapshot.generation);
    assert_eq!(
        fresh.index.len(),
        snapshot.index.len()
            + files.issues[..]
                .iter()
                .find(|i| i.source.ends_with("01_orbit-desk.txt"))
                .map_or(0, |i| i.sections.len())
    );
}

/// The plan SQLite picks for `sql`, one line per step.
fn plan(conn: &rusqlite::Connection, sql: &str) -> String {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("explain");
    let rows = stmt.query_map([], |r| r.get::<_, String>(3)).expect("rows");
    rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_hot_query_uses_an_index() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    // Statistics, as a long-lived index has them: the planner must choose
    // the same with and without.
    for analyzed in [false, true] {
        if analyzed {
            index.conn.execute_batch("ANALYZE").expect("analyze");
        }
        let conn = &index.conn;
        // The issue list: walked in the index's order, no sort step.
        let load = plan(
            conn,
            "SELECT i.id FROM issues i LEFT JOIN stories s ON s.issue_id = i.id
             ORDER BY i.date IS NULL, i.date DESC, i.source, i.pos, s.pos",
        );
        assert!(load.contains("issues_by_date"), "{load}");
        assert!(load.contains("stories_by_issue"), "{load}");
        // At most each issue's few stories put in order, never the library.
        assert!(!load.contains("TEMP B-TREE FOR ORDER BY"), "{load}");
        // The whole library's titles: one sweep of an index holding them.
        let names = plan(
            conn,
            "SELECT issue_id, pos, key, title, grp, words, id FROM stories INDEXED BY stories_names
             ORDER BY issue_id, pos",
        );
        assert!(names.contains("COVERING INDEX stories_names"), "{names}");
        assert!(!names.contains("TEMP B-TREE"), "{names}");
        let issues = plan(
            conn,
            "SELECT id FROM issues ORDER BY date IS NULL, date DESC, source, pos",
        );
        assert!(
            issues.contains("issues_by_date") && !issues.contains("TEMP B-TREE"),
            "{issues}"
        );
        // Copies of one item: only the issues that have a GUID.
        let copies = plan(
            conn,
            "SELECT i.id FROM issues i INDEXED BY issues_by_guid JOIN sources s ON s.id = i.source_id
             WHERE i.guid IS NOT NULL ORDER BY s.path, i.pos",
        );
        assert!(copies.contains("issues_by_guid"), "{copies}");
        // The snapshot brought up to date: the issues shown, in order,
        // from the covering date index; then each issue added, by row.
        let shown = plan(
            conn,
            "SELECT id FROM issues ORDER BY date IS NULL, date DESC, source, pos",
        );
        assert!(shown.contains("COVERING INDEX issues_by_date"), "{shown}");
        let added = plan(
            conn,
            "SELECT key, title, grp, words, id FROM stories INDEXED BY stories_names
             WHERE issue_id = 1 ORDER BY pos",
        );
        assert!(
            added.contains("COVERING INDEX stories_names (issue_id=?)")
                && !added.contains("TEMP B-TREE"),
            "{added}"
        );
        // A story by its section id (the reader shows one).
        let story = plan(conn, "SELECT body FROM stories WHERE key = 'x' LIMIT 1");
        assert!(story.contains("USING INDEX stories_by_key"), "{story}");
        // A search hit's story and issue.
        let hit = plan(
            conn,
            "SELECT i.title, s.body FROM stories s JOIN issues i ON i.id = s.issue_id
             WHERE s.id = 1",
        );
        assert!(!hit.contains("SCAN"), "{hit}");
        // A changed file's rows replaced.
        let by_source = plan(
            conn,
            "DELETE FROM stories WHERE issue_id IN (SELECT id FROM issues WHERE source_id = 1)",
        );
        assert!(by_source.contains("issues_by_source"), "{by_source}");
        let fts_rows = plan(
            conn,
            "SELECT s.id FROM stories s JOIN issues i ON s.issue_id = i.id WHERE i.source_id = 1",
        );
        assert!(
            fts_rows.contains("issues_by_source") && !fts_rows.contains("SCAN s"),
            "{fts_rows}"
        );
        let source = plan(conn, "SELECT id FROM sources WHERE path = 'x'");
        assert!(
            source.contains("USING INDEX") || source.contains("USING COVERING INDEX"),
            "{source}"
        );
        // Full-text: the FTS5 index answers, never a scan of stories.
        let text = plan(
            conn,
            "SELECT rowid FROM stories_fts WHERE stories_fts MATCH '\"ferry\"*'",
        );
        assert!(text.contains("VIRTUAL TABLE INDEX"), "{text}");
        let vocab = plan(
            conn,
            "SELECT term, doc FROM stories_vocab WHERE term >= 'fer' AND term < 'fes'",
        );
        assert!(vocab.contains("VIRTUAL TABLE INDEX"), "{vocab}");
        // A word's postings: a range of the primary key; a segment's, to
        // merge it: its index; a file's stories, to drop them: by source.
        let words = plan(
            conn,
            "SELECT postings FROM word_postings WHERE word >= 'fer' AND word < 'fes'",
        );
        assert!(
            words.contains("USING PRIMARY KEY (word>? AND word<?)"),
            "{words}"
        );
        let segment = plan(
            conn,
            "SELECT word, postings FROM word_postings INDEXED BY word_postings_by_seg WHERE seg = 1",
        );
        assert!(segment.contains("word_postings_by_seg"), "{segment}");
        // A story's segment, to count it dead: one step down an index.
        let holder = plan(
            conn,
            "SELECT seg FROM word_segments WHERE last_row >= 5 ORDER BY last_row LIMIT 1",
        );
        assert!(holder.contains("word_segments_by_last"), "{holder}");
        assert!(!holder.contains("TEMP B-TREE"), "{holder}");
        let of_source = plan(
            conn,
            "SELECT s.id FROM stories s JOIN issues i ON s.issue_id = i.id WHERE i.source_id = 1",
        );
        assert!(!of_source.contains("SCAN"), "{of_source}");
    }
    // The reading state: one mark by its id, the marks others wrote since.
    let state_path = dir.path().join("state.db");
    let mut db = StateDb::new(state_path.clone(), None);
    db.load();
    let conn = rusqlite::Connection::open(&state_path).expect("open");
    let one = plan(&conn, "SELECT read FROM marks WHERE section = 'x'");
    assert!(one.contains("PRIMARY KEY"), "{one}");
    let since = plan(&conn, "SELECT section FROM marks WHERE seq > 5");
    assert!(since.contains("marks_by_seq"), "{since}");
}

#[test]
fn a_damaged_index_is_moved_aside_said_and_rebuilt() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let db = dir.path().join("index.db");
    let (mut index, _) = LibraryIndex::open(&db).expect("open");
    sync(&mut index, &lib);
    let whole = index.library(true).expect("library");
    drop(index);
    // Cut short: half the file.
    let bytes = fs::read(&db).expect("db");
    fs::write(&db, &bytes[..bytes.len() / 2]).expect("truncate");
    let _ = fs::remove_file(dir.path().join("index.db-wal"));
    let opened = LibraryIndex::open(&db);
    let (mut index, said) = match opened {
        Ok(found) => found,
        Err(e) => panic!("a damaged index must be rebuilt, not fail: {e}"),
    };
    assert!(
        said.iter()
            .any(|s| s.contains("damaged") && s.contains("moved aside")),
        "{said:?}"
    );
    sync(&mut index, &lib);
    assert_eq!(index.library(true).expect("rebuilt"), whole);
    let aside = fs::read_dir(dir.path()).expect("dir").flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .starts_with("index.db.corrupt-")
    });
    assert!(aside, "the damaged file kept");
    // Not a database at all.
    drop(index);
    fs::write(&db, b"these are not the pages you are looking for").expect("garbage");
    let (_, said) = LibraryIndex::open(&db).expect("open garbage");
    assert!(said.iter().any(|s| s.contains("damaged")), "{said:?}");
}

#[test]
fn a_fifo_in_place_of_a_database_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("index.db");
    let made = std::process::Command::new("mkfifo").arg(&db).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    match LibraryIndex::open(&db) {
        Err(e) => assert!(e.to_string().contains("not a regular file"), "{e}"),
        Ok(_) => panic!("a FIFO opened as the index"),
    }
}

fn mark(read: bool, starred: bool, at: u64) -> Mark {
    Mark { read, starred, at }
}

fn ids(list: &[&str]) -> std::collections::HashSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn state_json_is_migrated_once_with_everything_and_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let json = dir.path().join("state.json");
    let original = r#"{"version":1,"stories":{"a":{"read":true,"at":5,"note":"mine"},
        "b":{"starred":true,"at":7}},"resume":{"issue":"i","section":"a","byte":3,"at":9,
        "zoom":2},"queries":[{"text":"ferry","at":4}],"theme":"sepia"}"#;
    fs::write(&json, original).expect("json");
    let mut db = StateDb::new(dir.path().join("state.db"), Some(json.clone()));
    let (state, report) = db.load();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let expected: ReadingState = serde_json::from_str(original).expect("parse");
    assert_eq!(state, expected);
    // The file is left as it was: the backup of the state before the database.
    assert_eq!(fs::read_to_string(&json).expect("kept"), original);
    // A second run reads the database, not the file.
    fs::write(&json, r#"{"version":1,"stories":{}}"#).expect("overwrite");
    let (again, _) = StateDb::new(dir.path().join("state.db"), Some(json)).load();
    assert_eq!(again, expected);
    // And writes back what it did not understand.
    let text = serde_json::to_string(&again).expect("json");
    assert!(
        text.contains("\"theme\":\"sepia\"") && text.contains("\"note\":\"mine\""),
        "{text}"
    );
}

#[test]
fn one_mark_writes_one_row_and_two_writers_keep_both() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut first = StateDb::new(path.clone(), None);
    let mut second = StateDb::new(path.clone(), None);
    let (mut a, _) = first.load();
    let (mut b, _) = second.load();
    for i in 0..1000 {
        a.stories.insert(format!("s{i}"), mark(true, false, 10));
    }
    let all: std::collections::HashSet<String> = a.stories.keys().cloned().collect();
    first.save(&mut a, &all).expect("save a");
    // One more mark: one row with a new sequence number.
    let mut a3 = a.clone();
    a3.set_read("s1000", true, 20);
    first.save(&mut a3, &ids(&["s1000"])).expect("save one");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let newest: i64 = conn
        .query_row(
            "SELECT count(*) FROM marks WHERE seq = (SELECT max(seq) FROM marks)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(newest, 1, "one mark saved is one row written");
    // The other writer marks another story and the same one later.
    b.stories.insert("other".into(), mark(false, true, 30));
    b.stories.insert("s1".into(), mark(false, false, 40));
    let came = second.save(&mut b, &ids(&["other", "s1"])).expect("save b");
    assert!(b.is_read("s999") && b.is_read("s1000"), "theirs came in");
    assert!(came.len() >= 1000);
    assert!(!b.is_read("s1"), "the later change wins");
    assert!(b.is_starred("other"));
    // And the first hears of it at its next save, its own older s1 losing.
    let came = first.save(&mut a3, &ids(&[])).expect("again");
    assert!(a3.is_starred("other") && !a3.is_read("s1"));
    assert_eq!(came.len(), 2, "{came:?}");
    let (loaded, _) = StateDb::new(path, None).load();
    assert_eq!(loaded.stories.len(), 1002);
}

#[test]
fn a_damaged_state_database_loads_the_backup_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    state.set_read("kept", true, 1);
    db.save(&mut state, &ids(&["kept"]))
        .expect("first save: backup taken first, then this");
    // The backup holds the state before this run's first save; the next
    // run's first save backs this one up.
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    db.save(&mut state, &ids(&[])).expect("backs up 'kept'");
    drop(db);
    fs::write(&path, b"garbage, not SQLite").expect("damage");
    let _ = fs::remove_file(dir.path().join("state.db-wal"));
    let mut db = StateDb::new(path.clone(), None);
    let (loaded, report) = db.load();
    assert!(loaded.is_read("kept"), "the backup's mark");
    let said = report.warnings.join("\n");
    assert!(
        said.contains("damaged") && said.contains("backup"),
        "{said}"
    );
    assert!(fs::read_dir(dir.path()).expect("dir").flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .starts_with("state.db.corrupt-")
    }));
}

#[test]
fn a_backup_is_put_in_place_only_while_no_database_is_there() {
    // Two readers starting at once: one finds the database missing, the
    // other makes it and marks. The backup must never replace the
    // database the other made (it replaced it, and that reader's marks
    // went to a deleted file: "no such table: marks").
    use super::state::Placed;
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    state.set_read("old", true, 1);
    db.save(&mut state, &ids(&["old"])).expect("save");
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    db.save(&mut state, &ids(&[])).expect("backs up 'old'");
    state.set_read("new", true, 2);
    db.save(&mut state, &ids(&["new"])).expect("save");
    let late = StateDb::new(path.clone(), None);
    assert_eq!(late.place_backup(), Placed::Taken);
    let (loaded, _) = StateDb::new(path.clone(), None).load();
    assert!(loaded.is_read("new"), "the database in place is kept");
    drop(db);
    for name in ["state.db", "state.db-wal", "state.db-shm"] {
        let _ = fs::remove_file(dir.path().join(name));
    }
    let (loaded, report) = StateDb::new(path.clone(), None).load();
    assert!(
        loaded.is_read("old") && !loaded.is_read("new"),
        "the backup"
    );
    assert!(report.warnings.join("\n").contains("was missing"));
    let left: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_damaged_marks_table_is_seen_at_open_and_the_backup_loaded() {
    // The open's check counted the marks from the covering index on seq,
    // never reading the table: a damaged table page passed it, the load
    // then failed ("starting with no stories read") and the backup was
    // never used.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    for i in 0..3000 {
        state.set_read(&format!("story-{i:05}-with-a-longer-id"), true, 1);
    }
    let all: std::collections::HashSet<String> = state.stories.keys().cloned().collect();
    db.save(&mut state, &all).expect("save");
    drop(db);
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    db.save(&mut state, &ids(&[]))
        .expect("backs up the 3000 marks");
    drop(db);
    let (root, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'marks'",
                [],
                |r| r.get(0),
            )
            .expect("root");
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("size");
        (root, size)
    };
    let mut bytes = fs::read(&path).expect("read");
    let at = usize::try_from((root - 1) * page_size).expect("offset");
    let size = usize::try_from(page_size).expect("size");
    bytes[at..at + size].fill(0xA5);
    fs::write(&path, &bytes).expect("damage the table's root page");
    let mut db = StateDb::new(path.clone(), None);
    let (loaded, report) = db.load();
    let said = report.warnings.join("\n");
    assert!(
        said.contains("damaged") && said.contains("backup"),
        "{said}"
    );
    assert_eq!(loaded.stories.len(), 3000, "the backup's marks");
}

#[test]
fn a_state_database_deleted_while_running_is_written_again_from_memory() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    for i in 0..50 {
        state.set_read(&format!("s{i}"), true, 1);
    }
    let all: std::collections::HashSet<String> = state.stories.keys().cloned().collect();
    db.save(&mut state, &all).expect("save");
    for name in ["state.db", "state.db-wal", "state.db-shm", "state.db.bak"] {
        let _ = fs::remove_file(dir.path().join(name));
    }
    state.set_starred("s3", true, 2);
    db.save(&mut state, &ids(&["s3"])).expect("saved again");
    assert!(state.is_starred("s3"));
    let notice = db.notice().expect("said");
    assert!(notice.contains("deleted"), "{notice}");
    let (loaded, _) = StateDb::new(path, None).load();
    assert_eq!(loaded.stories.len(), 50, "every mark written again");
    assert!(loaded.is_starred("s3"));
}

#[test]
fn a_locked_state_database_fails_the_save_with_a_sentence_and_keeps_the_change() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut db = StateDb::new(path.clone(), None).waiting(Duration::from_millis(200));
    let (mut state, _) = db.load();
    db.save(&mut state, &ids(&[])).expect("first save");
    let holder = rusqlite::Connection::open(&path).expect("other program");
    holder.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    state.set_read("x", true, 5);
    let err = db.save(&mut state, &ids(&["x"])).expect_err("locked");
    assert!(err.to_string().contains("locked"), "{err}");
    holder.execute_batch("COMMIT").expect("unlock");
    db.save(&mut state, &ids(&["x"])).expect("saved once free");
    let (loaded, _) = StateDb::new(path, None).load();
    assert!(loaded.is_read("x"));
}

#[test]
fn many_marks_load_and_one_saves_quickly() {
    // Not a benchmark (see BENCHMARKS.md): a guard that one mark does not
    // rewrite the others, by what is written, not by time.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    for i in 0..20_000 {
        state
            .stories
            .insert(format!("{i:016x}"), mark(true, false, 1));
    }
    let all: std::collections::HashSet<String> = state.stories.keys().cloned().collect();
    db.save(&mut state, &all).expect("all");
    let before: i64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("SELECT max(seq) FROM marks", [], |r| r.get(0))
        .expect("seq");
    state.set_starred("0000000000000007", true, 9);
    db.save(&mut state, &ids(&["0000000000000007"]))
        .expect("one");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let changed: i64 = conn
        .query_row("SELECT count(*) FROM marks WHERE seq > ?1", [before], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(changed, 1);
    let (loaded, _) = StateDb::new(path, None).load();
    assert_eq!(loaded.stories.len(), 20_000);
}

#[test]
fn typing_in_the_reader_finds_what_one_search_finds() {
    // The reader's worker narrows each keystroke to the stories the one
    // before could match; through the index that must never lose a story
    // found by its text.
    struct Counts(LibraryIndex, super::search::RowMap);
    impl crate::search::TextCounts for Counts {
        fn counts(&mut self, term: &str) -> Vec<u8> {
            self.0.text_counts_in(&self.1, term)
        }
    }
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let db = dir.path().join("index.db");
    let (mut index, _) = LibraryIndex::open(&db).expect("open");
    sync(&mut index, &lib);
    let snapshot = index.snapshot().expect("snapshot");
    let (second, _) = LibraryIndex::open(&db).expect("again");
    let names = std::sync::Arc::new(snapshot.index.names_only());
    let mut searcher =
        crate::search::Searcher::with_text(names, Box::new(Counts(second, snapshot.rows.clone())));
    for word in ["harbour", "launchers", "ferry timetable", "kelp"] {
        let mut typed = String::new();
        for c in word.chars() {
            typed.push(c);
            let ours = searcher.search(&typed);
            let once = index.search(&snapshot, &typed);
            assert_eq!(*ours, once, "{typed:?}");
        }
        assert!(!index.search(&snapshot, word).is_empty(), "{word}");
    }
}

#[test]
fn marks_follow_stories_when_an_issue_is_split_again() {
    // Changed parsers or rules split an issue read before into other
    // stories, with other ids: the marks go with the stories.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).expect("library");
    fs::write(
        lib.join("garden.md"),
        "# Garden Weekly\n\n\
         ## Tomatoes\n\n\
         Start tomato seeds indoors six weeks before the last frost, in deep pots.\n\n\
         ### Staking\n\n\
         Drive the stakes in at planting time so the roots are never torn later.\n\n\
         ## Slugs\n\n\
         Copper tape around the raised beds keeps the slugs off the young lettuce.\n",
    )
    .expect("issue");
    let index_path = dir.path().join(crate::paths::INDEX_DB);
    let state_path = dir.path().join(crate::paths::STATE_DB);
    let split = |rules: &SplitRules| {
        let (mut index, _) = LibraryIndex::open(&index_path).expect("open");
        let synced = index
            .sync(std::slice::from_ref(&lib), rules, &Progress::default())
            .expect("sync");
        let stories: Vec<(String, String)> = index
            .conn
            .prepare("SELECT key, title FROM stories ORDER BY pos")
            .expect("stmt")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("stories");
        (synced, stories)
    };
    let id = |stories: &[(String, String)], title: &str| {
        stories
            .iter()
            .find(|(_, t)| t == title)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("no story {title:?} in {stories:?}"))
    };
    // Stories at level 2 only: "Staking" is inside "Tomatoes".
    let level_two = SplitRules {
        rules: vec![crate::parse::SplitRule {
            files: Some(
                globset::Glob::new("**/garden.md")
                    .expect("glob")
                    .compile_matcher(),
            ),
            level: Some(2),
            ..Default::default()
        }],
    };
    let (_, two) = split(&level_two);
    let titles: Vec<&str> = two.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, ["Tomatoes", "Slugs"]);
    let mut db = StateDb::new(state_path.clone(), None);
    let (mut state, _) = db.load();
    state.set_read(&id(&two, "Tomatoes"), true, 10);
    state.set_starred(&id(&two, "Tomatoes"), true, 10);
    state.set_read(&id(&two, "Slugs"), true, 12);
    let all: std::collections::HashSet<String> = state.stories.keys().cloned().collect();
    db.save(&mut state, &all).expect("save");
    drop(db);

    // Without the rule, "Staking" comes out of "Tomatoes" and takes its
    // read mark, not its star; "Slugs" moves down a place (another id) and
    // keeps its marks by its title.
    let (synced, three) = split(&SplitRules::default());
    let titles: Vec<&str> = three.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, ["Tomatoes", "Staking", "Slugs"]);
    let slugs = id(&three, "Slugs");
    assert_ne!(slugs, id(&two, "Slugs"), "the test needs a new id");
    assert_eq!(synced.carried, 2, "{synced:?}");
    let (state, _) = StateDb::new(state_path.clone(), None).load();
    assert!(state.is_read(&slugs));
    let staking = id(&three, "Staking");
    assert!(state.is_read(&staking) && !state.is_starred(&staking));
    let tomatoes = id(&three, "Tomatoes");
    assert!(
        state.is_read(&tomatoes) && state.is_starred(&tomatoes),
        "same id"
    );

    // A story's own mark is never overwritten by a carried one.
    let mut db = StateDb::new(state_path.clone(), None);
    let (mut state, _) = db.load();
    state.set_read(&id(&two, "Slugs"), false, 20);
    db.save(&mut state, &ids(&[id(&two, "Slugs").as_str()]))
        .expect("save");
    drop(db);
    let (synced, back) = split(&level_two);
    assert_eq!(back, two);
    assert_eq!(synced.carried, 0, "{synced:?}");
    let (state, _) = StateDb::new(state_path, None).load();
    assert!(!state.is_read(&id(&two, "Slugs")));
}

#[test]
fn a_star_given_by_a_stale_reader_keeps_the_read_mark_another_reader_saved() {
    // Reader A reads a story; reader B, open since before, stars it. B's
    // mark says "unread" only because B never heard of A's read: B writes
    // the star alone, and hears of the read.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("state.db");
    let mut a = StateDb::new(path.clone(), None);
    let mut b = StateDb::new(path.clone(), None);
    let (mut state_a, _) = a.load();
    let (mut state_b, _) = b.load();
    state_a.set_read("x", true, 10);
    a.save(&mut state_a, &ids(&["x"])).expect("A saves");
    let before: std::collections::HashMap<String, Option<Mark>> =
        [("x".to_string(), state_b.stories.get("x").copied())].into();
    state_b.set_starred("x", true, 20);
    let came = b.save_changes(&mut state_b, &before).expect("B saves");
    assert!(state_b.is_read("x") && state_b.is_starred("x"), "{came:?}");
    let (loaded, _) = StateDb::new(path.clone(), None).load();
    assert!(loaded.is_read("x") && loaded.is_starred("x"));
    // A mark B really changed is B's to write: unread again, later.
    let before: std::collections::HashMap<String, Option<Mark>> =
        [("x".to_string(), state_b.stories.get("x").copied())].into();
    state_b.set_read("x", false, 30);
    b.save_changes(&mut state_b, &before).expect("B saves");
    let (loaded, _) = StateDb::new(path, None).load();
    assert!(!loaded.is_read("x") && loaded.is_starred("x"));
}

/// What a snapshot finds for `queries`: each hit's story row and score.
fn found(
    index: &LibraryIndex,
    snapshot: &super::search::Snapshot,
    queries: &[&str],
) -> Vec<Vec<(Option<i64>, i64)>> {
    queries
        .iter()
        .map(|q| {
            index
                .search(snapshot, q)
                .iter()
                .map(|h| (snapshot.row(h), h.score))
                .collect()
        })
        .collect()
}

#[test]
fn a_snapshot_brought_up_to_date_finds_what_one_built_anew_finds() {
    // A new file, a gone one and one rewritten: the stored snapshot takes
    // the issues added and drops those gone instead of reading every
    // title, and must answer exactly as one built from every title.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let first = index.snapshot().expect("snapshot");
    assert!(index.snapshot_path().exists());
    let mut names: Vec<PathBuf> = fs::read_dir(&lib)
        .expect("lib")
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    fs::remove_file(&names[0]).expect("remove");
    let rewritten = &names[names.len() - 1];
    let mut bytes = fs::read(rewritten).expect("read");
    bytes.extend_from_slice(b"\n\nA late harbour note about ferry timetables.\n");
    fs::write(rewritten, bytes).expect("rewrite");
    fs::copy(
        seeds_dir().join("01_orbit-desk.txt"),
        lib.join("zz-copy.txt"),
    )
    .expect("copy");
    sync(&mut index, &lib);
    let updated = index.snapshot().expect("updated");
    assert!(updated.generation > first.generation);
    // Stored as it was brought up to date: the next search reads it.
    assert_eq!(
        index
            .stored_snapshot(updated.generation)
            .map(|s| s.index.len()),
        Some(updated.index.len())
    );
    fs::remove_file(index.snapshot_path()).expect("remove the stored one");
    let anew = index.snapshot().expect("anew");
    assert_eq!(anew.index.len(), updated.index.len());
    let queries = [
        "harbour",
        "ferry",
        "orbit",
        "launch",
        "stage reu",
        "kelp",
        "tencent",
        "a",
        "te",
        "desk",
    ];
    let ours = found(&index, &updated, &queries);
    assert_eq!(ours, found(&index, &anew, &queries));
    assert!(ours.iter().map(Vec::len).sum::<usize>() > 20);
    // Every story is where a fresh build puts it.
    for n in 0..anew.index.len() {
        let hit = anew.index.hit(u32::try_from(n).expect("n"), 0);
        assert_eq!(updated.row(&hit), anew.row(&hit), "story {n}");
    }
}

#[test]
fn a_file_parsed_again_gets_new_row_ids_never_the_old_ones() {
    // SQLite would give the rows of the newest file, deleted and stored
    // again, their old ids: an id must always name the same issue.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).expect("lib");
    let file = lib.join("one.md");
    fs::write(&file, "# One\n\nFirst story.\n\n# Two\n\nSecond story.\n").expect("write");
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let rows = |index: &LibraryIndex| -> (Vec<i64>, Vec<i64>) {
        let (_, stories, issues) = index.all_issues(false).expect("read");
        (issues, stories.into_iter().flatten().collect())
    };
    let (issues_before, stories_before) = rows(&index);
    fs::write(
        &file,
        "# One\n\nFirst story, changed.\n\n# Two\n\nSecond.\n",
    )
    .expect("rewrite");
    sync(&mut index, &lib);
    let (issues_after, stories_after) = rows(&index);
    assert_eq!(issues_after.len(), 1);
    assert!(
        issues_after[0] > issues_before[0],
        "{issues_after:?} {issues_before:?}"
    );
    assert!(stories_after.iter().all(|s| !stories_before.contains(s)));
    // And across processes: the counter is kept in the index.
    drop(index);
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("again");
    fs::write(&file, "# One\n\nThird version.\n").expect("rewrite");
    sync(&mut index, &lib);
    let (issues_last, _) = rows(&index);
    assert!(issues_last[0] > issues_after[0]);
}

#[test]
fn a_snapshot_file_of_another_index_or_damaged_is_not_used() {
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let whole = index.snapshot().expect("snapshot").index.len();
    let path = index.snapshot_path();
    let stored = fs::read(&path).expect("stored");

    // Another index (one moved aside and built again counts generations
    // from the start) over a smaller library, with the first one's file.
    let small = dir.path().join("small");
    fs::create_dir_all(&small).expect("small");
    fs::copy(seeds_dir().join("01_orbit-desk.txt"), small.join("one.txt")).expect("copy");
    let other_db = dir.path().join("other").join("index.db");
    let (mut other, _) = LibraryIndex::open(&other_db).expect("other");
    sync(&mut other, &small);
    fs::write(other.snapshot_path(), &stored).expect("plant");
    let theirs = other.snapshot().expect("other snapshot");
    assert!(theirs.index.len() < whole);
    assert_eq!(theirs.index.len(), other.counts().expect("counts").1);

    // Cut short, or scrambled past its header: built again, no panic.
    for damaged in [
        stored[..stored.len() / 2].to_vec(),
        {
            let mut b = stored.clone();
            for byte in b.iter_mut().skip(80).step_by(97) {
                *byte ^= 0x5a;
            }
            b
        },
        b"nlread-names-v2\n".to_vec(),
        Vec::new(),
    ] {
        fs::write(&path, &damaged).expect("damage");
        let rebuilt = index.snapshot().expect("rebuilt");
        assert_eq!(rebuilt.index.len(), whole);
        assert!(!index.search(&rebuilt, "orbit").is_empty());
    }
}

#[test]
fn a_file_read_again_to_the_same_stories_keeps_its_rows() {
    // A new nlread (other parsers) reads every file again; those it splits
    // as before keep their rows, ids and full-text entries: an upgrade
    // costs a parse and a compare, not a rewrite of the whole index.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let rows = |index: &LibraryIndex| {
        let (_, stories, issues) = index.all_issues(false).expect("read");
        (issues, stories)
    };
    let before = rows(&index);
    let hits_before = index
        .search(&index.snapshot().expect("snapshot"), "harbour")
        .len();
    let generation = |index: &LibraryIndex| super::index::generation(&index.conn).expect("gen");
    let stored_at = generation(&index);
    index
        .conn
        .execute("UPDATE sources SET parser = 'an older nlread'", [])
        .expect("age");
    let synced = sync(&mut index, &lib);
    assert!(synced.parsed > 10, "{synced:?}");
    assert_eq!(rows(&index), before);
    // No issue came or went: the stored names are still good, so the
    // reader's first launch after an upgrade does not build them again.
    assert_eq!(generation(&index), stored_at);
    assert!(index.stored_snapshot(stored_at).is_some());
    let parsers: i64 = index
        .conn
        .query_row(
            "SELECT count(DISTINCT parser) FROM sources WHERE parser <> 'an older nlread'",
            [],
            |r| r.get(0),
        )
        .expect("parsers");
    let old: i64 = index
        .conn
        .query_row(
            "SELECT count(*) FROM sources WHERE parser = 'an older nlread'",
            [],
            |r| r.get(0),
        )
        .expect("old");
    assert_eq!(
        (parsers, old),
        (1, 0),
        "every source is marked read by this parser"
    );
    let snapshot = index.snapshot().expect("snapshot");
    assert_eq!(index.search(&snapshot, "harbour").len(), hits_before);
    assert!(hits_before > 0);
    // One file changed: only its rows are new.
    let changed = lib.join("zz-changed.md");
    fs::write(&changed, "# Harbour notes\n\nThe harbour opened.\n").expect("write");
    sync(&mut index, &lib);
    fs::write(&changed, "# Harbour notes\n\nThe harbour closed.\n").expect("rewrite");
    let (issues_then, _) = rows(&index);
    let generation_then = generation(&index);
    sync(&mut index, &lib);
    let (issues_now, _) = rows(&index);
    assert!(
        generation(&index) > generation_then,
        "an issue replaced: names to update"
    );
    let gone: Vec<&i64> = issues_then
        .iter()
        .filter(|i| !issues_now.contains(i))
        .collect();
    assert_eq!(gone.len(), 1, "{gone:?}");
}

#[test]
fn a_search_reading_the_snapshot_beside_the_text_finds_what_one_after_the_other_finds() {
    // `nlread search` asks the full-text index on a second connection
    // while the names are read; the answer must not change.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let snapshot = index.snapshot().expect("snapshot");
    for q in [
        "harbour",
        "ferry timetable",
        "stage reu",
        "kelp",
        "don't",
        "a",
        "orbit desk",
    ] {
        let all = index.search(&snapshot, q);
        let (_, beside, matched) = index.snapshot_and_search(q, None).expect("search");
        assert_eq!((&beside, matched), (&all, all.len()), "{q}");
        // The best few, as the whole list begins (ties in library order).
        for keep in [0, 1, 2, 5] {
            let (_, best, matched) = index.snapshot_and_search(q, Some(keep)).expect("search");
            assert_eq!(best, all[..keep.min(all.len())], "{q} {keep}");
            assert_eq!(matched, all.len(), "{q} {keep}");
        }
    }
    assert!(
        !index
            .snapshot_and_search("harbour", None)
            .expect("search")
            .1
            .is_empty()
    );
}

/// How often `text` holds a word starting with `term` (folded), capped:
/// counted on the folded text, a match wherever no letter or digit comes
/// before it (not as the index splits words).
fn words_starting_with(text: &str, term: &str) -> u8 {
    let folded = crate::search::fold_text(text);
    let n = folded
        .match_indices(term)
        .filter(|(at, _)| {
            folded[..*at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        })
        .count();
    u8::try_from(n).unwrap_or(u8::MAX).min(5)
}

/// Per story of `snapshot` (its flat numbering), what
/// `words_starting_with` counts in its text, trailing zeros trimmed.
fn counted_in_text(
    index: &LibraryIndex,
    snapshot: &super::search::Snapshot,
    term: &str,
) -> StoryCounts {
    let library = index.library(true).expect("library");
    let mut counts: StoryCounts = library
        .issues
        .iter()
        .flat_map(|i| &i.sections)
        .map(|s| words_starting_with(s.body(), term))
        .collect();
    assert_eq!(counts.len(), snapshot.index.len());
    trimmed(&mut counts);
    counts
}

fn trimmed(counts: &mut StoryCounts) {
    while counts.last() == Some(&0) {
        counts.pop();
    }
}

#[test]
fn word_postings_count_every_word_as_a_typed_term_finds_it() {
    // Through the postings, every story's count of words starting with a
    // term (capped) is what counting the folded text gives: case, accents
    // and ligatures as the filter folds a typed term, so "istanbul" finds
    // "İstanbul" and "straße" finds "Straße"; and for ASCII text, what the
    // full-text index's tokenizer counts as well.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).expect("library");
    let texts = [
        "The THE the tHe theme. Them, there; the!",
        "Don't don’t DON'T — don. Covid-19 covid 19 covid-19 COVID.",
        "Émile émile ÉMILE émile's e-mail email E-MAIL",
        "snake_case snake case 2024 2024x x2024 2024-25 a.b.c a.b a",
        "word—word word–word «word» word… the the the the the the the",
        "Straße STRASSE strasse İstanbul istanbul ﬁne fine ΟΔΟΣ οδος",
    ];
    for (n, text) in texts.iter().enumerate() {
        fs::write(
            lib.join(format!("{n}.md")),
            format!("# Issue {n}\n\n## Story {n}\n\n{text}\n\n## Other {n}\n\n{text} {text}\n"),
        )
        .expect("write");
    }
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let snapshot = index.snapshot().expect("snapshot");
    let conn = rusqlite::Connection::open(dir.path().join("index.db")).expect("open");
    let library = index.library(true).expect("library");
    let mut checked = 0;
    for term in [
        "the", "them", "don", "covid", "19", "émile", "emile", "mail", "snake", "case", "2024",
        "word", "stra", "straße", "strasse", "istanbul", "fine", "οδοσ", "x2024", "a", "b",
    ] {
        let mut ours = index.text_rows(term).counts(&snapshot.rows);
        trimmed(&mut ours);
        if term.chars().count() < crate::search::MIN_TEXT_TERM {
            assert!(ours.is_empty(), "{term:?}: {ours:?}");
            continue;
        }
        assert_eq!(ours, counted_in_text(&index, &snapshot, term), "{term:?}");
        checked += 1;
        // ASCII: the full-text index's tokenizer splits and folds alike.
        let mut theirs = StoryCounts::new();
        let mut stmt = conn
            .prepare("SELECT doc FROM stories_vocab WHERE term >= ?1 AND term < ?2")
            .expect("prepare");
        let upper = format!("{term}\u{10ffff}");
        let mut rows = stmt.query(rusqlite::params![term, upper]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            let at = snapshot
                .rows
                .number(row.get(0).expect("doc"))
                .expect("a story") as usize;
            if theirs.len() <= at {
                theirs.resize(at + 1, 0);
            }
            theirs[at] = (theirs[at] + 1).min(5);
        }
        let ascii_stories = library
            .issues
            .iter()
            .flat_map(|i| &i.sections)
            .map(|s| s.body().is_ascii());
        for (at, ascii) in ascii_stories.enumerate() {
            if ascii && term.is_ascii() {
                let count = |c: &StoryCounts| c.get(at).copied().unwrap_or(0);
                assert_eq!(count(&ours), count(&theirs), "{term:?} in story {at}");
            }
        }
    }
    assert!(checked >= 16, "{checked}");
    let found = |term: &str| {
        let counts = index.text_rows(term).counts(&snapshot.rows);
        counts.iter().filter(|&&c| c > 0).count()
    };
    assert_eq!(found("the"), 4, "the: stories 0 and 4, twice each");
    assert!(found("istanbul") > 0 && found("straße") > 0 && found("οδοσ") > 0);
    assert_eq!(
        found("emile"),
        0,
        "accents are not dropped, as in the filter"
    );
}

#[test]
fn word_segments_merge_as_files_arrive_and_drop_the_stories_gone() {
    // One file at a time, as a watcher sees them arrive: each sync writes
    // a segment, and the segments merge as they pile up, so a word is a
    // few rows however many files came one by one. Files removed leave
    // their stories' postings behind until a segment is half dead; then
    // it is written again without them. Counts stay exact throughout.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).expect("library");
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    let conn = rusqlite::Connection::open(dir.path().join("index.db")).expect("open");
    let segments = || -> i64 {
        conn.query_row("SELECT count(*) FROM word_segments", [], |r| r.get(0))
            .expect("count")
    };
    let rows_of = |word: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM word_postings WHERE word = ?1",
            [word],
            |r| r.get(0),
        )
        .expect("count")
    };
    let check = |index: &LibraryIndex| {
        let snapshot = index.snapshot().expect("snapshot");
        for term in ["ferry", "harbour", "issue", "zebra"] {
            let mut ours = index.text_rows(term).counts(&snapshot.rows);
            trimmed(&mut ours);
            assert_eq!(ours, counted_in_text(index, &snapshot, term), "{term:?}");
        }
    };
    let mut most = 0;
    for n in 0..40 {
        fs::write(
            lib.join(format!("{n:02}.md")),
            format!(
                "# Issue {n}\n\n## Ferry {n}\n\nThe ferry left the harbour. Ferry{n} again.\n\n\
                 ## Zebra {n}\n\nA zebra{} crossing by the harbour.\n{}",
                if n % 3 == 0 { " zebra zebra" } else { "" },
                // Files of one, two and five stories: segments of every size.
                match n % 3 {
                    0 => "",
                    1 => "\n## Tides\n\nTides.\n\n## Kelp\n\nKelp.\n\n## Gulls\n\nGulls.\n",
                    _ => "\n## Tides\n\nTides.\n",
                }
            ),
        )
        .expect("write");
        sync(&mut index, &lib);
        most = most.max(segments());
    }
    // From the newest back each segment is more than twice the next: 127
    // stories are a handful of segments, never one a file.
    assert!(most <= 6, "40 files one by one: {most} segments at once");
    let sizes: Vec<i64> = conn
        .prepare("SELECT stories FROM word_segments ORDER BY last_row")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("sizes");
    assert!(sizes.windows(2).all(|w| w[0] > 2 * w[1]), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<i64>(), 14 * 2 + 13 * 5 + 13 * 3);
    assert!(rows_of("ferry") <= 6, "{}", rows_of("ferry"));
    check(&index);
    // Most files go: their segments are rewritten without them, or
    // dropped when nothing of them is left.
    for n in 0..40 {
        if n % 10 != 0 {
            fs::remove_file(lib.join(format!("{n:02}.md"))).expect("remove");
        }
    }
    sync(&mut index, &lib);
    check(&index);
    let postings: i64 = conn
        .query_row(
            "SELECT coalesce(sum(length(postings)), 0) FROM word_postings",
            [],
            |r| r.get(0),
        )
        .expect("sum");
    let dead: i64 = conn
        .query_row(
            "SELECT coalesce(sum(dead), 0) FROM word_segments",
            [],
            |r| r.get(0),
        )
        .expect("dead");
    assert_eq!(dead, 0, "no segment holds a story gone");
    assert!(
        postings < 200,
        "what is left is 4 files' words: {postings} bytes"
    );
    for n in 0..40 {
        let _ = fs::remove_file(lib.join(format!("{n:02}.md")));
    }
    sync(&mut index, &lib);
    assert_eq!(
        (segments(), rows_of("ferry")),
        (0, 0),
        "an empty library holds no postings"
    );
}

#[test]
fn a_phrase_ends_in_a_prefix_only_from_three_letters() {
    // "don't" is "don" then "t": not "don" then any word starting with t;
    // "x-ray" may be half of "x-rayed", "x-rad" of "x-radiation".
    let dir = tempfile::tempdir().expect("tmp");
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).expect("library");
    let texts = [
        "Please don't stop the press.",
        "They don tell hats at the fair.",
        "The x-ray room is on the left.",
        "An x-rayed parcel came back.",
        "An x-radiation test.",
    ];
    for (n, text) in texts.iter().enumerate() {
        fs::write(
            lib.join(format!("{n}.md")),
            format!("# Issue {n}\n\n## Story {n}\n\n{text}\n"),
        )
        .expect("write");
    }
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let snapshot = index.snapshot().expect("snapshot");
    let library = index.library(true).expect("library");
    let found = |term: &str| -> Vec<String> {
        let counts = index.text_rows(term).counts(&snapshot.rows);
        let stories: Vec<&crate::model::Section> =
            library.issues.iter().flat_map(|i| &i.sections).collect();
        let mut titles: Vec<String> = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(n, _)| stories[n].title.clone())
            .collect();
        titles.sort();
        titles
    };
    assert_eq!(found("don't"), ["Story 0"]);
    assert_eq!(found("don’t"), ["Story 0"]);
    assert_eq!(found("x-ray"), ["Story 2", "Story 3"]);
    assert_eq!(found("x-rad"), ["Story 4"]);
    assert!(found("x-ra").is_empty(), "no word is ra alone");
}

#[test]
fn an_index_of_an_older_layout_is_built_again() {
    // Schema 2 counted words in an FTS5 table (`story_words`), without
    // the word postings: such an index is dropped and built again from
    // the files, so words are found through the postings.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let db = dir.path().join("index.db");
    {
        let (mut index, _) = LibraryIndex::open(&db).expect("open");
        sync(&mut index, &lib);
    }
    rusqlite::Connection::open(&db)
        .expect("open")
        .execute_batch(
            "DROP TABLE word_postings; DROP TABLE word_segments;
             CREATE VIRTUAL TABLE story_words USING fts5(c1, c2, c3, c4, c5, content='');
             PRAGMA user_version = 2;",
        )
        .expect("made old");
    let (mut index, _) = LibraryIndex::open(&db).expect("open again");
    let again = sync(&mut index, &lib);
    assert!(again.parsed > 0, "every file read again");
    let snapshot = index.snapshot().expect("snapshot");
    for word in ["ferry", "harbour", "kelp"] {
        let mut counts = index.text_rows(word).counts(&snapshot.rows);
        trimmed(&mut counts);
        assert_eq!(counts, counted_in_text(&index, &snapshot, word), "{word}");
    }
    let old: i64 = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'story_words'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(old, 0, "the old table is gone");
}

#[test]
fn a_write_that_fails_mid_sync_returns_its_error_and_never_hangs() {
    // The parsers wait on a short queue for the one writer; a write that
    // fails must let them go (the queue dropped), not leave the sync
    // waiting on them for ever. And a tidy of the word segments that fails
    // after a batch is in does not fail the sync.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).expect("library");
    for n in 0..600 {
        fs::write(
            lib.join(format!("{n:04}.md")),
            format!("# Issue {n}\n\n## Ferry {n}\n\nThe ferry {n}.\n"),
        )
        .expect("write");
    }
    let db = dir.path().join("index.db");
    let (mut index, _) = LibraryIndex::open(&db).expect("open");
    index
        .conn
        .execute_batch(
            "CREATE TRIGGER no_tidy BEFORE DELETE ON word_segments
             BEGIN SELECT RAISE(ABORT, 'tidy refused'); END;",
        )
        .expect("trigger");
    // Files one at a time: the tidy that would merge them fails every time.
    for n in 0..3 {
        fs::write(lib.join(format!("a{n}.md")), "# A\n\n## B\n\nC.\n").expect("write");
    }
    let first = std::thread::spawn(move || {
        let synced = sync(&mut index, &lib);
        (index, synced, lib)
    })
    .join()
    .expect("sync");
    let (mut index, synced, lib) = first;
    assert_eq!(synced.parsed, 603);
    for n in 600..1200 {
        fs::write(
            lib.join(format!("{n:04}.md")),
            format!("# Issue {n}\n\n## Ferry {n}\n\nThe ferry {n}.\n"),
        )
        .expect("write");
    }
    index
        .conn
        .execute_batch(
            "CREATE TRIGGER no_issues BEFORE INSERT ON issues
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
        )
        .expect("trigger");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = index.sync(
            std::slice::from_ref(&lib),
            &SplitRules::default(),
            &Progress::default(),
        );
        let _ = tx.send(result.map(|s| s.parsed).map_err(|e| e.to_string()));
    });
    let result = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the sync returned (it did not hang)");
    let err = result.expect_err("the write failed");
    assert!(err.contains("disk says no"), "{err}");
}

#[test]
fn a_library_brought_up_to_date_in_place_is_the_library_read_again() {
    // The reader's change when files come and go: its issues kept and
    // the ones added, put in the order `pieces` says, are the issues the
    // index gives read anew; the names reassembled answer as names built
    // anew.
    let dir = tempfile::tempdir().expect("tmp");
    let lib = library(dir.path());
    let (mut index, _) = LibraryIndex::open(&dir.path().join("index.db")).expect("open");
    sync(&mut index, &lib);
    let snapshot = index.snapshot().expect("snapshot");
    let (old, _, _) = index.all_issues(false).expect("read");
    // Two files come (one dated first, one undated), one goes.
    fs::write(
        lib.join("zz-new.md"),
        "# Harbour weekly\n\nDate: 2031-01-02\n\n## Ferry news\n\nThe ferry is back.\n",
    )
    .expect("write");
    fs::write(
        lib.join("zz-plain.md"),
        "# Kelp notes\n\n## Kelp\n\nKelp grows.\n",
    )
    .expect("write");
    let gone = fs::read_dir(&lib)
        .expect("lib")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "txt")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("zz-"))
        })
        .expect("a plain-text issue");
    fs::remove_file(&gone).expect("remove");
    sync(&mut index, &lib);
    let (issues, stories) = snapshot.rows_numbered();
    let update = index
        .update_from(&snapshot.index, issues, stories)
        .expect("update")
        .expect("not mostly new");
    let mut kept: Vec<Option<crate::model::Issue>> = old.into_iter().map(Some).collect();
    let mut added: Vec<Option<crate::model::Issue>> = update.added.into_iter().map(Some).collect();
    let put: Vec<crate::model::Issue> = update
        .pieces
        .iter()
        .map(|p| match *p {
            crate::search::Piece::Kept(n) => kept[n as usize].take().expect("kept once"),
            crate::search::Piece::Added(k) => added[k].take().expect("added once"),
        })
        .collect();
    assert!(
        added.iter().all(Option::is_none),
        "every issue added is placed"
    );
    let (anew, _, _) = index.all_issues(false).expect("read");
    assert_eq!(put, anew);
    let left: Vec<&str> = kept.iter().flatten().map(|i| i.id.as_str()).collect();
    assert!(
        left.iter().all(|id| anew.iter().all(|i| i.id != *id)),
        "only issues that went are left: {left:?}"
    );
    let came = update
        .pieces
        .iter()
        .filter(|p| matches!(p, crate::search::Piece::Added(_)))
        .count();
    assert!(came >= 2 && !left.is_empty(), "{came} came, {left:?} went");
    let built = index.snapshot().expect("snapshot");
    assert_eq!(update.snapshot.rows_numbered(), built.rows_numbered());
    for q in ["ferry", "kelp", "harbour weekly", "orbit", "zz"] {
        assert_eq!(
            index.search(&update.snapshot, q),
            index.search(&built, q),
            "{q}"
        );
    }
}
