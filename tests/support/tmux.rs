//! A tmux server per test for the real-terminal tests: start the built
//! binary in it, type keys, read the screen back with `capture-pane`.
//! Skipped (loudly) when tmux is missing, unless CI is set, where a missing
//! tmux fails.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Generous: the machine may be busy with other tests. 15 s was once too
/// short for the hostile suite's link test while the whole suite ran
/// beside other builds; a wait that succeeds returns at once, so a long
/// deadline costs nothing.
pub const TIMEOUT: Duration = Duration::from_secs(45);

/// A tmux server of our own (unique socket, no user config), killed on drop
/// so a failing test never leaves it running.
pub struct Tmux {
    pub socket: String,
    /// The socket file, removed on drop: tmux leaves it behind otherwise.
    socket_path: Option<PathBuf>,
}

impl Tmux {
    /// None when tmux is not installed and the test may be skipped.
    pub fn start(name: &str) -> Option<Tmux> {
        let found = Command::new("tmux").arg("-V").output().is_ok();
        if !found {
            if std::env::var_os("CI").is_some() {
                panic!("tmux is required for the real-terminal test when CI is set");
            }
            eprintln!("SKIPPED {name}: tmux is not installed");
            return None;
        }
        Some(Tmux {
            socket: format!("nlread-test-{}-{name}", std::process::id()),
            socket_path: None,
        })
    }

    /// Runs a tmux command, whatever its status.
    pub fn try_run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Runs a tmux command that must succeed.
    pub fn run(&self, args: &[&str]) -> Output {
        let output = self.try_run(args);
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Starts the one session, `width` x `height`, running `command`.
    pub fn new_session(&mut self, width: u16, height: u16, command: &str) {
        let (w, h) = (width.to_string(), height.to_string());
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            &w,
            "-y",
            &h,
            "sh",
            "-c",
            command,
        ]);
        let path = self
            .run(&["display-message", "-p", "#{socket_path}"])
            .stdout;
        let path = String::from_utf8_lossy(&path).trim().to_string();
        self.socket_path = (!path.is_empty()).then(|| PathBuf::from(path));
        // The pane stays when its command ends: its last screen can be read
        // and the reader started again in it (`respawn-pane`).
        self.run(&["set-option", "-g", "remain-on-exit", "on"]);
    }

    /// The screen and the 100 lines above it, wrapped lines joined back.
    pub fn screen_joined(&self) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["capture-pane", "-p", "-J", "-S", "-100", "-t", "main"])
                .stdout,
        )
        .into_owned()
    }

    /// Polls the screen every 50 ms until `done` says yes; fails after
    /// TIMEOUT, naming `what` and showing the screen.
    pub fn wait(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.wait_until(what, TIMEOUT, Duration::from_millis(50), done)
    }

    pub fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        self.run(&["resize-window", "-t", "main", "-x", &w, "-y", &h]);
    }

    /// Whether the pane is in the alternate screen.
    pub fn alternate_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "main", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "main"]).stdout)
            .into_owned()
    }

    /// Polls the screen until `needle` is on it; fails with the screen.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, TIMEOUT, Duration::from_millis(50), |s| {
            s.contains(needle)
        })
    }

    /// Polls the screen every `every` until `done` says yes; fails after
    /// `timeout`, naming `what` and showing the screen.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        every: Duration,
        done: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("{what:?} did not appear within {timeout:?}; the screen:\n{screen}");
            }
            std::thread::sleep(every);
        }
    }

    pub fn wait_until_gone(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!("{needle:?} stayed on the screen; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend(keys);
        self.run(&args);
    }

    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "main", "-l", text]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // The server may already be gone (its only session ended): ignore.
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Waits for the shell line `echo EXIT=$? > status` to have run.
pub fn wait_for_exit(status: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(status)
            && text.ends_with('\n')
        {
            return text.trim().to_string();
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "the reader did not exit within {TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
