//! The sectioner: one [`Outline`] -> the stories of an issue, by the same
//! rules for every format.
//!
//! The rules, as a reader would state them:
//! - A heading that owns text (text before the next heading) is a story:
//!   in nested layouts the innermost heading that owns text.
//! - A heading with no text of its own, directly followed by another
//!   heading, is a label: a category above deeper headings (a *group*) or
//!   a kicker above a bigger headline. The stories under it carry it as
//!   their group until a heading of its rank comes.
//! - A story whose headline sits under a label is an article: smaller
//!   heads inside it are its sub-headings, not stories.
//! - The issue's title (the heading that repeats the source's title, or a
//!   lone top-level heading), the masthead (a heading that names the
//!   newsletter or comes before the title) and a subtitle right under the
//!   title are not stories: with any text before the first story they are
//!   the preamble, "Intro".
//! - Lines that are only styled (bold, a headline class, a bold lead-in)
//!   open stories only where nothing stronger structures the issue, and a
//!   weaker style gives way to a stronger one used for two stories or more.
//! - A rule line the source uses to separate stories starts an untitled
//!   story, named by its first words.
//! - The user's per-newsletter rule ([`SplitRule`]) comes first.
//!
//! Every decision is recorded in a [`Trail`] for `nlread explain`.

use super::outline::{Anchor, Cue, Heading, Node, Outline, Piece, PieceKind};
use super::rules::SplitRule;

/// One story as cut, before it becomes a model [`crate::model::Section`].
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// None for the preamble and untitled stories.
    pub title: Option<String>,
    pub group: Option<String>,
    pub pieces: Vec<Piece>,
    /// Links in the story's own heading.
    pub title_links: Vec<Anchor>,
    pub opened_by: Opened,
}

impl Story {
    /// A story opened by heading `h`, under `group`.
    fn headed(h: Heading, group: Option<String>) -> Story {
        Story {
            group,
            opened_by: Opened::Heading {
                cue: h.cue,
                level: h.level,
            },
            title_links: h.links,
            title: Some(h.text),
            pieces: Vec::new(),
        }
    }
}

/// What opened a story.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// The text before the first story.
    Preamble,
    /// A heading, with the evidence it was one.
    Heading { cue: Cue, level: u8 },
    /// A rule line between untitled stories.
    Break,
    /// The whole issue, which has no headings that open stories.
    Whole,
}

impl Opened {
    pub fn describe(&self) -> String {
        match self {
            Opened::Preamble => "text before the first story (preamble)".to_string(),
            Opened::Heading { cue, level } if *level <= 6 && *cue == Cue::Tag => {
                format!("{} (level {level}) that owns text", cue.describe())
            }
            Opened::Heading { cue, .. } => format!("{} that owns text", cue.describe()),
            Opened::Break => "a rule line between stories".to_string(),
            Opened::Whole => "the whole issue: no heading opens a story".to_string(),
        }
    }
}

/// What became of a heading that did not open a story, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Passed {
    pub text: String,
    pub level: u8,
    pub cue: Cue,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The issue's title.
    Title,
    /// The newsletter's masthead, or a heading above the title.
    Masthead,
    /// A subtitle right under the title.
    Subtitle,
    /// A label above deeper headings or a bigger headline: a group.
    Group,
    /// A smaller head inside an article.
    InArticle,
    /// A styled line where stronger headings structure the issue.
    Outranked,
    /// A heading with no text after it.
    NoText,
    /// Dropped by the user's per-newsletter rule.
    Dropped,
    /// Not where the user's per-newsletter rule says stories start.
    NotByRule,
    /// A feedback poll after the stories: part of the footer.
    Footer,
    /// An ad on a jobs board, inside the board's story.
    BoardItem,
    /// The issue's table of contents: its items name the stories after it.
    Contents,
}

