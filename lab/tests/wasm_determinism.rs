//! The Lab gives the same numbers in the browser as natively: the JSON reports of small runs of
//! four experiments (Raft's Figure 16, gossip convergence and rumor mongering, whose tables hold
//! predictions computed with `exp`, `ln` and `powf`, and Paxos) are hashed (FNV-1a) and the hash
//! is pinned. `cargo xtask test` runs this test natively and under node (wasm32, through
//! wasm-bindgen-test-runner), so a platform whose numbers differ fails, and so does any change
//! to what the experiments measure. After an intended change, run
//! `cargo test -p concord-lab --test wasm_determinism` and copy the printed hash into
//! `PINNED_REPORTS_HASH`.

mod common;

use common::{SMALL, run};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const PINNED_REPORTS_HASH: u64 = 8078813818145544585;

const CHECKED: [&str; 4] = [
    "raft-figure16",
    "gossip-spread",
    "gossip-rumor",
    "paxos-duels",
];

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn reports() -> String {
    SMALL
        .iter()
        .filter(|(name, _, _)| CHECKED.contains(name))
        .map(|&(name, pairs, trials)| run(name, pairs, 11, trials).to_json())
        .collect()
}

#[test]
fn small_runs_give_the_pinned_reports_natively_and_in_wasm() {
    let json = reports();
    for name in CHECKED {
        assert!(json.contains(name), "{name} did not run");
    }
    let hash = fnv1a(json.as_bytes());
    assert_eq!(
        hash, PINNED_REPORTS_HASH,
        "reports hash {hash}; if the change was intended, pin it in PINNED_REPORTS_HASH"
    );
}
