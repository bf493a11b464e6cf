use std::fs;
use std::path::{Path, PathBuf};

use super::*;

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, bytes).unwrap();
    path
}

fn sources(library: &Library) -> Vec<String> {
    library.issues.iter().map(|i| i.source.clone()).collect()
}

fn error_for<'a>(library: &'a Library, source: &Path) -> &'a str {
    let source = source.display().to_string();
    match library.errors.iter().find(|e| e.source == source) {
        Some(e) => &e.message,
        None => panic!("no error for {source} in {:?}", library.errors),
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";

#[test]
fn folders_are_walked_recursively_in_name_order() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "b.txt", b"Second story.\n");
    write(root, "a.txt", b"First story.\n");
    write(root, "sub/deeper/c.txt", b"Deep story.\n");
    write(root, "sub/a.txt", b"Sub story.\n");
    let library = load_paths(&[root.to_path_buf()]);
    assert_eq!(library.errors, vec![]);
    let expected: Vec<String> = ["a.txt", "b.txt", "sub/a.txt", "sub/deeper/c.txt"]
        .iter()
        .map(|rel| root.join(rel).display().to_string())
        .collect();
    assert_eq!(sources(&library), expected);
}

#[test]
fn sources_keep_the_path_as_given() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "news/one.txt", b"A story.\n");
    let given = tmp.path().join("news").join("..").join("news");
    let library = load_paths(std::slice::from_ref(&given));
    assert_eq!(
        sources(&library),
        vec![given.join("one.txt").display().to_string()]
    );
}

#[test]
fn hidden_files_and_folders_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "seen.txt", b"Visible.\n");
    write(root, ".hidden.txt", b"Hidden.\n");
    write(root, ".git/config.txt", b"Hidden folder.\n");
    let library = load_paths(&[root.to_path_buf()]);
    assert_eq!(
        sources(&library),
        vec![root.join("seen.txt").display().to_string()]
    );
    assert_eq!(library.errors, vec![]);
}

#[test]
fn a_hidden_file_named_explicitly_is_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), ".notes.txt", b"Named.\n");
    let library = load_paths(std::slice::from_ref(&path));
    assert_eq!(library.issues.len(), 1);
}

#[test]
fn binary_files_are_skipped_in_a_folder_but_reported_when_named() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "story.txt", b"Words.\n");
    let png = write(root, "logo.png", PNG);
    let scanned = load_paths(&[root.to_path_buf()]);
    assert_eq!(scanned.errors, vec![]);
    assert_eq!(scanned.issues.len(), 1);

    let named = load_paths(std::slice::from_ref(&png));
    assert!(named.issues.is_empty());
    assert!(error_for(&named, &png).contains("binary"));
}

#[test]
fn empty_files_are_reported_and_the_others_still_load() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "good.txt", b"Words.\n");
    let empty = write(root, "empty.txt", b"");
    let blank = write(root, "blank.txt", b"\n  \n\n");
    let library = load_paths(&[root.to_path_buf()]);
    assert_eq!(library.issues.len(), 1);
    assert!(error_for(&library, &empty).contains("empty"));
    assert!(error_for(&library, &blank).contains("blank"));
    assert_eq!(library.errors.len(), 2);
}

#[test]
fn missing_paths_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.txt", b"Words.\n");
    let missing = tmp.path().join("nope.txt");
    let library = load_paths(&[missing.clone(), good]);
    assert_eq!(library.issues.len(), 1);
    assert!(error_for(&library, &missing).starts_with("not found"));
}

#[test]
fn an_empty_folder_named_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("empty");
    fs::create_dir(&dir).unwrap();
    write(&dir, ".hidden", b"x\n");
    write(&dir, "logo.png", PNG);
    let library = load_paths(std::slice::from_ref(&dir));
    assert!(error_for(&library, &dir).contains("no newsletter files"));
}

#[test]
fn a_path_named_twice_loads_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "a.txt", b"Words.\n");
    let dir = tmp.path().to_path_buf();
    let library = load_paths(&[dir.clone(), file, dir]);
    assert_eq!(library.issues.len(), 1);
    assert_eq!(library.errors, vec![]);
}

