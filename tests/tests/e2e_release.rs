//! The release archive (`cargo xtask dist`: `target/dist/concord-<version>.tar.gz`), as a docs
//! author gets it: it unpacks into one directory whose SHA-256 checksums hold (and fail for a
//! changed file); its loader names the release in its banner; its widgets mount and play from it,
//! a page of one Raft widget fetching the Raft bundle only, and a page whose widget is further down
//! fetching none until its reader scrolls towards it; and a loader of another version beside its
//! wasm says so in the console while still mounting.
//!
//! Needs `$CONCORD_ARCHIVE` (the archive) and `$CONCORD_DIST`; `cargo xtask test` sets both.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use concord_tests::browser::TempDir;
use concord_tests::page::{LOAD_TIMEOUT, Page, Scope, Wait};
use concord_tests::widgets;
use concord_tests::{Failure, Outcome, ensure};
use serde_json::{Value, json};

const FILES: [&str; 11] = [
    "concord.js",
    "concord-web.js",
    "concord-web_bg.wasm",
    "concord-raft.js",
    "concord-raft_bg.wasm",
    "concord-gossip.js",
    "concord-gossip_bg.wasm",
    "concord-paxos.js",
    "concord-paxos_bg.wasm",
    "index.html",
    "README.md",
];

/// Records what the page warns in the console, before the loader runs.
const CAPTURE: &str = "window.concordWarnings = [];
const warn = console.warn.bind(console);
console.warn = (...args) => { window.concordWarnings.push(args.join(' ')); warn(...args); };
";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>A vendored Concord</title>
    <script src="../capture.js"></script>
    <script type="module" src="concord.js"></script>
  </head>
  <body>
    <div id="election" data-concord="raft" data-seed="7" data-nodes="5"></div>
  </body>
</html>
"#;

/// A chapter whose playground is further down than its reader sees at first (the window is 900 px
/// tall; the loader starts a widget 1,250 px before it comes into view).
const FURTHER_DOWN: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>A playground further down</title>
    <script type="module" src="concord.js"></script>
  </head>
  <body>
    <p style="height: 5000px">A long chapter before the playground.</p>
    <div id="below" data-concord="raft" data-seed="7" data-nodes="5"></div>
  </body>
</html>
"#;

fn archive() -> Outcome<PathBuf> {
    let path = std::env::var_os("CONCORD_ARCHIVE")
        .filter(|a| !a.is_empty())
        .map(PathBuf::from)
        .ok_or(
            "CONCORD_ARCHIVE is not set: run `cargo xtask test` (or `cargo xtask dist` and \
                set it to target/dist/concord-<version>.tar.gz)",
        )?;
    ensure!(path.is_file(), "no archive at {}", path.display());
    Ok(path)
}

fn run(command: &mut Command) -> Outcome<std::process::Output> {
    let shown = format!("{command:?}");
    command
        .output()
        .map_err(|e| Failure::new(format!("cannot run {shown}: {e}")))
}

/// `sha256sum -c SHA256SUMS` in `dir`: whether every file matches.
fn checksums_hold(dir: &Path) -> Outcome<bool> {
    let output = run(Command::new("sha256sum")
        .args(["--check", "--quiet", "SHA256SUMS"])
        .current_dir(dir))?;
    Ok(output.status.success())
}

