//! The config file (`config.toml` in the config directory): library
//! folders, issue order, theme, key bindings, pane widths and reading
//! behaviour.
//!
//! [`parse`] is pure: text in, a [`Config`] and its [`Diagnostic`]s out.
//! A mistake never stops nlread: the broken part keeps its default (a bad
//! colour keeps the rest of the theme), unknown keys are reported and
//! skipped, and only text that is not TOML at all means defaults for
//! everything. [`mod@file`] finds and reads the file. The shipped defaults are
//! [`DEFAULT_TOML`], compiled in from `assets/config.toml`.

pub mod file;
mod split;

use std::str::FromStr;

use crate::app::keys::{self, Bindings, Code, Key};
use crate::app::panes::PaneWidths;
use crate::app::{Action, Settings};
use crate::library::SortOrder;
use crate::ui::theme::Palette;
use ratatui::style::Color;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The commented default config, as `nlread config --default` prints it.
pub const DEFAULT_TOML: &str = include_str!("../../assets/config.toml");

/// Everything the config file can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The library folders as written (`~` not yet expanded, see
    /// [`file::library_folders`]); none: the data directory's `library`.
    pub folders: Vec<String>,
    pub sort: SortOrder,
    pub mark_read_at_end: bool,
    pub panes: PaneWidths,
    pub preset: Preset,
    /// The preset's colours with the config's own on top.
    pub palette: Palette,
    pub keys: Bindings,
    /// Per-newsletter split rules (`[[split]]`).
    pub split: crate::parse::SplitRules,
    /// Fetching feeds (`[fetch]`).
    pub fetch: FetchSettings,
}

/// How feeds are fetched (`[fetch]`): the subscriptions themselves live in
/// `feeds.toml` beside the config (see `crate::fetch::feeds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchSettings {
    /// Fetch every feed this often while the reader runs; None: only on `r`.
    pub every: Option<std::time::Duration>,
    /// The longest one feed may take.
    pub timeout: std::time::Duration,
}

impl Default for FetchSettings {
    fn default() -> FetchSettings {
        FetchSettings {
            every: None,
            timeout: crate::fetch::DEFAULT_TIMEOUT,
        }
    }
}

/// `fetch.every` no shorter than this: a feed changes a few times a day.
pub const MIN_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// `fetch.timeout` (seconds) from 1 to this.
pub const MAX_TIMEOUT_SECS: u64 = 600;

/// A duration as the config writes it: "90s", "15m", "2h", "1d".
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(unit_at);
    let n: u64 = number.parse().ok()?;
    let secs = match unit.trim() {
        "s" => n,
        "m" | "min" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

impl Default for Config {
    fn default() -> Config {
        Config {
            folders: Vec::new(),
            sort: SortOrder::Date,
            mark_read_at_end: true,
            panes: PaneWidths::default(),
            preset: Preset::Dark,
            palette: Palette::dark(),
            keys: Bindings::default(),
            split: crate::parse::SplitRules::default(),
            fetch: FetchSettings::default(),
        }
    }
}

impl Config {
    /// What the reader's `App` takes from the config.
    pub fn settings(&self) -> Settings {
        Settings {
            mark_read_at_end: self.mark_read_at_end,
            panes: self.panes,
            keys: self.keys.clone(),
            fetch_every: self
                .fetch
                .every
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            ..Settings::default()
        }
    }
}

/// The theme a palette starts from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Preset {
    #[default]
    Dark,
    Light,
}

/// One problem in the config file: where (1-based line and column, in
/// characters; 0 when the problem has no place, such as an unreadable
/// file), which setting (`reading.mark_read_at_end`, empty for the file
/// itself) and what is wrong and what nlread does instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub column: usize,
    pub key: String,
    pub message: String,
}

impl Diagnostic {
    /// `file:line:column: key: message`, the way compilers say it.
    pub fn render(&self, file: &str) -> String {
        let mut out = file.to_string();
        if self.line > 0 {
            out.push_str(&format!(":{}:{}", self.line, self.column));
        }
        out.push_str(": ");
        if !self.key.is_empty() {
            out.push_str(&self.key);
            out.push_str(": ");
        }
        out.push_str(&self.message);
        out
    }
}

/// The colour settings under `[theme.colors]`, in the order of [`Palette`].
pub const COLOR_NAMES: &[&str] = &[
    "border_focused",
    "border",
    "selection",
    "selection_text",
    "selection_unfocused",
    "dim",
    "newsletter",
    "hit_text",
    "hit",
    "title",
    "unread",
    "star",
    "link",
    "url",
    "marker",
    "quote_bar",
    "status",
    "error",
];

