//! Rumor mongering (SIR), one test per rule of Demers et al. 1987 §1.4 ("Complex
//! epidemics"): infective nodes spread hot rumors and lose interest by a counter or a
//! coin, with feedback (only unnecessary contacts count) or blind (every contact counts);
//! §1.5: anti-entropy as a backup reaches the residue.

mod gossip_common;

use concord_core::gossip::{
    GossipConfig, Key, LossReason, Mode, Model, MsgKind, PeerSelection, Rule, Stop, Timer, Version,
    metrics,
};
use concord_core::sim::{Action, NodeId};
use gossip_common::*;

fn v(counter: u64, node: u16) -> Version {
    Version {
        counter,
        node: NodeId(node),
    }
}

fn rumor(mode: Mode, stop: Stop, k: u32, feedback: bool) -> GossipConfig {
    GossipConfig::rumor(mode, stop, k, feedback)
}

fn losses(rules: &[Rule]) -> Vec<(LossReason, u32)> {
    rules
        .iter()
        .filter_map(|r| match r {
            Rule::LoseInterest { reason, count, .. } => Some((*reason, *count)),
            _ => None,
        })
        .collect()
}

/// §1.4, feedback + counter: lose interest only after k unnecessary contacts; necessary
/// contacts (the peer did not know) do not count.
#[test]
fn feedback_counter_stops_after_k_unnecessary_contacts_demers_1_4() {
    let mut sim = cluster(4, 3, &rumor(Mode::Push, Stop::Counter, 2, true));
    update(&mut sim, 0, 1, 1);
    let mut rules = Vec::new();
    let mut rounds = 0;
    while node(&sim, 0).is_hot(Key::Data(1)) {
        rounds += 1;
        assert!(rounds < 200, "never lost interest");
        rules.extend(fire(&mut sim, 0, Timer::Round).rules);
        rules.extend(deliver(&mut sim, kind(MsgKind::Push)));
        rules.extend(deliver(&mut sim, kind(MsgKind::PushAck)));
    }
    let unnecessary = count_rules(
        &rules,
        |r| matches!(r, Rule::Unnecessary { peer, .. } if *peer != NodeId(0)),
    );
    assert_eq!(unnecessary, 2);
    assert_eq!(losses(&rules), vec![(LossReason::Counter, 2)]);
    assert!(
        rounds > 2,
        "necessary contacts came first and did not count"
    );
}

/// §1.4, blind + counter: every contact counts, whatever the peer knew; blind push needs no
/// answer (one message).
#[test]
fn blind_counter_stops_after_k_contacts_regardless_demers_1_4() {
    let mut sim = cluster(4, 3, &rumor(Mode::Push, Stop::Counter, 3, false));
    update(&mut sim, 0, 1, 1);
    let mut rules = Vec::new();
    for _ in 0..3 {
        rules.extend(fire(&mut sim, 0, Timer::Round).rules);
    }
    assert_eq!(losses(&rules), vec![(LossReason::Counter, 3)]);
    assert!(!node(&sim, 0).is_hot(Key::Data(1)));
    assert!(in_flight(&sim, kind(MsgKind::Push)).len() == 3);
    deliver(&mut sim, |_| true);
    assert_eq!(sim.in_flight().count(), 0, "no acks when blind");
}

/// §1.4, coin: lose interest with probability 1/k per counted contact. k = 1 stops at the
/// first counted contact; with feedback a necessary contact is not counted.
#[test]
fn coin_with_k_1_stops_at_the_first_counted_contact_demers_1_4() {
    let mut sim = cluster(2, 1, &rumor(Mode::Push, Stop::Coin, 1, false));
    update(&mut sim, 0, 1, 1);
    let report = fire(&mut sim, 0, Timer::Round);
    assert_eq!(losses(&report.rules), vec![(LossReason::Coin, 1)]);

    let mut sim = cluster(2, 1, &rumor(Mode::Push, Stop::Coin, 1, true));
    update(&mut sim, 0, 1, 1);
    fire(&mut sim, 0, Timer::Round);
    let rules = stabilize(&mut sim);
    assert!(losses(&rules).is_empty(), "the first contact was necessary");
    assert!(node(&sim, 0).is_hot(Key::Data(1)));
    fire(&mut sim, 0, Timer::Round);
    let rules = stabilize(&mut sim);
    assert_eq!(losses(&rules), vec![(LossReason::Coin, 1)]);
}

