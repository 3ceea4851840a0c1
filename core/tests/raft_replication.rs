//! Raft log replication, commitment and clients, one test per rule of the paper
//! (Ongaro & Ousterhout 2014, Figure 2, §5.3, §5.4, §8; Ongaro's thesis §6),
//! driven by hand: fire a timer, deliver chosen messages, look at the state.

mod raft_common;

use concord_core::raft::message::{AppendEntries, AppendEntriesReply};
use concord_core::raft::{
    DenyReason, Entry, EntryKind, Msg, Op, Outcome, Progress, RaftConfig, Role, Rule,
};
use concord_core::sim::{Action, NodeId};
use raft_common::*;

/// Figure 2, "Volatile state on leaders (reinitialized after election)": "nextIndex[] …
/// initialized to leader last log index + 1", "matchIndex[] … initialized to 0".
#[test]
fn leader_initializes_next_index_past_its_log_and_match_index_to_zero_fig2() {
    let mut sim = cluster(3, no_noop());
    elect(&mut sim, 0);
    request(&mut sim, 0, 1, 1, "set x 1");
    request(&mut sim, 0, 1, 2, "set x 2");
    stabilize(&mut sim);
    // A new leader in a later term starts afresh, whatever it knew before.
    crash(&mut sim, 0);
    elect(&mut sim, 1);
    let ls = node(&sim, 1).volatile.leader_state.clone().unwrap();
    for id in [NodeId(0), NodeId(2)] {
        let pr = ls.peers[&id];
        assert_eq!((pr.next_index, pr.match_index), (3, 0), "{id}");
        assert_eq!(pr.progress, Progress::Probe);
    }
    assert!(!ls.peers.contains_key(&NodeId(1)));
}

/// §8: "Raft handles this by having each leader commit a blank no-op entry into the log at the
/// start of its term." The no-op travels with the first heartbeats.
#[test]
fn new_leader_appends_a_noop_at_the_start_of_its_term_8() {
    let mut sim = cluster(3, RaftConfig::default());
    let rules = elect(&mut sim, 0);
    assert!(rules.contains(&Rule::AppendNoop { index: 1, term: 1 }));
    assert_eq!(log(&sim, 0), [Entry::noop(1)]);
    assert_eq!(entries_carried(&sim), [1, 1]);
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::AdvanceCommit {
        index: 1,
        entry_term: 1,
        term: 1,
        replicas: 2
    }));
    assert_eq!(commit(&sim, 0), 1);
    // Switched off, the first heartbeats are empty.
    let mut sim = cluster(3, no_noop());
    elect(&mut sim, 0);
    assert!(log(&sim, 0).is_empty());
}

/// Figure 2, Leaders: "If command received from client: append entry to local log" and §5.3:
/// the leader "issues AppendEntries RPCs in parallel to each of the other servers to replicate
/// the entry".
#[test]
fn leader_appends_a_client_command_and_sends_it_to_every_follower_5_3() {
    let mut sim = led(3, RaftConfig::default());
    let report = request(&mut sim, 0, 7, 1, "set x 3");
    assert_eq!(
        report.rules,
        vec![
            Rule::AppendCommand {
                client: 7,
                seq: 1,
                op: Op::set("x", 3),
                index: 2,
                term: 1
            },
            Rule::SendEntries {
                to: NodeId(1),
                first: 2,
                last: 2
            },
            Rule::SendEntries {
                to: NodeId(2),
                first: 2,
                last: 2
            },
        ]
    );
    assert_eq!(
        log(&sim, 0)[1],
        Entry {
            term: 1,
            kind: EntryKind::Command {
                client: 7,
                seq: 1,
                op: Op::set("x", 3)
            }
        }
    );
    for env in in_flight(&sim, is_append) {
        let Msg::AppendEntries(AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            ..
        }) = env.msg
        else {
            unreachable!()
        };
        assert_eq!((prev_log_index, prev_log_term, leader_commit), (1, 1, 1));
        assert_eq!(entries.len(), 1);
    }
}

