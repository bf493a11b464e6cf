//! The library index: every source of the library folders (path, size,
//! modification time, content hash, the parser that read it), its issues
//! and stories (metadata, text, block layout, links, group), a full-text
//! index over story text (phrases) and word postings (words; see
//! `crate::db::words`).
//!
//! The newsletter files stay the source of truth: [`LibraryIndex::sync`]
//! stats the folders and parses only files that are new or changed (or read
//! by another parser version or other split rules), drops those that went,
//! and commits every few hundred files, so a first index killed half-way is
//! resumed, not restarted, by the next run. A damaged file is moved aside and
//! the index rebuilt from the files. Parsing runs on every core; the
//! parsed files wait in a short queue for the one writer, so memory holds a
//! few files at a time, never the library.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{DbError, connect, move_aside, sql, words};
use crate::library::Progress;
use crate::library::scan::{Job, Loader, Outcome, Own, load_job};
use crate::model::{Issue, Library, Link, Section, SourceError};
use crate::parse::SplitRules;

/// Bump when the tables change: an index of another version is rebuilt.
/// 2: `story_words`, each story's words by how often it holds them.
/// 3: word postings (`crate::db::words`) in place of `story_words`.
const SCHEMA_VERSION: i64 = 3;

/// A transaction of the first index ends after this many files or this
/// long, whichever comes first: what a SIGKILL can cost, and how long
/// another process's write may wait.
const BATCH_FILES: usize = 256;
const BATCH_TIME: Duration = Duration::from_millis(400);

