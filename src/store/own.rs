//! How nlread opens the files it keeps for itself (the reading state, its
//! backup and lock, the parsed-library cache, the config): the config
//! file's rule for all of them. Only a regular file is read, and only up to
//! a size fitting what it holds; the open itself never waits, so a FIFO,
//! a device or a link to `/dev/zero` in place of one of them is an error to
//! report, not a hang or a read until memory runs out.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file of nlread's own was not read, as an `io::Error` of a kind
/// [`describe`] puts in words.
pub fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, NotRegular)
}

#[derive(Debug)]
struct NotRegular;

impl std::fmt::Display for NotRegular {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("it is not a regular file")
    }
}

impl std::error::Error for NotRegular {}

fn too_large(max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("it is larger than {}", size_words(max)),
    )
}

/// "1 MiB", "64 MiB", "1 GiB".
fn size_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b => format!("{} KiB", b >> 10),
    }
}

/// `options` opening without waiting: a FIFO with no writer (or, to write,
/// no reader) would otherwise block the open for ever.
fn no_wait(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options
}

/// Opens `path` to read if it is a regular file (links followed), with its
/// metadata as opened: what is checked is what is read.
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let file = no_wait(OpenOptions::new().read(true)).open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    if !meta.is_file() {
        return Err(not_regular());
    }
    Ok((file, meta))
}

/// Opens (creating it) `path` to write without truncating, if it is or
/// becomes a regular file: for lock files.
pub fn open_regular_to_write(path: &Path) -> io::Result<File> {
    let file = no_wait(OpenOptions::new().create(true).truncate(false).write(true)).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// The bytes of the regular file `path`, refused when it holds more than
/// `max` (checked before and while reading: it may grow).
pub fn read_capped(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let (file, meta) = open_regular(path)?;
    if meta.len() > max {
        return Err(too_large(max));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(max));
    }
    Ok(bytes)
}

/// A new file at `path` to write, failing if anything is there already
/// (a temporary name taken by a FIFO or a link is never opened).
pub fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// An error in words a user can act on.
pub fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        io::ErrorKind::StorageFull => "the disk is full".into(),
        io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        io::ErrorKind::NotFound => "its folder does not exist".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[cfg(unix)]
    fn fifo(path: &Path) -> bool {
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    #[cfg(unix)]
    fn a_fifo_or_a_device_is_refused_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pipe = dir.path().join("pipe");
        assert!(fifo(&pipe), "mkfifo");
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        let start = Instant::now();
        for path in [&pipe, &zero] {
            let err = read_capped(path, 1 << 20).expect_err("refused");
            assert_eq!(describe(&err), "it is not a regular file", "{path:?}");
            assert!(open_regular_to_write(path).is_err(), "{path:?}");
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(create_new(&pipe).is_err(), "never opened");
    }

    #[test]
    fn a_file_over_the_cap_is_refused_and_one_at_it_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, vec![b'x'; 2048]).expect("write");
        assert_eq!(read_capped(&path, 2048).expect("read").len(), 2048);
        let err = read_capped(&path, 2047).expect_err("too large");
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(describe(&too_large(64 << 20)), "it is larger than 64 MiB");
        let err = read_capped(dir.path(), 10).expect_err("folder");
        assert_eq!(describe(&err), "it is a folder, not a file");
    }
}
