//! Widths: tabs, zero-width and combining characters, CJK, emoji (with
//! joiners and variation selectors), right-to-left text and very long words
//! in titles, lists and the story, at several widths. Every pane keeps its
//! border on every row, and the story loses nothing but what a terminal
//! cell cannot hold (see `drawable`).

use crate::support;
use nlread::app::panes::Area;
use nlread::app::{Action, App};
use nlread::model::{Block, Issue, Library, Section};
use ratatui::buffer::Buffer;

const WIDTHS: &[u16] = &[20, 21, 23, 37, 59, 60, 61, 80, 99, 100, 101, 120, 157];

/// One issue whose one story is `text` as a paragraph, a bullet and a
/// quote, titled with it too.
fn library(text: &str) -> Library {
    let title: String = text.chars().take(80).collect();
    let section = Section::new(
        "s".into(),
        title.clone(),
        [
            Block::Paragraph { text },
            Block::Bullet { text },
            Block::Quote { text },
        ],
    );
    let other = Section::new(
        "t".into(),
        format!("{title} 2"),
        [Block::Paragraph { text }],
    );
    Library {
        issues: vec![Issue {
            id: "i".into(),
            source: "i.txt".into(),
            newsletter: Some(title.clone()),
            title,
            date: Some("2024-03-04".into()),
            author: None,
            sections: vec![section, other],
            url: None,
            guid: None,
        }],
        errors: Vec::new(),
    }
}

/// Checks every shown pane's frame: corners and the left and right border
/// glyph on every row.
fn borders_intact(app: &App, buffer: &Buffer) -> Result<(), String> {
    let panes = app.panes();
    for (name, area) in [
        ("issues", panes.issues),
        ("sections", panes.sections),
        ("story", panes.story),
    ] {
        let Some(Area {
            x,
            y,
            width,
            height,
        }) = area
        else {
            continue;
        };
        if width < 2 || height < 2 {
            continue;
        }
        let (right, bottom) = (x + width - 1, y + height - 1);
        let cell = |cx: u16, cy: u16| buffer[(cx, cy)].symbol().to_string();
        for (cx, cy, want) in [
            (x, y, "┌"),
            (right, y, "┐"),
            (x, bottom, "└"),
            (right, bottom, "┘"),
        ] {
            if cell(cx, cy) != want {
                return Err(format!("{name}: corner ({cx},{cy}) is {:?}", cell(cx, cy)));
            }
        }
        for row in y + 1..bottom {
            for edge in [x, right] {
                if cell(edge, row) != "│" {
                    return Err(format!(
                        "{name}: border ({edge},{row}) is {:?}",
                        cell(edge, row)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The story's text as a terminal can draw it: controls are gone already;
/// what ratatui has no cell for is dropped: zero-width characters that
/// stand alone (U+200B, U+2060, U+FEFF: each a grapheme of its own with
/// width 0) and a combining mark with no letter before it in its line.
/// White space is dropped too, as wrapping changes it.
fn drawable(text: &str) -> String {
    let mut out = String::new();
    let mut base = false;
    for c in text.chars() {
        let alone = matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}');
        let mark = ('\u{300}'..='\u{36f}').contains(&c);
        if alone || (mark && !base) {
            base = false;
            continue;
        }
        if c.is_whitespace() {
            base = false;
            continue;
        }
        base = true;
        out.push(c);
    }
    out
}

/// The story pane's rows as drawn, whitespace dropped, for every scroll
/// position a page apart: the whole story as the reader would see it.
fn story_as_drawn(app: &mut App, width: u16, height: u16) -> String {
    support::draw_test(app, width, height);
    let Some(area) = app.panes().story else {
        return String::new();
    };
    let inner = area.inner();
    let total = app.story_lines().len();
    let rows = usize::from(inner.height);
    let mut text = String::new();
    let mut scroll = 0;
    while scroll < total {
        app.set_scroll(scroll);
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).expect("t");
        terminal
            .draw(|frame| nlread::ui::draw(frame, app))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        for y in inner.y
            ..inner.y
                + inner
                    .height
                    .min(u16::try_from(total - scroll).unwrap_or(u16::MAX))
        {
            for x in inner.x..inner.x + inner.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push(' ');
        }
        scroll += rows.max(1);
    }
    text
}

fn reader(text: &str, actions: &[Action]) -> App {
    let mut app = support::app(library(text), "here");
    support::apply(&mut app, actions);
    app
}

/// The texts of `support::wide_texts` plus wide characters placed to land
/// on a pane's last column.
fn texts() -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = support::wide_texts()
        .into_iter()
        .map(|(n, t)| (n.to_string(), t))
        .collect();
    for k in 0..4 {
        let pad = "x".repeat(k);
        texts.push((
            format!("wide at the edge +{k}"),
            format!("{pad}漢字 {pad}x漢字漢 ab👨‍👩‍👧c ❤️❤️❤️❤️❤️❤️❤️❤️❤️"),
        ));
    }
    texts
}

#[test]
fn borders_hold_in_every_pane_at_every_width() {
    let states: [(&str, Vec<Action>); 4] = [
        ("issues", vec![]),
        ("sections", vec![Action::Open]),
        ("story", vec![Action::Open, Action::Open]),
        ("results", {
            let mut a = support::filter_actions("x");
            a.push(Action::FilterSubmit);
            a
        }),
    ];
    for (name, text) in texts() {
        for (state, actions) in &states {
            let mut app = reader(&text, actions);
            for &w in WIDTHS {
                for h in [6, 11, 30] {
                    let buffer = support::draw_test(&mut app, w, h);
                    if let Err(why) = borders_intact(&app, &buffer) {
                        panic!(
                            "{name}, {state} at {w}x{h}: {why}\n{}",
                            support::rows(&buffer).join("\n")
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_story_loses_nothing_a_cell_can_hold() {
    for (name, text) in texts() {
        let want = drawable(&text);
        for &w in &[20u16, 23, 37, 60, 61, 101, 157] {
            let mut app = reader(&text, &[Action::Open, Action::Open]);
            let drawn: String = story_as_drawn(&mut app, w, 30)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(
                drawn.contains(&want),
                "{name} at width {w}: the paragraph is not whole on screen\nwant {want:?}\ngot  {drawn:?}"
            );
        }
    }
}

#[test]
fn story_lines_fit_the_pane_as_the_terminal_measures_them() {
    for (name, text) in texts() {
        for &w in WIDTHS {
            let mut app = reader(&text, &[Action::Open, Action::Open]);
            nlread::app::update_now(
                &mut app,
                Action::Resize {
                    width: w,
                    height: 30,
                },
            );
            let (inner, _) = nlread::app::panes::story_size(w, 30);
            for line in app.story_lines() {
                let cells: usize = ratatui::text::Line::raw(line.text()).width();
                assert!(
                    cells <= inner,
                    "{name} at {w}: {cells} > {inner}: {:?}",
                    line.text()
                );
            }
        }
    }
}

#[test]
fn the_loss_check_can_fail() {
    // A story cut at the pane edge (what a wrong width would do) is caught.
    let text = "❤️".repeat(40);
    let mut app = reader(&text, &[Action::Open, Action::Open]);
    let drawn = story_as_drawn(&mut app, 37, 30);
    let cut: String = drawn
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(10)
        .collect();
    assert!(!cut.contains(&drawable(&text)));
    assert!(drawn.replace(' ', "").contains(&drawable(&text)));
}
