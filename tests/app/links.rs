//! Links in `update`: the count prefix, `o` and `y` as effects, refusals
//! of addresses that are not web or mail, and status sentences. Pure: no
//! opener runs and no terminal is written.

use crate::fixture as app_fixture;

use nlread::app::messages;
use nlread::app::{Action, App, Effect, Focus, update_now};

/// The reader on the linked story, its story pane focused.
fn reading() -> App {
    let mut app = App::new(app_fixture::library_with_links(), "Reading.");
    update_now(
        &mut app,
        Action::Resize {
            width: 120,
            height: 35,
        },
    );
    for a in [Action::Open, Action::Open] {
        update_now(&mut app, a);
    }
    assert_eq!(app.focus(), Focus::Story);
    app
}

fn keys(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions.iter().map(|a| update_now(app, a.clone())).collect()
}

#[test]
fn o_opens_the_first_link_when_none_is_selected() {
    let mut app = reading();
    assert_eq!(app.link(), None);
    let effect = update_now(&mut app, Action::OpenLink);
    assert_eq!(
        effect,
        Effect::OpenLink("https://council.example/budget".into())
    );
    assert_eq!(app.link(), Some(0));
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("Opened [1] council.example")
    );
}

#[test]
fn a_count_picks_the_link_and_selects_it() {
    let mut app = reading();
    keys(&mut app, &[Action::Count(3)]);
    assert_eq!(app.count(), Some(3));
    let effect = update_now(&mut app, Action::OpenLink);
    assert_eq!(
        effect,
        Effect::OpenLink("https://files.council.example/b.pdf?x=1".into())
    );
    assert_eq!(app.count(), None);
    assert_eq!(app.link(), Some(2));
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("Opened [3] files.council.example")
    );
    // Without a count, o and y now act on link 3.
    assert_eq!(
        update_now(&mut app, Action::CopyLink),
        Effect::CopyLink("https://files.council.example/b.pdf?x=1".into())
    );
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("Copied [3] to the clipboard")
    );
}

#[test]
fn mail_links_open_and_say_the_address() {
    let mut app = reading();
    let effects = keys(&mut app, &[Action::Count(2), Action::OpenLink]);
    assert_eq!(
        effects[1],
        Effect::OpenLink("mailto:mayor@council.example".into())
    );
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("Opened [2] mayor@council.example")
    );
}

#[test]
fn several_digits_make_one_count() {
    let mut app = reading();
    keys(&mut app, &[Action::Count(1), Action::Count(2)]);
    assert_eq!(app.count(), Some(12));
    assert_eq!(update_now(&mut app, Action::OpenLink), Effect::None);
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("There is no link [12]: this story has 5 links.")
    );
    assert_eq!(app.link(), None);
    // A leading zero is no count; a huge one is capped, never overflows.
    keys(&mut app, &[Action::Count(0)]);
    assert_eq!(app.count(), None);
    keys(&mut app, &vec![Action::Count(9); 40]);
    assert_eq!(app.count(), Some(9999));
}

#[test]
fn script_file_and_custom_links_are_never_opened() {
    let mut app = reading();
    for n in [4, 5] {
        let effects = keys(&mut app, &[Action::Count(n), Action::OpenLink]);
        assert_eq!(effects, vec![Effect::None, Effect::None], "link {n}");
        assert_eq!(
            app_fixture::said(&app).as_deref(),
            Some(messages::NOT_OPENED)
        );
        // Selected all the same, and copying its address is harmless.
        assert_eq!(app.link(), Some(usize::from(n) - 1));
    }
    assert_eq!(
        update_now(&mut app, Action::CopyLink),
        Effect::CopyLink("file:///etc/passwd".into())
    );
}

#[test]
fn a_story_without_links_says_so() {
    let mut app = reading();
    update_now(&mut app, Action::NextSection);
    assert_eq!(
        app.shown_section().map(|s| s.title.as_str()),
        Some("No links here")
    );
    for a in [Action::OpenLink, Action::CopyLink] {
        assert_eq!(update_now(&mut app, a), Effect::None);
        assert_eq!(app_fixture::said(&app).as_deref(), Some(messages::NO_LINKS));
    }
    // An empty library too.
    let mut empty = App::new(Default::default(), String::new());
    assert_eq!(update_now(&mut empty, Action::OpenLink), Effect::None);
    assert_eq!(
        app_fixture::said(&empty).as_deref(),
        Some(messages::NO_LINKS)
    );
}

