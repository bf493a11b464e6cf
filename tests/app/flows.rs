//! The flows of issue 12 as pure `update` tests: each names the bug or the
//! friction it pins down. The same flows run in a real terminal in
//! tests/e2e/flows.rs.

use crate::fixture::{self, said};

use nlread::app::{
    Action, App, Edit, Effect, Focus, Loaded, Origin, Overlay, Problem, Progress, StateLoaded,
    Status, update, update_now,
};
use nlread::model::{Block, Issue, Library, Query, ReadingState, Section};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app_at(width: u16, height: u16) -> App {
    app_on(fixture::library(), width, height)
}

fn app_on(library: Library, width: u16, height: u16) -> App {
    let mut app = App::new(library, "Reading 3 files.");
    app.no_color = true;
    update_now(&mut app, Action::Resize { width, height });
    app
}

fn apply(app: &mut App, actions: &[Action]) {
    for a in actions {
        update_now(app, a.clone());
    }
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update_now(app, Action::FilterInput(c));
    }
}

fn shown_title(app: &App) -> String {
    app.shown_section()
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

/// The screen as text, one line per row.
fn screen(app: &App) -> Vec<String> {
    let (w, h) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|frame| nlread::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

fn status_line(app: &App) -> String {
    screen(app).last().cloned().unwrap_or_default()
}

// ---- bug 1: clearing the filter keeps the story found ----------------

#[test]
fn leaving_the_filter_keeps_the_found_story_selected_and_on_screen() {
    let mut app = app_at(120, 35);
    // /digital, Enter, Enter, Esc, Esc: the story is in the second issue.
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "digital");
    apply(&mut app, &[Action::FilterSubmit, Action::Open]);
    assert_eq!(app.focus(), Focus::Story);
    assert_eq!(shown_title(&app), "Digital pianos get cheaper");
    apply(&mut app, &[Action::Escape, Action::Escape]);
    assert!(!app.filtering());
    assert_eq!(app.focus(), Focus::Sections);
    assert_eq!((app.issue(), app.section()), (1, 1), "its issue and place");
    assert_eq!(shown_title(&app), "Digital pianos get cheaper");
}

#[test]
fn leaving_the_filter_keeps_the_place_in_the_story() {
    let mut app = app_at(80, 24);
    // A word deep in a long story: it opens at the word; leaving the
    // filter leaves the reader there.
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "w700");
    apply(&mut app, &[Action::FilterSubmit]);
    let scroll = app.scroll();
    assert!(scroll > 0, "opened at the word");
    apply(&mut app, &[Action::Escape]);
    assert!(!app.filtering());
    assert_eq!(shown_title(&app), "The chip race");
    assert_eq!(app.scroll(), scroll, "the same place");
}

#[test]
fn h_into_issues_selects_the_found_storys_issue_and_enter_says_the_filter_goes() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "digital");
    apply(&mut app, &[Action::FilterSubmit, Action::Left]);
    assert_eq!(app.focus(), Focus::Issues);
    assert_eq!(app.issue(), 1, "the found story's issue");
    assert!(app.filtering(), "moving does not drop the filter");
    apply(&mut app, &[Action::Open]);
    assert!(!app.filtering());
    assert_eq!(
        app.status(),
        Some(&Status::FilterCleared),
        "said, not silent"
    );
    assert_eq!(app.focus(), Focus::Sections);
    assert_eq!((app.issue(), app.section()), (1, 1), "the found story");
    assert_eq!(shown_title(&app), "Digital pianos get cheaper");
}

// ---- bug 2: / starts a new query; the bar edits like a shell line ---

#[test]
fn slash_starts_a_new_query_and_up_brings_the_old_one_back() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "piano");
    apply(&mut app, &[Action::FilterSubmit, Action::FocusFilter]);
    assert_eq!(app.query(), "", "a new query, not 'piano' and more");
    typed(&mut app, "rates");
    assert_eq!(app.query(), "rates");
    apply(&mut app, &[Action::FilterEdit(Edit::Older)]);
    assert_eq!(app.query(), "piano");
    assert!(
        app.filtering() && !app.results().is_empty(),
        "searched again"
    );
    apply(&mut app, &[Action::FilterEdit(Edit::Newer)]);
    assert_eq!(app.query(), "rates", "what was typed comes back");
}

