//! Reading state end to end: the built reader in tmux with a temporary
//! HOME and XDG folders, quitting and starting again; a damaged state file;
//! a read-only data folder; SIGKILL in the middle of saves.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::tmux;
use tmux::{Tmux, wait_for_exit};

fn long_story() -> String {
    (1..=40)
        .map(|i| format!("Paragraph {i} of the long read goes on about harbours and cranes."))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn first_issue() -> String {
    format!(
        "The Quay Letter\nMay 6, 2024\n\n# Tides turn early\n\nThe tide tables changed this spring.\n\n\
         # Cranes on strike\n\nDock cranes stood still for a day.\n\n\
         # Ferry timetable\n\nThe night ferry runs again.\n\n\
         # The long read\n\n{}\n",
        long_story()
    )
}

const SECOND_ISSUE: &str = "\
Field Notes
May 1, 2024

# Swifts return

The first swifts were seen over the river.

# Moth night

Forty kinds of moth came to the lamp.
";

/// A home with a library folder holding the two issues; the reader's data
/// folder is `<home>/nlread`.
fn home_with_library() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("tempdir");
    let library = home.path().join("nlread/library");
    fs::create_dir_all(&library).expect("library folder");
    fs::write(library.join("quay.txt"), first_issue()).expect("issue");
    fs::write(library.join("field.txt"), SECOND_ISSUE).expect("issue");
    home
}

/// Waits for the whole library (its origin in the status line), not
/// only the first issues shown while a first launch reads the files: those
/// come in the order the files were read, so a key pressed then may open
/// another issue than the newest (it did, once, under load in CI).
fn wait_loaded(tmux: &Tmux) -> String {
    tmux.wait_for("2 issues from")
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The reader with no PATH (the library), all XDG folders in `home`;
/// `prefix` runs before it (e.g. to drop root). Returns the command and
/// the file its exit status lands in.
fn reader(home: &Path, prefix: &str) -> (String, PathBuf) {
    let status = home.join("status");
    let _ = fs::remove_file(&status);
    let d = quote(home);
    let command = format!(
        "{prefix} env HOME={d} XDG_DATA_HOME={d} XDG_CONFIG_HOME={d} XDG_CACHE_HOME={d} \
         XDG_STATE_HOME={d} {bin}; echo EXIT=$? > {status}",
        bin = quote(Path::new(env!("CARGO_BIN_EXE_nlread"))),
        status = quote(&status),
    );
    (command, status)
}

/// `state.json`: read once, on the first run, into the database.
fn state_path(home: &Path) -> PathBuf {
    home.join("nlread/state.json")
}

/// The reading-state database.
fn state_db(home: &Path) -> PathBuf {
    home.join("nlread/nlread-state.db")
}

/// What the reading-state database holds, read without changing it.
fn saved(home: &Path) -> nlread::model::ReadingState {
    nlread::db::state::StateDb::peek(&state_db(home))
        .unwrap_or_else(|e| panic!("the reading state reads: {e}"))
}

fn export(home: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_nlread"))
        .arg("export")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_CACHE_HOME", home)
        .output()
        .expect("export runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("export is JSON")
}

/// (read, starred) of the story titled `title` in the export.
fn marks(export: &serde_json::Value, title: &str) -> (bool, bool) {
    for issue in export["issues"].as_array().expect("issues") {
        for section in issue["sections"].as_array().expect("sections") {
            if section["title"] == title {
                return (
                    section["read"].as_bool().expect("read"),
                    section["starred"].as_bool().expect("starred"),
                );
            }
        }
    }
    panic!("no story {title:?} in the export");
}

/// The section-list line holding `title` (its marks come first).
fn line_with<'a>(screen: &'a str, title: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(title))
        .unwrap_or_else(|| panic!("{title:?} not on the screen:\n{screen}"))
}

