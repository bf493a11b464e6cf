//! The filter bar and the status line.

use super::theme::Theme;
use super::{clean, fit};
use crate::app::keys::place;
use crate::app::{App, Focus, Overlay, messages};
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
    let focused = app.focus() == Focus::Filter;
    let width = usize::from(area.width);
    if !focused && !app.filtering() {
        let hint = fit(messages::FILTER_HINT, width);
        frame.render_widget(Paragraph::new(hint).style(theme.dim()), area);
        return;
    }
    // No count for an empty query: nothing has been looked for yet.
    let count = if app.filtering() {
        let mut count = messages::match_count(app.results().len(), app.index().len());
        if app.searching() {
            // The letter is drawn at once; the count still belongs to the
            // query before it until the worker answers.
            count = format!("{} {count}", messages::SEARCHING);
        }
        count
    } else {
        String::new()
    };
    let count = Span::styled(count, theme.dim());
    let query = app.query();
    let caret = app.filter().caret().min(query.len());
    let (before, after) = (clean(&query[..caret]), clean(&query[caret..]));
    let prompt_w = messages::FILTER_PROMPT.width();
    // Keep the caret in view: text before it is dropped from the left.
    let room = width.saturating_sub(prompt_w + 1);
    let mut head = before;
    while head.width() > room {
        head.remove(0);
    }
    let tail = fit_plain(&after, room.saturating_sub(head.width()));
    let prompt_style = if focused {
        theme.border(true)
    } else {
        theme.dim()
    };
    let left = vec![
        Span::styled(messages::FILTER_PROMPT, prompt_style),
        Span::raw(head.clone()),
        Span::raw(tail),
    ];
    frame.render_widget(Paragraph::new(split_line(left, count, width)), area);
    if focused && app.overlay() == Overlay::None {
        let x = area.x + u16::try_from(prompt_w + head.width()).unwrap_or(u16::MAX);
        if x < area.right() {
            frame.set_cursor_position((x, area.y));
        }
    }
}

/// `text` cut to `width` cells without an ellipsis.
fn fit_plain(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for (_, c) in crate::text::clusters(text) {
        let w = crate::text::width(c);
        if used + w > width {
            break;
        }
        out.push_str(c);
        used += w;
    }
    out
}

/// Where the keys are, for the hints: a bit of `keys::place`.
fn hint_place(app: &App) -> u8 {
    match app.overlay() {
        Overlay::Links(_) => return place::LINKS,
        Overlay::Messages { .. } | Overlay::Help { .. } => return place::MESSAGES,
        Overlay::None => {}
    }
    match app.focus() {
        Focus::Issues => place::ISSUES,
        Focus::Sections if app.listing() => place::RESULTS,
        Focus::Sections => place::STORIES,
        Focus::Story if app.filtering() && !app.story_view().matches().is_empty() => {
            place::STORY | place::MATCHES
        }
        Focus::Story => place::STORY,
        Focus::Filter => place::BAR,
    }
}

pub fn status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let hints = messages::status_hints(&app.settings.keys, hint_place(app));
    // What the last key did, or the count being typed, comes before all
    // else; then how far a fetch or a load got, or where the issues came from.
    let (said, style) = match (app.count(), app.status()) {
        (Some(n), _) => (messages::pending_count(n), theme.border(true)),
        (None, Some(status)) => (messages::status(status), theme.status()),
        (None, None) => match app.progress() {
            _ if app.fetching().is_some() => {
                let (done, total) = app.fetching().unwrap_or_default();
                (messages::fetch_progress(done, total), theme.status())
            }
            Some((done, total)) => (messages::progress(done, total), theme.status()),
            None if app.is_loading() => (messages::LOADING.to_string(), theme.status()),
            None => (app.origin().said.clone(), theme.status()),
        },
    };
    let said = clean(&said);
    // The problems stay said until the session ends, whatever else is.
    let problems = messages::problem_count(app.problem_count(), &app.settings.keys);
    let problems_w = problems.as_ref().map_or(0, |p| p.width() + 3);
    let mut left: Vec<Span> = Vec::new();
    if !said.is_empty() {
        let room = width.saturating_sub(problems_w);
        left.push(Span::styled(fit(&said, room), style));
    }
    if let Some(problems) = problems {
        let used: usize = left.iter().map(|s| s.content.width()).sum();
        if !left.is_empty() {
            left.push(Span::raw(" · "));
        }
        let room = width.saturating_sub(used + 3);
        left.push(Span::styled(fit(&problems, room), theme.error()));
    }
    let left_w: usize = left.iter().map(|s| s.content.width()).sum();
    // The hints that fit beside what is said, in the table's order.
    let mut shown = String::new();
    for hint in &hints {
        let more = if shown.is_empty() {
            hint.width()
        } else {
            shown.width() + 2 + hint.width()
        };
        if left_w + 2 + more > width {
            break;
        }
        if !shown.is_empty() {
            shown.push_str("  ");
        }
        shown.push_str(hint);
    }
    let right = Span::styled(shown, theme.dim());
    frame.render_widget(Paragraph::new(split_line(left, right, width)), area);
}
