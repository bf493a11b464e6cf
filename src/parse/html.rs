//! The HTML parser: a saved newsletter page or an email's HTML body -> one [`Issue`].
//!
//! The document is parsed by html5ever (through `scraper`), which repairs
//! truncated and tag-soup markup the way a browser would. One walk over the
//! tree then turns what a reader would see into a flat list of events
//! (headings, headline-looking lines and blocks with their links); a second
//! pass groups the events into sections. Nothing hidden reaches the model:
//! head, style, script and the like, elements hidden by inline style (the
//! email "preheader"), and tracking pixels are skipped.
//!
//! Pure: no file system, no terminal. Every stored string goes through
//! [`sanitize`].

use super::{ParseError, date, decode, stable_id};
use crate::model::{Block, Issue, Link, Section};
use crate::text::sanitize;
use scraper::{ElementRef, Html, Node};

mod nesting;

/// One HTML document (a saved page or an email's HTML body) -> one Issue:
/// title from `<title>`/first heading, newsletter from og:site_name (None
/// otherwise), date from `<time datetime>`/meta if present, sections from
/// headings, blocks from p/li/blockquote/img alt/figcaption, links kept
/// ([`Section::with_links`]).
pub fn parse(html: &str, source: &str) -> Issue {
    let html = html.strip_prefix('\u{feff}').unwrap_or(html);
    let flat = nesting::flatten(html);
    let doc = Html::parse_document(flat.as_deref().unwrap_or(html));
    let root = doc.root_element();
    let meta = Meta::read(root);

    let mut walker = Walker::default();
    walker.walk(root, 0);
    walker.flush();
    let events = walker.events;

    let id = stable_id(&[html.trim().as_bytes()]);
    let opens = opener(&events);
    let first_heading = events.iter().find(|e| opens(e)).map(|e| match e {
        Event::Heading { text, .. } => text.clone(),
        Event::Block(f) => f.text.clone(),
    });
    let title = meta
        .title
        .clone()
        .or(first_heading)
        .or_else(|| first_words(&events))
        .unwrap_or_else(|| super::file_stem(source));
    let drafts = sectionize(&events, &title);
    let date = meta.date.clone().or_else(|| {
        events.iter().take(12).find_map(|e| match e {
            Event::Block(b) => date::find_date(&b.text),
            _ => None,
        })
    });

    let sections = drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let title = d.title.unwrap_or_else(|| title.clone());
            let section_id = stable_id(&[id.as_bytes(), &i.to_le_bytes(), title.as_bytes()]);
            let blocks: Vec<Block<'_>> = d.blocks.iter().map(Draftblock::as_block).collect();
            Section::new(section_id, title, blocks).with_links(d.links)
        })
        .collect();

    let mut issue = Issue {
        id,
        source: source.to_string(),
        newsletter: meta.site_name,
        title,
        date,
        author: meta.author,
        sections,
        url: None,
        guid: None,
    };
    super::limits::cap(&mut issue, source);
    issue
}

/// Bytes of an HTML file -> one Issue. The bytes are decoded as UTF-8 when
/// they are valid UTF-8, otherwise in the charset the document declares
/// (`<meta charset>`), falling back to Windows-1252. A document with no
/// readable text is refused as blank.
pub fn parse_bytes(bytes: &[u8], source: &str) -> Result<Issue, ParseError> {
    let mut text = decode::decode(bytes)?;
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF");
    if !has_bom
        && std::str::from_utf8(bytes).is_err()
        && let Some(encoding) = declared_charset(bytes)
        && encoding != encoding_rs::UTF_8
        && encoding != encoding_rs::WINDOWS_1252
    {
        text = encoding.decode_without_bom_handling(bytes).0.into_owned();
    }
    let issue = parse(&text, source);
    if issue.words() == 0 {
        return Err(ParseError::Blank);
    }
    Ok(issue)
}

/// The encoding named by `<meta charset=...>` or `content="...; charset=..."`
/// in the first few kilobytes.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")?;
    let rest = head[at + "charset=".len()..].trim_start_matches(['"', '\'', ' ']);
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

// ---------------------------------------------------------------- metadata

