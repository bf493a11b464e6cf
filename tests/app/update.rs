//! `update` as a pure function: action sequences in, selections, focus,
//! scroll and filter state out. No terminal involved.

use crate::fixture as app_fixture;

use nlread::app::panes::story_size;
use nlread::app::{Action, App, Effect, Focus, update_now};
use nlread::model::Library;

fn app_at(width: u16, height: u16) -> App {
    let mut app = App::new(app_fixture::library(), "Reading 3 files.");
    update_now(&mut app, Action::Resize { width, height });
    app
}

fn apply(app: &mut App, actions: &[Action]) {
    for a in actions {
        assert_eq!(update_now(app, a.clone()), Effect::None, "{a:?}");
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update_now(app, Action::FilterInput(c));
    }
}

fn shown_title(app: &App) -> String {
    app.shown_section()
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

#[test]
fn lists_move_within_bounds() {
    let mut app = app_at(120, 35);
    assert_eq!(
        (app.focus(), app.issue(), app.section()),
        (Focus::Issues, 0, 0)
    );
    apply(&mut app, &[Action::Up]);
    assert_eq!(app.issue(), 0);
    apply(
        &mut app,
        &[Action::Down, Action::Down, Action::Down, Action::Down],
    );
    assert_eq!(app.issue(), 2);
    apply(&mut app, &[Action::Top]);
    assert_eq!(app.issue(), 0);
    apply(&mut app, &[Action::Bottom]);
    assert_eq!(app.issue(), 2);
    assert_eq!(shown_title(&app), "Your letters");
}

#[test]
fn moving_to_another_issue_starts_at_its_first_section() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Open, Action::Down, Action::Down]);
    assert_eq!(app.section(), 2);
    apply(&mut app, &[Action::Left, Action::Down]);
    assert_eq!((app.issue(), app.section(), app.scroll()), (1, 0, 0));
}

#[test]
fn enter_opens_issue_then_story() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Down, Action::Open]);
    assert_eq!((app.focus(), app.issue()), (Focus::Sections, 1));
    apply(&mut app, &[Action::Down, Action::Open]);
    assert_eq!(app.focus(), Focus::Story);
    assert_eq!(shown_title(&app), "Digital pianos get cheaper");
    // Enter in the story does nothing; Esc goes back to the list.
    apply(&mut app, &[Action::Open]);
    assert_eq!(app.focus(), Focus::Story);
    apply(&mut app, &[Action::Escape]);
    assert_eq!(app.focus(), Focus::Sections);
}

#[test]
fn panes_change_with_tab_and_arrows() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::NextPane]);
    assert_eq!(app.focus(), Focus::Sections);
    apply(&mut app, &[Action::NextPane, Action::NextPane]);
    assert_eq!(app.focus(), Focus::Issues, "Tab wraps");
    apply(&mut app, &[Action::PrevPane]);
    assert_eq!(app.focus(), Focus::Story);
    apply(&mut app, &[Action::Right]);
    assert_eq!(app.focus(), Focus::Story, "Right stops at the story");
    apply(&mut app, &[Action::Left, Action::Left, Action::Left]);
    assert_eq!(app.focus(), Focus::Issues, "Left stops at the issues");
}

/// Opens "The chip race", the long story.
fn open_long_story(app: &mut App) {
    apply(app, &[Action::Down, Action::Open, Action::Open]);
    assert_eq!(shown_title(app), "The chip race");
}

#[test]
fn story_scrolls_by_line_and_page_within_bounds() {
    let mut app = app_at(80, 24);
    open_long_story(&mut app);
    let (_, rows) = story_size(80, 24);
    let total = app.story_lines().len();
    assert!(total > rows * 2, "the long story must need paging");
    apply(&mut app, &[Action::Down, Action::Down]);
    assert_eq!(app.scroll(), 2);
    apply(&mut app, &[Action::Up]);
    assert_eq!(app.scroll(), 1);
    apply(&mut app, &[Action::PageDown]);
    assert_eq!(
        app.scroll(),
        1 + rows - 1,
        "a page keeps one line of context"
    );
    apply(&mut app, &[Action::PageUp, Action::PageUp]);
    assert_eq!(app.scroll(), 0);
    while app.scroll() < total - rows {
        apply(&mut app, &[Action::PageDown]);
    }
    assert_eq!(
        app.scroll(),
        total - rows,
        "the last page ends at the last line"
    );
    apply(&mut app, &[Action::Down]);
    assert_eq!(app.scroll(), total - rows);
    apply(&mut app, &[Action::Top]);
    assert_eq!(app.scroll(), 0);
    apply(&mut app, &[Action::Bottom]);
    assert_eq!(app.scroll(), total - rows);
}

#[test]
fn paging_from_a_list_pages_the_story_shown() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Down, Action::Open]);
    assert_eq!(app.focus(), Focus::Sections);
    apply(&mut app, &[Action::PageDown]);
    assert!(app.scroll() > 0);
    assert_eq!(app.focus(), Focus::Sections);
    assert_eq!(app.section(), 0, "paging does not move the list");
}

