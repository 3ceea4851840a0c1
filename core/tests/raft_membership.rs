//! Membership changes (Ongaro's thesis, chapter 4), one rule per test, then the
//! scenarios: a server catching up as learner and promoted, the leader removed, a
//! follower removed, a change refused while one is pending, a crash mid-change.
//! Driven by hand in manual mode, as the other Raft suites.

mod raft_common;

use concord_core::raft::invariants::{ELECTION_SAFETY, ONE_CHANGE_AT_A_TIME};
use concord_core::raft::{
    Breaks, Change, Command, Configuration, EntryKind, Outcome, RaftConfig, RaftNode, Refusal,
    Role, Rule, Timer,
};
use concord_core::sim::{Action, NodeId, Sim, ms};
use raft_common::*;

/// `voters` initial voters and `spare` slots outside the configuration.
fn with_spares(voters: usize, spare: usize, config: RaftConfig) -> Sim<RaftNode> {
    cluster(voters + spare, RaftConfig { spare, ..config })
}

fn s(i: u16) -> NodeId {
    NodeId(i)
}

fn config(voters: &[u16], learners: &[u16]) -> Configuration {
    Configuration {
        voters: voters.iter().map(|&i| NodeId(i)).collect(),
        learners: learners.iter().map(|&i| NodeId(i)).collect(),
    }
}

