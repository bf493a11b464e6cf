//! Issue 11, finding 12: escapes in XDG paths and config values reached
//! stderr raw (config problems, state warnings, "could not be created");
//! newsletter text and file names were always clean. Every folder here is
//! named with a window-title change, a screen clear and a bidi override in
//! it, and the config holds them in its values.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::first_forbidden;

/// What a hostile folder name holds (all valid in Linux file names).
const EVIL: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}y";

const LETTER: &str = "The Harbour Gazette\nMay 6, 2024\n\n# Tides\n\nThe tide turned.\n";

struct Home {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl Home {
    /// Every XDG folder with EVIL in its name; a config whose values hold
    /// escapes; a damaged state file; a library folder that cannot be made.
    fn new() -> Home {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join(EVIL);
        for sub in ["config/nlread", "data/nlread", "cache", "state"] {
            fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        // TOML escapes: the values themselves hold ESC and C1 controls.
        fs::write(
            root.join("config/nlread/config.toml"),
            "[library]\nsort = \"\\u001b]0;pwned\\u0007\\u009b2J\"\n\
             folders = [\"\\u001b[2Jgone\\u202e\"]\n[reading]\nmark_read_at_end = \"\\u001b[31m\"\n",
        )
        .expect("config");
        fs::write(root.join("data/nlread/state.json"), b"{\"version\":1,\"sto").expect("state");
        fs::write(root.join("letter.txt"), LETTER).expect("letter");
        Home { dir, root }
    }

    fn nlread(&self, data: &Path, args: &[&str]) -> Output {
        self.nlread_with(data, &self.root.join("config"), args)
    }

    fn nlread_with(&self, data: &Path, config: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_nlread"))
            .args(args)
            // Not the root: paths are shown from HOME as `~/...`.
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", data)
            .env("XDG_CONFIG_HOME", config)
            .env("XDG_CACHE_HOME", self.root.join("cache"))
            .env("XDG_STATE_HOME", self.root.join("state"))
            .output()
            .expect("nlread runs")
    }
}

fn clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert_eq!(first_forbidden(&text), None, "{what}: {text:?}");
}

#[test]
fn escapes_in_xdg_paths_and_config_values_never_reach_the_terminal() {
    let home = Home::new();
    let data = home.root.join("data");
    let letter = home.root.join("letter.txt").display().to_string();
    let mut said_something = 0;
    for args in [
        vec!["list", &letter],
        vec!["export", &letter],
        vec!["search", "tide", &letter],
        vec!["list"],
        vec!["config", "--check"],
        vec!["config", "--path"],
    ] {
        let out = home.nlread(&data, &args);
        clean(&format!("{args:?} stderr"), &out.stderr);
        clean(&format!("{args:?} stdout"), &out.stdout);
        said_something += usize::from(!out.stderr.is_empty() || !out.stdout.is_empty());
    }
    assert_eq!(said_something, 6);
    // state.json was copied into the database at the first run: now the
    // database is what can be damaged.
    let state = data.join("nlread/nlread-state.db");
    fs::write(&state, b"{\"version\":1,\"sto").expect("damaged again");
    let out = home.nlread(&data, &["list", &letter]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("library.sort"),
        "a config problem is said: {stderr}"
    );
    assert!(
        stderr.contains("damaged"),
        "a state warning is said: {stderr}"
    );

    // A data folder that is a file: "could not be created" (no config
    // here: its folders would be where `add` copies to).
    let blocked = home.root.join(format!("blocked{EVIL}"));
    fs::write(&blocked, "a file").expect("write");
    let out = home.nlread_with(&blocked, &home.root.join("no-config"), &["add", &letter]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not be created"), "{stderr}");
    clean("add stderr", &out.stderr);
    clean("add stdout", &out.stdout);
}
