//! A story and its blocks, stored compactly.
//!
//! A library of 100,000 stories holds about a million blocks. Owning a
//! `String` per block costs an allocation and ~70 bytes of bookkeeping each,
//! as much again as the text; so a [`Section`] keeps all its block text in
//! one string and a 16-byte span per block, and hands out [`Block`] views
//! that borrow from it.

use serde::{Deserialize, Serialize};

use super::count_words;

/// One unit of story text, borrowed from its [`Section`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block<'a> {
    Paragraph {
        text: &'a str,
    },
    /// A paragraph led by a bold-style label, e.g. "Why it matters:".
    /// `label` is stored without its colon.
    Labelled {
        label: &'a str,
        text: &'a str,
    },
    Bullet {
        text: &'a str,
    },
    Numbered {
        number: u32,
        text: &'a str,
    },
    /// Illustration/Photo/Data/Chart credits and picture captions.
    Caption {
        text: &'a str,
    },
    /// A heading inside a story ("Bonus chart: ..."), not a new story.
    SubHeading {
        text: &'a str,
    },
    Quote {
        text: &'a str,
    },
}

impl<'a> Block<'a> {
    /// The block's text without label or marker.
    pub fn text(&self) -> &'a str {
        match *self {
            Block::Paragraph { text }
            | Block::Labelled { text, .. }
            | Block::Bullet { text }
            | Block::Numbered { text, .. }
            | Block::Caption { text }
            | Block::SubHeading { text }
            | Block::Quote { text } => text,
        }
    }

    /// The block as a reader would copy it as plain text: labels, bullets
    /// and numbers included.
    pub fn plain_text(&self) -> String {
        match *self {
            Block::Labelled { label, text } => format!("{label}: {text}"),
            Block::Bullet { text } => format!("• {text}"),
            Block::Numbered { number, text } => format!("{number}. {text}"),
            Block::Quote { text } => format!("> {text}"),
            other => other.text().to_string(),
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Block::Paragraph { .. } => Kind::Paragraph,
            Block::Labelled { .. } => Kind::Labelled,
            Block::Bullet { .. } => Kind::Bullet,
            Block::Numbered { .. } => Kind::Numbered,
            Block::Caption { .. } => Kind::Caption,
            Block::SubHeading { .. } => Kind::SubHeading,
            Block::Quote { .. } => Kind::Quote,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Paragraph,
    Labelled,
    Bullet,
    Numbered,
    Caption,
    SubHeading,
    Quote,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Paragraph,
        Kind::Labelled,
        Kind::Bullet,
        Kind::Numbered,
        Kind::Caption,
        Kind::SubHeading,
        Kind::Quote,
    ];
}

/// Where one block lies in its section's body: it starts one byte after the
/// previous block's end (a newline separates blocks), and a labelled block
/// holds "label: text" with the label's length here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    end: u32,
    label: u32,
    number: u32,
    kind: Kind,
}

/// A link in a story: its text and where it points, and where its text
/// ends in the story (block `block`, byte `at` of that block's text) so the
/// reader can mark it there as \[1\], \[2\], ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub text: String,
    pub url: String,
    pub block: u32,
    pub at: u32,
}

/// One block's place in a section's body, for the parsed-library cache:
/// (kind, number, label length, end).
pub type RawSpan = (u8, u32, u32, u32);

/// One story of an issue.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    /// Stable for the same issue and story: derived from the issue id, the
    /// story's position and its title.
    pub id: String,
    pub title: String,
    /// Words of story text (markers such as bullets and numbers not counted).
    pub words: usize,
    /// Every block's text (a labelled one as "label: text"), one per line.
    body: String,
    spans: Vec<Span>,
    /// The story's links, in reading order.
    pub links: Vec<Link>,
    /// The label the story sits under ("Updates from the community" above
    /// "Official"), when it has one.
    pub group: Option<String>,
}

