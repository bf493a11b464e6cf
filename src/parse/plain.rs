//! The plain-text parser: one newsletter issue as text -> one [`Issue`].
//!
//! Real newsletters are not written for machines, so the parser works in
//! three passes that each look at the whole issue:
//! 1. every line is classified on its own (bullet, numbered, rule, text ...);
//! 2. lines are grouped into units (a paragraph, a bullet with its wrapped
//!    continuation), joining hard-wrapped lines only when the issue is
//!    hard-wrapped;
//! 3. the header is read off the top, then units become section headings or
//!    blocks, with the heading rules (numbered sequence, ALL CAPS, setext,
//!    `#`, rule lines) applied to the issue as a whole.
//!
//! An issue with no recognisable sections becomes one section, never an error.

use super::date;
use super::stable_id;
use crate::model::{Block, Issue, Section};
use crate::text::sanitize;

/// Parses one plain-text issue. `source` is recorded as the issue's origin.
pub fn parse(text: &str, source: &str) -> Issue {
    let clean = sanitize(text.strip_prefix('\u{feff}').unwrap_or(text));
    let clean = clean.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<Line> = clean.lines().map(Line::classify).collect();
    let width = wrap_width(&lines);
    let units = group(&lines, width);

    let (header, body_start) = read_header(&units);
    let mut body: Vec<Unit> = units[body_start..].to_vec();
    body.splice(0..0, header.extra_units.iter().cloned());
    drop_sign_off(&mut body, header.author.as_deref());

    let id = stable_id(&[clean.trim().as_bytes()]);
    let drafts = sectionize(&body);
    let title = header
        .title
        .clone()
        .or_else(|| lead_title(&drafts))
        .or_else(|| first_words(&body))
        .unwrap_or_else(|| super::file_stem(source));
    let sections = drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let title = d.title.unwrap_or_else(|| title.clone());
            let section_id = stable_id(&[id.as_bytes(), &i.to_le_bytes(), title.as_bytes()]);
            Section::new(section_id, title, d.blocks)
        })
        .collect();

    let mut issue = Issue {
        id,
        source: source.to_string(),
        newsletter: header.newsletter,
        title,
        date: header.date,
        author: header.author,
        sections,
        url: None,
        guid: None,
    };
    super::limits::cap(&mut issue, source);
    issue
}

// ---------------------------------------------------------------- lines

#[derive(Debug, Clone, PartialEq)]
enum LineKind {
    Blank,
    /// A line of one repeated character such as `-----`, `=====` or `* * *`.
    Rule(char),
    Hash(usize),
    Bullet,
    Numbered(u32),
    Quote,
    Text,
}

#[derive(Debug, Clone)]
struct Line<'a> {
    kind: LineKind,
    indent: usize,
    /// The content without indent and marker.
    text: &'a str,
    /// The whole line, trimmed.
    raw: &'a str,
}

const BULLETS: [char; 9] = ['•', '*', '-', '–', '·', '◦', '▪', '‣', '+'];

