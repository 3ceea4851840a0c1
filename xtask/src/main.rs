//! Concord's task runner, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `cargo xtask serve [--open] [trunk serve args…]`: build and serve the app with trunk (and the
//!   sample documentation page with embedded playgrounds at `/docs/`).
//! - `cargo xtask test`: every check CI runs, in order, stopping at the first failure.
//! - `cargo xtask bench [cargo bench args…]`: core's benchmarks.
//! - `cargo xtask bench --size`: a release build's shipped files raw and gzipped, its bundles
//!   against their budgets, and the largest contributors inside the wasm (twiggy).
//! - `cargo xtask bench --browser [--no-build]`: the browser benchmarks on the release build in
//!   headless Chromium (frame times, seeking, time to first drawing), as a table.
//! - `cargo xtask dist`: the release archive a docs author vendors,
//!   `target/dist/concord-<version>.tar.gz` (loader, the full bundle and each protocol's, full
//!   playground, README, SHA-256 checksums).
//! - `cargo xtask lab [experiment] [args…]`: run one of the Lab's experiments (the `concord-lab`
//!   binary, built in release mode); with no experiment, list them.
//! - `cargo xtask soak [--protocol raft|gossip|paxos] [--seeds N]`, `cargo xtask fuzz [target]
//!   [--minutes N]`: long runs of the protocols under random faults (the `concord-check`
//!   binary, built in release mode); the test command runs only short passes.
//!
//! `serve` and `test` first install what is missing (the wasm target, trunk, wasm-bindgen-cli at
//! the version Cargo.lock names, wasm-opt from binaryen on npm), each only if missing, and put
//! them on the `PATH` of every child process so trunk never tries to download a tool.
//!
//! std only, so it builds in seconds before anything else.

mod bundles;
mod size;

use std::env;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--open] [args…]  build and serve the app at http://127.0.0.1:8080/ (trunk serve),
                          the sample documentation page at /docs/
  test                    fmt, clippy, docs, native tests, wasm tests, release build, browser tests
  bench [args…]           cargo bench -p concord-core
  bench --size            release build, then each shipped file raw and gzipped, the bundles
                          against their budgets, the wasm's largest functions and crates (twiggy)
  bench --browser [--no-build]
                          release build (or dist/ as it is), then in headless Chromium: frame
                          times of Raft (9 servers; 5 on a CPU slowed 4x) and Gossip (2,000
                          nodes) at 1x, seeks in a 100,000-step history, time to first drawing;
                          p50/p95/max and the goals
  dist                    release build, then target/dist/concord-<version>.tar.gz:
                          the files a documentation site vendors, with SHA256SUMS
  lab [experiment] [args…]
                          run one of the Lab's experiments (release build of concord-lab);
                          alone, list them; `lab <experiment> --help` lists its parameters
  soak [--protocol raft|gossip|paxos] [--seeds N] [--from S] [--threads T]
                          the safety properties over N seeded faulty runs per protocol
                          (default 100,000) on every core: violations and runs per second
  fuzz [target] [--minutes N] [--seed S] [--threads T]
                          each fuzz target (raft, gossip, paxos: the simulations; link,
                          run-file, posted: what reaches a page) or one for N minutes
                          (default 1) on every core: inputs run, what they reached, failures

serve and test first install what is missing: the wasm32 target, trunk, wasm-bindgen-cli and
wasm-opt (binaryen from npm); test also mdBook and axe-core (npm), bench --size twiggy.";

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const TRUNK_VERSION: &str = "0.21.14";
/// Any trunk of this series will do; trunk 0.22 needs a newer rustc than ours.
const TRUNK_SERIES: &str = "0.21.";
/// Must match `[tools] wasm_opt = "version_123"` in Trunk.toml (also trunk 0.21's default).
const BINARYEN_VERSION: &str = "123";
const DEFAULT_ADDRESS: &str = "127.0.0.1";
const DEFAULT_PORT: &str = "8080";
const BROWSER_HINT: &str = "Chromium and ChromeDriver are needed for the browser tests: \
                            apt-get install chromium chromium-driver";
const NODE_HINT: &str = "Node.js is needed to run core's wasm tests (wasm-bindgen-test-runner \
                         runs them under node): apt-get install nodejs";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        "serve" => Ctx::new().and_then(|mut cx| serve(&mut cx, rest)),
        "test" => Ctx::new().and_then(|mut cx| test(&mut cx, rest)),
        "bench" => Ctx::new().and_then(|mut cx| bench(&mut cx, rest)),
        "dist" => Ctx::new().and_then(|mut cx| dist(&mut cx, rest)),
        "lab" => Ctx::new().and_then(|cx| lab(&cx, rest)),
        "soak" => Ctx::new().and_then(|cx| check(&cx, command, rest)),
        "fuzz" => Ctx::new().and_then(|cx| fuzz(&cx, rest)),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Commands

