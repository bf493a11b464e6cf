//! A forwarded message's header ("---------- Forwarded message ---------",
//! then From/Date/Subject/To), as mail clients write it at the top of a
//! newsletter someone forwarded: it names the sender, the date and the
//! subject of the issue, and is not story text.

use super::outline::Node;

/// What a forwarded header says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forwarded {
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    pub date: Option<String>,
}

const MARKERS: [&str; 3] = [
    "forwarded message",
    "begin forwarded message",
    "original message",
];

/// True when a line names a forwarded or quoted original message
/// ("Forwarded message", "Original Message"), whatever frames it.
pub fn is_marker(line: &str) -> bool {
    let lower = line.to_lowercase();
    MARKERS.iter().any(|m| lower.contains(m))
}

const FIELDS: [&str; 6] = ["From:", "Date:", "Sent:", "Subject:", "To:", "Cc:"];

/// Finds a forwarded header among the first blocks, takes it out of the
/// outline and returns what it says (all None when there is none).
pub fn take_header(nodes: &mut Vec<Node>) -> Forwarded {
    let found = nodes.iter().take(8).position(|n| match n {
        Node::Block(p) => is_marker(&p.text) && p.text.contains("From:"),
        _ => false,
    });
    let Some(at) = found else {
        return Forwarded::default();
    };
    let Node::Block(piece) = nodes.remove(at) else {
        return Forwarded::default();
    };
    read(&piece.text)
}

/// Reads the fields of a header written on one line or several.
pub fn read(text: &str) -> Forwarded {
    // Where each field starts, in order.
    let mut starts: Vec<(usize, &str)> = FIELDS
        .iter()
        .filter_map(|f| text.find(f).map(|at| (at, *f)))
        .collect();
    starts.sort_unstable();
    let value = |field: &str| -> Option<String> {
        let i = starts.iter().position(|(_, f)| *f == field)?;
        let from = starts[i].0 + field.len();
        let to = starts.get(i + 1).map_or(text.len(), |(at, _)| *at);
        let v = text.get(from..to)?.trim();
        (!v.is_empty()).then(|| v.to_string())
    };
    let mut out = Forwarded {
        subject: value("Subject:"),
        date: value("Date:")
            .or_else(|| value("Sent:"))
            .and_then(|d| super::date::find_date(&d)),
        ..Forwarded::default()
    };
    if let Some(from) = value("From:") {
        let (name, address) = match from.split_once('<') {
            Some((name, rest)) => (name, rest.split('>').next().unwrap_or("")),
            None if from.contains('@') => ("", from.as_str()),
            None => (from.as_str(), ""),
        };
        let name = name.trim().trim_matches('"').trim();
        out.from_name = (!name.is_empty()).then(|| name.to_string());
        let address = address.trim();
        out.from_address = (!address.is_empty()).then(|| address.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gmail_forward_on_one_line() {
        let f = read(
            "---------- Forwarded message --------- From: Ada Lane <ada@letters.example> \
             Date: Fri, 28 Oct 2022 at 19:15 Subject: Quiet Markets To: <me@home.example>",
        );
        assert_eq!(f.from_name.as_deref(), Some("Ada Lane"));
        assert_eq!(f.from_address.as_deref(), Some("ada@letters.example"));
        assert_eq!(f.subject.as_deref(), Some("Quiet Markets"));
        assert_eq!(f.date.as_deref(), Some("2022-10-28"));
    }

    #[test]
    fn no_header_leaves_the_outline_alone() {
        use crate::parse::outline::{Piece, PieceKind};
        let mut nodes = vec![Node::Block(Piece::new(PieceKind::Paragraph, "From: me"))];
        assert_eq!(take_header(&mut nodes), Forwarded::default());
        assert_eq!(nodes.len(), 1);
    }
}
