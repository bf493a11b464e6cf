//! Application state and its one mutator, [`update`].
//!
//! Plain data only: selections and offsets are integers ([`Cursor`]), sizes
//! are the last `Resize`, the time comes from a clock passed in. Nothing here
//! knows ratatui, crossterm, the file system or the system clock; effects
//! (quit, run a search, open a link, save the reading state) are returned,
//! not performed.
//!
//! Slow work never happens in `update`: a filter keystroke returns
//! `Effect::Search` with a generation number and the results come back later
//! as `Action::SearchResults`; the library itself arrives later too, in
//! `Action::Progress` pieces and then whole as `Action::Loaded`. The shown
//! story is laid out once per story and width, inside `update`, so drawing
//! only reads it. `update_now` runs a search inline for tests and tools.
//!
//! The rooms: `action` (the vocabulary, a leaf), `keys` (the key table),
//! `cursor` (a list's place), `filter` (the filter session), `story` (the
//! pure layout) and `story_view` (the laid-out story and its place),
//! `reading` (marks, counts, resume), `dispatch` (what each action does),
//! `messages` (every sentence), `panes` (the screen's geometry).

pub mod action;
pub mod cursor;
mod dispatch;
pub mod filter;
pub mod keys;
pub mod links;
pub mod messages;
pub mod panes;
pub mod reading;
pub mod settings;
pub mod story;
pub mod story_view;

use std::sync::Arc;

pub use action::{
    Action, Changes, Clock, Edit, Effect, Fetched, Focus, Loaded, Origin, Problem, Progress,
    StateLoaded, Status, StoryTexts, TextSource, Update, View,
};
pub use cursor::{Cursor, in_view};
pub use dispatch::{update, update_now};
pub use settings::Settings;

use crate::model::{Issue, Library, Millis, Resume, Section, SourceError};
use crate::search::{self, Hit, Index};
use story::StoryLine;
use story_view::StoryView;

/// What is drawn over the panes and takes the keys while it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    /// The keys; `scroll` is the first row in view.
    Help { scroll: usize },
    /// Every problem of the session; `scroll` is the first line in view.
    Messages { scroll: usize },
    /// The shown story's links, one selected.
    Links(Cursor),
}

pub struct App {
    library: Library,
    index: Arc<Index>,
    /// Bumped by every library that arrives: cached layouts of the one
    /// before are stale even where indices match.
    generation: u64,
    /// True until `Action::Loaded` arrives (only for `App::loading`).
    loading: bool,
    /// Files read of all there are, while loading.
    progress: Option<(usize, usize)>,
    origin: Origin,
    focus: Focus,
    /// Where leaving the filter bar returns to.
    return_focus: Focus,
    issues: Cursor,
    sections: Cursor,
    /// The story list shown instead of the issue's sections: the hits that
    /// are in the view, or with no filter, every story in the view.
    results: Arc<Vec<Hit>>,
    result: Cursor,
    filter: filter::Filter,
    view: View,
    story: StoryView,
    width: u16,
    height: u16,
    overlay: Overlay,
    /// The link `o` and `y` act on (index into the shown story's links);
    /// None until one is chosen.
    link: Option<usize>,
    /// Digits typed before a motion, `o` or `y`.
    count: Option<usize>,
    /// What the last action has to say, until the next key.
    status: Option<Status>,
    /// Problems of the session besides the library's own errors.
    problems: Vec<Problem>,
    /// NO_COLOR: draw with modifiers only.
    pub no_color: bool,
    /// What the config file changes.
    pub settings: Settings,
    reading: reading::Reading,
    clock: Clock,
    /// The filter result last opened at its first match, with the terms.
    found: Option<((usize, usize), Vec<String>)>,
    /// Where the text of stories loaded without it comes from.
    texts: Option<TextSource>,
    /// Stories whose text was asked for (found or not): asked once.
    asked: std::collections::HashSet<String>,
    /// While the feeds are fetched: feeds done, feeds in all.
    fetching: Option<(usize, usize)>,
    /// The fetch running was asked for with `r` (not `fetch.every`).
    fetch_asked: bool,
    /// When the last fetch ended (in this run or, as the fetch state
    /// says, an earlier one).
    last_fetch: Option<Millis>,
}

