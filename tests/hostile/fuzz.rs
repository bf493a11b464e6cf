//! Fuzzing every input format for a fixed time budget, and replaying every
//! input that ever broke a parser.
//!
//! Each target generates inputs from its format's own tokens (see `inputs.rs`)
//! or raw bytes, parses them on a worker thread under a hang guard, and
//! checks the model's invariants on what comes back. An input that panics,
//! hangs or breaks an invariant is written to
//! `tests/hostile/regressions/<format>/<seed>.bin` and the test fails with
//! its seed. Every file there is replayed by `regressions_replay`, and each
//! one kept for a fixed bug also has a named test (`fuzz_<format>_<n>`).
//!
//! Budget: `NLREAD_FUZZ_SECS` seconds per target (default 3, so the seven
//! targets add about 20 s on two cores). `NLREAD_FUZZ_SEED` fixes the base
//! seed (default: the clock, so every CI run tries new inputs). A long run:
//! `NLREAD_FUZZ_SECS=600 cargo test --release --test hostile fuzz`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nlread::model::{Issue, Section};
use nlread::parse::{self, ParseError, email, feed, html, limits, markdown, plain};
use nlread::text::sanitize;

use super::inputs::{self, Rng};

/// Longest a single input (<= 256 KB) may take before it counts as a hang.
/// Generous: debug builds are ~20x slower than release, and CI machines are shared.
fn hang_guard() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(5)
    }
}