/// Figure 2, AppendEntries receiver: "Reply false if log doesn't contain an entry at
/// prevLogIndex whose term matches prevLogTerm (§5.3)."
#[test]
fn follower_refuses_entries_that_do_not_follow_its_log_5_3() {
    let mut sim = led(3, RaftConfig::default());
    crash(&mut sim, 2);
    for seq in 1..=3 {
        request(&mut sim, 0, 1, seq, "add x 1");
    }
    stabilize(&mut sim);
    restart(&mut sim, 2);
    // S3 has only the no-op; the leader, replicating, sends from index 5 on.
    heartbeat(&mut sim, 0);
    let rules = deliver(&mut sim, |e| is_append(e) && e.to == NodeId(2));
    assert!(rules.contains(&Rule::RejectLogMismatch {
        prev_log_index: 4,
        prev_log_term: 1
    }));
    assert_eq!(terms(&sim, 2), [1]);
    let reply = in_flight(&sim, |e| e.from == NodeId(2)).remove(0);
    assert!(matches!(
        reply.msg,
        Msg::AppendEntriesReply(AppendEntriesReply {
            success: false,
            rejection: Some(_),
            ..
        })
    ));
    // The leader probes from just past what S3 is known to hold, then catches it up.
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::StartProbe {
        follower: NodeId(2),
        next_index: 2
    }));
    assert_eq!(terms(&sim, 2), [1, 1, 1, 1]);
    assert_no_violations(&sim);
}

/// Figure 2, AppendEntries receiver: "If an existing entry conflicts with a new one (same index
/// but different terms), delete the existing entry and all that follow it (§5.3)."
#[test]
fn conflicting_entry_and_all_that_follow_it_are_deleted_5_3() {
    let mut sim = led(5, RaftConfig::default());
    // S1 appends two entries that reach only S2, then crashes.
    request(&mut sim, 0, 1, 1, "set x 1");
    request(&mut sim, 0, 1, 2, "set x 2");
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(1));
    drop_all(&mut sim);
    crash(&mut sim, 0);
    assert_eq!(terms(&sim, 1), [1, 1, 1]);
    // S3 wins term 2 with S4 and S5; its no-op goes to index 2.
    elect(&mut sim, 2);
    let rules = stabilize(&mut sim);
    assert!(rules.contains(&Rule::TruncateLog {
        index: 2,
        old_term: 1,
        new_term: 2,
        removed: 2
    }));
    assert_eq!(terms(&sim, 1), [1, 2]);
    assert_no_violations(&sim);
}

/// Figure 2, AppendEntries receiver: "Append any new entries not already in the log." A
/// duplicated or late AppendEntries changes nothing, and never removes entries sent since.
#[test]
fn repeated_or_late_append_entries_change_nothing_5_3() {
    let mut sim = led(3, RaftConfig::default());
    request(&mut sim, 0, 1, 1, "set x 1");
    let first = in_flight(&sim, |e| is_append(e) && e.to == NodeId(1)).remove(0);
    act(&mut sim, Action::Duplicate(first.id));
    request(&mut sim, 0, 1, 2, "set x 2");
    // Deliver the second entry first, then both copies of the first.
    let second = in_flight(&sim, |e| {
        is_append(e) && e.to == NodeId(1) && e.id != first.id
    })
    .into_iter()
    .find(|e| {
        matches!(
            &e.msg,
            Msg::AppendEntries(AppendEntries {
                prev_log_index: 2,
                ..
            })
        )
    })
    .unwrap();
    deliver(&mut sim, |e| e.id == second.id);
    assert_eq!(
        terms(&sim, 1),
        [1],
        "the second entry does not follow S2's log"
    );
    let rules = deliver(&mut sim, |e| is_append(e) && e.to == NodeId(1));
    assert_eq!(
        count(&rules, |r| matches!(r, Rule::AppendLog { .. })),
        1,
        "{rules:?}"
    );
    assert_eq!(terms(&sim, 1), [1, 1]);
    stabilize(&mut sim);
    assert_eq!(terms(&sim, 1), [1, 1, 1]);
    assert_no_violations(&sim);
}

