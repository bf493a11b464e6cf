//! The reading state on disk: loading `state.json` at start and one save
//! (lock, read and merge what is on disk, write, fsync, rename) for a
//! reader who has marked 110,000 stories (every story of the 10k library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use nlread::model::ReadingState;
use nlread::store::StateFile;
use std::hint::black_box;
use std::time::Duration;

const STORIES: usize = 110_000;

fn state(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let mut full = ReadingState::new();
    for i in 0..STORIES {
        full.set_read(
            &format!("{:016x}", i * 7919),
            true,
            1_700_000_000_000 + i as u64,
        );
        if i % 50 == 0 {
            full.set_starred(&format!("{:016x}", i * 7919), true, 1_800_000_000_000);
        }
    }
    StateFile::new(path.clone())
        .save(&full)
        .expect("first save");
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "state.json with {STORIES} marks: {:.1} MB",
        bytes as f64 / 1e6
    );

    let mut group = c.benchmark_group("state_110k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("load", |b| {
        b.iter(|| black_box(StateFile::new(path.clone()).load()))
    });
    let mut file = StateFile::new(path.clone());
    let mut at = 1_900_000_000_000;
    group.bench_function("save_merged", |b| {
        b.iter(|| {
            at += 1;
            full.set_read("0000000000000000", at % 2 == 0, at);
            black_box(file.save(&full).expect("save"))
        })
    });
    group.finish();
}

criterion_group!(benches, state);
criterion_main!(benches);
