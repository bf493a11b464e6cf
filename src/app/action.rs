//! The app's vocabulary: what can take the keys ([`Focus`]), what update is
//! asked to do ([`Action`]) and what its caller must do after ([`Effect`]).
//! A leaf: nothing here imports the rest of `app`, so every file of `app`
//! can use these without importing its parent.

use std::sync::Arc;

use crate::model::{Issue, Library, Mark, Millis, Resume, SourceError};
use crate::search::{Hit, Index};

/// Which part of the screen takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Issues,
    /// The section list, or the filter results while a filter is set.
    Sections,
    Story,
    Filter,
}

/// An edit of the filter bar's line, shell style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Backspace: the character before the caret.
    Backspace,
    /// Delete: the character under the caret.
    Delete,
    Left,
    Right,
    /// Home, Ctrl-A.
    Home,
    /// End, Ctrl-E.
    End,
    /// Ctrl-U: everything before the caret.
    KillLine,
    /// Ctrl-W: the word before the caret.
    KillWord,
    /// Up: the query before this one in the history.
    Older,
    /// Down: the next query of the history (at its end: what was typed).
    Newer,
}

/// Everything a key can ask for, and the answers of background work.
/// The key actions are named in [`crate::app::keys::TABLE`], which the
/// config file, the help and the hints all read.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    NextPane,
    PrevPane,
    Left,
    Right,
    Open,
    NextSection,
    PrevSection,
    /// The next / previous line of the shown story holding a filter match.
    NextMatch,
    PrevMatch,
    /// `/`: a new query in the filter bar.
    FocusFilter,
    FilterInput(char),
    FilterEdit(Edit),
    FilterSubmit,
    /// Esc: closes what is open (a count, the filter, the story).
    Escape,
    ToggleHelp,
    /// The list of problems: sources that could not be read and the like.
    ShowMessages,
    /// The list of the shown story's links, to pick one from.
    ShowLinks,
    /// A digit of a count typed before a motion or `OpenLink` ("3j", "3o").
    Count(u8),
    /// Open the selected link (link N after a count, else the issue's web
    /// address) with the system opener.
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
    /// Fetch every subscribed feed now (`r`).
    Fetch,
    /// Ctrl-Z: hand the terminal back to the shell until `fg`.
    Suspend,
    Quit,
    Resize {
        width: u16,
        height: u16,
    },
    /// The hits for the query of search `generation` (see `Effect::Search`).
    SearchResults {
        generation: u64,
        hits: Arc<Vec<Hit>>,
    },
    /// Issues read so far while the library loads, and how far it got.
    Progress(Progress),
    /// The library, loaded and indexed off the UI thread.
    Loaded(Box<Loaded>),
    /// The library changed (files came or went), as the change: the
    /// issues kept are moved into the new list, not read again.
    Updated(Box<Update>),
    /// What whoever performed an effect has to say (the opener failed,
    /// the clipboard could not be written, a save failed).
    Status(Status),
    /// Something went wrong outside any one key: kept in the messages.
    Problem(Problem),
    /// The reading state, read from disk off the UI thread.
    StateLoaded(Box<StateLoaded>),
    /// After a save: marks another reader saved meanwhile (newer than ours).
    MarksMerged(Vec<(String, Mark)>),
    /// `fetch.every` has passed since the last fetch: fetch, as `r` would.
    FetchDue,
    /// Feeds fetched so far, of all there are.
    FetchProgress {
        done: usize,
        total: usize,
    },
    /// What a fetch did.
    Fetched(Fetched),
}

/// What a fetch of the feeds did, as the reader tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetched {
    /// Feeds asked (0: there are no subscriptions).
    pub feeds: usize,
    pub new: usize,
    pub updated: usize,
    /// Each failed feed: "name (address): reason".
    pub failed: Vec<String>,
    /// Problems with the subscriptions file or nlread's own files.
    pub warnings: Vec<String>,
    /// Why nothing could be fetched at all (another fetch runs, ...).
    pub error: Option<String>,
    /// When it ended.
    pub at: Millis,
}

/// How far a load has got: files read of all there are, and the issues of
/// the files read since the last report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub issues: Vec<Issue>,
}

/// What the caller of `update` must do.
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
    /// Hand these changes of the reading state to whoever saves it.
    Save(Changes),
    /// Give the terminal back to the shell until the user resumes.
    Suspend,
    /// Fetch every subscribed feed (off the UI thread), answering with
    /// `Action::FetchProgress` and then `Action::Fetched`.
    Fetch,
}

/// What changed in the reading state since the last save: marks, the place
/// the reader is at, queries typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub marks: Vec<(String, Mark)>,
    pub resume: Option<Resume>,
    pub queries: Vec<crate::model::Query>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty() && self.resume.is_none() && self.queries.is_empty()
    }
}

