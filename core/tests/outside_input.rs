//! What comes from outside (settings, a tape from a link or a run file, an intervention) is
//! checked by the core, which answers with a [`SimError`] and changes nothing: never a panic,
//! never a run built on settings only assumed valid.

use concord_core::gossip::{GossipConfig, GossipNode, Model, Stop, SwimConfig};
use concord_core::paxos::{PaxosConfig, PaxosNode};
use concord_core::raft::{Command, Op, RaftConfig, RaftNode, Timer};
use concord_core::sim::{
    Action, ConfigProblem, History, Input, MsgId, NetConfig, NodeId, Protocol, Sim, SimConfig,
    SimError, Tape, ms,
};

fn config(nodes: usize) -> SimConfig {
    SimConfig {
        seed: 3,
        nodes,
        net: NetConfig::default(),
    }
}

fn raft(nodes: usize) -> Sim<RaftNode> {
    Sim::new(config(nodes), &RaftConfig::default()).unwrap()
}

/// The reason `Sim::new` gives for refusing `protocol` on `nodes` nodes.
fn refusal<P: Protocol>(nodes: usize, protocol: &P::Config) -> ConfigProblem {
    match Sim::<P>::new(config(nodes), protocol) {
        Err(SimError::BadConfig(why)) => why,
        other => panic!("expected a refusal, got {:?}", other.map(|_| "a run")),
    }
}

fn act_now<P: Protocol>(sim: &mut Sim<P>, action: Action<P>) -> Result<(), SimError> {
    let at = sim.now();
    sim.apply(Input::Act { at, action }).map(drop)
}

#[test]
fn a_cluster_of_no_nodes_or_too_many_is_refused() {
    for nodes in [0, 10_001] {
        assert_eq!(
            refusal::<RaftNode>(nodes, &RaftConfig::default()),
            ConfigProblem::ClusterSize { nodes }
        );
    }
}

#[test]
fn a_network_that_cannot_be_is_refused() {
    for (net, why) in [
        (
            NetConfig {
                latency_min: ms(20),
                latency_max: ms(10),
                ..NetConfig::default()
            },
            ConfigProblem::LatencyRange {
                min: ms(20),
                max: ms(10),
            },
        ),
        (
            NetConfig {
                loss: -0.5,
                ..NetConfig::default()
            },
            ConfigProblem::Loss { loss: -0.5 },
        ),
        (
            NetConfig {
                duplicate: 1.5,
                ..NetConfig::default()
            },
            ConfigProblem::Duplicate { duplicate: 1.5 },
        ),
    ] {
        assert_eq!(net.problem(), Some(why.clone()));
        let config = SimConfig { net, ..config(3) };
        let refused = Sim::<RaftNode>::new(config, &RaftConfig::default());
        assert_eq!(refused.err(), Some(SimError::BadConfig(why)));
    }
}

/// Raft §5.2: election timeouts are "chosen randomly from a fixed interval"; an empty interval,
/// or one starting at zero, is refused, and so are the other settings `RaftConfig::problem`
/// names, each with the reason it gives.
#[test]
fn raft_settings_with_an_empty_timeout_range_are_refused_section_5_2() {
    let base = RaftConfig::default();
    let broken = [
        (
            RaftConfig {
                election_timeout_min: ms(300),
                election_timeout_max: ms(150),
                ..base.clone()
            },
            ConfigProblem::ElectionTimeout {
                min: ms(300),
                max: ms(150),
            },
        ),
        (
            RaftConfig {
                election_timeout_min: 0,
                ..base.clone()
            },
            ConfigProblem::ElectionTimeout {
                min: 0,
                max: base.election_timeout_max,
            },
        ),
        (
            RaftConfig {
                heartbeat_interval: 0,
                ..base.clone()
            },
            ConfigProblem::HeartbeatZero,
        ),
        (
            RaftConfig {
                persist_delay_min: ms(5),
                persist_delay_max: ms(1),
                ..base.clone()
            },
            ConfigProblem::PersistDelay {
                min: ms(5),
                max: ms(1),
            },
        ),
        (
            RaftConfig {
                max_batch: 0,
                ..base.clone()
            },
            ConfigProblem::BatchZero,
        ),
    ];
    for (raft, why) in broken {
        assert_eq!(raft.problem(), Some(why.clone()));
        assert_eq!(refusal::<RaftNode>(5, &raft), why);
    }
}

