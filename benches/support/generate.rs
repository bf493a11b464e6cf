//! A deterministic generator of realistic plain-text newsletter issues,
//! shared by the benchmarks and `examples/gen_library.rs`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// splitmix64: tiny, fast and the same everywhere, so a seed names a library.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const NEWSLETTERS: &[&str] = &[
    "Orbit Desk",
    "The Harbour Ledger",
    "Pantry Markets",
    "Field Notes Daily",
    "Signal & Noise",
    "The Switchyard",
    "Asia Tech Morning",
    "Cloudline Weather",
    "Bench & Bottle",
    "The Rink Report",
    "Market Gardener",
    "Tide Tables Weekly",
    "The Chess Clock",
    "Metro Wire",
    "Chip Letter",
];
const COMPANIES: &[&str] = &[
    "Tencent",
    "Huawei",
    "Alibaba",
    "Siemens",
    "Toyota",
    "Nokia",
    "Velora Aerospace",
    "Kestrel Launch",
    "Northcape Logistics",
    "Bramley Foods",
    "ParkAlder",
    "Tharsis Dynamics",
    "Samsung",
    "ByteDance",
    "Meridian Orbital",
    "Quillscript",
    "Ugnshuset",
    "Petrof",
    "Ericsson",
    "Baidu",
];
const PEOPLE: &[&str] = &[
    "Ines Okafor",
    "Lucía Fernández",
    "王小明",
    "佐藤美咲",
    "Oskar Lindqvist",
    "Priya Raman",
    "Mateo Giraldo",
    "Leila Haddad",
    "김민준",
    "Fiona MacLeod",
    "Dmitri Volkov",
    "Aroha Ngata",
    "Étienne Moreau",
    "Hana Kovač",
    "李娜",
    "Kwame Mensah",
    "Tomasz Wiśniewski",
];
const PLACES: &[&str] = &[
    "Toulouse",
    "Shenzhen",
    "Kyoto",
    "Bergen",
    "Lagos",
    "Valencia",
    "Tartu",
    "Auckland",
    "Brno",
    "Port Alder",
    "Malmö",
    "Reykjavík",
    "São Paulo",
    "Nairobi",
    "Busan",
    "Hradec Králové",
];
const NOUNS: &[&str] = &[
    "chips",
    "ports",
    "satellites",
    "regulators",
    "cranes",
    "farmers",
    "batteries",
    "ferries",
    "startups",
    "banks",
    "lawmakers",
    "researchers",
    "shipping rates",
    "tariffs",
    "data centres",
    "telescopes",
    "vineyards",
    "trams",
    "drones",
    "subsidies",
    "supply chains",
    "standards",
];
const VERBS: &[&str] = &[
    "rethink",
    "bet on",
    "push back on",
    "race to build",
    "quietly fund",
    "struggle with",
    "cut prices for",
    "lobby against",
    "double down on",
    "walk away from",
    "team up on",
];
const ADJECTIVES: &[&str] = &[
    "cheaper",
    "reusable",
    "faster",
    "greener",
    "riskier",
    "smaller",
    "louder",
    "older",
    "local",
    "state-backed",
    "long-delayed",
    "record-breaking",
];
const LABELS: &[&str] = &[
    "Why it matters",
    "Driving the news",
    "The big picture",
    "What they’re saying",
    "Between the lines",
    "What to watch",
    "The bottom line",
    "But, but, but",
    "Details",
    "Context",
    "Yes, but",
];
const CAPS_SECTIONS: &[&str] = &[
    "MARKETS",
    "TECH & POLICY",
    "CITY HALL",
    "SCIENCE",
    "SPORTS",
    "FOOD",
    "SPACE",
    "ENERGY",
    "TRANSPORT",
    "HEALTH",
    "CULTURE",
    "ONE LAST THING",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn title(rng: &mut Rng) -> String {
    loop {
        let t = match rng.below(4) {
            0 => format!(
                "{} {} {} {}",
                rng.pick(COMPANIES),
                rng.pick(VERBS),
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS)
            ),
            1 => format!(
                "Why {} in {} {} {} {}",
                rng.pick(NOUNS),
                rng.pick(PLACES),
                rng.pick(VERBS),
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS)
            ),
            2 => format!(
                "{}’s {} plan for {} hits a wall — again",
                rng.pick(PLACES),
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS)
            ),
            _ => format!(
                "“{} {}”: {} on the {} {} of {}",
                capitalise(rng.pick(ADJECTIVES)),
                rng.pick(NOUNS),
                rng.pick(PEOPLE),
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS),
                rng.pick(PLACES)
            ),
        };
        let n = t.chars().count();
        if (40..=90).contains(&n) {
            return t;
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn sentence(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => format!(
            "{} said on {} that it would {} {} {} in {}.",
            rng.pick(COMPANIES),
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][rng.below(5)],
            rng.pick(VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(PLACES)
        ),
        1 => format!(
            "“We have never seen {} this {},” said {}, who follows {} for a living.",
            rng.pick(NOUNS),
            rng.pick(ADJECTIVES),
            rng.pick(PEOPLE),
            rng.pick(NOUNS)
        ),
        2 => format!(
            "Spending on {} rose {}% last year — the fastest pace since {}.",
            rng.pick(NOUNS),
            rng.below(40) + 2,
            1990 + rng.below(33)
        ),
        3 => format!(
            "In {}, {} and {} now {} each other’s {}.",
            rng.pick(PLACES),
            rng.pick(NOUNS),
            rng.pick(NOUNS),
            rng.pick(VERBS),
            rng.pick(NOUNS)
        ),
        _ => format!(
            "Critics, including {}, argue that {} {} will not fix {}.",
            rng.pick(PEOPLE),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(NOUNS)
        ),
    }
}

