//! One fetch of every feed: a few threads, at most [`Options::per_host`]
//! requests to one host at a time, each feed's new items stored in the
//! library and its state saved as soon as it is done (so a fetch cut
//! short keeps what it stored). One bad feed never stops the others: each
//! ends in an [`Outcome`]. Two fetches never run at once (a lock beside
//! the state file).

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;

use super::feeds::{self, Feed};
use super::http::{Client, FetchError};
use super::state::{self, FeedState, State, StateError, StoredItem};
use super::store::{self, Item};
use crate::model::Millis;

/// Where fetching reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `feeds.toml`.
    pub feeds: PathBuf,
    /// `feeds-state.json`.
    pub state: PathBuf,
    /// The library folder new items go to (the first one).
    pub library: PathBuf,
}

impl Paths {
    /// The subscriptions and the state in `config_dir`, items in `library`.
    pub fn new(config_dir: &Path, library: PathBuf) -> Paths {
        Paths {
            feeds: config_dir.join(feeds::FILE_NAME),
            state: config_dir.join(state::FILE_NAME),
            library,
        }
    }
}

/// How a fetch is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// For each feed's whole exchange.
    pub timeout: Duration,
    /// A feed larger than this is refused.
    pub max_bytes: u64,
    /// Feeds fetched at once.
    pub workers: usize,
    /// Requests to one host at once.
    pub per_host: usize,
}

/// 30 s, as the issue asks; the longest a feed may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Feeds are a few hundred KB; the largest real ones (full-text archives)
/// a few MB. The library reads no more than 32 MB of a file anyway.
pub const MAX_FEED_BYTES: u64 = 16 << 20;

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: DEFAULT_TIMEOUT,
            max_bytes: MAX_FEED_BYTES,
            // Waiting on the network costs a thread nothing: enough that
            // slow feeds do not hold up the others (a typical reader's
            // feeds all start at once). At most this many bodies are in
            // memory at a time, each under `max_bytes`.
            workers: 64,
            per_host: 2,
        }
    }
}

/// How one feed's fetch ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// The feed came: `new` items stored, `updated` replaced.
    Fetched {
        new: usize,
        updated: usize,
    },
    /// 304: as it was.
    NotModified,
    /// Not asked: the server asked to be left alone until then.
    Waiting {
        until: Millis,
    },
    Failed {
        error: String,
    },
}

/// One feed's part of the fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedReport {
    pub url: String,
    pub name: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// A permanent redirect: the subscription now has this address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
}

/// What a fetch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub feeds: Vec<FeedReport>,
    /// Problems with nlread's own files (state, subscriptions, library).
    pub warnings: Vec<String>,
}

impl Report {
    pub fn new_issues(&self) -> usize {
        self.count(|o| match o {
            Outcome::Fetched { new, .. } => *new,
            _ => 0,
        })
    }

    pub fn updated(&self) -> usize {
        self.count(|o| match o {
            Outcome::Fetched { updated, .. } => *updated,
            _ => 0,
        })
    }

    pub fn failed(&self) -> usize {
        self.count(|o| usize::from(matches!(o, Outcome::Failed { .. })))
    }

    fn count(&self, each: impl Fn(&Outcome) -> usize) -> usize {
        self.feeds.iter().map(|f| each(&f.outcome)).sum()
    }
}

/// Why a fetch could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("another nlread is fetching the feeds; try again once it has finished")]
    Busy,
    #[error(transparent)]
    State(#[from] StateError),
}

