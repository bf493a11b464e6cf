//! The parsed-library cache: issues already parsed, keyed by the file's
//! canonical path and invalidated by its size and modification time, so a
//! large library opens without parsing it again.
//!
//! One file per set of library roots, in nlread's cache folder. The format
//! is a small length-prefixed binary encoding of the model with a magic,
//! a version and a checksum: a cache that is truncated, corrupt or from
//! another version is ignored (and rewritten), never trusted. Nothing in it
//! is decoded before the header's length matches the file's and the whole
//! body matches the checksum, and every length read is bounded by the bytes
//! left, so a damaged cache can only mean "parse again". Only a regular
//! file of at most [`MAX_CACHE_BYTES`] is read (`store::own`). It is written
//! to a temporary file and renamed into place, so a crash mid-write leaves
//! the previous cache or none, not half of one (and a torn one fails its
//! checksum).

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::model::{Issue, Link, Section};
use crate::store::own;

const MAGIC: &[u8; 8] = b"NLRCACHE";
/// Bump whenever the encoding or the parser's output changes.
pub(crate) const VERSION: u32 = 8;
/// Loads with fewer files than this are quick to parse and not cached.
pub(crate) const MIN_FILES: usize = 64;
/// A cache larger than this is neither read nor written: the 10,000-issue
/// library's is about 200 MB.
pub(crate) const MAX_CACHE_BYTES: u64 = 1 << 30;
/// Magic, version, body length, checksum.
const HEADER: u64 = 28;

/// The header's version: the encoding's, mixed with the parsers' build, so
/// a cache written by parsers that split differently is never trusted.
fn version() -> [u8; 4] {
    let build = u32::from_str_radix(&crate::parse::BUILD[..8], 16).unwrap_or(0);
    (VERSION ^ build).to_le_bytes()
}

/// Whether a file name is that of a cache file (`parsed-<id>.bin`).
pub(crate) fn is_cache_file(name: &[u8]) -> bool {
    name.starts_with(b"parsed-") && name.ends_with(b".bin")
}

/// Size and modification time of a file: when either changes, it is parsed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    size: u64,
    modified_ns: u128,
}

impl Stamp {
    /// A file not looked at (see `scan::Job::unchanged`).
    pub(crate) const UNKNOWN: Stamp = Stamp {
        size: 0,
        modified_ns: 0,
    };

    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    pub(crate) fn of(meta: &fs::Metadata) -> Stamp {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Stamp {
            size: meta.len(),
            modified_ns,
        }
    }

    /// When the file was last changed (ns since the epoch; 0 if unknown).
    pub(crate) fn modified(&self) -> u128 {
        self.modified_ns
    }
}

struct Entry {
    stamp: Stamp,
    issues: Vec<Issue>,
}

/// The cached issues of one set of library roots.
#[derive(Default)]
pub(crate) struct Cache {
    file: Option<PathBuf>,
    entries: HashMap<PathBuf, Entry>,
    /// Files parsed (or gone) since the cache was read: it must be rewritten.
    stale: bool,
}

impl Cache {
    /// The cache for `roots` in `dir`; empty when there is none yet or it
    /// cannot be trusted.
    /// The cache of these roots parsed under these split rules (their
    /// [`crate::parse::SplitRules::fingerprint`]): other rules cut other
    /// stories, so they have a cache of their own.
    pub(crate) fn open(dir: &Path, roots: &[PathBuf], rules: &str) -> Cache {
        let mut key: Vec<&[u8]> = Vec::new();
        let names: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        for name in &names {
            key.push(name.as_bytes());
        }
        if !rules.is_empty() {
            key.push(rules.as_bytes());
        }
        let file = dir.join(format!("parsed-{}.bin", crate::parse::stable_id(&key)));
        let entries = own::open_regular(&file)
            .ok()
            .and_then(|(f, meta)| decode(f, meta.len()))
            .unwrap_or_default();
        Cache {
            file: Some(file),
            entries,
            stale: false,
        }
    }

    /// Takes the cached issues of a file if its stamp still matches, with
    /// their source set to how the file is named now.
    pub(crate) fn take(
        &mut self,
        canonical: &Path,
        stamp: Stamp,
        source: &str,
    ) -> Option<Vec<Issue>> {
        let entry = self.entries.remove(canonical)?;
        if entry.stamp != stamp {
            self.stale = true;
            return None;
        }
        let mut issues = entry.issues;
        for issue in &mut issues {
            if issue.source != source {
                issue.source = source.to_string();
            }
        }
        Some(issues)
    }