impl<'a> Line<'a> {
    fn classify(line: &'a str) -> Line<'a> {
        let raw = line.trim();
        let indent = line.chars().take_while(|c| c.is_whitespace()).count();
        let make = |kind, text| Line {
            kind,
            indent,
            text,
            raw,
        };
        if raw.is_empty() {
            return make(LineKind::Blank, raw);
        }
        if let Some(c) = rule_char(raw) {
            return make(LineKind::Rule(c), raw);
        }
        if let Some((level, text)) = hash_heading(raw) {
            return make(LineKind::Hash(level), text);
        }
        if let Some(rest) = raw.strip_prefix('>') {
            return make(LineKind::Quote, rest.trim_start());
        }
        let mut chars = raw.chars();
        if let (Some(c), Some(' ')) = (chars.next(), chars.next())
            && BULLETS.contains(&c)
        {
            let text = raw[c.len_utf8()..].trim_start();
            if !text.is_empty() {
                return make(LineKind::Bullet, text);
            }
        }
        if let Some((n, text)) = numbered(raw) {
            return make(LineKind::Numbered(n), text);
        }
        make(LineKind::Text, raw)
    }
}

fn rule_char(raw: &str) -> Option<char> {
    let mut chars = raw.chars().filter(|c| *c != ' ');
    let first = chars.next()?;
    if !matches!(
        first,
        '-' | '=' | '*' | '_' | '~' | '#' | '—' | '─' | '━' | '═'
    ) {
        return None;
    }
    let count = 1 + chars.clone().count();
    (count >= 3 && chars.all(|c| c == first)).then_some(first)
}

fn hash_heading(raw: &str) -> Option<(usize, &str)> {
    let level = raw.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &raw[level..];
    if !rest.starts_with(' ') {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    (!text.is_empty()).then_some((level, text))
}

/// "12. Text" or "12) Text".
fn numbered(raw: &str) -> Option<(u32, &str)> {
    let digits = raw.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &raw[digits..];
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
    if !rest.starts_with(' ') {
        return None;
    }
    let text = rest.trim_start();
    if text.is_empty() {
        return None;
    }
    Some((raw[..digits].parse().ok()?, text))
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// The column at which the issue was hard-wrapped, if it was: lines that
/// run on into a next text line are all under 100 columns and reach 40.
fn wrap_width(lines: &[Line]) -> Option<usize> {
    let mut runs_on: Vec<usize> = lines
        .windows(2)
        .filter(|w| {
            matches!(
                w[0].kind,
                LineKind::Text | LineKind::Bullet | LineKind::Numbered(_)
            ) && w[1].kind == LineKind::Text
        })
        .map(|w| width(w[0].raw) + w[0].indent)
        .collect();
    if runs_on.len() < 2 {
        return None;
    }
    runs_on.sort_unstable();
    let w = runs_on[(runs_on.len() - 1) * 9 / 10];
    let long = lines.iter().filter(|l| width(l.raw) > 100).count();
    ((40..=100).contains(&w) && long * 20 <= lines.len()).then_some(w)
}

// ---------------------------------------------------------------- units

#[derive(Debug, Clone, Copy, PartialEq)]
enum UnitKind {
    Text,
    Bullet,
    Numbered(u32),
    Quote,
    Hash(usize),
    Rule,
}

/// A paragraph-sized piece of the issue: one or more lines joined.
#[derive(Debug, Clone)]
struct Unit {
    kind: UnitKind,
    text: String,
    lines: usize,
    indent: usize,
    /// `=` or `-` when the next line underlined it (a setext heading).
    underline: Option<char>,
    blank_before: bool,
    blank_after: bool,
}

impl Unit {
    fn new(kind: UnitKind, line: &Line, blank_before: bool) -> Unit {
        Unit {
            kind,
            text: line.text.to_string(),
            lines: 1,
            indent: line.indent,
            underline: None,
            blank_before,
            blank_after: false,
        }
    }

    fn push_line(&mut self, text: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(text);
        self.lines += 1;
    }

    fn single_text_line(&self) -> bool {
        self.kind == UnitKind::Text && self.lines == 1
    }
}

fn group(lines: &[Line], wrap: Option<usize>) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut open = false; // whether the last unit may take more lines
    let mut blank = true;
    let mut last_width = 0;
    for line in lines {
        let kind = line.kind.clone();
        if kind == LineKind::Blank {
            if let Some(u) = units.last_mut() {
                u.blank_after = true;
            }
            open = false;
            blank = true;
            continue;
        }
        let last = units.last_mut().filter(|_| open);
        match (kind, last) {
            // A setext underline: `Title` directly above `=====` or `-----`.
            (LineKind::Rule(c @ ('=' | '-')), Some(u)) if u.single_text_line() => {
                u.underline = Some(c);
                open = false;
            }
            (LineKind::Rule(_), _) => {
                units.push(Unit::new(UnitKind::Rule, line, blank));
                open = false;
            }
            (LineKind::Hash(level), _) => {
                units.push(Unit::new(UnitKind::Hash(level), line, blank));
                open = false;
            }
            (LineKind::Quote, Some(u)) if u.kind == UnitKind::Quote => u.push_line(line.text),
            (LineKind::Quote, _) => {
                units.push(Unit::new(UnitKind::Quote, line, blank));
                open = true;
            }
            (LineKind::Bullet, _) => {
                units.push(Unit::new(UnitKind::Bullet, line, blank));
                open = true;
            }
            (LineKind::Numbered(n), _) => {
                units.push(Unit::new(UnitKind::Numbered(n), line, blank));
                open = true;
            }
            (LineKind::Blank, _) => {}
            (LineKind::Text, Some(u)) if continues(u, line, last_width, wrap) => {
                u.push_line(line.raw)
            }
            (LineKind::Text, _) => {
                units.push(Unit::new(UnitKind::Text, line, blank));
                open = true;
            }
        }
        last_width = width(line.raw) + line.indent;
        blank = false;
    }
    units
}

/// Whether a text line carries on the unit above it rather than starting a
/// new block. A bullet's wrapped lines are indented under it; a paragraph's
/// only join in a hard-wrapped issue, and only when the line's first word
/// would not have fitted on the line above (else the break was deliberate).
fn continues(unit: &Unit, line: &Line, above: usize, wrap: Option<usize>) -> bool {
    if starts_with_caption_label(line.raw) {
        return false;
    }
    let wrapped_here = |w: usize| {
        let first_word = line.raw.split_whitespace().next().map_or(0, width);
        above + 1 + first_word > w
    };
    match (unit.kind, wrap) {
        (UnitKind::Bullet | UnitKind::Numbered(_), _) if line.indent > unit.indent => true,
        // "- a bullet wrapped\nwithout a hanging indent" in a hard-wrapped issue.
        (UnitKind::Bullet | UnitKind::Numbered(_), Some(w)) => {
            line.indent == unit.indent && wrapped_here(w)
        }
        (UnitKind::Text, Some(w)) => line.indent <= unit.indent + 4 && wrapped_here(w),
        _ => false,
    }
}

// ---------------------------------------------------------------- header

#[derive(Debug, Default)]
struct Header {
    newsletter: Option<String>,
    title: Option<String>,
    date: Option<String>,
    author: Option<String>,
    /// Header-like lines that are none of the above: kept as intro text.
    extra_units: Vec<Unit>,
}

/// Reads the header off the top: a run of short single lines (date,
/// newsletter name, "By" line, the author repeated) before the first body
/// text. A line styled as a section heading ends the header.
fn read_header(units: &[Unit]) -> (Header, usize) {
    let mut header = Header::default();
    let mut end = 0;
    while end < units.len() {
        let unit = &units[end];
        // A lone level-1 heading at the very top names the issue.
        if end == 0 && is_title_heading(units) {
            header.title = Some(unit.text.clone());
            end += 1;
            continue;
        }
        if unit.kind == UnitKind::Rule {
            end += 1;
            continue;
        }
        if !is_header_line(unit) || starts_section(units, end) {
            break;
        }
        end += 1;
        let line = unit.text.trim();
        if let Some((key, value)) = header_field(line) {
            match key.as_str() {
                "by" | "from" | "author" => header.author = Some(strip_by(value)),
                "date" => header.date = header.date.take().or_else(|| date::find_date(value)),
                "subject" | "title" => header.title = Some(value.to_string()),
                "newsletter" => header.newsletter = Some(value.to_string()),
                _ => {}
            }
        } else if date::is_date_line(line) {
            header.date = header.date.take().or_else(|| date::find_date(line));
        } else if header
            .author
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(line))
        {
            // The author's name repeated under the "By" line.
        } else if header.date.is_none() && date::find_date(line).is_some() {
            header.date = date::find_date(line);
            header.extra_units.push(unit.clone());
        } else if header.newsletter.is_none() {
            header.newsletter = Some(line.to_string());
        } else if header.title.is_none() {
            header.title = Some(line.to_string());
        } else {
            header.extra_units.push(unit.clone());
        }
    }
    // A header with nothing after it was the issue's only text: keep it as body.
    if end == units.len() && header.extra_units.is_empty() && header.title.is_none() {
        return (Header::default(), 0);
    }
    (header, end)
}

fn is_header_line(unit: &Unit) -> bool {
    let t = unit.text.trim();
    unit.single_text_line()
        && width(t) <= 80
        && !t.ends_with(['.', '!', '?', ',', ';', ':'])
        && !starts_with_caption_label(t)
        && unit.underline.is_none()
}

/// "By Jane Doe" / "Author: Jane Doe" style fields.
fn header_field(line: &str) -> Option<(String, &str)> {
    if let Some(rest) = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("by "))
    {
        return Some(("by".into(), rest.trim()));
    }
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_lowercase();
    let known = [
        "by",
        "from",
        "author",
        "date",
        "subject",
        "title",
        "newsletter",
    ];
    (known.contains(&key.as_str()) && !value.trim().is_empty()).then(|| (key, value.trim()))
}

