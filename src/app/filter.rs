//! The filter session: the query being typed, edited like a shell line
//! (a caret, Ctrl-U, Ctrl-W, Up for older queries), the history of queries
//! kept across runs, and which search's hits are shown.

use std::sync::Arc;

use super::action::Edit;
use crate::model::{Millis, Query};
use crate::search::Hit;

/// Queries kept in the history (the oldest go first).
pub const HISTORY: usize = 100;

#[derive(Debug, Default)]
pub struct Filter {
    query: String,
    /// Byte offset of the caret in `query`, on a char boundary.
    caret: usize,
    /// Queries typed before, oldest first, each once.
    history: Vec<Query>,
    /// While Up/Down walk the history: the entry shown, and what was typed
    /// before the walk began.
    recalled: Option<(usize, String)>,
    /// Queries added to the history since the last save.
    unsaved: Vec<Query>,
    /// The newest search asked for; bumped on every change of the query.
    pub(super) generation: u64,
    /// The search whose hits `hits` holds.
    pub(super) results_generation: u64,
    /// The newest hits that arrived; while a search is pending they belong
    /// to an older query.
    pub(super) hits: Arc<Vec<Hit>>,
}

impl Filter {
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Where the caret is, in bytes of the query.
    pub fn caret(&self) -> usize {
        self.caret
    }

    pub fn is_empty(&self) -> bool {
        self.query.is_empty()
    }

    pub fn history(&self) -> impl Iterator<Item = &str> {
        self.history.iter().map(|q| q.text.as_str())
    }

    /// Types `c` at the caret.
    pub(super) fn insert(&mut self, c: char) {
        self.recalled = None;
        self.query.insert(self.caret, c);
        self.caret += c.len_utf8();
    }

    /// Applies an edit; true when the query's text changed.
    pub(super) fn edit(&mut self, edit: Edit) -> bool {
        let before = self.query.len();
        let old = (edit != Edit::Older && edit != Edit::Newer).then(|| self.query.clone());
        match edit {
            Edit::Left => self.caret = self.prev_boundary(self.caret),
            Edit::Right => self.caret = self.next_boundary(self.caret),
            Edit::Home => self.caret = 0,
            Edit::End => self.caret = self.query.len(),
            Edit::Backspace => {
                let from = self.prev_boundary(self.caret);
                self.query.replace_range(from..self.caret, "");
                self.caret = from;
            }
            Edit::Delete => {
                let to = self.next_boundary(self.caret);
                self.query.replace_range(self.caret..to, "");
            }
            Edit::KillLine => {
                self.query.replace_range(..self.caret, "");
                self.caret = 0;
            }
            Edit::KillWord => {
                let head = &self.query[..self.caret];
                let trimmed = head.trim_end();
                let from = trimmed
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                self.query.replace_range(from..self.caret, "");
                self.caret = from;
            }
            Edit::Older => return self.recall(true),
            Edit::Newer => return self.recall(false),
        }
        let changed = old.is_some_and(|old| old != self.query) || before != self.query.len();
        if changed {
            self.recalled = None;
        }
        changed
    }

    /// Up (`older`) or Down through the history; true when the query changed.
    fn recall(&mut self, older: bool) -> bool {
        let len = self.history.len();
        let next = match (&self.recalled, older) {
            (None, true) if len > 0 => Some(len - 1),
            (None, _) => return false,
            (Some((i, _)), true) => Some(i.saturating_sub(1)),
            (Some((i, _)), false) if i + 1 < len => Some(i + 1),
            (Some(_), false) => None,
        };
        let text = match next {
            Some(i) => {
                let draft = match self.recalled.take() {
                    Some((_, draft)) => draft,
                    None => self.query.clone(),
                };
                self.recalled = Some((i, draft));
                self.history[i].text.clone()
            }
            // Past the newest: back to what was typed before the walk.
            None => self.recalled.take().map(|(_, d)| d).unwrap_or_default(),
        };
        let changed = text != self.query;
        self.query = text;
        self.caret = self.query.len();
        changed
    }

