//! What each action does: [`update`], the app's one mutator, and the moves
//! it is made of (lists, panes, the filter, the story, overlays, loads).

use std::sync::Arc;

use super::action::{
    Action, Changes, Edit, Effect, Focus, Loaded, Problem, Progress, Status, View,
};
use super::{App, Overlay, links, messages, panes, story};
use crate::search::Hit;

/// Counts stop growing here: no story has ten thousand links.
const MAX_COUNT: usize = 9999;
/// A motion repeated by a count goes at most this far.
const MAX_REPEAT: usize = 999;

/// Applies one action to the app and says what the caller must do.
pub fn update(app: &mut App, action: Action) -> Effect {
    let before = app.shown();
    let effect = match action {
        // Background answers arrive whatever the keys are doing.
        Action::SearchResults { generation, hits } => {
            app.search_results(generation, hits);
            Effect::None
        }
        Action::Progress(progress) => {
            app.progressed(progress);
            Effect::None
        }
        Action::Loaded(loaded) => app.load(*loaded),
        Action::Updated(update) => app.update_library(*update),
        Action::Status(status) => {
            // What the state file's thread says is kept for the messages.
            match &status {
                Status::Said(said) => app.problems.push(Problem::State(said.clone())),
                Status::SaverStopped => app
                    .problems
                    .push(Problem::State(messages::SAVER_STOPPED.to_string())),
                _ => {}
            }
            app.status = Some(status);
            Effect::None
        }
        Action::Problem(problem) => {
            app.problems.push(problem);
            Effect::None
        }
        Action::StateLoaded(loaded) => {
            app.state_loaded(*loaded);
            Effect::None
        }
        Action::MarksMerged(marks) => {
            app.marks_merged(marks);
            Effect::None
        }
        Action::Resize { width, height } => {
            app.resize(width, height);
            Effect::None
        }
        Action::FetchDue => app.start_fetch(false),
        Action::FetchProgress { done, total } => {
            if app.fetching.is_some() {
                app.fetching = Some((done, total));
            }
            Effect::None
        }
        Action::Fetched(fetched) => {
            app.fetched(fetched);
            Effect::None
        }
        Action::Quit => Effect::Quit,
        action if app.overlay != Overlay::None => app.overlay_key(action),
        action => {
            app.status = None;
            app.reading.touched = true;
            key(app, action)
        }
    };
    app.settle(before);
    app.save_policy(effect)
}

/// `update`, with any search it asks for run inline on this thread: for
/// tests, tools and benchmarks that want the app settled after each action.
pub fn update_now(app: &mut App, action: Action) -> Effect {
    match update(app, action) {
        Effect::Search { generation, query } => {
            let hits = Arc::new(app.index.query(&query));
            update(app, Action::SearchResults { generation, hits })
        }
        other => other,
    }
}

/// True for the actions a count repeats.
fn repeats(action: &Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::HalfPageUp
            | Action::HalfPageDown
            | Action::NextSection
            | Action::PrevSection
            | Action::NextMatch
            | Action::PrevMatch
            | Action::NextUnread
            | Action::PrevUnread
    )
}

/// The actions a user asks for.
fn key(app: &mut App, action: Action) -> Effect {
    if let Action::Count(digit) = action {
        // Not in the filter bar, where digits are text; a leading 0 is no count.
        if app.focus != Focus::Filter && (app.count.is_some() || digit > 0) {
            let n = app.count.unwrap_or(0);
            app.count = Some((n * 10 + usize::from(digit.min(9))).min(MAX_COUNT));
        }
        return Effect::None;
    }
    let count = app.count.take();
    if action == Action::Escape && count.is_some() {
        // Esc cancels a count before it does anything else.
        return Effect::None;
    }
    if repeats(&action) {
        for _ in 0..count.unwrap_or(1).clamp(1, MAX_REPEAT) {
            let before = app.place();
            one_key(app, &action, None);
            // A motion that went nowhere (an end, a message) stops the rest.
            if app.place() == before || app.status.is_some() {
                break;
            }
        }
        return Effect::None;
    }
    one_key(app, &action, count)
}

