//! The newsletter model: plain data that every other layer shares.
//!
//! Library -> Issue -> Section (a story) -> Block. Nothing here does I/O or
//! knows about terminals; everything is serde-serialisable so a parsed issue
//! can be exported, cached and snapshotted.

mod section;
pub mod state;

pub use section::{Block, Blocks, Link, RawSpan, Section};
pub use state::{Mark, Millis, Query, ReadingState, Resume};

use serde::{Deserialize, Serialize};

/// Everything that was loaded, plus one error per source that could not be.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    pub issues: Vec<Issue>,
    pub errors: Vec<SourceError>,
}

/// A source (file, bundled sample) that could not be turned into issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceError {
    pub source: String,
    pub message: String,
}

/// One newsletter issue: what arrived in one email, file or feed item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Stable for the same content: a hash of the issue's text, not of its path.
    pub id: String,
    /// Where it came from: a path, or `seeds/NAME` for a bundled sample.
    pub source: String,
    pub newsletter: Option<String>,
    pub title: String,
    /// ISO 8601 calendar date, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub author: Option<String>,
    pub sections: Vec<Section>,
    /// The issue's web address: a feed item's link, an email's "view in
    /// browser" page or list archive. Absent from caches and exports
    /// written before it existed.
    #[serde(default)]
    pub url: Option<String>,
    /// What makes two copies the same item: a feed item's GUID (its link
    /// when it has none), an email's Message-ID. The library shows one.
    #[serde(default)]
    pub guid: Option<String>,
}

impl Issue {
    pub fn words(&self) -> usize {
        self.sections.iter().map(|s| s.words).sum()
    }
}

/// Counts words the way a reader would: runs of non-space characters that
/// hold at least one letter or digit ("—" alone is not a word). Chinese and
/// Japanese are written without spaces, so each of their characters counts.
pub fn count_words(text: &str) -> usize {
    // One pass: a run of non-space characters counts once if it holds a
    // letter or digit; a CJK character counts alone and ends the run. ASCII
    // bytes are classified directly, other characters decoded.
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut run_has_alnum = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_whitespace() {
                words += usize::from(run_has_alnum);
                run_has_alnum = false;
            } else if b.is_ascii_alphanumeric() {
                run_has_alnum = true;
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if is_cjk(c) {
            words += 1 + usize::from(run_has_alnum);
            run_has_alnum = false;
        } else if c.is_whitespace() {
            words += usize::from(run_has_alnum);
            run_has_alnum = false;
        } else if c.is_alphanumeric() {
            run_has_alnum = true;
        }
    }
    words + usize::from(run_has_alnum)
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'   // hiragana, katakana
        | '\u{3400}'..='\u{4dbf}' // CJK extension A
        | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
        | '\u{f900}'..='\u{faff}' // compatibility ideographs
        | '\u{ac00}'..='\u{d7af}' // Hangul syllables
        | '\u{20000}'..='\u{2fa1f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_punctuation_only_tokens() {
        assert_eq!(count_words("Markets rose — again, 3 times"), 5);
        assert_eq!(count_words("   "), 0);
        assert_eq!(count_words("深圳的无人机 drones, 好"), 8);
    }
}
