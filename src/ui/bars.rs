//! The filter bar and the status line.

use super::theme::Theme;
use super::{clean, fit};
use crate::app::messages;
use crate::app::{App, Focus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// `left` then `right` pushed to the right edge; `right` is dropped when
/// both do not fit, `left` is cut.
fn split_line<'a>(left: Vec<Span<'a>>, right: Span<'a>, width: usize) -> Line<'a> {
    let left_w: usize = left.iter().map(|s| s.content.width()).sum();
    let right_w = right.content.width();
    if left_w + 2 + right_w <= width {
        let mut spans = left;
        spans.push(Span::raw(" ".repeat(width - left_w - right_w)));
        spans.push(right);
        Line::from(spans)
    } else {
        Line::from(left)
    }
}

pub fn filter(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Focus::Filter;
    let width = usize::from(area.width);
    if !focused && !app.filtering() {
        let hint = fit(messages::FILTER_HINT, width);
        frame.render_widget(Paragraph::new(hint).style(theme.dim()), area);
        return;
    }
    let mut count = messages::match_count(app.results.len(), app.index().len());
    if app.searching() {
        // The letter is drawn at once; the count still belongs to the query
        // before it until the worker answers.
        count = format!("{} {count}", messages::SEARCHING);
    }
    let count = Span::styled(count, theme.dim());
    let query = clean(&app.filter);
    let prompt_w = messages::FILTER_PROMPT.width();
    // Keep the end of a long query (where typing happens) in view.
    let room = width.saturating_sub(prompt_w + 1);
    let mut shown: String = query.clone();
    while shown.width() > room {
        shown.remove(0);
    }
    let prompt_style = if focused {
        theme.border(true)
    } else {
        theme.dim()
    };
    let left = vec![
        Span::styled(messages::FILTER_PROMPT, prompt_style),
        Span::raw(shown.clone()),
    ];
    frame.render_widget(Paragraph::new(split_line(left, count, width)), area);
    if focused && !app.help {
        let x = area.x + u16::try_from(prompt_w + shown.width()).unwrap_or(u16::MAX);
        if x < area.right() {
            frame.set_cursor_position((x, area.y));
        }
    }
}

pub fn status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let hints = if app.focus == Focus::Filter {
        messages::FILTER_HINTS.to_string()
    } else {
        messages::status_hints(&app.settings.keys)
    };
    let hints = hints.as_str();
    let hints_w = hints.width();
    let room = if width >= hints_w + 12 {
        width - hints_w - 2
    } else {
        width
    };
    let mut left = Vec::new();
    // What the last key did, or the count being typed, comes before all else.
    let said = match (app.count, &app.status) {
        (Some(n), _) => Some(messages::pending_count(n)),
        (None, Some(status)) => Some(status.clone()),
        (None, None) => None,
    };
    if let Some(said) = said {
        let style = if app.count.is_some() {
            theme.border(true)
        } else {
            theme.status()
        };
        left.push(Span::styled(fit(&clean(&said), room), style));
        let right = Span::styled(hints, theme.dim());
        frame.render_widget(Paragraph::new(split_line(left, right, width)), area);
        return;
    }
    match messages::load_errors(&app.library().errors) {
        Some(errors) => {
            let origin = clean(&app.origin);
            let errors = clean(&errors);
            let both = format!("{origin} · {errors}");
            if both.width() <= room {
                left.push(Span::styled(origin, theme.status()));
                left.push(Span::raw(" · "));
                left.push(Span::styled(errors, theme.error()));
            } else {
                // The errors matter more than where things came from.
                left.push(Span::styled(fit(&errors, room), theme.error()));
            }
        }
        None => left.push(Span::styled(fit(&clean(&app.origin), room), theme.status())),
    }
    let right = Span::styled(hints, theme.dim());
    frame.render_widget(Paragraph::new(split_line(left, right, width)), area);
}