#[test]
fn the_filter_bar_edits_like_a_shell_line() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "rates hold");
    let edit = |app: &mut App, e: Edit| {
        update_now(app, Action::FilterEdit(e));
    };
    edit(&mut app, Edit::KillWord);
    assert_eq!(app.query(), "rates ");
    edit(&mut app, Edit::Home);
    typed(&mut app, "x");
    assert_eq!((app.query(), app.filter().caret()), ("xrates ", 1));
    edit(&mut app, Edit::Backspace);
    edit(&mut app, Edit::End);
    edit(&mut app, Edit::Left);
    edit(&mut app, Edit::Left);
    edit(&mut app, Edit::Delete);
    assert_eq!(app.query(), "rate ");
    edit(&mut app, Edit::Right);
    edit(&mut app, Edit::KillLine);
    assert_eq!(app.query(), "");
    assert_eq!(
        app.focus(),
        Focus::Filter,
        "Ctrl-U empties, it does not leave"
    );
    edit(&mut app, Edit::Backspace);
    assert_eq!(app.focus(), Focus::Issues, "Backspace on nothing leaves");
}

#[test]
fn queries_are_saved_and_come_back_next_run() {
    let mut app = app_at(120, 35);
    app.settings.save_state = true;
    update(&mut app, Action::StateLoaded(Box::default()));
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "piano");
    let mut saved = Vec::new();
    for effect in [
        update_now(&mut app, Action::FilterSubmit),
        update_now(&mut app, Action::Down),
    ] {
        if let Effect::Save(changes) = effect {
            saved.extend(changes.queries);
        }
    }
    assert_eq!(
        saved.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(),
        ["piano"]
    );

    // The next run reads them back from the state file.
    let mut next = app_at(120, 35);
    let mut state = ReadingState::new();
    state.queries = vec![Query {
        text: "bergen".into(),
        at: 5,
    }];
    update(
        &mut next,
        Action::StateLoaded(Box::new(StateLoaded {
            state,
            warnings: Vec::new(),
        })),
    );
    apply(
        &mut next,
        &[Action::FocusFilter, Action::FilterEdit(Edit::Older)],
    );
    assert_eq!(next.query(), "bergen");
}

// ---- bug 3: a story found by a word in its text opens at the word ----

#[test]
fn a_story_found_by_a_word_deep_in_its_text_opens_at_that_word() {
    let mut app = app_at(80, 24);
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "w700");
    assert_eq!(shown_title(&app), "The chip race");
    let (_, rows) = app.story_size();
    let at = app.story_view().current_match().expect("a match gone to");
    assert!(app.story_lines()[at].text().contains("w700"));
    assert!(
        (app.scroll()..app.scroll() + rows).contains(&at),
        "the match is on screen: line {at}, scroll {}",
        app.scroll()
    );
    assert!(app.scroll() > 0, "not at the top");
    // Drawn highlighted.
    let rows = screen(&app);
    assert!(rows.iter().any(|r| r.contains("w700")), "{rows:#?}");
}

#[test]
fn next_and_previous_match_move_through_the_story() {
    let mut app = app_at(80, 24);
    apply(&mut app, &[Action::FocusFilter]);
    // w77 and w770 to w779: in two paragraphs of the long story.
    typed(&mut app, "w77");
    apply(&mut app, &[Action::FilterSubmit, Action::Open]);
    let matches = app.story_view().matches().to_vec();
    assert!(matches.len() >= 2, "{matches:?}");
    let first = app.story_view().current_match();
    assert_eq!(first, Some(matches[0]));
    apply(&mut app, &[Action::NextMatch]);
    assert_eq!(app.story_view().current_match(), Some(matches[1]));
    let n = matches.len();
    assert_eq!(app.status(), Some(&Status::Match { n: 2, of: n }));
    apply(&mut app, &[Action::PrevMatch]);
    assert_eq!(app.story_view().current_match(), Some(matches[0]));
    // Without a filter there is nothing to go to, and it says so.
    apply(
        &mut app,
        &[Action::Escape, Action::Escape, Action::NextMatch],
    );
    assert_eq!(app.status(), Some(&Status::NoMatches));
}

// ---- bug 4: load problems are kept, listed and counted ----------------

#[test]
fn every_problem_is_kept_listed_and_counted_after_any_key() {
    let mut app = App::loading();
    app.no_color = true;
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 35,
        },
    );
    // The watcher fails first, then the library arrives with two errors.
    update(
        &mut app,
        Action::Problem(Problem::NotWatching("No path was found".into())),
    );
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded::new(
            fixture::library_with_errors(),
            "Reading.",
        ))),
    );
    assert_eq!(app.problem_count(), 3);
    apply(&mut app, &[Action::Down, Action::Up, Action::Open]);
    assert!(
        status_line(&app).contains("3 problems: ! lists them"),
        "{}",
        status_line(&app)
    );
    apply(&mut app, &[Action::ShowMessages]);
    assert!(matches!(app.overlay(), Overlay::Messages { .. }));
    let text = screen(&app).join("\n");
    for part in [
        "first.txt: the file is empty",
        "photo.png: this looks like a binary file",
        "cannot be watched: No path was found",
    ] {
        assert!(text.contains(part), "{part:?} missing:\n{text}");
    }
    apply(&mut app, &[Action::Escape]);
    assert_eq!(app.overlay(), Overlay::None);
}