#[derive(Debug, Default)]
struct Meta {
    title: Option<String>,
    site_name: Option<String>,
    date: Option<String>,
    author: Option<String>,
}

impl Meta {
    fn read(root: ElementRef<'_>) -> Meta {
        let mut meta = Meta::default();
        for el in root.descendent_elements() {
            let v = el.value();
            match v.name() {
                "title" if meta.title.is_none() => {
                    meta.title = clean_line(&el.text().collect::<String>());
                }
                "meta" => {
                    let key = v
                        .attr("property")
                        .or_else(|| v.attr("name"))
                        .or_else(|| v.attr("itemprop"))
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    let content = v.attr("content").unwrap_or("");
                    match key.as_str() {
                        "og:site_name" | "application-name" if meta.site_name.is_none() => {
                            meta.site_name = clean_line(content);
                        }
                        "article:published_time" | "date" | "datepublished" | "pubdate"
                            if meta.date.is_none() =>
                        {
                            meta.date = iso_date(content);
                        }
                        "author" | "article:author" if meta.author.is_none() => {
                            meta.author = clean_line(content).filter(|a| !a.contains("://"));
                        }
                        _ => {}
                    }
                }
                "time" if meta.date.is_none() => {
                    meta.date = v.attr("datetime").and_then(iso_date);
                }
                _ => {}
            }
        }
        meta
    }
}

/// `YYYY-MM-DD` from the start of an ISO 8601 date or timestamp, or any
/// date the plain-text reader recognises.
fn iso_date(value: &str) -> Option<String> {
    let v = value.trim();
    let b = v.as_bytes();
    let iso = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if iso {
        return Some(v[..10].to_string());
    }
    date::find_date(v)
}

fn clean_line(text: &str) -> Option<String> {
    let text = collapse(&sanitize(text));
    (!text.is_empty()).then_some(text)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------- the walk

/// What kind of block the text being gathered will become.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Paragraph,
    Bullet,
    Numbered(u32),
    Quote,
    Caption,
}

