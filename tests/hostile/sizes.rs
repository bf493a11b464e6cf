//! Every pane state at every size from 0x0 to 300x100 draws without a
//! panic, on a library of wide and odd text.

use crate::support;
use nlread::app::{Action, App};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const HEIGHTS: &[u16] = &[0, 1, 2, 3, 4, 5, 6, 7, 10, 24, 50, 100];
const WIDTHS: &[u16] = &[0, 1, 2, 5, 19, 20, 21, 59, 60, 61, 99, 100, 101, 300];

/// The states drawn: (name, app). The lists, a story (wrapped wide text),
/// the filter results, help and a status message.
fn states() -> Vec<(String, App)> {
    let wanted = [
        "issue list",
        "story",
        "story, last section, paged",
        "filter results",
        "help",
        "status message",
    ];
    support::pane_states("rocket", "Could not open 漢字👨‍👩‍👧‍👦 link\u{301}")
        .into_iter()
        .filter(|(name, _)| wanted.contains(&name.as_str()))
        .map(|(name, actions)| {
            let mut app = support::app(support::wide_library(), "Reading 漢字 files");
            support::apply(&mut app, &actions);
            (name, app)
        })
        .collect()
}

/// Where every state is drawn: the narrow and short sizes, where the
/// layout changes, and the layout thresholds. Elsewhere the states take
/// turns (one per size, each in turn), to keep the test near 10 s: a debug
/// build draws about a thousand frames a second.
fn all_states(width: u16, height: u16) -> bool {
    (width <= 61 || [99, 100, 101, 119, 120, 121, 300].contains(&width)) && height <= 30
}

fn draw(app: &mut App, width: u16, height: u16) {
    nlread::app::update_now(app, Action::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
}

#[test]
fn every_width_at_every_listed_height() {
    let mut states = states();
    assert_eq!(states.len(), 6);
    let mut drawn = 0;
    for &height in HEIGHTS {
        for width in 0..=300u16 {
            let n = states.len();
            for (i, (_, app)) in states.iter_mut().enumerate() {
                if !all_states(width, height) && i != usize::from(width) % n {
                    continue;
                }
                draw(app, width, height);
                drawn += 1;
            }
        }
    }
    assert!(drawn > 7_000, "{drawn}");
}

#[test]
fn every_height_at_every_listed_width() {
    let mut states = states();
    let mut drawn = 0;
    for &width in WIDTHS {
        for height in 0..=100u16 {
            let n = states.len();
            for (i, (_, app)) in states.iter_mut().enumerate() {
                if !all_states(width, height) && i != usize::from(height) % n {
                    continue;
                }
                draw(app, width, height);
                drawn += 1;
            }
        }
    }
    assert!(drawn > 3_000, "{drawn}");
}

#[test]
fn the_frame_sees_a_size_the_app_has_not_seen_yet() {
    // A resize lands between update and draw: the app thinks 120x35, the
    // frame is another size. Nothing may draw out of bounds.
    for (_, mut app) in states() {
        nlread::app::update_now(
            &mut app,
            Action::Resize {
                width: 120,
                height: 35,
            },
        );
        for (w, h) in [(0, 0), (1, 1), (19, 4), (60, 10), (300, 100), (119, 34)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            terminal
                .draw(|frame| nlread::ui::draw(frame, &app))
                .expect("draw");
        }
    }
}
