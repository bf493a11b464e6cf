//! The background thread: loads and indexes the library (telling the loop
//! how far it got, with the issues read so far), then answers searches, so
//! the event loop never waits for either; when the library's folders change
//! it sends the change alone when it can (a library read from the library
//! index: `Action::Updated`, the issues kept never read nor held twice),
//! else loads the library again. `Job`s come in on its own channel; its answers
//! (`Progress`, `Loaded`, `SearchResults`) go to the loop's one channel.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::Msg;
use crate::app::{Action, Loaded, Origin, Progress};
use crate::library;
use crate::model::{Issue, Library};
use crate::search::Searcher;

/// Work for the background thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Search {
        generation: u64,
        query: String,
    },
    /// Something in the library's folders changed: load it again.
    Reload,
}

/// After a change, the worker waits this long for the folder to settle (a
/// copy of many files is one reload, not many).
const SETTLE: Duration = Duration::from_millis(300);
/// How often a load reports how far it got.
const REPORT_EVERY: Duration = Duration::from_millis(100);
/// Issues shown while a load runs: enough to fill the list and read from;
/// the rest come with the library (a copy of every issue would double the
/// memory a large library needs while it loads).
const STREAMED: usize = 1_000;

/// What a load gives the worker: the library and where it came from, and,
/// for a library read from the library index, its index and text already
/// prepared (see [`Prepared`]).
pub struct Parts {
    pub library: Library,
    pub origin: Origin,
    pub prepared: Option<Prepared>,
}

/// A library that holds story titles only: its filter index, the shown
/// story's text for the reader, the text search for the worker.
pub struct Prepared {
    pub index: crate::search::Index,
    pub texts: crate::app::TextSource,
    pub counts: Box<dyn crate::search::TextCounts>,
    /// Brings the library up to date in place when its folders change
    /// (see [`Updater`]); None: it is loaded again whole.
    pub update: Option<Updater>,
}

/// Given the filter's index of the library on screen, the change that
/// brings it up to date (files came or went) and the text search for the
/// new library; None when it must be loaded again whole.
pub type Updater = Box<
    dyn FnMut(
            &crate::search::Index,
        ) -> Option<(crate::app::Update, Box<dyn crate::search::TextCounts>)>
        + Send,
>;

impl From<(Library, Origin)> for Parts {
    fn from((library, origin): (Library, Origin)) -> Parts {
        Parts {
            library,
            origin,
            prepared: None,
        }
    }
}

/// The thread's end, as seen from the event loop.
pub struct Worker {
    pub jobs: Sender<Job>,
}

/// Starts the thread: it runs `load` (handing it a progress listener),
/// indexes the library, sends `Action::Loaded`, then serves searches until
/// `jobs` is dropped (and on `Job::Reload` loads again and sends the new
/// library). Searches asked for before the library arrived wait in the
/// channel. When the thread ends (a panic too), the loop hears
/// `Msg::WorkerEnded`.
pub fn spawn<F, R>(load: F, answers: Sender<Msg>) -> std::io::Result<Worker>
where
    F: Fn(library::Progress) -> R + Send + 'static,
    R: Into<Parts>,
{
    let (jobs, job_rx) = channel();
    thread::Builder::new()
        .name("nlread-worker".into())
        .spawn(move || {
            let _ended = Ended(answers.clone());
            serve(load, &job_rx, &answers);
        })?;
    Ok(Worker { jobs })
}

/// Tells the loop the worker has ended, however it ended.
struct Ended(Sender<Msg>);

impl Drop for Ended {
    fn drop(&mut self) {
        let _ = self.0.send(Msg::WorkerEnded);
    }
}

/// Passes a load's progress on, at most every REPORT_EVERY, with the
/// issues read since the last report (the first STREAMED of them).
struct Reporter {
    answers: Sender<Msg>,
    state: Mutex<Reported>,
}

struct Reported {
    last: Option<Instant>,
    issues: Vec<Issue>,
    streamed: usize,
}

