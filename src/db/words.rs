//! Word postings: for each word of the stories' text, the stories holding
//! it and how often (capped), so that a word found in nearly every story
//! ("the" is in 407,000 of 440,000) is a few rows of packed numbers to
//! read, not a row per story or per occurrence through the full-text
//! index's vocabulary (~60 ms for such a word, against ~5 ms here).
//!
//! Words are split and folded here, as the filter folds what is typed
//! ([`crate::search::terms`]): a word is a run of alphanumeric characters,
//! lowercased per character. So a term is looked up exactly as the text
//! was stored ("istanbul" finds "İstanbul", "straße" finds "Straße").
//!
//! The postings are kept in *segments*, one per transaction of stories
//! written (a batch of the first index, or the file a watcher saw
//! arrive): `word_segments` holds each segment's range of story rows, and
//! `word_postings` a row per word and segment, its stories packed as
//! varints of `(row - previous row) << 3 | count`. A segment is written in
//! the transaction that writes its stories, so the two never disagree,
//! whatever kills the process. Story rows are never given twice (see `Ids`
//! in `index`), so postings of stories since deleted are only dead weight:
//! a search maps rows to the stories it knows and skips the rest.
//!
//! [`tidy`] keeps the count of segments small: the newest two merge
//! while the newer holds at least half as many stories as the older (as a
//! binary counter carries), below [`FINAL_STORIES`]; so from the newest
//! back each segment is more than twice the one after it, and however
//! many files arrive one by one, or in batches of any size, a word is at
//! most a dozen rows besides those of the final segments. A segment half
//! dead (its files replaced or removed) is written again without them.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

/// Occurrences of a word in one story beyond this are not counted (the
/// filter's `KEYWORD_OCCURRENCE_CAP`): a count fits in three bits.
pub(crate) const COUNT_CAP: u8 = 5;

/// A segment of at least this many stories is not merged again (it may
/// still be rewritten without its dead stories). A transaction of the
/// first index writes a few thousand: those stay as they are, as merging
/// them cost a third of the postings' share of the first index; a word is
/// then a row per ~3,000 stories (157 for 440,000), a millisecond to read.
const FINAL_STORIES: i64 = 1024;

/// The tables, created with the index's others.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS word_segments(
    seg INTEGER PRIMARY KEY,
    stories INTEGER NOT NULL,
    dead INTEGER NOT NULL DEFAULT 0,
    first_row INTEGER NOT NULL,
    last_row INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS word_postings(
    word TEXT NOT NULL,
    seg INTEGER NOT NULL,
    postings BLOB NOT NULL,
    PRIMARY KEY(word, seg)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS word_postings_by_seg ON word_postings(seg);
CREATE INDEX IF NOT EXISTS word_segments_by_last ON word_segments(last_row);
";

/// The words of `body`, folded, each once with how often the text holds
/// it (capped at [`COUNT_CAP`]), sorted.
pub(crate) fn counted_words(body: &str) -> Vec<(Cow<'_, str>, u8)> {
    let mut words: Vec<Cow<str>> = body
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold_word)
        .collect();
    words.sort_unstable();
    words
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let times = u8::try_from(run.len()).unwrap_or(u8::MAX).min(COUNT_CAP);
            (run[0].clone(), times)
        })
        .collect()
}

/// A word as the filter folds a term (borrowed when folding changes
/// nothing, as for most words).
fn fold_word(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(crate::search::fold_text(word))
    }
}

/// One word's stories in a segment, packed (see the module doc).
#[derive(Default)]
struct List {
    bytes: Vec<u8>,
    last: i64,
}

