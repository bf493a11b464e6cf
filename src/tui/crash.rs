//! The panic report: when the reader panics, on the UI thread or the worker,
//! the terminal is restored first, then a report (version, message,
//! location, thread, backtrace) is written to a new file in the state
//! folder and stderr says where it is. Nothing else here.

use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::PanicHookInfo;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{SystemTime, UNIX_EPOCH};

/// The sentence of a panic on another thread, printed by the UI thread once
/// it has left the terminal (see [`take_pending`]).
static PENDING: Mutex<Option<String>> = Mutex::new(None);

/// Test hook: `NLREAD_TEST_PANIC=ui` or `worker` makes the reader panic on
/// purpose, so the end-to-end test can see the report. Read once at start;
/// any other value (or none) does nothing.
pub const TEST_PANIC_VAR: &str = "NLREAD_TEST_PANIC";

/// Where the test hook makes the reader panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestPanic {
    Ui,
    Worker,
}

/// The test hook's value, read from the environment.
pub fn test_panic() -> Option<TestPanic> {
    match std::env::var(TEST_PANIC_VAR).ok()?.as_str() {
        "ui" => Some(TestPanic::Ui),
        "worker" => Some(TestPanic::Worker),
        _ => None,
    }
}

/// Installs the hook, replacing the one `ratatui::init` installed (whose
/// restore it does itself). `ui` is the thread that owns the terminal: a
/// panic there restores it at once; a panic elsewhere leaves the terminal to
/// the UI thread, which stops when the worker's channel closes and prints
/// the sentence after restoring (see [`take_pending`]).
pub fn install(ui: ThreadId) {
    std::panic::set_hook(Box::new(move |info| {
        let on_ui = std::thread::current().id() == ui;
        if on_ui {
            ratatui::restore();
            let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
        }
        let said = report(info, state_dir().as_deref());
        if on_ui {
            // The report's path comes from XDG_STATE_HOME: it may hold anything.
            eprintln!("{}", crate::text::sanitize(&said));
        } else if let Ok(mut pending) = PENDING.lock() {
            pending.get_or_insert(said);
        }
    }));
}

/// The sentence a panic on another thread left, once.
pub fn take_pending() -> Option<String> {
    PENDING.lock().ok()?.take()
}

/// Where reports go: the state folder (`~/.local/state/nlread` on Linux),
/// or the local data folder where the system has no state folder.
pub fn state_dir() -> Option<PathBuf> {
    crate::paths::state_dir()
}

/// Writes the report for `info` into `dir` and returns the sentence for
/// stderr: where the report is, or, when it could not be written, why and
/// the report itself.
fn report(info: &PanicHookInfo, dir: Option<&Path>) -> String {
    let message = panic_message(info);
    let location = info
        .location()
        .map_or_else(|| "an unknown place".to_string(), |l| l.to_string());
    let thread = std::thread::current();
    let thread = thread.name().unwrap_or("unnamed");
    let backtrace = std::backtrace::Backtrace::force_capture();
    let text = report_text(&message, &location, thread, &backtrace.to_string());
    let head = format!("nlread crashed: {message} at {location}.");
    match dir.ok_or_else(|| "no state folder is known".to_string()) {
        Ok(dir) => match write_report(dir, &text) {
            Ok(path) => format!("{head} A report was written to {}", path.display()),
            Err(e) => format!("{head} The report could not be written ({e}); here it is:\n{text}"),
        },
        Err(e) => format!("{head} The report could not be written ({e}); here it is:\n{text}"),
    }
}

fn panic_message(info: &PanicHookInfo) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    crate::text::sanitize(&text)
}

/// The report's text.
pub fn report_text(message: &str, location: &str, thread: &str, backtrace: &str) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "nlread {} crashed", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(text, "message: {message}");
    let _ = writeln!(text, "location: {location}");
    let _ = writeln!(text, "thread: {thread}");
    let _ = writeln!(
        text,
        "os: {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let _ = writeln!(text, "\nbacktrace:\n{backtrace}");
    text
}

/// Writes `text` to `crash-<unix time>.txt` in `dir` (created if missing),
/// never over an existing file: a second crash in the same second gets
/// `crash-<time>-2.txt`.
pub fn write_report(dir: &Path, text: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    for n in 1..1000 {
        let name = if n == 1 {
            format!("crash-{time}.txt")
        } else {
            format!("crash-{time}-{n}.txt")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(text.as_bytes())?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many crash reports this second"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_never_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let inner = dir.path().join("state/nlread");
        let a = write_report(&inner, "first").expect("written");
        let b = write_report(&inner, "second").expect("written");
        assert_ne!(a, b);
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "first");
        assert_eq!(std::fs::read_to_string(&b).expect("read"), "second");
        let name = a.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            name.starts_with("crash-") && name.ends_with(".txt"),
            "{name}"
        );
    }

    #[test]
    fn a_report_that_cannot_be_written_says_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "x").expect("write");
        assert!(write_report(&file, "text").is_err());
    }

    #[test]
    fn the_report_holds_what_matters() {
        let text = report_text("boom", "src/x.rs:1:2", "main", "0: frame");
        for part in [
            "nlread 0.",
            "message: boom",
            "location: src/x.rs:1:2",
            "thread: main",
            "0: frame",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
    }
}