fn strip_by(value: &str) -> String {
    // "Jane Doe <jane@example.com>" -> "Jane Doe"
    let name = value.split('<').next().unwrap_or(value).trim();
    let name = name.trim_matches('"').trim();
    if name.is_empty() { value.trim() } else { name }.to_string()
}

// ---------------------------------------------------------------- headings

/// How a unit starts a section, if it does.
#[derive(Debug, Clone, PartialEq)]
enum Heading {
    Section(String),
    /// A numbered heading: its number advances the expected sequence.
    Numbered(u32, String),
}

/// Heading levels used by `#` and setext headings in this issue: the
/// shallowest level present (after a lone title) is the section level.
fn heading_level(unit: &Unit) -> Option<usize> {
    match (unit.kind, unit.underline) {
        (UnitKind::Hash(level), _) => Some(level),
        (_, Some('=')) => Some(1),
        (_, Some(_)) => Some(2),
        _ => None,
    }
}

/// The first unit is a level-1 heading and no other level-1 heading follows
/// while deeper ones do: it is the issue's title, not a section.
fn is_title_heading(units: &[Unit]) -> bool {
    let Some(first) = units.first() else {
        return false;
    };
    if heading_level(first) != Some(1) {
        return false;
    }
    let rest: Vec<usize> = units[1..].iter().filter_map(heading_level).collect();
    !rest.is_empty() && rest.iter().all(|&l| l > 1)
}

