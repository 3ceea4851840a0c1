//! Reads without the log (Ongaro's thesis §6.4), scripted by hand: ReadIndex, the
//! lease of §6.4.1, and the stale follower read the linearizability checker catches.

mod raft_common;

use concord_core::raft::linearizability::LINEARIZABILITY;
use concord_core::raft::message::AppendEntries;
use concord_core::raft::{
    Breaks, Change, Command, Msg, RaftConfig, RaftNode, ReadMode, Role, Rule, Timer,
};
use concord_core::sim::{Action, Input, NodeId, Sim, StepReport, ms};
use raft_common::*;

/// Client `client` reads `key` at server `node` as `mode` says.
fn read(
    sim: &mut Sim<RaftNode>,
    node: u16,
    client: u32,
    seq: u64,
    key: &str,
    mode: ReadMode,
) -> StepReport<RaftNode> {
    let cmd = Command::Read {
        client,
        seq,
        key: key.into(),
        mode,
    };
    act(sim, Action::Command(NodeId(node), cmd))
}

/// Three servers with CheckQuorum in `config`, S1 leader, `set x 1` committed. A first lease
/// read has no lease yet: it is answered after a round, which starts the lease (§6.4.1).
fn lease_taken(config: RaftConfig) -> Sim<RaftNode> {
    let mut sim = led(3, config);
    request(&mut sim, 0, 1, 1, "set x 1");
    stabilize(&mut sim);
    read(&mut sim, 0, 2, 1, "x", ReadMode::Lease);
    stabilize(&mut sim);
    assert_eq!(done(&sim, 2, 1), [(2, Some(1))]);
    sim
}

/// Thesis §6.4: the leader records its commit index as the read index, sends a round of
/// heartbeats, and answers only once a majority acknowledged it; no entry is appended.
#[test]
fn read_index_answers_after_a_majority_acknowledges_a_heartbeat_round_6_4() {
    let mut sim = with_x_set(3, RaftConfig::default());
    let log_before = log(&sim, 0).len();
    let report = read(&mut sim, 0, 2, 1, "x", ReadMode::ReadIndex);
    assert!(report.rules.contains(&Rule::ReadIndex {
        client: 2,
        seq: 1,
        read_index: 2,
        round: 1
    }));
    assert!(done(&sim, 2, 1).is_empty(), "no answer before the round");
    // The heartbeats carry the round; one follower's answer makes a majority of three.
    let beats = in_flight(&sim, is_append);
    assert_eq!(beats.len(), 2);
    assert!(
        beats
            .iter()
            .all(|e| matches!(e.msg, Msg::AppendEntries(AppendEntries { round: 1, .. })))
    );
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(1));
    let rules = deliver(&mut sim, |e| e.from == NodeId(1));
    assert!(rules.iter().any(|r| matches!(
        r,
        Rule::ReplyRead {
            value: Some(1),
            read_index: 2,
            ..
        }
    )));
    assert_eq!(done(&sim, 2, 1), [(2, Some(1))]);
    assert_eq!(log(&sim, 0).len(), log_before, "a read adds no entry");
    assert_no_violations(&sim);
}

/// Thesis §6.4, step 1: a new leader does not know the latest commit index until an entry of
/// its own term is committed. Without the no-op that takes a client's write.
#[test]
fn read_index_waits_for_an_entry_of_the_leaders_term_6_4() {
    let mut sim = led(3, no_noop());
    let report = read(&mut sim, 0, 2, 1, "x", ReadMode::ReadIndex);
    assert!(
        report
            .rules
            .contains(&Rule::ReadWaitForTerm { client: 2, seq: 1 })
    );
    settle(&mut sim, 0);
    assert!(done(&sim, 2, 1).is_empty(), "still no entry of term 1");
    request(&mut sim, 0, 1, 1, "set x 5");
    let rules = stabilize(&mut sim);
    assert!(rules.iter().any(|r| matches!(
        r,
        Rule::ReadIndex {
            read_index: 1,
            round: 1,
            ..
        }
    )));
    assert!(done(&sim, 2, 1).is_empty(), "the round is still to come");
    settle(&mut sim, 0);
    assert_eq!(done(&sim, 2, 1), [(1, Some(5))]);
    assert_no_violations(&sim);
}

