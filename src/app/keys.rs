//! Keys as the config file names them (`"j"`, `"ctrl-d"`, `"pagedown"`) and
//! which action each is bound to. Terminal-free: `tui::keymap` turns a
//! terminal key event into a [`Key`] and looks it up here.

use super::action::Action;

/// A key without its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// A printable character, case kept (`J` is not `j`); `' '` is Space.
    Char(char),
    Enter,
    Esc,
    Tab,
    /// Shift-Tab.
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    /// F1 to F24.
    F(u8),
}

/// A key with Ctrl and Alt (Shift is part of the character: `G`, BackTab).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: Code,
    pub ctrl: bool,
    pub alt: bool,
}

/// Names of the keys that are not characters, as the config writes them,
/// with their label in the help; the first name of a code is the canonical one.
const NAMED: &[(&str, Code, &str)] = &[
    ("space", Code::Char(' '), "Space"),
    ("enter", Code::Enter, "Enter"),
    ("return", Code::Enter, "Enter"),
    ("esc", Code::Esc, "Esc"),
    ("escape", Code::Esc, "Esc"),
    ("tab", Code::Tab, "Tab"),
    ("backtab", Code::BackTab, "Shift-Tab"),
    ("shift-tab", Code::BackTab, "Shift-Tab"),
    ("backspace", Code::Backspace, "Backspace"),
    ("delete", Code::Delete, "Del"),
    ("del", Code::Delete, "Del"),
    ("insert", Code::Insert, "Ins"),
    ("up", Code::Up, "Up"),
    ("down", Code::Down, "Down"),
    ("left", Code::Left, "Left"),
    ("right", Code::Right, "Right"),
    ("home", Code::Home, "Home"),
    ("end", Code::End, "End"),
    ("pageup", Code::PageUp, "PgUp"),
    ("pgup", Code::PageUp, "PgUp"),
    ("pagedown", Code::PageDown, "PgDn"),
    ("pgdn", Code::PageDown, "PgDn"),
];

impl Key {
    pub const fn new(code: Code) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn ctrl(code: Code) -> Key {
        Key {
            code,
            ctrl: true,
            alt: false,
        }
    }

    /// Reads a key name: a character (`"j"`, `"J"`, `"?"`), a named key
    /// (`"down"`, `"pagedown"`, `"space"`, `"f1"`), either after any of
    /// `ctrl-` and `alt-` (`"ctrl-d"`). Names are case-insensitive, single
    /// characters are not.
    pub fn parse(name: &str) -> Option<Key> {
        let mut key = Key::new(Code::Esc);
        let mut rest = name;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                key.ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                key.alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        key.code = code(rest)?;
        if key.ctrl
            && let Code::Char(c) = key.code
        {
            // Terminals send Ctrl-D and Ctrl-d alike.
            key.code = Code::Char(c.to_ascii_lowercase());
        }
        Some(key)
    }

    /// The name the config file uses for this key (`"ctrl-d"`, `"pagedown"`).
    pub fn name(&self) -> String {
        let base = match self.code {
            Code::Char(c) => NAMED
                .iter()
                .find(|(_, code, _)| *code == self.code)
                .map_or_else(|| c.to_string(), |(name, ..)| name.to_string()),
            Code::F(n) => format!("f{n}"),
            code => NAMED
                .iter()
                .find(|(_, c, _)| *c == code)
                .map_or_else(String::new, |(name, ..)| name.to_string()),
        };
        self.with_modifiers(base, "ctrl-", "alt-")
    }

    /// How the help shows this key (`"Ctrl-D"`, `"PgDn"`, `"j"`).
    pub fn label(&self) -> String {
        let base = match self.code {
            Code::Char(' ') => "Space".to_string(),
            Code::Char(c) if self.ctrl => c.to_uppercase().to_string(),
            Code::Char(c) => c.to_string(),
            Code::F(n) => format!("F{n}"),
            code => NAMED
                .iter()
                .find(|(_, c, _)| *c == code)
                .map_or_else(String::new, |(_, _, label)| label.to_string()),
        };
        self.with_modifiers(base, "Ctrl-", "Alt-")
    }

    fn with_modifiers(&self, base: String, ctrl: &str, alt: &str) -> String {
        let mut out = String::new();
        if self.ctrl {
            out.push_str(ctrl);
        }
        if self.alt {
            out.push_str(alt);
        }
        out + &base
    }
}

