//! nlread's SQLite databases: the library index (`index`: sources, issues,
//! stories and a full-text index over story text, rebuilt from the
//! newsletter files whenever it is lost) and the reading state (`state`:
//! marks, the resume point, the query history, kept in a file of its own so
//! that rebuilding or losing the index can never touch a mark).
//!
//! The rules both files share live here: WAL mode (readers never wait for
//! the writer), a busy timeout (two readers, `nlread add` and a fetch take
//! turns rather than fail), a file that is no database is moved aside and
//! said, never overwritten, and no open waits on a FIFO in a file's place.
//! Nothing here knows terminals; sentences go back as `Warning`s.

pub mod index;
pub mod reader;
pub mod search;
pub mod state;
pub(crate) mod words;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

/// How long a write waits for another process's transaction to end before
/// it gives up with "busy": a long first index commits every few hundred
/// files, so a reader marking a story waits well under this.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// [`BUSY_TIMEOUT`], or `NLREAD_BUSY_TIMEOUT_MS` when set (the fault tests
/// hold a database locked and would rather not wait ten seconds).
pub(crate) fn busy_timeout() -> Duration {
    std::env::var("NLREAD_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

/// Why a database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{path} could not be opened: {}", describe(.source))]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("could not create {path}: {}", crate::store::own::describe(.source))]
    CreateFile {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a regular file; it is left as it is")]
    NotAFile { path: String },
    #[error("could not create the folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {}", describe(.source))]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{path} is damaged ({why}) and could not be moved aside: {source}")]
    MoveAside {
        path: String,
        why: String,
        source: std::io::Error,
    },
}

impl DbError {
    /// Whether the error says the file is no (whole) database.
    pub fn is_damage(&self) -> bool {
        match self {
            DbError::Open { source, .. } | DbError::Sql { source, .. } => is_damage(source),
            _ => false,
        }
    }
}

/// The database's own words, with what to do for the cases a user can fix.
pub fn describe(err: &rusqlite::Error) -> String {
    match err.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => {
            "the disk or folder is read-only, so nothing can be written".into()
        }
        Some(ErrorCode::DiskFull) => "the disk is full; free some space".into(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "another program holds the database locked; try again when it is done".into()
        }
        Some(ErrorCode::CannotOpen) => {
            "it cannot be opened (permissions, or no such folder)".into()
        }
        Some(ErrorCode::PermissionDenied) => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// SQLite found a file that is no database, or one cut short or scrambled.
pub fn is_damage(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Opens (creating) the database at `path` for reading and writing, in WAL
/// mode with the busy timeout. A FIFO or folder in its place is refused
/// before SQLite opens it (an open must never wait).
pub(crate) fn connect(path: &Path) -> Result<Connection, DbError> {
    connect_waiting(path, busy_timeout())
}

/// [`connect`] with a busy timeout of `busy`.
pub(crate) fn connect_waiting(path: &Path, busy: Duration) -> Result<Connection, DbError> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => return Err(DbError::NotAFile { path: shown }),
        Ok(_) => {}
        // Made here, so a folder nlread may not write in is said as such
        // (SQLite would only say it cannot open the file); SQLite takes an
        // empty file for a new database.
        Err(_) => {
            if let Err(source) = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                && source.kind() != std::io::ErrorKind::AlreadyExists
            {
                return Err(DbError::CreateFile {
                    path: shown,
                    source,
                });
            }
        }
    }
    let open = |flags| {
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(busy)?;
        Ok::<_, rusqlite::Error>(conn)
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = open(flags).map_err(|source| DbError::Open {
        path: shown.clone(),
        source,
    })?;
    // WAL: a reader never waits for a writer; NORMAL sync is durable at
    // every checkpoint and never corrupts on a crash (at worst the last
    // transactions before a power cut are lost; the index is rebuilt from
    // the files, and a mark is written again by the next save).
    let deadline = std::time::Instant::now() + busy;
    let wal = retry_busy(deadline, || {
        conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))
    });
    wal.map_err(|source| DbError::Open {
        path: shown.clone(),
        source,
    })?;
    retry_busy(deadline, || {
        conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;")
    })
    .map_err(|source| DbError::Open {
        path: shown,
        source,
    })?;
    Ok(conn)
}

/// Runs `step` again while it fails with "busy" or "locked", until
/// `deadline`. Turning a new database to WAL needs the file to itself, and
/// when two processes open a new database at once SQLite answers one of
/// them "busy" at once, without waiting through the busy timeout (waiting
/// could deadlock, as both hold a read lock): so that one waits here.
fn retry_busy<T>(
    deadline: std::time::Instant,
    mut step: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let mut pause = Duration::from_millis(1);
    loop {
        match step() {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            done => return done,
        }
    }
}

/// Moves a damaged database (and its -wal and -shm files) aside as
/// `NAME.corrupt-<time>`; returns where it went.
pub(crate) fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let aside = crate::store::move_aside(path)?;
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        let side = PathBuf::from(name);
        if side.exists() {
            let mut to = aside.as_os_str().to_os_string();
            to.push(suffix);
            let _ = std::fs::rename(&side, PathBuf::from(to));
        }
    }
    Ok(aside)
}

/// Removes a database file and its `-wal` and `-shm` files.
pub(crate) fn remove_with_sides(path: &Path) -> std::io::Result<()> {
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::remove_file(path)
}

/// A `rusqlite::Error` with the file it came from.
pub(crate) fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> DbError + '_ {
    move |source| DbError::Sql {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests;
