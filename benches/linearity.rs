//! Linearity: `parse_bytes` on generated hostile shapes of 1, 4, 16 and
//! 64 MB, in MB/s. Parse time must grow linearly with the input, so MB/s at
//! 64 MB should stay within about 2x of MB/s at 1 MB for every shape.
//!
//! `cargo bench --bench linearity` runs criterion (few samples: one 64 MB
//! parse takes seconds). `NLREAD_LINEARITY_TABLE=1 cargo bench --bench
//! linearity` instead prints a Markdown table (best of 3 runs per size) and
//! the 64 MB / 1 MB ratio per shape, as reported in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/base64.rs"]
mod base64;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};

const MB: usize = 1 << 20;
const SIZES: [usize; 4] = [1, 4, 16, 64];

/// Repeats `unit(i)` until `size` bytes, between `head` and `tail`.
fn fill(head: &str, size: usize, tail: &str, unit: impl Fn(usize) -> String) -> Vec<u8> {
    let mut out = String::with_capacity(size + 4096);
    out.push_str(head);
    let mut i = 0;
    while out.len() + tail.len() < size {
        out.push_str(&unit(i));
        i += 1;
    }
    out.push_str(tail);
    out.into_bytes()
}

const WORDS: &str = "Rates held steady while the market waited for news of the vote ";

/// One shape: its name, the file name it is parsed as, and its generator.
type Shape = (&'static str, &'static str, fn(usize) -> Vec<u8>);

const SHAPES: [Shape; 10] = [
    ("long_line", "line.txt", |n| {
        fill("", n, "\n", |_| WORDS.into())
    }),
    ("html_deep", "deep.html", |n| {
        // Nesting as deep as the size allows: half opening, half closing tags.
        let depth = n / 2 / "<div>".len();
        let mut s = String::with_capacity(n + 64);
        s.push_str("<html><body>");
        s.push_str(&"<div>".repeat(depth));
        s.push_str("Deep text.");
        s.push_str(&"</div>".repeat(depth.min((n - s.len()) / 6)));
        s.into_bytes()
    }),
    ("html_flat", "flat.html", |n| {
        fill("<!DOCTYPE html><html><body>", n, "</body></html>", |i| {
            format!(
                "<p>Story {i}: <b>bold</b> words <a href=\"https://e.example/{i}\">link</a>. {WORDS}</p>\n"
            )
        })
    }),
    ("plain_sections", "many.txt", |n| {
        fill("The Letter\nSep 15, 2020\n\n", n, "", |i| {
            format!("STORY NUMBER {i}\n\n{WORDS}\n\n- a bullet point\n\n")
        })
    }),
    ("markdown_sections", "many.md", |n| {
        fill("---\ntitle: Many\n---\n\n", n, "", |i| {
            format!("## Story {i}\n\n{WORDS} **bold** [link](https://e.example/{i})\n\n- item\n\n")
        })
    }),
    ("email_received", "headers.eml", |n| {
        fill(
            "From: A <a@b.example>\nSubject: Headers\n",
            n.saturating_sub(64),
            "\nBody text.\n",
            |i| {
                format!(
                    "Received: from relay{i}.example by mx.example; Tue, 1 Oct 2024 08:00:00 +0000\nTo: r{i}@example.com\n"
                )
            },
        )
    }),
    ("email_subject", "subject.eml", |n| {
        fill(
            "From: A <a@b.example>\nSubject: ",
            n.saturating_sub(32),
            "\n\nBody text.\n",
            |_| WORDS.into(),
        )
    }),
    ("email_base64", "b64.eml", |n| {
        let text = fill("", n * 3 / 4, "", |i| format!("Paragraph {i}. {WORDS}\n\n"));
        let mut s = String::from(
            "From: A <a@b.example>\nSubject: Big\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
        );
        s.push_str(&base64::base64_lines(&text, "\n"));
        s.into_bytes()
    }),
    ("email_qp", "qp.eml", |n| {
        fill(
            "From: A <a@b.example>\nSubject: QP\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n",
            n,
            "",
            |i| {
                format!(
                    "Paragraph {i} =E2=80=94 rates held steady while the market waited for=\n news of the vote =3D yes.\n\n"
                )
            },
        )
    }),
    ("mbox_messages", "box", |n| {
        fill("", n, "", |i| {
            format!(
                "From a@b Tue Oct  1 08:00:00 2024\nFrom: A <a@b.example>\nSubject: m{i}\n\n{WORDS}\n\n"
            )
        })
    }),
];

fn parse(bytes: &[u8], name: &str) -> usize {
    match nlread::parse::parse_bytes(bytes, name) {
        Ok(issues) => issues.iter().map(|i| i.sections.len()).sum(),
        Err(err) => panic!("{name}: {err}"),
    }
}

fn table() {
    println!("| shape | 1 MB | 4 MB | 16 MB | 64 MB | 64 MB / 1 MB |");
    println!("|---|---|---|---|---|---|");
    for (shape, name, make) in SHAPES {
        let mut rates = Vec::new();
        for size in SIZES {
            let bytes = make(size * MB);
            let best = (0..3)
                .map(|_| {
                    let start = Instant::now();
                    black_box(parse(black_box(&bytes), name));
                    start.elapsed()
                })
                .min()
                .unwrap_or(Duration::MAX);
            rates.push(bytes.len() as f64 / 1e6 / best.as_secs_f64());
        }
        let cells: Vec<String> = rates.iter().map(|r| format!("{r:.1}")).collect();
        println!(
            "| {shape} | {} | {:.2} |",
            cells.join(" | "),
            rates[3] / rates[0]
        );
    }
}

fn bench(c: &mut Criterion) {
    for (shape, name, make) in SHAPES {
        let mut group = c.benchmark_group(format!("linearity/{shape}"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        for size in SIZES {
            let bytes = make(size * MB);
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_with_input(
                BenchmarkId::from_parameter(format!("{size}MB")),
                &bytes,
                |b, bytes| b.iter(|| parse(black_box(bytes), name)),
            );
        }
        group.finish();
    }
}

fn main() {
    if std::env::var_os("NLREAD_LINEARITY_TABLE").is_some() {
        table();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
