//! The `nlread` command: parse the command line, open a library, hand it to
//! the reader or print it as JSON. Everything else lives in the library crate.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use nlread::cli;
use nlread::config::{self, file};
use nlread::fetch;
use nlread::library::{self, Opened};
use nlread::text;

/// What `--help` says after the options: the keys (from the one key
/// table) and where things are.
fn after_help() -> String {
    format!(
        "{}\n{}",
        nlread::app::keys::cli_help(),
        "\
With no PATH, nlread opens your library folder (e.g. ~/.local/share/nlread/library),
or the bundled sample issues while that folder is empty.
A file named like a command (\"export\", \"add\", \"list\", \"search\", \"explain\", \"config\",
\"feed\", \"fetch\") is opened as ./export, ./list and so on.
Newsletters with a feed come in by themselves: nlread feed add URL, then nlread fetch (or r).
Set NO_COLOR to read without colours.
Keys, colours, library folders and more: nlread config --default."
    )
}

#[derive(Parser)]
#[command(
    version,
    about = "A terminal reader for newsletters: every issue split into stories you can move through and filter",
    after_help = after_help(),
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
    /// Show how each issue was cut into stories, and why
    ///
    /// For each story: its title, its group and the rule that opened it
    /// (a heading, a numbered line, a digest's message ...). Your config's
    /// [[split]] rules apply, and the one used is named. Exit status: 0 when
    /// every file was read, 1 when some could not be, 2 when none could.
    Explain {
        /// Files to explain (a folder: every file in it)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also list every heading that opened no story, and why
        #[arg(long)]
        all: bool,
    },
    /// Show nlread's config file: where it is, the defaults, its problems
    Config(ConfigArgs),
    /// Subscribe to newsletters' feeds (kept in feeds.toml beside the config)
    Feed {
        #[command(subcommand)]
        command: FeedCommand,
    },
    /// Fetch every subscribed feed now; new issues go into your library
    ///
    /// Each new item is stored once (by its GUID, else its link) under
    /// feeds/ in your library folder; a changed item replaces its file.
    /// Exit status: 0 when every feed answered, 1 when some failed (the
    /// others are still stored), 2 when nothing could be fetched.
    Fetch {
        /// Give up on a feed after this many seconds (default: the config's
        /// fetch.timeout, else 30)
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
        timeout: Option<u64>,
        /// Print what each feed did as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum FeedCommand {
    /// Subscribe to a feed (a web page's own feed is found in its place)
    ///
    /// The address is fetched once to see it is a feed and learn its name.
    Add {
        /// The feed's address (http or https)
        url: String,
        /// What to call it (default: the feed's own title)
        #[arg(long)]
        name: Option<String>,
        /// Subscribe without fetching the address first
        #[arg(long)]
        no_check: bool,
    },
    /// List the subscriptions, with how many issues each brought in
    List {
        /// Print JSON for scripts
        #[arg(long)]
        json: bool,
    },
    /// Unsubscribe (the issues already fetched stay in your library)
    Remove {
        /// The feed's address or name
        feed: String,
    },
    /// Subscribe to every feed of an OPML file (another reader's export)
    Import {
        /// The OPML file
        file: PathBuf,
    },
    /// Print the subscriptions as OPML 2.0, for another reader
    Export,
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct ConfigArgs {
    /// Print the default config, every setting explained
    #[arg(long)]
    default: bool,
    /// Print where nlread looks for its config file
    #[arg(long)]
    path: bool,
    /// Read your config file and list its problems (exit status 1 if any)
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // Paths (from XDG variables) and file names can hold anything.
            eprintln!("nlread: {}", cli::line(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Config(args)) => Ok(config_command(&args)),
        Some(Command::Explain { paths, all }) => {
            let loaded = loaded_reporting();
            Ok(cli::explain::run(&paths, &loaded.config.split, all).into())
        }
        Some(Command::Export { paths }) => export(&paths, &file::load()),
        Some(Command::Add { paths, dry_run }) => {
            let loaded = loaded_reporting();
            Ok(cli::add::run(&paths, &library_options(&loaded), dry_run).into())
        }
        Some(Command::List { paths, json }) => {
            let loaded = loaded_reporting();
            Ok(cli::list::run(&paths, &library_options(&loaded), json).into())
        }
        Some(Command::Search {
            query,
            paths,
            json,
            limit,
        }) => {
            let loaded = loaded_reporting();
            let options = library_options(&loaded);
            Ok(cli::search::run(&query, &paths, &options, json, limit).into())
        }
        Some(Command::Feed { command }) => Ok(feed_command(command).into()),
        Some(Command::Fetch { timeout, json }) => {
            let loaded = loaded_reporting();
            let Some(paths) = fetch_paths(&loaded) else {
                eprintln!("nlread: there is no home folder, so no subscriptions; set HOME");
                return Ok(ExitCode::from(cli::EXIT_FATAL));
            };
            let (feeds, problems) = fetch::feeds::load(&paths.feeds, file::home().as_deref());
            for problem in &problems {
                eprintln!("nlread: {}", cli::line(problem));
            }
            if feeds.is_empty() {
                eprintln!(
                    "nlread: no feeds to fetch; `nlread feed add URL` subscribes to one ({})",
                    cli::line(&file::tilde(&paths.feeds, file::home().as_deref()))
                );
                return Ok(ExitCode::from(if problems.is_empty() { 0 } else { 1 }));
            }
            let options = fetch::Options {
                timeout: timeout.map_or(loaded.config.fetch.timeout, Duration::from_secs),
                ..fetch::Options::default()
            };
            Ok(cli::fetch::run(&paths, &feeds, &options, json).into())
        }
        None => read(&cli.paths, file::load()),
    }
}

/// Where the subscriptions, the fetch state and fetched issues live: the
/// config folder, and the first library folder.
fn fetch_paths(loaded: &file::Loaded) -> Option<fetch::Paths> {
    let config_dir = loaded.path.as_deref()?.parent()?;
    let library = library_options(loaded)
        .folders
        .first()
        .cloned()
        .or_else(library::library_dir)?;
    Some(fetch::Paths::new(config_dir, library))
}

/// `nlread feed add | list | remove | import | export`.
fn feed_command(command: FeedCommand) -> u8 {
    let loaded = loaded_reporting();
    let Some(paths) = fetch_paths(&loaded) else {
        eprintln!("nlread: there is no home folder, so no subscriptions; set HOME");
        return cli::EXIT_FATAL;
    };
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    match command {
        FeedCommand::Add {
            url,
            name,
            no_check,
        } => {
            let client =
                fetch::http::Client::new(loaded.config.fetch.timeout, fetch::MAX_FEED_BYTES);
            let client = (!no_check).then_some(&client);
            cli::feed::add(&paths, &url, name.as_deref(), client, &mut out, &mut err)
        }
        FeedCommand::List { json } => cli::feed::list(&paths, json, &mut out, &mut err),
        FeedCommand::Remove { feed } => cli::feed::remove(&paths, &feed, &mut out, &mut err),
        FeedCommand::Import { file } => cli::feed::import(&paths, &file, &mut out, &mut err),
        FeedCommand::Export => cli::feed::export(&paths, &mut out, &mut err),
    }
}

/// `nlread config --default | --path | --check`.
fn config_command(args: &ConfigArgs) -> ExitCode {
    if args.default {
        print!("{}", config::DEFAULT_TOML);
        return ExitCode::SUCCESS;
    }
    let Some(path) = file::path() else {
        eprintln!("nlread: there is no home folder, so no config file; set HOME to use one");
        return ExitCode::FAILURE;
    };
    let shown = cli::line(&path.display().to_string());
    if args.path {
        println!("{shown}");
        return ExitCode::SUCCESS;
    }
    let home = file::home();
    let loaded = file::load_from(&path, home.as_deref());
    // The subscriptions beside it are checked with it.
    let feeds = path
        .parent()
        .map(|dir| dir.join(fetch::feeds::FILE_NAME))
        .filter(|f| f.exists());
    let mut problems = Vec::new();
    if loaded.exists {
        problems.extend(loaded.problems.clone());
        problems.extend(file::missing_folders(&loaded, home.as_deref()));
    } else {
        println!("{shown}: no such file; nlread uses the defaults (nlread config --default)");
    }
    if let Some(feeds) = &feeds {
        problems.extend(fetch::feeds::load(feeds, home.as_deref()).1);
    }
    if problems.is_empty() {
        if loaded.exists {
            println!("{shown}: no problems");
        }
        if let Some(feeds) = &feeds {
            println!("{}: no problems", cli::line(&feeds.display().to_string()));
        }
        return ExitCode::SUCCESS;
    }
    for problem in &problems {
        println!("{}", cli::line(problem));
    }
    ExitCode::FAILURE
}

/// The config for a command that prints: its problems go to stderr.
fn loaded_reporting() -> file::Loaded {
    let loaded = file::load();
    for problem in &loaded.problems {
        eprintln!("nlread: {}", cli::line(problem));
    }
    loaded
}

/// The library folders and order the config asks for.
fn library_options(loaded: &file::Loaded) -> library::Options {
    let config_dir = loaded
        .path
        .as_deref()
        .and_then(std::path::Path::parent)
        .unwrap_or(std::path::Path::new("."));
    library::Options {
        folders: file::library_folders(&loaded.config, file::home().as_deref(), config_dir),
        sort: loaded.config.sort,
        split: loaded.config.split.clone(),
        progress: library::Progress::default(),
    }
}

/// The reader. Exit status 2, with the reasons on stderr, when the paths
/// named hold nothing readable at all (the reader is not opened).
fn read(paths: &[PathBuf], loaded: file::Loaded) -> anyhow::Result<ExitCode> {
    let paths = paths.to_vec();
    let options = library_options(&loaded);
    // Created before the watch starts, so a first launch watches it too.
    if let Err(e) = library::ensure_library_dir(&paths, &options) {
        eprintln!("nlread: the library folder could not be created: {e}");
    }
    let setup = nlread::tui::Setup {
        keymap: nlread::tui::keymap::Keymap::new(&loaded.config.keys),
        palette: loaded.config.palette,
        settings: loaded.config.settings(),
        problems: loaded.problems.clone(),
        watch: library::watch::targets(&paths, &options),
        require_issues: !paths.is_empty(),
        fetch: fetch_paths(&loaded).map(|paths| nlread::tui::fetcher::FetchSetup {
            paths,
            options: fetch::Options {
                timeout: loaded.config.fetch.timeout,
                ..fetch::Options::default()
            },
            home: file::home(),
        }),
    };
    let state = nlread::db::state::StateDb::default_place()
        .map(|db| Box::new(db) as Box<dyn nlread::store::StateStore>);
    let ended = nlread::tui::run_with_loader(
        state,
        move |progress| {
            let options = library::Options {
                progress,
                ..options.clone()
            };
            let mut said = None;
            if paths.is_empty() {
                match nlread::db::reader::open_reader(&options) {
                    Ok(Some(found)) => return reader_parts(found),
                    Ok(None) => {}
                    Err(e) => said = Some(e),
                }
            }
            let Opened {
                mut library,
                origin,
                warnings,
            } = library::open(&paths, &options);
            library.errors.extend(said);
            library.errors.extend(warnings);
            let samples = !library.issues.is_empty()
                && library
                    .issues
                    .iter()
                    .all(|i| i.source.starts_with("seeds/"));
            (
                library,
                nlread::app::Origin {
                    said: origin,
                    samples,
                },
            )
                .into()
        },
        setup,
    )?;
    match ended {
        nlread::tui::Ended::Quit => Ok(ExitCode::SUCCESS),
        nlread::tui::Ended::NothingReadable(errors) => {
            for e in &errors {
                // Names and reasons are text from anywhere: no control
                // reaches stderr.
                let (source, message) = (text::sanitize(&e.source), text::sanitize(&e.message));
                eprintln!("nlread: {source}: {message}");
            }
            eprintln!(
                "nlread: nothing could be read from the paths given; name newsletter files or folders that hold some"
            );
            Ok(ExitCode::from(2))
        }
    }
}

/// The reader's library read from the library index: titles in memory,
/// the text left in the database (see `nlread::db::reader`).
fn reader_parts(found: nlread::db::reader::ReaderLibrary) -> nlread::tui::worker::Parts {
    let nlread::db::reader::ReaderLibrary {
        opened,
        index,
        texts,
        counts,
        updater,
    } = found;
    let update = updater.map(|mut updater| {
        Box::new(move |names: &nlread::search::Index| {
            let changed = updater.update(names)?;
            let update = nlread::app::Update {
                pieces: changed.pieces,
                added: changed.added,
                errors: changed.errors,
                said: changed.said,
                index: std::sync::Arc::new(changed.index),
            };
            let counts: Box<dyn nlread::search::TextCounts> = Box::new(changed.counts);
            Some((update, counts))
        }) as nlread::tui::worker::Updater
    });
    let Opened {
        mut library,
        origin,
        warnings,
    } = opened;
    library.errors.extend(warnings);
    nlread::tui::worker::Parts {
        library,
        origin: nlread::app::Origin {
            said: origin,
            samples: false,
        },
        prepared: Some(nlread::tui::worker::Prepared {
            index,
            texts: nlread::app::TextSource(std::sync::Arc::new(std::sync::Mutex::new(texts))),
            counts: Box::new(counts),
            update,
        }),
    }
}

fn export(paths: &[PathBuf], loaded: &file::Loaded) -> anyhow::Result<ExitCode> {
    for problem in &loaded.problems {
        eprintln!("nlread: {}", cli::line(problem));
    }
    let bar = cli::IndexBar::new();
    let options = library::Options {
        progress: bar.progress(),
        ..library_options(loaded)
    };
    let Opened {
        library, warnings, ..
    } = library::open_indexed(paths, &options, true);
    drop(bar);
    for warning in &warnings {
        let (source, message) = (&warning.source, &warning.message);
        let (source, message) = (text::sanitize(source), text::sanitize(message));
        eprintln!("nlread: {source}: {message}");
    }
    let state = cli::reading_state(&mut std::io::stderr());
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
