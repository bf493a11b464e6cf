//! Writes a deterministic library of generated newsletter issues, for
//! benchmarks and for trying nlread at scale.
//!
//!     cargo run --release --example gen_library -- --issues 10000 OUT_DIR
//!
//! Each issue has about ten stories in one of the layouts the plain-text
//! parser knows (numbered, ALL-CAPS hard-wrapped, setext), titles of 40-90
//! characters, bodies of about 1,200 characters with labelled paragraphs,
//! bullets and captions, curly quotes, dashes and some CJK names. The same
//! arguments always write the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/generate.rs"]
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut issues = 1000usize;
    let mut seed = 42u64;
    let mut out: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--issues" => issues = args.next().and_then(|v| v.parse().ok()).unwrap_or(issues),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "-h" | "--help" => {
                println!("usage: gen_library [--issues N] [--seed S] OUT_DIR");
                return ExitCode::SUCCESS;
            }
            other => out = Some(PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_library [--issues N] [--seed S] OUT_DIR");
        return ExitCode::from(2);
    };
    match generate::write_library(&out, issues, seed) {
        Ok(bytes) => {
            println!(
                "wrote {issues} issues, {:.1} MB, to {}",
                bytes as f64 / 1e6,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("gen_library: {}: {err}", out.display());
            ExitCode::FAILURE
        }
    }
}
