//! Faults in the files nlread keeps (issue 6, "State and files"): a full
//! disk, permissions, a folder or a dangling link in place of state.json,
//! damaged JSON and a damaged backup, two readers at once, many savers at
//! once, and a broken config.toml. For each: what the user saved is intact
//! or recoverable (backup, aside file), the reader keeps running or the
//! command still works, and the user is told in words.
//!
//! SIGKILL in the middle of a save is proved in tests/e2e_state.rs
//! (`sigkill_during_saves_never_leaves_a_broken_state_file`), and a
//! read-only data folder in the reader in the same file; they are not
//! repeated here.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use crate::support::{self, Tmux, quote};
use nlread::model::ReadingState;

const LETTER: &str = "The Harbour Gazette\nMay 6, 2024\n\n\
# Tides turn early\n\nThe tide tables changed this spring.\n\n\
# Cranes on strike\n\nDock cranes stood still for a day.\n\n\
# Ferry timetable\n\nThe night ferry runs again.\n";

/// A temporary home: every XDG folder inside it (as `reader_command` sets
/// them) and one newsletter file.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("letter.txt"), LETTER).expect("letter");
        fs::create_dir_all(dir.path().join("data/nlread")).expect("data folder");
        Home { dir }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn data(&self) -> PathBuf {
        self.path().join("data/nlread")
    }
    /// `state.json`: read (once) when the reading-state database is made.
    fn state(&self) -> PathBuf {
        self.data().join("state.json")
    }
    /// The reading-state database.
    fn db(&self) -> PathBuf {
        self.data().join("nlread-state.db")
    }
    /// Back to before the database: the next start copies state.json in.
    fn forget_database(&self) {
        for name in self.data_names() {
            if name.starts_with("nlread-state.db") {
                fs::remove_file(self.data().join(name)).expect("rm");
            }
        }
    }
    fn config(&self) -> PathBuf {
        self.path().join("config/nlread/config.toml")
    }
    fn letter(&self) -> PathBuf {
        self.path().join("letter.txt")
    }
    /// Names in the data folder, sorted.
    fn data_names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.data())
            .expect("data folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// The words that run a command as nobody when we are root (root ignores
/// permission bits), after opening `home` to nobody; empty otherwise.
fn unprivileged(home: &Path) -> Vec<&'static str> {
    if !root() {
        return Vec::new();
    }
    let mut dir = Some(home);
    while let Some(d) = dir {
        if d == Path::new("/") {
            break;
        }
        let _ = Command::new("chmod").arg("a+rx").arg(d).status();
        dir = d.parent();
    }
    Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(home)
        .status()
        .expect("chmod");
    vec![
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ]
}

/// `nlread ARGS` with the home's folders, run through `prefix`.
fn nlread(home: &Home, prefix: &[&str], args: &[&str]) -> Output {
    let bin = env!("CARGO_BIN_EXE_nlread");
    let mut command = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    let d = home.path();
    command
        .args(args)
        .env("HOME", d)
        .env("XDG_DATA_HOME", d.join("data"))
        .env("XDG_CONFIG_HOME", d.join("config"))
        .env("XDG_CACHE_HOME", d.join("cache"))
        .env("XDG_STATE_HOME", d.join("state"))
        .output()
        .expect("nlread runs")
}

