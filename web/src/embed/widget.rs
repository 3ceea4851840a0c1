//! The embed as a widget in someone else's page, and its JavaScript API.
//!
//! The loader script (`web/embed/concord.js`) calls [`mount`] for every element with a
//! `data-concord` attribute. The playground goes into the element's shadow root, with the
//! stylesheet, so the page's CSS and ours never meet; the element's own children stay as the
//! fallback for readers without JavaScript. `mount` returns a [`Concord`] handle: commands,
//! subscriptions, state, `destroy`.
//!
//! A key the playground takes (→, ←, Space …) stops at the shadow root: documentation sites
//! bind the same keys (mdBook turns the page on → and ←). The widget is light or dark as the page
//! around it is ([`crate::theme`]).

use std::rc::Rc;

use serde::Serialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, ShadowRoot, ShadowRootInit, ShadowRootMode};
use yew::AppHandle;

use super::{Embed, EmbedProps, Host, Params, params_from_json};
use crate::playground::{Bridge, Command};

/// A JSON value as a plain JavaScript value (objects, not `Map`s; numbers, not `BigInt`s).
pub fn to_js(value: &Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// An options object from JavaScript (`undefined` and `null` are none).
fn options(value: JsValue) -> Result<Map<String, Value>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Map::new());
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| JsValue::from_str(&format!("Concord: options must be an object: {e}")))
}

/// The element's parameters: `data-concord="raft"` names the protocol, every other `data-x`
/// but the loader's `data-loading` is the URL's parameter `x`; the document's language when the
/// element names none.
fn element_params(element: &Element) -> Params {
    let mut params = Params::new();
    for name in element
        .get_attribute_names()
        .iter()
        .filter_map(|n| n.as_string())
    {
        let Some(value) = element.get_attribute(&name) else {
            continue;
        };
        match name.as_str() {
            "data-concord" => params.insert("algo".into(), value),
            // The loader's: when to mount the element (`web/embed/concord.js`), not a setting.
            "data-loading" => continue,
            _ => match name.strip_prefix("data-") {
                Some(key) => params.insert(key.into(), value),
                None => continue,
            },
        };
    }
    // The page's own language, when it is one of ours (a page in German gets English).
    if !params.contains_key("lang")
        && let Some(lang) = element
            .closest("[lang]")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("lang"))
            .filter(|tag| crate::i18n::Lang::from_tag(tag).is_some())
    {
        params.insert("lang".into(), lang);
    }
    params
}

/// Mounts a playground into `element`: its `data-*` attributes configure it, and `options`
/// (`{ seed: 7, controls: "play,step" }`) override them. `playground` is the full playground's
/// address, for the "open in full playground" link (the loader passes its own directory).
#[wasm_bindgen]
pub fn mount(element: Element, options: JsValue) -> Result<Concord, JsValue> {
    let mut params = element_params(&element);
    params.extend(params_from_json(self::options(options)?));
    let full_page = params.remove("playground").map(Into::into);
    // A second mount reuses the shadow root (an element has only one) and replaces its content.
    let shadow = match element.shadow_root() {
        Some(shadow) => shadow,
        None => element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    shadow.set_inner_html("");
    crate::style::install_in_shadow(&shadow)?;
    let document = element
        .owner_document()
        .ok_or("Concord: the element has no document")?;
    let root = document.create_element("div")?;
    root.set_class_name("concord-mount");
    shadow.append_child(&root)?;
    let theme = crate::theme::follow(root.clone(), element.clone());
    // Keys the playground handled (it prevents their default) go no further than the widget.
    let keys = Closure::<dyn Fn(Event)>::new(|event: Event| {
        if event.default_prevented() {
            event.stop_propagation();
        }
    });
    shadow.add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref())?;
    let bridge = Bridge::default();
    let props = EmbedProps {
        problems: Vec::new(),
        params: Rc::new(params),
        fragment: None,
        bridge: bridge.clone(),
        full_page,
        host: Host::Widget,
    };
    let app = yew::Renderer::<Embed>::with_root_and_props(root, props).render();
    Ok(Concord {
        bridge,
        app,
        shadow,
        _theme: theme,
        keys,
    })
}