/// §1.4, coin: the number of counted contacts before losing interest is geometric with
/// mean k. 400 independent rumors, blind coin k = 4: the mean lies within 0.7 of 4 (the
/// standard error of the mean is √(1−p)/p/√400 ≈ 0.17; 0.7 is four of them).
#[test]
fn coin_loses_interest_with_probability_one_over_k_demers_1_4() {
    let mut sim = cluster(2, 7, &rumor(Mode::Push, Stop::Coin, 4, false));
    for key in 0..400 {
        update(&mut sim, 0, key, 1);
    }
    let mut counts = Vec::new();
    for _ in 0..200 {
        if node(&sim, 0).rumors().is_empty() {
            break;
        }
        let report = fire(&mut sim, 0, Timer::Round);
        counts.extend(losses(&report.rules).iter().map(|&(_, c)| c as f64));
        deliver(&mut sim, |_| true);
    }
    assert_eq!(counts.len(), 400);
    let (mean, _) = mean_sd(&counts);
    assert!(
        (mean - 4.0).abs() < 0.7,
        "mean contacts before losing interest {mean}"
    );
}

/// Feedback in push needs a reply: a rumor push with feedback is two messages (push, ack
/// naming what the receiver already knew).
#[test]
fn push_with_feedback_is_answered_by_an_ack_demers_1_4() {
    let mut sim = cluster(2, 1, &rumor(Mode::Push, Stop::Counter, 5, true));
    update(&mut sim, 0, 1, 1);
    update(&mut sim, 1, 2, 1);
    update(&mut sim, 0, 2, 2);
    update(&mut sim, 0, 2, 3); // S1's key 2 (counter 2) is newer than S2's (counter 1)
    update(&mut sim, 1, 3, 1);
    fire(&mut sim, 0, Timer::Round);
    deliver(&mut sim, kind(MsgKind::Push));
    let acks = in_flight(&sim, kind(MsgKind::PushAck));
    assert_eq!(acks.len(), 1);
    match &acks[0].msg {
        concord_core::gossip::Msg::PushAck { known, .. } => assert!(known.is_empty()),
        other => panic!("{other:?}"),
    }
    deliver(&mut sim, |_| true);
    fire(&mut sim, 0, Timer::Round);
    deliver(&mut sim, kind(MsgKind::Push));
    match &in_flight(&sim, kind(MsgKind::PushAck))[0].msg {
        concord_core::gossip::Msg::PushAck { known, .. } => {
            assert_eq!(
                known,
                &vec![(Key::Data(1), v(1, 0)), (Key::Data(2), v(2, 0))]
            )
        }
        other => panic!("{other:?}"),
    }
}

/// §1.4, pull: the contacted node answers with its hot rumors only, and learns from the
/// requester's digest whether they were needed (feedback without an extra message). A
/// removed node answers with nothing, even though it holds the update.
#[test]
fn pull_answers_with_hot_rumors_and_feedback_comes_from_the_digest_demers_1_4() {
    let mut sim = cluster(3, 1, &rumor(Mode::Pull, Stop::Counter, 1, true));
    update(&mut sim, 1, 1, 5);
    // S1 pulls (from random peers) until it reaches S2 and learns the rumor.
    while node(&sim, 0).store().get(Key::Data(1)).is_none() {
        fire(&mut sim, 0, Timer::Round);
        stabilize(&mut sim);
    }
    assert!(
        node(&sim, 0).is_hot(Key::Data(1)),
        "S1 learned by pull and is infective"
    );
    assert!(
        node(&sim, 1).is_hot(Key::Data(1)),
        "that contact was necessary for S2"
    );
    // S1 pulls until it asks S2 again; S2 sees from the digest that S1 knew, and stops.
    let mut rules = Vec::new();
    while node(&sim, 1).is_hot(Key::Data(1)) {
        fire(&mut sim, 0, Timer::Round);
        rules.extend(stabilize(&mut sim));
    }
    assert!(rules.contains(&Rule::Unnecessary {
        key: Key::Data(1),
        peer: NodeId(0),
        count: 1
    }));
    // Removed S2 holds the update but answers S3's pull with nothing.
    loop {
        let report = fire(&mut sim, 2, Timer::Round);
        let digest = &report.sent[0];
        if digest.to != NodeId(1) {
            act(&mut sim, Action::Drop(digest.id));
            continue;
        }
        let rules = stabilize(&mut sim);
        assert!(rules.contains(&Rule::AnswerDigest {
            to: NodeId(2),
            entries: 0,
            want: None
        }));
        assert_eq!(value(&sim, 2, 1), None, "S3 is left in the residue");
        break;
    }
}

