use proptest::prelude::*;

use super::fold::fold;
use super::*;
use crate::model::{Block, Issue, Library, Section};

/// A story: title and paragraphs.
type Story<'a> = (&'a str, &'a [&'a str]);

fn issue(newsletter: Option<&str>, title: &str, stories: &[Story]) -> Issue {
    Issue {
        id: format!("id-{title}"),
        source: format!("test/{title}"),
        newsletter: newsletter.map(str::to_string),
        title: title.to_string(),
        date: None,
        author: None,
        sections: stories
            .iter()
            .enumerate()
            .map(|(i, (title, paragraphs))| {
                Section::new(
                    format!("s{i}"),
                    title.to_string(),
                    paragraphs.iter().map(|p| Block::Paragraph { text: p }),
                )
            })
            .collect(),
        url: None,
        guid: None,
    }
}

fn library(issues: Vec<Issue>) -> Library {
    Library {
        issues,
        errors: Vec::new(),
    }
}

/// (issue, section) of each hit, in order.
fn places(hits: &[Hit]) -> Vec<(usize, usize)> {
    hits.iter().map(|h| (h.issue, h.section)).collect()
}

fn space_library() -> Library {
    library(vec![
        issue(
            Some("Orbit Desk"),
            "September 3",
            &[
                (
                    "Small launchers race to reuse the upper stage",
                    &["Rockets land again."],
                ),
                (
                    "A Kyoto lab grows lettuce for lunar greenhouses",
                    &["Moon food."],
                ),
                (
                    "Comet refuses to fade",
                    &["Astronomers see a rocket-shaped tail."],
                ),
            ],
        ),
        issue(
            Some("Harbour Ledger"),
            "Port news",
            &[
                (
                    "Tram line extended",
                    &["The rocket of prices hit the harbour."],
                ),
                ("Crane strike ends", &["Dockworkers return."]),
            ],
        ),
    ])
}

#[test]
fn terms_split_fold_and_drop_empty() {
    assert_eq!(
        terms("  Rocket\tMOON  ÉCOLE "),
        vec!["rocket", "moon", "école"]
    );
    assert!(terms(" \t\n ").is_empty());
    assert_eq!(terms("İstanbul"), vec!["istanbul"]);
}

#[test]
fn len_counts_sections_across_issues() {
    let index = Index::new(&space_library());
    assert_eq!(index.len(), 5);
    assert!(!index.is_empty());
    let empty = Index::new(&library(vec![issue(None, "No stories", &[])]));
    assert_eq!(empty.len(), 0);
    assert!(empty.is_empty());
    assert!(Index::new(&Library::default()).is_empty());
    assert!(Index::default().query("a").is_empty());
}

#[test]
fn blank_query_gives_nothing() {
    let index = Index::new(&space_library());
    assert!(index.query("").is_empty());
    assert!(index.query("  \t ").is_empty());
}

#[test]
fn query_without_a_match_gives_nothing() {
    let index = Index::new(&space_library());
    assert!(index.query("zeppelin").is_empty());
    // one matching term is not enough
    assert!(index.query("rocket zeppelin").is_empty());
}

#[test]
fn every_term_must_match() {
    let index = Index::new(&space_library());
    // "rocket" is in three stories' text, "comet" in one title
    assert_eq!(places(&index.query("rocket")).len(), 3);
    assert_eq!(places(&index.query("rocket comet")), vec![(0, 2)]);
    // a term may match via the newsletter name: all of Harbour Ledger's stories
    // have "harbour", only one has "rocket"
    assert_eq!(places(&index.query("harbour rocket")), vec![(1, 0)]);
}

#[test]
fn title_match_beats_body_only_match() {
    let lib = library(vec![issue(
        None,
        "Issue",
        &[
            (
                "Markets",
                &["The piano maker's shares rose. Piano piano piano piano."],
            ),
            ("A steinway piano sold", &["Auction news."]),
        ],
    )]);
    let hits = Index::new(&lib).query("piano");
    assert_eq!(places(&hits), vec![(0, 1), (0, 0)]);
    assert!(hits[0].score > hits[1].score);
}

