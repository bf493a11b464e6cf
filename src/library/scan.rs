//! Walking folders and reading files into a [`Library`].

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{LoadError, MAX_FILE_BYTES, sort_issues, source_error};
use crate::model::{Issue, Library, SourceError};
use crate::parse::{ParseError, parse_bytes};

/// Collects issues and per-source errors as paths are added.
#[derive(Default)]
pub(crate) struct Loader {
    issues: Vec<Issue>,
    errors: Vec<SourceError>,
    /// Canonical paths already read, so a file named twice (or reached
    /// through a link) is loaded once, and linked folders cannot loop.
    seen: HashSet<PathBuf>,
}

impl Loader {
    /// A path the user named: a file is always reported when it fails, a
    /// folder with nothing to read in it is reported too.
    pub(crate) fn add_named(&mut self, path: &Path) {
        match fs::metadata(path) {
            Err(err) => self.fail(path, &err.into()),
            Ok(meta) if meta.is_dir() => {
                let before = (self.issues.len(), self.errors.len());
                if self.add_dir(path) && before == (self.issues.len(), self.errors.len()) {
                    self.fail(path, &LoadError::EmptyFolder);
                }
            }
            Ok(meta) if meta.is_file() => self.add_file(path, true),
            Ok(_) => self.fail(path, &LoadError::NotAFile),
        }
    }

    /// Every file inside `dir`, recursively, in name order; hidden files and
    /// folders and anything that is neither file nor folder are skipped.
    /// Returns false when the folder was walked before and is skipped now.
    pub(crate) fn add_dir(&mut self, dir: &Path) -> bool {
        if let Ok(canonical) = fs::canonicalize(dir)
            && !self.seen.insert(canonical)
        {
            return false;
        }
        let mut entries = match fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name())
                .collect::<Vec<_>>(),
            Err(err) => {
                self.fail(dir, &err.into());
                return true;
            }
        };
        entries.sort();
        for name in entries {
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = dir.join(&name);
            // Follows links: a linked file is read, a linked folder walked
            // (the `seen` set stops a link back to an ancestor).
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    self.add_dir(&path);
                }
                Ok(meta) if meta.is_file() => self.add_file(&path, false),
                Ok(_) => {}
                Err(_) if fs::symlink_metadata(&path).is_ok() => {
                    self.fail(&path, &LoadError::BrokenLink);
                }
                Err(err) => self.fail(&path, &err.into()),
            }
        }
        true
    }

    fn add_file(&mut self, path: &Path, named: bool) {
        if let Ok(canonical) = fs::canonicalize(path)
            && !self.seen.insert(canonical)
        {
            return;
        }
        let source = path.display().to_string();
        match read_limited(path) {
            Ok(bytes) => match parse_bytes(&bytes, &source) {
                Ok(issues) => self.issues.extend(issues),
                Err(ParseError::Binary) if !named => {}
                Err(err) => self.fail(path, &err.into()),
            },
            Err(err) => self.fail(path, &err),
        }
    }

    fn fail(&mut self, path: &Path, err: &LoadError) {
        self.errors
            .push(source_error(path.display().to_string(), err));
    }

    pub(crate) fn finish(mut self) -> Library {
        sort_issues(&mut self.issues);
        Library {
            issues: self.issues,
            errors: self.errors,
        }
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    let file = fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { size });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The file may grow between the size check and the read.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}