fn one_key(app: &mut App, action: &Action, count: Option<usize>) -> Effect {
    match action {
        Action::Quit => return Effect::Quit,
        Action::Suspend => return Effect::Suspend,
        Action::Fetch => return app.start_fetch(true),
        Action::Up => app.move_focused(|i, _| i.saturating_sub(1)),
        Action::Down => app.move_focused(|i, _| i + 1),
        Action::Top => match count {
            Some(n) => app.move_focused(|_, _| n - 1),
            None => app.move_focused(|_, _| 0),
        },
        Action::Bottom => match count {
            Some(n) => app.move_focused(|_, _| n - 1),
            None => app.move_focused(|_, len| len.saturating_sub(1)),
        },
        Action::PageDown => app.page_down(app.page()),
        Action::PageUp => app.scroll_by(-(app.page() as isize)),
        Action::HalfPageDown => {
            let half = app.page().div_ceil(2);
            app.scroll_by(half as isize);
            app.paged();
        }
        Action::HalfPageUp => app.scroll_by(-(app.page().div_ceil(2) as isize)),
        Action::NextPane => app.cycle_pane(true),
        Action::PrevPane => app.cycle_pane(false),
        Action::Left => app.side_pane(false),
        Action::Right => app.side_pane(true),
        Action::Open => match app.focus {
            Focus::Issues => app.open_issue(),
            Focus::Sections => {
                if app.shown().is_some() {
                    app.focus = Focus::Story;
                }
            }
            Focus::Filter => return one_key(app, &Action::FilterSubmit, None),
            Focus::Story => {}
        },
        Action::NextSection => app.step_section(true),
        Action::PrevSection => app.step_section(false),
        Action::NextMatch => app.step_match(true),
        Action::PrevMatch => app.step_match(false),
        Action::FocusFilter => {
            if app.focus != Focus::Filter {
                app.return_focus = app.focus;
                app.focus = Focus::Filter;
            }
            // A new query: the one before comes back with Up.
            let now = app.now();
            return app.edit_query(|f| f.clear(now));
        }
        Action::FilterInput(c) => {
            if !c.is_control() {
                let c = *c;
                return app.edit_query(|f| {
                    f.insert(c);
                    true
                });
            }
        }
        Action::FilterEdit(edit) => {
            let empty = app.filter.is_empty();
            if *edit == Edit::Backspace && empty && app.focus == Focus::Filter {
                app.leave_filter_bar();
            } else {
                let edit = *edit;
                return app.edit_query(|f| f.edit(edit));
            }
        }
        Action::FilterSubmit => {
            if app.filtering() {
                let now = app.now();
                app.filter.remember(now);
                app.focus = Focus::Sections;
                app.select_result(0);
            } else {
                app.leave_filter_bar();
            }
        }
        Action::Escape => match app.focus {
            Focus::Filter => {
                app.clear_filter();
                app.leave_filter_bar();
            }
            Focus::Sections | Focus::Issues => app.clear_listing(),
            Focus::Story => app.focus = Focus::Sections,
        },
        Action::ToggleHelp => app.overlay = Overlay::Help { scroll: 0 },
        Action::ShowMessages => app.overlay = Overlay::Messages { scroll: 0 },
        Action::ShowLinks => app.show_links(),
        Action::OpenLink => return app.link_effect(false, count),
        Action::CopyLink => return app.link_effect(true, count),
        Action::NextUnread => app.step_unread(true),
        Action::PrevUnread => app.step_unread(false),
        Action::MarkIssueRead => app.mark_issue_read(),
        Action::ToggleRead => app.toggle_read(),
        Action::ToggleStar => app.toggle_star(),
        Action::StarredOnly => app.toggle_view(View::Starred),
        Action::UnreadOnly => app.toggle_view(View::Unread),
        Action::Count(_)
        | Action::Resize { .. }
        | Action::SearchResults { .. }
        | Action::Progress(_)
        | Action::Loaded(_)
        | Action::Updated(_)
        | Action::Status(_)
        | Action::Problem(_)
        | Action::StateLoaded(_)
        | Action::MarksMerged(_)
        | Action::FetchDue
        | Action::FetchProgress { .. }
        | Action::Fetched(_) => {}
    }
    Effect::None
}