fn section_level(units: &[Unit]) -> Option<usize> {
    let skip = usize::from(is_title_heading(units));
    units[skip..].iter().filter_map(heading_level).min()
}

/// True when a unit at `i` would open a section (used to end the header).
fn starts_section(units: &[Unit], i: usize) -> bool {
    let unit = &units[i];
    if heading_level(unit).is_some() {
        return true;
    }
    if numbered_text_heading(&unit.text, 1).is_some() {
        return true;
    }
    is_caps_heading(unit) && body_follows(units, i)
}

fn body_follows(units: &[Unit], i: usize) -> bool {
    units
        .get(i + 1)
        .is_some_and(|next| !is_header_line(next) || next.kind != UnitKind::Text)
}

fn is_heading_like(text: &str, max: usize) -> bool {
    let t = text.trim();
    width(t) <= max
        && t.chars().any(char::is_alphanumeric)
        && !t.ends_with(['.', ',', ';', ':'])
        && !t.ends_with("...")
        && !t.ends_with('…')
}

/// "MARKETS", "TECH & POLICY": a short line with letters, none lowercase.
fn is_caps_heading(unit: &Unit) -> bool {
    // Most units are paragraphs: rule them out before looking at characters.
    if !unit.single_text_line() || unit.text.len() > 60 * 4 {
        return false;
    }
    let t = unit.text.trim();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    unit.single_text_line()
        && letters >= 2
        && !t.chars().any(char::is_lowercase)
        && t.chars().any(char::is_uppercase)
        && is_heading_like(t.trim_end_matches(':'), 60)
}