fn serve(cx: &mut Ctx, args: &[String]) -> Result {
    ensure_tools(cx)?;
    let mut trunk_args: Vec<String> = vec!["serve".into()];
    // Our defaults unless the arguments (or trunk's own environment variables) say otherwise.
    let mut setting = |flags: &[&str], var: &str, default: &str| {
        flag_value(args, flags)
            .or_else(|| env::var(var).ok().filter(|v| !v.is_empty()))
            .unwrap_or_else(|| {
                trunk_args.extend([flags[0].to_owned(), default.to_owned()]);
                default.to_owned()
            })
    };
    let address = setting(&["--address", "-a"], "TRUNK_SERVE_ADDRESS", DEFAULT_ADDRESS);
    let port = setting(&["--port", "-p"], "TRUNK_SERVE_PORT", DEFAULT_PORT);
    trunk_args.extend(args.iter().cloned());
    let host = if address == "0.0.0.0" {
        DEFAULT_ADDRESS
    } else {
        address.as_str()
    };
    println!(
        "xtask: serving Concord at http://{host}:{port}/ and the sample documentation page at \
         http://{host}:{port}/docs/ (the first build takes a while; Ctrl-C stops)"
    );
    cx.run(cx.cmd("trunk").args(&trunk_args))
}

fn bench(cx: &mut Ctx, args: &[String]) -> Result {
    if args.first().is_some_and(|a| a == "--size") {
        return bench_size(cx, &args[1..]);
    }
    if args.first().is_some_and(|a| a == "--browser") {
        return bench_browser(cx, &args[1..]);
    }
    cx.run(
        cx.cmd("cargo")
            .args(["bench", "-p", "concord-core"])
            .args(args),
    )
}

fn bench_size(cx: &mut Ctx, args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!(
            "`cargo xtask bench --size` takes no other arguments (got `{arg}`)"
        ));
    }
    ensure_tools(cx)?;
    ensure_twiggy(cx)?;
    stage_release_build(cx)?;
    println!();
    let over = size::report(&cx.dist())?;
    // wasm-bindgen's output before wasm-opt: the same code, with its function names.
    for bundle in std::iter::once("web").chain(bundles::PROTOCOL_BUNDLES) {
        let path = format!("{}/concord-{bundle}_bg.wasm", bundles::BINDGEN_DIR);
        let named = cx.root.join(&path);
        let named = named
            .to_str()
            .ok_or("the target directory's path is not UTF-8")?;
        println!();
        println!("Largest functions and sections, before wasm-opt ({path}):");
        cx.run(cx.cmd("twiggy").args(["top", "-n", "25", named]))?;
        let csv = cx
            .capture(
                "twiggy",
                &["top", "-n", "1000000", "--format", "csv", named],
            )
            .ok_or("`twiggy top --format csv` failed")?;
        let crates = size::by_crate(&csv);
        let total: u64 = crates.iter().map(|(_, bytes)| bytes).sum();
        println!();
        println!("By crate, before wasm-opt ({path}, shallow bytes):");
        for (name, bytes) in crates.iter().take(20) {
            println!(
                "{bytes:>10} {:>6.2} %  {name}",
                100.0 * *bytes as f64 / total.max(1) as f64
            );
        }
    }
    println!();
    match over.is_empty() {
        true => Ok(()),
        false => Err(over.join("\n")),
    }
}

/// Whether `bench --browser` builds the bundle first: yes unless `--no-build` says to use
/// `dist/` as it is.
fn browser_bench_builds(args: &[String]) -> Result<bool> {
    match args {
        [] => Ok(true),
        [flag] if flag == "--no-build" => Ok(false),
        _ => Err(format!(
            "`cargo xtask bench --browser` takes only --no-build (got `{}`)",
            args.join(" ")
        )),
    }
}

/// The ignored suite `tests/tests/bench_browser.rs`, which measures and prints; a figure off
/// its goal fails nothing.
fn bench_browser(cx: &mut Ctx, args: &[String]) -> Result {
    if browser_bench_builds(args)? {
        ensure_tools(cx)?;
        stage_release_build(cx)?;
    } else if !cx.dist().join("index.html").is_file() {
        return Err("--no-build: dist/ holds no build; run without it".into());
    }
    let (chrome, driver) = browser_and_driver(cx)?;
    if let Some(version) = cx.capture(&chrome.to_string_lossy(), &["--version"]) {
        println!("xtask: {}", version.trim());
    }
    cx.run(
        cx.cmd("cargo")
            .args(["test", "-p", "concord-tests", "--test", "bench_browser"])
            .args(["--", "--ignored", "--nocapture", "--test-threads", "1"])
            .env("CONCORD_DIST", cx.dist())
            .env("CHROME", &chrome)
            .env("CHROMEDRIVER", &driver),
    )
}

/// The Lab's command, in release mode: its report goes to stdout untouched (`--json > file`),
/// so the command line is shown on stderr.
fn lab(cx: &Ctx, args: &[String]) -> Result {
    cx.run_quietly(
        cx.cmd("cargo")
            .args(["run", "--quiet", "--release", "-p", "concord-lab", "--"])
            .args(args),
    )
}

/// The fuzz targets of the web crate (`web/src/fuzz.rs`, whose test `fuzz::long` says so if a
/// name here is not one of them): the page's readers of outside input live in the page's crate,
/// so its test harness runs them.
const WEB_FUZZ_TARGETS: [&str; 3] = ["link", "run-file", "posted"];

