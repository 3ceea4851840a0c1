//! The release build: trunk builds the full bundle (`concord-web.js`, `concord-web_bg.wasm`:
//! every protocol, the tours, the Lab) and the full playground's page into `dist/`; then each
//! protocol gets a bundle of its own beside it (`concord-raft.js`, `concord-raft_bg.wasm`, …),
//! built from the web crate with only that protocol's cargo feature, which widgets and iframes
//! of that one protocol load (`web/embed/concord.js` picks).
//!
//! A protocol's bundle is built the way trunk builds the full one (cargo, then wasm-bindgen for
//! the web, then wasm-opt), with the same tools on the PATH, only named after the protocol and
//! compiled for size ([`PROFILE`]).

use std::fs;
use std::process::Child;

use crate::{Ctx, Result, WASM_TARGET};

/// The protocols with a bundle of their own: each is a cargo feature of the web crate, and the
/// loader lists the same names (its `PROTOCOLS`).
pub const PROTOCOL_BUNDLES: [&str; 3] = ["raft", "gossip", "paxos"];

/// The cargo profile a protocol's bundle is compiled with: `bundle` (Cargo.toml), the release
/// profile at opt-level "z", about 10 % smaller gzipped than "s" for code about a sixth slower,
/// which the full playground (trunk, the release profile) does not pay (BENCHMARKS.md, "Bundle
/// size"). Its own profile, so every dependency is compiled for it once more.
const PROFILE: &str = "bundle";

/// wasm-opt's level for a protocol's bundle: -O2 runs in a third of -Oz's time for as small a
/// bundle gzipped (at opt-level "z", -Oz's is 0.3–0.6 % larger; BENCHMARKS.md, "Bundle size").
/// The full bundle's is trunk's `data-wasm-opt` in index.html.
const WASM_OPT_LEVEL: &str = "-O2";

/// wasm-bindgen's output before wasm-opt (with function names, for twiggy), where trunk puts the
/// full bundle's.
pub const BINDGEN_DIR: &str = "target/wasm-bindgen/release";

/// Builds every protocol's bundle into `dist/` (after trunk, which empties `dist/` first). Each
/// bundle's wasm-opt runs while the next one compiles (the final link of a release build is
/// single-threaded), and all are awaited at the end.
pub fn build_protocols(cx: &Ctx) -> Result {
    let mut optimising = Vec::new();
    let mut failed = None;
    for protocol in PROTOCOL_BUNDLES {
        match build_protocol(cx, protocol) {
            Ok(child) => optimising.push(child),
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    for (shown, mut child) in optimising {
        match child.wait() {
            Ok(status) if status.success() => {}
            Ok(status) => failed = failed.or(Some(format!("`{shown}` failed ({status})"))),
            Err(e) => failed = failed.or(Some(format!("`{shown}`: {e}"))),
        }
    }
    failed.map_or(Ok(()), Err)
}

/// Compiles and binds one protocol's bundle, copies its bindings into `dist/` and starts its
/// wasm-opt, which writes its wasm there: the command line and the running child.
fn build_protocol(cx: &Ctx, protocol: &str) -> Result<(String, Child)> {
    cx.run(cx.cmd("cargo").args([
        "build",
        "--profile",
        PROFILE,
        "--target",
        WASM_TARGET,
        "-p",
        "concord-web",
        "--bin",
        "concord-web",
        "--no-default-features",
        "--features",
        protocol,
    ]))?;
    let name = format!("concord-{protocol}");
    let wasm = cx
        .root
        .join(format!("target/{WASM_TARGET}/{PROFILE}/concord-web.wasm"));
    let bindgen = cx.root.join(BINDGEN_DIR);
    cx.run(
        cx.cmd("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-name", &name])
            .arg("--out-dir")
            .arg(&bindgen)
            .arg(&wasm),
    )?;
    let dist = cx.dist();
    let glue = format!("{name}.js");
    fs::copy(bindgen.join(&glue), dist.join(&glue))
        .map_err(|e| format!("cannot copy {glue} into dist/: {e}"))?;
    let mut optimise = cx.cmd("wasm-opt");
    optimise
        .arg(WASM_OPT_LEVEL)
        .arg("--output")
        .arg(dist.join(format!("{name}_bg.wasm")))
        .arg(bindgen.join(format!("{name}_bg.wasm")));
    let shown = crate::show(&optimise);
    println!("$ {shown} &");
    let child = optimise
        .spawn()
        .map_err(|e| format!("`{shown}`: cannot start: {e}"))?;
    Ok((shown, child))
}
