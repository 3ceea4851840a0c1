//! Scale: one update spreading through 10,000 nodes, timed. A measurement, not a test of
//! speed (nothing asserts a duration): run it in release mode and read the output,
//!
//! ```sh
//! cargo test -p concord-core --release --test gossip_scale -- --ignored --nocapture
//! ```
//!
//! It prints, per configuration, the rounds to full infection, the engine steps taken and
//! the best wall time of a few runs (the machine may be shared).

mod gossip_common;

use std::time::Instant;

use concord_core::gossip::{GossipConfig, Mode, Stop, metrics};
use gossip_common::*;

const N: usize = 10_000;

/// Rounds, steps and messages for one update at node 0 to reach all N nodes (or, for
/// rumors, to die out), and the time taken to build the cluster.
fn run(config: &GossipConfig, seed: u64) -> (u64, u64, u64, f64) {
    let start = Instant::now();
    let mut sim = cluster(N, seed, config);
    let setup = start.elapsed().as_secs_f64();
    update(&mut sim, 0, 1, 1);
    let rumor = config.model.is_rumor();
    let done = rounds_until(&mut sim, config.period, 200, |s| {
        let c = census(s, 1);
        if rumor {
            c.infective == 0
        } else {
            c.converged()
        }
    })
    .expect("done within 200 rounds");
    (
        done,
        sim.steps(),
        metrics::totals(sim.nodes()).messages(),
        setup,
    )
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn ten_thousand_nodes_one_update() {
    let configs = [
        (
            "anti-entropy push-pull, fan-out 3 (default)",
            GossipConfig::default(),
        ),
        (
            "anti-entropy pull, fan-out 3",
            GossipConfig {
                mode: Mode::Pull,
                ..GossipConfig::default()
            },
        ),
        (
            "anti-entropy push, fan-out 3",
            GossipConfig {
                mode: Mode::Push,
                ..GossipConfig::default()
            },
        ),
        (
            "anti-entropy push-pull, fan-out 1",
            GossipConfig {
                fanout: 1,
                ..GossipConfig::default()
            },
        ),
        (
            "seed notes: rumor push, fan-out 3, counter 2",
            GossipConfig::seed_notes(),
        ),
        (
            "rumor push, fan-out 1, blind coin 4",
            GossipConfig::rumor(Mode::Push, Stop::Coin, 4, false),
        ),
    ];
    for (name, config) in configs {
        let mut best = f64::MAX;
        let mut best_setup = f64::MAX;
        let mut out = (0, 0, 0, 0.0);
        for seed in 0..3 {
            let start = Instant::now();
            out = run(&config, seed);
            best = best.min(start.elapsed().as_secs_f64());
            best_setup = best_setup.min(out.3);
        }
        let (rounds, steps, messages, _) = out;
        println!(
            "{name}: {rounds} rounds, {steps} steps, {messages} messages; best {:.0} ms \
             (of which {:.0} ms building the cluster; {:.2} µs/step)",
            best * 1e3,
            best_setup * 1e3,
            (best - best_setup) * 1e6 / steps as f64
        );
    }
}
