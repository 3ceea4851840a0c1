//! chromedriver on a free port, and a WebDriver session in headless Chromium against a
//! [`StaticServer`] serving the trunk build.

use std::env;
use std::ffi::OsStr;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::server::StaticServer;
use crate::{Failure, Outcome};

const BROWSER_HINT: &str = "Chromium and ChromeDriver are needed for the browser tests: \
                            apt-get install chromium chromium-driver";

/// The flags Chromium needs here: headless, no sandbox as root, and no attempts to reach hosts
/// that are not there.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
];

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> std::io::Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let dir = env::temp_dir().join(name);
        fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The Chromium binary: `$CHROME` (a path or a name on PATH), else `/usr/bin/chromium`, else
/// `chromium` or `chromium-browser` on PATH.
pub fn find_chromium() -> Outcome<PathBuf> {
    if let Some(found) = from_env("CHROME") {
        return found;
    }
    let usual = Path::new("/usr/bin/chromium");
    if usual.is_file() {
        return Ok(usual.to_path_buf());
    }
    ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(|name| find_on_path(OsStr::new(name)))
        .ok_or_else(|| Failure::new(format!("Chromium not found on PATH. {BROWSER_HINT}")))
}

/// `$CHROMEDRIVER` (a path or a name on PATH), else `chromedriver` on PATH.
pub fn find_chromedriver() -> Outcome<PathBuf> {
    if let Some(found) = from_env("CHROMEDRIVER") {
        return found;
    }
    find_on_path(OsStr::new("chromedriver"))
        .ok_or_else(|| Failure::new(format!("chromedriver not found on PATH. {BROWSER_HINT}")))
}

/// The program named by environment variable `var`, if it is set.
fn from_env(var: &str) -> Option<Outcome<PathBuf>> {
    let value = env::var_os(var).filter(|v| !v.is_empty())?;
    let path = PathBuf::from(&value);
    Some(if path.is_file() {
        Ok(path)
    } else {
        find_on_path(&value).ok_or_else(|| {
            Failure::new(format!(
                "{var}={} not found. {BROWSER_HINT}",
                path.display()
            ))
        })
    })
}

