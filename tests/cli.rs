//! The built `nlread` binary driven from outside: export JSON, exit
//! statuses, the default library under an empty home, --help/--version.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/000_f9af52a6706a46f2.txt"
);

/// The binary with a home, data, config and cache folder inside `home`, so
/// the user's real library is never read or written.
fn nlread(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nlread"));
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE");
    cmd
}

fn export(home: &Path, paths: &[&Path]) -> (Value, Output) {
    let output = nlread(home)
        .arg("export")
        .args(paths)
        .output()
        .expect("nlread runs");
    let json = match serde_json::from_slice(&output.stdout) {
        Ok(json) => json,
        Err(err) => panic!(
            "export printed no JSON ({err}); stdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    };
    (json, output)
}

fn items(value: &Value) -> &Vec<Value> {
    value.as_array().expect("a JSON array")
}

fn path_str(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn export_of_the_reference_newsletter() {
    let reference = Path::new(REFERENCE);
    if !reference.exists() {
        eprintln!("skipped: {REFERENCE} is absent in this clone");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let (json, output) = export(home.path(), &[reference]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(items(&json["errors"]).len(), 0);
    let issues = items(&json["issues"]);
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue["source"], REFERENCE);
    assert_eq!(issue["newsletter"], "Axios China");
    assert_eq!(issue["date"], "2020-09-15");
    assert_eq!(issue["author"], "Bethany Allen-Ebrahimian");
    assert!(!issue["title"].as_str().unwrap().is_empty());
    assert_eq!(issue["id"].as_str().unwrap().len(), 16);

    let sections = items(&issue["sections"]);
    assert!(
        sections.len() == 6 || sections.len() == 7,
        "six stories after at most one intro, got {}",
        sections.len()
    );
    let stories = &sections[sections.len() - 6..];
    let title = |i: usize| stories[i]["title"].as_str().unwrap();
    assert!(
        title(0).contains("How democracies can push back"),
        "{}",
        title(0)
    );
    assert!(title(5).ends_with("1 piano thing"), "{}", title(5));

    let first = &stories[0];
    let text = first["text"].as_str().unwrap();
    assert!(
        text.contains("Why it matters: Technological rivalry"),
        "{text}"
    );
    assert!(
        !text.contains("2. Ed Royce"),
        "a story stops at the next one"
    );
    assert!(first["words"].as_u64().unwrap() > 100);
    assert!(!items(&first["blocks"]).is_empty());
    assert!(
        stories[5]["text"]
            .as_str()
            .unwrap()
            .contains("Klaviry Petrof")
    );

    let mut ids: Vec<&str> = sections.iter().map(|s| s["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), sections.len(), "section ids are distinct");

    every_line_lands_in_its_story(reference, sections);
}

/// Walks the reference file line by line: each body line must be in the
/// text of the story whose heading came last (the intro before the first),
/// and in no later story; the sign-off (the author alone on the last line)
/// must be in none.
fn every_line_lands_in_its_story(reference: &Path, sections: &[Value]) {
    let text = std::fs::read_to_string(reference).unwrap();
    let texts: Vec<&str> = sections
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    let offset = texts.len() - 6; // 1 when there is an intro story
    // Item "4." of the list in story 3 must not be taken for heading "4.".
    let headings = [
        "1 big thing: ",
        "2. Ed Royce",
        "3. Catch up quick",
        "4. Chinese",
        "5. What",
        "6. 1 piano",
    ];
    let mut story: Option<usize> = None;
    let mut next_heading = 0;
    let lines: Vec<&str> = text.lines().collect();
    let body_start = lines
        .iter()
        .position(|l| l.starts_with("Welcome back"))
        .expect("the intro paragraph");
    let (sign_off, body) = lines[body_start..].split_last().unwrap();
    for line in body {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if next_heading < headings.len() && line.starts_with(headings[next_heading]) {
            story = Some(next_heading);
            next_heading += 1;
            continue;
        }
        let line = line.trim_start_matches("• ");
        let index = match story {
            Some(n) => n + offset,
            None => {
                assert_eq!(
                    offset, 1,
                    "text before the first story needs an intro: {line}"
                );
                0
            }
        };
        assert!(
            texts[index].contains(line),
            "{line:?} is not in story {index} ({})",
            sections[index]["title"]
        );
        for later in &texts[index + 1..] {
            assert!(!later.contains(line), "{line:?} is also in a later story");
        }
    }
    assert_eq!(next_heading, 6, "all six headings seen");
    for t in &texts {
        assert!(
            !t.trim_end().ends_with(sign_off.trim()),
            "the sign-off is dropped"
        );
    }
}

#[test]
fn export_with_an_empty_home_gives_the_bundled_samples() {
    let home = tempfile::tempdir().unwrap();
    let (json, output) = export(home.path(), &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(items(&json["errors"]).len(), 0);
    let seeds_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let seeds = fs::read_dir(&seeds_dir).map(|d| d.count()).unwrap_or(0);
    let issues = items(&json["issues"]);
    assert_eq!(issues.len(), seeds, "one issue per file in seeds/");
    for issue in issues {
        let source = issue["source"].as_str().unwrap();
        assert!(source.starts_with("seeds/"), "{source}");
        assert!(!items(&issue["sections"]).is_empty(), "{source}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn export_reads_the_library_folder_when_it_holds_issues() {
    let home = tempfile::tempdir().unwrap();
    let library = home.path().join("data/nlread/library");
    fs::create_dir_all(library.join("2024")).unwrap();
    let issue = library.join("2024/tea.txt");
    fs::write(
        &issue,
        "Tea Times\n\n1 big thing: Green tea\n\nIt is green.\n",
    )
    .unwrap();
    fs::write(library.join(".draft.txt"), "Hidden draft.\n").unwrap();
    let (json, output) = export(home.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let sources: Vec<&str> = items(&json["issues"])
        .iter()
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, vec![path_str(&issue)]);
}

#[cfg(target_os = "linux")]
#[test]
fn an_empty_home_gets_its_library_folder_created() {
    let home = tempfile::tempdir().unwrap();
    let (_, output) = export(home.path(), &[]);
    assert!(output.status.success());
    assert!(home.path().join("data/nlread/library").is_dir());
}

#[test]
fn bad_sources_are_listed_and_the_good_one_still_exported() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    let good = dir.join("good.txt");
    fs::write(
        &good,
        "Morning Brief\n\n1 big thing: Rain\n\nIt rained all day.\n",
    )
    .unwrap();
    let empty = dir.join("empty.txt");
    fs::write(&empty, "").unwrap();
    let binary = dir.join("logo.png");
    fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0").unwrap();
    let missing = dir.join("missing.txt");

    let (json, output) = export(dir, &[&good, &empty, &binary, &missing]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("3 sources could not be read"), "{stderr}");

    let issues = items(&json["issues"]);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["source"], path_str(&good));
    let text: String = items(&issues[0]["sections"])
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect();
    assert!(text.contains("It rained all day."), "{text}");

    let errors = items(&json["errors"]);
    let message = |path: &PathBuf| -> String {
        let source = path_str(path);
        let found: Vec<&Value> = errors.iter().filter(|e| e["source"] == source).collect();
        assert_eq!(found.len(), 1, "one error for {source}: {errors:?}");
        found[0]["message"].as_str().unwrap().to_string()
    };
    assert!(message(&empty).contains("empty"));
    assert!(message(&binary).contains("binary"));
    assert!(message(&missing).contains("not found"));
    assert_eq!(errors.len(), 3);
}

#[test]
fn a_file_named_export_can_be_exported_as_dot_slash_export() {
    let home = tempfile::tempdir().unwrap();
    fs::write(
        home.path().join("export"),
        "Named export\n\nJust one story.\n",
    )
    .unwrap();
    let output = nlread(home.path())
        .current_dir(home.path())
        .args(["export", "./export"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["issues"][0]["source"], "./export");
}

#[test]
fn opening_only_missing_files_says_which_and_fails() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nowhere.txt");
    let output = nlread(home.path()).arg(&missing).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&path_str(&missing)), "{stderr}");
    assert!(stderr.contains("not found"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
}

#[test]
fn help_and_version_exit_zero() {
    let home = tempfile::tempdir().unwrap();
    let help = nlread(home.path()).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("export"), "{text}");
    assert!(
        text.contains("./export"),
        "the ambiguity is documented: {text}"
    );

    let version = nlread(home.path()).arg("--version").output().unwrap();
    assert_eq!(version.status.code(), Some(0));
    let text = String::from_utf8_lossy(&version.stdout);
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
}

/// A digest with a category label above its stories: the label is each
/// story's `group` in the export, null where there is none.
const GROUPED: &str = "# Tinker Weekly\n\nHello.\n\n## From the community\n\n### Official\n\nThe club opens its new workshop.\n\n### Blogs\n\nA post on soldering irons.\n\n## Jobs board\n\nNo openings this week.\n";

#[test]
fn export_gives_each_story_its_group() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("tinker.md");
    fs::write(&path, GROUPED).unwrap();
    let (json, output) = export(home.path(), &[&path]);
    assert!(output.status.success());
    let sections = items(&json["issues"][0]["sections"]);
    let pairs: Vec<(&str, Value)> = sections
        .iter()
        .map(|s| (s["title"].as_str().unwrap(), s["group"].clone()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("Intro", Value::Null),
            ("Official", Value::from("From the community")),
            ("Blogs", Value::from("From the community")),
            ("Jobs board", Value::Null),
        ]
    );
}

#[test]
fn explain_says_what_opened_each_story_and_why_headings_did_not() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("tinker.md");
    fs::write(&path, GROUPED).unwrap();
    let out = nlread(home.path())
        .args(["explain", &path_str(&path)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("  issue: Tinker Weekly\n"), "{said}");
    assert!(
        said.contains("  2. Official  [group: From the community]  (6 words)"),
        "{said}"
    );
    assert!(
        said.contains("opened by a marked-up heading (level 3) that owns text"),
        "{said}"
    );
    assert!(
        said.contains("opened by text before the first story (preamble)"),
        "{said}"
    );
    assert!(
        !said.contains("headings that opened no story"),
        "only with --all: {said}"
    );

    let out = nlread(home.path())
        .args(["explain", "--all", &path_str(&path)])
        .output()
        .unwrap();
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("\"Tinker Weekly\" (a marked-up heading, level 1): the issue's title"),
        "{said}"
    );
    assert!(said.contains("\"From the community\" (a marked-up heading, level 2): a label with no text of its own above other headings: a group"), "{said}");

    // A file that cannot be read is named on stderr with exit 2.
    let out = nlread(home.path())
        .args(["explain", &path_str(&home.path().join("missing.md"))])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.md"));
}
