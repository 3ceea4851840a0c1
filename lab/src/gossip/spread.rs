//! Anti-entropy's rounds and time to full convergence by cluster size (Demers et al. §1.3),
//! for push, pull and push-pull at several fan-outs, beside the theory on the same axes.
//!
//! One update is written at time 0 and every node exchanges with `fanout` random peers once per
//! round until all hold it (core's trials runner). With `jitter = 0` the rounds are lockstep,
//! the model of the predictions: the mean-field recurrences of the random phone-call model
//! ([`theory::expected_rounds`]) and, for push at fan-out 1, Pittel's `log2 n + ln n + O(1)`.
//! With jitter a node informed early in a round can pass the update on in the same round, so
//! pull and push-pull run ahead of the lockstep model.

use concord_core::gossip::trials::{self, TrialSetup};
use concord_core::gossip::{GossipConfig, Mode, theory};
use concord_core::sim::Time;
use concord_core::sim::engine::MAX_NODES;

use super::{mode, mode_name};
use crate::experiment::{Experiment, Steps, TrialError};
use crate::params::{ParamError, ParamSpec, Reader, count, millis, probability};
use crate::report::{Cell, Table, col};
use crate::stats::Sample;

#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    pub modes: Vec<Mode>,
    pub fanouts: Vec<u32>,
    pub sizes: Vec<usize>,
    /// Each node starts its round up to this late; 0: lockstep rounds.
    pub jitter: Time,
    pub loss: f64,
    pub max_rounds: u64,
}

/// How close a mean must come to the lockstep model's prediction to count as agreeing: ±10 %.
pub const TOLERANCE: f64 = 0.10;

impl Spread {
    fn setup(&self, mode: Mode, fanout: u32, n: usize) -> TrialSetup {
        TrialSetup {
            config: GossipConfig {
                jitter: self.jitter,
                ..GossipConfig::anti_entropy(mode, fanout)
            },
            nodes: n,
            loss: self.loss,
            max_rounds: self.max_rounds,
        }
    }
}

