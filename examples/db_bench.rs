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
    if std::env::var("BLOB").is_ok() {
        blob_read(&db);
    }
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

#[allow(dead_code)]
fn blob_read(db: &std::path::Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    if std::env::var("MMAP").is_ok() {
        conn.execute_batch("PRAGMA mmap_size=2147483648").unwrap();
    }
    let t = Instant::now();
    let (names, stories): (Vec<u8>, Vec<u8>) = conn
        .query_row("SELECT names, stories FROM snapshot", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    println!("blob read {:?}", t.elapsed());
    let t = Instant::now();
    let index = nlread::search::Index::from_name_bytes(&names).unwrap();
    println!("decode {:?} {}", t.elapsed(), index.len() + stories.len());
}
