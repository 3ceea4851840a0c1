//! Raft leader election, one test per rule of the paper (Ongaro & Ousterhout 2014),
//! driven by hand through the simulator's manual mode: fire a timer, deliver a
//! chosen message, look at the state.

use concord_core::raft::message::AppendEntries;
use concord_core::raft::{Command, DenyReason, Msg, RaftConfig, Role, Rule, Timer};
use concord_core::sim::{Action, Event, NodeId};

mod raft_common;
use raft_common::*;

/// §5.2: "When servers start up, they begin as followers", each with an election timer armed.
#[test]
fn servers_start_as_followers_with_election_timer_5_2() {
    let sim = cluster(5, RaftConfig::default());
    for slot in sim.nodes() {
        assert_eq!(slot.state.role(), Role::Follower);
        assert_eq!(slot.state.term(), 0);
        let timer = slot.timers().get(&Timer::Election).unwrap();
        let c = RaftConfig::default();
        assert!((c.election_timeout_min..=c.election_timeout_max).contains(&timer.fires_at));
    }
}

/// §5.2: election timeouts are "chosen randomly from a fixed interval", so servers differ.
#[test]
fn election_timeouts_are_randomized_5_2() {
    let sim = cluster(5, RaftConfig::default());
    let mut deadlines: Vec<u64> = sim
        .nodes()
        .iter()
        .map(|s| s.timers().get(&Timer::Election).unwrap().fires_at)
        .collect();
    deadlines.sort();
    deadlines.dedup();
    assert!(
        deadlines.len() > 1,
        "all five timeouts equal: {deadlines:?}"
    );
}

/// §5.2: "To begin an election, a follower increments its current term and transitions to
/// candidate state. It then votes for itself and issues RequestVote RPCs in parallel to each
/// of the other servers."
#[test]
fn timeout_makes_candidate_that_votes_for_itself_and_asks_all_5_2() {
    let mut sim = cluster(5, RaftConfig::default());
    let report = timeout(&mut sim, 0);
    assert_eq!(
        report.rules,
        vec![Rule::StartElection {
            term: 1,
            forced: false
        }]
    );
    let s1 = &sim.nodes()[0].state;
    assert_eq!(s1.role(), Role::Candidate);
    assert_eq!(s1.term(), 1);
    assert_eq!(s1.persistent.voted_for, Some(NodeId(0)));
    let asked: Vec<NodeId> = in_flight(&sim, is_vote_request)
        .iter()
        .map(|e| e.to)
        .collect();
    assert_eq!(asked, vec![NodeId(1), NodeId(2), NodeId(3), NodeId(4)]);
    // The candidate re-arms its election timer, in case the vote splits.
    assert!(sim.nodes()[0].timers().contains_key(&Timer::Election));
}

/// §5.2: a candidate "wins an election if it receives votes from a majority of the servers in
/// the full cluster for the same term", then sends heartbeats to establish its authority.
#[test]
fn majority_of_votes_makes_leader_that_sends_heartbeats_5_2() {
    let mut sim = cluster(5, RaftConfig::default());
    timeout(&mut sim, 0);
    // Only two followers hear the request: with its own vote that is 3 of 5.
    deliver(&mut sim, |e| is_vote_request(e) && e.to.0 <= 2);
    let rules = deliver(&mut sim, is_vote_reply);
    assert!(rules.contains(&Rule::BecomeLeader { term: 1, votes: 3 }));
    assert_eq!(role(&sim, 0), Role::Leader);
    let heartbeats = in_flight(&sim, |e| {
        matches!(e.msg, Msg::AppendEntries(AppendEntries { term: 1, .. }))
    });
    assert_eq!(heartbeats.len(), 4);
    assert!(sim.nodes()[0].timers().contains_key(&Timer::Heartbeat));
    assert!(!sim.nodes()[0].timers().contains_key(&Timer::Election));
}

/// §5.2: "Each server will vote for at most one candidate in a given term, on a
/// first-come-first-served basis."
#[test]
fn at_most_one_vote_per_term_first_come_first_served_5_2() {
    let mut sim = cluster(5, RaftConfig::default());
    timeout(&mut sim, 0);
    timeout(&mut sim, 1);
    let first = deliver(&mut sim, vote_request(0, 2));
    assert_eq!(
        first[1..],
        vec![Rule::GrantVote {
            candidate: NodeId(0),
            term: 1
        }]
    );
    let second = deliver(&mut sim, vote_request(1, 2));
    assert_eq!(
        second,
        vec![Rule::DenyVote {
            candidate: NodeId(1),
            term: 1,
            reason: DenyReason::AlreadyVoted(NodeId(0))
        }]
    );
}

/// §5.1: "If a server receives a request with a stale term number, it rejects the request."
#[test]
fn request_vote_with_stale_term_is_rejected_5_1() {
    let mut sim = cluster(3, RaftConfig::default());
    timeout(&mut sim, 0); // S1: term 1
    timeout(&mut sim, 1); // S2: term 1
    timeout(&mut sim, 1); // S2: term 2
    let rules = deliver(&mut sim, vote_request(0, 1));
    assert_eq!(
        rules,
        vec![Rule::DenyVote {
            candidate: NodeId(0),
            term: 1,
            reason: DenyReason::StaleTerm
        }]
    );
}

