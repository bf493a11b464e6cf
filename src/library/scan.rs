//! Walking folders and reading files into a [`Library`].
//!
//! The walk only collects the files to read (with their size and
//! modification time); [`Loader::finish`] then reads and parses them on every
//! core, taking unchanged files from the parsed-library cache when given one.

use std::collections::HashSet;
use std::fs;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::cache::{Cache, Stamp};
use super::{LoadError, Progress, sort_issues, source_error};
use crate::model::{Issue, Library, SourceError};
use crate::parse::email::{self, MboxReader};
use crate::parse::{Format, ParseError, SplitRules, limits, parse_bytes_with, sniff};

/// Collects the files to read and per-source errors as paths are added.
#[derive(Default)]
pub(crate) struct Loader {
    jobs: Vec<Job>,
    errors: Vec<SourceError>,
    /// Canonical paths of the files queued, so a file named twice (or
    /// reached through a link) is loaded once.
    seen: HashSet<PathBuf>,
    /// Folders walked (by device and inode: no path resolution per level),
    /// so linked folders cannot loop.
    walked: HashSet<FolderId>,
    /// Folders the user named, with the jobs and walk errors they gave: one
    /// that yields nothing to read is reported once the files are parsed.
    named_dirs: Vec<NamedDir>,
    /// The config's per-newsletter split rules.
    pub(crate) rules: SplitRules,
    /// Told of every file as it is read.
    pub(crate) progress: Progress,
    /// nlread's own files, never read as sources (see [`Own`]).
    own: Own,
    /// Folders (canonical path) whose modification time is still this one:
    /// their files are taken as the library index last saw them, without
    /// a look at each (see [`Job::unchanged`]).
    pub(crate) unchanged: Option<std::collections::HashMap<PathBuf, i64>>,
    /// Every folder walked, with its modification time then.
    pub(crate) folders_seen: Vec<(PathBuf, i64)>,
}

/// nlread's own files as the walk meets them: the cache files (read as
/// sources they would count as changed and be rewritten at every load, and
/// a watched library would reload for ever) and the reading state's files.
#[derive(Default)]
pub(crate) struct Own {
    cache: Option<FolderId>,
    state_folder: Option<FolderId>,
    state_name: std::ffi::OsString,
}

impl Own {
    /// The cache folder and the state file where they are now.
    pub(crate) fn here(cache: Option<&Path>) -> Own {
        let id = |p: &Path| fs::metadata(p).ok().and_then(|m| folder_id(p, &m));
        let state = crate::store::default_path();
        Own {
            cache: cache.and_then(id),
            state_folder: state.as_deref().and_then(Path::parent).and_then(id),
            state_name: state
                .as_deref()
                .and_then(Path::file_name)
                .map(std::ffi::OsStr::to_os_string)
                .unwrap_or_default(),
        }
    }
}

struct NamedDir {
    path: PathBuf,
    jobs: std::ops::Range<usize>,
    errors: std::ops::Range<usize>,
}

/// One file to read. Errors keep their place among the files so the order
/// of messages does not depend on which thread parsed what.
pub(crate) struct Job {
    pub(crate) path: PathBuf,
    pub(crate) canonical: Option<PathBuf>,
    named: bool,
    /// A file of a Maildir's cur/ or new/: an email whatever it looks like.
    maildir: bool,
    pub(crate) stamp: Stamp,
    /// In a folder unchanged since the library index last saw it: not
    /// looked at, so `stamp` is unknown.
    pub(crate) unchanged: bool,
}

/// What became of one file.
pub(crate) enum Outcome {
    /// The issues, and errors of parts of the file (messages of an mbox)
    /// that failed while the rest loaded.
    Issues(Vec<Issue>, Vec<SourceError>),
    Skipped,
    Failed(LoadError),
}

/// A folder being walked: its entries still to look at.
struct Folder {
    entries: std::vec::IntoIter<Listed>,
    /// The folder of `state.json`, whose files are not sources.
    holds_state: bool,
    /// nlread's cache folder, whose cache files are not sources.
    holds_cache: bool,
}

/// A folder's identity however it is reached: device and inode.
#[cfg(unix)]
pub(crate) type FolderId = (u64, u64);
/// A folder's identity however it is reached: its canonical path.
#[cfg(not(unix))]
pub(crate) type FolderId = PathBuf;

