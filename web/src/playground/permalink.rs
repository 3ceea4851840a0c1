//! Permalinks and run files: the URL's query holds the configuration, its fragment
//! (`#tape=…`) the interventions and the step the author stood at, as base64url JSON. A run
//! file holds the same as JSON, to keep or to share outside a link.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use concord_core::sim::{History, Protocol, Tape};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::address;
use crate::run::RunConfig;

const KEY: &str = "tape=";

/// The fragment (`#tape=…`) that reproduces `history` on top of the page's query.
pub fn fragment<P: Protocol>(history: &History<P>) -> String {
    tape_fragment(&history.tape())
}

/// The fragment (`#tape=…`) of a tape.
pub fn tape_fragment<P: Protocol>(tape: &Tape<P>) -> String {
    let json = serde_json::to_string(tape).unwrap_or_default();
    format!("#{KEY}{}", URL_SAFE_NO_PAD.encode(json))
}

/// The tape in a fragment, if it holds one; an error says why it could not be read.
pub fn read_fragment<P: Protocol>(hash: &str) -> Option<Result<Tape<P>, String>> {
    let encoded = hash.trim_start_matches('#').strip_prefix(KEY)?;
    Some(
        URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|e| e.to_string())
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string())),
    )
}

/// The page's address with the run's fragment: what "Copy link" copies.
pub fn permalink<P: Protocol>(history: &History<P>) -> String {
    format!(
        "{}{}{}",
        address::base(),
        address::search(),
        fragment(history)
    )
}

/// The forms "Copy embed code" comes in, each showing the run as it stands (the configuration,
/// the interventions and the step) in another page.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum EmbedForm {
    /// An iframe of this page with `embed=1`, for pages that run no scripts of their own.
    Iframe,
    /// The widget loader's script tag and a `<div data-concord …>` (web/embed/concord.js).
    Widget,
    /// `{{#concord raft seed=7 … tape=…}}`, for a chapter of a book built with mdbook-concord.
    Mdbook,
}

/// What "Copy embed code" copies in `form`: the page's query (less what would move the run on:
/// `embed`, `autoplay`, `step`, which the tape replaces) and the run's tape.
pub fn embed_code<P: Protocol>(algo: &str, history: &History<P>, form: EmbedForm) -> String {
    let pairs: Vec<(String, String)> = address::query_pairs(&address::search())
        .into_iter()
        .filter(|(key, _)| !["embed", "autoplay", "step"].contains(&key.as_str()))
        .collect();
    let tape = fragment(history);
    // Settings as `data-*` attributes or directive words, after the protocol (names of any other
    // shape could not be written there).
    let settings = || {
        pairs.iter().filter(|(key, _)| {
            !key.is_empty()
                && key != "algo"
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
    };
    let tape_value = tape.trim_start_matches('#').trim_start_matches(KEY);
    match form {
        EmbedForm::Iframe => {
            let seed = pairs
                .iter()
                .find(|(key, _)| key == "seed")
                .map_or("", |(_, seed)| seed.as_str());
            let query = address::query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let src = format!(
                "{}?embed=1&{}{tape}",
                address::base(),
                query.trim_start_matches('?')
            );
            format!(
                "<iframe src=\"{}\" width=\"640\" height=\"480\" style=\"max-width: 100%; border: 0\" \
                 title=\"Concord: {algo}, seed {seed}\"></iframe>",
                escape_attribute(&src)
            )
        }
        EmbedForm::Widget => {
            // The loader beside this page, which the full playground was built with.
            let base = address::base();
            let directory = &base[..base.rfind('/').map_or(0, |i| i + 1)];
            let mut div = format!("<div data-concord=\"{}\"", escape_attribute(algo));
            for (key, value) in settings() {
                div.push_str(&format!(" data-{key}=\"{}\"", escape_attribute(value)));
            }
            format!(
                "<script type=\"module\" src=\"{}\"></script>\n{div} data-tape=\"{tape_value}\"></div>",
                escape_attribute(&format!("{directory}concord.js"))
            )
        }
        EmbedForm::Mdbook => {
            let mut words = format!("{{{{#concord {algo}");
            for (key, value) in settings() {
                if value.contains('"') || value.contains("}}") {
                    continue;
                }
                if value.is_empty() || value.contains(char::is_whitespace) {
                    words.push_str(&format!(" {key}=\"{value}\""));
                } else {
                    words.push_str(&format!(" {key}={value}"));
                }
            }
            format!("{words} tape={tape_value}}}}}")
        }
    }
}

/// Text for an HTML attribute value between double quotes.
fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A run saved to a file: what the URL's query and fragment hold, as one JSON document.
#[derive(Serialize, Deserialize)]
pub struct RunFile {
    pub algo: String,
    pub seed: u64,
    pub nodes: usize,
    /// The protocol's own settings, as the URL's `key=value` pairs.
    #[serde(default)]
    pub options: Vec<(String, String)>,
    pub tape: serde_json::Value,
}

/// Offer the run as a JSON file download.
pub fn export<P: Protocol>(
    algo: &str,
    run: &RunConfig,
    history: &History<P>,
) -> Result<(), String> {
    let file = RunFile {
        algo: algo.to_owned(),
        seed: run.seed,
        nodes: run.nodes,
        options: run
            .options
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        tape: serde_json::to_value(history.tape()).map_err(|e| e.to_string())?,
    };
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    let parts = js_sys::Array::of1(&json.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(&format!("concord-{algo}-seed{}.json", run.seed));
    anchor.click();
    web_sys::Url::revoke_object_url(&url).map_err(|e| format!("{e:?}"))?;
    Ok(())
}

/// The address that opens a run file: its configuration as the query, its tape as the fragment.
pub fn address_of(text: &str, lang: &str) -> Result<String, String> {
    let file: RunFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let tape = serde_json::to_string(&file.tape).map_err(|e| e.to_string())?;
    let params = web_sys::UrlSearchParams::new().map_err(|e| format!("{e:?}"))?;
    params.set("algo", &file.algo);
    params.set("nodes", &file.nodes.to_string());
    params.set("seed", &file.seed.to_string());
    params.set("lang", lang);
    for (key, value) in &file.options {
        params.set(key, value);
    }
    Ok(format!(
        "?{}#{KEY}{}",
        String::from(params.to_string()),
        URL_SAFE_NO_PAD.encode(tape)
    ))
}
