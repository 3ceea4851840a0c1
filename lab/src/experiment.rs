//! The shape every experiment takes, and the batch that runs it a bounded piece at a time.
//!
//! An experiment is data and a few pure functions: rows of configurations (a timeout range, a
//! loss rate, a cluster size …), one seeded trial of a row, and the tables made from the
//! trials. A [`Batch`] runs trial `i` of every row with seed `first + i`, interleaving the rows
//! (trial 0 of each row, then trial 1 of each …), so a run cancelled at any point leaves a
//! table in which every row has nearly the same number of trials.
//!
//! A trial is written as straight-line code (`async`), and every simulation step it takes first
//! spends one of the [`Steps`] its run hands out; when none are left the trial pauses there, and
//! the next [`Run::advance`] resumes it. So a run goes forward in pieces of at most so many steps,
//! whatever one trial costs (a 10,000-node gossip trial takes half a million steps or more), and a
//! page can run it between frames. Pausing changes nothing a trial computes: the same code runs the
//! same steps, whole or in pieces. The futures are polled by [`Batch`] alone, never by an executor,
//! so nothing here needs one.

use std::cell::Cell;
use std::fmt::{self, Debug};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

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
    type Row: Clone + Debug + 'static;
    /// What one trial measured.
    type Trial: Clone + Debug + 'static;

    fn from_params(params: &Reader) -> Result<Self, ParamError>;
    fn rows(&self) -> Vec<Self::Row>;
    /// One trial: deterministic in `row` and `seed`. Each simulation step spends one of
    /// `steps` (through [`step_until`], or [`Steps::spend`] before stepping by other means).
    fn trial(
        &self,
        row: &Self::Row,
        seed: u64,
        steps: &Steps,
    ) -> impl Future<Output = Result<Self::Trial, TrialError>>;
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

/// The simulation steps a trial may still take before it pauses: handed out by its run
/// ([`Run::advance`]), spent by the trial.
#[derive(Clone, Debug, Default)]
pub struct Steps(Rc<Cell<u64>>);

impl Steps {
    /// Spend one step; while none are left, pause the trial here (the run hands out more).
    pub fn spend(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(|_| match self.0.get() {
            0 => Poll::Pending,
            left => {
                self.0.set(left - 1);
                Poll::Ready(())
            }
        })
    }
}

/// Handle the next event if it falls at or before `until` (spending one step); false when none
/// does. An invariant that breaks is an error: the Lab measures only correct runs.
pub async fn step_until<P: Protocol>(
    sim: &mut Sim<P>,
    until: Time,
    steps: &Steps,
) -> Result<bool, TrialError> {
    if sim.next_event_time().is_none_or(|t| t > until) {
        return Ok(false);
    }
    steps.spend().await;
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
    /// Run the trial under way, or the next one, until it ends or has taken `steps` more
    /// simulation steps; `None` once every trial has run. `u64::MAX` steps run a whole trial.
    fn advance(&mut self, steps: u64) -> Option<Result<(), TrialError>>;
    /// The report of the trials finished so far (a trial under way counts only once it ends).
    fn report(&self) -> Report;
}

/// A trial under way: its row, its seed and its paused code.
struct Underway<T> {
    row: usize,
    seed: u64,
    trial: Pin<Box<dyn Future<Output = Result<T, TrialError>>>>,
}

/// Every row of `E`, over seeds `first .. first + trials`, in pieces of a bounded number of
/// steps.
pub struct Batch<E: Experiment> {
    experiment: Rc<E>,
    params: Vec<(String, String)>,
    first_seed: u64,
    trials: usize,
    results: Vec<(E::Row, Vec<E::Trial>)>,
    /// Trials started so far (the one under way included).
    started: usize,
    underway: Option<Underway<E::Trial>>,
    steps: Steps,
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
            experiment: Rc::new(experiment),
            params: params.resolved(),
            first_seed,
            trials,
            results,
            started: 0,
            underway: None,
            steps: Steps::default(),
        })
    }

    /// The next trial, paused before its first step; `None` once every trial has started.
    fn start_next(&mut self) -> Option<Underway<E::Trial>> {
        let rows = self.results.len();
        if self.started >= rows * self.trials {
            return None;
        }
        let (row, i) = (self.started % rows, self.started / rows);
        let seed = self.first_seed + i as u64;
        self.started += 1;
        let (experiment, steps) = (Rc::clone(&self.experiment), self.steps.clone());
        let config = self.results[row].0.clone();
        let trial = Box::pin(async move { experiment.trial(&config, seed, &steps).await });
        Some(Underway { row, seed, trial })
    }
}

impl<E: Experiment> Run for Batch<E> {
    fn progress(&self) -> Progress {
        let finished = self.started - usize::from(self.underway.is_some());
        Progress {
            done: finished,
            total: self.results.len() * self.trials,
        }
    }

    fn advance(&mut self, steps: u64) -> Option<Result<(), TrialError>> {
        let mut underway = match self.underway.take() {
            Some(underway) => underway,
            None => self.start_next()?,
        };
        self.steps.0.set(steps);
        let poll = underway
            .trial
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        let Poll::Ready(result) = poll else {
            self.underway = Some(underway);
            return Some(Ok(()));
        };
        let (row, trials) = &mut self.results[underway.row];
        Some(
            result.map(|trial| trials.push(trial)).map_err(|e| {
                TrialError(format!("{} {row:?}, seed {}: {e}", E::NAME, underway.seed))
            }),
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