impl Experiment for Spread {
    const NAME: &'static str = "gossip-spread";
    const TITLE: &'static str = "Gossip: rounds to full convergence by cluster size";
    const SUMMARY: &'static str = "rounds and time until every node holds an update, n = 10 to 10,000, push / pull / push-pull, beside the mean-field model and Pittel (Demers et al. §1.3)";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "modes",
            default: "push,pull,push-pull",
            help: "push, pull or push-pull",
        },
        ParamSpec {
            name: "fanout",
            default: "1,3",
            help: "peers contacted per round",
        },
        ParamSpec {
            name: "n",
            default: "10,30,100,300,1000,3000,10000",
            help: "cluster sizes",
        },
        ParamSpec {
            name: "jitter",
            default: "0",
            help: "a node's round starts up to this late, ms (0: lockstep, the theory's model)",
        },
        ParamSpec {
            name: "loss",
            default: "0",
            help: "probability that a message is lost",
        },
        ParamSpec {
            name: "max-rounds",
            default: "200",
            help: "give up on a trial after this many rounds",
        },
    ];
    const TRIALS: usize = 20;

    type Row = (Mode, u32, usize);
    type Trial = trials::Trial;

    fn from_params(p: &Reader) -> Result<Self, ParamError> {
        let sizes: Vec<usize> = p
            .list("n", count)?
            .into_iter()
            .map(|n| n as usize)
            .collect();
        if let Some(n) = sizes.iter().find(|&&n| !(2..=MAX_NODES).contains(&n)) {
            return Err(ParamError(format!("--n {n}: 2 to {MAX_NODES} nodes")));
        }
        let fanouts: Vec<u32> = p
            .list("fanout", count)?
            .into_iter()
            .map(|k| k.clamp(1, u32::MAX as u64) as u32)
            .collect();
        let experiment = Spread {
            modes: p.list("modes", mode)?,
            fanouts,
            sizes,
            jitter: p.get("jitter", millis)?,
            loss: p.get("loss", probability)?,
            max_rounds: p.get("max-rounds", count)?,
        };
        if let Some(why) = experiment.setup(Mode::Push, 1, 2).config.problem() {
            return Err(ParamError(why.to_string()));
        }
        Ok(experiment)
    }

    fn rows(&self) -> Vec<(Mode, u32, usize)> {
        let mut rows = Vec::new();
        for &m in &self.modes {
            for &k in &self.fanouts {
                for &n in &self.sizes {
                    rows.push((m, k, n));
                }
            }
        }
        rows
    }

    async fn trial(
        &self,
        &(mode, fanout, n): &(Mode, u32, usize),
        seed: u64,
        steps: &Steps,
    ) -> Result<trials::Trial, TrialError> {
        super::trial(&self.setup(mode, fanout, n), seed, steps).await
    }

    fn report(
        &self,
        results: &[((Mode, u32, usize), Vec<trials::Trial>)],
    ) -> (Vec<Table>, Vec<String>) {
        let lockstep = self.jitter == 0;
        let mut table = Table::new(
            "summary",
            "Rounds until every node holds the update",
            &[
                col("mode", "mode"),
                col("fanout", "fan-out"),
                col("n", "n"),
                col("trials", "trials"),
                col("converged", "converged"),
                col("rounds_mean", "rounds, mean"),
                col("rounds_sd", "sd"),
                col("rounds_min", "min"),
                col("rounds_max", "max"),
                col("time_mean_ms", "time, mean (ms)"),
                col("messages_per_node", "messages per node"),
                col("model_rounds", "lockstep model, mean rounds"),
                col("pittel_rounds", "Pittel log2 n + ln n"),
                col("vs_model_pct", "vs model (%)"),
                col("verdict", "against the model"),
            ],
        );
        for ((mode, fanout, n), trials) in results {
            let converged: Vec<&trials::Trial> =
                trials.iter().filter(|t| t.rounds.is_some()).collect();
            let rounds = Sample::new(converged.iter().filter_map(|t| t.rounds).map(|r| r as f64));
            let stats = rounds.stats();
            let time = Sample::new(
                converged
                    .iter()
                    .filter_map(|t| t.time)
                    .map(|t| t as f64 / 1e3),
            );
            let messages = Sample::new(trials.iter().map(|t| t.messages as f64 / *n as f64));
            let model = theory::expected_rounds(*mode, *n, *fanout as usize, self.loss);
            let pittel = (*mode == Mode::Push && *fanout == 1 && self.loss == 0.0)
                .then(|| theory::pittel_push_rounds(*n));
            let off = stats.map(|s| (s.mean - model) / model);
            let verdict = match off {
                None => String::new(),
                Some(_) if !lockstep => "not compared: jittered rounds".into(),
                Some(off) if off.abs() <= TOLERANCE => "agrees (within 10 %)".into(),
                Some(off) => format!("differs by {:+.0} %", off * 100.0),
            };
            table.push(vec![
                Cell::text(mode_name(*mode)),
                Cell::int(*fanout),
                Cell::int(*n as u64),
                Cell::int(trials.len() as u64),
                Cell::int(converged.len() as u64),
                Cell::opt(stats.map(|s| s.mean)),
                Cell::opt(stats.map(|s| s.sd)),
                Cell::opt(stats.map(|s| s.min)),
                Cell::opt(stats.map(|s| s.max)),
                Cell::opt(time.mean()),
                Cell::opt(messages.mean()),
                Cell::num(model),
                Cell::opt(pittel),
                Cell::opt(off.map(|o| o * 100.0)),
                Cell::text(verdict),
            ]);
        }
        let mut notes = vec![
            "Rounds count from the write (round 0) to the first round at whose end every node \
             holds the update; time runs from the write until the last node got it. Messages \
             include every exchange of every round, also those that carried nothing new."
                .into(),
            "Model: the mean-field recurrences of the random phone-call model in lockstep \
             rounds (each node contacts `fanout` distinct random peers per round), with the \
             finishing round from a Poisson tail (core's gossip::theory); Pittel's \
             log2 n + ln n leaves out its O(1). The model is a large-n approximation: from \
             n = 30 on the means agree within 10 %; at n = 10 it is off by more than that \
             (pull, fan-out 1: +12 % to +15 % in our runs)."
                .into(),
        ];
        if !lockstep {
            notes.push(
                "Jittered rounds: a node informed early in a round answers digests later in the \
                 same round, so pull and push-pull finish ahead of the lockstep model (push is \
                 unaffected); the model column is the lockstep prediction."
                    .into(),
            );
        }
        (vec![table], notes)
    }
}
