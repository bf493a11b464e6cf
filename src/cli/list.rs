//! `nlread list [PATH...]`: the issues and their stories as a tree, with
//! the reader's read, unread and starred marks; `--json` for scripts.
//!
//! ```text
//! 2025-03-04  The Tidepool Letter: Kelp forests return  (1 unread)
//!   ├─    Kelp forests return
//!   └─ N* A quiet harbour
//! ```
//!
//! Exit status: 0, or 1 when some sources could not be read (they are
//! named on stderr and the others are listed).

use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use super::{EXIT_OK, EXIT_PARTIAL, count, line, open_reporting, reading_state, write_failed};
use crate::model::{Issue, Library, ReadingState, SourceError};

/// Lists `paths` (none: the library) on stdout.
pub fn run(paths: &[PathBuf], options: &crate::library::Options, json: bool) -> u8 {
    let mut err = io::stderr();
    let (library, complete) = open_reporting(paths, options, false, &mut err);
    let state = reading_state(&mut err);
    let code = if complete { EXIT_OK } else { EXIT_PARTIAL };
    let stdout = io::stdout();
    let pretty = super::stdout_is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = if json {
        write_json(&mut out, &library, &state, pretty)
    } else {
        write_text(&mut out, &library, &state)
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) => write_failed(e, code),
    }
}

/// The reader's marks (see `ui::lists`): `N` unread, `*` starred, nothing
/// for read; ASCII, so every terminal gives them one cell.
const UNREAD: char = 'N';
const READ: char = ' ';
const STARRED: char = '*';

/// The tree, then a line of totals.
pub fn write_text(out: &mut impl Write, library: &Library, state: &ReadingState) -> io::Result<()> {
    let (mut stories, mut unread_total, mut starred) = (0, 0, 0);
    for issue in &library.issues {
        let unread = unread(issue, state);
        unread_total += unread;
        stories += issue.sections.len();
        let date = issue.date.as_deref().map_or("undated   ".into(), line);
        let title = line(&issue.title);
        let name = match issue.newsletter.as_deref().map(line) {
            // "Lantern Notes: Lantern Notes: kite day" says it twice.
            Some(newsletter) if !title.starts_with(&newsletter) => format!("{newsletter}: {title}"),
            _ => title,
        };
        let count = match (issue.sections.len(), unread) {
            (0, _) => "no stories".to_string(),
            (_, 0) => "all read".to_string(),
            (_, n) => format!("{n} unread"),
        };
        writeln!(out, "{date}  {name}  ({count})")?;
        let last = issue.sections.len().saturating_sub(1);
        for (i, section) in issue.sections.iter().enumerate() {
            let branch = if i == last { "└─" } else { "├─" };
            let read = if state.is_read(&section.id) {
                READ
            } else {
                UNREAD
            };
            let star = if state.is_starred(&section.id) {
                starred += 1;
                STARRED
            } else {
                ' '
            };
            writeln!(out, "  {branch} {read}{star} {}", line(&section.title))?;
        }
    }
    writeln!(
        out,
        "{}, {}: {} unread, {} starred  ({UNREAD} unread, {STARRED} starred)",
        count(library.issues.len(), "issue", "issues"),
        count(stories, "story", "stories"),
        unread_total,
        starred
    )
}

/// Stories of `issue` not marked read.
fn unread(issue: &Issue, state: &ReadingState) -> usize {
    issue
        .sections
        .iter()
        .filter(|s| !state.is_read(&s.id))
        .count()
}

/// `{"issues": [...], "errors": [...]}`: see README "Managing the library".
#[derive(Serialize)]
struct ListJson {
    issues: Vec<IssueJson>,
    errors: Vec<SourceError>,
}

#[derive(Serialize)]
struct IssueJson {
    id: String,
    source: String,
    newsletter: Option<String>,
    date: Option<String>,
    title: String,
    unread: usize,
    sections: Vec<SectionJson>,
}

#[derive(Serialize)]
struct SectionJson {
    id: String,
    title: String,
    read: bool,
    starred: bool,
}

