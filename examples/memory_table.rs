//! Peak memory of loading one hostile input of every format at its caps,
//! each in a fresh child process, against the input's size (issue 11: at
//! most 5x). The table in BENCHMARKS.md is this program's output.
//!
//!     cargo run --release --example memory_table              # every case
//!     cargo run --release --example memory_table -- html_li   # the cases named
//!     cargo run --release --example memory_table -- --list
//!
//! Each input is generated into `target/tmp/memory-table` (up to 32 MiB,
//! deleted after its run), then `memory_table --child PATH` loads it with
//! `library::load_paths` as `nlread export` does (no cache) and prints its
//! own peak RSS (VmHWM, Linux) and time; this parent prints one Markdown row
//! per case. "input" is the bytes nlread reads: every file is generated at
//! its read cap (8 MiB of plain text or Markdown, 32 MiB of markup, one
//! mbox message or feed), so nothing is left unread and the ratio is peak
//! memory over what was read.
//!
//!     cargo run --release --example memory_table -- --phases
//!
//! measures instead, in this process with a counting allocator, the peak
//! heap of each step a plain-text, Markdown or HTML input goes through
//! (decoding, then the parser), per line or element of the input: where the
//! memory of the table goes.

#[path = "../tests/support/base64.rs"]
mod base64;

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const MIB: usize = 1 << 20;
/// The read cap of plain text and Markdown.
const TEXT_CAP: usize = 8 * MIB;
/// The read cap of HTML, email, one mbox message and a feed.
const MARKUP_CAP: usize = 32 * MIB;

