//! Times the library index's steps on a library folder, for BENCHMARKS.md:
//!
//!     cargo run --release --example db_bench -- INDEX_DB FOLDER [QUERY...]
//!
//! Opens (or builds) the index at INDEX_DB for FOLDER, then times a sync
//! with nothing to do, the search snapshot, each query, a story load and
//! the library read without and with text. Each step runs RUNS times (5;
//! `RUNS=N` to change) and the median is printed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use nlread::db::index::LibraryIndex;
use nlread::library::Progress;
use nlread::parse::SplitRules;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) -> T {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    println!(
        "{name:<40} {:>9.2} ms",
        median(times).as_secs_f64() * 1000.0
    );
    last.expect("ran")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let db = PathBuf::from(
        args.next()
            .expect("usage: db_bench INDEX_DB FOLDER [QUERY...]"),
    );
    let folder = PathBuf::from(
        args.next()
            .expect("usage: db_bench INDEX_DB FOLDER [QUERY...]"),
    );
    let queries: Vec<String> = args.collect();
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let rules = SplitRules::default();
    let (mut index, _) = time("open", 1, || LibraryIndex::open(&db).expect("open"));
    let synced = time("sync (first: builds or resumes)", 1, || {
        index
            .sync(std::slice::from_ref(&folder), &rules, &Progress::default())
            .expect("sync")
    });
    println!("  {} files, {} parsed", synced.files, synced.parsed);
    time("sync, nothing changed", runs, || {
        index
            .sync(std::slice::from_ref(&folder), &rules, &Progress::default())
            .expect("sync")
    });
    time("quick sync, nothing changed", runs, || {
        index
            .sync_quick(std::slice::from_ref(&folder), &rules, &Progress::default())
            .expect("sync")
    });
    let snapshot = time("snapshot (stored)", runs, || {
        index.snapshot().expect("snapshot")
    });
    println!("  {} stories", snapshot.index.len());
    for q in &queries {
        let hits = time(&format!("search {q:?}"), runs, || {
            index.search(&snapshot, q)
        });
        println!("  {} hits", hits.len());
        for term in nlread::search::terms(q) {
            let counts = time(&format!("  text of {term:?}"), runs, || {
                index.text_counts(&snapshot, &term)
            });
            println!("    {} stories", counts.len());
        }
    }
    // The reader's worker: one search per keystroke, as typed.
    for q in &queries {
        struct Counts(LibraryIndex, nlread::db::search::RowMap);
        impl nlread::search::TextCounts for Counts {
            fn counts(&mut self, term: &str) -> Vec<u8> {
                self.0.text_counts_in(&self.1, term)
            }
        }
        let (second, _) = LibraryIndex::open(&db).expect("open");
        let names = std::sync::Arc::new(snapshot.index.names_only());
        let mut searcher = nlread::search::Searcher::with_text(
            names,
            Box::new(Counts(second, snapshot.rows.clone())),
        );
        let mut typed = String::new();
        for c in q.chars() {
            typed.push(c);
            let t = Instant::now();
            let hits = searcher.search(&typed);
            println!(
                "typed {typed:<30} {:>9.2} ms  {} hits",
                t.elapsed().as_secs_f64() * 1000.0,
                hits.len()
            );
        }
    }
    let (issues, ids, issue_ids) = time("all issues, titles only (two sweeps)", 1, || {
        index.all_issues(false).expect("titles")
    });
    let library = nlread::model::Library {
        issues,
        errors: Vec::new(),
    };
    let rows: Vec<i64> = ids.into_iter().flatten().collect();
    let made = time("snapshot built from them", 1, || {
        nlread::db::search::Snapshot::of(
            &library,
            issue_ids.clone(),
            rows.clone(),
            snapshot.generation,
        )
    });
    time("snapshot stored", 1, || index.store_snapshot(&made));
    std::mem::forget(library);
    marks(runs);
    if std::env::var("LIBRARY").is_err() {
        return;
    }
    time("library without text", 1, || {
        index.library(false).expect("names")
    });
    let library = time("library with text", 1, || {
        index.library(true).expect("text")
    });
    let id = library.issues[library.issues.len() / 2].sections[0]
        .id
        .clone();
    time("one story by id", runs, || index.story(&id).expect("story"));
    std::mem::forget(library);
}

/// 110,000 marks in a reading-state database: all loaded, one saved.
fn marks(runs: usize) {
    use nlread::db::state::StateDb;
    use nlread::store::StateStore;
    let dir = std::env::temp_dir().join(format!("nlread-marks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("state.db");
    let mut db = StateDb::new(path.clone(), None);
    let (mut state, _) = db.load();
    for i in 0..110_000u64 {
        state.set_read(
            &format!("{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            true,
            1 + i,
        );
    }
    let all: std::collections::HashSet<String> = state.stories.keys().cloned().collect();
    time("110k marks: first save (all rows)", 1, || {
        db.save(&mut state, &all).expect("save")
    });
    let mut n = 0u64;
    time("110k marks: one mark saved", runs.max(11), || {
        n += 1;
        let id = format!("{:016x}", n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        state.set_starred(&id, true, 1_000_000 + n);
        let one: std::collections::HashSet<String> = [id].into_iter().collect();
        db.save(&mut state, &one).expect("save one");
    });
    let loaded = time("110k marks: all loaded (new process's load)", runs, || {
        StateDb::new(path.clone(), None).load().0
    });
    println!("  {} marks", loaded.stories.len());
    let _ = std::fs::remove_dir_all(&dir);
}