/// The bundle's version, which the loader compares with its own.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// One mounted playground, as JavaScript holds it. Commands take effect at once (`state()` right
/// after `step()` shows the new step); the picture follows on the next frame.
#[wasm_bindgen]
pub struct Concord {
    bridge: Bridge,
    app: AppHandle<Embed>,
    shadow: ShadowRoot,
    /// Keeps the widget's theme in step with the page's until the widget is destroyed.
    _theme: Option<crate::theme::Follow>,
    keys: Closure<dyn Fn(Event)>,
}

#[wasm_bindgen]
impl Concord {
    pub fn play(&self) {
        self.bridge.send(Command::Play);
    }

    pub fn pause(&self) {
        self.bridge.send(Command::Pause);
    }

    /// One event forward.
    pub fn step(&self) {
        self.bridge.send(Command::Step);
    }

    /// One event back.
    pub fn back(&self) {
        self.bridge.send(Command::Back);
    }

    /// The run from its start.
    pub fn reset(&self) {
        self.bridge.send(Command::Reset);
    }

    /// Stand after `step` steps, playing the run forward if it is shorter.
    pub fn seek(&self, step: usize) {
        self.bridge.send(Command::Seek { step });
    }

    /// Open another scenario: `{ algo, seed, nodes, step, tape, switches, autoplay }`, as the
    /// `data-*` attributes name them. What it leaves out takes its default, except how the
    /// widget looks (`lang`, `controls`, `speed`), which stays.
    pub fn load(&self, options: JsValue) -> Result<(), JsValue> {
        let options = self::options(options)?;
        self.bridge.send(Command::Load { options });
        Ok(())
    }

    /// The run on screen: `{ algo, seed, nodes, step, steps, time, playing, caption }` (`time`
    /// in virtual milliseconds).
    pub fn state(&self) -> JsValue {
        to_js(&Value::Object(self.bridge.state()))
    }

    /// Calls `listener` with every event: `ready`, `step`, `play`, `pause`, milestones
    /// (`leader-elected` …) and `violation`, each `{ type, step, time, … }`. Returns an id for
    /// `unsubscribe`.
    pub fn subscribe(&self, listener: js_sys::Function) -> u32 {
        self.bridge.subscribe(Rc::new(move |event: &Value| {
            if let Err(e) = listener.call1(&JsValue::NULL, &to_js(event)) {
                web_sys::console::error_2(&"Concord: an event listener threw".into(), &e);
            }
        }))
    }

    pub fn unsubscribe(&self, id: u32) {
        self.bridge.unsubscribe(id);
    }

    /// The tour this widget shows (`data-tour`): `next()`, `back()`, `goto(step)`. Each step
    /// it moves to is announced to subscribers as a `tour-step` event.
    #[wasm_bindgen(getter)]
    pub fn tour(&self) -> TourHandle {
        TourHandle {
            bridge: self.bridge.clone(),
        }
    }

    /// Stops the simulation and empties the element's shadow root; `mount` may be called again.
    pub fn destroy(self) {
        self.app.destroy();
        self.shadow.set_inner_html("");
        let _ = self
            .shadow
            .remove_event_listener_with_callback("keydown", self.keys.as_ref().unchecked_ref());
    }
}

/// A widget's tour, as `element.concord.tour`.
#[wasm_bindgen]
pub struct TourHandle {
    bridge: Bridge,
}

#[wasm_bindgen]
impl TourHandle {
    /// The next step (the last one stays).
    pub fn next(&self) {
        self.bridge.send(Command::TourNext);
    }

    /// The previous step (the first one stays).
    pub fn back(&self) {
        self.bridge.send(Command::TourBack);
    }

    /// Step `step` of the tour (1-based, as links count them), within the widget's chapter.
    pub fn goto(&self, step: usize) {
        self.bridge.send(Command::TourGoto { step });
    }
}
