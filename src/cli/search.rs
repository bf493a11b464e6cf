//! `nlread search QUERY [PATH...]`: the stories the reader's filter would
//! show for QUERY, in the same order (the same [`Index::query`]), each with
//! its issue, date, title and the line that matched.
//!
//! ```text
//! 2025-03-04  Kelp forests return › A quiet harbour
//!     The ferry timetable changed and nobody noticed for a week.
//! ```
//!
//! The line is the story's first block holding a term; a story that
//! matched by its title or its issue's names only shows its first block.
//! Matches are marked (bold, and yellow unless NO_COLOR) when stdout is a
//! terminal. Exit status: 0 when something matched, 1 when nothing did, 2
//! for a blank query.

use std::io::{self, Write};
use std::ops::Range;
use std::path::PathBuf;

use serde::Serialize;

use super::{
    EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, count, line, open_reporting, reading_state, write_failed,
};
use crate::model::{Library, ReadingState, Section};
use crate::search::{self, Hit, Index};

/// How many stories `search` prints unless told.
pub const DEFAULT_LIMIT: usize = 50;

/// A line longer than this many characters is cut to a window around its
/// first match.
const LINE_CHARS: usize = 160;
/// How much of the line before the first match the window keeps.
const LEAD_CHARS: usize = 40;

/// How a match is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// Not at all (a pipe or a file).
    Plain,
    /// Bold (a terminal under NO_COLOR).
    Bold,
    /// Bold yellow.
    Colour,
}

impl Marks {
    fn around(self) -> (&'static str, &'static str) {
        match self {
            Marks::Plain => ("", ""),
            Marks::Bold => ("\u{1b}[1m", "\u{1b}[0m"),
            Marks::Colour => ("\u{1b}[1;33m", "\u{1b}[0m"),
        }
    }
}

/// Searches `paths` (none: the library) for `query`, printing on stdout at
/// most `limit` stories (0: all).
pub fn run(
    query: &str,
    paths: &[PathBuf],
    options: &crate::library::Options,
    json: bool,
    limit: usize,
) -> u8 {
    if search::terms(query).is_empty() {
        eprintln!("nlread: the query is blank: give a word to search for");
        return EXIT_FATAL;
    }
    let mut err = io::stderr();
    let (library, hits, total) = match paths.is_empty().then(|| indexed(query, options, limit)) {
        Some(Some(found)) => found,
        _ => {
            let (library, _) = open_reporting(paths, options, true, &mut err);
            let hits = Index::new(&library).query(query);
            let total = hits.len();
            (library, hits, total)
        }
    };
    let state = reading_state(&mut err);
    let code = if hits.is_empty() {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    };
    let shown = if limit == 0 {
        hits.len()
    } else {
        limit.min(hits.len())
    };
    let terminal = super::stdout_is_terminal();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = if json {
        write_json(&mut out, &library, &state, query, &hits[..shown], terminal)
    } else {
        let marks = match (terminal, super::no_color()) {
            (false, _) => Marks::Plain,
            (true, true) => Marks::Bold,
            (true, false) => Marks::Colour,
        };
        write_text(&mut out, &library, query, &hits[..shown], marks)
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        return write_failed(e, code);
    }
    if hits.is_empty() {
        eprintln!("nlread: no story matches {:?}", line(query));
    } else if shown < total {
        eprintln!(
            "nlread: {} of {} shown; --limit 0 shows all",
            shown,
            count(total, "matching story", "matching stories")
        );
    }
    code
}

/// The search through the library index (synced first): the library of
/// the hits shown only (each hit's issue with that one story), the hits
/// renumbered into it, and how many stories matched in all. None when
/// there is no index to use (the files are then read and searched).
fn indexed(
    query: &str,
    options: &crate::library::Options,
    limit: usize,
) -> Option<(Library, Vec<Hit>, usize)> {
    let bar = super::IndexBar::new();
    let options = crate::library::Options {
        progress: bar.progress(),
        ..options.clone()
    };
    let (index, warnings) = crate::library::open_index(&options)?;
    drop(bar);
    let keep = (limit > 0).then_some(limit);
    let (snapshot, hits, matched) = index.snapshot_and_search(query, keep).ok()?;
    let mut err = io::stderr();
    for warning in &warnings {
        super::report_source(&mut err, warning);
    }
    let shown = if limit == 0 {
        hits.len()
    } else {
        limit.min(hits.len())
    };
    let mut library = Library::default();
    let mut found = Vec::with_capacity(shown);
    for hit in &hits[..shown] {
        let Some(row) = snapshot.row(hit) else {
            continue;
        };
        if let Ok(Some((mut issue, section))) = index.story_with_issue(row) {
            issue.sections = vec![section];
            found.push(Hit {
                issue: library.issues.len(),
                section: 0,
                score: hit.score,
            });
            library.issues.push(issue);
        }
    }
    Some((library, found, matched))
}

