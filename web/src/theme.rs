//! Light or dark, as the page around Concord is. The stylesheet keys its dark colours on
//! `data-concord-theme="dark"` (web/style.css); this module decides the value and keeps it up to
//! date. In order, the first that speaks:
//!
//! 1. `data-theme="dark"` or `"light"` on the element or its nearest ancestor that has one (the
//!    widget's own element, Docusaurus's `<html>`, Furo's `<body>`);
//! 2. the page's `color-scheme` where the element sits, when it names only one (mdBook's themes,
//!    Material's palettes and Docusaurus set it: a reader's theme switch changes it);
//! 3. the reader's `prefers-color-scheme`.
//!
//! A page switches theme by changing an attribute of `<html>` or `<body>` (a class, a
//! `data-*`), or by following the system's setting: both are watched while the handle lives.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, MediaQueryList, MutationObserver, MutationObserverInit};

/// The attribute the stylesheet reads, on the element that contains `.concord`.
pub const ATTRIBUTE: &str = "data-concord-theme";

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// Keeps `data-concord-theme` on its target up to date until dropped.
pub struct Follow {
    observer: MutationObserver,
    query: Option<MediaQueryList>,
    on_change: Closure<dyn FnMut()>,
}

impl Drop for Follow {
    fn drop(&mut self) {
        self.observer.disconnect();
        if let Some(query) = &self.query {
            let _ = query.remove_event_listener_with_callback(
                "change",
                self.on_change.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Sets `data-concord-theme` on `target` to the theme `host` sits in (see the module's rules), now
/// and whenever the page or the system changes theme.
pub fn follow(target: Element, host: Element) -> Option<Follow> {
    let window = web_sys::window()?;
    let document = window.document()?;
    // Written only when it changes: the full page's target is `<html>` itself, which is watched,
    // and every write would wake the watcher again.
    let apply = move || {
        let theme = resolve(&host);
        if target.get_attribute(ATTRIBUTE).as_deref() != Some(theme) {
            let _ = target.set_attribute(ATTRIBUTE, theme);
        }
    };
    apply();
    let on_change = Closure::<dyn FnMut()>::new(apply);
    let observer = MutationObserver::new(on_change.as_ref().unchecked_ref()).ok()?;
    let init = MutationObserverInit::new();
    init.set_attributes(true);
    for watched in [document.document_element(), document.body().map(Into::into)]
        .into_iter()
        .flatten()
    {
        let _ = observer.observe_with_options(&watched, &init);
    }
    let query = window.match_media(DARK_QUERY).ok().flatten();
    if let Some(query) = &query {
        let _ =
            query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    }
    Some(Follow {
        observer,
        query,
        on_change,
    })
}

/// `"dark"` or `"light"` for an element of the page.
fn resolve(host: &Element) -> &'static str {
    let declared = host
        .closest("[data-theme]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-theme"));
    match declared.as_deref() {
        Some("dark") => return "dark",
        Some("light") => return "light",
        _ => {}
    }
    let Some(window) = web_sys::window() else {
        return "light";
    };
    // The host's parent: a widget's own element is reset by its shadow root (`:host { all:
    // initial }`), and the page's color-scheme is inherited from above it.
    let around = host.parent_element().unwrap_or_else(|| host.clone());
    let scheme = window
        .get_computed_style(&around)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("color-scheme").ok())
        .unwrap_or_default();
    let words: Vec<&str> = scheme.split_whitespace().collect();
    match (words.contains(&"dark"), words.contains(&"light")) {
        (true, false) => "dark",
        (false, true) => "light",
        _ => {
            let dark = window
                .match_media(DARK_QUERY)
                .ok()
                .flatten()
                .is_some_and(|q| q.matches());
            if dark { "dark" } else { "light" }
        }
    }
}
