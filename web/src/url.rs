//! The URL is state: `?algo=raft&nodes=5&seed=7&speed=-6&lang=zh&autoplay=1` reproduces what its
//! author saw. Parameters the shell does not know are the protocol's [`Options`], kept in their
//! order (Paxos: `?algo=paxos&nodes=3&proposers=2&learners=1&breaks=small_quorum&seed=7`). An
//! embed adds `embed=1` and its own settings (`controls`, `step`, `origin`); a widget's `data-*`
//! attributes are the same parameters, read by the same code ([`UrlState::from_params`]).

use crate::i18n::Lang;
use crate::run::{
    Options, RunConfig, SPEED_DEFAULT_EXP, SPEED_MAX_EXP, SPEED_MIN_EXP, random_seed,
};
use crate::view::controls::ControlSet;
use crate::{address, registry};

#[derive(Clone, Debug, PartialEq)]
pub struct UrlState {
    pub algo: String,
    pub nodes: usize,
    pub seed: u64,
    pub speed_exp: i32,
    pub lang: Lang,
    /// Start playing as soon as the page loads.
    pub autoplay: bool,
    /// The protocol's own settings: every parameter the shell does not read.
    pub options: Options,
    /// The fragment of a permalink (`#tape=…`): the interventions and step to replay on top of
    /// this configuration. A new run drops it.
    pub tape: Option<String>,
    /// Open at this step, replaying the run up to it (`step=12`); a tape's own position wins.
    /// Read once on opening, never written back — but in a tour, the tour's step.
    pub step: usize,
    /// Show only the view and a compact control bar, for an iframe (`embed=1`).
    pub embed: bool,
    /// The controls an embed shows (`controls=back,play,step`; `none`, `all`).
    pub controls: ControlSet,
    /// The one origin an embed in an iframe takes commands from and posts its events to
    /// (`origin=https://docs.example.org`); any parent page when absent.
    pub origin: Option<String>,
    /// A guided tour (`tour=raft`): `step` is then the tour's step (1-based), written back as
    /// the reader moves.
    pub tour: Option<String>,
    /// Open the tour at this chapter (`chapter=election`); an embed shows only its steps.
    pub chapter: Option<String>,
    /// The address names neither a protocol nor a tour: the welcome page.
    pub welcome: bool,
}

/// The parameters the shell reads itself; every other one belongs to the protocol.
const SHELL_KEYS: [&str; 14] = [
    "algo", "nodes", "seed", "speed", "lang", "autoplay", "tape", "step", "embed", "controls",
    "origin", "tour", "chapter", "welcome",
];

fn browser_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |code| Lang::from_code(&code))
}

impl UrlState {
    /// Read the page's query string and fragment.
    pub fn read() -> UrlState {
        let hash = address::hash();
        UrlState::from_params(
            &address::query_pairs(&address::search()),
            (!hash.is_empty()).then_some(hash),
        )
    }

    /// The state named by parameters (`("seed", "7")`, in their order) and a permalink's
    /// fragment; anything missing or malformed takes its default, the cluster size the default
    /// of the protocol named. A `tape` parameter (a widget's `data-tape`) stands for the
    /// fragment when there is none.
    pub fn from_params(pairs: &[(String, String)], fragment: Option<String>) -> Self {
        let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let flag = |key: &str| get(key).is_some_and(|v| v == "1" || v == "true");
        let tape = fragment.or_else(|| {
            get("tape").map(|t| {
                let t = t.trim_start_matches('#');
                if t.starts_with("tape=") {
                    format!("#{t}")
                } else {
                    format!("#tape={t}")
                }
            })
        });
        let tour = get("tour").filter(|t| !t.is_empty());
        let welcome = get("algo").is_none() && tour.is_none();
        let algo = get("algo").unwrap_or_else(|| "raft".into());
        UrlState {
            tour,
            chapter: get("chapter").filter(|c| !c.is_empty()),
            welcome,
            nodes: get("nodes")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| registry::or_default(&algo).default_nodes),
            algo,
            seed: get("seed")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(random_seed),
            speed_exp: get("speed")
                .and_then(|v| v.parse().ok())
                .unwrap_or(SPEED_DEFAULT_EXP)
                .clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            lang: get("lang").map_or_else(browser_lang, |code| Lang::from_code(&code)),
            autoplay: flag("autoplay"),
            options: Options::new(
                pairs
                    .iter()
                    .filter(|(k, _)| !SHELL_KEYS.contains(&k.as_str()))
                    .cloned()
                    .collect(),
            ),
            tape,
            step: get("step").and_then(|v| v.parse().ok()).unwrap_or(0),
            embed: flag("embed"),
            controls: get("controls").map_or(ControlSet::EMBED_DEFAULT, |c| ControlSet::parse(&c)),
            origin: get("origin").filter(|o| !o.is_empty()),
        }
    }

    /// The query string of the full playground showing this run (`?algo=raft&…`), without the
    /// fragment.
    pub fn query(&self) -> String {
        let (nodes, seed, speed) = (
            self.nodes.to_string(),
            self.seed.to_string(),
            self.speed_exp.to_string(),
        );
        let shell = [
            ("algo", self.algo.as_str()),
            ("nodes", nodes.as_str()),
            ("seed", seed.as_str()),
            ("speed", speed.as_str()),
            ("lang", self.lang.code()),
        ];
        let autoplay = self.autoplay.then_some(("autoplay", "1"));
        address::query(
            shell
                .into_iter()
                .chain(autoplay)
                .chain(self.options.pairs()),
        )
    }

    /// The run these parameters name.
    pub fn run(&self) -> RunConfig {
        RunConfig {
            seed: self.seed,
            nodes: self.nodes,
            options: self.options.clone(),
        }
    }

    /// The address of what this state shows: a tour's step, or the playground's run with its
    /// fragment.
    pub fn address(&self) -> String {
        match &self.tour {
            _ if self.welcome => address::query([("welcome", "1"), ("lang", self.lang.code())]),
            Some(tour) => {
                let step = self.step.max(1).to_string();
                address::query([
                    ("tour", tour.as_str()),
                    ("step", step.as_str()),
                    ("lang", self.lang.code()),
                ])
            }
            None => format!(
                "{}{}",
                self.query(),
                self.tape.as_deref().unwrap_or_default()
            ),
        }
    }

    /// Show this state in the address bar (no new history entry).
    pub fn write(&self) {
        address::replace(&self.address());
    }
}
