//! Peak memory of the loaded 10k library with its search index, against the
//! size of its text (target: at most 2.5x). A plain program (`harness = false`)
//! so nothing else in the process holds memory: it reads /proc/self/status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/generate.rs"]
mod generate;

use std::hint::black_box;

/// (VmHWM, VmRSS) in bytes, from /proc/self/status (Linux only).
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    // `cargo bench -- FILTER` passes arguments; `cargo test --benches` passes
    // --bench-less flags. Only run when asked to benchmark, or with no filter.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("memory: run with `cargo bench --bench memory`");
        return;
    }
    if let Some(filter) = args.iter().find(|a| !a.starts_with('-'))
        && !"memory".contains(filter.as_str())
    {
        return;
    }

    let dir = fixture::library_dir();
    let text = fixture::text_bytes(&dir);
    let Some((_, before)) = memory() else {
        println!("memory: /proc/self/status unavailable; skipped");
        return;
    };
    let library = fixture::library();
    let (peak_load, after_load) = memory().unwrap_or_default();
    let index = nlread::search::Index::new(&library);
    let (peak, after_index) = memory().unwrap_or_default();
    black_box((&library, &index));

    let held = after_index.saturating_sub(before);
    println!(
        "memory/10k library: text {:.1} MB in {}",
        mb(text),
        dir.display()
    );
    println!(
        "  RSS before load {:.1} MB, after load_paths {:.1} MB, after Index::new {:.1} MB",
        mb(before),
        mb(after_load),
        mb(after_index)
    );
    println!(
        "  VmRSS {:.1} MB = {:.2}x the text ({:.2}x counting only what loading added)",
        mb(after_index),
        after_index as f64 / text as f64,
        held as f64 / text as f64
    );
    println!(
        "  VmHWM (peak) {:.1} MB = {:.2}x the text (target <= 2.5x); peak during load_paths {:.1} MB",
        mb(peak),
        peak as f64 / text as f64,
        mb(peak_load)
    );
}
