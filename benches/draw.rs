//! Drawing on the 10k library: one 120x35 frame of each pane through
//! `ui::draw` into a TestBackend, and a keystroke in the filter bar until its
//! frame is drawn (`update` + `draw`, the 16 ms budget). The search a key asks
//! for runs on the reader's worker, so the timed keystroke only asks for it;
//! the setup steps run it inline (`update_now`) to reach each screen.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/generate.rs"]
mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use nlread::app::{Action, App, Focus, update, update_now};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 35;

fn apply(app: &mut App, actions: Vec<Action>) {
    for action in actions {
        update_now(app, action);
    }
}

fn typed(text: &str) -> Vec<Action> {
    text.chars().map(Action::FilterInput).collect()
}

fn draw(c: &mut Criterion) {
    let mut app = App::new(fixture::library(), "bench".to_string());
    apply(
        &mut app,
        vec![Action::Resize {
            width: WIDTH,
            height: HEIGHT,
        }],
    );
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend");
    let mut frame = |app: &App| {
        terminal
            .draw(|f| nlread::ui::draw(f, app))
            .map(|_| ())
            .expect("draw")
    };

    let mut group = c.benchmark_group("draw_10k_120x35");
    group.sample_size(30);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));

    assert_eq!(app.focus(), Focus::Issues);
    group.bench_function("issue_list", |b| b.iter(|| frame(&app)));

    apply(&mut app, vec![Action::Bottom]);
    group.bench_function("issue_list_at_end", |b| b.iter(|| frame(&app)));

    apply(&mut app, vec![Action::Top, Action::Open, Action::Open]);
    assert_eq!(app.focus(), Focus::Story, "a story is open");
    group.bench_function("story_open", |b| b.iter(|| frame(&app)));

    apply(&mut app, vec![Action::Escape, Action::FocusFilter]);
    apply(&mut app, typed("tencent"));
    apply(&mut app, vec![Action::FilterSubmit]);
    assert!(app.filtering() && app.focus() == Focus::Sections);
    assert!(!app.results().is_empty(), "tencent finds stories");
    group.bench_function("filter_results", |b| b.iter(|| frame(&app)));

    // A key typed into the filter bar until its frame is drawn (the query
    // shows the new letter, the results are marked as being searched). Each
    // timed key is undone untimed, so every sample starts from the same query.
    apply(&mut app, vec![Action::Escape, Action::FocusFilter]);
    apply(&mut app, typed("tencen"));
    assert_eq!(app.focus(), Focus::Filter);
    group.bench_function("keystroke_to_frame (tencen+t)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                update(&mut app, Action::FilterInput('t'));
                frame(&app);
                spent += start.elapsed();
                update(&mut app, Action::FilterEdit(nlread::app::Edit::Backspace));
            }
            spent
        })
    });
    apply(&mut app, typed("t"));
    group.bench_function("backspace_to_frame (tencent-t)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                update(&mut app, Action::FilterEdit(nlread::app::Edit::Backspace));
                frame(&app);
                spent += start.elapsed();
                update(&mut app, Action::FilterInput('t'));
            }
            spent
        })
    });
    group.finish();
}

/// One story of one paragraph just under 8 MiB (the most an issue's text
/// may hold), as the plain-text parser reads it.
fn huge_story() -> nlread::model::Library {
    let words: String = (0..(8 * 1024 * 1024 - 4096) / 8)
        .map(|i| format!("w{:06} ", i % 1_000_000))
        .collect();
    let text = format!("Huge Letter\nMay 6, 2024\n\n# One paragraph\n\n{words}\n");
    nlread::model::Library {
        issues: nlread::parse::parse_bytes(text.as_bytes(), "huge.txt").expect("parses"),
        errors: Vec::new(),
    }
}

/// A key in a story of one 8 MB paragraph until its frame is drawn: the
/// layout is made once (the first frame) and every key after reuses it.
fn huge_paragraph(c: &mut Criterion) {
    let mut app = App::new(huge_story(), "bench".to_string());
    // The story is shown from the start; a new width lays it out anew.
    let start = Instant::now();
    update(
        &mut app,
        Action::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );
    let laid_out = start.elapsed();
    apply(&mut app, vec![Action::Open, Action::Open]);
    assert_eq!(app.focus(), Focus::Story);
    let layouts = app.story_view().layouts();
    println!(
        "story of one 8 MB paragraph: {} lines, laid out once in {laid_out:?}",
        app.story_lines().len()
    );
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend");
    let mut group = c.benchmark_group("story_8mb_paragraph_120x35");
    group.sample_size(50);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    for (name, forward, back) in [
        ("key_to_frame (j)", Action::Down, Action::Up),
        ("key_to_frame (Space)", Action::PageDown, Action::PageUp),
        ("key_to_frame (G)", Action::Bottom, Action::Top),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    update(&mut app, forward.clone());
                    terminal.draw(|f| nlread::ui::draw(f, &app)).expect("draw");
                    spent += start.elapsed();
                    update(&mut app, back.clone());
                }
                spent
            })
        });
    }
    group.finish();
    assert_eq!(
        app.story_view().layouts(),
        layouts,
        "keys reused the layout"
    );
}

criterion_group!(benches, draw, huge_paragraph);
criterion_main!(benches);
