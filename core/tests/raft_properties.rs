//! Raft under random faults and random client traffic, over many seeds: the
//! invariants of Figure 3 hold after every step, and once the network is healthy
//! again a leader is elected and every server converges on its log and state.
//! A failure prints the seed; `run(seed, …)` replays it exactly.
//!
//! Each "break it" switch gets a test that fails unless the checker finds the
//! violation the switch makes possible: a checker that never fires cannot pass.

use concord_check::chaos::raft::{Plan, converged, first_violation, run};
use concord_check::seeds::over_seeds;
use concord_core::raft::invariants::{
    ELECTION_SAFETY, LEADER_COMPLETENESS, LOG_MATCHING, SNAPSHOT_COMMITTED, STATE_MACHINE_SAFETY,
};
use concord_core::raft::linearizability::LINEARIZABILITY;
use concord_core::raft::{Breaks, RaftConfig, RaftNode, ReadMode};
use concord_core::sim::Sim;

mod raft_common;

/// Safety: no invariant broken after any step (`what` names the settings in a failure).
fn safe(sim: &Sim<RaftNode>, what: &str) -> Result<(), String> {
    match first_violation(sim) {
        Some(v) => Err(format!("{what}: {v:?}")),
        None => Ok(()),
    }
}

/// Safety, then liveness once the network is healthy: a leader, and every server converged.
fn safe_then_converged(sim: &Sim<RaftNode>, what: &str) -> Result<(), String> {
    safe(sim, what)?;
    converged(sim)
}

/// Figure 8's schedule: leaders cut off right after taking requests, heals more often.
const HUNTED: Plan = Plan {
    hunt_leaders: true,
    ..Plan::new(5, 3_000, 500)
};

/// Election Safety (Figure 3) under crashes, restarts, loss, duplication, cuts and partitions;
/// and liveness once healthy (§5.2: "randomized election timeouts … ensure that split votes are
/// rare and that they are resolved quickly").
#[test]
fn election_safety_and_liveness_over_1000_seeds() {
    let config = RaftConfig::default();
    let plan = Plan {
        clients: false,
        ..Plan::new(9, 3_000, 4_000)
    };
    over_seeds(1_000, |seed| {
        safe_then_converged(&run(seed, &config, plan), "default settings")
    });
}

/// The settings the 10,000-seed run rotates through, by seed: gets through the log (the
/// paper's basic Raft); ReadIndex (thesis §6.4); lease reads with CheckQuorum (§6.4.1, §6.2);
/// ReadIndex with PreVote and CheckQuorum (§9.6) and leadership transfers (§3.10).
fn rotating(seed: u64) -> (RaftConfig, bool) {
    let base = RaftConfig::default();
    match seed % 4 {
        0 => (base, false),
        1 => (
            RaftConfig {
                read: ReadMode::ReadIndex,
                ..base
            },
            false,
        ),
        2 => (
            RaftConfig {
                read: ReadMode::Lease,
                check_quorum: true,
                ..base
            },
            false,
        ),
        _ => (
            RaftConfig {
                read: ReadMode::ReadIndex,
                pre_vote: true,
                check_quorum: true,
                ..base
            },
            true,
        ),
    }
}

/// Every invariant of Figure 3 (Election Safety, Leader Append-Only, Log Matching, Leader
/// Completeness, State Machine Safety) and the linearizability of every client's history,
/// after every step, with client requests, reads and retries arriving at any server amid the
/// faults; then convergence once healthy. The read path, PreVote, CheckQuorum and transfers
/// rotate by seed (see [`rotating`]).
#[test]
fn figure_3_invariants_and_linearizability_hold_with_clients_over_10000_seeds() {
    let plan = Plan::new(5, 2_000, 2_000);
    over_seeds(10_000, |seed| {
        let (config, transfers) = rotating(seed);
        let sim = run(seed, &config, Plan { transfers, ..plan });
        safe_then_converged(&sim, &format!("{:?}", config.read))
    });
}

/// The same with the conflict hint and one-entry batches, and without the no-op.
#[test]
fn figure_3_invariants_hold_with_other_settings_over_2000_seeds() {
    let hint = RaftConfig {
        conflict_hint: true,
        max_batch: 1,
        ..RaftConfig::default()
    };
    let plan = Plan::new(5, 1_000, 2_000);
    over_seeds(2_000, |seed| {
        safe_then_converged(&run(seed, &hint, plan), "conflict hint")?;
        // Without the no-op a leader may sit on uncommitted entries of earlier terms until a
        // client writes: only safety is checked.
        safe(&run(seed, &raft_common::no_noop(), plan), "no no-op")
    });
}

/// The correct protocol under the schedule that finds Figure 8 when the commit rule is broken
/// (leaders cut off right after taking requests), with and without the no-op: no violation.
#[test]
fn figure_3_invariants_hold_when_leaders_are_hunted_with_and_without_noop_over_2000_seeds() {
    for noop_on_election in [true, false] {
        let config = RaftConfig {
            noop_on_election,
            // Reads alternate by seed below.
            ..RaftConfig::default()
        };
        over_seeds(2_000, |seed| {
            let read = [ReadMode::Log, ReadMode::ReadIndex][seed as usize % 2];
            let config = RaftConfig {
                read,
                ..config.clone()
            };
            let what = format!("noop_on_election={noop_on_election}");
            safe(&run(seed, &config, HUNTED), &what)
        });
    }
}

