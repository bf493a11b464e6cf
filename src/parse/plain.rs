//! The plain-text parser: one newsletter issue as text -> an [`Outline`].
//!
//! Real newsletters are not written for machines, so the parser works in
//! passes that each look at the whole issue:
//! 1. every line is classified on its own (bullet, numbered, rule, text ...),
//!    and blocks of mail headers (a digest's messages) are found;
//! 2. lines are grouped into units (a paragraph, a bullet with its wrapped
//!    continuation), joining hard-wrapped lines only when the issue is
//!    hard-wrapped;
//! 3. the header is read off the top, then units become headings (numbered
//!    sequence, ALL CAPS, setext, `#`, lines between rules, a digest's
//!    messages, a list's category items) or blocks, with the heading rules
//!    applied to the issue as a whole. The shared sectioner cuts stories.

use super::outline::{Cue, Heading, Hints, Node, Outline, Piece, PieceKind};
use super::stable_id;
use super::{date, forward, limits};
use crate::model::Issue;
use crate::text::sanitized;

/// Parses one plain-text issue. `source` is recorded as the issue's origin.
pub fn parse(text: &str, source: &str) -> Issue {
    let (outline, id) = outline(text);
    super::assemble::assemble(outline, source, id, &super::rules::SplitRules::default()).issue
}

/// The outline of one plain-text issue, and its content id.
pub fn outline(text: &str) -> (Outline, String) {
    let (text, cut) = limits::within_lines(text, limits::MAX_ISSUE_LINES);
    let clean = sanitized(text.strip_prefix('\u{feff}').unwrap_or(text));
    let clean: std::borrow::Cow<'_, str> = if clean.contains('\r') {
        clean.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        clean
    };
    let raw_lines: Vec<&str> = clean.lines().collect();
    let messages = digest::message_headers(&raw_lines);
    let list_name = digest::list_name(&raw_lines);
    let lines: Vec<Line> = raw_lines.iter().map(|l| Line::classify(l)).collect();
    drop(raw_lines);
    let width = wrap_width(&lines);
    let mut units = group(&lines, width, &messages);
    drop(lines);

    let (header, body_start) = read_header(&units);
    let mut body: Vec<Unit> = units.split_off(body_start);
    drop(units);
    body.splice(0..0, header.extra_units.iter().cloned());
    drop_sign_off(&mut body, header.author.as_deref());

    let id = stable_id(&[clean.trim().as_bytes()]);
    let nodes = nodes(body);
    let newsletter = header.newsletter.or(list_name);
    let hints = Hints {
        title: header.title,
        newsletter,
        date: header.date,
        author: header.author,
        sender: header.sender,
        name_guess: None,
    };
    let cut = cut.then(|| format!("{} lines", limits::MAX_ISSUE_LINES));
    (Outline { nodes, hints, cut }, id)
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
        if let Some((level, text)) = hash_heading(raw).or_else(|| framed_heading(raw)) {
            return make(LineKind::Hash(level), text);
        }
        if let Some(rest) = raw.strip_prefix('>') {
            return make(LineKind::Quote, rest.trim_start());
        }
        let mut chars = raw.chars();
        // An indented ". item" is a list item too (git's "What's cooking"
        // marks commits with "-", "+" and ".").
        if let (Some(c), Some(' ')) = (chars.next(), chars.next())
            && (BULLETS.contains(&c) || (c == '.' && indent > 0))
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

/// "=== Markets ===", "--- Weather ---", "*** Letters ***": a title
/// framed on both sides by the same run of rule characters is a heading.
/// Double rules (`=`, `═`, `━`) rank above single ones, as setext
/// underlines do. What software writes so is not: a mail client's
/// "--- Forwarded message ---", a list server's "--- next part ---"
/// (a heading starts with a capital or a figure).
fn framed_heading(raw: &str) -> Option<(usize, &str)> {
    let first = raw.chars().next()?;
    if !matches!(
        first,
        '-' | '=' | '*' | '_' | '~' | '—' | '─' | '━' | '═' | '+'
    ) {
        return None;
    }
    let left = raw.chars().take_while(|c| *c == first).count();
    let right = raw.chars().rev().take_while(|c| *c == first).count();
    let inner = raw
        .get(left * first.len_utf8()..raw.len() - right * first.len_utf8())?
        .trim();
    let spaced = raw[left * first.len_utf8()..].starts_with(' ')
        && raw[..raw.len() - right * first.len_utf8()].ends_with(' ');
    let ok = left >= 2
        && right >= 2
        && spaced
        && inner.chars().any(char::is_alphanumeric)
        && !inner.chars().next().is_some_and(char::is_lowercase)
        && !inner.contains(first)
        && width(inner) <= 80
        && !forward::is_marker(inner);
    let level = if matches!(first, '=' | '━' | '═') {
        1
    } else {
        2
    };
    ok.then_some((level, inner))
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
    /// The header block of one message in a digest; `text` is its Subject.
    Message,
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
    /// Where each joined line starts in `text`.
    starts: Vec<u32>,
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
            starts: Vec::new(),
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
        self.starts
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        self.text.push_str(text);
        self.lines += 1;
    }

    /// The line starts of the unit's text once trimmed to `trimmed` (a
    /// sub-slice of it).
    fn line_starts(&self, trimmed: &str) -> Vec<u32> {
        let lead = trimmed.as_ptr() as usize - self.text.as_ptr() as usize;
        self.starts
            .iter()
            .filter_map(|&s| (s as usize).checked_sub(lead))
            .filter(|&s| s > 0 && s < trimmed.len())
            .map(|s| s as u32)
            .collect()
    }

    fn single_text_line(&self) -> bool {
        self.kind == UnitKind::Text && self.lines == 1
    }
}

