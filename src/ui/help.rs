//! The help overlay: every key, centred over the reader.

use super::fit;
use super::theme::Theme;
use crate::app::messages;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

const KEY_COLUMN: usize = 18;

pub fn help(frame: &mut Frame, screen: Rect, theme: &Theme) {
    let widest = messages::HELP
        .iter()
        .map(|(_, what)| KEY_COLUMN + what.chars().count())
        .max()
        .unwrap_or(0);
    let want_w = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let want_h = u16::try_from(messages::HELP.len() + 2).unwrap_or(u16::MAX);
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
    let lines: Vec<Line> = messages::HELP
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::raw(" "),
                Span::styled(
                    format!("{keys:<KEY_COLUMN$}"),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(fit(what, room.saturating_sub(KEY_COLUMN))),
            ])
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
}
