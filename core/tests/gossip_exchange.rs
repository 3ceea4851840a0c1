//! Gossip's data exchange, one test per rule, driven by hand through the simulator's
//! manual mode: fire a round, deliver chosen messages, look at the stores.
//!
//! References: Demers et al. 1987 (§1.1 versions, §1.3 anti-entropy and push / pull /
//! push-pull); the seed notes (period 1 s, fan-out 3, 1 / 2 / 3 messages per exchange,
//! "not yet sent to", "never back to the sender").

mod gossip_common;

use concord_core::gossip::{
    Entry, GossipConfig, GossipNode, Key, LossReason, Mode, Model, MsgKind, PeerSelection, Rule,
    Stop, Timer, Version, message, metrics,
};
use concord_core::sim::{NodeId, Sim, ms};
use gossip_common::*;

fn v(counter: u64, node: u16) -> Version {
    Version {
        counter,
        node: NodeId(node),
    }
}

/// S1 and S2 (seed 1), exchanging by `mode` with fan-out 1.
fn two_nodes(mode: Mode) -> Sim<GossipNode> {
    cluster(2, 1, &GossipConfig::anti_entropy(mode, 1))
}

/// Messages sent so far, of every kind.
fn messages(sim: &Sim<GossipNode>) -> u64 {
    metrics::totals(sim.nodes()).messages()
}

fn sent(sim: &Sim<GossipNode>, kind: MsgKind) -> u64 {
    metrics::totals(sim.nodes()).sent_of(kind)
}

/// Demers §1.3 / seed notes: push sends `(key, value, version)`; the receiver keeps what is
/// newer. One message per exchange.
#[test]
fn push_is_one_message_carrying_key_value_version_demers_1_3() {
    let mut sim = two_nodes(Mode::Push);
    update(&mut sim, 0, 1, 42);
    let report = fire(&mut sim, 0, Timer::Round);
    assert!(report.rules.contains(&Rule::Round {
        round: 0,
        peers: vec![NodeId(1)],
        mode: Mode::Push
    }));
    let pushes = in_flight(&sim, kind(MsgKind::Push));
    assert_eq!(pushes.len(), 1);
    let entries = pushes[0].msg.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].key, entries[0].value, entries[0].version),
        (Key::Data(1), 42, v(1, 0))
    );
    let rules = deliver(&mut sim, |_| true);
    assert!(rules.contains(&Rule::Learn {
        key: Key::Data(1),
        version: v(1, 0),
        from: NodeId(0)
    }));
    assert_eq!(value(&sim, 1, 1), Some(42));
    assert_eq!(sim.in_flight().count(), 0, "push needs no answer");
    assert_eq!(messages(&sim), 1);
}

/// Demers §1.3 / seed notes: pull sends a `(key, version)` digest; the peer answers with what
/// it has newer. Two messages per exchange.
#[test]
fn pull_is_two_messages_digest_then_newer_entries_demers_1_3() {
    let mut sim = two_nodes(Mode::Pull);
    update(&mut sim, 1, 1, 7);
    update(&mut sim, 0, 2, 8);
    fire(&mut sim, 0, Timer::Round);
    let digests = in_flight(&sim, kind(MsgKind::Digest));
    assert_eq!(digests.len(), 1);
    match &digests[0].msg {
        concord_core::gossip::Msg::Digest { digest, .. } => {
            assert_eq!(
                digest.as_slice(),
                [(Key::Data(2), v(1, 0))],
                "keys and versions only"
            )
        }
        other => panic!("{other:?}"),
    }
    let rules = deliver(&mut sim, kind(MsgKind::Digest));
    assert!(rules.contains(&Rule::AnswerDigest {
        to: NodeId(0),
        entries: 1,
        want: None
    }));
    deliver(&mut sim, kind(MsgKind::Answer));
    assert_eq!(value(&sim, 0, 1), Some(7));
    // Pull does not push: the peer still lacks the initiator's key.
    assert_eq!(value(&sim, 1, 2), None);
    assert_eq!(sim.in_flight().count(), 0);
    assert_eq!(messages(&sim), 2);
}

