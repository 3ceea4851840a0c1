//! A Paxos run's settings and how the URL holds them. The acceptors are the run's `nodes` (the
//! shared count); the other settings are the protocol's [`Options`]:
//!
//! - `proposers=1..3`, `learners=1..2` (learners only with one role per node);
//! - `roles=separate|colocated` ([`PaxosConfig::separate`] or [`PaxosConfig::colocated`]);
//! - `start=auto|manual`: proposers propose their own value at the start, or wait for the user;
//! - `backoff=random|fixed`: the retry wait (§2.4);
//! - `persist=1-8`: how long an acceptor's write to stable storage takes, ms (§2.2: what it
//!   promised and accepted must survive a crash); absent: instant;
//! - `switches=ignore-accepted,accept-below-promise,small-quorum`: the "break it" switches, one
//!   row each in [`SWITCHES`] (the older `breaks=ignore_accepted,…` still opens).
//!
//! A missing or malformed value takes its default, so any URL opens a run.

use concord_core::paxos::{AGREEMENT, Breaks, LEARN_ONLY_CHOSEN, PaxosConfig};
use concord_core::sim::ms;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::text::text;
use crate::input::Reader;
use crate::run::{Options, RunConfig};
use crate::switches::{self, Switch, flag};
use crate::view::controls::CountControl;
use crate::view::settings::{Edits, RunProps};

pub const PROPOSERS: (usize, usize) = (1, 3);
pub const ACCEPTORS: (usize, usize) = (3, 7);
pub const LEARNERS: (usize, usize) = (1, 2);

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub proposers: usize,
    pub acceptors: usize,
    pub learners: usize,
    /// Every server an acceptor and learner, the first `proposers` proposing too (§2.5).
    pub colocated: bool,
    pub propose_at_start: bool,
    pub randomized_backoff: bool,
    pub breaks: Breaks,
    /// How long a write to stable storage takes, ms (min, max); (0, 0) for instant.
    pub persist_ms: (u64, u64),
}

/// Paxos' break-it switches, in the order the `switches` list writes them. Each breaks one
/// condition of "Paxos Made Simple" §2.2, so two values can be chosen.
pub const SWITCHES: [Switch<Breaks>; 3] = [
    Switch {
        aliases: &["ignore_accepted"],
        ..Switch::breaks(
            "ignore-accepted",
            &[AGREEMENT],
            [
                "Proposers ignore accepted values (table row 4, P2c)",
                "proposer 忽略已接受的值（表格第 4 行，P2c）",
            ],
            [
                "After phase 1 a proposer sends its own value even when an acceptor reported one it accepted (§2.2, P2c). A second value can be chosen over the first.",
                "第一阶段之后，即使有 acceptor 报告了已接受的值，proposer 仍发送自己的值（§2.2，P2c）。第二个值可能覆盖已选定的第一个值。",
            ],
            flag!(ignore_accepted),
        )
    },
    Switch {
        aliases: &["accept_below_promise"],
        ..Switch::breaks(
            "accept-below-promise",
            &[AGREEMENT],
            [
                "Acceptors accept below their promise (table row 6, P1a)",
                "acceptor 接受低于承诺的提案（表格第 6 行，P1a）",
            ],
            [
                "An acceptor accepts Accept(n, v) after promising a higher number (§2.2, P1a). A proposer whose promises came first can then overwrite a value being chosen.",
                "acceptor 在承诺了更大的编号之后仍接受 Accept(n, v)（§2.2，P1a）。先拿到承诺的 proposer 可能覆盖正在被选定的值。",
            ],
            flag!(accept_below_promise),
        )
    },
    Switch {
        aliases: &["small_quorum"],
        ..Switch::breaks(
            "small-quorum",
            &[AGREEMENT, LEARN_ONLY_CHOSEN],
            [
                "Quorums one short of a majority (§2.2)",
                "法定人数比多数派少一个（§2.2）",
            ],
            [
                "Proposers and learners count one acceptor fewer than a majority as enough (§2.2). Two such quorums need not share an acceptor.",
                "proposer 和 learner 把比多数派少一个的 acceptor 当作足够（§2.2）。两个这样的法定人数不一定有共同的 acceptor。",
            ],
            flag!(small_quorum),
        )
    },
];