impl Role {
    pub fn describe(self) -> &'static str {
        match self {
            Role::Title => "the issue's title",
            Role::Masthead => "the masthead (names the newsletter, or comes before the title)",
            Role::Subtitle => "a subtitle under the title (part of the preamble)",
            Role::Group => "a label with no text of its own above other headings: a group",
            Role::InArticle => "a sub-heading inside an article that sits under a label",
            Role::Outranked => "a styled line where stronger headings structure the issue",
            Role::NoText => "a heading with no text after it",
            Role::Dropped => "dropped by your per-newsletter rule",
            Role::NotByRule => "not where your per-newsletter rule says stories start",
            Role::Footer => "a feedback poll about the issue (part of the footer)",
            Role::BoardItem => "an ad on a jobs board (the board is one story)",
            Role::Contents => "the issue's table of contents (its items name the stories after it)",
        }
    }
}

/// Headings that did not open stories, in order, for `nlread explain --all`.
pub type Trail = Vec<Passed>;

/// The stories of one issue, and what the headings said about the issue.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cut {
    /// The title heading's text, when one was found.
    pub title: Option<String>,
    /// A masthead heading's text, when one named the newsletter.
    pub masthead: Option<String>,
    pub stories: Vec<Story>,
    pub trail: Trail,
}

/// Cuts an outline into stories.
pub fn cut(outline: Outline, rule: Option<&SplitRule>) -> Cut {
    let Outline { nodes, hints, .. } = outline;
    let mut trail = Trail::new();
    let nodes = match rule {
        Some(rule) => rule.apply(nodes, &mut trail),
        None => nodes,
    };
    let nodes = outrank_styles(board_lines(nodes), &mut trail);
    let roles = Roles::find(&nodes, &hints);
    build(nodes, roles, trail)
}

// ------------------------------------------------------------ styles

/// Which styled cues may open stories: none where two marked-up headings
/// (or other strong cues) have text of their own right under them; else the
/// strongest styled kind used twice, and those at least as strong. The
/// others become sub-headings.
fn outrank_styles(nodes: Vec<Node>, trail: &mut Trail) -> Vec<Node> {
    // Text of its own right under the heading, before any other heading
    // (a bold lead-in item is a heading to be).
    let owns = |i: usize| -> bool {
        for node in &nodes[i + 1..] {
            match node {
                Node::Heading(_) => return false,
                Node::Block(p) if p.lead.is_some() => return false,
                Node::Block(p) if p.has_words() => return true,
                _ => {}
            }
        }
        false
    };
    let mut strong = 0;
    let mut styled = [0usize; 3]; // Headline, LeadIn, Styled
    for (i, node) in nodes.iter().enumerate() {
        let h = match node {
            Node::Heading(h) => h,
            Node::Block(p) if p.lead.is_some() => {
                styled[tier(Cue::LeadIn)] += 1;
                continue;
            }
            _ => continue,
        };
        if !h.cue.is_styled() {
            // Only a heading with its own text right under it structures
            // the issue; one directly above styled headlines is their
            // category, and they are its stories.
            let names_issue = matches!(h.cue, Cue::Subtitle | Cue::Title | Cue::Masthead);
            if !names_issue && owns(i) {
                strong += 1;
            }
        } else if owns(i) {
            styled[tier(h.cue)] += 1;
        }
    }
    // The weakest tier still allowed to open stories.
    let allowed = if strong >= 2 {
        None
    } else {
        match styled.iter().position(|&n| n >= 2) {
            // A bold lead-in and a bold line are one tier: Cooper Press
            // digests mix both for their items.
            Some(1) => Some(2),
            Some(t) => Some(t),
            None => Some(2),
        }
    };
    let lead_ins = allowed.is_some_and(|a| tier(Cue::LeadIn) <= a);
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        match node {
            Node::Heading(h) if h.cue.is_styled() && allowed.is_none_or(|a| tier(h.cue) > a) => {
                trail.push(Passed {
                    text: h.text.clone(),
                    level: h.level,
                    cue: h.cue,
                    role: Role::Outranked,
                });
                out.push(Node::Block(styled_piece(h)));
            }
            Node::Block(p) if p.lead.is_some() && lead_ins => match p.split_lead() {
                Some((heading, body)) => {
                    out.push(Node::Heading(heading));
                    out.push(Node::Block(body));
                }
                None => out.push(Node::Block(p)),
            },
            // Outranked, a lead-in stays the paragraph it is.
            Node::Block(p) if p.lead.is_some() => {
                let end = p.lead.map_or(0, |(end, _)| end);
                trail.push(Passed {
                    text: p.text.get(..end).unwrap_or("").trim().to_string(),
                    level: Cue::LeadIn.level(),
                    cue: Cue::LeadIn,
                    role: Role::Outranked,
                });
                out.push(Node::Block(Piece { lead: None, ..p }));
            }
            other => out.push(other),
        }
    }
    out
}