/// The clock of an app nobody gave one: time stands still.
fn no_clock() -> Millis {
    0
}

impl App {
    /// A reader on `library`, sized 80x24 until the first `Resize`. Builds
    /// the search index here, on the caller's thread.
    pub fn new(library: Library, origin: impl Into<Origin>) -> App {
        let mut app = App::loading();
        update(
            &mut app,
            Action::Loaded(Box::new(Loaded::new(library, origin))),
        );
        app
    }

    /// An empty reader waiting for `Action::Loaded`: keys work (on nothing)
    /// and a filter typed now runs once the library is there.
    pub fn loading() -> App {
        App {
            library: Library::default(),
            index: Arc::default(),
            generation: 0,
            loading: true,
            progress: None,
            origin: Origin::default(),
            focus: Focus::Issues,
            return_focus: Focus::Issues,
            issues: Cursor::default(),
            sections: Cursor::default(),
            results: Arc::default(),
            result: Cursor::default(),
            filter: filter::Filter::default(),
            view: View::All,
            story: StoryView::default(),
            width: 80,
            height: 24,
            overlay: Overlay::None,
            link: None,
            count: None,
            status: None,
            problems: Vec::new(),
            no_color: false,
            settings: Settings::default(),
            reading: reading::Reading::default(),
            clock: no_clock,
            found: None,
            texts: None,
            asked: std::collections::HashSet::new(),
            fetching: None,
            fetch_asked: false,
            last_fetch: None,
        }
    }

    /// While the feeds are fetched: feeds done and feeds in all (0 of 0
    /// until the first report).
    pub fn fetching(&self) -> Option<(usize, usize)> {
        self.fetching
    }

    /// When the feeds were last fetched, before this run (from the fetch
    /// state), for `fetch.every`.
    pub fn set_last_fetch(&mut self, at: Option<Millis>) {
        self.last_fetch = at;
    }

    /// When `fetch.every` wants the next fetch: None without the setting
    /// or while one runs; a time already past means now.
    pub fn next_fetch_at(&self) -> Option<Millis> {
        let every = self.settings.fetch_every?;
        if self.fetching.is_some() {
            return None;
        }
        Some(self.last_fetch.map_or(0, |last| last.saturating_add(every)))
    }

    /// Where the time for marks and resume points comes from.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    fn now(&self) -> Millis {
        (self.clock)()
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The index shared with a search worker.
    pub fn shared_index(&self) -> Arc<Index> {
        Arc::clone(&self.index)
    }