/// "1 big thing: Headline": the lead story's heading written without a
/// numbered-list marker.
fn numbered_text_heading(text: &str, expected: u32) -> Option<String> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if digits.parse::<u32>().ok()? != expected {
        return None;
    }
    let rest = text[digits.len()..].strip_prefix(' ')?;
    let colon = rest.find(": ")?;
    let lead = &rest[..colon];
    let ok = width(lead) <= 24
        && lead.split_whitespace().count() <= 3
        && lead.chars().all(|c| c.is_alphabetic() || c == ' ')
        && lead.chars().next().is_some_and(char::is_lowercase)
        && is_heading_like(text, 140);
    ok.then(|| text.trim().to_string())
}

fn is_list_style_item(unit: Option<&Unit>, number: u32) -> bool {
    unit.is_some_and(|u| u.kind == UnitKind::Numbered(number) && is_heading_like(&u.text, 120))
}

struct HeadingRules {
    /// Sections are numbered in this issue (a "1." or "1 big thing:" heading exists).
    level: Option<usize>,
    caps: bool,
    rules: bool,
}

impl HeadingRules {
    fn for_issue(units: &[Unit]) -> HeadingRules {
        let caps = (0..units.len())
            .filter(|&i| is_caps_heading(&units[i]) && body_follows(units, i))
            .count();
        let rules = units.iter().filter(|u| u.kind == UnitKind::Rule).count();
        HeadingRules {
            level: section_level(units),
            caps: caps >= 1,
            rules: rules >= 2,
        }
    }

    /// Decides whether `units[i]` opens a section. `expected` is the next
    /// section number of a numbered issue.
    fn heading(&self, units: &[Unit], i: usize, expected: u32) -> Option<Heading> {
        let unit = &units[i];
        if let Some(level) = heading_level(unit) {
            return (Some(level) == self.level).then(|| Heading::Section(unit.text.clone()));
        }
        match unit.kind {
            UnitKind::Numbered(n) if n == expected && unit.lines == 1 => {
                // A list item "n." that merely continues a list of short
                // items, or runs on into item n+1, is not a section.
                let list_goes_on = is_list_style_item(units.get(i + 1), n + 1);
                let continues_list = i > 0 && n > 1 && is_list_style_item(units.get(i - 1), n - 1);
                (is_heading_like(&unit.text, 120) && !list_goes_on && !continues_list)
                    .then(|| Heading::Numbered(n, unit.text.clone()))
            }
            UnitKind::Text => {
                if let Some(title) = numbered_text_heading(&unit.text, expected) {
                    return Some(Heading::Numbered(expected, title));
                }
                if self.caps && is_caps_heading(unit) && body_follows(units, i) {
                    return Some(Heading::Section(unit.text.trim().to_string()));
                }
                let after_rule = i > 0 && units[i - 1].kind == UnitKind::Rule;
                let is_ruled_heading = self.rules
                    && after_rule
                    && unit.single_text_line()
                    && unit.blank_after
                    && is_heading_like(&unit.text, 80);
                is_ruled_heading.then(|| Heading::Section(unit.text.trim().to_string()))
            }
            _ => None,
        }
    }
}

// ---------------------------------------------------------------- sections

struct Draft<'u> {
    title: Option<String>,
    blocks: Vec<Block<'u>>,
}