fn tier(cue: Cue) -> usize {
    match cue {
        Cue::Headline | Cue::Label => 0,
        Cue::LeadIn => 1,
        _ => 2,
    }
}

/// A styled line that stays in its story: a bold lead-in stays a labelled
/// paragraph's worth of text, other lines a sub-heading.
fn styled_piece(h: Heading) -> Piece {
    h.into_piece()
}

/// A line that only names a jobs board ("Jobs"), right above headings, is
/// the board's heading even when nothing styles it.
fn board_lines(mut nodes: Vec<Node>) -> Vec<Node> {
    for i in 0..nodes.len() {
        let Node::Block(p) = &nodes[i] else { continue };
        let heading_next = match nodes.get(i + 1) {
            Some(Node::Heading(_)) => true,
            Some(Node::Block(next)) => next.lead.is_some(),
            _ => false,
        };
        if p.kind == PieceKind::Paragraph && p.label.is_none() && heading_next && is_board(&p.text)
        {
            let text = p.text.clone();
            nodes[i] = Node::Heading(Heading::new(Cue::Styled.level(), text, Cue::Styled));
        }
    }
    nodes
}

// ------------------------------------------------------------ roles

/// The role of each heading node (None for story candidates and blocks).
struct Roles {
    role: Vec<Option<Role>>,
    masthead: Option<usize>,
}

