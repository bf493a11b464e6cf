//! The background thread: loads and indexes the library, then answers
//! searches, so the event loop never waits for either. It talks to the loop
//! through two channels: `Job`s in, `Action`s (`Loaded`, `SearchResults`) out.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;

use crate::app::{Action, Loaded};
use crate::model::Library;
use crate::search::Searcher;

/// Work for the background thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Search { generation: u64, query: String },
}

/// The thread's two ends, as seen from the event loop.
pub struct Worker {
    pub jobs: Sender<Job>,
    pub answers: Receiver<Action>,
}

/// Starts the thread: it runs `load`, indexes the library, sends
/// `Action::Loaded`, then serves searches until `jobs` is dropped. Searches
/// asked for before the library arrived wait in the channel.
pub fn spawn<F>(load: F) -> std::io::Result<Worker>
where
    F: FnOnce() -> (Library, String) + Send + 'static,
{
    let (jobs, job_rx) = channel();
    let (answer_tx, answers) = channel();
    thread::Builder::new()
        .name("nlread-worker".into())
        .spawn(move || serve(load, &job_rx, &answer_tx))?;
    Ok(Worker { jobs, answers })
}

fn serve<F>(load: F, jobs: &Receiver<Job>, answers: &Sender<Action>)
where
    F: FnOnce() -> (Library, String),
{
    let (library, origin) = load();
    let loaded = Loaded::new(library, origin);
    let index = Arc::clone(&loaded.index);
    if answers.send(Action::Loaded(Box::new(loaded))).is_err() {
        return;
    }
    // After the library is sent: the reader shows it while this is built.
    let mut searcher = Searcher::new(index);
    while let Ok(mut job) = jobs.recv() {
        // Only the newest query matters: skip those typed over meanwhile.
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let Job::Search { generation, query } = job;
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
}
