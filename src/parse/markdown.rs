//! The Markdown parser: one `.md` issue -> an [`Outline`], via pulldown-cmark.
//!
//! The CommonMark event stream is folded into a flat list of headings and
//! blocks; the shared sectioner then cuts it into stories. Front matter
//! (YAML `---`, TOML `+++`, or Pelican-style `Title:` lines) gives the
//! title, date and author and is never shown. Raw HTML blocks are read by
//! the HTML parser, so an `<h3>` written in HTML is a heading like `###`.
//! MDX `import`/`export` lines and template tags (`{% include %}`) are
//! code, not text. Pure: no file system, no terminal.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::outline::{Anchor, Cue, Heading, Hints, Node, Outline, Piece, PieceKind};
use super::{date, limits, stable_id};
use crate::model::Issue;
use crate::text::sanitize;

/// Parses one Markdown issue. `source` is recorded as the issue's origin.
pub fn parse(text: &str, source: &str) -> Issue {
    let (outline, id) = outline(text, source);
    super::assemble::assemble(outline, source, id, &super::rules::SplitRules::default()).issue
}

/// The outline of one Markdown issue, and the issue's id.
pub fn outline(text: &str, source: &str) -> (Outline, String) {
    let (text, cut) = limits::within_lines(text, limits::MAX_ISSUE_LINES);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    let id = stable_id(&[text.trim().as_bytes()]);
    let (front, body) = front_matter::split(&text);

    let mut walk = Walk {
        mdx: source.to_ascii_lowercase().ends_with(".mdx"),
        ..Walk::default()
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    for event in Parser::new_ext(body, options) {
        walk.event(event);
    }
    walk.flush();

    let mut nodes = walk.nodes;
    let (header_date, header_author) = read_header_lines(&mut nodes);
    let hints = Hints {
        title: front.title,
        newsletter: front.newsletter,
        date: front.date.or(header_date),
        author: front.author.or(header_author),
        sender: None,
        name_guess: None,
    };
    let cut = cut.then(|| format!("{} lines", limits::MAX_ISSUE_LINES));
    (Outline { nodes, hints, cut }, id)
}

// ------------------------------------------------------------- the walk

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Paragraph,
    Bullet,
    Numbered(u32),
    Quote,
}

#[derive(Debug, Clone, Copy)]
struct ListState {
    /// The next item's number, for an ordered list.
    next: Option<u64>,
}

#[derive(Default)]
struct Walk {
    nodes: Vec<Node>,
    /// An MDX source: `import`/`export` lines are code.
    mdx: bool,
    /// The block being written.
    buf: String,
    links: Vec<Anchor>,
    /// Link destinations and where their text started, innermost last.
    open_links: Vec<(String, usize)>,
    heading: Option<u8>,
    quote_depth: usize,
    lists: Vec<ListState>,
    /// The kinds of the list items being written, innermost last.
    item: Vec<Kind>,
    image_depth: usize,
    captions: Vec<String>,
    code: bool,
    /// A `**bold**` run that opened the block: its start and, once closed, end.
    strong_at_start: Option<(usize, Option<usize>)>,
    table_cell: usize,
    /// The raw HTML of the HTML block being read.
    html: Option<String>,
}

