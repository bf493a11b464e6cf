//! Unit tests of the plain-text parser on small issues written for each
//! trap. File fixtures and golden snapshots live in tests/parse_plain.rs.

use super::parse;
use crate::model::{Block, Issue, Section};

fn blocks(section: &Section) -> Vec<Block<'_>> {
    section.blocks().collect()
}

fn titles(issue: &Issue) -> Vec<&str> {
    issue.sections.iter().map(|s| s.title.as_str()).collect()
}

fn section<'a>(issue: &'a Issue, title: &str) -> &'a crate::model::Section {
    issue
        .sections
        .iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no section {title:?} in {:?}", titles(issue)))
}

const NUMBERED: &str = "\
Mar 4, 2024

Harbor Notes

By Ines Okafor
Ines Okafor

Good morning from the docks. Today: cranes, ferries and a very old lighthouse.

  • Reply to this email to tell us what you think.

This newsletter is 420 words, a 2-minute read.

1 big thing: The port wants taller cranes before the summer rush

Illustration: Tomas Weir/Harbor Notes

Port managers asked the city for permission to replace four cranes this spring.

Why it matters: Taller cranes let bigger ships unload in one visit.

  • The council votes next Tuesday.
  • Dockworkers say the old cranes are safe for another decade.
Bonus chart: Containers handled per month
Data: Port Authority; Chart: Harbor Notes Visuals

Volumes have climbed every month since October.

But, but, but: Neighbours worry about the noise at night.

2. Catch up quick

1. The ferry to the islands adds a second evening departure from May. Read more.

2. A new fish market opens beside pier seven on Saturday. Read more.

3. The lighthouse museum closes for repairs until autumn. Read more.

3. Ferry fares rise for the first time in six years

Photo: Lena Park/Getty Images

Single tickets will cost a little more from June.

  • Season passes keep their old price.
4. 1 lighthouse thing

The keeper's cottage was painted white again last week, as it was in 1902. Photo: Arno Blum/Harbor Archive

The paint came from a local shop, said the keeper.

Ines Okafor";

#[test]
fn numbered_issue_header() {
    let issue = parse(NUMBERED, "harbor.txt");
    assert_eq!(issue.newsletter.as_deref(), Some("Harbor Notes"));
    assert_eq!(issue.date.as_deref(), Some("2024-03-04"));
    assert_eq!(issue.author.as_deref(), Some("Ines Okafor"));
    assert_eq!(
        issue.title,
        "The port wants taller cranes before the summer rush"
    );
}

#[test]
fn numbered_sections_ignore_the_restarting_list() {
    let issue = parse(NUMBERED, "harbor.txt");
    assert_eq!(
        titles(&issue),
        [
            "Intro",
            "1 big thing: The port wants taller cranes before the summer rush",
            "Catch up quick",
            "Ferry fares rise for the first time in six years",
            "1 lighthouse thing",
        ]
    );
    let catch_up = section(&issue, "Catch up quick");
    let numbers: Vec<u32> = blocks(catch_up)
        .iter()
        .filter_map(|b| match b {
            Block::Numbered { number, .. } => Some(*number),
            _ => None,
        })
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
}

#[test]
fn sub_heading_glued_to_a_bullet_stays_in_its_section() {
    let issue = parse(NUMBERED, "harbor.txt");
    let lead = &issue.sections[1];
    let kinds: Vec<Block> = blocks(lead);
    assert!(kinds.contains(&Block::SubHeading {
        text: "Bonus chart: Containers handled per month"
    }));
    assert!(kinds.contains(&Block::Caption {
        text: "Data: Port Authority; Chart: Harbor Notes Visuals"
    }));
    assert!(kinds.contains(&Block::Labelled {
        label: "But, but, but",
        text: "Neighbours worry about the noise at night."
    }));
    assert_eq!(
        blocks(lead).first(),
        Some(&Block::Caption {
            text: "Illustration: Tomas Weir/Harbor Notes"
        })
    );
}

#[test]
fn heading_glued_to_a_bullet_opens_a_section() {
    let issue = parse(NUMBERED, "harbor.txt");
    let fares = section(&issue, "Ferry fares rise for the first time in six years");
    assert_eq!(
        blocks(fares).last(),
        Some(&Block::Bullet {
            text: "Season passes keep their old price."
        })
    );
    let last = issue.sections.last().unwrap();
    assert_eq!(last.title, "1 lighthouse thing");
    assert!(
        matches!(&blocks(last)[0], Block::Caption { text } if text.ends_with("Photo: Arno Blum/Harbor Archive"))
    );
}

