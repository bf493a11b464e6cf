//! The outline: the one shape every format's parser produces.
//!
//! A format module (plain, HTML, Markdown, email, feed) knows only its
//! format: it turns the source into a flat list of [`Node`]s (headings with
//! a level and a [`Cue`] saying why they look like headings, blocks of text
//! with their kind and links, and breaks) plus the metadata the source
//! states ([`Hints`]). [`super::sectioner`] then decides, the same way for
//! every format, which headings open stories. Plain data, no I/O.

use crate::model::Block;

/// One source's text, in reading order, before it is cut into stories.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub nodes: Vec<Node>,
    pub hints: Hints,
    /// The source was cut before it was read through, at this limit ("60000
    /// lines"): the issue ends with a note saying so.
    pub cut: Option<String>,
}

/// What the source itself says about the issue (front matter, `<title>`,
/// mail headers, a masthead line). Each is a candidate, not a verdict: the
/// sectioner may still find the title in a heading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hints {
    /// The issue's own title (`<title>`, og:title, a Subject, front matter).
    pub title: Option<String>,
    /// The newsletter's name (og:site_name, the sender's name, a List-Id,
    /// a feed's title, a masthead line).
    pub newsletter: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub author: Option<String>,
    /// Who sent it (the From address and List-Id), for per-newsletter rules.
    pub sender: Option<String>,
    /// A weak guess at the newsletter's name: a page title short enough to
    /// be a name rather than a headline. Used when nothing else names it.
    pub name_guess: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Heading(Heading),
    Block(Piece),
    /// A rule line that the source uses to separate stories.
    Break,
}

/// A line that looks like a heading. Whether it opens a story, names a
/// group, titles the issue or stays a sub-heading is the sectioner's call.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1-6 for marked-up headings (`<h2>`, `##`, setext); deeper numbers
    /// for weaker cues (see [`Cue::level`]).
    pub level: u8,
    /// The heading's text; empty for a heading that holds only a picture.
    pub text: String,
    pub links: Vec<Anchor>,
    pub cue: Cue,
}

/// Why a line was taken for a heading: the evidence, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// Marked up as a heading: `<h1>`-`<h6>`, `#`, a setext underline.
    Tag,
    /// Marked up as the page's title (`class="title"`).
    Title,
    /// Marked up as a subtitle or standfirst (`class="subtitle"`).
    Subtitle,
    /// Marked up as the newsletter's masthead (`class="masthead"`).
    Masthead,
    /// One message of a mail digest, titled by its Subject.
    Message,
    /// A numbered story line ("1. Title", "1 big thing: Title").
    Numbered,
    /// A line whose element the template calls a headline (`class="hed"`).
    Headline,
    /// A short line set in capitals ("MARKETS").
    Caps,
    /// A headline line right under a line in capitals (its kicker).
    Kicked,
    /// A short line set apart by rule lines.
    Ruled,
    /// A list item that holds a list of its own (a digest's category).
    ListHead,
    /// A bold lead-in that starts an item: "**Title** — blurb".
    LeadIn,
    /// A bold line ending in a colon, alone: "**In brief:**".
    Label,
    /// A short line set in bold or large type, alone in its paragraph.
    Styled,
    /// A line matched by the user's per-newsletter rule.
    UserRule,
}

impl Cue {
    /// The level a heading of this cue gets when the source gives none:
    /// weaker cues sit below every marked-up heading.
    pub fn level(self) -> u8 {
        match self {
            Cue::Tag
            | Cue::Title
            | Cue::Subtitle
            | Cue::Masthead
            | Cue::Message
            | Cue::UserRule => 1,
            Cue::Numbered | Cue::Caps | Cue::Ruled | Cue::ListHead => 2,
            Cue::Kicked => 3,
            Cue::Headline | Cue::Label => 7,
            Cue::LeadIn => 8,
            Cue::Styled => 9,
        }
    }

    /// Whether the heading is only typography (bold, a class): such
    /// headings open stories only where nothing stronger structures the
    /// issue.
    pub fn is_styled(self) -> bool {
        matches!(self, Cue::Headline | Cue::Label | Cue::LeadIn | Cue::Styled)
    }

    /// How `nlread explain` names the cue.
    pub fn describe(self) -> &'static str {
        match self {
            Cue::Tag => "a marked-up heading",
            Cue::Title => "a heading marked as the title",
            Cue::Subtitle => "a heading marked as a subtitle",
            Cue::Masthead => "a line marked as the masthead",
            Cue::Message => "a message of a digest (its Subject)",
            Cue::Numbered => "a numbered story line",
            Cue::Headline => "a line styled as a headline",
            Cue::Caps => "a line in capitals",
            Cue::Kicked => "a headline line under a kicker in capitals",
            Cue::Ruled => "a short line between rules",
            Cue::ListHead => "a list item holding a list",
            Cue::LeadIn => "a bold lead-in before a dash or a credit line",
            Cue::Label => "a bold line ending in a colon",
            Cue::Styled => "a short bold or large line",
            Cue::UserRule => "your per-newsletter rule",
        }
    }
}

