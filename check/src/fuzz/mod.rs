//! Fuzz targets on stable Rust: proptest draws inputs from a seeded generator, runs each, and
//! shrinks a failing one to a small input that fails the same way. A target is one row of
//! [`TARGETS`]; the test suite runs a short pass of each, `cargo xtask fuzz [target] --minutes
//! N` long ones on every core.
//!
//! The simulation targets ([`raft`], [`gossip`], [`paxos`]) play scripts of interventions
//! ([`script`]) on the correct protocol and fail on a panic or a broken invariant.

pub mod gossip;
pub mod paxos;
pub mod raft;
pub mod script;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use script::Subject;

/// One fuzz target.
pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    /// The kinds of input its tally counts.
    pub kinds: fn() -> Vec<&'static str>,
    /// Run `cases` inputs drawn from the generator seeded with `seed`; a failure is the
    /// smallest failing input found, described.
    pub run: fn(cases: u32, seed: u64, tally: &Tally) -> Result<(), String>,
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "raft",
        about: "Raft clusters (spares, snapshots, reads, PreVote, CheckQuorum, persistence \
                delay) under scripts of interventions, client requests, reads, membership \
                changes and transfers",
        kinds: kinds::<raft::Raft>,
        run: run_sim::<raft::Raft>,
    },
    Target {
        name: "gossip",
        about: "Gossip (anti-entropy and rumor mongering, SWIM, health checks, joins) under \
                scripts of interventions and writes",
        kinds: kinds::<gossip::Gossip>,
        run: run_sim::<gossip::Gossip>,
    },
    Target {
        name: "paxos",
        about: "single-decree Paxos (separate or colocated roles, persistence delay) under \
                scripts of interventions and proposals",
        kinds: kinds::<paxos::Paxos>,
        run: run_sim::<paxos::Paxos>,
    },
];

pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// How many inputs ran, and how many times each kind of intervention was taken or refused.
pub struct Tally {
    pub kinds: Vec<&'static str>,
    cases: AtomicU64,
    taken: Vec<AtomicU64>,
    refused: Vec<AtomicU64>,
}

impl Tally {
    pub fn new(kinds: Vec<&'static str>) -> Self {
        let zeros = || kinds.iter().map(|_| AtomicU64::new(0)).collect();
        Tally {
            cases: AtomicU64::new(0),
            taken: zeros(),
            refused: zeros(),
            kinds,
        }
    }

    pub fn case(&self) {
        self.cases.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count(&self, kind: usize, taken: bool) {
        let counts = if taken { &self.taken } else { &self.refused };
        counts[kind].fetch_add(1, Ordering::Relaxed);
    }

    /// Inputs run (a shrinking step counts as one).
    pub fn cases(&self) -> u64 {
        self.cases.load(Ordering::Relaxed)
    }

    /// Each kind with how many times it was taken and refused.
    pub fn counts(&self) -> Vec<(&'static str, u64, u64)> {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        (0..self.kinds.len())
            .map(|k| (self.kinds[k], load(&self.taken[k]), load(&self.refused[k])))
            .collect()
    }

    /// The kinds never taken.
    pub fn never_taken(&self) -> Vec<&'static str> {
        self.counts()
            .into_iter()
            .filter(|&(_, taken, _)| taken == 0)
            .map(|(kind, ..)| kind)
            .collect()
    }
}

fn kinds<S: Subject>() -> Vec<&'static str> {
    script::KINDS.iter().chain(S::COMMANDS).copied().collect()
}

fn run_sim<S: Subject>(cases: u32, seed: u64, tally: &Tally) -> Result<(), String>
where
    S::Setup: 'static,
    S::Cmd: 'static,
{
    run_inputs(&script::input::<S>(), cases, seed, |(setup, ops)| {
        tally.case();
        script::play::<S>(setup, ops, Some(tally))
    })
}

/// Run `cases` inputs drawn from `inputs` by the generator seeded with `seed` through `test`
/// (a panic fails too); a failure is the smallest failing input found, printed with why. The
/// runner of every target, the web crate's included.
pub fn run_inputs<S: Strategy>(
    inputs: &S,
    cases: u32,
    seed: u64,
    test: impl Fn(&S::Value) -> Result<(), String>,
) -> Result<(), String> {
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    };
    let mut bytes = [0; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    runner
        .run(inputs, |input| test(&input).map_err(TestCaseError::fail))
        .map_err(|e| match e {
            TestError::Fail(why, input) => format!("{why}\nsmallest failing input:\n{input:?}"),
            TestError::Abort(why) => format!("aborted: {why}"),
        })
}

/// Run `target` for `minutes` (see [`run_for`]) and print what it ran: inputs per second, each
/// kind of input taken and refused, and the failure if there was one. Whether nothing failed.
pub fn run_and_print(target: &Target, minutes: u64, seed: u64, threads: usize) -> bool {
    println!(
        "fuzz {}: {minutes} min on {threads} threads from seed {seed}: {}",
        target.name, target.about
    );
    let started = Instant::now();
    let (tally, failure) = run_for(target, Duration::from_secs(minutes * 60), threads, seed);
    let secs = started.elapsed().as_secs_f64();
    let cases = tally.cases();
    let verdict = if failure.is_some() {
        "FAILED"
    } else {
        "no failure"
    };
    println!(
        "fuzz {}: {cases} inputs in {secs:.0} s ({:.0}/s); {verdict}",
        target.name,
        cases as f64 / secs
    );
    println!("  {:<14} {:>12} {:>12}", "input", "taken", "refused");
    for (kind, taken, refused) in tally.counts() {
        println!("  {kind:<14} {taken:>12} {refused:>12}");
    }
    if let Some(why) = &failure {
        println!("{why}");
    }
    failure.is_none()
}

/// Inputs each thread runs between two looks at the clock.
const BATCH: u32 = 32;

/// Run `target` on `threads` threads until `duration` has passed or an input fails, each batch
/// of inputs from its own seed (`first_seed` on): the tally, and the first failure.
pub fn run_for(
    target: &Target,
    duration: Duration,
    threads: usize,
    first_seed: u64,
) -> (Tally, Option<String>) {
    let tally = Tally::new((target.kinds)());
    let deadline = Instant::now() + duration;
    let failed = AtomicBool::new(false);
    let failure = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let (tally, failed) = (&tally, &failed);
                s.spawn(move || {
                    let mut seed = first_seed + t;
                    while Instant::now() < deadline && !failed.load(Ordering::Relaxed) {
                        if let Err(why) = (target.run)(BATCH, seed, tally) {
                            failed.store(true, Ordering::Relaxed);
                            return Some(format!("seed {seed}: {why}"));
                        }
                        seed += threads as u64;
                    }
                    None
                })
            })
            .collect();
        handles
            .into_iter()
            .find_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    (tally, failure)
}
