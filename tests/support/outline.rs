//! The reviewable outline every parser golden test snapshots: header fields,
//! then each story with its blocks (one per line, by kind) and its links.

use nlread::model::{Block, Issue};

pub fn outline(issue: &Issue) -> String {
    let mut out = format!(
        "newsletter: {:?}\ntitle: {:?}\ndate: {:?}\nauthor: {:?}\n",
        issue.newsletter, issue.title, issue.date, issue.author
    );
    for s in &issue.sections {
        out.push_str(&format!("\n## {} ({} words)\n", s.title, s.words));
        for b in s.blocks() {
            let kind = match b {
                Block::Paragraph { .. } => "para",
                Block::Labelled { .. } => "label",
                Block::Bullet { .. } => "bullet",
                Block::Numbered { .. } => "number",
                Block::Caption { .. } => "caption",
                Block::SubHeading { .. } => "subhead",
                Block::Quote { .. } => "quote",
            };
            out.push_str(&format!("{kind:>8} | {}\n", b.plain_text()));
        }
        for l in &s.links {
            let before = s
                .block(l.block as usize)
                .map_or("", |b| &b.text()[..l.at as usize]);
            let tail: String = before
                .chars()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            out.push_str(&format!(
                "    link | [{}] {} (block {}, after {:?})\n",
                l.text, l.url, l.block, tail
            ));
        }
    }
    out
}
