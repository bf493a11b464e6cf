//! How well one term matches one name (a title) or one story's text.
//!
//! Everything here takes folded text (see `fold`) and a folded term.

use std::sync::OnceLock;

use fuzzy_matcher::skim::SkimMatcherV2;
use memchr::memmem::Finder;

use super::skim::{ScatteredRule, Scratch, skim_score};

/// The matcher highlighting uses for match positions, shared: it is `Sync`
/// and keeps per-thread scratch space, so highlighting rows on screen does
/// not set one up per call. Both sides are folded before matching, so case
/// is ignored here (skim itself only folds ASCII). Scores come from
/// `skim_score`, not from this matcher.
pub(crate) fn matcher() -> &'static SkimMatcherV2 {
    static MATCHER: OnceLock<SkimMatcherV2> = OnceLock::new();
    MATCHER.get_or_init(|| SkimMatcherV2::default().ignore_case())
}

/// Section titles count for more than the issue title or newsletter name they
/// share with every other story of the issue: a story *about* the term ranks first.
pub(crate) fn section_title_weight(score: i64) -> i64 {
    score.saturating_mul(3) / 2
}

/// Lowest skim score a non-contiguous match must reach, for a term of `chars` chars.
///
/// With skim's defaults a matched char earns 16, a char right after another
/// matched one 4 more (8 if the run began a word), a word start 8 more, and a
/// gap costs 3 plus 1 per skipped char. A contiguous run in mid-word therefore
/// scores 20n - 5, while p..i..a..n..o picked out of the middles of words
/// averages 5-12 per char. Measured on seeds 01 and 02 (every word of 3-10
/// letters against every line cut to 60 chars: 1,843 contiguous matches,
/// 17,088 non-contiguous ones skim accepts), 371 non-contiguous matches reach
/// 20n - 5 and 126 reach 20n; those are nearly all word-start chunks such as
/// "THE New" for "then" or "STAGE Splash" for "stages". So the bar is 20n.
/// Contiguous matches do not need it: `name_score` accepts them outright.
fn scattered_threshold(chars: i64) -> i64 {
    20 * chars
}

/// Extra score for a contiguous match, so it beats any scattered one: a
/// scattered match scores at most 24n + 3 (word-start runs with one short gap)
/// while a contiguous one scores at least 20n - 5.
fn contiguous_bonus(chars: i64) -> i64 {
    5 * chars + 10
}

/// The score of `term` against one folded `name`, or `None` if it does not
/// match well enough.
pub(crate) fn name_score(scratch: &mut Scratch, name: &str, term: &str) -> Option<i64> {
    // Cheap necessary condition before skim's score: a char subsequence is
    // also a byte subsequence.
    if !is_byte_subsequence(term.as_bytes(), name.as_bytes()) {
        return None;
    }
    subsequence_score(scratch, name, term)
}

/// `name_score` for a name already known to hold `term` as a byte subsequence.
///
/// The skim score is that of a fresh `SkimMatcherV2` (see `skim`); `scratch`
/// is the caller's reusable space for it.
pub(crate) fn subsequence_score(scratch: &mut Scratch, name: &str, term: &str) -> Option<i64> {
    NameTerm::new(term).subsequence_score(scratch, name.as_bytes())
}

/// A folded term, ready to score many names: what scoring needs of the
/// term alone, worked out once.
pub(crate) struct NameTerm<'a> {
    text: &'a str,
    chars: i64,
    finder: Finder<'a>,
    /// Rules out names the term is scattered through that cannot reach
    /// `scattered_threshold` (sound for a bar of 20 per char or more).
    rule: Option<ScatteredRule<'a>>,
}

impl<'a> NameTerm<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        NameTerm {
            text,
            chars: term_chars(text),
            finder: Finder::new(text.as_bytes()),
            rule: ScatteredRule::new(text),
        }
    }

    /// The term's substring search (also what a story's text is searched with).
    pub(crate) fn finder(&self) -> &Finder<'a> {
        &self.finder
    }

    /// [`subsequence_score`] of this term, for a name given as bytes:
    /// checked as UTF-8 only if it comes to skim's score (None if it is not).
    pub(crate) fn subsequence_score(&self, scratch: &mut Scratch, name: &[u8]) -> Option<i64> {
        if self.finder.find(name).is_some() {
            // Held as it is at a word start: the score is settled without
            // skim's (see `ScatteredRule::contiguous_score`).
            let settled = self
                .rule
                .as_ref()
                .and_then(|rule| rule.contiguous_score(name, &self.finder));
            let skim = match settled {
                Some(score) => score,
                None => skim_score(std::str::from_utf8(name).ok()?, self.text, scratch)?,
            };
            return Some(skim.saturating_add(contiguous_bonus(self.chars)));
        }
        // Most names a short term is scattered through cannot reach the
        // bar: ruled out without the score.
        if self.rule.as_ref().is_some_and(|rule| !rule.may_reach(name)) {
            return None;
        }
        let skim = skim_score(std::str::from_utf8(name).ok()?, self.text, scratch)?;
        (skim >= scattered_threshold(self.chars)).then_some(skim)
    }
}

