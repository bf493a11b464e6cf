//! Where the config file lives and reading it: the only file system access
//! of the config. A missing file means the defaults, quietly; one that
//! cannot be read (permissions, a folder, a pipe, not text, over
//! [`MAX_BYTES`]) means the defaults with a diagnostic. nlread never writes
//! the file.

use std::path::{Path, PathBuf};

use super::{Config, Diagnostic};

/// The config file's name inside the config directory.
pub const FILE_NAME: &str = "config.toml";

/// A config file larger than this is not read: the commented defaults are
/// a few KB, so a bigger one is a mistake (a log written over it, a link to
/// a device) and reading it would only cost memory and start-up time.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// Where nlread looks for its config (e.g. `~/.config/nlread/config.toml`,
/// under `$XDG_CONFIG_HOME` when it is set). None without a home folder.
pub fn path() -> Option<PathBuf> {
    crate::paths::config_dir().map(|d| d.join(FILE_NAME))
}

/// A config read from a file, with its problems written out in full
/// (`~/.config/nlread/config.toml:7:22: reading.mark_read_at_end: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub config: Config,
    pub problems: Vec<String>,
    /// The file read, None when there was none to read.
    pub path: Option<PathBuf>,
    /// True when the file exists (even if it could not be read).
    pub exists: bool,
}

/// Reads the user's config file (see [`path`]).
pub fn load() -> Loaded {
    match path() {
        Some(path) => load_from(&path, home().as_deref()),
        None => Loaded {
            config: Config::default(),
            problems: Vec::new(),
            path: None,
            exists: false,
        },
    }
}

/// Reads the config at `path`; `home` only shortens the file name shown in
/// messages to `~/...`.
pub fn load_from(path: &Path, home: Option<&Path>) -> Loaded {
    let shown = tilde(path, home);
    let (config, diagnostics, exists) = match read_limited(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            (Config::default(), Vec::new(), false)
        }
        Err(err) => (
            Config::default(),
            vec![unreadable(format!(
                "could not be read ({}); using the defaults",
                describe(&err)
            ))],
            true,
        ),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                let (config, diagnostics) = super::parse(&text);
                (config, diagnostics, true)
            }
            Err(_) => (
                Config::default(),
                vec![unreadable(
                    "is not UTF-8 text, as TOML must be; using the defaults".to_string(),
                )],
                true,
            ),
        },
    };
    Loaded {
        config,
        problems: diagnostics.iter().map(|d| d.render(&shown)).collect(),
        path: Some(path.to_path_buf()),
        exists,
    }
}

/// The file's bytes, refusing what is not a regular file (a folder, or a
/// pipe that would block the start for ever) and anything over MAX_BYTES:
/// the rule for every file nlread keeps (`store::own`).
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::store::own::read_capped(path, MAX_BYTES)
}

/// A read error in words a user can act on.
fn describe(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        ErrorKind::FileTooLarge => format!(
            "it is larger than {} KB, far more than any config needs",
            MAX_BYTES / 1024
        ),
        _ => err.to_string(),
    }
}

fn unreadable(message: String) -> Diagnostic {
    Diagnostic {
        line: 0,
        column: 0,
        key: String::new(),
        message,
    }
}

/// The config's library folders as paths: `~` and `~/...` become the home
/// folder, and a relative path is taken from the config file's folder.
pub fn library_folders(config: &Config, home: Option<&Path>, config_dir: &Path) -> Vec<PathBuf> {
    config
        .folders
        .iter()
        .map(|folder| {
            let expanded = match (folder.as_str(), home) {
                ("~", Some(home)) => home.to_path_buf(),
                (f, Some(home)) if f.starts_with("~/") || f.starts_with("~\\") => {
                    home.join(&f[2..])
                }
                (f, _) => PathBuf::from(f),
            };
            if expanded.is_absolute() {
                expanded
            } else {
                config_dir.join(expanded)
            }
        })
        .collect()
}