#[test]
fn next_section_crosses_into_the_next_issue() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Open, Action::Open]);
    let mut seen = vec![shown_title(&app)];
    for _ in 0..6 {
        apply(&mut app, &[Action::NextSection]);
        seen.push(shown_title(&app));
    }
    assert_eq!(
        seen,
        [
            "Rates hold steady",
            "A piano in every school",
            "Tokyo signs 日本語 👋",
            "The chip race",
            "Digital pianos get cheaper",
            "Your letters",
            "Your letters",
        ]
    );
    apply(&mut app, &[Action::PrevSection, Action::PrevSection]);
    assert_eq!((app.issue(), app.section()), (1, 0));
    apply(&mut app, &[Action::PrevSection]);
    assert_eq!(
        (app.issue(), app.section()),
        (0, 2),
        "back to the last story of the issue before"
    );
}

#[test]
fn next_section_starts_the_new_story_at_the_top() {
    let mut app = app_at(80, 24);
    open_long_story(&mut app);
    apply(&mut app, &[Action::PageDown]);
    assert!(app.scroll() > 0);
    apply(&mut app, &[Action::NextSection]);
    assert_eq!(app.scroll(), 0);
}

#[test]
fn typing_filters_across_issues_and_ranks_results() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    assert_eq!(app.focus(), Focus::Filter);
    type_text(&mut app, "piano");
    assert_eq!(app.query(), "piano");
    let titles: Vec<String> = app
        .results()
        .iter()
        .map(|h| {
            app.library().issues[h.issue].sections[h.section]
                .title
                .clone()
        })
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"A piano in every school".to_string()));
    assert!(titles.contains(&"Digital pianos get cheaper".to_string()));
    assert!(app.results().windows(2).all(|w| w[0].score >= w[1].score));
    // The story pane follows the first result while typing.
    assert_eq!(shown_title(&app), titles[0]);
    // Up/Down in the bar move through the results.
    apply(&mut app, &[Action::Down]);
    assert_eq!(app.result(), 1);
    assert_eq!(shown_title(&app), titles[1]);
    assert_eq!(app.focus(), Focus::Filter);
}

#[test]
fn enter_moves_to_results_and_esc_keeps_the_story_found() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Open, Action::Down]);
    assert_eq!((app.issue(), app.section()), (0, 1));
    apply(&mut app, &[Action::FocusFilter]);
    type_text(&mut app, "pianos");
    apply(&mut app, &[Action::FilterSubmit]);
    assert_eq!(app.focus(), Focus::Sections);
    assert_eq!(app.result(), 0);
    assert!(app.filtering(), "Enter keeps the filter");
    assert_eq!(shown_title(&app), "Digital pianos get cheaper");
    apply(&mut app, &[Action::Open]);
    assert_eq!(app.focus(), Focus::Story);
    apply(&mut app, &[Action::Escape]);
    assert_eq!(app.focus(), Focus::Sections);
    assert!(
        app.filtering(),
        "Esc in the story only goes back to the results"
    );
    apply(&mut app, &[Action::Escape]);
    assert!(!app.filtering());
    assert!(app.results().is_empty());
    // The story found stays on screen, selected in its issue.
    assert_eq!(
        (app.focus(), app.issue(), app.section()),
        (Focus::Sections, 1, 1)
    );
    assert_eq!(shown_title(&app), "Digital pianos get cheaper");
}

#[test]
fn esc_in_the_bar_clears_and_returns_focus() {
    let mut app = app_at(120, 35);
    apply(
        &mut app,
        &[Action::NextPane, Action::NextPane, Action::FocusFilter],
    );
    type_text(&mut app, "rates");
    assert!(!app.results().is_empty());
    apply(&mut app, &[Action::Escape]);
    assert_eq!(app.focus(), Focus::Story);
    assert!(!app.filtering() && app.results().is_empty());
}

#[test]
fn backspace_edits_and_leaves_an_empty_bar() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Open, Action::FocusFilter]);
    type_text(&mut app, "pianoz");
    assert!(app.results().is_empty());
    apply(
        &mut app,
        &[Action::FilterEdit(nlread::app::Edit::Backspace)],
    );
    assert_eq!(app.query(), "piano");
    assert_eq!(app.results().len(), 2);
    for _ in 0..5 {
        apply(
            &mut app,
            &[Action::FilterEdit(nlread::app::Edit::Backspace)],
        );
    }
    assert_eq!(
        app.focus(),
        Focus::Filter,
        "emptying the bar does not leave it"
    );
    assert!(app.results().is_empty());
    apply(
        &mut app,
        &[Action::FilterEdit(nlread::app::Edit::Backspace)],
    );
    assert_eq!(
        app.focus(),
        Focus::Sections,
        "Backspace on an empty bar leaves it"
    );
}