#[test]
fn esc_cancels_a_count_before_it_leaves_the_story() {
    let mut app = reading();
    keys(&mut app, &[Action::Count(2), Action::Escape]);
    assert_eq!(app.count(), None);
    assert_eq!(app.focus(), Focus::Story);
    update_now(&mut app, Action::Escape);
    assert_eq!(app.focus(), Focus::Sections);
}

#[test]
fn another_key_drops_the_count_and_the_status() {
    let mut app = reading();
    keys(
        &mut app,
        &[Action::OpenLink, Action::Count(2), Action::Down],
    );
    assert_eq!(app.count(), None);
    assert_eq!(app.status(), None);
    // Then o is link 1 again (the selection), not link 2.
    update_now(&mut app, Action::OpenLink);
    assert_eq!(app.link(), Some(0));
}

#[test]
fn the_selection_is_per_story() {
    let mut app = reading();
    keys(&mut app, &[Action::Count(3), Action::OpenLink]);
    assert_eq!(app.link(), Some(2));
    keys(&mut app, &[Action::NextSection, Action::NextSection]);
    assert_eq!(
        app.shown_section().map(|s| s.title.as_str()),
        Some("One link")
    );
    assert_eq!(app.link(), None);
    assert_eq!(
        update_now(&mut app, Action::OpenLink),
        Effect::OpenLink("http://photos.example/fair".into())
    );
    // Resizing keeps it.
    update_now(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    assert_eq!(app.link(), Some(0));
}

#[test]
fn counts_work_from_the_lists_on_the_story_shown() {
    let mut app = App::new(app_fixture::library_with_links(), "Reading.");
    update_now(&mut app, Action::Open);
    assert_eq!(app.focus(), Focus::Sections);
    let effects = keys(&mut app, &[Action::Count(2), Action::OpenLink]);
    assert_eq!(
        effects[1],
        Effect::OpenLink("mailto:mayor@council.example".into())
    );
}

#[test]
fn digits_in_the_filter_bar_are_text_not_counts() {
    let mut app = reading();
    update_now(&mut app, Action::FocusFilter);
    update_now(&mut app, Action::Count(3));
    assert_eq!(app.count(), None);
}

#[test]
fn a_status_from_the_terminal_layer_is_shown_until_the_next_key() {
    let mut app = reading();
    update_now(&mut app, Action::OpenLink);
    update_now(
        &mut app,
        Action::Status(nlread::app::Status::OpenFailed("no opener found".into())),
    );
    assert_eq!(
        app_fixture::said(&app).as_deref(),
        Some("Could not open the link: no opener found")
    );
    update_now(
        &mut app,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
    assert!(app.status().is_some(), "a resize is no key");
    update_now(&mut app, Action::Down);
    assert_eq!(app.status(), None);
}

#[test]
fn a_link_picked_by_number_is_scrolled_into_view() {
    let mut app = reading();
    update_now(
        &mut app,
        Action::Resize {
            width: 60,
            height: 10,
        },
    );
    assert_eq!(app.scroll(), 0);
    let (_, rows) = nlread::app::panes::story_size(app.size().0, app.size().1);
    let in_view = |app: &App, mark: &str| {
        app.story_lines()
            .iter()
            .skip(app.scroll())
            .take(rows)
            .any(|l| l.text().contains(mark))
    };
    assert!(!in_view(&app, "file[5]"));
    keys(&mut app, &[Action::Count(5), Action::CopyLink]);
    assert!(app.scroll() > 0);
    assert!(in_view(&app, "file[5]"), "scroll {}", app.scroll());
    // Back up to link 1: the story scrolls back.
    keys(&mut app, &[Action::Count(1), Action::CopyLink]);
    assert!(in_view(&app, "report[1]"), "scroll {}", app.scroll());
}