fn outcome(sim: &Sim<RaftNode>, seq: u64) -> Vec<Outcome> {
    replies(sim, 9, seq)
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

fn refused(sim: &Sim<RaftNode>, seq: u64) -> Option<Refusal> {
    outcome(sim, seq).into_iter().find_map(|o| match o {
        Outcome::Refused { reason } => Some(reason),
        _ => None,
    })
}

fn election_armed(sim: &Sim<RaftNode>, n: u16) -> bool {
    sim.nodes()[n as usize]
        .timers()
        .contains_key(&Timer::Election)
}

/// A leader S1 of the voters, its no-op committed everywhere.
fn settled(voters: usize, spare: usize, config: RaftConfig) -> Sim<RaftNode> {
    let mut sim = led(voters + spare, RaftConfig { spare, ..config });
    settle(&mut sim, 0);
    sim
}

/// Three voters led by S1, and S4 added as a learner, the change committed.
fn with_learner_s4() -> Sim<RaftNode> {
    let mut sim = settled(3, 1, RaftConfig::default());
    change(&mut sim, 0, 1, Change::AddLearner(s(3)));
    stabilize(&mut sim);
    sim
}

/// The leader S1 appends `change`, gives it to S2 only, and crashes; it comes back with the
/// change in its log.
fn change_reaches_s2_before_s1_crashes(sim: &mut Sim<RaftNode>, proposed: Change) {
    change(sim, 0, 1, proposed);
    deliver(sim, |e| is_append(e) && e.to == s(1));
    drop_all(sim);
    crash(sim, 0);
    restart(sim, 0);
}

/// The switch of §4.2.1: a new server catches up as a learner before it may vote.
fn catch_up_first() -> RaftConfig {
    RaftConfig {
        catch_up_first: true,
        ..RaftConfig::default()
    }
}

/// Break it: a leader takes a change while another is pending.
fn concurrent_changes() -> RaftConfig {
    RaftConfig {
        breaks: Breaks {
            concurrent_changes: true,
            ..Breaks::default()
        },
        ..RaftConfig::default()
    }
}

/// Client 9's change `seq` got one answer: done, committed at `index`.
fn assert_done(sim: &Sim<RaftNode>, seq: u64, index: u64) {
    assert_eq!(outcome(sim, seq), [Outcome::Done { index, value: None }]);
}

/// The rule by which a server refuses client 9's change `seq`.
fn refusal(seq: u64, change: Change, reason: Refusal) -> Rule {
    Rule::RefuseChange {
        client: 9,
        seq,
        change,
        reason,
    }
}

#[test]
fn spares_start_outside_the_configuration_and_start_no_elections_thesis_4_1() {
    let mut sim = with_spares(3, 2, RaftConfig::default());
    for n in 0..5 {
        assert_eq!(node(&sim, n).configuration(), &config(&[0, 1, 2], &[]));
        assert_eq!(election_armed(&sim, n), n < 3, "S{}", n + 1);
    }
    let rules = act(&mut sim, Action::Command(s(3), Command::Timeout)).rules;
    assert_eq!(rules, [Rule::NotVoter { term: 0 }]);
    assert_eq!(role(&sim, 3), Role::Follower);
}

#[test]
fn quorums_come_from_the_configuration_not_the_slots_thesis_4_1() {
    // Three voters in five slots: two votes elect, two replicas commit.
    let mut sim = with_spares(3, 2, RaftConfig::default());
    timeout(&mut sim, 0);
    let asked: Vec<NodeId> = in_flight(&sim, is_vote_request)
        .iter()
        .map(|e| e.to)
        .collect();
    assert_eq!(asked, [s(1), s(2)], "only voters are asked");
    deliver(&mut sim, |e| is_vote_request(e) && e.to == s(1));
    let rules = deliver(&mut sim, is_vote_reply);
    assert!(rules.contains(&Rule::BecomeLeader { term: 1, votes: 2 }));
    drop_msgs(&mut sim, to(2));
    deliver(&mut sim, |e| is_append(e) && e.to == s(1));
    deliver(&mut sim, to(0));
    assert_eq!(commit(&sim, 0), 1, "the no-op on 2 of 3 voters");
    assert_no_violations(&sim);
}

#[test]
fn a_configuration_is_used_as_soon_as_it_is_in_the_log_committed_or_not_thesis_4_1() {
    let mut sim = settled(3, 1, RaftConfig::default());
    let rules = change(&mut sim, 0, 1, Change::AddLearner(s(3))).rules;
    assert!(
        rules
            .iter()
            .any(|r| matches!(r, Rule::AppendConfiguration { index: 2, .. }))
    );
    assert_eq!(node(&sim, 0).configuration(), &config(&[0, 1, 2], &[3]));
    // The leader replicates to its new learner at once.
    assert!(!in_flight(&sim, |e| is_append(e) && e.to == s(3)).is_empty());
    // A follower that receives the entry uses it before it commits.
    let rules = deliver(&mut sim, |e| is_append(e) && e.to == s(1));
    assert!(rules.contains(&Rule::UseConfiguration {
        index: 2,
        config: config(&[0, 1, 2], &[3])
    }));
    assert_eq!(commit(&sim, 1), 1);
    assert_eq!(node(&sim, 1).configuration(), &config(&[0, 1, 2], &[3]));
    assert!(matches!(
        log(&sim, 1)[1].kind,
        EntryKind::Config(ref c) if *c == config(&[0, 1, 2], &[3])
    ));
}

#[test]
fn a_leader_refuses_a_change_while_one_is_pending_thesis_4_1() {
    let mut sim = settled(3, 2, RaftConfig::default());
    change(&mut sim, 0, 1, Change::AddLearner(s(3)));
    let rules = change(&mut sim, 0, 2, Change::AddLearner(s(4))).rules;
    assert!(rules.contains(&refusal(
        2,
        Change::AddLearner(s(4)),
        Refusal::ChangePending
    )));
    assert_eq!(refused(&sim, 2), Some(Refusal::ChangePending));
    // Once the first is committed the second is taken, and answered once committed.
    stabilize(&mut sim);
    assert_done(&sim, 1, 2);
    change(&mut sim, 0, 3, Change::AddLearner(s(4)));
    stabilize(&mut sim);
    assert_done(&sim, 3, 3);
    assert_eq!(node(&sim, 0).configuration(), &config(&[0, 1, 2], &[3, 4]));
    assert_no_violations(&sim);
}

#[test]
fn a_new_leader_takes_no_change_before_committing_an_entry_of_its_term_thesis_4_1() {
    let mut sim = with_spares(3, 1, no_noop());
    elect(&mut sim, 0);
    change(&mut sim, 0, 1, Change::AddLearner(s(3)));
    assert_eq!(refused(&sim, 1), Some(Refusal::NoCommitInTerm));
    request(&mut sim, 0, 1, 1, "set x 1");
    stabilize(&mut sim);
    change(&mut sim, 0, 2, Change::AddLearner(s(3)));
    stabilize(&mut sim);
    assert_done(&sim, 2, 2);
}

#[test]
fn a_change_adds_or_removes_one_server_and_must_make_sense_thesis_4_2() {
    let mut sim = settled(1, 2, RaftConfig::default());
    // One after the other: each row is tried on the configuration the rows above left.
    let tries = [
        (Change::Promote(s(1)), Some(Refusal::NotLearner)),
        (Change::Remove(s(2)), Some(Refusal::NotMember)),
        (Change::Remove(s(0)), Some(Refusal::LastVoter)),
        (Change::AddVoter(s(0)), Some(Refusal::AlreadyVoter)),
        (Change::AddVoter(s(7)), Some(Refusal::NoSuchServer)),
        (Change::AddLearner(s(1)), None),
        (Change::AddLearner(s(1)), Some(Refusal::AlreadyMember)),
        (Change::Promote(s(1)), None),
    ];
    for (seq, (proposed, expected)) in (1..).zip(tries) {
        change(&mut sim, 0, seq, proposed);
        stabilize(&mut sim);
        assert_eq!(refused(&sim, seq), expected, "{proposed:?}");
    }
    assert_eq!(node(&sim, 0).configuration(), &config(&[0, 1], &[]));
    // A server that is not the leader says so and names the leader.
    let rules = change(&mut sim, 1, 99, Change::AddVoter(s(2))).rules;
    assert!(rules.contains(&refusal(99, Change::AddVoter(s(2)), Refusal::NotLeader)));
    assert_eq!(outcome(&sim, 99), [Outcome::NotLeader { hint: Some(s(0)) }]);
    assert_no_violations(&sim);
}

#[test]
fn learners_receive_the_log_but_never_vote_nor_count_thesis_4_2_1() {
    let mut sim = with_learner_s4();
    assert_eq!(log(&sim, 3).len(), 2, "the learner has the log");
    assert!(!election_armed(&sim, 3), "a learner starts no elections");
    // Entries stored by the leader and the learner only are not committed.
    partition(&mut sim, &[&[0, 3], &[1, 2]]);
    request(&mut sim, 0, 1, 1, "set x 1");
    stabilize(&mut sim);
    assert_eq!(log(&sim, 3).len(), 3);
    assert_eq!(commit(&sim, 0), 2);
    // A candidate does not ask the learner for its vote.
    heal(&mut sim);
    timeout(&mut sim, 1);
    assert!(in_flight(&sim, |e| is_vote_request(e) && e.to == s(3)).is_empty());
    assert_no_violations(&sim);
}

#[test]
fn a_removed_leader_does_not_count_itself_and_steps_down_once_it_commits_thesis_4_2_2() {
    let mut sim = settled(3, 0, RaftConfig::default());
    change(&mut sim, 0, 1, Change::Remove(s(0)));
    assert_eq!(node(&sim, 0).configuration(), &config(&[1, 2], &[]));
    assert_eq!(
        role(&sim, 0),
        Role::Leader,
        "it leads until the change commits"
    );
    // S2 stores it: two of the three old servers, but one of the two new voters.
    deliver(&mut sim, |e| is_append(e) && e.to == s(1));
    deliver(&mut sim, to(0));
    assert_eq!(commit(&sim, 0), 1, "the leader does not count itself");
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::StepDownRemoved { term: 1, index: 2 }));
    assert_eq!(role(&sim, 0), Role::Follower);
    assert!(
        !election_armed(&sim, 0),
        "outside the configuration: no elections"
    );
    assert_done(&sim, 1, 2);
    // The remaining voters elect a leader between themselves.
    elect(&mut sim, 1);
    stabilize(&mut sim);
    assert_eq!(node(&sim, 1).majority(), 2);
    assert!(
        node(&sim, 1)
            .volatile
            .leader_state
            .as_ref()
            .unwrap()
            .peers
            .keys()
            .eq([&s(2)])
    );
    assert_no_violations(&sim);
}

