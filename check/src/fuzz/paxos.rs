//! The Paxos target: one to three proposers, one to seven acceptors, up to two learners, on
//! separate nodes or colocated, proposing at start or only when told, with writes to stable
//! storage that take time or not; the script adds proposals.

use concord_core::paxos::{Command, PaxosConfig, PaxosNode};
use concord_core::sim::{Sim, SimConfig, ms};
use proptest::prelude::*;

use super::script::Subject;

pub struct Paxos;

#[derive(Clone, Debug)]
pub struct Setup {
    pub seed: u64,
    pub config: PaxosConfig,
}

#[derive(Clone, Debug)]
pub enum Cmd {
    /// Propose a new value.
    Propose,
}

/// The values proposed so far: each proposal a new one.
#[derive(Default)]
pub struct Proposed(u64);

impl Subject for Paxos {
    type P = PaxosNode;
    type Setup = Setup;
    type Cmd = Cmd;
    type Memory = Proposed;
    const COMMANDS: &'static [&'static str] = &["propose"];

    fn setup() -> BoxedStrategy<Setup> {
        (
            any::<u64>(),
            (1usize..=3, 1usize..=7, 0usize..=2, any::<bool>()),
            (any::<bool>(), any::<bool>(), any::<bool>()),
        )
            .prop_map(
                |(seed, (proposers, acceptors, learners, colocated), (at_start, backoff, disk))| {
                    let mut config = if colocated {
                        PaxosConfig::colocated(acceptors, proposers.min(acceptors))
                    } else {
                        PaxosConfig::separate(proposers, acceptors, learners)
                    };
                    config.propose_at_start = at_start;
                    config.randomized_backoff = backoff;
                    if disk {
                        config.persist_delay_min = ms(1);
                        config.persist_delay_max = ms(8);
                    }
                    Setup { seed, config }
                },
            )
            .boxed()
    }

    fn command() -> BoxedStrategy<Cmd> {
        Just(Cmd::Propose).boxed()
    }

    fn start(setup: &Setup) -> Sim<PaxosNode> {
        let config = SimConfig {
            seed: setup.seed,
            nodes: setup.config.nodes(),
            net: Default::default(),
        };
        Sim::new(config, &setup.config).expect("drawn settings are valid")
    }

    fn kind(cmd: &Cmd) -> usize {
        match cmd {
            Cmd::Propose => 0,
        }
    }

    fn command_for(cmd: &Cmd, _: &Sim<PaxosNode>, proposed: &mut Proposed) -> Command {
        match cmd {
            Cmd::Propose => {
                proposed.0 += 1;
                Command::Propose(format!("v{}", proposed.0))
            }
        }
    }
}
