//! A timing harness for a large library, ignored by default (the real
//! benchmarks live in benches/). Run with
//! `NLREAD_TIMING_LIB=/tmp/lib10k cargo test --release --lib search::timing -- --ignored --nocapture`;
//! add `NLREAD_TIMING_ONLY=QUERY` to run one query 50 times (for a profiler).
//! It prints a digest of each result list, so two versions of the engine
//! can be checked for giving exactly the same hits.

use std::time::{Duration, Instant};

use std::sync::Arc;

use super::{Hit, Index, Searcher};

const QUERIES: &[&str] = &[
    "t",
    "te",
    "ten",
    "tenc",
    "tence",
    "tencent",
    "vineyard",
    "research",
    "satellit",
    "zzqx",
    "zeppelin",
    "fastest",
    "living",
    "tencent chips",
    "kyoto farmers",
];

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Order-sensitive digest of a result list, to compare engines.
fn digest(hits: &[Hit]) -> u64 {
    hits.iter().fold(0xcbf2_9ce4_8422_2325, |h: u64, hit| {
        let x = (hit.issue as u64) << 40 ^ (hit.section as u64) << 24 ^ hit.score as u64;
        (h ^ x).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
#[ignore]
fn timing_on_a_large_library() {
    let Some(dir) = std::env::var_os("NLREAD_TIMING_LIB") else {
        eprintln!("set NLREAD_TIMING_LIB to a library folder");
        return;
    };
    let started = Instant::now();
    let library = crate::library::load_paths(&[dir.into()]);
    eprintln!("load: {:?}", started.elapsed());
    let mut builds = Vec::new();
    let mut index = Index::default();
    for _ in 0..3 {
        let started = Instant::now();
        index = Index::new(&library);
        builds.push(started.elapsed());
    }
    eprintln!(
        "Index::new: median {:?} of {:?}",
        median(builds.clone()),
        builds
    );
    eprintln!("{index:?}");
    if let Ok(only) = std::env::var("NLREAD_TIMING_ONLY") {
        // For a profiler: one query, many times.
        let started = Instant::now();
        for _ in 0..50 {
            std::hint::black_box(index.query(&only));
        }
        eprintln!("{only}: {:?} per query", started.elapsed() / 50);
        return;
    }
    for query in QUERIES {
        let times: Vec<Duration> = (0..7)
            .map(|_| {
                let started = Instant::now();
                let hits = index.query(query);
                let took = started.elapsed();
                std::hint::black_box(hits);
                took
            })
            .collect();
        let hits = index.query(query);
        eprintln!(
            "query {query:>14}: median {:>10.3?}  hits {:>6}  digest {:016x}",
            median(times),
            hits.len(),
            digest(&hits)
        );
    }
    for needle in ["zeppelin", "zzqx", "ten", "fastest"] {
        let finder = memchr::memmem::Finder::new(needle);
        let times: Vec<Duration> = (0..5)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(finder.find_iter(&index.bodies).count());
                started.elapsed()
            })
            .collect();
        let masks = Instant::now();
        let mut with_all = 0;
        let want = super::index::byte_mask(needle.as_bytes());
        for s in 0..index.len() {
            if super::index::byte_mask(index.body(s)) & want == want {
                with_all += 1;
            }
        }
        eprintln!(
            "raw scan of all text for {needle:>9}: median {:?}; bodies holding its bytes {with_all} (mask pass {:?})",
            median(times),
            masks.elapsed()
        );
    }
    let index = Arc::new(index);
    for typed in ["tencent chips", "vineyard", "zeppelin"] {
        let mut searcher = Searcher::new(Arc::clone(&index));
        let mut line = format!("typing {typed:>14}:");
        let prefixes: Vec<&str> = (1..=typed.len())
            .filter(|&n| typed.is_char_boundary(n))
            .map(|n| &typed[..n])
            .collect();
        for query in prefixes.iter().chain(prefixes.iter().rev().skip(1)) {
            let started = Instant::now();
            let hits = searcher.search(query);
            let took = started.elapsed();
            assert_eq!(*hits, index.query(query), "{query}");
            line.push_str(&format!(" {:.1}", took.as_secs_f64() * 1000.0));
        }
        eprintln!("{line} (ms per keystroke, then backspacing)");
    }
}
