//! The candidate loop: scores stories against a query's terms, on two threads.
//!
//! For each story and term, cheapest test first: a byte-mask check and a
//! subsequence walk over the folded names, then skim's score on the names
//! that pass (each distinct name scored once per term and thread, by
//! `skim`'s allocation-free re-implementation), then, only if no name matched, a
//! keyword search of the story text: memchr's SIMD substring search sweeping
//! runs of neighbouring stories, skipping blocks whose trigram filter rules
//! the term out (see `trigrams`).
//!
//! Besides the hits, a run reports its *survivors*: every story that passed
//! the query's monotonic filters (a subsequence of some name, or the term in
//! the text), a superset of the hits. A query whose every term contains one
//! of this query's terms can only match survivors, which is what `Searcher`
//! uses to narrow the next keystroke's work. Skim's score threshold is not
//! monotonic, so narrowing never uses the hits themselves.

use super::Hit;
use super::fold::fold;
use super::index::{Index, byte_mask};
use super::score::{
    KEYWORD_OCCURRENCE_CAP, NameTerm, is_byte_subsequence, keyword_score, section_title_weight,
};
use super::skim::Scratch;

/// What one query found.
pub(crate) struct Outcome {
    /// Best first; ties in library order.
    pub(crate) hits: Vec<Hit>,
    /// Ascending section indices: a superset of the hits that holds every
    /// story a narrower query can match.
    pub(crate) survivors: Vec<u32>,
    /// How many stories matched (more than `hits` when told to keep only
    /// the best).
    pub(crate) matched: usize,
}

/// Terms folded, empty ones dropped.
pub(crate) fn clean_terms(terms: &[String]) -> Vec<String> {
    terms
        .iter()
        .map(|t| fold(t))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Below this many candidates one thread does all the work: spawning costs
/// more than it saves.
const PARALLEL_MIN_CANDIDATES: usize = 2048;

/// Scores the `candidates` (ascending section indices; `None`: every story)
/// against folded, non-empty `terms`.
pub(crate) fn run(index: &Index, terms: &[String], candidates: Option<&[u32]>) -> Outcome {
    run_with(index, terms, candidates, None)
}

/// Stories whose text holds a term, found elsewhere (the library database's
/// full-text index) for an index built without story text: per folded
/// term, its [`StoryCounts`].
pub type TextHits = std::collections::HashMap<String, StoryCounts>;

/// Per story (section index): how often a term occurs in its text, capped
/// at `KEYWORD_OCCURRENCE_CAP`; stories past the end hold it 0 times. A
/// plain array: a common word is in most of the library's stories, and
/// this is filled, kept and read once per keystroke.
pub type StoryCounts = Vec<u8>;

/// Text hits that may still be on their way: found on another thread while
/// the names are scored, and waited for only where a story's text has to
/// tell (see `Searcher::search`).
#[derive(Default)]
pub(crate) struct Pending(std::sync::OnceLock<TextHits>);

impl Pending {
    /// Hits found already.
    pub(crate) fn ready(hits: TextHits) -> Pending {
        Pending(std::sync::OnceLock::from(hits))
    }

    /// Gives the hits to whoever waits (only the first call counts).
    pub(crate) fn set(&self, hits: TextHits) {
        let _ = self.0.set(hits);
    }

    /// The hits of `term`, once they are there (None: the term is in no
    /// story's text).
    fn of(&self, term: &str) -> Option<&StoryCounts> {
        self.0.wait().get(term)
    }
}

/// [`run_with`], with the text's matches found by `find_text` on a thread
/// of its own while the names are scored (the scoring waits for them only
/// where a story's text must tell). A panic in `find_text` gives no text
/// hits, never a wait.
pub(crate) fn run_beside(
    index: &Index,
    terms: &[String],
    candidates: Option<&[u32]>,
    find_text: impl FnOnce() -> TextHits + Send,
) -> Outcome {
    /// Gives empty text hits to a [`Pending`] left unset when dropped.
    struct SetOnDrop<'a>(&'a Pending);
    impl Drop for SetOnDrop<'_> {
        fn drop(&mut self) {
            self.0.set(TextHits::new());
        }
    }
    let pending = Pending::default();
    std::thread::scope(|scope| {
        let finding = scope.spawn(|| {
            let guard = SetOnDrop(&pending);
            guard.0.set(find_text());
        });
        let outcome = run_with(index, terms, candidates, Some(&pending));
        let _ = finding.join();
        outcome
    })
}

/// [`run`], with the story text's matches taken from `external` when given.
pub(crate) fn run_with(
    index: &Index,
    terms: &[String],
    candidates: Option<&[u32]>,
    external: Option<&Pending>,
) -> Outcome {
    run_keeping(index, terms, candidates, external, None)
}