#[test]
fn marks_and_the_place_survive_a_restart() {
    let Some(mut tmux) = Tmux::start("state-restart") else {
        return;
    };
    let home = home_with_library();
    let (command, status) = reader(home.path(), "");
    tmux.new_session(120, 30, &command);
    wait_loaded(&tmux);

    // The Quay Letter is newest: open it, read "Cranes on strike" (short:
    // its end is on screen at once), star "Ferry timetable" from the list.
    tmux.keys(&["Enter", "Down", "Enter"]);
    tmux.wait_for("Dock cranes stood still");
    // Esc alone: glued to the next key's escape sequence it would read as Alt.
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["Down", "s"]);
    tmux.wait_for("Starred");
    // Open the long read and page into its middle.
    tmux.keys(&["Down", "Enter", "Space", "Space"]);
    let screen = tmux.wait_for("Paragraph 2");
    let top = screen
        .lines()
        .filter_map(|l| l.split('│').find(|cell| cell.contains("Paragraph")))
        .next()
        .map(|cell| cell.trim().to_string())
        .expect("a paragraph at the top of the story pane");
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
    assert!(state_db(home.path()).is_file(), "saved on quit");
    assert!(!state_path(home.path()).exists(), "no state.json written");

    let exported = export(home.path());
    assert_eq!(marks(&exported, "Cranes on strike"), (true, false));
    assert_eq!(marks(&exported, "Ferry timetable"), (false, true));
    assert_eq!(marks(&exported, "Tides turn early"), (false, false));
    assert_eq!(marks(&exported, "The long read"), (false, false));

    // Again: the long read, at the same place, with the marks in the list.
    let (command, status) = reader(home.path(), "");
    tmux.run(&["respawn-pane", "-k", "-t", "main", &command]);
    let screen = tmux.wait_for(&top);
    assert!(screen.contains("N  The long read"), "{screen}");
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("Stories 4 · 3 unread");
    assert!(
        line_with(&screen, "Tides turn early").contains("N  Tides"),
        "{screen}"
    );
    assert!(
        line_with(&screen, "Cranes on strike").contains("   Cranes"),
        "{screen}"
    );
    assert!(
        line_with(&screen, "Ferry timetable").contains("N* Ferry"),
        "{screen}"
    );

    // n: the next unread after the long read is in the next issue.
    tmux.keys(&["n"]);
    // Its header names the issue above the story.
    let screen = tmux.wait_for("Field Notes · 2024-05-01");
    assert!(screen.contains("The first swifts"), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}

#[test]
fn a_damaged_state_file_is_moved_aside_and_reported() {
    let Some(mut tmux) = Tmux::start("state-damaged") else {
        return;
    };
    let home = home_with_library();
    let state = state_path(home.path());
    let damaged = br#"{"version":1,"stories":{"abc":{"read":tr"#;
    fs::write(&state, damaged).expect("damaged state");
    let (command, status) = reader(home.path(), "");
    tmux.new_session(160, 30, &command);
    let screen = tmux.wait_for("damaged");
    assert!(screen.contains("moved to"), "{screen}");
    tmux.keys(&["Enter", "Enter"]);
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");

    let aside: Vec<PathBuf> = fs::read_dir(home.path().join("nlread"))
        .expect("data folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("state.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        fs::read(&aside[0]).expect("aside"),
        damaged,
        "kept byte for byte"
    );
    // The story read is in the database, which the damaged file never
    // reached.
    assert_eq!(saved(home.path()).stories.len(), 1);
}

