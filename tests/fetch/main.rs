//! Subscribing and fetching against a real HTTP server on 127.0.0.1
//! (tests/support/http.rs), through the built `nlread` with HOME and every
//! XDG folder in a temporary home: what a user would type, what the
//! server sees, what lands in the library.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::new_without_default)]

#[path = "../support/http.rs"]
mod http;

mod cli;
mod fetching;
mod opml;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A home of its own: config, data (the library) and cache folders.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config/nlread")
    }

    pub fn feeds_toml(&self) -> PathBuf {
        self.config_dir().join("feeds.toml")
    }

    pub fn library(&self) -> PathBuf {
        self.dir.path().join("data/nlread/library")
    }

    /// `nlread ARGS` in this home.
    pub fn nlread(&self, args: &[&str]) -> Output {
        let d = self.dir.path();
        Command::new(env!("CARGO_BIN_EXE_nlread"))
            .args(args)
            .env("HOME", d)
            .env("XDG_CONFIG_HOME", d.join("config"))
            .env("XDG_DATA_HOME", d.join("data"))
            .env("XDG_CACHE_HOME", d.join("cache"))
            .env("XDG_STATE_HOME", d.join("state"))
            .env_remove("NO_COLOR")
            .output()
            .expect("nlread runs")
    }

    /// Subscribes without a check (the tests set up the server's answers
    /// after subscribing as often as before).
    pub fn subscribe(&self, url: &str, name: &str) {
        let out = self.nlread(&["feed", "add", url, "--name", name, "--no-check"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    /// Every file fetched into the library, relative, sorted.
    pub fn stored(&self) -> Vec<String> {
        let mut found = Vec::new();
        walk(&self.library(), &self.library(), &mut found);
        found.sort();
        found
    }
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, found);
        } else {
            let rel = path.strip_prefix(root).expect("inside");
            found.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An RSS feed of `items` (guid, title, text), newest first.
pub fn rss(title: &str, items: &[(&str, &str, &str)]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n\
         <title>{title}</title>\n<link>https://{}.example/</link>\n",
        title.to_lowercase().replace(' ', "-")
    );
    for (guid, item_title, body) in items {
        out.push_str(&format!(
            "<item><title>{item_title}</title><guid isPermaLink=\"false\">{guid}</guid>\
             <pubDate>Wed, 16 Apr 2025 08:00:00 GMT</pubDate>\
             <description>&lt;p&gt;{body}&lt;/p&gt;</description></item>\n"
        ));
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

/// The issues the library holds now, as the reader would load them.
pub fn library_titles(home: &Home) -> Vec<String> {
    let library = nlread::library::load_paths(&[home.library()]);
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    let mut titles: Vec<String> = library.issues.into_iter().map(|i| i.title).collect();
    titles.sort();
    titles
}
