//! The story pane: the lines `update` laid out, styled, with filter
//! keywords highlighted (the match gone to more strongly).

use super::clean;
use super::theme::Theme;
use crate::app::story::{self, Segment};
use crate::app::{App, Focus, messages};
use crate::search;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn story(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus() == Focus::Story;
    let lines = app.story_lines();
    let (_, rows) = app.story_size();
    let scroll = app.scroll();
    let mut block = Block::bordered()
        .title(format!(" {} ", messages::STORY_TITLE))
        .border_style(theme.border(focused));
    if lines.len() > rows && rows > 0 {
        let last = (scroll + rows).min(lines.len());
        let position = messages::story_position(scroll + 1, last, lines.len());
        block = block.title_top(Line::from(position).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if app.shown_section().is_none() {
        let msg = if app.is_loading() && app.library().issues.is_empty() {
            messages::LOADING
        } else if app.filtering() && app.searching() {
            messages::SEARCHING_LIST
        } else if app.library().issues.is_empty() {
            messages::NO_ISSUES
        } else if app.filtering() {
            messages::NO_RESULTS
        } else {
            messages::NO_STORY
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), inner);
        return;
    }
    let terms = if app.filtering() {
        app.terms()
    } else {
        Vec::new()
    };
    let current = app.story_view().current_match();
    let shown: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(scroll)
        .take(usize::from(inner.height))
        .map(|(i, line)| {
            let hit = if current == Some(i) {
                theme.current_hit()
            } else {
                theme.hit()
            };
            let spans = line
                .segments
                .iter()
                .flat_map(|(segment, text)| styled(*segment, text, &terms, app.link(), hit, theme))
                .collect::<Vec<_>>();
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// One segment as spans, keyword hits in the `hit` style, the number of the
/// selected link (`link`) in the selection style.
fn styled<'a>(
    segment: Segment,
    text: &str,
    terms: &[String],
    link: Option<usize>,
    hit: Style,
    theme: &Theme,
) -> Vec<Span<'a>> {
    let text = clean(text);
    let base = match segment {
        Segment::LinkMark(k) if Some(k) == link => theme.selected_link(),
        _ => theme.segment(segment),
    };
    if terms.is_empty() || !story::searchable(segment) {
        return vec![Span::styled(text, base)];
    }
    let mut spans = Vec::new();
    let mut at = 0;
    for range in search::keyword_ranges(&text, terms) {
        let (Some(before), Some(found)) = (text.get(at..range.start), text.get(range.clone()))
        else {
            continue;
        };
        if !before.is_empty() {
            spans.push(Span::styled(before.to_string(), base));
        }
        spans.push(Span::styled(found.to_string(), base.patch(hit)));
        at = range.end;
    }
    if let Some(rest) = text.get(at..)
        && !rest.is_empty()
    {
        spans.push(Span::styled(rest.to_string(), base));
    }
    spans
}
