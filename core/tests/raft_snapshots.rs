//! Log compaction (§7) and InstallSnapshot (Figure 13), scripted by hand: one test per
//! rule, then the situations compaction is for. Snapshots are taken as their own step
//! (the server's Snapshot timer), fired here by hand like every other timer.

mod raft_common;

use concord_core::raft::message::AppendEntries;
use concord_core::raft::{
    Change, Configuration, EntryKind, Msg, RaftConfig, RaftNode, Rule, Timer,
};
use concord_core::sim::{Action, Envelope, NodeId, Sim};
use raft_common::*;

fn config(threshold: u64) -> RaftConfig {
    RaftConfig {
        snapshot_threshold: threshold,
        ..RaftConfig::default()
    }
}

/// Fire `node`'s Snapshot timer, which must be armed. Returns the rules that fired.
fn snapshot(sim: &mut Sim<RaftNode>, node: u16) -> Vec<Rule> {
    assert!(
        sim.nodes()[node as usize]
            .timers()
            .contains_key(&Timer::Snapshot),
        "S{} has no snapshot due",
        node + 1
    );
    act(sim, Action::Fire(NodeId(node), Timer::Snapshot)).rules
}

fn start(sim: &Sim<RaftNode>, n: u16) -> u64 {
    node(sim, n).persistent.log.start_index()
}

fn is_install(e: &Envelope<Msg>) -> bool {
    matches!(e.msg, Msg::InstallSnapshot(_))
}

/// Elect S1 in a cluster of `n` and commit `requests` commands of client 1 (`add x 1` each)
/// on every server.
fn committed_cluster(n: usize, config: RaftConfig, requests: u64) -> Sim<RaftNode> {
    let mut sim = led(n, config);
    for seq in 1..=requests {
        request(&mut sim, 0, 1, seq, "add x 1");
        stabilize(&mut sim);
    }
    settle(&mut sim, 0);
    sim
}

/// A follower installs S1's snapshot of term 1 up to `index`, keeping `kept` entries after it.
fn installed_from_s1(index: u64, kept: u64) -> Rule {
    Rule::InstallSnapshot {
        leader: NodeId(0),
        index,
        term: 1,
        kept,
    }
}

/// Three servers; S3 is down while client 1 has `requests` commands (`add x 1`) committed one by
/// one, and the leader snapshots with `threshold`.
fn compacted_while_s3_is_down(threshold: u64, requests: u64) -> Sim<RaftNode> {
    let mut sim = committed_cluster(3, config(threshold), 0);
    crash(&mut sim, 2);
    for seq in 1..=requests {
        request(&mut sim, 0, 1, seq, "add x 1");
        stabilize(&mut sim);
    }
    settle(&mut sim, 0);
    snapshot(&mut sim, 0);
    sim
}

#[test]
fn a_server_snapshots_its_applied_entries_once_they_reach_the_threshold_7() {
    let mut sim = committed_cluster(3, config(3), 1);
    // No-op and one command applied: below the threshold, nothing due.
    assert!(!sim.nodes()[0].timers().contains_key(&Timer::Snapshot));
    request(&mut sim, 0, 1, 2, "add x 1");
    stabilize(&mut sim);
    settle(&mut sim, 0);
    let rules = snapshot(&mut sim, 0);
    assert!(
        rules.contains(&Rule::TakeSnapshot {
            index: 3,
            term: 1,
            compacted: 3,
            size: node(&sim, 0).persistent.snapshot.as_ref().unwrap().size(),
        }),
        "{rules:?}"
    );
    let s = node(&sim, 0).persistent.snapshot.clone().unwrap();
    assert_eq!((s.last_included_index, s.last_included_term), (3, 1));
    // The state machine, client sessions included, and the configuration (§7).
    assert_eq!(s.state_machine, node(&sim, 0).volatile.state_machine);
    assert_eq!(s.state_machine.last_seq(1), 2);
    assert_eq!(s.configuration.voters.len(), 3);
    assert_eq!(start(&sim, 0), 3);
    assert!(log(&sim, 0).is_empty());
    assert_eq!(node(&sim, 0).persistent.last_log_index(), 3);
    // Each server snapshots independently (§7): the followers still hold their entries.
    assert_eq!(log(&sim, 1).len(), 3);
    assert_no_violations(&sim);
}

