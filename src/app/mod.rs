//! Application state and its one mutator, [`update`].
//!
//! Plain data only: selections and offsets are integers, sizes are the last
//! `Resize`. Nothing here knows ratatui or crossterm; effects (quit, run a
//! search) are returned, not performed.
//!
//! Slow work never happens in `update`: a filter keystroke returns
//! `Effect::Search` with a generation number and the results come back later
//! as `Action::SearchResults`; the library itself can arrive later too, as
//! `Action::Loaded`. `update_now` runs a search inline for tests and tools.

pub mod keys;
pub mod links;
pub mod messages;
pub mod panes;
pub mod reading;
pub mod settings;
pub mod story;

use crate::model::{Issue, Library, Mark, Section};
use crate::search::{self, Hit, Index};
pub use reading::{StateLoaded, View};
use serde::{Deserialize, Serialize};
pub use settings::Settings;
use std::sync::Arc;
use story::StoryLine;

/// Which part of the screen takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Focus {
    Issues,
    /// The section list, or the filter results while a filter is set.
    Sections,
    Story,
    Filter,
}

/// Everything a key can ask for: update's input and, later, the names a
/// keymap config file uses. The last two variants are not keys but the
/// answers of background work; they are never (de)serialized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    NextPane,
    PrevPane,
    Left,
    Right,
    Open,
    NextSection,
    PrevSection,
    FocusFilter,
    FilterInput(char),
    FilterBackspace,
    FilterSubmit,
    /// Esc: clears the filter in the bar or the results, leaves the story.
    Escape,
    ToggleHelp,
    /// A digit of a count typed before `OpenLink` or `CopyLink` ("3o").
    Count(u8),
    /// Open the selected link (link N after a count) with the system opener.
    OpenLink,
    /// Copy the selected link's (link N's) address to the clipboard.
    CopyLink,
    /// The next / previous unread story across the whole library.
    NextUnread,
    PrevUnread,
    /// Mark every story of the selected issue read.
    MarkIssueRead,
    /// Toggle the shown story's read mark.
    ToggleRead,
    /// Star or unstar the shown story.
    ToggleStar,
    /// Show starred stories only (again: all).
    StarredOnly,
    /// Show unread stories only (again: all).
    UnreadOnly,
    Quit,
    Resize {
        width: u16,
        height: u16,
    },
    /// The hits for the query of search `generation` (see `Effect::Search`).
    #[serde(skip)]
    SearchResults {
        generation: u64,
        hits: Arc<Vec<Hit>>,
    },
    /// The library, loaded and indexed off the UI thread.
    #[serde(skip)]
    Loaded(Box<Loaded>),
    /// A sentence for the status line from whoever performed an effect
    /// (the opener failed, the clipboard could not be written).
    #[serde(skip)]
    Status(String),
    /// The reading state, read from disk off the UI thread.
    #[serde(skip)]
    StateLoaded(Box<StateLoaded>),
    /// After a save: marks another reader saved meanwhile (newer than ours).
    #[serde(skip)]
    MarksMerged(Vec<(String, Mark)>),
}

/// What the caller of [`update`] must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    /// Run `query` against the index and answer with
    /// `Action::SearchResults` carrying the same `generation`. Only the
    /// latest generation matters: older requests may be skipped.
    Search {
        generation: u64,
        query: String,
    },
    /// Hand this http(s) or mailto address to the system opener; report a
    /// failure back as `Action::Status`.
    OpenLink(String),
    /// Put this address on the clipboard (OSC 52).
    CopyLink(String),
}

/// A library ready for the reader: the issues, where they came from, and
/// their search index (built with the library, off the UI thread).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub library: Library,
    pub origin: String,
    pub index: Arc<Index>,
}

impl Loaded {
    /// Indexes `library` (the slow part: call it where waiting is fine).
    pub fn new(library: Library, origin: String) -> Loaded {
        let index = Arc::new(Index::new(&library));
        Loaded {
            library,
            origin,
            index,
        }
    }
}

impl PartialEq for Loaded {
    /// The index is a function of the library, so it is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.library == other.library && self.origin == other.origin
    }
}