/// Seed notes: push-pull is pull plus one more step, in which A pushes what it has newer
/// than B (与 Pull 类似，只是多了一步).
/// Three messages, and both end equal.
#[test]
fn push_pull_is_three_messages_and_leaves_both_equal_demers_1_3() {
    let mut sim = two_nodes(Mode::PushPull);
    update(&mut sim, 0, 1, 10);
    update(&mut sim, 1, 2, 20);
    update(&mut sim, 1, 3, 30);
    update(&mut sim, 0, 3, 31);
    update(&mut sim, 0, 3, 32); // S1's key 3 is newer (counter 2)
    fire(&mut sim, 0, Timer::Round);
    let rules = deliver(&mut sim, kind(MsgKind::Digest));
    assert!(rules.contains(&Rule::AnswerDigest {
        to: NodeId(0),
        entries: 1,
        want: Some(2)
    }));
    let rules = deliver(&mut sim, kind(MsgKind::Answer));
    assert!(rules.contains(&Rule::SendBack {
        to: NodeId(1),
        entries: 2
    }));
    deliver(&mut sim, kind(MsgKind::Push));
    assert!(metrics::stores_agree(sim.nodes()));
    assert_eq!(value(&sim, 1, 3), Some(32));
    assert_eq!(value(&sim, 0, 2), Some(20));
    assert_eq!(messages(&sim), 3);
}

/// Seed notes: 1, 2 and 3 messages per exchange, whatever the stores hold (an exchange
/// between two nodes that agree still costs its messages).
#[test]
fn message_counts_per_exchange_are_1_2_3_seed_notes() {
    for mode in [Mode::Push, Mode::Pull, Mode::PushPull] {
        let config = GossipConfig::anti_entropy(mode, 3);
        let n = 20;
        let mut sim = cluster(n, 3, &config);
        // Every node holds the key, so every node exchanges every round, even in push.
        for i in 0..n as u16 {
            update(&mut sim, i, 1, 5);
        }
        let rounds = 4;
        run_to_round_end(&mut sim, config.period, rounds);
        let exchanges = (n * 3) as u64 * rounds;
        let t = metrics::totals(sim.nodes());
        assert_eq!(
            t.data_messages(),
            exchanges * mode.messages_per_exchange() as u64,
            "{mode:?}"
        );
        if mode == Mode::PushPull {
            assert_eq!(t.sent_of(MsgKind::Digest), exchanges);
            assert_eq!(t.sent_of(MsgKind::Answer), exchanges);
            assert_eq!(t.sent_of(MsgKind::Push), exchanges);
        }
    }
}

/// Demers §1.1: of two versions the newer wins; receiving an older one changes nothing and
/// counts as a redundant receipt.
#[test]
fn newer_version_wins_and_an_older_one_is_a_redundant_receipt_demers_1_1() {
    let mut sim = two_nodes(Mode::Push);
    update(&mut sim, 0, 1, 1);
    update(&mut sim, 0, 1, 2);
    update(&mut sim, 1, 1, 9);
    fire(&mut sim, 1, Timer::Round);
    let rules = deliver(&mut sim, |_| true);
    assert!(rules.contains(&Rule::AlreadyKnown {
        key: Key::Data(1),
        version: v(1, 1),
        have: v(2, 0),
        from: NodeId(1)
    }));
    assert_eq!(value(&sim, 0, 1), Some(2));
    assert_eq!(node(&sim, 0).meter.redundant, 1);
    fire(&mut sim, 0, Timer::Round);
    deliver(&mut sim, |_| true);
    assert_eq!(value(&sim, 1, 1), Some(2));
    assert_eq!(node(&sim, 1).meter.news, 1);
}

/// An update at any node makes a new version, newer than every version that node holds.
#[test]
fn local_update_makes_a_newer_version_demers_1_1() {
    let mut sim = cluster(3, 1, &GossipConfig::default());
    let r1 = update(&mut sim, 2, 4, 1);
    let r2 = update(&mut sim, 2, 4, 2);
    assert_eq!(
        r1.rules[0],
        Rule::LocalUpdate {
            key: Key::Data(4),
            value: 1,
            version: v(1, 2)
        }
    );
    assert_eq!(
        r2.rules[0],
        Rule::LocalUpdate {
            key: Key::Data(4),
            value: 2,
            version: v(2, 2)
        }
    );
}

/// Two nodes that update the same key concurrently make equal counters; the writer's id
/// breaks the tie, so every node settles on the same value.
#[test]
fn concurrent_updates_settle_on_one_value_everywhere_demers_1_1() {
    let config = GossipConfig::anti_entropy(Mode::PushPull, 2);
    let mut sim = cluster(6, 2, &config);
    update(&mut sim, 1, 1, 100);
    update(&mut sim, 4, 1, 400);
    run_to_round_end(&mut sim, config.period, 6);
    for i in 0..6 {
        assert_eq!(value(&sim, i, 1), Some(400), "S{}", i + 1);
    }
}

