//! Every sentence the reader shows, in one place so it reads as one voice.
//! The app holds typed statuses and problems; these put them into words.

use super::action::{Action, Problem, Status, View};
use super::keys::{self, Bindings};
use super::panes;

pub const ISSUES_TITLE: &str = "Issues";
pub const SECTIONS_TITLE: &str = "Stories";
pub const RESULTS_TITLE: &str = "Results";
pub const STORY_TITLE: &str = "Story";
pub const HELP_TITLE: &str = "Keys";

pub const NO_ISSUES: &str = "No issues to read yet.";
pub const NO_SECTIONS: &str = "This issue has no stories.";
pub const NO_RESULTS: &str = "No stories match. Esc clears the filter.";
pub const NO_STORY: &str = "Nothing selected.";
pub const TOO_SMALL: &str = "Terminal too small";
pub const UNTITLED: &str = "(untitled)";
/// The status line until the library has arrived.
pub const LOADING: &str = "Loading…";
/// Before the match count while the results are those of an older query.
pub const SEARCHING: &str = "…";
/// An empty result list whose search has not answered yet.
pub const SEARCHING_LIST: &str = "Searching…";

/// Over the list of a story's links, under the story.
pub const LINKS_HEADING: &str = "Links";
pub const NO_LINKS: &str = "This story has no links.";
pub const NOT_OPENED: &str = "not opened: only web and mail links are opened";

/// The status line while a count is typed.
pub fn pending_count(n: usize) -> String {
    format!("{n}  j moves {n} down, o opens link [{n}], y copies it, Esc cancels")
}

/// A count past the story's links.
pub fn no_such_link(n: usize, count: usize) -> String {
    let noun = if count == 1 { "link" } else { "links" };
    format!("There is no link [{n}]: this story has {count} {noun}.")
}

/// After handing link `n` to the system opener; `place` is its host (or
/// mail address).
pub fn opened(n: usize, place: &str) -> String {
    format!("Opened [{n}] {place}")
}

pub fn copied(n: usize) -> String {
    format!("Copied [{n}] to the clipboard")
}

/// Why opening failed when no opener program exists.
pub const NO_OPENER: &str = "no program to open it was found (xdg-open on Linux)";

pub fn open_failed(error: &str) -> String {
    format!("Could not open the link: {error}")
}

pub fn copy_failed(error: &str) -> String {
    format!("Could not copy the link: {error}")
}

/// After `m`.
pub fn marked(read: bool) -> &'static str {
    if read { "Marked read" } else { "Marked unread" }
}

/// After `s`.
pub fn starred(starred: bool) -> &'static str {
    if starred { "Starred" } else { "Star removed" }
}

/// After `A`.
pub fn issue_marked(marked: usize) -> String {
    match marked {
        0 => "Every story in this issue was already read".to_string(),
        1 => "Marked 1 story read".to_string(),
        n => format!("Marked {n} stories read"),
    }
}

/// The reading-state thread stopped (it panicked; a crash report says why).
pub const SAVER_STOPPED: &str =
    "Reading state can no longer be saved in this session (the saver stopped); restart nlread";

/// The library folders could not be watched.
pub fn not_watching(error: &str) -> String {
    format!("New issues will show at the next start (the folders cannot be watched: {error})")
}

/// A library loaded again because its folders changed: what came and went.
pub fn library_changed(came: usize, went: usize) -> String {
    let plural = |n: usize| if n == 1 { "issue" } else { "issues" };
    match (came, went) {
        (0, n) => format!("{n} {} left the library", plural(n)),
        (n, 0) => format!("{n} new {}", plural(n)),
        (n, m) => format!("{n} new {}, {m} left the library", plural(n)),
    }
}

/// `n` with nothing left to read.
pub const NO_UNREAD: &str = "No unread stories left";

/// `n` in a story list with none unread while the library has some.
pub fn no_unread_listed(elsewhere: usize) -> String {
    let noun = if elsewhere == 1 { "story" } else { "stories" };
    format!("No unread story in this list; {elsewhere} unread {noun} outside it (Esc shows all)")
}