impl Roles {
    fn find(nodes: &[Node], hints: &super::outline::Hints) -> Roles {
        let mut role: Vec<Option<Role>> = vec![None; nodes.len()];
        let headings: Vec<usize> = (0..nodes.len())
            .filter(|&i| matches!(nodes[i], Node::Heading(_)))
            .collect();
        let heading = |i: usize| match &nodes[i] {
            Node::Heading(h) => Some(h),
            _ => None,
        };
        let words_between = |a: usize, b: usize| {
            nodes[a + 1..b].iter().any(|n| match n {
                Node::Block(p) => p.has_words(),
                _ => false,
            })
        };
        let owns_text = |i: usize| {
            let end = headings
                .iter()
                .copied()
                .find(|&j| j > i)
                .unwrap_or(nodes.len());
            words_between(i, end)
        };
        let next_heading = |i: usize| headings.iter().copied().find(|&j| j > i);
        let visible = |i: usize| heading(i).is_some_and(|h| has_letters(&h.text));

        // The title: marked as such, or repeating the source's title, among
        // the first headings; else a lone top-level heading.
        let early: Vec<usize> = headings
            .iter()
            .copied()
            .filter(|&i| visible(i))
            .take(4)
            .collect();
        let mut title = early
            .iter()
            .copied()
            .find(|&i| heading(i).is_some_and(|h| h.cue == Cue::Title));
        if title.is_none()
            && let Some(want) = hints.title.as_deref()
        {
            // A heading that repeats the title but owns text beside other
            // headings of its rank is the lead story the subject names.
            let lead_story = |i: usize| {
                owns_text(i)
                    && heading(i).is_some_and(|h| {
                        headings.iter().any(|&j| {
                            j > i && visible(j) && heading(j).is_some_and(|o| o.level == h.level)
                        })
                    })
            };
            title = early
                .iter()
                .copied()
                .find(|&i| heading(i).is_some_and(|h| same_words(&h.text, want)) && !lead_story(i));
        }
        if title.is_none() {
            title = lone_top(nodes, &headings);
        }
        if let Some(t) = title {
            role[t] = Some(Role::Title);
            // Everything headed before the title is masthead.
            for &i in headings.iter().filter(|&&i| i < t) {
                role[i] = Some(Role::Masthead);
            }
            // A subtitle: marked so, or a heading right under the title
            // that is smaller than the headings of the stories after it.
            if let Some(s) = next_heading(t)
                && !words_between(t, s)
                && let Some(sub) = heading(s)
            {
                let after = next_heading(s).and_then(heading);
                let smaller = after.is_some_and(|a| a.level < sub.level) && owns_text(s);
                if sub.cue == Cue::Subtitle || smaller {
                    role[s] = Some(Role::Subtitle);
                }
            }
        }
        // A heading marked as the masthead, and every heading before it
        // (a sponsor's "Presented by", a navigation line), is masthead.
        let mut masthead = headings
            .iter()
            .copied()
            .find(|&i| role[i].is_none() && heading(i).is_some_and(|h| h.cue == Cue::Masthead));
        if let Some(m) = masthead {
            for &i in headings.iter().filter(|&&i| i <= m) {
                if role[i].is_none() {
                    role[i] = Some(Role::Masthead);
                }
            }
        }
        // A heading that names the newsletter, before any story, is its masthead.
        if let Some(name) = hints.newsletter.as_deref() {
            for &i in &headings {
                if role[i].is_some() {
                    continue;
                }
                let Some(h) = heading(i) else { continue };
                if same_words(&h.text, name) || same_words(&strip_date(&h.text), name) {
                    role[i] = Some(Role::Masthead);
                    masthead = masthead.or(Some(i));
                }
                if owns_text(i) && role[i].is_none() {
                    break;
                }
            }
        }
        if masthead.is_none() {
            masthead = headings
                .iter()
                .copied()
                .find(|&i| role[i] == Some(Role::Masthead));
        }
        // The first heading with nothing under it but the issue's date
        // ("Orchard Notes" over "April 3, 2025"), above stories that own
        // text, is the masthead.
        if title.is_none()
            && masthead.is_none()
            && let Some(&first) = headings.iter().find(|&&i| visible(i))
            && role[first].is_none()
        {
            let end = next_heading(first).unwrap_or(nodes.len());
            let blocks: Vec<&Piece> = nodes[first + 1..end]
                .iter()
                .filter_map(|n| match n {
                    Node::Block(p) if p.has_words() => Some(p),
                    _ => None,
                })
                .collect();
            let dated = blocks.len() == 1 && super::date::is_dateline(&blocks[0].text);
            let stories_after = headings
                .iter()
                .filter(|&&j| j > first && visible(j) && owns_text(j))
                .count();
            if dated && stories_after >= 2 {
                role[first] = Some(Role::Masthead);
                masthead = Some(first);
            }
        }
        // Headings marked as subtitles elsewhere stay inside their story.
        for &i in &headings {
            if role[i].is_none()
                && heading(i).is_some_and(|h| matches!(h.cue, Cue::Subtitle | Cue::Masthead))
            {
                role[i] = Some(Role::InArticle);
            }
        }
        // "In this issue" over a list naming the stories after it: the
        // table of contents, part of the preamble.
        for (n, &i) in headings.iter().enumerate() {
            if role[i].is_some() {
                continue;
            }
            let end = next_heading(i).unwrap_or(nodes.len());
            let items: Vec<&str> = nodes[i + 1..end]
                .iter()
                .filter_map(|node| match node {
                    Node::Block(p) if p.has_words() => Some(p),
                    _ => None,
                })
                .map(|p| match p.kind {
                    PieceKind::Bullet | PieceKind::Numbered(_) => Some(p.text.as_str()),
                    _ => None,
                })
                .collect::<Option<_>>()
                .unwrap_or_default();
            let later: Vec<&str> = headings[n + 1..]
                .iter()
                .filter_map(|&j| heading(j).map(|h| h.text.as_str()))
                .collect();
            // Each item names a story of its own: a list whose items all
            // start like one later heading ("cargo: ..." under "Cargo")
            // is that story's list, not the contents.
            let mut named: Vec<usize> = items
                .iter()
                .filter_map(|item| later.iter().position(|title| names_story(item, title)))
                .collect();
            named.sort_unstable();
            named.dedup();
            let named = named.len();
            if items.len() >= 2 && named >= 2 && named * 3 >= items.len() * 2 {
                role[i] = Some(Role::Contents);
            }
        }
        // A heading that asks what the reader thought of the issue (a
        // feedback poll) belongs to the footer.
        for &i in &headings {
            if role[i].is_none() && heading(i).is_some_and(|h| asks_for_feedback(&h.text)) {
                role[i] = Some(Role::Footer);
            }
        }
        Roles { role, masthead }
    }
}