/// The fuzz targets: the simulations' in `concord-check`, the page's through the web crate's
/// tests; all of them, or the one named.
fn fuzz(cx: &Ctx, args: &[String]) -> Result {
    let mut target = None;
    let mut options = vec![("minutes", "1".to_owned()), ("seed", "0".to_owned())];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    options.push(("threads", threads.to_string()));
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let Some(name) = word.strip_prefix("--") else {
            target = Some(word.as_str());
            continue;
        };
        let slot = options.iter_mut().find(|(known, _)| *known == name);
        match (slot, words.next()) {
            (Some((_, value)), Some(given)) => given.clone_into(value),
            _ => return Err(format!("fuzz: --{name} is not an option, or has no value")),
        }
    }
    let web_target = target.filter(|t| WEB_FUZZ_TARGETS.contains(t));
    if target.is_none() || web_target.is_none() {
        check(cx, "fuzz", args)?;
    }
    let web_targets = match (target, web_target) {
        (None, _) => WEB_FUZZ_TARGETS.to_vec(),
        (Some(_), Some(t)) => vec![t],
        (Some(_), None) => vec![],
    };
    let [minutes, seed, threads] = [0, 1, 2].map(|i| options[i].1.as_str());
    for name in web_targets {
        cx.run(
            cx.cmd("cargo")
                .args(["test", "--quiet", "--release", "-p", "concord-web", "--bin"])
                .args(["concord-web", "--", "--ignored", "--exact", "fuzz::long"])
                .arg("--nocapture")
                .env("CONCORD_FUZZ", format!("{name} {minutes} {seed} {threads}")),
        )?;
    }
    Ok(())
}

/// The soak and the fuzz targets (`concord-check`), in release mode: the long runs are
/// measured in runs per second.
fn check(cx: &Ctx, command: &str, args: &[String]) -> Result {
    cx.run(
        cx.cmd("cargo")
            .args([
                "run",
                "--quiet",
                "--release",
                "-p",
                "concord-check",
                "--",
                command,
            ])
            .args(args),
    )
}

/// One stage of `cargo xtask test`.
struct Stage {
    title: &'static str,
    run: fn(&Ctx) -> Result,
}

const STAGES: &[Stage] = &[
    Stage {
        title: "format",
        run: stage_fmt,
    },
    Stage {
        title: "clippy",
        run: stage_clippy,
    },
    Stage {
        title: "docs",
        run: stage_docs,
    },
    Stage {
        title: "native tests",
        run: stage_native_tests,
    },
    Stage {
        title: "wasm determinism tests (node): core's trace, the Lab's reports",
        run: stage_wasm_tests,
    },
    Stage {
        title: "release build: the full bundle (trunk), then each protocol's",
        run: stage_release_build,
    },
    Stage {
        title: "bundle sizes within their ceilings (gzip -9)",
        run: stage_size,
    },
    Stage {
        title: "release archive (from dist/)",
        run: stage_archive,
    },
    Stage {
        title: "browser end-to-end tests (headless Chromium)",
        run: stage_browser_tests,
    },
];

fn test(cx: &mut Ctx, args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!(
            "`cargo xtask test` takes no arguments (got `{arg}`)"
        ));
    }
    let started = Instant::now();
    ensure_tools(cx)?;
    ensure_rust_components(cx)?;
    ensure_mdbook(cx)?;
    ensure_axe(cx)?;
    let total = STAGES.len();
    for (i, stage) in STAGES.iter().enumerate() {
        let n = i + 1;
        println!();
        println!("==> xtask test [{n}/{total}] {}", stage.title);
        let stage_started = Instant::now();
        if let Err(message) = (stage.run)(cx) {
            eprintln!();
            eprintln!("xtask: {message}");
            return Err(format!(
                "test FAILED at stage {n}/{total} ({}) after {}; {} of {total} stages passed",
                stage.title,
                elapsed(started),
                n - 1
            ));
        }
        println!(
            "==> xtask test [{n}/{total}] {}: ok ({})",
            stage.title,
            elapsed(stage_started)
        );
    }
    let titles: Vec<&str> = STAGES.iter().map(|s| s.title).collect();
    println!();
    println!(
        "xtask test: all {total} stages passed in {} ({})",
        elapsed(started),
        titles.join(", ")
    );
    Ok(())
}

fn stage_fmt(cx: &Ctx) -> Result {
    cx.run(cx.cmd("cargo").args(["fmt", "--all", "--", "--check"]))
        .map_err(|e| format!("{e}\nrun `cargo fmt --all` to fix the formatting"))
}