impl Section {
    /// A section of `blocks`, copied into one string. Blocks beyond 4 GiB of
    /// text are dropped (no newsletter comes near: files are capped far lower).
    pub fn new<'b>(id: String, title: String, blocks: impl IntoIterator<Item = Block<'b>>) -> Self {
        // Sized once: a story of one 8 MiB paragraph must not pass through
        // a 16 MiB buffer on its way in.
        let blocks: Vec<Block<'b>> = blocks.into_iter().collect();
        let size: usize = blocks
            .iter()
            .map(|b| match b {
                Block::Labelled { label, text } => label.len() + 2 + text.len() + 1,
                other => other.text().len() + 1,
            })
            .sum();
        let mut body = String::with_capacity(size.min(u32::MAX as usize));
        let mut spans = Vec::with_capacity(blocks.len());
        let mut words = 0;
        for block in blocks {
            let (label, text) = match block {
                Block::Labelled { label, text } => (label, text),
                other => ("", other.text()),
            };
            let needed = body.len() + 1 + label.len() + 2 + text.len();
            if u32::try_from(needed).is_err() {
                break;
            }
            if !spans.is_empty() {
                body.push('\n');
            }
            if matches!(block, Block::Labelled { .. }) {
                body.push_str(label);
                body.push_str(": ");
                words += count_words(label);
            }
            body.push_str(text);
            words += count_words(text);
            spans.push(Span {
                end: body.len() as u32,
                label: label.len() as u32,
                number: match block {
                    Block::Numbered { number, .. } => number,
                    _ => 0,
                },
                kind: block.kind(),
            });
        }
        body.shrink_to_fit();
        spans.shrink_to_fit();
        Section {
            id,
            title,
            words,
            body,
            spans,
            links: Vec::new(),
            group: None,
        }
    }

    /// The section under this group label.
    pub fn in_group(mut self, group: Option<String>) -> Section {
        self.group = group;
        self
    }

    /// The section with these links. A link pointing past its block's text
    /// (or at a block that does not exist) is kept but marked at the end of
    /// the story, so a parser's slip never loses a link or panics a reader.
    pub fn with_links(mut self, links: Vec<Link>) -> Section {
        let last = self.spans.len().saturating_sub(1) as u32;
        self.links = links
            .into_iter()
            .map(|mut link| {
                let fits = self
                    .block(link.block as usize)
                    .is_some_and(|b| b.text().is_char_boundary(link.at as usize));
                if !fits {
                    link.block = last;
                    link.at = self
                        .block(last as usize)
                        .map_or(0, |b| b.text().len() as u32);
                }
                link
            })
            .collect();
        self
    }

    /// The blocks, in order.
    pub fn blocks(&self) -> Blocks<'_> {
        Blocks {
            section: self,
            front: 0,
            back: self.spans.len(),
        }
    }

    /// Block `i`, if there is one.
    pub fn block(&self, i: usize) -> Option<Block<'_>> {
        let span = *self.spans.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.spans[i - 1].end as usize + 1,
        };
        let whole = &self.body[start..span.end as usize];
        let label_end = span.label as usize;
        Some(match span.kind {
            Kind::Paragraph => Block::Paragraph { text: whole },
            Kind::Labelled => Block::Labelled {
                label: &whole[..label_end],
                text: &whole[label_end + 2..],
            },
            Kind::Bullet => Block::Bullet { text: whole },
            Kind::Numbered => Block::Numbered {
                number: span.number,
                text: whole,
            },
            Kind::Caption => Block::Caption { text: whole },
            Kind::SubHeading => Block::SubHeading { text: whole },
            Kind::Quote => Block::Quote { text: whole },
        })
    }

    pub fn block_count(&self) -> usize {
        self.spans.len()
    }

    /// All block text, a labelled block as "label: text", one block per
    /// line, without bullets or numbers: what a keyword search looks in.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The plain text of all blocks, one block per line, labels, bullets
    /// and numbers included.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.body.len() + 4 * self.spans.len());
        for (i, block) in self.blocks().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&block.plain_text());
        }
        out
    }

    /// The compact form, for the parsed-library cache: the body and, per
    /// block, (kind, number, label length, end).
    pub fn raw_parts(&self) -> (&str, impl Iterator<Item = RawSpan> + '_) {
        let spans = self
            .spans
            .iter()
            .map(|s| (s.kind as u8, s.number, s.label, s.end));
        (&self.body, spans)
    }

    /// Rebuilds a section from [`Section::raw_parts`], checking every span
    /// so that a corrupt cache can never make [`Section::block`] panic.
    pub fn from_raw_parts(
        id: String,
        title: String,
        words: usize,
        body: String,
        raw: impl IntoIterator<Item = RawSpan>,
    ) -> Option<Section> {
        let mut spans = Vec::new();
        let mut start = 0usize;
        for (kind, number, label, end) in raw {
            let kind = *Kind::ALL.get(usize::from(kind))?;
            let end_at = end as usize;
            let label_end = start.checked_add(label as usize)?;
            let ok = start <= end_at
                && end_at <= body.len()
                && body.is_char_boundary(start)
                && body.is_char_boundary(end_at)
                && (kind != Kind::Labelled
                    || (label_end + 2 <= end_at
                        && body.is_char_boundary(label_end)
                        && body.get(label_end..label_end + 2) == Some(": ")))
                && (kind == Kind::Labelled || label == 0)
                && (start == 0 || body.as_bytes().get(start - 1) == Some(&b'\n'));
            if !ok {
                return None;
            }
            spans.push(Span {
                end,
                label,
                number,
                kind,
            });
            start = end_at + 1;
        }
        if start.saturating_sub(1) != body.len() && !(spans.is_empty() && body.is_empty()) {
            return None;
        }
        Some(Section {
            id,
            title,
            words,
            body,
            spans,
            links: Vec::new(),
            group: None,
        })
    }
}

