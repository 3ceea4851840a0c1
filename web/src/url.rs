//! The URL is state: `?algo=raft&nodes=5&seed=7&speed=-6&lang=zh&autoplay=1` reproduces what its
//! author saw.

use web_sys::UrlSearchParams;

use crate::i18n::Lang;
use crate::player::{SPEED_DEFAULT_EXP, SPEED_MAX_EXP, SPEED_MIN_EXP};

#[derive(Clone, Debug, PartialEq)]
pub struct UrlState {
    pub algo: String,
    pub nodes: usize,
    pub seed: u64,
    pub speed_exp: i32,
    pub lang: Lang,
    /// Start playing as soon as the page loads.
    pub autoplay: bool,
    /// The fragment of a permalink (`#tape=…`): the interventions and step to replay on top of
    /// this configuration. A new seed or size drops it.
    pub tape: Option<String>,
    /// Parameters the shell does not know, kept as they are so a protocol view can read its own
    /// settings from the URL (Raft: `switches`, `batch`, `election`, `heartbeat`; see
    /// [`param`]) and a rewrite of the URL keeps them.
    pub extra: Vec<(String, String)>,
}

/// The keys [`UrlState`] reads itself.
const KNOWN: [&str; 6] = ["algo", "nodes", "seed", "speed", "lang", "autoplay"];

/// One parameter of the page's query string, as a protocol view reads its own settings.
pub fn param(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    UrlSearchParams::new_with_str(&search).ok()?.get(key)
}

/// Opens the page again with `changes` made to its query string (`None` removes a key) and
/// without the fragment: a new configuration is a new run.
pub fn reload_with(changes: &[(&str, Option<String>)]) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let search = location.search().unwrap_or_default();
    let Ok(params) = UrlSearchParams::new_with_str(&search) else {
        return;
    };
    for (key, value) in changes {
        match value {
            Some(v) => params.set(key, v),
            None => params.delete(key),
        }
    }
    let _ = location.set_search(&String::from(params.to_string()));
}

/// A seed for a run whose URL names none: short, so people can read it out.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => 1 + u64::from(u32::from_le_bytes(bytes)) % 99_999,
        Err(_) => 1,
    }
}

fn browser_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |code| Lang::from_code(&code))
}

impl UrlState {
    /// Read the page's query string; anything missing or malformed takes its default.
    pub fn read() -> UrlState {
        let location = web_sys::window().map(|w| w.location());
        let search = location
            .as_ref()
            .and_then(|l| l.search().ok())
            .unwrap_or_default();
        let hash = location.and_then(|l| l.hash().ok()).unwrap_or_default();
        let params = UrlSearchParams::new_with_str(&search).ok();
        let get = |key: &str| params.as_ref().and_then(|p| p.get(key));
        UrlState {
            algo: get("algo").unwrap_or_else(|| "raft".into()),
            nodes: get("nodes").and_then(|v| v.parse().ok()).unwrap_or(5),
            seed: get("seed")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(random_seed),
            speed_exp: get("speed")
                .and_then(|v| v.parse().ok())
                .unwrap_or(SPEED_DEFAULT_EXP)
                .clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            lang: get("lang").map_or_else(browser_lang, |code| Lang::from_code(&code)),
            autoplay: get("autoplay").is_some_and(|v| v == "1" || v == "true"),
            tape: (!hash.is_empty()).then_some(hash),
            extra: params
                .as_ref()
                .map(|p| {
                    let mut extra = Vec::new();
                    for key in js_sys::Array::from(&p.keys()).iter() {
                        let Some(key) = key.as_string() else { continue };
                        if !KNOWN.contains(&key.as_str())
                            && !extra.iter().any(|(k, _)| *k == key)
                            && let Some(value) = p.get(&key)
                        {
                            extra.push((key, value));
                        }
                    }
                    extra
                })
                .unwrap_or_default(),
        }
    }

    /// Replace the page's query string and fragment (no new history entry).
    pub fn write(&self) {
        let Ok(params) = UrlSearchParams::new() else {
            return;
        };
        params.set("algo", &self.algo);
        params.set("nodes", &self.nodes.to_string());
        params.set("seed", &self.seed.to_string());
        params.set("speed", &self.speed_exp.to_string());
        params.set("lang", self.lang.code());
        if self.autoplay {
            params.set("autoplay", "1");
        }
        for (key, value) in &self.extra {
            params.set(key, value);
        }
        let query = format!(
            "?{}{}",
            String::from(params.to_string()),
            self.tape.as_deref().unwrap_or_default()
        );
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&query));
        }
    }
}
