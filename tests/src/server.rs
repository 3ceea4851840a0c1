//! A tiny static file server (std only) for the trunk build.
//!
//! `GET /` and any URL whose path names no file and has no extension (an app route) answer
//! `index.html`; the query string is ignored when looking up the file, so
//! `/?algo=raft&nodes=5&seed=7` is the app. Every response closes its connection and says
//! `Cache-Control: no-store`. A file `page.html` beside a `page.html.headers` is served with the
//! header lines that file holds (`Content-Security-Policy: …`), as a site's server would.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Serves the files under a directory on `127.0.0.1:<free port>` until dropped.
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(root: impl Into<PathBuf>) -> io::Result<StaticServer> {
        let root: PathBuf = root.into();
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            thread::Builder::new()
                .name("concord-static-server".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let root = root.clone();
                        // One thread per connection: the browser opens several at once.
                        let _ = thread::Builder::new()
                            .name("concord-static-conn".into())
                            .spawn(move || {
                                let _ = handle(stream, &root);
                            });
                    }
                })?
        };
        Ok(StaticServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` followed by `path_and_query` (which starts with `/`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn handle(stream: TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers: nothing in them changes the answer.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut stream = stream;
    let response = match method {
        "GET" | "HEAD" => respond(root, target),
        _ => Response::text(405, "Method Not Allowed", "only GET and HEAD\n"),
    };
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         {}Connection: close\r\n\r\n",
        response.status,
        response.reason,
        response.content_type,
        response.body.len(),
        response.headers
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&response.body)?;
    }
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    /// Extra header lines, each ending in CRLF.
    headers: String,
    body: Vec<u8>,
}

impl Response {
    fn text(status: u16, reason: &'static str, body: &str) -> Response {
        Response {
            status,
            reason,
            content_type: "text/plain; charset=utf-8",
            headers: String::new(),
            body: body.as_bytes().to_vec(),
        }
    }
}

fn respond(root: &Path, target: &str) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(relative) = safe_relative_path(path) else {
        return Response::text(400, "Bad Request", "bad path\n");
    };
    let mut file = root.join(&relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    if !file.is_file() && relative.extension().is_none() {
        // An app route (or `/`): the app reads the URL itself.
        file = root.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => Response {
            status: 200,
            reason: "OK",
            content_type: content_type(&file),
            headers: extra_headers(&file),
            body,
        },
        Err(_) => Response::text(404, "Not Found", &format!("not found: {path}\n")),
    }
}

/// The header lines of `<file>.headers`, if there is one (blank lines left out).
fn extra_headers(file: &Path) -> String {
    let mut sidecar = file.as_os_str().to_owned();
    sidecar.push(".headers");
    std::fs::read_to_string(sidecar)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| format!("{line}\r\n"))
        .collect()
}

/// The percent-decoded path below the root, or `None` if it tries to leave it.
fn safe_relative_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let mut out = PathBuf::new();
    for component in Path::new(&decoded).components() {
        match component {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(part) => out.push(part),
            Component::ParentDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, by extension (browsers refuse to stream-compile wasm without
/// `application/wasm`, and refuse module scripts without a JavaScript type).
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(server: &StaticServer, target: &str) -> (String, Vec<u8>) {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        (
            String::from_utf8(raw[..split].to_vec()).unwrap(),
            raw[split + 4..].to_vec(),
        )
    }

    #[test]
    fn serves_index_for_the_root_and_app_urls_and_files_with_their_types() {
        let dir = std::env::temp_dir().join(format!("concord-server-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>index</p>").unwrap();
        std::fs::write(dir.join("app_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("sub/app.js"), "export {}").unwrap();
        std::fs::write(dir.join("strict.html"), "<p>strict</p>").unwrap();
        std::fs::write(
            dir.join("strict.html.headers"),
            "Content-Security-Policy: script-src 'self'\n\nX-Test: 1\n",
        )
        .unwrap();
        let server = StaticServer::start(&dir).unwrap();

        for target in [
            "/",
            "/?algo=raft&nodes=5&seed=7",
            "/index.html?x=1",
            "/raft",
        ] {
            let (head, body) = get(&server, target);
            assert!(head.starts_with("HTTP/1.1 200"), "{target}: {head}");
            assert!(head.contains("Content-Type: text/html"), "{target}: {head}");
            assert_eq!(body, b"<p>index</p>", "{target}");
        }
        let (head, body) = get(&server, "/app_bg.wasm");
        assert!(head.contains("Content-Type: application/wasm"), "{head}");
        assert_eq!(body, b"\0asm");
        let (head, _) = get(&server, "/sub/app.js?v=1");
        assert!(head.contains("Content-Type: text/javascript"), "{head}");
        let (head, body) = get(&server, "/strict.html");
        assert!(
            head.contains("\r\nContent-Security-Policy: script-src 'self'\r\nX-Test: 1\r\n"),
            "{head}"
        );
        assert_eq!(body, b"<p>strict</p>");
        let (head, _) = get(&server, "/index.html");
        assert!(!head.contains("Content-Security-Policy"), "{head}");
        let (head, _) = get(&server, "/missing.js");
        assert!(head.starts_with("HTTP/1.1 404"), "{head}");
        let (head, _) = get(&server, "/../../etc/passwd");
        assert!(head.starts_with("HTTP/1.1 400"), "{head}");
        let (head, _) = get(&server, "/%2e%2e/etc/passwd");
        assert!(head.starts_with("HTTP/1.1 400"), "{head}");

        drop(server);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
