//! The URL is state: `?algo=raft&nodes=5&seed=7&speed=-6&lang=zh&autoplay=1` reproduces what its
//! author saw. Parameters the shell does not know are the protocol's [`Options`], kept in their
//! order (Paxos: `?algo=paxos&nodes=3&proposers=2&learners=1&breaks=small_quorum&seed=7`). An
//! embed adds `embed=1` and its own settings (`controls`, `step`, `origin`); a widget's `data-*`
//! attributes are the same parameters, read by the same code ([`UrlState::from_params`]). The
//! Lab is `?lab=raft-figure16&seed=1&trials=100&latency=5-8`: the experiment, its first seed, and
//! as options its trials and parameters (`?lab=` alone lists the experiments).

use crate::i18n::Lang;
use crate::input::{self, Problem, Reader, Why};
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
    /// The Lab (`lab=raft-figure16`): `seed` is then the first trial's seed (1 when the address
    /// gives none) and the options are the experiment's; empty (`lab=`): the list of experiments.
    pub lab: Option<String>,
    /// The address names neither a protocol, a tour nor the Lab: the welcome page.
    pub welcome: bool,
    /// What the page could not use of the parameters it opened with, for the reader; a new run
    /// chosen in the page clears them.
    pub problems: Vec<Problem>,
}

/// The parameters the shell reads itself; every other one belongs to the protocol.
/// (`panic-at` is the panic banner's test hook, read by `panic_banner.rs`.)
pub const SHELL_KEYS: [&str; 16] = [
    "algo", "nodes", "seed", "speed", "lang", "autoplay", "tape", "step", "embed", "controls",
    "origin", "tour", "chapter", "lab", "welcome", "panic-at",
];

