//! Keys as the config file names them (`"j"`, `"ctrl-d"`, `"pagedown"`) and
//! which action each is bound to. Terminal-free: `tui::keymap` turns a
//! terminal key event into a [`Key`] and looks it up here.

use super::Action;

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

/// Every action a key can be bound to, by its config name, in the order the
/// config file and the help list them.
pub const ACTIONS: &[(&str, Action)] = &[
    ("up", Action::Up),
    ("down", Action::Down),
    ("top", Action::Top),
    ("bottom", Action::Bottom),
    ("page_up", Action::PageUp),
    ("page_down", Action::PageDown),
    ("next_pane", Action::NextPane),
    ("prev_pane", Action::PrevPane),
    ("left", Action::Left),
    ("right", Action::Right),
    ("open", Action::Open),
    ("next_section", Action::NextSection),
    ("prev_section", Action::PrevSection),
    ("focus_filter", Action::FocusFilter),
    ("toggle_help", Action::ToggleHelp),
    ("open_link", Action::OpenLink),
    ("copy_link", Action::CopyLink),
    ("next_unread", Action::NextUnread),
    ("prev_unread", Action::PrevUnread),
    ("mark_issue_read", Action::MarkIssueRead),
    ("toggle_read", Action::ToggleRead),
    ("toggle_star", Action::ToggleStar),
    ("starred_only", Action::StarredOnly),
    ("unread_only", Action::UnreadOnly),
    ("quit", Action::Quit),
    ("escape", Action::Escape),
];

/// The action a config name stands for.
pub fn action_named(name: &str) -> Option<Action> {
    ACTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, a)| a.clone())
}

/// The config name of a bindable action.
pub fn action_name(action: &Action) -> Option<&'static str> {
    ACTIONS.iter().find(|(_, a)| a == action).map(|(n, _)| *n)
}

/// The default keys of an action by its config name.
fn default_keys(name: &str) -> Vec<Key> {
    let c = |c: char| Key::new(Code::Char(c));
    let k = Key::new;
    match name {
        "up" => vec![c('k'), k(Code::Up)],
        "down" => vec![c('j'), k(Code::Down)],
        "top" => vec![c('g'), k(Code::Home)],
        "bottom" => vec![c('G'), k(Code::End)],
        "page_up" => vec![k(Code::PageUp)],
        "page_down" => vec![c(' '), k(Code::PageDown)],
        "next_pane" => vec![k(Code::Tab)],
        "prev_pane" => vec![k(Code::BackTab)],
        "left" => vec![c('h'), k(Code::Left)],
        "right" => vec![c('l'), k(Code::Right)],
        "open" => vec![k(Code::Enter)],
        "next_section" => vec![c(']')],
        "prev_section" => vec![c('[')],
        "focus_filter" => vec![c('/')],
        "toggle_help" => vec![c('?')],
        "open_link" => vec![c('o')],
        "copy_link" => vec![c('y')],
        "next_unread" => vec![c('n')],
        "prev_unread" => vec![c('N')],
        "mark_issue_read" => vec![c('A')],
        "toggle_read" => vec![c('m')],
        "toggle_star" => vec![c('s')],
        "starred_only" => vec![c('S')],
        "unread_only" => vec![c('u')],
        "quit" => vec![c('q')],
        "escape" => vec![k(Code::Esc)],
        _ => Vec::new(),
    }
}

/// Which keys each action has: every action of [`ACTIONS`], in that order,
/// with no key bound to two actions.
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
            actions: ACTIONS
                .iter()
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

    /// Every action with its keys, in [`ACTIONS`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&Action, &[Key])> {
        self.actions.iter().map(|(a, k)| (a, k.as_slice()))
    }
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
        assert_eq!(seen.len(), 33);
        assert_eq!(b.action(Key::new(Code::Char('q'))), Some(&Action::Quit));
    }

    #[test]
    fn action_names_round_trip() {
        for (name, action) in ACTIONS {
            assert_eq!(action_named(name).as_ref(), Some(action));
            assert_eq!(action_name(action), Some(*name));
        }
        assert_eq!(action_named("Quit"), None);
        assert_eq!(action_name(&Action::Count(3)), None);
    }
}
