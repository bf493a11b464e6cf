//! One polite GET of a feed, through ureq: a User-Agent naming nlread,
//! the last answer's validators sent back (If-None-Match,
//! If-Modified-Since) so an unchanged feed costs a 304, gzip, a time limit
//! for the whole exchange, a size cap on the body, http(s) only, and
//! Retry-After heard on 429 and 503.
//!
//! Redirects are followed here, hop by hop, each hop a ureq request:
//! ureq follows them by itself but does not say whether they were
//! permanent (301, 308), and a permanent one must update the subscription.

use std::time::{Duration, Instant, SystemTime};

use ureq::http;

/// At most this many redirects, as browsers allow.
const MAX_REDIRECTS: usize = 10;

/// How a fetch is made.
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// The whole exchange (every redirect, the body) must end within this.
    pub timeout: Duration,
    /// A body larger than this (after gzip is undone) is refused.
    pub max_bytes: u64,
}

/// The feed's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// None: 304 Not Modified, the feed is as it was.
    pub body: Option<Vec<u8>>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    /// Where every redirect on the way was permanent: the feed's new address.
    pub moved_to: Option<String>,
}

/// Why a fetch failed, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("HTTP {code}{}", reason_words(*code))]
    Status { code: u16 },
    /// 429, or 503 with a Retry-After: no request before `until`.
    #[error("the server asks nlread to wait (HTTP {code}); next try after {}", clock(*until))]
    Wait {
        code: u16,
        until: crate::model::Millis,
    },
    #[error("timed out after {} s", .0.as_secs())]
    Timeout(Duration),
    #[error("too large: more than {} MiB", .0 >> 20)]
    TooLarge(u64),
    #[error("host not found")]
    HostNotFound,
    #[error("could not connect ({0})")]
    Connect(String),
    #[error("secure connection failed ({0})")]
    Tls(String),
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("redirected to {0}, which is no http or https address")]
    BadRedirect(String),
    #[error("{0}")]
    BadUrl(String),
    #[error("{0}")]
    Other(String),
}

fn reason_words(code: u16) -> String {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

/// "14:05 UTC" for a time in milliseconds since the epoch.
fn clock(millis: crate::model::Millis) -> String {
    let secs = millis / 1000;
    format!(
        "{:02}:{:02} UTC",
        (secs % 86_400) / 3600,
        (secs % 3600) / 60
    )
}

/// The User-Agent: nlread and its version.
pub fn user_agent() -> String {
    format!("nlread/{}", env!("CARGO_PKG_VERSION"))
}

/// What nlread asks for: feeds first, anything after.
const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
                      application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

/// How long a 429 without Retry-After keeps nlread away.
const DEFAULT_WAIT: Duration = Duration::from_secs(15 * 60);
/// A Retry-After longer than this is taken as this (a day).
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 3600);

impl Client {
    pub fn new(timeout: Duration, max_bytes: u64) -> Client {
        let agent = ureq::Agent::config_builder()
            .user_agent(user_agent())
            .accept(ACCEPT)
            // Redirects are followed by `get`, hop by hop.
            .max_redirects(0)
            // 404, 429 and the like are answers to read, not errors.
            .http_status_as_error(false)
            .build()
            .new_agent();
        Client {
            agent,
            timeout,
            max_bytes,
        }
    }

