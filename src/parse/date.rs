//! Dates as newsletters write them, to ISO 8601 (`YYYY-MM-DD`).
//!
//! Accepted: "Sep 15, 2020", "Sept. 15 2020", "September 15, 2020",
//! "Tuesday, September 15, 2020", "15 September 2020", "15 Sep. 2020",
//! "2020-09-15", "2020/09/15", "2020.09.15" and RFC 2822 mail dates
//! ("Tue, 15 Sep 2020 08:00:00 +0000"). Slash dates with the day or month
//! first ("09/15/2020") are ambiguous and only taken when one reading is impossible.

/// Finds the first calendar date in `line`.
///
/// ```
/// use nlread::parse::date::find_date;
/// assert_eq!(find_date("Tuesday, Sept. 15, 2020").as_deref(), Some("2020-09-15"));
/// assert_eq!(find_date("1,513 words, a 6-minute read"), None);
/// ```
pub fn find_date(line: &str) -> Option<String> {
    // A date is looked for where lines keep them: at their start, not in
    // the middle of a megabyte of text.
    let mut end = line.len().min(4096);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let tokens = tokenize(&line[..end]);
    for i in 0..tokens.len() {
        if let Some(date) = date_at(&tokens[i..]) {
            return Some(date);
        }
    }
    None
}

/// True when the line is a date and nothing else of substance: a weekday,
/// a time or "Updated"-style words may surround it.
pub fn is_date_line(line: &str) -> bool {
    stray_words(line) == Some(0)
}

/// True for an issue's dateline: a date with at most two other words
/// ("Week of June 2, 2025", "Issue 42 — March 3, 2025").
pub fn is_dateline(line: &str) -> bool {
    stray_words(line).is_some_and(|n| n <= 2)
}

/// How many words of a line that holds a date are not part of it (None
/// when the line holds no date or is too long to be a dateline).
fn stray_words(line: &str) -> Option<usize> {
    if line.len() > 200 {
        return None;
    }
    find_date(line)?;
    let count = tokenize(line)
        .iter()
        .filter(|t| match t {
            Token::Word(w) => month(w).is_none() && !is_weekday(w) && !is_filler(w),
            _ => false,
        })
        .count();
    Some(count)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Number(u32, usize),
    /// A dash-, slash- or dot-separated numeric date such as 2020-09-15.
    Numeric(Vec<u32>, Vec<usize>),
    /// A field separator ("|", "·", a lone dash).
    Sep,
}

fn tokenize(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for raw in line.split(|c: char| c.is_whitespace() || c == ',') {
        // "Issue 19 | March 2025": a bar, a middle dot or a lone dash
        // parts fields; a date never runs across one.
        if !raw.is_empty() && raw.chars().all(|c| matches!(c, '|' | '·' | '—' | '–')) {
            tokens.push(Token::Sep);
            continue;
        }
        let mut parts = raw.split(['|', '·']).peekable();
        while let Some(part) = parts.next() {
            push_token(&mut tokens, part);
            if parts.peek().is_some() {
                tokens.push(Token::Sep);
            }
        }
    }
    tokens
}

fn push_token(tokens: &mut Vec<Token>, raw: &str) {
    {
        let raw = raw.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '—' | '–'));
        if raw.is_empty() {
            return;
        }
        if raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.'))
        {
            let parts: Vec<&str> = raw
                .split(['-', '/', '.'])
                .filter(|p| !p.is_empty())
                .collect();
            let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
            if nums.len() == 1 && parts.len() == 1 {
                tokens.push(Token::Number(nums[0], parts[0].len()));
            } else if nums.len() == 3 && parts.len() == 3 {
                tokens.push(Token::Numeric(
                    nums,
                    parts.iter().map(|p| p.len()).collect(),
                ));
            } else {
                tokens.push(Token::Word(raw.to_string()));
            }
        } else {
            // "15th" -> 15
            let lower = raw.to_lowercase();
            let digits: String = lower.chars().take_while(char::is_ascii_digit).collect();
            let rest = &lower[digits.len()..];
            if !digits.is_empty()
                && matches!(rest, "st" | "nd" | "rd" | "th")
                && let Ok(n) = digits.parse()
            {
                tokens.push(Token::Number(n, digits.len()));
                return;
            }
            tokens.push(Token::Word(raw.trim_end_matches('.').to_string()));
        }
    }
}

