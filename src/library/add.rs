//! `nlread add`: copying issues into the library folder.
//!
//! Only what nlread can read is copied: every file is parsed first, and one
//! that gives an error is reported and left out. A file whose content is
//! already somewhere in the library (under any name) is not copied again; a
//! different file of the same name is kept beside it as `name-2.ext`, never
//! over it. Each copy is written to a hidden temporary file in the library
//! folder and then linked (or renamed) into place, so a reader that scans
//! the folder meanwhile never sees half a file.
//!
//! An mbox is copied whole; the messages of a Maildir one by one, each as
//! `<name>.eml`. Nothing here prints: every source's [`Outcome`] is handed
//! to a callback, and the wording of the command lives in `crate::cli`.
//!
//! Inside a folder that is added, a link is followed only to something in
//! that folder: one leading out of it (to `~/.ssh`, say) is skipped with a
//! reason, and so are broken links, loops of links and links back to a
//! folder already walked, each reported, never dropped in silence. Names
//! are cut to fit the file system's 255 bytes with their number and
//! extension.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use super::scan::{FolderId, folder_id};
use super::{LoadError, MAX_FILE_BYTES};
use crate::parse::email::{self, EmailError, MboxReader};
use crate::parse::{Format, ParseError, parse_bytes, sniff};

/// Why nothing could be added at all.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("the library folder {path} could not be created: {source}")]
    CreateFolder { path: String, source: io::Error },
}

/// Why one source was not copied. Shown after the source's name.
#[derive(Debug, thiserror::Error)]
pub enum Skip {
    #[error(transparent)]
    Unreadable(#[from] LoadError),
    #[error("could not be copied into the library: {0}")]
    Copy(io::Error),
}

/// What became of one source file (or one message of a Maildir).
#[derive(Debug)]
pub enum Outcome {
    /// Copied (or, in a dry run, would be) as `name` in the library folder,
    /// holding `issues` issues.
    Added {
        name: String,
        issues: usize,
    },
    /// The same content is already in the library, as `name` (a path
    /// inside the library folder).
    Present {
        name: String,
    },
    Skipped(Skip),
}

/// One line of the report: a source and what became of it.
#[derive(Debug)]
pub struct Entry {
    /// The source as the user named it, or its place inside a named folder.
    pub source: PathBuf,
    pub outcome: Outcome,
}

/// How many sources had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub added: usize,
    pub present: usize,
    pub skipped: usize,
}

