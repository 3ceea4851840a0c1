//! Raft's fault schedule: a run of random crashes, restarts, loss, duplication, cut links,
//! partitions, client traffic and (by plan) hunted leaders, leadership transfers and membership
//! changes, then a healthy network; and what a run should end in once healthy.

use concord_core::raft::{Change, Command, Op, RaftConfig, RaftNode, Role};
use concord_core::sim::{Action, Input, NodeId, Sim, SimConfig, SimRng, Violation, ms};

/// How a run goes: chaos for `chaos_ms`, then a healthy network for `calm_ms`.
#[derive(Clone, Copy)]
pub struct Plan {
    /// Cluster sizes are `1..=max_nodes`, by seed.
    pub max_nodes: u64,
    pub chaos_ms: u64,
    pub calm_ms: u64,
    /// Client requests (sets, adds, deletes, gets) and retries.
    pub clients: bool,
    /// Hunt leaders (Figure 8's pattern): client requests go mostly to the leader, which is then
    /// often cut off alone right away, before it can replicate them; heals come more often.
    pub hunt_leaders: bool,
    /// Now and then ask the leader to hand leadership to another server (thesis §3.10).
    pub transfers: bool,
    /// Membership changes (add a voter or a learner, promote, remove), mostly to the leader
    /// (thesis chapter 4); they take part of the clients' share.
    pub changes: bool,
}

impl Plan {
    pub const fn new(max_nodes: u64, chaos_ms: u64, calm_ms: u64) -> Plan {
        Plan {
            max_nodes,
            chaos_ms,
            calm_ms,
            clients: true,
            hunt_leaders: false,
            transfers: false,
            changes: false,
        }
    }

    /// The cluster size of a seed's run.
    pub fn nodes(&self, seed: u64) -> usize {
        1 + (seed % self.max_nodes) as usize
    }
}

fn leader(sim: &Sim<RaftNode>) -> Option<NodeId> {
    sim.nodes()
        .iter()
        .find(|s| s.up && s.state.role() == Role::Leader)
        .map(|s| s.state.id)
}

pub fn run(seed: u64, config: &RaftConfig, plan: Plan) -> Sim<RaftNode> {
    run_counting_lost_writes(seed, config, plan).0
}