/// §5.1: "If a candidate or leader discovers that its term is out of date, it immediately
/// reverts to follower state."
#[test]
fn leader_seeing_higher_term_steps_down_5_1() {
    let mut sim = cluster(3, RaftConfig::default());
    elect(&mut sim, 0);
    // S3 (term 1) times out before any heartbeat reaches it: term 2 > 1.
    timeout(&mut sim, 2);
    let rules = deliver(&mut sim, vote_request(2, 0));
    assert_eq!(
        rules[0],
        Rule::AdoptTerm {
            was: Role::Leader,
            term: 2
        }
    );
    assert_eq!(role(&sim, 0), Role::Follower);
    assert_eq!(term(&sim, 0), 2);
    assert!(!sim.nodes()[0].timers().contains_key(&Timer::Heartbeat));
}

/// §5.2: "If the AppendEntries RPC is from another server claiming to be leader and the leader's
/// term is at least as large as the candidate's current term, then the candidate recognizes the
/// leader as legitimate and returns to follower state."
#[test]
fn candidate_accepts_leader_of_same_term_5_2() {
    let mut sim = cluster(5, RaftConfig::default());
    timeout(&mut sim, 0);
    deliver(&mut sim, |e| {
        is_vote_request(e) && e.from == NodeId(0) && e.to != NodeId(4)
    });
    deliver(&mut sim, is_vote_reply);
    assert_eq!(role(&sim, 0), Role::Leader);
    // S5 never heard of S1's election; it times out into term 1 too.
    for e in in_flight(&sim, |e| e.to == NodeId(4)) {
        act(&mut sim, Action::Drop(e.id));
    }
    timeout(&mut sim, 4);
    assert_eq!((role(&sim, 4), term(&sim, 4)), (Role::Candidate, 1));
    let heartbeat = act(&mut sim, Action::Fire(NodeId(0), Timer::Heartbeat));
    assert!(heartbeat.rules.contains(&Rule::SendHeartbeats { term: 1 }));
    let rules = deliver(&mut sim, |e| e.from == NodeId(0) && e.to == NodeId(4));
    assert!(rules.contains(&Rule::FollowLeader {
        leader: NodeId(0),
        term: 1,
        was: Role::Candidate
    }));
    assert_eq!(role(&sim, 4), Role::Follower);
}

/// §5.2: with no majority, "each candidate will time out and start a new election by
/// incrementing its term"; randomized timeouts make a repeat split unlikely.
#[test]
fn split_vote_is_resolved_by_a_later_election_5_2() {
    let mut sim = cluster(4, RaftConfig::default());
    timeout(&mut sim, 0);
    timeout(&mut sim, 1);
    // S3 votes for S1, S4 for S2: two votes each, three needed.
    deliver(&mut sim, |e| {
        is_vote_request(e) && (e.from, e.to) == (NodeId(0), NodeId(2))
    });
    deliver(&mut sim, |e| {
        is_vote_request(e) && (e.from, e.to) == (NodeId(1), NodeId(3))
    });
    deliver(&mut sim, |_| true);
    assert!((0..4).all(|n| role(&sim, n) != Role::Leader));
    // Let time run: the split resolves.
    sim.run_until(sim.now() + 2_000_000);
    let leaders: Vec<_> = sim
        .nodes()
        .iter()
        .filter(|n| n.state.role() == Role::Leader)
        .collect();
    assert_eq!(leaders.len(), 1);
    assert!(leaders[0].state.term() >= 2);
    assert!(sim.violations().is_empty());
}

#[test]
fn a_cluster_of_one_elects_itself() {
    let mut sim = cluster(1, RaftConfig::default());
    let report = sim.step().unwrap();
    assert!(matches!(
        report.event,
        Event::TimerFired(NodeId(0), Timer::Election)
    ));
    assert_eq!(role(&sim, 0), Role::Leader);
}

/// Figure 2: currentTerm and votedFor are persistent; the role is not.
#[test]
fn restart_keeps_term_and_vote_but_not_role_fig2() {
    let mut sim = cluster(3, RaftConfig::default());
    elect(&mut sim, 0);
    act(&mut sim, Action::Crash(NodeId(0)));
    assert!(
        sim.nodes()[0].timers().is_empty(),
        "a crashed node fires no timers"
    );
    let report = act(&mut sim, Action::Restart(NodeId(0)));
    assert_eq!(report.rules, vec![Rule::Restart { term: 1 }]);
    let s1 = &sim.nodes()[0].state;
    assert_eq!(
        (s1.role(), s1.term(), s1.persistent.voted_for),
        (Role::Follower, 1, Some(NodeId(0)))
    );
    assert!(sim.nodes()[0].timers().contains_key(&Timer::Election));
}

/// The user's "force timeout" behaves as an election timeout.
#[test]
fn forced_timeout_starts_an_election() {
    let mut sim = cluster(3, RaftConfig::default());
    let report = act(&mut sim, Action::Command(NodeId(2), Command::Timeout));
    assert_eq!(
        report.rules,
        vec![Rule::StartElection {
            term: 1,
            forced: true
        }]
    );
}

/// Messages to a crashed server are not delivered (§5.1: servers may crash; RPCs go unanswered).
#[test]
fn crashed_server_receives_nothing() {
    let mut sim = cluster(3, RaftConfig::default());
    act(&mut sim, Action::Crash(NodeId(1)));
    timeout(&mut sim, 0);
    let env = in_flight(&sim, |e| e.to == NodeId(1))[0].clone();
    sim.run_until(env.deliver_at);
    assert_eq!(term(&sim, 1), 0);
}
