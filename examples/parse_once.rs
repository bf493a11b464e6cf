//! Parses the parse bench's 300 generated issues once (for instruction counts).
#[path = "../benches/support/generate.rs"]
mod generate;

fn main() {
    let issues = generate::issues(300, 42);
    let mut sections = 0;
    for (name, text) in &issues {
        sections += nlread::parse::parse_bytes(text.as_bytes(), name)
            .map(|p| p.iter().map(|i| i.sections.len()).sum::<usize>())
            .unwrap_or(0);
    }
    println!("{sections}");
}
