//! The terminal: setup, restore (on quit, error and panic), and the event
//! loop read event -> keymap -> update -> draw. The only code that does
//! terminal I/O.

pub mod keymap;

use crate::app::{self, Action, App, Effect};
use crate::model::Library;
use crossterm::event::{self, Event};
use ratatui::DefaultTerminal;

/// Runs the reader on `library` until the user quits. `origin` says where
/// the issues came from, for the status line.
pub fn run(library: Library, origin: String) -> anyhow::Result<()> {
    let mut app = App::new(library, origin);
    app.no_color = no_color();
    // try_init also installs a panic hook that restores the terminal before
    // the panic message is printed.
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, &mut app);
    ratatui::restore();
    result
}

/// NO_COLOR (no-color.org): set and not empty means no colours.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn event_loop(terminal: &mut DefaultTerminal, app: &mut App) -> anyhow::Result<()> {
    let size = terminal.size()?;
    app::update(
        app,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );
    loop {
        terminal.draw(|frame| crate::ui::draw(frame, app))?;
        let action = match event::read()? {
            Event::Key(key) => keymap::action(key, app),
            Event::Resize(width, height) => Some(Action::Resize { width, height }),
            _ => None,
        };
        if let Some(action) = action
            && app::update(app, action) == Effect::Quit
        {
            return Ok(());
        }
    }
}
