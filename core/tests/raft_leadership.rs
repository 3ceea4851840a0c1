//! Keeping leadership where it belongs (Ongaro's thesis): each switch against the
//! scenario it fixes, with the switch off for contrast. PreVote (§9.6), CheckQuorum
//! (§6.2, §4.2.3), leadership transfer (§3.10).

mod raft_common;

use concord_core::raft::{Change, Command, DenyReason, Msg, RaftConfig, RaftNode, Role, Rule};
use concord_core::sim::{Action, NodeId, Sim, ms};
use raft_common::*;

/// With PreVote an election takes two rounds of messages: time out and deliver until quiet.
fn elect_after_pre_vote(sim: &mut Sim<RaftNode>, node: u16) {
    timeout(sim, node);
    stabilize(sim);
    assert_eq!(role(sim, node), Role::Leader);
}

/// Five servers, S1 leader of term 1; S5 is cut off alone and times out `times` times; the
/// others take a write meanwhile; then the network heals and S1 sends a heartbeat round.
/// Returns the rules of the heal.
fn partitioned_server_rejoins(config: RaftConfig, times: usize) -> (Sim<RaftNode>, Vec<Rule>) {
    let mut sim = cluster(5, config);
    elect_after_pre_vote(&mut sim, 0);
    partition(&mut sim, &[&[4], &[0, 1, 2, 3]]);
    for _ in 0..times {
        timeout(&mut sim, 4);
        stabilize(&mut sim);
    }
    request(&mut sim, 0, 1, 1, "set x 1");
    stabilize(&mut sim);
    heal(&mut sim);
    let rules = settle(&mut sim, 0);
    (sim, rules)
}

/// Without PreVote, S5's term climbs with every timeout in its partition; when it rejoins, its
/// reply to the leader's heartbeat carries that term and the leader steps down (§5.1): a
/// server that cannot win still disrupts the cluster.
#[test]
fn without_pre_vote_a_rejoining_server_with_a_high_term_deposes_the_leader() {
    let (sim, rules) = partitioned_server_rejoins(RaftConfig::default(), 8);
    assert_eq!(term(&sim, 4), 9);
    assert!(rules.contains(&Rule::AdoptTerm {
        was: Role::Leader,
        term: 9
    }));
    assert_ne!(role(&sim, 0), Role::Leader);
    assert_no_violations(&sim);
}

/// Thesis §9.6: with PreVote, S5 asks first whether it could win; nobody answers in its
/// partition, so its term stays; it rejoins as a follower and the leader stays.
#[test]
fn with_pre_vote_a_rejoining_server_does_not_disrupt_the_leader_9_6() {
    let (sim, rules) = partitioned_server_rejoins(pre_vote(), 8);
    assert!(!rules.iter().any(|r| matches!(
        r,
        Rule::AdoptTerm {
            was: Role::Leader,
            ..
        }
    )));
    assert_eq!(role(&sim, 0), Role::Leader);
    assert_eq!(term(&sim, 0), 1);
    assert_eq!(term(&sim, 4), 1);
    assert_eq!(value(&sim, 4, "x"), Some(1), "S5 caught up as a follower");
    assert_no_violations(&sim);
}

/// Thesis §9.6: a pre-vote is granted only to a log at least as up-to-date (§5.4.1), and only
/// by a server that has not heard from a leader within the minimum election timeout.
#[test]
fn pre_votes_are_denied_while_the_leader_is_heard_and_to_stale_logs_9_6() {
    let mut sim = cluster(3, pre_vote());
    elect_after_pre_vote(&mut sim, 0);
    let report = timeout(&mut sim, 2);
    assert!(report.rules.contains(&Rule::StartPreVote {
        term: 2,
        forced: false
    }));
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::DenyPreVote {
        candidate: NodeId(2),
        term: 2,
        reason: DenyReason::LeaderAlive
    }));
    assert_eq!(term(&sim, 2), 1, "a pre-vote changes no term");
    // Long after the last heartbeat, S1 crashed: S2 grants; S3 wins the real election.
    crash(&mut sim, 0);
    let later = sim.now() + ms(400);
    sim.run_until(later);
    let leader = (1..3).find(|&n| role(&sim, n) == Role::Leader);
    assert!(leader.is_some(), "a pre-vote then an election");
    assert_eq!(
        term(&sim, leader.unwrap()),
        2,
        "one real election, one term"
    );
    assert_no_violations(&sim);
}

/// Five servers, S1 leader; S1 and S2 are cut off from the other three; time passes.
fn leader_in_minority(config: RaftConfig) -> Sim<RaftNode> {
    let mut sim = led(5, config);
    partition(&mut sim, &[&[0, 1], &[2, 3, 4]]);
    let later = sim.now() + ms(400);
    sim.run_until(later);
    sim
}

/// Without CheckQuorum, a leader cut off in a minority keeps believing it leads (and keeps
/// taking requests it can never commit) until it hears a newer term.
#[test]
fn without_check_quorum_a_leader_in_a_minority_stays_leader() {
    let sim = leader_in_minority(RaftConfig::default());
    assert_eq!(role(&sim, 0), Role::Leader);
    assert_eq!(term(&sim, 0), 1);
}