/// [`run_with`] that keeps the `keep` best hits only (all when None), as
/// the whole list sorted would begin, and counts the rest: a search that
/// prints fifty stories does not sort four hundred thousand.
pub(crate) fn run_keeping(
    index: &Index,
    terms: &[String],
    candidates: Option<&[u32]>,
    external: Option<&Pending>,
    keep: Option<usize>,
) -> Outcome {
    // Longer terms first: they rule more stories out, so later terms are
    // tried on fewer. Scores add up, so the order does not change them.
    let mut order: Vec<&String> = terms.iter().collect();
    order.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let terms: Vec<Term> = order
        .into_iter()
        .map(|t| {
            let mut term = Term::new(index, t);
            term.external = external;
            term
        })
        .collect();
    let all: Vec<u32>;
    let candidates = match candidates {
        Some(list) => list,
        None => {
            all = (0..u32::try_from(index.len()).unwrap_or(u32::MAX)).collect();
            &all
        }
    };
    if candidates.len() < PARALLEL_MIN_CANDIDATES {
        return run_chunk(index, &terms, candidates, keep);
    }
    let (first, second) = candidates.split_at(candidates.len() / 2);
    let sorted = |chunk: &[u32]| run_chunk(index, &terms, chunk, keep);
    let (left, right) = std::thread::scope(|scope| {
        let right = scope.spawn(|| sorted(second));
        (sorted(first), right.join())
    });
    // A panic in the helper thread: do its half here instead.
    let right = right.unwrap_or_else(|_| sorted(second));
    let mut survivors = left.survivors;
    survivors.extend_from_slice(&right.survivors);
    let mut hits = merge_hits(left.hits, right.hits);
    if let Some(keep) = keep {
        hits.truncate(keep);
    }
    Outcome {
        hits,
        survivors,
        matched: left.matched + right.matched,
    }
}

/// Merges two lists each best first (ties in candidate order), `left`
/// holding the earlier stories.
fn merge_hits(left: Vec<Hit>, right: Vec<Hit>) -> Vec<Hit> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut right = right.into_iter().peekable();
    for hit in left {
        while let Some(next) = right.next_if(|r| r.score > hit.score) {
            out.push(next);
        }
        out.push(hit);
    }
    out.extend(right);
    out
}

/// One folded term, ready to test.
struct Term<'a> {
    text: &'a str,
    mask: u64,
    /// For scoring names, and its substring search for the text.
    name: NameTerm<'a>,
    /// Per block of stories, whether its text may hold the term (`None`: all may).
    blocks: Option<Vec<bool>>,
    /// Text matches found elsewhere (see [`TextHits`]), perhaps still
    /// being found.
    external: Option<&'a Pending>,
}

impl<'a> Term<'a> {
    fn new(index: &Index, text: &'a str) -> Self {
        Term {
            text,
            mask: byte_mask(text.as_bytes()),
            name: NameTerm::new(text),
            blocks: index.filter.blocks_holding(text.as_bytes()),
            external: None,
        }
    }
}

/// A name's standing against one term, remembered per thread.
const UNKNOWN: i64 = i64::MIN;
/// Not even a subsequence: no longer term can match it either.
const ABSENT: i64 = i64::MIN + 1;
/// A subsequence, but skim's score is too low.
const REJECTED: i64 = i64::MIN + 2;

/// A story still in the running: its place in the candidate list and its
/// score so far.
#[derive(Clone, Copy)]
struct Alive {
    at: u32,
    total: i64,
}

/// One thread's share: hits best first (ties in candidate order; only the
/// `keep` best when told), and survivors.
///
/// Term by term: first every story still in the running is tested against
/// the names, then the stories no name matched have their text searched in
/// one sweep (see `count_in_bodies`).
fn run_chunk(index: &Index, terms: &[Term], candidates: &[u32], keep: Option<usize>) -> Outcome {
    // This thread's scratch space for skim's score (see `skim`).
    let mut scratch = Scratch::default();
    let mut alive: Vec<Alive> = (0..candidates.len())
        .map(|at| Alive {
            at: at as u32,
            total: 0,
        })
        .collect();
    // Stories that failed a term but still hold it as a subsequence of a name.
    let mut kept = vec![false; candidates.len()];
    let mut memo = vec![UNKNOWN; index.name_masks.len()];
    // Per story in `alive`: the name score, or whether its text must tell.
    let mut named: Vec<i64> = Vec::with_capacity(alive.len());
    let mut to_search: Vec<u32> = Vec::new();
    for term in terms {
        memo.fill(UNKNOWN);
        named.clear();
        to_search.clear();
        for entry in &alive {
            let section = candidates[entry.at as usize];
            let s = section as usize;
            let [issue_title, newsletter] = index.issue_names[index.section_issue[s] as usize];
            let mut score = |name: u32| name_state(index, &mut scratch, term, &mut memo, name);
            let title = score(index.section_title[s]);
            let issue = score(issue_title).max(score(newsletter));
            let weighted = (title > REJECTED).then(|| section_title_weight(title));
            let by_issue = (issue > REJECTED).then_some(issue);
            match weighted.max(by_issue) {
                Some(best) => named.push(best),
                None => {
                    named.push(if title == ABSENT && issue == ABSENT {
                        ABSENT
                    } else {
                        REJECTED
                    });
                    to_search.push(section);
                }
            }
        }
        let counts = count_in_bodies(index, term, &to_search);
        let mut counts = counts.into_iter();
        let mut next = Vec::with_capacity(alive.len());
        for (entry, best) in alive.iter().zip(&named) {
            let score = if *best > REJECTED {
                Some(*best)
            } else {
                let occurrences = usize::from(counts.next().unwrap_or(0));
                if occurrences == 0 && *best == REJECTED {
                    // A longer term might still match that name scattered.
                    kept[entry.at as usize] = true;
                }
                (occurrences > 0).then(|| keyword_score(term.text, occurrences))
            };
            if let Some(score) = score {
                next.push(Alive {
                    at: entry.at,
                    total: entry.total.saturating_add(score),
                });
            }
        }
        alive = next;
        if alive.is_empty() {
            break;
        }
    }
    for entry in &alive {
        kept[entry.at as usize] = true;
    }
    let matched = alive.len();
    // Best first, ties in candidate order (so library order): a sort of
    // all, or the best `keep` picked out first.
    let order = |entry: &Alive| (std::cmp::Reverse(entry.total), entry.at);
    match keep {
        Some(keep) if keep < alive.len() => {
            if keep > 0 {
                alive.select_nth_unstable_by_key(keep - 1, order);
            }
            alive.truncate(keep);
            alive.sort_unstable_by_key(order);
        }
        _ => alive.sort_by_key(|entry| std::cmp::Reverse(entry.total)),
    }
    Outcome {
        matched,
        hits: alive
            .iter()
            .map(|entry| index.hit(candidates[entry.at as usize], entry.total))
            .collect(),
        survivors: candidates
            .iter()
            .zip(&kept)
            .filter(|(_, keep)| **keep)
            .map(|(section, _)| *section)
            .collect(),
    }
}

