//! The story view's layout: a section wrapped to a width, as lines of
//! semantic segments. Pure, so update (scroll limits, page size, keeping the
//! reading position across a resize) and ui (drawing) agree on every line.

use crate::model::{Block, Section};
use unicode_width::UnicodeWidthChar;

/// What a piece of a story line is, so ui can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Title,
    Label,
    Text,
    /// A bullet or a list number, and the hanging indent after it.
    Marker,
    Caption,
    SubHeading,
    /// The bar drawn before every line of a quote.
    QuoteBar,
    Quote,
}

/// Where a line starts in the section: `block` is `None` for the title,
/// `byte` is an offset into the block's text (or the title).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Anchor {
    pub block: Option<usize>,
    pub byte: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryLine {
    pub segments: Vec<(Segment, String)>,
    pub anchor: Anchor,
}

impl StoryLine {
    fn blank(anchor: Anchor) -> Self {
        StoryLine {
            segments: Vec::new(),
            anchor,
        }
    }

    /// The line as plain text.
    pub fn text(&self) -> String {
        self.segments.iter().map(|(_, t)| t.as_str()).collect()
    }

    /// Display width in terminal cells.
    pub fn width(&self) -> usize {
        self.segments.iter().map(|(_, t)| str_width(t)).sum()
    }
}

const BULLET: &str = "• ";
const QUOTE_BAR: &str = "│ ";

/// Lays a section out for a view `width` cells wide: the title, a blank line,
/// then every block, with a blank line between blocks (none between items of
/// one list). No line is wider than `width`; a width of 0 gives no lines.
pub fn layout(section: &Section, width: usize) -> Vec<StoryLine> {
    let mut lines = Vec::new();
    if width == 0 {
        return lines;
    }
    let title_anchor = Anchor {
        block: None,
        byte: 0,
    };
    wrap_into(
        &mut lines,
        &[Run::new(Segment::Title, &section.title, 0)],
        None,
        width,
        title_anchor,
    );
    lines.push(StoryLine::blank(Anchor {
        block: None,
        byte: section.title.len(),
    }));

    let blocks: Vec<Block> = section.blocks().collect();
    for (i, block) in blocks.iter().enumerate() {
        let start = Anchor {
            block: Some(i),
            byte: 0,
        };
        if i > 0 && !(is_list_item(block) && same_list(&blocks[i - 1], block)) {
            // The separator belongs to the end of the previous block, so a
            // reader anchored on a block's first line never sees it vanish.
            lines.push(StoryLine::blank(Anchor {
                block: Some(i - 1),
                byte: blocks[i - 1].text().len(),
            }));
        }
        match block {
            Block::Paragraph { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Text, text, 0)],
                    None,
                    width,
                    start,
                );
            }
            Block::Labelled { label, text } => {
                let label = format!("{label}:");
                let runs = [Run::label(&label), Run::new(Segment::Text, text, 0)];
                wrap_into(&mut lines, &runs, None, width, start);
            }
            Block::Bullet { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Text, text, 0)],
                    Some((BULLET.to_string(), Segment::Marker)),
                    width,
                    start,
                );
            }
            Block::Numbered { number, text } => {
                let digits = list_number_width(&blocks, i);
                let marker = format!("{number:>digits$}. ");
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Text, text, 0)],
                    Some((marker, Segment::Marker)),
                    width,
                    start,
                );
            }
            Block::Caption { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Caption, text, 0)],
                    None,
                    width,
                    start,
                );
            }
            Block::SubHeading { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::SubHeading, text, 0)],
                    None,
                    width,
                    start,
                );
            }
            Block::Quote { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Quote, text, 0)],
                    Some((QUOTE_BAR.to_string(), Segment::QuoteBar)),
                    width,
                    start,
                );
            }
        }
    }
    lines
}

/// The line to show first so that `anchor` stays in view: the last line
/// starting at or before it.
pub fn line_of(lines: &[StoryLine], anchor: Anchor) -> usize {
    lines.iter().rposition(|l| l.anchor <= anchor).unwrap_or(0)
}

fn is_list_item(block: &Block) -> bool {
    matches!(block, Block::Bullet { .. } | Block::Numbered { .. })
}

fn same_list(a: &Block, b: &Block) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Digits of the widest number in the run of numbered items around `i`, so
/// "9." and "10." line up.
fn list_number_width(blocks: &[Block], i: usize) -> usize {
    let numbered = |b: &Block| match b {
        Block::Numbered { number, .. } => Some(number.to_string().len()),
        _ => None,
    };
    let mut start = i;
    while start > 0 && numbered(&blocks[start - 1]).is_some() {
        start -= 1;
    }
    blocks[start..]
        .iter()
        .map_while(numbered)
        .max()
        .unwrap_or(1)
}