/// A block as found, before it is placed in a section.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    kind: Kind,
    text: String,
    /// A bold "Label:" at the start, without its colon; `text` is then the rest.
    label: Option<String>,
    /// Every character of the text was bold or large, or the element's class
    /// said headline/title.
    emphasised: bool,
    /// (text, url, byte offset in `text` where the link text ends)
    links: Vec<(String, String, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Event {
    /// h1-h6; level 1-3 open sections.
    Heading {
        level: u8,
        text: String,
        links: Vec<(String, String)>,
    },
    Block(Found),
}

/// Gathers inline text into the current block and emits events.
#[derive(Default)]
struct Walker {
    events: Vec<Event>,
    /// Text of the block being gathered; whitespace collapsed as it is
    /// pushed, so it never starts or ends with a space.
    buf: String,
    pending_space: bool,
    last_was_br: bool,
    /// Block kinds of the enclosing block elements, innermost last.
    kinds: Vec<Kind>,
    /// Open lists: None for ul, Some(next number) for ol.
    lists: Vec<Option<u32>>,
    /// How many enclosing elements make text bold or large.
    emphasis: usize,
    /// Some text of the current block was outside any emphasis.
    plain_text_seen: bool,
    /// The current block's element has a headline/title class.
    headline_class: usize,
    /// Where a bold run at the very start of the block ends (for labels).
    lead_bold_end: Option<usize>,
    bold_depth_at_start: Option<usize>,
    /// Links of the current block.
    links: Vec<(String, String, usize)>,
    /// Open links: (url, text gathered so far).
    open_links: Vec<(String, String)>,
}

/// Elements whose content is never shown.
const SKIPPED: [&str; 18] = [
    "head", "style", "script", "noscript", "template", "title", "svg", "math", "iframe", "object",
    "embed", "audio", "video", "canvas", "map", "select", "textarea", "button",
];

/// Elements that start and end a block of their own.
const BLOCKS: [&str; 26] = [
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "center",
    "table", "tbody", "thead", "tfoot", "tr", "td", "th", "pre", "address", "dl", "dt", "dd",
    "form", "fieldset", "body", "html",
];

/// Beyond this depth the rest of a subtree is read as plain text, so a
/// hostile document cannot exhaust the stack.
const MAX_DEPTH: usize = 200;

impl Walker {
    fn walk(&mut self, el: ElementRef<'_>, depth: usize) {
        let v = el.value();
        let name = v.name();
        if SKIPPED.contains(&name) || is_hidden(el) {
            return;
        }
        if depth > MAX_DEPTH {
            let text: String = el.text().collect();
            self.push_text(&text);
            return;
        }
        match name {
            "br" => {
                if self.last_was_br {
                    self.flush();
                } else {
                    self.pending_space = true;
                    self.last_was_br = true;
                }
                return;
            }
            "hr" => {
                self.flush();
                return;
            }
            "img" => {
                self.image(el);
                return;
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.heading(el, name.as_bytes()[1] - b'0', depth);
                return;
            }
            _ => {}
        }

        let block_kind = match name {
            "li" => Some(match self.lists.last_mut() {
                Some(Some(n)) => {
                    let number = v
                        .attr("value")
                        .and_then(|x| x.trim().parse().ok())
                        .unwrap_or(*n);
                    *n = number.saturating_add(1);
                    Kind::Numbered(number)
                }
                _ => Kind::Bullet,
            }),
            "blockquote" => Some(Kind::Quote),
            "figcaption" | "caption" => Some(Kind::Caption),
            // A paragraph inside a list item or quote stays part of it.
            n if BLOCKS.contains(&n) => Some(match self.kinds.last() {
                Some(k @ (Kind::Bullet | Kind::Numbered(_) | Kind::Quote | Kind::Caption))
                    if matches!(n, "p" | "div") =>
                {
                    *k
                }
                _ => Kind::Paragraph,
            }),
            "ul" | "ol" | "menu" => Some(Kind::Paragraph),
            _ => None,
        };
        let emphasis = is_emphasis(el);
        let headline_class = has_headline_class(el);
        if let Some(kind) = block_kind {
            self.flush();
            self.kinds.push(kind);
        }
        let list = match name {
            "ol" => Some(Some(
                v.attr("start")
                    .and_then(|x| x.trim().parse().ok())
                    .unwrap_or(1),
            )),
            "ul" | "menu" => Some(None),
            _ => None,
        };
        if let Some(list) = list {
            self.lists.push(list);
        }
        if emphasis {
            self.emphasis += 1;
        }
        if headline_class {
            self.headline_class += 1;
        }
        let is_bold_tag = matches!(name, "b" | "strong");
        if is_bold_tag && self.buf.is_empty() && self.bold_depth_at_start.is_none() {
            self.bold_depth_at_start = Some(self.kinds.len());
        }
        let link = match name {
            "a" => v
                .attr("href")
                .map(str::trim)
                .filter(|h| !h.is_empty() && !h.starts_with('#'))
                .filter(|h| !h.to_ascii_lowercase().starts_with("javascript:"))
                .map(sanitize),
            _ => None,
        };
        let has_link = link.is_some();
        if let Some(url) = link {
            self.open_links.push((url, String::new()));
        }

        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.push_text(t),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.walk(child, depth + 1);
                    }
                }
                _ => {}
            }
        }

        if has_link && let Some((url, text)) = self.open_links.pop() {
            self.close_link(url, text);
        }
        if is_bold_tag
            && self.bold_depth_at_start == Some(self.kinds.len())
            && self.lead_bold_end.is_none()
        {
            self.lead_bold_end = Some(self.buf.len());
        }
        if headline_class {
            self.headline_class -= 1;
        }
        if emphasis {
            self.emphasis -= 1;
        }
        if list.is_some() {
            self.lists.pop();
        }
        if block_kind.is_some() {
            self.flush();
            self.kinds.pop();
        }
    }

    fn push_text(&mut self, raw: &str) {
        let clean = sanitize(raw);
        for (i, word) in clean.split_whitespace().enumerate() {
            if i > 0 || clean.starts_with(char::is_whitespace) || self.pending_space {
                self.pending_space = true;
            }
            self.push_word(word);
        }
        if clean.ends_with(char::is_whitespace) {
            self.pending_space = true;
        }
    }

    fn push_word(&mut self, word: &str) {
        if self.pending_space && !self.buf.is_empty() {
            self.buf.push(' ');
        }
        for (_, text) in &mut self.open_links {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
        self.pending_space = false;
        self.last_was_br = false;
        self.buf.push_str(word);
        if self.emphasis == 0 && self.headline_class == 0 {
            self.plain_text_seen = true;
        }
    }

    fn close_link(&mut self, url: String, text: String) {
        if text.is_empty() {
            return;
        }
        if !self.buf.is_empty() {
            self.links.push((text, url, self.buf.len()));
            return;
        }
        // The link's text was in blocks already emitted: mark it at the end
        // of the last one.
        match self.events.last_mut() {
            Some(Event::Block(b)) => {
                let at = b.text.len();
                b.links.push((text, url, at));
            }
            Some(Event::Heading { links, .. }) => links.push((text, url)),
            None => {}
        }
    }

    fn image(&mut self, el: ElementRef<'_>) {
        let v = el.value();
        if is_tracking_pixel(el) {
            return;
        }
        let alt = collapse(&sanitize(v.attr("alt").unwrap_or("")));
        // In a link, the alt text is the link's text.
        if !self.open_links.is_empty() {
            if !alt.is_empty() {
                for (_, text) in &mut self.open_links {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(&alt);
                }
            }
            return;
        }
        if !meaningful_alt(&alt)
            || self.kinds.contains(&Kind::Caption)
            || in_figure_with_caption(el)
        {
            return;
        }
        self.flush();
        self.events.push(Event::Block(Found {
            kind: Kind::Caption,
            text: alt,
            label: None,
            emphasised: false,
            links: Vec::new(),
        }));
    }

    fn heading(&mut self, el: ElementRef<'_>, level: u8, depth: usize) {
        self.flush();
        let saved_kinds = std::mem::take(&mut self.kinds);
        self.kinds.push(Kind::Paragraph);
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.push_text(t),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.walk(child, depth + 1);
                    }
                }
                _ => {}
            }
        }
        // A heading whose inside held blocks (a div in an h2) has emitted
        // them; what is left in the buffer is the heading's own text.
        let text = std::mem::take(&mut self.buf);
        let links = std::mem::take(&mut self.links)
            .into_iter()
            .map(|(t, u, _)| (t, u))
            .collect();
        self.reset_block();
        self.kinds = saved_kinds;
        if !text.is_empty() {
            self.events.push(Event::Heading { level, text, links });
        }
    }

    /// Ends the block being gathered and emits it.
    fn flush(&mut self) {
        if self.buf.is_empty() {
            self.reset_block();
            return;
        }
        let text = std::mem::take(&mut self.buf);
        let mut links = std::mem::take(&mut self.links);
        let kind = self.kinds.last().copied().unwrap_or(Kind::Paragraph);
        let emphasised = !self.plain_text_seen;
        let (label, text) = match (kind, self.lead_bold_end) {
            (Kind::Paragraph, Some(end)) => match split_label(&text, end) {
                Some((label, rest_start)) => {
                    for link in &mut links {
                        link.2 = link.2.saturating_sub(rest_start);
                    }
                    (Some(label), text[rest_start..].to_string())
                }
                None => (None, text),
            },
            _ => (None, text),
        };
        self.events.push(Event::Block(Found {
            kind,
            text,
            label,
            emphasised,
            links,
        }));
        self.reset_block();
    }

    fn reset_block(&mut self) {
        self.buf.clear();
        self.links.clear();
        self.pending_space = false;
        self.last_was_br = false;
        self.plain_text_seen = false;
        self.lead_bold_end = None;
        self.bold_depth_at_start = None;
    }
}

