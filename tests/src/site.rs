//! Documentation sites built by the real tools (mdBook, MkDocs, Sphinx) from the fixtures in
//! `tests/fixtures/`, for the suites that open them in Chromium.
//!
//! A fixture is copied into a temporary directory before its tool runs, so a build never writes
//! into the repository. [`tool`] finds a tool as `$VAR` or on `PATH`; a suite whose tool is
//! missing says so and skips when the tool is optional (MkDocs, Sphinx), or fails when the gate
//! installs it (mdBook).

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::browser::TempDir;
use crate::{Failure, Outcome};

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    crate::repo_root().join("tests").join("fixtures").join(name)
}

/// The program `$var` names (a path, or a name on `PATH`), else `name` on `PATH`.
pub fn tool(var: &str, name: &str) -> Option<PathBuf> {
    let wanted = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| name.into());
    let path = PathBuf::from(&wanted);
    if path.components().count() > 1 {
        return path.is_file().then_some(path);
    }
    on_path(&wanted)
}

fn on_path(name: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Copies the directory `from` into `to` (created), recursively.
pub fn copy_dir(from: &Path, to: &Path) -> Outcome {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Copies the top-level files of the trunk build (`dist/`: the loader, the wasm and its
/// bindings, the full playground's page) into `to`, as a docs author vendors them.
pub fn copy_bundle(dist: &Path, to: &Path) -> Outcome {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(dist)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// A fixture copied into a fresh temporary directory (removed on drop).
pub struct Workspace {
    dir: TempDir,
}

impl Workspace {
    pub fn from_fixture(name: &str) -> Outcome<Workspace> {
        let dir = TempDir::new(&format!("concord-site-{name}"))?;
        copy_dir(&fixture(name), dir.path())?;
        Ok(Workspace { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `command` in the workspace; on failure, the command and its output.
    pub fn run(&self, command: &mut Command) -> Outcome {
        let shown = format!("{command:?}");
        let output = command
            .current_dir(self.path())
            .output()
            .map_err(|e| Failure::new(format!("cannot run {shown}: {e}")))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(Failure::new(format!(
                "{shown} failed ({}):\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )))
        }
    }
}

const MDBOOK_TOOLS: &str = "mdBook 0.5 and the preprocessor are needed: `cargo install mdbook \
                            --version 0.5.4 --locked --no-default-features` and `cargo build -p \
                            mdbook-concord` (cargo xtask test does both and sets MDBOOK and \
                            MDBOOK_CONCORD)";

/// Builds the book in `book` (a copy of a fixture whose `book.toml` ends with the
/// `[preprocessor.concord]` table) with `mdbook` (`$MDBOOK`) and the preprocessor
/// (`$MDBOOK_CONCORD`), around the bundle in `dist`. The book's output directory.
pub fn mdbook_build(book: &Workspace, dist: &Path) -> Outcome<PathBuf> {
    let mdbook = tool("MDBOOK", "mdbook").ok_or(MDBOOK_TOOLS)?;
    let preprocessor = tool("MDBOOK_CONCORD", "mdbook-concord").ok_or(MDBOOK_TOOLS)?;
    let config = book.path().join("book.toml");
    let mut toml = fs::read_to_string(&config)?;
    toml.push_str(&format!(
        "bundle = '{}'\ncommand = '{}'\n",
        dist.display(),
        preprocessor.display()
    ));
    fs::write(&config, toml)?;
    book.run(Command::new(&mdbook).arg("build"))?;
    Ok(book.path().join("book"))
}

/// How many times `needle` occurs in the file at `path`.
pub fn count_in(path: &Path, needle: &str) -> Outcome<usize> {
    let text = fs::read_to_string(path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    Ok(text.matches(needle).count())
}

/// Every file under `dir` named `name`.
pub fn find_files(dir: &Path, name: &str) -> Outcome<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            found.extend(find_files(&entry.path(), name)?);
        } else if entry.file_name() == name {
            found.push(entry.path());
        }
    }
    Ok(found)
}
