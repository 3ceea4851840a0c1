//! Single-decree Paxos, one test per line of seed 001's two-phase table (and per rule of
//! learning, retrying and restarting), each citing its section of "Paxos Made Simple".
//! Driven by hand through the simulator's manual mode: issue a command, deliver a chosen
//! message, fire a timer, look at the state.
//!
//! Layout in every test unless stated: `PaxosConfig::separate(2, 3, 1)`, so S1 and S2 are
//! proposers, S3, S4 and S5 acceptors, S6 the learner.

use concord_core::paxos::{
    Command, Msg, PaxosConfig, PaxosNode, Phase, Proposal, Roles, Rule, Stage, Timer, default_value,
};
use concord_core::sim::{Action, Envelope, NodeId, Sim, StepReport};

mod paxos_common;
use paxos_common::*;

/// Proposers that wait for a `Propose` command.
fn quiet(config: PaxosConfig) -> PaxosConfig {
    PaxosConfig {
        propose_at_start: false,
        ..config
    }
}

fn cluster(config: PaxosConfig) -> Sim<PaxosNode> {
    driver::cluster(config.nodes(), 1, &config)
}

fn default_cluster() -> Sim<PaxosNode> {
    cluster(quiet(PaxosConfig::default()))
}

fn propose(sim: &mut Sim<PaxosNode>, node: NodeId, value: &str) -> StepReport<PaxosNode> {
    act(sim, Action::Command(node, Command::Propose(value.into())))
}

fn between(from: NodeId, to: NodeId) -> impl Fn(&Envelope<Msg>) -> bool {
    move |e| e.from == from && e.to == to
}

fn from(node: NodeId) -> impl Fn(&Envelope<Msg>) -> bool {
    move |e| e.from == node
}

fn to(node: NodeId) -> impl Fn(&Envelope<Msg>) -> bool {
    move |e| e.to == node
}

fn node(sim: &Sim<PaxosNode>, id: NodeId) -> &PaxosNode {
    &sim.nodes()[id.index()].state
}

fn armed(sim: &Sim<PaxosNode>, id: NodeId, timer: Timer) -> bool {
    sim.nodes()[id.index()].timers().contains_key(&timer)
}

/// S1 proposes A; S3 and S4, a majority of the three acceptors, promise 1.1.
fn s1_promised_by_s3_s4() -> Sim<PaxosNode> {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A");
    phase_one(&mut sim, S1, &[S3, S4]);
    sim
}

/// S1 runs phase 1 with the acceptors in `promisers` (they all promise).
fn phase_one(sim: &mut Sim<PaxosNode>, proposer: NodeId, promisers: &[NodeId]) -> Vec<Rule> {
    let mut rules = Vec::new();
    for &a in promisers {
        rules.extend(deliver(sim, |e| {
            e.from == proposer && e.to == a && matches!(e.msg, Msg::Prepare { .. })
        }));
    }
    for &a in promisers {
        rules.extend(deliver(sim, |e| {
            e.from == a && e.to == proposer && matches!(e.msg, Msg::Promise { .. })
        }));
    }
    rules
}

/// §2.5: "Different proposers choose their numbers from disjoint sets of numbers": (round,
/// proposer id), ordered by round first.
#[test]
fn proposal_numbers_are_unique_and_ordered_round_first_2_5() {
    assert!(n(1, S2) > n(1, S1));
    assert!(n(2, S1) > n(1, S2));
    assert_ne!(n(1, S1), n(1, S2));
    assert_eq!(n(2, S1).to_string(), "2.1");
    assert_eq!(n(7, S2).to_string(), "7.2");
}

/// Table, phase 1: the proposer "generates a proposal number n" and "broadcasts Prepare(n) to
/// all acceptors" (§2.2) — to acceptors only, not to other proposers or learners.
#[test]
fn propose_broadcasts_prepare_to_every_acceptor_2_2() {
    let mut sim = default_cluster();
    let report = propose(&mut sim, S1, "A");
    assert_eq!(
        report.rules,
        vec![
            Rule::Propose { value: "A".into() },
            Rule::SendPrepare { n: n(1, S1) }
        ]
    );
    let sent: Vec<NodeId> = report.sent.iter().map(|e| e.to).collect();
    assert_eq!(sent, vec![S3, S4, S5]);
    assert!(
        report
            .sent
            .iter()
            .all(|e| e.msg == Msg::Prepare { n: n(1, S1) })
    );
    assert_eq!(node(&sim, S1).stage(), Stage::Preparing);
    assert!(
        armed(&sim, S1, Timer::Timeout),
        "a phase timeout guards the round"
    );
}