#[test]
fn non_utf8_files_load() {
    let tmp = tempfile::tempdir().unwrap();
    // "Café crème — good" in Windows-1252.
    let path = write(tmp.path(), "latin.txt", b"Caf\xe9 cr\xe8me \x97 good.\n");
    let library = load_paths(std::slice::from_ref(&path));
    assert_eq!(library.errors, vec![]);
    let issue = &library.issues[0];
    let all: String = issue.sections.iter().map(|s| s.text()).collect();
    assert!(all.contains("Café crème — good"), "{all:?}");
}

#[test]
fn files_over_the_limit_are_read_in_part() {
    // A disk image (all NULs) is read only in part, then found binary; the
    // text case (a cut issue with a note) is in tests/hostile/caps.rs.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("huge.txt");
    let file = fs::File::create(&path).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let library = load_paths(std::slice::from_ref(&path));
    assert!(error_for(&library, &path).starts_with("this looks like a binary"));
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "secret.txt", b"Words.\n");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&path).is_ok() {
        eprintln!("skipped: running with privileges that ignore file permissions");
        return;
    }
    let library = load_paths(&[tmp.path().to_path_buf()]);
    assert!(error_for(&library, &path).starts_with("permission denied"));
}

#[cfg(unix)]
#[test]
fn links_are_followed_without_looping_and_broken_ones_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "a.txt", b"Words.\n");
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("gone.txt"), root.join("dangling")).unwrap();
    let library = load_paths(&[root.to_path_buf()]);
    assert_eq!(library.issues.len(), 1);
    assert!(error_for(&library, &root.join("dangling")).contains("does not exist"));
    assert_eq!(library.errors.len(), 1);
}

#[cfg(unix)]
#[test]
fn special_files_named_are_refused_not_read() {
    let library = load_paths(&[PathBuf::from("/dev/null")]);
    assert_eq!(library.errors[0].message, LoadError::NotAFile.to_string());
}

fn issue(source: &str, date: Option<&str>) -> Issue {
    Issue {
        id: source.into(),
        source: source.into(),
        newsletter: None,
        title: source.into(),
        date: date.map(str::to_string),
        author: None,
        sections: Vec::new(),
        url: None,
        guid: None,
    }
}

#[test]
fn issues_sort_newest_first_undated_last_then_by_source() {
    let mut issues = vec![
        issue("z-undated", None),
        issue("b-old", Some("2019-01-01")),
        issue("a-undated", None),
        issue("c-new", Some("2024-05-06")),
        issue("a-old", Some("2019-01-01")),
    ];
    sort_issues(&mut issues);
    let order: Vec<&str> = issues.iter().map(|i| i.source.as_str()).collect();
    assert_eq!(order, ["c-new", "a-old", "b-old", "a-undated", "z-undated"]);
}

#[test]
fn sorting_keeps_the_order_of_issues_from_one_source() {
    let mut first = issue("same", Some("2020-01-01"));
    first.title = "first".into();
    let mut second = issue("same", Some("2020-01-01"));
    second.title = "second".into();
    let mut issues = vec![first, second];
    sort_issues(&mut issues);
    assert_eq!(issues[0].title, "first");
}

#[test]
fn an_empty_library_folder_falls_back_to_the_samples() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".local/share/nlread/library");
    let opened = load_default_from(Some(&dir), Some(home.path()));
    assert!(dir.is_dir(), "the library folder is created");
    assert_eq!(opened.library, bundled());
    assert_eq!(opened.warnings, vec![]);
    let shown = format!("~{0}.local/share/nlread/library", std::path::MAIN_SEPARATOR);
    assert!(
        opened
            .origin
            .ends_with(&format!("(bundled); add your own to {shown}")),
        "{}",
        opened.origin
    );
}

