//! Reading state through `update`: the end-of-story rule, `m`, `s`, `A`,
//! `n`/`N`, the unread and starred views, resume, and what is handed to the
//! saver. No terminal, no disk.

use crate::fixture as app_fixture;

use nlread::app::{Action, App, Focus, StateLoaded, View, update_now};
use nlread::model::{ReadingState, Resume};

fn app_at(width: u16, height: u16) -> App {
    let mut app = App::new(app_fixture::library(), "Reading 3 files.");
    update_now(&mut app, Action::Resize { width, height });
    app
}

fn apply(app: &mut App, actions: &[Action]) {
    for a in actions {
        update_now(app, a.clone());
    }
}

fn shown_id(app: &App) -> String {
    app.shown_section()
        .map(|s| s.id.clone())
        .unwrap_or_default()
}

fn loaded(state: ReadingState) -> Action {
    Action::StateLoaded(Box::new(StateLoaded {
        state,
        warnings: Vec::new(),
    }))
}

#[test]
fn everything_starts_unread() {
    let app = app_at(120, 35);
    assert_eq!(app.unread_total(), 6);
    assert_eq!(
        (app.unread_in(0), app.unread_in(1), app.unread_in(2)),
        (3, 2, 1)
    );
    assert!(!app.has_changes());
}

#[test]
fn a_story_is_read_once_its_end_is_on_screen_in_the_story_pane() {
    let mut app = app_at(120, 35);
    // Shown beside the list, but the keys are in the list: not read yet.
    apply(&mut app, &[Action::Open]);
    assert!(!app.is_read(0, 0));
    // Opened: the short story fits, so its end is on screen.
    apply(&mut app, &[Action::Open]);
    assert_eq!(app.focus(), Focus::Story);
    assert!(app.is_read(0, 0));
    assert_eq!(app.unread_total(), 5);
    assert_eq!(app.unread_in(0), 2);
    let changes = app.unsaved().map(|c| c.marks).unwrap_or_default();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].0, "rates");
    assert!(changes[0].1.read);
    assert!(app.unsaved().is_none(), "taken");
}

#[test]
fn a_long_story_is_read_only_at_its_end() {
    let mut app = app_at(80, 24);
    // Tech Weekly's first story is long.
    apply(&mut app, &[Action::Down, Action::Open, Action::Open]);
    assert_eq!(shown_id(&app), "chips");
    assert!(!app.is_read(1, 0));
    apply(&mut app, &[Action::PageDown]);
    assert!(!app.is_read(1, 0), "one page is not the end");
    for _ in 0..40 {
        apply(&mut app, &[Action::PageDown]);
    }
    assert!(app.is_read(1, 0));
}

#[test]
fn reading_to_the_end_can_be_turned_off() {
    let mut app = app_at(120, 35);
    app.settings.mark_read_at_end = false;
    apply(&mut app, &[Action::Open, Action::Open]);
    assert!(!app.is_read(0, 0));
    apply(&mut app, &[Action::ToggleRead]);
    assert!(app.is_read(0, 0), "m still marks");
}

#[test]
fn m_toggles_and_is_not_undone_by_the_end_rule() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Open, Action::Open]);
    assert!(app.is_read(0, 0));
    apply(&mut app, &[Action::ToggleRead]);
    assert!(!app.is_read(0, 0), "unread again while still on screen");
    assert_eq!(app_fixture::said(&app).as_deref(), Some("Marked unread"));
    apply(&mut app, &[Action::Down, Action::Up]);
    assert!(!app.is_read(0, 0), "scrolling in place does not undo m");
    apply(&mut app, &[Action::ToggleRead]);
    assert!(app.is_read(0, 0));
}

#[test]
fn s_stars_the_shown_story() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Open, Action::Down, Action::ToggleStar]);
    assert!(app.is_starred(0, 1));
    assert_eq!(app_fixture::said(&app).as_deref(), Some("Starred"));
    let changes = app.unsaved().map(|c| c.marks).unwrap_or_default();
    assert_eq!(changes[0].0, "piano");
    assert!(changes[0].1.starred);
    apply(&mut app, &[Action::ToggleStar]);
    assert!(!app.is_starred(0, 1));
}

#[test]
fn capital_a_marks_the_selected_issue_read() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::MarkIssueRead]);
    assert_eq!(app.unread_in(0), 0);
    assert_eq!(app.unread_total(), 3);
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("Marked 3 stories read")
    );
    apply(&mut app, &[Action::MarkIssueRead]);
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("Every story in this issue was already read")
    );
}

