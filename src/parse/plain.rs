//! (being written) The plain-text parser.
use crate::model::{Block, Issue, Section};

pub fn parse(text: &str, source: &str) -> Issue {
    let id = super::stable_id(&[text.as_bytes()]);
    let blocks = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| Block::Paragraph {
            text: p.trim().to_string(),
        })
        .collect();
    Issue {
        id: id.clone(),
        source: source.to_string(),
        newsletter: None,
        title: "Untitled".into(),
        date: None,
        author: None,
        sections: vec![Section::new(id, "Untitled".into(), blocks)],
    }
}