#[test]
fn a_snapshot_covers_just_the_committed_entries_7() {
    let mut sim = committed_cluster(3, config(3), 2);
    // Two more entries the followers never get: not committed, so not in the snapshot.
    partition(&mut sim, &[&[0], &[1, 2]]);
    request(&mut sim, 0, 1, 3, "add x 1");
    request(&mut sim, 0, 1, 4, "add x 1");
    drop_all(&mut sim);
    snapshot(&mut sim, 0);
    assert_eq!(start(&sim, 0), 3);
    assert_eq!(terms(&sim, 0), [1, 1]);
    assert_no_violations(&sim);
}

/// Figure 13: a follower that was down while the leader compacted its log gets the snapshot;
/// its log, which has no entry at lastIncludedIndex, is discarded (rule 7), its state machine
/// reset (rule 8), and replication goes on after the snapshot.
#[test]
fn a_follower_down_during_compaction_catches_up_by_install_snapshot_figure_13() {
    let mut sim = compacted_while_s3_is_down(4, 5);
    assert_eq!(start(&sim, 0), 6);
    restart(&mut sim, 2);
    assert_eq!(terms(&sim, 2), [1]);
    let rules = settle(&mut sim, 0);
    assert!(
        rules.contains(&Rule::SendSnapshot {
            to: NodeId(2),
            index: 6,
            term: 1,
            size: node(&sim, 0).persistent.snapshot.as_ref().unwrap().size(),
        }),
        "{rules:?}"
    );
    assert!(rules.contains(&installed_from_s1(6, 0)));
    assert_eq!(start(&sim, 2), 6);
    assert_eq!(value(&sim, 2, "x"), Some(5));
    assert_eq!(node(&sim, 2).volatile.last_applied, 6);
    // The leader's progress moved past the snapshot: new entries flow by AppendEntries.
    let pr = node(&sim, 0).volatile.leader_state.as_ref().unwrap().peers[&NodeId(2)];
    assert_eq!(pr.match_index, 6);
    request(&mut sim, 0, 1, 6, "add x 10");
    stabilize(&mut sim);
    settle(&mut sim, 0);
    assert_eq!(value(&sim, 2, "x"), Some(15));
    assert_eq!(terms(&sim, 2), [1]);
    assert_no_violations(&sim);
}

/// Figure 13, rule 6: "If existing log entry has same index and term as snapshot's last included
/// entry, retain log entries following it." S3 holds the leader's whole log but never learned
/// it committed; the leader compacts half of it and sends S3 the snapshot.
#[test]
fn a_follower_with_a_matching_longer_log_keeps_its_suffix_figure_13_rule_6() {
    let config = RaftConfig {
        snapshot_threshold: 4,
        max_batch: 10,
        ..RaftConfig::default()
    };
    let mut sim = cluster(3, config);
    elect(&mut sim, 0);
    // S2 takes the no-op and replicates from now on; S3's first probe is lost.
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(1));
    deliver(&mut sim, |e| e.from == NodeId(1));
    drop_msgs(&mut sim, to(2));
    // Seven commands (entries 2..=8), sent to S2 at once and held there.
    for seq in 1..=7 {
        request(&mut sim, 0, 1, seq, "add x 1");
    }
    // S3's next probe carries the whole log; its answer is lost.
    heartbeat(&mut sim, 0);
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(2));
    drop_msgs(&mut sim, |e| e.from == NodeId(2));
    assert_eq!(terms(&sim, 2), [1; 8]);
    assert!(commit(&sim, 2) < 4);
    // S2 acknowledges entries up to 4: committed and applied, and the leader snapshots.
    deliver(&mut sim, |e| match &e.msg {
        Msg::AppendEntries(AppendEntries {
            prev_log_index,
            entries,
            ..
        }) => e.to == NodeId(1) && !entries.is_empty() && *prev_log_index < 4,
        _ => false,
    });
    deliver(&mut sim, |e| e.from == NodeId(1));
    assert_eq!(commit(&sim, 0), 4);
    snapshot(&mut sim, 0);
    assert_eq!(start(&sim, 0), 4);
    // The rest reaches S2; then the heartbeat finds S3 still probing from index 1.
    deliver(&mut sim, |e| e.to == NodeId(1));
    deliver(&mut sim, |e| e.from == NodeId(1));
    let rules = settle(&mut sim, 0);
    assert!(rules.contains(&installed_from_s1(4, 4)), "{rules:?}");
    assert_eq!(start(&sim, 2), 4);
    assert_eq!(terms(&sim, 2), [1; 4]);
    assert_eq!(commit(&sim, 2), 8);
    assert_eq!(value(&sim, 2, "x"), Some(7));
    assert_no_violations(&sim);
}