/// A piece of text to wrap in one style; `base` is the byte offset of its
/// start in the block's text (`None` for text that is not in it, e.g. a label).
struct Run<'a> {
    segment: Segment,
    text: &'a str,
    base: Option<usize>,
}

impl<'a> Run<'a> {
    fn new(segment: Segment, text: &'a str, base: usize) -> Self {
        Run {
            segment,
            text,
            base: Some(base),
        }
    }

    fn label(text: &'a str) -> Self {
        Run {
            segment: Segment::Label,
            text,
            base: None,
        }
    }
}

fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Wraps runs word by word into lines at most `width` wide. A `prefix`
/// (bullet, number, quote bar) starts the first line and its width is a
/// hanging indent on the others (a quote bar repeats instead); if the view is
/// too narrow for it, it is dropped.
fn wrap_into(
    out: &mut Vec<StoryLine>,
    runs: &[Run],
    prefix: Option<(String, Segment)>,
    width: usize,
    start: Anchor,
) {
    let prefix = prefix.filter(|(p, _)| str_width(p) < width);
    let indent = prefix.as_ref().map_or(0, |(p, _)| str_width(p));
    let avail = width - indent;
    // The bar runs down every line of a quote, not only the first.
    let continuation = match &prefix {
        Some((p, Segment::QuoteBar)) => Some((p.clone(), Segment::QuoteBar)),
        Some(_) => Some((" ".repeat(indent), Segment::Marker)),
        None => None,
    };

    let mut builder = LineBuilder {
        out,
        first_prefix: prefix,
        continuation,
        avail,
        current: Vec::new(),
        used: 0,
        anchor: start,
        started: false,
    };
    for run in runs {
        for (offset, word) in words(run.text) {
            let byte = run.base.map_or(start.byte, |b| b + offset);
            builder.push_word(run.segment, word, Anchor { byte, ..start });
        }
    }
    builder.finish();
}

/// Whitespace-separated words with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = 0;
    std::iter::from_fn(move || {
        let tail = &text[rest..];
        let start = rest + tail.find(|c: char| !c.is_whitespace())?;
        let len = text[start..]
            .find(char::is_whitespace)
            .unwrap_or(text.len() - start);
        rest = start + len;
        Some((start, &text[start..rest]))
    })
}

struct LineBuilder<'o> {
    out: &'o mut Vec<StoryLine>,
    first_prefix: Option<(String, Segment)>,
    continuation: Option<(String, Segment)>,
    avail: usize,
    current: Vec<(Segment, String)>,
    used: usize,
    anchor: Anchor,
    started: bool,
}

