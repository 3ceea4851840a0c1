//! The stylesheet travels inside the wasm, so there is one way to style every host: the full page
//! and an iframe embed adopt it into their document, each widget into its own shadow root, where
//! the page around it can neither see it nor be restyled by it.
//!
//! It is a constructed stylesheet (`new CSSStyleSheet()`, `adoptedStyleSheets`), not a `<style>`
//! element: a page whose Content-Security-Policy says `style-src 'self'` refuses inline `<style>`
//! but not a sheet built through the CSSOM. One sheet serves every widget of a page.

use std::cell::OnceCell;

use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Document, ShadowRoot};

/// Every stylesheet, in order, as `build.rs` ships it (no comments): a protocol's own sheet goes
/// here too, so widgets get it.
const SHEETS: &[&str] = &[
    include_str!(concat!(env!("OUT_DIR"), "/style.css")),
    #[cfg(feature = "raft")]
    include_str!(concat!(env!("OUT_DIR"), "/raft.css")),
    #[cfg(feature = "raft")]
    include_str!(concat!(env!("OUT_DIR"), "/raft-membership.css")),
    #[cfg(feature = "gossip")]
    include_str!(concat!(env!("OUT_DIR"), "/gossip.css")),
    #[cfg(feature = "paxos")]
    include_str!(concat!(env!("OUT_DIR"), "/paxos.css")),
    #[cfg(feature = "app")]
    include_str!(concat!(env!("OUT_DIR"), "/lab.css")),
    // Last: a tour's guided layout overrides the protocols' own.
    include_str!(concat!(env!("OUT_DIR"), "/tour.css")),
];

thread_local! {
    /// Parsed once per page (a constructed sheet is adopted only in the document that built it,
    /// and each iframe runs its own copy of the wasm).
    static SHEET: OnceCell<CssStyleSheet> = const { OnceCell::new() };
}

fn sheet() -> Result<JsValue, JsValue> {
    SHEET.with(|cell| {
        if let Some(sheet) = cell.get() {
            return Ok(sheet.into());
        }
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(&SHEETS.concat())?;
        Ok(cell.get_or_init(|| sheet).into())
    })
}

/// Adopts Concord's stylesheet into a document (the full page, an iframe embed), after the
/// sheets it already adopted.
pub fn install_in_document(document: &Document) -> Result<(), JsValue> {
    let adopted = document.adopted_style_sheets();
    adopted.push(&sheet()?);
    document.set_adopted_style_sheets(&adopted);
    Ok(())
}

/// Makes Concord's stylesheet the only one of a widget's shadow root.
pub fn install_in_shadow(shadow: &ShadowRoot) -> Result<(), JsValue> {
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet()?));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    /// The words of a stylesheet: its comments dropped, any run of whitespace one space.
    fn words(css: &str) -> String {
        let mut pieces = css.split("/*");
        let mut text = pieces.next().unwrap_or_default().to_owned();
        for piece in pieces {
            text.push(' ');
            text.push_str(piece.split_once("*/").map_or("", |(_, after)| after));
        }
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_shipped_sheets_say_what_the_sources_say_without_their_comments() {
        let sources = fs::read_dir(env!("CARGO_MANIFEST_DIR")).expect("web/ is listed");
        let mut checked = 0;
        for path in sources.map(|e| e.expect("an entry").path()) {
            if path.extension().is_none_or(|x| x != "css") {
                continue;
            }
            let name = path.file_name().expect("a file name");
            let source = fs::read_to_string(&path).expect("the source is read");
            let shipped = fs::read_to_string(Path::new(env!("OUT_DIR")).join(name))
                .expect("build.rs shipped it");
            assert!(!shipped.contains("/*"), "a comment was shipped in {name:?}");
            assert_eq!(words(&shipped), words(&source), "{name:?}");
            assert!(shipped.len() < source.len(), "{name:?}");
            checked += 1;
        }
        assert_eq!(
            checked,
            super::SHEETS.len(),
            "every sheet style.rs includes"
        );
    }
}
