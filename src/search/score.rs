//! How well one term matches one name (a title) or one story's text.
//!
//! Everything here takes folded text (see `fold`) and a folded term.

use std::sync::OnceLock;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// The matcher every search uses, shared: it is `Sync` and keeps per-thread
/// scratch space, so highlighting rows on screen does not set one up per call.
/// Both sides are folded before matching, so case is ignored here (skim itself
/// only folds ASCII).
pub(crate) fn matcher() -> &'static SkimMatcherV2 {
    static MATCHER: OnceLock<SkimMatcherV2> = OnceLock::new();
    MATCHER.get_or_init(new_matcher)
}

/// A matcher of its own, for a query thread: skim's scratch space then lives
/// with the thread instead of in a table shared by every thread.
pub(crate) fn new_matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
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
pub(crate) fn name_score(matcher: &SkimMatcherV2, name: &str, term: &str) -> Option<i64> {
    // Cheap necessary condition before the O(n*m) matcher: a char subsequence
    // is also a byte subsequence.
    if !is_byte_subsequence(term.as_bytes(), name.as_bytes()) {
        return None;
    }
    subsequence_score(matcher, name, term)
}

/// `name_score` for a name already known to hold `term` as a byte subsequence.
pub(crate) fn subsequence_score(matcher: &SkimMatcherV2, name: &str, term: &str) -> Option<i64> {
    let mut chars = term.chars();
    let skim = match (chars.next(), chars.next(), chars.next()) {
        (Some(only), None, _) => one_char_skim(name, only)?,
        (Some(first), Some(second), None) => two_char_skim(name, first, second)?,
        _ => matcher.fuzzy_match(name, term)?,
    };
    let chars = term_chars(term);
    if memchr::memmem::find(name.as_bytes(), term.as_bytes()).is_some() {
        Some(skim.saturating_add(contiguous_bonus(chars)))
    } else if skim >= scattered_threshold(chars) {
        Some(skim)
    } else {
        None
    }
}

/// What `SkimMatcherV2::default().ignore_case().fuzzy_match(name, term)`
/// gives for a one-char term, without its score matrix: with one pattern
/// char, skim's best alignment is the single matched char with the largest
/// in-place bonus, scored 16 - 1 (its leading gap) + that bonus (doubled for
/// the name's first char), less 2 if the case differs. Single-letter queries
/// score every name, so this is where skim's cost showed; a proptest checks
/// it against skim.
fn one_char_skim(name: &str, pattern: char) -> Option<i64> {
    let mut prev = CharType::Empty;
    let mut best: Option<i64> = None;
    for (i, c) in name.chars().enumerate() {
        let kind = CharType::of(c);
        if c.eq_ignore_ascii_case(&pattern) {
            let bonus = in_place_bonus(prev, kind) * if i == 0 { 2 } else { 1 };
            let case = if c == pattern { 0 } else { -2 };
            let score = 16 + case - 1 + bonus;
            best = best.max(Some(score));
        }
        prev = kind;
    }
    best
}

/// What skim gives for a two-char term, by the same recurrence as its score
/// matrix (a match after a match of the first char earns the larger of the
/// in-place bonus and 4; after a gap, the in-place bonus and the gap's cost
/// of 3 plus 1 per skipped char), kept in four numbers instead of a matrix.
/// Checked against skim by a proptest.
fn two_char_skim(name: &str, first: char, second: char) -> Option<i64> {
    const NONE: i64 = -(1 << 40);
    let match_score = |c: char, p: char| if c == p { 16 } else { 14 };
    // Best scores of the first char matched at or before the previous
    // char: ending on it (`matched`) or with a gap after it (`gapped`).
    let (mut matched, mut gapped) = (NONE, NONE);
    let mut first_seen = false;
    let mut second_seen = false;
    let mut best: Option<i64> = None;
    let mut prev = CharType::Empty;
    for (i, c) in name.chars().enumerate() {
        let kind = CharType::of(c);
        let bonus = in_place_bonus(prev, kind) * if i == 0 { 2 } else { 1 };
        prev = kind;
        if first_seen && !second_seen && c.eq_ignore_ascii_case(&second) {
            second_seen = true;
        }
        if second_seen && c.eq_ignore_ascii_case(&second) {
            let after_match = matched + bonus.max(4);
            let after_gap = gapped + bonus;
            let score = after_match.max(after_gap) + match_score(c, second);
            if score > NONE / 2 {
                best = best.max(Some(score));
            }
        }
        if !first_seen && c.eq_ignore_ascii_case(&first) {
            first_seen = true;
        }
        if first_seen {
            let here = if c.eq_ignore_ascii_case(&first) {
                -1 + bonus + match_score(c, first)
            } else {
                NONE
            };
            gapped = (matched - 4).max(gapped - 1);
            matched = here;
        }
    }
    best
}