fn stage_clippy(cx: &Ctx) -> Result {
    cx.run(cx.cmd("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The measuring allocator the long-session benchmark builds with (web/src/heap.rs).
    cx.run(cx.cmd("cargo").args([
        "clippy",
        "-p",
        "concord-web",
        "--features",
        "heap-count",
        "--",
        "-D",
        "warnings",
    ]))
}

/// The API docs build without warnings: a broken or ambiguous intra-doc link fails.
fn stage_docs(cx: &Ctx) -> Result {
    cx.run(
        cx.cmd("cargo")
            .args(["doc", "--workspace", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )
}

fn stage_native_tests(cx: &Ctx) -> Result {
    cx.run(
        cx.cmd("cargo")
            .args(["test", "--workspace", "--exclude", "concord-tests"]),
    )
}

fn stage_wasm_tests(cx: &Ctx) -> Result {
    match cx.capture("node", &["--version"]) {
        Some(version) => println!("xtask: node {}: ok", version.trim()),
        None => return Err(format!("node not found on PATH. {NODE_HINT}")),
    }
    for (package, test) in [
        ("concord-core", "determinism"),
        ("concord-lab", "wasm_determinism"),
    ] {
        cx.run(cx.cmd("cargo").args([
            "test",
            "-p",
            package,
            "--target",
            WASM_TARGET,
            "--test",
            test,
        ]))?;
    }
    Ok(())
}

fn stage_release_build(cx: &Ctx) -> Result {
    cx.run(cx.cmd("trunk").args(["build", "--release"]))?;
    bundles::build_protocols(cx)?;
    // The app, the widget loader and the sample documentation page the browser tests open.
    for file in ["index.html", "concord.js", "docs/index.html"] {
        let path = cx.dist().join(file);
        if !path.is_file() {
            return Err(format!(
                "trunk build succeeded but {} is missing",
                path.display()
            ));
        }
    }
    Ok(())
}

fn stage_size(cx: &Ctx) -> Result {
    let over = size::report(&cx.dist())?;
    match over.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "{}\nsee `cargo xtask bench --size` for what weighs most",
            over.join("\n")
        )),
    }
}

/// Chromium and chromedriver, found (and shown) or an error saying how to install them.
fn browser_and_driver(cx: &Ctx) -> Result<(PathBuf, PathBuf)> {
    let chrome = find_chrome(cx).ok_or_else(|| {
        format!("no chromium, chromium-browser or $CHROME found on PATH. {BROWSER_HINT}")
    })?;
    println!("xtask: browser: {}", chrome.display());
    let driver = find_on_path(&cx.path, "chromedriver")
        .ok_or_else(|| format!("chromedriver not found on PATH. {BROWSER_HINT}"))?;
    println!("xtask: chromedriver: {}", driver.display());
    Ok((chrome, driver))
}

fn stage_browser_tests(cx: &Ctx) -> Result {
    let (chrome, driver) = browser_and_driver(cx)?;
    // The book suite runs the real mdBook with the preprocessor built here.
    cx.run(cx.cmd("cargo").args(["build", "-p", "mdbook-concord"]))?;
    let mdbook = find_on_path(&cx.path, "mdbook").ok_or("mdbook not found on PATH")?;
    let preprocessor = cx.root.join("target/debug/mdbook-concord");
    cx.run(
        cx.cmd("cargo")
            .args(["test", "-p", "concord-tests"])
            .env("CONCORD_DIST", cx.dist())
            .env("CONCORD_ARCHIVE", archive_path(&cx.root)?)
            .env("CHROME", &chrome)
            .env("CHROMEDRIVER", &driver)
            .env("MDBOOK", &mdbook)
            .env("MDBOOK_CONCORD", &preprocessor)
            .env("AXE_CORE", cx.root.join(AXE_SCRIPT)),
    )
}

// ---------------------------------------------------------------------------------------------
// The release archive

/// What a documentation site vendors: the loader, the full bundle and each protocol's (each a
/// wasm and its bindings), and the full playground's page (widgets link to it).
fn archive_files() -> Vec<String> {
    let mut files = vec!["concord.js".to_owned()];
    for bundle in std::iter::once("web").chain(bundles::PROTOCOL_BUNDLES) {
        files.push(format!("concord-{bundle}.js"));
        files.push(format!("concord-{bundle}_bg.wasm"));
    }
    files.push("index.html".to_owned());
    files
}

/// The archive's README: how to put the files on a site. `{version}` is replaced.
const ARCHIVE_README: &str = "\
# Concord {version}

Browser playgrounds for Raft, Gossip and single-decree Paxos, to embed in documentation.
Copy this directory to your site, say to `/concord/`; nothing is fetched from anywhere else.
Check the files first: `sha256sum -c SHA256SUMS`.

One script per page, then an element per playground:

```html
<script type=\"module\" src=\"/concord/concord.js\"></script>
<div data-concord=\"raft\" data-seed=\"7\" data-nodes=\"5\"></div>
```

The loader fetches only the bundle a page needs: `concord-raft.*` for a page of Raft widgets
(likewise Gossip and Paxos), `concord-web.*` for a page of several protocols.

The loader warns in the browser's console when the wasm beside it is of another version:
copy all the files of one release together. Pages with a strict Content-Security-Policy need
`script-src 'self' 'wasm-unsafe-eval'` and nothing for styles. mdBook (the `mdbook-concord`
preprocessor), MkDocs, Sphinx and Docusaurus: see the project's README, \"Embed it in your
docs\".
";

fn dist(cx: &mut Ctx, args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!(
            "`cargo xtask dist` takes no arguments (got `{arg}`)"
        ));
    }
    ensure_tools(cx)?;
    stage_release_build(cx)?;
    stage_archive(cx)
}