/// `config --check`'s word on the library folders: one problem, at the
/// folder's place in the file, for each that is not a folder on disk (the
/// reader skips those with a warning).
pub fn missing_folders(loaded: &Loaded, home: Option<&Path>) -> Vec<String> {
    let Some(path) = loaded.path.as_deref() else {
        return Vec::new();
    };
    let config_dir = path.parent().unwrap_or(Path::new("."));
    let text = read_limited(path)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let shown = tilde(path, home);
    let mut searched_from = text.find("folders").unwrap_or(0);
    loaded
        .config
        .folders
        .iter()
        .zip(library_folders(&loaded.config, home, config_dir))
        .filter_map(|(written, folder)| {
            // Where it is written: the first quote of the value after the
            // last one found (a value with escapes is not found: no place).
            let at = text[searched_from..]
                .find(written.as_str())
                .map(|i| searched_from + i);
            if let Some(at) = at {
                searched_from = at + written.len();
            }
            if folder.is_dir() {
                return None;
            }
            let (line, column) =
                at.map_or((0, 0), |at| super::line_column(&text, at.saturating_sub(1)));
            let why = if folder.exists() {
                "is not a folder"
            } else {
                "does not exist"
            };
            let diagnostic = super::Diagnostic {
                line,
                column,
                key: "library.folders".into(),
                message: format!(
                    "{} {why}; nlread skips it (create it, or fix the name)",
                    tilde(&folder, home)
                ),
            };
            Some(diagnostic.render(&shown))
        })
        .collect()
}

/// The user's home folder, if there is one.
pub fn home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

/// The path with the home folder shown as `~`.
pub fn tilde(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => "~".into(),
        Some(rest) => format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display()),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_the_defaults_without_a_word() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loaded = load_from(&dir.path().join(FILE_NAME), None);
        assert_eq!(loaded.config, Config::default());
        assert!(loaded.problems.is_empty());
        assert!(!loaded.exists);
    }

    #[test]
    fn problems_name_the_file_line_and_column() {
        let home = tempfile::tempdir().expect("tempdir");
        let path = home.path().join(".config/nlread").join(FILE_NAME);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(&path, "[reading]\nmark_read_at_end = \"yes\"\n").expect("write");
        let loaded = load_from(&path, Some(home.path()));
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(
            loaded.problems,
            vec![
                format!(
                    "~{sep}.config/nlread/config.toml:2:20: reading.mark_read_at_end: expected a \
                 boolean (true or false), found a string \"yes\"; using the default"
                )
                .replace('/', &sep.to_string())
            ]
        );
        assert!(loaded.exists);
    }

    #[test]
    fn a_file_that_is_not_text_gives_the_defaults_and_a_problem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"\xff\xfe[reading]").expect("write");
        let loaded = load_from(&path, None);
        assert_eq!(loaded.config, Config::default());
        assert_eq!(loaded.problems.len(), 1);
        assert!(
            loaded.problems[0].contains("not UTF-8"),
            "{:?}",
            loaded.problems
        );
    }

    #[test]
    fn a_folder_a_pipe_or_a_huge_file_gives_the_defaults_and_a_problem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("folder.toml");
        std::fs::create_dir(&folder).expect("mkdir");
        let huge = dir.path().join("huge.toml");
        // Valid TOML all through, so only the size can be the problem.
        let line = "# a comment line that is perfectly valid TOML\n";
        let text = line.repeat((MAX_BYTES as usize / line.len()) + 1);
        std::fs::write(&huge, &text).expect("write");
        let pipe = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        let mut cases = vec![(folder, "folder"), (huge, "larger than 1024 KB")];
        if made.is_ok_and(|s| s.success()) {
            // Opening a pipe would wait for a writer: this must not block.
            cases.push((pipe, "not a regular file"));
        }
        for (path, said) in cases {
            let loaded = load_from(&path, None);
            assert_eq!(loaded.config, Config::default(), "{path:?}");
            assert!(loaded.exists, "{path:?}");
            assert_eq!(loaded.problems.len(), 1, "{path:?}");
            assert!(loaded.problems[0].contains(said), "{:?}", loaded.problems);
            assert!(loaded.problems[0].contains("using the defaults"));
        }
    }

    #[test]
    fn a_file_just_under_the_cap_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        let mut text = "[reading]\nmark_read_at_end = false\n".to_string();
        let line = "# filler\n";
        while text.len() + line.len() <= MAX_BYTES as usize {
            text.push_str(line);
        }
        std::fs::write(&path, &text).expect("write");
        let loaded = load_from(&path, None);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_ne!(loaded.config, Config::default(), "the setting was read");
    }

    #[test]
    fn folders_expand_the_home_and_sit_beside_the_config() {
        let config = Config {
            folders: vec![
                "~/news".into(),
                "~".into(),
                "/abs/letters".into(),
                "rel".into(),
            ],
            ..Config::default()
        };
        let home = Path::new("/home/reader");
        let dir = Path::new("/home/reader/.config/nlread");
        assert_eq!(
            library_folders(&config, Some(home), dir),
            vec![
                PathBuf::from("/home/reader/news"),
                PathBuf::from("/home/reader"),
                PathBuf::from("/abs/letters"),
                PathBuf::from("/home/reader/.config/nlread/rel"),
            ]
        );
    }
}
