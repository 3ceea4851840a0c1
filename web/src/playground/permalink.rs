//! Permalinks and run files: the URL's query holds the configuration, its fragment
//! (`#tape=…`) the interventions and the step the author stood at, as base64url JSON. A run
//! file holds the same as JSON, to keep or to share outside a link.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use concord_core::sim::{History, Protocol, Tape};
use serde::{Deserialize, Serialize};

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

/// What "Copy embed code" copies: an iframe of this page with `embed=1`, showing the run as it
/// stands (the configuration in the query, the run in the fragment), for another page to include.
pub fn embed_code<P: Protocol>(algo: &str, history: &History<P>) -> String {
    let Ok(query) = web_sys::UrlSearchParams::new_with_str(&address::search()) else {
        return String::new();
    };
    // The fragment holds the step; a frame that played by itself would leave the moment.
    for key in ["embed", "autoplay", "step"] {
        query.delete(key);
    }
    let seed = query.get("seed").unwrap_or_default();
    let src = format!(
        "{}?embed=1&{}{}",
        address::base(),
        String::from(query.to_string()),
        fragment(history)
    );
    format!(
        "<iframe src=\"{}\" width=\"640\" height=\"480\" style=\"max-width: 100%; border: 0\" \
         title=\"Concord: {algo}, seed {seed}\"></iframe>",
        src.replace('&', "&amp;").replace('"', "&quot;")
    )
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
    let name = format!("concord-{algo}-seed{}.json", run.seed);
    crate::download::offer(&name, "application/json", &json)
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
