//! From an outline to a model [`Issue`]: the sectioner's stories become
//! sections with stable ids, and the issue gets its title, newsletter,
//! date and author from what the source said, by one set of fallbacks for
//! every format.

use super::outline::{Outline, Piece};
use super::rules::SplitRules;
use super::sectioner::{self, Cut, Opened, Story, Trail};
use super::{date, limits, stable_id};
use crate::model::{Block, Issue, Link, Section};

mod names;

/// An issue and how it was cut, for `nlread explain`.
#[derive(Debug, Clone)]
pub struct Assembled {
    pub issue: Issue,
    /// What opened each section, in section order.
    pub opened: Vec<Opened>,
    /// Headings that opened no section, and why.
    pub trail: Trail,
    /// The per-newsletter rule that applied, as written.
    pub rule: Option<String>,
}

/// Cuts `outline` into stories and builds the issue. `id` is the issue's
/// content id (each format hashes what identifies its content).
pub fn assemble(outline: Outline, source: &str, id: String, rules: &SplitRules) -> Assembled {
    let hints = outline.hints.clone();
    let cut = outline.cut.clone();
    let rule = rules.select(&hints, source);
    let described = rule.map(super::rules::SplitRule::describe);
    let Cut {
        title: title_heading,
        masthead,
        stories,
        trail,
    } = sectioner::cut(outline, rule);

    let lead = stories.iter().find_map(|s| match s.opened_by {
        Opened::Heading { .. } => s.title.as_deref().map(lead_title),
        _ => None,
    });
    let title = hints
        .title
        .clone()
        .or_else(|| title_heading.clone())
        .or(lead)
        .or_else(|| first_words(&stories))
        .unwrap_or_else(|| super::file_stem(source));
    let newsletter = hints
        .sender
        .as_deref()
        .and_then(|s| names::spelled_by_address(s, &stories))
        .or_else(|| hints.newsletter.clone())
        .or_else(|| names::subscribed_to(&stories))
        .or_else(|| masthead.as_deref().and_then(masthead_name))
        .or_else(|| name_in_title(&title))
        .or_else(|| title_heading.as_deref().and_then(name_in_title))
        .or_else(|| names::introduced(&stories))
        .or_else(|| hints.name_guess.clone())
        .or_else(|| names::copyright(&stories))
        .or_else(|| names::logo_caption(&stories));
    let date = hints.date.clone().or_else(|| {
        masthead
            .iter()
            .chain(title_heading.iter())
            .find_map(|t| date::find_date(t))
            .or_else(|| preamble_date(&stories))
    });

    let has_stories = stories.iter().any(|s| s.title.is_some());
    let mut opened = Vec::with_capacity(stories.len());
    let mut sections = Vec::with_capacity(stories.len().max(1));
    for (i, story) in stories.into_iter().enumerate() {
        // A preamble that is only the issue's dateline is said by the
        // issue's date: not a story of its own. (Ids keep their index.)
        let only_dateline = story
            .pieces
            .iter()
            .filter(|p| p.has_words())
            .all(|p| date::is_dateline(&p.text));
        if matches!(story.opened_by, Opened::Preamble)
            && has_stories
            && date.is_some()
            && only_dateline
        {
            continue;
        }
        let name = match (&story.title, &story.opened_by) {
            (Some(t), _) => t.clone(),
            (None, Opened::Preamble) if has_stories => "Intro".to_string(),
            (None, Opened::Break) => untitled_name(&story.pieces),
            (None, _) => title.clone(),
        };
        opened.push(story.opened_by.clone());
        let section_id = stable_id(&[id.as_bytes(), &i.to_le_bytes(), name.as_bytes()]);
        sections.push(section(section_id, name, story));
    }
    if sections.is_empty() {
        let sid = stable_id(&[id.as_bytes(), &0usize.to_le_bytes(), title.as_bytes()]);
        sections.push(Section::new(sid, title.clone(), []));
        opened.push(Opened::Whole);
    }

    let mut issue = Issue {
        id,
        source: source.to_string(),
        newsletter,
        title,
        date,
        author: hints.author,
        sections,
        url: None,
        guid: None,
    };
    limits::cap(&mut issue, source);
    if let Some(limit) = cut {
        limits::note_cut(&mut issue, &limit, source);
    }
    Assembled {
        issue,
        opened,
        trail,
        rule: described,
    }
}

/// One story as a model section, its heading's links marked at its start.
fn section(id: String, title: String, story: Story) -> Section {
    let Story {
        group,
        mut pieces,
        title_links,
        ..
    } = story;
    // A linked heading with nothing under it keeps its title as a
    // sub-heading, so the link has a block to be marked in.
    let title_at = if pieces.is_empty() && !title_links.is_empty() {
        pieces.push(Piece::new(
            super::outline::PieceKind::SubHeading,
            title.clone(),
        ));
        title.len()
    } else {
        0
    };
    let mut links: Vec<Link> = title_links
        .into_iter()
        .map(|a| Link {
            text: a.text,
            url: a.url,
            block: 0,
            at: title_at as u32,
        })
        .collect();
    for (i, piece) in pieces.iter().enumerate() {
        let block = u32::try_from(i).unwrap_or(u32::MAX);
        links.extend(piece.links.iter().map(|a| Link {
            text: a.text.clone(),
            url: a.url.clone(),
            block,
            at: u32::try_from(a.at.min(piece.text.len())).unwrap_or(0),
        }));
    }
    let blocks: Vec<Block<'_>> = pieces.iter().map(Piece::as_block).collect();
    Section::new(id, title, blocks)
        .with_links(links)
        .in_group(group)
}