    /// Marks the cache for rewriting: a file was parsed afresh.
    pub(crate) fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// Writes `files` as the new cache when anything changed: files parsed
    /// afresh, or cached files that are gone. Errors are ignored: a cache is
    /// an optimisation, and the next run simply parses again.
    pub(crate) fn save(self, files: &[(PathBuf, Stamp, &[Issue])]) {
        let Some(file) = self.file else { return };
        if !self.stale && self.entries.is_empty() {
            return;
        }
        let bytes = encode(files);
        if bytes.len() as u64 <= MAX_CACHE_BYTES {
            let _ = write_atomically(&file, &bytes);
        }
    }
}

/// No fsync: the cache is only an optimisation and is checksummed, so a
/// power cut that leaves it short or empty costs one slow start, while
/// syncing 100+ MB would slow every start that refreshes it.
fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::store::write_whole(file, bytes, false)
}

// ------------------------------------------------------------- encoding

fn encode(files: &[(PathBuf, Stamp, &[Issue])]) -> Vec<u8> {
    let mut body = Writer(Vec::with_capacity(1 << 20));
    let files: Vec<_> = files
        .iter()
        .filter(|(p, ..)| p.to_str().is_some())
        .collect();
    body.u64(files.len() as u64);
    for (path, stamp, issues) in files {
        body.str(path.to_str().unwrap_or_default());
        body.u64(stamp.size);
        body.u128(stamp.modified_ns);
        body.u64(issues.len() as u64);
        for issue in issues.iter() {
            body.issue(issue);
        }
    }
    let mut out = Vec::with_capacity(body.0.len() + 28);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version());
    out.extend_from_slice(&(body.0.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body.0).to_le_bytes());
    out.extend_from_slice(&body.0);
    out
}

/// Reads a cache of `size` bytes in two streamed passes (no copy of the
/// whole file in memory): the first checks that the header's length is the
/// file's and that the body matches the checksum, the second decodes, every
/// length bounded by the bytes left (and hashes again, in case the file
/// changed in between). Any mismatch or failure is None: parse again.
fn decode<R: Read + Seek>(mut input: R, size: u64) -> Option<HashMap<PathBuf, Entry>> {
    if !(HEADER..=MAX_CACHE_BYTES).contains(&size) {
        return None;
    }
    let mut header = [0u8; HEADER as usize];
    input.read_exact(&mut header).ok()?;
    let field = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let (len, sum) = (field(12), field(20));
    if header[..8] != *MAGIC
        || header[8..12] != version()
        || len != size - HEADER
        || checksum(&mut input)? != (len, sum)
    {
        return None;
    }
    input.seek(SeekFrom::Start(HEADER)).ok()?;
    let mut r = Reader {
        input: std::io::BufReader::with_capacity(1 << 16, input),
        left: len,
        hasher: Some(xxhash_rust::xxh3::Xxh3::new()),
    };
    let files = r.len()?;
    let mut entries = HashMap::with_capacity(files);
    for _ in 0..files {
        let path = PathBuf::from(r.string()?);
        let stamp = Stamp {
            size: r.u64()?,
            modified_ns: r.u128()?,
        };
        let count = r.len()?;
        let issues = (0..count).map(|_| r.issue()).collect::<Option<Vec<_>>>()?;
        entries.insert(path, Entry { stamp, issues });
    }
    let mut extra = [0u8; 1];
    let at_end = r.left == 0 && matches!(r.input.read(&mut extra), Ok(0));
    let digest = r.hasher.as_ref()?.digest();
    (at_end && digest == sum).then_some(entries)
}

