//! The URL is state: `?algo=raft&nodes=5&seed=7&speed=-6&lang=zh&autoplay=1` reproduces what its
//! author saw. Parameters the shell does not know are the protocol's [`Options`], kept in their
//! order (Paxos: `?algo=paxos&nodes=3&proposers=2&learners=1&breaks=small_quorum&seed=7`).

use web_sys::UrlSearchParams;

use crate::i18n::Lang;
use crate::player::{SPEED_DEFAULT_EXP, SPEED_MAX_EXP, SPEED_MIN_EXP};
use crate::playground::Options;

#[derive(Clone, Debug, PartialEq)]
pub struct UrlState {
    pub algo: String,
    pub nodes: usize,
    pub seed: u64,
    pub speed_exp: i32,
    pub lang: Lang,
    /// Start playing as soon as the page loads.
    pub autoplay: bool,
    pub options: Options,
    /// The fragment of a permalink (`#tape=…`): the interventions and step to replay on top of
    /// this configuration. A new run drops it.
    pub tape: Option<String>,
}

/// The parameters the shell reads itself; every other one belongs to the protocol.
const SHELL_KEYS: [&str; 6] = ["algo", "nodes", "seed", "speed", "lang", "autoplay"];

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
    /// Read the page's query string; anything missing or malformed takes its default, the
    /// cluster size the default of the protocol named (`default_nodes(algo)`).
    pub fn read(default_nodes: fn(&str) -> usize) -> UrlState {
        let location = web_sys::window().map(|w| w.location());
        let search = location
            .as_ref()
            .and_then(|l| l.search().ok())
            .unwrap_or_default();
        let hash = location.and_then(|l| l.hash().ok()).unwrap_or_default();
        let params = UrlSearchParams::new_with_str(&search).ok();
        let get = |key: &str| params.as_ref().and_then(|p| p.get(key));
        let algo = get("algo").unwrap_or_else(|| "raft".into());
        UrlState {
            nodes: get("nodes")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| default_nodes(&algo)),
            algo,
            seed: get("seed")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(random_seed),
            speed_exp: get("speed")
                .and_then(|v| v.parse().ok())
                .unwrap_or(SPEED_DEFAULT_EXP)
                .clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            lang: get("lang").map_or_else(browser_lang, |code| Lang::from_code(&code)),
            autoplay: get("autoplay").is_some_and(|v| v == "1" || v == "true"),
            options: protocol_options(params.as_ref()),
            tape: (!hash.is_empty()).then_some(hash),
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
        for (key, value) in self.options.pairs() {
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

/// Every parameter the shell does not read, in the order of the URL.
fn protocol_options(params: Option<&UrlSearchParams>) -> Options {
    let mut pairs = Vec::new();
    if let Some(Ok(Some(entries))) = params.map(|p| js_sys::try_iter(p)) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(key), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string())
                && !SHELL_KEYS.contains(&key.as_str())
            {
                pairs.push((key, value));
            }
        }
    }
    Options::new(pairs)
}
