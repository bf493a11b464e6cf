//! The filter's round trip through `update`: a keystroke asks for a search
//! (`Effect::Search`), the hits come back as `Action::SearchResults`, and
//! only answers newer than those shown are kept. Also the empty reader that
//! waits for its library. Pure: no threads, no terminal.

use crate::fixture as app_fixture;

use std::sync::Arc;

use nlread::app::{Action, App, Effect, Focus, Loaded, update, update_now};
use nlread::model::Library;
use nlread::search::Hit;

fn app() -> App {
    let mut app = App::new(app_fixture::library(), "Reading 3 files.");
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 35,
        },
    );
    update(&mut app, Action::FocusFilter);
    app
}

/// Types `c` and returns the search the app asked for.
fn type_char(app: &mut App, c: char) -> (u64, String) {
    match update(app, Action::FilterInput(c)) {
        Effect::Search { generation, query } => (generation, query),
        other => panic!("typing {c:?} gave {other:?}"),
    }
}

/// What the worker would answer for `query`.
fn hits(app: &App, query: &str) -> Arc<Vec<Hit>> {
    Arc::new(app.index().query(query))
}

/// The worker's answer to search `generation`, computed for `query`.
fn answer(app: &mut App, generation: u64, query: &str) {
    let hits = hits(app, query);
    let effect = update(app, Action::SearchResults { generation, hits });
    assert_eq!(effect, Effect::None);
}

fn titles(app: &App) -> Vec<String> {
    app.results()
        .iter()
        .map(|h| {
            app.library().issues[h.issue].sections[h.section]
                .title
                .clone()
        })
        .collect()
}

#[test]
fn a_keystroke_shows_the_letter_and_asks_for_a_search() {
    let mut app = app();
    let (g1, q1) = type_char(&mut app, 'p');
    assert_eq!((app.query(), q1.as_str()), ("p", "p"));
    assert!(app.searching() && app.waiting());
    assert!(app.results().is_empty(), "no answer yet");
    let (g2, q2) = type_char(&mut app, 'i');
    assert_eq!(q2, "pi");
    assert!(g2 > g1, "every change is a newer generation");
}

#[test]
fn stale_answers_are_dropped_and_newer_ones_kept() {
    let mut app = app();
    let (g1, _) = type_char(&mut app, 'p');
    let (g2, _) = type_char(&mut app, 'i');
    let (g3, _) = type_char(&mut app, 'a');
    // The worker skipped "pi" and answered "p", then "pia".
    answer(&mut app, g1, "p");
    assert_eq!(
        app.results(),
        &hits(&app, "p")[..],
        "an older query's answer is progress"
    );
    assert!(app.searching(), "still owed the newest answer");
    answer(&mut app, g3, "pia");
    assert!(!app.searching());
    let newest = titles(&app);
    assert!(
        newest.iter().all(|t| t.to_lowercase().contains("pian")),
        "{newest:?}"
    );
    // A late answer for "pi" must not replace the one for "pia".
    answer(&mut app, g2, "zz");
    assert_eq!(titles(&app), newest);
    assert!(!app.searching());
}

#[test]
fn answers_from_the_future_are_ignored() {
    let mut app = app();
    let (g1, _) = type_char(&mut app, 'p');
    answer(&mut app, g1 + 5, "rates");
    assert!(app.results().is_empty() && app.searching());
}

#[test]
fn old_results_stay_while_the_next_search_runs() {
    let mut app = app();
    for c in "piano".chars() {
        update_now(&mut app, Action::FilterInput(c));
    }
    update_now(&mut app, Action::Down);
    let before = titles(&app);
    assert_eq!(before.len(), 2);
    let (generation, query) = type_char(&mut app, 's');
    assert_eq!(query, "pianos");
    assert_eq!(titles(&app), before);
    assert_eq!(app.result(), 1, "the selection waits for the answer too");
    answer(&mut app, generation, &query);
    assert_eq!(app.result(), 0, "new results start at the top");
}

