//! Resize storms: hundreds of sizes, in process and in a real terminal
//! (tmux), while filtering and scrolling. The reader stays alive, and back
//! at the first size the selection and the story's top line are the same.

use crate::support::{self, Tmux};
use nlread::app::{Action, App, Focus, update_now};
use nlread::model::{Block, Issue, Library, Section};

/// A small deterministic generator (no crate, no flakiness).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn size(&mut self) -> (u16, u16) {
        match self.next(8) {
            0 => (0, 0),
            1 => (1, 1),
            2 => (300, 100),
            3 => (19, 4),
            _ => (self.next(301) as u16, self.next(101) as u16),
        }
    }
}

/// Long stories of unique words ("s3w417"), so the top line names a place.
fn long_library() -> Library {
    let mut issues = Vec::new();
    for i in 0..4 {
        let sections = (0..6)
            .map(|s| {
                let paragraphs: Vec<String> = (0..12)
                    .map(|p| {
                        (0..30)
                            .map(|w| format!("i{i}s{s}w{}", p * 30 + w))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                Section::new(
                    format!("{i}-{s}"),
                    format!("Story {s} of issue {i} 漢字 🚀"),
                    paragraphs.iter().map(|t| Block::Paragraph { text: t }),
                )
            })
            .collect();
        issues.push(Issue {
            id: format!("{i}"),
            source: format!("{i}.txt"),
            newsletter: Some("The Letter".into()),
            title: format!("Issue {i}"),
            date: None,
            author: None,
            sections,
            url: None,
            guid: None,
        });
    }
    let mut library = Library {
        issues,
        errors: Vec::new(),
    };
    library.issues.extend(support::wide_library().issues);
    library
}

/// The first word of the story's top line in view.
fn top_word(app: &App) -> Option<String> {
    let lines = app.story_lines();
    let line = lines.get(app.scroll())?;
    line.text().split_whitespace().next().map(str::to_string)
}

/// Where the reader is: focus, selections, filter, top of the story.
fn position(app: &App) -> (Focus, usize, usize, usize, String, Option<String>) {
    (
        app.focus(),
        app.issue(),
        app.section(),
        app.result(),
        app.query().to_string(),
        top_word(app),
    )
}

fn resize(app: &mut App, (width, height): (u16, u16)) {
    update_now(app, Action::Resize { width, height });
    support::draw_test(app, width, height);
}

#[test]
fn a_storm_of_everything_never_panics() {
    let mut rng = Lcg(7);
    let mut app = support::app(long_library(), "here");
    let keys = [
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Open,
        Action::NextPane,
        Action::Bottom,
        Action::NextSection,
        Action::FocusFilter,
        Action::FilterInput('s'),
        Action::FilterInput('1'),
        Action::FilterInput('漢'),
        Action::FilterEdit(nlread::app::Edit::Backspace),
        Action::FilterSubmit,
        Action::Escape,
        Action::ToggleHelp,
    ];
    for step in 0..600 {
        if step % 2 == 0 {
            let size = rng.size();
            resize(&mut app, size);
        } else {
            let key = keys[rng.next(keys.len() as u64) as usize].clone();
            // Searches answer late sometimes: the plain update leaves the
            // query pending, as the worker would.
            if rng.next(3) == 0 {
                nlread::app::update(&mut app, key);
            } else {
                update_now(&mut app, key);
            }
        }
    }
}

/// Puts the reader in a state, then storms sizes; back at 120x35 the
/// position must be the one before the storm.
fn storm_keeps_position(setup: &[Action], seed: u64) {
    let mut app = support::app(long_library(), "here");
    resize(&mut app, (120, 35));
    support::apply(&mut app, setup);
    let before = position(&app);
    assert!(before.5.is_some(), "no story shown: {before:?}");
    let mut rng = Lcg(seed);
    for _ in 0..300 {
        let size = rng.size();
        resize(&mut app, size);
    }
    resize(&mut app, (120, 35));
    assert_eq!(position(&app), before);
}

#[test]
fn a_resize_storm_keeps_the_selection_and_the_story_line() {
    let scrolled = [
        Action::Down,
        Action::Open,
        Action::Down,
        Action::Down,
        Action::Open,
        Action::PageDown,
        Action::PageDown,
        Action::Down,
    ];
    storm_keeps_position(&scrolled, 1);
}

#[test]
fn a_resize_storm_keeps_the_filter_and_its_result() {
    let mut filtered = support::filter_actions("s2w3");
    filtered.extend([
        Action::FilterSubmit,
        Action::Down,
        Action::Down,
        Action::Right,
        Action::PageDown,
    ]);
    storm_keeps_position(&filtered, 2);
}

#[test]
fn a_resize_storm_in_tmux_keeps_the_reader_alive_and_the_filter() {
    let Some(mut tmux) = Tmux::start("resize") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let issue = dir.path().join("letter.txt");
    let mut text = String::from("The Letter\nMarch 4, 2024\n\n");
    for s in 0..5 {
        text.push_str(&format!("# Story {s} 漢字 🚀\n\n"));
        for p in 0..8 {
            let words: Vec<String> = (0..30).map(|w| format!("s{s}w{}", p * 30 + w)).collect();
            text.push_str(&words.join(" "));
            text.push_str("\n\n");
        }
    }
    std::fs::write(&issue, text).expect("write");
    let (command, status) = support::reader_command(dir.path(), "", &support::quote(&issue));
    tmux.new_session(120, 35, &command);
    tmux.wait_for("Story 4");
    tmux.keys(&["Enter", "Enter", "Space", "j"]);
    tmux.wait_for("s0w");
    tmux.keys(&["/"]);
    let mut rng = Lcg(3);
    let typed = "s1w2";
    for i in 0..200 {
        let (w, h) = rng.size();
        // tmux keeps a window at least 1x1.
        tmux.resize(w.max(1), h.max(1));
        if i % 50 == 10 {
            let k = i / 50;
            tmux.type_text(&typed[k..=k]);
        }
    }
    tmux.resize(120, 35);
    // The last frames may still be those of a smaller size: wait for the
    // full layout with the filter in its bar.
    let bar = format!("/ {typed}");
    tmux.wait("the 120x35 reader with the filter", |s| {
        s.contains(&bar) && s.contains("Results") && s.lines().count() >= 35
    });
    // Enter keeps the filter and leaves the bar, so q quits.
    tmux.keys(&["Enter"]);
    tmux.keys(&["q"]);
    assert_eq!(support::wait_for_exit(&status), "EXIT=0");
}
