//! The panic report end to end: the binary panics on purpose (the
//! `NLREAD_TEST_PANIC` test hook) in a real terminal; the terminal comes
//! back, stderr names the report, and the report holds the panic.

use crate::support::{self, Tmux};
use std::path::Path;

const ISSUE: &str = "The Letter\nMarch 4, 2024\n\n# Rates hold\n\nThe bank held its rate.\n";

/// Runs the reader with the hook set to `which`; returns the joined screen
/// after it exited and the exit line.
fn crash(which: &str, dir: &Path) -> (String, String) {
    let mut tmux = Tmux::start(&format!("crash-{which}")).expect("checked by the caller");
    let issue = dir.join("letter.txt");
    std::fs::write(&issue, ISSUE).expect("write");
    let (command, status) = support::reader_command(
        dir,
        &format!("NLREAD_TEST_PANIC={which}"),
        &support::quote(&issue),
    );
    let command = format!("{command}; echo PROMPT-IS-BACK");
    tmux.new_session(100, 30, &command);
    let exit = support::wait_for_exit(&status);
    let screen = tmux.wait("the shell after the reader", |s| {
        s.contains("PROMPT-IS-BACK")
    });
    assert!(
        !tmux.alternate_on(),
        "still in the alternate screen:\n{screen}"
    );
    (tmux.screen_joined(), exit)
}

/// The report's path as stderr gave it, checked to be in the state folder.
fn report_path(screen: &str, dir: &Path) -> std::path::PathBuf {
    let line = screen
        .lines()
        .find(|l| l.contains("nlread crashed:"))
        .unwrap_or_else(|| panic!("no crash line on the screen:\n{screen}"));
    let (_, path) = line
        .split_once("A report was written to ")
        .unwrap_or_else(|| panic!("no report path in {line:?}"));
    let path = std::path::PathBuf::from(path.trim());
    assert!(
        path.starts_with(dir.join("state").join("nlread")),
        "{path:?} is not in the state folder"
    );
    path
}

fn tmux_missing() -> bool {
    Tmux::start("probe").is_none()
}

#[test]
fn a_panic_in_the_ui_restores_the_terminal_and_writes_a_report() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (screen, exit) = crash("ui", dir.path());
    assert_eq!(exit, "EXIT=101", "{screen}");
    assert!(screen.contains("test panic in the UI"), "{screen}");
    // Where it happened: this crate's terminal loop.
    assert!(screen.contains("src/tui/mod.rs:"), "{screen}");
    let report = std::fs::read_to_string(report_path(&screen, dir.path())).expect("report");
    for part in [
        "message: test panic in the UI",
        "thread: main",
        "backtrace:",
        "location: src/tui/mod.rs:",
    ] {
        assert!(
            report.contains(part),
            "{part:?} missing from the report:\n{report}"
        );
    }
    // The reader's screen is gone: the crash line is on the normal screen.
    assert!(!screen.contains("Rates hold"), "{screen}");
}

#[test]
fn a_panic_in_the_worker_brings_the_reader_down_cleanly_with_a_report() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (screen, exit) = crash("worker", dir.path());
    assert_eq!(exit, "EXIT=2", "{screen}");
    let report = std::fs::read_to_string(report_path(&screen, dir.path())).expect("report");
    assert!(
        report.contains("message: test panic in the worker"),
        "{report}"
    );
    assert!(report.contains("thread: nlread-worker"), "{report}");
}

#[test]
fn an_unknown_hook_value_does_nothing() {
    if tmux_missing() {
        return;
    }
    let mut tmux = Tmux::start("crash-none").expect("tmux");
    let dir = tempfile::tempdir().expect("tempdir");
    let issue = dir.path().join("letter.txt");
    std::fs::write(&issue, ISSUE).expect("write");
    let (command, status) =
        support::reader_command(dir.path(), "NLREAD_TEST_PANIC=1", &support::quote(&issue));
    tmux.new_session(100, 30, &command);
    tmux.wait_for("Rates hold");
    tmux.keys(&["q"]);
    assert_eq!(support::wait_for_exit(&status), "EXIT=0");
    assert!(!dir.path().join("state").exists());
}