#[test]
fn a_library_folder_with_issues_is_used() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("lib");
    write(&dir, "one.txt", b"One.\n");
    write(&dir, "two.txt", b"Two.\n");
    let opened = load_default_from(Some(&dir), Some(home.path()));
    assert_eq!(opened.library.issues.len(), 2);
    assert_eq!(
        opened.origin,
        format!("2 issues from ~{}lib", std::path::MAIN_SEPARATOR)
    );
}

#[test]
fn errors_in_an_otherwise_empty_library_folder_are_kept() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("lib");
    let empty = write(&dir, "empty.txt", b"");
    let opened = load_default_from(Some(&dir), None);
    assert!(opened.origin.contains("(bundled)"));
    assert!(error_for(&opened.library, &empty).contains("empty"));
}

#[test]
fn a_library_folder_that_cannot_be_created_is_a_warning() {
    let home = tempfile::tempdir().unwrap();
    let blocker = write(home.path(), "file", b"not a folder");
    let dir = blocker.join("library");
    let opened = load_default_from(Some(&dir), Some(home.path()));
    assert_eq!(opened.library, bundled());
    assert_eq!(opened.warnings.len(), 1);
    assert!(opened.warnings[0].message.contains("could not be created"));
}

#[test]
fn no_home_folder_means_samples_and_a_warning() {
    let opened = load_default_from(None, None);
    assert_eq!(opened.library, bundled());
    assert_eq!(opened.warnings.len(), 1);
    assert!(opened.origin.contains("(bundled)"));
}

#[test]
fn origin_names_one_path_or_counts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.txt", b"A.\n");
    let b = write(tmp.path(), "b.txt", b"B.\n");
    let one = open_paths(std::slice::from_ref(&a));
    assert_eq!(one.origin, format!("1 issue from {}", a.display()));
    let two = open_paths(&[a, b]);
    assert_eq!(two.origin, "2 issues from 2 paths");
}

/// A folder big enough to be cached: issue `i` says "story number i".
fn many_issues(root: &Path, n: usize) {
    for i in 0..n {
        let text =
            format!("Issue {i}\n\nMARKETS\n\nThe story number {i} is about ports and cranes.\n");
        write(root, &format!("{:03}.txt", i), text.as_bytes());
    }
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn the_parsed_library_cache_is_used_refreshed_and_never_trusted_blindly() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("lib");
    let cache = tmp.path().join("cache");
    many_issues(&root, cache::MIN_FILES + 6);
    let roots = [root.clone()];

    let fresh = load_paths(&roots);
    let first = load_paths_cached(&roots, Some(&cache));
    assert_eq!(first, fresh);
    assert_eq!(
        cache_files(&cache).len(),
        1,
        "one cache file for these roots"
    );

    // Unchanged: the same library, from the cache.
    let second = load_paths_cached(&roots, Some(&cache));
    assert_eq!(second, fresh);

    // A changed file (other size) is parsed again; a removed one is gone.
    write(
        &root,
        "005.txt",
        b"Issue 5\n\nMARKETS\n\nRewritten: the story now talks about ferries instead.\n",
    );
    fs::remove_file(root.join("006.txt")).unwrap();
    let third = load_paths_cached(&roots, Some(&cache));
    assert_eq!(third, load_paths(&roots));
    assert!(
        third
            .issues
            .iter()
            .any(|i| i.sections[0].text().contains("ferries"))
    );
    assert_eq!(third.issues.len(), fresh.issues.len() - 1);

    // A damaged cache is ignored, not believed, and then rewritten.
    let file = &cache_files(&cache)[0];
    let mut bytes = fs::read(file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(file, &bytes).unwrap();
    assert_eq!(load_paths_cached(&roots, Some(&cache)), load_paths(&roots));
    fs::write(file, b"").unwrap();
    assert_eq!(load_paths_cached(&roots, Some(&cache)), load_paths(&roots));
    assert!(fs::metadata(file).unwrap().len() > 100, "rewritten");
}

#[test]
fn small_loads_and_an_unwritable_cache_folder_still_load() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("lib");
    many_issues(&root, 3);
    let cache = tmp.path().join("cache");
    let lib = load_paths_cached(std::slice::from_ref(&root), Some(&cache));
    assert_eq!(lib.issues.len(), 3);
    assert!(
        cache_files(&cache).is_empty(),
        "three files are not worth a cache"
    );

    many_issues(&root, cache::MIN_FILES + 1);
    let blocked = tmp.path().join("not-a-folder");
    fs::write(&blocked, b"a file where the cache folder should be").unwrap();
    let lib = load_paths_cached(&[root], Some(&blocked));
    assert_eq!(lib.issues.len(), cache::MIN_FILES + 1);
    assert!(lib.errors.is_empty());
}

