//! The `nlread` command: parse the command line, open a library, hand it to
//! the reader or print it as JSON. Everything else lives in the library crate.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use nlread::cli;
use nlread::library::{self, Opened};
use nlread::model::ReadingState;
use nlread::store::{self, StateFile};

const AFTER_HELP: &str = "\
Keys in the reader:
  j/k, Down/Up         move            h/l, Tab/Shift-Tab  change pane
  Enter                open            Space/PgDn, PgUp    page the story
  g/G                  top/bottom      ]/[                 next/previous section
  /                    filter stories (Enter keeps it, Esc clears)
  ?                    help            q                   quit (Ctrl-C always)

With no PATH, nlread opens your library folder (e.g. ~/.local/share/nlread/library),
or the bundled sample issues while that folder is empty.
A file named like a command (\"export\", \"add\", \"list\", \"search\") is opened as
./export, ./list and so on.
Set NO_COLOR to read without colours.";

#[derive(Parser)]
#[command(
    version,
    about = "A terminal reader for newsletters: every issue split into stories you can move through and filter",
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Newsletter files or folders to read (folders are searched recursively)
    paths: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the issues and their stories as one JSON object on stdout
    ///
    /// Sources that cannot be read are listed under "errors" and the others
    /// are still exported. Exit status: 0 when every source was read, 1 when
    /// some could not be, 2 when the export itself failed.
    Export {
        /// Files or folders to export; none: your library folder
        paths: Vec<PathBuf>,
    },
    /// Copy newsletter files, mbox files and Maildir folders into your library folder
    ///
    /// Only what nlread can read is copied; a file already in the library
    /// (same content, any name) is not copied again. Exit status: 0 when
    /// everything was added or already there, 1 when some were skipped, 2
    /// when the library folder cannot be created.
    Add {
        /// Files or folders to add (folders are searched recursively)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Say what would be added without copying anything
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the issues and their stories as a tree, with read/unread/starred marks
    List {
        /// Files or folders to list; none: your library
        paths: Vec<PathBuf>,
        /// Print JSON for scripts
        #[arg(long)]
        json: bool,
    },
    /// Print the stories that match QUERY, best first, as the reader's filter ranks them
    ///
    /// Exit status: 0 when a story matched, 1 when none did.
    Search {
        /// Words to look for (every word must match)
        query: String,
        /// Files or folders to search; none: your library
        paths: Vec<PathBuf>,
        /// Print a JSON array for scripts
        #[arg(long)]
        json: bool,
        /// Show at most N stories (0: all)
        #[arg(long, value_name = "N", default_value_t = nlread::cli::search::DEFAULT_LIMIT)]
        limit: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("nlread: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Export { paths }) => export(&paths),
        Some(Command::Add { paths, dry_run }) => Ok(cli::add::run(&paths, dry_run).into()),
        Some(Command::List { paths, json }) => Ok(cli::list::run(&paths, json).into()),
        Some(Command::Search {
            query,
            paths,
            json,
            limit,
        }) => Ok(cli::search::run(&query, &paths, json, limit).into()),
        None => read(&cli.paths).map(|()| ExitCode::SUCCESS),
    }
}

fn open(paths: &[PathBuf]) -> Opened {
    if paths.is_empty() {
        library::load_default()
    } else {
        library::open_paths(paths)
    }
}

fn read(paths: &[PathBuf]) -> anyhow::Result<()> {
    // The library loads behind the first frame, so say here, before the
    // terminal is taken, when nothing named can be read at all.
    let missing: Vec<&PathBuf> = paths
        .iter()
        .filter(|p| std::fs::metadata(p).is_err())
        .collect();
    if !paths.is_empty() && missing.len() == paths.len() {
        for path in missing {
            eprintln!(
                "nlread: {}: not found: check the path is spelled right",
                path.display()
            );
        }
        anyhow::bail!(
            "nothing could be read from the paths given; name newsletter files or folders that hold some"
        );
    }
    let paths = paths.to_vec();
    let state = store::default_path().map(StateFile::new);
    nlread::tui::run_with_loader(state, move || {
        let Opened {
            mut library,
            origin,
            warnings,
        } = open(&paths);
        library.errors.extend(warnings);
        (library, origin)
    })
}

/// The reading state for the commands that print it; problems with the
/// file go to stderr.
fn reading_state() -> ReadingState {
    let Some(path) = store::default_path() else {
        return ReadingState::new();
    };
    let (state, report) = StateFile::new(path).load();
    for warning in report.warnings {
        eprintln!("nlread: {warning}");
    }
    state
}

fn export(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let Opened {
        library, warnings, ..
    } = open(paths);
    for warning in &warnings {
        eprintln!("nlread: {}: {}", warning.source, warning.message);
    }
    let state = reading_state();
    let stdout = std::io::stdout().lock();
    // Indented for a person at a terminal, compact for a pipe or a file.
    let pretty = std::io::IsTerminal::is_terminal(&stdout);
    let written = library::export::write_json_as(&library, &state, stdout, pretty);
    let failed = library.errors.len();
    // Freeing a large library piece by piece takes longer than the export:
    // the process is about to end, so let the system reclaim it at once.
    std::mem::forget(library);
    match written {
        Ok(()) => {}
        // `nlread export | head` closing the pipe early is not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(err) => return Err(err).context("could not write the export to standard output"),
    }
    if failed == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    let n = failed;
    let sources = if n == 1 { "source" } else { "sources" };
    eprintln!("nlread: {n} {sources} could not be read; see \"errors\" in the JSON");
    Ok(ExitCode::FAILURE)
}
