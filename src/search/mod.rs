//! THROWAWAY stand-in for the filter engine (the real one is written on the
//! `search` branch). Same API, naive substring matching; the tui branch must
//! take main's version of this file before it is merged.

use crate::model::Library;

/// Every section of a library, searchable.
pub struct Index {
    docs: Vec<(usize, usize, String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub issue: usize,
    pub section: usize,
    pub score: i64,
}

impl Index {
    pub fn new(library: &Library) -> Index {
        let mut docs = Vec::new();
        for (i, issue) in library.issues.iter().enumerate() {
            for (s, section) in issue.sections.iter().enumerate() {
                docs.push((
                    i,
                    s,
                    section.title.to_lowercase(),
                    section.text().to_lowercase(),
                ));
            }
        }
        Index { docs }
    }

    pub fn query(&self, q: &str) -> Vec<Hit> {
        let terms = terms(q);
        if terms.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = self
            .docs
            .iter()
            .filter_map(|(issue, section, title, body)| {
                let mut score = 0;
                for t in &terms {
                    let in_title = title.contains(t.as_str());
                    let in_body = body.contains(t.as_str());
                    if !in_title && !in_body {
                        return None;
                    }
                    score += if in_title { 10 } else { 1 };
                }
                Some(Hit {
                    issue: *issue,
                    section: *section,
                    score,
                })
            })
            .collect();
        hits.sort_by_key(|h| std::cmp::Reverse(h.score));
        hits
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

pub fn terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

pub fn fuzzy_indices(text: &str, terms: &[String]) -> Vec<usize> {
    let lower: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    for t in terms {
        let tc: Vec<char> = t.chars().collect();
        if tc.is_empty() || tc.len() > lower.len() {
            continue;
        }
        for start in 0..=lower.len() - tc.len() {
            if lower[start..start + tc.len()] == tc[..] {
                out.extend(start..start + tc.len());
                break;
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

pub fn keyword_ranges(text: &str, terms: &[String]) -> Vec<std::ops::Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for t in terms {
        if t.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(p) = lower[from..].find(t.as_str()) {
            out.push(from + p..from + p + t.len());
            from += p + t.len();
        }
    }
    out.sort_by_key(|r| r.start);
    out
}