fn mbox_message(subject: &str, body: &str) -> String {
    format!(
        "From x Mon Oct  7 08:00:00 2024\nFrom: Letters <l@example.com>\nSubject: {subject}\n\
         Date: Mon, 7 Oct 2024 08:00:00 +0000\n\n{body}\n\n"
    )
}

#[test]
fn mbox_issues_are_cached_under_the_file_and_failed_messages_are_not() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("lib");
    let cache = tmp.path().join("cache");
    many_issues(&root, cache::MIN_FILES + 2);
    let good = format!(
        "{}{}",
        mbox_message("one", "First letter."),
        mbox_message("two", "Second letter.")
    );
    write(&root, "box.mbox", good.as_bytes());
    let broken = format!(
        "{}{}",
        mbox_message("fine", "A letter."),
        mbox_message("empty", "")
    );
    let broken_path = write(&root, "broken.mbox", broken.as_bytes());
    let roots = [root.clone()];

    let fresh = load_paths(&roots);
    assert_eq!(fresh.issues.len(), cache::MIN_FILES + 2 + 3);
    let failed = format!("{}#2", broken_path.display());
    assert_eq!(
        fresh
            .errors
            .iter()
            .map(|e| e.source.as_str())
            .collect::<Vec<_>>(),
        [failed.as_str()]
    );
    let first = load_paths_cached(&roots, Some(&cache));
    assert_eq!(first, fresh);
    // From the cache (good mbox) and parsed again (the one with an error,
    // so its error is still reported).
    let second = load_paths_cached(&roots, Some(&cache));
    assert_eq!(second, fresh);
    let mut stored = cache::Cache::open(&cache, &[fs::canonicalize(&root).unwrap()], "");
    let entry = |stored: &mut cache::Cache, name: &str| {
        let path = fs::canonicalize(root.join(name)).unwrap();
        let stamp = cache::Stamp::of(&fs::metadata(&path).unwrap());
        stored.take(&path, stamp, name)
    };
    assert_eq!(entry(&mut stored, "box.mbox").map(|i| i.len()), Some(2));
    assert_eq!(entry(&mut stored, "broken.mbox"), None);
}

#[test]
fn a_maildir_reads_cur_and_new_only() {
    let tmp = tempfile::tempdir().unwrap();
    let mail = "From: L <l@example.com>\nSubject: S\n\nA body.\n";
    write(tmp.path(), "box/cur/1:2,S", mail.as_bytes());
    write(tmp.path(), "box/new/2", mail.as_bytes());
    write(tmp.path(), "box/tmp/3", mail.as_bytes());
    write(tmp.path(), "box/dovecot-uidlist", b"3 V1 N3\n1 :1\n");
    // A message that does not look like one by its first lines is still read as one.
    write(
        tmp.path(),
        "box/new/4",
        b"X-Odd: 1\nSubject: Odd\n\nStill mail.\n",
    );
    let library = load_paths(&[tmp.path().join("box")]);
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    let mut names = sources(&library);
    names.sort();
    let want: Vec<String> = ["box/cur/1:2,S", "box/new/2", "box/new/4"]
        .iter()
        .map(|n| tmp.path().join(n).display().to_string())
        .collect();
    assert_eq!(names, want);
}

