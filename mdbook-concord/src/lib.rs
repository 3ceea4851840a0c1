//! `mdbook-concord`: an mdBook preprocessor that turns `{{#concord raft seed=7 nodes=5}}` in a
//! chapter into a Concord playground (see [`directive`] for every form).
//!
//! ```toml
//! # book.toml
//! [preprocessor.concord]
//! bundle = "../concord/dist"   # a built dist/ or an unpacked release archive, from the book's root
//! # path = "concord"           # where the bundle goes in the book (default: concord/)
//! ```
//!
//! Each chapter with widgets gets the loader's `<script type="module">` once, before its first
//! widget; the bundle is copied into the book once ([`bundle`]). Only the HTML renderer is
//! supported. Without `bundle`, the book's `src/<path>/` must already hold the bundle.

pub mod bundle;
pub mod chapter;
pub mod directive;

use std::path::{Component, Path};

use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::errors::{Error, Result};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The preprocessor, named `concord` in `book.toml`.
pub struct Concord;

/// The bundle's directory in the book when `path` is not set.
pub const DEFAULT_PATH: &str = "concord";

impl Preprocessor for Concord {
    fn name(&self) -> &str {
        "concord"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let config = &ctx.config;
        let path: String = config
            .get("preprocessor.concord.path")?
            .unwrap_or_else(|| DEFAULT_PATH.to_owned());
        let path = path.trim_matches('/').to_owned();
        let in_src = ctx.root.join(&config.book.src).join(&path);
        match config.get::<String>("preprocessor.concord.bundle")? {
            Some(bundle) => {
                bundle::sync(&ctx.root.join(bundle), &in_src).map_err(Error::msg)?;
            }
            None if !in_src.join("concord.js").is_file() => eprintln!(
                "mdbook-concord: warning: {} has no concord.js; set `bundle` under \
                 [preprocessor.concord] in book.toml, or copy the bundle there",
                in_src.display()
            ),
            None => {}
        }
        let mut failure = None;
        book.for_each_chapter_mut(|chapter| {
            let Some(chapter_path) = &chapter.path else {
                return;
            };
            let to_root = "../".repeat(depth(chapter_path));
            match chapter::expand(&chapter.content, &format!("{to_root}{path}/")) {
                Ok(expanded) => chapter.content = expanded.markdown,
                Err(e) => {
                    failure.get_or_insert_with(|| {
                        let source = chapter.source_path.as_deref().unwrap_or(chapter_path);
                        format!("{}: {e}", source.display())
                    });
                }
            }
        });
        match failure {
            Some(message) => Err(Error::msg(message)),
            None => Ok(book),
        }
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// How many directories a chapter's page lies below the book's root.
fn depth(chapter: &Path) -> usize {
    chapter.parent().map_or(0, |dir| {
        dir.components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_in_subdirectories_reach_the_bundle_through_parents() {
        assert_eq!(depth(Path::new("intro.md")), 0);
        assert_eq!(depth(Path::new("raft/election.md")), 1);
        assert_eq!(depth(Path::new("a/b/c.md")), 2);
    }
}
