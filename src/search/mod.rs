//! The filter engine: which stories match what the user typed, and where.
//!
//! A query is split into terms; a story matches when EVERY term matches it,
//! either fuzzily (skim) against the section title, the issue title or the
//! newsletter name, or as a case-insensitive substring of the story text.
//! Matching is case-insensitive with Unicode lowercasing (see `fold`).
//!
//! Built for 100k stories: `Index` folds all text once into two buffers
//! (`index`), a query runs on two threads with cheap filters before skim and
//! one sweep of memchr over the story text (`engine`), and `Searcher` reuses
//! the previous keystroke's work (`searcher`).
//!
//! Pure and terminal-free: it reads the model and returns indices and ranges;
//! the app decides what to show and the ui draws the highlights. `Index` is
//! `Send + Sync` and queried through `&self`, so a worker thread can own it;
//! a `Searcher` wraps it for a worker that answers one keystroke after another.

mod engine;
mod fold;
pub(crate) use fold::fold as fold_text;
mod highlight;
mod index;
mod score;
mod searcher;
mod skim;
mod trigrams;

pub use engine::StoryCounts;
pub use highlight::{fuzzy_indices, keyword_ranges};
pub use index::{Index, NameArrays, Piece, read_values};
pub use searcher::{Searcher, TextCounts};

/// Through the library index, terms shorter than this (in characters) match
/// names only: one or two letters are in the text of nearly every story.
pub const MIN_TEXT_TERM: usize = 3;

/// One matching story: `issue` indexes `Library::issues`, `section` that
/// issue's `sections`. Higher `score` is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub issue: usize,
    pub section: usize,
    pub score: i64,
}

/// `terms` as the engine searches them: folded, the empty ones dropped.
pub fn folded_terms(terms: &[String]) -> Vec<String> {
    engine::clean_terms(terms)
}

/// The query's terms: split on whitespace, lowercased, empty ones dropped.
///
/// Lowercasing is Unicode-aware and per character, with the final sigma read
/// as 'σ' (see `fold`), the same folding applied to the text searched.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(fold::fold)
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod timing;
