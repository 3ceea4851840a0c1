//! Failure detection and membership, one test per rule of SWIM (Das, Gupta, Motivala,
//! DSN 2002: §3.1 probe and indirect probe, §4.1 piggybacked dissemination, §4.2
//! suspicion, incarnations and refutation), plus what Serf and Consul add: joins,
//! rejoin after a restart, reconnecting after a partition, health checks as events.

mod gossip_common;

use concord_core::gossip::{
    Command, GossipConfig, GossipNode, Key, Mode, MsgKind, Rule, Status, SwimConfig, Timer,
    metrics, store,
};
use concord_core::sim::{Action, NetConfig, NodeId, Sim, ms};
use gossip_common::*;

fn swim() -> GossipConfig {
    GossipConfig {
        swim: Some(SwimConfig::default()),
        ..GossipConfig::default()
    }
}

fn status(sim: &Sim<GossipNode>, observer: u16, member: u16) -> Option<Status> {
    node(sim, observer).view().status(NodeId(member))
}

/// Fire S1's probe timer; the member it pinged.
fn probe(sim: &mut Sim<GossipNode>, from: u16) -> (NodeId, Vec<Rule>) {
    let report = fire(sim, from, Timer::Probe);
    let target = report
        .rules
        .iter()
        .find_map(|r| match r {
            Rule::Probe { target, .. } => Some(*target),
            _ => None,
        })
        .expect("a probe");
    (target, report.rules)
}

/// S1's next period suspects nobody: the member it probed last answered.
fn assert_next_probe_suspects_nobody(sim: &mut Sim<GossipNode>) {
    let (_, rules) = probe(sim, 0);
    assert!(!rules.iter().any(|r| matches!(r, Rule::Suspect { .. })));
}

/// S1 probes a member, which crashes: no ack, direct or indirect, comes back. Returns the member
/// and the rules of S1's next period.
fn probe_a_member_that_crashes(sim: &mut Sim<GossipNode>) -> (NodeId, Vec<Rule>) {
    let (target, _) = probe(sim, 0);
    act(sim, Action::Crash(target));
    fire(sim, 0, Timer::ProbeTimeout);
    stabilize(sim);
    let (_, rules) = probe(sim, 0);
    (target, rules)
}

/// §3.1: every protocol period T' each member pings one member chosen at random, and
/// arms the ack timeout; periods of different members are not in step.
#[test]
fn each_period_pings_a_random_member_swim_3_1() {
    let mut sim = cluster(5, 1, &swim());
    let phases: Vec<u64> = sim
        .nodes()
        .iter()
        .map(|s| s.timers().get(&Timer::Probe).unwrap().fires_at)
        .collect();
    assert!(phases.iter().all(|&t| t > 0 && t <= ms(1_000)));
    let (target, _) = probe(&mut sim, 0);
    assert_ne!(target, NodeId(0));
    let pings = in_flight(&sim, kind(MsgKind::Ping));
    assert_eq!(pings.len(), 1);
    assert_eq!(pings[0].to, target);
    let timers = sim.nodes()[0].timers();
    assert_eq!(
        timers.get(&Timer::ProbeTimeout).unwrap().fires_at,
        sim.now() + ms(300)
    );
    assert_eq!(
        timers.get(&Timer::Probe).unwrap().fires_at,
        sim.now() + ms(1_000)
    );
}

/// §3.1: an ack within the period means the member is alive; nothing else happens.
#[test]
fn an_ack_in_time_clears_the_probe_swim_3_1() {
    let mut sim = cluster(5, 1, &swim());
    let (target, _) = probe(&mut sim, 0);
    deliver(&mut sim, kind(MsgKind::Ping));
    let rules = deliver(&mut sim, kind(MsgKind::Ack));
    assert_eq!(
        rules,
        vec![Rule::ProbeAcked {
            target,
            indirect: false
        }]
    );
    fire(&mut sim, 0, Timer::ProbeTimeout);
    assert!(in_flight(&sim, kind(MsgKind::PingReq)).is_empty());
    assert_next_probe_suspects_nobody(&mut sim);
}