/// Table, phase 1: "if n > minProposal then minProposal = n; reply (acceptedProposal,
/// acceptedValue)" — here nothing accepted yet (§2.2, P1a).
#[test]
fn acceptor_promises_a_higher_number_2_2() {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A");
    let rules = deliver(&mut sim, between(S1, S3));
    assert_eq!(
        rules,
        vec![Rule::GivePromise {
            proposer: S1,
            n: n(1, S1),
            previous: None,
            accepted: None
        }]
    );
    assert_eq!(node(&sim, S3).persistent.min_proposal, Some(n(1, S1)));
    let reply = in_flight(&sim, from(S3));
    assert_eq!(
        reply[0].msg,
        Msg::Promise {
            n: n(1, S1),
            accepted: None
        }
    );
    assert_eq!(reply[0].to, S1);
}

/// A Prepare numbered at or below minProposal is refused, and the refusal names minProposal so
/// the proposer can pick a higher number (§2.2, the closing optimization).
#[test]
fn acceptor_refuses_prepare_not_above_min_proposal_2_2() {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A"); // 1.1
    propose(&mut sim, S2, "B"); // 1.2
    deliver(&mut sim, between(S2, S3));
    let rules = deliver(&mut sim, between(S1, S3));
    assert_eq!(
        rules,
        vec![Rule::NackPrepare {
            proposer: S1,
            n: n(1, S1),
            min_proposal: n(1, S2)
        }]
    );
    assert_eq!(node(&sim, S3).persistent.min_proposal, Some(n(1, S2)));
    let nack = in_flight(&sim, between(S3, S1));
    assert_eq!(
        nack[0].msg,
        Msg::Nack {
            n: n(1, S1),
            min_proposal: n(1, S2),
            phase: Phase::Prepare
        }
    );
}

/// Table, phase 1 → 2: with promises from a majority and no value accepted anywhere, the
/// proposer keeps its own value and "broadcasts Accept(n, value) to all acceptors" (§2.2).
#[test]
fn majority_of_promises_sends_accept_with_own_value_2_2() {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A");
    let rules = phase_one(&mut sim, S1, &[S3, S4]);
    let tail = &rules[rules.len() - 4..];
    assert_eq!(
        tail,
        &[
            Rule::CountPromise {
                from: S3,
                n: n(1, S1),
                promises: 1,
                needed: 2
            },
            Rule::CountPromise {
                from: S4,
                n: n(1, S1),
                promises: 2,
                needed: 2
            },
            Rule::OwnValue {
                n: n(1, S1),
                value: "A".into()
            },
            Rule::SendAccept {
                n: n(1, S1),
                value: "A".into()
            },
        ]
    );
    let accepts: Vec<NodeId> = in_flight(&sim, |e| matches!(e.msg, Msg::Accept { .. }))
        .iter()
        .map(|e| e.to)
        .collect();
    assert_eq!(accepts, vec![S3, S4, S5], "Accept goes to every acceptor");
    assert_eq!(node(&sim, S1).stage(), Stage::Accepting);
}

/// One promise of three is not a majority: phase 2 does not start.
#[test]
fn minority_of_promises_is_not_enough_2_2() {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A");
    phase_one(&mut sim, S1, &[S3]);
    assert_eq!(node(&sim, S1).stage(), Stage::Preparing);
    assert!(in_flight(&sim, |e| matches!(e.msg, Msg::Accept { .. })).is_empty());
}