/// §1.4, push-pull: both sides count: the responder from the digest, the initiator from the
/// keys the responder wants.
#[test]
fn push_pull_feedback_counts_on_both_sides_demers_1_4() {
    let mut sim = cluster(2, 1, &rumor(Mode::PushPull, Stop::Counter, 1, true));
    update(&mut sim, 0, 1, 1);
    fire(&mut sim, 0, Timer::Round);
    let rules = stabilize(&mut sim);
    assert!(losses(&rules).is_empty(), "first exchange was news for S2");
    assert_eq!(value(&sim, 1, 1), Some(1));
    assert!(node(&sim, 1).is_hot(Key::Data(1)));
    fire(&mut sim, 0, Timer::Round);
    let rules = stabilize(&mut sim);
    assert_eq!(losses(&rules).len(), 2, "{rules:?}");
    assert!(node(&sim, 0).rumors().is_empty() && node(&sim, 1).rumors().is_empty());
}

/// SIR: a removed node does not become infective again for the same update; a newer
/// version of the key is a new rumor.
#[test]
fn removed_stays_removed_and_a_newer_version_is_a_new_rumor_demers_1_4() {
    let mut sim = cluster(2, 1, &rumor(Mode::Push, Stop::Counter, 1, false));
    update(&mut sim, 0, 1, 1);
    fire(&mut sim, 0, Timer::Round); // blind k = 1: S1 is removed after this contact
    deliver(&mut sim, |_| true);
    assert!(!node(&sim, 0).is_hot(Key::Data(1)));
    assert!(node(&sim, 1).is_hot(Key::Data(1)));
    fire(&mut sim, 1, Timer::Round); // S2 pushes the same version back
    let rules = deliver(&mut sim, |_| true);
    assert!(rules.iter().any(|r| matches!(r, Rule::AlreadyKnown { .. })));
    assert!(!node(&sim, 0).is_hot(Key::Data(1)), "removed stays removed");
    update(&mut sim, 1, 1, 2);
    fire(&mut sim, 1, Timer::Round);
    deliver(&mut sim, |_| true);
    let r = node(&sim, 0).rumors().get(Key::Data(1)).unwrap().clone();
    assert_eq!((r.version, r.count, r.from), (v(2, 1), 0, Some(NodeId(1))));
}

/// §1.4: a rumor eventually dies out; the nodes it never reached are the residue, and
/// S + I + R is always the number of live nodes.
#[test]
fn rumor_dies_out_and_leaves_a_measured_residue_demers_1_4() {
    let config = rumor(Mode::Push, Stop::Coin, 2, false);
    let mut sim = cluster(300, 11, &config);
    update(&mut sim, 0, 1, 1);
    let mut r = 0;
    loop {
        run_to_round_end(&mut sim, config.period, r);
        let c = census(&sim, 1);
        assert_eq!(c.susceptible + c.infective + c.removed, 300);
        if c.infective == 0 {
            let residue = c.residue().unwrap();
            assert!(residue > 0.0 && residue < 0.6, "residue {residue}");
            break;
        }
        r += 1;
        assert!(r < 200);
    }
    let total = metrics::totals(sim.nodes());
    assert_eq!(
        total.data_messages(),
        total.entries_sent,
        "blind push: one entry per message"
    );
}

