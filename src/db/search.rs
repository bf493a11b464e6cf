//! Search through the library index, ranked as the reader's filter ranks:
//! every term must match a story's title, its issue's title or newsletter
//! name (fuzzily, skim, in memory) or its text (the full-text index).
//!
//! The names live in a *snapshot*: the filter's index without story text
//! ([`crate::search::Index::name_parts`]), kept in a file beside the
//! database (`nlread-index.names`) with the generation of the index it was
//! built from, so a search reads one file instead of every title; after
//! the index changes it is brought up to date from the issues added and
//! gone.
//!
//! Story text is matched by the full-text index as words starting with the
//! term (the filter's in-memory search also finds a term inside a word;
//! through the index "ferry" finds "ferryman" but "erry" finds nothing),
//! from the third character typed on: one or two letters match names only.
//! How often a story holds such words comes from the word postings (see
//! `crate::db::words`); phrases from `stories_fts`.

use std::collections::HashMap;

use rusqlite::OptionalExtension;

use super::index::{LibraryIndex, build_section, generation, issue_of};
use super::{DbError, sql};
use crate::model::{Issue, Section};
use crate::search::{Hit, Index, NameArrays, Piece, StoryCounts};

pub use crate::search::MIN_TEXT_TERM;

/// Occurrences of a term in one story beyond this add nothing to its score.
const OCCURRENCE_CAP: u8 = super::words::COUNT_CAP;

/// The names of the whole library, for searching it.
pub struct Snapshot {
    /// The filter's index, names only, in the reader's order.
    pub index: Index,
    /// Per issue (the index's numbering): its row in `issues`.
    issues: Vec<i64>,
    /// Per story (the index's flat numbering): its row in `stories`.
    stories: Vec<i64>,
    /// The full-text index's answers mapped back to flat numbers.
    pub rows: RowMap,
    /// The index's generation this was built from.
    pub generation: i64,
}

/// A reader's library brought up to the index as it is now (see
/// [`LibraryIndex::update_from`]).
pub struct Update {
    /// Where each issue of the new list comes from: one of the reader's
    /// (by its number there) or one of `added`.
    pub pieces: Vec<Piece>,
    /// The issues added, titles only, as `Piece::Added` numbers them.
    pub added: Vec<Issue>,
    /// The new names, and the rows they number.
    pub snapshot: Snapshot,
}

/// From a `stories` row to the story's flat number in a snapshot.
#[derive(Clone)]
pub struct RowMap {
    /// `by_row[row - first_row]` is the flat number (`u32::MAX`: none).
    by_row: Vec<u32>,
    first_row: i64,
}

impl RowMap {
    /// The flat story number of a `stories` row (None: a hidden copy).
    pub(crate) fn number(&self, row: i64) -> Option<u32> {
        let at = usize::try_from(row.checked_sub(self.first_row)?).ok()?;
        self.by_row.get(at).copied().filter(|&n| n != u32::MAX)
    }
}

impl Snapshot {
    /// The `stories` row of a hit.
    pub fn row(&self, hit: &Hit) -> Option<i64> {
        let n = self.index.section_number(hit.issue, hit.section)?;
        self.stories.get(n as usize).copied()
    }

    /// The snapshot of a library read from the index (names only, in the
    /// reader's order) with its issues' and stories' rows, at `generation`.
    pub fn of(
        library: &crate::model::Library,
        issues: Vec<i64>,
        stories: Vec<i64>,
        generation: i64,
    ) -> Snapshot {
        Snapshot::from_parts(Index::new(library), issues, stories, generation)
    }

    fn from_parts(index: Index, issues: Vec<i64>, stories: Vec<i64>, generation: i64) -> Snapshot {
        let (first_row, by_row) = by_row(&stories);
        Snapshot {
            index,
            issues,
            stories,
            rows: RowMap { by_row, first_row },
            generation,
        }
    }

    /// The rows of its issues and of their stories, in its order.
    pub fn rows_numbered(&self) -> (&[i64], &[i64]) {
        (&self.issues, &self.stories)
    }
}

