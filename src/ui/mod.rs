//! Drawing: a pure function from `&App` to a ratatui frame. Never mutates
//! the app; widget state (list offsets) is rebuilt from its integers, and
//! the story's lines are the ones `update` laid out.

mod bars;
mod lists;
mod overlay;
mod story;
pub mod theme;

use crate::app::panes::Area;
use crate::app::{App, Overlay, messages};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};
use theme::Theme;

/// Draws the whole reader in the default colours (none under NO_COLOR).
pub fn draw(frame: &mut Frame, app: &App) {
    draw_themed(frame, app, &Theme::new(app.no_color));
}

/// Draws the whole reader in `theme`'s colours (see [`Theme::with_palette`]).
pub fn draw_themed(frame: &mut Frame, app: &App, theme: &Theme) {
    let screen = frame.area();
    if screen.width == 0 || screen.height == 0 {
        return;
    }
    let theme = *theme;
    let panes = app.panes();
    if panes.too_small {
        let msg = Paragraph::new(messages::TOO_SMALL)
            .style(theme.dim())
            .wrap(Wrap { trim: true });
        frame.render_widget(msg, screen);
        return;
    }
    // The app's size decides the layout; clipping to the frame keeps a
    // resize the app has not seen yet from drawing out of bounds.
    let rect = |a: Area| Rect::new(a.x, a.y, a.width, a.height).intersection(screen);
    if let Some(area) = panes.issues {
        lists::issues(frame, rect(area), app, &theme);
    }
    if let Some(area) = panes.sections {
        lists::sections(frame, rect(area), app, &theme);
    }
    if let Some(area) = panes.story {
        story::story(frame, rect(area), app, &theme);
    }
    bars::filter(frame, rect(panes.filter), app, &theme);
    bars::status(frame, rect(panes.status), app, &theme);
    let (width, height) = app.size();
    let over = rect(crate::app::panes::overlay(width, height));
    match app.overlay() {
        Overlay::None => {}
        Overlay::Help { scroll } => overlay::help(frame, over, app, scroll, &theme),
        Overlay::Messages { scroll } => overlay::messages(frame, over, app, scroll, &theme),
        Overlay::Links(cursor) => overlay::links(frame, over, app, cursor, &theme),
    }
}

/// Untrusted text made safe for a cell buffer (parser output is clean
/// already; this is the second wall).
fn clean(text: &str) -> String {
    crate::text::sanitize(text).replace('\n', " ")
}

/// `text` cut to `width` cells, with an ellipsis when cut; never inside a
/// cluster (an accented letter, a flag, an emoji sequence).
fn fit(text: &str, width: usize) -> String {
    if crate::text::width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for (_, c) in crate::text::clusters(text) {
        let w = crate::text::width(c);
        if used + w + 1 > width {
            break;
        }
        out.push_str(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("hello", 5), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("日本語", 4), "日…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("❤️❤️❤️", 5), "❤️❤️…");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }
}
