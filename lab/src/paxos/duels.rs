//! Single-decree Paxos with several proposers ("Paxos Made Simple" §2.4): how many rounds and
//! how much time until a value is chosen, by the number of proposers, with randomized and with
//! fixed back-off.
//!
//! Every proposer starts with a value of its own and sends its first Prepare after one retry
//! delay; a proposer pre-empted by a higher number backs off and retries with a higher one.
//! §2.4: two proposers can keep pre-empting each other forever; "to guarantee progress, a
//! distinguished proposer must be selected", and randomness or real time makes one emerge. A
//! trial runs until a majority of the acceptors has accepted one proposal (the value is chosen,
//! whether or not anyone knows it yet) or the cap. Its round is the round of that proposal's
//! number (`round.proposer`): each retry takes a round above every one its proposer has seen,
//! so the round counts the duel's ballots.

use concord_core::paxos::{PaxosConfig, PaxosNode};
use concord_core::sim::{NetConfig, Sim, SimConfig, Time};

use crate::experiment::{Experiment, Steps, TrialError, step_until};
use crate::params::{
    ParamError, ParamSpec, Reader, choice, count, millis, millis_range, show_millis,
    show_millis_range,
};
use crate::report::{Cell, Table, col};
use crate::stats::Sample;

#[derive(Clone, Debug, PartialEq)]
pub struct Duels {
    pub proposers: Vec<usize>,
    /// Randomized back-off (true) or the fixed retry delay (false).
    pub backoff: Vec<bool>,
    pub acceptors: usize,
    pub latency: (Time, Time),
    /// The randomized back-off's range.
    pub backoff_range: (Time, Time),
    /// The fixed back-off.
    pub retry: Time,
    pub cap: Time,
    /// The largest `R` in the table of runs still undecided after `R` rounds.
    pub rounds_shown: u64,
}

/// What one trial measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// When a majority of acceptors first accepted one proposal, and its round.
    pub chosen_at: Option<Time>,
    pub round: Option<u64>,
}

impl Duels {
    fn config(&self, proposers: usize, randomized: bool) -> PaxosConfig {
        PaxosConfig {
            randomized_backoff: randomized,
            backoff_min: self.backoff_range.0,
            backoff_max: self.backoff_range.1,
            retry_delay: self.retry,
            ..PaxosConfig::separate(proposers, self.acceptors, 1)
        }
    }
}

fn backoff(s: &str) -> Result<bool, String> {
    choice(s, &[("random", true), ("fixed", false)])
}

fn backoff_name(randomized: bool) -> &'static str {
    if randomized { "random" } else { "fixed" }
}

