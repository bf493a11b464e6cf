//! The issue list and the section list (or, while filtering, the results).

use super::theme::Theme;
use super::{clean, fit};
use crate::app::messages;
use crate::app::{App, Focus, View, in_view};
use crate::search;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph};
use unicode_width::UnicodeWidthStr;

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

/// The issue list: a row per issue in columns that line up (the unread
/// mark, how many stories are left in an issue read in part, the date),
/// then the title and, dimmed, the newsletter.
pub fn issues(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus() == Focus::Issues;
    let issues = &app.library().issues;
    let title = if issues.is_empty() {
        messages::ISSUES_TITLE.to_string()
    } else {
        with_unread(
            format!("{} {}", messages::ISSUES_TITLE, issues.len()),
            app.unread_issues(),
        )
    };
    let rows = usize::from(area.height.saturating_sub(2));
    let cursor = app.issue_cursor();
    let first = in_view(cursor.selected(), cursor.offset(), rows);
    let in_sight = first..first.saturating_add(rows.max(1)).min(issues.len());
    // Column widths from the rows in view, so they line up on screen.
    let left = |i: usize| {
        let unread = app.unread_in(i);
        let all = issues.get(i).map_or(0, |x| x.sections.len());
        (unread > 0 && unread < all).then_some(unread)
    };
    let count_w = in_sight
        .clone()
        .filter_map(left)
        .map(|n| n.to_string().len())
        .max()
        .unwrap_or(0);
    let date_w = in_sight
        .clone()
        .filter_map(|i| issues.get(i)?.date.as_deref().map(|d| clean(d).width()))
        .max()
        .unwrap_or(0);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let row = |i: usize| {
        let Some(issue) = issues.get(i) else {
            return ListItem::new("");
        };
        let unread = app.unread_in(i);
        let mut spans = vec![marks(unread > 0, false, theme)];
        let mut used = 3;
        if count_w > 0 {
            let n = left(i).map(|n| n.to_string()).unwrap_or_default();
            spans.push(Span::styled(format!("{n:>count_w$} "), theme.dim()));
            used += count_w + 1;
        }
        if date_w > 0 {
            let d = issue.date.as_deref().map(clean).unwrap_or_default();
            let pad = date_w.saturating_sub(d.width());
            spans.push(Span::styled(
                format!("{d}{} ", " ".repeat(pad)),
                theme.dim(),
            ));
            used += date_w + 1;
        }
        let room = inner_w.saturating_sub(used);
        let title = fit(&title_or_untitled(&issue.title), room);
        let title_w = title.width();
        spans.push(Span::styled(title, emphasis(unread > 0)));
        if let Some(n) = &issue.newsletter {
            let rest = room.saturating_sub(title_w + 3);
            if rest >= 4 {
                spans.push(Span::styled(
                    format!(" · {}", fit(&clean(n), rest)),
                    theme.newsletter(),
                ));
            }
        }
        ListItem::new(Line::from(spans))
    };
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        issues.len(),
        row,
        cursor.selected(),
        cursor.offset(),
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
    if app.listing() {
        return results(frame, area, app, theme);
    }
    let focused = app.focus() == Focus::Sections;
    let Some(issue) = app.selected_issue() else {
        let block = pane(messages::SECTIONS_TITLE.to_string(), focused, theme);
        frame.render_widget(block, area);
        return;
    };
    let row = |s: usize| {
        let title = issue.sections.get(s).map_or("", |s| s.title.as_str());
        let unread = !app.is_read(app.issue(), s);
        let mut spans = vec![marks(unread, app.is_starred(app.issue(), s), theme)];
        // Stories under a group read like an outline: the group's name on a
        // line of its own above the first, every one of them indented.
        let group = |s: usize| issue.sections.get(s).and_then(|x| x.group.as_deref());
        let mut lines = Vec::with_capacity(2);
        if let Some(g) = group(s) {
            if s == 0 || group(s - 1) != Some(g) {
                lines.push(Line::from(Span::styled(
                    format!("   {}", clean(g)),
                    theme.dim(),
                )));
            }
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(title_or_untitled(title), emphasis(unread)));
        lines.push(Line::from(spans));
        ListItem::new(lines)
    };
    let title = with_unread(
        format!("{} {}", messages::SECTIONS_TITLE, issue.sections.len()),
        app.unread_in(app.issue()),
    );
    let cursor = app.section_cursor();
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        issue.sections.len(),
        row,
        cursor.selected(),
        cursor.offset(),
        focused,
        messages::NO_SECTIONS,
        theme,
    );
}

