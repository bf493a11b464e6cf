//! Issue 14 in a real terminal: a subscribed feed on a server on
//! 127.0.0.1, the reader on the default library, `r`, and the new issue
//! on screen without a restart; then the feed gains an item and `r`
//! brings exactly that one.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::http::{Response, Server};
use crate::tmux::{TIMEOUT, Tmux, wait_for_exit};

fn rss(items: &[(&str, &str, &str)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Lantern Notes</title>\
         <link>https://lantern.example/</link>\n",
    );
    for (guid, title, text) in items {
        out.push_str(&format!(
            "<item><title>{title}</title><guid>{guid}</guid>\
             <pubDate>Wed, 16 Apr 2025 08:00:00 GMT</pubDate>\
             <description>&lt;p&gt;{text}&lt;/p&gt;</description></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn r_fetches_a_subscribed_feed_and_its_new_issue_appears() {
    let Some(mut tmux) = Tmux::start("fetch") else {
        return;
    };
    let server = Server::start();
    let kite = ("k1", "Kite day", "Forty kites flew over the pier.");
    server.set("/feed.xml", Response::feed(&rss(&[kite])));
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("config/nlread");
    fs::create_dir_all(&config).expect("config dir");
    fs::write(
        config.join("feeds.toml"),
        format!("[[feed]]\nurl = \"{}\"\n", server.url("/feed.xml")),
    )
    .expect("feeds.toml");
    let d = quote(home.path());
    let status = home.path().join("status");
    let command = format!(
        "env HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config XDG_CACHE_HOME={d}/cache \
         {bin} 2>{d}/stderr; echo EXIT=$? > {status}",
        bin = quote(Path::new(env!("CARGO_BIN_EXE_nlread"))),
        status = quote(&status),
    );
    tmux.new_session(120, 35, &command);
    // An empty library: the samples, the welcome first.
    tmux.wait_for("Welcome");
    assert!(server.requests("/feed.xml").is_empty(), "no fetch before r");

    tmux.keys(&["r"]);
    let screen = tmux.wait_until(
        "the fetched issue",
        TIMEOUT,
        Duration::from_millis(50),
        |s| s.contains("Kite day") && s.contains("Fetched 1 feed: 1 new issue"),
    );
    assert!(screen.contains("Lantern Notes"), "{screen}");
    assert_eq!(server.requests("/feed.xml").len(), 1);

    let ferry = ("k2", "Ferry times", "The night ferry runs again.");
    server.set("/feed.xml", Response::feed(&rss(&[ferry, kite])));
    tmux.keys(&["r"]);
    let screen = tmux.wait_until(
        "the second fetched issue",
        TIMEOUT,
        Duration::from_millis(50),
        |s| s.contains("Ferry times") && s.contains("Kite day"),
    );
    assert!(
        !screen.contains("Welcome"),
        "the samples made way: {screen}"
    );
    let stored = fs::read_dir(home.path().join("data/nlread/library/feeds/lantern-notes"))
        .expect("the feed's folder")
        .count();
    assert_eq!(stored, 2, "one file per item");
    let requests = server.requests("/feed.xml");
    assert_eq!(requests.len(), 2);
    assert!(requests[1].header("if-none-match").is_some(), "conditional");

    tmux.keys(&["q"]);
    assert_eq!(wait_for_exit(&status), "EXIT=0");
    let stderr = fs::read_to_string(home.path().join("stderr")).unwrap_or_default();
    assert_eq!(stderr, "");
}

#[test]
fn nlread_fetch_on_a_terminal_shows_a_progress_bar() {
    let Some(mut tmux) = Tmux::start("fetch-bar") else {
        return;
    };
    let server = Server::start();
    let kite = ("k1", "Kite day", "Forty kites flew over the pier.");
    // Slow enough for the bar to be seen before the summary.
    server.set(
        "/slow.xml",
        Response::feed(&rss(&[kite])).delay(Duration::from_secs(3)),
    );
    server.set(
        "/fast.xml",
        Response::feed(&rss(&[("f1", "Ferry", "It runs.")])),
    );
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("config/nlread");
    fs::create_dir_all(&config).expect("config dir");
    fs::write(
        config.join("feeds.toml"),
        format!(
            "[[feed]]\nurl = \"{}\"\n\n[[feed]]\nurl = \"{}\"\n",
            server.url("/slow.xml"),
            server.url("/fast.xml")
        ),
    )
    .expect("feeds.toml");
    let d = quote(home.path());
    let status = home.path().join("status");
    let command = format!(
        "env HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config XDG_CACHE_HOME={d}/cache \
         {bin} fetch; echo EXIT=$? > {status}",
        bin = quote(Path::new(env!("CARGO_BIN_EXE_nlread"))),
        status = quote(&status),
    );
    tmux.new_session(100, 10, &command);
    tmux.wait_for("] 1 of 2 feeds");
    assert_eq!(wait_for_exit(&status), "EXIT=0");
    let screen = tmux.screen_joined();
    assert!(screen.contains("2 new issues from 2 feeds"), "{screen}");
    assert!(!screen.contains("of 2 feeds"), "the bar is wiped: {screen}");
}
