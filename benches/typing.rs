//! The filter as the reader drives it: `Searcher::search` once per keystroke
//! while a query is typed letter by letter (and backspaced), each keystroke
//! timed on its own. A plain program (`harness = false`) rather than
//! criterion: a keystroke's cost depends on the ones before it, which
//! criterion's per-iteration setup cannot replay cheaply. Prints the median
//! of ROUNDS fresh sessions for every keystroke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/generate.rs"]
mod generate;

use nlread::search::{Index, Searcher};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 9;

/// Keystrokes from an empty filter bar: the query after each.
struct Session {
    name: &'static str,
    steps: Vec<String>,
}

fn typed(name: &'static str, text: &str) -> Session {
    let steps = text
        .char_indices()
        .map(|(i, c)| text[..i + c.len_utf8()].to_string())
        .collect();
    Session { name, steps }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-'))
        && !"typing".contains(filter.as_str())
    {
        return;
    }
    let library = fixture::library();
    let index = Arc::new(Index::new(&library));

    let mut backspaced = typed("typed, <-<-", "tencent");
    backspaced.steps.push("tencen".into());
    backspaced.steps.push("tence".into());
    let sessions = [
        backspaced,
        typed("no match", "zzqx"),
        typed("two terms", "tencent chips"),
        typed("8 chars", "shenzhen"),
        typed("body keyword", "wednesday"),
    ];
    println!(
        "typing/Searcher::search on the 10k library: median of {ROUNDS} fresh sessions per keystroke"
    );
    for session in &sessions {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); session.steps.len()];
        let mut hits = vec![0; session.steps.len()];
        for _ in 0..ROUNDS {
            let mut searcher = Searcher::new(Arc::clone(&index));
            for (step, query) in session.steps.iter().enumerate() {
                let start = Instant::now();
                let found = black_box(searcher.search(black_box(query)));
                times[step].push(start.elapsed());
                hits[step] = found.len();
            }
        }
        for (step, query) in session.steps.iter().enumerate() {
            times[step].sort();
            let median = times[step][ROUNDS / 2];
            let key = if step > 0 && query.len() < session.steps[step - 1].len() {
                "backspace"
            } else {
                "key"
            };
            println!(
                "  {:<13} {key:<9} {:<16} {:>9.3} ms  ({} hits)",
                session.name,
                format!("\"{query}\""),
                median.as_secs_f64() * 1e3,
                hits[step]
            );
        }
    }
}