impl Settings {
    pub fn from_run(run: &RunConfig) -> Settings {
        Settings::read(run, &Reader::new(&run.options))
    }

    /// The settings of `run` whose options `reader` reads, noting what it cannot use.
    pub fn read(run: &RunConfig, o: &Reader) -> Settings {
        let mut breaks = Breaks::default();
        switches::read(&SWITCHES, o, &mut breaks);
        Settings {
            proposers: o.number("proposers", PROPOSERS, 2),
            acceptors: run.nodes.clamp(ACCEPTORS.0, ACCEPTORS.1),
            learners: o.number("learners", LEARNERS, 1),
            colocated: o.choice("roles", &[("separate", false), ("colocated", true)], false),
            propose_at_start: o.choice("start", &[("auto", true), ("manual", false)], true),
            randomized_backoff: o.choice("backoff", &[("random", true), ("fixed", false)], true),
            breaks,
            persist_ms: o.range_ms("persist", (0, 10_000), (0, 0)),
        }
    }

    /// The run these settings make, keeping `seed`.
    pub fn to_run(&self, seed: u64) -> RunConfig {
        let pairs = vec![
            ("proposers", self.proposers.to_string()),
            ("learners", self.learners.to_string()),
            (
                "roles",
                if self.colocated {
                    "colocated"
                } else {
                    "separate"
                }
                .into(),
            ),
            (
                "start",
                if self.propose_at_start {
                    "auto"
                } else {
                    "manual"
                }
                .into(),
            ),
            (
                "backoff",
                if self.randomized_backoff {
                    "random"
                } else {
                    "fixed"
                }
                .into(),
            ),
        ];
        let (lo, hi) = self.persist_ms;
        let options = Options::of(pairs).with("persist", (hi > 0).then(|| format!("{lo}-{hi}")));
        RunConfig {
            seed,
            nodes: self.acceptors,
            options: switches::write(&SWITCHES, &options, &self.breaks, &Breaks::default()),
        }
    }

    pub fn config(&self) -> PaxosConfig {
        let mut config = if self.colocated {
            PaxosConfig::colocated(self.acceptors, self.proposers)
        } else {
            PaxosConfig::separate(self.proposers, self.acceptors, self.learners)
        };
        config.propose_at_start = self.propose_at_start;
        config.randomized_backoff = self.randomized_backoff;
        config.breaks = self.breaks.clone();
        config.persist_delay_min = ms(self.persist_ms.0);
        config.persist_delay_max = ms(self.persist_ms.1);
        config
    }
}

/// The run's settings, and edits of them that start the run they make.
fn edits(p: &RunProps) -> (Settings, Edits<Settings>) {
    let settings = Settings::from_run(&p.run);
    let seed = p.run.seed;
    let edit = Edits::new(&settings, &p.on_run, move |s: &Settings| s.to_run(seed));
    (settings, edit)
}

/// The counts per role, in the control bar. The acceptors are the shared `nodes` control.
#[component]
pub fn SizeControls(p: &RunProps) -> Html {
    let x = text(p.lang);
    let (settings, edit) = edits(p);
    html! {
        <>
            <CountControl label={x.proposers} control="proposers" value={settings.proposers} range={PROPOSERS}
                on_change={edit.on(|s, v: usize| s.proposers = v.clamp(PROPOSERS.0, PROPOSERS.1))} />
            <CountControl label={x.acceptors} control="nodes" value={settings.acceptors} range={ACCEPTORS}
                on_change={edit.on(|s, v: usize| s.acceptors = v.clamp(ACCEPTORS.0, ACCEPTORS.1))} />
            if !settings.colocated {
                <CountControl label={x.learners} control="learners" value={settings.learners} range={LEARNERS}
                    on_change={edit.on(|s, v: usize| s.learners = v.clamp(LEARNERS.0, LEARNERS.1))} />
            }
        </>
    }
}