impl App {
    /// `r` (`asked`) or `fetch.every`: a fetch, unless one is running.
    fn start_fetch(&mut self, asked: bool) -> Effect {
        if self.fetching.is_some() {
            if asked {
                self.status = Some(Status::AlreadyFetching);
            }
            return Effect::None;
        }
        self.fetching = Some((0, 0));
        self.fetch_asked = asked;
        Effect::Fetch
    }

    /// A fetch ended: what it did goes in the status line; its failures
    /// replace those of the fetch before in the messages. The new issues
    /// come with the library, loaded again because its folder changed.
    fn fetched(&mut self, fetched: super::Fetched) {
        self.fetching = None;
        self.last_fetch = Some(fetched.at);
        self.problems.retain(|p| !matches!(p, Problem::Feed(_)));
        self.problems.extend(
            fetched
                .warnings
                .iter()
                .chain(&fetched.failed)
                .cloned()
                .map(Problem::Feed),
        );
        let asked = std::mem::take(&mut self.fetch_asked);
        let news = fetched.new + fetched.updated + fetched.failed.len() > 0;
        let status = match fetched.error {
            Some(error) => Status::FetchFailed(error),
            None if fetched.feeds == 0 => Status::NoFeeds,
            None => Status::Fetched {
                feeds: fetched.feeds,
                new: fetched.new,
                updated: fetched.updated,
                failed: fetched.failed.len(),
            },
        };
        // A fetch of `fetch.every` says only what changed.
        if asked || news || matches!(status, Status::FetchFailed(_)) {
            self.status = Some(status);
        }
    }

    /// After any action: the shown story laid out, a story newly shown from
    /// the filter's results scrolled to its first match, the reading rule,
    /// and every list scrolled to its selection.
    fn settle(&mut self, before: Option<(usize, usize)>) {
        let shown = self.shown();
        if shown != before {
            // A link chosen in one story means nothing in the next.
            self.link = None;
        }
        self.refresh_story();
        if self.filtering() {
            let terms = self.terms();
            self.story.find_matches(&terms);
            // A story found by a word opens at the word: when the filter's
            // list shows another story, or the same one for another query.
            let found = shown.map(|s| (s, terms));
            if found.is_some() && self.listing() && found != self.found {
                let (_, rows) = self.story_size();
                self.story.go_to_match(0, rows);
                self.found = found;
            }
        } else {
            self.found = None;
        }
        self.note_reading();
        self.keep_lists_in_view();
        if let Overlay::Links(cursor) = &mut self.overlay {
            let rows = panes::overlay_rows(self.width, self.height);
            cursor.keep_in_view(rows);
        }
    }

    /// The save the caller performs after `effect`: marks and queries as
    /// soon as they change, the place whenever it moved (the saver writes
    /// at most once a second). Left for a later action while another
    /// effect is due; a caller that quits takes them with `unsaved`.
    fn save_policy(&mut self, effect: Effect) -> Effect {
        if !self.settings.save_state || effect != Effect::None {
            return effect;
        }
        match self.unsaved() {
            Some(changes) => Effect::Save(changes),
            None => Effect::None,
        }
    }

    /// What the reading state has that is not saved yet: changed marks,
    /// queries, and the place once the state and the library are in (the
    /// place the last run stopped at is not news).
    pub fn unsaved(&mut self) -> Option<Changes> {
        let marks = self.take_changes();
        let queries = self.filter.take_unsaved();
        let mut resume = None;
        if self.reading.state_known && !self.loading {
            let now = self.resume_point();
            let moved = now.as_ref().is_some_and(|now| {
                self.reading.saved_resume.as_ref().is_none_or(|before| {
                    crate::model::Resume {
                        at: now.at,
                        ..before.clone()
                    } != *now
                })
            });
            if moved {
                self.reading.saved_resume.clone_from(&now);
                resume = now;
            }
        }
        let changes = Changes {
            marks,
            resume,
            queries,
        };
        (!changes.is_empty()).then_some(changes)
    }