/// A block of story text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Piece {
    pub kind: PieceKind,
    pub text: String,
    /// A bold "Label:" that starts the block, without its colon; `text` is
    /// then the rest.
    pub label: Option<String>,
    pub links: Vec<Anchor>,
    /// Where each line after the first starts in `text`, for a paragraph
    /// joined from lines of plain text (a per-newsletter rule may find a
    /// heading line inside it).
    pub lines: Vec<u32>,
    /// A bold lead-in ("**Headline** — blurb"): where the headline ends and
    /// where the blurb starts. The sectioner decides whether it heads a
    /// story ([`Piece::split_lead`]) or stays one paragraph.
    pub lead: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PieceKind {
    #[default]
    Paragraph,
    Bullet,
    Numbered(u32),
    Caption,
    SubHeading,
    Quote,
}

/// A link: its text, where it points, and the byte offset in its block's
/// text (after any label) where the link text ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub text: String,
    pub url: String,
    pub at: usize,
}

impl Piece {
    pub fn new(kind: PieceKind, text: impl Into<String>) -> Piece {
        Piece {
            kind,
            text: text.into(),
            ..Piece::default()
        }
    }

    /// The block as the model stores it.
    pub fn as_block(&self) -> Block<'_> {
        let text = self.text.as_str();
        if let Some(label) = &self.label {
            return Block::Labelled { label, text };
        }
        match self.kind {
            PieceKind::Paragraph => Block::Paragraph { text },
            PieceKind::Bullet => Block::Bullet { text },
            PieceKind::Numbered(number) => Block::Numbered { number, text },
            PieceKind::Caption => Block::Caption { text },
            PieceKind::SubHeading => Block::SubHeading { text },
            PieceKind::Quote => Block::Quote { text },
        }
    }

    /// A lead-in paragraph as a heading (its headline, [`Cue::LeadIn`]) and
    /// the blurb after it; links go with the part they are in. None when
    /// the paragraph has no lead-in.
    pub fn split_lead(&self) -> Option<(Heading, Piece)> {
        let (end, rest) = self.lead?;
        let (head, body) = (self.text.get(..end)?, self.text.get(rest..)?);
        let title = head.trim().to_string();
        let len = title.len();
        let (head_links, body_links): (Vec<&Anchor>, Vec<&Anchor>) =
            self.links.iter().partition(|l| l.at <= end);
        let mut heading = Heading::new(Cue::LeadIn.level(), title, Cue::LeadIn);
        heading.links = head_links
            .into_iter()
            .map(|a| Anchor {
                at: a.at.min(len),
                ..a.clone()
            })
            .collect();
        let body_len = body.len();
        let piece = Piece {
            kind: self.kind,
            text: body.to_string(),
            links: body_links
                .into_iter()
                .map(|a| Anchor {
                    at: a.at.saturating_sub(rest).min(body_len),
                    ..a.clone()
                })
                .collect(),
            ..Piece::default()
        };
        Some((heading, piece))
    }

    /// Whether the block holds a letter or digit (a story with only
    /// punctuation or emoji has no text of its own).
    pub fn has_words(&self) -> bool {
        self.text.chars().any(char::is_alphanumeric)
            || self
                .label
                .as_deref()
                .is_some_and(|l| l.chars().any(char::is_alphanumeric))
    }

    /// The whole text as a reader sees it: "label: text".
    pub fn full_text(&self) -> String {
        match &self.label {
            Some(label) => format!("{label}: {}", self.text),
            None => self.text.clone(),
        }
    }
}

impl Heading {
    pub fn new(level: u8, text: impl Into<String>, cue: Cue) -> Heading {
        Heading {
            level,
            text: text.into(),
            links: Vec::new(),
            cue,
        }
    }

    /// The heading kept inside a story as a sub-heading block.
    pub fn into_piece(self) -> Piece {
        let len = self.text.len();
        Piece {
            kind: PieceKind::SubHeading,
            links: self
                .links
                .into_iter()
                .map(|a| Anchor {
                    at: a.at.min(len),
                    ..a
                })
                .collect(),
            text: self.text,
            ..Piece::default()
        }
    }
}

impl Outline {
    /// Whether the outline holds any text at all.
    pub fn has_words(&self) -> bool {
        self.nodes.iter().any(|n| match n {
            Node::Block(p) => p.has_words(),
            Node::Heading(h) => h.text.chars().any(char::is_alphanumeric),
            Node::Break => false,
        })
    }
}
