//! The user's choices that change how the reader behaves (from the config
//! file; the defaults otherwise). Plain data, set once at start.

use super::keys::Bindings;
use super::panes::PaneWidths;

/// Reader behaviour the config file can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// A story is marked read once its end has been on screen in the story pane.
    pub mark_read_at_end: bool,
    /// The widths of the two lists on a wide screen.
    pub panes: PaneWidths,
    /// The keys bound to each action (the help lists these).
    pub keys: Bindings,
    /// Changes of the reading state are handed over to be saved
    /// (`Effect::Save`); off where nothing would save them (tests, tools).
    pub save_state: bool,
    /// Fetch the feeds this often (milliseconds) while the reader runs.
    pub fetch_every: Option<crate::model::Millis>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            mark_read_at_end: true,
            panes: PaneWidths::default(),
            keys: Bindings::default(),
            save_state: false,
            fetch_every: None,
        }
    }
}