const SCHEMA: &str = "
BEGIN;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    hash INTEGER,
    parser TEXT NOT NULL,
    skipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS errors(
    source_id INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    source TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY(source_id, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS issues(
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    key TEXT NOT NULL,
    source TEXT NOT NULL,
    newsletter TEXT,
    title TEXT NOT NULL,
    date TEXT,
    author TEXT,
    url TEXT,
    guid TEXT,
    modified INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS issues_by_source ON issues(source_id);
CREATE INDEX IF NOT EXISTS issues_by_date ON issues(date IS NULL, date DESC, source, pos);
CREATE TABLE IF NOT EXISTS stories(
    id INTEGER PRIMARY KEY,
    issue_id INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    grp TEXT,
    words INTEGER NOT NULL,
    body TEXT NOT NULL,
    spans BLOB NOT NULL,
    links TEXT
);
CREATE INDEX IF NOT EXISTS stories_by_issue ON stories(issue_id, pos);
CREATE INDEX IF NOT EXISTS stories_by_key ON stories(key);
CREATE INDEX IF NOT EXISTS stories_names ON stories(issue_id, pos, key, title, grp, words);
CREATE INDEX IF NOT EXISTS issues_by_guid ON issues(guid) WHERE guid IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS stories_fts USING fts5(
    body, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS stories_vocab USING fts5vocab(stories_fts, instance);
CREATE TABLE IF NOT EXISTS folders(path TEXT PRIMARY KEY, mtime INTEGER NOT NULL) WITHOUT ROWID;
COMMIT;
";

/// The library index database.
pub struct LibraryIndex {
    pub(crate) conn: Connection,
    path: PathBuf,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synced {
    /// Files in the library folders.
    pub files: usize,
    /// Files parsed (new, changed, or read by another parser before).
    pub parsed: usize,
    /// Files gone from the folders, dropped from the index.
    pub removed: usize,
    /// Paths the walk could not look at (not stored: said each time).
    pub walk_errors: Vec<SourceError>,
    /// Stories split again that took the marks of the stories they were.
    pub carried: usize,
}

/// What to call the parser that read a file: a file read by another one
/// (a new nlread, parsers changed in any way, other split rules) is read
/// again.
pub fn parser_key(rules: &SplitRules) -> String {
    let fingerprint = rules.fingerprint();
    let rules_id = crate::parse::stable_id(&[fingerprint.as_bytes()]);
    format!(
        "{}/{}/{rules_id}",
        env!("CARGO_PKG_VERSION"),
        crate::parse::BUILD
    )
}

impl LibraryIndex {
    /// Opens the index at `path`, creating it. A file that is no database
    /// (cut short, scrambled, another program's) is moved aside and a new
    /// index started: the warning says so. Anything else (a read-only
    /// folder, a FIFO in its place) is an error, and the caller reads the
    /// files without an index.
    pub fn open(path: &Path) -> Result<(LibraryIndex, Vec<String>), DbError> {
        let mut warnings = Vec::new();
        match LibraryIndex::open_once(path) {
            Ok(index) => Ok((index, warnings)),
            Err(e) if e.is_damage() => {
                let why = e.to_string();
                let aside = move_aside(path).map_err(|source| DbError::MoveAside {
                    path: path.display().to_string(),
                    why: why.clone(),
                    source,
                })?;
                warnings.push(format!(
                    "the library index {} was damaged ({why}); it was moved aside as {} and is \
                     being rebuilt from your newsletter files (no reading state is kept in it)",
                    path.display(),
                    aside.display()
                ));
                Ok((LibraryIndex::open_once(path)?, warnings))
            }
            Err(e) => Err(e),
        }
    }

    /// A second connection to this index (open and checked already), for
    /// another thread.
    pub(crate) fn another(&self) -> Result<LibraryIndex, DbError> {
        Ok(LibraryIndex {
            conn: connect(&self.path)?,
            path: self.path.clone(),
        })
    }

    fn open_once(path: &Path) -> Result<LibraryIndex, DbError> {
        let conn = connect(path)?;
        let err = sql(path);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&err)?;
        if version != SCHEMA_VERSION {
            // Another layout (or a new file): built again from the files.
            conn.execute_batch(
                "DROP TABLE IF EXISTS snapshot; DROP TABLE IF EXISTS folders;
                 DROP TABLE IF EXISTS stories_vocab; DROP TABLE IF EXISTS stories_fts;
                 DROP TABLE IF EXISTS story_words_vocab; DROP TABLE IF EXISTS story_words;
                 DROP TABLE IF EXISTS word_postings; DROP TABLE IF EXISTS word_segments;
                 DROP TABLE IF EXISTS stories; DROP TABLE IF EXISTS issues;
                 DROP TABLE IF EXISTS errors; DROP TABLE IF EXISTS sources;
                 DROP TABLE IF EXISTS meta;",
            )
            .map_err(&err)?;
        }
        conn.execute_batch(SCHEMA).map_err(&err)?;
        conn.execute_batch(words::SCHEMA).map_err(&err)?;
        // The search snapshot was kept in a table before it moved to a file
        // beside the index (see `crate::db::search`).
        let old_snapshot: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'",
                [],
                |r| r.get(0),
            )
            .map_err(&err)?;
        if old_snapshot > 0 {
            let _ = conn.execute_batch("DROP TABLE snapshot");
        }
        if version != SCHEMA_VERSION {
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(&err)?;
        }
        // A file cut short can pass the header: its length is checked
        // against its pages now, so a truncated index is found here rather
        // than half-way through a search (damage found later is handled
        // where it is met).
        let pages: i64 = conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(&err)?;
        conn.query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0))
            .map_err(&err)?;
        check_length(path, pages, &conn).map_err(&err)?;
        Ok(LibraryIndex {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Brings the index up to date with the files in `dirs`: every file
    /// looked at, new and changed ones parsed (with `rules`), gone ones
    /// dropped. `progress` hears of each file parsed, with its issues.
    pub fn sync(
        &mut self,
        dirs: &[PathBuf],
        rules: &SplitRules,
        progress: &Progress,
    ) -> Result<Synced, DbError> {
        self.sync_with(dirs, rules, progress, false)
    }

    /// [`LibraryIndex::sync`] that looks at the files of a folder only when
    /// the folder changed since the last sync (a file added, removed or
    /// renamed in it, as a fetch, `nlread add` or a mail delivery do): a
    /// file rewritten in place, its folder untouched, waits for the next
    /// full sync (the reader's start, or its watcher).
    pub fn sync_quick(
        &mut self,
        dirs: &[PathBuf],
        rules: &SplitRules,
        progress: &Progress,
    ) -> Result<Synced, DbError> {
        self.sync_with(dirs, rules, progress, true)
    }

    fn sync_with(
        &mut self,
        dirs: &[PathBuf],
        rules: &SplitRules,
        progress: &Progress,
        quick: bool,
    ) -> Result<Synced, DbError> {
        let mut loader = Loader::new(
            Own::here(crate::paths::cache_dir().as_deref()),
            rules.clone(),
        );
        if quick {
            let stamps = self.folder_stamps().map_err(sql(&self.path))?;
            if let Some(synced) = self.nothing_changed(dirs, &stamps, rules) {
                return Ok(synced);
            }
            loader.unchanged = Some(stamps);
        }
        for dir in dirs {
            loader.add_folder(dir);
        }
        let walked = loader.into_walked();
        let walk_errors = walked.errors.clone();
        let synced = self.sync_jobs(walked.jobs, walked.errors, rules, progress)?;
        // Only once every file is in: a sync killed before this trusts no
        // folder it did not finish.
        self.store_folder_stamps(dirs, &walked.folders, &walk_errors, rules)
            .map_err(sql(&self.path))?;
        Ok(synced)
    }

    /// Every folder of the last walk still has its modification time, the
    /// walk started from the same folders and the same parser read them:
    /// nothing was added, removed or renamed anywhere, so there is nothing
    /// to walk. The walk's errors are those it found then.
    fn nothing_changed(
        &self,
        dirs: &[PathBuf],
        stamps: &HashMap<PathBuf, i64>,
        rules: &SplitRules,
    ) -> Option<Synced> {
        let stored: String = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'walk'", [], |r| {
                r.get(0)
            })
            .ok()?;
        let walk: Walk = serde_json::from_str(&stored).ok()?;
        if walk.roots != roots_of(dirs) || walk.parser != parser_key(rules) || stamps.is_empty() {
            return None;
        }
        for (folder, mtime) in stamps {
            let now = std::fs::metadata(folder).ok()?;
            let now = crate::library::cache::Stamp::of(&now).modified();
            if i64::try_from(now).ok()? != *mtime || *mtime == 0 {
                return None;
            }
        }
        Some(Synced {
            files: walk.files,
            parsed: 0,
            removed: 0,
            walk_errors: walk.errors,
            carried: 0,
        })
    }

    fn folder_stamps(&self) -> rusqlite::Result<HashMap<PathBuf, i64>> {
        let mut stmt = self.conn.prepare("SELECT path, mtime FROM folders")?;
        let rows = stmt.query_map([], |r| {
            Ok((PathBuf::from(r.get::<_, String>(0)?), r.get(1)?))
        })?;
        rows.collect()
    }

    fn store_folder_stamps(
        &mut self,
        dirs: &[PathBuf],
        folders: &[(PathBuf, i64)],
        errors: &[SourceError],
        rules: &SplitRules,
    ) -> rusqlite::Result<()> {
        let walk = Walk {
            roots: roots_of(dirs),
            parser: parser_key(rules),
            files: self
                .conn
                .query_row("SELECT count(*) FROM sources", [], |r| r.get::<_, i64>(0))
                .map(|n| usize::try_from(n).unwrap_or(0))?,
            errors: errors.to_vec(),
        };
        let walk = serde_json::to_string(&walk)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let stored = self.folder_stamps()?;
        let same =
            stored.len() == folders.len() && folders.iter().all(|(p, m)| stored.get(p) == Some(m));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('walk', ?1)
             ON CONFLICT(key) DO UPDATE SET value = ?1",
            [&walk],
        )?;
        if same {
            return tx.commit();
        }
        tx.execute("DELETE FROM folders", [])?;
        {
            let mut insert =
                tx.prepare_cached("INSERT OR REPLACE INTO folders(path, mtime) VALUES (?1, ?2)")?;
            // A folder changed in the last two seconds may change again
            // within its file system's clock step (a second on some): not
            // trusted, looked at again next time.
            let recent = i64::try_from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            )
            .unwrap_or(i64::MAX)
            .saturating_sub(2_000_000_000);
            for (path, mtime) in folders {
                let mtime = if *mtime >= recent { 0 } else { *mtime };
                if let Some(path) = path.to_str() {
                    insert.execute(params![path, mtime])?;
                }
            }
        }
        tx.commit()
    }

    fn sync_jobs(
        &mut self,
        mut jobs: Vec<Job>,
        walk_errors: Vec<SourceError>,
        rules: &SplitRules,
        progress: &Progress,
    ) -> Result<Synced, DbError> {
        let path = self.path.clone();
        let err = sql(&path);
        let parser = parser_key(rules);
        let known = self.known().map_err(&err)?;
        // A file of an unchanged folder the index does not know (an index
        // rebuilt since): looked at now.
        for job in &mut jobs {
            if job.unchanged
                && !known.contains_key(key_of(job))
                && let Ok(meta) = std::fs::metadata(&job.path)
            {
                job.stamp = crate::library::cache::Stamp::of(&meta);
                job.unchanged = false;
            }
        }
        let mut seen: HashSet<&str> = HashSet::with_capacity(jobs.len());
        let mut todo: Vec<(usize, Option<Known>)> = Vec::new();
        for (i, job) in jobs.iter().enumerate() {
            let key = key_of(job);
            seen.insert(key);
            if job.unchanged {
                continue;
            }
            let (size, mtime) = stamp(job);
            match known.get(key) {
                Some(k) if k.size == size && k.mtime == mtime && k.parser == parser => {}
                other => todo.push((i, other.cloned())),
            }
        }
        let gone: Vec<i64> = known
            .iter()
            .filter(|(path, _)| !seen.contains(path.as_str()))
            .map(|(_, k)| k.id)
            .collect();
        if !gone.is_empty() {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(&err)?;
            // The ids of the rows going are never handed out again.
            Ids::load(&tx).and_then(|ids| ids.save(&tx)).map_err(&err)?;
            for id in &gone {
                delete_source(&tx, *id).map_err(&err)?;
            }
            bump_generation(&tx).map_err(&err)?;
            tx.commit().map_err(&err)?;
            let _ = words::tidy(&self.conn);
        }
        let mut synced = Synced {
            files: jobs.len(),
            parsed: todo.len(),
            removed: gone.len(),
            walk_errors,
            carried: 0,
        };
        if todo.is_empty() {
            return Ok(synced);
        }
        let total = todo.len();
        let next = AtomicUsize::new(0);
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(total)
            .max(1);
        // A short queue: parsed files wait here for the writer, a few at a
        // time, so memory never holds more than these.
        let (tx_parsed, rx_parsed) = sync_channel::<(usize, Parsed)>(threads * 4);
        let written = std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx_parsed = tx_parsed.clone();
                let (jobs, todo, next) = (&jobs, &todo, &next);
                scope.spawn(move || {
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some((i, known)) = todo.get(n) else {
                            return;
                        };
                        let parsed = parse_one(&jobs[*i], known.as_ref(), rules);
                        if tx_parsed.send((*i, parsed)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx_parsed);
            let written = self.write_all(&jobs, &rx_parsed, &parser, total, progress);
            // The queue goes before the parsers are waited for: a write
            // that failed leaves them blocked on a full queue otherwise.
            drop(rx_parsed);
            written
        });
        let carried = written.map_err(&err)?;
        synced.carried = carried.given;
        synced.walk_errors.extend(carried.failed);
        Ok(synced)
    }

    /// The writer: takes parsed files off the queue and stores them, a
    /// transaction every [`BATCH_FILES`] files or [`BATCH_TIME`].
    fn write_all(
        &mut self,
        jobs: &[Job],
        parsed: &std::sync::mpsc::Receiver<(usize, Parsed)>,
        parser: &str,
        total: usize,
        progress: &Progress,
    ) -> rusqlite::Result<Carried> {
        let mut done = 0;
        let mut carried = Carried::default();
        let marks = self.marks_path();
        let mut iter = parsed.iter().peekable();
        while iter.peek().is_some() {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let started = Instant::now();
            let mut in_batch = 0;
            let mut carries = Vec::new();
            let mut ids = Ids::load(&tx)?;
            let mut segment = words::Segment::default();
            let mut changed = false;
            for (i, parsed) in iter.by_ref() {
                let job = &jobs[i];
                let mut out = Out {
                    carries: &mut carries,
                    ids: &mut ids,
                    segment: &mut segment,
                    changed: &mut changed,
                };
                store(&tx, job, &parsed, parser, &mut out)?;
                done += 1;
                in_batch += 1;
                let issues = match &parsed.outcome {
                    Some(Outcome::Issues(issues, _)) => issues.as_slice(),
                    _ => &[],
                };
                progress.report(done, total, issues);
                if in_batch >= BATCH_FILES || started.elapsed() >= BATCH_TIME {
                    break;
                }
            }
            ids.save(&tx)?;
            segment.write(&tx)?;
            // Files read again to what the index holds (a new parser that
            // splits them as before, a touched file) change no issue: the
            // stored names stay good (an upgrade's first launch does not
            // build them again from every title).
            if changed {
                bump_generation(&tx)?;
            }
            // Carried before the batch is committed: killed in between, the
            // batch is parsed again and the carries made again (a carry
            // never writes over a mark).
            carried.apply(&marks, &carries);
            tx.commit()?;
            // Only tidying: the batch is in. A tidy that fails (busy past
            // the timeout, a full disk) is tried again after the next one.
            let _ = words::tidy(&self.conn);
        }
        Ok(carried)
    }

    /// The reading-state database beside this index, where marks of
    /// stories split again are carried.
    fn marks_path(&self) -> PathBuf {
        self.path.with_file_name(crate::paths::STATE_DB)
    }

    /// Every source the index holds, by path.
    fn known(&self) -> rusqlite::Result<HashMap<String, Known>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, path, size, mtime, hash, parser FROM sources")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(1)?,
                Known {
                    id: r.get(0)?,
                    size: r.get(2)?,
                    mtime: r.get(3)?,
                    hash: r.get(4)?,
                    parser: r.get(5)?,
                },
            ))
        })?;
        rows.collect()
    }

    /// How many issues the index holds (a count of the small table only).
    pub fn issue_count(&self) -> Result<usize, DbError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM issues", [], |r| r.get(0))
            .map_err(sql(&self.path))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// How many issues and stories the index holds.
    pub fn counts(&self) -> Result<(usize, usize), DbError> {
        let err = sql(&self.path);
        let count = |table: &str| -> Result<usize, DbError> {
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(&err)?;
            Ok(usize::try_from(n).unwrap_or(0))
        };
        Ok((count("issues")?, count("stories")?))
    }

    /// The whole library as the index holds it, in the reader's order
    /// (newest first), copies of one feed item or email shown once. With
    /// `text` false, stories carry their title, group and word count but
    /// no text (what the issue list and the filter's names need).
    pub fn library(&self, text: bool) -> Result<Library, DbError> {
        let (issues, _, _) = self.all_issues(text)?;
        Ok(Library {
            issues,
            errors: self.errors()?,
        })
    }

    /// Every issue in the reader's order with its stories (their text when
    /// `text`), each issue's story rows, and the issues' rows; as [`LibraryIndex::each_issue`]
    /// gives them, read in two sweeps rather than one join: the issues in
    /// order, then the stories in the order they are stored (the names from
    /// an index holding them, the text from the table front to back), so
    /// no story row is looked up on its own.
    #[allow(clippy::type_complexity)]
    pub fn all_issues(&self, text: bool) -> Result<(Vec<Issue>, Vec<Vec<i64>>, Vec<i64>), DbError> {
        let err = sql(&self.path);
        let hidden = self.hidden_copies().map_err(&err)?;
        let mut issues = Vec::new();
        let mut issue_ids = Vec::new();
        let mut at: HashMap<i64, usize> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT id, key, source, newsletter, title, date, author, url, guid
                     FROM issues ORDER BY date IS NULL, date DESC, source, pos",
                )
                .map_err(&err)?;
            let mut rows = stmt.query([]).map_err(&err)?;
            while let Some(row) = rows.next().map_err(&err)? {
                let id: i64 = row.get(0).map_err(&err)?;
                if hidden.contains(&id) {
                    continue;
                }
                at.insert(id, issues.len());
                issues.push(issue_of(row).map_err(&err)?);
                issue_ids.push(id);
            }
        }
        let mut ids: Vec<Vec<i64>> = vec![Vec::new(); issues.len()];
        let mut order: Vec<Vec<i64>> = vec![Vec::new(); issues.len()];
        let query = if text {
            "SELECT issue_id, pos, key, title, grp, words, id, body, spans, links FROM stories"
        } else {
            "SELECT issue_id, pos, key, title, grp, words, id FROM stories INDEXED BY stories_names
             ORDER BY issue_id, pos"
        };
        let mut stmt = self.conn.prepare(query).map_err(&err)?;
        let mut rows = stmt.query([]).map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            let issue: i64 = row.get(0).map_err(&err)?;
            let Some(&i) = at.get(&issue) else {
                continue;
            };
            let body = if text {
                Some((
                    row.get(7).map_err(&err)?,
                    row.get(8).map_err(&err)?,
                    row.get(9).map_err(&err)?,
                ))
            } else {
                None
            };
            let section = build_section(
                row.get(2).map_err(&err)?,
                row.get(3).map_err(&err)?,
                row.get(4).map_err(&err)?,
                row.get(5).map_err(&err)?,
                body,
            );
            if let Some(section) = section {
                issues[i].sections.push(section);
                ids[i].push(row.get(6).map_err(&err)?);
                order[i].push(row.get(1).map_err(&err)?);
            }
        }
        // Stored in order already; a story moved out of it is put back.
        for (i, positions) in order.iter().enumerate() {
            if positions.windows(2).any(|w| w[0] > w[1]) {
                let mut paired: Vec<(i64, Section, i64)> = positions
                    .iter()
                    .copied()
                    .zip(std::mem::take(&mut issues[i].sections))
                    .zip(std::mem::take(&mut ids[i]))
                    .map(|((p, s), r)| (p, s, r))
                    .collect();
                paired.sort_by_key(|(p, ..)| *p);
                for (_, section, row) in paired {
                    issues[i].sections.push(section);
                    ids[i].push(row);
                }
            }
        }
        Ok((issues, ids, issue_ids))
    }

    /// The rows of the issues shown, in the reader's order (what
    /// [`LibraryIndex::all_issues`] reads, without reading them).
    pub(crate) fn visible_issue_ids(&self) -> Result<Vec<i64>, DbError> {
        let err = sql(&self.path);
        let hidden = self.hidden_copies().map_err(&err)?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM issues ORDER BY date IS NULL, date DESC, source, pos")
            .map_err(&err)?;
        let ids = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .map_err(&err)?
            .collect::<rusqlite::Result<Vec<i64>>>()
            .map_err(&err)?;
        Ok(ids.into_iter().filter(|id| !hidden.contains(id)).collect())
    }

    /// The issues of rows `ids` with their story titles (no text) and each
    /// one's story rows, as [`LibraryIndex::all_issues`] gives them.
    pub(crate) fn issues_by_id(&self, ids: &[i64]) -> Result<(Vec<Issue>, Vec<Vec<i64>>), DbError> {
        let err = sql(&self.path);
        let mut issue = self
            .conn
            .prepare_cached(
                "SELECT id, key, source, newsletter, title, date, author, url, guid
                 FROM issues WHERE id = ?1",
            )
            .map_err(&err)?;
        let mut stories = self
            .conn
            .prepare_cached(
                "SELECT key, title, grp, words, id FROM stories INDEXED BY stories_names
                 WHERE issue_id = ?1 ORDER BY pos",
            )
            .map_err(&err)?;
        let mut issues = Vec::with_capacity(ids.len());
        let mut rows = Vec::with_capacity(ids.len());
        for &id in ids {
            let mut read = issue.query_row([id], issue_of).map_err(&err)?;
            let mut story_rows = Vec::new();
            let mut found = stories.query([id]).map_err(&err)?;
            while let Some(row) = found.next().map_err(&err)? {
                let section = build_section(
                    row.get(0).map_err(&err)?,
                    row.get(1).map_err(&err)?,
                    row.get(2).map_err(&err)?,
                    row.get(3).map_err(&err)?,
                    None,
                );
                if let Some(section) = section {
                    read.sections.push(section);
                    story_rows.push(row.get(4).map_err(&err)?);
                }
            }
            issues.push(read);
            rows.push(story_rows);
        }
        Ok((issues, rows))
    }

    /// This index's own name, made when it is first needed: a file kept
    /// beside the index (the search snapshot) names the index it was made
    /// from, so an index moved aside and built again, which counts its
    /// generations from the start, never takes a stale one for its own.
    pub(crate) fn identity(&self) -> Option<u64> {
        self.conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'identity'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .ok()
            .map(|n| u64::from_le_bytes(n.to_le_bytes()))
    }

    /// [`LibraryIndex::identity`], made now if there is none (None: it
    /// cannot be written).
    pub(crate) fn identity_made(&self) -> Option<u64> {
        if let Some(identity) = self.identity() {
            return Some(identity);
        }
        let seed = format!(
            "{:?} {} {}",
            std::time::SystemTime::now(),
            std::process::id(),
            self.path.display()
        );
        let made = xxhash_rust::xxh3::xxh3_64(seed.as_bytes());
        let _ = self.conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('identity', ?1)",
            [i64::from_le_bytes(made.to_le_bytes()).to_string()],
        );
        // Another process may have made it first: theirs is the one.
        self.identity()
    }

    /// Where the search snapshot is kept: beside the index, named after it.
    pub(crate) fn snapshot_path(&self) -> PathBuf {
        self.path.with_extension("names")
    }

    /// Calls `each` with every issue in the reader's order until it returns
    /// false; see [`LibraryIndex::library`].
    /// `each` also gets the stories' row ids (the full-text index's).
    pub fn each_issue(
        &self,
        text: bool,
        each: &mut dyn FnMut(Issue, Vec<i64>) -> bool,
    ) -> Result<(), DbError> {
        let err = sql(&self.path);
        let hidden = self.hidden_copies().map_err(&err)?;
        let columns = if text {
            "s.body, s.spans, s.links"
        } else {
            "NULL, NULL, NULL"
        };
        let query = format!(
            "SELECT i.id, i.key, i.source, i.newsletter, i.title, i.date, i.author, i.url,
                    i.guid, s.key, s.title, s.grp, s.words, {columns}, s.id
             FROM issues i LEFT JOIN stories s ON s.issue_id = i.id
             ORDER BY i.date IS NULL, i.date DESC, i.source, i.pos, s.pos"
        );
        let mut stmt = self.conn.prepare(&query).map_err(&err)?;
        let mut rows = stmt.query([]).map_err(&err)?;
        let mut current: Option<(i64, Issue, Vec<i64>)> = None;
        while let Some(row) = rows.next().map_err(&err)? {
            let id: i64 = row.get(0).map_err(&err)?;
            if hidden.contains(&id) {
                continue;
            }
            if current.as_ref().is_none_or(|(at, _, _)| *at != id) {
                if let Some((_, done, ids)) = current.take()
                    && !each(done, ids)
                {
                    return Ok(());
                }
                current = Some((id, issue_of(row).map_err(&err)?, Vec::new()));
            }
            let section = section_of(row, text).map_err(&err)?;
            let story: Option<i64> = row.get(16).map_err(&err)?;
            if let (Some((_, issue, ids)), Some(section), Some(story)) =
                (current.as_mut(), section, story)
            {
                issue.sections.push(section);
                ids.push(story);
            }
        }
        if let Some((_, done, ids)) = current {
            each(done, ids);
        }
        Ok(())
    }

    /// The sources that could not be read, as the load reported them.
    pub fn errors(&self) -> Result<Vec<SourceError>, DbError> {
        let err = sql(&self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.source, e.message FROM errors e JOIN sources s ON s.id = e.source_id
                 ORDER BY s.path, e.pos",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SourceError {
                    source: r.get(0)?,
                    message: r.get(1)?,
                })
            })
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&err)
    }

    /// Issues hidden because a newer copy of the same item (GUID, or
    /// Message-ID) is in the library: the rule of
    /// [`crate::library::scan::newest_copies`], files in path order.
    fn hidden_copies(&self) -> rusqlite::Result<HashSet<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.guid, i.modified FROM issues i INDEXED BY issues_by_guid
             JOIN sources s ON s.id = i.source_id
             WHERE i.guid IS NOT NULL ORDER BY s.path, i.pos",
        )?;
        let mut best: HashMap<String, (i64, i64)> = HashMap::new();
        let mut hidden = HashSet::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (id, guid, modified) = row?;
            match best.get(&guid) {
                Some(&(_, m)) if m >= modified => {
                    hidden.insert(id);
                }
                Some(&(b, _)) => {
                    hidden.insert(b);
                    best.insert(guid, (id, modified));
                }
                None => {
                    best.insert(guid, (id, modified));
                }
            }
        }
        Ok(hidden)
    }

    /// One story with its text, by section id (the reader loads the story
    /// it shows).
    pub fn story(&self, section_id: &str) -> Result<Option<Section>, DbError> {
        let err = sql(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT key, title, grp, words, body, spans, links FROM stories WHERE key = ?1
                 LIMIT 1",
            )
            .map_err(&err)?;
        stmt.query_row([section_id], |r| {
            Ok(build_section(
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                Some((r.get(4)?, r.get(5)?, r.get(6)?)),
            ))
        })
        .optional()
        .map(Option::flatten)
        .map_err(&err)
    }
}

