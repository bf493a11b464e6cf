//! The reading state inside the app: read and starred marks, unread counts,
//! the unread / starred views, next-unread, and the resume point. The marks
//! live in a [`ReadingState`]; what changed is handed to whoever saves it
//! (`App::take_changes`), so `update` never waits for a disk.

use std::collections::HashSet;
use std::sync::Arc;

use super::action::{Focus, Problem, StateLoaded, Status, View};
use super::{App, story};
use crate::model::{Mark, ReadingState, Resume};
use crate::search::Hit;

/// The app's part of the reading state (fields of `App`).
#[derive(Debug, Default)]
pub(super) struct Reading {
    pub state: ReadingState,
    /// Unread stories per issue, and in all.
    pub unread: Vec<usize>,
    pub unread_total: usize,
    /// Section ids whose marks changed since the last `take_changes`.
    pub changed: HashSet<String>,
    /// The story the end-of-story rule has already acted on (or `m`
    /// overrode), so it does not mark it again while it stays on screen.
    pub settled: Option<(usize, usize)>,
    /// A key has moved the reader since start: a resume point that arrives
    /// late must not pull the user away.
    pub touched: bool,
    /// The state file has been read (before that, the place is not saved).
    pub state_known: bool,
    /// The place last handed over for saving.
    pub saved_resume: Option<Resume>,
}

impl App {
    pub fn reading_state(&self) -> &ReadingState {
        &self.reading.state
    }

    pub fn is_read(&self, issue: usize, section: usize) -> bool {
        self.section_id(issue, section)
            .is_some_and(|id| self.reading.state.is_read(id))
    }

    pub fn is_starred(&self, issue: usize, section: usize) -> bool {
        self.section_id(issue, section)
            .is_some_and(|id| self.reading.state.is_starred(id))
    }

    fn section_id(&self, issue: usize, section: usize) -> Option<&str> {
        let section = self.library.issues.get(issue)?.sections.get(section)?;
        Some(section.id.as_str())
    }

    /// True when marks changed since the last `take_changes`.
    pub fn has_changes(&self) -> bool {
        !self.reading.changed.is_empty()
    }

    /// The marks changed since the last call, for saving.
    pub(super) fn take_changes(&mut self) -> Vec<(String, Mark)> {
        let state = &self.reading.state;
        self.reading
            .changed
            .drain()
            .filter_map(|id| {
                let mark = state.stories.get(&id).copied()?;
                Some((id, mark))
            })
            .collect()
    }

    /// Goes to `resume`'s story and place; false when the story is gone
    /// (its issue left the library), and the selection is unchanged.
    pub(super) fn resume_at(&mut self, resume: &Resume) -> bool {
        let issues = &self.library.issues;
        let Some(i) = issues.iter().position(|x| x.id == resume.issue) else {
            return false;
        };
        let s = issues[i]
            .sections
            .iter()
            .position(|x| x.id == resume.section)
            .unwrap_or(0);
        self.issues.select(i);
        self.sections.select(s);
        if resume.reading {
            self.focus = Focus::Story;
        }
        self.refresh_story();
        let anchor = story::Anchor {
            block: resume.block,
            byte: resume.byte,
        };
        let line = story::line_of(self.story.lines(), anchor);
        self.scroll_to(line);
        // Coming back to a story is not reading it to the end again.
        self.reading.settled = Some((i, s));
        true
    }

    /// Counts unread stories per issue from scratch (after a new library
    /// or new marks from disk).
    pub(super) fn recount(&mut self) {
        let state = &self.reading.state;
        self.reading.unread = self
            .library
            .issues
            .iter()
            .map(|issue| {
                issue
                    .sections
                    .iter()
                    .filter(|s| !state.is_read(&s.id))
                    .count()
            })
            .collect();
        self.reading.unread_total = self.reading.unread.iter().sum();
    }

    /// Sets one story's read mark, keeping the counts; true if it changed.
    fn set_read(&mut self, issue: usize, section: usize, read: bool) -> bool {
        let Some(id) = self.section_id(issue, section).map(str::to_string) else {
            return false;
        };
        let now = self.now();
        if !self.reading.state.set_read(&id, read, now) {
            return false;
        }
        let count = &mut self.reading.unread[issue];
        if read {
            *count -= 1;
            self.reading.unread_total -= 1;
        } else {
            *count += 1;
            self.reading.unread_total += 1;
        }
        self.reading.changed.insert(id);
        true
    }

