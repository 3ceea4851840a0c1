//! The stylesheet travels inside the wasm, so there is one way to style every host: the full page
//! and an iframe embed put it in their document's head, each widget in its own shadow root, where
//! the page around it can neither see it nor be restyled by it.

use wasm_bindgen::JsValue;
use web_sys::Node;

/// Every stylesheet, in order: a protocol's own sheet goes here too, so widgets get it.
const SHEETS: [&str; 6] = [
    include_str!("../style.css"),
    include_str!("../raft.css"),
    include_str!("../raft-membership.css"),
    include_str!("../gossip.css"),
    include_str!("../paxos.css"),
    // Last: a tour's guided layout overrides the protocols' own.
    include_str!("../tour.css"),
];

/// Appends a `<style>` with Concord's stylesheets to `parent` (a head or a shadow root).
pub fn install(parent: &Node) -> Result<(), JsValue> {
    let document = parent
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let style = document.create_element("style")?;
    style.set_text_content(Some(&SHEETS.concat()));
    parent.append_child(&style)?;
    Ok(())
}