/// §3.1: no ack by the timeout: ask k other members to ping the target; their relayed ack
/// counts as the target's.
#[test]
fn no_ack_in_time_asks_k_members_to_probe_indirectly_swim_3_1() {
    let mut sim = cluster(8, 2, &swim());
    let (target, _) = probe(&mut sim, 0);
    drop_msgs(&mut sim, kind(MsgKind::Ping));
    let report = fire(&mut sim, 0, Timer::ProbeTimeout);
    let relays = match &report.rules[..] {
        [Rule::IndirectProbe { target: t, relays }] if *t == target => relays.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(relays.len(), 3);
    assert!(!relays.contains(&target) && !relays.contains(&NodeId(0)));
    let rules = deliver(&mut sim, kind(MsgKind::PingReq));
    assert_eq!(
        count_rules(&rules, |r| matches!(r, Rule::RelayProbe { .. })),
        3
    );
    deliver(&mut sim, kind(MsgKind::Ping)); // relays → target
    deliver(&mut sim, kind(MsgKind::Ack)); // target → relays
    let rules = deliver(&mut sim, kind(MsgKind::Ack)); // relays → S1
    assert_eq!(
        rules[0],
        Rule::ProbeAcked {
            target,
            indirect: true
        }
    );
    assert_next_probe_suspects_nobody(&mut sim);
}

/// §4.2: a member that fails both the direct and the indirect probe becomes suspect at the
/// end of the period; if nobody refutes within the suspicion timeout, it is dead.
#[test]
fn failed_probe_makes_suspect_then_dead_after_the_timeout_swim_4_2() {
    let mut sim = cluster(6, 3, &swim());
    let (target, rules) = probe_a_member_that_crashes(&mut sim);
    assert_eq!(
        rules[0],
        Rule::Suspect {
            member: target,
            incarnation: 0
        }
    );
    assert_eq!(status(&sim, 0, target.0), Some(Status::Suspect));
    assert_eq!(
        sim.nodes()[0]
            .timers()
            .get(&Timer::Suspicion)
            .unwrap()
            .fires_at,
        sim.now() + ms(5_000)
    );
    assert_eq!(
        node(&sim, 0).volatile.suspicions.get(&target),
        Some(&(sim.now() + ms(5_000)))
    );
    let report = fire(&mut sim, 0, Timer::Suspicion);
    assert_eq!(
        report.rules,
        vec![Rule::ConfirmDead {
            member: target,
            incarnation: 0,
            suspected: true
        }]
    );
    assert_eq!(status(&sim, 0, target.0), Some(Status::Dead));
}

/// §3.1 (basic SWIM, no suspicion): a failed probe declares the member dead at once.
#[test]
fn without_suspicion_a_failed_probe_is_death_swim_3_1() {
    let config = GossipConfig {
        swim: Some(SwimConfig {
            suspicion: false,
            ..SwimConfig::default()
        }),
        ..GossipConfig::default()
    };
    let mut sim = cluster(6, 3, &config);
    let (target, rules) = probe_a_member_that_crashes(&mut sim);
    assert_eq!(
        rules[0],
        Rule::ConfirmDead {
            member: target,
            incarnation: 0,
            suspected: false
        }
    );
}

/// §4.2: a live member that hears it is suspected refutes with a higher incarnation; the
/// alive message overrides the suspicion everywhere and nobody declares it dead.
#[test]
fn a_suspected_live_member_refutes_with_a_higher_incarnation_swim_4_2() {
    let mut sim = cluster(6, 4, &swim());
    let (target, _) = probe(&mut sim, 0);
    drop_msgs(&mut sim, kind(MsgKind::Ping));
    fire(&mut sim, 0, Timer::ProbeTimeout);
    drop_msgs(&mut sim, kind(MsgKind::PingReq));
    let (_, rules) = probe(&mut sim, 0);
    assert!(rules.contains(&Rule::Suspect {
        member: target,
        incarnation: 0
    }));
    // Let the suspicion travel (piggybacked) and the refutation come back.
    let mut refuted = false;
    let until = sim.now() + ms(4_000);
    while sim.next_event_time().is_some_and(|t| t <= until) {
        let report = sim.step().unwrap();
        refuted |= report.rules.iter().any(|r| {
            matches!(
                r,
                Rule::Refute {
                    status: Status::Suspect,
                    incarnation: 1
                }
            )
        }) && report.node() == Some(target);
    }
    assert!(refuted, "{target} did not refute");
    assert_eq!(node(&sim, target.0).incarnation(), 1);
    sim.run_until(sim.now() + ms(10_000));
    for i in 0..6u16 {
        if NodeId(i) != target {
            let m = node(&sim, i).view().get(target).unwrap();
            assert_eq!((m.status, m.incarnation), (Status::Alive, 1), "S{}", i + 1);
        }
    }
    assert_eq!(metrics::totals(sim.nodes()).confirms, 0);
}

/// §4.1: a crash is found by some member and the news spreads by piggybacking on other
/// messages until every live member knows; dead members are then left out of probes and
/// gossip (only Serf's occasional reconnect attempt still goes to them).
#[test]
fn a_crash_is_detected_and_spread_to_every_member_swim_4_1() {
    let config = swim();
    let mut sim = cluster(20, 5, &config);
    sim.run_until(ms(2_000));
    act(&mut sim, Action::Crash(NodeId(4)));
    let crashed_at = sim.now();
    let mut done = None;
    while done.is_none() && sim.now() < crashed_at + ms(40_000) {
        sim.run_until(sim.now() + ms(500));
        if metrics::detection(sim.nodes(), NodeId(4)).complete() {
            done = Some(sim.now());
        }
    }
    let done = done.expect("every member learns S5 is dead within 40 s");
    let d = metrics::detection(sim.nodes(), NodeId(4));
    assert_eq!((d.observers, d.dead), (19, 19));
    assert!(
        d.first_dead.unwrap() >= crashed_at + ms(5_000),
        "suspicion lasts 5 s"
    );
    assert!(
        done - crashed_at < ms(20_000),
        "took {} ms",
        (done - crashed_at) / 1000
    );
    let f = metrics::failures(sim.nodes());
    assert_eq!((f.dead_down, f.dead_live, f.alive_down), (19, 0, 0));
    // From now on nothing but reconnect attempts goes to S5.
    let until = sim.now() + ms(10_000);
    while sim.next_event_time().is_some_and(|t| t <= until) {
        for e in sim.step().unwrap().sent {
            assert!(
                e.to != NodeId(4) || e.msg.kind() == MsgKind::Join,
                "{:?} to a dead member",
                e.msg.kind()
            );
        }
    }
}

/// Restart: a new incarnation overrides "dead" (§4.2), and a full sync with a member (as
/// Serf's rejoin) catches up the updates missed while down.
#[test]
fn a_restarted_member_rejoins_with_a_new_incarnation_and_catches_up() {
    let config = GossipConfig {
        mode: Mode::Push,
        model: concord_core::gossip::Model::Rumor {
            stop: concord_core::gossip::Stop::Counter,
            k: 2,
            feedback: true,
        },
        ..swim()
    };
    let mut sim = cluster(10, 6, &config);
    act(&mut sim, Action::Crash(NodeId(2)));
    update(&mut sim, 0, 1, 11);
    sim.run_until(ms(30_000));
    assert!(metrics::detection(sim.nodes(), NodeId(2)).complete());
    assert_eq!(census(&sim, 1).infective, 0, "the rumor is over");
    let report = act(&mut sim, Action::Restart(NodeId(2)));
    assert_eq!(report.rules[0], Rule::Restart { incarnation: 1 });
    assert!(matches!(report.rules[1], Rule::Join { .. }));
    stabilize(&mut sim);
    assert_eq!(value(&sim, 2, 1), Some(11), "caught up by the join sync");
    sim.run_until(sim.now() + ms(20_000));
    for i in 0..10u16 {
        let m = node(&sim, i).view().get(NodeId(2)).unwrap();
        assert_eq!((m.status, m.incarnation), (Status::Alive, 1), "S{}", i + 1);
    }
}

/// Joining (Serf): a node outside the cluster joins through any member, gets the store and
/// the membership list in the answer, and the news of its arrival spreads by gossip, with
/// or without failure detection.
#[test]
fn a_joining_node_is_learned_by_everyone_and_catches_up() {
    for swim_on in [false, true] {
        let config = GossipConfig {
            initial_members: Some(6),
            swim: swim_on.then(SwimConfig::default),
            ..GossipConfig::default()
        };
        let mut sim = cluster(8, 7, &config);
        assert!(!node(&sim, 6).is_member());
        assert!(sim.nodes()[6].timers().is_empty(), "outsiders do nothing");
        assert_eq!(status(&sim, 0, 6), None);
        update(&mut sim, 0, 1, 5);
        sim.run_until(ms(3_000));
        assert_eq!(value(&sim, 6, 1), None);
        let report = act(
            &mut sim,
            Action::Command(NodeId(6), Command::Join { via: NodeId(3) }),
        );
        assert_eq!(report.rules[0], Rule::Join { via: NodeId(3) });
        stabilize(&mut sim);
        assert_eq!(value(&sim, 6, 1), Some(5), "swim={swim_on}");
        sim.run_until(sim.now() + ms(10_000));
        for i in 0..7u16 {
            assert_eq!(
                status(&sim, i, 6),
                Some(Status::Alive),
                "S{} swim={swim_on}",
                i + 1
            );
        }
        assert_eq!(status(&sim, 0, 7), None, "S8 never joined");
        assert_eq!(metrics::census(sim.nodes()).live, 7);
    }
}

/// Consul: each agent runs its health check periodically; a failing check is published as
/// an update of `Health(node)` and spreads to every node by gossip, and so does recovery.
#[test]
fn a_failing_health_check_is_gossiped_as_an_event_consul() {
    let config = GossipConfig {
        health_interval: Some(ms(1_000)),
        ..GossipConfig::default()
    };
    let mut sim = cluster(12, 8, &config);
    sim.run_until(ms(1_500));
    let report = act(
        &mut sim,
        Action::Command(NodeId(3), Command::SetHealth { passing: false }),
    );
    assert_eq!(report.rules, vec![Rule::CheckOutcome { passing: false }]);
    let key = Key::Health(NodeId(3));
    let mut published = false;
    let until = sim.now() + ms(1_000);
    while sim.next_event_time().is_some_and(|t| t <= until) {
        let r = sim.step().unwrap();
        published |= r
            .rules
            .iter()
            .any(|r| matches!(r, Rule::HealthChanged { passing: false, .. }));
    }
    assert!(published, "the agent notices within one check interval");
    sim.run_until(sim.now() + ms(6_000));
    for s in sim.nodes() {
        assert_eq!(s.state.store().value(key), Some(store::HEALTH_FAILING));
    }
    act(
        &mut sim,
        Action::Command(NodeId(3), Command::SetHealth { passing: true }),
    );
    sim.run_until(sim.now() + ms(7_000));
    for s in sim.nodes() {
        assert_eq!(s.state.store().value(key), Some(store::HEALTH_PASSING));
    }
}

/// A partition makes each side declare the other dead; after it heals, Serf's periodic
/// reconnect to dead members finds them alive, they refute, and views and stores merge.
#[test]
fn a_healed_partition_merges_again_through_reconnect() {
    let config = GossipConfig {
        swim: Some(SwimConfig {
            reconnect_every: 5,
            ..SwimConfig::default()
        }),
        ..GossipConfig::default()
    };
    let mut sim = cluster(10, 9, &config);
    let left: Vec<NodeId> = (0..5).map(NodeId).collect();
    act(&mut sim, Action::Partition(vec![left]));
    update(&mut sim, 0, 1, 1);
    update(&mut sim, 9, 2, 2);
    sim.run_until(ms(40_000));
    assert_eq!(status(&sim, 0, 9), Some(Status::Dead));
    assert_eq!(status(&sim, 9, 0), Some(Status::Dead));
    assert_eq!(value(&sim, 9, 1), None);
    act(&mut sim, Action::Heal);
    sim.run_until(sim.now() + ms(60_000));
    let f = metrics::failures(sim.nodes());
    assert_eq!((f.dead_live, f.suspect_live), (0, 0), "{f:?}");
    assert!(metrics::stores_agree(sim.nodes()));
    assert_eq!(value(&sim, 9, 1), Some(1));
}

/// Under message loss some live members are suspected (false positives); they refute, and
/// once the network is healthy again nobody believes a live member suspect or dead.
#[test]
fn false_suspicions_under_loss_are_refuted() {
    let mut sim = cluster(20, 10, &swim());
    let lossy = NetConfig {
        loss: 0.25,
        ..NetConfig::default()
    };
    act(&mut sim, Action::SetNetwork(lossy));
    sim.run_until(ms(60_000));
    let t = metrics::totals(sim.nodes());
    assert!(t.suspicions > 0, "no suspicion under 25% loss");
    assert!(t.refutations > 0);
    act(&mut sim, Action::SetNetwork(NetConfig::default()));
    sim.run_until(ms(150_000));
    let f = metrics::failures(sim.nodes());
    assert_eq!((f.dead_live, f.suspect_live), (0, 0), "{f:?}");
}