fn color_mut<'a>(p: &'a mut Palette, name: &str) -> Option<&'a mut Color> {
    Some(match name {
        "border_focused" => &mut p.border_focused,
        "border" => &mut p.border,
        "selection" => &mut p.selection,
        "selection_text" => &mut p.selection_text,
        "selection_unfocused" => &mut p.selection_unfocused,
        "dim" => &mut p.dim,
        "newsletter" => &mut p.newsletter,
        "hit_text" => &mut p.hit_text,
        "hit" => &mut p.hit,
        "title" => &mut p.title,
        "unread" => &mut p.unread,
        "star" => &mut p.star,
        "link" => &mut p.link,
        "url" => &mut p.url,
        "marker" => &mut p.marker,
        "quote_bar" => &mut p.quote_bar,
        "status" => &mut p.status,
        "error" => &mut p.error,
        _ => return None,
    })
}

/// Reads config text. Never fails: every problem is a diagnostic (in the
/// order of the file) and the setting it concerns keeps its default.
pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
    let mut p = Parser {
        config: Config::default(),
        found: Vec::new(),
    };
    match DeTable::parse(text) {
        Ok(root) => p.root(root.get_ref()),
        Err(err) => {
            let at = err.span().map_or(0, |s| s.start);
            let what = err.message().trim().replace('\n', "; ");
            p.report(
                at,
                "",
                format!("this is not valid TOML ({what}); using the defaults for everything"),
            );
            p.config = Config::default();
        }
    }
    let Parser { config, mut found } = p;
    found.sort_by_key(|(at, ..)| *at);
    let diagnostics = found
        .into_iter()
        .map(|(at, key, message)| {
            let (line, column) = line_column(text, at);
            Diagnostic {
                line,
                column,
                key,
                message,
            }
        })
        .collect();
    (config, diagnostics)
}

