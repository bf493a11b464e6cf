//! Keys to actions: the only module that knows crossterm's key codes.
//! Conventions of newsboat and aerc (vi-style j/k/h/l, / to filter); the
//! config file's `[keys]` table changes them (see `app::keys::Bindings`).

use std::collections::HashMap;

use crate::app::keys::{Bindings, Code, Key};
use crate::app::{Action, App, Edit, Focus, Overlay};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The actions the filter bar takes from the bindings: paging the story,
/// leaving, suspending. Everything else typed there is text or editing.
const FILTER_BAR_ACTIONS: &[Action] = &[
    Action::PageUp,
    Action::PageDown,
    Action::HalfPageDown,
    Action::NextPane,
    Action::PrevPane,
    Action::Escape,
    Action::Suspend,
];

/// The filter bar's editing keys, shell style; they come before bindings.
fn edit_key(code: KeyCode, ctrl: bool) -> Option<Edit> {
    Some(match (code, ctrl) {
        (KeyCode::Backspace, _) => Edit::Backspace,
        (KeyCode::Delete, _) => Edit::Delete,
        (KeyCode::Left, false) => Edit::Left,
        (KeyCode::Right, false) => Edit::Right,
        (KeyCode::Home, _) | (KeyCode::Char('a'), true) => Edit::Home,
        (KeyCode::End, _) | (KeyCode::Char('e'), true) => Edit::End,
        (KeyCode::Char('u'), true) => Edit::KillLine,
        (KeyCode::Char('w'), true) => Edit::KillWord,
        (KeyCode::Up, false) => Edit::Older,
        (KeyCode::Down, false) => Edit::Newer,
        _ => return None,
    })
}

/// Key to action, built once from the bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    keys: HashMap<Key, Action>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::new(&Bindings::default())
    }
}

impl Keymap {
    pub fn new(bindings: &Bindings) -> Keymap {
        let mut keys = HashMap::new();
        for (action, bound) in bindings.iter() {
            for key in bound {
                // Bindings hold no key twice; should one slip through, the
                // first action (as the help lists them) keeps it.
                keys.entry(*key).or_insert_with(|| action.clone());
            }
        }
        Keymap { keys }
    }