/// Demers et al. §1.3 (a round, a fan-out of at least one peer) and SWIM §3.1 (a probe waits
/// for its ack less than one protocol period): settings that break them are refused.
#[test]
fn gossip_settings_without_a_round_or_a_peer_are_refused_demers_1_3_swim_3_1() {
    let base = GossipConfig::default();
    let swim = SwimConfig::default();
    let broken = [
        (
            GossipConfig { period: 0, ..base },
            ConfigProblem::Period { period: 0 },
        ),
        (
            GossipConfig {
                jitter: base.period,
                ..base
            },
            ConfigProblem::Jitter {
                jitter: base.period,
                period: base.period,
            },
        ),
        (
            GossipConfig { fanout: 0, ..base },
            ConfigProblem::FanoutZero,
        ),
        (
            GossipConfig {
                model: Model::Rumor {
                    stop: Stop::Counter,
                    k: 0,
                    feedback: true,
                },
                ..base
            },
            ConfigProblem::RumorStopZero,
        ),
        (
            GossipConfig {
                swim: Some(SwimConfig {
                    probe_interval: 0,
                    ..swim
                }),
                ..base
            },
            ConfigProblem::ProbeInterval { interval: 0 },
        ),
        (
            GossipConfig {
                swim: Some(SwimConfig {
                    probe_timeout: ms(1_000),
                    ..swim
                }),
                ..base
            },
            ConfigProblem::ProbeTimeout {
                timeout: ms(1_000),
                interval: swim.probe_interval,
            },
        ),
        (
            GossipConfig {
                health_interval: Some(0),
                ..base
            },
            ConfigProblem::HealthInterval { interval: 0 },
        ),
    ];
    for (gossip, why) in broken {
        assert_eq!(gossip.problem(), Some(why.clone()));
        assert_eq!(refusal::<GossipNode>(8, &gossip), why);
    }
}

/// Paxos Made Simple §2.2 (a value is chosen by a majority of acceptors) and §2.4 (progress
/// needs a randomized back-off): a run with no acceptor or no proposer among its nodes, or an
/// empty back-off range, is refused. Roles past the cluster size do not count: two nodes of the
/// default layout are both proposers.
#[test]
fn paxos_settings_without_acceptors_or_back_off_are_refused_section_2_2_2_4() {
    let no_acceptor = PaxosConfig::separate(2, 0, 1);
    assert_eq!(
        refusal::<PaxosNode>(3, &no_acceptor),
        ConfigProblem::NoAcceptor
    );
    let no_proposer = PaxosConfig::separate(0, 3, 1);
    assert_eq!(
        refusal::<PaxosNode>(4, &no_proposer),
        ConfigProblem::NoProposer
    );
    let no_timeout = PaxosConfig {
        phase_timeout: 0,
        ..PaxosConfig::default()
    };
    assert_eq!(
        refusal::<PaxosNode>(6, &no_timeout),
        ConfigProblem::PhaseTimeoutZero
    );
    let empty_back_off = PaxosConfig {
        backoff_min: ms(150),
        backoff_max: ms(10),
        ..PaxosConfig::default()
    };
    assert_eq!(
        refusal::<PaxosNode>(6, &empty_back_off),
        ConfigProblem::BackOff {
            min: ms(150),
            max: ms(10),
        }
    );
    let crowded = PaxosConfig::with_roles(vec![concord_core::paxos::Roles::ALL; 70_000]);
    assert_eq!(
        refusal::<PaxosNode>(3, &crowded),
        ConfigProblem::TooManyRoles { nodes: 70_000 }
    );
    let layout = PaxosConfig::default();
    assert_eq!(layout.problem(), None);
    assert_eq!(
        refusal::<PaxosNode>(2, &layout),
        ConfigProblem::NoAcceptorAmong { cluster: 2 }
    );
    let acceptors_first = PaxosConfig::with_roles(vec![
        concord_core::paxos::Roles::ACCEPTOR,
        concord_core::paxos::Roles::PROPOSER,
    ]);
    assert_eq!(
        refusal::<PaxosNode>(1, &acceptors_first),
        ConfigProblem::NoProposerAmong { cluster: 1 }
    );
    assert!(Sim::<PaxosNode>::new(config(2), &acceptors_first).is_ok());
}

