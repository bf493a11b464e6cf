use super::*;
use std::os::unix::fs::PermissionsExt;

fn state_with(read: &[&str]) -> ReadingState {
    let mut state = ReadingState::new();
    for (i, id) in read.iter().enumerate() {
        state.set_read(id, true, 100 + i as u64);
    }
    state
}

fn store_in(dir: &Path) -> StateFile {
    StateFile::new(dir.join("state.json"))
}

/// Root ignores permission bits, so permission tests only mean something
/// for other users.
fn running_as_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// Whether this process should run the body of the permission test `name`.
/// As root, it runs the test again in a child process as nobody (setpriv),
/// checks that child passed, and answers no; elsewhere it answers yes. Only
/// root without setpriv skips, and says so.
fn unprivileged(name: &str) -> bool {
    if !running_as_root() {
        return true;
    }
    let exe = std::env::current_exe().expect("test binary");
    let test = format!("store::tests::{name}");
    let run = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&exe)
        .args(["--exact", &test, "--test-threads=1"])
        .env("TMPDIR", std::env::temp_dir())
        .output();
    let Ok(out) = run else {
        eprintln!("SKIPPED {name}: running as root and setpriv is missing to drop to nobody");
        return false;
    };
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("1 passed"),
        "{name} as nobody failed:\n{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

#[test]
fn a_missing_file_is_a_fresh_start_and_a_save_creates_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = StateFile::new(dir.path().join("deep/er/state.json"));
    let (state, report) = store.load();
    assert_eq!(state, ReadingState::new());
    assert!(report.warnings.is_empty());
    store.save(&state_with(&["a"])).expect("save");
    let (back, _) = StateFile::new(store.path().to_path_buf()).load();
    assert!(back.is_read("a"));
}

#[test]
fn saves_merge_with_what_another_reader_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut one = store_in(dir.path());
    let mut two = store_in(dir.path());
    one.load();
    two.load();
    one.save(&state_with(&["a"])).expect("save one");
    let merged = two.save(&state_with(&["b"])).expect("save two");
    assert!(merged.is_read("a") && merged.is_read("b"));
    let (on_disk, _) = store_in(dir.path()).load();
    assert!(on_disk.is_read("a") && on_disk.is_read("b"));
}

#[test]
fn a_damaged_file_is_moved_aside_and_the_backup_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    store.save(&state_with(&["a"])).expect("first save");
    // The next run backs up the file (with "a") before its own save.
    let mut next = store_in(dir.path());
    next.load();
    next.save(&state_with(&["a", "b"])).expect("second save");
    let full = fs::read(next.path()).expect("read");
    fs::write(next.path(), &full[..full.len() / 2]).expect("truncate");

    let mut third = store_in(dir.path());
    let (state, report) = third.load();
    assert!(state.is_read("a"), "the backup was loaded");
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(report.warnings[0].contains("damaged"), "{report:?}");
    assert!(report.warnings[0].contains("backup"), "{report:?}");
    let aside: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        fs::read(aside[0].path()).expect("aside"),
        &full[..full.len() / 2],
        "moved aside byte for byte"
    );
    assert!(third.is_writable());
}

#[test]
fn garbage_without_a_backup_starts_clean_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    for garbage in [
        &b""[..],
        b"   \n",
        b"{\"version\":1,\"stories\":{\"a\":",
        b"\x00\xff\xfe",
        b"{\"stories\": 5, oops",
    ] {
        fs::write(store.path(), garbage).expect("write");
        let (state, report) = store.load();
        assert_eq!(state, ReadingState::new(), "{garbage:?}");
        assert_eq!(report.warnings.len(), 1, "{garbage:?}");
        assert!(!store.path().exists(), "moved aside: {garbage:?}");
    }
}

#[test]
fn an_unreadable_file_is_left_alone_and_saving_is_off() {
    if !unprivileged("an_unreadable_file_is_left_alone_and_saving_is_off") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    store.save(&state_with(&["a"])).expect("save");
    let before = fs::read(store.path()).expect("read");
    fs::set_permissions(store.path(), fs::Permissions::from_mode(0o000)).expect("chmod");
    let mut next = store_in(dir.path());
    let (state, report) = next.load();
    assert_eq!(state, ReadingState::new());
    assert!(
        report.warnings[0].contains("permission denied"),
        "{report:?}"
    );
    assert!(!next.is_writable());
    assert!(matches!(
        next.save(&state_with(&["b"])),
        Err(SaveError::Unreadable(_))
    ));
    fs::set_permissions(store.path(), fs::Permissions::from_mode(0o600)).expect("chmod back");
    assert_eq!(fs::read(store.path()).expect("read"), before, "untouched");
}