#[test]
fn section_title_beats_newsletter_name() {
    let lib = library(vec![issue(
        Some("Orbit Desk"),
        "Issue 1",
        &[("Weather", &["Rain."]), ("Orbit of a comet", &["Tails."])],
    )]);
    assert_eq!(
        places(&Index::new(&lib).query("orbit")),
        vec![(0, 1), (0, 0)]
    );
}

#[test]
fn contiguous_match_beats_scattered_one() {
    let lib = library(vec![issue(
        None,
        "Issue",
        &[
            // t-h-e-n picked out of word starts: accepted, but weaker
            ("The new deal", &[]),
            ("Trade talks strengthened", &[]),
        ],
    )]);
    let hits = Index::new(&lib).query("then");
    assert_eq!(places(&hits), vec![(0, 1), (0, 0)]);
}

#[test]
fn scattered_letters_do_not_match() {
    let lib = library(vec![issue(
        None,
        "Issue",
        &[
            ("Happiness and nothing else", &["Calm."]),
            ("The pi day anniversary of Ohio", &["Numbers."]),
            ("A new piano hall", &["Music."]),
        ],
    )]);
    assert_eq!(places(&Index::new(&lib).query("piano")), vec![(0, 2)]);
}

#[test]
fn ties_keep_library_order() {
    let story: Story = ("Rocket news", &["Text."]);
    let lib = library(vec![
        issue(None, "A", &[story, ("Other", &[]), story]),
        issue(None, "B", &[story]),
    ]);
    let hits = Index::new(&lib).query("rocket");
    assert_eq!(places(&hits), vec![(0, 0), (0, 2), (1, 0)]);
    assert!(hits.iter().all(|h| h.score == hits[0].score));
}

#[test]
fn multi_term_scores_add_up() {
    let lib = library(vec![issue(
        None,
        "Issue",
        &[
            ("Rocket launch", &["Delayed by weather."]),
            ("Rocket launch", &["On time."]),
        ],
    )]);
    let index = Index::new(&lib);
    let both = index.query("rocket weather");
    assert_eq!(places(&both), vec![(0, 0)]);
    let one = index.query("rocket");
    assert!(both[0].score > one[0].score);
    // term order does not matter
    assert_eq!(index.query("weather rocket"), both);
}

#[test]
fn non_ascii_text_matches_case_insensitively() {
    let lib = library(vec![
        issue(
            Some("Le Journal"),
            "Numéro 1",
            &[("L'ÉCOLE rouvre", &["Les élèves reviennent."])],
        ),
        issue(
            None,
            "東京ニュース",
            &[
                ("天気予報", &["明日は雨です。"]),
                ("İstanbul'da trafik", &["Köprü kapalı."]),
            ],
        ),
    ]);
    let index = Index::new(&lib);
    assert_eq!(places(&index.query("école")), vec![(0, 0)]);
    assert_eq!(places(&index.query("ÉLÈVES")), vec![(0, 0)]);
    assert_eq!(places(&index.query("numéro")), vec![(0, 0)]);
    assert_eq!(places(&index.query("天気")), vec![(1, 0)]);
    assert_eq!(places(&index.query("雨")), vec![(1, 0)]);
    assert_eq!(places(&index.query("東京")), vec![(1, 0), (1, 1)]);
    assert_eq!(places(&index.query("istanbul")), vec![(1, 1)]);
    assert_eq!(places(&index.query("İSTANBUL KÖPRÜ")), vec![(1, 1)]);
}

#[test]
fn labels_and_numbers_are_searchable_text() {
    let lib = library(vec![Issue {
        sections: vec![Section::new(
            "s".into(),
            "Story".into(),
            vec![
                Block::Labelled {
                    label: "Why it matters",
                    text: "Because.",
                },
                Block::Numbered {
                    number: 42,
                    text: "Answer.",
                },
            ],
        )],
        ..issue(None, "Issue", &[])
    }]);
    let index = Index::new(&lib);
    assert_eq!(index.query("matters").len(), 1);
    assert_eq!(index.query("42.").len(), 1);
    // blocks do not run together
    assert!(index.query("because.42").is_empty());
}

