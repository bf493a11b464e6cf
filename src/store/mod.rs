//! What nlread writes to disk for the user: the reading state
//! (`state.json` in the data directory). Nothing else here knows the file.
//!
//! The rules, because this is the one file a user would miss:
//! - a save never leaves a broken file: it writes a temporary file in the
//!   same folder, flushes it to disk and renames it over the old one, so a
//!   crash or SIGKILL at any moment leaves the old file or the new one;
//! - two readers at once do not clobber each other: a save takes a lock,
//!   reads what is on disk, merges it with its own marks (the later change
//!   to each story wins, see [`ReadingState::merge`]) and writes the union;
//! - a damaged file is moved aside (`state.json.corrupt-<time>`), never
//!   overwritten, and the backup taken at the first save of every run
//!   (`state.json.bak`) is loaded in its place when it reads;
//! - a file that cannot be read (permissions, a folder in its place) is
//!   left alone: the reader runs without saving and says so;
//! - a read-only or full disk makes a save fail with a message, not a crash;
//!   the old file stays as it was and the temporary file is removed;
//! - a `state.json` that is a symbolic link (dotfiles, a synced folder) is
//!   written through: the file it points to is replaced, the link is kept;
//!   but a file it points to outside the data folder is never moved aside:
//!   one that does not read as a reading state is left alone, saving off;
//! - JSON that is not a reading state (some other program's file) is left
//!   alone too, saving off; what a newer nlread wrote that this one does not
//!   understand is kept and written back (see [`ReadingState`]);
//! - only a regular file of at most [`MAX_STATE_BYTES`] is read, and no
//!   open waits (see [`own`]): a FIFO or `/dev/zero` in its place is said,
//!   not a hang.

pub mod carry;
mod lock;
pub mod own;

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::ReadingState;

/// A temporary file this old was left by a save that was killed.
const STALE: std::time::Duration = std::time::Duration::from_secs(600);
/// Links followed before `state.json` counts as a loop (as the kernel's 40).
const MAX_LINKS: usize = 40;
/// A state file larger than this is not read: 110,000 marks (every story of
/// a 10,000-issue library) take 5 MB.
pub const MAX_STATE_BYTES: u64 = 64 << 20;

/// A save that could not be done, with the file it was for.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("reading state not saved: {0} could not be read, so it is left as it is")]
    Unreadable(String),
    #[error("reading state not saved: could not create {path}: {source}")]
    CreateDir { path: String, source: io::Error },
    #[error(
        "reading state not saved: could not write {path}: {}",
        describe(source)
    )]
    Write { path: String, source: io::Error },
    #[error(
        "reading state not saved: {path} is no reading state nlread may replace ({why}); \
         it is left as it is"
    )]
    NotAState { path: String, why: String },
    #[error("reading state not saved: {0}")]
    Database(String),
}

/// Where the reading state is kept: `state.json` ([`StateFile`]) or the
/// reading-state database ([`crate::db::state::StateDb`]). Loading never
/// fails (problems are said in the report).
pub trait StateStore: Send {
    fn load(&mut self) -> (ReadingState, LoadReport);
    /// Saves `state` (`changed`: the stories whose marks changed since the
    /// last save that worked; a store may write only those) and takes in,
    /// in place, what another reader saved meanwhile (the later change to
    /// each story wins); returns the marks that came in.
    fn save(
        &mut self,
        state: &mut ReadingState,
        changed: &std::collections::HashSet<String>,
    ) -> Result<Vec<(String, crate::model::Mark)>, SaveError>;
    /// Like [`StateStore::save`], told each changed story's marks as they
    /// were before this reader changed them (None: no mark), so a store
    /// can write only the marks that changed: a star given here then never
    /// writes "unread" over a read mark another reader saved meanwhile.
    fn save_changes(
        &mut self,
        state: &mut ReadingState,
        before: &std::collections::HashMap<String, Option<crate::model::Mark>>,
    ) -> Result<Vec<(String, crate::model::Mark)>, SaveError> {
        let changed = before.keys().cloned().collect();
        self.save(state, &changed)
    }
    /// What the last save has to say although it worked (a database made
    /// again after it was deleted).
    fn notice(&mut self) -> Option<String> {
        None
    }
}

impl StateStore for StateFile {
    fn load(&mut self) -> (ReadingState, LoadReport) {
        StateFile::load(self)
    }

