//! Concord's browser end-to-end harness.
//!
//! - [`server`]: a tiny static file server for the trunk build in `CONCORD_DIST`.
//! - [`axe`]: accessibility audits by axe-core, injected into the page.
//! - [`mod@bench`]: the browser benchmarks' measuring scripts (frames, seeks, first drawing) and
//!   their summaries.
//! - [`browser`]: chromedriver launched on a free port and a WebDriver session in headless
//!   Chromium, with screenshots saved to `target/screenshots/`.
//! - [`page`]: the playground's DOM contract (nodes, controls, status, caption) as async helpers.
//! - [`lab`]: the Lab tab's DOM contract (setup, run, progress, tables, downloads).
//! - [`site`]: documentation sites built by the real tools (mdBook, MkDocs, Sphinx) from
//!   `tests/fixtures/`, around the bundle.
//! - [`widgets`]: widgets on such pages, found by `data-concord`: mounted, played, their styles
//!   and the page's measured.
//!
//! A suite starts everything with [`browser::Browser::launch`], writes its scenario as an
//! `async fn(&Page) -> Outcome`, and hands the result to [`page::Page::finish`], which on failure
//! saves a screenshot and panics with the page's permalink so anyone can reproduce it.
//!
//! Run the suites with `cargo xtask test`: it builds `dist/` with trunk and sets `CONCORD_DIST`.

pub mod axe;
pub mod bench;
pub mod browser;
pub mod lab;
pub mod page;
pub mod server;
pub mod site;
pub mod widgets;

use std::fmt;
use std::path::{Path, PathBuf};

/// The workspace root (this crate lives in `<root>/tests`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The trunk build to serve: `$CONCORD_DIST`, which must hold an `index.html`.
pub fn dist_dir() -> Result<PathBuf, Failure> {
    const HOW: &str = "run `cargo xtask test`, which builds the app into dist/ with trunk and \
                       runs these tests with CONCORD_DIST=<repo>/dist";
    let dist = std::env::var_os("CONCORD_DIST")
        .filter(|d| !d.is_empty())
        .ok_or_else(|| Failure::new(format!("CONCORD_DIST is not set: {HOW}")))?;
    let dist = PathBuf::from(dist);
    if !dist.join("index.html").is_file() {
        return Err(Failure::new(format!(
            "CONCORD_DIST={} has no index.html: {HOW}",
            dist.display()
        )));
    }
    Ok(dist)
}

/// Where screenshots go: `<repo>/target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    repo_root().join("target").join("screenshots")
}

/// Why an end-to-end step failed: a message for a person.
pub struct Failure(pub String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

impl From<fantoccini::error::CmdError> for Failure {
    fn from(e: fantoccini::error::CmdError) -> Self {
        Failure(format!("WebDriver command failed: {e}"))
    }
}

impl From<fantoccini::error::NewSessionError> for Failure {
    fn from(e: fantoccini::error::NewSessionError) -> Self {
        Failure(format!("cannot start a WebDriver session in Chromium: {e}"))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure(e.to_string())
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure(message.to_owned())
    }
}

/// What a scenario step returns.
pub type Outcome<T = ()> = Result<T, Failure>;

/// `ensure!(condition, "format", args…)`: return a [`Failure`] from the enclosing function
/// unless the condition holds (unlike `assert!`, the failure then gets a screenshot and the
/// page's permalink from [`page::Page::finish`]).
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::Failure::new(format!($($fmt)+)));
        }
    };
}
