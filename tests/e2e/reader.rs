//! The built binary in a real terminal: tmux runs it, the test types keys
//! and reads the screen back with `capture-pane`. Skipped (loudly) when tmux
//! is missing, unless CI is set, where a missing tmux fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::tmux;
use tmux::{TIMEOUT, Tmux, wait_for_exit};

// The library generator the benchmarks use, for the big-library test.
use crate::generate;

const ISSUE: &str = "\
The Practice Room
March 4, 2024

# Rates hold steady

The central bank kept its main rate unchanged on Tuesday.

# A piano in every school

A charity wants a piano in every primary school by 2030.

# Letters

Thank you for writing in.
";

/// Writes the fixture and returns (the shell command running the reader on
/// it, the file its exit status lands in). Home and XDG folders point into
/// the tempdir so no real library or config is touched.
fn reader_command(dir: &Path) -> (String, PathBuf) {
    let issue = dir.join("practice-room.txt");
    std::fs::write(&issue, ISSUE).expect("fixture written");
    command_in(dir, Some(&issue))
}

/// The reader on `issue`, or with no PATH at all (the default library).
fn command_in(dir: &Path, issue: Option<&Path>) -> (String, PathBuf) {
    let status = dir.join("status");
    let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    let d = quote(dir);
    let command = format!(
        "env HOME={d} XDG_DATA_HOME={d} XDG_CONFIG_HOME={d} XDG_CACHE_HOME={d} {bin} {issue}; echo EXIT=$? > {status}",
        bin = quote(Path::new(env!("CARGO_BIN_EXE_nlread"))),
        issue = issue.map(quote).unwrap_or_default(),
        status = quote(&status),
    );
    (command, status)
}

#[test]
fn filter_open_and_quit_in_a_real_terminal() {
    let Some(mut tmux) = Tmux::start("filter") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (command, status) = reader_command(dir.path());
    tmux.new_session(120, 35, &command);

    let screen = tmux.wait_for("Rates hold steady");
    assert!(screen.contains("The Practice Room"), "{screen}");
    assert!(!screen.contains("A charity wants"), "{screen}");

    tmux.keys(&["/"]);
    tmux.type_text("piano");
    // Wait for the whole word to be typed: "p" alone matches more stories.
    let screen = tmux.wait_for("1 of 3");
    assert!(screen.contains("Results 1"), "{screen}");
    assert!(screen.contains("A piano in every school"), "{screen}");
    assert!(screen.contains("A charity wants a piano"), "{screen}");

    tmux.keys(&["Enter"]);
    tmux.wait_for("? help");
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_until_gone("Results");
    assert!(screen.contains("Stories 3"), "{screen}");

    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}

#[test]
fn a_tiny_start_then_a_resize_draws_the_issue() {
    let Some(mut tmux) = Tmux::start("resize") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (command, status) = reader_command(dir.path());
    tmux.new_session(20, 5, &command);
    tmux.wait_for("Issues");

    tmux.run(&["resize-window", "-t", "main", "-x", "100", "-y", "30"]);
    // The whole frame, not the first line of it tmux has redrawn (a busy
    // machine caught it half-way once).
    tmux.wait("the issue drawn at the new size", |screen| {
        screen.contains("Rates hold steady")
            && screen.contains("The Practice Room")
            && screen.contains("The central bank")
    });

    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}

#[test]
fn no_path_and_an_empty_home_show_the_bundled_samples() {
    let Some(mut tmux) = Tmux::start("samples") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let (command, status) = command_in(home.path(), None);
    tmux.new_session(120, 35, &command);

    // Both ends of the frame: a capture can land between the panes and the
    // status line of one draw. The welcome comes first.
    let screen = tmux.wait_until(
        "the welcome and the status line",
        TIMEOUT,
        Duration::from_millis(50),
        |s| s.contains("Welcome to nlread") && s.contains("sample issues"),
    );
    assert!(screen.contains("Issues 3"), "{screen}");
    assert!(screen.contains("sample issues"), "{screen}");
    assert!(
        home.path().join("nlread/library").is_dir(),
        "the library folder is created"
    );
    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}

