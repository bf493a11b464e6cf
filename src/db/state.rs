//! The reading state in SQLite: one row per story's marks, so marking a
//! story writes that row, not every mark; the resume point, the queries and
//! every field this version does not know (see [`ReadingState`]) in one
//! small JSON value beside them.
//!
//! The rules of `state.json` hold here too:
//! - first run: `state.json` is read (damaged, foreign and unreadable files
//!   handled as before) and copied in; the file is left as it was, as the
//!   backup of the state before the database;
//! - two readers: each save writes only the marks that changed since it
//!   last spoke to the database, a row taking a change only when it is at
//!   least as recent as the row's (the later change wins, as in
//!   [`ReadingState::merge`]), then reads the rows others wrote since
//!   (a sequence number per save) and hands them back merged; SQLite's lock
//!   and the busy timeout make the saves take turns;
//! - the first save of each run copies the database to `.bak` (SQLite's
//!   `VACUUM INTO`, a consistent copy): a damaged database is moved aside
//!   (`.corrupt-<time>`), said, and the backup loaded in its place;
//! - a database deleted while nlread runs is made again from the state in
//!   memory at the next save (nothing marked is lost) and said;
//! - a read-only or full disk, or a database another program keeps locked,
//!   makes a save fail with a sentence; the changes stay in memory and go
//!   with the next save.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{DbError, busy_timeout, connect_waiting, describe, is_damage, move_aside};
use crate::model::{Mark, ReadingState};
use crate::store::{LoadReport, SaveError, StateFile, StateStore};

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
BEGIN;
CREATE TABLE IF NOT EXISTS marks(
    section TEXT PRIMARY KEY,
    read INTEGER NOT NULL,
    starred INTEGER NOT NULL,
    at INTEGER NOT NULL,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS marks_by_seq ON marks(seq);
CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
COMMIT;
";

/// What [`StateDb::place_backup`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placed {
    /// The backup is the database now.
    Backup,
    /// No backup, or none that reads.
    Nothing,
    /// Another reader made the database meanwhile.
    Taken,
}

/// The reading-state database, and what this process last agreed with it.
pub struct StateDb {
    path: PathBuf,
    /// `state.json`, read once when the database is first made.
    legacy: Option<PathBuf>,
    conn: Option<Connection>,
    /// Identity of the file opened, to notice it deleted or replaced.
    identity: Option<(u64, u64)>,
    /// The highest save sequence number seen.
    seen: i64,
    /// `state.json` was read whole when there was no database.
    legacy_read: bool,
    backed_up: bool,
    /// What the last save has to say although it worked.
    notice: Option<String>,
    /// How long a save waits for another process's lock.
    busy: std::time::Duration,
    /// Why saving is off, when it is.
    why_off: Option<String>,
}

impl StateDb {
    /// The database at `path`; `legacy` is the `state.json` to migrate
    /// from the first time.
    pub fn new(path: PathBuf, legacy: Option<PathBuf>) -> StateDb {
        StateDb {
            path,
            legacy,
            conn: None,
            identity: None,
            seen: 0,
            legacy_read: false,
            backed_up: false,
            notice: None,
            busy: busy_timeout(),
            why_off: None,
        }
    }

    /// The same database, waiting at most `busy` for another process's lock.
    pub fn waiting(mut self, busy: std::time::Duration) -> StateDb {
        self.busy = busy;
        self
    }

    /// The reading-state database in the data folder, migrating `state.json`.
    pub fn default_place() -> Option<StateDb> {
        Some(StateDb::new(
            crate::paths::state_db()?,
            crate::paths::state_json(),
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn backup_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_os_string();
        name.push(".bak");
        PathBuf::from(name)
    }

    /// Opens the database, creating the tables; an error that means the
    /// file is damaged is told apart by [`DbError::is_damage`].
    fn open_checked(&self, path: &Path) -> Result<Connection, DbError> {
        let conn = connect_waiting(path, self.busy)?;
        let err = super::sql(path);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&err)?;
        conn.execute_batch(SCHEMA).map_err(&err)?;
        if version < SCHEMA_VERSION {
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(&err)?;
        }
        // Reads every row of the marks table, as the load will (a count
        // alone is answered from the covering index on seq, never looking
        // at the table): a truncated or damaged file shows here, and is
        // recovered from the backup.
        conn.query_row(
            "SELECT count(*), max(seq), sum(length(section) + read + starred + at)
             FROM marks NOT INDEXED",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(&err)?;
        Ok(conn)
    }

    fn identity_of(path: &Path) -> Option<(u64, u64)> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
        }
        #[cfg(not(unix))]
        {
            std::fs::metadata(path).ok().map(|m| (m.len(), 0))
        }
    }