/// Whether `term` matches `name` well enough to count (and to highlight).
pub(crate) fn name_matches(scratch: &mut Scratch, name: &str, term: &str) -> bool {
    name_score(scratch, name, term).is_some()
}

/// Occurrences of a term in a story's text beyond this add nothing.
pub(crate) const KEYWORD_OCCURRENCE_CAP: usize = 5;

/// The score of a term found only in the story text, `occurrences` times
/// (at least 1). At most 15 per char, so always below any accepted title
/// match of the same term (at least 20 per char).
pub(crate) fn keyword_score(term: &str, occurrences: usize) -> i64 {
    let chars = term_chars(term);
    let counted = occurrences.min(KEYWORD_OCCURRENCE_CAP) as i64;
    10 * chars + chars * counted
}

fn term_chars(term: &str) -> i64 {
    i64::try_from(term.chars().count()).unwrap_or(i64::MAX / 64)
}

/// Whether every byte of `needle` appears in `haystack` in order.
pub(crate) fn is_byte_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack;
    for &b in needle {
        match memchr::memchr(b, rest) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn contiguous_and_word_start_matches_pass() {
        let m = &mut Scratch::default();
        for (name, term) in [
            ("the steinway piano", "piano"),
            ("a pianola", "piano"),
            ("federal reserve", "fed"),
            ("confederate", "fed"),
            ("x", "x"),
            // word-start chunks: "CLInical MATErials"
            ("clinical materials tested", "climate"),
        ] {
            assert!(name_matches(m, name, term), "{term} in {name}");
        }
    }

    #[test]
    fn scattered_matches_are_rejected() {
        let m = &mut Scratch::default();
        for (name, term) in [
            ("happiness and nothing else", "piano"),
            ("the pi day anniversary of ohio", "piano"),
            ("xaxb", "ab"),
        ] {
            assert!(
                skim_score(name, term, m).is_some(),
                "skim alone would match"
            );
            assert!(!name_matches(m, name, term), "{term} in {name}");
        }
    }

    #[test]
    fn no_subsequence_no_match() {
        let m = &mut Scratch::default();
        assert_eq!(name_score(m, "calm times ahead", "climate"), None);
        assert_eq!(name_score(m, "", "a"), None);
    }

    #[test]
    fn contiguous_beats_scattered_word_starts() {
        let m = &mut Scratch::default();
        let scattered = name_score(m, "the new deal", "then");
        let contiguous = name_score(m, "strengthened", "then");
        assert!(scattered.is_some());
        assert!(contiguous > scattered, "{contiguous:?} vs {scattered:?}");
    }

    #[test]
    fn keyword_scores_grow_then_cap() {
        assert!(keyword_score("ab", 2) > keyword_score("ab", 1));
        assert_eq!(
            keyword_score("ab", 50),
            keyword_score("ab", KEYWORD_OCCURRENCE_CAP)
        );
        assert!(keyword_score("abc", 1) > keyword_score("ab", 1));
    }

    #[test]
    fn byte_subsequence() {
        assert!(is_byte_subsequence(b"ace", b"abcde"));
        assert!(is_byte_subsequence(b"", b""));
        assert!(!is_byte_subsequence(b"aa", b"a"));
        assert!(!is_byte_subsequence(b"ea", b"abcde"));
    }

    proptest! {
        // A title holding the term beats one that only holds it scattered, and
        // a body-only match never beats an accepted title match.
        #[test]
        fn contiguous_outranks_scattered(
            term in "[a-e]{1,6}",
            pre in "[a-e ]{0,12}",
            post in "[a-e ]{0,12}",
            other in "[a-e ]{0,30}",
        ) {
            let m = &mut Scratch::default();
            let with = format!("{pre}{term}{post}");
            let best = name_score(m, &with, &term);
            prop_assert!(best.is_some());
            let scattered = name_score(m, &other, &term);
            if !other.contains(term.as_str()) && scattered.is_some() {
                prop_assert!(best > scattered, "{with:?} {best:?} vs {other:?} {scattered:?}");
            }
            let body = keyword_score(&term, usize::MAX);
            prop_assert!(Some(body) < best);
        }
    }
}
