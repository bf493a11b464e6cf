//! What the user did, kept across runs: which stories are read or starred,
//! and where reading stopped. Plain data with a merge, no I/O (the file is
//! handled by `crate::store`).
//!
//! Stories are keyed by section id, a hash of the issue's content and the
//! story's place and title, so renaming or moving a file keeps its marks.
//! Every mark carries the time it was last changed: two readers saving at
//! once are merged story by story, the later change winning. A mark that is
//! cleared (unread, unstarred) is kept with its time for the same reason.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The file format's version; a newer one is read as far as it is understood.
pub const STATE_VERSION: u32 = 1;

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingState {
    #[serde(default)]
    pub version: u32,
    /// Marks by section id.
    #[serde(default)]
    pub stories: HashMap<String, Mark>,
    /// Where reading stopped, restored at the next start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
    /// Queries typed in the filter bar, oldest first (Up recalls them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries: Vec<Query>,
}

/// A query typed in the filter bar, and when it was last used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    pub text: String,
    #[serde(default)]
    pub at: Millis,
}

/// Queries kept in the state file.
pub const MAX_QUERIES: usize = 100;

/// One story's marks and when they last changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    #[serde(default, skip_serializing_if = "is_false")]
    pub read: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub starred: bool,
    /// When this mark last changed (ms since the epoch).
    #[serde(default)]
    pub at: Millis,
}