/// A follower passes a ReadIndex read on to the leader, which answers it.
#[test]
fn a_follower_forwards_reads_to_the_leader_6_4() {
    let mut sim = with_x_set(3, RaftConfig::default());
    read(&mut sim, 2, 2, 1, "x", ReadMode::ReadIndex);
    stabilize(&mut sim);
    assert_eq!(done(&sim, 2, 1), [(2, Some(1))]);
    assert_eq!(replies(&sim, 2, 1)[0].by, NodeId(0));
}

/// Thesis §6.4.1: once a majority acknowledged a round, the leader holds a lease for the
/// minimum election timeout less a drift margin, and answers at once, without messages.
/// Without CheckQuorum there is no lease (nothing stops an election), and it falls back on a
/// round.
#[test]
fn lease_reads_answer_without_a_round_while_the_lease_holds_6_4_1() {
    let mut sim = lease_taken(check_quorum());
    let report = read(&mut sim, 0, 2, 2, "x", ReadMode::Lease);
    assert!(
        report
            .rules
            .iter()
            .any(|r| matches!(r, Rule::ReadLease { read_index: 2, .. }))
    );
    assert!(report.sent.is_empty(), "no round");
    assert_eq!(done(&sim, 2, 2), [(2, Some(1))]);
    let mut plain = with_x_set(3, RaftConfig::default());
    let report = read(&mut plain, 0, 2, 1, "x", ReadMode::Lease);
    assert!(
        report
            .rules
            .iter()
            .any(|r| matches!(r, Rule::ReadIndex { .. })),
        "no lease without CheckQuorum"
    );
}

/// The old leader, cut off with one follower, still believes it leads. The majority elects S3
/// and writes `x = 2`. A stale read at the old leader answers 1 after the client has seen 2:
/// the checker reports it. A ReadIndex read there gets no answer at all (no majority).
#[test]
fn stale_reads_at_a_deposed_leader_are_caught_and_read_index_is_not_fooled() {
    let mut sim = with_x_set(5, RaftConfig::default());
    partition(&mut sim, &[&[0, 1], &[2, 3, 4]]);
    elect(&mut sim, 2);
    stabilize(&mut sim);
    // Time passes (an empty heal: the partition stays, the clock moves).
    let at = sim.now() + ms(1);
    let groups = vec![
        vec![NodeId(0), NodeId(1)],
        vec![NodeId(2), NodeId(3), NodeId(4)],
    ];
    sim.apply(Input::Act {
        at,
        action: Action::Partition(groups.clone()),
    })
    .unwrap();
    request(&mut sim, 2, 1, 2, "set x 2");
    stabilize(&mut sim);
    assert_eq!(done(&sim, 1, 2), [(4, Some(2))]);
    let at = sim.now() + ms(1);
    sim.apply(Input::Act {
        at,
        action: Action::Partition(groups),
    })
    .unwrap();
    read(&mut sim, 0, 2, 1, "x", ReadMode::ReadIndex);
    stabilize(&mut sim);
    assert!(done(&sim, 2, 1).is_empty(), "two of five cannot confirm");
    assert_no_violations(&sim);
    let report = read(&mut sim, 1, 2, 2, "x", ReadMode::Stale);
    assert!(
        report
            .rules
            .iter()
            .any(|r| matches!(r, Rule::StaleRead { value: Some(1), .. }))
    );
    let found: Vec<_> = report
        .violations
        .iter()
        .map(|v| v.invariant.as_str())
        .collect();
    assert_eq!(found, [LINEARIZABILITY], "{:#?}", violations(&sim));
    assert_eq!(report.violations[0].nodes, [NodeId(1)]);
}

