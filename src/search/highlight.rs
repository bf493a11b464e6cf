//! Where the terms matched, for drawing: computed only for what is on screen,
//! never during a query.

use std::ops::Range;

use fuzzy_matcher::FuzzyMatcher;

use super::fold::{ByteMapped, CharMapped, fold};
use super::score::{matcher, name_matches};
use super::skim::Scratch;

/// Char indices (not byte) of `text` that the terms fuzzily match, sorted,
/// deduplicated: for highlighting a title on screen.
///
/// A term counts only if it would match `text` in a query (contiguously, or
/// scattered with a good enough score), so a story listed for a body hit does
/// not get stray letters of its title lit up.
pub fn fuzzy_indices(text: &str, terms: &[String]) -> Vec<usize> {
    let mapped = CharMapped::new(text);
    let matcher = matcher();
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for term in terms.iter().map(|t| fold(t)).filter(|t| !t.is_empty()) {
        if !name_matches(&mut scratch, &mapped.folded, &term) {
            continue;
        }
        if let Some((_, positions)) = matcher.fuzzy_indices(&mapped.folded, &term) {
            out.extend(
                positions
                    .iter()
                    .filter_map(|&p| mapped.origin.get(p).copied()),
            );
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Byte ranges in `text` where any term occurs as a case-insensitive substring,
/// sorted, non-overlapping (overlapping or touching hits merged): for
/// highlighting keyword hits in the story view. Ranges always cover whole
/// characters of `text`, even when a term matched only part of a character's
/// lowercase form.
pub fn keyword_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    let mapped = ByteMapped::new(text);
    let haystack = mapped.folded.as_str();
    let mut found = Vec::new();
    for term in terms.iter().map(|t| fold(t)).filter(|t| !t.is_empty()) {
        // Step one char past each hit's start so overlapping hits ("aa" in
        // "aaa") are all found.
        let mut from = 0;
        while let Some(at) = haystack
            .get(from..)
            .and_then(|rest| rest.find(term.as_str()))
        {
            let start = from + at;
            if let Some(range) = mapped.original(start..start + term.len()) {
                found.push(range);
            }
            let step = haystack[start..].chars().next().map_or(1, char::len_utf8);
            from = start + step;
        }
    }
    merge(found)
}

/// Sorts ranges and merges those that overlap or touch.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn fuzzy_indices_mark_contiguous_match() {
        assert_eq!(
            fuzzy_indices("The Piano Man", &terms(&["piano"])),
            vec![4, 5, 6, 7, 8]
        );
    }

    #[test]
    fn fuzzy_indices_union_of_terms() {
        assert_eq!(
            fuzzy_indices("Rocket lab", &terms(&["lab", "rock", "ock"])),
            vec![0, 1, 2, 3, 7, 8, 9]
        );
    }

    #[test]
    fn fuzzy_indices_skip_rejected_and_missing_terms() {
        // "piano" only matches scattered here, so nothing is lit.
        assert!(fuzzy_indices("happiness and nothing else", &terms(&["piano"])).is_empty());
        assert!(fuzzy_indices("rocket", &terms(&["zzz"])).is_empty());
        assert!(fuzzy_indices("rocket", &terms(&[""])).is_empty());
        assert!(fuzzy_indices("", &terms(&["a"])).is_empty());
    }

    #[test]
    fn fuzzy_indices_are_char_indices_of_the_original() {
        // 'É' is 2 bytes; indices count chars.
        assert_eq!(
            fuzzy_indices("ÉCOLE", &terms(&["école"])),
            vec![0, 1, 2, 3, 4]
        );
        assert_eq!(fuzzy_indices("東京の天気", &terms(&["天気"])), vec![3, 4]);
        assert_eq!(fuzzy_indices("İstanbul", &terms(&["ist"])), vec![0, 1, 2]);
        assert_eq!(
            fuzzy_indices("Ⱥİstanbul", &terms(&["stan"])),
            vec![2, 3, 4, 5]
        );
    }

    #[test]
    fn fuzzy_indices_accept_unfolded_terms() {
        assert_eq!(
            fuzzy_indices("piano", &terms(&["PIANO"])),
            vec![0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn keyword_ranges_find_every_occurrence_case_insensitively() {
        let text = "Rates rose. RATES fell; pirates";
        assert_eq!(
            keyword_ranges(text, &terms(&["rates"])),
            vec![0..5, 12..17, 26..31]
        );
    }

    #[test]
    fn keyword_ranges_merge_overlapping_terms() {
        assert_eq!(keyword_ranges("aaa b", &terms(&["aa"])), vec![0..3]);
        assert_eq!(
            keyword_ranges("rocket", &terms(&["rock", "cket"])),
            vec![0..6]
        );
        // touching hits merge too
        assert_eq!(keyword_ranges("abcd", &terms(&["ab", "cd"])), vec![0..4]);
        assert_eq!(
            keyword_ranges("ab cd", &terms(&["cd", "ab"])),
            vec![0..2, 3..5]
        );
    }

    #[test]
    fn keyword_ranges_are_byte_ranges_of_the_original() {
        let text = "Café CAFÉ";
        assert_eq!(keyword_ranges(text, &terms(&["café"])), vec![0..5, 6..11]);
        let text = "東京と京都";
        assert_eq!(keyword_ranges(text, &terms(&["京"])), vec![3..6, 9..12]);
    }

    #[test]
    fn keyword_ranges_stay_on_original_chars_when_folding_resizes_text() {
        // 'İ' (2 bytes) folds to 'i' (1 byte), 'Ⱥ' (2) to 'ⱥ' (3).
        let text = "İzmir izmir";
        assert_eq!(keyword_ranges(text, &terms(&["izmir"])), vec![0..6, 7..12]);
        assert_eq!(keyword_ranges(text, &terms(&["İZ"])), vec![0..3, 7..9]);
        let text = "ȺȺ-ⱥ";
        assert_eq!(keyword_ranges(text, &terms(&["ⱥ"])), vec![0..4, 5..8]);
        assert_eq!(keyword_ranges(text, &terms(&["-"])), vec![4..5]);
    }

    #[test]
    fn keyword_ranges_ignore_empty_terms_and_text() {
        assert!(keyword_ranges("abc", &terms(&[""])).is_empty());
        assert!(keyword_ranges("", &terms(&["a"])).is_empty());
        assert!(keyword_ranges("abc", &[]).is_empty());
    }
}