/// [`run`], and how many times a server crashed with a write to stable storage under way.
/// When writes take time, the schedule also crashes, now and then, a server that is writing.
pub fn run_counting_lost_writes(
    seed: u64,
    config: &RaftConfig,
    plan: Plan,
) -> (Sim<RaftNode>, u64) {
    let n = plan.nodes(seed);
    let sim_config = SimConfig {
        seed,
        nodes: n,
        net: Default::default(),
    };
    let mut sim = Sim::<RaftNode>::new(sim_config, config).unwrap();
    // The fault schedule has its own stream, so it does not disturb the run's randomness.
    let mut faults = SimRng::new(seed, u64::MAX);
    let mut lost_writes = 0;
    let mut act = |sim: &mut Sim<RaftNode>, action| {
        if let Action::Crash(id) = action
            && sim.nodes()[id.index()].state.writing().is_some()
        {
            lost_writes += 1;
        }
        let at = sim.now();
        sim.apply(Input::Act { at, action }).unwrap();
    };
    // Three clients, each with its next sequence number and its last request (a retry sends
    // the same request again); a fourth asks for membership changes.
    let mut next_seq = [1u64; 4];
    let mut last_op: [Option<Op>; 3] = Default::default();
    let clients_until = if plan.changes { 40 } else { 55 };
    let mut t = 0;
    while t < ms(plan.chaos_ms) {
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
            k @ 19..55 if plan.clients && k < clients_until && (up || plan.hunt_leaders) => {
                if plan.hunt_leaders
                    && let Some(leader) = leader(&sim).filter(|_| faults.chance(0.7))
                {
                    node = leader;
                }
                if !sim.nodes()[node.index()].up {
                    continue;
                }
                let client = faults.below(3) as usize;
                // A quarter of the time, retry the last request instead of sending a new one.
                let retry = next_seq[client] > 1 && faults.chance(0.25);
                let seq = if retry {
                    next_seq[client] - 1
                } else {
                    next_seq[client] += 1;
                    next_seq[client] - 1
                };
                let key = ["a", "b"][faults.below(2) as usize];
                let v = faults.below(10) as i64;
                let op = match faults.below(4) {
                    0 => Op::set(key, v),
                    1 => Op::add(key, v),
                    2 => Op::del(key),
                    _ => Op::get(key),
                };
                let op = match &last_op[client] {
                    Some(last) if retry => last.clone(),
                    _ => op,
                };
                last_op[client] = Some(op.clone());
                let cmd = Command::Client {
                    client: client as u32 + 1,
                    seq,
                    op,
                };
                act(&mut sim, Action::Command(node, cmd));
                if plan.hunt_leaders && faults.chance(0.8) {
                    act(&mut sim, Action::Partition(vec![vec![node]]));
                }
            }
            40..55 if plan.changes => {
                // Mostly to the leader, so that changes happen.
                if let Some(leader) = leader(&sim).filter(|_| faults.chance(0.8)) {
                    node = leader;
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
                    client: 4,
                    seq: next_seq[3],
                    change,
                };
                next_seq[3] += 1;
                act(&mut sim, Action::Command(node, cmd));
            }
            55..63 if plan.hunt_leaders => act(&mut sim, Action::Heal),
            63..66 if plan.transfers => {
                if let Some(leader) = leader(&sim) {
                    let to = NodeId(faults.below(n as u64) as u16);
                    act(&mut sim, Action::Command(leader, Command::Transfer { to }));
                }
            }
            66..84 if config.persist_delay_max > 0 => {
                let writing = sim
                    .nodes()
                    .iter()
                    .find(|s| s.up && s.state.writing().is_some())
                    .map(|s| s.state.id);
                if let Some(writer) = writing {
                    act(&mut sim, Action::Crash(writer));
                }
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
    sim.run_until(t + ms(plan.calm_ms));
    (sim, lost_writes)
}

pub fn first_violation(sim: &Sim<RaftNode>) -> Option<&Violation> {
    sim.violations().first()
}

/// After the calm: one leader, of the newest term, followed by everyone; every server holds the
/// leader's log (a follower may keep a stale suffix past the leader's last entry, which Raft
/// only removes when new entries reach it), has committed and applied all of it, and has the
/// same state machine.
pub fn converged(sim: &Sim<RaftNode>) -> Result<(), String> {
    let top = sim.nodes().iter().map(|n| n.state.term()).max().unwrap();
    let leaders: Vec<&RaftNode> = sim
        .nodes()
        .iter()
        .map(|n| &n.state)
        .filter(|n| n.role() == Role::Leader)
        .collect();
    let [leader] = leaders[..] else {
        return Err(format!("{} leaders after the calm", leaders.len()));
    };
    if leader.term() != top {
        return Err(format!(
            "the leader {} is not of the newest term",
            leader.id
        ));
    }
    let last = leader.persistent.last_log_index();
    for n in sim.nodes().iter().map(|n| &n.state) {
        let v = &n.volatile;
        if (n.term(), v.leader) != (top, Some(leader.id)) {
            return Err(format!("{} does not follow the leader", n.id));
        }
        // With snapshots, the entries both still store; the state machines cover the rest.
        let (p, lp) = (&n.persistent, &leader.persistent);
        let from = p.log.first_index().max(lp.log.first_index());
        if p.last_log_index() < last || p.entries(from, last) != lp.entries(from, last) {
            return Err(format!("{}'s log differs from the leader's", n.id));
        }
        if (v.commit_index, v.last_applied) != (last, last) {
            return Err(format!(
                "{} committed {} and applied {} of the leader's {last}",
                n.id, v.commit_index, v.last_applied
            ));
        }
        if v.state_machine != leader.volatile.state_machine {
            return Err(format!("{}'s state machine differs", n.id));
        }
    }
    Ok(())
}
