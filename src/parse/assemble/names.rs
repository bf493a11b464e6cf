//! Where an issue names its newsletter in its own words, for sources whose
//! metadata does not: the formulas newsletters use ("Welcome to another
//! issue of X", "X is a weekly newsletter", "You are receiving this because
//! you subscribed to X", "© 2024 X"), a line at the top spelled like the
//! sender's address, and the masthead logo's alt text.

use std::sync::LazyLock;

use regex::Regex;

use super::super::outline::{Piece, PieceKind};
use super::super::sectioner::{Story, squash};

/// How far into the issue the introduction formulas are looked for, and
/// how far from its end the footer's.
const HEAD: usize = 12;
const TAIL: usize = 40;

static WELCOME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i:\bwelcome (?:back )?to )(?i:(?:another|the latest|this week's|today's|this|the [\w-]+|our [\w-]+) (?:issue|edition)(?: in \d{4})?,? of )?[*_]*([\p{Lu}\d][^,!.—–:;(*_\n]{1,60})",
    )
    .ok()
});

static IS_A_NEWSLETTER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[*_]*([\p{Lu}\d][^.!?\n]{1,50}?)[*_]* is (?:a|an|your) (?:[\w-]+ ){0,3}newsletter\b",
    )
    .ok()
});

static SUBSCRIBED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i:\b(?:subscribed to|signed up (?:for|to)(?: (?:emails|updates|posts|the newsletter) from)?) )(?:the )?([\p{Lu}\d][^.,!;\n]{1,60})",
    )
    .ok()
});

static COPYRIGHT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"©\s*(?:\d{4}\s*(?:[-–]\s*\d{4}\s*)?)?([\p{Lu}][^.,|•·\n©]{1,60})").ok()
});

/// The sender's address spells a line at the top of the issue
/// ("slowchinese@…" and "Slow Chinese 每周漫闻"): that line is the name.
pub(super) fn spelled_by_address(sender: &str, stories: &[Story]) -> Option<String> {
    const GENERIC: [&str; 16] = [
        "newsletter",
        "newsletters",
        "news",
        "hello",
        "info",
        "noreply",
        "team",
        "editor",
        "editors",
        "blog",
        "mail",
        "contact",
        "digest",
        "updates",
        "support",
        "letters",
    ];
    let locals: Vec<String> = sender
        .split_whitespace()
        .filter_map(|word| word.split_once('@'))
        .map(|(local, _)| squash(local.trim_start_matches(['<', '"'])))
        .filter(|l| l.chars().count() >= 5 && !GENERIC.contains(&l.as_str()))
        .collect();
    if locals.is_empty() {
        return None;
    }
    top_pieces(stories).find_map(|p| {
        let text = name_like(&p.text)?;
        let squashed = squash(&text);
        locals
            .iter()
            .any(|l| squashed.starts_with(l.as_str()))
            .then_some(text)
    })
}

/// The footer's "you subscribed to Name" or "signed up for emails from
/// Name": the publication the reader subscribed to, whatever its masthead
/// calls this issue's column.
pub(super) fn subscribed_to(stories: &[Story]) -> Option<String> {
    in_tail(stories, &SUBSCRIBED, &["ubscribed", "igned up"])
}

/// "© 2025 Name": the owner, often the newsletter, sometimes its company.
pub(super) fn copyright(stories: &[Story]) -> Option<String> {
    in_tail(stories, &COPYRIGHT, &["©"])
}

/// "Welcome to another issue of Name", "Name is a weekly newsletter".
pub(super) fn introduced(stories: &[Story]) -> Option<String> {
    // Each formula is tried only on text that holds its telltale word.
    top_pieces(stories).find_map(|p| {
        let welcome = p.text.contains("elcome");
        let newsletter = p.text.contains("newsletter");
        if !welcome && !newsletter {
            return None;
        }
        let text = p.full_text();
        let find = |re: &Option<Regex>| re.as_ref()?.captures(&text);
        welcome
            .then(|| find(&WELCOME))
            .flatten()
            .or_else(|| newsletter.then(|| find(&IS_A_NEWSLETTER)).flatten())
            .and_then(|c| name_from(c.get(1)?.as_str()))
    })
}

/// The first match of a footer formula in the issue's last pieces.
fn in_tail(stories: &[Story], re: &Option<Regex>, telltale: &[&str]) -> Option<String> {
    let re = re.as_ref()?;
    stories
        .iter()
        .flat_map(|s| &s.pieces)
        .rev()
        .take(TAIL)
        .filter(|p| telltale.iter().any(|t| p.text.contains(t)))
        .find_map(|p| {
            let text = p.full_text();
            re.captures(&text)
                .and_then(|c| name_from(c.get(1)?.as_str()))
        })
}