/// §1.5: rumor mongering backed up by anti-entropy reaches every node, residue or not.
#[test]
fn backup_anti_entropy_reaches_the_residue_demers_1_5() {
    let config = GossipConfig {
        backup_every: 3,
        ..rumor(Mode::Push, Stop::Coin, 1, false)
    };
    let mut sim = cluster(60, 4, &config);
    update(&mut sim, 5, 1, 1);
    let done = rounds_until(&mut sim, config.period, 200, |s| census(s, 1).converged());
    assert!(done.is_some(), "backup anti-entropy did not reach everyone");
    let rules_seen = metrics::totals(sim.nodes()).sent_of(MsgKind::Digest);
    assert!(rules_seen > 0);
}

/// Lockstep feedback (Demers et al.'s synchronous cycles): a push of a rumor the receiver
/// learned earlier in the same round still counts as news.
#[test]
fn lockstep_feedback_judges_against_the_round_start() {
    for lockstep in [false, true] {
        let config = GossipConfig {
            fanout: 2,
            lockstep_feedback: lockstep,
            ..rumor(Mode::Push, Stop::Counter, 1, true)
        };
        let mut sim = cluster(3, 1, &config);
        update(&mut sim, 0, 1, 1);
        fire(&mut sim, 0, Timer::Round); // S1 → S2 and S3
        deliver(&mut sim, between(0, 1));
        deliver(&mut sim, between(1, 0)); // S2's ack: news
        fire(&mut sim, 1, Timer::Round); // S2 → S1 and S3
        deliver(&mut sim, between(1, 2)); // S3 learns from S2 first …
        deliver(&mut sim, between(0, 2)); // … then S1's push arrives, in the same round
        let acks = in_flight(&sim, |e| e.from == NodeId(2) && e.to == NodeId(0));
        let known = match &acks[0].msg {
            concord_core::gossip::Msg::PushAck { known, .. } => known.len(),
            other => panic!("{other:?}"),
        };
        assert_eq!(known, if lockstep { 0 } else { 1 }, "lockstep={lockstep}");
    }
}

/// Rumors are volatile: a crash forgets them (the node is then removed for its updates);
/// the store survives.
#[test]
fn restart_forgets_hot_rumors_and_keeps_the_store() {
    let mut sim = cluster(3, 1, &rumor(Mode::Push, Stop::Counter, 3, true));
    update(&mut sim, 0, 1, 9);
    act(&mut sim, Action::Crash(NodeId(0)));
    act(&mut sim, Action::Restart(NodeId(0)));
    assert_eq!(value(&sim, 0, 1), Some(9));
    assert!(node(&sim, 0).rumors().is_empty());
    let c = census(&sim, 1);
    assert_eq!((c.infective, c.removed), (0, 1));
}

/// The seed notes' rules applied to rumors: with "not yet sent to" and "never back to the
/// sender", no node ever receives the same rumor twice from the same sender.
#[test]
fn seed_rules_never_repeat_a_rumor_on_a_link() {
    let config = GossipConfig {
        selection: PeerSelection::SEED_NOTES,
        fanout: 3,
        ..rumor(Mode::Push, Stop::Counter, 2, true)
    };
    let mut sim = cluster(40, 8, &config);
    update(&mut sim, 0, 1, 1);
    let mut links = std::collections::BTreeSet::new();
    while sim
        .next_event_time()
        .is_some_and(|t| t < 60 * config.period)
    {
        let report = sim.step().unwrap();
        for e in &report.sent {
            if e.msg.kind() == MsgKind::Push {
                assert!(links.insert((e.from, e.to)), "{} → {} twice", e.from, e.to);
                assert!(
                    node(&sim, e.from.0)
                        .rumors()
                        .iter()
                        .all(|r| r.from != Some(e.to) || r.key != Key::Data(1)),
                    "sent back"
                );
            }
        }
    }
    assert!(matches!(
        config.model,
        Model::Rumor {
            stop: Stop::Counter,
            ..
        }
    ));
}
