//! Loading the 10k library into a ready model: `load_paths` on the generated
//! folder (read + decode + parse + sort), then building the search index.

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
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("Index::new", |b| {
        b.iter(|| black_box(nlread::search::Index::new(black_box(&library))))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
