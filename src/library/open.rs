//! Opening a library with a sentence saying where it came from: the paths
//! the user named, or by default the user's library folders (those of the
//! config file, else the data directory's `library`; the bundled samples
//! while they hold nothing). The user-facing wording of origins lives here.

use std::path::{Path, PathBuf};

use super::seeds::bundled;
use crate::model::{Library, SourceError};
use crate::parse::SplitRules;

/// A loaded library with the sentence that says where it came from (for the
/// status line) and problems that are not about any one issue.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub library: Library,
    pub origin: String,
    /// E.g. the library folder could not be created. Not source errors: the
    /// samples were shown instead, so an export still succeeds.
    pub warnings: Vec<SourceError>,
}

/// What the config file says about the library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The library folders, `~` already expanded; none: the data
    /// directory's `library` folder.
    pub folders: Vec<PathBuf>,
    /// The order of the issue list.
    pub sort: super::SortOrder,
    /// Per-newsletter split rules (`[[split]]`).
    pub split: SplitRules,
    /// Told how far the load has got (the reader shows it).
    pub progress: super::Progress,
}

/// The paths named on the command line or, with none, the library folders
/// of `options`; the issues in `options.sort` order.
pub fn open(paths: &[PathBuf], options: &Options) -> Opened {
    let rules = &options.split;
    let progress = &options.progress;
    progress.before_walk();
    let mut opened = if !paths.is_empty() {
        open_paths_with(paths, rules, progress)
    } else if options.folders.is_empty() {
        let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
        load_default_with(library_dir().as_deref(), home.as_deref(), rules, progress)
    } else {
        let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
        load_folders_with(&options.folders, home.as_deref(), rules, progress)
    };
    if options.sort != super::SortOrder::Date {
        super::sort_issues_by(&mut opened.library.issues, options.sort);
    }
    opened
}

/// The paths named on the command line, see [`super::load_paths`].
pub fn open_paths(paths: &[PathBuf]) -> Opened {
    open_paths_with(paths, &SplitRules::default(), &super::Progress::default())
}

fn open_paths_with(paths: &[PathBuf], rules: &SplitRules, progress: &super::Progress) -> Opened {
    let library =
        super::load_paths_reporting(paths, super::cache_dir().as_deref(), rules, progress);
    let from = match paths {
        [one] => one.display().to_string(),
        many => count(many.len(), "path"),
    };
    Opened {
        origin: format!("{} from {from}", count(library.issues.len(), "issue")),
        library,
        warnings: Vec::new(),
    }
}

/// The library folder: `nlread` opens it by default and `nlread add`
/// copies into it. Today the `library` folder in nlread's data directory
/// (e.g. `~/.local/share/nlread/library`); `None` without a home folder.
pub fn library_dir() -> Option<PathBuf> {
    crate::paths::data_dir().map(|d| d.join("library"))
}

/// Creates the default library folder when the reader will open it (no
/// paths named, no folders configured), so that it can be watched from the
/// start rather than once the load that creates it has run.
pub fn ensure_library_dir(paths: &[PathBuf], options: &Options) -> std::io::Result<()> {
    if !paths.is_empty() || !options.folders.is_empty() {
        return Ok(());
    }
    match library_dir() {
        Some(dir) => std::fs::create_dir_all(dir),
        None => Ok(()),
    }
}

/// The default library: the [`library_dir`], created if missing.
pub fn load_default() -> Opened {
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    load_default_from(library_dir().as_deref(), home.as_deref())
}

/// [`load_default`] with the folder and the home directory (used only to
/// show paths as `~/...`) given, so it can be tested.
pub fn load_default_from(dir: Option<&Path>, home: Option<&Path>) -> Opened {
    load_default_with(
        dir,
        home,
        &SplitRules::default(),
        &super::Progress::default(),
    )
}

fn load_default_with(
    dir: Option<&Path>,
    home: Option<&Path>,
    rules: &SplitRules,
    progress: &super::Progress,
) -> Opened {
    let Some(dir) = dir else {
        return samples(
            None,
            Library::default(),
            vec![SourceError {
                source: "library".into(),
                message: "no home folder was found, so there is no library folder; \
                          set HOME to use one"
                    .into(),
            }],
        );
    };
    let shown = tilde(dir, home);
    if let Err(err) = std::fs::create_dir_all(dir) {
        let warning = SourceError {
            source: shown.clone(),
            message: format!("the library folder could not be created: {err}"),
        };
        return samples(Some(&shown), Library::default(), vec![warning]);
    }
    folders(
        &[dir.to_path_buf()],
        vec![shown],
        Vec::new(),
        rules,
        progress,
    )
}