/// Figure 2, AppendEntries receiver: "If leaderCommit > commitIndex, set commitIndex =
/// min(leaderCommit, index of last new entry)." A follower catching up in batches commits no
/// further than the batch it has checked.
#[test]
fn follower_commits_no_further_than_the_last_new_entry_fig2() {
    let mut sim = led(3, RaftConfig::default());
    crash(&mut sim, 2);
    for seq in 1..=9 {
        request(&mut sim, 0, 1, seq, "add x 1");
    }
    stabilize(&mut sim);
    assert_eq!(commit(&sim, 0), 10);
    restart(&mut sim, 2);
    heartbeat(&mut sim, 0);
    // Refusal, then probing from index 2: the next AppendEntries carries entries 2..=5 with
    // leaderCommit 10.
    deliver(&mut sim, |e| e.to == NodeId(2));
    let rules = deliver(&mut sim, |e| e.from == NodeId(2));
    assert!(rules.contains(&Rule::SendEntries {
        to: NodeId(2),
        first: 2,
        last: 5
    }));
    let rules = deliver(&mut sim, |e| e.to == NodeId(2));
    assert!(rules.contains(&Rule::LearnCommit { commit_index: 5 }));
    assert_eq!(commit(&sim, 2), 5);
    assert_eq!(value(&sim, 2, "x"), Some(4));
    stabilize(&mut sim);
    settle(&mut sim, 0);
    assert_eq!(commit(&sim, 2), 10);
    assert_eq!(value(&sim, 2, "x"), Some(9));
}

/// At most `max_batch` entries travel in one AppendEntries; more go in further messages.
#[test]
fn entries_travel_in_batches_of_at_most_max_batch() {
    let config = RaftConfig {
        max_batch: 2,
        ..RaftConfig::default()
    };
    let mut sim = led(3, config);
    crash(&mut sim, 1);
    for seq in 1..=5 {
        request(&mut sim, 0, 1, seq, "add x 1");
    }
    stabilize(&mut sim);
    restart(&mut sim, 1);
    let rules = settle(&mut sim, 0);
    let sizes: Vec<u64> = rules
        .iter()
        .filter_map(|r| match r {
            Rule::SendEntries { to, first, last } if *to == NodeId(1) => Some(last - first + 1),
            _ => None,
        })
        .collect();
    assert!(sizes.iter().all(|&n| n <= 2), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<u64>(), 5, "{sizes:?}");
    assert_eq!(terms(&sim, 1), terms(&sim, 0));
}

/// Probe: while the leader does not know where a follower's log matches, one AppendEntries at
/// a time. Replicate: once it knows, entries are sent as they come, several in flight.
#[test]
fn probe_sends_one_message_at_a_time_then_replicate_pipelines() {
    let mut sim = cluster(3, RaftConfig::default());
    elect(&mut sim, 0);
    // Probing: the first heartbeat (with the no-op) is out; new entries wait.
    request(&mut sim, 0, 1, 1, "set x 1");
    request(&mut sim, 0, 1, 2, "set x 2");
    assert_eq!(
        in_flight(&sim, |e| is_append(e) && e.to == NodeId(1)).len(),
        1
    );
    let pr = node(&sim, 0).volatile.leader_state.as_ref().unwrap().peers[&NodeId(1)];
    assert_eq!(pr.progress, Progress::Probe);
    assert!(pr.paused);
    // The probe succeeds: replicate, and the rest follows at once.
    deliver(&mut sim, |e| e.to == NodeId(1));
    let rules = deliver(&mut sim, |e| e.from == NodeId(1));
    assert!(rules.contains(&Rule::StartReplicate {
        follower: NodeId(1),
        match_index: 1
    }));
    assert!(rules.contains(&Rule::SendEntries {
        to: NodeId(1),
        first: 2,
        last: 3
    }));
    // Replicating: each new entry goes out at once, without waiting for the last reply.
    request(&mut sim, 0, 1, 3, "set x 3");
    request(&mut sim, 0, 1, 4, "set x 4");
    assert_eq!(
        in_flight(&sim, |e| is_append(e) && e.to == NodeId(1)).len(),
        3
    );
    let pr = node(&sim, 0).volatile.leader_state.as_ref().unwrap().peers[&NodeId(1)];
    assert_eq!((pr.progress, pr.next_index), (Progress::Replicate, 6));
    stabilize(&mut sim);
    assert_eq!(terms(&sim, 1), [1; 5]);
    assert_no_violations(&sim);
}

