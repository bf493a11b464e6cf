//! `r` and `fetch.every` in the pure app: the fetch is an effect, its
//! progress and its result come back as actions, the status line says
//! how far it got and what came, failures go to the messages.

use nlread::app::{Action, App, Effect, Fetched, Problem, Settings, Status, messages, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::fixture as app_fixture;

fn app() -> App {
    let mut app = App::new(app_fixture::library(), "Reading 3 files.");
    update(
        &mut app,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
    app
}

fn status_line(app: &App) -> String {
    let (w, h) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..w).map(|x| buffer[(x, h - 1)].symbol()).collect()
}

fn fetched(feeds: usize, new: usize, failed: &[&str]) -> Fetched {
    Fetched {
        feeds,
        new,
        failed: failed.iter().map(|f| f.to_string()).collect(),
        at: 5_000,
        ..Fetched::default()
    }
}

#[test]
fn r_fetches_once_at_a_time_and_says_how_far_it_got() {
    let mut app = app();
    assert_eq!(update(&mut app, Action::Fetch), Effect::Fetch);
    assert_eq!(app.fetching(), Some((0, 0)));
    assert!(
        status_line(&app).starts_with("Fetching feeds…"),
        "{}",
        status_line(&app)
    );
    // A second r while it runs starts nothing.
    assert_eq!(update(&mut app, Action::Fetch), Effect::None);
    assert_eq!(app.status(), Some(&Status::AlreadyFetching));
    update(&mut app, Action::Down);
    update(&mut app, Action::FetchProgress { done: 2, total: 5 });
    assert!(
        status_line(&app).starts_with("Fetching feeds: 2 of 5…"),
        "{}",
        status_line(&app)
    );
    update(
        &mut app,
        Action::Fetched(fetched(
            5,
            3,
            &["Gone (https://g.example/f): HTTP 404 Not Found"],
        )),
    );
    assert_eq!(app.fetching(), None);
    let line = status_line(&app);
    assert!(
        line.starts_with("Fetched 5 feeds: 3 new issues, 1 failed · 1 problem: ! lists it"),
        "{line}"
    );
    let problems: Vec<Problem> = app.problems().collect();
    assert_eq!(
        problems,
        vec![Problem::Feed(
            "Gone (https://g.example/f): HTTP 404 Not Found".into()
        )]
    );
    // The next fetch's failures replace these.
    assert_eq!(update(&mut app, Action::Fetch), Effect::Fetch);
    update(&mut app, Action::Fetched(fetched(5, 0, &[])));
    assert_eq!(app.problem_count(), 0);
    assert_eq!(
        app.status(),
        Some(&Status::Fetched {
            feeds: 5,
            new: 0,
            updated: 0,
            failed: 0
        })
    );
}

#[test]
fn no_feeds_and_a_fetch_that_cannot_run_are_said() {
    let mut app = app();
    update(&mut app, Action::Fetch);
    update(&mut app, Action::Fetched(fetched(0, 0, &[])));
    assert_eq!(app.status(), Some(&Status::NoFeeds));
    assert!(status_line(&app).contains("nlread feed add URL"));
    update(&mut app, Action::Fetch);
    let busy = Fetched {
        error: Some("another nlread is fetching the feeds".into()),
        ..fetched(2, 0, &[])
    };
    update(&mut app, Action::Fetched(busy));
    assert_eq!(
        messages::status(app.status().expect("status")),
        "Nothing fetched: another nlread is fetching the feeds"
    );
}

#[test]
fn fetch_every_is_due_after_the_last_fetch_and_speaks_only_of_news() {
    let mut app = app();
    assert_eq!(app.next_fetch_at(), None, "no fetch.every, no timer");
    app.settings = Settings {
        fetch_every: Some(60_000),
        ..Settings::default()
    };
    assert_eq!(app.next_fetch_at(), Some(0), "never fetched: due now");
    app.set_last_fetch(Some(1_000));
    assert_eq!(app.next_fetch_at(), Some(61_000));
    assert_eq!(update(&mut app, Action::FetchDue), Effect::Fetch);
    assert_eq!(app.next_fetch_at(), None, "none due while one runs");
    // Nothing new: the status line is left to the reader.
    update(&mut app, Action::Down);
    update(&mut app, Action::Fetched(fetched(3, 0, &[])));
    assert_eq!(app.status(), None);
    assert_eq!(app.next_fetch_at(), Some(65_000));
    update(&mut app, Action::FetchDue);
    update(&mut app, Action::Fetched(fetched(3, 2, &[])));
    assert!(matches!(app.status(), Some(Status::Fetched { new: 2, .. })));
}

#[test]
fn the_library_loaded_after_a_fetch_keeps_the_fetchs_word() {
    let mut app = app();
    update(&mut app, Action::Fetch);
    update(&mut app, Action::Fetched(fetched(1, 1, &[])));
    let mut grown = app_fixture::library();
    let mut extra = grown.issues[0].clone();
    extra.id = "a-new-one".into();
    grown.issues.push(extra);
    update(
        &mut app,
        Action::Loaded(Box::new(nlread::app::Loaded::new(
            grown,
            "Reading 4 files.",
        ))),
    );
    assert!(matches!(app.status(), Some(Status::Fetched { new: 1, .. })));
}
