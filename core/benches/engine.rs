//! How fast the engine runs a protocol, and what stepping back costs.
//! Run with `cargo xtask bench`; results and method are in BENCHMARKS.md.

use std::hint::black_box;

use concord_core::raft::{RaftConfig, RaftNode};
use concord_core::sim::{History, Sim, SimConfig, ms};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn raft(nodes: usize) -> Sim<RaftNode> {
    let config = SimConfig {
        seed: 1,
        nodes,
        net: Default::default(),
    };
    Sim::new(config, &RaftConfig::default()).expect("valid settings")
}

/// Steps per second: one simulated second of a Raft cluster (an election, then heartbeats).
fn steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("raft_one_second");
    for nodes in [3, 5, 9] {
        let events = {
            let mut sim = raft(nodes);
            sim.run_until(ms(1_000))
        };
        group.throughput(Throughput::Elements(events));
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &nodes, |b, &n| {
            b.iter(|| {
                let mut sim = raft(n);
                black_box(sim.run_until(ms(1_000)))
            })
        });
    }
    group.finish();
}

/// The same second recorded in a History (snapshots and reports kept), as the web app runs it.
fn recorded(c: &mut Criterion) {
    c.bench_function("raft_one_second_recorded/5", |b| {
        b.iter(|| {
            let mut history = History::new(raft(5));
            black_box(history.run_until(ms(1_000)))
        })
    });
}

/// Stepping back: seeking to an earlier step restores a snapshot and replays.
fn seek(c: &mut Criterion) {
    let mut history = History::new(raft(5));
    history.run_until(ms(10_000));
    let len = history.len();
    c.bench_function("seek_back_one_step_in_10s_run/5", |b| {
        b.iter(|| {
            history.seek(len);
            history.seek(black_box(len - 1));
        })
    });
}

criterion_group!(benches, steps, recorded, seek);
criterion_main!(benches);
