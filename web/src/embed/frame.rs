//! The embed as an iframe's whole document (`?embed=1`), talking to the page around it over
//! `postMessage`.
//!
//! - Commands: the parent posts `{ concord: "play" }`, `{ concord: "seek", step: 12 }`,
//!   `{ concord: "load", options: { seed: 9 } }` … (see [`Command`]). Only messages from the
//!   parent window are taken, and with `origin=<origin>` in the address only from that origin.
//! - Events: every event a widget's subscribers get, posted to the parent as
//!   `{ concord: "event", type: "step", step: 3, … }`, to the `origin` given, else to any (an
//!   embed says only what its simulation does, which its page shows anyway).
//! - A message with a `concord` field that is no command it knows (`{ concord: "seek" }`
//!   without a step, `{ concord: "jump" }`) is answered the same way with
//!   `{ concord: "event", type: "error", command, message }`; any other message is another
//!   script's, and is left alone.

use std::rc::Rc;

use serde_json::{Map, Value};
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
    let (params, problems) = super::params(&address::query_pairs(&address::search()));
    let origin = params.get("origin").filter(|o| !o.is_empty()).cloned();
    let bridge = Bridge::default();
    let parent = window.parent().ok().flatten().filter(|p| p != &window);
    if let Some(parent) = parent {
        connect(&window, parent, origin, &bridge);
    }
    let hash = address::hash();
    let props = EmbedProps {
        params: Rc::new(params),
        problems,
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
        // Anything that is not a JSON object with a `concord` field is someone else's.
        let Ok(data) = serde_wasm_bindgen::from_value::<Value>(e.data()) else {
            return;
        };
        match read(data) {
            Posted::Command(command) => bridge.send(command),
            Posted::Malformed(error) => bridge.announce("error", error),
            Posted::Other => {}
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    // The listener serves the page for as long as it is open.
    on_message.forget();
}

/// What a message posted to the frame is.
#[derive(Debug, PartialEq)]
pub enum Posted {
    Command(Command),
    /// A Concord message that is no command: the fields of the `error` event that answers it.
    Malformed(Map<String, Value>),
    /// Not addressed to Concord (no `concord` field), or one of Concord's own events.
    Other,
}

/// Recognises a posted message: an object whose `concord` field names a command (other than
/// `event`, which is what embeds post) is Concord's, well-formed or not.
pub fn read(data: Value) -> Posted {
    let named = match data.get("concord") {
        None => return Posted::Other,
        Some(Value::String(name)) if name == "event" => return Posted::Other,
        Some(named) => named.clone(),
    };
    match serde_json::from_value::<Command>(data) {
        Ok(command) => Posted::Command(command),
        Err(e) => {
            let mut fields = Map::new();
            fields.insert("command".into(), named);
            fields.insert(
                "message".into(),
                format!("Concord: not a command it can carry out: {e}").into(),
            );
            Posted::Malformed(fields)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Commands are read; a Concord message that is no command is answered with what was wrong;
    /// other scripts' messages and Concord's own events are left alone.
    #[test]
    fn posted_messages_are_commands_errors_or_someone_elses() {
        assert_eq!(
            read(json!({ "concord": "seek", "step": 12 })),
            Posted::Command(Command::Seek { step: 12 })
        );
        for (message, command, says) in [
            (
                json!({ "concord": "seek" }),
                json!("seek"),
                "missing field `step`",
            ),
            (
                json!({ "concord": "seek", "step": "x" }),
                json!("seek"),
                "invalid type",
            ),
            (
                json!({ "concord": "seek", "step": -1 }),
                json!("seek"),
                "invalid value",
            ),
            (
                json!({ "concord": "jump" }),
                json!("jump"),
                "unknown variant `jump`",
            ),
            (
                json!({ "concord": 3 }),
                json!(3),
                "expected variant identifier",
            ),
            (
                json!({ "concord": "load" }),
                json!("load"),
                "missing field `options`",
            ),
        ] {
            let Posted::Malformed(fields) = read(message.clone()) else {
                panic!("{message} should be answered with an error");
            };
            assert_eq!(fields["command"], command, "{message}");
            let text = fields["message"].as_str().unwrap();
            assert!(text.contains(says), "{message}: {text}");
        }
        for other in [
            json!({ "type": "seek", "step": 3 }),
            json!("concord"),
            json!([1, 2]),
            json!({ "concord": "event", "type": "step" }),
        ] {
            assert_eq!(read(other.clone()), Posted::Other, "{other}");
        }
    }
}
