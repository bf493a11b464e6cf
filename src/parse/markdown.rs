//! The Markdown parser: one `.md` issue -> one [`Issue`], via pulldown-cmark.
//!
//! The CommonMark event stream is folded into a flat list of headings and
//! blocks, then cut into sections: the shallowest heading level (after a
//! lone top-level title) holds the stories, deeper headings stay inside them
//! as sub-headings. YAML front matter gives the title, date and author.
//! Pure: no file system, no terminal.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{date, stable_id};
use crate::model::{Block, Issue, Link, Section};
use crate::text::sanitize;

/// Parses one Markdown issue. `source` is recorded as the issue's origin.
pub fn parse(text: &str, source: &str) -> Issue {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let id = stable_id(&[text.trim().as_bytes()]);

    let mut walk = Walk::default();
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(&text, options) {
        walk.event(event);
    }
    walk.flush();

    let front = walk.front_matter.as_deref().map(FrontMatter::read);
    let front = front.unwrap_or_default();
    let (lone_title, drafts) = sectionize(walk.items);
    let mut drafts = drafts;
    let (header_date, header_author) = read_header_lines(&mut drafts);

    let title = front
        .title
        .or(lone_title)
        .or_else(|| drafts.iter().find_map(|d| d.title.clone()))
        .or_else(|| {
            drafts
                .iter()
                .flat_map(|d| &d.blocks)
                .map(|b| first_words(&b.text))
                .find(|t| !t.is_empty())
        })
        .unwrap_or_else(|| super::file_stem(source));
    let has_headings = drafts.iter().any(|d| d.title.is_some());
    let sections = drafts
        .into_iter()
        .enumerate()
        .filter(|(_, d)| d.title.is_some() || !d.blocks.is_empty())
        .enumerate()
        .map(|(i, (_, mut d))| {
            let section_title = match d.title.take() {
                Some(t) => t,
                None if has_headings => "Intro".to_string(),
                None => title.clone(),
            };
            d.into_section(&id, i, section_title)
        })
        .collect::<Vec<_>>();
    let sections = if sections.is_empty() {
        let sid = stable_id(&[id.as_bytes(), &0usize.to_le_bytes(), title.as_bytes()]);
        vec![Section::new(sid, title.clone(), [])]
    } else {
        sections
    };

    let mut issue = Issue {
        id,
        source: source.to_string(),
        newsletter: front.newsletter,
        title,
        date: front.date.or(header_date),
        author: front.author.or(header_author),
        sections,
        url: None,
        guid: None,
    };
    super::limits::cap(&mut issue, source);
    issue
}

// ------------------------------------------------------------- the walk

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Paragraph,
    Bullet,
    Numbered(u32),
    Caption,
    SubHeading,
    Quote,
}

/// A link found while walking, its end offset in its block's raw text.
#[derive(Debug, Clone)]
struct RawLink {
    text: String,
    url: String,
    at: usize,
}

/// One block (or heading) as text, before sections are cut.
#[derive(Debug, Clone)]
struct RawBlock {
    kind: Kind,
    text: String,
    /// The length of a leading bold label ("Why it matters:"), colon included.
    label: Option<(String, usize)>,
    links: Vec<RawLink>,
}

#[derive(Debug, Clone)]
enum Item {
    Heading(u8, RawBlock),
    Block(RawBlock),
}

#[derive(Debug, Clone, Copy)]
struct ListState {
    /// The next item's number, for an ordered list.
    next: Option<u64>,
}

#[derive(Default)]
struct Walk {
    items: Vec<Item>,
    front_matter: Option<String>,
    in_front_matter: bool,
    /// The block being written, and where a bold run at its start ended.
    buf: String,
    links: Vec<RawLink>,
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
}

