//! Gossip at scale: one update spreading through 10,000 nodes: plain, fast-forwarded in a History
//! (as the playground's "until converged" runs it at this size), recorded with every step
//! described, and what stepping back costs then.
//! Run with `cargo xtask bench`; results and method are in BENCHMARKS.md.

use std::hint::black_box;

use concord_core::gossip::{Command, GossipConfig, GossipNode};
use concord_core::sim::{Action, History, Input, NodeId, Sim, SimConfig, Time, ms};
use criterion::{Criterion, criterion_group, criterion_main};

const N: usize = 10_000;

/// A 10,000-node cluster (default settings: anti-entropy push-pull, fan-out 3, 1 s rounds)
/// with one update written at node 0.
fn cluster() -> Sim<GossipNode> {
    let config = SimConfig {
        seed: 1,
        nodes: N,
        net: Default::default(),
    };
    let mut sim = Sim::new(config, &GossipConfig::default()).expect("valid settings");
    sim.apply(Input::Act {
        at: 0,
        action: Action::Command(NodeId(0), Command::Update { key: 1, value: 1 }),
    })
    .expect("node 0 is up");
    sim
}

/// The virtual time by which the update has reached every node (measured once).
fn convergence_time() -> Time {
    let mut sim = cluster();
    let mut t = 0;
    loop {
        t += ms(1_000);
        sim.run_until(t - 1);
        let row = sim.audit().round_now().expect("a step was taken");
        if row.keys.iter().all(|k| k.holders == row.live) {
            return t;
        }
    }
}

fn spread(c: &mut Criterion) {
    let until = convergence_time();
    let mut group = c.benchmark_group("gossip_10k");
    group.sample_size(10);
    group.bench_function("build", |b| b.iter(|| black_box(cluster())));
    group.bench_function("push_pull_to_convergence", |b| {
        b.iter(|| {
            let mut sim = cluster();
            black_box(sim.run_until(until))
        })
    });
    group.bench_function("push_pull_fast_forwarded_to_convergence", |b| {
        b.iter(|| {
            let mut history = History::new(cluster());
            let done = history.fast_forward_until(usize::MAX, |sim| sim.audit().spread_complete());
            history.describe_current();
            black_box(done)
        })
    });
    group.bench_function("push_pull_to_convergence_recorded", |b| {
        b.iter(|| {
            let mut history = History::new(cluster());
            black_box(history.run_until(until))
        })
    });
    let recorded = || {
        let mut history = History::new(cluster());
        history.run_until(until);
        history
    };
    group.bench_function("seek_back_one_step_at_the_end", |b| {
        let mut history = recorded();
        let len = history.len();
        b.iter(|| {
            history.seek(len);
            history.seek(black_box(len - 1));
        })
    });
    group.bench_function("seek_to_the_middle", |b| {
        let mut history = recorded();
        let len = history.len();
        b.iter(|| {
            history.seek(len);
            history.seek(black_box(len / 2));
        })
    });
    group.finish();
}

criterion_group!(benches, spread);
criterion_main!(benches);