/// Log compaction (§7, Figure 13) under the same faults and clients: every server snapshots
/// every few applied entries (1 to 6, by seed), lagging followers catch up by InstallSnapshot,
/// restarted ones from their snapshot; reads, PreVote, CheckQuorum and transfers rotate as in
/// [`rotating`], so ReadIndex and leases run over compacted logs. Figure 3, the snapshot checks
/// and linearizability hold after every step, and the cluster converges once healthy.
#[test]
fn figure_3_and_snapshot_invariants_hold_with_snapshots_over_10000_seeds() {
    let plan = Plan::new(5, 2_000, 2_000);
    over_seeds(10_000, |seed| {
        let (config, transfers) = rotating(seed / 6);
        let config = RaftConfig {
            snapshot_threshold: 1 + seed % 6,
            ..config
        };
        let sim = run(seed, &config, Plan { transfers, ..plan });
        safe_then_converged(&sim, &format!("{:?}", config.read))
    });
}

/// Snapshots with the conflict hint, one-entry batches, and leaders hunted (Figure 8's schedule).
#[test]
fn snapshot_invariants_hold_with_other_settings_and_hunted_leaders_over_2000_seeds() {
    over_seeds(2_000, |seed| {
        let config = RaftConfig {
            snapshot_threshold: 1 + seed % 4,
            conflict_hint: seed % 2 == 0,
            max_batch: 1 + seed % 3,
            ..RaftConfig::default()
        };
        safe(&run(seed, &config, HUNTED), "snapshots")
    });
}

/// Search seeds `0..limit` for the first run with a violation; it must be one of `expected`.
/// Prints where it was caught, to reproduce it.
fn caught(name: &str, config: &RaftConfig, plan: Plan, limit: u64, expected: &[&str]) {
    let found = (0..limit).find_map(|seed| {
        let sim = run(seed, config, plan);
        first_violation(&sim).map(|v| (seed, v.clone()))
    });
    let (seed, v) = found.unwrap_or_else(|| {
        panic!("{name}: no violation found in {limit} seeds: the checker does not fire")
    });
    eprintln!(
        "{name}: caught at seed={seed}, step {}: {} ({})",
        v.step, v.invariant, v.detail
    );
    assert!(
        expected.contains(&v.invariant.as_str()),
        "{name}: seed={seed}: unexpected {v:?}"
    );
}

/// The default settings with the "break it" switches of `breaks` on.
fn broken(breaks: Breaks) -> RaftConfig {
    RaftConfig {
        breaks,
        ..RaftConfig::default()
    }
}

const BREAK_PLAN: Plan = Plan::new(5, 2_000, 500);

/// Break it: with votes granted twice per term, the checker must find two leaders in one term.
#[test]
fn checker_catches_two_leaders_when_servers_vote_twice() {
    let config = broken(Breaks {
        vote_twice: true,
        ..Breaks::default()
    });
    let plan = Plan {
        clients: false,
        ..Plan::new(9, 2_000, 0)
    };
    caught("vote_twice", &config, plan, 300, &[ELECTION_SAFETY]);
}

/// Break it: without §5.4.1's up-to-date check a server missing committed entries can win an
/// election; the checker must find a leader without a committed entry, or its consequence.
#[test]
fn checker_catches_a_stale_leader_without_the_up_to_date_check() {
    let config = broken(Breaks {
        skip_up_to_date_check: true,
        ..Breaks::default()
    });
    caught(
        "skip_up_to_date_check",
        &config,
        BREAK_PLAN,
        2_000,
        &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
    );
}

/// Break it: committing entries of earlier terms by counting replicas (Figure 8). No no-op, as
/// in the figure: with it, a new leader's first entry of its own term usually travels with the
/// older ones and commits them legitimately.
#[test]
fn checker_catches_figure_8_when_leaders_commit_previous_terms() {
    let config = RaftConfig {
        noop_on_election: false,
        ..broken(Breaks {
            commit_previous_terms: true,
            ..Breaks::default()
        })
    };
    caught(
        "commit_previous_terms",
        &config,
        HUNTED,
        5_000,
        &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
    );
}

/// Break it: keeping the entries after an overwritten conflicting one breaks Log Matching.
#[test]
fn checker_catches_broken_log_matching_without_truncation() {
    let config = broken(Breaks {
        no_truncate: true,
        ..Breaks::default()
    });
    caught("no_truncate", &config, BREAK_PLAN, 2_000, &[LOG_MATCHING]);
}

/// Break it: snapshots that cover the whole log, uncommitted entries included (§7 says "just the
/// committed entries"), must be caught.
#[test]
fn checker_catches_snapshots_of_uncommitted_entries() {
    let config = RaftConfig {
        snapshot_threshold: 2,
        ..broken(Breaks {
            snapshot_uncommitted: true,
            ..Breaks::default()
        })
    };
    caught(
        "snapshot_uncommitted",
        &config,
        BREAK_PLAN,
        200,
        &[SNAPSHOT_COMMITTED],
    );
}

/// Break it: a follower (or a deposed leader) answering reads from its own state machine is
/// not linearizable; the checker must find a client that read a value older than one already
/// read or written before its request.
#[test]
fn checker_catches_stale_follower_reads() {
    let config = RaftConfig {
        read: ReadMode::Stale,
        ..RaftConfig::default()
    };
    caught("stale reads", &config, BREAK_PLAN, 300, &[LINEARIZABILITY]);
}