#[test]
fn a_folder_in_place_of_the_file_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    fs::create_dir(store.path()).expect("mkdir");
    let (_, report) = store.load();
    assert!(report.warnings[0].contains("folder"), "{report:?}");
    assert!(store.save(&state_with(&["a"])).is_err());
    assert!(store.path().is_dir());
}

#[test]
fn a_read_only_folder_fails_the_save_with_a_message() {
    if !unprivileged("a_read_only_folder_fails_the_save_with_a_message") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    store.save(&state_with(&["a"])).expect("save");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o500)).expect("chmod");
    let mut next = store_in(dir.path());
    let (state, report) = next.load();
    assert!(state.is_read("a") && report.warnings.is_empty());
    let err = next.save(&state_with(&["b"])).expect_err("read-only");
    assert!(err.to_string().contains("permission denied"), "{err}");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).expect("chmod back");
    let (kept, _) = store_in(dir.path()).load();
    assert!(
        kept.is_read("a") && !kept.is_read("b"),
        "the old file is intact"
    );
}

#[test]
fn stale_temporaries_are_removed_and_fresh_ones_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stale = dir.path().join("state.json.tmp-1");
    let fresh = dir.path().join("state.json.tmp-2");
    fs::write(&stale, b"{").expect("write");
    fs::write(&fresh, b"{").expect("write");
    let old = SystemTime::now() - std::time::Duration::from_secs(3600);
    File::options()
        .write(true)
        .open(&stale)
        .and_then(|f| f.set_modified(old))
        .expect("age");
    store_in(dir.path()).load();
    assert!(!stale.exists());
    assert!(fresh.exists());
}

#[test]
fn a_full_disk_keeps_the_old_file_and_removes_the_temporary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    fs::write(&path, b"old and whole").expect("write");
    // Half the bytes land, then the disk is full: what write(2) gives.
    let err = write_atomically_with(&path, |file| {
        file.write_all(b"new but cut")?;
        Err(io::Error::from(io::ErrorKind::StorageFull))
    })
    .expect_err("the disk is full");
    assert_eq!(err.kind(), io::ErrorKind::StorageFull);
    assert_eq!(describe(&err), "the disk is full");
    assert_eq!(fs::read(&path).expect("read"), b"old and whole");
    let names: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["state.json".to_string()], "no temporary left");
}

#[test]
fn temporaries_of_one_process_have_names_of_their_own() {
    let names: std::collections::HashSet<String> = (0..100).map(|_| unique()).collect();
    assert_eq!(names.len(), 100);
}

#[test]
fn a_link_to_nowhere_is_reported_and_saving_writes_through_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let synced = dir.path().join("synced");
    fs::create_dir_all(&data).expect("mkdir");
    fs::create_dir_all(&synced).expect("mkdir");
    let link = data.join("state.json");
    std::os::unix::fs::symlink("../synced/state.json", &link).expect("symlink");
    let mut store = StateFile::new(link.clone());
    let (state, report) = store.load();
    assert_eq!(state, ReadingState::new());
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(report.warnings[0].contains("does not exist"), "{report:?}");
    assert!(store.is_writable());
    store.save(&state_with(&["a"])).expect("save");
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    let (back, report) = StateFile::new(synced.join("state.json")).load();
    assert!(back.is_read("a") && report.warnings.is_empty());
    // A second run saves through the link again, with a real backup.
    let mut next = StateFile::new(link.clone());
    let (state, report) = next.load();
    assert!(
        state.is_read("a") && report.warnings.is_empty(),
        "{report:?}"
    );
    next.save(&state_with(&["a", "b"])).expect("save");
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    let backup = data.join("state.json.bak");
    assert!(
        !fs::symlink_metadata(&backup)
            .expect("bak")
            .file_type()
            .is_symlink()
    );
    let (old, _) = StateFile::new(backup).load();
    assert!(
        old.is_read("a") && !old.is_read("b"),
        "the backup is the old state"
    );
}

