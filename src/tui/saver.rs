//! The reading state's own thread: it reads `state.json` at start and
//! writes it when the loop sends changes, so neither ever waits on a disk
//! in the event loop. It keeps the whole state; the loop sends what changed
//! (marks, the resume point) as soon as it changes, and this thread writes
//! at most once a second -- or at once when asked to (`Flush`), so a reader
//! whose terminal vanished can still save everything before it exits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::app::{Action, StateLoaded};
use crate::model::{Mark, ReadingState, Resume};
use crate::store::StateFile;

/// What changed since the last save.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub marks: Vec<(String, Mark)>,
    pub resume: Option<Resume>,
}

enum Job {
    Save(Changes),
}

/// Changes are written this long after the first unsaved one.
const DEBOUNCE: Duration = Duration::from_secs(1);
/// How often the thread looks at the `Flush` request while it waits.
const WAKE: Duration = Duration::from_millis(50);

/// A request, from any thread, to write what was sent now rather than
/// after the debounce; `done` is set once nothing sent is unwritten.
#[derive(Debug, Default)]
pub struct Flush {
    pub asked: AtomicBool,
    pub done: AtomicBool,
}

/// The saver as seen from the event loop.
pub struct Saver {
    jobs: Option<Sender<Job>>,
    /// The thread ends with the reason its last save failed, if it did.
    thread: Option<JoinHandle<Option<String>>>,
}

/// Starts the thread: it loads `file` and sends `Action::StateLoaded` to
/// `answers`, then saves what it is sent, answering with the marks that
/// another reader had saved meanwhile (`Action::MarksMerged`) or, when a
/// save fails, the reason (`Action::Status`, once per kind of failure).
pub fn spawn(
    file: StateFile,
    answers: Sender<Action>,
    flush: Arc<Flush>,
) -> std::io::Result<Saver> {
    let (jobs, job_rx) = channel();
    let thread = thread::Builder::new()
        .name("nlread-saver".into())
        .spawn(move || serve(file, &job_rx, &answers, &flush))?;
    Ok(Saver {
        jobs: Some(jobs),
        thread: Some(thread),
    })
}

impl Saver {
    /// Hands over changes; they are written within DEBOUNCE.
    pub fn save(&self, changes: Changes) {
        if let Some(jobs) = &self.jobs {
            // A saver that died has said why already; the reader goes on.
            let _ = jobs.send(Job::Save(changes));
        }
    }

    /// Saves `last` and waits until everything queued is on disk. Returns
    /// why the final save failed, if it did: the status line is gone by
    /// then, so the caller says it on stderr.
    pub fn finish(mut self, last: Changes) -> Option<String> {
        self.save(last);
        drop(self.jobs.take());
        let thread = self.thread.take()?;
        thread.join().unwrap_or_else(|_| {
            Some("reading state not saved: the saving thread stopped".to_string())
        })
    }
}