/// What the last walk started from and found, for a quick sync that finds
/// nothing changed.
#[derive(serde::Serialize, serde::Deserialize)]
struct Walk {
    roots: Vec<String>,
    parser: String,
    files: usize,
    errors: Vec<SourceError>,
}

fn roots_of(dirs: &[PathBuf]) -> Vec<String> {
    dirs.iter().map(|d| d.display().to_string()).collect()
}

/// A source as the index knows it.
#[derive(Debug, Clone)]
struct Known {
    id: i64,
    size: i64,
    mtime: i64,
    hash: Option<i64>,
    parser: String,
}

/// What a worker made of one file: its content hash, and its outcome
/// (None: same content as indexed, only its stamp changed).
struct Parsed {
    hash: Option<i64>,
    outcome: Option<Outcome>,
}

fn key_of(job: &Job) -> &str {
    job.canonical
        .as_deref()
        .unwrap_or(&job.path)
        .to_str()
        .unwrap_or("")
}

fn stamp(job: &Job) -> (i64, i64) {
    (
        i64::try_from(job.stamp.size()).unwrap_or(i64::MAX),
        i64::try_from(job.stamp.modified()).unwrap_or(i64::MAX),
    )
}

/// Hashes the file and, unless its content is what the index already holds
/// (under the same parser), parses it.
fn parse_one(job: &Job, known: Option<&Known>, rules: &SplitRules) -> Parsed {
    let hash = content_hash(&job.path);
    if let (Some(h), Some(k)) = (hash, known)
        && k.hash == Some(h)
        && k.parser == parser_key(rules)
    {
        return Parsed {
            hash,
            outcome: None,
        };
    }
    Parsed {
        hash,
        outcome: Some(load_job(job, rules)),
    }
}