/// Each hit as a heading line (date, issue title › story title) and its
/// matching line, indented.
pub fn write_text(
    out: &mut impl Write,
    library: &Library,
    query: &str,
    hits: &[Hit],
    marks: Marks,
) -> io::Result<()> {
    let terms = search::terms(query);
    let (on, off) = marks.around();
    for hit in hits {
        let Some((issue, section)) = find(library, hit) else {
            continue;
        };
        let date = issue.date.as_deref().map_or("undated   ".into(), line);
        let title = line(&section.title);
        let title = if marks == Marks::Plain {
            title
        } else {
            mark_chars(&title, &search::fuzzy_indices(&title, &terms), on, off)
        };
        writeln!(out, "{date}  {} › {title}", line(&issue.title))?;
        let (text, ranges) = matching_line(section, &terms);
        let (text, ranges) = window(&text, &ranges, LINE_CHARS);
        if !text.is_empty() {
            writeln!(out, "    {}", mark_ranges(&text, &ranges, on, off))?;
        }
    }
    Ok(())
}

/// One hit for scripts; see README "Managing the library".
#[derive(Serialize)]
struct HitJson {
    issue_id: String,
    source: String,
    newsletter: Option<String>,
    date: Option<String>,
    issue_title: String,
    section_id: String,
    section_title: String,
    line: String,
    read: bool,
    starred: bool,
}

/// The hits as a JSON array, indented when `pretty`.
pub fn write_json(
    out: &mut impl Write,
    library: &Library,
    state: &ReadingState,
    query: &str,
    hits: &[Hit],
    pretty: bool,
) -> io::Result<()> {
    let terms = search::terms(query);
    let list: Vec<HitJson> = hits
        .iter()
        .filter_map(|hit| find(library, hit))
        .map(|(issue, section)| HitJson {
            issue_id: line(&issue.id),
            source: line(&issue.source),
            newsletter: issue.newsletter.as_deref().map(line),
            date: issue.date.as_deref().map(line),
            issue_title: line(&issue.title),
            section_id: line(&section.id),
            section_title: line(&section.title),
            line: matching_line(section, &terms).0,
            read: state.is_read(&section.id),
            starred: state.is_starred(&section.id),
        })
        .collect();
    if pretty {
        serde_json::to_writer_pretty(&mut *out, &list)?;
    } else {
        serde_json::to_writer(&mut *out, &list)?;
    }
    writeln!(out)
}

fn find<'a>(library: &'a Library, hit: &Hit) -> Option<(&'a crate::model::Issue, &'a Section)> {
    let issue = library.issues.get(hit.issue)?;
    Some((issue, issue.sections.get(hit.section)?))
}

/// The story's first block holding a term, made safe, with where the terms
/// are in it; else its first block, with none.
pub fn matching_line(section: &Section, terms: &[String]) -> (String, Vec<Range<usize>>) {
    let mut first = None;
    for block in section.blocks() {
        let text = line(&block.plain_text());
        let ranges = search::keyword_ranges(&text, terms);
        if !ranges.is_empty() {
            return (text, ranges);
        }
        first.get_or_insert(text);
    }
    (first.unwrap_or_default(), Vec::new())
}

/// `text` cut to at most `max` characters around its first range, with "…"
/// where something was cut, and the ranges moved to match.
fn window(text: &str, ranges: &[Range<usize>], max: usize) -> (String, Vec<Range<usize>>) {
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    if starts.len() <= max {
        return (text.to_string(), ranges.to_vec());
    }
    let first = ranges.first().map_or(0, |r| r.start);
    let first_char = starts.partition_point(|&b| b < first);
    let mut from = first_char.saturating_sub(LEAD_CHARS);
    let to = (from + max).min(starts.len());
    from = to.saturating_sub(max);
    let start = starts[from];
    let end = starts.get(to).copied().unwrap_or(text.len());
    let lead = if from > 0 { "…" } else { "" };
    let tail = if end < text.len() { "…" } else { "" };
    let shift = |b: usize| b - start + lead.len();
    let moved = ranges
        .iter()
        .filter(|r| r.end > start && r.start < end)
        .map(|r| shift(r.start.max(start))..shift(r.end.min(end)))
        .collect();
    (format!("{lead}{}{tail}", &text[start..end]), moved)
}