#[test]
fn query_terms_agrees_with_query() {
    let index = Index::new(&space_library());
    let query = "ROCKET  comet";
    assert_eq!(index.query_terms(&terms(query)), index.query(query));
    let raw = vec!["ROCKET".to_string(), String::new(), "Comet".to_string()];
    assert_eq!(index.query_terms(&raw), index.query(query));
    assert!(index.query_terms(&[]).is_empty());
}

#[test]
fn index_can_be_shared_with_a_worker_thread() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Index>();
    let index = std::sync::Arc::new(Index::new(&space_library()));
    let worker = {
        let index = std::sync::Arc::clone(&index);
        std::thread::spawn(move || index.query("rocket").len())
    };
    assert_eq!(worker.join().ok(), Some(3));
}

// ---- properties ----

/// Small alphabets so that terms often match, with characters whose folds
/// change byte length.
const TEXT: &str = "[abcé İȺΣς東 ]{0,16}|\\PC{0,16}";
const QUERY: &str = "[abcéİȺΣς東 ]{0,8}";

fn arb_library() -> impl Strategy<Value = Library> {
    let section = (TEXT, prop::collection::vec(TEXT, 0..3));
    let issue = (
        prop::option::of(TEXT),
        TEXT,
        prop::collection::vec(section, 0..4),
    );
    prop::collection::vec(issue, 0..4).prop_map(|issues| {
        library(
            issues
                .into_iter()
                .map(|(newsletter, title, sections)| Issue {
                    id: String::new(),
                    source: String::new(),
                    newsletter,
                    title,
                    date: None,
                    author: None,
                    sections: sections
                        .into_iter()
                        .map(|(title, paragraphs)| {
                            Section::new(
                                String::new(),
                                title,
                                paragraphs.iter().map(|text| Block::Paragraph { text }),
                            )
                        })
                        .collect(),
                    url: None,
                    guid: None,
                })
                .collect(),
        )
    })
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|n| rest.any(|h| h == n))
}

proptest! {
    #[test]
    fn query_results_are_sound(lib in arb_library(), query in QUERY) {
        let index = Index::new(&lib);
        let total: usize = lib.issues.iter().map(|i| i.sections.len()).sum();
        prop_assert_eq!(index.len(), total);

        let hits = index.query(&query);
        let terms = terms(&query);
        prop_assert!(hits.len() <= total);
        let mut seen = std::collections::HashSet::new();
        for hit in &hits {
            let issue = &lib.issues[hit.issue];
            let section = &issue.sections[hit.section];
            prop_assert!(seen.insert((hit.issue, hit.section)), "duplicate {:?}", hit);
            // every term really is in one of the names or the story text
            let names = [
                fold(&section.title),
                fold(&issue.title),
                fold(issue.newsletter.as_deref().unwrap_or("")),
            ];
            let body = fold(&section.text());
            for term in &terms {
                prop_assert!(
                    names.iter().any(|n| is_subsequence(term, n)) || body.contains(term.as_str()),
                    "{:?} does not match {:?}", term, section
                );
            }
        }
        for pair in hits.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            prop_assert!(
                a.score > b.score || (a.score == b.score && (a.issue, a.section) < (b.issue, b.section)),
                "out of order: {:?} then {:?}", a, b
            );
        }
        // and nothing is lost: a story whose title or text holds every term is listed
        for (i, issue) in lib.issues.iter().enumerate() {
            for (s, section) in issue.sections.iter().enumerate() {
                let title = fold(&section.title);
                let body = fold(&section.text());
                let obvious = !terms.is_empty()
                    && terms.iter().all(|t| title.contains(t.as_str()) || body.contains(t.as_str()));
                if obvious {
                    prop_assert!(seen.contains(&(i, s)), "missing {:?} for {:?}", section, terms);
                }
            }
        }
    }

    #[test]
    fn keyword_ranges_are_whole_chars_holding_a_term(
        text in "\\PC{0,40}|[abİȺΣς東K ]{0,30}",
        query in "[abİıȺⱥσΣς東k ]{0,6}",
    ) {
        let terms = terms(&query);
        let ranges = keyword_ranges(&text, &terms);
        for r in &ranges {
            prop_assert!(r.start < r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let lit = fold(&text[r.clone()]);
            prop_assert!(terms.iter().any(|t| lit.contains(t.as_str())), "{:?} in {:?}", r, text);
        }
        for pair in ranges.windows(2) {
            prop_assert!(pair[0].end < pair[1].start, "{:?}", ranges);
        }
        let folded = fold(&text);
        let any_term = terms.iter().any(|t| folded.contains(t.as_str()));
        prop_assert_eq!(any_term, !ranges.is_empty());
    }

    #[test]
    fn fuzzy_indices_are_sorted_char_indices(
        text in "\\PC{0,40}|[abİȺΣς東K ]{0,30}",
        query in "[abİȺΣς東k ]{0,6}",
    ) {
        let terms = terms(&query);
        let indices = fuzzy_indices(&text, &terms);
        let chars = text.chars().count();
        prop_assert!(indices.iter().all(|&i| i < chars));
        prop_assert!(indices.windows(2).all(|w| w[0] < w[1]));
        // a term held verbatim is always lit
        let folded = fold(&text);
        if terms.iter().any(|t| folded.contains(t.as_str())) {
            prop_assert!(!indices.is_empty());
        }
    }
}