/// "Why it matters: text" where "Why it matters:" (or "Why it matters" then
/// ":") was bold: the label and where the rest of the text starts.
fn split_label(text: &str, bold_end: usize) -> Option<(String, usize)> {
    let bold = text.get(..bold_end)?;
    let (label, after) = if let Some(label) = bold.trim_end().strip_suffix(':') {
        (label.trim(), bold_end)
    } else if let Some(rest) = text[bold_end..].strip_prefix(':') {
        (bold.trim(), text.len() - rest.len())
    } else {
        return None;
    };
    let rest = &text[after..];
    let start = after + (rest.len() - rest.trim_start().len());
    let short = !label.is_empty() && label.split_whitespace().count() <= 6 && label.len() <= 60;
    (short && start < text.len()).then(|| (label.to_string(), start))
}

// ---------------------------------------------------------------- styles

/// The element's inline style as (property, value) pairs, lower-cased.
fn style(el: ElementRef<'_>) -> Vec<(String, String)> {
    let Some(style) = el.value().attr("style") else {
        return Vec::new();
    };
    style
        .split(';')
        .filter_map(|decl| {
            let (name, value) = decl.split_once(':')?;
            let value = value.trim().to_ascii_lowercase();
            let value = value.trim_end_matches("!important").trim().to_string();
            Some((name.trim().to_ascii_lowercase(), value))
        })
        .collect()
}