/// Thesis §6.4.1: a lease is safe only if clocks drift within the assumed bound. S1 leads three
/// servers with CheckQuorum and serves a lease read at time 0; then it is cut off. At 160 ms,
/// past the voters' minimum election timeout, S3 wins an election and takes `set x 2`. At
/// 170 ms a lease read reaches S1. With a sound clock its lease (135 ms) is over and it needs a
/// round it cannot get: no answer. With the `slow_leader_clock` break its lease lasts 270 ms
/// of real time, it answers 1, and the checker reports it.
#[test]
fn a_lease_outlives_the_leader_only_when_its_clock_is_slow_6_4_1() {
    for slow in [false, true] {
        let config = RaftConfig {
            breaks: Breaks {
                slow_leader_clock: slow,
                ..Breaks::default()
            },
            ..check_quorum()
        };
        let mut sim = lease_taken(config);
        partition(&mut sim, &[&[0], &[1, 2]]);
        // Run to 160 ms; unless S2 or S3 already won, S3 times out then.
        advance_to(&mut sim, ms(160));
        if !(1..3).any(|n| role(&sim, n) == Role::Leader) {
            act(&mut sim, Action::Fire(NodeId(2), Timer::Election));
            stabilize(&mut sim);
        }
        let leader = (1..3).find(|&n| role(&sim, n) == Role::Leader).unwrap();
        request(&mut sim, leader, 1, 2, "set x 2");
        stabilize(&mut sim);
        assert_eq!(done(&sim, 1, 2).len(), 1);
        advance_to(&mut sim, ms(170));
        let report = read(&mut sim, 0, 2, 2, "x", ReadMode::Lease);
        if slow {
            assert!(
                report
                    .rules
                    .iter()
                    .any(|r| matches!(r, Rule::ReadLease { .. }))
            );
            assert_eq!(done(&sim, 2, 2), [(2, Some(1))]);
            let found: Vec<_> = report
                .violations
                .iter()
                .map(|v| v.invariant.as_str())
                .collect();
            assert_eq!(found, [LINEARIZABILITY]);
        } else {
            assert!(done(&sim, 2, 2).is_empty(), "no lease, no round: no answer");
            assert_no_violations(&sim);
        }
    }
}

/// Handle every event up to `t`, then move the clock to `t` (an intervention that changes
/// nothing: the partition S1 | S2 S3 again).
fn advance_to(sim: &mut Sim<RaftNode>, t: u64) {
    sim.run_until(t);
    let groups = vec![vec![NodeId(0)], vec![NodeId(1), NodeId(2)]];
    sim.apply(Input::Act {
        at: t,
        action: Action::Partition(groups),
    })
    .unwrap();
}

/// Thesis §4.1 with §6.4: the heartbeat round that confirms a read needs a majority of the
/// configuration's voters; learners' acknowledgements do not count. Here S1 and S2 vote, S3 and
/// S4 are learners, and S1 has compacted its log into a snapshot (§7), which the read index and
/// the answer do not need.
#[test]
fn read_index_needs_a_majority_of_voters_not_learners_and_survives_compaction_4_1_6_4() {
    let mut sim = led(
        4,
        RaftConfig {
            spare: 2,
            snapshot_threshold: 2,
            ..RaftConfig::default()
        },
    );
    settle(&mut sim, 0);
    for (seq, learner) in [(1, 2), (2, 3)] {
        change(&mut sim, 0, seq, Change::AddLearner(NodeId(learner)));
        stabilize(&mut sim);
        settle(&mut sim, 0);
    }
    request(&mut sim, 0, 1, 1, "set x 1");
    stabilize(&mut sim);
    settle(&mut sim, 0);
    act(&mut sim, Action::Fire(NodeId(0), Timer::Snapshot));
    assert!(
        node(&sim, 0).persistent.log.start_index() >= 3,
        "S1 compacted"
    );
    let report = read(&mut sim, 0, 2, 1, "x", ReadMode::ReadIndex);
    assert!(
        report
            .rules
            .iter()
            .any(|r| matches!(r, Rule::ReadIndex { read_index: 4, .. })),
        "{:?}",
        report.rules
    );
    let learner = |e: &concord_core::sim::Envelope<Msg>| e.to.0 >= 2 || e.from.0 >= 2;
    deliver(&mut sim, learner);
    deliver(&mut sim, learner);
    assert!(done(&sim, 2, 1).is_empty(), "two learners are no quorum");
    stabilize(&mut sim);
    assert_eq!(done(&sim, 2, 1), [(4, Some(1))]);
    assert_no_violations(&sim);
}