/// After `u` or `S`.
pub fn view_shown(view: View, count: usize) -> String {
    let noun = if count == 1 { "story" } else { "stories" };
    match view {
        View::All => "Showing all stories".to_string(),
        View::Unread => format!("{count} unread {noun} (u again: all)"),
        View::Starred => format!("{count} starred {noun} (S again: all)"),
    }
}

/// The story list's title in each view.
pub const UNREAD_TITLE: &str = "Unread";
pub const STARRED_TITLE: &str = "Starred";
pub const NO_UNREAD_LIST: &str = "Every story is read. u shows all.";
pub const NO_STARRED_LIST: &str = "No starred stories yet: s stars one. S shows all.";

/// "12 unread" in the status line.
pub fn unread_count(n: usize) -> String {
    format!("{n} unread")
}

pub const FILTER_PROMPT: &str = "/ ";
pub const FILTER_HINT: &str = "/ filter stories";

/// The status line's hints for the focused place (`keys::place`), with
/// the keys actually bound: "Enter open  / filter  n unread  ? help  q quit".
pub fn status_hints(bindings: &Bindings, at: u8) -> Vec<String> {
    keys::hints(bindings, at)
}

/// "3 of 42" in the filter bar.
pub fn match_count(matches: usize, total: usize) -> String {
    format!("{matches} of {total}")
}

/// " 20-39/118 ": the story lines in view, in the story pane's border.
pub fn story_position(first: usize, last: usize, total: usize) -> String {
    format!(" {first}-{last}/{total} ")
}

/// "newsletter · date" under a result, or whichever of the two is known.
pub fn issue_meta(newsletter: Option<&str>, date: Option<&str>) -> String {
    match (newsletter, date) {
        (Some(n), Some(d)) => format!("{n} · {d}"),
        (Some(x), None) | (None, Some(x)) => x.to_string(),
        (None, None) => String::new(),
    }
}

/// The problems of the session, for the status line: how many, and the
/// key that lists them.
pub fn problem_count(n: usize, bindings: &Bindings) -> Option<String> {
    if n == 0 {
        return None;
    }
    let noun = if n == 1 { "problem" } else { "problems" };
    let key = bindings
        .keys(&Action::ShowMessages)
        .first()
        .map(|k| {
            format!(
                ": {} lists {}",
                k.label(),
                if n == 1 { "it" } else { "them" }
            )
        })
        .unwrap_or_default();
    Some(format!("{n} {noun}{key}"))
}

/// One problem as the messages view says it.
pub fn problem(problem: &Problem) -> String {
    match problem {
        Problem::Source(e) => format!("{}: {}", e.source, e.message),
        Problem::Config(said) | Problem::State(said) | Problem::Feed(said) => said.clone(),
        Problem::NotWatching(error) => not_watching(error),
    }
}

pub const MESSAGES_TITLE: &str = "Messages";
pub const NO_MESSAGES: &str = "Nothing went wrong: every source was read.";

/// The messages view's lines at a screen `width` wide: each problem
/// wrapped, a blank line between them.
pub fn problem_lines(
    problems: impl IntoIterator<Item = Problem>,
    width: u16,
    height: u16,
) -> Vec<String> {
    let inner = panes::overlay(width, height).inner().width;
    let room = usize::from(inner).saturating_sub(1).max(1);
    let mut lines = Vec::new();
    for p in problems {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(wrap(&crate::text::sanitize(&problem(&p)), room));
    }
    if lines.is_empty() {
        lines.push(NO_MESSAGES.to_string());
    }
    lines
}

