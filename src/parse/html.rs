//! The HTML parser: a saved newsletter page or an email's HTML body -> an
//! [`Outline`].
//!
//! The document is parsed by html5ever (through `scraper`), which repairs
//! truncated and tag-soup markup the way a browser would. One walk over the
//! tree turns what a reader would see into events (headings and blocks with
//! their links); each block that looks like a headline (a template's
//! headline class, capitals set as a kicker, a short bold line, a bold
//! lead-in before a dash) becomes a heading with that cue, and the shared
//! sectioner decides the stories. Nothing hidden reaches the model: head,
//! style, script and the like, elements hidden by inline style (the email
//! "preheader"), and tracking pixels are skipped.
//!
//! Pure: no file system, no terminal. Every stored string goes through
//! [`sanitize`].

use super::outline::{Anchor, Cue, Heading, Hints, Node as Item, Outline, Piece, PieceKind};
use super::{ParseError, date, decode, forward, limits, stable_id};
use crate::model::Issue;
use crate::text::sanitize;
use scraper::{ElementRef, Html, Node};

mod nesting;

/// One HTML document (a saved page or an email's HTML body) -> one Issue.
pub fn parse(html: &str, source: &str) -> Issue {
    let (outline, id) = outline(html);
    super::assemble::assemble(outline, source, id, &super::rules::SplitRules::default()).issue
}

/// The outline of one HTML document, and its content id: title from
/// `<title>`/og:title, newsletter from og:site_name, date from `<time
/// datetime>` or meta, and a forwarded message's header when the page is
/// a forwarded email.
pub fn outline(html: &str) -> (Outline, String) {
    let html = html.strip_prefix('\u{feff}').unwrap_or(html);
    let id = stable_id(&[html.trim().as_bytes()]);
    let (html, cut) = limits::within_tags(html, limits::MAX_MARKUP_TAGS);
    let flat = nesting::flatten(html);
    let doc = Html::parse_document(flat.as_deref().unwrap_or(html));
    drop(flat);
    let root = doc.root_element();
    let meta = Meta::read(root);

    let mut walker = Walker::for_page(root);
    walker.walk(root, 0);
    walker.flush();
    drop(doc);
    let mut nodes = items(walker.events);
    let forwarded = forward::take_header(&mut nodes);

    let hints = Hints {
        name_guess: meta
            .title
            .as_deref()
            .filter(|t| is_name_like(t))
            .map(str::to_string),
        title: meta.title.or(forwarded.subject),
        newsletter: meta.site_name.or(forwarded.from_name),
        date: meta.date.or(forwarded.date),
        author: meta.author,
        sender: forwarded.from_address,
    };
    let cut = cut.then(|| format!("{} tags", limits::MAX_MARKUP_TAGS));
    (Outline { nodes, hints, cut }, id)
}

/// A page title short enough to be a name rather than a headline ("Money
/// Stuff", "Times Top10"): at most four words, not a sentence, not a date.
fn is_name_like(title: &str) -> bool {
    let words = title.split_whitespace().count();
    (1..=4).contains(&words)
        && !title.trim_end().ends_with(['.', '!', '?', ':'])
        && title.chars().any(char::is_alphabetic)
        && date::find_date(title).is_none()
}

/// The outline nodes of a piece of HTML inside another format (a raw HTML
/// block in Markdown): its headings and text, no metadata.
pub fn fragment(html: &str) -> Vec<Item> {
    let doc = Html::parse_fragment(html);
    let mut walker = Walker::for_page(doc.root_element());
    walker.walk(doc.root_element(), 0);
    walker.flush();
    items(walker.events)
}

/// Bytes of an HTML file -> one Issue. A document with no readable text
/// is refused as blank.
pub fn parse_bytes(bytes: &[u8], source: &str) -> Result<Issue, ParseError> {
    let text = decode_bytes(bytes)?;
    let issue = parse(&text, source);
    if issue.words() == 0 {
        return Err(ParseError::Blank);
    }
    Ok(issue)
}