/// A CSS length's number and unit: "18px" -> (18.0, "px").
fn length(value: &str) -> Option<(f32, &str)> {
    let end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let number: f32 = value[..end].parse().ok()?;
    Some((number, value[end..].trim()))
}

/// Hidden from the reader: the email preheader and other invisible text.
fn is_hidden(el: ElementRef<'_>) -> bool {
    let v = el.value();
    if v.attr("hidden").is_some() {
        return true;
    }
    if v.attr("class")
        .is_some_and(|c| c.to_ascii_lowercase().contains("preheader"))
    {
        return true;
    }
    let decls = style(el);
    let get = |name: &str| {
        decls
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let zero = |v: &str| length(v).is_some_and(|(n, _)| n == 0.0);
    get("display") == Some("none")
        || get("visibility") == Some("hidden")
        || get("mso-hide") == Some("all")
        || (get("max-height").is_some_and(zero) && get("overflow") == Some("hidden"))
        || get("font-size").is_some_and(|v| {
            length(v).is_some_and(|(n, unit)| n == 0.0 || (n <= 1.0 && unit == "px"))
        })
        || get("opacity").is_some_and(zero)
}

/// Bold or large (>= 18px, >= 14pt) text: what email templates use for headlines.
fn is_emphasis(el: ElementRef<'_>) -> bool {
    if matches!(el.value().name(), "b" | "strong") {
        return true;
    }
    style(el).iter().any(|(name, value)| match name.as_str() {
        "font-weight" => {
            value == "bold" || value == "bolder" || value.parse::<u32>().is_ok_and(|w| w >= 600)
        }
        "font-size" => length(value).is_some_and(|(n, unit)| match unit {
            "px" | "" => n >= 18.0,
            "pt" => n >= 14.0,
            "em" | "rem" => n >= 1.3,
            _ => false,
        }),
        _ => false,
    })
}

fn has_headline_class(el: ElementRef<'_>) -> bool {
    el.value().attr("class").is_some_and(|c| {
        let c = c.to_ascii_lowercase();
        c.contains("headline") || c.contains("title")
    })
}

/// A 1x1 (or 2x2) image, or one sized that small in its style.
fn is_tracking_pixel(el: ElementRef<'_>) -> bool {
    let v = el.value();
    let tiny = |value: &str| {
        length(value.trim()).is_some_and(|(n, unit)| n <= 2.0 && matches!(unit, "" | "px"))
    };
    if v.attr("width").is_some_and(tiny) || v.attr("height").is_some_and(tiny) {
        return true;
    }
    style(el)
        .iter()
        .any(|(name, value)| matches!(name.as_str(), "width" | "height") && tiny(value))
}

/// Alt text that says something: two words at least, not a logo or spacer.
fn meaningful_alt(alt: &str) -> bool {
    const DECORATIVE: [&str; 8] = [
        "logo", "icon", "spacer", "pixel", "button", "banner", "image", "img",
    ];
    let lower = alt.to_ascii_lowercase();
    alt.split_whitespace().count() >= 2
        && !lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| DECORATIVE.contains(&w))
}