fn code(name: &str) -> Option<Code> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        return (!c.is_control()).then_some(Code::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, code, _)) = NAMED.iter().find(|(n, ..)| *n == lower) {
        return Some(*code);
    }
    let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
    (1..=24).contains(&n).then_some(Code::F(n))
}

/// Where a key's hint shows: bits of [`Entry::hint`]'s places.
pub mod place {
    /// The issue list has the keys.
    pub const ISSUES: u8 = 1;
    /// The story list of an issue.
    pub const STORIES: u8 = 2;
    /// The filter's results (or the unread / starred list).
    pub const RESULTS: u8 = 4;
    /// The story pane.
    pub const STORY: u8 = 8;
    /// The story pane while a filter is set: its matches.
    pub const MATCHES: u8 = 16;
    /// The filter bar.
    pub const BAR: u8 = 32;
    /// The link list over the story.
    pub const LINKS: u8 = 64;
    /// The messages view.
    pub const MESSAGES: u8 = 128;
    pub const LISTS: u8 = ISSUES | STORIES | RESULTS;
    pub const PANES: u8 = LISTS | STORY;
}

/// One row of the key vocabulary: an action with its config name, default
/// keys and what it does; or a fixed key (the filter bar's editing keys,
/// counts) that is shown the same way but cannot be bound. The help (`?`),
/// the status line's hints, `nlread --help`, the config defaults and the
/// README's keys table are all made from [`TABLE`].
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The action; `None` for a fixed key.
    pub action: Option<Action>,
    /// The config file's name for the action; "" for a fixed key.
    pub name: &'static str,
    /// The default keys as the config writes them; for a fixed key, the
    /// keys as the help shows them.
    pub keys: &'static [&'static str],
    /// Shown after the keys in the help: "3o" after `o`.
    pub also: &'static str,
    /// What the row does; "" when this entry shares the row above it.
    pub help: &'static str,
    /// The status line's word for it, per place (bits of [`place`]).
    pub hint: &'static [(u8, &'static str)],
}

const fn bound(
    action: Action,
    name: &'static str,
    keys: &'static [&'static str],
    help: &'static str,
    hint: &'static [(u8, &'static str)],
) -> Entry {
    Entry {
        action: Some(action),
        name,
        keys,
        also: "",
        help,
        hint,
    }
}

const fn fixed(
    keys: &'static [&'static str],
    help: &'static str,
    hint: &'static [(u8, &'static str)],
) -> Entry {
    Entry {
        action: None,
        name: "",
        keys,
        also: "",
        help,
        hint,
    }
}

const fn also(mut entry: Entry, also: &'static str) -> Entry {
    entry.also = also;
    entry
}

use place::{BAR, ISSUES, LINKS, LISTS, MATCHES, MESSAGES, PANES, RESULTS, STORIES, STORY};