fn results(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = matches!(app.focus(), Focus::Sections | Focus::Filter);
    let terms = app.terms();
    let issues = &app.library().issues;
    // Fuzzy highlight indices are worked out for these rows only.
    let row = |i: usize| {
        let found = app.results().get(i).and_then(|hit| {
            let issue = issues.get(hit.issue)?;
            Some((hit, issue, issue.sections.get(hit.section)?))
        });
        let Some((hit, issue, section)) = found else {
            return ListItem::new("");
        };
        let title = title_or_untitled(&section.title);
        let marked = search::fuzzy_indices(&title, &terms);
        let unread = !app.is_read(hit.issue, hit.section);
        let plain = emphasis(unread);
        let mut spans = vec![marks(unread, app.is_starred(hit.issue, hit.section), theme)];
        spans.extend(title.chars().enumerate().map(|(i, c)| {
            let style = if marked.contains(&i) {
                theme.hit()
            } else {
                plain
            };
            Span::styled(c.to_string(), style)
        }));
        let meta = messages::issue_meta(issue.newsletter.as_deref(), issue.date.as_deref());
        if !meta.is_empty() {
            spans.push(Span::styled(format!("  {}", clean(&meta)), theme.dim()));
        }
        ListItem::new(Line::from(spans))
    };
    let name = match app.view() {
        _ if app.filtering() => messages::RESULTS_TITLE,
        View::Unread => messages::UNREAD_TITLE,
        View::Starred => messages::STARRED_TITLE,
        View::All => messages::RESULTS_TITLE,
    };
    let empty = match app.view() {
        _ if app.searching() => messages::SEARCHING_LIST,
        _ if app.filtering() => messages::NO_RESULTS,
        View::Unread => messages::NO_UNREAD_LIST,
        View::Starred => messages::NO_STARRED_LIST,
        View::All => messages::NO_RESULTS,
    };
    let title = format!("{name} {}", app.results().len());
    let cursor = app.result_cursor();
    draw_list(
        frame,
        area,
        pane(title, focused, theme),
        app.results().len(),
        row,
        cursor.selected(),
        cursor.offset(),
        focused,
        empty,
        theme,
    );
}

/// "Stories 6 · 2 unread" ("Issues 3 · 1 unread"), or the plain title when
/// all are read.
fn with_unread(title: String, unread: usize) -> String {
    if unread == 0 {
        title
    } else {
        format!("{title} · {}", messages::unread_count(unread))
    }
}

/// The two mark columns before a title: `N` unread, `*` starred (ASCII,
/// so every terminal gives them one cell).
fn marks<'a>(unread: bool, starred: bool, theme: &Theme) -> Span<'a> {
    let text = match (unread, starred) {
        (true, true) => "N* ",
        (true, false) => "N  ",
        (false, true) => " * ",
        (false, false) => "   ",
    };
    let style = if starred {
        theme.starred()
    } else {
        theme.unread()
    };
    Span::styled(text, style)
}

/// Unread titles stand out in bold.
fn emphasis(unread: bool) -> Style {
    if unread {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    }
}

fn title_or_untitled(title: &str) -> String {
    let t = clean(title);
    if t.trim().is_empty() {
        messages::UNTITLED.to_string()
    } else {
        t
    }
}