/// Figure 2, Leaders: "If successful: update nextIndex and matchIndex for follower (§5.3)."
/// "If there exists an N such that N > commitIndex, a majority of matchIndex[i] ≥ N, and
/// log[N].term == currentTerm: set commitIndex = N (§5.3, §5.4)."
#[test]
fn leader_commits_once_a_majority_stores_an_entry_of_its_term_5_3() {
    let mut sim = led(5, RaftConfig::default());
    request(&mut sim, 0, 1, 1, "set x 1");
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(1));
    let rules = deliver(&mut sim, |e| e.from == NodeId(1));
    assert!(rules.contains(&Rule::AckEntries {
        follower: NodeId(1),
        match_index: 2,
        next_index: 3
    }));
    assert_eq!(commit(&sim, 0), 1, "two of five is not a majority");
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(2));
    let rules = deliver(&mut sim, |e| e.from == NodeId(2));
    assert!(rules.contains(&Rule::AdvanceCommit {
        index: 2,
        entry_term: 1,
        term: 1,
        replicas: 3
    }));
    assert_eq!(commit(&sim, 0), 2);
    // The leader applied it and answered the client.
    assert_eq!(value(&sim, 0, "x"), Some(1));
    assert_eq!(done(&sim, 1, 1), [(2, Some(1))]);
    assert_no_violations(&sim);
}

/// Figure 2, All Servers: "If commitIndex > lastApplied: increment lastApplied, apply
/// log[lastApplied] to state machine (§5.3)." Followers apply what the leader's commit index
/// tells them is committed, in order.
#[test]
fn followers_apply_committed_entries_in_log_order_fig2() {
    let mut sim = led(3, RaftConfig::default());
    for (seq, op) in [
        (1, "set x 2"),
        (2, "add x 3"),
        (3, "del x"),
        (4, "add x 10"),
    ] {
        request(&mut sim, 0, 1, seq, op);
    }
    stabilize(&mut sim);
    assert_eq!(node(&sim, 1).volatile.last_applied, 1, "not told yet");
    let rules = settle(&mut sim, 0);
    assert!(rules.contains(&Rule::LearnCommit { commit_index: 5 }));
    assert!(rules.contains(&Rule::ApplyEntries { first: 2, last: 5 }));
    for n in 0..3 {
        let v = &node(&sim, n).volatile;
        assert_eq!((v.commit_index, v.last_applied), (5, 5));
        assert_eq!(value(&sim, n, "x"), Some(10));
    }
    assert_eq!(done(&sim, 1, 2), [(3, Some(5))]);
    assert_eq!(
        done(&sim, 1, 3),
        [(4, Some(5))],
        "del answers the removed value"
    );
}

/// §8: a leader answers after the command is applied; reads go through the log like writes.
#[test]
fn reads_go_through_the_log_and_are_answered_after_commit_8() {
    let mut sim = led(3, RaftConfig::default());
    request(&mut sim, 0, 1, 1, "set k 42");
    let report = request(&mut sim, 0, 2, 1, "get k");
    assert!(matches!(
        report.rules[0],
        Rule::AppendCommand { index: 3, .. }
    ));
    assert!(done(&sim, 2, 1).is_empty(), "no answer before commit");
    stabilize(&mut sim);
    assert_eq!(done(&sim, 2, 1), [(3, Some(42))]);
    let reply = &replies(&sim, 2, 1)[0];
    assert_eq!(reply.by, NodeId(0));
    assert!(reply.replied_at >= reply.requested_at);
}

/// Thesis §6.2: a follower that knows the leader passes the request on; the leader answers.
#[test]
fn follower_forwards_a_client_request_to_the_leader_it_knows() {
    let mut sim = led(3, RaftConfig::default());
    let report = request(&mut sim, 2, 5, 1, "add n 2");
    assert_eq!(
        report.rules,
        vec![Rule::ForwardRequest {
            client: 5,
            seq: 1,
            leader: NodeId(0)
        }]
    );
    let rules = stabilize(&mut sim);
    assert!(
        rules
            .iter()
            .any(|r| matches!(r, Rule::AppendCommand { client: 5, .. }))
    );
    assert!(rules.iter().any(|r| matches!(
        r,
        Rule::ReplyClient {
            client: 5,
            cached: false,
            ..
        }
    )));
    assert_eq!(done(&sim, 5, 1), [(2, Some(2))]);
}

