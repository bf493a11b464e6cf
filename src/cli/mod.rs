//! The library commands of the `nlread` binary: `add`, `list`, `search`,
//! `explain`, `feed` (subscriptions) and `fetch`.
//!
//! Each command has a `run` that does its I/O (opens the library, loads the
//! reading state, takes stdout) and returns the exit status, and a `write_*`
//! that formats into any `impl Write`, so the output is unit-tested on small
//! libraries. Everything taken from a newsletter (titles, story text, file
//! names) goes through [`line()`] before it is written: it is untrusted, and
//! no escape sequence in it may reach the terminal.
//!
//! No terminal control here beyond the marks around a search match, and
//! those only when stdout is a terminal.

pub mod add;
pub mod explain;
pub mod feed;
pub mod fetch;
pub mod list;
pub mod search;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::library::{self, Opened};
use crate::model::{Library, ReadingState, SourceError};
use crate::text::sanitize;

/// Exit statuses shared by the commands.
pub const EXIT_OK: u8 = 0;
/// Some sources were skipped or unreadable; nothing matched (search).
pub const EXIT_PARTIAL: u8 = 1;
/// The command could not do its work at all.
pub const EXIT_FATAL: u8 = 2;

/// Untrusted text made safe for one line of output: control sequences and
/// bidi marks removed (see [`sanitize`]), line breaks turned into spaces.
pub fn line(text: &str) -> String {
    let clean = sanitize(text);
    if clean.contains('\n') {
        clean.replace('\n', " ")
    } else {
        clean
    }
}

/// Opens the library (through the library index when no paths are named,
/// with the stories' text when `text`) and says on `err` which sources
/// could not be read; true when every source was read.
fn open_reporting(
    paths: &[PathBuf],
    options: &library::Options,
    text: bool,
    err: &mut impl Write,
) -> (Library, bool) {
    let bar = IndexBar::new();
    let options = library::Options {
        progress: bar.progress(),
        ..options.clone()
    };
    let Opened {
        library,
        warnings,
        origin,
    } = library::open_indexed(paths, &options, text);
    drop(bar);
    for problem in warnings.iter().chain(&library.errors) {
        report_source(err, problem);
    }
    // An empty library folder shows the bundled samples: say so, as the
    // reader's status line does, or they pass for the user's own issues.
    let samples = !library.issues.is_empty()
        && library
            .issues
            .iter()
            .all(|i| i.source.starts_with("seeds/"));
    if paths.is_empty() && samples {
        let _ = writeln!(err, "nlread: {}", line(&origin));
    }
    let complete = library.errors.is_empty();
    (library, complete)
}

fn report_source(err: &mut impl Write, problem: &SourceError) {
    let _ = writeln!(
        err,
        "nlread: {}: {}",
        line(&problem.source),
        line(&problem.message)
    );
}

/// A progress bar on stderr while the library index is being built: shown
/// only when stderr is a terminal and the work has gone on for a moment,
/// cleared when done.
pub struct IndexBar {
    bar: std::sync::Arc<std::sync::Mutex<Option<indicatif::ProgressBar>>>,
    started: std::time::Instant,
    terminal: bool,
}

/// Work shorter than this shows no bar.
const BAR_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

impl IndexBar {
    pub fn new() -> IndexBar {
        IndexBar {
            bar: std::sync::Arc::default(),
            started: std::time::Instant::now(),
            terminal: std::io::IsTerminal::is_terminal(&io::stderr()),
        }
    }

    /// The listener to hand the load.
    pub fn progress(&self) -> library::Progress {
        if !self.terminal {
            return library::Progress::default();
        }
        let bar = std::sync::Arc::clone(&self.bar);
        let started = self.started;
        library::Progress::new(move |done, total, _| {
            let Ok(mut slot) = bar.lock() else {
                return;
            };
            if slot.is_none() && started.elapsed() >= BAR_AFTER && done < total {
                let made = indicatif::ProgressBar::with_draw_target(
                    Some(total as u64),
                    indicatif::ProgressDrawTarget::stderr(),
                );
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "nlread: indexing the library {bar:30} {pos}/{len} files, {eta} left",
                ) {
                    made.set_style(style);
                }
                *slot = Some(made);
            }
            if let Some(bar) = slot.as_ref() {
                bar.set_position(done as u64);
            }
        })
    }
}

impl Default for IndexBar {
    fn default() -> Self {
        IndexBar::new()
    }
}

impl Drop for IndexBar {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}

/// The reading state as the reader saved it; problems with the file are
/// said on `err` and give an empty state.
pub fn reading_state(err: &mut impl Write) -> ReadingState {
    let Some(mut db) = crate::db::state::StateDb::default_place() else {
        return ReadingState::new();
    };
    let (state, report) = crate::store::StateStore::load(&mut db);
    for warning in report.warnings {
        let _ = writeln!(err, "nlread: {}", line(&warning));
    }
    state
}

/// The exit status for a failed write to stdout: a reader that closed the
/// pipe (`nlread list | head`) is no error, so `done` is kept.
fn write_failed(err: io::Error, done: u8) -> u8 {
    if err.kind() == io::ErrorKind::BrokenPipe {
        return done;
    }
    let _ = writeln!(
        io::stderr(),
        "nlread: could not write to standard output: {err}"
    );
    EXIT_FATAL
}

/// Whether stdout is a terminal (for marks and indented JSON).
fn stdout_is_terminal() -> bool {
    io::IsTerminal::is_terminal(&io::stdout())
}

/// `value` as JSON and a newline: indented when stdout is a terminal,
/// one line for a pipe or a file.
fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    if stdout_is_terminal() {
        serde_json::to_writer_pretty(&mut *out, value)?;
    } else {
        serde_json::to_writer(&mut *out, value)?;
    }
    writeln!(out)?;
    out.flush()
}

/// NO_COLOR (no-color.org): set and not empty means no colours.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// "1 story", "3 stories".
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn lines_lose_escapes_bidi_and_breaks() {
        let hostile = "Rates\u{1b}]0;owned\u{7} hold\n\u{9b}31msteady\u{202e}!\r";
        assert_eq!(line(hostile), "Rates hold steady!");
    }
}