fn sectionize(units: &[Unit]) -> Vec<Draft<'_>> {
    let rules = HeadingRules::for_issue(units);
    let mut drafts: Vec<Draft> = vec![Draft {
        title: None,
        blocks: Vec::new(),
    }];
    let mut expected = 1;
    for (i, unit) in units.iter().enumerate() {
        if let Some(heading) = rules.heading(units, i, expected) {
            let title = match heading {
                Heading::Numbered(n, title) => {
                    expected = n + 1;
                    title
                }
                Heading::Section(title) => title,
            };
            drafts.push(Draft {
                title: Some(title),
                blocks: Vec::new(),
            });
            continue;
        }
        if unit.kind == UnitKind::Rule {
            // Rules separate untitled stories when the issue uses them so.
            let next_is_heading = units
                .get(i + 1)
                .is_some_and(|_| rules.heading(units, i + 1, expected).is_some());
            let current_has_text = drafts.last().is_some_and(|d| !d.blocks.is_empty());
            if rules.rules && !next_is_heading && current_has_text && i + 1 < units.len() {
                drafts.push(Draft {
                    title: None,
                    blocks: Vec::new(),
                });
            }
            continue;
        }
        let next = units.get(i + 1);
        let block = to_block(unit, next);
        if let Some(d) = drafts.last_mut() {
            d.blocks.push(block);
        }
    }
    // The text before the first heading is the intro; untitled stories after
    // a rule are named by their first words; empty ones are dropped.
    let has_headings = drafts.iter().any(|d| d.title.is_some());
    let mut out = Vec::new();
    for (i, mut d) in drafts.into_iter().enumerate() {
        if d.title.is_none() && d.blocks.is_empty() {
            continue;
        }
        if d.title.is_none() && has_headings {
            d.title = Some(if i == 0 {
                "Intro".to_string()
            } else {
                untitled_name(&d.blocks)
            });
        } else if d.title.is_none() && i > 0 {
            d.title = Some(untitled_name(&d.blocks));
        }
        out.push(d);
    }
    if out.is_empty() {
        out.push(Draft {
            title: None,
            blocks: Vec::new(),
        });
    }
    out
}

fn untitled_name(blocks: &[Block]) -> String {
    blocks
        .first()
        .map(|b| truncate_words(b.text(), 60))
        .unwrap_or_default()
}

fn to_block<'u>(unit: &'u Unit, next: Option<&Unit>) -> Block<'u> {
    let text = unit.text.trim();
    match unit.kind {
        UnitKind::Bullet => return Block::Bullet { text },
        UnitKind::Numbered(number) => return Block::Numbered { number, text },
        UnitKind::Quote => return Block::Quote { text },
        UnitKind::Hash(_) => return Block::SubHeading { text },
        _ => {}
    }
    if unit.underline.is_some() {
        // A deeper setext level than the sections use.
        return Block::SubHeading { text };
    }
    if is_caption(text) {
        return Block::Caption { text };
    }
    if is_sub_heading(unit, next) {
        return Block::SubHeading { text };
    }
    if let Some((label, rest)) = label_split(text) {
        return Block::Labelled { label, text: rest };
    }
    Block::Paragraph { text }
}

const CAPTION_LABELS: [&str; 15] = [
    "Illustration",
    "Illustrations",
    "Photo",
    "Photos",
    "Photograph",
    "Photo illustration",
    "Image",
    "Images",
    "Data",
    "Chart",
    "Graphic",
    "Map",
    "Video",
    "Credit",
    "Animation",
];

fn starts_with_caption_label(text: &str) -> bool {
    CAPTION_LABELS.iter().any(|l| {
        text.strip_prefix(l)
            .is_some_and(|rest| rest.starts_with(": ") || rest == ":")
    })
}

