//! A short pass of every fuzz target (the long ones are `cargo xtask fuzz`): no input fails,
//! and every kind of intervention was taken at least once, so a generator that stopped
//! producing one cannot pass.

use concord_check::fuzz::{TARGETS, Tally};

/// Inputs per target: a few seconds each in a debug build.
const CASES: u32 = 48;

#[test]
fn every_target_passes_a_short_run_and_takes_every_kind_of_intervention() {
    for target in TARGETS {
        let tally = Tally::new((target.kinds)());
        if let Err(why) = (target.run)(CASES, 1, &tally) {
            panic!("fuzz target {}: {why}", target.name);
        }
        assert_eq!(tally.cases(), CASES as u64, "{}", target.name);
        let never = tally.never_taken();
        assert!(never.is_empty(), "{}: never taken: {never:?}", target.name);
    }
}
