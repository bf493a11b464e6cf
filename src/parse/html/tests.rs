use super::*;
use crate::model::Block;

fn blocks(issue: &Issue) -> Vec<(String, String)> {
    issue
        .sections
        .iter()
        .flat_map(|s| {
            s.blocks()
                .map(|b| (s.title.clone(), b.plain_text()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn headings_paragraphs_and_lists() {
    let html = "<html><head><title>The Letter</title><style>p{}</style></head><body>\
        <p>Hello   there.</p><h2>First story</h2><p>One &amp; two.</p>\
        <ol start=3><li>three</li><li>four</li></ol><ul><li>dot</li></ul>\
        <h2>Second</h2><blockquote>Said.</blockquote><h4>Aside</h4><p>x</p></body></html>";
    let issue = parse(html, "a.html");
    assert_eq!(issue.title, "The Letter");
    let titles: Vec<_> = issue.sections.iter().map(|s| s.title.as_str()).collect();
    // The <h4> owns text: the innermost heading that owns text is a story.
    assert_eq!(titles, ["Intro", "First story", "Second", "Aside"]);
    assert_eq!(
        blocks(&issue),
        [
            ("Intro", "Hello there."),
            ("First story", "One & two."),
            ("First story", "3. three"),
            ("First story", "4. four"),
            ("First story", "• dot"),
            ("Second", "> Said."),
            ("Aside", "x"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn hidden_text_and_pixels_are_skipped() {
    let html = "<body><div style=\"display: none !important; max-height:0\">PREVIEW</div>\
        <span style='font-size:1px;color:#fff'>tiny</span>\
        <div style='max-height:0px;overflow:hidden'>clipped</div>\
        <div style='opacity:0'>ghost</div><div style='mso-hide:all'>mso</div>\
        <script>var x=1;</script><p>Seen <img src=t.gif width=1 height=1 alt='pixel tracker'></p></body>";
    let issue = parse(html, "a.html");
    let text: Vec<_> = blocks(&issue).into_iter().map(|(_, t)| t).collect();
    assert_eq!(text, ["Seen"]);
}

#[test]
fn links_end_where_their_text_ends() {
    let html = "<p>Read <a href='https://e.com/a'>the story</a> now. <a href='#top'>top</a></p>\
        <p><b>Why it matters:</b> see <a href='https://e.com/b'>this</a>.</p>";
    let issue = parse(html, "a.html");
    let s = &issue.sections[0];
    assert_eq!(s.links.len(), 2);
    assert_eq!(s.links[0].text, "the story");
    assert_eq!(s.links[0].url, "https://e.com/a");
    let b0 = s.block(0).unwrap().text();
    assert_eq!(&b0[..s.links[0].at as usize], "Read the story");
    assert_eq!(
        s.block(1),
        Some(Block::Labelled {
            label: "Why it matters",
            text: "see this."
        })
    );
    assert_eq!((s.links[1].block, s.links[1].at), (1, 8));
}

#[test]
fn bold_table_cells_open_sections_when_there_are_no_headings() {
    let html = "<table><tr><td><p>Welcome to the issue.</p></td></tr>\
        <tr><td style='font-size:22px'>Rates hold steady</td></tr>\
        <tr><td>The bank held rates. It said more.</td><td>Side cell text.</td></tr>\
        <tr><td><strong>Chips are back</strong></td></tr><tr><td>Orders rose.</td></tr></table>";
    let issue = parse(html, "a.html");
    let titles: Vec<_> = issue.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Intro", "Rates hold steady", "Chips are back"]);
    assert_eq!(issue.sections[1].block_count(), 2);
}

#[test]
fn br_pairs_split_paragraphs_and_a_headless_document_is_one_section() {
    let issue = parse("<div>one<br>two<br><br>three</div>", "x/note.html");
    assert_eq!(issue.sections.len(), 1);
    let text: Vec<_> = blocks(&issue).into_iter().map(|(_, t)| t).collect();
    assert_eq!(text, ["one two", "three"]);
    assert_eq!(issue.title, "one two");
}

#[test]
fn control_sequences_are_removed() {
    let issue = parse("<h2>Ti\u{1b}[31mtle</h2><p>a\u{1b}]0;x\u{7}b</p>", "a");
    assert_eq!(issue.sections[0].title, "Title");
    assert_eq!(issue.sections[0].block(0).unwrap().text(), "ab");
}

#[test]
fn metadata_is_read() {
    let html = "<head><meta property='og:site_name' content='Daily Brief'>\
        <meta name='author' content='Ann Lee'></head><body><time datetime='2024-10-01T08:00Z'>Oct 1</time><p>Hi there all.</p>";
    let issue = parse(html, "a");
    assert_eq!(issue.newsletter.as_deref(), Some("Daily Brief"));
    assert_eq!(issue.author.as_deref(), Some("Ann Lee"));
    assert_eq!(issue.date.as_deref(), Some("2024-10-01"));
}

#[test]
fn declared_charset_is_honoured_for_non_utf8_bytes() {
    // "Zażółć" in ISO-8859-2
    let bytes = b"<html><head><meta charset=\"iso-8859-2\"></head><body><p>Za\xbf\xf3\xb3\xe6</p>";
    let issue = parse_bytes(bytes, "a.html").unwrap();
    assert_eq!(issue.sections[0].block(0).unwrap().text(), "Zażółć");
    let cp1252 = b"<p>caf\xe9 \x93q\x94</p>";
    let issue = parse_bytes(cp1252, "a.html").unwrap();
    assert_eq!(issue.sections[0].block(0).unwrap().text(), "café “q”");
    assert_eq!(
        parse_bytes(b"<html><body></body></html>", "a").unwrap_err(),
        ParseError::Blank
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let html = format!(
        "{}deep{}",
        "<div><span>".repeat(5000),
        "</span></div>".repeat(5000)
    );
    let issue = parse(&html, "a");
    assert_eq!(issue.words(), 1);
}

#[test]
fn buttons_and_dates_are_not_headlines() {
    let html = "<table><tr><td><b>October 1, 2024</b></td></tr>\
        <tr><td><p>Welcome in.</p></td></tr>\
        <tr><td><b>Big rally</b></td></tr><tr><td>Stocks rose.</td></tr>\
        <tr><td><a style='font-weight:bold' href='https://e.com/x'>Read more &rarr;</a></td></tr>\
        <tr><td style='font-size:20px'><a href='https://e.com/s'>Share this issue</a></td></tr></table>";
    let issue = parse(html, "a");
    let titles: Vec<_> = issue.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Intro", "Big rally"]);
    assert_eq!(issue.date.as_deref(), Some("2024-10-01"));
    assert_eq!(issue.sections[1].links.len(), 2);
}

/// A page builder wraps every block in another `<div>`: stories far below
/// the nesting cap keep their headings (issue 10's held-back trap).
#[test]
fn stories_deep_in_wrappers_keep_their_headings() {
    for depth in [300, 2_000] {
        let mut html = String::from("<html><head><title>Deep</title></head><body>");
        html.push_str(&"<div>".repeat(depth));
        for i in 1..=3 {
            html.push_str(&format!("<h2>Story {i}</h2><p>Text of story {i}.</p>"));
        }
        html.push_str(&"</div>".repeat(depth));
        // In a thread with the default stack, as the library parses.
        let issue = std::thread::spawn(move || parse(&html, "deep.html"))
            .join()
            .unwrap();
        let titles: Vec<&str> = issue.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Story 1", "Story 2", "Story 3"], "depth {depth}");
    }
}