#[test]
fn n_goes_to_the_next_unread_story_across_issues_and_round() {
    let mut app = app_at(120, 35);
    // Read "piano" and all of Tech Weekly.
    apply(&mut app, &[Action::Open, Action::Down, Action::ToggleRead]);
    apply(&mut app, &[Action::Escape, Action::Left, Action::Down]);
    apply(&mut app, &[Action::MarkIssueRead, Action::Up]);
    assert_eq!((app.issue(), app.section()), (0, 0));
    apply(&mut app, &[Action::NextUnread]);
    assert_eq!(shown_id(&app), "tokyo", "piano is read: skipped");
    assert_eq!(app.focus(), Focus::Sections, "the list shows where n went");
    apply(&mut app, &[Action::NextUnread]);
    assert_eq!(shown_id(&app), "mail", "Tech Weekly is read: skipped");
    apply(&mut app, &[Action::NextUnread]);
    assert_eq!(shown_id(&app), "rates", "round to the top");
    apply(&mut app, &[Action::PrevUnread]);
    assert_eq!(shown_id(&app), "mail", "and back round");
    apply(&mut app, &[Action::PrevUnread]);
    assert_eq!(shown_id(&app), "tokyo");
}

#[test]
fn n_with_nothing_unread_says_so() {
    let mut app = app_at(120, 35);
    for i in 0..3 {
        apply(&mut app, &[Action::MarkIssueRead]);
        if i < 2 {
            apply(&mut app, &[Action::Down]);
        }
    }
    assert_eq!(app.unread_total(), 0);
    apply(&mut app, &[Action::NextUnread]);
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("No unread stories left")
    );
}

#[test]
fn the_unread_view_lists_unread_stories_of_the_whole_library() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::MarkIssueRead, Action::UnreadOnly]);
    assert_eq!(app.view(), View::Unread);
    assert!(app.listing());
    assert_eq!(app.focus(), Focus::Sections);
    let listed: Vec<(usize, usize)> = app.results().iter().map(|h| (h.issue, h.section)).collect();
    assert_eq!(listed, vec![(1, 0), (1, 1), (2, 0)]);
    // Reading one keeps it in the list (the list does not jump), marked read.
    apply(&mut app, &[Action::Down, Action::ToggleRead]);
    assert_eq!(app.results().len(), 3);
    assert!(app.is_read(1, 1));
    // Typing a filter narrows the view's stories only.
    apply(&mut app, &[Action::FocusFilter, Action::FilterInput('l')]);
    apply(&mut app, &[Action::FilterInput('e')]);
    assert!(
        app.results()
            .iter()
            .all(|h| !app.is_read(h.issue, h.section)),
        "filter hits are unread ones"
    );
    // u again: every story.
    apply(&mut app, &[Action::Escape, Action::UnreadOnly]);
    assert_eq!(app.view(), View::All);
    assert!(!app.listing());
}

#[test]
fn the_starred_view_and_esc() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::StarredOnly]);
    assert!(app.results().is_empty());
    apply(&mut app, &[Action::StarredOnly]);
    assert_eq!(
        app.focus(),
        Focus::Sections,
        "the view moved the keys to the list"
    );
    // Star two stories in different issues.
    apply(&mut app, &[Action::Down, Action::ToggleStar]);
    apply(
        &mut app,
        &[Action::Left, Action::Down, Action::Open, Action::ToggleStar],
    );
    apply(&mut app, &[Action::StarredOnly]);
    let listed: Vec<(usize, usize)> = app.results().iter().map(|h| (h.issue, h.section)).collect();
    assert_eq!(listed, vec![(0, 1), (1, 0)]);
    assert_eq!(shown_id(&app), "chips", "the shown story stays selected");
    apply(&mut app, &[Action::Escape]);
    assert_eq!(app.view(), View::All, "Esc leaves the view");
}

