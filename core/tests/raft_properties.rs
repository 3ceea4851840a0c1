//! Raft election under random faults, over many seeds: the invariants hold
//! after every step, and once the network is healthy again a leader is elected.
//! A failure prints the seed; `run(seed, …)` replays it exactly.

use concord_core::raft::{Breaks, RaftConfig, RaftNode, Role};
use concord_core::sim::{Action, Input, NodeId, Sim, SimConfig, SimRng, Violation, ms};

/// Chaos for `chaos_ms`, then a healthy network for `calm_ms`.
fn run(seed: u64, config: &RaftConfig, chaos_ms: u64, calm_ms: u64) -> Sim<RaftNode> {
    let n = 1 + (seed % 9) as usize;
    let sim_config = SimConfig {
        seed,
        nodes: n,
        net: Default::default(),
    };
    let mut sim = Sim::<RaftNode>::new(sim_config, config).unwrap();
    // The fault schedule has its own stream, so it does not disturb the run's randomness.
    let mut faults = SimRng::new(seed, u64::MAX);
    let act = |sim: &mut Sim<RaftNode>, action| {
        let at = sim.now();
        sim.apply(Input::Act { at, action }).unwrap();
    };
    let mut t = 0;
    while t < ms(chaos_ms) {
        t += ms(25);
        sim.run_until(t);
        let node = NodeId(faults.below(n as u64) as u16);
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

fn first_violation(sim: &Sim<RaftNode>) -> Option<&Violation> {
    sim.violations().first()
}

/// Election Safety (Figure 3) under crashes, restarts, loss, duplication, cuts and partitions;
/// and liveness once healthy (§5.2: "randomized election timeouts … ensure that split votes are
/// rare and that they are resolved quickly").
#[test]
fn election_safety_and_liveness_over_1000_seeds() {
    let config = RaftConfig::default();
    for seed in 0..1_000 {
        let sim = run(seed, &config, 3_000, 4_000);
        if let Some(v) = first_violation(&sim) {
            panic!("seed={seed}: {v:?}");
        }
        let top = sim.nodes().iter().map(|n| n.state.term()).max().unwrap();
        let leaders: Vec<NodeId> = sim
            .nodes()
            .iter()
            .filter(|n| n.state.role() == Role::Leader)
            .map(|n| n.state.id)
            .collect();
        assert_eq!(
            leaders.len(),
            1,
            "seed={seed}: leaders {leaders:?} after 4 s of calm"
        );
        let leader = &sim.nodes()[leaders[0].index()].state;
        assert_eq!(
            leader.term(),
            top,
            "seed={seed}: the leader has the newest term"
        );
        for n in sim.nodes() {
            assert_eq!(
                (n.state.term(), n.state.volatile.leader),
                (top, Some(leader.id)),
                "seed={seed}: {} does not follow the leader",
                n.state.id
            );
        }
    }
}

/// Break it: with votes granted twice per term, the checker must find two leaders in one term.
/// (If it finds nothing in 300 seeds, the checker is not doing its job.)
#[test]
fn checker_catches_two_leaders_when_servers_vote_twice() {
    let config = RaftConfig {
        breaks: Breaks { vote_twice: true },
        ..RaftConfig::default()
    };
    let caught = (0..300).find_map(|seed| {
        let sim = run(seed, &config, 2_000, 0);
        first_violation(&sim).map(|v| (seed, v.clone()))
    });
    let (seed, v) = caught.expect("no violation found in 300 seeds with vote_twice on");
    assert_eq!(v.invariant, "election-safety", "seed={seed}");
    assert_eq!(v.nodes.len(), 2);
}