    /// The action a key asks for in the app's current state, if any.
    pub fn action(&self, event: KeyEvent, app: &App) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(event.code, KeyCode::Char('c' | 'C')) {
            return Some(Action::Quit);
        }
        let key = key_of(event);
        if app.overlay() != Overlay::None {
            // Over the panes the moves move, digits pick a link; any other
            // key closes what is open.
            let bound = key.and_then(|k| self.keys.get(&k)).cloned();
            return Some(match (bound, event.code) {
                // q closes what is open, as in a pager; Ctrl-C still quits.
                (Some(Action::Quit), _) => Action::Escape,
                (Some(action), _) => action,
                (None, KeyCode::Enter) => Action::Open,
                (None, KeyCode::Char(c @ '0'..='9')) if !ctrl => Action::Count(c as u8 - b'0'),
                (None, _) => Action::Escape,
            });
        }
        if app.focus() == Focus::Filter {
            return self.filter_bar(event.code, ctrl, key);
        }
        if let Some(action) = key.and_then(|k| self.keys.get(&k)) {
            return Some(action.clone());
        }
        match event.code {
            // Digits are counts ("3j", "3o"; the config cannot bind them).
            KeyCode::Char(c @ '0'..='9') if !ctrl => Some(Action::Count(c as u8 - b'0')),
            _ => None,
        }
    }

    /// In the filter bar letters are letters: only editing and navigation
    /// keys mean something else.
    fn filter_bar(&self, code: KeyCode, ctrl: bool, key: Option<Key>) -> Option<Action> {
        if code == KeyCode::Enter {
            return Some(Action::FilterSubmit);
        }
        if let Some(edit) = edit_key(code, ctrl) {
            return Some(Action::FilterEdit(edit));
        }
        let bound = key
            .and_then(|k| self.keys.get(&k))
            .filter(|a| FILTER_BAR_ACTIONS.contains(a));
        match (bound, key) {
            (Some(action), Some(k)) if !is_text(k) => Some(action.clone()),
            (_, Some(k)) if is_text(k) => match k.code {
                Code::Char(c) => Some(Action::FilterInput(c)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A key that types a character.
fn is_text(key: Key) -> bool {
    matches!(key.code, Code::Char(_)) && !key.ctrl && !key.alt
}

/// The config's name for a terminal key (None for keys it has no name for).
pub fn key_of(event: KeyEvent) -> Option<Key> {
    let code = match event.code {
        KeyCode::Char(c) => Code::Char(c),
        KeyCode::Enter => Code::Enter,
        KeyCode::Esc => Code::Esc,
        KeyCode::Tab => Code::Tab,
        KeyCode::BackTab => Code::BackTab,
        KeyCode::Backspace => Code::Backspace,
        KeyCode::Delete => Code::Delete,
        KeyCode::Insert => Code::Insert,
        KeyCode::Up => Code::Up,
        KeyCode::Down => Code::Down,
        KeyCode::Left => Code::Left,
        KeyCode::Right => Code::Right,
        KeyCode::Home => Code::Home,
        KeyCode::End => Code::End,
        KeyCode::PageUp => Code::PageUp,
        KeyCode::PageDown => Code::PageDown,
        KeyCode::F(n) => Code::F(n),
        _ => return None,
    };
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let code = match code {
        Code::Char(c) if ctrl => Code::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key {
        code,
        ctrl,
        alt: event.modifiers.contains(KeyModifiers::ALT),
    })
}

/// The action a key asks for with the default bindings.
pub fn action(key: KeyEvent, app: &App) -> Option<Action> {
    Keymap::default().action(key, app)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::update;
    use crate::model::Library;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl_c() -> KeyEvent {
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
    }

    #[test]
    fn q_quits_except_in_the_filter_bar() {
        let mut app = App::new(Library::default(), String::new());
        assert_eq!(action(key(KeyCode::Char('q')), &app), Some(Action::Quit));
        update(&mut app, Action::FocusFilter);
        assert_eq!(
            action(key(KeyCode::Char('q')), &app),
            Some(Action::FilterInput('q'))
        );
        assert_eq!(action(ctrl_c(), &app), Some(Action::Quit));
    }

    #[test]
    fn over_the_help_moves_move_and_other_keys_close_it() {
        let mut app = App::new(Library::default(), String::new());
        update(&mut app, Action::ToggleHelp);
        assert_eq!(action(key(KeyCode::Char('j')), &app), Some(Action::Down));
        assert_eq!(action(key(KeyCode::Char('x')), &app), Some(Action::Escape));
        assert_eq!(
            action(key(KeyCode::Char('3')), &app),
            Some(Action::Count(3))
        );
        assert_eq!(action(ctrl_c(), &app), Some(Action::Quit));
        update(&mut app, Action::Escape);
        assert!(!app.help());
    }

    #[test]
    fn filter_bar_keys_edit_and_navigate() {
        let mut app = App::new(Library::default(), String::new());
        update(&mut app, Action::FocusFilter);
        let cases = [
            (KeyCode::Char('j'), Action::FilterInput('j')),
            (KeyCode::Char('/'), Action::FilterInput('/')),
            (KeyCode::Char('3'), Action::FilterInput('3')),
            (KeyCode::Char('o'), Action::FilterInput('o')),
            (KeyCode::Char(' '), Action::FilterInput(' ')),
            (KeyCode::Backspace, Action::FilterEdit(Edit::Backspace)),
            (KeyCode::Delete, Action::FilterEdit(Edit::Delete)),
            (KeyCode::Left, Action::FilterEdit(Edit::Left)),
            (KeyCode::Home, Action::FilterEdit(Edit::Home)),
            (KeyCode::Enter, Action::FilterSubmit),
            (KeyCode::Esc, Action::Escape),
            (KeyCode::Up, Action::FilterEdit(Edit::Older)),
            (KeyCode::Down, Action::FilterEdit(Edit::Newer)),
            (KeyCode::PageDown, Action::PageDown),
        ];
        for (code, expected) in cases {
            assert_eq!(action(key(code), &app), Some(expected), "{code:?}");
        }
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl('x'), &app), None);
        assert_eq!(
            action(ctrl('u'), &app),
            Some(Action::FilterEdit(Edit::KillLine))
        );
        assert_eq!(
            action(ctrl('w'), &app),
            Some(Action::FilterEdit(Edit::KillWord))
        );
        assert_eq!(
            action(ctrl('a'), &app),
            Some(Action::FilterEdit(Edit::Home))
        );
        assert_eq!(action(ctrl('e'), &app), Some(Action::FilterEdit(Edit::End)));
        assert_eq!(action(ctrl('z'), &app), Some(Action::Suspend));
    }

    #[test]
    fn key_releases_are_ignored() {
        let app = App::new(Library::default(), String::new());
        let mut release = key(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert_eq!(action(release, &app), None);
    }

    #[test]
    fn reader_keys() {
        let app = App::new(Library::default(), String::new());
        let cases = [
            (KeyCode::Char('j'), Action::Down),
            (KeyCode::Up, Action::Up),
            (KeyCode::Char('l'), Action::Right),
            (KeyCode::BackTab, Action::PrevPane),
            (KeyCode::Char(' '), Action::PageDown),
            (KeyCode::Char('G'), Action::Bottom),
            (KeyCode::Home, Action::Top),
            (KeyCode::Char(']'), Action::NextSection),
            (KeyCode::Char('/'), Action::FocusFilter),
            (KeyCode::Char('?'), Action::ToggleHelp),
            (KeyCode::Char('o'), Action::OpenLink),
            (KeyCode::Char('y'), Action::CopyLink),
            (KeyCode::Char('0'), Action::Count(0)),
            (KeyCode::Char('7'), Action::Count(7)),
            (KeyCode::Char('>'), Action::NextMatch),
            (KeyCode::Char('!'), Action::ShowMessages),
            (KeyCode::Char('L'), Action::ShowLinks),
        ];
        for (code, expected) in cases {
            assert_eq!(action(key(code), &app), Some(expected), "{code:?}");
        }
        assert_eq!(action(key(KeyCode::Char('x')), &app), None);
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl('d'), &app), Some(Action::HalfPageDown));
        assert_eq!(action(ctrl('u'), &app), Some(Action::HalfPageUp));
        assert_eq!(action(ctrl('z'), &app), Some(Action::Suspend));
    }

    fn keymap(overrides: &[(Action, &[&str])]) -> Keymap {
        let mut bindings = Bindings::default();
        for (action, keys) in overrides {
            let keys = keys.iter().map(|k| Key::parse(k).expect(k)).collect();
            bindings.set(action, keys);
        }
        Keymap::new(&bindings)
    }

    #[test]
    fn an_override_replaces_only_its_action() {
        let app = App::new(Library::default(), String::new());
        let map = keymap(&[(Action::Quit, &["x"]), (Action::Down, &["ctrl-n", "down"])]);
        assert_eq!(
            map.action(key(KeyCode::Char('x')), &app),
            Some(Action::Quit)
        );
        assert_eq!(map.action(key(KeyCode::Char('q')), &app), None);
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(map.action(ctrl_n, &app), Some(Action::Down));
        assert_eq!(map.action(key(KeyCode::Down), &app), Some(Action::Down));
        assert_eq!(map.action(key(KeyCode::Char('j')), &app), None);
        // Untouched actions keep their defaults.
        assert_eq!(map.action(key(KeyCode::Char('k')), &app), Some(Action::Up));
        // Ctrl-C quits whatever quit is bound to.
        assert_eq!(map.action(ctrl_c(), &app), Some(Action::Quit));
    }

    #[test]
    fn an_action_bound_to_nothing_has_no_key() {
        let app = App::new(Library::default(), String::new());
        let map = keymap(&[(Action::OpenLink, &[])]);
        assert_eq!(map.action(key(KeyCode::Char('o')), &app), None);
        assert_eq!(
            map.action(key(KeyCode::Char('y')), &app),
            Some(Action::CopyLink)
        );
    }

    #[test]
    fn the_filter_bar_keeps_letters_and_follows_rebound_moves() {
        let mut app = App::new(Library::default(), String::new());
        let map = keymap(&[
            (Action::Down, &["ctrl-j", "j"]),
            (Action::Escape, &["ctrl-g"]),
        ]);
        update(&mut app, Action::FocusFilter);
        assert_eq!(
            map.action(key(KeyCode::Char('j')), &app),
            Some(Action::FilterInput('j'))
        );
        let ctrl_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert_eq!(map.action(ctrl_j, &app), None, "moves are not the bar's");
        let ctrl_g = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::CONTROL);
        assert_eq!(map.action(ctrl_g, &app), Some(Action::Escape));
        assert_eq!(map.action(key(KeyCode::Esc), &app), None);
        assert_eq!(
            map.action(key(KeyCode::Enter), &app),
            Some(Action::FilterSubmit)
        );
    }

    #[test]
    fn shifted_and_function_keys_match_their_names() {
        let app = App::new(Library::default(), String::new());
        let map = keymap(&[(Action::ToggleHelp, &["f1"]), (Action::Bottom, &["G"])]);
        assert_eq!(
            map.action(key(KeyCode::F(1)), &app),
            Some(Action::ToggleHelp)
        );
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(map.action(shift_g, &app), Some(Action::Bottom));
    }
}