fn find_on_path(name: &OsStr) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A running chromedriver, in its own process group so that dropping it also ends every
/// Chromium it started (even when a test panicked before closing its session).
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    /// Starts chromedriver on a free port and waits (≤ 15 s) until `/status` answers.
    /// Its log goes to `<log_dir>/chromedriver.log`.
    pub fn start(log_dir: &Path) -> Outcome<ChromeDriver> {
        let binary = find_chromedriver()?;
        let log_path = log_dir.join("chromedriver.log");
        let mut last_error = String::new();
        // A free port can be taken between our probe and chromedriver's bind: retry a few times.
        for _ in 0..3 {
            let port = free_port()?;
            let log = fs::File::create(&log_path)?;
            let child = Command::new(&binary)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .process_group(0)
                .spawn()
                .map_err(|e| Failure::new(format!("cannot start {}: {e}", binary.display())))?;
            let mut driver = ChromeDriver { child, port };
            match driver.wait_ready(Duration::from_secs(15)) {
                Ok(()) => return Ok(driver),
                Err(e) => last_error = e,
            }
            // `driver` drops here, killing it.
        }
        let log = fs::read_to_string(&log_path).unwrap_or_default();
        Err(Failure::new(format!(
            "chromedriver ({}) did not become ready: {last_error}\nits log:\n{log}",
            binary.display()
        )))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited ({status})"));
            }
            match http_get_status(self.port) {
                Ok(200) => return Ok(()),
                Ok(code) => {
                    if Instant::now() > deadline {
                        return Err(format!("GET /status answered {code}"));
                    }
                }
                Err(e) => {
                    if Instant::now() > deadline {
                        return Err(format!("GET /status: {e}"));
                    }
                }
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let Ok(pgid) = libc::pid_t::try_from(self.child.id()) else {
            return;
        };
        // SAFETY: killpg only sends a signal to the process group we created in `start`.
        unsafe { libc::killpg(pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (Chromium's helpers) goes now.
        // SAFETY: as above.
        unsafe { libc::killpg(pgid, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `GET /status` on 127.0.0.1:`port`; the HTTP status code.
fn http_get_status(port: u16) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 16];
    let n = stream.read(&mut head)?;
    let text = String::from_utf8_lossy(&head[..n]);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not HTTP: {text:?}")))
}

/// `POST <path>` with a JSON body on 127.0.0.1:`port`; the answer's body.
fn http_post_json(port: u16, path: &str, body: &str) -> Outcome<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // chromedriver may keep the connection open: read the head, then Content-Length bytes.
    let mut reader = std::io::BufReader::new(stream);
    let mut length = None;
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut reader, &mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
        head.push_str(&line);
    }
    let length =
        length.ok_or_else(|| Failure::new(format!("an answer without Content-Length: {head}")))?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    String::from_utf8(body).map_err(|e| Failure::new(format!("an answer not in UTF-8: {e}")))
}

fn save_screenshot(name: &str, png: &[u8]) -> Outcome<PathBuf> {
    let dir = crate::screenshot_dir();
    fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    fs::write(&path, png)?;
    Ok(path)
}

/// A headless Chromium session looking at a [`StaticServer`].
///
/// Fields drop in order: the session, then chromedriver (ending Chromium), then the profile
/// directory, then the server. Prefer [`Browser::close`], which ends the session politely.
pub struct Browser {
    pub client: Client,
    driver: ChromeDriver,
    _profile: TempDir,
    server: StaticServer,
}

impl Browser {
    /// Serves `$CONCORD_DIST` and opens headless Chromium (see [`crate::dist_dir`]).
    pub async fn launch() -> Outcome<Browser> {
        let dist = crate::dist_dir()?;
        Browser::launch_with(&dist, &[]).await
    }

    /// Serves `$CONCORD_DIST` and opens headless Chromium with `extra_args` besides
    /// [`CHROMIUM_ARGS`] (`--force-prefers-reduced-motion` …).
    pub async fn launch_with_args(extra_args: &[&str]) -> Outcome<Browser> {
        let dist = crate::dist_dir()?;
        Browser::launch_with(&dist, extra_args).await
    }

    /// Serves the directory `root` (the trunk build, or a documentation site built around it)
    /// and opens headless Chromium with `extra_args` besides [`CHROMIUM_ARGS`].
    pub async fn launch_with(root: &Path, extra_args: &[&str]) -> Outcome<Browser> {
        let chromium = find_chromium()?;
        let server = StaticServer::start(root)?;
        let profile = TempDir::new("concord-e2e")?;
        let driver = ChromeDriver::start(profile.path())?;
        let user_data = profile.path().join("user-data");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", user_data.display()));
        args.extend(extra_args.iter().map(|a| a.to_string()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await?;
        client
            .update_timeouts(TimeoutConfiguration::new(
                // A script waits for the page's task in progress: opening a link to a long run
                // replays it in one task, seconds on a loaded machine.
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(30)),
                Some(Duration::ZERO),
            ))
            .await?;
        Ok(Browser {
            client,
            driver,
            _profile: profile,
            server,
        })
    }

    /// The served URL of `path_and_query` (which starts with `/`).
    pub fn url(&self, path_and_query: &str) -> String {
        self.server.url(path_and_query)
    }

    /// The origin the pages come from, e.g. `http://127.0.0.1:41234`.
    pub fn origin(&self) -> String {
        self.server.url("")
    }

    pub async fn goto(&self, path_and_query: &str) -> Outcome {
        self.client.goto(&self.url(path_and_query)).await?;
        Ok(())
    }

    /// Saves a PNG of the viewport to `target/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Outcome<PathBuf> {
        let png = self.client.screenshot().await?;
        save_screenshot(name, &png)
    }

    /// Saves a PNG of the first element matching a CSS selector (scrolled into view) to
    /// `target/screenshots/<name>.png`.
    pub async fn screenshot_of(&self, selector: &str, name: &str) -> Outcome<PathBuf> {
        let element = self
            .client
            .find(fantoccini::Locator::Css(selector))
            .await
            .map_err(|e| Failure::new(format!("finding {selector}: {e}")))?;
        // Whole, not cut by the bottom of the window.
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center' });",
                vec![serde_json::to_value(&element).map_err(|e| Failure::new(e.to_string()))?],
            )
            .await?;
        let png = element.screenshot().await?;
        save_screenshot(name, &png)
    }

    /// Runs a Chrome DevTools Protocol command in this session (chromedriver's
    /// `goog/cdp/execute`), e.g. `Page.addScriptToEvaluateOnNewDocument`; its result.
    pub async fn cdp(
        &self,
        command: &str,
        params: serde_json::Value,
    ) -> Outcome<serde_json::Value> {
        let session = self
            .client
            .session_id()
            .await?
            .ok_or("the WebDriver session has no id")?;
        let body = json!({ "cmd": command, "params": params }).to_string();
        let port = self.driver.port;
        let path = format!("/session/{session}/goog/cdp/execute");
        let answer = tokio::task::spawn_blocking(move || http_post_json(port, &path, &body))
            .await
            .map_err(|e| Failure::new(format!("{command}: {e}")))??;
        let answer: serde_json::Value = serde_json::from_str(&answer).map_err(|e| {
            Failure::new(format!("{command}: chromedriver answered {answer:?}: {e}"))
        })?;
        match answer.get("value") {
            Some(value) if value.get("error").is_none() => Ok(value.clone()),
            _ => Err(Failure::new(format!("{command}: {answer}"))),
        }
    }

    /// Ends the WebDriver session, then chromedriver and Chromium.
    pub async fn close(self) -> Outcome {
        let Browser {
            client,
            driver,
            _profile,
            server,
        } = self;
        let closed = client.close().await;
        drop(driver);
        drop(server);
        closed?;
        Ok(())
    }
}