    /// Moves the focused list (or the story) to `target(current, len)`.
    fn move_focused(&mut self, target: impl Fn(usize, usize) -> usize) {
        if self.in_results() {
            let len = self.results.len();
            self.result.moved(len, target);
            return;
        }
        match self.focus {
            Focus::Issues => {
                let len = self.library.issues.len();
                if self.issues.moved(len, target) {
                    self.sections.reset();
                }
            }
            Focus::Sections | Focus::Filter => {
                let len = self.section_count();
                self.sections.moved(len, target);
            }
            Focus::Story => {
                let lines = self.max_scroll() + 1;
                let line = target(self.story.scroll(), lines);
                self.scroll_to(line);
            }
        }
    }

    /// Space: a page down the shown story, from any pane; at its end (the
    /// last line on screen already), on to the next story.
    fn page_down(&mut self, page: usize) {
        let (_, rows) = self.story_size();
        self.refresh_story();
        if self.shown().is_some() && self.story.at_end(rows) {
            self.paged();
            self.step_section(true);
            return;
        }
        self.scroll_by(page as isize);
        self.paged();
    }

    /// Paging is reading, whichever pane has the keys: a story paged to its
    /// end has been read.
    fn paged(&mut self) {
        let (_, rows) = self.story_size();
        if self.story.at_end(rows) {
            self.reached_end();
        }
    }

    /// Next (`forward`) or previous story: the next result while listing,
    /// else the next section, crossing into the neighbouring issue at an end;
    /// past the last (first) one the status says so.
    fn step_section(&mut self, forward: bool) {
        let edge = if forward {
            Status::LastStory
        } else {
            Status::FirstStory
        };
        if self.listing() {
            let len = self.results.len();
            let r = self.result.selected();
            let next = if forward {
                (r + 1 < len).then_some(r + 1)
            } else {
                r.checked_sub(1)
            };
            match next {
                Some(r) => self.select_result(r),
                None => self.status = Some(edge),
            }
            return;
        }
        let count = self.section_count();
        let s = self.sections.selected();
        if forward && s + 1 < count {
            self.select_section(s + 1);
            return;
        }
        if !forward && s > 0 && count > 0 {
            self.select_section(s - 1);
            return;
        }
        let issues = &self.library.issues;
        let here = self.issues.selected();
        let next = if forward {
            (here + 1..issues.len()).find(|&i| !issues[i].sections.is_empty())
        } else {
            (0..here.min(issues.len()))
                .rev()
                .find(|&i| !issues[i].sections.is_empty())
        };
        match next {
            Some(i) => {
                let last = issues[i].sections.len() - 1;
                self.select_issue(i);
                self.select_section(if forward { 0 } else { last });
            }
            None => self.status = Some(edge),
        }
    }

    /// `>` / `<`: the next or previous line of the story with a match.
    fn step_match(&mut self, forward: bool) {
        self.refresh_story();
        if !self.filtering() {
            self.status = Some(Status::NoMatches);
            return;
        }
        let terms = self.terms();
        self.story.find_matches(&terms);
        let (_, rows) = self.story_size();
        match self.story.step_match(forward, rows) {
            Some(k) => {
                self.status = Some(Status::Match {
                    n: k + 1,
                    of: self.story.matches().len(),
                })
            }
            None => self.status = Some(Status::NoMatches),
        }
    }

