//! The stylesheets go into the wasm without their comments and indentation (`src/style.rs`
//! includes them from `OUT_DIR`): every widget's page downloads them, and the comments are for
//! whoever edits the files (BENCHMARKS.md, "the stylesheets shipped without their comments").

use std::path::Path;
use std::{env, fs};

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
    // Every stylesheet beside this file, so that one added to `src/style.rs` is shipped too.
    println!("cargo::rerun-if-changed=.");
    let entries = fs::read_dir(".").unwrap_or_else(|e| panic!("listing web/: {e}"));
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.extension().is_none_or(|x| x != "css") {
            continue;
        }
        println!("cargo::rerun-if-changed={}", path.display());
        let css = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading web/{}: {e}", path.display()));
        let name = path.file_name().unwrap_or_default();
        fs::write(Path::new(&out).join(name), shipped(&css))
            .unwrap_or_else(|e| panic!("writing {} into OUT_DIR: {e}", path.display()));
    }
}