fn budget() -> Duration {
    let secs = std::env::var("NLREAD_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(3.0);
    Duration::from_secs_f64(secs)
}

fn base_seed() -> u64 {
    std::env::var("NLREAD_FUZZ_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        })
}

// ------------------------------------------------------------ invariants

/// What every parsed issue must be, whatever the input: ids unique, every
/// section's blocks readable back from its spans, links inside their
/// blocks, every stored string free of control sequences, and the size
/// under the per-issue caps.
pub fn check_issues(issues: &[Issue]) -> Result<(), String> {
    let mut ids = std::collections::HashSet::new();
    for issue in issues {
        if !ids.insert(issue.id.as_str()) {
            return Err(format!("issue id {} is not unique", issue.id));
        }
        check_issue(issue).map_err(|e| format!("issue {:?}: {e}", issue.title))?;
    }
    Ok(())
}

pub fn check_issue(issue: &Issue) -> Result<(), String> {
    let fields = [
        Some(&issue.title),
        issue.newsletter.as_ref(),
        issue.author.as_ref(),
        issue.date.as_ref(),
    ];
    for text in fields.into_iter().flatten() {
        clean(text, "issue field")?;
    }
    if let Some(date) = &issue.date {
        let ok = date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-';
        if !ok {
            return Err(format!("date {date:?} is not YYYY-MM-DD"));
        }
    }
    if issue.sections.len() > limits::MAX_SECTIONS {
        return Err(format!("{} sections", issue.sections.len()));
    }
    let stored = limits::text_bytes(issue);
    if stored > limits::MAX_ISSUE_TEXT {
        return Err(format!("{stored} bytes of text stored"));
    }
    let mut ids = std::collections::HashSet::new();
    for section in &issue.sections {
        if !ids.insert(section.id.as_str()) {
            return Err(format!("section id {} is not unique", section.id));
        }
        check_section(section).map_err(|e| format!("section {:?}: {e}", section.title))?;
    }
    Ok(())
}

fn check_section(section: &Section) -> Result<(), String> {
    clean(&section.title, "title")?;
    if section.block_count() > limits::MAX_BLOCKS {
        return Err(format!("{} blocks", section.block_count()));
    }
    let (body, spans) = section.raw_parts();
    let rebuilt = Section::from_raw_parts(
        section.id.clone(),
        section.title.clone(),
        section.words,
        body.to_string(),
        spans.collect::<Vec<_>>(),
    )
    .ok_or("its spans do not describe its body")?;
    if rebuilt.blocks().count() != section.block_count() {
        return Err("blocks lost in a rebuild".into());
    }
    clean(body, "body")?;
    for block in section.blocks() {
        if block.text().contains('\n') {
            return Err("a block holds a newline".into());
        }
    }
    for link in &section.links {
        clean(&link.text, "link text")?;
        clean(&link.url, "link url")?;
        let block = section
            .block(link.block as usize)
            .ok_or_else(|| format!("link to block {} of {}", link.block, section.block_count()))?;
        if !block.text().is_char_boundary(link.at as usize) {
            return Err(format!("link at byte {} of {:?}", link.at, block.text()));
        }
    }
    Ok(())
}

fn clean(text: &str, what: &str) -> Result<(), String> {
    if sanitize(text) != text {
        let bad: String = text.chars().filter(|c| c.is_control()).take(8).collect();
        return Err(format!("{what} is not sanitized: controls {bad:?}"));
    }
    Ok(())
}

fn checked(result: Result<Vec<Issue>, ParseError>) -> Result<(), String> {
    match result {
        Ok(issues) => check_issues(&issues),
        Err(_) => Ok(()),
    }
}

// ------------------------------------------------------------ targets

/// One fuzz target: how to make an input and how to parse it.
pub struct Target {
    pub name: &'static str,
    generate: fn(&mut Rng) -> Vec<u8>,
    parse: fn(&[u8]) -> Result<(), String>,
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub const TARGETS: [Target; 7] = [
    Target {
        name: "plain",
        generate: inputs::plain,
        parse: |b| {
            checked(parse::parse_bytes(b, "fuzz.txt"))?;
            check_issue(&plain::parse(&lossy(b), "fuzz.txt"))
        },
    },
    Target {
        name: "markdown",
        generate: inputs::markdown,
        parse: |b| {
            checked(parse::parse_bytes(b, "fuzz.md"))?;
            check_issue(&markdown::parse(&lossy(b), "fuzz.md"))
        },
    },
    Target {
        name: "html",
        generate: inputs::html,
        parse: |b| {
            checked(parse::parse_bytes(b, "fuzz.html"))?;
            checked(html::parse_bytes(b, "fuzz.html").map(|i| vec![i]))
        },
    },
    Target {
        name: "email",
        generate: inputs::email,
        parse: |b| {
            checked(parse::parse_bytes(b, "fuzz.eml"))?;
            match email::parse(b, "fuzz.eml") {
                Ok(issue) => check_issue(&issue),
                Err(_) => Ok(()),
            }
        },
    },
    Target {
        name: "mbox",
        generate: inputs::mbox,
        parse: |b| {
            checked(parse::parse_bytes(b, "fuzz.mbox"))?;
            let (issues, _) = email::parse_mbox(b, "fuzz.mbox");
            issues.iter().try_for_each(check_issue)?;
            // A small per-message limit: oversize messages are skipped, not split.
            let limited = email::MboxReader::new(b).with_limit(1024).count();
            let whole = email::MboxReader::new(b).count();
            if limited != whole {
                return Err(format!("{limited} messages with a limit, {whole} without"));
            }
            Ok(())
        },
    },
    Target {
        name: "feed",
        generate: inputs::feed,
        parse: |b| {
            checked(parse::parse_bytes(b, "fuzz.xml"))?;
            checked(feed::parse(b, "fuzz.xml"))
        },
    },
    Target {
        name: "raw",
        generate: inputs::raw,
        parse: |b| {
            for source in ["x", "x.md", "x.html", "x.eml", "x.xml"] {
                checked(parse::parse_bytes(b, source))?;
            }
            Ok(())
        },
    },
];

fn target(name: &str) -> &'static Target {
    TARGETS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fuzz target {name}"))
}

// ------------------------------------------------------------ running

fn regressions_dir(format: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile/regressions")
        .join(format)
}

/// Parses on a worker thread so a hang is caught (the thread is abandoned)
/// and a panic becomes an error message.
struct Worker {
    inputs: mpsc::Sender<Vec<u8>>,
    results: mpsc::Receiver<Result<(), String>>,
}

impl Worker {
    fn new(target: &'static Target) -> Worker {
        let (inputs, rx) = mpsc::channel::<Vec<u8>>();
        let (tx, results) = mpsc::channel();
        std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name))
            .spawn(move || {
                for bytes in rx {
                    let result = catch_unwind(AssertUnwindSafe(|| (target.parse)(&bytes)))
                        .unwrap_or_else(|panic| {
                            let msg = panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            Err(format!("panicked: {msg}"))
                        });
                    if tx.send(result).is_err() {
                        return;
                    }
                }
            })
            .expect("spawn the fuzz worker");
        Worker { inputs, results }
    }

    /// None when the input took longer than the hang guard.
    fn run(&self, bytes: Vec<u8>) -> Option<Result<(), String>> {
        self.inputs.send(bytes).expect("the fuzz worker is alive");
        match self.results.recv_timeout(hang_guard()) {
            Ok(result) => Some(result),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => Some(Err("the worker died".into())),
        }
    }
}

