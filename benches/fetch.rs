//! `nlread fetch` of 50 feeds from servers on 127.0.0.1 (issue 14: "finishes
//! in about the time of the slowest one"). A plain program: each scenario
//! runs the built binary in a fresh home (HOME and XDG folders in a
//! temporary folder), 5 times, and prints the medians as a Markdown table,
//! with the time the same feeds take one after another (the library's
//! fetch with one worker) for comparison.
//!
//! Each feed is a server of its own (fifty newsletters live on fifty
//! hosts) answering an RSS feed of 20 items of about 2 KB each after a set
//! delay; the last scenario puts all fifty on one host, which nlread asks
//! at most two things at once.
//!
//!     cargo bench --bench fetch
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/http.rs"]
mod http;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use http::{Response, Server};

const FEEDS: usize = 50;
const ITEMS: usize = 20;
const RUNS: usize = 5;

fn feed(n: usize) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Feed {n}</title>\
         <link>https://feed{n}.example/</link>\n"
    );
    let para = "The harbour board met on Tuesday and agreed the new tide tables. ".repeat(30);
    for i in 0..ITEMS {
        out.push_str(&format!(
            "<item><title>Story {n}.{i}</title><guid>f{n}-{i}</guid>\
             <pubDate>Wed, 16 Apr 2025 08:00:00 GMT</pubDate>\
             <description>&lt;p&gt;{para}&lt;/p&gt;</description></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// Feed `n` answering after `delay(n)`: fifty servers, or one serving all.
fn servers(delay: impl Fn(usize) -> Duration, one_host: bool) -> (Vec<Server>, Vec<String>) {
    if one_host {
        let server = Server::start();
        let urls = (0..FEEDS)
            .map(|n| {
                let path = format!("/feed{n}.xml");
                server.set(&path, Response::feed(&feed(n)).delay(delay(n)));
                server.url(&path)
            })
            .collect();
        return (vec![server], urls);
    }
    let servers: Vec<Server> = (0..FEEDS)
        .map(|n| {
            let server = Server::start();
            server.set("/feed.xml", Response::feed(&feed(n)).delay(delay(n)));
            server
        })
        .collect();
    let urls = servers.iter().map(|s| s.url("/feed.xml")).collect();
    (servers, urls)
}

fn home(urls: &[String]) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("config/nlread");
    std::fs::create_dir_all(&config).expect("config");
    let text: String = urls
        .iter()
        .map(|url| format!("[[feed]]\nurl = \"{url}\"\n\n"))
        .collect();
    std::fs::write(config.join("feeds.toml"), text).expect("feeds.toml");
    home
}

/// `nlread fetch` in `home`: how long it took, what it said.
fn fetch(home: &Path) -> (Duration, String) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_nlread"))
        .arg("fetch")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .output()
        .expect("nlread runs");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        took,
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// The same feeds fetched one after another by the library (one worker).
fn one_by_one(urls: &[String]) -> Duration {
    let home = home(urls);
    let paths = nlread::fetch::Paths::new(
        &home.path().join("config/nlread"),
        home.path().join("library"),
    );
    let (feeds, _) = nlread::fetch::feeds::load(&paths.feeds, None);
    let options = nlread::fetch::Options {
        workers: 1,
        ..nlread::fetch::Options::default()
    };
    let start = Instant::now();
    nlread::fetch::fetch(&paths, &feeds, &options, &|_, _| {}).expect("fetch");
    start.elapsed()
}

/// A name, each feed's delay, the slowest delay, all on one host.
type Scenario = (&'static str, Box<dyn Fn(usize) -> Duration>, Duration, bool);

fn main() {
    let scenarios: Vec<Scenario> = vec![
        (
            "no delay (local overhead only)",
            Box::new(|_| Duration::ZERO),
            Duration::ZERO,
            false,
        ),
        (
            "each 200 ms, one 1,500 ms",
            Box::new(|n| Duration::from_millis(if n == 7 { 1500 } else { 200 })),
            Duration::from_millis(1500),
            false,
        ),
        (
            "spread evenly, 100 to 1,000 ms",
            Box::new(|n| Duration::from_millis(100 + (n as u64 * 900) / (FEEDS as u64 - 1))),
            Duration::from_millis(1000),
            false,
        ),
        (
            "all on one host, each 200 ms (two at a time)",
            Box::new(|_| Duration::from_millis(200)),
            Duration::from_millis(200),
            true,
        ),
    ];
    println!(
        "| 50 feeds × {ITEMS} items, server delay | slowest feed | first fetch (1,000 new issues), median of {RUNS} | again (50 × 304), median of {RUNS} | one after another (1 worker) |"
    );
    println!("|---|---|---|---|---|");
    for (name, delay, slowest, one_host) in scenarios {
        let (_servers, urls) = servers(delay, one_host);
        let mut first = Vec::new();
        let mut again = Vec::new();
        let mut said = String::new();
        for _ in 0..RUNS {
            let home = home(&urls);
            let (took, out) = fetch(home.path());
            first.push(took);
            said = out;
            let (took, out) = fetch(home.path());
            assert_eq!(out, "0 new issues from 50 feeds");
            again.push(took);
        }
        assert_eq!(said, format!("{} new issues from 50 feeds", FEEDS * ITEMS));
        let serial = one_by_one(&urls);
        println!(
            "| {name} | {} | {} | {} | {} |",
            ms(slowest),
            ms(median(first)),
            ms(median(again)),
            ms(serial)
        );
    }
}
