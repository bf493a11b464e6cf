//! Issue 12's flows in a real terminal: the built reader in tmux at 120x35,
//! keys typed, the screen read back. `NLREAD_TEST_BIN` runs them against
//! another build (to see them fail on an older one).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::tmux::{TIMEOUT, Tmux, wait_for_exit};

/// The binary under test.
fn bin() -> PathBuf {
    std::env::var_os("NLREAD_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_nlread")))
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The reader on `args` (already quoted) with HOME and every XDG folder in
/// `home`; stderr goes to `<home>/stderr`. Returns the command and the
/// file its exit status lands in.
fn command(home: &Path, args: &str) -> (String, PathBuf) {
    let status = home.join("status");
    let d = quote(home);
    let command = format!(
        "env HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config XDG_CACHE_HOME={d}/cache \
         XDG_STATE_HOME={d}/state {bin} {args} 2>{err}; echo EXIT=$? > {status}",
        bin = quote(&bin()),
        err = quote(&home.join("stderr")),
        status = quote(&status),
    );
    (command, status)
}

const GAZETTE: &str = "\
The Harbour Gazette
May 6, 2024

# Tides turn early

The tide tables changed this spring.

# Cranes on strike

Dock cranes stood still for a day.

# Ferry timetable

The night ferry runs again.
";

/// An older issue whose second story has a word (\"fjordlight\") far down
/// its text, below the first screen.
fn field_notes() -> String {
    let long: Vec<String> = (1..=60)
        .map(|i| {
            let word = if i == 45 { " fjordlight" } else { "" };
            format!("Paragraph {i} of the Bergen crossing, with gulls and rain{word}.")
        })
        .collect();
    format!(
        "Field Notes\nMay 1, 2024\n\n# Swifts return\n\nThe first swifts were seen.\n\n\
         # Bergen by boat\n\n{}\n\n# Moth night\n\nForty kinds of moth came to the lamp.\n",
        long.join("\n\n")
    )
}

/// A folder of the two issues, and the reader on it in a 120x35 tmux.
fn reader_on_two_issues(name: &str) -> Option<(Tmux, tempfile::TempDir, PathBuf)> {
    let mut tmux = Tmux::start(name)?;
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("issues");
    fs::create_dir_all(&dir).expect("dir");
    fs::write(dir.join("gazette.txt"), GAZETTE).expect("issue");
    fs::write(dir.join("field.txt"), field_notes()).expect("issue");
    let (command, status) = command(home.path(), &quote(&dir));
    tmux.new_session(120, 35, &command);
    tmux.wait_for("Tides turn early");
    Some((tmux, home, status))
}

fn quit(tmux: &Tmux, status: &Path) {
    tmux.keys(&["C-c"]);
    assert_eq!(wait_for_exit(status), "EXIT=0");
}

/// The row of the list pane (the first column) holding `needle`.
fn list_row<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.split('│').nth(1).is_some_and(|c| c.contains(needle)))
        .unwrap_or("")
}

/// Waits for Esc to have been read on its own (a key sent right after it
/// in one write would read as Alt-key, as in any terminal program).
fn settle() {
    std::thread::sleep(Duration::from_millis(200));
}

#[test]
fn filter_open_and_clear_keeps_the_story_found() {
    let Some((tmux, _home, status)) = reader_on_two_issues("keep") else {
        return;
    };
    // /bergen, Enter, Enter, Esc, Esc as in issue 12.
    tmux.keys(&["/"]);
    tmux.type_text("bergen");
    tmux.wait_for("1 of 6");
    tmux.keys(&["Enter"]);
    tmux.keys(&["Enter"]);
    tmux.keys(&["Escape"]);
    settle();
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_until("the filter gone", TIMEOUT, Duration::from_millis(50), |s| {
        s.contains("/ filter stories")
    });
    // The story found is still shown, selected in its issue's story list,
    // and its issue is the selected one: not the other issue's first story.
    assert!(screen.contains("Stories 3"), "{screen}");
    assert!(
        screen.contains("Paragraph 1 of the Bergen crossing"),
        "{screen}"
    );
    assert!(!screen.contains("The tide tables changed"), "{screen}");
    assert!(screen.contains("Field Notes · 2024-05-01"), "{screen}");
    quit(&tmux, &status);
}

#[test]
fn slash_twice_starts_a_new_query_and_up_brings_the_first_back() {
    let Some((tmux, _home, status)) = reader_on_two_issues("slash") else {
        return;
    };
    tmux.keys(&["/"]);
    tmux.type_text("tencent");
    tmux.wait_for("0 of 6");
    tmux.keys(&["Enter"]);
    tmux.keys(&["/"]);
    tmux.type_text("hack");
    let screen = tmux.wait_for("/ hack");
    assert!(!screen.contains("tencenthack"), "{screen}");
    tmux.keys(&["Up"]);
    tmux.wait_for("/ tencent");
    quit(&tmux, &status);
}

