//! `nlread fetch [--timeout SECONDS] [--json]`: every subscribed feed at
//! once (see [`crate::fetch::fetch`]), a progress bar on a terminal, then
//! what came: "3 new issues from 5 feeds", each failed feed named with
//! its reason on stderr.
//!
//! Exit status: 0 when every feed answered (or asked to wait), 1 when some
//! failed (the others are still stored), 2 when nothing could be fetched
//! (another fetch is running, the state file cannot be read).

use std::io::{self, IsTerminal, Write};

use super::{EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, count, line, write_failed};
use crate::fetch::{self, Feed, Options, Outcome, Paths, Report};

/// Fetches `feeds` into `paths.library`, reporting on stdout and stderr.
pub fn run(paths: &Paths, feeds: &[Feed], options: &Options, json: bool) -> u8 {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let bar = io::stderr().is_terminal();
    let progress = move |done: usize, total: usize| {
        if bar {
            let _ = write!(
                io::stderr().lock(),
                "\r\x1b[K{}",
                progress_bar(done, total, 30)
            );
        }
    };
    let result = fetch::fetch(paths, feeds, options, &progress);
    if bar {
        let _ = write!(io::stderr().lock(), "\r\x1b[K");
    }
    report(result, json, &mut out, &mut io::stderr().lock())
}

/// `[#######.......] 12 of 50 feeds`.
pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    format!(
        "[{}{}] {done} of {}",
        "#".repeat(filled),
        ".".repeat(width - filled),
        count(total, "feed", "feeds")
    )
}

/// Says what the fetch did; the exit status.
pub fn report(
    result: Result<Report, fetch::RunError>,
    json: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> u8 {
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            let _ = writeln!(err, "nlread: {}", line(&e.to_string()));
            return EXIT_FATAL;
        }
    };
    for warning in &report.warnings {
        let _ = writeln!(err, "nlread: {}", line(warning));
    }
    for feed in &report.feeds {
        let name = line(&feed.name);
        let url = line(&feed.url);
        if let Outcome::Failed { error } = &feed.outcome {
            let _ = writeln!(err, "nlread: {name} ({url}): {}", line(error));
        }
        if let Some(new) = &feed.moved_to {
            let _ = writeln!(
                err,
                "nlread: {name} moved for good to {}; the subscription now has that address",
                line(new)
            );
        }
    }
    let code = if report.failed() > 0 {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    };
    let written = if json {
        super::write_json(out, &report)
    } else {
        writeln!(out, "{}", summary(&report))
    };
    match written {
        Ok(()) => code,
        Err(e) => write_failed(e, code),
    }
}

/// "3 new issues from 5 feeds, 1 updated; 1 failed".
pub fn summary(report: &Report) -> String {
    let new = report.new_issues();
    let noun = if new == 1 { "issue" } else { "issues" };
    let mut said = format!(
        "{new} new {noun} from {}",
        count(report.feeds.len(), "feed", "feeds")
    );
    let updated = report.updated();
    if updated > 0 {
        said.push_str(&format!(", {updated} updated"));
    }
    let failed = report.failed();
    if failed > 0 {
        said.push_str(&format!("; {failed} failed"));
    }
    let waiting = report
        .feeds
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Waiting { .. }))
        .count();
    if waiting > 0 {
        said.push_str(&format!(
            "; {waiting} not asked (the server asked nlread to wait)"
        ));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::FeedReport;

    fn feed(outcome: Outcome) -> FeedReport {
        FeedReport {
            url: "https://a.example/feed".into(),
            name: "A".into(),
            outcome,
            moved_to: None,
        }
    }

    #[test]
    fn the_summary_counts_what_came_and_what_failed() {
        let report = Report {
            feeds: vec![
                feed(Outcome::Fetched { new: 2, updated: 1 }),
                feed(Outcome::Fetched { new: 1, updated: 0 }),
                feed(Outcome::NotModified),
                feed(Outcome::Failed {
                    error: "HTTP 404 Not Found".into(),
                }),
                feed(Outcome::Waiting { until: 0 }),
            ],
            warnings: vec![],
        };
        assert_eq!(
            summary(&report),
            "3 new issues from 5 feeds, 1 updated; 1 failed; 1 not asked (the server asked nlread to wait)"
        );
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(report_into(report, &mut out, &mut err), EXIT_PARTIAL);
        let err = String::from_utf8(err).expect("utf-8");
        assert_eq!(
            err,
            "nlread: A (https://a.example/feed): HTTP 404 Not Found\n"
        );
        let one = Report {
            feeds: vec![feed(Outcome::Fetched { new: 1, updated: 0 })],
            warnings: vec![],
        };
        assert_eq!(summary(&one), "1 new issue from 1 feed");
    }

    fn report_into(report: Report, out: &mut Vec<u8>, err: &mut Vec<u8>) -> u8 {
        super::report(Ok(report), false, out, err)
    }

    #[test]
    fn the_bar_fills_as_feeds_are_done() {
        assert_eq!(progress_bar(0, 4, 8), "[........] 0 of 4 feeds");
        assert_eq!(progress_bar(2, 4, 8), "[####....] 2 of 4 feeds");
        assert_eq!(progress_bar(0, 0, 4), "[####] 0 of 0 feeds");
    }
}
