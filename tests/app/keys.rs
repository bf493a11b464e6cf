//! One table, many readers: the README's keys table, `nlread --help`, the
//! help overlay (`?`) and the default config's `[keys]` all come from
//! `app::keys::TABLE`; these tests fail when one of them drifts.

use nlread::app::keys::{self, Bindings, TABLE};
use nlread::app::messages;

fn repo_file(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_readme_keys_table_is_the_key_table() {
    let readme = repo_file("README.md");
    let start = readme.find("<!-- keys:").expect("the keys marker");
    let body = &readme[start..];
    let body = &body[body.find("-->\n").expect("marker end") + 4..];
    let end = body.find("<!-- /keys -->").expect("the end marker");
    assert_eq!(
        &body[..end],
        keys::readme_table(),
        "README.md's keys table is out of date: paste keys::readme_table()"
    );
}

#[test]
fn help_shows_every_row_of_the_table() {
    let lines = messages::help_lines(&Bindings::default(), 200, 60);
    let text: String = lines.iter().map(|(k, w)| format!("{k} {w}\n")).collect();
    for row in keys::help_rows(&Bindings::default()) {
        assert!(text.contains(row.help), "{:?} missing from ?", row.help);
        assert!(text.contains(&row.keys), "{:?} missing from ?", row.keys);
    }
    for entry in TABLE.iter().filter(|e| !e.help.is_empty()) {
        assert!(text.contains(entry.help), "{:?}", entry.help);
    }
}

#[test]
fn dash_dash_help_lists_the_table() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nlread"))
        .arg("--help")
        .output()
        .expect("nlread runs");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains(keys::cli_help().trim_end()),
        "--help does not list the key table:\n{help}"
    );
}

#[test]
fn the_default_config_binds_what_the_table_binds() {
    let shipped = nlread::config::DEFAULT_TOML;
    let keys_table = &shipped[shipped.find("\n[keys]\n").expect("[keys]")..];
    let bindings: String = keys_table
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(" = ["))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        bindings,
        keys::config_defaults(),
        "assets/config.toml's [keys] is out of date: paste keys::config_defaults()"
    );
    let (config, problems) = nlread::config::parse(shipped);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(config.keys, Bindings::default());
}
