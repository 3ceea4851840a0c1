//! The embed as an iframe's whole document (`?embed=1`), talking to the page around it over
//! `postMessage`.
//!
//! - Commands: the parent posts `{ concord: "play" }`, `{ concord: "seek", step: 12 }`,
//!   `{ concord: "load", options: { seed: 9 } }` … (see [`Command`]). Only messages from the
//!   parent window are taken, and with `origin=<origin>` in the address only from that origin.
//! - Events: every event a widget's subscribers get, posted to the parent as
//!   `{ concord: "event", type: "step", step: 3, … }`, to the `origin` given, else to any (an
//!   embed says only what its simulation does, which its page shows anyway).

use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, MessageEvent};

use super::{Embed, EmbedProps, Host};
use crate::address;
use crate::playground::{Bridge, Command};

/// Mounts the embed on `root`, fills the window with it and connects it to the parent page.
pub fn start(root: Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(html) = window.document().and_then(|d| d.document_element()) {
        // The stylesheet sizes this document to the iframe and hides its scrollbars.
        let _ = html.class_list().add_1("concord-frame");
    }
    let params = super::params(address::query_pairs(&address::search()));
    let origin = params.get("origin").filter(|o| !o.is_empty()).cloned();
    let bridge = Bridge::default();
    let parent = window.parent().ok().flatten().filter(|p| p != &window);
    if let Some(parent) = parent {
        connect(&window, parent, origin, &bridge);
    }
    let hash = address::hash();
    let props = EmbedProps {
        params: Rc::new(params),
        fragment: (!hash.is_empty()).then_some(hash),
        bridge,
        // The full playground is this page without `embed=1`.
        full_page: Some(address::path().into()),
        host: Host::Frame,
    };
    yew::Renderer::<Embed>::with_root_and_props(root, props).render();
}

fn connect(
    window: &web_sys::Window,
    parent: web_sys::Window,
    origin: Option<String>,
    bridge: &Bridge,
) {
    {
        let (parent, target) = (parent.clone(), origin.clone().unwrap_or_else(|| "*".into()));
        bridge.subscribe(Rc::new(move |event: &Value| {
            let mut message = event.clone();
            if let Value::Object(fields) = &mut message {
                fields.insert("concord".into(), "event".into());
            }
            let _ = parent.post_message(&super::widget::to_js(&message), &target);
        }));
    }
    let bridge = bridge.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        // Compared as values: a parent from another origin is no `Window` of this realm.
        let from_parent = e
            .source()
            .is_some_and(|source| JsValue::from(source) == JsValue::from(&parent));
        let allowed = origin.as_ref().is_none_or(|o| *o == e.origin());
        if !from_parent || !allowed {
            return;
        }
        // Messages that are not Concord commands are someone else's: ignore them.
        if let Ok(command) = serde_wasm_bindgen::from_value::<Command>(e.data()) {
            bridge.send(command);
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    // The listener serves the page for as long as it is open.
    on_message.forget();
}