impl LibraryIndex {
    /// The snapshot for the index as it is now: the stored one when it is
    /// current; else the stored one brought up to date (the names of the
    /// issues added are read, those gone dropped) or, with none stored or
    /// most issues new, one built from every title; then stored.
    pub fn snapshot(&self) -> Result<Snapshot, DbError> {
        let err = sql(self.path());
        let identity = self.identity();
        // One read transaction: the generation matches what is read.
        let tx = self.conn.unchecked_transaction().map_err(&err)?;
        let now = generation(&tx).map_err(&err)?;
        let stored = identity.and_then(|id| read_snapshot(&self.snapshot_path(), id));
        let snapshot = match stored {
            Some(snapshot) if snapshot.generation == now => return Ok(snapshot),
            Some(old) => self.brought_up_to_date(old, now)?,
            None => self.built(now)?,
        };
        tx.commit().map_err(&err)?;
        self.store_snapshot(&snapshot);
        Ok(snapshot)
    }

    /// Every title read once, at generation `now`.
    fn built(&self, now: i64) -> Result<Snapshot, DbError> {
        let (issues, stories, ids) = self.all_issues(false)?;
        let stories: Vec<i64> = stories.into_iter().flatten().collect();
        let library = crate::model::Library {
            issues,
            errors: Vec::new(),
        };
        Ok(Snapshot::of(&library, ids, stories, now))
    }

    /// `old` with the issues gone dropped and the issues added read, in the
    /// reader's order as it is at generation `now`. Issue rows are never
    /// changed in place and their ids never given again (see `Ids` in
    /// `index`), so an issue id `old` holds is the same issue now.
    fn brought_up_to_date(&self, old: Snapshot, now: i64) -> Result<Snapshot, DbError> {
        match self.reassembly(&old.index, &old.issues, &old.stories, now)? {
            Some(update) => Ok(update.snapshot),
            None => self.built(now),
        }
    }

    /// A reader's library (its names `index`, its issues' and stories'
    /// rows) brought up to the index as it is now, without reading every
    /// title: where each issue of the new list comes from, the issues
    /// added, the new names. None when most issues are new (reading them
    /// all is quicker then). The caller holds a read transaction or knows
    /// no writer runs, so `now` is what is read.
    pub fn update_from(
        &self,
        index: &Index,
        issues: &[i64],
        stories: &[i64],
    ) -> Result<Option<Update>, DbError> {
        let err = sql(self.path());
        let tx = self.conn.unchecked_transaction().map_err(&err)?;
        let now = generation(&tx).map_err(&err)?;
        let update = self.reassembly(index, issues, stories, now)?;
        tx.commit().map_err(&err)?;
        if let Some(update) = &update {
            self.store_snapshot(&update.snapshot);
        }
        Ok(update)
    }