fn in_figure_with_caption(el: ElementRef<'_>) -> bool {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "figure")
        .is_some_and(|fig| {
            fig.descendent_elements()
                .any(|d| d.value().name() == "figcaption")
        })
}

// ---------------------------------------------------------------- sections

/// A block placed in a section.
#[derive(Debug, Clone)]
enum Draftblock {
    Plain(Kind, String),
    Labelled(String, String),
    SubHeading(String),
}

impl Draftblock {
    fn as_block(&self) -> Block<'_> {
        match self {
            Draftblock::Plain(kind, text) => match *kind {
                Kind::Paragraph => Block::Paragraph { text },
                Kind::Bullet => Block::Bullet { text },
                Kind::Numbered(number) => Block::Numbered { number, text },
                Kind::Quote => Block::Quote { text },
                Kind::Caption => Block::Caption { text },
            },
            Draftblock::Labelled(label, text) => Block::Labelled { label, text },
            Draftblock::SubHeading(text) => Block::SubHeading { text },
        }
    }
}

#[derive(Debug, Default)]
struct Draft {
    title: Option<String>,
    blocks: Vec<Draftblock>,
    links: Vec<Link>,
}

impl Draft {
    fn push(&mut self, block: Draftblock, links: Vec<(String, String, usize)>) {
        let index = self.blocks.len() as u32;
        self.links
            .extend(links.into_iter().map(|(text, url, at)| Link {
                text,
                url,
                block: index,
                at: u32::try_from(at).unwrap_or(u32::MAX),
            }));
        self.blocks.push(block);
    }

    fn heading_links(&mut self, links: &[(String, String)]) {
        self.links.extend(links.iter().map(|(text, url)| Link {
            text: text.clone(),
            url: url.clone(),
            block: 0,
            at: 0,
        }));
    }
}

/// A short bold or large line that email templates use as a story headline.
fn is_headline(found: &Found) -> bool {
    let text = found.text.trim();
    found.kind == Kind::Paragraph
        && found.label.is_none()
        && found.emphasised
        && text.split_whitespace().count() <= 14
        && text.len() <= 120
        && !text.ends_with(['.', ':', ',', ';'])
        && text.chars().any(char::is_alphabetic)
        && !is_call_to_action(text)
        && !date::is_date_line(text)
}

/// Bold button-like links ("Read more", "View in browser") that templates
/// set in their own cells: not headlines.
fn is_call_to_action(text: &str) -> bool {
    const ACTIONS: [&str; 16] = [
        "read more",
        "read the full",
        "continue reading",
        "learn more",
        "view in browser",
        "view online",
        "view this email",
        "click here",
        "subscribe",
        "unsubscribe",
        "sign up",
        "share",
        "forward",
        "donate",
        "follow us",
        "shop now",
    ];
    let lower = text.to_lowercase();
    let lower = lower.trim_matches(|c: char| !c.is_alphanumeric());
    ACTIONS
        .iter()
        .any(|a| lower.starts_with(a) && lower.len() <= a.len() + 24)
}

/// Which events open a section: h1-h3, and headline lines when the
/// document has fewer than two such headings.
fn opener(events: &[Event]) -> impl Fn(&Event) -> bool + use<> {
    let headings = events
        .iter()
        .filter(|e| matches!(e, Event::Heading { level: 1..=3, .. }))
        .count();
    let headlines_open = headings < 2;
    move |e: &Event| match e {
        Event::Heading { level, .. } => *level <= 3,
        Event::Block(f) => headlines_open && is_headline(f),
    }
}

