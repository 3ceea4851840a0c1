//! Rumor mongering (SIR) by stop rule and its parameter `k`, beside Demers et al.'s Tables 1 and
//! 2 (§1.4): the residue (the fraction of sites the rumor never reaches), the traffic (update
//! messages per site, `m`) and the last arrival, and the relation `s ≈ e^{−m}` between them.
//!
//! Each trial writes one rumor at time 0 on 1,000 nodes and runs until nobody spreads it (core's
//! trials runner): push, fan-out 1, lockstep rounds, uniform peers, the setting of the paper's
//! simulations. Table 1 is "feedback and counters", Table 2 "blind and coin"; the coin with
//! feedback is held against the paper's equation `s = e^{−(k+1)(1−s)}`, the blind coin against
//! `s = e^{−k(1−s)}`; the blind counter has no figure in the paper.

use concord_core::gossip::theory::{self, DemersRow};
use concord_core::gossip::trials::{self, TrialSetup};
use concord_core::gossip::{GossipConfig, Mode, Stop};

use super::{mode, mode_name, stop, stop_name};
use crate::experiment::{Experiment, Steps, TrialError};
use crate::params::{ParamError, ParamSpec, Reader, choice, count, switch};
use crate::report::{Cell, Table, col};
use crate::stats::Sample;

#[derive(Clone, Debug, PartialEq)]
pub struct Rumor {
    pub nodes: usize,
    pub ks: Vec<u32>,
    pub stops: Vec<Stop>,
    pub feedback: Vec<bool>,
    /// Judge a push's feedback against the receiver's state at the start of the round, as the
    /// paper's synchronous simulation does (see `GossipConfig::lockstep_feedback`).
    pub lockstep_feedback: bool,
    pub mode: Mode,
    pub max_rounds: u64,
}

/// The sites in Demers et al.'s simulations.
pub const PAPER_SITES: usize = 1000;

/// A paper row matches ours when our mean residue is within three of our standard errors plus
/// this share of the paper's value (the paper's own sampling error and rounding, for a number
/// of runs it does not give).
pub const PAPER_MARGIN: f64 = 0.05;

impl Rumor {
    fn setup(&self, stop: Stop, feedback: bool, k: u32) -> TrialSetup {
        TrialSetup {
            config: GossipConfig {
                lockstep_feedback: self.lockstep_feedback,
                mode: self.mode,
                ..GossipConfig::rumor(self.mode, stop, k, feedback)
            },
            nodes: self.nodes,
            loss: 0.0,
            max_rounds: self.max_rounds,
        }
    }

    /// The paper's row for this variant, if our model is the one the paper simulated.
    fn paper(&self, stop: Stop, feedback: bool, k: u32) -> Option<&'static DemersRow> {
        let table: &[DemersRow] = match (stop, feedback) {
            (Stop::Counter, true) => &theory::DEMERS_TABLE_1,
            (Stop::Coin, false) => &theory::DEMERS_TABLE_2,
            _ => return None,
        };
        table.iter().find(|r| r.k == k)
    }

    /// Why our model is not the paper's for this variant, if it is not.
    fn model_differs(&self, feedback: bool) -> Option<&'static str> {
        if self.nodes != PAPER_SITES {
            Some("the paper ran 1,000 sites")
        } else if self.mode != Mode::Push {
            Some("the paper's tables are for push")
        } else if feedback && !self.lockstep_feedback {
            Some("feedback judged on arrival, not at the round's start as in the paper")
        } else {
            None
        }
    }
}

fn feedback(s: &str) -> Result<bool, String> {
    choice(s, &[("feedback", true), ("blind", false)])
}

