//! Parser throughput: `parse_bytes` over generated issues of every layout,
//! reported in MB/s of input text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/generate.rs"]
mod generate;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Enough issues to cover every layout many times (the generator cycles
/// layouts by index) while one iteration stays around 50 ms.
const ISSUES: usize = 300;

fn parse(c: &mut Criterion) {
    let issues = generate::issues(ISSUES, 42);
    let bytes: usize = issues.iter().map(|(_, text)| text.len()).sum();
    // A check that the work is real: every issue parses into stories.
    let sections: usize = issues
        .iter()
        .map(|(name, text)| {
            nlread::parse::parse_bytes(text.as_bytes(), name)
                .map(|parsed| parsed.iter().map(|i| i.sections.len()).sum::<usize>())
                .unwrap_or(0)
        })
        .sum();
    assert!(sections >= ISSUES * 9, "only {sections} stories parsed");

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function(format!("parse_bytes/{ISSUES}_issues"), |b| {
        b.iter(|| {
            for (name, text) in &issues {
                let _ = black_box(nlread::parse::parse_bytes(black_box(text.as_bytes()), name));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
