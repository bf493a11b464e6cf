//! Frames drawn into a TestBackend after meaningful key sequences, at the
//! sizes the reader promises to handle.

use crate::fixture as app_fixture;

use nlread::app::{Action, App, update_now};
use nlread::model::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

fn app(library: Library, width: u16, height: u16, actions: &[Action]) -> App {
    let mut app = App::new(library, "Reading 3 files from ./issues.");
    app.no_color = true;
    update_now(&mut app, Action::Resize { width, height });
    for a in actions {
        update_now(&mut app, a.clone());
    }
    app
}

fn typed(text: &str) -> Vec<Action> {
    let mut actions = vec![Action::FocusFilter];
    actions.extend(text.chars().map(Action::FilterInput));
    actions
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(app.size().0, app.size().1)).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
    terminal
}

fn frame(actions: &[Action], width: u16, height: u16) -> Terminal<TestBackend> {
    draw(&app(app_fixture::library(), width, height, actions))
}

#[test]
fn start_120x35() {
    insta::assert_snapshot!(frame(&[], 120, 35).backend());
}

#[test]
fn open_issue_120x35() {
    insta::assert_snapshot!(frame(&[Action::Open, Action::Down], 120, 35).backend());
}

#[test]
fn reading_a_story_120x35() {
    let actions = [Action::Open, Action::Down, Action::Open];
    insta::assert_snapshot!(frame(&actions, 120, 35).backend());
}

#[test]
fn reading_a_long_story_paged_80x24() {
    let actions = [Action::Down, Action::Open, Action::Open, Action::PageDown];
    insta::assert_snapshot!(frame(&actions, 80, 24).backend());
}

#[test]
fn lists_at_80x24_show_the_focused_list() {
    insta::assert_snapshot!("issues_80x24", frame(&[], 80, 24).backend());
    insta::assert_snapshot!("sections_80x24", frame(&[Action::Open], 80, 24).backend());
}

#[test]
fn narrow_50x20_shows_one_pane() {
    let actions = [Action::Open, Action::Down, Action::Down, Action::Open];
    insta::assert_snapshot!(frame(&actions, 50, 20).backend());
}

#[test]
fn filtering_piano_120x35() {
    insta::assert_snapshot!(frame(&typed("piano"), 120, 35).backend());
}

#[test]
fn filter_results_focused_80x24() {
    let mut actions = typed("piano");
    actions.push(Action::FilterSubmit);
    insta::assert_snapshot!(frame(&actions, 80, 24).backend());
}

#[test]
fn filter_without_matches_80x24() {
    insta::assert_snapshot!(frame(&typed("zzz"), 80, 24).backend());
}

#[test]
fn help_overlay_80x24() {
    insta::assert_snapshot!(frame(&[Action::ToggleHelp], 80, 24).backend());
}

#[test]
fn help_overlay_120x35() {
    insta::assert_snapshot!(frame(&[Action::ToggleHelp], 120, 35).backend());
}

#[test]
fn smallest_20x5() {
    insta::assert_snapshot!(frame(&[], 20, 5).backend());
}

#[test]
fn too_small_19x5() {
    insta::assert_snapshot!(frame(&[], 19, 5).backend());
}