/// The switches: layout of roles, start, back-off, and "break it".
#[component]
pub fn SettingsPanel(p: &RunProps) -> Html {
    let x = text(p.lang);
    let (settings, edit) = edits(p);
    let on_roles = edit.on(|s, e: Event| {
        s.colocated = e.target_unchecked_into::<HtmlSelectElement>().value() == "colocated";
    });
    html! {
        <details class="panel paxos-settings" open=true>
            <summary>{ x.settings }</summary>
            <div class="switches">
                <label class="roles">{ x.roles }
                    <select data-control="roles" onchange={on_roles}>
                        <option value="separate" selected={!settings.colocated}>{ x.separate }</option>
                        <option value="colocated" selected={settings.colocated}>{ x.colocated }</option>
                    </select>
                </label>
                { edit.toggle("start", x.start_on_their_own, settings.propose_at_start, |s, on| s.propose_at_start = on) }
                { edit.toggle("backoff", x.randomized_backoff, settings.randomized_backoff, |s, on| s.randomized_backoff = on) }
            </div>
            { crate::view::switches::breaks(p.lang, &SWITCHES, &settings.breaks, edit.on(|s, breaks| s.breaks = breaks)) }
            <p class="note">{ x.new_run_note }</p>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use concord_core::paxos::{AGREEMENT, PaxosNode};
    use concord_core::sim::{Sim, SimConfig};

    use super::*;

    fn run(query: &[(&'static str, &str)], nodes: usize, seed: u64) -> RunConfig {
        RunConfig {
            seed,
            nodes,
            options: Options::of(query.iter().copied()),
        }
    }

    /// Links shared before the protocols shared one spelling keep their switches.
    #[test]
    fn the_older_breaks_spelling_still_opens() {
        let old = Settings::from_run(&run(
            &[("breaks", "ignore_accepted,accept_below_promise")],
            3,
            1,
        ));
        let new = Settings::from_run(&run(
            &[("switches", "ignore-accepted,accept-below-promise")],
            3,
            1,
        ));
        assert!(old.breaks.ignore_accepted && old.breaks.accept_below_promise);
        assert_eq!(old, new);
    }

    #[test]
    fn a_url_without_options_is_the_default_layout() {
        let s = Settings::from_run(&run(&[], 3, 1));
        assert_eq!(s.config(), PaxosConfig::default());
    }

    #[test]
    fn settings_round_trip_through_the_url() {
        let s = Settings {
            proposers: 3,
            acceptors: 5,
            learners: 2,
            colocated: true,
            propose_at_start: false,
            randomized_backoff: false,
            breaks: Breaks {
                ignore_accepted: true,
                accept_below_promise: false,
                small_quorum: true,
            },
            persist_ms: (1, 4),
        };
        let run = s.to_run(9);
        assert_eq!(run.options.get("persist"), Some("1-4"));
        assert_eq!(
            run.options.get("switches"),
            Some("ignore-accepted,small-quorum")
        );
        assert_eq!(Settings::from_run(&run), s);
    }

    /// Anything malformed takes its default; counts are clamped to what the view draws.
    #[test]
    fn bad_values_fall_back_or_clamp() {
        let s = Settings::from_run(&run(
            &[
                ("proposers", "9"),
                ("learners", "x"),
                ("roles", "?"),
                ("breaks", "small_quorum,nonsense"),
            ],
            1,
            1,
        ));
        assert_eq!((s.proposers, s.acceptors, s.learners), (3, 3, 1));
        assert!(!s.colocated && s.propose_at_start && s.randomized_backoff);
        assert_eq!(
            s.breaks,
            Breaks {
                small_quorum: true,
                ..Breaks::default()
            }
        );
    }

    /// The premise of the browser test `paxos_ignoring_accepted_values_shows_two_values_chosen`:
    /// its URL's run chooses B, then A, at step 38.
    #[test]
    fn the_break_it_permalink_of_the_browser_test_chooses_two_values() {
        let s = Settings::from_run(&run(
            &[
                ("proposers", "2"),
                ("learners", "1"),
                ("breaks", "ignore_accepted"),
            ],
            3,
            1,
        ));
        let config = s.config();
        let sim_config = SimConfig {
            seed: 1,
            nodes: config.nodes(),
            net: Default::default(),
        };
        let mut sim = Sim::<PaxosNode>::new(sim_config, &config).unwrap();
        sim.run_until(ms(1_000));
        let first = sim.violations().first().expect("a violation");
        assert_eq!((first.invariant.as_str(), first.step), (AGREEMENT, 38));
        assert_eq!(sim.audit().chosen_values(), ["B", "A"]);
    }
}
