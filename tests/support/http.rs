//! A feed server for the tests, on 127.0.0.1 (a port of its own): a route
//! table of canned answers that a test changes as it goes, conditional
//! requests answered with 304 as a real server would, and every request
//! logged so a test can see what nlread sent. Answers can be slow, gzip,
//! endless (a body far over any cap) or never come at all. Stopped (every
//! connection closed) when dropped.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// What a request asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// `len` bytes of `<`, sent until the client stops reading.
    Endless {
        len: u64,
    },
    /// Nothing at all, not even a status line, until the server stops.
    Never,
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub delay: Duration,
    pub gzip: bool,
}

impl Response {
    /// A feed, with an ETag and a Last-Modified made from its content.
    pub fn feed(text: &str) -> Response {
        let tag = format!("\"{:x}\"", fnv(text.as_bytes()));
        Response {
            status: 200,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/rss+xml; charset=utf-8".into(),
                ),
                ("ETag".into(), tag),
                (
                    "Last-Modified".into(),
                    "Wed, 16 Apr 2025 08:00:00 GMT".into(),
                ),
            ],
            body: Body::Bytes(text.as_bytes().to_vec()),
            delay: Duration::ZERO,
            gzip: false,
        }
    }

    /// A feed with no validators: every request gets it whole.
    pub fn plain_feed(text: &str) -> Response {
        let mut r = Response::feed(text);
        r.headers.retain(|(n, _)| n == "Content-Type");
        r
    }

    pub fn page(html: &str) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: Body::Bytes(html.as_bytes().to_vec()),
            delay: Duration::ZERO,
            gzip: false,
        }
    }

    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: Body::Bytes(format!("status {status}\n").into_bytes()),
            delay: Duration::ZERO,
            gzip: false,
        }
    }

    pub fn redirect(status: u16, location: &str) -> Response {
        Response::status(status).header("Location", location)
    }

    pub fn never() -> Response {
        Response {
            body: Body::Never,
            ..Response::status(200)
        }
    }

    /// A feed-typed answer of `len` bytes (declared with Content-Length
    /// when `declared`, else sent chunked with no length).
    pub fn endless(len: u64, declared: bool) -> Response {
        let mut r = Response {
            body: Body::Endless { len },
            ..Response::status(200)
        };
        r.headers = vec![("Content-Type".into(), "application/rss+xml".into())];
        if !declared {
            r.headers
                .push(("Transfer-Encoding".into(), "chunked".into()));
        }
        r
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Response {
        self.delay = delay;
        self
    }

    pub fn gzip(mut self) -> Response {
        self.gzip = true;
        self
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Shared {
    routes: Mutex<HashMap<String, Response>>,
    log: Mutex<Vec<Request>>,
    stopped: Mutex<bool>,
    stop: Condvar,
    stopping: AtomicBool,
}

/// The server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        let shared = Arc::new(Shared {
            routes: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
            stopped: Mutex::new(false),
            stop: Condvar::new(),
            stopping: AtomicBool::new(false),
        });
        let serving = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if serving.stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let shared = Arc::clone(&serving);
                thread::spawn(move || serve(stream, &shared));
            }
        });
        Server { addr, shared }
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set(&self, path: &str, response: Response) {
        self.shared
            .routes
            .lock()
            .expect("routes")
            .insert(path.to_string(), response);
    }

    /// Every request for `path` so far.
    pub fn requests(&self, path: &str) -> Vec<Request> {
        self.shared
            .log
            .lock()
            .expect("log")
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        *self.shared.stopped.lock().expect("stopped") = true;
        self.shared.stop.notify_all();
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Some(request) = read_request(&stream) else {
        return;
    };
    shared.log.lock().expect("log").push(request.clone());
    let response = shared
        .routes
        .lock()
        .expect("routes")
        .get(&request.path)
        .cloned()
        .unwrap_or_else(|| Response::status(404));
    if !response.delay.is_zero() {
        // The server's own latency, the thing under test: not a wait for
        // a condition.
        thread::sleep(response.delay);
    }
    if let Body::Never = response.body {
        let mut stopped = shared.stopped.lock().expect("stopped");
        while !*stopped {
            stopped = shared.stop.wait(stopped).expect("wait");
        }
        return;
    }
    let etag_matches = matches!(
        (request.header("if-none-match"), response.get("etag")),
        (Some(a), Some(b)) if a == b
    );
    // Without an ETag, the date decides (as RFC 9110 has it).
    let date_matches = response.get("etag").is_none()
        && matches!(
            (request.header("if-modified-since"), response.get("last-modified")),
            (Some(a), Some(b)) if a == b
        );
    let not_modified = response.status == 200 && (etag_matches || date_matches);
    let mut head = String::new();
    if not_modified {
        head.push_str("HTTP/1.1 304 Not Modified\r\n");
        for (name, value) in &response.headers {
            if name.eq_ignore_ascii_case("etag") || name.eq_ignore_ascii_case("last-modified") {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str("Connection: close\r\n\r\n");
        let _ = stream.write_all(head.as_bytes());
        return;
    }
    head.push_str(&format!("HTTP/1.1 {} X\r\n", response.status));
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n");
    match &response.body {
        Body::Bytes(bytes) => {
            let bytes = if response.gzip {
                head.push_str("Content-Encoding: gzip\r\n");
                let mut enc =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                enc.write_all(bytes).expect("gzip");
                enc.finish().expect("gzip")
            } else {
                bytes.clone()
            };
            head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&bytes);
        }
        Body::Endless { len } => {
            let chunked = response.get("transfer-encoding").is_some();
            if !chunked {
                head.push_str(&format!("Content-Length: {len}\r\n"));
            }
            head.push_str("\r\n");
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let block = vec![b'<'; 64 * 1024];
            let mut sent = 0u64;
            while sent < *len {
                let n = (*len - sent).min(block.len() as u64) as usize;
                let written = if chunked {
                    stream
                        .write_all(format!("{n:x}\r\n").as_bytes())
                        .and_then(|()| stream.write_all(&block[..n]))
                        .and_then(|()| stream.write_all(b"\r\n"))
                } else {
                    stream.write_all(&block[..n])
                };
                if written.is_err() {
                    // The client stopped reading: refused at its cap.
                    return;
                }
                sent += n as u64;
            }
            if chunked {
                let _ = stream.write_all(b"0\r\n\r\n");
            }
        }
        Body::Never => {}
    }
    let _ = stream.flush();
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    let path = first.split_whitespace().nth(1)?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    Some(Request { path, headers })
}