fn serve(
    mut file: StateFile,
    jobs: &Receiver<Job>,
    answers: &Sender<Action>,
    flush: &Flush,
) -> Option<String> {
    let (mut state, report) = file.load();
    let loaded = StateLoaded {
        state: state.clone(),
        warnings: report.warnings,
    };
    // The reader may already be gone; saving still matters.
    let _ = answers.send(Action::StateLoaded(Box::new(loaded)));
    let mut last_error: Option<String> = None;
    // When the oldest change not yet on disk arrived.
    let mut owed: Option<Instant> = None;
    loop {
        let ended = match jobs.recv_timeout(WAKE) {
            Ok(Job::Save(changes)) => {
                if !changes.marks.is_empty() || changes.resume.is_some() {
                    apply(&mut state, changes);
                    owed.get_or_insert_with(Instant::now);
                }
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        let urgent = flush.asked.load(Ordering::Relaxed);
        // At the end, a save that failed is tried once more (a disk that
        // has room again); nothing new and nothing owed: no write.
        let due = match owed {
            Some(since) => ended || urgent || since.elapsed() >= DEBOUNCE,
            None => ended && last_error.is_some(),
        };
        if due {
            owed = None;
            match file.save(&state) {
                Ok(merged) => {
                    let theirs = newer_marks(&state, &merged);
                    state = merged;
                    last_error = None;
                    if !theirs.is_empty() {
                        let _ = answers.send(Action::MarksMerged(theirs));
                    }
                }
                Err(e) => {
                    // The changes stay in `state` and go with the next
                    // save, tried again after the debounce.
                    let said = e.to_string();
                    if last_error.as_ref() != Some(&said) {
                        let _ = answers.send(Action::Status(said.clone()));
                    }
                    last_error = Some(said);
                    owed = Some(Instant::now());
                }
            }
        }
        if urgent && (owed.is_none() || due) {
            flush.done.store(true, Ordering::Relaxed);
        }
        if ended {
            return last_error;
        }
    }
}

fn apply(state: &mut ReadingState, changes: Changes) {
    for (id, mark) in changes.marks {
        state.stories.insert(id, mark);
    }
    if let Some(resume) = changes.resume {
        state.resume = Some(resume);
    }
}

/// The marks of `merged` that differ from `ours`: what came from disk.
fn newer_marks(ours: &ReadingState, merged: &ReadingState) -> Vec<(String, Mark)> {
    merged
        .stories
        .iter()
        .filter(|(id, mark)| ours.stories.get(*id) != Some(mark))
        .map(|(id, mark)| (id.clone(), *mark))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn mark(read: bool, at: u64) -> Mark {
        Mark {
            read,
            starred: false,
            at,
        }
    }

    #[test]
    fn loads_then_saves_and_reports_marks_from_another_reader() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let mut other = ReadingState::new();
        other.set_read("theirs", true, 5);
        StateFile::new(path.clone()).save(&other).expect("seed");

        let (tx, rx) = channel();
        let saver = spawn(StateFile::new(path.clone()), tx, Arc::default()).expect("spawn");
        let Ok(Action::StateLoaded(loaded)) = rx.recv_timeout(Duration::from_secs(5)) else {
            panic!("no state");
        };
        assert!(loaded.state.is_read("theirs"));
        // Another reader saves while this one runs.
        let mut later = other.clone();
        later.set_read("late", true, 6);
        StateFile::new(path.clone())
            .save(&later)
            .expect("other save");

        saver.finish(Changes {
            marks: vec![("ours".into(), mark(true, 7))],
            resume: None,
        });
        let answers: Vec<Action> = rx.try_iter().collect();
        assert!(
            answers.iter().any(|a| matches!(a, Action::MarksMerged(m)
                if m.iter().any(|(id, _)| id == "late"))),
            "{answers:?}"
        );
        let (on_disk, _) = StateFile::new(path).load();
        for id in ["theirs", "late", "ours"] {
            assert!(on_disk.is_read(id), "{id}");
        }
    }

    fn loaded(rx: &Receiver<Action>) {
        assert!(matches!(
            rx.recv_timeout(Duration::from_secs(5)),
            Ok(Action::StateLoaded(_))
        ));
    }

    #[test]
    fn a_final_save_that_fails_is_returned_to_be_said() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A file where the data folder should be: no save can work.
        let blocker = dir.path().join("data");
        std::fs::write(&blocker, b"not a folder").expect("write");
        let (tx, rx) = channel();
        let saver = spawn(
            StateFile::new(blocker.join("state.json")),
            tx,
            Arc::default(),
        )
        .expect("spawn");
        loaded(&rx);
        saver.save(Changes {
            marks: vec![("a".into(), mark(true, 1))],
            resume: None,
        });
        // The failed save is owed: the final one retries it, even empty.
        let failed = saver.finish(Changes::default());
        let said = failed.expect("the final save failed");
        assert!(said.contains("not saved"), "{said}");
        let statuses = rx
            .try_iter()
            .filter(|a| matches!(a, Action::Status(_)))
            .count();
        assert_eq!(statuses, 1, "the status line hears it once");
        assert_eq!(std::fs::read(&blocker).expect("read"), b"not a folder");
    }

    #[test]
    fn a_reader_that_changed_nothing_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let (tx, rx) = channel();
        let saver = spawn(StateFile::new(path.clone()), tx, Arc::default()).expect("spawn");
        loaded(&rx);
        assert_eq!(saver.finish(Changes::default()), None);
        assert!(!path.exists());
        let (tx, rx) = channel();
        let saver = spawn(StateFile::new(path.clone()), tx, Arc::default()).expect("spawn");
        loaded(&rx);
        let last = Changes {
            marks: vec![("b".into(), mark(true, 2))],
            resume: None,
        };
        assert_eq!(saver.finish(last), None);
        assert!(StateFile::new(path).load().0.is_read("b"));
    }
}
