//! The reader drawn with the config's theme: the light preset's colours
//! reach the cells, NO_COLOR still wins, and configured pane widths shape
//! the frame.

use crate::fixture as app_fixture;

use nlread::app::panes::PaneWidths;
use nlread::app::{Action, App, update_now};
use nlread::ui::theme::{Palette, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

fn app(width: u16, height: u16, actions: &[Action]) -> App {
    let mut app = App::new(app_fixture::library(), "Reading 3 files from ./issues.");
    update_now(&mut app, Action::Resize { width, height });
    for a in actions {
        update_now(&mut app, a.clone());
    }
    app
}

fn draw(app: &App, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(app.size().0, app.size().1)).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw_themed(frame, app, theme))
        .expect("draw");
    terminal
}

/// The first cell whose row text contains `needle`, at the needle's start.
fn find(buffer: &Buffer, needle: &str) -> (u16, u16) {
    let area = buffer.area;
    for y in 0..area.height {
        let row: Vec<&str> = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        let line = row.concat();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return (u16::try_from(x).expect("x"), y);
        }
    }
    panic!("{needle:?} is not on the screen");
}

#[test]
fn the_light_preset_draws_the_same_screen_in_its_colours() {
    let app = app(120, 35, &[]);
    let terminal = draw(&app, &Theme::with_palette(Palette::light(), false));
    insta::assert_snapshot!(terminal.backend());
    let buffer = terminal.backend().buffer();
    let light = Palette::light();
    // The focused pane's border.
    assert_eq!(buffer[(0, 0)].fg, light.border_focused);
    // The story pane's border (not focused).
    let (x, y) = find(buffer, "Story");
    assert_eq!(buffer[(x - 2, y)].fg, light.border);
    // The selected issue: the light selection colours, no reverse video.
    let (x, y) = find(buffer, "2024-03-04 Markets");
    let cell = &buffer[(x + 1, y)];
    assert_eq!(cell.bg, light.selection);
    assert!(!cell.modifier.contains(Modifier::REVERSED));
    // The newsletter above the story.
    let (x, y) = find(buffer, "Morning Brief · 2024");
    assert_eq!(buffer[(x, y)].fg, light.newsletter);
}

#[test]
fn the_dark_default_is_what_draw_uses() {
    let app = app(80, 24, &[]);
    let themed = draw(&app, &Theme::with_palette(Palette::dark(), false));
    let plain = draw(&app, &Theme::new(false));
    assert_eq!(themed.backend().buffer(), plain.backend().buffer());
    let mut light = app;
    light.no_color = false;
    let lit = draw(&light, &Theme::with_palette(Palette::light(), false));
    assert_ne!(lit.backend().buffer(), plain.backend().buffer());
}

#[test]
fn no_color_draws_the_light_preset_without_colours() {
    let app = app(120, 35, &[Action::FocusFilter, Action::FilterInput('r')]);
    let terminal = draw(&app, &Theme::with_palette(Palette::light(), true));
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
}

#[test]
fn configured_pane_widths_move_the_borders() {
    let mut app = app(120, 35, &[]);
    app.settings.panes = PaneWidths {
        issues: 40,
        sections: 10,
    };
    update_now(
        &mut app,
        Action::Resize {
            width: 120,
            height: 35,
        },
    );
    let terminal = draw(&app, &Theme::new(true));
    let buffer = terminal.backend().buffer();
    // Issues: 48 columns, stories: 12, the story the remaining 60.
    assert_eq!(buffer[(47, 0)].symbol(), "┐");
    assert_eq!(buffer[(48, 0)].symbol(), "┌");
    assert_eq!(buffer[(59, 0)].symbol(), "┐");
    assert_eq!(buffer[(60, 0)].symbol(), "┌");
    assert_eq!(app.story_size().0, 58);
}
