//! `nlread config` and the config file seen from outside: the built binary
//! with HOME and XDG folders in a tempdir, so the user's own config is
//! never read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nlread::config::{self, Config};
use serde_json::Value;

fn nlread(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nlread"));
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("RUST_BACKTRACE");
    cmd
}

fn run(home: &Path, args: &[&str]) -> Output {
    nlread(home).args(args).output().expect("nlread runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes the user's config file and returns its path.
fn write_config(home: &Path, text: &str) -> PathBuf {
    let dir = home.join("config/nlread");
    fs::create_dir_all(&dir).expect("config dir");
    let path = dir.join("config.toml");
    fs::write(&path, text).expect("config written");
    path
}

/// An issue file of our own in `dir`.
fn write_issue(dir: &Path, name: &str, newsletter: &str, date: &str, title: &str) -> PathBuf {
    fs::create_dir_all(dir).expect("dir");
    let path = dir.join(name);
    let body = format!(
        "{newsletter}\n{date}\n\n1. {title}\nA paragraph about {title} that says enough to be a story.\n"
    );
    fs::write(&path, body).expect("issue written");
    path
}

#[test]
fn config_default_prints_the_shipped_file_which_parses_to_the_defaults() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(home.path(), &["config", "--default"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert_eq!(printed, config::DEFAULT_TOML);
    assert_eq!(config::parse(&printed), (Config::default(), vec![]));
}

#[test]
fn config_path_follows_xdg_config_home() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(home.path(), &["config", "--path"]);
    assert!(out.status.success());
    let want = home
        .path()
        .join("config")
        .join("nlread")
        .join("config.toml");
    assert_eq!(text(&out.stdout).trim_end(), want.display().to_string());
}

#[test]
fn config_needs_one_of_its_flags() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(home.path(), &["config"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--default"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn config_check_without_a_file_says_the_defaults_are_used() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(home.path(), &["config", "--check"]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("no such file"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn config_check_passes_the_shipped_defaults() {
    let home = tempfile::tempdir().expect("tempdir");
    write_config(home.path(), config::DEFAULT_TOML);
    let out = run(home.path(), &["config", "--check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("config.toml: no problems\n"));
}

#[test]
fn config_check_names_line_and_column_of_a_typo() {
    let home = tempfile::tempdir().expect("tempdir");
    write_config(
        home.path(),
        "[reading]\nmark_read_at_end = \"yes\"\n\n[keys]\nqiut = \"x\"\n",
    );
    let out = run(home.path(), &["config", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].ends_with(
            "config.toml:2:20: reading.mark_read_at_end: expected a boolean (true or false), \
             found a string \"yes\"; using the default"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].starts_with("~/config/nlread/config.toml:"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("config.toml:5:1: keys.qiut: unknown action"),
        "{}",
        lines[1]
    );
}

#[test]
fn export_reports_a_broken_config_on_stderr_and_still_exports() {
    let home = tempfile::tempdir().expect("tempdir");
    write_config(home.path(), "[library]\nsort = \"titel\"\n");
    let issue = write_issue(home.path(), "a.txt", "Harbour Notes", "2024-05-01", "Tides");
    let out = nlread(home.path())
        .arg("export")
        .arg(&issue)
        .output()
        .expect("nlread runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("config.toml:2:8: library.sort: expected \"date\" or \"newsletter\""),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["issues"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_syntax_error_still_exports_with_the_defaults() {
    let home = tempfile::tempdir().expect("tempdir");
    write_config(home.path(), "[library\nsort = \"newsletter\"\n");
    let issue = write_issue(home.path(), "a.txt", "Harbour Notes", "2024-05-01", "Tides");
    let out = nlread(home.path())
        .arg("export")
        .arg(&issue)
        .output()
        .expect("nlread runs");
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("config.toml:1:"), "{stderr}");
    assert!(stderr.contains("not valid TOML"), "{stderr}");
}

/// The newsletter names of the exported issues, in order.
fn newsletters(json: &Value) -> Vec<String> {
    json["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["newsletter"].as_str().unwrap_or("-").to_string())
        .collect()
}

#[test]
fn library_folders_and_sort_order_come_from_the_config() {
    let home = tempfile::tempdir().expect("tempdir");
    let news = home.path().join("news");
    let more = home.path().join("more");
    write_issue(&news, "1.txt", "Zephyr Weekly", "2024-06-01", "Winds");
    write_issue(&news, "2.txt", "Atlas Brief", "2024-01-01", "Maps");
    write_issue(&more, "3.txt", "Atlas Brief", "2024-03-01", "Globes");
    write_config(
        home.path(),
        "[library]\nfolders = [\"~/news\", \"~/more\", \"~/missing\"]\nsort = \"newsletter\"\n",
    );
    let out = run(home.path(), &["export"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        newsletters(&json),
        ["Atlas Brief", "Atlas Brief", "Zephyr Weekly"]
    );
    // Within a newsletter: newest first.
    assert_eq!(json["issues"][0]["date"], "2024-03-01");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("~/missing"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    // The default folder was not used, nor created.
    assert!(!home.path().join("data/nlread/library").exists());

    // The date order is the default.
    write_config(
        home.path(),
        "[library]\nfolders = [\"~/news\", \"~/more\"]\n",
    );
    let out = run(home.path(), &["export"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        newsletters(&json),
        ["Zephyr Weekly", "Atlas Brief", "Atlas Brief"]
    );
}

#[test]
fn config_check_names_a_library_folder_that_does_not_exist() {
    let home = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(home.path().join("letters")).expect("a folder that exists");
    fs::write(home.path().join("notes.txt"), "a file").expect("a file");
    write_config(
        home.path(),
        "[library]\nfolders = [\"~/letters\", \"~/newsleters\",\n  \"~/notes.txt\"]\n",
    );
    let out = run(home.path(), &["config", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].ends_with(
            "config.toml:2:25: library.folders: ~/newsleters does not exist; \
             nlread skips it (create it, or fix the name)"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("config.toml:3:3: library.folders: ~/notes.txt is not a folder"),
        "{}",
        lines[1]
    );
    // With the folder there, no problems.
    fs::create_dir_all(home.path().join("newsleters")).expect("mkdir");
    fs::remove_file(home.path().join("notes.txt")).expect("rm");
    fs::create_dir_all(home.path().join("notes.txt")).expect("mkdir");
    let out = run(home.path(), &["config", "--check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("no problems\n"));
}

/// The titles of the first issue of an export.
fn section_titles(json: &Value) -> Vec<String> {
    json["issues"][0]["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

const PIER_RULE: &str = "[[split]]\nnewsletter = \"Pier Notes\"\nheading = '^(▶ |Advertise with us$)'\ndrop = [\"Advertise with us\"]\n";

#[test]
fn a_split_rule_fixes_a_newsletter_the_general_rules_cut_wrong() {
    // Pier Notes marks each story with "▶ " on a line glued to its text:
    // the general rules see one paragraph per story and no headings.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/pier-notes.txt");
    let fixture = fixture.to_str().expect("utf-8 path");
    let home = tempfile::tempdir().expect("tempdir");
    let out = run(home.path(), &["export", fixture]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(section_titles(&json).len(), 1, "{json}");

    // Four lines of config: stories start at "▶ ", the ad is left out.
    write_config(home.path(), PIER_RULE);
    let out = run(home.path(), &["export", fixture]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        section_titles(&json),
        [
            "Intro",
            "▶ Storm shutters go up on the east pier",
            "▶ The night ferry keeps its timetable",
            "▶ Lighthouse tours return in April",
            "▶ A new bench for the fishermen's memorial",
        ]
    );
    let all = json.to_string();
    assert!(
        !all.contains("eleven thousand readers"),
        "the ad is dropped"
    );
    assert!(
        all.contains("Crews asked for a later start"),
        "story text stays"
    );

    let out = run(home.path(), &["explain", "--all", fixture]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("your rule: newsletter = \"Pier Notes\""),
        "{said}"
    );
    assert!(
        said.contains("opened by your per-newsletter rule"),
        "{said}"
    );
    assert!(
        said.contains("\"Advertise with us\" (your per-newsletter rule, level 1): dropped"),
        "{said}"
    );
    let out = run(home.path(), &["config", "--check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn config_check_names_each_broken_split_rule() {
    let home = tempfile::tempdir().expect("tempdir");
    write_config(
        home.path(),
        "[[split]]\nnewsletter = \"A\"\nheading = '(unclosed'\n\n\
         [[split]]\nlevel = 2\n\n\
         [[split]]\nfiles = \"*.txt\"\nlevel = 9\n\n\
         [[split]]\nsender = \"news@example.org\"\nheadings = '^x'\nlead_ins = true\n",
    );
    let out = run(home.path(), &["config", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 4, "{said}");
    assert!(
        lines[0].contains("config.toml:3:11: split.heading: not a valid pattern"),
        "{said}"
    );
    assert!(
        lines[1].contains("config.toml:5:1: split: this rule names no newsletter, sender or files"),
        "{said}"
    );
    assert!(lines[2].contains("config.toml:10:9: split.level: expected a heading level from 1 to 6, found the number 9"), "{said}");
    assert!(
        lines[3].contains(
            "config.toml:14:1: split.headings: unknown setting, ignored; did you mean heading?"
        ),
        "{said}"
    );
}
