//! Writes a deterministic mbox of generated newsletter emails, for trying
//! nlread's streaming mbox reader at scale and measuring its memory.
//!
//!     cargo run --release --example gen_mbox -- --mb 200 OUT.mbox
//!     cargo run --release --example gen_mbox -- --load OUT.mbox
//!     /usr/bin/time -v target/release/nlread export OUT.mbox > /dev/null
//!
//! `--load FILE` loads FILE as nlread does (no cache) and prints the issue
//! count and the process's peak memory (VmHWM, Linux) beside the file size.
//!
//! Each message is what newsletters really send: multipart/alternative with
//! a text/plain part (a generated issue, see benches/support/generate.rs)
//! and a text/html part built from the same paragraphs in an email-template
//! layout (table cells with inline styles, a hidden preheader, a footer and
//! a tracking pixel). Lines of the text part are mboxrd-escaped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/generate.rs"]
mod generate;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut mb = 200u64;
    let mut seed = 42u64;
    let mut out: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mb" => mb = args.next().and_then(|v| v.parse().ok()).unwrap_or(mb),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--load" => return load(args.next().map(PathBuf::from)),
            "-h" | "--help" => {
                println!("usage: gen_mbox [--mb SIZE_IN_MB] [--seed S] OUT.mbox");
                return ExitCode::SUCCESS;
            }
            other => out = Some(PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_mbox [--mb SIZE_IN_MB] [--seed S] OUT.mbox");
        return ExitCode::from(2);
    };
    match write_mbox(&out, mb * 1024 * 1024, seed) {
        Ok((messages, bytes, text)) => {
            println!(
                "wrote {messages} messages, {:.1} MB ({:.1} MB of it text/plain) to {}",
                bytes as f64 / 1e6,
                text as f64 / 1e6,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("gen_mbox: {}: {err}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn load(path: Option<PathBuf>) -> ExitCode {
    let Some(path) = path else {
        eprintln!("usage: gen_mbox --load FILE");
        return ExitCode::from(2);
    };
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let library = nlread::library::load_paths(std::slice::from_ref(&path));
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb * 1024);
    println!(
        "{} issues, {} errors; file {:.1} MB, peak memory (VmHWM) {:.1} MB = {:.2}x the file",
        library.issues.len(),
        library.errors.len(),
        size as f64 / 1e6,
        peak as f64 / 1e6,
        peak as f64 / size.max(1) as f64
    );
    ExitCode::SUCCESS
}

/// Returns (messages, bytes written, bytes of text/plain bodies).
fn write_mbox(
    path: &std::path::Path,
    target: u64,
    seed: u64,
) -> std::io::Result<(usize, u64, u64)> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut rng = generate::Rng::new(seed);
    let (mut written, mut text_bytes, mut i) = (0u64, 0u64, 0usize);
    while written < target {
        let text = generate::issue(&mut rng, i);
        let message = message(&text, i);
        file.write_all(message.as_bytes())?;
        written += message.len() as u64;
        text_bytes += text.len() as u64;
        i += 1;
    }
    file.flush()?;
    Ok((i, written, text_bytes))
}

fn message(text: &str, i: usize) -> String {
    let subject = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("Issue");
    let (year, month, day) = (2015 + (i / 336) % 11, (i / 28) % 12, 1 + i % 28);
    let mut out = String::with_capacity(text.len() * 5);
    let _ = write!(
        out,
        "From news@letters.example {} {day:>2} 08:00:00 {year}\n\
         From: Generated Letters <news@letters.example>\n\
         To: reader@example.com\n\
         Subject: {subject}\n\
         Date: {day} {} {year} 08:00:00 +0000\n\
         Message-ID: <{i}@letters.example>\n\
         List-Id: Generated Letters <gen.letters.example>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/alternative; boundary=\"b{i}\"\n\n\
         --b{i}\n\
         Content-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: 8bit\n\n",
        MONTHS[month], MONTHS[month],
    );
    for line in text.lines() {
        // mboxrd: one more '>' on every line matching ^>*From
        if line.trim_start_matches('>').starts_with("From ") {
            out.push('>');
        }
        out.push_str(line);
        out.push('\n');
    }
    let _ = write!(
        out,
        "\n--b{i}\n\
         Content-Type: text/html; charset=utf-8\n\
         Content-Transfer-Encoding: 8bit\n\n\
         <!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>td{{font-family:Georgia,serif}} \
         @media (max-width:600px){{.wrap{{width:100%!important}}}}</style></head><body style=\"margin:0;padding:0;background:#f4f4f4\">\n\
         <div style=\"display:none;max-height:0;overflow:hidden\">{subject}</div>\n\
         <table role=\"presentation\" class=\"wrap\" width=\"600\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#ffffff\">\n"
    );
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let escaped = para
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\n', " ");
        let _ = writeln!(
            out,
            "<tr><td style=\"font-family:Georgia,'Times New Roman',serif;font-size:17px;line-height:26px;\
             color:#222222;padding:0 32px 18px 32px;text-align:left\">\
             <span style=\"font-size:17px;line-height:26px\">{escaped}</span></td></tr>"
        );
    }
    let _ = write!(
        out,
        "<tr><td style=\"font-family:Helvetica,Arial,sans-serif;font-size:12px;color:#888888;padding:24px 32px\">\
         You are receiving this because you subscribed. <a href=\"https://letters.example/unsubscribe?u={i}\" \
         style=\"color:#888888\">Unsubscribe</a> &middot; 1 Example Street, Springfield</td></tr>\n\
         </table><img src=\"https://track.letters.example/open/{i}.gif\" width=\"1\" height=\"1\" alt=\"\">\
         </body></html>\n--b{i}--\n\n"
    );
    out
}
