//! What is drawn over the panes: the help (every key as bound), the
//! messages (every problem of the session) and the shown story's links.

use super::theme::Theme;
use super::{clean, fit};
use crate::app::{App, Cursor, messages};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph};
use unicode_width::UnicodeWidthStr;

fn frame_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .title(format!(" {title} "))
        .border_style(theme.border(true))
}

/// `" 3-20/31 "` in the border when not every row is in view.
fn position(block: Block<'_>, first: usize, rows: usize, total: usize) -> Block<'_> {
    if total <= rows || rows == 0 {
        return block;
    }
    let last = (first + rows).min(total);
    block.title_top(Line::from(messages::story_position(first + 1, last, total)).right_aligned())
}

pub fn help(frame: &mut Frame, area: Rect, app: &App, scroll: usize, theme: &Theme) {
    let (width, height) = app.size();
    let lines = messages::help_lines(&app.settings.keys, width, height);
    let block = frame_block(messages::HELP_TITLE, theme);
    let inner = block.inner(area);
    let block = position(block, scroll, usize::from(inner.height), lines.len());
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .map(|(keys, what)| {
            Line::from(vec![
                Span::raw(" "),
                Span::styled(
                    format!("{keys}  "),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(what.clone()),
            ])
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(shown), inner);
}

pub fn messages(frame: &mut Frame, area: Rect, app: &App, scroll: usize, theme: &Theme) {
    let (width, height) = app.size();
    let lines = messages::problem_lines(app.problems(), width, height);
    let block = frame_block(messages::MESSAGES_TITLE, theme);
    let inner = block.inner(area);
    let block = position(block, scroll, usize::from(inner.height), lines.len());
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .map(|l| {
            let style = if app.problem_count() == 0 {
                theme.dim()
            } else {
                Style::new()
            };
            Line::from(Span::styled(format!(" {}", clean(l)), style))
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(shown), inner);
}

pub fn links(frame: &mut Frame, area: Rect, app: &App, cursor: Cursor, theme: &Theme) {
    let Some(section) = app.shown_section() else {
        return;
    };
    let block = frame_block(messages::LINKS_HEADING, theme);
    let inner = block.inner(area);
    let room = usize::from(inner.width);
    let items: Vec<ListItem> = section
        .links
        .iter()
        .enumerate()
        .skip(cursor.offset())
        .take(usize::from(inner.height).max(1))
        .map(|(k, link)| {
            let number = format!("[{}] ", k + 1);
            let text = clean(link.text.trim());
            let url = clean(&link.url);
            let said = if text.is_empty() || text == url {
                url
            } else {
                format!("{text} — {url}")
            };
            let rest = room.saturating_sub(number.width());
            ListItem::new(Line::from(vec![
                Span::styled(
                    number,
                    theme.segment(crate::app::story::Segment::LinkMark(k)),
                ),
                Span::raw(fit(&said, rest)),
            ]))
        })
        .collect();
    let selected = cursor.selected().checked_sub(cursor.offset());
    let mut state = ListState::default().with_selected(selected);
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected(true));
    frame.render_widget(Clear, area);
    frame.render_stateful_widget(list, area, &mut state);
}