/// `nlread export LETTER`: (section id, title, read, starred) per story,
/// and stderr. The command must succeed.
fn export(home: &Home, prefix: &[&str]) -> (Vec<(String, String, bool, bool)>, String) {
    let letter = home.letter().display().to_string();
    let out = nlread(home, prefix, &["export", &letter]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "export failed: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut stories = Vec::new();
    for issue in json["issues"].as_array().expect("issues") {
        for s in issue["sections"].as_array().expect("sections") {
            stories.push((
                s["id"].as_str().expect("id").to_string(),
                s["title"].as_str().expect("title").to_string(),
                s["read"].as_bool().expect("read"),
                s["starred"].as_bool().expect("starred"),
            ));
        }
    }
    (stories, stderr)
}

/// The ids of the letter's three stories, in order.
fn story_ids(home: &Home) -> Vec<String> {
    let (stories, _) = export(home, &[]);
    assert_eq!(stories.len(), 3, "{stories:?}");
    stories.into_iter().map(|(id, ..)| id).collect()
}

/// State JSON with the given stories read.
fn state_json(read: &[&str]) -> Vec<u8> {
    let mut state = ReadingState::new();
    for (i, id) in read.iter().enumerate() {
        state.set_read(id, true, 1000 + i as u64);
    }
    serde_json::to_vec(&state).expect("json")
}

fn read_state(path: &Path) -> ReadingState {
    serde_json::from_slice(&fs::read(path).expect("state file")).expect("valid state")
}

/// What the reading-state database holds.
fn saved(home: &Home) -> ReadingState {
    support::saved_state(&home.db())
}

/// The reader on the letter in tmux (through `prefix`): waits for `said`
/// in the status line, stars the first story, shows the next one (the
/// reader answers keys), quits with q; returns the screen after the exit
/// (stderr included).
fn reader_run(home: &Home, name: &str, prefix: &[&str], said: &[&str]) -> String {
    let mut tmux = Tmux::start(name).expect("tmux checked by the caller");
    let (command, status) = support::reader_command(home.path(), "", &quote(&home.letter()));
    let _ = fs::remove_file(&status);
    let command = format!("{} {command}", prefix.join(" "));
    tmux.new_session(250, 30, &command);
    tmux.wait_for("Harbour Gazette");
    if !said.is_empty() {
        // The status line counts the problems; `!` lists them, q closes.
        tmux.keys(&["!"]);
        for words in said {
            tmux.wait_for(words);
        }
        tmux.keys(&["q"]);
        tmux.wait_until_gone(" Messages ");
    }
    tmux.keys(&["Enter"]);
    tmux.keys(&["s"]);
    // The list's mark, not the status line: a save's message may follow.
    tmux.wait_for("* Tides turn early");
    tmux.keys(&["Down"]);
    // The story pane follows the selection: the reader is alive.
    tmux.wait_for("Dock cranes stood still");
    tmux.keys(&["q"]);
    assert_eq!(support::wait_for_exit(&status), "EXIT=0");
    tmux.screen_joined()
}

fn tmux_missing() -> bool {
    Tmux::start("probe").is_none()
}

// ---- a full disk -------------------------------------------------------

/// A tmpfs mounted on a folder, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Option<Mount> {
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .ok()?;
        out.status.success().then(|| Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the disk under `dir` to the last byte with a file named `name`.
fn fill(dir: &Path, name: &str) {
    use std::io::Write;
    let mut file = fs::File::create(dir.join(name)).expect("filler");
    let block = [b'x'; 1024];
    while file.write_all(&block).is_ok() {}
    while file.write_all(&block[..1]).is_ok() {}
}

#[test]
fn a_full_disk_keeps_the_old_state_and_the_reader_runs() {
    if tmux_missing() {
        return;
    }
    let home = Home::new();
    let ids = story_ids(&home);
    // Room for the reading-state database with its WAL and shared-memory
    // files once the filler goes; none while it is there.
    let Some(mount) = Mount::tmpfs(&home.data(), "1m") else {
        println!("SKIPPED a_full_disk...: mounting a tmpfs is not permitted here");
        return;
    };
    // Enough marks that the next save needs room a full disk lacks.
    let mut seeded: Vec<String> = (0..300).map(|i| format!("seeded-{i:05}")).collect();
    seeded.push(ids[1].clone());
    let seeded_refs: Vec<&str> = seeded.iter().map(String::as_str).collect();
    let old = state_json(&seeded_refs);
    fs::write(home.state(), &old).expect("seed");
    fill(&home.data(), "filler");

    let mut tmux = Tmux::start("full-disk").expect("tmux");
    let (command, status) = support::reader_command(home.path(), "", &quote(&home.letter()));
    tmux.new_session(250, 30, &command);
    tmux.wait_for("Harbour Gazette");
    tmux.keys(&["Enter", "s"]);
    // The start said the database could not be made; the star's save says
    // it is not saved.
    let screen = tmux.wait_for("reading state not saved");
    assert!(screen.contains("the disk is full"), "{screen}");
    assert_eq!(fs::read(home.state()).expect("state"), old, "intact");
    assert!(
        !home.data_names().iter().any(|n| n.contains(".tmp-")),
        "temporary removed: {:?}",
        home.data_names()
    );
    // Still reading.
    tmux.keys(&["Down"]);
    tmux.wait_for("Dock cranes stood still");
    // Room again: the next save writes the star from before too, and the
    // marks of state.json (the database could not be made before).
    fs::remove_file(home.data().join("filler")).expect("free");
    tmux.keys(&["Down", "s"]);
    tmux.wait("the second star saved", |_| {
        home.db().is_file()
            && nlread::db::state::StateDb::peek(&home.db()).is_ok_and(|s| s.is_starred(&ids[2]))
    });
    let now = saved(&home);
    assert!(now.is_starred(&ids[0]), "the star made on a full disk");
    assert!(now.is_read(&ids[1]) && now.is_read("seeded-00299"));
    // Full again at quit: the final save fails, and stderr says so.
    fill(&home.data(), "filler2");
    tmux.keys(&["Up", "Up", "m"]);
    tmux.keys(&["q"]);
    assert_eq!(support::wait_for_exit(&status), "EXIT=0");
    let after = tmux.screen_joined();
    assert!(
        after.contains("nlread: reading state not saved") && after.contains("the disk is full"),
        "{after}"
    );
    assert!(saved(&home).is_starred(&ids[2]), "still whole");
    assert_eq!(
        fs::read(home.state()).expect("state"),
        old,
        "state.json intact"
    );
    assert!(!home.data_names().iter().any(|n| n.contains(".tmp-")));
    drop(tmux);
    drop(mount);
}

// ---- damaged, missing and unreadable state files ------------------------

/// One way state.json can be found, set up in `home`; `said` are words the
/// user must be told; `kept` says the marks of the backup come back.
struct Damage {
    name: &'static str,
    said: &'static [&'static str],
    backup_loaded: bool,
    make: fn(&Home, &[u8]),
}

fn damages() -> Vec<Damage> {
    fn cut(home: &Home, good: &[u8], at: usize) {
        fs::write(home.state(), &good[..at]).expect("write");
    }
    vec![
        Damage {
            name: "truncated after one byte",
            said: &["damaged", "moved to", "backup was loaded"],
            backup_loaded: true,
            make: |h, good| cut(h, good, 1),
        },
        Damage {
            name: "truncated in a key",
            said: &["damaged", "ends in the middle", "backup was loaded"],
            backup_loaded: true,
            make: |h, good| cut(h, good, good.len() / 3),
        },
        Damage {
            name: "truncated before the last brace",
            said: &["damaged", "backup was loaded"],
            backup_loaded: true,
            make: |h, good| cut(h, good, good.len() - 1),
        },
        Damage {
            name: "empty",
            said: &["the file is empty", "backup was loaded"],
            backup_loaded: true,
            make: |h, _| fs::write(h.state(), b"").expect("write"),
        },
        Damage {
            name: "binary garbage",
            said: &["not valid JSON", "backup was loaded"],
            backup_loaded: true,
            make: |h, _| {
                let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 131 % 251) as u8).collect();
                fs::write(h.state(), garbage).expect("write")
            },
        },
        Damage {
            name: "a folder",
            said: &["it is a folder, not a file", "new marks are saved"],
            backup_loaded: false,
            make: |h, _| fs::create_dir(h.state()).expect("mkdir"),
        },
        Damage {
            name: "a link to nowhere",
            said: &["which does not exist", "backup"],
            backup_loaded: true,
            make: |h, _| {
                std::os::unix::fs::symlink(h.path().join("gone/state.json"), h.state())
                    .expect("symlink")
            },
        },
        Damage {
            name: "damaged, and the backup too",
            said: &["damaged too", "starting with no stories read"],
            backup_loaded: false,
            make: |h, good| {
                cut(h, good, good.len() / 2);
                fs::write(h.data().join("state.json.bak"), b"\x00\x01{").expect("bak");
            },
        },
    ]
}