/// The story on screen when the reader last saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    pub issue: String,
    pub section: String,
    /// Where the first line shown starts, as a place in the text (so it
    /// survives another terminal width): the block (none: the title) and a
    /// byte offset into it.
    #[serde(default)]
    pub block: Option<usize>,
    #[serde(default)]
    pub byte: usize,
    /// True when the story pane had the keys (the user was reading).
    #[serde(default)]
    pub reading: bool,
    #[serde(default)]
    pub at: Millis,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl ReadingState {
    pub fn new() -> ReadingState {
        ReadingState {
            version: STATE_VERSION,
            ..ReadingState::default()
        }
    }

    pub fn is_read(&self, section: &str) -> bool {
        self.stories.get(section).is_some_and(|m| m.read)
    }

    pub fn is_starred(&self, section: &str) -> bool {
        self.stories.get(section).is_some_and(|m| m.starred)
    }

    /// Sets `section`'s read mark; true if it changed.
    pub fn set_read(&mut self, section: &str, read: bool, now: Millis) -> bool {
        self.change(section, now, |m| m.read = read)
    }

    /// Sets `section`'s star; true if it changed.
    pub fn set_starred(&mut self, section: &str, starred: bool, now: Millis) -> bool {
        self.change(section, now, |m| m.starred = starred)
    }

    fn change(&mut self, section: &str, now: Millis, edit: impl FnOnce(&mut Mark)) -> bool {
        let old = self.stories.get(section).copied().unwrap_or_default();
        let mut new = old;
        edit(&mut new);
        if (new.read, new.starred) == (old.read, old.starred) {
            return false;
        }
        // Never behind the mark it replaces, so a merge keeps this change.
        new.at = now.max(old.at.saturating_add(1));
        self.stories.insert(section.to_string(), new);
        true
    }

    /// Takes in what another reader saved: per story the later change wins
    /// (this one on a tie), and the later resume point.
    pub fn merge(&mut self, other: &ReadingState) {
        for (id, theirs) in &other.stories {
            match self.stories.get_mut(id) {
                Some(ours) if ours.at >= theirs.at => {}
                Some(ours) => *ours = *theirs,
                None => {
                    self.stories.insert(id.clone(), *theirs);
                }
            }
        }
        if let Some(theirs) = &other.resume {
            let newer = self.resume.as_ref().is_none_or(|ours| theirs.at > ours.at);
            if newer {
                self.resume = Some(theirs.clone());
            }
        }
        self.merge_queries(&other.queries);
        self.version = self.version.max(other.version);
    }

    /// Takes in queries: each once, at its latest use, oldest first, the
    /// newest [`MAX_QUERIES`] kept.
    pub fn merge_queries(&mut self, theirs: &[Query]) {
        for q in theirs {
            match self.queries.iter_mut().find(|o| o.text == q.text) {
                Some(ours) => ours.at = ours.at.max(q.at),
                None => self.queries.push(q.clone()),
            }
        }
        self.queries.sort_by_key(|q| q.at);
        let over = self.queries.len().saturating_sub(MAX_QUERIES);
        self.queries.drain(..over);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_change_and_report_it() {
        let mut state = ReadingState::new();
        assert!(!state.is_read("a"));
        assert!(state.set_read("a", true, 10));
        assert!(!state.set_read("a", true, 20), "no change the second time");
        assert!(state.is_read("a"));
        assert!(state.set_starred("a", true, 30));
        assert!(state.is_starred("a") && state.is_read("a"));
        assert_eq!(state.stories["a"].at, 30);
        assert!(state.set_read("a", false, 40));
        assert!(!state.is_read("a") && state.is_starred("a"));
    }

    #[test]
    fn a_change_is_never_older_than_the_mark_it_replaces() {
        let mut state = ReadingState::new();
        state.set_read("a", true, 100);
        // A clock that went back still moves the mark forward.
        state.set_read("a", false, 50);
        assert_eq!(state.stories["a"].at, 101);
    }

    #[test]
    fn merge_keeps_the_later_change_per_story() {
        let mut ours = ReadingState::new();
        ours.set_read("a", true, 10);
        ours.set_starred("b", true, 30);
        let mut theirs = ReadingState::new();
        theirs.set_read("a", true, 5);
        theirs.set_read("a", false, 20); // later: unread wins
        theirs.set_read("b", true, 25); // earlier than our star
        theirs.set_read("c", true, 1); // only theirs
        ours.merge(&theirs);
        assert!(!ours.is_read("a"));
        assert!(ours.is_starred("b") && !ours.is_read("b"));
        assert!(ours.is_read("c"));
    }

    #[test]
    fn merge_keeps_the_later_resume_point() {
        let resume = |section: &str, at| Resume {
            issue: "i".into(),
            section: section.into(),
            block: None,
            byte: 0,
            reading: false,
            at,
        };
        let mut ours = ReadingState::new();
        ours.resume = Some(resume("mine", 10));
        let mut theirs = ReadingState::new();
        theirs.resume = Some(resume("theirs", 5));
        ours.merge(&theirs);
        assert_eq!(
            ours.resume.as_ref().map(|r| r.section.as_str()),
            Some("mine")
        );
        theirs.resume = Some(resume("theirs", 11));
        ours.merge(&theirs);
        assert_eq!(
            ours.resume.as_ref().map(|r| r.section.as_str()),
            Some("theirs")
        );
    }

    #[test]
    fn queries_merge_once_each_at_their_latest_use() {
        let q = |text: &str, at| Query {
            text: text.into(),
            at,
        };
        let mut ours = ReadingState::new();
        ours.queries = vec![q("rates", 5), q("piano", 9)];
        let mut theirs = ReadingState::new();
        theirs.queries = vec![q("bergen", 1), q("rates", 12)];
        ours.merge(&theirs);
        let texts: Vec<&str> = ours.queries.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts, ["bergen", "piano", "rates"]);
        let many: Vec<Query> = (0..150).map(|i| q(&i.to_string(), i)).collect();
        ours.merge_queries(&many);
        assert_eq!(ours.queries.len(), MAX_QUERIES);
        assert_eq!(ours.queries.last().map(|q| q.text.as_str()), Some("149"));
    }

    #[test]
    fn json_is_small_and_reads_back() {
        let mut state = ReadingState::new();
        state.set_read("a", true, 7);
        let json = serde_json::to_string(&state).expect("json");
        assert_eq!(
            json,
            r#"{"version":1,"stories":{"a":{"read":true,"at":7}}}"#
        );
        let back: ReadingState = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, state);
        // Fields a later version adds are ignored, missing ones default.
        let later: ReadingState = serde_json::from_str(
            r#"{"version":9,"stories":{"b":{"starred":true,"x":1}},"new":[]}"#,
        )
        .expect("parse later");
        assert!(later.is_starred("b"));
    }
}
