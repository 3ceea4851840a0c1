//! The soak: each protocol's safety properties over many seeded faulty runs, on every core. A
//! run is a protocol's fault schedule ([`crate::chaos`]) with settings chosen by its seed; it
//! fails when the invariant checker, which the engine runs after every step, finds a violation.
//! `cargo xtask soak` prints the violations with their seeds and the runs per second.

use concord_core::gossip::{Model, Stop};
use concord_core::raft::{RaftConfig, ReadMode};
use concord_core::sim::{SimRng, ms};

use crate::chaos::{gossip, paxos, raft};

/// One protocol's soak.
pub struct Protocol {
    pub name: &'static str,
    /// What its runs vary.
    pub about: &'static str,
    /// One seed's run: `Err` names the violation and the settings it broke under.
    pub run: fn(seed: u64) -> Result<(), String>,
}

pub const PROTOCOLS: &[Protocol] = &[
    Protocol {
        name: "raft",
        about: "Figure 3's invariants, linearizability and the snapshot checks; 1–9 servers; \
                crashes, restarts, loss, duplication, cuts, partitions, clients; by seed the \
                read path, PreVote, CheckQuorum, transfers, snapshots, the conflict hint, no \
                no-op, membership changes, writes that take time, hunted leaders",
        run: raft_run,
    },
    Protocol {
        name: "gossip",
        about: "versions never go back, one value per version; 2–14 nodes; crashes, restarts, \
                loss, duplication, latency, cuts, partitions, health changes, writes; by seed \
                push, pull or push-pull, anti-entropy or rumor mongering, SWIM, health checks",
        run: gossip_run,
    },
    Protocol {
        name: "paxos",
        about: "one value chosen, only chosen values learned; 1–3 proposers, 3–7 acceptors, \
                separate or colocated; crashes, restarts, loss, duplication, cuts, partitions, \
                proposals; writes that take time on odd seeds",
        run: paxos_run,
    },
];

pub fn protocol(name: &str) -> Option<&'static Protocol> {
    PROTOCOLS.iter().find(|p| p.name == name)
}

/// Raft's settings by seed, nine in turn, as the property suites run them.
fn raft_settings(seed: u64) -> (&'static str, RaftConfig, raft::Plan) {
    let base = RaftConfig::default();
    let plan = raft::Plan::new(5, 2_000, 2_000);
    match seed % 9 {
        0 => ("log reads", base, plan),
        1 => (
            "ReadIndex",
            RaftConfig {
                read: ReadMode::ReadIndex,
                ..base
            },
            plan,
        ),
        2 => (
            "lease with CheckQuorum",
            RaftConfig {
                read: ReadMode::Lease,
                check_quorum: true,
                ..base
            },
            plan,
        ),
        3 => (
            "ReadIndex, PreVote, CheckQuorum, transfers",
            RaftConfig {
                read: ReadMode::ReadIndex,
                pre_vote: true,
                check_quorum: true,
                ..base
            },
            raft::Plan {
                transfers: true,
                ..plan
            },
        ),
        4 => (
            "snapshots, conflict hint, small batches",
            RaftConfig {
                snapshot_threshold: 1 + seed / 9 % 6,
                conflict_hint: true,
                max_batch: 1 + seed / 9 % 3,
                ..base
            },
            plan,
        ),
        5 => (
            "no no-op",
            RaftConfig {
                noop_on_election: false,
                ..base
            },
            plan,
        ),
        6 => {
            let plan = raft::Plan {
                changes: true,
                ..raft::Plan::new(9, 2_000, 1_000)
            };
            let n = plan.nodes(seed);
            (
                "membership changes",
                RaftConfig {
                    spare: (seed / 9 % 4) as usize % n,
                    catch_up_first: seed / 9 % 2 == 1,
                    snapshot_threshold: [0, 2, 5][(seed / 9 % 3) as usize],
                    read: [ReadMode::Log, ReadMode::ReadIndex][(seed / 9 % 2) as usize],
                    check_quorum: seed / 9 % 4 == 3,
                    ..base
                },
                plan,
            )
        }
        7 => (
            "writes that take 1–8 ms",
            RaftConfig {
                persist_delay_min: ms(1),
                persist_delay_max: ms(8),
                pre_vote: seed / 9 % 3 == 1,
                check_quorum: seed / 9 % 4 == 2,
                snapshot_threshold: [0, 2, 5][(seed / 9 % 3) as usize],
                ..base
            },
            plan,
        ),
        _ => (
            "hunted leaders",
            RaftConfig {
                noop_on_election: (seed / 9).is_multiple_of(2),
                ..base
            },
            raft::Plan {
                hunt_leaders: true,
                ..raft::Plan::new(5, 3_000, 500)
            },
        ),
    }
}

fn raft_run(seed: u64) -> Result<(), String> {
    let (name, config, plan) = raft_settings(seed);
    let sim = raft::run(seed, &config, plan);
    match raft::first_violation(&sim) {
        Some(v) => Err(format!(
            "{name}: {} at step {}: {}",
            v.invariant, v.step, v.detail
        )),
        None => Ok(()),
    }
}

fn gossip_run(seed: u64) -> Result<(), String> {
    let mut rng = SimRng::new(seed, 2);
    let mut config = gossip::random_si_config(&mut rng);
    if rng.chance(0.5) {
        config.model = Model::Rumor {
            stop: gossip::pick(&mut rng, &[Stop::Counter, Stop::Coin]),
            k: 1 + rng.below(3) as u32,
            feedback: rng.chance(0.5),
        };
        config.backup_every = rng.below(3) as u32;
    }
    let sim = gossip::chaos(seed, &config, 4_000, 2_000, |_| {});
    match sim.violations().first() {
        Some(v) => Err(format!(
            "{config:?}: {} at step {}: {}",
            v.invariant, v.step, v.detail
        )),
        None => Ok(()),
    }
}

fn paxos_run(seed: u64) -> Result<(), String> {
    let mut config = paxos::config_for(seed);
    if seed % 2 == 1 {
        config.persist_delay_min = ms(1);
        config.persist_delay_max = ms(8);
    }
    let run = paxos::run(seed, &config, false);
    match run.first_violation() {
        Some(v) => Err(format!(
            "{:?}: {} at step {}: {}",
            config.roles, v.invariant, v.step, v.detail
        )),
        None => Ok(()),
    }
}