/// The key vocabulary, in the order the help, the config and the README
/// list it.
pub const TABLE: &[Entry] = &[
    also(
        bound(
            Action::Down,
            "down",
            &["j", "down"],
            "move down / up a list; scroll the story a line (3j: three)",
            &[(LINKS | MESSAGES, "move")],
        ),
        "3j",
    ),
    bound(Action::Up, "up", &["k", "up"], "", &[]),
    also(
        bound(
            Action::Top,
            "top",
            &["g", "home"],
            "first / last of the list or the story (3g: the third)",
            &[],
        ),
        "3g",
    ),
    bound(Action::Bottom, "bottom", &["G", "end"], "", &[]),
    bound(
        Action::PageDown,
        "page_down",
        &["space", "pagedown"],
        "page the story down / up (from any pane); at its end, on to the next story",
        &[(STORY, "page")],
    ),
    bound(Action::PageUp, "page_up", &["pageup"], "", &[]),
    bound(
        Action::HalfPageDown,
        "half_page_down",
        &["ctrl-d"],
        "half a page down / up",
        &[],
    ),
    bound(Action::HalfPageUp, "half_page_up", &["ctrl-u"], "", &[]),
    bound(
        Action::Left,
        "left",
        &["h", "left"],
        "the pane to the left / right",
        &[],
    ),
    bound(Action::Right, "right", &["l", "right"], "", &[]),
    bound(
        Action::NextPane,
        "next_pane",
        &["tab"],
        "next / previous pane (wraps)",
        &[],
    ),
    bound(Action::PrevPane, "prev_pane", &["backtab"], "", &[]),
    bound(
        Action::Open,
        "open",
        &["enter"],
        "open: an issue shows its stories, a story its text",
        &[(ISSUES, "open"), (STORIES | RESULTS, "read")],
    ),
    bound(
        Action::NextSection,
        "next_section",
        &["]"],
        "next / previous story (on into the next issue)",
        &[(STORY, "next story")],
    ),
    bound(Action::PrevSection, "prev_section", &["["], "", &[]),
    bound(
        Action::NextMatch,
        "next_match",
        &[">"],
        "next / previous match of the filter in the story",
        &[(MATCHES, "next match")],
    ),
    bound(Action::PrevMatch, "prev_match", &["<"], "", &[]),
    bound(
        Action::FocusFilter,
        "focus_filter",
        &["/"],
        "filter the stories of every issue: a new query (Up brings older ones back)",
        &[(LISTS, "filter")],
    ),
    also(
        bound(
            Action::OpenLink,
            "open_link",
            &["o"],
            "open the selected link, link [3], or else the issue's web page",
            &[(STORY, "open link")],
        ),
        "3o",
    ),
    also(
        bound(
            Action::CopyLink,
            "copy_link",
            &["y"],
            "copy the selected link's (link [3]'s) address",
            &[],
        ),
        "3y",
    ),
    bound(
        Action::ShowLinks,
        "show_links",
        &["L"],
        "the story's links, to pick one to open or copy",
        &[(STORY, "links")],
    ),
    bound(
        Action::NextUnread,
        "next_unread",
        &["n"],
        "next / previous unread story (whole library)",
        &[(ISSUES | STORIES, "unread")],
    ),
    bound(Action::PrevUnread, "prev_unread", &["N"], "", &[]),
    bound(
        Action::ToggleRead,
        "toggle_read",
        &["m"],
        "mark the story read / unread",
        &[(STORIES | RESULTS | STORY, "read")],
    ),
    bound(
        Action::MarkIssueRead,
        "mark_issue_read",
        &["A"],
        "mark every story of the issue read",
        &[],
    ),
    bound(
        Action::ToggleStar,
        "toggle_star",
        &["s"],
        "star / unstar the story",
        &[(STORY, "star")],
    ),
    bound(
        Action::UnreadOnly,
        "unread_only",
        &["u"],
        "only unread / starred stories (again: all)",
        &[],
    ),
    bound(Action::StarredOnly, "starred_only", &["S"], "", &[]),
    bound(
        Action::Fetch,
        "fetch",
        &["r"],
        "fetch your feeds now (nlread feed add URL subscribes to one)",
        &[],
    ),
    bound(
        Action::ShowMessages,
        "show_messages",
        &["!"],
        "messages: files that could not be read, problems with the config or the state",
        &[],
    ),
    bound(
        Action::ToggleHelp,
        "toggle_help",
        &["?"],
        "this help (j k scroll it, any other key closes it)",
        &[(PANES, "help")],
    ),
    bound(
        Action::Suspend,
        "suspend",
        &["ctrl-z"],
        "suspend to the shell (fg comes back)",
        &[],
    ),
    bound(
        Action::Escape,
        "escape",
        &["esc"],
        "back: story to list, clear the filter or the view, cancel a count",
        &[
            (STORY, "back"),
            (RESULTS, "clear"),
            (LINKS | MESSAGES, "close"),
        ],
    ),
    also(
        bound(
            Action::Quit,
            "quit",
            &["q"],
            "quit (Ctrl-C always quits)",
            &[(ISSUES | STORIES, "quit")],
        ),
        "Ctrl-C",
    ),
    fixed(
        &["Enter", "Esc"],
        "in the filter: go to the results / clear the filter",
        &[(BAR, "Enter results  Esc clear")],
    ),
    fixed(
        &["Up", "Down"],
        "in the filter: older / newer queries",
        &[(BAR, "Up older")],
    ),
    fixed(
        &["Left", "Right", "Home", "End"],
        "in the filter: move the caret (Ctrl-A, Ctrl-E: to either end)",
        &[],
    ),
    fixed(
        &["Backspace", "Del", "Ctrl-W", "Ctrl-U"],
        "in the filter: delete a character, a word, all before the caret",
        &[(BAR, "Ctrl-U erase")],
    ),
    fixed(
        &["Enter", "y", "3"],
        "in the link list: open, copy; a number picks that link",
        &[(LINKS, "Enter open  y copy  3 picks [3]")],
    ),
];