    /// Enter on the issue list: that issue's stories. A filter (or the
    /// unread / starred view) is left first, and the status says so; the
    /// story it showed stays selected when it is in that issue.
    fn open_issue(&mut self) {
        if self.selected_issue().is_none() {
            return;
        }
        let issue = self.issues.selected();
        let shown = self.shown();
        if self.filtering() {
            self.clear_filter();
            self.status = Some(Status::FilterCleared);
        }
        if self.view != View::All {
            self.view = View::All;
            self.rebuild_results(None);
            self.status = Some(Status::ViewShown {
                view: View::All,
                count: 0,
            });
        }
        let moved = self.issues.select(issue);
        match shown {
            Some((i, s)) if i == issue => {
                self.sections.select(s);
            }
            _ if moved => self.sections.reset(),
            _ => {}
        }
        self.focus = Focus::Sections;
    }

    /// The issue list takes the keys: while a story list is shown, the
    /// issue of the story shown is selected in it.
    fn entered_issues(&mut self) {
        if self.focus == Focus::Issues
            && self.listing()
            && let Some((i, _)) = self.shown()
        {
            self.issues.select(i);
        }
    }

    fn cycle_pane(&mut self, forward: bool) {
        const ORDER: [Focus; 3] = [Focus::Issues, Focus::Sections, Focus::Story];
        let at = match self.focus {
            Focus::Issues => 0,
            Focus::Sections | Focus::Filter => 1,
            Focus::Story => 2,
        };
        let step = if forward { 1 } else { 2 };
        self.focus = ORDER[(at + step) % 3];
        self.entered_issues();
    }

    fn side_pane(&mut self, right: bool) {
        self.focus = match (self.focus, right) {
            (Focus::Issues, true) => Focus::Sections,
            (Focus::Sections | Focus::Filter | Focus::Story, true) => Focus::Story,
            (Focus::Story, false) => Focus::Sections,
            (Focus::Sections | Focus::Filter | Focus::Issues, false) => Focus::Issues,
        };
        self.entered_issues();
    }

    fn leave_filter_bar(&mut self) {
        self.focus = if self.return_focus == Focus::Filter {
            Focus::Issues
        } else {
            self.return_focus
        };
        self.entered_issues();
    }

    /// Changes the query with `edit` (true when it changed it) and asks
    /// for its search; an emptied query ends the filter with the story it
    /// showed kept on screen and selected in its issue.
    fn edit_query(&mut self, edit: impl FnOnce(&mut super::filter::Filter) -> bool) -> Effect {
        let shown = self.shown();
        if !edit(&mut self.filter) {
            return Effect::None;
        }
        if self.filter.is_empty() {
            self.filter.generation += 1;
            self.filter.hits = Arc::default();
            self.filter.results_generation = self.filter.generation;
            if self.view == View::All
                && let Some((i, s)) = shown
            {
                self.issues.select(i);
                self.sections.select(s);
            }
            self.rebuild_results(shown);
            return Effect::None;
        }
        self.requery()
    }

    /// Asks for the search of the query typed (the old results stay until
    /// its hits arrive); with no query, drops the results at once.
    fn requery(&mut self) -> Effect {
        self.filter.generation += 1;
        if !self.filtering() {
            self.show_results(self.filter.generation, Arc::default());
            return Effect::None;
        }
        if self.loading {
            // `Loaded` asks for this search once there is an index.
            return Effect::None;
        }
        Effect::Search {
            generation: self.filter.generation,
            query: self.filter.query().to_string(),
        }
    }

    fn show_results(&mut self, generation: u64, hits: Arc<Vec<Hit>>) {
        self.filter.hits = hits;
        self.filter.results_generation = generation;
        self.rebuild_results(None);
        self.result.reset();
    }

    /// Hits of search `generation`: kept when newer than those shown (an
    /// intermediate answer while typing on is still progress), else dropped.
    fn search_results(&mut self, generation: u64, hits: Arc<Vec<Hit>>) {
        if generation > self.filter.results_generation
            && generation <= self.filter.generation
            && self.filtering()
        {
            self.show_results(generation, hits);
        }
    }

    fn clear_filter(&mut self) {
        let now = self.now();
        self.edit_query(|f| f.clear(now));
    }

