//! The story view's layout: a section wrapped to a width, as lines of
//! semantic segments. Pure, so update (scroll limits, page size, keeping the
//! reading position across a resize) and ui (drawing) agree on every line.

use super::messages;
use crate::model::{Block, Issue, Section};
use std::borrow::Cow;

/// What a piece of a story line is, so ui can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Above the story: its issue's newsletter, date and author.
    IssueMeta,
    /// Above the story: its issue's title.
    IssueTitle,
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
    /// A link's number, "\[3\]", after its text and before its line in the
    /// link list; holds the link's index in `Section::links` (0-based).
    LinkMark(usize),
    /// "Links", over the list of the story's links.
    LinksHeading,
    /// A link's address in the link list.
    Url,
}

/// True for the parts of a line a filter match is looked for (and
/// highlighted) in: text, not markers, link numbers or the header.
pub fn searchable(segment: Segment) -> bool {
    !matches!(
        segment,
        Segment::Marker
            | Segment::QuoteBar
            | Segment::LinkMark(_)
            | Segment::LinksHeading
            | Segment::IssueMeta
            | Segment::IssueTitle
    )
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

/// Lays a story of `issue` out for a view `width` cells wide: a header
/// saying which issue it is from (newsletter, date and author, then the
/// issue's title unless the story has the same one, then the group the
/// story sits under), a blank line, then
/// [`layout`]. The header's lines are anchored where the title is, so a
/// reading place at the top of a story shows its header. Returns the lines
/// and how many of them are the header.
pub fn layout_in(issue: &Issue, section: &Section, width: usize) -> (Vec<StoryLine>, usize) {
    let mut lines = Vec::new();
    if width == 0 {
        return (lines, 0);
    }
    let top = Anchor {
        block: None,
        byte: 0,
    };
    // Each header line is anchored at the top of the story.
    let header_line = |lines: &mut Vec<StoryLine>, segment: Segment, text: &str| {
        let at = lines.len();
        wrap_into(lines, &[Run::new(segment, text, 0)], None, &[], width, top);
        for line in &mut lines[at..] {
            line.anchor = top;
        }
    };
    let meta = messages::issue_header(
        issue.newsletter.as_deref(),
        issue.date.as_deref(),
        issue.author.as_deref(),
    );
    if !meta.is_empty() {
        header_line(&mut lines, Segment::IssueMeta, &meta);
    }
    let title = issue.title.trim();
    if !title.is_empty() && title != section.title.trim() {
        header_line(&mut lines, Segment::IssueTitle, title);
    }
    if let Some(group) = section.group.as_deref().filter(|g| !g.trim().is_empty()) {
        // The label the story sits under ("Updates › Official").
        header_line(
            &mut lines,
            Segment::IssueMeta,
            &format!("{} ›", group.trim()),
        );
    }
    if !lines.is_empty() {
        lines.push(StoryLine::blank(top));
    }
    let header = lines.len();
    lines.extend(layout(section, width));
    (lines, header)
}

/// Lays a section out for a view `width` cells wide: the title, a blank line,
/// then every block, with a blank line between blocks (none between items of
/// one list), each link's number "\[n\]" right after its text, and, when the
/// story has links, a "Links" list under it ("\[n\] text — url"). No line is
/// wider than `width`; a width of 0 gives no lines.
///
/// Lines of the link list are anchored on blocks past the last one (block
/// count + 0 for the heading, + 1 + k for link k), so anchors stay ordered.
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
        &[],
        width,
        title_anchor,
    );
    lines.push(StoryLine::blank(Anchor {
        block: None,
        byte: section.title.len(),
    }));

    let blocks: Vec<Block> = section.blocks().collect();
    let marks = link_marks(section, &blocks);
    for (i, block) in blocks.iter().enumerate() {
        let start = Anchor {
            block: Some(i),
            byte: 0,
        };
        let marks = &marks[i];
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
                    marks,
                    width,
                    start,
                );
            }
            Block::Labelled { label, text } => {
                let label = format!("{label}:");
                let runs = [Run::label(&label), Run::new(Segment::Text, text, 0)];
                wrap_into(&mut lines, &runs, None, marks, width, start);
            }
            Block::Bullet { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Text, text, 0)],
                    Some((BULLET.to_string(), Segment::Marker)),
                    marks,
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
                    marks,
                    width,
                    start,
                );
            }
            Block::Caption { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Caption, text, 0)],
                    None,
                    marks,
                    width,
                    start,
                );
            }
            Block::SubHeading { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::SubHeading, text, 0)],
                    None,
                    marks,
                    width,
                    start,
                );
            }
            Block::Quote { text } => {
                wrap_into(
                    &mut lines,
                    &[Run::new(Segment::Quote, text, 0)],
                    Some((QUOTE_BAR.to_string(), Segment::QuoteBar)),
                    marks,
                    width,
                    start,
                );
            }
        }
    }
    link_list(&mut lines, section, &blocks, width);
    lines
}