/// A change to the library on screen (see `Action::Updated`).
#[derive(Debug, Clone)]
pub struct Update {
    /// Where each issue of the new list comes from: the library's issue
    /// `n`, or issue `k` of `added`.
    pub pieces: Vec<crate::search::Piece>,
    pub added: Vec<Issue>,
    /// The library's errors now.
    pub errors: Vec<SourceError>,
    /// Where it comes from, said again ("40,001 issues from ~/news").
    pub said: String,
    /// The filter's index of the new list.
    pub index: Arc<Index>,
}

/// A library ready for the reader: the issues, where they came from, and
/// their search index (built with the library, off the UI thread).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub library: Library,
    pub origin: Origin,
    pub index: Arc<Index>,
    /// Where the stories' text is when the library holds only their
    /// titles (a library read from the library index): the shown story's
    /// text is taken from here.
    pub texts: Option<TextSource>,
}

impl Loaded {
    /// Indexes `library` (the slow part: call it where waiting is fine).
    pub fn new(library: Library, origin: impl Into<Origin>) -> Loaded {
        let index = Arc::new(Index::new(&library));
        Loaded {
            library,
            origin: origin.into(),
            index,
            texts: None,
        }
    }
}

/// The text of stories a library holds only the titles of. A lookup is
/// one row of the library index (microseconds), so `update` may ask.
pub trait StoryTexts: Send {
    /// The story with its blocks and links, by section id.
    fn story(&mut self, section_id: &str) -> Option<crate::model::Section>;
}

/// A shared [`StoryTexts`].
#[derive(Clone)]
pub struct TextSource(pub Arc<std::sync::Mutex<dyn StoryTexts>>);

impl std::fmt::Debug for TextSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TextSource(..)")
    }
}

impl PartialEq for Update {
    /// The index is a function of the issues, so it is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.pieces == other.pieces
            && self.added == other.added
            && self.errors == other.errors
            && self.said == other.said
    }
}

impl PartialEq for Loaded {
    /// The index is a function of the library, so it is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.library == other.library && self.origin == other.origin
    }
}

/// Where the issues came from, as the library said it (for the status
/// line), and whether they are the bundled samples.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub said: String,
    pub samples: bool,
}

impl From<String> for Origin {
    fn from(said: String) -> Origin {
        Origin {
            said,
            samples: false,
        }
    }
}

impl From<&str> for Origin {
    fn from(said: &str) -> Origin {
        Origin::from(said.to_string())
    }
}

/// The reading state as it was read from disk, with what to tell the user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StateLoaded {
    pub state: crate::model::ReadingState,
    pub warnings: Vec<String>,
}

/// Which stories the story list shows when no filter is typed; with a
/// filter, which of its hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    All,
    Unread,
    Starred,
}

/// What the status line says until the next key: a typed event, put into
/// words by `messages::status` when it is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    NoLinks,
    /// The link is not a web or mail address.
    NotOpened,
    NoSuchLink {
        n: usize,
        count: usize,
    },
    /// Link `n` handed to the opener; `place` is its host or address.
    Opened {
        n: usize,
        place: String,
    },
    /// The issue's web address handed to the opener.
    OpenedIssue {
        place: String,
    },
    Copied {
        n: usize,
    },
    OpenFailed(String),
    CopyFailed(String),
    Marked {
        read: bool,
    },
    Starred(bool),
    IssueMarked(usize),
    NoUnread,
    /// `n` in a filtered list with no unread story in it.
    NoUnreadListed {
        elsewhere: usize,
    },
    ViewShown {
        view: View,
        count: usize,
    },
    /// The library was loaded again because its folders changed.
    LibraryChanged {
        came: usize,
        went: usize,
    },
    /// Enter on an issue while a filter was set: the filter is gone.
    FilterCleared,
    LastStory,
    FirstStory,
    /// Match `n` of `of` in the story.
    Match {
        n: usize,
        of: usize,
    },
    NoMatches,
    /// The reading state file's problems, from the saver.
    Said(String),
    SaverStopped,
    /// `r` while a fetch is running.
    AlreadyFetching,
    /// A fetch ended (see [`Fetched`]).
    Fetched {
        feeds: usize,
        new: usize,
        updated: usize,
        failed: usize,
    },
    /// There are no subscriptions to fetch.
    NoFeeds,
    /// A fetch could not run at all.
    FetchFailed(String),
}

/// A problem kept in the messages view (`!`) for the whole session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A source that could not be read.
    Source(SourceError),
    /// A line of `nlread config --check`.
    Config(String),
    /// The library folders cannot be watched.
    NotWatching(String),
    /// The reading state could not be read or written.
    State(String),
    /// A feed of the last fetch failed, or its files were in trouble.
    Feed(String),
}

/// A clock in milliseconds since the Unix epoch, passed in so that `app`
/// reads no system state.
pub type Clock = fn() -> Millis;