    /// True until the library has arrived.
    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// Files read of all there are, while the library loads.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.progress.filter(|_| self.loading)
    }

    /// Where the issues came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// The selected issue's index.
    pub fn issue(&self) -> usize {
        self.issues.selected()
    }

    /// The selected section's index in the selected issue.
    pub fn section(&self) -> usize {
        self.sections.selected()
    }

    /// The selected row of the story list (`results`).
    pub fn result(&self) -> usize {
        self.result.selected()
    }

    pub fn issue_cursor(&self) -> Cursor {
        self.issues
    }

    pub fn section_cursor(&self) -> Cursor {
        self.sections
    }

    pub fn result_cursor(&self) -> Cursor {
        self.result
    }

    /// The story list shown instead of an issue's sections (see `listing`).
    pub fn results(&self) -> &[Hit] {
        &self.results
    }

    pub fn filter(&self) -> &filter::Filter {
        &self.filter
    }

    /// The query typed in the filter bar.
    pub fn query(&self) -> &str {
        self.filter.query()
    }

    pub fn view(&self) -> View {
        self.view
    }

    pub fn story_view(&self) -> &StoryView {
        &self.story
    }

    /// The first story line in view.
    pub fn scroll(&self) -> usize {
        self.story.scroll()
    }

    /// Scrolls the story to `line` (kept in range), as the keys would.
    pub fn set_scroll(&mut self, line: usize) {
        let (_, rows) = self.story_size();
        self.story.scroll_to(line, rows);
    }

    pub fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    pub fn overlay(&self) -> Overlay {
        self.overlay
    }

    /// True while the help is open.
    pub fn help(&self) -> bool {
        matches!(self.overlay, Overlay::Help { .. })
    }

    pub fn link(&self) -> Option<usize> {
        self.link
    }

    /// The count being typed.
    pub fn count(&self) -> Option<usize> {
        self.count
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Every problem of the session: the sources of the library that could
    /// not be read, then the others (config, watching, the state file).
    pub fn problems(&self) -> impl Iterator<Item = Problem> + '_ {
        self.library
            .errors
            .iter()
            .cloned()
            .map(Problem::Source)
            .chain(self.problems.iter().cloned())
    }

    pub fn problem_count(&self) -> usize {
        self.library.errors.len() + self.problems.len()
    }

    /// True while the results shown are not yet those of the query typed.
    pub fn searching(&self) -> bool {
        self.filtering() && self.filter.results_generation != self.filter.generation
    }

    /// True while background work is owed to the app: the library, or the
    /// results of the newest search.
    pub fn waiting(&self) -> bool {
        self.loading || self.searching()
    }

    pub fn filtering(&self) -> bool {
        !self.filter.is_empty()
    }

    /// True while the story list (`results`) replaces the issue's sections:
    /// a filter is typed, or only unread or starred stories are shown.
    pub fn listing(&self) -> bool {
        self.filtering() || self.view != View::All
    }

    pub fn terms(&self) -> Vec<String> {
        search::terms(self.filter.query())
    }

    pub fn selected_issue(&self) -> Option<&Issue> {
        self.library.issues.get(self.issues.selected())
    }

    /// (issue, section) of the story the story pane shows: the selected
    /// result while listing, else the selected section.
    pub fn shown(&self) -> Option<(usize, usize)> {
        let (i, s) = if self.listing() {
            let hit = self.results.get(self.result.selected())?;
            (hit.issue, hit.section)
        } else {
            (self.issues.selected(), self.sections.selected())
        };
        self.library.issues.get(i)?.sections.get(s)?;
        Some((i, s))
    }

    pub fn shown_section(&self) -> Option<&Section> {
        let (i, s) = self.shown()?;
        self.library.issues.get(i)?.sections.get(s)
    }

    pub fn shown_issue(&self) -> Option<&Issue> {
        self.library.issues.get(self.shown()?.0)
    }

    pub fn panes(&self) -> panes::Panes {
        panes::panes_with(self.width, self.height, self.focus, self.settings.panes)
    }

    /// Width and height of the story text (see [`panes::story_size`]).
    pub fn story_size(&self) -> (usize, usize) {
        panes::story_size_with(self.width, self.height, self.settings.panes)
    }

    /// The shown story laid out at the story pane's width, as the last
    /// `update` left it.
    pub fn story_lines(&self) -> &[StoryLine] {
        self.story.lines()
    }

    /// Unread stories in issue `issue`.
    pub fn unread_in(&self, issue: usize) -> usize {
        self.reading.unread.get(issue).copied().unwrap_or(0)
    }

    /// Unread stories in the whole library.
    pub fn unread_total(&self) -> usize {
        self.reading.unread_total
    }

    /// Issues with an unread story.
    pub fn unread_issues(&self) -> usize {
        self.reading.unread.iter().filter(|&&n| n > 0).count()
    }

    /// Brings in the shown story's text when the library holds only its
    /// title (see [`Loaded::texts`]).
    fn ensure_text(&mut self) {
        let Some((i, s)) = self.shown() else {
            return;
        };
        let Some(texts) = &self.texts else {
            return;
        };
        let Some(section) = self.library.issues.get(i).and_then(|x| x.sections.get(s)) else {
            return;
        };
        if section.block_count() > 0 || self.asked.contains(&section.id) {
            return;
        }
        let id = section.id.clone();
        let found = match texts.0.lock() {
            Ok(mut texts) => texts.story(&id),
            Err(_) => None,
        };
        self.asked.insert(id);
        if let Some(full) = found
            && let Some(slot) = self
                .library
                .issues
                .get_mut(i)
                .and_then(|x| x.sections.get_mut(s))
        {
            *slot = full;
            // The story's layout without its text is stale.
            self.generation += 1;
        }
    }

    /// Lays out the shown story unless its layout is held already (a new
    /// story starts at its top), and keeps the scroll in range.
    fn refresh_story(&mut self) {
        self.ensure_text();
        let (width, rows) = self.story_size();
        let shown = self.shown();
        self.story
            .refresh(&self.library, self.generation, shown, width);
        self.story.scroll_to(self.story.scroll(), rows);
    }

    fn max_scroll(&mut self) -> usize {
        self.refresh_story();
        let (_, rows) = self.story_size();
        self.story.max_scroll(rows)
    }

    fn page(&self) -> usize {
        let (_, h) = self.story_size();
        // One line of the previous page stays in view for context.
        h.saturating_sub(1).max(1)
    }

    fn scroll_to(&mut self, line: usize) {
        self.refresh_story();
        let (_, rows) = self.story_size();
        self.story.scroll_to(line, rows);
    }

    fn scroll_by(&mut self, delta: isize) {
        let line = self.story.scroll().saturating_add_signed(delta);
        self.scroll_to(line);
    }

    /// True when the list `focus` names shows the story list (`results`).
    fn in_results(&self) -> bool {
        self.listing() && matches!(self.focus, Focus::Sections | Focus::Filter)
    }

    fn section_count(&self) -> usize {
        self.selected_issue().map_or(0, |i| i.sections.len())
    }

    fn select_issue(&mut self, issue: usize) {
        if self.issues.select(issue) {
            self.sections.reset();
        }
    }

    fn select_section(&mut self, section: usize) {
        self.sections.select(section);
    }

    fn select_result(&mut self, result: usize) {
        self.result.select(result);
    }

    /// Where the keys have got to, to tell a move that went nowhere.
    fn place(&self) -> (Focus, usize, usize, usize, usize) {
        (
            self.focus,
            self.issues.selected(),
            self.sections.selected(),
            self.result.selected(),
            self.story.scroll(),
        )
    }

    /// Scrolls each list so its selection is in view.
    fn keep_lists_in_view(&mut self) {
        let (w, h) = (self.width, self.height);
        self.issues
            .keep_in_view(panes::list_rows(w, h, Focus::Issues));
        let rows = panes::list_rows(w, h, Focus::Sections);
        self.sections.keep_in_view(rows);
        self.result.keep_in_view(rows);
    }

    /// Where the reader is now, to restore at the next start.
    pub fn resume_point(&self) -> Option<Resume> {
        let (i, s) = self.shown()?;
        let issue = self.library.issues.get(i)?;
        let section = issue.sections.get(s)?;
        let anchor = self.story.anchor();
        Some(Resume {
            issue: issue.id.clone(),
            section: section.id.clone(),
            block: anchor.and_then(|a| a.block),
            byte: anchor.map_or(0, |a| a.byte),
            reading: self.focus == Focus::Story,
            at: self.now(),
        })
    }

    /// The library's errors, for a caller that reports them itself.
    pub fn load_errors(&self) -> &[SourceError] {
        &self.library.errors
    }
}