/// Table, phase 2: "if n >= minProposal then acceptedProposal = minProposal = n, acceptedValue
/// = value; reply (minProposal)" (§2.2, P1a). The reply goes to the proposer and to every
/// learner (§2.3).
#[test]
fn acceptor_accepts_at_or_above_min_proposal_and_tells_proposer_and_learners_2_2() {
    let mut sim = s1_promised_by_s3_s4();
    let accept = in_flight(&sim, between(S1, S3))[0].id;
    let report = act(&mut sim, Action::Deliver(accept));
    assert_eq!(
        report.rules,
        vec![Rule::AcceptProposal {
            proposer: S1,
            n: n(1, S1),
            value: "A".into()
        }]
    );
    let s3 = &node(&sim, S3).persistent;
    assert_eq!(s3.min_proposal, Some(n(1, S1)));
    assert_eq!(s3.accepted_proposal(), Some(n(1, S1)));
    assert_eq!(s3.accepted_value().map(String::as_str), Some("A"));
    let told: Vec<NodeId> = report.sent.iter().map(|e| e.to).collect();
    assert_eq!(told, vec![S1, S6]);
    assert!(report.sent.iter().all(|e| e.msg
        == Msg::Accepted {
            n: n(1, S1),
            value: "A".into()
        }));
}

/// An Accept(n) below minProposal is refused with minProposal ("result > n", §2.2).
#[test]
fn acceptor_refuses_accept_below_min_proposal_2_2() {
    let mut sim = s1_promised_by_s3_s4();
    propose(&mut sim, S2, "B"); // 1.2 reaches S3 before S1's Accept(1.1)
    deliver(&mut sim, |e| e.from == S2 && e.to == S3);
    let rules = deliver(&mut sim, between(S1, S3));
    assert_eq!(
        rules,
        vec![Rule::NackAccept {
            proposer: S1,
            n: n(1, S1),
            min_proposal: n(1, S2)
        }]
    );
    assert_eq!(node(&sim, S3).persistent.accepted, None);
}

/// Table, phase 1: "if some acceptedValue is not empty, replace its own value with the
/// acceptedValue of the highest acceptedProposal" (§2.2, P2c). Here S3 accepted A under 1.1
/// and S4 accepted B under 1.2; S1, proposing C under 2.1, must take B.
#[test]
fn proposer_adopts_the_value_of_the_highest_accepted_proposal_2_2() {
    let mut sim = default_cluster();
    // A under 1.1, accepted by S3 only.
    propose(&mut sim, S1, "A");
    phase_one(&mut sim, S1, &[S3, S4]);
    deliver(&mut sim, between(S1, S3));
    for e in in_flight(&sim, from(S1)) {
        act(&mut sim, Action::Drop(e.id));
    }
    // B under 1.2, accepted by S4 only.
    propose(&mut sim, S2, "B");
    phase_one(&mut sim, S2, &[S4, S5]);
    deliver(&mut sim, between(S2, S4));
    for e in in_flight(&sim, |_| true) {
        act(&mut sim, Action::Drop(e.id));
    }
    // S1 proposes C: round 2 (its round 1 is used), promises from S3 and S4.
    propose(&mut sim, S1, "C");
    let rules = phase_one(&mut sim, S1, &[S3, S4]);
    assert!(rules.contains(&Rule::AdoptValue {
        n: n(2, S1),
        value: "B".into(),
        accepted_in: n(1, S2),
        own: "C".into()
    }));
    let accepts = in_flight(&sim, |e| {
        e.from == S1 && e.to == S5 && matches!(e.msg, Msg::Accept { .. })
    });
    assert_eq!(
        accepts[0].msg,
        Msg::Accept {
            n: n(2, S1),
            value: "B".into()
        }
    );
}

/// A promise carries (acceptedProposal, acceptedValue) when the acceptor has accepted something.
#[test]
fn promise_reports_what_the_acceptor_accepted_2_2() {
    let mut sim = s1_promised_by_s3_s4();
    deliver(&mut sim, between(S1, S3));
    propose(&mut sim, S2, "B");
    let rules = deliver(&mut sim, between(S2, S3));
    let accepted = Some(Proposal {
        n: n(1, S1),
        value: "A".into(),
    });
    assert_eq!(
        rules,
        vec![Rule::GivePromise {
            proposer: S2,
            n: n(1, S2),
            previous: Some(n(1, S1)),
            accepted: accepted.clone()
        }]
    );
    assert_eq!(
        in_flight(&sim, between(S3, S2))[0].msg,
        Msg::Promise {
            n: n(1, S2),
            accepted
        }
    );
}