#[cfg(unix)]
pub(crate) fn folder_id(_path: &Path, meta: &fs::Metadata) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
pub(crate) fn folder_id(path: &Path, _meta: &fs::Metadata) -> Option<FolderId> {
    fs::canonicalize(path).ok()
}

/// Why a path that is a link could not be followed: a loop of links, or a
/// link to nothing.
pub(crate) fn link_error(err: std::io::Error) -> LoadError {
    #[cfg(unix)]
    if err.raw_os_error() == Some(libc::ELOOP) {
        return LoadError::LinkLoop;
    }
    match err.kind() {
        std::io::ErrorKind::NotFound => LoadError::BrokenLink,
        _ => err.into(),
    }
}

/// One entry of a folder as the walk sees it: its path, its metadata (links
/// followed) and its canonical path, worked out from the folder's own
/// without resolving the whole path again unless the entry is a link.
struct Entry {
    name: std::ffi::OsString,
    path: PathBuf,
    /// None: a regular file of an unchanged folder, not looked at.
    meta: Option<fs::Metadata>,
    canonical: Option<PathBuf>,
}

impl Entry {
    fn is_dir(&self) -> bool {
        self.meta.as_ref().is_some_and(fs::Metadata::is_dir)
    }

    fn is_file(&self) -> bool {
        self.meta.as_ref().is_none_or(fs::Metadata::is_file)
    }
}

/// A folder's modification time (ns since the epoch; 0 if unknown).
fn mtime_of(meta: &fs::Metadata) -> i64 {
    i64::try_from(Stamp::of(meta).modified()).unwrap_or(i64::MAX)
}

/// An entry of a folder, or the path of one that could not be looked at and why.
type Listed = Result<Entry, (PathBuf, LoadError)>;

/// The entries of `dir` (canonical path `canonical`) in name order, hidden
/// ones left out; entries that cannot be looked at are errors. In an
/// `unchanged` folder regular files are not looked at (their kind comes
/// from the listing).
fn entries(
    dir: &Path,
    canonical: Option<&Path>,
    unchanged: bool,
) -> Result<Vec<Listed>, LoadError> {
    let mut found: Vec<(std::ffi::OsString, Option<fs::FileType>)> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| (entry.file_name(), entry.file_type().ok()))
        .filter(|(name, _)| !name.as_encoded_bytes().starts_with(b"."))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found
        .into_iter()
        .map(|(name, kind)| {
            let path = dir.join(&name);
            let is_link = kind.is_none_or(|k| k.is_symlink());
            if unchanged && kind.is_some_and(|k| k.is_file()) {
                let canonical = canonical.map(|parent| parent.join(&name));
                return Ok(Entry {
                    name,
                    path,
                    meta: None,
                    canonical,
                });
            }
            let meta = match fs::metadata(&path) {
                Ok(meta) => Some(meta),
                Err(err) if is_link => return Err((path, link_error(err))),
                Err(err) => return Err((path, err.into())),
            };
            let canonical = match canonical {
                Some(parent) if !is_link => Some(parent.join(&name)),
                _ => fs::canonicalize(&path).ok(),
            };
            Ok(Entry {
                name,
                path,
                meta,
                canonical,
            })
        })
        .collect())
}

impl Loader {
    /// A loader that never reads nlread's own files (`own`) as sources and
    /// parses with the config's per-newsletter split rules.
    pub(crate) fn new(own: Own, rules: SplitRules) -> Loader {
        Loader {
            own,
            rules,
            ..Loader::default()
        }
    }

    /// A path the user named: a file is always reported when it fails, a
    /// folder with nothing to read in it is reported too.
    pub(crate) fn add_named(&mut self, path: &Path) {
        match fs::metadata(path) {
            Err(err) if fs::symlink_metadata(path).is_ok() => self.fail(path, &link_error(err)),
            Err(err) => self.fail(path, &err.into()),
            Ok(meta) if meta.is_dir() => {
                let (jobs, errors) = (self.jobs.len(), self.errors.len());
                if self.add_dir(path, &meta) {
                    self.named_dirs.push(NamedDir {
                        path: path.to_path_buf(),
                        jobs: jobs..self.jobs.len(),
                        errors: errors..self.errors.len(),
                    });
                }
            }
            Ok(meta) if meta.is_file() => {
                let canonical = fs::canonicalize(path).ok();
                self.add_file(path, canonical, Some(&meta), true, false);
            }
            Ok(_) => self.fail(path, &LoadError::NotAFile),
        }
    }

