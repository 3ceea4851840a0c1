//! The stylesheets go into the wasm without their comments and indentation (`src/style.rs`
//! includes them from `OUT_DIR`): every widget's page downloads them, and the comments are for
//! whoever edits the files (BENCHMARKS.md, "the stylesheets shipped without their comments").

use std::path::Path;
use std::{env, fs};

/// Every stylesheet `src/style.rs` includes.
const SHEETS: [&str; 7] = [
    "style.css",
    "raft.css",
    "raft-membership.css",
    "gossip.css",
    "paxos.css",
    "lab.css",
    "tour.css",
];

/// `css` without its `/* … */` comments (a quoted string is kept whole, `/*` and all), each line
/// trimmed, and no blank lines.
fn shipped(css: &str) -> String {
    let mut kept = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                kept.push(c);
            }
            None if c == '/' && chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                kept.push(c);
            }
        }
    }
    kept.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    for sheet in SHEETS {
        println!("cargo::rerun-if-changed={sheet}");
        let css = fs::read_to_string(sheet).unwrap_or_else(|e| panic!("reading web/{sheet}: {e}"));
        fs::write(Path::new(&out).join(sheet), shipped(&css))
            .unwrap_or_else(|e| panic!("writing {sheet} into OUT_DIR: {e}"));
    }
}
