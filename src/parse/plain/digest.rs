//! Mail digests in plain text (Mailman, RFC 1153): each message starts
//! with a block of mail headers ("From:", "Date:", "Subject:" ...) and is a
//! story titled by its Subject. A digest's masthead names its list: "Send
//! NAME mailing list submissions to".

/// One message's header block: lines `start..end`, and its Subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    pub start: usize,
    pub end: usize,
    pub subject: String,
    pub from: Option<String>,
    pub date: Option<String>,
}

const FIELDS: [&str; 14] = [
    "message",
    "date",
    "from",
    "to",
    "cc",
    "subject",
    "message-id",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
    "in-reply-to",
    "references",
    "reply-to",
    "sender",
];

/// The header blocks of a digest's messages: a run of mail header lines
/// (continuations indented) at the start of a paragraph, holding a
/// Subject and a From, with a blank line after it.
pub(super) fn message_headers(lines: &[&str]) -> Vec<Header> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let starts_paragraph = i == 0 || lines[i - 1].trim().is_empty();
        if !starts_paragraph || field(lines[i]).is_none() {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut subject: Option<String> = None;
        let mut from: Option<String> = None;
        let mut date: Option<String> = None;
        let mut in_subject = false;
        while j < lines.len() {
            let line = lines[j];
            if line.trim().is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) && j > i {
                if in_subject && let Some(s) = subject.as_mut() {
                    s.push(' ');
                    s.push_str(line.trim());
                }
                j += 1;
                continue;
            }
            let Some((name, value)) = field(line) else {
                break;
            };
            in_subject = name == "subject";
            if in_subject {
                subject = Some(value.trim().to_string());
            }
            match name.as_str() {
                "from" => from = Some(value.trim().to_string()),
                "date" => date = Some(value.trim().to_string()),
                _ => {}
            }
            j += 1;
        }
        let ends_block = j >= lines.len() || lines[j].trim().is_empty();
        match subject {
            Some(subject) if from.is_some() && ends_block && j - i >= 2 => {
                let subject = if subject.is_empty() {
                    "(no subject)".to_string()
                } else {
                    subject
                };
                out.push(Header {
                    start: i,
                    end: j,
                    subject,
                    from,
                    date,
                });
                i = j;
            }
            _ => i = j.max(i + 1),
        }
    }
    // One header block is a forwarded or quoted mail, not a digest.
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// "Subject: text" -> ("subject", "text") for the fields a digest's
/// message headers use.
fn field(line: &str) -> Option<(String, &str)> {
    let (name, value) = line.split_once(':')?;
    if name.len() > 25 || !FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name)) {
        return None;
    }
    Some((name.to_ascii_lowercase(), value))
}

/// The list a digest comes from, by Mailman's masthead ("Send NAME mailing
/// list submissions to") or trailer ("End of NAME Digest").
pub(super) fn list_name(lines: &[&str]) -> Option<String> {
    let head = lines.iter().take(5).find_map(|l| {
        l.trim()
            .strip_prefix("Send ")?
            .strip_suffix(" mailing list submissions to")
            .map(str::trim)
    });
    let tail = || {
        lines.iter().rev().take(5).find_map(|l| {
            let rest = l.trim().strip_prefix("End of ")?;
            let at = rest.find(" Digest")?;
            Some(rest[..at].trim())
        })
    };
    head.or_else(tail)
        .filter(|n| !n.is_empty() && n.split_whitespace().count() <= 6)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_their_subjects() {
        let text = "Send garden-talk mailing list submissions to\n\tlist@example.org\n\n\
                    Message: 1\nDate: Mon, 2 Oct 2023 10:00:00 +0000\nFrom: Ann <a@example.org>\n\
                    Subject: Re: Frost dates\n\tfor the north\n\nBody one.\n\n\
                    ------------------------------\n\nMessage: 2\nFrom: Bo <b@example.org>\n\
                    Subject: Seeds\n\nBody two.\n";
        let lines: Vec<&str> = text.lines().collect();
        let headers = message_headers(&lines);
        assert_eq!(headers.len(), 2);
        assert_eq!(headers[0].subject, "Re: Frost dates for the north");
        assert_eq!(headers[1].subject, "Seeds");
        assert_eq!(list_name(&lines).as_deref(), Some("garden-talk"));
    }

    #[test]
    fn one_quoted_header_is_no_digest() {
        let lines = ["From: Ann <a@example.org>", "Subject: Hi", "", "Text"];
        assert!(message_headers(&lines).is_empty());
    }
}
