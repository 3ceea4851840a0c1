//! `concord-lab`: run one of the Lab's experiments from the command line (`cargo xtask lab`
//! runs this binary in release mode).
//!
//! ```text
//! concord-lab                                   list the experiments
//! concord-lab <experiment> --help               its parameters and their defaults
//! concord-lab <experiment> [--trials N] [--seed S] [--<param> <value> …] [--json | --csv [--table NAME]]
//! ```
//!
//! The report goes to stdout (text, JSON or one table as CSV); progress, the time left and the
//! time taken go to stderr, so the output of a seed is the same on every run.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use concord_lab::{EXPERIMENTS, Entry, Params, find};

const USAGE: &str = "usage: concord-lab <experiment> [--trials N] [--seed S] [--<param> <value> …] [--json | --csv [--table NAME]]
       concord-lab <experiment> --help";

enum Format {
    Text,
    Json,
    Csv(Option<String>),
}

struct Args {
    entry: &'static Entry,
    trials: usize,
    seed: u64,
    params: Params,
    format: Format,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        print!("{}", listing());
        return ExitCode::SUCCESS;
    };
    if matches!(name.as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}\n");
        print!("{}", listing());
        return ExitCode::SUCCESS;
    }
    let Some(entry) = find(name) else {
        eprintln!("concord-lab: no experiment `{name}`\n\n{}", listing());
        return ExitCode::from(2);
    };
    if args[1..].iter().any(|a| a == "--help" || a == "-h") {
        print!("{}", help(entry));
        return ExitCode::SUCCESS;
    }
    let args = match parse(entry, &args[1..]) {
        Ok(args) => args,
        Err(why) => {
            eprintln!("concord-lab: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("concord-lab: {why}");
            ExitCode::FAILURE
        }
    }
}

fn listing() -> String {
    let width = EXPERIMENTS.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut out = String::from("experiments:\n");
    for e in EXPERIMENTS {
        out.push_str(&format!("  {:width$}  {}\n", e.name, e.summary));
    }
    out.push_str("\n`<experiment> --help` lists an experiment's parameters.\n");
    out
}

fn help(entry: &Entry) -> String {
    let mut out = format!("{}: {}\n\n{USAGE}\n\n", entry.name, entry.title);
    let default_trials = entry.trials.to_string();
    let rows = [
        ("trials N", "trials per row", default_trials.as_str()),
        ("seed S", "trial i runs with seed S + i", "1"),
    ]
    .into_iter()
    .chain(entry.params.iter().map(|p| (p.name, p.help, p.default)));
    let width = entry
        .params
        .iter()
        .map(|p| p.name.len())
        .chain(["trials N".len()])
        .max()
        .unwrap_or(0);
    for (name, help, default) in rows {
        out.push_str(&format!("  --{name:width$}  {help} (default {default})\n"));
    }
    out
}

fn parse(entry: &'static Entry, args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        entry,
        trials: entry.trials,
        seed: 1,
        params: Params::new(),
        format: Format::Text,
    };
    let mut table = None;
    let mut csv = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let Some(flag) = arg.strip_prefix("--") else {
            return Err(format!("`{arg}` is not a --flag"));
        };
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (flag, None),
        };
        match name {
            "json" => out.format = Format::Json,
            "csv" => csv = true,
            _ => {
                let value = match inline {
                    Some(v) => v,
                    None => iter
                        .next()
                        .cloned()
                        .ok_or_else(|| format!("--{name} needs a value"))?,
                };
                match name {
                    "trials" => {
                        out.trials = value
                            .parse()
                            .map_err(|_| format!("--trials {value}: not a whole number"))?
                    }
                    "seed" => {
                        out.seed = value
                            .parse()
                            .map_err(|_| format!("--seed {value}: not a whole number"))?
                    }
                    "table" => table = Some(value),
                    _ => out.params.set(name, &value),
                }
            }
        }
    }
    if csv {
        if matches!(out.format, Format::Json) {
            return Err("choose one of --json and --csv".into());
        }
        out.format = Format::Csv(table);
    } else if table.is_some() {
        return Err("--table goes with --csv".into());
    }
    Ok(out)
}

fn run(args: &Args) -> Result<(), String> {
    let mut run = args
        .entry
        .start(&args.params, args.seed, args.trials)
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let live = std::io::stderr().is_terminal();
    let mut shown = Instant::now();
    while let Some(result) = run.advance(u64::MAX) {
        result.map_err(|e| e.to_string())?;
        if live && shown.elapsed() > Duration::from_millis(250) {
            shown = Instant::now();
            let p = run.progress();
            let spent = started.elapsed().as_secs_f64();
            let left = spent / p.done as f64 * (p.total - p.done) as f64;
            eprint!(
                "\r  {}/{} trials, {spent:.1} s, about {left:.0} s left   ",
                p.done, p.total
            );
        }
    }
    let total = run.progress().total;
    let spent = started.elapsed().as_secs_f64();
    if live {
        eprint!("\r{:60}\r", "");
    }
    eprintln!(
        "{}: {total} trials in {spent:.2} s ({:.3} ms a trial)",
        args.entry.name,
        spent * 1e3 / total.max(1) as f64
    );
    let report = run.report();
    let out = match &args.format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json() + "\n",
        Format::Csv(table) => {
            let name = table
                .as_deref()
                .or_else(|| report.tables.first().map(|t| t.name))
                .unwrap_or_default();
            let t = report.table(name).ok_or_else(|| {
                let names: Vec<&str> = report.tables.iter().map(|t| t.name).collect();
                format!("no table `{name}`; there are {}", names.join(", "))
            })?;
            t.to_csv()
        }
    };
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| format!("cannot write the report: {e}"))
}