/// The library folders of the config file (home used only to show paths as
/// `~/...`). Unlike the default folder they are not created: a folder that
/// does not exist is a warning (likely a typo in the config), and the others
/// are still read.
pub fn load_folders_from(dirs: &[PathBuf], home: Option<&Path>) -> Opened {
    load_folders_with(
        dirs,
        home,
        &SplitRules::default(),
        &super::Progress::default(),
    )
}

fn load_folders_with(
    dirs: &[PathBuf],
    home: Option<&Path>,
    rules: &SplitRules,
    progress: &super::Progress,
) -> Opened {
    let (found, shown, warnings) = check_folders(dirs, home);
    folders(&found, shown, warnings, rules, progress)
}

/// The config's library folders that can be read (and how to show them),
/// and a warning for each that cannot.
fn check_folders(dirs: &[PathBuf], home: Option<&Path>) -> Folders {
    let mut found = Vec::new();
    let mut shown = Vec::new();
    let mut warnings = Vec::new();
    for dir in dirs {
        let name = tilde(dir, home);
        let problem = match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => None,
            Ok(_) => Some("the library folder named in the config file is a file, not a folder"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Some("the library folder named in the config file does not exist")
            }
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Some(
                "the library folder named in the config file cannot be opened: permission denied",
            ),
            Err(_) => Some("the library folder named in the config file cannot be opened"),
        };
        match problem {
            None => {
                found.push(dir.clone());
                shown.push(name);
            }
            Some(message) => warnings.push(SourceError {
                source: name,
                message: message.into(),
            }),
        }
    }
    (found, shown, warnings)
}

/// The issues of the library folders `dirs` (shown as `shown`), or the
/// samples while they hold none.
fn folders(
    dirs: &[PathBuf],
    shown: Vec<String>,
    warnings: Vec<SourceError>,
    rules: &SplitRules,
    progress: &super::Progress,
) -> Opened {
    let library = if dirs.is_empty() {
        Library::default()
    } else {
        super::load_folders_cached(dirs, super::cache_dir().as_deref(), rules, progress)
    };
    finish_folders(library, shown, warnings)
}

/// The library folders as an origin names them: the one, or how many.
pub(crate) fn place_of(shown: &[String]) -> String {
    match shown {
        [one] => one.clone(),
        many => count(many.len(), "folder"),
    }
}

/// The library read from folders shown as `shown`, with the sentence of
/// where it came from, or the samples while it holds no issue.
pub(crate) fn finish_folders(
    library: Library,
    shown: Vec<String>,
    warnings: Vec<SourceError>,
) -> Opened {
    let place = place_of(&shown);
    if library.issues.is_empty() {
        let first = shown.first().cloned();
        let mut opened = samples(first.as_deref(), library, Vec::new());
        opened.warnings = warnings;
        return opened;
    }
    Opened {
        origin: format!("{} from {place}", count(library.issues.len(), "issue")),
        library,
        warnings,
    }
}

/// The bundled samples, keeping the errors of the (empty) library folder.
fn samples(shown: Option<&str>, folder: Library, warnings: Vec<SourceError>) -> Opened {
    let mut library = bundled();
    library.errors.splice(0..0, folder.errors);
    let mut origin = format!("{} (bundled)", count(library.issues.len(), "sample issue"));
    if let Some(shown) = shown
        && warnings.is_empty()
    {
        origin.push_str(&format!("; add your own to {shown}"));
    }
    Opened {
        library,
        origin,
        warnings,
    }
}

/// "1 issue", "3 issues".
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The path with the home directory shown as `~`.
fn tilde(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => "~".into(),
        Some(rest) => format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display()),
        None => path.display().to_string(),
    }
}

/// The library as [`open()`] gives it, but read through the library index
/// (`crate::db::index`) when no paths are named: the folders are synced
/// (only new and changed files parsed) and the issues read from the index,
/// with their story text when `text` is true (without it, stories have
/// titles, groups and word counts: enough to list them). Paths named on the
/// command line, and a library whose index cannot be opened (said in the
/// warnings), are read from the files as [`open()`] does.
pub fn open_indexed(paths: &[PathBuf], options: &Options, text: bool) -> Opened {
    if !paths.is_empty() {
        return open(paths, options);
    }
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    let (dirs, shown, mut warnings) = match resolve_folders(options, home.as_deref()) {
        Ok(found) => found,
        Err(opened) => return *opened,
    };
    let Some(db) = crate::paths::index_db() else {
        return open(paths, options);
    };
    let library = match indexed(&db, &dirs, options, text, &mut warnings) {
        Ok(library) => library,
        Err(e) => {
            let mut opened = open(paths, options);
            opened.warnings.push(SourceError {
                source: db.display().to_string(),
                message: format!(
                    "the library index cannot be used ({e}); the files were read instead"
                ),
            });
            return opened;
        }
    };
    let mut opened = finish_folders(library, shown, warnings);
    if options.sort != super::SortOrder::Date {
        super::sort_issues_by(&mut opened.library.issues, options.sort);
    }
    opened
}

