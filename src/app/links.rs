//! What `o` and `y` do with a story's links, decided without touching the
//! system: which addresses may go to the opener and how to name them.

/// True for addresses the system opener may be handed: http(s) and mailto
/// only. `file:`, `javascript:`, `data:` and custom schemes could run or
/// reveal something on this machine; an address holding spaces or control
/// characters is no address a browser would be asked to open, and neither
/// is one with a bidi control, which makes it read other than it goes.
pub fn is_openable(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let mail = lower.starts_with("mailto:");
    let rest = url
        .split_once(':')
        .map_or("", |(_, r)| r.trim_start_matches('/'));
    (web || mail)
        && !rest.is_empty()
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
        && crate::text::sanitize(url) == url
}

/// Where a link goes, short: a web address's host, a mail address, or the
/// address itself. The host is read as browsers read it: for http(s) a
/// backslash ends it like a slash, so `https://evil.example\@bank.example/`
/// goes to evil.example, and says so.
pub fn place(url: &str) -> &str {
    if let Some((scheme, rest)) = url.split_once("://")
        && scheme.eq_ignore_ascii_case("http") | scheme.eq_ignore_ascii_case("https")
    {
        let host = rest.split(['/', '\\', '?', '#']).next().unwrap_or(rest);
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        if !host.is_empty() {
            return host;
        }
    }
    if let Some((scheme, rest)) = url.split_once(':')
        && scheme.eq_ignore_ascii_case("mailto")
    {
        let address = rest.split('?').next().unwrap_or(rest);
        if !address.is_empty() {
            return address;
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_are_openable() {
        for ok in [
            "https://example.com/a",
            "HTTP://EXAMPLE.COM",
            "mailto:editor@example.com",
        ] {
            assert!(is_openable(ok), "{ok}");
        }
        for refused in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "slack://open",
            "ftp://example.com",
            "https://",
            "mailto:",
            "-https://example.com",
            "https://example.com/a b",
            "https://example.com/\u{1b}[2J",
            "https://example.com/\u{202e}gpj.exe",
            "https://example.com/\u{2066}x",
            "",
            "example.com",
        ] {
            assert!(!is_openable(refused), "{refused}");
        }
    }

    #[test]
    fn places_are_hosts_or_addresses() {
        assert_eq!(place("https://www.example.com/x?y#z"), "www.example.com");
        assert_eq!(
            place("http://user:pw@example.org:8080/"),
            "example.org:8080"
        );
        assert_eq!(place("mailto:ed@example.com?subject=hi"), "ed@example.com");
        assert_eq!(place("gopher://x"), "gopher://x");
        // Issue 11, finding 10: the status line said trusted-bank.example.
        assert_eq!(
            place("https://evil.example\\@trusted-bank.example/login"),
            "evil.example"
        );
        assert_eq!(place("http://a.example\\b@c.example"), "a.example");
        assert_eq!(place("https://"), "https://");
    }
}