    /// Loads: the database, or (first run) `state.json` copied in, or
    /// (damaged) the backup. Never fails; see the module's rules.
    fn load_inner(&mut self) -> (ReadingState, LoadReport) {
        let mut report = LoadReport::default();
        // A missing database whose backup is there: the backup is put in
        // its place before anything opens (and so creates) the file.
        let restored = !self.path.exists() && self.restore_backup(&mut report);
        let conn = match self.open_checked(&self.path) {
            Ok(conn) => conn,
            Err(e) if e.is_damage() => match self.recover(&e, &mut report) {
                Some(conn) => conn,
                None => return self.without_database(report),
            },
            Err(e) => {
                report.warnings.push(format!(
                    "{}; marks will not be saved this time",
                    e.to_string().trim_end_matches('.')
                ));
                self.why_off = Some(e.to_string());
                return self.without_database(report);
            }
        };
        self.identity = StateDb::identity_of(&self.path);
        self.conn = Some(conn);
        let migrated = self.kv("migrated").ok().flatten().is_some();
        if !restored && !migrated {
            self.migrate(&mut report);
        }
        match self.read_all() {
            Ok(state) => (state, report),
            Err(e) => {
                report.warnings.push(format!(
                    "the reading state in {} could not be read ({}); starting with no stories \
                     read, and marks will not be saved",
                    self.path.display(),
                    describe(&e)
                ));
                (ReadingState::new(), report)
            }
        }
    }

    /// No database for now: the state of `state.json` (as it was before the
    /// database), and each save tries the database again; the first that
    /// opens it writes every mark held.
    fn without_database(&mut self, mut report: LoadReport) -> (ReadingState, LoadReport) {
        self.conn = None;
        let Some(legacy) = &self.legacy else {
            return (ReadingState::new(), report);
        };
        let mut file = StateFile::new(legacy.clone());
        let (state, legacy_report) = file.load();
        self.legacy_read = file.is_writable();
        report.warnings.extend(legacy_report.warnings);
        (state, report)
    }

    /// A damaged database: moved aside, said, and the backup (if it reads)
    /// opened in its place; else a new one, filled from `state.json`.
    fn recover(&mut self, e: &DbError, report: &mut LoadReport) -> Option<Connection> {
        let aside = match move_aside(&self.path) {
            Ok(aside) => aside,
            Err(io) => {
                report.warnings.push(format!(
                    "{} is damaged ({e}) and could not be moved aside ({io}); it is left as it \
                     is and marks will not be saved",
                    self.path.display()
                ));
                return None;
            }
        };
        let mut said = format!(
            "the reading-state database {} was damaged; it was moved aside as {}",
            self.path.display(),
            aside.display()
        );
        let restored = self.place_backup() == Placed::Backup;
        if restored {
            let backup = self.backup_path();
            said.push_str(&format!(" and the backup {} was loaded", backup.display()));
        } else {
            said.push_str("; no backup could be read, so the marks start from state.json if any");
        }
        report.warnings.push(said);
        let conn = self.open_checked(&self.path).ok()?;
        if !restored {
            // A fresh file: state.json is copied in again.
            let _ = conn.execute("DELETE FROM kv WHERE key = 'migrated'", []);
        }
        Some(conn)
    }

    /// The database file was missing but its backup is there: the backup
    /// is put in its place (and said). True when it was.
    fn restore_backup(&mut self, report: &mut LoadReport) -> bool {
        if self.place_backup() != Placed::Backup {
            return false;
        }
        report.warnings.push(format!(
            "{} was missing; the backup {} was loaded",
            self.path.display(),
            self.backup_path().display()
        ));
        true
    }