/// "1 big thing: Headline" titles its issue "Headline".
fn lead_title(first: &str) -> String {
    let digits = first.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some((lead, rest)) = first.split_once(": ")
        && lead.len() <= 24
        && lead[digits..].starts_with(' ')
        && lead[digits..]
            .trim()
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ')
    {
        return rest.trim().to_string();
    }
    first.to_string()
}

/// An untitled story is named by its first words.
fn untitled_name(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .find(|p| p.has_words())
        .map(|p| truncate_words(&p.full_text(), 60))
        .unwrap_or_default()
}

/// For an issue with no headings: its first real sentence, passing over a
/// salutation such as "Dear friends,".
fn first_words(stories: &[Story]) -> Option<String> {
    let texts = stories
        .iter()
        .flat_map(|s| &s.pieces)
        .filter(|p| p.has_words());
    let substantial = texts
        .clone()
        .find(|p| p.text.split_whitespace().count() >= 4);
    substantial
        .or_else(|| texts.clone().next())
        .map(|p| truncate_words(super::first_sentence(&p.full_text()), 60))
}

/// A date written at the top of the preamble.
fn preamble_date(stories: &[Story]) -> Option<String> {
    let first = stories.first()?;
    if first.title.is_some() {
        return None;
    }
    first
        .pieces
        .iter()
        .take(12)
        .filter(|p| p.text.len() <= 200)
        .find_map(|p| date::find_date(&p.text))
}

/// A masthead line names the newsletter, without the date it may carry
/// ("TLDR 2023-09-11" -> "TLDR").
fn masthead_name(text: &str) -> Option<String> {
    let name = strip_issue_marks(text).unwrap_or_else(|| text.trim().to_string());
    (name.chars().any(char::is_alphabetic) && name.split_whitespace().count() <= 8).then_some(name)
}

/// "This Week in Rust 589", "Tor Weekly News — December 10th, 2014",
/// "Weekly #200: topics": a title that is a name followed by an issue
/// number or date names the newsletter.
pub(crate) fn name_in_title(title: &str) -> Option<String> {
    let name = strip_issue_marks(title)?;
    let words = name.split_whitespace().count();
    ((1..=6).contains(&words) && name.chars().any(char::is_alphabetic)).then_some(name)
}

/// The title before its issue number or date, when it has one.
fn strip_issue_marks(title: &str) -> Option<String> {
    let title = title.trim();
    // CJK "（第 300 期）".
    if let Some(at) = title
        .find(['（', '('])
        .filter(|&at| title[at..].starts_with("（第") || title[at..].starts_with("(第"))
    {
        return Some(title[..at].trim().to_string()).filter(|n| !n.is_empty());
    }
    let words: Vec<&str> = title.split_whitespace().collect();
    for (i, w) in words.iter().enumerate().skip(1) {
        let lower = w.to_lowercase();
        let bare = lower.trim_end_matches([':', ',', '.']);
        let number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        let marks_issue = bare.strip_prefix('#').is_some_and(number)
            || (number(bare)
                && (i + 1 == words.len() || w.ends_with(':'))
                && date::find_date(title).is_none())
            || (matches!(bare, "issue" | "no" | "vol" | "volume" | "edition")
                && words.get(i + 1).is_some_and(|n| {
                    number(n.trim_start_matches('#').trim_end_matches([':', ',', '.']))
                }));
        let dash = matches!(*w, "—" | "–" | "-" | "|" | "·")
            && date::find_date(&words[i + 1..].join(" ")).is_some();
        let iso_date =
            date::find_date(w).is_some() && w.chars().next().is_some_and(|c| c.is_ascii_digit());
        if marks_issue || dash || iso_date {
            let name = words[..i].join(" ");
            let name = name.trim_end_matches([',', ':', '—', '–', '-', '|']).trim();
            let issue_word = matches!(
                name.to_lowercase().as_str(),
                "issue" | "no" | "no." | "number" | "vol" | "volume" | "edition"
            );
            return (!name.is_empty() && !issue_word).then(|| name.to_string());
        }
    }
    None
}

pub(crate) fn truncate_words(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max).collect();
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_titles() {
        for (title, want) in [
            ("This Week in Rust 589", Some("This Week in Rust")),
            (
                "This Week In React #200: Remix, Next.js",
                Some("This Week In React"),
            ),
            (
                "Tor Weekly News — December 10th, 2014",
                Some("Tor Weekly News"),
            ),
            ("TLDR 2023-09-11", Some("TLDR")),
            ("Golang Weekly Issue 451", Some("Golang Weekly")),
            (
                "科技爱好者周刊（第 300 期）：三十年",
                Some("科技爱好者周刊"),
            ),
            ("Week Ending August 16, 2026", None),
            ("Why prices are going up", None),
            ("Issue #125", None),
        ] {
            assert_eq!(name_in_title(title).as_deref(), want, "{title}");
        }
    }

    #[test]
    fn lead_titles() {
        assert_eq!(lead_title("1 big thing: Ports reopen"), "Ports reopen");
        assert_eq!(lead_title("Markets: up"), "Markets: up");
    }
}