#[test]
fn a_link_whose_folder_is_missing_fails_the_save_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("state.json");
    std::os::unix::fs::symlink(dir.path().join("unmounted/state.json"), &link).expect("symlink");
    let mut store = StateFile::new(link.clone());
    store.load();
    let err = store.save(&state_with(&["a"])).expect_err("no folder");
    assert!(err.to_string().contains("folder does not exist"), "{err}");
    assert!(!dir.path().join("unmounted").exists(), "not created");
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_link_loop_is_unreadable_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("state.json");
    std::os::unix::fs::symlink("state.json", &link).expect("symlink");
    let mut store = StateFile::new(link.clone());
    let (_, report) = store.load();
    assert!(
        report.warnings[0].contains("will not be saved"),
        "{report:?}"
    );
    assert!(store.save(&state_with(&["a"])).is_err());
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_damaged_file_with_a_damaged_backup_keeps_both_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    fs::write(store.path(), b"{\"version\":1,\"stor").expect("write");
    fs::write(store.backup_path(), b"\x00garbage").expect("write");
    let (state, report) = store.load();
    assert_eq!(state, ReadingState::new());
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    let said = &report.warnings[0];
    assert!(
        said.contains("moved to") && said.contains("damaged too"),
        "{said}"
    );
    assert_eq!(fs::read(store.backup_path()).expect("bak"), b"\x00garbage");
    // The backup alone damaged, the file missing: said as well.
    let gone = tempfile::tempdir().expect("tempdir");
    let mut missing = store_in(gone.path());
    fs::write(missing.backup_path(), b"[1,").expect("write");
    let (_, report) = missing.load();
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(
        report.warnings[0].contains("missing and the backup"),
        "{report:?}"
    );
}

#[test]
fn many_threads_saving_at_once_never_lose_a_mark() {
    const THREADS: usize = 8;
    const SAVES: usize = 25;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let path = path.clone();
            scope.spawn(move || {
                let mut store = StateFile::new(path);
                let (mut state, _) = store.load();
                for i in 0..SAVES {
                    state.set_read(&format!("t{t}-{i}"), true, now_millis());
                    state = store.save(&state).expect("save");
                }
            });
        }
    });
    let (state, report) = StateFile::new(path).load();
    assert!(report.warnings.is_empty(), "{report:?}");
    assert_eq!(state.stories.len(), THREADS * SAVES);
    let left: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".bak-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_backup_of_the_same_file_leaves_no_temporary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    store.save(&state_with(&["a"])).expect("save");
    // `.bak` as another link of state.json itself, as a backup taken by a
    // run whose save then failed leaves it.
    fs::hard_link(store.path(), store.backup_path()).expect("link");
    let mut next = store_in(dir.path());
    next.load();
    next.save(&state_with(&["a", "b"])).expect("save");
    let names: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".bak-"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    let (old, _) = StateFile::new(next.backup_path()).load();
    assert!(old.is_read("a") && !old.is_read("b"));
}

/// Runs `f` on a thread of its own and fails the test if it has not
/// returned within a generous deadline (a hang is the failure).
fn within_deadline<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("{what}: still waiting after 20 s"))
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {path:?}");
}

#[test]
fn a_fifo_or_a_device_in_place_of_the_state_files_is_said_never_waited_on() {
    // Issue 11, finding 3: opening a FIFO waited for a writer for ever, and
    // a link to /dev/zero was read until memory ran out.
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state.json");
    mkfifo(&state);
    let path = state.clone();
    let (store, warnings) = within_deadline("a FIFO state.json", move || {
        let mut store = StateFile::new(path);
        let (_, report) = store.load();
        (store, report.warnings)
    });
    assert!(!store.is_writable());
    assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
    fs::remove_file(&state).expect("rm");

    std::os::unix::fs::symlink("/dev/zero", &state).expect("symlink");
    let path = state.clone();
    let warnings = within_deadline("state.json -> /dev/zero", move || {
        StateFile::new(path).load().1.warnings
    });
    assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
    fs::remove_file(&state).expect("rm");

    // A FIFO backup and lock: the state still loads and saves.
    mkfifo(&dir.path().join("state.json.bak"));
    mkfifo(&dir.path().join("state.json.lock"));
    let path = state.clone();
    within_deadline("a FIFO backup and lock", move || {
        let mut store = StateFile::new(path);
        store.load();
        store
            .save(&state_with(&["a"]))
            .expect("save without a lock");
    });
    assert!(store_in(dir.path()).load().0.is_read("a"));
}