#[test]
fn removing_a_follower_shrinks_the_majority_and_stops_replication_to_it_thesis_4_2() {
    let mut sim = settled(3, 0, RaftConfig::default());
    change(&mut sim, 0, 1, Change::Remove(s(2)));
    stabilize(&mut sim);
    assert_done(&sim, 1, 2);
    assert_eq!(node(&sim, 2).configuration(), &config(&[0, 1], &[]));
    // Until it learns the removal is committed it might still be needed (thesis §4.2.2).
    assert!(election_armed(&sim, 2));
    settle(&mut sim, 0);
    assert!(
        !election_armed(&sim, 2),
        "the removed server learned it and stays quiet"
    );
    heartbeat(&mut sim, 0);
    assert!(in_flight(&sim, |e| e.to == s(2)).is_empty());
    // Two voters now: both are needed.
    drop_all(&mut sim);
    partition(&mut sim, &[&[0, 2], &[1]]);
    request(&mut sim, 0, 1, 1, "set x 1");
    stabilize(&mut sim);
    assert_eq!(commit(&sim, 0), 2);
    assert_no_violations(&sim);
}

/// Scenario: a new server joins as learner, catches up with a log of several entries, and is
/// promoted without the client doing more than asking to add it (§4.2.1).
#[test]
fn scenario_a_new_server_catches_up_as_learner_then_becomes_voter_thesis_4_2_1() {
    let mut sim = settled(3, 1, catch_up_first());
    for seq in 1..=6 {
        request(&mut sim, 0, 1, seq, "add x 1");
    }
    stabilize(&mut sim);
    let rules = change(&mut sim, 0, 1, Change::AddVoter(s(3))).rules;
    assert!(rules.contains(&Rule::AppendConfiguration {
        index: 8,
        term: 1,
        config: config(&[0, 1, 2], &[3])
    }));
    let mut rules = stabilize(&mut sim);
    rules.extend(settle(&mut sim, 0));
    assert!(
        rules.contains(&Rule::CaughtUp {
            server: s(3),
            round: 1
        }),
        "{rules:?}"
    );
    assert_eq!(node(&sim, 0).configuration(), &config(&[0, 1, 2, 3], &[]));
    assert_done(&sim, 1, 9);
    assert_eq!(value(&sim, 3, "x"), Some(6));
    assert!(election_armed(&sim, 3), "a voter now");
    assert_no_violations(&sim);
}

