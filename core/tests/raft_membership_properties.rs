//! Membership changes amid the usual faults, over many seeds: random changes (add a
//! voter or a learner, promote, remove, leader included) reach random servers among
//! crashes, restarts, loss, duplication, cut links, partitions and client traffic.
//! After every step the five properties of Figure 3 hold, and no leader holds two
//! uncommitted configuration changes (thesis §4.1). A failure prints the seed.

use concord_core::raft::invariants::ONE_CHANGE_AT_A_TIME;
use concord_core::raft::{Breaks, Change, Command, Op, RaftConfig, RaftNode, Role};
use concord_core::sim::{Action, Input, NodeId, Sim, SimConfig, SimRng, Violation, ms};

/// Slots `1..=9` and spare slots by seed; `catch_up_first` on odd seeds; §4.2.3's vote guard
/// as `guard` says.
fn run(seed: u64, breaks: &Breaks, guard: bool, chaos_ms: u64, calm_ms: u64) -> Sim<RaftNode> {
    let n = 1 + (seed % 9) as usize;
    let spare = ((seed / 9) % 4) as usize % n;
    let config = RaftConfig {
        spare,
        catch_up_first: seed % 2 == 1,
        vote_guard: guard,
        breaks: breaks.clone(),
        ..RaftConfig::default()
    };
    let sim_config = SimConfig {
        seed,
        nodes: n,
        net: Default::default(),
    };
    let mut sim = Sim::<RaftNode>::new(sim_config, &config).unwrap();
    let mut faults = SimRng::new(seed, u64::MAX);
    let act = |sim: &mut Sim<RaftNode>, action| {
        let at = sim.now();
        sim.apply(Input::Act { at, action }).unwrap();
    };
    let mut seq = [1u64; 3];
    let mut t = 0;
    while t < ms(chaos_ms) {
        t += ms(25);
        sim.run_until(t);
        let mut node = NodeId(faults.below(n as u64) as u16);
        let up = sim.nodes()[node.index()].up;
        match faults.below(100) {
            0..4 if up => act(&mut sim, Action::Crash(node)),
            4..10 if !up => act(&mut sim, Action::Restart(node)),
            10..13 => {
                let mut net = sim.config().net.clone();
                net.loss = faults.below(40) as f64 / 100.0;
                net.duplicate = faults.below(10) as f64 / 100.0;
                act(&mut sim, Action::SetNetwork(net));
            }
            13..15 => {
                let side: Vec<NodeId> = NodeId::all(n).filter(|_| faults.chance(0.5)).collect();
                act(&mut sim, Action::Partition(vec![side]));
            }
            15..17 => {
                let other = NodeId(faults.below(n as u64) as u16);
                act(&mut sim, Action::Cut(node, other));
            }
            17..19 => act(&mut sim, Action::Heal),
            19..40 if up => {
                let client = faults.below(2) as usize;
                let key = ["a", "b"][faults.below(2) as usize];
                let op = Op::add(key, 1);
                let cmd = Command::Client {
                    client: client as u32 + 1,
                    seq: seq[client],
                    op,
                };
                seq[client] += 1;
                act(&mut sim, Action::Command(node, cmd));
            }
            40..55 => {
                // Mostly to the leader, so that changes happen.
                if let Some(leader) = sim
                    .nodes()
                    .iter()
                    .find(|s| s.up && s.state.role() == Role::Leader)
                    .filter(|_| faults.chance(0.8))
                {
                    node = leader.state.id;
                }
                if !sim.nodes()[node.index()].up {
                    continue;
                }
                let target = NodeId(faults.below(n as u64) as u16);
                let change = match faults.below(4) {
                    0 => Change::AddVoter(target),
                    1 => Change::AddLearner(target),
                    2 => Change::Promote(target),
                    _ => Change::Remove(target),
                };
                let cmd = Command::Change {
                    client: 3,
                    seq: seq[2],
                    change,
                };
                seq[2] += 1;
                act(&mut sim, Action::Command(node, cmd));
            }
            _ => {}
        }
    }
    act(&mut sim, Action::Heal);
    act(&mut sim, Action::SetNetwork(Default::default()));
    for id in NodeId::all(n) {
        if !sim.nodes()[id.index()].up {
            act(&mut sim, Action::Restart(id));
        }
    }
    sim.run_until(t + ms(calm_ms));
    sim
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
        if n.persistent.entries(1, last) != leader.persistent.log.stored() {
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

/// Run `check` on seeds `0..seeds` over two threads; panic with the smallest failing seed.
fn over_seeds(seeds: u64, check: impl Fn(u64) -> Result<(), String> + Sync) {
    const THREADS: u64 = 2;
    let failures: Vec<(u64, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let check = &check;
                s.spawn(move || {
                    (t..seeds)
                        .step_by(THREADS as usize)
                        .find_map(|seed| check(seed).err().map(|e| (seed, e)))
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    if let Some((seed, why)) = failures.into_iter().min_by_key(|(seed, _)| *seed) {
        panic!("seed={seed}: {why}");
    }
}

/// Figure 3's five properties and one change at a time (thesis §4.1) after every step, with
/// random membership changes among the faults, over 10,000 seeds.
#[test]
fn invariants_hold_with_random_membership_changes_over_10000_seeds() {
    let guard = |seed| seed % 4 >= 2;
    over_seeds(10_000, |seed| {
        match first(&run(seed, &Breaks::default(), guard(seed), 2_000, 1_000)) {
            Some(v) => Err(format!("{v:?}")),
            None => Ok(()),
        }
    });
}

/// Once healthy, the members of the leader's configuration converge on its log. With §4.2.3's
/// guard: without it a server removed while it was down never learns it, and its elections
/// depose every leader in turn.
#[test]
fn members_converge_after_membership_changes_over_1000_seeds() {
    over_seeds(1_000, |seed| {
        let sim = run(seed, &Breaks::default(), true, 2_000, 3_000);
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
        let sim = run(seed, &breaks, false, 2_000, 0);
        first(&sim).map(|v| (seed, v.clone()))
    });
    let (seed, v) = found.expect("no violation found in 200 seeds: the checker does not fire");
    eprintln!("caught at seed={seed}, step {}: {}", v.step, v.detail);
    assert_eq!(v.invariant, ONE_CHANGE_AT_A_TIME, "seed={seed}: {v:?}");
}