#[test]
fn a_state_file_over_the_size_cap_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    let file = fs::File::create(store.path()).expect("create");
    file.set_len(MAX_STATE_BYTES + 1).expect("sparse file");
    let (_, report) = store.load();
    assert!(
        report.warnings[0].contains("larger than 64 MiB"),
        "{report:?}"
    );
    assert!(!store.is_writable());
    assert_eq!(
        fs::metadata(store.path()).expect("kept").len(),
        MAX_STATE_BYTES + 1
    );
}

#[test]
fn what_a_newer_version_wrote_survives_a_save() {
    // Issue 11, finding 5: a newer version's fields and a per-story note
    // vanished on the first save.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    let newer =
        r#"{"version":7,"stories":{"a":{"read":true,"at":5,"note":"ask Ann"}},"reading_goal":12}"#;
    fs::write(store.path(), newer).expect("write");
    let (mut state, report) = store.load();
    assert!(report.warnings.is_empty(), "{report:?}");
    state.set_read("b", true, 50);
    store.save(&state).expect("save");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(store.path()).expect("read")).expect("json");
    assert_eq!(json["version"], 7);
    assert_eq!(json["reading_goal"], 12);
    assert_eq!(json["stories"]["a"]["note"], "ask Ann");
    assert_eq!(json["stories"]["b"]["read"], true);
}

#[test]
fn json_that_is_not_a_reading_state_is_left_alone() {
    // Issue 11, finding 5: it loaded as an empty state and was overwritten.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = store_in(dir.path());
    let foreign = br#"{"name": "someone's settings", "dark": true}"#;
    fs::write(store.path(), foreign).expect("write");
    let (state, report) = store.load();
    assert_eq!(state, ReadingState::new());
    assert!(
        report.warnings[0].contains("is not a reading state"),
        "{report:?}"
    );
    assert!(!store.is_writable());
    assert!(store.save(&state_with(&["a"])).is_err());
    assert_eq!(fs::read(store.path()).expect("kept"), foreign);
    let names: Vec<_> = fs::read_dir(dir.path()).expect("dir").flatten().collect();
    assert_eq!(names.len(), 1, "nothing moved aside or written: {names:?}");
}

#[test]
fn damaged_files_within_one_second_each_keep_a_name_of_their_own() {
    // Issue 11, finding 6: `.corrupt-<seconds>` names collided and the
    // second damaged file replaced the first.
    let dir = tempfile::tempdir().expect("tempdir");
    let contents: [&[u8]; 3] = [b"{\"version\":1,\"sto", b"garbage one", b"\x00garbage two"];
    for bytes in contents {
        fs::write(dir.path().join("state.json"), bytes).expect("write");
        let (_, report) = store_in(dir.path()).load();
        assert!(report.warnings[0].contains("moved to"), "{report:?}");
    }
    let mut kept: Vec<Vec<u8>> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .map(|e| fs::read(e.path()).expect("read"))
        .collect();
    kept.sort();
    let mut want: Vec<Vec<u8>> = contents.iter().map(|b| b.to_vec()).collect();
    want.sort();
    assert_eq!(kept, want, "every damaged file kept byte for byte");
}

#[test]
fn a_link_out_of_the_data_folder_to_a_file_that_is_no_state_is_left_alone() {
    // Issue 11, finding 13: even `nlread list` renamed the link's target to
    // `.corrupt-<t>`, and the reader then wrote JSON in its place.
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let elsewhere = dir.path().join("documents");
    fs::create_dir_all(&data).expect("mkdir");
    fs::create_dir_all(&elsewhere).expect("mkdir");
    let notes = elsewhere.join("notes.txt");
    for target in [&b"My notes, not JSON at all.\n"[..], br#"{"theme":"dark"}"#] {
        fs::write(&notes, target).expect("write");
        let link = data.join("state.json");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&notes, &link).expect("symlink");
        let mut store = StateFile::new(link.clone());
        let (_, report) = store.load();
        assert_eq!(report.warnings.len(), 1, "{report:?}");
        assert!(report.warnings[0].contains("left as it is"), "{report:?}");
        assert!(!store.is_writable());
        assert!(store.save(&state_with(&["a"])).is_err());
        assert_eq!(fs::read(&notes).expect("the target is kept"), target);
        let names: Vec<_> = fs::read_dir(&elsewhere).expect("dir").flatten().collect();
        assert_eq!(names.len(), 1, "nothing beside the target: {names:?}");
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
    }
}
