//! The reading state's own thread: it reads the state (the reading-state
//! database, see `db::state`; `state.json` for a `StateFile`) at start and
//! writes it when the loop sends changes, so neither ever waits on a disk
//! in the event loop. It keeps the whole state; the loop sends what changed
//! (marks, the resume point) as soon as it changes, and this thread writes
//! at most once a second -- or at once when asked to (`Flusher`), so a reader
//! whose terminal vanished can still save everything before it exits.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::Msg;
use crate::app::{Action, Changes, StateLoaded, Status};
use crate::model::ReadingState;
use crate::store::StateStore;

enum Job {
    Save(Changes),
    /// Write what was sent now, then answer.
    Flush(Sender<()>),
    /// Write what is owed and end (a `Flusher` may still hold the channel).
    End,
    /// Take in what others wrote now (marks carried to stories split
    /// again by the library's sync): a save with or without changes.
    Refresh,
}

/// Changes are written this long after the first unsaved one.
const DEBOUNCE: Duration = Duration::from_secs(1);

/// The saver as seen from the event loop.
pub struct Saver {
    jobs: Option<Sender<Job>>,
    /// The thread ends with the reason its last save failed, if it did.
    thread: Option<JoinHandle<Option<String>>>,
}

/// A way, from any thread, to have everything sent written at once (a
/// reader whose terminal vanished writes before it exits).
#[derive(Clone)]
pub struct Flusher(Sender<Job>);

impl Flusher {
    /// Asks for the write and waits for it, at most `wait`; true once done.
    pub fn flush(&self, wait: Duration) -> bool {
        let (done, written) = channel();
        self.0.send(Job::Flush(done)).is_ok() && written.recv_timeout(wait).is_ok()
    }
}

/// Starts the thread: it loads `file` and sends `Action::StateLoaded` to
/// `answers`, then saves what it is sent, answering with the marks that
/// another reader had saved meanwhile (`Action::MarksMerged`) or, when a
/// save fails, the reason (`Action::Status`, once per kind of failure). It
/// sleeps until a change comes or a write is due: an idle reader costs no
/// CPU. When it ends, the loop hears `Msg::SaverEnded`.
pub fn spawn(file: Box<dyn StateStore>, answers: Sender<Msg>) -> std::io::Result<Saver> {
    let (jobs, job_rx) = channel();
    let thread = thread::Builder::new()
        .name("nlread-saver".into())
        .spawn(move || {
            let said = serve(file, &job_rx, &answers);
            let _ = answers.send(Msg::SaverEnded);
            said
        })?;
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

    /// Has the marks others wrote since the last save taken in now
    /// (answered with `Action::MarksMerged`), as after a library (re)load
    /// whose sync carried marks to stories split again.
    pub fn refresh(&self) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::Refresh);
        }
    }

    pub fn flusher(&self) -> Option<Flusher> {
        self.jobs.clone().map(Flusher)
    }

    /// Saves `last` and waits until everything queued is on disk. Returns
    /// why the final save failed, if it did: the status line is gone by
    /// then, so the caller says it on stderr.
    pub fn finish(mut self, last: Option<Changes>) -> Option<String> {
        if let Some(last) = last {
            self.save(last);
        }
        if let Some(jobs) = self.jobs.take() {
            let _ = jobs.send(Job::End);
        }
        let thread = self.thread.take()?;
        thread.join().unwrap_or_else(|_| {
            Some("reading state not saved: the saving thread stopped".to_string())
        })
    }
}