/// The archive unpacked into `into`; the one directory it holds, named `concord-<version>`, and
/// the version.
fn unpack(archive: &Path, into: &Path) -> Outcome<(PathBuf, String)> {
    let output = run(Command::new("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(into))?;
    ensure!(
        output.status.success(),
        "tar -xzf {} failed: {}",
        archive.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let entries: Vec<PathBuf> = fs::read_dir(into)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    let [dir] = entries.as_slice() else {
        return Err(format!("the archive should hold one directory: {entries:?}").into());
    };
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let version = name
        .strip_prefix("concord-")
        .ok_or_else(|| format!("the archive's directory should be concord-<version>: {name}"))?;
    Ok((dir.clone(), version.to_owned()))
}

#[tokio::test]
async fn the_archive_checks_out_and_its_loader_warns_of_a_mismatched_wasm() {
    let site = TempDir::new("concord-release").expect("a temporary directory");
    let version = prepare(site.path()).unwrap_or_else(|e| panic!("the release archive: {e}"));
    let page = Page::open_site(site.path(), "/good/page.html", &[]).await;
    let result = warnings(&page, &version).await;
    page.finish("release", result).await;
}

#[tokio::test]
async fn a_widget_further_down_loads_no_wasm_until_its_reader_scrolls_towards_it() {
    let site = TempDir::new("concord-release-lazy").expect("a temporary directory");
    prepare(site.path()).unwrap_or_else(|e| panic!("the release archive: {e}"));
    let page = Page::open_site(site.path(), "/good/further-down.html", &[]).await;
    let result = further_down(&page).await;
    page.finish("release-further-down", result).await;
}

/// Unpacks the archive and checks it; lays out `good/` (the release as it is) and `mismatch/`
/// (the same with its loader claiming another version) beside `capture.js`. The version.
fn prepare(site: &Path) -> Outcome<String> {
    let unpacked = site.join("unpacked");
    fs::create_dir_all(&unpacked)?;
    let (dir, version) = unpack(&archive()?, &unpacked)?;
    let sums = fs::read_to_string(dir.join("SHA256SUMS"))?;
    let listed: Vec<&str> = sums
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    ensure!(
        listed == FILES,
        "SHA256SUMS should list {FILES:?}, it lists {listed:?}"
    );
    ensure!(checksums_hold(&dir)?, "the archive's checksums should hold");
    let loader = fs::read_to_string(dir.join("concord.js"))?;
    ensure!(
        loader.starts_with(&format!("// Concord {version},"))
            && loader.contains(&format!("const VERSION = '{version}';")),
        "the loader's banner and constant should name version {version}"
    );
    let readme = fs::read_to_string(dir.join("README.md"))?;
    ensure!(
        readme.starts_with(&format!("# Concord {version}")) && readme.contains("data-concord="),
        "the README should name the version and show the snippet"
    );

    // A changed file fails the check.
    let tampered = site.join("tampered");
    concord_tests::site::copy_dir(&dir, &tampered)?;
    let mut bytes = fs::read(tampered.join("concord-web.js"))?;
    bytes.push(b'\n');
    fs::write(tampered.join("concord-web.js"), bytes)?;
    ensure!(
        !checksums_hold(&tampered)?,
        "a changed concord-web.js should fail the checksums"
    );

    fs::write(site.join("capture.js"), CAPTURE)?;
    for (name, claimed) in [
        ("good", version.clone()),
        ("mismatch", "0.0.0-other".to_owned()),
    ] {
        let target = site.join(name);
        concord_tests::site::copy_dir(&dir, &target)?;
        let loader = loader
            .replace(
                &format!("// Concord {version},"),
                &format!("// Concord {claimed},"),
            )
            .replace(
                &format!("const VERSION = '{version}';"),
                &format!("const VERSION = '{claimed}';"),
            );
        fs::write(target.join("concord.js"), loader)?;
        fs::write(target.join("page.html"), PAGE)?;
        fs::write(target.join("further-down.html"), FURTHER_DOWN)?;
    }
    Ok(version)
}

async fn warnings(page: &Page, version: &str) -> Outcome {
    let ids = widgets::wait_mounted(page, 1).await?;
    widgets::plays(page, &ids[0]).await?;
    widgets::ensure_fetched_only(page, None, "raft").await?;
    let warned = page
        .script("return window.concordWarnings;", vec![])
        .await?;
    ensure!(
        warned == json!([]),
        "the release as it is should mount without a warning: {warned}"
    );
    page.browser()
        .client
        .goto(&page.browser().url("/mismatch/page.html"))
        .await?;
    let ids = widgets::wait_mounted(page, 1).await?;
    widgets::plays(page, &ids[0]).await?;
    let warned = page
        .script("return window.concordWarnings;", vec![])
        .await?;
    let said = warned
        .as_array()
        .map(|w| w.iter().filter_map(Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default();
    ensure!(
        said.len() == 1 && said[0].contains("0.0.0-other") && said[0].contains(version),
        "a loader of another version should warn once, naming both versions: {warned}"
    );
    Ok(())
}

/// What a page fetched of Concord (the loader, bundles) once it has loaded and drawn for a while.
async fn fetched_after_load(page: &Page) -> Outcome<Value> {
    page.script_async(
        "const done = arguments[arguments.length - 1];\
         const loaded = document.readyState === 'complete'\
           ? Promise.resolve() : new Promise((r) => addEventListener('load', r));\
         loaded.then(() => setTimeout(() => done({\
           files: performance.getEntriesByType('resource').map((e) => e.name.split('/').pop())\
             .filter((f) => f.startsWith('concord')),\
           mounted: document.getElementById('below').concord !== undefined,\
         }), 500));",
        vec![],
    )
    .await
}

async fn further_down(page: &Page) -> Outcome {
    let at_load = fetched_after_load(page).await?;
    ensure!(
        at_load == json!({ "files": ["concord.js"], "mounted": false }),
        "a widget 4,100 px below the window should not start: the page should have fetched \
         the loader only and mounted nothing: {at_load}"
    );
    // Scrolled to 1,000 px above it: it starts before it comes into view.
    page.script(
        "window.scrollTo(0, document.getElementById('below').offsetTop - innerHeight - 1000);",
        vec![],
    )
    .await?;
    let below = Scope::Widget("below".into());
    page.poll("the widget to mount", LOAD_TIMEOUT, async || {
        let nodes = page.nodes_in(&below).await?.len();
        Ok(if nodes == 5 {
            Wait::Done(())
        } else {
            Wait::NotYet(format!("{nodes} nodes drawn"))
        })
    })
    .await?;
    let unseen = page
        .script(
            "return document.getElementById('below').getBoundingClientRect().top > innerHeight;",
            vec![],
        )
        .await?;
    ensure!(
        unseen == json!(true),
        "the widget should have been scrolled to 1,000 px below the window, not into it"
    );
    widgets::ensure_fetched_only(page, None, "raft").await?;
    widgets::plays(page, "below").await
}