#[test]
fn clearing_the_filter_drops_results_at_once_and_late_answers_too() {
    let mut app = app();
    let (generation, _) = type_char(&mut app, 'p');
    assert_eq!(
        update(&mut app, Action::FilterEdit(nlread::app::Edit::Backspace)),
        Effect::None
    );
    assert!(!app.filtering() && !app.searching() && !app.waiting());
    answer(&mut app, generation, "p");
    assert!(app.results().is_empty(), "the answer for a cleared filter");

    let (generation, _) = type_char(&mut app, 'r');
    assert_eq!(update(&mut app, Action::Escape), Effect::None);
    answer(&mut app, generation, "r");
    assert!(app.results().is_empty() && app.focus() == Focus::Issues);
}

#[test]
fn answers_arrive_while_the_help_is_open() {
    let mut app = app();
    let (generation, query) = type_char(&mut app, 'p');
    update(&mut app, Action::ToggleHelp);
    answer(&mut app, generation, &query);
    assert!(app.help(), "an answer is not a key: the help stays");
    assert!(!app.results().is_empty());
}

#[test]
fn update_now_settles_the_search_inline() {
    let mut app = app();
    assert_eq!(update_now(&mut app, Action::FilterInput('p')), Effect::None);
    assert!(!app.searching());
    assert_eq!(app.results(), &hits(&app, "p")[..]);
}

fn every_key() -> Vec<Action> {
    vec![
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
        Action::Escape,
        Action::ToggleHelp,
        Action::FilterSubmit,
    ]
}

#[test]
fn the_loading_reader_takes_keys_then_its_library() {
    let mut app = App::loading();
    assert!(app.is_loading() && app.waiting());
    assert_eq!(app.origin().said, "");
    for _ in 0..2 {
        for a in every_key() {
            assert_eq!(update(&mut app, a), Effect::None);
            assert_eq!(app.shown(), None);
        }
    }
    update(&mut app, Action::FocusFilter);
    // No index yet: the letters wait in the bar, no search is asked for.
    assert_eq!(update(&mut app, Action::FilterInput('p')), Effect::None);
    assert_eq!(update(&mut app, Action::FilterInput('i')), Effect::None);
    assert_eq!(app.query(), "pi");
    assert!(app.searching());

    let loaded = Loaded::new(app_fixture::library(), "Reading 3 files.");
    let Effect::Search { generation, query } = update(&mut app, Action::Loaded(Box::new(loaded)))
    else {
        panic!("the filter typed while loading runs once the index is there");
    };
    assert_eq!(query, "pi");
    assert!(!app.is_loading());
    assert_eq!(app.origin().said, "Reading 3 files.");
    assert_eq!(app.library().issues.len(), 3);
    answer(&mut app, generation, "pi");
    assert_eq!(titles(&app).len(), 2, "{:?}", titles(&app));
    assert!(!app.waiting());
}

#[test]
fn a_library_without_a_filter_asks_for_nothing() {
    let mut app = App::loading();
    update(&mut app, Action::Down);
    let loaded = Loaded::new(app_fixture::library(), String::new());
    assert_eq!(
        update(&mut app, Action::Loaded(Box::new(loaded))),
        Effect::None
    );
    assert!(!app.waiting());
    assert_eq!((app.issue(), app.section()), (0, 0));
    update(&mut app, Action::Down);
    assert_eq!(app.issue(), 1, "keys reach the new library");
}

#[test]
fn an_empty_library_arriving_is_fine() {
    let mut app = App::loading();
    let loaded = Loaded::new(Library::default(), String::new());
    update(&mut app, Action::Loaded(Box::new(loaded)));
    assert!(!app.is_loading());
    assert_eq!(update_now(&mut app, Action::FocusFilter), Effect::None);
    assert_eq!(update_now(&mut app, Action::FilterInput('x')), Effect::None);
    assert!(app.results().is_empty() && !app.searching());
}
