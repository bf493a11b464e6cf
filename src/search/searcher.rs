//! A search session for the reader's worker thread: it remembers recent
//! queries so typing and backspacing reuse earlier work.
//!
//! Typing a letter extends a term, so the new query can only match stories
//! that survived the previous one's monotonic filters (see `engine`): only
//! those are examined. Going back to an earlier query returns its remembered
//! result at once. Either way the result is exactly `Index::query`'s.

use std::collections::VecDeque;
use std::sync::Arc;

use super::engine::{self, clean_terms};
use super::{Hit, Index, terms};

/// Remembers at most this many recent queries...
const RECENT_QUERIES: usize = 16;
/// ...and lets go of older ones once they hold more than this many bytes.
const RECENT_BYTES: usize = 16 << 20;

/// Where the text of stories is searched when the index holds only their
/// names (see [`Index::query_terms_with`]): per folded term, story (flat
/// number) -> occurrences.
pub trait TextCounts: Send {
    fn counts(&mut self, term: &str) -> super::StoryCounts;
}

pub struct Searcher {
    index: Arc<Index>,
    /// Most recent first.
    recent: VecDeque<Remembered>,
    empty: Arc<Vec<Hit>>,
    /// The text's matches, when the index holds no text.
    text: Option<Box<dyn TextCounts>>,
    /// The text's matches of recent terms, most recent first.
    text_hits: VecDeque<(String, super::StoryCounts)>,
}

struct Remembered {
    terms: Vec<String>,
    hits: Arc<Vec<Hit>>,
    survivors: Vec<u32>,
}

impl Remembered {
    fn bytes(&self) -> usize {
        self.hits.len() * std::mem::size_of::<Hit>()
            + self.survivors.len() * std::mem::size_of::<u32>()
    }
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searcher")
            .field("index", &self.index)
            .field("recent", &self.recent.len())
            .finish()
    }
}

impl Searcher {
    pub fn new(index: Arc<Index>) -> Self {
        Searcher {
            index,
            recent: VecDeque::new(),
            empty: Arc::new(Vec::new()),
            text: None,
            text_hits: VecDeque::new(),
        }
    }

    /// A searcher over an index without story text, finding the text's
    /// matches through `text` (the library index's full-text search: words
    /// starting with a term).
    pub fn with_text(index: Arc<Index>, text: Box<dyn TextCounts>) -> Self {
        Searcher {
            text: Some(text),
            ..Searcher::new(index)
        }
    }

    /// The text's matches of every term, asked once per term: from the
    /// terms remembered, else from `text`.
    fn text_hits(
        text: &mut dyn TextCounts,
        remembered: &mut VecDeque<(String, super::StoryCounts)>,
        terms: &[String],
    ) -> engine::TextHits {
        let mut found = engine::TextHits::new();
        for term in terms {
            let hits = match remembered.iter().position(|(t, _)| t == term) {
                Some(at) => remembered.remove(at).map(|(_, h)| h).unwrap_or_default(),
                None => text.counts(term),
            };
            remembered.push_front((term.clone(), hits.clone()));
            found.insert(term.clone(), hits);
        }
        remembered.truncate(RECENT_QUERIES);
        found
    }

    /// The index searched.
    pub fn index(&self) -> &Arc<Index> {
        &self.index
    }

    /// The same hits as `Index::query(query)`, reusing recent queries' work.
    pub fn search(&mut self, query: &str) -> Arc<Vec<Hit>> {
        let terms = clean_terms(&terms(query));
        if terms.is_empty() {
            return Arc::clone(&self.empty);
        }
        if let Some(found) = self
            .recent
            .iter()
            .position(|r| r.terms == terms)
            .and_then(|at| self.recent.remove(at))
        {
            let hits = Arc::clone(&found.hits);
            self.recent.push_front(found);
            return hits;
        }
        // Words starting with a term are monotonic only as the term grows
        // at its end.
        let prefix = self.text.is_some();
        // The narrowest remembered query that this one refines.
        let base = self
            .recent
            .iter()
            .filter(|r| refines(&terms, &r.terms, prefix))
            .min_by_key(|r| r.survivors.len());
        let candidates = base.map(|r| r.survivors.as_slice());
        let outcome = match self.text.as_mut() {
            None => engine::run_with(&self.index, &terms, candidates, None),
            // The text is searched (the library database's full-text index)
            // on a thread of its own while the names are scored.
            Some(text) => {
                let remembered = &mut self.text_hits;
                engine::run_beside(&self.index, &terms, candidates, || {
                    Searcher::text_hits(&mut **text, remembered, &terms)
                })
            }
        };
        let hits = Arc::new(outcome.hits);
        self.remember(Remembered {
            terms,
            hits: Arc::clone(&hits),
            survivors: outcome.survivors,
        });
        hits
    }

    fn remember(&mut self, entry: Remembered) {
        self.recent.push_front(entry);
        self.recent.truncate(RECENT_QUERIES);
        let mut bytes: usize = self.recent.iter().map(Remembered::bytes).sum();
        while bytes > RECENT_BYTES && self.recent.len() > 1 {
            if let Some(old) = self.recent.pop_back() {
                bytes -= old.bytes();
            }
        }
    }
}

/// Whether every story matching `new` passes `old`'s monotonic filters: true
/// when each old term is a substring of some new term (a subsequence of a
/// name, or a substring of the text, stays one for a shorter term).
fn refines(new: &[String], old: &[String], prefix: bool) -> bool {
    // Terms too short to search the text found names only: no base for a
    // term that may match text.
    if prefix && old.iter().any(|o| o.chars().count() < super::MIN_TEXT_TERM) {
        return false;
    }
    old.iter().all(|o| {
        new.iter().any(|n| {
            if prefix {
                n.starts_with(o.as_str())
            } else {
                n.contains(o.as_str())
            }
        })
    })
}
