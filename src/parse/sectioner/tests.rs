//! The sectioner's rules on small outlines, one rule per test.

use super::*;
use crate::parse::outline::{Hints, PieceKind};

fn h(level: u8, text: &str) -> Node {
    Node::Heading(Heading::new(level, text, Cue::Tag))
}

fn styled(cue: Cue, text: &str) -> Node {
    Node::Heading(Heading::new(cue.level(), text, cue))
}

fn p(text: &str) -> Node {
    Node::Block(Piece::new(PieceKind::Paragraph, text))
}

fn cut_of(nodes: Vec<Node>, hints: Hints) -> Cut {
    cut(
        Outline {
            nodes,
            hints,
            cut: None,
        },
        None,
    )
}

/// (title, group) of every story; the preamble as "-".
fn stories(cut: &Cut) -> Vec<(String, Option<String>)> {
    cut.stories
        .iter()
        .map(|s| {
            (
                s.title.clone().unwrap_or_else(|| "-".into()),
                s.group.clone(),
            )
        })
        .collect()
}

fn titles(cut: &Cut) -> Vec<String> {
    stories(cut).into_iter().map(|(t, _)| t).collect()
}

#[test]
fn the_innermost_heading_that_owns_text_is_a_story() {
    let cut = cut_of(
        vec![
            h(2, "News"),
            p("a"),
            h(3, "Election"),
            p("b"),
            h(2, "Notes"),
            p("c"),
        ],
        Hints::default(),
    );
    assert_eq!(titles(&cut), ["News", "Election", "Notes"]);
}

#[test]
fn a_heading_with_no_text_above_others_is_their_group() {
    let cut = cut_of(
        vec![
            h(2, "Community"),
            h(3, "Official"),
            p("a"),
            h(3, "Blogs"),
            p("b"),
            h(2, "Calls"),
            h(3, "Projects"),
            p("c"),
            h(2, "Jobs list"),
            p("d"),
        ],
        Hints::default(),
    );
    let c = |s: &str| Some(s.to_string());
    assert_eq!(
        stories(&cut),
        [
            ("Official".to_string(), c("Community")),
            ("Blogs".to_string(), c("Community")),
            ("Projects".to_string(), c("Calls")),
            ("Jobs list".to_string(), None),
        ]
    );
    // The group's words are not in any story's text twice.
    assert!(
        cut.stories
            .iter()
            .all(|s| s.pieces.iter().all(|p| p.text != "Community"))
    );
}

#[test]
fn smaller_heads_inside_an_article_under_a_kicker_stay_in_it() {
    let cut = cut_of(
        vec![
            h(3, "AUTO"),
            h(1, "Trial begins"),
            p("a"),
            h(2, "A long road"),
            p("b"),
            h(3, "WORLD"),
            h(1, "Tour of headlines"),
            p("c"),
        ],
        Hints::default(),
    );
    assert_eq!(titles(&cut), ["Trial begins", "Tour of headlines"]);
    let first = &cut.stories[0];
    assert_eq!(first.group.as_deref(), Some("AUTO"));
    assert!(
        first
            .pieces
            .iter()
            .any(|p| p.kind == PieceKind::SubHeading && p.text == "A long road")
    );
}

#[test]
fn title_subtitle_and_masthead_are_the_preamble() {
    let hints = Hints {
        title: Some("The Endgame".into()),
        newsletter: Some("Harbour".into()),
        ..Hints::default()
    };
    let cut = cut_of(
        vec![
            h(1, "Harbour"),
            p("nav"),
            h(1, "The Endgame"),
            Node::Heading(Heading::new(2, "What happens next?", Cue::Subtitle)),
            p("by Ann"),
            h(2, "One"),
            p("a"),
            h(2, "Two"),
            p("b"),
        ],
        hints,
    );
    assert_eq!(titles(&cut), ["-", "One", "Two"]);
    assert_eq!(cut.title.as_deref(), Some("The Endgame"));
    assert_eq!(cut.masthead.as_deref(), Some("Harbour"));
    let preamble: Vec<&str> = cut.stories[0]
        .pieces
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(preamble, ["nav", "What happens next?", "by Ann"]);
}

#[test]
fn a_heading_repeating_the_subject_beside_its_peers_is_the_lead_story() {
    let hints = Hints {
        title: Some("Desk #42: the booster lands".into()),
        ..Hints::default()
    };
    let cut = cut_of(
        vec![h(2, "The booster lands"), p("a"), h(2, "Cubesats"), p("b")],
        hints,
    );
    assert_eq!(titles(&cut), ["The booster lands", "Cubesats"]);
}

#[test]
fn styled_lines_give_way_to_headings_with_text() {
    let cut = cut_of(
        vec![
            h(2, "One"),
            p("a"),
            styled(Cue::Styled, "Bold aside"),
            p("b"),
            h(2, "Two"),
            p("c"),
        ],
        Hints::default(),
    );
    assert_eq!(titles(&cut), ["One", "Two"]);
    assert_eq!(cut.trail[0].role, Role::Outranked);
}