/// Everything in the data folder, name -> bytes (folders and links as
/// markers), to compare before and after.
fn snapshot(home: &Home) -> Vec<(String, Vec<u8>)> {
    home.data_names()
        .into_iter()
        .map(|name| {
            let path = home.data().join(&name);
            let meta = fs::symlink_metadata(&path).expect("meta");
            let bytes = if meta.is_dir() {
                b"<folder>".to_vec()
            } else if meta.file_type().is_symlink() {
                format!("<link {:?}>", fs::read_link(&path).expect("link")).into_bytes()
            } else {
                fs::read(&path).expect("read")
            };
            (name, bytes)
        })
        .collect()
}

/// Each damage, seen by `nlread export` (works, says it, backup marks
/// back) and by the reader (says it, keeps running, quits with 0); the
/// damaged bytes are kept byte for byte in the aside file or in place.
#[test]
fn every_damaged_state_file_is_said_kept_and_survived() {
    let tmux = !tmux_missing();
    for damage in damages() {
        let home = Home::new();
        let ids = story_ids(&home);
        // state.json damaged when the database is first made.
        home.forget_database();
        let good = state_json(&[&ids[0], &ids[2]]);
        fs::write(home.data().join("state.json.bak"), &good).expect("backup");
        (damage.make)(&home, &good);
        let before = snapshot(&home);
        let damaged = before
            .iter()
            .find(|(n, _)| n == "state.json")
            .map(|(_, b)| b.clone())
            .expect("state.json in some form");

        let (stories, stderr) = export(&home, &[]);
        for words in damage.said {
            assert!(stderr.contains(words), "{}: {stderr:?}", damage.name);
        }
        let read: Vec<bool> = stories.iter().map(|s| s.2).collect();
        let expected = if damage.backup_loaded {
            vec![true, false, true]
        } else {
            vec![false, false, false]
        };
        assert_eq!(read, expected, "{}: {stderr}", damage.name);

        // The damaged bytes are somewhere: moved aside, or left in place.
        let after = snapshot(&home);
        assert!(
            after.iter().any(|(_, b)| *b == damaged),
            "{}: the damaged file is gone: {:?}",
            damage.name,
            home.data_names()
        );
        let bak = |s: &[(String, Vec<u8>)]| {
            s.iter()
                .find(|(n, _)| n == "state.json.bak")
                .map(|(_, b)| b.clone())
        };
        assert_eq!(
            bak(&after),
            bak(&before),
            "{}: backup untouched",
            damage.name
        );

        if tmux {
            // The reader on the same damage (made afresh).
            let home = Home::new();
            fs::write(home.data().join("state.json.bak"), &good).expect("backup");
            (damage.make)(&home, &good);
            let name = format!("damage-{}", damage.name.replace([' ', ','], "-"));
            let screen = reader_run(&home, &name, &[], &damage.said[..1]);
            assert!(!screen.contains("panicked"), "{}: {screen}", damage.name);
        }
    }
}