fn paragraph(rng: &mut Rng, min_chars: usize) -> String {
    let mut p = String::new();
    while p.len() < min_chars {
        if !p.is_empty() {
            p.push(' ');
        }
        p.push_str(&sentence(rng));
    }
    p
}

/// About 1,200 characters of story in the numbered layout, one line per
/// paragraph.
fn numbered_body(rng: &mut Rng, out: &mut String) {
    let _ = writeln!(
        out,
        "{}: {}/{}\n",
        ["Illustration", "Photo"][rng.below(2)],
        rng.pick(PEOPLE),
        rng.pick(NEWSLETTERS)
    );
    let _ = writeln!(out, "{}\n", paragraph(rng, 250));
    let _ = writeln!(out, "{}: {}\n", rng.pick(LABELS), paragraph(rng, 200));
    for _ in 0..2 + rng.below(2) {
        let _ = writeln!(out, "  • {}", sentence(rng));
    }
    out.push('\n');
    let _ = writeln!(out, "{}: {}\n", rng.pick(LABELS), paragraph(rng, 250));
    let _ = writeln!(out, "The bottom line: {}\n", sentence(rng));
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let w = word.chars().count();
        if line > 0 && line + 1 + w > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += w;
    }
    out
}

fn date(rng: &mut Rng, i: usize) -> (String, usize) {
    let year = 2015 + i % 11;
    let month = rng.below(12);
    let day = 1 + rng.below(28);
    (format!("{} {day}, {year}", MONTHS[month]), year)
}

/// One issue's text; `i` varies the layout and date deterministically.
pub fn issue(rng: &mut Rng, i: usize) -> String {
    let mut out = String::with_capacity(14_000);
    let newsletter = rng.pick(NEWSLETTERS);
    let author = rng.pick(PEOPLE);
    let (date, _) = date(rng, i);
    let sections = 9 + rng.below(3);
    match i % 10 {
        // ALL-CAPS headers, hard-wrapped at 72
        0 => {
            let _ = write!(out, "{newsletter}\n{date}\nBy {author}\n\n");
            let _ = writeln!(out, "{}\n", wrap(&paragraph(rng, 200), 72));
            for _ in 0..sections {
                let mut heading = title(rng).to_uppercase();
                while heading.chars().count() > 60 {
                    heading = heading
                        .rsplit_once(' ')
                        .map(|(h, _)| h.to_string())
                        .unwrap_or_default();
                }
                let heading = heading.trim_end_matches([' ', '—', ':']);
                let _ = writeln!(out, "{heading}\n");
                let _ = writeln!(out, "{}\n", wrap(&paragraph(rng, 450), 72));
                for _ in 0..2 {
                    let _ = writeln!(out, "{}", wrap(&format!("- {}", sentence(rng)), 72));
                }
                let _ = writeln!(out, "\nPhoto: {}/{}\n", rng.pick(PEOPLE), newsletter);
                let _ = writeln!(out, "{}\n", wrap(&paragraph(rng, 450), 72));
            }
        }
        // setext headings, hard-wrapped at 72
        1 | 2 => {
            let t = title(rng);
            let _ = write!(
                out,
                "{t}\n{}\n\n{date}\nBy {author}\n\n",
                "=".repeat(t.chars().count())
            );
            let _ = writeln!(out, "{}\n", wrap(&paragraph(rng, 200), 72));
            for _ in 0..sections {
                let t = title(rng);
                let _ = writeln!(out, "{t}\n{}\n", "-".repeat(t.chars().count()));
                let _ = writeln!(out, "{}\n", wrap(&paragraph(rng, 400), 72));
                let _ = writeln!(
                    out,
                    "{}: {}\n",
                    rng.pick(LABELS),
                    wrap(&paragraph(rng, 300), 72)
                );
                for _ in 0..2 {
                    let _ = writeln!(out, "{}", wrap(&format!("- {}", sentence(rng)), 72));
                }
                let _ = writeln!(out, "\n{}\n", wrap(&paragraph(rng, 350), 72));
            }
        }
        // the numbered layout, with a "Catch up quick" list
        _ => {
            let _ = write!(out, "{date}\n\n{newsletter}\n\nBy {author}\n{author}\n\n");
            let _ = writeln!(out, "{}\n", paragraph(rng, 200));
            let _ = writeln!(out, "  • {}\n", sentence(rng));
            let _ = writeln!(out, "1 big thing: {}\n", title(rng));
            numbered_body(rng, &mut out);
            for n in 2..=sections {
                if n == 3 {
                    let _ = writeln!(out, "3. Catch up quick\n");
                    for item in 1..=4 {
                        let _ = writeln!(out, "{item}. {} Go deeper.\n", sentence(rng));
                    }
                    continue;
                }
                let _ = writeln!(out, "{n}. {}\n", title(rng));
                numbered_body(rng, &mut out);
            }
            out.push_str(author);
        }
    }
    out
}

/// Generates `count` issues in memory: (file name, text).
pub fn issues(count: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| (format!("{:03}/{i:06}.txt", i / 1000), issue(&mut rng, i)))
        .collect()
}

/// Writes `count` issues under `dir` (1,000 per sub-folder); returns the bytes written.
pub fn write_library(dir: &Path, count: usize, seed: u64) -> std::io::Result<u64> {
    let mut rng = Rng::new(seed);
    let mut total = 0u64;
    for i in 0..count {
        let path = dir
            .join(format!("{:03}", i / 1000))
            .join(format!("{i:06}.txt"));
        if i % 1000 == 0 {
            std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
        }
        let text = issue(&mut rng, i);
        total += text.len() as u64;
        std::fs::write(&path, text)?;
    }
    Ok(total)
}