/// Packs `dist/` (as trunk built it) into `target/dist/concord-<version>.tar.gz`.
fn stage_archive(cx: &Ctx) -> Result {
    let version = workspace_version(&cx.root)?;
    let loader = fs::read_to_string(cx.dist().join("concord.js"))
        .map_err(|e| format!("cannot read dist/concord.js: {e}"))?;
    check_loader_version(&loader, &version)?;
    let out = cx.root.join("target/dist");
    let name = format!("concord-{version}");
    let staging = out.join(&name);
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    let files = archive_files();
    for file in &files {
        fs::copy(cx.dist().join(file), staging.join(file))
            .map_err(|e| format!("cannot copy dist/{file}: {e}"))?;
    }
    fs::write(
        staging.join("README.md"),
        ARCHIVE_README.replace("{version}", &version),
    )
    .map_err(|e| format!("cannot write README.md: {e}"))?;
    let mut listed: Vec<&str> = files.iter().map(String::as_str).collect();
    listed.push("README.md");
    let sums = cx
        .cmd("sha256sum")
        .args(&listed)
        .current_dir(&staging)
        .output()
        .map_err(|e| format!("cannot run sha256sum: {e}"))?;
    if !sums.status.success() {
        return Err(format!("sha256sum failed ({})", sums.status));
    }
    fs::write(staging.join("SHA256SUMS"), &sums.stdout)
        .map_err(|e| format!("cannot write SHA256SUMS: {e}"))?;
    let archive = archive_path(&cx.root)?;
    cx.run(
        cx.cmd("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&out)
            .arg(&name),
    )?;
    println!("xtask: {}", archive.display());
    Ok(())
}

/// `target/dist/concord-<version>.tar.gz`.
fn archive_path(root: &Path) -> Result<PathBuf> {
    let version = workspace_version(root)?;
    Ok(root.join(format!("target/dist/concord-{version}.tar.gz")))
}

/// `[workspace.package] version` in the root Cargo.toml.
fn workspace_version(root: &Path) -> Result<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package && let Some(version) = toml_string(line, "version") {
            return Ok(version.to_owned());
        }
    }
    Err("Cargo.toml has no [workspace.package] version".into())
}