/// An HTML file's text: UTF-8 when the bytes are valid UTF-8, otherwise
/// the charset the document declares (`<meta charset>`), falling back to
/// Windows-1252.
pub fn decode_bytes(bytes: &[u8]) -> Result<String, ParseError> {
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
    Ok(text)
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
    og_title: Option<String>,
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
                        "og:title" | "twitter:title" if meta.og_title.is_none() => {
                            meta.og_title = clean_line(content);
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
        meta.title = meta.title.take().or(meta.og_title.take());
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
    /// How the whole text was styled, when all of it was.
    style: Style,
    /// Where a bold run at the start of the text ends, when the text has one.
    lead_bold_end: Option<usize>,
    /// Where the first line break falls.
    first_break: Option<usize>,
    /// (text, url, byte offset in `text` where the link text ends)
    links: Vec<(String, String, usize)>,
}

/// How a block's whole text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    /// Bold or large.
    Emphasised,
    /// In capitals by style (`text-transform`): a kicker.
    Kicker,
    /// Inside an element whose class names a headline or title.
    HeadlineClass,
    /// Inside an element whose class names the newsletter's masthead.
    Masthead,
    /// Inside a button (a class or role that says so).
    Button,
}

#[derive(Debug, Clone, PartialEq)]
enum Event {
    /// h1-h6.
    Heading {
        level: u8,
        text: String,
        links: Vec<(String, String)>,
        cue: Cue,
        /// A heading after the first inside one `<article>` of a page that
        /// wraps each story in one: a sub-heading of that story.
        inner: bool,
    },
    Block(Found),
}

/// Gathers inline text into the current block and emits events.
#[derive(Default)]
struct Walker {
    events: Vec<Event>,
    /// The page wraps its stories in `<article>` elements (two or more).
    articles: bool,
    /// Headings seen so far in each enclosing `<article>`, innermost last.
    article_headings: Vec<usize>,
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
    /// How many enclosing elements have a headline/title class.
    headline_class: usize,
    /// How many enclosing elements set their text in capitals.
    kicker: usize,
    /// Words of the current block: all, and under each kind of styling.
    words: usize,
    emphasised_words: usize,
    headline_words: usize,
    kicker_words: usize,
    /// How many enclosing elements are buttons, or name the masthead.
    button: usize,
    masthead: usize,
    button_words: usize,
    masthead_words: usize,
    /// Where a bold run at the very start of the block ends (for labels).
    lead_bold_end: Option<usize>,
    /// Where the block's first line break (`<br>`) falls.
    first_break: Option<usize>,
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
/// hostile document cannot exhaust the stack. Above the nesting the
/// pre-pass lets through ([`nesting::MAX_NESTING`] counted elements), so a
/// page builder's wrappers never cost a story its headings.
const MAX_DEPTH: usize = 2 * nesting::MAX_NESTING;

impl Walker {
    fn for_page(root: ElementRef<'_>) -> Walker {
        let articles = root
            .descendent_elements()
            .filter(|e| e.value().name() == "article")
            .take(2)
            .count();
        Walker {
            articles: articles >= 2,
            ..Walker::default()
        }
    }