    /// Empties the line, first keeping a query worth keeping in the
    /// history; true when there was a query.
    pub(super) fn clear(&mut self, now: Millis) -> bool {
        self.remember(now);
        self.recalled = None;
        self.caret = 0;
        let had = !self.query.is_empty();
        self.query.clear();
        had
    }

    /// Keeps the query in the history (once, as the newest).
    pub(super) fn remember(&mut self, now: Millis) {
        let text = self.query.trim();
        if text.is_empty() {
            return;
        }
        let query = Query {
            text: text.to_string(),
            at: now,
        };
        self.history.retain(|q| q.text != query.text);
        self.history.push(query.clone());
        let over = self.history.len().saturating_sub(HISTORY);
        self.history.drain(..over);
        self.unsaved.retain(|q| q.text != query.text);
        self.unsaved.push(query);
    }

    /// Takes in queries saved by earlier runs (or another reader).
    pub(super) fn merge_history(&mut self, saved: &[Query]) {
        let mut all: Vec<Query> = saved.to_vec();
        for q in self.history.drain(..) {
            match all.iter_mut().find(|s| s.text == q.text) {
                Some(s) => s.at = s.at.max(q.at),
                None => all.push(q),
            }
        }
        all.sort_by_key(|q| q.at);
        let over = all.len().saturating_sub(HISTORY);
        all.drain(..over);
        self.history = all;
        self.recalled = None;
    }

    /// Queries added since the last call, for saving.
    pub(super) fn take_unsaved(&mut self) -> Vec<Query> {
        std::mem::take(&mut self.unsaved)
    }

    fn prev_boundary(&self, at: usize) -> usize {
        self.query[..at]
            .chars()
            .next_back()
            .map_or(0, |c| at - c.len_utf8())
    }

    fn next_boundary(&self, at: usize) -> usize {
        self.query[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Filter {
        let mut f = Filter::default();
        for c in text.chars() {
            f.insert(c);
        }
        f
    }

    #[test]
    fn the_line_edits_like_a_shell() {
        let mut f = typed("rates höld");
        assert!(!f.edit(Edit::Left));
        assert!(f.edit(Edit::Backspace));
        assert_eq!((f.query(), f.caret()), ("rates höd", 9));
        f.edit(Edit::Home);
        f.insert('x');
        assert_eq!(f.query(), "xrates höd");
        f.edit(Edit::Left);
        assert!(f.edit(Edit::Delete));
        assert_eq!(f.query(), "rates höd");
        f.edit(Edit::End);
        assert!(f.edit(Edit::KillWord));
        assert_eq!(f.query(), "rates ");
        f.insert('a');
        f.edit(Edit::Left);
        assert!(f.edit(Edit::KillLine));
        assert_eq!((f.query(), f.caret()), ("a", 0));
        assert!(!f.edit(Edit::Backspace), "nothing before the caret");
        assert!(!f.edit(Edit::KillWord));
    }

    #[test]
    fn up_recalls_older_queries_and_down_comes_back() {
        let mut f = typed("bergen");
        f.clear(1);
        for c in "tencent".chars() {
            f.insert(c);
        }
        f.clear(2);
        assert_eq!(f.history().collect::<Vec<_>>(), ["bergen", "tencent"]);
        f.insert('x');
        assert!(f.edit(Edit::Older));
        assert_eq!(f.query(), "tencent");
        assert!(f.edit(Edit::Older));
        assert_eq!(f.query(), "bergen");
        assert!(!f.edit(Edit::Older), "the oldest stays");
        assert!(f.edit(Edit::Newer));
        assert!(f.edit(Edit::Newer));
        assert_eq!(f.query(), "x", "what was typed comes back");
        assert!(!f.edit(Edit::Newer));
    }

    #[test]
    fn a_query_is_kept_once_and_history_merges_by_time() {
        let mut f = typed("a");
        f.remember(5);
        f.remember(6);
        assert_eq!(f.history().count(), 1);
        assert_eq!(f.take_unsaved().len(), 1);
        assert!(f.take_unsaved().is_empty());
        let saved = [
            Query {
                text: "old".into(),
                at: 1,
            },
            Query {
                text: "a".into(),
                at: 3,
            },
        ];
        f.merge_history(&saved);
        assert_eq!(f.history().collect::<Vec<_>>(), ["old", "a"]);
    }
}