/// Each block's link marks as (byte in the block's text, link index), in
/// reading order. A mark off its block's text (a model built by hand) goes
/// to the end of that block's text, or is dropped with its block.
fn link_marks(section: &Section, blocks: &[Block]) -> Vec<Vec<(usize, usize)>> {
    let mut marks = vec![Vec::new(); blocks.len()];
    for (k, link) in section.links.iter().enumerate() {
        let b = link.block as usize;
        let Some(block) = blocks.get(b) else { continue };
        let text = block.text();
        let at = link.at as usize;
        let at = if text.is_char_boundary(at) {
            at
        } else {
            text.len()
        };
        marks[b].push((at, k));
    }
    for m in &mut marks {
        m.sort_unstable();
    }
    marks
}

/// The "Links" heading and one entry per link, "[n] text — url", the url
/// wrapping under the text with a hanging indent.
fn link_list(lines: &mut Vec<StoryLine>, section: &Section, blocks: &[Block], width: usize) {
    if section.links.is_empty() {
        return;
    }
    let n = blocks.len();
    lines.push(StoryLine::blank(match blocks.last() {
        Some(last) => Anchor {
            block: Some(n - 1),
            byte: last.text().len(),
        },
        None => Anchor {
            block: None,
            byte: section.title.len(),
        },
    }));
    let heading = Anchor {
        block: Some(n),
        byte: 0,
    };
    wrap_into(
        lines,
        &[Run::new(Segment::LinksHeading, messages::LINKS_HEADING, 0)],
        None,
        &[],
        width,
        heading,
    );
    for (k, link) in section.links.iter().enumerate() {
        let start = Anchor {
            block: Some(n + 1 + k),
            byte: 0,
        };
        let number = format!("[{}] ", k + 1);
        let text = link.text.trim();
        let dash_at = text.len();
        let url_at = dash_at + DASH.len();
        let runs = if text.is_empty() || text == link.url {
            vec![Run::new(Segment::Url, &link.url, 0)]
        } else {
            vec![
                Run::new(Segment::Text, text, 0),
                Run::new(Segment::Text, DASH, dash_at),
                Run::new(Segment::Url, &link.url, url_at),
            ]
        };
        wrap_into(
            lines,
            &runs,
            Some((number, Segment::LinkMark(k))),
            &[],
            width,
            start,
        );
    }
}

const DASH: &str = " — ";