impl Walk {
    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if self.code {
                    self.code_text(&t);
                } else if self.image_depth > 0 {
                    if let Some(c) = self.captions.last_mut() {
                        push_words(c, &sanitize(&t));
                    }
                } else {
                    push_words(&mut self.buf, &sanitize(&t));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.image_depth > 0 {
                    if let Some(c) = self.captions.last_mut() {
                        push_words(c, " ");
                    }
                } else {
                    push_words(&mut self.buf, " ");
                }
            }
            Event::Rule => self.flush(),
            Event::FootnoteReference(name) => push_words(&mut self.buf, &sanitize(&name)),
            // An HTML block is read by the HTML parser when it ends.
            Event::Html(html) => match &mut self.html {
                Some(buf) => buf.push_str(&html),
                None => self.html = Some(html.to_string()),
            },
            // Inline HTML (`<br>`, `<kbd>`) is markup, not text to read.
            Event::InlineHtml(_) | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::MetadataBlock(_) => {}
            Tag::Paragraph => {
                if !self.item.is_empty() {
                    push_words(&mut self.buf, " ");
                } else {
                    self.flush();
                }
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some(heading_number(level));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code = true;
            }
            Tag::List(start) => {
                // A nested list ends its parent item's own text.
                self.flush();
                self.lists.push(ListState { next: start });
            }
            Tag::Item => {
                self.flush();
                let kind = match self.lists.last_mut() {
                    Some(ListState { next: Some(n) }) => {
                        let number = u32::try_from(*n).unwrap_or(u32::MAX);
                        *n = n.saturating_add(1);
                        Kind::Numbered(number)
                    }
                    _ => Kind::Bullet,
                };
                self.item.push(kind);
            }
            Tag::Strong => {
                if self.buf.trim().is_empty() && self.strong_at_start.is_none() {
                    self.strong_at_start = Some((self.buf.len(), None));
                }
            }
            Tag::Link { dest_url, .. } => {
                self.open_links
                    .push((sanitize(dest_url.trim()), self.buf.len()));
            }
            Tag::Image { .. } => {
                self.image_depth += 1;
                if self.image_depth == 1 {
                    self.captions.push(String::new());
                }
            }
            Tag::Table(_) | Tag::TableHead | Tag::TableRow => self.flush(),
            Tag::TableCell => {
                if self.table_cell > 0 {
                    push_words(&mut self.buf, " | ");
                }
                self.table_cell += 1;
            }
            Tag::HtmlBlock => self.flush(),
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Emphasis
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.item.is_empty() {
                    self.flush();
                }
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.heading = None;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                self.flush();
                self.code = false;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.item.pop();
            }
            TagEnd::Strong => {
                if let Some((start, None)) = self.strong_at_start {
                    self.strong_at_start = Some((start, Some(self.buf.len())));
                }
            }
            TagEnd::Link => {
                if let Some((url, start)) = self.open_links.pop() {
                    let mut text = self.buf.get(start..).unwrap_or("").trim().to_string();
                    if text.is_empty() {
                        text = self
                            .captions
                            .last()
                            .filter(|c| !c.trim().is_empty())
                            .map_or_else(|| url.clone(), |c| c.trim().to_string());
                    }
                    if !url.is_empty() {
                        let at = self.buf.trim_end().len();
                        self.links.push(Anchor { text, url, at });
                    }
                }
            }
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            TagEnd::TableHead | TagEnd::TableRow => {
                self.flush();
                self.table_cell = 0;
            }
            TagEnd::Table => self.flush(),
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    self.nodes.extend(super::html::fragment(&html));
                }
            }
            TagEnd::MetadataBlock(_)
            | TagEnd::TableCell
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Emphasis
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }

    /// A code block keeps its lines: each non-blank one is a paragraph.
    fn code_text(&mut self, text: &str) {
        for (i, line) in sanitize(text).split('\n').enumerate() {
            if i > 0 {
                self.flush();
            }
            self.buf.push_str(line.trim_end());
        }
    }

    /// Ends the block being written (and any image captions it held).
    fn flush(&mut self) {
        let strong = self.strong_at_start.take();
        let links = std::mem::take(&mut self.links);
        let raw = std::mem::take(&mut self.buf);
        let text = raw.trim_end();
        let lead = text.len() - text.trim_start().len();
        let text = text.trim_start();
        let in_text = self.heading.is_none() && self.quote_depth == 0 && self.item.is_empty();
        let code_line = in_text && !self.code && self.is_code_line(text);
        if !text.is_empty() && !code_line {
            let links: Vec<Anchor> = links
                .into_iter()
                .map(|l| Anchor {
                    at: l.at.saturating_sub(lead).min(text.len()),
                    ..l
                })
                .collect();
            if let Some(level) = self.heading {
                let mut heading = Heading::new(level, text, Cue::Tag);
                heading.links = links;
                self.nodes.push(Node::Heading(heading));
            } else {
                let kind = match (self.quote_depth, self.item.last().copied()) {
                    (1.., _) => Kind::Quote,
                    (0, Some(kind)) => kind,
                    (0, None) => Kind::Paragraph,
                };
                let label = match (kind, strong) {
                    (Kind::Paragraph, Some((start, Some(end)))) => {
                        label_at(text, end.saturating_sub(lead).max(start))
                    }
                    _ => None,
                };
                self.nodes
                    .push(Node::Block(piece(kind, text, label, links)));
            }
        }
        if self.image_depth == 0 {
            for caption in std::mem::take(&mut self.captions) {
                let caption = caption.trim();
                if !caption.is_empty() {
                    self.nodes
                        .push(Node::Block(Piece::new(PieceKind::Caption, caption)));
                }
            }
        }
    }

    /// A paragraph that is code in the source, not text: an MDX `import`
    /// or `export` line, or a template tag (`{% include x.html %}`).
    fn is_code_line(&self, text: &str) -> bool {
        let template = (text.starts_with("{%") && text.ends_with("%}"))
            || (text.starts_with("{{") && text.ends_with("}}"));
        let esm = self.mdx
            && (text.starts_with("import ") || text.starts_with("export "))
            && (text.contains(" from ")
                || text.starts_with("export const ")
                || text.ends_with(';'));
        template || esm
    }
}

