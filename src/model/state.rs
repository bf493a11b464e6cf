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

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The file format's version; a newer one is read as far as it is understood.
pub const STATE_VERSION: u32 = 1;

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

/// The reading state as `state.json` holds it. What a newer nlread wrote
/// that this one does not understand (a field of its own, a note on a
/// story) is kept in [`Unknown`] and written back with every save.
///
/// Reading it fails for JSON that is not a reading state at all: anything
/// but an object holding `version` or `stories`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadingState {
    pub version: u32,
    /// Marks by section id.
    pub stories: HashMap<String, Mark>,
    /// Where reading stopped, restored at the next start.
    pub resume: Option<Resume>,
    /// Queries typed in the filter bar, oldest first (Up recalls them).
    pub queries: Vec<Query>,
    pub unknown: Unknown,
}

/// The parts of a state file this version does not understand, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unknown {
    /// Fields of the file itself beside `version`, `stories`, `resume` and
    /// `queries`.
    top: Map<String, Value>,
    /// Fields of a story's mark beside `read`, `starred` and `at`.
    stories: HashMap<String, Map<String, Value>>,
    /// Fields of the resume point, with the point they came with: they are
    /// written back only while it is still the resume point.
    resume: Option<(Resume, Map<String, Value>)>,
}

impl Unknown {
    /// Nothing unknown was read.
    pub fn is_empty(&self) -> bool {
        self.top.is_empty() && self.stories.is_empty() && self.resume.is_none()
    }

    /// What another copy of the file holds takes the place of ours: this
    /// version never changes these parts, so the copy read last (the file
    /// on disk, in a save) is at least as recent.
    fn merge(&mut self, other: &Unknown) {
        for (key, value) in &other.top {
            self.top.insert(key.clone(), value.clone());
        }
        for (id, fields) in &other.stories {
            self.stories.insert(id.clone(), fields.clone());
        }
    }
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
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
                if other.unknown.resume.is_some() {
                    self.unknown.resume.clone_from(&other.unknown.resume);
                }
            }
        }
        self.merge_queries(&other.queries);
        self.unknown.merge(&other.unknown);
        self.version = self.version.max(other.version);
    }

    /// The state less the marks of stories that carry nothing else: what a
    /// store keeping marks in rows of their own writes beside them (the
    /// resume point, the queries, and every field this version does not
    /// know, a story's too).
    pub fn without_plain_marks(&self) -> ReadingState {
        ReadingState {
            version: self.version,
            stories: self
                .stories
                .iter()
                .filter(|(id, _)| self.unknown.stories.contains_key(*id))
                .map(|(id, mark)| (id.clone(), *mark))
                .collect(),
            resume: self.resume.clone(),
            queries: self.queries.clone(),
            unknown: self.unknown.clone(),
        }
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

// ------------------------------------------------------------ the file

/// A mark with the fields this version does not know, as written.
#[derive(Serialize)]
struct MarkOut<'a> {
    #[serde(flatten)]
    mark: &'a Mark,
    #[serde(flatten)]
    unknown: Option<&'a Map<String, Value>>,
}

#[derive(Serialize)]
struct ResumeOut<'a> {
    #[serde(flatten)]
    resume: &'a Resume,
    #[serde(flatten)]
    unknown: Option<&'a Map<String, Value>>,
}

/// The `stories` object, each mark with its unknown fields.
struct StoriesOut<'a>(&'a ReadingState);

impl Serialize for StoriesOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let state = self.0;
        let mut map = serializer.serialize_map(Some(state.stories.len()))?;
        for (id, mark) in &state.stories {
            let unknown = state.unknown.stories.get(id);
            map.serialize_entry(id, &MarkOut { mark, unknown })?;
        }
        map.end()
    }
}

impl Serialize for ReadingState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &self.version)?;
        map.serialize_entry("stories", &StoriesOut(self))?;
        if let Some(resume) = &self.resume {
            let unknown = match &self.unknown.resume {
                Some((with, fields)) if with == resume => Some(fields),
                _ => None,
            };
            map.serialize_entry("resume", &ResumeOut { resume, unknown })?;
        }
        if !self.queries.is_empty() {
            map.serialize_entry("queries", &self.queries)?;
        }
        for (key, value) in &self.unknown.top {
            if !matches!(key.as_str(), "version" | "stories" | "resume" | "queries") {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// A mark as read, with the fields this version does not know.
struct MarkIn {
    mark: Mark,
    unknown: Map<String, Value>,
}

impl<'de> Deserialize<'de> for MarkIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<MarkIn, D::Error> {
        struct MarkVisitor;
        impl<'de> Visitor<'de> for MarkVisitor {
            type Value = MarkIn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a story's marks")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MarkIn, A::Error> {
                let mut mark = Mark::default();
                let mut unknown = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "read" => mark.read = map.next_value()?,
                        "starred" => mark.starred = map.next_value()?,
                        "at" => mark.at = map.next_value()?,
                        _ => {
                            unknown.insert(key, map.next_value()?);
                        }
                    }
                }
                Ok(MarkIn { mark, unknown })
            }
        }
        deserializer.deserialize_map(MarkVisitor)
    }
}

