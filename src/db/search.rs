//! Search through the library index, ranked as the reader's filter ranks:
//! every term must match a story's title, its issue's title or newsletter
//! name (fuzzily, skim, in memory) or its text (the full-text index).
//!
//! The names live in a *snapshot*: the filter's index without story text
//! ([`crate::search::Index::name_bytes`]), kept in the database beside the
//! generation of the index it was built from, so a search reads one row
//! instead of every title; it is rebuilt after the index changes. Story text
//! is matched by the full-text index as words starting with the term (the
//! filter's in-memory search also finds a term inside a word; through the
//! index "ferry" finds "ferryman" but "erry" finds nothing), from the third
//! character typed on: one or two letters match names only.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::index::{LibraryIndex, build_section, generation, issue_of};
use super::{DbError, sql};
use crate::model::{Issue, Section};
use crate::search::{Hit, Index};

pub use crate::search::MIN_TEXT_TERM;

/// Occurrences of a term in one story beyond this add nothing to its score
/// (the filter's `KEYWORD_OCCURRENCE_CAP`).
const OCCURRENCE_CAP: u8 = 5;

/// The names of the whole library, for searching it.
pub struct Snapshot {
    /// The filter's index, names only, in the reader's order.
    pub index: Index,
    /// Per story (the index's flat numbering): its row in `stories`.
    stories: Vec<i64>,
    /// The full-text index's answers mapped back to flat numbers.
    pub rows: RowMap,
    /// The index's generation this was built from.
    pub generation: i64,
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
    fn number(&self, row: i64) -> Option<u32> {
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
    /// reader's order) with its stories' rows, at `generation`.
    pub fn of(library: &crate::model::Library, stories: Vec<i64>, generation: i64) -> Snapshot {
        let (first_row, by_row) = by_row(&stories);
        Snapshot {
            index: Index::new(library),
            stories,
            rows: RowMap { by_row, first_row },
            generation,
        }
    }
}

impl LibraryIndex {
    /// The snapshot for the index as it is now: the stored one when it is
    /// current, else built (every title read once) and stored.
    pub fn snapshot(&self) -> Result<Snapshot, DbError> {
        let err = sql(self.path());
        let now = generation(&self.conn).map_err(&err)?;
        let stored: Option<(i64, Vec<u8>, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT generation, names, stories FROM snapshot WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(&err)?;
        if let Some((at, names, stories)) = stored
            && at == now
            && let Some(snapshot) = decode(&names, &stories, at)
        {
            return Ok(snapshot);
        }
        self.build_snapshot()
    }

    /// Reads every title (in one read transaction, so the generation
    /// matches what was read) and stores the snapshot; a snapshot that
    /// cannot be stored (a read-only disk) is still returned.
    fn build_snapshot(&self) -> Result<Snapshot, DbError> {
        let err = sql(self.path());
        let tx = self.conn.unchecked_transaction().map_err(&err)?;
        let at = generation(&tx).map_err(&err)?;
        let (issues, ids) = self.all_issues(false)?;
        let stories: Vec<i64> = ids.into_iter().flatten().collect();
        tx.commit().map_err(&err)?;
        let library = crate::model::Library {
            issues,
            errors: Vec::new(),
        };
        let snapshot = Snapshot::of(&library, stories, at);
        drop(library);
        self.store_snapshot(&snapshot);
        Ok(snapshot)
    }

    /// Keeps `snapshot` for the next search (a read-only disk: not kept).
    pub fn store_snapshot(&self, snapshot: &Snapshot) {
        let names = snapshot.index.name_bytes();
        let rows: Vec<u8> = snapshot
            .stories
            .iter()
            .flat_map(|r| r.to_le_bytes())
            .collect();
        let _ = self.conn.execute(
            "INSERT INTO snapshot(id, generation, names, stories) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET generation = ?1, names = ?2, stories = ?3",
            params![snapshot.generation, names, rows],
        );
    }

    /// The stored snapshot when it was built at `generation`.
    pub fn stored_snapshot(&self, generation: i64) -> Option<Snapshot> {
        let (at, names, stories): (i64, Vec<u8>, Vec<u8>) = self
            .conn
            .query_row(
                "SELECT generation, names, stories FROM snapshot WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ok()?;
        (at == generation).then(|| decode(&names, &stories, at))?
    }

    /// Per story of `snapshot`: how often a word starting with `term`
    /// (folded) occurs in its text, capped; empty for a term too short.
    pub fn text_counts(&self, snapshot: &Snapshot, term: &str) -> HashMap<u32, u8> {
        self.text_counts_in(&snapshot.rows, term)
    }

    /// [`LibraryIndex::text_counts`] numbered by `rows`.
    pub fn text_counts_in(&self, rows: &RowMap, term: &str) -> HashMap<u32, u8> {
        let mut counts = HashMap::new();
        if term.chars().count() < MIN_TEXT_TERM {
            return counts;
        }
        // A failed query (the index went away under us) finds nothing in
        // the text; names still match.
        let _ = if term.chars().all(char::is_alphanumeric) {
            self.count_words(rows, term, &mut counts)
        } else {
            self.match_phrase(rows, term, &mut counts)
        };
        counts
    }

    /// One word: every instance of a word starting with it, from the
    /// full-text index's vocabulary.
    fn count_words(
        &self,
        snapshot: &RowMap,
        term: &str,
        counts: &mut HashMap<u32, u8>,
    ) -> rusqlite::Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT term, doc FROM stories_vocab WHERE term >= ?1 AND term < ?2")?;
        let upper = format!("{term}\u{10ffff}");
        let mut rows = stmt.query(params![term, upper])?;
        while let Some(row) = rows.next()? {
            let word = row.get_ref(0)?.as_str()?;
            if !word.starts_with(term) {
                continue;
            }
            if let Some(n) = snapshot.number(row.get(1)?) {
                let count = counts.entry(n).or_insert(0);
                *count = (*count + 1).min(OCCURRENCE_CAP);
            }
        }
        Ok(())
    }

    /// Several words ("don't", "covid-19"): the stories holding them in a
    /// row, the last as a prefix; counted once each.
    fn match_phrase(
        &self,
        snapshot: &RowMap,
        term: &str,
        counts: &mut HashMap<u32, u8>,
    ) -> rusqlite::Result<()> {
        let words: Vec<&str> = term
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Ok(());
        }
        let phrase = format!("\"{}\"*", words.join(" "));
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?1")?;
        let mut rows = stmt.query([phrase])?;
        while let Some(row) = rows.next()? {
            if let Some(n) = snapshot.number(row.get(0)?) {
                counts.insert(n, 1);
            }
        }
        Ok(())
    }

    /// The stories matching `query`, best first, as the filter ranks them.
    pub fn search(&self, snapshot: &Snapshot, query: &str) -> Vec<Hit> {
        let terms = crate::search::terms(query);
        snapshot
            .index
            .query_terms_with(&terms, &mut |term| self.text_counts(snapshot, term))
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

fn decode(names: &[u8], stories: &[u8], generation: i64) -> Option<Snapshot> {
    let index = Index::from_name_bytes(names)?;
    if !stories.len().is_multiple_of(8) || stories.len() / 8 != index.len() {
        return None;
    }
    let stories: Vec<i64> = stories
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect();
    let (first_row, by_row) = by_row(&stories);
    Some(Snapshot {
        rows: RowMap { by_row, first_row },
        index,
        stories,
        generation,
    })
}