// ---- bug 7: n with a filter on -----------------------------------------

#[test]
fn n_in_a_filtered_list_says_unread_stories_are_outside_it() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    typed(&mut app, "piano");
    apply(&mut app, &[Action::FilterSubmit]);
    assert_eq!(app.results().len(), 2);
    apply(
        &mut app,
        &[Action::ToggleRead, Action::Down, Action::ToggleRead],
    );
    assert_eq!(app.unread_total(), 4);
    apply(&mut app, &[Action::NextUnread]);
    assert_eq!(app.status(), Some(&Status::NoUnreadListed { elsewhere: 4 }));
    let said = said(&app).unwrap_or_default();
    assert!(!said.contains("No unread stories left"), "{said}");
    assert!(said.contains("4 unread stories outside it"), "{said}");
}

// ---- bug 8: counts ---------------------------------------------------------

#[test]
fn the_issue_list_counts_issues_and_left_stories_in_a_column() {
    let mut long = fixture::library();
    long.issues[0].title =
        "Markets wobble as rates hold and the central bank says it will wait for spring".into();
    let mut app = app_on(long, 120, 35);
    let top = screen(&app)[0].clone();
    assert!(top.contains("Issues 3 · 3 unread"), "{top}");
    // Read one story of the first issue: two are left in it.
    apply(&mut app, &[Action::Open, Action::ToggleRead]);
    let rows = screen(&app);
    let row = &rows[1];
    assert!(row.contains("N  2 2024-03-04 Markets wobble"), "{row}");
    // The date column lines up whatever the count.
    assert!(rows[2].contains("N    2024-03-02 Chips"), "{}", rows[2]);
    // Reading the letters issue: one issue less is unread.
    apply(
        &mut app,
        &[
            Action::Left,
            Action::Bottom,
            Action::Open,
            Action::ToggleRead,
        ],
    );
    assert!(
        screen(&app)[0].contains("Issues 3 · 2 unread"),
        "{}",
        screen(&app)[0]
    );
}

#[test]
fn at_120x35_the_issue_s_whole_title_newsletter_date_and_author_are_on_screen() {
    let mut library = fixture::library();
    let title = "Tencent's big week: a new chip plant, a game licence and three regulators asking questions";
    library.issues[0].title = title.into();
    library.issues[0].author = Some("Bethany Allen-Ebrahimian".into());
    let app = app_on(library, 120, 35);
    let rows = screen(&app);
    // The story pane: what is right of the second list.
    let story: Vec<String> = rows
        .iter()
        .map(|r| r.chars().skip(66).collect::<String>())
        .collect();
    let text = story.join(" ");
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    // Wrapped, every word of them is there.
    for word in words(title).into_iter().chain(words(
        "Morning Brief · 2024-03-04 · Bethany Allen-Ebrahimian",
    )) {
        assert!(
            text.contains(&word),
            "{word:?} not in the story pane:\n{}",
            story.join("\n")
        );
    }
}

#[test]
fn an_empty_query_shows_no_match_count() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::FocusFilter]);
    let bar = screen(&app)[33].clone();
    assert!(!bar.contains(" of "), "{bar}");
    typed(&mut app, "piano");
    assert!(screen(&app)[33].contains("2 of 6"));
}

#[test]
fn a_first_issue_replacing_the_samples_is_one_new_issue() {
    let mut app = App::loading();
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded::new(
            nlread::library::bundled(),
            Origin {
                said: "3 sample issues (bundled)".into(),
                samples: true,
            },
        ))),
    );
    let mut own = fixture::library();
    own.issues.truncate(1);
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded::new(own, "1 issue from ~/library"))),
    );
    assert_eq!(said(&app).as_deref(), Some("1 new issue"));
}

// ---- bug 9: paging from the story list reads the story ---------------

