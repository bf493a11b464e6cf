//! Noticing new, changed and removed issues in the library while the reader
//! runs: the folders (and files) it was opened on are watched with the
//! system's file notifications, and a callback is told when something that
//! could be an issue changed. What to do about it (load again) is the
//! caller's business.
//!
//! A watch follows a folder's inode, not its name: a library folder that is
//! renamed, or deleted and made again, would go unwatched from then on. So
//! each target's parent folder is watched too (not recursively), and when
//! the target's name is created, removed or renamed there, the target is
//! watched anew. nlread's own files (the parsed-library cache, the reading
//! state) are never news, so a cache folder inside a library folder cannot
//! make the reader reload for ever.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use notify::event::ModifyKind;
use notify::{Event, EventKind, RecursiveMode, Watcher as _};

use super::Options;

/// The watch; dropping it stops it.
pub struct Watch {
    /// Tells the thread that owns the watcher to stop (and drop it).
    stop: Option<Sender<Note>>,
    thread: Option<JoinHandle<()>>,
    /// How many of the targets are watched (the others did not exist).
    pub watched: usize,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(Note::Stop);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

enum Note {
    Event(notify::Result<Event>),
    Stop,
}

/// What to watch for a library opened on `paths` (none: the configured
/// folders, or the default library folder).
pub fn targets(paths: &[PathBuf], options: &Options) -> Vec<PathBuf> {
    if !paths.is_empty() {
        return paths.to_vec();
    }
    if !options.folders.is_empty() {
        return options.folders.clone();
    }
    super::library_dir().into_iter().collect()
}

/// nlread's own files: their changes are not news. Paths as they are and
/// as the file system resolves them, to compare with either.
#[derive(Debug, Clone, Default)]
pub struct Own {
    /// The parsed-library cache folder.
    cache: Vec<PathBuf>,
    /// The folder of `state.json`, and the name its files start with.
    state_folder: Vec<PathBuf>,
    state_name: std::ffi::OsString,
}

impl Own {
    /// The cache folder and the state file where nlread keeps them.
    pub fn here() -> Own {
        Own::of(
            super::cache_dir().as_deref(),
            crate::store::default_path().as_deref(),
        )
    }

    /// `cache` (a folder) and `state` (the state file) as given.
    pub fn of(cache: Option<&Path>, state: Option<&Path>) -> Own {
        let both = |p: &Path| {
            let mut v = vec![p.to_path_buf()];
            v.extend(std::fs::canonicalize(p).ok().filter(|c| c != p));
            v
        };
        Own {
            cache: cache.map(both).unwrap_or_default(),
            state_folder: state.and_then(Path::parent).map(both).unwrap_or_default(),
            state_name: state
                .and_then(Path::file_name)
                .map(std::ffi::OsStr::to_os_string)
                .unwrap_or_default(),
        }
    }

    /// A cache file (`parsed-*.bin` in the cache folder: the folder may
    /// also hold a library) or a file of the reading state.
    fn holds(&self, path: &Path) -> bool {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        let name = name.as_encoded_bytes();
        (self.cache.iter().any(|c| c == parent) && super::cache::is_cache_file(name))
            || (self.state_folder.iter().any(|f| f == parent)
                && (name.starts_with(self.state_name.as_encoded_bytes())
                    || name.starts_with(crate::paths::DB_PREFIX)))
    }
}

/// One watched target as the events name it, and as it resolves.
struct Target {
    path: PathBuf,
    canonical: Option<PathBuf>,
}

impl Target {
    /// `path` below this target, as the file system resolves it.
    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        let rest = path.strip_prefix(&self.path).ok()?;
        Some(match &self.canonical {
            Some(c) => c.join(rest),
            None => path.to_path_buf(),
        })
    }
}

fn mode(path: &Path) -> RecursiveMode {
    if path.is_dir() {
        RecursiveMode::Recursive
    } else {
        RecursiveMode::NonRecursive
    }
}