/// Every intervention that names a node the cluster does not have is refused with that node,
/// just past the last one as much as far beyond, and the run is left as it was.
#[test]
fn an_intervention_naming_a_node_out_of_range_is_refused() {
    let mut sim = raft(3);
    sim.run_until(ms(500));
    let before = sim.clone();
    for missing in [NodeId(3), NodeId(u16::MAX)] {
        let actions = [
            Action::Command(missing, Command::Timeout),
            Action::Crash(missing),
            Action::Restart(missing),
            Action::Fire(missing, Timer::Election),
            Action::Cut(NodeId(0), missing),
            Action::Uncut(missing, NodeId(0)),
            Action::Partition(vec![vec![NodeId(0)], vec![NodeId(1), missing]]),
        ];
        for action in actions {
            let refused = act_now(&mut sim, action.clone());
            assert_eq!(refused, Err(SimError::NoSuchNode(missing)), "{action:?}");
        }
    }
    assert_eq!(sim, before);
}

/// A message that is not in flight (never sent, or already arrived) and a timer that is not
/// armed are refused by name.
#[test]
fn an_intervention_naming_a_message_or_timer_that_does_not_exist_is_refused() {
    let mut sim = raft(3);
    sim.run_until(ms(500));
    let before = sim.clone();
    let gone = MsgId(1);
    assert!(sim.message(gone).is_none(), "the first message has arrived");
    for missing in [gone, MsgId(u64::MAX)] {
        for action in [
            Action::Deliver(missing),
            Action::Drop(missing),
            Action::Duplicate(missing),
            Action::Delay(missing, ms(5)),
        ] {
            assert_eq!(
                act_now(&mut sim, action),
                Err(SimError::NoSuchMessage(missing))
            );
        }
    }
    let unarmed = (0..3)
        .map(NodeId)
        .find(|&id| {
            sim.node(id)
                .is_some_and(|s| !s.timers().contains_key(&Timer::Heartbeat))
        })
        .expect("a follower arms no heartbeat");
    assert_eq!(
        act_now(&mut sim, Action::Fire(unarmed, Timer::Heartbeat)),
        Err(SimError::NoSuchTimer(unarmed))
    );
    assert_eq!(sim, before);
}

#[test]
fn a_partition_into_more_groups_than_a_node_can_be_numbered_in_is_refused() {
    let mut sim = raft(3);
    let mut groups = vec![Vec::new(); usize::from(u16::MAX)];
    groups.push(vec![NodeId(0)]);
    let refused = act_now(&mut sim, Action::Partition(groups));
    assert_eq!(
        refused,
        Err(SimError::BadConfig(ConfigProblem::PartitionGroups {
            groups: usize::from(u16::MAX) + 1
        }))
    );
}

/// A latency as long as time itself ends a message's flight at the end of time, not in an
/// overflow; so does a disk write.
#[test]
fn a_network_or_a_disk_slower_than_time_itself_does_not_overflow() {
    let mut sim = raft(3);
    let net = NetConfig {
        latency_min: u64::MAX,
        latency_max: u64::MAX,
        loss: 0.0,
        duplicate: 1.0,
    };
    act_now(&mut sim, Action::SetNetwork(net)).unwrap();
    sim.run_until(ms(1_000));
    assert!(sim.in_flight().count() >= 4, "votes asked for, twice each");
    assert!(sim.in_flight().all(|e| e.deliver_at == u64::MAX));

    let slow_disk = RaftConfig {
        persist_delay_min: u64::MAX / 2,
        persist_delay_max: u64::MAX,
        ..RaftConfig::default()
    };
    let mut sim = Sim::<RaftNode>::new(config(3), &slow_disk).unwrap();
    sim.run_until(ms(1_000));
    assert!(
        sim.pending().any(|(t, _)| t >= u64::MAX / 2),
        "a write under way"
    );
}