/// skim's character classes (fuzzy-matcher 0.3, `skim::CharType`).
#[derive(Clone, Copy, PartialEq)]
enum CharType {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

impl CharType {
    fn of(c: char) -> Self {
        match c {
            '\0' => CharType::Empty,
            ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => CharType::HardSep,
            '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => CharType::SoftSep,
            '0'..='9' => CharType::Number,
            'A'..='Z' => CharType::Upper,
            _ => CharType::Lower,
        }
    }
}

/// skim's bonus for matching a char of type `kind` after one of type `prev`
/// (head of a word 8, after a soft separator 7, camel case 6).
fn in_place_bonus(prev: CharType, kind: CharType) -> i64 {
    match (prev, kind) {
        (CharType::Empty | CharType::HardSep, _) => 8,
        (CharType::SoftSep, _) => 7,
        (CharType::Lower | CharType::Number, CharType::Upper) => 6,
        _ => 0,
    }
}

/// Whether `term` matches `name` well enough to count (and to highlight).
pub(crate) fn name_matches(matcher: &SkimMatcherV2, name: &str, term: &str) -> bool {
    name_score(matcher, name, term).is_some()
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
        let m = matcher();
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
        let m = matcher();
        for (name, term) in [
            ("happiness and nothing else", "piano"),
            ("the pi day anniversary of ohio", "piano"),
            ("xaxb", "ab"),
        ] {
            assert!(
                m.fuzzy_match(name, term).is_some(),
                "skim alone would match"
            );
            assert!(!name_matches(m, name, term), "{term} in {name}");
        }
    }

    #[test]
    fn no_subsequence_no_match() {
        assert_eq!(name_score(matcher(), "calm times ahead", "climate"), None);
        assert_eq!(name_score(matcher(), "", "a"), None);
    }

    #[test]
    fn contiguous_beats_scattered_word_starts() {
        let m = matcher();
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
    fn short_terms_score_as_skim_does() {
        let m = new_matcher();
        for (name, term) in [
            ("xab", "ab"),
            ("ab", "ab"),
            ("x ab", "ab"),
            ("xaxb", "ab"),
            ("a-b", "ab"),
            ("xaAb", "ab"),
            ("tencent chips", "te"),
            ("the new deal", "t"),
            ("rate", "te"),
        ] {
            let mut chars = term.chars();
            let ours = match (chars.next(), chars.next()) {
                (Some(a), Some(b)) => two_char_skim(name, a, b),
                (Some(a), None) => one_char_skim(name, a),
                _ => None,
            };
            assert_eq!(ours, m.fuzzy_match(name, term), "{term} in {name}");
        }
    }

    #[test]
    fn byte_subsequence() {
        assert!(is_byte_subsequence(b"ace", b"abcde"));
        assert!(is_byte_subsequence(b"", b""));
        assert!(!is_byte_subsequence(b"aa", b"a"));
        assert!(!is_byte_subsequence(b"ea", b"abcde"));
    }

    proptest! {
        #[test]
        fn one_char_skim_is_skim(
            name in "[ab .-]{0,12}|[aAbB09 /.:_\\-(é東İ]{0,12}|\\PC{0,12}",
            pattern in "[ab .-]|[aAbB09 /.:_\\-(é東İ]",
        ) {
            let pattern = pattern.chars().next().unwrap_or('a');
            // the shared matcher: its scratch space holds earlier calls' leftovers
            let skim = matcher().fuzzy_match(&name, &pattern.to_string());
            prop_assert_eq!(one_char_skim(&name, pattern), skim, "{:?} in {:?}", pattern, name);
        }

        #[test]
        fn two_char_skim_is_skim(
            name in "[ab .-]{0,14}|[aAbB09 /.:_\\-(é東İ]{0,14}|\\PC{0,12}",
            pattern in "[ab .-]{2}|[aAbB0 /.:_\\-é東İ]{2}",
        ) {
            let mut chars = pattern.chars();
            let (first, second) = (chars.next().unwrap_or('a'), chars.next().unwrap_or('b'));
            // the shared matcher: its scratch space holds earlier calls' leftovers
            let skim = matcher().fuzzy_match(&name, &pattern);
            prop_assert_eq!(two_char_skim(&name, first, second), skim, "{:?} in {:?}", pattern, name);
        }

        // A title holding the term beats one that only holds it scattered, and
        // a body-only match never beats an accepted title match.
        #[test]
        fn contiguous_outranks_scattered(
            term in "[a-e]{1,6}",
            pre in "[a-e ]{0,12}",
            post in "[a-e ]{0,12}",
            other in "[a-e ]{0,30}",
        ) {
            let m = matcher();
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
