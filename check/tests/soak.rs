//! A short pass of every protocol's soak (the long one is `cargo xtask soak`): the runs it
//! makes hold their safety properties, so a soak that stopped running cannot pass unnoticed.

use concord_check::soak::PROTOCOLS;

/// Seeds per protocol: a few seconds in a debug build.
const SEEDS: u64 = 200;

#[test]
fn every_protocol_passes_a_short_soak() {
    for protocol in PROTOCOLS {
        for seed in 0..SEEDS {
            if let Err(why) = (protocol.run)(seed) {
                panic!("soak {} seed={seed}: {why}", protocol.name);
            }
        }
    }
}