fn group(lines: &[Line], wrap: Option<usize>, messages: &[digest::Header]) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut open = false; // whether the last unit may take more lines
    let mut blank = true;
    let mut last_width = 0;
    let mut messages = messages.iter().peekable();
    let mut skip_to = 0;
    for (at, line) in lines.iter().enumerate() {
        if at < skip_to {
            continue;
        }
        if let Some(header) = messages.next_if(|h| h.start == at) {
            let mut unit = Unit::new(UnitKind::Message, line, blank);
            unit.text = header.subject.clone();
            units.push(unit);
            // Who wrote the message and when stay with it, as labelled lines.
            for (label, value) in [("From", &header.from), ("Date", &header.date)] {
                if let Some(value) = value {
                    // Set apart, so they read as labelled lines, not a
                    // sub-heading glued to the next.
                    let mut unit = Unit::new(UnitKind::Text, line, true);
                    unit.text = format!("{label}: {value}");
                    units.push(unit);
                }
            }
            skip_to = header.end;
            open = false;
            blank = false;
            continue;
        }
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
    /// The sender's address, when the issue was forwarded.
    sender: Option<String>,
    /// Header-like lines that are none of the above: kept as intro text.
    extra_units: Vec<Unit>,
}

/// Reads the header off the top: a run of short single lines (date,
/// newsletter name, "By" line, the author repeated) before the first body
/// text. A line styled as a section heading ends the header.
fn read_header(units: &[Unit]) -> (Header, usize) {
    let mut header = Header::default();
    let mut end = 0;
    // Under a mail client's "Forwarded message" line, From names the
    // newsletter that sent the issue, not an author.
    let mut forwarded = false;
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
        if forward::is_marker(line) {
            forwarded = true;
        } else if let Some((key, value)) = header_field(line) {
            match key.as_str() {
                "from" if forwarded => {
                    header.newsletter = Some(strip_by(value));
                    header.sender = address_in(value);
                }
                "by" | "from" | "author" => header.author = Some(strip_by(value)),
                "date" | "sent" => {
                    header.date = header.date.take().or_else(|| date::find_date(value));
                }
                "subject" | "title" => header.title = Some(value.to_string()),
                "newsletter" => header.newsletter = Some(value.to_string()),
                _ => {}
            }
        } else if date::is_date_line(line) {
            header.date = header.date.take().or_else(|| date::find_date(line));
        } else if [&header.author, &header.newsletter]
            .into_iter()
            .flatten()
            .any(|name| name.eq_ignore_ascii_case(line))
        {
            // The author's name repeated under the "By" line, the
            // newsletter's under the forwarded header.
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
        "to",
        "cc",
        "sent",
    ];
    (known.contains(&key.as_str()) && !value.trim().is_empty()).then(|| (key, value.trim()))
}

/// "Jane Doe <jane@example.com>" -> "jane@example.com".
fn address_in(value: &str) -> Option<String> {
    let (_, rest) = value.split_once('<')?;
    let address = rest.split('>').next()?.trim();
    address.contains('@').then(|| address.to_string())
}

fn strip_by(value: &str) -> String {
    // "Jane Doe <jane@example.com>" -> "Jane Doe"
    let name = value.split('<').next().unwrap_or(value).trim();
    let name = name.trim_matches('"').trim();
    if name.is_empty() { value.trim() } else { name }.to_string()
}

// ---------------------------------------------------------------- headings

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