/// The blocks of a section; see [`Section::blocks`].
#[derive(Clone)]
pub struct Blocks<'a> {
    section: &'a Section,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Blocks<'a> {
    type Item = Block<'a>;

    fn next(&mut self) -> Option<Block<'a>> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.section.block(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Blocks<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.section.block(self.back)
    }
}

impl ExactSizeIterator for Blocks<'_> {}

impl std::fmt::Debug for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Section")
            .field("id", &self.id)
            .field("title", &self.title)
            .field("group", &self.group)
            .field("words", &self.words)
            .field("blocks", &self.blocks().collect::<Vec<_>>())
            .finish()
    }
}

impl Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Section", 6)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("title", &self.title)?;
        s.serialize_field("group", &self.group)?;
        s.serialize_field("blocks", &self.blocks().collect::<Vec<_>>())?;
        s.serialize_field("words", &self.words)?;
        s.serialize_field("links", &self.links)?;
        s.end()
    }
}

/// The serialised form read back: blocks as owned values, then packed.
#[derive(Deserialize)]
struct SectionData {
    id: String,
    title: String,
    blocks: Vec<OwnedBlock>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    group: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OwnedBlock {
    Paragraph { text: String },
    Labelled { label: String, text: String },
    Bullet { text: String },
    Numbered { number: u32, text: String },
    Caption { text: String },
    SubHeading { text: String },
    Quote { text: String },
}

impl OwnedBlock {
    fn as_block(&self) -> Block<'_> {
        match self {
            OwnedBlock::Paragraph { text } => Block::Paragraph { text },
            OwnedBlock::Labelled { label, text } => Block::Labelled { label, text },
            OwnedBlock::Bullet { text } => Block::Bullet { text },
            OwnedBlock::Numbered { number, text } => Block::Numbered {
                number: *number,
                text,
            },
            OwnedBlock::Caption { text } => Block::Caption { text },
            OwnedBlock::SubHeading { text } => Block::SubHeading { text },
            OwnedBlock::Quote { text } => Block::Quote { text },
        }
    }
}