#[test]
fn paging_to_the_end_from_the_story_list_marks_the_story_read() {
    let mut app = app_at(80, 24);
    apply(&mut app, &[Action::Down, Action::Open]);
    assert_eq!(app.focus(), Focus::Sections);
    assert_eq!(shown_title(&app), "The chip race");
    let total = app.story_lines().len();
    let (_, rows) = app.story_size();
    while app.scroll() + rows < total {
        apply(&mut app, &[Action::PageDown]);
    }
    assert!(app.is_read(1, 0), "paged to its end from the list");
}

// ---- bug 11: o opens the issue's web page ----------------------------

fn library_with_a_page() -> Library {
    let mut library = fixture::library();
    library.issues[2].url = Some("https://letters.example/issue/3".into());
    library
}

#[test]
fn o_opens_the_issues_web_page_when_no_link_is_selected() {
    let mut app = app_on(library_with_a_page(), 120, 35);
    apply(&mut app, &[Action::Bottom, Action::Open, Action::Open]);
    assert_eq!(shown_title(&app), "Your letters");
    assert_eq!(
        update_now(&mut app, Action::OpenLink),
        Effect::OpenLink("https://letters.example/issue/3".into())
    );
    assert_eq!(
        said(&app).as_deref(),
        Some("Opened the issue's page on letters.example")
    );
    // An issue without a page and a story without links: nothing to open.
    apply(
        &mut app,
        &[Action::Escape, Action::Left, Action::Top, Action::Open],
    );
    apply(&mut app, &[Action::Open]);
    assert_eq!(update_now(&mut app, Action::OpenLink), Effect::None);
    assert_eq!(app.status(), Some(&Status::NoLinks));
}

// ---- friction ------------------------------------------------------------

#[test]
fn space_at_the_end_of_a_story_goes_on_to_the_next_and_the_last_says_so() {
    let mut app = app_at(120, 35);
    apply(&mut app, &[Action::Open, Action::Open]);
    assert_eq!(shown_title(&app), "Rates hold steady");
    apply(&mut app, &[Action::PageDown]);
    assert_eq!(shown_title(&app), "A piano in every school");
    assert!(app.is_read(0, 0));
    apply(&mut app, &[Action::PageDown, Action::PageDown]);
    assert_eq!(shown_title(&app), "The chip race", "into the next issue");
    apply(
        &mut app,
        &[
            Action::Left,
            Action::Left,
            Action::Bottom,
            Action::Open,
            Action::Open,
        ],
    );
    assert_eq!(shown_title(&app), "Your letters");
    apply(&mut app, &[Action::NextSection]);
    assert_eq!(app.status(), Some(&Status::LastStory));
    assert_eq!(shown_title(&app), "Your letters");
    apply(&mut app, &[Action::PageDown]);
    assert_eq!(app.status(), Some(&Status::LastStory));
}

#[test]
fn a_count_repeats_a_motion_and_picks_a_row() {
    let mut app = app_on(fixture::many_issues(30), 120, 35);
    apply(
        &mut app,
        &[Action::Count(1), Action::Count(2), Action::Down],
    );
    assert_eq!(app.issue(), 12);
    apply(&mut app, &[Action::Count(3), Action::Up]);
    assert_eq!(app.issue(), 9);
    apply(&mut app, &[Action::Count(2), Action::Count(5), Action::Top]);
    assert_eq!(app.issue(), 24, "25g: the 25th");
    assert_eq!(app.count(), None, "used up");
    apply(&mut app, &[Action::Count(4), Action::Escape, Action::Down]);
    assert_eq!(app.issue(), 25, "Esc cancels a count");
}

#[test]
fn ctrl_d_and_ctrl_u_move_half_a_page() {
    let mut app = app_at(80, 24);
    apply(&mut app, &[Action::Down, Action::Open, Action::Open]);
    let (_, rows) = app.story_size();
    apply(&mut app, &[Action::HalfPageDown]);
    let half = app.scroll();
    assert!(half > 0 && half < rows - 1, "{half} of {rows}");
    apply(&mut app, &[Action::HalfPageDown, Action::HalfPageUp]);
    assert_eq!(app.scroll(), half);
}

