//! The candidate loop: scores stories against a query's terms, on two threads.
//!
//! For each story and term, cheapest test first: a byte-mask check and a
//! subsequence walk over the folded names, then skim on the names that pass
//! (each distinct name scored once per term and thread), then a keyword search
//! of the story text (memchr's SIMD substring search) only if no name matched.
//!
//! Besides the hits, a run reports its *survivors*: every story that passed
//! the query's monotonic filters (a subsequence of some name, or the term in
//! the text), a superset of the hits. A query whose every term contains one
//! of this query's terms can only match survivors, which is what `Searcher`
//! uses to narrow the next keystroke's work. Skim's score threshold is not
//! monotonic, so narrowing never uses the hits themselves.

use fuzzy_matcher::skim::SkimMatcherV2;
use memchr::memmem::Finder;

use super::Hit;
use super::fold::fold;
use super::index::{Index, byte_mask};
use super::score::{
    KEYWORD_OCCURRENCE_CAP, keyword_score, name_score, new_matcher, section_title_weight,
};

/// What one query found.
pub(crate) struct Outcome {
    /// Best first; ties in library order.
    pub(crate) hits: Vec<Hit>,
    /// Ascending section indices: a superset of the hits that holds every
    /// story a narrower query can match.
    pub(crate) survivors: Vec<u32>,
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
    // Longer terms first: they rule more stories out, so later terms are
    // tried on fewer. Scores add up, so the order does not change them.
    let mut order: Vec<&String> = terms.iter().collect();
    order.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let terms: Vec<Term> = order.into_iter().map(|t| Term::new(t)).collect();
    let all: Vec<u32>;
    let candidates = match candidates {
        Some(list) => list,
        None => {
            all = (0..u32::try_from(index.len()).unwrap_or(u32::MAX)).collect();
            &all
        }
    };
    if candidates.len() < PARALLEL_MIN_CANDIDATES {
        let mut out = run_chunk(index, &terms, candidates);
        sort_hits(&mut out.hits);
        return out;
    }
    let (first, second) = candidates.split_at(candidates.len() / 2);
    let sorted = |chunk: &[u32]| {
        let mut out = run_chunk(index, &terms, chunk);
        sort_hits(&mut out.hits);
        out
    };
    let (left, right) = std::thread::scope(|scope| {
        let right = scope.spawn(|| sorted(second));
        (sorted(first), right.join())
    });
    // A panic in the helper thread: do its half here instead.
    let right = right.unwrap_or_else(|_| sorted(second));
    let mut survivors = left.survivors;
    survivors.extend_from_slice(&right.survivors);
    Outcome {
        hits: merge_hits(left.hits, right.hits),
        survivors,
    }
}

/// Best first; stable, so equal scores keep library order.
fn sort_hits(hits: &mut [Hit]) {
    hits.sort_by_key(|hit| std::cmp::Reverse(hit.score));
}

/// Merges two lists sorted by `sort_hits`, `left` holding the earlier stories.
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
    finder: Finder<'a>,
}

impl<'a> Term<'a> {
    fn new(text: &'a str) -> Self {
        Term {
            text,
            mask: byte_mask(text.as_bytes()),
            finder: Finder::new(text.as_bytes()),
        }
    }
}

/// A name's standing against one term, remembered per thread.
const UNKNOWN: i64 = i64::MIN;
/// Not even a subsequence: no longer term can match it either.
const ABSENT: i64 = i64::MIN + 1;
/// A subsequence, but skim's score is too low.
const REJECTED: i64 = i64::MIN + 2;

/// One thread's share: hits in candidate order, and survivors.
fn run_chunk(index: &Index, terms: &[Term], candidates: &[u32]) -> Outcome {
    let matcher = new_matcher();
    let mut memos: Vec<Vec<i64>> = terms
        .iter()
        .map(|_| vec![UNKNOWN; index.name_masks.len()])
        .collect();
    let mut hits = Vec::new();
    let mut survivors = Vec::new();
    for &section in candidates {
        let s = section as usize;
        let [issue_title, newsletter] = index.issue_names[index.section_issue[s] as usize];
        let title = index.section_title[s];
        let mut total: i64 = 0;
        let mut matched = true;
        let mut survives = true;
        for (term, memo) in terms.iter().zip(&mut memos) {
            let mut score = |name: u32| name_state(index, &matcher, term, memo, name);
            let title = score(title);
            let issue = score(issue_title).max(score(newsletter));
            let weighted = (title > REJECTED).then(|| section_title_weight(title));
            let named = (issue > REJECTED).then_some(issue);
            if let Some(best) = weighted.max(named) {
                total = total.saturating_add(best);
                continue;
            }
            let occurrences = count_capped(&term.finder, index.body(s));
            if occurrences > 0 {
                total = total.saturating_add(keyword_score(term.text, occurrences));
                continue;
            }
            matched = false;
            // Some name still holds the term as a subsequence: a longer
            // term might match it scattered, so the story stays a survivor
            // (without testing the remaining terms: survivors may be a superset).
            survives = title != ABSENT || issue != ABSENT;
            break;
        }
        if matched {
            hits.push(index.hit(section, total));
        }
        if survives {
            survivors.push(section);
        }
    }
    Outcome { hits, survivors }
}

/// The score of `term` against name `id` (or `ABSENT` / `REJECTED`), computed once.
fn name_state(
    index: &Index,
    matcher: &SkimMatcherV2,
    term: &Term,
    memo: &mut [i64],
    id: u32,
) -> i64 {
    let slot = &mut memo[id as usize];
    if *slot == UNKNOWN {
        *slot = if term.mask & !index.name_masks[id as usize] != 0 {
            ABSENT
        } else {
            let name = index.name(id);
            match name_score(matcher, name, term.text) {
                Some(score) => score,
                None if is_subsequence(term.text.as_bytes(), name.as_bytes()) => REJECTED,
                None => ABSENT,
            }
        };
    }
    *slot
}

/// Non-overlapping occurrences of the finder's needle in `text`, counting to
/// `KEYWORD_OCCURRENCE_CAP` at most (as `str::match_indices(..).take(CAP)`).
fn count_capped(finder: &Finder, text: &[u8]) -> usize {
    let step = finder.needle().len().max(1);
    let mut count = 0;
    let mut from = 0;
    while count < KEYWORD_OCCURRENCE_CAP {
        match text.get(from..).and_then(|rest| finder.find(rest)) {
            Some(at) => {
                count += 1;
                from += at + step;
            }
            None => break,
        }
    }
    count
}

/// Whether every byte of `needle` appears in `haystack` in order.
pub(crate) fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack;
    for &b in needle {
        match memchr::memchr(b, rest) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}
