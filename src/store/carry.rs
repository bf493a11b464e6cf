//! Marks that follow a story when its issue is split again.
//!
//! A story's id comes from its issue, its place and its title, so when
//! nlread's parsers change (or a feed item is updated in place) an issue
//! read before can come back as stories with other ids: one more story at
//! the top moves every id after it. The marks were the reader's, not the
//! parser's, and must not be lost. Given the stories an issue had and the
//! ones it has now, [`carry`] says which old marks each new story takes:
//!
//! - the same id: nothing to do;
//! - the same title: everything (read and star);
//! - an old story whose text now begins inside a new one (two stories
//!   made one, or a title that changed): everything, and a new story that
//!   several old ones went into is read only when all of them were;
//! - a new story whose text begins inside an old one (a story split in
//!   two): that story's read mark, not its star (the star goes to the piece
//!   that holds the old story's start).
//!
//! Pure: the index finds the stories, the state database applies the
//! carries ([`crate::db::state::carry_marks`]).

use std::collections::HashSet;

use crate::parse::sectioner::squash;

/// One story as an issue had it or has it.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The story's text.
    pub body: &'a str,
}

/// A new story's marks, taken from old stories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carry {
    /// The new story.
    pub to: String,
    /// The old stories it takes its marks from: read when every one of
    /// them was read.
    pub from: Vec<String>,
    /// Whether their stars come too.
    pub star: bool,
}

/// How much of a story's text, squashed, says where it begins; texts
/// shorter than [`MIN_START`] are too common to say anything.
const START: usize = 80;
const MIN_START: usize = 24;

