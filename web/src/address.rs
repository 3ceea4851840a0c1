//! The page's address: the one module that reads the location and writes the address bar.
//! Everything else hands it a query and a fragment.

use wasm_bindgen::JsValue;
use web_sys::UrlSearchParams;

/// The query's parameters in their order (`?a=1&b=2` → `[("a", "1"), ("b", "2")]`), repeated
/// keys included: whoever reads them takes the first (see [`crate::url::UrlState::from_params`]).
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let entries = UrlSearchParams::new_with_str(search)
        .ok()
        .and_then(|p| js_sys::try_iter(&p).ok().flatten());
    for entry in entries.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(key), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((key, value));
        }
    }
    pairs
}

/// A query string (`?a=1&b=x%20y`) of these parameters, in their order.
pub fn query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let Ok(params) = UrlSearchParams::new() else {
        return String::new();
    };
    for (key, value) in pairs {
        params.append(key, value);
    }
    format!("?{}", String::from(params.to_string()))
}

/// This page's query string (`?algo=raft&…`, or empty).
pub fn search() -> String {
    location(|l| l.search().ok())
}

/// This page's fragment (`#tape=…`, or empty).
pub fn hash() -> String {
    location(|l| l.hash().ok())
}

/// This page's path (`/`, `/concord/`).
pub fn path() -> String {
    location(|l| l.pathname().ok())
}

/// This page's address without query and fragment: `http://127.0.0.1:8080/`.
pub fn base() -> String {
    location(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
}

fn location(read: impl FnOnce(&web_sys::Location) -> Option<String>) -> String {
    web_sys::window()
        .and_then(|w| read(&w.location()))
        .unwrap_or_default()
}

/// Put `address` (a query and fragment, `?algo=raft&seed=7#tape=…`) in the address bar without
/// a new history entry and without loading anything.
pub fn replace(address: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(address));
    }
}

/// Go to `address` (a query and fragment): a new query loads a new page; the same query with a
/// new fragment needs a reload to replay it.
pub fn open(address: &str) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let same_query = location
        .search()
        .is_ok_and(|search| address.starts_with(&format!("{search}#")));
    let _ = location.set_href(address);
    if same_query {
        let _ = location.reload();
    }
}