/// xxh3 of a file's bytes, read in 64 KiB pieces (an mbox may be large);
/// None when it cannot be read (the parse then says why).
fn content_hash(path: &Path) -> Option<i64> {
    let (mut file, _) = crate::store::own::open_regular(path).ok()?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(i64::from_le_bytes(hasher.digest().to_le_bytes()))
}

/// A database file shorter than its pages (and no WAL to hold the rest)
/// was cut short.
fn check_length(path: &Path, pages: i64, conn: &Connection) -> rusqlite::Result<()> {
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let on_disk = std::fs::metadata(path).map_or(0, |m| m.len());
    let mut wal = path.as_os_str().to_os_string();
    wal.push("-wal");
    let wal_len = std::fs::metadata(PathBuf::from(wal)).map_or(0, |m| m.len());
    let expected = u64::try_from(pages.saturating_mul(size)).unwrap_or(0);
    if on_disk < expected && wal_len == 0 {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            Some(format!(
                "the file is {on_disk} bytes, its pages need {expected}: it was cut short"
            )),
        ));
    }
    Ok(())
}

/// The row ids the next issue and story get. SQLite gives a new row the
/// largest id + 1, so a file parsed again could give its new issues the
/// ids of the ones just deleted; ids handed out here only grow, so an
/// issue id always names the same issue and stories (rows are never
/// changed in place): what lets the search snapshot be brought up to date
/// from the issues added and gone (see `crate::db::search`), and a reader
/// open for days map a full-text hit to the right story.
struct Ids {
    issue: i64,
    story: i64,
}

