//! Raft's liveness under message loss: the fraction of time the cluster has a leader that can
//! commit, with PreVote (thesis §9.6) and CheckQuorum (§6.2, with §4.2.3's rule for voters) on
//! and off.
//!
//! "A leader that can commit" at a moment: a server in the leader role that a majority of the
//! voters, itself included, follow in its own term (they are up, hold its term, and took an
//! AppendEntries of that term from it), so a client's write given to it would commit once its
//! messages arrive. Availability is the fraction of the measured window of virtual time in which
//! such a leader exists; the state is read after every step and holds until the next one. Lost
//! heartbeats make followers time out: without PreVote each timeout raises the term and deposes
//! the leader; with it, a follower first asks whether it could win, and servers that still hear
//! the leader say no.

use std::collections::BTreeSet;

use concord_core::raft::{RaftConfig, RaftNode, Term};
use concord_core::sim::{NetConfig, Sim, SimConfig, Time, ms};

use super::{Guards, check_config, leader_with_quorum, max_term};
use crate::experiment::{Experiment, Steps, TrialError, step_until};
use crate::params::{
    ParamError, ParamSpec, Reader, count, millis, millis_range, probability, show_millis_range,
};
use crate::report::{Cell, Table, col};
use crate::stats::Sample;

#[derive(Clone, Debug, PartialEq)]
pub struct Availability {
    pub guards: Vec<Guards>,
    pub loss: Vec<f64>,
    pub servers: usize,
    pub timeouts: (Time, Time),
    pub heartbeat: Time,
    pub latency: (Time, Time),
    /// The measured window, after a warm-up of [`WARM_UP`].
    pub duration: Time,
}

/// What one trial measured over its window.
#[derive(Clone, Debug, PartialEq)]
pub struct Uptime {
    /// Fraction of the window with a leader that can commit.
    pub available: f64,
    /// Leaders elected in the window (one per term that had one).
    pub elections_won: u64,
    /// How far the highest term rose in the window.
    pub term_rise: u64,
    /// The longest stretch without a leader that can commit.
    pub longest_outage: Time,
}

/// Before the window: the first election, under the same loss.
pub const WARM_UP: Time = ms(2_000);

impl Availability {
    fn raft_config(&self, guards: Guards) -> RaftConfig {
        guards.apply(RaftConfig {
            election_timeout_min: self.timeouts.0,
            election_timeout_max: self.timeouts.1,
            heartbeat_interval: self.heartbeat,
            ..RaftConfig::default()
        })
    }
}

