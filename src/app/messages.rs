//! Every sentence the reader shows, in one place so it reads as one voice.

use super::Action;
use super::keys::{Bindings, Key};
use crate::model::SourceError;

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

/// The status line while a count is typed before `o` or `y`.
pub fn pending_count(n: usize) -> String {
    format!("{n}  o opens link [{n}], y copies its address, Esc cancels")
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

/// The library folders could not be watched.
pub fn not_watching(error: &str) -> String {
    format!("New issues will show at the next start (the folders cannot be watched: {error})")
}

/// A library loaded again because its folders changed, when issues came
/// or went.
pub fn library_changed(before: usize, after: usize) -> Option<String> {
    let plural = |n: usize| if n == 1 { "issue" } else { "issues" };
    match after.cmp(&before) {
        std::cmp::Ordering::Greater => {
            let n = after - before;
            Some(format!("{n} new {}", plural(n)))
        }
        std::cmp::Ordering::Less => {
            let n = before - after;
            Some(format!("{n} {} left the library", plural(n)))
        }
        std::cmp::Ordering::Equal => None,
    }
}

/// `n` with nothing left to read.
pub const NO_UNREAD: &str = "No unread stories left";

/// After `u` or `S`.
pub fn view_shown(view: crate::app::View, count: usize) -> String {
    use crate::app::View;
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
pub const STATUS_HINTS: &str = "? help  / filter  q quit";
pub const FILTER_HINTS: &str = "Enter results  Esc clear";

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

/// What went wrong while loading, for the status line: the count and the
/// first error in full, so the reader knows which file to look at.
pub fn load_errors(errors: &[SourceError]) -> Option<String> {
    let first = errors.first()?;
    let noun = if errors.len() == 1 { "file" } else { "files" };
    Some(format!(
        "{} {noun} could not be read: {}: {}",
        errors.len(),
        first.source,
        first.message
    ))
}

/// What a row of the help means: its actions (their keys are looked up in
/// the bindings), a suffix after the keys, and what they do. Rows with no
/// actions are the filter bar's fixed keys, shown as written.
const HELP: &[(&[Action], &str, &str)] = &[
    (
        &[Action::Down, Action::Up],
        "",
        "move in a list; scroll the story a line",
    ),
    (&[Action::Left, Action::Right], "", "previous / next pane"),
    (
        &[Action::NextPane, Action::PrevPane],
        "",
        "next / previous pane (wraps)",
    ),
    (
        &[Action::Open],
        "",
        "open: issue -> its stories, story -> reading",
    ),
    (
        &[Action::PageDown, Action::PageUp],
        "",
        "page the story (from any pane)",
    ),
    (
        &[Action::Top, Action::Bottom],
        "",
        "top / bottom of the list or story",
    ),
    (
        &[Action::NextSection, Action::PrevSection],
        "",
        "next / previous story (crosses into the next issue)",
    ),
    (
        &[Action::OpenLink],
        "3",
        "open the selected link (or link [3]) in the browser",
    ),
    (
        &[Action::CopyLink],
        "3",
        "copy the selected link's (or link [3]'s) address",
    ),
    (
        &[Action::NextUnread, Action::PrevUnread],
        "",
        "next / previous unread story (whole library)",
    ),
    (&[Action::ToggleRead], "", "mark the story read / unread"),
    (
        &[Action::MarkIssueRead],
        "",
        "mark every story of the issue read",
    ),
    (&[Action::ToggleStar], "", "star / unstar the story"),
    (
        &[Action::UnreadOnly, Action::StarredOnly],
        "",
        "show only unread / starred stories (again: all)",
    ),
    (
        &[Action::FocusFilter],
        "",
        "filter stories in every issue as you type",
    ),
    (&[], "  Up Down", "in the filter: move through results"),
    (&[], "  Enter", "in the filter: go to the results"),
    (&[], "  Esc", "in the filter or results: clear the filter"),
    (&[], "  Backspace", "delete; on an empty filter: leave it"),
    (
        &[Action::Escape],
        "",
        "from the story: back to the list; cancel a count",
    ),
    (&[Action::ToggleHelp], "", "this help (any key closes it)"),
    (
        &[Action::Quit],
        "Ctrl-C",
        "quit (in the filter only Ctrl-C)",
    ),
];

/// Shown for an action the config left without a key.
pub const NO_KEY: &str = "(no key)";

/// The help overlay's rows (keys, what they do) with the keys actually bound.
pub fn help(bindings: &Bindings) -> Vec<(String, &'static str)> {
    HELP.iter()
        .map(|(actions, extra, what)| {
            if actions.is_empty() {
                return (extra.to_string(), *what);
            }
            let groups: Vec<Vec<String>> = actions
                .iter()
                .map(|a| bindings.keys(a).iter().map(Key::label).collect())
                .collect();
            let mut keys = keys_label(&groups);
            if keys.is_empty() {
                keys = NO_KEY.to_string();
            } else if !extra.is_empty() {
                // "o  3o", "q  Ctrl-C"
                let more = if extra.chars().all(|c| c.is_ascii_digit()) {
                    groups[0].first().map(|k| format!("{extra}{k}"))
                } else {
                    Some(extra.to_string())
                };
                if let Some(more) = more {
                    keys = format!("{keys}  {more}");
                }
            }
            (keys, *what)
        })
        .collect()
}

/// The keys of a row's actions: "j k  Down Up" when each action has as many
/// keys, "] [" for single characters, else action by action ("Space PgDn  PgUp").
fn keys_label(groups: &[Vec<String>]) -> String {
    let n = groups.first().map_or(0, Vec::len);
    if n >= 2 && groups.iter().all(|g| g.len() == n) {
        return (0..n)
            .map(|i| {
                groups
                    .iter()
                    .map(|g| g[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("  ");
    }
    if groups
        .iter()
        .all(|g| g.len() == 1 && g[0].chars().count() == 1)
    {
        return groups
            .iter()
            .map(|g| g[0].as_str())
            .collect::<Vec<_>>()
            .join(" ");
    }
    groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| g.join(" "))
        .collect::<Vec<_>>()
        .join("  ")
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

    #[test]
    fn load_errors_name_the_first_file() {
        assert_eq!(load_errors(&[]), None);
        let e = |s: &str| SourceError {
            source: s.into(),
            message: "the file is empty".into(),
        };
        assert_eq!(
            load_errors(&[e("first.txt"), e("second.txt")]).as_deref(),
            Some("2 files could not be read: first.txt: the file is empty")
        );
        assert_eq!(
            load_errors(&[e("a.txt")]).as_deref(),
            Some("1 file could not be read: a.txt: the file is empty")
        );
    }

    #[test]
    fn help_shows_the_keys_bound() {
        let rows = help(&Bindings::default());
        let keys_of = |what: &str| {
            rows.iter()
                .find(|(_, w)| w.contains(what))
                .map(|(k, _)| k.clone())
                .unwrap_or_default()
        };
        assert_eq!(keys_of("move in a list"), "j k  Down Up");
        assert_eq!(keys_of("wraps"), "Tab  Shift-Tab");
        assert_eq!(keys_of("page the story"), "Space PgDn  PgUp");
        assert_eq!(keys_of("crosses"), "] [");
        assert_eq!(keys_of("in the browser"), "o  3o");
        assert_eq!(keys_of("quit"), "q  Ctrl-C");

        let mut bindings = Bindings::default();
        bindings.set(&Action::Quit, vec![Key::parse("x").expect("x")]);
        bindings.set(&Action::OpenLink, vec![]);
        bindings.set(&Action::Down, vec![Key::parse("ctrl-n").expect("ctrl-n")]);
        let rows = help(&bindings);
        let keys_of = |what: &str| {
            rows.iter()
                .find(|(_, w)| w.contains(what))
                .map(|(k, _)| k.clone())
                .unwrap_or_default()
        };
        assert_eq!(keys_of("quit"), "x  Ctrl-C");
        assert_eq!(keys_of("in the browser"), NO_KEY);
        assert_eq!(keys_of("move in a list"), "Ctrl-N  k Up");
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
}