/// Opens the index at `db`, syncs it with `dirs` and reads the library.
fn indexed(
    db: &Path,
    dirs: &[PathBuf],
    options: &Options,
    text: bool,
    warnings: &mut Vec<SourceError>,
) -> Result<Library, crate::db::DbError> {
    let (index, synced) = synced_index(db, dirs, options, warnings)?;
    if dirs.is_empty() {
        return Ok(Library::default());
    }
    let mut library = index.library(text)?;
    let mut errors = synced.walk_errors;
    errors.append(&mut library.errors);
    library.errors = errors;
    Ok(library)
}

/// The library index of the library folders, synced, with the sources that
/// could not be read (walk errors first) and the warnings about the folders
/// and the index. None when there is no index to use: no library folder
/// holds anything (the samples are shown), or the index cannot be opened;
/// the caller then reads the files with [`open()`].
pub fn open_index(options: &Options) -> Option<(crate::db::index::LibraryIndex, Vec<SourceError>)> {
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    let (dirs, _, mut warnings) = resolve_folders(options, home.as_deref()).ok()?;
    let db = crate::paths::index_db()?;
    let (index, synced) = synced_index(&db, &dirs, options, &mut warnings).ok()?;
    let issues = index.issue_count().ok()?;
    if issues == 0 {
        return None;
    }
    warnings.extend(synced.walk_errors);
    let stored = index.errors().ok()?;
    warnings.extend(stored);
    Some((index, warnings))
}

/// Opens the index at `db` and syncs it with `dirs` (the files of folders
/// that changed since the last sync, see
/// [`crate::db::index::LibraryIndex::sync_quick`]); a sync that finds the
/// file damaged moves it aside and builds it again.
pub(crate) fn synced_index(
    db: &Path,
    dirs: &[PathBuf],
    options: &Options,
    warnings: &mut Vec<SourceError>,
) -> Result<(crate::db::index::LibraryIndex, crate::db::index::Synced), crate::db::DbError> {
    use crate::db::index::LibraryIndex;
    let say = |warnings: &mut Vec<SourceError>, said: Vec<String>| {
        warnings.extend(said.into_iter().map(|message| SourceError {
            source: db.display().to_string(),
            message,
        }));
    };
    let (mut index, said) = LibraryIndex::open(db)?;
    say(warnings, said);
    let synced = match index.sync_quick(dirs, &options.split, &options.progress) {
        Err(e) if e.is_damage() => {
            drop(index);
            crate::db::move_aside(db).map_err(|source| crate::db::DbError::MoveAside {
                path: db.display().to_string(),
                why: e.to_string(),
                source,
            })?;
            say(
                warnings,
                vec![format!(
                    "the library index was damaged ({e}); it was moved aside and is being \
                     rebuilt from your newsletter files"
                )],
            );
            let (again, said) = LibraryIndex::open(db)?;
            say(warnings, said);
            index = again;
            index.sync_quick(dirs, &options.split, &options.progress)?
        }
        other => other?,
    };
    Ok((index, synced))
}

/// Library folders that can be read, how to show them, and warnings.
pub(crate) type Folders = (Vec<PathBuf>, Vec<String>, Vec<SourceError>);

/// The library folders `options` name (the data folder's `library`,
/// created, when it names none), how to show them, and warnings about
/// those that cannot be read; `Err` when there is no library folder at all
/// (the samples are shown).
pub(crate) fn resolve_folders(
    options: &Options,
    home: Option<&Path>,
) -> Result<Folders, Box<Opened>> {
    if options.folders.is_empty() {
        let Some(dir) = library_dir() else {
            return Err(Box::new(load_default_with(
                None,
                home,
                &options.split,
                &options.progress,
            )));
        };
        let shown = tilde(&dir, home);
        if let Err(err) = std::fs::create_dir_all(&dir) {
            let warning = SourceError {
                source: shown.clone(),
                message: format!("the library folder could not be created: {err}"),
            };
            return Err(Box::new(samples(
                Some(&shown),
                Library::default(),
                vec![warning],
            )));
        }
        return Ok((vec![dir], vec![shown], Vec::new()));
    }
    let (found, shown, warnings) = check_folders(&options.folders, home);
    Ok((found, shown, warnings))
}