#[test]
fn the_hints_say_what_the_focused_panes_keys_do() {
    let mut app = app_at(120, 35);
    let issues = status_line(&app);
    apply(&mut app, &[Action::Open]);
    let stories = status_line(&app);
    apply(&mut app, &[Action::Open]);
    let story = status_line(&app);
    apply(&mut app, &[Action::FocusFilter]);
    let bar = status_line(&app);
    assert!(issues.contains("Enter open"), "{issues}");
    assert!(stories.contains("Enter read"), "{stories}");
    assert!(
        story.contains("Space page") && story.contains("] next story"),
        "{story}"
    );
    assert!(
        bar.contains("Enter results") && bar.contains("Up older"),
        "{bar}"
    );
    let all = [&issues, &stories, &story, &bar];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn the_link_list_opens_copies_and_picks_by_number() {
    let mut app = app_on(fixture::library_with_links(), 120, 35);
    apply(&mut app, &[Action::Open, Action::Open, Action::ShowLinks]);
    assert!(matches!(app.overlay(), Overlay::Links(_)));
    let text = screen(&app).join("\n");
    assert!(text.contains("[3] the budget PDF — https://files.council.example/b.pdf?x=1"));
    apply(&mut app, &[Action::Down, Action::Down]);
    assert_eq!(
        update_now(&mut app, Action::Open),
        Effect::OpenLink("https://files.council.example/b.pdf?x=1".into())
    );
    assert_eq!(app.overlay(), Overlay::None);
    assert_eq!(app.link(), Some(2), "the link stays selected for o and y");
    // A number picks a link: 2 then y copies the mail address.
    apply(&mut app, &[Action::ShowLinks, Action::Count(2)]);
    assert_eq!(
        update_now(&mut app, Action::CopyLink),
        Effect::CopyLink("mailto:mayor@council.example".into())
    );
    // A script link is never opened from the list either.
    apply(&mut app, &[Action::ShowLinks, Action::Count(4)]);
    assert_eq!(update_now(&mut app, Action::Open), Effect::None);
    assert_eq!(app.status(), Some(&Status::NotOpened));
}

#[test]
fn ctrl_z_asks_to_suspend() {
    let mut app = app_at(120, 35);
    assert_eq!(update_now(&mut app, Action::Suspend), Effect::Suspend);
}

#[test]
fn the_welcome_comes_first_among_the_samples() {
    let app = app_on(nlread::library::bundled(), 120, 35);
    assert_eq!(
        app.selected_issue().map(|i| i.title.as_str()),
        Some("Welcome to nlread")
    );
    let text = screen(&app).join("\n");
    assert!(text.contains("Welcome to nlread"), "{text}");
}

#[test]
fn issues_show_while_the_library_loads_with_how_far_it_got() {
    let mut app = App::loading();
    app.no_color = true;
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 35,
        },
    );
    let first = fixture::library().issues.remove(1);
    update(
        &mut app,
        Action::Progress(Progress {
            done: 1,
            total: 3,
            issues: vec![first],
        }),
    );
    assert!(app.is_loading());
    assert_eq!(app.progress(), Some((1, 3)));
    let text = screen(&app).join("\n");
    assert!(text.contains("Reading 1 of 3 files…"), "{text}");
    assert!(text.contains("Chips and more"), "{text}");
    // A key while it loads moves among what is there.
    apply(&mut app, &[Action::Open]);
    assert_eq!(shown_title(&app), "The chip race");
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded::new(fixture::library(), "Reading."))),
    );
    assert!(!app.is_loading());
    assert_eq!(shown_title(&app), "The chip race", "the reader stays put");
}

// ---- the house: the story is laid out once per story and width ---------

/// One story of one paragraph of about `mb` megabytes.
fn one_huge_paragraph(mb: usize) -> Library {
    let words = "harbour cranes ferry timetable ".repeat(mb * 1024 * 1024 / 31);
    let section = Section::new(
        "huge".into(),
        "One long paragraph".into(),
        vec![Block::Paragraph { text: &words }],
    );
    Library {
        issues: vec![Issue {
            id: "huge".into(),
            source: "huge.txt".into(),
            newsletter: None,
            title: "Huge".into(),
            date: None,
            author: None,
            sections: vec![section],
            url: None,
            guid: None,
        }],
        errors: Vec::new(),
    }
}

#[test]
fn keys_in_a_long_story_never_lay_it_out_again() {
    let mut app = app_on(one_huge_paragraph(1), 120, 35);
    apply(&mut app, &[Action::Open, Action::Open]);
    let made = app.story_view().layouts();
    for action in [
        Action::Down,
        Action::PageDown,
        Action::HalfPageDown,
        Action::Up,
        Action::Bottom,
        Action::Top,
        Action::ToggleStar,
        Action::ToggleHelp,
        Action::Escape,
    ] {
        update_now(&mut app, action);
        let _ = screen(&app);
    }
    assert_eq!(
        app.story_view().layouts(),
        made,
        "scrolling reuses the layout"
    );
    // A new width is a new layout, once.
    update_now(
        &mut app,
        Action::Resize {
            width: 100,
            height: 35,
        },
    );
    update_now(&mut app, Action::Down);
    assert_eq!(app.story_view().layouts(), made + 1);
}
