//! A guard in front of html5ever against deep nesting.
//!
//! html5ever checks "a p element in button scope" and the like by walking
//! the stack of open elements, so each start tag costs time in proportion to
//! the nesting depth, and a document of a million nested `<div>`s takes
//! quadratic time. This pass drops start tags (and their end tags) beyond
//! [`MAX_NESTING`] open elements, so the stack stays short. Elements that
//! need no end tag (`p`, `li`, `td` ...) and void ones (`br`, `img`) are not
//! counted, so ordinary email markup never comes near the limit. Headings
//! are not counted either (one closes another, so they cannot pile up), so
//! a story deep in a page builder's wrappers keeps its heading.

/// Open elements kept; the walker reads only 200 levels deep anyway.
pub(super) const MAX_NESTING: usize = 256;

const UNCOUNTED: [&str; 34] = [
    "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "rb", "rt", "rp", "br", "img", "hr", "meta", "link", "input", "area", "base",
    "col", "embed", "source", "wbr", "h1", "h2", "h3", "h4", "h5", "h6",
];

/// The document with start tags beyond the nesting limit removed, or None
/// when it never goes that deep (the common case: nothing is copied).
pub(super) fn flatten(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    // End tags still to drop, per dropped start tag.
    let mut dropped: Vec<String> = Vec::new();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already in `out`
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + lt;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |e| start + e + 3);
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', &bytes[start..]) else {
            break;
        };
        let end = start + gt + 1;
        let tag = &html[start + 1..end - 1];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        i = end;
        if name.is_empty() || UNCOUNTED.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") && !closing {
            // Raw text: skip to its end tag.
            let close = format!("</{name}");
            i = find_ci(&html[end..], &close).map_or(bytes.len(), |e| end + e);
            continue;
        }
        let drop = if closing {
            if dropped.last() == Some(&name) {
                dropped.pop();
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= MAX_NESTING {
            dropped.push(name);
            true
        } else {
            depth += 1;
            false
        };
        if drop {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
            buf.push_str(&html[copied..start]);
            copied = end;
        }
    }
    let mut buf = out?;
    buf.push_str(&html[copied..]);
    Some(buf)
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let first = needle[0];
    let mut from = 0;
    while let Some(p) = memchr::memchr(first, &hay[from..]) {
        let at = from + p;
        if hay.len() - at >= needle.len() && hay[at..at + needle.len()].eq_ignore_ascii_case(needle)
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_documents_are_not_copied() {
        assert_eq!(flatten("<div><p>a<p>b<br><img src=x></div>"), None);
        let lists = "<ul><li>x".repeat(100);
        assert_eq!(flatten(&lists), None);
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit() {
        let n = MAX_NESTING + 50;
        let html = format!("{}text{}", "<div>".repeat(n), "</div>".repeat(n));
        let flat = flatten(&html).unwrap();
        assert_eq!(flat.matches("<div>").count(), MAX_NESTING);
        assert_eq!(flat.matches("</div>").count(), MAX_NESTING);
        assert!(flat.contains("text"));
    }
}
