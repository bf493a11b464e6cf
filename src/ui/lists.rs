//! The issue list and the section list (or, while filtering, the results).

use super::theme::Theme;
use super::{clean, fit};
use crate::app::messages;
use crate::app::{App, Focus, in_view};
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

/// A list of `len` rows with `selected`/`offset` from the app; an empty list
/// shows `empty`. Only the rows in view are built (`row(i)` for each), so
/// drawing costs the same for ten issues or ten thousand.
#[allow(clippy::too_many_arguments)]
fn draw_list<'a>(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    len: usize,
    row: impl Fn(usize) -> ListItem<'a>,
    selected: usize,
    offset: usize,
    focused: bool,
    empty: &str,
    theme: &Theme,
) {
    let inner = block.inner(area);
    if len == 0 {
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(fit(empty, usize::from(inner.width))).style(theme.dim()),
            inner,
        );
        return;
    }
    let rows = usize::from(inner.height);
    let selected = selected.min(len - 1);
    // The app keeps the selection in view for its own size; the frame may be
    // another size for a moment, so keep it in view here too.
    let offset = in_view(selected, offset, rows);
    let end = offset.saturating_add(rows.max(1)).min(len);
    let items: Vec<ListItem> = (offset..end).map(row).collect();
    let mut state = ListState::default().with_selected(Some(selected - offset));
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
    let row = |i: usize| {
        let Some(issue) = issues.get(i) else {
            return ListItem::new("");
        };
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
    };
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        issues.len(),
        row,
        app.issue,
        app.issue_offset,
        focused,
        if app.is_loading() {
            messages::LOADING
        } else {
            messages::NO_ISSUES
        },
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
    let row = |i: usize| {
        let title = issue.sections.get(i).map_or("", |s| s.title.as_str());
        ListItem::new(title_or_untitled(title))
    };
    let title = format!("{} {}", messages::SECTIONS_TITLE, issue.sections.len());
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        issue.sections.len(),
        row,
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
    // Fuzzy highlight indices are worked out for these rows only.
    let row = |i: usize| {
        let found = app.results.get(i).and_then(|hit| {
            let issue = issues.get(hit.issue)?;
            Some((issue, issue.sections.get(hit.section)?))
        });
        let Some((issue, section)) = found else {
            return ListItem::new("");
        };
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
        ListItem::new(Line::from(spans))
    };
    let title = format!("{} {}", messages::RESULTS_TITLE, app.results.len());
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        app.results.len(),
        row,
        app.result,
        app.result_offset,
        focused,
        if app.searching() {
            messages::SEARCHING_LIST
        } else {
            messages::NO_RESULTS
        },
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