#[test]
fn load_errors_in_the_status_line_120x35() {
    let app = app(app_fixture::library_with_errors(), 120, 35, &[]);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn empty_library_80x24() {
    let app = app(Library::default(), 80, 24, &[Action::Down, Action::Open]);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn tiny_frames_do_not_panic() {
    for (w, h) in [
        (0, 0),
        (1, 1),
        (0, 5),
        (5, 0),
        (2, 2),
        (19, 4),
        (20, 5),
        (21, 6),
    ] {
        for actions in [vec![], vec![Action::ToggleHelp], typed("piano")] {
            for library in [app_fixture::library(), Library::default()] {
                let app = app(library, w, h, &actions);
                let terminal = draw(&app);
                let area = terminal.backend().buffer().area;
                assert_eq!((area.width, area.height), (w, h));
            }
        }
    }
}

#[test]
fn a_frame_larger_or_smaller_than_the_app_thinks_is_safe() {
    let app = app(app_fixture::library(), 120, 35, &[Action::Open]);
    for (w, h) in [(80, 24), (200, 60), (1, 1)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal
            .draw(|frame| nlread::ui::draw(frame, &app))
            .expect("draw");
    }
}

/// The snapshot text cannot show styles: check the highlights directly.
#[test]
fn matches_are_highlighted_without_colour() {
    let terminal = frame(&typed("piano"), 120, 35);
    let buffer = terminal.backend().buffer();
    let highlighted = |y: u16, x0: u16, x1: u16| -> String {
        (x0..x1)
            .filter(|&x| {
                buffer[(x, y)]
                    .modifier
                    .contains(Modifier::UNDERLINED | Modifier::BOLD)
            })
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect()
    };
    // No colours at all under NO_COLOR.
    assert!(
        buffer
            .content()
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset)
    );
    // Results pane: the fuzzy-matched characters of each title.
    let panes = nlread::app::panes::panes(120, 35, nlread::app::Focus::Filter);
    let sections_x = panes.sections.unwrap().x + 1;
    let result_rows: Vec<String> = (1..3)
        .map(|y| highlighted(y, sections_x, sections_x + 30))
        .collect();
    assert_eq!(result_rows, ["piano", "piano"]);
    // Story pane: each "piano" in the text.
    let story_x = panes.story.unwrap().x + 1;
    let hits: String = (1..34).map(|y| highlighted(y, story_x, 120)).collect();
    assert!(hits.matches("piano").count() >= 2, "{hits:?}");
}

#[test]
fn loading_80x24() {
    let mut app = App::loading();
    app.no_color = true;
    update_now(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    insta::assert_snapshot!("loading_first_frame_80x24", draw(&app).backend());
    for a in [Action::Down, Action::Open, Action::FocusFilter] {
        update_now(&mut app, a);
    }
    // A letter typed while loading is in the bar; its search waits.
    update_now(&mut app, Action::FilterInput('p'));
    insta::assert_snapshot!("loading_with_a_filter_80x24", draw(&app).backend());
}

/// The next letter is drawn before its search is answered; the old results
/// stay, and the count says it is behind.
#[test]
fn a_search_in_flight_80x24() {
    let mut app = app(app_fixture::library(), 80, 24, &typed("piano"));
    let effect = nlread::app::update(&mut app, Action::FilterInput('s'));
    assert!(matches!(effect, nlread::app::Effect::Search { .. }));
    insta::assert_snapshot!(draw(&app).backend());
}

/// Lists are drawn by window: far down a long list the selected row is the
/// one in view and highlighted, also when the frame is smaller than the
/// size the app last heard of.
#[test]
fn the_bottom_of_a_long_list_is_in_view() {
    let app = app(
        app_fixture::many_issues(5000),
        80,
        24,
        &[Action::Bottom, Action::Up],
    );
    insta::assert_snapshot!("long_list_near_the_bottom_80x24", draw(&app).backend());
    for (w, h) in [(80, 24), (80, 10), (33, 8)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal
            .draw(|frame| nlread::ui::draw(frame, &app))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        // The issue list's columns only: the story's header names the issue too.
        let list_w = app.panes().issues.map_or(w, |a| a.width).min(w);
        let rows: Vec<String> = (0..h)
            .map(|y| (0..list_w).map(|x| buffer[(x, y)].symbol()).collect())
            .collect();
        let selected = rows
            .iter()
            .enumerate()
            .find(|(_, row)| row.contains("Issue 4998"))
            .map(|(y, _)| y as u16);
        let Some(y) = selected else {
            panic!(
                "the selected issue is not drawn at {w}x{h}:\n{}",
                rows.join("\n")
            );
        };
        // Focused selection: reversed (NO_COLOR theme).
        assert!(
            buffer[(2, y)].modifier.contains(Modifier::REVERSED),
            "row {y} is not highlighted at {w}x{h}"
        );
    }
}

/// A digest with groups: the story list reads like an outline (the first
/// story of a group names it, the others are indented under it) and the
/// story's header names its group.
#[test]
fn groups_in_the_story_list_and_header_100x24() {
    let text = "# Tinker Weekly\n\nHello, tinkerers.\n\n## From the community\n\n### Official\n\nThe club opens its new workshop on Saturday.\n\n### Blogs\n\nA long post on soldering irons and their tips.\n\n## Jobs board\n\nNo openings this week.\n";
    let issues = nlread::parse::parse_bytes(text.as_bytes(), "tinker.md").expect("parses");
    let library = Library {
        issues,
        ..Library::default()
    };
    let actions = [Action::Open, Action::Down, Action::Open];
    let terminal = draw(&app(library, 100, 24, &actions));
    let screen = format!("{:?}", terminal.backend());
    assert!(screen.contains("│   From the community"), "{screen}");
    assert!(
        screen.contains("     Official"),
        "indented under its group: {screen}"
    );
    assert!(
        screen.contains("N    Blogs"),
        "indented under its group: {screen}"
    );
    assert!(
        screen.contains("│From the community ›"),
        "the story names its group: {screen}"
    );
    insta::assert_snapshot!(terminal.backend());
}
