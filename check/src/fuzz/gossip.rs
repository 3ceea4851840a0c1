//! The Gossip target: one to nine nodes (some outside the cluster until they join), anti-entropy
//! or rumor mongering (counter or coin, feedback or blind, with or without the anti-entropy
//! backup), push, pull or push-pull, the seed notes' peer selection, SWIM and health checks;
//! the script adds writes, joins and health changes.

use concord_core::gossip::{
    Command, GossipConfig, GossipNode, Mode, Model, PeerSelection, Stop, SwimConfig,
};
use concord_core::sim::{NodeId, Sim, SimConfig, ms};
use proptest::prelude::*;

use super::script::Subject;

pub struct Gossip;

#[derive(Clone, Debug)]
pub struct Setup {
    pub seed: u64,
    pub nodes: usize,
    pub config: GossipConfig,
}

#[derive(Clone, Debug)]
pub enum Cmd {
    /// Write a new value of one of four keys.
    Write { key: u8 },
    /// Join through a node (any number: some name no node).
    Join { via: u8 },
    /// The node's health check starts passing or failing.
    Health { passing: bool },
}

/// The values written so far: each write a new one.
#[derive(Default)]
pub struct Written(u64);

impl Subject for Gossip {
    type P = GossipNode;
    type Setup = Setup;
    type Cmd = Cmd;
    type Memory = Written;
    const COMMANDS: &'static [&'static str] = &["write", "join", "health"];

    fn setup() -> BoxedStrategy<Setup> {
        let mode = prop_oneof![Just(Mode::Push), Just(Mode::Pull), Just(Mode::PushPull)];
        let model = prop_oneof![
            Just(Model::AntiEntropy),
            (any::<bool>(), 1u32..=3, any::<bool>()).prop_map(|(coin, k, feedback)| {
                Model::Rumor {
                    stop: if coin { Stop::Coin } else { Stop::Counter },
                    k,
                    feedback,
                }
            }),
        ];
        let swim = prop::option::of((any::<bool>(), prop_oneof![Just(ms(500)), Just(ms(3_000))]))
            .prop_map(|swim| {
                swim.map(|(suspicion, suspect_timeout)| SwimConfig {
                    suspicion,
                    suspect_timeout,
                    reconnect_every: 4,
                    ..SwimConfig::default()
                })
            });
        (
            (any::<u64>(), 1usize..=9, prop::option::of(1u16..=9)),
            (
                mode,
                model,
                1u32..=3,
                prop_oneof![Just(0), Just(ms(50)), Just(ms(300))],
            ),
            (any::<bool>(), any::<bool>(), 0u32..=3, any::<bool>()),
            (
                swim,
                prop::option::of(prop_oneof![Just(ms(300)), Just(ms(700))]),
            ),
        )
            .prop_map(
                |(
                    (seed, nodes, members),
                    (mode, model, fanout, jitter),
                    (avoid_repeats, avoid_sender, backup_every, lockstep_feedback),
                    (swim, health_interval),
                )| Setup {
                    seed,
                    nodes,
                    config: GossipConfig {
                        jitter,
                        fanout,
                        mode,
                        model,
                        selection: PeerSelection {
                            avoid_repeats,
                            avoid_sender,
                        },
                        backup_every,
                        lockstep_feedback,
                        initial_members: members,
                        swim,
                        health_interval,
                        ..GossipConfig::default()
                    },
                },
            )
            .boxed()
    }

    fn command() -> BoxedStrategy<Cmd> {
        prop_oneof![
            5 => any::<u8>().prop_map(|key| Cmd::Write { key }),
            2 => any::<u8>().prop_map(|via| Cmd::Join { via }),
            1 => any::<bool>().prop_map(|passing| Cmd::Health { passing }),
        ]
        .boxed()
    }

    fn start(setup: &Setup) -> Sim<GossipNode> {
        let config = SimConfig {
            seed: setup.seed,
            nodes: setup.nodes,
            net: Default::default(),
        };
        Sim::new(config, &setup.config).expect("drawn settings are valid")
    }

    fn kind(cmd: &Cmd) -> usize {
        match cmd {
            Cmd::Write { .. } => 0,
            Cmd::Join { .. } => 1,
            Cmd::Health { .. } => 2,
        }
    }

    fn command_for(cmd: &Cmd, sim: &Sim<GossipNode>, written: &mut Written) -> Command {
        match *cmd {
            Cmd::Write { key } => {
                written.0 += 1;
                Command::Update {
                    key: key as u32 % 4,
                    value: written.0,
                }
            }
            Cmd::Join { via } => Command::Join {
                via: NodeId((via as usize % (sim.nodes().len() + 2)) as u16),
            },
            Cmd::Health { passing } => Command::SetHealth { passing },
        }
    }
}
