//! `nlread add PATH...`: copies issues into the library folder (see
//! [`crate::library::add`]) and says, one line per source, what became of
//! each, then a summary.
//!
//! Exit status: 0 when everything was added or already there, 1 when some
//! sources were skipped, 2 when the library folder cannot be made.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, count, line, write_failed};
use crate::library::add::{Entry, Outcome, Summary, add_paths};

/// Adds `paths` to the library folder (the first one the config names),
/// reporting on stdout.
pub fn run(paths: &[PathBuf], options: &crate::library::Options, dry_run: bool) -> u8 {
    let dir = options
        .folders
        .first()
        .cloned()
        .or_else(crate::library::library_dir);
    let Some(dir) = dir else {
        eprintln!("nlread: no home folder was found, so there is no library folder; set HOME");
        return EXIT_FATAL;
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let code = run_into(&dir, paths, dry_run, &mut out);
    for url in paths.iter().filter_map(|p| web_address(p)) {
        eprintln!(
            "nlread: {} is a web address, not a file: `nlread feed add {}` subscribes to a \
             newsletter's feed",
            line(&url),
            line(&url)
        );
    }
    code
}

/// The path as a web address, when it is one and no such file exists.
fn web_address(path: &Path) -> Option<String> {
    let text = path.to_str()?;
    let lower = text.to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    (web && !path.exists()).then(|| text.to_string())
}

/// [`run`] with the library folder and the output given.
pub fn run_into(dir: &Path, paths: &[PathBuf], dry_run: bool, out: &mut impl Write) -> u8 {
    let mut failed: Option<io::Error> = None;
    let result = add_paths(dir, paths, dry_run, |entry| {
        if failed.is_none()
            && let Err(err) = write_entry(out, entry, dry_run)
        {
            failed = Some(err);
        }
    });
    let summary = match result {
        Ok(summary) => summary,
        Err(err) => {
            let _ = out.flush();
            eprintln!("nlread: {}", line(&err.to_string()));
            return EXIT_FATAL;
        }
    };
    let code = if summary.skipped == 0 {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    };
    let written = match failed {
        Some(err) => Err(err),
        None => write_summary(out, &summary, dir, dry_run).and_then(|()| out.flush()),
    };
    match written {
        Ok(()) => code,
        Err(err) => write_failed(err, code),
    }
}

/// One line: the source and what became of it.
pub fn write_entry(out: &mut impl Write, entry: &Entry, dry_run: bool) -> io::Result<()> {
    let source = line(&entry.source.display().to_string());
    match &entry.outcome {
        Outcome::Added { name, issues } => {
            let verb = if dry_run { "would be added" } else { "added" };
            let issues = count(*issues, "issue", "issues");
            writeln!(out, "{source}: {verb} as {} ({issues})", line(name))
        }
        Outcome::Present { name } => {
            writeln!(out, "{source}: already in the library (as {})", line(name))
        }
        Outcome::Skipped(why) => writeln!(out, "{source}: skipped: {}", line(&why.to_string())),
    }
}

/// The closing line: how many of each, and where they went.
pub fn write_summary(
    out: &mut impl Write,
    summary: &Summary,
    dir: &Path,
    dry_run: bool,
) -> io::Result<()> {
    let added = if dry_run { "would be added" } else { "added" };
    writeln!(
        out,
        "{} {added}, {} already in the library, {} skipped ({})",
        summary.added,
        summary.present,
        summary.skipped,
        line(&dir.display().to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn lines_and_summary_say_what_happened() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let lib = tmp.path().join("lib");
        let src = tmp.path().join("a.md");
        fs::write(&src, "# Tidepool\n\n## Crabs\n\nMany crabs today.\n").expect("write");
        let bad = tmp.path().join("bad.txt");
        fs::write(&bad, "\n\n   \n").expect("write");
        let mut out = Vec::new();
        let code = run_into(
            &lib,
            &[src.clone(), src.clone(), bad.clone()],
            false,
            &mut out,
        );
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(code, EXIT_PARTIAL, "{text}");
        assert_eq!(
            lines[0],
            format!("{}: added as a.md (1 issue)", src.display())
        );
        assert_eq!(
            lines[1],
            format!("{}: already in the library (as a.md)", src.display())
        );
        assert!(
            lines[2].starts_with(&format!("{}: skipped: ", bad.display())),
            "{text}"
        );
        assert!(lines[3].starts_with("1 added, 1 already in the library, 1 skipped"));
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_fatal() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let blocker = tmp.path().join("file");
        fs::write(&blocker, "x").expect("write");
        let src = tmp.path().join("a.md");
        fs::write(&src, "# Tidepool\n\nMany crabs today.\n").expect("write");
        let mut out = Vec::new();
        let code = run_into(&blocker.join("lib"), &[src], false, &mut out);
        assert_eq!(code, EXIT_FATAL);
        assert!(out.is_empty());
    }
}