    fn save(
        &mut self,
        state: &mut ReadingState,
        _changed: &std::collections::HashSet<String>,
    ) -> Result<Vec<(String, crate::model::Mark)>, SaveError> {
        let merged = StateFile::save(self, state)?;
        let theirs = merged
            .stories
            .iter()
            .filter(|(id, mark)| state.stories.get(*id) != Some(mark))
            .map(|(id, mark)| (id.clone(), *mark))
            .collect();
        *state = merged;
        Ok(theirs)
    }
}

/// What loading found, besides the state itself: sentences for the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub warnings: Vec<String>,
}

/// The reading-state file and the files beside it.
#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
    /// False once the file turned out unreadable: saving over it would
    /// destroy what the user saved.
    writable: bool,
    /// The backup is taken once per run, before the first save.
    backed_up: bool,
}

/// `state.json` in nlread's data directory (e.g. ~/.local/share/nlread).
pub fn default_path() -> Option<PathBuf> {
    crate::paths::state_json()
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl StateFile {
    pub fn new(path: PathBuf) -> StateFile {
        StateFile {
            path,
            writable: true,
            backed_up: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// False when saving is off because the file could not be read.
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "state.json".into());
        name.push(suffix);
        self.path.with_file_name(name)
    }

    fn backup_path(&self) -> PathBuf {
        self.sibling(".bak")
    }

    /// The file the state really lives in: `path`, or where its symbolic
    /// links lead (even when that does not exist yet), so a save replaces
    /// the file and keeps the user's link. A loop gives `path` itself,
    /// which then fails to read and turns saving off.
    fn target(&self) -> PathBuf {
        let mut at = self.path.clone();
        for _ in 0..MAX_LINKS {
            match fs::read_link(&at) {
                Ok(next) => {
                    let dir = at.parent().unwrap_or(Path::new("."));
                    at = dir.join(next);
                }
                Err(_) => return at,
            }
        }
        self.path.clone()
    }

    /// What to say about a missing state file that is a dangling link.
    fn dangling(&self) -> Option<String> {
        let target = self.target();
        (target != self.path).then(|| {
            format!(
                "{} links to {}, which does not exist; saving will create it",
                self.path.display(),
                target.display()
            )
        })
    }

    /// Reads the state. Never fails: a missing file is a fresh start, a
    /// damaged one is moved aside (the backup is used if it reads), an
    /// unreadable one turns saving off; each is said in the report.
    pub fn load(&mut self) -> (ReadingState, LoadReport) {
        let mut report = LoadReport::default();
        self.remove_stale_temporaries();
        let target = self.target();
        match read_state(&target) {
            Read::Ok(state) => (*state, report),
            Read::Missing => {
                let mut said = self.dangling();
                let state = match read_state(&self.backup_path()) {
                    Read::Ok(state) => {
                        let loaded =
                            format!("the backup {} was loaded", self.backup_path().display());
                        said = Some(match said {
                            Some(link) => format!("{link}; {loaded}"),
                            None => format!("{} was missing; {loaded}", self.path.display()),
                        });
                        *state
                    }
                    Read::Damaged(why) | Read::Foreign(why) => {
                        let damaged = format!(
                            "the backup {} is damaged too ({why}) and was left as it is; \
                             starting with no stories read",
                            self.backup_path().display()
                        );
                        said = Some(match said {
                            Some(link) => format!("{link}; {damaged}"),
                            None => format!("{} was missing and {damaged}", self.path.display()),
                        });
                        ReadingState::new()
                    }
                    _ => ReadingState::new(),
                };
                report.warnings.extend(said);
                (state, report)
            }
            Read::Foreign(why) => {
                self.writable = false;
                report.warnings.push(format!(
                    "{} is not a reading state ({why}); it is left as it is and reading state \
                     will not be saved",
                    self.shown_target(&target)
                ));
                (ReadingState::new(), report)
            }
            Read::Damaged(why) if !self.at_home(&target) => {
                self.writable = false;
                report.warnings.push(format!(
                    "{} links to {}, outside its folder, which is damaged ({why}); it is left \
                     as it is and reading state will not be saved",
                    self.path.display(),
                    target.display()
                ));
                (ReadingState::new(), report)
            }
            Read::Damaged(why) => match move_aside(&target) {
                Ok(aside) => {
                    let mut said = format!(
                        "{} was damaged ({why}); it was moved to {}",
                        self.path.display(),
                        aside.display()
                    );
                    let state = match read_state(&self.backup_path()) {
                        Read::Ok(state) => {
                            said.push_str(" and the backup was loaded");
                            *state
                        }
                        Read::Damaged(why) | Read::Foreign(why) => {
                            said.push_str(&format!(
                                "; the backup {} is damaged too ({why}) and was left as \
                                     it is; starting with no stories read",
                                self.backup_path().display()
                            ));
                            ReadingState::new()
                        }
                        _ => {
                            said.push_str("; starting with no stories read");
                            ReadingState::new()
                        }
                    };
                    report.warnings.push(said);
                    (state, report)
                }
                Err(e) => {
                    self.writable = false;
                    report.warnings.push(format!(
                        "{} is damaged ({why}) and could not be moved aside ({}); \
                             reading state will not be saved",
                        self.path.display(),
                        describe(&e)
                    ));
                    (ReadingState::new(), report)
                }
            },
            Read::Unreadable(e) => {
                self.writable = false;
                report.warnings.push(format!(
                    "{} could not be read ({}); reading state will not be saved",
                    self.path.display(),
                    describe(&e)
                ));
                (ReadingState::new(), report)
            }
        }
    }

    /// `path`, or "`path` (a link to `target`)" when the state lives elsewhere.
    fn shown_target(&self, target: &Path) -> String {
        if target == self.path {
            self.path.display().to_string()
        } else {
            format!("{} (a link to {})", self.path.display(), target.display())
        }
    }

    /// Whether `target` (where `state.json` leads) is in the folder of
    /// `state.json` itself, which is nlread's to tidy: a damaged file there
    /// may be moved aside, one elsewhere (a link out) is not nlread's.
    fn at_home(&self, target: &Path) -> bool {
        if target == self.path {
            return true;
        }
        let folder = |p: &Path| {
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
            let parent = parent.unwrap_or(Path::new("."));
            fs::canonicalize(parent).ok()
        };
        matches!((folder(&self.path), folder(target)), (Some(a), Some(b)) if a == b)
    }

    /// Temporary files of saves that were killed before their rename: old
    /// ones only, so a save running in another reader keeps its file.
    fn remove_stale_temporaries(&self) {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) else {
            return;
        };
        let mut prefix = name.to_os_string();
        prefix.push(".tmp-");
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE));
            let ours = entry
                .file_name()
                .as_encoded_bytes()
                .starts_with(prefix.as_encoded_bytes());
            if ours && stale {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Saves `state` merged with whatever another reader saved meanwhile,
    /// and returns the merged state (which then holds their marks too).
    pub fn save(&mut self, state: &ReadingState) -> Result<ReadingState, SaveError> {
        if !self.writable {
            return Err(SaveError::Unreadable(self.path.display().to_string()));
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|source| SaveError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
        let shown = self.path.display().to_string();
        let write_error = |source| SaveError::Write {
            path: shown.clone(),
            source,
        };
        // Without the lock (a read-only folder, a stuck reader) the save
        // still goes ahead: the rename keeps the file whole either way.
        let _lock = lock::acquire(&self.sibling(".lock"));
        let target = self.target();
        let mut merged = state.clone();
        match read_state(&target) {
            Read::Ok(on_disk) => merged.merge(&on_disk),
            Read::Missing => {}
            Read::Damaged(_) if self.at_home(&target) => {
                // Damaged since we loaded: keep it for the user, write ours.
                move_aside(&target).map_err(write_error)?;
            }
            // Not ours to replace: a file out of our folder, or another
            // program's JSON, that appeared since we loaded.
            Read::Damaged(why) | Read::Foreign(why) => {
                self.writable = false;
                return Err(SaveError::NotAState {
                    path: self.shown_target(&target),
                    why,
                });
            }
            Read::Unreadable(e) => return Err(write_error(e)),
        }
        if !self.backed_up {
            self.backup();
        }
        let bytes = serde_json::to_vec(&merged).map_err(|e| write_error(io::Error::other(e)))?;
        write_atomically(&target, &bytes).map_err(write_error)?;
        Ok(merged)
    }

    /// Keeps the state as it was at the start of this run in `.bak`: a hard
    /// link made under a temporary name and renamed, so it is never half
    /// written. A failure only means no backup this run.
    fn backup(&mut self) {
        self.backed_up = true;
        // The file itself, not a link to it: a link would follow the saves.
        let target = self.target();
        if !target.is_file() {
            return;
        }
        let tmp = self.sibling(&format!(".bak-{}", unique()));
        let _ = fs::remove_file(&tmp);
        let made = fs::hard_link(&target, &tmp).or_else(|_| fs::copy(&target, &tmp).map(drop));
        if made.is_ok() {
            let _ = fs::rename(&tmp, self.backup_path());
        }
        // Gone after a rename, except when `.bak` already was this very file
        // (a rename between two links of one file does nothing), or when a
        // full disk cut the copy short: never left behind.
        let _ = fs::remove_file(&tmp);
    }
}

enum Read {
    Ok(Box<ReadingState>),
    Missing,
    /// Not JSON: cut short, empty, garbage.
    Damaged(String),
    /// JSON, but not a reading state this version can read.
    Foreign(String),
    Unreadable(io::Error),
}

fn read_state(path: &Path) -> Read {
    match own::read_capped(path, MAX_STATE_BYTES) {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {
            Read::Damaged("the file is empty".into())
        }
        Ok(bytes) => match serde_json::from_slice::<ReadingState>(&bytes) {
            Ok(state) => Read::Ok(Box::new(state)),
            Err(e) if e.is_eof() => Read::Damaged("it ends in the middle".into()),
            // Valid JSON of another shape is some other program's file (or
            // a future format); the type check may stop before a syntax
            // error further on, so the syntax decides.
            Err(e) if e.is_data() => {
                match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                    Ok(_) => Read::Foreign(format!("{e}")),
                    Err(e) if e.is_eof() => Read::Damaged("it ends in the middle".into()),
                    Err(e) => Read::Damaged(format!("not valid JSON at line {}", e.line())),
                }
            }
            Err(e) => Read::Damaged(format!("not valid JSON at line {}", e.line())),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Read::Missing,
        Err(e) => Read::Unreadable(e),
    }
}

/// Moves a damaged file aside to `<name>.corrupt-<seconds>` beside it (then
/// `-2`, `-3` ... within one second), never over another: returns the name.
pub(crate) fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = now_millis() / 1000;
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "state.json".into());
    name.push(format!(".corrupt-{secs}"));
    for n in 1..1000 {
        let mut numbered = name.clone();
        if n > 1 {
            numbered.push(format!("-{n}"));
        }
        let aside = path.with_file_name(numbered);
        // A hard link fails when the name is taken, where a rename would
        // replace what is there.
        match fs::hard_link(path, &aside) {
            Ok(()) => {
                fs::remove_file(path)?;
                return Ok(aside);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(_) if fs::symlink_metadata(&aside).is_ok() => continue,
            // A file system without hard links.
            Err(_) => {
                fs::rename(path, &aside)?;
                return Ok(aside);
            }
        }
    }
    Err(io::Error::other("too many damaged files this second"))
}