#[test]
fn ctrl_u_erases_the_query_before_the_caret() {
    let Some((tmux, _home, status)) = reader_on_two_issues("ctrl-u") else {
        return;
    };
    tmux.keys(&["/"]);
    tmux.type_text("ferry night");
    tmux.wait_for("/ ferry night");
    tmux.keys(&["Left", "Left", "Left", "Left", "Left", "C-u"]);
    // The bar and the count are drawn when the search has run: wait for
    // both, as a busy machine may draw the bar a frame earlier.
    tmux.wait_until(
        "the query cut and night's two stories",
        TIMEOUT,
        Duration::from_millis(50),
        |s| s.lines().any(|l| l.starts_with("/ night ")) && s.contains("2 of 6"),
    );
    tmux.keys(&["C-w"]);
    tmux.keys(&["End", "C-w"]);
    tmux.wait_until("an empty query", TIMEOUT, Duration::from_millis(50), |s| {
        s.lines().any(|l| l.trim_end() == "/")
    });
    quit(&tmux, &status);
}

#[test]
fn a_story_found_by_a_word_far_down_its_text_opens_at_the_word() {
    let Some((tmux, _home, status)) = reader_on_two_issues("match") else {
        return;
    };
    tmux.keys(&["/"]);
    tmux.type_text("fjordlight");
    let screen = tmux.wait_for("1 of 6");
    // Paragraph 45 holds the word; the story opens there, not at its top.
    let screen = if screen.contains("Paragraph 45") {
        screen
    } else {
        tmux.wait_for("Paragraph 45")
    };
    assert!(!screen.contains("Paragraph 1 of"), "{screen}");
    tmux.keys(&["Enter", "Enter"]);
    let screen = tmux.wait_for("> next match");
    assert!(screen.contains("fjordlight"), "{screen}");
    quit(&tmux, &status);
}

#[test]
fn space_runs_on_to_the_next_story() {
    let Some((tmux, _home, status)) = reader_on_two_issues("space") else {
        return;
    };
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("The tide tables changed");
    tmux.keys(&["Space"]);
    let screen = tmux.wait_for("Dock cranes stood still");
    assert!(!screen.contains("The tide tables changed"), "{screen}");
    // The story paged past is read: no N before it any more.
    assert!(
        list_row(&screen, "Tides turn early").is_empty() || !screen.contains("N  Tides turn early"),
        "{screen}"
    );
    tmux.keys(&["Space", "Space"]);
    tmux.wait_for("The first swifts were seen");
    quit(&tmux, &status);
}

#[test]
fn the_hints_change_with_the_pane() {
    let Some((tmux, _home, status)) = reader_on_two_issues("hints") else {
        return;
    };
    let last = |s: &str| s.lines().last().unwrap_or("").to_string();
    let issues = last(&tmux.wait_for("Enter open"));
    tmux.keys(&["Enter"]);
    let stories = last(&tmux.wait_for("Enter read"));
    tmux.keys(&["Enter"]);
    let story = last(&tmux.wait_for("Space page"));
    tmux.keys(&["/"]);
    let bar = last(&tmux.wait_for("Enter results"));
    for (a, b) in [(&issues, &stories), (&stories, &story), (&story, &bar)] {
        assert_ne!(a, b);
    }
    quit(&tmux, &status);
}