/// Seed notes: each round a node contacts fan-out k distinct peers, never itself; k is
/// clamped to n − 1.
#[test]
fn each_round_contacts_fanout_distinct_peers_seed_notes() {
    let config = GossipConfig::anti_entropy(Mode::Pull, 3);
    let mut sim = cluster(10, 5, &config);
    for round in 0..20 {
        let report = fire(&mut sim, 0, Timer::Round);
        let peers = report
            .rules
            .iter()
            .find_map(|r| match r {
                Rule::Round { peers, .. } => Some(peers.clone()),
                _ => None,
            })
            .unwrap();
        let mut distinct = peers.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 3, "round {round}: {peers:?}");
        assert!(!peers.contains(&NodeId(0)));
        assert_eq!(report.sent.len(), 3);
    }
    let wide = GossipConfig::anti_entropy(Mode::Pull, 50);
    let mut sim = cluster(5, 5, &wide);
    assert_eq!(fire(&mut sim, 2, Timer::Round).sent.len(), 4);
}

/// Seed notes: rounds every period (1 s), here on a shared grid, each node at its own
/// random offset within the jitter.
#[test]
fn rounds_follow_the_period_with_per_node_jitter_seed_notes() {
    let config = GossipConfig {
        mode: Mode::Pull,
        ..GossipConfig::default()
    };
    assert_eq!((config.period, config.fanout), (ms(1_000), 3));
    let mut sim = cluster(30, 9, &config);
    let deadlines = |sim: &concord_core::sim::Sim<_>| -> Vec<u64> {
        sim.nodes()
            .iter()
            .map(
                |s: &concord_core::sim::NodeSlot<concord_core::gossip::GossipNode>| {
                    s.timers().get(&Timer::Round).unwrap().fires_at
                },
            )
            .collect()
    };
    let first = deadlines(&sim);
    assert!(first.iter().all(|t| (ms(1_000)..=ms(1_100)).contains(t)));
    let mut distinct = first.clone();
    distinct.sort();
    distinct.dedup();
    assert!(
        distinct.len() > 20,
        "jitter spreads the nodes: {distinct:?}"
    );
    sim.run_until(ms(1_500));
    assert!(
        deadlines(&sim)
            .iter()
            .all(|t| (ms(2_000)..=ms(2_100)).contains(t))
    );
}

/// In push mode a node with nothing to push sits rounds out (no timer armed); it wakes up
/// for the round after it gets something.
#[test]
fn push_node_with_nothing_to_push_sleeps_until_it_has_something() {
    let mut sim = cluster(3, 1, &GossipConfig::anti_entropy(Mode::Push, 1));
    assert!(sim.nodes().iter().all(|s| s.timers().is_empty()));
    update(&mut sim, 1, 1, 1);
    assert_eq!(
        sim.nodes()[1].timers().get(&Timer::Round).unwrap().fires_at,
        ms(1_000)
    );
    assert!(sim.nodes()[0].timers().is_empty());
}

/// Seed notes (SI): anti-entropy converges completely, but its messages never stop; once
/// converged every exchange is redundant, and the count grows without bound.
#[test]
fn anti_entropy_converges_and_its_messages_never_stop_si() {
    let config = GossipConfig::anti_entropy(Mode::Push, 2);
    let mut sim = cluster(16, 4, &config);
    update(&mut sim, 3, 1, 9);
    let done = rounds_until(&mut sim, config.period, 30, |s| census(s, 1).converged());
    let done = done.expect("SI converges");
    let at_convergence = metrics::totals(sim.nodes());
    run_to_round_end(&mut sim, config.period, done + 10);
    let later = metrics::totals(sim.nodes());
    assert_eq!(later.messages() - at_convergence.messages(), 16 * 2 * 10);
    assert_eq!(
        later.news, at_convergence.news,
        "nothing new after convergence"
    );
    assert_eq!(later.redundant - at_convergence.redundant, 16 * 2 * 10);
}

fn rumor_with(selection: PeerSelection, fanout: u32) -> GossipConfig {
    GossipConfig {
        fanout,
        selection,
        ..GossipConfig::rumor(Mode::Push, Stop::Counter, 100, true)
    }
}

/// Seed notes: a node that received a message does not spread it back to the sender
/// (收到消息的节点不再往发送节点散播)
/// (A → B, then B never picks A for that rumor).
#[test]
fn never_back_to_the_sender_seed_notes() {
    let selection = PeerSelection {
        avoid_repeats: false,
        avoid_sender: true,
    };
    let mut sim = cluster(3, 1, &rumor_with(selection, 1));
    update(&mut sim, 0, 1, 1);
    fire(&mut sim, 0, Timer::Round);
    let first = in_flight(&sim, kind(MsgKind::Push))[0].to;
    deliver(&mut sim, kind(MsgKind::Push));
    deliver(&mut sim, |_| true);
    let other = NodeId(3 - first.0);
    for _ in 0..10 {
        fire(&mut sim, first.0, Timer::Round);
        let pushes = in_flight(&sim, kind(MsgKind::Push));
        assert_eq!(pushes.len(), 1);
        assert_eq!(pushes[0].to, other, "{first} sent the rumor back to S1");
        act(&mut sim, concord_core::sim::Action::Drop(pushes[0].id));
    }
}

