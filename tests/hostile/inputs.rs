//! Structure-aware input generators for the fuzz targets: random mixes of
//! each format's own tokens (headers, MIME boundaries, transfer encodings,
//! tags, entities, CDATA, list markers, underlines, front matter, deep
//! nesting), then mangled (truncated at a random byte, bytes flipped, raw
//! bytes spliced in). Driven by a small seeded PRNG so a seed names an input.

/// splitmix64: tiny, fast and good enough to pick tokens; a seed always
/// gives the same sequence, so a failure message's seed rebuilds its input.
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

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `num` in `den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Mostly small counts, sometimes large ones: a skewed size.
    pub fn size(&mut self, max: usize) -> usize {
        let bits = self.below(usize::BITS as usize - max.leading_zeros() as usize + 1);
        self.below((1usize << bits).min(max) + 1)
    }
}

/// Inputs never grow past this (the hang guard's promise is for <= 256 KB).
pub const MAX_INPUT: usize = 256 * 1024;

/// Text that a newsletter could hold, including what it should not:
/// controls, escape sequences, bidi overrides, wide and combining characters.
const WORDS: [&str; 40] = [
    "the",
    "market",
    "Rates",
    "rose",
    "again,",
    "quietly.",
    "Why",
    "it",
    "matters:",
    "Photo:",
    "By",
    "MARKETS",
    "TECH & POLICY",
    "Sep 15, 2020",
    "2024-10-01",
    "深圳的无人机",
    "日本語",
    "👋🏽",
    "e\u{301}\u{302}\u{303}",
    "\u{200b}\u{200d}",
    "مرحبا",
    "\u{202e}evil\u{202c}",
    "\u{2066}iso\u{2069}",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;title\u{7}",
    "\u{1b}]52;c;aGk=\u{1b}\\",
    "\u{1b}]8;;http://x\u{1b}\\link",
    "\u{9b}2J",
    "\u{85}",
    "\t",
    "\r",
    "\u{0}",
    "\u{7f}",
    "\u{feff}",
    "\u{fffd}",
    "https://example.com/a?b=c&d=e",
    "mailto:a@b.c",
    "javascript:alert(1)",
    "1.",
    "—",
];

fn word(rng: &mut Rng, out: &mut String) {
    if rng.chance(1, 40) {
        // A very long word: no break for the wrapper or the splitter.
        let w = rng.pick(&WORDS);
        let n = rng.size(4000);
        for _ in 0..n {
            out.push_str(w);
        }
    } else {
        out.push_str(rng.pick(&WORDS));
    }
}

fn words(rng: &mut Rng, out: &mut String, max: usize) {
    let n = 1 + rng.below(max);
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        word(rng, out);
    }
}

// ------------------------------------------------------------ plain

pub fn plain(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::new();
    if rng.chance(1, 3) {
        for line in [
            "Newsletter: The Letter",
            "Sep 15, 2020",
            "By Jane Doe",
            "Jane Doe",
        ] {
            if rng.chance(1, 2) {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push('\n');
    }
    let units = rng.size(400);
    for _ in 0..units {
        plain_unit(rng, &mut out);
        if out.len() > MAX_INPUT {
            break;
        }
    }
    mangle(rng, out.into_bytes())
}

fn plain_unit(rng: &mut Rng, out: &mut String) {
    let indent = [0, 0, 0, 2, 4, 8][rng.below(6)];
    out.extend(std::iter::repeat_n(' ', indent));
    match rng.below(16) {
        0 => out.push_str(&"#".repeat(1 + rng.below(8))),
        1 => out.push_str(rng.pick(&["• ", "- ", "* ", "– ", "+ ", "◦ "])),
        2 => out.push_str(&format!("{}{} ", rng.size(2000), rng.pick(&[".", ")"]))),
        3 => out.push_str(&format!("{} big thing: ", 1 + rng.below(4))),
        4 => out.push_str(rng.pick(&["> ", ">> ", ">"])),
        5 => out.push_str(rng.pick(&["Why it matters: ", "Photo: ", "Data: ", "Bonus chart: "])),
        6 => {
            let c = rng.pick(&['=', '-', '*', '_', '~', '#', '—', '═']);
            let n = rng.size(200);
            let sep = if rng.chance(1, 3) { " " } else { "" };
            for _ in 0..n {
                out.push(c);
                out.push_str(sep);
            }
            out.push('\n');
            return;
        }
        7 => {
            out.push_str(rng.pick(&["MARKETS", "THE BIG STORY", "A:", "— Jane"]));
            out.push('\n');
            return;
        }
        8 => {
            // A hard-wrapped paragraph.
            for _ in 0..1 + rng.below(6) {
                words(rng, out, 12);
                out.push('\n');
            }
            return;
        }
        9 => out.push_str(rng.pick(&["Subject: ", "Date: ", "From: ", "Title: "])),
        _ => {}
    }
    words(rng, out, 20);
    out.push_str(rng.pick(&["\n", "\n\n", "\n\n", "\r\n", "\r", "\n\n\n"]));
}

// ------------------------------------------------------------ markdown

pub fn markdown(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::new();
    if rng.chance(1, 3) {
        out.push_str("---\n");
        for line in [
            "title: \"A title\"",
            "date: 2024-10-01",
            "author: 'Jane'",
            "tags: [a, b",
            ": :",
        ] {
            if rng.chance(1, 2) {
                out.push_str(line);
                out.push('\n');
            }
        }
        if rng.chance(4, 5) {
            out.push_str("---\n");
        }
    }
    let units = rng.size(400);
    for _ in 0..units {
        markdown_unit(rng, &mut out);
        if out.len() > MAX_INPUT {
            break;
        }
    }
    mangle(rng, out.into_bytes())
}

fn markdown_unit(rng: &mut Rng, out: &mut String) {
    match rng.below(20) {
        0 => out.push_str(&format!("{} ", "#".repeat(1 + rng.below(7)))),
        1 => out.push_str(&"  ".repeat(rng.size(60))),
        2 => out.push_str(rng.pick(&["- ", "* ", "+ ", "- [ ] ", "- [x] "])),
        3 => out.push_str(&format!("{}. ", rng.size(1_000_000_000))),
        4 => out.push_str(&"> ".repeat(1 + rng.size(300))),
        5 => out.push_str(&"- ".repeat(1 + rng.size(300))),
        6 => out.push_str(rng.pick(&["```\n", "~~~rust\n", "```", "    "])),
        7 => out.push_str(rng.pick(&[
            "**",
            "*",
            "_",
            "__",
            "`",
            "~~",
            "**Why it matters:** ",
            "\\",
        ])),
        8 => out.push_str(rng.pick(&[
            "[a link](https://example.com \"t\")",
            "![alt text](pic.png)",
            "[ref][1]",
            "\n[1]: https://example.com\n",
            "<https://auto.example>",
            "[x](javascript:alert(1))",
            "[^note]",
        ])),
        9 => out.push_str(rng.pick(&[
            "<div>",
            "</div>",
            "<!-- c -->",
            "<!--",
            "&amp;",
            "&#x1F600;",
            "&#0;",
            "&nbsp;",
            "<br>",
        ])),
        10 => out.push_str("| a | b |\n|---|:-:|\n| 1 | 2 |\n"),
        11 => out.push_str(rng.pick(&["===\n", "---\n", "***\n", "___\n"])),
        12 => {
            let n = rng.size(2000);
            out.push_str(&"[".repeat(n));
            out.push_str(&"*".repeat(n / 2));
            out.push_str(&"]".repeat(n / 3));
        }
        _ => {}
    }
    words(rng, out, 16);
    out.push_str(rng.pick(&["\n", "\n\n", "\n\n", "\r\n", " ", "\n\n\n"]));
}

