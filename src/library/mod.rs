//! Finding and loading sources: paths given on the command line, the user's
//! library folder and the bundled sample issues.
//!
//! This is the only layer that reads the file system. It hands each file's
//! bytes to [`crate::parse::parse_bytes`] and turns every failure into a
//! per-source [`SourceError`], so one bad file never stops the others. It
//! knows nothing about terminals.

pub mod add;
pub(crate) mod cache;
pub mod export;
pub(crate) mod open;
pub(crate) mod scan;
mod seeds;
pub mod watch;

use std::path::{Path, PathBuf};

use crate::model::{Issue, Library, SourceError};
use crate::parse::{ParseError, SplitRules};

pub use open::{
    Opened, Options, ensure_library_dir, library_dir, load_default, load_default_from,
    load_folders_from, open, open_index, open_indexed, open_paths,
};
pub use seeds::{SEEDS, bundled};

/// No more of a file than this is read (less for plain text and Markdown,
/// see [`crate::parse::limits`]): a longer file gives an issue cut with a
/// note, so a disk image read by mistake cannot exhaust memory. A feed this
/// long is refused (cut XML would be unreadable); an mbox is streamed
/// whatever its size, each message read up to this.
pub const MAX_FILE_BYTES: u64 = crate::parse::limits::MAX_READ_BYTES as u64;

/// Why one source gave no issues. The messages are shown to the user after
/// the source's name, so they say what is wrong and, where it helps, what to do.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("not found: check the path is spelled right")]
    NotFound,
    #[error("permission denied: nlread may not read it; check its permissions")]
    PermissionDenied,
    #[error("too large for a newsletter ({size} bytes; the limit is {MAX_FILE_BYTES})")]
    TooLarge { size: u64 },
    #[error("a link to something that does not exist")]
    BrokenLink,
    #[error("a loop of links: following it leads back to itself")]
    LinkLoop,
    #[error("a link out of the folder being added (to {target}); not followed")]
    LinkOutside { target: String },
    #[error("a link to a folder already added (it would loop or repeat); not followed")]
    LinkToWalked,
    #[error("not a regular file or folder")]
    NotAFile,
    #[error("the folder holds no newsletter files")]
    EmptyFolder,
    #[error("could not be read: {0}")]
    Io(std::io::Error),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("nlread failed while reading it; please report this as a bug")]
    Crashed,
}

impl From<std::io::Error> for LoadError {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound,
            std::io::ErrorKind::PermissionDenied => LoadError::PermissionDenied,
            _ => LoadError::Io(err),
        }
    }
}

/// Loads files and folders (folders recursively, hidden entries skipped).
///
/// Each issue's `source` is the path as given, joined with the file's place
/// inside a folder. Sources that cannot be loaded become `errors`; a binary
/// file inside a folder is skipped quietly, but one named here is reported.
pub fn load_paths(paths: &[PathBuf]) -> Library {
    load_paths_cached(paths, None)
}

/// [`load_paths`], taking unchanged files from the parsed-library cache in
/// `cache_dir` (and refreshing it) when the paths hold enough files for
/// parsing to take a while.
pub fn load_paths_cached(paths: &[PathBuf], cache_dir: Option<&Path>) -> Library {
    load_paths_with(paths, cache_dir, &SplitRules::default())
}

/// [`load_paths_cached`] with the config's per-newsletter split rules.
pub fn load_paths_with(paths: &[PathBuf], cache_dir: Option<&Path>, rules: &SplitRules) -> Library {
    load_paths_reporting(paths, cache_dir, rules, &Progress::default())
}

/// [`load_paths_with`], telling `progress` how far it got.
pub(crate) fn load_paths_reporting(
    paths: &[PathBuf],
    cache_dir: Option<&Path>,
    rules: &SplitRules,
    progress: &Progress,
) -> Library {
    let mut loader = scan::Loader::new(scan::Own::here(cache_dir), rules.clone());
    loader.progress = progress.clone();
    for path in paths {
        loader.add_named(path);
    }
    finish_cached(loader, paths, cache_dir)
}

