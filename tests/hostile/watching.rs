//! Issue 11, findings 7 and 8, in the reader: watching survives the library
//! folder being renamed away or deleted and made again, and nlread's own
//! cache inside a library folder does not make it reload. (The watch and
//! the walk are unit-tested in `library::watch` and `library::tests`.)

use std::fs;
use std::path::Path;

use crate::support::{self, Tmux};

fn issue(title: &str, story: &str) -> String {
    format!("{title}\nJune 2, 2030\n\n# {story}\n\nText of {story}.\n")
}

/// Written under a hidden name and renamed, as a mail client would.
fn deliver(folder: &Path, name: &str, text: &str) {
    let tmp = folder.join(format!(".incoming-{name}"));
    fs::write(&tmp, text).expect("write");
    fs::rename(&tmp, folder.join(name)).expect("rename");
}

#[test]
fn a_library_folder_renamed_away_or_made_again_is_still_watched() {
    let Some(mut tmux) = Tmux::start("watch-renamed") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let library = home.path().join("data/nlread/library");
    fs::create_dir_all(&library).expect("mkdir");
    fs::write(library.join("one.txt"), issue("First Letter", "Alpha")).expect("write");
    fs::write(library.join("two.txt"), issue("Second Letter", "Beta")).expect("write");
    let (command, status) = support::reader_command(home.path(), "", "");
    tmux.new_session(160, 30, &command);
    tmux.wait_for("Issues 2");

    // The whole folder renamed away and a new one made in its place.
    fs::rename(&library, home.path().join("data/nlread/library.old")).expect("rename");
    fs::create_dir_all(&library).expect("mkdir");
    deliver(&library, "three.txt", &issue("Third Letter", "Gamma"));
    tmux.wait_for("Third Letter");
    deliver(&library, "four.txt", &issue("Fourth Letter", "Delta"));
    tmux.wait_for("Fourth Letter");

    // Deleted and made again.
    fs::remove_dir_all(&library).expect("rm");
    fs::create_dir_all(&library).expect("mkdir");
    deliver(&library, "five.txt", &issue("Fifth Letter", "Epsilon"));
    tmux.wait_for("Fifth Letter");
    deliver(&library, "six.txt", &issue("Sixth Letter", "Zeta"));
    let screen = tmux.wait_for("Sixth Letter");
    assert!(screen.contains("Issues 2"), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(support::wait_for_exit(&status), "EXIT=0");
}