/// Watches `targets` (folders recursively) and calls `changed` after each
/// event that touches a file other than nlread's own files and hidden
/// (temporary) ones. Targets that do not exist are skipped; an error only
/// if none could be watched at all.
pub fn watch(
    targets: &[PathBuf],
    changed: impl Fn() + Send + 'static,
) -> Result<Watch, notify::Error> {
    watch_ignoring(targets, Own::here(), changed)
}

/// [`watch`], with nlread's own files given.
pub fn watch_ignoring(
    targets: &[PathBuf],
    own: Own,
    changed: impl Fn() + Send + 'static,
) -> Result<Watch, notify::Error> {
    let (notes, received) = channel();
    let events = notes.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events.send(Note::Event(event));
    })?;
    let mut watched = Vec::new();
    let mut last_error = None;
    for target in targets {
        match watcher.watch(target, mode(target)) {
            // Named as the events will name it: notify joins a relative
            // path to the current folder.
            Ok(()) => watched.push(Target {
                path: match std::env::current_dir() {
                    Ok(here) if target.is_relative() => here.join(target),
                    _ => target.clone(),
                },
                canonical: std::fs::canonicalize(target).ok(),
            }),
            Err(e) => last_error = Some(e),
        }
    }
    if let (true, Some(e)) = (watched.is_empty(), last_error) {
        return Err(e);
    }
    // Each target's folder, where its own name comes and goes; not one
    // that a target watches already (watching it again would change how).
    for target in &watched {
        let Some(parent) = target.path.parent().filter(|p| !p.as_os_str().is_empty()) else {
            continue;
        };
        let covered = watched.iter().any(|t| parent.starts_with(&t.path));
        if !covered {
            let _ = watcher.watch(parent, RecursiveMode::NonRecursive);
        }
    }
    let count = watched.len();
    let thread = std::thread::Builder::new()
        .name("nlread-watch".into())
        .spawn(move || serve(watcher, &watched, &own, &received, &changed))
        .map_err(notify::Error::io)?;
    Ok(Watch {
        stop: Some(notes),
        thread: Some(thread),
        watched: count,
    })
}

/// The watch's own thread: it owns the watcher, so it can watch a target
/// anew when the target's name comes back.
fn serve(
    mut watcher: notify::RecommendedWatcher,
    targets: &[Target],
    own: &Own,
    notes: &Receiver<Note>,
    changed: &impl Fn(),
) {
    while let Ok(Note::Event(event)) = notes.recv() {
        let Ok(event) = event else {
            continue;
        };
        let comes_or_goes = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
        );
        for target in targets {
            if comes_or_goes && event.paths.contains(&target.path) {
                let _ = watcher.unwatch(&target.path);
                if target.path.exists() {
                    let _ = watcher.watch(&target.path, mode(&target.path));
                }
            }
        }
        if matters(&event, targets, own) {
            changed();
        }
    }
}