/// Permission denied on state.json, as nobody when root: the reader and
/// the command run, say it, and the file is left exactly as it was.
#[test]
fn permission_denied_on_the_state_file_is_said_and_left_alone() {
    let home = Home::new();
    let ids = story_ids(&home);
    home.forget_database();
    let good = state_json(&[&ids[1]]);
    fs::write(home.state(), &good).expect("seed");
    let prefix = unprivileged(home.path());
    fs::set_permissions(home.state(), fs::Permissions::from_mode(0o000)).expect("chmod");

    let (stories, stderr) = export(&home, &prefix);
    assert!(stderr.contains("permission denied"), "{stderr}");
    assert!(stderr.contains("its marks wait in it"), "{stderr}");
    assert!(stories.iter().all(|s| !s.2), "nothing could be read");
    if !tmux_missing() {
        // Said at every start until it can be read; new marks are saved.
        let screen = reader_run(&home, "state-denied", &prefix, &["permission denied"]);
        assert!(!screen.contains("not saved"), "{screen}");
        assert!(saved(&home).is_starred(&ids[0]), "the star is saved");
    }
    fs::set_permissions(home.state(), fs::Permissions::from_mode(0o600)).expect("chmod back");
    assert_eq!(fs::read(home.state()).expect("state"), good, "untouched");
    let names: Vec<String> = home
        .data_names()
        .into_iter()
        .filter(|n| n.starts_with("state.json"))
        .collect();
    assert_eq!(names, vec!["state.json".to_string()]);
    // Readable again: its mark is copied in at the next start, beside the star.
    let (stories, _) = export(&home, &[]);
    assert!(stories[1].2 && stories[0].3, "{stories:?}");
}