/// Without the switch, the server is added as voter directly.
#[test]
fn without_catch_up_first_a_server_is_added_as_voter_directly() {
    let mut sim = settled(3, 1, RaftConfig::default());
    change(&mut sim, 0, 1, Change::AddVoter(s(3)));
    assert_eq!(node(&sim, 0).configuration(), &config(&[0, 1, 2, 3], &[]));
    assert_eq!(node(&sim, 0).majority(), 3);
}

/// A learner that never answers is not promoted: after ten rounds of an election timeout each,
/// the leader gives up and tells the client (§4.2.1).
#[test]
fn a_learner_that_cannot_catch_up_is_not_promoted_thesis_4_2_1() {
    let mut sim = settled(3, 1, catch_up_first());
    crash(&mut sim, 3);
    change(&mut sim, 0, 1, Change::AddVoter(s(3)));
    sim.run_until(sim.now() + ms(5_000));
    assert_eq!(refused(&sim, 1), Some(Refusal::CatchUpFailed));
    let leader = sim
        .nodes()
        .iter()
        .find(|n| n.state.is_leader())
        .expect("a leader");
    assert_eq!(leader.state.configuration(), &config(&[0, 1, 2], &[3]));
    assert_no_violations(&sim);
}

/// Scenario: the leader appends a change, gives it to one follower and crashes. The servers
/// use whatever their logs say; the crashed one finds the configuration again in its log; the
/// change survives if the new leader has it, and the run stays safe either way.
#[test]
fn scenario_a_crash_in_the_middle_of_a_change_thesis_4_1() {
    let mut sim = settled(3, 1, RaftConfig::default());
    change_reaches_s2_before_s1_crashes(&mut sim, Change::AddVoter(s(3)));
    assert_eq!(node(&sim, 0).configuration(), &config(&[0, 1, 2, 3], &[]));
    assert_eq!(node(&sim, 2).configuration(), &config(&[0, 1, 2], &[]));
    // S2 has the entry: it needs three of four votes. S4 grants (thesis §4.1: servers vote for
    // candidates outside their configuration), and so does S3.
    timeout(&mut sim, 1);
    stabilize(&mut sim);
    assert_eq!(role(&sim, 1), Role::Leader);
    stabilize(&mut sim);
    settle(&mut sim, 1);
    for n in 0..4 {
        assert_eq!(
            node(&sim, n).configuration(),
            &config(&[0, 1, 2, 3], &[]),
            "S{}",
            n + 1
        );
    }
    assert_no_violations(&sim);
}

/// A follower whose uncommitted configuration entry is overwritten goes back to the
/// configuration before it (§4.1: "a log entry … may be removed; the server must then fall back
/// to the previous configuration").
#[test]
fn a_truncated_configuration_entry_gives_way_to_the_previous_one_thesis_4_1() {
    let mut sim = settled(5, 1, RaftConfig::default());
    partition(&mut sim, &[&[0, 1], &[2, 3, 4, 5]]);
    change(&mut sim, 0, 1, Change::AddLearner(s(5)));
    stabilize(&mut sim);
    assert_eq!(
        node(&sim, 1).configuration(),
        &config(&[0, 1, 2, 3, 4], &[5])
    );
    // The entry reached S2 only and cannot commit; S3 wins the next term without it.
    partition(&mut sim, &[&[0], &[1, 2, 3, 4, 5]]);
    elect(&mut sim, 2);
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::UseConfiguration {
        index: 0,
        config: config(&[0, 1, 2, 3, 4], &[])
    }));
    assert_eq!(
        node(&sim, 1).configuration(),
        &config(&[0, 1, 2, 3, 4], &[])
    );
    assert_no_violations(&sim);
}

