//! The issue list and the section list (or, while filtering, the results).

use super::theme::Theme;
use super::{clean, fit};
use crate::app::messages;
use crate::app::{App, Focus};
use crate::search;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph};

fn pane<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .title(format!(" {title} "))
        .border_style(theme.border(focused))
}

/// A list with `selected`/`offset` from the app; an empty list shows `empty`.
#[allow(clippy::too_many_arguments)]
fn draw_list(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    items: Vec<ListItem>,
    selected: usize,
    offset: usize,
    focused: bool,
    empty: &str,
    theme: &Theme,
) {
    if items.is_empty() {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(fit(empty, usize::from(inner.width))).style(theme.dim()),
            inner,
        );
        return;
    }
    let mut state = ListState::default()
        .with_offset(offset)
        .with_selected(Some(selected));
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected(focused));
    frame.render_stateful_widget(list, area, &mut state);
}

pub fn issues(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Focus::Issues;
    let issues = &app.library().issues;
    let title = if issues.is_empty() {
        messages::ISSUES_TITLE.to_string()
    } else {
        format!("{} {}", messages::ISSUES_TITLE, issues.len())
    };
    let items = issues
        .iter()
        .map(|issue| {
            let mut spans = Vec::new();
            if let Some(n) = &issue.newsletter {
                spans.push(Span::styled(clean(n), theme.newsletter()));
                spans.push(Span::raw(" "));
            }
            if let Some(d) = &issue.date {
                spans.push(Span::styled(clean(d), theme.dim()));
                spans.push(Span::raw(" "));
            }
            spans.push(Span::raw(title_or_untitled(&issue.title)));
            ListItem::new(Line::from(spans))
        })
        .collect();
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        items,
        app.issue,
        app.issue_offset,
        focused,
        messages::NO_ISSUES,
        theme,
    );
}

pub fn sections(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if app.filtering() {
        return results(frame, area, app, theme);
    }
    let focused = app.focus == Focus::Sections;
    let Some(issue) = app.selected_issue() else {
        let block = pane(messages::SECTIONS_TITLE.to_string(), focused, theme);
        frame.render_widget(block, area);
        return;
    };
    let items = issue
        .sections
        .iter()
        .map(|s| ListItem::new(title_or_untitled(&s.title)))
        .collect();
    let title = format!("{} {}", messages::SECTIONS_TITLE, issue.sections.len());
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        items,
        app.section,
        app.section_offset,
        focused,
        messages::NO_SECTIONS,
        theme,
    );
}

fn results(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = matches!(app.focus, Focus::Sections | Focus::Filter);
    let terms = app.terms();
    let issues = &app.library().issues;
    let items = app
        .results
        .iter()
        .filter_map(|hit| {
            let issue = issues.get(hit.issue)?;
            let section = issue.sections.get(hit.section)?;
            let title = title_or_untitled(&section.title);
            let marked = search::fuzzy_indices(&title, &terms);
            let mut spans: Vec<Span> = title
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    let style = if marked.contains(&i) {
                        theme.hit()
                    } else {
                        Default::default()
                    };
                    Span::styled(c.to_string(), style)
                })
                .collect();
            let meta = messages::issue_meta(issue.newsletter.as_deref(), issue.date.as_deref());
            if !meta.is_empty() {
                spans.push(Span::styled(format!("  {}", clean(&meta)), theme.dim()));
            }
            Some(ListItem::new(Line::from(spans)))
        })
        .collect();
    let title = format!("{} {}", messages::RESULTS_TITLE, app.results.len());
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        items,
        app.result,
        app.result_offset,
        focused,
        messages::NO_RESULTS,
        theme,
    );
}

fn title_or_untitled(title: &str) -> String {
    let t = clean(title);
    if t.trim().is_empty() {
        messages::UNTITLED.to_string()
    } else {
        t
    }
}