/// Seed notes: each time, spread only to nodes not yet sent to (每次散播消息都选择尚未发送过
/// 的节点); when every peer has had the rumor, nobody is left and the node stops.
#[test]
fn only_to_peers_not_yet_sent_to_then_stop_seed_notes() {
    let selection = PeerSelection {
        avoid_repeats: true,
        avoid_sender: false,
    };
    let mut sim = cluster(5, 2, &rumor_with(selection, 1));
    update(&mut sim, 0, 1, 1);
    let mut targets = Vec::new();
    for _ in 0..4 {
        let report = fire(&mut sim, 0, Timer::Round);
        assert_eq!(report.sent.len(), 1);
        targets.push(report.sent[0].to);
    }
    targets.sort();
    assert_eq!(targets, vec![NodeId(1), NodeId(2), NodeId(3), NodeId(4)]);
    let report = fire(&mut sim, 0, Timer::Round);
    assert!(report.sent.is_empty());
    assert_eq!(
        report.rules,
        vec![Rule::LoseInterest {
            key: Key::Data(1),
            version: v(1, 0),
            reason: LossReason::Exhausted,
            count: 0
        }]
    );
    assert!(!node(&sim, 0).is_hot(Key::Data(1)));
}

/// Uniform selection (both rules off) does send back and repeat, given enough rounds.
#[test]
fn uniform_selection_may_repeat_and_send_back() {
    let mut sim = cluster(3, 1, &rumor_with(PeerSelection::UNIFORM, 1));
    update(&mut sim, 0, 1, 1);
    fire(&mut sim, 0, Timer::Round);
    let first = in_flight(&sim, kind(MsgKind::Push))[0].to;
    deliver(&mut sim, |_| true);
    deliver(&mut sim, |_| true);
    let back = (0..40).any(|_| {
        let r = fire(&mut sim, first.0, Timer::Round);
        r.sent.iter().any(|e| e.to == NodeId(0))
    });
    assert!(back);
}

/// The byte estimate: header, entries, digest items, piggybacked membership changes.
#[test]
fn byte_estimate_counts_what_the_message_carries() {
    let entry = Entry {
        key: Key::Data(1),
        value: 2,
        version: v(1, 0),
        born: 0,
    };
    let push = concord_core::gossip::Msg::Push {
        entries: vec![entry, entry],
        ack: false,
        gossip: Vec::new(),
    };
    assert_eq!(
        push.bytes(),
        message::HEADER_BYTES + 2 * message::ENTRY_BYTES
    );
    let digest = concord_core::gossip::Msg::Digest {
        digest: [(Key::Data(1), v(1, 0))].into(),
        full: true,
        push_pull: false,
        gossip: Vec::new(),
    };
    assert_eq!(
        digest.bytes(),
        message::HEADER_BYTES + message::DIGEST_ITEM_BYTES
    );
    let mut sim = two_nodes(Mode::Push);
    update(&mut sim, 0, 1, 42);
    fire(&mut sim, 0, Timer::Round);
    assert_eq!(
        metrics::totals(sim.nodes()).bytes_sent,
        message::HEADER_BYTES + message::ENTRY_BYTES
    );
}

/// Model sanity: in anti-entropy every holder is infective (SI), in rumor mongering a
/// holder that stopped spreading is removed (SIR).
#[test]
fn si_has_no_removed_nodes_sir_does() {
    let mut sim = two_nodes(Mode::Push);
    update(&mut sim, 0, 1, 1);
    let c = census(&sim, 1);
    assert_eq!((c.susceptible, c.infective, c.removed), (1, 1, 0));
    let config = GossipConfig {
        model: Model::Rumor {
            stop: Stop::Counter,
            k: 1,
            feedback: false,
        },
        ..GossipConfig::anti_entropy(Mode::Push, 1)
    };
    let mut sim = cluster(2, 1, &config);
    update(&mut sim, 0, 1, 1);
    fire(&mut sim, 0, Timer::Round);
    deliver(&mut sim, |_| true);
    let c = census(&sim, 1);
    assert_eq!((c.susceptible, c.infective, c.removed), (0, 1, 1));
    let _ = sent(&sim, MsgKind::Push);
}