fn date_at(tokens: &[Token]) -> Option<String> {
    match tokens {
        [Token::Numeric(nums, lens), ..] => numeric(nums, lens),
        // Month Day Year
        [Token::Word(m), Token::Number(d, _), Token::Number(y, 4), ..] => iso(*y, month(m)?, *d),
        // Day Month Year
        [
            Token::Number(d, dl),
            Token::Word(m),
            Token::Number(y, 4),
            ..,
        ] if *dl <= 2 => iso(*y, month(m)?, *d),
        _ => None,
    }
}

fn numeric(nums: &[u32], lens: &[usize]) -> Option<String> {
    let (a, b, c) = (nums[0], nums[1], nums[2]);
    if lens[0] == 4 {
        return iso(a, b, c);
    }
    if lens[2] == 4 {
        // Only when one reading is impossible: 15/09/2020 or 09/15/2020.
        return match (a > 12, b > 12) {
            (true, false) => iso(c, b, a),
            (false, true) => iso(c, a, b),
            _ if a == b => iso(c, a, b),
            _ => None,
        };
    }
    None
}

fn iso(year: u32, month: u32, day: u32) -> Option<String> {
    if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

fn month(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    if w == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let w = word.trim_end_matches('.').to_lowercase();
    w.len() >= 3
        && DAYS
            .iter()
            .any(|d| *d == w || d.starts_with(&w) && w.len() <= 4)
}

fn is_filler(word: &str) -> bool {
    let w = word.to_lowercase();
    matches!(
        w.as_str(),
        "of" | "the" | "on" | "at" | "am" | "pm" | "gmt" | "utc" | "et" | "pt"
    ) || w.starts_with('+')
        || w.chars().all(|c| c.is_ascii_digit() || c == ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_forms() {
        for (line, want) in [
            ("Sep 15, 2020", "2020-09-15"),
            ("Sept. 15, 2020", "2020-09-15"),
            ("September 15 2020", "2020-09-15"),
            ("Tuesday, September 15, 2020", "2020-09-15"),
            ("Tue, 15 Sep 2020 08:00:00 +0000", "2020-09-15"),
            ("15 September 2020", "2020-09-15"),
            ("15th Sep. 2020", "2020-09-15"),
            ("2020-09-15", "2020-09-15"),
            ("2020/9/5", "2020-09-05"),
            ("15/09/2020", "2020-09-15"),
            ("09/15/2020", "2020-09-15"),
            ("Issue 42 — March 3, 2025", "2025-03-03"),
            ("Issue 7 | 3 March 2025", "2025-03-03"),
            ("Vol. 2 · March 3, 2025", "2025-03-03"),
        ] {
            assert_eq!(find_date(line).as_deref(), Some(want), "{line}");
        }
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_none() {
        for line in [
            "Feb 30, 2021",
            "03/04/2021",
            "May the force",
            "2020-13-01",
            "1,513 words",
            // An issue number is no day: the month has none here.
            "Issue 19 | March 2025",
            "No. 19 — March 2025",
            "Issue 19·March 2025",
        ] {
            assert_eq!(find_date(line), None, "{line}");
        }
    }

    #[test]
    fn date_lines_hold_nothing_else() {
        assert!(is_date_line("Sep 15, 2020"));
        assert!(is_date_line("Tuesday, 5 March 2024"));
        assert!(!is_date_line("Issue 42 — March 3, 2025"));
        assert!(is_dateline("Issue 42 — March 3, 2025"));
        assert!(is_dateline("Week of June 2, 2025"));
        assert!(!is_dateline("The council met on June 2, 2025 to vote"));
        assert!(!is_date_line(
            "Markets fell on March 3, 2025 after the vote"
        ));
    }
}