#[test]
fn a_filter_with_no_results_shows_no_story() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    type_text(&mut app, "zzzz");
    assert!(app.results().is_empty());
    assert_eq!(app.shown(), None);
    apply(
        &mut app,
        &[
            Action::Down,
            Action::NextSection,
            Action::PageDown,
            Action::FilterSubmit,
        ],
    );
    assert_eq!(app.focus(), Focus::Sections);
    apply(&mut app, &[Action::Open, Action::Down, Action::Bottom]);
    assert_eq!(app.shown(), None);
}

#[test]
fn opening_an_issue_while_filtering_clears_the_filter() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    type_text(&mut app, "piano");
    apply(
        &mut app,
        &[
            Action::FilterSubmit,
            Action::Left,
            Action::Down,
            Action::Open,
        ],
    );
    assert!(!app.filtering());
    assert_eq!(
        (app.focus(), app.issue(), app.section()),
        (Focus::Sections, 1, 0)
    );
}

#[test]
fn resize_keeps_the_first_visible_text() {
    let mut app = app_at(80, 24);
    open_long_story(&mut app);
    for _ in 0..23 {
        apply(&mut app, &[Action::Down]);
    }
    let before = app.story_lines()[app.scroll()].text();
    let first_word = before
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(first_word.starts_with('w'), "{before:?}");

    for (w, h) in [(120, 35), (50, 20), (100, 30), (80, 24)] {
        apply(
            &mut app,
            &[Action::Resize {
                width: w,
                height: h,
            }],
        );
        let after = app.story_lines()[app.scroll()].text();
        assert!(
            after.split_whitespace().any(|word| word == first_word),
            "at {w}x{h} the first line is {after:?}, wanted it to hold {first_word}"
        );
    }
    // Back at the first size the exact line comes back.
    assert_eq!(app.story_lines()[app.scroll()].text(), before);
}

#[test]
fn help_swallows_the_next_key() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::ToggleHelp]);
    assert!(app.help());
    apply(&mut app, &[Action::Down]);
    assert!(app.help(), "a move scrolls the help");
    apply(&mut app, &[Action::Right]);
    assert!(!app.help());
    assert_eq!(
        (app.issue(), app.focus()),
        (0, Focus::Issues),
        "the key that closed help did nothing else"
    );
    apply(&mut app, &[Action::ToggleHelp]);
    assert_eq!(update_now(&mut app, Action::Quit), Effect::Quit);
}

#[test]
fn quit_returns_the_quit_effect() {
    let mut app = app_at(120, 35);
    assert_eq!(update_now(&mut app, Action::Quit), Effect::Quit);
}

#[test]
fn long_lists_keep_the_selection_in_view() {
    let mut app = App::new(app_fixture::many_issues(40), String::new());
    update_now(
        &mut app,
        Action::Resize {
            width: 80,
            height: 12,
        },
    );
    let rows = usize::from(12u16 - 2 - 2);
    for _ in 0..20 {
        update_now(&mut app, Action::Down);
    }
    assert_eq!(app.issue(), 20);
    assert!(app.issue_cursor().offset() <= 20 && 20 < app.issue_cursor().offset() + rows);
    update_now(&mut app, Action::Top);
    assert_eq!(app.issue_cursor().offset(), 0);
}

fn every_action() -> Vec<Action> {
    let mut all = vec![
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::NextPane,
        Action::PrevPane,
        Action::Left,
        Action::Right,
        Action::Open,
        Action::NextSection,
        Action::PrevSection,
        Action::FocusFilter,
        Action::FilterInput('a'),
        Action::FilterEdit(nlread::app::Edit::Backspace),
        Action::FilterSubmit,
        Action::Escape,
        Action::ToggleHelp,
        Action::Count(3),
        Action::Count(0),
        Action::OpenLink,
        Action::CopyLink,
    ];
    all.extend([
        Action::Resize {
            width: 0,
            height: 0,
        },
        Action::Resize {
            width: 1,
            height: 1,
        },
        Action::Resize {
            width: 20,
            height: 5,
        },
    ]);
    all
}

#[test]
fn an_empty_library_survives_every_key() {
    let mut app = App::new(Library::default(), String::new());
    for _ in 0..3 {
        for a in every_action() {
            assert_eq!(update_now(&mut app, a), Effect::None);
            assert_eq!(app.shown(), None);
        }
    }
    assert_eq!(update_now(&mut app, Action::Quit), Effect::Quit);
}

#[test]
fn tiny_sizes_survive_every_key() {
    let mut app = app_at(0, 0);
    for a in every_action() {
        update_now(&mut app, a.clone());
        update_now(
            &mut app,
            Action::Resize {
                width: 1,
                height: 1,
            },
        );
        update_now(&mut app, a);
    }
    update_now(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    assert!(app.scroll() <= app.story_lines().len());
}
