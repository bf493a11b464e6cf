//! The story pane's state: the shown story laid out (cached by story and
//! width, so a key press never lays a story out again and `draw` only
//! reads), the first line in view, and the lines holding filter matches.

use super::story::{self, Anchor, StoryLine};
use crate::model::Library;

/// What a layout is of: the library's generation (bumped by every load),
/// the issue, the section and the width.
pub(super) type LayoutKey = (u64, usize, usize, usize);

#[derive(Debug, Default)]
pub struct StoryView {
    key: Option<LayoutKey>,
    lines: Vec<StoryLine>,
    /// How many of `lines` are the issue header above the story.
    header: usize,
    /// The first line in view.
    scroll: usize,
    /// The reading place held while the size cannot show it: the story it
    /// belongs to, the scroll then, and the place (see `App::resize`).
    pub(super) held: Option<((usize, usize), usize, Anchor)>,
    /// Lines holding a match of `matched`'s terms, in order.
    matches: Vec<usize>,
    matched: Option<(LayoutKey, Vec<String>)>,
    /// The match last gone to (an index into `matches`).
    current: Option<usize>,
    /// How many layouts were made, to show the cache at work.
    layouts: u64,
}

impl StoryView {
    /// The shown story's lines at the story pane's width.
    pub fn lines(&self) -> &[StoryLine] {
        &self.lines
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// How many times a story was laid out (for tests and benchmarks: a
    /// key that only scrolls lays nothing out).
    pub fn layouts(&self) -> u64 {
        self.layouts
    }

    /// Lines with a filter match, in order.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// The line of the match last gone to.
    pub fn current_match(&self) -> Option<usize> {
        self.matches.get(self.current?).copied()
    }

    /// Which match the current one is (0-based), for "match 2 of 5".
    pub fn current_index(&self) -> Option<usize> {
        self.current.filter(|&c| c < self.matches.len())
    }

    /// Lays out story `shown` of `library` at `width` unless that layout is
    /// the one held; true when it was laid out afresh.
    pub(super) fn refresh(
        &mut self,
        library: &Library,
        generation: u64,
        shown: Option<(usize, usize)>,
        width: usize,
    ) -> bool {
        let key = shown.map(|(i, s)| (generation, i, s, width));
        if key == self.key {
            return false;
        }
        let story = |k: Option<LayoutKey>| k.map(|(g, i, s, _)| (g, i, s));
        if story(key) != story(self.key) {
            // Another story: it opens at its top (a width change keeps the
            // place, which the caller finds again by its anchor).
            self.top();
        }
        self.key = key;
        let found = shown.and_then(|(i, s)| {
            let issue = library.issues.get(i)?;
            Some((issue, issue.sections.get(s)?))
        });
        (self.lines, self.header) = match found {
            Some((issue, section)) => {
                self.layouts += 1;
                story::layout_in(issue, section, width)
            }
            None => (Vec::new(), 0),
        };
        self.matches.clear();
        self.matched = None;
        self.current = None;
        true
    }

    /// The last first line that still fills `rows` rows.
    pub(super) fn max_scroll(&self, rows: usize) -> usize {
        self.lines.len().saturating_sub(rows)
    }

    pub(super) fn scroll_to(&mut self, line: usize, rows: usize) {
        self.scroll = line.min(self.max_scroll(rows));
    }

    /// Forgets the place: a story shown anew starts at its top.
    pub(super) fn top(&mut self) {
        self.scroll = 0;
        self.current = None;
    }

    /// True when the story's last line is on screen.
    pub(super) fn at_end(&self, rows: usize) -> bool {
        self.scroll >= self.max_scroll(rows)
    }

    /// Where the first line in view starts in the story's text.
    pub fn anchor(&self) -> Option<Anchor> {
        self.lines.get(self.scroll).map(|l| l.anchor)
    }

    /// Finds the lines holding `terms` (keyword matches, as the story pane
    /// highlights them), unless they are known for this layout already.
    pub(super) fn find_matches(&mut self, terms: &[String]) {
        let Some(key) = self.key else {
            self.matches.clear();
            return;
        };
        if self
            .matched
            .as_ref()
            .is_some_and(|(k, t)| *k == key && t == terms)
        {
            return;
        }
        self.matched = Some((key, terms.to_vec()));
        self.current = None;
        self.matches = if terms.is_empty() {
            Vec::new()
        } else {
            self.lines
                .iter()
                .enumerate()
                .skip(self.header)
                .filter(|(_, line)| {
                    line.segments.iter().any(|(segment, text)| {
                        story::searchable(*segment)
                            && !crate::search::keyword_ranges(text, terms).is_empty()
                    })
                })
                .map(|(i, _)| i)
                .collect()
        };
    }

    /// Goes to match `k` (clamped): when its line is out of view, scrolled
    /// so it shows with a line of context above.
    pub(super) fn go_to_match(&mut self, k: usize, rows: usize) -> Option<usize> {
        let last = self.matches.len().checked_sub(1)?;
        let k = k.min(last);
        self.current = Some(k);
        let line = self.matches[k];
        if line < self.scroll || line >= self.scroll + rows {
            self.scroll_to(line.saturating_sub(1), rows);
        }
        Some(k)
    }

    /// The first match after (or before) the one gone to, or, with none
    /// yet, after the top of the view.
    pub(super) fn step_match(&mut self, forward: bool, rows: usize) -> Option<usize> {
        if self.matches.is_empty() {
            return None;
        }
        let k = match (self.current, forward) {
            (Some(c), true) => (c + 1).min(self.matches.len() - 1),
            (Some(c), false) => c.saturating_sub(1),
            (None, true) => self
                .matches
                .iter()
                .position(|&l| l >= self.scroll)
                .unwrap_or(self.matches.len() - 1),
            (None, false) => self
                .matches
                .iter()
                .rposition(|&l| l < self.scroll + rows)
                .unwrap_or(0),
        };
        self.go_to_match(k, rows)
    }
}