impl<'de> Deserialize<'de> for Mark {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Mark, D::Error> {
        MarkIn::deserialize(deserializer).map(|m| m.mark)
    }
}

/// The resume point as read, with the fields this version does not know.
#[derive(Deserialize)]
struct ResumeIn {
    #[serde(flatten)]
    resume: Resume,
    #[serde(flatten)]
    unknown: Map<String, Value>,
}

/// The `stories` object: marks, and the unknown fields of each.
struct StoriesIn(HashMap<String, Mark>, HashMap<String, Map<String, Value>>);

impl<'de> Deserialize<'de> for StoriesIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<StoriesIn, D::Error> {
        struct StoriesVisitor;
        impl<'de> Visitor<'de> for StoriesVisitor {
            type Value = StoriesIn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the stories' marks by id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StoriesIn, A::Error> {
                let mut marks = HashMap::with_capacity(map.size_hint().unwrap_or(0));
                let mut unknown = HashMap::new();
                while let Some((id, mark)) = map.next_entry::<String, MarkIn>()? {
                    if !mark.unknown.is_empty() {
                        unknown.insert(id.clone(), mark.unknown);
                    }
                    marks.insert(id, mark.mark);
                }
                Ok(StoriesIn(marks, unknown))
            }
        }
        deserializer.deserialize_map(StoriesVisitor)
    }
}

impl<'de> Deserialize<'de> for ReadingState {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ReadingState, D::Error> {
        struct StateVisitor;
        impl<'de> Visitor<'de> for StateVisitor {
            type Value = ReadingState;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a reading state (an object with \"version\" and \"stories\")")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReadingState, A::Error> {
                let mut state = ReadingState::default();
                let mut known = false;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "version" => {
                            state.version = map.next_value()?;
                            known = true;
                        }
                        "stories" => {
                            let StoriesIn(marks, unknown) = map.next_value()?;
                            state.stories = marks;
                            state.unknown.stories = unknown;
                            known = true;
                        }
                        "queries" => {
                            state.queries = map.next_value()?;
                        }
                        "resume" => {
                            let resume: Option<ResumeIn> = map.next_value()?;
                            state.resume = resume.map(|r| {
                                if !r.unknown.is_empty() {
                                    state.unknown.resume = Some((r.resume.clone(), r.unknown));
                                }
                                r.resume
                            });
                        }
                        _ => {
                            state.unknown.top.insert(key, map.next_value()?);
                        }
                    }
                }
                if !known {
                    return Err(de::Error::custom(
                        "it has neither \"version\" nor \"stories\"",
                    ));
                }
                Ok(state)
            }
        }
        deserializer.deserialize_map(StateVisitor)
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
        // Fields a later version adds are read past, missing ones default.
        let later: ReadingState = serde_json::from_str(
            r#"{"version":9,"stories":{"b":{"starred":true,"x":1}},"new":[]}"#,
        )
        .expect("parse later");
        assert!(later.is_starred("b"));
    }

    #[test]
    fn what_a_newer_version_wrote_is_written_back() {
        // Issue 11, finding 5: unknown fields used to vanish on save.
        let newer = r#"{"version":2,"stories":{"a":{"read":true,"at":5,"note":"ask Ann"},"b":{"at":1}},"resume":{"issue":"i","section":"s","at":3,"zoom":2},"tags":["x"]}"#;
        let mut state: ReadingState = serde_json::from_str(newer).expect("parse");
        assert!(state.is_read("a"));
        assert!(!state.unknown.is_empty());
        // This version changes a mark and writes the file back.
        state.set_starred("a", true, 10);
        state.set_read("c", true, 11);
        let json: Value = serde_json::to_value(&state).expect("json");
        assert_eq!(json["version"], 2);
        assert_eq!(json["tags"], serde_json::json!(["x"]));
        assert_eq!(json["stories"]["a"]["note"], "ask Ann");
        assert_eq!(json["stories"]["a"]["starred"], true);
        assert_eq!(json["resume"]["zoom"], 2);
        // A new resume point does not take the old one's fields.
        state.resume = Some(Resume {
            issue: "j".into(),
            section: "t".into(),
            at: 20,
            ..Resume::default()
        });
        let json: Value = serde_json::to_value(&state).expect("json");
        assert_eq!(json["resume"]["issue"], "j");
        assert!(json["resume"].get("zoom").is_none(), "{json}");
        // Merging with what was read from disk keeps them too.
        let mut ours = ReadingState::new();
        ours.set_read("d", true, 30);
        let on_disk: ReadingState = serde_json::from_str(newer).expect("parse");
        ours.merge(&on_disk);
        let json: Value = serde_json::to_value(&ours).expect("json");
        assert_eq!(json["stories"]["a"]["note"], "ask Ann");
        assert_eq!(json["tags"], serde_json::json!(["x"]));
        assert_eq!(json["resume"]["zoom"], 2);
    }

    #[test]
    fn json_that_is_no_reading_state_is_refused() {
        for foreign in [
            r#"{"name":"my-package","dependencies":{}}"#,
            "[1,2]",
            "\"text\"",
            "3",
            "{}",
        ] {
            let err = serde_json::from_str::<ReadingState>(foreign).expect_err(foreign);
            assert!(err.is_data(), "{foreign}: {err}");
        }
    }
}