/// The entries the config can bind, with their names.
pub fn bindable() -> impl Iterator<Item = (&'static str, &'static Action)> {
    TABLE
        .iter()
        .filter_map(|e| e.action.as_ref().map(|a| (e.name, a)))
}

/// Every config name of an action, in the table's order.
pub fn names() -> Vec<&'static str> {
    bindable().map(|(name, _)| name).collect()
}

/// The action a config name stands for.
pub fn action_named(name: &str) -> Option<Action> {
    bindable().find(|(n, _)| *n == name).map(|(_, a)| a.clone())
}

/// The config name of a bindable action.
pub fn action_name(action: &Action) -> Option<&'static str> {
    bindable().find(|(_, a)| *a == action).map(|(n, _)| n)
}

/// The default keys of an action by its config name.
fn default_keys(name: &str) -> Vec<Key> {
    TABLE
        .iter()
        .find(|e| e.action.is_some() && e.name == name)
        .map(|e| e.keys.iter().filter_map(|k| Key::parse(k)).collect())
        .unwrap_or_default()
}

/// Which keys each action has: every bindable action of [`TABLE`], in that
/// order, with no key bound to two actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Bindings {
    actions: Vec<(Action, Vec<Key>)>,
}

// Only the key actions (plain unit variants) are ever held, for which
// equality is total.
impl Eq for Bindings {}

impl Default for Bindings {
    fn default() -> Bindings {
        Bindings {
            actions: bindable()
                .map(|(name, action)| (action.clone(), default_keys(name)))
                .collect(),
        }
    }
}

impl Bindings {
    /// The keys bound to `action` (none for an action that is no key).
    pub fn keys(&self, action: &Action) -> &[Key] {
        self.actions
            .iter()
            .find(|(a, _)| a == action)
            .map_or(&[], |(_, keys)| keys.as_slice())
    }

    /// Gives `action` exactly `keys` (none: the action has no key).
    pub fn set(&mut self, action: &Action, keys: Vec<Key>) {
        if let Some((_, slot)) = self.actions.iter_mut().find(|(a, _)| a == action) {
            *slot = keys;
        }
    }

    /// The action bound to `key`, if any.
    pub fn action(&self, key: Key) -> Option<&Action> {
        self.actions
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(a, _)| a)
    }

    /// Every action with its keys, in [`TABLE`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&Action, &[Key])> {
        self.actions.iter().map(|(a, k)| (a, k.as_slice()))
    }

    /// How an entry's keys read: the bound ones for an action, the fixed
    /// ones as written.
    fn labels(&self, entry: &Entry) -> Vec<String> {
        match &entry.action {
            Some(action) => self.keys(action).iter().map(Key::label).collect(),
            None => entry.keys.iter().map(|k| k.to_string()).collect(),
        }
    }
}

/// Shown for an action the config left without a key.
pub const NO_KEY: &str = "(no key)";

/// A row of the help: the keys of its entries and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub help: &'static str,
}