impl Walk {
    fn event(&mut self, event: Event) {
        if self.in_front_matter {
            match event {
                Event::Text(t) => self.front_matter.get_or_insert_default().push_str(&t),
                Event::End(TagEnd::MetadataBlock(_)) => self.in_front_matter = false,
                _ => {}
            }
            return;
        }
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
            // Raw HTML in Markdown is markup, not text to read.
            Event::Html(_) | Event::InlineHtml(_) | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::MetadataBlock(_) => self.in_front_matter = true,
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
            Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
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
                        self.links.push(RawLink { text, url, at });
                    }
                }
            }
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            TagEnd::TableHead | TagEnd::TableRow => {
                self.flush();
                self.table_cell = 0;
            }
            TagEnd::Table => self.flush(),
            TagEnd::MetadataBlock(_) => self.in_front_matter = false,
            TagEnd::HtmlBlock
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
        if !text.is_empty() {
            let kind = match (self.heading, self.quote_depth, self.item.last().copied()) {
                (Some(_), _, _) => Kind::SubHeading,
                (None, 1.., _) => Kind::Quote,
                (None, 0, Some(kind)) => kind,
                (None, 0, None) => Kind::Paragraph,
            };
            let links = links
                .into_iter()
                .map(|l| RawLink {
                    at: l.at.saturating_sub(lead).min(text.len()),
                    ..l
                })
                .collect();
            let label = match (kind, strong) {
                (Kind::Paragraph, Some((start, Some(end)))) => {
                    label_at(text, end.saturating_sub(lead).max(start))
                }
                _ => None,
            };
            let block = RawBlock {
                kind,
                text: text.to_string(),
                label,
                links,
            };
            self.items.push(match self.heading {
                Some(level) => Item::Heading(level, block),
                None => Item::Block(block),
            });
        }
        if self.image_depth == 0 {
            for caption in std::mem::take(&mut self.captions) {
                let caption = caption.trim();
                if !caption.is_empty() {
                    self.items.push(Item::Block(RawBlock {
                        kind: Kind::Caption,
                        text: caption.to_string(),
                        label: None,
                        links: Vec::new(),
                    }));
                }
            }
        }
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
    } else if let Some(rest) = after.strip_prefix(':') {
        let _ = rest;
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

// ------------------------------------------------------------- sections

struct Draft {
    title: Option<String>,
    title_links: Vec<RawLink>,
    blocks: Vec<RawBlock>,
}

impl Draft {
    fn new(title: Option<String>) -> Draft {
        Draft {
            title,
            title_links: Vec::new(),
            blocks: Vec::new(),
        }
    }

    fn into_section(mut self, issue_id: &str, index: usize, title: String) -> Section {
        let id = stable_id(&[issue_id.as_bytes(), &index.to_le_bytes(), title.as_bytes()]);
        let mut links = Vec::new();
        // A linked heading with nothing under it keeps its title as a
        // sub-heading, so the link has a block to be marked in.
        let at = if self.blocks.is_empty() && !self.title_links.is_empty() {
            self.blocks.push(RawBlock {
                kind: Kind::SubHeading,
                text: title.clone(),
                label: None,
                links: Vec::new(),
            });
            title.len() as u32
        } else {
            0
        };
        // A link in the heading itself is marked at the start of the story.
        for l in self.title_links {
            links.push(Link {
                text: l.text,
                url: l.url,
                block: 0,
                at,
            });
        }
        for (i, b) in self.blocks.iter().enumerate() {
            let skip = b.label.as_ref().map_or(0, |(_, start)| *start);
            let text_len = b.text.len() - skip;
            let trimmed = b.text[skip..].len() - b.text[skip..].trim_start().len();
            for l in &b.links {
                let at = l.at.saturating_sub(skip + trimmed).min(text_len - trimmed);
                links.push(Link {
                    text: l.text.clone(),
                    url: l.url.clone(),
                    block: u32::try_from(i).unwrap_or(u32::MAX),
                    at: u32::try_from(at).unwrap_or(0),
                });
            }
        }
        let blocks = self.blocks.iter().map(|b| match (&b.label, b.kind) {
            (Some((label, start)), _) => Block::Labelled {
                label,
                text: b.text[*start..].trim_start(),
            },
            (None, Kind::Paragraph) => Block::Paragraph { text: &b.text },
            (None, Kind::Bullet) => Block::Bullet { text: &b.text },
            (None, Kind::Numbered(number)) => Block::Numbered {
                number,
                text: &b.text,
            },
            (None, Kind::Caption) => Block::Caption { text: &b.text },
            (None, Kind::SubHeading) => Block::SubHeading { text: &b.text },
            (None, Kind::Quote) => Block::Quote { text: &b.text },
        });
        Section::new(id, title, blocks).with_links(links)
    }
}

/// Cuts the items into sections. Returns the lone title heading, if the
/// document opens with one, and the drafts (the first one untitled).
fn sectionize(items: Vec<Item>) -> (Option<String>, Vec<Draft>) {
    let levels: Vec<u8> = items
        .iter()
        .filter_map(|i| match i {
            Item::Heading(level, _) => Some(*level),
            Item::Block(_) => None,
        })
        .collect();
    let top = levels.iter().copied().min();
    // A single heading at the top level, before any other heading, is the
    // issue's title rather than a story.
    let lone_title = match (top, levels.first()) {
        (Some(top), Some(&first)) => {
            first == top && levels.iter().filter(|&&l| l == top).count() == 1 && levels.len() > 1
        }
        _ => false,
    };
    let section_level = if lone_title {
        levels.iter().skip(1).copied().min()
    } else {
        top
    };
    let mut title = None;
    let mut drafts = vec![Draft::new(None)];
    let mut seen_heading = false;
    for item in items {
        match item {
            Item::Heading(level, block) => {
                let first = !seen_heading;
                seen_heading = true;
                if first && lone_title {
                    title = Some(block.text);
                } else if Some(level) <= section_level {
                    let mut draft = Draft::new(Some(block.text));
                    draft.title_links = block.links;
                    drafts.push(draft);
                } else if let Some(d) = drafts.last_mut() {
                    d.blocks.push(block);
                }
            }
            Item::Block(block) => {
                if let Some(d) = drafts.last_mut() {
                    d.blocks.push(block);
                }
            }
        }
    }
    (title, drafts)
}

/// Takes a date line and a "By X" line off the top of the intro, the way a
/// newsletter's header reads.
fn read_header_lines(drafts: &mut [Draft]) -> (Option<String>, Option<String>) {
    let mut found_date = None;
    let mut author = None;
    let Some(intro) = drafts.first_mut().filter(|d| d.title.is_none()) else {
        return (None, None);
    };
    while let Some(first) = intro.blocks.first() {
        if first.kind != Kind::Paragraph || !first.links.is_empty() {
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
        intro.blocks.remove(0);
    }
    (found_date, author)
}

// ---------------------------------------------------------- front matter

#[derive(Debug, Default)]
struct FrontMatter {
    title: Option<String>,
    date: Option<String>,
    author: Option<String>,
    newsletter: Option<String>,
}

impl FrontMatter {
    /// Reads the simple `key: value` lines of YAML front matter; anything
    /// more elaborate (lists, nesting) is ignored rather than misread.
    fn read(yaml: &str) -> FrontMatter {
        let mut front = FrontMatter::default();
        for line in yaml.lines() {
            if line.starts_with([' ', '\t', '-']) {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = unquote(value.trim());
            if value.is_empty() {
                continue;
            }
            let value = sanitize(value);
            match key.trim().to_ascii_lowercase().as_str() {
                "title" | "subject" => front.title = Some(value),
                "date" | "published" => front.date = date::find_date(&value),
                "author" | "by" => front.author = Some(value),
                "newsletter" | "publication" | "site" => front.newsletter = Some(value),
                _ => {}
            }
        }
        front
    }
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

fn first_words(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.len() + word.len() > 60 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(section: &Section) -> Vec<String> {
        section.blocks().map(|b| b.plain_text()).collect()
    }

    #[test]
    fn lone_title_then_stories_with_sub_heads() {
        let issue = parse(
            "# The Letter\n\nIntro words.\n\n## One\n\nText one.\n\n### Inside\n\nMore.\n\n## Two\n\n- a\n- b\n",
            "x.md",
        );
        assert_eq!(issue.title, "The Letter");
        let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Intro", "One", "Two"]);
        assert_eq!(blocks(&issue.sections[1]), ["Text one.", "Inside", "More."]);
        assert!(matches!(
            issue.sections[1].block(1),
            Some(Block::SubHeading { .. })
        ));
        assert_eq!(blocks(&issue.sections[2]), ["• a", "• b"]);
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
