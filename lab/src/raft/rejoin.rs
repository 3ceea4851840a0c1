//! The disruption a partitioned server causes when it rejoins (thesis §9.6, and §4.2.3 for the
//! rule CheckQuorum brings): cut one follower off alone, let its election timer fire again and
//! again, heal, and count what it does to the cluster.
//!
//! Without PreVote, every timeout in its partition raises the isolated server's term; when the
//! network heals, its answers carry that term and the leader steps down (§5.1), though the
//! server missed nothing the cluster did. With PreVote it asks before it raises its term, nobody
//! answers in its partition, and it rejoins as a follower. CheckQuorum alone does not help here:
//! the others ignore the server's RequestVote while they hear the leader (§4.2.3), but the
//! leader itself adopts the higher term from the server's answer to its AppendEntries.

use std::collections::BTreeSet;

use concord_core::raft::{RaftConfig, RaftNode, Term};
use concord_core::sim::{Action, Input, NetConfig, NodeId, Sim, SimConfig, Time, ms};

use super::{Guards, check_config, leader_with_quorum, max_term};
use crate::experiment::{Experiment, TrialError, step_until};
use crate::params::{
    ParamError, ParamSpec, Reader, count, millis, millis_range, show_millis_range,
};
use crate::report::{Cell, Table, col};
use crate::stats::Sample;

#[derive(Clone, Debug, PartialEq)]
pub struct Rejoin {
    pub guards: Vec<Guards>,
    pub servers: usize,
    pub timeouts: (Time, Time),
    pub heartbeat: Time,
    pub latency: (Time, Time),
    /// How long the follower stays cut off.
    pub partition: Time,
    /// How long the run goes on after the network heals.
    pub after: Time,
}

/// What one trial measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Disruption {
    /// The isolated server's term when the network heals, above the cluster's when it was cut.
    pub isolated_term_rise: u64,
    /// Leaders elected after the heal.
    pub elections_after: u64,
    /// How far the highest term rose after the heal.
    pub term_rise_after: u64,
    /// Time without a leader that can commit, after the heal.
    pub outage: Time,
}

/// Before the cut: the first election and a settled leader.
const WARM_UP: Time = ms(2_000);

impl Rejoin {
    fn raft_config(&self, guards: Guards) -> RaftConfig {
        guards.apply(RaftConfig {
            election_timeout_min: self.timeouts.0,
            election_timeout_max: self.timeouts.1,
            heartbeat_interval: self.heartbeat,
            ..RaftConfig::default()
        })
    }
}