impl Reporter {
    fn heard(&self, done: usize, total: usize, issues: &[Issue]) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let room = STREAMED.saturating_sub(state.streamed + state.issues.len());
        state.issues.extend(issues.iter().take(room).cloned());
        let due = state.last.is_none_or(|t| t.elapsed() >= REPORT_EVERY) || done == total;
        if !due {
            return;
        }
        state.last = Some(Instant::now());
        let issues = std::mem::take(&mut state.issues);
        state.streamed += issues.len();
        let progress = Progress {
            done,
            total,
            issues,
        };
        let _ = self.answers.send(Msg::Action(Action::Progress(progress)));
    }
}

/// Loads, indexes and sends the library; the searcher for it, or None when
/// the reader has gone.
fn load_and_send<F, R>(
    load: &F,
    answers: &Sender<Msg>,
    first: bool,
) -> Option<(Searcher, Option<Updater>)>
where
    F: Fn(library::Progress) -> R,
    R: Into<Parts>,
{
    // A reload replaces a library on screen: no issues stream in then.
    let progress = if first {
        let reporter = Arc::new(Reporter {
            answers: answers.clone(),
            state: Mutex::new(Reported {
                last: None,
                issues: Vec::new(),
                streamed: 0,
            }),
        });
        library::Progress::new(move |done, total, issues| reporter.heard(done, total, issues))
    } else {
        library::Progress::default()
    };
    let Parts {
        library,
        origin,
        prepared,
    } = load(progress).into();
    let Some(prepared) = prepared else {
        let loaded = Loaded::new(library, origin);
        let index = Arc::clone(&loaded.index);
        answers
            .send(Msg::Action(Action::Loaded(Box::new(loaded))))
            .ok()?;
        // After the library is sent: the reader shows it while this is built.
        return Some((Searcher::new(index), None));
    };
    let index = Arc::new(prepared.index);
    let loaded = Loaded {
        library,
        origin,
        index: Arc::clone(&index),
        texts: Some(prepared.texts),
    };
    answers
        .send(Msg::Action(Action::Loaded(Box::new(loaded))))
        .ok()?;
    Some((Searcher::with_text(index, prepared.counts), prepared.update))
}

