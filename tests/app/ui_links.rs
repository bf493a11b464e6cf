//! Frames of a story with links: the [n] numbers in the text, the link
//! list under it, the selected link, and the status line for counts and
//! refusals. Snapshots are drawn without colour; styles are checked on cells.

use crate::fixture as app_fixture;

use nlread::app::{Action, App, update_now};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

/// The linked story, read from the story pane, after `actions`.
fn reading(width: u16, height: u16, actions: &[Action]) -> App {
    let mut app = App::new(app_fixture::library_with_links(), "Reading 1 file.");
    app.no_color = true;
    update_now(&mut app, Action::Resize { width, height });
    for a in [Action::Open, Action::Open].iter().chain(actions) {
        update_now(&mut app, a.clone());
    }
    app
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(app.size().0, app.size().1)).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
    terminal
}

/// Every run of cells drawn reversed, as text.
fn reversed(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    let mut runs = Vec::new();
    for y in 0..area.height {
        let mut run = String::new();
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            if cell.modifier.contains(Modifier::REVERSED) {
                run.push_str(cell.symbol());
            } else if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
    }
    runs
}

#[test]
fn story_with_links_120x35() {
    insta::assert_snapshot!(draw(&reading(120, 35, &[])).backend());
}

#[test]
fn story_with_links_80x24() {
    insta::assert_snapshot!(draw(&reading(80, 24, &[])).backend());
}

#[test]
fn link_list_paged_into_view_60x14() {
    let app = reading(60, 14, &[Action::Bottom]);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn third_link_selected_120x35() {
    let app = reading(120, 35, &[Action::Count(3), Action::OpenLink]);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    // Its number in the text and in the list, and nothing else, reversed.
    assert_eq!(reversed(terminal.backend().buffer()), vec!["[3]", "[3] "]);
}

#[test]
fn a_count_being_typed_80x24() {
    let app = reading(80, 24, &[Action::Count(4)]);
    insta::assert_snapshot!(draw(&app).backend());
}

#[test]
fn a_refused_link_80x24() {
    let app = reading(80, 24, &[Action::Count(4), Action::OpenLink]);
    let terminal = draw(&app);
    let last = terminal.backend().buffer().area.height - 1;
    let status: String = (0..80)
        .map(|x| terminal.backend().buffer()[(x, last)].symbol().to_string())
        .collect();
    assert!(
        status.starts_with("not opened: only web and mail links are opened"),
        "{status:?}"
    );
}

#[test]
fn link_numbers_are_styled_apart_from_the_text() {
    let app = reading(120, 35, &[]);
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    // Under NO_COLOR a number is bold, the words around it are not.
    let row = (0..35)
        .find(|&y| {
            (0..120)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("report[1]")
        })
        .expect("the first link's line is in view");
    let line: String = (0..120).map(|x| buffer[(x, row)].symbol()).collect();
    let byte = line.find("[1]").expect("marker");
    let at = line[..byte].chars().count() as u16;
    let bold = |x: u16| buffer[(x, row)].modifier.contains(Modifier::BOLD);
    assert!((at..at + 3).all(bold));
    assert!(!bold(at - 1));
}

#[test]
fn tiny_frames_with_links_do_not_panic() {
    for (w, h) in [(0, 0), (1, 1), (20, 5), (21, 6), (30, 8)] {
        for actions in [
            vec![],
            vec![Action::Count(2), Action::OpenLink, Action::Bottom],
        ] {
            let app = reading(w, h, &actions);
            draw(&app);
        }
    }
}