impl LineBuilder<'_> {
    fn push_word(&mut self, segment: Segment, word: &str, anchor: Anchor) {
        let w = str_width(word);
        let space = usize::from(self.used > 0);
        if self.used + space + w <= self.avail {
            if self.used == 0 {
                self.anchor = anchor;
            } else {
                self.push_text(segment, " ");
            }
            self.push_text(segment, word);
            self.used += space + w;
            return;
        }
        if w <= self.avail {
            self.break_line();
            self.anchor = anchor;
            self.push_text(segment, word);
            self.used = w;
            return;
        }
        // A word longer than the line: fill the rest of this line, then cut.
        let mut byte = anchor.byte;
        let mut piece_start = true;
        if self.used > 0 {
            if self.used + 2 <= self.avail {
                self.push_text(segment, " ");
                self.used += 1;
                piece_start = false;
            } else {
                self.break_line();
            }
        }
        for c in word.chars() {
            let cw = char_width(c);
            if cw > self.avail {
                // Wider than the whole view (a CJK char in one column): unshowable.
                byte += c.len_utf8();
                continue;
            }
            if self.used + cw > self.avail {
                self.break_line();
                piece_start = true;
            }
            if piece_start && self.used == 0 {
                self.anchor = Anchor { byte, ..anchor };
                piece_start = false;
            }
            let mut buf = [0u8; 4];
            self.push_text(segment, c.encode_utf8(&mut buf));
            self.used += cw;
            byte += c.len_utf8();
        }
    }

    fn push_text(&mut self, segment: Segment, text: &str) {
        match self.current.last_mut() {
            Some((s, t)) if *s == segment => t.push_str(text),
            _ => self.current.push((segment, text.to_string())),
        }
    }

    fn break_line(&mut self) {
        let mut segments = Vec::with_capacity(self.current.len() + 1);
        if !self.started {
            if let Some((p, s)) = self.first_prefix.take() {
                segments.push((s, p));
            }
            self.started = true;
        } else if let Some(c) = &self.continuation {
            segments.push((c.1, c.0.clone()));
        }
        segments.append(&mut self.current);
        self.out.push(StoryLine {
            segments,
            anchor: self.anchor,
        });
        self.used = 0;
    }

    fn finish(mut self) {
        if self.used > 0 || !self.started {
            self.break_line();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(blocks: Vec<Block>) -> Section {
        Section::new("s".into(), "T".into(), blocks)
    }

    fn texts(lines: &[StoryLine]) -> Vec<String> {
        lines.iter().map(StoryLine::text).collect()
    }

    #[test]
    fn paragraphs_wrap_at_word_boundaries() {
        let s = section(vec![Block::Paragraph {
            text: "one two three four five",
        }]);
        assert_eq!(
            texts(&layout(&s, 9)),
            vec!["T", "", "one two", "three", "four five"]
        );
    }

    #[test]
    fn bullets_and_numbers_hang() {
        let s = section(vec![
            Block::Bullet {
                text: "alpha beta gamma",
            },
            Block::Numbered {
                number: 9,
                text: "nine and more",
            },
            Block::Numbered {
                number: 10,
                text: "ten",
            },
        ]);
        assert_eq!(
            texts(&layout(&s, 12)),
            vec![
                "T",
                "",
                "• alpha beta",
                "  gamma",
                "",
                " 9. nine and",
                "    more",
                "10. ten",
            ]
        );
    }

    #[test]
    fn quotes_carry_the_bar_on_every_line() {
        let s = section(vec![Block::Quote {
            text: "to be or not to be",
        }]);
        let lines = layout(&s, 11);
        assert_eq!(texts(&lines[2..]), vec!["│ to be or", "│ not to be"]);
        assert_eq!(lines[3].segments[0].0, Segment::QuoteBar);
    }

    #[test]
    fn labels_are_their_own_segment() {
        let s = section(vec![Block::Labelled {
            label: "Why it matters",
            text: "Because.",
        }]);
        let lines = layout(&s, 40);
        assert_eq!(
            lines[2].segments,
            vec![
                (Segment::Label, "Why it matters:".to_string()),
                (Segment::Text, " Because.".to_string()),
            ]
        );
    }

    #[test]
    fn wide_characters_count_two_cells() {
        let s = section(vec![Block::Paragraph {
            text: "日本語の文章 👋👋",
        }]);
        let lines = layout(&s, 6);
        assert!(lines.iter().all(|l| l.width() <= 6), "{lines:?}");
        assert_eq!(texts(&lines[2..]), vec!["日本語", "の文章", "👋👋"]);
    }

    #[test]
    fn long_words_are_cut_and_anchors_follow_the_bytes() {
        let s = section(vec![Block::Paragraph {
            text: "ab abcdefghij",
        }]);
        let lines = layout(&s, 4);
        assert_eq!(texts(&lines[2..]), vec!["ab a", "bcde", "fghi", "j"]);
        let bytes: Vec<usize> = lines[2..].iter().map(|l| l.anchor.byte).collect();
        assert_eq!(bytes, vec![0, 4, 8, 12]);
    }

    #[test]
    fn anchors_find_the_same_text_after_rewrapping() {
        let text = "word ".repeat(50);
        let s = section(vec![
            Block::Paragraph { text: &text },
            Block::Paragraph { text: &text },
        ]);
        let narrow = layout(&s, 20);
        let anchor = narrow[20].anchor;
        let wide = layout(&s, 50);
        let i = line_of(&wide, anchor);
        assert!(wide[i].anchor <= anchor);
        assert!(wide.get(i + 1).is_none_or(|l| l.anchor > anchor));
    }

    #[test]
    fn zero_and_tiny_widths() {
        let s = section(vec![Block::Bullet { text: "x" }]);
        assert!(layout(&s, 0).is_empty());
        assert!(layout(&s, 1).iter().all(|l| l.width() <= 1));
    }

    proptest::proptest! {
        #[test]
        fn no_line_is_wider_than_the_view(text in "\\PC{0,200}", width in 0usize..30) {
            let s = section(vec![
                Block::Paragraph { text: &text },
                Block::Numbered { number: 100, text: &text },
                Block::Quote { text: &text },
            ]);
            for line in layout(&s, width) {
                proptest::prop_assert!(line.width() <= width);
            }
        }
    }
}