/// "Photo: A. Person/Agency", or a picture description that ends with its
/// credit: "... in 2009. Photo: A. Person/Agency".
fn is_caption(text: &str) -> bool {
    if starts_with_caption_label(text) {
        return true;
    }
    // A credit is short, so only the last ": " can start one.
    let Some(at) = text.rfind(": ") else {
        return false;
    };
    let (before, credit) = (&text[..at], &text[at + 2..]);
    let Some(label) = ["Photo", "Photos", "Illustration", "Image", "Photograph"]
        .into_iter()
        .find(|l| before.ends_with(l))
    else {
        return false;
    };
    let before = before[..before.len() - label.len()].trim_end();
    (before.is_empty() || before.ends_with(['.', ')', '”', '"']))
        && width(credit) <= 80
        && !credit.trim_end_matches('.').contains(". ")
}

/// "Bonus chart: Readers like maps": a short titled line inside a story,
/// followed by more of the story.
fn is_sub_heading(unit: &Unit, next: Option<&Unit>) -> bool {
    let t = unit.text.trim();
    if !unit.single_text_line() || next.is_none() || !is_heading_like(t, 80) || t.ends_with('?') {
        return false;
    }
    if t.split_whitespace().count() < 2 || !t.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let glued_to_next = next.is_some_and(|n| !n.blank_before);
    if label_split(t).is_some() {
        // "What to watch: Tuesday's vote" standing alone is a labelled
        // paragraph; glued to a chart's credit line it titles the chart.
        return glued_to_next;
    }
    glued_to_next || title_case(t) || width(t) <= 50
}

fn title_case(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let capitalised = words
        .iter()
        .filter(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        })
        .count();
    words.len() <= 10 && capitalised * 3 >= words.len() * 2 && !text.ends_with('!')
}

/// "Why it matters: text" -> ("Why it matters", "text").
fn label_split(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(": ")?;
    let label = &text[..colon];
    let rest = text[colon + 2..].trim();
    let words = label.split_whitespace().count();
    let ok = !rest.is_empty()
        && (1..=6).contains(&words)
        && width(label) <= 40
        && label
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        && label.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '\'' | '’' | '-' | ',' | '&' | '/' | '.')
        })
        && !label.ends_with('.')
        && !label.contains(". ");
    ok.then_some((label, rest))
}

// ---------------------------------------------------------------- endings

/// The author's name (or a "— Name" signature) alone on the last line is a
/// sign-off, not story text.
fn drop_sign_off(body: &mut Vec<Unit>, author: Option<&str>) {
    let Some(last) = body.last() else {
        return;
    };
    if !last.single_text_line() {
        return;
    }
    let t = last.text.trim();
    let name = t.trim_start_matches(['-', '—', '–', '~', ' ']);
    let dashed = name.len() < t.len();
    let matches_author = author.is_some_and(|a| {
        let a = a.trim();
        name.eq_ignore_ascii_case(a)
            || a.split_whitespace()
                .next()
                .is_some_and(|first| name.eq_ignore_ascii_case(first))
    });
    let signature = dashed
        && (1..=4).contains(&name.split_whitespace().count())
        && name
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    if matches_author || signature {
        body.pop();
    }
}

/// The lead story's title, for issues whose header names none: "1 big
/// thing: Headline" gives "Headline".
fn lead_title(drafts: &[Draft]) -> Option<String> {
    let first = drafts
        .iter()
        .find_map(|d| d.title.as_deref().filter(|t| *t != "Intro"))?;
    let stripped = numbered_text_heading(first, 1)
        .and_then(|t| t.split_once(": ").map(|(_, rest)| rest.trim().to_string()));
    Some(stripped.unwrap_or_else(|| first.to_string()))
}

/// For an issue with no headings: its first real sentence, passing over a
/// salutation such as "Dear friends,".
fn first_words(body: &[Unit]) -> Option<String> {
    let text = body.iter().filter(|u| u.kind != UnitKind::Rule);
    let substantial = text
        .clone()
        .find(|u| u.text.split_whitespace().count() >= 4);
    substantial
        .or_else(|| text.clone().next())
        .map(|u| truncate_words(super::first_sentence(&u.text), 60))
}

fn truncate_words(text: &str, max: usize) -> String {
    let text = text.trim();
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if width(&out) + width(word) + 1 > max {
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
mod tests;
