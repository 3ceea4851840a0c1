//! The disruption a server causes when it comes back (thesis §9.6, and §4.2.3 for the rule
//! CheckQuorum brings): cut one follower off alone, let its election timer fire again and again,
//! heal, and count what it does to the cluster. Two kinds of server ([`Kind`]):
//!
//! - **partitioned**: still a member. Without PreVote, every timeout in its partition raises its
//!   term; when the network heals, its answers carry that term and the leader steps down (§5.1),
//!   though the server missed nothing the cluster did. With PreVote it asks before it raises its
//!   term, nobody answers in its partition, and it rejoins as a follower. CheckQuorum alone does
//!   not help here: the others ignore the server's RequestVote while they hear the leader
//!   (§4.2.3), but the leader itself adopts the higher term from the server's answer to its
//!   AppendEntries.
//! - **removed**: the leader removes it from the configuration while it is cut off, so it never
//!   learns of its removal (§4.2.3: "removed servers … will not receive heartbeats, so they will
//!   time out and start new elections"). Once the network heals, the old leader may still reach
//!   it once (it had not received the change), but every later leader's configuration leaves it
//!   out: it times out again and again, and without a guard each RequestVote deposes the leader.
//!   CheckQuorum's rule for voters stops that, and so does PreVote (whose voters refuse while they
//!   hear a leader).

use std::collections::BTreeSet;

use concord_core::raft::{Change, Command, RaftConfig, RaftNode, Term};
use concord_core::sim::{Action, Input, NetConfig, NodeId, Sim, SimConfig, Time, ms};

use super::{Guards, check_config, leader_with_quorum, max_term};
use crate::experiment::{Experiment, Steps, TrialError, step_until};
use crate::params::{
    ParamError, ParamSpec, Reader, choice, count, millis, millis_range, show_millis_range,
};
use crate::report::{Cell, Table, col};
use crate::stats::Sample;

#[derive(Clone, Debug, PartialEq)]
pub struct Rejoin {
    pub kinds: Vec<Kind>,
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

/// What the server that comes back is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Still in the configuration: cut off, then healed.
    Partitioned,
    /// Removed from the configuration while cut off, then healed (thesis §4.2.3).
    Removed,
}

impl Kind {
    const ALL: [(&'static str, Kind); 2] = [
        ("partitioned", Kind::Partitioned),
        ("removed", Kind::Removed),
    ];

    fn parse(s: &str) -> Result<Kind, String> {
        choice(s, &Kind::ALL)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Partitioned => "partitioned",
            Kind::Removed => "removed",
        }
    }
}

/// What one trial measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Disruption {
    /// The isolated server's term when the network heals, above the cluster's when it was cut.
    pub isolated_term_rise: u64,
    /// Leaders elected after the heal.
    pub elections_after: u64,
    /// How far the highest term of the others (every server but the one cut off) rose after the
    /// heal.
    pub term_rise_after: u64,
    /// Time without a leader that can commit, after the heal.
    pub outage: Time,
}