/// S3 misses four commands while down; the leader compacts them, and once S3 is back and
/// refuses the next AppendEntries, the leader's InstallSnapshot (up to index 5) is in flight.
fn snapshot_on_its_way() -> Sim<RaftNode> {
    let mut sim = compacted_while_s3_is_down(3, 4);
    restart(&mut sim, 2);
    heartbeat(&mut sim, 0);
    deliver(&mut sim, |e| is_append(e) && e.to == NodeId(2));
    deliver(&mut sim, |e| e.from == NodeId(2));
    sim
}

/// Figure 13, rule 1: "Reply immediately if term < currentTerm."
#[test]
fn install_snapshot_of_a_stale_term_is_refused_figure_13_rule_1() {
    let mut sim = snapshot_on_its_way();
    assert_eq!(in_flight(&sim, is_install).len(), 1);
    // S3 moves to term 2 before the snapshot of term 1 arrives.
    timeout(&mut sim, 2);
    let rules = deliver(&mut sim, is_install);
    assert!(rules.contains(&Rule::RejectStaleLeader {
        leader: NodeId(0),
        term: 1,
    }));
    assert_eq!(node(&sim, 2).persistent.snapshot, None);
    assert_no_violations(&sim);
}

/// A snapshot that arrives again once its follower has committed past it changes nothing: the
/// follower's state machine never goes back.
#[test]
fn a_repeated_install_snapshot_is_ignored_once_committed_figure_13() {
    let mut sim = snapshot_on_its_way();
    let first = in_flight(&sim, is_install)[0].id;
    act(&mut sim, Action::Duplicate(first));
    assert_eq!(in_flight(&sim, is_install).len(), 2);
    let rules = deliver(&mut sim, |e| e.id == first);
    assert!(
        rules
            .iter()
            .any(|r| matches!(r, Rule::InstallSnapshot { .. }))
    );
    let rules = deliver(&mut sim, is_install);
    assert!(
        rules.contains(&Rule::IgnoreSnapshot {
            index: 5,
            commit_index: 5,
        }),
        "{rules:?}"
    );
    stabilize(&mut sim);
    assert_eq!(value(&sim, 2, "x"), Some(4));
    assert_no_violations(&sim);
}

/// §7: the snapshot is on stable storage. A restarted server starts from it and applies the
/// committed entries after it again.
#[test]
fn restart_rebuilds_the_state_machine_from_snapshot_and_log_7() {
    let mut sim = committed_cluster(3, config(3), 2);
    snapshot(&mut sim, 1);
    for seq in 3..=4 {
        request(&mut sim, 0, 1, seq, "add x 10");
        stabilize(&mut sim);
    }
    settle(&mut sim, 0);
    let before = node(&sim, 1).volatile.state_machine.clone();
    assert_eq!(before.data["x"], 22);
    crash(&mut sim, 1);
    let rules = restart(&mut sim, 1).rules;
    assert!(rules.contains(&Rule::RestoreSnapshot { index: 3, term: 1 }));
    assert_eq!(value(&sim, 1, "x"), Some(2));
    assert_eq!(node(&sim, 1).volatile.last_applied, 3);
    settle(&mut sim, 0);
    assert_eq!(node(&sim, 1).volatile.state_machine, before);
    assert_no_violations(&sim);
}

/// Thesis §6.3 with §7: the client sessions travel in the snapshot, so a retried request whose
/// entry was compacted away is still answered from the session, not applied again; also by a
/// new leader that got its state from an InstallSnapshot.
#[test]
fn a_retried_request_after_compaction_is_applied_once_7() {
    let mut sim = committed_cluster(3, config(2), 0);
    crash(&mut sim, 2);
    request(&mut sim, 0, 7, 1, "add x 5");
    stabilize(&mut sim);
    settle(&mut sim, 0);
    snapshot(&mut sim, 0);
    snapshot(&mut sim, 1);
    restart(&mut sim, 2);
    settle(&mut sim, 0);
    assert_eq!(value(&sim, 2, "x"), Some(5));
    // Retry at the leader: answered from the session.
    let rules = request(&mut sim, 0, 7, 1, "add x 5").rules;
    assert!(rules.iter().any(|r| matches!(
        r,
        Rule::ReplyClient {
            cached: true,
            index: 2,
            ..
        }
    )));
    // S3, whose state came from the snapshot, leads next; the retry is still recognised.
    crash(&mut sim, 0);
    elect(&mut sim, 2);
    stabilize(&mut sim);
    request(&mut sim, 2, 7, 1, "add x 5");
    stabilize(&mut sim);
    settle(&mut sim, 2);
    for n in [1, 2] {
        assert_eq!(value(&sim, n, "x"), Some(5));
    }
    assert!(done(&sim, 7, 1).iter().all(|&(index, _)| index == 2));
    assert_no_violations(&sim);
}