/// Table, phase 2: with acceptances from a majority and no refusal, "the value is chosen" —
/// the proposer knows it and stops (no timer left).
#[test]
fn majority_of_acceptances_means_chosen_2_2() {
    let mut sim = s1_promised_by_s3_s4();
    deliver(&mut sim, |e| e.from == S1 && e.to != S5);
    let rules = deliver(&mut sim, to(S1));
    assert_eq!(
        rules.last(),
        Some(&Rule::Chosen {
            n: n(1, S1),
            value: "A".into(),
            acceptors: 2
        })
    );
    assert_eq!(node(&sim, S1).stage(), Stage::Done);
    assert!(sim.nodes()[S1.index()].timers().is_empty());
    assert!(sim.violations().is_empty());
}

/// Table, phase 2: "on a rejection (result > n) start again from step 1": the proposer abandons
/// n at once and backs off — a random wait when back-off is randomized (§2.2, §2.4).
#[test]
fn nack_makes_the_proposer_abandon_and_back_off_2_2_2_4() {
    let mut sim = s1_promised_by_s3_s4();
    propose(&mut sim, S2, "B");
    deliver(&mut sim, between(S2, S3));
    deliver(&mut sim, between(S1, S3)); // refused: S3 promised 1.2
    let nack = in_flight(&sim, between(S3, S1))[0].id;
    let report = act(&mut sim, Action::Deliver(nack));
    assert_eq!(
        report.rules[0],
        Rule::Abandon {
            from: S3,
            n: n(1, S1),
            min_proposal: n(1, S2),
            phase: Phase::Accept
        }
    );
    let Rule::Backoff {
        n: backed,
        delay,
        randomized,
    } = report.rules[1].clone()
    else {
        panic!("expected a back-off, got {:?}", report.rules);
    };
    let c = PaxosConfig::default();
    assert_eq!(backed, n(1, S1));
    assert!(randomized);
    assert!((c.backoff_min..=c.backoff_max).contains(&delay));
    assert_eq!(node(&sim, S1).stage(), Stage::Waiting);
    assert!(armed(&sim, S1, Timer::Retry));
    assert!(!armed(&sim, S1, Timer::Timeout));
}

/// Random back-offs differ between proposers (that is what breaks a duel, §2.4).
#[test]
fn randomized_backoffs_differ_2_4() {
    let sim = cluster(PaxosConfig::separate(3, 3, 1));
    let mut starts: Vec<u64> = (0..3)
        .map(|i| sim.nodes()[i].timers().get(&Timer::Retry).unwrap().fires_at)
        .collect();
    starts.sort();
    starts.dedup();
    assert_eq!(starts.len(), 3, "three proposers, three different waits");
}

/// With back-off switched off the wait is the fixed `retry_delay`.
#[test]
fn fixed_delay_when_backoff_is_not_randomized_2_4() {
    let config = PaxosConfig {
        randomized_backoff: false,
        ..quiet(PaxosConfig::default())
    };
    let mut sim = cluster(config.clone());
    propose(&mut sim, S1, "A");
    act(&mut sim, Action::Fire(S1, Timer::Timeout));
    let fires = sim.nodes()[S1.index()]
        .timers()
        .get(&Timer::Retry)
        .unwrap()
        .fires_at;
    assert_eq!(fires, sim.now() + config.retry_delay);
}

/// After backing off, the proposer starts over with a number above the one that beat it:
/// max(own round, the refusal's round) + 1 (§2.4, §2.5).
#[test]
fn retry_uses_a_number_above_the_one_that_beat_it_2_4() {
    let mut sim = default_cluster();
    // S2 runs ahead to round 3.
    propose(&mut sim, S2, "B");
    propose(&mut sim, S2, "B");
    propose(&mut sim, S2, "B");
    deliver(&mut sim, |e| {
        e.to == S3 && e.msg == Msg::Prepare { n: n(3, S2) }
    });
    propose(&mut sim, S1, "A");
    deliver(&mut sim, between(S1, S3));
    deliver(&mut sim, between(S3, S1)); // Nack naming 3.2
    let report = act(&mut sim, Action::Fire(S1, Timer::Retry));
    assert_eq!(
        report.rules,
        vec![
            Rule::Retry {
                previous: n(1, S1),
                n: n(4, S1),
                retries: 1
            },
            Rule::SendPrepare { n: n(4, S1) }
        ]
    );
}