    /// Puts a copy of the backup where the database belongs, only while no
    /// database is there: the copy is made and checked under a name of its
    /// own, then linked into place, which fails when another reader made
    /// the database first (its database is then used, never replaced).
    pub(super) fn place_backup(&self) -> Placed {
        let backup = self.backup_path();
        if !backup.is_file() {
            return Placed::Nothing;
        }
        let mut name = self.path.as_os_str().to_os_string();
        name.push(format!(".restoring-{}", std::process::id()));
        let copy = PathBuf::from(name);
        let _ = super::remove_with_sides(&copy);
        let good = std::fs::copy(&backup, &copy).is_ok()
            && self
                .open_checked(&copy)
                .map(Connection::close)
                .is_ok_and(|closed| closed.is_ok());
        let placed = if !good {
            Placed::Nothing
        } else {
            match std::fs::hard_link(&copy, &self.path) {
                Ok(()) => Placed::Backup,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Placed::Taken,
                Err(_) => Placed::Nothing,
            }
        };
        let _ = super::remove_with_sides(&copy);
        placed
    }

    /// Copies `state.json` in (first run). Its problems are said as before;
    /// the file itself is left as it is.
    fn migrate(&mut self, report: &mut LoadReport) {
        let Some(legacy) = self.legacy.clone() else {
            let _ = self.set_kv("migrated", "no state.json");
            return;
        };
        let mut file = StateFile::new(legacy.clone());
        let (state, legacy_report) = file.load();
        if !legacy.exists() && legacy_report.warnings.is_empty() {
            let _ = self.set_kv("migrated", "no state.json");
            return;
        }
        report.warnings.extend(legacy_report.warnings);
        // A file nlread could not read (permissions, a FIFO, another
        // program's JSON) still holds the user's marks: copied in once it
        // can be read, said at every start until then.
        let read = file.is_writable();
        if !read {
            // The database saves: only the file's own marks wait.
            for warning in &mut report.warnings {
                *warning = warning.replace(
                    "reading state will not be saved",
                    "its marks wait in it until it can be read; new marks are saved in the \
                     reading-state database",
                );
            }
        }
        match self.write(&state, None) {
            Ok(()) if read => {
                let _ = self.set_kv("migrated", &legacy.display().to_string());
            }
            Ok(()) => {}
            Err(e) => report.warnings.push(format!(
                "the reading state of {} could not be copied into {} ({}); it is read from \
                 the file until it can",
                legacy.display(),
                self.path.display(),
                describe(&e)
            )),
        }
    }

    fn kv(&self, key: &str) -> rusqlite::Result<Option<String>> {
        let Some(conn) = &self.conn else {
            return Ok(None);
        };
        conn.query_row("SELECT value FROM kv WHERE key = ?1", [key], |r| r.get(0))
            .optional()
    }

    fn set_kv(&self, key: &str, value: &str) -> rusqlite::Result<()> {
        if let Some(conn) = &self.conn {
            conn.execute(
                "INSERT INTO kv(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = ?2",
                params![key, value],
            )?;
        }
        Ok(())
    }