    /// A library folder (of the config, or the default one); false when it
    /// is not a folder.
    pub(crate) fn add_folder(&mut self, dir: &Path) -> bool {
        match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {
                self.add_dir(dir, &meta);
                true
            }
            Ok(_) => false,
            Err(err) => {
                self.fail(dir, &err.into());
                true
            }
        }
    }

    /// Every file inside `dir`, recursively, in name order; hidden files and
    /// folders and anything that is neither file nor folder are skipped.
    /// Returns false when the folder was walked before and is skipped now.
    fn add_dir(&mut self, dir: &Path, meta: &fs::Metadata) -> bool {
        let canonical = fs::canonicalize(dir).ok();
        self.walk(dir, meta, canonical.as_deref())
    }

    /// [`Loader::add_dir`] with the folder's canonical path known. Depth
    /// first in name order, with a stack of its own rather than recursion:
    /// folders nested thousands deep must not exhaust the stack.
    fn walk(&mut self, dir: &Path, meta: &fs::Metadata, canonical: Option<&Path>) -> bool {
        let Some(first) = self.open_folder(dir, meta, canonical) else {
            return false;
        };
        let mut stack = vec![first];
        while let Some(top) = stack.last_mut() {
            let Some(entry) = top.entries.next() else {
                stack.pop();
                continue;
            };
            let entry = match entry {
                Ok(entry) => entry,
                Err((path, err)) => {
                    self.fail(&path, &err);
                    continue;
                }
            };
            let name = entry.name.as_encoded_bytes();
            if (top.holds_state
                && (name.starts_with(self.own.state_name.as_encoded_bytes())
                    || name.starts_with(crate::paths::DB_PREFIX)))
                || (top.holds_cache && super::cache::is_cache_file(name))
            {
                continue;
            }
            // Follows links: a linked file is read, a linked folder walked
            // (`walked` stops a link back to an ancestor).
            if let Some(meta) = entry.meta.as_ref().filter(|m| m.is_dir()) {
                let canonical = entry.canonical.as_deref();
                if let Some(folder) = self.open_folder(&entry.path, meta, canonical) {
                    stack.push(folder);
                }
            } else if entry.is_file() {
                self.add_file(
                    &entry.path,
                    entry.canonical,
                    entry.meta.as_ref(),
                    false,
                    false,
                );
            }
        }
        true
    }

    /// Starts on the folder `dir`: None when it was walked before; nothing
    /// to walk for nlread's cache folder, a folder that cannot be read (an
    /// error) or a Maildir (its messages are queued at once); otherwise its
    /// entries.
    fn open_folder(
        &mut self,
        dir: &Path,
        meta: &fs::Metadata,
        canonical: Option<&Path>,
    ) -> Option<Folder> {
        let id = folder_id(dir, meta);
        if let Some(id) = &id
            && !self.walked.insert(id.to_owned())
        {
            return None;
        }
        let nothing = Folder {
            entries: Vec::new().into_iter(),
            holds_state: false,
            holds_cache: false,
        };
        let unchanged = self.seen_folder(canonical, meta);
        let entries = match entries(dir, canonical, unchanged) {
            Ok(entries) => entries,
            Err(err) => {
                self.fail(dir, &err);
                return Some(nothing);
            }
        };
        // A Maildir: messages are the files of cur/ and new/; tmp/ holds
        // messages still being delivered, and the other entries are the mail
        // server's bookkeeping (dovecot-uidlist, maildirfolder ...).
        let is_dir = |name: &str| {
            entries
                .iter()
                .any(|e| e.as_ref().is_ok_and(|e| e.name == name && e.is_dir()))
        };
        if is_dir("cur") && is_dir("new") {
            for entry in entries.into_iter().flatten() {
                if let Some(meta) = entry
                    .meta
                    .as_ref()
                    .filter(|_| entry.name == "cur" || entry.name == "new")
                {
                    self.add_maildir_box(&entry.path, entry.canonical.as_deref(), meta);
                }
            }
            return Some(nothing);
        }
        Some(Folder {
            entries: entries.into_iter(),
            holds_state: id.is_some() && self.own.state_folder == id,
            holds_cache: id.is_some() && self.own.cache == id,
        })
    }

    /// The message files of a Maildir's cur/ or new/ (not recursive).
    fn add_maildir_box(&mut self, dir: &Path, canonical: Option<&Path>, meta: &fs::Metadata) {
        let unchanged = self.seen_folder(canonical, meta);
        let entries = match entries(dir, canonical, unchanged) {
            Ok(entries) => entries,
            Err(err) => return self.fail(dir, &err),
        };
        for entry in entries.into_iter().flatten() {
            if entry.is_file() {
                self.add_file(
                    &entry.path,
                    entry.canonical,
                    entry.meta.as_ref(),
                    false,
                    true,
                );
            }
        }
    }

    /// Notes a folder walked; true when it is unchanged since the library
    /// index last saw it (see [`Loader::unchanged`]).
    fn seen_folder(&mut self, canonical: Option<&Path>, meta: &fs::Metadata) -> bool {
        let Some(canonical) = canonical else {
            return false;
        };
        let mtime = mtime_of(meta);
        self.folders_seen.push((canonical.to_path_buf(), mtime));
        self.unchanged
            .as_ref()
            .and_then(|known| known.get(canonical))
            .is_some_and(|&then| then == mtime && mtime != 0)
    }

    fn add_file(
        &mut self,
        path: &Path,
        canonical: Option<PathBuf>,
        meta: Option<&fs::Metadata>,
        named: bool,
        maildir: bool,
    ) {
        if let Some(c) = &canonical
            && !self.seen.insert(c.clone())
        {
            return;
        }
        self.jobs.push(Job {
            path: path.to_path_buf(),
            canonical,
            named,
            maildir,
            stamp: meta.map_or(Stamp::UNKNOWN, Stamp::of),
            unchanged: meta.is_none(),
        });
    }

    fn fail(&mut self, path: &Path, err: &LoadError) {
        self.errors
            .push(source_error(path.display().to_string(), err));
    }

    /// Reads and parses every queued file, on all cores. Files whose size and
    /// modification time match an entry of `cache` are taken from it, and the
    /// cache is rewritten when anything was parsed afresh or has gone.
    /// `progress` hears of every file as it is read (cached ones first).
    pub(crate) fn finish(self, mut cache: Option<Cache>) -> Library {
        let total = self.jobs.len();
        let mut outcomes: Vec<Option<Outcome>> = self
            .jobs
            .iter()
            .map(|job| {
                let cache = cache.as_mut()?;
                let canonical = job.canonical.as_ref()?;
                let source = job.path.display().to_string();
                cache
                    .take(canonical, job.stamp, &source)
                    .map(|issues| Outcome::Issues(issues, Vec::new()))
            })
            .collect();
        let mut cached = 0;
        for outcome in outcomes.iter().flatten() {
            cached += 1;
            if let Outcome::Issues(issues, _) = outcome {
                self.progress.report(cached, total, issues);
            }
        }
        let todo: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| outcomes[i].is_none())
            .collect();
        if !todo.is_empty()
            && let Some(cache) = cache.as_mut()
        {
            cache.mark_stale();
        }
        let counter = Counter {
            done: AtomicUsize::new(cached),
            total,
            progress: &self.progress,
        };
        for (i, outcome) in todo
            .iter()
            .zip(run_jobs(&self.jobs, &todo, &self.rules, &counter))
        {
            outcomes[*i] = Some(outcome);
        }
        let outcomes: Vec<Outcome> = outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Outcome::Failed(LoadError::Crashed)))
            .collect();
        if let Some(cache) = cache {
            let files: Vec<(PathBuf, Stamp, &[Issue])> = self
                .jobs
                .iter()
                .zip(&outcomes)
                .filter_map(|(job, outcome)| match outcome {
                    // A file with failed parts is parsed again next time, so
                    // its errors are reported again.
                    Outcome::Issues(issues, errors) if errors.is_empty() => {
                        Some((job.canonical.clone()?, job.stamp, issues.as_slice()))
                    }
                    _ => None,
                })
                .collect();
            cache.save(&files);
        }
        let mut errors = self.errors;
        for dir in &self.named_dirs {
            let nothing = dir.errors.is_empty()
                && outcomes[dir.jobs.clone()]
                    .iter()
                    .all(|o| matches!(o, Outcome::Skipped));
            if nothing {
                errors.push(source_error(
                    dir.path.display().to_string(),
                    &LoadError::EmptyFolder,
                ));
            }
        }
        let mut issues = Vec::new();
        for (job, outcome) in self.jobs.iter().zip(outcomes) {
            match outcome {
                Outcome::Issues(found, failed) => {
                    issues.extend(found.into_iter().map(|i| (i, job.stamp.modified())));
                    errors.extend(failed);
                }
                Outcome::Skipped => {}
                Outcome::Failed(err) => {
                    errors.push(source_error(job.path.display().to_string(), &err))
                }
            }
        }
        let mut issues = newest_copies(issues);
        sort_issues(&mut issues);
        Library { issues, errors }
    }

    /// How many files the walk found to read.
    pub(crate) fn files(&self) -> usize {
        self.jobs.len()
    }

    /// The walk's files to read, in walk order, and the paths that could
    /// not be looked at (for the library index, which parses only what
    /// changed).
    pub(crate) fn into_walked(self) -> Walked {
        Walked {
            jobs: self.jobs,
            errors: self.errors,
            folders: self.folders_seen,
        }
    }
}

