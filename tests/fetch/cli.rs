//! `nlread feed add | list | remove` and `config --check` on feeds.toml.

use std::fs;

use crate::http::{Response, Server};
use crate::{Home, rss, text};

#[test]
fn add_checks_the_address_names_the_feed_and_finds_a_pages_feed() {
    let server = Server::start();
    let items = [("k1", "Kite day", "The kites flew.")];
    server.set("/feed.xml", Response::feed(&rss("Lantern Notes", &items)));
    server.set(
        "/blog/",
        Response::page("<html><head><link rel=\"alternate\" type=\"application/atom+xml\" href=\"../feed.xml\"></head><body>Hi</body></html>"),
    );
    server.set(
        "/nothing/",
        Response::page("<html><body>No feed here</body></html>"),
    );
    let home = Home::new();

    let out = home.nlread(&["feed", "add", &server.url("/blog/")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "Subscribed to Lantern Notes ({}, 1 item; {} is a web page, this is its feed); \
             `nlread fetch` or `r` in the reader brings its issues in\n",
            server.url("/feed.xml"),
            server.url("/blog/")
        )
    );
    let written = fs::read_to_string(home.feeds_toml()).expect("feeds.toml");
    assert!(written.starts_with("# nlread's subscriptions"), "{written}");
    assert!(
        written.ends_with(&format!(
            "[[feed]]\nurl = \"{}\"\nname = \"Lantern Notes\"\n",
            server.url("/feed.xml")
        )),
        "{written}"
    );

    let again = home.nlread(&["feed", "add", &server.url("/feed.xml")]);
    assert!(again.status.success());
    assert!(text(&again.stdout).starts_with("Already subscribed to Lantern Notes"));

    for (path, why) in [
        (
            "/nothing/",
            "not a feed but a web page (it names no feed of its own)",
        ),
        ("/missing.xml", "HTTP 404 Not Found"),
    ] {
        let out = home.nlread(&["feed", "add", &server.url(path)]);
        assert_eq!(out.status.code(), Some(1), "{path}");
        assert_eq!(
            text(&out.stderr),
            format!(
                "nlread: {}: {why}; not subscribed (--no-check subscribes all the same)\n",
                server.url(path)
            )
        );
    }
    let out = home.nlread(&["feed", "add", "file:///etc/passwd"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not an http or https address"));
    assert_eq!(
        fs::read_to_string(home.feeds_toml()).expect("feeds.toml"),
        written
    );
}

#[test]
fn list_shows_what_each_feed_brought_and_remove_keeps_the_rest() {
    let server = Server::start();
    let items = [
        ("k1", "Kite day", "The kites flew."),
        ("k2", "Lost", "An umbrella."),
    ];
    server.set("/a.xml", Response::feed(&rss("Lantern Notes", &items)));
    server.set("/b.xml", Response::status(500));
    let home = Home::new();
    home.subscribe(&server.url("/a.xml"), "Lantern");
    home.subscribe(&server.url("/b.xml"), "Broken");

    let out = home.nlread(&["feed", "list"]);
    assert_eq!(
        text(&out.stdout),
        format!(
            "Lantern  {a}\n    0 issues, not fetched yet\nBroken  {b}\n    0 issues, not fetched yet\n2 feeds\n",
            a = server.url("/a.xml"),
            b = server.url("/b.xml")
        )
    );
    assert_eq!(home.nlread(&["fetch"]).status.code(), Some(1));
    let out = home.nlread(&["feed", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows[0]["name"], "Lantern");
    assert_eq!(rows[0]["issues"], 2);
    assert!(
        rows[0]["checked"]
            .as_str()
            .is_some_and(|c| c.ends_with(" UTC"))
    );
    assert_eq!(rows[1]["error"], "HTTP 500 Internal Server Error");
    assert_eq!(rows[1]["checked"], serde_json::Value::Null);

    let out = home.nlread(&["feed", "remove", "broken"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Unsubscribed from Broken"));
    let out = home.nlread(&["feed", "remove", "broken"]);
    assert_eq!(out.status.code(), Some(1));
    let out = home.nlread(&["feed", "remove", &server.url("/a.xml")]);
    assert!(out.status.success());
    let out = home.nlread(&["feed", "list"]);
    assert!(text(&out.stdout).starts_with("No subscriptions yet"));
    // Unsubscribing leaves the issues in the library.
    assert_eq!(home.stored().len(), 2);
    let out = home.nlread(&["fetch"]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("no feeds to fetch"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn config_check_reads_feeds_toml_with_lines_and_columns() {
    let home = Home::new();
    fs::create_dir_all(home.config_dir()).expect("dir");
    fs::write(
        home.feeds_toml(),
        "[[feed]]\nurl = \"https://ok.example/feed\"\n\n[[feed]]\nurl = \"gopher://old.example/\"\n",
    )
    .expect("write");
    fs::write(
        home.config_dir().join("config.toml"),
        "[fetch]\nevery = \"1m\"\ntimeout = 0\n",
    )
    .expect("write");
    let out = home.nlread(&["config", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert!(lines[0].ends_with("config.toml:2:9: fetch.every: \"1m\" is more often than feeds change; at least \"5m\" (fetching only on r)"), "{said}");
    assert!(lines[1].ends_with("config.toml:3:11: fetch.timeout: expected seconds from 1 to 600, found the number 0; using 30"), "{said}");
    assert!(lines[2].ends_with("feeds.toml:5:7: feed.url: \"gopher://old.example/\" is not an http or https address; nlread fetches only those; this feed is skipped"), "{said}");
    // The list says the same and lists the rest.
    let out = home.nlread(&["feed", "list"]);
    assert!(
        text(&out.stderr).contains("feeds.toml:5:7: feed.url:"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).ends_with("\n1 feed\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn add_of_a_web_address_points_to_feed_add() {
    let home = Home::new();
    let out = home.nlread(&["add", "https://news.example/feed"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "https://news.example/feed is a web address, not a file: `nlread feed add https://news.example/feed` subscribes"
        ),
        "{}",
        text(&out.stderr)
    );
}