/// True when a unit at `i` would open a section (used to end the header).
fn starts_section(units: &[Unit], i: usize) -> bool {
    let unit = &units[i];
    if heading_level(unit).is_some() || unit.kind == UnitKind::Message {
        return true;
    }
    if numbered_text_heading(&unit.text, 1).is_some() {
        return true;
    }
    is_caps_heading(unit) && (body_follows(units, i) || is_kicker(units, i))
}

fn body_follows(units: &[Unit], i: usize) -> bool {
    units.get(i + 1).is_some_and(|next| {
        !is_header_line(next)
            || next.kind != UnitKind::Text
            // A figure on a line of its own ("41") under a label, then text.
            || (!next.text.chars().any(char::is_alphabetic) && body_follows(units, i + 1))
    })
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

/// "TECH" above "Chipmakers have a new bottleneck": a line in capitals
/// directly above a headline line that has the story's text under it.
fn is_kicker(units: &[Unit], i: usize) -> bool {
    is_caps_heading(&units[i])
        && units.get(i + 1).is_some_and(|next| {
            next.single_text_line()
                && next.underline.is_none()
                && !is_caption(&next.text)
                && label_split(&next.text).is_none()
                && !date::is_dateline(&next.text)
                && !is_caps_heading(next)
                && is_heading_like(&next.text, 100)
                && next.text.split_whitespace().count() >= 2
                && body_follows(units, i + 1)
        })
}

/// A top-level list item with a deeper list under it: in a digest that
/// is only lists, a category ("- Emacs Lisp:") or a topic ("* js/attach").
fn is_list_head(units: &[Unit], i: usize) -> bool {
    let unit = &units[i];
    unit.kind == UnitKind::Bullet
        && unit.indent <= 1
        && unit.lines == 1
        && width(&unit.text) <= 200
        && units
            .get(i + 1)
            .is_some_and(|next| next.kind == UnitKind::Bullet && next.indent > unit.indent)
}

/// A line that opens a story, as found: its level, cue, the number of a
/// numbered story, and its text.
struct Found {
    level: u8,
    cue: Cue,
    number: Option<u32>,
    text: String,
}

#[derive(Default)]
struct HeadingRules {
    /// The issue is a digest of messages: only their headers head stories,
    /// and what the messages hold (numbered lists, rule lines) is text.
    messages: bool,
    caps: bool,
    rules: bool,
    /// The issue is only lists, and its top-level items head the stories.
    list_heads: bool,
}

impl HeadingRules {
    fn for_issue(units: &[Unit]) -> HeadingRules {
        let caps = (0..units.len())
            .filter(|&i| {
                is_caps_heading(&units[i]) && (body_follows(units, i) || is_kicker(units, i))
            })
            .count();
        let rules = units.iter().filter(|u| u.kind == UnitKind::Rule).count();
        if units.iter().any(|u| u.kind == UnitKind::Message) {
            return HeadingRules {
                messages: true,
                ..HeadingRules::default()
            };
        }
        HeadingRules {
            messages: false,
            caps: caps >= 1,
            rules: rules >= 2,
            list_heads: false,
        }
    }

    /// Decides whether `units[i]` is a heading. `expected` is the next
    /// story number of a numbered issue.
    fn heading(&self, units: &[Unit], i: usize, expected: u32) -> Option<Found> {
        let unit = &units[i];
        let found = |level: u8, cue: Cue, text: &str| Found {
            level,
            cue,
            number: None,
            text: text.trim().to_string(),
        };
        if unit.kind == UnitKind::Message {
            return Some(found(1, Cue::Message, &unit.text));
        }
        if self.messages {
            return None;
        }
        if let Some(level) = heading_level(unit) {
            return Some(found(level.min(6) as u8, Cue::Tag, &unit.text));
        }
        match unit.kind {
            UnitKind::Numbered(n) if n == expected && unit.lines == 1 => {
                // A list item "n." that merely continues a list of short
                // items, or runs on into item n+1, is not a story.
                let list_goes_on = is_list_style_item(units.get(i + 1), n + 1);
                let continues_list = i > 0 && n > 1 && is_list_style_item(units.get(i - 1), n - 1);
                (is_heading_like(&unit.text, 120) && !list_goes_on && !continues_list).then(|| {
                    Found {
                        number: Some(n),
                        ..found(2, Cue::Numbered, &unit.text)
                    }
                })
            }
            UnitKind::Bullet if self.list_heads && is_list_head(units, i) => {
                let text = unit.text.trim().trim_end_matches(':').trim_end();
                Some(found(2, Cue::ListHead, text))
            }
            UnitKind::Text => {
                if let Some(title) = numbered_text_heading(&unit.text, expected) {
                    return Some(Found {
                        number: Some(expected),
                        ..found(2, Cue::Numbered, &title)
                    });
                }
                if self.caps
                    && is_caps_heading(unit)
                    && (is_kicker(units, i) || body_follows(units, i))
                {
                    return Some(found(2, Cue::Caps, &unit.text));
                }
                if self.caps && i > 0 && is_kicker(units, i - 1) {
                    return Some(found(3, Cue::Kicked, &unit.text));
                }
                let after_rule = i > 0 && units[i - 1].kind == UnitKind::Rule;
                let is_ruled_heading = self.rules
                    && after_rule
                    && unit.single_text_line()
                    && unit.blank_after
                    && is_heading_like(&unit.text, 80);
                is_ruled_heading.then(|| found(2, Cue::Ruled, &unit.text))
            }
            _ => None,
        }
    }
}

// ---------------------------------------------------------------- outline

/// The body's units as outline nodes. An issue with no headings whose
/// text is lists of lists is read by its top-level items.
fn nodes(units: Vec<Unit>) -> Vec<Node> {
    let mut rules = HeadingRules::for_issue(&units);
    let mut found = headings(&units, &rules);
    if found.iter().all(Option::is_none) {
        let heads = (0..units.len())
            .filter(|&i| is_list_head(&units, i))
            .count();
        if heads >= 2 {
            rules.list_heads = true;
            found = headings(&units, &rules);
        }
    }
    emit(units, found, &rules)
}

/// Which units are headings, in one pass (a numbered issue's next number
/// depends on the headings before).
fn headings(units: &[Unit], rules: &HeadingRules) -> Vec<Option<Found>> {
    let mut expected = 1;
    (0..units.len())
        .map(|i| {
            let found = rules.heading(units, i, expected);
            if let Some(n) = found.as_ref().and_then(|f| f.number) {
                expected = n + 1;
            }
            found
        })
        .collect()
}

/// The units as nodes; each unit's text moves into its node.
fn emit(mut units: Vec<Unit>, found: Vec<Option<Found>>, rules: &HeadingRules) -> Vec<Node> {
    let mut out = Vec::with_capacity(units.len());
    for (i, found) in found.into_iter().enumerate() {
        if let Some(found) = found {
            out.push(Node::Heading(Heading::new(
                found.level,
                found.text,
                found.cue,
            )));
            continue;
        }
        if units[i].kind == UnitKind::Rule {
            // Rules separate untitled stories when the issue uses them so.
            if rules.rules {
                out.push(Node::Break);
            }
            continue;
        }
        let (done, rest) = units.split_at_mut(i + 1);
        out.push(Node::Block(to_piece(&mut done[i], rest.first())));
    }
    out
}

/// The unit's text, trimmed, taken out of it (no copy when it needs no
/// trimming).
fn take_trimmed(text: &mut String) -> String {
    if text.trim().len() == text.len() {
        std::mem::take(text)
    } else {
        text.trim().to_string()
    }
}

fn to_piece(unit: &mut Unit, next: Option<&Unit>) -> Piece {
    let text = unit.text.trim();
    let kind = match unit.kind {
        UnitKind::Bullet => Some(PieceKind::Bullet),
        UnitKind::Numbered(number) => Some(PieceKind::Numbered(number)),
        UnitKind::Quote => Some(PieceKind::Quote),
        UnitKind::Hash(_) | UnitKind::Message => Some(PieceKind::SubHeading),
        _ => None,
    };
    let kind = match kind {
        Some(kind) => kind,
        None if unit.underline.is_some() => PieceKind::SubHeading,
        None if is_caption(text) => PieceKind::Caption,
        None if is_sub_heading(unit, next) => PieceKind::SubHeading,
        None => {
            if let Some((label, rest)) = label_split(text) {
                return Piece {
                    kind: PieceKind::Paragraph,
                    text: rest.to_string(),
                    label: Some(label.to_string()),
                    ..Piece::default()
                };
            }
            let lines = unit.line_starts(text);
            return Piece {
                lines,
                ..Piece::new(PieceKind::Paragraph, take_trimmed(&mut unit.text))
            };
        }
    };
    Piece::new(kind, take_trimmed(&mut unit.text))
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
    // A sentence wrapped onto the next line is no heading: that line goes
    // on in lower case ("... before starting it; the / loader has ...").
    let runs_on = next.is_some_and(|n| {
        !n.blank_before
            && n.kind == UnitKind::Text
            && n.text.chars().next().is_some_and(char::is_lowercase)
    });
    if runs_on {
        return false;
    }
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

mod digest;

#[cfg(test)]
mod tests;
