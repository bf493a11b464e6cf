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
        b"[1,2]",
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
    if running_as_root() {
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
    if running_as_root() {
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
