//! Not a measurement: writes the 10k library's story titles, one a line, to
//! target/tmp/lib10k-seed42-titles.txt, the input benches/cli.sh gives
//! `fzf --filter` as the reference point for the filter figures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/generate.rs"]
mod generate;

use std::io::Write;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = fixture::library_dir();
    let out = dir.with_file_name(format!(
        "{}-titles.txt",
        dir.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let library = fixture::library();
    let file = std::fs::File::create(&out)
        .unwrap_or_else(|err| panic!("cannot create {}: {err}", out.display()));
    let mut file = std::io::BufWriter::new(file);
    let mut count = 0;
    for section in library.issues.iter().flat_map(|i| &i.sections) {
        // One title a line, as fzf reads them.
        let title = section.title.replace('\n', " ");
        writeln!(file, "{title}").unwrap_or_else(|err| panic!("{}: {err}", out.display()));
        count += 1;
    }
    file.flush()
        .unwrap_or_else(|err| panic!("{}: {err}", out.display()));
    println!("titles: {count} story titles written to {}", out.display());
}
