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
    directories::ProjectDirs::from("", "", "nlread").map(|p| p.data_dir().join("library"))
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
    folders(&found, shown, warnings, rules, progress)
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
    let place = match shown.as_slice() {
        [one] => one.clone(),
        many => count(many.len(), "folder"),
    };
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
