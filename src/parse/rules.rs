//! Per-newsletter split rules: the user's fix when the general rules guess
//! wrong for one newsletter.
//!
//! A rule says which sources it is for (the newsletter's name, the sender
//! or List-Id, a file glob) and how stories start there: at headings of one
//! level, at lines matching a pattern, or at bold lead-ins. When a rule
//! says how stories start, only those start stories; every other heading
//! stays inside its story as a sub-heading. Headings to drop leave out
//! their whole story ("Advertise with us"). The config file builds these
//! (see `config`); here they are plain data applied to an outline.

use super::outline::{Cue, Heading, Hints, Node, Piece};
use super::sectioner::{Passed, Role, Trail, same_words, squash};

/// Every rule from the config, in the order written: the first that
/// matches a source applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitRules {
    pub rules: Vec<SplitRule>,
}

#[derive(Debug, Clone, Default)]
pub struct SplitRule {
    /// For issues of this newsletter (compared by its words).
    pub newsletter: Option<String>,
    /// For mail whose sender or List-Id contains this (case-insensitive).
    pub sender: Option<String>,
    /// For files whose path matches this glob.
    pub files: Option<globset::GlobMatcher>,
    /// Stories start at headings of this level (1-6).
    pub level: Option<u8>,
    /// Stories start at lines (whole paragraphs) matching this pattern.
    pub heading: Option<regex::Regex>,
    /// Stories start at bold lead-ins ("**Title:** text", "**Title** — text").
    pub lead_ins: bool,
    /// Headings whose stories are left out (compared by their words).
    pub drop: Vec<String>,
}

/// Rules are equal when the user wrote the same.
impl PartialEq for SplitRule {
    fn eq(&self, other: &Self) -> bool {
        self.describe() == other.describe()
    }
}

impl Eq for SplitRule {}