/// What a walk found: files to read, paths that could not be looked at, and
/// every folder walked with its modification time.
pub(crate) struct Walked {
    pub(crate) jobs: Vec<Job>,
    pub(crate) errors: Vec<SourceError>,
    pub(crate) folders: Vec<(PathBuf, i64)>,
}

/// One issue per item: copies of a feed item (same GUID, or link) or of
/// an email (same Message-ID), in one file or several, are shown once, from
/// the file changed last (the first of a file's copies, feeds listing the
/// newest first). `issues` come with their file's modification time.
pub(crate) fn newest_copies(issues: Vec<(Issue, u128)>) -> Vec<Issue> {
    let mut best: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut keep = vec![true; issues.len()];
    for (i, (issue, modified)) in issues.iter().enumerate() {
        let Some(guid) = &issue.guid else {
            continue;
        };
        match best.get(guid) {
            Some(&b) if issues[b].1 >= *modified => keep[i] = false,
            Some(&b) => {
                keep[b] = false;
                best.insert(guid.clone(), i);
            }
            None => {
                best.insert(guid.clone(), i);
            }
        }
    }
    issues
        .into_iter()
        .zip(keep)
        .filter_map(|((issue, _), keep)| keep.then_some(issue))
        .collect()
}

/// Files read so far, for the progress report.
struct Counter<'a> {
    done: AtomicUsize,
    total: usize,
    progress: &'a Progress,
}