/// A read-only data folder with a damaged state file: it cannot be moved
/// aside, so it is left, said, and the command still prints its JSON.
/// (The reader in a read-only folder: tests/e2e_state.rs.)
#[test]
fn a_read_only_folder_with_a_damaged_file_leaves_it_and_says_so() {
    let home = Home::new();
    fs::write(home.state(), b"{\"version\":1,\"sto").expect("damaged");
    let prefix = unprivileged(home.path());
    fs::set_permissions(home.data(), fs::Permissions::from_mode(0o555)).expect("chmod");
    let out = nlread(
        &home,
        &prefix,
        &["export", &home.letter().display().to_string()],
    );
    fs::set_permissions(home.data(), fs::Permissions::from_mode(0o755)).expect("chmod back");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("could not be moved aside"), "{stderr}");
    assert!(stderr.contains("permission denied"), "{stderr}");
    assert_eq!(
        fs::read(home.state()).expect("state"),
        b"{\"version\":1,\"sto"
    );
}

// ---- several writers ------------------------------------------------------

/// Two readers in two panes star different stories and quit, in one order
/// and then the other: both stars are on disk each time.
#[test]
fn two_readers_quitting_in_either_order_keep_the_union() {
    if tmux_missing() {
        return;
    }
    for (round, first) in [("ab", 0usize), ("ba", 1)] {
        let home = Home::new();
        let ids = story_ids(&home);
        let mut tmux = Tmux::start(&format!("two-{round}")).expect("tmux");
        let (command, _) = support::reader_command(home.path(), "", &quote(&home.letter()));
        // Each pane writes its own exit file.
        let pane = |n: usize| {
            let status = home.path().join(format!("status-{n}"));
            let c = command.replace(&quote(&home.path().join("status")), &quote(&status));
            (c, status)
        };
        let (one, one_status) = pane(0);
        let (two, two_status) = pane(1);
        tmux.new_session(200, 50, &one);
        tmux.run(&["split-window", "-v", "-t", "main", "sh", "-c", &two]);
        let target = |n: usize| format!("main:0.{n}");
        let capture = |n: usize| {
            String::from_utf8_lossy(&tmux.run(&["capture-pane", "-p", "-t", &target(n)]).stdout)
                .into_owned()
        };
        let wait = |n: usize, needle: &str| {
            let start = std::time::Instant::now();
            while !capture(n).contains(needle) {
                assert!(
                    start.elapsed() < Duration::from_secs(15),
                    "{needle:?} not in pane {n}:\n{}",
                    capture(n)
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        };
        let keys = |n: usize, k: &[&str]| {
            let t = target(n);
            let mut args = vec!["send-keys", "-t", t.as_str()];
            args.extend(k);
            tmux.run(&args);
        };
        wait(0, "Harbour Gazette");
        wait(1, "Harbour Gazette");
        // Pane 0 stars the first story, pane 1 the third.
        keys(0, &["Enter", "s"]);
        keys(1, &["Enter", "Down", "Down", "s"]);
        wait(0, "* Tides turn early");
        wait(1, "* Ferry timetable");
        let statuses = [&one_status, &two_status];
        keys(first, &["q"]);
        assert_eq!(support::wait_for_exit(statuses[first]), "EXIT=0");
        keys(1 - first, &["q"]);
        assert_eq!(support::wait_for_exit(statuses[1 - first]), "EXIT=0");
        let saved = saved(&home);
        assert!(
            saved.is_starred(&ids[0]) && saved.is_starred(&ids[2]),
            "round {round}: {saved:?}"
        );
        assert!(!saved.is_starred(&ids[1]), "round {round}");
    }
}

const CHILD_VAR: &str = "NLREAD_FAULTS_SAVER";

/// Not a test on its own: the body of each process of
/// `many_processes_saving_at_once_never_lose_a_mark`, run when CHILD_VAR
/// names the state file ("<path>|<process number>").
#[test]
fn saver_process() {
    let Ok(spec) = std::env::var(CHILD_VAR) else {
        return;
    };
    let (path, n) = spec.split_once('|').expect("path|n");
    std::thread::scope(|scope| {
        for t in 0..2 {
            let path = PathBuf::from(path);
            scope.spawn(move || {
                let mut file = nlread::store::StateFile::new(path);
                let (mut state, _) = file.load();
                for i in 0..SAVES {
                    let at = nlread::store::now_millis();
                    state.set_read(&format!("p{n}-t{t}-{i}"), true, at);
                    state = file.save(&state).expect("save");
                }
            });
        }
    });
}

const PROCESSES: usize = 4;
const SAVES: usize = 20;

#[test]
fn many_processes_saving_at_once_never_lose_a_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let exe = std::env::current_exe().expect("test binary");
    let children: Vec<_> = (0..PROCESSES)
        .map(|n| {
            Command::new(&exe)
                .args(["--exact", "faults::saver_process", "--test-threads=1"])
                .env(CHILD_VAR, format!("{}|{n}", path.display()))
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("child")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("child ends");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && said.contains("1 passed"), "{said}");
    }
    let state = read_state(&path);
    assert_eq!(state.stories.len(), PROCESSES * 2 * SAVES);
    let left: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".bak-") || n.contains("corrupt"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

const DB_CHILD_VAR: &str = "NLREAD_FAULTS_DB_SAVER";

/// Not a test on its own: the body of each process of
/// `many_processes_marking_in_the_database_at_once_never_lose_a_mark`, run
/// when DB_CHILD_VAR names the database ("<path>|<process number>"): two
/// readers' savers per process, each marking one story per save.
#[test]
fn db_saver_process() {
    use nlread::store::StateStore;
    let Ok(spec) = std::env::var(DB_CHILD_VAR) else {
        return;
    };
    let (path, n) = spec.split_once('|').expect("path|n");
    std::thread::scope(|scope| {
        for t in 0..2 {
            let path = PathBuf::from(path);
            scope.spawn(move || {
                let mut db = nlread::db::state::StateDb::new(path, None);
                let (mut state, _) = db.load();
                for i in 0..SAVES {
                    let at = nlread::store::now_millis();
                    let id = format!("p{n}-t{t}-{i}");
                    state.set_read(&id, true, at);
                    let changed: std::collections::HashSet<String> = [id].into_iter().collect();
                    db.save(&mut state, &changed).expect("save");
                }
            });
        }
    });
}

/// Readers marking at once, in processes of their own, through the
/// reading-state database: SQLite's lock and the busy timeout make them
/// take turns, and every mark is kept; each reader also hears of the
/// others' marks.
#[test]
fn many_processes_marking_in_the_database_at_once_never_lose_a_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nlread-state.db");
    let exe = std::env::current_exe().expect("test binary");
    let children: Vec<_> = (0..PROCESSES)
        .map(|n| {
            Command::new(&exe)
                .args(["--exact", "faults::db_saver_process", "--test-threads=1"])
                .env(DB_CHILD_VAR, format!("{}|{n}", path.display()))
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("child")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("child ends");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && said.contains("1 passed"), "{said}");
    }
    let state = support::saved_state(&path);
    assert_eq!(state.stories.len(), PROCESSES * 2 * SAVES);
    let conn = rusqlite::Connection::open(&path).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
}

// ---- config.toml ----------------------------------------------------------

/// Size, modification time and (for files) bytes: equal before and after
/// means nlread did not write it.
fn fingerprint(path: &Path) -> (u64, SystemTime, Vec<u8>) {
    let meta = fs::symlink_metadata(path).expect("config");
    let bytes = if meta.is_file() {
        fs::read(path).unwrap_or_default()
    } else {
        Vec::new()
    };
    (meta.len(), meta.modified().expect("mtime"), bytes)
}

#[test]
fn a_broken_config_gives_the_defaults_with_a_message_and_is_never_written() {
    type Make = fn(&Path);
    let cases: Vec<(&str, Make, &str)> = vec![
        (
            "a folder",
            |p| fs::create_dir(p).expect("mkdir"),
            "it is a folder",
        ),
        (
            "binary",
            |p| fs::write(p, b"\x7fELF\x02\x01\x00\xff\xfe\x00garbage").expect("write"),
            "not UTF-8",
        ),
        (
            "binary but UTF-8",
            |p| fs::write(p, "\u{0}\u{1}[[[\u{7f}=\n").expect("write"),
            "not valid TOML",
        ),
        (
            "truncated in a table name",
            |p| fs::write(p, "[library]\nsort = \"date\"\n[rea").expect("write"),
            "not valid TOML",
        ),
        (
            "truncated in a string",
            |p| fs::write(p, "[keys]\nquit = [\"x").expect("write"),
            "not valid TOML",
        ),
        (
            "truncated in a list",
            |p| fs::write(p, "[keys]\nquit = [\"x\", ").expect("write"),
            "not valid TOML",
        ),
        (
            "huge (10 MB)",
            |p| {
                let line = "# a note to self about newsletters\n";
                fs::write(p, line.repeat(10 * 1024 * 1024 / line.len())).expect("write")
            },
            "larger than",
        ),
    ];
    let tmux = !tmux_missing();
    for (name, make, said) in cases {
        let home = Home::new();
        fs::create_dir_all(home.config().parent().expect("dir")).expect("config dir");
        make(&home.config());
        let before = fingerprint(&home.config());
        let (stories, stderr) = export(&home, &[]);
        assert_eq!(stories.len(), 3, "{name}");
        assert!(stderr.contains(said), "{name}: {stderr}");
        assert!(stderr.contains("config.toml"), "{name}: {stderr}");
        let check = nlread(&home, &[], &["config", "--check"]);
        assert_eq!(check.status.code(), Some(1), "{name}");
        if tmux {
            // q and the arrows are the defaults: the reader runs on them.
            let tag = format!("config-{}", name.replace([' ', '(', ')'], "-"));
            let screen = reader_run(&home, &tag, &[], &[said]);
            assert!(!screen.contains("panicked"), "{name}: {screen}");
        }
        assert_eq!(fingerprint(&home.config()), before, "{name}: written to");
    }
}

/// A config nobody may read (as nobody when root): the defaults, a message.
#[test]
fn an_unreadable_config_gives_the_defaults_with_a_message() {
    let home = Home::new();
    fs::create_dir_all(home.config().parent().expect("dir")).expect("config dir");
    fs::write(home.config(), "[keys]\nquit = [\"x\"]\n").expect("write");
    let prefix = unprivileged(home.path());
    fs::set_permissions(home.config(), fs::Permissions::from_mode(0o000)).expect("chmod");
    let before = fingerprint(&home.config());
    let (stories, stderr) = export(&home, &prefix);
    assert_eq!(stories.len(), 3);
    assert!(stderr.contains("permission denied"), "{stderr}");
    assert!(stderr.contains("using the defaults"), "{stderr}");
    if !tmux_missing() {
        // q quits: the file's `quit = ["x"]` was not read.
        reader_run(&home, "config-denied", &prefix, &["permission denied"]);
    }
    assert_eq!(fingerprint(&home.config()), before);
}