/// "What did you think of this post?", "How was today's newsletter?": a
/// question to the reader about the issue itself.
fn asks_for_feedback(text: &str) -> bool {
    const DETERMINERS: [&str; 3] = ["this ", "today's ", "this week's "];
    const NOUNS: [&str; 5] = ["post", "email", "issue", "newsletter", "edition"];
    if !text.trim_end().ends_with('?') || text.len() > 120 {
        return false;
    }
    let lower = text.to_lowercase().replace('’', "'");
    lower.split_whitespace().count() <= 12
        && DETERMINERS.iter().any(|d| {
            lower
                .match_indices(d)
                .any(|(at, _)| NOUNS.iter().any(|n| lower[at + d.len()..].starts_with(n)))
        })
}

/// The first heading is the only one at the shallowest level and deeper
/// headings follow: it titles the issue.
fn lone_top(nodes: &[Node], headings: &[usize]) -> Option<usize> {
    let levels: Vec<u8> = headings
        .iter()
        .filter_map(|&i| match &nodes[i] {
            Node::Heading(h) if !h.cue.is_styled() && has_letters(&h.text) => Some(h.level),
            _ => None,
        })
        .collect();
    let first = headings.iter().copied().find(|&i| match &nodes[i] {
        Node::Heading(h) => !h.cue.is_styled() && has_letters(&h.text),
        _ => false,
    })?;
    let Node::Heading(h) = &nodes[first] else {
        return None;
    };
    let top = *levels.iter().min()?;
    let lone = h.level == top && levels.iter().filter(|&&l| l == top).count() == 1;
    (lone && levels.len() > 1 && h.level <= 1).then_some(first)
}

// ------------------------------------------------------------ building

/// A label heading: its rank and how it ends.
struct Label {
    level: u8,
    /// A kicker sits above a headline at least as big: it ends at the next
    /// heading of its own level. A parent ends at any heading as big as it.
    kicker: bool,
    text: String,
    /// A jobs board: the headings under it are ads inside one story.
    board: bool,
    /// Where its words were kept (story, piece) until a story names it as
    /// its group.
    kept_at: Option<(usize, usize)>,
}

impl Label {
    fn ends_at(&self, level: u8) -> bool {
        if self.kicker {
            level == self.level
        } else {
            level <= self.level
        }
    }
}

/// The group of a story opening under these labels: their words, outer
/// first ("Updates › Official"). The labels' words move out of the text
/// they were kept in.
fn group_of(labels: &mut [Label], stories: &mut [Story]) -> Option<String> {
    let mut kept: Vec<(usize, usize)> =
        labels.iter_mut().filter_map(|l| l.kept_at.take()).collect();
    kept.sort_unstable();
    for (story, piece) in kept.into_iter().rev() {
        if piece < stories[story].pieces.len() {
            stories[story].pieces.remove(piece);
        }
    }
    let names: Vec<&str> = labels
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| has_letters(t))
        .collect();
    (!names.is_empty()).then(|| names.join(" › "))
}

/// A label naming a jobs board ("Jobs", "💻 Job board", "Careers"): the ads
/// under it are one story, not one story each.
fn is_board(text: &str) -> bool {
    if text.len() > 40 {
        return false;
    }
    matches!(
        squash(text).as_str(),
        "jobs" | "jobboard" | "careers" | "classifieds" | "hiring" | "joblistings" | "whoshiring"
    )
}