    fn reassembly(
        &self,
        index: &Index,
        old_issues: &[i64],
        old_stories: &[i64],
        now: i64,
    ) -> Result<Option<Update>, DbError> {
        let order = self.visible_issue_ids()?;
        let at: HashMap<i64, u32> = old_issues
            .iter()
            .enumerate()
            .map(|(n, id)| (*id, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect();
        let added_ids: Vec<i64> = order
            .iter()
            .filter(|id| !at.contains_key(id))
            .copied()
            .collect();
        // Mostly new: reading every title in two sweeps is quicker than
        // looking each new issue up.
        if added_ids.len() * 2 > order.len() {
            return Ok(None);
        }
        let (added, added_rows) = self.issues_by_id(&added_ids)?;
        let first = &index.issue_first;
        let mut pieces = Vec::with_capacity(order.len());
        let mut stories = Vec::with_capacity(old_stories.len());
        let mut next = 0;
        for id in &order {
            match at.get(id) {
                Some(&n) => {
                    pieces.push(Piece::Kept(n));
                    let n = n as usize;
                    let (from, to) = (first[n] as usize, first[n + 1] as usize);
                    stories.extend_from_slice(old_stories.get(from..to).unwrap_or(&[]));
                }
                None => {
                    pieces.push(Piece::Added(next));
                    stories.extend_from_slice(&added_rows[next]);
                    next += 1;
                }
            }
        }
        let index = index.reassembled(&pieces, &added);
        let snapshot = Snapshot::from_parts(index, order, stories, now);
        Ok(Some(Update {
            pieces,
            added,
            snapshot,
        }))
    }

    /// Keeps `snapshot` for the next search, in a file beside the index (a
    /// read-only disk: not kept). A file, not a row: a search reads it in
    /// two reads rather than page by page through the database.
    pub fn store_snapshot(&self, snapshot: &Snapshot) {
        let Some(identity) = self.identity_made() else {
            return;
        };
        let (arrays, names) = snapshot.index.name_parts();
        // Written in parts, never copied into one buffer: the names alone
        // are tens of megabytes at 40k issues (a reader that brought them
        // up to date held every part twice over).
        let mut rows = Vec::with_capacity(8 * (snapshot.issues.len() + snapshot.stories.len()));
        for row in snapshot.issues.iter().chain(&snapshot.stories) {
            rows.extend_from_slice(&row.to_le_bytes());
        }
        let mut fixed_sum = xxhash_rust::xxh3::Xxh3::new();
        fixed_sum.update(&rows);
        fixed_sum.update(&arrays);
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(SNAPSHOT_MAGIC);
        for n in [
            fixed_sum.digest(),
            identity,
            u64::from_le_bytes(snapshot.generation.to_le_bytes()),
            snapshot.issues.len() as u64,
            snapshot.stories.len() as u64,
            arrays.len() as u64,
            names.len() as u64,
            xxhash_rust::xxh3::xxh3_64(names),
        ] {
            header.extend_from_slice(&n.to_le_bytes());
        }
        let _ = crate::store::write_whole_parts(
            &self.snapshot_path(),
            &[&header, &rows, &arrays, names],
            false,
        );
    }

    /// The stored snapshot when it was built at `generation`.
    pub fn stored_snapshot(&self, generation: i64) -> Option<Snapshot> {
        let identity = self.identity()?;
        read_snapshot(&self.snapshot_path(), identity).filter(|s| s.generation == generation)
    }

    /// Per story of `snapshot`: how often a word starting with `term`
    /// (folded) occurs in its text, capped (a [`StoryCounts`]); empty for a
    /// term too short.
    pub fn text_counts(&self, snapshot: &Snapshot, term: &str) -> StoryCounts {
        self.text_counts_in(&snapshot.rows, term)
    }

    /// [`LibraryIndex::text_counts`] numbered by `rows`.
    pub fn text_counts_in(&self, rows: &RowMap, term: &str) -> StoryCounts {
        self.text_rows(term).counts(rows)
    }

    /// Where `term` (folded) is in the stories' text, as rows of `stories`
    /// (no snapshot needed, so this can run while one is read).
    pub fn text_rows(&self, term: &str) -> TextRows {
        let mut found = TextRows {
            rows: Vec::new(),
            once: false,
        };
        if term.chars().count() < MIN_TEXT_TERM {
            return found;
        }
        // A failed query (the index went away under us) finds nothing in
        // the text; names still match.
        let _ = if term.chars().all(char::is_alphanumeric) {
            self.word_rows(term, &mut found.rows)
        } else {
            found.once = true;
            self.phrase_rows(term, &mut found.rows)
        };
        found
    }

    /// One word: per story holding words starting with it, each such word
    /// and how often the story holds it, from the word postings (see
    /// [`super::words`]), not the full-text index (a row per occurrence).
    fn word_rows(&self, term: &str, rows: &mut Vec<(i64, u8)>) -> rusqlite::Result<()> {
        super::words::word_rows(&self.conn, term, rows)
    }

    /// Several words ("don't", "covid-19"): the stories holding them in a
    /// row, the last as a prefix from three letters on.
    fn phrase_rows(&self, term: &str, rows: &mut Vec<(i64, u8)>) -> rusqlite::Result<()> {
        let words: Vec<&str> = term
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Ok(());
        }
        // The last word as a prefix (it may be half typed), but not one or
        // two letters: "don't" is "don" then "t", not "don" then any word
        // starting with t (which is every such word's postings merged).
        let open = words
            .last()
            .is_some_and(|w| w.chars().count() >= MIN_TEXT_TERM);
        let phrase = format!("\"{}\"{}", words.join(" "), if open { "*" } else { "" });
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?1")?;
        let mut found = stmt.query([phrase])?;
        while let Some(row) = found.next()? {
            rows.push((row.get(0)?, 1));
        }
        Ok(())
    }

    /// Reads the snapshot and, meanwhile, on a second connection and a
    /// thread of its own, where the query's terms are in the stories' text;
    /// then the stories matching `query`, best first. What `nlread search`
    /// does: a fresh process spends as long reading the names as the
    /// full-text index takes to answer. Only the `keep` best hits are
    /// kept (all when None), with how many stories matched in all.
    pub fn snapshot_and_search(
        &self,
        query: &str,
        keep: Option<usize>,
    ) -> Result<(Snapshot, Vec<Hit>, usize), DbError> {
        let terms = crate::search::terms(query);
        let folded = crate::search::folded_terms(&terms);
        let Ok(other) = self.another() else {
            let snapshot = self.snapshot()?;
            let (hits, matched) = self.search_keeping(&snapshot, query, keep);
            return Ok((snapshot, hits, matched));
        };
        let (snapshot, found) = std::thread::scope(|scope| {
            let folded = &folded;
            let finding = scope.spawn(move || {
                folded
                    .iter()
                    .map(|t| (t.clone(), other.text_rows(t)))
                    .collect::<HashMap<String, TextRows>>()
            });
            let snapshot = self.snapshot();
            (snapshot, finding.join())
        });
        let snapshot = snapshot?;
        let mut found = match found {
            Ok(found) => found,
            // The text thread failed: the text is searched here instead.
            Err(_) => {
                let (hits, matched) = self.search_keeping(&snapshot, query, keep);
                return Ok((snapshot, hits, matched));
            }
        };
        let rows = &snapshot.rows;
        let (hits, matched) = snapshot.index.best_with(
            &terms,
            &mut |term| {
                found
                    .remove(term)
                    .map_or_else(StoryCounts::new, |t| t.counts(rows))
            },
            keep,
        );
        Ok((snapshot, hits, matched))
    }

    /// The stories matching `query`, best first, as the filter ranks them
    /// (the text counted first, then the names scored; see
    /// [`LibraryIndex::snapshot_and_search`] for both at once).
    pub fn search(&self, snapshot: &Snapshot, query: &str) -> Vec<Hit> {
        self.search_keeping(snapshot, query, None).0
    }

    /// [`LibraryIndex::search`] keeping the `keep` best hits (all when
    /// None), with how many stories matched in all.
    fn search_keeping(
        &self,
        snapshot: &Snapshot,
        query: &str,
        keep: Option<usize>,
    ) -> (Vec<Hit>, usize) {
        let terms = crate::search::terms(query);
        snapshot
            .index
            .best_with(&terms, &mut |term| self.text_counts(snapshot, term), keep)
    }

    /// A story row with its text and its issue (without the issue's other
    /// stories).
    pub fn story_with_issue(&self, row: i64) -> Result<Option<(Issue, Section)>, DbError> {
        let err = sql(self.path());
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT i.id, i.key, i.source, i.newsletter, i.title, i.date, i.author, i.url,
                        i.guid, s.key, s.title, s.grp, s.words, s.body, s.spans, s.links
                 FROM stories s JOIN issues i ON i.id = s.issue_id WHERE s.id = ?1",
            )
            .map_err(&err)?;
        stmt.query_row([row], |r| {
            let issue = issue_of(r)?;
            let section = build_section(
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                Some((r.get(13)?, r.get(14)?, r.get(15)?)),
            );
            Ok(section.map(|s| (issue, s)))
        })
        .optional()
        .map(Option::flatten)
        .map_err(&err)
    }
}