#[test]
fn a_damaged_state_database_is_moved_aside_and_the_backup_loaded() {
    let Some(mut tmux) = Tmux::start("state-db-damaged") else {
        return;
    };
    let home = home_with_library();
    // A first run reads a story; its first save keeps a backup of the
    // database as it was before (nothing), the second run's of the mark.
    let (command, status) = reader(home.path(), "");
    tmux.new_session(200, 30, &command);
    wait_loaded(&tmux);
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("Stories 4 · 3 unread");
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
    let read = saved(home.path());
    assert_eq!(read.stories.len(), 1);
    // The second run's first save backs up the first run's mark.
    let (command, status) = reader(home.path(), "");
    tmux.run(&["respawn-pane", "-k", "-t", "main", &command]);
    tmux.wait_for("Stories 4 · 3 unread");
    tmux.keys(&["s"]);
    tmux.wait("the star saved", |_| {
        nlread::db::state::StateDb::peek(&state_db(home.path()))
            .is_ok_and(|s| s.stories.values().any(|m| m.starred))
    });
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
    let db = state_db(home.path());
    let damaged = b"SQLite format 3\0 and then nothing a database holds";
    fs::write(&db, damaged).expect("damage");
    let (command, status) = reader(home.path(), "");
    tmux.run(&["respawn-pane", "-k", "-t", "main", &command]);
    let screen = tmux.wait_for("damaged");
    assert!(screen.contains("moved aside"), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
    let aside: Vec<PathBuf> = fs::read_dir(home.path().join("nlread"))
        .expect("data folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("nlread-state.db.corrupt-"))
        .filter(|p| {
            !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        fs::read(&aside[0]).expect("aside"),
        damaged,
        "kept byte for byte"
    );
    assert_eq!(
        saved(home.path()).stories,
        read.stories,
        "the backup's mark"
    );
}

/// As root, permission bits do not stop writes: run the reader as nobody.
fn unprivileged_prefix(home: &Path) -> String {
    let root = fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if !root {
        return String::new();
    }
    // nobody must be able to walk into the tempdir and read the library.
    let mut dir = Some(home);
    while let Some(d) = dir {
        if d == Path::new("/") {
            break;
        }
        let _ = Command::new("chmod").args(["a+rx"]).arg(d).status();
        dir = d.parent();
    }
    Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(home)
        .status()
        .expect("chmod");
    "setpriv --reuid=65534 --regid=65534 --clear-groups".to_string()
}

#[test]
fn a_read_only_data_folder_gives_a_warning_not_a_crash() {
    use std::os::unix::fs::PermissionsExt;
    let Some(mut tmux) = Tmux::start("state-readonly") else {
        return;
    };
    let home = home_with_library();
    let prefix = unprivileged_prefix(home.path());
    let data = home.path().join("nlread");
    fs::set_permissions(&data, fs::Permissions::from_mode(0o555)).expect("read-only");
    let (command, status) = reader(home.path(), &prefix);
    tmux.new_session(160, 30, &command);
    tmux.wait_for("The Quay Letter");
    // Reading a story to its end makes a change to save.
    tmux.keys(&["Enter", "Enter"]);
    let screen = tmux.wait_for("not saved");
    assert!(screen.contains("permission denied"), "{screen}");
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["Down"]);
    tmux.wait_for("Dock cranes stood still");
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
    assert!(!state_path(home.path()).exists());
    assert!(!state_db(home.path()).exists());
    fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).expect("writable again");
}

/// The pid of the reader running in the tmux pane (the child of its shell).
fn reader_pid(tmux: &Tmux) -> Option<String> {
    let shell = tmux.run(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&shell.stdout).trim().to_string();
    let out = Command::new("pgrep")
        .args(["-P", &shell, "nlread"])
        .output()
        .ok()?;
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!pid.is_empty()).then_some(pid)
}

