//! Concord's Lab: the papers' published results, reproduced as seeded experiments over the
//! simulator, with the paper's numbers beside ours and notes where the model differs.
//!
//! An experiment is data and pure functions (see [`experiment`]): rows of configurations, one
//! seeded trial of a row, tables made from the trials. It runs in pieces of a bounded number of
//! simulation steps ([`Run::advance`]), so a page can run it between animation frames, however
//! long one trial is, show progress and the time left, and stop at any point; the same seed gives the same report natively (behind
//! `cargo xtask lab`) and in wasm. Nothing here reads a clock or does I/O: timing a run and
//! printing it is the caller's business (`src/main.rs`).
//!
//! - [`params`]: parameters as strings from a command line or an address, read into types.
//! - [`report`]: tables, CSV, JSON and text.
//! - [`stats`]: order statistics and log axes.
//! - [`raft`], [`gossip`], [`paxos`]: the experiments, listed in [`EXPERIMENTS`].

pub mod experiment;
pub mod gossip;
pub mod params;
pub mod paxos;
pub mod raft;
pub mod report;
pub mod stats;

use concord_core::sim::SimRng;

pub use experiment::{Batch, Experiment, Progress, Run, Steps, TrialError};
pub use params::{ParamError, ParamSpec, Params, Reader};
pub use report::{Cell, Column, Report, Table};

/// One experiment in the list: what it is and how to start it.
pub struct Entry {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub params: &'static [ParamSpec],
    /// Trials per row when none are asked for.
    pub trials: usize,
    start: Start,
}

/// Starts a run: parameters, first seed, trials per row.
type Start = fn(&Params, u64, usize) -> Result<Box<dyn Run>, ParamError>;

impl Entry {
    /// A run of this experiment over seeds `seed .. seed + trials`, with `params` (the others
    /// at their defaults).
    pub fn start(
        &self,
        params: &Params,
        seed: u64,
        trials: usize,
    ) -> Result<Box<dyn Run>, ParamError> {
        (self.start)(params, seed, trials)
    }
}

fn start<E: Experiment>(
    params: &Params,
    seed: u64,
    trials: usize,
) -> Result<Box<dyn Run>, ParamError> {
    let reader = Reader::new(E::NAME, E::PARAMS, params)?;
    Ok(Box::new(Batch::<E>::new(&reader, seed, trials)?))
}

const fn entry<E: Experiment>() -> Entry {
    Entry {
        name: E::NAME,
        title: E::TITLE,
        summary: E::SUMMARY,
        params: E::PARAMS,
        trials: E::TRIALS,
        start: start::<E>,
    }
}

/// Every experiment, in the order the command line lists them.
pub const EXPERIMENTS: &[Entry] = &[
    entry::<raft::figure16::Figure16>(),
    entry::<raft::availability::Availability>(),
    entry::<raft::rejoin::Rejoin>(),
    entry::<gossip::spread::Spread>(),
    entry::<gossip::rumor::Rumor>(),
    entry::<gossip::swim::Swim>(),
    entry::<paxos::duels::Duels>(),
];

pub fn find(name: &str) -> Option<&'static Entry> {
    EXPERIMENTS.iter().find(|e| e.name == name)
}

/// Bad input, or a trial that could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    UnknownExperiment(String),
    Param(ParamError),
    Trial(TrialError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::UnknownExperiment(name) => {
                let names: Vec<&str> = EXPERIMENTS.iter().map(|e| e.name).collect();
                write!(f, "no experiment `{name}`; there are {}", names.join(", "))
            }
            Error::Param(e) => e.fmt(f),
            Error::Trial(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// Run every trial of experiment `name` and return the report: for tests and scripts; a page
/// calls [`Run::advance`] itself.
pub fn run(name: &str, params: &Params, seed: u64, trials: usize) -> Result<Report, Error> {
    let entry = find(name).ok_or_else(|| Error::UnknownExperiment(name.to_owned()))?;
    let mut run = entry.start(params, seed, trials).map_err(Error::Param)?;
    while let Some(result) = run.advance(u64::MAX) {
        result.map_err(Error::Trial)?;
    }
    Ok(run.report())
}

/// The Lab's own random stream for a trial (crash times, victims), apart from the simulator's
/// (stream 0 is the network's, `1 + i` node `i`'s), so drawing from it changes nothing else.
pub(crate) fn lab_rng(seed: u64) -> SimRng {
    const LAB_STREAM: u64 = 1 << 40;
    SimRng::new(seed, LAB_STREAM)
}
