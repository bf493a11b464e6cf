//! Loading the 10k library into a ready model: `load_paths` on the generated
//! folder (read + decode + parse + sort), then building the search index.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/generate.rs"]
mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn load(c: &mut Criterion) {
    let dir = fixture::library_dir();
    let library = fixture::library();

    // Each iteration takes seconds: the fewest samples criterion allows.
    let mut group = c.benchmark_group("load_10k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.warm_up_time(Duration::from_secs(1));
    group.bench_function("load_paths", |b| {
        b.iter(|| {
            black_box(nlread::library::load_paths(black_box(
                std::slice::from_ref(&dir),
            )))
        })
    });

    // nlread's parsed-library cache, warmed by one load first.
    let cache = dir.with_file_name("lib10k-bench-cache");
    let _ = std::fs::remove_dir_all(&cache);
    let cached = nlread::library::load_paths_cached(std::slice::from_ref(&dir), Some(&cache));
    assert_eq!(cached.issues.len(), library.issues.len());
    assert!(
        std::fs::read_dir(&cache).is_ok_and(|mut d| d.next().is_some()),
        "no cache written to {}",
        cache.display()
    );
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("load_paths_cached (warm cache)", |b| {
        b.iter(|| {
            black_box(nlread::library::load_paths_cached(
                black_box(std::slice::from_ref(&dir)),
                Some(&cache),
            ))
        })
    });

    group.measurement_time(Duration::from_secs(8));
    group.bench_function("Index::new", |b| {
        b.iter(|| black_box(nlread::search::Index::new(black_box(&library))))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