/// Copies the issues in `sources` into the library folder `dir` (created if
/// missing), calling `report` once per source file as it goes. With
/// `dry_run` nothing is written; the report says what would happen.
pub fn add_paths(
    dir: &Path,
    sources: &[PathBuf],
    dry_run: bool,
    mut report: impl FnMut(&Entry),
) -> Result<Summary, AddError> {
    if !dry_run {
        fs::create_dir_all(dir).map_err(|source| AddError::CreateFolder {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let mut adder = Adder::new(dir, dry_run);
    let mut summary = Summary::default();
    let mut each = |entry: Entry| {
        match entry.outcome {
            Outcome::Added { .. } => summary.added += 1,
            Outcome::Present { .. } => summary.present += 1,
            Outcome::Skipped(_) => summary.skipped += 1,
        }
        report(&entry);
    };
    for source in sources {
        adder.add_named(source, &mut each);
    }
    // The new names reach the disk with the folder's entries: once for all
    // the copies, as a sync per file would cost more than the copying.
    if summary.added > 0
        && !dry_run
        && let Ok(folder) = File::open(dir)
    {
        let _ = folder.sync_all();
    }
    Ok(summary)
}

/// The library folder as it is, and what this run has added to it.
struct Adder {
    dir: PathBuf,
    dry_run: bool,
    /// Files in the library by size: only a file of the same size can hold
    /// the same content, so most are never read.
    by_size: HashMap<u64, Vec<Known>>,
    /// Names in the library folder, and those this run has taken.
    names: HashSet<OsString>,
    /// Folders walked, so a link back to a parent cannot loop.
    walked: HashSet<FolderId>,
    /// The canonical path of the folder being added: links inside it may
    /// not lead out of it.
    root: Option<PathBuf>,
    /// Temporary files written, to name each one differently.
    temporaries: usize,
}

/// A file in the library; its content hash is computed when first needed.
struct Known {
    path: PathBuf,
    hash: Option<u128>,
}

/// A source that parsed: its bytes (or, for a large mbox, none: it is
/// streamed from the file) and how many issues it holds.
struct Checked {
    bytes: Option<Vec<u8>>,
    size: u64,
    issues: usize,
}

impl Adder {
    fn new(dir: &Path, dry_run: bool) -> Adder {
        let mut adder = Adder {
            dir: dir.to_path_buf(),
            dry_run,
            by_size: HashMap::new(),
            names: HashSet::new(),
            walked: HashSet::new(),
            root: None,
            temporaries: 0,
        };
        if let Ok(entries) = fs::read_dir(dir) {
            adder.names = entries
                .filter_map(Result::ok)
                .map(|e| e.file_name())
                .collect();
        }
        adder.index_folder(dir);
        adder
    }

    /// Every visible file under `dir`, by size (no recursion, as in
    /// [`Adder::add_folder`]).
    fn index_folder(&mut self, dir: &Path) {
        let mut seen = HashSet::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(dir) = folders.pop() {
            let fresh = fs::metadata(&dir)
                .ok()
                .and_then(|m| folder_id(&dir, &m))
                .is_none_or(|id| seen.insert(id));
            if !fresh {
                continue;
            }
            for found in visible_entries(&dir, None) {
                match found {
                    Found::Folder(path, _) => folders.push(path),
                    Found::File(path, meta) => self
                        .by_size
                        .entry(meta.len())
                        .or_default()
                        .push(Known { path, hash: None }),
                    Found::Skipped(..) => {}
                }
            }
        }
    }

    fn add_named(&mut self, source: &Path, report: &mut impl FnMut(Entry)) {
        match fs::metadata(source) {
            Err(err) if fs::symlink_metadata(source).is_ok() => {
                report(skipped(source, super::scan::link_error(err)));
            }
            Err(err) => report(skipped(source, LoadError::from(err))),
            Ok(meta) if meta.is_dir() => {
                self.root = fs::canonicalize(source).ok();
                if self.add_folder(source, &meta, report) == 0 {
                    report(skipped(source, LoadError::EmptyFolder));
                }
                self.root = None;
            }
            Ok(meta) if meta.is_file() => self.add_file(source, false, report),
            Ok(_) => report(skipped(source, LoadError::NotAFile)),
        }
    }

    /// Every file in `dir` (recursively; a Maildir's messages); returns how
    /// many files were found (skipped ones included: each was reported).
    /// Depth first in name order, with a stack of its own rather than
    /// recursion: folders nested thousands deep must not exhaust the stack.
    fn add_folder(
        &mut self,
        dir: &Path,
        meta: &fs::Metadata,
        report: &mut impl FnMut(Entry),
    ) -> usize {
        let mut count = 0;
        let Some(first) = self.enter(dir, meta, report, &mut count) else {
            return 0;
        };
        let mut stack = vec![first.into_iter()];
        while let Some(top) = stack.last_mut() {
            let Some(item) = top.next() else {
                stack.pop();
                continue;
            };
            match item {
                Found::Folder(path, meta) => match self.enter(&path, &meta, report, &mut count) {
                    Some(items) => stack.push(items.into_iter()),
                    // A link back to a folder this run walked already.
                    None if is_link(&path) => {
                        count += 1;
                        report(skipped(&path, LoadError::LinkToWalked));
                    }
                    None => {}
                },
                Found::File(path, _) => {
                    count += 1;
                    self.add_file(&path, false, report);
                }
                Found::Skipped(path, why) => {
                    count += 1;
                    report(skipped(&path, why));
                }
            }
        }
        count
    }

    /// Starts on the folder `dir`: None when this run walked it already;
    /// a Maildir's messages are added at once (nothing left to walk);
    /// otherwise its entries, to walk.
    fn enter(
        &mut self,
        dir: &Path,
        meta: &fs::Metadata,
        report: &mut impl FnMut(Entry),
        count: &mut usize,
    ) -> Option<Vec<Found>> {
        if let Some(id) = folder_id(dir, meta)
            && !self.walked.insert(id)
        {
            return None;
        }
        let root = self.root.clone();
        let found = visible_entries(dir, root.as_deref());
        let is_dir = |name: &str| {
            found
                .iter()
                .any(|f| matches!(f, Found::Folder(p, _) if p.file_name() == Some(name.as_ref())))
        };
        if !(is_dir("cur") && is_dir("new")) {
            return Some(found);
        }
        for folder in ["cur", "new"] {
            for item in visible_entries(&dir.join(folder), root.as_deref()) {
                match item {
                    Found::File(path, _) => {
                        *count += 1;
                        self.add_file(&path, true, report);
                    }
                    Found::Skipped(path, why) => {
                        *count += 1;
                        report(skipped(&path, why));
                    }
                    Found::Folder(..) => {}
                }
            }
        }
        Some(Vec::new())
    }

    /// One file; `message` for a Maildir message, which is stored as `.eml`.
    fn add_file(&mut self, source: &Path, message: bool, report: &mut impl FnMut(Entry)) {
        let name = library_name(source, message);
        let outcome = match self.copy(source, &name) {
            Ok(outcome) => outcome,
            Err(skip) => Outcome::Skipped(skip),
        };
        report(Entry {
            source: source.to_path_buf(),
            outcome,
        });
    }

    fn copy(&mut self, source: &Path, name: &OsString) -> Result<Outcome, Skip> {
        let checked = check(source, &name.to_string_lossy())?;
        let hash = match &checked.bytes {
            Some(bytes) => xxhash_rust::xxh3::xxh3_128(bytes),
            None => hash_file(source).map_err(LoadError::from)?,
        };
        if let Some(existing) = self.find(source, checked.size, hash) {
            let name = existing
                .strip_prefix(&self.dir)
                .unwrap_or(&existing)
                .display()
                .to_string();
            return Ok(Outcome::Present { name });
        }
        let mut attempt = 1;
        let written = loop {
            let candidate = numbered(name, attempt);
            attempt += 1;
            if self.names.contains(&candidate) {
                continue;
            }
            let dest = self.dir.join(&candidate);
            if fs::symlink_metadata(&dest).is_ok() {
                self.names.insert(candidate);
                continue;
            }
            if self.dry_run {
                break dest;
            }
            match self.write(source, checked.bytes.as_deref(), &dest) {
                Ok(()) => break dest,
                // Someone else took the name meanwhile: try the next one.
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    self.names.insert(candidate);
                }
                Err(err) => return Err(Skip::Copy(err)),
            }
        };
        let taken = written.file_name().map(OsString::from).unwrap_or_default();
        let shown = taken.to_string_lossy().into_owned();
        self.names.insert(taken);
        // A dry run remembers the source itself: its content is what would be there.
        let known = if self.dry_run {
            source.to_path_buf()
        } else {
            written
        };
        self.by_size.entry(checked.size).or_default().push(Known {
            path: known,
            hash: Some(hash),
        });
        Ok(Outcome::Added {
            name: shown,
            issues: checked.issues,
        })
    }

    /// A library file with the content of `source` (same size and hash, and
    /// then the same bytes, so a hash collision cannot lose an issue).
    fn find(&mut self, source: &Path, size: u64, hash: u128) -> Option<PathBuf> {
        let candidates = self.by_size.get_mut(&size)?;
        for known in candidates.iter_mut() {
            let theirs = match known.hash {
                Some(h) => h,
                None => match hash_file(&known.path) {
                    Ok(h) => *known.hash.insert(h),
                    Err(_) => continue,
                },
            };
            if theirs == hash && same_bytes(source, &known.path).unwrap_or(false) {
                return Some(known.path.clone());
            }
        }
        None
    }

    /// Writes the copy to a hidden temporary file beside `dest`, flushes it
    /// and links it into place, failing with `AlreadyExists` rather than
    /// replacing a file that appeared at `dest` meanwhile.
    fn write(&mut self, source: &Path, bytes: Option<&[u8]>, dest: &Path) -> io::Result<()> {
        self.temporaries += 1;
        let tmp = self.dir.join(format!(
            ".nlread-add-{}-{}.tmp",
            std::process::id(),
            self.temporaries
        ));
        let result = (|| {
            let mut file = File::create(&tmp)?;
            match bytes {
                Some(bytes) => file.write_all(bytes)?,
                None => {
                    io::copy(&mut File::open(source)?, &mut file)?;
                }
            }
            file.sync_all()?;
            drop(file);
            match fs::hard_link(&tmp, dest) {
                Ok(()) => fs::remove_file(&tmp),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Err(err),
                // A file system without hard links: rename, after a last look.
                Err(_) if fs::symlink_metadata(dest).is_ok() => {
                    Err(io::Error::from(io::ErrorKind::AlreadyExists))
                }
                Err(_) => fs::rename(&tmp, dest),
            }
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

fn skipped(source: &Path, err: LoadError) -> Entry {
    Entry {
        source: source.to_path_buf(),
        outcome: Outcome::Skipped(Skip::Unreadable(err)),
    }
}

/// One entry of a folder being added.
enum Found {
    Folder(PathBuf, fs::Metadata),
    File(PathBuf, fs::Metadata),
    /// Not followed or not readable, and why: reported, never silent.
    Skipped(PathBuf, LoadError),
}

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The entries of `dir` that are not hidden, in name order, with their
/// metadata (links followed). With `root`, a link that leads out of it is
/// skipped, as are broken links, loops of links and what is neither file
/// nor folder.
fn visible_entries(dir: &Path, root: Option<&Path>) -> Vec<Found> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<(OsString, Option<fs::FileType>)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name(), e.file_type().ok()))
        .filter(|(n, _)| !n.as_encoded_bytes().starts_with(b"."))
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    names
        .into_iter()
        .map(|(name, kind)| {
            let path = dir.join(name);
            let link = kind.is_none_or(|k| k.is_symlink());
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(err) if link => return Found::Skipped(path, super::scan::link_error(err)),
                Err(err) => return Found::Skipped(path, err.into()),
            };
            if link && let Some(root) = root {
                match fs::canonicalize(&path) {
                    Ok(target) if target.starts_with(root) => {}
                    Ok(target) => {
                        let why = LoadError::LinkOutside {
                            target: target.display().to_string(),
                        };
                        return Found::Skipped(path, why);
                    }
                    Err(err) => return Found::Skipped(path, super::scan::link_error(err)),
                }
            }
            if meta.is_dir() {
                Found::Folder(path, meta)
            } else if meta.is_file() {
                Found::File(path, meta)
            } else {
                Found::Skipped(path, LoadError::NotAFile)
            }
        })
        .collect()
}

/// The longest file name most file systems take, in bytes.
const NAME_MAX: usize = 255;

/// The name a source gets in the library: its own without control
/// characters, not hidden (a hidden file would never be read), a Maildir message's with `.eml` added and the
/// `:` of its flags replaced (not allowed in names on every system).
fn library_name(source: &Path, message: bool) -> OsString {
    let own = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Control characters in a name would reach every listing of the folder.
    let own = crate::text::sanitize(&own).replace('\n', " ");
    let mut name = own.trim_start_matches('.').to_string();
    if name.is_empty() {
        name = "issue".into();
    }
    if message {
        name = name.replace(':', "_");
        if !name.to_ascii_lowercase().ends_with(".eml") {
            name.push_str(".eml");
        }
    }
    numbered(&name.into(), 1)
}

/// `name` for the first attempt, then `stem-2.ext`, `stem-3.ext` ...; the
/// stem cut (on a character boundary) so the whole fits in [`NAME_MAX`]
/// bytes: cleaning a name (a tab becomes spaces, a byte that is not UTF-8
/// three) or numbering it can make it longer than the original.
fn numbered(name: &OsString, attempt: usize) -> OsString {
    let name = name.to_string_lossy();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 16 => (stem, format!(".{ext}")),
        _ => (name.as_ref(), String::new()),
    };
    let suffix = if attempt == 1 {
        String::new()
    } else {
        format!("-{attempt}")
    };
    let room = NAME_MAX.saturating_sub(suffix.len() + ext.len());
    let mut end = stem.len().min(room);
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}{ext}", &stem[..end]).into()
}