/// One input: a name, what it is, and how to write it.
struct Case {
    name: &'static str,
    what: &'static str,
    write: fn(&Path) -> std::io::Result<PathBuf>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "plain_short_lines",
            what: "plain text: `a` lines, 8 MiB",
            write: |dir| file(dir, "short.txt", b"Short lines\n\n", b"a\n", TEXT_CAP, b""),
        },
        Case {
            name: "plain_blocks",
            what: "plain text: one-word paragraphs, 8 MiB",
            write: |dir| file(dir, "blocks.txt", b"Blocks\n\n", b"a\n\n", TEXT_CAP, b""),
        },
        Case {
            name: "plain_sections",
            what: "plain text: ALL CAPS stories, 8 MiB",
            write: |dir| {
                file(
                    dir,
                    "sections.txt",
                    b"Sections\n\n",
                    b"A HEADING\n\nSome text here.\n\n",
                    TEXT_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "plain_long_line",
            what: "plain text: one line of words, 8 MiB",
            write: |dir| file(dir, "line.txt", b"", b"word ", TEXT_CAP, b"\n"),
        },
        Case {
            name: "md_short_lines",
            what: "Markdown: `a` lines (one paragraph), 8 MiB",
            write: |dir| file(dir, "short.md", b"# Short\n\n", b"a\n", TEXT_CAP, b""),
        },
        Case {
            name: "md_list_items",
            what: "Markdown: `- x` list items, 8 MiB",
            write: |dir| file(dir, "list.md", b"# List\n\n", b"- x\n", TEXT_CAP, b""),
        },
        Case {
            name: "md_headings",
            what: "Markdown: `## h` stories, 8 MiB",
            write: |dir| {
                file(
                    dir,
                    "heads.md",
                    b"# Heads\n\n",
                    b"## h\n\nx\n\n",
                    TEXT_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "md_deep_quotes",
            what: "Markdown: quotes nested 64 deep, 8 MiB",
            write: |dir| {
                let line = format!("{} x\n", ">".repeat(64));
                file(
                    dir,
                    "deep.md",
                    b"# Deep\n\n",
                    line.as_bytes(),
                    TEXT_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "html_li",
            what: "HTML: `<ul><li>x` unclosed, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "li.html",
                    b"<!DOCTYPE html><html><body><h1>List</h1>",
                    b"<ul><li>x",
                    MARKUP_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "html_paragraphs",
            what: "HTML: `<p>x</p>` lines, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "p.html",
                    b"<!DOCTYPE html><html><body><h1>Paras</h1>",
                    b"<p>x</p>\n",
                    MARKUP_CAP,
                    b"</body></html>\n",
                )
            },
        },
        Case {
            name: "html_sections",
            what: "HTML: `<h2>` stories, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "h2.html",
                    b"<!DOCTYPE html><html><body><h1>Stories</h1>",
                    b"<h2>Story</h2><p>Some text.</p>\n",
                    MARKUP_CAP,
                    b"</body></html>\n",
                )
            },
        },
        Case {
            name: "html_deep",
            what: "HTML: `<div>` nested as deep as 32 MiB allows",
            write: |dir| {
                file(
                    dir,
                    "deep.html",
                    b"<!DOCTYPE html><html><body><h1>Deep</h1><p>x</p>",
                    b"<div>",
                    MARKUP_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "eml_short_lines",
            what: "email: text/plain of `a` lines, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "short.eml",
                    &mail_head("text/plain; charset=utf-8", "8bit"),
                    b"a\n",
                    MARKUP_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "eml_html",
            what: "email: text/html of `<p>x</p>` lines, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "html.eml",
                    &mail_head("text/html; charset=utf-8", "8bit"),
                    b"<p>x</p>\n",
                    MARKUP_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "eml_base64",
            what: "email: base64 text/plain of short lines, 32 MiB",
            write: |dir| {
                let text = b"a line\n".repeat(MARKUP_CAP * 3 / 4 / 7 - 4096);
                let mut body = mail_head("text/plain; charset=utf-8", "base64");
                body.extend_from_slice(base64::base64_lines(&text, "\n").as_bytes());
                body.push(b'\n');
                whole(dir, "base64.eml", &body)
            },
        },
        Case {
            name: "eml_qp",
            what: "email: quoted-printable text/plain, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "qp.eml",
                    &mail_head("text/plain; charset=utf-8", "quoted-printable"),
                    b"caf=C3=A9 =E2=80=94 a line=\n that goes on\n",
                    MARKUP_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "eml_many_parts",
            what: "email: multipart/mixed of tiny text parts, 32 MiB",
            write: |dir| {
                let mut head = mail_head("multipart/mixed; boundary=\"b\"", "8bit");
                head.extend_from_slice(b"preamble\n");
                file(
                    dir,
                    "parts.eml",
                    &head,
                    b"--b\nContent-Type: text/plain\n\nx\n",
                    MARKUP_CAP,
                    b"--b--\n",
                )
            },
        },
        Case {
            name: "mbox_one_message",
            what: "mbox: one message of `a` lines, 32 MiB",
            write: |dir| {
                let mut head = b"From a@b.example Tue Oct  1 08:00:00 2024\n".to_vec();
                head.extend_from_slice(&mail_head("text/plain", "8bit"));
                file(dir, "one.mbox", &head, b"a\n", MARKUP_CAP, b"")
            },
        },
        Case {
            name: "mbox_many_messages",
            what: "mbox: tiny messages, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "many.mbox",
                    b"",
                    b"From a@b.example Tue Oct  1 08:00:00 2024\nFrom: A <a@b.example>\n\
                      Subject: Hi\n\nA short message.\n\n",
                    MARKUP_CAP,
                    b"",
                )
            },
        },
        Case {
            name: "rss_many_items",
            what: "RSS: tiny items, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "items.xml",
                    b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n",
                    b"<item><title>t</title><description>d</description></item>\n",
                    MARKUP_CAP - 32,
                    b"</channel></rss>\n",
                )
            },
        },
        Case {
            name: "atom_many_entries",
            what: "Atom: tiny entries, 32 MiB",
            write: |dir| {
                file(
                    dir,
                    "entries.atom",
                    b"<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>\n",
                    b"<entry><title>t</title><content>c</content></entry>\n",
                    MARKUP_CAP - 32,
                    b"</feed>\n",
                )
            },
        },
        Case {
            name: "json_many_items",
            what: "JSON Feed: tiny items, 32 MiB",
            write: |dir| {
                let mut json =
                    b"{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"T\", \"items\": ["
                        .to_vec();
                let mut i = 0;
                while json.len() < MARKUP_CAP - 64 {
                    if i > 0 {
                        json.push(b',');
                    }
                    write!(json, "\n{{\"id\": \"{i}\", \"content_text\": \"x\"}}")?;
                    i += 1;
                }
                json.extend_from_slice(b"]}\n");
                whole(dir, "items.json", &json)
            },
        },
        Case {
            name: "rss_big_items",
            what: "RSS: 64 items of HTML paragraphs, 32 MiB",
            write: |dir| {
                let mut xml =
                    b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n"
                        .to_vec();
                let per = MARKUP_CAP / 64 - 256;
                let para = b"&lt;p&gt;A paragraph of text.&lt;/p&gt;\n";
                for i in 0..64 {
                    write!(xml, "<item><title>Item {i}</title><description>")?;
                    xml.extend_from_slice(&para.repeat(per / para.len()));
                    xml.extend_from_slice(b"</description></item>\n");
                }
                xml.extend_from_slice(b"</channel></rss>\n");
                whole(dir, "big.xml", &xml)
            },
        },
        Case {
            name: "json_big_items",
            what: "JSON Feed: 64 items of HTML paragraphs, 32 MiB",
            write: |dir| {
                let mut json =
                    b"{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"T\", \"items\": ["
                        .to_vec();
                let per = MARKUP_CAP / 64 - 256;
                let para = b"<p>A paragraph of text.</p>\\n";
                for i in 0..64 {
                    if i > 0 {
                        json.push(b',');
                    }
                    write!(json, "{{\"id\": \"{i}\", \"content_html\": \"")?;
                    json.extend_from_slice(&para.repeat(per / para.len()));
                    json.extend_from_slice(b"\"}\n");
                }
                json.extend_from_slice(b"]}\n");
                whole(dir, "big.json", &json)
            },
        },
        Case {
            name: "folder_two_emails",
            what: "folder: two emails of `a` lines, 16 MiB each",
            write: |dir| {
                let folder = dir.join("two-emails");
                std::fs::create_dir_all(&folder)?;
                let head = mail_head("text/plain; charset=utf-8", "8bit");
                for name in ["one.eml", "two.eml"] {
                    file(&folder, name, &head, b"a\n", MARKUP_CAP / 2, b"")?;
                }
                Ok(folder)
            },
        },
        Case {
            name: "folder_many_texts",
            what: "folder: 64 plain-text files of `a` lines, 0.5 MiB each",
            write: |dir| {
                let folder = dir.join("many-texts");
                std::fs::create_dir_all(&folder)?;
                for i in 0..64 {
                    let head = format!("Letter {i}\n\n");
                    let name = format!("letter-{i:02}.txt");
                    file(&folder, &name, head.as_bytes(), b"a\n", MIB / 2, b"")?;
                }
                Ok(folder)
            },
        },
    ]
}