/// Words of `text` in lines at most `width` cells wide (a longer word is
/// cut between clusters).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let w = crate::text::width(word);
        if used > 0 && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for (_, c) in crate::text::clusters(word) {
            let cw = crate::text::width(c);
            if used + cw > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(c);
            used += cw;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The help's lines at a screen `width` x `height`: each row's keys in a
/// column (cut when a binding is very long), what they do wrapped beside.
pub fn help_lines(bindings: &Bindings, width: u16, height: u16) -> Vec<(String, String)> {
    const KEYS_MIN: usize = 12;
    const KEYS_MAX: usize = 28;
    let inner = usize::from(panes::overlay(width, height).inner().width);
    let rows = keys::help_rows(bindings);
    let keys_w = rows
        .iter()
        .map(|r| crate::text::width(&r.keys))
        .max()
        .unwrap_or(0)
        .clamp(KEYS_MIN, KEYS_MAX);
    let room = inner.saturating_sub(keys_w + 3).max(10);
    let mut lines = Vec::new();
    for row in rows {
        let keys = if crate::text::width(&row.keys) > keys_w {
            let mut cut = String::new();
            for (_, c) in crate::text::clusters(&row.keys) {
                if crate::text::width(&cut) + crate::text::width(c) + 1 > keys_w {
                    break;
                }
                cut.push_str(c);
            }
            cut + "…"
        } else {
            row.keys
        };
        for (i, text) in wrap(row.help, room).into_iter().enumerate() {
            let keys = if i == 0 { keys.clone() } else { String::new() };
            lines.push((format!("{keys:<keys_w$}"), text));
        }
    }
    lines
}

/// The status line while the library loads: "Reading 120 of 3,000 files…".
pub fn progress(done: usize, total: usize) -> String {
    format!("Reading {done} of {total} files…")
}

/// The line above a story: which issue it is from.
pub fn issue_header(newsletter: Option<&str>, date: Option<&str>, author: Option<&str>) -> String {
    [newsletter, date, author]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What the status line says for `status`.
pub fn status(status: &Status) -> String {
    match status {
        Status::NoLinks => NO_LINKS.to_string(),
        Status::NotOpened => NOT_OPENED.to_string(),
        Status::NoSuchLink { n, count } => no_such_link(*n, *count),
        Status::Opened { n, place } => opened(*n, place),
        Status::OpenedIssue { place } => format!("Opened the issue's page on {place}"),
        Status::Copied { n } => copied(*n),
        Status::OpenFailed(error) => open_failed(error),
        Status::CopyFailed(error) => copy_failed(error),
        Status::Marked { read } => marked(*read).to_string(),
        Status::Starred(on) => starred(*on).to_string(),
        Status::IssueMarked(n) => issue_marked(*n),
        Status::NoUnread => NO_UNREAD.to_string(),
        Status::NoUnreadListed { elsewhere } => no_unread_listed(*elsewhere),
        Status::ViewShown { view, count } => view_shown(*view, *count),
        Status::LibraryChanged { came, went } => library_changed(*came, *went),
        Status::FilterCleared => "Filter cleared: showing the issue's stories".to_string(),
        Status::LastStory => "This is the last story".to_string(),
        Status::FirstStory => "This is the first story".to_string(),
        Status::Match { n, of } => format!("Match {n} of {of} in this story"),
        Status::NoMatches => "No filter match in this story".to_string(),
        Status::Said(said) => said.clone(),
        Status::SaverStopped => SAVER_STOPPED.to_string(),
        Status::AlreadyFetching => "The feeds are being fetched already".to_string(),
        Status::Fetched {
            feeds,
            new,
            updated,
            failed,
        } => fetched(*feeds, *new, *updated, *failed),
        Status::NoFeeds => NO_FEEDS.to_string(),
        Status::FetchFailed(error) => format!("Nothing fetched: {error}"),
    }
}

/// `r` without a home folder, where the subscriptions would be.
pub const NO_HOME_FOR_FEEDS: &str = "there is no home folder, so no subscriptions (set HOME)";

/// `r` with no subscriptions.
pub const NO_FEEDS: &str =
    "No feeds to fetch: `nlread feed add URL` subscribes to a newsletter's feed";

/// The status line while the feeds are fetched.
pub fn fetch_progress(done: usize, total: usize) -> String {
    if total == 0 {
        "Fetching feeds…".to_string()
    } else {
        format!("Fetching feeds: {done} of {total}…")
    }
}

/// After a fetch: "Fetched 5 feeds: 3 new issues, 1 failed".
pub fn fetched(feeds: usize, new: usize, updated: usize, failed: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let noun = if new == 1 { "issue" } else { "issues" };
    let mut said = format!(
        "Fetched {}: {new} new {noun}",
        plural(feeds, "feed", "feeds")
    );
    if updated > 0 {
        said.push_str(&format!(", {updated} updated"));
    }
    // The problem count beside it says where to read why.
    if failed > 0 {
        said.push_str(&format!(", {failed} failed"));
    }
    said
}

/// Problems in the config file for the status line at start: the first in
/// full, and how many more there are.
pub fn config_problems(problems: &[String]) -> Option<String> {
    let first = problems.first()?;
    Some(match problems.len() {
        1 => first.clone(),
        n => format!("{first} (and {} more: see nlread config --check)", n - 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keys::Key;
    use crate::model::SourceError;

    #[test]
    fn problems_are_counted_with_the_key_that_lists_them() {
        let keys = Bindings::default();
        assert_eq!(problem_count(0, &keys), None);
        assert_eq!(
            problem_count(1, &keys).as_deref(),
            Some("1 problem: ! lists it")
        );
        assert_eq!(
            problem_count(3, &keys).as_deref(),
            Some("3 problems: ! lists them")
        );
        let mut none = Bindings::default();
        none.set(&Action::ShowMessages, Vec::new());
        assert_eq!(problem_count(2, &none).as_deref(), Some("2 problems"));
        let e = Problem::Source(SourceError {
            source: "photo.png".into(),
            message: "not a newsletter".into(),
        });
        assert_eq!(problem(&e), "photo.png: not a newsletter");
    }

    #[test]
    fn problem_lines_wrap_to_the_view() {
        let long = Problem::Config(format!("c.toml:1:1: {}", "word ".repeat(40)));
        let lines = problem_lines(vec![long.clone(), long], 40, 20);
        assert!(lines.len() > 4, "{lines:?}");
        assert!(lines.iter().all(|l| crate::text::width(l) <= 40));
        assert!(
            lines.contains(&String::new()),
            "a blank line between problems"
        );
        assert_eq!(problem_lines(Vec::new(), 40, 20), vec![NO_MESSAGES]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
    }

    #[test]
    fn library_changes_count_what_came_and_went() {
        assert_eq!(library_changed(1, 0), "1 new issue");
        assert_eq!(library_changed(0, 2), "2 issues left the library");
        assert_eq!(library_changed(2, 1), "2 new issues, 1 left the library");
    }

    #[test]
    fn the_issue_header_skips_what_is_unknown() {
        assert_eq!(
            issue_header(Some("Axios"), Some("2020-09-15"), Some("Ann")),
            "Axios · 2020-09-15 · Ann"
        );
        assert_eq!(
            issue_header(None, Some("2020-09-15"), Some(" ")),
            "2020-09-15"
        );
    }

    #[test]
    fn config_problems_count_the_rest() {
        assert_eq!(config_problems(&[]), None);
        let one = vec!["c.toml:1:1: bad".to_string()];
        assert_eq!(config_problems(&one).as_deref(), Some("c.toml:1:1: bad"));
        let two = vec![
            "c.toml:1:1: bad".to_string(),
            "c.toml:2:1: worse".to_string(),
        ];
        assert_eq!(
            config_problems(&two).as_deref(),
            Some("c.toml:1:1: bad (and 1 more: see nlread config --check)")
        );
    }

    #[test]
    fn hints_follow_the_bindings_and_the_place() {
        let defaults = Bindings::default();
        let issues = status_hints(&defaults, keys::place::ISSUES).join("  ");
        assert!(issues.starts_with("Enter open  / filter"), "{issues}");
        assert!(issues.ends_with("? help  q quit"), "{issues}");
        let story = status_hints(&defaults, keys::place::STORY).join("  ");
        assert!(
            story.contains("Space page") && story.contains("Esc back"),
            "{story}"
        );
        assert_ne!(issues, story);
        let mut rebound = Bindings::default();
        rebound.set(&Action::Quit, vec![Key::parse("x").expect("x")]);
        rebound.set(&Action::FocusFilter, Vec::new());
        let issues = status_hints(&rebound, keys::place::ISSUES).join("  ");
        assert!(
            issues.ends_with("x quit") && !issues.contains("filter"),
            "{issues}"
        );
    }
}