    /// GETs `url`, sending `etag` and `last_modified` back as validators.
    pub fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Answer, FetchError> {
        let deadline = Instant::now() + self.timeout;
        let mut at = parse_url(url)?;
        let mut moved_to = None;
        let mut all_permanent = true;
        for _ in 0..=MAX_REDIRECTS {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(FetchError::Timeout(self.timeout));
            }
            let mut request = self
                .agent
                .get(at.as_str())
                .config()
                .timeout_global(Some(left))
                .build();
            if let Some(etag) = etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(date) = last_modified {
                request = request.header("If-Modified-Since", date);
            }
            let response = request.call().map_err(|e| self.error(e))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            if (300..400).contains(&status) && status != 304 {
                let Some(location) = header("location") else {
                    return Err(FetchError::Status { code: status });
                };
                let next = at
                    .join(&location)
                    .map_err(|_| FetchError::BadRedirect(crate::text::sanitize(&location)))?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(FetchError::BadRedirect(crate::text::sanitize(
                        next.as_str(),
                    )));
                }
                all_permanent &= matches!(status, 301 | 308);
                if all_permanent {
                    moved_to = Some(next.to_string());
                }
                at = next;
                continue;
            }
            if status == 429 || (status == 503 && header("retry-after").is_some()) {
                let wait = header("retry-after")
                    .and_then(|v| retry_after(&v, SystemTime::now()))
                    .unwrap_or(DEFAULT_WAIT)
                    .min(LONGEST_WAIT);
                let until = crate::store::now_millis()
                    .saturating_add(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX));
                return Err(FetchError::Wait {
                    code: status,
                    until,
                });
            }
            let mut answer = Answer {
                body: None,
                etag: header("etag"),
                last_modified: header("last-modified"),
                content_type: header("content-type"),
                moved_to,
            };
            if status == 304 {
                return Ok(answer);
            }
            if !(200..300).contains(&status) {
                return Err(FetchError::Status { code: status });
            }
            let declared = header("content-length").and_then(|v| v.parse::<u64>().ok());
            if declared.is_some_and(|n| n > self.max_bytes) {
                return Err(FetchError::TooLarge(self.max_bytes));
            }
            let body = response
                .into_body()
                .into_with_config()
                .limit(self.max_bytes)
                .read_to_vec()
                .map_err(|e| self.error(e))?;
            answer.body = Some(body);
            return Ok(answer);
        }
        Err(FetchError::TooManyRedirects)
    }

    /// A ureq error in words.
    fn error(&self, e: ureq::Error) -> FetchError {
        use std::io::ErrorKind;
        match e {
            ureq::Error::Timeout(_) => FetchError::Timeout(self.timeout),
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(self.max_bytes),
            ureq::Error::HostNotFound => FetchError::HostNotFound,
            ureq::Error::Tls(why) => FetchError::Tls(why.to_string()),
            ureq::Error::BadUri(why) => FetchError::BadUrl(why),
            ureq::Error::Io(io) => match io.kind() {
                ErrorKind::TimedOut | ErrorKind::WouldBlock => FetchError::Timeout(self.timeout),
                ErrorKind::ConnectionRefused => FetchError::Connect("connection refused".into()),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                    FetchError::Connect("the server closed the connection".into())
                }
                ErrorKind::UnexpectedEof => {
                    FetchError::Connect("the server closed the connection early".into())
                }
                _ => FetchError::Connect(io.to_string()),
            },
            ureq::Error::ConnectionFailed => FetchError::Connect("connection failed".into()),
            ureq::Error::Protocol(p) => {
                FetchError::Other(format!("the server's answer is no valid HTTP ({p})"))
            }
            other => FetchError::Other(other.to_string()),
        }
    }
}

/// An http(s) address, or why it is none.
fn parse_url(url: &str) -> Result<url::Url, FetchError> {
    super::feeds::check_url(url)
        .and_then(|u| url::Url::parse(&u).map_err(|e| e.to_string()))
        .map_err(FetchError::BadUrl)
}

/// A Retry-After value (seconds, or an HTTP date) as a wait from `now`.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:59:37 GMT", now),
            Some(Duration::from_secs(600))
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            FetchError::Status { code: 404 }.to_string(),
            "HTTP 404 Not Found"
        );
        assert_eq!(
            FetchError::Timeout(Duration::from_secs(30)).to_string(),
            "timed out after 30 s"
        );
        assert_eq!(
            FetchError::TooLarge(16 << 20).to_string(),
            "too large: more than 16 MiB"
        );
        let wait = FetchError::Wait {
            code: 429,
            until: 50_700_000,
        };
        assert_eq!(
            wait.to_string(),
            "the server asks nlread to wait (HTTP 429); next try after 14:05 UTC"
        );
        let client = Client::new(Duration::from_secs(1), 10);
        assert!(matches!(
            client.get("ftp://example.com/feed", None, None),
            Err(FetchError::BadUrl(_))
        ));
    }
}