impl<'de> Deserialize<'de> for Section {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let data = SectionData::deserialize(deserializer)?;
        Ok(Section::new(
            data.id,
            data.title,
            data.blocks.iter().map(OwnedBlock::as_block),
        )
        .with_links(data.links)
        .in_group(data.group))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Section {
        Section::new(
            "s".into(),
            "T".into(),
            [
                Block::Labelled {
                    label: "Why it matters",
                    text: "Because.",
                },
                Block::Bullet { text: "One" },
                Block::Numbered {
                    number: 2,
                    text: "Two",
                },
                Block::Caption {
                    text: "Photo: A. Person",
                },
                Block::Paragraph { text: "" },
                Block::Quote {
                    text: "日本語 👋"
                },
            ],
        )
    }

    #[test]
    fn blocks_come_back_as_they_went_in() {
        let s = sample();
        let blocks: Vec<Block> = s.blocks().collect();
        assert_eq!(blocks.len(), 6);
        assert_eq!(
            blocks[0],
            Block::Labelled {
                label: "Why it matters",
                text: "Because."
            }
        );
        assert_eq!(
            blocks[2],
            Block::Numbered {
                number: 2,
                text: "Two"
            }
        );
        assert_eq!(blocks[4], Block::Paragraph { text: "" });
        assert_eq!(blocks[5].text(), "日本語 👋");
        assert_eq!(s.blocks().next_back(), Some(blocks[5]));
        assert_eq!(s.block(6), None);
        assert_eq!(
            s.body(),
            "Why it matters: Because.\nOne\nTwo\nPhoto: A. Person\n\n日本語 👋"
        );
    }

    #[test]
    fn text_keeps_labels_and_markers_and_words_skip_them() {
        let s = sample();
        assert_eq!(
            s.text(),
            "Why it matters: Because.\n• One\n2. Two\nPhoto: A. Person\n\n> 日本語 👋"
        );
        // 3 + 1 + 1 + 1 + 3 + 0, and each CJK character counts: 3.
        assert_eq!(s.words, 12);
    }

    #[test]
    fn serde_round_trip_with_kind_tags() {
        let s = sample();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#"{"kind":"bullet","text":"One"}"#), "{json}");
        let back: Section = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn links_that_do_not_fit_are_kept_at_the_end() {
        let link = |block, at| Link {
            text: "x".into(),
            url: "https://example.com/".into(),
            block,
            at,
        };
        let s = sample().with_links(vec![link(0, 3), link(9, 0), link(5, 1)]);
        assert_eq!((s.links[0].block, s.links[0].at), (0, 3));
        // Past the blocks, and inside a multi-byte character: moved to the end.
        let end = ("日本語 👋".len()) as u32;
        assert_eq!((s.links[1].block, s.links[1].at), (5, end));
        assert_eq!((s.links[2].block, s.links[2].at), (5, end));
        let json = serde_json::to_string(&s).unwrap();
        let back: Section = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn raw_parts_round_trip_and_damage_is_refused() {
        let s = sample();
        let (body, spans) = s.raw_parts();
        let spans: Vec<_> = spans.collect();
        let back = Section::from_raw_parts(
            s.id.clone(),
            s.title.clone(),
            s.words,
            body.to_string(),
            spans.clone(),
        );
        assert_eq!(back.as_ref(), Some(&s));
        let bad = |f: &dyn Fn(&mut Vec<RawSpan>)| {
            let mut spans = spans.clone();
            f(&mut spans);
            Section::from_raw_parts("s".into(), "T".into(), 0, body.to_string(), spans)
        };
        assert!(bad(&|s| s[0].0 = 9).is_none(), "unknown kind");
        assert!(bad(&|s| s[5].3 += 1).is_none(), "past the end");
        assert!(bad(&|s| s[5].3 -= 1).is_none(), "inside a character");
        assert!(bad(&|s| s[0].2 = 3).is_none(), "label not followed by ': '");
        assert!(bad(&|s| s[1].2 = 1).is_none(), "label on a bullet");
        assert!(bad(&|s| s.swap(1, 2)).is_none(), "ends out of order");
        assert!(
            bad(&|s| {
                s.pop();
            })
            .is_none(),
            "body left over"
        );
        let empty = Section::from_raw_parts("e".into(), "E".into(), 0, String::new(), []);
        assert_eq!(empty.map(|s| s.block_count()), Some(0));
    }
}