pub struct App {
    library: Library,
    index: Arc<Index>,
    /// True until `Action::Loaded` arrives (only for `App::loading`).
    loading: bool,
    /// The newest search asked for; bumped on every change of the filter.
    generation: u64,
    /// The search whose hits `results` holds.
    results_generation: u64,
    /// Where the issues came from, for the status line.
    pub origin: String,
    pub focus: Focus,
    /// Where leaving the filter bar returns to.
    pub return_focus: Focus,
    pub issue: usize,
    pub section: usize,
    pub issue_offset: usize,
    pub section_offset: usize,
    pub filter: String,
    /// The newest hits that arrived; while a search is pending they belong
    /// to an older query (see `searching`).
    hits: Arc<Vec<Hit>>,
    /// The story list shown instead of the issue's sections: the hits that
    /// are in the view, or with no filter, every story in the view.
    pub results: Arc<Vec<Hit>>,
    pub result: usize,
    pub result_offset: usize,
    /// First story line shown.
    pub scroll: usize,
    pub width: u16,
    pub height: u16,
    pub help: bool,
    /// The link `o` and `y` act on (index into the shown story's links);
    /// None until one is chosen, then the story's first link is meant.
    pub link: Option<usize>,
    /// Digits typed before `o` or `y`.
    pub count: Option<usize>,
    /// A sentence for the status line until the next key.
    pub status: Option<String>,
    /// NO_COLOR: draw with modifiers only.
    pub no_color: bool,
    /// What the config file changes.
    pub settings: Settings,
    /// All stories, or only unread or starred ones.
    pub view: View,
    reading: reading::Reading,
    /// The story's reading place while the size cannot show it, with the
    /// story it belongs to and the scroll then (see `resize`).
    held_anchor: Option<((usize, usize), usize, story::Anchor)>,
}

impl App {
    /// A reader on `library`, sized 80x24 until the first `Resize`. Builds
    /// the search index here, on the caller's thread.
    pub fn new(library: Library, origin: String) -> App {
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
            loading: true,
            generation: 0,
            results_generation: 0,
            origin: messages::LOADING.to_string(),
            focus: Focus::Issues,
            return_focus: Focus::Issues,
            issue: 0,
            section: 0,
            issue_offset: 0,
            section_offset: 0,
            filter: String::new(),
            results: Arc::default(),
            result: 0,
            result_offset: 0,
            scroll: 0,
            width: 80,
            height: 24,
            help: false,
            link: None,
            count: None,
            status: None,
            no_color: false,
            settings: Settings::default(),
            view: View::All,
            hits: Arc::default(),
            reading: reading::Reading::default(),
            held_anchor: None,
        }
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

    /// True while the results shown are not yet those of the query typed.
    pub fn searching(&self) -> bool {
        self.filtering() && self.results_generation != self.generation
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
        search::terms(&self.filter)
    }

    pub fn selected_issue(&self) -> Option<&Issue> {
        self.library.issues.get(self.issue)
    }

    /// (issue, section) of the story the story pane shows: the selected
    /// result while filtering, else the selected section.
    pub fn shown(&self) -> Option<(usize, usize)> {
        let (i, s) = if self.listing() {
            let hit = self.results.get(self.result)?;
            (hit.issue, hit.section)
        } else {
            (self.issue, self.section)
        };
        self.library.issues.get(i)?.sections.get(s)?;
        Some((i, s))
    }

    pub fn shown_section(&self) -> Option<&Section> {
        let (i, s) = self.shown()?;
        self.library.issues.get(i)?.sections.get(s)
    }

    pub fn panes(&self) -> panes::Panes {
        panes::panes_with(self.width, self.height, self.focus, self.settings.panes)
    }

    /// Width and height of the story text (see [`panes::story_size`]).
    pub fn story_size(&self) -> (usize, usize) {
        panes::story_size_with(self.width, self.height, self.settings.panes)
    }

    /// The shown story laid out at the story pane's width.
    pub fn story_lines(&self) -> Vec<StoryLine> {
        let (w, _) = self.story_size();
        self.shown_section()
            .map(|s| story::layout(s, w))
            .unwrap_or_default()
    }

    fn max_scroll(&self) -> usize {
        let (_, h) = self.story_size();
        self.story_lines().len().saturating_sub(h)
    }

    fn page(&self) -> usize {
        let (_, h) = self.story_size();
        // One line of the previous page stays in view for context.
        h.saturating_sub(1).max(1)
    }

    fn scroll_to(&mut self, line: usize) {
        self.scroll = line.min(self.max_scroll());
    }

    fn scroll_by(&mut self, delta: isize) {
        self.scroll_to(self.scroll.saturating_add_signed(delta));
    }

    /// True when the list `focus` names shows filter results.
    fn in_results(&self) -> bool {
        self.listing() && matches!(self.focus, Focus::Sections | Focus::Filter)
    }

    fn section_count(&self) -> usize {
        self.selected_issue().map_or(0, |i| i.sections.len())
    }

