//! The help overlay: every key as bound (defaults or the config), centred
//! over the reader.

use super::fit;
use super::theme::Theme;
use crate::app::keys::Bindings;
use crate::app::messages;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// The narrowest key column; a longer binding widens it up to the maximum.
const KEY_COLUMN: usize = 18;
const KEY_COLUMN_MAX: usize = 28;

pub fn help(frame: &mut Frame, screen: Rect, bindings: &Bindings, theme: &Theme) {
    let rows = messages::help(bindings);
    let key_column = rows
        .iter()
        .map(|(keys, _)| keys.chars().count() + 2)
        .max()
        .unwrap_or(0)
        .clamp(KEY_COLUMN, KEY_COLUMN_MAX);
    let widest = rows
        .iter()
        .map(|(_, what)| key_column + what.chars().count())
        .max()
        .unwrap_or(0);
    let want_w = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let want_h = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX);
    let width = want_w.min(screen.width);
    let height = want_h.min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - width) / 2,
        screen.y + (screen.height - height) / 2,
        width,
        height,
    );
    let block = Block::bordered()
        .title(format!(" {} ", messages::HELP_TITLE))
        .border_style(theme.border(true));
    let inner = block.inner(area);
    let room = usize::from(inner.width).saturating_sub(1);
    let lines: Vec<Line> = rows
        .iter()
        .map(|(keys, what)| {
            let keys = fit(keys, key_column - 1);
            Line::from(vec![
                Span::raw(" "),
                Span::styled(
                    format!("{keys:<key_column$}"),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(fit(what, room.saturating_sub(key_column))),
            ])
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
}