/// Fetches `feeds`, telling `progress` (feeds done, feeds in all) after
/// each; the report lists them in the order given.
pub fn fetch(
    paths: &Paths,
    feeds: &[Feed],
    options: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, RunError> {
    let _lock = match lock(&paths.state) {
        Lock::Held(file) => Some(file),
        Lock::Busy => return Err(RunError::Busy),
        // A folder where no lock can be made still fetches.
        Lock::None => None,
    };
    let (state, said) = state::load(&paths.state)?;
    let mut warnings: Vec<String> = said.into_iter().collect();
    let client = Client::new(options.timeout, options.max_bytes);
    let shared = Shared::new(state);
    let total = feeds.len();
    let done = AtomicUsize::new(0);
    let queue = Queue::new(feeds, options.per_host.max(1));
    let reports: Mutex<Vec<Option<FeedReport>>> = Mutex::new(vec![None; total]);
    let save_problems: Mutex<Vec<String>> = Mutex::new(Vec::new());
    progress(0, total);
    std::thread::scope(|scope| {
        for _ in 0..options.workers.clamp(1, total.max(1)) {
            scope.spawn(|| {
                while let Some(i) = queue.next() {
                    let feed = &feeds[i];
                    let report = one_feed(feed, &client, &shared, paths);
                    if let Err(e) = shared.save(&paths.state) {
                        guard(&save_problems).push(e);
                    }
                    queue.done(i);
                    guard(&reports)[i] = Some(report);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                }
            });
        }
    });
    let reports: Vec<FeedReport> = reports
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect();
    for report in &reports {
        if let Some(new) = &report.moved_to
            && let Err(e) = move_subscription(&paths.feeds, &report.url, new)
        {
            warnings.push(e);
        }
    }
    guard(&shared.state).fetched_at = Some(crate::store::now_millis());
    let mut saved = save_problems
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let Err(e) = shared.save(&paths.state) {
        saved.push(e);
    }
    // One word on the state file is enough, however many saves failed.
    warnings.extend(saved.into_iter().last());
    Ok(Report {
        feeds: reports,
        warnings,
    })
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

enum Lock {
    Held(std::fs::File),
    Busy,
    None,
}

/// The lock beside the state file, if it can be had at once.
fn lock(state: &Path) -> Lock {
    let mut name = state
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    let path = state.with_file_name(name);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(file) = crate::store::own::open_regular_to_write(&path) else {
        return Lock::None;
    };
    match file.try_lock() {
        Ok(()) => Lock::Held(file),
        Err(std::fs::TryLockError::WouldBlock) => Lock::Busy,
        Err(_) => Lock::None,
    }
}

/// The feeds still to fetch, handed out so that no host has more than
/// `per_host` requests at once.
struct Queue<'a> {
    feeds: &'a [Feed],
    per_host: usize,
    state: Mutex<(VecDeque<usize>, HashMap<String, usize>)>,
    freed: Condvar,
}

impl<'a> Queue<'a> {
    fn new(feeds: &'a [Feed], per_host: usize) -> Queue<'a> {
        Queue {
            feeds,
            per_host,
            state: Mutex::new(((0..feeds.len()).collect(), HashMap::new())),
            freed: Condvar::new(),
        }
    }

    fn host(&self, i: usize) -> String {
        feeds::host(&self.feeds[i].url).unwrap_or_default()
    }

    /// The next feed whose host has room; waits while every one left is
    /// on a busy host; None when none is left.
    fn next(&self) -> Option<usize> {
        let mut state = guard(&self.state);
        loop {
            let (pending, busy) = &mut *state;
            if pending.is_empty() {
                return None;
            }
            let free = pending
                .iter()
                .position(|&i| busy.get(&self.host(i)).copied().unwrap_or(0) < self.per_host);
            if let Some(at) = free
                && let Some(i) = pending.remove(at)
            {
                *busy.entry(self.host(i)).or_insert(0) += 1;
                return Some(i);
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn done(&self, i: usize) {
        let mut state = guard(&self.state);
        if let Some(n) = state.1.get_mut(&self.host(i)) {
            *n = n.saturating_sub(1);
        }
        drop(state);
        self.freed.notify_all();
    }
}

/// The state shared by the workers, with every GUID stored (by any feed:
/// the same feed under two addresses stores its items once).
struct Shared {
    state: Mutex<State>,
    /// GUID -> the feed (address) that stored it.
    stored: Mutex<HashMap<String, String>>,
    /// Saves take turns, each writing all that is known by then.
    saving: Mutex<()>,
}

impl Shared {
    fn new(state: State) -> Shared {
        let stored = state
            .feeds
            .iter()
            .flat_map(|(url, f)| f.items.iter().map(move |i| (i.guid.clone(), url.clone())))
            .collect();
        Shared {
            state: Mutex::new(state),
            stored: Mutex::new(stored),
            saving: Mutex::new(()),
        }
    }

    fn feed(&self, url: &str) -> FeedState {
        guard(&self.state)
            .feeds
            .get(url)
            .cloned()
            .unwrap_or_default()
    }

    fn save(&self, path: &Path) -> Result<(), String> {
        let _turn = guard(&self.saving);
        let state = guard(&self.state).clone();
        state::save(path, &state).map_err(|e| {
            format!(
                "{} could not be written ({}); the next fetch may store some items again",
                path.display(),
                crate::store::own::describe(&e)
            )
        })
    }
}

/// Fetches one feed and stores what is new.
fn one_feed(feed: &Feed, client: &Client, shared: &Shared, paths: &Paths) -> FeedReport {
    let before = shared.feed(&feed.url);
    let now = crate::store::now_millis();
    let mut report = FeedReport {
        url: feed.url.clone(),
        name: feed.shown_name(before.title.as_deref()),
        outcome: Outcome::NotModified,
        moved_to: None,
    };
    if let Some(until) = before.wait_until.filter(|&t| t > now) {
        report.outcome = Outcome::Waiting { until };
        return report;
    }
    let answer = client.get(
        &feed.url,
        before.etag.as_deref(),
        before.last_modified.as_deref(),
    );
    let mut after = before.clone();
    after.wait_until = None;
    let outcome = match answer {
        Err(e) => {
            if let FetchError::Wait { until, .. } = &e {
                after.wait_until = Some(*until);
            }
            after.error = Some(e.to_string());
            Outcome::Failed {
                error: e.to_string(),
            }
        }
        Ok(answer) => {
            report.moved_to = answer.moved_to.clone();
            let got = match &answer.body {
                None => Ok(Outcome::NotModified),
                Some(body) => {
                    let at = answer.moved_to.as_deref().unwrap_or(&feed.url);
                    store::read_items(body, answer.content_type.as_deref(), at)
                        .map_err(|e| e.to_string())
                        .and_then(|items| store_items(feed, &items, &mut after, shared, paths))
                }
            };
            match got {
                Ok(outcome) => {
                    // Validators only from an answer that was stored:
                    // a failed store must be fetched whole next time.
                    if answer.body.is_some() || answer.etag.is_some() {
                        after.etag = answer.etag;
                    }
                    if answer.body.is_some() || answer.last_modified.is_some() {
                        after.last_modified = answer.last_modified;
                    }
                    after.checked = Some(now);
                    after.error = None;
                    outcome
                }
                Err(error) => {
                    after.error = Some(error.clone());
                    Outcome::Failed { error }
                }
            }
        }
    };
    report.outcome = outcome;
    if let Some(title) = &after.title {
        report.name = feed.shown_name(Some(title));
    }
    let mut state = guard(&shared.state);
    state.feeds.remove(&feed.url);
    let key = report.moved_to.clone().unwrap_or_else(|| feed.url.clone());
    if report.moved_to.is_some() {
        // Its GUIDs now belong to the new address.
        let mut stored = guard(&shared.stored);
        for item in &after.items {
            stored.insert(item.guid.clone(), key.clone());
        }
    }
    state.feeds.insert(key, after);
    report
}

/// Stores the new and changed items of a feed into its folder.
fn store_items(
    feed: &Feed,
    items: &[Item],
    after: &mut FeedState,
    shared: &Shared,
    paths: &Paths,
) -> Result<Outcome, String> {
    if let Some(title) = items.iter().find_map(|i| i.newsletter.clone()) {
        after.title = Some(title);
    }
    let folder = match after.folder.as_deref().filter(|f| inside(f)) {
        Some(folder) => folder.to_string(),
        None => {
            let folder = new_folder(feed, after.title.as_deref(), shared);
            after.folder = Some(folder.clone());
            folder
        }
    };
    let mut new = 0;
    let mut updated = 0;
    for item in items {
        let mine = after.items.iter().position(|s| s.guid == item.guid);
        if let Some(k) = mine {
            if after.items[k].hash == item.hash {
                continue;
            }
            let path = paths.library.join(&after.items[k].file);
            // A file the user deleted stays deleted.
            if inside(&after.items[k].file) && path.is_file() {
                store::write_whole(&path, &item.bytes).map_err(|e| write_error(&path, &e))?;
                updated += 1;
            }
            after.items[k].hash = item.hash.clone();
            continue;
        }
        {
            let mut stored = guard(&shared.stored);
            if stored
                .get(&item.guid)
                .is_some_and(|owner| *owner != feed.url)
            {
                // Stored by another subscription (the same feed twice).
                continue;
            }
            stored.insert(item.guid.clone(), feed.url.clone());
        }
        let file = format!("{folder}/{}", store::file_name(item));
        let path = paths.library.join(&file);
        store::write_whole(&path, &item.bytes).map_err(|e| write_error(&path, &e))?;
        after.items.push(StoredItem {
            guid: item.guid.clone(),
            file,
            hash: item.hash.clone(),
        });
        new += 1;
    }
    Ok(Outcome::Fetched { new, updated })
}

/// True for a path made only of names (no `..`, no root): the state file
/// is nlread's, but what it says is never followed out of the library.
fn inside(relative: &str) -> bool {
    !relative.is_empty()
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

fn write_error(path: &Path, e: &std::io::Error) -> String {
    format!(
        "could not store an item as {} ({})",
        path.display(),
        crate::store::own::describe(e)
    )
}

/// A folder for a feed's items, `feeds/<its name>`, not used by another.
fn new_folder(feed: &Feed, title: Option<&str>, shared: &Shared) -> String {
    let base = store::slug(&feed.shown_name(title), 60, "feed");
    let taken: HashSet<String> = guard(&shared.state)
        .feeds
        .values()
        .filter_map(|f| f.folder.clone())
        .collect();
    (1..)
        .map(|n| {
            if n == 1 {
                format!("feeds/{base}")
            } else {
                format!("feeds/{base}-{n}")
            }
        })
        .find(|f| !taken.contains(f))
        .unwrap_or_else(|| format!("feeds/{base}"))
}

/// The subscription at `old` moves to `new` in the subscriptions file (or,
/// when `new` is there already, `old` goes).
fn move_subscription(path: &Path, old: &str, new: &str) -> Result<(), String> {
    let said = |why: String| {
        format!(
            "{old} has moved to {new} for good, but {} could not be updated ({why}); change it \
             there by hand",
            path.display()
        )
    };
    let text = feeds::read(path).map_err(|e| said(crate::store::own::describe(&e)))?;
    let (subscribed, _) = feeds::parse(&text);
    let changed = if subscribed.iter().any(|f| f.url == new) {
        feeds::remove(&text, old).map(|(t, _)| t)
    } else {
        feeds::move_url(&text, old, new)
    };
    let Some(changed) = changed else {
        // Edited meanwhile: the old address is not there any more.
        return Ok(());
    };
    feeds::write(path, &changed).map_err(|e| said(crate::store::own::describe(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_the_state_stay_in_the_library() {
        assert!(inside("feeds/harbour/2025-04-16-tides-1a2b3c.xml"));
        for outside in ["", "../x.xml", "feeds/../../x", "/etc/passwd"] {
            assert!(!inside(outside), "{outside}");
        }
    }

    #[test]
    fn the_queue_never_gives_one_host_more_than_its_share() {
        let feeds: Vec<Feed> = [
            "https://a.example/1",
            "https://a.example/2",
            "https://b.example/1",
        ]
        .iter()
        .map(|u| Feed {
            url: u.to_string(),
            name: None,
        })
        .collect();
        let queue = Queue::new(&feeds, 1);
        assert_eq!(queue.next(), Some(0));
        // a.example is busy: b.example's feed comes first.
        assert_eq!(queue.next(), Some(2));
        queue.done(0);
        assert_eq!(queue.next(), Some(1));
        queue.done(1);
        queue.done(2);
        assert_eq!(queue.next(), None);
    }
}