/// The same as JSON, indented when `pretty`.
pub fn write_json(
    out: &mut impl Write,
    library: &Library,
    state: &ReadingState,
    pretty: bool,
) -> io::Result<()> {
    let list = ListJson {
        issues: library
            .issues
            .iter()
            .map(|issue| IssueJson {
                id: line(&issue.id),
                source: line(&issue.source),
                newsletter: issue.newsletter.as_deref().map(line),
                date: issue.date.as_deref().map(line),
                title: line(&issue.title),
                unread: unread(issue, state),
                sections: issue
                    .sections
                    .iter()
                    .map(|s| SectionJson {
                        id: line(&s.id),
                        title: line(&s.title),
                        read: state.is_read(&s.id),
                        starred: state.is_starred(&s.id),
                    })
                    .collect(),
            })
            .collect(),
        errors: library
            .errors
            .iter()
            .map(|e| SourceError {
                source: line(&e.source),
                message: line(&e.message),
            })
            .collect(),
    };
    if pretty {
        serde_json::to_writer_pretty(&mut *out, &list)?;
    } else {
        serde_json::to_writer(&mut *out, &list)?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Section;

    fn story(id: &str, title: &str) -> Section {
        Section::new(id.into(), title.into(), [])
    }

    fn library() -> Library {
        Library {
            issues: vec![
                Issue {
                    id: "i1".into(),
                    source: "tide.txt".into(),
                    newsletter: Some("The Tidepool Letter".into()),
                    title: "Kelp forests return".into(),
                    date: Some("2025-03-04".into()),
                    author: None,
                    sections: vec![
                        story("s1", "Kelp forests return"),
                        story("s2", "A quiet harbour"),
                        story("s3", "Crab \u{1b}[2Jcount"),
                    ],
                    url: None,
                    guid: None,
                },
                Issue {
                    id: "i2".into(),
                    source: "note.txt".into(),
                    newsletter: None,
                    title: "A note".into(),
                    date: None,
                    author: None,
                    sections: vec![story("s4", "Only story")],
                    url: None,
                    guid: None,
                },
            ],
            errors: Vec::new(),
        }
    }

    fn text(state: &ReadingState) -> String {
        let mut out = Vec::new();
        write_text(&mut out, &library(), state).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn the_tree_shows_marks_and_counts() {
        let mut state = ReadingState::new();
        assert_eq!(
            text(&state),
            "2025-03-04  The Tidepool Letter: Kelp forests return  (3 unread)\n\
             \x20 ├─ N  Kelp forests return\n\
             \x20 ├─ N  A quiet harbour\n\
             \x20 └─ N  Crab count\n\
             undated     A note  (1 unread)\n\
             \x20 └─ N  Only story\n\
             2 issues, 4 stories: 4 unread, 0 starred  (N unread, * starred)\n"
        );
        state.set_read("s1", true, 1);
        state.set_starred("s2", true, 2);
        state.set_read("s4", true, 3);
        let shown = text(&state);
        assert!(shown.contains("Kelp forests return  (2 unread)"), "{shown}");
        assert!(shown.contains("├─    Kelp forests return"), "{shown}");
        assert!(shown.contains("├─ N* A quiet harbour"), "{shown}");
        assert!(shown.contains("A note  (all read)"), "{shown}");
        assert!(shown.contains("2 unread, 1 starred"), "{shown}");
    }

    #[test]
    fn json_carries_the_marks() {
        let mut state = ReadingState::new();
        state.set_starred("s3", true, 1);
        state.set_read("s3", true, 2);
        let mut out = Vec::new();
        write_json(&mut out, &library(), &state, false).expect("write");
        let json: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let issue = &json["issues"][0];
        assert_eq!(issue["unread"], 2);
        assert_eq!(issue["newsletter"], "The Tidepool Letter");
        assert_eq!(issue["sections"][2]["title"], "Crab count");
        assert_eq!(issue["sections"][2]["read"], true);
        assert_eq!(issue["sections"][2]["starred"], true);
        assert_eq!(issue["sections"][0]["read"], false);
        assert_eq!(json["issues"][1]["date"], serde_json::Value::Null);
        assert_eq!(json["errors"], serde_json::json!([]));
    }
}
