//! What fetching remembers between runs, in `feeds-state.json` beside the
//! subscriptions: per feed, the validators of its last answer (ETag,
//! Last-Modified) for a conditional request, when the server asked to be
//! left alone until, the folder its items go to, and every item stored
//! (its GUID, its file, a hash of what was written) so an item is stored
//! exactly once and a changed one replaces its file.
//!
//! The file is nlread's own: read only when it is a regular file of at
//! most [`MAX_BYTES`], written atomically (a temporary file renamed over
//! it), a damaged one moved aside rather than overwritten.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Millis;

/// The state file's name, beside `feeds.toml`.
pub const FILE_NAME: &str = "feeds-state.json";

/// A larger file is not read: a hundred feeds of a thousand items each
/// take about 20 MB.
pub const MAX_BYTES: u64 = 64 << 20;

/// Everything fetching remembers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub version: u32,
    /// When the last fetch of all feeds ended.
    #[serde(default)]
    pub fetched_at: Option<Millis>,
    /// By the feed's address as the subscriptions file writes it.
    #[serde(default)]
    pub feeds: BTreeMap<String, FeedState>,
}

/// What is known of one feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The feed's own title, last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its items' folder, relative to the library folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// The last time the server answered with the feed (200 or 304).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<Millis>,
    /// Why the last fetch failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Retry-After (or a 429 without one): no request before this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_until: Option<Millis>,
    #[serde(default)]
    pub items: Vec<StoredItem>,
}

/// One item stored in the library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredItem {
    /// What the library knows it by (`Issue.guid`).
    pub guid: String,
    /// Its file, relative to the library folder, `/`-separated.
    pub file: String,
    /// A hash of the item's document as written: a new one means the item
    /// changed and its file is replaced.
    pub hash: String,
}

/// Why the state could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path} could not be read ({why}); fix or remove it, nothing was fetched")]
    Unreadable { path: String, why: String },
}

/// The state at `path`, and what to tell the user: a missing file is a
/// fresh start; a damaged one is moved aside (`.corrupt-<seconds>`) and
/// fetching starts afresh, which may store again items already stored.
pub fn load(path: &Path) -> Result<(State, Option<String>), StateError> {
    let shown = path.display().to_string();
    let bytes = match crate::store::own::read_capped(path, MAX_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((State::default(), None)),
        Err(e) => {
            return Err(StateError::Unreadable {
                path: shown,
                why: crate::store::own::describe(&e),
            });
        }
    };
    match serde_json::from_slice::<State>(&bytes) {
        Ok(state) => Ok((state, None)),
        Err(e) => {
            let aside = move_aside(path).map_err(|err| StateError::Unreadable {
                path: shown.clone(),
                why: format!("it is damaged ({e}) and could not be moved aside: {err}"),
            })?;
            let said = format!(
                "{shown} was damaged ({e}); it was moved to {}, and items already in the \
                 library may be stored again",
                aside.display()
            );
            Ok((State::default(), Some(said)))
        }
    }
}

/// Writes the state atomically.
pub fn save(path: &Path, state: &State) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut state = state.clone();
    state.version = 1;
    let bytes = serde_json::to_vec(&state).map_err(io::Error::other)?;
    crate::store::write_atomically(path, &bytes)
}

/// Renames a damaged file to a name beside it that is free.
fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = crate::store::now_millis() / 1000;
    for n in 1..100 {
        let mut name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(format!(".corrupt-{secs}"));
        if n > 1 {
            name.push(format!("-{n}"));
        }
        let aside = path.with_file_name(name);
        if std::fs::symlink_metadata(&aside).is_err() {
            std::fs::rename(path, &aside)?;
            return Ok(aside);
        }
    }
    Err(io::Error::other("too many damaged files this second"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_state_loads_back_and_a_missing_one_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join(FILE_NAME);
        assert_eq!(load(&path).expect("missing").0, State::default());
        let mut state = State::default();
        state.feeds.insert(
            "https://a.example/feed".into(),
            FeedState {
                etag: Some("\"v1\"".into()),
                items: vec![StoredItem {
                    guid: "g".into(),
                    file: "feeds/a/one.xml".into(),
                    hash: "h".into(),
                }],
                ..FeedState::default()
            },
        );
        save(&path, &state).expect("save");
        let (back, said) = load(&path).expect("load");
        assert_eq!(said, None);
        assert_eq!(back.feeds, state.feeds);
        assert_eq!(back.version, 1);
    }

    #[test]
    fn a_damaged_state_is_moved_aside_and_a_fifo_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "{\"feeds\": {").expect("write");
        let (state, said) = load(&path).expect("damaged is no error");
        assert_eq!(state, State::default());
        assert!(said.is_some_and(|s| s.contains("moved to")));
        assert!(!path.exists());
        let moved = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(moved, 1);
        #[cfg(unix)]
        {
            let made = std::process::Command::new("mkfifo").arg(&path).status();
            if made.is_ok_and(|s| s.success()) {
                let err = load(&path).expect_err("a FIFO is refused");
                assert!(err.to_string().contains("not a regular file"), "{err}");
            }
        }
    }
}