#[test]
fn styled_items_under_category_headings_are_the_stories() {
    let cut = cut_of(
        vec![
            h(2, "Science"),
            styled(Cue::Headline, "Oxygen on Mars"),
            p("a"),
            styled(Cue::Headline, "A cure, twice"),
            p("b"),
            h(2, "Programming"),
            styled(Cue::Headline, "Bun 1.0"),
            p("c"),
        ],
        Hints::default(),
    );
    assert_eq!(titles(&cut), ["Oxygen on Mars", "A cure, twice", "Bun 1.0"]);
    assert_eq!(cut.stories[2].group.as_deref(), Some("Programming"));
}

#[test]
fn a_stronger_style_used_twice_outranks_a_weaker_one() {
    let cut = cut_of(
        vec![
            styled(Cue::Headline, "1. First"),
            p("a"),
            styled(Cue::Styled, "Mini head"),
            p("b"),
            styled(Cue::Headline, "2. Second"),
            p("c"),
        ],
        Hints::default(),
    );
    assert_eq!(titles(&cut), ["1. First", "2. Second"]);
}

#[test]
fn a_jobs_board_is_one_story_and_a_poll_is_footer() {
    let cut = cut_of(
        vec![
            styled(Cue::LeadIn, "Ports reopen"),
            p("a"),
            styled(Cue::LeadIn, "Cranes arrive"),
            p("b"),
            styled(Cue::Styled, "💻 Jobs"),
            styled(Cue::LeadIn, "Engineer at Dock Co"),
            p("apply"),
            styled(Cue::LeadIn, "Find a job"),
            p("free"),
        ],
        Hints::default(),
    );
    assert_eq!(titles(&cut), ["Ports reopen", "Cranes arrive", "💻 Jobs"]);
    let board: Vec<&str> = cut.stories[2]
        .pieces
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(
        board,
        ["Engineer at Dock Co", "apply", "Find a job", "free"]
    );

    let cut = cut_of(
        vec![
            h(2, "News"),
            p("a"),
            h(2, "More"),
            p("b"),
            h(4, "What did you think of this post?"),
            p("Great / Meh"),
        ],
        Hints::default(),
    );
    assert_eq!(titles(&cut), ["News", "More"]);
    assert!(cut.trail.iter().any(|p| p.role == Role::Footer));
}

#[test]
fn rule_lines_separate_untitled_stories() {
    let cut = cut_of(
        vec![
            p("intro"),
            Node::Break,
            p("second"),
            Node::Break,
            h(2, "Titled"),
            p("third"),
        ],
        Hints::default(),
    );
    let opened: Vec<&Opened> = cut.stories.iter().map(|s| &s.opened_by).collect();
    assert_eq!(
        opened,
        [
            &Opened::Preamble,
            &Opened::Break,
            &Opened::Heading {
                cue: Cue::Tag,
                level: 2
            }
        ]
    );
}

#[test]
fn a_label_with_no_story_keeps_its_words() {
    let cut = cut_of(vec![p("intro"), h(2, "Later"), h(3, "")], Hints::default());
    assert!(cut.stories[0].pieces.iter().any(|p| p.text == "Later"));
}

#[test]
fn a_first_heading_over_only_the_date_is_the_masthead() {
    let nodes = || {
        vec![
            styled(Cue::Styled, "Pond Post"),
            p("May 5, 2025"),
            styled(Cue::Styled, "Frogs"),
            p("The frogs came back early."),
            styled(Cue::Styled, "Reeds"),
            p("The reeds were cut on Tuesday."),
        ]
    };
    let cut = cut_of(nodes(), Hints::default());
    assert_eq!(cut.masthead.as_deref(), Some("Pond Post"));
    assert_eq!(titles(&cut), ["-", "Frogs", "Reeds"]);
    // A first heading over a story's text is a story, not a masthead.
    let mut other = nodes();
    other[1] = p("The pond froze on May 5, 2025, for one night.");
    let cut = cut_of(other, Hints::default());
    assert_eq!(cut.masthead, None);
    assert_eq!(titles(&cut), ["Pond Post", "Frogs", "Reeds"]);
}

fn item(text: &str) -> Node {
    Node::Block(Piece::new(PieceKind::Bullet, text))
}

#[test]
fn a_list_naming_the_stories_after_it_is_the_contents() {
    let nodes = |items: [&str; 3]| {
        let mut nodes = vec![h(2, "In this issue")];
        nodes.extend(items.map(item));
        nodes.extend([
            h(2, "Tomatoes"),
            p("Start them indoors."),
            h(2, "Peppers need warmth"),
            p("A heat mat helps."),
            h(2, "Slugs"),
            p("Copper tape lasts."),
        ]);
        nodes
    };
    let cut = cut_of(nodes(["Tomatoes", "Peppers", "Slugs"]), Hints::default());
    assert_eq!(
        titles(&cut),
        ["-", "Tomatoes", "Peppers need warmth", "Slugs"]
    );
    assert!(
        cut.trail
            .iter()
            .any(|p| p.text == "In this issue" && p.role == Role::Contents)
    );
    // A list that names other things is a story's text.
    let cut = cut_of(nodes(["Rakes", "Hoes", "Slugs"]), Hints::default());
    assert_eq!(titles(&cut)[0], "In this issue");
    // Items that all start like one later heading ("slugs: ..." while a
    // "Slugs" story follows) are a story's own list, not the contents.
    let cut = cut_of(
        nodes([
            "slugs: beer traps work",
            "slugs: copper tape lasts",
            "slugs: night patrols",
        ]),
        Hints::default(),
    );
    assert_eq!(titles(&cut)[0], "In this issue");
}