/// §8: "If the client's first choice is not the leader, that server will reject the client's
/// request and supply information about the most recent leader it has heard from." Knowing no
/// leader, a server names the candidate it voted for, if any.
#[test]
fn server_that_knows_no_leader_turns_the_client_away_8() {
    let mut sim = cluster(3, RaftConfig::default());
    let report = request(&mut sim, 1, 1, 1, "set x 1");
    assert_eq!(
        report.rules,
        vec![Rule::NotLeader {
            client: 1,
            seq: 1,
            hint: None
        }]
    );
    timeout(&mut sim, 0);
    deliver(&mut sim, |e| is_vote_request(e) && e.to == NodeId(1));
    let report = request(&mut sim, 1, 1, 2, "set x 1");
    assert_eq!(
        report.rules,
        vec![Rule::NotLeader {
            client: 1,
            seq: 2,
            hint: Some(NodeId(0))
        }]
    );
    assert_eq!(
        replies(&sim, 1, 2)[0].outcome,
        Outcome::NotLeader {
            hint: Some(NodeId(0))
        }
    );
}

/// Thesis §6.3: "the state machine tracks the latest serial number processed for each client,
/// along with the associated response. If it receives a command whose serial number has already
/// been executed, it responds immediately without re-executing the request."
#[test]
fn retried_request_is_answered_from_the_session_not_applied_again_6_3() {
    let mut sim = led(3, RaftConfig::default());
    request(&mut sim, 0, 9, 1, "add x 5");
    stabilize(&mut sim);
    let report = request(&mut sim, 0, 9, 1, "add x 5");
    assert_eq!(
        report.rules,
        vec![Rule::ReplyClient {
            client: 9,
            seq: 1,
            index: 2,
            value: Some(5),
            requested_at: sim.now(),
            cached: true
        }]
    );
    assert_eq!(log(&sim, 0).len(), 2, "not appended again");
    // A retry of a request still in the log waits for that entry.
    request(&mut sim, 0, 9, 2, "add x 1");
    let report = request(&mut sim, 0, 9, 2, "add x 1");
    assert_eq!(
        report.rules,
        vec![Rule::RequestInLog {
            client: 9,
            seq: 2,
            index: 3
        }]
    );
    stabilize(&mut sim);
    let report = request(&mut sim, 0, 9, 2, "add x 1");
    assert!(matches!(
        report.rules[..],
        [Rule::ReplyClient {
            index: 3,
            cached: true,
            ..
        }]
    ));
    // A request older than the client's last applied one is ignored.
    request(&mut sim, 0, 9, 3, "get x");
    stabilize(&mut sim);
    let report = request(&mut sim, 0, 9, 2, "add x 1");
    assert_eq!(
        report.rules,
        vec![Rule::IgnoreOldRequest {
            client: 9,
            seq: 2,
            last_seq: 3
        }]
    );
    settle(&mut sim, 0);
    for n in 0..3 {
        assert_eq!(value(&sim, n, "x"), Some(6));
    }
    assert_eq!(done(&sim, 9, 3), [(4, Some(6))]);
}

/// §5.4.1: "If the logs have last entries with different terms, then the log with the later
/// term is more up-to-date. If the logs end with the same term, then whichever log is longer is
/// more up-to-date." A voter denies a candidate whose log is less up-to-date than its own.
#[test]
fn voters_deny_candidates_with_less_up_to_date_logs_5_4_1() {
    // Longer log, same last term: S3 (one entry behind) is denied by S1 and S2.
    let mut sim = led(3, RaftConfig::default());
    request(&mut sim, 0, 1, 1, "set x 1");
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(1));
    drop_all(&mut sim);
    crash(&mut sim, 0);
    restart(&mut sim, 0);
    timeout(&mut sim, 2);
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
        "{rules:?}"
    );
    deliver(&mut sim, is_vote_reply);
    assert_ne!(role(&sim, 2), Role::Leader);
    // Equal logs grant: S2 (same log as S1) wins against S1's vote.
    timeout(&mut sim, 1);
    let rules = deliver(&mut sim, is_vote_request);
    assert!(rules.contains(&Rule::GrantVote {
        candidate: NodeId(1),
        term: 3
    }));
    assert_no_violations(&sim);
}