/// A block with its label split off and link offsets moved past it.
fn piece(kind: Kind, text: &str, label: Option<(String, usize)>, links: Vec<Anchor>) -> Piece {
    let kind = match kind {
        Kind::Paragraph => PieceKind::Paragraph,
        Kind::Bullet => PieceKind::Bullet,
        Kind::Numbered(n) => PieceKind::Numbered(n),
        Kind::Quote => PieceKind::Quote,
    };
    let Some((label, start)) = label else {
        return Piece {
            kind,
            text: text.to_string(),
            links,
            ..Piece::default()
        };
    };
    let rest = &text[start..];
    let skip = start + (rest.len() - rest.trim_start().len());
    let body = text[skip..].to_string();
    let links = links
        .into_iter()
        .map(|l| Anchor {
            at: l.at.saturating_sub(skip).min(body.len()),
            ..l
        })
        .collect();
    Piece {
        kind,
        text: body,
        label: Some(label),
        links,
        ..Piece::default()
    }
}

/// Appends `text`, collapsing runs of white space (and any at the start).
fn push_words(buf: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !buf.is_empty() && !buf.ends_with(' ') {
                buf.push(' ');
            }
        } else {
            buf.push(c);
        }
    }
}

/// "Label: text" when the bold run that opened the block (ending at byte
/// `bold_end`) is a short label ending in a colon, inside or just after it.
fn label_at(text: &str, bold_end: usize) -> Option<(String, usize)> {
    let bold = text.get(..bold_end)?;
    let after = text.get(bold_end..)?;
    let (label, rest_start) = if let Some(label) = bold.trim_end().strip_suffix(':') {
        (label, bold_end)
    } else if after.starts_with(':') {
        (bold, bold_end + 1)
    } else {
        return None;
    };
    let label = label.trim();
    let words = label.split_whitespace().count();
    if label.is_empty() || words > 6 || text[rest_start..].trim().is_empty() {
        return None;
    }
    Some((label.to_string(), rest_start))
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Takes a date line and a "By X" line off the top of the text before the
/// first heading, the way a newsletter's header reads.
fn read_header_lines(nodes: &mut Vec<Node>) -> (Option<String>, Option<String>) {
    let mut found_date = None;
    let mut author = None;
    while let Some(Node::Block(first)) = nodes.first() {
        if first.kind != PieceKind::Paragraph || !first.links.is_empty() || first.label.is_some() {
            break;
        }
        let text = first.text.as_str();
        if found_date.is_none() && date::is_date_line(text) {
            found_date = date::find_date(text);
        } else if author.is_none()
            && let Some(name) = text
                .strip_prefix("By ")
                .or_else(|| text.strip_prefix("by "))
            && name.split_whitespace().count() <= 6
        {
            author = Some(name.trim().to_string());
        } else {
            break;
        }
        nodes.remove(0);
    }
    (found_date, author)
}

// ---------------------------------------------------------- front matter

mod front_matter {
    use super::super::date;
    use crate::text::sanitize;

    /// What the front matter says.
    #[derive(Debug, Default)]
    pub(super) struct FrontMatter {
        pub title: Option<String>,
        pub date: Option<String>,
        pub author: Option<String>,
        pub newsletter: Option<String>,
    }

    /// Splits the front matter off the text: YAML between `---` lines, TOML
    /// between `+++` lines, or Pelican/MultiMarkdown `Key: value` lines that
    /// open the file (at least two, with a known key among them).
    pub(super) fn split(text: &str) -> (FrontMatter, &str) {
        for fence in ["---", "+++"] {
            if let Some(rest) = text.strip_prefix(fence).and_then(|r| r.strip_prefix('\n')) {
                let mut at = 0;
                for line in rest.split_inclusive('\n') {
                    let bare = line.trim_end();
                    if bare == fence || (fence == "---" && bare == "...") {
                        let front = read(&rest[..at], fence == "+++");
                        return (front, &rest[at + line.len()..]);
                    }
                    at += line.len();
                }
                return (FrontMatter::default(), text);
            }
        }
        let mut end = 0;
        let mut keys = 0;
        let mut known = 0;
        for line in text.split_inclusive('\n') {
            let bare = line.trim_end();
            if bare.is_empty() {
                break;
            }
            let Some((key, value)) = bare.split_once(':') else {
                return (FrontMatter::default(), text);
            };
            let key = key.trim();
            if key.is_empty()
                || key.len() > 20
                || !key
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                || value.trim().is_empty()
            {
                return (FrontMatter::default(), text);
            }
            keys += 1;
            if matches!(
                key.to_ascii_lowercase().as_str(),
                "title" | "date" | "author" | "tags" | "category" | "slug" | "summary"
            ) {
                known += 1;
            }
            end += line.len();
        }
        if keys >= 2 && known >= 2 {
            (read(&text[..end], false), &text[end..])
        } else {
            (FrontMatter::default(), text)
        }
    }

    /// Reads the simple `key: value` (or TOML `key = value`) lines; anything
    /// more elaborate (lists, nesting) is ignored rather than misread.
    fn read(front: &str, toml: bool) -> FrontMatter {
        let mut out = FrontMatter::default();
        let mut category = None;
        for line in front.lines() {
            if line.starts_with([' ', '\t', '-']) {
                continue;
            }
            let split = if toml {
                line.split_once('=')
            } else {
                line.split_once(':')
            };
            let Some((key, value)) = split else {
                continue;
            };
            // A YAML tag ("! 'Issue #125'", "!!str x") is not part of the value.
            let value = value.trim();
            let value = value
                .strip_prefix("!!str ")
                .or_else(|| value.strip_prefix("! "))
                .unwrap_or(value);
            let value = unquote(value.trim());
            if value.is_empty() || value.starts_with('[') || value.starts_with('{') {
                continue;
            }
            let value = sanitize(value);
            match key.trim().to_ascii_lowercase().as_str() {
                "title" | "subject" => out.title = Some(value),
                "date" | "published" | "pubdate" => out.date = front_date(&value),
                "author" | "by" => out.author = Some(value),
                "newsletter" | "publication" | "site" | "site_name" => out.newsletter = Some(value),
                "category" | "series" => category = Some(value),
                _ => {}
            }
        }
        // A post filed under a series named in its title ("This Week in
        // Rust 589" under "This Week in Rust") names the newsletter.
        if out.newsletter.is_none()
            && let (Some(cat), Some(title)) = (&category, &out.title)
            && title.to_lowercase().starts_with(&cat.to_lowercase())
        {
            out.newsletter = Some(cat.clone());
        }
        out
    }

    /// A front matter date: ISO or written out, or `MM-DD-YYYY` as US
    /// site generators write it when day and month could both be months.
    fn front_date(value: &str) -> Option<String> {
        date::find_date(value).or_else(|| {
            let parts: Vec<u32> = value
                .split(['-', '/'])
                .map(|p| p.trim().parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            match parts.as_slice() {
                [m, d, y] if *y >= 1900 && (1..=12).contains(m) => {
                    date::find_date(&format!("{y:04}-{m:02}-{d:02}"))
                }
                _ => None,
            }
        })
    }

    fn unquote(value: &str) -> &str {
        for q in ['"', '\''] {
            if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
                return inner;
            }
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Section};

    fn blocks(section: &Section) -> Vec<String> {
        section.blocks().map(|b| b.plain_text()).collect()
    }

    #[test]
    fn lone_title_then_stories_and_deeper_stories() {
        let issue = parse(
            "# The Letter\n\nIntro words.\n\n## One\n\nText one.\n\n### Inside\n\nMore.\n\n## Two\n\n- a\n- b\n",
            "x.md",
        );
        assert_eq!(issue.title, "The Letter");
        let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Intro", "One", "Inside", "Two"]);
        assert_eq!(blocks(&issue.sections[1]), ["Text one."]);
        assert_eq!(blocks(&issue.sections[2]), ["More."]);
        assert_eq!(blocks(&issue.sections[3]), ["• a", "• b"]);
    }

    #[test]
    fn bold_labels_and_link_offsets() {
        let issue = parse(
            "## Story\n\n**Why it matters:** the [rates](https://r.example/) moved.\n",
            "x.md",
        );
        let s = &issue.sections[0];
        assert_eq!(
            s.block(0),
            Some(Block::Labelled {
                label: "Why it matters",
                text: "the rates moved."
            })
        );
        assert_eq!(s.links.len(), 1);
        assert_eq!(s.links[0].text, "rates");
        assert_eq!(s.links[0].url, "https://r.example/");
        assert_eq!(s.links[0].at as usize, "the rates".len());
    }

    #[test]
    fn front_matter_is_read_not_shown() {
        let issue = parse(
            "---\ntitle: \"Weekly\"\ndate: 2024-03-05\nauthor: Ann Lee\n---\n\nHello there.\n",
            "w.md",
        );
        assert_eq!(issue.title, "Weekly");
        assert_eq!(issue.date.as_deref(), Some("2024-03-05"));
        assert_eq!(issue.author.as_deref(), Some("Ann Lee"));
        assert_eq!(blocks(&issue.sections[0]), ["Hello there."]);
    }

    #[test]
    fn numbered_lists_images_code_and_quotes() {
        let issue = parse(
            "3. three\n4. four\n\n![A chart of rates](c.png)\n\n```\nlet x = 1;\n\nx\n```\n\n> Quoted words\n",
            "n.md",
        );
        assert_eq!(
            blocks(&issue.sections[0]),
            [
                "3. three",
                "4. four",
                "A chart of rates",
                "let x = 1;",
                "x",
                "> Quoted words"
            ]
        );
        assert!(matches!(
            issue.sections[0].block(2),
            Some(Block::Caption { .. })
        ));
    }

    #[test]
    fn empty_and_odd_inputs_give_one_section() {
        for text in ["", "   \n", "---\n---\n", "<div></div>", "[]()", "#"] {
            let issue = parse(text, "e.md");
            assert!(!issue.sections.is_empty(), "{text:?}");
        }
    }
}