/// The line to show first so that `anchor` stays in view: the last line
/// starting at or before it.
pub fn line_of(lines: &[StoryLine], anchor: Anchor) -> usize {
    let start = Anchor {
        block: None,
        byte: 0,
    };
    if anchor == start {
        // The very top: the header above the title too.
        return 0;
    }
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

/// Cells as the terminal draws them: by cluster, not by char ("❤️" is two
/// cells though its heart alone is one).
fn str_width(s: &str) -> usize {
    crate::text::width(s)
}

/// Wraps runs word by word into lines at most `width` wide. A `prefix`
/// (bullet, number, quote bar) starts the first line and its width is a
/// hanging indent on the others (a quote bar repeats instead); if the view is
/// too narrow for it, it is dropped. `marks` (byte in the block's text, link
/// index) put "[n]" right after that byte, glued to the word it ends so the
/// number wraps with its word.
fn wrap_into(
    out: &mut Vec<StoryLine>,
    runs: &[Run],
    prefix: Option<(String, Segment)>,
    marks: &[(usize, usize)],
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
    let mut marks = marks.iter().copied().peekable();
    for run in runs {
        let Some(base) = run.base else {
            for (_, word) in words(run.text) {
                let piece = Piece {
                    segment: run.segment,
                    text: Cow::Borrowed(word),
                    byte: start.byte,
                    in_text: false,
                };
                builder.push_token(run.segment, &[piece], start);
            }
            continue;
        };
        let all: Vec<(usize, &str)> = words(run.text).collect();
        for (w, &(offset, word)) in all.iter().enumerate() {
            let next = all.get(w + 1).map_or(usize::MAX, |&(o, _)| base + o);
            let mut pieces = Vec::with_capacity(1);
            let mut cut = 0;
            // Marks up to the next word's start belong after (part of) this one.
            while let Some(&(at, k)) = marks.peek() {
                if at > next {
                    break;
                }
                marks.next();
                let mut end = at.saturating_sub(base + offset).min(word.len());
                if !word.is_char_boundary(end) || end < cut {
                    end = word.len().max(cut);
                }
                if end > cut {
                    pieces.push(Piece::text(
                        run.segment,
                        &word[cut..end],
                        base + offset + cut,
                    ));
                    cut = end;
                }
                pieces.push(Piece::mark(k, base + offset + cut));
            }
            if cut < word.len() || pieces.is_empty() {
                pieces.push(Piece::text(run.segment, &word[cut..], base + offset + cut));
            }
            let anchor = Anchor {
                byte: base + offset,
                ..start
            };
            builder.push_token(run.segment, &pieces, anchor);
        }
    }
    // Marks with no word to follow (an empty block): numbers on their own.
    for (at, k) in marks {
        let anchor = Anchor { byte: at, ..start };
        builder.push_token(Segment::Text, &[Piece::mark(k, at)], anchor);
    }
    builder.finish();
}

/// Part of a token (a word and the link numbers glued to it): `byte` is
/// where it starts in the block's text; a link number (`in_text` false)
/// takes no bytes of it.
struct Piece<'a> {
    segment: Segment,
    text: Cow<'a, str>,
    byte: usize,
    in_text: bool,
}

impl<'a> Piece<'a> {
    fn text(segment: Segment, text: &'a str, byte: usize) -> Self {
        Piece {
            segment,
            text: Cow::Borrowed(text),
            byte,
            in_text: true,
        }
    }