/// §5.4.1 compares last terms before lengths: a shorter log with a later last term is more
/// up-to-date than a longer one with an earlier term.
#[test]
fn later_last_term_beats_a_longer_log_5_4_1() {
    let mut sim = led(5, RaftConfig::default());
    // S1 (term 1) appends three entries that reach only S2.
    partition(&mut sim, &[&[0, 1], &[2, 3, 4]]);
    for seq in 1..=3 {
        request(&mut sim, 0, 1, seq, "add x 1");
    }
    stabilize(&mut sim);
    // S3 leads term 2 with S4 and S5: its log is [1, 2], shorter than S2's [1, 1, 1, 1].
    elect(&mut sim, 2);
    stabilize(&mut sim);
    heal(&mut sim);
    crash(&mut sim, 2);
    assert_eq!(terms(&sim, 1), [1, 1, 1, 1]);
    assert_eq!(terms(&sim, 3), [1, 2]);
    // S2 asks for votes in term 3 (its first try, in term 2, goes nowhere): S4 and S5, whose
    // last entry is of term 2, deny it.
    timeout(&mut sim, 1);
    drop_all(&mut sim);
    timeout(&mut sim, 1);
    let rules = deliver(&mut sim, |e| is_vote_request(e) && e.to.0 >= 3);
    assert_eq!(
        count(&rules, |r| matches!(
            r,
            Rule::DenyVote {
                reason: DenyReason::LogBehind,
                ..
            }
        )),
        2
    );
    drop_all(&mut sim);
    // S4 asks in term 4: S2, with the longer log but the earlier last term, grants.
    timeout(&mut sim, 3);
    let rules = deliver(&mut sim, |e| is_vote_request(e) && e.to == NodeId(1));
    assert!(rules.contains(&Rule::GrantVote {
        candidate: NodeId(3),
        term: 4
    }));
    assert_no_violations(&sim);
}

/// Figure 2: commitIndex and lastApplied are volatile. A restarted server starts from 0 and
/// rebuilds its state machine by applying its committed entries again once the leader's
/// commit index tells it which they are.
#[test]
fn restart_resets_commit_and_applied_and_rebuilds_the_state_machine_fig2() {
    let mut sim = led(3, RaftConfig::default());
    request(&mut sim, 0, 1, 1, "set x 1");
    request(&mut sim, 0, 1, 2, "add x 41");
    stabilize(&mut sim);
    settle(&mut sim, 0);
    assert_eq!(value(&sim, 1, "x"), Some(42));
    crash(&mut sim, 1);
    let report = restart(&mut sim, 1);
    assert_eq!(report.rules, vec![Rule::Restart { term: 1 }]);
    let v = &node(&sim, 1).volatile;
    assert_eq!((v.commit_index, v.last_applied), (0, 0));
    assert!(v.state_machine.data.is_empty());
    assert_eq!(terms(&sim, 1), [1, 1, 1], "the log is on disk");
    let rules = settle(&mut sim, 0);
    assert!(rules.contains(&Rule::ApplyEntries { first: 1, last: 3 }));
    assert_eq!(value(&sim, 1, "x"), Some(42));
    assert_no_violations(&sim);
}

/// A cluster of one is its own majority: it commits and answers at once.
#[test]
fn a_cluster_of_one_commits_and_answers_alone() {
    let mut sim = cluster(1, RaftConfig::default());
    sim.step().unwrap();
    assert_eq!(role(&sim, 0), Role::Leader);
    assert_eq!(commit(&sim, 0), 1);
    let report = request(&mut sim, 0, 1, 1, "set x 1");
    assert!(matches!(
        report.rules.last(),
        Some(Rule::ReplyClient { index: 2, .. })
    ));
    assert_eq!(value(&sim, 0, "x"), Some(1));
}

/// Everything the view reads — node state, messages, reports, the checker's audit — travels as
/// JSON (the web's inspectors, traces).
#[test]
fn state_messages_and_audit_serialize_to_json() {
    let mut sim = led(3, RaftConfig::default());
    request(&mut sim, 1, 1, 1, "set x 1");
    let in_air = in_flight(&sim, |_| true);
    stabilize(&mut sim);
    settle(&mut sim, 0);
    assert_eq!(value(&sim, 2, "x"), Some(1));
    let json = serde_json::to_string(sim.nodes()).unwrap();
    assert!(json.contains("\"state_machine\""));
    assert!(json.contains("\"leader_state\""));
    for env in in_air {
        let back: Msg = serde_json::from_str(&serde_json::to_string(&env.msg).unwrap()).unwrap();
        assert_eq!(back, env.msg);
    }
    serde_json::to_string(sim.audit()).unwrap();
}