/// The alt text of the masthead's logo: a short name given to the first
/// picture before the first story.
pub(super) fn logo_caption(stories: &[Story]) -> Option<String> {
    let first = stories.first().filter(|s| s.title.is_none())?;
    let caption = first
        .pieces
        .iter()
        .take(HEAD)
        .find(|p| p.kind == PieceKind::Caption)?;
    let text = caption.text.trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    let capitalised = words
        .iter()
        .all(|w| !w.chars().next().is_some_and(char::is_lowercase));
    ((1..=4).contains(&words.len()) && capitalised && !text.ends_with(['.', '!', '?']))
        .then(|| text.to_string())
}

/// The first pieces of the issue: its preamble, or its first story.
fn top_pieces(stories: &[Story]) -> impl Iterator<Item = &Piece> {
    stories.iter().flat_map(|s| &s.pieces).take(HEAD)
}

/// A short line as a name: trimmed of padding (zero-width spaces and the
/// like), at most eight words.
fn name_like(text: &str) -> Option<String> {
    let text = text
        .trim_matches(|c: char| {
            c.is_whitespace() || !(c.is_alphanumeric() || c.is_ascii_punctuation())
        })
        .trim();
    let words = text.split_whitespace().count();
    ((1..=8).contains(&words) && text.chars().count() <= 60).then(|| text.to_string())
}

/// The name in a formula's capture: its words up to where the sentence
/// goes on ("Unsubscribe", an address's number, "All rights reserved"),
/// without a trailing "newsletter".
fn name_from(capture: &str) -> Option<String> {
    const STOP: [&str; 9] = [
        "unsubscribe",
        "all",
        "inc",
        "llc",
        "ltd",
        "update",
        "manage",
        "view",
        "privacy",
    ];
    let mut words: Vec<&str> = Vec::new();
    for word in capture.split_whitespace() {
        let bare = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if STOP.contains(&bare.as_str())
            || bare.chars().next().is_some_and(|c| c.is_ascii_digit()) && !words.is_empty()
        {
            break;
        }
        words.push(word);
        if words.len() == 6 {
            break;
        }
    }
    while words.last().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "newsletter" | "updates" | "emails" | "the" | "and" | "of"
        )
    }) {
        words.pop();
    }
    let name = words.join(" ");
    let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != ')');
    (!name.is_empty() && name.chars().any(char::is_alphabetic)).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::sectioner::Opened;

    fn story(lines: &[&str]) -> Story {
        Story {
            title: None,
            group: None,
            pieces: lines
                .iter()
                .map(|l| Piece::new(PieceKind::Paragraph, *l))
                .collect(),
            title_links: Vec::new(),
            opened_by: Opened::Preamble,
        }
    }

    #[test]
    fn formulas_at_the_top() {
        for (line, want) in [
            (
                "Welcome to another issue of Garden Notes! This week, bulbs.",
                "Garden Notes",
            ),
            (
                "Welcome to the twelfth issue in 2024 of Harbour Ledger, the weekly letter",
                "Harbour Ledger",
            ),
            (
                "Hello and welcome to another issue of *Quill Weekly*!",
                "Quill Weekly",
            ),
            (
                "Kiln Notes is a weekly newsletter about pottery.",
                "Kiln Notes",
            ),
        ] {
            assert_eq!(
                introduced(&[story(&[line])]).as_deref(),
                Some(want),
                "{line}"
            );
        }
        assert_eq!(
            introduced(&[story(&["Welcome to the spring issue."])]),
            None
        );
    }

    #[test]
    fn formulas_at_the_foot() {
        for (line, want) in [
            (
                "You received this because you subscribed to Orchard Weekly newsletter.",
                "Orchard Weekly",
            ),
            ("You signed up for emails from Lantern", "Lantern"),
            (
                "© 2023 Tide Pool Press Unsubscribe 12 Harbour Road",
                "Tide Pool Press",
            ),
            (
                "Copyright © 2021 Field Notes. All rights reserved.",
                "Field Notes",
            ),
        ] {
            let stories = [story(&["Body text of the story."]), story(&[line])];
            let found = subscribed_to(&stories).or_else(|| copyright(&stories));
            assert_eq!(found.as_deref(), Some(want), "{line}");
        }
    }

    #[test]
    fn an_address_spells_the_top_line() {
        let stories = [story(&["Slow Letters 每周", "Body text here."])];
        assert_eq!(
            spelled_by_address("slowletters@mail.example", &stories).as_deref(),
            Some("Slow Letters 每周")
        );
        assert_eq!(spelled_by_address("news@mail.example", &stories), None);
    }
}