/// The filter bar's line: the one starting with the prompt (panes start
/// with a border, the status line with the origin).
fn filter_bar(screen: &str) -> Option<&str> {
    screen.lines().find(|l| l.starts_with("/ "))
}

/// Typing into a 10,000-issue (~110,000-story) library: every letter must
/// be on the screen within `LETTER_DEADLINE` however long its search takes,
/// and the results must arrive. Needs the release binary and ~15 s:
/// `cargo test --release --test e2e -- --ignored --nocapture`.
#[test]
#[ignore = "big library: run with --release -- --ignored"]
fn typing_into_a_big_library_draws_every_letter_at_once() {
    const ISSUES: usize = 10_000;
    const LETTER_DEADLINE: Duration = Duration::from_millis(100);
    const LOAD_TIMEOUT: Duration = Duration::from_secs(60);
    let Some(mut tmux) = Tmux::start("big") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let library = dir.path().join("library");
    let started = Instant::now();
    let bytes = generate::write_library(&library, ISSUES, 42).expect("library written");
    println!(
        "wrote {ISSUES} issues, {:.0} MB, in {:?}",
        bytes as f64 / 1e6,
        started.elapsed()
    );
    let (command, status) = command_in(dir.path(), Some(&library));

    let started = Instant::now();
    tmux.new_session(120, 35, &command);
    tmux.wait_until(
        "a first frame",
        LOAD_TIMEOUT,
        Duration::from_millis(5),
        |s| s.contains("Issues"),
    );
    println!("first frame after {:?}", started.elapsed());

    // The first letter goes in at once, maybe while the library is still
    // loading: it must be drawn anyway, and its search run once loaded.
    let query = "tencent";
    let mut typed = String::new();
    let mut timings = Vec::new();
    tmux.keys(&["/"]);
    let mut type_key = |c: char, key: &str| {
        if c == '⌫' {
            typed.pop();
        } else {
            typed.push(c);
        }
        let prompt = format!("/ {typed} ");
        let start = Instant::now();
        tmux.run(&["send-keys", "-t", "main", "-l", key]);
        tmux.wait_until(&prompt, TIMEOUT, Duration::from_millis(1), |s| {
            filter_bar(s).is_some_and(|bar| bar.starts_with(&prompt))
        });
        timings.push((c, start.elapsed()));
    };
    type_key('t', "t");
    let loaded = format!("Issues {ISSUES}");
    tmux.wait_until(&loaded, LOAD_TIMEOUT, Duration::from_millis(20), |s| {
        s.contains(&loaded) && !s.contains("Loading")
    });
    println!("library loaded after {:?}", started.elapsed());
    for c in query.chars().skip(1) {
        type_key(c, &c.to_string());
    }
    let settled = |what: &str| {
        let start = Instant::now();
        let screen = tmux.wait_until(what, TIMEOUT, Duration::from_millis(2), |s| {
            filter_bar(s).is_some_and(|bar| bar.contains(" of ") && !bar.contains('…'))
        });
        println!(
            "results for {what:?} settled {:?} after its last key",
            start.elapsed()
        );
        println!("{}", filter_bar(&screen).unwrap_or_default().trim_end());
        screen
    };
    let screen = settled(query);
    // Backspace is a keystroke like any other (DEL is what tmux sends).
    for _ in 0..3 {
        type_key('⌫', "\x7f");
    }
    settled(&typed);
    for (c, took) in &timings {
        println!("key {c:?} on screen after {took:?}");
    }

    let slow: Vec<_> = timings
        .iter()
        .filter(|(_, took)| *took > LETTER_DEADLINE)
        .collect();
    assert!(
        slow.is_empty(),
        "letters slower than {LETTER_DEADLINE:?} to appear: {slow:?}"
    );
    assert!(
        !screen.contains("Results 0"),
        "{query:?} finds stories:\n{screen}"
    );
    assert!(screen.contains("Results "), "{screen}");

    tmux.keys(&["C-c"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}

#[test]
fn link_keys_speak_in_the_status_line() {
    let Some(mut tmux) = Tmux::start("links") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (command, status) = reader_command(dir.path());
    tmux.new_session(100, 30, &command);
    tmux.wait_for("Rates hold steady");

    // A count is shown while typed and Esc drops it without leaving the pane.
    tmux.type_text("12");
    tmux.wait_for("o opens link [12]");
    tmux.keys(&["Escape"]);
    tmux.wait_until_gone("o opens link");

    // These plain-text stories have no links: o says so, nothing is opened.
    tmux.type_text("o");
    tmux.wait_for("This story has no links.");
    tmux.keys(&["j"]);
    tmux.wait_until_gone("This story has no links.");

    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}

const LINKED_HTML: &str = r#"<!doctype html>
<html><head><title>Town Crier</title></head>
<body>
<h1>Budget published</h1>
<p>The council published its <a href="https://council.example/budget">budget report</a> on Monday.</p>
<p>A reader <a href="mailto:ed@council.example">wrote to us</a> about it.</p>
<h1>Second story</h1>
<p>Nothing linked here.</p>
</body></html>
"#;

#[test]
fn links_are_numbered_copied_with_osc52_and_a_missing_opener_is_reported() {
    let Some(mut tmux) = Tmux::start("osc52") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let issue = dir.path().join("crier.html");
    std::fs::write(&issue, LINKED_HTML).expect("fixture written");
    let (command, status) = command_in(dir.path(), Some(&issue));
    // No opener can be found: `o` must say so in the status line, not crash
    // (and no browser starts on the machine running the tests).
    let command = command.replacen("env ", "env PATH=/nonexistent ", 1);
    assert!(command.contains("PATH=/nonexistent"), "{command}");
    tmux.new_session(120, 35, &command);
    // tmux keeps what an OSC 52 sets as a paste buffer.
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.wait_for("Budget published");
    tmux.keys(&["Enter"]);
    tmux.keys(&["Enter"]);
    // Wait for the whole story: a capture can land in the middle of a draw.
    tmux.wait_until(
        "the numbered story and its link list",
        TIMEOUT,
        Duration::from_millis(50),
        |s| {
            s.contains("report[1]")
                && s.contains("wrote to us[2]")
                && s.contains("[1] budget report — https://council.example/budget")
        },
    );

    tmux.type_text("2y");
    tmux.wait_for("Copied [2] to the clipboard");
    let start = Instant::now();
    let buffer = loop {
        let out = Command::new("tmux")
            .args(["-L", &tmux.socket, "show-buffer"])
            .output()
            .expect("tmux runs");
        if out.status.success() {
            break String::from_utf8_lossy(&out.stdout).into_owned();
        }
        assert!(start.elapsed() < TIMEOUT, "no clipboard buffer appeared");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(buffer, "mailto:ed@council.example");

    // o acts on the selected link (2) and the opener is missing.
    tmux.type_text("o");
    tmux.wait_until(
        "the opener's failure, with the reader still drawn",
        TIMEOUT,
        Duration::from_millis(50),
        |s| {
            s.contains("Could not open the link: no program to open it was found")
                && s.contains("Links")
        },
    );

    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}

#[test]
fn a_broken_config_is_counted_in_the_status_line_listed_by_bang_and_the_rest_applies() {
    let Some(mut tmux) = Tmux::start("config") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    // XDG_CONFIG_HOME is the tempdir (see command_in).
    let config = dir.path().join("nlread");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("config.toml"),
        "[reading]\nmark_read_at_end = \"yes\"\n\n[keys]\nquit = [\"x\"]\n",
    )
    .expect("config written");
    let (command, status) = reader_command(dir.path());
    tmux.new_session(120, 35, &command);
    let screen = tmux.wait_for("1 problem: ! lists it");
    assert!(screen.contains("Rates hold steady"), "{screen}");
    tmux.keys(&["!"]);
    tmux.wait_for("config.toml:2:20: reading.mark_read_at_end");
    // The broken setting kept its default; the good one applies: q no
    // longer quits (it closes the messages), x does.
    tmux.keys(&["q"]);
    let screen = tmux.wait_until_gone("config.toml:2:20");
    assert!(screen.contains("Rates hold steady"), "{screen}");
    assert!(
        screen.contains("1 problem"),
        "the count stays:
{screen}"
    );
    tmux.keys(&["x"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
}
