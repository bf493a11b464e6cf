//! The library as one JSON document, for scripts: every issue with its
//! stories as plain text, and every source that could not be read.
//!
//! The shape is a promise to users (see README "Export"), so it is built from
//! its own structs rather than by serialising the model directly: a change to
//! the model does not silently change the export.

use serde::Serialize;
use std::io::Write;

use crate::model::{Issue, Library, ReadingState, Section, SourceError};

#[derive(Debug, Serialize)]
pub struct Export<'a> {
    pub issues: Vec<ExportIssue<'a>>,
    pub errors: &'a [SourceError],
}

#[derive(Debug, Serialize)]
pub struct ExportIssue<'a> {
    pub id: &'a str,
    pub source: &'a str,
    pub newsletter: Option<&'a str>,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub author: Option<&'a str>,
    /// Where the issue can be read on the web (a feed item's link, an
    /// email's "view in browser" page), when it says.
    pub url: Option<&'a str>,
    pub words: usize,
    pub sections: Vec<ExportSection<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ExportSection<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The label the story sits under, null when none.
    pub group: Option<&'a str>,
    /// [`Section::text`]: all blocks as plain text, labels and markers included.
    pub text: SectionText<'a>,
    pub words: usize,
    pub blocks: SectionBlocks<'a>,
    /// The story's links as (text, url).
    pub links: Vec<ExportLink<'a>>,
    /// From the reading state (see README "Reading state").
    pub read: bool,
    pub starred: bool,
}

/// A section's [`Section::text`], built only while it is written: a large
/// library (a streamed mbox) must not need a second copy of all its text.
#[derive(Debug)]
pub struct SectionText<'a>(pub &'a Section);

impl Serialize for SectionText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.text())
    }
}

/// A section's blocks, listed only while they are written (as above).
#[derive(Debug)]
pub struct SectionBlocks<'a>(pub &'a Section);

impl Serialize for SectionBlocks<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.blocks())
    }
}

#[derive(Debug, Serialize)]
pub struct ExportLink<'a> {
    pub text: &'a str,
    pub url: &'a str,
}

impl<'a> Export<'a> {
    pub fn new(library: &'a Library, state: &ReadingState) -> Self {
        Export {
            issues: library
                .issues
                .iter()
                .map(|i| ExportIssue::new(i, state))
                .collect(),
            errors: &library.errors,
        }
    }
}

impl<'a> ExportIssue<'a> {
    fn new(issue: &'a Issue, state: &ReadingState) -> Self {
        ExportIssue {
            id: &issue.id,
            source: &issue.source,
            newsletter: issue.newsletter.as_deref(),
            title: &issue.title,
            date: issue.date.as_deref(),
            author: issue.author.as_deref(),
            url: issue.url.as_deref(),
            words: issue.words(),
            sections: issue
                .sections
                .iter()
                .map(|s| ExportSection::new(s, state))
                .collect(),
        }
    }
}

impl<'a> ExportSection<'a> {
    fn new(section: &'a Section, state: &ReadingState) -> Self {
        ExportSection {
            id: &section.id,
            title: &section.title,
            group: section.group.as_deref(),
            text: SectionText(section),
            words: section.words,
            blocks: SectionBlocks(section),
            links: section
                .links
                .iter()
                .map(|l| ExportLink {
                    text: &l.text,
                    url: &l.url,
                })
                .collect(),
            read: state.is_read(&section.id),
            starred: state.is_starred(&section.id),
        }
    }
}

/// Writes the library as pretty JSON followed by a newline.
pub fn write_json(library: &Library, state: &ReadingState, out: impl Write) -> std::io::Result<()> {
    write_json_as(library, state, out, true)
}

/// [`write_json`], indented for people (`pretty`) or on one line for
/// programs, which is a quarter smaller and faster to write and read.
pub fn write_json_as(
    library: &Library,
    state: &ReadingState,
    out: impl Write,
    pretty: bool,
) -> std::io::Result<()> {
    // Stdout is line-buffered: without this, every line of the pretty JSON
    // would be its own write(2), seconds of system time on a large library.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    // File names are not sanitized: DEL, C1 and bidi controls in them are
    // escaped here, as serde_json leaves them raw.
    let escaper = crate::text::JsonEscaper::new(&mut out);
    // serde_json writes a token at a time: the escaper looks at 64 KiB at
    // a time instead (a third of a large export's time went to its calls).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, escaper);
    if pretty {
        serde_json::to_writer_pretty(&mut out, &Export::new(library, state))?;
    } else {
        serde_json::to_writer(&mut out, &Export::new(library, state))?;
    }
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Block;
    use serde_json::{Value, json};

    fn library() -> Library {
        let section = Section::new(
            "s1".into(),
            "1 big thing: Tea".into(),
            vec![
                Block::Labelled {
                    label: "Why it matters",
                    text: "Tea is hot.",
                },
                Block::Bullet {
                    text: "Cold tea too.",
                },
            ],
        );
        Library {
            issues: vec![Issue {
                id: "i1".into(),
                source: "a.txt".into(),
                newsletter: Some("Brew".into()),
                title: "Tea".into(),
                date: Some("2024-01-02".into()),
                author: None,
                sections: vec![section],
                url: Some("https://brew.example/tea".into()),
                guid: None,
            }],
            errors: vec![SourceError {
                source: "b.txt".into(),
                message: "the file is empty".into(),
            }],
        }
    }

    #[test]
    fn export_has_the_documented_shape() {
        let mut out = Vec::new();
        let mut state = ReadingState::new();
        state.set_starred("s1", true, 1);
        write_json(&library(), &state, &mut out).unwrap();
        assert!(out.ends_with(b"}\n"));
        let v: Value = serde_json::from_slice(&out).unwrap();
        let issue = &v["issues"][0];
        assert_eq!(issue["id"], "i1");
        assert_eq!(issue["source"], "a.txt");
        assert_eq!(issue["newsletter"], "Brew");
        assert_eq!(issue["title"], "Tea");
        assert_eq!(issue["date"], "2024-01-02");
        assert_eq!(issue["author"], Value::Null);
        assert_eq!(issue["url"], "https://brew.example/tea");
        let section = &issue["sections"][0];
        assert_eq!(section["id"], "s1");
        assert_eq!(section["title"], "1 big thing: Tea");
        assert_eq!(
            section["text"],
            "Why it matters: Tea is hot.\n• Cold tea too."
        );
        assert_eq!(section["words"], 9);
        assert_eq!(
            section["blocks"][1],
            json!({"kind": "bullet", "text": "Cold tea too."})
        );
        assert_eq!(section["read"], false);
        assert_eq!(section["starred"], true);
        assert_eq!(
            v["errors"],
            json!([{"source": "b.txt", "message": "the file is empty"}])
        );
    }

    #[test]
    fn empty_library_exports_empty_lists() {
        let mut out = Vec::new();
        write_json(&Library::default(), &ReadingState::new(), &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v, json!({"issues": [], "errors": []}));
    }
}
