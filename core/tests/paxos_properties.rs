//! Single-decree Paxos under random faults, over many seeds: the safety requirements hold
//! after every step, and once the network is healthy again a value is chosen and every
//! learner learns it. Each "break it" switch must make the checker fire within a few hundred
//! seeds, so a checker that never fires cannot pass.
//!
//! A failure prints the seed; `run(seed, &config_for(seed), true)` replays it exactly.
//! Seeds are checked on one thread per core; the run of a seed does not depend on which.

use concord_core::paxos::{AGREEMENT, Breaks, LEARN_ONLY_CHOSEN, Stage};
use std::sync::atomic::{AtomicU64, Ordering};

use concord_check::chaos::paxos::{config_for, run};
use concord_core::sim::{NodeId, ms};

/// Safety (§2.1: only a single value is chosen; nobody learns a value that is not chosen)
/// under crashes, restarts, loss, duplication, cuts, partitions and proposals at any time;
/// and progress once healthy (§2.4: randomized back-off lets one proposer finish): every
/// learner has learned, every proposer has seen its Accept answered by a quorum, all with the
/// same value. One seed in 100 also keeps the checker's memory, to compare its chosen value.
/// With `write_delay`, writes to stable storage take 1–8 ms and some crashes interrupt them.
/// Returns how many did.
fn check_seeds(seeds: std::ops::Range<u64>, write_delay: bool) -> u64 {
    let mut lost_writes = 0;
    for seed in seeds {
        let mut config = config_for(seed);
        if write_delay {
            config.persist_delay_min = ms(1);
            config.persist_delay_max = ms(8);
        }
        let run = run(seed, &config, seed % 100 == 0);
        lost_writes += run.lost_writes;
        if let Some(v) = run.first_violation() {
            panic!("seed={seed}: {v:?}");
        }
        let n = config.nodes();
        let nodes = run.sim.nodes();
        let mut finals: Vec<(NodeId, Option<&String>)> = Vec::new();
        for l in config.learners(n) {
            finals.push((l, nodes[l.index()].state.learned().map(|p| &p.value)));
        }
        for p in config.proposers(n) {
            let node = &nodes[p.index()].state;
            assert_eq!(
                node.stage(),
                Stage::Done,
                "seed={seed}: proposer {p} not done"
            );
            finals.push((p, node.volatile.proposer.proposed.as_ref()));
        }
        let chosen = finals[0].1;
        assert!(
            chosen.is_some(),
            "seed={seed}: {} knows of no value",
            finals[0].0
        );
        for (id, value) in &finals {
            assert_eq!(
                *value, chosen,
                "seed={seed}: {id} disagrees with {}",
                finals[0].0
            );
        }
        if let Some(audit) = &run.audit {
            assert_eq!(audit.chosen_value(), chosen, "seed={seed}");
        }
    }
    lost_writes
}

/// `check_seeds` over `0..seeds` on every core (a failure names its seed); the crashes that
/// interrupted a write, summed.
fn over_seeds(seeds: u64, write_delay: bool) -> u64 {
    let lost = AtomicU64::new(0);
    concord_check::seeds::over_seeds(seeds, |seed| {
        lost.fetch_add(check_seeds(seed..seed + 1, write_delay), Ordering::Relaxed);
        Ok(())
    });
    lost.into_inner()
}

#[test]
fn safety_and_progress_over_10000_seeds() {
    over_seeds(10_000, false);
}

/// §2.2: an acceptor "must remember this information even if it fails and then restarts". With
/// writes to stable storage that take time, a promise or an acceptance leaves only once written,
/// and a crash before then forgets it: safety and progress still hold, and the schedule does
/// crash nodes in the middle of writes.
fn safety_and_progress_with_write_delays(seeds: u64) -> u64 {
    let lost = over_seeds(seeds, true);
    assert!(
        lost >= seeds / 2,
        "only {lost} crashes mid-write in {seeds} seeds: the schedule misses writes"
    );
    lost
}

#[test]
fn safety_and_progress_with_write_delays_and_crashes_mid_write_over_1000_seeds() {
    safety_and_progress_with_write_delays(1_000);
}

/// The same over 10,000 seeds: `cargo test -p concord-core --release --test paxos_properties
/// -- --ignored`.
#[test]
#[ignore = "long: 10,000 seeds; run with --ignored"]
fn safety_and_progress_with_write_delays_and_crashes_mid_write_over_10000_seeds_ignored() {
    let lost = safety_and_progress_with_write_delays(10_000);
    println!("{lost} crashes interrupted a write");
}

/// Search the first 500 seeds, with the "break it" switch `name` on as `breaks` says, for a run
/// that breaks `invariant`; print where it was caught, to reproduce it.
fn caught(name: &str, breaks: Breaks, invariant: &str) {
    let found = (0..500).find_map(|seed| {
        let mut config = config_for(seed);
        config.breaks = breaks.clone();
        let run = run(seed, &config, false);
        run.sim
            .violations()
            .iter()
            .find(|v| v.invariant == invariant)
            .map(|v| (seed, v.clone()))
    });
    let (seed, v) = found.unwrap_or_else(|| panic!("{name}: no {invariant} in 500 seeds"));
    eprintln!("{name}: seed={seed}: {}", v.detail);
}

/// Break it: a proposer that ignores the values acceptors report in phase 1 gets its own value
/// chosen after another one was — the checker must see two values chosen.
#[test]
fn checker_catches_two_values_when_proposers_ignore_accepted_values() {
    caught(
        "ignore_accepted",
        Breaks {
            ignore_accepted: true,
            ..Breaks::default()
        },
        AGREEMENT,
    );
}

/// Break it: an acceptor that accepts a number below its promise lets a proposer that saw no
/// accepted value (its promises came first) overwrite a value being chosen.
#[test]
fn checker_catches_two_values_when_acceptors_accept_below_their_promise() {
    caught(
        "accept_below_promise",
        Breaks {
            accept_below_promise: true,
            ..Breaks::default()
        },
        AGREEMENT,
    );
}

/// Break it: with quorums one short of a majority, two quorums need not meet. Learners and
/// proposers then believe in values no majority accepted (a learner of an unchosen value), and
/// two values can be chosen.
#[test]
fn checker_catches_small_quorums() {
    let breaks = Breaks {
        small_quorum: true,
        ..Breaks::default()
    };
    caught("small_quorum", breaks.clone(), LEARN_ONLY_CHOSEN);
    caught("small_quorum", breaks, AGREEMENT);
}

/// Same seed, same run: the final states are equal, field for field.
#[test]
fn a_seed_replays_exactly() {
    for seed in [3, 77, 1234] {
        let config = config_for(seed);
        let (a, b) = (run(seed, &config, true), run(seed, &config, true));
        assert_eq!(a.sim, b.sim, "seed={seed}");
        assert_eq!(a.audit, b.audit, "seed={seed}");
    }
}