/// Where a term is in the stories' text: `stories` rows, each with how
/// often it holds a word starting with the term (a story may come once per
/// such word), or (`once`: a phrase) every story holding it.
pub struct TextRows {
    rows: Vec<(i64, u8)>,
    once: bool,
}

impl TextRows {
    /// Per story of `rows`' snapshot: how often, capped.
    pub fn counts(&self, rows: &RowMap) -> StoryCounts {
        let mut counts = StoryCounts::new();
        for &(row, times) in &self.rows {
            if let Some(n) = rows.number(row) {
                let count = slot(&mut counts, n);
                *count = if self.once {
                    1
                } else {
                    count.saturating_add(times).min(OCCURRENCE_CAP)
                };
            }
        }
        counts
    }
}

/// Story `n`'s count, the counts grown to hold it.
fn slot(counts: &mut StoryCounts, n: u32) -> &mut u8 {
    let n = n as usize;
    if counts.len() <= n {
        counts.resize(n + 1, 0);
    }
    &mut counts[n]
}

/// The table from row to flat number: rows are numbered from 1 as stories
/// are stored, so the rows of the library span a range a few times its
/// size at most (replaced files leave gaps), one u32 each.
fn by_row(stories: &[i64]) -> (i64, Vec<u32>) {
    let first = stories.iter().copied().min().unwrap_or(0);
    let last = stories.iter().copied().max().unwrap_or(0);
    let span = usize::try_from(last.saturating_sub(first)).unwrap_or(0) + 1;
    // A range past 2^28 rows (a gigabyte of table) is not built: such an
    // index is rebuilt long before (see `LibraryIndex::sync`).
    let mut table = vec![u32::MAX; span.min(1 << 28)];
    for (n, row) in stories.iter().enumerate() {
        let at = usize::try_from(row - first).unwrap_or(usize::MAX);
        if let Some(slot) = table.get_mut(at) {
            *slot = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    (first, table)
}

/// The snapshot file's first bytes: what it is and its layout's version.
const SNAPSHOT_MAGIC: &[u8; 16] = b"nlread-names-v2\n";
/// The magic, then (u64 each) the checksum of the rows and arrays (xxh3),
/// identity, generation, issues, stories, array bytes, name bytes and the
/// checksum of the names.
const HEADER: usize = 16 + 8 * 8;

/// The snapshot stored at `path` for the index `identity`; None when there
/// is none, it belongs to another index (one moved aside and rebuilt counts
/// generations again), or it does not read back whole and consistent.
fn read_snapshot(path: &std::path::Path, identity: u64) -> Option<Snapshot> {
    use std::io::Read;
    let (mut file, meta) = crate::store::own::open_regular(path).ok()?;
    let mut header = [0u8; HEADER];
    file.read_exact(&mut header).ok()?;
    if &header[..16] != SNAPSHOT_MAGIC {
        return None;
    }
    let field = |n: usize| -> u64 {
        let at = 16 + 8 * n;
        u64::from_le_bytes(header[at..at + 8].try_into().unwrap_or([0; 8]))
    };
    if field(1) != identity {
        return None;
    }
    let generation = i64::from_le_bytes(field(2).to_le_bytes());
    let count = |n: usize| usize::try_from(field(n)).ok();
    let (issues, stories, arrays, names) = (count(3)?, count(4)?, count(5)?, count(6)?);
    // Sizes checked against the file before anything is allocated.
    let rows = issues.checked_add(stories)?.checked_mul(8)?;
    let body = rows.checked_add(arrays)?;
    if (HEADER as u64)
        .checked_add(body as u64)?
        .checked_add(names as u64)?
        != meta.len()
    {
        return None;
    }
    // The names (most of the file) are read and summed on a second thread
    // while this one reads the rest, each array straight into its vector,
    // a piece at a time (summed as it goes, while each piece is in the
    // cache).
    let names_at = HEADER as u64 + body as u64;
    let (fixed, text) = std::thread::scope(|scope| {
        let text = scope.spawn(|| {
            use std::io::Seek;
            // Opened again for an offset of its own (replaced meanwhile:
            // its sum does not match).
            let (mut other, _) = crate::store::own::open_regular(path).ok()?;
            other.seek(std::io::SeekFrom::Start(names_at)).ok()?;
            read_summed(&mut other, names, field(7))
        });
        let fixed = (|| {
            let mut sum = xxhash_rust::xxh3::Xxh3::new();
            let mut read = |buf: &mut [u8]| -> Option<()> {
                for piece in buf.chunks_mut(SUMMED_PIECE) {
                    file.read_exact(piece).ok()?;
                    sum.update(piece);
                }
                Some(())
            };
            let issue_ids = crate::search::read_values::<i64>(&mut read, issues)?;
            let story_ids = crate::search::read_values::<i64>(&mut read, stories)?;
            let arrays = NameArrays::read(&mut read, arrays)?;
            (sum.digest() == field(0)).then_some((issue_ids, story_ids, arrays))
        })();
        (fixed, text.join().ok().flatten())
    });
    let ((issue_ids, story_ids, arrays), text) = (fixed?, text?);
    let index = Index::from_name_arrays(arrays, text)?;
    if issue_ids.len() != index.issue_first.len() - 1 || story_ids.len() != index.len() {
        return None;
    }
    Some(Snapshot::from_parts(
        index, issue_ids, story_ids, generation,
    ))
}

/// How much of the names file is read before it is summed: small enough
/// to be summed from the cache.
const SUMMED_PIECE: usize = 256 << 10;

/// `len` bytes of `file`, read and summed a piece at a time (each piece
/// summed while it is in the cache); None unless they sum to `sum`. A file
/// the disk damaged (it is written without a flush: it can be made again)
/// must not give wrong names.
fn read_summed(file: &mut std::fs::File, len: usize, sum: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = vec![0u8; len];
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for piece in out.chunks_mut(SUMMED_PIECE) {
        file.read_exact(piece).ok()?;
        hasher.update(piece);
    }
    (hasher.digest() == sum).then_some(out)
}
