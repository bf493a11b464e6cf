//! A small library built in code, so update tests and frame snapshots do
//! not move when the parser changes.
#![allow(dead_code)]

use nlread::model::{Block, Issue, Library, Link, Section, SourceError};

fn p(text: &str) -> Block<'_> {
    Block::Paragraph { text }
}

fn section(id: &str, title: &str, blocks: Vec<Block<'_>>) -> Section {
    Section::new(id.into(), title.into(), blocks)
}

fn issue(
    id: &str,
    newsletter: Option<&str>,
    date: Option<&str>,
    title: &str,
    sections: Vec<Section>,
) -> Issue {
    Issue {
        id: id.into(),
        source: format!("{id}.txt"),
        newsletter: newsletter.map(Into::into),
        title: title.into(),
        date: date.map(Into::into),
        author: None,
        sections,
        url: None,
        guid: None,
    }
}

/// A long story whose words are unique ("w17"), so a test can tell which
/// text is on the first visible line.
pub fn long_text(paragraphs: usize) -> Vec<String> {
    (0..paragraphs)
        .map(|i| {
            let words: Vec<String> = (0..40).map(|j| format!("w{}", i * 40 + j)).collect();
            words.join(" ")
        })
        .collect()
}

pub fn library() -> Library {
    let morning = issue(
        "morning",
        Some("Morning Brief"),
        Some("2024-03-04"),
        "Markets wobble as rates hold",
        vec![
            section(
                "rates",
                "Rates hold steady",
                vec![
                    p("The central bank kept its main rate unchanged on Tuesday, as expected."),
                    Block::Labelled {
                        label: "Why it matters",
                        text: "Borrowing costs stay high for longer than markets hoped.",
                    },
                    Block::Bullet {
                        text: "Mortgages: unchanged",
                    },
                    Block::Bullet {
                        text: "Savings: still paying about four percent a year",
                    },
                    Block::Caption {
                        text: "Chart: Morning Brief research",
                    },
                ],
            ),
            section(
                "piano",
                "A piano in every school",
                vec![
                    p("A charity wants a piano in every primary school by 2030."),
                    Block::Quote {
                        text: "Music is where the day gets better, said a teacher.",
                    },
                    Block::SubHeading {
                        text: "How it works",
                    },
                    Block::Numbered {
                        number: 1,
                        text: "Schools apply online.",
                    },
                    Block::Numbered {
                        number: 2,
                        text: "Tuners visit twice a year.",
                    },
                    Block::Numbered {
                        number: 10,
                        text: "The tenth step is a concert.",
                    },
                ],
            ),
            section(
                "tokyo",
                "Tokyo signs 日本語 👋",
                vec![p(
                    "新しい看板が駅に設置されました。 Visitors say the emoji 🚉 help.",
                )],
            ),
        ],
    );
    let tech = issue(
        "tech",
        Some("Tech Weekly"),
        Some("2024-03-02"),
        "Chips and more",
        vec![
            section(
                "chips",
                "The chip race",
                long_text(20).iter().map(|t| p(t)).collect(),
            ),
            section(
                "digital",
                "Digital pianos get cheaper",
                vec![p("Prices of digital pianos fell by a fifth this year.")],
            ),
        ],
    );
    let letters = issue(
        "letters",
        None,
        None,
        "Letters",
        vec![section(
            "mail",
            "Your letters",
            vec![p("Thank you for writing in.")],
        )],
    );
    Library {
        issues: vec![morning, tech, letters],
        errors: Vec::new(),
    }
}

pub fn library_with_errors() -> Library {
    let mut lib = library();
    lib.errors = vec![
        SourceError {
            source: "first.txt".into(),
            message: "the file is empty".into(),
        },
        SourceError {
            source: "photo.png".into(),
            message: "this looks like a binary file, not a newsletter".into(),
        },
    ];
    lib
}

pub fn many_issues(n: usize) -> Library {
    Library {
        issues: (0..n)
            .map(|i| {
                issue(
                    &format!("i{i}"),
                    Some("Daily"),
                    Some("2024-01-01"),
                    &format!("Issue {i}"),
                    vec![section(
                        &format!("s{i}"),
                        &format!("Story {i}"),
                        vec![p("text")],
                    )],
                )
            })
            .collect(),
        errors: Vec::new(),
    }
}

fn link(text: &str, url: &str, block: u32, at: u32) -> Link {
    Link {
        text: text.into(),
        url: url.into(),
        block,
        at,
    }
}

/// One issue whose first story has links of every kind the reader must
/// tell apart (web, mail, script, file), then a story with none and a third
/// with one link.
pub fn library_with_links() -> Library {
    let first = "The council published its budget report on Monday, and the \
                 mayor answered questions by email the same afternoon.";
    let second = "A reader sent a clever trick and a local file that should never open.";
    let linked = section(
        "budget",
        "Budget published",
        vec![
            p(first),
            Block::Bullet {
                text: "Full text: the budget PDF",
            },
            p(second),
        ],
    )
    .with_links(vec![
        link("budget report", "https://council.example/budget", 0, 39),
        link("by email", "mailto:mayor@council.example", 0, 92),
        link(
            "the budget PDF",
            "https://files.council.example/b.pdf?x=1",
            1,
            25,
        ),
        link("clever trick", "javascript:alert(1)", 2, 28),
        link("local file", "file:///etc/passwd", 2, 45),
    ]);
    let plain = section("plain", "No links here", vec![p("Just words.")]);
    let one =
        section("one", "One link", vec![p("See the photos from the fair.")]).with_links(vec![
            link("the photos", "http://photos.example/fair", 0, 14),
        ]);
    Library {
        issues: vec![issue(
            "council",
            Some("Town Crier"),
            Some("2024-05-06"),
            "Budget week",
            vec![linked, plain, one],
        )],
        errors: Vec::new(),
    }
}

/// What the status line says, in words.
pub fn said(app: &nlread::app::App) -> Option<String> {
    app.status().map(nlread::app::messages::status)
}
