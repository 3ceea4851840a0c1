//! The 10,000-node spread the browser runs: one update, anti-entropy push-pull (the default
//! settings), to full convergence in a `History`: fast-forwarded, as the playground's "until
//! converged" runs it at this size, and with every step described (recorded), as it ran before.
//! A measurement for BENCHMARKS.md, natively and under node via the wasm32 target (timed from
//! outside, one test at a time, against a run that skips both); it checks only that the spread
//! completes.
//!
//! ```sh
//! cargo test -p concord-core --test gossip_speed -- --include-ignored fast_forwarded
//! cargo test -p concord-core --target wasm32-unknown-unknown --test gossip_speed -- --include-ignored fast_forwarded
//! ```
//!
//! (and `recorded` for the other).

use concord_core::gossip::{Command, GossipConfig, GossipNode};
use concord_core::sim::{Action, History, Input, NodeId, Sim, SimConfig, ms};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A 10,000-node run with one update written at node 0.
fn started() -> History<GossipNode> {
    let config = SimConfig {
        seed: 1,
        nodes: 10_000,
        net: Default::default(),
    };
    let sim = Sim::<GossipNode>::new(config, &GossipConfig::default()).unwrap();
    let mut history = History::new(sim);
    history
        .apply(Input::Act {
            at: 0,
            action: Action::Command(NodeId(0), Command::Update { key: 1, value: 1 }),
        })
        .unwrap();
    history
}

#[test]
#[ignore = "a measurement: run with --include-ignored and time it"]
fn ten_thousand_nodes_push_pull_fast_forwarded_to_convergence() {
    let mut history = started();
    let converged = history.fast_forward_until(5_000_000, |sim| sim.audit().spread_complete());
    assert_eq!(converged, Ok(true), "10,000 nodes converge");
    history.describe_current();
    // Stepping back from the end, as a user would.
    let len = history.len();
    history.seek(len - 1);
    assert_eq!(history.position(), len - 1);
}

#[test]
#[ignore = "a measurement: run with --include-ignored and time it"]
fn ten_thousand_nodes_push_pull_recorded_to_convergence() {
    let mut history = started();
    let converged = (1..40).find(|&r| {
        history.run_until(ms(1_000) * r - 1);
        let row = history.current().audit().round_now().unwrap();
        row.keys.iter().all(|k| k.holders == row.live)
    });
    assert!(
        converged.is_some(),
        "10,000 nodes converge within 40 rounds"
    );
    // Stepping back from the end, as a user would.
    let len = history.len();
    history.seek(len - 1);
    assert_eq!(history.position(), len - 1);
}