/// A key typed into the filter bar: a char, or backspace (`None`).
fn arb_keys() -> impl Strategy<Value = Vec<Option<char>>> {
    let key = prop_oneof![
        3 => prop::sample::select(vec!['a', 'b', 'c', 'é', 'İ', 'Ⱥ', 'Σ', 'ς', '東', ' ']).prop_map(Some),
        1 => Just(None),
    ];
    prop::collection::vec(key, 0..24)
}

proptest! {
    #[test]
    fn searcher_agrees_with_query_while_typing(lib in arb_library(), keys in arb_keys()) {
        let index = std::sync::Arc::new(Index::new(&lib));
        let mut searcher = Searcher::new(std::sync::Arc::clone(&index));
        let mut query = String::new();
        for key in keys {
            match key {
                Some(c) => query.push(c),
                None => {
                    query.pop();
                }
            }
            let hits = searcher.search(&query);
            prop_assert_eq!(&*hits, &index.query(&query), "query {:?}", query);
        }
    }
}

#[test]
fn searcher_narrows_and_remembers() {
    // "then" matches "The new deal" scattered (accepted) but "thn" is not
    // contiguous there and scores too low: the hits are not monotonic, and
    // the searcher must not narrow on them.
    let lib = library(vec![issue(
        None,
        "Issue",
        &[
            ("The new deal", &[]),
            ("Trade talks strengthened", &[]),
            ("Thin ice", &["The new rules."]),
        ],
    )]);
    let index = std::sync::Arc::new(Index::new(&lib));
    let mut searcher = Searcher::new(std::sync::Arc::clone(&index));
    for query in ["t", "th", "thn", "then", "the", "th", "then d", "then"] {
        assert_eq!(*searcher.search(query), index.query(query), "{query}");
    }
    // a remembered query comes back as the same shared result
    let first = searcher.search("then");
    let again = searcher.search("then ");
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    assert!(searcher.search("   ").is_empty());
    // and it can live on a worker thread
    fn send<T: Send>() {}
    send::<Searcher>();
}

#[test]
fn heap_bytes_cover_the_text() {
    let lib = space_library();
    let index = Index::new(&lib);
    let text: usize = lib
        .issues
        .iter()
        .flat_map(|i| &i.sections)
        .map(|s| s.text().len() + s.title.len())
        .sum();
    assert!(
        index.heap_bytes() >= text,
        "{} < {text}",
        index.heap_bytes()
    );
    assert!(index.heap_bytes() > Index::default().heap_bytes());
}