impl Ids {
    /// The next ids: past every row there is and every id handed out.
    fn load(tx: &Connection) -> rusqlite::Result<Ids> {
        let next = |counter: &str, table: &str| -> rusqlite::Result<i64> {
            let given: Option<i64> = tx
                .query_row(
                    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1",
                    [counter],
                    |r| r.get(0),
                )
                .optional()?;
            let past_rows: i64 = tx.query_row(
                &format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
                [],
                |r| r.get(0),
            )?;
            Ok(given.unwrap_or(0).max(past_rows))
        };
        Ok(Ids {
            issue: next("next_issue", "issues")?,
            story: next("next_story", "stories")?,
        })
    }

    fn next_issue(&mut self) -> i64 {
        self.issue += 1;
        self.issue - 1
    }

    fn next_story(&mut self) -> i64 {
        self.story += 1;
        self.story - 1
    }

    /// Kept in the transaction that used them.
    fn save(&self, tx: &Connection) -> rusqlite::Result<()> {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = ?2",
        )?;
        stmt.execute(params!["next_issue", self.issue.to_string()])?;
        stmt.execute(params!["next_story", self.story.to_string()])?;
        Ok(())
    }
}

/// Every write that adds or drops issues moves the index's generation on
/// (in the same transaction), so a search snapshot built before it is
/// known to be stale.
fn bump_generation(tx: &Connection) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta(key, value) VALUES ('generation', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )?;
    Ok(())
}