fn mail_head(content_type: &str, encoding: &str) -> Vec<u8> {
    format!(
        "From: Letters <news@letters.example>\nTo: reader@example.com\nSubject: A big one\n\
         Date: Tue, 1 Oct 2024 08:00:00 +0000\nMIME-Version: 1.0\n\
         Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n"
    )
    .into_bytes()
}

/// `head`, then `unit` repeated, then `tail`: `total` bytes in all.
fn file(
    dir: &Path,
    name: &str,
    head: &[u8],
    unit: &[u8],
    total: usize,
    tail: &[u8],
) -> std::io::Result<PathBuf> {
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    out.write_all(head)?;
    let body = total.saturating_sub(head.len() + tail.len());
    let units = body / unit.len();
    let chunk = unit.repeat((MIB / unit.len()).max(1));
    let mut left = units;
    while left > 0 {
        let n = left.min(chunk.len() / unit.len());
        out.write_all(&chunk[..n * unit.len()])?;
        left -= n;
    }
    out.write_all(tail)?;
    out.flush()?;
    Ok(path)
}

fn whole(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// Bytes of a file, or of every file in a folder.
fn size(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|entries| entries.flatten().map(|e| size(&e.path())).sum())
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

/// This process's peak resident memory in bytes (VmHWM, Linux).
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

/// The child: load `path` and say what it cost.
fn child(path: &Path) -> ExitCode {
    let start = Instant::now();
    let library = nlread::library::load_paths(&[path.to_path_buf()]);
    let secs = start.elapsed().as_secs_f64();
    let stored: usize = library
        .issues
        .iter()
        .map(nlread::parse::limits::text_bytes)
        .sum();
    println!(
        "issues={} errors={} stored={stored} secs={secs:.2} peak={}",
        library.issues.len(),
        library.errors.len(),
        peak_rss()
    );
    for error in library.errors.iter().take(3) {
        eprintln!("  error: {}: {}", error.source, error.message);
    }
    ExitCode::SUCCESS
}

/// Live heap bytes and their peak, counted by [`Counting`].
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting: `--phases` reads the peak of each step.
struct Counting;

// SAFETY: every call goes to the system allocator unchanged; the counters
// are atomics that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Runs `f`; returns its result, the most heap it held at once above what
/// was live before, and what it left live (its result).
fn heap_of<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let kept = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    (out, peak, kept)
}