#[test]
fn a_broken_source_is_listed_in_the_messages_view() {
    let Some(mut tmux) = Tmux::start("messages") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("issues");
    fs::create_dir_all(&dir).expect("dir");
    fs::write(dir.join("gazette.txt"), GAZETTE).expect("issue");
    fs::write(dir.join("empty.txt"), "").expect("empty");
    fs::write(
        dir.join("cut.xml"),
        "<?xml version=\"1.0\"?><rss><channel><item>",
    )
    .expect("cut");
    let (command, status) = command(home.path(), &quote(&dir));
    tmux.new_session(120, 35, &command);
    tmux.wait_for("2 problems: ! lists them");
    // Keys do not make it go away.
    tmux.keys(&["j", "k", "Enter"]);
    tmux.wait_for("Enter read");
    let screen = tmux.wait_for("2 problems");
    assert!(screen.contains("Tides turn early"), "{screen}");
    tmux.keys(&["!"]);
    let screen = tmux.wait_for(" Messages ");
    assert!(screen.contains("empty.txt: the file is empty"), "{screen}");
    assert!(screen.contains("cut.xml:"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_until_gone(" Messages ");
    quit(&tmux, &status);
}

/// `nlread PATHS` with nothing readable in them: the exit status and stderr.
fn nothing_readable(name: &str, make: impl Fn(&Path) -> String) -> (String, String) {
    let mut tmux = Tmux::start(name).expect("tmux checked by the caller");
    let home = tempfile::tempdir().expect("tempdir");
    let args = make(home.path());
    let (command, status) = command(home.path(), &args);
    // The pane stays a while after the reader: its screen can be read.
    tmux.new_session(120, 35, &format!("{command}; sleep 30"));
    let exit = wait_for_exit(&status);
    let stderr = fs::read_to_string(home.path().join("stderr")).unwrap_or_default();
    // The reader never took the screen: no pane was drawn.
    let screen = tmux.screen();
    assert!(!screen.contains('┌'), "{screen}");
    assert!(!tmux.alternate_on(), "{screen}");
    (exit, stderr)
}

#[test]
fn nothing_readable_exits_2_and_says_why() {
    if Tmux::start("probe").is_none() {
        return;
    }
    let (exit, stderr) = nothing_readable("png", |home| {
        let png = home.join("picture.png");
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend([0u8; 64]);
        fs::write(&png, bytes).expect("png");
        quote(&png)
    });
    assert_eq!(exit, "EXIT=2", "{stderr}");
    assert!(stderr.contains("picture.png: "), "{stderr}");
    assert!(stderr.contains("nothing could be read"), "{stderr}");

    let (exit, stderr) = nothing_readable("devnull", |_| "/dev/null".to_string());
    assert_eq!(exit, "EXIT=2", "{stderr}");
    assert!(stderr.contains("/dev/null: not a regular file"), "{stderr}");

    let (exit, stderr) = nothing_readable("empty-dir", |home| {
        let dir = home.join("nothing-here");
        fs::create_dir_all(&dir).expect("dir");
        quote(&dir)
    });
    assert_eq!(exit, "EXIT=2", "{stderr}");
    assert!(
        stderr.contains("nothing-here: the folder holds no newsletter files"),
        "a folder is said to be a folder: {stderr}"
    );
}

#[test]
fn a_first_launch_watches_the_library_folder_it_creates() {
    let Some(mut tmux) = Tmux::start("first-launch") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let (command, status) = command(home.path(), "");
    tmux.new_session(120, 35, &command);
    let first = tmux.wait_for("sample issues");
    assert!(!first.contains("cannot be watched"), "{first}");
    assert!(!first.contains("problem"), "{first}");
    let library = home.path().join("data/nlread/library");
    assert!(library.is_dir());
    let tmp = library.join(".incoming");
    fs::write(&tmp, GAZETTE).expect("write");
    fs::rename(&tmp, library.join("gazette.txt")).expect("rename");
    let screen = tmux.wait_for("Tides turn early");
    // Found by the watch ("1 new issue"), or, on a busy machine where the
    // start-up walk had not yet run (it waits for the watch to be set),
    // by that walk: either way in the list without a restart, in place of
    // the samples.
    assert!(
        screen.contains("1 new issue") || screen.contains("Issues 1 "),
        "{screen}"
    );
    assert!(!screen.contains("Welcome to nlread"), "{screen}");
    // The welcome came first (selected, its text on screen).
    assert!(first.contains("Welcome to nlread"), "{first}");
    quit(&tmux, &status);
}

#[test]
fn esc_esc_in_one_write_is_two_escapes() {
    let Some((tmux, _home, status)) = reader_on_two_issues("esc-esc") else {
        return;
    };
    tmux.keys(&["/"]);
    tmux.type_text("bergen");
    tmux.wait_for("1 of 6");
    tmux.keys(&["Enter", "Enter"]);
    // Both escapes in one send-keys: one write to the terminal.
    tmux.keys(&["Escape", "Escape"]);
    let screen = tmux.wait_until("the filter gone", TIMEOUT, Duration::from_millis(50), |s| {
        s.contains("/ filter stories")
    });
    assert!(screen.contains("Stories 3"), "{screen}");
    quit(&tmux, &status);
}

/// CPU time (user + system) of process `pid` in clock ticks.
fn cpu_ticks(pid: &str) -> u64 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    // After the name: state is field 0, utime 11, stime 12.
    let get = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    get(11) + get(12)
}

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
        assert!(start.elapsed() < TIMEOUT, "no reader process");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The story pane's " 31-61/175000 " in its border.
fn position(screen: &str) -> Option<String> {
    let top = screen.lines().next()?;
    let end = top.rfind('/')?;
    let start = top[..end].rfind(' ')?;
    let digits = top[end + 1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    Some(top[start..end + 1 + digits].to_string())
}

/// One story of one 8 MB paragraph: a key in it is drawn at once, and the
/// reader sleeps while nobody types (CPU over 5 s idle, from /proc).
#[test]
fn a_story_of_one_8_mb_paragraph_answers_keys_at_once_and_idles_at_no_cpu() {
    let Some(mut tmux) = Tmux::start("huge") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    // Just under the 8 MiB an issue's text may have.
    let words: String = (0..(8 * 1024 * 1024 - 4096) / 8)
        .map(|i| format!("w{:06} ", i % 1_000_000))
        .collect();
    let issue = home.path().join("huge.txt");
    fs::write(
        &issue,
        format!("Huge Letter\nMay 6, 2024\n\n# One paragraph\n\n{words}\n"),
    )
    .expect("issue");
    let (command, status) = command(home.path(), &quote(&issue));
    tmux.new_session(120, 35, &command);
    tmux.wait_until(
        "the long story",
        Duration::from_secs(120),
        Duration::from_millis(100),
        |s| s.contains("One paragraph"),
    );
    tmux.keys(&["Enter", "Enter"]);
    let pid = reader_pid(&tmux);
    // A key in the story: from send-keys to the new screen (tmux's own
    // round trips included, so this is an upper bound).
    let mut slowest = Duration::ZERO;
    for key in ["Space", "Space", "j", "k", "G"] {
        let before = position(&tmux.screen());
        let start = Instant::now();
        tmux.keys(&[key]);
        tmux.wait_until(
            "the story to move",
            TIMEOUT,
            Duration::from_millis(2),
            |s| position(s) != before,
        );
        slowest = slowest.max(start.elapsed());
    }
    println!(
        "a key in an 8 MB paragraph: on screen within {slowest:?} (tmux round trips included)"
    );
    // Idle: nothing typed for 5 s.
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(&pid);
    std::thread::sleep(Duration::from_secs(5));
    let used = cpu_ticks(&pid) - before;
    let hz = 100;
    println!(
        "idle for 5 s with the story open: {used} clock ticks ({} ms) of CPU",
        used * 1000 / hz
    );
    assert!(used <= 2, "an idle reader used {used} ticks in 5 s");
    quit(&tmux, &status);
}

/// A cold start on a library of many files: the status line counts the
/// files read, and issues are listed before the last one is read.
#[test]
fn a_cold_start_shows_progress_and_fills_the_list_as_issues_arrive() {
    const ISSUES: usize = 3_000;
    let Some(mut tmux) = Tmux::start("progress") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let library = home.path().join("library");
    crate::generate::write_library(&library, ISSUES, 7).expect("library written");
    let (command, status) = command(home.path(), &quote(&library));
    tmux.new_session(120, 35, &command);
    let total = format!("of {ISSUES} files…");
    let screen = tmux.wait_until(
        "issues listed while files are still read",
        Duration::from_secs(120),
        Duration::from_millis(20),
        |s| {
            s.contains(&total)
                && s.lines()
                    .next()
                    .is_some_and(|top| top.contains("┌ Issues ") && !top.contains("Issues 3000"))
        },
    );
    assert!(screen.contains("Reading "), "{screen}");
    tmux.wait_until(
        "the whole library",
        Duration::from_secs(120),
        Duration::from_millis(100),
        |s| s.contains("Issues 3000") && !s.contains(&total),
    );
    quit(&tmux, &status);
}

/// Ctrl-Z gives the terminal back to the shell; `fg` brings the reader
/// back, redrawn whole.
#[test]
fn ctrl_z_suspends_and_fg_resumes() {
    let Some(mut tmux) = Tmux::start("suspend") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let issue = home.path().join("gazette.txt");
    fs::write(&issue, GAZETTE).expect("issue");
    // (bash writes the stopped job's status, 148, at once: not looked at.)
    let (command, _) = command(home.path(), &quote(&issue));
    // An interactive shell with job control, as a user has.
    tmux.new_session(120, 35, "env PS1='READY$ ' bash --norc --noprofile -i");
    tmux.wait_for("READY$");
    tmux.type_text(&command);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Tides turn early");
    tmux.keys(&["C-z"]);
    let screen = tmux.wait_until("the shell again", TIMEOUT, Duration::from_millis(50), |s| {
        s.contains("Stopped") && !s.contains("┌ Issues")
    });
    assert!(!tmux.alternate_on(), "{screen}");
    tmux.type_text("fg");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("┌ Issues");
    assert!(screen.contains("Tides turn early"), "{screen}");
    // Keys work again: the reader reads them, not a stale reader.
    tmux.keys(&["Enter"]);
    tmux.wait_for("Enter read");
    tmux.keys(&["q"]);
    tmux.wait_until(
        "the shell after the reader",
        TIMEOUT,
        Duration::from_millis(50),
        |s| !s.contains("┌ Issues") && s.trim_end().ends_with("READY$"),
    );
    assert!(!tmux.alternate_on());
}