/// The help's rows with the keys actually bound: an entry with a help text
/// starts a row, the entries after it with none join it ("j k  Down Up").
pub fn help_rows(bindings: &Bindings) -> Vec<HelpRow> {
    let mut rows: Vec<(Vec<&Entry>, &'static str)> = Vec::new();
    for entry in TABLE {
        match rows.last_mut() {
            Some((entries, _)) if entry.help.is_empty() => entries.push(entry),
            _ => rows.push((vec![entry], entry.help)),
        }
    }
    rows.into_iter()
        .map(|(entries, help)| {
            let groups: Vec<Vec<String>> = entries.iter().map(|e| bindings.labels(e)).collect();
            let fixed = entries.iter().all(|e| e.action.is_none());
            let mut keys = if fixed {
                groups.concat().join(" ")
            } else {
                keys_label(&groups)
            };
            if keys.is_empty() {
                keys = NO_KEY.to_string();
            } else if let Some(first) = entries.first().filter(|e| !e.also.is_empty()) {
                // "o  3o", "q  Ctrl-C": a count before the first key.
                let more = if first.also.starts_with(|c: char| c.is_ascii_digit()) {
                    groups[0].first().map(|k| {
                        let digits: String = first
                            .also
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        format!("{digits}{k}")
                    })
                } else {
                    Some(first.also.to_string())
                };
                if let Some(more) = more {
                    keys = format!("{keys}  {more}");
                }
            }
            HelpRow { keys, help }
        })
        .collect()
}

/// The keys of a row's actions: "j k  Down Up" when each action has as many
/// keys, "] [" for single characters, else action by action ("Space PgDn  PgUp").
fn keys_label(groups: &[Vec<String>]) -> String {
    let n = groups.first().map_or(0, Vec::len);
    if n >= 2 && groups.iter().all(|g| g.len() == n) {
        return (0..n)
            .map(|i| {
                groups
                    .iter()
                    .map(|g| g[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("  ");
    }
    if groups
        .iter()
        .all(|g| g.len() == 1 && g[0].chars().count() == 1)
    {
        return groups
            .iter()
            .map(|g| g[0].as_str())
            .collect::<Vec<_>>()
            .join(" ");
    }
    groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| g.join(" "))
        .collect::<Vec<_>>()
        .join("  ")
}

/// The status line's hints for `at` (a bit of [`place`]): "key word" for
/// each action with a word there, with the first key actually bound (an
/// action without a key is left out); a fixed key's hint as written.
pub fn hints(bindings: &Bindings, at: u8) -> Vec<String> {
    TABLE
        .iter()
        .filter_map(|entry| {
            let (_, word) = entry.hint.iter().find(|(places, _)| places & at != 0)?;
            match &entry.action {
                Some(action) => {
                    let key = bindings.keys(action).first()?.label();
                    Some(format!("{key} {word}"))
                }
                None => Some(word.to_string()),
            }
        })
        .collect()
}

/// The `[keys]` table of the default config: every action and its keys.
pub fn config_defaults() -> String {
    let mut out = String::new();
    for entry in TABLE.iter().filter(|e| e.action.is_some()) {
        let keys: Vec<String> = entry.keys.iter().map(|k| format!("{k:?}")).collect();
        out.push_str(&format!("{} = [{}]\n", entry.name, keys.join(", ")));
    }
    out
}

/// The keys as `nlread --help` lists them (the default bindings).
pub fn cli_help() -> String {
    let rows = help_rows(&Bindings::default());
    let width = rows
        .iter()
        .map(|r| r.keys.chars().count())
        .max()
        .unwrap_or(0);
    let mut out =
        String::from("Keys in the reader (the defaults; the config file can change them):\n");
    for row in rows {
        out.push_str(&format!("  {:<width$}  {}\n", row.keys, row.help));
    }
    out
}

/// The README's keys table (Markdown), between its markers.
pub fn readme_table() -> String {
    let mut out = String::from("| Keys | What they do |\n|---|---|\n");
    for row in help_rows(&Bindings::default()) {
        let help = row.help.replace('|', "\\|");
        out.push_str(&format!("| `{}` | {help} |\n", row.keys));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_parse_and_print_back() {
        let cases = [
            ("j", Key::new(Code::Char('j'))),
            ("J", Key::new(Code::Char('J'))),
            ("down", Key::new(Code::Down)),
            ("Down", Key::new(Code::Down)),
            ("pagedown", Key::new(Code::PageDown)),
            ("enter", Key::new(Code::Enter)),
            ("esc", Key::new(Code::Esc)),
            ("tab", Key::new(Code::Tab)),
            ("backtab", Key::new(Code::BackTab)),
            ("space", Key::new(Code::Char(' '))),
            ("ctrl-d", Key::ctrl(Code::Char('d'))),
            ("CTRL-D", Key::ctrl(Code::Char('d'))),
            ("f1", Key::new(Code::F(1))),
            ("-", Key::new(Code::Char('-'))),
            ("ctrl--", Key::ctrl(Code::Char('-'))),
        ];
        for (name, key) in cases {
            assert_eq!(Key::parse(name), Some(key), "{name}");
            assert_eq!(Key::parse(&key.name()), Some(key), "{name}");
        }
        let alt_x = Key::parse("alt-x").expect("alt-x");
        assert!(alt_x.alt && !alt_x.ctrl);
        assert_eq!(alt_x.name(), "alt-x");
    }

    #[test]
    fn bad_key_names_are_refused() {
        for name in ["", "ctrl-", "pagedwn", "f0", "f25", "jk", "\u{7}", "ctlr-q"] {
            assert_eq!(Key::parse(name), None, "{name:?}");
        }
    }

    #[test]
    fn labels_for_the_help() {
        let label = |n: &str| Key::parse(n).expect(n).label();
        assert_eq!(label("space"), "Space");
        assert_eq!(label("backtab"), "Shift-Tab");
        assert_eq!(label("pagedown"), "PgDn");
        assert_eq!(label("ctrl-d"), "Ctrl-D");
        assert_eq!(label("G"), "G");
        assert_eq!(label("f5"), "F5");
    }

    #[test]
    fn defaults_bind_every_action_and_no_key_twice() {
        let b = Bindings::default();
        let mut seen = Vec::new();
        for (action, keys) in b.iter() {
            assert!(!keys.is_empty(), "{action:?} has no default key");
            for key in keys {
                assert!(!seen.contains(key), "{key:?} bound twice");
                seen.push(*key);
            }
        }
        let written: usize = TABLE
            .iter()
            .filter(|e| e.action.is_some())
            .map(|e| e.keys.len())
            .sum();
        assert_eq!(seen.len(), written, "every default key parses");
        assert_eq!(b.action(Key::new(Code::Char('q'))), Some(&Action::Quit));
    }

    #[test]
    fn action_names_round_trip() {
        for (name, action) in bindable() {
            assert_eq!(action_named(name).as_ref(), Some(action));
            assert_eq!(action_name(action), Some(name));
        }
        assert_eq!(action_named("Quit"), None);
        assert_eq!(action_name(&Action::Count(3)), None);
        let names = names();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "no name twice");
    }

    #[test]
    fn the_help_rows_join_pairs_and_show_the_keys_bound() {
        let rows = help_rows(&Bindings::default());
        let keys_of = |what: &str| {
            rows.iter()
                .find(|r| r.help.contains(what))
                .map(|r| r.keys.clone())
                .unwrap_or_default()
        };
        assert_eq!(keys_of("move down / up"), "j k  Down Up  3j");
        assert_eq!(keys_of("wraps"), "Tab  Shift-Tab");
        assert_eq!(keys_of("page the story"), "Space PgDn  PgUp");
        assert_eq!(keys_of("half a page"), "Ctrl-D  Ctrl-U");
        assert_eq!(keys_of("next / previous story"), "] [");
        assert_eq!(keys_of("issue's web page"), "o  3o");
        assert_eq!(keys_of("quit"), "q  Ctrl-C");
        assert_eq!(keys_of("in the filter: older"), "Up Down");

        let mut bindings = Bindings::default();
        bindings.set(&Action::Quit, vec![Key::parse("x").expect("x")]);
        bindings.set(&Action::OpenLink, vec![]);
        bindings.set(&Action::Down, vec![Key::parse("ctrl-n").expect("ctrl-n")]);
        let rows = help_rows(&bindings);
        let keys_of = |what: &str| {
            rows.iter()
                .find(|r| r.help.contains(what))
                .map(|r| r.keys.clone())
                .unwrap_or_default()
        };
        assert_eq!(keys_of("quit"), "x  Ctrl-C");
        assert_eq!(keys_of("issue's web page"), NO_KEY);
        assert_eq!(keys_of("move down / up"), "Ctrl-N  k Up  3Ctrl-N");
    }

    #[test]
    fn every_place_has_hints_of_its_own() {
        let b = Bindings::default();
        let all = [
            place::ISSUES,
            place::STORIES,
            place::RESULTS,
            place::STORY,
            place::BAR,
            place::LINKS,
            place::MESSAGES,
        ];
        let said: Vec<Vec<String>> = all.iter().map(|&p| hints(&b, p)).collect();
        for (i, h) in said.iter().enumerate() {
            assert!(!h.is_empty(), "place {} has no hints", all[i]);
            for (j, other) in said.iter().enumerate().skip(i + 1) {
                assert_ne!(h, other, "places {} and {} say the same", all[i], all[j]);
            }
        }
        let story = hints(&b, place::STORY | place::MATCHES);
        assert!(story.contains(&"> next match".to_string()), "{story:?}");
    }

    #[test]
    fn the_config_defaults_name_every_action() {
        let text = config_defaults();
        for name in names() {
            assert!(text.contains(&format!("\n{name} = [")) || text.starts_with(name));
        }
        assert!(text.contains("down = [\"j\", \"down\"]\n"), "{text}");
    }
}
