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

criterion_group!(benches, draw);
criterion_main!(benches);