/// §2.4/§2.1: messages may be lost; a phase that gets no quorum within the phase timeout is
/// abandoned and retried with a higher number.
#[test]
fn phase_timeout_abandons_a_round_whose_messages_were_lost_2_4() {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A");
    for e in in_flight(&sim, |_| true) {
        act(&mut sim, Action::Drop(e.id));
    }
    let report = act(&mut sim, Action::Fire(S1, Timer::Timeout));
    assert_eq!(
        report.rules[0],
        Rule::Timeout {
            n: n(1, S1),
            stage: Stage::Preparing
        }
    );
    assert!(matches!(report.rules[1], Rule::Backoff { .. }));
    let report = act(&mut sim, Action::Fire(S1, Timer::Retry));
    assert!(report.rules.contains(&Rule::SendPrepare { n: n(2, S1) }));
}

/// Replies about a number the proposer has abandoned change nothing.
#[test]
fn stale_replies_are_ignored_2_2() {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A");
    deliver(&mut sim, between(S1, S3));
    propose(&mut sim, S1, "A"); // abandons 1.1 for 2.1
    let rules = deliver(&mut sim, between(S3, S1));
    assert_eq!(
        rules,
        vec![Rule::IgnoreStale {
            from: S3,
            n: n(1, S1)
        }]
    );
    assert!(node(&sim, S1).volatile.proposer.promises.is_empty());
}

/// A duplicated Prepare is answered with a Nack naming the proposer's own number; that is no
/// rejection, and the proposer carries on.
#[test]
fn duplicate_prepare_does_not_stop_the_proposer_2_2() {
    let mut sim = default_cluster();
    propose(&mut sim, S1, "A");
    let prepare = in_flight(&sim, between(S1, S3))[0].id;
    act(&mut sim, Action::Duplicate(prepare));
    deliver(&mut sim, between(S1, S3));
    let rules = deliver(&mut sim, between(S3, S1));
    assert!(rules.contains(&Rule::IgnoreStale {
        from: S3,
        n: n(1, S1)
    }));
    assert_eq!(node(&sim, S1).stage(), Stage::Preparing);
    assert_eq!(node(&sim, S1).volatile.proposer.promises.len(), 1);
}

/// §2.3: a learner learns a value once a majority of acceptors tell it they accepted the same
/// proposal.
#[test]
fn learner_learns_from_a_majority_of_accepted_2_3() {
    let mut sim = s1_promised_by_s3_s4();
    deliver(&mut sim, from(S1));
    let first = deliver(&mut sim, |e| e.to == S6 && e.from == S3);
    assert_eq!(
        first,
        vec![Rule::HearAccepted {
            from: S3,
            n: n(1, S1),
            count: 1,
            needed: 2
        }]
    );
    assert_eq!(
        node(&sim, S6).learned(),
        None,
        "one of three is not a majority"
    );
    let second = deliver(&mut sim, |e| e.to == S6 && e.from == S4);
    assert_eq!(
        second.last(),
        Some(&Rule::Learn {
            n: n(1, S1),
            value: "A".into()
        })
    );
    assert_eq!(
        node(&sim, S6).learned().map(|p| p.value.as_str()),
        Some("A")
    );
}