    /// Every mark and the rest, as the database holds them now.
    fn read_all(&mut self) -> rusqlite::Result<ReadingState> {
        let Some(conn) = &self.conn else {
            return Ok(ReadingState::new());
        };
        let tx = conn.unchecked_transaction()?;
        let rest: Option<String> = tx
            .query_row("SELECT value FROM kv WHERE key = 'rest'", [], |r| r.get(0))
            .optional()?;
        let stored = rest.and_then(|r| serde_json::from_str::<ReadingState>(&r).ok());
        let mut state = match stored {
            Some(state) => state,
            None => ReadingState::new(),
        };
        let mut stmt = tx.prepare("SELECT section, read, starred, at, seq FROM marks")?;
        let mut rows = stmt.query([])?;
        let mut seen = 0;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let mark = Mark {
                read: row.get(1)?,
                starred: row.get(2)?,
                at: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
            };
            seen = seen.max(row.get::<_, i64>(4)?);
            state.stories.insert(id, mark);
        }
        drop(rows);
        drop(stmt);
        tx.commit()?;
        self.seen = seen;
        Ok(state)
    }

    /// Writes the marks of `state` that differ from what the database last
    /// held for us (all of them with `everything`), a row taking ours when
    /// ours is at least as recent, and the rest merged with the stored rest.
    fn write(&mut self, state: &ReadingState, changed: Option<&Touched>) -> rusqlite::Result<()> {
        let Some(conn) = self.conn.as_mut() else {
            return Ok(());
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM marks", [], |r| {
            r.get(0)
        })?;
        {
            // Only the fields this reader changed: a star given here
            // never writes "unread" over a read mark another reader saved
            // meanwhile.
            let mut upsert = tx.prepare_cached(
                "INSERT INTO marks(section, read, starred, at, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(section) DO UPDATE SET
                    read = CASE WHEN ?6 THEN excluded.read ELSE marks.read END,
                    starred = CASE WHEN ?7 THEN excluded.starred ELSE marks.starred END,
                    at = excluded.at, seq = excluded.seq
                 WHERE excluded.at >= marks.at",
            )?;
            let mut put = |id: &String, mark: &Mark, fields: Fields| -> rusqlite::Result<()> {
                let at = i64::try_from(mark.at).unwrap_or(i64::MAX);
                upsert.execute(params![
                    id,
                    mark.read,
                    mark.starred,
                    at,
                    seq,
                    fields.read,
                    fields.starred
                ])?;
                Ok(())
            };
            match changed {
                // Only what changed: one mark is one row.
                Some(changed) => {
                    for (id, &fields) in changed {
                        if let Some(mark) = state.stories.get(id) {
                            put(id, mark, fields)?;
                        }
                    }
                }
                None => {
                    for (id, mark) in &state.stories {
                        put(id, mark, Fields::BOTH)?;
                    }
                }
            }
        }
        let stored: Option<String> = tx
            .query_row("SELECT value FROM kv WHERE key = 'rest'", [], |r| r.get(0))
            .optional()?;
        let mut rest = state.without_plain_marks();
        if let Some(theirs) = stored
            .as_deref()
            .and_then(|s| serde_json::from_str::<ReadingState>(s).ok())
        {
            rest.merge(&theirs);
        }
        let json = serde_json::to_string(&rest)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        if stored.as_deref() != Some(json.as_str()) {
            tx.execute(
                "INSERT INTO kv(key, value) VALUES ('rest', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = ?1",
                [&json],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Marks other processes wrote since we last looked, and the stored rest.
    fn read_since(&mut self) -> rusqlite::Result<Since> {
        let Some(conn) = &self.conn else {
            return Ok((Vec::new(), None));
        };
        let tx = conn.unchecked_transaction()?;
        let mut stmt =
            tx.prepare_cached("SELECT section, read, starred, at, seq FROM marks WHERE seq > ?1")?;
        let mut rows = stmt.query([self.seen])?;
        let mut theirs = Vec::new();
        let mut seen = self.seen;
        while let Some(row) = rows.next()? {
            let mark = Mark {
                read: row.get(1)?,
                starred: row.get(2)?,
                at: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
            };
            seen = seen.max(row.get::<_, i64>(4)?);
            theirs.push((row.get::<_, String>(0)?, mark));
        }
        drop(rows);
        drop(stmt);
        let rest: Option<String> = tx
            .query_row("SELECT value FROM kv WHERE key = 'rest'", [], |r| r.get(0))
            .optional()?;
        tx.commit()?;
        self.seen = seen;
        Ok((
            theirs,
            rest.and_then(|r| serde_json::from_str::<ReadingState>(&r).ok()),
        ))
    }

    /// The database was deleted (or replaced) under us: open the file now
    /// at the path, and write everything we hold into it.
    fn reopen_if_gone(&mut self) -> Result<Option<String>, SaveError> {
        let now = StateDb::identity_of(&self.path);
        if self.conn.is_some() && now.is_some() && now == self.identity {
            return Ok(None);
        }
        self.conn = None;
        let conn = match self.open_checked(&self.path) {
            Ok(conn) => conn,
            Err(e) if e.is_damage() => {
                let mut report = LoadReport::default();
                let conn = self.recover(&e, &mut report);
                let said = report.warnings.join("; ");
                let Some(conn) = conn else {
                    // Nothing to write in: the save failed, and the
                    // changes stay owed for the next one.
                    return Err(SaveError::Database(said));
                };
                self.conn = Some(conn);
                self.identity = StateDb::identity_of(&self.path);
                self.seen = 0;
                return Ok(Some(said));
            }
            Err(e) => return Err(SaveError::Database(e.to_string())),
        };
        self.conn = Some(conn);
        self.identity = StateDb::identity_of(&self.path);
        self.seen = 0;
        let _ = self.set_kv("migrated", "written again from memory");
        Ok(Some(format!(
            "the reading-state database {} was deleted while nlread ran; it was written again \
             with every mark nlread holds",
            self.path.display()
        )))
    }

    /// Keeps the database as it was at the start of this run in `.bak`; a
    /// failure only means no backup this run.
    fn backup(&mut self) {
        self.backed_up = true;
        let Some(conn) = &self.conn else {
            return;
        };
        let backup = self.backup_path();
        let mut tmp = backup.as_os_str().to_os_string();
        tmp.push(format!("-{}", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let _ = std::fs::remove_file(&tmp);
        let made = conn.execute("VACUUM INTO ?1", [tmp.display().to_string()]);
        if made.is_ok() {
            let _ = std::fs::rename(&tmp, &backup);
        }
        let _ = std::fs::remove_file(&tmp);
    }

    /// The state a database holds, read without changing anything (no
    /// file made, nothing migrated): for tools and tests.
    pub fn peek(path: &Path) -> Result<ReadingState, DbError> {
        let err = super::sql(path);
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| DbError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(busy_timeout()).map_err(&err)?;
        // A database being made by another process has no tables yet.
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('marks', 'kv')",
                [],
                |r| r.get(0),
            )
            .map_err(&err)?;
        if tables < 2 {
            return Ok(ReadingState::new());
        }
        let mut db = StateDb::new(path.to_path_buf(), None);
        db.conn = Some(conn);
        db.read_all().map_err(&err)
    }

    fn save_inner(
        &mut self,
        state: &mut ReadingState,
        changed: &Touched,
    ) -> Result<Vec<(String, Mark)>, SaveError> {
        let recreated = if self.conn.is_none() {
            // Not opened at the start (a full disk, a folder nlread may not
            // write in): tried again now.
            let conn = self
                .open_checked(&self.path)
                .map_err(|e| SaveError::Database(e.to_string()))?;
            self.conn = Some(conn);
            self.identity = StateDb::identity_of(&self.path);
            if self.legacy_read && self.kv("migrated").ok().flatten().is_none() {
                let _ = self.set_kv("migrated", "state.json, once the database could be made");
            }
            Some(format!(
                "the reading-state database {} could be opened now; every mark is saved in it",
                self.path.display()
            ))
        } else {
            self.reopen_if_gone()?
        };
        if !self.backed_up {
            self.backup();
        }
        let shown = self.path.display().to_string();
        let fail = |e: rusqlite::Error| {
            SaveError::Database(format!("could not write {shown}: {}", describe(&e)))
        };
        let changed = if recreated.is_some() {
            None
        } else {
            Some(changed)
        };
        if let Err(e) = self.write(state, changed) {
            if is_damage(&e) {
                // Damaged under us: moved aside at the next save, and
                // everything written again then.
                self.identity = None;
            }
            return Err(fail(e));
        }
        let (theirs, rest) = self.read_since().map_err(fail)?;
        // Theirs where later than ours (ours on a tie, as
        // `ReadingState::merge`).
        // A row this save wrote is ours with the fields others changed: it
        // is taken as it is.
        let mut came = Vec::new();
        for (id, mark) in theirs {
            let newer = state.stories.get(&id).is_none_or(|ours| ours.at < mark.at);
            let written = changed.is_some_and(|c| c.contains_key(&id));
            if (newer || written) && state.stories.get(&id) != Some(&mark) {
                state.stories.insert(id.clone(), mark);
                came.push((id, mark));
            }
        }
        if let Some(rest) = rest {
            state.merge(&rest);
        }
        self.notice = recreated;
        Ok(came)
    }
}

/// Marks other processes wrote since we last looked, and the stored rest.
type Since = (Vec<(String, Mark)>, Option<ReadingState>);

impl StateStore for StateDb {
    fn load(&mut self) -> (ReadingState, LoadReport) {
        self.load_inner()
    }

    fn save(
        &mut self,
        state: &mut ReadingState,
        changed: &std::collections::HashSet<String>,
    ) -> Result<Vec<(String, Mark)>, SaveError> {
        let touched: Touched = changed
            .iter()
            .map(|id| (id.clone(), Fields::BOTH))
            .collect();
        self.save_inner(state, &touched)
    }

    fn save_changes(
        &mut self,
        state: &mut ReadingState,
        before: &std::collections::HashMap<String, Option<Mark>>,
    ) -> Result<Vec<(String, Mark)>, SaveError> {
        let touched: Touched = before
            .iter()
            .filter_map(|(id, was)| {
                let now = state.stories.get(id)?;
                let was = was.unwrap_or_default();
                let fields = Fields {
                    read: now.read != was.read,
                    starred: now.starred != was.starred,
                };
                (fields.read || fields.starred).then(|| (id.clone(), fields))
            })
            .collect();
        self.save_inner(state, &touched)
    }

    fn notice(&mut self) -> Option<String> {
        self.notice.take()
    }
}

/// Which of a story's marks a save writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fields {
    read: bool,
    starred: bool,
}

impl Fields {
    const BOTH: Fields = Fields {
        read: true,
        starred: true,
    };
}

/// The stories a save writes, and which of their marks.
type Touched = std::collections::HashMap<String, Fields>;

/// Gives stories split again the marks of the stories they were (see
/// [`crate::store::carry`]): for each carry whose new story has no mark of
/// its own and whose old stories have one, a row read when every old one
/// was read, starred when the carry takes stars and one was. One
/// transaction; a reader running now hears of the rows at its next save,
/// as of another reader's marks. No database yet: no marks to carry.
/// Gives the number of stories that took marks.
pub fn carry_marks(path: &Path, carries: &[crate::store::carry::Carry]) -> Result<usize, DbError> {
    if carries.is_empty() || !path.is_file() {
        return Ok(0);
    }
    let err = super::sql(path);
    let mut conn = super::connect(path)?;
    let has_marks: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'marks'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(&err)?
        > 0;
    if !has_marks {
        return Ok(0);
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(&err)?;
    let mut given = 0;
    {
        let seq: i64 = tx
            .query_row("SELECT coalesce(max(seq), 0) + 1 FROM marks", [], |r| {
                r.get(0)
            })
            .map_err(&err)?;
        let mut get = tx
            .prepare_cached("SELECT read, starred, at FROM marks WHERE section = ?1")
            .map_err(&err)?;
        let mut put = tx
            .prepare_cached(
                "INSERT INTO marks(section, read, starred, at, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(section) DO NOTHING",
            )
            .map_err(&err)?;
        for carry in carries {
            let mut read = true;
            let mut starred = false;
            let mut at = None::<i64>;
            for old in &carry.from {
                let mark = get
                    .query_row([old], |r| {
                        Ok((
                            r.get::<_, bool>(0)?,
                            r.get::<_, bool>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    })
                    .optional()
                    .map_err(&err)?;
                match mark {
                    Some((r, s, when)) => {
                        read &= r;
                        starred |= s && carry.star;
                        at = Some(at.map_or(when, |a| a.max(when)));
                    }
                    None => read = false,
                }
            }
            let Some(at) = at else { continue };
            if !read && !starred {
                continue;
            }
            given += put
                .execute(params![carry.to, read, starred, at, seq])
                .map_err(&err)?;
        }
    }
    tx.commit().map_err(&err)?;
    Ok(given)
}
