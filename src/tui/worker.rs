//! The background thread: loads and indexes the library, then answers
//! searches, so the event loop never waits for either; when the library's
//! folders change it loads them again. It talks to the loop through two
//! channels: `Job`s in, `Action`s (`Loaded`, `SearchResults`) out.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread;
use std::time::Duration;

use crate::app::{Action, Loaded};
use crate::model::Library;
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

/// The thread's two ends, as seen from the event loop.
pub struct Worker {
    pub jobs: Sender<Job>,
    pub answers: Receiver<Action>,
}

/// Starts the thread: it runs `load`, indexes the library, sends
/// `Action::Loaded`, then serves searches until `jobs` is dropped (and on
/// `Job::Reload` runs `load` again and sends the new library). Searches
/// asked for before the library arrived wait in the channel.
pub fn spawn<F>(load: F) -> std::io::Result<Worker>
where
    F: Fn() -> (Library, String) + Send + 'static,
{
    let (jobs, job_rx) = channel();
    let (answer_tx, answers) = channel();
    thread::Builder::new()
        .name("nlread-worker".into())
        .spawn(move || serve(load, &job_rx, &answer_tx))?;
    Ok(Worker { jobs, answers })
}

/// Loads, indexes and sends the library; the searcher for it, or None when
/// the reader has gone.
fn load_and_send<F>(load: &F, answers: &Sender<Action>) -> Option<Searcher>
where
    F: Fn() -> (Library, String),
{
    let (library, origin) = load();
    let loaded = Loaded::new(library, origin);
    let index = Arc::clone(&loaded.index);
    answers.send(Action::Loaded(Box::new(loaded))).ok()?;
    // After the library is sent: the reader shows it while this is built.
    Some(Searcher::new(index))
}

fn serve<F>(load: F, jobs: &Receiver<Job>, answers: &Sender<Action>)
where
    F: Fn() -> (Library, String),
{
    let Some(mut searcher) = load_and_send(&load, answers) else {
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
            let Some(new) = load_and_send(&load, answers) else {
                return;
            };
            searcher = new;
            // The reader asks again for its filter once the new library is in.
            search = None;
        }
        let Some((generation, query)) = search else {
            continue;
        };
        let hits = searcher.search(&query);
        if answers
            .send(Action::SearchResults { generation, hits })
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Issue, Section};
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
            }],
            errors: Vec::new(),
        }
    }

    #[test]
    fn loads_then_answers_the_newest_search() {
        let worker = spawn(|| (library(), "here".into())).expect("thread");
        // Asked before the library is there: waits in the channel.
        for (generation, query) in [(1, "p"), (2, "pi")] {
            let job = Job::Search {
                generation,
                query: query.into(),
            };
            worker.jobs.send(job).expect("send");
        }
        let Ok(Action::Loaded(loaded)) = worker.answers.recv_timeout(WAIT) else {
            panic!("no library");
        };
        assert_eq!(loaded.origin, "here");
        assert_eq!(loaded.index.len(), 3);
        let mut last = None;
        while let Ok(answer) = worker.answers.recv_timeout(Duration::from_millis(500)) {
            let Action::SearchResults { generation, hits } = answer else {
                panic!("unexpected {answer:?}");
            };
            last = Some((generation, hits.len()));
        }
        // "pi" matches pianos only; "p" (if it ran at all) came first.
        assert_eq!(last, Some((2, 1)));
    }

    #[test]
    fn a_reload_sends_the_library_again_once_for_many_changes() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let loads = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&loads);
        let worker = spawn(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            (library(), format!("load {n}"))
        })
        .expect("thread");
        let Ok(Action::Loaded(first)) = worker.answers.recv_timeout(WAIT) else {
            panic!("no library");
        };
        assert_eq!(first.origin, "load 0");
        for _ in 0..5 {
            worker.jobs.send(Job::Reload).expect("send");
        }
        let Ok(Action::Loaded(again)) = worker.answers.recv_timeout(WAIT) else {
            panic!("no reload");
        };
        assert_eq!(again.origin, "load 1");
        assert!(
            worker
                .answers
                .recv_timeout(Duration::from_millis(800))
                .is_err(),
            "five changes at once are one reload"
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        // Searches still work on the new library.
        let job = Job::Search {
            generation: 7,
            query: "rates".into(),
        };
        worker.jobs.send(job).expect("send");
        let Ok(Action::SearchResults { generation, hits }) = worker.answers.recv_timeout(WAIT)
        else {
            panic!("no results");
        };
        assert_eq!((generation, hits.len()), (7, 1));
    }
}