impl Experiment for Availability {
    const NAME: &'static str = "raft-availability";
    const TITLE: &'static str = "Raft: leader availability under message loss";
    const SUMMARY: &'static str = "fraction of time with a leader that can commit vs message loss, PreVote and CheckQuorum on and off (thesis §9.6, §6.2)";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "guards",
            default: "plain,prevote,checkquorum,both",
            help: "plain, prevote, checkquorum or both",
        },
        ParamSpec {
            name: "loss",
            default: "0,0.05,0.1,0.2,0.3,0.4",
            help: "probability that a message is lost",
        },
        ParamSpec {
            name: "servers",
            default: "5",
            help: "cluster size",
        },
        ParamSpec {
            name: "timeouts",
            default: "150-300",
            help: "election timeout range, ms",
        },
        ParamSpec {
            name: "heartbeat",
            default: "50",
            help: "heartbeat interval, ms",
        },
        ParamSpec {
            name: "latency",
            default: "10-20",
            help: "one-way network latency, ms",
        },
        ParamSpec {
            name: "duration",
            default: "60000",
            help: "measured window of virtual time, ms",
        },
    ];
    const TRIALS: usize = 20;

    type Row = (Guards, f64);
    type Trial = Uptime;

    fn from_params(p: &Reader) -> Result<Self, ParamError> {
        let experiment = Availability {
            guards: p.list("guards", Guards::parse)?,
            loss: p.list("loss", probability)?,
            servers: p.get("servers", count)? as usize,
            timeouts: p.get("timeouts", millis_range)?,
            heartbeat: p.get("heartbeat", millis)?,
            latency: p.get("latency", millis_range)?,
            duration: p.get("duration", millis)?,
        };
        if !(1..=99).contains(&experiment.servers) {
            return Err(ParamError("--servers: 1 to 99 servers".into()));
        }
        check_config(&experiment.raft_config(Guards::parse("plain").expect("a guard")))?;
        Ok(experiment)
    }

    fn rows(&self) -> Vec<(Guards, f64)> {
        self.guards
            .iter()
            .flat_map(|&g| self.loss.iter().map(move |&l| (g, l)))
            .collect()
    }

    async fn trial(
        &self,
        &(guards, loss): &(Guards, f64),
        seed: u64,
        steps: &Steps,
    ) -> Result<Uptime, TrialError> {
        let net = NetConfig {
            latency_min: self.latency.0,
            latency_max: self.latency.1,
            loss,
            duplicate: 0.0,
        };
        let sim_config = SimConfig {
            seed,
            nodes: self.servers,
            net,
        };
        let mut sim = Sim::<RaftNode>::new(sim_config, &self.raft_config(guards))?;
        while step_until(&mut sim, WARM_UP, steps).await? {}
        let first_term = max_term(&sim);
        let end = WARM_UP + self.duration;
        let mut led: BTreeSet<Term> = BTreeSet::new();
        let (mut last, mut up) = (WARM_UP, leader_with_quorum(&sim).is_some());
        let (mut available, mut longest, mut down_since) = (0, 0, WARM_UP);
        while step_until(&mut sim, end, steps).await? {
            let now = sim.now();
            if up {
                available += now - last;
            }
            let was_up = up;
            up = leader_with_quorum(&sim).is_some();
            if was_up && !up {
                down_since = now;
            } else if !was_up && up {
                longest = longest.max(now - down_since);
            }
            last = now;
            for s in sim.nodes().iter().filter(|s| s.up && s.state.is_leader()) {
                led.insert(s.state.term());
            }
        }
        if up {
            available += end - last;
        } else {
            longest = longest.max(end - down_since);
        }
        Ok(Uptime {
            available: available as f64 / self.duration.max(1) as f64,
            elections_won: led.range(first_term + 1..).count() as u64,
            term_rise: max_term(&sim) - first_term,
            longest_outage: longest,
        })
    }

    fn report(&self, results: &[((Guards, f64), Vec<Uptime>)]) -> (Vec<Table>, Vec<String>) {
        let mut table = Table::new(
            "summary",
            "Leader availability by message loss",
            &[
                col("guards", "guards"),
                col("loss", "loss"),
                col("trials", "trials"),
                col("available", "available (fraction)"),
                col("available_sd", "sd"),
                col("available_min", "worst trial"),
                col("elections_per_min", "leaders elected per minute"),
                col("terms_per_min", "term rise per minute"),
                col("longest_outage_ms", "longest outage, mean (ms)"),
            ],
        );
        let minutes = self.duration as f64 / 60e6;
        for ((guards, loss), trials) in results {
            let up = Sample::new(trials.iter().map(|t| t.available));
            let stats = up.stats();
            let mean_of = |f: fn(&Uptime) -> f64| Sample::new(trials.iter().map(f)).mean();
            table.push(vec![
                Cell::text(guards.name()),
                Cell::num(*loss),
                Cell::int(trials.len() as u64),
                Cell::opt(stats.map(|s| s.mean)),
                Cell::opt(stats.map(|s| s.sd)),
                Cell::opt(stats.map(|s| s.min)),
                Cell::opt(mean_of(|t| t.elections_won as f64).map(|x| x / minutes)),
                Cell::opt(mean_of(|t| t.term_rise as f64).map(|x| x / minutes)),
                Cell::opt(mean_of(|t| t.longest_outage as f64 / 1_000.0)),
            ]);
        }
        let notes = vec![
            format!(
                "Setup: {} servers, election timeouts {} ms, heartbeats every {} ms, one-way \
                 latency {} ms; each message lost independently with the row's probability; \
                 the window of {} s starts after a warm-up of {} s (the first election, under \
                 the same loss).",
                self.servers,
                show_millis_range(self.timeouts),
                crate::params::show_millis(self.heartbeat),
                show_millis_range(self.latency),
                self.duration / 1_000_000,
                WARM_UP / 1_000_000
            ),
            "Available: some leader is followed, in its own term, by a majority of the voters \
             itself included (up, same term, took an AppendEntries of that term from it), so a \
             write given to it commits once its messages arrive. Read after every step."
                .into(),
            "The papers give no number to compare with; the thesis (§9.6) argues that PreVote \
             stops a server that cannot win from raising terms, which lost heartbeats otherwise \
             cause."
                .into(),
        ];
        (vec![table], notes)
    }
}
