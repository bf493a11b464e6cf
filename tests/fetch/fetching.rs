//! Issue 14's "Done when", case by case: subscribe, fetch, fetch again (a
//! conditional request answered 304, nothing duplicated), a new item
//! (exactly one new issue), a changed item with the same GUID (updated,
//! not duplicated), a 404, a server that never answers (the fetch ends at
//! its timeout, the other feeds stored), redirects (a permanent one moves
//! the subscription), an HTML page, a 50 MB body refused at the cap, and
//! 429 with Retry-After respected.

use std::fs;
use std::time::{Duration, Instant};

use crate::http::{Response, Server};
use crate::{Home, library_titles, rss, text};

const HARBOUR: &[(&str, &str, &str)] = &[
    (
        "h2",
        "Cranes on strike",
        "Dock cranes stood still for a day.",
    ),
    (
        "h1",
        "Tides turn early",
        "The tide tables changed this spring.",
    ),
];

#[test]
fn fetch_then_fetch_again_is_a_304_and_stores_nothing_twice() {
    let server = Server::start();
    server.set(
        "/harbour.xml",
        Response::feed(&rss("Harbour Gazette", HARBOUR)),
    );
    let home = Home::new();
    home.subscribe(&server.url("/harbour.xml"), "Harbour Gazette");

    let out = home.nlread(&["fetch"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2 new issues from 1 feed\n");
    assert_eq!(text(&out.stderr), "", "no progress bar in a pipe");
    let stored = home.stored();
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(
        stored
            .iter()
            .all(|f| f.starts_with("feeds/harbour-gazette/2025-04-16-")),
        "{stored:?}"
    );
    assert_eq!(
        library_titles(&home),
        ["Cranes on strike", "Tides turn early"]
    );
    let first = server.requests("/harbour.xml");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].header("if-none-match"), None);
    let agent = first[0].header("user-agent").unwrap_or_default();
    assert_eq!(agent, format!("nlread/{}", env!("CARGO_PKG_VERSION")));
    assert!(
        first[0]
            .header("accept-encoding")
            .unwrap_or_default()
            .contains("gzip")
    );

    let out = home.nlread(&["fetch"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "0 new issues from 1 feed\n");
    let again = server.requests("/harbour.xml");
    assert_eq!(again.len(), 2);
    let etag = Response::feed(&rss("Harbour Gazette", HARBOUR))
        .headers
        .into_iter()
        .find(|(n, _)| n == "ETag")
        .map(|(_, v)| v);
    assert_eq!(
        again[1].header("if-none-match"),
        etag.as_deref(),
        "conditional"
    );
    assert_eq!(
        again[1].header("if-modified-since"),
        Some("Wed, 16 Apr 2025 08:00:00 GMT")
    );
    assert_eq!(home.stored(), stored, "nothing written again");
}

#[test]
fn a_new_item_is_exactly_one_new_issue_and_a_changed_one_replaces_its_file() {
    let server = Server::start();
    server.set("/h.xml", Response::feed(&rss("Harbour Gazette", HARBOUR)));
    let home = Home::new();
    home.subscribe(&server.url("/h.xml"), "Harbour Gazette");
    assert!(home.nlread(&["fetch"]).status.success());
    let before = home.stored();

    let mut more = vec![("h3", "Ferry timetable", "The night ferry runs again.")];
    more.extend_from_slice(HARBOUR);
    server.set("/h.xml", Response::feed(&rss("Harbour Gazette", &more)));
    let out = home.nlread(&["fetch"]);
    assert_eq!(text(&out.stdout), "1 new issue from 1 feed\n");
    let after = home.stored();
    assert_eq!(after.len(), 3);
    assert!(before.iter().all(|f| after.contains(f)));
    assert_eq!(
        library_titles(&home),
        ["Cranes on strike", "Ferry timetable", "Tides turn early"]
    );

    // h1's text changes, its GUID does not.
    let changed = vec![
        more[0],
        more[1],
        (
            "h1",
            "Tides turn early",
            "CORRECTION: the tide tables changed in winter.",
        ),
    ];
    server.set("/h.xml", Response::feed(&rss("Harbour Gazette", &changed)));
    let out = home.nlread(&["fetch"]);
    assert_eq!(text(&out.stdout), "0 new issues from 1 feed, 1 updated\n");
    assert_eq!(home.stored(), after, "the same files, none added");
    let library = nlread::library::load_paths(&[home.library()]);
    assert_eq!(library.issues.len(), 3);
    let tides = library
        .issues
        .iter()
        .find(|i| i.title == "Tides turn early")
        .expect("tides");
    assert!(tides.sections[0].body().contains("CORRECTION"), "{tides:?}");
    let guids: std::collections::HashSet<_> =
        library.issues.iter().map(|i| i.guid.clone()).collect();
    assert_eq!(guids.len(), 3, "one issue per GUID");
}

#[test]
fn failed_feeds_are_named_with_their_reason_and_the_others_stored() {
    let server = Server::start();
    server.set(
        "/good.xml",
        Response::feed(&rss("Harbour Gazette", HARBOUR)),
    );
    server.set("/gone.xml", Response::status(404));
    server.set("/silent.xml", Response::never());
    server.set(
        "/page.html",
        Response::page("<!doctype html><html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/good.xml\"></head><body>Welcome</body></html>"),
    );
    // 50 MB, said in its Content-Length, and 50 MB sent with no length.
    server.set("/huge.xml", Response::endless(50 << 20, true));
    server.set("/huge-chunked.xml", Response::endless(50 << 20, false));
    let home = Home::new();
    for (path, name) in [
        ("/good.xml", "Good"),
        ("/gone.xml", "Gone"),
        ("/silent.xml", "Silent"),
        ("/page.html", "Page"),
        ("/huge.xml", "Huge"),
        ("/huge-chunked.xml", "Chunked"),
    ] {
        home.subscribe(&server.url(path), name);
    }
    let start = Instant::now();
    let out = home.nlread(&["fetch", "--timeout", "3"]);
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2 new issues from 6 feeds; 5 failed\n");
    let err = text(&out.stderr);
    let said = |name: &str, path: &str, reason: &str| {
        let line = format!("nlread: {name} ({}): {reason}", server.url(path));
        assert!(err.lines().any(|l| l == line), "{line:?} not in:\n{err}");
    };
    said("Gone", "/gone.xml", "HTTP 404 Not Found");
    said("Silent", "/silent.xml", "timed out after 3 s");
    said(
        "Page",
        "/page.html",
        &format!(
            "not a feed but a web page; its feed seems to be at {}",
            server.url("/good.xml")
        ),
    );
    said("Huge", "/huge.xml", "too large: more than 16 MiB");
    said(
        "Chunked",
        "/huge-chunked.xml",
        "too large: more than 16 MiB",
    );
    // The silent server held the fetch to its timeout, no longer.
    assert!(took >= Duration::from_secs(3), "{took:?}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(home.stored().len(), 2, "the good feed is stored");
    assert_eq!(
        library_titles(&home),
        ["Cranes on strike", "Tides turn early"]
    );
}

#[test]
fn redirects_are_followed_and_only_a_permanent_one_moves_the_subscription() {
    let server = Server::start();
    server.set("/now.xml", Response::feed(&rss("Harbour Gazette", HARBOUR)));
    server.set("/for-a-while.xml", Response::redirect(302, "/now.xml"));
    server.set("/old.xml", Response::redirect(301, "/older-still.xml"));
    server.set("/older-still.xml", Response::redirect(308, "/lantern.xml"));
    let lantern = [("l1", "Kite day", "The kites flew over the harbour.")];
    server.set(
        "/lantern.xml",
        Response::feed(&rss("Lantern Notes", &lantern)),
    );
    let home = Home::new();
    home.subscribe(&server.url("/for-a-while.xml"), "Harbour");
    home.subscribe(&server.url("/old.xml"), "Lantern");

    let out = home.nlread(&["fetch"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "3 new issues from 2 feeds\n");
    assert!(
        text(&out.stderr).contains(&format!(
            "nlread: Lantern moved for good to {}",
            server.url("/lantern.xml")
        )),
        "{}",
        text(&out.stderr)
    );
    let feeds = fs::read_to_string(home.feeds_toml()).expect("feeds.toml");
    assert!(feeds.contains(&server.url("/for-a-while.xml")), "{feeds}");
    assert!(!feeds.contains("/old.xml"), "{feeds}");
    assert!(
        feeds.contains(&format!(
            "url = \"{}\"\nname = \"Lantern\"",
            server.url("/lantern.xml")
        )),
        "{feeds}"
    );

    // The next fetch asks the new address, conditionally, and stores nothing again.
    let out = home.nlread(&["fetch"]);
    assert_eq!(text(&out.stdout), "0 new issues from 2 feeds\n");
    assert_eq!(server.requests("/old.xml").len(), 1);
    let direct = server.requests("/lantern.xml");
    assert_eq!(direct.len(), 2);
    assert!(direct[1].header("if-none-match").is_some());
    assert_eq!(home.stored().len(), 3);
}

#[test]
fn gzip_is_undone_and_a_429_keeps_nlread_away_until_retry_after() {
    let server = Server::start();
    server.set(
        "/zipped.xml",
        Response::feed(&rss("Harbour Gazette", HARBOUR)).gzip(),
    );
    server.set(
        "/busy.xml",
        Response::status(429).header("Retry-After", "3600"),
    );
    let home = Home::new();
    home.subscribe(&server.url("/zipped.xml"), "Zipped");
    home.subscribe(&server.url("/busy.xml"), "Busy");
    let out = home.nlread(&["fetch"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "2 new issues from 2 feeds; 1 failed\n");
    assert!(
        text(&out.stderr).contains("the server asks nlread to wait (HTTP 429); next try after"),
        "{}",
        text(&out.stderr)
    );
    // Within the hour the feed is not asked again.
    let out = home.nlread(&["fetch", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(server.requests("/busy.xml").len(), 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let busy = &report["feeds"][1];
    assert_eq!(busy["status"], "waiting", "{report}");
    assert_eq!(busy["name"], "Busy");
    assert_eq!(report["feeds"][0]["status"], "not_modified");
}

#[test]
fn fifty_feeds_take_about_the_time_of_the_slowest() {
    // Fifty newsletters live on fifty hosts: a server each (nlread asks one
    // host at most two things at once).
    let servers: Vec<Server> = (0..50).map(|_| Server::start()).collect();
    let home = Home::new();
    let mut text_feeds = String::new();
    for (n, server) in servers.iter().enumerate() {
        // One slow feed; each of the others a little slow too.
        let delay = if n == 7 { 1500 } else { 200 };
        let items = [(&*format!("g{n}"), &*format!("Story {n}"), "Some text.")];
        server.set(
            "/feed.xml",
            Response::feed(&rss(&format!("Feed {n}"), &items)).delay(Duration::from_millis(delay)),
        );
        text_feeds.push_str(&format!(
            "[[feed]]\nurl = \"{}\"\n\n",
            server.url("/feed.xml")
        ));
    }
    fs::create_dir_all(home.config_dir()).expect("config dir");
    fs::write(home.feeds_toml(), text_feeds).expect("feeds.toml");
    let start = Instant::now();
    let out = home.nlread(&["fetch"]);
    let took = start.elapsed();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "50 new issues from 50 feeds\n");
    assert_eq!(home.stored().len(), 50);
    // One after another they would take 11.3 s. Generous for a busy
    // machine, still far below that.
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert!(took >= Duration::from_millis(1500), "{took:?}");
}

#[test]
fn a_second_fetch_at_once_is_refused_and_stores_nothing() {
    let server = Server::start();
    server.set("/h.xml", Response::feed(&rss("Harbour Gazette", HARBOUR)));
    let home = Home::new();
    home.subscribe(&server.url("/h.xml"), "Harbour Gazette");
    // Another fetch holds the lock beside the state file.
    let lock = fs::File::create(home.config_dir().join("feeds-state.json.lock")).expect("lock");
    lock.try_lock().expect("locked");
    let out = home.nlread(&["fetch"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "nlread: another nlread is fetching the feeds; try again once it has finished\n"
    );
    assert!(server.requests("/h.xml").is_empty());
    drop(lock);
    let out = home.nlread(&["fetch"]);
    assert_eq!(text(&out.stdout), "2 new issues from 1 feed\n");
}