#[test]
fn sorting_by_newsletter_keeps_newest_first_within_each() {
    let named = |source: &str, name: Option<&str>, date: &str| {
        let mut i = issue(source, Some(date));
        i.newsletter = name.map(str::to_string);
        i
    };
    let mut issues = vec![
        named("z1", Some("zephyr"), "2024-06-01"),
        named("a1", Some("Atlas"), "2024-01-01"),
        named("n1", None, "2024-07-01"),
        named("a2", Some("atlas"), "2024-03-01"),
    ];
    sort_issues_by(&mut issues, SortOrder::Newsletter);
    let order: Vec<&str> = issues.iter().map(|i| i.source.as_str()).collect();
    assert_eq!(order, ["a2", "a1", "z1", "n1"]);
    sort_issues_by(&mut issues, SortOrder::Date);
    let order: Vec<&str> = issues.iter().map(|i| i.source.as_str()).collect();
    assert_eq!(order, ["n1", "z1", "a2", "a1"]);
}

#[test]
fn several_library_folders_are_read_together_and_a_missing_one_is_a_warning() {
    let home = tempfile::tempdir().unwrap();
    let a = home.path().join("a");
    let b = home.path().join("b");
    write(&a, "one.txt", b"One.\n");
    write(&b, "two.txt", b"Two.\n");
    let missing = home.path().join("nope");
    let opened = load_folders_from(&[a, b, missing.clone()], Some(home.path()));
    assert_eq!(opened.library.issues.len(), 2);
    assert_eq!(opened.origin, "2 issues from 2 folders");
    assert_eq!(opened.warnings.len(), 1);
    assert!(opened.warnings[0].source.ends_with("nope"));
    assert!(!missing.exists(), "a configured folder is never created");
}

#[test]
fn a_library_folder_that_is_a_file_is_called_a_file() {
    // Issue 11, finding 14: it was said not to exist.
    let home = tempfile::tempdir().unwrap();
    let file = write(home.path(), "letters", b"Not a folder.\n");
    let missing = home.path().join("nope");
    let opened = load_folders_from(&[file, missing], Some(home.path()));
    let said: Vec<&str> = opened.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        said,
        [
            "the library folder named in the config file is a file, not a folder",
            "the library folder named in the config file does not exist",
        ]
    );
}

#[test]
fn empty_library_folders_show_the_samples() {
    let home = tempfile::tempdir().unwrap();
    let a = home.path().join("a");
    std::fs::create_dir_all(&a).unwrap();
    let opened = load_folders_from(&[a], Some(home.path()));
    assert_eq!(opened.library, bundled());
    assert!(
        opened.origin.contains("add your own to ~"),
        "{}",
        opened.origin
    );
}

#[test]
fn large_files_are_parsed_one_at_a_time() {
    // Issue 11, finding 2: loading in parallel added up the memory of every
    // large file being parsed at once, one per core.
    let tmp = tempfile::tempdir().unwrap();
    let line = format!("{}\n", "word ".repeat(100));
    let text = format!(
        "Big Letter\n\n{}",
        line.repeat(scan::LARGE_FILE as usize / line.len() + 10)
    );
    for i in 0..24 {
        write(tmp.path(), &format!("big-{i:02}.txt"), text.as_bytes());
    }
    let library = load_paths(&[tmp.path().to_path_buf()]);
    assert_eq!(library.issues.len(), 24, "{:?}", library.errors);
    let most = scan::large_at_once::last();
    assert_eq!(most, 1, "large files parsed at once");
}

#[cfg(unix)]
#[test]
fn a_loop_of_links_is_called_a_loop_not_a_missing_file() {
    // Issue 11, finding 14: a loop was "a link to something that does not exist".
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "a.txt", b"Words.\n");
    std::os::unix::fs::symlink(root.join("two"), root.join("one")).unwrap();
    std::os::unix::fs::symlink(root.join("one"), root.join("two")).unwrap();
    std::os::unix::fs::symlink(root.join("gone.txt"), root.join("dangling")).unwrap();
    let library = load_paths(&[root.to_path_buf()]);
    assert_eq!(library.issues.len(), 1);
    let looped = LoadError::LinkLoop.to_string();
    assert_eq!(error_for(&library, &root.join("one")), looped);
    assert_eq!(error_for(&library, &root.join("two")), looped);
    assert!(error_for(&library, &root.join("dangling")).contains("does not exist"));
    let named = load_paths(&[root.join("one")]);
    assert_eq!(named.errors[0].message, looped);
}