    fn select_issue(&mut self, issue: usize) {
        if issue != self.issue {
            self.issue = issue;
            self.section = 0;
            self.section_offset = 0;
            if !self.listing() {
                self.scroll = 0;
            }
        }
    }

    fn select_section(&mut self, section: usize) {
        if section != self.section {
            self.section = section;
            self.scroll = 0;
        }
    }

    fn select_result(&mut self, result: usize) {
        if result != self.result {
            self.result = result;
            self.scroll = 0;
        }
    }

    /// Moves the focused list (or the story) to `target(current, len)`.
    fn move_focused(&mut self, target: impl Fn(usize, usize) -> usize) {
        if self.in_results() {
            let len = self.results.len();
            if len > 0 {
                self.select_result(target(self.result, len).min(len - 1));
            }
            return;
        }
        match self.focus {
            Focus::Issues => {
                let len = self.library.issues.len();
                if len > 0 {
                    self.select_issue(target(self.issue, len).min(len - 1));
                }
            }
            Focus::Sections | Focus::Filter => {
                let len = self.section_count();
                if len > 0 {
                    self.select_section(target(self.section, len).min(len - 1));
                }
            }
            Focus::Story => {
                let lines = self.max_scroll() + 1;
                self.scroll_to(target(self.scroll, lines));
            }
        }
    }

    /// Next (`forward`) or previous story: the next result while filtering,
    /// else the next section, crossing into the neighbouring issue at an end.
    fn step_section(&mut self, forward: bool) {
        if self.listing() {
            let len = self.results.len();
            if len > 0 {
                let r = if forward {
                    (self.result + 1).min(len - 1)
                } else {
                    self.result.saturating_sub(1)
                };
                self.select_result(r);
            }
            return;
        }
        let count = self.section_count();
        if forward && self.section + 1 < count {
            self.select_section(self.section + 1);
        } else if !forward && self.section > 0 {
            self.select_section(self.section - 1);
        } else {
            let issues = &self.library.issues;
            let next = if forward {
                (self.issue + 1..issues.len()).find(|&i| !issues[i].sections.is_empty())
            } else {
                (0..self.issue)
                    .rev()
                    .find(|&i| !issues[i].sections.is_empty())
            };
            if let Some(i) = next {
                let last = issues[i].sections.len() - 1;
                self.select_issue(i);
                self.section = if forward { 0 } else { last };
                self.scroll = 0;
            }
        }
    }

    /// The filter changed: ask for a search (the old results stay until its
    /// hits arrive), or, for an empty filter, drop the results at once.
    fn requery(&mut self) -> Effect {
        self.generation += 1;
        if !self.filtering() {
            self.show_results(self.generation, Arc::default());
            return Effect::None;
        }
        if self.loading {
            // `Loaded` asks for this search once there is an index.
            return Effect::None;
        }
        Effect::Search {
            generation: self.generation,
            query: self.filter.clone(),
        }
    }

    fn show_results(&mut self, generation: u64, hits: Arc<Vec<Hit>>) {
        self.hits = hits;
        self.results_generation = generation;
        self.refresh_results();
        self.result = 0;
        self.result_offset = 0;
        self.scroll = 0;
    }

    /// Hits of search `generation`: kept when newer than those shown (an
    /// intermediate answer while typing on is still progress), else dropped.
    fn search_results(&mut self, generation: u64, hits: Arc<Vec<Hit>>) {
        if generation > self.results_generation && generation <= self.generation && self.filtering()
        {
            self.show_results(generation, hits);
        }
    }

    fn load(&mut self, loaded: Loaded) -> Effect {
        let Loaded {
            library,
            origin,
            index,
        } = loaded;
        // A library loaded again (new files) keeps the story on screen; the
        // first one opens where the last run stopped.
        let back_to = if self.loading {
            self.reading.state.resume.clone()
        } else {
            self.resume_point()
        };
        let focus = self.focus;
        if !self.loading
            && let Some(said) =
                messages::library_changed(self.library.issues.len(), library.issues.len())
        {
            self.status = Some(said);
        }
        self.library = library;
        self.index = index;
        self.origin = origin;
        self.loading = false;
        self.issue = 0;
        self.section = 0;
        self.issue_offset = 0;
        self.section_offset = 0;
        self.scroll = 0;
        self.link = None;
        self.recount();
        // Hits of another library would point at the wrong stories.
        self.show_results(self.results_generation, Arc::default());
        let effect = self.requery();
        if let Some(back_to) = back_to
            && self.resume_at(&back_to)
            && !back_to.reading
        {
            self.focus = focus;
        }
        effect
    }