fn build(nodes: Vec<Node>, roles: Roles, mut trail: Trail) -> Cut {
    let heading_at: Vec<bool> = nodes
        .iter()
        .map(|n| matches!(n, Node::Heading(_)))
        .collect();
    let words_at: Vec<bool> = nodes
        .iter()
        .map(|n| matches!(n, Node::Block(p) if p.has_words()))
        .collect();
    // Text a reader reads, not a picture's caption: a heading over only a
    // picture (a banner) is a label when another heading follows.
    let prose_at: Vec<bool> = nodes
        .iter()
        .map(|n| matches!(n, Node::Block(p) if p.has_words() && p.kind != PieceKind::Caption))
        .collect();
    // For each node, whether text (and prose) comes before the next
    // heading, and the level of the next heading (for labels).
    let mut owns = vec![false; nodes.len()];
    let mut owns_prose = vec![false; nodes.len()];
    let mut next_level = vec![None; nodes.len()];
    {
        let (mut text_since, mut prose_since) = (false, false);
        let mut next: Option<u8> = None;
        for i in (0..nodes.len()).rev() {
            owns[i] = text_since;
            owns_prose[i] = prose_since;
            next_level[i] = next;
            if heading_at[i] {
                if let Node::Heading(h) = &nodes[i] {
                    next = Some(h.level);
                }
                text_since = false;
                prose_since = false;
            } else {
                text_since |= words_at[i];
                prose_since |= prose_at[i];
            }
        }
    }
    let levels: Vec<Option<u8>> = nodes
        .iter()
        .map(|n| match n {
            Node::Heading(h) => Some(h.level),
            _ => None,
        })
        .collect();
    let visible_at: Vec<bool> = nodes
        .iter()
        .map(|n| matches!(n, Node::Heading(h) if has_letters(&h.text)))
        .collect();
    let mut cut = Cut::default();
    let mut stories = vec![Story {
        title: None,
        group: None,
        pieces: Vec::new(),
        title_links: Vec::new(),
        opened_by: Opened::Preamble,
    }];
    let mut labels: Vec<Label> = Vec::new();
    // The level of the current story's headline, when it sits under a label.
    let mut article: Option<u8> = None;
    // The previous heading was a label with nothing after it yet.
    let mut under_label = false;
    let count = nodes.len();
    for (i, node) in nodes.into_iter().enumerate() {
        let current = stories.len() - 1;
        match node {
            Node::Block(piece) => {
                if piece.has_words() {
                    under_label = false;
                }
                stories[current].pieces.push(piece);
            }
            Node::Break => {
                // A rule line the source separates stories with: the text
                // after it is a story of its own unless a heading names it.
                let has_text = stories[current].pieces.iter().any(Piece::has_words);
                let more_text = (i + 1..count).any(|j| words_at[j]);
                let heading_next = next_is_heading_after(i, &heading_at, &words_at);
                if has_text && !heading_next && more_text {
                    let group = group_of(&mut labels, &mut stories);
                    stories.push(Story {
                        title: None,
                        group,
                        pieces: Vec::new(),
                        title_links: Vec::new(),
                        opened_by: Opened::Break,
                    });
                }
            }
            Node::Heading(h) => {
                let pass = |trail: &mut Trail, h: &Heading, role: Role| {
                    trail.push(Passed {
                        text: h.text.clone(),
                        level: h.level,
                        cue: h.cue,
                        role,
                    });
                };
                match roles.role[i] {
                    Some(Role::Title) => {
                        cut.title = Some(h.text.clone());
                        pass(&mut trail, &h, Role::Title);
                        // The title's own text, if any, is the preamble's.
                        continue;
                    }
                    Some(role @ (Role::Masthead | Role::Subtitle | Role::InArticle)) => {
                        pass(&mut trail, &h, role);
                        // The masthead names the newsletter: its words become
                        // the issue's metadata. Other heads stay as text.
                        if role == Role::Masthead && Some(i) == roles.masthead {
                            cut.masthead = Some(h.text);
                        } else if has_letters(&h.text) {
                            stories[current].pieces.push(h.into_piece());
                        }
                        continue;
                    }
                    Some(role) => {
                        pass(&mut trail, &h, role);
                        stories[current].pieces.push(h.into_piece());
                        continue;
                    }
                    None => {}
                }
                // Labels this heading closes (not the one right above it:
                // a kicker labels the headline it sits on).
                while let Some(top) = labels.last().filter(|_| !under_label) {
                    if !top.ends_at(h.level) {
                        break;
                    }
                    labels.pop();
                    article = None;
                }
                // Inside a jobs board, the ads are the board's text.
                if labels.last().is_some_and(|l| l.board) {
                    pass(&mut trail, &h, Role::BoardItem);
                    stories[current].pieces.push(h.into_piece());
                    continue;
                }
                let is_label = !owns_prose[i] && next_is_heading_after(i, &heading_at, &prose_at);
                if is_label {
                    let mut label = Label {
                        level: h.level,
                        kicker: next_level[i].is_some_and(|n| n <= h.level),
                        text: h.text.clone(),
                        board: false,
                        kept_at: None,
                    };
                    // A jobs board over two ads or more is one story.
                    let items = || {
                        (i + 1..count)
                            .filter_map(|j| levels[j].map(|l| (j, l)))
                            .take_while(|&(_, l)| !label.ends_at(l))
                            .filter(|&(j, _)| owns[j] && visible_at[j])
                            .take(2)
                            .count()
                    };
                    if is_board(&h.text) && items() >= 2 {
                        label.board = true;
                        labels.push(label);
                        article = None;
                        under_label = false;
                        stories.push(Story::headed(h, None));
                        continue;
                    }
                    pass(&mut trail, &h, Role::Group);
                    // Its words stay where it stands until a story takes
                    // it as its group.
                    if has_letters(&h.text) {
                        label.kept_at = Some((current, stories[current].pieces.len()));
                        stories[current].pieces.push(h.into_piece());
                    }
                    labels.push(label);
                    under_label = true;
                    continue;
                }
                if !owns[i] || !has_letters(&h.text) {
                    // A heading with nothing after it (or an empty one before
                    // text): its words stay in the current story.
                    pass(&mut trail, &h, Role::NoText);
                    if has_letters(&h.text) {
                        stories[current].pieces.push(h.into_piece());
                    }
                    continue;
                }
                if let Some(level) = article
                    && h.level > level
                    && !labels.is_empty()
                {
                    pass(&mut trail, &h, Role::InArticle);
                    stories[current].pieces.push(h.into_piece());
                    continue;
                }
                article = under_label.then_some(h.level);
                under_label = false;
                let group = group_of(&mut labels, &mut stories);
                stories.push(Story::headed(h, group));
            }
        }
    }
    // The preamble goes when it holds nothing; untitled stories need text.
    stories.retain(|s| {
        s.title.is_some()
            || s.pieces
                .iter()
                .any(|p| p.has_words() || !p.links.is_empty())
    });
    if stories.len() == 1 && stories[0].title.is_none() {
        stories[0].opened_by = Opened::Whole;
    }
    cut.stories = stories;
    cut.trail = trail;
    cut
}