/// The index's generation (see [`bump_generation`]).
pub(crate) fn generation(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'",
        [],
        |r| r.get(0),
    )
    .optional()
    .map(|g| g.unwrap_or(0))
}

/// Drops a source and what it gave; how many issues went.
fn delete_source(tx: &Connection, id: i64) -> rusqlite::Result<usize> {
    let rows: Vec<i64> = tx
        .prepare_cached(
            "SELECT s.id FROM stories s JOIN issues i ON s.issue_id = i.id WHERE i.source_id = ?1",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        tx.prepare_cached("DELETE FROM stories_fts WHERE rowid = ?1")?
            .execute([row])?;
        words::note_gone(tx, row)?;
    }
    tx.execute(
        "DELETE FROM stories WHERE issue_id IN (SELECT id FROM issues WHERE source_id = ?1)",
        [id],
    )?;
    let issues = tx.execute("DELETE FROM issues WHERE source_id = ?1", [id])?;
    tx.execute("DELETE FROM errors WHERE source_id = ?1", [id])?;
    tx.execute("DELETE FROM sources WHERE id = ?1", [id])?;
    Ok(issues)
}

/// What storing a transaction's files gives besides its rows: the marks
/// to carry, the ids handed out, the words of the stories written, and
/// whether any issue came or went.
struct Out<'a> {
    carries: &'a mut Vec<crate::store::carry::Carry>,
    ids: &'a mut Ids,
    segment: &'a mut words::Segment,
    changed: &'a mut bool,
}