    fn walk(&mut self, el: ElementRef<'_>, depth: usize) {
        let v = el.value();
        let name = v.name();
        if SKIPPED.contains(&name) || is_hidden(el) {
            return;
        }
        if depth > MAX_DEPTH {
            // Each text node a word apart, so "Title" and "Text" never glue.
            for text in el.text() {
                self.pending_space = true;
                self.push_text(text);
            }
            return;
        }
        match name {
            "br" => {
                if self.last_was_br {
                    self.flush();
                } else {
                    self.pending_space = true;
                    self.last_was_br = true;
                    if !self.buf.is_empty() {
                        self.first_break.get_or_insert(self.buf.len());
                    }
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
        let kicker = is_kicker_style(el);
        let classes = v
            .attr("class")
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let button = v.attr("role") == Some("button")
            || classes
                .split_whitespace()
                .any(|c| c.contains("button") || c == "btn" || c.starts_with("btn-"));
        let masthead = has_class(
            &classes,
            &[
                "masthead",
                "main-header",
                "publication-name",
                "newsletter-name",
                "site-title",
                "brand-name",
            ],
        );

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
        if kicker {
            self.kicker += 1;
        }
        if button {
            self.button += 1;
        }
        if masthead {
            self.masthead += 1;
        }
        let is_bold_tag = matches!(name, "b" | "strong") || emphasis;
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
        let article = self.articles && name == "article";
        if article {
            self.article_headings.push(0);
        }

        let tiny = tiny_font(el);
        for child in el.children() {
            match child.value() {
                Node::Text(_) if tiny => {}
                Node::Text(t) => self.push_text(t),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.walk(child, depth + 1);
                    }
                }
                _ => {}
            }
        }

        if article {
            self.article_headings.pop();
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
        if kicker {
            self.kicker -= 1;
        }
        if button {
            self.button -= 1;
        }
        if masthead {
            self.masthead -= 1;
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
        self.words += 1;
        if self.emphasis > 0 || self.headline_class > 0 || self.kicker > 0 {
            self.emphasised_words += 1;
        }
        if self.headline_class > 0 {
            self.headline_words += 1;
        }
        if self.kicker > 0 {
            self.kicker_words += 1;
        }
        if self.button > 0 {
            self.button_words += 1;
        }
        if self.masthead > 0 {
            self.masthead_words += 1;
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
            style: Style::Plain,
            lead_bold_end: None,
            first_break: None,
            links: Vec::new(),
        }));
    }

    fn heading(&mut self, el: ElementRef<'_>, level: u8, depth: usize) {
        self.flush();
        let cue = match el.value().attr("class").map(str::to_ascii_lowercase) {
            Some(c)
                if has_class(
                    &c,
                    &["subtitle", "subhead", "subheading", "dek", "standfirst"],
                ) =>
            {
                Cue::Subtitle
            }
            Some(c) if has_class(&c, &["title", "post-title", "entry-title"]) => Cue::Title,
            _ => Cue::Tag,
        };
        let inner = self.article_headings.last_mut().is_some_and(|n| {
            *n += 1;
            *n > 1
        });
        let saved_kinds = std::mem::take(&mut self.kinds);
        self.kinds.push(Kind::Paragraph);
        let tiny = tiny_font(el);
        for child in el.children() {
            match child.value() {
                Node::Text(_) if tiny => {}
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
        // An empty heading (one that holds only a picture) still marks where
        // a block of the page starts.
        self.events.push(Event::Heading {
            level,
            text,
            links,
            cue,
            inner,
        });
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
        let style = if self.words > 0 && self.button_words == self.words {
            Style::Button
        } else if self.words > 0 && self.masthead_words == self.words {
            Style::Masthead
        } else if self.words == 0 || self.emphasised_words < self.words {
            Style::Plain
        } else if self.headline_words == self.words {
            Style::HeadlineClass
        } else if self.kicker_words == self.words {
            Style::Kicker
        } else {
            Style::Emphasised
        };
        let lead_bold_end = self.lead_bold_end;
        let first_break = self.first_break;
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
            lead_bold_end: lead_bold_end.filter(|_| label.is_none()),
            first_break: first_break.filter(|_| label.is_none()),
            label,
            style,
            links,
        }));
        self.reset_block();
    }