#[test]
fn sign_off_is_dropped_and_intro_kept() {
    let issue = parse(NUMBERED, "harbor.txt");
    let last = issue.sections.last().unwrap();
    assert_eq!(
        blocks(last).last().map(Block::text),
        Some("The paint came from a local shop, said the keeper.")
    );
    let intro = &issue.sections[0];
    assert_eq!(blocks(intro).len(), 3);
    assert!(matches!(blocks(intro)[1], Block::Bullet { .. }));
}

#[test]
fn list_item_colliding_with_the_next_section_number() {
    let text = "\
Weekly Greens

1 big thing: Tomatoes like warm nights

Plant them after the last frost, not before.

2. Catch up quick

1. Seed swaps return to the library in April. More here.

2. The allotment waiting list is down to a year. More here.

3. Compost bins are half price this week. More here.

3. Slugs, and what to do about them

Beer traps work, but so do early-morning walks with a torch.
";
    let issue = parse(text, "greens.txt");
    assert_eq!(
        titles(&issue),
        [
            "1 big thing: Tomatoes like warm nights",
            "Catch up quick",
            "Slugs, and what to do about them"
        ]
    );
    assert_eq!(blocks(&issue.sections[1]).len(), 3);
}

#[test]
fn a_list_of_short_items_is_not_a_run_of_sections() {
    let text = "\
1 big thing: What to pack

Three things never to forget:

1. Sunscreen
2. Water
3. A map

2. Where to go next

Somewhere with shade.
";
    let issue = parse(text, "pack.txt");
    assert_eq!(
        titles(&issue),
        ["1 big thing: What to pack", "Where to go next"]
    );
}

#[test]
fn all_caps_headers_and_hard_wrapped_paragraphs() {
    let text = "\
THE MORNING LEDGER
Tuesday, 5 March 2024

MARKETS

Shares in the big shipping groups rose for a third day on Monday as
freight rates kept climbing, and traders said the rally had further to
run if the canal stays closed.

- Oil was flat.
- The dollar slipped against the yen.

TECH & POLICY

A new rule on app stores takes effect in May. Developers will be able
to point buyers to cheaper payment options outside the store.
";
    let issue = parse(text, "ledger.txt");
    assert_eq!(issue.newsletter.as_deref(), Some("THE MORNING LEDGER"));
    assert_eq!(issue.date.as_deref(), Some("2024-03-05"));
    assert_eq!(titles(&issue), ["MARKETS", "TECH & POLICY"]);
    let markets = &issue.sections[0];
    assert_eq!(blocks(markets).len(), 3, "{:#?}", blocks(markets));
    assert!(blocks(markets)[0].text().starts_with("Shares in the big"));
    assert!(
        blocks(markets)[0]
            .text()
            .ends_with("if the canal stays closed.")
    );
}

#[test]
fn wrapped_bullets_without_a_hanging_indent() {
    let text = "\
NIGHT DESK

Two things happened after midnight, and both of them involved a crane,
a ferry and a harbour master who would rather have been asleep.

- The late ferry waited forty minutes for a crane to clear the quay
before it could dock.
- Nobody was hurt.
Short line after a short bullet.
";
    let issue = parse(text, "night.txt");
    let blocks = &blocks(&issue.sections[0]);
    assert_eq!(
        blocks[1],
        Block::Bullet {
            text: "The late ferry waited forty minutes for a crane to clear the quay before it could dock."
        }
    );
    assert_eq!(
        blocks[2],
        Block::Bullet {
            text: "Nobody was hurt."
        }
    );
    assert_eq!(blocks.len(), 4, "{blocks:#?}");
}

#[test]
fn setext_and_hash_headings() {
    let setext = "\
Field Notes
===========

The bees are back
-----------------

Hives on the roof woke up early this year.

Rain, finally
-------------

Two inches fell overnight.
";
    let issue = parse(setext, "field.txt");
    assert_eq!(issue.title, "Field Notes");
    assert_eq!(titles(&issue), ["The bees are back", "Rain, finally"]);

    let hashes = "# Sky Watch\n\n## Meteor shower peaks\n\nLook east after midnight.\n\n### Best spots\n\nAway from street lights.\n\n## A comet, maybe\n\nBinoculars help.\n";
    let issue = parse(hashes, "sky.md");
    assert_eq!(issue.title, "Sky Watch");
    // A deeper heading that owns text is a story of its own (the innermost
    // heading that owns text is the story).
    assert_eq!(
        titles(&issue),
        ["Meteor shower peaks", "Best spots", "A comet, maybe"]
    );
}

#[test]
fn rule_lines_separate_sections() {
    let text = "\
Corner Shop Weekly

Welcome to the weekly note from the shop on the corner of Elm Street.

----------
New this week

Fresh bread arrives on Tuesdays and Fridays now.

----------
Opening hours

We close early on the public holiday.
";
    let issue = parse(text, "shop.txt");
    assert_eq!(titles(&issue), ["Intro", "New this week", "Opening hours"]);
}

