//! Issue 11, findings 3, 4, 5 and 13: nlread's own files under attack, with
//! the built binary. A FIFO or `/dev/zero` where nlread keeps `state.json`,
//! its backup, its lock or the parsed-library cache used to hang it, deaf
//! to Ctrl-C, SIGTERM and SIGHUP; a damaged cache aborted every start; a
//! `state.json` linked out of the data folder had its target renamed even
//! by `nlread list`. (Unit tests in `store` and `library::cache` cover the
//! same rules one by one.)

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{self, Tmux, quote};

/// A hang fails the test; a busy machine does not.
const DEADLINE: Duration = Duration::from_secs(30);

const LETTER: &str = "The Harbour Gazette\nMay 6, 2024\n\n\
# Tides turn early\n\nThe tide tables changed this spring.\n\n\
# Cranes on strike\n\nDock cranes stood still for a day.\n";

/// A home (XDG folders as `support::reader_command` sets them) and a letter.
fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("letter.txt"), LETTER).expect("letter");
    fs::create_dir_all(dir.path().join("data/nlread")).expect("data folder");
    dir
}

fn state(home: &Path) -> PathBuf {
    home.join("data/nlread/state.json")
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {path:?}");
}

/// `nlread ARGS` in `home`, killed (and the test failed) if it has not
/// ended within DEADLINE.
fn nlread_within(home: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_nlread"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nlread runs");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(out) => out.expect("output"),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            panic!("nlread {args:?} still ran after {DEADLINE:?}: it hangs");
        }
    }
}

#[test]
fn a_fifo_state_file_neither_hangs_the_reader_nor_deafens_it() {
    let Some(mut tmux) = Tmux::start("fifo-state") else {
        return;
    };
    let home = home();
    mkfifo(&state(home.path()));
    let letter = quote(&home.path().join("letter.txt"));
    let (command, status) = support::reader_command(home.path(), "", &letter);
    tmux.new_session(200, 30, &command);
    tmux.wait_for("Harbour Gazette");
    tmux.wait_for("not a regular file");
    // A change to save, then SIGTERM: the old reader waited for a writer
    // on the FIFO for ever and the signal changed nothing.
    tmux.keys(&["Enter", "s"]);
    tmux.wait_for("* Tides turn early");
    let pid = reader_pid(&tmux);
    let start = Instant::now();
    let killed = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(killed.is_ok_and(|s| s.success()));
    assert_eq!(support::wait_for_exit(&status), "EXIT=0");
    assert!(start.elapsed() < DEADLINE);
    let meta = fs::symlink_metadata(state(home.path())).expect("still there");
    assert!(meta.file_type().is_fifo_like(), "the FIFO is left alone");

    // The commands that read the state say it and finish.
    let out = nlread_within(
        home.path(),
        &[
            "list",
            &home.path().join("letter.txt").display().to_string(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

/// The pid of the reader running in the pane (the child of its shell).
fn reader_pid(tmux: &Tmux) -> String {
    let out = tmux.run(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let start = Instant::now();
    loop {
        let out = Command::new("pgrep")
            .args(["-P", &shell, "nlread"])
            .output()
            .expect("pgrep");
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !pid.is_empty() {
            return pid;
        }
        assert!(start.elapsed() < DEADLINE, "no reader process");
        std::thread::sleep(Duration::from_millis(20));
    }
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

#[test]
fn state_json_linked_to_dev_zero_is_refused_not_read_until_memory_runs_out() {
    let home = home();
    std::os::unix::fs::symlink("/dev/zero", state(home.path())).expect("symlink");
    let letter = home.path().join("letter.txt").display().to_string();
    let out = nlread_within(home.path(), &["export", &letter]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a regular file"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

/// A library folder of `n` small issues: enough files for the cache.
fn library(home: &Path, n: usize) -> PathBuf {
    let dir = home.join("letters");
    fs::create_dir_all(&dir).expect("mkdir");
    for i in 0..n {
        let text = format!("Letter {i}\nMay 6, 2024\n\n# Story {i}\n\nText of story {i}.\n");
        fs::write(dir.join(format!("letter-{i:03}.txt")), text).expect("write");
    }
    dir
}

/// The one parsed-library cache file in `home`'s cache folder.
fn cache_file(home: &Path) -> PathBuf {
    let dir = home.join("cache/nlread");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("cache folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.remove(0)
}

#[test]
fn a_damaged_cache_means_parsing_again_never_an_abort() {
    // Issue 11, finding 4: "memory allocation of 213305255788560 bytes
    // failed" and SIGABRT at every start until the cache was deleted.
    let home = home();
    let letters = library(home.path(), 70);
    let arg = letters.display().to_string();
    let first = nlread_within(home.path(), &["list", &arg]);
    assert!(first.status.success());
    let cache = cache_file(home.path());
    let good = fs::read(&cache).expect("cache");
    let huge = 213_305_255_788_560u64.to_le_bytes();
    let mut damages: Vec<Vec<u8>> = Vec::new();
    for at in [12usize, 36, good.len() / 2] {
        let mut bad = good.clone();
        bad[at..at + 8].copy_from_slice(&huge);
        damages.push(bad);
    }
    damages.push(good[..good.len() / 3].to_vec());
    damages.push(b"NLRCACHE".to_vec());
    for (i, bad) in damages.into_iter().enumerate() {
        fs::write(&cache, &bad).expect("damage");
        let out = nlread_within(home.path(), &["list", &arg]);
        assert!(
            out.status.success(),
            "damage {i}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, first.stdout, "damage {i}: the same library");
        assert_eq!(
            fs::read(&cache).expect("rebuilt"),
            good,
            "damage {i}: rebuilt"
        );
    }
    // A FIFO in its place: read past, never waited on.
    fs::remove_file(&cache).expect("rm");
    mkfifo(&cache);
    let out = nlread_within(home.path(), &["list", &arg]);
    assert!(out.status.success());
    assert_eq!(out.stdout, first.stdout);
}

#[test]
fn a_link_out_of_the_data_folder_is_never_renamed_or_written() {
    // Issue 11, finding 13: `nlread list` renamed the link's target to
    // `.corrupt-<t>`, and the reader then wrote JSON in its place.
    let home = home();
    let documents = home.path().join("documents");
    fs::create_dir_all(&documents).expect("mkdir");
    let notes = documents.join("notes.txt");
    let text = b"Shopping: bread, milk.\n";
    fs::write(&notes, text).expect("notes");
    std::os::unix::fs::symlink(&notes, state(home.path())).expect("symlink");
    let letter = home.path().join("letter.txt").display().to_string();
    for args in [vec!["list", &letter], vec!["export", &letter]] {
        let out = nlread_within(home.path(), &args);
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("left as it is"), "{args:?}: {stderr}");
        assert_eq!(fs::read(&notes).expect("notes kept"), text);
        let names: Vec<_> = fs::read_dir(&documents).expect("dir").flatten().collect();
        assert_eq!(names.len(), 1, "{args:?}: {names:?}");
    }
    if let Some(mut tmux) = Tmux::start("link-out") {
        let (command, status) =
            support::reader_command(home.path(), "", &quote(&home.path().join("letter.txt")));
        tmux.new_session(250, 30, &command);
        tmux.wait_for("left as it is");
        tmux.keys(&["Enter", "s"]);
        tmux.wait_for("* Tides turn early");
        tmux.keys(&["q"]);
        assert_eq!(support::wait_for_exit(&status), "EXIT=0");
        assert_eq!(fs::read(&notes).expect("notes kept"), text);
        let names: Vec<_> = fs::read_dir(&documents).expect("dir").flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
