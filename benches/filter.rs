//! The filter on the 10k library (~110k stories): one keystroke's query for a
//! word typed letter by letter, a no-match query, two terms, 8 characters, and
//! a keyword that occurs only in story text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/generate.rs"]
mod generate;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nlread::search::{Index, Searcher};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

/// "tencent" as typed: each prefix is one keystroke's query.
const TYPED: &str = "tencent";
/// Letters no title, name or story contains in this order.
const NO_MATCH: &str = "zzqx";
const TWO_TERMS: &str = "tencent chips";
/// Eight characters: a place name in titles and stories.
const EIGHT: &str = "shenzhen";
/// A weekday: the generator writes weekdays only in story sentences, never in titles.
const BODY_ONLY: &str = "wednesday";

fn filter(c: &mut Criterion) {
    let library = fixture::library();
    let index = Index::new(&library);

    // Guard the fixtures' meaning: if a query stops (or starts) matching, the
    // figure below no longer measures what its name says.
    assert!(index.query(NO_MATCH).is_empty(), "{NO_MATCH} matches");
    for q in [TYPED, TWO_TERMS, EIGHT, BODY_ONLY] {
        assert!(!index.query(q).is_empty(), "{q} matches nothing");
    }
    let titled = library
        .issues
        .iter()
        .flat_map(|i| &i.sections)
        .filter(|s| s.title.to_lowercase().contains(BODY_ONLY))
        .count();
    assert_eq!(titled, 0, "{BODY_ONLY} is in titles too");

    let mut group = c.benchmark_group("filter_10k/Index::query");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    let named = [
        ("no_match", NO_MATCH),
        ("two_terms", TWO_TERMS),
        ("8_chars", EIGHT),
        ("body_keyword", BODY_ONLY),
    ];
    let queries: Vec<(&str, &str)> = (1..=TYPED.len())
        .map(|n| (&TYPED[..n], &TYPED[..n]))
        .chain(named.iter().copied())
        .collect();
    for &(name, query) in &queries {
        group.bench_function(format!("{name} ({query})"), |b| {
            b.iter(|| black_box(index.query(black_box(query))))
        });
    }
    group.finish();

    // The reader's worker asks a Searcher, which reuses earlier queries; a
    // fresh one per iteration measures a query with nothing to reuse (a
    // pasted query, or the first key). benches/typing.rs times keystrokes.
    let index = Arc::new(index);
    let mut group = c.benchmark_group("filter_10k/Searcher::search (fresh)");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    for &(name, query) in &queries {
        group.bench_function(format!("{name} ({query})"), |b| {
            b.iter_batched_ref(
                || Searcher::new(Arc::clone(&index)),
                |searcher| black_box(searcher.search(black_box(query))),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, filter);
criterion_main!(benches);
