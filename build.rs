//! Names the parser this build carries: a hash of the source of the
//! parsers and the model they fill (`NLREAD_PARSER_HASH`). The library
//! index and the parsed-library cache keep it beside every file they
//! parsed, so a build whose parsers split issues differently reads every
//! file again by itself; nobody has to remember to bump a number.

use std::fs;
use std::path::{Path, PathBuf};

const PARSER_DIRS: [&str; 2] = ["src/parse", "src/model"];

fn main() {
    let mut files = Vec::new();
    for dir in PARSER_DIRS {
        println!("cargo:rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    files.sort();
    // FNV-1a over each file's path and bytes: stable across platforms and
    // Rust versions (std's hasher is not promised to be).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for file in &files {
        let name = file.to_string_lossy().replace('\\', "/");
        feed(name.as_bytes());
        feed(&[0]);
        feed(&fs::read(file).unwrap_or_default());
        feed(&[0]);
    }
    println!("cargo:rustc-env=NLREAD_PARSER_HASH={hash:016x}");
}

/// The Rust files under `dir`, without the unit tests (a new test does not
/// change what a file parses to).
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "tests" {
                collect(&path, files);
            }
        } else if path.extension().is_some_and(|e| e == "rs") && name != "tests.rs" {
            files.push(path);
        }
    }
}
