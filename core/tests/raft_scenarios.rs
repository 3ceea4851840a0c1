//! The classic Raft situations, scripted by hand: logs made to diverge with
//! partitions, crashes and chosen deliveries, then left to the protocol.
//! Logs are drawn as in the paper's figures: the term of each entry, index 1 first.

mod raft_common;

use concord_core::raft::invariants::{LEADER_COMPLETENESS, STATE_MACHINE_SAFETY};
use concord_core::raft::{Breaks, DenyReason, RaftConfig, Role, Rule};
use concord_core::sim::{NodeId, Sim};
use raft_common::*;

use concord_core::raft::RaftNode;

/// Figure 7's situation on five servers: when a leader comes to power, followers may be
/// missing entries, have extra uncommitted entries, or both. Built by hand:
///
/// ```text
///          1 2 3 4 5 6 7 8 9
/// S1       1 1 1 1 1 1 1        old leader of term 1, four extra entries (minority)
/// S2       1 1 1 1 1            two of them
/// S3       1 1 1 2 2 2 2 2      leader of term 2
/// S4 (new) 1 1 1 2 2 2 2 2 3    leader of term 3, with its no-op
/// S5       1 1 1 2              missed everything after term 2's no-op
/// ```
///
/// Then the network heals and the leader brings every log in line with its own (§5.3: "the
/// leader handles inconsistencies by forcing the followers' logs to duplicate its own").
/// Returns the run and the rules fired while repairing.
fn figure_7(config: RaftConfig) -> (Sim<RaftNode>, Vec<Rule>) {
    let mut sim = cluster(5, config);
    // Term 1: S1 leads; no-op and two commands reach everyone and are committed.
    elect(&mut sim, 0);
    stabilize(&mut sim);
    request(&mut sim, 0, 1, 1, "set x 1");
    request(&mut sim, 0, 1, 2, "set y 2");
    stabilize(&mut sim);
    settle(&mut sim, 0);
    assert_eq!(commit(&sim, 4), 3);
    // S1 and S2 are cut off. S1 keeps accepting commands; S2 receives only the first two.
    partition(&mut sim, &[&[0, 1], &[2, 3, 4]]);
    for seq in 3..=6 {
        request(&mut sim, 0, 1, seq, "add x 100");
        if seq <= 4 {
            deliver(&mut sim, to(1));
        }
    }
    drop_all(&mut sim);
    // Term 2: S3 leads the majority; S5 takes the no-op, then crashes.
    elect(&mut sim, 2);
    stabilize(&mut sim);
    crash(&mut sim, 4);
    for seq in 1..=4 {
        request(&mut sim, 2, 2, seq, "add z 1");
    }
    stabilize(&mut sim);
    // Term 3: S4 leads with S3's vote and S5's (back, but behind).
    restart(&mut sim, 4);
    elect(&mut sim, 3);
    drop_all(&mut sim);
    assert_eq!(terms(&sim, 0), [1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(terms(&sim, 1), [1, 1, 1, 1, 1]);
    assert_eq!(terms(&sim, 2), [1, 1, 1, 2, 2, 2, 2, 2]);
    assert_eq!(terms(&sim, 3), [1, 1, 1, 2, 2, 2, 2, 2, 3]);
    assert_eq!(terms(&sim, 4), [1, 1, 1, 2]);
    assert_eq!(
        role(&sim, 0),
        Role::Leader,
        "S1 still believes it leads term 1"
    );
    // Heal and let the leader repair the logs.
    heal(&mut sim);
    let mut rules = settle(&mut sim, 3);
    rules.extend(settle(&mut sim, 3));
    (sim, rules)
}

fn backups_to(rules: &[Rule], follower: u16) -> usize {
    count(
        rules,
        |r| matches!(r, Rule::BackUp { follower: f, .. } if *f == NodeId(follower)),
    )
}

fn assert_repaired(sim: &Sim<RaftNode>) {
    let leader = terms(sim, 3);
    for n in 0..5 {
        assert_eq!(terms(sim, n), leader, "S{}", n + 1);
        assert_eq!(log(sim, n), log(sim, 3), "S{}", n + 1);
        assert_eq!(commit(sim, n), 9, "S{}", n + 1);
        // S1's "add x 100"s were never committed: they are gone everywhere.
        assert_eq!(value(sim, n, "x"), Some(1), "S{}", n + 1);
        assert_eq!(value(sim, n, "z"), Some(4), "S{}", n + 1);
    }
    assert_no_violations(sim);
}

/// §5.3: "After a rejection, the leader decrements nextIndex and retries the AppendEntries
/// RPC. Eventually nextIndex will reach a point where the leader and follower logs match."
#[test]
fn figure_7_divergent_logs_are_repaired_backing_up_one_entry_at_a_time_5_3() {
    let (sim, rules) = figure_7(RaftConfig::default());
    assert_repaired(&sim);
    // S1 holds term-1 entries at 4..=7, S2 at 4..=5: for both, nextIndex backs up one entry
    // per refusal, 9 → 8 → … → 4. S5 lacks 5..=8: 9 → 8 → … → 5.
    assert_eq!(backups_to(&rules, 0), 5, "{rules:?}");
    assert_eq!(backups_to(&rules, 1), 5);
    assert_eq!(backups_to(&rules, 4), 4);
    assert!(rules.contains(&Rule::TruncateLog {
        index: 4,
        old_term: 1,
        new_term: 2,
        removed: 4
    }));
    assert!(rules.contains(&Rule::TruncateLog {
        index: 4,
        old_term: 1,
        new_term: 2,
        removed: 2
    }));
    // S3 only lacks the no-op, S5 lacks four entries and the no-op: no conflict, no deletion.
    assert_eq!(count(&rules, |r| matches!(r, Rule::TruncateLog { .. })), 2);
}

/// §5.3: "the follower can include the term of the conflicting entry and the first index it
/// stores for that term. With this information, the leader can decrement nextIndex to bypass
/// all of the conflicting entries in that term; one AppendEntries RPC will be required for each
/// term with conflicting entries, rather than one RPC per entry."
#[test]
fn figure_7_with_the_conflict_hint_backs_up_a_term_at_a_time_5_3() {
    let config = RaftConfig {
        conflict_hint: true,
        ..RaftConfig::default()
    };
    let (sim, rules) = figure_7(config);
    assert_repaired(&sim);
    // S1: to just past its log's end (→ 8), then past its whole term 1 (→ 4); S2 likewise
    // (→ 6 → 4); S5, missing entries only, straight to just past its log (→ 5).
    assert_eq!(backups_to(&rules, 0), 2, "{rules:?}");
    assert_eq!(backups_to(&rules, 1), 2);
    assert_eq!(backups_to(&rules, 4), 1);
    assert!(
        rules
            .iter()
            .filter(|r| matches!(r, Rule::BackUp { .. }))
            .all(|r| matches!(r, Rule::BackUp { hint: true, .. }))
    );
}

/// The seed note's story: the old leader, cut off in a minority, keeps accepting commands it
/// cannot commit; the majority elects a new leader and moves on; when the network heals "the
/// inconsistent entries in the old leader's log are removed, and it matches the new leader's".
/// The client never got an answer for the lost command, retries it, and it is applied once.
#[test]
fn minority_leader_loses_its_uncommitted_entries_after_healing() {
    let mut sim = with_x_set(5, RaftConfig::default());
    partition(&mut sim, &[&[0, 1], &[2, 3, 4]]);
    request(&mut sim, 0, 1, 2, "set x 100");
    request(&mut sim, 0, 2, 1, "add n 1");
    stabilize(&mut sim);
    assert_eq!(terms(&sim, 1), [1, 1, 1, 1]);
    assert_eq!(commit(&sim, 0), 2, "two of five cannot commit");
    assert!(done(&sim, 1, 2).is_empty());
    elect(&mut sim, 2);
    stabilize(&mut sim);
    request(&mut sim, 2, 3, 1, "set x 7");
    stabilize(&mut sim);
    assert_eq!(done(&sim, 3, 1), [(4, Some(7))]);
    heal(&mut sim);
    let rules = settle(&mut sim, 2);
    assert!(rules.contains(&Rule::AdoptTerm {
        was: Role::Leader,
        term: 2
    }));
    for n in 0..5 {
        assert_eq!(terms(&sim, n), [1, 1, 2, 2], "S{}", n + 1);
        assert_eq!(value(&sim, n, "x"), Some(7));
        assert_eq!(value(&sim, n, "n"), None);
    }
    assert!(
        done(&sim, 1, 2).is_empty(),
        "the lost command was never answered"
    );
    // The client retries through S1, now a follower: forwarded, applied once, answered.
    request(&mut sim, 0, 1, 2, "set x 100");
    stabilize(&mut sim);
    settle(&mut sim, 2);
    assert_eq!(done(&sim, 1, 2), [(5, Some(100))]);
    for n in 0..5 {
        assert_eq!(value(&sim, n, "x"), Some(100));
    }
    assert_no_violations(&sim);
}

/// §5.1: "If a candidate or leader discovers that its term is out of date, it immediately
/// reverts to follower state." An old leader coming back sends heartbeats of its old term; they
/// are refused with the newer term, and it steps down and follows the new leader.
#[test]
fn old_leader_rejoining_with_a_lower_term_steps_down_5_1() {
    let mut sim = led(3, RaftConfig::default());
    partition(&mut sim, &[&[0], &[1, 2]]);
    elect(&mut sim, 1);
    stabilize(&mut sim);
    heal(&mut sim);
    assert_eq!((role(&sim, 0), term(&sim, 0)), (Role::Leader, 1));
    heartbeat(&mut sim, 0);
    let rules = deliver(&mut sim, |e| e.from == NodeId(0));
    assert_eq!(
        count(&rules, |r| matches!(
            r,
            Rule::RejectStaleLeader {
                leader: NodeId(0),
                term: 1
            }
        )),
        2
    );
    let rules = deliver(&mut sim, |e| e.to == NodeId(0));
    assert!(rules.contains(&Rule::AdoptTerm {
        was: Role::Leader,
        term: 2
    }));
    assert_eq!(role(&sim, 0), Role::Follower);
    assert!(
        !sim.nodes()[0]
            .timers()
            .contains_key(&concord_core::raft::Timer::Heartbeat)
    );
    settle(&mut sim, 1);
    assert_eq!(node(&sim, 0).volatile.leader, Some(NodeId(1)));
    assert_eq!(terms(&sim, 0), [1, 2]);
    assert_no_violations(&sim);
}

/// Seed note: "follower 节点不可用的情况相对容易解决" — a follower that was down catches up by
/// copying the leader's log when it comes back, and rebuilds its state machine.
#[test]
fn crashed_follower_catches_up_after_restart() {
    let mut sim = led(3, RaftConfig::default());
    crash(&mut sim, 2);
    for seq in 1..=10 {
        request(&mut sim, 0, 1, seq, "add x 1");
    }
    stabilize(&mut sim);
    assert_eq!(commit(&sim, 0), 11, "S1 and S2 are a majority");
    restart(&mut sim, 2);
    let rules = settle(&mut sim, 0);
    assert!(rules.contains(&Rule::StartProbe {
        follower: NodeId(2),
        next_index: 2
    }));
    assert!(rules.contains(&Rule::StartReplicate {
        follower: NodeId(2),
        match_index: 5
    }));
    settle(&mut sim, 0);
    assert_eq!(log(&sim, 2), log(&sim, 0));
    assert_eq!(commit(&sim, 2), 11);
    assert_eq!(value(&sim, 2, "x"), Some(10));
    assert_no_violations(&sim);
}

/// Thesis §6.3: the leader crashes after replicating a command but before answering; the
/// client retries with the same sequence number at another server. The new leader finds the
/// command in its log, waits for it instead of appending it again, and answers once it is
/// applied: the command runs once.
#[test]
fn request_retried_after_a_leader_crash_is_applied_once_6_3() {
    let mut sim = led(3, RaftConfig::default());
    request(&mut sim, 0, 4, 1, "add x 5");
    deliver(&mut sim, is_append);
    drop_all(&mut sim);
    crash(&mut sim, 0);
    assert!(done(&sim, 4, 1).is_empty());
    // S2 wins term 2; its no-op is not committed yet.
    elect(&mut sim, 1);
    // S3 voted for S2 but has not heard from it as leader: it turns the client away, naming S2.
    let report = request(&mut sim, 2, 4, 1, "add x 5");
    assert_eq!(
        report.rules,
        vec![Rule::NotLeader {
            client: 4,
            seq: 1,
            hint: Some(NodeId(1))
        }]
    );
    let report = request(&mut sim, 1, 4, 1, "add x 5");
    assert_eq!(
        report.rules,
        vec![Rule::RequestInLog {
            client: 4,
            seq: 1,
            index: 2
        }]
    );
    stabilize(&mut sim);
    settle(&mut sim, 1);
    restart(&mut sim, 0);
    settle(&mut sim, 1);
    assert_eq!(done(&sim, 4, 1), [(2, Some(5))]);
    for n in 0..3 {
        assert_eq!(value(&sim, n, "x"), Some(5), "S{}", n + 1);
    }
    // Once more after it was applied: answered from the session, still applied once.
    request(&mut sim, 1, 4, 1, "add x 5");
    settle(&mut sim, 1);
    assert_eq!(done(&sim, 4, 1), [(2, Some(5)), (2, Some(5))]);
    assert_eq!(value(&sim, 1, "x"), Some(5));
    assert_no_violations(&sim);
}

/// Figure 8 on five servers (no no-op entries, as in the paper's figure):
///
/// ```text
/// (a) S1 leads term 2; index 2 reaches S2 only.      S1 1 2   S2 1 2   S3 1   S4 1   S5 1
/// (b) S1 crashes; S5 wins term 3 (S3, S4, S5) and     S5 1 3
///     appends index 2 of term 3.
/// (c) S5 crashes; S1 restarts and wins term 4; its    S1 1 2 4   S2 1 2   S3 1 2
///     term-2 entry now sits on a majority.
/// (d) S1 crashes; S5 restarts and wins term 5 with    everyone 1 3
///     S2, S3, S4, and overwrites index 2 everywhere.
/// ```
///
/// Returns the run at (c), once S1 leads term 4 and brought S3 up to its log, and the rules
/// that fired then.
fn figure_8_to_c(breaks: Breaks) -> (Sim<RaftNode>, Vec<Rule>) {
    let mut sim = with_x_set(
        5,
        RaftConfig {
            breaks,
            ..no_noop()
        },
    );
    assert_eq!(commit(&sim, 4), 1);
    // (a) S1 leads term 2.
    crash(&mut sim, 0);
    restart(&mut sim, 0);
    elect(&mut sim, 0);
    stabilize(&mut sim);
    request(&mut sim, 0, 1, 2, "set x 2");
    deliver(&mut sim, to(1));
    drop_all(&mut sim);
    // (b) S5 leads term 3 with S3 and S4.
    crash(&mut sim, 0);
    timeout(&mut sim, 4);
    deliver(&mut sim, |e| {
        is_vote_request(e) && (e.to == NodeId(2) || e.to == NodeId(3))
    });
    deliver(&mut sim, is_vote_reply);
    assert_eq!((role(&sim, 4), term(&sim, 4)), (Role::Leader, 3));
    request(&mut sim, 4, 5, 1, "set x 3");
    drop_all(&mut sim);
    // (c) S1 leads term 4 with S2 and S3, and brings S3 up to its log.
    crash(&mut sim, 4);
    restart(&mut sim, 0);
    timeout(&mut sim, 0);
    drop_all(&mut sim);
    timeout(&mut sim, 0);
    deliver(&mut sim, |e| {
        is_vote_request(e) && (e.to == NodeId(1) || e.to == NodeId(2))
    });
    deliver(&mut sim, is_vote_reply);
    assert_eq!((role(&sim, 0), term(&sim, 0)), (Role::Leader, 4));
    drop_msgs(&mut sim, to(3));
    let rules_c = stabilize(&mut sim);
    assert_eq!(terms(&sim, 0), [1, 2]);
    assert_eq!(terms(&sim, 1), [1, 2]);
    assert_eq!(terms(&sim, 2), [1, 2]);
    (sim, rules_c)
}

/// After (c), S1 crashes and S5 comes back and stands for term 5 (its first try, in term 4, is
/// lost).
fn s5_stands_for_term_5(sim: &mut Sim<RaftNode>) {
    crash(sim, 0);
    restart(sim, 4);
    timeout(sim, 4);
    drop_all(sim);
    timeout(sim, 4);
}

/// Figure 8 to its end: returns the run after (d) and the rules fired at (c).
fn figure_8(breaks: Breaks) -> (Sim<RaftNode>, Vec<Rule>) {
    let (mut sim, rules_c) = figure_8_to_c(breaks);
    // (d) S5 leads term 5 with S2, S3 and S4, whose logs end in term 2 or 1.
    s5_stands_for_term_5(&mut sim);
    deliver(&mut sim, is_vote_request);
    deliver(&mut sim, is_vote_reply);
    assert_eq!((role(&sim, 4), term(&sim, 4)), (Role::Leader, 5));
    stabilize(&mut sim);
    for n in 1..5 {
        assert_eq!(terms(&sim, n), [1, 3], "S{}", n + 1);
    }
    (sim, rules_c)
}

/// §5.4.2, Figure 8: "a log entry that has been stored on a majority of servers … can still be
/// overwritten by a future leader." So "Raft never commits log entries from previous terms by
/// counting replicas": at (c) S1 leaves index 2 uncommitted, and (d) is then harmless.
#[test]
fn figure_8_entries_of_earlier_terms_are_not_committed_by_counting_replicas_5_4_2() {
    let (mut sim, rules_c) = figure_8(Breaks::default());
    assert!(rules_c.contains(&Rule::WaitForCurrentTerm {
        index: 2,
        entry_term: 2,
        term: 4
    }));
    assert!(
        !rules_c
            .iter()
            .any(|r| matches!(r, Rule::AdvanceCommit { .. }))
    );
    assert_no_violations(&sim);
    // S5 commits index 2 (term 3) through an entry of its own term.
    request(&mut sim, 4, 5, 2, "add x 1");
    stabilize(&mut sim);
    settle(&mut sim, 4);
    restart(&mut sim, 0);
    settle(&mut sim, 4);
    for n in 0..5 {
        assert_eq!(terms(&sim, n), [1, 3, 5]);
        assert_eq!(value(&sim, n, "x"), Some(4));
    }
    assert_no_violations(&sim);
}

/// Break it: committing index 2 at (c) by counting replicas, as the "commit_previous_terms"
/// switch does, is exactly Figure 8's mistake: the entry S1 applied is overwritten at (d), so
/// the leader of term 5 lacks a committed entry and S5 applies a different one at index 2.
#[test]
fn figure_8_committing_by_counting_replicas_breaks_safety() {
    let breaks = Breaks {
        commit_previous_terms: true,
        ..Breaks::default()
    };
    let (sim, rules_c) = figure_8(breaks);
    assert!(rules_c.contains(&Rule::AdvanceCommit {
        index: 2,
        entry_term: 2,
        term: 4,
        replicas: 3
    }));
    let found: Vec<&str> = sim
        .violations()
        .iter()
        .map(|v| v.invariant.as_str())
        .collect();
    assert!(found.contains(&LEADER_COMPLETENESS), "{found:?}");
    assert!(found.contains(&STATE_MACHINE_SAFETY), "{found:?}");
    let lc = &sim.violations()[0];
    assert_eq!(lc.invariant, LEADER_COMPLETENESS);
    assert_eq!(lc.nodes, vec![NodeId(0), NodeId(4)]);
}

/// Figure 8 (e): if S1 gets an entry of its own term onto a majority before it crashes, that
/// entry and the term-2 entry before it are committed, and S5 can no longer win: "the voter
/// denies its vote if its own log is more up-to-date than that of the candidate" (§5.4.1).
#[test]
fn figure_8_e_an_entry_of_the_current_term_commits_those_before_it_5_4_2() {
    let (mut sim, _) = figure_8_to_c(Breaks::default());
    // (e): index 3 of term 4 reaches S2 and S3: indexes 2 and 3 are committed.
    request(&mut sim, 0, 1, 3, "add x 10");
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::AdvanceCommit {
        index: 3,
        entry_term: 4,
        term: 4,
        replicas: 3
    }));
    assert_eq!(value(&sim, 0, "x"), Some(12));
    s5_stands_for_term_5(&mut sim);
    let rules = deliver(&mut sim, is_vote_request);
    assert_eq!(
        count(&rules, |r| matches!(
            r,
            Rule::DenyVote {
                reason: DenyReason::LogBehind,
                ..
            }
        )),
        2,
        "S2 and S3 hold the term-4 entry: {rules:?}"
    );
    deliver(&mut sim, is_vote_reply);
    assert_ne!(role(&sim, 4), Role::Leader);
    assert_no_violations(&sim);
}