impl Experiment for Rumor {
    const NAME: &'static str = "gossip-rumor";
    const TITLE: &'static str =
        "Gossip: rumor mongering's residue and traffic (Demers et al. Tables 1 and 2)";
    const SUMMARY: &'static str = "SIR residue, messages per node and last arrival vs k, counter/coin x feedback/blind at n = 1,000, beside Demers et al.'s Tables 1 and 2 and s = e^-m";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "n",
            default: "1000",
            help: "cluster size (the paper's tables: 1,000)",
        },
        ParamSpec {
            name: "k",
            default: "1,2,3,4,5",
            help: "the stop rule's parameter",
        },
        ParamSpec {
            name: "stops",
            default: "counter,coin",
            help: "counter (lose interest after k counted contacts) or coin (with probability 1/k at each)",
        },
        ParamSpec {
            name: "feedback",
            default: "feedback,blind",
            help: "feedback (count only contacts that were not news) or blind (count every contact)",
        },
        ParamSpec {
            name: "lockstep-feedback",
            default: "true",
            help: "judge feedback against the receiver's state at the round's start, as the paper's simulation",
        },
        ParamSpec {
            name: "mode",
            default: "push",
            help: "push, pull or push-pull (the tables are for push)",
        },
        ParamSpec {
            name: "max-rounds",
            default: "500",
            help: "give up on a trial after this many rounds",
        },
    ];
    const TRIALS: usize = 200;

    type Row = (Stop, bool, u32);
    type Trial = trials::Trial;

    fn from_params(p: &Reader) -> Result<Self, ParamError> {
        let nodes = p.get("n", count)? as usize;
        if !(2..=concord_core::sim::engine::MAX_NODES).contains(&nodes) {
            return Err(ParamError(format!("--n {nodes}: 2 to 10,000 nodes")));
        }
        let ks: Vec<u32> = p
            .list("k", count)?
            .into_iter()
            .map(|k| k.min(u32::MAX as u64) as u32)
            .collect();
        if ks.contains(&0) {
            return Err(ParamError("--k: at least 1".into()));
        }
        Ok(Rumor {
            nodes,
            ks,
            stops: p.list("stops", stop)?,
            feedback: p.list("feedback", feedback)?,
            lockstep_feedback: p.get("lockstep-feedback", switch)?,
            mode: p.get("mode", mode)?,
            max_rounds: p.get("max-rounds", count)?,
        })
    }

    fn rows(&self) -> Vec<(Stop, bool, u32)> {
        let mut rows = Vec::new();
        for &f in &self.feedback {
            for &s in &self.stops {
                for &k in &self.ks {
                    rows.push((s, f, k));
                }
            }
        }
        rows
    }

    async fn trial(
        &self,
        &(stop, feedback, k): &(Stop, bool, u32),
        seed: u64,
        steps: &Steps,
    ) -> Result<trials::Trial, TrialError> {
        super::trial(&self.setup(stop, feedback, k), seed, steps).await
    }

    fn report(
        &self,
        results: &[((Stop, bool, u32), Vec<trials::Trial>)],
    ) -> (Vec<Table>, Vec<String>) {
        let mut table = Table::new(
            "summary",
            "Residue and traffic of one rumor",
            &[
                col("stop", "stop"),
                col("feedback", "feedback"),
                col("k", "k"),
                col("trials", "trials"),
                col("residue", "residue s"),
                col("residue_se", "s, standard error"),
                col("traffic", "traffic m (updates per node)"),
                col("t_last", "last arrival (rounds)"),
                col("paper_residue", "paper s"),
                col("paper_traffic", "paper m"),
                col("paper_t_last", "paper t_last"),
                col("equation_residue", "equation s"),
                col("exp_minus_m", "e^-m"),
                col("verdict", "against the paper"),
            ],
        );
        let period = self.setup(Stop::Coin, true, 1).config.period() as f64;
        for ((stop, feedback, k), trials) in results {
            let residue = Sample::new(trials.iter().map(|t| t.residue)).stats();
            let traffic = Sample::new(trials.iter().map(|t| t.entries as f64 / self.nodes as f64));
            let t_last = Sample::new(trials.iter().map(|t| t.last_arrival as f64 / period));
            let paper = self.paper(*stop, *feedback, *k);
            let equation = match (stop, feedback) {
                (Stop::Coin, true) => Some(theory::residue_feedback_coin(*k)),
                (Stop::Coin, false) => Some(theory::residue_blind_coin(*k)),
                _ => None,
            };
            let verdict = match (paper, residue, self.model_differs(*feedback)) {
                (None, _, _) | (_, None, _) => String::new(),
                (Some(_), Some(_), Some(why)) => format!("not compared: {why}"),
                (Some(row), Some(s), None) => {
                    let tolerance = 3.0 * s.se() + PAPER_MARGIN * row.residue;
                    if (s.mean - row.residue).abs() <= tolerance {
                        "reproduces".into()
                    } else if *stop == Stop::Counter {
                        format!(
                            "differs ({:+.0} %): core's counter never resets on a necessary \
                             contact",
                            (s.mean - row.residue) / row.residue * 100.0
                        )
                    } else {
                        format!(
                            "differs ({:+.0} %)",
                            (s.mean - row.residue) / row.residue * 100.0
                        )
                    }
                }
            };
            table.push(vec![
                Cell::text(stop_name(*stop)),
                Cell::text(if *feedback { "feedback" } else { "blind" }),
                Cell::int(*k),
                Cell::int(trials.len() as u64),
                Cell::opt(residue.map(|s| s.mean)),
                Cell::opt(residue.map(|s| s.se())),
                Cell::opt(traffic.mean()),
                Cell::opt(t_last.mean()),
                Cell::opt(paper.map(|r| r.residue)),
                Cell::opt(paper.map(|r| r.traffic)),
                Cell::opt(paper.map(|r| r.t_last)),
                Cell::opt(equation),
                Cell::opt(traffic.mean().map(|m| (-m).exp())),
                Cell::text(verdict),
            ]);
        }
        let notes = vec![
            format!(
                "Setup: {} nodes, {}, fan-out 1, lockstep rounds of 1 s, uniform peers; feedback \
                 judged {}; one rumor written at time 0, run until no node spreads it. Traffic \
                 counts (key, value, version) entries sent per node, as the paper counts update \
                 messages; last arrival in rounds after the write.",
                self.nodes,
                mode_name(self.mode),
                if self.lockstep_feedback {
                    "against the receiver's state at the start of the round, as the paper's \
                     synchronous simulation does"
                } else {
                    "on arrival"
                }
            ),
            format!(
                "A paper row reproduces when our mean residue lies within three of our standard \
                 errors plus {:.0} % of the paper's value (the paper does not say how many runs \
                 its tables average).",
                PAPER_MARGIN * 100.0
            ),
            "Table 1 (feedback, counter), rows k >= 2: core's counter counts every unnecessary \
             contact since the rumor was learned and never resets; the paper's counter (an \
             independent simulation reproduces its table this way) counts unnecessary contacts \
             since the last necessary one. Ours loses interest sooner and leaves a larger \
             residue, close to the coin's. Row k = 1 is the same under both counters."
                .into(),
            "Table 1's t_ave (mean arrival) is not measured: the trials runner records the last \
             arrival only."
                .into(),
            "s = e^-m (Demers et al. §1.4): compare the residue with e^-m computed from our own \
             traffic."
                .into(),
        ];
        (vec![table], notes)
    }
}