/// A Raft run with a client request and an intervention on a message, as a tape.
fn raft_tape() -> (Tape<RaftNode>, usize) {
    let mut history = History::new(raft(3));
    while history.len() < 40 {
        history.forward().unwrap();
    }
    let leader = history
        .current()
        .nodes()
        .iter()
        .position(|s| s.state.role() == concord_core::raft::Role::Leader);
    let target = NodeId(leader.unwrap_or(0) as u16);
    let at = history.current().now();
    let command = Command::Client {
        client: 0,
        seq: 1,
        op: Op::set("x", 1),
    };
    history
        .apply(Input::Act {
            at,
            action: Action::Command(target, command),
        })
        .unwrap();
    let msg = history.current().in_flight().last().unwrap().id;
    let at = history.current().now();
    history
        .apply(Input::Act {
            at,
            action: Action::Drop(msg),
        })
        .unwrap();
    while history.len() < 80 {
        history.forward().unwrap();
    }
    let len = history.len();
    (history.tape(), len)
}

#[test]
fn a_tape_replays_its_run() {
    let (tape, len) = raft_tape();
    let history = History::replay(raft(3), &tape).unwrap();
    assert_eq!(history.len(), len);
}

/// A link or run file made for another protocol does not read as a tape of this one: its client
/// command has no meaning here.
#[test]
fn a_tape_of_another_protocol_does_not_read() {
    let (tape, _) = raft_tape();
    let json = serde_json::to_string(&tape).unwrap();
    assert!(serde_json::from_str::<Tape<RaftNode>>(&json).is_ok());
    assert!(serde_json::from_str::<Tape<GossipNode>>(&json).is_err());
    assert!(serde_json::from_str::<Tape<PaxosNode>>(&json).is_err());
}

/// A tape cut short while copied does not read at any length short of the whole.
#[test]
fn a_tape_cut_short_does_not_read() {
    let (tape, _) = raft_tape();
    let json = serde_json::to_string(&tape).unwrap();
    for cut in 0..json.len() {
        assert!(
            serde_json::from_str::<Tape<RaftNode>>(&json[..cut]).is_err(),
            "{}",
            &json[..cut]
        );
    }
}

/// A tape that reads but has lost its first interventions, or its plain steps, names messages
/// and times that its run no longer has: replaying it is refused with the reason.
#[test]
fn a_tape_missing_its_start_is_refused_on_replay() {
    let (tape, _) = raft_tape();
    let mut tail_only = tape.clone();
    tail_only.marks.remove(0);
    assert!(matches!(
        History::replay(raft(3), &tail_only).err(),
        Some(SimError::NoSuchMessage(_) | SimError::OutOfOrder { .. })
    ));
    let mut no_plain_steps = tape;
    for mark in &mut no_plain_steps.marks {
        mark.0 = 0;
    }
    assert!(matches!(
        History::replay(raft(3), &no_plain_steps).err(),
        Some(SimError::NoSuchMessage(_) | SimError::OutOfOrder { .. })
    ));
}

/// A tape made on a larger cluster names a node this one does not have.
#[test]
fn a_tape_of_a_larger_cluster_is_refused_with_the_node() {
    let tape = Tape::<RaftNode> {
        marks: vec![concord_core::sim::Mark(0, 0, Action::Crash(NodeId(6)))],
        tail: 10,
        position: 11,
    };
    assert!(History::replay(raft(7), &tape).is_ok());
    assert_eq!(
        History::replay(raft(5), &tape).err(),
        Some(SimError::NoSuchNode(NodeId(6)))
    );
}

/// A tape longer than a link may replay is refused before a step is taken, with its length; so
/// is one that sets a network that cannot be, with what is wrong with it.
#[test]
fn a_tape_too_long_or_with_a_network_that_cannot_be_is_refused_with_the_reason() {
    let steps = concord_core::sim::MAX_TAPE_STEPS + 1;
    let long = Tape::<RaftNode> {
        marks: Vec::new(),
        tail: steps,
        position: 0,
    };
    assert_eq!(
        History::replay(raft(3), &long).err(),
        Some(SimError::BadConfig(ConfigProblem::TapeTooLong { steps }))
    );
    let lossy = NetConfig {
        loss: 2.0,
        ..NetConfig::default()
    };
    let tape = Tape::<RaftNode> {
        marks: vec![concord_core::sim::Mark(0, 0, Action::SetNetwork(lossy))],
        tail: 0,
        position: 1,
    };
    assert_eq!(
        History::replay(raft(3), &tape).err(),
        Some(SimError::BadConfig(ConfigProblem::Loss { loss: 2.0 }))
    );
}