/// Files larger than this are read and parsed one at a time.
pub(super) const LARGE_FILE: u64 = 1 << 20;

/// Runs the jobs numbered in `todo` on up to one thread per core; outcomes
/// come back in the order of `todo`.
fn run_jobs(jobs: &[Job], todo: &[usize], rules: &SplitRules, counter: &Counter) -> Vec<Outcome> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(todo.len().div_ceil(16))
        .max(1);
    let next = AtomicUsize::new(0);
    // Parsing takes several times a file's size in memory: two large files
    // at once, one per core, would add up (and 64 cores, 64 of them).
    let large = Mutex::new(());
    #[cfg(test)]
    let at_once = large_at_once::Run::default();
    let work = || {
        let mut done = Vec::new();
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let Some(&i) = todo.get(n) else {
                return done;
            };
            let is_large = jobs[i].stamp.size() > LARGE_FILE;
            let one_at_a_time = is_large.then(|| {
                large
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            });
            #[cfg(test)]
            let counted = is_large.then(|| at_once.enter());
            let outcome = load_job(&jobs[i], rules);
            #[cfg(test)]
            drop(counted);
            drop(one_at_a_time);
            let read = counter.done.fetch_add(1, Ordering::Relaxed) + 1;
            let issues = match &outcome {
                Outcome::Issues(issues, _) => issues.as_slice(),
                _ => &[],
            };
            counter.progress.report(read, counter.total, issues);
            done.push((n, outcome));
        }
    };
    let mut results: Vec<(usize, Outcome)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    #[cfg(test)]
    at_once.publish();
    results.sort_unstable_by_key(|(n, _)| *n);
    // A worker that panicked lost its files: report them rather than drop them.
    let mut outcomes: Vec<Option<Outcome>> = (0..todo.len()).map(|_| None).collect();
    for (n, outcome) in results {
        outcomes[n] = Some(outcome);
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::Failed(LoadError::Crashed)))
        .collect()
}