impl List {
    /// Adds story `row` (past every row added so far), holding the word
    /// `times` times.
    fn push(&mut self, row: i64, times: u8) {
        let step = u64::try_from(row - self.last).unwrap_or(0);
        let mut value = step << 3 | u64::from(times.min(COUNT_CAP));
        while value >= 0x80 {
            self.bytes.push((value & 0x7f) as u8 | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
        self.last = row;
    }
}

/// Each story of a packed list with its count, in order. A list cut short
/// or scrambled (a damaged page) gives what it holds before the damage.
pub(crate) fn each_posting(bytes: &[u8], mut each: impl FnMut(i64, u8)) {
    let mut row: i64 = 0;
    let mut value: u64 = 0;
    let mut shift = 0;
    for &b in bytes {
        if shift > 56 {
            return;
        }
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 != 0 {
            shift += 7;
            continue;
        }
        let Some(next) = i64::try_from(value >> 3)
            .ok()
            .and_then(|s| row.checked_add(s))
        else {
            return;
        };
        row = next;
        each(row, (value & 7) as u8);
        value = 0;
        shift = 0;
    }
}

/// The postings of the stories one transaction writes, written with them
/// as one segment.
#[derive(Default)]
pub(crate) struct Segment {
    lists: HashMap<String, List>,
    rows: Option<(i64, i64)>,
    stories: i64,
}

impl Segment {
    /// Adds story `row` (past every row added so far) with text `body`.
    pub(crate) fn add(&mut self, row: i64, body: &str) {
        let (first, _) = self.rows.unwrap_or((row, row));
        self.rows = Some((first, row));
        self.stories += 1;
        for (word, times) in counted_words(body) {
            match self.lists.get_mut(word.as_ref()) {
                Some(list) => list.push(row, times),
                None => self
                    .lists
                    .entry(word.into_owned())
                    .or_default()
                    .push(row, times),
            }
        }
    }

    /// Writes the segment (nothing when no story was added), its words in
    /// order.
    pub(crate) fn write(self, tx: &Connection) -> rusqlite::Result<()> {
        let Some((first, last)) = self.rows else {
            return Ok(());
        };
        let mut words: Vec<(String, List)> = self.lists.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        write_segment(tx, self.stories, first, last, words)
    }
}

fn write_segment<W: AsRef<str>>(
    tx: &Connection,
    stories: i64,
    first: i64,
    last: i64,
    words: impl IntoIterator<Item = (W, List)>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO word_segments(stories, dead, first_row, last_row) VALUES (?1, 0, ?2, ?3)",
    )?
    .execute(params![stories, first, last])?;
    let seg = tx.last_insert_rowid();
    let mut insert =
        tx.prepare_cached("INSERT INTO word_postings(word, seg, postings) VALUES (?1, ?2, ?3)")?;
    for (word, list) in words {
        if !list.bytes.is_empty() {
            insert.execute(params![word.as_ref(), seg, list.bytes])?;
        }
    }
    Ok(())
}

/// Notes that story `row` is going (before it goes): its segment counts
/// one more dead story.
pub(crate) fn note_gone(tx: &Connection, row: i64) -> rusqlite::Result<()> {
    // The first segment ending at or after the row holds it, if any does
    // (their ranges are apart): one step down an index, however many.
    tx.prepare_cached(
        "UPDATE word_segments SET dead = dead + 1
         WHERE seg = (SELECT seg FROM word_segments WHERE last_row >= ?1
                      ORDER BY last_row LIMIT 1)
           AND first_row <= ?1",
    )?
    .execute([row])?;
    Ok(())
}

/// Per story holding a word starting with `term` (folded), each such word
/// and how often the story holds it (a story comes once per such word).
pub(crate) fn word_rows(
    conn: &Connection,
    term: &str,
    rows: &mut Vec<(i64, u8)>,
) -> rusqlite::Result<()> {
    // Every word starting with `term` sorts in this range (the bound is
    // the largest char, which is not alphanumeric: no word holds it).
    let mut stmt =
        conn.prepare_cached("SELECT postings FROM word_postings WHERE word >= ?1 AND word < ?2")?;
    let upper = format!("{term}\u{10ffff}");
    let mut found = stmt.query(params![term, upper])?;
    while let Some(row) = found.next()? {
        if let Ok(bytes) = row.get_ref(0)?.as_blob() {
            each_posting(bytes, |story, times| rows.push((story, times)));
        }
    }
    Ok(())
}

/// One segment as `word_segments` holds it.
#[derive(Clone, Copy, Debug)]
struct Seg {
    id: i64,
    stories: i64,
    dead: i64,
    first: i64,
    last: i64,
}

impl Seg {
    /// Its stories still there.
    fn live(&self) -> i64 {
        self.stories - self.dead
    }
}

/// Merges and rewrites segments (see the module doc) until none is due,
/// each step a transaction of its own, so a step killed half-way leaves
/// the segments as they were. Another process tidying meanwhile is
/// waited for; what it did is seen.
pub(crate) fn tidy(conn: &Connection) -> rusqlite::Result<usize> {
    let mut steps = 0;
    loop {
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let segs = segments(&tx)?;
        let Some(job) = due(&segs) else {
            tx.commit()?;
            return Ok(steps);
        };
        merge(&tx, &job)?;
        tx.commit()?;
        steps += 1;
    }
}

fn segments(tx: &Connection) -> rusqlite::Result<Vec<Seg>> {
    let mut stmt = tx.prepare_cached(
        // In row order (their ranges are apart, so by their ends: indexed).
        "SELECT seg, stories, dead, first_row, last_row FROM word_segments ORDER BY last_row",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Seg {
            id: r.get(0)?,
            stories: r.get(1)?,
            dead: r.get(2)?,
            first: r.get(3)?,
            last: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// The segments to merge next (one: to rewrite without its dead), if any.
fn due(segs: &[Seg]) -> Option<Vec<Seg>> {
    if let Some(half_dead) = segs.iter().find(|s| s.dead > 0 && s.dead * 2 >= s.stories) {
        return Some(vec![*half_dead]);
    }
    let small = |s: &Seg| s.live() < FINAL_STORIES;
    if let [.., older, newer] = segs
        && small(older)
        && small(newer)
        && newer.live() * 2 >= older.live()
    {
        return Some(vec![*older, *newer]);
    }
    // Small segments a final one was written after (a big sync's) are
    // merged into one: no more carries reach them.
    let mut run: Vec<Seg> = Vec::new();
    for s in segs {
        if small(s) {
            run.push(*s);
        } else if run.len() >= 2 {
            return Some(run);
        } else {
            run.clear();
        }
    }
    None
}

/// Writes `job`'s segments (in row order, their ranges apart) as one,
/// without the stories gone since; or drops them when none is left.
fn merge(tx: &Connection, job: &[Seg]) -> rusqlite::Result<()> {
    let first = job.iter().map(|s| s.first).min().unwrap_or(0);
    let last = job.iter().map(|s| s.last).max().unwrap_or(0);
    let all_dead = job.iter().all(|s| s.dead >= s.stories);
    // The stories still there, when some went.
    let live: Option<Vec<i64>> = if all_dead || job.iter().all(|s| s.dead == 0) {
        None
    } else {
        let mut stmt =
            tx.prepare_cached("SELECT id FROM stories WHERE id BETWEEN ?1 AND ?2 ORDER BY id")?;
        let rows = stmt.query_map([first, last], |r| r.get(0))?;
        Some(rows.collect::<rusqlite::Result<_>>()?)
    };
    let mut lists: BTreeMap<String, List> = BTreeMap::new();
    if !all_dead {
        let mut read = tx.prepare_cached("SELECT word, postings FROM word_postings INDEXED BY word_postings_by_seg WHERE seg = ?1")?;
        for seg in job {
            let mut rows = read.query([seg.id])?;
            while let Some(row) = rows.next()? {
                let word = row.get_ref(0)?.as_str()?;
                let Ok(bytes) = row.get_ref(1)?.as_blob() else {
                    continue;
                };
                let list = match lists.get_mut(word) {
                    Some(list) => list,
                    None => lists.entry(word.to_string()).or_default(),
                };
                each_posting(bytes, |story, times| {
                    if live
                        .as_ref()
                        .is_none_or(|live| live.binary_search(&story).is_ok())
                    {
                        list.push(story, times);
                    }
                });
            }
        }
    }
    for seg in job {
        tx.prepare_cached(
            "DELETE FROM word_postings INDEXED BY word_postings_by_seg WHERE seg = ?1",
        )?
        .execute([seg.id])?;
        tx.prepare_cached("DELETE FROM word_segments WHERE seg = ?1")?
            .execute([seg.id])?;
    }
    if all_dead {
        return Ok(());
    }
    let stories = match &live {
        Some(live) => i64::try_from(live.len()).unwrap_or(i64::MAX),
        None => job.iter().map(|s| s.stories).sum(),
    };
    if stories == 0 {
        return Ok(());
    }
    write_segment(tx, stories, first, last, lists)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_are_runs_of_letters_and_digits_folded_and_counted_to_the_cap() {
        let words = counted_words("The THE the-the x2024, Straße İstanbul don’t the");
        let words: Vec<(&str, u8)> = words.iter().map(|(w, n)| (w.as_ref(), *n)).collect();
        assert_eq!(
            words,
            [
                ("don", 1),
                ("istanbul", 1),
                ("straße", 1),
                ("t", 1),
                ("the", 5),
                ("x2024", 1)
            ]
        );
        assert!(counted_words(" -- … ").is_empty());
    }

    fn seg(stories: i64, dead: i64, first: i64) -> Seg {
        Seg {
            id: first,
            stories,
            dead,
            first,
            last: first + stories - 1,
        }
    }

    /// The segments `sizes` (stories per sync, in order) leave when each
    /// sync is followed by `due`'s merges, as `tidy` does them.
    fn after_syncs(sizes: &[i64]) -> (Vec<Seg>, usize) {
        let mut segs: Vec<Seg> = Vec::new();
        let mut row = 1;
        let mut most = 0;
        for &n in sizes {
            segs.push(seg(n, 0, row));
            row += n;
            while let Some(job) = due(&segs) {
                let merged = seg(
                    job.iter().map(Seg::live).sum(),
                    0,
                    job.iter().map(|s| s.first).min().unwrap_or(0),
                );
                segs.retain(|s| job.iter().all(|j| j.id != s.id));
                segs.push(merged);
                segs.sort_by_key(|s| s.first);
            }
            most = most.max(segs.len());
        }
        (segs, most)
    }

    #[test]
    fn the_newest_two_merge_while_the_newer_is_at_least_half_the_older() {
        assert!(due(&[seg(10, 0, 1), seg(4, 0, 11)]).is_none());
        assert_eq!(
            due(&[seg(10, 0, 1), seg(5, 0, 11)]).map(|j| j.len()),
            Some(2)
        );
        // Final segments are not merged, however many ...
        let finals: Vec<Seg> = (0..9)
            .map(|n| seg(FINAL_STORIES, 0, n * FINAL_STORIES + 1))
            .collect();
        assert!(due(&finals).is_none());
        // ... nor a small one into a final one.
        let mut with_small = finals.clone();
        with_small.push(seg(FINAL_STORIES * 3, 0, 100 * FINAL_STORIES));
        with_small.insert(9, seg(3, 0, 90 * FINAL_STORIES));
        assert!(due(&with_small).is_none());
        // A segment half dead is written again.
        let mut finals = finals;
        finals[3].dead = FINAL_STORIES / 2;
        assert_eq!(due(&finals).map(|j| j[0].id), Some(finals[3].id));
        // Files one by one: from the newest back, each more than twice the
        // next.
        let (segs, most) = after_syncs(&[1; 40]);
        let sizes: Vec<i64> = segs.iter().map(|s| s.stories).collect();
        assert!(sizes.windows(2).all(|w| w[0] > 2 * w[1]), "{sizes:?}");
        assert!(most <= 5, "{most}");
        // Small ones a big sync was written after merge into one.
        let stranded = [
            seg(10, 0, 1),
            seg(3, 0, 11),
            seg(1, 0, 14),
            seg(2000, 0, 15),
        ];
        assert_eq!(due(&stranded).map(|j| j.len()), Some(3));
    }

    proptest! {
        // However the syncs' sizes vary, the segments below final size
        // stay a few: from the newest back each is more than twice the
        // next, so at most log2(FINAL_STORIES) + 1 of them.
        #[test]
        fn segments_below_final_size_stay_few_whatever_the_sync_sizes(
            sizes in proptest::collection::vec(
                prop_oneof![1i64..20, 1i64..200, 900i64..3000],
                1..400,
            ),
        ) {
            let (segs, _) = after_syncs(&sizes);
            let small = segs.iter().filter(|s| s.live() < FINAL_STORIES).count();
            let big_syncs = sizes.iter().filter(|&&n| n >= FINAL_STORIES).count();
            // Each sync of a final size may leave one small segment under it.
            prop_assert!(small <= 11 + big_syncs, "{} small of {}", small, segs.len());
            let total: i64 = segs.iter().map(|s| s.stories).sum();
            prop_assert_eq!(total, sizes.iter().sum::<i64>());
        }
    }

    #[test]
    fn a_list_cut_short_or_scrambled_gives_what_it_holds_before() {
        let mut list = List::default();
        for (row, n) in [(3, 1), (200, 5), (1 << 40, 2)] {
            list.push(row, n);
        }
        let mut all = Vec::new();
        each_posting(&list.bytes, |r, n| all.push((r, n)));
        assert_eq!(all, [(3, 1), (200, 5), (1 << 40, 2)]);
        for cut in 0..list.bytes.len() {
            let mut got = Vec::new();
            each_posting(&list.bytes[..cut], |r, n| got.push((r, n)));
            assert!(all.starts_with(&got), "{cut}: {got:?}");
        }
        // Continuation bytes without end: stops, no panic, no overflow.
        each_posting(&[0xff; 40], |_, _| panic!("nothing whole"));
    }

    proptest! {
        #[test]
        fn a_packed_list_gives_back_every_story_and_count(
            steps in proptest::collection::vec((1i64..5_000_000, 1u8..=5), 0..200),
        ) {
            let mut list = List::default();
            let mut row = 0i64;
            let mut want = Vec::new();
            for (step, n) in steps {
                row += step;
                list.push(row, n);
                want.push((row, n));
            }
            let mut got = Vec::new();
            each_posting(&list.bytes, |r, n| got.push((r, n)));
            prop_assert_eq!(got, want);
        }
    }
}