/// Thesis §6.2: "a leader steps down if an election timeout elapses without a successful round
/// of heartbeats to a majority of its cluster."
#[test]
fn with_check_quorum_a_leader_in_a_minority_steps_down_6_2() {
    let sim = leader_in_minority(check_quorum());
    assert_ne!(role(&sim, 0), Role::Leader);
    assert!(
        (2..5).any(|n| role(&sim, n) == Role::Leader),
        "the majority elected a leader"
    );
    assert_no_violations(&sim);
}

/// Thesis §4.2.3: with CheckQuorum, servers that heard from the leader within the minimum
/// election timeout ignore RequestVote: a server that times out alone (here forced) does not
/// depose a working leader. Without it, the leader steps down.
#[test]
fn with_check_quorum_followers_ignore_vote_requests_while_the_leader_is_heard_4_2_3() {
    for check_quorum in [false, true] {
        let config = RaftConfig {
            check_quorum,
            ..RaftConfig::default()
        };
        let mut sim = led(3, config);
        act(&mut sim, Action::Command(NodeId(2), Command::Timeout));
        let rules = stabilize(&mut sim);
        let ignored = count(&rules, |r| matches!(r, Rule::IgnoreVoteRequest { .. }));
        if check_quorum {
            assert_eq!(ignored, 2, "S1 and S2 ignore it");
            assert_eq!(role(&sim, 0), Role::Leader);
            assert_eq!(term(&sim, 0), 1);
        } else {
            assert_eq!(ignored, 0);
            assert_ne!(
                role(&sim, 0),
                Role::Leader,
                "S1 adopted term 2 and stepped down"
            );
        }
    }
}

/// Thesis §3.10: the leader stops taking requests, brings the target's log up to date, and
/// sends it TimeoutNow; the target starts an election at once and wins it, in one round of
/// votes, even with CheckQuorum's voters who heard from the old leader just now.
#[test]
fn leadership_transfer_moves_leadership_to_the_chosen_server_3_10() {
    let config = RaftConfig {
        pre_vote: true,
        ..check_quorum()
    };
    let mut sim = cluster(5, config);
    elect_after_pre_vote(&mut sim, 0);
    // S4 misses two writes.
    partition(&mut sim, &[&[3], &[0, 1, 2, 4]]);
    request(&mut sim, 0, 1, 1, "set x 1");
    request(&mut sim, 0, 1, 2, "add x 1");
    stabilize(&mut sim);
    heal(&mut sim);
    let report = act(
        &mut sim,
        Action::Command(NodeId(0), Command::Transfer { to: NodeId(3) }),
    );
    assert!(report.rules.contains(&Rule::StartTransfer {
        to: NodeId(3),
        match_index: 1,
        last: 3
    }));
    // New requests are turned away, naming the target.
    let report = request(&mut sim, 0, 2, 1, "set y 1");
    assert!(report.rules.contains(&Rule::RefuseDuringTransfer {
        client: 2,
        seq: 1,
        to: NodeId(3)
    }));
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::SendTimeoutNow { to: NodeId(3) }));
    assert!(rules.contains(&Rule::TransferElection {
        from: NodeId(0),
        term: 1
    }));
    assert_eq!(role(&sim, 3), Role::Leader);
    assert_eq!(term(&sim, 3), 2, "one election");
    assert_eq!(
        count(&rules, |r| matches!(r, Rule::StartElection { .. })),
        1
    );
    assert_eq!(value(&sim, 3, "x"), Some(2));
    assert_no_violations(&sim);
}

/// Only a leader can hand leadership over, and only to another server.
#[test]
fn transfer_needs_a_leader_and_another_server_3_10() {
    let mut sim = led(3, RaftConfig::default());
    for (at, to) in [(1, 2), (0, 0)] {
        let cmd = Command::Transfer { to: NodeId(to) };
        let report = act(&mut sim, Action::Command(NodeId(at), cmd));
        assert!(
            report
                .rules
                .contains(&Rule::CannotTransfer { to: NodeId(to) })
        );
    }
    assert_eq!(role(&sim, 0), Role::Leader);
}

/// Thesis §4.1 with §9.6 and §3.10: only voters are asked for pre-votes, and leadership goes
/// only to a voter; a learner told to time out starts nothing.
#[test]
fn pre_votes_and_transfers_stay_among_the_voters_4_1() {
    let mut sim = cluster(
        3,
        RaftConfig {
            spare: 1,
            ..pre_vote()
        },
    );
    timeout(&mut sim, 1);
    let asked: Vec<NodeId> = in_flight(&sim, |e| matches!(e.msg, Msg::PreVote(_)))
        .iter()
        .map(|e| e.to)
        .collect();
    assert_eq!(asked, [NodeId(0)], "the spare slot is not asked");
    drop_all(&mut sim);
    elect_after_pre_vote(&mut sim, 0);
    stabilize(&mut sim);
    settle(&mut sim, 0);
    change(&mut sim, 0, 1, Change::AddLearner(NodeId(2)));
    stabilize(&mut sim);
    settle(&mut sim, 0);
    let cmd = Command::Transfer { to: NodeId(2) };
    let rules = act(&mut sim, Action::Command(NodeId(0), cmd)).rules;
    assert_eq!(rules, [Rule::CannotTransfer { to: NodeId(2) }]);
    let rules = act(&mut sim, Action::Command(NodeId(2), Command::Timeout)).rules;
    assert!(matches!(rules[..], [Rule::NotVoter { .. }]), "{rules:?}");
    assert_eq!(role(&sim, 0), Role::Leader);
    assert_no_violations(&sim);
}