/// Whether every server but `removed` uses a committed configuration without it.
fn removal_committed(sim: &Sim<RaftNode>, removed: NodeId) -> bool {
    sim.nodes()
        .iter()
        .filter(|s| s.up && s.state.id != removed)
        .all(|s| {
            !s.state.configuration().is_member(removed)
                && s.state.membership.index <= s.state.volatile.commit_index
        })
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
    const TITLE: &'static str = "Raft: a partitioned or removed server comes back";
    const SUMMARY: &'static str = "term rises, elections and lost time a partitioned server, or one removed while cut off, causes when the network heals, PreVote and CheckQuorum on and off (thesis §9.6, §4.2.3)";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "kinds",
            default: "partitioned,removed",
            help: "partitioned (cut off, then healed) or removed (removed from the configuration while cut off, then healed)",
        },
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

    type Row = (Kind, Guards);
    type Trial = Disruption;

    fn from_params(p: &Reader) -> Result<Self, ParamError> {
        let experiment = Rejoin {
            kinds: p.list("kinds", Kind::parse)?,
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

    fn rows(&self) -> Vec<(Kind, Guards)> {
        let mut rows = Vec::new();
        for &kind in &self.kinds {
            for &guards in &self.guards {
                rows.push((kind, guards));
            }
        }
        rows
    }

    async fn trial(
        &self,
        &(kind, guards): &(Kind, Guards),
        seed: u64,
        steps: &Steps,
    ) -> Result<Disruption, TrialError> {
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
        while step_until(&mut sim, WARM_UP, steps).await? {}
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
        if kind == Kind::Removed {
            let change = Command::Change {
                client: 1,
                seq: 1,
                change: Change::Remove(isolated),
            };
            sim.apply(Input::Act {
                at: cut_at,
                action: Action::Command(leader, change),
            })?;
        }
        let heal_at = cut_at + self.partition;
        while step_until(&mut sim, heal_at, steps).await? {}
        if kind == Kind::Removed && !removal_committed(&sim, isolated) {
            return Err(TrialError(format!(
                "the removal of {isolated:?} did not commit while it was cut off"
            )));
        }
        sim.apply(Input::Act {
            at: heal_at,
            action: Action::Heal,
        })?;
        let isolated_term = sim.nodes()[isolated.index()].state.term();
        // The others' highest term: a removed server's own term is not the cluster's.
        let others_term = |sim: &Sim<RaftNode>| {
            sim.nodes()
                .iter()
                .filter(|s| s.state.id != isolated)
                .map(|s| s.state.term())
                .max()
                .unwrap_or(0)
        };
        let heal_term = others_term(&sim);

        let end = heal_at + self.after;
        let mut led: BTreeSet<Term> = BTreeSet::new();
        let (mut last, mut up, mut outage) = (heal_at, leader_with_quorum(&sim).is_some(), 0);
        while step_until(&mut sim, end, steps).await? {
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
            term_rise_after: others_term(&sim).saturating_sub(heal_term),
            outage,
        })
    }

    fn report(&self, results: &[((Kind, Guards), Vec<Disruption>)]) -> (Vec<Table>, Vec<String>) {
        let mut table = Table::new(
            "summary",
            "What a follower cut off (and perhaps removed) does when the network heals",
            &[
                col("kind", "server"),
                col("guards", "guards"),
                col("trials", "trials"),
                col("isolated_term_rise", "its term rise while cut off"),
                col("deposed_share", "trials with a new election after the heal"),
                col("elections_after", "leaders elected after the heal"),
                col("term_rise_after", "the others' term rise after the heal"),
                col("outage_ms", "time without a leader after the heal (ms)"),
            ],
        );
        for ((kind, guards), trials) in results {
            let mean_of = |f: fn(&Disruption) -> f64| Sample::new(trials.iter().map(f)).mean();
            let disrupted = trials.iter().filter(|t| t.elections_after > 0).count();
            table.push(vec![
                Cell::text(kind.name()),
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
                 writes: a partitioned server misses nothing the cluster does. A removed one is \
                 removed by the leader just after the cut, and the change commits among the \
                 others while it is away.",
                self.servers,
                show_millis_range(self.timeouts),
                crate::params::show_millis(self.heartbeat),
                show_millis_range(self.latency),
                WARM_UP / 1_000_000,
                crate::params::show_millis(self.partition),
                crate::params::show_millis(self.after)
            ),
            "Partitioned (thesis §9.6): with PreVote the isolated server never raises its term, \
             so it cannot depose the leader. CheckQuorum's rule for voters (§4.2.3) makes the \
             others ignore its RequestVote, but not the leader's reaction to the higher term in \
             its answers (§5.1); the thesis pairs the two."
                .into(),
            "Removed (thesis §4.2.3): no leader after the first sends the removed server \
             anything, so it times out again and again for as long as the run goes on. Without \
             a guard each of its RequestVotes deposes the leader; with CheckQuorum the others \
             (and the leader) ignore them while a leader is heard, so at most the first leader, \
             which still replicates to it, adopts its higher term; with PreVote its term never \
             rises."
                .into(),
        ];
        (vec![table], notes)
    }
}
