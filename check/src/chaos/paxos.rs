//! Paxos' fault schedule: crashes, restarts, loss, duplication, partitions, cuts and new
//! proposals (and, when writes take time, crashes in the middle of one), then everything healed
//! and restarted and every proposer proposing once more.

use concord_core::paxos::{Audit, Command, PaxosConfig, PaxosNode, invariants};
use concord_core::sim::{Action, Input, NodeId, Sim, SimConfig, SimRng, Time, Violation, ms};

/// Virtual time with faults, then with a healthy network.
pub const CHAOS: Time = ms(600);
pub const CALM: Time = ms(1_000);

/// A run. The engine checks the invariants after every step; with `audit` on, the test keeps a
/// copy of the checker's memory too (the engine's is private), by checking after every step
/// exactly as the engine does.
pub struct Run {
    pub sim: Sim<PaxosNode>,
    pub audit: Option<Audit>,
    /// Crashes of a node with a write to stable storage under way.
    pub lost_writes: u64,
}

impl Run {
    pub fn step_until(&mut self, until: Time) {
        match &mut self.audit {
            None => {
                self.sim.run_until(until);
            }
            Some(audit) => {
                while self.sim.next_event_time().is_some_and(|t| t <= until) {
                    let report = self.sim.step().unwrap();
                    let found = invariants::check(audit, self.sim.nodes());
                    assert_same(&found, &report.violations);
                }
            }
        }
    }

    pub fn act(&mut self, action: Action<PaxosNode>) {
        if let Action::Crash(id) = action
            && self.sim.nodes()[id.index()].state.writing().is_some()
        {
            self.lost_writes += 1;
        }
        let at = self.sim.now();
        let report = self.sim.apply(Input::Act { at, action }).unwrap();
        if let Some(audit) = &mut self.audit {
            let found = invariants::check(audit, self.sim.nodes());
            assert_same(&found, &report.violations);
        }
    }

    pub fn first_violation(&self) -> Option<&Violation> {
        self.sim.violations().first()
    }
}

/// The shadow checker found what the engine's found (the engine stamps step and time).
pub fn assert_same(found: &[Violation], reported: &[Violation]) {
    let unstamped: Vec<Violation> = reported
        .iter()
        .map(|v| Violation {
            step: 0,
            time: 0,
            ..v.clone()
        })
        .collect();
    assert_eq!(found, unstamped);
}

/// The cluster of a seed: 1–3 proposers, 3–7 acceptors, 1–2 learners; one seed in four puts
/// every role on every server (colocated).
pub fn config_for(seed: u64) -> PaxosConfig {
    let mut r = SimRng::new(seed, u64::MAX - 1);
    let proposers = r.between(1, 3) as usize;
    let acceptors = r.between(3, 7) as usize;
    if r.below(4) == 0 {
        PaxosConfig::colocated(acceptors, proposers)
    } else {
        PaxosConfig::separate(proposers, acceptors, r.between(1, 2) as usize)
    }
}

/// Chaos for [`CHAOS`] (crashes, restarts, loss, duplication, partitions, cuts, new proposals),
/// then everything healed and restarted, every proposer asked to propose once more, and
/// [`CALM`] to finish.
pub fn run(seed: u64, config: &PaxosConfig, audit: bool) -> Run {
    let n = config.nodes();
    let sim_config = SimConfig {
        seed,
        nodes: n,
        net: Default::default(),
    };
    let mut run = Run {
        sim: Sim::new(sim_config, config).unwrap(),
        audit: audit.then(Audit::default),
        lost_writes: 0,
    };
    let proposers = config.proposers(n);
    // The fault schedule has its own stream, so it does not disturb the run's randomness.
    let mut faults = SimRng::new(seed, u64::MAX);
    let mut values = 0;
    let mut t = 0;
    while t < CHAOS {
        t += ms(10);
        run.step_until(t);
        let node = NodeId(faults.below(n as u64) as u16);
        let up = run.sim.nodes()[node.index()].up;
        match faults.below(100) {
            0..5 if up => run.act(Action::Crash(node)),
            5..12 if !up => run.act(Action::Restart(node)),
            12..15 => {
                let mut net = run.sim.config().net.clone();
                net.loss = faults.below(40) as f64 / 100.0;
                net.duplicate = faults.below(20) as f64 / 100.0;
                run.act(Action::SetNetwork(net));
            }
            15..18 => {
                let side: Vec<NodeId> = NodeId::all(n).filter(|_| faults.chance(0.5)).collect();
                run.act(Action::Partition(vec![side]));
            }
            18..21 => {
                let other = NodeId(faults.below(n as u64) as u16);
                run.act(Action::Cut(node, other));
            }
            21..24 => run.act(Action::Heal),
            24..30 => {
                let p = proposers[faults.below(proposers.len() as u64) as usize];
                if run.sim.nodes()[p.index()].up {
                    values += 1;
                    run.act(Action::Command(p, Command::Propose(format!("v{values}"))));
                }
            }
            // When writes take time, now and then crash a node in the middle of one.
            30..45 if config.persist_delay_max > 0 => {
                let writing = run
                    .sim
                    .nodes()
                    .iter()
                    .find(|s| s.up && s.state.writing().is_some())
                    .map(|s| s.state.id);
                if let Some(writer) = writing {
                    run.act(Action::Crash(writer));
                }
            }
            _ => {}
        }
    }
    run.act(Action::Heal);
    run.act(Action::SetNetwork(Default::default()));
    for id in NodeId::all(n) {
        if !run.sim.nodes()[id.index()].up {
            run.act(Action::Restart(id));
        }
    }
    for &p in &proposers {
        values += 1;
        run.act(Action::Command(p, Command::Propose(format!("v{values}"))));
    }
    run.step_until(t + CALM);
    run
}