/// Reads and parses `source` (named `name` in the library: the name's
/// extension tells Markdown from plain text). An mbox is parsed message by
/// message as it is read, whatever its size, and is accepted when at least
/// one message reads.
fn check(source: &Path, name: &str) -> Result<Checked, LoadError> {
    let mut file = File::open(source)?;
    let size = file.metadata()?.len();
    let mut head = Vec::with_capacity(4096);
    (&mut file).take(4096).read_to_end(&mut head)?;
    if sniff(&head, name) == Format::Mbox {
        let input = BufReader::with_capacity(1 << 16, io::Cursor::new(head).chain(file));
        let limit = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
        let mut issues = 0;
        let mut first_error = None;
        for message in MboxReader::new(input).with_limit(limit) {
            match email::parse(&message?, name) {
                Ok(_) => issues += 1,
                Err(err) => {
                    first_error.get_or_insert(err);
                }
            }
        }
        if issues == 0 {
            let err = first_error.unwrap_or(EmailError::EmptyMailbox);
            return Err(ParseError::from(err).into());
        }
        return Ok(Checked {
            bytes: None,
            size,
            issues,
        });
    }
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { size });
    }
    let mut bytes = head;
    file.take(MAX_FILE_BYTES + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    let issues = parse_bytes(&bytes, name)?.len();
    Ok(Checked {
        size: bytes.len() as u64,
        bytes: Some(bytes),
        issues,
    })
}

