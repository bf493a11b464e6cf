//! `Effect::Fetch` performed: a thread that reads the subscriptions,
//! fetches every feed (see [`crate::fetch::fetch`]) and tells the loop how
//! far it got (`Action::FetchProgress`) and what came
//! (`Action::Fetched`). New files in the library folder are seen by the
//! watcher; the worker is asked to load the library again all the same,
//! for a folder that cannot be watched.

use std::path::PathBuf;
use std::sync::mpsc::Sender;

use super::Msg;
use super::worker::Job;
use crate::app::{Action, Fetched};
use crate::fetch::{self, Outcome};

/// Where and how the reader fetches.
#[derive(Debug, Clone)]
pub struct FetchSetup {
    pub paths: fetch::Paths,
    pub options: fetch::Options,
    /// Shortens file names in messages to `~/...`.
    pub home: Option<PathBuf>,
}

/// When the last fetch ended, as the fetch state says (for `fetch.every`).
pub fn last_fetch(setup: &FetchSetup) -> Option<crate::model::Millis> {
    fetch::state::load(&setup.paths.state)
        .ok()
        .and_then(|(state, _)| state.fetched_at)
}

/// Starts the fetch on a thread of its own.
pub fn spawn(setup: &FetchSetup, answers: Sender<Msg>, jobs: Sender<Job>) -> std::io::Result<()> {
    let setup = setup.clone();
    std::thread::Builder::new()
        .name("nlread-fetch".into())
        .spawn(move || {
            let fetched = run(&setup, &answers);
            if fetched.new + fetched.updated > 0 {
                let _ = jobs.send(Job::Reload);
            }
            let _ = answers.send(Msg::Action(Action::Fetched(fetched)));
        })?;
    Ok(())
}

fn run(setup: &FetchSetup, answers: &Sender<Msg>) -> Fetched {
    let (feeds, warnings) = fetch::feeds::load(&setup.paths.feeds, setup.home.as_deref());
    let mut fetched = Fetched {
        feeds: feeds.len(),
        warnings,
        ..Fetched::default()
    };
    if !feeds.is_empty() {
        let progress = |done: usize, total: usize| {
            let _ = answers.send(Msg::Action(Action::FetchProgress { done, total }));
        };
        match fetch::fetch(&setup.paths, &feeds, &setup.options, &progress) {
            Ok(report) => {
                fetched.new = report.new_issues();
                fetched.updated = report.updated();
                fetched.warnings.extend(report.warnings.iter().cloned());
                for feed in &report.feeds {
                    if let Outcome::Failed { error } = &feed.outcome {
                        fetched
                            .failed
                            .push(format!("{} ({}): {error}", feed.name, feed.url));
                    }
                }
            }
            Err(e) => fetched.error = Some(e.to_string()),
        }
    }
    fetched.at = crate::store::now_millis();
    fetched
}