    fn clear_filter(&mut self) {
        if self.filtering() {
            self.filter.clear();
            self.requery();
        }
    }

    /// Esc in a list: the filter first, then the unread/starred view.
    fn clear_listing(&mut self) {
        if self.filtering() {
            self.clear_filter();
        } else if self.view != View::All {
            let shown = self.shown();
            self.view = View::All;
            self.rebuild_results(shown);
        }
    }

    fn leave_filter_bar(&mut self) {
        self.focus = if self.return_focus == Focus::Filter {
            Focus::Issues
        } else {
            self.return_focus
        };
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
    }

    fn side_pane(&mut self, right: bool) {
        self.focus = match (self.focus, right) {
            (Focus::Issues, true) => Focus::Sections,
            (Focus::Sections | Focus::Filter | Focus::Story, true) => Focus::Story,
            (Focus::Story, false) => Focus::Sections,
            (Focus::Sections | Focus::Filter | Focus::Issues, false) => Focus::Issues,
        };
    }

    fn resize(&mut self, width: u16, height: u16) {
        // The reading place is held across resizes for as long as the same
        // story is shown and nothing scrolls it: a size too small for the
        // story (no lines), one where it fits (scroll clamped to 0), or one
        // where the place falls inside a line would otherwise lose it or
        // drift it back a line per resize.
        let held = self
            .held_anchor
            .take()
            .filter(|&(shown, scroll, _)| Some(shown) == self.shown() && scroll == self.scroll);
        let anchor = match held {
            Some((_, _, a)) => Some(a),
            None => self.story_lines().get(self.scroll).map(|l| l.anchor),
        };
        self.width = width;
        self.height = height;
        let lines = self.story_lines();
        let line = anchor.map_or(0, |a| story::line_of(&lines, a));
        self.scroll_to(line);
        self.held_anchor = self.shown().zip(anchor).map(|(s, a)| (s, self.scroll, a));
    }

    /// Scrolls the story so link `k`'s number in the text is in view, so
    /// the highlight of a link picked by number can be seen.
    fn reveal_link(&mut self, k: usize) {
        let (_, rows) = self.story_size();
        let found = self.story_lines().iter().position(|line| {
            line.segments
                .iter()
                .any(|(segment, _)| *segment == story::Segment::LinkMark(k))
        });
        if let Some(line) = found {
            self.scroll_to(in_view(line, self.scroll, rows));
        }
    }

    /// Scrolls each list so its selection is in view.
    fn keep_lists_in_view(&mut self) {
        let (w, h) = (self.width, self.height);
        let rows = panes::list_rows(w, h, Focus::Issues);
        self.issue_offset = in_view(self.issue, self.issue_offset, rows);
        let rows = panes::list_rows(w, h, Focus::Sections);
        self.section_offset = in_view(self.section, self.section_offset, rows);
        self.result_offset = in_view(self.result, self.result_offset, rows);
    }
}

/// Counts stop growing here: no story has ten thousand links.
const MAX_COUNT: usize = 9999;

/// The smallest change to `offset` that shows row `selected` in `rows` rows.
pub fn in_view(selected: usize, offset: usize, rows: usize) -> usize {
    if rows == 0 || selected < offset {
        selected.min(offset)
    } else if selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    }
}