fn hash_file(path: &Path) -> io::Result<u128> {
    let mut file = File::open(path)?;
    let mut hasher = Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.digest128());
        }
        hasher.update(&buf[..n]);
    }
}

fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
    let mut a = BufReader::new(File::open(a)?);
    let mut b = BufReader::new(File::open(b)?);
    let (mut x, mut y) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = read_full(&mut a, &mut x)?;
        let m = read_full(&mut b, &mut y)?;
        if n != m || x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Fills `buf` as far as the input goes; returns how much was read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUE: &str = "The Tidepool Letter\nMarch 4, 2025\n\n1. Kelp forests return\n\nDivers counted more kelp this spring than in any year since records began.\n\n2. A quiet harbour\n\nThe ferry timetable changed and nobody noticed for a week.\n";

    /// What the callback saw, in a form the tests can hold on to.
    #[derive(Debug, PartialEq)]
    enum Seen {
        Added(String, usize),
        Present(String),
        Skipped(String),
    }

    fn run(dir: &Path, sources: &[PathBuf], dry_run: bool) -> (Summary, Vec<Seen>) {
        let mut seen = Vec::new();
        let summary = add_paths(dir, sources, dry_run, |e| {
            seen.push(match &e.outcome {
                Outcome::Added { name, issues } => Seen::Added(name.clone(), *issues),
                Outcome::Present { name } => Seen::Present(name.clone()),
                Outcome::Skipped(skip) => Seen::Skipped(skip.to_string()),
            })
        })
        .expect("library folder");
        (summary, seen)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read library")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn same_content_is_added_once_and_a_clash_of_names_gets_a_number() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let src = tmp.path().join("src");
        fs::create_dir_all(src.join("other")).expect("mkdir");
        fs::write(src.join("tide.txt"), ISSUE).expect("write");
        fs::write(src.join("copy.txt"), ISSUE).expect("write");
        let changed = ISSUE.replace("kelp this spring", "kelp this autumn");
        fs::write(src.join("other/tide.txt"), &changed).expect("write");

        let (summary, _) = run(&lib, &[src.join("tide.txt")], false);
        assert_eq!(summary.added, 1);
        assert_eq!(names(&lib), ["tide.txt"]);

        let (summary, entries) = run(
            &lib,
            &[
                src.join("tide.txt"),
                src.join("copy.txt"),
                src.join("other/tide.txt"),
            ],
            false,
        );
        assert_eq!(
            summary,
            Summary {
                added: 1,
                present: 2,
                skipped: 0
            }
        );
        assert_eq!(entries[1], Seen::Present("tide.txt".into()));
        assert_eq!(entries[2], Seen::Added("tide-2.txt".into(), 1));
        assert_eq!(names(&lib), ["tide-2.txt", "tide.txt"]);
        assert_eq!(
            fs::read_to_string(lib.join("tide-2.txt")).expect("copy"),
            changed
        );
        assert_eq!(
            fs::read_to_string(lib.join("tide.txt")).expect("copy"),
            ISSUE
        );
    }

    #[test]
    fn a_dry_run_writes_nothing_but_tells_the_same_story() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let src = tmp.path().join("a.txt");
        fs::write(&src, ISSUE).expect("write");
        let (summary, entries) = run(&lib, &[src.clone(), src.clone()], true);
        assert!(!lib.exists(), "a dry run creates no folder");
        assert_eq!(summary.added, 1);
        assert_eq!(
            summary.present, 1,
            "the second is seen as a copy of the first"
        );
        assert_eq!(entries[0], Seen::Added("a.txt".into(), 1));
    }

    #[test]
    fn unreadable_sources_are_skipped_with_a_reason() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let empty = tmp.path().join("empty.txt");
        let binary = tmp.path().join("blob.txt");
        fs::write(&empty, "").expect("write");
        fs::write(&binary, [0u8, 159, 146, 150, 0, 0, 1, 2, 3]).expect("write");
        let missing = tmp.path().join("missing.txt");
        let (summary, entries) = run(&lib, &[empty, binary, missing], false);
        assert_eq!(summary.skipped, 3);
        let why: Vec<String> = entries
            .into_iter()
            .map(|e| match e {
                Seen::Skipped(why) => why,
                other => panic!("not skipped: {other:?}"),
            })
            .collect();
        assert!(why[0].contains("empty"), "{why:?}");
        assert!(why[1].contains("binary"), "{why:?}");
        assert!(why[2].contains("not found"), "{why:?}");
        assert!(names(&lib).is_empty());
    }

    #[test]
    fn maildir_messages_become_eml_files_and_hidden_names_are_shown() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let maildir = tmp.path().join("box");
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(maildir.join(sub)).expect("mkdir");
        }
        let mail = "From: Tidepool <t@example.org>\nSubject: Low tide\nDate: Tue, 4 Mar 2025 07:00:00 +0000\n\nThe rock pools were full of small crabs.\n";
        fs::write(maildir.join("cur/1741.M1.host:2,S"), mail).expect("write");
        fs::write(maildir.join("tmp/half"), "From: x").expect("write");
        let hidden = tmp.path().join(".secret.txt");
        fs::write(&hidden, ISSUE).expect("write");
        let (summary, _) = run(&lib, &[maildir, hidden], false);
        assert_eq!(summary.added, 2);
        assert_eq!(names(&lib), ["1741.M1.host_2,S.eml", "secret.txt"]);
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        let n = |s: &str, k| {
            numbered(&OsString::from(s), k)
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(n("a.txt", 1), "a.txt");
        assert_eq!(n("a.txt", 2), "a-2.txt");
        assert_eq!(n("notes", 3), "notes-3");
        assert_eq!(n("a.tar.gz", 2), "a.tar-2.gz");
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_folder_broken_links_and_loops_are_skipped_and_said() {
        // Issue 11, finding 11: `add DIR` followed links out of DIR and
        // copied what they point to; loops and broken links went unsaid.
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let src = tmp.path().join("src");
        let private = tmp.path().join("private");
        fs::create_dir_all(src.join("sub")).expect("mkdir");
        fs::create_dir_all(&private).expect("mkdir");
        fs::write(src.join("a.txt"), ISSUE).expect("write");
        let secret = ISSUE.replace("Tidepool", "Private Diary");
        fs::write(private.join("secret.txt"), &secret).expect("write");
        symlink(private.join("secret.txt"), src.join("out.txt")).expect("link");
        symlink(&private, src.join("out-folder")).expect("link");
        symlink(src.join("a.txt"), src.join("in.txt")).expect("link");
        symlink(src.join("gone.txt"), src.join("dangling.txt")).expect("link");
        symlink(src.join("loop2"), src.join("loop1")).expect("link");
        symlink(src.join("loop1"), src.join("loop2")).expect("link");
        symlink(&src, src.join("sub/back")).expect("link");
        let (summary, seen) = run(&lib, std::slice::from_ref(&src), false);
        let said = |name: &str| -> String {
            let entries: Vec<String> = seen.iter().map(|e| format!("{e:?}")).collect();
            let i = entries
                .iter()
                .position(|e| e.contains(name))
                .unwrap_or_else(|| panic!("{name} not reported: {entries:#?}"));
            entries[i].clone()
        };
        assert!(said("out of the folder").contains("private"), "{seen:?}");
        assert_eq!(
            seen.iter()
                .filter(|e| format!("{e:?}").contains("out of the folder"))
                .count(),
            2,
            "{seen:?}"
        );
        assert!(said("does not exist").contains("Skipped"));
        assert_eq!(
            seen.iter()
                .filter(|e| format!("{e:?}").contains("loop of links"))
                .count(),
            2,
            "{seen:?}"
        );
        assert!(said("already added").contains("Skipped"));
        assert_eq!(summary.added, 1, "{seen:?}");
        assert_eq!(summary.present, 1, "in.txt is a.txt: {seen:?}");
        assert_eq!(summary.skipped, 6, "{seen:?}");
        for name in names(&lib) {
            let text = fs::read_to_string(lib.join(&name)).expect("read");
            assert!(
                !text.contains("Private Diary"),
                "{name} was copied from outside"
            );
        }
    }

    #[test]
    fn names_too_long_once_cleaned_or_numbered_are_cut_to_fit() {
        // Issue 11, finding 14: "File name too long" when the -2 suffix or
        // a tab turned into spaces lengthened a 255-byte name.
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        fs::create_dir_all(&a).expect("mkdir");
        fs::create_dir_all(&b).expect("mkdir");
        let long = format!("{}.txt", "n".repeat(251));
        let tabbed = format!("{}\t\t{}.txt", "t".repeat(100), "t".repeat(149));
        assert_eq!((long.len(), tabbed.len()), (255, 255));
        fs::write(a.join(&long), ISSUE).expect("write");
        fs::write(b.join(&long), ISSUE.replace("spring", "autumn")).expect("write");
        fs::write(a.join(&tabbed), ISSUE.replace("spring", "winter")).expect("write");
        let (summary, seen) = run(
            &lib,
            &[a.join(&long), b.join(&long), a.join(&tabbed)],
            false,
        );
        assert_eq!(summary.added, 3, "{seen:?}");
        for name in names(&lib) {
            assert!(name.len() <= 255, "{name}");
            assert!(name.ends_with(".txt"), "{name}");
        }
        assert!(
            names(&lib).iter().any(|n| n.ends_with("-2.txt")),
            "{:?}",
            names(&lib)
        );
    }

    #[test]
    fn deep_folders_are_added_in_linear_work_per_level() {
        // Issue 11, finding 9: 12 s for `add` at depth 1000.
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let mut deep = tmp.path().join("src");
        for _ in 0..1000 {
            deep.push("d");
        }
        fs::create_dir_all(&deep).expect("mkdir");
        fs::write(deep.join("bottom.txt"), ISSUE).expect("write");
        let start = std::time::Instant::now();
        let (summary, _) = run(&lib, &[tmp.path().join("src")], false);
        let took = start.elapsed();
        assert_eq!(summary.added, 1);
        assert!(
            took < std::time::Duration::from_secs(5),
            "{took:?} at depth 1000"
        );
    }

    #[test]
    fn no_temporary_file_is_left_behind() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let src = tmp.path().join("a.md");
        fs::write(&src, "# Tidepool\n\n## Crabs\n\nMany crabs today.\n").expect("write");
        run(&lib, &[src], false);
        assert_eq!(names(&lib), ["a.md"]);
    }
}