    /// The reading state read from disk: merged with any marks made while
    /// it loaded, and the resume point taken if nothing has moved yet.
    pub(super) fn state_loaded(&mut self, loaded: StateLoaded) {
        let mut state = loaded.state;
        state.merge(&self.reading.state);
        self.filter.merge_history(&state.queries);
        // The queries live in the filter's history from here on.
        state.queries.clear();
        self.reading.state = state;
        self.reading.state_known = true;
        // Where the last run stopped is not news to save.
        self.reading.saved_resume = self.reading.state.resume.clone();
        self.recount();
        if !self.loading
            && !self.reading.touched
            && let Some(resume) = self.reading.state.resume.clone()
        {
            self.resume_at(&resume);
        }
        self.refresh_results();
        if !loaded.warnings.is_empty() {
            self.status = Some(Status::Said(loaded.warnings.join("; ")));
            self.problems
                .extend(loaded.warnings.into_iter().map(Problem::State));
        }
    }

    /// Marks another reader saved (newer than ours) arrived with a save.
    pub(super) fn marks_merged(&mut self, marks: Vec<(String, Mark)>) {
        if marks.is_empty() {
            return;
        }
        let mut theirs = crate::model::ReadingState::new();
        theirs.stories.extend(marks);
        self.reading.state.merge(&theirs);
        self.recount();
    }

    /// The end-of-story rule: a story whose end is on screen while the
    /// story pane has the keys has been read.
    pub(super) fn note_reading(&mut self) {
        if self.focus != Focus::Story || self.overlay != super::Overlay::None {
            return;
        }
        let (_, rows) = self.story_size();
        if self.story.at_end(rows) {
            self.reached_end();
        }
    }

    /// The shown story's end is on screen because the user read or paged
    /// to it: it has been read (once; `m` can undo it).
    pub(super) fn reached_end(&mut self) {
        if !self.settings.mark_read_at_end {
            return;
        }
        let Some(shown) = self.shown() else {
            return;
        };
        if self.reading.settled != Some(shown) {
            self.reading.settled = Some(shown);
            self.set_read(shown.0, shown.1, true);
        }
    }

    /// `m`: the shown story read <-> unread.
    pub(super) fn toggle_read(&mut self) {
        let Some((i, s)) = self.shown() else {
            return;
        };
        let read = !self.is_read(i, s);
        self.set_read(i, s, read);
        self.reading.settled = Some((i, s));
        self.status = Some(Status::Marked { read });
    }

    /// `s`: star or unstar the shown story.
    pub(super) fn toggle_star(&mut self) {
        let Some((i, s)) = self.shown() else {
            return;
        };
        let Some(id) = self.section_id(i, s).map(str::to_string) else {
            return;
        };
        let starred = !self.reading.state.is_starred(&id);
        let now = self.now();
        if self.reading.state.set_starred(&id, starred, now) {
            self.reading.changed.insert(id);
        }
        self.status = Some(Status::Starred(starred));
    }

    /// `A`: every story of the selected issue (in a story list: of the
    /// shown story's issue) read.
    pub(super) fn mark_issue_read(&mut self) {
        let issue = match self.shown() {
            Some((i, _)) if self.listing() && self.focus != Focus::Issues => i,
            _ => self.issues.selected(),
        };
        let Some(count) = self.library.issues.get(issue).map(|x| x.sections.len()) else {
            return;
        };
        let marked = (0..count)
            .filter(|&s| self.set_read(issue, s, true))
            .count();
        if let Some(shown) = self.shown().filter(|&(i, _)| i == issue) {
            self.reading.settled = Some(shown);
        }
        self.status = Some(Status::IssueMarked(marked));
    }