/// The next node with words or a heading after `i` is a heading.
fn next_is_heading_after(i: usize, heading_at: &[bool], words_at: &[bool]) -> bool {
    (i + 1..heading_at.len())
        .find(|&j| heading_at[j] || words_at[j])
        .is_some_and(|j| heading_at[j])
}

fn has_letters(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Letters and digits only, lower-cased: how two names are compared.
pub(crate) fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether two titles say the same: equal once squashed, or one holds the
/// other and the shorter is most of it (a title with the site's name
/// added, "Weekly 12 | Site").
pub(crate) fn same_words(a: &str, b: &str) -> bool {
    let (a, b) = (squash(a), squash(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short == long || (long.contains(&short) && short.chars().count() * 2 >= long.chars().count())
}

/// Whether a contents item names a story: the same words, or one holds
/// the other ("Peppers" for "Peppers need warmth").
fn names_story(item: &str, title: &str) -> bool {
    if same_words(item, title) {
        return true;
    }
    let (item, title) = (squash(item), squash(title));
    let (short, long) = if item.len() <= title.len() {
        (item, title)
    } else {
        (title, item)
    };
    short.chars().count() >= 4 && long.starts_with(&short)
}

/// A masthead line without its date: "TLDR 2023-09-11" -> "TLDR".
fn strip_date(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| {
            super::date::find_date(w).is_none()
                && !w.chars().all(|c| c.is_ascii_digit() || "-/.,".contains(c))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