impl Experiment for Rejoin {
    const NAME: &'static str = "raft-rejoin";
    const TITLE: &'static str = "Raft: a partitioned server rejoins";
    const SUMMARY: &'static str = "term rises, elections and lost time a partitioned server causes when it rejoins, PreVote and CheckQuorum on and off (thesis §9.6, §4.2.3)";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "guards",
            default: "plain,prevote,checkquorum,both",
            help: "plain, prevote, checkquorum or both",
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
            name: "partition",
            default: "2000",
            help: "how long one follower is cut off, ms",
        },
        ParamSpec {
            name: "after",
            default: "3000",
            help: "how long to watch after the heal, ms",
        },
    ];
    const TRIALS: usize = 200;

    type Row = Guards;
    type Trial = Disruption;

    fn from_params(p: &Reader) -> Result<Self, ParamError> {
        let experiment = Rejoin {
            guards: p.list("guards", Guards::parse)?,
            servers: p.get("servers", count)? as usize,
            timeouts: p.get("timeouts", millis_range)?,
            heartbeat: p.get("heartbeat", millis)?,
            latency: p.get("latency", millis_range)?,
            partition: p.get("partition", millis)?,
            after: p.get("after", millis)?,
        };
        if !(3..=99).contains(&experiment.servers) {
            return Err(ParamError("--servers: 3 to 99 servers".into()));
        }
        check_config(&experiment.raft_config(Guards::parse("plain").expect("a guard")))?;
        Ok(experiment)
    }

    fn rows(&self) -> Vec<Guards> {
        self.guards.clone()
    }

    fn trial(&self, &guards: &Guards, seed: u64) -> Result<Disruption, TrialError> {
        let net = NetConfig {
            latency_min: self.latency.0,
            latency_max: self.latency.1,
            loss: 0.0,
            duplicate: 0.0,
        };
        let sim_config = SimConfig {
            seed,
            nodes: self.servers,
            net,
        };
        let mut sim = Sim::<RaftNode>::new(sim_config, &self.raft_config(guards))?;
        while step_until(&mut sim, WARM_UP)? {}
        let leader = leader_with_quorum(&sim)
            .ok_or_else(|| TrialError("no leader before the partition".into()))?;
        // A follower, chosen by the seed.
        let n = self.servers as u64;
        let isolated = NodeId(((leader.0 as u64 + 1 + seed % (n - 1)) % n) as u16);
        let cut_term = max_term(&sim);
        let cut_at = sim.now();
        sim.apply(Input::Act {
            at: cut_at,
            action: Action::Partition(vec![vec![isolated]]),
        })?;
        let heal_at = cut_at + self.partition;
        while step_until(&mut sim, heal_at)? {}
        sim.apply(Input::Act {
            at: heal_at,
            action: Action::Heal,
        })?;
        let isolated_term = sim.nodes()[isolated.index()].state.term();
        let heal_term = sim
            .nodes()
            .iter()
            .filter(|s| s.state.id != isolated)
            .map(|s| s.state.term())
            .max()
            .unwrap_or(0);

        let end = heal_at + self.after;
        let mut led: BTreeSet<Term> = BTreeSet::new();
        let (mut last, mut up, mut outage) = (heal_at, leader_with_quorum(&sim).is_some(), 0);
        while step_until(&mut sim, end)? {
            let now = sim.now();
            if !up {
                outage += now - last;
            }
            last = now;
            up = leader_with_quorum(&sim).is_some();
            for s in sim.nodes().iter().filter(|s| s.up && s.state.is_leader()) {
                led.insert(s.state.term());
            }
        }
        if !up {
            outage += end - last;
        }
        Ok(Disruption {
            isolated_term_rise: isolated_term.saturating_sub(cut_term),
            elections_after: led.range(heal_term + 1..).count() as u64,
            term_rise_after: max_term(&sim).saturating_sub(heal_term),
            outage,
        })
    }

    fn report(&self, results: &[(Guards, Vec<Disruption>)]) -> (Vec<Table>, Vec<String>) {
        let mut table = Table::new(
            "summary",
            "What a partitioned follower does when it rejoins",
            &[
                col("guards", "guards"),
                col("trials", "trials"),
                col("isolated_term_rise", "its term rise while cut off"),
                col("deposed_share", "trials with a new election after the heal"),
                col("elections_after", "leaders elected after the heal"),
                col("term_rise_after", "cluster term rise after the heal"),
                col("outage_ms", "time without a leader after the heal (ms)"),
            ],
        );
        for (guards, trials) in results {
            let mean_of = |f: fn(&Disruption) -> f64| Sample::new(trials.iter().map(f)).mean();
            let disrupted = trials.iter().filter(|t| t.elections_after > 0).count();
            table.push(vec![
                Cell::text(guards.name()),
                Cell::int(trials.len() as u64),
                Cell::opt(mean_of(|t| t.isolated_term_rise as f64)),
                Cell::opt((!trials.is_empty()).then(|| disrupted as f64 / trials.len() as f64)),
                Cell::opt(mean_of(|t| t.elections_after as f64)),
                Cell::opt(mean_of(|t| t.term_rise_after as f64)),
                Cell::opt(mean_of(|t| t.outage as f64 / 1_000.0)),
            ]);
        }
        let notes = vec![
            format!(
                "Setup: {} servers, election timeouts {} ms, heartbeats every {} ms, one-way \
                 latency {} ms, no loss; after {} s one follower (chosen by the seed) is cut off \
                 alone for {} ms, then the network heals and the run goes on for {} ms. No client \
                 writes: the isolated server misses nothing the cluster does.",
                self.servers,
                show_millis_range(self.timeouts),
                crate::params::show_millis(self.heartbeat),
                show_millis_range(self.latency),
                WARM_UP / 1_000_000,
                crate::params::show_millis(self.partition),
                crate::params::show_millis(self.after)
            ),
            "Thesis §9.6: with PreVote the isolated server never raises its term, so it cannot \
             depose the leader. CheckQuorum's rule for voters (§4.2.3) makes the others ignore \
             its RequestVote, but not the leader's reaction to the higher term in its answers \
             (§5.1); the thesis pairs the two."
                .into(),
        ];
        (vec![table], notes)
    }
}