/// Issues "Issue 0", "Issue 1", ... of `per` (title, one-block body)
/// stories each, issue `n` from newsletter `newsletter(n)`.
fn issues_of(
    stories: &[(String, String)],
    per: usize,
    newsletter: impl Fn(usize) -> &'static str,
) -> Vec<Issue> {
    stories
        .chunks(per)
        .enumerate()
        .map(|(n, chunk)| {
            let stories: Vec<(&str, Vec<&str>)> = chunk
                .iter()
                .map(|(t, b)| (t.as_str(), vec![b.as_str()]))
                .collect();
            let stories: Vec<Story> = stories.iter().map(|(t, b)| (*t, b.as_slice())).collect();
            issue(Some(newsletter(n)), &format!("Issue {n}"), &stories)
        })
        .collect()
}

#[test]
fn a_library_big_enough_to_build_on_two_threads_gives_the_same_results() {
    // Past the parallel threshold, with names repeated across both halves.
    let stories: Vec<(String, String)> = (0..5000)
        .map(|i| {
            (
                format!("Story {i} about {}", ["rockets", "ports", "chips"][i % 3]),
                format!("Body {i} mentions {}", ["tariffs", "ferries"][i % 2]),
            )
        })
        .collect();
    let issues = issues_of(&stories, 7, |n| ["Orbit Desk", "Metro Wire"][n % 2]);
    let lib = library(issues);
    let index = Index::new(&lib);
    assert_eq!(index.len(), 5000);
    // every story found by its own unique title and number
    for i in [0, 1, 2499, 2500, 2501, 4999] {
        let hits = index.query(&format!("story {i} body {i}"));
        let found: Vec<String> = hits
            .iter()
            .filter(|h| h.score > 0)
            .map(|h| lib.issues[h.issue].sections[h.section].title.clone())
            .collect();
        assert!(found.contains(&stories[i].0), "{i}: {found:?}");
    }
    assert_eq!(index.query("tariffs").len(), 2500);
    let metro: usize = lib
        .issues
        .iter()
        .filter(|i| i.newsletter.as_deref() == Some("Metro Wire"))
        .map(|i| i.sections.len())
        .sum();
    assert_eq!(index.query("metro wire").len(), metro);
    // chips: i % 3 == 2; ferries: i % 2 == 1
    let both = (0..5000).filter(|i| i % 6 == 5).count();
    assert_eq!(index.query("chips ferries").len(), both);
}

#[test]
fn keeping_the_best_hits_gives_the_start_of_the_whole_list() {
    // Many equal scores across both threads' halves: the best few are the
    // whole list's first, ties in library order, and the count is all.
    let stories: Vec<(String, String)> = (0..5000)
        .map(|i| {
            let title = ["Rockets rising", "Ports at dawn", "Chips and rockets"][i % 3];
            let body = "rockets ".repeat(1 + i % 7);
            (format!("{title} {}", i % 11), body)
        })
        .collect();
    let issues = issues_of(&stories, 5, |_| "Orbit Desk");
    let lib = library(issues);
    let small = library(lib.issues[..40].to_vec());
    for lib in [&lib, &small] {
        let names = Index::new(lib).names_only();
        // How often each story's text holds a term, as the database gives it.
        let text = |term: &str| -> StoryCounts {
            lib.issues
                .iter()
                .flat_map(|i| &i.sections)
                .map(|s| s.body().matches(term).take(5).count() as u8)
                .collect()
        };
        for query in ["rockets", "ports", "chips rockets", "ro", "zzz"] {
            let whole = names.query_terms_with(&terms(query), &mut |t| text(t));
            // The whole list itself: best first, ties in library order.
            assert!(
                whole.windows(2).all(
                    |w| (std::cmp::Reverse(w[0].score), w[0].issue, w[0].section)
                        < (std::cmp::Reverse(w[1].score), w[1].issue, w[1].section)
                ),
                "{query}: not in order"
            );
            for keep in [0, 1, 3, 50, 4999, 10_000] {
                let (best, matched) = names.best_with(&terms(query), &mut |t| text(t), Some(keep));
                assert!(best == whole[..keep.min(whole.len())], "{query} {keep}");
                assert_eq!(matched, whole.len(), "{query} {keep}");
            }
            assert!(
                query == "zzz" || whole.windows(2).any(|w| w[0].score == w[1].score),
                "{query}: ties to keep in order"
            );
        }
    }
}

