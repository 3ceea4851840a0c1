//! The Concord bundle (a built `dist/`, or an unpacked `concord-<version>.tar.gz`) put where
//! mdBook copies it into the book, once for all pages and widgets.
//!
//! mdBook's HTML renderer empties its output directory before it writes, so a preprocessor cannot
//! write there; it does copy every file of the book's `src/` that is not Markdown. With
//! `bundle = "…"` set, the preprocessor copies the bundle's files into `src/<path>/` (`concord/`
//! by default), writing only files that changed (so `mdbook serve` does not rebuild in a loop),
//! with a `.gitignore` that keeps the copy out of the author's repository.

use std::fs;
use std::io;
use std::path::Path;

/// The files a page with widgets needs at least: the loader and the full bundle (the wasm and
/// its bindings). Each protocol's own bundle (`concord-raft.js`, `concord-raft_bg.wasm`, …), which
/// the loader prefers on a page of that one protocol, is copied with every other top-level file; a
/// bundle without them (`trunk build` alone) still works, from the full bundle.
pub const REQUIRED: [&str; 3] = ["concord.js", "concord-web.js", "concord-web_bg.wasm"];

/// Copies every file at the top of `bundle` into `target` (subdirectories, such as `dist/docs/`,
/// stay behind). Returns how many files it wrote.
pub fn sync(bundle: &Path, target: &Path) -> Result<usize, String> {
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|name| !bundle.join(name).is_file())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the bundle {} lacks {}: point `bundle` at a built dist/ (`cargo xtask dist` or \
             `trunk build --release`) or an unpacked concord-<version>.tar.gz",
            bundle.display(),
            missing.join(", ")
        ));
    }
    let failed = |what: &str, path: &Path, e: io::Error| format!("{what} {}: {e}", path.display());
    fs::create_dir_all(target).map_err(|e| failed("cannot create", target, e))?;
    let ignore = target.join(".gitignore");
    if !ignore.exists() {
        fs::write(
            &ignore,
            "# Copied from the Concord bundle by mdbook-concord.\n*\n",
        )
        .map_err(|e| failed("cannot write", &ignore, e))?;
    }
    let mut written = 0;
    for entry in fs::read_dir(bundle).map_err(|e| failed("cannot read", bundle, e))? {
        let entry = entry.map_err(|e| failed("cannot read", bundle, e))?;
        let from = entry.path();
        if !from.is_file() {
            continue;
        }
        let to = target.join(entry.file_name());
        let data = fs::read(&from).map_err(|e| failed("cannot read", &from, e))?;
        if fs::read(&to).is_ok_and(|old| old == data) {
            continue;
        }
        fs::write(&to, data).map_err(|e| failed("cannot write", &to, e))?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("mdbook-concord-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn copies_the_top_level_files_once_and_only_what_changed_after() {
        let dir = scratch("sync");
        let bundle = dir.join("dist");
        fs::create_dir_all(bundle.join("docs")).unwrap();
        for name in REQUIRED.into_iter().chain(["index.html"]) {
            fs::write(bundle.join(name), name).unwrap();
        }
        fs::write(bundle.join("docs/index.html"), "sample").unwrap();
        let target = dir.join("book/src/concord");

        assert_eq!(sync(&bundle, &target), Ok(4));
        assert_eq!(
            fs::read_to_string(target.join("concord.js")).unwrap(),
            "concord.js"
        );
        assert!(!target.join("docs").exists());
        assert!(
            fs::read_to_string(target.join(".gitignore"))
                .unwrap()
                .contains("*")
        );
        assert_eq!(sync(&bundle, &target), Ok(0));
        fs::write(bundle.join("concord.js"), "newer").unwrap();
        assert_eq!(sync(&bundle, &target), Ok(1));

        fs::remove_file(bundle.join("concord-web_bg.wasm")).unwrap();
        let error = sync(&bundle, &target).unwrap_err();
        assert!(error.contains("lacks concord-web_bg.wasm"), "{error}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