impl SplitRules {
    /// What the rules say, as one string: equal rules cut the same, so a
    /// parsed-library cache is keyed by it.
    pub fn fingerprint(&self) -> String {
        self.rules
            .iter()
            .map(SplitRule::describe)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first rule for this source, if any.
    pub fn select(&self, hints: &Hints, source: &str) -> Option<&SplitRule> {
        self.rules.iter().find(|r| r.matches(hints, source))
    }
}

impl SplitRule {
    /// The rule as written: its conditions and what it does.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                parts.push(format!("{key} = {v:?}"));
            }
        };
        add("newsletter", self.newsletter.clone());
        add("sender", self.sender.clone());
        add(
            "files",
            self.files.as_ref().map(|g| g.glob().glob().to_string()),
        );
        add(
            "heading",
            self.heading.as_ref().map(|r| r.as_str().to_string()),
        );
        add("level", self.level.map(|l| l.to_string()));
        add("lead_ins", self.lead_ins.then(|| "true".to_string()));
        add(
            "drop",
            (!self.drop.is_empty()).then(|| self.drop.join(", ")),
        );
        parts.join(", ")
    }

    /// Whether the rule is for this source: every condition it states holds
    /// (a rule that states none is for nothing).
    pub fn matches(&self, hints: &Hints, source: &str) -> bool {
        let mut stated = false;
        if let Some(want) = &self.newsletter {
            stated = true;
            let named = [hints.newsletter.as_deref(), hints.title.as_deref()]
                .into_iter()
                .flatten()
                .any(|n| same_words(n, want) || squash(n).contains(&squash(want)));
            if !named {
                return false;
            }
        }
        if let Some(want) = &self.sender {
            stated = true;
            let want = want.to_lowercase();
            if !hints
                .sender
                .as_deref()
                .is_some_and(|s| s.to_lowercase().contains(&want))
            {
                return false;
            }
        }
        if let Some(glob) = &self.files {
            stated = true;
            let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
            if !glob.is_match(source) && !glob.is_match(name) {
                return false;
            }
        }
        stated
    }

    /// Whether the rule says how stories start (else it only drops).
    fn decides_starts(&self) -> bool {
        self.level.is_some() || self.heading.is_some() || self.lead_ins
    }

    /// The outline as this rule reads it.
    pub fn apply(&self, nodes: Vec<Node>, trail: &mut Trail) -> Vec<Node> {
        if !self.decides_starts() {
            return self.drop_stories(nodes, trail);
        }
        let mut out = Vec::with_capacity(nodes.len());
        // Headings the rule does not start stories at, above its first
        // story with no text between them (the issue's title over the
        // first story): a title, not an intro made of titles.
        let mut above: Vec<Node> = Vec::new();
        let mut started = false;
        for node in nodes {
            if !started {
                match &node {
                    Node::Heading(_) => {}
                    Node::Block(p) if !p.has_words() => {}
                    Node::Break => {}
                    Node::Block(_) => {
                        started = true;
                        out.append(&mut above);
                    }
                }
            }
            match node {
                Node::Heading(h) => {
                    let by_level = self
                        .level
                        .is_some_and(|l| h.level == l && !h.cue.is_styled());
                    let by_pattern = self.heading.as_ref().is_some_and(|re| re.is_match(&h.text));
                    let by_lead_in = self.lead_ins && h.cue == Cue::LeadIn;
                    if by_level || by_pattern || by_lead_in {
                        started = true;
                        above.clear();
                        out.push(Node::Heading(Heading {
                            cue: Cue::UserRule,
                            ..h
                        }));
                    } else {
                        trail.push(Passed {
                            text: h.text.clone(),
                            level: h.level,
                            cue: h.cue,
                            role: Role::NotByRule,
                        });
                        let demoted = Node::Block(h.into_piece());
                        if started {
                            out.push(demoted);
                        } else {
                            above.push(demoted);
                        }
                    }
                }
                Node::Block(p) if !p.lines.is_empty() && self.heading.is_some() => {
                    self.split_lines(p, &mut out);
                }
                Node::Block(p) => {
                    if self
                        .heading
                        .as_ref()
                        .is_some_and(|re| re.is_match(&p.full_text()))
                    {
                        out.push(Node::Heading(Heading {
                            level: 1,
                            text: p.full_text(),
                            links: p.links,
                            cue: Cue::UserRule,
                        }));
                    } else if self.lead_ins && p.lead.is_some() {
                        match p.split_lead() {
                            Some((heading, body)) => {
                                out.push(Node::Heading(Heading {
                                    cue: Cue::UserRule,
                                    ..heading
                                }));
                                out.push(Node::Block(body));
                            }
                            None => out.push(Node::Block(p)),
                        }
                    } else if self.lead_ins
                        && let Some(label) = p.label.clone()
                    {
                        out.push(Node::Heading(Heading::new(1, label, Cue::UserRule)));
                        out.push(Node::Block(Piece { label: None, ..p }));
                    } else {
                        out.push(Node::Block(p));
                    }
                }
                Node::Break => out.push(Node::Break),
            }
        }
        out.append(&mut above);
        self.drop_stories(out, trail)
    }

    /// A paragraph joined from plain-text lines: each line the pattern
    /// matches becomes a heading, the lines after it its text.
    fn split_lines(&self, p: Piece, out: &mut Vec<Node>) {
        let Some(re) = &self.heading else {
            out.push(Node::Block(p));
            return;
        };
        let mut bounds: Vec<usize> = vec![0];
        bounds.extend(p.lines.iter().map(|&s| s as usize));
        bounds.push(p.text.len());
        let lines: Vec<&str> = bounds
            .windows(2)
            .filter_map(|w| p.text.get(w[0]..w[1]))
            .map(str::trim)
            .collect();
        if !lines.iter().any(|l| re.is_match(l)) || p.label.is_some() {
            out.push(Node::Block(p));
            return;
        }
        let mut text = String::new();
        let flush = |text: &mut String, out: &mut Vec<Node>| {
            if !text.is_empty() {
                out.push(Node::Block(Piece::new(p.kind, std::mem::take(text))));
            }
        };
        for line in lines {
            if re.is_match(line) {
                flush(&mut text, out);
                out.push(Node::Heading(Heading::new(1, line, Cue::UserRule)));
            } else {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(line);
            }
        }
        flush(&mut text, out);
    }

    /// Leaves out each dropped heading and what follows it up to the next
    /// heading as big as it.
    fn drop_stories(&self, nodes: Vec<Node>, trail: &mut Trail) -> Vec<Node> {
        if self.drop.is_empty() {
            return nodes;
        }
        let drops: Vec<String> = self.drop.iter().map(|d| squash(d)).collect();
        let mut out = Vec::with_capacity(nodes.len());
        let mut dropping: Option<u8> = None;
        for node in nodes {
            if let Node::Heading(h) = &node {
                if dropping.is_some_and(|level| h.level <= level) {
                    dropping = None;
                }
                let text = squash(&h.text);
                if !text.is_empty() && drops.iter().any(|d| !d.is_empty() && text.contains(d)) {
                    trail.push(Passed {
                        text: h.text.clone(),
                        level: h.level,
                        cue: h.cue,
                        role: Role::Dropped,
                    });
                    dropping = Some(h.level);
                    continue;
                }
            }
            if dropping.is_none() {
                out.push(node);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::outline::PieceKind;

    fn heading(level: u8, text: &str) -> Node {
        Node::Heading(Heading::new(level, text, Cue::Tag))
    }

    fn para(text: &str) -> Node {
        Node::Block(Piece::new(PieceKind::Paragraph, text))
    }

    #[test]
    fn a_rule_needs_every_condition_it_states() {
        let rule = SplitRule {
            newsletter: Some("Harbour Ledger".into()),
            ..SplitRule::default()
        };
        let hints = Hints {
            newsletter: Some("The Harbour Ledger".into()),
            ..Hints::default()
        };
        assert!(rule.matches(&hints, "x.txt"));
        assert!(!rule.matches(&Hints::default(), "x.txt"));
        assert!(!SplitRule::default().matches(&hints, "x.txt"));
        let glob = SplitRule {
            files: Some(globset::Glob::new("*.eml").unwrap().compile_matcher()),
            ..SplitRule::default()
        };
        assert!(glob.matches(&Hints::default(), "mail/a.eml"));
        assert!(!glob.matches(&Hints::default(), "mail/a.txt"));
    }

    #[test]
    fn dropped_headings_take_their_story_with_them() {
        let rule = SplitRule {
            files: None,
            drop: vec!["advertise with us".into()],
            ..SplitRule::default()
        };
        let nodes = vec![
            heading(2, "One"),
            para("a"),
            heading(2, "Advertise with us!"),
            para("buy"),
            heading(3, "Rates"),
            para("cheap"),
            heading(2, "Two"),
            para("b"),
        ];
        let mut trail = Trail::new();
        let out = rule.apply(nodes, &mut trail);
        assert_eq!(
            out,
            vec![heading(2, "One"), para("a"), heading(2, "Two"), para("b")]
        );
        assert_eq!(trail.len(), 1);
    }

    #[test]
    fn a_pattern_makes_lines_headings_and_others_sub_headings() {
        let rule = SplitRule {
            heading: Some(regex::Regex::new(r"^Item \d+").unwrap()),
            ..SplitRule::default()
        };
        let mut trail = Trail::new();
        let out = rule.apply(
            vec![
                para("Hello."),
                heading(2, "Top"),
                para("Item 1 ships"),
                para("text"),
            ],
            &mut trail,
        );
        assert!(matches!(&out[1], Node::Block(p) if p.kind == PieceKind::SubHeading));
        assert!(
            matches!(&out[2], Node::Heading(h) if h.cue == Cue::UserRule && h.text == "Item 1 ships")
        );
        assert!(matches!(&out[3], Node::Block(_)));
    }

    #[test]
    fn headings_over_the_first_story_with_no_text_are_its_title_not_an_intro() {
        let rule = SplitRule {
            level: Some(2),
            ..SplitRule::default()
        };
        let mut trail = Trail::new();
        let out = rule.apply(
            vec![
                heading(1, "Garden Weekly"),
                heading(2, "Tomatoes"),
                para("Sow."),
                heading(3, "Staking"),
                para("Early."),
            ],
            &mut trail,
        );
        assert!(matches!(&out[0], Node::Heading(h) if h.text == "Tomatoes"));
        assert_eq!(out.len(), 4, "{out:?}");
        assert!(matches!(&out[2], Node::Block(p) if p.kind == PieceKind::SubHeading));
        assert_eq!(trail.len(), 2, "both said in explain");
        // With text under it, the title heads an intro as before.
        let out = rule.apply(
            vec![
                heading(1, "Garden Weekly"),
                para("Hello."),
                heading(2, "Tomatoes"),
            ],
            &mut Trail::new(),
        );
        assert!(matches!(&out[0], Node::Block(p) if p.kind == PieceKind::SubHeading));
        assert_eq!(out.len(), 3);
    }
}
