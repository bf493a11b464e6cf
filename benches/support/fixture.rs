//! The 10k-issue library every benchmark reads: generated once (seed 42, the
//! same bytes as `gen_library --issues 10000`) into cargo's target tmp folder,
//! never into the repository.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use super::generate;

pub const ISSUES: usize = 10_000;
pub const SEED: u64 = 42;

/// Written last, holding the text size, so a half-written library is redone.
/// Hidden, so the loader skips it.
const MARKER: &str = ".complete";

/// The library folder: `$NLREAD_BENCH_LIBRARY` when set (it must have been
/// written by `gen_library`), else target/tmp/lib10k-seed42, generated on first use.
pub fn library_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NLREAD_BENCH_LIBRARY") {
        return PathBuf::from(dir);
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lib10k-seed{SEED}"));
    if !dir.join(MARKER).exists() {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("generating {ISSUES} issues into {} ...", dir.display());
        let bytes = generate::write_library(&dir, ISSUES, SEED)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", dir.display()));
        std::fs::write(dir.join(MARKER), bytes.to_string())
            .unwrap_or_else(|err| panic!("cannot write the marker in {}: {err}", dir.display()));
    }
    dir
}

/// Bytes of newsletter text under `dir` (every file, recursively, hidden ones skipped).
pub fn text_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    total
}

/// The loaded 10k library, with its section count checked so a parser change
/// that loses stories shows up here rather than as a suspiciously fast benchmark.
pub fn library() -> nlread::model::Library {
    let dir = library_dir();
    let library = nlread::library::load_paths(std::slice::from_ref(&dir));
    assert!(
        library.errors.is_empty(),
        "{} sources failed to load in {}",
        library.errors.len(),
        dir.display()
    );
    let sections: usize = library.issues.iter().map(|i| i.sections.len()).sum();
    assert!(
        library.issues.len() >= ISSUES && sections >= 90_000,
        "expected ~10k issues and ~100k stories, got {} and {sections}",
        library.issues.len()
    );
    library
}