/// The loader names its version twice, in its banner and in the constant it compares the
/// wasm's with: both must be the release's.
fn check_loader_version(loader: &str, version: &str) -> Result {
    let banner = format!("// Concord {version},");
    let constant = format!("const VERSION = '{version}';");
    if loader.starts_with(&banner) && loader.contains(&constant) {
        Ok(())
    } else {
        Err(format!(
            "the loader (web/embed/concord.js) should start with `{banner}` and say \
             `{constant}`: update both when the version changes"
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// mdBook, for the book suite

/// mdBook 0.5 from crates.io, without the server and watcher the tests do not use.
const MDBOOK_VERSION: &str = "0.5.4";
const MDBOOK_SERIES: &str = "mdbook v0.5.";

fn ensure_mdbook(cx: &mut Ctx) -> Result {
    let version = |cx: &Ctx| {
        cx.capture("mdbook", &["--version"])
            .map(|v| v.trim().to_owned())
    };
    if let Some(v) = version(cx).filter(|v| v.starts_with(MDBOOK_SERIES)) {
        println!("xtask: {v}: ok");
        return Ok(());
    }
    println!("xtask: installing mdbook {MDBOOK_VERSION} (takes ~3 min, once)");
    cx.run(cx.cmd("cargo").args([
        "install",
        "mdbook",
        "--version",
        MDBOOK_VERSION,
        "--locked",
        "--no-default-features",
    ]))?;
    cx.prefer_cargo_bin();
    match version(cx) {
        Some(v) if v.starts_with(MDBOOK_SERIES) => Ok(()),
        found => Err(format!(
            "installed mdbook {MDBOOK_VERSION} but `mdbook --version` says {found:?}"
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// axe-core, for the accessibility suite; twiggy, for the size report

const AXE_VERSION: &str = "4.14.1";
const AXE_PREFIX: &str = "target/tools/axe";
const AXE_SCRIPT: &str = "target/tools/axe/node_modules/axe-core/axe.min.js";

fn ensure_axe(cx: &Ctx) -> Result {
    let script = cx.root.join(AXE_SCRIPT);
    let package = format!("axe-core@{AXE_VERSION}");
    let installed = fs::read_to_string(script.with_file_name("package.json"))
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{AXE_VERSION}\"")));
    if !installed {
        println!("xtask: installing {package} from npm into {AXE_PREFIX}");
        cx.run(
            cx.cmd("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix", AXE_PREFIX])
                .arg(&package),
        )?;
    }
    match script.is_file() {
        true => {
            println!("xtask: {package}: ok");
            Ok(())
        }
        false => Err(format!(
            "npm installed {package} but {} is missing",
            script.display()
        )),
    }
}

const TWIGGY_VERSION: &str = "0.8.0";

fn ensure_twiggy(cx: &mut Ctx) -> Result {
    let version = |cx: &Ctx| {
        cx.capture("twiggy", &["--version"])
            .map(|v| v.trim().to_owned())
    };
    let wanted = |v: &String| v.ends_with(&format!(" {TWIGGY_VERSION}"));
    if let Some(v) = version(cx).filter(wanted) {
        println!("xtask: {v}: ok");
        return Ok(());
    }
    println!("xtask: installing twiggy {TWIGGY_VERSION} (takes a few minutes, once)");
    cx.run(
        cx.cmd("cargo")
            .args(["install", "twiggy", "--version", TWIGGY_VERSION, "--locked"]),
    )?;
    cx.prefer_cargo_bin();
    match version(cx) {
        Some(v) if wanted(&v) => Ok(()),
        found => Err(format!(
            "installed twiggy {TWIGGY_VERSION} but `twiggy --version` says {found:?}"
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Tools

/// Installs what `serve` and `test` need, each only if missing, and puts wasm-opt on the PATH.
fn ensure_tools(cx: &mut Ctx) -> Result {
    ensure_wasm_target(cx)?;
    ensure_trunk(cx)?;
    ensure_wasm_bindgen(cx)?;
    ensure_wasm_opt(cx)?;
    Ok(())
}

fn ensure_wasm_target(cx: &Ctx) -> Result {
    match cx.capture("rustup", &["target", "list", "--installed"]) {
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => {
            println!("xtask: rust target {WASM_TARGET}: installed");
            Ok(())
        }
        Some(_) => {
            println!("xtask: adding rust target {WASM_TARGET}");
            cx.run(cx.cmd("rustup").args(["target", "add", WASM_TARGET]))
        }
        None => {
            // No rustup (a distribution's Rust?): look in the sysroot instead.
            let sysroot = cx
                .capture("rustc", &["--print", "sysroot"])
                .unwrap_or_default();
            let lib = Path::new(sysroot.trim())
                .join("lib/rustlib")
                .join(WASM_TARGET);
            if lib.is_dir() {
                println!("xtask: rust target {WASM_TARGET}: installed (no rustup)");
                Ok(())
            } else {
                Err(format!(
                    "the {WASM_TARGET} target is missing and rustup is not on PATH"
                ))
            }
        }
    }
}

fn ensure_trunk(cx: &mut Ctx) -> Result {
    let version = |cx: &Ctx| {
        cx.capture("trunk", &["--version"])
            .map(|v| v.trim().to_owned())
    };
    let is_ok = |v: &str| {
        v.strip_prefix("trunk ")
            .is_some_and(|v| v.starts_with(TRUNK_SERIES))
    };
    match version(cx) {
        Some(v) if is_ok(&v) => {
            println!("xtask: {v}: ok");
            return Ok(());
        }
        Some(v) => println!("xtask: found {v}, need {TRUNK_SERIES}x"),
        None => {}
    }
    println!("xtask: installing trunk {TRUNK_VERSION} (takes ~7 min, once)");
    cx.run(
        cx.cmd("cargo")
            .args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]),
    )?;
    cx.prefer_cargo_bin();
    match version(cx) {
        Some(v) if is_ok(&v) => Ok(()),
        found => Err(format!(
            "installed trunk {TRUNK_VERSION} but `trunk --version` says {found:?}; \
             is another trunk earlier on PATH?"
        )),
    }
}

fn ensure_wasm_bindgen(cx: &mut Ctx) -> Result {
    let lock_path = cx.root.join("Cargo.lock");
    if !lock_path.is_file() {
        // `cargo metadata` writes the lock file without building anything.
        cx.run(
            cx.cmd("cargo")
                .args(["metadata", "--format-version", "1", "--quiet"])
                .stdout(Stdio::null()),
        )?;
    }
    let lock = fs::read_to_string(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let wanted = match lock_package_versions(&lock, "wasm-bindgen").as_slice() {
        [] => {
            println!("xtask: Cargo.lock names no wasm-bindgen yet; not checking wasm-bindgen-cli");
            return Ok(());
        }
        [one] => one.clone(),
        many => {
            return Err(format!(
                "Cargo.lock names several wasm-bindgen versions ({}); pin one in the root \
                 Cargo.toml",
                many.join(", ")
            ));
        }
    };
    let is_ok = |cx: &Ctx| {
        let want = format!("wasm-bindgen {wanted}");
        let bindgen = cx
            .capture("wasm-bindgen", &["--version"])
            .unwrap_or_default();
        let runner = cx.capture("wasm-bindgen-test-runner", &["--version"]);
        (
            bindgen.trim() == want && runner.is_some(),
            bindgen.trim().to_owned(),
        )
    };
    match is_ok(cx) {
        (true, found) => {
            println!("xtask: {found} (as in Cargo.lock): ok");
            return Ok(());
        }
        (false, found) if !found.is_empty() => {
            println!("xtask: found {found}, Cargo.lock needs {wanted}");
        }
        _ => {}
    }
    println!("xtask: installing wasm-bindgen-cli {wanted} (takes ~3 min, once)");
    // No --locked: its lock file names a crate version the registry does not serve.
    cx.run(
        cx.cmd("cargo")
            .args(["install", "wasm-bindgen-cli", "--version", &wanted]),
    )?;
    cx.prefer_cargo_bin();
    match is_ok(cx) {
        (true, _) => Ok(()),
        (false, found) => Err(format!(
            "installed wasm-bindgen-cli {wanted} but `wasm-bindgen --version` says {found:?}; \
             is another wasm-bindgen earlier on PATH?"
        )),
    }
}

fn ensure_wasm_opt(cx: &mut Ctx) -> Result {
    let prefix = cx.root.join("target/tools/binaryen");
    let bin = prefix.join("node_modules/.bin");
    if !bin.join("wasm-opt").is_file() {
        println!(
            "xtask: installing wasm-opt (binaryen {BINARYEN_VERSION} from npm) into {}",
            prefix.display()
        );
        fs::create_dir_all(&prefix)
            .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
        let package = format!("binaryen@{BINARYEN_VERSION}");
        let status = cx
            .cmd("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(&package)
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => return Err(format!("`npm install {package}` failed ({s})")),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(format!(
                    "npm not found on PATH; it installs wasm-opt ({package}): apt-get install npm"
                ));
            }
            Err(e) => return Err(format!("cannot run npm: {e}")),
        }
    }
    cx.prepend_path(&bin);
    // trunk reads the third word of `wasm-opt --version` ("wasm-opt version 123 (…)").
    let version = cx.capture("wasm-opt", &["--version"]).unwrap_or_default();
    if version.split(' ').nth(2) == Some(BINARYEN_VERSION) {
        println!("xtask: {}: ok", version.trim());
        Ok(())
    } else {
        Err(format!(
            "`wasm-opt --version` from {} says {:?}, expected version {BINARYEN_VERSION}; \
             delete {} and run again",
            bin.display(),
            version.trim(),
            prefix.display()
        ))
    }
}

/// rustfmt and clippy come with rustup's default profile but not its minimal one.
fn ensure_rust_components(cx: &Ctx) -> Result {
    let fmt = cx.capture("cargo", &["fmt", "--version"]).is_some();
    let clippy = cx.capture("cargo", &["clippy", "--version"]).is_some();
    if fmt && clippy {
        println!("xtask: rustfmt and clippy: ok");
        return Ok(());
    }
    println!("xtask: adding rustup components rustfmt and clippy");
    cx.run(
        cx.cmd("rustup")
            .args(["component", "add", "rustfmt", "clippy"]),
    )
}

/// The versions of every `[[package]]` named `name` in a Cargo.lock.
fn lock_package_versions(lock: &str, name: &str) -> Vec<String> {
    let mut versions = Vec::new();
    let mut in_package = false;
    let mut matches = false;
    for line in lock.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[[package]]";
            matches = false;
        } else if in_package {
            if let Some(value) = toml_string(line, "name") {
                matches = value == name;
            } else if let Some(value) = toml_string(line, "version")
                && matches
                && !versions.iter().any(|v| v == value)
            {
                versions.push(value.to_owned());
            }
        }
    }
    versions
}

/// The value of a `key = "value"` line.
fn toml_string<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    rest.strip_prefix('"')?.strip_suffix('"')
}

/// The value of `--flag value`, `--flag=value` or `-f value` among `args`, for any spelling in
/// `flags`.
fn flag_value(args: &[String], flags: &[&str]) -> Option<String> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        for flag in flags {
            if arg == flag {
                return iter.next().cloned();
            }
            if let Some(value) = arg.strip_prefix(flag).and_then(|v| v.strip_prefix('=')) {
                return Some(value.to_owned());
            }
        }
    }
    None
}

fn find_chrome(cx: &Ctx) -> Option<PathBuf> {
    if let Some(chrome) = env::var_os("CHROME").filter(|c| !c.is_empty()) {
        let chrome = PathBuf::from(chrome);
        return if chrome.components().count() > 1 {
            chrome.is_file().then_some(chrome)
        } else {
            find_on_path(&cx.path, chrome.as_os_str())
        };
    }
    ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(|name| find_on_path(&cx.path, name))
}

fn find_on_path(path: &OsStr, name: impl AsRef<OsStr>) -> Option<PathBuf> {
    env::split_paths(path)
        .map(|dir| dir.join(name.as_ref()))
        .find(|p| p.is_file())
}

fn elapsed(since: Instant) -> String {
    let elapsed = since.elapsed();
    let secs = elapsed.as_secs();
    if secs < 60 {
        format!("{:.1}s", elapsed.as_secs_f64())
    } else {
        format!("{}m{:02}s", secs / 60, secs % 60)
    }
}

// ---------------------------------------------------------------------------------------------
// Running children

/// Where to run, and the PATH every child gets.
struct Ctx {
    root: PathBuf,
    path: OsString,
    cargo_bin: Option<PathBuf>,
}

impl Ctx {
    fn new() -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or("xtask's manifest dir has no parent")?
            .to_path_buf();
        let cargo_bin = env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
            .map(|home| home.join("bin"));
        let mut cx = Ctx {
            root,
            path: env::var_os("PATH").unwrap_or_default(),
            cargo_bin,
        };
        // `cargo install` puts binaries there; make sure children find them.
        if let Some(bin) = cx.cargo_bin.clone()
            && !env::split_paths(&cx.path).any(|p| p == bin)
        {
            let mut dirs: Vec<PathBuf> = env::split_paths(&cx.path).collect();
            dirs.push(bin);
            cx.path = env::join_paths(dirs).map_err(|e| e.to_string())?;
        }
        Ok(cx)
    }

    fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    fn prepend_path(&mut self, dir: &Path) {
        let mut dirs: Vec<PathBuf> = vec![dir.to_path_buf()];
        dirs.extend(env::split_paths(&self.path).filter(|p| p != dir));
        if let Ok(path) = env::join_paths(dirs) {
            self.path = path;
        }
    }

    /// After `cargo install`, the fresh binary must win over any older one on PATH.
    fn prefer_cargo_bin(&mut self) {
        if let Some(bin) = self.cargo_bin.clone() {
            self.prepend_path(&bin);
        }
    }

    /// A command run from the workspace root with our PATH; children inherit stdio.
    fn cmd(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root)
            .env("PATH", &self.path)
            // trunk would otherwise ask crates.io for a newer trunk on every run.
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        cmd
    }

    /// Runs a command with inherited stdio; an error unless it exits with success.
    fn run(&self, cmd: &mut Command) -> Result {
        println!("$ {}", show(cmd));
        self.wait(cmd)
    }

    /// Like [`Ctx::run`], but shows the command on stderr: stdout is the child's alone.
    fn run_quietly(&self, cmd: &mut Command) -> Result {
        eprintln!("$ {}", show(cmd));
        self.wait(cmd)
    }

    fn wait(&self, cmd: &mut Command) -> Result {
        let shown = show(cmd);
        match cmd.status() {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(format!("`{shown}` failed ({status})")),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(format!(
                "`{shown}`: {} not found on PATH",
                cmd.get_program().display()
            )),
            Err(e) => Err(format!("`{shown}`: cannot start: {e}")),
        }
    }

    /// Runs a command quietly and returns its stdout if it succeeded.
    fn capture(&self, program: &str, args: &[&str]) -> Option<String> {
        let output = self
            .cmd(program)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

fn show(cmd: &Command) -> String {
    let mut out = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        out.push(' ');
        out.push_str(&arg.to_string_lossy());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cfg-if",
]

[[package]]
name = "wasm-bindgen-backend"
version = "0.2.99"

[[package]]
name = "web"
version = "0.1.0"
dependencies = [
 "wasm-bindgen",
]
"#;

    #[test]
    fn finds_the_exact_wasm_bindgen_version_in_cargo_lock() {
        assert_eq!(lock_package_versions(LOCK, "wasm-bindgen"), ["0.2.130"]);
        assert_eq!(
            lock_package_versions(LOCK, "wasm-bindgen-backend"),
            ["0.2.99"]
        );
        assert!(lock_package_versions(LOCK, "trunk").is_empty());
    }

    #[test]
    fn the_browser_bench_builds_unless_told_not_to() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(browser_bench_builds(&args(&[])), Ok(true));
        assert_eq!(browser_bench_builds(&args(&["--no-build"])), Ok(false));
        assert!(browser_bench_builds(&args(&["--size"])).is_err());
        assert!(browser_bench_builds(&args(&["--no-build", "x"])).is_err());
    }

    #[test]
    fn reads_flag_values_in_both_spellings() {
        let args: Vec<String> = ["--open", "-p", "9000", "--address=0.0.0.0"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            flag_value(&args, &["--port", "-p"]).as_deref(),
            Some("9000")
        );
        assert_eq!(
            flag_value(&args, &["--address", "-a"]).as_deref(),
            Some("0.0.0.0")
        );
        assert_eq!(flag_value(&args, &["--config"]), None);
    }

    #[test]
    fn the_loader_names_the_workspace_version() {
        let cx = Ctx::new().unwrap();
        let version = workspace_version(&cx.root).unwrap();
        let loader = fs::read_to_string(cx.root.join("web/embed/concord.js")).unwrap();
        assert_eq!(check_loader_version(&loader, &version), Ok(()));
        assert!(check_loader_version(&loader, "9.9.9").is_err());
    }

    #[test]
    fn the_loader_knows_the_protocol_bundles_the_build_makes() {
        let cx = Ctx::new().unwrap();
        let loader = fs::read_to_string(cx.root.join("web/embed/concord.js")).unwrap();
        let listed = bundles::PROTOCOL_BUNDLES
            .map(|p| format!("'{p}'"))
            .join(", ");
        assert!(
            loader.contains(&format!("const PROTOCOLS = [{listed}];")),
            "web/embed/concord.js should say `const PROTOCOLS = [{listed}];`"
        );
        let manifest = fs::read_to_string(cx.root.join("web/Cargo.toml")).unwrap();
        for protocol in bundles::PROTOCOL_BUNDLES {
            assert!(
                manifest.contains(&format!("\n{protocol} = [")),
                "web/Cargo.toml should have the feature {protocol}"
            );
        }
    }

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        let cx = Ctx::new().unwrap();
        let manifest = fs::read_to_string(cx.root.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
    }
}