/// §2.5: an acceptor keeps minProposal, acceptedProposal and acceptedValue across a crash; a
/// proposer keeps its round (so it never reuses a number) but abandons its proposal.
#[test]
fn restart_keeps_acceptor_state_and_proposer_round_2_5() {
    let mut sim = s1_promised_by_s3_s4();
    deliver(&mut sim, between(S1, S3));
    act(&mut sim, Action::Crash(S3));
    let report = act(&mut sim, Action::Restart(S3));
    let accepted = Some(Proposal {
        n: n(1, S1),
        value: "A".into(),
    });
    assert_eq!(
        report.rules,
        vec![Rule::Restart {
            min_proposal: Some(n(1, S1)),
            accepted: accepted.clone(),
            round: 0
        }]
    );
    assert_eq!(node(&sim, S3).persistent.accepted, accepted);

    act(&mut sim, Action::Crash(S1));
    act(&mut sim, Action::Restart(S1));
    let s1 = node(&sim, S1);
    assert_eq!(
        s1.stage(),
        Stage::Idle,
        "the proposal in progress is abandoned"
    );
    assert_eq!(s1.persistent.round, 1);
    let report = propose(&mut sim, S1, "Z");
    assert!(report.rules.contains(&Rule::SendPrepare { n: n(2, S1) }));
}

/// A learner's knowledge is volatile: after a restart it must hear from a majority again.
#[test]
fn learner_forgets_on_restart_2_3() {
    let mut sim = s1_promised_by_s3_s4();
    deliver(&mut sim, from(S1));
    deliver(&mut sim, to(S6));
    assert!(node(&sim, S6).learned().is_some());
    act(&mut sim, Action::Crash(S6));
    act(&mut sim, Action::Restart(S6));
    assert!(node(&sim, S6).learned().is_none());
    assert!(sim.violations().is_empty());
}

/// §2.1: only proposers propose; the command is refused with a rule the view can show.
#[test]
fn only_proposers_propose_2_1() {
    let mut sim = default_cluster();
    let report = propose(&mut sim, S4, "A");
    assert_eq!(report.rules, vec![Rule::NotAProposer]);
    assert!(report.sent.is_empty());
}

/// With `propose_at_start`, each proposer holds a value of its own (A, B …) and waits one
/// back-off before its first Prepare.
#[test]
fn proposers_start_with_their_own_values() {
    let sim = cluster(PaxosConfig::default());
    for (i, id) in [S1, S2].into_iter().enumerate() {
        let p = &node(&sim, id).volatile.proposer;
        assert_eq!(p.value, Some(default_value(i)));
        assert_eq!(p.stage, Stage::Waiting);
        assert!(armed(&sim, id, Timer::Retry));
    }
    assert_eq!(node(&sim, S3).stage(), Stage::Idle);
}

/// §2.5: "each process plays the role of proposer, acceptor, and learner" — a colocated
/// cluster sends itself its own messages and still chooses one value.
#[test]
fn colocated_roles_choose_a_value_2_5() {
    let config = PaxosConfig::colocated(3, 2);
    assert_eq!(
        config.roles,
        vec![Roles::ALL, Roles::ALL, Roles::ACCEPTOR | Roles::LEARNER]
    );
    let mut sim = cluster(config);
    let report = act(&mut sim, Action::Fire(S1, Timer::Retry));
    let sent: Vec<NodeId> = report.sent.iter().map(|e| e.to).collect();
    assert_eq!(sent, vec![S1, S2, S3], "S1 is one of its own acceptors");
    sim.run_until(2_000_000);
    assert!(sim.violations().is_empty());
    let learned: Vec<_> = sim
        .nodes()
        .iter()
        .map(|s| s.state.learned().map(|p| p.value.clone()))
        .collect();
    assert!(learned[0].is_some());
    assert!(learned.iter().all(|l| *l == learned[0]), "{learned:?}");
}

/// Every rule names the section of "Paxos Made Simple" it comes from.
#[test]
fn every_rule_cites_a_section() {
    let rules = [
        Rule::NotAProposer,
        Rule::SendPrepare { n: n(1, S1) },
        Rule::Learn {
            n: n(1, S1),
            value: "A".into(),
        },
        Rule::Backoff {
            n: n(1, S1),
            delay: 1,
            randomized: true,
        },
        Rule::Restart {
            min_proposal: None,
            accepted: None,
            round: 0,
        },
    ];
    let sections: Vec<&str> = rules.iter().map(Rule::section).collect();
    assert_eq!(sections, vec!["§2.1", "§2.2", "§2.3", "§2.4", "§2.5"]);
}