/// Whether the process `pid` has ended (gone, or a zombie).
fn exited(pid: &str) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// Many times over: start the reader on a large state, change a mark so a
/// save starts about a second later, and SIGKILL the reader while it
/// writes. The reading-state database must always open whole (SQLite's
/// integrity check), with every seeded mark in it, and nothing may ever be
/// moved aside as damaged.
///
/// The write is seen by the kernel's file notifications (inotify, through
/// notify) on the database's files, not by looking at the folder in a
/// loop; the kill follows at staggered delays.
#[test]
fn sigkill_during_saves_never_leaves_a_broken_state_database() {
    use notify::{EventKind, RecursiveMode, Watcher};
    const ROUNDS: u64 = 8;
    const SEEDED: usize = 200_000;
    let Some(mut tmux) = Tmux::start("state-sigkill") else {
        return;
    };
    let home = home_with_library();
    let data = home.path().join("nlread");
    // Seeded as state.json: the first start copies it into the database.
    let mut seeded = nlread::model::ReadingState::new();
    for i in 0..SEEDED {
        seeded.set_read(&format!("seeded-story-{i:08}"), true, 1);
    }
    fs::write(
        state_path(home.path()),
        serde_json::to_vec(&seeded).expect("json"),
    )
    .expect("seed");

    let (written, writes) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && matches!(event.kind, EventKind::Modify(_) | EventKind::Create(_))
        {
            for path in event.paths {
                if path.to_string_lossy().contains("nlread-state.db") {
                    let _ = written.send(path);
                }
            }
        }
    })
    .expect("watcher");
    watcher
        .watch(&data, RecursiveMode::NonRecursive)
        .expect("watch the data folder");

    let (command, _status) = reader(home.path(), "");
    tmux.new_session(120, 30, &command);
    for round in 0..ROUNDS {
        tmux.wait_for("The Quay Letter");
        let pid = {
            let start = Instant::now();
            loop {
                if let Some(pid) = reader_pid(&tmux) {
                    break pid;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "no reader process"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        };
        // The copy of state.json (first round) is done before the list is
        // drawn? Not necessarily: wait until the database holds it.
        let start = Instant::now();
        while nlread::db::state::StateDb::peek(&state_db(home.path()))
            .map_or(true, |s| s.stories.len() < SEEDED)
        {
            assert!(start.elapsed() < Duration::from_secs(120), "not migrated");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        while writes.try_recv().is_ok() {}
        // m toggles the selected story: a change, saved after the debounce.
        tmux.keys(&["m"]);
        writes
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("round {round}: no write within 60 s"));
        // Staggered: inside the transaction, around the commit.
        std::thread::sleep(Duration::from_millis((round % 8) * 2));
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .expect("kill");
        let start = Instant::now();
        while !exited(&pid) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "SIGKILL did not end it"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let db = state_db(home.path());
        let conn = rusqlite::Connection::open(&db).expect("opens");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity check runs");
        assert_eq!(check, "ok", "round {round}");
        drop(conn);
        let read = nlread::db::state::StateDb::peek(&db)
            .unwrap_or_else(|e| panic!("round {round}: the state database broken: {e}"));
        assert!(read.stories.len() >= SEEDED, "round {round}: marks lost");
        assert!(
            !fs::read_dir(&data)
                .expect("data folder")
                .flatten()
                .any(|e| e.file_name().to_string_lossy().contains("corrupt")),
            "round {round}: nothing was ever damaged"
        );
        // Start the reader again for the next round.
        tmux.run(&["respawn-pane", "-k", "-t", "main", &command]);
    }
}

#[test]
fn a_new_issue_in_the_library_folder_shows_up_without_a_restart() {
    let Some(mut tmux) = Tmux::start("watch") else {
        return;
    };
    let home = home_with_library();
    let (command, status) = reader(home.path(), "");
    tmux.new_session(120, 30, &command);
    tmux.wait_for("Issues 2");
    // Open a story: the reader must stay on it when the library reloads.
    tmux.keys(&["Enter", "Down", "Enter"]);
    tmux.wait_for("Dock cranes stood still");
    let library = home.path().join("nlread/library");
    // Written under a hidden name and renamed, as a mail client or `nlread
    // add` would: the reader never sees half a file.
    let tmp = library.join(".incoming");
    fs::write(
        &tmp,
        "Night Shift\nJune 2, 2030\n\n# Lamps on the pier\n\nNew lamps were fitted.\n",
    )
    .expect("write");
    fs::rename(&tmp, library.join("night.txt")).expect("rename");
    let screen = tmux.wait_for("Issues 3");
    assert!(screen.contains("1 new issue"), "{screen}");
    assert!(screen.contains("2030-06-02 Lamps on the pier"), "{screen}");
    assert!(
        screen.contains("Dock cranes stood still"),
        "still on the story:\n{screen}"
    );
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}