#[test]
fn no_sections_is_one_section() {
    let text = "Dear reader,\n\nNothing much happened this week.\n\nSee you soon.\n";
    let issue = parse(text, "letters/quiet-week.txt");
    assert_eq!(issue.sections.len(), 1);
    assert_eq!(blocks(&issue.sections[0]).len(), 3);
    assert_eq!(issue.sections[0].title, issue.title);
}

#[test]
fn crlf_and_bom_give_the_same_model() {
    let crlf = format!("\u{feff}{}", NUMBERED.replace('\n', "\r\n"));
    let a = parse(NUMBERED, "x.txt");
    let b = parse(&crlf, "x.txt");
    assert_eq!(a, b);
}

#[test]
fn ids_depend_on_content_not_path() {
    let a = parse(NUMBERED, "a/one.txt");
    let b = parse(NUMBERED, "b/two.txt");
    assert_eq!(a.id, b.id);
    assert_eq!(a.sections[1].id, b.sections[1].id);
    let c = parse(&NUMBERED.replace("cranes", "boats"), "a/one.txt");
    assert_ne!(a.id, c.id);
}

#[test]
fn labelled_paragraphs_and_paragraphs_ending_in_a_colon() {
    let text = "\
1 big thing: Labels

What they’re saying: “It is fine,” a spokesperson said.

The council listed three reasons for the delay:

  • Money.
";
    let issue = parse(text, "l.txt");
    let blocks = &blocks(&issue.sections[0]);
    assert_eq!(
        blocks[0],
        Block::Labelled {
            label: "What they’re saying",
            text: "“It is fine,” a spokesperson said."
        }
    );
    assert!(matches!(blocks[1], Block::Paragraph { .. }));
}

#[test]
fn control_sequences_never_reach_the_model() {
    let text =
        "1 big thing: Hi\u{1b}]0;owned\u{7}\n\nText \u{1b}[2J with \u{1b}[31mcolour\u{1b}[0m.\n";
    let issue = parse(text, "x.txt");
    let json = serde_json::to_string(&issue).unwrap();
    assert!(!json.contains('\u{1b}'));
    assert_eq!(blocks(&issue.sections[0])[0].text(), "Text  with colour.");
}

#[test]
fn empty_text_gives_one_empty_section() {
    let issue = parse("", "empty.txt");
    assert_eq!(issue.title, "empty");
    assert_eq!(issue.sections.len(), 1);
}

#[test]
fn reference_issue_when_present() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seeds/000_f9af52a6706a46f2.txt"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("reference issue not found at {path}; skipped");
        return;
    };
    let issue = parse(&text, "ref.txt");
    assert_eq!(issue.newsletter.as_deref(), Some("Axios China"));
    assert_eq!(issue.date.as_deref(), Some("2020-09-15"));
    assert_eq!(issue.author.as_deref(), Some("Bethany Allen-Ebrahimian"));
    let t = titles(&issue);
    assert_eq!(t.len(), 7, "{t:#?}");
    assert_eq!(t[0], "Intro");
    assert!(t[1].starts_with("1 big thing: "));
    assert_eq!(t[3], "Catch up quick");
    assert_eq!(t[6], "1 piano thing");
    let catch_up = &issue.sections[3];
    assert_eq!(blocks(catch_up).len(), 4);
    assert!(
        blocks(catch_up)
            .iter()
            .all(|b| matches!(b, Block::Numbered { .. }))
    );
    let lead = &issue.sections[1];
    assert!(
        blocks(lead)
            .iter()
            .any(|b| matches!(b, Block::SubHeading { text } if text.starts_with("Bonus chart")))
    );
    assert!(
        matches!(blocks(lead).last(), Some(Block::Labelled { label, .. }) if *label == "Why it matters")
    );
    let last = issue.sections.last().unwrap();
    assert!(
        matches!(blocks(last).last(), Some(Block::Labelled { label, .. }) if *label == "What he's saying")
    );
}

mod properties {
    use super::parse;
    use crate::model::Issue;
    use proptest::prelude::*;
    use std::collections::HashSet;

    const HEADER: &str = "Jan 2, 2024\nThe Test Letter\nBy Zed Quill\n\nThis long opening sentence ends the header of the issue, as a real intro does.\n\n";