// ------------------------------------------------------------ html

const TAGS: [&str; 40] = [
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h6",
    "table",
    "tr",
    "td",
    "tbody",
    "ul",
    "ol",
    "li",
    "blockquote",
    "b",
    "strong",
    "em",
    "i",
    "span",
    "font",
    "center",
    "figure",
    "figcaption",
    "pre",
    "section",
    "article",
    "header",
    "a",
    "script",
    "style",
    "head",
    "title",
    "body",
    "html",
    "svg",
    "select",
    "template",
    "dl",
    "dd",
];

const ATTRS: [&str; 14] = [
    " href=\"https://example.com/x\"",
    " href=\"javascript:alert(1)\"",
    " href=",
    " style=\"display:none\"",
    " style=\"font-size:0;max-height:0px;opacity:0\"",
    " style=\"font-weight:bold;font-size:24px\"",
    " class=\"headline title\"",
    " hidden",
    " width=\"1\" height=\"1\"",
    " start=\"4294967299\"",
    " value=\"-7\"",
    " alt=\"A chart of rates\"",
    " datetime=\"2024-10-01T08:00:00Z\"",
    " src=\"data:image/png;base64,AAAA\"",
];

pub fn html(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::new();
    html_into(rng, &mut out, MAX_INPUT);
    mangle(rng, out.into_bytes())
}