/// `--phases`: the peak heap of decoding and of each parser, per unit of
/// input (a line, a list item, an element), on inputs at the text caps.
fn phases() -> ExitCode {
    use nlread::parse::{decode, html, markdown, plain};
    type Parse = fn(&str) -> nlread::model::Issue;
    let plain_parse: Parse = |t| plain::parse(t, "x.txt");
    let md_parse: Parse = |t| markdown::parse(t, "x.md");
    let html_parse: Parse = |t| html::parse(t, "x.html");
    let inputs: Vec<(&str, &str, Vec<u8>, Parse)> = vec![
        (
            "plain::parse",
            "`a` lines",
            b"a\n".repeat(TEXT_CAP / 2),
            plain_parse,
        ),
        (
            "plain::parse",
            "`a` paragraphs",
            b"a\n\n".repeat(TEXT_CAP / 3),
            plain_parse,
        ),
        (
            "plain::parse",
            "ALL CAPS stories (4 lines each)",
            b"A HEADING\n\nSome text here.\n\n".repeat(TEXT_CAP / 28),
            plain_parse,
        ),
        (
            "markdown::parse",
            "`a` lines",
            b"a\n".repeat(TEXT_CAP / 2),
            md_parse,
        ),
        (
            "markdown::parse",
            "`- x` items",
            b"- x\n".repeat(TEXT_CAP / 4),
            md_parse,
        ),
        (
            "markdown::parse",
            "`## h` stories (4 lines each)",
            b"## h\n\nx\n\n".repeat(TEXT_CAP / 9),
            md_parse,
        ),
        (
            "html::parse",
            "`<ul><li>x` (2 elements each)",
            b"<ul><li>x".repeat(TEXT_CAP / 9),
            html_parse,
        ),
        (
            "html::parse",
            "`<p>x</p>` lines",
            b"<p>x</p>\n".repeat(TEXT_CAP / 9),
            html_parse,
        ),
        (
            "html::parse",
            "`<h2>` stories (2 elements each)",
            b"<h2>Story</h2><p>Some text.</p>\n".repeat(TEXT_CAP / 32),
            html_parse,
        ),
    ];
    println!(
        "| step | input (8 MiB) | units | peak heap MiB | peak / input | bytes per unit | kept MiB |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (step, what, bytes, parse) in inputs {
        let units = match what {
            w if w.contains("4 lines") => bytes.iter().filter(|&&b| b == b'\n').count() / 4,
            w if w.contains("2 elements") => bytes.iter().filter(|&&b| b == b'<').count() / 2,
            w if w.contains("paragraphs") => bytes.iter().filter(|&&b| b == b'\n').count() / 2,
            w if w.contains("<p>") => bytes.iter().filter(|&&b| b == b'\n').count(),
            _ => bytes.iter().filter(|&&b| b == b'\n').count(),
        };
        let (text, decode_peak, _) = heap_of(|| decode::decode(&bytes).unwrap_or_default());
        let (issue, peak, kept) = heap_of(|| parse(&text));
        drop(issue);
        let row = |step: &str, peak: usize, kept: usize| {
            println!(
                "| `{step}` | {what} | {units} | {:.1} | {:.1}x | {} | {:.1} |",
                peak as f64 / MIB as f64,
                peak as f64 / bytes.len() as f64,
                peak / units.max(1),
                kept as f64 / MIB as f64,
            );
        };
        row("decode::decode", decode_peak, text.len());
        row(step, peak, kept);
    }
    ExitCode::SUCCESS
}

fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or("?")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, path] = args.as_slice()
        && flag == "--child"
    {
        return child(Path::new(path));
    }
    if args.iter().any(|a| a == "--phases") {
        return phases();
    }
    let all = cases();
    if args.iter().any(|a| a == "--list") {
        for case in &all {
            println!("{:<20} {}", case.name, case.what);
        }
        return ExitCode::SUCCESS;
    }
    let chosen: Vec<&Case> = all
        .iter()
        .filter(|c| args.is_empty() || args.iter().any(|a| c.name.contains(a.as_str())))
        .collect();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tmp/memory-table");
    if let Err(err) = std::fs::create_dir_all(&dir) {
        eprintln!("memory_table: {}: {err}", dir.display());
        return ExitCode::FAILURE;
    }
    let Ok(me) = std::env::current_exe() else {
        eprintln!("memory_table: cannot find my own executable");
        return ExitCode::FAILURE;
    };
    let baseline = Command::new(&me)
        .args(["--child", "/nonexistent-nlread-input"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string());
    if let Some(line) = baseline {
        let peak: f64 = field(&line, "peak").parse().unwrap_or(0.0);
        println!(
            "baseline: a child that loads nothing peaks at {:.1} MiB\n",
            peak / MIB as f64
        );
    }
    println!("| case | input | input MiB | issues | peak RSS MiB | peak / input | load s |");
    println!("|---|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    let mut failed = false;
    for case in chosen {
        let path = match (case.write)(&dir) {
            Ok(path) => path,
            Err(err) => {
                eprintln!(
                    "memory_table: {}: could not write the input: {err}",
                    case.name
                );
                failed = true;
                continue;
            }
        };
        let input = size(&path);
        let out = Command::new(&me).arg("--child").arg(&path).output();
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        let line = match out {
            Ok(out) if out.status.success() => {
                std::io::stderr().write_all(&out.stderr).ok();
                String::from_utf8_lossy(&out.stdout).trim().to_string()
            }
            Ok(out) => {
                eprintln!(
                    "memory_table: {}: the child failed ({}): {}",
                    case.name,
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                );
                failed = true;
                continue;
            }
            Err(err) => {
                eprintln!("memory_table: {}: {err}", case.name);
                failed = true;
                continue;
            }
        };
        let peak: f64 = field(&line, "peak").parse().unwrap_or(0.0);
        let ratio = peak / input.max(1) as f64;
        worst = worst.max(ratio);
        let mut row = String::new();
        let _ = write!(
            row,
            "| `{}` | {} | {:.1} | {} | {:.1} | {:.2}x | {} |",
            case.name,
            case.what,
            input as f64 / MIB as f64,
            field(&line, "issues"),
            peak / MIB as f64,
            ratio,
            field(&line, "secs"),
        );
        println!("{row}");
    }
    println!("\nworst: {worst:.2}x the input");
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
