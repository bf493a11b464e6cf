//! Noticing new, changed and removed issues in the library while the reader
//! runs: the folders (and files) it was opened on are watched with the
//! system's file notifications, and a callback is told when something that
//! could be an issue changed. What to do about it (load again) is the
//! caller's business.

use std::path::{Path, PathBuf};

use notify::{Event, EventKind, RecursiveMode, Watcher as _};

use super::Options;

/// The watch; dropping it stops it.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
    /// How many of the targets are watched (the others did not exist).
    pub watched: usize,
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

/// Watches `targets` (folders recursively) and calls `changed` after each
/// event that touches a file other than nlread's own temporary files.
/// Targets that do not exist are skipped; an error only if none could be
/// watched at all.
pub fn watch(
    targets: &[PathBuf],
    changed: impl Fn() + Send + 'static,
) -> Result<Watch, notify::Error> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        if let Ok(event) = event
            && matters(&event)
        {
            changed();
        }
    })?;
    let mut watched = 0;
    let mut last_error = None;
    for target in targets {
        let mode = if target.is_dir() {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        match watcher.watch(target, mode) {
            Ok(()) => watched += 1,
            Err(e) => last_error = Some(e),
        }
    }
    match (watched, last_error) {
        (0, Some(e)) => Err(e),
        _ => Ok(Watch {
            _watcher: watcher,
            watched,
        }),
    }
}

/// Creations, writes, renames and removals of files that are not hidden
/// (`nlread add` writes under a hidden temporary name, then links it in).
fn matters(event: &Event) -> bool {
    let kind = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    );
    let access_only = matches!(
        event.kind,
        EventKind::Modify(notify::event::ModifyKind::Metadata(_))
    );
    kind && !access_only && event.paths.iter().any(|p| !hidden(p))
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    #[test]
    fn a_new_file_in_a_watched_folder_is_noticed_and_hidden_ones_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (tx, rx) = channel();
        let watch = watch(&[dir.path().to_path_buf()], move || {
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
        rx.recv_timeout(Duration::from_secs(5))
            .expect("a new file in a subfolder is noticed");
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
}