#[test]
fn bundled_seeds_rank_the_story_about_it_first() {
    let lib = crate::library::bundled();
    let index = Index::new(&lib);
    assert_eq!(
        index.len(),
        lib.issues.iter().map(|i| i.sections.len()).sum::<usize>()
    );
    for query in ["lettuce", "Filter"] {
        let hits = index.query(query);
        let top = hits
            .first()
            .map(|h| &lib.issues[h.issue].sections[h.section].title);
        let top = top.map(|t| t.to_lowercase()).unwrap_or_default();
        assert!(top.contains(&query.to_lowercase()), "{query}: {top:?}");
        assert!(
            hits.len() > 1,
            "{query}: body mentions should be listed too"
        );
    }
}

/// `items` in an order drawn from `seed` (Fisher-Yates on xorshift).
fn shuffled<T>(mut items: Vec<T>, mut seed: u64) -> Vec<T> {
    seed |= 1;
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    items
}

proptest! {
    // The library database brings its stored names up to date from the
    // issues added and gone; that index must answer every query as one
    // built anew over the same issues, also when done again and again
    // (the names no issue uses are dropped on the way).
    #[test]
    fn a_reassembled_index_answers_as_one_built_anew(
        old in arb_library(),
        added in arb_library(),
        more in arb_library(),
        keep in prop::collection::vec(any::<bool>(), 8),
        seeds in (any::<u64>(), any::<u64>()),
        query in QUERY,
    ) {
        use crate::search::Piece;
        let names_only = |issues: &[Issue], query: &str| {
            Index::new(&library(issues.to_vec()))
                .names_only()
                .query_terms_with(&terms(query), &mut |_| Vec::new())
        };
        let mut current: Vec<Issue> = old.issues.clone();
        let mut index = Index::new(&old).names_only();
        for (batch, seed) in [(&added, seeds.0), (&more, seeds.1)] {
            let mut pieces: Vec<Piece> = (0..current.len())
                .filter(|&i| keep[i % keep.len()] || i % 3 == 0)
                .map(|i| Piece::Kept(i as u32))
                .collect();
            pieces.extend((0..batch.issues.len()).map(Piece::Added));
            let pieces = shuffled(pieces, seed);
            let next: Vec<Issue> = pieces
                .iter()
                .map(|p| match *p {
                    Piece::Kept(i) => current[i as usize].clone(),
                    Piece::Added(k) => batch.issues[k].clone(),
                })
                .collect();
            index = index.reassembled(&pieces, &batch.issues);
            current = next;
            prop_assert_eq!(index.len(), Index::new(&library(current.clone())).len());
            let ours = index
                .query_terms_with(&terms(&query), &mut |_| Vec::new());
            prop_assert_eq!(ours, names_only(&current, &query), "query {:?}", query);
        }
    }
}

#[test]
fn a_text_search_that_fails_leaves_the_names_matching_and_never_hangs() {
    // The text is searched on a thread of its own while the names are
    // scored; a panic there must not leave the scoring waiting.
    struct Broken;
    impl TextCounts for Broken {
        fn counts(&mut self, _: &str) -> StoryCounts {
            panic!("the database went away");
        }
    }
    let index = std::sync::Arc::new(Index::new(&space_library()).names_only());
    let mut searcher = Searcher::with_text(std::sync::Arc::clone(&index), Box::new(Broken));
    let hits = searcher.search("orbit");
    assert!(!hits.is_empty());
    let names = index.query_terms_with(&terms("orbit"), &mut |_| Vec::new());
    assert_eq!(*hits, names);
}
