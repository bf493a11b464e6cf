//! Links: only http(s) and mailto addresses reach `Effect::OpenLink`;
//! everything else is listed (sanitized) but `o` says why it is not opened.
//! `y` copies, and the OSC 52 payload decodes to a control-free string.

use crate::support;
use nlread::app::{Action, Effect, update_now};
use nlread::model::{Block, Issue, Library, Link, Section};
use nlread::tui::clipboard::osc52;

const OPENED: &[&str] = &[
    "https://example.com/",
    "http://example.com/a?b=c#d",
    "HTTPS://EXAMPLE.COM/UPPER",
    "mailto:editor@example.com",
    "MailTo:editor@example.com?subject=hi",
];

const REFUSED: &[&str] = &[
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\njavascript:alert(1)",
    "\u{1}javascript:alert(1)",
    "\u{1b}[2Jjavascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "slack://open?team=x",
    "vscode://file/etc/passwd",
    "ssh://evil.test",
    "//evil.test/path",
    "http:",
    "http:evil.test",
    "https:/evil.test",
    "https://",
    "mailto:",
    " https://example.com/",
    "https://example.com/\u{1b}]0;t\u{7}",
    "https://example.com/\u{7}",
    "https://example.com/\u{9b}2J",
    "https://example.com/\u{202e}gpj.exe",
    "https://exa mple.com/",
    "https://example.com/\r\nrm -rf ~",
    "",
];

fn library(url: &str) -> Library {
    let section = Section::new(
        "s".into(),
        "A story with one link".into(),
        [Block::Paragraph {
            text: "Read the report here.",
        }],
    )
    .with_links(vec![Link {
        text: "the report".into(),
        url: url.into(),
        block: 0,
        at: 15,
    }]);
    Library {
        issues: vec![Issue {
            id: "i".into(),
            source: "i.txt".into(),
            newsletter: Some("Letter".into()),
            title: "One".into(),
            date: None,
            author: None,
            sections: vec![section],
            url: None,
            guid: None,
        }],
        errors: Vec::new(),
    }
}

/// The reader on the story, after `o` (or `y` when `copy`).
fn press(url: &str, copy: bool) -> (nlread::app::App, Effect) {
    let mut app = support::app(library(url), "here");
    support::apply(&mut app, &[Action::Open, Action::Open]);
    let key = if copy {
        Action::CopyLink
    } else {
        Action::OpenLink
    };
    let effect = update_now(&mut app, key);
    (app, effect)
}

#[test]
fn only_web_and_mail_links_reach_the_opener() {
    for url in OPENED {
        let (_, effect) = press(url, false);
        assert_eq!(effect, Effect::OpenLink(url.to_string()), "{url:?}");
    }
    for url in REFUSED {
        let (app, effect) = press(url, false);
        assert_eq!(effect, Effect::None, "{url:?} was handed to the opener");
        assert_eq!(
            app.status(),
            Some(&nlread::app::Status::NotOpened),
            "{url:?}"
        );
    }
}

#[test]
fn refused_links_are_still_listed_clean() {
    for url in REFUSED.iter().chain(OPENED) {
        let (mut app, _) = press(url, false);
        for &(w, h) in &[(120, 35), (60, 20)] {
            let buffer = support::draw_test(&mut app, w, h);
            let bad = support::bad_cells(&buffer);
            assert!(bad.is_empty(), "{url:?} at {w}x{h}: {bad:?}");
            let screen = support::rows(&buffer).join("\n");
            assert!(screen.contains("[1]"), "{url:?}: no link list\n{screen}");
        }
        // The part of the address a user would check is on screen.
        if url.contains("evil.test") {
            let buffer = support::draw_test(&mut app, 120, 35);
            let screen = support::rows(&buffer).join("\n");
            assert!(screen.contains("evil.test"), "{url:?}\n{screen}");
        }
    }
}

#[test]
fn refused_links_from_parsers_are_not_opened() {
    let html = "<h1>L</h1><h2>Story</h2><p><a href=\"JaVaScRiPt:alert(1)\">one</a> \
                <a href=\"file:///etc/passwd\">two</a> <a href=\" data:text/html,x\">three</a> \
                <a href=\"https://ok.example.com/\">four</a></p>";
    let markdown = "# L\n\n## Story\n\n[one](JaVaScRiPt:alert(1)) [two](file:///etc/passwd) \
                    [three](vbscript:x) [four](https://ok.example.com/)\n";
    for (name, bytes) in [("a.html", html), ("a.md", markdown)] {
        let issues = nlread::parse::parse_bytes(bytes.as_bytes(), name).expect("parses");
        let library = Library {
            issues,
            errors: Vec::new(),
        };
        let mut app = support::app(library, "here");
        support::apply(&mut app, &[Action::Open, Action::Open]);
        let links = app
            .shown_section()
            .map(|s| s.links.clone())
            .unwrap_or_default();
        assert!(
            links.iter().any(|l| l.url == "https://ok.example.com/"),
            "{name}: {links:?}"
        );
        let mut opened = Vec::new();
        for n in 1..=links.len() {
            let digit = u8::try_from(n).expect("few links");
            update_now(&mut app, Action::Count(digit));
            if let Effect::OpenLink(url) = update_now(&mut app, Action::OpenLink) {
                opened.push(url);
            }
        }
        assert_eq!(
            opened,
            vec!["https://ok.example.com/".to_string()],
            "{name}"
        );
    }
}

#[test]
fn copied_addresses_are_sanitized_in_the_clipboard() {
    for url in REFUSED.iter().chain(OPENED) {
        let (_, effect) = press(url, true);
        let Effect::CopyLink(copied) = effect else {
            panic!("{url:?}: y gave {effect:?}");
        };
        let seq = osc52(&copied);
        let payload = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix('\x07'))
            .expect("one OSC 52 frame");
        let decoded = String::from_utf8(support::unbase64(payload)).expect("UTF-8");
        assert!(
            support::first_forbidden(&decoded).is_none() && !decoded.contains('\n'),
            "{url:?} copied as {decoded:?}"
        );
    }
    let (_, effect) = press("https://example.com/a", true);
    let Effect::CopyLink(url) = effect else {
        panic!("no copy");
    };
    let seq = osc52(&url);
    let decoded = support::unbase64(&seq[7..seq.len() - 1]);
    assert_eq!(decoded, b"https://example.com/a");
}

#[test]
fn the_status_line_names_the_host_a_browser_would_open() {
    // Issue 11, finding 10: "Opened [1] trusted-bank.example" for an
    // address browsers take to evil.example (a backslash ends the host).
    let url = "https://evil.example\\@trusted-bank.example/login";
    let (app, effect) = press(url, false);
    assert_eq!(effect, Effect::OpenLink(url.to_string()));
    let status = app
        .status()
        .map(nlread::app::messages::status)
        .unwrap_or_default();
    assert!(status.contains("evil.example"), "{status}");
    assert!(!status.contains("trusted-bank"), "{status}");
}