/// Creations, writes, renames and removals of files in a target that are
/// not hidden (`nlread add` writes under a hidden temporary name, then
/// links it in) nor nlread's own; events of a target's folder count only
/// when they are about the target itself.
fn matters(event: &Event, targets: &[Target], own: &Own) -> bool {
    let kind = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    );
    let access_only = matches!(
        event.kind,
        EventKind::Modify(notify::event::ModifyKind::Metadata(_))
    );
    kind && !access_only
        && event.paths.iter().any(|path| {
            targets.iter().any(|target| {
                let inside = path.strip_prefix(&target.path).ok();
                let hidden = inside.is_some_and(|rest| {
                    rest.components()
                        .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."))
                });
                inside.is_some()
                    && !hidden
                    && !own.holds(path)
                    && !target.resolve(path).is_some_and(|p| own.holds(&p))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    /// Waits (up to a generous deadline) for the callback; true if it came.
    fn heard(rx: &Receiver<()>) -> bool {
        rx.recv_timeout(Duration::from_secs(10)).is_ok()
    }

    /// Takes every callback already queued.
    fn drain(rx: &Receiver<()>) {
        while rx.try_recv().is_ok() {}
    }

    #[test]
    fn a_new_file_in_a_watched_folder_is_noticed_and_hidden_ones_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (tx, rx) = channel();
        let watch = watch_ignoring(&[dir.path().to_path_buf()], Own::default(), move || {
            let _ = tx.send(());
        })
        .expect("watch");
        assert_eq!(watch.watched, 1);
        std::fs::write(dir.path().join(".tmp-partial"), "half").expect("write");
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "a hidden temporary file is not news"
        );
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        while rx.recv_timeout(Duration::from_millis(200)).is_ok() {}
        std::fs::write(sub.join("new.txt"), "A new issue").expect("write");
        assert!(heard(&rx), "a new file in a subfolder is noticed");
    }

    #[test]
    fn missing_targets_are_skipped_and_none_at_all_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gone = dir.path().join("gone");
        let watch = watch(&[gone.clone(), dir.path().to_path_buf()], || {}).expect("one is there");
        assert_eq!(watch.watched, 1);
        assert!(watch_none(&gone));
    }

    fn watch_none(gone: &Path) -> bool {
        watch(&[gone.to_path_buf()], || {}).is_err()
    }

    #[test]
    fn a_library_folder_renamed_or_made_again_is_still_watched() {
        // Issue 11, finding 7: the reader said "2 new issues" after the
        // folder was replaced, then never saw files copied into it.
        let home = tempfile::tempdir().expect("tempdir");
        let lib = home.path().join("library");
        std::fs::create_dir(&lib).expect("mkdir");
        let (tx, rx) = channel();
        let _watch = watch_ignoring(std::slice::from_ref(&lib), Own::default(), move || {
            let _ = tx.send(());
        })
        .expect("watch");
        std::fs::write(lib.join("one.txt"), "One").expect("write");
        assert!(heard(&rx));

        // Renamed away, and a new folder of the same name.
        std::fs::rename(&lib, home.path().join("library.old")).expect("rename");
        assert!(heard(&rx), "the folder going is news");
        std::fs::create_dir(&lib).expect("mkdir");
        assert!(heard(&rx), "the folder coming back is news");
        drain(&rx);
        std::fs::write(lib.join("two.txt"), "Two").expect("write");
        assert!(heard(&rx), "a file in the new folder is noticed");
        drain(&rx);
        std::fs::write(home.path().join("library.old/three.txt"), "Three").expect("write");

        // Deleted, and made again.
        std::fs::remove_dir_all(&lib).expect("rm");
        std::fs::create_dir(&lib).expect("mkdir");
        assert!(heard(&rx));
        drain(&rx);
        std::fs::write(lib.join("four.txt"), "Four").expect("write");
        assert!(heard(&rx), "a file in the folder made again is noticed");
    }

    #[test]
    fn nlread_s_own_files_and_the_target_s_siblings_are_no_news() {
        // Issue 11, finding 8: a cache folder inside a library folder
        // reloaded the reader for ever (each load rewrote the cache).
        let lib = PathBuf::from("/home/r/news");
        let targets = [Target {
            path: lib.clone(),
            canonical: None,
        }];
        let own = Own::of(
            Some(&lib.join("cache/nlread")),
            Some(Path::new("/home/r/news/state.json")),
        );
        let event = |path: PathBuf| {
            Event::new(EventKind::Create(notify::event::CreateKind::File)).add_path(path)
        };
        let yes = |p: &str| matters(&event(PathBuf::from(p)), &targets, &own);
        assert!(yes("/home/r/news/letter.txt"));
        assert!(yes("/home/r/news/sub/letter.txt"));
        assert!(yes("/home/r/news"), "the folder itself came back");
        assert!(!yes("/home/r/news/cache/nlread/parsed-0123.bin"));
        assert!(!yes("/home/r/news/cache/nlread/.parsed-0123.bin.tmp-9"));
        assert!(
            yes("/home/r/news/cache/nlread/letter.txt"),
            "only cache files are ours"
        );
        assert!(!yes("/home/r/news/state.json.tmp-1-2"));
        assert!(!yes("/home/r/news/state.json"));
        assert!(!yes("/home/r/news/.hidden/letter.txt"));
        assert!(
            !yes("/home/r/other.txt"),
            "a sibling seen from the parent's watch"
        );
    }
}