/// Groups events into sections: h1-h3 open one; so do headline lines when
/// the document has too few real headings to be structured by them. Text
/// before the first heading is the "Intro"; a document with no headings is
/// one section.
fn sectionize(events: &[Event], issue_title: &str) -> Vec<Draft> {
    let opens = opener(events);
    let any_opener = events.iter().any(&opens);

    let mut drafts: Vec<Draft> = Vec::new();
    let mut current = Draft::default();
    for event in events {
        if opens(event) {
            if !current.blocks.is_empty() || current.title.is_some() {
                drafts.push(std::mem::take(&mut current));
            }
            match event {
                Event::Heading { text, links, .. } => {
                    current.title = Some(text.clone());
                    current.heading_links(links);
                }
                Event::Block(f) => {
                    current.title = Some(f.text.clone());
                    current.heading_links(
                        &f.links
                            .iter()
                            .map(|(t, u, _)| (t.clone(), u.clone()))
                            .collect::<Vec<_>>(),
                    );
                }
            }
            continue;
        }
        if current.title.is_none() && current.blocks.is_empty() && any_opener {
            current.title = Some("Intro".to_string());
        }
        match event {
            Event::Heading { text, links, .. } => {
                let links = links
                    .iter()
                    .map(|(t, u)| (t.clone(), u.clone(), text.len()))
                    .collect();
                current.push(Draftblock::SubHeading(text.clone()), links);
            }
            Event::Block(f) => {
                let block = match (&f.label, f.kind) {
                    (Some(label), _) => Draftblock::Labelled(label.clone(), f.text.clone()),
                    (None, Kind::Paragraph) if is_headline(f) => {
                        Draftblock::SubHeading(f.text.clone())
                    }
                    (None, kind) => Draftblock::Plain(kind, f.text.clone()),
                };
                current.push(block, f.links.clone());
            }
        }
    }
    if !current.blocks.is_empty() || current.title.is_some() || drafts.is_empty() {
        drafts.push(current);
    }
    fold_empty(drafts, issue_title)
}

/// A heading with nothing under it is no story: the masthead (the issue's
/// own title) is dropped; any other (a category above its stories) becomes a
/// sub-heading at the start of the next story, or the end of the last, so no
/// word is lost.
fn fold_empty(drafts: Vec<Draft>, issue_title: &str) -> Vec<Draft> {
    if drafts.iter().all(|d| d.blocks.is_empty()) {
        // Headings only: one whose title is a link keeps it as a sub-heading
        // under itself, so the link has a block to be marked in.
        return drafts
            .into_iter()
            .map(|mut d| {
                if !d.links.is_empty() {
                    let title = d.title.clone().unwrap_or_default();
                    let at = title.len() as u32;
                    for link in &mut d.links {
                        *link = Link {
                            block: 0,
                            at,
                            ..link.clone()
                        };
                    }
                    d.blocks.push(Draftblock::SubHeading(title));
                }
                d
            })
            .collect();
    }
    let mut out: Vec<Draft> = Vec::new();
    let mut waiting: Vec<Draft> = Vec::new();
    for mut draft in drafts {
        if draft.blocks.is_empty() {
            if draft.title.as_deref() != Some(issue_title) {
                waiting.push(draft);
            }
            continue;
        }
        for empty in waiting.drain(..).rev() {
            let title = empty.title.unwrap_or_default();
            for link in &mut draft.links {
                link.block += 1;
            }
            let at = title.len() as u32;
            draft
                .links
                .splice(0..0, empty.links.into_iter().map(|l| Link { at, ..l }));
            draft.blocks.insert(0, Draftblock::SubHeading(title));
        }
        out.push(draft);
    }
    if let Some(last) = out.last_mut() {
        for empty in waiting {
            let title = empty.title.unwrap_or_default();
            let block = last.blocks.len() as u32;
            let at = title.len() as u32;
            last.links
                .extend(empty.links.into_iter().map(|l| Link { block, at, ..l }));
            last.blocks.push(Draftblock::SubHeading(title));
        }
    }
    out
}

/// For a document with no headings: its first sentence, up to 60 characters.
fn first_words(events: &[Event]) -> Option<String> {
    let texts = events.iter().filter_map(|e| match e {
        Event::Block(f) => Some(&f.text),
        Event::Heading { .. } => None,
    });
    let text = texts
        .clone()
        .find(|t| t.split_whitespace().count() >= 3)
        .or_else(|| texts.clone().next())?;
    let sentence = super::first_sentence(text);
    let mut out = String::new();
    for word in sentence.split_whitespace() {
        if !out.is_empty() && out.len() + word.len() > 60 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Some(out)
}

#[cfg(test)]
mod tests;