/// `text` with `on`/`off` around each byte range (sorted, disjoint).
fn mark_ranges(text: &str, ranges: &[Range<usize>], on: &str, off: &str) -> String {
    if on.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + ranges.len() * 10);
    let mut at = 0;
    for range in ranges {
        let (Some(before), Some(hit)) = (text.get(at..range.start), text.get(range.clone())) else {
            continue;
        };
        out.push_str(before);
        out.push_str(on);
        out.push_str(hit);
        out.push_str(off);
        at = range.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// `text` with `on`/`off` around the characters at `chars` (char indices).
fn mark_chars(text: &str, chars: &[usize], on: &str, off: &str) -> String {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let marked = text
        .char_indices()
        .enumerate()
        .filter(|(k, _)| chars.binary_search(k).is_ok());
    for (_, (i, c)) in marked {
        match ranges.last_mut() {
            // Neighbouring characters share one mark.
            Some(last) if last.end == i => last.end = i + c.len_utf8(),
            _ => ranges.push(i..i + c.len_utf8()),
        }
    }
    mark_ranges(text, &ranges, on, off)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Issue};

    fn library() -> Library {
        let section = |id: &str, title: &str, blocks: &[&str]| {
            Section::new(
                id.into(),
                title.into(),
                blocks.iter().map(|t| Block::Paragraph { text: t }),
            )
        };
        Library {
            issues: vec![Issue {
                id: "i1".into(),
                source: "tide.txt".into(),
                newsletter: Some("The Tidepool Letter".into()),
                title: "Kelp forests return".into(),
                date: Some("2025-03-04".into()),
                author: None,
                sections: vec![
                    section(
                        "s1",
                        "Kelp forests return",
                        &["Divers counted more kelp this spring."],
                    ),
                    section(
                        "s2",
                        "A quiet harbour",
                        &[
                            "Gulls circled the pier.",
                            "The ferry timetable changed and nobody noticed.",
                        ],
                    ),
                ],
                url: None,
                guid: None,
            }],
            errors: Vec::new(),
        }
    }

    fn search(query: &str, marks: Marks) -> String {
        let library = library();
        let hits = Index::new(&library).query(query);
        let mut out = Vec::new();
        write_text(&mut out, &library, query, &hits, marks).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn a_body_match_shows_its_line() {
        assert_eq!(
            search("ferry", Marks::Plain),
            "2025-03-04  Kelp forests return › A quiet harbour\n\
             \x20   The ferry timetable changed and nobody noticed.\n"
        );
        assert_eq!(
            search("FERRY", Marks::Bold),
            "2025-03-04  Kelp forests return › A quiet harbour\n\
             \x20   The \u{1b}[1mferry\u{1b}[0m timetable changed and nobody noticed.\n"
        );
        assert_eq!(search("zebra", Marks::Plain), "");
    }

    #[test]
    fn a_title_match_marks_the_title_and_shows_the_first_line() {
        let shown = search("harbour", Marks::Colour);
        assert_eq!(
            shown,
            "2025-03-04  Kelp forests return › A quiet \u{1b}[1;33mharbour\u{1b}[0m\n\
             \x20   Gulls circled the pier.\n"
        );
    }

    #[test]
    fn json_names_every_field() {
        let library = library();
        let hits = Index::new(&library).query("nobody");
        let mut state = ReadingState::new();
        state.set_starred("s2", true, 1);
        let mut out = Vec::new();
        write_json(&mut out, &library, &state, "nobody", &hits, false).expect("write");
        let json: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(
            json,
            serde_json::json!([{
                "issue_id": "i1",
                "source": "tide.txt",
                "newsletter": "The Tidepool Letter",
                "date": "2025-03-04",
                "issue_title": "Kelp forests return",
                "section_id": "s2",
                "section_title": "A quiet harbour",
                "line": "The ferry timetable changed and nobody noticed.",
                "read": false,
                "starred": true,
            }])
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_match() {
        let text = format!("{} needle {}", "a".repeat(300), "b".repeat(300));
        let ranges = search::keyword_ranges(&text, &["needle".to_string()]);
        let (cut, moved) = window(&text, &ranges, 100);
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert_eq!(cut.chars().count(), 102);
        assert_eq!(&cut[moved[0].clone()], "needle");
        let needle = std::iter::once(2..8).collect::<Vec<_>>();
        let (short, same) = window("a needle", &needle, 100);
        assert_eq!((short.as_str(), same), ("a needle", needle));
    }
}