impl Experiment for Duels {
    const NAME: &'static str = "paxos-duels";
    const TITLE: &'static str = "Paxos: dueling proposers";
    const SUMMARY: &'static str = "rounds and time until a value is chosen vs the number of proposers, randomized and fixed back-off; duel lengths; runs undecided after R rounds (Paxos Made Simple §2.4)";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "proposers",
            default: "1,2,3,4,5",
            help: "numbers of proposers",
        },
        ParamSpec {
            name: "backoff",
            default: "random,fixed",
            help: "random (drawn from --backoff-range) or fixed (--retry)",
        },
        ParamSpec {
            name: "acceptors",
            default: "3",
            help: "acceptors (one learner besides)",
        },
        ParamSpec {
            name: "latency",
            default: "10-20",
            help: "one-way network latency, ms",
        },
        ParamSpec {
            name: "backoff-range",
            default: "10-150",
            help: "randomized back-off, ms",
        },
        ParamSpec {
            name: "retry",
            default: "1",
            help: "fixed back-off, ms",
        },
        ParamSpec {
            name: "cap",
            default: "60000",
            help: "give up on a trial after this much virtual time, ms",
        },
        ParamSpec {
            name: "rounds",
            default: "10",
            help: "show runs undecided after 1 to this many rounds",
        },
    ];
    const TRIALS: usize = 1000;

    type Row = (usize, bool);
    type Trial = Decision;

    fn from_params(p: &Reader) -> Result<Self, ParamError> {
        let proposers: Vec<usize> = p
            .list("proposers", count)?
            .into_iter()
            .map(|n| n as usize)
            .collect();
        let acceptors = p.get("acceptors", count)? as usize;
        if proposers.contains(&0) || proposers.iter().any(|&n| n + acceptors + 1 > 999) {
            return Err(ParamError(
                "--proposers: at least one, and under 1,000 nodes in all".into(),
            ));
        }
        let duels = Duels {
            proposers,
            backoff: p.list("backoff", backoff)?,
            acceptors,
            latency: p.get("latency", millis_range)?,
            backoff_range: p.get("backoff-range", millis_range)?,
            retry: p.get("retry", millis)?,
            cap: p.get("cap", millis)?,
            rounds_shown: p.get("rounds", count)?.clamp(1, 1_000),
        };
        if let Some(why) = duels.config(1, true).problem() {
            return Err(ParamError(why.to_string()));
        }
        Ok(duels)
    }

    fn rows(&self) -> Vec<(usize, bool)> {
        self.backoff
            .iter()
            .flat_map(|&b| self.proposers.iter().map(move |&p| (p, b)))
            .collect()
    }

    async fn trial(
        &self,
        &(proposers, randomized): &(usize, bool),
        seed: u64,
        steps: &Steps,
    ) -> Result<Decision, TrialError> {
        let config = self.config(proposers, randomized);
        let net = NetConfig {
            latency_min: self.latency.0,
            latency_max: self.latency.1,
            loss: 0.0,
            duplicate: 0.0,
        };
        let sim_config = SimConfig {
            seed,
            nodes: config.nodes(),
            net,
        };
        let mut sim = Sim::<PaxosNode>::new(sim_config, &config)?;
        while step_until(&mut sim, self.cap, steps).await? {
            if let Some(chosen) = sim.audit().first_chosen() {
                return Ok(Decision {
                    chosen_at: Some(sim.now()),
                    round: Some(chosen.n.round),
                });
            }
        }
        Ok(Decision {
            chosen_at: None,
            round: None,
        })
    }

    fn report(&self, results: &[((usize, bool), Vec<Decision>)]) -> (Vec<Table>, Vec<String>) {
        let mut summary = Table::new(
            "summary",
            "Rounds and time until a value is chosen",
            &[
                col("proposers", "proposers"),
                col("backoff", "back-off"),
                col("trials", "trials"),
                col("undecided", "not chosen in cap"),
                col("rounds_mean", "rounds, mean"),
                col("rounds_median", "median"),
                col("rounds_p99", "p99"),
                col("rounds_max", "max"),
                col("time_mean_ms", "time, mean (ms)"),
                col("time_median_ms", "median (ms)"),
                col("time_p99_ms", "p99 (ms)"),
            ],
        );
        let mut duels = Table::new(
            "duels",
            "Duel lengths: how many trials chose their value in each round",
            &[
                col("proposers", "proposers"),
                col("backoff", "back-off"),
                col("round", "round"),
                col("trials", "trials"),
                col("share", "share"),
            ],
        );
        let mut undecided = Table::new(
            "undecided",
            "Share of runs still undecided after R rounds",
            &[
                col("proposers", "proposers"),
                col("backoff", "back-off"),
                col("after_rounds", "R"),
                col("share", "share undecided"),
            ],
        );
        for ((proposers, randomized), trials) in results {
            let rounds = Sample::new(trials.iter().filter_map(|t| t.round).map(|r| r as f64));
            let times = Sample::new(
                trials
                    .iter()
                    .filter_map(|t| t.chosen_at)
                    .map(|t| t as f64 / 1e3),
            );
            let n = trials.len();
            let name = || {
                (
                    Cell::int(*proposers as u64),
                    Cell::text(backoff_name(*randomized)),
                )
            };
            let (p, b) = name();
            summary.push(vec![
                p,
                b,
                Cell::int(n as u64),
                Cell::int((n - rounds.len()) as u64),
                Cell::opt(rounds.mean()),
                Cell::opt(rounds.median()),
                Cell::opt(rounds.quantile(0.99)),
                Cell::opt(rounds.max()),
                Cell::opt(times.mean()),
                Cell::opt(times.median()),
                Cell::opt(times.quantile(0.99)),
            ]);
            if n == 0 {
                continue;
            }
            let last = rounds.max().unwrap_or(0.0) as u64;
            for round in 1..=last {
                let r = round as f64;
                let count = rounds.count_at_most(r) - rounds.count_at_most(r - 1.0);
                if count > 0 {
                    let (p, b) = name();
                    duels.push(vec![
                        p,
                        b,
                        Cell::int(round),
                        Cell::int(count as u64),
                        Cell::num(count as f64 / n as f64),
                    ]);
                }
            }
            for r in 1..=self.rounds_shown {
                let (p, b) = name();
                let open = n - rounds.count_at_most(r as f64);
                undecided.push(vec![p, b, Cell::int(r), Cell::num(open as f64 / n as f64)]);
            }
        }
        let notes = vec![
            format!(
                "Setup: the proposers, {} acceptors and one learner on separate nodes (core's \
                 PaxosConfig::separate); one-way latency {} ms, no loss; phase timeout 150 ms; \
                 back-off {} ms when randomized, {} ms when fixed. Each proposer proposes its \
                 own value after one back-off from time 0.",
                self.acceptors,
                show_millis_range(self.latency),
                show_millis_range(self.backoff_range),
                show_millis(self.retry)
            ),
            "Round: the round of the first proposal a majority of acceptors accepted (numbers \
             are round.proposer; a retry takes a round above every number its proposer has \
             seen). A run not chosen in the cap counts as undecided after every R."
                .into(),
            "Paxos Made Simple gives no numbers to compare with: only the argument (§2.4) that \
             dueling proposers need randomness or real time to make progress."
                .into(),
        ];
        (vec![summary, duels, undecided], notes)
    }
}