/// The marks each new story takes from the old ones (see the module).
pub fn carry(old: &[Shape], new: &[Shape]) -> Vec<Carry> {
    let new_ids: HashSet<&str> = new.iter().map(|s| s.id).collect();
    let old_ids: HashSet<&str> = old.iter().map(|s| s.id).collect();
    let gone: Vec<&Shape> = old.iter().filter(|s| !new_ids.contains(s.id)).collect();
    let came: Vec<&Shape> = new.iter().filter(|s| !old_ids.contains(s.id)).collect();
    if came.is_empty() {
        return Vec::new();
    }
    let squashed = |s: &Shape| squash(s.body);
    let old_text: Vec<String> = old.iter().map(squashed).collect();
    let gone_text: Vec<String> = old
        .iter()
        .zip(&old_text)
        .filter(|(s, _)| !new_ids.contains(s.id))
        .map(|(_, text)| text.clone())
        .collect();
    let came_text: Vec<String> = came.iter().map(|s| squashed(s)).collect();
    let start = |text: &str| -> Option<String> {
        let start: String = text.chars().take(START).collect();
        (start.chars().count() >= MIN_START).then_some(start)
    };
    // from[c]: the old stories the new story `c` takes everything from.
    let mut from: Vec<Vec<usize>> = vec![Vec::new(); came.len()];
    let mut taken = vec![false; gone.len()];
    for (c, new) in came.iter().enumerate() {
        let title = squash(new.title);
        if title.is_empty() {
            continue;
        }
        if let Some(g) = (0..gone.len()).find(|&g| !taken[g] && squash(gone[g].title) == title) {
            taken[g] = true;
            from[c].push(g);
        }
    }
    for g in 0..gone.len() {
        if taken[g] {
            continue;
        }
        let Some(begins) = start(&gone_text[g]) else {
            continue;
        };
        if let Some(c) = (0..came.len()).find(|&c| came_text[c].contains(&begins)) {
            taken[g] = true;
            from[c].push(g);
        }
    }
    let mut carries = Vec::new();
    for (c, new) in came.iter().enumerate() {
        if !from[c].is_empty() {
            carries.push(Carry {
                to: new.id.to_string(),
                from: from[c].iter().map(|&g| gone[g].id.to_string()).collect(),
                star: true,
            });
            continue;
        }
        // A piece split out of an old story (kept or gone): its read mark.
        let Some(begins) = start(&came_text[c]) else {
            continue;
        };
        if let Some(o) = (0..old.len()).find(|&o| old_text[o].contains(&begins)) {
            carries.push(Carry {
                to: new.id.to_string(),
                from: vec![old[o].id.to_string()],
                star: false,
            });
        }
    }
    carries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape<'a>(id: &'a str, title: &'a str, body: &'a str) -> Shape<'a> {
        Shape { id, title, body }
    }

    const TOMATOES: &str = "Start tomato seeds indoors six weeks before the last frost.";
    const PEPPERS: &str = "Peppers want a heat mat and patience until the first true leaves.";
    const SLUGS: &str = "Copper tape around the beds keeps the slugs off the lettuce.";

    #[test]
    fn the_same_ids_carry_nothing() {
        let old = [shape("a", "Tomatoes", TOMATOES)];
        assert!(carry(&old, &old).is_empty());
    }

    #[test]
    fn a_story_with_the_same_title_takes_everything() {
        // One more story at the top moved every id after it.
        let old = [shape("a", "Tomatoes", TOMATOES), shape("b", "Slugs", SLUGS)];
        let new = [
            shape(
                "x",
                "Intro",
                "Hello gardeners, a short note before the stories.",
            ),
            shape("y", "Tomatoes", TOMATOES),
            shape("z", "Slugs", SLUGS),
        ];
        assert_eq!(
            carry(&old, &new),
            [
                Carry {
                    to: "y".into(),
                    from: vec!["a".into()],
                    star: true
                },
                Carry {
                    to: "z".into(),
                    from: vec!["b".into()],
                    star: true
                },
            ]
        );
    }

    #[test]
    fn stories_made_one_give_it_their_marks_and_it_is_read_when_all_were() {
        let old = [
            shape("a", "Tomatoes", TOMATOES),
            shape("b", "A sub-head", PEPPERS),
        ];
        let both = format!("{TOMATOES}\n\nA sub-head\n\n{PEPPERS}");
        let new = [shape("y", "Tomatoes and peppers", &both)];
        assert_eq!(
            carry(&old, &new),
            [Carry {
                to: "y".into(),
                from: vec!["a".into(), "b".into()],
                star: true
            }]
        );
    }

    #[test]
    fn a_story_split_in_two_gives_the_second_piece_its_read_mark_only() {
        let whole = format!("{TOMATOES}\n\n{PEPPERS}");
        let old = [shape("a", "Seedlings", &whole)];
        let new = [
            shape("y", "Seedlings", TOMATOES),
            shape("z", "Peppers", PEPPERS),
        ];
        assert_eq!(
            carry(&old, &new),
            [
                Carry {
                    to: "y".into(),
                    from: vec!["a".into()],
                    star: true
                },
                Carry {
                    to: "z".into(),
                    from: vec!["a".into()],
                    star: false
                },
            ]
        );
    }

    #[test]
    fn a_piece_split_out_of_a_story_that_kept_its_id_takes_its_read_mark() {
        let whole = format!("{TOMATOES}\n\n{PEPPERS}");
        let old = [shape("a", "Seedlings", &whole)];
        let new = [
            shape("a", "Seedlings", TOMATOES),
            shape("z", "Peppers", PEPPERS),
        ];
        assert_eq!(
            carry(&old, &new),
            [Carry {
                to: "z".into(),
                from: vec!["a".into()],
                star: false
            }]
        );
    }

    #[test]
    fn short_or_unrelated_texts_carry_nothing() {
        let old = [shape("a", "Tomatoes", "Short."), shape("b", "Slugs", SLUGS)];
        let new = [
            shape("y", "Weather", "Short."),
            shape("z", "Peppers", PEPPERS),
        ];
        assert!(carry(&old, &new).is_empty());
    }
}