#[test]
fn the_state_from_disk_restores_marks_and_the_place() {
    let mut state = ReadingState::new();
    state.set_read("rates", true, 1);
    state.set_starred("digital", true, 2);
    state.resume = Some(Resume {
        issue: "tech".into(),
        section: "chips".into(),
        block: Some(10),
        byte: 0,
        reading: true,
        at: 3,
    });
    let mut app = App::loading();
    update_now(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    update_now(&mut app, loaded(state.clone()));
    let library = app_fixture::library();
    update_now(
        &mut app,
        Action::Loaded(Box::new(nlread::app::Loaded::new(library, "here"))),
    );
    assert!(app.is_read(0, 0) && app.is_starred(1, 1));
    assert_eq!(app.unread_total(), 5);
    assert_eq!(shown_id(&app), "chips");
    assert_eq!(app.focus(), Focus::Story);
    let top = app.story_lines()[app.scroll()].anchor;
    assert_eq!(top.block, Some(10), "the paragraph that was at the top");
    // Coming back is not reading to the end: not marked.
    assert!(!app.is_read(1, 0));
    // The resume point the app would save is the one it restored.
    let now = app.resume_point().expect("resume");
    let was = state.resume.expect("resume");
    assert_eq!(
        (now.issue, now.section, now.block, now.reading),
        (was.issue, was.section, was.block, was.reading)
    );
}

#[test]
fn a_late_state_does_not_move_a_reader_who_has_moved() {
    let mut state = ReadingState::new();
    state.resume = Some(Resume {
        issue: "letters".into(),
        section: "mail".into(),
        block: None,
        byte: 0,
        reading: false,
        at: 3,
    });
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Down]);
    update_now(&mut app, loaded(state.clone()));
    assert_eq!(app.issue(), 1, "stays where the user went");
    // Without a key first, the late state does move the reader.
    let mut fresh = app_at(120, 35);
    update_now(&mut fresh, loaded(state));
    assert_eq!(fresh.issue(), 2);
}

#[test]
fn marks_made_while_the_state_loads_survive_it() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::ToggleStar]);
    let mut state = ReadingState::new();
    state.set_read("mail", true, 1);
    update_now(&mut app, loaded(state));
    assert!(app.is_starred(0, 0), "our star kept");
    assert!(app.is_read(2, 0), "their read mark taken");
    assert_eq!(app.unread_total(), 5);
}

#[test]
fn marks_merged_after_a_save_update_the_counts() {
    let mut app = app_at(120, 35);
    let mut other = ReadingState::new();
    other.set_read("tokyo", true, nlread::store::now_millis() + 1000);
    let marks: Vec<_> = other.stories.into_iter().collect();
    update_now(&mut app, Action::MarksMerged(marks));
    assert!(app.is_read(0, 2));
    assert_eq!(app.unread_in(0), 2);
}

#[test]
fn a_reloaded_library_keeps_the_story_on_screen() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Down, Action::Open, Action::Down]);
    assert_eq!(shown_id(&app), "digital");
    let mut bigger = app_fixture::library();
    let mut extra = bigger.issues[2].clone();
    extra.id = "extra".into();
    bigger.issues.insert(0, extra);
    update_now(
        &mut app,
        Action::Loaded(Box::new(nlread::app::Loaded::new(bigger, "here"))),
    );
    assert_eq!(shown_id(&app), "digital");
    assert_eq!(app.issue(), 2, "its issue moved down one");
    assert_eq!(app.focus(), Focus::Sections);
}

#[test]
fn a_library_updated_in_place_keeps_the_story_on_screen_and_says_the_change() {
    // Files came and went under the reader: the issues kept move into the
    // new list (none read again), the added ones take their places, the
    // story on screen stays, and the status says what changed.
    use nlread::search::{Index, Piece};
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Down, Action::Open, Action::Down]);
    assert_eq!(shown_id(&app), "digital");
    let before = app_fixture::library();
    let mut extra = before.issues[2].clone();
    extra.id = "extra".into();
    extra.title = "An issue that came".into();
    for (n, section) in extra.sections.iter_mut().enumerate() {
        section.id = format!("extra-{n}");
    }
    // Issue 0 went; one came first; 1 and 2 kept.
    let pieces = vec![Piece::Added(0), Piece::Kept(1), Piece::Kept(2)];
    let mut after = before.clone();
    after.issues.remove(0);
    after.issues.insert(0, extra.clone());
    let index = std::sync::Arc::new(Index::new(&after));
    update_now(
        &mut app,
        Action::Updated(Box::new(nlread::app::Update {
            pieces,
            added: vec![extra],
            errors: Vec::new(),
            said: "3 issues from ~/news".into(),
            index,
        })),
    );
    let ids: Vec<&str> = app.library().issues.iter().map(|i| i.id.as_str()).collect();
    let want: Vec<&str> = after.issues.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, want);
    assert_eq!(shown_id(&app), "digital");
    assert_eq!(app.issue(), 1, "its issue is now the second");
    assert_eq!(app.focus(), Focus::Sections);
    let status = format!("{:?}", app.status());
    assert!(
        status.contains("came: 1") && status.contains("went: 1"),
        "{status}"
    );
}