/// Writes `bytes` to `path` so that `path` holds either its old content or
/// all of `bytes`, whatever happens: temporary file in the same folder,
/// fsync, rename, fsync of the folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Writes `bytes` as `path`, whole, for files other than the reading state
/// (the parsed-library cache, a fetched issue in a library folder): a
/// hidden temporary file beside it (`.NAME.tmp-<id>`, which the library's
/// walker and watcher skip), renamed over whatever was there; flushed to
/// disk first when `durable` (a cache that can be rebuilt is not, so a
/// 100 MB one does not cost a sync at every start). The folder is made if
/// missing; a failed write removes its temporary file.
pub fn write_whole(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    write_whole_parts(path, &[bytes], durable)
}

/// [`write_whole`] of `parts` one after the other, never put together in
/// memory (a file of tens of megabytes need not be copied to be written).
pub fn write_whole_parts(path: &Path, parts: &[&[u8]], durable: bool) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", unique()));
    let written = (|| {
        // A new file: whatever sits at the name (a FIFO, a link) is never
        // opened, only replaced.
        let mut file = own::create_new(&tmp)?;
        for part in parts {
            file.write_all(part)?;
        }
        if durable {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// A name part no other save running now has: the process id and a count,
/// so two threads of one process never share a temporary file.
fn unique() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
}

/// [`write_atomically`] with the writing itself given: `fill` writes the
/// temporary file (tests make it fail as a full disk would).
fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    let mut tmp_name = name;
    tmp_name.push(format!(".tmp-{}", unique()));
    let tmp = dir.join(tmp_name);
    let written = (|| {
        let mut file = own::create_new(&tmp)?;
        fill(&mut file)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // The rename itself reaches the disk with the folder's entry.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

use own::describe;

#[cfg(test)]
mod tests;
