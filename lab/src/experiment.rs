//! The shape every experiment takes, and the batch that runs it one trial per call.
//!
//! An experiment is data and a few pure functions: rows of configurations (a timeout range, a
//! loss rate, a cluster size …), one seeded trial of a row, and the tables made from the
//! trials. A [`Batch`] runs trial `i` of every row with seed `first + i`, interleaving the rows
//! (trial 0 of each row, then trial 1 of each …), so a run cancelled at any point leaves a
//! table in which every row has nearly the same number of trials.

use std::fmt::{self, Debug};

use concord_core::sim::{Input, Protocol, Sim, SimError, Time, Violation};

use crate::params::{ParamError, ParamSpec, Reader};
use crate::report::{Report, Table};

/// One experiment of the Lab.
pub trait Experiment: Sized + 'static {
    /// Its name on the command line and in a page's address.
    const NAME: &'static str;
    const TITLE: &'static str;
    /// One line: what it measures, against which paper.
    const SUMMARY: &'static str;
    const PARAMS: &'static [ParamSpec];
    /// Trials per row when none are asked for.
    const TRIALS: usize;

    /// A configuration of the table, run over every seed.
    type Row: Clone + Debug;
    /// What one trial measured.
    type Trial: Clone + Debug;

    fn from_params(params: &Reader) -> Result<Self, ParamError>;
    fn rows(&self) -> Vec<Self::Row>;
    /// One trial: deterministic in `row` and `seed`.
    fn trial(&self, row: &Self::Row, seed: u64) -> Result<Self::Trial, TrialError>;
    /// The tables and the notes, from the trials so far (a row may have none yet).
    fn report(&self, results: &[(Self::Row, Vec<Self::Trial>)]) -> (Vec<Table>, Vec<String>);
}

/// A trial that could not run: the simulator refused an input, or an invariant broke. Either is
/// a bug in the Lab or in the core, never a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrialError(pub String);

impl fmt::Display for TrialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TrialError {}

impl From<SimError> for TrialError {
    fn from(e: SimError) -> Self {
        TrialError(format!("the simulator refused an input: {e}"))
    }
}

/// The invariants a run broke, if any, as an error.
pub fn no_violations(violations: &[Violation]) -> Result<(), TrialError> {
    match violations.first() {
        None => Ok(()),
        Some(v) => Err(TrialError(format!(
            "invariant {} broke at {} µs: {}",
            v.invariant, v.time, v.detail
        ))),
    }
}

/// Handle the next event if it falls at or before `until`; false when none does. An invariant
/// that breaks is an error: the Lab measures only correct runs.
pub fn step_until<P: Protocol>(sim: &mut Sim<P>, until: Time) -> Result<bool, TrialError> {
    if sim.next_event_time().is_none_or(|t| t > until) {
        return Ok(false);
    }
    no_violations(&sim.advance(Input::Next)?)?;
    Ok(true)
}

/// How far a run is: trials done of the total (rows × trials per row).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// An experiment being run, whatever its type: what a page or the command line holds.
pub trait Run {
    fn progress(&self) -> Progress;
    /// Run the next trial; `None` once every trial has run.
    fn run_next(&mut self) -> Option<Result<(), TrialError>>;
    /// The report of the trials run so far.
    fn report(&self) -> Report;
}

/// Every row of `E`, over seeds `first .. first + trials`, one trial per call.
pub struct Batch<E: Experiment> {
    experiment: E,
    params: Vec<(String, String)>,
    first_seed: u64,
    trials: usize,
    results: Vec<(E::Row, Vec<E::Trial>)>,
    next: usize,
}

impl<E: Experiment> Batch<E> {
    pub fn new(params: &Reader, first_seed: u64, trials: usize) -> Result<Self, ParamError> {
        let experiment = E::from_params(params)?;
        let results = experiment
            .rows()
            .into_iter()
            .map(|row| (row, Vec::new()))
            .collect();
        Ok(Batch {
            experiment,
            params: params.resolved(),
            first_seed,
            trials,
            results,
            next: 0,
        })
    }
}

impl<E: Experiment> Run for Batch<E> {
    fn progress(&self) -> Progress {
        Progress {
            done: self.next,
            total: self.results.len() * self.trials,
        }
    }

    fn run_next(&mut self) -> Option<Result<(), TrialError>> {
        let rows = self.results.len();
        if self.next >= rows * self.trials {
            return None;
        }
        let (row_index, i) = (self.next % rows, self.next / rows);
        let seed = self.first_seed + i as u64;
        let (row, trials) = &mut self.results[row_index];
        self.next += 1;
        Some(
            self.experiment
                .trial(row, seed)
                .map(|trial| trials.push(trial))
                .map_err(|e| TrialError(format!("{} {row:?}, seed {seed}: {e}", E::NAME))),
        )
    }

    fn report(&self) -> Report {
        let (tables, notes) = self.experiment.report(&self.results);
        Report {
            experiment: E::NAME,
            title: E::TITLE,
            seed: self.first_seed,
            trials: self.trials,
            done: self.results.iter().map(|(_, t)| t.len()).min().unwrap_or(0),
            params: self.params.clone(),
            tables,
            notes,
        }
    }
}