/// 1-based line and column (in characters) of byte offset `at`.
pub(crate) fn line_column(text: &str, at: usize) -> (usize, usize) {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

type Value<'i> = Spanned<DeValue<'i>>;

/// An action the file rebinds: where its name is, the action, and each of
/// its keys with where that key is written.
type Override = (usize, Action, Vec<(Key, usize)>);

struct Parser {
    config: Config,
    /// (byte offset, setting, message)
    found: Vec<(usize, String, String)>,
}

impl Parser {
    fn report(&mut self, at: usize, key: &str, message: String) {
        self.found.push((at, key.to_string(), message));
    }

    fn unknown(&mut self, at: usize, key: &str, known: &[&str], what: &str) {
        let name = key.rsplit('.').next().unwrap_or(key);
        let hint = match suggest(name, known) {
            Some(s) => format!("; did you mean {s}?"),
            None => format!(" (known: {})", known.join(", ")),
        };
        self.report(at, key, format!("unknown {what}, ignored{hint}"));
    }

    /// The table under `key`, or a diagnostic.
    fn table<'a, 'i>(&mut self, key: &str, value: &'a Value<'i>) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                let found = found(other);
                self.report(
                    value.span().start,
                    key,
                    format!("expected a table, found {found}; using the defaults"),
                );
                None
            }
        }
    }

    fn root(&mut self, root: &DeTable<'_>) {
        const SECTIONS: &[&str] = &[
            "library", "reading", "panes", "theme", "keys", "split", "fetch",
        ];
        for (k, v) in root.iter() {
            let name = k.get_ref().as_ref();
            let at = k.span().start;
            match name {
                "library" => self.library(v),
                "reading" => self.reading(v),
                "panes" => self.panes(v),
                "theme" => self.theme(v),
                "keys" => self.keys(v),
                "split" => self.split(v),
                "fetch" => self.fetch(v),
                "feed" => self.report(
                    at,
                    "feed",
                    format!(
                        "subscriptions live in {} beside this file (nlread feed add URL \
                         writes it); ignored here",
                        crate::fetch::feeds::FILE_NAME
                    ),
                ),
                _ => self.unknown(at, name, SECTIONS, "section"),
            }
        }
    }

    fn library(&mut self, v: &Value<'_>) {
        let Some(t) = self.table("library", v) else {
            return;
        };
        for (k, v) in t.iter() {
            match k.get_ref().as_ref() {
                "folders" => self.folders(v),
                "sort" => {
                    const ORDERS: &[(&str, SortOrder)] = &[
                        ("date", SortOrder::Date),
                        ("newsletter", SortOrder::Newsletter),
                    ];
                    if let Some(order) = self.choice("library.sort", v, ORDERS) {
                        self.config.sort = order;
                    }
                }
                other => self.unknown(
                    k.span().start,
                    &format!("library.{other}"),
                    &["folders", "sort"],
                    "setting",
                ),
            }
        }
    }

    fn folders(&mut self, v: &Value<'_>) {
        const KEY: &str = "library.folders";
        let items: Vec<&Value<'_>> = match v.get_ref() {
            DeValue::String(_) => vec![v],
            DeValue::Array(a) => a.iter().collect(),
            other => {
                let found = found(other);
                self.report(
                    v.span().start,
                    KEY,
                    format!(
                        "expected a list of folders such as [\"~/newsletters\"], found {found}; \
                         using the default"
                    ),
                );
                return;
            }
        };
        let mut folders = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => folders.push(s.to_string()),
                other => {
                    let found = found(other);
                    self.report(
                        item.span().start,
                        KEY,
                        format!("expected a folder name, found {found}; ignored"),
                    );
                }
            }
        }
        self.config.folders = folders;
    }

    fn fetch(&mut self, v: &Value<'_>) {
        let Some(t) = self.table("fetch", v) else {
            return;
        };
        for (k, v) in t.iter() {
            let at = v.span().start;
            match k.get_ref().as_ref() {
                "every" => match v.get_ref() {
                    DeValue::String(s) if s.trim() == "off" => self.config.fetch.every = None,
                    DeValue::Boolean(false) => self.config.fetch.every = None,
                    DeValue::String(s) => match parse_duration(s) {
                        Some(d) if d >= MIN_EVERY => self.config.fetch.every = Some(d),
                        Some(_) => self.report(
                            at,
                            "fetch.every",
                            format!(
                                "{s:?} is more often than feeds change; at least \"5m\" \
                                 (fetching only on r)"
                            ),
                        ),
                        None => self.report(
                            at,
                            "fetch.every",
                            format!(
                                "expected a time such as \"30m\", \"2h\" or \"1d\" (or \
                                 \"off\"), found {}; fetching only on r",
                                found(v.get_ref())
                            ),
                        ),
                    },
                    other => {
                        let found = found(other);
                        self.report(
                            at,
                            "fetch.every",
                            format!(
                                "expected a time such as \"30m\", \"2h\" or \"1d\" (or \
                                 \"off\"), found {found}; fetching only on r"
                            ),
                        );
                    }
                },
                "timeout" => {
                    let secs = match v.get_ref() {
                        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                            .ok()
                            .and_then(|n| u64::try_from(n).ok())
                            .filter(|n| (1..=MAX_TIMEOUT_SECS).contains(n)),
                        _ => None,
                    };
                    match secs {
                        Some(n) => {
                            self.config.fetch.timeout = std::time::Duration::from_secs(n);
                        }
                        None => {
                            let found = found(v.get_ref());
                            self.report(
                                at,
                                "fetch.timeout",
                                format!(
                                    "expected seconds from 1 to {MAX_TIMEOUT_SECS}, found \
                                     {found}; using {}",
                                    crate::fetch::DEFAULT_TIMEOUT.as_secs()
                                ),
                            );
                        }
                    }
                }
                other => self.unknown(
                    k.span().start,
                    &format!("fetch.{other}"),
                    &["every", "timeout"],
                    "setting",
                ),
            }
        }
    }

    fn reading(&mut self, v: &Value<'_>) {
        let Some(t) = self.table("reading", v) else {
            return;
        };
        for (k, v) in t.iter() {
            match k.get_ref().as_ref() {
                "mark_read_at_end" => match v.get_ref() {
                    DeValue::Boolean(b) => self.config.mark_read_at_end = *b,
                    other => {
                        let found = found(other);
                        self.report(
                            v.span().start,
                            "reading.mark_read_at_end",
                            format!("expected a boolean (true or false), found {found}; using the default"),
                        );
                    }
                },
                other => self.unknown(
                    k.span().start,
                    &format!("reading.{other}"),
                    &["mark_read_at_end"],
                    "setting",
                ),
            }
        }
    }

    fn panes(&mut self, v: &Value<'_>) {
        let Some(t) = self.table("panes", v) else {
            return;
        };
        for (k, v) in t.iter() {
            let name = k.get_ref().as_ref();
            let key = format!("panes.{name}");
            let slot = match name {
                "issues" => &mut self.config.panes.issues,
                "sections" => &mut self.config.panes.sections,
                other => {
                    self.unknown(
                        k.span().start,
                        &format!("panes.{other}"),
                        &["issues", "sections"],
                        "setting",
                    );
                    continue;
                }
            };
            let range = PaneWidths::RANGE;
            let width = match v.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .and_then(|n| u16::try_from(n).ok())
                    .filter(|n| range.contains(n)),
                _ => None,
            };
            match width {
                Some(w) => *slot = w,
                None => {
                    let default = *slot;
                    let found = found(v.get_ref());
                    self.report(
                        v.span().start,
                        &key,
                        format!(
                            "expected a width in percent from {} to {}, found {found}; using {default}",
                            range.start(),
                            range.end()
                        ),
                    );
                }
            }
        }
    }

    fn theme(&mut self, v: &Value<'_>) {
        let Some(t) = self.table("theme", v) else {
            return;
        };
        // The preset first, whatever the order in the file: colours go on top.
        if let Some(preset) = t.get("preset") {
            const PRESETS: &[(&str, Preset)] = &[("dark", Preset::Dark), ("light", Preset::Light)];
            if let Some(preset) = self.choice("theme.preset", preset, PRESETS) {
                self.config.preset = preset;
                self.config.palette = match preset {
                    Preset::Dark => Palette::dark(),
                    Preset::Light => Palette::light(),
                };
            }
        }
        for (k, v) in t.iter() {
            match k.get_ref().as_ref() {
                "preset" => {}
                "colors" | "colours" => self.colors(v),
                other => self.unknown(
                    k.span().start,
                    &format!("theme.{other}"),
                    &["preset", "colors"],
                    "setting",
                ),
            }
        }
    }

    fn colors(&mut self, v: &Value<'_>) {
        let Some(t) = self.table("theme.colors", v) else {
            return;
        };
        for (k, v) in t.iter() {
            let name = k.get_ref().as_ref();
            let key = format!("theme.colors.{name}");
            if color_mut(&mut self.config.palette, name).is_none() {
                self.unknown(k.span().start, &key, COLOR_NAMES, "colour");
                continue;
            }
            match color(v.get_ref()) {
                Some(c) => {
                    if let Some(slot) = color_mut(&mut self.config.palette, name) {
                        *slot = c;
                    }
                }
                None => {
                    let found = found(v.get_ref());
                    self.report(
                        v.span().start,
                        &key,
                        format!(
                            "expected a colour (a name such as \"blue\" or \"darkgray\", \
                             \"#rrggbb\", or a number from 0 to 255), found {found}; \
                             using the preset's"
                        ),
                    );
                }
            }
        }
    }

    fn keys(&mut self, v: &Value<'_>) {
        let Some(t) = self.table("keys", v) else {
            return;
        };
        let names: Vec<&str> = keys::names();
        // (action, [(key, where)]) in the order of the file.
        let mut overrides: Vec<Override> = Vec::new();
        for (k, v) in t.iter() {
            let name = k.get_ref().as_ref();
            let key = format!("keys.{name}");
            let Some(action) = keys::action_named(name) else {
                self.unknown(k.span().start, &key, &names, "action");
                continue;
            };
            let items: Vec<&Value<'_>> = match v.get_ref() {
                DeValue::String(_) => vec![v],
                DeValue::Array(a) => a.iter().collect(),
                other => {
                    let found = found(other);
                    self.report(
                        v.span().start,
                        &key,
                        format!(
                            "expected a key or a list of keys such as [\"j\", \"down\"], \
                             found {found}; keeping the default keys"
                        ),
                    );
                    continue;
                }
            };
            let mut bound = Vec::new();
            for item in items {
                let at = item.span().start;
                let DeValue::String(text) = item.get_ref() else {
                    let found = found(item.get_ref());
                    self.report(
                        at,
                        &key,
                        format!("expected a key name, found {found}; ignored"),
                    );
                    continue;
                };
                match Key::parse(text) {
                    None => self.report(
                        at,
                        &key,
                        format!(
                            "{text:?} is not a key (keys look like \"q\", \"J\", \"down\", \
                             \"pagedown\", \"space\", \"ctrl-d\" or \"f1\"); ignored"
                        ),
                    ),
                    Some(k) if k.ctrl && k.code == Code::Char('c') => self.report(
                        at,
                        &key,
                        "ctrl-c always quits and cannot be bound; ignored".to_string(),
                    ),
                    Some(k) if !k.ctrl && !k.alt && matches!(k.code, Code::Char('0'..='9')) => self
                        .report(
                            at,
                            &key,
                            format!(
                                "{text:?} is a digit, which counts before open_link and \
                                 copy_link (\"3o\"); ignored"
                            ),
                        ),
                    Some(k) if bound.iter().any(|(b, _)| *b == k) => {}
                    Some(k) => bound.push((k, at)),
                }
            }
            overrides.push((k.span().start, action, bound));
        }
        overrides.sort_by_key(|(at, ..)| *at);
        self.resolve(overrides);
    }

    /// Applies the overrides to the default bindings so that no key does two
    /// things: between two settings of the file the first keeps the key; a
    /// setting of the file takes a key from an action left at its defaults.
    fn resolve(&mut self, overrides: Vec<Override>) {
        let mut bindings = Bindings::default();
        let mut taken: Vec<(Key, Action)> = Vec::new();
        for (_, action, bound) in &overrides {
            let name = keys::action_name(action).unwrap_or_default();
            let mut keep = Vec::new();
            for (key, at) in bound {
                match taken.iter().find(|(k, _)| k == key) {
                    Some((_, other)) => {
                        let other = keys::action_name(other).unwrap_or_default();
                        self.report(
                            *at,
                            &format!("keys.{name}"),
                            format!(
                                "{:?} is also bound to {other}, which keeps it; ignored here",
                                key.name()
                            ),
                        );
                    }
                    None => {
                        taken.push((*key, action.clone()));
                        keep.push(*key);
                    }
                }
            }
            bindings.set(action, keep);
        }
        let defaults: Vec<(Action, Vec<Key>)> = bindings
            .iter()
            .filter(|(a, _)| !overrides.iter().any(|(_, o, _)| o == *a))
            .map(|(a, k)| (a.clone(), k.to_vec()))
            .collect();
        for (action, keys) in defaults {
            let mut keep = Vec::new();
            for key in keys {
                match taken.iter().find(|(k, _)| *k == key) {
                    Some((_, by)) => {
                        let by_name = keys::action_name(by).unwrap_or_default();
                        let loser = keys::action_name(&action).unwrap_or_default();
                        let at = overrides
                            .iter()
                            .find(|(_, a, _)| a == by)
                            .and_then(|(_, _, b)| b.iter().find(|(k, _)| *k == key))
                            .map_or(0, |(_, at)| *at);
                        self.report(
                            at,
                            &format!("keys.{by_name}"),
                            format!(
                                "{:?} is also a default key of {loser}, which no longer has it",
                                key.name()
                            ),
                        );
                    }
                    None => keep.push(key),
                }
            }
            bindings.set(&action, keep);
        }
        self.config.keys = bindings;
    }

    /// One of a few words, or a diagnostic naming them.
    fn choice<T: Copy>(&mut self, key: &str, v: &Value<'_>, options: &[(&str, T)]) -> Option<T> {
        if let DeValue::String(s) = v.get_ref()
            && let Some((_, t)) = options.iter().find(|(n, _)| *n == s.as_ref())
        {
            return Some(*t);
        }
        let names: Vec<String> = options.iter().map(|(n, _)| format!("{n:?}")).collect();
        let found = found(v.get_ref());
        self.report(
            v.span().start,
            key,
            format!(
                "expected {}, found {found}; using {}",
                names.join(" or "),
                names.first().map_or("the default", String::as_str)
            ),
        );
        None
    }
}

/// A colour from its config value: a name (`"blue"`, `"dark-gray"`,
/// `"default"` for the terminal's own), `"#rrggbb"`, or 0-255.
fn color(v: &DeValue<'_>) -> Option<Color> {
    match v {
        DeValue::String(s) if s.eq_ignore_ascii_case("default") => Some(Color::Reset),
        DeValue::String(s) => Color::from_str(s).ok(),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .and_then(|n| u8::try_from(n).ok())
            .map(Color::Indexed),
        _ => None,
    }
}

/// What a wrong value is, for "expected X, found Y".
pub(crate) fn found(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => {
            let short: String = s.chars().take(40).collect();
            format!("a string {short:?}")
        }
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("the boolean {b}"),
        DeValue::Datetime(_) => "a date".to_string(),
        DeValue::Array(_) => "a list".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    }
}

/// The known name closest to a misspelt one (at most two edits away).
fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edits(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by characters.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests;
