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

/// Every stylesheet, in order: a protocol's own sheet goes here too, so widgets get it.
const SHEETS: &[&str] = &[
    include_str!("../style.css"),
    #[cfg(feature = "raft")]
    include_str!("../raft.css"),
    #[cfg(feature = "raft")]
    include_str!("../raft-membership.css"),
    #[cfg(feature = "gossip")]
    include_str!("../gossip.css"),
    #[cfg(feature = "paxos")]
    include_str!("../paxos.css"),
    #[cfg(feature = "app")]
    include_str!("../lab.css"),
    // Last: a tour's guided layout overrides the protocols' own.
    include_str!("../tour.css"),
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