/// Applies one action to the app and says what the caller must do.
pub fn update(app: &mut App, action: Action) -> Effect {
    let shown = app.shown();
    let effect = match action {
        // Background answers arrive whatever the keys are doing.
        Action::SearchResults { generation, hits } => {
            app.search_results(generation, hits);
            Effect::None
        }
        Action::Loaded(loaded) => app.load(*loaded),
        Action::Status(message) => {
            app.status = Some(message);
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
        action if app.help => {
            match action {
                Action::Quit => return Effect::Quit,
                Action::Resize { width, height } => app.resize(width, height),
                _ => app.help = false,
            }
            return Effect::None;
        }
        action => {
            if !matches!(action, Action::Resize { .. }) {
                app.status = None;
                if !matches!(
                    action,
                    Action::Count(_) | Action::OpenLink | Action::CopyLink | Action::Escape
                ) {
                    app.count = None;
                }
                app.reading.touched = true;
            }
            key(app, action)
        }
    };
    app.note_reading();
    // A link chosen in one story means nothing in the next.
    if app.shown() != shown {
        app.link = None;
    }
    app.keep_lists_in_view();
    effect
}

/// `o` (`copy` false) or `y` on the shown story: link N after a count, else
/// the selected link, else the first.
fn link_effect(app: &mut App, copy: bool) -> Effect {
    let count = app.count.take();
    let Some(links) = app.shown_section().map(|s| &s.links) else {
        app.status = Some(messages::NO_LINKS.to_string());
        return Effect::None;
    };
    if links.is_empty() {
        app.status = Some(messages::NO_LINKS.to_string());
        return Effect::None;
    }
    let index = match count {
        Some(n) => n.saturating_sub(1),
        None => app.link.unwrap_or(0),
    };
    let Some(link) = links.get(index).filter(|_| count != Some(0)) else {
        let n = count.unwrap_or(index + 1);
        app.status = Some(messages::no_such_link(n, links.len()));
        return Effect::None;
    };
    let url = link.url.clone();
    app.link = Some(index);
    app.reveal_link(index);
    if copy {
        app.status = Some(messages::copied(index + 1));
        return Effect::CopyLink(url);
    }
    if !links::is_openable(&url) {
        app.status = Some(messages::NOT_OPENED.to_string());
        return Effect::None;
    }
    app.status = Some(messages::opened(index + 1, links::place(&url)));
    Effect::OpenLink(url)
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

/// The actions a user asks for.
fn key(app: &mut App, action: Action) -> Effect {
    match action {
        Action::Quit => return Effect::Quit,
        Action::Up => app.move_focused(|i, _| i.saturating_sub(1)),
        Action::Down => app.move_focused(|i, _| i + 1),
        Action::Top => app.move_focused(|_, _| 0),
        Action::Bottom => app.move_focused(|_, len| len.saturating_sub(1)),
        Action::PageDown => app.scroll_by(app.page() as isize),
        Action::PageUp => app.scroll_by(-(app.page() as isize)),
        Action::NextPane => app.cycle_pane(true),
        Action::PrevPane => app.cycle_pane(false),
        Action::Left => app.side_pane(false),
        Action::Right => app.side_pane(true),
        Action::Open => match app.focus {
            Focus::Issues => {
                if app.selected_issue().is_some() {
                    app.clear_filter();
                    app.focus = Focus::Sections;
                }
            }
            Focus::Sections => {
                if app.shown().is_some() {
                    app.focus = Focus::Story;
                }
            }
            Focus::Filter => return key(app, Action::FilterSubmit),
            Focus::Story => {}
        },
        Action::NextSection => app.step_section(true),
        Action::PrevSection => app.step_section(false),
        Action::FocusFilter => {
            if app.focus != Focus::Filter {
                app.return_focus = app.focus;
                app.focus = Focus::Filter;
            }
        }
        Action::FilterInput(c) => {
            if !c.is_control() {
                app.filter.push(c);
                return app.requery();
            }
        }
        Action::FilterBackspace => {
            if app.filter.pop().is_some() {
                return app.requery();
            } else if app.focus == Focus::Filter {
                app.leave_filter_bar();
            }
        }
        Action::FilterSubmit => {
            if app.filtering() {
                app.focus = Focus::Sections;
                app.select_result(0);
            } else {
                app.leave_filter_bar();
            }
        }
        Action::Escape if app.count.is_some() => app.count = None,
        Action::Escape => match app.focus {
            Focus::Filter => {
                app.clear_filter();
                app.leave_filter_bar();
            }
            Focus::Sections | Focus::Issues => app.clear_listing(),
            Focus::Story => app.focus = Focus::Sections,
        },
        Action::ToggleHelp => app.help = true,
        Action::Count(digit) => {
            // Not in the filter bar, where digits are text; a leading 0 is no count.
            if app.focus != Focus::Filter && (app.count.is_some() || digit > 0) {
                let n = app.count.unwrap_or(0);
                app.count = Some((n * 10 + usize::from(digit.min(9))).min(MAX_COUNT));
            }
        }
        Action::OpenLink => return link_effect(app, false),
        Action::CopyLink => return link_effect(app, true),
        Action::Resize { width, height } => app.resize(width, height),
        Action::NextUnread => app.step_unread(true),
        Action::PrevUnread => app.step_unread(false),
        Action::MarkIssueRead => app.mark_issue_read(),
        Action::ToggleRead => app.toggle_read(),
        Action::ToggleStar => app.toggle_star(),
        Action::StarredOnly => app.toggle_view(View::Starred),
        Action::UnreadOnly => app.toggle_view(View::Unread),
        Action::SearchResults { .. }
        | Action::Loaded(_)
        | Action::Status(_)
        | Action::StateLoaded(_)
        | Action::MarksMerged(_) => {}
    }
    Effect::None
}