/// For each of `sections` (ascending), how often the term occurs
/// in its text, non-overlapping and counting to `KEYWORD_OCCURRENCE_CAP` at
/// most (as `str::match_indices(..).take(CAP).count()` on each text).
///
/// Neighbouring stories are searched in one sweep over their joined texts
/// rather than one call each; a match that runs over the end of a story's
/// text does not count, and the search goes on at the next story. Stories
/// in blocks that cannot hold the term are not read.
fn count_in_bodies(index: &Index, term: &Term, sections: &[u32]) -> Vec<u8> {
    if let Some(pending) = term.external {
        let external = pending.of(term.text);
        return sections
            .iter()
            .map(|&s| {
                external
                    .and_then(|m| m.get(s as usize))
                    .copied()
                    .unwrap_or(0)
            })
            .collect();
    }
    let finder = term.name.finder();
    let starts = &index.body_starts;
    let len = finder.needle().len().max(1);
    let mut counts = vec![0u8; sections.len()];
    // Stories in blocks that cannot hold the term are not read: count 0.
    let searched: Vec<bool> = match &term.blocks {
        None => vec![true; sections.len()],
        Some(holding) => {
            let block_starts = &index.filter.starts;
            let mut block = 0;
            sections
                .iter()
                .map(|&s| {
                    while block + 1 < block_starts.len() && block_starts[block + 1] <= s {
                        block += 1;
                    }
                    holding.get(block).copied().unwrap_or(true)
                })
                .collect()
        }
    };
    let mut first = 0;
    while first < sections.len() {
        if !searched[first] {
            first += 1;
            continue;
        }
        // A run of consecutive stories: sections[first..last].
        let mut last = first + 1;
        while last < sections.len() && searched[last] && sections[last] == sections[last - 1] + 1 {
            last += 1;
        }
        let base = sections[first] as usize;
        let region_end = starts[sections[last - 1] as usize + 1] as usize - 1;
        let mut pos = starts[base] as usize;
        let mut cur = base;
        while pos < region_end {
            let Some(at) = finder.find(&index.bodies[pos..region_end]) else {
                break;
            };
            let found = pos + at;
            while found >= starts[cur + 1] as usize {
                cur += 1;
            }
            let next_start = starts[cur + 1] as usize;
            if found + len > next_start - 1 {
                pos = next_start;
                continue;
            }
            let count = &mut counts[first + cur - base];
            *count += 1;
            pos = if usize::from(*count) >= KEYWORD_OCCURRENCE_CAP {
                next_start
            } else {
                found + len
            };
        }
        first = last;
    }
    counts
}

/// The score of `term` against name `id` (or `ABSENT` / `REJECTED`), computed once.
fn name_state(index: &Index, scratch: &mut Scratch, term: &Term, memo: &mut [i64], id: u32) -> i64 {
    let slot = &mut memo[id as usize];
    if *slot == UNKNOWN {
        *slot = if term.mask & !index.name_masks[id as usize] != 0 {
            ABSENT
        } else {
            let name = index.name_bytes(id);
            if !is_byte_subsequence(term.text.as_bytes(), name) {
                ABSENT
            } else {
                term.name
                    .subsequence_score(scratch, name)
                    .unwrap_or(REJECTED)
            }
        };
    }
    *slot
}
