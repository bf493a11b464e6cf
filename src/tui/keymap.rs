//! Keys to actions: the only module that knows crossterm's key codes.
//! Conventions of newsboat and aerc (vi-style j/k/h/l, / to filter).

use crate::app::{Action, App, Focus};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The action a key asks for in the app's current state, if any.
pub fn action(key: KeyEvent, app: &App) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Some(Action::Quit);
    }
    if app.help {
        // Any key closes the help; none of them does anything else.
        return Some(Action::ToggleHelp);
    }
    if app.focus == Focus::Filter {
        return filter_bar(key.code, ctrl);
    }
    let action = match key.code {
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('h') | KeyCode::Left => Action::Left,
        KeyCode::Char('l') | KeyCode::Right => Action::Right,
        KeyCode::Tab => Action::NextPane,
        KeyCode::BackTab => Action::PrevPane,
        KeyCode::Enter => Action::Open,
        KeyCode::Char(' ') | KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char(']') => Action::NextSection,
        KeyCode::Char('[') => Action::PrevSection,
        KeyCode::Char('/') => Action::FocusFilter,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('o') => Action::OpenLink,
        KeyCode::Char('y') => Action::CopyLink,
        KeyCode::Char('n') => Action::NextUnread,
        KeyCode::Char('N') => Action::PrevUnread,
        KeyCode::Char('A') => Action::MarkIssueRead,
        KeyCode::Char('m') => Action::ToggleRead,
        KeyCode::Char('s') => Action::ToggleStar,
        KeyCode::Char('S') => Action::StarredOnly,
        KeyCode::Char('u') => Action::UnreadOnly,
        KeyCode::Char(c @ '0'..='9') => Action::Count(c as u8 - b'0'),
        KeyCode::Esc => Action::Escape,
        _ => return None,
    };
    Some(action)
}

/// In the filter bar letters are letters: only editing and navigation keys
/// mean something else.
fn filter_bar(code: KeyCode, ctrl: bool) -> Option<Action> {
    let action = match code {
        KeyCode::Esc => Action::Escape,
        KeyCode::Enter => Action::FilterSubmit,
        KeyCode::Backspace => Action::FilterBackspace,
        KeyCode::Up => Action::Up,
        KeyCode::Down => Action::Down,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Tab => Action::NextPane,
        KeyCode::BackTab => Action::PrevPane,
        KeyCode::Char(c) if !ctrl => Action::FilterInput(c),
        _ => return None,
    };
    Some(action)
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
    fn any_key_closes_help_but_ctrl_c_quits() {
        let mut app = App::new(Library::default(), String::new());
        update(&mut app, Action::ToggleHelp);
        assert_eq!(
            action(key(KeyCode::Char('q')), &app),
            Some(Action::ToggleHelp)
        );
        assert_eq!(action(key(KeyCode::Esc), &app), Some(Action::ToggleHelp));
        assert_eq!(action(ctrl_c(), &app), Some(Action::Quit));
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
            (KeyCode::Backspace, Action::FilterBackspace),
            (KeyCode::Enter, Action::FilterSubmit),
            (KeyCode::Esc, Action::Escape),
            (KeyCode::Down, Action::Down),
            (KeyCode::Up, Action::Up),
        ];
        for (code, expected) in cases {
            assert_eq!(action(key(code), &app), Some(expected), "{code:?}");
        }
        let ctrl_x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl_x, &app), None);
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
        ];
        for (code, expected) in cases {
            assert_eq!(action(key(code), &app), Some(expected), "{code:?}");
        }
        assert_eq!(action(key(KeyCode::Char('x')), &app), None);
    }
}