    fn words(text: &str) -> impl Iterator<Item = String> + '_ {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().any(char::is_alphabetic))
            .map(str::to_lowercase)
    }

    fn output_words(issue: &Issue) -> HashSet<String> {
        let mut all = String::new();
        for field in [&issue.newsletter, &issue.author].into_iter().flatten() {
            all.push_str(field);
            all.push('\n');
        }
        all.push_str(&issue.title);
        for s in &issue.sections {
            all.push('\n');
            all.push_str(&s.title);
            all.push('\n');
            all.push_str(s.group.as_deref().unwrap_or(""));
            all.push('\n');
            all.push_str(&s.text());
        }
        words(&all).collect()
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{1,9}",
            "[A-Z][a-z]{0,8}",
            "[A-Z]{2,6}",
            Just("café".to_string()),
            Just("北京".to_string()),
            Just("naïve".to_string()),
            Just("don’t".to_string()),
            Just("👋".to_string()),
            "[0-9]{1,4}",
        ]
    }

    fn phrase(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(word(), 1..max).prop_map(|w| w.join(" "))
    }

    /// Lines in the shapes newsletters use, in any order.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(String::new()),
            phrase(30).prop_map(|p| format!("{p}.")),
            phrase(8),
            phrase(12).prop_map(|p| format!("  • {p}")),
            phrase(12).prop_map(|p| format!("- {p}")),
            (1u32..8, phrase(12)).prop_map(|(n, p)| format!("{n}. {p}")),
            (1u32..3, phrase(8)).prop_map(|(n, p)| format!("{n} big thing: {p}")),
            (phrase(3), phrase(20)).prop_map(|(l, p)| format!("{l}: {p}.")),
            phrase(6).prop_map(|p| format!("Photo: {p}")),
            phrase(4).prop_map(|p| p.to_uppercase()),
            phrase(6).prop_map(|p| format!("## {p}")),
            Just("-----".to_string()),
            Just("=====".to_string()),
            phrase(10).prop_map(|p| format!("> {p}")),
            Just("Zed".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            let issue = parse(&text, "any.txt");
            prop_assert!(!issue.sections.is_empty());
        }

        #[test]
        fn never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = crate::parse::parse_bytes(&bytes, "bytes.bin");
        }

        #[test]
        fn every_word_of_the_body_is_kept(lines in prop::collection::vec(line(), 0..40)) {
            let body = lines.join("\n");
            let issue = parse(&format!("{HEADER}{body}\nlast words here."), "p.txt");
            let kept = output_words(&issue);
            for w in words(&body) {
                prop_assert!(kept.contains(&w), "lost {w:?} from\n{body}\n=> {issue:#?}");
            }
            prop_assert_eq!(issue.newsletter.as_deref(), Some("The Test Letter"));
        }

        #[test]
        fn section_ids_are_unique(lines in prop::collection::vec(line(), 0..40)) {
            let issue = parse(&format!("{HEADER}{}", lines.join("\n")), "p.txt");
            let ids: HashSet<&str> = issue.sections.iter().map(|s| s.id.as_str()).collect();
            prop_assert_eq!(ids.len(), issue.sections.len());
        }
    }
}

#[test]
fn titles_framed_by_rule_characters_head_stories() {
    let text = "\
POND POST
Week of May 5, 2025

Hello, pond people.

=== Frogs ===

The frogs came back early this year, and louder.

=== Reeds ===

The reed bed was cut back on Tuesday by the volunteers.

*** Ducks ***

Two new ducklings were seen near the bridge on Sunday.
";
    let issue = parse(text, "pond.txt");
    assert_eq!(titles(&issue), ["Intro", "Frogs", "Reeds", "Ducks"]);
    // The masthead in capitals names the newsletter, over its dateline:
    // it is not a kicker heading the dateline as a story.
    assert_eq!(issue.newsletter.as_deref(), Some("POND POST"));
    assert_eq!(issue.date.as_deref(), Some("2025-05-05"));
}

#[test]
fn lines_software_frames_are_not_headings() {
    let text = "\
Hello list,

The release candidate is out; please test it this week.

-------------- next part --------------
An HTML attachment was scrubbed...

Thanks,
Ines
";
    let issue = parse(text, "list.txt");
    assert_eq!(issue.sections.len(), 1, "{:?}", titles(&issue));
    assert!(issue.sections[0].text().contains("next part"));
}

#[test]
fn a_forwarded_header_names_the_newsletter_not_an_author() {
    let text = "\
---------- Forwarded message ---------
From: Pond Post <post@pond.example>
Date: Mon, 5 May 2025 at 07:10
Subject: Pond Post: frogs and reeds
To: <me@example.org>

POND POST

=== Frogs ===

The frogs came back early this year, and louder.

=== Reeds ===

The reed bed was cut back on Tuesday by the volunteers.
";
    let issue = parse(text, "pond.txt");
    assert_eq!(issue.newsletter.as_deref(), Some("Pond Post"));
    assert_eq!(issue.author, None);
    assert_eq!(issue.title, "Pond Post: frogs and reeds");
    assert_eq!(issue.date.as_deref(), Some("2025-05-05"));
    assert_eq!(titles(&issue), ["Frogs", "Reeds"]);
    assert!(
        !issue
            .sections
            .iter()
            .any(|s| s.text().contains("me@example.org")),
        "the To line is header, not text"
    );
}