fn voters_and_learners(voters: &[u16], learners: &[u16]) -> Configuration {
    Configuration {
        voters: voters.iter().map(|&i| NodeId(i)).collect(),
        learners: learners.iter().map(|&i| NodeId(i)).collect(),
    }
}

fn has_config_entry(sim: &Sim<RaftNode>, n: u16) -> bool {
    log(sim, n)
        .iter()
        .any(|e| matches!(e.kind, EntryKind::Config(_)))
}

/// Thesis §5.1 (§7: "the snapshot also includes the latest configuration as of the last included
/// index"): a configuration whose entry was compacted away lives on in the snapshot. It is what
/// the leader uses after compaction and after a restart, and what a follower that missed the
/// change and a brand-new server use once InstallSnapshot reaches them.
#[test]
fn a_configuration_survives_compaction_restart_and_install_snapshot_thesis_5_1() {
    let mut sim = led(
        5,
        RaftConfig {
            spare: 2,
            ..config(3)
        },
    );
    settle(&mut sim, 0);
    // S3 misses the change and everything after it.
    partition(&mut sim, &[&[0, 1, 3, 4], &[2]]);
    change(&mut sim, 0, 1, Change::AddVoter(NodeId(3)));
    stabilize(&mut sim);
    settle(&mut sim, 0);
    let four = voters_and_learners(&[0, 1, 2, 3], &[]);
    assert_eq!(node(&sim, 0).configuration(), &four);
    for seq in 1..=3 {
        request(&mut sim, 0, 1, seq, "add x 1");
        stabilize(&mut sim);
    }
    settle(&mut sim, 0);
    assert_eq!(commit(&sim, 0), 5, "no-op, configuration, three commands");

    // Compaction: the configuration entry (index 2) leaves the log for the snapshot.
    snapshot(&mut sim, 0);
    let s = node(&sim, 0).persistent.snapshot.clone().unwrap();
    assert_eq!(
        (s.configuration.clone(), s.configuration_index),
        (four.clone(), 2)
    );
    assert!(!has_config_entry(&sim, 0));
    assert_eq!(node(&sim, 0).configuration(), &four);

    // Restart: rebuilt from snapshot and log, the configuration comes from the snapshot.
    snapshot(&mut sim, 1);
    crash(&mut sim, 1);
    restart(&mut sim, 1);
    assert!(!has_config_entry(&sim, 1));
    assert_eq!(node(&sim, 1).configuration(), &four);
    assert_eq!(node(&sim, 1).membership.index, 2);

    // InstallSnapshot to the server that missed the change: it takes the snapshot's
    // configuration with the snapshot, having never seen the entry.
    heal(&mut sim);
    let rules = settle(&mut sim, 0);
    assert!(
        rules.iter().any(|r| matches!(
            r,
            Rule::InstallSnapshot {
                leader: NodeId(0),
                index: 5,
                ..
            }
        )),
        "{rules:?}"
    );
    assert!(rules.contains(&Rule::UseConfiguration {
        index: 2,
        config: four.clone()
    }));
    assert!(!has_config_entry(&sim, 2));
    assert_eq!(node(&sim, 2).configuration(), &four);
    assert_eq!(value(&sim, 2, "x"), Some(3));

    // A new server added as learner has nothing: it gets the snapshot, then the entry adding it.
    change(&mut sim, 0, 2, Change::AddLearner(NodeId(4)));
    let rules = stabilize(&mut sim);
    assert!(
        rules
            .iter()
            .any(|r| matches!(r, Rule::SendSnapshot { to: NodeId(4), .. })),
        "{rules:?}"
    );
    settle(&mut sim, 0);
    assert_eq!(start(&sim, 4), 5);
    assert_eq!(
        node(&sim, 4).configuration(),
        &voters_and_learners(&[0, 1, 2, 3], &[4])
    );
    assert_eq!(value(&sim, 4, "x"), Some(3));
    // And a restart of the learner finds its configuration entry in the log again.
    crash(&mut sim, 4);
    restart(&mut sim, 4);
    assert_eq!(
        node(&sim, 4).configuration(),
        &voters_and_learners(&[0, 1, 2, 3], &[4])
    );
    assert_no_violations(&sim);
}
