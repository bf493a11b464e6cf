//! `nlread explain FILE...`: how each issue was cut into stories. For each
//! story its title, its group and the rule that opened it; with `--all`,
//! also every heading that opened none and why. The per-newsletter rule
//! that applied (config `[[split]]`) is named. For users checking a split,
//! and for us.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::{EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, line};
use crate::library::MAX_FILE_BYTES;
use crate::parse::sectioner::Opened;
use crate::parse::{Assembled, SplitRules, explain};

/// Explains every file named (files inside a named folder too, hidden
/// ones skipped); returns the exit status.
pub fn run(paths: &[PathBuf], rules: &SplitRules, all: bool) -> u8 {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0;
    if files.is_empty() {
        eprintln!("nlread: explain: no files to explain in the paths given");
        return EXIT_FATAL;
    }
    for file in &files {
        let source = file.display().to_string();
        match read(file) {
            Ok(bytes) => match explain(&bytes, &source, rules) {
                Ok(issues) => {
                    if write_explained(&mut out, &source, &issues, all).is_err() {
                        return EXIT_FATAL;
                    }
                }
                Err(err) => {
                    failed += 1;
                    eprintln!("nlread: {}: {}", line(&source), line(&err.to_string()));
                }
            },
            Err(err) => {
                failed += 1;
                eprintln!("nlread: {}: {err}", line(&source));
            }
        }
    }
    if failed == files.len() {
        EXIT_FATAL
    } else if failed > 0 {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    }
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    children.sort();
    for child in children {
        collect(&child, files);
    }
}

fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Writes the explanation of one file's issues.
pub fn write_explained(
    out: &mut impl Write,
    source: &str,
    issues: &[Assembled],
    all: bool,
) -> io::Result<()> {
    for built in issues {
        let issue = &built.issue;
        writeln!(out, "{}", line(source))?;
        writeln!(out, "  issue: {}", line(&issue.title))?;
        let meta = [
            ("newsletter", issue.newsletter.as_deref()),
            ("date", issue.date.as_deref()),
            ("author", issue.author.as_deref()),
        ];
        for (name, value) in meta {
            writeln!(out, "  {name}: {}", value.map_or("-".to_string(), line))?;
        }
        if let Some(rule) = &built.rule {
            writeln!(out, "  your rule: {}", line(rule))?;
        }
        writeln!(out, "  stories:")?;
        for (i, (section, opened)) in issue.sections.iter().zip(&built.opened).enumerate() {
            let group = section
                .group
                .as_deref()
                .map(|g| format!("  [group: {}]", line(g)))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:>3}. {}{group}  ({} words)",
                i + 1,
                line(&section.title),
                section.words
            )?;
            writeln!(out, "       opened by {}", describe(opened))?;
        }
        if all {
            if built.trail.is_empty() {
                writeln!(out, "  every heading opened a story")?;
            } else {
                writeln!(out, "  headings that opened no story:")?;
                for passed in &built.trail {
                    let text = if passed.text.trim().is_empty() {
                        "(empty heading)".to_string()
                    } else {
                        format!("{:?}", line(&passed.text))
                    };
                    writeln!(
                        out,
                        "     {text} ({}, level {}): {}",
                        passed.cue.describe(),
                        passed.level,
                        passed.role.describe()
                    )?;
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

fn describe(opened: &Opened) -> String {
    opened.describe()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stories_groups_and_passed_headings() {
        let text = "# Weekly\n\n## Updates\n\n### Official\n\nNews here.\n\n### Blogs\n\nPosts.\n\n## Jobs board\n\nNone this week.\n";
        let issues = explain(text.as_bytes(), "w.md", &SplitRules::default()).unwrap();
        let mut out = Vec::new();
        write_explained(&mut out, "w.md", &issues, true).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("1. Official  [group: Updates]"), "{out}");
        assert!(
            out.contains("opened by a marked-up heading (level 3) that owns text"),
            "{out}"
        );
        assert!(
            out.contains("\"Updates\" (a marked-up heading, level 2): a label"),
            "{out}"
        );
        assert!(
            out.contains("\"Weekly\" (a marked-up heading, level 1): the issue's title"),
            "{out}"
        );
    }
}