/// Every file in the library folders `dirs`; unlike a named folder, an
/// empty one is no error (the samples are shown instead).
pub(crate) fn load_folders_cached(
    dirs: &[PathBuf],
    cache_dir: Option<&Path>,
    rules: &SplitRules,
    progress: &Progress,
) -> Library {
    let mut loader = scan::Loader::new(scan::Own::here(cache_dir), rules.clone());
    loader.progress = progress.clone();
    for dir in dirs {
        loader.add_folder(dir);
    }
    finish_cached(loader, dirs, cache_dir)
}

/// Told how far a load has got, by the threads reading the files: files
/// read, files in all, and the issues of the file just read. It may also
/// hold a [`Gate`] the load waits at before it walks the library's files.
#[derive(Clone, Default)]
pub struct Progress(Option<ProgressFn>, Option<std::sync::Arc<Gate>>);

type ProgressFn = std::sync::Arc<dyn Fn(usize, usize, &[Issue]) + Send + Sync>;

impl Progress {
    pub fn new(report: impl Fn(usize, usize, &[Issue]) + Send + Sync + 'static) -> Progress {
        Progress(Some(std::sync::Arc::new(report)), None)
    }

    /// This listener, with a load that walks the library's files only once
    /// `gate` is open (see `Progress::before_walk`).
    #[must_use]
    pub fn gated(self, gate: std::sync::Arc<Gate>) -> Progress {
        Progress(self.0, Some(gate))
    }

    pub(crate) fn report(&self, done: usize, total: usize, issues: &[Issue]) {
        if let Some(report) = &self.0 {
            report(done, total, issues);
        }
    }

    /// Waits for the gate, if there is one. A load calls this before it
    /// walks every file: the reader opens the gate once its watch on the
    /// library is set, so a file that arrives while the reader starts is
    /// either found by the walk or reported by the watch, while the first
    /// screen of issues (from the index) need not wait for the watch.
    pub(crate) fn before_walk(&self) {
        if let Some(gate) = &self.1 {
            gate.wait();
        }
    }
}

/// A one-way door: shut until [`Gate::open`], then open for good.
#[derive(Debug, Default)]
pub struct Gate {
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
}

impl Gate {
    pub fn open(&self) {
        // A poisoned lock still holds the flag: open it all the same.
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *open = true;
        self.opened.notify_all();
    }

    /// Returns once the gate is open.
    pub fn wait(&self) {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while !*open {
            open = self
                .opened
                .wait(open)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(..)"
        } else {
            "Progress(none)"
        })
    }
}

/// Whoever listens does not change what is loaded.
impl PartialEq for Progress {
    fn eq(&self, _: &Progress) -> bool {
        true
    }
}

impl Eq for Progress {}

fn finish_cached(loader: scan::Loader, paths: &[PathBuf], cache_dir: Option<&Path>) -> Library {
    let cache = cache_dir
        .filter(|_| loader.files() >= cache::MIN_FILES)
        .map(|dir| {
            let roots: Vec<PathBuf> = paths
                .iter()
                .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
                .collect();
            cache::Cache::open(dir, &roots, &loader.rules.fingerprint())
        });
    loader.finish(cache)
}

/// The folder for nlread's parsed-library caches (e.g. `~/.cache/nlread`).
pub fn cache_dir() -> Option<PathBuf> {
    crate::paths::cache_dir()
}

/// How the issue list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Newest first (see [`sort_issues`]).
    #[default]
    Date,
    /// By newsletter name (issues without one last), each newest first.
    Newsletter,
}

/// Sorts `issues` in `order`; stable, like [`sort_issues`].
pub fn sort_issues_by(issues: &mut [Issue], order: SortOrder) {
    sort_issues(issues);
    if order == SortOrder::Newsletter {
        // Stable on top of the date order: newest first within a newsletter.
        issues.sort_by_cached_key(|i| {
            (
                i.newsletter.is_none(),
                i.newsletter.as_deref().map(str::to_lowercase),
            )
        });
    }
}

/// Newest first, undated last, then by source; stable, so the issues of one
/// source keep their order.
pub fn sort_issues(issues: &mut [Issue]) {
    issues.sort_by(|a, b| {
        a.date
            .is_none()
            .cmp(&b.date.is_none())
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.source.cmp(&b.source))
    });
}

fn source_error(source: impl Into<String>, err: &LoadError) -> SourceError {
    SourceError {
        source: source.into(),
        message: err.to_string(),
    }
}

#[cfg(test)]
mod tests;
