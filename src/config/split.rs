//! `[[split]]` tables: per-newsletter split rules, the user's fix when the
//! general rules cut one newsletter wrong. See `assets/config.toml`.
//!
//! ```toml
//! [[split]]
//! newsletter = "The Harbour Ledger"   # and/or sender = "...", files = "*.eml"
//! heading = '^\d+\) '                 # stories start at lines matching this
//! level = 2                           # or at headings of this level
//! lead_ins = true                     # or at bold lead-ins
//! drop = ["Advertise with us"]        # headings whose stories are left out
//! ```

use toml::de::{DeTable, DeValue};

use super::{Parser, Value, found};
use crate::parse::SplitRule;

const KEYS: &[&str] = &[
    "newsletter",
    "sender",
    "files",
    "heading",
    "level",
    "lead_ins",
    "drop",
];

impl Parser {
    /// `[[split]]`: an array of tables, each one rule.
    pub(super) fn split(&mut self, v: &Value<'_>) {
        let tables: Vec<&Value<'_>> = match v.get_ref() {
            DeValue::Array(a) => a.iter().collect(),
            DeValue::Table(_) => vec![v],
            other => {
                let found = found(other);
                self.report(
                    v.span().start,
                    "split",
                    format!("expected [[split]] tables, found {found}; ignored"),
                );
                return;
            }
        };
        for table in tables {
            let Some(t) = self.table("split", table) else {
                continue;
            };
            if let Some(rule) = self.split_rule(t, table.span().start) {
                self.config.split.rules.push(rule);
            }
        }
    }

    fn split_rule(&mut self, t: &DeTable<'_>, at: usize) -> Option<SplitRule> {
        let mut rule = SplitRule::default();
        let mut broken = false;
        for (k, v) in t.iter() {
            let name = k.get_ref().as_ref();
            let key = format!("split.{name}");
            let start = v.span().start;
            match name {
                "newsletter" | "sender" => match self.text(&key, v) {
                    Some(s) if name == "newsletter" => rule.newsletter = Some(s),
                    Some(s) => rule.sender = Some(s),
                    None => broken = true,
                },
                "files" => match self.text(&key, v).map(|g| globset::Glob::new(&g)) {
                    Some(Ok(glob)) => rule.files = Some(glob.compile_matcher()),
                    Some(Err(err)) => {
                        self.report(
                            start,
                            &key,
                            format!("not a file pattern ({}); this rule is ignored", err.kind()),
                        );
                        broken = true;
                    }
                    None => broken = true,
                },
                "heading" => match self.text(&key, v).map(|p| regex::Regex::new(&p)) {
                    Some(Ok(re)) => rule.heading = Some(re),
                    Some(Err(err)) => {
                        let why = err.to_string();
                        let why = why.lines().last().unwrap_or("").trim();
                        self.report(
                            start,
                            &key,
                            format!("not a valid pattern ({why}); this rule is ignored"),
                        );
                        broken = true;
                    }
                    None => broken = true,
                },
                "level" => {
                    let level = match v.get_ref() {
                        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                            .ok()
                            .and_then(|n| u8::try_from(n).ok())
                            .filter(|n| (1..=6).contains(n)),
                        _ => None,
                    };
                    match level {
                        Some(l) => rule.level = Some(l),
                        None => {
                            let found = found(v.get_ref());
                            self.report(
                                start,
                                &key,
                                format!(
                                    "expected a heading level from 1 to 6, found {found}; \
                                     this rule is ignored"
                                ),
                            );
                            broken = true;
                        }
                    }
                }
                "lead_ins" => match v.get_ref() {
                    DeValue::Boolean(b) => rule.lead_ins = *b,
                    other => {
                        let found = found(other);
                        self.report(
                            start,
                            &key,
                            format!("expected true or false, found {found}; this rule is ignored"),
                        );
                        broken = true;
                    }
                },
                "drop" => {
                    let items: Vec<&Value<'_>> = match v.get_ref() {
                        DeValue::String(_) => vec![v],
                        DeValue::Array(a) => a.iter().collect(),
                        other => {
                            let found = found(other);
                            self.report(
                                start,
                                &key,
                                format!(
                                    "expected a list of headings such as [\"Advertise with us\"], \
                                     found {found}; ignored"
                                ),
                            );
                            continue;
                        }
                    };
                    for item in items {
                        if let Some(s) = self.text(&key, item) {
                            rule.drop.push(s);
                        }
                    }
                }
                other => self.unknown(k.span().start, &format!("split.{other}"), KEYS, "setting"),
            }
        }
        if broken {
            return None;
        }
        if rule.newsletter.is_none() && rule.sender.is_none() && rule.files.is_none() {
            self.report(
                at,
                "split",
                "this rule names no newsletter, sender or files, so it applies to nothing; \
                 ignored"
                    .to_string(),
            );
            return None;
        }
        if rule.level.is_none() && rule.heading.is_none() && !rule.lead_ins && rule.drop.is_empty()
        {
            self.report(
                at,
                "split",
                "this rule says neither how stories start (heading, level, lead_ins) nor what \
                 to drop; ignored"
                    .to_string(),
            );
            return None;
        }
        Some(rule)
    }

    /// A non-empty string setting, or a diagnostic.
    fn text(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Some(s.to_string()),
            other => {
                let found = found(other);
                self.report(
                    v.span().start,
                    key,
                    format!("expected text, found {found}; this rule is ignored"),
                );
                None
            }
        }
    }
}