fn serve(
    mut file: Box<dyn StateStore>,
    jobs: &Receiver<Job>,
    answers: &Sender<Msg>,
) -> Option<String> {
    let (mut state, report) = file.load();
    let loaded = StateLoaded {
        state: state.clone(),
        warnings: report.warnings,
    };
    // The reader may already be gone; saving still matters.
    let _ = answers.send(Msg::Action(Action::StateLoaded(Box::new(loaded))));
    let mut last_error: Option<String> = None;
    // The stories whose marks changed since the last save that worked,
    // with their marks as they were before (so only what changed is
    // written).
    let mut changed: std::collections::HashMap<String, Option<crate::model::Mark>> =
        std::collections::HashMap::new();
    // When the oldest change not yet on disk arrived.
    let mut owed: Option<Instant> = None;
    loop {
        let next = match owed {
            // Asleep until something comes: nothing to write.
            None => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(since) => jobs.recv_timeout(DEBOUNCE.saturating_sub(since.elapsed())),
        };
        let mut flushed = None;
        let mut refresh = false;
        let ended = match next {
            Ok(Job::Save(changes)) => {
                if !changes.is_empty() {
                    for (id, _) in &changes.marks {
                        if !changed.contains_key(id) {
                            changed.insert(id.clone(), state.stories.get(id).copied());
                        }
                    }
                    apply(&mut state, changes);
                    owed.get_or_insert_with(Instant::now);
                }
                false
            }
            Ok(Job::Flush(done)) => {
                flushed = Some(done);
                false
            }
            Ok(Job::Refresh) => {
                refresh = true;
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Ok(Job::End) | Err(RecvTimeoutError::Disconnected) => true,
        };
        // At the end, a save that failed is tried once more (a disk that
        // has room again); nothing new and nothing owed: no write.
        let due = match owed {
            Some(since) => ended || flushed.is_some() || since.elapsed() >= DEBOUNCE,
            None => refresh || (ended && last_error.is_some()),
        };
        // Only to hear what others wrote: a failure owes nothing and is
        // not said (the first real save will say it).
        let listening = owed.is_none() && changed.is_empty() && !ended;
        if due {
            owed = None;
            match file.save_changes(&mut state, &changed) {
                Ok(theirs) => {
                    changed.clear();
                    last_error = None;
                    if !theirs.is_empty() {
                        let _ = answers.send(Msg::Action(Action::MarksMerged(theirs)));
                    }
                    if let Some(said) = file.notice() {
                        let _ = answers.send(Msg::Action(Action::Status(Status::Said(said))));
                    }
                }
                Err(_) if listening => {}
                Err(e) => {
                    // The changes stay in `state` and go with the next
                    // save, tried again after the debounce.
                    let said = e.to_string();
                    if last_error.as_ref() != Some(&said) {
                        let status = Status::Said(said.clone());
                        let _ = answers.send(Msg::Action(Action::Status(status)));
                    }
                    last_error = Some(said);
                    owed = Some(Instant::now());
                }
            }
        }
        if let Some(done) = flushed {
            let _ = done.send(());
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
    state.merge_queries(&changes.queries);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mark;
    use crate::store::StateFile;
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
        let saver = spawn(Box::new(StateFile::new(path.clone())), tx).expect("spawn");
        let Ok(Msg::Action(Action::StateLoaded(loaded))) = rx.recv_timeout(Duration::from_secs(5))
        else {
            panic!("no state");
        };
        assert!(loaded.state.is_read("theirs"));
        // Another reader saves while this one runs.
        let mut later = other.clone();
        later.set_read("late", true, 6);
        StateFile::new(path.clone())
            .save(&later)
            .expect("other save");

        saver.finish(Some(Changes {
            marks: vec![("ours".into(), mark(true, 7))],
            ..Changes::default()
        }));
        let answers: Vec<Msg> = rx.try_iter().collect();
        assert!(
            answers
                .iter()
                .any(|a| matches!(a, Msg::Action(Action::MarksMerged(m))
                if m.iter().any(|(id, _)| id == "late"))),
            "{answers:?}"
        );
        let (on_disk, _) = StateFile::new(path).load();
        for id in ["theirs", "late", "ours"] {
            assert!(on_disk.is_read(id), "{id}");
        }
    }

    #[test]
    fn a_refresh_takes_in_marks_carried_by_the_sync_with_nothing_to_save() {
        // The library's sync gives stories split again the marks of the
        // stories they were, in the database; the reader hears of them at
        // once, not at its next mark.
        use crate::db::state::StateDb;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.db");
        let (tx, rx) = channel();
        let saver = spawn(Box::new(StateDb::new(path.clone(), None)), tx).expect("spawn");
        loaded(&rx);
        let mut other = StateDb::new(path.clone(), None);
        let (mut state, _) = other.load();
        state.set_read("carried", true, 5);
        other
            .save(&mut state, &["carried".to_string()].into_iter().collect())
            .expect("other save");
        saver.refresh();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut heard = false;
        while !heard && std::time::Instant::now() < deadline {
            if let Ok(Msg::Action(Action::MarksMerged(marks))) =
                rx.recv_timeout(Duration::from_millis(200))
            {
                heard = marks.iter().any(|(id, m)| id == "carried" && m.read);
            }
        }
        assert!(heard, "the carried mark reached the reader");
        saver.finish(None);
    }

    fn loaded(rx: &Receiver<Msg>) {
        assert!(matches!(
            rx.recv_timeout(Duration::from_secs(5)),
            Ok(Msg::Action(Action::StateLoaded(_)))
        ));
    }

    #[test]
    fn a_final_save_that_fails_is_returned_to_be_said() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A file where the data folder should be: no save can work.
        let blocker = dir.path().join("data");
        std::fs::write(&blocker, b"not a folder").expect("write");
        let (tx, rx) = channel();
        let saver = spawn(Box::new(StateFile::new(blocker.join("state.json"))), tx).expect("spawn");
        loaded(&rx);
        saver.save(Changes {
            marks: vec![("a".into(), mark(true, 1))],
            ..Changes::default()
        });
        // The failed save is owed: the final one retries it, even empty.
        let failed = saver.finish(None);
        let said = failed.expect("the final save failed");
        assert!(said.contains("not saved"), "{said}");
        let statuses = rx
            .try_iter()
            .filter(|a| matches!(a, Msg::Action(Action::Status(_))))
            .count();
        assert_eq!(statuses, 1, "the status line hears it once");
        assert_eq!(std::fs::read(&blocker).expect("read"), b"not a folder");
    }

    #[test]
    fn a_reader_that_changed_nothing_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let (tx, rx) = channel();
        let saver = spawn(Box::new(StateFile::new(path.clone())), tx).expect("spawn");
        loaded(&rx);
        assert_eq!(saver.finish(None), None);
        assert!(!path.exists());
        let (tx, rx) = channel();
        let saver = spawn(Box::new(StateFile::new(path.clone())), tx).expect("spawn");
        loaded(&rx);
        let last = Changes {
            marks: vec![("b".into(), mark(true, 2))],
            ..Changes::default()
        };
        assert_eq!(saver.finish(Some(last)), None);
        assert!(StateFile::new(path).load().0.is_read("b"));
    }

    #[test]
    fn a_flush_writes_at_once_and_queries_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let (tx, rx) = channel();
        let saver = spawn(Box::new(StateFile::new(path.clone())), tx).expect("spawn");
        loaded(&rx);
        saver.save(Changes {
            queries: vec![crate::model::Query {
                text: "bergen".into(),
                at: 3,
            }],
            ..Changes::default()
        });
        let flusher = saver.flusher().expect("a saver that runs");
        assert!(flusher.flush(Duration::from_secs(5)), "flushed");
        // Written before the debounce would have.
        let on_disk = StateFile::new(path).load().0;
        assert_eq!(on_disk.queries.len(), 1);
        assert_eq!(saver.finish(None), None);
        assert!(rx.try_iter().any(|m| matches!(m, Msg::SaverEnded)));
    }
}