/// Folders nested `depth` deep under `root` (one-letter names), with an
/// issue at the bottom; returns the bottom folder.
fn nested(root: &Path, depth: usize) -> PathBuf {
    let mut deep = root.to_path_buf();
    for _ in 0..depth {
        deep.push("d");
    }
    fs::create_dir_all(&deep).unwrap();
    write(&deep, "bottom.txt", b"The Bottom\n\nAt the very bottom.\n");
    deep
}

#[test]
fn deep_folders_are_walked_in_linear_work_per_level() {
    // Issue 11, finding 9: canonicalize() at every level made the walk
    // cubic in depth: 12 s for `list` at depth 1000 (release).
    let tmp = tempfile::tempdir().unwrap();
    nested(tmp.path(), 1000);
    let start = std::time::Instant::now();
    let library = load_paths(&[tmp.path().to_path_buf()]);
    let took = start.elapsed();
    assert_eq!(library.issues.len(), 1, "{:?}", library.errors);
    println!("depth 1000: {took:?}");
    assert!(
        took < std::time::Duration::from_secs(5),
        "{took:?} at depth 1000"
    );
}

#[cfg(unix)]
#[test]
fn the_cache_folder_inside_a_library_folder_is_no_source() {
    // Issue 11, finding 8: the cache file was loaded as a source, counted as
    // changed at every load and rewritten, and a watching reader reloaded
    // for ever.
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    for i in 0..cache::MIN_FILES + 6 {
        write(
            &lib,
            &format!("l{i:03}.txt"),
            format!("Letter {i}\n\nText {i}.\n").as_bytes(),
        );
    }
    let cache_dir = lib.join("cache/nlread");
    let dirs = [lib.clone()];
    let first = load_folders_cached(
        &dirs,
        Some(&cache_dir),
        &SplitRules::default(),
        &Progress::default(),
    );
    assert_eq!(first.issues.len(), cache::MIN_FILES + 6);
    let file = fs::read_dir(&cache_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "bin"))
        .expect("a cache was written");
    let stamp = |p: &Path| {
        let m = fs::metadata(p).unwrap();
        (
            std::os::unix::fs::MetadataExt::ino(&m),
            m.modified().unwrap(),
        )
    };
    let before = stamp(&file);
    for _ in 0..3 {
        let again = load_folders_cached(
            &dirs,
            Some(&cache_dir),
            &SplitRules::default(),
            &Progress::default(),
        );
        assert_eq!(
            again.issues.len(),
            cache::MIN_FILES + 6,
            "{:?}",
            again.errors
        );
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!(
            stamp(&file),
            before,
            "nothing changed: the cache is not rewritten"
        );
    }
}

#[test]
fn a_gated_load_walks_the_files_only_once_the_gate_is_open() {
    // The reader opens the gate once its watch is set: a load that walked
    // before then could miss a file arriving in between.
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "one.txt", b"A story.\n");
    let gate = std::sync::Arc::new(Gate::default());
    let (tx, rx) = std::sync::mpsc::channel();
    let progress = Progress::new(move |done, _, _| {
        let _ = tx.send(done);
    })
    .gated(std::sync::Arc::clone(&gate));
    let options = Options {
        progress,
        ..Options::default()
    };
    let paths = vec![tmp.path().to_path_buf()];
    let load = std::thread::spawn(move || open(&paths, &options));
    // Nothing is read while the gate is shut (a slow machine can only make
    // this pass wrongly, never fail wrongly).
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(300))
            .is_err()
    );
    assert!(!load.is_finished());
    gate.open();
    assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(30)), Ok(1));
    let opened = load.join().unwrap();
    assert_eq!(opened.library.issues.len(), 1);
    // Open for good: the next load goes straight through.
    gate.wait();
}