/// The length and xxh3 of everything `input` has left.
fn checksum(input: &mut impl Read) -> Option<(u64, u64)> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        match input.read(&mut buf) {
            Ok(0) => return Some((total, hasher.digest())),
            Ok(n) => {
                hasher.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u128(&mut self, v: u128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
            None => self.0.push(0),
        }
    }

    fn issue(&mut self, issue: &Issue) {
        self.str(&issue.id);
        self.str(&issue.source);
        self.opt(issue.newsletter.as_deref());
        self.str(&issue.title);
        self.opt(issue.date.as_deref());
        self.opt(issue.author.as_deref());
        self.opt(issue.url.as_deref());
        self.opt(issue.guid.as_deref());
        self.u64(issue.sections.len() as u64);
        for section in &issue.sections {
            self.str(&section.id);
            self.opt(section.group.as_deref());
            self.str(&section.title);
            self.u64(section.words as u64);
            let (body, spans) = section.raw_parts();
            self.str(body);
            self.u64(section.block_count() as u64);
            for (kind, number, label, end) in spans {
                self.0.push(kind);
                for v in [number, label, end] {
                    self.0.extend_from_slice(&v.to_le_bytes());
                }
            }
            self.u64(section.links.len() as u64);
            for link in &section.links {
                self.str(&link.text);
                self.str(&link.url);
                for v in [link.block, link.at] {
                    self.0.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
    }
}

struct Reader<R> {
    input: R,
    /// Bytes the header says are still to come.
    left: u64,
    hasher: Option<xxhash_rust::xxh3::Xxh3>,
}

impl<R: Read> Reader<R> {
    fn fill(&mut self, buf: &mut [u8]) -> Option<()> {
        let n = buf.len() as u64;
        if n > self.left {
            return None;
        }
        self.input.read_exact(buf).ok()?;
        self.left -= n;
        if let Some(h) = &mut self.hasher {
            h.update(buf);
        }
        Some(())
    }

    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut buf = [0u8; N];
        self.fill(&mut buf)?;
        Some(buf)
    }

    fn u8(&mut self) -> Option<u8> {
        self.bytes::<1>().map(|b| b[0])
    }

    fn u64(&mut self) -> Option<u64> {
        self.bytes().map(u64::from_le_bytes)
    }

    fn u128(&mut self) -> Option<u128> {
        self.bytes().map(u128::from_le_bytes)
    }

    /// A count of things still to read; each takes at least one byte, so a
    /// corrupt count cannot make us reserve more than the input holds.
    fn len(&mut self) -> Option<usize> {
        let n = self.u64()?;
        (n <= self.left).then(|| usize::try_from(n).ok())?
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        let mut buf = vec![0u8; n];
        self.fill(&mut buf)?;
        String::from_utf8(buf).ok()
    }

    fn opt(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.string().map(Some),
            _ => None,
        }
    }

    fn issue(&mut self) -> Option<Issue> {
        let id = self.string()?;
        let source = self.string()?;
        let newsletter = self.opt()?;
        let title = self.string()?;
        let date = self.opt()?;
        let author = self.opt()?;
        let url = self.opt()?;
        let guid = self.opt()?;
        let count = self.len()?;
        let mut sections = Vec::with_capacity(count);
        for _ in 0..count {
            let id = self.string()?;
            let group = self.opt()?;
            let title = self.string()?;
            let words = usize::try_from(self.u64()?).ok()?;
            let body = self.string()?;
            let blocks = self.len()?;
            let mut spans = Vec::with_capacity(blocks);
            for _ in 0..blocks {
                let kind = self.u8()?;
                let number = u32::from_le_bytes(self.bytes()?);
                let label = u32::from_le_bytes(self.bytes()?);
                let end = u32::from_le_bytes(self.bytes()?);
                spans.push((kind, number, label, end));
            }
            let count = self.len()?;
            let mut links = Vec::with_capacity(count);
            for _ in 0..count {
                links.push(Link {
                    text: self.string()?,
                    url: self.string()?,
                    block: u32::from_le_bytes(self.bytes()?),
                    at: u32::from_le_bytes(self.bytes()?),
                });
            }
            let section = Section::from_raw_parts(id, title, words, body, spans)?;
            sections.push(section.with_links(links).in_group(group));
        }
        Some(Issue {
            id,
            source,
            newsletter,
            title,
            date,
            author,
            sections,
            url,
            guid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Issue> {
        let text = "Mar 4, 2024\n\nTest Letter\n\nBy Ann Lee\n\nAn intro line that is long enough to be a paragraph.\n\n1 big thing: Ports\n\nPhoto: A/B\n\nWhy it matters: Ships.\n\n  • A bullet.\n\n2. Catch up quick\n\n1. One item. More.\n\n> quoted\n";
        let mut issue = crate::parse::plain::parse(text, "a.txt");
        let section = issue.sections.remove(0);
        let link = Link {
            text: "Ports".into(),
            url: "https://example.com/ports".into(),
            block: 0,
            at: 2,
        };
        issue.sections.insert(0, section.with_links(vec![link]));
        issue.url = Some("https://example.com/issue".into());
        issue.guid = Some("<id@example.com>".into());
        vec![issue]
    }

    fn stamp() -> Stamp {
        Stamp {
            size: 42,
            modified_ns: 1_700_000_000_123_456_789,
        }
    }

    #[test]
    fn round_trip() {
        let issues = sample();
        let bytes = encode(&[(PathBuf::from("/lib/a.txt"), stamp(), &issues)]);
        let entries = decode_bytes(&bytes).expect("decodes");
        let entry = &entries[Path::new("/lib/a.txt")];
        assert_eq!(entry.stamp, stamp());
        assert_eq!(entry.issues, issues);
    }

    fn decode_bytes(bytes: &[u8]) -> Option<HashMap<PathBuf, Entry>> {
        decode(std::io::Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn any_damage_is_refused() {
        let issues = sample();
        let bytes = encode(&[(PathBuf::from("/lib/a.txt"), stamp(), &issues)]);
        for cut in [0, 7, 12, 27, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode_bytes(&bytes[..cut]).is_none(), "truncated at {cut}");
        }
        for at in [3, 9, 20, 40, bytes.len() / 2, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x40;
            assert!(decode_bytes(&bad).is_none(), "flipped byte {at}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_bytes(&longer).is_none());
    }

    #[test]
    fn lengths_in_a_damaged_cache_are_never_trusted() {
        // Issue 11, finding 4: "memory allocation of 213305255788560 bytes
        // failed" (SIGABRT) at every start until the cache was deleted:
        // lengths were trusted before the checksum was checked.
        let issues = sample();
        let bytes = encode(&[(PathBuf::from("/lib/a.txt"), stamp(), &issues)]);
        let huge = 213_305_255_788_560u64.to_le_bytes();
        // The header's body length, then the first path's length.
        for at in [12usize, 36] {
            let mut bad = bytes.clone();
            bad[at..at + 8].copy_from_slice(&huge);
            assert!(decode_bytes(&bad).is_none(), "length at {at}");
        }
        // Both, with the header's length made to match a body that long.
        let mut bad = bytes.clone();
        bad[36..44].copy_from_slice(&huge);
        let body_len = (bad.len() - HEADER as usize) as u64;
        bad[12..20].copy_from_slice(&body_len.to_le_bytes());
        assert!(decode_bytes(&bad).is_none());
    }

    #[test]
    fn a_cache_with_a_valid_checksum_but_lengths_past_its_end_is_refused() {
        // Written by someone else with the right checksum: still bounded.
        let mut body = Writer(Vec::new());
        body.u64(1);
        body.u64(213_305_255_788_560);
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&version());
        bytes.extend_from_slice(&(body.0.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body.0).to_le_bytes());
        bytes.extend_from_slice(&body.0);
        assert!(decode_bytes(&bytes).is_none());
    }

    #[test]
    #[cfg(unix)]
    fn a_fifo_in_place_of_the_cache_is_never_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [PathBuf::from("/lib")];
        let file = Cache::open(dir.path(), &roots, "").file.clone().unwrap();
        let made = std::process::Command::new("mkfifo").arg(&file).status();
        assert!(made.is_ok_and(|s| s.success()));
        let (tx, rx) = std::sync::mpsc::channel();
        let dir_path = dir.path().to_path_buf();
        std::thread::spawn(move || {
            let cache = Cache::open(&dir_path, &roots, "");
            let _ = tx.send(cache.entries.len());
        });
        let found = rx.recv_timeout(std::time::Duration::from_secs(20));
        assert_eq!(found, Ok(0), "opening the cache waited on a FIFO");
    }

    #[test]
    fn take_checks_the_stamp_and_renames_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let issues = sample();
        let roots = [PathBuf::from("/lib")];
        let mut cache = Cache::open(dir.path(), &roots, "");
        cache.mark_stale();
        cache.save(&[(PathBuf::from("/lib/a.txt"), stamp(), &issues)]);

        let mut cache = Cache::open(dir.path(), &roots, "");
        let newer = Stamp {
            modified_ns: 1,
            ..stamp()
        };
        assert!(
            cache
                .take(Path::new("/lib/a.txt"), newer, "a.txt")
                .is_none()
        );
        let mut cache = Cache::open(dir.path(), &roots, "");
        let got = cache
            .take(Path::new("/lib/a.txt"), stamp(), "lib/a.txt")
            .unwrap();
        assert_eq!(got[0].source, "lib/a.txt");
        assert_eq!(got[0].sections, issues[0].sections);
        // Other roots have their own cache.
        let mut other = Cache::open(dir.path(), &[PathBuf::from("/elsewhere")], "");
        assert!(
            other
                .take(Path::new("/lib/a.txt"), stamp(), "a.txt")
                .is_none()
        );
    }

    #[test]
    fn a_corrupt_cache_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [PathBuf::from("/lib")];
        let cache = Cache::open(dir.path(), &roots, "");
        let file = cache.file.clone().unwrap();
        fs::write(&file, b"NLRCACHE garbage").unwrap();
        let mut cache = Cache::open(dir.path(), &roots, "");
        assert!(
            cache
                .take(Path::new("/lib/a.txt"), stamp(), "a.txt")
                .is_none()
        );
    }
}
