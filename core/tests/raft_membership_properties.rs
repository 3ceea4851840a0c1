//! Membership changes amid the usual faults, over many seeds: random changes (add a
//! voter or a learner, promote, remove, leader included) reach random servers among
//! crashes, restarts, loss, duplication, cut links, partitions and client traffic, with
//! snapshots, reads, PreVote, CheckQuorum and leadership transfers rotating by seed.
//! After every step the five properties of Figure 3, the snapshot checks and
//! linearizability hold, and no leader holds two uncommitted configuration changes
//! (thesis §4.1). A failure prints the seed.

use concord_check::chaos::raft::{Plan, run};
use concord_check::seeds::over_seeds;
use concord_core::raft::invariants::ONE_CHANGE_AT_A_TIME;
use concord_core::raft::{Breaks, RaftConfig, RaftNode, ReadMode};
use concord_core::sim::{Sim, Violation};

mod raft_common;

/// Slots `1..=9`, changes among the faults and clients.
const PLAN: Plan = Plan {
    changes: true,
    ..Plan::new(9, 2_000, 1_000)
};

/// By seed: spare slots, `catch_up_first` on odd seeds; snapshots every 2 to 5 applied entries
/// on half the seeds, so configurations get compacted into snapshots and reach servers by
/// InstallSnapshot (thesis §5.1); the read mode and PreVote; CheckQuorum (with §4.2.3's rule for
/// voters) as `check_quorum` says, then also leadership transfers.
fn config(seed: u64, breaks: &Breaks, check_quorum: bool) -> (RaftConfig, bool) {
    let n = PLAN.nodes(seed);
    let read = [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease][(seed / 8 % 3) as usize];
    let config = RaftConfig {
        spare: ((seed / 9) % 4) as usize % n,
        catch_up_first: seed % 2 == 1,
        snapshot_threshold: if seed / 4 % 2 == 1 { 2 + seed % 4 } else { 0 },
        read,
        pre_vote: seed / 24 % 2 == 1,
        check_quorum,
        breaks: breaks.clone(),
        ..RaftConfig::default()
    };
    (config, check_quorum)
}

fn run_seed(seed: u64, breaks: &Breaks, check_quorum: bool, calm_ms: u64) -> Sim<RaftNode> {
    let (config, transfers) = config(seed, breaks, check_quorum);
    run(
        seed,
        &config,
        Plan {
            transfers,
            calm_ms,
            ..PLAN
        },
    )
}

/// After the calm, a leader is followed by every voter and learner of its configuration, each
/// holding, committing and applying its whole log.
fn converged(sim: &Sim<RaftNode>) -> Result<(), String> {
    let mut leaders = sim
        .nodes()
        .iter()
        .map(|s| &s.state)
        .filter(|s| s.is_leader());
    let leader = leaders.next().ok_or("no leader after the calm")?;
    let last = leader.persistent.last_log_index();
    for id in leader.configuration().members() {
        let n = &sim.nodes()[id.index()].state;
        let v = &n.volatile;
        // With snapshots, the entries both still store; the state machines cover the rest.
        let (p, lp) = (&n.persistent, &leader.persistent);
        let from = p.log.first_index().max(lp.log.first_index());
        if p.last_log_index() < last || p.entries(from, last) != lp.entries(from, last) {
            return Err(format!("{}'s log differs from the leader's", n.id));
        }
        if id != leader.id && v.leader != Some(leader.id) {
            return Err(format!("{} does not follow the leader {}", n.id, leader.id));
        }
        if v.commit_index < last || v.state_machine != leader.volatile.state_machine {
            return Err(format!("{} has not applied the leader's log", n.id));
        }
    }
    Ok(())
}

fn first(sim: &Sim<RaftNode>) -> Option<&Violation> {
    sim.violations().first()
}

/// Figure 3's five properties, one change at a time (thesis §4.1), the snapshot checks and
/// linearizability after every step, with random membership changes among the faults and the
/// settings of [`config`], over 10,000 seeds.
#[test]
fn invariants_hold_with_random_membership_changes_over_10000_seeds() {
    let check_quorum = |seed| seed % 4 >= 2;
    over_seeds(10_000, |seed| {
        match first(&run_seed(
            seed,
            &Breaks::default(),
            check_quorum(seed),
            1_000,
        )) {
            Some(v) => Err(format!("{v:?}")),
            None => Ok(()),
        }
    });
}

/// Once healthy, the members of the leader's configuration converge on its log. With
/// CheckQuorum's rule for voters (§4.2.3): without it a server removed while it was down never
/// learns it, and its elections depose every leader in turn.
#[test]
fn members_converge_after_membership_changes_over_1000_seeds() {
    over_seeds(1_000, |seed| {
        let sim = run_seed(seed, &Breaks::default(), true, 3_000);
        if let Some(v) = first(&sim) {
            return Err(format!("{v:?}"));
        }
        converged(&sim)
    });
}

/// Break it: with concurrent changes allowed, the checker finds a leader holding two
/// uncommitted changes.
#[test]
fn checker_catches_concurrent_changes() {
    let breaks = Breaks {
        concurrent_changes: true,
        ..Breaks::default()
    };
    let found = (0..200).find_map(|seed| {
        let sim = run_seed(seed, &breaks, false, 0);
        first(&sim).map(|v| (seed, v.clone()))
    });
    let (seed, v) = found.expect("no violation found in 200 seeds: the checker does not fire");
    eprintln!("caught at seed={seed}, step {}: {}", v.step, v.detail);
    assert_eq!(v.invariant, ONE_CHANGE_AT_A_TIME, "seed={seed}: {v:?}");
}