#[test]
fn a_restarted_server_finds_its_configuration_in_its_log_thesis_4_1() {
    let mut sim = with_learner_s4();
    crash(&mut sim, 3);
    restart(&mut sim, 3);
    assert_eq!(node(&sim, 3).configuration(), &config(&[0, 1, 2], &[3]));
    assert!(!election_armed(&sim, 3));
}

/// Break it: with concurrent changes allowed, the leader takes a second change while the first
/// is pending, and the checker reports it.
#[test]
fn checker_catches_a_second_change_while_one_is_pending() {
    let mut sim = settled(3, 2, concurrent_changes());
    change(&mut sim, 0, 1, Change::AddVoter(s(3)));
    let found = change(&mut sim, 0, 2, Change::AddVoter(s(4))).violations;
    assert_eq!(
        found
            .iter()
            .map(|v| v.invariant.as_str())
            .collect::<Vec<_>>(),
        [ONE_CHANGE_AT_A_TIME]
    );
}

/// A server removed by a configuration not yet committed may still be needed: it campaigns,
/// asking the new voters and not counting its own vote (thesis §4.2.2). Once it knows the
/// removal committed, it falls silent.
#[test]
fn a_server_removed_by_an_uncommitted_change_campaigns_without_its_own_vote_thesis_4_2_2() {
    let mut sim = settled(3, 0, RaftConfig::default());
    change_reaches_s2_before_s1_crashes(&mut sim, Change::Remove(s(0)));
    assert!(
        election_armed(&sim, 0),
        "the removal is not known committed"
    );
    timeout(&mut sim, 0);
    let asked: Vec<NodeId> = in_flight(&sim, is_vote_request)
        .iter()
        .map(|e| e.to)
        .collect();
    assert_eq!(asked, [s(1), s(2)]);
    deliver(&mut sim, |e| is_vote_request(e) && e.to == s(1));
    let rules = deliver(&mut sim, is_vote_reply);
    assert!(rules.contains(&Rule::CountVote {
        from: s(1),
        granted: true,
        votes: 1,
        needed: 2
    }));
    assert_eq!(role(&sim, 0), Role::Candidate);
    deliver(&mut sim, is_vote_request);
    deliver(&mut sim, is_vote_reply);
    assert_eq!(role(&sim, 0), Role::Leader);
    // It commits the removal through its no-op, then steps down.
    let rules = stabilize(&mut sim);
    assert!(
        rules
            .iter()
            .any(|r| matches!(r, Rule::StepDownRemoved { .. }))
    );
    assert!(!election_armed(&sim, 0));
    assert_no_violations(&sim);
}

/// Break it, the thesis's Figure 4.2 made real: with two changes in flight, servers holding
/// both (S1, S4, S5: a majority of the five-voter configuration) and servers holding neither
/// (S2, S3: a majority of the old three) elect two leaders in one term.
#[test]
fn concurrent_changes_let_disjoint_majorities_elect_two_leaders_in_one_term_figure_4_2() {
    let mut sim = settled(3, 2, concurrent_changes());
    partition(&mut sim, &[&[0, 3, 4], &[1, 2]]);
    change(&mut sim, 0, 1, Change::AddVoter(s(3)));
    change(&mut sim, 0, 2, Change::AddVoter(s(4)));
    stabilize(&mut sim);
    assert_eq!(
        node(&sim, 4).configuration(),
        &config(&[0, 1, 2, 3, 4], &[])
    );
    assert_eq!(node(&sim, 1).configuration(), &config(&[0, 1, 2], &[]));
    elect(&mut sim, 1);
    elect(&mut sim, 3);
    assert_eq!((term(&sim, 1), term(&sim, 3)), (2, 2));
    let found: Vec<&str> = sim
        .violations()
        .iter()
        .map(|v| v.invariant.as_str())
        .collect();
    // The second change is reported first; then the two leaders (and S2 leading without the
    // entries the other majority committed).
    assert_eq!(found.first(), Some(&ONE_CHANGE_AT_A_TIME));
    assert!(found.contains(&ELECTION_SAFETY), "{found:?}");
}
