//! The manual-stepping driver every suite shares, for any protocol: build a cluster, apply an
//! intervention now (the clock does not move), fire a timer, deliver or drop chosen messages,
//! deliver until nothing is in flight, record a run into a history.

#![allow(dead_code, unused_imports)]

use concord_core::sim::{
    Action, Envelope, History, Input, NodeId, Protocol, Sim, SimConfig, StepReport,
};

/// `nodes` nodes on a network with the default latency, seeded with `seed`.
pub fn cluster<P: Protocol>(nodes: usize, seed: u64, config: &P::Config) -> Sim<P> {
    let sim_config = SimConfig {
        seed,
        nodes,
        net: Default::default(),
    };
    Sim::new(sim_config, config).unwrap()
}

/// Record a run from `start` into a history until it holds `steps` steps, each the input `next`
/// picks for the run so far (an input the simulator refuses is skipped). Returns the history and
/// the state after each step, the start first.
pub fn record<P: Protocol>(
    start: Sim<P>,
    steps: usize,
    mut next: impl FnMut(&Sim<P>) -> Input<P>,
) -> (History<P>, Vec<Sim<P>>) {
    let mut history = History::new(start);
    let mut states = vec![history.current().clone()];
    while history.len() < steps {
        let input = next(history.current());
        if history.apply(input).is_ok() {
            states.push(history.current().clone());
        }
    }
    (history, states)
}

/// Crash `node` now if it is up, restart it if it is down.
pub fn crash_or_restart<P: Protocol>(sim: &Sim<P>, node: NodeId) -> Input<P> {
    let action = if sim.nodes()[node.index()].up {
        Action::Crash(node)
    } else {
        Action::Restart(node)
    };
    Input::Act {
        at: sim.now(),
        action,
    }
}

/// Apply an intervention now.
pub fn act<P: Protocol>(sim: &mut Sim<P>, action: Action<P>) -> StepReport<P> {
    let at = sim.now();
    sim.apply(Input::Act { at, action }).unwrap()
}

/// Fire an armed timer of `node` now.
pub fn fire<P: Protocol>(sim: &mut Sim<P>, node: NodeId, timer: P::Timer) -> StepReport<P> {
    act(sim, Action::Fire(node, timer))
}

pub fn in_flight<P: Protocol>(
    sim: &Sim<P>,
    pred: impl Fn(&Envelope<P::Msg>) -> bool,
) -> Vec<Envelope<P::Msg>> {
    sim.in_flight().filter(|e| pred(e)).cloned().collect()
}

/// Deliver, now and in id order, every message in flight that matches `pred` (across a
/// partition, "delivering" drops it). Returns the rules that fired.
pub fn deliver<P: Protocol>(
    sim: &mut Sim<P>,
    pred: impl Fn(&Envelope<P::Msg>) -> bool,
) -> Vec<P::Rule> {
    let mut rules = Vec::new();
    for env in in_flight(sim, pred) {
        rules.extend(act(sim, Action::Deliver(env.id)).rules);
    }
    rules
}

/// Remove every message in flight that matches `pred`.
pub fn drop_msgs<P: Protocol>(sim: &mut Sim<P>, pred: impl Fn(&Envelope<P::Msg>) -> bool) {
    for env in in_flight(sim, pred) {
        act(sim, Action::Drop(env.id));
    }
}

/// Deliver messages, including the ones they cause, until none is in flight (timers are left
/// alone). Returns the rules that fired.
pub fn stabilize<P: Protocol>(sim: &mut Sim<P>) -> Vec<P::Rule> {
    let mut rules = Vec::new();
    for _ in 0..1_000 {
        if sim.in_flight().next().is_none() {
            return rules;
        }
        rules.extend(deliver(sim, |_| true));
    }
    panic!("messages still in flight after 1000 rounds of deliveries");
}