    /// Esc in a list: the filter first, then the unread/starred view; the
    /// story shown stays shown and selected.
    fn clear_listing(&mut self) {
        if self.filtering() {
            self.clear_filter();
        } else if self.view != View::All {
            if let Some((i, s)) = self.shown() {
                self.issues.select(i);
                self.sections.select(s);
            }
            self.view = View::All;
            self.rebuild_results(None);
        }
    }

    fn resize(&mut self, width: u16, height: u16) {
        // The reading place is held across resizes for as long as the same
        // story is shown and nothing scrolls it: a size too small for the
        // story (no lines), one where it fits (scroll clamped to 0), or one
        // where the place falls inside a line would otherwise lose it or
        // drift it back a line per resize.
        self.refresh_story();
        let shown = self.shown();
        let scroll = self.story.scroll();
        let held = self
            .story
            .held
            .take()
            .filter(|&(s, at, _)| Some(s) == shown && at == scroll);
        let anchor = match held {
            Some((_, _, a)) => Some(a),
            None => self.story.anchor(),
        };
        self.width = width;
        self.height = height;
        self.refresh_story();
        let line = anchor.map_or(0, |a| story::line_of(self.story.lines(), a));
        self.scroll_to(line);
        self.story.held = shown.zip(anchor).map(|(s, a)| (s, self.story.scroll(), a));
        match &mut self.overlay {
            Overlay::Help { scroll } | Overlay::Messages { scroll } => *scroll = 0,
            _ => {}
        }
    }

    /// Scrolls the story so link `k`'s number in the text is in view, so
    /// the highlight of a link picked by number can be seen.
    fn reveal_link(&mut self, k: usize) {
        self.refresh_story();
        let (_, rows) = self.story_size();
        let found = self.story.lines().iter().position(|line| {
            line.segments
                .iter()
                .any(|(segment, _)| *segment == story::Segment::LinkMark(k))
        });
        if let Some(line) = found {
            let to = super::in_view(line, self.story.scroll(), rows);
            self.scroll_to(to);
        }
    }

    /// `o` (`copy` false) or `y` on the shown story: link N after a count,
    /// else the selected link; with none selected, `o` opens the issue's
    /// web address when it has one, and otherwise both take the first link.
    fn link_effect(&mut self, copy: bool, count: Option<usize>) -> Effect {
        let links = self
            .shown_section()
            .map(|s| s.links.clone())
            .unwrap_or_default();
        if count.is_none() && self.link.is_none() {
            let page = self.shown_issue().and_then(|i| i.url.clone());
            if let Some(url) = page.filter(|u| links::is_openable(u))
                && !copy
            {
                self.status = Some(Status::OpenedIssue {
                    place: links::place(&url).to_string(),
                });
                return Effect::OpenLink(url);
            }
        }
        if links.is_empty() {
            self.status = Some(Status::NoLinks);
            return Effect::None;
        }
        let index = match count {
            Some(n) => n.saturating_sub(1),
            None => self.link.unwrap_or(0),
        };
        let Some(link) = links.get(index).filter(|_| count != Some(0)) else {
            let n = count.unwrap_or(index + 1);
            self.status = Some(Status::NoSuchLink {
                n,
                count: links.len(),
            });
            return Effect::None;
        };
        let url = link.url.clone();
        self.link = Some(index);
        self.reveal_link(index);
        if copy {
            self.status = Some(Status::Copied { n: index + 1 });
            return Effect::CopyLink(url);
        }
        if !links::is_openable(&url) {
            self.status = Some(Status::NotOpened);
            return Effect::None;
        }
        self.status = Some(Status::Opened {
            n: index + 1,
            place: links::place(&url).to_string(),
        });
        Effect::OpenLink(url)
    }