    /// `n` / `N`: the next (previous) unread story after the shown one, in
    /// the story list while one is shown, else across the library, going
    /// round at the end.
    pub(super) fn step_unread(&mut self, forward: bool) {
        if self.listing() {
            let len = self.results.len();
            let found = round(self.result.selected(), len, forward).find(|&r| {
                let hit = &self.results[r];
                !self.is_read(hit.issue, hit.section)
            });
            match found {
                Some(r) => self.select_result(r),
                None => {
                    // None listed, but the library may hold some: say so
                    // rather than "none left" beside an unread count.
                    let listed = self
                        .results
                        .iter()
                        .filter(|h| !self.is_read(h.issue, h.section))
                        .count();
                    let elsewhere = self.unread_total() - listed;
                    self.status = Some(if elsewhere == 0 {
                        Status::NoUnread
                    } else {
                        Status::NoUnreadListed { elsewhere }
                    });
                }
            }
            return;
        }
        let issues = &self.library.issues;
        let here = (self.issues.selected(), self.sections.selected());
        let len = issues.len();
        let mut found = None;
        // The shown issue first (after the shown story), then the others
        // going round, then the shown issue again (before the shown story).
        for k in 0..=len {
            let i = if forward {
                (here.0 + k) % len.max(1)
            } else {
                (here.0 + len * 2 - k) % len.max(1)
            };
            // Whole issues with nothing unread are skipped by their count.
            if len == 0 || self.unread_in(i) == 0 {
                continue;
            }
            let count = issues[i].sections.len();
            let candidate = |s: usize| {
                let allowed = match (k, forward) {
                    (0, true) => s > here.1,
                    (0, false) => s < here.1,
                    (k, true) if k == len => s < here.1,
                    (k, false) if k == len => s > here.1,
                    _ => true,
                };
                allowed && !self.is_read(i, s)
            };
            let hit = if forward {
                (0..count).find(|&s| candidate(s))
            } else {
                (0..count).rev().find(|&s| candidate(s))
            };
            if let Some(s) = hit {
                found = Some((i, s));
                break;
            }
        }
        // The shown story itself, when it is the only unread one.
        let found = found.or_else(|| (!self.is_read(here.0, here.1)).then_some(here));
        match found {
            Some((i, s)) => {
                if i != here.0 {
                    self.select_issue(i);
                }
                self.select_section(s);
                if self.focus == Focus::Issues {
                    self.focus = Focus::Sections;
                }
            }
            None => self.status = Some(Status::NoUnread),
        }
    }

    /// `S` / `u`: show only starred (unread) stories, or all again.
    pub(super) fn toggle_view(&mut self, view: View) {
        let shown = self.shown();
        self.view = if self.view == view { View::All } else { view };
        self.rebuild_results(shown);
        if self.view != View::All && self.focus == Focus::Issues {
            self.focus = Focus::Sections;
        }
        self.status = Some(Status::ViewShown {
            view: self.view,
            count: self.results.len(),
        });
    }

    /// Rebuilds the story list from the search hits and the view, keeping
    /// the shown story selected when it is still in the list.
    pub(super) fn refresh_results(&mut self) {
        self.rebuild_results(self.shown());
    }

    /// [`Self::refresh_results`] keeping `shown` selected if it is listed.
    pub(super) fn rebuild_results(&mut self, shown: Option<(usize, usize)>) {
        let results = if self.filtering() {
            if self.view == View::All {
                Arc::clone(&self.filter.hits)
            } else {
                let keep: Vec<Hit> = self
                    .filter
                    .hits
                    .iter()
                    .filter(|h| self.in_view(h.issue, h.section))
                    .cloned()
                    .collect();
                Arc::new(keep)
            }
        } else if self.view == View::All {
            Arc::default()
        } else {
            let mut list = Vec::new();
            for (i, issue) in self.library.issues.iter().enumerate() {
                if self.view == View::Unread && self.unread_in(i) == 0 {
                    continue;
                }
                for s in 0..issue.sections.len() {
                    if self.in_view(i, s) {
                        list.push(Hit {
                            issue: i,
                            section: s,
                            score: 0,
                        });
                    }
                }
            }
            Arc::new(list)
        };
        let keep =
            shown.and_then(|(i, s)| results.iter().position(|h| (h.issue, h.section) == (i, s)));
        self.results = results;
        self.result.reset();
        self.result.select(keep.unwrap_or(0));
    }

    fn in_view(&self, issue: usize, section: usize) -> bool {
        match self.view {
            View::All => true,
            View::Unread => !self.is_read(issue, section),
            View::Starred => self.is_starred(issue, section),
        }
    }
}

/// Positions after `at` in a list of `len` (before it, backwards), going
/// round the end, `at` itself last.
fn round(at: usize, len: usize, forward: bool) -> impl Iterator<Item = usize> {
    (1..=len).map(move |k| {
        if forward {
            (at + k) % len
        } else {
            (at + len * 2 - k) % len
        }
    })
}
