//! Where nlread keeps things: the data, config and cache folders and the
//! files in them. One place, so the reader, the commands, the walker (which
//! must not read nlread's own files as newsletters) and the watcher agree.
//!
//! Linux: `~/.local/share/nlread` (`$XDG_DATA_HOME`), `~/.config/nlread`,
//! `~/.cache/nlread`; macOS and Windows: the system's equivalents. `None`
//! without a home folder.

use std::path::PathBuf;

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "nlread")
}

/// The data folder (the library folder, the reading state, the databases).
pub fn data_dir() -> Option<PathBuf> {
    dirs().map(|p| p.data_dir().to_path_buf())
}

/// The config folder (`config.toml`).
pub fn config_dir() -> Option<PathBuf> {
    dirs().map(|p| p.config_dir().to_path_buf())
}

/// The cache folder (parsed-library caches of folders named on the command line).
pub fn cache_dir() -> Option<PathBuf> {
    dirs().map(|p| p.cache_dir().to_path_buf())
}

/// The state folder (crash reports): `~/.local/state/nlread` on Linux, the
/// local data folder where the system has none.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = dirs()?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// The reading state as it was kept before the database: `state.json`.
pub fn state_json() -> Option<PathBuf> {
    data_dir().map(|d| d.join("state.json"))
}

/// The library index (rebuildable from the newsletter files).
pub fn index_db() -> Option<PathBuf> {
    data_dir().map(|d| d.join(INDEX_DB))
}

/// The reading state's database (marks, resume point, queries).
pub fn state_db() -> Option<PathBuf> {
    data_dir().map(|d| d.join(STATE_DB))
}

/// File name of the library index.
pub const INDEX_DB: &str = "nlread-index.db";
/// File name of the reading state's database.
pub const STATE_DB: &str = "nlread-state.db";
/// Every file of the databases (their -wal, -shm, backups and damaged
/// copies too) starts with this: the walker and the watcher skip them.
pub const DB_PREFIX: &[u8] = b"nlread-";