/// The browser's language, or English. Natively (the tests, the fuzz targets) there is no
/// browser to ask.
fn browser_lang() -> Lang {
    #[cfg(target_arch = "wasm32")]
    if let Some(lang) = web_sys::window()
        .and_then(|w| w.navigator().language())
        .and_then(|code| Lang::from_tag(&code))
    {
        return lang;
    }
    Lang::En
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
    /// fragment; anything missing takes its default, the cluster size the default of the protocol
    /// named, and anything malformed its default too, with a [`Problem`] saying so. A `tape`
    /// parameter (a widget's `data-tape`) stands for the fragment when there is none.
    pub fn from_params(pairs: &[(String, String)], fragment: Option<String>) -> Self {
        let mut problems = input::repeated(pairs);
        let given = Options::new(pairs.to_vec());
        let shell = Reader::new(&given);
        let flags = [("1", true), ("true", true), ("0", false), ("false", false)];
        let (autoplay, embed) = (
            shell.choice("autoplay", &flags, false),
            shell.choice("embed", &flags, false),
        );
        let tape = fragment.or_else(|| {
            shell.get("tape").map(|t| {
                let t = t.trim_start_matches('#');
                if t.starts_with("tape=") {
                    format!("#{t}")
                } else {
                    format!("#tape={t}")
                }
            })
        });
        let tour = shell
            .get("tour")
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let lab = shell.get("lab").map(str::to_owned);
        let welcome = shell.get("algo").is_none() && tour.is_none() && lab.is_none();
        let algo = shell.get("algo").unwrap_or("raft").to_owned();
        let protocol = registry::or_default(&algo);
        let nodes = shell.number("nodes", protocol.nodes_range, protocol.default_nodes);
        // The Lab's runs start at seed 1 unless told otherwise, as `cargo xtask lab` does.
        let first_seed = if lab.is_some() { 1 } else { random_seed() };
        let seed = shell.number("seed", (0, u64::MAX), first_seed);
        let speed_exp = shell.number("speed", (SPEED_MIN_EXP, SPEED_MAX_EXP), SPEED_DEFAULT_EXP);
        let step = shell.number("step", (0, usize::MAX), 0);
        // `zh-CN`, `en-GB`: a language tag names the language by its first part.
        let lang = shell.get("lang").and_then(|code| {
            let lang = Lang::from_tag(code);
            if lang.is_none() {
                let why = Why::NotAChoice {
                    choices: "en, zh".into(),
                    using: browser_lang().code().into(),
                };
                shell.problem("lang", code, why);
            }
            lang
        });
        let controls = shell
            .names("controls", ControlSet::knows, &ControlSet::names())
            .map_or(ControlSet::EMBED_DEFAULT, ControlSet::parse);
        let chapter = shell
            .get("chapter")
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        let origin = shell
            .get("origin")
            .filter(|o| !o.is_empty())
            .map(str::to_owned);
        problems.extend(shell.problems());
        let mut state = UrlState {
            tour,
            chapter,
            welcome,
            nodes,
            algo,
            seed,
            speed_exp,
            lang: lang.unwrap_or_else(browser_lang),
            autoplay,
            options: Options::new(
                pairs
                    .iter()
                    .filter(|(k, _)| !SHELL_KEYS.contains(&k.as_str()))
                    .cloned()
                    .collect(),
            ),
            tape,
            step,
            embed,
            controls,
            origin,
            lab,
            problems,
        };
        // A tour sets its own runs, the Lab's options are an experiment's (it says itself what
        // it cannot run), and an unknown protocol has its own notice.
        if state.tour.is_none()
            && state.lab.is_none()
            && !state.welcome
            && registry::find(&state.algo).is_some()
        {
            let more = (protocol.problems)(&state.run());
            state.problems.extend(more);
        }
        state
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

    /// The address of what this state shows: a tour's step, the Lab's experiment with its seed
    /// and options, or the playground's run with its fragment.
    pub fn address(&self) -> String {
        let lang = self.lang.code();
        if self.welcome {
            return address::query([("welcome", "1"), ("lang", lang)]);
        }
        if let Some(lab) = &self.lab {
            if lab.is_empty() {
                return address::query([("lab", ""), ("lang", lang)]);
            }
            let seed = self.seed.to_string();
            let shell = [
                ("lab", lab.as_str()),
                ("lang", lang),
                ("seed", seed.as_str()),
            ];
            return address::query(shell.into_iter().chain(self.options.pairs()));
        }
        match &self.tour {
            Some(tour) => {
                let step = self.step.max(1).to_string();
                address::query([
                    ("tour", tour.as_str()),
                    ("step", step.as_str()),
                    ("lang", lang),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state(pairs: &[(&str, &str)]) -> UrlState {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        UrlState::from_params(&pairs, None)
    }

    fn told(url: &UrlState, lang: Lang) -> Vec<String> {
        url.problems.iter().map(|p| p.text(lang)).collect()
    }

    #[test]
    fn each_bad_value_of_a_link_is_told_and_the_rest_runs() {
        let url = state(&[
            ("algo", "raft"),
            ("nodes", "abc"),
            ("election", "999-1"),
            ("heartbeat", "-1"),
            ("switches", "zzz"),
            ("seed", "7"),
            ("lang", "en"),
        ]);
        assert_eq!((url.nodes, url.seed), (5, 7));
        assert_eq!(
            told(&url, Lang::En),
            [
                "nodes=abc: not a whole number; using 5.",
                "switches=zzz: there is nothing called zzz, so it is left out; the names are \
                 noop, hint, pre-vote, check-quorum, catch-up, vote-twice, skip-up-to-date, \
                 commit-previous, no-truncate, concurrent-changes, snapshot-uncommitted, \
                 slow-clock.",
                "election=999-1: the range is empty (its low end is above its high end); using \
                 150–300 ms.",
                "heartbeat=-1: not a whole number; using 50 ms.",
            ]
        );
    }

    #[test]
    fn a_good_link_says_nothing() {
        let url = state(&[
            ("algo", "gossip"),
            ("nodes", "800"),
            ("seed", "3"),
            ("mode", "push-pull"),
            ("fanout", "2"),
            ("lang", "zh"),
            ("speed", "-3"),
        ]);
        assert_eq!(url.problems, vec![]);
    }

    #[test]
    fn shell_values_out_of_range_are_clamped_and_told_in_chinese() {
        let url = state(&[
            ("algo", "paxos"),
            ("nodes", "40"),
            ("speed", "9"),
            ("lang", "zh-CN"),
            ("seed", "1"),
            ("seed", "2"),
            ("colour", "red"),
            ("autoplay", "yes"),
        ]);
        assert_eq!((url.seed, url.speed_exp), (1, SPEED_MAX_EXP));
        assert_eq!(
            told(&url, Lang::Zh),
            [
                "seed=2：出现了不止一次；使用第一个。",
                "autoplay=yes：只能是 1, true, 0, false 之一；改用 0。",
                "nodes=40：应在 3 到 7 之间；改用 7。",
                "speed=9：应在 -10 到 0 之间；改用 0。",
                "colour=red：此视图没有这个设置，已忽略。",
            ]
        );
    }
}
