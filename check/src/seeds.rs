//! Checking something over many seeds on every core. A seed's run never depends on the thread
//! that runs it, so a failure is reproduced by its seed alone.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One thread per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// What a sweep over seeds found.
#[derive(Debug, Default)]
pub struct Sweep {
    /// Seeds run.
    pub runs: u64,
    /// The failing seeds with what failed, smallest seed first.
    pub failures: Vec<(u64, String)>,
}

/// Run `check` on every seed of `seeds` over `threads` threads, thread `t` taking every
/// `threads`-th seed from the `t`-th. Each run counts in `done` as it ends (for progress
/// reports); with `first_only`, every thread stops at the first failure any thread finds.
pub fn sweep(
    seeds: Range<u64>,
    threads: usize,
    first_only: bool,
    done: &AtomicU64,
    check: impl Fn(u64) -> Result<(), String> + Sync,
) -> Sweep {
    let stop = AtomicBool::new(false);
    let parts: Vec<Sweep> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let (check, stop, seeds) = (&check, &stop, seeds.clone());
                s.spawn(move || {
                    let mut part = Sweep::default();
                    for seed in (seeds.start + t..seeds.end).step_by(threads) {
                        if first_only && stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let result = check(seed);
                        part.runs += 1;
                        done.fetch_add(1, Ordering::Relaxed);
                        if let Err(why) = result {
                            part.failures.push((seed, why));
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    part
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut all = Sweep::default();
    for part in parts {
        all.runs += part.runs;
        all.failures.extend(part.failures);
    }
    all.failures.sort_by_key(|(seed, _)| *seed);
    all
}

/// Run `check` on seeds `0..seeds` on every core; panic with the smallest failing seed found
/// (the property suites' loop).
pub fn over_seeds(seeds: u64, check: impl Fn(u64) -> Result<(), String> + Sync) {
    let sweep = sweep(0..seeds, threads(), true, &AtomicU64::new(0), check);
    if let Some((seed, why)) = sweep.failures.first() {
        panic!("seed={seed}: {why}");
    }
}