/// Stores one parsed file, replacing what the index held for its path.
fn store(
    tx: &Connection,
    job: &Job,
    parsed: &Parsed,
    parser: &str,
    out: &mut Out,
) -> rusqlite::Result<()> {
    let key = key_of(job);
    let (size, mtime) = stamp(job);
    let Some(outcome) = &parsed.outcome else {
        // Same bytes as indexed: only the stamp moves on.
        tx.prepare_cached("UPDATE sources SET size = ?2, mtime = ?3 WHERE path = ?1")?
            .execute(params![key, size, mtime])?;
        return Ok(());
    };
    let old: Option<i64> = tx
        .prepare_cached("SELECT id FROM sources WHERE path = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    let mut before = Vec::new();
    if let Some(id) = old {
        // Read again to the same issues and stories (a new nlread whose
        // parsers split this file as before): only the source's record
        // moves on. Its rows, their ids and the full-text index stay.
        if let Outcome::Issues(issues, errors) = outcome
            && holds_already(tx, id, issues, errors, mtime)?
        {
            tx.prepare_cached(
                "UPDATE sources SET size = ?2, mtime = ?3, hash = ?4, parser = ?5, skipped = 0
                 WHERE id = ?1",
            )?
            .execute(params![id, size, mtime, parsed.hash, parser])?;
            return Ok(());
        }
        let issues = match outcome {
            Outcome::Issues(issues, _) => issues.as_slice(),
            _ => &[],
        };
        before = stories_of(tx, id, issues)?;
        if delete_source(tx, id)? > 0 {
            *out.changed = true;
        }
    }
    let skipped = matches!(outcome, Outcome::Skipped);
    tx.prepare_cached(
        "INSERT INTO sources(path, size, mtime, hash, parser, skipped) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![key, size, mtime, parsed.hash, parser, skipped])?;
    let source_id = tx.last_insert_rowid();
    let shown = job.path.display().to_string();
    let mut error_at = 0i64;
    let mut add_error = |source: &str, message: &str| -> rusqlite::Result<()> {
        tx.prepare_cached(
            "INSERT INTO errors(source_id, pos, source, message) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![source_id, error_at, source, message])?;
        error_at += 1;
        Ok(())
    };
    match outcome {
        Outcome::Skipped => {}
        Outcome::Failed(e) => add_error(&shown, &e.to_string())?,
        Outcome::Issues(issues, errors) => {
            for e in errors {
                add_error(&e.source, &e.message)?;
            }
            for (pos, issue) in issues.iter().enumerate() {
                store_issue(tx, source_id, pos, issue, mtime, out)?;
                *out.changed = true;
            }
            out.carries.extend(carries_of(&before, issues));
        }
    }
    Ok(())
}

/// Whether the index holds exactly `issues` and `errors` for source
/// `source_id`, stored with modification time `mtime`: every issue and
/// story column as `store_issue` would write it. Stops at the first
/// difference, so a file whose content changed costs one row or two.
fn holds_already(
    tx: &Connection,
    source_id: i64,
    issues: &[Issue],
    errors: &[SourceError],
    mtime: i64,
) -> rusqlite::Result<bool> {
    let stored: Vec<(String, String)> = tx
        .prepare_cached("SELECT source, message FROM errors WHERE source_id = ?1 ORDER BY pos")?
        .query_map([source_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if !stored
        .iter()
        .map(|(s, m)| (s.as_str(), m.as_str()))
        .eq(errors
            .iter()
            .map(|e| (e.source.as_str(), e.message.as_str())))
    {
        return Ok(false);
    }
    let mut issue_rows = tx.prepare_cached(
        "SELECT id, key, source, newsletter, title, date, author, url, guid, modified
         FROM issues WHERE source_id = ?1 ORDER BY pos",
    )?;
    let mut rows = issue_rows.query([source_id])?;
    let mut stories = tx.prepare_cached(
        "SELECT key, title, grp, words, body, spans, links FROM stories WHERE issue_id = ?1
         ORDER BY pos",
    )?;
    let mut next = issues.iter();
    while let Some(row) = rows.next()? {
        let Some(issue) = next.next() else {
            return Ok(false);
        };
        let same = row.get_ref(1)?.as_str()? == issue.id
            && row.get_ref(2)?.as_str()? == issue.source
            && row.get::<_, Option<String>>(3)? == issue.newsletter
            && row.get_ref(4)?.as_str()? == issue.title
            && row.get::<_, Option<String>>(5)? == issue.date
            && row.get::<_, Option<String>>(6)? == issue.author
            && row.get::<_, Option<String>>(7)? == issue.url
            && row.get::<_, Option<String>>(8)? == issue.guid
            && row.get::<_, i64>(9)? == mtime;
        if !same {
            return Ok(false);
        }
        let mut held = stories.query([row.get::<_, i64>(0)?])?;
        let mut sections = issue.sections.iter();
        while let Some(story) = held.next()? {
            let Some(section) = sections.next() else {
                return Ok(false);
            };
            let (body, spans) = section.raw_parts();
            let links = if section.links.is_empty() {
                None
            } else {
                serde_json::to_string(&section.links).ok()
            };
            let same = story.get_ref(0)?.as_str()? == section.id
                && story.get_ref(1)?.as_str()? == section.title
                && story.get::<_, Option<String>>(2)? == section.group
                && story.get::<_, i64>(3)? == section.words as i64
                && story.get_ref(4)?.as_str()? == body
                && story.get_ref(5)?.as_blob()? == encode_spans(spans).as_slice()
                && story.get::<_, Option<String>>(6)? == links;
            if !same {
                return Ok(false);
            }
        }
        if sections.next().is_some() {
            return Ok(false);
        }
    }
    Ok(next.next().is_none())
}

/// Marks carried to stories split again, and why some could not be.
#[derive(Default)]
struct Carried {
    given: usize,
    failed: Vec<SourceError>,
}

impl Carried {
    fn apply(&mut self, state: &Path, carries: &[crate::store::carry::Carry]) {
        match super::state::carry_marks(state, carries) {
            Ok(given) => self.given += given,
            Err(e) => self.failed.push(SourceError {
                source: state.display().to_string(),
                message: format!(
                    "the marks of {} stories split again could not be given to their new \
                     stories ({e})",
                    carries.len()
                ),
            }),
        }
    }
}

/// An issue as the index held it before its file was parsed again: its
/// id, GUID, and its stories' ids, titles and text.
struct Before {
    key: String,
    guid: Option<String>,
    stories: Vec<(String, String, String)>,
}

/// The issues and stories the index holds for a source, as far as
/// `issues` (what the source holds now) need them to carry marks: the text
/// of an old issue's stories is read only when the same issue now has
/// stories with other ids. A file re-read by a new nlread that splits it
/// as before costs no text read.
fn stories_of(tx: &Connection, source_id: i64, issues: &[Issue]) -> rusqlite::Result<Vec<Before>> {
    let mut old: Vec<(i64, Before)> = tx
        .prepare_cached("SELECT id, key, guid FROM issues WHERE source_id = ?1 ORDER BY pos")?
        .query_map([source_id], |r| {
            Ok((
                r.get(0)?,
                Before {
                    key: r.get(1)?,
                    guid: r.get(2)?,
                    stories: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = tx.prepare_cached("SELECT key FROM stories WHERE issue_id = ?1 ORDER BY pos")?;
    let mut stories =
        tx.prepare_cached("SELECT key, title, body FROM stories WHERE issue_id = ?1 ORDER BY pos")?;
    for (id, before) in &mut old {
        let Some(now) = matching(before, issues) else {
            continue;
        };
        let was: Vec<String> = keys
            .query_map([*id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if was.iter().eq(now.sections.iter().map(|s| &s.id)) {
            continue;
        }
        before.stories = stories
            .query_map([*id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(old.into_iter().map(|(_, before)| before).collect())
}

/// The issue of `issues` that is `before` again: by its id (the same
/// bytes, read by changed parsers) or its GUID (a feed item updated in
/// place).
fn matching<'a>(before: &Before, issues: &'a [Issue]) -> Option<&'a Issue> {
    issues
        .iter()
        .find(|i| before.key == i.id || (before.guid.is_some() && before.guid == i.guid))
}

/// The marks that follow stories split again: an issue is the same issue
/// by its id (the same bytes, read by changed parsers) or its GUID (a feed
/// item updated in place).
fn carries_of(before: &[Before], issues: &[Issue]) -> Vec<crate::store::carry::Carry> {
    use crate::store::carry::{Shape, carry};
    let mut carries = Vec::new();
    for issue in issues {
        let Some(old) = before
            .iter()
            .find(|b| matching(b, std::slice::from_ref(issue)).is_some())
        else {
            continue;
        };
        let old: Vec<Shape> = old
            .stories
            .iter()
            .map(|(id, title, body)| Shape { id, title, body })
            .collect();
        let new: Vec<Shape> = issue
            .sections
            .iter()
            .map(|s| Shape {
                id: &s.id,
                title: &s.title,
                body: s.raw_parts().0,
            })
            .collect();
        carries.extend(carry(&old, &new));
    }
    carries
}

fn store_issue(
    tx: &Connection,
    source_id: i64,
    pos: usize,
    issue: &Issue,
    modified: i64,
    out: &mut Out,
) -> rusqlite::Result<()> {
    let issue_id = out.ids.next_issue();
    tx.prepare_cached(
        "INSERT INTO issues(id, source_id, pos, key, source, newsletter, title, date, author,
                            url, guid, modified)
         VALUES (?12, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        source_id,
        pos as i64,
        issue.id,
        issue.source,
        issue.newsletter,
        issue.title,
        issue.date,
        issue.author,
        issue.url,
        issue.guid,
        modified,
        issue_id
    ])?;
    for (pos, section) in issue.sections.iter().enumerate() {
        let (body, spans) = section.raw_parts();
        let spans = encode_spans(spans);
        let links = if section.links.is_empty() {
            None
        } else {
            serde_json::to_string(&section.links).ok()
        };
        let story_id = out.ids.next_story();
        tx.prepare_cached(
            "INSERT INTO stories(id, issue_id, pos, key, title, grp, words, body, spans, links)
             VALUES (?10, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            issue_id,
            pos as i64,
            section.id,
            section.title,
            section.group,
            section.words as i64,
            body,
            spans,
            links,
            story_id
        ])?;
        tx.prepare_cached("INSERT INTO stories_fts(rowid, body) VALUES (?1, ?2)")?
            .execute(params![story_id, body])?;
        out.segment.add(story_id, body);
    }
    Ok(())
}

/// Per block: kind, number, label length, end (13 bytes, little-endian).
fn encode_spans(spans: impl Iterator<Item = crate::model::RawSpan>) -> Vec<u8> {
    let mut out = Vec::new();
    for (kind, number, label, end) in spans {
        out.push(kind);
        out.extend_from_slice(&number.to_le_bytes());
        out.extend_from_slice(&label.to_le_bytes());
        out.extend_from_slice(&end.to_le_bytes());
    }
    out
}

fn decode_spans(bytes: &[u8]) -> Option<Vec<crate::model::RawSpan>> {
    if !bytes.len().is_multiple_of(13) {
        return None;
    }
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    bytes
        .chunks_exact(13)
        .map(|c| Some((c[0], u32_at(c, 1)?, u32_at(c, 5)?, u32_at(c, 9)?)))
        .collect()
}

pub(crate) fn issue_of(row: &rusqlite::Row) -> rusqlite::Result<Issue> {
    Ok(Issue {
        id: row.get(1)?,
        source: row.get(2)?,
        newsletter: row.get(3)?,
        title: row.get(4)?,
        date: row.get(5)?,
        author: row.get(6)?,
        sections: Vec::new(),
        url: row.get(7)?,
        guid: row.get(8)?,
    })
}

/// The story of a joined row (None: an issue without stories), with its
/// text when asked.
fn section_of(row: &rusqlite::Row, text: bool) -> rusqlite::Result<Option<Section>> {
    let Some(key) = row.get::<_, Option<String>>(9)? else {
        return Ok(None);
    };
    let body = if text {
        Some((row.get(13)?, row.get(14)?, row.get(15)?))
    } else {
        None
    };
    Ok(build_section(
        key,
        row.get(10)?,
        row.get(11)?,
        row.get(12)?,
        body,
    ))
}

/// A section from its columns; without `body` (text, spans, links) it has
/// no blocks. A row whose spans do not fit its text (a damaged index) gives
/// None rather than a story that could panic the reader.
pub(crate) fn build_section(
    key: String,
    title: String,
    group: Option<String>,
    words: i64,
    body: Option<(String, Vec<u8>, Option<String>)>,
) -> Option<Section> {
    let words = usize::try_from(words).unwrap_or(0);
    let Some((text, spans, links)) = body else {
        return Section::from_raw_parts(key, title, words, String::new(), [])
            .map(|s| s.in_group(group));
    };
    let spans = decode_spans(&spans)?;
    let links: Vec<Link> = links
        .and_then(|l| serde_json::from_str(&l).ok())
        .unwrap_or_default();
    Section::from_raw_parts(key, title, words, text, spans)
        .map(|s| s.in_group(group).with_links(links))
}