fn serve<F, R>(load: F, jobs: &Receiver<Job>, answers: &Sender<Msg>)
where
    F: Fn(library::Progress) -> R,
    R: Into<Parts>,
{
    let Some((mut searcher, mut updater)) = load_and_send(&load, answers, true) else {
        return;
    };
    while let Ok(job) = jobs.recv() {
        // Only the newest query matters: skip those typed over meanwhile.
        let mut reload = false;
        let mut search = None;
        for job in std::iter::once(job).chain(jobs.try_iter()) {
            match job {
                Job::Reload => reload = true,
                Job::Search { generation, query } => search = Some((generation, query)),
            }
        }
        if reload {
            loop {
                match jobs.recv_timeout(SETTLE) {
                    Ok(Job::Reload) => {}
                    // Asked again for the new library (below).
                    Ok(Job::Search { .. }) => {}
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            // The change alone when it can be had (the issues kept are
            // not read again, nor held twice); else the library again.
            let changed = updater.as_mut().and_then(|update| update(searcher.index()));
            if let Some((update, counts)) = changed {
                let index = Arc::clone(&update.index);
                if answers
                    .send(Msg::Action(Action::Updated(Box::new(update))))
                    .is_err()
                {
                    return;
                }
                searcher = Searcher::with_text(index, counts);
            } else {
                let Some((new, update)) = load_and_send(&load, answers, false) else {
                    return;
                };
                searcher = new;
                updater = update;
            }
            // The reader asks again for its filter once the new library is in.
            search = None;
        }
        let Some((generation, query)) = search else {
            continue;
        };
        let hits = searcher.search(&query);
        if answers
            .send(Msg::Action(Action::SearchResults { generation, hits }))
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Section};
    use std::time::Duration;

    const WAIT: Duration = Duration::from_secs(10);

    fn library() -> Library {
        let section = |title: &str| {
            let text = format!("About {title}.");
            Section::new(
                title.into(),
                title.into(),
                [Block::Paragraph { text: &text }],
            )
        };
        Library {
            issues: vec![Issue {
                id: "a".into(),
                source: "a.txt".into(),
                newsletter: None,
                title: "A".into(),
                date: None,
                author: None,
                sections: vec![section("pianos"), section("rates"), section("ports")],
                url: None,
                guid: None,
            }],
            errors: Vec::new(),
        }
    }

    /// The next answer that is an action, skipping progress reports.
    fn next(rx: &Receiver<Msg>, wait: Duration) -> Option<Action> {
        loop {
            match rx.recv_timeout(wait).ok()? {
                Msg::Action(Action::Progress(_)) => {}
                Msg::Action(action) => return Some(action),
                _ => return None,
            }
        }
    }

    #[test]
    fn loads_then_answers_the_newest_search() {
        let (tx, rx) = channel();
        let worker = spawn(|_| (library(), "here".into()), tx).expect("thread");
        // Asked before the library is there: waits in the channel.
        for (generation, query) in [(1, "p"), (2, "pi")] {
            let job = Job::Search {
                generation,
                query: query.into(),
            };
            worker.jobs.send(job).expect("send");
        }
        let Some(Action::Loaded(loaded)) = next(&rx, WAIT) else {
            panic!("no library");
        };
        assert_eq!(loaded.origin.said, "here");
        assert_eq!(loaded.index.len(), 3);
        let mut last = None;
        while let Some(answer) = next(&rx, Duration::from_millis(500)) {
            let Action::SearchResults { generation, hits } = answer else {
                panic!("unexpected {answer:?}");
            };
            last = Some((generation, hits.len()));
        }
        // "pi" matches pianos only; "p" (if it ran at all) came first.
        assert_eq!(last, Some((2, 1)));
    }

    #[test]
    fn a_load_reports_its_progress_with_the_issues_read() {
        let (tx, rx) = channel();
        let _worker = spawn(
            |progress: library::Progress| {
                let lib = library();
                progress.report(1, 2, &lib.issues);
                progress.report(2, 2, &[]);
                (lib, "here".into())
            },
            tx,
        )
        .expect("thread");
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(WAIT).expect("an answer") {
                Msg::Action(Action::Progress(p)) => seen.push((p.done, p.total, p.issues.len())),
                Msg::Action(Action::Loaded(_)) => break,
                other => panic!("unexpected {other:?}"),
            }
        }
        // The first report goes at once; the last (all read) always goes.
        assert_eq!(seen.first(), Some(&(1, 2, 1)));
        assert_eq!(seen.last().map(|s| (s.0, s.1)), Some((2, 2)));
    }

    #[test]
    fn a_reload_sends_the_library_again_once_for_many_changes() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let loads = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&loads);
        let (tx, rx) = channel();
        let worker = spawn(
            move |_| {
                let n = counted.fetch_add(1, Ordering::SeqCst);
                (library(), format!("load {n}").into())
            },
            tx,
        )
        .expect("thread");
        let Some(Action::Loaded(first)) = next(&rx, WAIT) else {
            panic!("no library");
        };
        assert_eq!(first.origin.said, "load 0");
        for _ in 0..5 {
            worker.jobs.send(Job::Reload).expect("send");
        }
        let Some(Action::Loaded(again)) = next(&rx, WAIT) else {
            panic!("no reload");
        };
        assert_eq!(again.origin.said, "load 1");
        assert!(
            next(&rx, Duration::from_millis(800)).is_none(),
            "five changes at once are one reload"
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        // Searches still work on the new library.
        let job = Job::Search {
            generation: 7,
            query: "rates".into(),
        };
        worker.jobs.send(job).expect("send");
        let Some(Action::SearchResults { generation, hits }) = next(&rx, WAIT) else {
            panic!("no results");
        };
        assert_eq!((generation, hits.len()), (7, 1));
    }

    #[test]
    fn the_loop_hears_when_the_worker_ends() {
        let (tx, rx) = channel();
        let worker = spawn(|_| (library(), "here".into()), tx).expect("thread");
        assert!(matches!(next(&rx, WAIT), Some(Action::Loaded(_))));
        drop(worker);
        assert!(matches!(rx.recv_timeout(WAIT), Ok(Msg::WorkerEnded)));
    }
}