    /// `L`: the link list over the story, at the selected link.
    fn show_links(&mut self) {
        let count = self.shown_section().map_or(0, |s| s.links.len());
        if count == 0 {
            self.status = Some(Status::NoLinks);
            return;
        }
        let mut cursor = super::Cursor::default();
        cursor.select(self.link.unwrap_or(0).min(count - 1));
        self.overlay = Overlay::Links(cursor);
    }

    /// A key while an overlay is open.
    fn overlay_key(&mut self, action: Action) -> Effect {
        match self.overlay {
            Overlay::None => Effect::None,
            Overlay::Help { scroll } => {
                let rows = messages::help_lines(&self.settings.keys, self.width, self.height).len();
                match self.scrolled(scroll, rows, &action) {
                    Some(scroll) => self.overlay = Overlay::Help { scroll },
                    None => self.overlay = Overlay::None,
                }
                Effect::None
            }
            Overlay::Messages { scroll } => {
                let lines = messages::problem_lines(self.problems(), self.width, self.height).len();
                match self.scrolled(scroll, lines, &action) {
                    Some(scroll) => self.overlay = Overlay::Messages { scroll },
                    None => self.overlay = Overlay::None,
                }
                Effect::None
            }
            Overlay::Links(cursor) => self.links_key(cursor, action),
        }
    }

    /// A scroll key in a list of `len` rows from `scroll`; None for any
    /// other key, which closes the overlay.
    fn scrolled(&self, scroll: usize, len: usize, action: &Action) -> Option<usize> {
        let rows = panes::overlay_rows(self.width, self.height).max(1);
        let last = len.saturating_sub(rows);
        let to = match action {
            Action::Down => scroll + 1,
            Action::Up => scroll.saturating_sub(1),
            Action::PageDown | Action::HalfPageDown => scroll + rows.saturating_sub(1).max(1),
            Action::PageUp | Action::HalfPageUp => scroll.saturating_sub(rows.max(2) - 1),
            Action::Top => 0,
            Action::Bottom => last,
            Action::Count(_) => scroll,
            _ => return None,
        };
        Some(to.min(last))
    }

    /// A key in the link list: move, open, copy, a number picks a link.
    fn links_key(&mut self, mut cursor: super::Cursor, action: Action) -> Effect {
        let count = self.shown_section().map_or(0, |s| s.links.len());
        match action {
            Action::Down => {
                cursor.moved(count, |i, _| i + 1);
            }
            Action::Up => {
                cursor.moved(count, |i, _| i.saturating_sub(1));
            }
            Action::Top => {
                cursor.moved(count, |_, _| 0);
            }
            Action::Bottom => {
                cursor.moved(count, |_, len| len - 1);
            }
            Action::Count(digit) => {
                // Digits type the link's number: "1" then "2" is link 12
                // when there is one, else link 2.
                let typed = self.count.unwrap_or(0) * 10 + usize::from(digit.min(9));
                let n = if (1..=count).contains(&typed) {
                    typed
                } else {
                    usize::from(digit)
                };
                self.count = Some(n);
                if (1..=count).contains(&n) {
                    cursor.select(n - 1);
                }
            }
            Action::Open | Action::OpenLink | Action::CopyLink => {
                self.overlay = Overlay::None;
                self.count = None;
                self.link = Some(cursor.selected());
                let copy = action == Action::CopyLink;
                return self.link_effect(copy, Some(cursor.selected() + 1));
            }
            _ => {
                self.overlay = Overlay::None;
                self.count = None;
                return Effect::None;
            }
        }
        if !matches!(action, Action::Count(_)) {
            self.count = None;
        }
        self.overlay = Overlay::Links(cursor);
        Effect::None
    }

    /// Issues read so far while the library loads: shown at once, in date
    /// order, the selected issue kept.
    fn progressed(&mut self, progress: Progress) {
        if !self.loading {
            return;
        }
        self.progress = Some((progress.done, progress.total));
        if progress.issues.is_empty() {
            return;
        }
        let selected = self.selected_issue().map(|i| i.id.clone());
        self.library.issues.extend(progress.issues);
        // Newest first, undated last: the order the library ends in.
        self.library.issues.sort_by(|a, b| {
            a.date
                .is_none()
                .cmp(&b.date.is_none())
                .then(b.date.cmp(&a.date))
        });
        self.generation += 1;
        if let Some(id) = selected
            && let Some(i) = self.library.issues.iter().position(|x| x.id == id)
        {
            self.issues.select(i);
        }
        self.recount();
    }

