//! The searchable form of a library, built once and queried on every keystroke.
//!
//! Shaped for large libraries: all story text lives folded in ONE buffer with a
//! byte range per section, all names (section titles, issue titles, newsletter
//! names) in another, so building allocates a handful of big strings instead of
//! one per section, and a query walks memory in order.

use std::ops::Range;

use super::fold::{fold, push_folded};
use super::score::{
    KEYWORD_OCCURRENCE_CAP, keyword_score, matcher, name_score, section_title_weight,
};
use super::{Hit, terms};
use crate::model::{Block, Library};

/// A library's sections, folded for matching.
pub struct Index {
    /// Every section title, issue title and newsletter name, folded.
    names: String,
    /// Every section's story text, folded, one block per line.
    bodies: String,
    issues: Vec<IssueEntry>,
    sections: Vec<SectionEntry>,
}

struct IssueEntry {
    title: Range<usize>,
    newsletter: Range<usize>,
}

struct SectionEntry {
    issue: usize,
    section: usize,
    title: Range<usize>,
    body: Range<usize>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("issues", &self.issues.len())
            .field("sections", &self.sections.len())
            .field("names_bytes", &self.names.len())
            .field("body_bytes", &self.bodies.len())
            .finish()
    }
}

impl Default for Index {
    /// The index of an empty library.
    fn default() -> Self {
        Index::new(&Library::default())
    }
}

impl Index {
    pub fn new(library: &Library) -> Index {
        let mut names = String::new();
        let mut bodies = String::new();
        let mut issues = Vec::with_capacity(library.issues.len());
        let mut sections = Vec::new();
        for (issue_index, issue) in library.issues.iter().enumerate() {
            let title = push_range(&mut names, &issue.title);
            let newsletter = push_range(&mut names, issue.newsletter.as_deref().unwrap_or(""));
            issues.push(IssueEntry { title, newsletter });
            for (section_index, section) in issue.sections.iter().enumerate() {
                let title = push_range(&mut names, &section.title);
                let start = bodies.len();
                for (i, block) in section.blocks().enumerate() {
                    if i > 0 {
                        bodies.push('\n');
                    }
                    push_block(&mut bodies, &block);
                }
                let body = start..bodies.len();
                sections.push(SectionEntry {
                    issue: issue_index,
                    section: section_index,
                    title,
                    body,
                });
            }
        }
        names.shrink_to_fit();
        bodies.shrink_to_fit();
        Index {
            names,
            bodies,
            issues,
            sections,
        }
    }

    /// Every story that matches all terms of `query`, best first (ties: library
    /// order, i.e. issue index then section index). A blank query gives an empty Vec.
    pub fn query(&self, query: &str) -> Vec<Hit> {
        self.query_terms(&terms(query))
    }

    /// Like `query`, for terms already split (e.g. by `terms`, so the same
    /// terms can drive the highlights). Terms are folded again here, and empty
    /// ones ignored, so raw words work too.
    pub fn query_terms(&self, terms: &[String]) -> Vec<Hit> {
        let terms: Vec<String> = terms
            .iter()
            .map(|t| fold(t))
            .filter(|t| !t.is_empty())
            .collect();
        if terms.is_empty() {
            return Vec::new();
        }
        // Issue titles and newsletter names are shared by all of an issue's
        // sections: score them once per issue, not once per section.
        let issue_scores: Vec<Vec<Option<i64>>> = terms
            .iter()
            .map(|term| {
                self.issues
                    .iter()
                    .map(|issue| {
                        let title = name_score(matcher(), &self.names[issue.title.clone()], term);
                        let newsletter =
                            name_score(matcher(), &self.names[issue.newsletter.clone()], term);
                        title.max(newsletter)
                    })
                    .collect()
            })
            .collect();

        let mut hits: Vec<Hit> = self
            .sections
            .iter()
            .filter_map(|entry| {
                let mut total: i64 = 0;
                for (term, per_issue) in terms.iter().zip(&issue_scores) {
                    let score = self.term_score(entry, term, per_issue[entry.issue])?;
                    total = total.saturating_add(score);
                }
                Some(Hit {
                    issue: entry.issue,
                    section: entry.section,
                    score: total,
                })
            })
            .collect();
        // Stable: equal scores keep library order.
        hits.sort_by_key(|hit| std::cmp::Reverse(hit.score));
        hits
    }

    /// Number of stories (sections) in the library: the M of "N of M".
    pub fn len(&self) -> usize {
        self.sections.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// One term against one section: the best name match, else a keyword hit
    /// in the story text, else `None`.
    fn term_score(
        &self,
        entry: &SectionEntry,
        term: &str,
        issue_score: Option<i64>,
    ) -> Option<i64> {
        let title =
            name_score(matcher(), &self.names[entry.title.clone()], term).map(section_title_weight);
        if let Some(best) = title.max(issue_score) {
            return Some(best);
        }
        let body = &self.bodies[entry.body.clone()];
        let occurrences = body
            .match_indices(term)
            .take(KEYWORD_OCCURRENCE_CAP)
            .count();
        (occurrences > 0).then(|| keyword_score(term, occurrences))
    }
}

/// Appends the fold of `text` to `buffer` and returns where it went.
fn push_range(buffer: &mut String, text: &str) -> Range<usize> {
    let start = buffer.len();
    push_folded(buffer, text);
    start..buffer.len()
}

/// Appends a block's text as a reader sees it (labels and markers included),
/// folded, without building the plain-text String first.
fn push_block(buffer: &mut String, block: &Block) {
    match block {
        Block::Labelled { label, text } => {
            push_folded(buffer, label);
            buffer.push_str(": ");
            push_folded(buffer, text);
        }
        Block::Numbered { number, text } => {
            buffer.push_str(&number.to_string());
            buffer.push_str(". ");
            push_folded(buffer, text);
        }
        // Bullet and quote markers are not words anyone searches for.
        other => push_folded(buffer, other.text()),
    }
}