/// Runs one target for the budget; returns how many inputs and bytes it tried.
fn fuzz(name: &str) -> (usize, usize) {
    let target = target(name);
    let base = base_seed();
    let deadline = Instant::now() + budget();
    let worker = Worker::new(target);
    let (mut runs, mut bytes_total) = (0usize, 0usize);
    while runs == 0 || Instant::now() < deadline {
        let seed = Rng::new(base ^ (runs as u64).wrapping_mul(0xa076_1d64_78bd_642f)).next();
        let bytes = (target.generate)(&mut Rng::new(seed));
        bytes_total += bytes.len();
        runs += 1;
        let failure = match worker.run(bytes.clone()) {
            Some(Ok(())) => continue,
            Some(Err(msg)) => msg,
            None => format!("took longer than {:?}", hang_guard()),
        };
        let dir = regressions_dir(name);
        let path = dir.join(format!("{seed:016x}.bin"));
        let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &bytes));
        panic!(
            "fuzz target {name}: input of seed {seed:016x} ({} bytes, base seed {base:016x}, run {runs}) {failure}\n\
             saved: {} ({saved:?}); add a named test for it in tests/hostile/fuzz.rs",
            bytes.len(),
            path.display()
        );
    }
    eprintln!(
        "fuzz {name}: {runs} inputs, {:.1} MB in {:?} (base seed {base:016x})",
        bytes_total as f64 / 1e6,
        budget()
    );
    (runs, bytes_total)
}

macro_rules! fuzz_targets {
    ($($test:ident => $name:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            let (runs, _) = fuzz($name);
            assert!(runs >= 1);
        }
    )*};
}

fuzz_targets! {
    fuzz_plain => "plain",
    fuzz_markdown => "markdown",
    fuzz_html => "html",
    fuzz_email => "email",
    fuzz_mbox => "mbox",
    fuzz_feed => "feed",
    fuzz_raw => "raw",
}

// ------------------------------------------------------------ regressions

fn replay(format: &str, bytes: &[u8]) -> Result<(), String> {
    let worker = Worker::new(target(format));
    worker
        .run(bytes.to_vec())
        .unwrap_or_else(|| Err(format!("took longer than {:?}", hang_guard())))
}

/// Every kept input, named or not, still parses cleanly.
#[test]
fn regressions_replay() {
    let mut seen = 0;
    for target in &TARGETS {
        let Ok(entries) = std::fs::read_dir(regressions_dir(target.name)) else {
            continue;
        };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).expect("read a kept regression");
            if let Err(msg) = replay(target.name, &bytes) {
                panic!("{}: {msg}", entry.path().display());
            }
            seen += 1;
        }
    }
    eprintln!("replayed {seen} kept fuzz inputs");
}

/// The generators are deterministic: the seed in a failure message rebuilds its input.
#[test]
fn a_seed_names_one_input() {
    for target in &TARGETS {
        let a = (target.generate)(&mut Rng::new(42));
        let b = (target.generate)(&mut Rng::new(42));
        assert_eq!(a, b, "{}", target.name);
    }
    let inputs: std::collections::HashSet<Vec<u8>> =
        (0..20).map(|s| inputs::html(&mut Rng::new(s))).collect();
    assert!(inputs.len() > 10, "seeds give different inputs");
}

/// The invariant checker can fail: a section whose title holds an escape
/// sequence, and an issue with a repeated section id, are caught.
#[test]
fn the_invariants_catch_broken_issues() {
    let mut issue = plain::parse("Title\n\nSome text here.\n", "t.txt");
    assert_eq!(check_issue(&issue), Ok(()));
    issue.sections[0].title = "a\u{1b}[2Jb".to_string();
    assert!(check_issue(&issue).is_err());
    let mut twice = plain::parse("# One\n\ntext\n\n# Two\n\nmore\n", "t.md");
    assert_eq!(twice.sections.len(), 2);
    twice.sections[1].id = twice.sections[0].id.clone();
    assert!(check_issue(&twice).is_err());
}

/// A kept input replays cleanly, by name, like pulldown-cmark's `tests/errors.rs`.
macro_rules! regression {
    ($($test:ident => $format:literal / $file:literal: $why:literal),* $(,)?) => {$(
        #[doc = $why]
        #[test]
        fn $test() {
            let bytes = include_bytes!(concat!("regressions/", $format, "/", $file));
            assert_eq!(replay($format, bytes), Ok(()));
        }
    )*};
}

regression! {
    fuzz_feed_1 => "feed" / "02827e81917811ab.bin":
        "An item whose HTML is only a linked heading: its link pointed at block 0 of a story with no blocks.",
    fuzz_feed_2 => "feed" / "2439e44add931cd6.bin":
        "A feed listing the same item twice gave two issues with one id.",
    fuzz_markdown_1 => "markdown" / "18a64a38db1ba3fd.bin":
        "A linked heading with nothing under it: its link pointed at block 0 of a story with no blocks.",
}