pub(crate) fn load_job(job: &Job, rules: &SplitRules) -> Outcome {
    let source = job.path.display().to_string();
    let (bytes, cut_at) = match read_source(&job.path, &source, !job.maildir) {
        Ok(Contents::Whole(bytes, cut_at)) => (bytes, cut_at),
        Ok(Contents::Mbox(rest)) => return load_mbox(rest, &source, rules),
        Err(err) => return Outcome::Failed(err),
    };
    let parsed = if job.maildir {
        email::explain(&bytes, &source, rules)
            .map(|built| vec![built.issue])
            .map_err(ParseError::from)
    } else {
        parse_bytes_with(&bytes, &source, rules)
    };
    match parsed {
        Ok(mut issues) => {
            // A file read only in part says so at the end of its last issue.
            if let (Some(read), Some(last)) = (cut_at, issues.last_mut()) {
                limits::note_unread_rest(last, &source, read);
            }
            Outcome::Issues(issues, Vec::new())
        }
        Err(ParseError::Binary) if !job.named => Outcome::Skipped,
        Err(err) => Outcome::Failed(err.into()),
    }
}

/// Streams an mbox of any size: messages are split and parsed as the file
/// is read, so only one message (and the parsed issues) is ever in memory.
/// A message that fails becomes an error named `FILE#N`; the rest load.
fn load_mbox(input: impl Read, source: &str, rules: &SplitRules) -> Outcome {
    let mut reader = MboxReader::new(BufReader::with_capacity(1 << 16, input))
        .with_limit(limits::MAX_READ_BYTES);
    let mut issues = email::Mailbox::default();
    let mut errors = Vec::new();
    let mut failed = 0;
    let mut i = 0;
    while let Some(message) = reader.next() {
        i += 1;
        let result = match message {
            Ok(bytes) => email::explain(&bytes, source, rules)
                .map(|built| built.issue)
                .map_err(|e| LoadError::from(ParseError::from(e))),
            Err(err) => Err(LoadError::from(err)),
        };
        let result = result.map(|mut issue| {
            if reader.was_cut() {
                let name = format!("{source}#{i}");
                limits::note_unread_rest(&mut issue, &name, limits::MAX_READ_BYTES);
            }
            issue
        });
        match result {
            Ok(issue) => issues.push(issue),
            // A mailbox of a million broken messages is not a million errors.
            Err(_) if errors.len() >= MAX_ERRORS => failed += 1,
            Err(err) => errors.push(source_error(format!("{source}#{i}"), &err)),
        }
    }
    if failed > 0 {
        errors.push(SourceError {
            source: source.to_string(),
            message: format!("{failed} more messages could not be read"),
        });
    }
    if issues.is_empty() && errors.is_empty() {
        return Outcome::Failed(ParseError::from(email::EmailError::EmptyMailbox).into());
    }
    Outcome::Issues(issues.finish(source), errors)
}

/// Errors said about the messages of one mailbox; the rest are counted.
const MAX_ERRORS: usize = 100;

/// A file's bytes (and, when it was read only in part, how many bytes were
/// read), or for an mbox a reader over the whole file to stream.
enum Contents {
    Whole(Vec<u8>, Option<usize>),
    Mbox(std::io::Chain<std::io::Cursor<Vec<u8>>, fs::File>),
}

