//! Helpers shared by the gossip test suites: the shared manual-stepping [`driver`], gossip's
//! own moves (write an update, fire a timer by node number), whole rounds and statistics.

#![allow(dead_code, unused_imports)]

use concord_core::gossip::{
    Command, GossipConfig, GossipNode, Key, KeyCensus, Msg, MsgKind, Rule, Timer, metrics,
};
use concord_core::sim::{Action, Envelope, NodeId, Sim, StepReport, Time};

#[path = "../driver/mod.rs"]
pub mod driver;

pub use driver::{act, deliver, drop_msgs, in_flight, stabilize};

pub fn cluster(n: usize, seed: u64, config: &GossipConfig) -> Sim<GossipNode> {
    driver::cluster(n, seed, config)
}

pub fn update(
    sim: &mut Sim<GossipNode>,
    node: u16,
    key: u32,
    value: u64,
) -> StepReport<GossipNode> {
    act(
        sim,
        Action::Command(NodeId(node), Command::Update { key, value }),
    )
}

/// Fire an armed timer of `node` now.
pub fn fire(sim: &mut Sim<GossipNode>, node: u16, timer: Timer) -> StepReport<GossipNode> {
    driver::fire(sim, NodeId(node), timer)
}

pub fn kind(k: MsgKind) -> impl Fn(&Envelope<Msg>) -> bool {
    move |e| e.msg.kind() == k
}

pub fn between(from: u16, to: u16) -> impl Fn(&Envelope<Msg>) -> bool {
    move |e| e.from == NodeId(from) && e.to == NodeId(to)
}

pub fn node(sim: &Sim<GossipNode>, id: u16) -> &GossipNode {
    &sim.nodes()[id as usize].state
}

pub fn value(sim: &Sim<GossipNode>, id: u16, key: u32) -> Option<u64> {
    node(sim, id).store().value(Key::Data(key))
}

/// Run until the end of round `r` (just before round `r + 1` starts).
pub fn run_to_round_end(sim: &mut Sim<GossipNode>, period: Time, r: u64) {
    sim.run_until((r + 1) * period - 1);
}

pub fn census(sim: &Sim<GossipNode>, key: u32) -> KeyCensus {
    metrics::key_census(sim.nodes(), Key::Data(key)).expect("some node holds the key")
}

/// Run round by round until `done`; the round it first held, or `None` within `max` rounds.
pub fn rounds_until(
    sim: &mut Sim<GossipNode>,
    period: Time,
    max: u64,
    done: impl Fn(&Sim<GossipNode>) -> bool,
) -> Option<u64> {
    let start = sim.now() / period;
    for r in start..start + max {
        run_to_round_end(sim, period, r);
        if done(sim) {
            return Some(r);
        }
    }
    None
}

/// Rules of a kind fired in a list.
pub fn count_rules(rules: &[Rule], pred: impl Fn(&Rule) -> bool) -> usize {
    rules.iter().filter(|r| pred(r)).count()
}

pub fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

/// Trials per statistical test: fewer in debug builds (the tolerance's standard-error part
/// widens to match).
pub fn trials(debug: u64, release: u64) -> u64 {
    if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

/// Assert `|mean − expected| ≤ margin + 3·SE`; print the comparison.
pub fn check_mean(what: &str, xs: &[f64], expected: f64, margin: f64) {
    let (mean, sd) = mean_sd(xs);
    let se = sd / (xs.len() as f64).sqrt();
    let tolerance = margin + 3.0 * se;
    println!(
        "{what}: mean {mean:.4} (sd {sd:.4}, {} trials) vs {expected:.4}, tolerance {tolerance:.4}",
        xs.len()
    );
    assert!(
        (mean - expected).abs() <= tolerance,
        "{what}: mean {mean:.4} is more than {tolerance:.4} from {expected:.4} (seeds 0..{})",
        xs.len()
    );
}