    fn load(&mut self, loaded: Loaded) -> Effect {
        // A library loaded again (new files) keeps the story on screen; the
        // first one opens where the last run stopped, unless the reader
        // moved among the issues that arrived while it loaded.
        let back_to = if self.loading && !self.reading.touched {
            self.reading.state.resume.clone()
        } else {
            self.resume_point()
        };
        let changes = (!self.loading).then(|| {
            let before: std::collections::HashSet<&str> =
                self.library.issues.iter().map(|i| i.id.as_str()).collect();
            let after: std::collections::HashSet<&str> = loaded
                .library
                .issues
                .iter()
                .map(|i| i.id.as_str())
                .collect();
            let came = after.difference(&before).count();
            // The samples put away for the user's own issues are not news.
            let went = if self.origin.samples && !loaded.origin.samples {
                0
            } else {
                before.difference(&after).count()
            };
            (came, went)
        });
        self.install(loaded, back_to, changes)
    }

    /// The library changed under the reader (files came or went): the
    /// issues kept move from the old list into the new one (no second
    /// copy of the library is ever held), then it is shown as a library
    /// loaded again is, the story on screen kept.
    fn update_library(&mut self, update: crate::app::Update) -> Effect {
        let back_to = self.resume_point();
        let crate::app::Update {
            pieces,
            added,
            errors,
            said,
            index,
        } = update;
        let mut old: Vec<Option<crate::model::Issue>> = std::mem::take(&mut self.library.issues)
            .into_iter()
            .map(Some)
            .collect();
        let mut added: Vec<Option<crate::model::Issue>> = added.into_iter().map(Some).collect();
        let came = added.len();
        let issues: Vec<crate::model::Issue> = pieces
            .iter()
            .filter_map(|piece| match *piece {
                crate::search::Piece::Kept(n) => old.get_mut(n as usize)?.take(),
                crate::search::Piece::Added(k) => added.get_mut(k)?.take(),
            })
            .collect();
        let went = old.iter().filter(|issue| issue.is_some()).count();
        drop(old);
        let origin = crate::app::Origin {
            said,
            samples: false,
        };
        let texts = self.texts.take();
        self.install(
            Loaded {
                library: crate::model::Library { issues, errors },
                origin,
                index,
                texts,
            },
            back_to,
            Some((came, went)),
        )
    }

    /// Shows `loaded` in place of the library on screen; `changes` (issues
    /// that came, went) are said unless the library is the first.
    fn install(
        &mut self,
        loaded: Loaded,
        back_to: Option<crate::model::Resume>,
        changes: Option<(usize, usize)>,
    ) -> Effect {
        let Loaded {
            library,
            origin,
            index,
            texts,
        } = loaded;
        let focus = self.focus;
        if let Some((came, went)) = changes {
            // A fetch's word on what it brought says more.
            let fetched = matches!(self.status, Some(Status::Fetched { .. }));
            if came + went > 0 && !fetched {
                self.status = Some(Status::LibraryChanged { came, went });
            }
        }
        self.library = library;
        self.index = index;
        self.texts = texts;
        self.asked.clear();
        self.origin = origin;
        self.loading = false;
        self.progress = None;
        self.generation += 1;
        self.issues.reset();
        self.sections.reset();
        self.story.top();
        self.link = None;
        self.recount();
        // Hits of another library would point at the wrong stories.
        self.show_results(self.filter.results_generation, Arc::default());
        let effect = self.requery();
        if let Some(back_to) = back_to
            && self.resume_at(&back_to)
            && !back_to.reading
        {
            self.focus = focus;
        }
        effect
    }
}