/// Reads a file, unless its first 4 KiB show an mbox (when `mbox` allows),
/// which is streamed instead whatever its size. The file is opened once.
///
/// Only what the caps of one issue need is read: [`limits::MAX_ISSUE_TEXT`]
/// bytes of plain text or Markdown, [`limits::MAX_READ_BYTES`] of markup, so
/// a 2 GB file costs no more memory than a 32 MiB one. A feed cut short
/// would be broken XML, so a feed over the limit is refused instead.
fn read_source(path: &Path, source: &str, mbox: bool) -> Result<Contents, LoadError> {
    // Never waits: a FIFO that took the file's place since the walk is refused.
    let (mut file, meta) = crate::store::own::open_regular(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidInput {
            LoadError::NotAFile
        } else {
            e.into()
        }
    })?;
    let size = meta.len();
    let mut bytes = Vec::with_capacity(4096);
    (&mut file).take(4096).read_to_end(&mut bytes)?;
    let format = sniff(&bytes, source);
    if mbox && format == Format::Mbox {
        return Ok(Contents::Mbox(std::io::Cursor::new(bytes).chain(file)));
    }
    let limit = match format {
        Format::Plain | Format::Markdown => limits::MAX_ISSUE_TEXT,
        _ => limits::MAX_READ_BYTES,
    };
    if format == Format::Feed && size > limit as u64 {
        return Err(LoadError::TooLarge { size });
    }
    bytes.reserve(usize::try_from(size).unwrap_or(limit).min(limit + 1));
    // One byte past the limit tells a file that is longer (it may have
    // grown since its size was read).
    let room = (limit as u64 + 1).saturating_sub(bytes.len() as u64);
    file.take(room).read_to_end(&mut bytes)?;
    if bytes.len() <= limit {
        return Ok(Contents::Whole(bytes, None));
    }
    if format == Format::Feed {
        return Err(LoadError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    bytes.truncate(limit);
    cut_at_boundary(&mut bytes);
    Ok(Contents::Whole(bytes, Some(limit)))
}

/// Ends cut bytes at a line end when one is near, else never inside a UTF-8
/// character (which would make the whole text look like Windows-1252).
fn cut_at_boundary(bytes: &mut Vec<u8>) {
    let tail = bytes.len().saturating_sub(64 * 1024);
    if let Some(nl) = memchr::memrchr(b'\n', &bytes[tail..]) {
        bytes.truncate(tail + nl + 1);
        return;
    }
    // Drop a trailing partial UTF-8 sequence (at most 3 bytes).
    let start = bytes.len().saturating_sub(3);
    if let Some(lead) = (start..bytes.len()).rev().find(|&i| bytes[i] >= 0xc0) {
        let needed = match bytes[lead] {
            0xf0.. => 4,
            0xe0.. => 3,
            _ => 2,
        };
        if bytes.len() - lead < needed {
            bytes.truncate(lead);
        }
    }
}

/// How many large files one call of `run_jobs` parsed at once, at most
/// (for tests). Kept per call and handed to the calling thread, so tests
/// loading large files side by side never count each other's.
#[cfg(test)]
pub(super) mod large_at_once {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    thread_local! {
        static LAST: Cell<usize> = const { Cell::new(0) };
    }

    /// The most large files parsed at once by the last `run_jobs` this
    /// thread called.
    pub fn last() -> usize {
        LAST.with(Cell::get)
    }

    #[derive(Default)]
    pub struct Run {
        now: AtomicUsize,
        max: AtomicUsize,
    }

    pub struct Counted<'a>(&'a Run);

    impl Run {
        pub fn enter(&self) -> Counted<'_> {
            let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.max.fetch_max(now, Ordering::SeqCst);
            Counted(self)
        }

        /// Hands this run's figure to the calling thread.
        pub fn publish(&self) {
            LAST.with(|last| last.set(self.max.load(Ordering::SeqCst)));
        }
    }

    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            self.0.now.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, guid: Option<&str>) -> Issue {
        Issue {
            id: id.into(),
            source: format!("{id}.xml"),
            newsletter: None,
            title: id.into(),
            date: None,
            author: None,
            sections: Vec::new(),
            url: None,
            guid: guid.map(Into::into),
        }
    }

    #[test]
    fn copies_of_one_item_are_kept_once_from_the_newest_file() {
        let issues = vec![
            (item("old-ferry", Some("feed#ferry")), 10),
            (item("old-market", Some("feed#market")), 10),
            (item("no-guid", None), 10),
            (item("new-ferry", Some("feed#ferry")), 20),
            (item("new-market-repeat", Some("feed#market")), 10),
            (item("also-no-guid", None), 20),
        ];
        let kept: Vec<String> = newest_copies(issues).into_iter().map(|i| i.id).collect();
        // The newer file's ferry; the first market of two equally new
        // copies (a feed lists the newest first); issues without a GUID
        // are never merged.
        assert_eq!(kept, ["old-market", "no-guid", "new-ferry", "also-no-guid"]);
    }
}