    fn reset_block(&mut self) {
        self.buf.clear();
        self.links.clear();
        self.pending_space = false;
        self.last_was_br = false;
        self.words = 0;
        self.emphasised_words = 0;
        self.headline_words = 0;
        self.kicker_words = 0;
        self.button_words = 0;
        self.masthead_words = 0;
        self.lead_bold_end = None;
        self.first_break = None;
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
        || get("opacity").is_some_and(zero)
}

/// Whether the element sets its text too small to read (0 or 1px). Only
/// its own text is hidden: a container with `font-size: 0` whose children
/// set their size again (the inline-block trick of email templates, or a
/// stylesheet nlread does not read) shows them.
fn tiny_font(el: ElementRef<'_>) -> bool {
    style(el)
        .iter()
        .rev()
        .find(|(n, _)| n == "font-size")
        .is_some_and(|(_, v)| {
            length(v).is_some_and(|(n, unit)| n == 0.0 || (n <= 1.0 && unit == "px"))
        })
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

/// A class that names a headline: "headline", "news_title", or the
/// newsroom's "hed".
fn has_headline_class(el: ElementRef<'_>) -> bool {
    el.value().attr("class").is_some_and(|c| {
        let c = c.to_ascii_lowercase();
        c.contains("headline")
            || (c.contains("title") && !c.contains("subtitle"))
            || has_class(&c, &["hed"])
    })
}

/// Whether a class list holds one of these class names.
fn has_class(classes: &str, names: &[&str]) -> bool {
    classes
        .split_whitespace()
        .any(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
}

/// Text set in capitals by style, in bold or at a readable size: how
/// templates set a kicker. (Small plain capitals are credits and
/// navigation.)
fn is_kicker_style(el: ElementRef<'_>) -> bool {
    let decls = style(el);
    let capitals = decls.iter().any(|(name, value)| {
        name == "text-transform" && matches!(value.as_str(), "uppercase" | "capitalize")
    });
    capitals
        && decls.iter().any(|(name, value)| match name.as_str() {
            "font-weight" => value == "bold" || value.parse::<u32>().is_ok_and(|w| w >= 600),
            "font-size" => length(value).is_some_and(|(n, unit)| match unit {
                "px" | "" => n >= 14.0,
                "pt" => n >= 11.0,
                "em" | "rem" => n >= 1.0,
                "%" => n >= 100.0,
                _ => false,
            }),
            _ => false,
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

// ---------------------------------------------------------------- outline

/// The walk's events as outline nodes: headlines become headings with the
/// cue that made them look so.
fn items(events: Vec<Event>) -> Vec<Item> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Heading {
                level,
                text,
                links,
                cue,
                inner,
            } => {
                let at = text.len();
                let heading = Heading {
                    level,
                    links: links
                        .into_iter()
                        .map(|(text, url)| Anchor { text, url, at })
                        .collect(),
                    text,
                    cue,
                };
                if inner {
                    if !heading.text.is_empty() {
                        out.push(Item::Block(heading.into_piece()));
                    }
                } else {
                    out.push(Item::Heading(heading));
                }
            }
            Event::Block(found) => block_items(found, &mut out),
        }
    }
    out
}

fn block_items(found: Found, out: &mut Vec<Item>) {
    let anchors = |links: Vec<(String, String, usize)>| -> Vec<Anchor> {
        links
            .into_iter()
            .map(|(text, url, at)| Anchor { text, url, at })
            .collect()
    };
    if let Some(cue) = headline_cue(&found).filter(|_| lead_in(&found).is_none()) {
        let text = match cue {
            Cue::Styled | Cue::Label => found.text.trim_end_matches(':').trim_end().to_string(),
            _ => found.text,
        };
        let len = text.len();
        let mut links = anchors(found.links);
        for link in &mut links {
            link.at = link.at.min(len);
        }
        out.push(Item::Heading(Heading {
            level: cue.level(),
            text,
            links,
            cue,
        }));
        return;
    }
    // A bold lead-in stays one paragraph; the sectioner decides whether its
    // headline heads a story.
    let lead = lead_in(&found);
    let kind = match found.kind {
        Kind::Paragraph => PieceKind::Paragraph,
        Kind::Bullet => PieceKind::Bullet,
        Kind::Numbered(n) => PieceKind::Numbered(n),
        Kind::Quote => PieceKind::Quote,
        Kind::Caption => PieceKind::Caption,
    };
    out.push(Item::Block(Piece {
        kind,
        text: found.text,
        label: found.label,
        links: anchors(found.links),
        lead,
        ..Piece::default()
    }));
}

/// A paragraph that looks like a headline, and the evidence: a headline
/// class, capitals set as a kicker, or a short line all in bold or large
/// type. Button-like calls to action and date lines are not headlines.
fn headline_cue(found: &Found) -> Option<Cue> {
    let text = found.text.trim();
    let words = text.split_whitespace().count();
    if found.style == Style::Masthead && words <= 8 && found.kind == Kind::Paragraph {
        return Some(Cue::Masthead);
    }
    let base = found.kind == Kind::Paragraph
        && found.label.is_none()
        && !matches!(found.style, Style::Plain | Style::Button | Style::Masthead)
        && words <= 24
        && text.len() <= 200
        && text.chars().any(char::is_alphabetic)
        && !is_call_to_action(text)
        && !date::is_date_line(text);
    if !base {
        return None;
    }
    // A sentence that runs on ends in a full stop; a headline cut short
    // ends in an ellipsis, a label in a colon.
    let ellipsis = text.ends_with("...") || text.ends_with('…');
    let ends_sentence = text.ends_with(['.', ',', ';']) && !ellipsis;
    let colon = text.ends_with(':');
    // A line that is one link is a navigation item, unless its class says
    // it is a headline.
    let one_link = found.links.len() == 1 && found.links[0].0.trim() == text;
    match found.style {
        Style::HeadlineClass if !ends_sentence && !colon => Some(Cue::Headline),
        Style::Kicker if words <= 8 && !ends_sentence && !colon && !one_link => Some(Cue::Headline),
        Style::Emphasised if colon && words <= 5 => Some(Cue::Label),
        Style::Emphasised | Style::Kicker
            if words <= 14 && !ends_sentence && (!colon || words <= 5) =>
        {
            Some(Cue::Styled)
        }
        _ => None,
    }
}

/// "**Headline** — blurb": a paragraph that opens with a bold run (often a
/// link) followed by a dash and more text. Returns where the headline ends
/// and where the blurb starts.
fn lead_in(found: &Found) -> Option<(usize, usize)> {
    if found.kind != Kind::Paragraph || found.label.is_some() {
        return None;
    }
    let end = found.lead_bold_end?;
    let head = found.text.get(..end)?.trim();
    let after = found.text.get(end..)?;
    let trimmed = after.trim_start();
    let dash = ["— ", "– ", "- ", "—", "–"]
        .iter()
        .find(|d| trimmed.starts_with(*d));
    let Some(dash) = dash else {
        // "**Headline**<br>Author": a bold first line over a short credit.
        let credit = trimmed.split_whitespace().count();
        let broken = found.first_break.is_some_and(|b| b.abs_diff(end) <= 1);
        let rest_at = end + (after.len() - trimmed.len());
        let ok = broken
            && (1..=8).contains(&credit)
            && (1..=20).contains(&head.split_whitespace().count())
            && head.chars().any(char::is_alphabetic);
        return ok.then_some((end, rest_at));
    };
    let rest_at = end + (after.len() - trimmed.len()) + dash.len();
    let rest = found.text.get(rest_at..)?;
    let rest_at = rest_at + (rest.len() - rest.trim_start().len());
    let words = head.split_whitespace().count();
    let ok = (1..=20).contains(&words)
        && head.chars().any(char::is_alphabetic)
        && found.text[rest_at..].split_whitespace().count() >= 3;
    ok.then_some((end, rest_at))
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

#[cfg(test)]
mod tests;
