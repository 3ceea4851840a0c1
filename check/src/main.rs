//! `concord-check`, behind `cargo xtask soak` and `cargo xtask fuzz`:
//!
//! - `soak [--protocol raft|gossip|paxos] [--seeds N] [--from S] [--threads T]`: every
//!   protocol's (or one's) safety properties over N seeded faulty runs (default 100,000).
//! - `fuzz [target] [--minutes N] [--seed S] [--threads T]`: each fuzz target (or one) for N
//!   minutes (default 1).
//!
//! Both use every core unless told otherwise and exit with an error when something failed.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use concord_check::{fuzz, seeds, soak};

const USAGE: &str = "\
usage: concord-check soak [--protocol raft|gossip|paxos] [--seeds N] [--from S] [--threads T]
       concord-check fuzz [target] [--minutes N] [--seed S] [--threads T]";

/// How often a soak says how far it got.
const PROGRESS_EVERY: Duration = Duration::from_secs(30);

/// Violations printed in full; the rest are counted.
const SHOWN: usize = 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((command, rest)) if command == "soak" => run_soak(rest),
        Some((command, rest)) if command == "fuzz" => run_fuzz(rest),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("concord-check: {message}");
            ExitCode::from(2)
        }
    }
}

/// The command's options as `--name value` pairs, and at most one bare word.
struct Args {
    word: Option<String>,
    options: Vec<(String, String)>,
}

impl Args {
    fn parse(args: &[String], names: &[&str]) -> Result<Args, String> {
        let mut parsed = Args {
            word: None,
            options: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.strip_prefix("--") {
                Some(name) if names.contains(&name) => {
                    let value = args.next().ok_or(format!("--{name} needs a value"))?;
                    parsed.options.push((name.to_owned(), value.clone()));
                }
                Some(name) => return Err(format!("unknown option --{name}\n{USAGE}")),
                None if parsed.word.is_none() => parsed.word = Some(arg.clone()),
                None => return Err(format!("unexpected argument `{arg}`\n{USAGE}")),
            }
        }
        Ok(parsed)
    }

    fn number(&self, name: &str, default: u64) -> Result<u64, String> {
        match self.options.iter().rev().find(|(n, _)| n == name) {
            None => Ok(default),
            Some((_, value)) => value
                .replace('_', "")
                .parse()
                .map_err(|_| format!("--{name} {value}: not a whole number")),
        }
    }

    fn text(&self, name: &str) -> Option<&str> {
        let found = self.options.iter().rev().find(|(n, _)| n == name);
        found.map(|(_, value)| value.as_str())
    }

    fn threads(&self) -> Result<usize, String> {
        let threads = self.number("threads", seeds::threads() as u64)?;
        Ok(threads.max(1) as usize)
    }
}

/// Names of the rows of a table, for messages.
fn names<T>(rows: &[T], name: impl Fn(&T) -> &str) -> String {
    rows.iter().map(name).collect::<Vec<_>>().join(", ")
}

fn run_soak(args: &[String]) -> Result<bool, String> {
    let args = Args::parse(args, &["protocol", "seeds", "from", "threads"])?;
    if let Some(word) = &args.word {
        return Err(format!("unexpected argument `{word}`\n{USAGE}"));
    }
    let protocols: Vec<&soak::Protocol> = match args.text("protocol") {
        None => soak::PROTOCOLS.iter().collect(),
        Some(name) => vec![soak::protocol(name).ok_or_else(|| {
            let known = names(soak::PROTOCOLS, |p| p.name);
            format!("no protocol `{name}` (known: {known})")
        })?],
    };
    let count = args.number("seeds", 100_000)?;
    let from = args.number("from", 0)?;
    let threads = args.threads()?;
    let mut clean = true;
    for protocol in protocols {
        println!(
            "soak {}: seeds {from}..{} on {threads} threads: {}",
            protocol.name,
            from + count,
            protocol.about
        );
        let done = AtomicU64::new(0);
        let started = Instant::now();
        let sweep = std::thread::scope(|s| {
            let sweep = s.spawn(|| {
                seeds::sweep(from..from + count, threads, false, &done, |seed| {
                    (protocol.run)(seed)
                })
            });
            let mut report_at = PROGRESS_EVERY;
            while !sweep.is_finished() {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() >= report_at {
                    let runs = done.load(Ordering::Relaxed);
                    eprintln!("  {runs} runs after {} s", report_at.as_secs());
                    report_at += PROGRESS_EVERY;
                }
            }
            sweep
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
        });
        let secs = started.elapsed().as_secs_f64();
        println!(
            "soak {}: {} runs in {secs:.1} s, {:.0} runs/s; {} violations",
            protocol.name,
            sweep.runs,
            sweep.runs as f64 / secs,
            sweep.failures.len()
        );
        for (seed, why) in sweep.failures.iter().take(SHOWN) {
            println!("  seed={seed}: {why}");
        }
        if let Some((seed, _)) = sweep.failures.first() {
            println!(
                "  reproduce: cargo xtask soak --protocol {} --from {seed} --seeds 1",
                protocol.name
            );
        }
        clean &= sweep.failures.is_empty();
    }
    Ok(clean)
}

fn run_fuzz(args: &[String]) -> Result<bool, String> {
    let args = Args::parse(args, &["minutes", "seed", "threads"])?;
    let targets: Vec<&fuzz::Target> = match &args.word {
        None => fuzz::TARGETS.iter().collect(),
        Some(name) => vec![fuzz::target(name).ok_or_else(|| {
            let known = names(fuzz::TARGETS, |t| t.name);
            format!("no fuzz target `{name}` (known: {known})")
        })?],
    };
    let minutes = args.number("minutes", 1)?;
    let seed = args.number("seed", 0)?;
    let threads = args.threads()?;
    // A failing input is shrunk by running smaller ones, most of which fail the same way: the
    // panics are reported with the smallest input, not printed each time.
    std::panic::set_hook(Box::new(|_| {}));
    let mut clean = true;
    for target in targets {
        clean &= fuzz::run_and_print(target, minutes, seed, threads);
    }
    Ok(clean)
}