fn html_into(rng: &mut Rng, out: &mut String, max: usize) {
    if rng.chance(2, 3) {
        out.push_str(rng.pick(&[
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>The Letter</title></head><body>",
            "<html lang=en><head><meta property=\"og:site_name\" content=\"Site\"><meta charset=\"shift_jis\"></head>",
            "<html><body>",
            "<div><p>",
        ]));
    }
    let mut open: Vec<&str> = Vec::new();
    let units = rng.size(600);
    for _ in 0..units {
        match rng.below(14) {
            0..=3 => {
                let tag = rng.pick(&TAGS);
                out.push('<');
                out.push_str(tag);
                for _ in 0..rng.below(3) {
                    out.push_str(rng.pick(&ATTRS));
                }
                out.push('>');
                open.push(tag);
            }
            4 | 5 => {
                // Closing the right tag, or a wrong one (misnesting).
                let tag = if rng.chance(3, 4) {
                    open.pop().unwrap_or("p")
                } else {
                    rng.pick(&TAGS)
                };
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            6 => out.push_str(rng.pick(&[
                "&amp;",
                "&lt;",
                "&#x1F600;",
                "&#0;",
                "&#xD800;",
                "&#99999999999;",
                "&nbsp",
                "&mdash;",
                "&unknown;",
                "&",
            ])),
            7 => out.push_str(rng.pick(&[
                "<!-- comment -->",
                "<!--",
                "<![CDATA[ x ]]>",
                "<br>",
                "<br/><br/>",
                "<hr>",
                "<img src=x alt=\"Photo: A. Person\">",
                "<img width=1 height=1 src=t.gif>",
                "<?php x ?>",
                "</>",
                "<a href=\"https://e.com\">Read more</a>",
                "<button>Subscribe</button>",
            ])),
            8 => {
                // Deep nesting, closed or not.
                let tag = rng.pick(&["div", "b", "span", "table", "a", "li", "blockquote"]);
                let n = rng.size(3000);
                for _ in 0..n {
                    out.push('<');
                    out.push_str(tag);
                    out.push('>');
                }
                words(rng, out, 3);
                if rng.chance(1, 2) {
                    for _ in 0..n {
                        out.push_str("</");
                        out.push_str(tag);
                        out.push('>');
                    }
                }
            }
            _ => words(rng, out, 20),
        }
        if out.len() > max {
            break;
        }
    }
    if rng.chance(1, 2) {
        out.push_str("</body></html>");
    }
}

// ------------------------------------------------------------ email

const CHARSETS: [&str; 8] = [
    "utf-8",
    "iso-8859-1",
    "windows-1252",
    "us-ascii",
    "shift_jis",
    "utf-16",
    "x-unknown",
    "\"utf-8\"",
];

fn quoted_printable(rng: &mut Rng, text: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for b in text.bytes() {
        if b == b'=' || b >= 0x7f || rng.chance(1, 30) {
            out.push_str(&format!("={b:02X}"));
            col += 3;
        } else {
            out.push(b as char);
            col += 1;
        }
        if col > 72 || rng.chance(1, 200) {
            out.push_str("=\n");
            col = 0;
        }
    }
    if rng.chance(1, 5) {
        out.push_str(rng.pick(&["=", "=4", "=ZZ", "==\n"]));
    }
    out
}

fn encoded_word(rng: &mut Rng, text: &str) -> String {
    if rng.chance(1, 2) {
        format!(
            "=?utf-8?B?{}?=",
            crate::base64::base64_lines(text.as_bytes(), "")
        )
    } else {
        format!(
            "=?{}?Q?{}?=",
            rng.pick(&CHARSETS),
            text.replace(' ', "_").replace('?', "=3F")
        )
    }
}

fn body_text(rng: &mut Rng, max: usize) -> String {
    if rng.chance(1, 2) {
        let mut out = String::new();
        html_into(rng, &mut out, max);
        out
    } else {
        let mut out = String::new();
        for _ in 0..rng.size(200) {
            plain_unit(rng, &mut out);
            if out.len() > max {
                break;
            }
        }
        out
    }
}

/// One MIME part (headers, blank line, body), nested up to `depth`.
fn part(rng: &mut Rng, out: &mut String, depth: usize, budget: usize) {
    let multipart = depth < 40 && rng.chance(1, 3);
    if multipart {
        let boundary = format!("b{}{}", depth, rng.pick(&["", "==", "--", " x", ""]));
        out.push_str(&format!(
            "Content-Type: multipart/{}; boundary=\"{boundary}\"\n\n",
            rng.pick(&["alternative", "mixed", "related", "digest", "x"])
        ));
        if rng.chance(1, 3) {
            out.push_str("This is a preamble.\n");
        }
        for _ in 0..1 + rng.below(4) {
            out.push_str(&format!("--{boundary}\n"));
            part(rng, out, depth + 1, budget / 2);
            out.push('\n');
            if out.len() > MAX_INPUT {
                break;
            }
        }
        if rng.chance(4, 5) {
            out.push_str(&format!("--{boundary}--\n"));
        }
        return;
    }
    let html = rng.chance(1, 2);
    let text = body_text(rng, budget.min(32 * 1024));
    out.push_str(&format!(
        "Content-Type: text/{}; charset={}\n",
        if html {
            "html"
        } else {
            rng.pick(&["plain", "plain", "enriched"])
        },
        rng.pick(&CHARSETS)
    ));
    match rng.below(4) {
        0 => {
            out.push_str("Content-Transfer-Encoding: base64\n\n");
            let mut encoded = crate::base64::base64_lines(text.as_bytes(), "\r\n");
            if rng.chance(1, 4) {
                // Garbage in the base64.
                encoded.insert_str(encoded.len() / 2, rng.pick(&["!!", "====", "\n\n", "*"]));
            }
            out.push_str(&encoded);
        }
        1 => {
            out.push_str("Content-Transfer-Encoding: quoted-printable\n\n");
            out.push_str(&quoted_printable(rng, &text));
        }
        2 => {
            out.push_str("Content-Transfer-Encoding: 8bit\n\n");
            out.push_str(&text);
        }
        _ => {
            out.push('\n');
            out.push_str(&text);
        }
    }
    out.push('\n');
}

fn message(rng: &mut Rng, out: &mut String) {
    let mut subject = String::new();
    words(rng, &mut subject, 8);
    let headers = [
        format!(
            "From: {}",
            rng.pick(&[
                "\"The Letter\" <a@b.c>",
                "a@b.c",
                "=?utf-8?B?SmFuZQ==?= <j@x.y>",
                "<>",
                "\"",
                "undisclosed-recipients:;"
            ])
        ),
        "To: reader@example.com".to_string(),
        format!(
            "Subject: {}",
            if rng.chance(1, 3) {
                encoded_word(rng, &subject)
            } else {
                subject.clone()
            }
        ),
        format!(
            "Date: {}",
            rng.pick(&[
                "Tue, 1 Oct 2024 08:00:00 +0000",
                "Mon, 32 Foo 99999 99:99:99 +9999",
                "yesterday",
                ""
            ])
        ),
        "Message-ID: <1@b.c>".to_string(),
        "MIME-Version: 1.0".to_string(),
        "List-Id: \"Weekly\" <weekly.example.com>".to_string(),
        "Received: from x by y; Tue, 1 Oct 2024 08:00:00 +0000".to_string(),
        format!("X-Folded: a\n\t{}\n {}", subject, subject),
    ];
    for _ in 0..1 + rng.below(12) {
        out.push_str(&headers[rng.below(headers.len())]);
        out.push('\n');
    }
    if rng.chance(1, 20) {
        // Many headers.
        for i in 0..rng.size(3000) {
            out.push_str(&format!("Received: from h{i} by relay; Tue, 1 Oct 2024\n"));
        }
    }
    out.push_str("MIME-Version: 1.0\n");
    part(rng, out, 0, 128 * 1024);
}

pub fn email(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::new();
    message(rng, &mut out);
    let bytes = if rng.chance(1, 4) {
        out.replace('\n', "\r\n").into_bytes()
    } else {
        out.into_bytes()
    };
    mangle(rng, bytes)
}

pub fn mbox(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::new();
    for _ in 0..1 + rng.size(20) {
        out.push_str(rng.pick(&[
            "From a@b.c Tue Oct  1 08:00:00 2024\n",
            "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n",
            "From \n",
        ]));
        let mut msg = String::new();
        message(rng, &mut msg);
        for line in msg.split_inclusive('\n') {
            if line.starts_with("From ") || (line.starts_with('>') && rng.chance(1, 2)) {
                out.push('>');
            }
            out.push_str(line);
        }
        if rng.chance(1, 5) {
            out.push_str("From here on the text starts with From\n>From quoted\n>>From twice\n");
        }
        out.push('\n');
        if out.len() > MAX_INPUT {
            break;
        }
    }
    mangle(rng, out.into_bytes())
}

// ------------------------------------------------------------ feeds

fn xml_text(rng: &mut Rng, html: bool) -> String {
    let mut inner = String::new();
    if html {
        html_into(rng, &mut inner, 16 * 1024);
    } else {
        words(rng, &mut inner, 20);
    }
    match rng.below(4) {
        0 => format!("<![CDATA[{inner}]]>"),
        1 => inner
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
        2 => inner,
        _ => format!("{}&#x1F600;&bogus;&#0;]]>", inner.replace('<', "&lt;")),
    }
}

fn json_string(rng: &mut Rng, html: bool) -> String {
    let mut inner = String::new();
    if html {
        html_into(rng, &mut inner, 16 * 1024);
    } else {
        words(rng, &mut inner, 20);
    }
    let mut out = String::from("\"");
    for c in inner.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    if rng.chance(1, 10) {
        out.push_str(rng.pick(&["\\ud800", "\\u0000", "\\x", "\\uDFFF\\uD800"]));
    }
    out.push('"');
    out
}

pub fn feed(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::new();
    let items = rng.size(200);
    match rng.below(3) {
        0 => {
            out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>");
            out.push_str(&xml_text(rng, false));
            out.push_str("</title><link>https://example.com</link>");
            for _ in 0..items {
                out.push_str("<item><title>");
                let html = rng.chance(1, 4);
                out.push_str(&xml_text(rng, html));
                out.push_str("</title>");
                if rng.chance(1, 2) {
                    out.push_str(&format!("<guid>{}</guid>", rng.below(4)));
                }
                out.push_str(&format!(
                    "<pubDate>{}</pubDate>",
                    rng.pick(&[
                        "Tue, 01 Oct 2024 08:00:00 GMT",
                        "not a date",
                        "Tue, 99 Oct 2024"
                    ])
                ));
                let tag = rng.pick(&["description", "content:encoded"]);
                out.push_str(&format!("<{tag}>{}</{tag}>", xml_text(rng, true)));
                out.push_str("</item>");
                if out.len() > MAX_INPUT {
                    break;
                }
            }
            out.push_str("</channel></rss>\n");
        }
        1 => {
            out.push_str("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">");
            out.push_str(&xml_text(rng, true));
            out.push_str("</title><id>urn:x</id>");
            for _ in 0..items {
                out.push_str(&format!(
                    "<entry><id>urn:{}</id><title>{}</title><updated>{}</updated><author><name>{}</name></author>",
                    rng.below(4),
                    xml_text(rng, false),
                    rng.pick(&["2024-10-01T08:00:00Z", "2024-13-45T99:00:00Z", ""]),
                    xml_text(rng, false)
                ));
                out.push_str(&format!(
                    "<content type=\"{}\">{}</content></entry>",
                    rng.pick(&["html", "xhtml", "text"]),
                    xml_text(rng, true)
                ));
                if out.len() > MAX_INPUT {
                    break;
                }
            }
            out.push_str("</feed>");
        }
        _ => {
            out.push_str("{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": ");
            out.push_str(&json_string(rng, false));
            out.push_str(", \"items\": [");
            for i in 0..items {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    "{{\"id\": \"{}\", \"title\": {}, \"date_published\": \"{}\", \"{}\": {}}}",
                    rng.below(4),
                    json_string(rng, false),
                    rng.pick(&["2024-10-01T08:00:00Z", "x"]),
                    rng.pick(&["content_html", "content_text", "summary"]),
                    json_string(rng, true)
                ));
                if out.len() > MAX_INPUT {
                    break;
                }
            }
            out.push_str("]}");
        }
    }
    mangle(rng, out.into_bytes())
}

// ------------------------------------------------------------ raw bytes

pub fn raw(rng: &mut Rng) -> Vec<u8> {
    let n = rng.size(8192);
    (0..n).map(|_| rng.next() as u8).collect()
}

/// Damage a well-formed input the way files get damaged: cut at a random
/// byte, a few bytes overwritten, raw bytes spliced in, a BOM in front.
fn mangle(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    if rng.chance(1, 4) && !bytes.is_empty() {
        let at = rng.below(bytes.len());
        bytes.truncate(at);
    }
    if rng.chance(1, 6) {
        for _ in 0..1 + rng.below(8) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len());
            bytes[at] = rng.next() as u8;
        }
    }
    if rng.chance(1, 10) {
        let at = rng.below(bytes.len() + 1);
        let junk: Vec<u8> = (0..rng.size(64)).map(|_| rng.next() as u8).collect();
        bytes.splice(at..at, junk);
    }
    if rng.chance(1, 20) {
        bytes.splice(0..0, b"\xEF\xBB\xBF".iter().copied());
    }
    bytes.truncate(MAX_INPUT);
    bytes
}
