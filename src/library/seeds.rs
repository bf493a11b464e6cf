//! The sample issues compiled into the binary, so a fresh install has
//! something to read.

use super::{sort_issues, source_error};
use crate::model::Library;
use crate::parse::parse_bytes;

/// Each file in `seeds/`, by name, with its bytes. The one list of seeds: a
/// test checks it against the folder so a forgotten file fails.
macro_rules! seeds {
    ($($name:literal),* $(,)?) => {
        &[$(
            ($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/", $name)) as &[u8]),
        )*]
    };
}

pub const SEEDS: &[(&str, &[u8])] = seeds![
    "01_orbit-desk.txt",
    "02_harbour-ledger.txt",
    "03_welcome-to-nlread.txt",
];

/// The sample that says how nlread works and how to bring your own
/// newsletters in: it comes first, whatever its date.
pub const WELCOME: &str = "03_welcome-to-nlread.txt";

/// The bundled samples, parsed, with sources `seeds/<file name>`: the
/// welcome first, then the others newest first.
pub fn bundled() -> Library {
    let mut library = Library::default();
    for (name, bytes) in SEEDS {
        let source = format!("seeds/{name}");
        match parse_bytes(bytes, &source) {
            Ok(issues) => library.issues.extend(issues),
            Err(err) => library.errors.push(source_error(source, &err.into())),
        }
    }
    sort_issues(&mut library.issues);
    let welcome = format!("seeds/{WELCOME}");
    // Stable: the others keep their order behind it.
    library.issues.sort_by_key(|i| i.source != welcome);
    library
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_seeds_is_bundled() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut on_disk: Vec<String> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.'))
                .collect(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(err) => panic!("cannot read {}: {err}", dir.display()),
        };
        on_disk.sort();
        let mut listed: Vec<String> = SEEDS.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "SEEDS in src/library/seeds.rs is out of date"
        );
    }

    #[test]
    fn the_welcome_comes_first() {
        let library = bundled();
        assert_eq!(
            library.issues.first().map(|i| i.source.as_str()),
            Some("seeds/03_welcome-to-nlread.txt")
        );
    }

    #[test]
    fn bundled_seeds_parse_without_errors() {
        let library = bundled();
        assert_eq!(library.errors, vec![]);
        assert!(library.issues.len() >= SEEDS.len());
        for issue in &library.issues {
            assert!(issue.source.starts_with("seeds/"), "{}", issue.source);
            assert!(
                !issue.sections.is_empty(),
                "{} has no sections",
                issue.source
            );
        }
    }
}