    fn mark(link: usize, byte: usize) -> Self {
        Piece {
            segment: Segment::LinkMark(link),
            text: Cow::Owned(format!("[{}]", link + 1)),
            byte,
            in_text: false,
        }
    }
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
    /// Places one token (pieces with no space between them); the space
    /// before it takes `space`'s style.
    fn push_token(&mut self, space: Segment, pieces: &[Piece], anchor: Anchor) {
        let w: usize = pieces.iter().map(|p| str_width(&p.text)).sum();
        let gap = usize::from(self.used > 0);
        if self.used + gap + w <= self.avail {
            if self.used == 0 {
                self.anchor = anchor;
            } else {
                self.push_text(space, " ");
            }
            for p in pieces {
                self.push_text(p.segment, &p.text);
            }
            self.used += gap + w;
            return;
        }
        if w <= self.avail {
            self.break_line();
            self.anchor = anchor;
            for p in pieces {
                self.push_text(p.segment, &p.text);
            }
            self.used = w;
            return;
        }
        // A token longer than the line: fill the rest of this line, then cut.
        let mut piece_start = true;
        if self.used > 0 {
            if self.used + 2 <= self.avail {
                self.push_text(space, " ");
                self.used += 1;
                piece_start = false;
            } else {
                self.break_line();
            }
        }
        for p in pieces {
            // Cut between clusters only: a flag or an accented letter is
            // never split over two lines.
            for (i, c) in crate::text::clusters(&p.text) {
                let byte = if p.in_text { p.byte + i } else { p.byte };
                let cw = str_width(c);
                if cw > self.avail {
                    // Wider than the whole view (a CJK char in one column): unshowable.
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
                self.push_text(p.segment, c);
                self.used += cw;
            }
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
    fn the_header_names_the_issue_and_the_top_is_the_header() {
        let s = section(vec![Block::Paragraph { text: "body" }]);
        let issue = Issue {
            id: "i".into(),
            source: "i.txt".into(),
            newsletter: Some("Axios China".into()),
            title: "Tencent's big week".into(),
            date: Some("2020-09-15".into()),
            author: Some("Bethany Allen".into()),
            sections: Vec::new(),
            url: None,
            guid: None,
        };
        let (lines, header) = layout_in(&issue, &s, 60);
        assert_eq!(header, 3);
        assert_eq!(
            texts(&lines),
            vec![
                "Axios China · 2020-09-15 · Bethany Allen",
                "Tencent's big week",
                "",
                "T",
                "",
                "body"
            ]
        );
        let top = Anchor {
            block: None,
            byte: 0,
        };
        assert_eq!(line_of(&lines, top), 0);
        assert_eq!(line_of(&lines, lines[5].anchor), 5);
        assert!(lines.windows(2).all(|w| w[0].anchor <= w[1].anchor));
        // A story named like its issue does not say the title twice.
        let same = Issue {
            title: "T".into(),
            newsletter: None,
            date: None,
            author: None,
            ..issue
        };
        let (lines, header) = layout_in(&same, &s, 60);
        assert_eq!(
            (texts(&lines), header),
            (vec!["T".into(), "".into(), "body".into()], 0)
        );
    }

    #[test]
    fn zero_and_tiny_widths() {
        let s = section(vec![Block::Bullet { text: "x" }]);
        assert!(layout(&s, 0).is_empty());
        assert!(layout(&s, 1).iter().all(|l| l.width() <= 1));
    }

    fn link(text: &str, url: &str, block: u32, at: u32) -> crate::model::Link {
        crate::model::Link {
            text: text.into(),
            url: url.into(),
            block,
            at,
        }
    }

    fn linked(blocks: Vec<Block>, links: Vec<crate::model::Link>) -> Section {
        section(blocks).with_links(links)
    }

    #[test]
    fn link_numbers_follow_their_text_and_the_list_follows_the_story() {
        let s = linked(
            vec![
                Block::Paragraph {
                    text: "Read the report, then vote.",
                },
                Block::Bullet {
                    text: "Tickets here",
                },
            ],
            vec![
                link("the report", "https://ex.com/r", 0, 15),
                link("vote", "https://ex.com/v", 0, 26),
                link("here", "mailto:a@ex.com", 1, 12),
            ],
        );
        let lines = layout(&s, 60);
        assert_eq!(
            texts(&lines),
            vec![
                "T",
                "",
                "Read the report[1], then vote[2].",
                "",
                "• Tickets here[3]",
                "",
                "Links",
                "[1] the report — https://ex.com/r",
                "[2] vote — https://ex.com/v",
                "[3] here — mailto:a@ex.com",
            ]
        );
        assert_eq!(
            lines[2].segments,
            vec![
                (Segment::Text, "Read the report".to_string()),
                (Segment::LinkMark(0), "[1]".to_string()),
                (Segment::Text, ", then vote".to_string()),
                (Segment::LinkMark(1), "[2]".to_string()),
                (Segment::Text, ".".to_string()),
            ]
        );
        assert_eq!(lines[6].segments[0].0, Segment::LinksHeading);
        assert_eq!(lines[8].segments[0], (Segment::LinkMark(1), "[2] ".into()));
        assert_eq!(lines[8].segments.last().map(|x| x.0), Some(Segment::Url));
    }

    #[test]
    fn a_number_wraps_with_its_word() {
        let s = linked(
            vec![Block::Paragraph {
                text: "aaaa bbbb cccc",
            }],
            vec![link("bbbb", "https://b", 0, 9)],
        );
        // "aaaa bbbb" fits in 10 cells but "aaaa bbbb[1]" does not.
        let lines = layout(&s, 10);
        assert_eq!(texts(&lines[2..4]), vec!["aaaa", "bbbb[1]"]);
        assert_eq!(lines[3].anchor.byte, 5);
        assert_eq!(texts(&lines[4..5]), vec!["cccc"]);
    }

    #[test]
    fn numbers_at_odd_places() {
        let s = linked(
            vec![
                Block::Paragraph { text: "  start" },
                Block::Paragraph { text: "" },
                Block::Labelled {
                    label: "Why",
                    text: "see  this",
                },
            ],
            vec![
                link("", "https://zero", 0, 0),
                link("start", "https://s", 0, 7),
                link("s", "https://s2", 0, 7),
                link("nothing", "https://e", 1, 0),
                // In the gap between two words: after the first.
                link("see ", "https://g", 2, 4),
            ],
        );
        let lines = layout(&s, 40);
        assert_eq!(
            texts(&lines[2..7]),
            vec!["[1]start[2][3]", "", "[4]", "", "Why: see[5] this"]
        );
        assert_eq!(texts(&lines[8..9]), vec!["Links"]);
        // An empty link text shows the address alone.
        assert_eq!(texts(&lines[9..10]), vec!["[1] https://zero"]);
    }

    #[test]
    fn link_entries_hang_under_their_number() {
        let s = linked(
            vec![Block::Paragraph { text: "x" }],
            vec![link("a long link text", "https://example.com/path", 0, 1)],
        );
        let lines = layout(&s, 16);
        let list: Vec<String> = texts(&lines[5..]);
        assert_eq!(list[0], "[1] a long link");
        assert!(list[1..].iter().all(|l| l.starts_with("    ")), "{list:?}");
        assert!(lines.iter().all(|l| l.width() <= 16));
        assert_eq!(
            list.concat().replace(' ', ""),
            "[1]alonglinktext—https://example.com/path"
        );
    }

    #[test]
    fn a_hand_made_link_off_its_block_is_kept_or_dropped_safely() {
        let mut s = section(vec![Block::Paragraph { text: "héllo" }]);
        // Not through with_links: byte 2 is inside "é", block 9 does not exist.
        s.links = vec![link("h", "https://a", 0, 2), link("x", "https://b", 9, 0)];
        let lines = layout(&s, 40);
        assert_eq!(texts(&lines[2..3]), vec!["héllo[1]"]);
        assert_eq!(
            lines.iter().filter(|l| l.text().starts_with("[2]")).count(),
            1
        );
    }

    #[test]
    fn anchors_with_links_survive_rewrapping() {
        let text = "word ".repeat(60);
        let links = (0..20u32)
            .map(|k| link("word", "https://w", k % 2, k * 15 + 4))
            .collect();
        let s = linked(
            vec![
                Block::Paragraph { text: &text },
                Block::Quote { text: &text },
            ],
            links,
        );
        let narrow = layout(&s, 17);
        let wide = layout(&s, 61);
        for lines in [&narrow, &wide] {
            assert!(lines.windows(2).all(|w| w[0].anchor <= w[1].anchor));
        }
        for probe in [10, 30, narrow.len() - 3] {
            let anchor = narrow[probe].anchor;
            let i = line_of(&wide, anchor);
            assert!(wide[i].anchor <= anchor);
            assert!(wide.get(i + 1).is_none_or(|l| l.anchor > anchor));
        }
    }

    proptest::proptest! {
        #[test]
        fn links_anywhere_keep_lines_narrow_and_anchors_ordered(
            text in "\\PC{0,120}",
            ats in proptest::collection::vec((0u32..3, 0u32..130), 0..6),
            width in 0usize..30,
        ) {
            let links = ats
                .iter()
                .map(|&(b, at)| link("t", "https://example.com/a-long-path", b, at))
                .collect();
            let s = linked(
                vec![
                    Block::Paragraph { text: &text },
                    Block::Numbered { number: 7, text: &text },
                    Block::Quote { text: &text },
                ],
                links,
            );
            let lines = layout(&s, width);
            for line in &lines {
                proptest::prop_assert!(line.width() <= width);
            }
            proptest::prop_assert!(lines.windows(2).all(|w| w[0].anchor <= w[1].anchor));
            if width > 6 {
                let marks = lines
                    .iter()
                    .flat_map(|l| &l.segments)
                    .filter(|(seg, t)| matches!(seg, Segment::LinkMark(_)) && t.ends_with(']'))
                    .count();
                proptest::prop_assert_eq!(marks, ats.len());
            }
        }
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
